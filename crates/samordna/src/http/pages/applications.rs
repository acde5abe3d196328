//! Application pages: the lists, a new application, the application itself with its actions,
//! the form, version comparison, print view and attachments.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::application_form::{content_of, input_id, values_of, FormValues};
use super::{render, FormErrors, Layout, NoticeQuery};
use crate::domain::application::{compare, FieldChange, GoalKind, Orientation};
use crate::domain::money::Money;
use crate::domain::rich_text::to_html;
use crate::domain::role::Role;
use crate::domain::time::{format_local, long_date};
use crate::http::api::applications::{file_response, parse_sort, read_file};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::messages::{application_field_label, field_message};
use crate::http::AppState;
use crate::service::applications::{self as service, ApplicationView, ListScope, Status};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};
use crate::storage::Page;

const PER_PAGE: i64 = 25;

/// Does the caller apply for funds (insatsansvarig or firmatecknare somewhere)?
pub fn is_applicant(p: &Principal) -> bool {
    p.grants.iter().any(|g| matches!(g.role, Role::InterventionLead | Role::Signatory))
}

/// Does the caller work with received applications (office, board, auditors)?
pub fn is_office(p: &Principal) -> bool {
    p.is_system_admin()
        || p.grants.iter().any(|g| {
            matches!(
                g.role,
                Role::AssociationAdmin | Role::Director | Role::CaseOfficer | Role::BoardMember | Role::Auditor
            )
        })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    sida: Option<i64>,
    meddelande: Option<String>,
}

pub struct ListLine {
    id: i64,
    name: String,
    owner: String,
    status: &'static str,
    registration_number: String,
    received: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage {
    layout: Layout,
    heading: &'static str,
    action: &'static str,
    lines: Vec<ListLine>,
    total: i64,
    query: ListQuery,
    statuses: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    previous: Option<String>,
    next: Option<String>,
    can_create: bool,
}

impl ListPage {
    /// The same list as a spreadsheet, from the API with the session.
    fn export_href(&self, format: &str) -> String {
        let scope = if self.action == "/ansokningar" { "office" } else { "mine" };
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("scope", scope).append_pair("format", format);
        for (k, v) in [("status", &self.query.status), ("q", &self.query.q), ("sort", &self.query.sort)] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        format!("/api/v1/applications?{}", q.finish())
    }
}

async fn list_page(state: &AppState, p: &Principal, q: ListQuery, mine: bool) -> Result<Response, PageError> {
    let status = Status::parse(q.status.trim());
    let sida = q.sida.unwrap_or(1).max(1);
    let page = Page::new(Some(PER_PAGE), Some((sida - 1) * PER_PAGE));
    let scope = if mine {
        ListScope::Mine
    } else {
        let association = super::pick_association(state, p, None).await?;
        ListScope::Office(association.id)
    };
    let search = Some(q.q.clone()).filter(|s| !s.trim().is_empty());
    let (rows, total) =
        service::list(&state.db, p, scope, status, search, parse_sort(Some(q.sort.as_str())), page).await?;
    let action = if mine { "/mina-ansokningar" } else { "/ansokningar" };
    let link = |n: i64| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("status", &q.status)
            .append_pair("q", &q.q)
            .append_pair("sort", &q.sort)
            .append_pair("sida", &n.to_string());
        format!("{action}?{}", s.finish())
    };
    let lines = rows
        .into_iter()
        .map(|r| ListLine {
            id: r.id,
            owner: r.owner_name,
            status: Status::parse(&r.status).map(Status::label).unwrap_or("–"),
            registration_number: r.registration_number.unwrap_or_else(|| "–".into()),
            received: r.received_at.map(format_local).unwrap_or_else(|| "–".into()),
            updated: format_local(r.updated_at),
            name: r.name,
        })
        .collect();
    let statuses = if mine {
        Status::ALL.iter().map(|s| (s.code(), s.label())).collect()
    } else {
        [Status::Received, Status::CompletionRequested, Status::Granted, Status::Rejected]
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect()
    };
    let heading = if mine { "Mina ansökningar" } else { "Ansökningar" };
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::for_user(heading, p, action).with_notice(q.meddelande.as_deref()),
            heading,
            action,
            lines,
            total,
            previous: (sida > 1).then(|| link(sida - 1)),
            next: (sida * PER_PAGE < total).then(|| link(sida + 1)),
            query: q,
            statuses,
            sorts: vec![
                ("updated", "Senast ändrad"),
                ("received", "Senast inkommen"),
                ("name", "Namn"),
                ("registration_number", "Diarienummer"),
            ],
            can_create: mine && !service::owner_choices(p).is_empty(),
        },
    ))
}

pub async fn office_list(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    if !is_office(&p) {
        return Err(PageError::not_found());
    }
    list_page(&state, &p, q, false).await
}

pub async fn my_list(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    if !is_applicant(&p) {
        return Err(PageError::not_found());
    }
    list_page(&state, &p, q, true).await
}

#[derive(Template)]
#[template(path = "application_new.html")]
struct NewPage {
    layout: Layout,
    owners: Vec<(i64, String)>,
    /// What was typed (not `name`: the form macro has a parameter of that name).
    typed_name: String,
    owner: String,
    errors: FormErrors,
}

pub async fn new_form(PageUser(p): PageUser) -> Result<Response, PageError> {
    let owners = service::owner_choices(&p);
    if owners.is_empty() {
        return Err(PageError::not_found());
    }
    Ok(render(
        StatusCode::OK,
        &NewPage {
            layout: Layout::for_user("Ny ansökan", &p, "/mina-ansokningar"),
            owners,
            typed_name: String::new(),
            owner: String::new(),
            errors: FormErrors::default(),
        },
    ))
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    owner_member_id: String,
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    let owners = service::owner_choices(&p);
    if owners.is_empty() {
        return Err(PageError::not_found());
    }
    let owner = f.owner_member_id.trim().parse::<i64>().unwrap_or(0);
    match service::create(&state.db, &p, owner, &f.name).await {
        Ok(id) => Ok(Redirect::to(&format!("/ansokningar/{id}/redigera")).into_response()),
        Err(ServiceError::Invalid(fields)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                layout: Layout::for_user("Ny ansökan", &p, "/mina-ansokningar"),
                owners,
                typed_name: f.name,
                owner: f.owner_member_id,
                errors: FormErrors::from_fields(&fields),
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// A party as the application page shows it.
pub struct PartyLine {
    member_id: i64,
    role: &'static str,
    name: String,
    contact: String,
    email: String,
    signed: Option<String>,
    can_sign: bool,
}

pub struct MoneyLine {
    label: String,
    requested: String,
    own_financing: String,
    total: String,
}

pub struct GoalGroup {
    heading: String,
    output: Vec<String>,
    outcome: Vec<String>,
}

pub struct PartView {
    name: String,
    target_group_html: String,
    ages: String,
    participants: String,
}

pub struct Section {
    id: &'static str,
    heading: &'static str,
    html: String,
}

/// Everything the application page and the print view show, worked out in one place.
pub struct Shown {
    id: i64,
    name: String,
    status: &'static str,
    registration_number: Option<String>,
    received: Option<String>,
    orientation: &'static str,
    esf: &'static str,
    parties: Vec<PartyLine>,
    purpose: String,
    goals: Vec<GoalGroup>,
    sections: Vec<Section>,
    period: String,
    last_intake: String,
    target_group: String,
    ages: String,
    participants: String,
    parts: Vec<PartView>,
    budget_parties: Vec<MoneyLine>,
    budget_years: Vec<MoneyLine>,
    budget_total: MoneyLine,
    budget_comment: String,
    anchoring: String,
    anchoring_comment: String,
    /// For an extension: each condition of the earlier decision with its answer.
    extension: Vec<(String, String)>,
    agreement_html: String,
    agreement_accepted: bool,
    completion_requests: Vec<(String, String, String, bool)>,
    attachments: Vec<(i64, String, String, String)>,
    versions: Vec<(i64, String, String)>,
    incomplete: Vec<(String, String)>,
    can_edit: bool,
    can_submit: bool,
    can_request_completion: bool,
    /// The office and the board reach the preparation of a received application.
    can_prepare: bool,
    signatures_in_force: bool,
}

fn money(ore: Money) -> String {
    ore.to_string()
}

fn ages(min: Option<i32>, max: Option<i32>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}–{b} år"),
        (Some(a), None) => format!("från {a} år"),
        (None, Some(b)) => format!("upp till {b} år"),
        (None, None) => "–".into(),
    }
}

fn shown(v: &ApplicationView) -> Shown {
    let c = &v.content;
    let summary = c.budget_summary();
    let line = |label: String, s: crate::domain::application::Sums| MoneyLine {
        label,
        requested: money(s.requested),
        own_financing: money(s.own_financing),
        total: money(s.total),
    };
    let mut parties = vec![(c.owner.clone(), "Insatsägare")];
    parties.extend(c.partners.iter().map(|x| (x.clone(), "Samverkanspart")));
    let complete = v.incomplete.is_empty();
    let mut goals = Vec::new();
    let mut groups: Vec<(Option<usize>, String)> = vec![(None, "Hela insatsen".to_string())];
    groups.extend(c.parts.iter().enumerate().map(|(i, p)| (Some(i), p.name.clone())));
    for (part, heading) in groups {
        let of = |kind: GoalKind| {
            c.goals.iter().filter(|g| g.part == part && g.kind == kind).map(|g| g.text.clone()).collect::<Vec<_>>()
        };
        let (output, outcome) = (of(GoalKind::Output), of(GoalKind::Outcome));
        if !output.is_empty() || !outcome.is_empty() {
            goals.push(GoalGroup { heading, output, outcome });
        }
    }
    let rich = |t: &str| if t.trim().is_empty() { "<p>–</p>".to_string() } else { to_html(t) };
    Shown {
        id: v.row.id,
        name: c.name.clone(),
        status: v.status.label(),
        registration_number: v.row.registration_number.clone(),
        received: v.row.received_at.map(format_local),
        orientation: match c.orientation {
            Some(Orientation::Individual) => "Individinriktad",
            Some(Orientation::Structural) => "Strukturövergripande",
            None => "–",
        },
        esf: match c.esf {
            Some(true) => "Ja",
            Some(false) => "Nej",
            None => "–",
        },
        parties: parties
            .into_iter()
            .map(|(x, role)| PartyLine {
                member_id: x.member_id,
                role,
                name: v.member_name(x.member_id),
                contact: x.contact_name.clone(),
                email: x.contact_email.clone(),
                signed: v.signed_by(x.member_id).map(|s| format!("{}, {}", s.signer_name, format_local(s.signed_at))),
                can_sign: complete
                    && v.status.editable()
                    && v.access.signs_for.contains(&x.member_id)
                    && v.signed_by(x.member_id).is_none(),
            })
            .collect(),
        purpose: rich(&c.purpose),
        goals,
        sections: vec![
            Section { id: "bakgrund", heading: "Bakgrund och behov", html: rich(&c.background) },
            Section { id: "metod", heading: "Metod", html: rich(&c.method) },
            Section { id: "uppfoljning", heading: "Uppföljning och utvärdering", html: rich(&c.follow_up) },
            Section { id: "implementering", heading: "Implementering", html: rich(&c.implementation) },
        ],
        period: match (c.start_date, c.end_date) {
            (Some(s), Some(e)) => format!("{} – {}", long_date(s), long_date(e)),
            _ => "–".into(),
        },
        last_intake: c.last_intake_date.map(long_date).unwrap_or_else(|| "–".into()),
        target_group: rich(&c.target_group),
        ages: ages(c.age_min, c.age_max),
        participants: c.participants_per_year.map(|n| format!("{n} per år")).unwrap_or_else(|| "–".into()),
        parts: c
            .parts
            .iter()
            .map(|p| PartView {
                name: p.name.clone(),
                target_group_html: rich(&p.target_group),
                ages: ages(p.age_min, p.age_max),
                participants: p.participants_per_year.map(|n| format!("{n} per år")).unwrap_or_else(|| "–".into()),
            })
            .collect(),
        budget_parties: summary.per_party.iter().map(|(m, s)| line(v.member_name(*m), *s)).collect(),
        budget_years: summary.per_year.iter().map(|(y, s)| line(y.to_string(), *s)).collect(),
        budget_total: line("Summa".into(), summary.overall),
        budget_comment: rich(&c.budget_comment),
        anchoring: match (c.anchoring.discussed, c.anchoring.date) {
            (Some(true), Some(d)) => format!("Ja, {}", long_date(d)),
            (Some(true), None) => "Ja".into(),
            (Some(false), _) => "Nej".into(),
            (None, _) => "–".into(),
        },
        anchoring_comment: rich(&c.anchoring.comment),
        extension: c
            .extends
            .iter()
            .flat_map(|e| e.answers.iter())
            .map(|a| (format!("att {}", a.condition.replace('*', "")), rich(&a.answer)))
            .collect(),
        agreement_html: v.agreement.as_ref().map(|(_, body)| to_html(body)).unwrap_or_default(),
        agreement_accepted: c.agreement_accepted_version.is_some()
            && c.agreement_accepted_version == v.agreement.as_ref().map(|a| a.0),
        completion_requests: v
            .completion_requests
            .iter()
            .map(|r| {
                (
                    format_local(r.requested_at),
                    r.requested_by_name.clone(),
                    to_html(&r.message),
                    r.answered_at.is_some(),
                )
            })
            .collect(),
        attachments: v
            .attachments
            .iter()
            .map(|a| {
                (a.id, a.filename.clone(), format!("{} kB", (a.size_bytes + 1023) / 1024), format_local(a.uploaded_at))
            })
            .collect(),
        versions: v
            .versions
            .iter()
            .map(|x| (x.version_no, format_local(x.submitted_at), x.submitted_by_name.clone()))
            .collect(),
        incomplete: v
            .incomplete
            .iter()
            .map(|e| {
                let message = field_message(&e.field, e.code);
                let shown = match application_field_label(&e.field) {
                    Some(label) => format!("{label}: {message}"),
                    None => message.to_string(),
                };
                (input_id(&e.field), shown)
            })
            .collect(),
        can_edit: v.can_edit(),
        can_submit: v.can_submit(),
        can_request_completion: v.can_request_completion(),
        can_prepare: (v.access.office || v.access.reader) && v.row.registration_number.is_some(),
        signatures_in_force: !v.signatures.is_empty(),
    }
}

#[derive(Template)]
#[template(path = "application.html")]
struct ViewPage {
    layout: Layout,
    a: Shown,
    errors: FormErrors,
    message: String,
}

fn current_for(p: &Principal) -> &'static str {
    if is_applicant(p) {
        "/mina-ansokningar"
    } else {
        "/ansokningar"
    }
}

async fn view_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    status: StatusCode,
    errors: FormErrors,
    notice: Option<&str>,
    message: String,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, p, id).await?;
    let a = shown(&v);
    Ok(render(
        status,
        &ViewPage {
            layout: Layout::for_user(a.name.clone(), p, current_for(p)).with_notice(notice),
            a,
            errors,
            message,
        },
    ))
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    view_page(&state, &p, id, StatusCode::OK, FormErrors::default(), q.message.as_deref(), String::new()).await
}

#[derive(Template)]
#[template(path = "application_print.html")]
struct PrintPage {
    a: Shown,
    association: String,
}

pub async fn print(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    Ok(render(StatusCode::OK, &PrintPage { association: v.association.name.clone(), a: shown(&v) }))
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    member_id: String,
}

fn action_error(e: ServiceError) -> Result<FormErrors, PageError> {
    match e {
        ServiceError::Invalid(fields) => Ok(FormErrors::from_fields(&fields)),
        ServiceError::Conflict(code) => Ok(FormErrors::from_fields(&[FieldError::new("actions", code)])),
        other => Err(other.into()),
    }
}

pub async fn sign(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    let member = f.member_id.trim().parse::<i64>().unwrap_or(0);
    match service::sign(&state.db, &p, id, member).await {
        Ok(()) => Ok(Redirect::to(&format!("/ansokningar/{id}?meddelande=application_signed")).into_response()),
        Err(e) => {
            let errors = action_error(e)?;
            view_page(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None, String::new()).await
        }
    }
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match service::submit(&state.db, &p, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/ansokningar/{id}?meddelande=application_submitted")).into_response()),
        Err(e) => {
            let errors = action_error(e)?;
            view_page(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None, String::new()).await
        }
    }
}

#[derive(Deserialize)]
pub struct CompletionForm {
    #[serde(default)]
    message: String,
}

pub async fn request_completion(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<CompletionForm>,
) -> Result<Response, PageError> {
    match service::request_completion(&state.db, &p, id, &f.message).await {
        Ok(()) => Ok(Redirect::to(&format!("/ansokningar/{id}?meddelande=completion_requested")).into_response()),
        Err(e) => {
            let errors = action_error(e)?;
            view_page(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None, f.message).await
        }
    }
}

/// One row of a repeated group in the form.
pub struct Row {
    i: usize,
}

#[derive(Template)]
#[template(path = "application_edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    name: String,
    lock_version: i64,
    f: FormValues,
    errors: FormErrors,
    owner_name: String,
    partner_choices: Vec<(i64, String)>,
    party_choices: Vec<(i64, String)>,
    part_choices: Vec<(usize, String)>,
    partners: Vec<Row>,
    parts: Vec<Row>,
    goals: Vec<Row>,
    budget: Vec<Row>,
    agreement_html: String,
    signatures_in_force: bool,
    conflict: Vec<FieldChange>,
    extension_options: Vec<(i64, String)>,
    /// The earlier decision's conditions, each with its answer's field name.
    extension_conditions: Vec<(String, String, String, String)>,
}

impl EditPage {
    /// What the field holds, as typed.
    fn value(&self, key: impl AsRef<str>) -> &str {
        self.f.get(key.as_ref())
    }

    /// The name of a row's field: `budget_2_year`.
    fn key(&self, prefix: &str, i: impl std::fmt::Display, field: &str) -> String {
        format!("{prefix}_{i}_{field}")
    }

    fn is(&self, key: impl AsRef<str>, value: impl AsRef<str>) -> bool {
        self.f.get(key.as_ref()) == value.as_ref()
    }
}

/// Rows to show for a group: those filled in (or one empty row), plus `extra` more.
fn rows(f: &FormValues, prefix: &str, probe: &str, stored: usize, extra: usize) -> Vec<Row> {
    let n = f.rows(prefix, probe).max(stored).max(1) + extra;
    (0..n).map(|i| Row { i }).collect()
}

#[allow(clippy::too_many_arguments)]
fn edit_page(
    p: &Principal,
    v: &ApplicationView,
    status: StatusCode,
    f: FormValues,
    errors: FormErrors,
    lock_version: i64,
    add: &str,
    conflict: Vec<FieldChange>,
) -> Response {
    let c = &v.content;
    let extra = |group: &str| usize::from(add == group);
    let parties: Vec<(i64, String)> = c.party_ids().iter().map(|m| (*m, v.member_name(*m))).collect();
    let page = EditPage {
        layout: Layout::for_user(format!("Redigera {}", c.name), p, "/mina-ansokningar"),
        id: v.row.id,
        name: c.name.clone(),
        lock_version,
        partners: rows(&f, "partner", "member_id", c.partners.len(), extra("partner")),
        parts: rows(&f, "part", "name", c.parts.len(), extra("part")),
        goals: rows(&f, "goal", "text", c.goals.len(), extra("goal")),
        budget: rows(&f, "budget", "year", c.budget.len(), extra("budget")),
        f,
        errors,
        owner_name: v.member_name(c.owner.member_id),
        partner_choices: v
            .members
            .iter()
            .filter(|m| m.id != c.owner.member_id)
            .map(|m| (m.id, m.name.clone()))
            .collect(),
        party_choices: parties,
        part_choices: c.parts.iter().enumerate().map(|(i, x)| (i, x.name.clone())).collect(),
        agreement_html: v.agreement.as_ref().map(|(_, b)| to_html(b)).unwrap_or_default(),
        signatures_in_force: !v.signatures.is_empty(),
        conflict,
        extension_options: v.extension_options.clone(),
        extension_conditions: v
            .extension_conditions
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    format!("extends_{i}_condition"),
                    c.clone(),
                    format!("extends_{i}_answer"),
                    format!("att {}", c.replace('*', "")),
                )
            })
            .collect(),
    };
    render(status, &page)
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    if !v.can_edit() {
        return Err(PageError::new(StatusCode::CONFLICT, "application_not_editable"));
    }
    let f = values_of(&v.content);
    Ok(edit_page(&p, &v, StatusCode::OK, f, FormErrors::default(), v.row.lock_version, "", Vec::new()))
}

/// Saves the form. The button pressed says what else to do: add a row, or go back to the page.
/// A request from the page's own script (`autosave=1`) gets a short answer instead of a page.
pub async fn save(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = FormValues::from_pairs(pairs);
    let autosave = f.get("autosave") == "1";
    let v = service::get(&state.db, &p, id).await?;
    if !v.can_edit() {
        return Err(PageError::new(StatusCode::CONFLICT, "application_not_editable"));
    }
    let lock_version = f.get("lock_version").parse::<i64>().unwrap_or(0);
    let add = f.get("add").to_string();
    let (content, mut parse_errors) = content_of(&f, v.row.owner_member_id, v.agreement.as_ref().map(|a| a.0));
    let void = f.checked("void_signatures");
    if !v.signatures.is_empty() && !void && content != v.content {
        parse_errors.push(FieldError::new("void_signatures", "signatures_would_be_voided"));
    }
    if !parse_errors.is_empty() {
        if autosave {
            return Ok(StatusCode::UNPROCESSABLE_ENTITY.into_response());
        }
        return Ok(edit_page(
            &p,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            FormErrors::from_fields(&parse_errors),
            lock_version,
            &add,
            Vec::new(),
        ));
    }
    match service::update(&state.db, &p, id, lock_version, content, void).await {
        Ok(saved) => {
            if autosave {
                return Ok(
                    ([("x-lock-version", saved.row.lock_version.to_string())], StatusCode::NO_CONTENT).into_response()
                );
            }
            if add.is_empty() {
                Ok(Redirect::to(&format!("/ansokningar/{id}?meddelande=application_saved")).into_response())
            } else {
                let f = values_of(&saved.content);
                Ok(edit_page(
                    &p,
                    &saved,
                    StatusCode::OK,
                    f,
                    FormErrors::default(),
                    saved.row.lock_version,
                    &add,
                    Vec::new(),
                ))
            }
        }
        Err(ServiceError::Invalid(fields)) => {
            if autosave {
                return Ok(StatusCode::UNPROCESSABLE_ENTITY.into_response());
            }
            let shown: Vec<FieldError> =
                fields.into_iter().map(|e| FieldError { field: input_id(&e.field), code: e.code }).collect();
            Ok(edit_page(
                &p,
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
                FormErrors::from_fields(&shown),
                lock_version,
                &add,
                Vec::new(),
            ))
        }
        Err(ServiceError::Stale(changes)) => {
            if autosave {
                return Ok(StatusCode::CONFLICT.into_response());
            }
            // Keep what this person typed, show what differs, and base the next save on the
            // version now stored so saving again is a conscious choice.
            let current = service::get(&state.db, &p, id).await?;
            let errors = FormErrors::from_fields(&[FieldError::new("conflict", "edit_conflict")]);
            let (typed, _) = content_of(&f, v.row.owner_member_id, None);
            let differs = if changes.is_empty() { compare(&typed, &current.content) } else { changes };
            Ok(edit_page(&p, &current, StatusCode::CONFLICT, f, errors, current.row.lock_version, &add, differs))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct VersionQuery {
    a: Option<i64>,
    b: Option<i64>,
}

#[derive(Template)]
#[template(path = "application_versions.html")]
struct VersionsPage {
    layout: Layout,
    id: i64,
    name: String,
    versions: Vec<(i64, String, String)>,
    a: i64,
    b: i64,
    changes: Vec<FieldChange>,
    compared: bool,
}

pub async fn versions(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let last = v.versions.last().map(|x| x.version_no).unwrap_or(0);
    let (a, b) = (q.a.unwrap_or((last - 1).max(1)), q.b.unwrap_or(last));
    let compared = last > 1;
    let changes = if compared { service::compare_versions(&state.db, &p, id, a, b).await? } else { Vec::new() };
    Ok(render(
        StatusCode::OK,
        &VersionsPage {
            layout: Layout::for_user("Versioner", &p, current_for(&p)),
            id,
            name: v.content.name.clone(),
            versions: v
                .versions
                .iter()
                .map(|x| (x.version_no, format_local(x.submitted_at), x.submitted_by_name.clone()))
                .collect(),
            a,
            b,
            changes,
            compared,
        },
    ))
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let result = match read_file(multipart, state.config.max_attachment_bytes).await {
        Ok((name, bytes)) => {
            service::add_attachment(&state.db, &p, id, &name, &bytes, state.config.max_attachment_bytes)
                .await
                .map(|_| ())
        }
        Err(e) => Err(ServiceError::Invalid(e.fields)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ansokningar/{id}?meddelande=attachment_added#bilagor")).into_response()),
        Err(e) => {
            let errors = action_error(e)?;
            view_page(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None, String::new()).await
        }
    }
}

pub async fn download(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (meta, bytes) = service::attachment(&state.db, &p, id, attachment).await?;
    Ok(file_response(&meta.filename, &meta.content_type, bytes))
}

/// The whole application as PDF/A, laid out like the template.
pub async fn pdf(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let name = format!(
        "Ansokan {}.pdf",
        v.row.registration_number.clone().unwrap_or_else(|| v.content.name.clone()).replace('/', "-")
    );
    // Typesetting takes a few milliseconds of CPU: keep it off the request threads.
    let bytes = crate::documents::typeset(move || crate::documents::application_pdf(&v))
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
    Ok(file_response(&name, "application/pdf", bytes))
}
