//! Interventions in the browser: the list, one intervention with its granted budget, conditions
//! and agreement, and the firmatecknare's signature.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::{render, FormErrors, Layout, NoticeQuery};
use crate::domain::meeting::InterventionStatus;
use crate::domain::money::Money;
use crate::domain::time::format_local;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::interventions::{self as service, agreement_document, InterventionView};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};
use crate::storage::Page;

fn sees_any(p: &Principal, association: i64) -> bool {
    let r = service::reach(p, association);
    r.all || !r.members.is_empty()
}

/// The association whose interventions the caller sees.
async fn association_of(state: &AppState, p: &Principal) -> Result<i64, PageError> {
    let association = super::pick_association(state, p, None).await?.id;
    if sees_any(p, association) {
        Ok(association)
    } else {
        Err(PageError::not_found())
    }
}

/// Does the caller see the association's participant figures: its office, board and auditors?
pub fn sees_statistics(p: &Principal) -> bool {
    p.is_system_admin() || p.association_ids().into_iter().any(|a| service::reach(p, a).all)
}

/// Does the caller have interventions to see (for the navigation)?
pub fn sees_interventions(p: &Principal) -> bool {
    p.is_system_admin() || p.association_ids().into_iter().any(|a| sees_any(p, a))
}

struct Line {
    id: i64,
    name: String,
    owner: String,
    status: &'static str,
    period: String,
    max_total: String,
}

#[derive(Template)]
#[template(path = "interventions.html")]
struct ListPage {
    layout: Layout,
    statuses: Vec<(&'static str, &'static str)>,
    status: String,
    lines: Vec<Line>,
    total: i64,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let association = association_of(&state, &p).await?;
    let status = InterventionStatus::parse(&q.status);
    let (rows, total) = service::list(&state.db, &p, association, status, Page::new(Some(200), None)).await?;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::for_user("Insatser", &p, "/insatser"),
            statuses: InterventionStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
            status: status.map(|s| s.code().to_string()).unwrap_or_default(),
            lines: rows
                .into_iter()
                .map(|r| Line {
                    id: r.id,
                    status: InterventionStatus::parse(&r.status).map(InterventionStatus::label).unwrap_or(""),
                    period: format!("{} – {}", r.start_date, r.end_date),
                    max_total: format!("{} kr", Money::from_ore(r.max_total_ore).format_number()),
                    name: r.name,
                    owner: r.owner_name,
                })
                .collect(),
            total,
        },
    ))
}

struct PartyLine {
    member_id: i64,
    name: String,
    role: &'static str,
    signed: Option<String>,
    can_sign: bool,
}

#[derive(Template)]
#[template(path = "intervention.html")]
struct InterventionPage {
    layout: Layout,
    id: i64,
    name: String,
    owner: String,
    status: &'static str,
    period: String,
    max_total: String,
    per_year: Vec<(i32, String)>,
    option_to_extend: bool,
    application_id: i64,
    registration_number: Option<String>,
    conditions: Vec<String>,
    agreement_html: String,
    agreement_hash: String,
    parties: Vec<PartyLine>,
    errors: FormErrors,
    follow_up: crate::service::follow_up::FollowUpView,
}

impl InterventionPage {
    fn is_assigned(&self, user_id: &i64) -> bool {
        self.follow_up.case_workers.iter().any(|c| c.0 == *user_id)
    }
}

fn page(
    p: &Principal,
    v: &InterventionView,
    follow_up: crate::service::follow_up::FollowUpView,
    status: StatusCode,
    errors: Vec<FieldError>,
    notice: Option<&str>,
) -> Response {
    let (_, blocks) = agreement_document(v);
    render(
        status,
        &InterventionPage {
            layout: Layout::for_user(v.row.name.clone(), p, "/insatser").with_notice(notice),
            id: v.row.id,
            name: v.row.name.clone(),
            owner: v.row.owner_name.clone(),
            status: v.status.label(),
            period: format!("{} – {}", v.row.start_date, v.row.end_date),
            max_total: format!("{} kr", Money::from_ore(v.row.max_total_ore).format_number()),
            per_year: v.budget_years.iter().map(|(y, m)| (*y, format!("{} kr", m.format_number()))).collect(),
            option_to_extend: v.row.option_to_extend,
            application_id: v.row.application_id,
            registration_number: v.row.registration_number.clone(),
            conditions: v.conditions.iter().map(|c| crate::documents::doc_plain(c)).collect(),
            agreement_html: crate::documents::doc_body_html(
                &blocks[..blocks.len().saturating_sub(v.parties.len() + 1)],
                3,
            ),
            agreement_hash: v.row.agreement_hash.clone(),
            parties: v
                .parties
                .iter()
                .map(|x| PartyLine {
                    member_id: x.member_id,
                    name: x.member_name.clone(),
                    role: if x.is_owner { "Insatsägare" } else { "Samverkanspart" },
                    signed: v
                        .signature_of(x.member_id)
                        .map(|s| format!("{}, {}", s.signer_name, format_local(s.signed_at))),
                    can_sign: v.can_sign_for.contains(&x.member_id),
                })
                .collect(),
            errors: FormErrors::from_fields(&errors),
            follow_up,
        },
    )
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let f = crate::service::follow_up::get(&state.db, &p, id).await?;
    Ok(page(&p, &v, f, StatusCode::OK, Vec::new(), q.message.as_deref()))
}

#[derive(serde::Deserialize)]
pub struct SignForm {
    member_id: String,
}

pub async fn sign(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<SignForm>,
) -> Result<Response, PageError> {
    let member_id: i64 = form.member_id.parse().map_err(|_| PageError::not_found())?;
    match service::sign(&state.db, &p, id, member_id).await {
        Ok(()) => Ok(Redirect::to(&format!("/insatser/{id}?meddelande=agreement_signed")).into_response()),
        Err(ServiceError::Conflict(code)) | Err(ServiceError::Denied(code)) => {
            let v = service::get(&state.db, &p, id).await?;
            let f = crate::service::follow_up::get(&state.db, &p, id).await?;
            Ok(page(&p, &v, f, StatusCode::CONFLICT, vec![FieldError::new("signatures", code)], None))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn agreement_pdf(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let (title, blocks) = agreement_document(&v);
    crate::http::document_download(&title, blocks, "pdf")
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))
}
