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
    ("proctor", "Динара Асқарқызы Омарова", Role::Proctor, "region"),
    ("school.admin", "Марат Болатұлы Сейітов", Role::SchoolAdmin, "school"),
    ("olympiad.teacher", "Гүлнар Маратқызы Әлиева", Role::OlympiadTeacher, "school"),
    ("student1", "Әлихан Ержанұлы Сапаров", Role::Student, "group"),
    ("student2", "Аружан Мұратқызы Қасымова", Role::Student, "group"),
    ("student3", "Данияр Асанұлы Төлеуов", Role::Student, "group"),
];

pub fn logins() -> Vec<(&'static str, &'static str)> {
    PEOPLE.iter().map(|p| (p.0, role_label(p.2))).collect()
}

fn role_label(r: Role) -> &'static str {
    r.msg().text(Locale::En)
}

/// Loads the demo data if there are no users yet. One transaction: all or nothing.
pub async fn load_if_empty(db: &Db) -> Result<bool, Box<dyn std::error::Error>> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await?;
    if users > 0 {
        return Ok(false);
    }
    let hash = app::auth::ssr::hash_password(DEMO_PASSWORD).await.map_err(|e| e.to_string())?;
    let now = app::api::now_ms();
    let mut tx = db.pool.begin().await?;
    // (key, parent key, kind, name)
    let plan = [
        ("region", "root", "region", "Ақмола облысы"),
        ("district", "region", "district", "Бурабай ауданы"),
        ("college", "region", "college", "Көкшетау жоғары политехникалық колледжі"),
        ("group", "college", "group", "ИС-21"),
        ("school", "district", "school", "Бурабай ауылының №1 мектебі"),
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

fn lookup(ids: &[(&str, i64)], key: &str) -> i64 {
    ids.iter().find(|(k, _)| *k == key).map(|(_, id)| *id).unwrap_or(1)
}
