use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use crate::sanitize::StoredFormat;
use crate::{CleanImage, CleanVideo, UploadError};

/// Where uploads go when no store is configured: next to the app, so a
/// single-machine deployment needs no setup.
pub const DEFAULT_LOCAL_ROOT: &str = "./data/uploads";

/// Length of the random part of a generated name: 128 bits in hex, so names
/// cannot be guessed from one another.
const NAME_HEX_LEN: usize = 32;

const MAX_AREA_LEN: usize = 32;

/// Storage for sanitized images, on local disk, in memory or in an
/// S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl FileStore {
    /// Opens the store named by `url`:
    ///
    /// - `""` — local disk under [`DEFAULT_LOCAL_ROOT`];
    /// - a plain path or `file:///absolute/path` — local disk rooted there,
    ///   created if missing;
    /// - `memory://` — in memory, for tests;
    /// - `s3://bucket/optional/prefix` — an S3 bucket, with region, endpoint
    ///   and credentials read from the standard `AWS_*` environment variables
    ///   so MinIO and other S3-compatible services work too.
    pub fn from_config(url: &str) -> Result<Self, UploadError> {
        if url == "memory://" {
            return Ok(Self {
                store: Arc::new(InMemory::new()),
                prefix: Path::default(),
            });
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            return Self::s3(rest);
        }
        if let Some(root) = url.strip_prefix("file://") {
            if !root.starts_with('/') {
                return Err(UploadError::BadConfig(format!(
                    "{url:?} needs an absolute path, as in file:///srv/uploads"
                )));
            }
            return Self::local(root);
        }
        if url.contains("://") {
            return Err(UploadError::BadConfig(format!(
                "{url:?} is not a path, file://, memory:// or s3:// URL"
            )));
        }
        Self::local(if url.is_empty() {
            DEFAULT_LOCAL_ROOT
        } else {
            url
        })
    }

    fn local(root: &str) -> Result<Self, UploadError> {
        std::fs::create_dir_all(root)
            .map_err(|e| UploadError::Storage(format!("cannot create {root:?}: {e}")))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| UploadError::Storage(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: Path::default(),
        })
    }

    fn s3(rest: &str) -> Result<Self, UploadError> {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(UploadError::BadConfig(
                "s3:// URLs need a bucket, as in s3://bucket/prefix".to_owned(),
            ));
        }
        let prefix = Path::parse(prefix).map_err(|e| UploadError::BadConfig(e.to_string()))?;
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| UploadError::BadConfig(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix,
        })
    }

    /// Stores `image` in `area` (such as `services` or `workers`) under a
    /// freshly generated random name. The client's file name is never used:
    /// it could collide, leak personal data, or try to climb out of the area.
    pub async fn put_image(
        &self,
        area: &str,
        image: &CleanImage,
    ) -> Result<StoredKey, UploadError> {
        self.put(area, image.extension, image.bytes.clone()).await
    }

    /// Stores a checked video in `area`, named as [`FileStore::put_image`]
    /// names images.
    pub async fn put_video(&self, area: &str, video: CleanVideo) -> Result<StoredKey, UploadError> {
        self.put(area, video.extension, video.bytes).await
    }

    async fn put(&self, area: &str, extension: &str, bytes: Vec<u8>) -> Result<StoredKey, UploadError> {
        // The generated name goes through the same check as keys coming back
        // from requests, which also rejects a bad area or a foreign extension.
        let key = StoredKey::parse(&format!(
            "{area}/{:0width$x}.{extension}",
            rand::random::<u128>(),
            width = NAME_HEX_LEN,
        ))?;
        self.store
            .put(&self.location(&key), PutPayload::from(bytes))
            .await
            .map_err(storage_error)?;
        Ok(key)
    }

    /// Reads a stored image back, with the content type to serve it as.
    pub async fn get(&self, key: &StoredKey) -> Result<StoredFile, UploadError> {
        let found = self
            .store
            .get(&self.location(key))
            .await
            .map_err(storage_error)?;
        Ok(StoredFile {
            bytes: found.bytes().await.map_err(storage_error)?,
            content_type: key.format.content_type(),
        })
    }

    /// Removes a stored image. Deleting a missing image succeeds, as it does
    /// on S3, so every backend behaves the same and retries are harmless.
    pub async fn delete(&self, key: &StoredKey) -> Result<(), UploadError> {
        match self.store.delete(&self.location(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(UploadError::Storage(e.to_string())),
        }
    }

    fn location(&self, key: &StoredKey) -> Path {
        key.as_str()
            .split('/')
            .fold(self.prefix.clone(), |path, part| path.child(part))
    }
}

fn storage_error(error: object_store::Error) -> UploadError {
    match error {
        object_store::Error::NotFound { .. } => UploadError::NotFound,
        other => UploadError::Storage(other.to_string()),
    }
}

/// The name of a stored file, `{area}/{32 hex digits}.{jpg|png|mp4}`.
///
/// Only names of exactly the shape [`FileStore::put_image`] generates can be
/// built, so a key taken from a request path cannot point outside its area or
/// at a file we did not write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoredKey {
    key: String,
    format: StoredFormat,
}

impl StoredKey {
    pub fn parse(key: &str) -> Result<Self, UploadError> {
        let (area, file) = key.split_once('/').ok_or(UploadError::BadKey)?;
        let (name, extension) = file.split_once('.').ok_or(UploadError::BadKey)?;
        let format = StoredFormat::from_extension(extension).ok_or(UploadError::BadKey)?;
        let name_ok = name.len() == NAME_HEX_LEN
            && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !is_area(area) || !name_ok {
            return Err(UploadError::BadKey);
        }
        Ok(Self {
            key: key.to_owned(),
            format,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// Whether the file is a video (else an image).
    pub fn is_video(&self) -> bool {
        self.format == StoredFormat::Mp4
    }
}

impl fmt::Display for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

fn is_area(area: &str) -> bool {
    (1..=MAX_AREA_LEN).contains(&area.len())
        && area.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// A stored image as read back from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub bytes: Bytes,
    pub content_type: &'static str,
}
