//! An intervention's reporting: the schedule of period reports (quarterly, by tertial or yearly,
//! as the association chooses) and the final report, their flow, and deviation reports.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often interventions report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Quarterly,
    Tertial,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Quarterly, Frequency::Tertial, Frequency::Yearly];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Quarterly => "quarterly",
            Frequency::Tertial => "tertial",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Quarterly => "Per kvartal",
            Frequency::Tertial => "Per tertial",
            Frequency::Yearly => "Per år",
        }
    }

    fn months(self) -> u32 {
        match self {
            Frequency::Quarterly => 3,
            Frequency::Tertial => 4,
            Frequency::Yearly => 12,
        }
    }
}

/// Defaults until the association chooses: a report per quarter, due 30 days after it ends.
pub const DEFAULT_FREQUENCY: Frequency = Frequency::Quarterly;
pub const DEFAULT_DUE_DAYS: i32 = 30;

/// The last day of the month `months` months after the start of `first`'s month, minus one day.
fn period_end(year: i32, first_month: u32, months: u32) -> NaiveDate {
    let next = first_month + months;
    let (y, m) = if next > 12 { (year + 1, next - 12) } else { (year, next) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month") - Duration::days(1)
}

/// The calendar periods of the frequency that the intervention's period touches, each cut to the
/// intervention's own start and end.
pub fn schedule(start: NaiveDate, end: NaiveDate, frequency: Frequency) -> Vec<(NaiveDate, NaiveDate)> {
    let months = frequency.months();
    let mut out = Vec::new();
    if end < start {
        return out;
    }
    let mut year = start.year();
    let mut first_month = 1 + (start.month() - 1) / months * months;
    loop {
        let from = NaiveDate::from_ymd_opt(year, first_month, 1).expect("first of a month");
        if from > end {
            break;
        }
        let to = period_end(year, first_month, months);
        out.push((from.max(start), to.min(end)));
        first_month += months;
        if first_month > 12 {
            first_month -= 12;
            year += 1;
        }
    }
    out
}

/// Where a period or final report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Not begun: nothing saved yet.
    Due,
    Draft,
    Submitted,
    /// Sent back by the office for completion.
    Returned,
    Approved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::Due,
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Due => "due",
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Approved => "approved",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Due => "Ej påbörjad",
            ReportStatus::Draft => "Utkast",
            ReportStatus::Submitted => "Inlämnad",
            ReportStatus::Returned => "Återsänd för komplettering",
            ReportStatus::Approved => "Godkänd",
        }
    }

    /// May the owner still write in it?
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Due | ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// A period report or the final report when the intervention ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Period,
    Final,
}

impl ReportKind {
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Period => "period",
            ReportKind::Final => "final",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [ReportKind::Period, ReportKind::Final].into_iter().find(|k| k.code() == code)
    }
}

/// What a deviation concerns (reference 3.4).
pub const DEVIATION_CATEGORIES: [(&str, &str); 7] = [
    ("schedule", "Tidsplan"),
    ("budget", "Budget"),
    ("target_group", "Målgrupp och intag"),
    ("staffing", "Bemanning"),
    ("method", "Metod"),
    ("collaboration", "Brister i samverkan"),
    ("incident", "Incident eller personuppgiftsincident"),
];

pub fn deviation_category_label(code: &str) -> &str {
    DEVIATION_CATEGORIES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or(code)
}

/// Where a deviation is: reported, then acknowledged by the office; or, when it needs a
/// decision, waiting for the committee until the decision is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviationStatus {
    Reported,
    Acknowledged,
    AwaitingDecision,
    Decided,
}

impl DeviationStatus {
    pub const ALL: [DeviationStatus; 4] = [
        DeviationStatus::Reported,
        DeviationStatus::Acknowledged,
        DeviationStatus::AwaitingDecision,
        DeviationStatus::Decided,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeviationStatus::Reported => "reported",
            DeviationStatus::Acknowledged => "acknowledged",
            DeviationStatus::AwaitingDecision => "awaiting_decision",
            DeviationStatus::Decided => "decided",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeviationStatus::Reported => "Inrapporterad",
            DeviationStatus::Acknowledged => "Kvitterad av kansliet",
            DeviationStatus::AwaitingDecision => "Väntar på beslut i arbetsutskottet",
            DeviationStatus::Decided => "Beslutad",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_follow_the_calendar_and_are_cut_to_the_intervention() {
        // 15 February 2025 – 10 August 2025: Q1 from the start, Q2 whole, Q3 to the end.
        assert_eq!(
            schedule(d(2025, 2, 15), d(2025, 8, 10), Frequency::Quarterly),
            vec![(d(2025, 2, 15), d(2025, 3, 31)), (d(2025, 4, 1), d(2025, 6, 30)), (d(2025, 7, 1), d(2025, 8, 10)),]
        );
        // Across a new year: Q4 2025 and Q1 2026.
        assert_eq!(
            schedule(d(2025, 11, 1), d(2026, 3, 31), Frequency::Quarterly),
            vec![(d(2025, 11, 1), d(2025, 12, 31)), (d(2026, 1, 1), d(2026, 3, 31))]
        );
    }

    #[test]
    fn tertials_and_years() {
        // Tertials are January–April, May–August and September–December.
        assert_eq!(
            schedule(d(2025, 6, 1), d(2026, 2, 28), Frequency::Tertial),
            vec![(d(2025, 6, 1), d(2025, 8, 31)), (d(2025, 9, 1), d(2025, 12, 31)), (d(2026, 1, 1), d(2026, 2, 28)),]
        );
        assert_eq!(
            schedule(d(2025, 1, 1), d(2027, 12, 31), Frequency::Yearly),
            vec![(d(2025, 1, 1), d(2025, 12, 31)), (d(2026, 1, 1), d(2026, 12, 31)), (d(2027, 1, 1), d(2027, 12, 31)),]
        );
        // A leap year's February ends on the 29th; a one-day intervention has one period.
        assert_eq!(
            schedule(d(2028, 2, 29), d(2028, 2, 29), Frequency::Quarterly),
            vec![(d(2028, 2, 29), d(2028, 2, 29))]
        );
        assert!(schedule(d(2026, 1, 2), d(2026, 1, 1), Frequency::Yearly).is_empty());
    }

    #[test]
    fn codes_read_back() {
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.code()), Some(f));
        }
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.code()), Some(s));
        }
        for s in DeviationStatus::ALL {
            assert_eq!(DeviationStatus::parse(s.code()), Some(s));
        }
        assert!(ReportStatus::Returned.editable());
        assert!(!ReportStatus::Submitted.editable());
        assert_eq!(deviation_category_label("staffing"), "Bemanning");
    }
}
