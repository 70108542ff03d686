//! Rules for naming, storing and reading back sanitized images.

use uploads::{CleanImage, FileStore, StoredKey, UploadError};

const HEX: &str = "0123456789abcdef0123456789abcdef";

fn photo() -> CleanImage {
    CleanImage {
        bytes: b"\xFF\xD8\xFF stands in for a sanitized JPEG".to_vec(),
        content_type: "image/jpeg",
        extension: "jpg",
        width: 40,
        height: 30,
    }
}

async fn roundtrip(store: &FileStore) -> StoredKey {
    let image = photo();
    let key = store.put_image("services", &image).await.unwrap();
    let file = store.get(&key).await.unwrap();
    assert_eq!(file.bytes.as_ref(), image.bytes.as_slice());
    assert_eq!(file.content_type, "image/jpeg");

    store.delete(&key).await.unwrap();
    assert_eq!(store.get(&key).await, Err(UploadError::NotFound));
    key
}

#[tokio::test]
async fn stored_names_are_generated_not_client_supplied() {
    let store = FileStore::from_config("memory://").unwrap();
    let first = store.put_image("services", &photo()).await.unwrap();
    let second = store.put_image("services", &photo()).await.unwrap();
    assert_ne!(first, second);

    for key in [&first, &second] {
        let name = key.as_str().strip_prefix("services/").unwrap();
        let hex = name.strip_suffix(".jpg").unwrap();
        assert_eq!(hex.len(), 32);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(&StoredKey::parse(key.as_str()).unwrap(), key);
    }
}

#[tokio::test]
async fn bad_area_is_refused() {
    let store = FileStore::from_config("memory://").unwrap();
    let too_long = "a".repeat(33);
    for area in [
        "",
        "..",
        "../etc",
        "a/b",
        "Services",
        "services1",
        "服务",
        &too_long,
    ] {
        assert_eq!(
            store.put_image(area, &photo()).await,
            Err(UploadError::BadKey),
            "{area:?}"
        );
    }
}

#[tokio::test]
async fn foreign_extension_is_refused() {
    let store = FileStore::from_config("memory://").unwrap();
    let svg = CleanImage {
        content_type: "image/svg+xml",
        extension: "svg",
        ..photo()
    };
    assert_eq!(
        store.put_image("services", &svg).await,
        Err(UploadError::BadKey)
    );
}

#[test]
fn key_parse_accepts_the_generated_shape() {
    for key in [
        format!("services/{HEX}.jpg"),
        format!("worker_photos/{HEX}.png"),
    ] {
        assert_eq!(StoredKey::parse(&key).unwrap().as_str(), key);
    }
}

#[test]
fn key_parse_refuses_traversal() {
    let refused = [
        "../x.jpg".to_owned(),
        "a/../../b.jpg".to_owned(),
        "services/abc.jpg".to_owned(),
        format!("services/{HEX}.svg"),
        format!("services/{HEX}.JPG"),
        format!("services/{HEX}.jpg.png"),
        format!("services/{HEX}"),
        format!("/services/{HEX}.jpg"),
        format!("/etc/{HEX}.jpg"),
        format!("services/../{HEX}.jpg"),
        format!("services/sub/{HEX}.jpg"),
        format!("../{HEX}.jpg"),
        format!("{HEX}.jpg"),
        format!("services/{}.jpg", HEX.to_uppercase()),
        format!("services/{HEX}0.jpg"),
        format!("services\\{HEX}.jpg"),
        format!("services/{HEX}.jpg\0"),
        String::new(),
    ];
    for key in refused {
        assert_eq!(StoredKey::parse(&key), Err(UploadError::BadKey), "{key:?}");
    }
}

#[tokio::test]
async fn local_store_roundtrip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data/uploads");
    let store = FileStore::from_config(root.to_str().unwrap()).unwrap();
    assert!(root.is_dir(), "the root is created when missing");

    let key = store.put_image("workers", &photo()).await.unwrap();
    let on_disk = std::fs::read(root.join(key.as_str())).unwrap();
    assert_eq!(on_disk, photo().bytes);
    store.delete(&key).await.unwrap();

    roundtrip(&store).await;
}

#[tokio::test]
async fn file_url_roundtrip() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let store = FileStore::from_config(&url).unwrap();
    let key = roundtrip(&store).await;
    assert!(!dir.path().join(key.as_str()).exists());
}

#[tokio::test]
async fn memory_store_roundtrip() {
    roundtrip(&FileStore::from_config("memory://").unwrap()).await;
}

#[tokio::test]
async fn missing_key_is_not_found() {
    let key = StoredKey::parse(&format!("services/{HEX}.png")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for store in [
        FileStore::from_config("memory://").unwrap(),
        FileStore::from_config(dir.path().to_str().unwrap()).unwrap(),
    ] {
        assert_eq!(store.get(&key).await, Err(UploadError::NotFound));
    }
}

#[tokio::test]
async fn deleting_a_missing_key_succeeds() {
    let key = StoredKey::parse(&format!("services/{HEX}.jpg")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for store in [
        FileStore::from_config("memory://").unwrap(),
        FileStore::from_config(dir.path().to_str().unwrap()).unwrap(),
    ] {
        assert_eq!(store.delete(&key).await, Ok(()));
    }
}

#[test]
fn bad_config_is_refused() {
    for url in [
        "ftp://example.com/uploads",
        "memory://somewhere",
        "file://relative/path",
        "s3://",
        "s3:///prefix",
        "s3://bucket/a//b",
        "s3://bucket/../b",
    ] {
        assert!(
            matches!(FileStore::from_config(url), Err(UploadError::BadConfig(_))),
            "{url:?}"
        );
    }
}

#[test]
fn s3_url_configures_a_bucket_without_connecting() {
    assert!(FileStore::from_config("s3://daojia-uploads/prod").is_ok());
}
