//! The participant register in the browser: the case worker's list with due dates and quick
//! registration of the next step, a participant's page, the import, the goals and figures of an
//! intervention, and the association's figures.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::{render, Fields, FormErrors, Layout};
use crate::domain::follow_up::{GoalRule, ShownGoalResult};
use crate::domain::participant::{CodeList, Occasion, Sex, StepKind};
use crate::domain::party::PartyKind;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::follow_up::{self, Period, Statistics};
use crate::service::participant_import::{self, ImportReport, COLUMNS};
use crate::service::participants::{self as service, ExitInput, MeasurementInput, Registration, StepInput};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};
use crate::storage::Page;

/// A form's fields, repeated names kept (several income sources).
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn choices(list: &[(String, String)]) -> Vec<Choice> {
    list.iter().map(|(v, l)| Choice { value: v.clone(), label: l.clone() }).collect()
}

/// The choices of the register's forms: code lists, kommuner, members, parts, triage.
struct Lists {
    education: Vec<Choice>,
    income: Vec<Choice>,
    occupation: Vec<Choice>,
    support_time: Vec<Choice>,
    exit_reason: Vec<Choice>,
    kommuner: Vec<Choice>,
    members: Vec<Choice>,
    parts: Vec<Choice>,
    triage: Vec<Choice>,
    steps: Vec<Choice>,
    sexes: Vec<Choice>,
    instruments: Vec<InstrumentChoice>,
}

pub struct InstrumentChoice {
    pub code: String,
    pub name: String,
    pub dimensions: Vec<(String, String, i32, i32)>,
}

async fn lists(state: &AppState, p: &Principal, v: &follow_up::FollowUpView) -> Result<Lists, PageError> {
    let association_id = v.row.association_id;
    let code_lists = follow_up::code_lists(&state.db, p, association_id).await?;
    let list = |l: CodeList| -> Vec<Choice> {
        code_lists
            .iter()
            .find(|(x, _)| *x == l)
            .map(|(_, codes)| codes.iter().map(|c| Choice { value: c.code.clone(), label: c.label.clone() }).collect())
            .unwrap_or_default()
    };
    let members = crate::service::members::list(&state.db, p, association_id).await?;
    let (_, instruments) = follow_up::association_settings(&state.db, p, association_id).await?;
    Ok(Lists {
        education: list(CodeList::Education),
        income: list(CodeList::IncomeSource),
        occupation: list(CodeList::Occupation),
        support_time: list(CodeList::SupportTime),
        exit_reason: list(CodeList::ExitReason),
        kommuner: members
            .iter()
            .filter(|m| m.member.party_kind == PartyKind::Kommun)
            .map(|m| Choice { value: m.member.id.to_string(), label: m.member.name.clone() })
            .collect(),
        members: members
            .iter()
            .map(|m| Choice { value: m.member.id.to_string(), label: m.member.name.clone() })
            .collect(),
        parts: choices(&v.settings.parts.iter().map(|x| (x.code.clone(), x.label.clone())).collect::<Vec<_>>()),
        triage: choices(&v.settings.triage.iter().map(|x| (x.code.clone(), x.label.clone())).collect::<Vec<_>>()),
        steps: StepKind::ALL.iter().map(|s| Choice { value: s.code().into(), label: s.label().into() }).collect(),
        sexes: Sex::ALL.iter().map(|s| Choice { value: s.code().into(), label: s.label().into() }).collect(),
        instruments: instruments
            .into_iter()
            .map(|i| InstrumentChoice {
                code: i.code,
                name: i.name,
                dimensions: i.dimensions.into_iter().map(|d| (d.code, d.label, d.min, d.max)).collect(),
            })
            .collect(),
    })
}

fn label_of(list: &[Choice], value: &str) -> String {
    list.iter().find(|c| c.value == value).map(|c| c.label.clone()).unwrap_or_else(|| value.to_string())
}

/// What a refused form showed: the values as typed and the errors, for the form they belong to.
struct Retry {
    values: Fields,
    errors: Vec<FieldError>,
    step_errors: Vec<FieldError>,
}

impl Retry {
    fn none() -> Retry {
        Retry { values: Fields(Vec::new()), errors: Vec::new(), step_errors: Vec::new() }
    }
}

/// How many due steps a page lists, the most urgent first.
pub const DUE_SHOWN: usize = 50;

pub struct ListLine {
    pub id: i64,
    pub who: String,
    pub sex: &'static str,
    pub part: String,
    pub triage: String,
    pub enrolled_on: String,
    pub status: String,
}

pub struct DueLine {
    pub participation_id: i64,
    pub intervention_id: i64,
    pub intervention_name: String,
    pub who: String,
    pub what: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "participants.html")]
struct RegisterPage {
    layout: Layout,
    id: i64,
    name: String,
    lines: Vec<ListLine>,
    total: i64,
    show_all: bool,
    due: Vec<DueLine>,
    due_total: usize,
    open: Vec<Choice>,
    lists: Lists,
    values: Fields,
    errors: FormErrors,
    step_errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    alla: String,
    #[serde(rename = "meddelande")]
    message: Option<String>,
}

fn who(number: &Option<String>, name: &Option<String>, id: i64) -> String {
    match (name, number) {
        (Some(n), Some(p)) => format!("{n} ({p})"),
        (None, Some(p)) => p.clone(),
        (Some(n), None) => n.clone(),
        (None, None) => format!("Anonym deltagare {id}"),
    }
}

async fn register_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    show_all: bool,
    status: StatusCode,
    retry: Retry,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let Retry { values, errors, step_errors } = retry;
    let key = &state.config.participant_key;
    let (items, total) = service::list(&state.db, p, key, id, !show_all, Page::new(Some(200), None)).await?;
    let v = follow_up::get(&state.db, p, id).await?;
    let lists = lists(state, p, &v).await?;
    let (due, due_total) = service::due(&state.db, p, key, Some(id), 14, DUE_SHOWN).await?;
    let due = due.into_iter().map(|d| due_line(d, &items)).collect();
    let open = items
        .iter()
        .filter(|i| i.row.exited_on.is_none())
        .map(|i| Choice { value: i.row.id.to_string(), label: who(&i.personal_number, &i.name, i.row.id) })
        .collect();
    let lines = items
        .iter()
        .map(|i| ListLine {
            id: i.row.id,
            who: who(&i.personal_number, &i.name, i.row.id),
            sex: Sex::parse(&i.row.sex).map(Sex::label).unwrap_or(""),
            part: i.row.part.as_deref().map(|x| label_of(&lists.parts, x)).unwrap_or_default(),
            triage: i.row.triage.as_deref().map(|x| label_of(&lists.triage, x)).unwrap_or_default(),
            enrolled_on: i.row.enrolled_on.to_string(),
            status: match (i.row.exited_on, i.row.voided) {
                (_, true) => "Felregistrering".into(),
                (Some(d), false) => format!("Avslutad {d}"),
                (None, false) => "Pågående".into(),
            },
        })
        .collect();
    Ok(render(
        status,
        &RegisterPage {
            layout: Layout::for_user(format!("Deltagare i {}", v.row.name), p, "/insatser").with_notice(notice),
            id,
            name: v.row.name,
            lines,
            total,
            show_all,
            due,
            due_total,
            open,
            lists,
            values,
            errors: FormErrors::from_fields(&errors),
            step_errors: FormErrors::from_fields(&step_errors),
        },
    ))
}

fn due_line(d: service::DueItem, items: &[service::ListItem]) -> DueLine {
    let shown = items
        .iter()
        .find(|i| i.row.id == d.participation_id)
        .map(|i| who(&i.personal_number, &i.name, i.row.id))
        .unwrap_or_else(|| who(&None, &d.name, d.participation_id));
    DueLine {
        participation_id: d.participation_id,
        intervention_id: d.intervention_id,
        intervention_name: d.intervention_name,
        who: shown,
        what: d.what,
        due: d.due.to_string(),
        overdue: d.overdue,
    }
}

pub async fn register_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    register_page(&state, &p, id, !q.alla.is_empty(), StatusCode::OK, Retry::none(), q.message.as_deref()).await
}

fn registration_of(f: &Fields, errors: &mut Vec<FieldError>) -> Registration {
    let mode = f.get("mode");
    Registration {
        identified: mode == "identified",
        protected_identity: mode == "protected",
        personal_number: f.opt("personal_number"),
        name: f.opt("name"),
        consent_date: f.date("consent_date", errors),
        consent_scope: f.opt("consent_scope"),
        consent_version: None,
        sex: f.opt("sex"),
        enrolled_on: f.date("enrolled_on", errors),
        home_member_id: f.number("home_member_id", errors),
        education: f.opt("education"),
        occupation_before: f.opt("occupation_before"),
        support_time: f.opt("support_time"),
        income_before: f.all("income_before"),
        extent_percent: f.number("extent_percent", errors),
        part: f.opt("part"),
        remitted_by_member_id: f.number("remitted_by_member_id", errors),
        remitted_on: f.date("remitted_on", errors),
        first_visit_on: f.date("first_visit_on", errors),
        triage: f.opt("triage"),
    }
}

pub async fn register(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let r = registration_of(&f, &mut errors);
    if errors.is_empty() {
        match service::register(&state.db, &p, &state.config.participant_key, id, &r).await {
            Ok(pid) => {
                return Ok(Redirect::to(&format!("/insatser/{id}/deltagare/{pid}?meddelande=participant_registered"))
                    .into_response())
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(ServiceError::Conflict(code)) => errors = vec![FieldError::new("personal_number", code)],
            Err(e) => return Err(e.into()),
        }
    }
    let retry = Retry { values: f, errors, step_errors: Vec::new() };
    register_page(&state, &p, id, false, StatusCode::UNPROCESSABLE_ENTITY, retry, None).await
}

fn step_of(f: &Fields, errors: &mut Vec<FieldError>) -> StepInput {
    StepInput {
        kind: f.get("kind"),
        occurred_on: f.date("occurred_on", errors),
        triage: f.opt("triage"),
        summary: f.opt("summary"),
        goals: f.opt("goals"),
        actor: f.opt("actor"),
        confirmed: Some(f.get("confirmed") == "yes"),
        activity_kind: f.opt("activity_kind"),
        provider: f.opt("provider"),
        hours_per_week: f.number("hours_per_week", errors),
    }
}

/// The quick registration of a step from the list.
pub async fn quick_step(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    // The quick form's fields carry a prefix so that their ids differ from the registration form's.
    let shown = Fields::parse(&body);
    let f = Fields(shown.0.iter().map(|(k, v)| (k.strip_prefix("q_").unwrap_or(k).to_string(), v.clone())).collect());
    let mut errors = Vec::new();
    let pid: Option<i64> = f.number("participation_id", &mut errors);
    let s = step_of(&f, &mut errors);
    match pid {
        None => errors.push(FieldError::new("participation_id", "required")),
        Some(pid) if errors.is_empty() => match service::add_step(&state.db, &p, id, pid, &s).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/insatser/{id}/deltagare?meddelande=step_registered")).into_response())
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(ServiceError::Conflict(code)) => errors = vec![FieldError::new("kind", code)],
            Err(e) => return Err(e.into()),
        },
        Some(_) => {}
    }
    let errors = errors.into_iter().map(|e| FieldError::new(format!("q_{}", e.field), e.code)).collect();
    let retry = Retry { values: shown, errors: Vec::new(), step_errors: errors };
    register_page(&state, &p, id, false, StatusCode::UNPROCESSABLE_ENTITY, retry, None).await
}

pub struct StepLine {
    pub date: String,
    pub kind: String,
    pub details: String,
    pub by: String,
}

pub struct MeasurementLine {
    pub date: String,
    pub instrument: String,
    pub occasion: &'static str,
    pub scores: String,
}

#[derive(Template)]
#[template(path = "participant.html")]
struct ParticipantPage {
    layout: Layout,
    id: i64,
    pid: i64,
    intervention: String,
    title: String,
    facts: Vec<(&'static str, String)>,
    revealed: bool,
    identified: bool,
    open: bool,
    steps: Vec<StepLine>,
    measurements: Vec<MeasurementLine>,
    due: Vec<(String, String)>,
    others: Vec<(i64, String)>,
    lists: Lists,
    values: Fields,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
pub struct ParticipantQuery {
    #[serde(default)]
    visa: String,
    #[serde(rename = "meddelande")]
    message: Option<String>,
}

async fn participant_page(
    state: &AppState,
    p: &Principal,
    (id, pid): (i64, i64),
    reveal: bool,
    status: StatusCode,
    retry: Retry,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let Retry { values, errors, .. } = retry;
    let v = service::get(&state.db, p, &state.config.participant_key, id, pid, reveal).await?;
    let f = follow_up::get(&state.db, p, id).await?;
    let lists = lists(state, p, &f).await?;
    let r = &v.row;
    let code =
        |list: &[Choice], c: &Option<String>| c.as_deref().map(|x| label_of(list, x)).unwrap_or_else(|| "–".into());
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "–".into());
    let mut facts = vec![(
        "Registrering",
        if r.identified {
            "Identifierad, med samtycke".to_string()
        } else if r.protected_identity {
            "Anonym (skyddade personuppgifter)".into()
        } else {
            "Anonym".into()
        },
    )];
    if let Some(n) = &v.personal_number {
        facts.push(("Personnummer", n.clone()));
    }
    if let Some(n) = &v.name {
        facts.push(("Namn", n.clone()));
    }
    if r.identified {
        facts.push(("Samtycke", format!("{} – {}", date(r.consent_date), r.consent_scope.clone().unwrap_or_default())));
        facts.push(("Samtyckestext", r.consent_version.clone().unwrap_or_default()));
        facts.push(("Samtycke registrerat av", r.consent_recorded_by_name.clone().unwrap_or_default()));
    }
    if let Some(w) = r.consent_withdrawn_on {
        facts.push(("Samtycke återkallat", w.to_string()));
    }
    facts.push(("Kön", Sex::parse(&r.sex).map(|s| s.label().to_string()).unwrap_or_default()));
    if let Some(y) = r.birth_year {
        facts.push(("Födelseår", y.to_string()));
    }
    facts.push(("Startår", r.start_year.to_string()));
    if r.identified {
        facts.push(("Hemkommun", r.home_name.clone().unwrap_or_else(|| "–".into())));
        facts.push(("Högsta utbildning", code(&lists.education, &r.education)));
        facts.push(("Sysselsättning före", code(&lists.occupation, &r.occupation_before)));
        let income: Vec<String> = v.income_before.iter().map(|c| label_of(&lists.income, c)).collect();
        facts.push(("Försörjning före", if income.is_empty() { "–".into() } else { income.join(", ") }));
        facts.push(("Tid i offentlig försörjning", code(&lists.support_time, &r.support_time)));
        facts.push((
            "Omfattning arbete/studier före",
            r.extent_percent.map(|e| format!("{e} %")).unwrap_or_else(|| "–".into()),
        ));
    }
    facts.push(("Del av insatsen", code(&lists.parts, &r.part)));
    facts.push((
        "Remitterad av",
        format!(
            "{} {}",
            r.remitted_by_name.clone().unwrap_or_else(|| "–".into()),
            r.remitted_on.map(|d| d.to_string()).unwrap_or_default()
        ),
    ));
    facts.push(("Inskriven", r.enrolled_on.to_string()));
    facts.push(("Första besök", date(r.first_visit_on)));
    facts.push(("Triage", code(&lists.triage, &r.triage)));
    if let Some(e) = r.exited_on {
        facts.push(("Avslutad", e.to_string()));
        facts.push(("Avslutsanledning", code(&lists.exit_reason, &r.exit_reason)));
        if !r.voided {
            facts.push(("Sysselsättning efter", code(&lists.occupation, &r.occupation_after)));
            let income: Vec<String> = v.income_after.iter().map(|c| label_of(&lists.income, c)).collect();
            facts.push(("Försörjning efter", income.join(", ")));
            facts.push((
                "Förankrad fortsatt planering",
                match r.anchored_plan {
                    Some(true) => format!("Ja, {}", r.receiving_actor.clone().unwrap_or_default()),
                    _ => "Nej".into(),
                },
            ));
        }
    }
    let steps = v
        .steps
        .iter()
        .map(|s| {
            let text = service::step_details_text(&s.details, |t| label_of(&lists.triage, t));
            StepLine {
                date: s.occurred_on.to_string(),
                kind: StepKind::parse(&s.kind).map(|k| k.label().to_string()).unwrap_or_else(|| s.kind.clone()),
                details: text,
                by: s.recorded_by_name.clone().unwrap_or_default(),
            }
        })
        .collect();
    let measurements = v
        .measurements
        .iter()
        .map(|(m, scores)| {
            let instrument = lists.instruments.iter().find(|i| i.code == m.instrument);
            let scores: Vec<String> = scores
                .iter()
                .map(|(d, s)| {
                    let label = instrument
                        .and_then(|i| i.dimensions.iter().find(|x| x.0 == *d).map(|x| x.1.clone()))
                        .unwrap_or_else(|| d.clone());
                    format!("{label} {s}")
                })
                .collect();
            MeasurementLine {
                date: m.measured_on.to_string(),
                instrument: instrument.map(|i| i.name.clone()).unwrap_or_else(|| m.instrument.clone()),
                occasion: Occasion::parse(&m.occasion).map(Occasion::label).unwrap_or(""),
                scores: scores.join(", "),
            }
        })
        .collect();
    Ok(render(
        status,
        &ParticipantPage {
            layout: Layout::for_user(format!("Deltagare {pid}"), p, "/insatser").with_notice(notice),
            id,
            pid,
            intervention: f.row.name.clone(),
            title: who(&v.personal_number, &v.name, pid),
            facts,
            revealed: reveal,
            identified: r.identified,
            open: v.is_open(),
            steps,
            measurements,
            due: v.due.iter().map(|(s, d)| (s.label().to_string(), d.to_string())).collect(),
            others: v
                .others
                .iter()
                .map(|o| {
                    (
                        o.intervention_id,
                        format!(
                            "{}: inskriven {}{}",
                            o.intervention_name,
                            o.enrolled_on,
                            o.exited_on.map(|e| format!(", avslutad {e}")).unwrap_or_default()
                        ),
                    )
                })
                .collect(),
            lists,
            values,
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

pub async fn participant_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, pid)): Path<(i64, i64)>,
    Query(q): Query<ParticipantQuery>,
) -> Result<Response, PageError> {
    let reveal = q.visa == "personnummer";
    participant_page(&state, &p, (id, pid), reveal, StatusCode::OK, Retry::none(), q.message.as_deref()).await
}

/// One of the participant page's forms: step, measurement, exit or consent withdrawal.
pub async fn participant_post(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, pid, action)): Path<(i64, i64, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let result = match action.as_str() {
        "steg" => {
            let s = step_of(&f, &mut errors);
            if errors.is_empty() {
                service::add_step(&state.db, &p, id, pid, &s).await.map(|_| "step_registered")
            } else {
                Ok("")
            }
        }
        "matning" => {
            let instrument = f.get("instrument");
            let lists = lists(&state, &p, &follow_up::get(&state.db, &p, id).await?).await?;
            let mut scores = std::collections::BTreeMap::new();
            if let Some(i) = lists.instruments.iter().find(|i| i.code == instrument) {
                for (code, _, _, _) in &i.dimensions {
                    if let Some(v) = f.number::<i32>(&format!("score_{instrument}_{code}"), &mut errors) {
                        scores.insert(code.clone(), v);
                    }
                }
            }
            let m = MeasurementInput {
                instrument,
                occasion: f.get("occasion"),
                measured_on: f.date("measured_on", &mut errors),
                scores,
            };
            if errors.is_empty() {
                service::measure(&state.db, &p, id, pid, &m).await.map(|_| "measurement_registered")
            } else {
                Ok("")
            }
        }
        "avslut" => {
            let e = ExitInput {
                exited_on: f.date("exited_on", &mut errors),
                reason: f.opt("reason"),
                occupation_after: f.opt("occupation_after"),
                income_after: f.all("income_after"),
                anchored_plan: match f.get("anchored_plan").as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                receiving_actor: f.opt("receiving_actor"),
            };
            if errors.is_empty() {
                service::exit(&state.db, &p, id, pid, &e).await.map(|_| "participant_exited")
            } else {
                Ok("")
            }
        }
        "aterkalla" => {
            let on = f.date("withdrawn_on", &mut errors);
            if errors.is_empty() {
                service::withdraw_consent(&state.db, &p, id, pid, on).await.map(|_| "consent_withdrawn")
            } else {
                Ok("")
            }
        }
        _ => return Err(PageError::not_found()),
    };
    match result {
        Ok(notice) if errors.is_empty() => {
            return Ok(Redirect::to(&format!("/insatser/{id}/deltagare/{pid}?meddelande={notice}")).into_response())
        }
        Ok(_) => {}
        Err(ServiceError::Invalid(e)) => {
            let instrument = f.get("instrument");
            errors = e
                .into_iter()
                .map(|x| match x.field.strip_prefix("scores.") {
                    Some(d) => FieldError::new(format!("score_{instrument}_{d}"), x.code),
                    None => x,
                })
                .collect()
        }
        Err(ServiceError::Conflict(code)) => errors = vec![FieldError::new("kind", code)],
        Err(e) => return Err(e.into()),
    }
    let retry = Retry { values: f, errors, step_errors: Vec::new() };
    participant_page(&state, &p, (id, pid), false, StatusCode::UNPROCESSABLE_ENTITY, retry, None).await
}

pub async fn extract_pdf(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path((id, pid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let x = service::export(&state.db, &p, &state.config.participant_key, id, pid).await?;
    let (title, blocks) = service::extract_document(&x);
    crate::http::document_download(&title, blocks, "pdf")
        .await
        .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal"))
}

#[derive(Template)]
#[template(path = "participant_import.html")]
struct ImportPage {
    layout: Layout,
    id: i64,
    name: String,
    columns: Vec<&'static str>,
    report: Option<ImportReport>,
    dry_run: bool,
    messages: Vec<(usize, String)>,
    errors: FormErrors,
}

pub async fn import_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    // Only the case workers may import; the register's own check says so (and logs a refusal).
    let (_, row) = service::open(&state.db, &p, id, crate::domain::audit::Action::ParticipantImport).await?;
    Ok(render(
        StatusCode::OK,
        &ImportPage {
            layout: Layout::for_user("Importera deltagare", &p, "/insatser"),
            id,
            name: row.name,
            columns: COLUMNS.to_vec(),
            report: None,
            dry_run: true,
            messages: Vec::new(),
            errors: FormErrors::default(),
        },
    ))
}

pub async fn import(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut bytes = Vec::new();
    let mut dry_run = true;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("file") => {
                bytes =
                    field.bytes().await.map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "malformed_body"))?.to_vec()
            }
            Some("mode") => dry_run = field.text().await.unwrap_or_default() != "import",
            _ => {}
        }
    }
    let v = follow_up::get(&state.db, &p, id).await?;
    let (report, errors) = if bytes.is_empty() {
        (None, vec![FieldError::new("file", "required")])
    } else {
        match participant_import::import(&state.db, &p, &state.config.participant_key, id, &bytes, dry_run).await {
            Ok(r) if !dry_run && r.errors.is_empty() => {
                return Ok(
                    Redirect::to(&format!("/insatser/{id}/deltagare?meddelande=participants_imported")).into_response()
                )
            }
            Ok(r) => (Some(r), Vec::new()),
            Err(ServiceError::Invalid(e)) => (None, e),
            Err(e) => return Err(e.into()),
        }
    };
    let messages = report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .map(|e| (e.line, format!("{}: {}", e.field, crate::http::messages::message(&e.code))))
                .collect()
        })
        .unwrap_or_default();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(
        status,
        &ImportPage {
            layout: Layout::for_user("Importera deltagare", &p, "/insatser"),
            id,
            name: v.row.name,
            columns: COLUMNS.to_vec(),
            report,
            dry_run,
            messages,
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

pub struct GoalLine {
    pub level: &'static str,
    pub text: String,
    pub part: String,
    pub target: String,
    pub groups: Vec<(&'static str, String)>,
    pub met: &'static str,
}

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsPage {
    layout: Layout,
    id: i64,
    name: String,
    from: String,
    to: String,
    goals: Vec<GoalLine>,
    stats: Statistics,
    case_worker: bool,
    errors: FormErrors,
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodForm {
    #[serde(default)]
    fran: String,
    #[serde(default)]
    till: String,
}

fn period_of(q: &PeriodForm) -> Result<Period, Vec<FieldError>> {
    let mut errors = Vec::new();
    let parse = |v: &str, name: &str, errors: &mut Vec<FieldError>| {
        if v.is_empty() {
            return None;
        }
        let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
        if d.is_none() {
            errors.push(FieldError::new(name, "date_invalid"));
        }
        d
    };
    let from = parse(&q.fran, "fran", &mut errors);
    let to = parse(&q.till, "till", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Period::parse(from, to).map_err(|e| match e {
        ServiceError::Invalid(v) => {
            v.into_iter().map(|f| FieldError::new(if f.field == "to" { "till" } else { "fran" }, f.code)).collect()
        }
        _ => vec![FieldError::new("fran", "date_invalid")],
    })
}

fn goal_line(g: &crate::domain::follow_up::Goal, r: &ShownGoalResult, parts: &[Choice]) -> GoalLine {
    let volume = matches!(g.rule, GoalRule::Volume { .. });
    GoalLine {
        level: g.level.label(),
        text: g.text.clone(),
        part: g.part.as_deref().map(|x| label_of(parts, x)).unwrap_or_else(|| "Hela insatsen".into()),
        target: match (&g.rule, g.target_percent) {
            (GoalRule::Volume { planned_per_year }, _) => format!("{planned_per_year} per år"),
            (_, Some(t)) => format!("{t} %"),
            _ => "–".into(),
        },
        groups: vec![
            ("Kvinnor", crate::domain::follow_up::figure_text(r.female.as_ref(), volume)),
            ("Män", crate::domain::follow_up::figure_text(r.male.as_ref(), volume)),
            ("Totalt", crate::domain::follow_up::figure_text(r.all.as_ref(), volume)),
        ],
        met: match r.met {
            Some(true) => "Uppnått",
            Some(false) => "Inte uppnått",
            None => "Inget att mäta ännu",
        },
    }
}

pub async fn goals(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    let (period, errors, status) = match period_of(&q) {
        Ok(period) => (period, Vec::new(), StatusCode::OK),
        Err(e) => (Period::parse(None, None)?, e, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let v = follow_up::goals(&state.db, &p, id, period).await?;
    let (_, stats) = follow_up::intervention_statistics(&state.db, &p, id, period).await?;
    let parts: Vec<Choice> =
        v.settings.parts.iter().map(|x| Choice { value: x.code.clone(), label: x.label.clone() }).collect();
    let goals = v.goals.iter().map(|(g, r)| goal_line(g, r, &parts)).collect();
    let case_worker = !v.suppressed;
    Ok(render(
        status,
        &GoalsPage {
            layout: Layout::for_user(format!("Mål och uppföljning: {}", v.row.name), &p, "/insatser"),
            id,
            name: v.row.name,
            from: period.from.to_string(),
            to: period.to.to_string(),
            goals,
            stats,
            case_worker,
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    layout: Layout,
    association: String,
    from: String,
    to: String,
    stats: Statistics,
    errors: FormErrors,
}

/// The association's figures over every intervention, small counts hidden.
pub async fn statistics(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    let association = super::pick_association(&state, &p, None).await?;
    let (period, errors, status) = match period_of(&q) {
        Ok(period) => (period, Vec::new(), StatusCode::OK),
        Err(e) => (Period::parse(None, None)?, e, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let stats = follow_up::association_statistics(&state.db, &p, association.id, period).await?;
    Ok(render(
        status,
        &StatisticsPage {
            layout: Layout::for_user("Deltagarstatistik", &p, "/statistik"),
            association: association.name,
            from: period.from.to_string(),
            to: period.to.to_string(),
            stats,
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

/// The insatsansvarig assigns the owner's case workers (on the intervention's page).
pub async fn assign(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let users: Vec<i64> = f.all("user_id").iter().filter_map(|u| u.parse().ok()).collect();
    follow_up::assign(&state.db, &p, id, &users).await?;
    Ok(Redirect::to(&format!("/insatser/{id}?meddelande=case_workers_assigned")).into_response())
}

/// The start page's list of what is due for a case worker.
pub async fn due_for_home(
    state: &AppState,
    p: &Principal,
) -> Result<(Vec<DueLine>, usize, Vec<(i64, String)>), PageError> {
    let (items, total) = service::due(&state.db, p, &state.config.participant_key, None, 14, DUE_SHOWN).await?;
    let lines = items.into_iter().map(|d| due_line(d, &[])).collect();
    let assigned = follow_up::assigned_interventions(&state.db, p).await?;
    Ok((lines, total, assigned))
}

pub struct ListForm {
    pub code: &'static str,
    pub label: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "follow_up_settings.html")]
struct SettingsPage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    threshold: String,
    retention: String,
    consent_version: String,
    lists: Vec<ListForm>,
    errors: FormErrors,
}

/// A code list as the form shows it: one "code; label" per line.
fn list_text(codes: &[crate::domain::participant::Code]) -> String {
    codes.iter().map(|c| format!("{}; {}", c.code, c.label)).collect::<Vec<_>>().join("\n")
}

async fn settings_page(
    state: &AppState,
    p: &Principal,
    association_id: i64,
    status: StatusCode,
    shown: Option<(Fields, Vec<FieldError>)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    p.administer(association_id)?;
    let association = super::pick_association(state, p, Some(association_id)).await?;
    let (settings, _) = follow_up::association_settings(&state.db, p, association_id).await?;
    let lists = follow_up::code_lists(&state.db, p, association_id).await?;
    let (values, errors) = shown.unwrap_or((Fields(Vec::new()), Vec::new()));
    let typed = |name: &str, saved: String| if values.0.is_empty() { saved } else { values.get(name) };
    Ok(render(
        status,
        &SettingsPage {
            layout: Layout::for_user("Uppföljning av deltagare", p, "/uppfoljning").with_notice(notice),
            association_id,
            association_name: association.name,
            threshold: typed("suppression_threshold", settings.suppression_threshold.to_string()),
            retention: typed("retention_months", settings.retention_months.to_string()),
            consent_version: typed("consent_version", settings.consent_version.clone()),
            lists: lists
                .iter()
                .map(|(l, codes)| ListForm {
                    code: l.code(),
                    label: l.label(),
                    text: if values.0.is_empty() {
                        list_text(codes)
                    } else {
                        values.get(&format!("list_{}", l.code()))
                    },
                })
                .collect(),
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct AssociationQuery {
    forbund: Option<i64>,
    #[serde(rename = "meddelande")]
    message: Option<String>,
}

/// The association's follow-up settings and code lists, for its administrators.
pub async fn settings_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Response, PageError> {
    let association = super::pick_association(&state, &p, q.forbund).await?;
    settings_page(&state, &p, association.id, StatusCode::OK, None, q.message.as_deref()).await
}

pub async fn settings_save(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let mut errors = Vec::new();
    let association_id: i64 = f.number("forbund", &mut errors).ok_or_else(PageError::not_found)?;
    p.administer(association_id)?;
    let threshold: Option<i32> = f.number("suppression_threshold", &mut errors);
    let retention: Option<i32> = f.number("retention_months", &mut errors);
    let mut lists = Vec::new();
    for list in CodeList::ALL {
        let name = format!("list_{}", list.code());
        let mut codes = Vec::new();
        for line in f.get(&name).lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once(';') {
                Some((code, label)) => codes.push(crate::domain::participant::Code {
                    code: code.trim().to_string(),
                    label: label.trim().to_string(),
                }),
                None => errors.push(FieldError::new(name.clone(), "code_invalid")),
            }
        }
        lists.push((list, codes));
    }
    if errors.is_empty() {
        let (_, instruments) = follow_up::association_settings(&state.db, &p, association_id).await?;
        let settings = follow_up::AssociationSettings {
            suppression_threshold: threshold.unwrap_or_default(),
            retention_months: retention.unwrap_or_default(),
            consent_version: f.get("consent_version"),
        };
        match follow_up::save_association_settings(&state.db, &p, association_id, &settings, &instruments, &lists).await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/uppfoljning?forbund={association_id}&meddelande=follow_up_saved"))
                    .into_response());
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    settings_page(&state, &p, association_id, StatusCode::UNPROCESSABLE_ENTITY, Some((f, errors)), None).await
}

pub struct GoalShown {
    pub index: usize,
    pub level: &'static str,
    pub text: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "intervention_follow_up.html")]
struct FollowUpPage {
    layout: Layout,
    id: i64,
    name: String,
    parts: String,
    triage: String,
    deadlines: String,
    last_intake_date: String,
    measurement_every_months: String,
    goals: Vec<GoalShown>,
    part_choices: Vec<Choice>,
    triage_choices: Vec<Choice>,
    values: Fields,
    errors: FormErrors,
}

fn rule_text(rule: &GoalRule, settings: &crate::domain::participant::FollowUpSettings) -> String {
    match rule {
        GoalRule::StepsWithin { triage, steps, within_months } => {
            let steps: Vec<&str> = steps.iter().map(|s| s.label()).collect();
            let group = triage.as_deref().map(|t| format!(" för {}", settings.triage_label(t))).unwrap_or_default();
            format!("{} inom {within_months} månader från första besöket{group}", steps.join(", "))
        }
        GoalRule::ExitOutcome { outcome } => match outcome {
            crate::domain::follow_up::ExitOutcome::AnchoredPlan => {
                "Andel avslutade med förankrad fortsatt planering".into()
            }
            crate::domain::follow_up::ExitOutcome::WorkOrStudies => "Andel avslutade till arbete eller studier".into(),
        },
        GoalRule::Volume { planned_per_year } => format!("Nya deltagare mot planerade {planned_per_year} per år"),
    }
}

/// A step named by its code or its Swedish label.
fn step_named(text: &str) -> Option<StepKind> {
    let t = text.trim().to_lowercase();
    StepKind::ALL.into_iter().find(|s| s.code() == t || s.label().to_lowercase() == t)
}

async fn follow_up_page(
    state: &AppState,
    p: &Principal,
    id: i64,
    status: StatusCode,
    shown: Option<(Fields, Vec<FieldError>)>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let v = follow_up::get(&state.db, p, id).await?;
    if !v.may_configure {
        return Err(ServiceError::Denied("not_intervention_staff").into());
    }
    let s = &v.settings;
    let (values, errors) = shown.unwrap_or((Fields(Vec::new()), Vec::new()));
    let typed = |name: &str, saved: String| if values.0.is_empty() { saved } else { values.get(name) };
    let parts = s
        .parts
        .iter()
        .map(|x| format!("{}; {}; {}", x.code, x.label, x.planned_per_year.map(|n| n.to_string()).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n");
    let triage =
        s.triage.iter().map(|x| format!("{}; {}; {}", x.code, x.label, x.description)).collect::<Vec<_>>().join("\n");
    let deadlines = s
        .deadlines
        .iter()
        .map(|d| {
            let steps: Vec<&str> = d.steps.iter().map(|x| x.label()).collect();
            format!("{}; {}; {}", d.triage, steps.join(", "), d.within_months)
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(render(
        status,
        &FollowUpPage {
            layout: Layout::for_user(format!("Uppföljning av {}", v.row.name), p, "/insatser").with_notice(notice),
            id,
            name: v.row.name.clone(),
            parts: typed("parts", parts),
            triage: typed("triage_list", triage),
            deadlines: typed("deadlines", deadlines),
            last_intake_date: typed("last_intake_date", s.last_intake_date.map(|d| d.to_string()).unwrap_or_default()),
            measurement_every_months: typed("measurement_every_months", s.measurement_every_months.to_string()),
            goals: v
                .goals
                .iter()
                .enumerate()
                .map(|(index, g)| GoalShown {
                    index,
                    level: g.level.label(),
                    text: g.text.clone(),
                    rule: rule_text(&g.rule, s),
                })
                .collect(),
            part_choices: s.parts.iter().map(|x| Choice { value: x.code.clone(), label: x.label.clone() }).collect(),
            triage_choices: s.triage.iter().map(|x| Choice { value: x.code.clone(), label: x.label.clone() }).collect(),
            values,
            errors: FormErrors::from_fields(&errors),
        },
    ))
}

pub async fn follow_up_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<super::NoticeQuery>,
) -> Result<Response, PageError> {
    follow_up_page(&state, &p, id, StatusCode::OK, None, q.message.as_deref()).await
}

/// Saves the intervention's parts, triage, deadlines and intake, removes the goals ticked for
/// removal and adds the new goal when one is written.
pub async fn follow_up_save(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, PageError> {
    use crate::domain::follow_up::{ExitOutcome, Goal, GoalLevel};
    use crate::domain::participant::{DeadlineRule, FollowUpSettings, Part, Triage};
    let f = Fields::parse(&body);
    let current = follow_up::get(&state.db, &p, id).await?;
    let mut errors = Vec::new();
    let lines = |name: &str| -> Vec<Vec<String>> {
        f.get(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| l.split(';').map(|x| x.trim().to_string()).collect())
            .collect()
    };
    let mut parts = Vec::new();
    for l in lines("parts") {
        let planned = l.get(2).filter(|x| !x.is_empty()).map(|x| x.parse::<u32>());
        match (l.first(), l.get(1), planned) {
            (Some(code), Some(label), None) => {
                parts.push(Part { code: code.clone(), label: label.clone(), planned_per_year: None })
            }
            (Some(code), Some(label), Some(Ok(n))) => {
                parts.push(Part { code: code.clone(), label: label.clone(), planned_per_year: Some(n) })
            }
            _ => errors.push(FieldError::new("parts", "part_invalid")),
        }
    }
    let mut triage = Vec::new();
    for l in lines("triage_list") {
        match (l.first(), l.get(1)) {
            (Some(code), Some(label)) => triage.push(Triage {
                code: code.clone(),
                label: label.clone(),
                description: l.get(2).cloned().unwrap_or_default(),
            }),
            _ => errors.push(FieldError::new("triage_list", "triage_invalid")),
        }
    }
    let mut deadlines = Vec::new();
    for l in lines("deadlines") {
        let steps: Option<Vec<StepKind>> =
            l.get(1).and_then(|s| s.split(',').map(step_named).collect::<Option<Vec<_>>>());
        match (l.first(), steps, l.get(2).and_then(|m| m.parse::<u32>().ok())) {
            (Some(t), Some(steps), Some(months)) => {
                deadlines.push(DeadlineRule { triage: t.clone(), steps, within_months: months })
            }
            _ => errors.push(FieldError::new("deadlines", "deadline_invalid")),
        }
    }
    let settings = FollowUpSettings {
        parts,
        triage,
        deadlines,
        last_intake_date: f.date("last_intake_date", &mut errors),
        measurement_every_months: f.number("measurement_every_months", &mut errors).unwrap_or(0),
    };
    let mut goals: Vec<Goal> = current
        .goals
        .iter()
        .enumerate()
        .filter(|(i, _)| f.get(&format!("remove_goal_{i}")) != "yes")
        .map(|(_, g)| g.clone())
        .collect();
    if !f.get("new_text").is_empty() {
        let rule = match f.get("new_kind").as_str() {
            "steps_within" => Some(GoalRule::StepsWithin {
                triage: f.opt("new_triage"),
                steps: f.all("new_steps").iter().filter_map(|s| step_named(s)).collect(),
                within_months: f.number("new_months", &mut errors).unwrap_or(0),
            }),
            "exit_outcome" => Some(GoalRule::ExitOutcome {
                outcome: if f.get("new_outcome") == "work_or_studies" {
                    ExitOutcome::WorkOrStudies
                } else {
                    ExitOutcome::AnchoredPlan
                },
            }),
            "volume" => Some(GoalRule::Volume { planned_per_year: f.number("new_planned", &mut errors).unwrap_or(0) }),
            _ => {
                errors.push(FieldError::new("new_kind", "goal_rule_invalid"));
                None
            }
        };
        if let Some(rule) = rule {
            goals.push(Goal {
                level: if f.get("new_level") == "effect" { GoalLevel::Effect } else { GoalLevel::Intervention },
                text: f.get("new_text"),
                part: f.opt("new_part"),
                rule,
                target_percent: f.number("new_target", &mut errors),
            });
        }
    }
    if errors.is_empty() {
        match follow_up::save(&state.db, &p, id, &settings, &goals).await {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/insatser/{id}/uppfoljning?meddelande=follow_up_saved")).into_response()
                )
            }
            Err(ServiceError::Invalid(e)) => {
                errors = e
                    .into_iter()
                    .map(|x| {
                        let field = match x.code {
                            c if c.starts_with("triage") => "triage_list",
                            c if c.starts_with("part") => "parts",
                            c if c.starts_with("deadline") => "deadlines",
                            c if c.starts_with("measurement") => "measurement_every_months",
                            _ => "new_text",
                        };
                        FieldError::new(field, x.code)
                    })
                    .collect()
            }
            Err(e) => return Err(e.into()),
        }
    }
    follow_up_page(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, Some((f, errors)), None).await
}
