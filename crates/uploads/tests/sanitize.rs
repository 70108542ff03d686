//! Rules for turning untrusted upload bytes into a storable image.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage, RgbaImage};
use uploads::{sanitize_image, ImageLimits, UploadError};

fn rgb(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 7) as u8, ((x + y) * 3) as u8])
    })
}

fn rgba(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x * 5) as u8, (y * 7) as u8, 90, (x * y) as u8])
    })
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&rgb(width, height))
        .unwrap();
    out
}

fn png(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image,
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

fn webp(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(
            image,
            image.width(),
            image.height(),
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

/// A little-endian TIFF block with one Orientation entry, then `trailer`
/// standing in for the rest of a camera's EXIF (GPS position and so on).
fn exif(orientation: u16, trailer: &[u8]) -> Vec<u8> {
    let mut tiff = b"Exif\0\0II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(orientation.to_le_bytes());
    tiff.extend([0, 0]);
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(trailer);
    tiff
}

/// Splices an APP1 segment right after SOI, where cameras put EXIF.
fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(length.to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend(kind);
    chunk.extend(data);
    chunk.extend(crc32(&chunk[4..]).to_be_bytes());
    chunk
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn sanitize(bytes: &[u8]) -> Result<uploads::CleanImage, UploadError> {
    sanitize_image(bytes, &ImageLimits::default())
}

#[test]
fn pdf_renamed_as_jpeg_is_refused() {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF";
    assert_eq!(sanitize(pdf), Err(UploadError::NotAnImage));
}

#[test]
fn text_is_refused() {
    assert_eq!(
        sanitize(b"just some text, not a photo"),
        Err(UploadError::NotAnImage)
    );
}

#[test]
fn gif_is_refused() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    assert_eq!(sanitize(gif), Err(UploadError::NotAnImage));
}

#[test]
fn svg_is_refused() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    assert_eq!(sanitize(svg), Err(UploadError::NotAnImage));
}

#[test]
fn empty_upload_is_refused() {
    assert_eq!(sanitize(b""), Err(UploadError::Empty));
}

#[test]
fn oversized_upload_is_refused() {
    let photo = jpeg(40, 30);
    let at_limit = ImageLimits {
        max_bytes: photo.len(),
        ..ImageLimits::default()
    };
    assert!(sanitize_image(&photo, &at_limit).is_ok());

    let below = ImageLimits {
        max_bytes: photo.len() - 1,
        ..ImageLimits::default()
    };
    assert_eq!(
        sanitize_image(&photo, &below),
        Err(UploadError::TooLarge {
            max_bytes: photo.len() - 1
        })
    );
}

#[test]
fn truncated_jpeg_is_refused() {
    let photo = jpeg(40, 30);
    assert_eq!(
        sanitize(&photo[..photo.len() / 2]),
        Err(UploadError::Corrupt)
    );
}

#[test]
fn huge_dimensions_are_refused() {
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
    bomb.extend(png_chunk(b"IHDR", &ihdr));
    bomb.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    bomb.extend(png_chunk(b"IEND", &[]));
    assert_eq!(sanitize(&bomb), Err(UploadError::TooManyPixels));
}

#[test]
fn dimensions_over_the_configured_limit_are_refused() {
    let limits = ImageLimits {
        max_dimension: 32,
        ..ImageLimits::default()
    };
    assert_eq!(
        sanitize_image(&jpeg(40, 30), &limits),
        Err(UploadError::TooManyPixels)
    );
    assert_eq!(
        sanitize_image(&png(&rgba(20, 40)), &limits),
        Err(UploadError::TooManyPixels)
    );
}

#[test]
fn exif_is_stripped_from_jpeg() {
    let marker = b"GPSLatitude-SECRET";
    let upload = with_app1(&jpeg(40, 30), &exif(1, marker));
    assert!(contains(&upload, marker));

    let clean = sanitize(&upload).unwrap();
    assert!(!contains(&clean.bytes, marker));
    assert!(!contains(&clean.bytes, b"Exif"));
    assert_eq!((clean.content_type, clean.extension), ("image/jpeg", "jpg"));
    let decoded = image::load_from_memory(&clean.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (40, 30));
}

#[test]
fn exif_orientation_is_applied_before_stripping() {
    // Orientation 6: the camera was held upright, so the stored pixels must
    // be turned a quarter to the right.
    let clean = sanitize(&with_app1(&jpeg(40, 30), &exif(6, b""))).unwrap();
    assert_eq!((clean.width, clean.height), (30, 40));
    let decoded = image::load_from_memory(&clean.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (30, 40));
}

#[test]
fn png_text_metadata_is_stripped() {
    let marker = b"Author-Home-Address-SECRET";
    let original = png(&rgba(12, 8));
    let iend = original.len() - 12;
    let mut upload = original[..iend].to_vec();
    upload.extend(png_chunk(
        b"tEXt",
        &[b"Comment\0".as_slice(), marker].concat(),
    ));
    upload.extend(&original[iend..]);
    assert!(contains(&upload, marker));

    let clean = sanitize(&upload).unwrap();
    assert!(!contains(&clean.bytes, marker));
}

#[test]
fn bytes_after_the_image_are_dropped() {
    let marker = b"<script>alert(1)</script>";
    let mut upload = jpeg(40, 30);
    upload.extend(marker);

    let clean = sanitize(&upload).unwrap();
    assert!(!contains(&clean.bytes, marker));
}

#[test]
fn png_roundtrips_dimensions() {
    let original = rgba(40, 30);
    let clean = sanitize(&png(&original)).unwrap();
    assert_eq!((clean.content_type, clean.extension), ("image/png", "png"));
    assert_eq!((clean.width, clean.height), (40, 30));
    assert_eq!(
        image::load_from_memory(&clean.bytes).unwrap().to_rgba8(),
        original
    );
}

#[test]
fn webp_is_stored_as_png() {
    let original = rgba(24, 16);
    let clean = sanitize(&webp(&original)).unwrap();
    assert_eq!((clean.content_type, clean.extension), ("image/png", "png"));
    assert_eq!((clean.width, clean.height), (24, 16));
    assert_eq!(
        image::load_from_memory(&clean.bytes).unwrap().to_rgba8(),
        original
    );
}

#[test]
fn large_image_is_downscaled() {
    let limits = ImageLimits {
        max_output_side: 100,
        ..ImageLimits::default()
    };
    let clean = sanitize_image(&jpeg(400, 120), &limits).unwrap();
    assert_eq!((clean.width, clean.height), (100, 30));
    let decoded = image::load_from_memory(&clean.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (100, 30));

    let portrait = sanitize_image(&png(&rgba(50, 200)), &limits).unwrap();
    assert_eq!((portrait.width, portrait.height), (25, 100));
}

#[test]
fn small_image_keeps_its_size() {
    let clean = sanitize(&jpeg(40, 30)).unwrap();
    assert_eq!((clean.width, clean.height), (40, 30));
}
