//! Follow-up without personal data: an intervention's settings and goals, its case workers, the
//! association's code lists, instruments and thresholds, goals measured live and the statistics,
//! with small counts hidden from everyone but the intervention's own case workers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::audit::Action;
use crate::domain::follow_up::{evaluate, suppress, Goal, GoalRule, ShownGoalResult};
use crate::domain::participant::{
    age_group, check_code_list, check_instruments, default_instruments, Code, CodeList, FollowUpSettings, Instrument,
    Sex, AGE_GROUPS,
};
use crate::domain::party::PartyKind;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::interventions::{self as intervention_store, InterventionRow};
use crate::storage::participants::{self as store, AssociationFollowUpRow, Scope};
use crate::storage::{members as member_store, Db, Tx};

use super::audit::{Actor, Event};
use super::interventions::reach;
use super::participants::follows;
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// The association's follow-up settings; the defaults where none are saved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssociationSettings {
    /// Counts from 1 to this minus one are hidden ("<5" for 5).
    pub suppression_threshold: i32,
    /// Personal data is removed this many months after the exit.
    pub retention_months: i32,
    /// The version of the consent text new consents are recorded against.
    pub consent_version: String,
}

impl Default for AssociationSettings {
    fn default() -> Self {
        AssociationSettings {
            suppression_threshold: 5,
            retention_months: 24,
            consent_version: "Samtycke till uppföljning, version 1".into(),
        }
    }
}

pub(crate) async fn association_settings_in(tx: &mut Tx, association_id: i64) -> ServiceResult<AssociationSettings> {
    Ok(match store::association_follow_up(tx, association_id).await? {
        Some(r) => AssociationSettings {
            suppression_threshold: r.suppression_threshold,
            retention_months: r.retention_months,
            consent_version: r.consent_version,
        },
        None => AssociationSettings::default(),
    })
}

pub(crate) async fn instruments_in(tx: &mut Tx, association_id: i64) -> ServiceResult<Vec<Instrument>> {
    let saved = store::association_follow_up(tx, association_id).await?.and_then(|r| r.instruments);
    Ok(saved.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_else(default_instruments))
}

/// The association's list, or the default one.
pub(crate) async fn code_list(tx: &mut Tx, association_id: i64, list: CodeList) -> ServiceResult<Vec<Code>> {
    let saved = store::code_list(tx, association_id, list.code()).await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_else(|| {
        list.defaults().iter().map(|(c, l)| Code { code: c.to_string(), label: l.to_string() }).collect()
    }))
}

/// The intervention's settings and goals, or the defaults (seed 002's triage and deadlines, no goals).
pub(crate) async fn settings_in(tx: &mut Tx, intervention_id: i64) -> ServiceResult<(FollowUpSettings, Vec<Goal>)> {
    Ok(match store::follow_up(tx, intervention_id).await? {
        Some((s, g)) => (serde_json::from_str(&s).unwrap_or_default(), serde_json::from_str(&g).unwrap_or_default()),
        None => (FollowUpSettings::default(), Vec::new()),
    })
}

/// The settings of several interventions at once (the defaults where none are saved).
pub(crate) async fn settings_of_many(tx: &mut Tx, ids: &[i64]) -> ServiceResult<Vec<(i64, FollowUpSettings)>> {
    let saved = store::follow_up_many(tx, ids).await?;
    Ok(ids
        .iter()
        .map(|id| {
            let s = saved.iter().find(|(i, _)| i == id).and_then(|(_, s)| serde_json::from_str(s).ok());
            (*id, s.unwrap_or_default())
        })
        .collect())
}

/// What the caller may do with an intervention's follow-up.
struct Standing {
    row: InterventionRow,
    /// An assigned case worker of the owner: sees everything, unsuppressed.
    case_worker: bool,
    /// The owner's insatsansvarig or an assigned case worker: may change settings and goals.
    may_configure: bool,
    /// The owner's insatsansvarig: assigns case workers.
    lead: bool,
}

async fn standing(tx: &mut Tx, p: &Principal, intervention_id: i64) -> ServiceResult<Standing> {
    let row = intervention_store::get(tx, intervention_id, time::today()).await?.ok_or(ServiceError::NotFound)?;
    let parties = intervention_store::parties(tx, intervention_id).await?;
    let r = reach(p, row.association_id);
    if !(r.all || parties.iter().any(|x| r.members.contains(&x.member_id))) {
        return Err(ServiceError::NotFound);
    }
    let case_worker = follows(tx, p, &row).await?;
    let lead = p.grants.iter().any(|g| g.role == Role::InterventionLead && g.member_id == Some(row.owner_member_id));
    Ok(Standing { row, case_worker, may_configure: case_worker || lead, lead })
}

pub struct FollowUpView {
    pub row: InterventionRow,
    pub settings: FollowUpSettings,
    pub goals: Vec<Goal>,
    pub case_workers: Vec<(i64, String)>,
    /// Whom the owner's insatsansvarig may assign; empty for everyone else.
    pub candidates: Vec<(i64, String)>,
    pub may_configure: bool,
    pub case_worker: bool,
    pub lead: bool,
}

pub async fn get(db: &Db, p: &Principal, intervention_id: i64) -> ServiceResult<FollowUpView> {
    let mut tx = db.read().await?;
    let s = standing(&mut tx, p, intervention_id).await?;
    let (settings, goals) = settings_in(&mut tx, intervention_id).await?;
    let case_workers = store::case_workers(&mut tx, intervention_id).await?;
    let candidates =
        if s.lead { store::case_worker_candidates(&mut tx, s.row.owner_member_id).await? } else { Vec::new() };
    tx.commit().await?;
    Ok(FollowUpView {
        row: s.row,
        settings,
        goals,
        case_workers,
        candidates,
        may_configure: s.may_configure,
        case_worker: s.case_worker,
        lead: s.lead,
    })
}

/// Saves the intervention's settings and goals after checking them.
pub async fn save(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    settings: &FollowUpSettings,
    goals: &[Goal],
) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let s = standing(&mut tx, p, intervention_id).await?;
    if !s.may_configure {
        return Err(ServiceError::Denied("not_intervention_staff"));
    }
    if let Err(code) = settings.check() {
        return Err(ServiceError::Invalid(vec![FieldError::new("settings", code)]));
    }
    if goals.len() > 50 {
        return Err(ServiceError::Invalid(vec![FieldError::new("goals", "too_many")]));
    }
    let parts: Vec<String> = settings.parts.iter().map(|x| x.code.clone()).collect();
    let triage: Vec<String> = settings.triage.iter().map(|x| x.code.clone()).collect();
    let errors: Vec<FieldError> = goals
        .iter()
        .enumerate()
        .filter_map(|(i, g)| g.check(&parts, &triage).err().map(|c| FieldError::new(format!("goals[{i}]"), c)))
        .collect();
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let json_settings = serde_json::to_string(settings).expect("settings serialise");
    let json_goals = serde_json::to_string(goals).expect("goals serialise");
    store::save_follow_up(&mut tx, intervention_id, &json_settings, &json_goals, p.user_id, time::now()).await?;
    Event::new(&Actor::of(p, Some(s.row.association_id)), Action::FollowUpSave)
        .association(s.row.association_id)
        .object("intervention", intervention_id)
        .details(json!({ "goals": goals.len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns the case workers of the intervention; only the owner's insatsansvarig may, and only
/// the owner's case workers can be assigned.
pub async fn assign(db: &Db, p: &Principal, intervention_id: i64, users: &[i64]) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let s = standing(&mut tx, p, intervention_id).await?;
    if !s.lead {
        return Err(ServiceError::Denied("not_intervention_lead"));
    }
    let candidates = store::case_worker_candidates(&mut tx, s.row.owner_member_id).await?;
    if users.iter().any(|u| !candidates.iter().any(|c| c.0 == *u)) {
        return Err(ServiceError::Invalid(vec![FieldError::new("user_ids", "not_owner_case_worker")]));
    }
    let mut users = users.to_vec();
    users.sort();
    users.dedup();
    store::set_case_workers(&mut tx, intervention_id, &users, p.user_id, time::now()).await?;
    Event::new(&Actor::of(p, Some(s.row.association_id)), Action::CaseWorkersAssign)
        .association(s.row.association_id)
        .member(s.row.owner_member_id)
        .object("intervention", intervention_id)
        .details(json!({ "user_ids": users }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every code list of the association, as used.
pub async fn code_lists(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<Vec<(CodeList, Vec<Code>)>> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let mut out = Vec::new();
    for list in CodeList::ALL {
        out.push((list, code_list(&mut tx, association_id, list).await?));
    }
    tx.commit().await?;
    Ok(out)
}

pub async fn save_code_list(
    db: &Db,
    p: &Principal,
    association_id: i64,
    list: CodeList,
    codes: &[Code],
) -> ServiceResult<()> {
    p.administer(association_id)?;
    let codes: Vec<Code> =
        codes.iter().map(|c| Code { code: c.code.trim().to_string(), label: c.label.trim().to_string() }).collect();
    if let Err(code) = check_code_list(list, &codes) {
        return Err(ServiceError::Invalid(vec![FieldError::new("codes", code)]));
    }
    let mut tx = db.write().await?;
    let json = serde_json::to_string(&codes).expect("codes serialise");
    store::save_code_list(&mut tx, association_id, list.code(), &json, p.user_id, time::now()).await?;
    Event::new(&Actor::of(p, Some(association_id)), Action::FollowUpAssociationSave)
        .association(association_id)
        .object("code_list", list.code())
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn association_settings(
    db: &Db,
    p: &Principal,
    association_id: i64,
) -> ServiceResult<(AssociationSettings, Vec<Instrument>)> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let s = association_settings_in(&mut tx, association_id).await?;
    let i = instruments_in(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok((s, i))
}

pub async fn save_association_settings(
    db: &Db,
    p: &Principal,
    association_id: i64,
    s: &AssociationSettings,
    instruments: &[Instrument],
    lists: &[(CodeList, Vec<Code>)],
) -> ServiceResult<()> {
    p.administer(association_id)?;
    let mut errors = Vec::new();
    for (list, codes) in lists {
        if let Err(code) = check_code_list(*list, codes) {
            errors.push(FieldError::new(format!("list_{}", list.code()), code));
        }
    }
    if !(2..=20).contains(&s.suppression_threshold) {
        errors.push(FieldError::new("suppression_threshold", "out_of_range"));
    }
    if !(1..=240).contains(&s.retention_months) {
        errors.push(FieldError::new("retention_months", "out_of_range"));
    }
    if s.consent_version.trim().is_empty() || s.consent_version.chars().count() > 200 {
        errors.push(FieldError::new("consent_version", "required"));
    }
    if let Err(code) = check_instruments(instruments) {
        errors.push(FieldError::new("instruments", code));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let mut tx = db.write().await?;
    let row = AssociationFollowUpRow {
        suppression_threshold: s.suppression_threshold,
        retention_months: s.retention_months,
        consent_version: s.consent_version.trim().to_string(),
        instruments: Some(serde_json::to_string(instruments).expect("instruments serialise")),
    };
    store::save_association_follow_up(&mut tx, association_id, &row, time::now()).await?;
    // The lists with the settings, in one transaction: all saved or none.
    for (list, codes) in lists {
        let json = serde_json::to_string(codes).expect("codes serialise");
        store::save_code_list(&mut tx, association_id, list.code(), &json, p.user_id, time::now()).await?;
    }
    Event::new(&Actor::of(p, Some(association_id)), Action::FollowUpAssociationSave)
        .association(association_id)
        .object("association", association_id)
        .details(json!({ "suppression_threshold": s.suppression_threshold, "retention_months": s.retention_months }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A period to measure; both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The given ends, or the current calendar year; the start must not follow the end.
    pub fn parse(from: Option<NaiveDate>, to: Option<NaiveDate>) -> ServiceResult<Period> {
        use chrono::Datelike;
        let year = time::today().year();
        let from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"));
        let to = to.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December"));
        if from > to {
            return Err(ServiceError::Invalid(vec![FieldError::new("to", "period_reversed")]));
        }
        if (to - from).num_days() > 366 * 10 {
            return Err(ServiceError::Invalid(vec![FieldError::new("from", "period_too_long")]));
        }
        Ok(Period { from, to })
    }
}

pub struct GoalsView {
    pub row: InterventionRow,
    pub settings: FollowUpSettings,
    pub period: Period,
    /// Each goal with its result as the caller may see it.
    pub goals: Vec<(Goal, ShownGoalResult)>,
    pub suppressed: bool,
}

/// The intervention's goals measured over the period. Figures are counts, hidden when small for
/// everyone but the intervention's case workers.
pub async fn goals(db: &Db, p: &Principal, intervention_id: i64, period: Period) -> ServiceResult<GoalsView> {
    let mut tx = db.read().await?;
    let s = standing(&mut tx, p, intervention_id).await?;
    let (settings, goals) = settings_in(&mut tx, intervention_id).await?;
    let threshold = association_settings_in(&mut tx, s.row.association_id).await?.suppression_threshold;
    let facts = store::facts(&mut tx, intervention_id, period.to).await?;
    tx.commit().await?;
    let today = time::today();
    // Small groups are hidden here, once, for the page and the API alike.
    let hide_below = (!s.case_worker).then_some(threshold as i64);
    let results = goals
        .into_iter()
        .map(|g| {
            let volume = matches!(g.rule, GoalRule::Volume { .. });
            let r = evaluate(&g, &facts, period.from, period.to, today).shown(volume, hide_below);
            (g, r)
        })
        .collect();
    Ok(GoalsView { row: s.row, settings, period, goals: results, suppressed: !s.case_worker })
}

/// One cell of a table: its count, or hidden.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cell {
    pub count: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TableRow {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table of counts whose last row is the total of each column.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// A share of a group: `part` of `whole`, or a median; hidden when it would show a small group.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Indicator {
    pub label: String,
    /// Kvinnor, män and totalt.
    pub values: Vec<IndicatorValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorValue {
    pub group: String,
    pub part: Option<i64>,
    pub whole: Option<i64>,
    /// The share in percent with one decimal, or the median in days.
    pub value: Option<f64>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Statistics {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether small counts are hidden for this caller.
    pub suppressed: bool,
    pub threshold: i32,
    pub tables: Vec<Table>,
    pub indicators: Vec<Indicator>,
}

/// Hides counts per column so that no small count shows or can be worked out from the total row.
fn column_suppression(counts: &[Vec<i64>], threshold: i64, on: bool) -> Vec<Vec<bool>> {
    let rows = counts.len();
    let cols = counts.first().map_or(0, |r| r.len());
    let mut hidden = vec![vec![false; cols]; rows];
    if !on {
        return hidden;
    }
    for c in 0..cols {
        let line: Vec<i64> = counts.iter().map(|r| r[c]).collect();
        let h = suppress(&[line], threshold, false);
        for r in 0..rows {
            hidden[r][c] = h[0][r];
        }
    }
    hidden
}

fn cell(count: i64, hidden: bool, threshold: i64) -> Cell {
    if hidden {
        Cell { count: None, text: if count < threshold { format!("<{threshold}") } else { "–".into() } }
    } else {
        Cell { count: Some(count), text: count.to_string() }
    }
}

/// Builds a table from labelled rows of counts and adds the total row.
fn table(title: &str, columns: &[&str], rows: Vec<(String, Vec<i64>)>, threshold: i64, on: bool) -> Table {
    let width = columns.len();
    let mut total = vec![0; width];
    for (_, r) in &rows {
        for (t, v) in total.iter_mut().zip(r) {
            *t += v;
        }
    }
    let mut all: Vec<(String, Vec<i64>)> = rows;
    all.push(("Totalt".into(), total));
    let counts: Vec<Vec<i64>> = all.iter().map(|r| r.1.clone()).collect();
    let hidden = column_suppression(&counts, threshold, on);
    Table {
        title: title.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: all
            .into_iter()
            .zip(hidden)
            .map(|((label, values), h)| TableRow {
                label,
                cells: values.iter().zip(h).map(|(v, h)| cell(*v, h, threshold)).collect(),
            })
            .collect(),
    }
}

const COUNT_COLUMNS: [&str; 4] = ["Deltagare", "Nya", "Pågående", "Avslutade"];

fn share(part: i64, whole: i64, hidden: bool) -> IndicatorValue {
    if hidden || whole == 0 {
        return IndicatorValue {
            group: String::new(),
            part: None,
            whole: None,
            value: None,
            text: if hidden { "Dold (få deltagare)".into() } else { "–".into() },
        };
    }
    let per_mille = (part * 2000 + whole) / (2 * whole);
    let value = per_mille as f64 / 10.0;
    IndicatorValue {
        group: String::new(),
        part: Some(part),
        whole: Some(whole),
        value: Some(value),
        text: format!("{} av {} ({} %)", part, whole, format!("{value:.1}").replace('.', ",")),
    }
}

/// The indicators of reference.md 4.3 for an intervention or the whole association.
async fn statistics_in(
    tx: &mut Tx,
    scope: Scope,
    association_id: i64,
    period: Period,
    suppressed: bool,
) -> ServiceResult<Statistics> {
    let threshold = association_settings_in(tx, association_id).await?.suppression_threshold as i64;
    let cube = store::cube(tx, scope, period.from, period.to).await?;
    let members = member_store::list_members(tx, association_id).await?;
    let counts = |rows: &mut dyn Iterator<Item = &store::CubeRow>| {
        let mut v = vec![0i64; 4];
        for r in rows {
            v[0] += r.participants;
            v[1] += r.new;
            v[2] += r.ongoing;
            v[3] += r.exited;
        }
        v
    };
    let by_sex: Vec<(String, Vec<i64>)> = Sex::ALL
        .iter()
        .map(|s| (s.plural().to_string(), counts(&mut cube.iter().filter(|r| r.sex == s.code()))))
        .collect();
    let mut age_labels: Vec<&str> = vec!["Under 16"];
    age_labels.extend(AGE_GROUPS.iter().map(|g| g.0));
    age_labels.extend(["65 och äldre", age_group(None)]);
    let by_age: Vec<(String, Vec<i64>)> = age_labels
        .iter()
        .map(|a| (a.to_string(), counts(&mut cube.iter().filter(|r| r.age_group == *a))))
        .filter(|(_, v)| v.iter().any(|x| *x > 0))
        .collect();
    let mut by_kommun: Vec<(String, Vec<i64>)> = members
        .iter()
        .filter(|m| m.party_kind == PartyKind::Kommun)
        .map(|m| (m.name.clone(), counts(&mut cube.iter().filter(|r| r.home_member_id == Some(m.id)))))
        .filter(|(_, v)| v.iter().any(|x| *x > 0))
        .collect();
    let unknown = counts(&mut cube.iter().filter(|r| r.home_member_id.is_none()));
    if unknown.iter().any(|x| *x > 0) {
        by_kommun.push(("Annan eller okänd kommun".into(), unknown));
    }
    let mut tables = vec![
        table("Deltagare per kön", &COUNT_COLUMNS, by_sex, threshold, suppressed),
        table("Deltagare per åldersgrupp vid start", &COUNT_COLUMNS, by_age, threshold, suppressed),
        table("Deltagare per hemkommun", &COUNT_COLUMNS, by_kommun, threshold, suppressed),
    ];

    // Income before -> after: a matrix with row and column totals, protected in both directions.
    let pairs = store::income_matrix(tx, scope, period.from, period.to).await?;
    if !pairs.is_empty() {
        let labels = code_list(tx, association_id, CodeList::IncomeSource).await?;
        let label = |c: &str| labels.iter().find(|l| l.code == c).map_or(c.to_string(), |l| l.label.clone());
        let mut before: Vec<String> = pairs.iter().map(|p| p.0.clone()).collect();
        let mut after: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
        before.sort();
        before.dedup();
        after.sort();
        after.dedup();
        let mut grid: Vec<Vec<i64>> = before
            .iter()
            .map(|b| {
                let mut row: Vec<i64> =
                    after.iter().map(|a| pairs.iter().find(|p| p.0 == *b && p.1 == *a).map_or(0, |p| p.2)).collect();
                row.push(row.iter().sum());
                row
            })
            .collect();
        let totals: Vec<i64> = (0..=after.len()).map(|c| grid.iter().map(|r| r[c]).sum()).collect();
        grid.push(totals);
        let hidden = if suppressed {
            suppress(&grid, threshold, true)
        } else {
            vec![vec![false; after.len() + 1]; before.len() + 1]
        };
        let mut columns: Vec<String> = after.iter().map(|a| format!("Efter: {}", label(a))).collect();
        columns.push("Totalt".into());
        let mut row_labels: Vec<String> = before.iter().map(|b| format!("Före: {}", label(b))).collect();
        row_labels.push("Totalt".into());
        tables.push(Table {
            title: "Försörjning före och efter (avslutade, per övergång)".into(),
            columns,
            rows: row_labels
                .into_iter()
                .zip(grid.iter().zip(hidden))
                .map(|(label, (values, h))| TableRow {
                    label,
                    cells: values.iter().zip(h).map(|(v, h)| cell(*v, h, threshold)).collect(),
                })
                .collect(),
        });
    }

    // Shares by sex; a share is hidden with its numerator or denominator.
    let mut indicators = Vec::new();
    let sum = |f: &dyn Fn(&store::CubeRow) -> i64, sex: Option<Sex>| -> i64 {
        cube.iter().filter(|r| sex.is_none_or(|s| r.sex == s.code())).map(f).sum()
    };
    let groups: [(Option<Sex>, &str); 3] = [(Some(Sex::Female), "Kvinnor"), (Some(Sex::Male), "Män"), (None, "Totalt")];
    let share_indicator = |label: &str, parts: [i64; 3], wholes: [i64; 3]| {
        let hp = column_suppression(&parts.map(|v| vec![v]), threshold, suppressed);
        let hw = column_suppression(&wholes.map(|v| vec![v]), threshold, suppressed);
        Indicator {
            label: label.into(),
            values: (0..3)
                .map(|i| IndicatorValue {
                    group: groups[i].1.into(),
                    ..share(parts[i], wholes[i], hp[i][0] || hw[i][0])
                })
                .collect(),
        }
    };
    let triple = |f: &dyn Fn(&store::CubeRow) -> i64| groups.map(|(s, _)| sum(f, s));
    indicators.push(share_indicator(
        "Genomströmning (avslutade av alla deltagare)",
        triple(&|r| r.exited),
        triple(&|r| r.participants),
    ));
    indicators.push(share_indicator(
        "Andel till arbete eller studier (av avslutade)",
        triple(&|r| r.to_work_or_studies),
        triple(&|r| r.exited),
    ));
    let on_time = store::action_plan_on_time(tx, scope, period.from, period.to, time::today()).await?;
    let pick = |sex: Option<Sex>, i: usize| -> i64 {
        on_time.iter().filter(|r| sex.is_none_or(|s| r.0 == s.code())).map(|r| if i == 0 { r.1 } else { r.2 }).sum()
    };
    indicators.push(share_indicator(
        "Handlingsplan i tid",
        groups.map(|(s, _)| pick(s, 0)),
        groups.map(|(s, _)| pick(s, 1)),
    ));
    let exits = triple(&|r| r.exited);
    let mut medians = Vec::new();
    for (i, (sex, label)) in groups.iter().enumerate() {
        let m = store::median_days(tx, scope, sex.map(Sex::code), period.from, period.to).await?;
        let hidden = suppressed && exits[i] < threshold;
        medians.push(IndicatorValue {
            group: label.to_string(),
            part: None,
            whole: (!hidden).then_some(exits[i]),
            value: if hidden { None } else { m },
            text: match (hidden, m) {
                (true, _) => "Dold (få deltagare)".into(),
                (false, None) => "–".into(),
                (false, Some(d)) => {
                    format!("{} dagar", format!("{d:.1}").trim_end_matches(",0").replace(".0", "").replace('.', ","))
                }
            },
        });
    }
    indicators.push(Indicator { label: "Tid i insatsen (median, avslutade)".into(), values: medians });

    let instruments = instruments_in(tx, association_id).await?;
    for pr in store::progress(tx, scope, period.from, period.to).await? {
        let name = instruments
            .iter()
            .find(|i| i.code == pr.instrument)
            .and_then(|i| {
                i.dimensions.iter().find(|d| d.code == pr.dimension).map(|d| format!("{}: {}", i.name, d.label))
            })
            .unwrap_or_else(|| format!("{}: {}", pr.instrument, pr.dimension));
        let hidden = suppressed && pr.measured < threshold;
        let mean = (pr.change_sum as f64) / (pr.measured as f64);
        let mean_text = format!("{mean:+.1}").replace('.', ",");
        indicators.push(Indicator {
            label: format!("Progression {name} (första till senaste mätning)"),
            values: vec![IndicatorValue {
                group: "Totalt".into(),
                part: (!hidden).then_some(pr.improved),
                whole: (!hidden).then_some(pr.measured),
                value: (!hidden).then_some((mean * 10.0).round() / 10.0),
                text: if hidden {
                    "Dold (få deltagare)".into()
                } else {
                    format!("medelförändring {mean_text}; {} av {} förbättrade", pr.improved, pr.measured)
                },
            }],
        });
    }
    Ok(Statistics { from: period.from, to: period.to, suppressed, threshold: threshold as i32, tables, indicators })
}

/// An intervention's statistics: in full for its case workers, with small counts hidden for
/// everyone else who may see the intervention.
pub async fn intervention_statistics(
    db: &Db,
    p: &Principal,
    intervention_id: i64,
    period: Period,
) -> ServiceResult<(InterventionRow, Statistics)> {
    let mut tx = db.read().await?;
    let s = standing(&mut tx, p, intervention_id).await?;
    let stats =
        statistics_in(&mut tx, Scope::Intervention(intervention_id), s.row.association_id, period, !s.case_worker)
            .await?;
    tx.commit().await?;
    Ok((s.row, stats))
}

/// The figures a period report carries: the intervention's statistics and goals over the period,
/// always with small counts hidden, since reports are read by the office, the board and the
/// partners.
pub async fn report_figures_in(
    tx: &mut Tx,
    row: &InterventionRow,
    period: Period,
) -> ServiceResult<(Statistics, Vec<(Goal, ShownGoalResult)>)> {
    let stats = statistics_in(tx, Scope::Intervention(row.id), row.association_id, period, true).await?;
    let (_, goals) = settings_in(tx, row.id).await?;
    let threshold = association_settings_in(tx, row.association_id).await?.suppression_threshold as i64;
    let facts = store::facts(tx, row.id, period.to).await?;
    let today = time::today();
    let results = goals
        .into_iter()
        .map(|g| {
            let volume = matches!(g.rule, GoalRule::Volume { .. });
            let r = evaluate(&g, &facts, period.from, period.to, today).shown(volume, Some(threshold));
            (g, r)
        })
        .collect();
    Ok((stats, results))
}

/// The association's statistics over every intervention, always with small counts hidden, and
/// new, ongoing and exited per intervention and sex.
pub async fn association_statistics(
    db: &Db,
    p: &Principal,
    association_id: i64,
    period: Period,
) -> ServiceResult<Statistics> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let mut stats = statistics_in(&mut tx, Scope::Association(association_id), association_id, period, true).await?;
    let rows = store::per_intervention(&mut tx, association_id, period.from, period.to).await?;
    tx.commit().await?;
    let mut per: Vec<(String, Vec<i64>)> = Vec::new();
    let mut last_id = None;
    for r in &rows {
        if last_id != Some(r.intervention_id) {
            per.push((r.name.clone(), vec![0; 6]));
            last_id = Some(r.intervention_id);
        }
        let offset = if r.sex == Sex::Female.code() { 0 } else { 1 };
        let v = &mut per.last_mut().expect("pushed").1;
        v[offset] += r.new;
        v[2 + offset] += r.ongoing;
        v[4 + offset] += r.exited;
    }
    let threshold = stats.threshold as i64;
    stats.tables.insert(
        0,
        table(
            "Deltagare per insats",
            &["Nya kvinnor", "Nya män", "Pågående kvinnor", "Pågående män", "Avslutade kvinnor", "Avslutade män"],
            per,
            threshold,
            true,
        ),
    );
    Ok(stats)
}

/// The interventions the caller follows as case worker, for the start page.
pub async fn assigned_interventions(db: &Db, p: &Principal) -> ServiceResult<Vec<(i64, String)>> {
    let Some(load) = super::participants::case_load(p) else { return Ok(Vec::new()) };
    let mut tx = db.read().await?;
    let rows = store::assigned_interventions(&mut tx, &load).await?;
    tx.commit().await?;
    Ok(rows)
}
