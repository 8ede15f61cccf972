//! A new question's save sent again (its answer lost on the way) does not write it twice.

use super::super::*;

async fn save_keyed(w: &World, c: &reqwest::Client, key: &str, q: &app::exam::model::Question) -> common::Response {
    let json = serde_json::to_string(q).unwrap();
    w.app.call(c, "/api/exam/question/save", &[("subject", "Математика"), ("question", &json), ("request_key", key)]).await
}

backends!(a_new_question_sent_twice_with_its_key_is_saved_once);

async fn a_new_question_sent_twice_with_its_key_is_saved_once(b: Backend) {
    use app::exam::model::{Question, QuestionKind};
    let w = world(b).await;
    let q = Question {
        options: vec!["4".into(), "5".into()],
        correct: vec![1],
        topic: "Қосу".into(),
        ..Question::new(QuestionKind::Single, "2 + 3 = ?")
    };
    let key = "k7Qm2Xc9Lr4Tz8Wp1Ns6Vb3Hy5Dg0Fa";
    let first = save_keyed(&w, &w.teacher, key, &q).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let id = first.json().as_i64().unwrap();
    // The answer was lost; the form sends the same save again: the same question comes back.
    let again = save_keyed(&w, &w.teacher, key, &q).await;
    assert_eq!(again.json().as_i64(), Some(id), "{}", again.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 1, "one question, not two");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.create'").await, 1);
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    assert_eq!(bank.as_array().map(Vec::len), Some(1), "{bank}");

    // Changed in the form before the try went again: the change is its next version, still one
    // question in the bank.
    let changed = Question { text: "2 + 3 = ? (қайта)".into(), ..q.clone() };
    let r = save_keyed(&w, &w.teacher, key, &changed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    assert_eq!(bank.as_array().map(Vec::len), Some(1), "{bank}");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions WHERE archived = 0").await, 1);

    // A new question (a new key) is another question.
    let r = save_keyed(&w, &w.teacher, "Zz7Qm2Xc9Lr4Tz8Wp1Ns6Vb3Hy5Dg0Fa", &q).await;
    assert_ne!(r.json().as_i64(), Some(id));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions WHERE archived = 0").await, 2);
    // A key of the wrong shape is a broken call.
    let r = save_keyed(&w, &w.teacher, "short", &q).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
