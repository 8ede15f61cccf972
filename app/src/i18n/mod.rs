//! Languages of the interface (Kazakh, Russian, English) and the message catalogue.
//!
//! We keep our own small catalogue instead of leptos_i18n: the same messages are needed
//! outside components (emails, SMS, field errors sent by the server as keys), the `catalog!`
//! macro makes a missing translation a compile error (every message has all three texts on
//! one line, so translators see them together), and it adds nothing to the build on
//! 2-core machines where leptos_i18n 0.6's build script compiles ICU data tooling.

mod catalog;

pub use catalog::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the cookie that remembers a guest's language choice.
pub const LOCALE_COOKIE: &str = "talap_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Kk,
    Ru,
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Kk, Locale::Ru, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Kk => "kk",
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "kk" | "kz" => Some(Locale::Kk),
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language's own name, shown in the switch whatever the current language is.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Kk => "Қазақша",
            Locale::Ru => "Русский",
            Locale::En => "English",
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values.
    /// Kazakh is the default when nothing matches (the state language).
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(locale) = Locale::from_code(primary) {
                if q > 0.0 && best.map_or(true, |(bq, _)| q > bq) {
                    best = Some((q, locale));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

impl Msg {
    /// The message in the given language.
    pub fn text(self, locale: Locale) -> &'static str {
        let [kk, ru, en] = self.texts();
        match locale {
            Locale::Kk => kk,
            Locale::Ru => ru,
            Locale::En => en,
        }
    }
}

/// The current language as a signal, provided by `App`.
pub fn use_locale() -> RwSignal<Locale> {
    expect_context::<RwSignal<Locale>>()
}

/// A reactive translated text for views: `{t(Msg::SignIn)}`.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let locale = use_locale();
    move || msg.text(locale.get())
}

/// The language this request should be rendered in: the language cookie (set by the switch and
/// at sign-in from the user's saved choice), else the browser's Accept-Language.
#[cfg(feature = "ssr")]
pub fn request_locale(parts: &http::request::Parts) -> Locale {
    crate::request::cookie(&parts.headers, LOCALE_COOKIE).and_then(|c| Locale::from_code(&c)).unwrap_or_else(|| {
        parts.headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Locale::negotiate).unwrap_or_default()
    })
}

/// A name as typed in a file, for comparing with the catalogue's texts: spacing collapsed,
/// lower case, "ё" read as "е".
pub fn normal_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace('ё', "е")
}

/// A cell naming one thing in several languages, "Теория / Theory" (as our templates write
/// it): every part separated by "/" must name the same thing. None when a part is unknown or
/// the parts disagree.
pub fn agreed_name<T: PartialEq + Copy>(cell: &str, one: impl Fn(&str) -> Option<T>) -> Option<T> {
    let mut found = None;
    for part in cell.split('/') {
        let t = one(part)?;
        if found.is_some_and(|f| f != t) {
            return None;
        }
        found = Some(t);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_highest_supported_q() {
        assert_eq!(Locale::negotiate("ru-RU,ru;q=0.9,en-US;q=0.8"), Locale::Ru);
        assert_eq!(Locale::negotiate("de-DE,en;q=0.5,kk;q=0.7"), Locale::Kk);
        assert_eq!(Locale::negotiate("en-GB"), Locale::En);
        assert_eq!(Locale::negotiate("fr, de"), Locale::Kk);
        assert_eq!(Locale::negotiate("en;q=0, ru;q=0.1"), Locale::Ru);
        assert_eq!(Locale::negotiate(""), Locale::Kk);
    }

    /// Keys travel as their names (error responses, stored notifications): every key comes
    /// back as itself, and a name the catalogue does not have is refused, not guessed.
    #[test]
    fn keys_travel_as_their_names() {
        assert_eq!(serde_json::to_string(&Msg::ErrInternal).unwrap(), "\"ErrInternal\"");
        for &msg in Msg::ALL {
            let json = serde_json::to_string(&msg).unwrap();
            assert_eq!(serde_json::from_str::<Msg>(&json).unwrap(), msg, "{json}");
        }
        assert!(serde_json::from_str::<Msg>("\"NoSuchMessage\"").is_err());
        assert!(serde_json::from_str::<Msg>("3").is_err());
    }

    /// Names written in Latin letters in every language: the brand, file formats, programs.
    const FORMAT_NAMES: &[&str] = &[
        "Talap",
        "SMS",
        "XLSX",
        "CSV",
        "PDF",
        "QR",
        "GPA",
        "Enter",
        "GIFT",
        "Aiken",
        "Moodle",
        "XML",
        "JPEG",
        "PNG",
        "WebP",
        "DOCX",
        "PPTX",
        "ODT",
        "ODS",
        "Word",
        "Excel",
        "OpenDocument",
    ];

    fn latin_words(text: &str) -> Vec<String> {
        let mut without_placeholders = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => without_placeholders.push(c),
                _ => {}
            }
        }
        without_placeholders
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3 && !w.chars().all(|c| c == 'X') && !FORMAT_NAMES.contains(&w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn latin_word_detector_finds_english() {
        assert_eq!(latin_words("Сіздің кодыңыз: {code}"), Vec::<String>::new());
        assert_eq!(latin_words("+7 7XX XXX XX XX пішімінде"), Vec::<String>::new());
        assert_eq!(latin_words("Talap: SMS-хабарлама"), Vec::<String>::new());
        assert_eq!(latin_words("Войти Sign in"), vec!["Sign".to_string()]);
    }

    #[test]
    fn no_english_leaks_into_kazakh_or_russian() {
        // A kk or ru text equal to the English one is almost always an untranslated string.
        // The few that are legitimately the same (brand names, codes) are listed here.
        let same_allowed = [Msg::AppName, Msg::Iin];
        for msg in Msg::ALL {
            let [kk, ru, en] = msg.texts();
            assert!(!kk.trim().is_empty() && !ru.trim().is_empty() && !en.trim().is_empty(), "{msg:?} has an empty text");
            if !same_allowed.contains(msg) {
                assert_ne!(kk, en, "{msg:?}: Kazakh text is the English one");
                assert_ne!(ru, en, "{msg:?}: Russian text is the English one");
            }
            // Kazakh and Russian texts are Cyrillic: a Latin word means English slipped in.
            // Placeholders ({code}), digit masks (7XX) and the names below are not words.
            for (lang, text) in [("kk", kk), ("ru", ru)] {
                assert!(latin_words(text).is_empty() || same_allowed.contains(msg), "{msg:?} ({lang}) looks untranslated: {text}");
            }
        }
    }
}
