//! Texts that keep their paragraphs and lists without ever holding HTML: people type plain text,
//! a blank line starts a new paragraph and lines starting with "- ", "* " or "• " form a list.
//! Rendering escapes everything, so no markup typed in can reach a page.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "• ", "– "].iter().find_map(|p| t.strip_prefix(p)).map(str::trim)
}

/// Splits a text into paragraphs and lists. Line breaks inside a paragraph are kept as spaces.
pub fn parse(text: &str) -> Vec<Block> {
    let normalised = text.replace("\r\n", "\n");
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let flush_paragraph = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    };
    let flush_list = |list: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !list.is_empty() {
            blocks.push(Block::List(std::mem::take(list)));
        }
    };
    for raw in normalised.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut list, &mut blocks);
        } else if let Some(item) = list_item(raw) {
            flush_paragraph(&mut paragraph, &mut blocks);
            list.push(item.to_string());
        } else {
            flush_list(&mut list, &mut blocks);
            paragraph.push(line);
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Safe HTML: `<p>` and `<ul><li>` around escaped text, nothing else.
pub fn to_html(text: &str) -> String {
    parse(text)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("<p>{}</p>", escape_html(&p)),
            Block::List(items) => {
                let lis: String = items.iter().map(|i| format!("<li>{}</li>", escape_html(i))).collect();
                format!("<ul>{lis}</ul>")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_lists_are_kept() {
        let text = "Insatsmål:\n- Kartläggning inom två månader.\n- Lotsning till annan aktör.\n\nEffektmål:\n• 100 % med förankrad planering.";
        assert_eq!(
            parse(text),
            vec![
                Block::Paragraph("Insatsmål:".into()),
                Block::List(vec!["Kartläggning inom två månader.".into(), "Lotsning till annan aktör.".into()]),
                Block::Paragraph("Effektmål:".into()),
                Block::List(vec!["100 % med förankrad planering.".into()]),
            ]
        );
    }

    #[test]
    fn lines_of_one_paragraph_are_joined_and_blank_lines_separate() {
        assert_eq!(parse("a\nb\n\n\nc"), vec![Block::Paragraph("a b".into()), Block::Paragraph("c".into())]);
        assert_eq!(parse("  \n "), vec![]);
    }

    #[test]
    fn html_is_always_escaped() {
        assert_eq!(
            to_html("<script>alert('x')</script>\n- <b>fet</b> & \"citat\""),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p><ul><li>&lt;b&gt;fet&lt;/b&gt; &amp; &quot;citat&quot;</li></ul>"
        );
    }
}
