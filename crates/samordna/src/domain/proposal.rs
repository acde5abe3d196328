//! The decision proposal (Förslag till beslut) as the associations write it: att-clauses from a
//! library of templates with named placeholders, the case description (Ärendet) and the
//! assessment (Bedömning) drafted from the application and the officer's checklist. Every text is
//! a draft the officer then edits freely.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::party::PartyKind;
use super::time::long_date;

/// What a clause is for; each association keeps its own wording of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClauseKind {
    /// Bevilja finansiellt stöd.
    Grant,
    /// What an extension application must show.
    ExtensionRequirements,
    /// Funding depends on the members' contributions.
    MemberFunds,
    /// Funding depends on following the application, the law and the governing documents.
    Compliance,
    /// Avslag.
    Reject,
    /// Återremiss.
    ReferBack,
}

impl ClauseKind {
    pub const ALL: [ClauseKind; 6] = [
        ClauseKind::Grant,
        ClauseKind::ExtensionRequirements,
        ClauseKind::MemberFunds,
        ClauseKind::Compliance,
        ClauseKind::Reject,
        ClauseKind::ReferBack,
    ];

    /// The Swedish name shown where the library is edited.
    pub fn label(self) -> &'static str {
        match self {
            ClauseKind::Grant => "Bevilja",
            ClauseKind::ExtensionRequirements => "Krav inför förlängning",
            ClauseKind::MemberFunds => "Villkor: medel från medlemmarna",
            ClauseKind::Compliance => "Villkor: ansökan, lag och styrdokument",
            ClauseKind::Reject => "Avslå",
            ClauseKind::ReferBack => "Återremittera",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ClauseKind::Grant => "grant",
            ClauseKind::ExtensionRequirements => "extension_requirements",
            ClauseKind::MemberFunds => "member_funds",
            ClauseKind::Compliance => "compliance",
            ClauseKind::Reject => "reject",
            ClauseKind::ReferBack => "refer_back",
        }
    }

    /// The wording the seeds use, the default of every association's library.
    pub fn default_template(self) -> &'static str {
        match self {
            ClauseKind::Grant => {
                "bevilja finansiellt stöd enligt ansökan för insatsen *{insats}* för perioden {start} fram till {slut}, maximalt {belopp} kronor{option}."
            }
            ClauseKind::ExtensionRequirements => {
                "vid ansökan om förlängning ska parternas egenfinansiering framgå, en tydligare beskrivning av hur insatsen ska utvecklas gällande målgrupp, innehåll och implementering formuleras. Samt ett förtydligande kring hur ordinarie verksamheter kompletterar insatsen."
            }
            ClauseKind::MemberFunds => {
                "finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver."
            }
            ClauseKind::Compliance => {
                "finansiering av insatsen gäller under förutsättning att insatsen följer aktuell ansökan, gällande lagstiftning och av förbundet antagna styrdokument."
            }
            ClauseKind::Reject => "avslå ansökan om finansiellt stöd för insatsen *{insats}*.",
            ClauseKind::ReferBack => "återremittera ärendet om insatsen *{insats}* för fortsatt beredning.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{name}` names no value the template may use.
    UnknownPlaceholder(String),
    /// A `{` without its `}`.
    Unclosed,
}

/// Fills `{name}` placeholders; `{{` and `}}` stand for braces. Unknown names are an error, so a
/// mistyped template is caught when it is saved, not when a proposal comes out wrong.
pub fn fill(template: &str, values: &BTreeMap<&str, String>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => name.push(ch),
                        None => return Err(TemplateError::Unclosed),
                    }
                }
                let value = values.get(name.as_str()).ok_or(TemplateError::UnknownPlaceholder(name))?;
                out.push_str(value);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The placeholders clause templates may use, with what they stand for (shown to those who edit
/// the library).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("insats", "insatsens namn"),
    ("start", "periodens första dag, till exempel 1 januari 2022"),
    ("slut", "periodens sista dag"),
    ("belopp", "det högsta beviljade beloppet i kronor, till exempel 2 675 000"),
    ("option", "\", 1 år med eventuell option på förlängning\" när förlängning är möjlig, annars inget"),
    ("insatsagare", "insatsägarens namn"),
];

/// Checks a template against every placeholder a clause may use.
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    let all: BTreeMap<&str, String> = PLACEHOLDERS.iter().map(|(name, _)| (*name, String::new())).collect();
    fill(template, &all).map(|_| ())
}

/// What a grant's clause says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFacts {
    pub intervention: String,
    pub owner: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub maximum: Money,
    /// May the board extend it after this period?
    pub option_to_extend: bool,
}

/// "1 år", "2 år": whole years of a period that runs from a first to a last day.
fn years(start: NaiveDate, end: NaiveDate) -> i32 {
    let next = end.succ_opt().unwrap_or(end);
    let mut n = next.year() - start.year();
    if (next.month(), next.day()) < (start.month(), start.day()) {
        n -= 1;
    }
    n.max(1)
}

/// The values a clause template is filled with.
pub fn grant_values(f: &GrantFacts) -> BTreeMap<&'static str, String> {
    let mut v = BTreeMap::new();
    v.insert("insats", f.intervention.clone());
    v.insert("insatsagare", f.owner.clone());
    v.insert("start", long_date(f.start));
    v.insert("slut", long_date(f.end));
    v.insert("belopp", f.maximum.format_number().replace('\u{a0}', " "));
    v.insert(
        "option",
        if f.option_to_extend {
            format!(", {} år med eventuell option på förlängning", years(f.start, f.end))
        } else {
            String::new()
        },
    );
    v
}

/// Names joined the Swedish way: "A", "A och B", "A, B och C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} och {}", init.join(", "), last),
    }
}

/// The parties in the order the proposals name them: Försäkringskassan, Arbetsförmedlingen, the
/// region, then kommuner, each group in the order the application lists them.
pub fn partner_order(partners: &[(String, PartyKind)]) -> Vec<String> {
    let rank = |k: PartyKind| match k {
        PartyKind::Fk => 0,
        PartyKind::Af => 1,
        PartyKind::Region => 2,
        PartyKind::Kommun => 3,
    };
    let mut sorted: Vec<&(String, PartyKind)> = partners.iter().collect();
    sorted.sort_by_key(|(_, k)| rank(*k));
    sorted.into_iter().map(|(n, _)| n.clone()).collect()
}

/// The officer's checklist, with the criteria the real proposals use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checklist {
    /// Target group and intervention in line with the board's direction.
    pub in_line_with_direction: bool,
    /// Measurable goals and results in line with the direction.
    pub measurable_goals: bool,
    /// Discussed in the LOKUS group: in which kommun's group, and when.
    pub lokus_discussed: bool,
    #[serde(default)]
    pub lokus_kommun: String,
    #[serde(default)]
    pub lokus_date: Option<NaiveDate>,
    /// Follow-up and evaluation planned.
    pub follow_up_planned: bool,
    /// Implementation in ordinary services described.
    pub implementation_described: bool,
    /// Own financing stated.
    pub own_financing_stated: bool,
    /// For an extension: every condition of the earlier decision answered.
    #[serde(default)]
    pub conditions_answered: bool,
}

/// "våren 2021", "hösten 2022": the season of a date, as proposals say when a group met.
pub fn season(date: NaiveDate) -> String {
    let name = match date.month() {
        1..=6 => "våren",
        7 | 8 => "sommaren",
        _ => "hösten",
    };
    format!("{name} {}", date.year())
}

/// What the assessment is drafted from.
pub struct AssessmentFacts<'a> {
    pub extension: bool,
    pub individual: bool,
    pub owner: &'a str,
    pub partners: Vec<String>,
    pub checklist: &'a Checklist,
}

/// The Bedömning, drafted sentence by sentence as in seed 001 and 003.
pub fn draft_assessment(f: &AssessmentFacts<'_>) -> String {
    let mut s = Vec::new();
    let subject = if f.extension { "Denna förlängningsansökan" } else { "Ansökan" };
    let kind = if f.individual { "en individinsats" } else { "en strukturövergripande insats" };
    let partners = join_names(&f.partners);
    let verb = if f.partners.len() == 1 { "är samverkanspart" } else { "är samverkansparter" };
    s.push(format!("{subject} rör {kind} där {} är insatsägare och {partners} {verb}.", f.owner));
    let c = f.checklist;
    if c.lokus_discussed {
        let mut sentence = "Ansökan har diskuterats i Lokusgruppen".to_string();
        if !c.lokus_kommun.trim().is_empty() {
            sentence.push_str(&format!(" i {}", c.lokus_kommun.trim()));
        }
        if let Some(d) = c.lokus_date {
            sentence.push_str(&format!(" under {}", season(d)));
        }
        sentence.push('.');
        s.push(sentence);
    } else {
        s.push("Ansökan har inte diskuterats i Lokusgruppen.".into());
    }
    s.push(if c.in_line_with_direction {
        "Insatsen kan sägas ligga väl i linje med styrelsens inriktning.".into()
    } else {
        "Insatsen ligger inte i linje med styrelsens inriktning.".into()
    });
    s.push(if c.measurable_goals {
        "I ansökan anges resultat och mätbara mål som ligger i linje med förbundets inriktning.".into()
    } else {
        "Ansökan saknar mätbara mål i linje med förbundets inriktning.".into()
    });
    s.push(if c.follow_up_planned {
        "Uppföljning och utvärdering kommer att ske löpande.".into()
    } else {
        "Ansökan beskriver inte hur insatsen ska följas upp och utvärderas.".into()
    });
    if c.implementation_described {
        s.push("Ett resonemang kring möjligheterna för implementering framkommer i ansökan.".into());
    }
    if f.extension && !c.own_financing_stated {
        s.push("Parternas egenfinansiering framgår inte av ansökan.".into());
    }
    if f.extension {
        s.push(if c.conditions_answered {
            "Ansökan besvarar villkoren i det tidigare beslutet.".into()
        } else {
            "Ansökan besvarar inte alla villkor i det tidigare beslutet.".into()
        });
    }
    s.join(" ")
}

/// What the first paragraph of Ärendet is drafted from.
pub struct CaseFacts<'a> {
    pub owner: &'a str,
    pub intervention: &'a str,
    pub partners: Vec<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// The opening of Ärendet: who applies with whom, for what and when (seed 003's wording).
pub fn draft_case_opening(f: &CaseFacts<'_>) -> String {
    let with =
        if f.partners.is_empty() { String::new() } else { format!(" tillsammans med {}", join_names(&f.partners)) };
    let period = match (f.start, f.end) {
        (Some(s), Some(e)) => format!(" under perioden {} till och med {}", long_date(s), long_date(e)),
        _ => String::new(),
    };
    format!("{} ansöker{with} om finansiering för insatsen {}{period}.", f.owner, f.intervention)
}

/// What the committee proposes the board decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Grant,
    Reject,
    ReferBack,
}

/// The proposal document's content, as the associations write it. Clauses are stored without
/// their leading "att".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposalContent {
    /// "Ansökan Jobbcentrum, din väg framåt".
    pub heading: String,
    /// "Arbetsutskottet föreslår förbundsstyrelsen besluta".
    pub intro: String,
    pub clauses: Vec<String>,
    /// Ärendet: the application described.
    pub case_text: String,
    /// Bedömning.
    pub assessment: String,
    pub signer_name: String,
    pub signer_title: String,
}

/// The association's clause templates: its own wording where it has one, the default otherwise.
#[derive(Debug, Clone, Default)]
pub struct ClauseLibrary(pub BTreeMap<ClauseKind, String>);

impl ClauseLibrary {
    pub fn template(&self, kind: ClauseKind) -> &str {
        self.0.get(&kind).map(String::as_str).unwrap_or_else(|| kind.default_template())
    }
}

/// The facts a proposal is drafted from.
pub struct ProposalFacts<'a> {
    pub recommendation: Recommendation,
    pub grant: &'a GrantFacts,
    /// Add the clause on what an extension application must show.
    pub extension_requirements: bool,
    pub case_text: String,
    pub assessment: String,
    pub signer_name: String,
    pub signer_title: String,
}

/// Drafts the whole proposal: heading, the clauses in the order the seeds have them, Ärendet,
/// Bedömning and the director.
pub fn draft_proposal(library: &ClauseLibrary, f: &ProposalFacts<'_>) -> Result<ProposalContent, TemplateError> {
    let values = grant_values(f.grant);
    let kinds: Vec<ClauseKind> = match f.recommendation {
        Recommendation::Grant => {
            let mut k = vec![ClauseKind::Grant];
            if f.extension_requirements {
                k.push(ClauseKind::ExtensionRequirements);
            }
            k.extend([ClauseKind::MemberFunds, ClauseKind::Compliance]);
            k
        }
        Recommendation::Reject => vec![ClauseKind::Reject],
        Recommendation::ReferBack => vec![ClauseKind::ReferBack],
    };
    let clauses = kinds.into_iter().map(|k| fill(library.template(k), &values)).collect::<Result<Vec<_>, _>>()?;
    Ok(ProposalContent {
        heading: format!("Ansökan {}", f.grant.intervention),
        intro: "Arbetsutskottet föreslår förbundsstyrelsen besluta".into(),
        clauses,
        case_text: f.case_text.clone(),
        assessment: f.assessment.clone(),
        signer_name: f.signer_name.clone(),
        signer_title: f.signer_title.clone(),
    })
}

/// The proposal as plain text, in the layout of the seeds.
pub fn proposal_text(p: &ProposalContent) -> String {
    let mut out = format!("{}\n\nFörslag till beslut\n\n{}\n\n", p.heading, p.intro);
    for c in &p.clauses {
        out.push_str(&att(c));
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Ärendet\n\nAnsökan\n\n{}\n\nBedömning\n\n{}\n\n{}, {}\n",
        p.case_text.trim(),
        p.assessment.trim(),
        p.signer_name,
        p.signer_title
    ));
    out
}

/// One att-clause as shown: "att " followed by the clause.
pub fn att(clause: &str) -> String {
    format!("att {clause}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn grant(template: &str, f: &GrantFacts) -> String {
        att(&fill(template, &grant_values(f)).unwrap())
    }

    #[test]
    fn the_grant_clause_of_seed_000() {
        let f = GrantFacts {
            intervention: "Jobbcentrum, din väg framåt, Enköping".into(),
            owner: "Enköpings kommun".into(),
            start: d(2022, 1, 1),
            end: d(2022, 12, 31),
            maximum: Money::from_kronor(2_675_000),
            option_to_extend: true,
        };
        assert_eq!(
            grant(ClauseKind::Grant.default_template(), &f),
            "att bevilja finansiellt stöd enligt ansökan för insatsen *Jobbcentrum, din väg framåt, Enköping* för perioden 1 januari 2022 fram till 31 december 2022, maximalt 2 675 000 kronor, 1 år med eventuell option på förlängning."
        );
    }

    #[test]
    fn the_grant_clauses_of_seeds_001_and_003_are_edits_of_the_default() {
        // 001 says "bevilja finansiellt stöd för insatsen" (no "enligt ansökan").
        let en_vag_in = GrantFacts {
            intervention: "En väg in-steget vidare".into(),
            owner: "Knivsta kommun".into(),
            start: d(2022, 1, 1),
            end: d(2022, 12, 31),
            maximum: Money::from_kronor(1_965_000),
            option_to_extend: true,
        };
        let edited = ClauseKind::Grant.default_template().replace("stöd enligt ansökan för", "stöd för");
        assert_eq!(
            grant(&edited, &en_vag_in),
            "att bevilja finansiellt stöd för insatsen *En väg in-steget vidare* för perioden 1 januari 2022 fram till 31 december 2022, maximalt 1 965 000 kronor, 1 år med eventuell option på förlängning."
        );
        // 003 puts a comma after the name, has no option and no full stop.
        let framsteget = GrantFacts {
            intervention: "Framsteget 2.0".into(),
            owner: "Håbo kommun".into(),
            start: d(2023, 1, 1),
            end: d(2024, 12, 31),
            maximum: Money::from_kronor(7_711_000),
            option_to_extend: false,
        };
        let edited = ClauseKind::Grant
            .default_template()
            .replace("*{insats}* för", "*{insats}*, för")
            .replace("{option}.", "{option}");
        assert_eq!(
            grant(&edited, &framsteget),
            "att bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor"
        );
    }

    #[test]
    fn the_standard_conditions_read_as_in_the_seeds() {
        let none = BTreeMap::new();
        assert_eq!(
            att(&fill(ClauseKind::MemberFunds.default_template(), &none).unwrap()),
            "att finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver."
        );
        assert_eq!(
            att(&fill(ClauseKind::Compliance.default_template(), &none).unwrap()),
            "att finansiering av insatsen gäller under förutsättning att insatsen följer aktuell ansökan, gällande lagstiftning och av förbundet antagna styrdokument."
        );
        assert!(att(ClauseKind::ExtensionRequirements.default_template())
            .starts_with("att vid ansökan om förlängning ska parternas egenfinansiering framgå,"));
    }

    #[test]
    fn every_default_template_uses_known_placeholders_only() {
        for kind in ClauseKind::ALL {
            assert_eq!(check_template(kind.default_template()), Ok(()), "{}", kind.code());
        }
        assert_eq!(check_template("för {belop}"), Err(TemplateError::UnknownPlaceholder("belop".into())));
    }

    #[test]
    fn templates_refuse_unknown_placeholders() {
        let v = grant_values(&GrantFacts {
            intervention: "X".into(),
            owner: "Y".into(),
            start: d(2022, 1, 1),
            end: d(2023, 12, 31),
            maximum: Money::from_kronor(1),
            option_to_extend: true,
        });
        assert_eq!(fill("för {insatts}", &v), Err(TemplateError::UnknownPlaceholder("insatts".into())));
        assert_eq!(fill("för {insats", &v), Err(TemplateError::Unclosed));
        assert_eq!(fill("{{bokstavligt}} {insats}", &v).unwrap(), "{bokstavligt} X");
        assert_eq!(v["option"], ", 2 år med eventuell option på förlängning");
    }

    #[test]
    fn the_assessment_of_seed_001() {
        let checklist = Checklist {
            in_line_with_direction: true,
            measurable_goals: true,
            lokus_discussed: true,
            lokus_kommun: "Knivsta".into(),
            lokus_date: Some(d(2021, 4, 15)),
            follow_up_planned: true,
            implementation_described: false,
            own_financing_stated: false,
            conditions_answered: false,
        };
        let partners = partner_order(&[
            ("Region Uppsala".into(), PartyKind::Region),
            ("Arbetsförmedlingen".into(), PartyKind::Af),
            ("Försäkringskassan".into(), PartyKind::Fk),
        ]);
        let text = draft_assessment(&AssessmentFacts {
            extension: false,
            individual: true,
            owner: "Knivsta kommun",
            partners,
            checklist: &checklist,
        });
        assert_eq!(
            text,
            "Ansökan rör en individinsats där Knivsta kommun är insatsägare och Försäkringskassan, Arbetsförmedlingen och Region Uppsala är samverkansparter. \
             Ansökan har diskuterats i Lokusgruppen i Knivsta under våren 2021. \
             Insatsen kan sägas ligga väl i linje med styrelsens inriktning. \
             I ansökan anges resultat och mätbara mål som ligger i linje med förbundets inriktning. \
             Uppföljning och utvärdering kommer att ske löpande."
        );
    }

    #[test]
    fn the_assessment_of_an_extension_opens_as_seed_003() {
        let checklist = Checklist {
            in_line_with_direction: true,
            measurable_goals: true,
            lokus_discussed: true,
            lokus_kommun: "Håbo".into(),
            follow_up_planned: true,
            implementation_described: true,
            own_financing_stated: true,
            ..Default::default()
        };
        let text = draft_assessment(&AssessmentFacts {
            extension: true,
            individual: true,
            owner: "Håbo kommun",
            partners: vec!["Försäkringskassan".into(), "Arbetsförmedlingen".into(), "Region Uppsala".into()],
            checklist: &checklist,
        });
        assert!(text.starts_with("Denna förlängningsansökan rör en individinsats där Håbo kommun är insatsägare och Försäkringskassan, Arbetsförmedlingen och Region Uppsala är samverkansparter. Ansökan har diskuterats i Lokusgruppen i Håbo."));
        assert!(text.contains("Uppföljning och utvärdering kommer att ske löpande. Ett resonemang kring möjligheterna för implementering framkommer i ansökan."));
    }

    #[test]
    fn the_case_opens_as_seed_003() {
        let text = draft_case_opening(&CaseFacts {
            owner: "Håbo kommun",
            intervention: "Framsteget 2.0",
            partners: vec!["Försäkringskassan".into(), "Arbetsförmedlingen".into(), "Region Uppsala".into()],
            start: Some(d(2023, 1, 1)),
            end: Some(d(2024, 12, 31)),
        });
        assert_eq!(
            text,
            "Håbo kommun ansöker tillsammans med Försäkringskassan, Arbetsförmedlingen och Region Uppsala om finansiering för insatsen Framsteget 2.0 under perioden 1 januari 2023 till och med 31 december 2024."
        );
    }

    #[test]
    fn the_proposal_of_seed_003_is_drafted_in_its_order() {
        let grant = GrantFacts {
            intervention: "Framsteget 2.0".into(),
            owner: "Håbo kommun".into(),
            start: d(2023, 1, 1),
            end: d(2024, 12, 31),
            maximum: Money::from_kronor(7_711_000),
            option_to_extend: false,
        };
        let mut library = ClauseLibrary::default();
        library.0.insert(
            ClauseKind::Grant,
            ClauseKind::Grant
                .default_template()
                .replace("*{insats}* för", "*{insats}*, för")
                .replace("{option}.", "{option}"),
        );
        let p = draft_proposal(
            &library,
            &ProposalFacts {
                recommendation: Recommendation::Grant,
                grant: &grant,
                extension_requirements: false,
                case_text: "Håbo kommun ansöker …".into(),
                assessment: "Denna förlängningsansökan rör …".into(),
                signer_name: "Åsa Fichtel".into(),
                signer_title: "Förbundschef".into(),
            },
        )
        .unwrap();
        assert_eq!(p.heading, "Ansökan Framsteget 2.0");
        assert_eq!(p.clauses.len(), 3, "no extension clause in 003");
        let text = proposal_text(&p);
        assert!(text.starts_with("Ansökan Framsteget 2.0\n\nFörslag till beslut\n\nArbetsutskottet föreslår förbundsstyrelsen besluta\n\natt bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor\n\natt finansieringen"));
        assert!(text.ends_with("Bedömning\n\nDenna förlängningsansökan rör …\n\nÅsa Fichtel, Förbundschef\n"));
        let rejected = draft_proposal(
            &ClauseLibrary::default(),
            &ProposalFacts {
                recommendation: Recommendation::Reject,
                grant: &grant,
                extension_requirements: false,
                case_text: String::new(),
                assessment: String::new(),
                signer_name: String::new(),
                signer_title: String::new(),
            },
        )
        .unwrap();
        assert_eq!(
            rejected.clauses,
            vec!["avslå ansökan om finansiellt stöd för insatsen *Framsteget 2.0*.".to_string()]
        );
    }

    #[test]
    fn names_and_seasons_read_the_swedish_way() {
        assert_eq!(join_names(&["A".into()]), "A");
        assert_eq!(join_names(&["A".into(), "B".into()]), "A och B");
        assert_eq!(join_names(&["A".into(), "B".into(), "C".into()]), "A, B och C");
        assert_eq!(season(d(2021, 3, 1)), "våren 2021");
        assert_eq!(season(d(2022, 10, 1)), "hösten 2022");
        assert_eq!(years(d(2022, 1, 1), d(2022, 12, 31)), 1);
        assert_eq!(years(d(2023, 1, 1), d(2024, 12, 31)), 2);
    }
}
