//! Demo data for a first look: a region with a district, a college with a group of students
//! and a teacher, a school, and people for each role. Loaded only into an empty database.

use app::auth::model::{Email, Login, Role};
use app::db::Db;
use app::i18n::Locale;
use sqlx::Row;

/// Every demo account has this password (shown at start-up, never used outside the demo).
pub const DEMO_PASSWORD: &str = "talap-demo-2026";

/// (login, full name, role, organisation key)
const PEOPLE: &[(&str, &str, Role, &str)] = &[
    ("admin", "Әкімші Платформа", Role::Admin, "root"),
    ("director", "Айгүл Серікқызы Нұрланова", Role::Director, "college"),
    ("teacher", "Ерлан Қайратұлы Беков", Role::Teacher, "college"),
    ("head", "Сәуле Бақытқызы Ахметова", Role::HeadOfDepartment, "college"),
    // The college's office: the e-services' queue (services.manage), certificates.
    ("clerk", "Жанар Төлеуқызы Әбенова", Role::Clerk, "college"),
    ("proctor", "Динара Асқарқызы Омарова", Role::Proctor, "region"),
    ("school.admin", "Марат Болатұлы Сейітов", Role::SchoolAdmin, "school"),
    ("olympiad.teacher", "Гүлнар Маратқызы Әлиева", Role::OlympiadTeacher, "school"),
    // Admissions of a specialised school: sees the olympiad winners who applied to it.
    ("gifted.school", "Бақыт Сейілханұлы Жұмабаев", Role::SchoolAdmin, "gifted"),
    ("student1", "Әлихан Ержанұлы Сапаров", Role::Student, "group"),
    ("student2", "Аружан Мұратқызы Қасымова", Role::Student, "group"),
    ("student3", "Данияр Асанұлы Төлеуов", Role::Student, "group"),
];

pub fn logins() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = PEOPLE.iter().map(|p| (p.0, role_label(p.2))).collect();
    // Registered for the demo olympiad by olympiad.teacher (see `olympiad`).
    out.push(("olympiad.pupil", role_label(Role::OlympiadParticipant)));
    // Applicants to the demo college (see `admission`): accounts without a role.
    for login in APPLICANTS.iter().map(|a| a.0) {
        out.push((login, "applicant"));
    }
    out
}

fn role_label(r: Role) -> &'static str {
    r.msg().text(Locale::En)
}

/// Loads the demo data if there are no users yet. One transaction: all or nothing.
///
/// Several nodes starting at once on an empty PostgreSQL database (a cluster's first start)
/// would each see no users and each load the demo; the transaction holds an advisory lock and
/// counts again under it, so one loads and the others find its users. (SQLite's transaction
/// holds the one write lock from its start, which serialises the same way.)
pub async fn load_if_empty(db: &Db) -> Result<bool, Box<dyn std::error::Error>> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await?;
    if users > 0 {
        return Ok(false);
    }
    let hash = app::auth::ssr::hash_password(DEMO_PASSWORD).await.map_err(|e| e.to_string())?;
    let now = app::api::now_ms();
    let mut tx = db.begin().await?;
    if db.backend == app::db::Backend::Postgres {
        // Any fixed number names the lock; this one spells "demo" in ASCII.
        sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(1684368751)) l").execute(&mut *tx).await?;
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
    if users > 0 {
        return Ok(false);
    }
    // (key, parent key, kind, name)
    let plan = [
        ("region", "root", "region", "Ақмола облысы"),
        ("district", "region", "district", "Бурабай ауданы"),
        ("college", "region", "college", "Көкшетау жоғары политехникалық колледжі"),
        ("group", "college", "group", "ИС-21"),
        ("school", "district", "school", "Бурабай ауылының №1 мектебі"),
        ("gifted", "region", "school", "Көкшетау физика-математика мектебі"),
    ];
    let mut ids: Vec<(&str, i64)> = vec![("root", app::admin::model::ROOT_ORG_ID)];
    for (key, parent, kind, name) in plan {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(lookup(&ids, parent))
                .bind(kind)
                .bind(name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        ids.push((key, id));
    }
    for (login, name, role, org_key) in PEOPLE {
        let login = Login::parse(login).map_err(|m| format!("{m:?}"))?;
        let email = Email::parse(&format!("{}@demo.talap.kz", login.as_str().replace('.', "-"))).map_err(|m| format!("{m:?}"))?;
        let user_id = app::auth::store::insert_user(&mut tx, &login, name, Some(&email), None, &hash, Locale::Kk)
            .await
            .map_err(|e| format!("{e:?}"))?;
        app::auth::store::grant(&mut tx, user_id, *role, lookup(&ids, org_key)).await.map_err(|e| format!("{e:?}"))?;
    }
    let journal_id = journal(&mut tx, &ids, now).await?;
    enrolments(&mut tx, lookup(&ids, "group"), now).await?;
    exam(&mut tx, journal_id, now).await?;
    olympiad(&mut tx, &ids, &hash, now).await?;
    service_application(&mut tx, &ids, now).await?;
    admission(&mut tx, &ids, &hash, now).await?;
    app::audit::store::record(
        &mut tx,
        app::audit::store::Entry {
            actor_id: None,
            ip: "local",
            action: "demo.load",
            entity: "installation",
            entity_id: "1".into(),
            org_id: None,
            before: None,
            after: None,
        },
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    tx.commit().await?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&db.pool).await?.try_get("n")?;
    tracing::info!(users = n, "demo data loaded");
    Ok(true)
}

/// The group's specialty and one journal of the current autumn semester, filled from a timetable,
/// with a plan and some marks, so the grid and the reports have something to show.
async fn journal(tx: &mut sqlx::Transaction<'_, sqlx::Any>, ids: &[(&str, i64)], now: i64) -> Result<i64, Box<dyn std::error::Error>> {
    use app::journal::model::{AcademicHours, Hours};
    use app::journal::semester::{fill, public_holidays, Date, Holiday, Semester, Timetable, TimetableItem, Topic, Weekday};
    let group = lookup(ids, "group");
    sqlx::query("INSERT INTO study_groups (group_id, specialty_code, specialty_name, course, study_form, study_language) VALUES ($1, $2, $3, 2, 'full_time', 'kk')")
        .bind(group)
        .bind("06130100")
        .bind("Бағдарламалық қамтамасыз ету")
        .execute(&mut **tx)
        .await?;
    let teacher: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'teacher'").fetch_one(&mut **tx).await?;
    let students: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM role_assignments WHERE org_id = $1 AND role = 'student' ORDER BY user_id")
            .bind(group)
            .fetch_all(&mut **tx)
            .await?;
    let today = Date::from_epoch_ms(now);
    let year: i64 = today.to_string()[..4].parse()?;
    // The autumn semester with at least two months behind it (so its first attestation has marks).
    let start_year = if today.to_string()[5..7].parse::<u32>()? >= 11 { year } else { year - 1 };
    let semester = Semester::new(
        Date::new(start_year, 9, 1).map_err(|m| format!("{m:?}"))?,
        Date::new(start_year, 12, 31).map_err(|m| format!("{m:?}"))?,
    )
    .map_err(|m| format!("{m:?}"))?;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'five', $6, $3, $7) RETURNING id",
    )
    .bind(group)
    .bind("Деректер қоры")
    .bind(teacher)
    .bind(semester.start().to_string())
    .bind(semester.end().to_string())
    .bind("ИС-21 · Деректер қоры")
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let plan = [
        ("Деректер қорына кіріспе", "4", "theory"),
        ("Реляциялық модель", "4", "theory"),
        ("Сұраулар тілі: деректерді таңдау", "6", "practice"),
        ("Кестелерді біріктіру", "4", "lab"),
        ("Аралық аттестация", "2", "attestation"),
        ("Индекстер және транзакциялар", "6", "theory"),
        ("Қорды жобалау", "8", "practice"),
        ("Қорытынды аттестация", "2", "attestation"),
    ];
    let mut topics = Vec::new();
    for (n, (title, hours, kind)) in plan.iter().enumerate() {
        let hours = Hours::parse_planned(hours).map_err(|m| format!("{m:?}"))?;
        sqlx::query("INSERT INTO ktp_topics (journal_id, position, title, half_hours, lesson_type) VALUES ($1, $2, $3, $4, $5)")
            .bind(journal)
            .bind(n as i64 + 1)
            .bind(*title)
            .bind(i64::from(hours.half_hours()))
            .bind(*kind)
            .execute(&mut **tx)
            .await?;
        topics.push(Topic::new(title, hours).map_err(|m| format!("{m:?}"))?);
    }
    let two = AcademicHours::parse("2").map_err(|m| format!("{m:?}"))?;
    let timetable = Timetable::new(vec![
        TimetableItem { weekday: Weekday::Mon, pair: 1, hours: two, week_parity: None },
        TimetableItem { weekday: Weekday::Thu, pair: 3, hours: two, week_parity: None },
    ])
    .map_err(|m| format!("{m:?}"))?;
    let holidays: Vec<Holiday> = public_holidays(semester).into_iter().map(Holiday::day).collect();
    let filled = fill(semester, &timetable, &holidays, &topics);
    for (n, l) in filled.lessons.iter().enumerate() {
        let (title, kind) = l.topic.map(|t| (plan[t].0, plan[t].2)).unwrap_or(("", "theory"));
        let lesson: i64 = sqlx::query_scalar(
            "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, topic, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(journal)
        .bind(l.date.to_string())
        .bind(i64::from(l.pair))
        .bind(i64::from(l.hours.half_hours()))
        .bind(kind)
        .bind(title)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        // Marks on the lessons that are already past, a few per lesson.
        if l.date >= today {
            continue;
        }
        for (k, student) in students.iter().enumerate() {
            let (mark, attendance): (Option<i64>, Option<&str>) = match (n + k * 2) % 7 {
                0 => (Some(5), None),
                1 => (Some(4), None),
                3 => (Some(3), None),
                5 if kind == "attestation" => (Some(4), None),
                6 => (None, Some("n")),
                _ if kind == "attestation" => (Some(5), None),
                _ => continue,
            };
            sqlx::query(
                "INSERT INTO journal_cells (lesson_id, student_id, mark, attendance, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(lesson)
            .bind(*student)
            .bind(mark)
            .bind(attendance)
            .bind(teacher)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(journal)
}

/// The demo question bank (GIFT, as a teacher would import it) and a proctored test open for
/// two months, so the student accounts can sit it and the proctor can review it.
const DEMO_BANK: &str = "$CATEGORY: Реляциялық модель

::r1:: Реляциялық модельде кесте қалай аталады? {=Қатынас ~Тармақ ~Индекс ~Курсор}

::r2:: Бастапқы кілт (PRIMARY KEY) туралы қайсысы дұрыс? {~%50%Мәндері қайталанбайды ~%50%NULL бола алмайды ~%-100%Кестеде бірнеше бастапқы кілт болады}

::r3:: Бір кестедегі жазбаны басқа кестемен байланыстыратын кілт қалай аталады? {=сыртқы кілт =foreign key =FOREIGN KEY}

$CATEGORY: SQL

::s1:: Жолдарды сүзу үшін қай сөйлем қолданылады? {~ORDER BY =WHERE ~GROUP BY ~HAVING}

::s2:: COUNT(*) кестедегі барлық жолдарды санайды. {T}

::s3:: Сәйкестендіріңіз. {=SELECT -> деректерді оқу =INSERT -> жол қосу =DELETE -> жолды жою}

::s4:: 3 жолы бар кестеде SELECT COUNT(*) нәтижесі неше? {#3}
";

/// The group's students were enrolled by the director's order at the start of their first
/// study year (the group is in its second course), so their cards show where they came from.
async fn enrolments(tx: &mut sqlx::Transaction<'_, sqlx::Any>, group: i64, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let today = app::journal::semester::Date::from_epoch_ms(now).to_string();
    let (year, month): (i64, u32) = (today[..4].parse()?, today[5..7].parse()?);
    let first_year = if month >= 9 { year - 1 } else { year - 2 };
    let on_date = format!("{first_year}-08-28");
    let director: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'director'").fetch_one(&mut **tx).await?;
    let students: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM role_assignments WHERE org_id = $1 AND role = 'student' ORDER BY user_id")
            .bind(group)
            .fetch_all(&mut **tx)
            .await?;
    for student_id in students {
        let movement = app::records::store::NewMovement {
            student_id,
            kind: app::records::model::MovementKind::Enrolled,
            on_date: &on_date,
            from_group: None,
            to_group: Some(group),
            reason: "№ 112-к",
            recorded_by: director,
            recorded_at: now,
        };
        app::records::store::add_movement(tx, &movement).await.map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

async fn exam(tx: &mut sqlx::Transaction<'_, sqlx::Any>, journal: i64, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let (teacher, subject): (i64, String) = {
        let r = sqlx::query("SELECT teacher_id, subject FROM journals WHERE id = $1").bind(journal).fetch_one(&mut **tx).await?;
        (r.try_get("teacher_id")?, r.try_get("subject")?)
    };
    let questions = app::exam::import::parse_gift(DEMO_BANK).map_err(|e| format!("demo bank: {e:?}"))?;
    for q in &questions {
        app::exam::store::insert_question(tx, teacher, &subject, q, now).await.map_err(|e| format!("{e:?}"))?;
    }
    // The mark lands on the journal's last attestation day.
    let lesson: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM lessons WHERE journal_id = $1 AND lesson_type = 'attestation' ORDER BY lesson_date DESC, pair DESC LIMIT 1",
    )
    .bind(journal)
    .fetch_optional(&mut **tx)
    .await?;
    let day = 24 * 3600 * 1000;
    sqlx::query(
        "INSERT INTO exams (journal_id, lesson_id, title, form, opens_at, closes_at, duration_min, draw, proctored, allow_unproctored, created_by, created_at)
         VALUES ($1, $2, $3, 'test', $4, $5, 30, $6, 1, 1, $7, $8)",
    )
    .bind(journal)
    .bind(lesson)
    .bind("Деректер қоры: аралық тест")
    .bind(now - day)
    .bind(now + 60 * day)
    .bind(r#"[["Реляциялық модель",2],["SQL",3]]"#)
    .bind(teacher)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The demo pupils of the olympiad: (full name, grade, language, Математика, Қазақ тілі in
/// points). The first signs in as `olympiad.pupil`; the others have their IIN as login.
const OLYMPIAD_PUPILS: &[(&str, i64, &str, &str, &str)] = &[
    ("Әлия Нұрланқызы Сапарова", 6, "kk", "38.5", "41"),
    ("Бекзат Ерболұлы Жақсылықов", 6, "ru", "44", "29.5"),
    ("Ерлан Асқарұлы Мұқанов", 6, "kk", "38.5", "35"),
    ("Дана Болатқызы Иманова", 7, "kk", "47", "39"),
    ("Фарида Серікқызы Омарова", 7, "ru", "31", "44.5"),
];

/// A finished olympiad campaign on the demo school: pupils registered by the demo olympiad
/// teacher, results (as if imported after stage 1), winners computed (the best 2 of the
/// region in each grade and subject), published, and certificates issued, so the public
/// winners page, the certificate check and the pupil's certificates have something to show.
async fn olympiad(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ids: &[(&str, i64)],
    hash: &str,
    now: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    use app::auth::iin::Iin;
    use app::olympiad::model::{Pupil, Stages};
    let e = |e: app::error::AppError| format!("{e:?}");
    let day = 86_400_000;
    let (school, region) = (lookup(ids, "school"), lookup(ids, "region"));
    sqlx::query("INSERT INTO school_profiles (org_id, code, rural, languages, search_key, updated_at) VALUES ($1, 'AK-BUR-001', 1, 'kk,ru', $2, $3)")
        .bind(school)
        .bind(app::olympiad::directory::store::search_key("Бурабай ауылының №1 мектебі", "AK-BUR-001"))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    // The specialised school winners may apply to (in the finished campaign's registry below).
    let gifted = lookup(ids, "gifted");
    sqlx::query(
        "INSERT INTO school_profiles (org_id, code, rural, languages, search_key, updated_at) VALUES ($1, 'AK-FM-01', 0, 'kk,ru', $2, $3)",
    )
    .bind(gifted)
    .bind(app::olympiad::directory::store::search_key("Көкшетау физика-математика мектебі", "AK-FM-01"))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let operator: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'admin'").fetch_one(&mut **tx).await?;
    let teacher: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'olympiad.teacher'").fetch_one(&mut **tx).await?;
    let stages = Stages {
        teacher_reg_opens: now - 90 * day,
        teacher_reg_closes: now - 60 * day,
        participant_reg_opens: now - 75 * day,
        participant_reg_closes: now - 40 * day,
        results_at: now - 20 * day,
        applications_opens: now - 15 * day,
        applications_closes: now + 30 * day,
    };
    let subjects = vec!["Математика".to_string(), "Қазақ тілі".to_string()];
    let campaign =
        app::olympiad::campaign::store::insert_campaign(tx, "«Мың бала» демо", &stages, (5, 9), true, &subjects, operator, now - 100 * day)
            .await
            .map_err(e)?;
    app::olympiad::stage::window::set_window(tx, campaign, region, now - 30 * day, now - 29 * day, now).await.map_err(e)?;
    sqlx::query("INSERT INTO olympiad_teachers (campaign_id, user_id, school_id, created_at, confirmed_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(campaign)
        .bind(teacher)
        .bind(school)
        .bind(now - 70 * day)
        .execute(&mut **tx)
        .await?;
    let mut iins = pupil_iins();
    let mut writes = Vec::new();
    for (i, (name, grade, language, maths, kazakh)) in OLYMPIAD_PUPILS.iter().enumerate() {
        let iin = Iin::parse(&iins.next().ok_or("no IIN")?).map_err(|m| format!("{m:?}"))?;
        let pupil = Pupil { iin: iin.clone(), full_name: name.to_string(), grade: *grade, language };
        let participant = app::olympiad::registration::store::add_participant(tx, campaign, school, teacher, &pupil, now - 50 * day)
            .await
            .map_err(e)?
            .map_err(|m| format!("{m:?}"))?;
        // The pupils set their own password from their card; the demo gives them the demo one.
        sqlx::query("UPDATE users SET password_hash = $1 WHERE iin = $2").bind(hash).bind(iin.as_str()).execute(&mut **tx).await?;
        // Their parents' signed forms, recorded by the teacher at registration (olympiad only:
        // the pupils agree to proctoring on the screen, as the tour shows).
        let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE iin = $1").bind(iin.as_str()).fetch_one(&mut **tx).await?;
        let form = app::consent::store::Giving {
            user_id: user,
            purpose: app::consent::model::Purpose::Olympiad,
            given_by: app::consent::model::GivenBy::Guardian,
            guardian_name: None,
            recorded_by: Some(teacher),
        };
        app::consent::store::give(tx, &form, (teacher, "127.0.0.1"), Some(school), now - 50 * day).await.map_err(e)?;
        if i == 0 {
            sqlx::query("UPDATE users SET login = 'olympiad.pupil' WHERE iin = $1").bind(iin.as_str()).execute(&mut **tx).await?;
        }
        for (subject, score) in subjects.iter().zip([maths, kazakh]) {
            let score = app::olympiad::results::file::parse_points(score).map_err(|m| format!("{m:?}"))?;
            writes.push(app::olympiad::results::standings::ResultWrite {
                row: 0,
                iin: iin.as_str().to_string(),
                before: None,
                participant_id: participant,
                subject: subject.clone(),
                values: app::olympiad::results::file::ResultValues {
                    score,
                    violations: 0,
                    time_used_ms: 40 * 60_000 + i as i64 * 61_000,
                    annulled: false,
                },
            });
        }
    }
    app::olympiad::results::standings::write_results(tx, campaign, &writes, now - 28 * day).await.map_err(e)?;
    app::olympiad::results::standings::store_ranking(
        tx,
        campaign,
        app::olympiad::results::ranking::WinnerRule::QuotaPerRegion(2),
        now - 21 * day,
    )
    .await
    .map_err(e)?;
    app::olympiad::results::standings::publish(tx, campaign, now - 20 * day).await.map_err(e)?;
    app::olympiad::results::certificates::issue_all(tx, campaign, operator, now - 19 * day).await.map_err(e)?;
    // Winners apply until the applications close (in 30 days): three seats.
    sqlx::query("INSERT INTO olympiad_specialised_schools (campaign_id, school_id, seats) VALUES ($1, $2, 3)")
        .bind(campaign)
        .bind(gifted)
        .execute(&mut **tx)
        .await?;
    let first_pupil = Iin::parse(&pupil_iins().next().ok_or("no IIN")?).map_err(|m| format!("{m:?}"))?;
    live_olympiad(tx, operator, teacher, school, region, &first_pupil, now).await
}

/// Valid IINs of pupils born on 15 March 2013 (7th digit 5/6: born in the 2000s), in order:
/// the first is `olympiad.pupil`'s.
fn pupil_iins() -> impl Iterator<Item = String> {
    (0u32..).filter_map(|k| {
        let first = format!("1303156{k:04}");
        let mut digits = [0u8; 11];
        for (d, b) in digits.iter_mut().zip(first.bytes()) {
            *d = b - b'0';
        }
        app::auth::iin::check_digit(&digits).map(|c| format!("{first}{c}"))
    })
}

/// The questions of the live demo stage: three per grade and language (bank topics "6-kk",
/// "6-ru", "7-kk", "7-ru"), in the operator's bank for Математика.
const LIVE_BANK: &str = "$CATEGORY: 6-kk

::6kk1:: 12 + 30 = ? {=42 ~32 ~52}

::6kk2:: 7 × 8 = ? {=56 ~54 ~64}

::6kk3:: Үшбұрыштың бұрыштарының қосындысы, градуспен? {=180 ~90 ~360}

$CATEGORY: 6-ru

::6ru1:: 12 + 30 = ? {=42 ~32 ~52}

::6ru2:: 7 × 8 = ? {=56 ~54 ~64}

::6ru3:: Сумма углов треугольника в градусах? {=180 ~90 ~360}

$CATEGORY: 7-kk

::7kk1:: 2x = 14 болса, x = ? {=7 ~12 ~28}

::7kk2:: 15-тің 20%-ы = ? {=3 ~5 ~20}

::7kk3:: Шаршының қабырғасы 5 см. Ауданы, см²? {=25 ~20 ~10}

$CATEGORY: 7-ru

::7ru1:: Если 2x = 14, то x = ? {=7 ~12 ~28}

::7ru2:: 20% от 15 = ? {=3 ~5 ~20}

::7ru3:: Сторона квадрата 5 см. Площадь, см²? {=25 ~20 ~10}

";

/// A campaign under way, «Мың бала» 2027 (Математика, grades 6–7, rural schools): unlike a
/// real campaign, teacher and pupil registration and the demo region's stage-1 window are
/// all open now, so every step can be tried at once: a teacher registers on the public page
/// and registers pupils, who are seated at once; `olympiad.pupil` is registered (grade 6,
/// Kazakh) and can sit the stage from /exams; the operator (`admin`) watches the variants,
/// closes the window and issues certificates.
async fn live_olympiad(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    operator: i64,
    teacher: i64,
    school: i64,
    region: i64,
    pupil_iin: &app::auth::iin::Iin,
    now: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    use app::olympiad::model::{Pupil, Stages};
    let e = |e: app::error::AppError| format!("{e:?}");
    let day = 86_400_000;
    let stages = Stages {
        teacher_reg_opens: now - 10 * day,
        teacher_reg_closes: now + 60 * day,
        participant_reg_opens: now - 10 * day,
        participant_reg_closes: now + 60 * day,
        results_at: now + 90 * day,
        applications_opens: now + 91 * day,
        applications_closes: now + 120 * day,
    };
    let subjects = vec!["Математика".to_string()];
    let campaign =
        app::olympiad::campaign::store::insert_campaign(tx, "«Мың бала» 2027", &stages, (6, 7), true, &subjects, operator, now - 11 * day)
            .await
            .map_err(e)?;
    for q in app::exam::import::parse_file("bank.gift", LIVE_BANK.as_bytes()).map_err(|e| format!("{e:?}"))? {
        app::exam::store::insert_question(tx, operator, "Математика", &q, now).await.map_err(e)?;
    }
    app::olympiad::stage::window::set_window(tx, campaign, region, now - day, now + 60 * day, now).await.map_err(e)?;
    // Three quarters of the olympiad's candidates sit on a phone: the demo stage allows them.
    app::olympiad::stage::sitting::ssr::prepare(tx, campaign, operator, 3, 40, app::proctor::settings::ProctorMode::AnyDevice, now)
        .await
        .map_err(e)?;
    sqlx::query("INSERT INTO olympiad_teachers (campaign_id, user_id, school_id, created_at, confirmed_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(campaign)
        .bind(teacher)
        .bind(school)
        .bind(now - 9 * day)
        .execute(&mut **tx)
        .await?;
    let pupil = Pupil { iin: pupil_iin.clone(), full_name: OLYMPIAD_PUPILS[0].0.to_string(), grade: 6, language: "kk" };
    // The pupil of the finished campaign, entered again with the account they already have.
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE iin = $1").bind(pupil_iin.as_str()).fetch_one(&mut **tx).await?;
    app::olympiad::registration::store::add_owned_participant(tx, campaign, school, teacher, user, &pupil, now - 8 * day)
        .await
        .map_err(e)?;
    Ok(())
}

/// One application in the clerk's queue: student3 asks for free meals (submitted, its statutory
/// term running). Demo rows carry no document file (the demo loader writes no media).
async fn service_application(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ids: &[(&str, i64)],
    now: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    use app::services::model::{due_date, service};
    let student: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'student3'").fetch_one(&mut **tx).await?;
    let def = service("free_meals").ok_or("no free_meals service")?;
    let due = due_date(app::journal::semester::Date::from_epoch_ms(now), def.term).to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_applications (service, applicant_id, college_id, request_key, fields, result_lang, status, submitted_at, due_on, updated_at)
         VALUES ('free_meals', $1, $2, 'demo-application-0001', '{\"category\":\"large_family\"}', 'kk', 'submitted', $3, $4, $3) RETURNING id",
    )
    .bind(student)
    .bind(lookup(ids, "college"))
    .bind(now)
    .bind(due)
    .fetch_one(&mut **tx)
    .await?;
    app::audit::store::record(
        tx,
        app::audit::store::Entry {
            actor_id: Some(student),
            ip: "local",
            action: "service.submit",
            entity: "service_application",
            entity_id: id.to_string(),
            org_id: Some(lookup(ids, "college")),
            before: Some(serde_json::json!({ "status": "submitted" })),
            after: Some(serde_json::json!({ "status": "submitted", "comment": "", "service": "free_meals" })),
        },
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    Ok(())
}

fn lookup(ids: &[(&str, i64)], key: &str) -> i64 {
    ids.iter().find(|(k, _)| *k == key).map(|(_, id)| *id).unwrap_or(1)
}

/// Applicants of the demo college's open campaign: (login, full name, certificate average in
/// hundredths, categories). `applicant` has not applied yet (the tour's applicant applies).
const APPLICANTS: &[(&str, &str, i64, &str)] = &[
    ("applicant", "Нұрсұлтан Бекұлы Омаров", 0, ""),
    ("applicant2", "Жанерке Талғатқызы Сейітова", 462, "rural"),
    ("applicant3", "Ислам Русланұлы Ахметов", 418, ""),
];

/// Valid IINs of applicants born on 10 June 2010, in order.
fn applicant_iins() -> impl Iterator<Item = String> {
    (0u32..).filter_map(|k| {
        let first = format!("1006105{k:04}");
        let mut digits = [0u8; 11];
        for (d, b) in digits.iter_mut().zip(first.bytes()) {
            *d = b - b'0';
        }
        app::auth::iin::check_digit(&digits).map(|c| format!("{first}{c}"))
    })
}

/// Admission at the demo college: last year's campaign, ranked and published (its public list
/// shows the students of ИС-21 who won grants then), and this year's, open, with two
/// applications already accepted, so the committee has something to rank and `applicant` can
/// apply.
async fn admission(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ids: &[(&str, i64)],
    hash: &str,
    now: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    let college = lookup(ids, "college");
    let group = lookup(ids, "group");
    let year: i64 = app::journal::semester::Date::from_epoch_ms(now).to_string()[..4].parse()?;
    let campaign = |y: i64, title: &'static str, status: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO admission_campaigns (college_id, year, title, max_choices, status, published_at, created_at)
             VALUES ($1, $2, $3, 3, $4, $5, $5) RETURNING id",
        )
        .bind(college)
        .bind(y)
        .bind(title)
        .bind(status)
        .bind(now)
    };
    let offer = |campaign: i64, name: &'static str, language: &'static str, places: i64, orphan: i64, rural: i64| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO admission_offers (campaign_id, specialty_code, specialty_name, study_language, places, quota_orphan, quota_rural)
             VALUES ($1, '06130100', $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(campaign)
        .bind(name)
        .bind(language)
        .bind(places)
        .bind(orphan)
        .bind(rural)
    };
    let mut iins = applicant_iins();
    let mut application = |campaign: i64, user: i64, name: String, score: i64, cats: &'static str, at: i64| {
        let iin = iins.next().unwrap_or_default();
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO admission_applications (campaign_id, user_id, iin, full_name, phone, certificate_score, categories, status,
                 request_key, submitted_at, updated_at, receipt_code, accepted_at)
             VALUES ($1, $2, $3, $4, '+77010000000', $5, $6, 'accepted', 'demo', $7, $7, $8, $7) RETURNING id",
        )
        .bind(campaign)
        .bind(user)
        .bind(iin)
        .bind(name)
        .bind(score)
        .bind(cats)
        .bind(at)
        // Accepted, so each has its receipt (and its check page).
        .bind(app::auth::ssr::random_token())
    };
    let choice = |application: i64, offer: i64| {
        sqlx::query("INSERT INTO admission_choices (application_id, preference, offer_id) VALUES ($1, 1, $2)").bind(application).bind(offer)
    };

    // Last year's: two grants of three places' worth of applicants (one by the orphans' quota).
    let past = campaign(year - 1, "Қабылдау", "published").fetch_one(&mut **tx).await?;
    let past_offer = offer(past, "Бағдарламалық қамтамасыз ету", "kk", 2, 1, 0).fetch_one(&mut **tx).await?;
    let students = [("student1", 485, "", "general"), ("student2", 440, "orphan", "quota:orphan"), ("student3", 410, "", "none")];
    for (n, (login, score, cats, outcome)) in students.into_iter().enumerate() {
        let (user, name): (i64, String) =
            sqlx::query_as("SELECT id, full_name FROM users WHERE login = $1").bind(login).fetch_one(&mut **tx).await?;
        let id = application(past, user, name, score, cats, now - 300_000_000 + n as i64).fetch_one(&mut **tx).await?;
        choice(id, past_offer).execute(&mut **tx).await?;
        sqlx::query("INSERT INTO admission_list_rows (offer_id, position, application_id, score, outcome) VALUES ($1, $2, $3, $4, $5)")
            .bind(past_offer)
            .bind(n as i64 + 1)
            .bind(id)
            .bind(score)
            .bind(outcome)
            .execute(&mut **tx)
            .await?;
        if outcome != "none" {
            sqlx::query("UPDATE admission_applications SET enrolled_group = $1 WHERE id = $2")
                .bind(group)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }

    // This year's, open: Kazakh and Russian groups of the same specialty.
    let open = sqlx::query_scalar::<_, i64>(
        "INSERT INTO admission_campaigns (college_id, year, title, max_choices, status, created_at) VALUES ($1, $2, 'Қабылдау', 3, 'open', $3) RETURNING id",
    )
    .bind(college)
    .bind(year)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let kk = offer(open, "Бағдарламалық қамтамасыз ету", "kk", 3, 1, 1).fetch_one(&mut **tx).await?;
    let ru = offer(open, "Программное обеспечение", "ru", 2, 0, 0).fetch_one(&mut **tx).await?;
    for (n, (login, name, score, cats)) in APPLICANTS.iter().enumerate() {
        let login = Login::parse(login).map_err(|m| format!("{m:?}"))?;
        let email = Email::parse(&format!("{}@demo.talap.kz", login.as_str())).map_err(|m| format!("{m:?}"))?;
        let user =
            app::auth::store::insert_user(tx, &login, name, Some(&email), None, hash, Locale::Ru).await.map_err(|e| format!("{e:?}"))?;
        if *score > 0 {
            let id = application(open, user, name.to_string(), *score, cats, now - 86_400_000 + n as i64).fetch_one(&mut **tx).await?;
            choice(id, if n % 2 == 0 { ru } else { kk }).execute(&mut **tx).await?;
        }
    }
    Ok(())
}
