//! Files that cross the boundary, in both directions.
//!
//! In: an uploaded .xlsx is a zip archive, and a 200 KB archive can inflate to gigabytes (a
//! "zip bomb"). calamine inflates a whole part (the shared strings, a sheet) into memory before
//! any of our row limits sees a cell, so every spreadsheet reader measures the archive first
//! ([`check_spreadsheet_zip`]). The sizes an archive's directory declares can lie, so the
//! measure is the real one: every entry is inflated into nothing with a running count that
//! stops at the limit. That costs one extra inflate of an honest file (milliseconds for the
//! biggest national results file) and bounds a hostile one.
//!
//! Out: a CSV cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
//! formula by Excel and LibreOffice when the file is opened ("CSV injection"). Text cells are
//! escaped as OWASP recommends ([`csv_text`]); readers of our own CSV files undo it
//! ([`csv_text_back`]), so an export imports back unchanged. XLSX exports need none of this:
//! their text cells are typed as strings.

use crate::i18n::Msg;
use std::borrow::Cow;
use std::io::Read;

/// What a spreadsheet archive may unpack to. A national results file of 20 000 rows unpacks to
/// about 15 MB; a school directory or a plan to far less.
#[derive(Clone, Copy, Debug)]
pub struct ZipLimits {
    pub unpacked_bytes: u64,
    pub entries: usize,
}

impl ZipLimits {
    pub const SPREADSHEET: ZipLimits = ZipLimits { unpacked_bytes: 64 << 20, entries: 1_000 };
}

/// Why an archive was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZipRefusal {
    /// Not a readable zip archive: the reader's own "unreadable file" message fits.
    Unreadable,
    /// Past the limits: [`Msg::ErrFileUnpacksTooLarge`].
    TooLarge,
}

impl ZipRefusal {
    /// The message for the user, `unreadable` being the calling reader's own.
    pub fn msg(self, unreadable: Msg) -> Msg {
        match self {
            ZipRefusal::Unreadable => unreadable,
            ZipRefusal::TooLarge => Msg::ErrFileUnpacksTooLarge,
        }
    }
}

/// Measures an .xlsx (any zip) before a parser inflates it: at most `limits.entries` entries
/// that together unpack to at most `limits.unpacked_bytes`.
pub fn check_zip(bytes: &[u8], limits: ZipLimits) -> Result<(), ZipRefusal> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| ZipRefusal::Unreadable)?;
    if archive.len() > limits.entries {
        return Err(ZipRefusal::TooLarge);
    }
    // The declared sizes first: an honest bomb is refused without inflating anything.
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| ZipRefusal::Unreadable)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.unpacked_bytes {
        return Err(ZipRefusal::TooLarge);
    }
    // Then the real sizes, which a crafted archive can make larger than it declares.
    let mut left = limits.unpacked_bytes;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| ZipRefusal::Unreadable)?;
        let inflated = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink()).map_err(|_| ZipRefusal::Unreadable)?;
        if inflated > left {
            return Err(ZipRefusal::TooLarge);
        }
        left -= inflated;
    }
    Ok(())
}

/// [`check_zip`] with the limits for uploaded spreadsheets, as the reader's message.
pub fn check_spreadsheet_zip(bytes: &[u8], unreadable: Msg) -> Result<(), Msg> {
    check_zip(bytes, ZipLimits::SPREADSHEET).map_err(|r| r.msg(unreadable))
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a CSV export: one that a spreadsheet would run as a formula gets a leading
/// apostrophe, which Excel and LibreOffice show as text and do not evaluate.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Undoes [`csv_text`] when our own CSV files are read back.
pub fn csv_text_back(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn archive(entries: &[(&str, usize)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, size) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(&vec![b'a'; *size]).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const SMALL: ZipLimits = ZipLimits { unpacked_bytes: 100_000, entries: 10 };

    #[test]
    fn an_archive_within_limits_passes() {
        assert_eq!(check_zip(&archive(&[("a", 50_000), ("b", 50_000)]), SMALL), Ok(()));
    }

    #[test]
    fn too_much_inflated_data_or_too_many_entries_is_refused() {
        assert_eq!(check_zip(&archive(&[("a", 60_000), ("b", 60_000)]), SMALL), Err(ZipRefusal::TooLarge));
        let many: Vec<(String, usize)> = (0..11).map(|i| (format!("e{i}"), 1)).collect();
        let many: Vec<(&str, usize)> = many.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(check_zip(&archive(&many), SMALL), Err(ZipRefusal::TooLarge));
        assert_eq!(check_zip(b"PK\x03\x04 not really", SMALL), Err(ZipRefusal::Unreadable));
    }

    /// A crafted archive that declares a small size and inflates to more: the real count
    /// refuses it (or the zip reader does, as unreadable), never reads it all.
    #[test]
    fn an_archive_that_lies_about_its_size_is_refused() {
        let mut bytes = archive(&[("a", 150_000)]);
        // Patch the declared uncompressed size (local header offset 22, central directory
        // offset 24 from its signature) down to 1 000 bytes.
        let small = 1_000u32.to_le_bytes();
        bytes[22..26].copy_from_slice(&small);
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&small);
        assert!(check_zip(&bytes, SMALL).is_err());
    }

    #[test]
    fn formulas_are_escaped_in_csv_text_and_come_back() {
        for s in ["=HYPERLINK(\"http://x\")", "+7 701", "-2", "@SUM(A1)", "\tx", "\rx"] {
            let out = csv_text(s);
            assert!(out.starts_with('\''), "{s:?}");
            assert_eq!(csv_text_back(&out), s);
        }
        assert_eq!(csv_text("Әлия"), "Әлия");
        assert_eq!(csv_text_back("'Әлия"), "'Әлия", "an apostrophe a person typed stays");
    }
}
