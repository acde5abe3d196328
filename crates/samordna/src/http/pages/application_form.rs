//! The application form: flat, indexed field names (`budget_2_year`) so rows can be added and
//! removed without JavaScript, what was typed kept as typed, and rule errors mapped back from the
//! content's paths (`budget[2].year`) to the inputs.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::application::{
    Anchoring, ApplicationContent, BudgetRow, Goal, GoalKind, Orientation, Part, PartyContact,
};
use crate::domain::money::Money;
use crate::service::FieldError;

/// The form as typed: every value a string, so a wrong one can be shown again as it was.
#[derive(Debug, Clone, Default)]
pub struct FormValues(HashMap<String, String>);

impl FormValues {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormValues {
        FormValues(pairs.into_iter().collect())
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or("")
    }

    /// The value when the form has the field at all.
    pub fn get_opt(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), value.into());
    }

    pub fn checked(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }

    /// How many rows of a kind the form holds (row fields are `{prefix}_{i}_…`).
    pub fn rows(&self, prefix: &str, probe: &str) -> usize {
        (0..).take_while(|i| self.0.contains_key(&format!("{prefix}_{i}_{probe}"))).count()
    }
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn money_text(ore: i64) -> String {
    Money::from_ore(ore).format_number()
}

/// The form filled from stored content.
pub fn values_of(c: &ApplicationContent) -> FormValues {
    let mut f = FormValues::default();
    f.set("name", &c.name);
    f.set("owner_contact_name", &c.owner.contact_name);
    f.set("owner_contact_email", &c.owner.contact_email);
    for (i, p) in c.partners.iter().enumerate() {
        f.set(format!("partner_{i}_member_id"), p.member_id.to_string());
        f.set(format!("partner_{i}_contact_name"), &p.contact_name);
        f.set(format!("partner_{i}_contact_email"), &p.contact_email);
    }
    f.set(
        "orientation",
        match c.orientation {
            Some(Orientation::Individual) => "individual",
            Some(Orientation::Structural) => "structural",
            None => "",
        },
    );
    f.set("esf", c.esf.map(|e| if e { "ja" } else { "nej" }).unwrap_or(""));
    for (key, text) in [
        ("purpose", &c.purpose),
        ("background", &c.background),
        ("target_group", &c.target_group),
        ("method", &c.method),
        ("follow_up", &c.follow_up),
        ("implementation", &c.implementation),
        ("budget_comment", &c.budget_comment),
    ] {
        f.set(key, text);
    }
    f.set("start_date", date_text(c.start_date));
    f.set("end_date", date_text(c.end_date));
    f.set("last_intake_date", date_text(c.last_intake_date));
    f.set("age_min", opt_text(c.age_min));
    f.set("age_max", opt_text(c.age_max));
    f.set("participants_per_year", opt_text(c.participants_per_year));
    for (i, p) in c.parts.iter().enumerate() {
        f.set(format!("part_{i}_name"), &p.name);
        f.set(format!("part_{i}_target_group"), &p.target_group);
        f.set(format!("part_{i}_age_min"), opt_text(p.age_min));
        f.set(format!("part_{i}_age_max"), opt_text(p.age_max));
        f.set(format!("part_{i}_participants_per_year"), opt_text(p.participants_per_year));
    }
    for (i, g) in c.goals.iter().enumerate() {
        f.set(format!("goal_{i}_kind"), if g.kind == GoalKind::Output { "output" } else { "outcome" });
        f.set(format!("goal_{i}_part"), opt_text(g.part));
        f.set(format!("goal_{i}_text"), &g.text);
    }
    for (i, r) in c.budget.iter().enumerate() {
        f.set(format!("budget_{i}_member_id"), r.member_id.to_string());
        f.set(format!("budget_{i}_year"), r.year.to_string());
        f.set(format!("budget_{i}_requested"), money_text(r.requested_ore));
        f.set(format!("budget_{i}_own_financing"), money_text(r.own_financing_ore));
    }
    f.set("anchoring_discussed", c.anchoring.discussed.map(|d| if d { "ja" } else { "nej" }).unwrap_or(""));
    f.set("anchoring_date", date_text(c.anchoring.date));
    f.set("anchoring_comment", &c.anchoring.comment);
    if let Some(ext) = &c.extends {
        f.set("extends_intervention_id", ext.intervention_id.to_string());
        for (i, a) in ext.answers.iter().enumerate() {
            f.set(format!("extends_{i}_condition"), &a.condition);
            f.set(format!("extends_{i}_answer"), &a.answer);
        }
    }
    if c.agreement_accepted_version.is_some() {
        f.set("agreement_accepted", "ja");
    }
    f
}

/// Reads the typed values into content. Values that cannot be read (a date that is not a date,
/// an amount that is not an amount) become field errors; rows marked for removal are dropped,
/// and an entirely empty row is ignored.
pub fn content_of(
    f: &FormValues,
    owner_member_id: i64,
    agreement_version: Option<i64>,
) -> (ApplicationContent, Vec<FieldError>) {
    let mut errors = Vec::new();
    let date = |key: &str, errors: &mut Vec<FieldError>| -> Option<NaiveDate> {
        let v = f.get(key).trim();
        if v.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError::new(key, "date_invalid_format")))
            .ok()
    };
    let int = |key: &str, errors: &mut Vec<FieldError>| -> Option<i32> {
        let v = f.get(key).trim().replace([' ', '\u{a0}'], "");
        if v.is_empty() {
            return None;
        }
        v.parse().map_err(|_| errors.push(FieldError::new(key, "number_invalid"))).ok()
    };
    let id = |key: &str| f.get(key).trim().parse::<i64>().ok();
    let amount = |key: &str, errors: &mut Vec<FieldError>| -> i64 {
        let v = f.get(key);
        if v.trim().is_empty() {
            return 0;
        }
        match Money::parse(v) {
            Ok(m) => m.ore(),
            Err(_) => {
                errors.push(FieldError::new(key, "amount_invalid"));
                0
            }
        }
    };
    let removed = |prefix: &str, i: usize| f.checked(&format!("{prefix}_{i}_remove"));

    let mut c = ApplicationContent {
        name: f.get("name").trim().to_string(),
        owner: PartyContact {
            member_id: owner_member_id,
            contact_name: f.get("owner_contact_name").trim().to_string(),
            contact_email: f.get("owner_contact_email").trim().to_string(),
        },
        orientation: match f.get("orientation") {
            "individual" => Some(Orientation::Individual),
            "structural" => Some(Orientation::Structural),
            _ => None,
        },
        esf: match f.get("esf") {
            "ja" => Some(true),
            "nej" => Some(false),
            _ => None,
        },
        purpose: f.get("purpose").trim().to_string(),
        background: f.get("background").trim().to_string(),
        target_group: f.get("target_group").trim().to_string(),
        method: f.get("method").trim().to_string(),
        follow_up: f.get("follow_up").trim().to_string(),
        implementation: f.get("implementation").trim().to_string(),
        budget_comment: f.get("budget_comment").trim().to_string(),
        start_date: date("start_date", &mut errors),
        end_date: date("end_date", &mut errors),
        last_intake_date: date("last_intake_date", &mut errors),
        age_min: int("age_min", &mut errors),
        age_max: int("age_max", &mut errors),
        participants_per_year: int("participants_per_year", &mut errors),
        anchoring: Anchoring {
            discussed: match f.get("anchoring_discussed") {
                "ja" => Some(true),
                "nej" => Some(false),
                _ => None,
            },
            date: date("anchoring_date", &mut errors),
            comment: f.get("anchoring_comment").trim().to_string(),
        },
        agreement_accepted_version: if f.checked("agreement_accepted") { agreement_version } else { None },
        ..Default::default()
    };
    if let Ok(intervention_id) = f.get("extends_intervention_id").trim().parse::<i64>() {
        let answers = (0..)
            .map_while(|i| f.get_opt(&format!("extends_{i}_condition")).map(|c| (i, c)))
            .map(|(i, condition)| crate::domain::application::ConditionAnswer {
                condition: condition.to_string(),
                answer: f.get(&format!("extends_{i}_answer")).trim().to_string(),
            })
            .collect();
        c.extends = Some(crate::domain::application::Extension { intervention_id, answers });
    }
    for i in 0..f.rows("partner", "member_id") {
        if removed("partner", i) {
            continue;
        }
        let Some(member_id) = id(&format!("partner_{i}_member_id")) else { continue };
        c.partners.push(PartyContact {
            member_id,
            contact_name: f.get(&format!("partner_{i}_contact_name")).trim().to_string(),
            contact_email: f.get(&format!("partner_{i}_contact_email")).trim().to_string(),
        });
    }
    for i in 0..f.rows("part", "name") {
        let name = f.get(&format!("part_{i}_name")).trim().to_string();
        let target = f.get(&format!("part_{i}_target_group")).trim().to_string();
        if removed("part", i) || (name.is_empty() && target.is_empty()) {
            continue;
        }
        c.parts.push(Part {
            name,
            target_group: target,
            age_min: int(&format!("part_{i}_age_min"), &mut errors),
            age_max: int(&format!("part_{i}_age_max"), &mut errors),
            participants_per_year: int(&format!("part_{i}_participants_per_year"), &mut errors),
        });
    }
    for i in 0..f.rows("goal", "text") {
        let text = f.get(&format!("goal_{i}_text")).trim().to_string();
        if removed("goal", i) || text.is_empty() {
            continue;
        }
        c.goals.push(Goal {
            kind: if f.get(&format!("goal_{i}_kind")) == "outcome" { GoalKind::Outcome } else { GoalKind::Output },
            part: f.get(&format!("goal_{i}_part")).trim().parse().ok(),
            text,
        });
    }
    for i in 0..f.rows("budget", "year") {
        let year_text = f.get(&format!("budget_{i}_year")).trim();
        let empty = year_text.is_empty()
            && f.get(&format!("budget_{i}_requested")).trim().is_empty()
            && f.get(&format!("budget_{i}_own_financing")).trim().is_empty();
        if removed("budget", i) || empty {
            continue;
        }
        let Some(member_id) = id(&format!("budget_{i}_member_id")) else {
            errors.push(FieldError::new(format!("budget_{i}_member_id"), "required"));
            continue;
        };
        let Some(year) = int(&format!("budget_{i}_year"), &mut errors) else {
            if year_text.is_empty() {
                errors.push(FieldError::new(format!("budget_{i}_year"), "required"));
            }
            continue;
        };
        c.budget.push(BudgetRow {
            member_id,
            year,
            requested_ore: amount(&format!("budget_{i}_requested"), &mut errors),
            own_financing_ore: amount(&format!("budget_{i}_own_financing"), &mut errors),
        });
    }
    (c, errors)
}

/// The input a content path belongs to: `budget[2].requested_sek` -> `budget_2_requested`.
/// Rows are renumbered after removals, so this holds for the form as it is shown again.
pub fn input_id(path: &str) -> String {
    let mut out = path
        .replace("extends.answers[", "extends_")
        .replace("partners[", "partner_")
        .replace("parts[", "part_")
        .replace("goals[", "goal_")
        .replace("budget[", "budget_")
        .replace("].", "_")
        .replace('.', "_");
    for (from, to) in [("_requested_sek", "_requested"), ("_own_financing_sek", "_own_financing")] {
        if out.ends_with(from) {
            out = format!("{}{to}", &out[..out.len() - from.len()]);
        }
    }
    match out.as_str() {
        "owner_member_id" => "name".into(),
        "agreement_accepted_version" => "agreement_accepted".into(),
        "partners" => "partner_0_member_id".into(),
        "goals" => "goal_0_text".into(),
        "budget" => "budget_0_year".into(),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormValues {
        FormValues::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn reads_rows_amounts_and_dates_as_typed() {
        let f = form(&[
            ("name", " Jobbcentrum "),
            ("start_date", "2018-01-01"),
            ("end_date", "2020-12-31"),
            ("partner_0_member_id", "11"),
            ("partner_0_contact_name", "Emelie"),
            ("partner_0_contact_email", "e@af.se"),
            ("partner_1_member_id", ""),
            ("budget_0_member_id", "2"),
            ("budget_0_year", "2018"),
            ("budget_0_requested", "1,4 mkr"),
            ("budget_0_own_financing", ""),
            ("budget_1_member_id", "2"),
            ("budget_1_year", "2019"),
            ("budget_1_requested", "1 400 000"),
            ("budget_1_own_financing", "0"),
            ("budget_2_member_id", "2"),
            ("budget_2_year", ""),
            ("budget_2_requested", ""),
            ("budget_2_own_financing", ""),
            ("goal_0_kind", "outcome"),
            ("goal_0_part", "0"),
            ("goal_0_text", "100 % med förankrad planering"),
            ("agreement_accepted", "ja"),
        ]);
        let (c, errors) = content_of(&f, 2, Some(3));
        assert_eq!(errors, vec![]);
        assert_eq!(c.name, "Jobbcentrum");
        assert_eq!(c.partners.len(), 1, "an empty row is ignored");
        assert_eq!(c.budget.len(), 2);
        assert_eq!(c.budget[0].requested_ore, 140_000_000);
        assert_eq!(c.budget[1].requested_ore, 140_000_000);
        assert_eq!(c.goals[0].kind, GoalKind::Outcome);
        assert_eq!(c.agreement_accepted_version, Some(3));
        // And back: the form shows what is stored.
        let again = values_of(&c);
        assert_eq!(again.get("budget_0_requested"), "1\u{a0}400\u{a0}000");
        assert_eq!(again.get("start_date"), "2018-01-01");
    }

    #[test]
    fn unreadable_values_become_field_errors() {
        let f = form(&[
            ("start_date", "1 januari"),
            ("age_min", "sexton"),
            ("budget_0_member_id", "2"),
            ("budget_0_year", "2018"),
            ("budget_0_requested", "mycket"),
            ("budget_0_own_financing", ""),
        ]);
        let (_, errors) = content_of(&f, 2, None);
        assert_eq!(
            errors,
            vec![
                FieldError::new("start_date", "date_invalid_format"),
                FieldError::new("age_min", "number_invalid"),
                FieldError::new("budget_0_requested", "amount_invalid"),
            ]
        );
    }

    #[test]
    fn removed_rows_are_dropped() {
        let f = form(&[("part_0_name", "Ung"), ("part_0_remove", "ja"), ("part_1_name", "Rehab")]);
        let (c, _) = content_of(&f, 2, None);
        assert_eq!(c.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Rehab"]);
    }

    #[test]
    fn content_paths_map_to_inputs() {
        assert_eq!(input_id("budget[2].requested_sek"), "budget_2_requested");
        assert_eq!(input_id("budget[0].year"), "budget_0_year");
        assert_eq!(input_id("partners[1].member_id"), "partner_1_member_id");
        assert_eq!(input_id("parts[0].age_max"), "part_0_age_max");
        assert_eq!(input_id("owner.contact_email"), "owner_contact_email");
        assert_eq!(input_id("anchoring.discussed"), "anchoring_discussed");
        assert_eq!(input_id("extends.answers[1].answer"), "extends_1_answer");
        assert_eq!(input_id("agreement_accepted_version"), "agreement_accepted");
        assert_eq!(input_id("partners"), "partner_0_member_id");
    }
}
