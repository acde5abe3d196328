//! Period, final and deviation reports in the API. A report is addressed by its slot: the first
//! day of its period, or `final`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::economy::{spreadsheet, AssociationQuery};
use super::{association_of, ApiJson};
use crate::domain::report::{deviation_category_label, DeviationStatus, ReportKind, ReportStatus};
use crate::export::{Column, Kind, Value};
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::reports::{
    self as service, DeviationHandling, DeviationInput, ReportFigures, ReportInput, ReportLine, ReportReviewInput,
    ReportSettings,
};

#[derive(Serialize, ToSchema)]
pub struct ReportListDto {
    pub settings: ReportSettings,
    pub reports: Vec<ReportLine>,
}

#[derive(serde::Deserialize, IntoParams)]
pub struct FormatQuery {
    /// csv or xlsx for a spreadsheet; JSON otherwise.
    pub format: Option<String>,
}

/// The intervention's reports by the association's schedule, then the final report.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/reports", tag = "reports", params(("id" = i64, Path), FormatQuery),
    responses((status = 200, body = ReportListDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let format = super::format_of(&q.format)?;
    let l = service::list(&state.db, &p, id).await?;
    if let Some(format) = format {
        let columns = vec![
            Column::new("Rapport", Kind::Text),
            Column::new("Från", Kind::Date),
            Column::new("Till", Kind::Date),
            Column::new("Senast", Kind::Date),
            Column::new("Status", Kind::Text),
            Column::new("Försenad", Kind::Text),
        ];
        let rows: Vec<Vec<Value>> = l
            .reports
            .iter()
            .map(|r| {
                vec![
                    (if r.kind == ReportKind::Final { "Slutrapport" } else { "Periodrapport" }).into(),
                    Value::Date(r.period_from),
                    Value::Date(r.period_to),
                    Value::Date(r.due_on),
                    r.status.label().into(),
                    (if r.overdue { "Ja" } else { "Nej" }).into(),
                ]
            })
            .collect();
        let name = format!("rapporter-{}", l.intervention.id);
        return Ok(spreadsheet(format, &name, &format!("Rapporter {}", l.intervention.name), columns, &rows));
    }
    Ok(Json(ReportListDto { settings: l.settings, reports: l.reports }).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    #[serde(flatten)]
    pub line: ReportLine,
    pub activities: String,
    pub deviations: String,
    pub lessons: String,
    pub implementation: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    /// As submitted; before that, as they stand today.
    pub figures: ReportFigures,
}

/// One report with its text and the system's figures for the period.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/reports/{slot}", tag = "reports",
    params(("id" = i64, Path), ("slot" = String, Path, description = "The period's first day (YYYY-MM-DD) or `final`")),
    responses((status = 200, body = ReportDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, slot)): Path<(i64, String)>,
) -> Result<Json<ReportDto>, ApiError> {
    let v = service::get(&state.db, &p, id, &slot).await?;
    let r = v.row.as_ref();
    let text = |f: fn(&crate::storage::reports::ReportRow) -> &String| r.map(|r| f(r).clone()).unwrap_or_default();
    Ok(Json(ReportDto {
        activities: text(|r| &r.activities),
        deviations: text(|r| &r.deviations),
        lessons: text(|r| &r.lessons),
        implementation: text(|r| &r.implementation),
        submitted_by: r.and_then(|r| r.submitted_by_name.clone()),
        submitted_at: r.and_then(|r| r.submitted_at),
        reviewed_by: r.and_then(|r| r.reviewed_by_name.clone()),
        reviewed_at: r.and_then(|r| r.reviewed_at),
        return_reason: r.and_then(|r| r.return_reason.clone()),
        line: v.line,
        figures: v.figures,
    }))
}

/// Saves the report's text as a draft. For the owner's insatsansvarig, while the report is a
/// draft or sent back.
#[utoipa::path(put, path = "/api/v1/interventions/{id}/reports/{slot}", tag = "reports",
    params(("id" = i64, Path), ("slot" = String, Path)), request_body = ReportInput,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "report_already_submitted", body = Problem, content_type = "application/problem+json")))]
pub async fn save(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, slot)): Path<(i64, String)>,
    ApiJson(body): ApiJson<ReportInput>,
) -> Result<StatusCode, ApiError> {
    service::save(&state.db, &p, id, &slot, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submits the report with its text and the figures of the moment, once the period has ended.
/// A report is submitted once; the office may send it back for completion.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/reports/{slot}/submit", tag = "reports",
    params(("id" = i64, Path), ("slot" = String, Path)), request_body = ReportInput,
    responses((status = 204), (status = 409, description = "report_already_submitted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "required, report_period_not_ended", body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, slot)): Path<(i64, String)>,
    ApiJson(body): ApiJson<ReportInput>,
) -> Result<StatusCode, ApiError> {
    service::submit(&state.db, &p, id, &slot, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReportReviewResult {
    pub status: ReportStatus,
}

/// The office approves a submitted report, or sends it back with a reason.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/reports/{slot}/review", tag = "reports",
    params(("id" = i64, Path), ("slot" = String, Path)), request_body = ReportReviewInput,
    responses((status = 200, body = ReportReviewResult), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "report_not_submitted", body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, slot)): Path<(i64, String)>,
    ApiJson(body): ApiJson<ReportReviewInput>,
) -> Result<Json<ReportReviewResult>, ApiError> {
    let status = service::review(&state.db, &p, id, &slot, &body).await?;
    Ok(Json(ReportReviewResult { status }))
}

#[derive(Serialize, ToSchema)]
pub struct DeviationDto {
    pub id: i64,
    pub occurred_on: NaiveDate,
    pub category: String,
    pub description: String,
    pub consequence: String,
    pub proposed_measure: String,
    pub needs_decision: bool,
    pub status: DeviationStatus,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    pub handled_by: Option<String>,
    pub response: Option<String>,
}

pub fn deviation_dto(d: crate::storage::reports::DeviationRow) -> DeviationDto {
    DeviationDto {
        id: d.id,
        occurred_on: d.occurred_on,
        category: d.category,
        description: d.description,
        consequence: d.consequence,
        proposed_measure: d.proposed_measure,
        needs_decision: d.needs_decision,
        status: DeviationStatus::parse(&d.status).unwrap_or(DeviationStatus::Reported),
        reported_by: d.reported_by_name,
        reported_at: d.reported_at,
        handled_by: d.handled_by_name,
        response: d.response,
    }
}

#[utoipa::path(get, path = "/api/v1/interventions/{id}/deviations", tag = "reports", params(("id" = i64, Path), FormatQuery),
    responses((status = 200, body = Vec<DeviationDto>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn deviations(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let format = super::format_of(&q.format)?;
    let l = service::deviations(&state.db, &p, id).await?;
    if let Some(format) = format {
        let columns = vec![
            Column::new("Datum", Kind::Date),
            Column::new("Kategori", Kind::Text),
            Column::new("Beskrivning", Kind::Text),
            Column::new("Konsekvens", Kind::Text),
            Column::new("Föreslagen åtgärd", Kind::Text),
            Column::new("Kräver beslut", Kind::Text),
            Column::new("Status", Kind::Text),
            Column::new("Svar", Kind::Text),
        ];
        let rows: Vec<Vec<Value>> = l
            .deviations
            .iter()
            .map(|d| {
                vec![
                    Value::Date(d.occurred_on),
                    deviation_category_label(&d.category).to_string().into(),
                    d.description.clone().into(),
                    d.consequence.clone().into(),
                    d.proposed_measure.clone().into(),
                    (if d.needs_decision { "Ja" } else { "Nej" }).into(),
                    DeviationStatus::parse(&d.status).map_or("", |s| s.label()).into(),
                    d.response.clone().into(),
                ]
            })
            .collect();
        let name = format!("avvikelser-{}", l.intervention.id);
        return Ok(spreadsheet(format, &name, &format!("Avvikelser {}", l.intervention.name), columns, &rows));
    }
    Ok(Json(l.deviations.into_iter().map(deviation_dto).collect::<Vec<_>>()).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CreatedDeviation {
    pub id: i64,
}

/// Reports a deviation. One that needs a decision waits for the committee.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/deviations", tag = "reports", params(("id" = i64, Path)),
    request_body = DeviationInput,
    responses((status = 201, body = CreatedDeviation), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_deviation(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DeviationInput>,
) -> Result<(StatusCode, Json<CreatedDeviation>), ApiError> {
    let did = service::report_deviation(&state.db, &p, id, &body).await?;
    Ok((StatusCode::CREATED, Json(CreatedDeviation { id: did })))
}

#[derive(Serialize, ToSchema)]
pub struct DeviationResult {
    pub status: DeviationStatus,
}

#[derive(serde::Deserialize, ToSchema)]
pub struct AgendaInput {
    /// A planned meeting of the committee whose minutes are not attested.
    pub meeting_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AgendaResult {
    /// The case's section number in the committee's year.
    pub section: i64,
}

/// Puts a deviation that needs a decision on the agenda of a meeting of the committee, with the
/// next section number of the committee's year. For the office.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/deviations/{did}/agenda", tag = "reports",
    params(("id" = i64, Path), ("did" = i64, Path)), request_body = AgendaInput,
    responses((status = 200, body = AgendaResult),
        (status = 409, description = "deviation_needs_no_decision, deviation_on_agenda", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "required, not_a_committee_meeting, minutes_attested", body = Problem, content_type = "application/problem+json")))]
pub async fn put_on_agenda(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, did)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<AgendaInput>,
) -> Result<Json<AgendaResult>, ApiError> {
    let section = service::put_on_agenda(&state.db, &p, id, did, body.meeting_id).await?;
    Ok(Json(AgendaResult { section }))
}

/// The office acknowledges a deviation, or records the committee's decision on one that has been
/// a case at a meeting of the committee that has taken place.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/deviations/{did}/handle", tag = "reports",
    params(("id" = i64, Path), ("did" = i64, Path)), request_body = DeviationHandling,
    responses((status = 200, body = DeviationResult), (status = 409, description = "deviation_handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn handle_deviation(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, did)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<DeviationHandling>,
) -> Result<Json<DeviationResult>, ApiError> {
    let status = service::handle_deviation(&state.db, &p, id, did, &body).await?;
    Ok(Json(DeviationResult { status }))
}

#[utoipa::path(get, path = "/api/v1/report-settings", tag = "reports", params(AssociationQuery),
    responses((status = 200, body = ReportSettings)))]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Json<ReportSettings>, ApiError> {
    let a = association_of(&p, q.association_id)?;
    Ok(Json(service::settings(&state.db, &p, a).await?))
}

/// How often the association's interventions report, and how many days after a period its
/// report is due. For the administrator and the director.
#[utoipa::path(put, path = "/api/v1/report-settings", tag = "reports", params(AssociationQuery),
    request_body = ReportSettings,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<AssociationQuery>,
    ApiJson(body): ApiJson<ReportSettings>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    service::save_settings(&state.db, &p, a, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
