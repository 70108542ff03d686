//! Videos are checked box by box and stored with their metadata blanked.

use uploads::{sanitize_video, StoredKey, UploadError, VideoLimits};

/// Where a phone that shot the clip was: what must not survive the upload.
const GPS: &[u8] = b"+31.2304+121.4737/";
/// The recording time a phone writes into the headers (2026-12-01 as Mac epoch seconds).
const SHOT_AT: u32 = 0xE9_00_00_01;
const MEDIA: &[u8] = b"\x00\x00\x00\x10frames-of-video";

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn movie_header(timescale: u32, duration: u32) -> Vec<u8> {
    let mut body = vec![0, 0, 0, 0];
    body.extend_from_slice(&SHOT_AT.to_be_bytes());
    body.extend_from_slice(&SHOT_AT.to_be_bytes());
    body.extend_from_slice(&timescale.to_be_bytes());
    body.extend_from_slice(&duration.to_be_bytes());
    body.extend_from_slice(&[0; 80]);
    boxed(b"mvhd", &body)
}

fn wide_movie_header(timescale: u32, duration: u64) -> Vec<u8> {
    let mut body = vec![1, 0, 0, 0];
    body.extend_from_slice(&(SHOT_AT as u64).to_be_bytes());
    body.extend_from_slice(&(SHOT_AT as u64).to_be_bytes());
    body.extend_from_slice(&timescale.to_be_bytes());
    body.extend_from_slice(&duration.to_be_bytes());
    body.extend_from_slice(&[0; 80]);
    boxed(b"mvhd", &body)
}

fn track(handler: &[u8; 4]) -> Vec<u8> {
    let mut tkhd = vec![0, 0, 0, 3];
    tkhd.extend_from_slice(&SHOT_AT.to_be_bytes());
    tkhd.extend_from_slice(&SHOT_AT.to_be_bytes());
    tkhd.extend_from_slice(&[0; 72]);
    let mut hdlr = vec![0; 8];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 12]);
    hdlr.extend_from_slice(b"VideoHandler\0");
    let mdia = [boxed(b"hdlr", &hdlr)].concat();
    [boxed(b"tkhd", &tkhd), boxed(b"mdia", &mdia)].concat()
}

/// A clip as an Android phone writes it: `ftyp`, a `moov` with the
/// position in `udta`, the frames in `mdat`.
fn clip(brand: &[u8; 4], header: Vec<u8>, handler: &[u8; 4]) -> Vec<u8> {
    let mut ftyp = brand.to_vec();
    ftyp.extend_from_slice(&[0, 0, 2, 0]);
    ftyp.extend_from_slice(b"isommp42");
    let udta = boxed(b"udta", &boxed(b"\xa9xyz", &[&[0, 18, 0x15, 0xc7][..], GPS].concat()));
    let moov = boxed(b"moov", &[header, boxed(b"trak", &track(handler)), udta].concat());
    [boxed(b"ftyp", &ftyp), moov, boxed(b"mdat", MEDIA)].concat()
}

fn phone_clip(seconds: u32) -> Vec<u8> {
    clip(b"mp42", movie_header(600, seconds * 600), b"vide")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_phone_clip_keeps_its_frames_and_length_and_loses_where_and_when_it_was_shot() {
    let upload = phone_clip(12);
    assert!(contains(&upload, GPS) && contains(&upload, &SHOT_AT.to_be_bytes()));
    let clean = sanitize_video(upload.clone(), &VideoLimits::default()).unwrap();
    assert_eq!((clean.content_type, clean.extension, clean.duration_ms), ("video/mp4", "mp4", 12_000));
    assert_eq!(clean.bytes.len(), upload.len(), "offsets into the media data stay valid");
    assert!(clean.bytes.ends_with(&boxed(b"mdat", MEDIA)), "the frames are untouched");
    assert!(!contains(&clean.bytes, GPS), "the position is gone");
    assert!(!contains(&clean.bytes, &SHOT_AT.to_be_bytes()), "the recording times are gone");
    assert!(contains(&clean.bytes, b"free"), "the metadata box became padding");
}

#[test]
fn a_quicktime_clip_with_64_bit_times_is_read_too() {
    let upload = clip(b"qt  ", wide_movie_header(1000, 59_500), b"vide");
    let clean = sanitize_video(upload, &VideoLimits::default()).unwrap();
    assert_eq!(clean.duration_ms, 59_500);
    assert!(!contains(&clean.bytes, &(SHOT_AT as u64).to_be_bytes()));
}

#[test]
fn a_clip_longer_than_the_limit_is_refused() {
    let limits = VideoLimits::default();
    assert!(sanitize_video(phone_clip(60), &limits).is_ok());
    assert_eq!(sanitize_video(phone_clip(61), &limits), Err(UploadError::TooLong { max_seconds: 60 }));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let upload = phone_clip(5);
    let limits = VideoLimits { max_bytes: upload.len() - 1, ..VideoLimits::default() };
    assert_eq!(sanitize_video(upload, &limits), Err(UploadError::TooLarge { max_bytes: limits.max_bytes }));
    assert_eq!(sanitize_video(Vec::new(), &VideoLimits::default()), Err(UploadError::Empty));
}

#[test]
fn anything_but_an_mp4_or_mov_clip_is_not_a_video() {
    let limits = VideoLimits::default();
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    assert_eq!(sanitize_video(png, &limits), Err(UploadError::NotAVideo));
    // A HEIC photo is an ISO media file too, of another brand.
    assert_eq!(sanitize_video(clip(b"heic", movie_header(600, 600), b"pict"), &limits), Err(UploadError::NotAVideo));
    // Sound alone is no clip of the work.
    assert_eq!(sanitize_video(clip(b"mp42", movie_header(600, 600), b"soun"), &limits), Err(UploadError::NotAVideo));
}

#[test]
fn a_broken_box_tree_is_corrupt() {
    let limits = VideoLimits::default();
    let upload = phone_clip(5);
    // Cut inside the frames: the media data box claims more than there is.
    assert_eq!(sanitize_video(upload[..upload.len() - 3].to_vec(), &limits), Err(UploadError::Corrupt));
    // No movie header: no running time to check.
    let mut ftyp = b"mp42".to_vec();
    ftyp.extend_from_slice(&[0; 4]);
    let headless = [boxed(b"ftyp", &ftyp), boxed(b"moov", &boxed(b"trak", &track(b"vide"))), boxed(b"mdat", MEDIA)].concat();
    assert_eq!(sanitize_video(headless, &limits), Err(UploadError::Corrupt));
    // A zero time scale cannot be divided by.
    assert_eq!(sanitize_video(clip(b"mp42", movie_header(0, 600), b"vide"), &limits), Err(UploadError::Corrupt));
}

#[test]
fn a_stored_video_key_says_it_is_a_video() {
    let key = StoredKey::parse("review/0123456789abcdef0123456789abcdef.mp4").unwrap();
    assert!(key.is_video());
    assert!(!StoredKey::parse("review/0123456789abcdef0123456789abcdef.jpg").unwrap().is_video());
    assert_eq!(StoredKey::parse("review/0123456789abcdef0123456789abcdef.mov"), Err(UploadError::BadKey));
}

#[test]
fn a_clip_a_browser_recorded_in_fragments_is_timed_by_its_fragments() {
    // Chromium's MediaRecorder output: the movie header says 0, the fragments carry the time.
    let recorded = include_bytes!("../../../end2end/fixtures/clip.mp4").to_vec();
    let clean = sanitize_video(recorded.clone(), &VideoLimits::default()).unwrap();
    assert!((2_000..=2_600).contains(&clean.duration_ms), "{} ms", clean.duration_ms);
    assert_eq!(clean.bytes.len(), recorded.len());
    let short = VideoLimits { max_seconds: 1, ..VideoLimits::default() };
    assert_eq!(sanitize_video(recorded, &short), Err(UploadError::TooLong { max_seconds: 1 }));
}
