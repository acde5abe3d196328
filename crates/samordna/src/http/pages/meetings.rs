//! Meetings in the browser: the list, planning a meeting with its cases, the minutes with
//! conflicts of interest and decisions, attestation and the extract per case.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;

use super::{render, FormErrors, Layout, NoticeQuery};
use crate::domain::meeting::{section_label, Body, Outcome};
use crate::domain::money::Money;
use crate::domain::time::{format_local, long_date};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::applications::{self as applications, ListScope, Status};
use crate::service::meetings::{
    self as service, DecisionInput, MeetingDetails, MeetingView, MinutesUpdate, NewMeeting,
};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};
use crate::storage::applications::Sort;
use crate::storage::Page;

/// The association whose meetings the caller works with.
async fn association_of(state: &AppState, p: &Principal) -> Result<i64, PageError> {
    let association = super::pick_association(state, p, None).await?.id;
    if service::access(p, association).read {
        Ok(association)
    } else {
        Err(PageError::not_found())
    }
}

/// Does the caller have meetings to see (for the navigation)?
pub fn sees_meetings(p: &Principal) -> bool {
    p.is_system_admin() || p.association_ids().into_iter().any(|a| service::access(p, a).read)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

fn all<'a>(pairs: &'a [(String, String)], key: &str) -> impl Iterator<Item = &'a str> + 'a {
    let key = key.to_string();
    pairs.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v.as_str())
}

fn one<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    all(pairs, key).next().unwrap_or("")
}

struct MeetingLine {
    id: i64,
    body: &'static str,
    date: String,
    place: String,
    cases: i64,
    attested: bool,
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    layout: Layout,
    /// Deviations waiting for the committee: (intervention, description).
    deviations: Vec<(i64, String)>,
    can_create: bool,
    lines: Vec<MeetingLine>,
    total: i64,
}

pub async fn list(State(state): State<AppState>, PageUser(p): PageUser) -> Result<Response, PageError> {
    let association = association_of(&state, &p).await?;
    let (rows, total) = service::list(&state.db, &p, association, Page::new(Some(100), None)).await?;
    let can_create = service::access(&p, association).edit;
    // The office plans the committee's cases: deviations that need its decision are among them.
    let deviations = if can_create {
        match crate::service::reports::awaiting_decision(&state.db, &p, association).await {
            Ok(rows) => rows,
            // Administrators plan meetings too but do not handle deviations.
            Err(crate::service::ServiceError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    Ok(render(
        StatusCode::OK,
        &MeetingsPage {
            layout: Layout::for_user("Sammanträden", &p, "/moten"),
            can_create,
            deviations: deviations
                .into_iter()
                .map(|d| {
                    (
                        d.intervention_id,
                        format!(
                            "{}, {} ({})",
                            crate::domain::report::deviation_category_label(&d.category),
                            d.occurred_on,
                            d.description.chars().take(80).collect::<String>()
                        ),
                    )
                })
                .collect(),
            lines: rows
                .into_iter()
                .map(|r| MeetingLine {
                    id: r.id,
                    body: Body::parse(&r.body).map(Body::label).unwrap_or(""),
                    date: r.meeting_date.to_string(),
                    place: r.place,
                    cases: r.items,
                    attested: r.attested_at.is_some(),
                })
                .collect(),
            total,
        },
    ))
}

#[derive(Template)]
#[template(path = "meeting_new.html")]
struct NewMeetingPage {
    layout: Layout,
    errors: FormErrors,
    body: String,
    date: String,
    place: String,
    chair: String,
    present: String,
    attesters: String,
    cases: Vec<(i64, String, bool)>,
}

async fn cases(state: &AppState, p: &Principal, chosen: &[i64]) -> Result<Vec<(i64, String, bool)>, PageError> {
    let association = association_of(state, p).await?;
    let (rows, _) = applications::list(
        &state.db,
        p,
        ListScope::Office(association),
        Some(Status::Received),
        None,
        Sort::RegistrationNumber,
        Page::new(Some(200), None),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let label = match &r.registration_number {
                Some(n) => format!("{} ({n})", r.name),
                None => r.name.clone(),
            };
            (r.id, label, chosen.contains(&r.id))
        })
        .collect())
}

pub async fn new_form(State(state): State<AppState>, PageUser(p): PageUser) -> Result<Response, PageError> {
    let association = association_of(&state, &p).await?;
    if !service::access(&p, association).edit {
        return Err(PageError::new(StatusCode::FORBIDDEN, "forbidden"));
    }
    Ok(render(
        StatusCode::OK,
        &NewMeetingPage {
            layout: Layout::for_user("Nytt sammanträde", &p, "/moten"),
            errors: FormErrors::default(),
            body: "board".into(),
            date: String::new(),
            place: String::new(),
            chair: String::new(),
            present: String::new(),
            attesters: String::new(),
            cases: cases(&state, &p, &[]).await?,
        },
    ))
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let association = association_of(&state, &p).await?;
    let chosen: Vec<i64> = all(&pairs, "case").filter_map(|v| v.parse().ok()).collect();
    let mut errors = Vec::new();
    let date = match one(&pairs, "date").trim() {
        "" => None,
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new("date", "date_invalid_format")))
            .ok(),
    };
    let input = NewMeeting {
        body: Body::parse(one(&pairs, "body")),
        date,
        details: MeetingDetails {
            place: one(&pairs, "place").into(),
            chair: one(&pairs, "chair").into(),
            present: lines(one(&pairs, "present")),
            attesters: lines(one(&pairs, "attesters")),
        },
        application_ids: chosen.clone(),
    };
    let result = if errors.is_empty() {
        service::create(&state.db, &p, association, input).await
    } else {
        Err(ServiceError::Invalid(Vec::new()))
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/moten/{id}?meddelande=meeting_created")).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            errors.extend(fields.into_iter().map(|f| {
                let field = if f.field == "application_ids" { "cases".to_string() } else { f.field };
                FieldError::new(field, f.code)
            }));
            Ok(new_meeting_again(&state, &p, &pairs, &chosen, errors, StatusCode::UNPROCESSABLE_ENTITY).await?)
        }
        Err(ServiceError::Conflict(code)) => {
            let errors = vec![FieldError::new("cases", code)];
            Ok(new_meeting_again(&state, &p, &pairs, &chosen, errors, StatusCode::CONFLICT).await?)
        }
        Err(e) => Err(e.into()),
    }
}

async fn new_meeting_again(
    state: &AppState,
    p: &Principal,
    pairs: &[(String, String)],
    chosen: &[i64],
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, PageError> {
    Ok(render(
        status,
        &NewMeetingPage {
            layout: Layout::for_user("Nytt sammanträde", p, "/moten"),
            errors: FormErrors::from_fields(&errors),
            body: one(pairs, "body").into(),
            date: one(pairs, "date").into(),
            place: one(pairs, "place").into(),
            chair: one(pairs, "chair").into(),
            present: one(pairs, "present").into(),
            attesters: one(pairs, "attesters").into(),
            cases: cases(state, p, chosen).await?,
        },
    ))
}

struct ItemShown {
    id: i64,
    section: String,
    application_id: i64,
    title: String,
    minutes: Vec<String>,
    /// (index, name, declared a conflict).
    conflicts: Vec<(usize, String, bool)>,
    conflict_names: String,
    decision: Option<String>,
    intervention_id: Option<i64>,
    /// A board case without a decision, on minutes still open.
    decidable: bool,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    id: i64,
    title: String,
    date: String,
    place: String,
    chair: String,
    present: Vec<String>,
    present_text: String,
    attesters: Vec<String>,
    attesters_text: String,
    attested: Option<String>,
    can_edit: bool,
    can_attest: bool,
    lock_version: i64,
    items: Vec<ItemShown>,
    /// Deviations on the agenda: (intervention, "§ 4", what, status).
    deviations: Vec<(i64, String, String, &'static str)>,
    errors: FormErrors,
    /// The case whose decision form shows the errors, with the values typed.
    failed_item: Option<i64>,
    typed: Vec<(String, String)>,
}

impl MeetingPage {
    fn typed(&self, item: &i64, key: &str) -> &str {
        if self.failed_item == Some(*item) {
            one(&self.typed, key)
        } else {
            ""
        }
    }

    fn outcome_is(&self, item: &i64, value: &str) -> bool {
        let typed = self.typed(item, "outcome");
        typed == value || (typed.is_empty() && value == "granted")
    }

    fn err(&self, item: &i64, field: &str) -> Option<&'static str> {
        self.errors.get(format!("{field}_{item}"))
    }
}

fn meeting_page(
    p: &Principal,
    v: &MeetingView,
    status: StatusCode,
    errors: Vec<FieldError>,
    failed_item: Option<i64>,
    typed: Vec<(String, String)>,
    notice: Option<&str>,
) -> Response {
    let title = format!("{} {}", v.body.label(), long_date(v.row.meeting_date));
    let items = v
        .items
        .iter()
        .map(|i| {
            let decision = i.decision.as_ref().map(|d| d.outcome.label().to_string());
            ItemShown {
                id: i.row.id,
                section: section_label(i.row.section),
                application_id: i.row.application_id,
                title: match &i.row.registration_number {
                    Some(n) => format!("Ansökan {} ({n})", i.row.application_name),
                    None => format!("Ansökan {}", i.row.application_name),
                },
                minutes: i.row.minutes.split("\n\n").map(crate::documents::doc_plain).collect(),
                conflicts: v
                    .present
                    .iter()
                    .enumerate()
                    .map(|(n, name)| (n, name.clone(), i.conflicts.contains(name)))
                    .collect(),
                conflict_names: crate::domain::proposal::join_names(&i.conflicts),
                intervention_id: i.decision.as_ref().and_then(|d| d.intervention_id),
                decidable: v.body == Body::Board && i.decision.is_none() && i.status == Status::Received,
                decision,
            }
        })
        .collect();
    render(
        status,
        &MeetingPage {
            layout: Layout::for_user(title.clone(), p, "/moten").with_notice(notice),
            id: v.row.id,
            title,
            date: v.row.meeting_date.to_string(),
            place: v.row.place.clone(),
            chair: v.row.chair.clone(),
            present_text: v.present.join("\n"),
            present: v.present.clone(),
            attesters_text: v.attesters.join("\n"),
            attesters: v.attesters.clone(),
            attested: match (&v.row.attested_by_name, v.row.attested_at) {
                (Some(by), Some(at)) => Some(format!("{by}, {}", format_local(at))),
                _ => None,
            },
            can_edit: v.can_edit(),
            can_attest: v.can_attest(),
            lock_version: v.row.lock_version,
            items,
            deviations: v
                .deviations
                .iter()
                .map(|d| {
                    (
                        d.intervention_id,
                        section_label(d.section as i64),
                        format!(
                            "Avvikelse i {}: {}, {}",
                            d.intervention_name,
                            crate::domain::report::deviation_category_label(&d.category).to_lowercase(),
                            d.description
                        ),
                        crate::domain::report::DeviationStatus::parse(&d.status).map_or("", |s| s.label()),
                    )
                })
                .collect(),
            errors: FormErrors::from_fields(&errors),
            failed_item,
            typed,
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
    Ok(meeting_page(&p, &v, StatusCode::OK, Vec::new(), None, Vec::new(), q.message.as_deref()))
}

/// Saves the minutes' details and the conflicts of interest of every case.
pub async fn save_minutes(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let conflicts = v
        .items
        .iter()
        .map(|i| (i.row.id, all(&pairs, &format!("conflict_{}", i.row.id)).map(String::from).collect()))
        .collect();
    let input = MinutesUpdate {
        details: MeetingDetails {
            place: one(&pairs, "place").into(),
            chair: one(&pairs, "chair").into(),
            present: lines(one(&pairs, "present")),
            attesters: lines(one(&pairs, "attesters")),
        },
        conflicts,
        add_application_ids: Vec::new(),
    };
    let lock_version = one(&pairs, "lock_version").parse().unwrap_or(-1);
    match service::update(&state.db, &p, id, lock_version, input).await {
        Ok(()) => Ok(Redirect::to(&format!("/moten/{id}?meddelande=minutes_saved")).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let fields = fields
                .into_iter()
                .map(|f| if f.field.starts_with("conflicts_") { FieldError::new("present", f.code) } else { f })
                .collect();
            Ok(meeting_page(&p, &v, StatusCode::UNPROCESSABLE_ENTITY, fields, None, Vec::new(), None))
        }
        Err(ServiceError::Conflict(code)) => {
            Ok(meeting_page(&p, &v, StatusCode::CONFLICT, vec![FieldError::new("place", code)], None, Vec::new(), None))
        }
        Err(e) => Err(e.into()),
    }
}

/// Records the decision on one case.
pub async fn decide(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, item_id)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let item = v.items.iter().find(|i| i.row.id == item_id).ok_or_else(PageError::not_found)?;
    let mut errors = Vec::new();
    let outcome = Outcome::parse(one(&pairs, "outcome"));
    if outcome.is_none() {
        errors.push(FieldError::new("outcome", "outcome_unknown"));
    }
    let date = |key: &str, errors: &mut Vec<FieldError>| match one(&pairs, key).trim() {
        "" => None,
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new(key, "date_invalid_format")))
            .ok(),
    };
    let start = date("start_date", &mut errors);
    let end = date("end_date", &mut errors);
    let max_total = match one(&pairs, "max_total").trim() {
        "" => None,
        m => Money::parse(m).map_err(|_| errors.push(FieldError::new("max_total_sek", "amount_invalid"))).ok(),
    };
    let clauses: Vec<String> =
        one(&pairs, "clauses").split("\n\n").map(|c| c.trim().replace("\r\n", " ")).filter(|c| !c.is_empty()).collect();
    let result = match (outcome, errors.is_empty()) {
        (Some(outcome), true) => {
            let input = DecisionInput {
                application_id: item.row.application_id,
                outcome,
                max_total,
                per_year: Vec::new(),
                start,
                end,
                option_to_extend: one(&pairs, "option_to_extend") == "ja",
                clauses: if clauses.is_empty() { None } else { Some(clauses) },
                reason: one(&pairs, "reason").into(),
            };
            service::decide(&state.db, &p, id, input).await.map(|_| ())
        }
        _ => Err(ServiceError::Invalid(Vec::new())),
    };
    let failed = |fields: Vec<FieldError>, status| {
        let fields = fields
            .into_iter()
            .map(|f| {
                let field = match f.field.as_str() {
                    "max_total_sek" | "per_year" => "max_total",
                    "application_id" => "outcome",
                    other => other,
                };
                FieldError::new(format!("{field}_{item_id}"), f.code)
            })
            .collect();
        meeting_page(&p, &v, status, fields, Some(item_id), pairs.clone(), None)
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/moten/{id}?meddelande=decision_recorded")).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            errors.extend(fields);
            Ok(failed(errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(ServiceError::Conflict(code)) => Ok(failed(vec![FieldError::new("outcome", code)], StatusCode::CONFLICT)),
        Err(e) => Err(e.into()),
    }
}

pub async fn attest(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    service::attest(&state.db, &p, id).await?;
    Ok(Redirect::to(&format!("/moten/{id}?meddelande=minutes_attested")).into_response())
}

/// The extract of one case: `utdrag/{item}.pdf` or `.docx`.
pub async fn extract(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (item, format) = file.rsplit_once('.').ok_or_else(PageError::not_found)?;
    let item: i64 = item.parse().map_err(|_| PageError::not_found())?;
    if format != "pdf" && format != "docx" {
        return Err(PageError::not_found());
    }
    let extract = service::extract(&state.db, &p, id, item).await?;
    crate::http::document_download(&extract.title, extract.blocks, format)
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))
}
