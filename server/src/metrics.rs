//! `GET /metrics`: how this node is doing, in Prometheus' text format (issue 21, PLT-7), for the
//! operator's monitoring, never for the public: served only to the addresses in
//! `--metrics-allow` (by default this machine) or to a scraper that sends
//! `Authorization: Bearer <--metrics-token>`.
//!
//! Requests are counted by class (a fixed list: a label per URL would grow without bound) and
//! status class, with latency histograms. Database pool use, background queues (outbox, the
//! server's re-check of snapshots), media store errors, disk free and the last successful backup
//! are read when scraped. Counters are this process's own; Prometheus sums the nodes.

use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sqlx::Row;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

/// Who may read `/metrics`.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Client addresses (after `--trusted-proxies`) or networks allowed without a token.
    pub allow: Vec<ipnet::IpNet>,
    /// A bearer token that allows any address.
    pub token: Option<String>,
}

impl Access {
    /// "127.0.0.1, ::1, 10.0.0.0/8": addresses and networks, comma-separated.
    pub fn parse_allow(list: &str) -> Result<Vec<ipnet::IpNet>, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("metrics_allow: {s:?} is not an address or a network (10.0.0.0/8)"))
            })
            .collect()
    }

    fn allows(&self, addr: Option<IpAddr>, headers: &HeaderMap) -> bool {
        if let Some(token) = self.token.as_deref().filter(|t| !t.is_empty()) {
            let sent = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
            if sent.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes())) {
                return true;
            }
        }
        addr.is_some_and(|a| self.allow.iter().any(|n| n.contains(&a)))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    class: &'static str,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabel {
    class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VolumeLabel {
    volume: &'static str,
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<ClassLabel, Histogram>,
    in_flight: Gauge,
    pool: Family<PoolLabels, Gauge>,
    outbox_pending: Gauge,
    outbox_oldest: Gauge,
    outbox_failed: Gauge,
    recheck_waiting: Gauge,
    recheck_oldest: Gauge,
    media_errors: Counter<u64, AtomicU64>,
    disk_free: Family<VolumeLabel, Gauge>,
    backup_last: Gauge,
    purge_last: Gauge,
    purged: Counter,
    retention_deleted: Family<KindLabel, Counter>,
    outbox_sent: Counter,
    recheck_checked: Counter<u64, AtomicU64>,
    recheck_recorded: Counter<u64, AtomicU64>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("talap");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register("http_requests", "HTTP requests answered, by class of route and status class", requests.clone());
    // 5 ms to 20 s: an autosave should answer within 100 ms, a start within 3 s.
    let latency = Family::<ClassLabel, Histogram>::new_with_constructor(|| {
        Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0])
    });
    registry.register("http_request_duration_seconds", "Time to the response's head, by class of route", latency.clone());
    let in_flight = Gauge::default();
    registry.register("http_requests_in_flight", "Requests being answered now", in_flight.clone());
    let pool = Family::<PoolLabels, Gauge>::default();
    registry.register("db_pool_connections", "Database connections by pool (read, write) and state (idle, in_use)", pool.clone());
    let outbox_pending = Gauge::default();
    registry.register("outbox_pending", "Messages (email, SMS) waiting to be sent", outbox_pending.clone());
    let outbox_oldest = Gauge::default();
    registry.register("outbox_oldest_pending_seconds", "Age of the oldest message waiting to be sent", outbox_oldest.clone());
    let outbox_failed = Gauge::default();
    registry.register("outbox_failed", "Messages given up on after every retry", outbox_failed.clone());
    let recheck_waiting = Gauge::default();
    registry.register("recheck_waiting", "Webcam snapshots waiting for the server's re-check", recheck_waiting.clone());
    let recheck_oldest = Gauge::default();
    registry.register("recheck_oldest_seconds", "How long the oldest snapshot has waited for the re-check", recheck_oldest.clone());
    let media_errors = Counter::<u64, AtomicU64>::default();
    registry.register("media_errors", "Failed reads, writes and deletes of the media store", media_errors.clone());
    let disk_free = Family::<VolumeLabel, Gauge>::default();
    registry.register("disk_free_bytes", "Free space for the SQLite database and the media folder", disk_free.clone());
    let backup_last = Gauge::default();
    registry.register("backup_last_success_timestamp_seconds", "When the newest complete backup was taken (0: never)", backup_last.clone());
    let purge_last = Gauge::default();
    registry.register(
        "purge_last_run_timestamp_seconds",
        "When this node last ran the retention purge of proctoring images",
        purge_last.clone(),
    );
    let purged = Counter::default();
    registry.register("purged_images", "Proctoring images this node purged at the end of their retention", purged.clone());
    let retention_deleted = Family::<KindLabel, Counter>::default();
    registry.register(
        "retention_deleted_rows",
        "Rows this node deleted at the end of their retention, by kind (sessions, codes, rate_limits, outbox, inbox)",
        retention_deleted.clone(),
    );
    // Work that every node's background jobs share through the database: summed over the
    // nodes, each message is sent once and each frame recorded once (`scripts/cluster.sh test`).
    let outbox_sent = Counter::default();
    registry.register("outbox_sent", "Messages (email, SMS, in-app) this node delivered", outbox_sent.clone());
    let recheck_checked = Counter::<u64, AtomicU64>::default();
    registry.register("recheck_checked_frames", "Webcam snapshots this node decoded and counted faces in", recheck_checked.clone());
    let recheck_recorded = Counter::<u64, AtomicU64>::default();
    registry.register("recheck_recorded_frames", "Re-check outcomes this node recorded", recheck_recorded.clone());
    Metrics {
        registry,
        requests,
        latency,
        in_flight,
        pool,
        outbox_pending,
        outbox_oldest,
        outbox_failed,
        recheck_waiting,
        recheck_oldest,
        media_errors,
        disk_free,
        backup_last,
        purge_last,
        purged,
        retention_deleted,
        outbox_sent,
        recheck_checked,
        recheck_recorded,
    }
});

/// The class a request is counted in: a short fixed list, the exam day's hot paths by name.
fn class(path: &str) -> &'static str {
    match path {
        "/api/proctor/evidence" => "evidence",
        "/api/proctor/events" => "proctor_events",
        "/api/exam/answer" => "answer",
        "/api/exam/start" => "start",
        "/api/exam/hand-in" => "hand_in",
        "/api/exam/attempt" => "paper",
        "/healthz" | "/readyz" | "/metrics" => "health",
        _ if path.starts_with("/api/auth/") => "auth",
        _ if path.starts_with("/api/") => "api",
        _ if path.starts_with("/export/") || path.starts_with("/files/") => "download",
        _ if path.starts_with("/pkg/") || path.starts_with("/candidate/") || path.contains('.') => "static",
        _ => "page",
    }
}

fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Middleware: counts and times every request.
pub async fn track(req: Request, next: Next) -> Response {
    let class = class(req.uri().path());
    let m = &*METRICS;
    m.in_flight.inc();
    let t = Instant::now();
    let res = next.run(req).await;
    m.in_flight.dec();
    m.latency.get_or_create(&ClassLabel { class }).observe(t.elapsed().as_secs_f64());
    m.requests.get_or_create(&RequestLabels { class, status: status_class(res.status()) }).inc();
    res
}

/// The retention purge reports each run here (`server::spawn_exam_jobs`).
pub fn purge_ran(now_ms: i64, images: usize) {
    METRICS.purge_last.set(now_ms / 1000);
    METRICS.purged.inc_by(images as u64);
}

/// The retention of other data reports what it deleted here (`server::spawn_housekeeping`).
pub fn retention_deleted(kind: &'static str, rows: u64) {
    METRICS.retention_deleted.get_or_create(&KindLabel { kind }).inc_by(rows);
}

/// The outbox worker reports each delivered message here (`server::notify`).
pub fn outbox_sent() {
    METRICS.outbox_sent.inc();
}

/// A counter kept elsewhere as a plain atomic, brought up to its value.
fn catch_up(counter: &Counter<u64, AtomicU64>, value: u64) {
    let counted = counter.get();
    if value > counted {
        counter.inc_by(value - counted);
    }
}

/// Where the node keeps its files, for "disk free".
#[derive(Debug, Clone, Default)]
pub struct Volumes {
    pub database: Option<std::path::PathBuf>,
    pub media: Option<std::path::PathBuf>,
}

/// Free bytes for unprivileged writers on the filesystem holding `path`.
fn free_bytes(path: &std::path::Path) -> Option<i64> {
    let s = rustix::fs::statvfs(path).ok()?;
    i64::try_from(s.f_bavail.saturating_mul(s.f_frsize)).ok()
}

/// `GET /metrics`.
pub async fn serve(
    State(st): State<AppState>,
    axum::Extension(access): axum::Extension<Arc<Access>>,
    axum::Extension(volumes): axum::Extension<Arc<Volumes>>,
    req: Request,
) -> Response {
    let (parts, _) = req.into_parts();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let client = app::api::client_ip_from(&parts.headers, peer, st.settings.trusted_proxies).parse::<IpAddr>().ok();
    if !access.allows(client, &parts.headers) {
        return (StatusCode::FORBIDDEN, "metrics are served to the addresses in --metrics-allow, or with --metrics-token\n")
            .into_response();
    }
    let m = &*METRICS;
    let now = app::api::now_ms();
    for (pool, size, idle) in st.db.pool_use() {
        m.pool.get_or_create(&PoolLabels { pool, state: "idle" }).set(idle as i64);
        m.pool.get_or_create(&PoolLabels { pool, state: "in_use" }).set(i64::from(size).saturating_sub(idle as i64));
    }
    if let Ok(r) = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed
         FROM outbox WHERE status = 'pending'",
    )
    .fetch_one(&st.db.pool)
    .await
    {
        m.outbox_pending.set(r.try_get("n").unwrap_or(0));
        m.outbox_failed.set(r.try_get("failed").unwrap_or(0));
        let oldest: Option<i64> = r.try_get("oldest").unwrap_or(None);
        m.outbox_oldest.set(oldest.map_or(0, |o| ((now - o) / 1000).max(0)));
    }
    if let Ok(lag) = app::proctor::recheck::lag(&st.db, now).await {
        m.recheck_waiting.set(lag.waiting);
        m.recheck_oldest.set(lag.oldest_s);
    }
    catch_up(&m.media_errors, app::media::errors());
    catch_up(&m.recheck_checked, app::proctor::recheck::CHECKED.load(std::sync::atomic::Ordering::Relaxed));
    catch_up(&m.recheck_recorded, app::proctor::recheck::RECORDED.load(std::sync::atomic::Ordering::Relaxed));
    for (volume, path) in [("database", &volumes.database), ("media", &volumes.media)] {
        if let Some(free) = path.as_deref().and_then(free_bytes) {
            m.disk_free.get_or_create(&VolumeLabel { volume }).set(free);
        }
    }
    if let Ok(Some(last)) = sqlx::query("SELECT MAX(created_at) AS t FROM backup_runs")
        .fetch_one(&st.db.pool)
        .await
        .and_then(|r| r.try_get::<Option<i64>, _>("t"))
    {
        m.backup_last.set(last / 1000);
    }
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fall_into_a_fixed_list_of_classes() {
        assert_eq!(class("/api/proctor/evidence"), "evidence");
        assert_eq!(class("/api/exam/answer"), "answer");
        assert_eq!(class("/api/auth/login"), "auth");
        assert_eq!(class("/api/journal/cell"), "api");
        assert_eq!(class("/export/journal/1.xlsx"), "download");
        assert_eq!(class("/pkg/talap.abc.wasm"), "static");
        assert_eq!(class("/journal/7"), "page");
        assert_eq!(class("/anything/someone/typed"), "page");
    }

    #[test]
    fn access_by_address_network_or_token() {
        let a = Access { allow: Access::parse_allow("127.0.0.1, 10.0.0.0/8").unwrap(), token: Some("s3cret".into()) };
        let none = HeaderMap::new();
        assert!(a.allows(Some("127.0.0.1".parse().unwrap()), &none));
        assert!(a.allows(Some("10.2.3.4".parse().unwrap()), &none));
        assert!(!a.allows(Some("192.0.2.1".parse().unwrap()), &none));
        let mut with = HeaderMap::new();
        with.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert!(a.allows(Some("192.0.2.1".parse().unwrap()), &with));
        with.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer wrong"));
        assert!(!a.allows(Some("192.0.2.1".parse().unwrap()), &with));
        assert!(Access::parse_allow("not an address").is_err());
    }
}
