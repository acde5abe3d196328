//! Reports in the browser: the intervention's schedule of period reports and its final report,
//! one report with the system's figures beside the owner's text, the office's approval or
//! return, and deviation reports with their handling.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{render, Fields, FormErrors, Layout, NoticeQuery};
use crate::domain::report::{deviation_category_label, DeviationStatus, ReportKind, DEVIATION_CATEGORIES};
use crate::domain::time::{self, format_local};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::follow_up::Statistics;
use crate::service::principal::Principal;
use crate::service::reports::{
    self as service, DeviationHandling, DeviationInput, GoalFigures, MoneyFigures, ReportDecision, ReportInput,
    ReportReviewInput,
};
use crate::service::{FieldError, ServiceError};
use crate::storage::Page;

pub struct Line {
    pub slot: String,
    pub title: String,
    pub period: String,
    pub due_on: String,
    pub status: &'static str,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    layout: Layout,
    id: i64,
    name: String,
    frequency: &'static str,
    due_days: i32,
    lines: Vec<Line>,
}

fn title(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Period => "Periodrapport",
        ReportKind::Final => "Slutrapport",
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let l = service::list(&state.db, &p, id).await?;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::for_user(format!("Rapporter för {}", l.intervention.name), &p, "/insatser")
                .with_notice(q.message.as_deref()),
            id,
            name: l.intervention.name.clone(),
            frequency: l.settings.frequency.label(),
            due_days: l.settings.due_days,
            lines: l
                .reports
                .iter()
                .map(|r| Line {
                    slot: r.slot.clone(),
                    title: title(r.kind).into(),
                    period: format!("{} – {}", r.period_from, r.period_to),
                    due_on: r.due_on.to_string(),
                    status: r.status.label(),
                    overdue: r.overdue,
                })
                .collect(),
        },
    ))
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    id: i64,
    slot: String,
    name: String,
    title: &'static str,
    period: String,
    due_on: String,
    status: &'static str,
    submitted: Option<String>,
    reviewed: Option<String>,
    return_reason: Option<String>,
    is_final: bool,
    editable: bool,
    can_write: bool,
    can_review: bool,
    submitted_now: bool,
    activities: String,
    deviations: String,
    lessons: String,
    implementation: String,
    reason: String,
    stats: Statistics,
    goals: Vec<GoalFigures>,
    money: MoneyFigures,
    figures_note: &'static str,
    errors: FormErrors,
}

impl ReportPage {
    fn met(&self, g: &GoalFigures) -> &'static str {
        match g.met {
            Some(true) => "Uppnått",
            Some(false) => "Inte uppnått",
            None => "Inget att mäta ännu",
        }
    }
    fn kr(&self, v: &i64) -> String {
        format!("{} kr", crate::domain::money::Money::from_kronor(*v).format_number())
    }
}

async fn report_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    slot: &str,
    typed: Option<&Fields>,
    errors: Vec<FieldError>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, p, id, slot).await?;
    let r = v.row.as_ref();
    let stored = |f: fn(&crate::storage::reports::ReportRow) -> &String, name: &str| match typed {
        Some(t) => t.get(name),
        None => r.map(|r| f(r).clone()).unwrap_or_default(),
    };
    let submitted =
        r.and_then(|r| Some(format!("{}, {}", r.submitted_by_name.clone()?, format_local(r.submitted_at?))));
    let reviewed = r.and_then(|r| Some(format!("{}, {}", r.reviewed_by_name.clone()?, format_local(r.reviewed_at?))));
    let page = ReportPage {
        layout: Layout::for_user(format!("{} {}", title(v.line.kind), v.intervention.name), p, "/insatser")
            .with_notice(notice),
        id,
        slot: v.line.slot.clone(),
        name: v.intervention.name.clone(),
        title: title(v.line.kind),
        period: format!("{} – {}", v.line.period_from, v.line.period_to),
        due_on: v.line.due_on.to_string(),
        status: v.line.status.label(),
        submitted,
        reviewed,
        return_reason: r.and_then(|r| r.return_reason.clone()),
        is_final: v.line.kind == ReportKind::Final,
        editable: v.line.status.editable(),
        can_write: v.can_write,
        can_review: v.can_review,
        submitted_now: v.line.status == crate::domain::report::ReportStatus::Submitted,
        activities: stored(|r| &r.activities, "activities"),
        deviations: stored(|r| &r.deviations, "deviations"),
        lessons: stored(|r| &r.lessons, "lessons"),
        implementation: stored(|r| &r.implementation, "implementation"),
        reason: typed.map(|t| t.get("reason")).unwrap_or_default(),
        stats: v.figures.statistics,
        goals: v.figures.goals,
        money: v.figures.money,
        figures_note: if r.is_some_and(|r| r.figures.is_some()) {
            "Siffrorna är de som gällde när rapporten lämnades in."
        } else {
            "Siffrorna räknas fram ur systemet i dag och sparas med rapporten när den lämnas in."
        },
        errors: FormErrors::from_fields(&errors),
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else if page.errors.has("report") {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, slot)): Path<(i64, String)>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    report_page(&state, &p, id, &slot, None, Vec::new(), q.message.as_deref()).await
}

pub async fn post(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, slot)): Path<(i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let input = ReportInput {
        activities: f.get("activities"),
        deviations: f.get("deviations"),
        lessons: f.get("lessons"),
        implementation: f.get("implementation"),
    };
    let (result, notice) = match f.get("action").as_str() {
        "save" => (service::save(&state.db, &p, id, &slot, &input).await, "report_saved"),
        "submit" => (service::submit(&state.db, &p, id, &slot, &input).await, "report_submitted"),
        "approve" | "return" => {
            let action = if f.get("action") == "approve" { ReportDecision::Approve } else { ReportDecision::Return };
            let review = ReportReviewInput { action, reason: f.opt("reason") };
            (service::review(&state.db, &p, id, &slot, &review).await.map(|_| ()), "report_reviewed")
        }
        _ => return Err(PageError::not_found()),
    };
    let errors = match result {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/insatser/{id}/rapporter/{slot}?meddelande={notice}")).into_response())
        }
        Err(ServiceError::Invalid(e)) => e,
        Err(ServiceError::Conflict(code)) | Err(ServiceError::Denied(code)) => vec![FieldError::new("report", code)],
        Err(e) => return Err(e.into()),
    };
    report_page(&state, &p, id, &slot, Some(&f), errors, None).await
}

pub struct DeviationLine {
    pub id: i64,
    pub occurred_on: String,
    pub category: String,
    pub description: String,
    pub consequence: String,
    pub proposed_measure: String,
    pub needs_decision: bool,
    pub status: &'static str,
    pub awaiting_decision: bool,
    pub open: bool,
    pub reported: String,
    pub response: Option<String>,
    /// On the committee's agenda: the meeting, "§ 4 på …", and whether it has taken place.
    pub agenda: Option<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "deviations.html")]
struct DeviationsPage {
    layout: Layout,
    id: i64,
    name: String,
    deviations: Vec<DeviationLine>,
    can_report: bool,
    can_handle: bool,
    categories: Vec<(&'static str, &'static str)>,
    meetings: Vec<(i64, String)>,
    values: Fields,
    /// The deviation whose handling was refused, so that its errors show beside it.
    handled: Option<i64>,
    errors: FormErrors,
}

impl DeviationsPage {
    fn errors_for(&self, deviation: &i64) -> &FormErrors {
        if self.handled == Some(*deviation) {
            &self.errors
        } else {
            FormErrors::none()
        }
    }
    fn report_errors(&self) -> &FormErrors {
        if self.handled.is_none() {
            &self.errors
        } else {
            FormErrors::none()
        }
    }
}

async fn deviations_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    values: Fields,
    handled: Option<i64>,
    errors: Vec<FieldError>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let l = service::deviations(&state.db, p, id).await?;
    let today = time::today();
    let meetings = if l.can_handle {
        let (rows, _) =
            crate::service::meetings::list(&state.db, p, l.intervention.association_id, Page::new(Some(200), None))
                .await?;
        rows.into_iter()
            .filter(|m| m.body == "committee" && m.attested_at.is_none())
            .map(|m| (m.id, format!("Arbetsutskottet {}", m.meeting_date)))
            .collect()
    } else {
        Vec::new()
    };
    let page = DeviationsPage {
        layout: Layout::for_user(format!("Avvikelser i {}", l.intervention.name), p, "/insatser").with_notice(notice),
        id,
        name: l.intervention.name.clone(),
        deviations: l
            .deviations
            .iter()
            .map(|d| {
                let status = DeviationStatus::parse(&d.status).unwrap_or(DeviationStatus::Reported);
                DeviationLine {
                    id: d.id,
                    occurred_on: d.occurred_on.to_string(),
                    category: deviation_category_label(&d.category).to_string(),
                    description: d.description.clone(),
                    consequence: d.consequence.clone(),
                    proposed_measure: d.proposed_measure.clone(),
                    needs_decision: d.needs_decision,
                    status: status.label(),
                    awaiting_decision: status == DeviationStatus::AwaitingDecision,
                    open: matches!(status, DeviationStatus::Reported | DeviationStatus::AwaitingDecision),
                    reported: format!("{}, {}", d.reported_by_name, format_local(d.reported_at)),
                    response: d.response.clone(),
                    agenda: l.items.iter().find(|x| x.deviation_id == d.id).map(|x| {
                        (
                            x.meeting_id,
                            format!("§ {} på arbetsutskottets sammanträde {}", x.section, x.meeting_date),
                            x.meeting_date <= today,
                        )
                    }),
                }
            })
            .collect(),
        can_report: l.can_report,
        can_handle: l.can_handle,
        categories: DEVIATION_CATEGORIES.to_vec(),
        meetings,
        values,
        handled,
        errors: FormErrors::from_fields(&errors),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

pub async fn deviations(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    deviations_page(&state, &p, id, Fields(Vec::new()), None, Vec::new(), q.message.as_deref()).await
}

pub async fn report_deviation(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let occurred_on = f.date("occurred_on", &mut errors);
    let input = DeviationInput {
        occurred_on,
        category: f.get("category"),
        description: f.get("description"),
        consequence: f.get("consequence"),
        proposed_measure: f.get("proposed_measure"),
        needs_decision: f.get("needs_decision") == "yes",
    };
    if errors.is_empty() {
        match service::report_deviation(&state.db, &p, id, &input).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/insatser/{id}/avvikelser?meddelande=deviation_reported")).into_response()
                )
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    deviations_page(&state, &p, id, f, None, errors, None).await
}

pub async fn handle_deviation(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, did)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let handling = DeviationHandling { response: f.get(&format!("response_{did}")) };
    let errors = match service::handle_deviation(&state.db, &p, id, did, &handling).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/insatser/{id}/avvikelser?meddelande=deviation_handled")).into_response())
        }
        Err(ServiceError::Invalid(e)) => e,
        Err(ServiceError::Conflict(code)) => vec![FieldError::new("response", code)],
        Err(e) => return Err(e.into()),
    };
    // The page's inputs carry the deviation's id in their names.
    let errors = errors.into_iter().map(|e| FieldError { field: format!("{}_{did}", e.field), code: e.code }).collect();
    deviations_page(&state, &p, id, f, Some(did), errors, None).await
}

pub async fn put_on_agenda(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, did)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let meeting = f.get(&format!("meeting_id_{did}")).parse().ok();
    let errors = match service::put_on_agenda(&state.db, &p, id, did, meeting).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/insatser/{id}/avvikelser?meddelande=deviation_on_agenda")).into_response()
            )
        }
        Err(ServiceError::Invalid(e)) => e,
        Err(ServiceError::Conflict(code)) => vec![FieldError::new("meeting_id", code)],
        Err(e) => return Err(e.into()),
    };
    let errors = errors.into_iter().map(|e| FieldError { field: format!("{}_{did}", e.field), code: e.code }).collect();
    deviations_page(&state, &p, id, f, Some(did), errors, None).await
}
