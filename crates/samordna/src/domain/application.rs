//! The application (ansökan): its content section by section as in the association's template,
//! the budget summary, and the rules it must meet. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::money::Money;
use super::party::PartyKind;

/// individinriktad or strukturövergripande.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    Individual,
    Structural,
}

/// insatsmål (output) or effektmål (outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    Output,
    Outcome,
}

/// A party of the application and the person to contact there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartyContact {
    pub member_id: i64,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
}

/// One goal, so the follow-up can measure it later. `part` names the part it belongs to, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Goal {
    pub kind: GoalKind,
    pub text: String,
    #[serde(default)]
    pub part: Option<usize>,
}

/// A part with its own target group and planned volume (Jobbcentrum-Ung, Jobbcentrum-Rehabilitering).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Part {
    pub name: String,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub age_min: Option<i32>,
    #[serde(default)]
    pub age_max: Option<i32>,
    #[serde(default)]
    pub participants_per_year: Option<i32>,
}

/// One row of the budget: a party and a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BudgetRow {
    pub member_id: i64,
    pub year: i32,
    /// Att rekvirera från förbundet, in öre.
    pub requested_ore: i64,
    /// Egenfinansiering, in öre.
    pub own_financing_ore: i64,
}

impl BudgetRow {
    /// Totalt: always computed, never typed.
    pub fn total(&self) -> Money {
        Money::from_ore(self.requested_ore)
            .checked_add(Money::from_ore(self.own_financing_ore))
            .unwrap_or(Money::from_ore(i64::MAX))
    }
}

/// Förankring: was the application discussed in the LOKUS group or the strategic group?
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Anchoring {
    #[serde(default)]
    pub discussed: Option<bool>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub comment: String,
}

/// An application to extend an earlier intervention: the answer to each condition its decision set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Extension {
    pub intervention_id: i64,
    /// One answer per condition, in the decision's order; the condition's text is kept with it.
    #[serde(default)]
    pub answers: Vec<ConditionAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConditionAnswer {
    pub condition: String,
    #[serde(default)]
    pub answer: String,
}

/// Does this condition ask the parties to state their own financing?
pub fn asks_for_own_financing(condition: &str) -> bool {
    condition.to_lowercase().contains("egenfinansiering")
}

/// Everything the applicant writes. Stored as one document per version, so versions can be kept
/// whole and compared field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApplicationContent {
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
    pub budget: Vec<BudgetRow>,
    #[serde(default)]
    pub budget_comment: String,
    #[serde(default)]
    pub anchoring: Anchoring,
    /// The version of the association's agreement text the applicant accepted, if accepted.
    #[serde(default)]
    pub agreement_accepted_version: Option<i64>,
    /// Set when the application extends an earlier intervention (förlängning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Extension>,
}

/// What the rules need to know about the association's members.
#[derive(Debug, Clone)]
pub struct MemberInfo {
    pub id: i64,
    pub party_kind: PartyKind,
}

/// A broken rule: the field (a path such as `budget[2].year`) and a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub field: String,
    pub code: &'static str,
}

fn err(errors: &mut Vec<RuleError>, field: impl Into<String>, code: &'static str) {
    errors.push(RuleError { field: field.into(), code });
}

pub const MAX_TEXT: usize = 20_000;
pub const MAX_NAME: usize = 200;

impl ApplicationContent {
    /// Every party: the owner first, then the partners.
    pub fn party_ids(&self) -> Vec<i64> {
        let mut ids = vec![self.owner.member_id];
        for p in &self.partners {
            if !ids.contains(&p.member_id) {
                ids.push(p.member_id);
            }
        }
        ids
    }

    /// The rules that hold for every save, even of a draft: whatever is filled in is right.
    pub fn check_always(&self, members: &[MemberInfo]) -> Vec<RuleError> {
        let mut e = Vec::new();
        let is_member = |id: i64| members.iter().any(|m| m.id == id);
        if self.name.chars().count() > MAX_NAME {
            err(&mut e, "name", "too_long");
        }
        if self.owner.member_id != 0 && !is_member(self.owner.member_id) {
            err(&mut e, "owner.member_id", "member_unknown");
        }
        let mut seen = BTreeSet::new();
        for (i, p) in self.partners.iter().enumerate() {
            if !is_member(p.member_id) {
                err(&mut e, format!("partners[{i}].member_id"), "member_unknown");
            } else if p.member_id == self.owner.member_id {
                err(&mut e, format!("partners[{i}].member_id"), "partner_is_owner");
            } else if !seen.insert(p.member_id) {
                err(&mut e, format!("partners[{i}].member_id"), "partner_duplicate");
            }
        }
        for (field, text) in [
            ("purpose", &self.purpose),
            ("background", &self.background),
            ("target_group", &self.target_group),
            ("method", &self.method),
            ("follow_up", &self.follow_up),
            ("implementation", &self.implementation),
            ("budget_comment", &self.budget_comment),
            ("anchoring.comment", &self.anchoring.comment),
        ] {
            if text.chars().count() > MAX_TEXT {
                err(&mut e, field, "too_long");
            }
        }
        if let (Some(s), Some(end)) = (self.start_date, self.end_date) {
            if s >= end {
                err(&mut e, "end_date", "end_before_start");
            }
        }
        if let Some(last) = self.last_intake_date {
            let before_start = self.start_date.is_some_and(|s| last < s);
            let after_end = self.end_date.is_some_and(|end| last > end);
            if before_start || after_end {
                err(&mut e, "last_intake_date", "last_intake_outside_period");
            }
        }
        let mut ranges = vec![(String::new(), self.age_min, self.age_max)];
        ranges.extend(self.parts.iter().enumerate().map(|(i, p)| (format!("parts[{i}]."), p.age_min, p.age_max)));
        for (prefix, min, max) in ranges {
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    err(&mut e, format!("{prefix}age_max"), "age_range_invalid");
                }
            }
            for (f, v) in [("age_min", min), ("age_max", max)] {
                if v.is_some_and(|v| !(0..=120).contains(&v)) {
                    err(&mut e, format!("{prefix}{f}"), "age_invalid");
                }
            }
        }
        if self.participants_per_year.is_some_and(|n| n < 0) {
            err(&mut e, "participants_per_year", "negative");
        }
        for (i, part) in self.parts.iter().enumerate() {
            if part.name.trim().is_empty() {
                err(&mut e, format!("parts[{i}].name"), "required");
            }
            if part.participants_per_year.is_some_and(|n| n < 0) {
                err(&mut e, format!("parts[{i}].participants_per_year"), "negative");
            }
        }
        for (i, g) in self.goals.iter().enumerate() {
            if g.text.trim().is_empty() {
                err(&mut e, format!("goals[{i}].text"), "required");
            }
            if g.part.is_some_and(|p| p >= self.parts.len()) {
                err(&mut e, format!("goals[{i}].part"), "part_unknown");
            }
        }
        let parties = self.party_ids();
        let mut rows = BTreeSet::new();
        for (i, row) in self.budget.iter().enumerate() {
            if !parties.contains(&row.member_id) {
                err(&mut e, format!("budget[{i}].member_id"), "budget_party_unknown");
            }
            if row.requested_ore < 0 {
                err(&mut e, format!("budget[{i}].requested_sek"), "amount_negative");
            }
            if row.own_financing_ore < 0 {
                err(&mut e, format!("budget[{i}].own_financing_sek"), "amount_negative");
            }
            let outside = self.start_date.is_some_and(|s| row.year < s.year())
                || self.end_date.is_some_and(|end| row.year > end.year());
            if outside {
                err(&mut e, format!("budget[{i}].year"), "budget_year_outside_period");
            }
            if !rows.insert((row.member_id, row.year)) {
                err(&mut e, format!("budget[{i}].year"), "budget_row_duplicate");
            }
        }
        if self.anchoring.discussed == Some(false) && self.anchoring.date.is_some() {
            err(&mut e, "anchoring.date", "anchoring_date_without_discussion");
        }
        if let Some(ext) = &self.extends {
            for (i, a) in ext.answers.iter().enumerate() {
                if a.answer.chars().count() > MAX_TEXT || a.condition.chars().count() > MAX_TEXT {
                    err(&mut e, format!("extends.answers[{i}].answer"), "too_long");
                }
            }
        }
        e
    }

    /// The rules of an extension, given the conditions of the earlier decision: each answered,
    /// and own financing in the budget when a condition asks for it.
    pub fn check_extension(&self, conditions: &[String]) -> Vec<RuleError> {
        let mut e = Vec::new();
        let Some(ext) = &self.extends else {
            return e;
        };
        for (i, condition) in conditions.iter().enumerate() {
            let answered = ext.answers.iter().any(|a| a.condition == *condition && !a.answer.trim().is_empty());
            if !answered {
                err(&mut e, format!("extends.answers[{i}].answer"), "condition_unanswered");
            }
        }
        if conditions.iter().any(|c| asks_for_own_financing(c))
            && self.budget_summary().overall.own_financing.ore() <= 0
        {
            err(&mut e, "budget", "own_financing_required");
        }
        e
    }

    /// The rules for signing and submitting: every mandatory field (*) of the template filled in,
    /// and the parties as the law asks (at least two kinds; several kommuner are one party).
    /// `agreement_version` is the association's agreement text in force, if it has one.
    pub fn check_complete(&self, members: &[MemberInfo], agreement_version: Option<i64>) -> Vec<RuleError> {
        let mut e = self.check_always(members);
        if self.name.trim().is_empty() {
            err(&mut e, "name", "required");
        }
        if self.owner.member_id == 0 {
            err(&mut e, "owner.member_id", "required");
        }
        if self.owner.contact_name.trim().is_empty() {
            err(&mut e, "owner.contact_name", "required");
        }
        if self.owner.contact_email.trim().is_empty() {
            err(&mut e, "owner.contact_email", "required");
        }
        if self.partners.is_empty() {
            err(&mut e, "partners", "required");
        }
        let kinds: BTreeSet<&'static str> = self
            .party_ids()
            .iter()
            .filter_map(|id| members.iter().find(|m| m.id == *id))
            .map(|m| m.party_kind.code())
            .collect();
        if kinds.len() < 2 {
            err(&mut e, "partners", "too_few_party_kinds");
        }
        for (field, text) in [
            ("purpose", &self.purpose),
            ("background", &self.background),
            ("target_group", &self.target_group),
            ("method", &self.method),
            ("follow_up", &self.follow_up),
            ("implementation", &self.implementation),
        ] {
            if text.trim().is_empty() {
                err(&mut e, field, "required");
            }
        }
        if self.orientation.is_none() {
            err(&mut e, "orientation", "required");
        }
        if self.esf.is_none() {
            err(&mut e, "esf", "required");
        }
        if !self.goals.iter().any(|g| g.kind == GoalKind::Output)
            || !self.goals.iter().any(|g| g.kind == GoalKind::Outcome)
        {
            err(&mut e, "goals", "goals_required");
        }
        if self.start_date.is_none() {
            err(&mut e, "start_date", "required");
        }
        if self.end_date.is_none() {
            err(&mut e, "end_date", "required");
        }
        if self.budget.is_empty() {
            err(&mut e, "budget", "required");
        }
        if self.anchoring.discussed.is_none() {
            err(&mut e, "anchoring.discussed", "required");
        }
        if agreement_version.is_some() && self.agreement_accepted_version != agreement_version {
            err(&mut e, "agreement_accepted_version", "agreement_not_accepted");
        }
        e
    }

    /// A hash of the content, stored with each signature: what was signed cannot change unnoticed.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_string(self).expect("plain data serialises");
        hex::encode(Sha256::digest(json.as_bytes()))
    }

    pub fn budget_summary(&self) -> BudgetSummary {
        BudgetSummary::of(&self.budget)
    }
}

/// Requested, own financing and total: one line of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sums {
    pub requested: Money,
    pub own_financing: Money,
    pub total: Money,
}

impl Sums {
    fn add(&mut self, row: &BudgetRow) {
        self.requested = Money::from_ore(self.requested.ore() + row.requested_ore);
        self.own_financing = Money::from_ore(self.own_financing.ore() + row.own_financing_ore);
        self.total = Money::from_ore(self.requested.ore() + self.own_financing.ore());
    }
}

/// The template's Budgetsammanställning: sums per party, per year and overall.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BudgetSummary {
    /// Per party, in the order the parties first appear in the budget.
    pub per_party: Vec<(i64, Sums)>,
    pub per_year: BTreeMap<i32, Sums>,
    pub overall: Sums,
}

impl BudgetSummary {
    pub fn of(rows: &[BudgetRow]) -> BudgetSummary {
        let mut s = BudgetSummary::default();
        for row in rows {
            match s.per_party.iter_mut().find(|(id, _)| *id == row.member_id) {
                Some((_, sums)) => sums.add(row),
                None => {
                    let mut sums = Sums::default();
                    sums.add(row);
                    s.per_party.push((row.member_id, sums));
                }
            }
            s.per_year.entry(row.year).or_default().add(row);
            s.overall.add(row);
        }
        s
    }
}

/// One difference between two versions: the field's path and its text before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            if !s.is_empty() {
                out.insert(prefix.to_string(), s.clone());
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Compares two versions field by field.
pub fn compare(before: &ApplicationContent, after: &ApplicationContent) -> Vec<FieldChange> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", &serde_json::to_value(before).expect("serialises"), &mut a);
    flatten("", &serde_json::to_value(after).expect("serialises"), &mut b);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldChange { field: k.clone(), before: a.get(k).cloned(), after: b.get(k).cloned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kronor in öre.
    fn kr(kronor: i64) -> i64 {
        kronor * 100
    }

    const ENKOPING: i64 = 2;
    const HEBY: i64 = 3;
    const AF: i64 = 11;

    fn members() -> Vec<MemberInfo> {
        vec![
            MemberInfo { id: ENKOPING, party_kind: PartyKind::Kommun },
            MemberInfo { id: HEBY, party_kind: PartyKind::Kommun },
            MemberInfo { id: AF, party_kind: PartyKind::Af },
        ]
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    /// Jobbcentrum as in seed 002: Enköping owns, Arbetsförmedlingen takes part, 1,4 mkr a year.
    fn jobbcentrum() -> ApplicationContent {
        ApplicationContent {
            name: "Jobbcentrum".into(),
            owner: PartyContact {
                member_id: ENKOPING,
                contact_name: "Frank Stoor".into(),
                contact_email: "frank.stoor@enkoping.se".into(),
            },
            partners: vec![PartyContact {
                member_id: AF,
                contact_name: "Emelie Preinitz".into(),
                contact_email: "emelie.preinitz@arbetsformedlingen.se".into(),
            }],
            orientation: Some(Orientation::Individual),
            esf: Some(false),
            purpose: "Att motivera till och samordna aktiviteter.".into(),
            goals: vec![
                Goal { kind: GoalKind::Output, text: "Kartläggning inom två månader.".into(), part: Some(0) },
                Goal {
                    kind: GoalKind::Outcome, text: "100 % med förankrad fortsatt planering.".into(), part: Some(0)
                },
            ],
            background: "Personer som står långt från arbetsmarknaden.".into(),
            start_date: d(2018, 1, 1),
            end_date: d(2020, 12, 31),
            last_intake_date: d(2020, 9, 30),
            target_group: "16–65 år.".into(),
            parts: vec![
                Part {
                    name: "Jobbcentrum-Ung".into(),
                    target_group: "16–29 år".into(),
                    age_min: Some(16),
                    age_max: Some(29),
                    participants_per_year: Some(30),
                },
                Part {
                    name: "Jobbcentrum-Rehabilitering".into(),
                    target_group: "30–65 år".into(),
                    age_min: Some(30),
                    age_max: Some(65),
                    participants_per_year: Some(40),
                },
            ],
            method: "Individuell handlingsplan.".into(),
            follow_up: "Rapportering till LOKUS-gruppen.".into(),
            implementation: "Det som visar sig framgångsrikt implementeras.".into(),
            budget: [2018, 2019, 2020]
                .iter()
                .flat_map(|y| {
                    [
                        BudgetRow { member_id: ENKOPING, year: *y, requested_ore: kr(1_400_000), own_financing_ore: 0 },
                        BudgetRow { member_id: AF, year: *y, requested_ore: 0, own_financing_ore: 0 },
                    ]
                })
                .collect(),
            anchoring: Anchoring { discussed: Some(true), date: None, comment: String::new() },
            agreement_accepted_version: Some(1),
            ..Default::default()
        }
    }

    fn codes(errors: &[RuleError]) -> Vec<(String, &'static str)> {
        errors.iter().map(|e| (e.field.clone(), e.code)).collect()
    }

    #[test]
    fn an_extension_answers_every_condition_and_states_own_financing_when_asked() {
        let conditions = vec![
            "vid ansökan om förlängning ska parternas egenfinansiering framgå.".to_string(),
            "finansieringen gäller under förutsättning att förbundet beviljas medel.".to_string(),
        ];
        let mut app = ApplicationContent {
            extends: Some(Extension { intervention_id: 7, answers: vec![] }),
            ..Default::default()
        };
        assert_eq!(
            codes(&app.check_extension(&conditions)),
            [
                ("extends.answers[0].answer".to_string(), "condition_unanswered"),
                ("extends.answers[1].answer".to_string(), "condition_unanswered"),
                ("budget".to_string(), "own_financing_required"),
            ]
        );
        app.extends.as_mut().unwrap().answers = conditions
            .iter()
            .map(|c| ConditionAnswer { condition: c.clone(), answer: "Se budgeten.".into() })
            .collect();
        assert_eq!(codes(&app.check_extension(&conditions)), [("budget".to_string(), "own_financing_required")]);
        app.budget = vec![BudgetRow { member_id: 1, year: 2023, requested_ore: 100, own_financing_ore: 50 }];
        assert!(app.check_extension(&conditions).is_empty());
        // Without a condition on own financing, none is needed; a plain application has no such rules.
        app.budget[0].own_financing_ore = 0;
        assert!(app.check_extension(&conditions[1..]).is_empty());
        app.extends = None;
        assert!(app.check_extension(&conditions).is_empty());
    }

    #[test]
    fn jobbcentrum_is_complete_and_sums_to_4_2_million() {
        let app = jobbcentrum();
        assert_eq!(app.check_complete(&members(), Some(1)), vec![]);
        let s = app.budget_summary();
        assert_eq!(s.overall.requested, Money::from_kronor(4_200_000));
        assert_eq!(s.overall.own_financing, Money::ZERO);
        assert_eq!(s.overall.total, Money::from_kronor(4_200_000));
        for year in [2018, 2019, 2020] {
            assert_eq!(s.per_year[&year].requested, Money::from_kronor(1_400_000));
            assert_eq!(s.per_year[&year].total, Money::from_kronor(1_400_000));
        }
        assert_eq!(
            s.per_party[0],
            (
                ENKOPING,
                Sums {
                    requested: Money::from_kronor(4_200_000),
                    own_financing: Money::ZERO,
                    total: Money::from_kronor(4_200_000)
                }
            )
        );
        assert_eq!(s.per_party[1].1.total, Money::ZERO);
    }

    #[test]
    fn sums_mix_requested_and_own_financing() {
        // 100 000 + 50 000 own in 2022, 200 000 requested in 2023: totals 150 000 and 200 000.
        let rows = [
            BudgetRow { member_id: ENKOPING, year: 2022, requested_ore: kr(100_000), own_financing_ore: kr(50_000) },
            BudgetRow { member_id: AF, year: 2023, requested_ore: kr(200_000), own_financing_ore: 0 },
        ];
        let s = BudgetSummary::of(&rows);
        assert_eq!(s.per_year[&2022].total, Money::from_kronor(150_000));
        assert_eq!(s.per_year[&2023].total, Money::from_kronor(200_000));
        assert_eq!(
            s.overall,
            Sums {
                requested: Money::from_kronor(300_000),
                own_financing: Money::from_kronor(50_000),
                total: Money::from_kronor(350_000)
            }
        );
    }

    #[test]
    fn several_kommuner_are_one_party() {
        let mut app = jobbcentrum();
        app.partners = vec![PartyContact { member_id: HEBY, ..Default::default() }];
        app.budget.retain(|r| r.member_id == ENKOPING);
        assert_eq!(codes(&app.check_complete(&members(), Some(1))), [("partners".to_string(), "too_few_party_kinds")]);
    }

    #[test]
    fn dates_must_be_in_order() {
        let mut app = jobbcentrum();
        app.end_date = d(2017, 12, 31);
        app.budget.clear();
        app.last_intake_date = d(2021, 1, 1);
        let c = codes(&app.check_always(&members()));
        assert!(c.contains(&("end_date".to_string(), "end_before_start")));
        assert!(c.contains(&("last_intake_date".to_string(), "last_intake_outside_period")));
    }

    #[test]
    fn budget_rows_must_fit_the_period_and_the_parties_and_be_positive() {
        let mut app = jobbcentrum();
        app.budget.push(BudgetRow { member_id: ENKOPING, year: 2021, requested_ore: 1, own_financing_ore: 0 });
        app.budget.push(BudgetRow { member_id: HEBY, year: 2019, requested_ore: -5, own_financing_ore: 0 });
        app.budget.push(BudgetRow { member_id: ENKOPING, year: 2018, requested_ore: 1, own_financing_ore: 0 });
        assert_eq!(
            codes(&app.check_always(&members())),
            [
                ("budget[6].year".to_string(), "budget_year_outside_period"),
                ("budget[7].member_id".to_string(), "budget_party_unknown"),
                ("budget[7].requested_sek".to_string(), "amount_negative"),
                ("budget[8].year".to_string(), "budget_row_duplicate"),
            ]
        );
    }

    #[test]
    fn a_draft_may_be_incomplete_but_not_wrong() {
        let draft = ApplicationContent { name: "Idé".into(), ..Default::default() };
        assert_eq!(draft.check_always(&members()), vec![]);
        let c = codes(&draft.check_complete(&members(), Some(1)));
        for field in [
            "owner.member_id",
            "partners",
            "purpose",
            "goals",
            "start_date",
            "budget",
            "anchoring.discussed",
            "agreement_accepted_version",
        ] {
            assert!(c.iter().any(|(f, _)| f == field), "{field}: {c:?}");
        }
        let mut wrong = draft.clone();
        wrong.owner.member_id = 999;
        assert_eq!(codes(&wrong.check_always(&members())), [("owner.member_id".to_string(), "member_unknown")]);
    }

    #[test]
    fn the_agreement_must_be_accepted_in_its_current_version() {
        let app = jobbcentrum();
        assert_eq!(
            codes(&app.check_complete(&members(), Some(2))),
            [("agreement_accepted_version".to_string(), "agreement_not_accepted")]
        );
    }

    #[test]
    fn versions_compare_field_by_field() {
        let a = jobbcentrum();
        let mut b = a.clone();
        b.name = "Jobbcentrum Enköping".into();
        b.budget[0].requested_ore = kr(1_500_000);
        b.parts[0].participants_per_year = Some(35);
        let changes = compare(&a, &b);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "budget[0].requested_ore".into(),
                    before: Some("140000000".into()),
                    after: Some("150000000".into())
                },
                FieldChange {
                    field: "name".into(),
                    before: Some("Jobbcentrum".into()),
                    after: Some("Jobbcentrum Enköping".into())
                },
                FieldChange {
                    field: "parts[0].participants_per_year".into(),
                    before: Some("30".into()),
                    after: Some("35".into())
                },
            ]
        );
        assert!(compare(&a, &a).is_empty());
        assert_ne!(a.content_hash(), b.content_hash());
    }
}
