//! The association's money: the members' contributions under §5 of the Finsam law, each kommun's
//! return (utväxling), and the rules of a requisition. Pure arithmetic on whole kronor and öre.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::party::PartyKind;

/// How the kommuner split their quarter among themselves (the förbundsordning's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// By population at the end of the year before.
    Population,
    /// By population aged 16–64 at the end of the year before.
    Population16To64,
    /// By fixed shares, written in the key.
    Fixed,
}

impl KeyKind {
    pub const ALL: [KeyKind; 3] = [KeyKind::Population, KeyKind::Population16To64, KeyKind::Fixed];

    pub fn code(self) -> &'static str {
        match self {
            KeyKind::Population => "population",
            KeyKind::Population16To64 => "population_16_64",
            KeyKind::Fixed => "fixed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Population => "Befolkningsandel",
            KeyKind::Population16To64 => "Andel av befolkningen 16–64 år",
            KeyKind::Fixed => "Fasta andelar",
        }
    }
}

/// A whole share, in millionths: 1 000 000 is 100 %.
pub const WHOLE_PPM: i64 = 1_000_000;

/// Reads a percentage with at most four decimals into millionths: "12,5" is 125 000.
pub fn parse_percent_ppm(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || whole.len() > 3 {
        return None;
    }
    if frac.len() > 4 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_ppm: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<4}").parse::<i64>().ok()? };
    Some(whole * 10_000 + frac_ppm)
}

/// Splits `total` whole units by `weights` so that the parts sum exactly to `total`: every part
/// gets the whole units of its exact share, and the units left over go one each to the largest
/// remainders (the largest remainder method). Equal remainders go to the larger weight first,
/// then to the earlier entry, so the result never depends on chance.
pub fn split_by_weight(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| *w as i128).sum();
    if sum <= 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total as i128 * *w as i128;
        parts.push((exact / sum) as i64);
        remainders.push((exact % sum, *w, i));
    }
    let mut left = total - parts.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (_, _, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// A member as the contribution and return calculations see it.
#[derive(Debug, Clone)]
pub struct MemberWeight {
    pub member_id: i64,
    pub name: String,
    pub kind: PartyKind,
    /// The kommun's weight under the key in force: inhabitants, or a fixed share in millionths.
    /// Zero for the state's and the region's members.
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Contribution {
    pub member_id: i64,
    pub name: String,
    pub kind: PartyKind,
    /// What the member pays, in whole kronor (as öre).
    #[serde(skip)]
    pub amount: Money,
    /// The kommun's share of the kommuner's quarter in millionths (None for other members).
    pub key_share_ppm: Option<i64>,
}

/// The rounding rule of [`contributions`], as the figures state it.
pub const ROUNDING_RULE: &str = "Hela kronor. Regionens del är hälften av statens tilldelning, avrundad nedåt; \
    kommunerna delar resten efter nyckeln med största-restmetoden, så att delarna summerar exakt.";

/// The members' contributions for a year in which the state allocates `state` (whole kronor).
///
/// Under §5 the state pays half, through Försäkringskassan, which also pays Arbetsförmedlingen's
/// part; the region pays a quarter and the kommuner together a quarter. So the region pays half
/// of `state` and the kommuner the other half. Rounding rule: every amount is whole kronor; the
/// region's half is rounded down and the kommuner's half is what remains, so region and kommuner
/// together pay exactly `state`; the kommuner's half (and, with several regions, the regions'
/// half, equally) is split by [`split_by_weight`].
pub fn contributions(state_kronor: i64, members: &[MemberWeight]) -> Vec<Contribution> {
    let region_total = state_kronor / 2;
    let kommun_total = state_kronor - region_total;
    let kommun_weights: i128 = members.iter().filter(|m| m.kind == PartyKind::Kommun).map(|m| m.weight as i128).sum();
    let mut out: Vec<Contribution> = members
        .iter()
        .map(|m| Contribution {
            member_id: m.member_id,
            name: m.name.clone(),
            kind: m.kind,
            amount: Money::ZERO,
            key_share_ppm: (m.kind == PartyKind::Kommun && kommun_weights > 0)
                .then(|| (m.weight as i128 * WHOLE_PPM as i128 / kommun_weights) as i64),
        })
        .collect();
    // Each paying group splits its total among its members: Försäkringskassan the state's part,
    // the regions theirs equally, the kommuner theirs by the key. Arbetsförmedlingen pays nothing.
    for (kind, total) in
        [(PartyKind::Fk, state_kronor), (PartyKind::Region, region_total), (PartyKind::Kommun, kommun_total)]
    {
        let group: Vec<usize> = (0..members.len()).filter(|i| members[*i].kind == kind).collect();
        let weights: Vec<i64> =
            group.iter().map(|i| if kind == PartyKind::Kommun { members[*i].weight } else { 1 }).collect();
        for (i, kronor) in group.into_iter().zip(split_by_weight(total, &weights)) {
            out[i].amount = Money::from_kronor(kronor);
        }
    }
    out
}

/// How an intervention's money was attributed to the kommuner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// It serves one kommun, which gets all of it.
    OneKommun,
    /// By its participants' home kommun.
    Participants,
    /// By the population of the kommuner it serves (it has no participants with a known kommun).
    Population,
    /// A structural intervention: shown apart, not attributed.
    Structural,
}

impl Attribution {
    pub fn label(self) -> &'static str {
        match self {
            Attribution::OneKommun => "En kommun",
            Attribution::Participants => "Deltagarnas hemkommun",
            Attribution::Population => "Befolkning",
            Attribution::Structural => "Strukturövergripande, redovisas för sig",
        }
    }
}

/// One intervention's money in the year, with what is known of whom it served.
#[derive(Debug, Clone)]
pub struct InterventionMoney {
    pub intervention_id: i64,
    pub name: String,
    pub structural: bool,
    /// The association's money to it in the year (outcome, or the grant in planning mode).
    pub amount: Money,
    /// The kommuner among its parties; none means the whole area.
    pub kommun_parties: Vec<i64>,
    /// Participations active in the year per home kommun.
    pub participants: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KommunReturn {
    pub member_id: i64,
    pub name: String,
    pub population: i64,
    /// The kommun's own contribution A_k.
    #[serde(skip)]
    pub contribution: Money,
    /// Money to individual interventions attributed to the kommun, R_k.
    #[serde(skip)]
    pub attributed: Money,
    /// U_k = R_k / A_k (None when the kommun pays nothing).
    pub return_ratio: Option<f64>,
    /// F_k = (R_k / ΣR) / (pop_k / Σpop) (None when nothing was attributed).
    pub fairness_index: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct AttributedIntervention {
    pub intervention_id: i64,
    pub name: String,
    pub amount: Money,
    pub attribution: Attribution,
    /// Per kommun, in the order of the kommuner given.
    pub parts: Vec<Money>,
}

#[derive(Debug, Clone)]
pub struct Returns {
    pub kommuner: Vec<KommunReturn>,
    pub interventions: Vec<AttributedIntervention>,
    /// Money to structural interventions, shown apart.
    pub structural: Money,
}

/// How [`returns`] attributes money, as every report of it states it (reference 4.10).
pub const RETURN_METHOD: &str = "Insatsmedel per kommun (R): en insats som bara har en kommun som part räknas helt till den; \
    andra fördelas efter deltagarnas hemkommun, och utan deltagare efter befolkningen i de kommuner den omfattar. \
    Strukturövergripande insatser redovisas för sig. Utväxling U = R / kommunens medlemsbidrag; när allt fördelas efter \
    befolkning är U = 4, eftersom staten och regionen tillför tre gånger kommunernas medel. Rättviseindex \
    F = (R / summan av R) / (befolkning / summan av befolkning); 1,0 betyder kommunens befolkningsandel. \
    Finsam-medlen är gemensamma och styrelsen beslutar efter behov, inte efter bidrag.";

/// A kommun as the return calculation needs it: id, name, population and own contribution.
#[derive(Debug, Clone)]
pub struct KommunBasis {
    pub member_id: i64,
    pub name: String,
    pub population: i64,
    pub contribution: Money,
}

/// Attributes each individual intervention's money to the kommuner (reference 4.10): all of it
/// to the one kommun it serves; else by its participants' home kommun; else by the population of
/// the kommuner it serves (all kommuner when it names none). Each split is exact in öre.
pub fn returns(kommuner: &[KommunBasis], interventions: &[InterventionMoney]) -> Returns {
    let mut totals = vec![0i64; kommuner.len()];
    let mut attributed = Vec::new();
    let mut structural = Money::ZERO;
    let index = |id: i64| kommuner.iter().position(|k| k.member_id == id);
    for i in interventions {
        if i.structural {
            structural = Money::from_ore(structural.ore() + i.amount.ore());
            attributed.push(AttributedIntervention {
                intervention_id: i.intervention_id,
                name: i.name.clone(),
                amount: i.amount,
                attribution: Attribution::Structural,
                parts: vec![Money::ZERO; kommuner.len()],
            });
            continue;
        }
        let served: Vec<usize> = i.kommun_parties.iter().filter_map(|id| index(*id)).collect();
        let mut weights = vec![0i64; kommuner.len()];
        let attribution = if served.len() == 1 {
            weights[served[0]] = 1;
            Attribution::OneKommun
        } else {
            for (member, count) in &i.participants {
                if let Some(k) = index(*member) {
                    weights[k] += count;
                }
            }
            if weights.iter().any(|w| *w > 0) {
                Attribution::Participants
            } else {
                for (k, basis) in kommuner.iter().enumerate() {
                    if served.is_empty() || served.contains(&k) {
                        weights[k] = basis.population;
                    }
                }
                Attribution::Population
            }
        };
        let parts = split_by_weight(i.amount.ore(), &weights);
        for (t, p) in totals.iter_mut().zip(&parts) {
            *t += p;
        }
        attributed.push(AttributedIntervention {
            intervention_id: i.intervention_id,
            name: i.name.clone(),
            amount: i.amount,
            attribution,
            parts: parts.into_iter().map(Money::from_ore).collect(),
        });
    }
    let sum_r: i64 = totals.iter().sum();
    let sum_pop: i64 = kommuner.iter().map(|k| k.population).sum();
    let kommuner = kommuner
        .iter()
        .zip(totals)
        .map(|(k, r)| KommunReturn {
            member_id: k.member_id,
            name: k.name.clone(),
            population: k.population,
            contribution: k.contribution,
            attributed: Money::from_ore(r),
            return_ratio: (k.contribution.ore() > 0).then(|| r as f64 / k.contribution.ore() as f64),
            fairness_index: (sum_r > 0 && sum_pop > 0 && k.population > 0)
                .then(|| (r as f64 / sum_r as f64) / (k.population as f64 / sum_pop as f64)),
        })
        .collect();
    Returns { kommuner, interventions: attributed, structural }
}

/// A grant's share of one calendar year: its yearly maximum where the grant is per year, else
/// the whole grant spread over the period by days, split by the largest remainder so that the
/// years' shares sum exactly to the grant.
pub fn year_share(total: Money, start: NaiveDate, end: NaiveDate, per_year: &[(i32, i64)], year: i32) -> Money {
    if !per_year.is_empty() {
        return Money::from_ore(per_year.iter().find(|(y, _)| *y == year).map_or(0, |(_, ore)| *ore));
    }
    if end < start || year < start.year() || year > end.year() {
        return Money::default();
    }
    let days = |y: i32| -> i64 {
        let first = start.max(NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January"));
        let last = end.min(NaiveDate::from_ymd_opt(y, 12, 31).expect("31 December"));
        (last - first).num_days() + 1
    };
    let years: Vec<i32> = (start.year()..=end.year()).collect();
    let weights: Vec<i64> = years.iter().map(|y| days(*y)).collect();
    let parts = split_by_weight(total.ore(), &weights);
    Money::from_ore(parts[(year - start.year()) as usize])
}

/// The kinds of cost a requisition claims.
pub const COST_KINDS: [(&str, &str); 6] = [
    ("personnel", "Personal"),
    ("premises", "Lokaler"),
    ("purchased_services", "Köpta tjänster"),
    ("participant_activities", "Deltagaraktiviteter"),
    ("travel", "Resor"),
    ("other", "Övrigt"),
];

pub fn cost_kind_label(code: &str) -> &str {
    COST_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or(code)
}

/// Where a requisition is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequisitionStatus {
    Submitted,
    Reviewed,
    Attested,
    Paid,
    Rejected,
}

impl RequisitionStatus {
    pub const ALL: [RequisitionStatus; 5] = [
        RequisitionStatus::Submitted,
        RequisitionStatus::Reviewed,
        RequisitionStatus::Attested,
        RequisitionStatus::Paid,
        RequisitionStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequisitionStatus::Submitted => "submitted",
            RequisitionStatus::Reviewed => "reviewed",
            RequisitionStatus::Attested => "attested",
            RequisitionStatus::Paid => "paid",
            RequisitionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequisitionStatus::Submitted => "Inlämnad",
            RequisitionStatus::Reviewed => "Granskad",
            RequisitionStatus::Attested => "Attesterad",
            RequisitionStatus::Paid => "Utbetald",
            RequisitionStatus::Rejected => "Avvisad",
        }
    }
}

/// A step in a requisition's flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Review,
    Attest,
    Pay,
    Reject,
}

impl ReviewAction {
    /// The status the action leaves, when taken from `from`; None when it may not be taken.
    pub fn next(self, from: RequisitionStatus) -> Option<RequisitionStatus> {
        use RequisitionStatus as S;
        match (self, from) {
            (ReviewAction::Review, S::Submitted) => Some(S::Reviewed),
            (ReviewAction::Attest, S::Reviewed) => Some(S::Attested),
            (ReviewAction::Pay, S::Attested) => Some(S::Paid),
            (ReviewAction::Reject, S::Submitted | S::Reviewed) => Some(S::Rejected),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_without_yearly_maxima_is_spread_over_its_days() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // 3 000 000 kr over 2027–2029 (365 + 366 + 365 = 1 096 days, 2028 a leap year): 2027 gets
        // 300 000 000 öre × 365 / 1 096 = 99 908 759,12 öre, 2028 × 366 / 1 096 = 100 182 481,75
        // and 2029 99 908 759,12. Floors sum to 299 999 999; the öre left goes to 2028 (,75).
        let total = Money::from_kronor(3_000_000);
        let (start, end) = (d(2027, 1, 1), d(2029, 12, 31));
        assert_eq!(year_share(total, start, end, &[], 2027).ore(), 99_908_759);
        assert_eq!(year_share(total, start, end, &[], 2028).ore(), 100_182_482);
        assert_eq!(year_share(total, start, end, &[], 2029).ore(), 99_908_759);
        assert_eq!(year_share(total, start, end, &[], 2026).ore(), 0);
        // Half a year, then a whole: 1 July–31 December 2025 is 184 days, 2026 has 365.
        // 549 000 kr × 184 / 549 = 184 000 kr, and 365 000 kr.
        let (start, end) = (d(2025, 7, 1), d(2026, 12, 31));
        assert_eq!(year_share(Money::from_kronor(549_000), start, end, &[], 2025), Money::from_kronor(184_000));
        assert_eq!(year_share(Money::from_kronor(549_000), start, end, &[], 2026), Money::from_kronor(365_000));
        // A grant per year gives the year's maximum, and nothing for a year it does not name.
        let per_year = [(2025, 100_000_000), (2026, 120_000_000)];
        assert_eq!(year_share(total, start, end, &per_year, 2026).ore(), 120_000_000);
        assert_eq!(year_share(total, start, end, &per_year, 2027).ore(), 0);
    }

    #[test]
    fn largest_remainder_sums_exactly_and_breaks_ties_by_weight_then_order() {
        // 10 by 1:1:1 -> 3.33 each; one unit left, all remainders equal and weights equal: first.
        assert_eq!(split_by_weight(10, &[1, 1, 1]), vec![4, 3, 3]);
        // 100 by 1:2 -> 33.33 and 66.67: the larger remainder takes the unit.
        assert_eq!(split_by_weight(100, &[1, 2]), vec![33, 67]);
        // 5 by 1:1 -> 2.5 each: equal remainders and weights, so the first.
        assert_eq!(split_by_weight(5, &[1, 1]), vec![3, 2]);
        // 7 by 2:1:1 -> 3.5, 1.75, 1.75: remainders 0.5, 0.75, 0.75 -> the two 0.75s.
        assert_eq!(split_by_weight(7, &[2, 1, 1]), vec![3, 2, 2]);
        assert_eq!(split_by_weight(0, &[1, 2]), vec![0, 0]);
        assert_eq!(split_by_weight(9, &[0, 0]), vec![0, 0]);
    }

    fn kommun(id: i64, pop: i64, contribution: i64) -> KommunBasis {
        KommunBasis {
            member_id: id,
            name: format!("K{id}"),
            population: pop,
            contribution: Money::from_kronor(contribution),
        }
    }

    #[test]
    fn returns_attribute_by_one_kommun_participants_then_population() {
        // Two kommuner: A with 300 inhabitants paying 30 000 kr, B with 100 paying 10 000 kr.
        let kommuner = [kommun(1, 300, 30_000), kommun(2, 100, 10_000)];
        let interventions = [
            // Serves A only: all 40 000 kr to A.
            InterventionMoney {
                intervention_id: 10,
                name: "A".into(),
                structural: false,
                amount: Money::from_kronor(40_000),
                kommun_parties: vec![1],
                participants: vec![(2, 5)],
            },
            // Both: participants 1 from A and 3 from B -> 20 000 kr split 5 000 / 15 000.
            InterventionMoney {
                intervention_id: 11,
                name: "AB".into(),
                structural: false,
                amount: Money::from_kronor(20_000),
                kommun_parties: vec![1, 2],
                participants: vec![(1, 1), (2, 3)],
            },
            // Both, no participants: by population 3:1 -> 30 000 / 10 000.
            InterventionMoney {
                intervention_id: 12,
                name: "Pop".into(),
                structural: false,
                amount: Money::from_kronor(40_000),
                kommun_parties: vec![],
                participants: vec![],
            },
            // Structural: apart.
            InterventionMoney {
                intervention_id: 13,
                name: "S".into(),
                structural: true,
                amount: Money::from_kronor(7_000),
                kommun_parties: vec![],
                participants: vec![],
            },
        ];
        let r = returns(&kommuner, &interventions);
        // A: 40 000 + 5 000 + 30 000 = 75 000; B: 15 000 + 10 000 = 25 000.
        assert_eq!(r.kommuner[0].attributed, Money::from_kronor(75_000));
        assert_eq!(r.kommuner[1].attributed, Money::from_kronor(25_000));
        assert_eq!(r.structural, Money::from_kronor(7_000));
        // U: 75 000 / 30 000 = 2.5; 25 000 / 10 000 = 2.5.
        assert_eq!(r.kommuner[0].return_ratio, Some(2.5));
        assert_eq!(r.kommuner[1].return_ratio, Some(2.5));
        // F: (0.75) / (0.75) = 1; (0.25) / (0.25) = 1.
        assert!((r.kommuner[0].fairness_index.unwrap() - 1.0).abs() < 1e-12);
        assert!((r.kommuner[1].fairness_index.unwrap() - 1.0).abs() < 1e-12);
        let methods: Vec<Attribution> = r.interventions.iter().map(|i| i.attribution).collect();
        assert_eq!(
            methods,
            vec![Attribution::OneKommun, Attribution::Participants, Attribution::Population, Attribution::Structural]
        );
    }

    #[test]
    fn uppsala_2021_key_splits_the_quarter_as_the_reference_table() {
        // Reference 4.10: the state allocates 10 000 000 kr; FK pays 10 000 000, the region
        // 5 000 000 and the kommuner 5 000 000 by their 2021 population (sum 395 026).
        let pops = [
            ("Uppsala", 237_596, 3_007_346), // 3 007 346.35
            ("Enköping", 47_489, 601_087),   // 601 087.02
            ("Östhammar", 22_364, 283_070),  // 283 069.98 (rounded up: remainder .98)
            ("Håbo", 22_344, 282_817),       // 282 816.83 (.83)
            ("Tierp", 21_485, 271_944),      // 271 944.13
            ("Knivsta", 19_818, 250_844),    // 250 844.25
            ("Heby", 14_303, 181_039),       // 181 038.72 (.72)
            ("Älvkarleby", 9_627, 121_853),  // 121 852.74 (.74)
        ];
        let mut members: Vec<MemberWeight> = pops
            .iter()
            .enumerate()
            .map(|(i, (n, p, _))| MemberWeight {
                member_id: i as i64,
                name: n.to_string(),
                kind: PartyKind::Kommun,
                weight: *p,
            })
            .collect();
        for (id, kind) in [(20, PartyKind::Region), (21, PartyKind::Fk), (22, PartyKind::Af)] {
            members.push(MemberWeight { member_id: id, name: kind.label().into(), kind, weight: 0 });
        }
        let c = contributions(10_000_000, &members);
        for (i, (_, _, expected)) in pops.iter().enumerate() {
            assert_eq!(c[i].amount, Money::from_kronor(*expected), "{}", c[i].name);
        }
        assert_eq!(c[8].amount, Money::from_kronor(5_000_000));
        assert_eq!(c[9].amount, Money::from_kronor(10_000_000));
        assert_eq!(c[10].amount, Money::ZERO);
        // An odd allocation: the region's half is rounded down, the kommuner take the extra krona.
        let c = contributions(1_001, &members);
        assert_eq!(c[8].amount, Money::from_kronor(500));
        assert_eq!(c[..8].iter().map(|c| c.amount.ore()).sum::<i64>(), 501 * 100);
    }

    #[test]
    fn percentages_read_into_millionths() {
        assert_eq!(parse_percent_ppm("12,5"), Some(125_000));
        assert_eq!(parse_percent_ppm("60.1463 %"), Some(601_463));
        assert_eq!(parse_percent_ppm("2,9999"), Some(29_999));
        assert_eq!(parse_percent_ppm("100"), Some(1_000_000));
        assert_eq!(parse_percent_ppm("1,23456"), None);
        assert_eq!(parse_percent_ppm("-1"), None);
        assert_eq!(parse_percent_ppm(""), None);
    }

    #[test]
    fn review_actions_follow_the_flow() {
        use RequisitionStatus as S;
        assert_eq!(ReviewAction::Review.next(S::Submitted), Some(S::Reviewed));
        assert_eq!(ReviewAction::Attest.next(S::Submitted), None);
        assert_eq!(ReviewAction::Attest.next(S::Reviewed), Some(S::Attested));
        assert_eq!(ReviewAction::Pay.next(S::Reviewed), None);
        assert_eq!(ReviewAction::Pay.next(S::Attested), Some(S::Paid));
        assert_eq!(ReviewAction::Reject.next(S::Attested), None);
        assert_eq!(ReviewAction::Reject.next(S::Paid), None);
        assert_eq!(ReviewAction::Reject.next(S::Reviewed), Some(S::Rejected));
    }
}
