//! The office's preparation of a received application and its decision proposal; the board
//! reads the proposal here.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;

use super::application_form::FormValues;
use super::{render, FormErrors, Layout, NoticeQuery};
use crate::domain::money::Money;
use crate::domain::proposal::{proposal_text, Checklist, GrantFacts, ProposalContent, Recommendation};
use crate::domain::time::format_local;
use crate::http::api::applications::file_response;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::preparations::{self as service, PreparationInput, PreparationView};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};

const CRITERIA: [(&str, &str); 7] = [
    ("in_line_with_direction", "Målgrupp och insats ligger i linje med styrelsens inriktning"),
    ("measurable_goals", "Mätbara mål och resultat i linje med inriktningen"),
    ("lokus_discussed", "Diskuterad i LOKUS-gruppen"),
    ("follow_up_planned", "Uppföljning och utvärdering planerad"),
    ("implementation_described", "Implementering i ordinarie verksamhet beskriven"),
    ("own_financing_stated", "Egenfinansiering framgår"),
    ("conditions_answered", "Vid förlängning: varje villkor i det tidigare beslutet är besvarat"),
];

#[derive(Template)]
#[template(path = "preparation.html")]
struct PreparationPage {
    layout: Layout,
    id: i64,
    name: String,
    registration_number: Option<String>,
    can_edit: bool,
    lock_version: i64,
    f: FormValues,
    errors: FormErrors,
    officers: Vec<(i64, String)>,
    criteria: Vec<(&'static str, &'static str)>,
    clause_rows: Vec<usize>,
    document_html: String,
    edits: Vec<(String, String)>,
    /// (meeting id, "§ 3, 10 mars 2026", outcome).
    decisions: Vec<(i64, String, &'static str)>,
}

impl PreparationPage {
    fn value(&self, key: impl AsRef<str>) -> &str {
        self.f.get(key.as_ref())
    }

    fn is(&self, key: impl AsRef<str>, value: impl AsRef<str>) -> bool {
        self.f.get(key.as_ref()) == value.as_ref()
    }

    fn key(&self, i: &usize) -> String {
        format!("clause_{i}")
    }

    fn clause_label(&self, i: &usize) -> String {
        format!("Att-sats {}", i + 1)
    }
}

fn yes(v: bool) -> &'static str {
    if v {
        "ja"
    } else {
        ""
    }
}

fn values_of(v: &PreparationView) -> FormValues {
    let mut f = FormValues::default();
    f.set("officer_user_id", v.officer_user_id.map(|o| o.to_string()).unwrap_or_default());
    let c = &v.checklist;
    for (key, value) in [
        ("in_line_with_direction", c.in_line_with_direction),
        ("measurable_goals", c.measurable_goals),
        ("lokus_discussed", c.lokus_discussed),
        ("follow_up_planned", c.follow_up_planned),
        ("implementation_described", c.implementation_described),
        ("own_financing_stated", c.own_financing_stated),
        ("conditions_answered", c.conditions_answered),
    ] {
        f.set(key, yes(value));
    }
    f.set("lokus_kommun", &c.lokus_kommun);
    f.set("lokus_date", c.lokus_date.map(|d| d.to_string()).unwrap_or_default());
    f.set("notes", &v.notes);
    f.set("recommendation", "grant");
    if let Some(g) = service::requested_grant(&v.application) {
        f.set("start_date", g.start.to_string());
        f.set("end_date", g.end.to_string());
        f.set("maximum", g.maximum.format_number());
    }
    let p = &v.proposal;
    f.set("heading", &p.heading);
    f.set("intro", &p.intro);
    for (i, c) in p.clauses.iter().enumerate() {
        f.set(format!("clause_{i}"), c);
    }
    f.set("case_text", &p.case_text);
    f.set("assessment", &p.assessment);
    f.set("signer_name", &p.signer_name);
    f.set("signer_title", &p.signer_title);
    f
}

fn checklist_of(f: &FormValues, errors: &mut Vec<FieldError>) -> Checklist {
    let lokus_date = match f.get("lokus_date").trim() {
        "" => None,
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new("lokus_date", "date_invalid_format")))
            .ok(),
    };
    Checklist {
        in_line_with_direction: f.checked("in_line_with_direction"),
        measurable_goals: f.checked("measurable_goals"),
        lokus_discussed: f.checked("lokus_discussed"),
        lokus_kommun: f.get("lokus_kommun").trim().to_string(),
        lokus_date,
        follow_up_planned: f.checked("follow_up_planned"),
        implementation_described: f.checked("implementation_described"),
        own_financing_stated: f.checked("own_financing_stated"),
        conditions_answered: f.checked("conditions_answered"),
    }
}

fn proposal_of(f: &FormValues) -> ProposalContent {
    ProposalContent {
        heading: f.get("heading").trim().to_string(),
        intro: f.get("intro").trim().to_string(),
        clauses: (0..)
            .map_while(|i| f.get_opt(&format!("clause_{i}")))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        case_text: f.get("case_text").trim().to_string(),
        assessment: f.get("assessment").trim().to_string(),
        signer_name: f.get("signer_name").trim().to_string(),
        signer_title: f.get("signer_title").trim().to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    p: &Principal,
    v: &PreparationView,
    status: StatusCode,
    f: FormValues,
    errors: FormErrors,
    lock_version: i64,
    extra_clause: bool,
    notice: Option<&str>,
) -> Response {
    let shown = (0..).take_while(|i| f.get_opt(&format!("clause_{i}")).is_some()).count();
    let rows = shown.max(1) + usize::from(extra_clause);
    render(
        status,
        &PreparationPage {
            layout: Layout::for_user(format!("Beredning av {}", v.application.content.name), p, "/ansokningar")
                .with_notice(notice),
            id: v.application.row.id,
            name: v.application.content.name.clone(),
            registration_number: v.application.row.registration_number.clone(),
            can_edit: v.can_edit,
            lock_version,
            f,
            errors,
            officers: v.officers.clone(),
            criteria: CRITERIA.to_vec(),
            clause_rows: (0..rows).collect(),
            document_html: crate::documents::proposal_body_html(&v.proposal),
            edits: v.edits.iter().map(|(who, at)| (who.clone(), format_local(*at))).collect(),
            decisions: v
                .decisions
                .iter()
                .map(|(meeting, date, section, outcome)| {
                    (
                        *meeting,
                        format!(
                            "{}, {}",
                            crate::domain::meeting::section_label(*section),
                            crate::domain::time::long_date(*date)
                        ),
                        outcome.label(),
                    )
                })
                .collect(),
        },
    )
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let f = values_of(&v);
    Ok(page(&p, &v, StatusCode::OK, f, FormErrors::default(), v.lock_version, false, q.message.as_deref()))
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut f = FormValues::from_pairs(pairs);
    let v = service::get(&state.db, &p, id).await?;
    if !v.can_edit {
        return Err(PageError::new(StatusCode::FORBIDDEN, "forbidden"));
    }
    let lock_version = f.get("lock_version").parse::<i64>().unwrap_or(-1);
    let mut errors = Vec::new();
    let checklist = checklist_of(&f, &mut errors);
    let action = f.get("action").to_string();
    if action == "draft" {
        // Draft from the facts typed; show the result for editing, save nothing yet.
        let date = |key: &str, errors: &mut Vec<FieldError>| {
            NaiveDate::parse_from_str(f.get(key).trim(), "%Y-%m-%d")
                .map_err(|_| errors.push(FieldError::new(key, "date_invalid_format")))
                .ok()
        };
        let start = date("start_date", &mut errors);
        let end = date("end_date", &mut errors);
        let maximum = match f.get("maximum").trim() {
            "" => service::requested_grant(&v.application).map(|g| g.maximum).unwrap_or_default(),
            m => Money::parse(m)
                .map_err(|_| errors.push(FieldError::new("maximum", "amount_invalid")))
                .unwrap_or_default(),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if s >= e {
                errors.push(FieldError::new("end_date", "end_before_start"));
            }
        }
        if errors.is_empty() {
            let recommendation = match f.get("recommendation") {
                "reject" => Recommendation::Reject,
                "refer_back" => Recommendation::ReferBack,
                _ => Recommendation::Grant,
            };
            let grant = GrantFacts {
                intervention: v.application.content.name.clone(),
                owner: v.application.member_name(v.application.content.owner.member_id),
                start: start.expect("checked"),
                end: end.expect("checked"),
                maximum,
                option_to_extend: f.checked("option_to_extend"),
            };
            let library = service::library_of(&state.db, &p, v.application.row.association_id).await?;
            let signer = (f.get("signer_name").to_string(), f.get("signer_title").to_string());
            match service::draft(
                &v.application,
                &checklist,
                &library,
                recommendation,
                &grant,
                f.checked("extension_requirements"),
                (&signer.0, &signer.1),
            ) {
                Ok(draft) => {
                    for i in 0.. {
                        if f.get_opt(&format!("clause_{i}")).is_none() {
                            break;
                        }
                        f.set(format!("clause_{i}"), "");
                    }
                    f.set("heading", &draft.heading);
                    f.set("intro", &draft.intro);
                    for (i, c) in draft.clauses.iter().enumerate() {
                        f.set(format!("clause_{i}"), c);
                    }
                    f.set("case_text", &draft.case_text);
                    f.set("assessment", &draft.assessment);
                }
                Err(_) => errors.push(FieldError::new("recommendation", "clause_template_invalid")),
            }
        }
        let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        return Ok(page(&p, &v, status, f, FormErrors::from_fields(&errors), lock_version, false, None));
    }
    if !errors.is_empty() {
        return Ok(page(
            &p,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            FormErrors::from_fields(&errors),
            lock_version,
            false,
            None,
        ));
    }
    let input = PreparationInput {
        officer_user_id: f.get("officer_user_id").trim().parse().ok(),
        checklist,
        notes: f.get("notes").trim().to_string(),
        proposal: proposal_of(&f),
    };
    match service::save(&state.db, &p, id, lock_version, input).await {
        Ok(()) => {
            if action == "add_clause" {
                let saved = service::get(&state.db, &p, id).await?;
                let f = values_of(&saved);
                Ok(page(&p, &saved, StatusCode::OK, f, FormErrors::default(), saved.lock_version, true, None))
            } else {
                Ok(Redirect::to(&format!("/ansokningar/{id}/beredning?meddelande=preparation_saved")).into_response())
            }
        }
        Err(ServiceError::Invalid(fields)) => Ok(page(
            &p,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            f,
            FormErrors::from_fields(&fields),
            lock_version,
            false,
            None,
        )),
        Err(ServiceError::Conflict(code)) => {
            let fields = [FieldError::new("heading", code)];
            Ok(page(&p, &v, StatusCode::CONFLICT, f, FormErrors::from_fields(&fields), v.lock_version, false, None))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn pdf(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    let proposal = v.proposal.clone();
    let bytes = crate::documents::typeset(move || crate::documents::proposal_pdf(&proposal))
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))?;
    Ok(file_response(&format!("{} - Forslag till beslut.pdf", v.proposal.heading), "application/pdf", bytes))
}

pub async fn text(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = service::get(&state.db, &p, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], proposal_text(&v.proposal)).into_response())
}
