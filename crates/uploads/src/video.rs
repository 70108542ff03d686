//! Short videos as phones record them: MP4 and QuickTime (MOV), both
//! ISO base media files, a tree of length-prefixed boxes.
//!
//! There is no encoder here to re-encode a video the way photos are, so a
//! video is checked box by box instead and stored as uploaded except for
//! what could identify where and when it was shot: metadata boxes (`udta`,
//! `meta`, `uuid`, where phones keep the GPS position and XMP) become `free`
//! boxes of the same length filled with zeros, and the creation and
//! modification times of the movie, its tracks and their media become 0.
//! Lengths and positions stay unchanged, so the sample offsets that point
//! into the media data still hold.

use crate::sanitize::StoredFormat;
use crate::UploadError;

/// Bounds of an uploaded video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoLimits {
    /// Largest accepted upload in bytes.
    pub max_bytes: usize,
    /// Longest accepted running time, in seconds.
    pub max_seconds: u32,
}

impl Default for VideoLimits {
    /// A minute, as a review's before/after clip needs; 50 MiB holds that
    /// at the bit rates phones and chat apps share video at.
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_seconds: 60,
        }
    }
}

/// A checked video with its identifying metadata blanked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanVideo {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub duration_ms: u64,
}

/// Major brands of the MP4, QuickTime and 3GP files phones write.
const VIDEO_BRANDS: [&[u8; 4]; 17] = [
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"M4VP",
    b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"MSNV", b"mmp4",
];

/// Boxes that hold metadata (GPS position, device, XMP) and nothing a
/// player needs.
const METADATA_BOXES: [&[u8; 4]; 3] = [b"udta", b"meta", b"uuid"];

/// Boxes on the way to the ones read or blanked.
const CONTAINER_BOXES: [&[u8; 4]; 5] = [b"moov", b"trak", b"mdia", b"minf", b"edts"];

/// How deep boxes may nest before the file is taken for a malicious one.
const MAX_DEPTH: usize = 8;

/// Checks an untrusted upload as a short video and blanks its metadata.
///
/// Refused: anything but an MP4/MOV file (`NotAVideo`), one without a video
/// track, a broken box tree (`Corrupt`), over the size or running time.
pub fn sanitize_video(mut bytes: Vec<u8>, limits: &VideoLimits) -> Result<CleanVideo, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge { max_bytes: limits.max_bytes });
    }
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return Err(UploadError::NotAVideo);
    }
    let ftyp = read_box(&bytes, 0, bytes.len())?;
    if ftyp.end - ftyp.body < 4 || !VIDEO_BRANDS.iter().any(|brand| bytes[ftyp.body..ftyp.body + 4] == brand[..]) {
        return Err(UploadError::NotAVideo);
    }
    let mut found = Found::default();
    let end = bytes.len();
    walk(&mut bytes, 0, end, 0, &mut found)?;
    if found.movies != 1 || found.media_data == 0 {
        return Err(UploadError::Corrupt);
    }
    if found.video_tracks == 0 {
        return Err(UploadError::NotAVideo);
    }
    let (timescale, duration) = found.duration.ok_or(UploadError::Corrupt)?;
    if timescale == 0 || duration == 0 {
        return Err(UploadError::Corrupt);
    }
    let duration_ms = duration.saturating_mul(1000) / timescale as u64;
    if duration_ms > limits.max_seconds as u64 * 1000 {
        return Err(UploadError::TooLong { max_seconds: limits.max_seconds });
    }
    Ok(CleanVideo {
        bytes,
        content_type: StoredFormat::Mp4.content_type(),
        extension: StoredFormat::Mp4.extension(),
        duration_ms,
    })
}

#[derive(Default)]
struct Found {
    movies: usize,
    media_data: usize,
    video_tracks: usize,
    /// The movie header's time scale (units per second) and duration.
    duration: Option<(u32, u64)>,
}

/// One box: where it starts, where its body starts and where it ends.
struct BoxSpan {
    start: usize,
    body: usize,
    end: usize,
    kind: [u8; 4],
}

fn read_box(bytes: &[u8], at: usize, limit: usize) -> Result<BoxSpan, UploadError> {
    if limit - at < 8 {
        return Err(UploadError::Corrupt);
    }
    let size = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as u64;
    let kind: [u8; 4] = bytes[at + 4..at + 8].try_into().expect("4 bytes");
    let (size, header) = match size {
        // A 64-bit size follows the type.
        1 => {
            if limit - at < 16 {
                return Err(UploadError::Corrupt);
            }
            (u64::from_be_bytes(bytes[at + 8..at + 16].try_into().expect("8 bytes")), 16)
        }
        // The box runs to the end of its parent.
        0 => ((limit - at) as u64, 8),
        n => (n, 8),
    };
    if size < header as u64 || size > (limit - at) as u64 {
        return Err(UploadError::Corrupt);
    }
    Ok(BoxSpan { start: at, body: at + header, end: at + size as usize, kind })
}

fn walk(bytes: &mut [u8], start: usize, end: usize, depth: usize, found: &mut Found) -> Result<(), UploadError> {
    if depth > MAX_DEPTH {
        return Err(UploadError::Corrupt);
    }
    let mut at = start;
    while at < end {
        let span = read_box(bytes, at, end)?;
        let kind = &span.kind;
        if METADATA_BOXES.contains(&kind) {
            bytes[span.start + 4..span.start + 8].copy_from_slice(b"free");
            bytes[span.body..span.end].fill(0);
        } else if CONTAINER_BOXES.contains(&kind) {
            if depth == 0 && kind == b"moov" {
                found.movies += 1;
            }
            walk(bytes, span.body, span.end, depth + 1, found)?;
        } else if depth == 0 && kind == b"mdat" {
            found.media_data += 1;
        } else if kind == b"mvhd" {
            found.duration = Some(clear_times(&mut bytes[span.body..span.end], true)?);
        } else if kind == b"tkhd" || kind == b"mdhd" {
            clear_times(&mut bytes[span.body..span.end], false)?;
        } else if kind == b"hdlr" && bytes.get(span.body + 8..span.body + 12) == Some(b"vide") {
            found.video_tracks += 1;
        }
        at = span.end;
    }
    Ok(())
}

/// Zeroes the creation and modification times at the head of a movie,
/// track or media header (version 0: 32-bit fields, version 1: 64-bit) and
/// returns the time scale and duration that follow them in a movie header.
fn clear_times(body: &mut [u8], movie_header: bool) -> Result<(u32, u64), UploadError> {
    let wide = match body.first() {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(UploadError::Corrupt),
    };
    let times = if wide { 16 } else { 8 };
    let needed = 4 + times + if movie_header { 4 + if wide { 8 } else { 4 } } else { 0 };
    if body.len() < needed {
        return Err(UploadError::Corrupt);
    }
    body[4..4 + times].fill(0);
    if !movie_header {
        return Ok((0, 0));
    }
    let scale_at = 4 + times;
    let timescale = u32::from_be_bytes(body[scale_at..scale_at + 4].try_into().expect("4 bytes"));
    let duration = match wide {
        true => u64::from_be_bytes(body[scale_at + 4..scale_at + 12].try_into().expect("8 bytes")),
        false => u32::from_be_bytes(body[scale_at + 4..scale_at + 8].try_into().expect("4 bytes")) as u64,
    };
    Ok((timescale, duration))
}
