//! Notifications through real transports: a tiny SMTP server and an HTTP SMS gateway run
//! inside the test, the outbox is drained by the same `drain_once` the worker uses, and we
//! check what the recipient's mail client or phone would get and what the operator sees in
//! the outbox table.

use crate::common;

use app::db::Db;
use app::notify::model::Channel;
use app::notify::outbox::{enqueue, Outgoing};
use axum::extract::State;
use axum::http::{header::AUTHORIZATION, HeaderMap, StatusCode};
use axum::Json;
use common::{fresh_db, Backend};
use server::config::{Cli, Config};
use server::notify::{drain_once, Notifier};
use sqlx::Row;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

backends!(
    email_over_smtp,
    sms_over_http,
    failed_sms_is_retried,
    concurrent_drains_send_once,
    in_app_goes_to_inbox,
    a_code_is_kept_hashed_and_leaves_the_outbox_once_sent,
    without_a_gateway_outside_demo_no_code_is_logged_or_marked_sent,
    demo_data_is_refused_on_an_https_site_unless_forced
);

fn config() -> Config {
    Config::from_cli(Cli { config: "/nonexistent".into(), ..Default::default() }).expect("config")
}

fn now_ms() -> i64 {
    app::api::now_ms()
}

async fn queue(db: &Db, channel: Channel, user_id: Option<i64>, recipient: &str, subject: &str, body: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let id = enqueue(&mut tx, Outgoing { channel, user_id, recipient, subject, body, secret: false }).await.expect("enqueue");
    tx.commit().await.unwrap();
    id
}

#[derive(Debug)]
struct OutboxRow {
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    sent_at: Option<i64>,
}

async fn outbox_row(db: &Db, id: i64) -> OutboxRow {
    let r = sqlx::query("SELECT status, attempts, next_attempt_at, last_error, sent_at FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    OutboxRow {
        status: r.get("status"),
        attempts: r.get("attempts"),
        next_attempt_at: r.get("next_attempt_at"),
        last_error: r.get("last_error"),
        sent_at: r.get("sent_at"),
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal SMTP server (RFC 5321 without TLS or AUTH) that hands every accepted message over.

#[derive(Debug)]
struct ReceivedMail {
    mail_from: String,
    rcpt_to: Vec<String>,
    /// The message as transmitted after DATA, dot-stuffing undone.
    data: String,
}

async fn smtp_server() -> (u16, mpsc::UnboundedReceiver<ReceivedMail>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(smtp_session(socket, tx.clone()));
        }
    });
    (port, rx)
}

/// `MAIL FROM:<a@b>` -> `a@b`
fn angle_address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.rfind('>').unwrap_or(command.len());
    command[start..end.max(start)].to_string()
}

async fn smtp_session(socket: TcpStream, mails: mpsc::UnboundedSender<ReceivedMail>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 mx.test.local ESMTP ready\r\n").await?;
    let (mut mail_from, mut rcpt_to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let verb = command.split([' ', ':']).next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 mx.test.local\r\n",
            "MAIL" => {
                mail_from = angle_address(&command);
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" => {
                rcpt_to.push(angle_address(&command));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let mail = ReceivedMail { mail_from: std::mem::take(&mut mail_from), rcpt_to: std::mem::take(&mut rcpt_to), data };
                let _ = mails.send(mail);
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.1 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

// What a mail client does with the transmitted text: unfold and decode headers (RFC 2047),
// decode the body by its Content-Transfer-Encoding.

fn base64_decode(s: &str) -> Vec<u8> {
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue, // padding and line breaks
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable; `underscore_is_space` for the Q encoding of header words.
fn qp_decode(s: &str, underscore_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("=XX escape"));
                i += 3;
            }
            b'_' if underscore_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn decode_header_value(value: &str) -> String {
    let mut out = String::new();
    let mut previous_encoded = false;
    for word in value.split_whitespace() {
        let parts: Vec<&str> = word.split('?').collect();
        let encoded = word.starts_with("=?") && word.ends_with("?=") && parts.len() == 5;
        if !out.is_empty() && !(encoded && previous_encoded) {
            out.push(' ');
        }
        if encoded {
            assert!(parts[1].eq_ignore_ascii_case("utf-8"), "charset of {word}");
            let bytes = match parts[2] {
                "b" | "B" => base64_decode(parts[3]),
                _ => qp_decode(parts[3], true),
            };
            out.push_str(&String::from_utf8(bytes).expect("utf-8 header word"));
        } else {
            out.push_str(word);
        }
        previous_encoded = encoded;
    }
    out
}

struct ParsedMail {
    headers: Vec<(String, String)>,
    body: String,
}

impl ParsedMail {
    fn parse(data: &str) -> ParsedMail {
        let (head, body) = data.split_once("\r\n\r\n").expect("blank line after headers");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let headers: Vec<(String, String)> = unfolded
            .split("\r\n")
            .map(|l| {
                let (k, v) = l.split_once(':').expect("header line");
                (k.trim().to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        let mut mail = ParsedMail { headers, body: String::new() };
        let encoding = mail.raw("content-transfer-encoding").unwrap_or("7bit").to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => base64_decode(body),
            "quoted-printable" => qp_decode(body, false),
            _ => body.as_bytes().to_vec(),
        };
        mail.body = String::from_utf8(bytes).expect("utf-8 body").replace("\r\n", "\n");
        mail
    }

    fn raw(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> String {
        decode_header_value(self.raw(name).unwrap_or_else(|| panic!("no {name} header")))
    }
}

// ---------------------------------------------------------------------------------------------
// An HTTP SMS gateway that records each request and fails the first `fail_first` of them.

#[derive(Clone, Debug)]
struct GatewayHit {
    authorization: Option<String>,
    body: serde_json::Value,
}

type Hits = Arc<Mutex<Vec<GatewayHit>>>;

async fn sms_gateway(fail_first: usize) -> (String, Hits) {
    async fn handle(
        State((hits, fail_first)): State<(Hits, usize)>,
        headers: HeaderMap,
        Json(body): Json<serde_json::Value>,
    ) -> StatusCode {
        let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(String::from);
        let mut hits = hits.lock().unwrap();
        hits.push(GatewayHit { authorization, body });
        if hits.len() <= fail_first {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        }
    }
    let hits: Hits = Arc::default();
    let router = axum::Router::new().route("/v1/sms", axum::routing::post(handle)).with_state((hits.clone(), fail_first));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/v1/sms"), hits)
}

fn sms_notifier(url: String, token: &str) -> Notifier {
    let mut c = config();
    c.sms_url = Some(url);
    c.sms_token = Some(token.to_string());
    Notifier::from_config(&c).expect("notifier")
}

// ---------------------------------------------------------------------------------------------

async fn email_over_smtp(backend: Backend) {
    let t = fresh_db(backend).await;
    let (port, mut inbox) = smtp_server().await;
    let mut c = config();
    c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    let notifier = Notifier::from_config(&c).expect("notifier");

    let subject = "Құпиясөз коды 123456";
    let body = "Сәлеметсіз бе!\nҚұпиясөзді қалпына келтіру коды: 123456\nКод 15 минут жарамды.";
    let id = queue(&t.db, Channel::Email, None, "aigerim@example.kz", subject, body).await;
    assert_eq!(outbox_row(&t.db, id).await.status, "pending");

    assert_eq!(drain_once(&t.db, &notifier).await, 1);
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv())
        .await
        .expect("the SMTP server got a message in time")
        .unwrap();

    assert_eq!(mail.mail_from, "no-reply@talap.local");
    assert_eq!(mail.rcpt_to, vec!["aigerim@example.kz".to_string()]);
    // The server offered no 8BITMIME, so the message must travel 7-bit clean.
    assert!(mail.data.is_ascii(), "non-ASCII bytes on the wire:\n{}", mail.data);
    let parsed = ParsedMail::parse(&mail.data);
    assert_eq!(parsed.header("to"), "aigerim@example.kz");
    assert!(parsed.header("from").contains("no-reply@talap.local"), "{}", parsed.header("from"));
    assert_eq!(parsed.header("subject"), subject);
    let content_type = parsed.header("content-type").to_ascii_lowercase();
    assert!(content_type.starts_with("text/plain") && content_type.contains("charset=utf-8"), "{content_type}");
    assert_eq!(parsed.body.trim_end(), body);

    let row = outbox_row(&t.db, id).await;
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "{row:?}");
    assert!(row.sent_at.is_some() && row.last_error.is_none(), "{row:?}");
    // Nothing left to send: a second pass sends no copy.
    assert_eq!(drain_once(&t.db, &notifier).await, 0);
    assert!(inbox.try_recv().is_err(), "a second copy of the email was sent");
}

async fn sms_over_http(backend: Backend) {
    let t = fresh_db(backend).await;
    let (url, hits) = sms_gateway(0).await;
    let notifier = sms_notifier(url, "s3cret-token");

    let text = "Talap: растау коды 654321";
    let id = queue(&t.db, Channel::Sms, None, "+77011234567", "", text).await;
    assert_eq!(drain_once(&t.db, &notifier).await, 1);

    let hits = hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].body, serde_json::json!({"to": "+77011234567", "text": text}));
    assert_eq!(hits[0].authorization.as_deref(), Some("Bearer s3cret-token"));
    let row = outbox_row(&t.db, id).await;
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "{row:?}");
    assert!(row.sent_at.is_some(), "{row:?}");
}

async fn failed_sms_is_retried(backend: Backend) {
    let t = fresh_db(backend).await;
    let (url, hits) = sms_gateway(1).await;
    let notifier = sms_notifier(url, "tok");
    let id = queue(&t.db, Channel::Sms, None, "+77011234567", "", "Код: 111222").await;

    // First attempt: the gateway is down (503); the message waits for a retry.
    assert_eq!(drain_once(&t.db, &notifier).await, 1);
    let row = outbox_row(&t.db, id).await;
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1), "{row:?}");
    assert!(row.last_error.as_deref().is_some_and(|e| e.contains("503")), "{row:?}");
    assert!(row.next_attempt_at > now_ms(), "retry must wait: {row:?}");
    assert!(row.sent_at.is_none(), "{row:?}");
    // Not due yet: another pass does not touch it.
    assert_eq!(drain_once(&t.db, &notifier).await, 0);
    assert_eq!(hits.lock().unwrap().len(), 1);

    // The backoff has passed.
    sqlx::query("UPDATE outbox SET next_attempt_at = 0 WHERE id = $1").bind(id).execute(&t.db.pool).await.unwrap();
    assert_eq!(drain_once(&t.db, &notifier).await, 1);
    let row = outbox_row(&t.db, id).await;
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 2), "{row:?}");
    assert!(row.last_error.is_none() && row.sent_at.is_some(), "{row:?}");

    assert_eq!(drain_once(&t.db, &notifier).await, 0);
    let hits = hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 2, "the gateway must see one failed and one successful request: {hits:?}");
    assert!(hits.iter().all(|h| h.body["text"] == "Код: 111222" && h.body["to"] == "+77011234567"));
}

async fn concurrent_drains_send_once(backend: Backend) {
    let t = fresh_db(backend).await;
    let (url, hits) = sms_gateway(0).await;
    let notifier = sms_notifier(url, "tok");
    let mut ids = Vec::new();
    for i in 1..=5 {
        ids.push(queue(&t.db, Channel::Sms, None, "+77011234567", "", &format!("message {i}")).await);
    }

    // Two app nodes polling at the same moment.
    let (a, b) = tokio::join!(drain_once(&t.db, &notifier), drain_once(&t.db, &notifier));
    assert_eq!(a + b, 5, "each message is claimed by exactly one drain (got {a} + {b})");
    assert_eq!(drain_once(&t.db, &notifier).await, 0);

    let hits = hits.lock().unwrap().clone();
    for i in 1..=5 {
        let text = format!("message {i}");
        let n = hits.iter().filter(|h| h.body["text"] == text.as_str()).count();
        assert_eq!(n, 1, "{text} reached the gateway {n} times");
    }
    assert_eq!(hits.len(), 5);
    for id in ids {
        let row = outbox_row(&t.db, id).await;
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 1), "{row:?}");
    }
}

async fn in_app_goes_to_inbox(backend: Backend) {
    let t = fresh_db(backend).await;
    let mut tx = t.db.begin().await.unwrap();
    let login = app::auth::model::Login::parse("dana").unwrap();
    let user_id = app::auth::store::insert_user(&mut tx, &login, "Dana", None, None, app::auth::ssr::DUMMY_HASH, app::i18n::Locale::Kk)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let id = queue(&t.db, Channel::InApp, Some(user_id), "", "Жаңа баға", "Математика: 5").await;

    let inbox = sqlx::query("SELECT user_id, subject, body, read_at FROM inbox_messages").fetch_all(&t.db.pool).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].get::<i64, _>("user_id"), user_id);
    assert_eq!(inbox[0].get::<String, _>("subject"), "Жаңа баға");
    assert_eq!(inbox[0].get::<String, _>("body"), "Математика: 5");
    assert_eq!(inbox[0].get::<Option<i64>, _>("read_at"), None, "a new message is unread");
    let row = outbox_row(&t.db, id).await;
    assert_eq!(row.status, "sent", "{row:?}");
    assert!(row.sent_at.is_some(), "{row:?}");

    // The worker has nothing to do for it and does not deliver it a second time.
    let notifier = Notifier::from_config(&config()).expect("notifier");
    assert_eq!(drain_once(&t.db, &notifier).await, 0);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox_messages").fetch_one(&t.db.pool).await.unwrap();
    assert_eq!(count, 1);

    // An in-app message rolled back with its transaction leaves no trace.
    let mut tx = t.db.begin().await.unwrap();
    let outgoing = Outgoing { channel: Channel::InApp, user_id: Some(user_id), recipient: "", subject: "x", body: "y", secret: false };
    enqueue(&mut tx, outgoing).await.unwrap();
    tx.rollback().await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox_messages").fetch_one(&t.db.pool).await.unwrap();
    assert_eq!(count, 1);
}

// ---------------------------------------------------------------------------------------------
// Secrets (issue 14, item 6): codes are stored hashed, the outbox keeps a code's text only until
// it is sent, and outside demo mode a missing gateway is a configuration error, not a log line.

async fn a_code_is_kept_hashed_and_leaves_the_outbox_once_sent(backend: Backend) {
    let app = common::spawn_app(backend).await;
    let user = app.make_user("aigerim", "aigerim-pass-123", None).await;
    sqlx::query("UPDATE users SET email = 'aigerim@example.kz' WHERE id = $1").bind(user).execute(&app.db.pool).await.unwrap();
    let r = app.call(&app.client(), "/api/auth/reset/request", &[("contact", "aigerim"), ("channel", "email")]).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'aigerim@example.kz'").fetch_one(&app.db.pool).await.unwrap();
    let code = body.split(|c: char| !c.is_ascii_digit()).find(|s| s.len() == 6).expect("a code waiting to be sent").to_string();
    // The code table holds a hash, never the code.
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM verification_codes").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains(&code) && stored[0].len() == 64, "{stored:?}");

    let (port, mut inbox) = smtp_server().await;
    let mut c = config();
    c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    assert_eq!(drain_once(&app.db, &Notifier::from_config(&c).expect("notifier")).await, 1);
    let mail = tokio::time::timeout(std::time::Duration::from_secs(10), inbox.recv()).await.expect("mail in time").unwrap();
    assert!(ParsedMail::parse(&mail.data).body.contains(&code), "the person gets the code");
    // Sent: the outbox keeps that a message went, not the code.
    let (status, kept): (String, String) =
        sqlx::query_as("SELECT status, body FROM outbox WHERE recipient = 'aigerim@example.kz'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(status, "sent");
    assert!(!kept.contains(&code), "the code is still in the outbox: {kept}");
    assert_eq!(kept, app::notify::outbox::SENT_SECRET_BODY);
    // The code still works for its owner.
    let r = app
        .call(&app.client(), "/api/auth/reset/confirm", &[("contact", "aigerim"), ("code", &code), ("new_password", "Jana-pass-2027")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn without_a_gateway_outside_demo_no_code_is_logged_or_marked_sent(backend: Backend) {
    let t = fresh_db(backend).await;
    // The server does not start: the configuration names what is missing.
    let c = config();
    let refused = c.check().expect_err("no gateways outside demo mode");
    assert!(refused.contains("SMTP") && refused.contains("SMS"), "{refused}");
    let mut only_mail = config();
    only_mail.smtp_url = Some("smtp://127.0.0.1:2525".into());
    assert!(only_mail.check().expect_err("no SMS gateway").contains("SMS"));
    only_mail.sms_url = Some("http://127.0.0.1:9/v1/sms".into());
    assert_eq!(only_mail.check(), Ok(()));
    let mut demo = config();
    demo.demo = true;
    assert_eq!(demo.check(), Ok(()), "demo mode logs messages instead");
    // A notifier built without them anyway does not pass a code off as sent (to the log).
    let id = queue(&t.db, Channel::Email, None, "aigerim@example.kz", "Код", "Құпиясөз коды: 123456").await;
    let sms = queue(&t.db, Channel::Sms, None, "+77011234567", "", "Код: 654321").await;
    assert_eq!(drain_once(&t.db, &Notifier::from_config(&c).expect("notifier")).await, 2);
    for id in [id, sms] {
        let row = outbox_row(&t.db, id).await;
        assert_eq!(row.status, "pending", "{row:?}");
        assert!(row.sent_at.is_none() && row.last_error.as_deref().is_some_and(|e| e.contains("configured")), "{row:?}");
    }
}

async fn demo_data_is_refused_on_an_https_site_unless_forced(backend: Backend) {
    let t = fresh_db(backend).await;
    let mut c = config();
    c.database_url = t.url.clone();
    c.demo = true;
    c.public_url = "https://talap.example.kz".into();
    let refused = server::open_database(&c).await.err().expect("demo data refused on https").to_string();
    assert!(refused.contains("TALAP_DEMO_ON_HTTPS"), "{refused}");
    assert!(c.check().is_err());
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&t.db.pool).await.unwrap();
    assert_eq!(users, 0, "no account with the published password");
    c.demo_on_https = true;
    let db = server::open_database(&c).await.expect("forced");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
    assert!(users > 0);
    db.pool.close().await;
}
