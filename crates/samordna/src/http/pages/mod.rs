//! Server-rendered pages in Swedish. Every page works without JavaScript; forms post back and
//! show errors beside the fields and in a summary at the top.

mod account;
mod admin;
mod agreement;
mod application_form;
mod applications;
mod audit;
mod clauses;
mod economy;
mod interventions;
mod login;
mod meetings;
mod participants;
mod preparation;
mod public;
mod reports;
mod requisitions;

use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::error::{ApiError, PageError};
use super::messages::{field_message, message};
use super::AppState;
use crate::domain::role::Role;
use crate::service::principal::Principal;
use crate::service::FieldError;

pub fn router(max_attachment_bytes: usize) -> Router<AppState> {
    // Uploads may be as large as an attachment may be; every other form stays small.
    let uploads = Router::new()
        .route("/ansokningar/{id}/bilagor", post(applications::upload))
        .route("/insatser/{id}/deltagare/import", get(participants::import_view).post(participants::import))
        .route("/insatser/{id}/rekvisitioner", get(requisitions::list).post(requisitions::create))
        .layer(axum::extract::DefaultBodyLimit::max(max_attachment_bytes + 64 * 1024));
    Router::new()
        .merge(uploads)
        .route("/", get(public::home))
        .route("/logga-in", get(login::form).post(login::submit))
        .route("/logga-ut", post(login::logout))
        .route("/konto/losenord", get(account::form).post(account::submit))
        .route("/medlemmar", get(admin::members))
        .route("/medlemmar/ny", get(admin::member_form).post(admin::member_submit))
        .route("/anvandare", get(admin::users))
        .route("/anvandare/ny", get(admin::user_form).post(admin::user_submit))
        .route("/granskningslogg", get(audit::page))
        .route("/overenskommelse", get(agreement::page).post(agreement::publish))
        .route("/att-satser", get(clauses::view).post(clauses::save))
        .route("/mall-overenskommelse", get(clauses::agreement_template).post(clauses::save_agreement_template))
        .route("/ansokningar", get(applications::office_list))
        .route("/mina-ansokningar", get(applications::my_list))
        .route("/ansokningar/ny", get(applications::new_form).post(applications::create))
        .route("/ansokningar/{id}", get(applications::view))
        .route("/ansokningar/{id}/redigera", get(applications::edit_form).post(applications::save))
        .route("/ansokningar/{id}/underteckna", post(applications::sign))
        .route("/ansokningar/{id}/lamna-in", post(applications::submit))
        .route("/ansokningar/{id}/komplettering", post(applications::request_completion))
        .route("/ansokningar/{id}/versioner", get(applications::versions))
        .route("/ansokningar/{id}/utskrift", get(applications::print))
        .route("/ansokningar/{id}/pdf", get(applications::pdf))
        .route("/ansokningar/{id}/beredning", get(preparation::view).post(preparation::save))
        .route("/ansokningar/{id}/beredning/forslag.pdf", get(preparation::pdf))
        .route("/ansokningar/{id}/beredning/forslag.txt", get(preparation::text))
        .route("/ansokningar/{id}/bilagor/{attachment}", get(applications::download))
        .route("/moten", get(meetings::list))
        .route("/moten/nytt", get(meetings::new_form).post(meetings::create))
        .route("/moten/{id}", get(meetings::view))
        .route("/moten/{id}/protokoll", post(meetings::save_minutes))
        .route("/moten/{id}/beslut/{item}", post(meetings::decide))
        .route("/moten/{id}/justera", post(meetings::attest))
        .route("/moten/{id}/utdrag/{file}", get(meetings::extract))
        .route("/insatser", get(interventions::list))
        .route("/insatser/{id}", get(interventions::view))
        .route("/insatser/{id}/underteckna", post(interventions::sign))
        .route("/insatser/{id}/overenskommelse.pdf", get(interventions::agreement_pdf))
        .route("/insatser/{id}/deltagaransvariga", post(participants::assign))
        .route("/insatser/{id}/deltagare", get(participants::register_view).post(participants::register))
        .route("/insatser/{id}/deltagare/steg", post(participants::quick_step))
        .route("/insatser/{id}/deltagare/{pid}", get(participants::participant_view))
        .route("/insatser/{id}/deltagare/{pid}/registerutdrag.pdf", get(participants::extract_pdf))
        .route("/insatser/{id}/deltagare/{pid}/{action}", post(participants::participant_post))
        .route("/insatser/{id}/mal", get(participants::goals))
        .route("/insatser/{id}/uppfoljning", get(participants::follow_up_view).post(participants::follow_up_save))
        .route("/insatser/{id}/rekvisitioner/{rid}", get(requisitions::view).post(requisitions::review))
        .route("/insatser/{id}/rekvisitioner/{rid}/underlag/{aid}", get(requisitions::attachment))
        .route("/insatser/{id}/rapporter", get(reports::list))
        .route("/insatser/{id}/rapporter/{slot}", get(reports::view).post(reports::post))
        .route("/insatser/{id}/avvikelser", get(reports::deviations).post(reports::report_deviation))
        .route("/insatser/{id}/avvikelser/{did}", post(reports::handle_deviation))
        .route("/insatser/{id}/avvikelser/{did}/dagordning", post(reports::put_on_agenda))
        .route("/ekonomi", get(economy::year_view))
        .route("/ekonomi/tilldelning", post(economy::save_allocation))
        .route("/ekonomi/nyckel", post(economy::save_key))
        .route("/ekonomi/befolkning", post(economy::save_populations))
        .route("/ekonomi/budget", post(economy::save_budget))
        .route("/ekonomi/installningar", post(economy::save_settings))
        .route("/ekonomi/utvaxling", get(economy::return_ratios))
        .route("/ekonomi/rekvisitioner", get(economy::requisitions))
        .route("/ekonomi/uppfoljning-finsam", get(economy::uppfoljning_finsam))
        .route("/statistik", get(participants::statistics))
        .route("/uppfoljning", get(participants::settings_view).post(participants::settings_save))
        .route("/tillganglighet", get(public::accessibility))
        .route("/static/{file}", get(public::asset))
}

/// The notice a page shows after a redirect: `?meddelande=code`, looked up in `messages::notice`.
#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(rename = "meddelande")]
    pub message: Option<String>,
}

/// One entry of the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the frame around every page needs.
pub struct Layout {
    pub title: String,
    pub nav: Vec<NavItem>,
    pub user_name: Option<String>,
    pub csrf_token: String,
    pub notice: Option<&'static str>,
}

impl Layout {
    /// The frame for a logged-in user: navigation by role, the current page marked.
    pub fn for_user(title: impl Into<String>, p: &Principal, current: &str) -> Layout {
        let mut nav = vec![("/", "Start")];
        if !p.must_change_password {
            if applications::is_applicant(p) {
                nav.push(("/mina-ansokningar", "Mina ansökningar"));
            }
            if applications::is_office(p) {
                nav.push(("/ansokningar", "Ansökningar"));
            }
            if meetings::sees_meetings(p) {
                nav.push(("/moten", "Sammanträden"));
            }
            if interventions::sees_interventions(p) {
                nav.push(("/insatser", "Insatser"));
            }
            if interventions::sees_statistics(p) {
                nav.push(("/statistik", "Statistik"));
            }
            if economy::sees_economy(p) {
                nav.push(("/ekonomi", "Ekonomi"));
            }
            if p.is_system_admin() || !p.association_ids().is_empty() {
                nav.push(("/medlemmar", "Medlemmar"));
            }
            if p.administers_any() {
                nav.push(("/anvandare", "Användare"));
                nav.push(("/overenskommelse", "Överenskommelse"));
                nav.push(("/att-satser", "Att-satser"));
                nav.push(("/mall-overenskommelse", "Mall för överenskommelser"));
                nav.push(("/uppfoljning", "Uppföljning"));
                nav.push(("/granskningslogg", "Granskningslogg"));
            }
        }
        nav.push(("/konto/losenord", "Byt lösenord"));
        Layout {
            title: title.into(),
            nav: nav.into_iter().map(|(href, label)| NavItem { href, label, current: href == current }).collect(),
            user_name: Some(p.name.clone()),
            csrf_token: p.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default(),
            notice: None,
        }
    }

    /// The frame for someone not logged in.
    pub fn public(title: impl Into<String>) -> Layout {
        Layout { title: title.into(), nav: Vec::new(), user_name: None, csrf_token: String::new(), notice: None }
    }

    /// The frame for a public page, with the navigation when someone is logged in.
    pub fn maybe_user(title: impl Into<String>, p: Option<&Principal>, current: &str) -> Layout {
        match p {
            Some(p) => Layout::for_user(title, p, current),
            None => Layout::public(title),
        }
    }

    pub fn with_notice(mut self, code: Option<&str>) -> Layout {
        self.notice = code.and_then(super::messages::notice);
        self
    }
}

/// A field error as shown: which field, in Swedish.
pub struct ShownError {
    pub field: String,
    pub message: &'static str,
}

/// The errors of one form submission.
#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<ShownError>,
}

impl FormErrors {
    pub fn from_fields(fields: &[FieldError]) -> Self {
        let mut items: Vec<ShownError> = Vec::new();
        for f in fields {
            // One message per field: the first problem is the one to fix first.
            if !items.iter().any(|i| i.field == f.field) {
                items.push(ShownError { field: f.field.to_string(), message: field_message(&f.field, f.code) });
            }
        }
        FormErrors { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// No errors: what a form shows when another form of the same page was posted.
    pub fn none() -> &'static FormErrors {
        static NONE: FormErrors = FormErrors { items: Vec::new() };
        &NONE
    }

    pub fn has(&self, field: impl AsRef<str>) -> bool {
        self.items.iter().any(|i| i.field == field.as_ref())
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&'static str> {
        self.items.iter().find(|i| i.field == field.as_ref()).map(|i| i.message)
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!DOCTYPE html><html lang=\"sv\"><title>Fel</title><h1>Något gick fel</h1></html>"),
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

pub fn error_page(status: StatusCode, code: &str, principal: Option<&Principal>) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Sidan finns inte",
        StatusCode::FORBIDDEN => "Åtkomst nekad",
        StatusCode::UNAUTHORIZED => "Du är inte inloggad",
        StatusCode::TOO_MANY_REQUESTS => "För många försök",
        StatusCode::PAYLOAD_TOO_LARGE => "För mycket data",
        s if s.is_server_error() => "Något gick fel",
        _ => "Det gick inte att visa sidan",
    };
    let layout = Layout::maybe_user(heading, principal, "");
    render(status, &ErrorPage { layout, heading, message: message(code) })
}

/// Unknown paths: problem+json under /api, a Swedish page elsewhere.
pub async fn fallback(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        ApiError::not_found().into_response()
    } else {
        let principal = request.extensions().get::<super::auth::Auth>().and_then(|a| a.principal.clone());
        error_page(StatusCode::NOT_FOUND, "not_found", principal.as_ref())
    }
}

/// The Swedish label of a role with where it is held, as lists show it.
pub fn describe_grant(g: &crate::storage::users::RoleGrant) -> String {
    match (&g.member_name, &g.association_name) {
        (Some(m), _) => format!("{} – {}", g.role.label(), m),
        (None, Some(a)) => format!("{} – {}", g.role.label(), a),
        _ => g.role.label().to_string(),
    }
}

/// The association a page is about: the one asked for (if the caller belongs to it), else the
/// caller's first, else for a system administrator the first there is.
pub async fn pick_association(
    state: &AppState,
    principal: &Principal,
    asked: Option<i64>,
) -> Result<crate::storage::members::AssociationRow, PageError> {
    let visible = crate::service::members::associations_of(&state.db, principal).await?;
    let found = match asked {
        Some(id) => visible.into_iter().find(|a| a.id == id),
        None => {
            let own = principal.association_ids();
            let first_own = own.first().and_then(|id| visible.iter().find(|a| a.id == *id).cloned());
            first_own.or_else(|| visible.into_iter().next())
        }
    };
    found.ok_or_else(PageError::not_found)
}

/// Roles offered when an administrator adds a user (system administrators may add their peers).
pub fn assignable_roles(principal: &Principal) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::SystemAdmin || principal.is_system_admin())
        .map(|r| (r.code(), r.label()))
        .collect()
}

/// A posted form's fields as sent, with the readers every form needs.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone()).collect()
    }
    /// A date field; a malformed one is an error on that field.
    pub fn date(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<chrono::NaiveDate> {
        let v = self.get(name);
        if v.is_empty() {
            return None;
        }
        let d = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
        if d.is_none() {
            errors.push(FieldError::new(name, "date_invalid"));
        }
        d
    }
    pub fn number<T: std::str::FromStr>(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<T> {
        let v = self.get(name).replace(',', ".");
        if v.is_empty() {
            return None;
        }
        let n = v.parse().ok();
        if n.is_none() {
            errors.push(FieldError::new(name, "number_invalid"));
        }
        n
    }
}
