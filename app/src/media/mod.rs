//! Media files (uploads now; proctoring images later) under keys like
//! "assignments/12/34/answer.pdf". This is the local-folder store: each file is written to a
//! temporary name and renamed into place, so a retried upload replaces the file whole and a
//! reader never sees half of one. The S3-compatible store arrives with the proctoring work
//! (issue 3) behind the same two functions.

use crate::error::AppError;
use std::path::{Path, PathBuf};

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

fn path_of(root: &Path, key: &str) -> Result<PathBuf, AppError> {
    if key.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
        return Err(AppError::BadRequest);
    }
    Ok(root.join(key))
}

pub async fn put(root: &Path, key: &str, bytes: &[u8]) -> Result<(), AppError> {
    let path = path_of(root, key)?;
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, key, "media write failed");
        AppError::Internal
    };
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(internal)?;
    }
    let tmp = path.with_extension(format!("part-{}", crate::auth::ssr::random_token().get(..8).unwrap_or("x")));
    tokio::fs::write(&tmp, bytes).await.map_err(internal)?;
    tokio::fs::rename(&tmp, &path).await.map_err(internal)?;
    Ok(())
}

pub async fn get(root: &Path, key: &str) -> Result<Vec<u8>, AppError> {
    let path = path_of(root, key)?;
    tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)
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
}

/// Reads a multipart form, refusing a file over `max_bytes` as it streams in (not after).
pub async fn read_upload(data: leptos::server_fn::codec::MultipartData, max_bytes: usize) -> Result<Upload, AppError> {
    let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut upload = Upload { fields: Default::default(), file_name: String::new(), bytes: Vec::new() };
    while let Ok(Some(mut field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = field.file_name().unwrap_or_default().to_string();
            while let Ok(Some(chunk)) = field.chunk().await {
                upload.bytes.extend_from_slice(&chunk);
                if upload.bytes.len() > max_bytes {
                    return Err(AppError::field("file", crate::i18n::Msg::ErrFileTooLarge));
                }
            }
        } else {
            upload.fields.insert(name, field.text().await.unwrap_or_default());
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
        assert!(path_of(Path::new("/m"), "a/../b").is_err());
        assert!(path_of(Path::new("/m"), "a//b").is_err());
        assert_eq!(path_of(Path::new("/m"), "a/b.pdf").unwrap(), PathBuf::from("/m/a/b.pdf"));
    }
}
