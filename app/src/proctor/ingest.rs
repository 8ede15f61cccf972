//! Evidence ingest: the proctoring client's webcam snapshots, screenshots and browser events.
//!
//! Plain axum routes rather than server functions: the body of an evidence upload is the image
//! itself (no multipart or base64 to unpack), capped by `DefaultBodyLimit` as it streams in.
//! Both routes live under /api/, so the API guard has already resolved the session (401 if none).
//!
//! An upload's request path does only what must be synchronous (issue 16: at 20 000 candidates
//! a full decode of every image alone needed more than the machine): the caller's own attempt
//! (cached a few seconds), a structural check of the image (signature, header, dimensions, end
//! marker), the bytes stored under a key derived from the browser's idempotency key (a retry
//! overwrites the same object with the same bytes) and the row recorded with ON CONFLICT DO
//! NOTHING: the same key twice stores once. The server's own decode and face count of the
//! snapshots chosen for it runs in the background (`recheck`); violations are derived here only
//! where the new frame can change them.
use super::store;
use super::violations;
use super::wire::{self, valid_key, Accepted, CheckResult, EventBatch, EvidenceKind, Stored, MAX_EVENTS, MAX_IMAGE_BYTES};
use crate::auth::ssr::Caller;
use crate::edge::Routes;
use crate::error::AppError;
use crate::proctor::store::evidence::{AttemptRow, NewEvidence};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use std::collections::HashMap;

/// Largest image side accepted (checked from the header, before any pixel is decoded).
const MAX_SIDE: u32 = 4096;
/// Evidence captured while offline arrives late; it is still accepted this long after the
/// attempt ended (the queue in the browser keeps it across reloads).
pub const LATE_GRACE_MS: i64 = 24 * 3600 * 1000;
/// Clock skew tolerated between the candidate's computer and the server.
const SKEW_MS: i64 = 5 * 60 * 1000;
/// A device check counts for an attempt started this long after it (the sit page's check
/// comes minutes before the start; a candidate may try their devices earlier the same day).
pub const DEVICE_CHECK_BEFORE_MS: i64 = 12 * 3600 * 1000;
/// Device checks older than this are dropped (the newest are all an attempt ever needs).
const DEVICE_CHECK_KEPT_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn routes() -> Routes {
    Routes::new()
        // The body is read after the upload's turn comes (`Admission`), within MAX_IMAGE_BYTES.
        .post(wire::EVIDENCE_PATH, evidence)
        .route(Method::POST, wire::EVENTS_PATH, post(events).layer(DefaultBodyLimit::max(wire::MAX_EVENTS_BYTES)))
        .route(Method::POST, wire::CHECK_PATH, post(device_check).layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES)))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

pub(crate) async fn attempt_row(db: &crate::db::Db, attempt_id: i64) -> Result<AttemptRow, AppError> {
    store::evidence::attempt_for_ingest(db, attempt_id).await?.ok_or(AppError::NotFound)
}

/// Attempts as ingest read them lately. Every candidate uploads every few seconds; the row
/// changes only at hand-in (its end moves earlier), and evidence is accepted for a day after the
/// end anyway, so a row a few seconds old decides the same.
static ATTEMPTS: std::sync::LazyLock<crate::db::Recent<AttemptRow>> =
    std::sync::LazyLock::new(|| crate::db::Recent::new(std::time::Duration::from_secs(5), 200_000));

async fn cached_attempt(db: &crate::db::Db, attempt_id: i64) -> Result<AttemptRow, AppError> {
    ATTEMPTS.get(db, attempt_id, || attempt_row(db, attempt_id)).await
}

/// The caller's own attempt that may still receive evidence captured at `at`: another
/// candidate's attempt is Forbidden; evidence from outside the attempt's time is refused.
async fn own_attempt(db: &crate::db::Db, caller: &Caller, attempt_id: i64, at: i64, now: i64) -> Result<AttemptRow, AppError> {
    let a = cached_attempt(db, attempt_id).await?;
    if a.student_id != caller.user_id {
        return Err(AppError::Forbidden);
    }
    if now > a.ends_at + LATE_GRACE_MS || at < a.started_at - SKEW_MS || at > a.ends_at + SKEW_MS {
        return Err(AppError::Refused(crate::i18n::Msg::ErrAttemptClosed));
    }
    Ok(a)
}

/// What the structural check of an upload found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub ext: &'static str,
}

/// The structural check on an upload's request path: the signature (never trusting the
/// Content-Type header; only JPEG, PNG and WebP, what browsers' canvas produces), the size from
/// the header, and the format's end marker, so a truncated upload is refused and retried by the
/// browser. No pixel is decoded (a full decode of a screenshot took 4.7 ms here, more than all
/// the rest of an upload). A file whose inside is damaged although its frame is whole is found
/// by the background re-check where one is due, and otherwise shown to the reviewer as it is.
pub fn inspect_image(bytes: &[u8]) -> Result<Inspected, AppError> {
    use image::ImageFormat;
    let bad = || AppError::field("file", crate::i18n::Msg::ErrNotAnImage);
    let format = image::guess_format(bytes).map_err(|_| bad())?;
    let (content_type, ext, whole) = match format {
        ImageFormat::Jpeg => {
            // End of image (FF D9); some encoders pad after it with zeros.
            let end = bytes.iter().rposition(|b| *b != 0).map_or(&bytes[..0], |i| &bytes[..=i]);
            ("image/jpeg", "jpg", end.ends_with(&[0xFF, 0xD9]))
        }
        ImageFormat::Png => ("image/png", "png", bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82])),
        ImageFormat::WebP => {
            // RIFF's length field counts the bytes after its first 8 (padded to even).
            let declared = bytes.get(4..8).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize + 8);
            ("image/webp", "webp", declared.is_some_and(|n| n == bytes.len() || n + 1 == bytes.len()))
        }
        _ => return Err(bad()),
    };
    if !whole {
        return Err(bad());
    }
    let (width, height) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format).into_dimensions().map_err(|_| bad())?;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(bad());
    }
    Ok(Inspected { width, height, content_type, ext })
}

/// What the image check found.
pub struct Checked {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub ext: &'static str,
    /// Grayscale pixels (downscaled to at most 320 wide) for the face detector, when asked for.
    pub gray: Option<(Vec<u8>, u32, u32)>,
}

/// Sniffs the bytes (never trusting the Content-Type header), checks the size from the header
/// and decodes the whole image, so what is stored is an image a reviewer can open. Only JPEG,
/// PNG and WebP, what browsers' canvas produces.
pub fn check_image(bytes: &[u8], want_gray: bool) -> Result<Checked, AppError> {
    use image::ImageFormat;
    let bad = || AppError::field("file", crate::i18n::Msg::ErrNotAnImage);
    let format = image::guess_format(bytes).map_err(|_| bad())?;
    let (content_type, ext) = match format {
        ImageFormat::Jpeg => ("image/jpeg", "jpg"),
        ImageFormat::Png => ("image/png", "png"),
        ImageFormat::WebP => ("image/webp", "webp"),
        _ => return Err(bad()),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| bad())?;
    let (width, height) = (img.width(), img.height());
    let gray = want_gray.then(|| {
        let small = if width > 320 { img.resize(320, 320 * height / width.max(1), image::imageops::FilterType::Triangle) } else { img };
        let g = small.to_luma8();
        let (w, h) = (g.width(), g.height());
        (g.into_raw(), w, h)
    });
    Ok(Checked { width, height, content_type, ext, gray })
}

thread_local! {
    /// One detector per blocking thread: rustface's detector is not Sync, and loading the model
    /// (1.2 MB) per image would cost more than the detection itself.
    static DETECTOR: std::cell::RefCell<Option<super::faces::FaceCounter>> = const { std::cell::RefCell::new(None) };
}

/// The SeetaFace frontal model shipped with the app (BSD-2, from the rustface package).
pub static FACE_MODEL: &[u8] = include_bytes!("../../../public/proctor/seeta_fd_frontal_v1.0.bin");

/// Faces the server's own detector finds in a grayscale frame (the browser runs the same
/// detector with the same settings, `faces::FaceCounter`; this is the re-check a tampered client
/// cannot skip).
pub fn count_faces(gray: &[u8], width: u32, height: u32) -> Option<u32> {
    DETECTOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = super::faces::FaceCounter::from_model(FACE_MODEL);
        }
        slot.as_mut()?.count(gray, width, height)
    })
}

/// Whether this snapshot is re-checked by the server: every one the browser flagged (not
/// exactly one face, or no count at all) and a stable share of the rest, chosen from the key so
/// that a retry makes the same choice. (The check itself runs in the background: `recheck`.)
pub fn recheck(faces_client: Option<u32>, key: &str, percent: i64) -> bool {
    if faces_client != Some(1) {
        return true;
    }
    let h = key.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    i64::from(h % 100) < percent
}

/// Decodes a test snapshot and counts its faces (CPU work: called off the async threads).
pub fn check_snapshot(bytes: &[u8]) -> Result<CheckResult, AppError> {
    let c = check_image(bytes, true)?;
    let faces = c.gray.as_ref().and_then(|(g, w, h)| count_faces(g, *w, *h)).unwrap_or(0);
    Ok(CheckResult { width: c.width, height: c.height, faces })
}

/// Decoding a frame takes up to 64 MB (`check_image`'s limit) and a core for a moment. Without a
/// bound, one user's dozen parallel device checks of 4096x4096 PNGs took 750 MB; a burst of
/// uploads at an exam's start could take the node's memory. So at most two decodes a core run
/// at once (the rest wait their turn: a snapshot is seconds late, never lost), and one user runs
/// one device check at a time (a second one meanwhile is refused, 429).
static DECODES: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()) * 2));

/// The users whose device check is being decoded now, by database (one process can serve more
/// than one: the tests run a server per backend, whose user ids coincide).
static CHECKING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<(String, i64)>>> =
    std::sync::LazyLock::new(Default::default);

/// A user's one device check in flight; dropping it lets the next one in.
struct CheckingSlot((String, i64));

impl CheckingSlot {
    fn take(database: &str, user_id: i64) -> Option<CheckingSlot> {
        let user = (database.to_string(), user_id);
        // The lock is let go before a slot exists: a slot made and dropped under it (a refused
        // second check) would take the lock again in `drop` and hang the thread.
        let taken = CHECKING.lock().unwrap_or_else(|e| e.into_inner()).insert(user.clone());
        taken.then(|| CheckingSlot(user))
    }
}

impl Drop for CheckingSlot {
    fn drop(&mut self) {
        CHECKING.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.0);
    }
}

/// Runs a decode when a slot is free (see [`DECODES`]).
async fn decode<T: Send + 'static>(work: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    let _slot = DECODES.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work).await.map_err(|_| AppError::Internal)?
}

/// The device check's test snapshot (PRC-3): proves that a frame from this camera reaches the
/// server and decodes, and tells the candidate how many faces the server sees in it. Any
/// signed-in user who consented to proctoring may try their devices before an exam day; no
/// image is stored.
async fn device_check(State(st): State<AppState>, caller: Caller, body: axum::body::Bytes) -> Response {
    let user_id = caller.user_id;
    let database = st.db.pool.connect_options().database_url.to_string();
    let Some(_checking) = CheckingSlot::take(&database, user_id) else {
        return AppError::RateLimited.into_response();
    };
    // A face is not even counted without consent (the page asks for it before the camera opens).
    match crate::consent::store::is_open(&st.db, user_id, crate::consent::model::Purpose::Proctoring).await {
        Ok(true) => {}
        Ok(false) => return AppError::Refused(crate::i18n::Msg::ErrConsentRequired).into_response(),
        Err(e) => return e.into_response(),
    }
    match decode(move || check_snapshot(&body)).await {
        Ok(r) => match record_device_check(&st.db, user_id, &r).await {
            Ok(()) => Json(r).into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => e.into_response(),
    }
}

/// A device check passes, for the server, when its test snapshot arrived and decoded: that much
/// a proctored attempt owes (see `derive_missing_many`). Kept a while, then dropped with the next check.
async fn record_device_check(db: &crate::db::Db, user_id: i64, r: &CheckResult) -> Result<(), AppError> {
    let now = crate::api::now_ms();
    let mut tx = db.begin().await?;
    store::evidence::forget_device_checks_before(&mut tx, user_id, now - DEVICE_CHECK_KEPT_MS).await?;
    store::evidence::add_device_check(&mut tx, user_id, now, r.faces).await?;
    tx.commit().await?;
    Ok(())
}

/// Uploads whose bodies a node holds at once, and how many more may wait for a turn. A turn
/// lasts while the body is in memory: it is read, checked and written to the media store, then
/// the turn is given back and the row waits for the database without it (written in batches:
/// `EVIDENCE`). A waiting upload has not read its body yet, so a node holds at most 32 images
/// per core in memory (1 MiB each at most) however many arrive (the exam-day bench's backlog of
/// read bodies once held 2.9 GiB after the load had passed). The work in a turn is mostly
/// waiting for the network and the disk, hence many turns per core: with two per core the
/// turns themselves were the limit (measured: 1 000 uploads a second on 2 cores kept the
/// waiting room full). Past 4 096 waiting the node answers 503 with Retry-After at once, and the
/// browser's queue (which keeps every capture until the server acknowledges it) sends it again.
/// Answers and paper loads never wait for an upload's turn.
struct Admission {
    turns: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
}

static UPLOADS: std::sync::LazyLock<Admission> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Admission { turns: tokio::sync::Semaphore::new(32 * cores), waiting: Default::default(), max_waiting: 4096 }
});

impl Admission {
    /// A turn, or None when too many wait already.
    async fn admit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        use std::sync::atomic::Ordering;
        if let Ok(p) = self.turns.try_acquire() {
            return Some(p);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let p = self.turns.acquire().await.ok();
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        p
    }
}

/// 503 with a hint when to come back: the node is busy, nothing was stored.
fn busy() -> Response {
    let mut r = AppError::Unreachable.into_response();
    r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("2"));
    r
}

/// Reads a body up to `limit` bytes (413 past it).
async fn read_body(headers: &HeaderMap, body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, Response> {
    let too_large = || (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload too large").into_response();
    if header(headers, "content-length").and_then(|v| v.parse::<usize>().ok()).is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| too_large())
}

async fn evidence(State(st): State<AppState>, caller: Caller, headers: HeaderMap, body: axum::body::Body) -> Response {
    let Some(turn) = UPLOADS.admit().await else {
        return busy();
    };
    let body = match read_body(&headers, body, MAX_IMAGE_BYTES).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match store_evidence(&st, &caller, &headers, body, turn).await {
        Ok(stored) => Json(stored).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `turn` is held while the body is in memory: it is given back once the file is written, and
/// the row waits for the database without it.
async fn store_evidence(
    st: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: axum::body::Bytes,
    turn: tokio::sync::SemaphorePermit<'static>,
) -> Result<Stored, AppError> {
    let now = crate::api::now_ms();
    let attempt_id: i64 = header(headers, wire::ATTEMPT_HEADER).and_then(|v| v.parse().ok()).ok_or(AppError::BadRequest)?;
    let kind = header(headers, wire::KIND_HEADER).and_then(EvidenceKind::parse).ok_or(AppError::BadRequest)?.as_str();
    let key = header(headers, wire::KEY_HEADER).filter(|k| valid_key(k)).ok_or(AppError::BadRequest)?.to_string();
    let at: i64 = header(headers, wire::CAPTURED_AT_HEADER).and_then(|v| v.parse().ok()).ok_or(AppError::BadRequest)?;
    let faces_client: Option<u32> = match header(headers, wire::FACES_HEADER) {
        None | Some("") => None,
        Some(v) => Some(v.parse::<u32>().ok().filter(|n| *n <= 50).ok_or(AppError::BadRequest)?),
    };
    let a = own_attempt(&st.db, caller, attempt_id, at, now).await?;
    // Law 94-V: no face image is kept without the person's consent. A refusal, not a failure:
    // the browser drops the capture rather than sending it again.
    if !a.consented {
        return Err(AppError::Refused(crate::i18n::Msg::ErrConsentRequired));
    }
    if body.is_empty() {
        return Err(AppError::field("file", crate::i18n::Msg::ErrNotAnImage));
    }
    let inspected = inspect_image(&body)?;
    // Flagged frames (rank 0) are re-checked before samples (rank 1); screenshots are not.
    let rank = (kind == "webcam" && recheck(faces_client, &key, a.recheck_percent)).then_some(i64::from(faces_client == Some(1)));
    // The object first: a row never points at nothing. A retry writes the same bytes again.
    let media_key = format!("proctor/{}/{}/{}/{}.{}", a.exam_id, a.id, kind, key, inspected.ext);
    st.media.put(&media_key, body.to_vec()).await?;
    let bytes = body.len() as i64;
    drop((body, turn));
    // Violations change only where this frame can change them: a frame the browser flagged may
    // start or extend a run without a face (or with several); one face in a frame only matters
    // where an open run exists (it arrived late, inside it); a late frame may fill a gap found
    // before. Nearly every upload of an exam going well needs none of it. Read before the write
    // transaction, which on SQLite holds the one writer (a violation opened meanwhile is
    // derived again by the next upload, the live job or the hand-in). Read in the batch's
    // transaction instead, once for the batch, answers waited longer for SQLite's writer
    // (answer p99 233 against 178 ms, same machine) and PostgreSQL gained nothing measurable
    // (BENCHMARKS.md, 2026-12-05).
    let open = store::evidence::open_upload_violation_kinds(&st.db, a.id).await?;
    let frames = kind == "webcam" && (faces_client != Some(1) || open.iter().any(|k| k == "no_face" || k == "many_faces"));
    let missing = open.iter().any(|k| k.ends_with("_gap") || k == "no_device_check");
    let row = NewEvidence {
        derive_frames: frames.then(|| a.clone()),
        derive_missing: missing,
        attempt_id: a.id,
        kind,
        key,
        media_key,
        content_type: inspected.content_type,
        bytes,
        width: inspected.width,
        height: inspected.height,
        faces_client,
        captured_at: at,
        received_at: now,
        recheck_rank: rank,
        // Seen now, for the board (which shows it to 10 s): written at most every 10 s per
        // attempt from this node.
        touch: super::store::seen::SEEN.due(&st.db, a.id),
    };
    // Written with the other uploads of this moment, the violations it may change included.
    EVIDENCE.write(&st.db, row).await
}

/// 20 000 candidates upload about 1 000 images a second. 256 rows of 13 values a batch.
static EVIDENCE: crate::db::batch::Batcher<NewEvidence, Stored> =
    crate::db::batch::Batcher::new("evidence uploads", 256, |db, rows| Box::pin(write_evidence(db, rows)));

async fn write_evidence(db: &crate::db::Db, rows: &[NewEvidence]) -> Result<Vec<Stored>, AppError> {
    let mut tx = db.begin().await?;
    let stored = insert_evidence(&mut tx, rows).await?;
    derive_for_new_rows(&mut tx, rows, &stored).await?;
    tx.commit().await?;
    Ok(stored)
}

/// The violations a batch's new rows may change, derived in the batch's transaction, set-based:
/// a handful of statements for the whole batch. A transaction of their own per upload queued
/// for SQLite's one writer behind the batches. Measured in the exam-day bench (20 000
/// candidates, SQLite), where the server's re-check opened "no face" runs on a growing share of
/// the attempts and every later snapshot of those took that path: the uploads' p99 grew through
/// the two minutes to 132 s and the server closed connections; written here, it stayed within
/// 80-330 ms (BENCHMARKS.md). A retry of a stored row (`duplicate`) changes nothing.
async fn derive_for_new_rows(tx: &mut sqlx::Transaction<'_, sqlx::Any>, rows: &[NewEvidence], stored: &[Stored]) -> Result<(), AppError> {
    let mut framed: Vec<&AttemptRow> = Vec::new();
    let mut missing: Vec<(i64, i64)> = Vec::new();
    for (r, s) in rows.iter().zip(stored) {
        if s.duplicate {
            continue;
        }
        if let Some(a) = r.derive_frames.as_ref().filter(|a| !framed.iter().any(|f| f.id == a.id)) {
            framed.push(a);
        }
        if r.derive_missing && !missing.iter().any(|(id, _)| *id == r.attempt_id) {
            missing.push((r.attempt_id, r.received_at));
        }
    }
    derive_frames_many(tx, &framed).await?;
    derive_missing_many(tx, &missing).await
}

/// Inserts the rows (`store::evidence::insert_evidence`: a key stored already answers with the
/// stored row's id, `duplicate`), then the "last seen" of the attempts to touch.
async fn insert_evidence(tx: &mut sqlx::Transaction<'_, sqlx::Any>, rows: &[NewEvidence]) -> Result<Vec<Stored>, AppError> {
    let out = store::evidence::insert_evidence(tx, rows).await?;
    let touched: Vec<(i64, i64)> = rows.iter().filter(|r| r.touch).map(|r| (r.attempt_id, r.received_at)).collect();
    super::store::seen::seen(tx, &touched).await?;
    Ok(out)
}

/// Re-derives the face violations of attempts from all their snapshots, then their risk scores.
/// Open ones that no longer hold go (the server's re-check, arriving later, found the face the
/// browser missed; a late frame broke a run); reviewed ones stay as the reviewer left them. A
/// handful of statements whatever the number of attempts: a batch of uploads (`EVIDENCE`) or
/// of re-checks derives every attempt it touched at once.
pub(crate) async fn derive_frames_many(tx: &mut sqlx::Transaction<'_, sqlx::Any>, attempts: &[&AttemptRow]) -> Result<(), AppError> {
    if attempts.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = attempts.iter().map(|a| a.id).collect();
    let frames = store::violations::webcam_frames_of(tx, &ids).await?;
    let none = Vec::new();
    let derived: Vec<(i64, Vec<violations::Found>)> =
        attempts.iter().map(|a| (a.id, violations::from_frames(frames.get(&a.id).unwrap_or(&none), a.thresholds))).collect();
    let kinds = [violations::Kind::NoFace, violations::Kind::ManyFaces, violations::Kind::FaceCountMismatch];
    replace_open_many(tx, kinds, &derived).await
}

/// Derives the missing-evidence violations of proctored attempts (`violations::missing_evidence`),
/// each (attempt, now) up to its end, or up to `now` while it is in progress, then their risk
/// scores. Open ones that no longer hold (a late snapshot filled the gap) go; reviewed ones stay
/// as the reviewer left them. Nothing for an attempt that owes no evidence. A handful of
/// statements whatever the number of attempts: a batch of hand-ins (`exam::store::hand_in::HAND_INS`) derives 64 at once, and
/// one statement per attempt and table made it hold the transaction (and on SQLite the one
/// writer) some ten round trips per hand-in.
pub(crate) async fn derive_missing_many(tx: &mut sqlx::Transaction<'_, sqlx::Any>, attempts: &[(i64, i64)]) -> Result<(), AppError> {
    if attempts.is_empty() {
        return Ok(());
    }
    let now_of: HashMap<i64, i64> = attempts.iter().copied().collect();
    let ids: Vec<i64> = now_of.keys().copied().collect();
    struct Owing {
        id: i64,
        student: i64,
        start: i64,
        until: i64,
        owed: violations::Owed,
    }
    let mut owing = Vec::new();
    for r in store::violations::capture_duties_of(tx, &ids).await? {
        let owes = r.attempt_proctored != 0 && r.settings.proctored != 0 && r.settings.allow_unproctored == 0 && r.form != "offline";
        if !owes {
            continue;
        }
        // A camera-only attempt (a phone under an exam for any device) owes no screenshots.
        let capture = crate::proctor::settings::Capture::from_code(&r.capture);
        let settings = crate::proctor::settings::ProctorSettings::from(r.settings).for_capture(capture);
        owing.push(Owing {
            id: r.id,
            student: r.student_id,
            start: r.started_at,
            until: r.submitted_at.unwrap_or(now_of[&r.id]).min(r.deadline_at),
            owed: violations::Owed {
                camera_every_ms: i64::from(settings.snapshot_interval_s) * 1000,
                screen_every_ms: settings.require_screen.then_some(i64::from(settings.screen_interval_s) * 1000),
                gap_intervals: r.missing_frames.clamp(1, 20) as u32,
            },
        });
    }
    if owing.is_empty() {
        return Ok(());
    }
    let captured = store::violations::capture_times_of(tx, &owing.iter().map(|o| o.id).collect::<Vec<_>>()).await?;
    // Device checks of these candidates from the earliest window's opening to the latest's end;
    // each attempt then counts those inside its own window.
    let from = owing.iter().map(|o| o.start - DEVICE_CHECK_BEFORE_MS).min().unwrap_or(0);
    let to = owing.iter().map(|o| o.until.max(o.start)).max().unwrap_or(0);
    let students: Vec<i64> = owing.iter().map(|o| o.student).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let checks = store::violations::device_checks_between(tx, from, to, &students).await?;
    let none = (Vec::new(), Vec::new());
    let derived: Vec<(i64, Vec<violations::Found>)> = owing
        .iter()
        .map(|o| {
            let (webcam, screen) = captured.get(&o.id).unwrap_or(&none);
            let window = (o.start - DEVICE_CHECK_BEFORE_MS)..=o.until.max(o.start);
            let checked = checks.iter().any(|(user, at)| *user == o.student && window.contains(at));
            (o.id, violations::missing_evidence(o.owed, o.start, o.until, webcam, screen, checked))
        })
        .collect();
    let kinds = [violations::Kind::CameraGap, violations::Kind::ScreenGap, violations::Kind::NoDeviceCheck];
    replace_open_many(tx, kinds, &derived).await
}

/// Makes the attempts' open violations of `kinds` what was just derived (attempt, found), then
/// their risk scores, in four statements whatever their number: open ones no longer found go,
/// new ones are added (`store::violations::insert_violations` skips one already there);
/// reviewed ones stay as the reviewer left them.
async fn replace_open_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    kinds: [violations::Kind; 3],
    derived: &[(i64, Vec<violations::Found>)],
) -> Result<(), AppError> {
    if derived.is_empty() {
        return Ok(());
    }
    let found_of: HashMap<i64, &[violations::Found]> = derived.iter().map(|(id, f)| (*id, f.as_slice())).collect();
    let ids: Vec<i64> = found_of.keys().copied().collect();
    let gone: Vec<i64> = store::violations::open_violations_of(tx, kinds, &ids)
        .await?
        .into_iter()
        .filter(|v| !found_of[&v.attempt_id].iter().any(|f| f.kind.code() == v.kind && f.at == v.at))
        .map(|v| v.id)
        .collect();
    store::violations::delete_violations(tx, &gone).await?;
    let all: Vec<(i64, &violations::Found)> = found_of.iter().flat_map(|(id, found)| found.iter().map(move |f| (*id, f))).collect();
    store::violations::insert_violations(tx, &all).await?;
    update_risk_many(tx, &ids).await
}

/// Attempts in progress whose latest snapshot or screenshot is older than their exam allows:
/// their missing evidence is derived now, so the board and the timeline show it while the
/// attempt goes on (hand-in and expiry derive it for every attempt). Run by the server's exam
/// jobs; returns how many attempts it looked at.
pub async fn derive_missing_live(db: &crate::db::Db, now: i64) -> Result<usize, AppError> {
    let ids = store::violations::attempts_missing_evidence(db, now).await?;
    for chunk in ids.chunks(64) {
        let mut tx = db.begin().await?;
        derive_missing_many(&mut tx, &chunk.iter().map(|id| (*id, now)).collect::<Vec<_>>()).await?;
        tx.commit().await?;
    }
    Ok(ids.len())
}

async fn insert_violation(tx: &mut sqlx::Transaction<'_, sqlx::Any>, attempt_id: i64, v: &violations::Found) -> Result<(), AppError> {
    store::violations::insert_violations(tx, &[(attempt_id, v)]).await
}

/// Recomputes the attempt's risk score from its violations (dismissed ones do not count).
pub(crate) async fn update_risk(tx: &mut sqlx::Transaction<'_, sqlx::Any>, attempt_id: i64) -> Result<(), AppError> {
    update_risk_many(tx, &[attempt_id]).await
}

/// `update_risk` for several attempts, in two statements.
async fn update_risk_many(tx: &mut sqlx::Transaction<'_, sqlx::Any>, ids: &[i64]) -> Result<(), AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let mut of: HashMap<i64, Vec<(violations::Kind, u8, bool)>> = HashMap::new();
    for (attempt, kind, confidence, status) in store::violations::violations_for_risk(tx, &ids).await? {
        if let Some(k) = violations::Kind::from_code(&kind) {
            of.entry(attempt).or_default().push((k, confidence.clamp(0, 100) as u8, status == "dismissed"));
        }
    }
    // In id order, as every batch locks attempts (`proctor::store::seen::seen`).
    let risks: Vec<(i64, i64)> =
        ids.iter().map(|id| (*id, i64::from(violations::risk(of.get(id).map_or(&[][..], Vec::as_slice))))).collect();
    store::violations::set_risks(tx, &risks).await
}

async fn events(State(st): State<AppState>, caller: Caller, body: axum::body::Bytes) -> Response {
    let Ok(batch) = serde_json::from_slice::<EventBatch>(&body) else {
        return AppError::BadRequest.into_response();
    };
    match store_events(&st, &caller, batch).await {
        Ok(n) => Json(Accepted { accepted: n }).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn store_events(st: &AppState, caller: &Caller, batch: EventBatch) -> Result<usize, AppError> {
    let now = crate::api::now_ms();
    if batch.events.is_empty() {
        return Ok(0);
    }
    if batch.events.len() > MAX_EVENTS
        || batch
            .events
            .iter()
            .any(|e| !valid_key(&e.key) || !violations::EVENT_KINDS.contains(&e.kind.as_str()) || e.detail.chars().count() > 500)
    {
        return Err(AppError::BadRequest);
    }
    let first = batch.events.iter().map(|e| e.at).min().unwrap_or(now);
    let last = batch.events.iter().map(|e| e.at).max().unwrap_or(now);
    let a = own_attempt(&st.db, caller, batch.attempt, first, now).await?;
    own_attempt(&st.db, caller, batch.attempt, last, now).await?;
    let mut tx = st.db.begin().await?;
    let mut accepted = 0;
    for e in &batch.events {
        if let Some(id) = store::evidence::add_event(&mut tx, a.id, e, now).await? {
            accepted += 1;
            if let Some(v) = violations::from_event(id, &e.kind, e.at) {
                insert_violation(&mut tx, a.id, &v).await?;
            }
        }
    }
    update_risk(&mut tx, a.id).await?;
    if super::store::seen::SEEN.due(&st.db, a.id) {
        super::store::seen::seen(&mut tx, &[(a.id, now)]).await?;
    }
    tx.commit().await?;
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    /// One device check per user at a time; a refused second one lets go at once (it used to
    /// hang the thread taking the lock twice), and the user's next check after it works.
    #[test]
    fn one_device_check_slot_per_user() {
        let first = CheckingSlot::take("db", 900_001).expect("a free user gets a slot");
        assert!(CheckingSlot::take("db", 900_001).is_none(), "a second check meanwhile is refused");
        let other = CheckingSlot::take("db", 900_002).expect("another user is not held up");
        assert!(CheckingSlot::take("another db", 900_001).is_some(), "the same id in another database is another user");
        drop(first);
        assert!(CheckingSlot::take("db", 900_001).is_some(), "free again once the first is done");
        drop(other);
    }

    use super::*;

    /// Past its turns and its waiting room a node says "busy" at once instead of queueing
    /// without end; a turn given back lets a waiting upload in.
    #[tokio::test]
    async fn uploads_wait_for_a_turn_and_past_the_waiting_room_are_told_to_come_back() {
        let a = std::sync::Arc::new(Admission { turns: tokio::sync::Semaphore::new(1), waiting: Default::default(), max_waiting: 1 });
        let first = a.admit().await.expect("a free turn");
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move { a.admit().await.is_some() })
        };
        while a.waiting.load(std::sync::atomic::Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        assert!(a.admit().await.is_none(), "the waiting room is full: busy");
        drop(first);
        assert!(waiter.await.unwrap(), "the one waiting gets the turn given back");
        assert_eq!(a.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    }

    #[test]
    fn structurally_whole_images_pass_and_cut_ones_do_not() {
        let mut png = Vec::new();
        image::DynamicImage::new_luma8(640, 480).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        assert_eq!(inspect_image(&png).unwrap(), Inspected { width: 640, height: 480, content_type: "image/png", ext: "png" });
        assert!(inspect_image(&png[..png.len() - 1]).is_err(), "a PNG without its end");
        let mut jpeg = Vec::new();
        image::DynamicImage::new_rgb8(320, 240).write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        assert_eq!(inspect_image(&jpeg).unwrap().width, 320);
        assert!(inspect_image(&jpeg[..jpeg.len() / 2]).is_err(), "a JPEG cut in the middle");
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        assert!(inspect_image(&padded).is_ok(), "zeros after the end marker are an encoder's padding");
        let mut webp = Vec::new();
        image::DynamicImage::new_rgba8(64, 48).write_to(&mut std::io::Cursor::new(&mut webp), image::ImageFormat::WebP).unwrap();
        assert_eq!(inspect_image(&webp).unwrap().height, 48);
        assert!(inspect_image(&webp[..webp.len() - 4]).is_err(), "a WebP shorter than its RIFF length");
        assert!(inspect_image(b"%PDF-1.4").is_err());
        // A header claiming a huge picture is refused before anything is decoded.
        let mut big = Vec::new();
        image::DynamicImage::new_luma8(4097, 1).write_to(&mut std::io::Cursor::new(&mut big), image::ImageFormat::Png).unwrap();
        assert!(inspect_image(&big).is_err());
    }

    #[test]
    fn keys_are_checked() {
        assert!(valid_key("0123456789abcdef0123456789abcdef"));
        assert!(!valid_key("short"));
        assert!(!valid_key("../../../../etc/passwd/x"));
        assert!(!valid_key(&"a".repeat(65)));
    }

    #[test]
    fn flagged_snapshots_are_always_rechecked_and_a_share_of_the_rest() {
        assert!(recheck(None, "k", 0));
        assert!(recheck(Some(0), "k", 0));
        assert!(recheck(Some(2), "k", 0));
        assert!(!recheck(Some(1), "k", 0));
        assert!(recheck(Some(1), "k", 100));
        let n = (0..1000).filter(|i| recheck(Some(1), &format!("key-{i:016}"), 20)).count();
        assert!((120..280).contains(&n), "about 20 % re-checked, got {n}");
        assert_eq!(recheck(Some(1), "same-key-0000000", 20), recheck(Some(1), "same-key-0000000", 20));
    }

    #[test]
    fn non_images_are_refused_and_images_decoded() {
        assert!(check_image(b"%PDF-1.4 not an image", false).is_err());
        assert!(check_image(b"", false).is_err());
        let mut png = Vec::new();
        image::DynamicImage::new_luma8(640, 480).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let c = check_image(&png, true).unwrap();
        assert_eq!((c.width, c.height, c.content_type), (640, 480, "image/png"));
        let (g, w, h) = c.gray.unwrap();
        assert_eq!((w, h, g.len()), (320, 240, 320 * 240));
        // A truncated file has the right magic bytes but does not decode.
        assert!(check_image(&png[..png.len() / 2], false).is_err());
    }

    #[test]
    fn a_test_snapshot_is_measured_and_counted_but_a_non_image_refused() {
        let mut jpeg = Vec::new();
        image::DynamicImage::new_luma8(320, 240).write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
        assert_eq!(check_snapshot(&jpeg).unwrap(), CheckResult { width: 320, height: 240, faces: 0 });
        assert!(check_snapshot(b"GIF89a").is_err());
    }

    #[test]
    fn a_blank_frame_has_no_face() {
        assert_eq!(count_faces(&vec![128u8; 320 * 240], 320, 240), Some(0));
    }
}
