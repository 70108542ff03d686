use thiserror::Error;

/// Why an upload, a lookup or the store configuration failed.
///
/// Messages are short English for logs; the app maps each variant to its own
/// Chinese wording, so variants stay coarse and carry no user input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UploadError {
    #[error("the upload is empty")]
    Empty,
    #[error("the upload is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the upload is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is corrupt or truncated")]
    Corrupt,
    #[error("the upload is not an MP4 or MOV video")]
    NotAVideo,
    #[error("the video runs longer than {max_seconds} seconds")]
    TooLong { max_seconds: u32 },
    #[error("the image has too many pixels")]
    TooManyPixels,
    #[error("the file key is not one we generated")]
    BadKey,
    #[error("the file does not exist")]
    NotFound,
    #[error("bad upload store configuration: {0}")]
    BadConfig(String),
    #[error("upload storage failed: {0}")]
    Storage(String),
}
