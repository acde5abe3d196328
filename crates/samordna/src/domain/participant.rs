//! Participants (deltagare) in an intervention: the personal identity number, the steps of a
//! participant's path, the intervention's follow-up settings (parts, triage, deadlines) and the
//! code lists, with the defaults of reference.md 3.5, 3.6 and 4.6 and seed 002.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A personnummer or samordningsnummer, kept as its twelve digits (YYYYMMDDNNNC).
#[derive(Clone, PartialEq, Eq)]
pub struct PersonalNumber(String);

/// Never print the number itself, not even by accident in a log line.
impl std::fmt::Debug for PersonalNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalNumberError {
    Format,
    Date,
    CheckDigit,
}

impl PersonalNumberError {
    pub fn code(self) -> &'static str {
        match self {
            PersonalNumberError::Format => "personal_number_format",
            PersonalNumberError::Date => "personal_number_date",
            PersonalNumberError::CheckDigit => "personal_number_check_digit",
        }
    }
}

impl PersonalNumber {
    /// Accepts YYMMDD-NNNC, YYMMDD+NNNC (over 100), YYYYMMDDNNNC and YYYYMMDD-NNNC. A ten-digit
    /// number gets its century from `today`: the latest birth date not in the future.
    pub fn parse(input: &str, today: NaiveDate) -> Result<PersonalNumber, PersonalNumberError> {
        let input = input.trim();
        let plus = input.contains('+');
        let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
        let others = input.chars().filter(|c| !c.is_ascii_digit()).count();
        if others > 1 || input.chars().any(|c| !(c.is_ascii_digit() || c == '-' || c == '+')) {
            return Err(PersonalNumberError::Format);
        }
        let full = match digits.len() {
            12 => digits,
            10 => {
                let yy: i32 = digits[..2].parse().map_err(|_| PersonalNumberError::Format)?;
                let mut year = today.year() - (today.year() % 100) + yy;
                if year > today.year() {
                    year -= 100;
                }
                if plus {
                    year -= 100;
                }
                format!("{year:04}{}", &digits[2..])
            }
            _ => return Err(PersonalNumberError::Format),
        };
        let year: i32 = full[..4].parse().map_err(|_| PersonalNumberError::Format)?;
        let month: u32 = full[4..6].parse().map_err(|_| PersonalNumberError::Format)?;
        let mut day: u32 = full[6..8].parse().map_err(|_| PersonalNumberError::Format)?;
        // A samordningsnummer adds 60 to the day.
        if day > 60 {
            day -= 60;
        }
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(PersonalNumberError::Date)?;
        if date > today {
            return Err(PersonalNumberError::Date);
        }
        if !luhn_ok(&full[2..]) {
            return Err(PersonalNumberError::CheckDigit);
        }
        Ok(PersonalNumber(full))
    }

    /// The number born on the date with the serial (0–999; even for a woman, odd for a man),
    /// with its check digit: for demo and test data.
    pub fn with_check_digit(born: NaiveDate, serial: u32) -> PersonalNumber {
        let nine = format!("{}{:03}", &born.format("%Y%m%d").to_string()[2..], serial % 1000);
        let check = (10 - luhn_sum(&nine) % 10) % 10;
        PersonalNumber(format!("{}{:03}{check}", born.format("%Y%m%d"), serial % 1000))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn birth_year(&self) -> i32 {
        self.0[..4].parse().unwrap_or_default()
    }

    /// The sex the number records: an odd second-to-last digit is a man.
    pub fn sex(&self) -> Sex {
        let d = self.0.as_bytes()[10] - b'0';
        if d % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// What the page shows by default: the birth date, the rest hidden.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.0[..8])
    }

    /// The usual written form, YYYYMMDD-NNNC.
    pub fn formatted(&self) -> String {
        format!("{}-{}", &self.0[..8], &self.0[8..])
    }
}

/// The Luhn sum of the digits, doubling every other one from the first.
fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32 * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum()
}

/// The Luhn check over the ten digits YYMMDDNNNC.
fn luhn_ok(ten: &str) -> bool {
    luhn_sum(ten).is_multiple_of(10)
}

/// Kön, as Uppföljning Finsam counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];

    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }

    pub fn parse(code: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Kvinna",
            Sex::Male => "Man",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Sex::Female => "Kvinnor",
            Sex::Male => "Män",
        }
    }
}

/// A dated step on the participant's path after the first visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The first visit, where the triage category is given.
    FirstVisit,
    /// Kartläggning.
    Assessment,
    /// Handlingsplan.
    ActionPlan,
    /// Lotsning to another actor.
    Referral,
    Activity,
    /// SIP-möte (samordnad individuell plan).
    SipMeeting,
}

impl StepKind {
    pub const ALL: [StepKind; 6] = [
        StepKind::FirstVisit,
        StepKind::Assessment,
        StepKind::ActionPlan,
        StepKind::Referral,
        StepKind::Activity,
        StepKind::SipMeeting,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepKind::FirstVisit => "first_visit",
            StepKind::Assessment => "assessment",
            StepKind::ActionPlan => "action_plan",
            StepKind::Referral => "referral",
            StepKind::Activity => "activity",
            StepKind::SipMeeting => "sip_meeting",
        }
    }

    pub fn parse(code: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            StepKind::FirstVisit => "Första besök",
            StepKind::Assessment => "Kartläggning",
            StepKind::ActionPlan => "Handlingsplan",
            StepKind::Referral => "Lotsning",
            StepKind::Activity => "Aktivitet",
            StepKind::SipMeeting => "SIP-möte",
        }
    }

    /// The steps whose first date goals and deadlines use.
    pub fn is_milestone(self) -> bool {
        matches!(self, StepKind::Assessment | StepKind::ActionPlan | StepKind::Referral)
    }
}

/// When a progress measurement is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    Start,
    Quarter,
    Exit,
}

impl Occasion {
    pub const ALL: [Occasion; 3] = [Occasion::Start, Occasion::Quarter, Occasion::Exit];

    pub fn code(self) -> &'static str {
        match self {
            Occasion::Start => "start",
            Occasion::Quarter => "quarter",
            Occasion::Exit => "exit",
        }
    }

    pub fn parse(code: &str) -> Option<Occasion> {
        Occasion::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Occasion::Start => "Vid start",
            Occasion::Quarter => "Kvartalsvis",
            Occasion::Exit => "Vid avslut",
        }
    }
}

/// A progress measurement instrument: a scale per dimension, rated by the participant or staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instrument {
    pub code: String,
    pub name: String,
    pub version: String,
    /// self or staff.
    pub rater: String,
    pub dimensions: Vec<Dimension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dimension {
    pub code: String,
    pub label: String,
    pub min: i32,
    pub max: i32,
}

fn dims(list: &[(&str, &str)], min: i32, max: i32) -> Vec<Dimension> {
    list.iter().map(|(c, l)| Dimension { code: c.to_string(), label: l.to_string(), min, max }).collect()
}

/// The two default instruments of reference.md 4.6.
pub fn default_instruments() -> Vec<Instrument> {
    vec![
        Instrument {
            code: "self_rating".into(),
            name: "Självskattning".into(),
            version: "1".into(),
            rater: "self".into(),
            dimensions: dims(
                &[
                    ("health", "Hälsa"),
                    ("daily_structure", "Vardagsstruktur"),
                    ("motivation", "Motivation"),
                    ("social_contacts", "Sociala kontakter"),
                    ("work_ability", "Närhet till arbete"),
                ],
                1,
                10,
            ),
        },
        Instrument {
            code: "steps".into(),
            name: "Stegskala (personal)".into(),
            version: "1".into(),
            rater: "staff".into(),
            dimensions: dims(&[("step", "Steg: 1 inte redo för aktivitet – 5 redo för arbete eller studier")], 1, 5),
        },
    ]
}

/// Checks an association's instruments: codes unique, every scale non-empty.
pub fn check_instruments(list: &[Instrument]) -> Result<(), &'static str> {
    if list.is_empty() {
        return Err("instruments_empty");
    }
    for (i, x) in list.iter().enumerate() {
        if !is_code(&x.code) || list[..i].iter().any(|y| y.code == x.code) {
            return Err("instrument_code_invalid");
        }
        if x.name.trim().is_empty() || x.dimensions.is_empty() || !["self", "staff"].contains(&x.rater.as_str()) {
            return Err("instrument_invalid");
        }
        for (j, d) in x.dimensions.iter().enumerate() {
            if !is_code(&d.code) || x.dimensions[..j].iter().any(|e| e.code == d.code) || d.min >= d.max {
                return Err("instrument_dimension_invalid");
            }
        }
    }
    Ok(())
}

/// A code of a code list or setting: lower-case letters, digits and underscores.
pub fn is_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The code lists of the participant's background and exit; each association may adjust them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeList {
    Education,
    IncomeSource,
    Occupation,
    SupportTime,
    ExitReason,
}

impl CodeList {
    pub const ALL: [CodeList; 5] = [
        CodeList::Education,
        CodeList::IncomeSource,
        CodeList::Occupation,
        CodeList::SupportTime,
        CodeList::ExitReason,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CodeList::Education => "education",
            CodeList::IncomeSource => "income_source",
            CodeList::Occupation => "occupation",
            CodeList::SupportTime => "support_time",
            CodeList::ExitReason => "exit_reason",
        }
    }

    pub fn parse(code: &str) -> Option<CodeList> {
        CodeList::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CodeList::Education => "Högsta slutförda utbildning",
            CodeList::IncomeSource => "Försörjningskälla",
            CodeList::Occupation => "Sysselsättning",
            CodeList::SupportTime => "Tid i offentlig försörjning före insatsen",
            CodeList::ExitReason => "Avslutsanledning",
        }
    }

    /// Codes the figures depend on: they may be relabelled but not removed.
    pub fn fixed_codes(self) -> &'static [&'static str] {
        match self {
            CodeList::Occupation => &[OCCUPATION_WORK, OCCUPATION_STUDIES],
            CodeList::IncomeSource => &[INCOME_NONE],
            CodeList::ExitReason => &[EXIT_REGISTRATION_ERROR],
            _ => &[],
        }
    }

    /// The defaults of reference.md 3.6 (SUS groups and the proposed lists).
    pub fn defaults(self) -> &'static [(&'static str, &'static str)] {
        match self {
            CodeList::Education => &[
                ("primary_short", "Förgymnasial kortare än 9 år"),
                ("primary", "Förgymnasial 9 (10) år"),
                ("upper_secondary", "Gymnasial"),
                ("post_secondary_short", "Eftergymnasial kortare än 3 år"),
                ("post_secondary", "Eftergymnasial 3 år eller längre"),
                ("unknown", "Okänd"),
            ],
            CodeList::IncomeSource => &[
                ("unemployment_insurance", "A-kassa"),
                ("sickness_benefit", "Sjukpenning eller rehabiliteringspenning"),
                ("activity_compensation", "Aktivitets- eller sjukersättning"),
                ("activity_support", "Aktivitetsstöd eller utvecklingsersättning"),
                ("establishment", "Etableringsersättning"),
                ("social_assistance", "Försörjningsstöd"),
                ("salary", "Lön"),
                ("student_aid", "Studiemedel"),
                (INCOME_NONE, "Ingen offentlig försörjning"),
            ],
            CodeList::Occupation => &[
                (OCCUPATION_WORK, "Förvärvsarbete"),
                (OCCUPATION_STUDIES, "Studier"),
                ("job_seeking", "Aktivt arbetssökande"),
                ("other", "Övriga"),
            ],
            CodeList::SupportTime => {
                &[("under_1", "Mindre än 1 år"), ("1_to_4", "1–4 år"), ("5_or_more", "5 år eller mer")]
            }
            CodeList::ExitReason => &[
                ("work", "Arbete"),
                ("studies", "Studier"),
                ("navigated", "Lotsad till ordinarie insats hos part"),
                ("job_seeker", "Arbetssökande eller ordinarie insats hos Arbetsförmedlingen"),
                ("illness", "Sjukdom eller vård"),
                ("moved", "Flytt"),
                ("dropped_out", "Eget avbrott"),
                ("intervention_ended", "Insatsen avslutad"),
                ("other", "Annat"),
                (EXIT_REGISTRATION_ERROR, "Felregistrering"),
            ],
        }
    }
}

pub const OCCUPATION_WORK: &str = "work";
pub const OCCUPATION_STUDIES: &str = "studies";
pub const INCOME_NONE: &str = "none";
/// An exit with this reason removes the participation from every figure.
pub const EXIT_REGISTRATION_ERROR: &str = "registration_error";

/// One entry of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Code {
    pub code: String,
    pub label: String,
}

/// Checks an adjusted code list: codes well-formed and unique, labels given, fixed codes kept.
pub fn check_code_list(list: CodeList, codes: &[Code]) -> Result<(), &'static str> {
    if codes.is_empty() {
        return Err("code_list_empty");
    }
    for (i, c) in codes.iter().enumerate() {
        if !is_code(&c.code) || codes[..i].iter().any(|d| d.code == c.code) {
            return Err("code_invalid");
        }
        if c.label.trim().is_empty() || c.label.chars().count() > 120 {
            return Err("code_label_invalid");
        }
    }
    if list.fixed_codes().iter().any(|f| !codes.iter().any(|c| c.code == *f)) {
        return Err("code_fixed_removed");
    }
    Ok(())
}

/// A part of an intervention (seed 002: Jobbcentrum-Ung and Jobbcentrum-Rehabilitering) with its
/// planned number of new participants a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Part {
    pub code: String,
    pub label: String,
    pub planned_per_year: Option<u32>,
}

/// A triage category given at the first visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Triage {
    pub code: String,
    pub label: String,
    pub description: String,
}

/// "These steps within this many months of the first visit" for a triage category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadlineRule {
    pub triage: String,
    pub steps: Vec<StepKind>,
    pub within_months: u32,
}

/// How an intervention follows its participants up; the defaults are seed 002's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowUpSettings {
    #[serde(default)]
    pub parts: Vec<Part>,
    pub triage: Vec<Triage>,
    #[serde(default)]
    pub deadlines: Vec<DeadlineRule>,
    /// No registration after this date (sista intagsdatum).
    #[serde(default)]
    pub last_intake_date: Option<NaiveDate>,
    /// How often progress is measured between start and exit, in months.
    #[serde(default = "default_measurement_months")]
    pub measurement_every_months: u32,
}

fn default_measurement_months() -> u32 {
    3
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings {
            parts: Vec::new(),
            triage: vec![
                Triage {
                    code: "gron".into(),
                    label: "Grön".into(),
                    description: "Behöver insatsen längre än två månader".into(),
                },
                Triage {
                    code: "gul".into(),
                    label: "Gul".into(),
                    description: "Behöver insatsen kortare än två månader".into(),
                },
            ],
            deadlines: vec![
                DeadlineRule {
                    triage: "gron".into(),
                    steps: vec![StepKind::Assessment, StepKind::ActionPlan],
                    within_months: 2,
                },
                DeadlineRule {
                    triage: "gul".into(),
                    steps: vec![StepKind::Assessment, StepKind::ActionPlan, StepKind::Referral],
                    within_months: 2,
                },
            ],
            last_intake_date: None,
            measurement_every_months: 3,
        }
    }
}

impl FollowUpSettings {
    pub fn check(&self) -> Result<(), &'static str> {
        if self.triage.is_empty() {
            return Err("triage_empty");
        }
        for (i, t) in self.triage.iter().enumerate() {
            if !is_code(&t.code) || self.triage[..i].iter().any(|u| u.code == t.code) || t.label.trim().is_empty() {
                return Err("triage_invalid");
            }
        }
        for (i, p) in self.parts.iter().enumerate() {
            if !is_code(&p.code) || self.parts[..i].iter().any(|q| q.code == p.code) || p.label.trim().is_empty() {
                return Err("part_invalid");
            }
        }
        for d in &self.deadlines {
            if !self.triage.iter().any(|t| t.code == d.triage) {
                return Err("deadline_triage_unknown");
            }
            if d.steps.is_empty() || d.within_months == 0 || d.within_months > 36 {
                return Err("deadline_invalid");
            }
        }
        if self.measurement_every_months == 0 || self.measurement_every_months > 24 {
            return Err("measurement_interval_invalid");
        }
        Ok(())
    }

    pub fn triage_label(&self, code: &str) -> String {
        self.triage.iter().find(|t| t.code == code).map(|t| t.label.clone()).unwrap_or_else(|| code.to_string())
    }

    pub fn part_label(&self, code: &str) -> String {
        self.parts.iter().find(|t| t.code == code).map(|t| t.label.clone()).unwrap_or_else(|| code.to_string())
    }

    /// The deadline of each step the triage category's rules name, counted from the first visit.
    pub fn due_dates(&self, triage: &str, first_visit: NaiveDate) -> Vec<(StepKind, NaiveDate)> {
        let mut out: Vec<(StepKind, NaiveDate)> = Vec::new();
        for rule in self.deadlines.iter().filter(|d| d.triage == triage) {
            let due = add_months(first_visit, rule.within_months);
            for step in &rule.steps {
                match out.iter_mut().find(|(s, _)| s == step) {
                    Some(existing) if existing.1 > due => existing.1 = due,
                    Some(_) => {}
                    None => out.push((*step, due)),
                }
            }
        }
        out
    }
}

/// The same day `months` later; the month's last day when that day does not exist (31 Dec + 2
/// months is 28 or 29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

/// Age groups of the statistics, by age in the year of enrolment.
pub const AGE_GROUPS: [(&str, i32, i32); 6] =
    [("16–19", 16, 19), ("20–24", 20, 24), ("25–29", 25, 29), ("30–39", 30, 39), ("40–49", 40, 49), ("50–64", 50, 64)];

pub fn age_group(age: Option<i32>) -> &'static str {
    match age {
        None => "Okänd",
        Some(a) if a < 16 => "Under 16",
        Some(a) if a > 64 => "65 och äldre",
        Some(a) => AGE_GROUPS.iter().find(|(_, lo, hi)| a >= *lo && a <= *hi).map(|g| g.0).unwrap_or("Okänd"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn personal_numbers_are_checked_by_date_and_check_digit() {
        let today = d(2026, 11, 22);
        // Skatteverket's test number 19121212-1212.
        let p = PersonalNumber::parse("191212121212", today).unwrap();
        assert_eq!(p.formatted(), "19121212-1212");
        assert_eq!(p.masked(), "19121212-****");
        assert_eq!(p.birth_year(), 1912);
        assert_eq!(p.sex(), Sex::Male);
        assert_eq!(format!("{p:?}"), "19121212-****");
        // Ten digits with '+' are over a hundred years old; with '-' the latest century.
        assert_eq!(PersonalNumber::parse("121212+1212", today).unwrap().birth_year(), 1912);
        assert_eq!(PersonalNumber::parse("900101-0017", today).unwrap().birth_year(), 1990);
        assert_eq!(PersonalNumber::parse("050101-0003", today).unwrap().birth_year(), 2005);
        assert_eq!(PersonalNumber::parse("20050101-0003", today).unwrap().sex(), Sex::Female);
        // A samordningsnummer: day + 60.
        assert!(PersonalNumber::parse("19900161-0014", today).is_ok());
        assert_eq!(PersonalNumber::parse("19121212-1213", today), Err(PersonalNumberError::CheckDigit));
        assert_eq!(PersonalNumber::parse("19901301-0017", today), Err(PersonalNumberError::Date));
        assert_eq!(PersonalNumber::parse("20300101-0003", today), Err(PersonalNumberError::Date));
        assert_eq!(PersonalNumber::parse("1912-1212-1212", today), Err(PersonalNumberError::Format));
        assert_eq!(PersonalNumber::parse("12345", today), Err(PersonalNumberError::Format));
        // Made from a date and a serial, the number passes its own check.
        let made = PersonalNumber::with_check_digit(d(2002, 6, 15), 242);
        assert_eq!(made.formatted(), "20020615-2423");
        assert_eq!(PersonalNumber::parse(&made.formatted(), today), Ok(made));
    }

    #[test]
    fn due_dates_follow_the_triage_rules_of_seed_002() {
        let s = FollowUpSettings::default();
        assert_eq!(
            s.due_dates("gron", d(2026, 12, 31)),
            vec![(StepKind::Assessment, d(2027, 2, 28)), (StepKind::ActionPlan, d(2027, 2, 28))]
        );
        assert_eq!(s.due_dates("gul", d(2026, 1, 15)).len(), 3);
        assert!(s.due_dates("rod", d(2026, 1, 15)).is_empty());
        assert!(s.check().is_ok());
        let mut bad = s.clone();
        bad.deadlines[0].triage = "rod".into();
        assert_eq!(bad.check(), Err("deadline_triage_unknown"));
    }

    #[test]
    fn code_lists_keep_the_codes_figures_depend_on() {
        let list: Vec<Code> = CodeList::Occupation
            .defaults()
            .iter()
            .map(|(c, l)| Code { code: c.to_string(), label: l.to_string() })
            .collect();
        assert!(check_code_list(CodeList::Occupation, &list).is_ok());
        assert_eq!(check_code_list(CodeList::Occupation, &list[1..]), Err("code_fixed_removed"));
        let mut twice = list.clone();
        twice.push(list[2].clone());
        assert_eq!(check_code_list(CodeList::Occupation, &twice), Err("code_invalid"));
        assert!(check_instruments(&default_instruments()).is_ok());
    }

    #[test]
    fn age_groups() {
        assert_eq!(age_group(Some(16)), "16–19");
        assert_eq!(age_group(Some(29)), "25–29");
        assert_eq!(age_group(Some(64)), "50–64");
        assert_eq!(age_group(Some(70)), "65 och äldre");
        assert_eq!(age_group(None), "Okänd");
    }
}
