//! Interventions and the signing of their agreements in the API.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::meetings::{document_response, YearAmountDto};
use super::ApiJson;
use crate::domain::meeting::InterventionStatus;
use crate::domain::money::Money;
use crate::export::{Column, Kind, Value};
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::interventions::{self as service, agreement_document, InterventionView};
use crate::service::FieldError;
use crate::storage::interventions::InterventionRow;
use crate::storage::Page;

#[derive(Serialize, ToSchema)]
pub struct InterventionListItem {
    pub id: i64,
    pub name: String,
    pub owner_member_id: i64,
    pub owner_name: String,
    pub status: InterventionStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub max_total_sek: i64,
    pub application_id: i64,
    pub registration_number: Option<String>,
}

impl From<&InterventionRow> for InterventionListItem {
    fn from(r: &InterventionRow) -> Self {
        InterventionListItem {
            id: r.id,
            name: r.name.clone(),
            owner_member_id: r.owner_member_id,
            owner_name: r.owner_name.clone(),
            status: InterventionStatus::parse(&r.status).unwrap_or(InterventionStatus::AwaitingAgreement),
            start_date: r.start_date,
            end_date: r.end_date,
            max_total_sek: Money::from_ore(r.max_total_ore).kronor_rounded(),
            application_id: r.application_id,
            registration_number: r.registration_number.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InterventionList {
    pub items: Vec<InterventionListItem>,
    pub total: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct InterventionListQuery {
    pub association_id: Option<i64>,
    /// awaiting_agreement, awaiting_start, ongoing or ended.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// csv or xlsx: every matching intervention as one spreadsheet, streamed.
    pub format: Option<String>,
}

/// The interventions the caller may see: all of the association's for its office, board and
/// auditors; those of their own organisation for the members' staff. With `format`, all of them
/// as a spreadsheet.
#[utoipa::path(get, path = "/api/v1/interventions", tag = "interventions", params(InterventionListQuery),
    responses((status = 200, body = InterventionList), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<InterventionListQuery>,
) -> Result<Response, ApiError> {
    let format = super::format_of(&q.format)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            InterventionStatus::parse(s)
                .ok_or_else(|| ApiError::invalid(vec![FieldError::new("status", "status_unknown")]))?,
        ),
    };
    let association =
        q.association_id.or_else(|| p.association_ids().first().copied()).ok_or_else(ApiError::not_found)?;
    if let Some(format) = format {
        let db = state.db.clone();
        return Ok(super::stream_sheet(
            format,
            "Insatser",
            "insatser",
            export_columns(),
            move |offset: Option<i64>| {
                let (db, p) = (db.clone(), p.clone());
                async move {
                    let page = Page::new(Some(Page::MAX_LIMIT), offset);
                    let (rows, _) = service::list(&db, &p, association, status, page).await?;
                    let next = (rows.len() as i64 == page.limit).then_some(page.offset + page.limit);
                    Ok((rows.iter().map(export_values).collect(), next))
                }
            },
        )
        .await?);
    }
    let (rows, total) = service::list(&state.db, &p, association, status, Page::new(q.limit, q.offset)).await?;
    Ok(Json(InterventionList { items: rows.iter().map(InterventionListItem::from).collect(), total }).into_response())
}

fn export_columns() -> Vec<Column> {
    vec![
        Column::new("Insats", Kind::Text),
        Column::new("Insatsägare", Kind::Text),
        Column::new("Inriktning", Kind::Text),
        Column::new("Status", Kind::Text),
        Column::new("Start", Kind::Date),
        Column::new("Slut", Kind::Date),
        Column::new("Beviljat högst", Kind::Kronor),
        Column::new("Diarienummer", Kind::Text),
    ]
}

fn export_values(r: &InterventionRow) -> Vec<Value> {
    vec![
        r.name.clone().into(),
        r.owner_name.clone().into(),
        (if r.orientation == "structural" { "Strukturövergripande" } else { "Individinriktad" }).into(),
        InterventionStatus::parse(&r.status).map(InterventionStatus::label).unwrap_or("").into(),
        Value::Date(r.start_date),
        Value::Date(r.end_date),
        Value::Ore(r.max_total_ore),
        r.registration_number.clone().into(),
    ]
}

#[derive(Serialize, ToSchema)]
pub struct PartyDto {
    pub member_id: i64,
    pub name: String,
    pub is_owner: bool,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct InterventionDto {
    #[serde(flatten)]
    pub summary: InterventionListItem,
    pub orientation: String,
    pub option_to_extend: bool,
    pub per_year: Vec<YearAmountDto>,
    /// The decision's conditions (att-clauses after the grant itself).
    pub conditions: Vec<String>,
    pub decision_id: i64,
    pub parties: Vec<PartyDto>,
    pub agreement_text: String,
    /// SHA-256 of the agreement text; every signature is of this text.
    pub agreement_hash: String,
    pub agreement_complete_at: Option<DateTime<Utc>>,
    /// The parties the caller may sign for now.
    pub can_sign_for: Vec<i64>,
}

impl From<&InterventionView> for InterventionDto {
    fn from(v: &InterventionView) -> Self {
        InterventionDto {
            summary: InterventionListItem::from(&v.row),
            orientation: v.row.orientation.clone(),
            option_to_extend: v.row.option_to_extend,
            per_year: v
                .budget_years
                .iter()
                .map(|(y, m)| YearAmountDto { year: *y, max_sek: m.kronor_rounded() })
                .collect(),
            conditions: v.conditions.clone(),
            decision_id: v.row.decision_id,
            parties: v
                .parties
                .iter()
                .map(|x| {
                    let s = v.signature_of(x.member_id);
                    PartyDto {
                        member_id: x.member_id,
                        name: x.member_name.clone(),
                        is_owner: x.is_owner,
                        signed_by: s.map(|s| s.signer_name.clone()),
                        signed_at: s.map(|s| s.signed_at),
                    }
                })
                .collect(),
            agreement_text: v.row.agreement_text.clone(),
            agreement_hash: v.row.agreement_hash.clone(),
            agreement_complete_at: v.row.all_signed_at,
            can_sign_for: v.can_sign_for.clone(),
        }
    }
}

/// One intervention with its granted budget, conditions, parties and agreement.
#[utoipa::path(get, path = "/api/v1/interventions/{id}", tag = "interventions", params(("id" = i64, Path)),
    responses((status = 200, body = InterventionDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<InterventionDto>, ApiError> {
    Ok(Json(InterventionDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct AgreementSignature {
    /// The party signed for.
    pub member_id: i64,
}

/// Signs the agreement for a party. Only the party's firmatecknare may; the last signature
/// completes the agreement, and the intervention runs from its start date.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/agreement/signatures", tag = "interventions",
    params(("id" = i64, Path)), request_body = AgreementSignature,
    responses(
        (status = 201, body = InterventionDto),
        (status = 403, description = "not_signatory", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already_signed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "not_a_party", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AgreementSignature>,
) -> Result<(StatusCode, Json<InterventionDto>), ApiError> {
    service::sign(&state.db, &p, id, body.member_id).await?;
    Ok((StatusCode::CREATED, Json(InterventionDto::from(&service::get(&state.db, &p, id).await?))))
}

#[derive(Deserialize, IntoParams)]
pub struct AgreementQuery {
    /// pdf, docx or txt.
    pub format: Option<String>,
}

/// The agreement as PDF/A, DOCX or text, with the signatures so far.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/agreement", tag = "interventions",
    params(("id" = i64, Path), AgreementQuery),
    responses((status = 200, description = "The agreement"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn agreement(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<AgreementQuery>,
) -> Result<Response, ApiError> {
    let format = q.format.unwrap_or_else(|| "pdf".into());
    if !["pdf", "docx", "txt"].contains(&format.as_str()) {
        return Err(ApiError::invalid(vec![FieldError::new("format", "format_unknown")]));
    }
    let view = service::get(&state.db, &p, id).await?;
    let (title, blocks) = agreement_document(&view);
    document_response(&title, blocks, &format).await
}
