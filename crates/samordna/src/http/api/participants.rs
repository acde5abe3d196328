//! The participant register and the follow-up figures in the API. Participant routes answer
//! only the owner's case workers assigned to the intervention; figures answer everyone who may
//! see the intervention, with small counts hidden unless the caller is one of its case workers.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::applications::read_file;
use super::meetings::document_response;
use super::ApiJson;
use crate::domain::follow_up::{Goal, ShownGoalResult};
use crate::domain::participant::{Code, CodeList, FollowUpSettings, Instrument};
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::follow_up::{self, AssociationSettings, Period, Statistics};
use crate::service::participant_import::{self, ImportReport};
use crate::service::participants::{
    self as service, ExitInput, MeasurementInput, ParticipantView, Registration, StepInput,
};
use crate::service::FieldError;
use crate::storage::Page;

#[derive(Serialize, ToSchema)]
pub struct ParticipantListItem {
    pub id: i64,
    pub identified: bool,
    /// Masked: the birth date only.
    pub personal_number: Option<String>,
    pub name: Option<String>,
    pub sex: String,
    pub part: Option<String>,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
    pub voided: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantList {
    pub items: Vec<ParticipantListItem>,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct ParticipantListQuery {
    /// Only participations not yet ended.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The intervention's participants (identity masked). Every call is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/participants", tag = "participants",
    params(("id" = i64, Path), ParticipantListQuery),
    responses((status = 200, body = ParticipantList),
        (status = 403, description = "not_assigned_case_worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<ParticipantListQuery>,
) -> Result<Json<ParticipantList>, ApiError> {
    let key = &state.config.participant_key;
    let (items, total) =
        service::list(&state.db, &p, key, id, q.open.unwrap_or(false), Page::new(q.limit, q.offset)).await?;
    Ok(Json(ParticipantList {
        items: items
            .into_iter()
            .map(|i| ParticipantListItem {
                id: i.row.id,
                identified: i.row.identified,
                personal_number: i.personal_number,
                name: i.name,
                sex: i.row.sex,
                part: i.row.part,
                triage: i.row.triage,
                enrolled_on: i.row.enrolled_on,
                exited_on: i.row.exited_on,
                voided: i.row.voided,
            })
            .collect(),
        total,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Registers a participant.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants", tag = "participants",
    params(("id" = i64, Path)), request_body = Registration,
    responses((status = 201, body = Created),
        (status = 403, description = "not_assigned_case_worker", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "participant_already_open", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Registration>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let pid = service::register(&state.db, &p, &state.config.participant_key, id, &body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: pid })))
}

#[derive(Serialize, ToSchema)]
pub struct StepDto {
    pub id: i64,
    pub kind: String,
    pub occurred_on: NaiveDate,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct MeasurementDto {
    pub id: i64,
    pub instrument: String,
    pub instrument_version: String,
    pub occasion: String,
    pub measured_on: NaiveDate,
    pub scores: BTreeMap<String, i32>,
}

#[derive(Serialize, ToSchema)]
pub struct OtherParticipationDto {
    pub id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub enrolled_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct DueDto {
    pub step: String,
    pub due_on: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantDto {
    pub id: i64,
    pub intervention_id: i64,
    pub identified: bool,
    pub protected_identity: bool,
    /// Masked unless asked for with `reveal=true`.
    pub personal_number: Option<String>,
    pub name: Option<String>,
    pub consent_date: Option<NaiveDate>,
    pub consent_scope: Option<String>,
    pub consent_version: Option<String>,
    pub consent_recorded_by: Option<String>,
    pub consent_withdrawn_on: Option<NaiveDate>,
    pub sex: String,
    pub birth_year: Option<i32>,
    pub start_year: i32,
    pub home_member_id: Option<i64>,
    pub education: Option<String>,
    pub occupation_before: Option<String>,
    pub support_time: Option<String>,
    pub extent_percent: Option<i32>,
    pub income_before: Vec<String>,
    pub part: Option<String>,
    pub remitted_by_member_id: Option<i64>,
    pub remitted_on: Option<NaiveDate>,
    pub first_visit_on: Option<NaiveDate>,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub assessment_on: Option<NaiveDate>,
    pub action_plan_on: Option<NaiveDate>,
    pub action_plan_due_on: Option<NaiveDate>,
    pub referral_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub occupation_after: Option<String>,
    pub income_after: Vec<String>,
    pub anchored_plan: Option<bool>,
    pub receiving_actor: Option<String>,
    /// Ended as a registration error: in no figure.
    pub voided: bool,
    pub personal_data_removed_at: Option<DateTime<Utc>>,
    pub steps: Vec<StepDto>,
    pub measurements: Vec<MeasurementDto>,
    /// The same person's other participations with this owner.
    pub other_participations: Vec<OtherParticipationDto>,
    /// Steps not yet taken with their deadlines.
    pub due: Vec<DueDto>,
}

impl From<ParticipantView> for ParticipantDto {
    fn from(v: ParticipantView) -> Self {
        let r = v.row;
        ParticipantDto {
            id: r.id,
            intervention_id: r.intervention_id,
            identified: r.identified,
            protected_identity: r.protected_identity,
            personal_number: v.personal_number,
            name: v.name,
            consent_date: r.consent_date,
            consent_scope: r.consent_scope,
            consent_version: r.consent_version,
            consent_recorded_by: r.consent_recorded_by_name,
            consent_withdrawn_on: r.consent_withdrawn_on,
            sex: r.sex,
            birth_year: r.birth_year,
            start_year: r.start_year,
            home_member_id: r.home_member_id,
            education: r.education,
            occupation_before: r.occupation_before,
            support_time: r.support_time,
            extent_percent: r.extent_percent,
            income_before: v.income_before,
            part: r.part,
            remitted_by_member_id: r.remitted_by_member_id,
            remitted_on: r.remitted_on,
            first_visit_on: r.first_visit_on,
            triage: r.triage,
            enrolled_on: r.enrolled_on,
            assessment_on: r.assessment_on,
            action_plan_on: r.action_plan_on,
            action_plan_due_on: r.action_plan_due_on,
            referral_on: r.referral_on,
            exited_on: r.exited_on,
            exit_reason: r.exit_reason,
            occupation_after: r.occupation_after,
            income_after: v.income_after,
            anchored_plan: r.anchored_plan,
            receiving_actor: r.receiving_actor,
            voided: r.voided,
            personal_data_removed_at: r.personal_removed_at,
            steps: v
                .steps
                .into_iter()
                .map(|s| StepDto {
                    id: s.id,
                    kind: s.kind,
                    occurred_on: s.occurred_on,
                    details: serde_json::from_str(&s.details).unwrap_or_default(),
                    recorded_by: s.recorded_by_name,
                    recorded_at: s.recorded_at,
                })
                .collect(),
            measurements: v
                .measurements
                .into_iter()
                .map(|(m, scores)| MeasurementDto {
                    id: m.id,
                    instrument: m.instrument,
                    instrument_version: m.instrument_version,
                    occasion: m.occasion,
                    measured_on: m.measured_on,
                    scores: scores.into_iter().collect(),
                })
                .collect(),
            other_participations: v
                .others
                .into_iter()
                .map(|o| OtherParticipationDto {
                    id: o.id,
                    intervention_id: o.intervention_id,
                    intervention_name: o.intervention_name,
                    enrolled_on: o.enrolled_on,
                    exited_on: o.exited_on,
                })
                .collect(),
            due: v.due.into_iter().map(|(s, d)| DueDto { step: s.code().into(), due_on: d }).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct RevealQuery {
    /// Show the whole personnummer (recorded as such in the audit log).
    pub reveal: Option<bool>,
}

/// One participant with the whole path. Every call is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/participants/{pid}", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path), RevealQuery),
    responses((status = 200, body = ParticipantDto),
        (status = 403, description = "not_assigned_case_worker", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    Query(q): Query<RevealQuery>,
) -> Result<Json<ParticipantDto>, ApiError> {
    let v = service::get(&state.db, &p, &state.config.participant_key, id, pid, q.reveal.unwrap_or(false)).await?;
    Ok(Json(v.into()))
}

/// Registers the next step on the participant's path.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants/{pid}/events", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path)), request_body = StepInput,
    responses((status = 201, body = Created), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_step(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<StepInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let step = service::add_step(&state.db, &p, id, pid, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: step })))
}

/// Records a progress measurement.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants/{pid}/measurements", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path)), request_body = MeasurementInput,
    responses((status = 201, body = Created), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn measure(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<MeasurementInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let m = service::measure(&state.db, &p, id, pid, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: m })))
}

/// Ends the participation.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants/{pid}/exit", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path)), request_body = ExitInput,
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn exit(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<ExitInput>,
) -> Result<StatusCode, ApiError> {
    service::exit(&state.db, &p, id, pid, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawalBody {
    pub withdrawn_on: Option<NaiveDate>,
}

/// Consent withdrawn: the record turns anonymous at once.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants/{pid}/consent-withdrawal", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path)), request_body = WithdrawalBody,
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<WithdrawalBody>,
) -> Result<StatusCode, ApiError> {
    service::withdraw_consent(&state.db, &p, id, pid, b.withdrawn_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// json or pdf.
    pub format: Option<String>,
}

/// Everything stored about the participant's person (GDPR article 15), as JSON or PDF/A.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/participants/{pid}/export", tag = "participants",
    params(("id" = i64, Path), ("pid" = i64, Path), ExportQuery),
    responses((status = 200, description = "The register extract"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, pid)): Path<(i64, i64)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = q.format.unwrap_or_else(|| "json".into());
    if !["json", "pdf"].contains(&format.as_str()) {
        return Err(ApiError::invalid(vec![FieldError::new("format", "format_unknown")]));
    }
    let extract = service::export(&state.db, &p, &state.config.participant_key, id, pid).await?;
    if format == "pdf" {
        let (title, blocks) = service::extract_document(&extract);
        return document_response(&title, blocks, "pdf").await;
    }
    let body = serde_json::json!({
        "controller": extract.owner_name,
        "made_at": extract.made_at,
        "participations": extract.participations.into_iter().map(|(name, v)| {
            serde_json::json!({ "intervention": name, "record": ParticipantDto::from(v) })
        }).collect::<Vec<_>>(),
        "followed_by_others": extract.elsewhere.into_iter().map(|e| serde_json::json!({
            "intervention": e.intervention_name, "enrolled_on": e.enrolled_on, "exited_on": e.exited_on,
        })).collect::<Vec<_>>(),
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"registerutdrag.json\"".to_string()),
        ],
        body.to_string(),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Only check the file and report every bad row.
    pub dry_run: Option<bool>,
}

/// Imports a participant list (multipart field `file`, XLSX or CSV): all rows or none.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/participants/import", tag = "participants",
    params(("id" = i64, Path), ImportQuery),
    request_body(content_type = "multipart/form-data", description = "One part named `file`."),
    responses((status = 200, body = ImportReport), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<ImportQuery>,
    multipart: Multipart,
) -> Result<Json<ImportReport>, ApiError> {
    let (_, bytes) = read_file(multipart, state.config.max_attachment_bytes).await?;
    let dry = q.dry_run.unwrap_or(false);
    let report = participant_import::import(&state.db, &p, &state.config.participant_key, id, &bytes, dry).await?;
    Ok(Json(report))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct FollowUpDto {
    pub settings: FollowUpSettings,
    pub goals: Vec<Goal>,
    /// The assigned case workers (user id and name); read only here.
    #[serde(default)]
    pub case_workers: Vec<CaseWorkerDto>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CaseWorkerDto {
    pub user_id: i64,
    pub name: String,
}

/// The intervention's follow-up: parts, triage, deadlines, intake, goals and case workers.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/follow-up", tag = "follow-up", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUpDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up_get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FollowUpDto>, ApiError> {
    let v = follow_up::get(&state.db, &p, id).await?;
    Ok(Json(FollowUpDto {
        settings: v.settings,
        goals: v.goals,
        case_workers: v.case_workers.into_iter().map(|(user_id, name)| CaseWorkerDto { user_id, name }).collect(),
    }))
}

/// Saves the settings and the measurable goals (the owner's insatsansvarig or case workers).
#[utoipa::path(put, path = "/api/v1/interventions/{id}/follow-up", tag = "follow-up", params(("id" = i64, Path)),
    request_body = FollowUpDto,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up_put(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<FollowUpDto>,
) -> Result<StatusCode, ApiError> {
    follow_up::save(&state.db, &p, id, &b.settings, &b.goals).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CaseWorkersBody {
    pub user_ids: Vec<i64>,
}

/// Assigns the owner's case workers to the intervention (the owner's insatsansvarig).
#[utoipa::path(put, path = "/api/v1/interventions/{id}/case-workers", tag = "follow-up", params(("id" = i64, Path)),
    request_body = CaseWorkersBody,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn case_workers(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CaseWorkersBody>,
) -> Result<StatusCode, ApiError> {
    follow_up::assign(&state.db, &p, id, &b.user_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// First day (default 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last day (default 31 December this year).
    pub to: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct GoalDto {
    #[serde(flatten)]
    pub goal: Goal,
    /// The figures by sex; a figure is null where it would show a small group to someone who is
    /// not the intervention's case worker.
    pub result: ShownGoalResult,
}

#[derive(Serialize, ToSchema)]
pub struct GoalsDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub goals: Vec<GoalDto>,
}

/// The intervention's goals measured over the period, by sex.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/goals", tag = "follow-up", params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = GoalsDto), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn goals(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<GoalsDto>, ApiError> {
    let period = Period::parse(q.from, q.to)?;
    let v = follow_up::goals(&state.db, &p, id, period).await?;
    Ok(Json(GoalsDto {
        from: period.from,
        to: period.to,
        goals: v.goals.into_iter().map(|(goal, result)| GoalDto { goal, result }).collect(),
    }))
}

/// The intervention's statistics; small counts hidden unless the caller is its case worker.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/statistics", tag = "follow-up", params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = Statistics), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn statistics(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Statistics>, ApiError> {
    let period = Period::parse(q.from, q.to)?;
    Ok(Json(follow_up::intervention_statistics(&state.db, &p, id, period).await?.1))
}

/// The association's statistics over all interventions, small counts always hidden.
#[utoipa::path(get, path = "/api/v1/associations/{id}/statistics", tag = "follow-up", params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, body = Statistics), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn association_statistics(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<Statistics>, ApiError> {
    let period = Period::parse(q.from, q.to)?;
    Ok(Json(follow_up::association_statistics(&state.db, &p, id, period).await?))
}

#[derive(Serialize, ToSchema)]
pub struct CodeListDto {
    pub list: CodeList,
    pub codes: Vec<Code>,
}

/// The association's code lists for the participant register.
#[utoipa::path(get, path = "/api/v1/associations/{id}/code-lists", tag = "follow-up", params(("id" = i64, Path)),
    responses((status = 200, body = [CodeListDto])))]
pub async fn code_lists(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<CodeListDto>>, ApiError> {
    let lists = follow_up::code_lists(&state.db, &p, id).await?;
    Ok(Json(lists.into_iter().map(|(list, codes)| CodeListDto { list, codes }).collect()))
}

/// Replaces one code list (administrators); the codes figures depend on must stay.
#[utoipa::path(put, path = "/api/v1/associations/{id}/code-lists/{list}", tag = "follow-up",
    params(("id" = i64, Path), ("list" = String, Path)), request_body = [Code],
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn code_list_put(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, list)): Path<(i64, String)>,
    ApiJson(codes): ApiJson<Vec<Code>>,
) -> Result<StatusCode, ApiError> {
    let list = CodeList::parse(&list).ok_or_else(ApiError::not_found)?;
    follow_up::save_code_list(&state.db, &p, id, list, &codes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssociationFollowUpDto {
    pub suppression_threshold: i32,
    pub retention_months: i32,
    pub consent_version: String,
    pub instruments: Vec<Instrument>,
}

/// The association's thresholds, retention, consent version and instruments.
#[utoipa::path(get, path = "/api/v1/associations/{id}/follow-up-settings", tag = "follow-up", params(("id" = i64, Path)),
    responses((status = 200, body = AssociationFollowUpDto)))]
pub async fn association_settings_get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<AssociationFollowUpDto>, ApiError> {
    let (s, instruments) = follow_up::association_settings(&state.db, &p, id).await?;
    Ok(Json(AssociationFollowUpDto {
        suppression_threshold: s.suppression_threshold,
        retention_months: s.retention_months,
        consent_version: s.consent_version,
        instruments,
    }))
}

/// Saves them (administrators).
#[utoipa::path(put, path = "/api/v1/associations/{id}/follow-up-settings", tag = "follow-up", params(("id" = i64, Path)),
    request_body = AssociationFollowUpDto,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn association_settings_put(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AssociationFollowUpDto>,
) -> Result<StatusCode, ApiError> {
    let s = AssociationSettings {
        suppression_threshold: b.suppression_threshold,
        retention_months: b.retention_months,
        consent_version: b.consent_version,
    };
    follow_up::save_association_settings(&state.db, &p, id, &s, &b.instruments, &[]).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct DueItemDto {
    pub participation_id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub what: String,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DueList {
    /// The most urgent first, at most `limit` (default 50, at most 200).
    pub items: Vec<DueItemDto>,
    /// How many are overdue or due within two weeks in all.
    pub total: usize,
}

#[derive(Deserialize, IntoParams)]
pub struct DueQuery {
    pub limit: Option<usize>,
}

/// What is due within two weeks or overdue for the caller's participants, the most urgent first.
#[utoipa::path(get, path = "/api/v1/me/due", tag = "participants", params(DueQuery), responses((status = 200, body = DueList)))]
pub async fn due(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<DueQuery>,
) -> Result<Json<DueList>, ApiError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let (items, total) = service::due(&state.db, &p, &state.config.participant_key, None, 14, limit).await?;
    Ok(Json(DueList {
        total,
        items: items
            .into_iter()
            .map(|i| DueItemDto {
                participation_id: i.participation_id,
                intervention_id: i.intervention_id,
                intervention_name: i.intervention_name,
                what: i.what,
                due_on: i.due,
                overdue: i.overdue,
            })
            .collect(),
    }))
}
