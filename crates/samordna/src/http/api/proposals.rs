//! The decision proposal of an application (Förslag till beslut) in the API.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::applications::file_response;
use super::ApiJson;
use crate::domain::money::Money;
use crate::domain::proposal::{proposal_text, Checklist, GrantFacts, ProposalContent, Recommendation};
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::preparations::{self as service, PreparationInput, PreparationView};
use crate::service::{FieldError, ServiceError};

#[derive(Serialize, ToSchema)]
pub struct EditDto {
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct PreparationDto {
    pub application_id: i64,
    pub officer_user_id: Option<i64>,
    pub checklist: Checklist,
    pub notes: String,
    pub proposal: ProposalContent,
    /// 0 until first saved; send it back with a change.
    pub lock_version: i64,
    /// Every saved change of the proposal, oldest first.
    pub edits: Vec<EditDto>,
    pub can_edit: bool,
    /// The board's decisions on the case so far, oldest first (a referral back, then perhaps a final one).
    pub decisions: Vec<CaseDecisionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDecisionDto {
    pub meeting_id: i64,
    pub date: NaiveDate,
    pub section: i64,
    pub outcome: crate::domain::meeting::Outcome,
}

impl From<&PreparationView> for PreparationDto {
    fn from(v: &PreparationView) -> Self {
        PreparationDto {
            application_id: v.application.row.id,
            officer_user_id: v.officer_user_id,
            checklist: v.checklist.clone(),
            notes: v.notes.clone(),
            proposal: v.proposal.clone(),
            lock_version: v.lock_version,
            edits: v.edits.iter().map(|(by, at)| EditDto { edited_by: by.clone(), edited_at: *at }).collect(),
            can_edit: v.can_edit,
            decisions: v
                .decisions
                .iter()
                .map(|(meeting_id, date, section, outcome)| CaseDecisionDto {
                    meeting_id: *meeting_id,
                    date: *date,
                    section: *section,
                    outcome: *outcome,
                })
                .collect(),
        }
    }
}

/// The preparation and proposal of a received application; drafted when none is saved yet.
#[utoipa::path(get, path = "/api/v1/applications/{id}/proposal", tag = "proposals", params(("id" = i64, Path)),
    description = "For the office (read and write) and the board and auditors (read).",
    responses((status = 200, body = PreparationDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PreparationDto>, ApiError> {
    Ok(Json(PreparationDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct PreparationUpdate {
    pub lock_version: i64,
    pub officer_user_id: Option<i64>,
    pub checklist: Checklist,
    #[serde(default)]
    pub notes: String,
    pub proposal: ProposalContent,
}

/// Saves the preparation; every change of the proposal is kept with who and when.
#[utoipa::path(put, path = "/api/v1/applications/{id}/proposal", tag = "proposals", params(("id" = i64, Path)),
    request_body = PreparationUpdate,
    description = "Allowed roles: case_officer, director, association_admin.",
    responses(
        (status = 200, body = PreparationDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "edit_conflict", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PreparationUpdate>,
) -> Result<Json<PreparationDto>, ApiError> {
    let input = PreparationInput {
        officer_user_id: body.officer_user_id,
        checklist: body.checklist,
        notes: body.notes,
        proposal: body.proposal,
    };
    service::save(&state.db, &p, id, body.lock_version, input).await?;
    Ok(Json(PreparationDto::from(&service::get(&state.db, &p, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct DraftRequest {
    pub recommendation: Recommendation,
    pub checklist: Checklist,
    /// The largest amount to grant, whole kronor (default: what the application requests).
    pub maximum_sek: Option<i64>,
    /// The period (default: the application's).
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub option_to_extend: bool,
    /// Add the clause on what an extension application must show.
    #[serde(default)]
    pub extension_requirements: bool,
}

/// Drafts a proposal from the application, the checklist and these facts, with the association's
/// clause wording. Nothing is saved: edit the draft and PUT it.
#[utoipa::path(post, path = "/api/v1/applications/{id}/proposal/draft", tag = "proposals", params(("id" = i64, Path)),
    request_body = DraftRequest,
    responses(
        (status = 200, body = ProposalContent),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn draft(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DraftRequest>,
) -> Result<Json<ProposalContent>, ApiError> {
    let view = service::get(&state.db, &p, id).await?;
    let requested = service::requested_grant(&view.application);
    let start = body.start_date.or(requested.as_ref().map(|g| g.start));
    let end = body.end_date.or(requested.as_ref().map(|g| g.end));
    let (Some(start), Some(end)) = (start, end) else {
        return Err(ApiError::invalid(vec![FieldError::new("start_date", "required")]));
    };
    if start >= end {
        return Err(ApiError::invalid(vec![FieldError::new("end_date", "end_before_start")]));
    }
    if body.maximum_sek.is_some_and(|m| m < 0) {
        return Err(ApiError::invalid(vec![FieldError::new("maximum_sek", "amount_negative")]));
    }
    let grant = GrantFacts {
        intervention: view.application.content.name.clone(),
        owner: view.application.member_name(view.application.content.owner.member_id),
        start,
        end,
        maximum: body.maximum_sek.map(Money::from_kronor).or(requested.map(|g| g.maximum)).unwrap_or_default(),
        option_to_extend: body.option_to_extend,
    };
    let library = service::library_of(&state.db, &p, view.application.row.association_id).await?;
    let signer = (view.proposal.signer_name.clone(), view.proposal.signer_title.clone());
    service::draft(
        &view.application,
        &body.checklist,
        &library,
        body.recommendation,
        &grant,
        body.extension_requirements,
        (&signer.0, &signer.1),
    )
    .map(Json)
    .map_err(|_| ApiError::from(ServiceError::Conflict("clause_template_invalid")))
}

#[derive(Deserialize, IntoParams)]
pub struct DocumentQuery {
    /// html, pdf, docx or txt.
    pub format: Option<String>,
}

/// The proposal as a document: HTML, PDF/A, DOCX or plain text, all with the same text.
#[utoipa::path(get, path = "/api/v1/applications/{id}/proposal/document", tag = "proposals", params(("id" = i64, Path), DocumentQuery),
    responses(
        (status = 200, description = "The document"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "format_unknown", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn document(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    let view = service::get(&state.db, &p, id).await?;
    let proposal = view.proposal.clone();
    match q.format.as_deref().unwrap_or("html") {
        "txt" => Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], proposal_text(&proposal)).into_response()),
        "docx" => Ok(file_response(
            &format!("{}.docx", view.proposal.heading),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            crate::documents::proposal_docx(&proposal),
        )),
        "html" => {
            Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], crate::documents::proposal_html(&proposal))
                .into_response())
        }
        "pdf" => {
            let bytes = crate::documents::typeset(move || crate::documents::proposal_pdf(&proposal))
                .await
                .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
            Ok(file_response(&format!("{}.pdf", view.proposal.heading), "application/pdf", bytes))
        }
        _ => Err(ApiError::invalid(vec![FieldError::new("format", "format_unknown")])),
    }
}
