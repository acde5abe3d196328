//! The association's money in the browser: the year's allocation, the members' contributions
//! under the key, the populations the key rests on, the budget per post, each kommun's return
//! (utväxling) with a chart and a table, and the Uppföljning Finsam figures.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;

use super::{render, Fields, FormErrors, Layout};
use crate::domain::economy::{KeyKind, RETURN_METHOD, ROUNDING_RULE};
use crate::domain::money::{Money, MoneyError};
use crate::domain::party::PartyKind;
use crate::domain::role::Role;
use crate::domain::time;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::economy::{
    self as service, AllocationInput, Basis, BudgetPostInput, EconomySettings, KeyInput, KeyShareInput,
    PopulationInput, BUDGET_POSTS,
};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};

/// Does the caller see an association's economy (for the navigation)?
pub fn sees_economy(p: &Principal) -> bool {
    p.is_system_admin() || !p.association_ids().is_empty()
}

/// May the caller change the association's economy: its administrator or director.
fn manages(p: &Principal, association_id: i64) -> bool {
    p.is_system_admin() || p.holds_in(association_id, &[Role::AssociationAdmin, Role::Director])
}

fn kr(ore: i64) -> String {
    format!("{} kr", Money::from_ore(ore).format_number())
}

fn kr_opt(ore: Option<i64>) -> String {
    ore.map(kr).unwrap_or_else(|| "–".into())
}

/// A whole number of kronor as typed ("4 200 000", "4,2 mkr"); None when left empty.
fn kronor_field(f: &Fields, name: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match Money::parse(&f.get(name)) {
        Ok(m) if m.ore() % 100 == 0 => Some(m.kronor_rounded()),
        Ok(_) => {
            errors.push(FieldError::new(name, "whole_kronor"));
            None
        }
        Err(MoneyError::Empty) => None,
        Err(MoneyError::TooLarge) => {
            errors.push(FieldError::new(name, "amount_too_large"));
            None
        }
        Err(MoneyError::Invalid) => {
            errors.push(FieldError::new(name, "amount_invalid"));
            None
        }
    }
}

/// A decimal with a comma, as Swedish figures are written.
fn decimal(x: Option<f64>, digits: usize) -> String {
    x.map(|v| format!("{v:.digits$}").replace('.', ",")).unwrap_or_else(|| "–".into())
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default, rename = "ar")]
    year: Option<i32>,
    #[serde(default, rename = "forbund")]
    association: Option<i64>,
    #[serde(default, rename = "meddelande")]
    message: Option<String>,
}

fn this_year() -> i32 {
    time::today().year()
}

pub struct ContributionLine {
    pub name: String,
    pub kind: &'static str,
    pub share: String,
    pub amount: String,
}

pub struct KommunLine {
    pub id: i64,
    pub name: String,
    pub share: String,
    pub population: String,
    pub population_16_64: String,
}

pub struct BudgetLine {
    pub code: &'static str,
    pub label: &'static str,
    pub budget: String,
    pub outcome: String,
    pub forecast: String,
}

#[derive(Template)]
#[template(path = "economy.html")]
struct YearPage {
    layout: Layout,
    association_id: i64,
    year: i32,
    manage: bool,
    /// The office, board and auditors see the association's list of claims.
    sees_claims: bool,
    allocation: String,
    equity: String,
    decided_on: String,
    missing: Option<&'static str>,
    key_label: String,
    key_kind: String,
    key_kinds: Vec<(&'static str, &'static str)>,
    population_year_note: String,
    population_year: i32,
    contributions: Vec<ContributionLine>,
    total: String,
    rounding: &'static str,
    kommuner: Vec<KommunLine>,
    budget: Vec<BudgetLine>,
    budget_totals: (String, String, String),
    claim_tail_months: String,
    attachment_threshold: String,
    /// Which form the errors belong to, so that they are shown there.
    form: &'static str,
    errors: FormErrors,
}

impl YearPage {
    fn errors_for(&self, form: &str) -> &FormErrors {
        if self.form == form {
            &self.errors
        } else {
            FormErrors::none()
        }
    }
}

/// A form of the year's page shown again: which one, its errors and what was typed in it.
struct Retry<'a> {
    form: &'static str,
    errors: Vec<FieldError>,
    typed: &'a Fields,
}

/// Renders the year's page, with a form shown again when a post was refused.
async fn year_page(
    state: &AppState,
    p: &Principal,
    association_id: i64,
    year: i32,
    retry: Option<Retry<'_>>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (form, errors, typed) = match retry {
        Some(r) => (r.form, r.errors, Some(r.typed)),
        None => ("", Vec::new(), None),
    };
    let c = service::contributions(&state.db, p, association_id, year).await?;
    let budget = service::budget(&state.db, p, association_id, year).await?;
    let keys = service::keys(&state.db, p, association_id).await?;
    let settings = service::settings(&state.db, p, association_id).await?;
    // What was typed wins over what is stored, for the form that was posted.
    let value = |name: &str, stored: String| -> String {
        match typed {
            Some(f) if f.0.iter().any(|(k, _)| k == name) => f.get(name),
            _ => stored,
        }
    };
    let number = |ore: Option<i64>| ore.map(|o| Money::from_ore(o).format_number()).unwrap_or_default();
    let shares_in_force: Vec<(i64, i64)> = c
        .key
        .as_ref()
        .and_then(|(k, _)| keys.iter().find(|(row, _)| row.id == k.id))
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    let population_year = year - 1;
    let kommuner = c
        .members
        .iter()
        .filter(|m| m.party_kind == PartyKind::Kommun)
        .map(|m| {
            let pop = c.populations.iter().find(|x| x.member_id == m.id && x.year == population_year);
            let share = shares_in_force
                .iter()
                .find(|(id, _)| *id == m.id)
                .map(|(_, ppm)| decimal(Some(*ppm as f64 / 10_000.0), 4))
                .unwrap_or_default();
            KommunLine {
                id: m.id,
                name: m.name.clone(),
                share: value(&format!("share_{}", m.id), share),
                population: value(
                    &format!("population_{}", m.id),
                    pop.map(|x| x.population.to_string()).unwrap_or_default(),
                ),
                population_16_64: value(
                    &format!("population_16_64_{}", m.id),
                    pop.and_then(|x| x.population_16_64).map(|n| n.to_string()).unwrap_or_default(),
                ),
            }
        })
        .collect();
    let sum = |f: fn(&crate::storage::economy::BudgetPostRow) -> Option<i64>| -> String {
        let v: Vec<i64> = budget.iter().filter_map(f).collect();
        if v.is_empty() {
            "–".into()
        } else {
            kr(v.iter().sum())
        }
    };
    let budget_totals = (sum(|r| Some(r.budget_ore)), sum(|r| r.outcome_ore), sum(|r| r.forecast_ore));
    let budget = BUDGET_POSTS
        .iter()
        .map(|(code, label)| {
            let row = budget.iter().find(|r| r.post == *code);
            BudgetLine {
                code,
                label,
                budget: value(&format!("budget_{code}"), number(row.map(|r| r.budget_ore).filter(|b| *b > 0))),
                outcome: value(&format!("outcome_{code}"), number(row.and_then(|r| r.outcome_ore))),
                forecast: value(&format!("forecast_{code}"), number(row.and_then(|r| r.forecast_ore))),
            }
        })
        .collect();
    let (key_label, key_kind) = match &c.key {
        Some((k, kind)) => (format!("{} (gäller från {})", kind.label(), k.valid_from_year), kind.code().to_string()),
        None => ("Ingen nyckel för året".to_string(), String::new()),
    };
    let population_year_note = match (&c.key, c.population_year) {
        (Some((_, KeyKind::Fixed)), _) => String::new(),
        (Some(_), Some(y)) => format!("Befolkningen den 31 december {y}."),
        _ => String::new(),
    };
    let allocation = c.allocation.as_ref();
    let page = YearPage {
        layout: Layout::for_user(format!("Ekonomi {year}"), p, "/ekonomi").with_notice(notice),
        association_id,
        year,
        manage: manages(p, association_id),
        sees_claims: crate::service::interventions::reach(p, association_id).all,
        allocation: value("state_allocation", number(allocation.map(|a| a.state_allocation_ore))),
        equity: value("equity", number(allocation.and_then(|a| a.equity_ore))),
        decided_on: value(
            "decided_on",
            allocation.and_then(|a| a.decided_on).map(|d| d.to_string()).unwrap_or_default(),
        ),
        missing: c.missing.map(crate::http::messages::message),
        key_kind: value("kind", key_kind),
        key_label,
        key_kinds: KeyKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        population_year_note,
        population_year,
        contributions: c
            .contributions
            .iter()
            .map(|x| ContributionLine {
                name: x.name.clone(),
                kind: x.kind.label(),
                share: decimal(x.key_share_ppm.map(|ppm| ppm as f64 / 10_000.0), 4),
                amount: kr(x.amount.ore()),
            })
            .collect(),
        total: kr(c.total().ore()),
        rounding: ROUNDING_RULE,
        kommuner,
        budget,
        budget_totals,
        claim_tail_months: value("claim_tail_months", settings.claim_tail_months.to_string()),
        attachment_threshold: value(
            "attachment_threshold",
            Money::from_kronor(settings.attachment_threshold_sek).format_number(),
        ),
        form,
        errors: FormErrors::from_fields(&errors),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

pub async fn year_view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let association = super::pick_association(&state, &p, q.association).await?.id;
    let year = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or_else(this_year);
    year_page(&state, &p, association, year, None, q.message.as_deref()).await
}

/// The association and year a posted form is about.
fn posted_year(f: &Fields) -> Result<(i64, i32), PageError> {
    let association = f.get("forbund").parse().map_err(|_| PageError::not_found())?;
    let year: i32 = f.get("ar").parse().map_err(|_| PageError::not_found())?;
    Ok((association, year))
}

/// Redirects to the year's page with a notice, or shows the page again with the form's errors.
async fn after_save(
    state: &AppState,
    p: &Principal,
    f: &Fields,
    form: &'static str,
    result: Result<(), ServiceError>,
    notice: &str,
) -> Result<Response, PageError> {
    let (association, year) = posted_year(f)?;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ekonomi?forbund={association}&ar={year}&meddelande={notice}#{form}"))
            .into_response()),
        Err(ServiceError::Invalid(errors)) => {
            year_page(state, p, association, year, Some(Retry { form, errors, typed: f }), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn save_allocation(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let (association, year) = posted_year(&f)?;
    let mut errors = Vec::new();
    let state_allocation = kronor_field(&f, "state_allocation", &mut errors);
    if state_allocation.is_none() && !errors.iter().any(|e| e.field == "state_allocation") {
        errors.push(FieldError::new("state_allocation", "required"));
    }
    let equity = kronor_field(&f, "equity", &mut errors);
    let decided_on = f.date("decided_on", &mut errors);
    let result = if errors.is_empty() {
        let input =
            AllocationInput { state_allocation_sek: state_allocation.unwrap_or(0), equity_sek: equity, decided_on };
        service::set_allocation(&state.db, &p, association, year, &input).await.map_err(|e| {
            rename(e, |f| match f {
                "state_allocation_sek" => "state_allocation".into(),
                "equity_sek" => "equity".into(),
                other => other.into(),
            })
        })
    } else {
        Err(ServiceError::Invalid(errors))
    };
    after_save(&state, &p, &f, "tilldelning", result, "allocation_saved").await
}

/// Gives the service's field names the names of the page's inputs.
fn rename(e: ServiceError, to_input: impl Fn(&str) -> String) -> ServiceError {
    match e {
        ServiceError::Invalid(fields) => ServiceError::Invalid(
            fields.into_iter().map(|f| FieldError { field: to_input(&f.field), code: f.code }).collect(),
        ),
        other => other,
    }
}

/// The page's input for the service's error on a row: `posts[2].budget_sek` becomes
/// `budget_{keys[2]}`, the row's field turned into the input's prefix by `prefix`. None for an
/// error that names no row.
fn row_input(field: &str, keys: &[String], prefix: impl Fn(&str) -> &str) -> Option<String> {
    let (_, rest) = field.split_once('[')?;
    let (index, last) = rest.split_once("].")?;
    let key = keys.get(index.parse::<usize>().ok()?)?;
    Some(format!("{}_{key}", prefix(last)))
}

pub async fn save_key(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let (association, year) = posted_year(&f)?;
    let kind = f.get("kind");
    let mut shares = Vec::new();
    if kind == KeyKind::Fixed.code() {
        for (name, value) in &f.0 {
            if let Some(id) = name.strip_prefix("share_").and_then(|id| id.parse::<i64>().ok()) {
                shares.push(KeyShareInput { member_id: id, percent: value.trim().to_string() });
            }
        }
    }
    let ids: Vec<String> = shares.iter().map(|s| s.member_id.to_string()).collect();
    let first = ids.first().map(|id| format!("share_{id}")).unwrap_or_else(|| "kind".into());
    let input = KeyInput { valid_from_year: year, kind: kind.clone(), shares };
    let result = if kind.is_empty() {
        Err(ServiceError::Invalid(vec![FieldError::new("kind", "required")]))
    } else {
        service::set_key(&state.db, &p, association, &input).await.map_err(|e| {
            rename(e, |field| match row_input(field, &ids, |_| "share") {
                Some(input) => input,
                None if field == "shares" => first.clone(),
                None => field.to_string(),
            })
        })
    };
    after_save(&state, &p, &f, "nyckel", result, "key_saved").await
}

pub async fn save_populations(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let (association, year) = posted_year(&f)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (name, value) in &f.0 {
        let Some(id) = name.strip_prefix("population_").and_then(|id| id.parse::<i64>().ok()) else { continue };
        let total = value.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let younger =
            f.get(&format!("population_16_64_{id}")).chars().filter(|c| !c.is_whitespace()).collect::<String>();
        if total.is_empty() && younger.is_empty() {
            continue;
        }
        let population = match total.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors
                    .push(FieldError::new(name.clone(), if total.is_empty() { "required" } else { "number_invalid" }));
                continue;
            }
        };
        let population_16_64 = match younger.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) if younger.is_empty() => None,
            Err(_) => {
                errors.push(FieldError::new(format!("population_16_64_{id}"), "number_invalid"));
                continue;
            }
        };
        rows.push(PopulationInput { member_id: id, population, population_16_64 });
    }
    // The figures on the page are those at the end of the year before the budget year.
    let result = if !errors.is_empty() {
        Err(ServiceError::Invalid(errors))
    } else {
        let ids: Vec<String> = rows.iter().map(|r| r.member_id.to_string()).collect();
        service::set_populations(&state.db, &p, association, year - 1, &rows)
            .await
            .map_err(|e| rename(e, |field| row_input(field, &ids, |last| last).unwrap_or_else(|| field.to_string())))
    };
    after_save(&state, &p, &f, "befolkning", result, "populations_saved").await
}

pub async fn save_budget(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let (association, year) = posted_year(&f)?;
    let mut errors = Vec::new();
    let mut posts = Vec::new();
    for (code, _) in BUDGET_POSTS {
        let budget = kronor_field(&f, &format!("budget_{code}"), &mut errors);
        let outcome = kronor_field(&f, &format!("outcome_{code}"), &mut errors);
        let forecast = kronor_field(&f, &format!("forecast_{code}"), &mut errors);
        if budget.is_some() || outcome.is_some() || forecast.is_some() {
            posts.push(BudgetPostInput {
                post: code.to_string(),
                budget_sek: budget.unwrap_or(0),
                outcome_sek: outcome,
                forecast_sek: forecast,
            });
        }
    }
    let result = if errors.is_empty() {
        let codes: Vec<String> = posts.iter().map(|x| x.post.clone()).collect();
        service::set_budget(&state.db, &p, association, year, &posts).await.map_err(|e| {
            let input = |field: &str| row_input(field, &codes, |last| last.trim_end_matches("_sek"));
            rename(e, |field| input(field).unwrap_or_else(|| field.to_string()))
        })
    } else {
        Err(ServiceError::Invalid(errors))
    };
    after_save(&state, &p, &f, "budget", result, "budget_saved").await
}

pub async fn save_settings(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = Fields::parse(&body);
    let (association, _) = posted_year(&f)?;
    let mut errors = Vec::new();
    let tail: Option<i32> = f.number("claim_tail_months", &mut errors);
    let threshold = kronor_field(&f, "attachment_threshold", &mut errors);
    for (name, v) in [("claim_tail_months", tail.is_none()), ("attachment_threshold", threshold.is_none())] {
        if v && !errors.iter().any(|e| e.field == name) {
            errors.push(FieldError::new(name, "required"));
        }
    }
    let result = if errors.is_empty() {
        let s = EconomySettings {
            claim_tail_months: tail.unwrap_or_default(),
            attachment_threshold_sek: threshold.unwrap_or_default(),
        };
        service::save_settings(&state.db, &p, association, &s).await.map_err(|e| {
            rename(
                e,
                |field| if field == "attachment_threshold_sek" { "attachment_threshold".into() } else { field.into() },
            )
        })
    } else {
        Err(ServiceError::Invalid(errors))
    };
    after_save(&state, &p, &f, "installningar", result, "economy_settings_saved").await
}

#[derive(serde::Deserialize, Default)]
pub struct ReturnQuery {
    #[serde(default, rename = "ar")]
    year: Option<i32>,
    #[serde(default, rename = "fran")]
    from: Option<String>,
    #[serde(default, rename = "grund")]
    basis: Option<String>,
    #[serde(default, rename = "forbund")]
    association: Option<i64>,
}

pub struct ReturnLine {
    pub name: String,
    pub population: String,
    pub contribution: String,
    pub attributed: String,
    pub ratio: String,
    pub fairness: String,
}

pub struct ReturnTable {
    pub year: i32,
    pub lines: Vec<ReturnLine>,
    pub structural: String,
    pub population_year: String,
    pub missing: Option<&'static str>,
    pub interventions: Vec<(String, &'static str, String)>,
}

/// One bar of the chart: a kommun's return, drawn to scale.
pub struct Bar {
    pub name: String,
    pub value: String,
    pub y: i64,
    pub width: i64,
    pub text_y: i64,
}

#[derive(Template)]
#[template(path = "return_ratios.html")]
struct ReturnPage {
    layout: Layout,
    association_id: i64,
    year: i32,
    from: i32,
    basis: &'static str,
    basis_label: &'static str,
    bases: Vec<(&'static str, &'static str)>,
    tables: Vec<ReturnTable>,
    method: &'static str,
    bars: Vec<Bar>,
    chart_height: i64,
    /// Where U = 1 stands on the chart's scale.
    one_x: i64,
    errors: FormErrors,
}

/// Pixels of the chart's bar area; the names stand to the left of it.
const CHART_LEFT: i64 = 200;
const CHART_WIDTH: i64 = 420;

pub async fn return_ratios(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, PageError> {
    let association = super::pick_association(&state, &p, q.association).await?.id;
    let year = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or_else(this_year);
    let basis = if q.basis.as_deref() == Some("granted") { Basis::Granted } else { Basis::Outcome };
    let mut errors = Vec::new();
    let from = match q.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => year,
        Some(s) => match s.parse::<i32>() {
            Ok(f) if f <= year && year - f <= 9 => f,
            _ => {
                errors.push(FieldError::new("fran", "from_year_invalid"));
                year
            }
        },
    };
    let years = service::return_ratios(&state.db, &p, association, from, year, basis).await?;
    let tables = years
        .iter()
        .map(|y| ReturnTable {
            year: y.year,
            lines: y
                .returns
                .kommuner
                .iter()
                .map(|r| ReturnLine {
                    name: r.name.clone(),
                    population: if r.population > 0 {
                        Money::from_kronor(r.population).format_number()
                    } else {
                        "–".into()
                    },
                    contribution: kr(r.contribution.ore()),
                    attributed: kr(r.attributed.kronor_rounded() * 100),
                    ratio: decimal(r.return_ratio, 2),
                    fairness: decimal(r.fairness_index, 2),
                })
                .collect(),
            structural: kr(y.returns.structural.ore()),
            population_year: y.contributions.population_year.map(|y| y.to_string()).unwrap_or_else(|| "–".into()),
            missing: y.contributions.missing.map(crate::http::messages::message),
            interventions: y
                .returns
                .interventions
                .iter()
                .map(|i| (i.name.clone(), i.attribution.label(), kr(i.amount.ore())))
                .collect(),
        })
        .collect();
    // The chart shows the last year's return per kommun, on a scale from 0 to the largest
    // return (at least 2, so that 1 stands in the middle or to the left).
    let last = years.last().map(|y| y.returns.kommuner.clone()).unwrap_or_default();
    let max = last.iter().filter_map(|r| r.return_ratio).fold(2.0_f64, f64::max);
    let bars: Vec<Bar> = last
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = 10 + i as i64 * 32;
            Bar {
                name: r.name.clone(),
                value: decimal(r.return_ratio, 2),
                y,
                width: r.return_ratio.map_or(0, |u| (u / max * CHART_WIDTH as f64).round() as i64),
                text_y: y + 17,
            }
        })
        .collect();
    let chart_height = 20 + bars.len() as i64 * 32;
    let page = ReturnPage {
        layout: Layout::for_user(format!("Utväxling {year}"), &p, "/ekonomi"),
        association_id: association,
        year,
        from,
        basis: if basis == Basis::Granted { "granted" } else { "outcome" },
        basis_label: basis.label(),
        bases: vec![("outcome", Basis::Outcome.label()), ("granted", Basis::Granted.label())],
        tables,
        method: RETURN_METHOD,
        bars,
        chart_height,
        one_x: CHART_LEFT + (CHART_WIDTH as f64 / max).round() as i64,
        errors: FormErrors::from_fields(&errors),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

impl ReturnPage {
    fn chart_left(&self) -> i64 {
        CHART_LEFT
    }
    fn bar_x_end(&self, bar: &Bar) -> i64 {
        CHART_LEFT + bar.width + 6
    }
}

#[derive(Template)]
#[template(path = "uppfoljning_finsam.html")]
struct FinsamPage {
    layout: Layout,
    association_id: i64,
    year: i32,
    f: service::FinsamYear,
    missing: Option<&'static str>,
}

impl FinsamPage {
    fn kr(&self, v: &i64) -> String {
        kr(*v * 100)
    }
    fn kr_opt(&self, v: &Option<i64>) -> String {
        kr_opt(v.map(|x| x * 100))
    }
    fn or_dash(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_else(|| "–".into())
    }
}

pub async fn uppfoljning_finsam(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let association = super::pick_association(&state, &p, q.association).await?.id;
    let year = q.year.filter(|y| (2000..=2200).contains(y)).unwrap_or_else(this_year);
    let f = service::uppfoljning_finsam(&state.db, &p, association, year).await?;
    Ok(render(
        StatusCode::OK,
        &FinsamPage {
            layout: Layout::for_user(format!("Uppföljning Finsam {year}"), &p, "/ekonomi"),
            association_id: association,
            year,
            missing: f.missing.as_deref().map(crate::http::messages::message),
            f,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct RequisitionsQuery {
    #[serde(default, rename = "ar")]
    year: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "fore")]
    before: Option<i64>,
    #[serde(default, rename = "forbund")]
    association: Option<i64>,
}

pub struct RequisitionLine {
    pub id: i64,
    pub intervention_id: i64,
    pub intervention: String,
    pub owner: String,
    pub period: String,
    pub amount: String,
    pub status: &'static str,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "association_requisitions.html")]
struct RequisitionsPage {
    layout: Layout,
    association_id: i64,
    year: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    lines: Vec<RequisitionLine>,
    total: i64,
    next: Option<String>,
    download: String,
}

/// The association's requisitions, newest first, 50 a page: the office's list of claims to handle.
pub async fn requisitions(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<RequisitionsQuery>,
) -> Result<Response, PageError> {
    use crate::domain::economy::RequisitionStatus;
    let association = super::pick_association(&state, &p, q.association).await?.id;
    let year: Option<i32> = q.year.as_deref().and_then(|y| y.trim().parse().ok()).filter(|y| (2000..=2200).contains(y));
    let status = q.status.as_deref().and_then(RequisitionStatus::parse);
    let query = crate::storage::economy::RequisitionQuery {
        association_id: association,
        year,
        status: status.map(RequisitionStatus::code),
        from_id: q.before,
        ascending: false,
        limit: 50,
    };
    let (rows, total) = crate::service::requisitions::association_list(&state.db, &p, &query).await?;
    let filter = format!(
        "forbund={association}{}{}",
        year.map(|y| format!("&ar={y}")).unwrap_or_default(),
        status.map(|s| format!("&status={}", s.code())).unwrap_or_default()
    );
    let next = (rows.len() == 50)
        .then(|| rows.last().map(|r| format!("/ekonomi/rekvisitioner?{filter}&fore={}", r.id)))
        .flatten();
    let download = format!(
        "/api/v1/requisitions?association_id={association}{}{}",
        year.map(|y| format!("&year={y}")).unwrap_or_default(),
        status.map(|s| format!("&status={}", s.code())).unwrap_or_default()
    );
    Ok(render(
        StatusCode::OK,
        &RequisitionsPage {
            layout: Layout::for_user("Rekvisitioner", &p, "/ekonomi"),
            association_id: association,
            year: year.map(|y| y.to_string()).unwrap_or_default(),
            status: status.map(|s| s.code().to_string()).unwrap_or_default(),
            statuses: RequisitionStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
            lines: rows
                .into_iter()
                .map(|r| RequisitionLine {
                    id: r.id,
                    intervention_id: r.intervention_id,
                    period: format!("{} – {}", r.period_from, r.period_to),
                    amount: kr(r.amount_ore),
                    status: RequisitionStatus::parse(&r.status).map(RequisitionStatus::label).unwrap_or(""),
                    submitted: crate::domain::time::format_local(r.submitted_at),
                    intervention: r.intervention_name,
                    owner: r.owner_name,
                })
                .collect(),
            total,
            next,
            download,
        },
    ))
}
