//! Reading what a candidate typed: numbers with a decimal comma or point, and short answers
//! compared the way the bank promises (spacing, case, "ё"). Shared by the question model and the
//! gap questions.

/// A short answer as compared: trimmed, single spaces, lowercase, "ё" as "е".
pub fn normalize_short(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace('ё', "е")
}

/// A typed number: "2.5", "2,5", "-3", "+1e3", with spaces around. None for anything else (also
/// for "1,000.5": a comma is a decimal comma here, never a thousands separator).
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    // Rust also reads "inf" and "NaN", which nobody types as an answer.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether a typed short answer matches an accepted one: numerically within the tolerance when
/// both read as numbers, otherwise as text (ignoring case and spacing unless `case_sensitive`).
pub fn short_matches(accepted: &str, typed: &str, tolerance: Option<f64>, case_sensitive: bool) -> bool {
    if let (Some(key), Some(value)) = (parse_number(accepted), parse_number(typed)) {
        return within(key, value, tolerance);
    }
    if case_sensitive {
        let spaced = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        return spaced(accepted) == spaced(typed);
    }
    normalize_short(accepted) == normalize_short(typed)
}

/// Whether a number is within the tolerance (exactly, for none) of an accepted one.
pub fn within(key: f64, value: f64, tolerance: Option<f64>) -> bool {
    // Decimal fractions are inexact in binary: 2.6 − 2.5 is a hair above 0.1.
    let slack = 1e-9 * key.abs().max(1.0);
    (value - key).abs() <= tolerance.unwrap_or(0.0) + slack
}
