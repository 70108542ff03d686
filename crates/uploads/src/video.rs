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

/// Boxes on the way to the ones read or blanked; `mvex`, `moof` and `traf`
/// are those of fragmented files (as browsers record them), whose movie
/// header leaves the duration to the fragments.
const CONTAINER_BOXES: [&[u8; 4]; 8] = [b"moov", b"trak", b"mdia", b"minf", b"edts", b"mvex", b"moof", b"traf"];

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
    let duration_ms = found.duration_ms()?;
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
    /// The track whose boxes are being read (from its `tkhd` or `tfhd`).
    track: u32,
    /// Each track's media time scale.
    timescales: std::collections::HashMap<u32, u32>,
    /// Each track's sample duration where fragments name none (`trex`).
    default_durations: std::collections::HashMap<u32, u32>,
    /// The sample duration of the fragment being read, when it names one.
    fragment_default: Option<u32>,
    /// Each track's summed sample durations over the fragments.
    fragment_ticks: std::collections::HashMap<u32, u64>,
}

impl Found {
    /// The running time: the movie header's, or in a fragmented file (whose
    /// header says 0) the longest track's summed fragments.
    fn duration_ms(&self) -> Result<u64, UploadError> {
        let ms = |ticks: u64, scale: u32| ticks.saturating_mul(1000) / scale as u64;
        let (timescale, duration) = self.duration.ok_or(UploadError::Corrupt)?;
        if timescale == 0 {
            return Err(UploadError::Corrupt);
        }
        let fragmented = self
            .fragment_ticks
            .iter()
            .filter_map(|(track, ticks)| self.timescales.get(track).filter(|scale| **scale > 0).map(|scale| ms(*ticks, *scale)))
            .max()
            .unwrap_or(0);
        match ms(duration, timescale).max(fragmented) {
            0 => Err(UploadError::Corrupt),
            total => Ok(total),
        }
    }
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
            found.duration = Some(clear_times(&mut bytes[span.body..span.end], Header::Scaled)?);
        } else if kind == b"tkhd" {
            found.track = clear_times(&mut bytes[span.body..span.end], Header::Track)?.0;
        } else if kind == b"mdhd" {
            let (timescale, _) = clear_times(&mut bytes[span.body..span.end], Header::Scaled)?;
            found.timescales.insert(found.track, timescale);
        } else if kind == b"trex" {
            let body = &bytes[span.body..span.end];
            found.default_durations.insert(be32(body, 4)?, be32(body, 12)?);
        } else if kind == b"tfhd" {
            read_fragment_header(&bytes[span.body..span.end], found)?;
        } else if kind == b"trun" {
            read_track_run(&bytes[span.body..span.end], found)?;
        } else if kind == b"hdlr" && bytes.get(span.body + 8..span.body + 12) == Some(b"vide") {
            found.video_tracks += 1;
        }
        at = span.end;
    }
    Ok(())
}

/// What follows the times in a header: a time scale and duration (movie and
/// media headers), or a track id (track headers).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    Scaled,
    Track,
}

/// Zeroes the creation and modification times at the head of a movie,
/// track or media header (version 0: 32-bit fields, version 1: 64-bit) and
/// returns what follows them: `(time scale, duration)`, or `(track id, 0)`.
fn clear_times(body: &mut [u8], header: Header) -> Result<(u32, u64), UploadError> {
    let wide = match body.first() {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(UploadError::Corrupt),
    };
    let times = if wide { 16 } else { 8 };
    let after = 4 + times;
    if body.len() < after + 4 {
        return Err(UploadError::Corrupt);
    }
    body[4..after].fill(0);
    let first = be32(body, after)?;
    if header == Header::Track {
        return Ok((first, 0));
    }
    let duration = match wide {
        true => u64::from_be_bytes(body.get(after + 4..after + 12).ok_or(UploadError::Corrupt)?.try_into().expect("8 bytes")),
        false => be32(body, after + 4)? as u64,
    };
    Ok((first, duration))
}

/// A fragment's track header: which track its runs are of, and their
/// sample duration when it names one.
fn read_fragment_header(body: &[u8], found: &mut Found) -> Result<(), UploadError> {
    let flags = be32(body, 0)? & 0x00ff_ffff;
    found.track = be32(body, 4)?;
    // Optional fields in order: base data offset (8 bytes), sample
    // description index (4), then the default sample duration.
    let mut at = 8;
    if flags & 0x01 != 0 {
        at += 8;
    }
    if flags & 0x02 != 0 {
        at += 4;
    }
    found.fragment_default = match flags & 0x08 {
        0 => None,
        _ => Some(be32(body, at)?),
    };
    Ok(())
}

/// A track run: its samples' durations, added to the track's.
fn read_track_run(body: &[u8], found: &mut Found) -> Result<(), UploadError> {
    let flags = be32(body, 0)? & 0x00ff_ffff;
    let samples = be32(body, 4)? as usize;
    let mut at = 8 + if flags & 0x001 != 0 { 4 } else { 0 } + if flags & 0x004 != 0 { 4 } else { 0 };
    let per_sample = [0x100, 0x200, 0x400, 0x800].iter().filter(|bit| flags & **bit != 0).count() * 4;
    if samples.saturating_mul(per_sample) > body.len().saturating_sub(at) {
        return Err(UploadError::Corrupt);
    }
    let ticks: u64 = if flags & 0x100 != 0 {
        (0..samples)
            .map(|_| {
                let duration = be32(body, at).map(u64::from);
                at += per_sample;
                duration
            })
            .sum::<Result<u64, UploadError>>()?
    } else {
        let default = found.fragment_default.or_else(|| found.default_durations.get(&found.track).copied()).unwrap_or(0);
        samples as u64 * default as u64
    };
    *found.fragment_ticks.entry(found.track).or_default() += ticks;
    Ok(())
}

fn be32(body: &[u8], at: usize) -> Result<u32, UploadError> {
    Ok(u32::from_be_bytes(body.get(at..at + 4).ok_or(UploadError::Corrupt)?.try_into().expect("4 bytes")))
}
