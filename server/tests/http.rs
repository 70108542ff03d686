//! The HTTP surface driven through `server::router`, on a real SQLite
//! database (and PostgreSQL when `TEST_DATABASE_URL` is set): authorization
//! of every server function, login, sessions, throttling and bad input.

mod common;

use app::api::{Access, ACCESS_POLICY};
use app::error::{AppError, Field};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use domain::{Phone, Role};

fn sample_form(path: &str) -> &'static str {
    match path {
        "/api/update_nickname" => "nickname=%E6%94%B9%E5%90%8D",
        "/api/admin_users" => "page=1",
        _ => "",
    }
}

#[tokio::test]
async fn every_server_function_is_in_the_access_policy() {
    let _app = spawn_app().await;
    let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    registered.sort();
    let mut listed: Vec<String> = ACCESS_POLICY.iter().map(|(p, _)| p.to_string()).collect();
    listed.sort();
    assert_eq!(registered, listed, "server functions and ACCESS_POLICY must list the same endpoints");
    for (_, method) in leptos::server_fn::axum::server_fn_paths() {
        assert_eq!(method, axum::http::Method::POST);
    }
}

#[tokio::test]
async fn anonymous_and_wrong_role_callers_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let tokens = [
        (Role::Customer, app.session("13800000101", Role::Customer).await),
        (Role::Worker, app.session("13900000101", Role::Worker).await),
        (Role::Admin, app.session("13700000101", Role::Admin).await),
    ];
    let before = app.snapshot().await;
    let mut checked = 0;
    for (path, access) in ACCESS_POLICY {
        if *access == Access::Public {
            continue;
        }
        let anonymous = app.post(path, sample_form(path), None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path} anonymous: {}", anonymous.body);
        assert_eq!(anonymous.error(), AppError::Unauthenticated);
        checked += 1;
        for (role, token) in &tokens {
            if access.admits(Some(*role)) {
                continue;
            }
            let wrong = app.post(path, sample_form(path), Some(token)).await;
            assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{path} as {role:?}: {}", wrong.body);
            assert_eq!(wrong.error(), AppError::Forbidden);
            checked += 1;
        }
    }
    assert!(checked >= 10, "walked {checked} refusals");
    assert_eq!(app.snapshot().await, before, "a refused call changed data");
}

#[tokio::test]
async fn an_unlisted_api_path_is_refused() {
    let app = spawn_app().await;
    let response = app.post("/api/not_a_function", "", None).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sign_up_signs_in_and_login_rotates_the_session() {
    let app = spawn_app().await;
    let signup = app.post("/api/register_customer", "phone=13812345678&password=secret-pass&nickname=", None).await;
    assert_eq!(signup.status, StatusCode::OK, "{}", signup.body);
    let first = signup.session_cookie().expect("sign-up sets a session cookie");
    let cookie_line = signup.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Lax"), "{cookie_line}");

    let profile = app.post("/api/my_profile", "", Some(&first)).await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
    assert!(profile.body.contains("13812345678") && profile.body.contains("用户5678"), "{}", profile.body);

    let login = app.post("/api/login", "phone=13812345678&password=secret-pass", Some(&first)).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(login.headers.get(header::LOCATION).unwrap(), "/");
    let second = login.session_cookie().expect("login sets a new cookie");
    assert_ne!(first, second, "session id rotates at login");
    let old = app.post("/api/my_profile", "", Some(&first)).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the pre-login session is gone");

    let logout = app.post("/api/logout", "", Some(&second)).await;
    assert_eq!(logout.status, StatusCode::OK);
    let cleared = logout.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = app.post("/api/my_profile", "", Some(&second)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.error(), AppError::SessionExpired);
}

#[tokio::test]
async fn worker_sign_up_creates_an_applicant() {
    let app = spawn_app().await;
    let signup = app.post("/api/register_worker", "phone=13912345678&password=secret-pass&real_name=%E7%8E%8B%E5%B8%88%E5%82%85", None).await;
    assert_eq!(signup.status, StatusCode::OK, "{}", signup.body);
    assert_eq!(signup.headers.get(header::LOCATION).unwrap(), "/worker");
    let token = signup.session_cookie().unwrap();
    let home = app.post("/api/worker_home", "", Some(&token)).await;
    assert!(home.body.contains("\"status\":\"applicant\"") && home.body.contains("王师傅"), "{}", home.body);
}

#[tokio::test]
async fn bad_sign_up_input_gets_a_field_error_and_creates_nothing() {
    let app = spawn_app().await;
    app.user("13812340000", Role::Customer).await;
    let before = app.snapshot().await;
    let cases = [
        ("phone=12345&password=secret-pass", StatusCode::UNPROCESSABLE_ENTITY, Field::Phone, "请输入正确的11位手机号"),
        ("phone=&password=secret-pass", StatusCode::UNPROCESSABLE_ENTITY, Field::Phone, "请输入手机号"),
        ("phone=13812345679&password=short", StatusCode::UNPROCESSABLE_ENTITY, Field::Password, "密码至少需要8位"),
        ("phone=13812340000&password=secret-pass", StatusCode::CONFLICT, Field::Phone, "该手机号已注册，请直接登录"),
    ];
    for (form, status, field, message) in cases {
        let response = app.post("/api/register_customer", form, None).await;
        assert_eq!(response.status, status, "{form}: {}", response.body);
        let error = response.error();
        assert_eq!((error.field(), error.message()), (Some(field), message), "{form}");
        assert!(response.session_cookie().is_none());
    }
    let no_name = app.post("/api/register_worker", "phone=13912345000&password=secret-pass&real_name=", None).await;
    assert_eq!(no_name.error().field(), Some(Field::Name));
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn unknown_phone_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.user("13812340001", Role::Customer).await;
    let wrong_password = app.post("/api/login", "phone=13812340001&password=not-the-password", None).await;
    let unknown_phone = app.post("/api/login", "phone=13812340002&password=not-the-password", None).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong_password.status, &wrong_password.body), (unknown_phone.status, &unknown_phone.body));
    assert_eq!(wrong_password.error().message(), "手机号或密码错误");
    assert!(wrong_password.session_cookie().is_none());
}

/// The six-digit code in the newest text message to `phone`.
fn texted_code(app: &TestApp, phone: &str) -> String {
    let (_, text) = app.sms.sent().into_iter().rev().find(|(to, _)| to == phone).expect("a text to the phone");
    let digits: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(digits.len(), 6, "{text}");
    digits
}

#[tokio::test]
async fn a_texted_code_signs_in_once_and_a_phone_with_no_account_becomes_a_customers() {
    let app = spawn_app().await;
    let sent = app.post("/api/request_login_code", "phone=13812340100", None).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let sent: app::api::account::CodeSent = serde_json::from_str(&sent.body).unwrap();
    assert_eq!((sent.phone.as_str(), sent.masked_phone.as_str(), sent.resend_secs), ("13812340100", "138****0100", 60));
    let code = texted_code(&app, "13812340100");
    assert!(app.sms.sent()[0].1.starts_with("【到家】您的验证码是"), "{:?}", app.sms.sent());

    // Bad input and a second code within the minute change nothing.
    let before = app.snapshot().await;
    let again = app.post("/api/request_login_code", "phone=13812340100", None).await;
    assert_eq!((again.error().field(), again.error().message()), (Some(Field::Phone), "验证码已发送，请1分钟后再重新获取"));
    assert_eq!(app.sms.sent().len(), 1);
    let bad_phone = app.post("/api/request_login_code", "phone=12345", None).await;
    assert_eq!(bad_phone.error().field(), Some(Field::Phone));
    for (form, message) in [("code=12a456", "验证码为6位数字"), ("code=", "请输入验证码")] {
        let refused = app.post("/api/login_with_code", &format!("phone=13812340100&{form}"), None).await;
        assert_eq!((refused.status, refused.error().field(), refused.error().message()), (StatusCode::UNPROCESSABLE_ENTITY, Some(Field::LoginCode), message));
    }
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let missed = app.post("/api/login_with_code", &format!("phone=13812340100&code={wrong}"), None).await;
    assert_eq!((missed.error().field(), missed.error().message()), (Some(Field::LoginCode), "验证码不正确，请重新输入"));
    assert!(missed.session_cookie().is_none());
    assert_eq!(app.snapshot().await, before, "no account until the code is right");

    // The right code signs in where the person was going, as a new customer.
    let signed_in = app.post("/api/login_with_code", &format!("phone=13812340100&code={code}&next=%2Fme"), None).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    assert_eq!(signed_in.headers.get(header::LOCATION).unwrap(), "/me");
    let token = signed_in.session_cookie().expect("a session");
    let profile = app.post("/api/my_profile", "", Some(&token)).await;
    assert!(profile.body.contains("用户0100") && profile.body.contains("\"customer\""), "{}", profile.body);
    // A code works once.
    let reused = app.post("/api/login_with_code", &format!("phone=13812340100&code={code}"), None).await;
    assert_eq!(reused.error().message(), "验证码已失效，请重新获取");
}

#[tokio::test]
async fn a_code_expires_after_five_minutes_a_worker_signs_in_with_one_and_an_admin_needs_the_password() {
    let app = spawn_app().await;
    app.user("13912340101", Role::Worker).await;
    app.user("13712340102", Role::Admin).await;
    assert_eq!(app.post("/api/request_login_code", "phone=13912340101", None).await.status, StatusCode::OK);
    let stale = texted_code(&app, "13912340101");
    app.state.clock.advance(std::time::Duration::from_secs(301));
    let expired = app.post("/api/login_with_code", &format!("phone=13912340101&code={stale}"), None).await;
    assert_eq!((expired.error().field(), expired.error().message()), (Some(Field::LoginCode), "验证码已失效，请重新获取"));
    assert_eq!(app.post("/api/request_login_code", "phone=13912340101", None).await.status, StatusCode::OK);
    let fresh = texted_code(&app, "13912340101");
    let worker = app.post("/api/login_with_code", &format!("phone=13912340101&code={fresh}"), None).await;
    assert_eq!(worker.status, StatusCode::OK, "{}", worker.body);
    assert_eq!(worker.headers.get(header::LOCATION).unwrap(), "/worker");

    assert_eq!(app.post("/api/request_login_code", "phone=13712340102", None).await.status, StatusCode::OK);
    let code = texted_code(&app, "13712340102");
    let admin = app.post("/api/login_with_code", &format!("phone=13712340102&code={code}"), None).await;
    assert_eq!(admin.error().message(), "管理员账号请使用密码登录");
    assert!(admin.session_cookie().is_none());
}

#[tokio::test]
async fn a_texted_code_resets_a_forgotten_password_and_signs_out_every_other_device() {
    let app = spawn_app().await;
    let user = app.user("13812340110", Role::Customer).await;
    let old_device = app.post("/api/login", &format!("phone=13812340110&password={PASSWORD}"), None).await.session_cookie().unwrap();
    assert_eq!(app.post("/api/request_login_code", "phone=13812340110", None).await.status, StatusCode::OK);
    let code = texted_code(&app, "13812340110");
    // A short password is refused beside its field and spends nothing.
    let short = app.post("/api/reset_password_with_code", &format!("phone=13812340110&code={code}&new_password=short"), None).await;
    assert_eq!((short.error().field(), short.error().message()), (Some(Field::NewPassword), "密码至少需要8位"));
    let reset = app.post("/api/reset_password_with_code", &format!("phone=13812340110&code={code}&new_password=brand-new-pass"), None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(reset.headers.get(header::LOCATION).unwrap(), "/");
    let new_device = reset.session_cookie().expect("signed in");
    assert_eq!(app.post("/api/my_profile", "", Some(&new_device)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/my_profile", "", Some(&old_device)).await.status, StatusCode::UNAUTHORIZED, "the old password's sessions end");
    assert_eq!(app.post("/api/login", &format!("phone=13812340110&password={PASSWORD}"), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/login", "phone=13812340110&password=brand-new-pass", None).await.status, StatusCode::OK);
    let audit = app.state.store.audit_entries(&store::AuditFilter { target: Some(format!("user:{}", user.0)), ..store::AuditFilter::newest(10) }).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "password_reset"), "audited");

    // A phone with no account is told so only after its code is right.
    assert_eq!(app.post("/api/request_login_code", "phone=13812340111", None).await.status, StatusCode::OK);
    let stranger_code = texted_code(&app, "13812340111");
    let wrong = if stranger_code == "000000" { "111111" } else { "000000" };
    let guessed = app.post("/api/reset_password_with_code", &format!("phone=13812340111&code={wrong}&new_password=brand-new-pass"), None).await;
    assert_eq!(guessed.error().field(), Some(Field::LoginCode));
    let unknown = app.post("/api/reset_password_with_code", &format!("phone=13812340111&code={stranger_code}&new_password=brand-new-pass"), None).await;
    assert_eq!(unknown.error().message(), "该手机号还没有账号，请先注册或用验证码登录");
    assert!(unknown.session_cookie().is_none());
}

#[tokio::test]
async fn the_eleventh_login_attempt_in_three_minutes_is_throttled() {
    let app = spawn_app().await;
    app.user("13812340003", Role::Customer).await;
    for attempt in 1..=10 {
        let response = app.post("/api/login", "phone=13812340003&password=wrong-password", None).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Even the right password is refused while throttled.
    let throttled = app.post("/api/login", &format!("phone=13812340003&password={PASSWORD}"), None).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.error().message(), "登录尝试过于频繁，请3分钟后再试");
    assert!(throttled.session_cookie().is_none());
}

#[tokio::test]
async fn cross_origin_posts_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let before = app.snapshot().await;
    let forged = |origin_header: (&'static str, &'static str)| {
        Request::post("/api/register_customer")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(origin_header.0, origin_header.1)
            .body(Body::from("phone=13812349999&password=secret-pass"))
            .unwrap()
    };
    for h in [("origin", "http://evil.example"), ("sec-fetch-site", "cross-site"), ("origin", "null")] {
        let response = app.send(forged(h)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{h:?}");
        assert!(response.body.contains("请求来源不受信任"));
    }
    assert_eq!(app.snapshot().await, before);
    let same_origin = app.send(forged(("origin", "http://127.0.0.1:3000"))).await;
    assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.body);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = spawn_app().await;
    let nickname = "a".repeat(server::MAX_BODY_BYTES + 1);
    let response = app.post("/api/register_customer", &format!("phone=13812345678&password=x&nickname={nickname}"), None).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(app.state.store.credentials_by_phone(&Phone::parse("13812345678").unwrap()).await.unwrap().is_none());
}

#[tokio::test]
async fn role_areas_are_refused_server_side_to_other_roles() {
    let app = spawn_app().await;
    let customer = app.session("13800000201", Role::Customer).await;
    let admin = app.session("13700000201", Role::Admin).await;

    let anonymous = app.get_page("/admin/users", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers.get(header::LOCATION).unwrap(), "/login?next=/admin/users");

    let expired = app.get_page("/me", Some("no-such-session")).await;
    assert_eq!(expired.headers.get(header::LOCATION).unwrap(), "/login?expired=1&next=/me");

    let wrong_role = app.get_page("/admin", Some(&customer)).await;
    assert_eq!(wrong_role.status, StatusCode::FORBIDDEN);
    assert!(wrong_role.body.contains("您没有权限执行此操作"));
    assert_eq!(app.get_page("/worker", Some(&customer)).await.status, StatusCode::FORBIDDEN);

    let dashboard = app.get_page("/admin", Some(&admin)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("数据看板") && dashboard.body.contains("注册顾客"), "{}", dashboard.body);
    assert_eq!(app.get_page("/me", Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.get_page("/worker/register", None).await.status, StatusCode::OK);
}

/// Another app starting in the same process (as the tests here do all the
/// time) must not stall a page being rendered: listing the app's routes
/// pauses page data loading process-wide while it runs (leptos #4773).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_apps_start() {
    let app = spawn_app().await;
    let admin = app.session("13700000202", Role::Admin).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let starter = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut started = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                drop(spawn_app().await);
                started += 1;
            }
            started
        }
    });
    for round in 0..200 {
        let page = tokio::time::timeout(std::time::Duration::from_secs(15), app.get_page("/admin", Some(&admin)))
            .await
            .unwrap_or_else(|_| panic!("/admin stalled in round {round} while other apps started"));
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("注册顾客"), "{}", page.body);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(starter.await.unwrap() > 0, "no other app started during the renders");
}

#[tokio::test]
async fn the_home_page_lists_categories_from_the_database() {
    let app = spawn_app().await;
    let home = app.get_page("/", None).await;
    assert_eq!(home.status, StatusCode::OK);
    for name in ["日常保洁", "深度保洁", "家电清洗", "家居保养", "月嫂服务", "育儿嫂服务"] {
        assert!(home.body.contains(name), "missing {name}");
    }
    assert_eq!(app.get_page("/no/such/page", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let response = app.send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status, StatusCode::OK);
    let backend = if std::env::var("TEST_BACKEND").as_deref() == Ok("postgres") { "postgres" } else { "sqlite" };
    assert_eq!(response.body, format!(r#"{{"status":"ok","database":"{backend}"}}"#));
}

#[tokio::test]
async fn demo_data_loads_once() {
    let app = spawn_app().await;
    assert!(server::demo::seed_demo(&app.state.store, &app.state.passwords).await.unwrap());
    assert!(!server::demo::seed_demo(&app.state.store, &app.state.passwords).await.unwrap());
    let services = app.state.store.listed_services(None).await.unwrap();
    assert_eq!(services.len(), 12);
    let login = app.post("/api/login", "phone=13700000000&password=admin1234", None).await;
    assert_eq!(login.headers.get(header::LOCATION).unwrap(), "/admin");
}

/// The demo's 张江 district is replayed through the live order flow, once:
/// two weeks of orders served and settled, a few cancelled and refunded,
/// reviews in, the books balanced, nothing left needing attention, and the
/// README's People's Square accounts untouched.
#[tokio::test]
async fn demo_history_replays_two_weeks_once() {
    // Offers lapse in 15 s, as in the browser tests' server.
    let mut config = app::server::Config::default();
    config.dispatch.policy.timeout_secs = 15;
    let app = TestApp::with_config(config).await;
    let store = &app.state.store;
    server::demo::seed_demo(store, &app.state.passwords).await.unwrap();
    let replayed = server::demo_history::seed_demo_history(&app.state).await.unwrap();
    assert!(replayed >= 40, "only {replayed} orders replayed");
    assert_eq!(server::demo_history::seed_demo_history(&app.state).await.unwrap(), 0, "replayed twice");

    let now = time::OffsetDateTime::now_utc();
    assert!((app.state.clock.now() - now).whole_seconds().abs() < 60, "the live clock was moved");
    let orders = store.orders(&store::OrderFilter::newest(500)).await.unwrap();
    assert_eq!(orders.len(), replayed);
    let in_state = |state: &str| orders.iter().filter(|o| o.state == state).count();
    assert!(in_state("completed") >= 35 && in_state("refunded") >= 1, "{:?}", orders.iter().map(|o| &o.state).collect::<Vec<_>>());
    assert_eq!(in_state("completed") + in_state("refunded"), replayed);
    assert!(orders.iter().all(|o| o.ends_at < now && o.worker_name.is_some()));
    let team: Vec<i64> = orders.iter().filter_map(|o| o.worker_id).collect();
    let mut serving = team.clone();
    serving.sort();
    serving.dedup();
    assert_eq!(serving.len(), 3, "dispatch spreads the district's work over its whole team");
    let mut reviewed = 0;
    for order in orders.iter().filter(|o| o.state == "completed") {
        reviewed += usize::from(store.review_for_order(order.id).await.unwrap().is_some());
    }
    assert!(reviewed * 2 > in_state("completed"), "{reviewed} reviews");
    assert!(store.ledger_audit().await.unwrap().is_empty());
    let anomalies = store::OrderFilter { anomalous: Some(booking::AnomalyCutoffs::at(now.unix_timestamp())), ..store::OrderFilter::newest(500) };
    assert!(store.orders(&anomalies).await.unwrap().is_empty());
    for worker in &team {
        assert!(store.worker_balance(*worker).await.unwrap().available_fen > 0);
    }

    let li = store.credentials_by_phone(&Phone::parse("13900000001").unwrap()).await.unwrap().unwrap().user_id.0;
    assert!(!team.contains(&li));
    assert_eq!(store.worker_balance(li).await.unwrap().available_fen, 5000);
    let admin = app.session_for("13700000000").await;
    let analytics = app.get_page("/admin/analytics", Some(&admin)).await;
    assert_eq!(analytics.status, StatusCode::OK);
    assert!(analytics.body.contains("日常保洁"), "{}", analytics.body);
}

#[tokio::test]
async fn create_admin_refuses_bad_input_and_duplicates() {
    let app = spawn_app().await;
    let store = &app.state.store;
    let hasher = &app.state.passwords;
    assert!(server::demo::create_admin(store, hasher, "123", "管理员", "long-enough-pw").await.is_err());
    assert!(server::demo::create_admin(store, hasher, "13700000301", "管理员", "short").await.is_err());
    server::demo::create_admin(store, hasher, "13700000301", "管理员", "long-enough-pw").await.unwrap();
    let again = server::demo::create_admin(store, hasher, "13700000301", "管理员", "long-enough-pw").await;
    assert_eq!(again.unwrap_err().to_string(), "该手机号已注册");
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_and_signs_out_other_devices() {
    let app = spawn_app().await;
    app.user("13800000301", Role::Customer).await;
    let here = app.session_for("13800000301").await;
    let elsewhere = app.session_for("13800000301").await;
    let change = |current: &str, new: &str| form(&[("current", current.into()), ("new_password", new.into())]);

    let wrong = app.post("/api/change_password", &change("not-the-password", "brand-new-pass"), Some(&here)).await;
    assert_eq!(wrong.error(), AppError::Invalid { field: Field::CurrentPassword, msg: app::i18n::Msg::ErrCurrentPasswordWrong });
    let short = app.post("/api/change_password", &change(PASSWORD, "short"), Some(&here)).await;
    assert_eq!(short.error(), AppError::Invalid { field: Field::NewPassword, msg: app::i18n::Msg::ErrPasswordTooShort });
    let same = app.post("/api/change_password", &change(PASSWORD, PASSWORD), Some(&here)).await;
    assert_eq!(same.error(), AppError::Invalid { field: Field::NewPassword, msg: app::i18n::Msg::ErrPasswordUnchanged });
    assert_eq!(app.post("/api/my_profile", "", Some(&elsewhere)).await.status, StatusCode::OK, "nothing changed yet");

    assert_eq!(app.post("/api/change_password", &change(PASSWORD, "brand-new-pass"), Some(&here)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/my_profile", "", Some(&here)).await.status, StatusCode::OK, "this device stays signed in");
    assert_eq!(app.post("/api/my_profile", "", Some(&elsewhere)).await.status, StatusCode::UNAUTHORIZED, "other devices are signed out");
    let old = app.post("/api/login", &form(&[("phone", "13800000301".into()), ("password", PASSWORD.into())]), None).await;
    assert_eq!(old.error(), AppError::BadCredentials);
    let new = app.post("/api/login", &form(&[("phone", "13800000301".into()), ("password", "brand-new-pass".into())]), None).await;
    assert!(new.session_cookie().is_some(), "{}", new.body);
}

#[tokio::test]
async fn the_audit_log_filters_by_who_acted_pages_back_and_refuses_a_bad_filter_beside_it() {
    let app = spawn_app().await;
    let admin = app.session("13700000401", Role::Admin).await;
    let actor = app.state.store.credentials_by_phone(&Phone::parse("13700000401").unwrap()).await.unwrap().unwrap().user_id;
    let page_rows = app::api::admin::AUDIT_PAGE_ROWS as usize;
    let now = time::OffsetDateTime::now_utc();
    for k in 0..=page_rows {
        let entry = store::AuditEntry { actor: Some(actor), action: "worker_reward".into(), target: format!("user:{k}"), detail: String::new() };
        app.state.store.record_audit(&entry, now).await.unwrap();
    }
    let page = |form: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app.post("/api/admin_audit_log", &form, Some(&admin)).await;
            assert_eq!(response.status, StatusCode::OK, "{form}: {}", response.body);
            serde_json::from_str::<app::api::admin::AuditPage>(&response.body).unwrap()
        }
    };
    let first = page("actor=13700000401&action=worker_reward".into()).await;
    assert_eq!(first.rows.len(), page_rows);
    assert_eq!(first.rows[0].target_key, format!("user:{page_rows}"), "newest first");
    let before = first.older.expect("one more entry than a page");
    let second = page(format!("actor=13700000401&before={before}")).await;
    assert_eq!(second.rows.iter().map(|r| r.target_key.as_str()).collect::<Vec<_>>(), ["user:0"]);
    assert_eq!(second.older, None, "nothing older");
    assert!(page("actor=13700000401&action=worker_penalty".into()).await.rows.is_empty());

    let before_bad = app.snapshot().await;
    let refused = |form: &'static str, field: Field, msg: app::i18n::Msg| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app.post("/api/admin_audit_log", form, Some(&admin)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}: {}", response.body);
            assert_eq!(response.error(), AppError::Invalid { field, msg }, "{form}");
        }
    };
    refused("actor=123", Field::AuditActor, app::i18n::Msg::ErrPhoneMalformed).await;
    refused("actor=13600000401", Field::AuditActor, app::i18n::Msg::ErrAuditActorUnknown).await;
    refused("action=drop_tables", Field::AuditAction, app::i18n::Msg::ErrAuditAction).await;
    refused("from=2026%2F12%2F01", Field::AuditFrom, app::i18n::Msg::ErrDateMalformed).await;
    refused("from=2026-12-03&to=2026-12-01", Field::AuditTo, app::i18n::Msg::ErrAuditEndsBeforeStart).await;
    assert_eq!(app.snapshot().await, before_bad, "a refused filter changed nothing");
}
