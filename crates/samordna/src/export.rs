//! Lists and reports as spreadsheets: XLSX (bold frozen heading row, kronor, dates) and CSV
//! (UTF-8 with a byte order mark, semicolons and decimal commas, as Swedish Excel reads it).
//!
//! Both are written incrementally: the caller feeds rows in batches and gets bytes back at once,
//! so an export streams to the client and never holds the whole file. The XLSX file is a zip
//! whose entries carry their sizes after the data (data descriptors) for that reason.

use std::io::Write;

use chrono::NaiveDate;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use samordna_documents::docx::xml_escape;

/// What a column holds, which decides how its cells are written and formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Money; the cell value is öre, shown as kronor.
    Kronor,
    Date,
    Integer,
    /// A ratio with two decimals.
    Decimal,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub heading: String,
    pub kind: Kind,
}

impl Column {
    pub fn new(heading: impl Into<String>, kind: Kind) -> Self {
        Column { heading: heading.into(), kind }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Ore(i64),
    Date(NaiveDate),
    Int(i64),
    Dec(f64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Empty, Into::into)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Writes one sheet: `start` gives the heading, `rows` each batch, `finish` the end.
pub enum Writer {
    Csv(Vec<Column>),
    Xlsx(Box<XlsxWriter>),
}

impl Writer {
    pub fn new(format: Format, title: &str, columns: Vec<Column>) -> (Writer, Vec<u8>) {
        match format {
            Format::Csv => {
                let mut out = "\u{feff}".as_bytes().to_vec();
                let headings: Vec<Value> = columns.iter().map(|c| Value::Text(c.heading.clone())).collect();
                csv_line(&mut out, &headings);
                (Writer::Csv(columns), out)
            }
            Format::Xlsx => {
                let (w, out) = XlsxWriter::start(title, columns);
                (Writer::Xlsx(Box::new(w)), out)
            }
        }
    }

    pub fn rows(&mut self, rows: &[Vec<Value>]) -> Vec<u8> {
        match self {
            Writer::Csv(_) => {
                let mut out = Vec::new();
                for r in rows {
                    csv_line(&mut out, r);
                }
                out
            }
            Writer::Xlsx(w) => w.rows(rows),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Writer::Csv(_) => Vec::new(),
            Writer::Xlsx(w) => w.finish(),
        }
    }
}

/// The whole file at once, for small exports and tests.
pub fn write_all(format: Format, title: &str, columns: Vec<Column>, rows: &[Vec<Value>]) -> Vec<u8> {
    let (mut w, mut out) = Writer::new(format, title, columns);
    out.extend(w.rows(rows));
    out.extend(w.finish());
    out
}

/// A number with a decimal comma and no grouping, which Swedish Excel reads as a number.
fn decimal_comma(s: String) -> String {
    s.replace('.', ",")
}

fn csv_text(v: &Value) -> String {
    match v {
        Value::Empty => String::new(),
        Value::Text(s) => s.clone(),
        Value::Ore(o) => {
            if o % 100 == 0 {
                (o / 100).to_string()
            } else {
                decimal_comma(format!("{:.2}", *o as f64 / 100.0))
            }
        }
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Int(i) => i.to_string(),
        Value::Dec(f) => decimal_comma(format!("{f:.2}")),
    }
}

fn csv_line(out: &mut Vec<u8>, values: &[Value]) {
    let fields: Vec<String> = values
        .iter()
        .map(|v| {
            let mut t = csv_text(v);
            // A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
            if matches!(v, Value::Text(_)) && t.starts_with(['=', '+', '-', '@']) {
                t.insert(0, '\'');
            }
            if t.contains([';', '"', '\n', '\r']) {
                format!("\"{}\"", t.replace('"', "\"\""))
            } else {
                t
            }
        })
        .collect();
    out.extend_from_slice(fields.join(";").as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// One zip entry being written: where its header is and what its data sums to.
struct Entry {
    name: &'static str,
    offset: u32,
    crc: u32,
    compressed: u32,
    size: u32,
}

/// An XLSX workbook of one sheet, written as a stream.
pub struct XlsxWriter {
    columns: Vec<Column>,
    written: u32,
    done: Vec<Entry>,
    /// The sheet entry, open while rows are added.
    sheet: Option<(Entry, crc32fast::Hasher, DeflateEncoder<Vec<u8>>)>,
    row: u32,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Cell styles by index: 0 plain, 1 bold heading, 2 kronor, 3 date, 4 two decimals, 5 integer.
const STYLES: &str = r##"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0\ &quot;kr&quot;"/><numFmt numFmtId="165" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="166" formatCode="0.00"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"##;

/// A sheet name Excel accepts: at most 31 characters, none of []:*?/\.
fn sheet_name(title: &str) -> String {
    let clean: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() {
        "Blad1".into()
    } else {
        clean
    }
}

fn column_letter(mut n: usize) -> String {
    let mut s = Vec::new();
    n += 1;
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

/// Days since Excel's day zero, 1899-12-30.
fn excel_date(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid")).num_days()
}

const DOS_DATE_1980: u16 = 0x21;

impl XlsxWriter {
    fn local_header(name: &str) -> Vec<u8> {
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed
        h.extend_from_slice(&0x0008u16.to_le_bytes()); // sizes follow the data
        h.extend_from_slice(&8u16.to_le_bytes()); // deflate
        h.extend_from_slice(&0u16.to_le_bytes()); // time
        h.extend_from_slice(&DOS_DATE_1980.to_le_bytes());
        h.extend_from_slice(&[0; 12]); // crc and sizes, in the descriptor
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        h
    }

    fn descriptor(e: &Entry) -> Vec<u8> {
        let mut d = Vec::with_capacity(16);
        d.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        d.extend_from_slice(&e.crc.to_le_bytes());
        d.extend_from_slice(&e.compressed.to_le_bytes());
        d.extend_from_slice(&e.size.to_le_bytes());
        d
    }

    fn open(&mut self, name: &'static str) -> Vec<u8> {
        let header = Self::local_header(name);
        let entry = Entry { name, offset: self.written, crc: 0, compressed: 0, size: 0 };
        self.written += header.len() as u32;
        self.sheet = Some((entry, crc32fast::Hasher::new(), DeflateEncoder::new(Vec::new(), Compression::fast())));
        header
    }

    fn write(&mut self, data: &[u8]) -> Vec<u8> {
        let (entry, crc, enc) = self.sheet.as_mut().expect("an entry is open");
        crc.update(data);
        entry.size += data.len() as u32;
        enc.write_all(data).expect("writing to memory");
        let out = std::mem::take(enc.get_mut());
        entry.compressed += out.len() as u32;
        self.written += out.len() as u32;
        out
    }

    fn close(&mut self) -> Vec<u8> {
        let (mut entry, crc, enc) = self.sheet.take().expect("an entry is open");
        let rest = enc.finish().expect("writing to memory");
        entry.compressed += rest.len() as u32;
        entry.crc = crc.finalize();
        let mut out = rest;
        out.extend(Self::descriptor(&entry));
        self.written += out.len() as u32;
        self.done.push(entry);
        out
    }

    fn part(&mut self, name: &'static str, body: &str) -> Vec<u8> {
        let mut out = self.open(name);
        out.extend(self.write(body.as_bytes()));
        out.extend(self.close());
        out
    }

    fn start(title: &str, columns: Vec<Column>) -> (XlsxWriter, Vec<u8>) {
        let mut w = XlsxWriter { columns, written: 0, done: Vec::new(), sheet: None, row: 0 };
        let mut out = w.part("[Content_Types].xml", CONTENT_TYPES);
        out.extend(w.part("_rels/.rels", ROOT_RELS));
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            xml_escape(&sheet_name(title))
        );
        out.extend(w.part("xl/workbook.xml", &workbook));
        out.extend(w.part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS));
        out.extend(w.part("xl/styles.xml", STYLES));
        out.extend(w.open("xl/worksheets/sheet1.xml"));
        let mut head = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>"#,
        );
        for (i, c) in w.columns.iter().enumerate() {
            let width = match c.kind {
                Kind::Text => (c.heading.chars().count() + 4).clamp(14, 48),
                Kind::Kronor => 16,
                Kind::Date => 12,
                Kind::Integer | Kind::Decimal => (c.heading.chars().count() + 2).clamp(10, 24),
            };
            head.push_str(&format!(r#"<col min="{n}" max="{n}" width="{width}" customWidth="1"/>"#, n = i + 1));
        }
        head.push_str("</cols><sheetData>");
        let headings: Vec<Value> = w.columns.iter().map(|c| Value::Text(c.heading.clone())).collect();
        head.push_str(&w.row_xml(&headings, true));
        out.extend(w.write(head.as_bytes()));
        (w, out)
    }

    fn row_xml(&mut self, values: &[Value], heading: bool) -> String {
        self.row += 1;
        let r = self.row;
        let mut x = format!(r#"<row r="{r}">"#);
        for (i, v) in values.iter().enumerate() {
            let cell = format!("{}{r}", column_letter(i));
            let kind = self.columns.get(i).map_or(Kind::Text, |c| c.kind);
            match v {
                Value::Empty => {}
                Value::Text(s) => {
                    let style = if heading { r#" s="1""# } else { "" };
                    x.push_str(&format!(
                        r#"<c r="{cell}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        xml_escape(s)
                    ));
                }
                Value::Ore(o) => {
                    x.push_str(&format!(r#"<c r="{cell}" s="2"><v>{}</v></c>"#, *o as f64 / 100.0));
                }
                Value::Date(d) => x.push_str(&format!(r#"<c r="{cell}" s="3"><v>{}</v></c>"#, excel_date(*d))),
                Value::Int(n) => x.push_str(&format!(r#"<c r="{cell}" s="5"><v>{n}</v></c>"#)),
                Value::Dec(f) if f.is_finite() => {
                    let style = if kind == Kind::Decimal { 4 } else { 0 };
                    x.push_str(&format!(r#"<c r="{cell}" s="{style}"><v>{f}</v></c>"#));
                }
                Value::Dec(_) => {}
            }
        }
        x.push_str("</row>");
        x
    }

    fn rows(&mut self, rows: &[Vec<Value>]) -> Vec<u8> {
        let mut xml = String::new();
        for r in rows {
            let line = self.row_xml(r, false);
            xml.push_str(&line);
        }
        self.write(xml.as_bytes())
    }

    fn finish(mut self) -> Vec<u8> {
        let mut out = self.write(b"</sheetData></worksheet>");
        out.extend(self.close());
        let cd_offset = self.written;
        let mut cd = Vec::new();
        for e in &self.done {
            cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            cd.extend_from_slice(&20u16.to_le_bytes()); // made by
            cd.extend_from_slice(&20u16.to_le_bytes()); // needed
            cd.extend_from_slice(&0x0008u16.to_le_bytes());
            cd.extend_from_slice(&8u16.to_le_bytes());
            cd.extend_from_slice(&0u16.to_le_bytes());
            cd.extend_from_slice(&DOS_DATE_1980.to_le_bytes());
            cd.extend_from_slice(&e.crc.to_le_bytes());
            cd.extend_from_slice(&e.compressed.to_le_bytes());
            cd.extend_from_slice(&e.size.to_le_bytes());
            cd.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            cd.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
            cd.extend_from_slice(&e.offset.to_le_bytes());
            cd.extend_from_slice(e.name.as_bytes());
        }
        let count = self.done.len() as u16;
        let mut end = Vec::new();
        end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        end.extend_from_slice(&[0; 4]);
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&count.to_le_bytes());
        end.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        end.extend_from_slice(&cd_offset.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        out.extend(cd);
        out.extend(end);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<Column>, Vec<Vec<Value>>) {
        let columns = vec![
            Column::new("Namn", Kind::Text),
            Column::new("Belopp", Kind::Kronor),
            Column::new("Datum", Kind::Date),
            Column::new("Antal", Kind::Integer),
            Column::new("Kvot", Kind::Decimal),
        ];
        let rows = vec![
            vec![
                "Enköping; \"väst\"".into(),
                Value::Ore(60_108_700),
                Value::Date(NaiveDate::from_ymd_opt(2022, 3, 1).unwrap()),
                Value::Int(12),
                Value::Dec(1.25),
            ],
            vec!["=SUM(A1)".into(), Value::Ore(150), Value::Empty, Value::Int(0), Value::Dec(0.5)],
        ];
        (columns, rows)
    }

    #[test]
    fn csv_is_semicolon_separated_with_decimal_commas_and_safe_formulas() {
        let (columns, rows) = sample();
        let bytes = write_all(Format::Csv, "Test", columns, &rows);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Namn;Belopp;Datum;Antal;Kvot");
        assert_eq!(lines[1], "\"Enköping; \"\"väst\"\"\";601087;2022-03-01;12;1,25");
        assert_eq!(lines[2], "'=SUM(A1);1,50;;0;0,50");
    }

    #[test]
    fn xlsx_is_a_zip_that_a_zip_reader_opens() {
        let (columns, rows) = sample();
        let bytes = write_all(Format::Xlsx, "Medlemsbidrag 2022", columns, &rows);
        assert_eq!(crate::domain::attachment::detect(&bytes), Some(crate::domain::attachment::FileType::Xlsx));
        // calamine reads it back, which checks the zip, the CRCs and the sheet.
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        let range = wb.worksheet_range("Medlemsbidrag 2022").unwrap();
        let cells: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(cells[0], vec!["Namn", "Belopp", "Datum", "Antal", "Kvot"]);
        assert_eq!(cells[1][0], "Enköping; \"väst\"");
        assert_eq!(cells[1][1], "601087");
        assert_eq!(cells[1][3], "12");
        assert_eq!(cells[2][1], "1.5");
    }
}
