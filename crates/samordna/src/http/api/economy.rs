//! The association's money in the API: requisitions per intervention, and per year the state's
//! allocation, the contribution key, populations, contributions, budget, each kommun's return
//! and the Uppföljning Finsam figures. Reports can be had as `?format=csv` or `?format=xlsx`.

use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::applications::file_response;
use super::{association_of, format_of, stream_sheet, ApiJson};
use crate::domain::economy::{
    Attribution, Contribution, KeyKind, RequisitionStatus, ReviewAction, RETURN_METHOD, ROUNDING_RULE,
};
use crate::domain::money::Money;
use crate::export::{self, Column, Format, Kind, Value};
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::economy::{
    self, AllocationInput, Basis, BudgetPostInput, EconomySettings, FinsamYear, KeyInput, PopulationInput,
};
use crate::service::requisitions::{self, RequisitionInput, ReviewInput, Summary, Upload};
use crate::service::FieldError;

#[derive(Deserialize, IntoParams)]
pub struct AssociationQuery {
    /// The association (default: the caller's first).
    pub association_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RequisitionDto {
    pub id: i64,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount_sek: i64,
    /// Öre, for amounts that are not whole kronor.
    pub amount_ore: i64,
    pub status: RequisitionStatus,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub paid_on: Option<NaiveDate>,
    pub reject_reason: Option<String>,
    /// The steps the caller may take now.
    pub actions: Vec<ReviewAction>,
}

#[derive(Serialize, ToSchema)]
pub struct RequisitionList {
    pub items: Vec<RequisitionDto>,
    /// Per year of the grant, then the whole intervention (year null).
    pub summaries: Vec<Summary>,
}

fn dto(r: &crate::storage::economy::RequisitionRow, actions: Vec<ReviewAction>) -> RequisitionDto {
    RequisitionDto {
        id: r.id,
        year: r.year,
        period_from: r.period_from,
        period_to: r.period_to,
        amount_sek: Money::from_ore(r.amount_ore).kronor_rounded(),
        amount_ore: r.amount_ore,
        status: RequisitionStatus::parse(&r.status).unwrap_or(RequisitionStatus::Rejected),
        submitted_by: r.submitted_by_name.clone(),
        submitted_at: r.submitted_at,
        paid_on: r.paid_on,
        reject_reason: r.reject_reason.clone(),
        actions,
    }
}

/// The intervention's requisitions with granted, claimed, approved, paid and remaining per year.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/requisitions", tag = "economy", params(("id" = i64, Path)),
    responses((status = 200, body = RequisitionList), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_requisitions(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RequisitionList>, ApiError> {
    let l = requisitions::list(&state.db, &p, id).await?;
    let items = l
        .requisitions
        .iter()
        .map(|r| dto(r, l.actions.iter().find(|a| a.0 == r.id).map(|a| a.1.clone()).unwrap_or_default()))
        .collect();
    Ok(Json(RequisitionList { items, summaries: l.summaries }))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Reads a claim: a JSON body, or multipart with a part `requisition` (the JSON) and any number
/// of parts `file` (the evidence: PDF, PNG, JPEG, XLSX or ODS).
async fn read_claim(req: Request, max: usize) -> Result<(RequisitionInput, Vec<Upload>), ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let ApiJson(input) = ApiJson::<RequisitionInput>::from_request(req, &()).await?;
        return Ok((input, Vec::new()));
    }
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"))?;
    let mut input = None;
    let mut uploads = Vec::new();
    let mut total = 0usize;
    while let Some(field) =
        form.next_field().await.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"))?
    {
        match field.name() {
            Some("requisition") => {
                let text = field.text().await.map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"))?;
                input = Some(
                    serde_json::from_str::<RequisitionInput>(&text)
                        .map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"))?,
                );
            }
            Some("file") => {
                let filename = field.file_name().unwrap_or("underlag").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::invalid(vec![FieldError::new("files", "attachment_too_large")])
                    } else {
                        ApiError::new(StatusCode::BAD_REQUEST, "malformed_body")
                    }
                })?;
                total += bytes.len();
                if bytes.len() > max || total > max {
                    return Err(ApiError::invalid(vec![FieldError::new("files", "attachment_too_large")]));
                }
                if !bytes.is_empty() {
                    uploads.push(Upload { filename, bytes: bytes.to_vec() });
                }
            }
            _ => {}
        }
    }
    let input = input.ok_or_else(|| ApiError::invalid(vec![FieldError::new("requisition", "required")]))?;
    Ok((input, uploads))
}

/// Submits a requisition of actual costs. For the owner's insatsansvarig. Refused when it exceeds
/// what remains of the grant (per year where the grant is per year), lies outside the
/// intervention's period plus the association's tail, or lacks evidence above the threshold.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/requisitions", tag = "economy", params(("id" = i64, Path)),
    request_body(content = RequisitionInput, description = "JSON, or multipart with parts `requisition` (JSON) and `file`."),
    responses((status = 201, body = Created),
        (status = 403, description = "not_owner_lead", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "above_remaining, above_remaining_year, after_claim_period, before_intervention_start, evidence_required, attachment_type, …", body = Problem, content_type = "application/problem+json")))]
pub async fn create_requisition(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(id): Path<i64>,
    req: Request,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (input, uploads) = read_claim(req, state.config.max_attachment_bytes).await?;
    let rid = requisitions::create(&state.db, &p, id, &input, &uploads).await?;
    Ok((StatusCode::CREATED, Json(Created { id: rid })))
}

#[derive(Serialize, ToSchema)]
pub struct RequisitionRowDto {
    pub cost_kind: String,
    pub description: String,
    pub amount_ore: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequisitionDetail {
    #[serde(flatten)]
    pub requisition: RequisitionDto,
    pub rows: Vec<RequisitionRowDto>,
    pub attachments: Vec<AttachmentDto>,
}

#[utoipa::path(get, path = "/api/v1/interventions/{id}/requisitions/{rid}", tag = "economy",
    params(("id" = i64, Path), ("rid" = i64, Path)),
    responses((status = 200, body = RequisitionDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_requisition(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, rid)): Path<(i64, i64)>,
) -> Result<Json<RequisitionDetail>, ApiError> {
    let v = requisitions::get(&state.db, &p, id, rid).await?;
    Ok(Json(RequisitionDetail {
        requisition: dto(&v.row, v.actions.clone()),
        rows: v
            .rows
            .into_iter()
            .map(|(cost_kind, description, amount_ore)| RequisitionRowDto { cost_kind, description, amount_ore })
            .collect(),
        attachments: v
            .attachments
            .into_iter()
            .map(|a| AttachmentDto {
                id: a.id,
                filename: a.filename,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
                sha256: a.sha256,
            })
            .collect(),
    }))
}

/// Downloads a requisition's evidence.
#[utoipa::path(get, path = "/api/v1/interventions/{id}/requisitions/{rid}/attachments/{aid}", tag = "economy",
    params(("id" = i64, Path), ("rid" = i64, Path), ("aid" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn requisition_attachment(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, rid, aid)): Path<(i64, i64, i64)>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = requisitions::attachment(&state.db, &p, id, rid, aid).await?;
    Ok(file_response(&meta.filename, &meta.content_type, bytes))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResult {
    pub status: RequisitionStatus,
}

/// Takes a requisition one step: `review` (handläggare or förbundschef), `attest`
/// (förbundschef), `pay` (administratör or förbundschef, with `paid_on`) or `reject` (with a
/// `reason`). Nobody takes a step on a requisition they submitted.
#[utoipa::path(post, path = "/api/v1/interventions/{id}/requisitions/{rid}/review", tag = "economy",
    params(("id" = i64, Path), ("rid" = i64, Path)), request_body = ReviewInput,
    responses((status = 200, body = ReviewResult),
        (status = 403, description = "own_requisition or forbidden", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "requisition_wrong_status", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review_requisition(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path((id, rid)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ReviewInput>,
) -> Result<Json<ReviewResult>, ApiError> {
    let status = requisitions::review(&state.db, &p, id, rid, &body).await?;
    Ok(Json(ReviewResult { status }))
}

#[derive(Serialize, ToSchema)]
pub struct AllocationDto {
    pub year: i32,
    pub state_allocation_sek: Option<i64>,
    pub equity_sek: Option<i64>,
    pub decided_on: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/years/{year}/allocation", tag = "economy", params(("year" = i32, Path), AssociationQuery),
    responses((status = 200, body = AllocationDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_allocation(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssociationQuery>,
) -> Result<Json<AllocationDto>, ApiError> {
    let a = association_of(&p, q.association_id)?;
    let c = economy::contributions(&state.db, &p, a, year).await?;
    Ok(Json(AllocationDto {
        year,
        state_allocation_sek: c.allocation.as_ref().map(|y| Money::from_ore(y.state_allocation_ore).kronor_rounded()),
        equity_sek: c.allocation.as_ref().and_then(|y| y.equity_ore).map(|e| Money::from_ore(e).kronor_rounded()),
        decided_on: c.allocation.as_ref().and_then(|y| y.decided_on),
    }))
}

/// Sets the state's allocation for the year (and the equity at its end, once known). For the
/// association's administrator and director.
#[utoipa::path(put, path = "/api/v1/years/{year}/allocation", tag = "economy", params(("year" = i32, Path), AssociationQuery),
    request_body = AllocationInput,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "negative_amount, amount_too_large, date_in_future", body = Problem, content_type = "application/problem+json")))]
pub async fn put_allocation(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssociationQuery>,
    ApiJson(body): ApiJson<AllocationInput>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    economy::set_allocation(&state.db, &p, a, year, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the key that splits the kommuner's quarter from this year on.
#[utoipa::path(put, path = "/api/v1/years/{year}/contribution-key", tag = "economy",
    params(("year" = i32, Path), AssociationQuery), request_body = KeyInput,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "shares_not_whole, percent_invalid, not_a_kommun, …", body = Problem, content_type = "application/problem+json")))]
pub async fn put_key(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssociationQuery>,
    ApiJson(mut body): ApiJson<KeyInput>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    body.valid_from_year = year;
    economy::set_key(&state.db, &p, a, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the kommuner's populations at the end of the year (total and, when known, 16–64).
#[utoipa::path(put, path = "/api/v1/years/{year}/populations", tag = "economy",
    params(("year" = i32, Path), AssociationQuery), request_body = Vec<PopulationInput>,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_populations(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssociationQuery>,
    ApiJson(body): ApiJson<Vec<PopulationInput>>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    economy::set_populations(&state.db, &p, a, year, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    pub association_id: Option<i64>,
    /// csv or xlsx for a spreadsheet; JSON otherwise.
    pub format: Option<String>,
}

/// A spreadsheet as a download.
pub fn spreadsheet(format: Format, name: &str, title: &str, columns: Vec<Column>, rows: &[Vec<Value>]) -> Response {
    let bytes = export::write_all(format, title, columns, rows);
    file_response(&format!("{name}.{}", format.extension()), format.content_type(), bytes)
}

#[derive(Serialize, ToSchema)]
pub struct ContributionDto {
    pub member_id: i64,
    pub name: String,
    pub kind: crate::domain::party::PartyKind,
    pub amount_sek: i64,
    /// The kommun's share of the kommuner's quarter in percent, four decimals.
    pub key_share_percent: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ContributionsDto {
    pub year: i32,
    pub state_allocation_sek: Option<i64>,
    pub key_kind: Option<KeyKind>,
    pub key_valid_from_year: Option<i32>,
    /// The population figures' year (31 December), for population keys.
    pub population_year: Option<i32>,
    pub total_sek: i64,
    pub members: Vec<ContributionDto>,
    /// Why there are none: allocation_missing, key_missing or population_missing.
    pub missing: Option<String>,
    /// How the amounts are rounded.
    pub rounding: String,
}

fn contribution_dto(c: &Contribution) -> ContributionDto {
    ContributionDto {
        member_id: c.member_id,
        name: c.name.clone(),
        kind: c.kind,
        amount_sek: c.amount.kronor_rounded(),
        key_share_percent: c.key_share_ppm.map(|p| p as f64 / 10_000.0),
    }
}

/// The members' contributions for the year: Försäkringskassan half (for itself and
/// Arbetsförmedlingen), the region a quarter, the kommuner a quarter split by the key in force.
#[utoipa::path(get, path = "/api/v1/years/{year}/contributions", tag = "economy", params(("year" = i32, Path), ReportQuery),
    responses((status = 200, body = ContributionsDto), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn contributions(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format = format_of(&q.format)?;
    let a = association_of(&p, q.association_id)?;
    let c = economy::contributions(&state.db, &p, a, year).await?;
    if let Some(f) = format {
        let (columns, rows) = contribution_sheet(&c);
        return Ok(spreadsheet(f, &format!("medlemsbidrag-{year}"), &format!("Medlemsbidrag {year}"), columns, &rows));
    }
    Ok(Json(ContributionsDto {
        year,
        state_allocation_sek: c.allocation.as_ref().map(|y| Money::from_ore(y.state_allocation_ore).kronor_rounded()),
        key_kind: c.key.as_ref().map(|k| k.1),
        key_valid_from_year: c.key.as_ref().map(|k| k.0.valid_from_year),
        population_year: c.population_year,
        total_sek: c.total().kronor_rounded(),
        members: c.contributions.iter().map(contribution_dto).collect(),
        missing: c.missing.map(str::to_string),
        rounding: ROUNDING_RULE.to_string(),
    })
    .into_response())
}

pub fn contribution_sheet(c: &economy::ContributionYear) -> (Vec<Column>, Vec<Vec<Value>>) {
    let columns = vec![
        Column::new("Medlem", Kind::Text),
        Column::new("Parttyp", Kind::Text),
        Column::new("Andel av kommunernas del (%)", Kind::Decimal),
        Column::new("Medlemsbidrag", Kind::Kronor),
    ];
    let mut rows: Vec<Vec<Value>> = c
        .contributions
        .iter()
        .map(|m| {
            vec![
                m.name.clone().into(),
                m.kind.label().into(),
                m.key_share_ppm.map_or(Value::Empty, |p| Value::Dec(p as f64 / 10_000.0)),
                Value::Ore(m.amount.ore()),
            ]
        })
        .collect();
    rows.push(vec!["Totalt".into(), Value::Empty, Value::Empty, Value::Ore(c.total().ore())]);
    (columns, rows)
}

#[derive(Serialize, ToSchema)]
pub struct BudgetDto {
    pub year: i32,
    pub posts: Vec<BudgetPostInput>,
}

/// The association's budget for the year per post, with outcome and forecast; also as a
/// spreadsheet with its totals.
#[utoipa::path(get, path = "/api/v1/years/{year}/budget", tag = "economy", params(("year" = i32, Path), ReportQuery),
    responses((status = 200, body = BudgetDto)))]
pub async fn get_budget(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format = format_of(&q.format)?;
    let a = association_of(&p, q.association_id)?;
    let posts = economy::budget(&state.db, &p, a, year).await?;
    if let Some(f) = format {
        let columns = vec![
            Column::new("Post", Kind::Text),
            Column::new("Budget", Kind::Kronor),
            Column::new("Utfall", Kind::Kronor),
            Column::new("Prognos", Kind::Kronor),
        ];
        let total = |v: Vec<Option<i64>>| {
            if v.iter().all(Option::is_none) {
                Value::Empty
            } else {
                Value::Ore(v.into_iter().flatten().sum())
            }
        };
        let mut rows: Vec<Vec<Value>> = posts
            .iter()
            .map(|r| {
                vec![
                    economy::budget_post_label(&r.post).to_string().into(),
                    Value::Ore(r.budget_ore),
                    r.outcome_ore.map_or(Value::Empty, Value::Ore),
                    r.forecast_ore.map_or(Value::Empty, Value::Ore),
                ]
            })
            .collect();
        rows.push(vec![
            "Totalt".into(),
            Value::Ore(posts.iter().map(|r| r.budget_ore).sum()),
            total(posts.iter().map(|r| r.outcome_ore).collect()),
            total(posts.iter().map(|r| r.forecast_ore).collect()),
        ]);
        return Ok(spreadsheet(f, &format!("budget-{year}"), &format!("Budget {year}"), columns, &rows));
    }
    let k = |o: i64| Money::from_ore(o).kronor_rounded();
    Ok(Json(BudgetDto {
        year,
        posts: posts
            .into_iter()
            .map(|r| BudgetPostInput {
                post: r.post,
                budget_sek: k(r.budget_ore),
                outcome_sek: r.outcome_ore.map(k),
                forecast_sek: r.forecast_ore.map(k),
            })
            .collect(),
    })
    .into_response())
}

/// Replaces the association's budget for the year: budget, outcome and forecast per post.
#[utoipa::path(put, path = "/api/v1/years/{year}/budget", tag = "economy", params(("year" = i32, Path), AssociationQuery),
    request_body = Vec<BudgetPostInput>,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_budget(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<AssociationQuery>,
    ApiJson(body): ApiJson<Vec<BudgetPostInput>>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    economy::set_budget(&state.db, &p, a, year, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ReturnQuery {
    pub association_id: Option<i64>,
    /// outcome (approved claims, the default) or granted (the grants, for planning).
    pub basis: Option<Basis>,
    /// The first year of a series ending in `year` (at most ten years).
    pub from: Option<i32>,
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct KommunReturnDto {
    pub member_id: i64,
    pub name: String,
    pub population: i64,
    pub contribution_sek: i64,
    pub attributed_sek: i64,
    pub return_ratio: Option<f64>,
    pub fairness_index: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct InterventionShareDto {
    pub intervention_id: i64,
    pub name: String,
    pub amount_sek: i64,
    pub attribution: Attribution,
    /// Per kommun, in the order of `kommuner`.
    pub parts_sek: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ReturnYearDto {
    pub year: i32,
    pub basis: Basis,
    pub population_year: Option<i32>,
    pub kommuner: Vec<KommunReturnDto>,
    pub interventions: Vec<InterventionShareDto>,
    pub structural_sek: i64,
    pub missing: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReturnRatiosDto {
    pub method: String,
    pub years: Vec<ReturnYearDto>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn return_dto(y: &economy::ReturnYear) -> ReturnYearDto {
    let k = |m: Money| m.kronor_rounded();
    ReturnYearDto {
        year: y.year,
        basis: y.basis,
        population_year: y.contributions.population_year,
        kommuner: y
            .returns
            .kommuner
            .iter()
            .map(|r| KommunReturnDto {
                member_id: r.member_id,
                name: r.name.clone(),
                population: r.population,
                contribution_sek: k(r.contribution),
                attributed_sek: k(r.attributed),
                return_ratio: r.return_ratio.map(round3),
                fairness_index: r.fairness_index.map(round3),
            })
            .collect(),
        interventions: y
            .returns
            .interventions
            .iter()
            .map(|i| InterventionShareDto {
                intervention_id: i.intervention_id,
                name: i.name.clone(),
                amount_sek: k(i.amount),
                attribution: i.attribution,
                parts_sek: i.parts.iter().map(|m| k(*m)).collect(),
            })
            .collect(),
        structural_sek: k(y.returns.structural),
        missing: y.contributions.missing.map(str::to_string),
    }
}

pub fn return_sheet(years: &[economy::ReturnYear]) -> (Vec<Column>, Vec<Vec<Value>>) {
    let columns = vec![
        Column::new("År", Kind::Integer),
        Column::new("Kommun", Kind::Text),
        Column::new("Befolkning", Kind::Integer),
        Column::new("Medlemsbidrag", Kind::Kronor),
        Column::new("Insatsmedel", Kind::Kronor),
        Column::new("Utväxling", Kind::Decimal),
        Column::new("Rättviseindex", Kind::Decimal),
    ];
    let mut rows = Vec::new();
    for y in years {
        for r in &y.returns.kommuner {
            rows.push(vec![
                Value::Int(y.year as i64),
                r.name.clone().into(),
                Value::Int(r.population),
                Value::Ore(r.contribution.ore()),
                Value::Ore(r.attributed.ore()),
                r.return_ratio.map_or(Value::Empty, |v| Value::Dec(round3(v))),
                r.fairness_index.map_or(Value::Empty, |v| Value::Dec(round3(v))),
            ]);
        }
        rows.push(vec![
            Value::Int(y.year as i64),
            "Strukturövergripande insatser (fördelas inte)".into(),
            Value::Empty,
            Value::Empty,
            Value::Ore(y.returns.structural.ore()),
            Value::Empty,
            Value::Empty,
        ]);
    }
    (columns, rows)
}

/// Each kommun's return (utväxling) and fairness index for the year, or for a series of years.
#[utoipa::path(get, path = "/api/v1/years/{year}/return-ratios", tag = "economy", params(("year" = i32, Path), ReturnQuery),
    responses((status = 200, body = ReturnRatiosDto), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn return_ratios(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, ApiError> {
    let format = format_of(&q.format)?;
    let a = association_of(&p, q.association_id)?;
    let basis = q.basis.unwrap_or(Basis::Outcome);
    let years = economy::return_ratios(&state.db, &p, a, q.from.unwrap_or(year), year, basis).await?;
    if let Some(f) = format {
        let (columns, rows) = return_sheet(&years);
        return Ok(spreadsheet(f, &format!("utvaxling-{year}"), &format!("Utväxling {year}"), columns, &rows));
    }
    Ok(Json(ReturnRatiosDto { method: RETURN_METHOD.to_string(), years: years.iter().map(return_dto).collect() })
        .into_response())
}

pub fn finsam_sheet(f: &FinsamYear) -> (Vec<Column>, Vec<Vec<Value>>) {
    let columns = vec![
        Column::new("Uppgift", Kind::Text),
        Column::new("Inriktning", Kind::Text),
        Column::new("Målgrupp", Kind::Text),
        Column::new("ESF", Kind::Text),
        Column::new("Start", Kind::Date),
        Column::new("Slut", Kind::Date),
        Column::new("Budget", Kind::Kronor),
        Column::new("Utfall", Kind::Kronor),
        Column::new("Budgeterat antal deltagare", Kind::Integer),
        Column::new("Kvinnor", Kind::Text),
        Column::new("Män", Kind::Text),
        Column::new("Deltagare totalt", Kind::Text),
    ];
    let blank = || vec![Value::Empty; 5];
    let money_line = |label: &str, budget: Option<i64>, outcome: Option<i64>| {
        let mut r = vec![Value::Text(label.to_string())];
        r.extend(blank());
        r.push(budget.map_or(Value::Empty, |v| Value::Ore(v * 100)));
        r.push(outcome.map_or(Value::Empty, |v| Value::Ore(v * 100)));
        r.extend(vec![Value::Empty; 4]);
        r
    };
    let mut rows = vec![
        money_line("Tilldelade medel, staten", Some(f.allocated_state_sek), None),
        money_line("Tilldelade medel, region", Some(f.allocated_region_sek), None),
        money_line("Tilldelade medel, kommuner", Some(f.allocated_kommuner_sek), None),
        money_line("Tilldelade medel, totalt", Some(f.allocated_total_sek), None),
        money_line("Eget kapital", f.equity_sek, None),
        money_line("Administrativa kostnader", Some(f.administrative_budget_sek), f.administrative_outcome_sek),
    ];
    for i in &f.interventions {
        rows.push(vec![
            i.name.clone().into(),
            i.orientation.clone().into(),
            i.target_group.clone().into(),
            (if i.esf { "Ja" } else { "Nej" }).into(),
            Value::Date(i.start_date),
            Value::Date(i.end_date),
            Value::Ore(i.budget_sek * 100),
            Value::Ore(i.outcome_sek * 100),
            i.budgeted_participants.map_or(Value::Empty, |n| Value::Int(n as i64)),
            i.women.clone().into(),
            i.men.clone().into(),
            i.participants_total.clone().into(),
        ]);
    }
    (columns, rows)
}

/// The figures Försäkringskassan's Uppföljning Finsam asks for, for the association and year.
/// Participant counts are exact for the association's administrator (who reports them) and have
/// small counts hidden for everyone else.
#[utoipa::path(get, path = "/api/v1/years/{year}/uppfoljning-finsam", tag = "economy", params(("year" = i32, Path), ReportQuery),
    responses((status = 200, body = FinsamYear), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn uppfoljning_finsam(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Path(year): Path<i32>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format = format_of(&q.format)?;
    let a = association_of(&p, q.association_id)?;
    let f = economy::uppfoljning_finsam(&state.db, &p, a, year).await?;
    if let Some(fmt) = format {
        let (columns, rows) = finsam_sheet(&f);
        return Ok(spreadsheet(
            fmt,
            &format!("uppfoljning-finsam-{year}"),
            &format!("Uppföljning Finsam {year}"),
            columns,
            &rows,
        ));
    }
    Ok(Json(f).into_response())
}

#[utoipa::path(get, path = "/api/v1/economy-settings", tag = "economy", params(AssociationQuery),
    responses((status = 200, body = EconomySettings)))]
pub async fn get_settings(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Json<EconomySettings>, ApiError> {
    let a = association_of(&p, q.association_id)?;
    Ok(Json(economy::settings(&state.db, &p, a).await?))
}

/// The tail for final costs and the amount above which a claim needs evidence.
#[utoipa::path(put, path = "/api/v1/economy-settings", tag = "economy", params(AssociationQuery),
    request_body = EconomySettings,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<AssociationQuery>,
    ApiJson(body): ApiJson<EconomySettings>,
) -> Result<StatusCode, ApiError> {
    let a = association_of(&p, q.association_id)?;
    economy::save_settings(&state.db, &p, a, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct RequisitionListQuery {
    pub association_id: Option<i64>,
    /// Only claims for costs in this year.
    pub year: Option<i32>,
    /// Only claims in this status.
    pub status: Option<RequisitionStatus>,
    /// The next page: claims older than this id (`next_before` of the previous page).
    pub before: Option<i64>,
    /// Claims per page, at most 200.
    pub limit: Option<i64>,
    /// csv or xlsx: every matching claim as one spreadsheet, streamed.
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssociationRequisitionDto {
    pub id: i64,
    pub intervention_id: i64,
    pub intervention: String,
    pub owner: String,
    pub year: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub amount_sek: i64,
    pub amount_ore: i64,
    pub status: RequisitionStatus,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct AssociationRequisitions {
    pub items: Vec<AssociationRequisitionDto>,
    pub total: i64,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<i64>,
}

pub fn requisition_columns() -> Vec<Column> {
    vec![
        Column::new("Nummer", Kind::Integer),
        Column::new("Insats", Kind::Text),
        Column::new("Insatsägare", Kind::Text),
        Column::new("År", Kind::Integer),
        Column::new("Från", Kind::Date),
        Column::new("Till", Kind::Date),
        Column::new("Belopp", Kind::Kronor),
        Column::new("Status", Kind::Text),
        Column::new("Inlämnad", Kind::Date),
    ]
}

pub fn requisition_values(r: &crate::storage::economy::AssociationRequisition) -> Vec<Value> {
    vec![
        Value::Int(r.id),
        r.intervention_name.clone().into(),
        r.owner_name.clone().into(),
        Value::Int(r.year as i64),
        Value::Date(r.period_from),
        Value::Date(r.period_to),
        Value::Ore(r.amount_ore),
        RequisitionStatus::parse(&r.status).map(RequisitionStatus::label).unwrap_or("").into(),
        Value::Date(crate::domain::time::local_date(r.submitted_at)),
    ]
}

/// The association's requisitions across its interventions, newest first, for the office, the
/// board and the auditors; with `format` every matching claim as a spreadsheet, read from the
/// database page by page and streamed, so that no size of list fills the memory.
#[utoipa::path(get, path = "/api/v1/requisitions", tag = "economy", params(RequisitionListQuery),
    responses((status = 200, body = AssociationRequisitions), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn association_requisitions(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<RequisitionListQuery>,
) -> Result<Response, ApiError> {
    let format = format_of(&q.format)?;
    let a = association_of(&p, q.association_id)?;
    let status = q.status.map(RequisitionStatus::code);
    let query = crate::storage::economy::RequisitionQuery {
        association_id: a,
        year: q.year,
        status,
        from_id: q.before,
        ascending: false,
        limit: crate::storage::Page::new(q.limit, None).limit,
    };
    if let Some(format) = format {
        let export = RequisitionExport { year: q.year, status: q.status };
        return Ok(stream_requisitions(state, p, a, export, format).await?);
    }
    let (rows, total) = requisitions::association_list(&state.db, &p, &query).await?;
    let next_before = (rows.len() as i64 == query.limit).then(|| rows.last().map(|r| r.id)).flatten();
    Ok(Json(AssociationRequisitions {
        items: rows
            .into_iter()
            .map(|r| AssociationRequisitionDto {
                id: r.id,
                intervention_id: r.intervention_id,
                intervention: r.intervention_name,
                owner: r.owner_name,
                year: r.year,
                period_from: r.period_from,
                period_to: r.period_to,
                amount_sek: Money::from_ore(r.amount_ore).kronor_rounded(),
                amount_ore: r.amount_ore,
                status: RequisitionStatus::parse(&r.status).unwrap_or(RequisitionStatus::Rejected),
                submitted_at: r.submitted_at,
            })
            .collect(),
        total,
        next_before,
    })
    .into_response())
}

/// The filter of a requisition export.
#[derive(Clone, Copy)]
pub struct RequisitionExport {
    pub year: Option<i32>,
    pub status: Option<RequisitionStatus>,
}

/// Rows read per round trip while an export streams.
const EXPORT_BATCH: i64 = 1000;

/// Every matching requisition as a spreadsheet, read a thousand at a time by id.
pub async fn stream_requisitions(
    state: AppState,
    p: crate::service::principal::Principal,
    association_id: i64,
    export: RequisitionExport,
    format: Format,
) -> Result<Response, crate::service::ServiceError> {
    let name = match export.year {
        Some(y) => format!("rekvisitioner-{y}"),
        None => "rekvisitioner".to_string(),
    };
    stream_sheet(format, "Rekvisitioner", &name, requisition_columns(), move |after: Option<i64>| {
        let (state, p) = (state.clone(), p.clone());
        async move {
            let query = crate::storage::economy::RequisitionQuery {
                association_id,
                year: export.year,
                status: export.status.map(RequisitionStatus::code),
                from_id: after,
                ascending: true,
                limit: EXPORT_BATCH,
            };
            let rows = requisitions::association_page(&state.db, &p, &query).await?;
            let next = if rows.len() as i64 == EXPORT_BATCH { rows.last().map(|r| r.id) } else { None };
            Ok((rows.iter().map(requisition_values).collect(), next))
        }
    })
    .await
}
