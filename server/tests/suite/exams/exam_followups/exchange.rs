//! Exchanging a bank with Moodle: the pictures a Moodle XML file carries come in as the
//! questions' pictures and go out again, and a bank downloads as GIFT that imports back.

use super::super::*;
use base64::Engine;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A Moodle XML bank: a question whose text shows two embedded pictures, then an essay.
fn moodle_bank(first: &[u8], second: &[u8]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Карта</text></category></question>
  <question type="multichoice">
    <name><text>Карта</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Белгіленген қала?</p><p><img src="@@PLUGINFILE@@/map.png" alt="карта"><img src="@@PLUGINFILE@@/legend.png"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{}</file>
      <file name="legend.png" path="/" encoding="base64">{}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text>Астана</text></answer>
    <answer fraction="0" format="html"><text>Алматы</text></answer>
  </question>
  <question type="essay">
    <name><text>Эссе</text></name>
    <questiontext format="html"><text>Қала туралы жазыңыз</text></questiontext>
  </question>
</quiz>
"#,
        b64(first),
        b64(second)
    )
}

async fn bank(w: &World) -> serde_json::Value {
    w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json()
}

backends!(a_moodle_xml_picture_comes_in_and_goes_out_as_the_same_bytes);

/// Import (the first picture kept, the second said), the picture served from the bank, the
/// export carrying it, and the export imported again: the same bytes all the way.
async fn a_moodle_xml_picture_comes_in_and_goes_out_as_the_same_bytes(b: Backend) {
    let w = world(b).await;
    let (map, legend) = (png(64, 48), png(8, 8));
    let r = import(&w, "moodle.xml", &moodle_bank(&map, &legend)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json(),
        serde_json::json!({ "questions": 2, "pictures": 1, "notes": [{ "line": 4, "problem": "ImportExtraPicturesDropped" }] })
    );
    let listed = bank(&w).await;
    let pictured: Vec<&serde_json::Value> = listed.as_array().unwrap().iter().filter(|q| q["picture"].is_string()).collect();
    assert_eq!(pictured.len(), 1, "{listed}");
    assert_eq!(pictured[0]["text"].as_str(), Some("Белгіленген қала?"), "the pictures leave the text");
    let url = pictured[0]["picture"].as_str().unwrap().to_string();
    assert_eq!(fetch(&w, &w.teacher, &url).await, (StatusCode::OK, Some("image/png".into()), map.clone()));
    assert_eq!(files_under(&w.app.config.media_dir.join("questions")), 1, "the second picture is not stored");
    let audit =
        w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.bank.import' AND after_json LIKE '%\"pictures\":1%'").await;
    assert_eq!(audit, 1);

    let export = w.app.get(&w.teacher, "/export/exam-bank.xml?subject=Математика").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/xml; charset=utf-8"));
    let file = app::exam::moodle_xml::read_moodle_xml(&export.body).expect("the export reads");
    let pictures: Vec<&[u8]> = file.pictures.iter().flatten().map(|p| p.bytes.as_slice()).collect();
    assert_eq!(pictures, vec![map.as_slice()], "the same bytes inside the export");

    // The export imported again: a second question with the same picture, stored under its id.
    let r = import(&w, "again.xml", &export.body).await;
    assert_eq!(r.json(), serde_json::json!({ "questions": 2, "pictures": 1, "notes": [] }), "{}", r.body);
    let listed = bank(&w).await;
    let urls: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|q| q["picture"].as_str()).collect();
    assert_eq!(urls.len(), 2, "{listed}");
    for url in urls {
        assert_eq!(fetch(&w, &w.teacher, url).await.2, map);
    }
    assert_eq!(files_under(&w.app.config.media_dir.join("questions")), 2);
}

backends!(a_picture_that_is_not_one_refuses_the_file_and_writes_nothing);

async fn a_picture_that_is_not_one_refuses_the_file_and_writes_nothing(b: Backend) {
    let w = world(b).await;
    let fake = b"<svg onload=alert(1)></svg>";
    let r = import(&w, "moodle.xml", &moodle_bank(fake, &png(8, 8))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.field_errors(), vec![("row.4".to_string(), "ErrImportPictureInvalid".to_string())]);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 0, "the essay after it is not added either");
    assert_eq!(files_under(&w.app.config.media_dir), 0, "no file written");
}

backends!(a_bank_downloads_as_gift_and_imports_back_as_the_same_questions);

/// The GIFT download of a bank with a kind GIFT lacks: that one is listed at the top, the others
/// import back as they are.
async fn a_bank_downloads_as_gift_and_imports_back_as_the_same_questions(b: Backend) {
    let w = world(b).await;
    let gift = "$CATEGORY: Сандар\n\n\
        Жай сандар? {~%50%2#иә ~%50%3 ~%-100%4#жұп}\n\n\
        π = ? {#3.14:0.01 ####Архимед}\n\n\
        Жер Күнді айнала ма? {TRUE#Қате#Дұрыс}\n\n\
        Сәйкестендіріңіз {=бір -> 1 =екі -> 2 = -> 3}\n\n\
        Ең ұзын өзен? {=Ертіс =%50%Иртыш#орысша}\n";
    let r = import(&w, "bank.gift", gift).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ordering = r#"<quiz><question type="ordering"><questiontext format="html"><text>Ретімен</text></questiontext>
        <answer fraction="1"><text>бір</text></answer><answer fraction="2"><text>екі</text></answer></question></quiz>"#;
    assert_eq!(import(&w, "ordering.xml", ordering).await.status, StatusCode::OK);

    let export = w.app.get(&w.teacher, "/export/exam-bank.gift?subject=Математика&lang=kk").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/plain; charset=utf-8"));
    let disposition = export.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(disposition.contains(".txt"), "{disposition}");
    assert!(export.body.starts_with("// Бұл файлға кірмеген сұрақтар"), "{}", export.body);
    assert!(export.body.contains("//   Ретімен — GIFT пішімінде ретке келтіру сұрақтары жоқ\n"), "{}", export.body);
    let original = app::exam::import::parse_gift(gift).unwrap();
    assert_eq!(app::exam::import::parse_gift(&export.body).as_ref(), Ok(&original), "{}", export.body);

    // Imported back over HTTP: the same questions once more, the ordering one not among them.
    let r = import(&w, "Математика (GIFT).txt", &export.body).await;
    assert_eq!(r.json()["questions"].as_i64(), Some(5), "{}", r.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions WHERE kind = 'ordering'").await, 1);
    let empty = w.app.get(&w.teacher, "/export/exam-bank.gift?subject=Физика").await;
    assert_eq!(empty.status, StatusCode::NOT_FOUND, "no questions, no file");
}
