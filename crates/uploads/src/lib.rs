//! Photo and video uploads for Daojia: service photos, worker avatars,
//! review clips and the like.
//!
//! Uploaded bytes are untrusted. [`sanitize_image`] turns them into a freshly
//! encoded JPEG or PNG (no metadata, bounded size), [`sanitize_video`] checks
//! a short MP4/MOV and blanks its metadata, and [`FileStore`] keeps the
//! result under a name we generate, so neither a client's file name nor a
//! request path ever reaches the storage backend unchecked.

mod error;
mod sanitize;
mod store;
mod video;

pub use error::UploadError;
pub use sanitize::{sanitize_image, CleanImage, ImageLimits};
pub use store::{FileStore, StoredFile, StoredKey, DEFAULT_LOCAL_ROOT};
pub use video::{sanitize_video, CleanVideo, VideoLimits};
