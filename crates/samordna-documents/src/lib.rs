//! Samordna's documents as PDF/A: Typst markup in, archivable and tagged PDF out, with the fonts
//! that ship inside the binary. Kept in its own crate because Typst is large: it builds once and
//! the rest of Samordna does not wait for it.

pub mod docx;

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// The fonts shipped with Typst, loaded once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| {
                let bytes = Bytes::new(data);
                (0..).map_while(move |i| Font::new(bytes.clone(), i))
            })
            .collect();
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// One document to typeset: a single source, no files, no packages, no network.
struct Job {
    source: Source,
    today: Datetime,
}

impl World for Job {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

#[derive(Debug)]
pub struct DocumentError(pub String);

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocumentError {}

fn describe(diagnostics: &[SourceDiagnostic]) -> DocumentError {
    DocumentError(diagnostics.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; "))
}

/// Typesets Typst markup into a PDF/A-2a document: fonts embedded, tagged for screen readers,
/// dated `created` (UTC), which PDF/A requires.
pub fn pdf(markup: &str, created: chrono::DateTime<chrono::Utc>) -> Result<Vec<u8>, DocumentError> {
    use chrono::{Datelike, Timelike};
    let date = |d: chrono::DateTime<chrono::Utc>| {
        Datetime::from_ymd_hms(
            d.year(),
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
        )
        .ok_or_else(|| DocumentError("the date cannot be written".into()))
    };
    let now = date(created)?;
    let job = Job { source: Source::detached(markup.to_string()), today: now };
    let document: PagedDocument = typst::compile(&job).output.map_err(|d| describe(&d))?;
    let standards = PdfStandards::new(&[PdfStandard::A_2a]).map_err(|e| DocumentError(e.message().to_string()))?;
    let options = PdfOptions {
        standards,
        tagged: true,
        timestamp: Some(typst_pdf::Timestamp::new_utc(now)),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|d| describe(&d))
}

/// Text made safe to put in Typst markup: every character that means something there is escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '#' | '*' | '_' | '$' | '@' | '<' | '>' | '[' | ']' | '`' | '~' | '=' | '-' | '+' | '/' | '"'
            | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text as a Typst string literal, for metadata such as the title.
pub fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_typst_would_read_as_markup() {
        assert_eq!(
            escape("#let x = *fet* _kursiv_ $1 <a> [b] @ref"),
            "\\#let x \\= \\*fet\\* \\_kursiv\\_ \\$1 \\<a\\> \\[b\\] \\@ref"
        );
        assert_eq!(escape("- punkt / 50 %"), "\\- punkt \\/ 50 %");
        assert_eq!(string_literal("Sa \"hej\"\\"), "\"Sa \\\"hej\\\"\\\\\"");
    }

    #[test]
    fn typesets_a_tagged_archivable_pdf_with_swedish_text() {
        let markup = format!(
            "#set document(title: {})\n#set text(lang: \"sv\")\n= Ansökan\n{}\n",
            string_literal("Jobbcentrum"),
            escape("Åtgärder för unga: #1 *viktigast* <script>")
        );
        let created = chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc();
        let pdf = pdf(&markup, created).expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("pdfaid:part") || text.contains("pdfaid"), "PDF/A identification in the metadata");
        assert!(text.contains("/StructTreeRoot"), "tagged");
    }
}
