use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::UploadError;

/// Visually indistinguishable from the original for photos of a job or a
/// worker, at a fraction of what phone cameras write.
const JPEG_QUALITY: u8 = 85;

/// Ceiling on the decoded pixel buffer. An 8000×8000 RGB photo needs 192 MiB;
/// anything hungrier (say a 16-bit RGBA PNG of the same size) is refused so
/// one upload cannot take the server's memory.
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// Bounds applied to an upload before and while it is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest accepted upload in bytes, checked before any parsing.
    pub max_bytes: usize,
    /// Largest accepted width or height. It is checked against the image
    /// header before pixels are allocated, which is what defeats
    /// decompression bombs (tiny files claiming huge dimensions).
    pub max_dimension: u32,
    /// Longest side of the stored image; larger images are downscaled so
    /// pages stay light on mobile data. `0` keeps the decoded size.
    pub max_output_side: u32,
}

impl Default for ImageLimits {
    /// 5 MiB holds any phone photo; 8000 px covers 48-megapixel sensors;
    /// 2048 px is plenty for a photo shown in a browser.
    fn default() -> Self {
        Self {
            max_bytes: 5 * 1024 * 1024,
            max_dimension: 8000,
            max_output_side: 2048,
        }
    }
}

/// A freshly encoded image that carries nothing from the upload but pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanImage {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The only formats we ever store. Serving them needs nothing but the key's
/// extension, and none can carry script the way SVG can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum StoredFormat {
    Jpeg,
    Png,
    /// A video checked by [`crate::sanitize_video`] (MOV is stored as MP4:
    /// browsers play the same content under that type).
    Mp4,
}

impl StoredFormat {
    pub(crate) fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "mp4" => Some(Self::Mp4),
            _ => None,
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Mp4 => "mp4",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Mp4 => "video/mp4",
        }
    }

    fn encode(self, image: &DynamicImage) -> Result<Vec<u8>, UploadError> {
        let mut out = Vec::new();
        let written = match self {
            // JPEG has no alpha channel, and the encoder refuses one.
            Self::Jpeg => {
                JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&image.to_rgb8())
            }
            Self::Png => image.write_with_encoder(PngEncoder::new(&mut out)),
            Self::Mp4 => return Err(UploadError::NotAnImage),
        };
        // Encoding into memory only fails for pixel layouts our decoders never
        // produce, so the upload itself must have been malformed.
        written.map_err(|_| UploadError::Corrupt)?;
        Ok(out)
    }
}

/// Checks an untrusted upload and re-encodes it for storage.
///
/// The type is sniffed from the content because the client's file name and
/// declared MIME type are whatever the client wants them to be. Re-encoding
/// from decoded pixels drops every metadata block (EXIF with GPS position,
/// XMP, comments) as well as anything smuggled after the image data. The EXIF
/// orientation is applied first so phone photos stay upright once the tag
/// that rotated them is gone.
///
/// JPEG stays JPEG; PNG and WebP become PNG, since the WebP encoder we have is
/// lossless only and PNG is served everywhere.
pub fn sanitize_image(bytes: &[u8], limits: &ImageLimits) -> Result<CleanImage, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let (input, output) = sniff(bytes)?;
    let image = downscale(decode(bytes, input, limits)?, limits.max_output_side);
    Ok(CleanImage {
        bytes: output.encode(&image)?,
        content_type: output.content_type(),
        extension: output.extension(),
        width: image.width(),
        height: image.height(),
    })
}

/// Maps magic bytes to the decoder to use and the format to store.
fn sniff(bytes: &[u8]) -> Result<(ImageFormat, StoredFormat), UploadError> {
    if infer::image::is_jpeg(bytes) {
        Ok((ImageFormat::Jpeg, StoredFormat::Jpeg))
    } else if infer::image::is_png(bytes) {
        Ok((ImageFormat::Png, StoredFormat::Png))
    } else if infer::image::is_webp(bytes) {
        Ok((ImageFormat::WebP, StoredFormat::Png))
    } else {
        Err(UploadError::NotAnImage)
    }
}

fn decode(
    bytes: &[u8],
    format: ImageFormat,
    limits: &ImageLimits,
) -> Result<DynamicImage, UploadError> {
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_dimension);
    decoder_limits.max_image_height = Some(limits.max_dimension);
    decoder_limits.max_alloc = Some(MAX_DECODE_ALLOC);

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    // Not every decoder enforces `max_alloc` itself; the buffer we are about
    // to allocate is known from the header, so check it here.
    if decoder.total_bytes() > MAX_DECODE_ALLOC {
        return Err(UploadError::TooManyPixels);
    }
    // A damaged EXIF block only costs the rotation hint, not the photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn decode_error(error: ImageError) -> UploadError {
    match error {
        ImageError::Limits(_) => UploadError::TooManyPixels,
        _ => UploadError::Corrupt,
    }
}

fn downscale(image: DynamicImage, max_side: u32) -> DynamicImage {
    if max_side == 0 || image.width().max(image.height()) <= max_side {
        image
    } else {
        image.resize(max_side, max_side, FilterType::CatmullRom)
    }
}
