//! Meetings, decisions and the interventions a grant starts: the bodies that meet, what the
//! minutes say of each case, the rules a grant must keep, the agreement text and when an
//! intervention is running.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::proposal::{att, fill, join_names, TemplateError};
use super::time::long_date;

/// The association's two deciding bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// Arbetsutskottet: prepares the board's cases and proposes decisions.
    Committee,
    /// Förbundsstyrelsen: decides.
    Board,
}

impl Body {
    pub const ALL: [Body; 2] = [Body::Committee, Body::Board];

    pub fn code(self) -> &'static str {
        match self {
            Body::Committee => "committee",
            Body::Board => "board",
        }
    }

    pub fn parse(code: &str) -> Option<Body> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Body::Committee => "Arbetsutskottet",
            Body::Board => "Förbundsstyrelsen",
        }
    }
}

/// What the board decided on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Granted,
    Rejected,
    /// Återremiss: back to preparation; the case may be decided later.
    ReferredBack,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Granted, Outcome::Rejected, Outcome::ReferredBack];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Rejected => "rejected",
            Outcome::ReferredBack => "referred_back",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Granted => "Beviljad",
            Outcome::Rejected => "Avslag",
            Outcome::ReferredBack => "Återremiss",
        }
    }
}

/// The text minuted for a case: who proposes or decides what, then the conflicts of interest.
/// Before anything is proposed or decided (no clauses) only the conflicts are minuted.
pub fn minutes_text(body: Body, clauses: &[String], conflicts: &[String]) -> String {
    let mut paragraphs = Vec::new();
    if !clauses.is_empty() {
        paragraphs.push(
            match body {
                Body::Committee => "Arbetsutskottet föreslår förbundsstyrelsen besluta",
                Body::Board => "Förbundsstyrelsen beslutar",
            }
            .to_string(),
        );
        paragraphs.extend(clauses.iter().map(|c| att(c)));
    }
    paragraphs.extend(
        conflicts.iter().map(|name| format!("{name} anmäler jäv och deltar inte i handläggningen av ärendet.")),
    );
    paragraphs.join("\n\n")
}

/// "§ 12": a section of the minutes.
pub fn section_label(section: i64) -> String {
    format!("§ {section}")
}

/// The terms of a grant as the board decides them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTerms {
    pub max_total: Money,
    /// The largest amount per year; empty when the grant is for the period as a whole.
    pub per_year: Vec<(i32, Money)>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub option_to_extend: bool,
    /// Why the board grants more than applied for (required then).
    pub reason: String,
}

/// What the application asked for, against which a grant is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub total: Money,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The rules a grant keeps, as (field, error code) pairs; empty when it keeps them all.
pub fn check_grant(t: &GrantTerms, applied: &Applied) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    if t.max_total.ore() <= 0 {
        errors.push(("max_total_sek", "amount_not_positive"));
    }
    if t.max_total > applied.total && t.reason.trim().is_empty() {
        errors.push(("reason", "grant_above_applied"));
    }
    if t.start > t.end {
        errors.push(("end_date", "end_before_start"));
    } else if t.start < applied.start || t.end > applied.end {
        errors.push(("start_date", "period_outside_application"));
    }
    if !t.per_year.is_empty() {
        let mut seen = Vec::new();
        for (year, amount) in &t.per_year {
            if *year < t.start.year() || *year > t.end.year() {
                errors.push(("per_year", "budget_year_outside_period"));
            } else if seen.contains(year) {
                errors.push(("per_year", "budget_year_repeated"));
            } else if amount.ore() < 0 {
                errors.push(("per_year", "amount_negative"));
            }
            seen.push(*year);
        }
        let sum: Money = t.per_year.iter().map(|(_, m)| *m).sum();
        if errors.is_empty() && sum != t.max_total {
            errors.push(("per_year", "year_sum_mismatch"));
        }
    }
    errors
}

/// Where an intervention is in its life. Derived from the agreement's signatures and today's
/// date, so that an intervention cannot be running before every party has signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    AwaitingAgreement,
    AwaitingStart,
    Ongoing,
    Ended,
}

impl InterventionStatus {
    pub const ALL: [InterventionStatus; 4] = [
        InterventionStatus::AwaitingAgreement,
        InterventionStatus::AwaitingStart,
        InterventionStatus::Ongoing,
        InterventionStatus::Ended,
    ];

    pub fn of(all_signed: bool, start: NaiveDate, end: NaiveDate, today: NaiveDate) -> InterventionStatus {
        if !all_signed {
            InterventionStatus::AwaitingAgreement
        } else if today < start {
            InterventionStatus::AwaitingStart
        } else if today > end {
            InterventionStatus::Ended
        } else {
            InterventionStatus::Ongoing
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            InterventionStatus::AwaitingAgreement => "awaiting_agreement",
            InterventionStatus::AwaitingStart => "awaiting_start",
            InterventionStatus::Ongoing => "ongoing",
            InterventionStatus::Ended => "ended",
        }
    }

    pub fn parse(code: &str) -> Option<InterventionStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InterventionStatus::AwaitingAgreement => "Beviljad – väntar på överenskommelse",
            InterventionStatus::AwaitingStart => "Överenskommelse klar – väntar på start",
            InterventionStatus::Ongoing => "Pågående",
            InterventionStatus::Ended => "Avslutad",
        }
    }
}

/// The default agreement; paragraphs are separated by blank lines, the first is the heading.
pub const DEFAULT_AGREEMENT_TEMPLATE: &str = "Överenskommelse om finansiellt stöd för insatsen {insats}

Denna överenskommelse gäller mellan {forbund} (förbundet) och {parter}.

{beslut_organ} beslutade den {beslutsdatum} ({paragraf}) att bevilja finansiellt stöd för insatsen {insats} med {insatsagare} som insatsägare för perioden {start} till och med {slut}, maximalt {belopp} kronor{per_ar}.

Beslutet gäller med följande villkor:

{villkor}

Insatsägaren ansvarar för att insatsen genomförs enligt ansökan, rekvirerar medel för faktiska kostnader, följer upp insatsen och lämnar rapporter enligt förbundets plan för uppföljning. Samverkansparterna medverkar med de resurser som ansökan anger.

Överenskommelsen gäller när samtliga parter har undertecknat den och insatsen får starta tidigast {start}.";

/// The placeholders an agreement template may use.
pub const AGREEMENT_PLACEHOLDERS: &[(&str, &str)] = &[
    ("insats", "insatsens namn"),
    ("forbund", "förbundets namn"),
    ("insatsagare", "insatsägarens namn"),
    ("parter", "insatsägaren och samverkansparterna, uppräknade"),
    ("beslut_organ", "Förbundsstyrelsen"),
    ("beslutsdatum", "sammanträdets datum, till exempel 12 december 2025"),
    ("paragraf", "beslutets paragraf, till exempel § 12"),
    ("start", "periodens första dag"),
    ("slut", "periodens sista dag"),
    ("belopp", "det högsta beviljade beloppet i kronor"),
    ("per_ar", "beloppen per år, när beslutet anger dem"),
    ("villkor", "beslutets att-satser, en per rad"),
];

/// The facts an agreement is written from.
pub struct AgreementFacts<'a> {
    pub association: &'a str,
    pub intervention: &'a str,
    pub owner: &'a str,
    /// The owner first, then the partners.
    pub parties: &'a [String],
    pub decided_on: NaiveDate,
    pub section: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub max_total: Money,
    pub per_year: &'a [(i32, Money)],
    pub clauses: &'a [String],
}

/// "7 711 000" with ordinary spaces, as the documents write amounts.
pub fn plain_amount(m: Money) -> String {
    m.format_number().replace('\u{a0}', " ")
}

fn agreement_values(f: &AgreementFacts<'_>) -> BTreeMap<&'static str, String> {
    let per_year = if f.per_year.is_empty() {
        String::new()
    } else {
        let years: Vec<String> =
            f.per_year.iter().map(|(y, m)| format!("{} kronor för {y}", plain_amount(*m))).collect();
        format!(", varav {}", join_names(&years))
    };
    BTreeMap::from([
        ("insats", f.intervention.to_string()),
        ("forbund", f.association.to_string()),
        ("insatsagare", f.owner.to_string()),
        ("parter", join_names(f.parties)),
        ("beslut_organ", Body::Board.label().to_string()),
        ("beslutsdatum", long_date(f.decided_on)),
        ("paragraf", section_label(f.section)),
        ("start", long_date(f.start)),
        ("slut", long_date(f.end)),
        ("belopp", plain_amount(f.max_total)),
        ("per_ar", per_year),
        ("villkor", f.clauses.iter().map(|c| att(&c.replace('*', ""))).collect::<Vec<_>>().join("\n")),
    ])
}

/// Writes the agreement from the association's template.
pub fn agreement_text(template: &str, f: &AgreementFacts<'_>) -> Result<String, TemplateError> {
    fill(template, &agreement_values(f))
}

/// Checks an agreement template against the placeholders it may use.
pub fn check_agreement_template(template: &str) -> Result<(), TemplateError> {
    let all: BTreeMap<&str, String> = AGREEMENT_PLACEHOLDERS.iter().map(|(name, _)| (*name, String::new())).collect();
    fill(template, &all).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn terms(max: i64, start: NaiveDate, end: NaiveDate) -> GrantTerms {
        GrantTerms {
            max_total: Money::from_kronor(max),
            per_year: Vec::new(),
            start,
            end,
            option_to_extend: true,
            reason: String::new(),
        }
    }

    fn applied() -> Applied {
        Applied { total: Money::from_kronor(7_711_000), start: d(2023, 1, 1), end: d(2024, 12, 31) }
    }

    #[test]
    fn a_grant_as_applied_keeps_every_rule() {
        let mut t = terms(7_711_000, d(2023, 1, 1), d(2024, 12, 31));
        assert!(check_grant(&t, &applied()).is_empty());
        t.per_year = vec![(2023, Money::from_kronor(3_855_500)), (2024, Money::from_kronor(3_855_500))];
        assert!(check_grant(&t, &applied()).is_empty());
        // Less than applied for, and a shorter period, are the board's to decide.
        let t = terms(2_000_000, d(2023, 7, 1), d(2023, 12, 31));
        assert!(check_grant(&t, &applied()).is_empty());
    }

    #[test]
    fn more_than_applied_needs_a_reason() {
        let mut t = terms(7_711_001, d(2023, 1, 1), d(2024, 12, 31));
        assert_eq!(check_grant(&t, &applied()), vec![("reason", "grant_above_applied")]);
        t.reason = "Utökad målgrupp enligt styrelsens önskemål.".into();
        assert!(check_grant(&t, &applied()).is_empty());
    }

    #[test]
    fn the_period_lies_within_the_applications() {
        let t = terms(1_000_000, d(2022, 12, 31), d(2024, 12, 31));
        assert_eq!(check_grant(&t, &applied()), vec![("start_date", "period_outside_application")]);
        let t = terms(1_000_000, d(2023, 1, 1), d(2025, 1, 1));
        assert_eq!(check_grant(&t, &applied()), vec![("start_date", "period_outside_application")]);
        let t = terms(1_000_000, d(2024, 1, 1), d(2023, 1, 1));
        assert_eq!(check_grant(&t, &applied()), vec![("end_date", "end_before_start")]);
    }

    #[test]
    fn the_years_add_up_to_the_total_and_lie_within_the_period() {
        let mut t = terms(7_711_000, d(2023, 1, 1), d(2024, 12, 31));
        t.per_year = vec![(2023, Money::from_kronor(3_855_500)), (2024, Money::from_kronor(3_855_000))];
        assert_eq!(check_grant(&t, &applied()), vec![("per_year", "year_sum_mismatch")]);
        t.per_year = vec![(2023, Money::from_kronor(3_855_500)), (2025, Money::from_kronor(3_855_500))];
        assert_eq!(check_grant(&t, &applied()), vec![("per_year", "budget_year_outside_period")]);
        t.per_year = vec![(2023, Money::from_kronor(3_855_500)), (2023, Money::from_kronor(3_855_500))];
        assert_eq!(check_grant(&t, &applied()), vec![("per_year", "budget_year_repeated")]);
        let t = terms(0, d(2023, 1, 1), d(2024, 12, 31));
        assert_eq!(check_grant(&t, &applied()), vec![("max_total_sek", "amount_not_positive")]);
    }

    #[test]
    fn an_intervention_runs_only_when_signed_and_started() {
        let (start, end) = (d(2026, 1, 1), d(2026, 12, 31));
        use InterventionStatus::*;
        assert_eq!(InterventionStatus::of(false, start, end, d(2026, 6, 1)), AwaitingAgreement);
        assert_eq!(InterventionStatus::of(true, start, end, d(2025, 12, 31)), AwaitingStart);
        assert_eq!(InterventionStatus::of(true, start, end, d(2026, 1, 1)), Ongoing);
        assert_eq!(InterventionStatus::of(true, start, end, d(2026, 12, 31)), Ongoing);
        assert_eq!(InterventionStatus::of(true, start, end, d(2027, 1, 1)), Ended);
    }

    #[test]
    fn the_minutes_say_who_decides_and_who_stood_aside() {
        let clauses = vec!["bevilja finansiellt stöd för insatsen *Jobbcentrum*.".to_string()];
        assert_eq!(
            minutes_text(Body::Board, &clauses, &["Anna Berg".into()]),
            "Förbundsstyrelsen beslutar\n\natt bevilja finansiellt stöd för insatsen *Jobbcentrum*.\n\n\
             Anna Berg anmäler jäv och deltar inte i handläggningen av ärendet."
        );
        assert_eq!(
            minutes_text(Body::Committee, &clauses, &[]),
            "Arbetsutskottet föreslår förbundsstyrelsen besluta\n\natt bevilja finansiellt stöd för insatsen *Jobbcentrum*."
        );
        assert_eq!(
            minutes_text(Body::Board, &[], &["Anna Berg".into()]),
            "Anna Berg anmäler jäv och deltar inte i handläggningen av ärendet."
        );
        assert_eq!(minutes_text(Body::Board, &[], &[]), "");
    }

    #[test]
    fn the_agreement_states_the_decision_and_its_conditions() {
        let parties = vec!["Håbo kommun".to_string(), "Försäkringskassan".into(), "Region Uppsala".into()];
        let per_year = vec![(2023, Money::from_kronor(3_855_500)), (2024, Money::from_kronor(3_855_500))];
        let clauses = vec!["finansieringen gäller under förutsättning att *medel* beviljas.".to_string()];
        let text = agreement_text(
            DEFAULT_AGREEMENT_TEMPLATE,
            &AgreementFacts {
                association: "Samordningsförbundet Uppsala län",
                intervention: "Framsteget 2.0",
                owner: "Håbo kommun",
                parties: &parties,
                decided_on: d(2022, 12, 9),
                section: 47,
                start: d(2023, 1, 1),
                end: d(2024, 12, 31),
                max_total: Money::from_kronor(7_711_000),
                per_year: &per_year,
                clauses: &clauses,
            },
        )
        .unwrap();
        assert!(text.starts_with("Överenskommelse om finansiellt stöd för insatsen Framsteget 2.0\n\n"));
        assert!(text.contains(
            "mellan Samordningsförbundet Uppsala län (förbundet) och Håbo kommun, Försäkringskassan och Region Uppsala."
        ));
        assert!(text.contains(
            "Förbundsstyrelsen beslutade den 9 december 2022 (§ 47) att bevilja finansiellt stöd för insatsen \
             Framsteget 2.0 med Håbo kommun som insatsägare för perioden 1 januari 2023 till och med 31 december 2024, \
             maximalt 7 711 000 kronor, varav 3 855 500 kronor för 2023 och 3 855 500 kronor för 2024."
        ));
        assert!(text.contains("\n\natt finansieringen gäller under förutsättning att medel beviljas.\n\n"));
        assert!(check_agreement_template(DEFAULT_AGREEMENT_TEMPLATE).is_ok());
        assert_eq!(
            check_agreement_template("{insats} {okänd}"),
            Err(TemplateError::UnknownPlaceholder("okänd".into()))
        );
    }
}
