//! Pictures inside a Moodle XML file. Moodle keeps a question's pictures in the file itself: the
//! text shows `<img src="@@PLUGINFILE@@/map.png">` and its `<questiontext>` holds
//! `<file name="map.png" path="/" encoding="base64">…</file>`. A question here has one picture,
//! shown under its text, so on import:
//!
//! | in the file                                                  | here                                   |
//! |--------------------------------------------------------------|----------------------------------------|
//! | the text's first `<img>`, of a `<file>` of the question (or a `data:` address) | the question's picture, checked as an uploaded one ([`check_image`]: JPEG, PNG or WebP, decoded whole, at most [`MAX_PICTURE`]); the tag leaves the text |
//! | more `<img>`s in the text                                   | left out; the import's report names the question's line ([`Msg::ImportExtraPicturesDropped`]) |
//! | a first picture that is no such image, is too large, or is not in the file (no `<file>` of that name, an address on the internet) | the question is refused at its line, so the file imports nothing |
//! | a picture or file in an answer or feedback, or a file the text reaches otherwise than by `<img>` (a link) | refused at the question's line: it would be lost |
//! | a `<file>` nothing refers to                                 | ignored: Moodle shows nothing of it either |
//!
//! Only the `html` format (Moodle's editors write it) carries pictures; a `<file>` in a text of
//! another format is refused as before. On export ([`question_text`]) a question with a picture
//! gets its text as HTML with the picture after it (where it is shown here) and the `<file>`, so
//! Moodle, or another Talap, imports the same picture.
//!
//! [`check_image`]: crate::proctor::ingest::check_image
//! [`MAX_PICTURE`]: super::pictures::MAX_PICTURE

use super::moodle_node::{escape, Node};
use super::question_files::{html_to_text, Picture};
use crate::i18n::Msg;

/// A `<questiontext>` as read: the text without its pictures, the first picture, and whether
/// more were left out.
#[derive(Debug, Default)]
pub(super) struct QuestionText {
    pub(super) text: String,
    pub(super) picture: Option<Picture>,
    pub(super) dropped: bool,
}

/// Reads a question's `<questiontext>` (see the module's documentation).
pub(super) fn read_question_text(field: Option<&Node>) -> Result<QuestionText, Msg> {
    let Some(field) = field else { return Ok(QuestionText::default()) };
    if field.attribute("format").is_some_and(|f| f != "html") {
        return Ok(QuestionText { text: field.formatted()?, ..QuestionText::default() });
    }
    let raw = field.child("text").map_or("", |t| t.text.as_str());
    let (sources, rest) = images(raw);
    // What else points into the file (a link, a video) would be lost with its file.
    if rest.contains("@@PLUGINFILE@@") {
        return Err(Msg::ErrImportPicture);
    }
    let picture = sources.first().map(|src| embedded(field, src)).transpose()?;
    Ok(QuestionText { text: html_to_text(&rest), picture, dropped: sources.len() > 1 })
}

/// The `src` of every `<img>` of an HTML text, in order, and the text without them.
fn images(html: &str) -> (Vec<String>, String) {
    let mut sources = Vec::new();
    let mut rest = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(start) = find_ascii_ci(html, "<img", at) {
        let after = html.as_bytes().get(start + 4).copied();
        // "<imgx" is another tag.
        if after.is_some_and(|b| !(b.is_ascii_whitespace() || b == b'/' || b == b'>')) {
            rest.push_str(&html[at..start + 4]);
            at = start + 4;
            continue;
        }
        // The attributes end at the closing ">", or with the text when it has none.
        let (attributes_end, end) = tag_end(html, start).map_or((html.len(), html.len()), |end| (end - 1, end));
        rest.push_str(&html[at..start]);
        sources.push(attribute(&html[start + 4..attributes_end], "src").unwrap_or_default());
        at = end;
    }
    rest.push_str(&html[at..]);
    (sources, rest)
}

/// The offset of `needle` (ASCII) in `hay` at or after `from`, ignoring ASCII case. An ASCII
/// match always starts on a character boundary.
fn find_ascii_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    (from..=hay.len().checked_sub(needle.len())?).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Just past the `>` that closes the tag opened at `start` (a `>` inside quotes is a value's).
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[start..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

/// An attribute's value (entities decoded) among a tag's attributes (` src="a.png" alt=x`).
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let key = &rest[..end];
        rest = rest[end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    value = &after[1..close];
                    rest = after.get(close + 1..).unwrap_or("");
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    value = &after[..end];
                    rest = &after[end..];
                }
            }
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(html_escape::decode_html_entities(value).into_owned());
        }
    }
}

/// The picture an `<img src>` names, from the question's `<file>`s (or a `data:` address),
/// checked as an upload is.
fn embedded(field: &Node, src: &str) -> Result<Picture, Msg> {
    let encoded = if let Some(path) = src.trim().strip_prefix("@@PLUGINFILE@@") {
        // Moodle may add "?time=…" to make browsers reload; the name is URL-encoded.
        let path = percent_decoded(path.split(['?', '#']).next().unwrap_or(""));
        let file = field.all("file").find(|f| file_path(f) == path).ok_or(Msg::ErrImportPictureMissing)?;
        if !file.attribute("encoding").unwrap_or("base64").eq_ignore_ascii_case("base64") {
            return Err(Msg::ErrImportPictureInvalid);
        }
        file.text.as_str()
    } else if let Some((_, data)) = src.trim().strip_prefix("data:").and_then(|d| d.split_once(";base64,")) {
        data
    } else {
        return Err(Msg::ErrImportPictureMissing);
    };
    let encoded: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    // Measured before decoding: 4 characters of base64 are 3 bytes.
    if encoded.len() / 4 * 3 > super::pictures::MAX_PICTURE + 3 {
        return Err(Msg::ErrImportPictureTooLarge);
    }
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| Msg::ErrImportPictureInvalid)?;
    if bytes.len() > super::pictures::MAX_PICTURE {
        return Err(Msg::ErrImportPictureTooLarge);
    }
    let checked = crate::proctor::ingest::check_image(&bytes, false).map_err(|_| Msg::ErrImportPictureInvalid)?;
    Ok(Picture { bytes, ext: checked.ext })
}

/// A `<file>`'s path as `@@PLUGINFILE@@` addresses it: "/" + folders + name.
fn file_path(file: &Node) -> String {
    let folder = file.attribute("path").unwrap_or("/").trim_matches('/');
    let name = file.attribute("name").unwrap_or("");
    if folder.is_empty() {
        format!("/{name}")
    } else {
        format!("/{folder}/{name}")
    }
}

/// "%20" and the like as the bytes they stand for (Moodle writes file names URL-encoded). Ten
/// lines rather than a crate: nothing else here decodes addresses.
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `<questiontext>` of a question with a picture: the text as HTML (a line a line, as
/// [`html_to_text`] reads it back) with the picture after it, and the picture's `<file>`, named
/// by the last part of its media key (its content hash and extension).
pub(super) fn question_text(text: &str, key: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    let name = key.rsplit('/').next().unwrap_or(key);
    let lines: Vec<String> = text.lines().map(|l| html_escape::encode_text(l).into_owned()).collect();
    let html = format!("<p>{}</p><p><img src=\"@@PLUGINFILE@@/{name}\" alt=\"\"></p>", lines.join("<br>"));
    format!(
        "    <questiontext format=\"html\"><text>{}</text>\n      <file name=\"{}\" path=\"/\" encoding=\"base64\">{}</file>\n    </questiontext>\n",
        escape(&html),
        escape(name),
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::super::model::{ImportError, QuestionKind};
    use super::super::moodle_xml::{read_moodle_xml, write_moodle_xml};
    use super::*;
    use base64::Engine;
    use std::collections::HashMap;

    fn image(format: image::ImageFormat, width: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::new_rgb8(width, 3).write_to(&mut std::io::Cursor::new(&mut out), format).unwrap();
        out
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A multiple choice question as Moodle 4 exports one with a picture in its text.
    fn with_text(text: &str, files: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Карта</text></name>
    <questiontext format="html">
      <text><![CDATA[{text}]]></text>
{files}
    </questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text>Астана</text></answer>
    <answer fraction="0" format="html"><text>Алматы</text></answer>
  </question>
</quiz>
"#
        )
    }

    fn file_element(name: &str, bytes: &[u8]) -> String {
        format!(r#"      <file name="{name}" path="/" encoding="base64">{}</file>"#, b64(bytes))
    }

    fn refused(xml: &str) -> Vec<ImportError> {
        read_moodle_xml(xml).expect_err("refused")
    }

    #[test]
    fn the_texts_picture_becomes_the_questions_and_leaves_the_text() {
        let png = image(image::ImageFormat::Png, 4);
        let xml = with_text(
            r#"<p>Қай қала <b>белгіленген</b>?</p><p><img src="@@PLUGINFILE@@/kz%20map.png?time=1700000000" alt="карта" width="300" class="img-fluid"></p>"#,
            &file_element("kz map.png", &png),
        );
        let file = read_moodle_xml(&xml).expect("valid");
        assert_eq!(file.questions[0].text, "Қай қала белгіленген?", "the tag leaves the text");
        assert_eq!(file.questions[0].kind, QuestionKind::Single);
        assert_eq!(file.pictures, vec![Some(Picture { bytes: png.clone(), ext: "png" })]);
        assert!(file.notes.is_empty());

        // JPEG and WebP as the upload takes them; an address with the bytes inside it too.
        let jpeg = image(image::ImageFormat::Jpeg, 8);
        let file = read_moodle_xml(&with_text(r#"<img src='@@PLUGINFILE@@/a.jpg'/>Сурет"#, &file_element("a.jpg", &jpeg))).expect("valid");
        assert_eq!((file.questions[0].text.as_str(), file.pictures[0].as_ref().map(|p| p.ext)), ("Сурет", Some("jpg")));
        let webp = image(image::ImageFormat::WebP, 8);
        let data = format!(r#"Сурет <IMG SRC="data:image/webp;base64,{}">"#, b64(&webp));
        assert_eq!(read_moodle_xml(&with_text(&data, "")).expect("valid").pictures[0].as_ref().map(|p| p.ext), Some("webp"));
        // A file in a folder of the question's area.
        let nested =
            with_text(r#"<img src="@@PLUGINFILE@@/maps/kz.png">?"#, &file_element("kz.png", &png).replace("path=\"/\"", "path=\"/maps/\""));
        assert!(read_moodle_xml(&nested).expect("valid").pictures[0].is_some());
        // A file nothing shows is ignored, as in Moodle.
        let unused = read_moodle_xml(&with_text("Мәтін", &file_element("old.png", &png))).expect("valid");
        assert_eq!((unused.questions[0].text.as_str(), unused.pictures.clone()), ("Мәтін", vec![None]));
    }

    #[test]
    fn a_second_picture_is_left_out_and_said() {
        let (one, two) = (image(image::ImageFormat::Png, 4), image(image::ImageFormat::Png, 5));
        let files = format!("{}\n{}", file_element("one.png", &one), file_element("two.png", &two));
        let xml = with_text(r#"<p><img src="@@PLUGINFILE@@/one.png"></p><p>Салыстырыңыз: <img src="@@PLUGINFILE@@/two.png"></p>"#, &files);
        let file = read_moodle_xml(&xml).expect("valid");
        assert_eq!(file.questions[0].text, "Салыстырыңыз:");
        assert_eq!(file.pictures, vec![Some(Picture { bytes: one, ext: "png" })], "the first is kept");
        assert_eq!(file.notes, vec![ImportError { line: 3, problem: Msg::ImportExtraPicturesDropped }]);
    }

    #[test]
    fn a_picture_that_cannot_be_kept_refuses_its_question() {
        let at = |problem| vec![ImportError { line: 3, problem }];
        let png = image(image::ImageFormat::Png, 4);
        let shown = r#"Карта <img src="@@PLUGINFILE@@/map.png">"#;
        assert_eq!(refused(&with_text(shown, "")), at(Msg::ErrImportPictureMissing), "no <file> of that name");
        assert_eq!(refused(&with_text(shown, &file_element("other.png", &png))), at(Msg::ErrImportPictureMissing));
        assert_eq!(refused(&with_text(r#"<img src="https://example.org/map.png">"#, "")), at(Msg::ErrImportPictureMissing));
        assert_eq!(refused(&with_text(shown, &file_element("map.png", b"not a picture at all"))), at(Msg::ErrImportPictureInvalid));
        let broken = r#"      <file name="map.png" path="/" encoding="base64">iVBORw0K!!!</file>"#;
        assert_eq!(refused(&with_text(shown, broken)), at(Msg::ErrImportPictureInvalid), "not base64");
        // A 1x1 GIF (the image crate here decodes none).
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00\x21\xf9\x04\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b";
        assert_eq!(
            refused(&with_text(shown, &file_element("map.png", gif))),
            at(Msg::ErrImportPictureInvalid),
            "GIF: not what an upload takes"
        );
        let mut truncated = png.clone();
        truncated.truncate(png.len() / 2);
        assert_eq!(refused(&with_text(shown, &file_element("map.png", &truncated))), at(Msg::ErrImportPictureInvalid));
        let huge = vec![0u8; super::super::pictures::MAX_PICTURE + 1];
        assert_eq!(refused(&with_text(shown, &file_element("map.png", &huge))), at(Msg::ErrImportPictureTooLarge));
        // A link into the file would lose its file.
        let link = r#"<a href="@@PLUGINFILE@@/plan.pdf">жоспар</a>"#;
        assert_eq!(refused(&with_text(link, &file_element("plan.pdf", b"%PDF-1.4"))), at(Msg::ErrImportPicture));
        // A picture in an answer has nowhere to go.
        let xml = with_text("Қала?", "").replace(
            r#"<text>Алматы</text>"#,
            &format!(r#"<text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>{}"#, file_element("a.png", &png)),
        );
        assert_eq!(refused(&xml), vec![ImportError { line: 3, problem: Msg::ErrImportPicture }]);
    }

    #[test]
    fn attributes_and_addresses_are_read_as_browsers_read_them() {
        assert_eq!(attribute(r#" alt="a > b" src = 'x.png' "#, "src").as_deref(), Some("x.png"));
        assert_eq!(attribute(r#" SRC=x.png width=3"#, "src").as_deref(), Some("x.png"));
        assert_eq!(attribute(r#" src="a&amp;b.png""#, "src").as_deref(), Some("a&b.png"));
        assert_eq!(attribute(r#" alt="x""#, "src"), None);
        assert_eq!(images(r#"a<img alt="1 > 0" src="p.png">b<imgx>"#), (vec!["p.png".to_string()], "ab<imgx>".to_string()));
        assert_eq!(percent_decoded("/%D0%BA%D0%B0%D1%80%D1%82%D0%B0%20x.png"), "/карта x.png");
        assert_eq!(percent_decoded("/100%.png"), "/100%.png");
    }

    /// Import, export, import: the same picture's bytes, and Moodle's way of writing it.
    #[test]
    fn a_picture_goes_out_and_comes_back_the_same() {
        let png = image(image::ImageFormat::Png, 6);
        let file = read_moodle_xml(&with_text(
            r#"<p>Карта</p><p>екі жол &amp; <img src="@@PLUGINFILE@@/map.png"></p>"#,
            &file_element("map.png", &png),
        ))
        .expect("valid");
        let mut question = file.questions[0].clone();
        let key = "questions/7/0a1b2c3d.png".to_string();
        question.image = Some(key.clone());
        let written = write_moodle_xml(std::slice::from_ref(&question), &HashMap::from([(key, png.clone())]));
        assert!(written.contains(r#"<file name="0a1b2c3d.png" path="/" encoding="base64">"#), "{written}");
        assert!(written.contains("@@PLUGINFILE@@/0a1b2c3d.png"), "{written}");
        let back = read_moodle_xml(&written).expect("its own export reads back");
        assert_eq!(back.pictures, vec![Some(Picture { bytes: png, ext: "png" })]);
        assert_eq!(back.questions, vec![super::super::model::Question { image: None, ..question }]);
        assert_eq!(back.questions[0].text, "Карта\nекі жол &");
    }
}
