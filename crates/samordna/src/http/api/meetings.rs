//! Meetings, their minutes and the board's decisions in the API.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use crate::domain::meeting::{Body, Outcome};
use crate::domain::money::Money;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::meetings::{
    self as service, DecisionInput, MeetingDetails, MeetingView, MinutesUpdate, NewMeeting,
};
use crate::service::FieldError;
use crate::storage::Page;

#[derive(Serialize, ToSchema)]
pub struct YearAmountDto {
    pub year: i32,
    pub max_sek: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionDto {
    pub id: i64,
    pub outcome: Outcome,
    pub max_total_sek: Option<i64>,
    pub per_year: Vec<YearAmountDto>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub option_to_extend: bool,
    /// The att-clauses decided, without the leading "att".
    pub clauses: Vec<String>,
    /// Why more was granted than applied for.
    pub reason: String,
    pub decided_at: DateTime<Utc>,
    /// The intervention a grant started.
    pub intervention_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemDto {
    pub id: i64,
    /// The section number (§), running per body and year.
    pub section: i64,
    pub application_id: i64,
    pub application_name: String,
    pub registration_number: Option<String>,
    /// Present members who declared a conflict of interest and did not take part.
    pub conflicts: Vec<String>,
    /// The minuted text of the case.
    pub minutes: String,
    pub decision: Option<DecisionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i64,
    pub association_id: i64,
    pub body: Body,
    pub date: NaiveDate,
    pub place: String,
    pub chair: String,
    pub present: Vec<String>,
    pub attesters: Vec<String>,
    pub attested_by: Option<String>,
    pub attested_at: Option<DateTime<Utc>>,
    /// Send it back with a change of the minutes.
    pub lock_version: i64,
    pub items: Vec<ItemDto>,
    pub can_edit: bool,
    pub can_attest: bool,
}

impl From<&MeetingView> for MeetingDto {
    fn from(v: &MeetingView) -> Self {
        MeetingDto {
            id: v.row.id,
            association_id: v.row.association_id,
            body: v.body,
            date: v.row.meeting_date,
            place: v.row.place.clone(),
            chair: v.row.chair.clone(),
            present: v.present.clone(),
            attesters: v.attesters.clone(),
            attested_by: v.row.attested_by_name.clone(),
            attested_at: v.row.attested_at,
            lock_version: v.row.lock_version,
            can_edit: v.can_edit(),
            can_attest: v.can_attest(),
            items: v
                .items
                .iter()
                .map(|i| ItemDto {
                    id: i.row.id,
                    section: i.row.section,
                    application_id: i.row.application_id,
                    application_name: i.row.application_name.clone(),
                    registration_number: i.row.registration_number.clone(),
                    conflicts: i.conflicts.clone(),
                    minutes: i.row.minutes.clone(),
                    decision: i.decision.as_ref().map(|d| DecisionDto {
                        id: d.row.id,
                        outcome: d.outcome,
                        max_total_sek: d.row.max_total_ore.map(|o| Money::from_ore(o).kronor_rounded()),
                        per_year: d
                            .per_year
                            .iter()
                            .map(|(y, m)| YearAmountDto { year: *y, max_sek: m.kronor_rounded() })
                            .collect(),
                        start_date: d.row.start_date,
                        end_date: d.row.end_date,
                        option_to_extend: d.row.option_to_extend,
                        clauses: d.clauses.clone(),
                        reason: d.row.reason.clone(),
                        decided_at: d.row.decided_at,
                        intervention_id: d.intervention_id,
                    }),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingCreate {
    /// The association (default: the caller's first).
    pub association_id: Option<i64>,
    pub body: String,
    pub date: Option<NaiveDate>,
    pub place: String,
    pub chair: String,
    pub present: Vec<String>,
    #[serde(default)]
    pub attesters: Vec<String>,
    /// The cases, numbered in this order.
    #[serde(default)]
    pub application_ids: Vec<i64>,
}

/// Plans a meeting of the committee or the board with its cases; each gets the next section number.
#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingCreate,
    description = "Allowed roles: case_officer, director, association_admin. Every case must be received and prepared.",
    responses(
        (status = 201, body = MeetingDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(body): ApiJson<MeetingCreate>,
) -> Result<(StatusCode, Json<MeetingDto>), ApiError> {
    let association =
        body.association_id.or_else(|| p.association_ids().first().copied()).ok_or_else(ApiError::not_found)?;
    let kind = Body::parse(&body.body);
    if kind.is_none() && !body.body.is_empty() {
        return Err(ApiError::invalid(vec![FieldError::new("body", "body_unknown")]));
    }
    let input = NewMeeting {
        body: kind,
        date: body.date,
        details: MeetingDetails {
            place: body.place,
            chair: body.chair,
            present: body.present,
            attesters: body.attesters,
        },
        application_ids: body.application_ids,
    };
    let id = service::create(&state.db, &p, association, input).await?;
    Ok((StatusCode::CREATED, Json(MeetingDto::from(&service::get(&state.db, &p, id).await?))))
}

#[derive(Deserialize, IntoParams)]
pub struct MeetingListQuery {
    pub association_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingListItem {
    pub id: i64,
    pub body: Body,
    pub date: NaiveDate,
    pub place: String,
    pub cases: i64,
    pub attested: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingList {
    pub items: Vec<MeetingListItem>,
    pub total: i64,
}

/// The association's meetings, latest first.
#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", params(MeetingListQuery),
    description = "For the office, the board and the auditors.",
    responses((status = 200, body = MeetingList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<MeetingListQuery>,
) -> Result<Json<MeetingList>, ApiError> {
    let association =
        q.association_id.or_else(|| p.association_ids().first().copied()).ok_or_else(ApiError::not_found)?;
    let (rows, total) = service::list(&state.db, &p, association, Page::new(q.limit, q.offset)).await?;
    Ok(Json(MeetingList {
        items: rows
            .into_iter()
            .map(|r| MeetingListItem {
                id: r.id,
                body: Body::parse(&r.body).unwrap_or(Body::Board),
                date: r.meeting_date,
                place: r.place,
                cases: r.items,
                attested: r.attested_at.is_some(),
            })
            .collect(),
        total,
    }))
}

/// A meeting with its agenda, minutes, conflicts of interest and decisions.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MeetingDto>, ApiError> {
    Ok(Json(MeetingDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct ConflictDto {
    pub item_id: i64,
    pub names: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesPut {
    pub lock_version: i64,
    pub place: String,
    pub chair: String,
    pub present: Vec<String>,
    #[serde(default)]
    pub attesters: Vec<String>,
    /// Conflicts of interest per case (cases not named keep theirs).
    #[serde(default)]
    pub conflicts: Vec<ConflictDto>,
    /// Cases to add to the agenda.
    #[serde(default)]
    pub add_application_ids: Vec<i64>,
}

/// Changes the minutes: details, conflicts of interest, cases added. Refused once attested.
#[utoipa::path(put, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MinutesPut,
    responses(
        (status = 200, body = MeetingDto),
        (status = 409, description = "minutes_attested or edit_conflict", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MinutesPut>,
) -> Result<Json<MeetingDto>, ApiError> {
    let input = MinutesUpdate {
        details: MeetingDetails {
            place: body.place,
            chair: body.chair,
            present: body.present,
            attesters: body.attesters,
        },
        conflicts: body.conflicts.into_iter().map(|c| (c.item_id, c.names)).collect(),
        add_application_ids: body.add_application_ids,
    };
    service::update(&state.db, &p, id, body.lock_version, input).await?;
    Ok(Json(MeetingDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct YearAmountInput {
    pub year: i32,
    pub max_sek: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionCreate {
    pub application_id: i64,
    pub outcome: String,
    /// For a grant; default: the applied total.
    pub max_total_sek: Option<i64>,
    /// The largest amount per year; they must add up to the total.
    #[serde(default)]
    pub per_year: Vec<YearAmountInput>,
    /// Default: the application's period.
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub option_to_extend: bool,
    /// The att-clauses (default: the proposal's for a grant, the library's otherwise).
    pub clauses: Option<Vec<String>>,
    /// Required when more is granted than applied for.
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionCreated {
    pub decision_id: i64,
    pub intervention_id: Option<i64>,
    pub meeting: MeetingDto,
}

/// Records the board's decision on a case on the meeting's agenda. A grant starts the
/// intervention, awaiting its agreement; återremiss sends the case back to preparation.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "meetings", params(("id" = i64, Path)),
    request_body = DecisionCreate,
    description = "Allowed roles: case_officer, director, association_admin; at a board meeting whose minutes are not attested.",
    responses(
        (status = 201, body = DecisionCreated),
        (status = 404, description = "No such meeting", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "case_already_decided, committee_cannot_decide, minutes_attested", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "grant_above_applied, period_outside_application, case_not_on_agenda …", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DecisionCreate>,
) -> Result<(StatusCode, Json<DecisionCreated>), ApiError> {
    let outcome = Outcome::parse(&body.outcome)
        .ok_or_else(|| ApiError::invalid(vec![FieldError::new("outcome", "outcome_unknown")]))?;
    let mut errors = Vec::new();
    if body.max_total_sek.is_some_and(|m| m < 0) || body.per_year.iter().any(|y| y.max_sek < 0) {
        errors.push(FieldError::new("max_total_sek", "amount_negative"));
    }
    if body.max_total_sek.is_some_and(|m| m > 1_000_000_000_000)
        || body.per_year.iter().any(|y| y.max_sek > 1_000_000_000_000)
    {
        errors.push(FieldError::new("max_total_sek", "amount_too_large"));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let input = DecisionInput {
        application_id: body.application_id,
        outcome,
        max_total: body.max_total_sek.map(Money::from_kronor),
        per_year: body.per_year.iter().map(|y| (y.year, Money::from_kronor(y.max_sek))).collect(),
        start: body.start_date,
        end: body.end_date,
        option_to_extend: body.option_to_extend,
        clauses: body.clauses,
        reason: body.reason,
    };
    let decided = service::decide(&state.db, &p, id, input).await?;
    let meeting = MeetingDto::from(&service::get(&state.db, &p, id).await?);
    Ok((
        StatusCode::CREATED,
        Json(DecisionCreated { decision_id: decided.decision_id, intervention_id: decided.intervention_id, meeting }),
    ))
}

/// Attests (justerar) the minutes. After this nothing in them changes.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/attestation", tag = "meetings", params(("id" = i64, Path)),
    description = "Allowed roles: board_member, director.",
    responses(
        (status = 200, body = MeetingDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "minutes_attested", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attest(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MeetingDto>, ApiError> {
    service::attest(&state.db, &p, id).await?;
    Ok(Json(MeetingDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct ExtractQuery {
    /// pdf, docx or txt.
    pub format: Option<String>,
}

/// The extract of the attested minutes (protokollsutdrag) for one case.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/items/{item_id}/extract", tag = "meetings",
    params(("id" = i64, Path), ("item_id" = i64, Path), ExtractQuery),
    responses(
        (status = 200, description = "The extract"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "minutes_not_attested", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn extract(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, item_id)): Path<(i64, i64)>,
    Query(q): Query<ExtractQuery>,
) -> Result<Response, ApiError> {
    let format = q.format.unwrap_or_else(|| "pdf".into());
    if !["pdf", "docx", "txt"].contains(&format.as_str()) {
        return Err(ApiError::invalid(vec![FieldError::new("format", "format_unknown")]));
    }
    let extract = service::extract(&state.db, &p, id, item_id).await?;
    document_response(&extract.title, extract.blocks, &format).await
}

/// A plain document as PDF/A, DOCX or text, for the API.
pub async fn document_response(
    title: &str,
    blocks: Vec<crate::documents::DocBlock>,
    format: &str,
) -> Result<Response, ApiError> {
    crate::http::document_download(title, blocks, format)
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))
}
