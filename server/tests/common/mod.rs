//! Shared harness for the HTTP tests: the real router over a fresh SQLite
//! database, driven with `tower::ServiceExt::oneshot`.
#![allow(dead_code)]

use app::server::session::{hash_token, new_token};
use app::server::{AppState, Config};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use app::error::AppError;
use domain::{DisplayName, Password, Phone, Role};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use rand::Rng;
use std::sync::OnceLock;
use std::time::Duration;
use store::{DynStore, NewUser, UserFilter};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct-horse";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db_file: std::path::PathBuf,
    /// Every text message the app sent.
    pub sms: std::sync::Arc<app::server::sms::RecordedSms>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.db_file.as_os_str().is_empty() {
            return;
        }
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.db_file.display()));
        }
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn error(&self) -> AppError {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not an AppError ({e}): {}", self.body))
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("dj_sid=") && !v.starts_with("dj_sid=;"))
            .map(|v| v.split(';').next().unwrap().trim_start_matches("dj_sid=").to_string())
    }
}

pub async fn spawn_app() -> TestApp {
    TestApp::with_config(Config::default()).await
}

/// A fresh database for one test: a temporary SQLite file, or with
/// `TEST_BACKEND=postgres` a new database on `TEST_DATABASE_URL` (test.sh
/// drops the `daojia_http_*` databases afterwards).
async fn fresh_store() -> (DynStore, std::path::PathBuf) {
    let suffix = format!("{:016x}", rand::thread_rng().gen::<u64>());
    if std::env::var("TEST_BACKEND").as_deref() == Ok("postgres") {
        use sqlx::Connection;
        let admin_url = std::env::var("TEST_DATABASE_URL").expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
        let name = format!("daojia_http_{suffix}");
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
        let (base, _) = admin_url.rsplit_once('/').expect("url has a database part");
        let store = store::connect(&format!("{base}/{name}"), 5).await.expect("postgres store");
        return (store, std::path::PathBuf::new());
    }
    let db_file = std::env::temp_dir().join(format!("daojia-http-{suffix}.db"));
    let store = store::connect(&format!("sqlite:{}", db_file.display()), 5).await.unwrap();
    (store, db_file)
}

impl TestApp {
    /// Sends one request through the router. A request that has not
    /// answered within a minute fails the test naming it, rather than
    /// leaving the whole run to hang.
    pub async fn send(&self, request: Request<Body>) -> Response {
        let what = format!("{} {}", request.method(), request.uri());
        let exchange = async {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
        };
        tokio::time::timeout(Duration::from_secs(60), exchange).await.unwrap_or_else(|_| panic!("{what} did not answer within 60 s"))
    }

    pub async fn post(&self, path: &str, form: &str, cookie: Option<&str>) -> Response {
        let mut builder = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "127.0.0.1:3000");
        if let Some(token) = cookie {
            builder = builder.header(header::COOKIE, format!("dj_sid={token}"));
        }
        self.send(builder.body(Body::from(form.to_string())).unwrap()).await
    }

    /// Posts a worker document as the 资料与认证 page's form does; a health
    /// certificate states an expiry a year ahead, as the page requires.
    pub async fn upload_document(&self, kind: &str, category: Option<&str>, bytes: &[u8], token: &str) -> Response {
        let in_a_year = (time::OffsetDateTime::now_utc() + std::time::Duration::from_secs(365 * 86_400)).date().to_string();
        let mut fields = Vec::new();
        fields.extend(category.map(|c| ("category", c)));
        if kind == "health" {
            fields.push(("expires_on", in_a_year.as_str()));
        }
        self.upload_document_with(kind, &fields, bytes, token).await
    }

    /// Posts a worker document with the form fields `fields` before the file.
    pub async fn upload_document_with(&self, kind: &str, fields: &[(&str, &str)], bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/worker/{kind}"), fields, bytes, token).await
    }

    /// Posts a photo for feedback `feedback_id` as the 投诉与反馈 page's form does.
    pub async fn upload_feedback_photo(&self, feedback_id: i64, bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/feedback/{feedback_id}"), &[], bytes, token).await
    }

    /// Posts a photo into a chat thread (`order:12`, `support:5`, `support`) as the chat page's form does.
    pub async fn upload_chat_photo(&self, thread: &str, bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/chat/{thread}"), &[], bytes, token).await
    }

    /// Posts a proof photo (`before`/`after`) for an order as the workbench's form does.
    pub async fn upload_order_photo(&self, order_id: i64, stage: &str, bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/order/{order_id}/{stage}"), &[], bytes, token).await
    }

    /// Posts a photo for the customer's review of an order as the order page's form does.
    pub async fn upload_review_photo(&self, order_id: i64, bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/review/{order_id}"), &[], bytes, token).await
    }

    /// Posts the short video of the customer's review of an order as the order page's form does.
    pub async fn upload_review_video(&self, order_id: i64, bytes: &[u8], token: &str) -> Response {
        self.post_multipart(&format!("/uploads/review/{order_id}/video"), &[], bytes, token).await
    }

    async fn post_multipart(&self, path: &str, fields: &[(&str, &str)], bytes: &[u8], token: &str) -> Response {
        let (content_type, body) = multipart(bytes, "photo.jpg", fields);
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, format!("dj_sid={token}"))
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn get_page(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut builder = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(token) = cookie {
            builder = builder.header(header::COOKIE, format!("dj_sid={token}"));
        }
        self.send(builder.body(Body::empty()).unwrap()).await
    }

    pub async fn user(&self, phone: &str, role: Role) -> store::UserId {
        let hash = self.state.passwords.hash(&Password::parse(PASSWORD).unwrap()).await.unwrap();
        let user = NewUser {
            phone: Phone::parse(phone).unwrap(),
            password_hash: hash,
            role,
            display_name: DisplayName::parse("测试").unwrap(),
        };
        self.state.store.create_user(&user, time::OffsetDateTime::now_utc()).await.unwrap()
    }

    /// A signed-in session for a new account of `role`; returns the cookie token.
    pub async fn session(&self, phone: &str, role: Role) -> String {
        let id = self.user(phone, role).await;
        let token = new_token();
        let now = time::OffsetDateTime::now_utc();
        self.state.store.create_session(&hash_token(&token), id, now, now + Duration::from_secs(3600)).await.unwrap();
        token
    }

    /// Everything a refused call could have changed.
    pub async fn snapshot(&self) -> String {
        let store = &self.state.store;
        let since = time::OffsetDateTime::now_utc() - Duration::from_secs(86_400);
        // Every 健康证 that states an expiry counts as lapsing before this day.
        let anomalies = booking::AnomalyCutoffs::at(self.state.clock.now().unix_timestamp());
        let counts = store.dashboard_counts(since, time::macros::date!(2999 - 12 - 31), anomalies).await.unwrap();
        let users = store.list_users(&UserFilter { role: None, search: None, health_lapsing_before: None, worker_status: None, with_pending_certificates: false, created_since: None, page: 1, page_size: 100 }).await.unwrap();
        let names: Vec<_> = users.items.iter().map(|u| (u.id.0, u.display_name.clone(), u.disabled)).collect();
        let audit = store.audit_entries(&store::AuditFilter::newest(100)).await.unwrap().len();
        format!("{counts:?} {names:?} audit={audit}")
    }
}


/// A small real PNG (the browser tests' fixture).
pub fn png() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/fixtures/photo.png")).unwrap()
}

/// A 2-second clip as Chromium's MediaRecorder writes it (the browser tests' fixture).
pub fn clip() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/fixtures/clip.mp4")).unwrap()
}

/// A multipart form as the page sends it: the `fields`, then the file.
fn multipart(bytes: &[u8], file_name: &str, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----daojia-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    ));
    let mut body = body.into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `a=1&b=…` with every value percent-encoded, as a browser form sends it.
pub fn form(fields: &[(&str, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let encoded: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={encoded}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The app's page routes, listed once for the whole test process: listing
/// them stalls any page being rendered at that moment on another test's
/// thread (see `server::page_routes`).
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static PAGE_ROUTES: OnceLock<Vec<leptos_axum::AxumRouteListing>> = OnceLock::new();
    PAGE_ROUTES.get_or_init(server::page_routes).clone()
}

impl TestApp {
    /// A session for an existing account (e.g. a demo one).
    pub async fn session_for(&self, phone: &str) -> String {
        let creds = self.state.store.credentials_by_phone(&Phone::parse(phone).unwrap()).await.unwrap().expect("account exists");
        let token = new_token();
        let now = time::OffsetDateTime::now_utc();
        self.state.store.create_session(&hash_token(&token), creds.user_id, now, now + Duration::from_secs(3600)).await.unwrap();
        token
    }

    pub async fn with_config(config: Config) -> TestApp {
        let (store, db_file) = fresh_store().await;
        let (state, sms) = Self::state_over(store, config);
        TestApp { router: server::router(state.clone(), page_routes()), state, db_file, sms }
    }

    fn state_over(store: DynStore, config: Config) -> (AppState, std::sync::Arc<app::server::sms::RecordedSms>) {
        let options = LeptosOptions::builder().output_name("daojia").site_root("target/site").build();
        let state = server::build_state(store, config, "test-sandbox-key", "memory://", options).unwrap();
        let sms = std::sync::Arc::new(app::server::sms::RecordedSms::default());
        (AppState { sms: sms.clone(), ..state }, sms)
    }

    /// The server started again over the same database: nothing survives
    /// but what was stored. The original keeps (and finally removes) the file.
    pub fn restarted(&self) -> TestApp {
        let (state, sms) = Self::state_over(self.state.store.clone(), (*self.state.config).clone());
        TestApp { router: server::router(state.clone(), page_routes()), state, db_file: std::path::PathBuf::new(), sms }
    }
}
