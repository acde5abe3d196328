//! Attachment types, told from the content, never from the name: a file called "budget.pdf"
//! that is really a program is refused.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Ods,
    Png,
    Jpeg,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Docx => "Word (DOCX)",
            FileType::Xlsx => "Excel (XLSX)",
            FileType::Odt => "OpenDocument-text (ODT)",
            FileType::Ods => "OpenDocument-kalkyl (ODS)",
            FileType::Png => "PNG-bild",
            FileType::Jpeg => "JPEG-bild",
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The type of a file from its first bytes and, for the zip-based office formats, the names of
/// the parts inside (which zip stores uncompressed in its headers).
pub fn detect(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileType::Jpeg);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // OpenDocument: the first entry is an uncompressed "mimetype" file naming the type.
        if bytes.len() > 38 && &bytes[30..38] == b"mimetype" {
            let rest = &bytes[38..bytes.len().min(38 + 80)];
            if rest.starts_with(b"application/vnd.oasis.opendocument.text") {
                return Some(FileType::Odt);
            }
            if rest.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
                return Some(FileType::Ods);
            }
            return None;
        }
        if contains(bytes, b"[Content_Types].xml") {
            if contains(bytes, b"word/document.xml") {
                return Some(FileType::Docx);
            }
            if contains(bytes, b"xl/workbook.xml") {
                return Some(FileType::Xlsx);
            }
        }
    }
    None
}

/// A file name safe to store and to send back in a header: no folders, no control characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').collect::<String>().trim().to_string();
    let cleaned: String = cleaned.chars().take(200).collect();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "bilaga".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_with(first_entry: &[u8], extra: &[u8]) -> Vec<u8> {
        let mut v = b"PK\x03\x04".to_vec();
        v.extend_from_slice(&[0u8; 26]);
        v.extend_from_slice(first_entry);
        v.extend_from_slice(extra);
        v
    }

    #[test]
    fn detects_each_allowed_type_from_its_content() {
        assert_eq!(detect(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0"), Some(FileType::Png));
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileType::Jpeg));
        assert_eq!(detect(&zip_with(b"mimetypeapplication/vnd.oasis.opendocument.text", b"")), Some(FileType::Odt));
        assert_eq!(
            detect(&zip_with(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet", b"")),
            Some(FileType::Ods)
        );
        assert_eq!(detect(&zip_with(b"[Content_Types].xml", b"..word/document.xml..")), Some(FileType::Docx));
        assert_eq!(detect(&zip_with(b"[Content_Types].xml", b"..xl/workbook.xml..")), Some(FileType::Xlsx));
    }

    #[test]
    fn refuses_everything_else_whatever_its_name() {
        assert_eq!(detect(b"MZ\x90\0 a Windows program"), None);
        assert_eq!(detect(b"<html><script>"), None);
        assert_eq!(detect(&zip_with(b"evil.exe", b"")), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\x\\budget 2018.xlsx"), "budget 2018.xlsx");
        assert_eq!(clean_filename("a\u{0}b\"c.pdf"), "abc.pdf");
        assert_eq!(clean_filename(".."), "bilaga");
    }
}
