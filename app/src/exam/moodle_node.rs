//! The XML tree a Moodle XML file is read into (`Node`, with the line each element starts on),
//! and the small readers and writers of Moodle's conventions (fractions, feedback, escaping)
//! that the question writers share: `moodle_xml` for the kinds it writes itself and
//! `calculated_xml` for calculated questions.

use super::model::ImportError;
use super::question_files::html_to_text;
use crate::i18n::Msg;
use quick_xml::events::Event;
use quick_xml::Reader;

/// An element of the file with what the import reads: attributes, text (CDATA included) and
/// children, and the line it starts on.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) attributes: Vec<(String, String)>,
    pub(super) text: String,
    pub(super) children: Vec<Node>,
    pub(super) line: usize,
}

impl Node {
    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A child's own text, trimmed ("" when absent): `<single>true</single>`.
    pub(super) fn value(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.trim())
    }

    /// The text of a formatted field (`<questiontext format="html"><text>..</text></questiontext>`,
    /// or an answer) as plain text. Pictures refuse the question: only the question text's
    /// become a picture here, read by `moodle_pictures` instead.
    pub(super) fn formatted(&self) -> Result<String, Msg> {
        let raw = self.child("text").map_or("", |t| t.text.as_str());
        let html = self.attribute("format").is_none_or(|f| f == "html");
        if self.child("file").is_some() || (html && raw.to_lowercase().contains("<img")) {
            return Err(Msg::ErrImportPicture);
        }
        Ok(if html { html_to_text(raw) } else { raw.trim().to_string() })
    }
}

/// The file as a tree; a malformed file is refused at the line where reading stopped.
pub(super) fn read_tree(xml: &str) -> Result<Node, ImportError> {
    let mut reader = Reader::from_str(xml);
    // Offsets only grow while reading, so lines are counted from the last one asked for: a
    // count from the start at every element would be quadratic in a 4 MB bank.
    let counted = std::cell::Cell::new((0usize, 1usize));
    let line_at = |offset: u64| {
        let (from, line) = counted.get();
        let to = (offset as usize).min(xml.len());
        if to < from {
            return xml.as_bytes()[..to].iter().filter(|&&b| b == b'\n').count() + 1;
        }
        let line = line + xml.as_bytes()[from..to].iter().filter(|&&b| b == b'\n').count();
        counted.set((to, line));
        line
    };
    let broken = |offset: u64| ImportError { line: line_at(offset), problem: Msg::ErrImportUnknownSyntax };
    // The open elements, the document itself at the bottom.
    let mut open = vec![Node::default()];
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|_| broken(reader.error_position()))?;
        let open_node = |start: &quick_xml::events::BytesStart<'_>| -> Result<Node, ImportError> {
            let mut attributes = Vec::new();
            for attribute in start.attributes() {
                let attribute = attribute.map_err(|_| broken(at))?;
                let value = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|_| broken(at))?;
                attributes.push((attribute.key.as_ref().to_string(), value.into_owned()));
            }
            Ok(Node { name: start.name().as_ref().to_string(), attributes, line: line_at(at), ..Node::default() })
        };
        match event {
            Event::Start(start) => open.push(open_node(&start)?),
            Event::Empty(start) => {
                let node = open_node(&start)?;
                open.last_mut().ok_or_else(|| broken(at))?.children.push(node);
            }
            Event::End(_) => {
                let node = open.pop().filter(|_| !open.is_empty()).ok_or_else(|| broken(at))?;
                open.last_mut().ok_or_else(|| broken(at))?.children.push(node);
            }
            Event::Text(text) => open.last_mut().ok_or_else(|| broken(at))?.text.push_str(&text.xml10_content()),
            Event::CData(data) => open.last_mut().ok_or_else(|| broken(at))?.text.push_str(&data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(|_| broken(at))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&reference.xml10_content()).ok_or_else(|| broken(at))?.to_string(),
                };
                open.last_mut().ok_or_else(|| broken(at))?.text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match open.pop() {
        Some(document) if open.is_empty() => Ok(document),
        _ => Err(broken(xml.len() as u64)),
    }
}

/// A fraction attribute ("100", "50", "-33.33333") as a share of the points.
pub(super) fn fraction(answer: &Node) -> Result<f64, Msg> {
    let raw = answer.attribute("fraction").unwrap_or("0");
    raw.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f / 100.0).ok_or(Msg::ErrImportUnknownSyntax)
}

/// An answer's `<feedback>` as text ("" when it has none).
pub(super) fn answer_feedback(answer: &Node) -> Result<String, Msg> {
    Ok(answer.child("feedback").map(Node::formatted).transpose()?.unwrap_or_default())
}

/// Text escaped for an XML element or attribute.
pub(super) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A percentage as Moodle writes fractions ("100", "-33.3333333").
pub(super) fn percent(share: f64) -> String {
    let p = (share * 100.0 * 1e7).round() / 1e7;
    if p.fract() == 0.0 {
        format!("{}", p as i64)
    } else {
        format!("{p}")
    }
}
