//! Documents made from the domain: Typst markup written here, typeset as PDF/A by the
//! `samordna-documents` crate.

use samordna_documents::{escape, string_literal};

use crate::domain::application::{GoalKind, Orientation, Sums};
use crate::domain::rich_text::{parse, Block};
use crate::domain::time::{format_local, long_date};
use crate::service::applications::ApplicationView;

/// A formatted text (paragraphs and lists) as Typst markup.
fn rich(text: &str) -> String {
    if text.trim().is_empty() {
        return "–\n\n".into();
    }
    let mut out = String::new();
    for block in parse(text) {
        match block {
            Block::Paragraph(p) => {
                out.push_str(&escape(&p));
                out.push_str("\n\n");
            }
            Block::List(items) => {
                for item in items {
                    out.push_str("- ");
                    out.push_str(&escape(&item));
                    out.push('\n');
                }
                out.push('\n');
            }
        }
    }
    out
}

fn cell(text: &str) -> String {
    format!("[{}]", escape(text))
}

fn money_row(label: &str, s: Sums) -> String {
    [label.to_string(), s.requested.to_string(), s.own_financing.to_string(), s.total.to_string()]
        .iter()
        .map(|t| cell(t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The whole application as the association's template lays it out: the same sections in the
/// same order, the budget summary, the agreement and the signatures.
pub fn application_markup(v: &ApplicationView) -> String {
    let c = &v.content;
    let mut m = String::new();
    let title = format!("Ansökan: {}", c.name);
    m.push_str(&format!(
        "#set document(title: {}, author: {})\n",
        string_literal(&title),
        string_literal(&v.association.name)
    ));
    m.push_str("#set text(lang: \"sv\", region: \"SE\", size: 10.5pt)\n");
    m.push_str("#set page(paper: \"a4\", margin: (x: 2.2cm, y: 2.4cm), numbering: \"1 (1)\")\n");
    m.push_str("#set par(justify: false)\n");
    m.push_str("#set table(stroke: 0.5pt, inset: 5pt)\n");
    m.push_str("#show table: set text(size: 9pt)\n");
    m.push_str(&format!("{}\n\n", escape(&v.association.name)));
    m.push_str(&format!("= {}\n\n", escape(&c.name)));
    m.push_str("Ansökan om medel för samverkansinsats");
    if let Some(n) = &v.row.registration_number {
        m.push_str(&format!(" · Diarienummer {}", escape(n)));
    }
    if let Some(r) = v.row.received_at {
        m.push_str(&format!(" · Inkommen {}", escape(&format_local(r))));
    }
    m.push_str("\n\n");

    m.push_str("== Insatsägare och samverkansparter\n\n");
    m.push_str("#table(columns: (auto, 1fr, 1fr, 1.6fr),\n  table.header([*Roll*], [*Organisation*], [*Kontaktperson*], [*E-post*]),\n");
    let mut parties = vec![("Insatsägare", &c.owner)];
    parties.extend(c.partners.iter().map(|p| ("Samverkanspart", p)));
    for (role, p) in &parties {
        m.push_str(&format!(
            "  {}, {}, {}, {},\n",
            cell(role),
            cell(&v.member_name(p.member_id)),
            cell(&p.contact_name),
            cell(&p.contact_email)
        ));
    }
    m.push_str(")\n\n");
    let orientation = match c.orientation {
        Some(Orientation::Individual) => "Individinriktad",
        Some(Orientation::Structural) => "Strukturövergripande",
        None => "–",
    };
    let esf = match c.esf {
        Some(true) => "Ja",
        Some(false) => "Nej",
        None => "–",
    };
    m.push_str(&format!("Inriktning: {}. Medfinansierad av ESF: {}.\n\n", escape(orientation), escape(esf)));

    m.push_str("== Syfte\n\n");
    m.push_str(&rich(&c.purpose));
    m.push_str("== Mål\n\n");
    let mut groups: Vec<(Option<usize>, String)> = vec![(None, "Hela insatsen".into())];
    groups.extend(c.parts.iter().enumerate().map(|(i, p)| (Some(i), p.name.clone())));
    for (part, heading) in groups {
        let of = |kind: GoalKind| c.goals.iter().filter(|g| g.part == part && g.kind == kind).collect::<Vec<_>>();
        let (output, outcome) = (of(GoalKind::Output), of(GoalKind::Outcome));
        if output.is_empty() && outcome.is_empty() {
            continue;
        }
        m.push_str(&format!("=== {}\n\n", escape(&heading)));
        for (label, goals) in [("Insatsmål", output), ("Effektmål", outcome)] {
            if !goals.is_empty() {
                m.push_str(&format!("*{label}:*\n"));
                for g in goals {
                    m.push_str(&format!("- {}\n", escape(&g.text)));
                }
                m.push('\n');
            }
        }
    }
    m.push_str("== Bakgrund och behov\n\n");
    m.push_str(&rich(&c.background));
    m.push_str("== Planerad insatstid\n\n");
    let period = match (c.start_date, c.end_date) {
        (Some(s), Some(e)) => format!("{} – {}", long_date(s), long_date(e)),
        _ => "–".into(),
    };
    m.push_str(&format!("Insatstid: {}\n\n", escape(&period)));
    if let Some(last) = c.last_intake_date {
        m.push_str(&format!("Sista intagsdatum: {}\n\n", escape(&long_date(last))));
    }
    m.push_str("== Målgrupp\n\n");
    m.push_str(&rich(&c.target_group));
    for p in &c.parts {
        m.push_str(&format!("=== {}\n\n", escape(&p.name)));
        m.push_str(&rich(&p.target_group));
        if let Some(n) = p.participants_per_year {
            m.push_str(&format!("Planerat antal deltagare: {n} per år.\n\n"));
        }
    }
    for (heading, text) in
        [("Metod", &c.method), ("Uppföljning och utvärdering", &c.follow_up), ("Implementering", &c.implementation)]
    {
        m.push_str(&format!("== {heading}\n\n"));
        m.push_str(&rich(text));
    }

    m.push_str("== Budget\n\n=== Budgetsammanställning\n\n");
    let summary = c.budget_summary();
    m.push_str("#table(columns: (1fr, auto, auto, auto), align: (left, right, right, right),\n  table.header([*Part*], [*Att rekvirera från förbundet*], [*Egenfinansiering*], [*Totalt*]),\n");
    for (member, sums) in &summary.per_party {
        m.push_str(&format!("  {},\n", money_row(&v.member_name(*member), *sums)));
    }
    m.push_str(&format!("  {},\n)\n\n", money_row("Summa", summary.overall)));
    m.push_str("=== Kostnader per år\n\n");
    m.push_str("#table(columns: (1fr, auto, auto, auto), align: (left, right, right, right),\n  table.header([*År*], [*Att rekvirera från förbundet*], [*Egenfinansiering*], [*Totalt*]),\n");
    for (year, sums) in &summary.per_year {
        m.push_str(&format!("  {},\n", money_row(&year.to_string(), *sums)));
    }
    m.push_str(")\n\n");
    if !c.budget_comment.trim().is_empty() {
        m.push_str(&rich(&c.budget_comment));
    }

    if let Some(ext) = &c.extends {
        m.push_str("== Förlängning: svar på villkoren i det tidigare beslutet\n\n");
        for a in &ext.answers {
            m.push_str(&format!("=== {}\n\n", escape(&format!("att {}", a.condition.replace('*', "")))));
            m.push_str(&rich(&a.answer));
        }
    }
    m.push_str("== Förankring\n\n");
    let discussed = match (c.anchoring.discussed, c.anchoring.date) {
        (Some(true), Some(d)) => format!("Ja, {}", long_date(d)),
        (Some(true), None) => "Ja".into(),
        (Some(false), _) => "Nej".into(),
        (None, _) => "–".into(),
    };
    m.push_str(&format!(
        "Har ansökan diskuterats i aktuell LOKUS-grupp eller i den strategiska utvecklingsgruppen? {}\n\n",
        escape(&discussed)
    ));
    if !c.anchoring.comment.trim().is_empty() {
        m.push_str(&rich(&c.anchoring.comment));
    }

    m.push_str("== Överenskommelse\n\n");
    if let Some((_, body)) = &v.agreement {
        m.push_str(&rich(body));
    }
    let accepted =
        c.agreement_accepted_version.is_some() && c.agreement_accepted_version == v.agreement.as_ref().map(|a| a.0);
    m.push_str(if accepted {
        "*Sökande har godkänt överenskommelsen.*\n\n"
    } else {
        "*Överenskommelsen är inte godkänd.*\n\n"
    });

    m.push_str("== Underskrifter\n\n");
    m.push_str("#table(columns: (auto, 1fr, 1fr),\n  table.header([*Roll*], [*Organisation*], [*Underskrift*]),\n");
    for (role, p) in &parties {
        let signed = v
            .signed_by(p.member_id)
            .map(|s| format!("{}, {}", s.signer_name, format_local(s.signed_at)))
            .unwrap_or_else(|| "Inte underskriven".into());
        m.push_str(&format!("  {}, {}, {},\n", cell(role), cell(&v.member_name(p.member_id)), cell(&signed)));
    }
    m.push_str(")\n\n");
    m.push_str("== Bilagor\n\n");
    if v.attachments.is_empty() {
        m.push_str("Inga bilagor.\n");
    } else {
        for a in &v.attachments {
            m.push_str(&format!("- {}\n", escape(&a.filename)));
        }
    }
    m
}

/// The application as a PDF/A document.
pub fn application_pdf(v: &ApplicationView) -> Result<Vec<u8>, samordna_documents::DocumentError> {
    samordna_documents::pdf(&application_markup(v), crate::domain::time::now())
}

/// The proposal as Typst markup, laid out as the associations write it.
pub fn proposal_markup(p: &crate::domain::proposal::ProposalContent) -> String {
    let mut m = String::new();
    m.push_str(&format!("#set document(title: {})\n", string_literal(&format!("{} – Förslag till beslut", p.heading))));
    m.push_str(
        "#set text(lang: \"sv\", region: \"SE\", size: 11pt)\n#set page(paper: \"a4\", margin: (x: 2.5cm, y: 2.5cm))\n",
    );
    m.push_str(&format!("= {}\n\n== Förslag till beslut\n\n=== {}\n\n", escape(&p.heading), escape(&p.intro)));
    for c in &p.clauses {
        // Clauses keep the *emphasis* the associations write around the intervention's name.
        let parts: Vec<&str> = c.split('*').collect();
        let mut line = String::from("*att* ");
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && i + 1 < parts.len() {
                line.push_str(&format!("_{}_", escape(part)));
            } else {
                // A star without its pair is text.
                if i % 2 == 1 {
                    line.push_str("\\*");
                }
                line.push_str(&escape(part));
            }
        }
        m.push_str(&line);
        m.push_str("\n\n");
    }
    m.push_str("== Ärendet\n\n=== Ansökan\n\n");
    m.push_str(&rich(&p.case_text));
    m.push_str("=== Bedömning\n\n");
    m.push_str(&rich(&p.assessment));
    m.push_str(&format!("{}, {}\n", escape(&p.signer_name), escape(&p.signer_title)));
    m
}

pub fn proposal_pdf(
    p: &crate::domain::proposal::ProposalContent,
) -> Result<Vec<u8>, samordna_documents::DocumentError> {
    samordna_documents::pdf(&proposal_markup(p), crate::domain::time::now())
}

/// One att-clause as HTML: "att" in bold, the *name* in italics, everything else escaped.
fn clause_html(c: &str) -> String {
    use crate::domain::rich_text::escape_html;
    let parts: Vec<&str> = c.split('*').collect();
    let body: String = parts
        .iter()
        .enumerate()
        .map(|(i, part)| match (i % 2 == 1, i + 1 < parts.len()) {
            (true, true) => format!("<em>{}</em>", escape_html(part)),
            // A star without its pair is text.
            (true, false) => format!("*{}", escape_html(part)),
            _ => escape_html(part),
        })
        .collect();
    format!("<p><strong>att</strong> {body}</p>")
}

/// The proposal's sections as HTML, with the heading levels given (a page nests them deeper
/// than a standalone document).
fn proposal_sections_html(p: &crate::domain::proposal::ProposalContent, levels: [u8; 3]) -> String {
    use crate::domain::rich_text::{escape_html, to_html};
    let [top, section, sub] = levels;
    let clauses: String = p.clauses.iter().map(|c| clause_html(c)).collect();
    format!(
        "<h{top}>{h}</h{top}><h{section}>Förslag till beslut</h{section}><p><strong>{intro}</strong></p>{clauses}\
         <h{section}>Ärendet</h{section}><h{sub}>Ansökan</h{sub}>{case}<h{sub}>Bedömning</h{sub}>{assessment}<p>{name}, {title}</p>",
        h = escape_html(&p.heading),
        intro = escape_html(&p.intro),
        case = to_html(&p.case_text),
        assessment = to_html(&p.assessment),
        name = escape_html(&p.signer_name),
        title = escape_html(&p.signer_title),
    )
}

/// The proposal's text as HTML, to place in a page under its own h2.
pub fn proposal_body_html(p: &crate::domain::proposal::ProposalContent) -> String {
    proposal_sections_html(p, [3, 4, 5])
}

/// The proposal as a standalone HTML document with the same text as the PDF.
pub fn proposal_html(p: &crate::domain::proposal::ProposalContent) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>{} – Förslag till beslut</title></head><body><main>{}</main></body></html>",
        crate::domain::rich_text::escape_html(&p.heading),
        proposal_sections_html(p, [1, 2, 3])
    )
}

/// A formatted text (paragraphs and lists) as DOCX blocks.
fn rich_docx(text: &str, out: &mut Vec<samordna_documents::docx::Block>) {
    use samordna_documents::docx::Block as D;
    for block in parse(text) {
        match block {
            Block::Paragraph(p) => out.push(D::Paragraph(vec![(p, false, false)])),
            Block::List(items) => out.extend(items.into_iter().map(D::Bullet)),
        }
    }
}

/// One att-clause as DOCX runs: "att" in bold, the *name* in italics.
fn clause_runs(c: &str) -> Vec<(String, bool, bool)> {
    let mut runs = vec![("att ".to_string(), true, false)];
    runs.extend(emphasis_runs(c));
    runs
}

/// Runs of a text whose paired stars mark italics; a star without its pair is text.
fn emphasis_runs(c: &str) -> Vec<(String, bool, bool)> {
    let parts: Vec<&str> = c.split('*').collect();
    let mut runs = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        match (i % 2 == 1, i + 1 < parts.len()) {
            (true, true) => runs.push((part.to_string(), false, true)),
            (true, false) => runs.push((format!("*{part}"), false, false)),
            _ => runs.push((part.to_string(), false, false)),
        }
    }
    runs.retain(|(t, _, _)| !t.is_empty());
    runs
}

/// The proposal as DOCX, with real headings and lists and the same text as the PDF.
pub fn proposal_docx(p: &crate::domain::proposal::ProposalContent) -> Vec<u8> {
    use samordna_documents::docx::{docx, Block as D};
    let mut blocks = vec![
        D::Heading(1, p.heading.clone()),
        D::Heading(2, "Förslag till beslut".into()),
        D::Heading(3, p.intro.clone()),
    ];
    blocks.extend(p.clauses.iter().map(|c| D::Paragraph(clause_runs(c))));
    blocks.push(D::Heading(2, "Ärendet".into()));
    blocks.push(D::Heading(3, "Ansökan".into()));
    rich_docx(&p.case_text, &mut blocks);
    blocks.push(D::Heading(3, "Bedömning".into()));
    rich_docx(&p.assessment, &mut blocks);
    blocks.push(D::Paragraph(vec![(format!("{}, {}", p.signer_name, p.signer_title), false, false)]));
    docx(&format!("{} – Förslag till beslut", p.heading), &blocks)
}

/// Typesets off the async runtime (it takes CPU time), logging a failure; for handlers.
pub async fn typeset(
    job: impl FnOnce() -> Result<Vec<u8>, samordna_documents::DocumentError> + Send + 'static,
) -> Result<Vec<u8>, ()> {
    match tokio::task::spawn_blocking(job).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "a document could not be typeset");
            Err(())
        }
        Err(_) => Err(()),
    }
}

/// One block of a plain document (a minutes extract, an agreement): headings, and paragraphs
/// whose paired stars mark the intervention's name in italics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocBlock {
    Heading(u8, String),
    Paragraph(String),
}

/// A paragraph's text as read: the stars that mark emphasis left out.
pub fn doc_plain(text: &str) -> String {
    emphasis_runs(text).into_iter().map(|(t, _, _)| t).collect()
}

/// The document as plain text, one block per paragraph.
pub fn doc_text(blocks: &[DocBlock]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            DocBlock::Heading(_, t) => out.push_str(t),
            DocBlock::Paragraph(t) => out.push_str(&doc_plain(t)),
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The document as HTML fragments for a page: headings start at `level`.
pub fn doc_body_html(blocks: &[DocBlock], level: u8) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            DocBlock::Heading(l, t) => {
                let h = (l + level - 1).min(6);
                out.push_str(&format!("<h{h}>{}</h{h}>\n", html_escape(t)));
            }
            DocBlock::Paragraph(t) => {
                out.push_str("<p>");
                for (run, _, italic) in emphasis_runs(t) {
                    if italic {
                        out.push_str(&format!("<em>{}</em>", html_escape(&run)));
                    } else {
                        out.push_str(&html_escape(&run));
                    }
                }
                out.push_str("</p>\n");
            }
        }
    }
    out
}

fn html_escape(t: &str) -> String {
    t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn doc_markup(title: &str, blocks: &[DocBlock]) -> String {
    let mut m = format!("#set document(title: {})\n", string_literal(title));
    m.push_str(
        "#set text(lang: \"sv\", region: \"SE\", size: 11pt)\n#set page(paper: \"a4\", margin: (x: 2.5cm, y: 2.5cm))\n",
    );
    for b in blocks {
        match b {
            DocBlock::Heading(level, t) => {
                m.push_str(&"=".repeat(*level as usize));
                m.push(' ');
                m.push_str(&escape(t));
            }
            DocBlock::Paragraph(t) => {
                for (run, _, italic) in emphasis_runs(t) {
                    if italic {
                        m.push_str(&format!("_{}_", escape(&run)));
                    } else {
                        m.push_str(&escape(&run));
                    }
                }
            }
        }
        m.push_str("\n\n");
    }
    m
}

/// The document as tagged PDF/A.
pub fn doc_pdf(title: &str, blocks: &[DocBlock]) -> Result<Vec<u8>, samordna_documents::DocumentError> {
    samordna_documents::pdf(&doc_markup(title, blocks), crate::domain::time::now())
}

/// The document as DOCX with real headings.
pub fn doc_docx(title: &str, blocks: &[DocBlock]) -> Vec<u8> {
    use samordna_documents::docx::{docx, Block as D};
    let out: Vec<D> = blocks
        .iter()
        .map(|b| match b {
            DocBlock::Heading(level, t) => D::Heading(*level, t.clone()),
            DocBlock::Paragraph(t) => D::Paragraph(emphasis_runs(t)),
        })
        .collect();
    docx(title, &out)
}
