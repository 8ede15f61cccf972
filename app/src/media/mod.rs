//! Media files (uploads, proctoring images) under keys like "assignments/12/34/answer.pdf" or
//! "proctor/7/webcam/<key>.jpg". One interface, two backends through `object_store`: a local
//! folder (the default: one binary, one folder) and S3-compatible storage (several app nodes
//! share it, so no node keeps state of its own). Both replace an object whole on a retried put
//! (the local store writes a temporary file and renames it), so a reader never sees half of one.
//! Media are never served from a public URL: pages fetch them through routes that check the
//! caller first.

use crate::error::AppError;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// Keeps only characters that are safe in a file name; never empty.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || "._- ".contains(c) { c } else { '_' })
        .collect::<String>()
        .trim_start_matches('.')
        .chars()
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

/// A key as the store sees it; refuses empty, "." and ".." segments (keys are built by us, but
/// parts of them come from requests).
fn store_path(key: &str) -> Result<StorePath, AppError> {
    if key.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
        return Err(AppError::BadRequest);
    }
    StorePath::parse(key).map_err(|_| AppError::BadRequest)
}

/// Failed reads, writes, deletes and listings of any media store in this process (`/metrics`).
static ERRORS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many media store operations have failed in this process.
pub fn errors() -> u64 {
    ERRORS.load(std::sync::atomic::Ordering::Relaxed)
}

fn count_error() {
    ERRORS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Where media live. Cheap to clone (shared client).
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
    /// "folder /srv/talap/media" or "s3://bucket": for logs and /readyz.
    pub describe: String,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

impl MediaStore {
    /// The local folder store (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<MediaStore, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("media folder {}: {e}", dir.display()))?;
        let store =
            object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(|e| format!("media folder {}: {e}", dir.display()))?;
        Ok(MediaStore { inner: Arc::new(store), describe: format!("folder {}", dir.display()) })
    }

    /// S3-compatible storage: `url` is s3://bucket or s3://bucket/prefix. Credentials, region and
    /// endpoint come from the standard AWS_* environment variables (AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT for MinIO/Ceph/Garage, AWS_ALLOW_HTTP=true
    /// for a plain-http endpoint inside a private network).
    pub fn s3(url: &str) -> Result<MediaStore, String> {
        let builder = object_store::aws::AmazonS3Builder::from_env().with_url(url);
        MediaStore::s3_with(builder, url)
    }

    /// S3 with explicit settings (tests point it at a local S3 server).
    pub fn s3_with(builder: object_store::aws::AmazonS3Builder, describe: &str) -> Result<MediaStore, String> {
        // Once per process; a second call (or another crate's provider) is fine to ignore.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = builder.build().map_err(|e| format!("media store {describe}: {e}"))?;
        Ok(MediaStore { inner: Arc::new(store), describe: describe.to_string() })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        let path = store_path(key)?;
        self.inner.put(&path, PutPayload::from(bytes)).await.map_err(|e| {
            count_error();
            tracing::error!(error = %e, key, store = %self.describe, "media write failed");
            AppError::Internal
        })?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, AppError> {
        let path = store_path(key)?;
        match self.inner.get(&path).await {
            Ok(r) => Ok(r
                .bytes()
                .await
                .map_err(|e| {
                    count_error();
                    tracing::error!(error = %e, key, "media read failed");
                    AppError::Internal
                })?
                .to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
            Err(e) => {
                count_error();
                tracing::error!(error = %e, key, store = %self.describe, "media read failed");
                Err(AppError::Internal)
            }
        }
    }

    /// Removes an object; a missing one is not an error (purges may be retried).
    pub async fn delete(&self, key: &str) -> Result<(), AppError> {
        let path = store_path(key)?;
        match self.inner.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => {
                count_error();
                tracing::error!(error = %e, key, store = %self.describe, "media delete failed");
                Err(AppError::Internal)
            }
        }
    }

    /// Every object's key and size, in no particular order (backups and exports walk the whole
    /// store). Readiness probes (`ready/`) are left out: they are not data.
    pub fn list(&self) -> impl futures::Stream<Item = Result<(String, u64), AppError>> + Send + 'static {
        use futures::StreamExt;
        let describe = self.describe.clone();
        self.inner.list(None).filter_map(move |meta| {
            let item = match meta {
                Ok(m) if m.location.as_ref().starts_with("ready/") => None,
                Ok(m) => Some(Ok((m.location.to_string(), m.size))),
                Err(e) => {
                    count_error();
                    tracing::error!(error = %e, store = %describe, "media listing failed");
                    Some(Err(AppError::Internal))
                }
            };
            std::future::ready(item)
        })
    }

    /// For /readyz: a small object can be written and removed.
    pub async fn writable(&self) -> bool {
        let key = format!("ready/{}-{}", std::process::id(), rand::random::<u32>());
        self.put(&key, b"ok".to_vec()).await.is_ok() && self.delete(&key).await.is_ok()
    }
}

/// An upload as a multipart form sends it: its text fields and one file (the part named "file").
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// A numeric text field.
    pub fn id(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// A text field, "" when the form did not send it (an unticked checkbox).
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// A text field of an upload form (a subject, an id, a comment): far below this.
pub const MAX_TEXT_FIELD: usize = 4 * 1024;
/// Text fields an upload form may have.
pub const MAX_TEXT_FIELDS: usize = 32;

/// Reads a multipart form, refusing a file over `max_bytes` and a text field over
/// [`MAX_TEXT_FIELD`] as they stream in (not after): a 100 MB "text" field must not be held
/// in memory before anything looks at it. A stream that breaks off is refused, never taken
/// for a complete (truncated) file.
pub async fn read_upload(data: leptos::server_fn::codec::MultipartData, max_bytes: usize) -> Result<Upload, AppError> {
    use crate::i18n::Msg;
    let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut upload = Upload { fields: Default::default(), file_name: String::new(), bytes: Vec::new() };
    while let Some(mut field) = multipart.next_field().await.map_err(|_| AppError::BadRequest)? {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = name == "file";
        if is_file {
            upload.file_name = field.file_name().unwrap_or_default().to_string();
        } else if upload.fields.len() >= MAX_TEXT_FIELDS {
            return Err(AppError::BadRequest);
        }
        let (limit, msg) = if is_file { (max_bytes, Msg::ErrFileTooLarge) } else { (MAX_TEXT_FIELD, Msg::ErrTooLong) };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::field(&name, msg));
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            upload.bytes = bytes;
        } else {
            upload.fields.insert(name, String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?);
        }
    }
    Ok(upload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\a\\Жауап 1.docx"), "Жауап 1.docx");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name(""), "file");
        assert_eq!(safe_name("a;b<c>.pdf"), "a_b_c_.pdf");
        assert!(store_path("a/../b").is_err());
        assert!(store_path("a//b").is_err());
        assert_eq!(store_path("a/b.pdf").unwrap().as_ref(), "a/b.pdf");
    }

    #[tokio::test]
    async fn local_store_puts_replaces_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(dir.path()).unwrap();
        store.put("a/b.jpg", b"one".to_vec()).await.unwrap();
        store.put("a/b.jpg", b"two".to_vec()).await.unwrap();
        assert_eq!(store.get("a/b.jpg").await.unwrap(), b"two");
        assert_eq!(std::fs::read(dir.path().join("a/b.jpg")).unwrap(), b"two");
        store.delete("a/b.jpg").await.unwrap();
        store.delete("a/b.jpg").await.unwrap();
        assert!(matches!(store.get("a/b.jpg").await, Err(AppError::NotFound)));
        assert!(store.writable().await);
    }
}
