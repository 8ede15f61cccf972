//! Admission and grants over HTTP, on SQLite and PostgreSQL (issue 20, TVT-1): an application
//! is checked field by field and a retried submit writes once; committees of other colleges
//! and other applicants are refused; the ranking is published as a public list without
//! personal data; a placed applicant is enrolled once; the receipt of accepted documents and its
//! public check; the applicant is told of each step once; many writers at once write once.

use crate::common;

use app::auth::model::Role;
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "admission-pass-123";

/// A valid IIN of someone born on `yymmdd` in the 2000s, the `n`th such number.
fn iin(yymmdd: &str, n: u32) -> String {
    (0..)
        .map(|k: u32| format!("{yymmdd}5{:04}", n * 10 + k))
        .find_map(|first| {
            let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
            let eleven: [u8; 11] = digits.try_into().unwrap();
            app::auth::iin::check_digit(&eleven).map(|c| format!("{first}{c}"))
        })
        .unwrap()
}

struct Setup {
    college: i64,
    campaign: i64,
    /// The Kazakh group's offer (3 places, 1 for orphans) and the Russian one (1 place).
    kk: i64,
    ru: i64,
}

/// Two colleges with a director each; the first opens a campaign with two offers.
async fn setup(app: &TestApp) -> Setup {
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Көкшетау колледжі").await;
    let other = app.make_org(region, "college", "Басқа колледж").await;
    app.make_user("director", PW, Some((Role::Director, college))).await;
    app.make_user("stranger", PW, Some((Role::Director, other))).await;
    let director = app.signed_in("director", PW).await;
    let r = app
        .call(
            &director,
            "/api/admission/campaign/create",
            &[("college_id", &college.to_string()), ("year", "2027"), ("title", "Қабылдау"), ("max_choices", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let campaign: i64 = r.body.trim().parse().unwrap();
    // The same college and year again is refused at the year.
    let r = app
        .call(
            &director,
            "/api/admission/campaign/create",
            &[("college_id", &college.to_string()), ("year", "2027"), ("title", "Екі"), ("max_choices", "2")],
        )
        .await;
    assert_eq!(r.field_errors(), vec![("year".to_string(), "ErrAdmCampaignExists".to_string())]);
    let offer = |language: &'static str, places: &'static str, orphan: &'static str| {
        let c = campaign.to_string();
        let director = director.clone();
        async move {
            app.call(
                &director,
                "/api/admission/offer/save",
                &[
                    ("campaign_id", &c),
                    ("specialty_code", "06130100"),
                    ("specialty_name", "Бағдарламалық қамтамасыз ету"),
                    ("study_language", language),
                    ("places", places),
                    ("entrance_test", "no"),
                    ("quota_disability", ""),
                    ("quota_orphan", orphan),
                    ("quota_rural", "0"),
                    ("quota_large_family", "0"),
                ],
            )
            .await
        }
    };
    // Quotas cannot exceed the places.
    let r = offer("kk", "1", "2").await;
    assert_eq!(r.field_errors(), vec![("places".to_string(), "ErrAdmQuotasExceedPlaces".to_string())]);
    let r = offer("kk", "-3", "x").await;
    assert_eq!(r.field_errors().len(), 2, "{}", r.body);
    let kk: i64 = offer("kk", "3", "1").await.body.trim().parse().unwrap();
    let ru: i64 = offer("ru", "1", "0").await.body.trim().parse().unwrap();
    Setup { college, campaign, kk, ru }
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// An applicant's form: fields as (name, value), an optional document.
fn form(fields: &[(&str, String)], file: Option<(&str, &[u8])>) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new();
    for (k, v) in fields {
        f = f.text(k.to_string(), v.clone());
    }
    if let Some((name, bytes)) = file {
        f = f.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    }
    f
}

fn good(s: &Setup, key: &str, iin: &str, score: &str, choices: &[i64]) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("campaign_id", s.campaign.to_string()),
        ("request_key", key.to_string()),
        ("iin", iin.to_string()),
        ("full_name", "Әлия Нұрланқызы Серікова".to_string()),
        ("phone", "+7 701 123 45 67".to_string()),
        ("certificate_score", score.to_string()),
    ];
    for (n, c) in choices.iter().enumerate() {
        v.push((["choice1", "choice2"][n], c.to_string()));
    }
    v
}

/// An applicant account, signed in.
async fn applicant(app: &TestApp, login: &str) -> reqwest::Client {
    app.make_user(login, PW, None).await;
    app.signed_in(login, PW).await
}

async fn apply(app: &TestApp, c: &reqwest::Client, fields: &[(&str, String)], file: Option<(&str, &[u8])>) -> common::Response {
    app.multipart(c, "/api/admission/apply", form(fields, file)).await
}

backends!(
    an_application_is_checked_at_its_fields_and_a_retry_writes_once,
    strangers_are_refused,
    the_published_list_ranks_by_quota_and_score_and_hides_personal_data,
    a_placed_applicant_is_enrolled_once,
    the_receipt_follows_the_acceptance_and_its_check_page_the_status,
    the_applicant_hears_of_each_step_once,
    many_writers_at_once_write_each_application_and_decision_once
);

async fn an_application_is_checked_at_its_fields_and_a_retry_writes_once(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let a = applicant(&app, "aliya").await;
    let bad = vec![
        ("campaign_id", s.campaign.to_string()),
        ("request_key", "k1".to_string()),
        ("iin", "12345".to_string()),
        ("full_name", "".to_string()),
        ("phone", "+7 701 123 45 67".to_string()),
        ("certificate_score", "5,5".to_string()),
        ("profile_score", "4.333".to_string()),
        ("cat_orphan", "on".to_string()),
        ("choice1", s.kk.to_string()),
        ("choice2", s.kk.to_string()),
    ];
    let r = apply(&app, &a, &bad, Some(("note.pdf", b"MZ not a document"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut errors = r.field_errors();
    errors.sort();
    let expected = [
        ("certificate_score", "ErrAdmCertificateScore"),
        ("choice2", "ErrAdmChoiceRepeated"),
        ("file", "ErrOlyDocumentKind"),
        ("full_name", "ErrRequired"),
        ("iin", "ErrIinLength"),
        ("profile_score", "ErrAdmCertificateScore"),
    ];
    let got: Vec<(&str, &str)> = errors.iter().map(|(f, m)| (f.as_str(), m.as_str())).collect();
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), expected.iter().map(|e| e.0).collect::<Vec<_>>(), "{errors:?}");
    assert!(got.contains(&("certificate_score", "ErrAdmCertificateScore")) && got.contains(&("choice2", "ErrAdmChoiceRepeated")));
    assert!(got.contains(&("file", "ErrOlyDocumentKind")));
    // No specialty at all, and a category with no document.
    let mut no_choice = good(&s, "k1", &iin("100610", 1), "4,25", &[]);
    no_choice.push(("cat_orphan", "on".into()));
    let r = apply(&app, &a, &no_choice, None).await;
    assert_eq!(r.field_errors(), vec![("choice1".to_string(), "ErrAdmNoChoice".to_string())]);
    let mut no_doc = good(&s, "k1", &iin("100610", 1), "4,25", &[s.kk]);
    no_doc.push(("cat_orphan", "on".into()));
    let r = apply(&app, &a, &no_doc, None).await;
    assert_eq!(r.field_errors(), vec![("file".to_string(), "ErrAdmDocumentRequired".to_string())]);
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_applications").await, 0);

    // Right: written once, however often the same submit arrives.
    let r = apply(&app, &a, &no_doc, Some(("справка.pdf", PDF))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let again = apply(&app, &a, &no_doc, Some(("справка.pdf", PDF))).await;
    assert_eq!(again.body.trim(), id.to_string());
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_applications").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_choices").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'admission.application.%'").await, 1);
    // The applicant sees it, and its document.
    let mine = app.call(&a, "/api/admission/mine", &[]).await.json();
    assert_eq!(mine["mine"][0]["status"], "Submitted");
    assert_eq!(mine["mine"][0]["certificate_score"], 425);
    assert_eq!(app.get(&a, &format!("/files/admission/{id}")).await.body.as_bytes(), PDF);

    // Another account cannot apply with the same IIN.
    let b2 = applicant(&app, "bota").await;
    let r = apply(&app, &b2, &good(&s, "k9", &iin("100610", 1), "4", &[s.kk]), None).await;
    assert_eq!(r.field_errors(), vec![("iin".to_string(), "ErrAdmIinTaken".to_string())]);

    // A correction (new key) after the committee returned it goes back to "submitted".
    let director = app.signed_in("director", PW).await;
    let r =
        app.call(&director, "/api/admission/review", &[("application_id", &id.to_string()), ("decision", "return"), ("comment", "")]).await;
    assert_eq!(r.field_errors(), vec![("comment".to_string(), "ErrAdmCommentRequired".to_string())]);
    let r = app
        .call(
            &director,
            "/api/admission/review",
            &[("application_id", &id.to_string()), ("decision", "return"), ("comment", "Аттестат анық емес")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = app.call(&a, "/api/admission/mine", &[]).await.json();
    assert_eq!(mine["mine"][0]["status"], "Returned");
    assert_eq!(mine["mine"][0]["comment"], "Аттестат анық емес");
    let mut fixed = good(&s, "k2", &iin("100610", 1), "4,30", &[s.ru, s.kk]);
    fixed.push(("cat_orphan", "on".into()));
    let r = apply(&app, &a, &fixed, None).await;
    assert_eq!(r.body.trim(), id.to_string(), "the stored document still proves the category: {}", r.body);
    let mine = app.call(&a, "/api/admission/mine", &[]).await.json();
    assert_eq!(mine["mine"][0]["status"], "Submitted");
    assert_eq!(mine["mine"][0]["choices"], serde_json::json!([s.ru, s.kk]));
    // Withdrawn while open.
    let r = app.call(&a, "/api/admission/withdraw", &[("application_id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = app.call(&a, "/api/admission/mine", &[]).await.json();
    assert_eq!(mine["mine"][0]["status"], "Withdrawn");
    let _ = s.college;
}

async fn strangers_are_refused(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let a = applicant(&app, "aliya").await;
    let mut fields = good(&s, "k1", &iin("100610", 1), "4,25", &[s.kk]);
    fields.push(("cat_rural", "on".into()));
    let id: i64 = apply(&app, &a, &fields, Some(("a.png", b"\x89PNG\r\n\x1a\nrest"))).await.body.trim().parse().unwrap();
    let id_s = id.to_string();
    let campaign = s.campaign.to_string();
    let stranger = app.signed_in("stranger", PW).await;
    for (path, args) in [
        ("/api/admission/committee/campaign", vec![("campaign_id", campaign.as_str())]),
        ("/api/admission/review", vec![("application_id", id_s.as_str()), ("decision", "accept"), ("comment", "")]),
        ("/api/admission/ranking/preview", vec![("campaign_id", campaign.as_str())]),
        ("/api/admission/ranking/publish", vec![("campaign_id", campaign.as_str())]),
        ("/api/admission/enrol", vec![("application_id", id_s.as_str()), ("group_id", "1")]),
    ] {
        let r = app.call(&stranger, path, &args).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
    }
    // The other college's committee does not see this campaign at all.
    let v = app.call(&stranger, "/api/admission/committee", &[]).await.json();
    assert_eq!(v["campaigns"], serde_json::json!([]));
    assert_eq!(app.get(&stranger, &format!("/files/admission/{id}")).await.status, StatusCode::FORBIDDEN);
    // Another applicant can neither withdraw it nor read its document.
    let other = applicant(&app, "bota").await;
    assert_eq!(app.call(&other, "/api/admission/withdraw", &[("application_id", &id_s)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&other, &format!("/files/admission/{id}")).await.status, StatusCode::FORBIDDEN);
    // A role-less applicant cannot act as the committee.
    assert_eq!(
        app.call(&other, "/api/admission/review", &[("application_id", &id_s), ("decision", "accept"), ("comment", "")]).await.status,
        StatusCode::FORBIDDEN
    );
    // Nothing changed; the college's own committee reads the document.
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_applications WHERE status = 'submitted'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_list_rows").await, 0);
    let director = app.signed_in("director", PW).await;
    assert_eq!(app.get(&director, &format!("/files/admission/{id}")).await.status, StatusCode::OK);
}

/// Four applicants accepted: the orphans' quota place goes to the orphan with the lowest
/// score, the general places by score with honours breaking the tie, one applicant placed on
/// their first choice (ru) shows on the kk list as placed higher.
async fn ranked(app: &TestApp, s: &Setup) -> Vec<i64> {
    let director = app.signed_in("director", PW).await;
    let people = [
        ("ap1", "4,90", false, "", vec![s.ru, s.kk]),
        ("ap2", "4,50", true, "", vec![s.kk]),
        ("ap3", "4,50", false, "", vec![s.kk]),
        ("ap4", "3,10", false, "orphan", vec![s.kk]),
        ("ap5", "4,00", false, "", vec![s.kk]),
    ];
    let mut ids = Vec::new();
    for (n, (login, score, honours, cat, choices)) in people.into_iter().enumerate() {
        let c = applicant(app, login).await;
        let mut f = good(s, login, &iin("100610", n as u32 + 1), score, &choices);
        if honours {
            f.push(("honours", "on".into()));
        }
        let doc = if cat.is_empty() {
            None
        } else {
            f.push(("cat_orphan", "on".into()));
            Some(("doc.pdf", PDF))
        };
        let r = apply(app, &c, &f, doc).await;
        assert_eq!(r.status, StatusCode::OK, "{login}: {}", r.body);
        let id: i64 = r.body.trim().parse().unwrap();
        // ap5 is never accepted: only accepted applications compete.
        if login != "ap5" {
            let r = app
                .call(&director, "/api/admission/review", &[("application_id", &id.to_string()), ("decision", "accept"), ("comment", "")])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        ids.push(id);
    }
    ids
}

async fn the_published_list_ranks_by_quota_and_score_and_hides_personal_data(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let ids = ranked(&app, &s).await;
    let director = app.signed_in("director", PW).await;
    let anon = app.client();
    // Nothing is public before publication.
    assert_eq!(app.call(&anon, "/api/admission/list", &[("offer_id", &s.kk.to_string())]).await.json(), serde_json::Value::Null);
    let preview = app.call(&director, "/api/admission/ranking/preview", &[("campaign_id", &s.campaign.to_string())]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let lists = preview.json()["lists"].clone();
    let kk = lists.as_array().unwrap().iter().find(|l| l["offer"]["id"] == s.kk).unwrap().clone();
    let order: Vec<(i64, serde_json::Value)> =
        kk["lines"].as_array().unwrap().iter().map(|l| (l["application_id"].as_i64().unwrap(), l["outcome"].clone())).collect();
    assert_eq!(
        order,
        vec![
            (ids[0], serde_json::json!("HigherChoice")),
            (ids[1], serde_json::json!("General")),
            (ids[2], serde_json::json!("General")),
            (ids[3], serde_json::json!({ "Quota": "Orphan" })),
        ]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_list_rows").await, 0, "a preview writes nothing");

    let r = app.call(&director, "/api/admission/ranking/publish", &[("campaign_id", &s.campaign.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = app.count("SELECT COUNT(*) FROM admission_list_rows").await;
    assert_eq!(rows, 5);
    // Publishing again changes nothing; applying and withdrawing are closed.
    app.call(&director, "/api/admission/ranking/publish", &[("campaign_id", &s.campaign.to_string())]).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_list_rows").await, rows);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'admission.ranking.publish'").await, 1);
    let late = applicant(&app, "late").await;
    let r = apply(&app, &late, &good(&s, "x", &iin("100610", 9), "5", &[s.kk]), None).await;
    assert_eq!(r.field_errors(), vec![("campaign_id".to_string(), "ErrAdmCampaignClosed".to_string())]);

    // The public list, without signing in: places, numbers, masked names, scores, outcomes.
    let r = app.call(&anon, "/api/admission/list", &[("offer_id", &s.kk.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.json();
    let lines = list["list"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["number"], format!("2027-{:05}", ids[1]));
    assert_eq!(lines[1]["name"], "Ә*** Н*** С***");
    assert_eq!(lines[1]["score"], 450);
    assert_eq!(lines[3]["categories"], serde_json::json!(["Orphan"]));
    for l in lines {
        assert_eq!(l["application_id"], serde_json::Value::Null);
    }
    for secret in [iin("100610", 1), iin("100610", 2), "7011234567".to_string(), "Серікова".to_string(), "Нұрланқызы".to_string()]
    {
        assert!(!r.body.contains(&secret), "the public list shows {secret}: {}", r.body);
    }
    // The page itself renders for anyone, with the place.
    let page = app.get(&anon, &format!("/admission/lists/{}", s.kk)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("2027-{:05}", ids[1])), "{}", page.body);
    assert!(!page.body.contains(&iin("100610", 2)));
    // The applicant sees where they were placed.
    let p1 = app.signed_in("ap1", PW).await;
    assert_eq!(app.call(&p1, "/api/admission/mine", &[]).await.json()["mine"][0]["placed"], s.ru);
}

async fn a_placed_applicant_is_enrolled_once(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let ids = ranked(&app, &s).await;
    let director = app.signed_in("director", PW).await;
    app.call(&director, "/api/admission/ranking/publish", &[("campaign_id", &s.campaign.to_string())]).await;
    let group = |name: &'static str, language: &'static str| {
        let app = &app;
        async move {
            let g = app.make_org(s.college, "group", name).await;
            sqlx::query("INSERT INTO study_groups (group_id, specialty_code, specialty_name, course, study_form, study_language) VALUES ($1, '06130100', 'БҚ', 1, 'full_time', $2)")
                .bind(g)
                .bind(language)
                .execute(&app.db.pool)
                .await
                .unwrap();
            g
        }
    };
    let kk_group = group("БҚ-27", "kk").await;
    let ru_group = group("ПО-27", "ru").await;
    let enrol = |id: i64, g: i64| {
        let (app, director) = (&app, director.clone());
        async move { app.call(&director, "/api/admission/enrol", &[("application_id", &id.to_string()), ("group_id", &g.to_string())]).await }
    };
    // p2 was placed on kk: a Russian group is not of their place.
    let r = enrol(ids[1], ru_group).await;
    assert_eq!(r.field_errors(), vec![("group_id".to_string(), "ErrAdmGroupSpecialty".to_string())]);
    // p5 was never ranked.
    let r = enrol(ids[4], kk_group).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let written = || async {
        [
            app.count("SELECT COUNT(*) FROM role_assignments WHERE role = 'student'").await,
            app.count("SELECT COUNT(*) FROM student_movements WHERE kind = 'enrolled'").await,
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'admission.enrol'").await,
        ]
    };
    assert_eq!(written().await, [0, 0, 0]);
    let r = enrol(ids[1], kk_group).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(written().await, [1, 1, 1]);
    let r = enrol(ids[1], kk_group).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(written().await, [1, 1, 1], "a second enrolment writes nothing");
    // The student record: the group's list and the card with the movement, IIN given to the account.
    let students = app.call(&director, "/api/records/group", &[("group_id", &kk_group.to_string())]).await.json();
    assert_eq!(students["students"][0]["iin"], iin("100610", 2));
    let p2: i64 = app.count("SELECT id FROM users WHERE login = 'ap2'").await;
    let card = app.call(&director, "/api/records/student", &[("student_id", &p2.to_string())]).await;
    assert_eq!(card.json()["movements"][0]["kind"], "Enrolled", "{}", card.body);
    assert_eq!(card.json()["movements"][0]["reason"], format!("2027-{:05}", ids[1]));
    // The committee sees it enrolled.
    let c = app.call(&director, "/api/admission/committee/campaign", &[("campaign_id", &s.campaign.to_string())]).await.json();
    let a = c["applications"].as_array().unwrap().iter().find(|a| a["id"] == ids[1]).unwrap().clone();
    assert_eq!(a["enrolled_group"], "БҚ-27");
}

async fn review(app: &TestApp, director: &reqwest::Client, id: i64, decision: &str, comment: &str) -> common::Response {
    app.call(director, "/api/admission/review", &[("application_id", &id.to_string()), ("decision", decision), ("comment", comment)]).await
}

/// (kind, subject, body) of the in-app messages of a login, oldest first.
async fn inbox_of(app: &TestApp, login: &str) -> Vec<(Option<String>, String, String)> {
    sqlx::query_as(
        "SELECT m.kind, m.subject, m.body FROM inbox_messages m JOIN users u ON u.id = m.user_id WHERE u.login = $1 ORDER BY m.id",
    )
    .bind(login)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

async fn the_receipt_follows_the_acceptance_and_its_check_page_the_status(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let director = app.signed_in("director", PW).await;
    let stranger = app.signed_in("stranger", PW).await;
    let a = applicant(&app, "ap1").await;
    let other = applicant(&app, "ap2").await;
    let r = apply(&app, &a, &good(&s, "k-1", &iin("100610", 1), "4,50", &[s.kk, s.ru]), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id: i64 = r.body.trim().parse().unwrap();
    let receipt = |lang: &str| format!("/export/admission/{id}/receipt-{lang}.pdf");
    let mine = || async { app.call(&a, "/api/admission/mine", &[]).await.json()["mine"][0].clone() };

    // None before the committee accepts the documents, nor after a return.
    assert_eq!(app.get(&a, &receipt("kk")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(review(&app, &director, id, "return", "Аттестаттың көшірмесі анық емес").await.status, StatusCode::OK);
    assert_eq!(app.get(&a, &receipt("kk")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(mine().await["receipt_code"], serde_json::Value::Null);

    assert_eq!(review(&app, &director, id, "accept", "").await.status, StatusCode::OK);
    for lang in ["kk", "ru"] {
        let pdf = app.get(&a, &receipt(lang)).await;
        assert_eq!(pdf.status, StatusCode::OK, "{lang}");
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.body.starts_with("%PDF"));
        // The committee prints it too; nobody else does.
        assert_eq!(app.get(&director, &receipt(lang)).await.status, StatusCode::OK);
    }
    assert_eq!(app.get(&a, &receipt("en")).await.status, StatusCode::NOT_FOUND, "the state service's languages only");
    assert_eq!(app.get(&other, &receipt("kk")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&stranger, &receipt("kk")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&app.client(), &receipt("kk")).await.status, StatusCode::UNAUTHORIZED);

    // Its check page, for anyone: valid, the name masked, nothing else personal.
    let code = mine().await["receipt_code"].as_str().unwrap().to_string();
    let check = app.call(&app.client(), "/api/admission/verify", &[("code", &code)]).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    let c = check.json();
    assert_eq!((c["valid"].as_bool(), c["person"].as_str()), (Some(true), Some("Ә*** Н*** С***")));
    assert_eq!(c["number"], format!("2027-{id:05}"));
    assert_eq!((c["college"].as_str(), c["campaign"].as_str()), (Some("Көкшетау колледжі"), Some("Қабылдау")));
    for secret in [iin("100610", 1), "7011234567".to_string(), "Серікова".to_string()] {
        assert!(!check.body.contains(&secret), "the check page shows {secret}: {}", check.body);
    }
    let page = app.get(&app.client(), &format!("/admission/check/{code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.call(&app.client(), "/api/admission/verify", &[("code", "forged")]).await.status, StatusCode::NOT_FOUND);

    // Accepted again after a correction, the printed receipt keeps its code; withdrawn, it is
    // no longer valid.
    assert_eq!(review(&app, &director, id, "return", "Телефон қате").await.status, StatusCode::OK);
    let check = app.call(&app.client(), "/api/admission/verify", &[("code", &code)]).await.json();
    assert_eq!((check["valid"].as_bool(), check["status"].as_str()), (Some(false), Some("Returned")));
    assert_eq!(review(&app, &director, id, "accept", "").await.status, StatusCode::OK);
    assert_eq!(mine().await["receipt_code"], code.as_str());
    let r = app.call(&a, "/api/admission/withdraw", &[("application_id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let check = app.call(&app.client(), "/api/admission/verify", &[("code", &code)]).await.json();
    assert_eq!((check["valid"].as_bool(), check["status"].as_str()), (Some(false), Some("Withdrawn")));
}

async fn the_applicant_hears_of_each_step_once(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let director = app.signed_in("director", PW).await;
    let a = applicant(&app, "ap1").await;
    let r = apply(&app, &a, &good(&s, "k-1", &iin("100610", 1), "4,50", &[s.kk]), None).await;
    let id: i64 = r.body.trim().parse().unwrap();
    let kinds = |msgs: &[(Option<String>, String, String)]| msgs.iter().map(|m| m.0.clone().unwrap_or_default()).collect::<Vec<_>>();

    // A return tells what to correct; the same return sent again tells nothing more.
    for _ in 0..2 {
        assert_eq!(review(&app, &director, id, "return", "Аттестаттың көшірмесі анық емес").await.status, StatusCode::OK);
    }
    let msgs = inbox_of(&app, "ap1").await;
    assert_eq!(kinds(&msgs), ["application"]);
    assert!(msgs[0].2.contains("Аттестаттың көшірмесі анық емес") && msgs[0].2.contains(&format!("2027-{id:05}")), "{msgs:?}");

    // Accepted (twice: once told), then the outcome on publication and the enrolment.
    for _ in 0..2 {
        assert_eq!(review(&app, &director, id, "accept", "").await.status, StatusCode::OK);
    }
    let loser = applicant(&app, "ap2").await;
    let r = apply(&app, &loser, &good(&s, "k-2", &iin("100610", 2), "3,00", &[s.ru]), None).await;
    let lost: i64 = r.body.trim().parse().unwrap();
    let winner = applicant(&app, "ap3").await;
    let r = apply(&app, &winner, &good(&s, "k-3", &iin("100610", 3), "5,00", &[s.ru]), None).await;
    let won: i64 = r.body.trim().parse().unwrap();
    for x in [lost, won] {
        assert_eq!(review(&app, &director, x, "accept", "").await.status, StatusCode::OK);
    }
    for _ in 0..2 {
        let r = app.call(&director, "/api/admission/ranking/publish", &[("campaign_id", &s.campaign.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let msgs = inbox_of(&app, "ap1").await;
    assert_eq!(kinds(&msgs), ["application", "application", "application"]);
    assert!(msgs[2].2.contains("06130100"), "the grant names its specialty: {msgs:?}");
    let theirs = inbox_of(&app, "ap2").await;
    assert_eq!(theirs.len(), 2, "accepted, then the outcome: {theirs:?}");
    assert_ne!(theirs[1].2, inbox_of(&app, "ap3").await[1].2, "a grant and no grant read differently");

    let g = app.make_org(s.college, "group", "БҚ-27").await;
    sqlx::query("INSERT INTO study_groups (group_id, specialty_code, specialty_name, course, study_form, study_language) VALUES ($1, '06130100', 'БҚ', 1, 'full_time', 'kk')")
        .bind(g)
        .execute(&app.db.pool)
        .await
        .unwrap();
    for _ in 0..2 {
        let r = app.call(&director, "/api/admission/enrol", &[("application_id", &id.to_string()), ("group_id", &g.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let msgs = inbox_of(&app, "ap1").await;
    assert_eq!(msgs.len(), 4);
    assert!(msgs[3].2.contains("БҚ-27"), "{msgs:?}");
}

/// Many writers at once (issue 20: "with many writers at once on SQLite"): applicants sending
/// their forms several times at once, two of them with the same IIN, committee members deciding
/// the same application together, and publishing twice at once. Each writes once.
async fn many_writers_at_once_write_each_application_and_decision_once(b: Backend) {
    let app = spawn_app(b).await;
    let s = setup(&app).await;
    let mut people = Vec::new();
    for n in 0..6 {
        people.push(applicant(&app, &format!("many{n}")).await);
    }
    let app = &app;
    // Each applicant sends their form three times at once (a retry of the same key).
    let sends = people.iter().enumerate().flat_map(|(n, c)| {
        let fields = good(&s, &format!("key-{n}"), &iin("100610", n as u32 + 1), "4,00", &[s.kk]);
        (0..3).map(move |_| {
            let (c, fields) = (c.clone(), fields.clone());
            async move { apply(app, &c, &fields, None).await }
        })
    });
    let results = futures::future::join_all(sends).await;
    for r in &results {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let ids: std::collections::BTreeSet<i64> = results.iter().map(|r| r.body.trim().parse::<i64>().unwrap()).collect();
    assert_eq!(ids.len(), 6, "one application each");
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_applications").await, 6);
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_choices").await, 6);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'admission.application.submit'").await, 6);

    // Two more people type the same IIN at the same moment: one application, the other told at
    // the field.
    let twins = [applicant(&app, "twin1").await, applicant(&app, "twin2").await];
    let same = iin("100610", 9);
    let both = twins.iter().enumerate().map(|(n, c)| {
        let (c, fields) = (c.clone(), good(&s, &format!("twin-{n}"), &same, "4,00", &[s.kk]));
        async move { apply(app, &c, &fields, None).await }
    });
    let results = futures::future::join_all(both).await;
    let ok = results.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(ok, 1, "{results:?}", results = results.iter().map(|r| &r.body).collect::<Vec<_>>());
    let refused = results.iter().find(|r| r.status != StatusCode::OK).unwrap();
    assert_eq!(refused.field_errors(), vec![("iin".to_string(), "ErrAdmIinTaken".to_string())]);
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_applications").await, 7);

    // Three committee members accept the same application at once, for every application.
    let director = app.signed_in("director", PW).await;
    let director = &director;
    let accepts = ids.iter().flat_map(|id| (0..3).map(move |_| async move { review(app, director, *id, "accept", "").await }));
    for r in futures::future::join_all(accepts).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'admission.application.review'").await, 6);
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox_messages WHERE kind = 'application'").await, 6, "each told once");
    assert_eq!(app.count("SELECT COUNT(DISTINCT receipt_code) FROM admission_applications WHERE receipt_code IS NOT NULL").await, 6);

    // Published twice at once: one list.
    let campaign = s.campaign.to_string();
    let campaign = &campaign;
    let publish = (0..2).map(|_| async move { app.call(director, "/api/admission/ranking/publish", &[("campaign_id", campaign)]).await });
    for r in futures::future::join_all(publish).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM admission_list_rows").await, 6);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'admission.ranking.publish'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox_messages WHERE kind = 'application'").await, 12, "one outcome each");
}
