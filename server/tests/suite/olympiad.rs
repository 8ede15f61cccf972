//! The olympiad over HTTP, on SQLite and PostgreSQL: the operator imports the school directory
//! and sets up a campaign; a teacher registers on the public page, confirms the emailed code
//! and is signed in as the olympiad teacher of their school; and every refused input (broken
//! rows, wrong or taken IIN, a school outside eligibility, dates outside registration) gets
//! its own message at its field and writes nothing.

use crate::common;

use app::auth::model::Role;
use app::ui::time::format_local_input;
use common::{spawn_app, spawn_app_configured, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "olympiad-pass-123";
const DAY: i64 = 86_400_000;

/// Two rural schools and one urban, in two regions; one school stands directly under its
/// region (a city of republican status has no district).
const DIRECTORY: &str = "Облыс;Аудан;Код;Мектеп;Ауыл;Тілі\n\
    Ақмола облысы;Бурабай ауданы;AK-001;Абай атындағы мектеп;иә;kk\n\
    Ақмола облысы;Бурабай ауданы;AK-002;Бурабай қалалық мектебі;жоқ;kk, ru\n\
    Абай облысы;Аягөз ауданы;AB-7;Мектеп-гимназия №7;ауыл;аралас\n\
    Астана;;AST-1;№1 лицей;0;ru\n";

async fn operator(app: &TestApp) -> reqwest::Client {
    app.make_user("operator", PW, Some((Role::OlympiadOperator, 1))).await;
    app.signed_in("operator", PW).await
}

async fn import(app: &TestApp, c: &reqwest::Client, name: &str, bytes: &[u8]) -> common::Response {
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    app.multipart(c, "/api/olympiad/directory/import", form).await
}

fn pairs(errors: &[(&str, &str)]) -> Vec<(String, String)> {
    errors.iter().map(|(f, m)| (f.to_string(), m.to_string())).collect()
}

/// A campaign form whose stages start `offset` from now (negative: in the past): teacher
/// registration for 10 days, participants from day 2 to day 20, results on day 40.
fn campaign_form(title: &str, offset: i64, rural_only: bool) -> Vec<(String, String)> {
    let now = app::api::now_ms() + offset;
    let at = |days: i64| format_local_input(now + days * DAY);
    let mut form = vec![
        ("title".to_string(), title.to_string()),
        ("teacher_reg_opens".into(), at(-1)),
        ("teacher_reg_closes".into(), at(10)),
        ("participant_reg_opens".into(), at(2)),
        ("participant_reg_closes".into(), at(20)),
        ("results_at".into(), at(40)),
        ("applications_opens".into(), at(41)),
        ("applications_closes".into(), at(50)),
        ("grade_min".into(), "5".into()),
        ("grade_max".into(), "9".into()),
        ("subjects".into(), "Математика\nҚазақ тілі".into()),
    ];
    if rural_only {
        form.push(("rural_only".into(), "on".into()));
    }
    form
}

async fn create_campaign(app: &TestApp, c: &reqwest::Client, form: &[(String, String)]) -> common::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, "/api/olympiad/campaign/create", &form).await
}

/// The organisation id of a directory school by its code.
async fn school(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("SELECT org_id FROM school_profiles WHERE code = $1").bind(code).fetch_one(&app.db.pool).await.unwrap()
}

/// Eleven digits and the check digit the official algorithm gives them.
fn iin(first_eleven: &str) -> String {
    let d: Vec<u8> = first_eleven.bytes().map(|b| b - b'0').collect();
    let mut a = [0u8; 11];
    a.copy_from_slice(&d);
    format!("{first_eleven}{}", app::auth::iin::check_digit(&a).expect("a check digit exists"))
}

async fn register(app: &TestApp, c: &reqwest::Client, campaign: i64, iin: &str, email: &str, school: &str) -> common::Response {
    app.call(
        c,
        "/api/olympiad/teacher/register",
        &[
            ("campaign_id", &campaign.to_string()),
            ("iin", iin),
            ("full_name", "Айгүл Серікқызы"),
            ("phone", "+7 701 234 56 78"),
            ("email", email),
            ("school_id", school),
            ("password", PW),
        ],
    )
    .await
}

backends!(
    the_directory_is_imported_all_or_nothing,
    a_campaign_keeps_its_stages_in_order,
    a_teacher_registers_confirms_and_is_signed_in,
    bad_registrations_are_refused_at_their_field_and_write_nothing,
    registration_outside_its_dates_is_refused,
    a_teacher_registers_pupils_one_by_one_and_from_a_list,
    a_registration_card_lets_the_pupil_set_a_password,
    registering_someone_elses_iin_grants_no_credential_over_their_account
);

async fn the_directory_is_imported_all_or_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let op = operator(&app).await;
    let orgs_before = app.count("SELECT COUNT(*) FROM organisations").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    // Every broken cell is listed with its row; the good rows are not imported either.
    let broken = "Ақмола облысы;Бурабай ауданы;AK-001;Абай атындағы мектеп;иә;kk\n\
        Ақмола облысы;Бурабай ауданы;;Аты жоқ мектеп;иә;kk\n\
        Ақмола облысы;Бурабай ауданы;AK-003;Үшінші мектеп;мүмкін;неміс\n\
        Ақмола облысы;Бурабай ауданы;AK-001;Қайталанған код;иә;kk\n";
    let r = import(&app, &op, "schools.csv", broken.as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.field_errors(),
        pairs(&[
            ("row.2.code", "ErrRequired"),
            ("row.3.rural", "ErrOlyRuralFlag"),
            ("row.3.languages", "ErrOlyLanguages"),
            ("row.4.code", "ErrOlyCodeRepeated"),
        ])
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, orgs_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM school_profiles").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before);

    let r = import(&app, &op, "schools.csv", DIRECTORY.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!(
        (report["schools_added"].as_i64(), report["regions_added"].as_i64(), report["districts_added"].as_i64()),
        (Some(4), Some(3), Some(2))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM school_profiles WHERE rural = 1").await, 2);
    // The lyceum of Astana stands directly under its region.
    let lyceum = school(&app, "AST-1").await;
    let parent_kind: String =
        sqlx::query_scalar("SELECT p.kind FROM organisations s JOIN organisations p ON p.id = s.parent_id WHERE s.id = $1")
            .bind(lyceum)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(parent_kind, "region");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.directory.import'").await, 1);

    // Importing again finds schools by code: a renamed school is updated, not duplicated.
    let renamed = DIRECTORY.replace("Абай атындағы мектеп", "Абай атындағы орта мектеп");
    let r = import(&app, &op, "schools.csv", renamed.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["schools_added"].as_i64(), r.json()["schools_updated"].as_i64()), (Some(0), Some(4)));
    assert_eq!(app.count("SELECT COUNT(*) FROM school_profiles").await, 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE name = 'Абай атындағы орта мектеп'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations WHERE name = 'Абай атындағы мектеп'").await, 0);

    // A clash with what is stored (a new code for a name another school holds there) refuses
    // the file whole: the new school of the first row is not written.
    let orgs = app.count("SELECT COUNT(*) FROM organisations").await;
    let clash = "Ақмола облысы;Жаңа аудан;AK-100;Жаңа мектеп;иә;kk\n\
        Ақмола облысы;Бурабай ауданы;AK-999;Бурабай қалалық мектебі;жоқ;ru\n";
    let r = import(&app, &op, "schools.csv", clash.as_bytes()).await;
    assert_eq!(r.field_errors(), pairs(&[("row.2.name", "ErrOlyNameTaken")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, orgs);
    assert_eq!(app.count("SELECT COUNT(*) FROM school_profiles WHERE code IN ('AK-100', 'AK-999')").await, 0);

    // Not a spreadsheet at all: one file-level message.
    let r = import(&app, &op, "schools.pdf", b"%PDF-1.4").await;
    assert_eq!(r.field_errors(), pairs(&[("row.0.file", "KtpFileType")]));

    let page = app.call(&op, "/api/olympiad/operator", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.json()["directory"]["schools"].as_i64(), Some(4));
    assert_eq!(page.json()["regions"].as_array().map(Vec::len), Some(3));
}

async fn a_campaign_keeps_its_stages_in_order(b: Backend) {
    let app = spawn_app(b).await;
    let op = operator(&app).await;
    assert_eq!(import(&app, &op, "schools.csv", DIRECTORY.as_bytes()).await.status, StatusCode::OK);
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;

    // Results before participant registration closes, grades upside down, a repeated subject.
    let mut bad = campaign_form("Мың бала 2027", 0, true);
    for (k, v) in bad.iter_mut() {
        match k.as_str() {
            "results_at" => *v = format_local_input(app::api::now_ms() + 5 * DAY),
            "grade_min" => *v = "9".into(),
            "grade_max" => *v = "5".into(),
            "subjects" => *v = "Математика\nматематика".into(),
            _ => {}
        }
    }
    let r = create_campaign(&app, &op, &bad).await;
    assert_eq!(
        r.field_errors(),
        pairs(&[
            ("grade_max", "ErrOlyGradeRange"),
            ("subjects", "ErrOlySubjectRepeated"),
            ("results_at", "ErrOlyResultsBeforeRegistration"),
        ])
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_campaigns").await, 0);

    let r = create_campaign(&app, &op, &campaign_form("Мың бала 2027", 0, true)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let campaign = r.json().as_i64().unwrap();
    // The title is unique.
    let r = create_campaign(&app, &op, &campaign_form("Мың бала 2027", 0, true)).await;
    assert_eq!(r.field_errors(), pairs(&[("title", "ErrOlyCampaignTitleTaken")]));

    // Stage 1 of a region sits after participant registration and before the results.
    let region: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE kind = 'region' AND name = 'Ақмола облысы'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let now = app::api::now_ms();
    let window = |opens: i64, closes: i64| {
        vec![
            ("campaign_id", campaign.to_string()),
            ("region_id", region.to_string()),
            ("opens_at", format_local_input(now + opens * DAY)),
            ("closes_at", format_local_input(now + closes * DAY)),
        ]
    };
    let call = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let op = op.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&op, "/api/olympiad/campaign/window", &form).await
        }
    };
    let r = call(window(15, 25)).await;
    assert_eq!(r.field_errors(), pairs(&[("opens_at", "ErrOlyWindowBeforeRegistration")]));
    let r = call(window(25, 45)).await;
    assert_eq!(r.field_errors(), pairs(&[("closes_at", "ErrOlyWindowAfterResults")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_stage_windows").await, 0);
    let r = call(window(21, 30)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Setting it again moves it; still one window per region.
    let r = call(window(22, 31)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_stage_windows").await, 1);

    let page = app.call(&op, "/api/olympiad/operator", &[]).await.json();
    let c = &page["campaigns"][0];
    assert_eq!(c["subjects"], serde_json::json!(["Математика", "Қазақ тілі"]));
    assert_eq!((c["grade_min"].as_i64(), c["grade_max"].as_i64(), c["rural_only"].as_bool()), (Some(5), Some(9), Some(true)));
    assert_eq!(c["windows"][0]["region"], "Ақмола облысы");
    assert_eq!(c["windows"][0]["opens_at"].as_i64().unwrap() / 60_000, (now + 22 * DAY) / 60_000);
    // Creation and the two window changes, each with its audit row.
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before + 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.window.set' AND before_json IS NOT NULL").await, 1);

    // A teacher is not an operator.
    let school = school(&app, "AK-001").await;
    app.make_user("teacher", PW, Some((Role::OlympiadTeacher, school))).await;
    let teacher = app.signed_in("teacher", PW).await;
    assert_eq!(create_campaign(&app, &teacher, &campaign_form("Басқа", 0, false)).await.status, StatusCode::FORBIDDEN);
}

/// A directory and an open, rural-only campaign; returns the campaign.
async fn open_campaign(app: &TestApp) -> i64 {
    let op = operator(app).await;
    assert_eq!(import(app, &op, "schools.csv", DIRECTORY.as_bytes()).await.status, StatusCode::OK);
    let r = create_campaign(app, &op, &campaign_form("Мың бала 2027", 0, true)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

fn emailed_code(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit()).find(|s| s.len() == 6).expect("a 6-digit code in the message").to_string()
}

async fn a_teacher_registers_confirms_and_is_signed_in(b: Backend) {
    let app = spawn_app(b).await;
    let campaign = open_campaign(&app).await;
    let anon = app.client();
    let open = app.call(&anon, "/api/olympiad/registration/open", &[]).await;
    assert_eq!(open.json()[0]["id"].as_i64(), Some(campaign));
    // The search offers rural schools only (the campaign is for rural schools): "мекте" is in
    // the urban "Бурабай қалалық мектебі" too, which is left out.
    let found = app.call(&anon, "/api/olympiad/schools", &[("campaign_id", &campaign.to_string()), ("query", "МЕКТЕ")]).await.json();
    let codes: Vec<&str> = found.as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["AK-001", "AB-7"]);
    let by_code = app.call(&anon, "/api/olympiad/schools", &[("campaign_id", &campaign.to_string()), ("query", "ab-7")]).await.json();
    assert_eq!(by_code[0]["district"], "Аягөз ауданы");
    assert_eq!(by_code[0]["region"], "Абай облысы");

    let abai = school(&app, "AK-001").await;
    let teacher_iin = iin("85070540987");
    let r = register(&app, &anon, campaign, &teacher_iin, "aigul@mail.kz", &abai.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Not usable before the code comes back.
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE active = 0 AND iin IS NOT NULL").await, 1);
    let r = app.call(&app.client(), "/api/auth/login", &[("login", &teacher_iin), ("password", PW)]).await;
    assert!(!r.status.is_success(), "an unconfirmed account cannot sign in");
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE channel = 'email' AND recipient = 'aigul@mail.kz'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(body.contains("Мың бала 2027"), "{body}");
    let code = emailed_code(&body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app.call(&anon, "/api/olympiad/teacher/confirm", &[("iin", &teacher_iin), ("code", wrong)]).await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrWrongCode")]));

    let browser = app.client();
    let r = app.call(&browser, "/api/olympiad/teacher/confirm", &[("iin", &teacher_iin), ("code", &code)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Signed in, as the olympiad teacher of the school chosen.
    let me = app.call(&browser, "/api/auth/me", &[]).await.json();
    assert_eq!(me["login"], teacher_iin.as_str());
    assert_eq!(me["grants"][0]["role"], "OlympiadTeacher");
    assert_eq!(me["grants"][0]["org_id"].as_i64(), Some(abai));
    app.signed_in(&teacher_iin, PW).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers WHERE confirmed_at IS NOT NULL").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('olympiad.teacher.register', 'olympiad.teacher.confirm')").await,
        2
    );
    // The code does not work twice.
    let r = app.call(&anon, "/api/olympiad/teacher/confirm", &[("iin", &teacher_iin), ("code", &code)]).await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrWrongCode")]));

    // One account per IIN. Registering the same IIN again registers nothing, but answers as a
    // new registration does (issue 14, item 4: the form does not tell who has an account): the
    // account's owner is told at their own email how to join, and nothing goes to the email typed.
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let r = register(&app, &anon, campaign, &teacher_iin, "other@mail.kz", &abai.to_string()).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'other@mail.kz'").await, 0);
    let note: String = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'aigul@mail.kz' ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(note.contains("/olympiad/register") && note.contains(teacher_iin.as_str()), "{note}");
    // A flood of such attempts reaches the owner three times an hour at most.
    for _ in 0..5 {
        register(&app, &anon, campaign, &teacher_iin, "other@mail.kz", &abai.to_string()).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'aigul@mail.kz' AND body LIKE '%/olympiad/register%'").await, 3);

    // A teacher without email at hand asks for the code by SMS: it goes to the phone, and only
    // there; a channel that does not exist is refused at its field with nothing written.
    let second_iin = iin("79010240986");
    let by_sms = |code_by: &'static str| {
        let (campaign, second_iin) = (campaign.to_string(), second_iin.clone());
        let abai = abai.to_string();
        let anon = &anon;
        let app = &app;
        async move {
            app.call(
                anon,
                "/api/olympiad/teacher/register",
                &[
                    ("campaign_id", campaign.as_str()),
                    ("iin", second_iin.as_str()),
                    ("full_name", "Мария Ивановна"),
                    ("phone", "8 (702) 555-44-33"),
                    ("email", "maria@mail.kz"),
                    ("school_id", abai.as_str()),
                    ("password", PW),
                    ("code_by", code_by),
                ],
            )
            .await
        }
    };
    let r = by_sms("fax").await;
    assert_eq!(r.field_errors(), pairs(&[("code_by", "ErrRequired")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    let r = by_sms("sms").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let texts: Vec<(String, String)> =
        sqlx::query_as("SELECT channel, recipient FROM outbox WHERE body LIKE '%Мың бала 2027%' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(texts.last().unwrap(), &("sms".to_string(), "+77025554433".to_string()), "{texts:?}");
    assert_eq!(texts.iter().filter(|(_, to)| to == "maria@mail.kz").count(), 0);
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE channel = 'sms' AND recipient = '+77025554433'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = app.call(&app.client(), "/api/olympiad/teacher/confirm", &[("iin", &second_iin), ("code", &emailed_code(&body))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn bad_registrations_are_refused_at_their_field_and_write_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let campaign = open_campaign(&app).await;
    let anon = app.client();
    let abai = school(&app, "AK-001").await.to_string();
    let urban = school(&app, "AK-002").await.to_string();
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    let good_iin = iin("90010130001");
    // Each IIN mistake has its own message.
    let mut bad_check = good_iin.clone();
    bad_check.replace_range(11.., if good_iin.ends_with('0') { "1" } else { "0" });
    for (typed, msg) in [
        ("9001013000", "ErrIinLength"),
        ("90010130001x", "ErrIinDigits"),
        (bad_check.as_str(), "ErrIinChecksum"),
        (&iin("99022930001"), "ErrIinDate"),
    ] {
        let r = register(&app, &anon, campaign, typed, "t@mail.kz", &abai).await;
        assert_eq!(r.field_errors(), pairs(&[("iin", msg)]), "{typed}");
    }
    // A school outside eligibility (urban, for a rural-only campaign), and no school at all.
    let r = register(&app, &anon, campaign, &good_iin, "t@mail.kz", &urban).await;
    assert_eq!(r.field_errors(), pairs(&[("school_id", "ErrOlySchoolNotEligible")]));
    let r = register(&app, &anon, campaign, &good_iin, "t@mail.kz", "").await;
    assert_eq!(r.field_errors(), pairs(&[("school_id", "ErrOlyChooseSchool")]));
    // An email that another account uses.
    app.make_user("someone", PW, None).await;
    sqlx::query("UPDATE users SET email = 'taken@mail.kz' WHERE login = 'someone'").execute(&app.db.pool).await.unwrap();
    let users = users + 1;
    // It makes no registration, with the answer of one that does; its owner is told instead.
    let r = register(&app, &anon, campaign, &good_iin, "taken@mail.kz", &abai).await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"), "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'taken@mail.kz' AND body LIKE '%someone%'").await, 1);
    // A campaign that does not exist.
    let r = register(&app, &anon, 999_999, &good_iin, "t@mail.kz", &abai).await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyNoCampaign"), ("school_id", "ErrOlySchoolNotEligible")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 0);
    // No email but the note to the taken address's owner.
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);

    // A registration never confirmed may be made again (the email was mistyped): the last
    // one counts, the account is not duplicated, and the code goes to the corrected address.
    assert_eq!(register(&app, &anon, campaign, &good_iin, "typo@mail.kz", &abai).await.status, StatusCode::OK);
    let r = register(&app, &anon, campaign, &good_iin, "right@mail.kz", &abai).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users + 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = 'right@mail.kz' AND active = 0").await, 1);
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'right@mail.kz'").fetch_one(&app.db.pool).await.unwrap();
    let r = app.call(&anon, "/api/olympiad/teacher/confirm", &[("iin", &good_iin), ("code", &emailed_code(&body))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn registration_outside_its_dates_is_refused(b: Backend) {
    let app = spawn_app(b).await;
    let op = operator(&app).await;
    assert_eq!(import(&app, &op, "schools.csv", DIRECTORY.as_bytes()).await.status, StatusCode::OK);
    // Teacher registration of the first opens in 30 days; of the second it closed 20 days ago.
    let future = create_campaign(&app, &op, &campaign_form("Келесі жыл", 31 * DAY, false)).await.json().as_i64().unwrap();
    let past = create_campaign(&app, &op, &campaign_form("Өткен жыл", -31 * DAY, false)).await.json().as_i64().unwrap();
    let anon = app.client();
    assert_eq!(app.call(&anon, "/api/olympiad/registration/open", &[]).await.json(), serde_json::json!([]));
    let abai = school(&app, "AK-001").await.to_string();
    // Not even the school search answers outside registration.
    let found = app.call(&anon, "/api/olympiad/schools", &[("campaign_id", &future.to_string()), ("query", "мектеп")]).await;
    assert_eq!(found.json(), serde_json::json!([]));
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let r = register(&app, &anon, future, &iin("90010130001"), "t@mail.kz", &abai).await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyRegistrationNotOpen")]));
    let r = register(&app, &anon, past, &iin("90010130001"), "t@mail.kz", &abai).await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyRegistrationClosed")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 0);
}

/// A confirmed olympiad teacher of the school with `code`, made directly in the database.
async fn confirmed_teacher(app: &TestApp, login: &str, campaign: i64, code: &str) -> reqwest::Client {
    let school = school(app, code).await;
    let user = app.make_user(login, PW, Some((Role::OlympiadTeacher, school))).await;
    sqlx::query("INSERT INTO olympiad_teachers (campaign_id, user_id, school_id, created_at, confirmed_at) VALUES ($1, $2, $3, 0, 0)")
        .bind(campaign)
        .bind(user)
        .bind(school)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.signed_in(login, PW).await
}

async fn add_pupil(app: &TestApp, c: &reqwest::Client, campaign: i64, iin: &str, grade: &str, language: &str) -> common::Response {
    app.call(
        c,
        "/api/olympiad/participant/add",
        &[
            ("campaign_id", &campaign.to_string()),
            ("iin", iin),
            ("full_name", "Әлия Нұрланқызы"),
            ("grade", grade),
            ("language", language),
            ("consent", "on"),
        ],
    )
    .await
}

async fn import_pupils(app: &TestApp, c: &reqwest::Client, campaign: i64, csv: &str) -> common::Response {
    import_pupils_with(app, c, campaign, csv, &[("consent", "on")]).await
}

/// The list import with the form's checkboxes as given (`consent`, `proctoring`).
async fn import_pupils_with(app: &TestApp, c: &reqwest::Client, campaign: i64, csv: &str, ticked: &[(&str, &str)]) -> common::Response {
    let mut form = reqwest::multipart::Form::new().text("campaign_id", campaign.to_string());
    for (name, value) in ticked {
        form = form.text(name.to_string(), value.to_string());
    }
    let form = form.part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("pupils.csv"));
    app.multipart(c, "/api/olympiad/participant/import", form).await
}

async fn a_teacher_registers_pupils_one_by_one_and_from_a_list(b: Backend) {
    let app = spawn_app(b).await;
    let campaign = open_campaign(&app).await; // grades 5-9; participants from day 2
    let teacher = confirmed_teacher(&app, "teacher", campaign, "AK-001").await; // a Kazakh-only school
    let aliya = iin("06031560030");
    // Participant registration has not opened yet.
    let r = add_pupil(&app, &teacher, campaign, &aliya, "6", "kk").await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyRegistrationNotOpen")]));
    sqlx::query("UPDATE olympiad_campaigns SET participant_reg_opens = $1")
        .bind(app::api::now_ms() - DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();

    let r = add_pupil(&app, &teacher, campaign, &aliya, "6", "kk").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let abai = school(&app, "AK-001").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users u JOIN role_assignments g ON g.user_id = u.id WHERE g.role = 'olympiad_participant'").await,
        1
    );
    let pupil_school: i64 = sqlx::query_scalar("SELECT school_id FROM olympiad_participants").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(pupil_school, abai);
    // The same IIN again, a grade outside the campaign, a language the school does not teach.
    let participants = || app.count("SELECT COUNT(*) FROM olympiad_participants");
    let r = add_pupil(&app, &teacher, campaign, &aliya, "7", "kk").await;
    assert_eq!(r.field_errors(), pairs(&[("iin", "ErrOlyIinInCampaign")]));
    let r = add_pupil(&app, &teacher, campaign, &iin("07021560011"), "10", "ru").await;
    assert_eq!(r.field_errors(), pairs(&[("grade", "ErrOlyGradeOutsideCampaign"), ("language", "ErrOlyLanguageNotAtSchool")]));
    assert_eq!(participants().await, 1);

    // A list with a broken row registers nobody; nor does one with an IIN already registered.
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    let broken = format!("ЖСН;Аты-жөні;Сынып;Тілі\n{};Ерлан;5;kk\n123;;5;kk\n", iin("07021560011"));
    let r = import_pupils(&app, &teacher, campaign, &broken).await;
    assert_eq!(r.field_errors(), pairs(&[("row.3.iin", "ErrIinLength"), ("row.3.full_name", "ErrRequired")]));
    let taken = format!("{};Ерлан;5;kk\n{};Әлия;6;kk\n", iin("07021560011"), aliya);
    let r = import_pupils(&app, &teacher, campaign, &taken).await;
    assert_eq!(r.field_errors(), pairs(&[("row.2.iin", "ErrOlyIinInCampaign")]));
    assert_eq!(participants().await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE iin IS NOT NULL").await, 1, "the good row's account was rolled back too");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);

    let good = format!("{};Ерлан Асқарұлы;5;қазақ\n{};Дана Болатқызы;9;kk\n", iin("07021560011"), iin("08110150022"));
    let r = import_pupils(&app, &teacher, campaign, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_i64(), Some(2));
    assert_eq!(participants().await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.participant.import'").await, 1);
    let mine = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    let names: Vec<&str> = mine[0]["participants"].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Ерлан Асқарұлы", "Әлия Нұрланқызы", "Дана Болатқызы"]);

    // A teacher of another school, not registered for this campaign, registers nobody here.
    let stranger = confirmed_teacher(&app, "stranger", campaign, "AB-7").await;
    sqlx::query("DELETE FROM olympiad_teachers WHERE user_id = (SELECT id FROM users WHERE login = 'stranger')")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = add_pupil(&app, &stranger, campaign, &iin("09050560033"), "6", "kk").await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyNotYourCampaign")]));
    // An operator is not a teacher.
    let op = app.signed_in("operator", PW).await;
    assert_eq!(add_pupil(&app, &op, campaign, &iin("09050560033"), "6", "kk").await.status, StatusCode::FORBIDDEN);
    assert_eq!(participants().await, 3);
}

/// Posts the card form as the page does; (status, body bytes).
async fn print_cards(app: &TestApp, c: &reqwest::Client, form: &[(&str, String)]) -> (StatusCode, Vec<u8>) {
    let r = c.post(format!("{}/export/olympiad/cards", app.base)).form(form).send().await.expect("request");
    let status = r.status();
    (status, r.bytes().await.unwrap_or_default().to_vec())
}

/// The six-digit code printed on the only card of a PDF.
fn code_on_card(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    assert_eq!(doc.get_pages().len(), 1);
    let text = doc.extract_text(&[1]).unwrap();
    let codes: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|s| s.len() == 6).collect();
    assert_eq!(codes.len(), 1, "one code on the card: {text}");
    codes[0].to_string()
}

async fn a_registration_card_lets_the_pupil_set_a_password(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    let aliya = iin("06031560030");
    let id = add_pupil(&app, &teacher, campaign, &aliya, "6", "kk").await.json().as_i64().unwrap();
    add_pupil(&app, &teacher, campaign, &iin("07021560011"), "5", "kk").await;
    let one = [("campaign_id", campaign.to_string()), ("participant_id", id.to_string())];

    // Only the pupil's teachers print cards.
    assert_eq!(print_cards(&app, &app.client(), &one).await.0, StatusCode::UNAUTHORIZED);
    let op = app.signed_in("operator", PW).await;
    assert_eq!(print_cards(&app, &op, &one).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM verification_codes").await, 0);

    // All the school's pupils: one card each.
    let (status, all) = print_cards(&app, &teacher, &[("campaign_id", campaign.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let doc = lopdf::Document::load_mem(&all).expect("a PDF");
    assert_eq!(doc.get_pages().len(), 2);
    assert!(doc.extract_text(&[1, 2]).unwrap().contains(&aliya));

    // Printing again issues a new code; the one printed before stops working.
    let (_, first) = print_cards(&app, &teacher, &one).await;
    let (_, second) = print_cards(&app, &teacher, &one).await;
    let (old, new) = (code_on_card(&first), code_on_card(&second));
    let anon = app.client();
    let pupil_password = "Jaqsy-oqushy-2027";
    let first_sign_in = |code: String| {
        let (app, anon, aliya) = (&app, anon.clone(), aliya.clone());
        async move {
            app.call(
                &anon,
                "/api/olympiad/first-sign-in",
                &[("login", aliya.as_str()), ("code", code.as_str()), ("new_password", pupil_password)],
            )
            .await
        }
    };
    if old != new {
        assert_eq!(first_sign_in(old).await.field_errors(), pairs(&[("code", "ErrWrongCode")]));
    }
    // A card's code is not a password-reset code: the reset form refuses it and does not burn it.
    let r = app
        .call(&anon, "/api/auth/reset/confirm", &[("contact", aliya.as_str()), ("code", new.as_str()), ("new_password", pupil_password)])
        .await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrWrongCode")]));
    let r = first_sign_in(new.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pupil = app.signed_in(&aliya, pupil_password).await;
    let me = app.call(&pupil, "/api/auth/me", &[]).await.json();
    assert_eq!(me["grants"][0]["role"], "OlympiadParticipant");
    // The account is the pupil's now: a card printed again carries no code, and no code works.
    let (status, again) = print_cards(&app, &teacher, &one).await;
    assert_eq!(status, StatusCode::OK);
    let text = lopdf::Document::load_mem(&again).unwrap().extract_text(&[1]).unwrap();
    assert!(!text.split(|c: char| !c.is_ascii_digit()).any(|s| s.len() == 6), "no code on the card: {text}");
    assert_eq!(first_sign_in(new).await.field_errors(), pairs(&[("code", "ErrWrongCode")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.cards.issue'").await, 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.first_sign_in'").await, 1);
}

/// Issue 14, item 1: a teacher registering a pupil with the IIN of an account that already
/// exists (another teacher's, whose login is their IIN) gets nothing over it: the registration
/// is refused at the IIN, and a registration that linked such an account before the fix
/// prints a card without a code. No code of any kind is made for the account.
async fn registering_someone_elses_iin_grants_no_credential_over_their_account(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    // The victim: a teacher who signs in with their IIN (the olympiad's own registration makes
    // such logins), and an older account that has the IIN in its `iin` column only.
    let victim_iin = iin("85070540987");
    let victim = app.make_user(&victim_iin, PW, None).await;
    let other_iin = iin("06031560030");
    let other = app.make_user("older.account", PW, None).await;
    sqlx::query("UPDATE users SET iin = $1 WHERE id = $2").bind(&other_iin).bind(other).execute(&app.db.pool).await.unwrap();
    for taken in [&victim_iin, &other_iin] {
        let r = add_pupil(&app, &teacher, campaign, taken, "6", "kk").await;
        assert_eq!(r.field_errors(), pairs(&[("iin", "ErrOlyIinHasAccount")]), "{taken}");
        let r = import_pupils(&app, &teacher, campaign, &format!("{taken};Әлия;6;kk\n")).await;
        assert_eq!(r.field_errors(), pairs(&[("row.1.iin", "ErrOlyIinHasAccount")]), "{taken}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM role_assignments WHERE role = 'olympiad_participant'").await, 0);

    // A registration that linked the victim's account before the fix (recording the IIN on
    // it, as that code did): its card carries no code.
    sqlx::query("UPDATE users SET iin = login WHERE id = $1").bind(victim).execute(&app.db.pool).await.unwrap();
    let abai = school(&app, "AK-001").await;
    let linked: i64 = sqlx::query_scalar(
        "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at)
         VALUES ($1, $2, $3, $2, 6, 'kk', 0) RETURNING id",
    )
    .bind(campaign)
    .bind(victim)
    .bind(abai)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (status, pdf) = print_cards(&app, &teacher, &[("campaign_id", campaign.to_string()), ("participant_id", linked.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let text = lopdf::Document::load_mem(&pdf).unwrap().extract_text(&[1]).unwrap();
    assert!(!text.split(|c: char| !c.is_ascii_digit()).any(|s| s.len() == 6), "no code on the card: {text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM verification_codes").await, 0);
    // Nor does the first sign-in take the victim's login with any code.
    let anon = app.client();
    let r = app
        .call(
            &anon,
            "/api/olympiad/first-sign-in",
            &[("login", victim_iin.as_str()), ("code", "123456"), ("new_password", "Taken-over-2027")],
        )
        .await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrWrongCode")]));
    // The victim still signs in with their own password.
    app.signed_in(&victim_iin, PW).await;
}

// ---------------------------------------------------------------------------------------------
// Results, winners, certificates (OLY-5..7)

backends!(
    a_results_import_previews_then_applies_all_or_nothing,
    exporting_and_importing_the_export_changes_nothing,
    winners_are_ranked_with_ties_at_the_quota_and_annulled_results_never_win,
    certificates_are_issued_once_and_verified_publicly
);

/// The `n`th valid IIN of a girl born 15.03.2006 (distinct for each n).
fn pupil_iin(n: usize) -> String {
    (0..10_000)
        .filter_map(|k| {
            let first: String = format!("0603156{k:04}");
            let d: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
            let mut a = [0u8; 11];
            a.copy_from_slice(&d);
            app::auth::iin::check_digit(&a).map(|c| format!("{first}{c}"))
        })
        .nth(n)
        .unwrap()
}

/// A participant registered directly in the database: (participant id, user id).
async fn pupil(app: &TestApp, campaign: i64, code: &str, iin: &str, name: &str, grade: i64, language: &str) -> (i64, i64) {
    let school = school(app, code).await;
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (login, iin, full_name, password_hash, locale, active, created_at) VALUES ($1, $1, $2, '!', $3, 1, 0) RETURNING id",
    )
    .bind(iin)
    .bind(name)
    .bind(language)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at)
         VALUES ($1, $2, $3, $2, $4, $5, 0) RETURNING id",
    )
    .bind(campaign)
    .bind(user)
    .bind(school)
    .bind(grade)
    .bind(language)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    (id, user)
}

/// The operator, a campaign (subjects Математика and Қазақ тілі) and pupils: in Ақмола
/// облысы Әлия (AK-001), Бекзат (AK-002) and Ерлан (AK-001); in Абай облысы Дана and Фарида
/// (AB-7), all in grade 6; Гүлнар in grade 7 in Астана. Returns (operator, campaign, IINs).
async fn results_campaign(app: &TestApp) -> (reqwest::Client, i64, Vec<String>) {
    let op = operator(app).await;
    assert_eq!(import(app, &op, "schools.csv", DIRECTORY.as_bytes()).await.status, StatusCode::OK);
    let r = create_campaign(app, &op, &campaign_form("Мың бала 2027", 0, false)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let campaign = r.json().as_i64().unwrap();
    let pupils = [
        ("AK-001", "Әлия Нұрланқызы", 6, "kk"),
        ("AK-002", "Бекзат Ерболұлы", 6, "ru"),
        ("AK-001", "Ерлан Асқарұлы", 6, "kk"),
        ("AB-7", "Дана Болатқызы", 6, "kk"),
        ("AB-7", "Фарида Серікқызы", 6, "ru"),
        ("AST-1", "Гүлнар Маратқызы", 7, "ru"),
    ];
    let mut iins = Vec::new();
    for (i, (code, name, grade, language)) in pupils.into_iter().enumerate() {
        let iin = pupil_iin(i);
        pupil(app, campaign, code, &iin, name, grade, language).await;
        iins.push(iin);
    }
    (op, campaign, iins)
}

/// A results CSV: a header, then (IIN, subject, score, violations, time in s, annulled) rows.
fn results_csv(rows: &[(&str, &str, &str, &str, &str, &str)]) -> String {
    let mut out = "ИИН;ФИО;Область;Школа;Класс;Предмет;Балл;Нарушения;Время;Аннулирован\n".to_string();
    for (iin, subject, score, violations, time, annulled) in rows {
        out.push_str(&format!("{iin};;;;;{subject};{score};{violations};{time};{annulled}\n"));
    }
    out
}

async fn import_results(app: &TestApp, c: &reqwest::Client, campaign: i64, name: &str, bytes: Vec<u8>, dry_run: bool) -> common::Response {
    let form = reqwest::multipart::Form::new()
        .text("campaign_id", campaign.to_string())
        .text("dry_run", dry_run.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    app.multipart(c, "/api/olympiad/results/import", form).await
}

/// Every stored result: (IIN, subject, score, violations, time, annulled, source).
/// Sorted in Rust: the two backends collate Cyrillic differently.
async fn stored_results(app: &TestApp) -> Vec<(String, String, i64, i64, i64, i64, String)> {
    let mut rows: Vec<(String, String, i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT u.iin, r.subject, r.score, r.violations, r.time_used_ms, r.annulled, r.source FROM olympiad_results r
         JOIN olympiad_participants op ON op.id = r.participant_id JOIN users u ON u.id = op.user_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.sort();
    rows
}

async fn a_results_import_previews_then_applies_all_or_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    let audit = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.results.import'");
    let file = results_csv(&[
        (&iins[0], "Математика", "45,5", "0", "1800", ""),
        (&iins[1], "математика", "40", "1", "1750,25", "0"),
        (&iins[1], "Қазақ тілі", "", "", "", ""),
    ]);

    // A preview writes nothing and says what applying would do.
    let r = import_results(&app, &op, campaign, "results.csv", file.clone().into_bytes(), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!((report["dry_run"].as_bool(), report["added"].as_i64(), report["changed"].as_i64()), (Some(true), Some(2), Some(0)));
    assert_eq!(report["changes"][1]["row"].as_i64(), Some(3));
    assert_eq!(report["changes"][1]["before"], serde_json::Value::Null);
    assert_eq!(
        report["changes"][1]["after"],
        serde_json::json!({ "score": 4000, "violations": 1, "time_used_ms": 1_750_250, "annulled": false })
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_results").await, 0);
    assert_eq!(audit().await, 0);

    // Applied: both rows in, from the import, with one audit row.
    let r = import_results(&app, &op, campaign, "results.csv", file.into_bytes(), false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["dry_run"].as_bool(), r.json()["added"].as_i64()), (Some(false), Some(2)));
    let stored = stored_results(&app).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1], (iins[1].clone(), "Математика".into(), 4000, 1, 1_750_250, 0, "import".into()));
    assert_eq!(audit().await, 1);

    // A correction: the preview shows old -> new score and the annulment, and writes nothing.
    let correction = results_csv(&[(&iins[0], "Математика", "47", "0", "1800", ""), (&iins[1], "Математика", "40", "1", "1750,25", "иә")]);
    let r = import_results(&app, &op, campaign, "fix.csv", correction.into_bytes(), true).await;
    let report = r.json();
    assert_eq!((report["added"].as_i64(), report["changed"].as_i64(), report["unchanged"].as_i64()), (Some(0), Some(2), Some(0)));
    assert_eq!(
        (report["changes"][0]["before"]["score"].as_i64(), report["changes"][0]["after"]["score"].as_i64()),
        (Some(4550), Some(4700))
    );
    assert_eq!(
        (report["changes"][1]["before"]["annulled"].as_bool(), report["changes"][1]["after"]["annulled"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(stored_results(&app).await, stored);

    // Broken rows: each with its row number and column, and nothing written.
    let stranger = pupil_iin(20);
    sqlx::query(
        "INSERT INTO users (login, iin, full_name, password_hash, locale, active, created_at) VALUES ($1, $1, 'Бөгде', '!', 'kk', 1, 0)",
    )
    .bind(&stranger)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let broken = results_csv(&[
        (&iins[0], "Математика", "50", "0", "1800", ""),  // a good row: not written either
        (&pupil_iin(21), "Математика", "10", "", "", ""), // nobody has this IIN
        (&stranger, "Математика", "10", "", "", ""),      // a person, but not in this campaign
        (&iins[2], "Физика", "10", "", "", ""),
        (&iins[3], "Математика", "он", "", "", ""),
        (&iins[4], "Математика", "-2", "", "", ""),
        (&iins[0], "МАТЕМАТИКА", "51", "", "", ""),
    ]);
    let r = import_results(&app, &op, campaign, "broken.csv", broken.clone().into_bytes(), false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The file's own mistakes first; the IINs are checked against the database only after.
    assert_eq!(
        r.field_errors(),
        pairs(&[
            ("row.5.subject", "ErrOlyUnknownSubject"),
            ("row.6.score", "ErrOlyScoreNotNumber"),
            ("row.7.score", "ErrOlyScoreNegative"),
            ("row.8.iin", "ErrOlyResultRepeated"),
        ])
    );
    let fixed: String = broken.lines().enumerate().filter(|(i, _)| ![4, 5, 6, 7].contains(i)).map(|(_, l)| format!("{l}\n")).collect();
    let r = import_results(&app, &op, campaign, "broken.csv", fixed.into_bytes(), false).await;
    assert_eq!(r.field_errors(), pairs(&[("row.3.iin", "ErrOlyUnknownIin"), ("row.4.iin", "ErrOlyNotInCampaign")]));
    assert_eq!(stored_results(&app).await, stored);
    assert_eq!(audit().await, 1);

    // Not an operator: refused.
    let school = school(&app, "AK-001").await;
    app.make_user("teacher", PW, Some((Role::OlympiadTeacher, school))).await;
    let teacher = app.signed_in("teacher", PW).await;
    let r = import_results(&app, &teacher, campaign, "results.csv", results_csv(&[]).into_bytes(), false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn download(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, Vec<u8>) {
    let r = c.get(format!("{}{path}", app.base)).send().await.expect("request");
    let status = r.status();
    (status, r.bytes().await.unwrap_or_default().to_vec())
}

async fn exporting_and_importing_the_export_changes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    let file = results_csv(&[
        (&iins[0], "Математика", "45,57", "2", "1834,567", ""),
        (&iins[1], "Математика", "40", "0", "1800", "1"),
        (&iins[3], "Қазақ тілі", "0", "0", "0", "0"),
        (&iins[5], "Қазақ тілі", "99,99", "0", "60,001", "0"),
    ]);
    assert_eq!(import_results(&app, &op, campaign, "r.csv", file.into_bytes(), false).await.status, StatusCode::OK);
    let r =
        app.call(&op, "/api/olympiad/winners/compute", &[("campaign_id", &campaign.to_string()), ("rule", "quota"), ("value", "2")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let before = stored_results(&app).await;
    let places = || {
        sqlx::query_as::<_, (Option<i64>, Option<i64>, i64)>("SELECT place, region_place, winner FROM olympiad_results ORDER BY id")
            .fetch_all(&app.db.pool)
    };
    let places_before = places().await.unwrap();
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;

    for ext in ["xlsx", "csv"] {
        let path = format!("/export/olympiad/results/{campaign}.{ext}");
        assert_eq!(download(&app, &app.client(), &path).await.0, StatusCode::UNAUTHORIZED);
        let (status, bytes) = download(&app, &op, &path).await;
        assert_eq!(status, StatusCode::OK);
        if ext == "csv" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            // Every participant for every subject, and a header.
            assert_eq!(text.lines().count(), 6 * 2 + 1, "{text}");
            assert!(
                text.contains(&format!("{};Әлия Нұрланқызы;Ақмола облысы;Абай атындағы мектеп;6;Математика;45,57;2;1834,567;0;", iins[0])),
                "{text}"
            );
        }
        let r = import_results(&app, &op, campaign, &format!("export.{ext}"), bytes, false).await;
        assert_eq!(r.status, StatusCode::OK, "{ext}: {}", r.body);
        let report = r.json();
        assert_eq!(
            (report["rows"].as_i64(), report["added"].as_i64(), report["changed"].as_i64(), report["unchanged"].as_i64()),
            (Some(4), Some(0), Some(0), Some(4)),
            "{ext}"
        );
    }
    assert_eq!(stored_results(&app).await, before);
    assert_eq!(places().await.unwrap(), places_before);
    // Nothing changed, nothing audited; only each file taken, with every participant's IIN in
    // it, is in the personal-data access log (issue 21): one row a file, about the campaign.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action <> 'personal_data.view'").await,
        audit,
        "nothing changed, nothing audited"
    );
    let files: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT entity, entity_id, after_json FROM audit_log WHERE action = 'personal_data.view' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let file_row =
        ("olympiad_campaign".to_string(), campaign.to_string(), Some(serde_json::json!({ "seen": "iin_export", "people": 6 }).to_string()));
    assert_eq!(files, vec![file_row.clone(), file_row]);
    // A teacher cannot download the results.
    let school = school(&app, "AK-001").await;
    app.make_user("teacher", PW, Some((Role::OlympiadTeacher, school))).await;
    let teacher = app.signed_in("teacher", PW).await;
    assert_eq!(download(&app, &teacher, &format!("/export/olympiad/results/{campaign}.csv")).await.0, StatusCode::FORBIDDEN);
}

/// (name, subject, place, region place, winner) of every result: by subject, then place (no
/// place first), then name (sorted in Rust: the backends collate Cyrillic differently).
async fn standings(app: &TestApp) -> Vec<(String, String, Option<i64>, Option<i64>, i64)> {
    let mut rows: Vec<(String, String, Option<i64>, Option<i64>, i64)> = sqlx::query_as(
        "SELECT u.full_name, r.subject, r.place, r.region_place, r.winner FROM olympiad_results r
         JOIN olympiad_participants op ON op.id = r.participant_id JOIN users u ON u.id = op.user_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.sort_by(|a, b| (&a.1, a.2.unwrap_or(0), &a.0).cmp(&(&b.1, b.2.unwrap_or(0), &b.0)));
    rows
}

fn row(
    name: &str,
    subject: &str,
    place: Option<i64>,
    region_place: Option<i64>,
    winner: bool,
) -> (String, String, Option<i64>, Option<i64>, i64) {
    (name.into(), subject.into(), place, region_place, i64::from(winner))
}

async fn compute(app: &TestApp, c: &reqwest::Client, campaign: i64, rule: &str, value: &str) -> common::Response {
    app.call(c, "/api/olympiad/winners/compute", &[("campaign_id", &campaign.to_string()), ("rule", rule), ("value", value)]).await
}

async fn winners_are_ranked_with_ties_at_the_quota_and_annulled_results_never_win(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    // Grade 6, mathematics. Ақмола: Әлия and Бекзат tie (same score, violations and time),
    // Ерлан is behind them. Абай: Фарида has the best score of all but is annulled; Дана is
    // the region's best valid result.
    let file = results_csv(&[
        (&iins[0], "Математика", "80", "0", "1800", ""),
        (&iins[1], "Математика", "80", "0", "1800", ""),
        (&iins[2], "Математика", "70", "0", "1800", ""),
        (&iins[3], "Математика", "50", "0", "1800", ""),
        (&iins[4], "Математика", "99", "0", "1800", "1"),
    ]);
    assert_eq!(import_results(&app, &op, campaign, "r.csv", file.into_bytes(), false).await.status, StatusCode::OK);

    // Bad rules are refused at their field.
    assert_eq!(compute(&app, &op, campaign, "quota", "0").await.field_errors(), pairs(&[("value", "ErrOlyQuota")]));
    assert_eq!(compute(&app, &op, campaign, "lottery", "1").await.field_errors(), pairs(&[("rule", "ErrOlyRuleKind")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_winner_rules").await, 0);

    // One per region: the tie at the boundary takes both from Ақмола; Абай's winner is Дана.
    let r = compute(&app, &op, campaign, "quota", "1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["ranked"].as_i64(), r.json()["winners"].as_i64(), r.json()["annulled"].as_i64()), (Some(4), Some(3), Some(1)));
    let expected = vec![
        row("Фарида Серікқызы", "Математика", None, None, false),
        row("Бекзат Ерболұлы", "Математика", Some(1), Some(1), true),
        row("Әлия Нұрланқызы", "Математика", Some(1), Some(1), true),
        row("Ерлан Асқарұлы", "Математика", Some(3), Some(3), false),
        row("Дана Болатқызы", "Математика", Some(4), Some(1), true),
    ];
    assert_eq!(standings(&app).await, expected);
    // Computing again gives the same.
    assert_eq!(compute(&app, &op, campaign, "quota", "1").await.status, StatusCode::OK);
    assert_eq!(standings(&app).await, expected);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.winners.compute'").await, 2);

    // A threshold: 70 and above wins; the annulled 99 still does not.
    assert_eq!(compute(&app, &op, campaign, "threshold", "70").await.status, StatusCode::OK);
    let winners: Vec<String> = standings(&app).await.into_iter().filter(|r| r.4 == 1).map(|r| r.0).collect();
    assert_eq!(winners, vec!["Бекзат Ерболұлы", "Әлия Нұрланқызы", "Ерлан Асқарұлы"]);

    // Nothing is public before publishing.
    let anon = app.client();
    assert_eq!(app.call(&anon, "/api/olympiad/winners", &[("query", "")]).await.json(), serde_json::json!([]));
    let r = app.call(&op, "/api/olympiad/results/publish", &[("campaign_id", &campaign.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let public = app.call(&anon, "/api/olympiad/winners", &[("query", "")]).await;
    let json = public.json();
    let mut names: Vec<&str> = json[0]["winners"].as_array().unwrap().iter().map(|w| w["full_name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, vec!["Бекзат Ерболұлы", "Ерлан Асқарұлы", "Әлия Нұрланқызы"]);
    assert!(iins.iter().all(|iin| !public.body.contains(iin.as_str())), "no IIN on the public list");
    // The search looks at name, school and region, case ignored.
    let found = app.call(&anon, "/api/olympiad/winners", &[("query", "  бурабай ҚАЛАЛЫҚ ")]).await.json();
    let names: Vec<&str> = found[0]["winners"].as_array().unwrap().iter().map(|w| w["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Бекзат Ерболұлы"]);
    // The public page itself answers without signing in.
    let page = app.get(&anon, "/olympiad/winners").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Ерлан Асқарұлы") && page.body.contains("Бурабай қалалық мектебі"), "{}", page.body);
    assert!(iins.iter().all(|iin| !page.body.contains(iin.as_str())), "no IIN on the public page");

    // Annulling a winner after publication (an appeal lost): the import ranks again, and the
    // annulled result loses its place and its win at once.
    let annul = results_csv(&[(&iins[0], "Математика", "80", "0", "1800", "1")]);
    let r = import_results(&app, &op, campaign, "annul.csv", annul.into_bytes(), false).await;
    assert_eq!(r.json()["reranked"].as_bool(), Some(true), "{}", r.body);
    let standing = standings(&app).await;
    assert!(standing.contains(&row("Әлия Нұрланқызы", "Математика", None, None, false)), "{standing:?}");
    assert!(standing.contains(&row("Бекзат Ерболұлы", "Математика", Some(1), Some(1), true)), "{standing:?}");
    let public = app.call(&anon, "/api/olympiad/winners", &[("query", "")]).await.json();
    assert_eq!(public[0]["winners"].as_array().map(Vec::len), Some(2));
}

async fn certificates_are_issued_once_and_verified_publicly(b: Backend) {
    let app = spawn_app_configured(b, |c| c.public_url = "https://talap.example.kz".into()).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    let file = results_csv(&[
        (&iins[0], "Математика", "80", "0", "1800", ""),
        (&iins[0], "Қазақ тілі", "75", "0", "1800", ""),
        (&iins[1], "Математика", "60", "0", "1800", ""),
        (&iins[3], "Математика", "90", "0", "1800", "1"),
        (&iins[5], "Математика", "30", "0", "1800", ""),
    ]);
    assert_eq!(import_results(&app, &op, campaign, "r.csv", file.into_bytes(), false).await.status, StatusCode::OK);
    let id = campaign.to_string();
    let form = [("campaign_id", id.as_str())];
    let issue = || app.call(&op, "/api/olympiad/certificates/issue", &form);
    // Not before the results are published (nor before winners are computed).
    assert_eq!(issue().await.json(), serde_json::json!({ "Refused": "ErrOlyPublishFirst" }));
    let r = app.call(&op, "/api/olympiad/results/publish", &[("campaign_id", &campaign.to_string())]).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrOlyRankFirst" }));
    assert_eq!(compute(&app, &op, campaign, "threshold", "70").await.status, StatusCode::OK);
    assert_eq!(app.call(&op, "/api/olympiad/results/publish", &[("campaign_id", &campaign.to_string())]).await.status, StatusCode::OK);

    // Participation: Әлия, Бекзат, Гүлнар (Дана's only result is annulled); winners: Әлия twice.
    let r = issue().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "participation": 3, "winner": 2 }));
    let again = issue().await;
    assert_eq!(again.json(), serde_json::json!({ "participation": 0, "winner": 0 }));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_certificates").await, 5);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_certificates WHERE number LIKE 'pending-%'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.certificates.issue'").await, 1);
    let standing = app.call(&op, "/api/olympiad/results/standing", &[("campaign_id", &campaign.to_string())]).await.json();
    assert_eq!((standing["certificates"].as_i64(), standing["winners"].as_i64()), (Some(5), Some(2)));

    // Anyone can check a number; an unknown one is "not found".
    let number: String = sqlx::query_scalar(
        "SELECT x.number FROM olympiad_certificates x JOIN olympiad_participants op ON op.id = x.participant_id
         JOIN users u ON u.id = op.user_id WHERE u.iin = $1 AND x.kind = 'winner' AND x.subject = 'Қазақ тілі'",
    )
    .bind(&iins[0])
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let anon = app.client();
    let v = app.call(&anon, "/api/olympiad/certificate/verify", &[("number", &number.to_lowercase())]).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    let v = v.json();
    assert_eq!(
        (v["full_name"].as_str(), v["campaign"].as_str(), v["kind"].as_str(), v["subject"].as_str()),
        (Some("Әлия Нұрланқызы"), Some("Мың бала 2027"), Some("Winner"), Some("Қазақ тілі"))
    );
    assert!(!v.to_string().contains(&iins[0]));
    let unknown = format!("{}-999999-ZZZZZZ", &number[..4]);
    let r = app.call(&anon, "/api/olympiad/certificate/verify", &[("number", &unknown)]).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, serde_json::Value::Null), "an unknown number is an answer: none");
    // The page a QR code opens confirms it, or says in the visitor's language that no
    // certificate has the number.
    let page = app.get(&anon, &format!("/olympiad/certificate/{number}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Әлия Нұрланқызы") && page.body.contains("certificate-valid"), "{}", page.body);
    let page = app.get(&anon, &format!("/olympiad/certificate/{unknown}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let says = app::i18n::Msg::OlyCertUnknown.text(app::i18n::Locale::Kk).replace("{number}", &unknown);
    assert!(page.body.contains(&says), "{}", page.body);
    let ru = anon.get(format!("{}/olympiad/certificate/{unknown}", app.base)).header("accept-language", "ru").send().await.unwrap();
    let says = app::i18n::Msg::OlyCertUnknown.text(app::i18n::Locale::Ru).replace("{number}", &unknown);
    assert!(ru.text().await.unwrap().contains(&says));
    let pdf_path = format!("/export/olympiad/certificate/{number}.pdf");

    // The holder downloads their own certificate; another pupil cannot; the operator can.
    let hash = app::auth::ssr::hash_password(PW).await.unwrap();
    sqlx::query("UPDATE users SET password_hash = $1 WHERE iin IN ($2, $3)")
        .bind(&hash)
        .bind(&iins[0])
        .bind(&iins[1])
        .execute(&app.db.pool)
        .await
        .unwrap();
    let holder = app.signed_in(&iins[0], PW).await;
    let other = app.signed_in(&iins[1], PW).await;
    assert_eq!(download(&app, &anon, &pdf_path).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(download(&app, &other, &pdf_path).await.0, StatusCode::FORBIDDEN);
    assert_eq!(download(&app, &op, &pdf_path).await.0, StatusCode::OK);
    // The operator's look-up form sends the number as typed.
    let (status, by_query) = download(&app, &op, &format!("/export/olympiad/certificate.pdf?number=%20{}", number.to_lowercase())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(by_query.starts_with(b"%PDF"));
    assert_eq!(download(&app, &op, &format!("/export/olympiad/certificate.pdf?number={unknown}")).await.0, StatusCode::NOT_FOUND);
    let (status, pdf) = download(&app, &holder, &pdf_path).await;
    assert_eq!(status, StatusCode::OK);
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
    let text = doc.extract_text(&[1]).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("https://talap.example.kz/olympiad/certificate/"), "{text}");
    // Әлия sits her papers in Kazakh: the certificate is in Kazakh.
    assert!(text.to_uppercase().contains("ДИПЛОМ") && text.contains("Нөмірі"), "{text}");
    let mine = app.call(&holder, "/api/olympiad/certificates/mine", &[]).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(3));
    assert_eq!(app.call(&other, "/api/olympiad/certificates/mine", &[]).await.json().as_array().map(Vec::len), Some(1));
}

// ---------------------------------------------------------------------------------------------
// Stage 1: the proctored sitting on the exam engine (OLY-3)

backends!(stage_one_is_sat_per_variant_and_closing_the_window_collects_the_results);

/// The region organisation of a name.
async fn region(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM organisations WHERE kind = 'region' AND name = $1").bind(name).fetch_one(&app.db.pool).await.unwrap()
}

/// Lets a pupil registered in the database sign in with PW (their login is their IIN).
async fn pupil_client(app: &TestApp, iin: &str) -> reqwest::Client {
    sqlx::query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE login = 'operator') WHERE login = $1")
        .bind(iin)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.signed_in(iin, PW).await
}

async fn set_window(app: &TestApp, c: &reqwest::Client, campaign: i64, region: i64, from_min: i64, to_min: i64) -> common::Response {
    let at = |m: i64| format_local_input(app::api::now_ms() + m * 60_000);
    app.call(
        c,
        "/api/olympiad/campaign/window",
        &[
            ("campaign_id", &campaign.to_string()),
            ("region_id", &region.to_string()),
            ("opens_at", &at(from_min)),
            ("closes_at", &at(to_min)),
        ],
    )
    .await
}

/// The candidate's exams: (exam id, title).
async fn sitting(app: &TestApp, c: &reqwest::Client) -> Vec<(i64, String)> {
    let r = app.call(c, "/api/exam/overview", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut out: Vec<(i64, String)> = r.json()["sitting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_i64().unwrap(), e["title"].as_str().unwrap().to_string()))
        .collect();
    out.sort();
    out
}

/// Answers every question of the attempt's paper: right for the first `right`, wrong after.
async fn answer(app: &TestApp, c: &reqwest::Client, attempt: i64, right: usize) {
    let paper = app.call(c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (i, q) in paper["questions"].as_array().unwrap().iter().enumerate() {
        let wanted = if i < right { "4" } else { "5" };
        let opt = q["options"].as_array().unwrap().iter().find(|o| o[1] == wanted).unwrap();
        let r = app
            .call(
                c,
                "/api/exam/answer",
                &[
                    ("attempt_id", &attempt.to_string()),
                    ("question_id", &q["question_id"].as_i64().unwrap().to_string()),
                    ("answer", &format!("{{\"Choice\":[{}]}}", opt[0])),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

async fn stage_one_is_sat_per_variant_and_closing_the_window_collects_the_results(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    // Registration is over: the stage can open now.
    let now = app::api::now_ms();
    sqlx::query("UPDATE olympiad_campaigns SET participant_reg_opens = $1, participant_reg_closes = $2")
        .bind(now - 3 * DAY)
        .bind(now - DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let akmola = region(&app, "Ақмола облысы").await;
    let abai = region(&app, "Абай облысы").await;
    let r = set_window(&app, &op, campaign, akmola, -60, 120).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (aliya, bekzat, erlan) =
        (pupil_client(&app, &iins[0]).await, pupil_client(&app, &iins[1]).await, pupil_client(&app, &iins[2]).await);
    assert!(sitting(&app, &aliya).await.is_empty(), "nothing to sit before the stage is prepared");

    // Bad settings are refused at their fields; a participant cannot prepare.
    let prepare = |c: reqwest::Client, q: &'static str, d: &'static str| {
        let app = &app;
        async move {
            app.call(&c, "/api/olympiad/stage/prepare", &[("campaign_id", &campaign.to_string()), ("questions", q), ("duration_min", d)])
                .await
        }
    };
    let mut errors = prepare(op.clone(), "0", "3 сағат").await.field_errors();
    errors.sort();
    assert_eq!(errors, pairs(&[("duration_min", "ErrOlyStageDuration"), ("questions", "ErrOlyStageQuestions")]));
    assert_eq!(prepare(aliya.clone(), "2", "30").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_stages").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM exams").await, 0);

    // Prepared: Ақмола's three pupils are seated in two variants (6-kk, 6-ru) of two subjects;
    // Абай and Астана have no window yet.
    let r = prepare(op.clone(), "2", "30").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "seated": 3, "variants": 4, "unseated": 3 }));
    let mine = sitting(&app, &aliya).await;
    assert_eq!(mine.iter().map(|e| e.1.as_str()).collect::<Vec<_>>().len(), 2, "{mine:?}");
    assert_eq!(sitting(&app, &bekzat).await.len(), 2);
    // Preparing again seats nobody twice and makes no new exam.
    assert_eq!(prepare(op.clone(), "2", "30").await.json()["variants"], 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM exams").await, 4);
    // A stage is for phones unless the operator says otherwise (issue 15): most candidates sit
    // on one. Choosing "computer" reaches every variant, and choosing phones again does too.
    assert_eq!(app.count("SELECT COUNT(*) FROM exams WHERE proctor_mode = 'any_device'").await, 4);
    let mode = |m: &'static str| {
        let (app, op) = (&app, op.clone());
        async move {
            app.call(
                &op,
                "/api/olympiad/stage/prepare",
                &[("campaign_id", &campaign.to_string()), ("questions", "2"), ("duration_min", "30"), ("proctor_mode", m)],
            )
            .await
        }
    };
    assert_eq!(mode("computer").await.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM exams WHERE proctor_mode = 'computer'").await, 4);
    let overview = app.call(&op, "/api/olympiad/stage", &[("campaign_id", &campaign.to_string())]).await.json();
    assert_eq!(overview["setup"]["proctor_mode"], "Computer", "{overview}");
    assert!(mode("phone").await.status.is_client_error());
    assert_eq!(mode("any_device").await.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM exams WHERE proctor_mode = 'any_device'").await, 4);

    // The papers come from the operator's bank, topic "grade-language".
    let gift = "$CATEGORY: 6-kk\n\n::a:: 2 + 2 = ? {=4 ~5 ~3}\n\n::b:: 3 + 1 = ? {=4 ~5 ~6}\n";
    let form = reqwest::multipart::Form::new()
        .text("subject", "Математика")
        .part("file", reqwest::multipart::Part::bytes(gift.as_bytes().to_vec()).file_name("bank.gift"));
    let r = app.multipart(&op, "/api/exam/bank/import", form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let overview = app.call(&op, "/api/olympiad/stage", &[("campaign_id", &campaign.to_string())]).await.json();
    let variants = overview["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 4);
    let ready: Vec<(String, String, i64)> = variants
        .iter()
        .filter(|v| v["in_bank"].as_i64() >= v["needed"].as_i64())
        .map(|v| (v["subject"].as_str().unwrap().into(), v["language"].as_str().unwrap().into(), v["candidates"].as_i64().unwrap()))
        .collect();
    assert_eq!(ready, vec![("Математика".to_string(), "kk".to_string(), 2)]);
    assert_eq!(overview["unseated"], 3);

    let maths = |list: &[(i64, String)]| list.iter().find(|e| e.1.ends_with("Математика")).unwrap().0;
    let kazakh = |list: &[(i64, String)]| list.iter().find(|e| e.1.ends_with("Қазақ тілі")).unwrap().0;
    let start = |c: reqwest::Client, exam: i64| {
        let app = &app;
        async move { app.call(&c, "/api/exam/start", &[("exam_id", &exam.to_string())]).await }
    };
    // Әлия sits Математика to the end; a paper without questions in the bank cannot start.
    let r = start(aliya.clone(), maths(&mine)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let aliya_attempt = r.json().as_i64().unwrap();
    answer(&app, &aliya, aliya_attempt, 2).await;
    let r = app.call(&aliya, "/api/exam/hand-in", &[("attempt_id", &aliya_attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(start(aliya.clone(), kazakh(&mine)).await.json(), serde_json::json!({ "Refused": "ErrExamTopicShort" }));
    // Another variant's exam is not hers (Бекзат sits in Russian).
    let bekzat_exams = sitting(&app, &bekzat).await;
    assert_eq!(start(aliya.clone(), maths(&bekzat_exams)).await.status, StatusCode::FORBIDDEN);
    // Ерлан loses his connection after one right answer: he resumes the same attempt.
    let r = start(erlan.clone(), maths(&mine)).await;
    let erlan_attempt = r.json().as_i64().unwrap();
    answer(&app, &erlan, erlan_attempt, 1).await;
    assert_eq!(start(erlan.clone(), maths(&mine)).await.json().as_i64(), Some(erlan_attempt));

    // A window set later seats that region's pupils.
    let r = set_window(&app, &op, campaign, abai, -60, 120).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let overview = app.call(&op, "/api/olympiad/stage", &[("campaign_id", &campaign.to_string())]).await.json();
    assert_eq!(overview["unseated"], 1, "only Астана (no window) is left");
    assert_eq!(overview["variants"].as_array().unwrap().len(), 8);

    // Closing Ақмола: Ерлан's open attempt is scored as he left it, both results are written.
    let r = app.call(&op, "/api/olympiad/stage/close", &[("campaign_id", &campaign.to_string()), ("region_id", &akmola.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "closed_attempts": 1, "results": 2, "kept_corrections": 0, "reranked": false }));
    let results = stored_results(&app).await;
    let scores: Vec<(String, i64, i64, String)> = results.iter().map(|r| (r.0.clone(), r.2, r.5, r.6.clone())).collect();
    let mut expected = vec![(iins[0].clone(), 200, 0, "stage1".to_string()), (iins[2].clone(), 100, 0, "stage1".to_string())];
    expected.sort();
    assert_eq!(scores, expected);
    assert!(results.iter().all(|r| r.4 > 0), "time used is kept: {results:?}");
    // Both sat with plain requests, no device check and no snapshot: the stage's proctoring
    // counts what they owed (the exam engine's accounting).
    assert!(results.iter().all(|r| r.3 > 0), "missing evidence counts as violations: {results:?}");
    // The window is closed: Бекзат can no longer start; Абай's window is still open.
    assert_eq!(start(bekzat.clone(), maths(&bekzat_exams)).await.json(), serde_json::json!({ "Refused": "ErrExamClosed" }));
    let dana = pupil_client(&app, &iins[3]).await;
    assert_eq!(sitting(&app, &dana).await.len(), 2);

    // A proctor of the region annuls Ерлан's attempt: his result is annulled with it, a
    // ranked campaign is ranked again without him, and his certificates are withdrawn.
    assert_eq!(compute(&app, &op, campaign, "threshold", "1").await.status, StatusCode::OK);
    for step in ["/api/olympiad/results/publish", "/api/olympiad/certificates/issue"] {
        let r = app.call(&op, step, &[("campaign_id", &campaign.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
    }
    let erlan_certificates = || async {
        let numbers: Vec<String> = sqlx::query_scalar(
            "SELECT x.number FROM olympiad_certificates x JOIN olympiad_participants op ON op.id = x.participant_id
             JOIN users u ON u.id = op.user_id WHERE u.iin = $1 ORDER BY x.kind",
        )
        .bind(&iins[2])
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let mut withdrawn = Vec::new();
        for n in &numbers {
            let v = app.call(&app.client(), "/api/olympiad/certificate/verify", &[("number", n)]).await.json();
            withdrawn.push(v["withdrawn_at"].is_i64());
        }
        withdrawn
    };
    assert_eq!(erlan_certificates().await, vec![false, false], "participation and a winner's diploma, both valid");
    app.make_user("proctor", PW, Some((Role::Proctor, akmola))).await;
    let proctor = app.signed_in("proctor", PW).await;
    let r = app
        .call(
            &proctor,
            "/api/proctor/verdict",
            &[("attempt_id", &erlan_attempt.to_string()), ("verdict", "annulled"), ("comment", "Телефон")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let winners: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT u.iin, r.annulled, r.winner FROM olympiad_results r JOIN olympiad_participants op ON op.id = r.participant_id
         JOIN users u ON u.id = op.user_id ORDER BY r.score DESC",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(winners, vec![(iins[0].clone(), 0, 1), (iins[2].clone(), 1, 0)]);
    assert_eq!(erlan_certificates().await, vec![true, true], "both withdrawn with the annulment");
    // Әлия's stay valid.
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_certificates WHERE withdrawn_at IS NULL").await, 2);
    // The statistics count each region's pupils through the stage; annulled scores are left
    // out of the average; a participant cannot see them.
    let stats = |c: reqwest::Client, level: &'static str, region: i64| {
        let app = &app;
        async move {
            app.call(
                &c,
                "/api/olympiad/statistics",
                &[("campaign_id", &campaign.to_string()), ("level", level), ("region_id", &region.to_string()), ("subject", "")],
            )
            .await
        }
    };
    assert_eq!(stats(aliya.clone(), "region", 0).await.status, StatusCode::FORBIDDEN);
    let s = stats(op.clone(), "region", 0).await.json();
    let rows: Vec<(String, i64, i64, i64, i64, Option<i64>)> = s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_i64().unwrap();
            (r["name"].as_str().unwrap().to_string(), n("registered"), n("started"), n("finished"), n("results"), r["mean"].as_i64())
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Абай облысы".to_string(), 2, 0, 0, 0, None),
            ("Астана".to_string(), 1, 0, 0, 0, None),
            ("Ақмола облысы".to_string(), 3, 2, 2, 1, Some(200)),
        ]
    );
    assert_eq!(s["total"]["registered"], 6);
    assert_eq!(s["bins"].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum::<i64>(), 1);
    let grades = stats(op.clone(), "grade", akmola).await.json();
    assert_eq!(grades["rows"].as_array().unwrap().len(), 1, "Ақмола's pupils are all in grade 6");
    let csv = app.get(&op, &format!("/export/olympiad/statistics/{campaign}.csv?level=region&region=0")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Ақмола облысы;3;2;2;1;2;"), "{}", csv.body);
    assert_eq!(app.get(&aliya, &format!("/export/olympiad/statistics/{campaign}.csv")).await.status, StatusCode::FORBIDDEN);

    for action in ["olympiad.stage.prepare", "olympiad.stage.close"] {
        assert!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await >= 1, "{action} is audited");
    }
}

// ---------------------------------------------------------------------------------------------
// Winners' placement into specialised schools (OLY-5)

backends!(winners_apply_and_are_placed_by_rank_into_the_seats);

async fn winners_apply_and_are_placed_by_rank_into_the_seats(b: Backend) {
    // Behind one proxy, so the look-up's limit can be shown per address.
    let app = spawn_app_configured(b, |c| c.trusted_proxies = 1).await;
    let (op, campaign, iins) = results_campaign(&app).await;
    // Grade 6: Дана 45 (1st), Әлия 40, Бекзат 38, Ерлан 35; Фарида 30 does not win. Grade 7:
    // Гүлнар 50 (1st). A threshold of 35 makes five winners.
    let file = results_csv(&[
        (&iins[0], "Математика", "40", "0", "1800", ""),
        (&iins[1], "Математика", "38", "0", "1800", ""),
        (&iins[2], "Математика", "35", "0", "1800", ""),
        (&iins[3], "Математика", "45", "0", "1800", ""),
        (&iins[4], "Математика", "30", "0", "1800", ""),
        (&iins[5], "Математика", "50", "0", "1800", ""),
    ]);
    assert_eq!(import_results(&app, &op, campaign, "r.csv", file.into_bytes(), false).await.status, StatusCode::OK);
    assert_eq!(compute(&app, &op, campaign, "threshold", "35").await.status, StatusCode::OK);
    for step in ["/api/olympiad/results/publish", "/api/olympiad/certificates/issue"] {
        assert_eq!(app.call(&op, step, &[("campaign_id", &campaign.to_string())]).await.status, StatusCode::OK);
    }
    let now = app::api::now_ms();
    sqlx::query("UPDATE olympiad_campaigns SET applications_opens = $1, applications_closes = $2")
        .bind(now - DAY)
        .bind(now + DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();

    // The registry: two directory schools by code, with seats; bad input at its field.
    let registry = |code: &'static str, seats: &'static str| {
        let (app, op) = (&app, op.clone());
        async move {
            app.call(&op, "/api/olympiad/placement/school", &[("campaign_id", &campaign.to_string()), ("code", code), ("seats", seats)])
                .await
        }
    };
    let mut errors = registry("NOPE", "-1").await.field_errors();
    errors.sort();
    assert_eq!(errors, pairs(&[("code", "ErrOlyUnknownSchoolCode"), ("seats", "ErrOlySeats")]));
    assert_eq!(registry("AK-002", "1").await.status, StatusCode::OK);
    assert_eq!(registry("AST-1", "2").await.status, StatusCode::OK);
    let (ak002, ast1) = (school(&app, "AK-002").await, school(&app, "AST-1").await);

    // Winners apply; the one who did not win has nothing to apply for.
    let clients: Vec<reqwest::Client> = {
        let mut v = Vec::new();
        for iin in &iins {
            v.push(pupil_client(&app, iin).await);
        }
        v
    };
    let send = |i: usize, choices: [String; 3]| {
        let (app, c) = (&app, clients[i].clone());
        async move {
            app.call(
                &c,
                "/api/olympiad/applications/send",
                &[("campaign_id", &campaign.to_string()), ("choice1", &choices[0]), ("choice2", &choices[1]), ("choice3", &choices[2])],
            )
            .await
        }
    };
    let ids = |a: Option<i64>, b: Option<i64>| {
        [a.map(|x| x.to_string()).unwrap_or_default(), b.map(|x| x.to_string()).unwrap_or_default(), String::new()]
    };
    assert!(app.call(&clients[4], "/api/olympiad/applications/mine", &[]).await.json().as_array().unwrap().is_empty());
    assert_eq!(send(4, ids(Some(ak002), None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(0, ids(None, None)).await.field_errors(), pairs(&[("choice1", "ErrRequired")]));
    assert_eq!(send(0, ids(Some(ak002), Some(ak002))).await.field_errors(), pairs(&[("choice2", "ErrOlyChoiceRepeated")]));
    let outside = school(&app, "AB-7").await;
    assert_eq!(send(0, ids(Some(outside), None)).await.field_errors(), pairs(&[("choice1", "ErrOlyNotInRegistry")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_applications").await, 0, "nothing written by refused applications");
    for (i, choices) in [
        (3, ids(Some(ak002), Some(ast1))),
        (0, ids(Some(ak002), None)),
        (1, ids(Some(ak002), Some(ast1))),
        (2, ids(Some(ast1), None)),
        (5, ids(Some(ak002), None)),
    ] {
        let r = send(i, choices).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Applying again replaces the choices, it does not add an application.
    assert_eq!(send(3, ids(Some(ak002), Some(ast1))).await.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_applications").await, 5);

    // Documents: checked by content; kept once per name.
    let attach = |i: usize, name: &'static str, bytes: &'static [u8]| {
        let (app, c) = (&app, clients[i].clone());
        async move {
            let form = reqwest::multipart::Form::new()
                .text("campaign_id", campaign.to_string())
                .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name));
            app.multipart(&c, "/api/olympiad/applications/file", form).await
        }
    };
    assert_eq!(attach(3, "diploma.pdf", b"plain text").await.field_errors(), pairs(&[("file", "ErrOlyDocumentKind")]));
    for _ in 0..2 {
        let r = attach(3, "diploma.pdf", b"%PDF-1.4\n%test\n").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json(), serde_json::json!(["diploma.pdf"]));
    }

    // The school's administrator sees only who applied to it, with the documents.
    app.make_user("admissions", PW, Some((Role::SchoolAdmin, ak002))).await;
    let admissions = app.signed_in("admissions", PW).await;
    let list = app.call(&admissions, "/api/olympiad/applicants", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["full_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Гүлнар Маратқызы", "Дана Болатқызы", "Әлия Нұрланқызы", "Бекзат Ерболұлы"], "best place first");
    let dana = list.as_array().unwrap().iter().find(|a| a["full_name"] == "Дана Болатқызы").unwrap();
    let path = format!("/files/olympiad/application/{}/diploma.pdf", dana["application_id"]);
    assert_eq!(app.get(&admissions, &path).await.status, StatusCode::OK);
    assert_eq!(app.get(&clients[0], &path).await.status, StatusCode::FORBIDDEN, "another winner cannot read it");

    // Placement waits for the window to close; then best first, each to the first school with
    // a seat: Гүлнар (1st, 50) takes AK-002's seat; Дана (1st, 45) falls to AST-1; Әлия finds
    // no seat; Бекзат takes AST-1's last; Ерлан finds AST-1 full.
    let run = || async { app.call(&op, "/api/olympiad/placement/run", &[("campaign_id", &campaign.to_string())]).await };
    assert_eq!(run().await.json()["Refused"], "ErrOlyApplicationsStillOpen");
    sqlx::query("UPDATE olympiad_campaigns SET applications_closes = $1").bind(now - 1).execute(&app.db.pool).await.unwrap();
    let r = run().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["applications"].as_i64(), r.json()["placed"].as_i64()), (Some(5), Some(3)));
    let placed = |i: usize| {
        let (app, c) = (&app, clients[i].clone());
        async move { app.call(&c, "/api/olympiad/applications/mine", &[]).await.json()[0]["result"].clone() }
    };
    assert_eq!(placed(5).await, serde_json::json!({ "Placed": "Бурабай қалалық мектебі" }));
    assert_eq!(placed(3).await, serde_json::json!({ "Placed": "№1 лицей" }));
    assert_eq!(placed(1).await, serde_json::json!({ "Placed": "№1 лицей" }));
    assert_eq!(placed(0).await, serde_json::json!("NoSeat"));
    assert_eq!(placed(2).await, serde_json::json!("NoSeat"));
    // Running it again gives the same.
    assert_eq!(run().await.json()["placed"], 3);
    assert_eq!(placed(3).await, serde_json::json!({ "Placed": "№1 лицей" }));

    // A family looks it up with the IIN and the winner's diploma number, nothing less.
    let diploma: String = sqlx::query_scalar(
        "SELECT x.number FROM olympiad_certificates x JOIN olympiad_participants op ON op.id = x.participant_id
         JOIN users u ON u.id = op.user_id WHERE u.iin = $1 AND x.kind = 'winner'",
    )
    .bind(&iins[3])
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let lookup = |iin: String, number: String| {
        let app = &app;
        async move { app.call(&app.client(), "/api/olympiad/placement/lookup", &[("iin", &iin), ("number", &number)]).await }
    };
    let found = lookup(iins[3].clone(), diploma.to_lowercase()).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.json()["full_name"], "Дана Болатқызы");
    assert_eq!(found.json()["result"], serde_json::json!({ "Placed": "№1 лицей" }));
    assert_eq!(lookup(iins[0].clone(), diploma.clone()).await.json(), serde_json::Value::Null, "another child's IIN with this number");
    assert_eq!(lookup("123".into(), diploma.clone()).await.field_errors().len(), 1);
    assert!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.placement.run'").await == 2);

    // Guessing the IIN that goes with a known diploma number is limited, per address and per
    // number; a family looking again is not (found answers do not count).
    use app::olympiad::placement::applications::{LOOKUP_MISSES_PER_ADDRESS, LOOKUP_MISSES_PER_NUMBER};
    for _ in 0..LOOKUP_MISSES_PER_ADDRESS + 5 {
        assert_eq!(lookup(iins[3].clone(), diploma.clone()).await.json()["full_name"], "Дана Болатқызы");
    }
    let mut guesses = (0..100_000u32)
        .filter_map(|i| {
            let eleven = format!("1003155{i:04}");
            let d: Vec<u8> = eleven.bytes().map(|b| b - b'0').collect();
            app::auth::iin::check_digit(&d.try_into().unwrap()).map(|c| format!("{eleven}{c}"))
        })
        .filter(|g| !iins.contains(g));
    let from = |address: String, iin: String, number: String| {
        let app = &app;
        async move {
            let res = app
                .client()
                .post(format!("{}/api/olympiad/placement/lookup", app.base))
                .header("accept", "application/json")
                .header("x-forwarded-for", address)
                .form(&[("iin", iin), ("number", number)])
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    // One miss above; the address may miss up to its limit, then it is refused, right pair too.
    for _ in 1..LOOKUP_MISSES_PER_ADDRESS {
        let r = lookup(guesses.next().unwrap(), diploma.clone()).await;
        assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));
    }
    assert_eq!(lookup(guesses.next().unwrap(), diploma.clone()).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(lookup(iins[3].clone(), diploma.clone()).await.status, StatusCode::TOO_MANY_REQUESTS);
    let (status, body) = from("198.51.100.1".into(), iins[3].clone(), diploma.clone()).await;
    assert_eq!(status, StatusCode::OK, "another address still looks up: {body}");
    // Guesses from many addresses end at the number's limit.
    for i in LOOKUP_MISSES_PER_ADDRESS..LOOKUP_MISSES_PER_NUMBER {
        let (status, body) = from(format!("198.51.100.{}", 10 + i / 5), guesses.next().unwrap(), diploma.clone()).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));
    }
    let (status, _) = from("198.51.100.250".into(), guesses.next().unwrap(), diploma.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

// ---------------------------------------------------------------------------------------------
// Pupils registering themselves with their teacher's code (OLY-2)

backends!(a_pupil_registers_with_the_teachers_code_and_is_signed_in);

async fn a_pupil_registers_with_the_teachers_code_and_is_signed_in(b: Backend) {
    let app = spawn_app(b).await;
    let campaign = open_campaign(&app).await; // grades 5-9, rural only; participants from day 2
    let teacher = confirmed_teacher(&app, "teacher", campaign, "AK-001").await;
    let campaigns = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    let code = campaigns[0]["join_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    let again = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    assert_eq!(again[0]["join_code"], code.as_str(), "the code stays the same");
    let join = |code: String, iin: String, grade: &'static str, language: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let c = app.client();
            let r = app
                .call(
                    &c,
                    "/api/olympiad/join",
                    &[
                        ("code", &code),
                        ("iin", &iin),
                        ("full_name", "Айару Ержанқызы"),
                        ("grade", grade),
                        ("language", language),
                        ("password", password),
                        ("given_by", "person"),
                    ],
                )
                .await;
            (c, r)
        }
    };
    let aiaru = iin("06031560030");
    // Before participant registration opens, the code is refused with the dates' reason.
    let (_, r) = join(code.clone(), aiaru.clone(), "6", "kk", "Oqushy-2027-pass").await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrOlyRegistrationNotOpen")]));
    sqlx::query("UPDATE olympiad_campaigns SET participant_reg_opens = $1")
        .bind(app::api::now_ms() - DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();
    // An unknown code, and then each wrong field at its place; nothing is written.
    let (_, r) = join("ZZZZ-ZZZZ".into(), aiaru.clone(), "6", "kk", "Oqushy-2027-pass").await;
    assert_eq!(r.field_errors(), pairs(&[("code", "ErrOlyUnknownJoinCode")]));
    let wrong_check = format!("{}{}", &aiaru[..11], (aiaru.as_bytes()[11] - b'0' + 1) % 10);
    let (_, r) = join(code.to_lowercase(), wrong_check, "12", "ru", "short").await;
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        pairs(&[
            ("grade", "ErrOlyGrade"),
            ("iin", "ErrIinChecksum"),
            ("language", "ErrOlyLanguageNotAtSchool"),
            ("password", "ErrWeakPassword")
        ])
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 0);
    // Right: the account is made with her password, she is the teacher's pupil and signed in.
    let (c, r) = join(format!(" {} ", code.to_lowercase()), aiaru.clone(), "6", "kk", "Oqushy-2027-pass").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me = app.call(&c, "/api/auth/me", &[]).await.json();
    assert_eq!(me["login"], aiaru.as_str());
    let pupils = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    assert_eq!(pupils[0]["participants"][0]["iin"], aiaru.as_str());
    app.signed_in(&aiaru, "Oqushy-2027-pass").await;
    // An IIN with an account is told to sign in: the code cannot take an account over.
    let (_, r) = join(code.clone(), aiaru.clone(), "6", "kk", "Another-pass-2027").await;
    assert_eq!(r.field_errors(), pairs(&[("iin", "ErrOlyIinRegistered")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.participant.join'").await, 1);
}

backends!(an_existing_account_joins_only_by_its_owner_signed_in);

/// Issue 14, item 1: the teacher cannot enter an existing account (last year's pupil); its
/// owner signs in and joins with the teacher's code, without a new password. Nobody else can
/// join with that IIN, and the card of such a registration carries no code.
async fn an_existing_account_joins_only_by_its_owner_signed_in(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    let code = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json()[0]["join_code"].as_str().unwrap().to_string();
    let aiaru = iin("06031560030");
    let pupil_id = app.make_user(&aiaru, PW, None).await;
    assert_eq!(add_pupil(&app, &teacher, campaign, &aiaru, "6", "kk").await.field_errors(), pairs(&[("iin", "ErrOlyIinHasAccount")]));
    let join = |c: reqwest::Client, iin: String| {
        let (app, code) = (&app, code.clone());
        async move {
            app.call(
                &c,
                "/api/olympiad/join",
                &[
                    ("code", &code),
                    ("iin", &iin),
                    ("full_name", "Айару Ержанқызы"),
                    ("grade", "6"),
                    ("language", "kk"),
                    ("password", ""),
                    ("given_by", "person"),
                ],
            )
            .await
        }
    };
    // Somebody else, signed in, cannot enter her account (nor an anonymous caller without a password).
    app.make_user("someone", PW, None).await;
    let r = join(app.signed_in("someone", PW).await, aiaru.clone()).await;
    assert_eq!(r.field_errors(), pairs(&[("iin", "ErrOlyIinNotYours")]));
    assert_eq!(join(app.client(), aiaru.clone()).await.field_errors(), pairs(&[("password", "ErrRequired")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 0);
    // She does, signed in, with no password.
    let r = join(app.signed_in(&aiaru, PW).await, aiaru.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (user, created): (i64, i64) =
        sqlx::query_as("SELECT user_id, created_account FROM olympiad_participants").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!((user, created), (pupil_id, 0));
    let r = join(app.signed_in(&aiaru, PW).await, aiaru.clone()).await;
    assert_eq!(r.field_errors(), pairs(&[("iin", "ErrOlyIinInCampaign")]));
    // Her card carries no code: she signs in with her own password.
    let (status, pdf) = print_cards(&app, &teacher, &[("campaign_id", campaign.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    let text = lopdf::Document::load_mem(&pdf).unwrap().extract_text(&[1]).unwrap();
    assert!(!text.split(|c: char| !c.is_ascii_digit()).any(|s| s.len() == 6), "no code on the card: {text}");
    assert_eq!(app.count("SELECT COUNT(*) FROM verification_codes").await, 0);
}

backends!(the_directory_exports_in_the_layout_its_import_reads);

async fn the_directory_exports_in_the_layout_its_import_reads(b: Backend) {
    let app = spawn_app(b).await;
    let op = operator(&app).await;
    // Before any import the export is the template: the header only.
    let empty = app.get(&op, "/export/olympiad/directory/schools.csv").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.body.trim_start_matches('\u{feff}').lines().count(), 1, "{}", empty.body);
    assert_eq!(import(&app, &op, "schools.csv", DIRECTORY.as_bytes()).await.status, StatusCode::OK);
    let csv = app.get(&op, "/export/olympiad/directory/schools.csv").await;
    assert_eq!(csv.body.trim_start_matches('\u{feff}').lines().count(), 5, "{}", csv.body);
    assert!(csv.body.contains("Астана;;AST-1;№1 лицей;0;ru"), "{}", csv.body);
    assert!(csv.body.contains("Ақмола облысы;Бурабай ауданы;AK-002;Бурабай қалалық мектебі;0;kk, ru"), "{}", csv.body);
    // Imported back, it changes nothing.
    let orgs = app.count("SELECT COUNT(*) FROM organisations").await;
    let r = import(&app, &op, "schools.csv", csv.body.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, orgs);
    let xlsx = app.get(&op, "/export/olympiad/directory/schools.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    app.make_user("someone", PW, None).await;
    let someone = app.signed_in("someone", PW).await;
    assert_eq!(app.get(&someone, "/export/olympiad/directory/schools.csv").await.status, StatusCode::FORBIDDEN);
}

backends!(the_operator_finds_and_corrects_people_and_every_correction_is_audited);

/// `results_campaign` with its registration over and Ақмола's stage window open since an hour
/// ago: (operator, campaign, IINs).
async fn stage_window_open(app: &TestApp) -> (reqwest::Client, i64, Vec<String>) {
    let (op, campaign, iins) = results_campaign(app).await;
    let now = app::api::now_ms();
    sqlx::query("UPDATE olympiad_campaigns SET participant_reg_opens = $1, participant_reg_closes = $2")
        .bind(now - 3 * DAY)
        .bind(now - DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let akmola = region(app, "Ақмола облысы").await;
    assert_eq!(set_window(app, &op, campaign, akmola, -60, 120).await.status, StatusCode::OK);
    (op, campaign, iins)
}

async fn the_operator_finds_and_corrects_people_and_every_correction_is_audited(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = stage_window_open(&app).await;
    let r = app
        .call(&op, "/api/olympiad/stage/prepare", &[("campaign_id", &campaign.to_string()), ("questions", "2"), ("duration_min", "30")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A teacher who mistyped their email: the code never came.
    let teacher_iin = iin("85070540987");
    let r = register(&app, &app.client(), campaign, &teacher_iin, "aigul@mail.kzz", &school(&app, "AK-001").await.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let find = |query: &'static str| {
        let (app, op) = (&app, &op);
        async move { app.call(op, "/api/olympiad/people", &[("campaign_id", &campaign.to_string()), ("query", query)]).await }
    };
    assert_eq!(find("ә").await.field_errors(), pairs(&[("query", "ErrOlyQueryShort")]));
    // Kazakh letters in another case than stored.
    let found = find("НҰРЛАНҚЫЗЫ").await.json();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["full_name"], "Әлия Нұрланқызы");
    assert_eq!(found[0]["role"], serde_json::json!({ "Participant": { "grade": 6, "language": "kk", "started": false } }));
    // The pupils' IINs share their birth date: all six, by the IIN's start.
    assert_eq!(find("060315").await.json().as_array().unwrap().len(), 6);
    let teacher = find("AIGUL@").await.json();
    assert_eq!(teacher[0]["role"], serde_json::json!({ "Teacher": { "confirmed": false } }));
    // Whose IIN the operator saw is logged once per person (within the hour): Әлия, then the
    // five other pupils, then the teacher (law 94-V, issue 21).
    let seen_iins = || {
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.view' AND entity = 'user' AND after_json LIKE '%\"iin\"%'")
    };
    assert_eq!(seen_iins().await, 7);
    assert_eq!(find("060315").await.json().as_array().unwrap().len(), 6);
    assert_eq!(seen_iins().await, 7, "seen again within the hour: no new rows");
    let aliya = pupil_client(&app, &iins[0]).await;
    let r = app.call(&aliya, "/api/olympiad/people", &[("campaign_id", &campaign.to_string()), ("query", "Әлия")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let user = |iin: String| {
        let app = &app;
        async move { app.count(&format!("SELECT id FROM users WHERE login = '{iin}'")).await }
    };
    let (aliya_id, erlan_id, teacher_id) = (user(iins[0].clone()).await, user(iins[2].clone()).await, user(teacher_iin.clone()).await);
    let correct = |user_id: i64, fields: &'static [(&'static str, &'static str)]| {
        let (app, op) = (&app, &op);
        async move {
            let (campaign, user_id) = (campaign.to_string(), user_id.to_string());
            let mut form = vec![("campaign_id", campaign.as_str()), ("user_id", user_id.as_str())];
            form.extend_from_slice(fields);
            app.call(op, "/api/olympiad/people/correct", &form).await
        }
    };
    // Bad corrections are refused at each field, and nothing changes.
    let mut errors = correct(erlan_id, &[("full_name", " "), ("grade", "10"), ("language", "ru")]).await.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        pairs(&[("full_name", "ErrRequired"), ("grade", "ErrOlyGradeOutsideCampaign"), ("language", "ErrOlyLanguageNotAtSchool")])
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants WHERE grade = 6").await, 5);
    // Ерлан is in grade 7, not 6: he moves to the 7-kk variant of both subjects.
    let r = correct(erlan_id, &[("full_name", "Ерлан Асқарұлы"), ("grade", "7"), ("language", "kk")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seated = |grade: i64| {
        let app = &app;
        async move {
            app.count(&format!(
                "SELECT COUNT(*) FROM role_assignments ra JOIN olympiad_stage_exams se ON se.group_id = ra.org_id
                 WHERE ra.user_id = {erlan_id} AND se.grade = {grade}"
            ))
            .await
        }
    };
    assert_eq!((seated(6).await, seated(7).await), (0, 2));
    let erlan = pupil_client(&app, &iins[2]).await;
    assert_eq!(sitting(&app, &erlan).await.len(), 2);

    // Once Әлия has started a paper, her grade stays (the paper was drawn for it); her name may change.
    let gift = "$CATEGORY: 6-kk\n\n::a:: 2 + 2 = ? {=4 ~5 ~3}\n\n::b:: 3 + 1 = ? {=4 ~5 ~6}\n";
    let form = reqwest::multipart::Form::new()
        .text("subject", "Математика")
        .part("file", reqwest::multipart::Part::bytes(gift.as_bytes().to_vec()).file_name("bank.gift"));
    assert_eq!(app.multipart(&op, "/api/exam/bank/import", form).await.status, StatusCode::OK);
    let mine = sitting(&app, &aliya).await;
    let maths = mine.iter().find(|e| e.1.ends_with("Математика")).unwrap().0;
    let r = app.call(&aliya, "/api/exam/start", &[("exam_id", &maths.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = correct(aliya_id, &[("full_name", "Әлия Нұрланқызы"), ("grade", "7"), ("language", "kk")]).await;
    assert_eq!(r.field_errors(), pairs(&[("grade", "ErrOlyPaperStarted")]));
    let r = correct(aliya_id, &[("full_name", "Әлия Нұрланқызы Серікова"), ("grade", "6"), ("language", "kk")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(find("серікова").await.json()[0]["role"]["Participant"]["started"], true);

    // The teacher's email is put right; a bad phone is refused at its field.
    let r = correct(teacher_id, &[("full_name", "Айгүл Серікқызы"), ("email", "aigul@mail.kz"), ("phone", "12345")]).await;
    assert_eq!(r.field_errors(), pairs(&[("phone", "ErrPhoneFormat")]));
    let r = correct(teacher_id, &[("full_name", "Айгүл Серікқызы"), ("email", "aigul@mail.kz"), ("phone", "+7 701 234 56 78")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = 'aigul@mail.kz'").await, 1);
    let (before, after): (String, String) =
        sqlx::query_as("SELECT before_json, after_json FROM audit_log WHERE action = 'olympiad.person.correct' AND entity_id = $1")
            .bind(teacher_id.to_string())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(before.contains("aigul@mail.kzz") && after.contains("\"aigul@mail.kz\""), "{before} → {after}");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.person.correct'").await, 3);
}

// ---------------------------------------------------------------------------------------------
// Registrations at once (issue 14, item 14): on SQLite every write transaction begins as the
// writer, so simultaneous registrations queue instead of failing with "database is locked";
// a unique violation (the same IIN at the same moment) is its own message, never a 500.

backends!(five_hundred_pupils_registered_at_once_are_all_stored, two_hundred_registrations_of_one_iin_store_one_and_refuse_the_rest);

/// An open campaign, its participant registration open, and a confirmed teacher of AK-001.
async fn registering(app: &TestApp) -> (reqwest::Client, i64) {
    let campaign = open_campaign(app).await;
    let teacher = confirmed_teacher(app, "teacher", campaign, "AK-001").await;
    sqlx::query("UPDATE olympiad_campaigns SET participant_reg_opens = $1")
        .bind(app::api::now_ms() - DAY)
        .execute(&app.db.pool)
        .await
        .unwrap();
    (teacher, campaign)
}

/// Registers every IIN at once, each in its own task (as many teachers' browsers would);
/// the answers in the order of `iins`.
async fn register_at_once(app: &TestApp, teacher: &reqwest::Client, campaign: i64, iins: Vec<String>) -> Vec<common::Response> {
    let tasks: Vec<_> = iins
        .into_iter()
        .map(|iin| {
            let (client, url) = (teacher.clone(), format!("{}/api/olympiad/participant/add", app.base));
            tokio::spawn(async move {
                let form = [
                    ("campaign_id", campaign.to_string()),
                    ("iin", iin),
                    ("full_name", "Әлия Нұрланқызы".to_string()),
                    ("grade", "6".to_string()),
                    ("language", "kk".to_string()),
                    ("consent", "on".to_string()),
                ];
                let res = client.post(url).header("accept", "application/json").form(&form).send().await.expect("request");
                let (status, headers) = (res.status(), res.headers().clone());
                common::Response { status, headers, body: res.text().await.unwrap_or_default() }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    answers
}

async fn five_hundred_pupils_registered_at_once_are_all_stored(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    let iins: Vec<String> = (0..500).map(pupil_iin).collect();
    let answers = register_at_once(&app, &teacher, campaign, iins).await;
    let refused: Vec<String> = answers.iter().filter(|r| r.status != StatusCode::OK).map(|r| format!("{} {}", r.status, r.body)).collect();
    assert!(refused.is_empty(), "{} of 500 refused, e.g. {:?}", refused.len(), refused.first());
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 500);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE iin IS NOT NULL").await, 500);
}

async fn two_hundred_registrations_of_one_iin_store_one_and_refuse_the_rest(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    let answers = register_at_once(&app, &teacher, campaign, vec![pupil_iin(7); 200]).await;
    assert_eq!(answers.iter().filter(|r| r.status == StatusCode::OK).count(), 1);
    let others: Vec<Vec<(String, String)>> = answers.iter().filter(|r| r.status != StatusCode::OK).map(|r| r.field_errors()).collect();
    assert_eq!(others.len(), 199);
    for (i, errors) in others.iter().enumerate() {
        assert_eq!(
            errors,
            &pairs(&[("iin", "ErrOlyIinInCampaign")]),
            "answer {i}: {:?}",
            answers.iter().filter(|r| r.status != StatusCode::OK).nth(i).map(|r| &r.body)
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE iin IS NOT NULL").await, 1);
}

backends!(a_teacher_of_one_campaign_joins_the_next_signed_in);

/// Issue 14, item 18: a teacher confirmed in one campaign joins the next one signed in, with a
/// campaign and a school and no code (their account proved its contact last year). The public
/// registration form with their IIN only tells their own email this way in.
async fn a_teacher_of_one_campaign_joins_the_next_signed_in(b: Backend) {
    let app = spawn_app(b).await;
    let first = open_campaign(&app).await;
    let teacher = confirmed_teacher(&app, "teacher", first, "AK-001").await;
    let op = app.signed_in("operator", PW).await;
    let r = create_campaign(&app, &op, &campaign_form("Мың бала 2028", 0, false)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let next = r.json().as_i64().unwrap();
    // This year the teacher works at another school.
    let other_school = school(&app, "AB-7").await.to_string();
    let join = |c: reqwest::Client, campaign: i64, school: &str| {
        let (app, campaign, school) = (&app, campaign.to_string(), school.to_string());
        async move { app.call(&c, "/api/olympiad/teacher/join", &[("campaign_id", campaign.as_str()), ("school_id", school.as_str())]).await }
    };
    assert_eq!(join(app.client(), next, &other_school).await.status, StatusCode::UNAUTHORIZED, "only a signed-in person joins");
    assert_eq!(join(teacher.clone(), next, "").await.field_errors(), pairs(&[("school_id", "ErrOlyChooseSchool")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 1, "a refused join writes nothing");
    let r = join(teacher.clone(), next, &other_school).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Both campaigns are on the teacher's page, the new one with the new school; the role on
    // that school came with it.
    let mine = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    let titles: Vec<&str> = mine.as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Мың бала 2027") && titles.contains(&"Мың бала 2028"), "{titles:?}");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM role_assignments WHERE role = 'olympiad_teacher' AND org_id = {other_school}")).await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'olympiad.teacher.join'").await, 1);
    // Once in, joining again is refused at the campaign.
    assert_eq!(join(teacher.clone(), next, &other_school).await.field_errors(), pairs(&[("campaign_id", "ErrOlyAlreadyTeacher")]));
    // A campaign whose teacher registration has closed takes nobody.
    let r = create_campaign(&app, &op, &campaign_form("Мың бала 2029", 0, false)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let closed = r.json().as_i64().unwrap();
    sqlx::query("UPDATE olympiad_campaigns SET teacher_reg_closes = $1 WHERE id = $2")
        .bind(app::api::now_ms() - DAY)
        .bind(closed)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = join(teacher.clone(), closed, &other_school).await;
    assert_eq!(r.field_errors(), pairs(&[("campaign_id", "ErrOlyRegistrationClosed")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 2);
}

// Consent to olympiad participation (issue 21)

backends!(a_pupil_is_registered_only_with_a_consent_recorded_at_registration);

/// A teacher registers a pupil only stating that they hold the signed paper form; the consent
/// is recorded as the parent's for a minor and as recorded by the teacher, with proctoring
/// only where the form says so. A pupil joining with the code agrees on the screen: a minor
/// only through a named parent or guardian. The teacher's list shows each pupil's consents and
/// its IINs are logged as seen.
async fn a_pupil_is_registered_only_with_a_consent_recorded_at_registration(b: Backend) {
    let app = spawn_app(b).await;
    let (teacher, campaign) = registering(&app).await;
    let minor = iin("13031560030"); // born 2013: a parent agrees
    let add = |iin: String, ticked: &'static [(&'static str, &'static str)]| {
        let (app, teacher) = (&app, teacher.clone());
        async move {
            let mut form = vec![
                ("campaign_id", campaign.to_string()),
                ("iin", iin),
                ("full_name", "Әлия Нұрланқызы".to_string()),
                ("grade", "6".to_string()),
                ("language", "kk".to_string()),
            ];
            form.extend(ticked.iter().map(|(k, v)| (*k, v.to_string())));
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&teacher, "/api/olympiad/participant/add", &form).await
        }
    };
    let consents = || app.count("SELECT COUNT(*) FROM personal_data_consents");
    // Without the form's box ticked nobody is registered, whatever else is right.
    let r = add(minor.clone(), &[("proctoring", "on")]).await;
    assert_eq!(r.field_errors(), pairs(&[("consent", "ErrOlyConsentForm")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 0);
    assert_eq!(consents().await, 0);
    let r = add(minor.clone(), &[("consent", "on"), ("proctoring", "on")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT c.purpose, c.given_by, c.guardian_name, r.login FROM personal_data_consents c JOIN users r ON r.id = c.recorded_by ORDER BY c.purpose",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let guardian = |p: &str| (p.to_string(), "guardian".to_string(), None, "teacher".to_string());
    assert_eq!(rows, vec![guardian("olympiad"), guardian("proctoring")]);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'consent.give'").await, 2);

    // The list: the box unticked refuses the whole file; ticked, olympiad consent only.
    let adult = iin("06031560030");
    let list = format!("{adult};Ерлан Асқарұлы;6;kk\n");
    let r = import_pupils_with(&app, &teacher, campaign, &list, &[("proctoring", "on")]).await;
    assert_eq!(r.field_errors(), pairs(&[("consent", "ErrOlyConsentForm")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 1);
    let r = import_pupils_with(&app, &teacher, campaign, &list, &[("consent", "on")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let adults: Vec<(String, String)> =
        sqlx::query_as("SELECT c.purpose, c.given_by FROM personal_data_consents c JOIN users u ON u.id = c.user_id WHERE u.iin = $1")
            .bind(&adult)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(adults, vec![("olympiad".to_string(), "person".to_string())], "an adult's own form; no proctoring ticked");

    // The teacher's list shows each pupil's consents, and logs the IINs it shows.
    let views = || app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.view'");
    let before = views().await;
    let mine = app.call(&teacher, "/api/olympiad/teacher/campaigns", &[]).await.json();
    let shown: Vec<(String, bool, bool)> = mine[0]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["iin"].as_str().unwrap().to_string(), p["olympiad_consent"].as_bool().unwrap(), p["proctoring_consent"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(shown, vec![(adult.clone(), true, false), (minor.clone(), true, true)]);
    assert_eq!(views().await, before + 2);

    // Joining with the code: a minor's IIN needs a parent or guardian, by name.
    let code = mine[0]["join_code"].as_str().unwrap().to_string();
    let join = |given_by: &'static str, guardian: &'static str| {
        let (app, code) = (&app, code.clone());
        async move {
            app.call(
                &app.client(),
                "/api/olympiad/join",
                &[
                    ("code", &code),
                    ("iin", &iin("12051560044")),
                    ("full_name", "Дана Болатқызы"),
                    ("grade", "7"),
                    ("language", "kk"),
                    ("password", "Oqushy-2027-pass"),
                    ("given_by", given_by),
                    ("guardian_name", guardian),
                ],
            )
            .await
        }
    };
    assert_eq!(join("", "").await.field_errors(), pairs(&[("given_by", "ErrConsentWho")]));
    assert_eq!(join("person", "").await.field_errors(), pairs(&[("given_by", "ErrConsentMinor")]));
    assert_eq!(join("guardian", " ").await.field_errors(), pairs(&[("guardian_name", "ErrRequired")]));
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 2);
    let r = join("guardian", " Болат  Сапаров ").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let joined: (String, String, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT c.purpose, c.given_by, c.guardian_name, c.recorded_by FROM personal_data_consents c JOIN users u ON u.id = c.user_id WHERE u.iin = $1",
    )
    .bind(iin("12051560044"))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(joined, ("olympiad".into(), "guardian".into(), Some("Болат Сапаров".into()), None));
}

backends!(withdrawing_the_olympiad_consent_leaves_the_stage_and_giving_it_again_returns);

/// A participant who withdraws their consent to olympiad participation is taken out of their
/// stage's variants (nothing to sit, a start refused) and is not seated again when the stage
/// is prepared again; giving it again seats them. Registrations older than consent records
/// (none of these pupils has one) are seated as before.
async fn withdrawing_the_olympiad_consent_leaves_the_stage_and_giving_it_again_returns(b: Backend) {
    let app = spawn_app(b).await;
    let (op, campaign, iins) = stage_window_open(&app).await;
    let campaign_id = campaign.to_string();
    let form = [("campaign_id", campaign_id.as_str()), ("questions", "2"), ("duration_min", "30")];
    let prepare = || app.call(&op, "/api/olympiad/stage/prepare", &form);
    assert_eq!(prepare().await.json(), serde_json::json!({ "seated": 3, "variants": 4, "unseated": 3 }));
    let aliya = pupil_client(&app, &iins[0]).await;
    let exams = sitting(&app, &aliya).await;
    assert_eq!(exams.len(), 2);
    let consent = |path: &'static str, form: &'static [(&'static str, &'static str)]| {
        let (app, aliya) = (&app, aliya.clone());
        async move { app.call(&aliya, path, form).await }
    };
    // Her consent, given on her profile, then withdrawn.
    let r = consent("/api/consent/give", &[("purpose", "olympiad"), ("given_by", "person")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = consent("/api/consent/mine", &[]).await.json();
    assert_eq!(mine["purposes"], serde_json::json!(["Proctoring", "Olympiad"]), "a participant sees the olympiad's consent");
    assert_eq!(consent("/api/consent/withdraw", &[("purpose", "olympiad")]).await.status, StatusCode::OK);
    assert!(sitting(&app, &aliya).await.is_empty(), "nothing left to sit");
    let r = app.call(&aliya, "/api/exam/start", &[("exam_id", &exams[0].0.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Preparing the stage again seats the others, not her, and does not count her as waiting.
    assert_eq!(prepare().await.json(), serde_json::json!({ "seated": 2, "variants": 4, "unseated": 3 }));
    assert!(sitting(&app, &aliya).await.is_empty());
    // Given again: seated again, in the same variants.
    let r = consent("/api/consent/give", &[("purpose", "olympiad"), ("given_by", "person")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(sitting(&app, &aliya).await, exams);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'consent.%' ORDER BY id").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(actions, vec!["consent.give", "consent.withdraw", "consent.give"]);
}
