//! Applications in the API. Amounts are whole kronor in fields ending `_sek`.

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use crate::domain::application::{
    Anchoring, ApplicationContent, BudgetRow, FieldChange, Goal, Orientation, Part, PartyContact, Sums,
};
use crate::domain::money::Money;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::messages::field_message;
use crate::http::AppState;
use crate::service::applications::{self as service, ApplicationView, ListScope, Status};
use crate::service::FieldError;
use crate::storage::applications::Sort;
use crate::storage::Page;
use chrono::{DateTime, Utc};

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
pub struct BudgetRowDto {
    pub member_id: i64,
    pub year: i32,
    /// Att rekvirera från förbundet.
    pub requested_sek: i64,
    /// Egenfinansiering.
    pub own_financing_sek: i64,
    /// Computed: requested plus own financing. Ignored when sent.
    #[serde(default)]
    pub total_sek: i64,
}

/// The application's content, section by section as in the template.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContentDto {
    pub name: String,
    pub owner: PartyContact,
    #[serde(default)]
    pub partners: Vec<PartyContact>,
    #[serde(default)]
    pub orientation: Option<Orientation>,
    #[serde(default)]
    pub esf: Option<bool>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub last_intake_date: Option<NaiveDate>,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub age_min: Option<i32>,
    #[serde(default)]
    pub age_max: Option<i32>,
    #[serde(default)]
    pub participants_per_year: Option<i32>,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub implementation: String,
    #[serde(default)]
    pub budget: Vec<BudgetRowDto>,
    #[serde(default)]
    pub budget_comment: String,
    #[serde(default)]
    pub anchoring: Anchoring,
    #[serde(default)]
    pub agreement_accepted_version: Option<i64>,
    /// Set when the application extends an earlier intervention: the answer to each of its conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<crate::domain::application::Extension>,
}

impl From<&ApplicationContent> for ContentDto {
    fn from(c: &ApplicationContent) -> Self {
        ContentDto {
            name: c.name.clone(),
            owner: c.owner.clone(),
            partners: c.partners.clone(),
            orientation: c.orientation,
            esf: c.esf,
            purpose: c.purpose.clone(),
            goals: c.goals.clone(),
            background: c.background.clone(),
            start_date: c.start_date,
            end_date: c.end_date,
            last_intake_date: c.last_intake_date,
            target_group: c.target_group.clone(),
            age_min: c.age_min,
            age_max: c.age_max,
            participants_per_year: c.participants_per_year,
            parts: c.parts.clone(),
            method: c.method.clone(),
            follow_up: c.follow_up.clone(),
            implementation: c.implementation.clone(),
            budget: c
                .budget
                .iter()
                .map(|r| BudgetRowDto {
                    member_id: r.member_id,
                    year: r.year,
                    requested_sek: Money::from_ore(r.requested_ore).kronor_rounded(),
                    own_financing_sek: Money::from_ore(r.own_financing_ore).kronor_rounded(),
                    total_sek: r.total().kronor_rounded(),
                })
                .collect(),
            budget_comment: c.budget_comment.clone(),
            anchoring: c.anchoring.clone(),
            agreement_accepted_version: c.agreement_accepted_version,
            extends: c.extends.clone(),
        }
    }
}

/// Kronor to öre, refusing amounts too large to be real.
fn ore(kronor: i64, field: String, errors: &mut Vec<FieldError>) -> i64 {
    match kronor.checked_mul(100).filter(|o| o.abs() <= 1_000_000_000_000 * 100) {
        Some(o) => o,
        None => {
            errors.push(FieldError::new(field, "amount_too_large"));
            0
        }
    }
}

impl ContentDto {
    fn into_domain(self) -> Result<ApplicationContent, ApiError> {
        let mut errors = Vec::new();
        let budget = self
            .budget
            .iter()
            .enumerate()
            .map(|(i, r)| BudgetRow {
                member_id: r.member_id,
                year: r.year,
                requested_ore: ore(r.requested_sek, format!("budget[{i}].requested_sek"), &mut errors),
                own_financing_ore: ore(r.own_financing_sek, format!("budget[{i}].own_financing_sek"), &mut errors),
            })
            .collect();
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        Ok(ApplicationContent {
            name: self.name,
            owner: self.owner,
            partners: self.partners,
            orientation: self.orientation,
            esf: self.esf,
            purpose: self.purpose,
            goals: self.goals,
            background: self.background,
            start_date: self.start_date,
            end_date: self.end_date,
            last_intake_date: self.last_intake_date,
            target_group: self.target_group,
            age_min: self.age_min,
            age_max: self.age_max,
            participants_per_year: self.participants_per_year,
            parts: self.parts,
            method: self.method,
            follow_up: self.follow_up,
            implementation: self.implementation,
            budget,
            budget_comment: self.budget_comment,
            anchoring: self.anchoring,
            agreement_accepted_version: self.agreement_accepted_version,
            extends: self.extends,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct SumsDto {
    pub requested_sek: i64,
    pub own_financing_sek: i64,
    pub total_sek: i64,
}

impl From<Sums> for SumsDto {
    fn from(s: Sums) -> Self {
        SumsDto {
            requested_sek: s.requested.kronor_rounded(),
            own_financing_sek: s.own_financing.kronor_rounded(),
            total_sek: s.total.kronor_rounded(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PartySumsDto {
    pub member_id: i64,
    #[serde(flatten)]
    pub sums: SumsDto,
}

#[derive(Serialize, ToSchema)]
pub struct YearSumsDto {
    pub year: i32,
    #[serde(flatten)]
    pub sums: SumsDto,
}

/// The template's Budgetsammanställning.
#[derive(Serialize, ToSchema)]
pub struct BudgetSummaryDto {
    pub per_party: Vec<PartySumsDto>,
    pub per_year: Vec<YearSumsDto>,
    pub total: SumsDto,
}

#[derive(Serialize, ToSchema)]
pub struct SignatureDto {
    pub member_id: i64,
    pub signer_name: String,
    pub signed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemFieldDto {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct CompletionRequestDto {
    pub message: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    pub version_no: i64,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub association_id: i64,
    /// draft, signing, received, completion_requested, granted or rejected.
    pub status: String,
    /// The diarienummer, once received ("SUL 2026/0007").
    pub registration_number: Option<String>,
    pub received_at: Option<DateTime<Utc>>,
    /// Send it back with a change; a stale one gets 409 edit_conflict.
    pub lock_version: i64,
    pub content: ContentDto,
    pub budget_summary: BudgetSummaryDto,
    /// Signatures of the current content, one per party that has signed.
    pub signatures: Vec<SignatureDto>,
    /// What stops signing and submitting; empty when the application is complete.
    pub incomplete: Vec<ProblemFieldDto>,
    pub completion_requests: Vec<CompletionRequestDto>,
    pub attachments: Vec<AttachmentDto>,
    pub versions: Vec<VersionDto>,
    /// For an extension: the conditions of the earlier decision, each needing an answer.
    pub extension_conditions: Vec<String>,
}

fn attachment_dto(a: &crate::storage::applications::AttachmentRow) -> AttachmentDto {
    AttachmentDto {
        id: a.id,
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        uploaded_at: a.uploaded_at,
    }
}

impl From<&ApplicationView> for ApplicationDto {
    fn from(v: &ApplicationView) -> Self {
        let summary = v.content.budget_summary();
        ApplicationDto {
            id: v.row.id,
            association_id: v.row.association_id,
            status: v.status.code().to_string(),
            registration_number: v.row.registration_number.clone(),
            received_at: v.row.received_at,
            lock_version: v.row.lock_version,
            content: ContentDto::from(&v.content),
            budget_summary: BudgetSummaryDto {
                per_party: summary
                    .per_party
                    .iter()
                    .map(|(m, s)| PartySumsDto { member_id: *m, sums: (*s).into() })
                    .collect(),
                per_year: summary.per_year.iter().map(|(y, s)| YearSumsDto { year: *y, sums: (*s).into() }).collect(),
                total: summary.overall.into(),
            },
            signatures: v
                .content
                .party_ids()
                .iter()
                .filter_map(|m| v.signed_by(*m))
                .map(|s| SignatureDto {
                    member_id: s.member_id,
                    signer_name: s.signer_name.clone(),
                    signed_at: s.signed_at,
                })
                .collect(),
            incomplete: v
                .incomplete
                .iter()
                .map(|e| ProblemFieldDto {
                    field: e.field.clone(),
                    code: e.code.to_string(),
                    message: field_message(&e.field, e.code).to_string(),
                })
                .collect(),
            completion_requests: v
                .completion_requests
                .iter()
                .map(|c| CompletionRequestDto {
                    message: c.message.clone(),
                    requested_by: c.requested_by_name.clone(),
                    requested_at: c.requested_at,
                    answered_at: c.answered_at,
                })
                .collect(),
            attachments: v.attachments.iter().map(attachment_dto).collect(),
            versions: v
                .versions
                .iter()
                .map(|x| VersionDto {
                    version_no: x.version_no,
                    submitted_by: x.submitted_by_name.clone(),
                    submitted_at: x.submitted_at,
                })
                .collect(),
            extension_conditions: v.extension_conditions.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewApplicationDto {
    /// The member that owns the intervention; the caller must be its insatsansvarig.
    pub owner_member_id: i64,
    pub name: String,
}

/// Starts a draft. For insatsansvarig of the owner.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = NewApplicationDto,
    description = "Allowed roles: intervention_lead (of the owner).",
    responses(
        (status = 201, body = ApplicationDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(body): ApiJson<NewApplicationDto>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    let id = service::create(&state.db, &p, body.owner_member_id, &body.name).await?;
    let view = service::get(&state.db, &p, id).await?;
    Ok((StatusCode::CREATED, Json(ApplicationDto::from(&view))))
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// `office` (the association's received applications, for its staff, board and auditors) or
    /// `mine` (where the caller's member organisation is a party). Default: mine.
    pub scope: Option<String>,
    /// The association, for the office list (default: the caller's first).
    pub association_id: Option<i64>,
    pub status: Option<String>,
    /// Words in the name or the diarienummer.
    pub q: Option<String>,
    /// updated (default), received, name or registration_number.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// csv or xlsx: every matching application as one spreadsheet, streamed.
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationListItem {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub registration_number: Option<String>,
    pub received_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub owner_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationList {
    pub items: Vec<ApplicationListItem>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

pub fn parse_sort(s: Option<&str>) -> Sort {
    match s {
        Some("received") => Sort::Received,
        Some("name") => Sort::Name,
        Some("registration_number") => Sort::RegistrationNumber,
        _ => Sort::Updated,
    }
}

/// Lists applications, paginated.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ListQuery),
    responses(
        (status = 200, body = ApplicationList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let format = super::format_of(&q.format)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| ApiError::invalid(vec![FieldError::new("status", "status_unknown")]))?)
        }
    };
    let scope = match q.scope.as_deref() {
        Some("office") => {
            let a =
                q.association_id.or_else(|| p.association_ids().first().copied()).ok_or_else(ApiError::not_found)?;
            ListScope::Office(a)
        }
        None | Some("mine") => ListScope::Mine,
        Some(_) => return Err(ApiError::invalid(vec![FieldError::new("scope", "scope_unknown")])),
    };
    let sort = parse_sort(q.sort.as_deref());
    if let Some(format) = format {
        let (db, search) = (state.db.clone(), q.q.clone());
        return Ok(super::stream_sheet(
            format,
            "Ansökningar",
            "ansokningar",
            export_columns(),
            move |offset: Option<i64>| {
                let (db, p, search) = (db.clone(), p.clone(), search.clone());
                async move {
                    let page = Page::new(Some(Page::MAX_LIMIT), offset);
                    let (rows, _) = service::list(&db, &p, scope, status, search, sort, page).await?;
                    let next = (rows.len() as i64 == page.limit).then_some(page.offset + page.limit);
                    Ok((rows.iter().map(export_values).collect(), next))
                }
            },
        )
        .await?);
    }
    let page = Page::new(q.limit, q.offset);
    let (rows, total) = service::list(&state.db, &p, scope, status, q.q, sort, page).await?;
    Ok(Json(ApplicationList {
        items: rows
            .into_iter()
            .map(|r| ApplicationListItem {
                id: r.id,
                name: r.name,
                status: r.status,
                registration_number: r.registration_number,
                received_at: r.received_at,
                updated_at: r.updated_at,
                owner_name: r.owner_name,
            })
            .collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    })
    .into_response())
}

fn export_columns() -> Vec<crate::export::Column> {
    use crate::export::{Column, Kind};
    vec![
        Column::new("Diarienummer", Kind::Text),
        Column::new("Insats", Kind::Text),
        Column::new("Insatsägare", Kind::Text),
        Column::new("Status", Kind::Text),
        Column::new("Inkommen", Kind::Date),
        Column::new("Ändrad", Kind::Date),
    ]
}

fn export_values(r: &crate::storage::applications::ListRow) -> Vec<crate::export::Value> {
    use crate::export::Value;
    vec![
        r.registration_number.clone().into(),
        r.name.clone().into(),
        r.owner_name.clone().into(),
        Status::parse(&r.status).map(Status::label).unwrap_or("").into(),
        r.received_at.map_or(Value::Empty, |t| Value::Date(crate::domain::time::local_date(t))),
        Value::Date(crate::domain::time::local_date(r.updated_at)),
    ]
}

/// One application with its budget summary, signatures and history.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = ApplicationDto),
        (status = 404, description = "No such application, or the caller may not see it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let view = service::get(&state.db, &p, id).await?;
    Ok(Json(ApplicationDto::from(&view)))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateDto {
    /// The lock_version the change is based on.
    pub lock_version: i64,
    /// Must be true to change an application that parties have signed: every signature is voided.
    #[serde(default)]
    pub void_signatures: bool,
    pub content: ContentDto,
}

/// Saves the content. A draft may be incomplete; what is filled in must be right.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i64, Path)), request_body = UpdateDto,
    description = "Allowed roles: intervention_lead or signatory of a party.",
    responses(
        (status = 200, body = ApplicationDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "edit_conflict (with the changed fields), signatures_would_be_voided or application_not_editable", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateDto>,
) -> Result<Json<ApplicationDto>, ApiError> {
    let content = body.content.into_domain()?;
    let view = service::update(&state.db, &p, id, body.lock_version, content, body.void_signatures).await?;
    Ok(Json(ApplicationDto::from(&view)))
}

#[derive(Deserialize, ToSchema)]
pub struct SignatureRequest {
    /// The party signed for; the caller must be its firmatecknare.
    pub member_id: i64,
}

/// A party's firmatecknare signs the current content.
#[utoipa::path(post, path = "/api/v1/applications/{id}/signatures", tag = "applications",
    params(("id" = i64, Path)), request_body = SignatureRequest,
    description = "Allowed roles: signatory of the party.",
    responses(
        (status = 201, body = ApplicationDto),
        (status = 403, description = "The caller is not a firmatecknare of that party", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The application is incomplete", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<SignatureRequest>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    service::sign(&state.db, &p, id, body.member_id).await?;
    let view = service::get(&state.db, &p, id).await?;
    Ok((StatusCode::CREATED, Json(ApplicationDto::from(&view))))
}

/// Submits a fully signed application; the first submission gives it its diarienummer.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = ApplicationDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "signatures_missing", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDto>, ApiError> {
    service::submit(&state.db, &p, id).await?;
    let view = service::get(&state.db, &p, id).await?;
    Ok(Json(ApplicationDto::from(&view)))
}

#[derive(Deserialize, ToSchema)]
pub struct CompletionRequestBody {
    pub message: String,
}

/// The office asks the applicant to complete the application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/completion-requests", tag = "applications",
    params(("id" = i64, Path)), request_body = CompletionRequestBody,
    description = "Allowed roles: case_officer, director, association_admin.",
    responses(
        (status = 201, body = ApplicationDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request_completion(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CompletionRequestBody>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    service::request_completion(&state.db, &p, id, &body.message).await?;
    let view = service::get(&state.db, &p, id).await?;
    Ok((StatusCode::CREATED, Json(ApplicationDto::from(&view))))
}

#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    /// With `b`: compare version `a` with version `b` field by field.
    pub a: Option<i64>,
    pub b: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct VersionsDto {
    pub versions: Vec<VersionDto>,
    /// The differences between `a` and `b`, when both were given.
    pub changes: Vec<FieldChange>,
}

/// The submitted versions, and the differences between two of them.
#[utoipa::path(get, path = "/api/v1/applications/{id}/versions", tag = "applications",
    params(("id" = i64, Path), VersionQuery),
    responses(
        (status = 200, body = VersionsDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn versions(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<VersionsDto>, ApiError> {
    let view = service::get(&state.db, &p, id).await?;
    let changes = match (q.a, q.b) {
        (Some(a), Some(b)) => service::compare_versions(&state.db, &p, id, a, b).await?,
        _ => Vec::new(),
    };
    Ok(Json(VersionsDto { versions: ApplicationDto::from(&view).versions, changes }))
}

/// Attaches a file (multipart field `file`): PDF, DOCX, XLSX, ODT, ODS, PNG or JPEG, told from its content.
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "applications",
    params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "One part named `file`."),
    responses(
        (status = 201, body = AttachmentDto),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "attachment_type or attachment_too_large", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<AttachmentDto>), ApiError> {
    let (name, bytes) = read_file(multipart, state.config.max_attachment_bytes).await?;
    let a = service::add_attachment(&state.db, &p, id, &name, &bytes, state.config.max_attachment_bytes).await?;
    Ok((StatusCode::CREATED, Json(attachment_dto(&a))))
}

/// Reads the part named `file` of a multipart body, refusing it whole when it is too large.
pub async fn read_file(mut multipart: Multipart, max: usize) -> Result<(String, Vec<u8>), ApiError> {
    while let Some(mut field) =
        multipart.next_field().await.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("bilaga").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::invalid(vec![FieldError::new("file", "attachment_too_large")])
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_body")
            }
        })? {
            if bytes.len() + chunk.len() > max {
                return Err(ApiError::invalid(vec![FieldError::new("file", "attachment_too_large")]));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(ApiError::invalid(vec![FieldError::new("file", "required")]))
}

/// Downloads an attachment.
#[utoipa::path(get, path = "/api/v1/applications/{id}/attachments/{attachment_id}", tag = "applications",
    params(("id" = i64, Path), ("attachment_id" = i64, Path)),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = service::attachment(&state.db, &p, id, attachment_id).await?;
    Ok(file_response(&meta.filename, &meta.content_type, bytes))
}

/// A file as a download, with a name that cannot break the header.
pub fn file_response(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let encoded: String =
        url::form_urlencoded::byte_serialize(filename.as_bytes()).collect::<String>().replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response()
}
