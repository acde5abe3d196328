//! The association's money per year: the state's allocation and equity, the members'
//! contributions under the dated key, the budget per post, each kommun's return (utväxling) and
//! the figures of the national follow-up Uppföljning Finsam.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::domain::application::ApplicationContent;
use crate::domain::audit::Action;
use crate::domain::economy::{
    self, parse_percent_ppm, Contribution, InterventionMoney, KeyKind, KommunBasis, MemberWeight, Returns, WHOLE_PPM,
};
use crate::domain::follow_up::suppress;
use crate::domain::money::Money;
use crate::domain::party::PartyKind;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::economy::{self as store, BudgetPostRow, KeyRow, YearRow};
use crate::storage::members::{self as members_store, MemberRow, PopulationRow};
use crate::storage::{Db, Tx};

use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// The posts of the association's own budget.
pub const BUDGET_POSTS: [(&str, &str); 6] = [
    ("board", "Styrelse"),
    ("office", "Kansli och administration"),
    ("audit", "Revision"),
    ("interventions_individual", "Insatser, individinriktade"),
    ("interventions_structural", "Insatser, strukturövergripande"),
    ("unallocated", "Ej fördelat"),
];

/// The posts Uppföljning Finsam counts as administrative costs.
const ADMINISTRATIVE_POSTS: [&str; 3] = ["board", "office", "audit"];

pub fn budget_post_label(code: &str) -> &str {
    BUDGET_POSTS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or(code)
}

/// Defaults until the association sets its own: final costs may be claimed three months after
/// the end, and claims above 50 000 kr need evidence attached.
pub const DEFAULT_CLAIM_TAIL_MONTHS: i32 = 3;
pub const DEFAULT_ATTACHMENT_THRESHOLD: Money = Money::from_kronor(50_000);

/// May see the association's economy: everyone with a role in it.
fn see(p: &Principal, association_id: i64) -> ServiceResult<()> {
    if p.can_see_association(association_id) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// May change the association's economy: its administrator or its director.
fn manage(p: &Principal, association_id: i64) -> ServiceResult<()> {
    see(p, association_id)?;
    if p.is_system_admin() || p.holds_in(association_id, &[Role::AssociationAdmin, Role::Director]) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn check_year(year: i32) -> ServiceResult<()> {
    if (2000..=2200).contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(vec![FieldError::new("year", "out_of_range")]))
    }
}

/// Whole kronor from a field in kronor that may be neither negative nor absurd.
fn kronor(field: impl Into<String>, value: i64, errors: &mut Vec<FieldError>) -> Money {
    if value < 0 {
        errors.push(FieldError::new(field, "negative_amount"));
    } else if value > 100_000_000_000 {
        errors.push(FieldError::new(field, "amount_too_large"));
    }
    Money::from_kronor(value.clamp(0, 100_000_000_000))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AllocationInput {
    /// The state's allocation for the year, whole kronor. The members' contributions follow.
    pub state_allocation_sek: i64,
    /// The equity (eget kapital) at the end of the year, once known.
    #[serde(default)]
    pub equity_sek: Option<i64>,
    /// When Försäkringskassan decided the allocation.
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
}

pub async fn set_allocation(
    db: &Db,
    p: &Principal,
    association_id: i64,
    year: i32,
    input: &AllocationInput,
) -> ServiceResult<()> {
    manage(p, association_id)?;
    check_year(year)?;
    let mut errors = Vec::new();
    let state = kronor("state_allocation_sek", input.state_allocation_sek, &mut errors);
    // Equity may be negative (a deficit), but not absurd.
    if input.equity_sek.is_some_and(|e| e.abs() > 100_000_000_000) {
        errors.push(FieldError::new("equity_sek", "amount_too_large"));
    }
    if input.decided_on.is_some_and(|d| d > time::today()) {
        errors.push(FieldError::new("decided_on", "date_in_future"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let row = YearRow {
        year,
        state_allocation_ore: state.ore(),
        equity_ore: input.equity_sek.map(|e| Money::from_kronor(e).ore()),
        decided_on: input.decided_on,
    };
    let mut tx = db.write().await?;
    store::save_year(&mut tx, association_id, &row, p.user_id, time::now()).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::AllocationSave)
        .association(association_id)
        .object("association_year", year)
        .details(json!({ "year": year, "state_allocation_sek": input.state_allocation_sek }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct KeyShareInput {
    pub member_id: i64,
    /// The kommun's share of the kommuner's quarter in percent, up to four decimals ("60,1463").
    pub percent: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct KeyInput {
    /// The first year the key applies; it applies until a later key starts. (In the API the
    /// year comes from the path.)
    #[serde(default)]
    pub valid_from_year: i32,
    /// population, population_16_64 or fixed.
    pub kind: String,
    /// For fixed keys: every kommun's share; they must sum to exactly 100 %.
    #[serde(default)]
    pub shares: Vec<KeyShareInput>,
}

pub async fn set_key(db: &Db, p: &Principal, association_id: i64, input: &KeyInput) -> ServiceResult<()> {
    manage(p, association_id)?;
    let mut errors = Vec::new();
    if !(2000..=2200).contains(&input.valid_from_year) {
        errors.push(FieldError::new("valid_from_year", "out_of_range"));
    }
    let kind = KeyKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "unknown_code"));
    }
    let mut tx = db.write().await?;
    let kommuner: Vec<MemberRow> = members_store::list_members(&mut tx, association_id)
        .await?
        .into_iter()
        .filter(|m| m.party_kind == PartyKind::Kommun)
        .collect();
    let mut shares = Vec::new();
    if kind == Some(KeyKind::Fixed) {
        for (i, s) in input.shares.iter().enumerate() {
            if !kommuner.iter().any(|k| k.id == s.member_id) {
                errors.push(FieldError::new(format!("shares[{i}].member_id"), "not_a_kommun"));
            } else if shares.iter().any(|(m, _)| *m == s.member_id) {
                errors.push(FieldError::new(format!("shares[{i}].member_id"), "duplicate"));
            }
            match parse_percent_ppm(&s.percent) {
                Some(ppm) if ppm <= WHOLE_PPM => shares.push((s.member_id, ppm)),
                _ => errors.push(FieldError::new(format!("shares[{i}].percent"), "percent_invalid")),
            }
        }
        if errors.is_empty() {
            if let Some(k) = kommuner.iter().find(|k| !shares.iter().any(|(m, _)| *m == k.id)) {
                errors.push(FieldError::new(format!("share_{}", k.id), "required"));
            }
            if shares.iter().map(|(_, p)| p).sum::<i64>() != WHOLE_PPM {
                errors.push(FieldError::new("shares", "shares_not_whole"));
            }
        }
    } else if !input.shares.is_empty() {
        errors.push(FieldError::new("shares", "shares_only_fixed"));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let kind = kind.expect("checked above");
    store::save_key(&mut tx, association_id, input.valid_from_year, kind.code(), &shares, p.user_id, time::now())
        .await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::ContributionKeySave)
        .association(association_id)
        .object("contribution_key", input.valid_from_year)
        .details(json!({ "valid_from_year": input.valid_from_year, "kind": kind.code() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PopulationInput {
    pub member_id: i64,
    /// Inhabitants on 31 December of the year.
    pub population: i64,
    /// Of them aged 16–64, when known.
    #[serde(default)]
    pub population_16_64: Option<i64>,
}

/// Sets the kommuner's population figures for one year (SCB's, as at 31 December).
pub async fn set_populations(
    db: &Db,
    p: &Principal,
    association_id: i64,
    year: i32,
    input: &[PopulationInput],
) -> ServiceResult<()> {
    manage(p, association_id)?;
    if !(1900..=2200).contains(&year) {
        return Err(ServiceError::Invalid(vec![FieldError::new("year", "out_of_range")]));
    }
    let mut tx = db.write().await?;
    let kommuner: Vec<i64> = members_store::list_members(&mut tx, association_id)
        .await?
        .into_iter()
        .filter(|m| m.party_kind == PartyKind::Kommun)
        .map(|m| m.id)
        .collect();
    let mut errors = Vec::new();
    for (i, row) in input.iter().enumerate() {
        if !kommuner.contains(&row.member_id) {
            errors.push(FieldError::new(format!("[{i}].member_id"), "not_a_kommun"));
        }
        if row.population < 0 {
            errors.push(FieldError::new(format!("[{i}].population"), "population_negative"));
        }
        match row.population_16_64 {
            Some(n) if n < 0 => errors.push(FieldError::new(format!("[{i}].population_16_64"), "population_negative")),
            Some(n) if n > row.population => {
                errors.push(FieldError::new(format!("[{i}].population_16_64"), "population_16_64_above_total"))
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    for row in input {
        members_store::set_population(
            &mut tx,
            &PopulationRow {
                member_id: row.member_id,
                year,
                population: row.population,
                population_16_64: row.population_16_64,
            },
        )
        .await?;
    }
    Event::new(&Actor::of(p, Some(association_id)), Action::PopulationSave)
        .association(association_id)
        .object("population_year", year)
        .details(json!({ "year": year, "kommuner": input.len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BudgetPostInput {
    /// board, office, audit, interventions_individual, interventions_structural or unallocated.
    pub post: String,
    pub budget_sek: i64,
    #[serde(default)]
    pub outcome_sek: Option<i64>,
    #[serde(default)]
    pub forecast_sek: Option<i64>,
}

/// Replaces the association's budget for the year.
pub async fn set_budget(
    db: &Db,
    p: &Principal,
    association_id: i64,
    year: i32,
    posts: &[BudgetPostInput],
) -> ServiceResult<()> {
    manage(p, association_id)?;
    check_year(year)?;
    let mut errors = Vec::new();
    let mut rows: Vec<BudgetPostRow> = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        let code = post.post.trim();
        if !BUDGET_POSTS.iter().any(|(c, _)| *c == code) {
            errors.push(FieldError::new(format!("posts[{i}].post"), "unknown_code"));
        } else if rows.iter().any(|r| r.post == code) {
            errors.push(FieldError::new(format!("posts[{i}].post"), "duplicate"));
        }
        let mut amount = |field: &str, v: i64| kronor(format!("posts[{i}].{field}"), v, &mut errors).ore();
        let budget = amount("budget_sek", post.budget_sek);
        let outcome = post.outcome_sek.map(|v| amount("outcome_sek", v));
        let forecast = post.forecast_sek.map(|v| amount("forecast_sek", v));
        rows.push(BudgetPostRow {
            post: code.to_string(),
            budget_ore: budget,
            outcome_ore: outcome,
            forecast_ore: forecast,
        });
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = db.write().await?;
    store::save_budget_posts(&mut tx, association_id, year, &rows).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::BudgetSave)
        .association(association_id)
        .object("association_year", year)
        .details(json!({ "year": year, "posts": rows.len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EconomySettings {
    /// Months after an intervention's end within which final costs may be claimed.
    pub claim_tail_months: i32,
    /// Claims above this many kronor need evidence attached.
    pub attachment_threshold_sek: i64,
}

pub async fn settings_in(tx: &mut Tx, association_id: i64) -> ServiceResult<EconomySettings> {
    Ok(match store::settings(tx, association_id).await? {
        Some((tail, threshold)) => EconomySettings {
            claim_tail_months: tail,
            attachment_threshold_sek: Money::from_ore(threshold).kronor_rounded(),
        },
        None => EconomySettings {
            claim_tail_months: DEFAULT_CLAIM_TAIL_MONTHS,
            attachment_threshold_sek: DEFAULT_ATTACHMENT_THRESHOLD.kronor_rounded(),
        },
    })
}

pub async fn settings(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<EconomySettings> {
    see(p, association_id)?;
    let mut tx = db.read().await?;
    let s = settings_in(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn save_settings(db: &Db, p: &Principal, association_id: i64, s: &EconomySettings) -> ServiceResult<()> {
    manage(p, association_id)?;
    let mut errors = Vec::new();
    if !(0..=24).contains(&s.claim_tail_months) {
        errors.push(FieldError::new("claim_tail_months", "out_of_range"));
    }
    let threshold = kronor("attachment_threshold_sek", s.attachment_threshold_sek, &mut errors);
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = db.write().await?;
    store::save_settings(&mut tx, association_id, s.claim_tail_months, threshold.ore(), time::now()).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::EconomySettingsSave)
        .association(association_id)
        .object("association", association_id)
        .details(
            json!({ "claim_tail_months": s.claim_tail_months, "attachment_threshold_sek": s.attachment_threshold_sek }),
        )
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The figures the key and the fairness index rest on: the latest year before `year` for which
/// every kommun has a population (the förbundsordningar use 31 December of the year before), or
/// failing that the year itself.
fn population_year(kommuner: &[MemberRow], populations: &[PopulationRow], year: i32, need_16_64: bool) -> Option<i32> {
    let complete = |y: i32| {
        kommuner.iter().all(|k| {
            populations
                .iter()
                .any(|p| p.member_id == k.id && p.year == y && (!need_16_64 || p.population_16_64.is_some()))
        })
    };
    let mut years: Vec<i32> = populations.iter().map(|p| p.year).filter(|y| *y <= year).collect();
    years.sort_unstable();
    years.dedup();
    years.iter().rev().copied().find(|y| *y < year && complete(*y)).or_else(|| complete(year).then_some(year))
}

/// A year's contributions with what they rest on.
#[derive(Debug, Clone)]
pub struct ContributionYear {
    pub year: i32,
    pub allocation: Option<YearRow>,
    pub key: Option<(KeyRow, KeyKind)>,
    /// The population figures' year, for population keys and for the fairness index.
    pub population_year: Option<i32>,
    pub contributions: Vec<Contribution>,
    pub members: Vec<MemberRow>,
    pub populations: Vec<PopulationRow>,
    /// Why there are no contributions yet: allocation_missing, key_missing, population_missing.
    pub missing: Option<&'static str>,
}

impl ContributionYear {
    pub fn total(&self) -> Money {
        self.contributions.iter().map(|c| c.amount).sum()
    }

    pub fn population_of(&self, member_id: i64) -> Option<i64> {
        let y = self.population_year?;
        self.populations.iter().find(|p| p.member_id == member_id && p.year == y).map(|p| p.population)
    }
}

async fn contribution_year(tx: &mut Tx, association_id: i64, year: i32) -> ServiceResult<ContributionYear> {
    let allocation = store::year(tx, association_id, year).await?;
    let key = store::key_for(tx, association_id, year).await?;
    let members = members_store::list_members(tx, association_id).await?;
    let populations = members_store::populations(tx, association_id).await?;
    let kommuner: Vec<MemberRow> = members.iter().filter(|m| m.party_kind == PartyKind::Kommun).cloned().collect();
    let key = match key {
        Some(k) => {
            let kind = KeyKind::parse(&k.kind).unwrap_or(KeyKind::Population);
            Some((k, kind))
        }
        None => None,
    };
    let need_16_64 = matches!(key, Some((_, KeyKind::Population16To64)));
    let pop_year = population_year(&kommuner, &populations, year, need_16_64);
    let mut out = ContributionYear {
        year,
        allocation: allocation.clone(),
        key: key.clone(),
        population_year: pop_year,
        contributions: Vec::new(),
        members: members.clone(),
        populations: populations.clone(),
        missing: None,
    };
    let Some(allocation) = allocation else {
        out.missing = Some("allocation_missing");
        return Ok(out);
    };
    let Some((key_row, kind)) = key else {
        out.missing = Some("key_missing");
        return Ok(out);
    };
    let shares = if kind == KeyKind::Fixed { store::key_shares(tx, key_row.id).await? } else { Vec::new() };
    let mut weights = Vec::new();
    for m in &members {
        let weight = if m.party_kind != PartyKind::Kommun {
            0
        } else if kind == KeyKind::Fixed {
            shares.iter().find(|(id, _)| *id == m.id).map(|(_, ppm)| *ppm).unwrap_or(0)
        } else {
            let Some(y) = pop_year else {
                out.missing = Some("population_missing");
                return Ok(out);
            };
            let row = populations.iter().find(|p| p.member_id == m.id && p.year == y).expect("complete year");
            if kind == KeyKind::Population {
                row.population
            } else {
                row.population_16_64.unwrap_or(0)
            }
        };
        weights.push(MemberWeight { member_id: m.id, name: m.name.clone(), kind: m.party_kind, weight });
    }
    // Allocations are whole kronor (the input is), so this loses nothing.
    out.contributions =
        economy::contributions(Money::from_ore(allocation.state_allocation_ore).kronor_rounded(), &weights);
    Ok(out)
}

pub async fn contributions(db: &Db, p: &Principal, association_id: i64, year: i32) -> ServiceResult<ContributionYear> {
    see(p, association_id)?;
    check_year(year)?;
    let mut tx = db.read().await?;
    let y = contribution_year(&mut tx, association_id, year).await?;
    tx.commit().await?;
    Ok(y)
}

/// The association's budget for a year, every post (absent ones at zero), in the fixed order.
pub async fn budget(db: &Db, p: &Principal, association_id: i64, year: i32) -> ServiceResult<Vec<BudgetPostRow>> {
    see(p, association_id)?;
    check_year(year)?;
    let mut tx = db.read().await?;
    let rows = store::budget_posts(&mut tx, association_id, year).await?;
    tx.commit().await?;
    Ok(BUDGET_POSTS
        .iter()
        .map(|(code, _)| {
            rows.iter().find(|r| r.post == *code).cloned().unwrap_or(BudgetPostRow {
                post: code.to_string(),
                budget_ore: 0,
                outcome_ore: None,
                forecast_ore: None,
            })
        })
        .collect())
}

pub async fn keys(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<Vec<(KeyRow, Vec<(i64, i64)>)>> {
    see(p, association_id)?;
    let mut tx = db.read().await?;
    let mut out = Vec::new();
    for k in store::keys(&mut tx, association_id).await? {
        let shares = store::key_shares(&mut tx, k.id).await?;
        out.push((k, shares));
    }
    tx.commit().await?;
    Ok(out)
}

pub async fn years(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<Vec<YearRow>> {
    see(p, association_id)?;
    let mut tx = db.read().await?;
    let y = store::years(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(y)
}

/// An intervention's grant for the year: the yearly maximum where the board set one, else the
/// total spread over the period by days.
fn year_budget(i: &store::InterventionYear, year: i32) -> Money {
    if i.yearly_maxima > 0 {
        Money::from_ore(i.granted_ore)
    } else {
        economy::year_share(Money::from_ore(i.max_total_ore), i.start_date, i.end_date, &[], year)
    }
}

/// What the return is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Approved claims for costs in the year.
    Outcome,
    /// The grants for the year (planning).
    Granted,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Outcome => "Utfall (attesterade rekvisitioner)",
            Basis::Granted => "Beviljat (planering)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReturnYear {
    pub year: i32,
    pub basis: Basis,
    pub contributions: ContributionYear,
    pub returns: Returns,
}

async fn return_year(tx: &mut Tx, association_id: i64, year: i32, basis: Basis) -> ServiceResult<ReturnYear> {
    let contributions = contribution_year(tx, association_id, year).await?;
    let interventions = store::interventions_in_year(tx, association_id, year).await?;
    let parties = store::kommun_parties(tx, association_id).await?;
    let participants = store::participants_by_kommun(tx, association_id, year).await?;
    let kommuner: Vec<KommunBasis> = contributions
        .members
        .iter()
        .filter(|m| m.party_kind == PartyKind::Kommun)
        .map(|m| KommunBasis {
            member_id: m.id,
            name: m.name.clone(),
            population: contributions.population_of(m.id).unwrap_or(0),
            contribution: contributions
                .contributions
                .iter()
                .find(|c| c.member_id == m.id)
                .map(|c| c.amount)
                .unwrap_or_default(),
        })
        .collect();
    let money: Vec<InterventionMoney> = interventions
        .iter()
        .map(|i| InterventionMoney {
            intervention_id: i.id,
            name: i.name.clone(),
            structural: i.orientation == "structural",
            amount: if basis == Basis::Outcome { Money::from_ore(i.outcome_ore) } else { year_budget(i, year) },
            kommun_parties: parties.iter().filter(|(iid, _)| *iid == i.id).map(|(_, m)| *m).collect(),
            participants: participants.iter().filter(|(iid, _, _)| *iid == i.id).map(|(_, m, n)| (*m, *n)).collect(),
        })
        .collect();
    let returns = economy::returns(&kommuner, &money);
    Ok(ReturnYear { year, basis, contributions, returns })
}

/// Each kommun's return for the year, and for the years before back to `from` (at most ten).
pub async fn return_ratios(
    db: &Db,
    p: &Principal,
    association_id: i64,
    from: i32,
    to: i32,
    basis: Basis,
) -> ServiceResult<Vec<ReturnYear>> {
    see(p, association_id)?;
    check_year(from)?;
    check_year(to)?;
    if from > to || to - from > 9 {
        return Err(ServiceError::Invalid(vec![FieldError::new("from", "out_of_range")]));
    }
    let mut tx = db.read().await?;
    let mut out = Vec::new();
    for year in from..=to {
        out.push(return_year(&mut tx, association_id, year, basis).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// One intervention's line in Uppföljning Finsam.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinsamIntervention {
    pub intervention_id: i64,
    pub name: String,
    /// Individinriktad or Strukturövergripande.
    pub orientation: String,
    pub target_group: String,
    pub esf: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub budget_sek: i64,
    pub outcome_sek: i64,
    pub budgeted_participants: Option<i32>,
    /// For individual interventions: participants per sex (as shown to the caller: "<5" when
    /// hidden). For structural interventions only the total.
    pub women: Option<String>,
    pub men: Option<String>,
    pub participants_total: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinsamYear {
    pub year: i32,
    pub allocated_state_sek: i64,
    pub allocated_region_sek: i64,
    pub allocated_kommuner_sek: i64,
    pub allocated_total_sek: i64,
    pub equity_sek: Option<i64>,
    pub administrative_budget_sek: i64,
    pub administrative_outcome_sek: Option<i64>,
    pub interventions: Vec<FinsamIntervention>,
    /// Whether small counts are hidden in this view.
    pub suppressed: bool,
    /// Why the funds are missing, if they are (allocation_missing, key_missing, population_missing).
    pub missing: Option<String>,
}

/// Who sees the participant counts exactly: the association's administrator, who reports them
/// to Uppföljning Finsam. Everyone else sees small counts hidden.
fn reports_to_finsam(p: &Principal, association_id: i64) -> bool {
    p.holds_in(association_id, &[Role::AssociationAdmin])
}

pub async fn uppfoljning_finsam(db: &Db, p: &Principal, association_id: i64, year: i32) -> ServiceResult<FinsamYear> {
    see(p, association_id)?;
    check_year(year)?;
    let mut tx = db.read().await?;
    let c = contribution_year(&mut tx, association_id, year).await?;
    let posts = store::budget_posts(&mut tx, association_id, year).await?;
    let interventions = store::interventions_in_year(&mut tx, association_id, year).await?;
    let by_sex = store::participants_by_sex(&mut tx, association_id, year).await?;
    let threshold =
        crate::service::follow_up::association_settings_in(&mut tx, association_id).await?.suppression_threshold as i64;
    tx.commit().await?;
    let exact = reports_to_finsam(p, association_id);
    // Women, men and their total are one relation: a hidden count is never given away by the others.
    let show = |counts: [i64; 3]| -> [String; 3] {
        let hidden = if exact { vec![vec![false; 3]] } else { suppress(&[counts.to_vec()], threshold, false) };
        std::array::from_fn(|i| match (hidden[0][i], counts[i] < threshold) {
            (false, _) => counts[i].to_string(),
            (true, true) => format!("<{threshold}"),
            (true, false) => "–".to_string(),
        })
    };
    let sum_kind = |kinds: &[PartyKind]| -> i64 {
        c.contributions.iter().filter(|x| kinds.contains(&x.kind)).map(|x| x.amount.ore()).sum::<i64>() / 100
    };
    let admin: Vec<&BudgetPostRow> = posts.iter().filter(|p| ADMINISTRATIVE_POSTS.contains(&p.post.as_str())).collect();
    let admin_outcome = if admin.iter().any(|p| p.outcome_ore.is_some()) {
        Some(admin.iter().filter_map(|p| p.outcome_ore).sum::<i64>() / 100)
    } else {
        None
    };
    let lines = interventions
        .iter()
        .map(|i| -> ServiceResult<FinsamIntervention> {
            // The service writes the content whole; one that does not read is a fault to report,
            // not a blank line in a national report.
            let content: ApplicationContent = serde_json::from_str(&i.content).map_err(|e| {
                tracing::error!(intervention = i.id, error = %e, "application content unreadable");
                ServiceError::Conflict("content_unreadable")
            })?;
            let count =
                |sex: &str| by_sex.iter().filter(|(id, s, _)| *id == i.id && s == sex).map(|(_, _, n)| *n).sum::<i64>();
            let structural = i.orientation == "structural";
            let (women, men) = (count("female"), count("male"));
            let [women, men, total] = show([women, men, women + men]);
            Ok(FinsamIntervention {
                intervention_id: i.id,
                name: i.name.clone(),
                orientation: if structural { "Strukturövergripande" } else { "Individinriktad" }.to_string(),
                target_group: content.target_group.clone(),
                esf: content.esf.unwrap_or(false),
                start_date: i.start_date,
                end_date: i.end_date,
                budget_sek: year_budget(i, year).kronor_rounded(),
                outcome_sek: Money::from_ore(i.outcome_ore).kronor_rounded(),
                budgeted_participants: content.participants_per_year,
                women: (!structural).then_some(women),
                men: (!structural).then_some(men),
                participants_total: Some(total),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(FinsamYear {
        year,
        allocated_state_sek: sum_kind(&[PartyKind::Fk, PartyKind::Af]),
        allocated_region_sek: sum_kind(&[PartyKind::Region]),
        allocated_kommuner_sek: sum_kind(&[PartyKind::Kommun]),
        allocated_total_sek: c.total().ore() / 100,
        equity_sek: c.allocation.as_ref().and_then(|a| a.equity_ore).map(|e| e / 100),
        administrative_budget_sek: admin.iter().map(|p| p.budget_ore).sum::<i64>() / 100,
        administrative_outcome_sek: admin_outcome,
        interventions: lines,
        suppressed: !exact,
        missing: c.missing.map(str::to_string),
    })
}
