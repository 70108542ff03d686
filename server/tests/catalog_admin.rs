//! Running the catalog over HTTP (A1): creating and editing services with
//! bad input refused in place, pictures, listing and delisting, and the audit.

mod common;

use app::api::catalog::CatalogPage;
use app::error::{AppError, Field};
use app::i18n::Msg;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use domain::Role;

fn service_form(id: i64, name: &str, price: &str, default_units: &str, min_units: &str) -> String {
    form(&[
        ("id", id.to_string()),
        ("category_code", "deep_cleaning".into()),
        ("name", name.into()),
        ("summary", "厨房重油污深度清洁".into()),
        ("content", "灶台、油烟机表面、橱柜内外、墙面瓷砖全面除油。".into()),
        ("process_steps", "上门查看\n分区除油\n验收".into()),
        ("supplies", "专业除油剂、蒸汽机".into()),
        ("qualifications", "深度保洁培训合格".into()),
        ("unit", "visit".into()),
        ("price", price.into()),
        ("default_units", default_units.into()),
        ("min_units", min_units.into()),
    ])
}

async fn catalog(app: &TestApp) -> CatalogPage {
    serde_json::from_str(&app.post("/api/home_catalog", "", None).await.body).unwrap()
}

fn png() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/fixtures/photo.png")).unwrap()
}

/// Posts a file to `path` as the service edit page's forms do.
async fn upload_to(app: &TestApp, path: String, bytes: &[u8], token: &str) -> Response {
    let boundary = "----daojia-catalog";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kitchen\"\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, format!("dj_sid={token}"))
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn upload_picture(app: &TestApp, service_id: i64, bytes: &[u8], token: &str) -> Response {
    upload_to(app, format!("/uploads/service/{service_id}"), bytes, token).await
}

async fn upload_service_video(app: &TestApp, service_id: i64, bytes: &[u8], token: &str) -> Response {
    upload_to(app, format!("/uploads/service/{service_id}/video"), bytes, token).await
}

#[tokio::test]
async fn an_admin_gives_a_service_one_video_that_everyone_sees_and_a_new_one_replaces_it() {
    use app::api::orders::ServiceInfo;
    let app = spawn_app().await;
    let admin = app.session("13700000402", Role::Admin).await;
    let created = app.post("/api/admin_save_service", &service_form(0, "油烟机深度清洗", "268", "1", "1"), Some(&admin)).await;
    let id: i64 = serde_json::from_str(&created.body).unwrap();
    let back = |query: &str| format!("/admin/catalog/{id}?{query}#service-video");
    let detail = || {
        let app = &app;
        async move { serde_json::from_str::<ServiceInfo>(&app.post("/api/service_detail", &format!("service_id={id}"), None).await.body).unwrap().video }
    };

    assert_eq!(upload_service_video(&app, id, &png(), &admin).await.headers[header::LOCATION], back("video_error=not_video"));
    let worker = app.session("13900000402", Role::Worker).await;
    assert_eq!(upload_service_video(&app, id, &clip(), &worker).await.status, StatusCode::FORBIDDEN);
    assert_eq!(detail().await, None, "nothing kept");

    assert_eq!(upload_service_video(&app, id, &clip(), &admin).await.headers[header::LOCATION], back("uploaded=video"));
    let first = detail().await.expect("the video");
    let played = app.send(Request::get(&first).header(header::RANGE, "bytes=0-3").body(Body::empty()).unwrap()).await;
    assert_eq!(played.status, StatusCode::PARTIAL_CONTENT, "public, by ranges");
    // A second replaces the first, whose file is gone.
    assert_eq!(upload_service_video(&app, id, &clip(), &admin).await.headers[header::LOCATION], back("uploaded=video"));
    let second = detail().await.expect("the new video");
    assert_ne!(second, first);
    assert_eq!(app.get_page(&first, None).await.status, StatusCode::NOT_FOUND);

    let remove = format!("service_id={id}");
    assert_eq!(app.post("/api/admin_remove_service_video", &remove, Some(&worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_remove_service_video", &remove, Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_remove_service_video", &remove, Some(&admin)).await.status, StatusCode::NOT_FOUND, "gone already");
    assert_eq!((detail().await, app.get_page(&second, None).await.status), (None, StatusCode::NOT_FOUND));
    let audit: Vec<String> = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(audit.iter().filter(|a| a.starts_with("service_video")).count(), 3, "{audit:?}");
}

#[tokio::test]
async fn an_admin_sets_up_a_service_with_a_picture_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.session("13700000401", Role::Admin).await;
    let cases = [
        (service_form(0, "厨房深度保洁", "-10", "1", "1"), Field::Amount, Msg::ErrAmount),
        (service_form(0, "厨房深度保洁", "0", "1", "1"), Field::Amount, Msg::ErrAmountNotPositive),
        (service_form(0, "厨房深度保洁", "1000000", "1", "1"), Field::Amount, Msg::ErrPriceAbsurd),
        (service_form(0, "厨房深度保洁", "12.345", "1", "1"), Field::Amount, Msg::ErrAmount),
        (service_form(0, "厨房深度保洁", "298", "1", "2"), Field::Units, Msg::ErrDefaultBelowMin),
        (service_form(0, " ", "298", "1", "1"), Field::ServiceName, Msg::ErrRequired),
    ];
    for (body, field, msg) in cases {
        let response = app.post("/api/admin_save_service", &body, Some(&admin)).await;
        assert_eq!(response.error(), AppError::Invalid { field, msg }, "{body}");
    }
    assert!(app.state.store.admin_services().await.unwrap().is_empty(), "nothing saved");

    let created = app.post("/api/admin_save_service", &service_form(0, "厨房深度保洁", "298", "1", "1"), Some(&admin)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id: i64 = serde_json::from_str(&created.body).unwrap();
    let duplicate = app.post("/api/admin_save_service", &service_form(0, "厨房深度保洁", "298", "1", "1"), Some(&admin)).await;
    assert_eq!(duplicate.error(), AppError::Invalid { field: Field::ServiceName, msg: Msg::ErrServiceNameTaken });
    assert!(catalog(&app).await.services.is_empty(), "a new service starts delisted");

    let not_image = upload_picture(&app, id, b"GIF89a fake", &admin).await;
    assert_eq!(not_image.headers[header::LOCATION], format!("/admin/catalog/{id}?upload_error=not_image"));
    let ok = upload_picture(&app, id, &png(), &admin).await;
    assert_eq!(ok.headers[header::LOCATION], format!("/admin/catalog/{id}?uploaded=1"));
    let worker = app.session("13900000401", Role::Worker).await;
    assert_eq!(upload_picture(&app, id, &png(), &worker).await.status, StatusCode::FORBIDDEN);

    let list = form(&[("id", id.to_string()), ("listed", "true".into())]);
    assert_eq!(app.post("/api/admin_set_service_listed", &list, Some(&admin)).await.status, StatusCode::OK);
    let page = catalog(&app).await;
    let card = page.services.iter().find(|s| s.id == id).expect("listed service is browsable");
    assert_eq!(card.base_price_fen, 29_800);
    let cover = card.cover_url.clone().expect("cover picture");
    let picture = app.send(Request::get(&cover).body(Body::empty()).unwrap()).await;
    assert_eq!((picture.status, picture.headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "image/png"), "service pictures are public");

    // A second picture becomes the cover; the first, removed, is gone from storage too.
    assert_eq!(upload_picture(&app, id, &png(), &admin).await.status, StatusCode::SEE_OTHER);
    let edit = || {
        let app = &app;
        let admin = admin.clone();
        async move { serde_json::from_str::<app::api::catalog_admin::ServiceEditView>(&app.post("/api/admin_service", &format!("id={id}"), Some(&admin)).await.body).unwrap() }
    };
    let images = edit().await.images;
    assert_eq!(images.len(), 2);
    let (first, second) = (images[0].clone(), images[1].clone());
    let act = |image: i64, action: &str| form(&[("service_id", id.to_string()), ("image_id", image.to_string()), ("action", action.into())]);
    assert_eq!(app.post("/api/admin_service_image", &act(second.id, "cover"), Some(&worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_service_image", &act(second.id, "cover"), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(edit().await.images.iter().map(|i| i.id).collect::<Vec<_>>(), [second.id, first.id], "the cover comes first");
    assert_eq!(app.post("/api/admin_service_image", &act(first.id, "remove"), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_service_image", &act(first.id, "remove"), Some(&admin)).await.status, StatusCode::NOT_FOUND, "gone already");
    assert_eq!(edit().await.images.iter().map(|i| i.id).collect::<Vec<_>>(), [second.id]);
    assert_eq!(app.get_page(&first.url, None).await.status, StatusCode::NOT_FOUND);
    let stored = |url: &str| uploads::StoredKey::parse(url.trim_start_matches("/files/")).unwrap();
    assert!(app.state.files.get(&stored(&first.url)).await.is_err(), "its file is deleted");
    assert!(app.state.files.get(&stored(&second.url)).await.is_ok());
    assert_eq!(app.get_page(&second.url, None).await.status, StatusCode::OK);

    let repriced = app.post("/api/admin_save_service", &service_form(id, "厨房深度保洁", "318", "1", "1"), Some(&admin)).await;
    assert_eq!(repriced.status, StatusCode::OK, "{}", repriced.body);
    assert_eq!(catalog(&app).await.services[0].base_price_fen, 31_800);
    let delist = form(&[("id", id.to_string()), ("listed", "false".into())]);
    assert_eq!(app.post("/api/admin_set_service_listed", &delist, Some(&admin)).await.status, StatusCode::OK);
    assert!(catalog(&app).await.services.is_empty(), "a delisted service vanishes from browsing");

    let audit: Vec<String> = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap().into_iter().map(|e| e.action).collect();
    for action in ["service_created", "service_image_added", "service_listed", "service_updated", "service_delisted"] {
        assert!(audit.iter().any(|a| a == action), "{action} audited: {audit:?}");
    }
    let update = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap().into_iter().find(|e| e.action == "service_updated").unwrap();
    assert!(update.detail.contains("¥298.00 → ¥318.00"), "{}", update.detail);
}
