//! Requisitions in the browser: the intervention's claims with granted, claimed, approved, paid
//! and remaining per year, the owner's claim form with its evidence, and each claim's page where
//! the office reviews, the director attests and payment is recorded.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::{render, Fields, FormErrors, Layout, NoticeQuery};
use crate::domain::economy::{cost_kind_label, RequisitionStatus, ReviewAction, COST_KINDS};
use crate::domain::money::Money;
use crate::domain::time::format_local;
use crate::http::api::applications::file_response;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::principal::Principal;
use crate::service::requisitions::{self as service, RequisitionInput, RequisitionRowInput, ReviewInput, Upload};
use crate::service::{FieldError, ServiceError};

/// Rows the claim form offers; empty rows are left out.
const FORM_ROWS: usize = 6;

fn kr(m: Money) -> String {
    format!("{} kr", m.format_number())
}

fn status_label(code: &str) -> &'static str {
    RequisitionStatus::parse(code).map(RequisitionStatus::label).unwrap_or("")
}

pub struct SummaryLine {
    pub year: String,
    pub granted: String,
    pub claimed: String,
    pub approved: String,
    pub paid: String,
    pub remaining: String,
}

pub struct ClaimLine {
    pub id: i64,
    pub period: String,
    pub amount: String,
    pub status: &'static str,
    pub submitted: String,
}

pub struct FormRow {
    pub n: usize,
    pub cost_kind: String,
    pub description: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "requisitions.html")]
struct ListPage {
    layout: Layout,
    id: i64,
    name: String,
    summaries: Vec<SummaryLine>,
    claims: Vec<ClaimLine>,
    can_claim: bool,
    cost_kinds: Vec<(&'static str, &'static str)>,
    period_from: String,
    period_to: String,
    rows: Vec<FormRow>,
    errors: FormErrors,
}

impl ListPage {
    fn kind_selected(&self, row: &FormRow, code: &&str) -> bool {
        row.cost_kind == *code
    }
}

/// What the claim form held, to show again with its errors.
#[derive(Default)]
struct Typed {
    period_from: String,
    period_to: String,
    rows: Vec<(String, String, String)>,
}

async fn list_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    typed: Typed,
    errors: Vec<FieldError>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let l = service::list(&state.db, p, id).await?;
    let rows = (0..FORM_ROWS)
        .map(|n| {
            let (cost_kind, description, amount) = typed.rows.get(n).cloned().unwrap_or_default();
            FormRow { n, cost_kind, description, amount }
        })
        .collect();
    let page = ListPage {
        layout: Layout::for_user(format!("Rekvisitioner för {}", l.intervention.name), p, "/insatser")
            .with_notice(notice),
        id,
        name: l.intervention.name.clone(),
        summaries: l
            .summaries
            .iter()
            .map(|s| SummaryLine {
                year: s.year.map(|y| y.to_string()).unwrap_or_else(|| "Hela insatsen".into()),
                granted: s.granted.map(kr).unwrap_or_else(|| "–".into()),
                claimed: kr(s.claimed),
                approved: kr(s.approved),
                paid: kr(s.paid),
                remaining: s.remaining.map(kr).unwrap_or_else(|| "–".into()),
            })
            .collect(),
        claims: l
            .requisitions
            .iter()
            .map(|r| ClaimLine {
                id: r.id,
                period: format!("{} – {}", r.period_from, r.period_to),
                amount: kr(Money::from_ore(r.amount_ore)),
                status: status_label(&r.status),
                submitted: format!("{}, {}", r.submitted_by_name, format_local(r.submitted_at)),
            })
            .collect(),
        can_claim: l.can_claim,
        cost_kinds: COST_KINDS.to_vec(),
        period_from: typed.period_from,
        period_to: typed.period_to,
        rows,
        errors: FormErrors::from_fields(&errors),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &p, id, Typed::default(), Vec::new(), q.message.as_deref()).await
}

/// The form's row `n` for the service's row index `i` (empty rows are not sent to the service).
fn input_name(field: &str, sent: &[usize]) -> String {
    if let Some(rest) = field.strip_prefix("rows[") {
        if let Some((i, last)) = rest.split_once("].") {
            let n = i.parse::<usize>().ok().and_then(|i| sent.get(i).copied()).unwrap_or(0);
            return format!("{last}_{n}");
        }
    }
    match field {
        "rows" => "amount_0".into(),
        f if f.starts_with("files") => "files".into(),
        f => f.to_string(),
    }
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let max = state.config.max_attachment_bytes;
    let mut fields = Vec::new();
    let mut uploads = Vec::new();
    let mut errors = Vec::new();
    let mut total = 0usize;
    while let Some(field) =
        multipart.next_field().await.map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "malformed_body"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or("underlag").to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                // Past the body limit the rest of the form cannot be read: say so beside the files.
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    errors.push(FieldError::new("files", "attachment_too_large"));
                    break;
                }
                Err(_) => return Err(PageError::new(StatusCode::BAD_REQUEST, "malformed_body")),
            };
            total += bytes.len();
            if bytes.len() > max || total > max {
                errors.push(FieldError::new("files", "attachment_too_large"));
            } else if !bytes.is_empty() {
                uploads.push(Upload { filename, bytes: bytes.to_vec() });
            }
        } else {
            let text = field.text().await.map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "malformed_body"))?;
            fields.push((name, text));
        }
    }
    let f = Fields(fields);
    let period_from = f.date("period_from", &mut errors);
    let period_to = f.date("period_to", &mut errors);
    for (name, d) in [("period_from", period_from), ("period_to", period_to)] {
        if d.is_none() && !errors.iter().any(|e| e.field == name) {
            errors.push(FieldError::new(name, "required"));
        }
    }
    let typed_rows: Vec<(String, String, String)> = (0..FORM_ROWS)
        .map(|n| (f.get(&format!("cost_kind_{n}")), f.get(&format!("description_{n}")), f.get(&format!("amount_{n}"))))
        .collect();
    // A row counts when anything but its kind is filled in.
    let sent: Vec<usize> =
        (0..FORM_ROWS).filter(|n| !typed_rows[*n].1.is_empty() || !typed_rows[*n].2.is_empty()).collect();
    let rows: Vec<RequisitionRowInput> = sent
        .iter()
        .map(|n| {
            let (cost_kind, description, amount) = typed_rows[*n].clone();
            RequisitionRowInput { cost_kind, description, amount }
        })
        .collect();
    let typed = Typed { period_from: f.get("period_from"), period_to: f.get("period_to"), rows: typed_rows };
    if errors.is_empty() {
        let input = RequisitionInput {
            period_from: period_from.unwrap_or(NaiveDate::MIN),
            period_to: period_to.unwrap_or(NaiveDate::MIN),
            rows,
        };
        match service::create(&state.db, &p, id, &input, &uploads).await {
            Ok(rid) => {
                return Ok(Redirect::to(&format!(
                    "/insatser/{id}/rekvisitioner/{rid}?meddelande=requisition_submitted"
                ))
                .into_response())
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(ServiceError::Denied(code)) | Err(ServiceError::Conflict(code)) => {
                errors = vec![FieldError::new("period_from", code)]
            }
            Err(e) => return Err(e.into()),
        }
    }
    let errors = errors.into_iter().map(|e| FieldError { field: input_name(&e.field, &sent), code: e.code }).collect();
    list_page(&state, &p, id, typed, errors, None).await
}

pub struct Action {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "requisition.html")]
struct RequisitionPage {
    layout: Layout,
    id: i64,
    rid: i64,
    name: String,
    period: String,
    amount: String,
    status: &'static str,
    submitted: String,
    steps: Vec<(&'static str, String)>,
    reject_reason: Option<String>,
    rows: Vec<(String, String, String)>,
    attachments: Vec<(i64, String, String)>,
    actions: Vec<Action>,
    reason: String,
    paid_on: String,
    errors: FormErrors,
}

impl RequisitionPage {
    fn has(&self, code: &str) -> bool {
        self.actions.iter().any(|a| a.code == code)
    }
}

fn action_of(a: ReviewAction) -> Action {
    match a {
        ReviewAction::Review => Action { code: "review", label: "Godkänn granskningen" },
        ReviewAction::Attest => Action { code: "attest", label: "Attestera" },
        ReviewAction::Pay => Action { code: "pay", label: "Registrera utbetalningen" },
        ReviewAction::Reject => Action { code: "reject", label: "Avvisa rekvisitionen" },
    }
}

/// A refused step shown again: its status, errors and what was typed.
struct Refused<'a> {
    status: StatusCode,
    errors: Vec<FieldError>,
    typed: &'a Fields,
}

async fn requisition_page(
    state: &AppState,
    p: &Principal,
    (id, rid): (i64, i64),
    refused: Option<Refused<'_>>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (status, errors, typed) = match refused {
        Some(r) => (r.status, r.errors, Some(r.typed)),
        None => (StatusCode::OK, Vec::new(), None),
    };
    let v = service::get(&state.db, p, id, rid).await?;
    let r = &v.row;
    let when = |t: Option<crate::domain::time::Timestamp>| t.map(format_local).unwrap_or_default();
    let mut steps = Vec::new();
    if r.reviewed_at.is_some() {
        steps.push(("Granskad", when(r.reviewed_at)));
    }
    if r.attested_at.is_some() {
        steps.push(("Attesterad", when(r.attested_at)));
    }
    if let Some(d) = r.paid_on {
        steps.push(("Utbetald", d.to_string()));
    }
    if r.rejected_at.is_some() {
        steps.push(("Avvisad", when(r.rejected_at)));
    }
    let page = RequisitionPage {
        layout: Layout::for_user(format!("Rekvisition {}", r.id), p, "/insatser").with_notice(notice),
        id,
        rid,
        name: v.intervention.name.clone(),
        period: format!("{} – {}", r.period_from, r.period_to),
        amount: kr(Money::from_ore(r.amount_ore)),
        status: status_label(&r.status),
        submitted: format!("{}, {}", r.submitted_by_name, format_local(r.submitted_at)),
        steps,
        reject_reason: r.reject_reason.clone(),
        rows: v
            .rows
            .iter()
            .map(|(kind, description, ore)| {
                (cost_kind_label(kind).to_string(), description.clone(), kr(Money::from_ore(*ore)))
            })
            .collect(),
        attachments: v
            .attachments
            .iter()
            .map(|a| (a.id, a.filename.clone(), format!("{} kB", (a.size_bytes + 1023) / 1024)))
            .collect(),
        actions: v.actions.iter().copied().map(action_of).collect(),
        reason: typed.map(|f| f.get("reason")).unwrap_or_default(),
        paid_on: typed.map(|f| f.get("paid_on")).unwrap_or_default(),
        errors: FormErrors::from_fields(&errors),
    };
    Ok(render(status, &page))
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, rid)): Path<(i64, i64)>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<Response, PageError> {
    requisition_page(&state, &p, (id, rid), None, q.message.as_deref()).await
}

pub async fn review(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, rid)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let action = match f.get("action").as_str() {
        "review" => ReviewAction::Review,
        "attest" => ReviewAction::Attest,
        "pay" => ReviewAction::Pay,
        "reject" => ReviewAction::Reject,
        _ => return Err(PageError::not_found()),
    };
    let paid_on = f.date("paid_on", &mut errors);
    if errors.is_empty() {
        let input = ReviewInput { action, reason: f.opt("reason"), paid_on };
        match service::review(&state.db, &p, id, rid, &input).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/insatser/{id}/rekvisitioner/{rid}?meddelande=requisition_reviewed"))
                    .into_response())
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(ServiceError::Denied(code)) | Err(ServiceError::Conflict(code)) => {
                let errors = vec![FieldError::new("actions", code)];
                let refused = Refused { status: StatusCode::CONFLICT, errors, typed: &f };
                return requisition_page(&state, &p, (id, rid), Some(refused), None).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let refused = Refused { status: StatusCode::UNPROCESSABLE_ENTITY, errors, typed: &f };
    requisition_page(&state, &p, (id, rid), Some(refused), None).await
}

pub async fn attachment(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, rid, aid)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    let (meta, bytes) = service::attachment(&state.db, &p, id, rid, aid).await?;
    Ok(file_response(&meta.filename, &meta.content_type, bytes))
}
