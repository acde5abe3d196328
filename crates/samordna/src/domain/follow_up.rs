//! Goals measured from the participant register, and the suppression of small counts in the
//! figures everyone but the case workers sees.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::participant::{add_months, Sex, StepKind, OCCUPATION_STUDIES, OCCUPATION_WORK};

/// What the register knows about one participation that goals are measured on. Registration
/// errors are never among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub sex: Sex,
    pub part: Option<String>,
    pub triage: Option<String>,
    pub enrolled_on: NaiveDate,
    pub first_visit_on: Option<NaiveDate>,
    pub assessment_on: Option<NaiveDate>,
    pub action_plan_on: Option<NaiveDate>,
    pub referral_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub anchored_plan: Option<bool>,
    pub occupation_after: Option<String>,
}

impl Facts {
    fn step_on(&self, step: StepKind) -> Option<NaiveDate> {
        match step {
            StepKind::Assessment => self.assessment_on,
            StepKind::ActionPlan => self.action_plan_on,
            StepKind::Referral => self.referral_on,
            StepKind::FirstVisit => self.first_visit_on,
            StepKind::Activity | StepKind::SipMeeting => None,
        }
    }
}

/// Insatsmål or effektmål, as the application names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalLevel {
    Intervention,
    Effect,
}

impl GoalLevel {
    pub fn label(self) -> &'static str {
        match self {
            GoalLevel::Intervention => "Insatsmål",
            GoalLevel::Effect => "Effektmål",
        }
    }
}

/// The outcome an exit goal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExitOutcome {
    /// Förankrad fortsatt planering with a receiving actor.
    AnchoredPlan,
    /// Sysselsättning efter: förvärvsarbete or studier.
    WorkOrStudies,
}

/// How a goal is measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GoalRule {
    /// The share of participants (of a triage category) whose first visit lies in the period and
    /// who reached every step within the given months of it.
    StepsWithin { triage: Option<String>, steps: Vec<StepKind>, within_months: u32 },
    /// The share of exits in the period with the outcome.
    ExitOutcome { outcome: ExitOutcome },
    /// New participants in the period against the planned number a year, prorated by days.
    Volume { planned_per_year: u32 },
}

/// A measurable goal of an intervention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Goal {
    pub level: GoalLevel,
    /// The goal in the application's words.
    pub text: String,
    /// Only participants in this part of the intervention; none: all.
    #[serde(default)]
    pub part: Option<String>,
    pub rule: GoalRule,
    /// The target share in percent; for a volume goal the planned number is the target.
    #[serde(default)]
    pub target_percent: Option<u32>,
}

impl Goal {
    pub fn check(&self, parts: &[String], triage: &[String]) -> Result<(), &'static str> {
        if self.text.trim().is_empty() || self.text.chars().count() > 1000 {
            return Err("goal_text_invalid");
        }
        if self.part.as_ref().is_some_and(|p| !parts.contains(p)) {
            return Err("goal_part_unknown");
        }
        match &self.rule {
            GoalRule::StepsWithin { triage: t, steps, within_months } => {
                if t.as_ref().is_some_and(|t| !triage.contains(t)) {
                    return Err("goal_triage_unknown");
                }
                if steps.is_empty() || steps.iter().any(|s| !s.is_milestone()) || *within_months == 0 {
                    return Err("goal_rule_invalid");
                }
            }
            GoalRule::Volume { planned_per_year } if *planned_per_year == 0 => return Err("goal_rule_invalid"),
            _ => {}
        }
        if self.target_percent.is_some_and(|t| t > 100) {
            return Err("goal_target_invalid");
        }
        if !matches!(self.rule, GoalRule::Volume { .. }) && self.target_percent.is_none() {
            return Err("goal_target_invalid");
        }
        Ok(())
    }
}

/// A goal's figure for one group: `reached` of `counted`, and those not yet measurable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GoalFigure {
    pub reached: i64,
    /// The denominator: participants measured, or for a volume goal the prorated plan.
    pub counted: i64,
    /// Participants whose deadline has not passed and who have not yet reached the steps.
    pub pending: i64,
}

/// A goal's figure as shown: "7 av 9 (77,8 %)", a volume against its plan, or hidden.
pub fn figure_text(f: Option<&GoalFigure>, volume: bool) -> String {
    let Some(f) = f else { return "Dold (få deltagare)".into() };
    if volume {
        return if f.counted > 0 { format!("{} av planerade {}", f.reached, f.counted) } else { f.reached.to_string() };
    }
    let pending = if f.pending > 0 { format!(" ({} ännu inte mätbara)", f.pending) } else { String::new() };
    match f.per_mille() {
        Some(pm) => format!(
            "{} av {} ({} %){pending}",
            f.reached,
            f.counted,
            format!("{:.1}", pm as f64 / 10.0).replace('.', ",")
        ),
        None => format!("Inget att mäta ännu{pending}"),
    }
}

impl GoalFigure {
    /// The share in tenths of a percent, rounded half up; None when nothing was counted.
    pub fn per_mille(&self) -> Option<i64> {
        (self.counted > 0).then(|| (self.reached * 2000 + self.counted) / (2 * self.counted))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GoalResult {
    pub all: GoalFigure,
    pub female: GoalFigure,
    pub male: GoalFigure,
    /// Whether the target is met for all; None while nothing is measured.
    pub met: Option<bool>,
}

/// A goal's result as shown: a figure is None when it is hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShownGoalResult {
    pub all: Option<GoalFigure>,
    pub female: Option<GoalFigure>,
    pub male: Option<GoalFigure>,
    pub met: Option<bool>,
}

impl GoalResult {
    /// The result for someone who may not see small groups (`threshold` given): a figure with a
    /// count from 1 to the threshold minus one is hidden, and women and men go together, so that
    /// the total never gives one of them away. A volume goal's plan is not a count of people.
    pub fn shown(&self, volume: bool, threshold: Option<i64>) -> ShownGoalResult {
        let small = |f: &GoalFigure| {
            threshold.is_some_and(|t| {
                let counts = [f.reached, f.pending, if volume { 0 } else { f.counted }];
                counts.iter().any(|c| *c > 0 && *c < t)
            })
        };
        let hide_sex = small(&self.female) || small(&self.male);
        ShownGoalResult {
            all: (!small(&self.all)).then_some(self.all),
            female: (!hide_sex).then_some(self.female),
            male: (!hide_sex).then_some(self.male),
            met: self.met,
        }
    }
}

/// The prorated plan for a period: planned a year × days / 365, rounded half up.
pub fn prorated(planned_per_year: u32, from: NaiveDate, to: NaiveDate) -> i64 {
    let days = (to - from).num_days() + 1;
    (planned_per_year as i64 * days * 2 + 365) / (2 * 365)
}

/// Measures a goal over the period `from..=to` on the register as it stands `today`.
pub fn evaluate(goal: &Goal, facts: &[Facts], from: NaiveDate, to: NaiveDate, today: NaiveDate) -> GoalResult {
    let in_period = |d: NaiveDate| d >= from && d <= to;
    let mut figures = [GoalFigure::default(); 2];
    for f in facts.iter().filter(|f| goal.part.is_none() || f.part == goal.part) {
        let slot = &mut figures[if f.sex == Sex::Female { 0 } else { 1 }];
        match &goal.rule {
            GoalRule::StepsWithin { triage, steps, within_months } => {
                let Some(first) = f.first_visit_on.filter(|d| in_period(*d)) else { continue };
                if triage.is_some() && f.triage != *triage {
                    continue;
                }
                let due = add_months(first, *within_months);
                let dates: Vec<Option<NaiveDate>> = steps.iter().map(|s| f.step_on(*s)).collect();
                if dates.iter().all(|d| d.is_some_and(|d| d <= due)) {
                    slot.reached += 1;
                    slot.counted += 1;
                } else if due < today || dates.iter().any(|d| d.is_some_and(|d| d > due)) {
                    slot.counted += 1;
                } else {
                    slot.pending += 1;
                }
            }
            GoalRule::ExitOutcome { outcome } => {
                if !f.exited_on.is_some_and(in_period) {
                    continue;
                }
                slot.counted += 1;
                let ok = match outcome {
                    ExitOutcome::AnchoredPlan => f.anchored_plan == Some(true),
                    ExitOutcome::WorkOrStudies => {
                        matches!(f.occupation_after.as_deref(), Some(OCCUPATION_WORK | OCCUPATION_STUDIES))
                    }
                };
                if ok {
                    slot.reached += 1;
                }
            }
            GoalRule::Volume { .. } => {
                if in_period(f.enrolled_on) {
                    slot.reached += 1;
                }
            }
        }
    }
    let [female, male] = figures;
    let mut all = GoalFigure {
        reached: female.reached + male.reached,
        counted: female.counted + male.counted,
        pending: female.pending + male.pending,
    };
    let (female, male, met) = match &goal.rule {
        GoalRule::Volume { planned_per_year } => {
            all.counted = prorated(*planned_per_year, from, to);
            // A plan is for everyone; by sex there is only the count.
            (female, male, Some(all.reached >= all.counted))
        }
        _ => {
            let met =
                goal.target_percent.filter(|_| all.counted > 0).map(|t| all.reached * 100 >= t as i64 * all.counted);
            (female, male, met)
        }
    };
    GoalResult { all, female, male, met }
}

/// Which cells of a table must be hidden so that no count from 1 to `threshold - 1` is shown and
/// none can be worked out from the totals and the other cells.
///
/// `table` holds the cells with their margins: each row ends with its total and, when
/// `has_column_totals`, the last row holds the column totals (and the grand total). Every row and
/// column is a relation "the cells sum to the total"; a relation with exactly one hidden value
/// would give that value away, so another value of it is hidden too (the smallest non-zero one,
/// a cell before the total), until no relation has exactly one.
pub fn suppress(table: &[Vec<i64>], threshold: i64, has_column_totals: bool) -> Vec<Vec<bool>> {
    let mut hidden: Vec<Vec<bool>> =
        table.iter().map(|row| row.iter().map(|v| *v > 0 && *v < threshold).collect()).collect();
    if table.is_empty() {
        return hidden;
    }
    let rows = table.len();
    let cols = table[0].len();
    let mut lines: Vec<Vec<(usize, usize)>> = (0..rows).map(|r| (0..cols).map(|c| (r, c)).collect()).collect();
    if has_column_totals {
        lines.extend((0..cols).map(|c| (0..rows).map(|r| (r, c)).collect::<Vec<_>>()));
    }
    loop {
        let mut changed = false;
        for line in &lines {
            if line.iter().filter(|(r, c)| hidden[*r][*c]).count() != 1 {
                continue;
            }
            // The total is the line's last entry; hide a cell before it when one is non-zero.
            let pick = line[..line.len() - 1]
                .iter()
                .filter(|(r, c)| !hidden[*r][*c] && table[*r][*c] > 0)
                .min_by_key(|(r, c)| table[*r][*c])
                .or_else(|| line.last().filter(|(r, c)| !hidden[*r][*c]));
            if let Some((r, c)) = pick {
                hidden[*r][*c] = true;
                changed = true;
            }
        }
        if !changed {
            return hidden;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn facts(sex: Sex, triage: &str, first: NaiveDate) -> Facts {
        Facts {
            sex,
            part: None,
            triage: Some(triage.into()),
            enrolled_on: first,
            first_visit_on: Some(first),
            assessment_on: None,
            action_plan_on: None,
            referral_on: None,
            exited_on: None,
            anchored_plan: None,
            occupation_after: None,
        }
    }

    #[test]
    fn steps_within_counts_reached_missed_and_pending() {
        let goal = Goal {
            level: GoalLevel::Intervention,
            text: "Kartläggning och handlingsplan inom två månader för grön".into(),
            part: None,
            rule: GoalRule::StepsWithin {
                triage: Some("gron".into()),
                steps: vec![StepKind::Assessment, StepKind::ActionPlan],
                within_months: 2,
            },
            target_percent: Some(100),
        };
        let mut a = facts(Sex::Female, "gron", d(1, 10)); // reached: both by 10 March
        a.assessment_on = Some(d(2, 1));
        a.action_plan_on = Some(d(3, 10));
        let mut b = facts(Sex::Male, "gron", d(1, 10)); // missed: plan a day late
        b.assessment_on = Some(d(1, 20));
        b.action_plan_on = Some(d(3, 11));
        let c = facts(Sex::Male, "gron", d(2, 1)); // missed: nothing by 1 April, today is later
        let e = facts(Sex::Female, "gron", d(5, 1)); // pending: due 1 July
        let f = facts(Sex::Female, "gul", d(1, 10)); // another category
        let g = facts(Sex::Female, "gron", d(7, 1)); // outside the period
        let r = evaluate(&goal, &[a, b, c, e, f, g], d(1, 1), d(6, 30), d(5, 20));
        assert_eq!(r.all, GoalFigure { reached: 1, counted: 3, pending: 1 });
        assert_eq!(r.female, GoalFigure { reached: 1, counted: 1, pending: 1 });
        assert_eq!(r.male, GoalFigure { reached: 0, counted: 2, pending: 0 });
        assert_eq!(r.all.per_mille(), Some(333));
        assert_eq!(r.met, Some(false));
    }

    #[test]
    fn small_goal_figures_are_hidden_with_their_complement() {
        let f = |reached, counted| GoalFigure { reached, counted, pending: 0 };
        let r = GoalResult { all: f(6, 9), female: f(5, 5), male: f(1, 4), met: Some(false) };
        assert_eq!(r.shown(false, None).female, Some(f(5, 5)));
        let shown = r.shown(false, Some(5));
        assert_eq!((shown.all, shown.female, shown.male), (Some(f(6, 9)), None, None));
        // A plan of 30 is no count of people; 2 new of it is.
        let v = GoalResult { all: f(12, 30), female: f(6, 0), male: f(6, 0), met: Some(false) };
        assert_eq!(v.shown(true, Some(5)).all, Some(f(12, 30)));
        let v = GoalResult { all: f(2, 30), female: f(2, 0), male: f(0, 0), met: Some(false) };
        assert_eq!(v.shown(true, Some(5)), ShownGoalResult { all: None, female: None, male: None, met: Some(false) });
    }

    #[test]
    fn volume_is_prorated_by_days() {
        assert_eq!(prorated(30, d(1, 1), d(12, 31)), 30);
        // 181 days of 40 a year: 19.84 -> 20.
        assert_eq!(prorated(40, d(1, 1), d(6, 30)), 20);
        // 90 days of 30: 7.397 -> 7.
        assert_eq!(prorated(30, d(1, 1), d(3, 31)), 7);
        assert_eq!(GoalFigure { reached: 2, counted: 3, pending: 0 }.per_mille(), Some(667));
    }

    #[test]
    fn a_single_small_cell_takes_another_with_it() {
        // Kvinnor 2, män 7, total 9: hiding only the 2 would give it away as 9 - 7.
        let h = suppress(&[vec![2, 7, 9]], 5, false);
        assert_eq!(h, vec![vec![true, true, false]]);
        // Zeros are shown and never chosen; a second small cell is enough.
        assert_eq!(suppress(&[vec![2, 0, 3, 5]], 5, false), vec![vec![true, false, true, false]]);
        // A small total hides itself and its only cell.
        assert_eq!(suppress(&[vec![3, 0, 3]], 5, false), vec![vec![true, false, true]]);
        // Nothing small: nothing hidden.
        assert_eq!(suppress(&[vec![5, 0, 5]], 5, false), vec![vec![false, false, false]]);
    }

    #[test]
    fn a_matrix_is_safe_in_every_row_and_column() {
        let table = vec![vec![3, 10, 6, 19], vec![8, 9, 12, 29], vec![11, 19, 18, 48]];
        let h = suppress(&table, 5, true);
        for (r, line) in h.iter().enumerate() {
            assert_ne!(line.iter().filter(|x| **x).count(), 1, "row {r}");
        }
        for c in 0..4 {
            assert_ne!(h.iter().filter(|line| line[c]).count(), 1, "column {c}");
        }
        assert!(h[0][0]);
        assert!(!h[2][3]);
    }
}
