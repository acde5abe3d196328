//! Import of the participant lists interventions keep in Excel today, as XLSX or CSV: a dry run
//! that reports every bad row with its line and reason, and an import that takes every row or
//! none. Each row is checked by the same rules as a registration on the page.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::domain::audit::Action;
use crate::domain::participant::{CodeList, PersonalNumber};
use crate::domain::time;
use crate::storage::Db;

use super::follow_up::code_list;
use super::participants::{audit, check_registration, open, store_registration, Context, Registration};
use super::personal_key::PersonalKey;
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// The columns a list may have, by their heading (case and å/ä/ö-insensitive).
pub const COLUMNS: [&str; 18] = [
    "personnummer",
    "namn",
    "skyddad_identitet",
    "samtycke_datum",
    "samtycke_omfattning",
    "kon",
    "startdatum",
    "hemkommun",
    "utbildning",
    "sysselsattning_fore",
    "forsorjning_fore",
    "tid_i_forsorjning",
    "omfattning_procent",
    "del",
    "remitterad_av",
    "remissdatum",
    "forsta_besok",
    "triage",
];

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The line in the file, the heading being line 1.
    pub line: usize,
    pub field: String,
    pub code: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<RowError>,
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace(['å', 'ä'], "a").replace('ö', "o").replace([' ', '-'], "_")
}

/// The file's rows as (line, column -> text); XLSX told by its ZIP signature, otherwise CSV in
/// UTF-8 with semicolons (as Swedish Excel saves it) or commas.
/// A file's headings, and its non-empty rows with their line numbers.
type Rows = (Vec<String>, Vec<(usize, Vec<String>)>);

fn read_rows(bytes: &[u8]) -> Result<Rows, &'static str> {
    // Every row with its line in the file (1 = the heading), blank lines counted.
    let table: Vec<(usize, Vec<String>)> = if bytes.starts_with(b"PK\x03\x04") {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| "import_file_unreadable")?;
        let range = book.worksheet_range_at(0).ok_or("import_file_empty")?.map_err(|_| "import_file_unreadable")?;
        // Lines counted from the sheet's first used row, as the spreadsheet shows them when it starts at 1.
        range.rows().enumerate().map(|(i, r)| (i + 1, r.iter().map(cell_text).collect())).collect()
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| "import_file_encoding")?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().next().unwrap_or_default();
        let delimiter = if first.contains(';') { b';' } else { b',' };
        // Line by line, so that a reported line is the line in the file (a field may not span lines).
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(line.as_bytes());
            let record =
                reader.records().next().ok_or("import_file_unreadable")?.map_err(|_| "import_file_unreadable")?;
            rows.push((i + 1, record.iter().map(|s| s.to_string()).collect()));
        }
        rows
    };
    let mut lines = table.into_iter();
    let (_, header) = lines.next().ok_or("import_file_empty")?;
    let header: Vec<String> = header.iter().map(|h| fold(h)).collect();
    if header.iter().any(|h| !h.is_empty() && !COLUMNS.contains(&h.as_str())) {
        return Err("import_column_unknown");
    }
    if !header.iter().any(|h| h == "startdatum") {
        return Err("import_column_missing");
    }
    let rows = lines.filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty())).collect();
    Ok((header, rows))
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Personnummer and percentages typed as numbers.
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nej" }.into(),
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date().to_string()).unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        _ => String::new(),
    }
}

/// Checks (and unless `dry_run`, imports) a participant list into the intervention.
pub async fn import(
    db: &Db,
    p: &Principal,
    key: &PersonalKey,
    intervention_id: i64,
    bytes: &[u8],
    dry_run: bool,
) -> ServiceResult<ImportReport> {
    let (cf, row) = open(db, p, intervention_id, Action::ParticipantImport).await?;
    let (header, rows) = read_rows(bytes).map_err(|code| ServiceError::Invalid(vec![FieldError::new("file", code)]))?;
    if rows.len() > 5000 {
        return Err(ServiceError::Invalid(vec![FieldError::new("file", "import_too_many_rows")]));
    }
    let mut tx = db.write().await?;
    let ctx = Context::load(&mut tx, &row).await?;
    let mut labels: HashMap<CodeList, Vec<(String, String)>> = HashMap::new();
    for list in CodeList::ALL {
        let codes = code_list(&mut tx, row.association_id, list).await?;
        labels.insert(list, codes.into_iter().map(|c| (c.code, fold(&c.label))).collect());
    }
    let today = time::today();
    let mut errors: Vec<RowError> = Vec::new();
    let mut checked = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (line, cells) in &rows {
        let get = |name: &str| -> String {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut err =
            |field: &str, code: &str| errors.push(RowError { line: *line, field: field.into(), code: code.into() });
        let date = |name: &str, err: &mut dyn FnMut(&str, &str)| -> Option<NaiveDate> {
            let v = get(name);
            if v.is_empty() {
                return None;
            }
            let parsed = NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok();
            if parsed.is_none() {
                err(name, "date_invalid");
            }
            parsed
        };
        let code = |list: CodeList, name: &str, value: &str, err: &mut dyn FnMut(&str, &str)| -> Option<String> {
            if value.is_empty() {
                return None;
            }
            let folded = fold(value);
            let found = labels[&list].iter().find(|(c, l)| *c == value || *l == folded).map(|(c, _)| c.clone());
            if found.is_none() {
                err(name, "code_unknown");
            }
            found
        };
        let member = |value: &str, name: &str, err: &mut dyn FnMut(&str, &str)| -> Option<i64> {
            if value.is_empty() {
                return None;
            }
            let folded = fold(value);
            let found =
                ctx.members.iter().find(|(_, n)| fold(n) == folded || fold(n).starts_with(&folded)).map(|m| m.0);
            if found.is_none() {
                err(name, "member_unknown");
            }
            found
        };
        let yes = |v: &str| matches!(fold(v).as_str(), "ja" | "j" | "x" | "1" | "true");
        let sex = match fold(&get("kon")).as_str() {
            "" => None,
            "kvinna" | "k" | "female" => Some("female".to_string()),
            "man" | "m" | "male" => Some("male".to_string()),
            _ => {
                err("kon", "code_unknown");
                None
            }
        };
        let personal_number = get("personnummer");
        let income: Vec<String> = get("forsorjning_fore")
            .split([',', '|'])
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .filter_map(|v| code(CodeList::IncomeSource, "forsorjning_fore", v, &mut err))
            .collect();
        let extent = get("omfattning_procent");
        let extent_percent = if extent.is_empty() {
            None
        } else {
            match extent.trim_end_matches('%').trim().parse::<i32>() {
                Ok(v) => Some(v),
                Err(_) => {
                    err("omfattning_procent", "number_invalid");
                    None
                }
            }
        };
        let triage_text = get("triage");
        let triage = ctx
            .settings
            .triage
            .iter()
            .find(|t| t.code == triage_text || fold(&t.label) == fold(&triage_text))
            .map(|t| t.code.clone())
            .or_else(|| (!triage_text.is_empty()).then(|| triage_text.clone()));
        let part_text = get("del");
        let part = ctx
            .settings
            .parts
            .iter()
            .find(|t| t.code == part_text || fold(&t.label) == fold(&part_text))
            .map(|t| t.code.clone())
            .or_else(|| (!part_text.is_empty()).then(|| part_text.clone()));
        let r = Registration {
            identified: !personal_number.is_empty(),
            protected_identity: yes(&get("skyddad_identitet")),
            personal_number: Some(personal_number.clone()),
            name: Some(get("namn")),
            consent_date: date("samtycke_datum", &mut err),
            consent_scope: Some(get("samtycke_omfattning")),
            consent_version: None,
            sex,
            enrolled_on: date("startdatum", &mut err),
            home_member_id: member(&get("hemkommun"), "hemkommun", &mut err),
            education: code(CodeList::Education, "utbildning", &get("utbildning"), &mut err),
            occupation_before: code(CodeList::Occupation, "sysselsattning_fore", &get("sysselsattning_fore"), &mut err),
            support_time: code(CodeList::SupportTime, "tid_i_forsorjning", &get("tid_i_forsorjning"), &mut err),
            income_before: income,
            extent_percent,
            part,
            remitted_by_member_id: member(&get("remitterad_av"), "remitterad_av", &mut err),
            remitted_on: date("remissdatum", &mut err),
            first_visit_on: date("forsta_besok", &mut err),
            triage,
        };
        match check_registration(&r, &row, &ctx, today) {
            Ok(c) => {
                if let Ok(n) = PersonalNumber::parse(&personal_number, today) {
                    if seen.iter().any(|d| d == n.digits()) {
                        err("personnummer", "import_duplicate_person");
                    } else {
                        seen.push(n.digits().to_string());
                    }
                }
                checked.push((*line, r, c));
            }
            Err(field_errors) => {
                for e in field_errors {
                    err(&e.field, e.code);
                }
            }
        }
    }
    let mut report = ImportReport { rows: rows.len(), imported: 0, errors };
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }
    for (line, r, c) in &checked {
        match store_registration(&mut tx, &cf, key, r, c).await {
            Ok(_) => report.imported += 1,
            Err(ServiceError::Conflict(code)) => {
                // Nothing is kept: the transaction is dropped with every row of the file.
                report.errors.push(RowError { line: *line, field: "personnummer".into(), code: code.into() });
                report.imported = 0;
                return Ok(report);
            }
            Err(e) => return Err(e),
        }
    }
    audit(&mut tx, p, &cf, Action::ParticipantImport, None, json!({ "rows": report.imported })).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_read_with_semicolons_and_a_byte_order_mark() {
        let text = "\u{feff}Personnummer;Kön;Startdatum\n19121212-1212;man;2026-01-10\n\n;kvinna;2026-02-01\n";
        let (header, rows) = read_rows(text.as_bytes()).unwrap();
        assert_eq!(header, vec!["personnummer", "kon", "startdatum"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 4, "the blank line still counts");
        assert_eq!(read_rows(b"namn,okand\nx,y\n").unwrap_err(), "import_column_unknown");
        assert_eq!(read_rows(b"namn\nx\n").unwrap_err(), "import_column_missing");
        assert_eq!(read_rows(&[0xff, 0xfe, 0x00]).unwrap_err(), "import_file_encoding");
    }
}
