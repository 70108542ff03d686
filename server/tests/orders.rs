//! The order loop over HTTP on a real database: placing, paying through a
//! signed notification, dispatching, stepping, and the bad inputs and
//! foreign ids that must change nothing.

mod common;

use app::api::orders::PlaceOutcome;
use app::error::{AppError, Field};
use app::i18n::Msg;
use app::server::reminders::Reminder;
use app::server::Config;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use std::time::Duration;

const CUSTOMER: &str = "13800000001";
const LI: &str = "13900000001";
const ZHAO: &str = "13900000003";

/// Unix seconds of `hour`:00 Beijing time, `days` from today.
fn beijing(days: i64, hour: i64) -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    dispatch::local_day_start(now) + days * 86_400 + hour * 3600
}

async fn demo_app(config: Config) -> TestApp {
    let app = TestApp::with_config(config).await;
    server::demo::seed_demo(&app.state.store, &app.state.passwords).await.unwrap();
    app
}

async fn cleaning_service(app: &TestApp) -> i64 {
    app.state.store.listed_services(None).await.unwrap().into_iter().find(|s| s.name == "日常保洁 · 2小时").unwrap().id
}

fn booking(service: i64, start: i64, total: i64, lat: &str, lng: &str, address: &str) -> String {
    form(&[
        ("service_id", service.to_string()),
        ("units", "2".into()),
        ("start", start.to_string()),
        ("quoted_total_fen", total.to_string()),
        ("contact_name", "张女士".into()),
        ("contact_phone", CUSTOMER.into()),
        ("address_text", address.into()),
        ("lat", lat.into()),
        ("lng", lng.into()),
        ("notes", "有一只猫".into()),
    ])
}

async fn place(app: &TestApp, customer: &str, start: i64) -> i64 {
    place_quoted(app, customer, start, 9000).await
}

/// Books the demo cleaning at `start`, quoted `total_fen` (¥90, or ¥108 in the evening peak).
async fn place_quoted(app: &TestApp, customer: &str, start: i64, total_fen: i64) -> i64 {
    let service = cleaning_service(app).await;
    let response = app.post("/api/place_order", &booking(service, start, total_fen, "31.2304", "121.4737", "黄浦区人民大道1号"), Some(customer)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    match serde_json::from_str::<PlaceOutcome>(&response.body).unwrap() {
        PlaceOutcome::Placed { order_id } => order_id,
        other => panic!("not placed: {other:?}"),
    }
}

async fn notify(app: &TestApp, body: &[u8], signature: &str) -> StatusCode {
    let request = Request::post("/payments/sandbox/notify")
        .header("content-type", "application/json")
        .header(payments::SIGNATURE_HEADER, signature)
        .body(Body::from(body.to_vec()))
        .unwrap();
    app.send(request).await.status
}

async fn pay(app: &TestApp, order_id: i64) {
    let payment = app.state.store.payment_for_order(order_id).await.unwrap().unwrap();
    let notification = payments::PaymentNotification { out_trade_no: payment.out_trade_no, transaction_id: format!("TXN{order_id}"), amount_fen: payment.amount_fen };
    let (body, signature) = app.state.payments.signed_notification(&notification);
    assert_eq!(notify(app, &body, &signature).await, StatusCode::OK);
}

async fn state_of(app: &TestApp, order_id: i64) -> String {
    app.state.store.order(order_id).await.unwrap().unwrap().state
}

#[tokio::test]
async fn a_verified_notification_books_the_order_and_forged_or_replayed_ones_change_nothing() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    assert_eq!(state_of(&app, order_id).await, "pending_payment");

    let payment = app.state.store.payment_for_order(order_id).await.unwrap().unwrap();
    assert_eq!(payment.amount_fen, 9000, "charged exactly the quote");
    let notification = payments::PaymentNotification { out_trade_no: payment.out_trade_no.clone(), transaction_id: "TXN-1".into(), amount_fen: 9000 };
    let forger = payments::SandboxProvider::new("not-our-key");
    let (forged_body, forged_signature) = forger.signed_notification(&notification);
    assert_eq!(notify(&app, &forged_body, &forged_signature).await, StatusCode::FORBIDDEN);
    assert_eq!(notify(&app, &forged_body, "").await, StatusCode::FORBIDDEN);
    assert_eq!(state_of(&app, order_id).await, "pending_payment");

    let (body, signature) = app.state.payments.signed_notification(&notification);
    assert_eq!(notify(&app, &body, &signature).await, StatusCode::OK);
    assert_eq!(notify(&app, &body, &signature).await, StatusCode::OK, "a replay is acknowledged");
    assert_eq!(state_of(&app, order_id).await, "booked");
    let events = app.state.store.order_events(order_id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "payment_confirmed").count(), 1, "booked once");

    // The dispatcher offers it to the nearest qualified worker, with its reasons.
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].worker_name, "李阿姨");
    assert!(offers[0].explanation.contains("travel"), "{}", offers[0].explanation);
}

#[tokio::test]
async fn a_quote_that_changed_is_shown_again_and_nothing_is_charged() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let response = app.post("/api/place_order", &booking(service, beijing(1, 10), 8000, "31.2304", "121.4737", "黄浦区人民大道1号"), Some(&customer)).await;
    assert_eq!(response.status, StatusCode::OK);
    match serde_json::from_str::<PlaceOutcome>(&response.body).unwrap() {
        PlaceOutcome::QuoteChanged { quote } => assert_eq!(quote.total.get(), 9000),
        other => panic!("{other:?}"),
    }
    assert!(app.state.store.payment_for_order(1).await.unwrap().is_none());
}

#[tokio::test]
async fn bad_booking_input_gets_a_specific_error_and_creates_nothing() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let cases = [
        (booking(service, beijing(0, 0) - 3600, 9000, "31.2304", "121.4737", "人民大道1号"), Field::Slot, Msg::ErrSlotPast),
        (booking(service, beijing(20, 10), 9000, "31.2304", "121.4737", "人民大道1号"), Field::Slot, Msg::ErrSlotTooFar),
        (booking(service, beijing(1, 23), 9000, "31.2304", "121.4737", "人民大道1号"), Field::Slot, Msg::ErrSlotUnavailable),
        (booking(service, beijing(1, 10), 9000, "39.9042", "116.4074", "北京市东城区"), Field::Location, Msg::ErrOutsideServiceArea),
        (booking(service, beijing(1, 10), 9000, "", "", "人民大道1号"), Field::Location, Msg::ErrLocationMissing),
        (booking(service, beijing(1, 10), 9000, "31.2304", "121.4737", "  "), Field::Address, Msg::ErrAddressEmpty),
    ];
    for (body, field, msg) in cases {
        let response = app.post("/api/place_order", &body, Some(&customer)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert_eq!(response.error(), AppError::Invalid { field, msg });
    }
    let placed = app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap();
    assert!(placed.is_empty());
}

#[tokio::test]
async fn the_last_free_worker_slot_goes_to_exactly_one_of_two_customers() {
    let app = demo_app(Config::default()).await;
    let first = app.session_for(CUSTOMER).await;
    let second = app.session("13800000099", domain::Role::Customer).await;
    let start = beijing(1, 9);
    // Two demo workers: after one booking, one worker-slot is left at that time.
    place(&app, &first, start).await;
    let service = cleaning_service(&app).await;
    let body = booking(service, start, 9000, "31.2304", "121.4737", "黄浦区人民大道1号");
    let (a, b) = tokio::join!(app.post("/api/place_order", &body, Some(&first)), app.post("/api/place_order", &body, Some(&second)));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY], "{} / {}", a.body, b.body);
    let loser = if a.status == StatusCode::OK { b } else { a };
    assert_eq!(loser.error(), AppError::Invalid { field: Field::Slot, msg: Msg::ErrSlotFull });
    assert_eq!(loser.error().message(), "该时段已约满，请选择其他时间");
    let orders = app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap();
    assert_eq!(orders.len(), 2, "the loser was charged nothing and holds nothing");
}

#[tokio::test]
async fn another_customers_order_is_refused_and_left_alone() {
    let app = demo_app(Config::default()).await;
    let owner = app.session_for(CUSTOMER).await;
    let stranger = app.session("13800000098", domain::Role::Customer).await;
    let order_id = place(&app, &owner, beijing(1, 11)).await;
    pay(&app, order_id).await;
    for path in ["/api/order_detail", "/api/cancel_order", "/api/sandbox_pay"] {
        let response = app.post(path, &format!("order_id={order_id}"), Some(&stranger)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
    }
    assert_eq!(state_of(&app, order_id).await, "booked");
}

#[tokio::test]
async fn only_the_assigned_worker_steps_an_order_and_never_skips_a_state() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let order_id = place(&app, &customer, beijing(1, 13)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    // Until accepted, the offered worker sees the offer card, not the door and phone.
    assert_eq!(app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&li)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&zhao)).await.status, StatusCode::FORBIDDEN);
    let accepted = app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let detail = app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&li)).await;
    assert!(detail.body.contains("黄浦区人民大道1号") && detail.body.contains(CUSTOMER), "{}", detail.body);

    let step_form = |step: &str| format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47");
    let foreign = app.post("/api/order_step", &step_form("depart"), Some(&zhao)).await;
    assert_eq!(foreign.error(), AppError::Refused(Msg::ErrNotAssignedWorker));
    let skipped = app.post("/api/order_step", &step_form("complete"), Some(&li)).await;
    assert_eq!(skipped.status, StatusCode::CONFLICT);
    assert_eq!(skipped.error(), AppError::Refused(Msg::ErrIllegalStep));
    assert_eq!(state_of(&app, order_id).await, "accepted");
    for s in ["depart", "arrive", "start", "complete"] {
        if s == "complete" {
            tick_checklist(&app, order_id, &li).await;
        }
        assert_eq!(app.post("/api/order_step", &step_form(s), Some(&li)).await.status, StatusCode::OK, "{s}");
    }
    assert_eq!(state_of(&app, order_id).await, "completed");
    let positions = app.state.store.order_events(order_id).await.unwrap().iter().filter(|e| e.lat.is_some()).count();
    assert_eq!(positions, 4, "each worker step records the position");
    // The customer read in 消息 that she took the order and set off; only in the app.
    let customer_id = app.state.store.order(order_id).await.unwrap().unwrap().customer_id;
    let told: Vec<(String, String)> = app.state.store.messages(customer_id, 20).await.unwrap().into_iter()
        .filter(|m| m.order_id == Some(order_id)).map(|m| (m.channel, m.body)).collect();
    let told: Vec<(&str, &str)> = told.iter().map(|(c, b)| (c.as_str(), b.as_str())).collect();
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[0], ("in_app", "李阿姨已出发，正在前往黄浦区人民大道1号（日常保洁 · 2小时）。"));
    assert!(told[1].0 == "in_app" && told[1].1.starts_with("李阿姨已接单，将于"), "{told:?}");
    // Proof of work: the arrival, and only it, says how far it was from the address (~350 m here).
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    let arrival = view.timeline.iter().find(|e| e.kind == "arrive").unwrap().arrival_metres;
    assert!(arrival.is_some_and(|m| (300..=400).contains(&m) && booking::arrived_at_the_address(m)), "{arrival:?}");
    assert!(view.timeline.iter().filter(|e| e.kind != "arrive").all(|e| e.arrival_metres.is_none()));

    // Review once, by the owner, with ratings in range.
    let bad = app.post("/api/review_order", &format!("order_id={order_id}&quality=6&attitude=5&result=5&body="), Some(&customer)).await;
    assert_eq!(bad.error().field(), Some(Field::Rating));
    let good = app.post("/api/review_order", &format!("order_id={order_id}&quality=5&attitude=4&result=5&body=good"), Some(&customer)).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    let again = app.post("/api/review_order", &format!("order_id={order_id}&quality=5&attitude=4&result=5&body=again"), Some(&customer)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrAlreadyReviewed));
    // Li reads the stars in 消息, once, linking to her assessment.
    let inbox: app::api::inbox::InboxView = serde_json::from_str(&app.post("/api/worker_inbox", "", Some(&li)).await.body).unwrap();
    let rated: Vec<_> = inbox.messages.iter().filter(|m| m.body.starts_with("客户评价了你服务的订单日常保洁 · 2小时")).collect();
    assert_eq!(rated.len(), 1, "{:?}", inbox.messages);
    assert!(rated[0].body.ends_with("：质量5星、态度4星、效果5星。") && rated[0].about == app::api::inbox::MessageAbout::Assessment, "{:?}", rated[0]);
}

#[tokio::test]
async fn an_arrival_recorded_far_from_the_address_is_flagged_on_the_order_and_in_the_monitor() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let admin = app.session_for("13700000000").await;
    let order_id = place(&app, &customer, beijing(2, 13)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li)).await.status, StatusCode::OK);
    // About 3.3 km north of 黄浦区人民大道1号.
    for s in ["depart", "arrive"] {
        let step = format!("order_id={order_id}&step={s}&lat=31.26&lng=121.4737");
        assert_eq!(app.post("/api/order_step", &step, Some(&li)).await.status, StatusCode::OK, "{s}");
    }
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    let metres = view.timeline.iter().find(|e| e.kind == "arrive").and_then(|e| e.arrival_metres).unwrap();
    assert!((3200..=3400).contains(&metres) && !booking::arrived_at_the_address(metres), "{metres}");
    let page = app.get_page(&format!("/admin/orders/{order_id}"), Some(&admin)).await;
    assert!(page.body.contains("data-arrival-far") && page.body.contains("偏离服务地址"), "the order page flags it");
    // The order monitor lists it while the service is under way, and no longer once it is done.
    let flagged = || async {
        let rows: Vec<app::api::ops::AdminOrderRow> =
            serde_json::from_str(&app.post("/api/admin_orders", "attention=anomaly", Some(&admin)).await.body).unwrap();
        rows.into_iter().map(|r| (r.card.id, r.anomaly)).collect::<Vec<_>>()
    };
    assert_eq!(flagged().await, [(order_id, Some(booking::Anomaly::ArrivedFar))]);
    let monitor = app.get_page("/admin/orders?attention=anomaly", Some(&admin)).await;
    assert!(monitor.body.contains("到达位置偏离"), "{}", monitor.body);
    for s in ["start", "complete"] {
        if s == "complete" {
            tick_checklist(&app, order_id, &li).await;
        }
        assert_eq!(app.post("/api/order_step", &format!("order_id={order_id}&step={s}"), Some(&li)).await.status, StatusCode::OK, "{s}");
    }
    assert!(flagged().await.is_empty());
}

#[tokio::test]
async fn the_order_monitor_flags_a_late_worker_then_an_overrun_and_only_admins_see_it() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let admin = app.session_for("13700000000").await;
    let start = beijing(1, 13);
    let order_id = place(&app, &customer, start).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li)).await.status, StatusCode::OK);
    let order_no = app.state.store.order(order_id).await.unwrap().unwrap().order_no;
    let flagged = || async {
        let response = app.post("/api/admin_orders", "attention=anomaly", Some(&admin)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let rows: Vec<app::api::ops::AdminOrderRow> = serde_json::from_str(&response.body).unwrap();
        rows.into_iter().map(|r| (r.card.id, r.anomaly)).collect::<Vec<_>>()
    };
    let anomalous_count = || async {
        let response = app.post("/api/admin_dashboard", "", Some(&admin)).await;
        serde_json::from_str::<app::api::admin::DashboardView>(&response.body).unwrap().orders_anomalous
    };
    assert!(flagged().await.is_empty());
    let calm = app.get_page("/admin/orders?attention=anomaly", Some(&admin)).await;
    assert!(calm.body.contains("没有需要处理的异常订单") && !calm.body.contains(&order_no), "{}", calm.body);

    let until_start = u64::try_from(start - app.state.clock.now().unix_timestamp()).unwrap();
    app.state.clock.advance(Duration::from_secs(until_start + 60));
    assert_eq!(flagged().await, [(order_id, Some(booking::Anomaly::WorkerLate))]);
    assert_eq!(anomalous_count().await, 1);
    let late = app.get_page("/admin/orders?attention=anomaly", Some(&admin)).await;
    assert!(late.body.contains(&order_no) && late.body.contains("服务者迟到"), "{}", late.body);
    let page = app.get_page(&format!("/admin/orders/{order_id}"), Some(&admin)).await;
    assert!(page.body.contains("服务者迟到"), "the order's own page says so too");
    assert!(late.body.contains("map-order map-held map-alert"), "the map rings it red: {}", late.body);
    for refused in [&customer, &li] {
        assert_eq!(app.post("/api/admin_orders", "attention=anomaly", Some(refused)).await.status, StatusCode::FORBIDDEN);
    }

    let step_form = |step: &str| format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47");
    for step in ["depart", "arrive", "start"] {
        assert_eq!(app.post("/api/order_step", &step_form(step), Some(&li)).await.status, StatusCode::OK, "{step}");
    }
    assert!(flagged().await.is_empty(), "on site and working is no longer late");
    // Two hours booked; up to a quarter of an hour past the end is still normal work.
    app.state.clock.advance(Duration::from_secs(2 * 3600 + 15 * 60 - 180));
    assert!(flagged().await.is_empty());
    app.state.clock.advance(Duration::from_secs(240));
    assert_eq!(flagged().await, [(order_id, Some(booking::Anomaly::Overrun))]);
    tick_checklist(&app, order_id, &li).await;
    assert_eq!(app.post("/api/order_step", &step_form("complete"), Some(&li)).await.status, StatusCode::OK);
    assert!(flagged().await.is_empty());
    assert_eq!(anomalous_count().await, 0);
}

#[tokio::test]
async fn unanswered_offers_go_to_the_next_worker_then_to_the_admin_queue() {
    let mut config = Config::default();
    config.dispatch.policy = dispatch::OfferPolicy { timeout_secs: 0, max_offers: 3, broadcast_secs: 0, lead_hours: 0 };
    let app = demo_app(config).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 15)).await;
    pay(&app, order_id).await;
    for _ in 0..4 {
        server::jobs::run_due_jobs(&app.state).await;
    }
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    let offered: Vec<_> = offers.iter().map(|o| (o.worker_name.as_str(), o.status.as_str())).collect();
    assert_eq!(offered, [("李阿姨", "expired"), ("赵阿姨", "expired")], "never the same worker twice");
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert!(order.needs_admin);
    assert_eq!(order.state, "booked");

    let admin = app.session_for("13700000000").await;
    let zhao = app.state.store.credentials_by_phone(&domain::Phone::parse(ZHAO).unwrap()).await.unwrap().unwrap().user_id.0;
    let assigned = app.post("/api/admin_assign", &format!("order_id={order_id}&worker_id={zhao}"), Some(&admin)).await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.worker_id, order.needs_admin), ("accepted", Some(zhao), false));
    // The customer read why it waited, then who is coming, each once.
    let told: Vec<String> = app.state.store.messages(order.customer_id, 20).await.unwrap().into_iter()
        .filter(|m| m.order_id == Some(order_id) && m.channel == "in_app").map(|m| m.body).collect();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[0].starts_with("客服已安排赵阿姨为你服务，将于"), "{told:?}");
    assert!(told[1].ends_with("暂时没有服务人员接单，客服正在为你人工安排，安排好后会通知你。"), "{told:?}");
}

/// A cut-off ten days out puts every bookable order past it; the late fee is 20 %.
#[tokio::test]
async fn a_booking_at_a_new_address_is_remembered_only_while_the_address_book_has_room() {
    use app::api::account::AddressView;
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let saved = || async { serde_json::from_str::<Vec<AddressView>>(&app.post("/api/my_addresses", "", Some(&customer)).await.body).unwrap() };
    place(&app, &customer, beijing(1, 10)).await;
    assert_eq!(saved().await.iter().map(|a| a.address_text.as_str()).collect::<Vec<_>>(), ["黄浦区人民大道1号"], "remembered for next time");
    for k in 2..=20 {
        let body = form(&[
            ("label", String::new()),
            ("contact_name", "张女士".into()),
            ("contact_phone", CUSTOMER.into()),
            ("address_text", format!("黄浦区人民大道{k}号")),
            ("lat", "31.2304".into()),
            ("lng", "121.4737".into()),
        ]);
        assert_eq!(app.post("/api/add_address", &body, Some(&customer)).await.status, StatusCode::OK);
    }
    let service = cleaning_service(&app).await;
    let response = app.post("/api/place_order", &booking(service, beijing(2, 10), 9000, "31.2304", "121.4737", "黄浦区福州路99号"), Some(&customer)).await;
    assert!(matches!(serde_json::from_str::<PlaceOutcome>(&response.body), Ok(PlaceOutcome::Placed { .. })), "a full book never stops a booking: {}", response.body);
    let book = saved().await;
    assert_eq!(book.len(), 20);
    assert!(book.iter().all(|a| a.address_text != "黄浦区福州路99号"), "and is not pushed past its limit");
}

#[tokio::test]
async fn the_order_map_puts_each_listed_order_at_its_address_over_the_configured_tiles() {
    let tiles = "https://tiles.example/{z}/{x}/{y}.png";
    let app = demo_app(Config { map_tile_url: Some(tiles.into()), ..Config::default() }).await;
    let customer = app.session_for(CUSTOMER).await;
    let admin = app.session_for("13700000000").await;
    let order_id = place(&app, &customer, beijing(2, 10)).await;
    let rows: Vec<app::api::ops::AdminOrderRow> = serde_json::from_str(&app.post("/api/admin_orders", "", Some(&admin)).await.body).unwrap();
    let row = rows.iter().find(|r| r.card.id == order_id).expect("listed");
    assert_eq!((row.lat, row.lng), (31.2304, 121.4737), "at the address it was booked for");

    let page = app.get_page("/admin/orders", Some(&admin)).await;
    assert!(page.body.contains(r#"class="orders-map""#), "{}", page.body);
    assert!(page.body.contains(&format!(r#"data-order="{order_id}""#)), "its dot is on the map");
    assert!(page.body.contains("https://tiles.example/"), "over the configured tiles");
    assert_eq!(app.post("/api/admin_map_tiles", "", Some(&admin)).await.body, format!("\"{tiles}\""));
    assert_eq!(app.post("/api/admin_map_tiles", "", Some(&customer)).await.status, StatusCode::FORBIDDEN);
    let queue = app.get_page("/admin/dispatch", Some(&admin)).await;
    assert!(!queue.body.contains(r#"class="orders-map""#), "the dispatch queue is a list only");
}

fn past_the_cut_off() -> Config {
    Config { cancellation: booking::CancellationPolicy::parse("864000:2000").unwrap(), ..Config::default() }
}

#[tokio::test]
async fn cancelling_after_the_cut_off_keeps_the_fee_and_refunds_the_rest() {
    let app = demo_app(past_the_cut_off()).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order_id).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(settled(&app, order_id).await, ("refunded".into(), 1800, 7200));
}

/// Once the due jobs ran: the order's state, the fee kept and the refund.
async fn settled(app: &TestApp, order_id: i64) -> (String, i64, i64) {
    server::jobs::run_due_jobs(&app.state).await;
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    (order.state, order.cancel_fee_fen, order.refund_fen)
}

/// Tiered fees (B5): the customer's order page lists every step with its
/// time and amount, and a cancellation inside the nearer step keeps that
/// step's fee. The worker sees no fee schedule.
#[tokio::test]
async fn a_cancellation_inside_the_nearer_tier_keeps_its_higher_fee_and_the_order_page_lists_every_tier() {
    let tiers = booking::CancellationPolicy::parse("864000:2000,172800:5000").unwrap();
    let app = demo_app(Config { cancellation: tiers, ..Config::default() }).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let order_id = accepted_by_li(&app, &customer, beijing(1, 10), &li).await;

    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    let starts_at = view.card.starts_at;
    let steps: Vec<(i64, u32, i64)> = view.cancel_tiers.iter().map(|t| (starts_at - t.after, t.fee_bps, t.fee_fen)).collect();
    assert_eq!(steps, vec![(864_000, 2000, 1800), (172_800, 5000, 4500)]);
    assert_eq!(view.cancel_fee_now, Some(4500));
    let page = app.get_page(&format!("/orders/{order_id}"), Some(&customer)).await;
    assert!(page.body.contains("data-cancel-rules") && page.body.contains("（实付的 50%）"), "{}", page.body);
    let worker_view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&li)).await.body).unwrap();
    assert!(worker_view.cancel_tiers.is_empty() && worker_view.cancel_fee_now.is_none());

    assert_eq!(app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(settled(&app, order_id).await, ("refunded".into(), 4500, 4500));
}

fn cancel_rules_form(version: i64, tiers: &str) -> String {
    form(&[("version", version.to_string()), ("tiers", tiers.into())])
}

/// B5: the rules an admin saves apply to orders placed afterwards, while an
/// order placed before keeps the rules its customer was shown. A bad line
/// is named, a stale form and a customer are refused, and none of them
/// changes anything.
#[tokio::test]
async fn saved_cancellation_rules_apply_to_new_orders_and_an_order_keeps_the_rules_it_was_booked_under() {
    let app = demo_app(past_the_cut_off()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let booked_before = accepted_by_li(&app, &customer, beijing(1, 10), &li).await;

    let bad = app.post("/api/admin_save_cancellation_rules", &cancel_rules_form(0, "2小时 20%\n两小时 50%"), Some(&admin)).await;
    assert_eq!(bad.error(), AppError::InvalidLine { field: Field::CancelTiers, line: 2, msg: Msg::ErrCancelTierMalformed });
    let falling = app.post("/api/admin_save_cancellation_rules", &cancel_rules_form(0, "30分钟 10%\n2小时 20%"), Some(&admin)).await;
    assert_eq!(falling.error(), AppError::InvalidLine { field: Field::CancelTiers, line: 1, msg: Msg::ErrCancelTierFeeFalls });
    let customer_try = app.post("/api/admin_save_cancellation_rules", &cancel_rules_form(0, ""), Some(&customer)).await;
    assert_eq!(customer_try.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.cancellation_policy().await.unwrap().is_none());

    let saved = app.post("/api/admin_save_cancellation_rules", &cancel_rules_form(0, "15天 50%"), Some(&admin)).await;
    assert_eq!((saved.status, saved.body.as_str()), (StatusCode::OK, "1"));
    let stale = app.post("/api/admin_save_cancellation_rules", &cancel_rules_form(0, ""), Some(&admin)).await;
    assert_eq!(stale.error(), AppError::Refused(Msg::ErrCancelRulesStale));
    let pricing: app::api::pricing::PricingAdminView = serde_json::from_str(&app.post("/api/admin_pricing", "", Some(&admin)).await.body).unwrap();
    assert_eq!((pricing.cancel.version, pricing.cancel.tiers), (1, vec![booking::FeeTier { within_secs: 15 * 86_400, fee_bps: 5_000 }]));

    let booked_after = accepted_by_li(&app, &customer, beijing(2, 10), &li).await;
    let fee_now = |order_id: i64| {
        let (app, customer) = (&app, &customer);
        async move {
            let view: app::api::orders::OrderView =
                serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(customer)).await.body).unwrap();
            view.cancel_fee_now
        }
    };
    assert_eq!((fee_now(booked_before).await, fee_now(booked_after).await), (Some(1800), Some(4500)));
    for order_id in [booked_before, booked_after] {
        assert_eq!(app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    }
    assert_eq!(settled(&app, booked_before).await, ("refunded".into(), 1800, 7200));
    assert_eq!(settled(&app, booked_after).await, ("refunded".into(), 4500, 4500));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "cancellation.rules").count(), 1);
}

/// B5: a worker who arrives later than a tier pays that tier's penalty out
/// of the order's earnings when it completes, by the rules in force, which
/// the worker reads on 我的考核. A bad line is named; a worker cannot save.
#[tokio::test]
async fn a_worker_who_arrives_late_pays_the_published_penalty_from_that_orders_earnings() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;

    let falling = app.post("/api/admin_save_lateness_rules", &cancel_rules_form(0, "15分钟 ¥20\n30分钟 ¥10"), Some(&admin)).await;
    assert_eq!(falling.error(), AppError::InvalidLine { field: Field::LateTiers, line: 2, msg: Msg::ErrLatePenaltyFalls });
    let huge = app.post("/api/admin_save_lateness_rules", &cancel_rules_form(0, "15分钟 ¥600"), Some(&admin)).await;
    assert_eq!(huge.error(), AppError::InvalidLine { field: Field::LateTiers, line: 1, msg: Msg::ErrLatePenaltyTooLarge });
    let worker_try = app.post("/api/admin_save_lateness_rules", &cancel_rules_form(0, ""), Some(&li)).await;
    assert_eq!(worker_try.status, StatusCode::FORBIDDEN);
    assert!(app.state.store.lateness_policy().await.unwrap().is_none());
    let before = app.get_page("/worker/assessment", Some(&li)).await;
    assert!(before.body.contains("迟到15分钟以上扣¥20.00，迟到30分钟以上扣¥50.00"), "the built-in rule is published: {}", before.body);

    let saved = app.post("/api/admin_save_lateness_rules", &cancel_rules_form(0, "10分钟 ¥15\n40分钟 60元"), Some(&admin)).await;
    assert_eq!((saved.status, saved.body.as_str()), (StatusCode::OK, "1"));
    let stale = app.post("/api/admin_save_lateness_rules", &cancel_rules_form(0, ""), Some(&admin)).await;
    assert_eq!(stale.error(), AppError::Refused(Msg::ErrLateRulesStale));
    let after = app.get_page("/worker/assessment", Some(&li)).await;
    assert!(after.body.contains("迟到10分钟以上扣¥15.00，迟到40分钟以上扣¥60.00"), "{}", after.body);

    let start = beijing(1, 13);
    let order_id = accepted_by_li(&app, &customer, start, &li).await;
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&app.post("/api/workbench", "", Some(&li)).await.body).unwrap();
    let card = bench.orders.iter().find(|o| o.order_id == order_id).unwrap();
    assert_eq!(card.late_after, [(start + 600, 1500), (start + 2400, 6000)], "the card says from when arriving costs what");
    // Late minutes are rounded up and the test clock runs on from the wall
    // clock: arriving 24½ minutes late reads 25 minutes however slow the machine.
    let until_late = u64::try_from(start - app.state.clock.now().unix_timestamp()).unwrap() + 25 * 60 - 30;
    app.state.clock.advance(Duration::from_secs(until_late));
    for step in ["depart", "arrive", "start", "complete"] {
        if step == "complete" {
            tick_checklist(&app, order_id, &li).await;
        }
        let done = app.post("/api/order_step", &format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47"), Some(&li)).await;
        assert_eq!(done.status, StatusCode::OK, "{step}: {}", done.body);
    }
    let worker_id = app.state.store.order(order_id).await.unwrap().unwrap().worker_id.unwrap();
    let lines = app.state.store.worker_ledger(worker_id, time::OffsetDateTime::UNIX_EPOCH, 200).await.unwrap();
    let of_order: Vec<_> = lines.iter().filter(|l| l.order_id == Some(order_id)).map(|l| (l.kind.as_str(), l.available_delta, l.memo.as_str())).collect();
    assert_eq!(of_order.len(), 2, "{of_order:?}");
    assert!(of_order.contains(&("penalty", -1500, "迟到25分钟")), "{of_order:?}");
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());

    // The admin's order page lists where the order's money went.
    let seen: app::api::ops::AdminOrderView = serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    let kinds: Vec<&str> = seen.money.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["capture", "completion", "penalty"]);
    assert_eq!(seen.money[2].entries, [("worker_available".to_string(), -1500), ("penalties".to_string(), 1500)]);
    assert_eq!((seen.money[2].worker_name.as_deref(), seen.money[2].memo.as_str()), (Some("李阿姨"), "迟到25分钟"));
    let page = app.get_page(&format!("/admin/orders/{order_id}"), Some(&admin)).await;
    assert!(page.body.contains("资金流水") && page.body.contains("服务者 -¥15.00，罚款收入 +¥15.00"), "{}", page.body);
    assert_eq!(app.post("/api/admin_order", &format!("order_id={order_id}"), Some(&li)).await.status, StatusCode::FORBIDDEN);
}

/// B5: an order an admin hands on after its start, its worker not having
/// set off, costs that worker the no-show penalty out of what they have
/// available; handed on before the start, it costs nothing.
#[tokio::test]
async fn handing_an_order_on_after_its_start_charges_the_worker_who_never_set_off() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let (li_id, zhao_id) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let meta = store::PostingMeta { idem_key: "no-show-test".into(), actor_id: None, memo: "好评奖励".into() };
    app.state.store.post_adjustment(li_id, store::Adjustment::Reward, 3_000, &meta, app.state.clock.now()).await.unwrap();
    let available = || async { app.state.store.worker_balance(li_id).await.unwrap().available_fen };
    let before = available().await;
    let hand_to_zhao = |order_id: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            let done = app.post("/api/admin_assign", &format!("order_id={order_id}&worker_id={zhao_id}&override_rules=true"), Some(admin)).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        }
    };

    let early = accepted_by_li(&app, &customer, beijing(1, 9), &li).await;
    hand_to_zhao(early).await;
    assert_eq!(available().await, before, "handed on before its start: no penalty");

    let start = beijing(1, 16);
    let missed = accepted_by_li(&app, &customer, start, &li).await;
    let until = u64::try_from(start - app.state.clock.now().unix_timestamp()).unwrap() + 10 * 60;
    app.state.clock.advance(Duration::from_secs(until));
    hand_to_zhao(missed).await;
    let taken = before.min(10_000);
    assert_eq!(available().await, before - taken);
    let lines = app.state.store.worker_ledger(li_id, time::OffsetDateTime::UNIX_EPOCH, 200).await.unwrap();
    let penalty = lines.iter().find(|l| l.order_id == Some(missed) && l.kind == "penalty").expect("the no-show is on Li's statement");
    assert_eq!((penalty.available_delta, penalty.memo.as_str()), (-taken, "爽约：预约开始后仍未出发，订单已改派"));
    let events = app.state.store.order_events(missed).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "assign" && e.detail.contains("原服务者爽约")), "{events:?}");
    assert_eq!(app.state.store.order(missed).await.unwrap().unwrap().worker_id, Some(zhao_id));
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

/// 消息 for workers: an order the customer cancels, one staff hand to
/// another worker and a warning each leave the worker who held it a
/// message, new until 消息 shows it; the worker staff assigned the order is
/// told too. Reading only moves forward and only over one's own messages.
#[tokio::test]
async fn a_worker_is_told_in_messages_what_others_changed_and_each_stays_new_until_shown() {
    use app::api::inbox::{InboxView, MessageAbout};
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let (li_id, zhao_id) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let inbox = |token: &str| {
        let (app, token) = (&app, token.to_string());
        async move { serde_json::from_str::<InboxView>(&app.post("/api/worker_inbox", "", Some(&token)).await.body).unwrap() }
    };
    let unread = |token: &str| {
        let (app, token) = (&app, token.to_string());
        async move { app.post("/api/unread_messages", "", Some(&token)).await.body.parse::<i64>().unwrap() }
    };
    let (li_before, zhao_before) = (inbox(&li).await.messages.len(), inbox(&zhao).await.messages.len());

    let cancelled = accepted_by_li(&app, &customer, beijing(1, 9), &li).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={cancelled}"), Some(&customer)).await.status, StatusCode::OK);
    let handed = accepted_by_li(&app, &customer, beijing(1, 14), &li).await;
    let assigned = app.post("/api/admin_assign", &format!("order_id={handed}&worker_id={zhao_id}&override_rules=true"), Some(&admin)).await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    let warn = form(&[("worker_id", li_id.to_string()), ("reason", "服务中多次接打私人电话".into())]);
    assert_eq!(app.post("/api/admin_give_warning", &warn, Some(&admin)).await.status, StatusCode::OK);

    let customer_id = user_id(&app, CUSTOMER).await;
    let customer_read: Vec<String> = app.state.store.messages(customer_id, 20).await.unwrap().into_iter()
        .filter(|m| m.order_id == Some(handed) && m.channel == "in_app").map(|m| m.body).collect();
    assert!(customer_read[0].starts_with("你的订单日常保洁 · 2小时（") && customer_read[0].ends_with("）已由客服改派，改由赵阿姨上门服务。"), "{customer_read:?}");
    assert!(customer_read[1].starts_with("李阿姨已接单，将于"), "{customer_read:?}");

    let mine = inbox(&li).await;
    assert_eq!((mine.unread, mine.messages.len()), (3, li_before + 3));
    let newest: Vec<(&str, MessageAbout, bool)> = mine.messages.iter().take(4).map(|m| (m.body.as_str(), m.about, m.id > mine.read_up_to)).collect();
    assert!(newest[0].0.starts_with("你收到一次警告：服务中多次接打私人电话"), "{newest:?}");
    assert!(newest[1].0.starts_with("客服已把订单日常保洁 · 2小时（"), "{newest:?}");
    assert!(newest[2].0.starts_with("客户取消了订单：日常保洁 · 2小时，"), "{newest:?}");
    assert_eq!(newest.iter().map(|m| (m.1, m.2)).take(3).collect::<Vec<_>>(), [(MessageAbout::Appeals, true), (MessageAbout::Work, true), (MessageAbout::Nothing, true)]);
    assert!(newest.get(3).is_none_or(|m| !m.2), "older messages are not new");
    let his = inbox(&zhao).await;
    assert_eq!((his.unread, his.messages.len()), (1, zhao_before + 1));
    assert!(his.messages[0].body.starts_with("客服为你指派了订单：日常保洁 · 2小时，"), "{:?}", his.messages[0]);
    assert_eq!(app.post("/api/worker_inbox", "", Some(&customer)).await.status, StatusCode::FORBIDDEN);

    // Zhao marking everything read reads only his own.
    assert_eq!(app.post("/api/mark_messages_read", &format!("up_to={}", i64::MAX), Some(&zhao)).await.status, StatusCode::OK);
    assert_eq!((unread(&zhao).await, unread(&li).await), (0, 3));
    // Li reads what she was shown; a message left meanwhile stays new.
    let shown = mine.messages[0].id;
    let again = form(&[("worker_id", li_id.to_string()), ("reason", "未按要求穿着工服上门".into())]);
    assert_eq!(app.post("/api/admin_give_warning", &again, Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/mark_messages_read", &format!("up_to={shown}"), Some(&li)).await.status, StatusCode::OK);
    assert_eq!(unread(&li).await, 1);
    assert_eq!(app.post("/api/mark_messages_read", &format!("up_to={}", mine.messages[2].id), Some(&li)).await.status, StatusCode::OK);
    assert_eq!(unread(&li).await, 1, "reading never moves back");
    assert_eq!(app.post("/api/mark_messages_read", "up_to=abc", Some(&li)).await.status, StatusCode::BAD_REQUEST);
    // The tab bar asks on every phone page: staff and visitors simply have none.
    assert_eq!((unread(&admin).await, app.post("/api/unread_messages", "", None).await.body.as_str()), (0, "0"));

    // A customer's count is of their 站内消息: a text is read on the phone.
    let (store, now) = (&app.state.store, app.state.clock.now());
    let before = unread(&customer).await;
    store.send_reminder(customer_id, cancelled, "day_before:1", "【到家】明日服务提醒", &["sms"], now).await.unwrap();
    store.post_message(customer_id, "placement", "客服为你推荐了阿姨", now).await.unwrap();
    assert_eq!(unread(&customer).await, before + 1);
    let shown: app::api::account::RemindersView = serde_json::from_str(&app.post("/api/my_reminders", "", Some(&customer)).await.body).unwrap();
    assert_eq!((shown.unread, shown.messages[0].body.as_str(), shown.messages[0].id > shown.read_up_to), (before + 1, "客服为你推荐了阿姨", true));
    assert_eq!(app.post("/api/mark_messages_read", &format!("up_to={}", shown.messages[0].id), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(unread(&customer).await, 0);
}

/// B5: a worker who arrived and waited a quarter of an hour past the start
/// reports the customer not home. The customer pays the fee a cancellation
/// would cost then and gets the rest back; the fee, less commission, is the
/// worker's. Too early, or by another worker, nothing changes.
#[tokio::test]
async fn a_worker_who_waited_reports_the_customer_absent_and_is_paid_the_fee() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let start = beijing(1, 10);
    let order_id = accepted_by_li(&app, &customer, start, &li).await;
    let step = |step: &str| format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47");
    for s in ["depart", "arrive"] {
        assert_eq!(app.post("/api/order_step", &step(s), Some(&li)).await.status, StatusCode::OK, "{s}");
    }
    let li_id = user_id(&app, LI).await;
    let earned_before = app.state.store.worker_balance(li_id).await.unwrap().available_fen;

    let until_start = u64::try_from(start - app.state.clock.now().unix_timestamp()).unwrap();
    app.state.clock.advance(Duration::from_secs(until_start + booking::ABSENT_WAIT_SECS as u64 - 60));
    let before = app.snapshot().await;
    let too_soon = app.post("/api/order_step", &step("customer_absent"), Some(&li)).await;
    assert_eq!(too_soon.error(), AppError::Refused(Msg::ErrTooSoonForAbsence));
    app.state.clock.advance(Duration::from_secs(60));
    let not_theirs = app.post("/api/order_step", &step("customer_absent"), Some(&zhao)).await;
    assert_eq!(not_theirs.error(), AppError::Refused(Msg::ErrNotAssignedWorker));
    assert_eq!(app.post("/api/order_step", &step("customer_absent"), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(state_of(&app, order_id).await, "arrived");
    assert_eq!(app.snapshot().await, before);

    let reported = app.post("/api/order_step", &step("customer_absent"), Some(&li)).await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.body);
    // ¥90.00 paid; after the start the fee is 20 %: ¥18.00 kept, ¥72.00 back.
    assert_eq!(settled(&app, order_id).await, ("refunded".into(), 1800, 7200));
    // The fee less the default 20 % commission.
    assert_eq!(app.state.store.worker_balance(li_id).await.unwrap().available_fen - earned_before, 1440);
    let events = app.state.store.order_events(order_id).await.unwrap();
    let absent = events.iter().find(|e| e.kind == "customer_absent").expect("recorded");
    assert_eq!(absent.detail, "客户不在家，取消费 ¥18.00 付给服务者");
    let again = app.post("/api/order_step", &step("customer_absent"), Some(&li)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrIllegalStep));
}

#[tokio::test]
async fn cancelling_is_free_before_the_cut_off_and_refused_once_the_worker_arrived() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;

    let early = place(&app, &customer, beijing(2, 10)).await;
    pay(&app, early).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={early}"), Some(&customer)).await.status, StatusCode::OK);
    server::jobs::run_due_jobs(&app.state).await;
    let order = app.state.store.order(early).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.refund_fen, order.cancel_fee_fen), ("refunded", 9000, 0));


    let arrived = place(&app, &customer, beijing(2, 14)).await;
    pay(&app, arrived).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(arrived).await.unwrap().remove(0);
    app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li)).await;
    for s in ["depart", "arrive"] {
        app.post("/api/order_step", &format!("order_id={arrived}&step={s}"), Some(&li)).await;
    }
    let refused = app.post("/api/cancel_order", &format!("order_id={arrived}"), Some(&customer)).await;
    assert_eq!(refused.error(), AppError::Refused(Msg::ErrTooLateToCancel));
    assert_eq!(state_of(&app, arrived).await, "arrived");
}

/// An admin cancels for the platform even after the customer's cut-off and
/// after a worker accepted: no fee, a full refund, the reason on the order
/// and in the audit log. Without a reason, by anyone else, or once the order
/// is over, nothing changes.
#[tokio::test]
async fn an_admin_cancels_an_accepted_order_with_a_reason_and_the_customer_gets_everything_back() {
    let app = demo_app(past_the_cut_off()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let admin = app.session_for("13700000000").await;
    let order_id = accepted_by_li(&app, &customer, beijing(1, 10), &li).await;
    let cancel = |reason: &str| form(&[("order_id", order_id.to_string()), ("reason", reason.to_string())]);

    let before = app.snapshot().await;
    let unexplained = app.post("/api/admin_cancel_order", &cancel("  "), Some(&admin)).await;
    assert_eq!(unexplained.error(), AppError::invalid(Field::CancelReason, Msg::ErrCancelReasonRequired));
    let rambling = app.post("/api/admin_cancel_order", &cancel(&"长".repeat(201)), Some(&admin)).await;
    assert_eq!(rambling.error(), AppError::invalid(Field::CancelReason, Msg::ErrReasonTooLong));
    for someone in [&customer, &li] {
        assert_eq!(app.post("/api/admin_cancel_order", &cancel("不想要了"), Some(someone)).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(state_of(&app, order_id).await, "accepted");
    assert_eq!(app.snapshot().await, before);

    let done = app.post("/api/admin_cancel_order", &cancel("顾客来电改约，由客服代为取消"), Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    server::jobs::run_due_jobs(&app.state).await;
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.cancel_fee_fen, order.refund_fen), ("refunded", 0, 9000));
    let events = app.state.store.order_events(order_id).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "cancel" && e.detail == "平台取消：顾客来电改约，由客服代为取消"), "{events:?}");
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "cancel_order" && a.target == format!("order:{order_id}") && a.detail == "顾客来电改约，由客服代为取消"));

    let again = app.post("/api/admin_cancel_order", &cancel("再取消一次"), Some(&admin)).await;
    assert!(matches!(again.error(), AppError::Refused(_)), "{}", again.body);
    assert_eq!(state_of(&app, order_id).await, "refunded");
    // The customer reads why in 消息, and that the money came back; the text goes once.
    let customer_id = user_id(&app, CUSTOMER).await;
    let told: Vec<(String, String)> = app.state.store.messages(customer_id, 20).await.unwrap().into_iter()
        .filter(|m| m.order_id == Some(order_id)).map(|m| (m.channel, m.body)).collect();
    let cancelled = |channel: &str| told.iter().filter(|(c, b)| c == channel && b.contains("已由客服取消（平台取消：顾客来电改约，由客服代为取消）。已付的款项会全额原路退回。")).count();
    assert_eq!((cancelled("in_app"), cancelled("sms")), (1, 1), "{told:?}");
    assert!(told.iter().any(|(c, b)| c == "in_app" && b == "订单日常保洁 · 2小时的退款 ¥90.00 已原路退回，请留意到账。"), "{told:?}");
    // 客服 reads the same record on the order page, with whom each went to and how.
    let page: app::api::ops::AdminOrderView = serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    let to_customer: Vec<(bool, &str)> = page.notices.iter().filter(|n| n.to_customer).map(|n| (n.by_text, n.to_name.as_str())).collect();
    assert_eq!(to_customer.len(), told.len(), "{:?}", page.notices);
    assert!(to_customer.contains(&(true, "张女士")) && to_customer.contains(&(false, "张女士")), "{to_customer:?}");
    assert!(page.notices.iter().any(|n| !n.to_customer && n.body.starts_with("客服取消了订单：")), "the worker who held it: {:?}", page.notices);
}

#[tokio::test]
async fn an_unpaid_order_is_cancelled_when_its_window_passes_and_releases_the_slot() {
    let config = Config { pay_window: Duration::ZERO, ..Config::default() };
    let app = demo_app(config).await;
    let customer = app.session_for(CUSTOMER).await;
    let start = beijing(1, 16);
    let first = place(&app, &customer, start).await;
    let second = place(&app, &customer, start).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(state_of(&app, first).await, "cancelled");
    assert_eq!(state_of(&app, second).await, "cancelled");
    let paying_late = app.post("/api/sandbox_pay", &format!("order_id={first}"), Some(&customer)).await;
    assert_eq!(paying_late.error(), AppError::Refused(Msg::ErrNotPayable));
    // Both workers are free again at that time.
    place(&app, &customer, start).await;
}

/// Places and pays an order starting at `start`; 李阿姨 (`li`, her session) gets the first offer and accepts it.
async fn accepted_by_li(app: &TestApp, customer: &str, start: i64, li: &str) -> i64 {
    let order_id = place(app, customer, start).await;
    taken_by_li(app, order_id, li).await
}

/// Pays `order_id` and has Li accept the offer it goes to.
async fn taken_by_li(app: &TestApp, order_id: i64, li: &str) -> i64 {
    pay(app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    assert_eq!(offer.worker_name, "李阿姨");
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(li)).await.status, StatusCode::OK);
    order_id
}

/// Books and pays an order at `start` that Li (the nearer worker) declines
/// and Zhao accepts; returns the order and Li's id.
async fn served_by_zhao(app: &TestApp, customer: &str, start: i64) -> (i64, i64) {
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let first = place(app, customer, start).await;
    pay(app, first).await;
    server::jobs::run_due_jobs(&app.state).await;
    let to_li = app.state.store.offers_for_order(first).await.unwrap().remove(0);
    app.post("/api/respond_offer", &format!("offer_id={}&accept=false", to_li.id), Some(&li)).await;
    server::jobs::run_due_jobs(&app.state).await;
    let to_zhao = app.state.store.offers_for_order(first).await.unwrap().into_iter().find(|o| o.status == "pending").unwrap();
    assert_eq!(to_zhao.worker_name, "赵阿姨");
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", to_zhao.id), Some(&zhao)).await.status, StatusCode::OK);
    (first, to_li.worker_id)
}

#[tokio::test]
async fn booking_again_holds_and_first_offers_the_previous_worker() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let (first, _) = served_by_zhao(&app, &customer, beijing(1, 8)).await;

    // Li is nearer, yet the rebooking goes to Zhao first.
    let service = cleaning_service(&app).await;
    let body = format!("{}&rebook={first}", booking(service, beijing(2, 10), 9000, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let response = app.post("/api/place_order", &body, Some(&customer)).await;
    let PlaceOutcome::Placed { order_id: again } = serde_json::from_str(&response.body).unwrap() else { panic!("{}", response.body) };
    let zhao_id = app.state.store.order(first).await.unwrap().unwrap().worker_id;
    assert_eq!(app.state.store.order(again).await.unwrap().unwrap().reserved_worker_id, zhao_id);
    pay(&app, again).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(app.state.store.offers_for_order(again).await.unwrap()[0].worker_name, "赵阿姨");
}

/// 再来一单 starts from the old order as it was booked: the contact's name
/// (not the account's), address, units, notes, the add-ons and the worker
/// gender asked for.
#[tokio::test]
async fn booking_again_starts_from_the_old_orders_contact_add_ons_and_gender() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let booked = form(&[
        ("service_id", service.to_string()),
        ("units", "3".into()),
        ("start", beijing(1, 10).to_string()),
        ("quoted_total_fen", "16500".into()),
        ("contact_name", "王先生".into()),
        ("contact_phone", "13800000777".into()),
        ("address_text", "黄浦区人民大道1号".into()),
        ("lat", "31.2304".into()),
        ("lng", "121.4737".into()),
        ("notes", "家里有老人".into()),
        ("addons", "冰箱内部清洁".into()),
        ("worker_gender", "female".into()),
    ]);
    let placed = app.post("/api/place_order", &booked, Some(&customer)).await;
    let PlaceOutcome::Placed { order_id } = serde_json::from_str(&placed.body).unwrap() else { panic!("{}", placed.body) };

    let again = app.post("/api/booking_start", &format!("service_id={service}&rebook={order_id}"), Some(&customer)).await;
    let draft: app::api::orders::BookingDraft = serde_json::from_str(&again.body).unwrap_or_else(|e| panic!("{e}: {}", again.body));
    let address = draft.address.unwrap();
    assert_eq!((address.contact_name.as_str(), address.contact_phone.as_str(), address.address_text.as_str()), ("王先生", "13800000777", "黄浦区人民大道1号"));
    assert_eq!((draft.units, draft.notes.as_str()), (3, "家里有老人"));
    assert_eq!((draft.addons, draft.worker_gender.as_str()), (vec!["冰箱内部清洁".to_string()], "female"));
    assert_eq!((draft.repeat.as_str(), draft.visits), ("", 0), "a single booking is booked again as one visit");

    let fresh = app.post("/api/booking_start", &format!("service_id={service}"), Some(&customer)).await;
    let draft: app::api::orders::BookingDraft = serde_json::from_str(&fresh.body).unwrap();
    assert!(draft.addons.is_empty() && draft.worker_gender.is_empty());
}

#[tokio::test]
async fn a_warning_carries_its_reason_reaches_only_its_worker_and_an_overturned_appeal_withdraws_it() {
    use app::api::appeal::{AppealView, WarningView, WorkerAppeals};
    use domain::{AppealStatus, AppealSubject};
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let worker = app.session_for("13900000001").await;
    let other_worker = app.session_for("13900000003").await;
    let store = &app.state.store;
    let worker_id = store.credentials_by_phone(&domain::Phone::parse("13900000001").unwrap()).await.unwrap().unwrap().user_id.0;
    let applicant_id = store.credentials_by_phone(&domain::Phone::parse("13900000002").unwrap()).await.unwrap().unwrap().user_id.0;
    let warn = |id: i64, reason: &str| form(&[("worker_id", id.to_string()), ("reason", reason.into())]);

    // Only admins warn, with a reason of 5–500 characters, and only a worker who has been approved.
    assert_eq!(app.post("/api/admin_give_warning", &warn(worker_id, "服务中多次接打私人电话"), Some(&worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_worker_warnings", &format!("worker_id={worker_id}"), Some(&worker)).await.status, StatusCode::FORBIDDEN);
    let short = app.post("/api/admin_give_warning", &warn(worker_id, "差"), Some(&admin)).await;
    assert_eq!(short.error(), AppError::invalid(Field::Feedback, Msg::ErrFeedbackTooShort));
    let applicant = app.post("/api/admin_give_warning", &warn(applicant_id, "资料里的照片不清楚"), Some(&admin)).await;
    assert_eq!(applicant.error(), AppError::Refused(Msg::ErrWarningNotWorker));
    assert_eq!(app.post("/api/admin_give_warning", &warn(999_999, "没有这个服务者"), Some(&admin)).await.status, StatusCode::NOT_FOUND);
    for id in [worker_id, applicant_id] {
        assert!(store.warnings(id, 10).await.unwrap().is_empty(), "refused warnings record nothing");
    }

    let given = app.post("/api/admin_give_warning", &warn(worker_id, "服务中多次接打私人电话"), Some(&admin)).await;
    assert_eq!(given.status, StatusCode::OK, "{}", given.body);
    let listed: Vec<WarningView> = serde_json::from_str(&app.post("/api/admin_worker_warnings", &format!("worker_id={worker_id}"), Some(&admin)).await.body).unwrap();
    assert_eq!((listed.len(), listed[0].reason.as_str(), listed[0].withdrawn_at), (1, "服务中多次接打私人电话", None));

    // The worker reads it with its reason and may appeal it; another worker sees nothing of it.
    let standing = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<app::api::worker::WorkerHomeView>(&app.post("/api/worker_home", "", Some(&token)).await.body).unwrap().standing_warnings }
    };
    assert_eq!((standing(worker.clone()).await, standing(other_worker.clone()).await), (1, 0), "工作台 points the worker to it");
    let mine: WorkerAppeals = serde_json::from_str(&app.post("/api/my_appeals", "", Some(&worker)).await.body).unwrap();
    assert_eq!(mine.warnings, listed);
    let item = mine.appealable.iter().find(|i| i.subject == AppealSubject::Warning).expect("a standing warning is appealable");
    assert_eq!((item.subject_ref, item.reason.as_str(), item.amount_fen), (listed[0].id, "服务中多次接打私人电话", None));
    let theirs: WorkerAppeals = serde_json::from_str(&app.post("/api/my_appeals", "", Some(&other_worker)).await.body).unwrap();
    assert!(theirs.warnings.is_empty() && theirs.appealable.iter().all(|i| i.subject != AppealSubject::Warning));
    let appeal = form(&[("subject", "warning".into()), ("subject_ref", listed[0].id.to_string()), ("body", "当时是客户本人来电确认门牌号".into())]);
    assert_eq!(app.post("/api/file_appeal", &appeal, Some(&other_worker)).await.error(), AppError::Refused(Msg::ErrAppealSubject));
    assert_eq!(app.post("/api/file_appeal", &appeal, Some(&worker)).await.status, StatusCode::OK);

    let open: Vec<AppealView> = serde_json::from_str(&app.post("/api/admin_appeals", "filter=open", Some(&admin)).await.body).unwrap();
    let decide = form(&[("appeal_id", open[0].id.to_string()), ("decision", "overturn".into()), ("reply", "已向客户核实，撤销警告".into())]);
    assert_eq!(app.post("/api/admin_decide_appeal", &decide, Some(&admin)).await.status, StatusCode::OK);
    let mine: WorkerAppeals = serde_json::from_str(&app.post("/api/my_appeals", "", Some(&worker)).await.body).unwrap();
    assert!(mine.warnings[0].withdrawn_at.is_some(), "an overturned appeal withdraws the warning");
    assert_eq!(standing(worker.clone()).await, 0);
    assert!(mine.appealable.iter().all(|i| i.subject != AppealSubject::Warning), "a withdrawn warning is nothing to appeal");
    assert_eq!(mine.appeals[0].status, AppealStatus::Overturned);
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "worker_warned" && e.target == format!("user:{worker_id}")).count(), 1);
}

#[tokio::test]
async fn a_background_note_is_kept_for_admins_only_and_a_note_over_500_characters_changes_nothing() {
    use app::api::onboarding::BackgroundNoteView;
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let applicant = app.session_for("13900000002").await;
    let applicant_id = app.state.store.credentials_by_phone(&domain::Phone::parse("13900000002").unwrap()).await.unwrap().unwrap().user_id.0;
    let save = |note: &str| form(&[("worker_id", applicant_id.to_string()), ("note", note.into())]);
    let read = || async { app.post("/api/admin_background_note", &format!("worker_id={applicant_id}"), Some(&admin)).await };

    let untouched: BackgroundNoteView = serde_json::from_str(&read().await.body).unwrap();
    assert_eq!(untouched, BackgroundNoteView { note: String::new(), noted_by: None, noted_at: None });
    assert_eq!(app.post("/api/admin_save_background_note", &save("我自己写的备注"), Some(&applicant)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_background_note", &format!("worker_id={applicant_id}"), Some(&applicant)).await.status, StatusCode::FORBIDDEN);
    let too_long = app.post("/api/admin_save_background_note", &save(&"核".repeat(501)), Some(&admin)).await;
    assert_eq!(too_long.error(), AppError::invalid(Field::BackgroundNote, Msg::ErrBackgroundNoteTooLong));
    let nobody = form(&[("worker_id", "999999".into()), ("note", "查无此人".into())]);
    assert_eq!(app.post("/api/admin_save_background_note", &nobody, Some(&admin)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<BackgroundNoteView>(&read().await.body).unwrap(), untouched, "refused notes change nothing");

    let note = "无犯罪记录证明已核验，前雇主电话回访评价良好";
    assert_eq!(app.post("/api/admin_save_background_note", &save(&format!("  {note}  ")), Some(&admin)).await.status, StatusCode::OK);
    let saved: BackgroundNoteView = serde_json::from_str(&read().await.body).unwrap();
    assert_eq!((saved.note.as_str(), saved.noted_by.as_deref(), saved.noted_at.is_some()), (note, Some("运营管理员"), true));
    // The worker's own view of the application never carries it.
    let own = app.post("/api/my_application", "", Some(&applicant)).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(!own.body.contains("无犯罪记录"), "{}", own.body);
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    let logged: Vec<_> = audit.iter().filter(|e| e.action == "background_note_saved").collect();
    assert_eq!(logged.len(), 1);
    assert!(!logged[0].detail.contains("无犯罪记录"), "the note's words stay out of the log");
}

#[tokio::test]
async fn admins_review_workers_with_reasons_and_each_decision_applies_once() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let applicant = app.state.store.credentials_by_phone(&domain::Phone::parse("13900000002").unwrap()).await.unwrap().unwrap().user_id.0;
    let review = |decision: &str, note: &str| form(&[("worker_id", applicant.to_string()), ("decision", decision.into()), ("note", note.into())]);

    let no_reason = app.post("/api/admin_review_worker", &review("reject", " "), Some(&admin)).await;
    assert_eq!(no_reason.error(), AppError::Invalid { field: Field::Review, msg: Msg::ErrReasonRequired });
    let not_yet = app.post("/api/admin_review_worker", &review("suspend", "迟到"), Some(&admin)).await;
    assert_eq!(not_yet.error(), AppError::Refused(Msg::ErrReviewNotApplicable));

    assert_eq!(app.post("/api/admin_review_worker", &review("approve", ""), Some(&admin)).await.status, StatusCode::OK);
    let twice = app.post("/api/admin_review_worker", &review("approve", ""), Some(&admin)).await;
    assert_eq!(twice.error(), AppError::Refused(Msg::ErrReviewNotApplicable));
    assert_eq!(app.post("/api/admin_review_worker", &review("suspend", "多次迟到"), Some(&admin)).await.status, StatusCode::OK);
    let profile = app.state.store.worker_profile(store::UserId(applicant)).await.unwrap().unwrap();
    assert_eq!((profile.status, profile.review_note.as_str()), (domain::WorkerStatus::Suspended, "多次迟到"));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action.starts_with("worker_")).count(), 2);
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_and_a_worker_holding_orders_is_not_disabled() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let (customer_id, li_id, admin_id) = (user_id(&app, CUSTOMER).await, user_id(&app, LI).await, user_id(&app, "13700000000").await);
    let set = |user: i64, disabled: bool, note: &str| form(&[("user_id", user.to_string()), ("disabled", disabled.to_string()), ("note", note.into())]);

    let no_reason = app.post("/api/admin_set_account_disabled", &set(customer_id, true, " "), Some(&admin)).await;
    assert_eq!(no_reason.error(), AppError::Invalid { field: Field::Review, msg: Msg::ErrDisableReasonRequired });
    let an_admin = app.post("/api/admin_set_account_disabled", &set(admin_id, true, "误操作"), Some(&admin)).await;
    assert_eq!(an_admin.error(), AppError::Refused(Msg::ErrAdminNotDisabledHere));

    // 李阿姨 accepts an order: she cannot be disabled until it is sent to someone else.
    accepted_by_li(&app, &customer, beijing(1, 13), &li).await;
    let holding = app.post("/api/admin_set_account_disabled", &set(li_id, true, "投诉较多"), Some(&admin)).await;
    assert_eq!(holding.error(), AppError::Refused(Msg::ErrWorkerHoldsOrders));
    assert_eq!(app.post("/api/worker_home", "", Some(&li)).await.status, StatusCode::OK, "a refused disable changes nothing");
    assert_eq!(app.post("/api/my_profile", "", Some(&customer)).await.status, StatusCode::OK);

    let disabled = app.post("/api/admin_set_account_disabled", &set(customer_id, true, "恶意下单"), Some(&admin)).await;
    assert_eq!((disabled.status, disabled.body.as_str()), (StatusCode::OK, "true"));
    assert_eq!(app.post("/api/my_profile", "", Some(&customer)).await.status, StatusCode::UNAUTHORIZED, "signed out at once");
    let login = form(&[("phone", CUSTOMER.into()), ("password", "daojia123".into())]);
    assert_eq!(app.post("/api/login", &login, None).await.error(), AppError::AccountDisabled);

    let enabled = app.post("/api/admin_set_account_disabled", &set(customer_id, false, ""), Some(&admin)).await;
    assert_eq!((enabled.status, enabled.body.as_str()), (StatusCode::OK, "false"));
    assert_eq!(app.post("/api/my_profile", "", Some(&customer)).await.status, StatusCode::UNAUTHORIZED, "re-enabling revives no old session");
    assert!(app.post("/api/login", &login, None).await.session_cookie().is_some());
    let audit: Vec<(String, String)> =
        app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap().into_iter().filter(|e| e.action.starts_with("account_")).map(|e| (e.action, e.detail)).collect();
    assert_eq!(audit, [("account_enable".to_string(), String::new()), ("account_disable".to_string(), "恶意下单".to_string())]);
}

#[tokio::test]
async fn an_admin_sees_what_all_of_a_customers_orders_add_up_to_and_the_reviews_they_wrote() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let (customer_id, li_id) = (user_id(&app, CUSTOMER).await, user_id(&app, LI).await);
    let sessions = vec![(li_id, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let page = |id: i64| {
        let (app, admin) = (&app, admin.clone());
        async move { app.post("/api/admin_customer", &format!("user_id={id}"), Some(&admin)).await }
    };

    // Served and reviewed; paid and then cancelled in time (refunded in full); placed and never paid.
    let served = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, served).await;
    let worker_name = if complete_order(&app, served, &sessions).await == li_id { "李阿姨" } else { "赵阿姨" };
    let review = form(&[("order_id", served.to_string()), ("quality", "5".into()), ("attitude", "4".into()), ("result", "5".into()), ("body", "阿姨很细心".into())]);
    assert_eq!(app.post("/api/review_order", &review, Some(&customer)).await.status, StatusCode::OK);
    let cancelled = place(&app, &customer, beijing(2, 10)).await;
    pay(&app, cancelled).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={cancelled}"), Some(&customer)).await.status, StatusCode::OK);
    server::jobs::run_due_jobs(&app.state).await;
    let unpaid = place(&app, &customer, beijing(3, 10)).await;

    let response = page(customer_id).await;
    assert_eq!(response.status, StatusCode::OK);
    let view: app::api::admin::CustomerView = serde_json::from_str(&response.body).unwrap();
    assert_eq!((view.phone.as_str(), view.disabled), (CUSTOMER, false));
    assert_eq!((view.orders_total, view.orders_completed, view.orders_cancelled), (3, 1, 1));
    assert_eq!((view.paid_fen, view.refunded_fen, view.net_spent_fen()), (18_000, 9000, 9000));
    let listed: Vec<(i64, i64, i64)> = view.orders.iter().map(|r| (r.card.id, r.paid_fen, r.refund_fen)).collect();
    assert_eq!(listed, [(unpaid, 0, 0), (cancelled, 9000, 9000), (served, 9000, 0)], "newest appointment first");
    assert_eq!(view.reviews.len(), 1);
    let r = &view.reviews[0];
    assert_eq!((r.order_id, r.worker_name.as_str(), (r.quality, r.attitude, r.result), r.body.as_str()), (served, worker_name, (5, 4, 5), "阿姨很细心"));

    // A worker's or an unknown account has no customer page.
    assert_eq!(page(li_id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(page(999_999).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_complaint_is_filed_about_the_customers_own_order_answered_resolved_once_and_each_answer_reaches_them() {
    use app::api::feedback::{CustomerFeedback, FeedbackView};
    use domain::FeedbackStatus;
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let other = app.session("13800000098", domain::Role::Customer).await;
    let customer_id = user_id(&app, CUSTOMER).await;
    let order = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order).await;
    let file = |category: &str, order_id: String, body: &str| form(&[("category", category.into()), ("order_id", order_id), ("body", body.into())]);
    let messages = || {
        let store = app.state.store.clone();
        async move { store.messages(customer_id, 10).await.unwrap().len() }
    };

    // Bad input is explained in place and files nothing.
    let refused = [
        (file("noise", order.to_string(), "阿姨迟到了半小时"), AppError::Invalid { field: Field::Category, msg: Msg::ErrFeedbackCategory }),
        (file("lateness", order.to_string(), " 迟到 "), AppError::Invalid { field: Field::Feedback, msg: Msg::ErrFeedbackTooShort }),
        (file("lateness", "999999".into(), "阿姨迟到了半小时"), AppError::Invalid { field: Field::FeedbackOrder, msg: Msg::ErrFeedbackOrder }),
    ];
    for (body, error) in refused {
        assert_eq!(app.post("/api/submit_feedback", &body, Some(&customer)).await.error(), error);
    }
    let foreign = app.post("/api/submit_feedback", &file("lateness", order.to_string(), "别人的订单我也要投诉"), Some(&other)).await;
    assert_eq!(foreign.error(), AppError::Invalid { field: Field::FeedbackOrder, msg: Msg::ErrFeedbackOrder });
    assert_eq!(app.state.store.unresolved_feedback_count().await.unwrap(), 0);

    let filed = app.post("/api/submit_feedback", &file("lateness", order.to_string(), "阿姨迟到了半小时"), Some(&customer)).await;
    assert_eq!(filed.status, StatusCode::OK);
    let id: i64 = serde_json::from_str(&filed.body).unwrap();
    let general = app.post("/api/submit_feedback", &file("other", String::new(), "希望增加夜间服务"), Some(&customer)).await;
    assert_eq!(general.status, StatusCode::OK);

    // The order monitor flags the order until the complaint is resolved.
    let complained = || async {
        let rows: Vec<app::api::ops::AdminOrderRow> =
            serde_json::from_str(&app.post("/api/admin_orders", "attention=complaint", Some(&admin)).await.body).unwrap();
        rows.iter().map(|r| (r.card.id, r.open_complaint)).collect::<Vec<_>>()
    };
    assert_eq!(complained().await, [(order, true)]);
    // Photos: the customer's own, images only, at most three; each is served to them and to admins only.
    let back = |query: &str| format!("/me/feedback?feedback={id}&{query}");
    assert_eq!(app.upload_feedback_photo(id, &png(), &other).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.upload_feedback_photo(id, b"not a picture", &customer).await.headers[header::LOCATION], back("upload_error=not_image"));
    for _ in 0..3 {
        assert_eq!(app.upload_feedback_photo(id, &png(), &customer).await.headers[header::LOCATION], back("uploaded=1"));
    }
    assert_eq!(app.upload_feedback_photo(id, &png(), &customer).await.headers[header::LOCATION], back("upload_error=too_many"));
    let photos = |session: String| {
        let app = &app;
        async move {
            let mine: CustomerFeedback = serde_json::from_str(&app.post("/api/my_feedback", "", Some(&session)).await.body).unwrap();
            mine.items.into_iter().find(|f| f.id == id).map(|f| f.images).unwrap_or_default()
        }
    };
    let urls = photos(customer.clone()).await;
    assert_eq!(urls.len(), 3);
    assert_eq!(app.get_page(&urls[0], Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.get_page(&urls[0], Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.get_page(&urls[0], Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get_page(&urls[0], None).await.status, StatusCode::NOT_FOUND);

    let step = |action: &str, body: &str| form(&[("feedback_id", id.to_string()), ("action", action.into()), ("body", body.into())]);
    let short = app.post("/api/admin_step_feedback", &step("reply", "好的"), Some(&admin)).await;
    assert_eq!(short.error(), AppError::Invalid { field: Field::Feedback, msg: Msg::ErrFeedbackTooShort });
    assert_eq!(app.post("/api/admin_step_feedback", &step("take", ""), Some(&admin)).await.body, "\"assigned\"");
    assert_eq!(app.post("/api/admin_step_feedback", &step("take", ""), Some(&admin)).await.error(), AppError::Refused(Msg::ErrFeedbackStep));
    assert_eq!(messages().await, 0, "taking it tells the customer nothing yet");
    assert_eq!(app.post("/api/admin_step_feedback", &step("reply", "已联系服务者核实情况"), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_step_feedback", &step("resolve", "已补偿20元，向您致歉"), Some(&admin)).await.body, "\"resolved\"");
    let again = app.post("/api/admin_step_feedback", &step("resolve", "再补偿一次20元"), Some(&admin)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrFeedbackStep), "resolved once");
    assert_eq!(messages().await, 2, "one 消息 per answer");
    assert!(complained().await.is_empty(), "resolved: no longer flagged");
    assert_eq!(app.upload_feedback_photo(id, &png(), &customer).await.headers[header::LOCATION], back("upload_error=closed"));

    let mine: CustomerFeedback = serde_json::from_str(&app.post("/api/my_feedback", "", Some(&customer)).await.body).unwrap();
    assert_eq!(mine.orders.iter().map(|o| o.id).collect::<Vec<_>>(), [order]);
    assert_eq!(mine.items.len(), 2);
    let handled = mine.items.iter().find(|f| f.id == id).unwrap();
    assert_eq!((handled.status, handled.order_id, handled.handler_name.as_deref()), (FeedbackStatus::Resolved, Some(order), Some("运营管理员")));
    assert_eq!(handled.replies.iter().map(|r| (r.body.as_str(), r.resolves)).collect::<Vec<_>>(), [("已联系服务者核实情况", false), ("已补偿20元，向您致歉", true)]);
    let theirs: CustomerFeedback = serde_json::from_str(&app.post("/api/my_feedback", "", Some(&other)).await.body).unwrap();
    assert!(theirs.items.is_empty(), "nobody sees another customer's feedback");

    let unresolved: Vec<FeedbackView> =
        serde_json::from_str(&app.post("/api/admin_feedback_list", "status=unresolved", Some(&admin)).await.body).unwrap();
    assert_eq!(unresolved.iter().map(|f| f.status).collect::<Vec<_>>(), [FeedbackStatus::Open]);
    assert_eq!(app.post("/api/admin_feedback", "feedback_id=999999", Some(&admin)).await.status, StatusCode::NOT_FOUND);
}

/// C10: an admin hands a complaint to another admin, who then handles it;
/// the hand-over is audited. Only to another enabled admin, and never by a
/// customer or once resolved.
#[tokio::test]
async fn an_admin_hands_a_complaint_over_to_another_admin_who_answers_it() {
    use app::api::feedback::FeedbackView;
    use domain::FeedbackStatus;
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let supervisor = app.session_for("13700000001").await;
    let customer = app.session_for(CUSTOMER).await;
    let filed = form(&[("category", "quality".into()), ("order_id", String::new()), ("body", "上次保洁厨房没有擦干净".into())]);
    let id: i64 = serde_json::from_str(&app.post("/api/submit_feedback", &filed, Some(&customer)).await.body).unwrap();
    let (admin_id, supervisor_id, li_id) = (user_id(&app, "13700000000").await, user_id(&app, "13700000001").await, user_id(&app, LI).await);
    let hand_over = |to: i64| form(&[("feedback_id", id.to_string()), ("action", "hand_over".into()), ("body", String::new()), ("to_admin", to.to_string())]);

    let handlers: Vec<app::api::feedback::HandlerOption> = serde_json::from_str(&app.post("/api/admin_feedback_handlers", "", Some(&admin)).await.body).unwrap();
    assert_eq!(handlers.iter().map(|h| (h.id, h.name.as_str())).collect::<Vec<_>>(), [(supervisor_id, "客服主管")]);
    for to in [admin_id, li_id, 999_999] {
        let refused = app.post("/api/admin_step_feedback", &hand_over(to), Some(&admin)).await;
        assert_eq!(refused.error(), AppError::Invalid { field: Field::Feedback, msg: Msg::ErrHandOverTarget }, "to {to}");
    }
    assert_eq!(app.post("/api/admin_step_feedback", &hand_over(supervisor_id), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    let handler = || async {
        let view: FeedbackView = serde_json::from_str(&app.post("/api/admin_feedback", &format!("feedback_id={id}"), Some(&admin)).await.body).unwrap();
        (view.status, view.handler_name)
    };
    assert_eq!(handler().await, (FeedbackStatus::Open, None), "refused hand-overs change nothing");

    assert_eq!(app.post("/api/admin_step_feedback", &hand_over(supervisor_id), Some(&admin)).await.body, "\"assigned\"");
    assert_eq!(handler().await, (FeedbackStatus::Assigned, Some("客服主管".to_string())));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    let entry = audit.iter().find(|a| a.action == "feedback_hand_over").unwrap();
    assert_eq!((entry.target.as_str(), entry.detail.clone()), (format!("feedback:{id}").as_str(), format!("user:{supervisor_id}")));

    let resolve = form(&[("feedback_id", id.to_string()), ("action", "resolve".into()), ("body", "已安排复洁，向您致歉".into())]);
    assert_eq!(app.post("/api/admin_step_feedback", &resolve, Some(&supervisor)).await.body, "\"resolved\"");
    let late = app.post("/api/admin_step_feedback", &hand_over(admin_id), Some(&supervisor)).await;
    assert_eq!(late.error(), AppError::Refused(Msg::ErrFeedbackStep), "resolved feedback stays with whoever resolved it");
}

#[tokio::test]
async fn a_served_order_and_complaints_about_it_count_in_that_workers_assessment_which_only_they_and_admins_read() {
    use app::api::assessment::{AssessmentsPage, OwnAssessment, WorkerAssessmentView, CONCERNS_ONLY};
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let (li_id, zhao_id) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let sessions = vec![(li_id, app.session_for(LI).await), (zhao_id, app.session_for(ZHAO).await)];
    for (path, session, status) in [
        ("/api/admin_assessments", None, StatusCode::UNAUTHORIZED),
        ("/api/admin_assessments", Some(&customer), StatusCode::FORBIDDEN),
        ("/api/admin_assessments", Some(&sessions[0].1), StatusCode::FORBIDDEN),
        ("/api/my_assessment", Some(&customer), StatusCode::FORBIDDEN),
        ("/api/my_assessment", Some(&admin), StatusCode::FORBIDDEN),
    ] {
        assert_eq!(app.post(path, "", session.map(String::as_str)).await.status, status, "{path}");
    }
    let own = |token: String| {
        let app = &app;
        async move {
            let mine: OwnAssessment = serde_json::from_str(&app.post("/api/my_assessment", "", Some(&token)).await.body).unwrap();
            mine.me.expect("an approved worker is assessed")
        }
    };
    let before: Vec<WorkerAssessmentView> = vec![own(sessions[0].1.clone()).await, own(sessions[1].1.clone()).await];

    let order = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order).await;
    let served_by = complete_order(&app, order, &sessions).await;
    for body in ["厨房没有打扫干净", "卫生间也没有打扫"] {
        let filed = app.post("/api/submit_feedback", &form(&[("category", "quality".into()), ("order_id", order.to_string()), ("body", body.into())]), Some(&customer)).await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    }
    // Arrival counts once the booked start has passed.
    app.state.clock.advance(Duration::from_secs(3 * 86_400));

    let k = usize::from(served_by == zhao_id);
    let (was, now) = (&before[k], own(sessions[k].1.clone()).await);
    assert_eq!(now.worker_id, served_by, "a worker reads their own figures");
    assert_eq!(now.completed_orders, was.completed_orders + 1);
    assert_eq!((now.arrivals, now.on_time_arrivals), (was.arrivals + 1, was.on_time_arrivals + 1), "arrived before the start");
    assert_eq!((now.offers_answered, now.offers_accepted), (was.offers_answered + 1, was.offers_accepted + 1));
    assert_eq!(now.complaints, was.complaints + 2);
    assert!(now.concerns.contains(&app::api::assessment::ConcernKind::Complaints), "two complaints in 30 days are flagged");
    let bystander = own(sessions[1 - k].1.clone()).await;
    assert_eq!(bystander.complaints, before[1 - k].complaints, "not about their order");

    let page: AssessmentsPage = serde_json::from_str(&app.post("/api/admin_assessments", "", Some(&admin)).await.body).unwrap();
    assert_eq!(page.rules.days, dispatch::ASSESSMENT_DAYS);
    let listed = page.workers.iter().find(|w| w.worker_id == served_by).expect("listed for the admin");
    assert_eq!(listed, &now, "the admin reads the same figures");
    let flagged: AssessmentsPage =
        serde_json::from_str(&app.post("/api/admin_assessments", &format!("filter={CONCERNS_ONLY}"), Some(&admin)).await.body).unwrap();
    assert!(flagged.workers.iter().all(|w| !w.concerns.is_empty()));
    assert!(flagged.workers.iter().any(|w| w.worker_id == served_by));
    assert_eq!(flagged.workers.len(), page.workers.iter().filter(|w| !w.concerns.is_empty()).count());
    let dashboard: app::api::admin::DashboardView =
        serde_json::from_str(&app.post("/api/admin_dashboard", "", Some(&admin)).await.body).unwrap();
    assert_eq!(dashboard.workers_with_concerns, flagged.workers.len() as i64, "the 数据看板 tile counts the same workers");
}

#[tokio::test]
async fn workers_set_skills_area_and_hours_but_not_against_an_accepted_order() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let settings = |skills: &str, radius: &str, days: &str, start: &str, end: &str| {
        form(&[
            ("skills", skills.into()),
            ("lat", "31.2304".into()),
            ("lng", "121.4737".into()),
            ("radius_km", radius.into()),
            ("weekdays", days.into()),
            ("start", start.into()),
            ("end", end.into()),
        ])
    };
    let cases = [
        (settings("", "10", "0,1", "08:00", "20:00"), Field::Skills, Msg::ErrSkillsEmpty),
        (settings("nope", "10", "0,1", "08:00", "20:00"), Field::Skills, Msg::ErrSkillsEmpty),
        (settings("daily_cleaning", "0", "0,1", "08:00", "20:00"), Field::Radius, Msg::ErrRadiusRange),
        (settings("daily_cleaning", "10", "", "08:00", "20:00"), Field::Weekdays, Msg::ErrWeekdaysEmpty),
        (settings("daily_cleaning", "10", "0,1", "20:00", "08:00"), Field::Hours, Msg::ErrHoursOrder),
        (settings("daily_cleaning", "10", "0,1", "25:00", "26:00"), Field::Hours, Msg::ErrHoursFormat),
    ];
    for (body, field, msg) in cases {
        let response = app.post("/api/save_worker_settings", &body, Some(&li)).await;
        assert_eq!(response.error(), AppError::Invalid { field, msg }, "{body}");
    }

    let order_id = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li)).await;
    let order_no = app.state.store.order(order_id).await.unwrap().unwrap().order_no;
    let afternoons_only = app.post("/api/save_worker_settings", &settings("daily_cleaning", "10", "0,1,2,3,4,5,6", "14:00", "20:00"), Some(&li)).await;
    assert_eq!(afternoons_only.error(), AppError::ConflictsWithOrder { order_no });

    let fine = app.post("/api/save_worker_settings", &settings("daily_cleaning,appliance", "15", "0,1,2,3,4,5,6", "07:00", "21:00"), Some(&li)).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    let li_id = app.state.store.credentials_by_phone(&domain::Phone::parse(LI).unwrap()).await.unwrap().unwrap().user_id.0;
    let setup = app.state.store.worker_setup(li_id).await.unwrap().unwrap();
    assert_eq!((setup.skills.len(), setup.area_radius_km, setup.hours.len()), (2, 15.0, 7));
    assert_eq!(setup.hours[0], (0, 7 * 60, 21 * 60));
}

#[tokio::test]
async fn days_off_take_a_worker_out_of_dispatch_but_not_away_from_an_accepted_order() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let date = |days: i64| {
        let t = time::OffsetDateTime::from_unix_timestamp(beijing(days, 12)).unwrap();
        app::server::flows::beijing_date(t).to_string()
    };
    let day = |d: String| form(&[("day", d)]);

    let past = app.post("/api/add_leave_day", &day(date(-1)), Some(&li)).await;
    assert_eq!(past.error(), AppError::Invalid { field: Field::LeaveDay, msg: Msg::ErrLeaveDayRange });
    let garbage = app.post("/api/add_leave_day", &day("2026-02-30".into()), Some(&li)).await;
    assert_eq!(garbage.error(), AppError::Invalid { field: Field::LeaveDay, msg: Msg::ErrLeaveDayFormat });

    // Li accepts an order tomorrow: that day cannot become a day off.
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    let accepting = if offer.worker_id == app.state.store.credentials_by_phone(&domain::Phone::parse(LI).unwrap()).await.unwrap().unwrap().user_id.0 { &li } else { &zhao };
    app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(accepting)).await;
    let order_no = app.state.store.order(order_id).await.unwrap().unwrap().order_no;
    let clash = app.post("/api/add_leave_day", &day(date(1)), Some(accepting)).await;
    assert_eq!(clash.error(), AppError::ConflictsWithOrder { order_no });

    // Both workers off the day after: nobody can be booked then.
    for worker in [&li, &zhao] {
        assert_eq!(app.post("/api/add_leave_day", &day(date(2)), Some(worker)).await.status, StatusCode::OK);
    }
    let listed: Vec<String> = serde_json::from_str(&app.post("/api/my_leave_days", "", Some(&li)).await.body).unwrap();
    assert_eq!(listed, vec![date(2)]);
    let service = cleaning_service(&app).await;
    let body = booking(service, beijing(2, 10), 9000, "31.2304", "121.4737", "黄浦区人民大道1号");
    let nobody = app.post("/api/place_order", &body, Some(&customer)).await;
    assert_eq!(nobody.error(), AppError::Invalid { field: Field::Slot, msg: Msg::ErrSlotUnavailable });

    // Li works after all: the booking goes through.
    assert_eq!(app.post("/api/remove_leave_day", &day(date(2)), Some(&li)).await.status, StatusCode::OK);
    place(&app, &customer, beijing(2, 10)).await;
}

/// Ticks every step of the order's checklist, as its worker must before 完成服务 (B4).
async fn tick_checklist(app: &TestApp, order_id: i64, token: &str) {
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    for position in 0..booking::checklist_items(order.checklist.as_deref()).len() {
        let ticked = app.post("/api/tick_step", &format!("order_id={order_id}&position={position}"), Some(token)).await;
        assert_eq!(ticked.status, StatusCode::OK, "{}", ticked.body);
    }
}

/// Accepts the order's open offer as whoever it went to and walks it to 已完成.
async fn complete_order(app: &TestApp, order_id: i64, sessions: &[(i64, String)]) -> i64 {
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().into_iter().find(|o| o.status == "pending").expect("an open offer");
    let (_, token) = sessions.iter().find(|(id, _)| *id == offer.worker_id).expect("a demo worker");
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(token)).await.status, StatusCode::OK);
    for step in ["depart", "arrive", "start", "complete"] {
        if step == "complete" {
            tick_checklist(app, order_id, token).await;
        }
        let body = format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47");
        assert_eq!(app.post("/api/order_step", &body, Some(token)).await.status, StatusCode::OK, "{step}");
    }
    offer.worker_id
}

#[tokio::test]
async fn a_category_commission_change_applies_to_orders_placed_after_it_only() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let sessions = vec![(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let set = |percent: &str| form(&[("category_code", "daily_cleaning".into()), ("percent", percent.into())]);
    for bad in ["60", "-1", "abc", "12.345"] {
        let refused = app.post("/api/admin_set_commission", &set(bad), Some(&admin)).await;
        assert_eq!(refused.error(), AppError::Invalid { field: Field::Amount, msg: Msg::ErrCommissionRange }, "{bad}");
    }

    // Placed and paid at the default 20 %; the rate then rises to 30 %.
    let before = place(&app, &customer, beijing(1, 9)).await;
    pay(&app, before).await;
    assert_eq!(app.post("/api/admin_set_commission", &set("30"), Some(&admin)).await.status, StatusCode::OK);
    let after = place(&app, &customer, beijing(2, 9)).await;
    pay(&app, after).await;

    let commission_of = |order_id: i64| {
        let store = app.state.store.clone();
        async move {
            let worker = store.order(order_id).await.unwrap().unwrap().worker_id.unwrap();
            let lines = store.worker_ledger(worker, time::OffsetDateTime::UNIX_EPOCH, 50).await.unwrap();
            lines.into_iter().find(|l| l.order_id == Some(order_id)).map(|l| (l.available_delta, l.commission_fen)).unwrap()
        }
    };
    complete_order(&app, before, &sessions).await;
    complete_order(&app, after, &sessions).await;
    assert_eq!(commission_of(before).await, (7200, 1800), "the rate fixed when it was placed");
    assert_eq!(commission_of(after).await, (6300, 2700), "the new rate");
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "commission_changed" && e.detail.contains("默认 → 30%")), "{audit:?}");
}

#[tokio::test]
async fn recommendations_follow_bookings_and_favorites_with_a_reason_and_new_visitors_see_popular_ones() {
    use app::api::catalog::{Recommendation, ServiceCard};
    let app = demo_app(Config::default()).await;
    let anonymous: Vec<Recommendation> = serde_json::from_str(&app.post("/api/recommendations", "", None).await.body).unwrap();
    assert_eq!(anonymous.len(), 4);
    assert!(anonymous.iter().all(|r| r.reason == "热门服务"), "{anonymous:?}");

    let customer = app.session_for(CUSTOMER).await;
    place(&app, &customer, beijing(1, 10)).await;
    let air_conditioner = app.state.store.listed_services(None).await.unwrap().into_iter().find(|s| s.name == "挂机空调清洗").unwrap().id;
    let favorite = app.post("/api/set_favorite", &format!("service_id={air_conditioner}&favorite=true"), Some(&customer)).await;
    assert_eq!(favorite.status, StatusCode::OK);
    app.post("/api/set_favorite", &format!("service_id={air_conditioner}&favorite=true"), Some(&customer)).await;
    let mine: Vec<Recommendation> = serde_json::from_str(&app.post("/api/recommendations", "", Some(&customer)).await.body).unwrap();
    let reasons: Vec<(&str, &str)> = mine.iter().map(|r| (r.card.name.as_str(), r.reason.as_str())).collect();
    assert_eq!(reasons[0], ("日常保洁 · 4小时", "因为你预约过 日常保洁 · 2小时"), "{reasons:?}");
    assert_eq!(reasons[1], ("油烟机拆洗", "因为你收藏了 挂机空调清洗"), "{reasons:?}");
    assert!(!reasons.iter().any(|(name, _)| *name == "日常保洁 · 2小时" || *name == "挂机空调清洗"), "not what they already have");

    let favorites: Vec<ServiceCard> = serde_json::from_str(&app.post("/api/my_favorites", "", Some(&customer)).await.body).unwrap();
    assert_eq!(favorites.iter().map(|s| s.id).collect::<Vec<_>>(), vec![air_conditioner], "favorited twice, listed once");
    app.post("/api/set_favorite", &format!("service_id={air_conditioner}&favorite=false"), Some(&customer)).await;
    let favorites: Vec<ServiceCard> = serde_json::from_str(&app.post("/api/my_favorites", "", Some(&customer)).await.body).unwrap();
    assert!(favorites.is_empty());
    assert_eq!(app.post("/api/set_favorite", "service_id=999999&favorite=true", Some(&customer)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_address_book_keeps_one_default_which_booking_preselects_edits_in_place_and_refuses_bad_or_foreign_input() {
    use app::api::account::AddressView;
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let other = app.session("13800000499", domain::Role::Customer).await;
    let address = |label: &str, phone: &str, text: &str, lat: &str, default: bool| {
        let mut fields = vec![
            ("label", label.to_string()),
            ("contact_name", "张女士".to_string()),
            ("contact_phone", phone.to_string()),
            ("address_text", text.to_string()),
            ("lat", lat.to_string()),
            ("lng", "121.4737".to_string()),
        ];
        if default {
            fields.push(("make_default", "on".to_string()));
        }
        form(&fields)
    };
    let cases = [
        (address("家", "12345", "黄浦区人民大道1号", "31.2304", false), Field::ContactPhone),
        (address("我父母住的那套老房子那边", "13800000001", "黄浦区人民大道1号", "31.2304", false), Field::AddressLabel),
        (address("家", "13800000001", " ", "31.2304", false), Field::Address),
        (address("家", "13800000001", "黄浦区人民大道1号", "", false), Field::Location),
    ];
    for (body, field) in cases {
        assert_eq!(app.post("/api/add_address", &body, Some(&customer)).await.error().field(), Some(field), "{body}");
    }
    let list = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<Vec<AddressView>>(&app.post("/api/my_addresses", "", Some(&token)).await.body).unwrap() }
    };
    assert!(list(customer.clone()).await.is_empty(), "nothing saved");

    assert_eq!(app.post("/api/add_address", &address("家", "13800000001", "黄浦区人民大道1号", "31.2304", false), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/add_address", &address("公司", "13800000002", "静安区南京西路1号", "31.2290", false), Some(&customer)).await.status, StatusCode::OK);
    let saved = list(customer.clone()).await;
    assert_eq!(saved.iter().map(|a| (a.label.as_str(), a.is_default)).collect::<Vec<_>>(), [("家", true), ("公司", false)], "the first is the default");
    let office = saved[1].id;
    assert_eq!(app.post("/api/set_default_address", &format!("address_id={office}"), Some(&customer)).await.status, StatusCode::OK);
    let saved = list(customer.clone()).await;
    assert_eq!((saved[0].label.as_str(), saved[0].is_default, saved[1].is_default), ("公司", true, false), "exactly one default");

    let service = cleaning_service(&app).await;
    let draft = app.post("/api/booking_start", &format!("service_id={service}"), Some(&customer)).await;
    assert!(draft.body.contains("静安区南京西路1号"), "booking preselects the default: {}", draft.body);
    let draft: app::api::orders::BookingDraft = serde_json::from_str(&draft.body).unwrap();
    assert_eq!(
        draft.address_book.iter().map(|a| (a.label.as_str(), a.address_text.as_str())).collect::<Vec<_>>(),
        [("公司", "静安区南京西路1号"), ("家", "黄浦区人民大道1号")],
        "booking offers every saved address, the default first"
    );

    // An edit is checked like a new address, and a refused one changes nothing.
    let home = saved[1].id;
    let edit = |id: i64, phone: &str, text: &str, default: bool| format!("address_id={id}&{}", address("老家", phone, text, "31.2310", default));
    let refused = app.post("/api/update_address", &edit(home, "12345", "黄浦区人民大道2号", false), Some(&customer)).await;
    assert_eq!(refused.error().field(), Some(Field::ContactPhone));
    assert_eq!(app.post("/api/update_address", &edit(home, "13800000001", " ", false), Some(&customer)).await.error().field(), Some(Field::Address));
    assert_eq!(app.post("/api/update_address", &edit(home, "13800000001", "黄浦区人民大道2号", false), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(list(customer.clone()).await, saved, "refused edits change nothing");
    assert_eq!(app.post("/api/update_address", &edit(home, "13800000009", "黄浦区人民大道2号", false), Some(&customer)).await.status, StatusCode::OK);
    let edited = list(customer.clone()).await;
    let home_now = edited.iter().find(|a| a.id == home).unwrap();
    assert_eq!(
        (home_now.label.as_str(), home_now.contact_phone.as_str(), home_now.address_text.as_str(), home_now.lat, home_now.is_default),
        ("老家", "13800000009", "黄浦区人民大道2号", 31.231, false),
        "the edit is saved and leaves the default where it was"
    );
    assert_eq!(app.post("/api/update_address", &edit(home, "13800000009", "黄浦区人民大道2号", true), Some(&customer)).await.status, StatusCode::OK);
    let edited = list(customer.clone()).await;
    assert_eq!(edited.iter().map(|a| (a.id, a.is_default)).collect::<Vec<_>>(), [(home, true), (office, false)], "an edit can make it the default");

    assert_eq!(app.post("/api/delete_address", &format!("address_id={office}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/set_default_address", &format!("address_id={office}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(list(customer.clone()).await.len(), 2, "a foreign id changes nothing");
    assert_eq!(app.post("/api/delete_address", &format!("address_id={office}"), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(list(customer).await.len(), 1);
}

// ---------- Pricing strategy and coupons (A2) ----------

fn rules_form(version: i64, peak: &str) -> String {
    form(&[
        ("version", version.to_string()),
        ("peak", peak.into()),
        ("weekend", "1.0".into()),
        ("holidays", "2027-10-01~2027-10-07 国庆节 1.5".into()),
        ("centre_lat", "31.2304".into()),
        ("centre_lng", "121.4737".into()),
        ("free_radius_km", "10".into()),
        ("per_km", "2".into()),
        ("max_fee", "30".into()),
    ])
}

async fn quote_total(app: &TestApp, cookie: &str, service: i64, start: i64, claim: Option<i64>) -> Result<i64, AppError> {
    let mut fields = vec![("service_id", service.to_string()), ("units", "2".into()), ("start", start.to_string()), ("lat", "31.2304".into()), ("lng", "121.4737".into())];
    if let Some(claim) = claim {
        fields.push(("claim_id", claim.to_string()));
    }
    let response = app.post("/api/quote_service", &form(&fields), Some(cookie)).await;
    if response.status != StatusCode::OK {
        return Err(response.error());
    }
    Ok(serde_json::from_str::<pricing::Quote>(&response.body).unwrap().total.get())
}

#[tokio::test]
async fn a_peak_rule_is_quoted_charged_and_never_changes_a_placed_order() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let version = app.state.store.pricing_rules().await.unwrap().unwrap().version;
    let saved = app.post("/api/admin_save_pricing", &rules_form(version, "12:00-13:00 1.5\n18:00-20:00 1.2"), Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    // ¥90 at 12:00 is ×1.5: ¥45 more, itemized; 10:00 stays at list price.
    let noon = beijing(2, 12);
    assert_eq!(quote_total(&app, &customer, service, noon, None).await.unwrap(), 13_500);
    assert_eq!(quote_total(&app, &customer, service, beijing(2, 10), None).await.unwrap(), 9_000);
    let placed = app.post("/api/place_order", &booking(service, noon, 13_500, "31.2304", "121.4737", "黄浦区人民大道1号"), Some(&customer)).await;
    let order_id = match serde_json::from_str::<PlaceOutcome>(&placed.body).unwrap() {
        PlaceOutcome::Placed { order_id } => order_id,
        other => panic!("{other:?}"),
    };

    // The admin drops the rule: the placed order keeps its price and is charged it.
    let version = app.state.store.pricing_rules().await.unwrap().unwrap().version;
    assert_eq!(app.post("/api/admin_save_pricing", &rules_form(version, ""), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(quote_total(&app, &customer, service, noon, None).await.unwrap(), 9_000);
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(order.total_fen, 13_500);
    assert!(order.quote_json.contains("TimeSurcharge"), "{}", order.quote_json);
    pay(&app, order_id).await;
    assert_eq!(state_of(&app, order_id).await, "booked");
    assert_eq!(app.state.store.payment_for_order(order_id).await.unwrap().unwrap().amount_fen, 13_500);
    // Both changes are in the audit log with the old and new rules.
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert!(audit.iter().filter(|a| a.action == "pricing.rules").count() >= 3);
}

#[tokio::test]
async fn bad_pricing_rules_get_a_specific_error_and_change_nothing() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let before = app.state.store.pricing_rules().await.unwrap().unwrap();
    let overlap = app.post("/api/admin_save_pricing", &rules_form(before.version, "17:00-20:00 1.2\n19:00-21:00 1.5"), Some(&admin)).await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(overlap.error(), AppError::InvalidLine { field: Field::PeakWindows, line: 2, msg: Msg::ErrPeakOverlap });
    let absurd = app.post("/api/admin_save_pricing", &rules_form(before.version, "17:00-20:00 12"), Some(&admin)).await;
    assert_eq!(absurd.error(), AppError::InvalidLine { field: Field::PeakWindows, line: 1, msg: Msg::ErrMultiplier });
    // A form read before someone else saved is refused, not merged.
    let stale = app.post("/api/admin_save_pricing", &rules_form(before.version - 1, ""), Some(&admin)).await;
    assert_eq!(stale.error(), AppError::Refused(Msg::ErrPricingStale));
    // Only admins may touch pricing.
    let customer = app.session_for(CUSTOMER).await;
    assert_eq!(app.post("/api/admin_save_pricing", &rules_form(before.version, ""), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    let after = app.state.store.pricing_rules().await.unwrap().unwrap();
    assert_eq!((after.version, after.rules), (before.version, before.rules));
}

fn coupon_form(name: &str, from: &str, to: &str) -> String {
    form(&[
        ("name", name.into()),
        ("kind", "fixed".into()),
        ("value", "10".into()),
        ("min_spend", "80".into()),
        ("valid_from", from.into()),
        ("valid_to", to.into()),
        ("per_user_limit", "1".into()),
        ("total_quantity", "5".into()),
    ])
}

#[tokio::test]
async fn a_claimed_coupon_is_quoted_charged_once_and_refused_to_anyone_else() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let today = app::api::format_beijing(time::OffsetDateTime::now_utc().unix_timestamp())[..10].to_string();
    let backwards = app.post("/api/admin_create_coupon", &coupon_form("双十二", &today, "2020-01-01"), Some(&admin)).await;
    assert_eq!(backwards.error(), AppError::invalid(Field::ValidTo, Msg::ErrCouponEndsBeforeStart));
    let created = app.post("/api/admin_create_coupon", &coupon_form("双十二", &today, "2099-12-31"), Some(&admin)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let coupon_id: i64 = serde_json::from_str(&created.body).unwrap();

    assert_eq!(app.post("/api/claim_coupon", &form(&[("coupon_id", coupon_id.to_string())]), Some(&customer)).await.status, StatusCode::OK);
    let again = app.post("/api/claim_coupon", &form(&[("coupon_id", coupon_id.to_string())]), Some(&customer)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrCouponLimit));
    let claim = app.state.store.customer_claims(app.state.store.credentials_by_phone(&domain::Phone::parse(CUSTOMER).unwrap()).await.unwrap().unwrap().user_id.0).await.unwrap()
        .into_iter().find(|k| k.coupon_id == coupon_id).unwrap().id;

    let start = beijing(2, 10);
    assert_eq!(quote_total(&app, &customer, service, start, Some(claim)).await.unwrap(), 8_000);
    // Someone else's claim is not theirs to quote or use.
    let stranger_phone = "13800009999";
    app.user(stranger_phone, domain::Role::Customer).await;
    let stranger = app.session_for(stranger_phone).await;
    assert_eq!(quote_total(&app, &stranger, service, start, Some(claim)).await, Err(AppError::invalid(Field::Coupon, Msg::ErrCouponNotFound)));

    let with_claim = |start: i64, total: i64| format!("{}&claim_id={claim}", booking(service, start, total, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let placed = app.post("/api/place_order", &with_claim(start, 8_000), Some(&customer)).await;
    let order_id = match serde_json::from_str::<PlaceOutcome>(&placed.body).unwrap() {
        PlaceOutcome::Placed { order_id } => order_id,
        other => panic!("{other:?}"),
    };
    let second = app.post("/api/place_order", &with_claim(beijing(2, 14), 8_000), Some(&customer)).await;
    assert_eq!(second.error(), AppError::invalid(Field::Coupon, Msg::ErrCouponUsed));
    pay(&app, order_id).await;
    assert_eq!(app.state.store.payment_for_order(order_id).await.unwrap().unwrap().amount_fen, 8_000);
    assert_eq!(app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap().len(), 1);
}

/// A coupon is the platform's promotion: the worker is offered, and paid,
/// their share of the price before it, and the platform pays the coupon.
/// (A package price is paid the same way: `ending_a_package_early_…`.)
#[tokio::test]
async fn a_coupon_is_paid_by_the_platform_not_out_of_the_workers_share() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let sessions = vec![(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let service = cleaning_service(&app).await;
    let today = app::api::format_beijing(time::OffsetDateTime::now_utc().unix_timestamp())[..10].to_string();
    let created = app.post("/api/admin_create_coupon", &coupon_form("立减10元", &today, "2099-12-31"), Some(&admin)).await;
    let coupon_id: i64 = serde_json::from_str(&created.body).unwrap_or_else(|e| panic!("{e}: {}", created.body));
    assert_eq!(app.post("/api/claim_coupon", &form(&[("coupon_id", coupon_id.to_string())]), Some(&customer)).await.status, StatusCode::OK);
    let claim = app.state.store.customer_claims(user_id(&app, CUSTOMER).await).await.unwrap().into_iter().find(|k| k.coupon_id == coupon_id).unwrap().id;
    let body = format!("{}&claim_id={claim}", booking(service, beijing(1, 10), 8_000, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let order_id = match serde_json::from_str::<PlaceOutcome>(&app.post("/api/place_order", &body, Some(&customer)).await.body).unwrap() {
        PlaceOutcome::Placed { order_id } => order_id,
        other => panic!("{other:?}"),
    };
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;

    // ¥90 less the ¥10 coupon was paid; the offer shows 80% of ¥90.
    let offered = app.state.store.offers_for_order(order_id).await.unwrap().into_iter().find(|o| o.status == "pending").unwrap().worker_id;
    let token = &sessions.iter().find(|(id, _)| *id == offered).unwrap().1;
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&app.post("/api/workbench", "", Some(token)).await.body).unwrap();
    assert_eq!(bench.offers.iter().find(|o| o.order_id == order_id).map(|o| o.earnings_fen), Some(7_200));
    let before = app.state.store.worker_balance(offered).await.unwrap().available_fen;
    assert_eq!(complete_order(&app, order_id, &sessions).await, offered);

    assert_eq!(app.state.store.worker_balance(offered).await.unwrap().available_fen - before, 7_200);
    let moves = app.state.store.order_ledger(order_id).await.unwrap();
    let amount = |kind: &str, account: &str| moves.iter().filter(|m| m.kind == kind && m.account == account).map(|m| m.amount_fen).sum::<i64>();
    assert_eq!(amount("discount_subsidy", "promotions"), -1_000);
    assert_eq!(amount("completion", "platform_commission"), 1_800);
    assert!(moves.iter().any(|m| m.kind == "completion" && m.memo == "含平台承担的优惠 ¥10.00"), "{moves:?}");

    // 资金总览 counts what the platform paid, and what came in is where it is now.
    assert_eq!(app.post("/api/admin_finance", "", Some(&customer)).await.status, StatusCode::FORBIDDEN);
    let finance: app::api::money::FinanceView = serde_json::from_str(&app.post("/api/admin_finance", "", Some(&admin)).await.body).unwrap();
    let books = finance.books;
    assert_eq!((books.discounts_paid_fen, books.customers_paid_fen, books.platform_income_fen), (1_000, 8_000, 1_800));
    assert_eq!(
        books.customers_paid_fen + books.discounts_paid_fen + books.rewards_paid_fen,
        books.in_escrow_fen + books.refunded_fen + books.platform_income_fen + books.penalties_taken_fen + books.owed_to_workers_fen + books.paid_out_fen
    );
}

#[tokio::test]
async fn a_favorite_worker_who_served_the_customer_is_held_first_next_time() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let (first, li_id) = served_by_zhao(&app, &customer, beijing(1, 9)).await;
    let zhao_id = app.state.store.order(first).await.unwrap().unwrap().worker_id.unwrap();

    // Li only saw an offer: not someone this customer can keep.
    let stranger = app.post("/api/set_favorite_worker", &form(&[("worker_id", li_id.to_string()), ("favorite", "true".into())]), Some(&customer)).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let kept = app.post("/api/set_favorite_worker", &form(&[("worker_id", zhao_id.to_string()), ("favorite", "true".into())]), Some(&customer)).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    let listed: Vec<app::api::catalog::FavoriteWorkerView> =
        serde_json::from_str(&app.post("/api/my_favorite_workers", "", Some(&customer)).await.body).unwrap();
    assert_eq!(listed.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), vec!["赵阿姨"]);

    // Li is nearer, yet a fresh booking holds the favorite first.
    let again = place(&app, &customer, beijing(2, 10)).await;
    assert_eq!(app.state.store.order(again).await.unwrap().unwrap().reserved_worker_id, Some(zhao_id));
    let dropped = app.post("/api/set_favorite_worker", &form(&[("worker_id", zhao_id.to_string()), ("favorite", "false".into())]), Some(&customer)).await;
    assert_eq!(dropped.status, StatusCode::OK);
    let third = place(&app, &customer, beijing(2, 14)).await;
    assert_eq!(app.state.store.order(third).await.unwrap().unwrap().reserved_worker_id, Some(li_id));
}

#[tokio::test]
async fn the_start_reminder_uses_only_the_chosen_channels_and_is_sent_once() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let saved = app.post("/api/save_reminder_prefs", "in_app=on", Some(&customer)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order_id).await;
    app::server::reminders::remind(&app.state, order_id, Reminder::StartSoon).await.unwrap();
    // A retried job sends nothing new.
    app::server::reminders::remind(&app.state, order_id, Reminder::StartSoon).await.unwrap();
    let customer_id = app.state.store.order(order_id).await.unwrap().unwrap().customer_id;
    let sent = app.state.store.messages(customer_id, 10).await.unwrap();
    assert_eq!(sent.iter().map(|m| m.channel.as_str()).collect::<Vec<_>>(), vec!["in_app"]);
    assert!(sent[0].body.contains("日常保洁 · 2小时"), "{}", sent[0].body);
    let view: app::api::account::RemindersView = serde_json::from_str(&app.post("/api/my_reminders", "", Some(&customer)).await.body).unwrap();
    assert_eq!((view.sms, view.in_app, view.messages.len()), (false, true, 1));

    // A cancelled order is not reminded of.
    let cancelled = place(&app, &customer, beijing(2, 10)).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={cancelled}"), Some(&customer)).await.status, StatusCode::OK);
    app::server::reminders::remind(&app.state, cancelled, Reminder::StartSoon).await.unwrap();
    assert_eq!(app.state.store.messages(customer_id, 10).await.unwrap().len(), 1);
    // Another role cannot read or change a customer's reminders.
    let worker = app.session_for(LI).await;
    assert_eq!(app.post("/api/my_reminders", "", Some(&worker)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_sms_reminder_is_texted_to_the_customer_once_through_the_sms_sender() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    assert_eq!(app.post("/api/save_reminder_prefs", "sms=on", Some(&customer)).await.status, StatusCode::OK);
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order_id).await;
    let texts = || app.sms.sent().into_iter().filter(|(_, text)| text.contains("日常保洁 · 2小时")).collect::<Vec<_>>();
    assert!(texts().is_empty());
    app::server::reminders::remind(&app.state, order_id, Reminder::StartSoon).await.unwrap();
    app::server::reminders::remind(&app.state, order_id, Reminder::StartSoon).await.unwrap();
    let sent = texts();
    assert_eq!(sent.len(), 1, "a retried job texts nothing new: {sent:?}");
    assert_eq!(sent[0].0, CUSTOMER);
    assert!(sent[0].1.starts_with("【到家】您预约的日常保洁 · 2小时将于"), "{}", sent[0].1);
    // Turning in-app on afterwards delivers that channel only; the text is not sent again.
    assert_eq!(app.post("/api/save_reminder_prefs", "sms=on&in_app=on", Some(&customer)).await.status, StatusCode::OK);
    app::server::reminders::remind(&app.state, order_id, Reminder::StartSoon).await.unwrap();
    assert_eq!(texts().len(), 1);
    let customer_id = app.state.store.order(order_id).await.unwrap().unwrap().customer_id;
    let channels: Vec<String> = app.state.store.messages(customer_id, 10).await.unwrap().into_iter().filter(|m| m.order_id == Some(order_id)).map(|m| m.channel).collect();
    assert_eq!(channels, ["in_app", "sms"]);
}

/// A booking made days ahead is reminded the day before and again an hour
/// before, each once, by the job runner; a day-before reminder that would
/// come only hours before the start is dropped.
#[tokio::test]
async fn a_booking_made_days_ahead_is_reminded_the_day_before_and_an_hour_before() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    assert_eq!(app.post("/api/save_reminder_prefs", "in_app=on", Some(&customer)).await.status, StatusCode::OK);
    let start = beijing(3, 10);
    let order_id = place(&app, &customer, start).await;
    pay(&app, order_id).await;
    let later = place(&app, &customer, beijing(3, 15)).await;
    pay(&app, later).await;
    let customer_id = app.state.store.order(order_id).await.unwrap().unwrap().customer_id;
    let kinds = || async {
        let sent = app.state.store.messages(customer_id, 10).await.unwrap();
        // The reminders among the order's messages (a day with nobody taking it also brings word of that).
        let reminder = |kind: &str| kind.starts_with("day_before:") || kind.starts_with("start_soon:");
        sent.into_iter().filter(|m| m.order_id == Some(order_id) && reminder(&m.kind)).map(|m| (m.kind, m.body)).collect::<Vec<_>>()
    };
    let move_to = |at: i64| {
        let now = app.state.clock.now().unix_timestamp();
        app.state.clock.advance(Duration::from_secs(u64::try_from(at - now).unwrap()));
    };
    server::jobs::run_due_jobs(&app.state).await;
    assert!(kinds().await.is_empty(), "nothing is due yet");

    move_to(start - 23 * 3600);
    server::jobs::run_due_jobs(&app.state).await;
    let sent = kinds().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, format!("day_before:{start}"));
    assert!(sent[0].1.starts_with("【到家】明日服务提醒：您预约的日常保洁 · 2小时将于"), "{}", sent[0].1);

    move_to(start - 3600 + 60);
    server::jobs::run_due_jobs(&app.state).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(kinds().await.into_iter().map(|(kind, _)| kind).collect::<Vec<_>>(), vec![format!("start_soon:{start}"), format!("day_before:{start}")]);

    // Six hours before the later order, its day-before reminder is too late to send.
    app::server::reminders::remind(&app.state, later, Reminder::DayBefore).await.unwrap();
    let sent = app.state.store.messages(customer_id, 10).await.unwrap();
    assert!(!sent.iter().any(|m| m.order_id == Some(later) && m.kind.starts_with("day_before")), "{sent:?}");
}

/// 改期 after the day-before reminder went out: the customer is reminded
/// again the day before the new time, naming it, and still only once.
#[tokio::test]
async fn an_order_moved_after_its_day_before_reminder_is_reminded_again_of_the_new_time() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    assert_eq!(app.post("/api/save_reminder_prefs", "in_app=on", Some(&customer)).await.status, StatusCode::OK);
    let (from, to) = (beijing(3, 10), beijing(5, 10));
    let order_id = place(&app, &customer, from).await;
    pay(&app, order_id).await;
    let customer_id = app.state.store.order(order_id).await.unwrap().unwrap().customer_id;
    let day_before = || async {
        let sent = app.state.store.messages(customer_id, 10).await.unwrap();
        sent.into_iter().filter(|m| m.order_id == Some(order_id) && m.kind.starts_with("day_before")).map(|m| m.body).collect::<Vec<_>>()
    };
    let move_to = |at: i64| {
        let now = app.state.clock.now().unix_timestamp();
        app.state.clock.advance(Duration::from_secs(u64::try_from(at - now).unwrap()));
    };
    move_to(from - 23 * 3600);
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(day_before().await.len(), 1);

    let moved = app.post("/api/reschedule_order", &reschedule(order_id, to), Some(&customer)).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    move_to(to - 23 * 3600);
    server::jobs::run_due_jobs(&app.state).await;
    server::jobs::run_due_jobs(&app.state).await;
    let sent = day_before().await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].contains(&app::api::format_beijing(to)), "the newest names the new time: {}", sent[0]);
}

#[tokio::test]
async fn chosen_add_ons_are_quoted_and_charged_once_each_and_unknown_ones_refused() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let start = beijing(1, 10);
    let with = |addons: &str, total: i64| format!("{}&{}", booking(service, start, total, "31.2304", "121.4737", "黄浦区人民大道1号"), form(&[("addons", addons.into())]));
    let unknown = app.post("/api/place_order", &with("冰箱内部清洁,钢琴调音", 12_000), Some(&customer)).await;
    assert_eq!(unknown.error(), AppError::invalid(Field::AddOns, Msg::ErrAddOnGone));
    // ¥90 + ¥30 fridge + ¥25 windows.
    let placed = app.post("/api/place_order", &with("冰箱内部清洁,擦窗（3扇内）", 14_500), Some(&customer)).await;
    let Ok(PlaceOutcome::Placed { order_id }) = serde_json::from_str(&placed.body) else { panic!("{}", placed.body) };
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(order.total_fen, 14_500);
    let quote: pricing::Quote = serde_json::from_str(&order.quote_json).unwrap();
    assert_eq!(quote.lines.iter().filter(|l| l.kind == pricing::LineKind::AddOn).count(), 2);
}

fn chain(timeout_secs: i64, max_offers: u32, broadcast_secs: i64) -> Config {
    let mut config = Config::default();
    config.dispatch.policy = dispatch::OfferPolicy { timeout_secs, max_offers, broadcast_secs, lead_hours: 0 };
    config
}

async fn user_id(app: &TestApp, phone: &str) -> i64 {
    app.state.store.credentials_by_phone(&domain::Phone::parse(phone).unwrap()).await.unwrap().unwrap().user_id.0
}

#[tokio::test]
async fn the_offer_chain_times_out_broadcasts_and_escalates_across_a_restart() {
    let app = demo_app(chain(60, 1, 120)).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 11)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    assert_eq!(offers.iter().map(|o| (o.worker_name.as_str(), o.status.as_str(), o.broadcast)).collect::<Vec<_>>(), [("李阿姨", "pending", false)]);

    // The server restarts mid-chain; the offer's deadline passes while it is down.
    let restarted = app.restarted();
    // The test clock runs on from the wall clock: 15 s of margin keeps a slow machine's seconds out of it.
    restarted.state.clock.advance(Duration::from_secs(45));
    assert_eq!(server::jobs::run_due_jobs(&restarted.state).await, 0, "not due before the deadline");
    restarted.state.clock.advance(Duration::from_secs(16));
    server::jobs::run_due_jobs(&restarted.state).await;
    let offers = restarted.state.store.offers_for_order(order_id).await.unwrap();
    let chain: Vec<_> = offers.iter().map(|o| (o.worker_name.as_str(), o.status.as_str(), o.broadcast)).collect();
    assert_eq!(chain, [("李阿姨", "expired", false), ("赵阿姨", "pending", true)], "after one offer, the rest get the broadcast");

    // Passing on a broadcast neither escalates nor re-offers it.
    let zhao = restarted.session_for(ZHAO).await;
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&restarted.post("/api/workbench", "", Some(&zhao)).await.body).unwrap();
    assert!(bench.offers.len() == 1 && bench.offers[0].broadcast, "{bench:?}");
    let pass = restarted.post("/api/respond_offer", &format!("offer_id={}&accept=false", bench.offers[0].offer_id), Some(&zhao)).await;
    assert_eq!(pass.status, StatusCode::OK);
    server::jobs::run_due_jobs(&restarted.state).await;
    assert!(!restarted.state.store.order(order_id).await.unwrap().unwrap().needs_admin);

    restarted.state.clock.advance(Duration::from_secs(121));
    server::jobs::run_due_jobs(&restarted.state).await;
    let order = restarted.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.needs_admin, order.worker_id), ("booked", true, None), "nobody grabbed it: the admin queue");
    let admin = restarted.session_for("13700000000").await;
    // …with an alert: every admin hears of it live, and the menu badge counts it.
    let admin_id = user_id(&restarted, "13700000000").await;
    let alerts = restarted.state.store.live_events_after(admin_id, 0, 100).await.unwrap();
    assert!(alerts.iter().any(|e| e.topic == "queue" && e.order_id == Some(order_id)), "{alerts:?}");
    assert_eq!(restarted.post("/api/admin_queue_size", "", Some(&admin)).await.body, "1");
    assert_eq!(restarted.post("/api/admin_queue_size", "", Some(&zhao)).await.status, StatusCode::FORBIDDEN);
    let view: app::api::ops::AdminOrderView =
        serde_json::from_str(&restarted.post("/api/admin_order", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    assert_eq!(view.offers.iter().filter(|o| o.broadcast).count(), 1);
    assert!(view.offers.iter().all(|o| o.why.starts_with("总分")), "{:?}", view.offers);
}

#[tokio::test]
async fn two_workers_grabbing_one_broadcast_order_at_once_have_exactly_one_winner() {
    // No one-to-one offers: straight to 抢单.
    let app = demo_app(chain(60, 0, 300)).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 13)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    assert_eq!(offers.iter().filter(|o| o.broadcast && o.status == "pending").count(), 2, "both demo workers see it");
    let (li, zhao) = (app.session_for(LI).await, app.session_for(ZHAO).await);
    let grab = |offer_id: i64, cookie: String| {
        let app = &app;
        async move { app.post("/api/respond_offer", &format!("offer_id={offer_id}&accept=true"), Some(&cookie)).await }
    };
    let li_offer = offers.iter().find(|o| o.worker_name == "李阿姨").unwrap().id;
    let zhao_offer = offers.iter().find(|o| o.worker_name == "赵阿姨").unwrap().id;
    let (a, b) = tokio::join!(grab(li_offer, li), grab(zhao_offer, zhao));
    let statuses = [a.status, b.status];
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{} / {}", a.body, b.body);
    let loser = if a.status == StatusCode::OK { b } else { a };
    assert_eq!(loser.error(), AppError::Refused(Msg::ErrGrabbedByOther));
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(order.state, "accepted");
    assert!(order.worker_id == Some(user_id(&app, LI).await) || order.worker_id == Some(user_id(&app, ZHAO).await));
    assert_eq!(app.state.store.order_events(order_id).await.unwrap().iter().filter(|e| e.to_state == "accepted").count(), 1);
}

#[tokio::test]
async fn a_worker_cannot_grab_an_order_they_could_not_reach_in_time_after_another_but_a_free_worker_can() {
    let app = demo_app(chain(60, 0, 300)).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    // 13:00–15:00 at 人民广场, then 15:00–17:00 five kilometres north: about
    // a quarter of an hour on the road, and no time between them.
    let first = place(&app, &customer, beijing(1, 13)).await;
    let response = app.post("/api/place_order", &booking(service, beijing(1, 15), 9000, "31.2754", "121.4737", "静安区共和新路1号"), Some(&customer)).await;
    let second = match serde_json::from_str::<PlaceOutcome>(&response.body) {
        Ok(PlaceOutcome::Placed { order_id }) => order_id,
        other => panic!("not placed: {other:?} {}", response.body),
    };
    pay(&app, first).await;
    pay(&app, second).await;
    server::jobs::run_due_jobs(&app.state).await;
    let (li, zhao) = (app.session_for(LI).await, app.session_for(ZHAO).await);
    let broadcast_to = |offers: &[store::OfferRecord], name: &str| offers.iter().find(|o| o.broadcast && o.worker_name == name).map(|o| o.id).unwrap();
    let first_offers = app.state.store.offers_for_order(first).await.unwrap();
    let second_offers = app.state.store.offers_for_order(second).await.unwrap();
    let grab = |offer_id: i64, cookie: String| {
        let app = &app;
        async move { app.post("/api/respond_offer", &format!("offer_id={offer_id}&accept=true"), Some(&cookie)).await }
    };

    assert_eq!(grab(broadcast_to(&first_offers, "李阿姨"), li.clone()).await.status, StatusCode::OK);
    let refused = grab(broadcast_to(&second_offers, "李阿姨"), li).await;
    assert_eq!(refused.error(), AppError::Refused(Msg::ErrNoTimeToTravel), "{}", refused.body);
    let order = app.state.store.order(second).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.worker_id), ("booked", None), "the refusal changed nothing");
    assert_eq!(grab(broadcast_to(&second_offers, "赵阿姨"), zhao).await.status, StatusCode::OK);
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().worker_id, Some(user_id(&app, ZHAO).await));
}

#[tokio::test]
async fn assigning_a_worker_who_refused_needs_the_override_which_is_kept_with_the_order_and_shown_to_admins_only() {
    let app = demo_app(chain(60, 3, 0)).await;
    let customer = app.session_for(CUSTOMER).await;
    let order_id = place(&app, &customer, beijing(1, 15)).await;
    pay(&app, order_id).await;
    let sessions = [(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    // Both workers say no, one after the other: the order lands in the admin queue.
    for _ in 0..3 {
        server::jobs::run_due_jobs(&app.state).await;
        for offer in app.state.store.offers_for_order(order_id).await.unwrap().into_iter().filter(|o| o.status == "pending") {
            let (_, session) = sessions.iter().find(|(id, _)| *id == offer.worker_id).unwrap();
            let no = app.post("/api/respond_offer", &format!("offer_id={}&accept=false", offer.id), Some(session)).await;
            assert_eq!(no.status, StatusCode::OK, "{}", no.body);
        }
    }
    assert!(app.state.store.order(order_id).await.unwrap().unwrap().needs_admin);

    // Each step of the chain is on record with everyone it considered then.
    let admin = app.session_for("13700000000").await;
    let view: app::api::ops::AdminOrderView =
        serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    let outcomes: Vec<(&str, bool)> = view.decisions.iter().map(|d| (d.outcome.as_str(), d.offered_to.is_some())).collect();
    assert_eq!(outcomes, [("offer", true), ("offer", true), ("escalate", false)]);
    assert_eq!(view.decisions[0].ranked.len(), 2, "both were eligible at first");
    assert!(view.decisions[0].ranked[0].1.starts_with("总分"), "{:?}", view.decisions[0].ranked);
    let last = &view.decisions[2];
    assert!(last.ranked.is_empty());
    assert_eq!((last.eligible_count, last.excluded_count), (0, 2));
    let mut excluded = last.excluded.clone();
    excluded.sort();
    assert_eq!(excluded, [("李阿姨".to_string(), "已拒绝过此单".to_string()), ("赵阿姨".to_string(), "已拒绝过此单".to_string())]);

    let zhao = sessions[1].0;
    let customer_id = user_id(&app, CUSTOMER).await;
    let assign = |worker: i64, force: bool| {
        let (app, admin) = (&app, &admin);
        async move { app.post("/api/admin_assign", &format!("order_id={order_id}&worker_id={worker}&override_rules={force}"), Some(admin)).await }
    };
    assert_eq!(assign(customer_id, true).await.error(), AppError::Refused(Msg::ErrAssignNotQualified), "a customer is no worker");
    assert_eq!(assign(zhao, false).await.error(), AppError::Refused(Msg::ErrAssignNeedsOverride), "赵阿姨 refused it");
    assert_eq!(state_of(&app, order_id).await, "booked", "refusals changed nothing");
    let forced = assign(zhao, true).await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.body);
    assert_eq!(app.state.store.order(order_id).await.unwrap().unwrap().worker_id, Some(zhao));

    let events = app.state.store.order_events(order_id).await.unwrap();
    let assigned = events.iter().find(|e| e.kind == "assign").unwrap();
    assert_eq!(assigned.detail, "强制指派：已拒绝过此单", "the override is kept with the change itself");
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(5)).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "assign_order" && a.detail.contains("已拒绝过此单")), "{audit:?}");
    let timeline_detail = |cookie: String| {
        let app = &app;
        async move {
            let view: app::api::orders::OrderView =
                serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&cookie)).await.body).unwrap();
            view.timeline.into_iter().find(|e| e.kind == "assign").unwrap().detail
        }
    };
    assert_eq!(timeline_detail(customer.clone()).await, "", "the customer is not shown which rules were overridden");
    assert_eq!(timeline_detail(admin.clone()).await, "强制指派：已拒绝过此单");
}

#[tokio::test]
async fn dispatch_settings_are_admin_only_checked_per_field_and_used_for_the_next_offer() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let settings = |version: i64, travel: &str, max_offers: &str| {
        form(&[
            ("lead_hours", "0".into()),
            ("version", version.to_string()),
            ("travel", travel.into()),
            ("rating", "0.3".into()),
            ("tier", "0.15".into()),
            ("fairness", "0.05".into()),
            ("acceptance", "0.05".into()),
            ("affinity", "0.3".into()),
            ("load", "0".into()),
            ("timeout_secs", "90".into()),
            ("max_offers", max_offers.into()),
            ("broadcast_secs", "600".into()),
        ])
    };
    let refused = app.post("/api/admin_save_dispatch", &settings(0, "0.15", "2"), Some(&customer)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = app.post("/api/admin_save_dispatch", &settings(0, "-1", "2"), Some(&admin)).await;
    assert_eq!((bad.status, bad.error()), (StatusCode::UNPROCESSABLE_ENTITY, AppError::invalid(Field::WeightTravel, Msg::ErrWeight)));
    let bad = app.post("/api/admin_save_dispatch", &settings(0, "0.15", "30"), Some(&admin)).await;
    assert_eq!(bad.error(), AppError::invalid(Field::MaxOffers, Msg::ErrMaxOffers));
    let bad = app.post("/api/admin_save_dispatch", &settings(0, "0.15", "2").replace("lead_hours=0", "lead_hours=73"), Some(&admin)).await;
    assert_eq!(bad.error(), AppError::invalid(Field::OfferLead, Msg::ErrOfferLead));
    assert!(app.state.store.dispatch_settings().await.unwrap().is_none(), "bad input changes nothing");

    let saved = app.post("/api/admin_save_dispatch", &settings(0, "0.15", "2"), Some(&admin)).await;
    assert_eq!((saved.status, saved.body.as_str()), (StatusCode::OK, "1"));
    let stale = app.post("/api/admin_save_dispatch", &settings(0, "0.5", "2"), Some(&admin)).await;
    assert_eq!(stale.error(), AppError::Refused(Msg::ErrDispatchStale));
    let view: app::api::dispatching::DispatchAdminView = serde_json::from_str(&app.post("/api/admin_dispatch_settings", "", Some(&admin)).await.body).unwrap();
    assert_eq!((view.version, view.form.travel.as_str(), view.form.timeout_secs.as_str()), (1, "0.15", "90"));
    assert_eq!(view.presets.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["均衡", "客户优先", "效率优先"]);

    // The next offer uses the saved timeout.
    let order_id = place(&app, &customer, beijing(1, 15)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
    assert_eq!((offer.deadline - offer.offered_at).whole_seconds(), 90);
}

#[tokio::test]
async fn the_day_plan_moves_a_waiting_order_to_the_nearer_free_worker_and_applying_assigns_it() {
    let app = demo_app(chain(600, 3, 300)).await;
    let customer = app.session_for(CUSTOMER).await;
    let admin = app.session_for("13700000000").await;
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    // Li, who lives at the address, holds an unpaid order at 13:00, so the
    // next booking then is held by Zhao, 2 km away; then the first is cancelled.
    let first = place(&app, &customer, beijing(1, 13)).await;
    let second = place(&app, &customer, beijing(1, 13)).await;
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().reserved_worker_id, Some(zhao));
    pay(&app, second).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={first}"), Some(&customer)).await.status, StatusCode::OK);
    // Li already accepted a morning order: it stays hers whatever the plan.
    let morning = place(&app, &customer, beijing(1, 9)).await;
    pay(&app, morning).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(morning).await.unwrap().remove(0);
    assert_eq!(offer.worker_id, li);
    app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&app.session_for(LI).await)).await;

    let date = app::api::format_beijing(beijing(1, 12)).chars().take(10).collect::<String>();
    let refused = app.post("/api/admin_day_plan", &format!("date={date}"), Some(&customer)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = app.post("/api/admin_day_plan", "date=明天", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let plan: app::api::dispatching::DayPlanView =
        serde_json::from_str(&app.post("/api/admin_day_plan", &format!("date={date}"), Some(&admin)).await.body).unwrap();
    let route_of = |id: i64| plan.routes.iter().find(|r| r.stops.iter().any(|s| s.order_id == id)).map(|r| r.worker_id);
    assert_eq!(route_of(morning), Some(li), "accepted orders never move");
    assert_eq!(route_of(second), Some(li), "the waiting order goes to the worker at the address");
    assert!(plan.routes.iter().flat_map(|r| &r.stops).any(|s| s.order_id == morning && s.fixed && !s.moved));
    assert_eq!((plan.change_count, plan.changes.clone()), (1, format!("{second}:{li}")));
    assert!(plan.unplanned.is_empty());
    assert!(plan.km_planned.parse::<f64>().unwrap() < plan.km_now.parse::<f64>().unwrap(), "{} → {}", plan.km_now, plan.km_planned);

    let applied = app.post("/api/admin_apply_plan", &format!("date={date}&changes={}", plan.changes.replace(',', "%2C").replace(':', "%3A")), Some(&admin)).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let applied: app::api::dispatching::AppliedPlan = serde_json::from_str(&applied.body).unwrap();
    assert_eq!((applied.assigned, applied.skipped), (1, 0));
    let order = app.state.store.order(second).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.worker_id), ("accepted", Some(li)));
    assert!(app.state.store.offers_for_order(second).await.unwrap().iter().all(|o| o.status != "pending"), "Zhao's open offer is withdrawn");
    // Applying the same plan again changes nothing.
    let again = app.post("/api/admin_apply_plan", &format!("date={date}&changes={second}%3A{zhao}"), Some(&admin)).await;
    let again: app::api::dispatching::AppliedPlan = serde_json::from_str(&again.body).unwrap();
    assert_eq!((again.assigned, again.skipped), (0, 1));
}

#[tokio::test]
async fn a_gender_preference_limits_slots_and_dispatch_to_workers_of_that_gender() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let slots = |gender: &str| {
        let form = format!("service_id={service}&units=2&lat=31.2304&lng=121.4737&worker_gender={gender}");
        let app = &app;
        let customer = customer.clone();
        async move { app.post("/api/booking_slots", &form, Some(&customer)).await }
    };
    let bookable = |body: &str| {
        let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(body).unwrap();
        days.iter().flat_map(|d| &d.slots).filter(|s| s.available).count()
    };
    // Both demo workers are women.
    assert!(bookable(&slots("female").await.body) > 0);
    assert_eq!(bookable(&slots("male").await.body), 0);
    let bad = slots("robot").await;
    assert_eq!(bad.error(), AppError::invalid(Field::Gender, Msg::ErrGenderPreference));

    let place_with = |gender: &str| format!("{}&worker_gender={gender}", booking(service, beijing(1, 10), 9000, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let refused = app.post("/api/place_order", &place_with("male"), Some(&customer)).await;
    assert_eq!(refused.error(), AppError::invalid(Field::Slot, Msg::ErrSlotUnavailable));
    let placed = app.post("/api/place_order", &place_with("female"), Some(&customer)).await;
    let PlaceOutcome::Placed { order_id } = serde_json::from_str(&placed.body).unwrap() else { panic!("{}", placed.body) };
    assert_eq!(app.state.store.order(order_id).await.unwrap().unwrap().worker_gender.as_deref(), Some("female"));
    let orders = app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap();
    assert_eq!(orders.len(), 1, "the refused booking left nothing behind");
}

#[tokio::test]
async fn an_admin_reassigning_while_the_worker_accepts_ends_in_one_outcome_and_both_are_told() {
    for round in 0..4 {
        let app = demo_app(Config::default()).await;
        let customer = app.session_for(CUSTOMER).await;
        let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
        let order_id = place(&app, &customer, beijing(1, 9 + round)).await;
        pay(&app, order_id).await;
        server::jobs::run_due_jobs(&app.state).await;
        let offer = app.state.store.offers_for_order(order_id).await.unwrap().remove(0);
        assert_eq!(offer.worker_id, li);
        let (li_session, admin) = (app.session_for(LI).await, app.session_for("13700000000").await);
        let (accept_form, assign_form) = (format!("offer_id={}&accept=true", offer.id), format!("order_id={order_id}&worker_id={zhao}"));
        let accept = app.post("/api/respond_offer", &accept_form, Some(&li_session));
        let assign = app.post("/api/admin_assign", &assign_form, Some(&admin));
        let (accepted, assigned) = tokio::join!(accept, assign);

        let order = app.state.store.order(order_id).await.unwrap().unwrap();
        let events = app.state.store.order_events(order_id).await.unwrap();
        let out_of_booked: Vec<_> = events.iter().filter(|e| e.from_state.as_deref() == Some("booked")).collect();
        assert_eq!(out_of_booked.len(), 1, "one outcome: {events:?}");
        match (accepted.status, assigned.status) {
            // The admin came second and reassigned Li's accepted order.
            (StatusCode::OK, StatusCode::OK) => assert_eq!(order.worker_id, Some(zhao)),
            (StatusCode::OK, _) => {
                assert_eq!(assigned.error(), AppError::StaleOrder, "{}", assigned.body);
                assert_eq!(order.worker_id, Some(li));
            }
            (_, StatusCode::OK) => {
                assert_eq!(accepted.error(), AppError::Refused(Msg::ErrOfferGone), "{}", accepted.body);
                assert_eq!(order.worker_id, Some(zhao));
            }
            other => panic!("neither went through: {other:?} {} {}", accepted.body, assigned.body),
        }
        assert_eq!(order.state, "accepted");
        // The loser was told by its answer; the customer, Li (whose offer
        // went either way) and whoever holds the order now hear about it live.
        for user in [li, order.worker_id.unwrap(), user_id(&app, CUSTOMER).await] {
            let events = app.state.store.live_events_after(user, 0, 100).await.unwrap();
            assert!(events.iter().any(|e| e.order_id == Some(order_id)), "user {user} not told");
        }
    }
}

#[tokio::test]
async fn a_category_that_requires_a_certificate_is_only_offered_to_workers_with_an_accepted_one_for_that_category() {
    let app = demo_app(Config::default()).await;
    let (customer, admin) = (app.session_for(CUSTOMER).await, app.session_for("13700000000").await);
    let category = app.state.store.categories().await.unwrap().into_iter().find(|c| c.code == "daily_cleaning").unwrap().id;
    let require = format!("id={category}&required=true");
    assert_eq!(app.post("/api/admin_set_category_certificate", &require, Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_set_category_certificate", &require, Some(&admin)).await.status, StatusCode::OK);
    assert!(app.state.store.audit_entries(&store::AuditFilter::newest(5)).await.unwrap().iter().any(|a| a.action == "category_certificate_required"));

    // Neither demo worker has a certificate on file: nothing to book.
    let service = cleaning_service(&app).await;
    let booking_form = booking(service, beijing(1, 10), 9000, "31.2304", "121.4737", "黄浦区人民大道1号");
    let refused = app.post("/api/place_order", &booking_form, Some(&customer)).await;
    assert_eq!(refused.error(), AppError::invalid(Field::Slot, Msg::ErrSlotUnavailable));

    // Both demo workers are approved, so a certificate they file now waits for an admin.
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let (li_session, zhao_session) = (app.session_for(LI).await, app.session_for(ZHAO).await);
    let filed = app.upload_document("qualification", Some("daily_cleaning"), &png(), &li_session).await;
    assert_eq!(filed.headers[header::LOCATION], "/worker/apply?uploaded=qualification");
    let refused_photo = app.upload_document("photo", None, &png(), &li_session).await;
    assert_eq!(refused_photo.headers[header::LOCATION], "/worker/apply?kind=photo&upload_error=locked", "only certificates after approval");
    app.upload_document("qualification", Some("maternity_nanny"), &png(), &zhao_session).await;
    app.upload_document("qualification", Some("daily_cleaning"), &png(), &zhao_session).await;
    let pending = app.post("/api/place_order", &booking_form, Some(&customer)).await;
    assert_eq!(pending.error(), AppError::invalid(Field::Slot, Msg::ErrSlotUnavailable), "a certificate under review does not count");
    let uncertified = |session: String| {
        let app = &app;
        async move {
            let view: app::api::work::WorkerSettingsView = serde_json::from_str(&app.post("/api/worker_settings", "", Some(&session)).await.body).unwrap();
            view.uncertified
        }
    };
    assert_eq!(uncertified(li_session.clone()).await, ["daily_cleaning"], "her settings warn that 日常保洁 needs an accepted certificate");

    // Only an admin reviews; a rejection needs a reason the worker sees.
    let certificate = |worker: i64, category: &'static str| {
        let app = &app;
        async move {
            let documents = app.state.store.worker_documents(worker).await.unwrap();
            documents.into_iter().find(|d| d.category_code.as_deref() == Some(category)).unwrap().id
        }
    };
    let decide = |worker: i64, document: i64, decision: &str, note: &str| {
        form(&[("worker_id", worker.to_string()), ("document_id", document.to_string()), ("decision", decision.into()), ("note", note.into())])
    };
    let li_cleaning = certificate(li, "daily_cleaning").await;
    for outsider in [&customer, &li_session] {
        let refused = app.post("/api/admin_review_certificate", &decide(li, li_cleaning, "accept", ""), Some(outsider)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    let zhao_cleaning = certificate(zhao, "daily_cleaning").await;
    let no_reason = app.post("/api/admin_review_certificate", &decide(zhao, zhao_cleaning, "reject", " "), Some(&admin)).await;
    assert_eq!(no_reason.error(), AppError::invalid(Field::Review, Msg::ErrReasonRequired));
    let wrong_worker = app.post("/api/admin_review_certificate", &decide(li, zhao_cleaning, "accept", ""), Some(&admin)).await;
    assert_eq!(wrong_worker.error(), AppError::Refused(Msg::ErrCertificateNotPending), "a document is reviewed as its own worker's");
    let rejected = app.post("/api/admin_review_certificate", &decide(zhao, zhao_cleaning, "reject", "证书照片看不清"), Some(&admin)).await;
    assert_eq!(rejected.status, StatusCode::OK);
    let zhao_nanny = certificate(zhao, "maternity_nanny").await;
    for (worker, document) in [(li, li_cleaning), (zhao, zhao_nanny)] {
        assert_eq!(app.post("/api/admin_review_certificate", &decide(worker, document, "accept", ""), Some(&admin)).await.status, StatusCode::OK);
    }
    let again = app.post("/api/admin_review_certificate", &decide(li, li_cleaning, "reject", "重复"), Some(&admin)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrCertificateNotPending));
    assert!(uncertified(li_session.clone()).await.is_empty());
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "certificate_accepted").count(), 2);
    assert_eq!(audit.iter().filter(|a| a.action == "certificate_rejected").count(), 1);
    let zhao_view: app::api::onboarding::ApplicationView =
        serde_json::from_str(&app.post("/api/my_application", "", Some(&zhao_session)).await.body).unwrap();
    let reviews: Vec<_> = zhao_view.documents.iter().filter(|d| d.category.is_some()).map(|d| (d.category.clone().unwrap(), d.review.clone())).collect();
    assert_eq!(
        reviews,
        [
            ("月嫂服务".to_string(), app::api::onboarding::DocReview::Accepted),
            ("日常保洁".to_string(), app::api::onboarding::DocReview::Rejected { note: "证书照片看不清".into() }),
        ]
    );

    // Li's accepted cleaning certificate makes her the one qualified worker;
    // Zhao's accepted one is for 月嫂, and the admin sees why it does not count.
    let order_id = place(&app, &customer, beijing(1, 10)).await;
    assert_eq!(app.state.store.order(order_id).await.unwrap().unwrap().reserved_worker_id, Some(li));
    let view: app::api::ops::AdminOrderView =
        serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={order_id}"), Some(&admin)).await.body).unwrap();
    let zhao = view.candidates.iter().find(|c| c.name == "赵阿姨").unwrap();
    assert_eq!(zhao.failures, ["没有该类服务的资格证书"]);
    assert!(view.candidates.iter().find(|c| c.name == "李阿姨").unwrap().failures.is_empty());
}

/// The Beijing calendar date `days` from today, as the date input sends it.
fn beijing_day(days: i64) -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap());
    (now + time::Duration::days(days)).date().to_string()
}

#[tokio::test]
async fn a_renewed_health_certificate_states_a_valid_expiry_and_nobody_is_sent_work_after_theirs_lapses() {
    let app = demo_app(Config::default()).await;
    let (customer, admin) = (app.session_for(CUSTOMER).await, app.session_for("13700000000").await);
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let li_session = app.session_for(LI).await;
    let filed_before = app.state.store.worker_documents(li).await.unwrap().len();

    // The expiry is checked before anything is stored.
    let yesterday = beijing_day(-1);
    for (fields, code) in [
        (vec![], "expiry_missing"),
        (vec![("expires_on", "2027-02-30")], "expiry_invalid"),
        (vec![("expires_on", "2999-01-01")], "expiry_invalid"),
        (vec![("expires_on", yesterday.as_str())], "expired"),
    ] {
        let refused = app.upload_document_with("health", &fields, &png(), &li_session).await;
        assert_eq!(refused.headers[header::LOCATION], format!("/worker/apply?kind=health&upload_error={code}"), "{fields:?}");
    }
    assert_eq!(app.state.store.worker_documents(li).await.unwrap().len(), filed_before, "a refused upload stores nothing");

    // Li has already accepted an order the day after tomorrow.
    accepted_by_li(&app, &customer, beijing(2, 10), &li_session).await;

    // She renews her 健康证, valid through tomorrow; it counts once an admin accepts it.
    let tomorrow = beijing_day(1);
    let filed = app.upload_document_with("health", &[("expires_on", tomorrow.as_str())], &png(), &li_session).await;
    assert_eq!(filed.headers[header::LOCATION], "/worker/apply?uploaded=health");
    let renewal = app.state.store.worker_documents(li).await.unwrap().into_iter().find(|d| d.kind == "health" && d.review_state == "pending").unwrap();
    assert_eq!(renewal.expires_on.as_deref(), Some(tomorrow.as_str()));
    let decide = |document: i64, decision: &str, note: &str| {
        form(&[("worker_id", li.to_string()), ("document_id", document.to_string()), ("decision", decision.into()), ("note", note.into())])
    };
    assert_eq!(app.post("/api/admin_review_certificate", &decide(renewal.id, "accept", ""), Some(&admin)).await.status, StatusCode::OK);
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&app.post("/api/workbench", "", Some(&li_session)).await.body).unwrap();
    assert_eq!(
        bench.health,
        Some(app::api::work::HealthNotice { valid_through: tomorrow.clone(), expired: false, orders_after: 1 }),
        "her workbench warns her, and that an accepted order falls after it"
    );

    // Tomorrow she is sent work; the day after, her certificate has lapsed and Zhao is.
    let covered = place(&app, &customer, beijing(1, 10)).await;
    assert_eq!(app.state.store.order(covered).await.unwrap().unwrap().reserved_worker_id, Some(li));
    let lapsed = place(&app, &customer, beijing(2, 15)).await;
    assert_eq!(app.state.store.order(lapsed).await.unwrap().unwrap().reserved_worker_id, Some(zhao));
    let view: app::api::ops::AdminOrderView =
        serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={lapsed}"), Some(&admin)).await.body).unwrap();
    assert_eq!(view.candidates.iter().find(|c| c.name == "李阿姨").unwrap().failures, ["健康证已过期"]);
    let apply: app::api::onboarding::ApplicationView = serde_json::from_str(&app.post("/api/my_application", "", Some(&li_session)).await.body).unwrap();
    let shown = apply.documents.iter().find(|d| d.id == renewal.id).unwrap();
    assert_eq!((shown.expires_on.as_deref(), shown.expired, &shown.review), (Some(tomorrow.as_str()), false, &app::api::onboarding::DocReview::Accepted));
}

#[tokio::test]
async fn an_admin_withdraws_an_accepted_qualification_certificate_with_a_reason_and_it_stops_counting() {
    let app = demo_app(Config::default()).await;
    let (customer, admin) = (app.session_for(CUSTOMER).await, app.session_for("13700000000").await);
    let li = user_id(&app, LI).await;
    let li_session = app.session_for(LI).await;
    let category = app.state.store.categories().await.unwrap().into_iter().find(|c| c.code == "daily_cleaning").unwrap().id;
    assert_eq!(app.post("/api/admin_set_category_certificate", &format!("id={category}&required=true"), Some(&admin)).await.status, StatusCode::OK);
    let in_a_year = beijing_day(365);
    let fields = [("category", "daily_cleaning"), ("expires_on", in_a_year.as_str())];
    assert_eq!(app.upload_document_with("qualification", &fields, &png(), &li_session).await.headers[header::LOCATION], "/worker/apply?uploaded=qualification");
    let document = app.state.store.worker_documents(li).await.unwrap().into_iter().find(|d| d.kind == "qualification").unwrap().id;
    let decide = |decision: &str, note: &str| {
        form(&[("worker_id", li.to_string()), ("document_id", document.to_string()), ("decision", decision.into()), ("note", note.into())])
    };
    let not_yet = app.post("/api/admin_review_certificate", &decide("revoke", "证书编号查无此证"), Some(&admin)).await;
    assert_eq!(not_yet.error(), AppError::Refused(Msg::ErrCertificateNotAccepted), "only an accepted certificate is withdrawn");
    assert_eq!(app.post("/api/admin_review_certificate", &decide("accept", ""), Some(&admin)).await.status, StatusCode::OK);
    let order = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order).await.unwrap().remove(0);
    assert_eq!(offer.worker_id, li, "the one certified worker is offered it");
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&li_session)).await.status, StatusCode::OK);

    for outsider in [&customer, &li_session] {
        assert_eq!(app.post("/api/admin_review_certificate", &decide("revoke", "查无此证"), Some(outsider)).await.status, StatusCode::FORBIDDEN);
    }
    let no_reason = app.post("/api/admin_review_certificate", &decide("revoke", "  "), Some(&admin)).await;
    assert_eq!(no_reason.error(), AppError::invalid(Field::Review, Msg::ErrReasonRequired));
    let withdrawn = app.post("/api/admin_review_certificate", &decide("revoke", "证书编号查无此证"), Some(&admin)).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let decided: app::api::onboarding::CertificateDecided = serde_json::from_str(&withdrawn.body).unwrap();
    let order_no = app.state.store.order(order).await.unwrap().unwrap().order_no;
    assert_eq!(
        decided.to_reassign.iter().map(|o| (o.order_id, o.order_no.clone())).collect::<Vec<_>>(),
        [(order, order_no)],
        "the admin is told which accepted order needed the certificate"
    );
    assert_eq!(state_of(&app, order).await, "accepted", "it stays hers until the admin reassigns it");
    let again = app.post("/api/admin_review_certificate", &decide("revoke", "重复"), Some(&admin)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrCertificateNotAccepted));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "certificate_revoked").count(), 1);

    let apply: app::api::onboarding::ApplicationView = serde_json::from_str(&app.post("/api/my_application", "", Some(&li_session)).await.body).unwrap();
    let shown = apply.documents.iter().find(|d| d.id == document).unwrap();
    assert_eq!(shown.review, app::api::onboarding::DocReview::Withdrawn { note: "证书编号查无此证".into() }, "she reads why");
    let booking_form = booking(cleaning_service(&app).await, beijing(2, 10), 9000, "31.2304", "121.4737", "黄浦区人民大道1号");
    let refused = app.post("/api/place_order", &booking_form, Some(&customer)).await;
    assert_eq!(refused.error(), AppError::invalid(Field::Slot, Msg::ErrSlotUnavailable), "nobody else holds a cleaning certificate");
}

#[tokio::test]
async fn an_order_not_yet_offered_is_re_planned_to_the_nearer_worker_and_offered_the_lead_before_it_starts() {
    let mut config = chain(600, 3, 300);
    config.dispatch.policy.lead_hours = 24;
    let app = demo_app(config).await;
    let customer = app.session_for(CUSTOMER).await;
    let admin = app.session_for("13700000000").await;
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    // Li lives at the address, but an unpaid order holds her at 13:00 in
    // three days, so the next booking then is held by Zhao, 2 km away.
    let start = beijing(3, 13);
    let first = place(&app, &customer, start).await;
    let second = place(&app, &customer, start).await;
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().reserved_worker_id, Some(zhao));
    pay(&app, second).await;
    server::jobs::run_due_jobs(&app.state).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert!(app.state.store.offers_for_order(second).await.unwrap().is_empty(), "nobody is asked three days ahead");
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={second}"), Some(&customer)).await.body).unwrap();
    assert_eq!(view.offer_at, Some(start - 86_400), "the customer is told when a worker will be confirmed");
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().reserved_worker_id, Some(zhao), "Li is still busy");

    // Li's time frees up; the next planning round gives her the order.
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={first}"), Some(&customer)).await.status, StatusCode::OK);
    // The test clock runs on from the wall clock: 30 s of margin keeps a slow machine's seconds out of it.
    app.state.clock.advance(Duration::from_secs(570));
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().reserved_worker_id, Some(zhao), "not due yet");
    app.state.clock.advance(Duration::from_secs(31));
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(app.state.store.order(second).await.unwrap().unwrap().reserved_worker_id, Some(li), "re-planned to the nearer worker");
    assert!(app.state.store.offers_for_order(second).await.unwrap().is_empty(), "still nobody is asked");
    let admin_view: app::api::ops::AdminOrderView =
        serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={second}"), Some(&admin)).await.body).unwrap();
    let replan = &admin_view.replans[..];
    assert_eq!(replan.len(), 1, "{replan:?}");
    assert_eq!((replan[0].from_name.as_str(), replan[0].to_name.as_str()), ("赵阿姨", "李阿姨"));
    let (before, after) = replan[0].km.clone().expect("a day plan's move says what it saved");
    assert!(after.parse::<f64>().unwrap() < before.parse::<f64>().unwrap(), "{replan:?}");
    assert_eq!(admin_view.detail.offer_at, Some(start - 86_400));
    assert_eq!(admin_view.holder_name.as_deref(), Some("李阿姨"));

    // 24 hours before the start the offer chain begins, with the planned worker.
    let until_offer = start - 86_400 - app.state.clock.now().unix_timestamp();
    app.state.clock.advance(Duration::from_secs(u64::try_from(until_offer).unwrap() + 1));
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(second).await.unwrap();
    assert_eq!(offers.iter().map(|o| (o.worker_id, o.status.as_str())).collect::<Vec<_>>(), [(li, "pending")]);
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={second}"), Some(&customer)).await.body).unwrap();
    assert_eq!(view.offer_at, None);
    // Once offered, the planner leaves it alone and stops re-planning the day.
    app.state.clock.advance(Duration::from_secs(700));
    server::jobs::run_due_jobs(&app.state).await;
    let replans = app.state.store.order_replans(second).await.unwrap();
    assert_eq!(replans.len(), 1);
}

#[tokio::test]
async fn a_booking_only_a_held_worker_can_reach_is_placed_by_moving_a_hold_nobody_was_offered() {
    let mut config = chain(600, 3, 300);
    config.dispatch.policy.lead_hours = 24;
    let app = demo_app(config).await;
    let customer = app.session_for(CUSTOMER).await;
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let start = beijing(3, 10);
    // Li holds a paid order at her own address, not yet offered to anyone.
    let near = place(&app, &customer, start).await;
    assert_eq!(app.state.store.order(near).await.unwrap().unwrap().reserved_worker_id, Some(li));
    pay(&app, near).await;
    server::jobs::run_due_jobs(&app.state).await;
    assert!(app.state.store.offers_for_order(near).await.unwrap().is_empty());
    // An address 19 km north-east of Li: inside her 20 km, outside Zhao's.
    let (lat, lng) = ("31.3245", "121.6429");
    let far = dispatch::GeoPoint::new(31.3245, 121.6429);
    assert!(dispatch::distance_km(dispatch::GeoPoint::new(31.2304, 121.4737), far) < 20.0);
    assert!(dispatch::distance_km(dispatch::GeoPoint::new(31.2200, 121.4550), far) > 20.0);

    // The calendar offers 10:00 there: Zhao can take the near order instead.
    let service = cleaning_service(&app).await;
    let slots = app.post("/api/booking_slots", &form(&[("service_id", service.to_string()), ("units", "2".into()), ("lat", lat.into()), ("lng", lng.into())]), Some(&customer)).await;
    let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(&slots.body).unwrap_or_else(|e| panic!("{e}: {}", slots.body));
    let slot = days.iter().flat_map(|d| &d.slots).find(|s| s.start == start).expect("the 10:00 slot");
    assert!(slot.available, "{slot:?}");

    let quoted = app.post("/api/place_order", &booking(service, start, 0, lat, lng, "浦东新区张江路1号"), Some(&customer)).await;
    let total = match serde_json::from_str::<PlaceOutcome>(&quoted.body).unwrap() {
        PlaceOutcome::QuoteChanged { quote } => quote.total.get(),
        other => panic!("{other:?}"),
    };
    let placed = app.post("/api/place_order", &booking(service, start, total, lat, lng, "浦东新区张江路1号"), Some(&customer)).await;
    let order_id = match serde_json::from_str::<PlaceOutcome>(&placed.body).unwrap_or_else(|e| panic!("{e}: {}", placed.body)) {
        PlaceOutcome::Placed { order_id } => order_id,
        other => panic!("{other:?}"),
    };
    assert_eq!(app.state.store.order(order_id).await.unwrap().unwrap().reserved_worker_id, Some(li));
    assert_eq!(app.state.store.order(near).await.unwrap().unwrap().reserved_worker_id, Some(zhao), "the near order moved to make room");
    let moved = app.state.store.order_replans(near).await.unwrap();
    assert_eq!((moved.len(), moved[0].km_before), (1, None));

    // No room is left for a second booking there and then, and nothing else moves.
    let again = app.post("/api/place_order", &booking(service, start, total, lat, lng, "浦东新区张江路2号"), Some(&customer)).await;
    assert_eq!((again.status, again.error()), (StatusCode::UNPROCESSABLE_ENTITY, AppError::invalid(Field::Slot, Msg::ErrSlotFull)));
    assert_eq!(app.state.store.order_replans(near).await.unwrap().len(), 1);
}

#[tokio::test]
async fn analytics_counts_a_paid_order_on_todays_row_and_only_admins_read_or_download_it() {
    use app::api::analytics::AnalyticsView;
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let worker = app.session_for(LI).await;
    let order = place(&app, &customer, beijing(1, 10)).await;
    pay(&app, order).await;
    place(&app, &customer, beijing(1, 14)).await;
    let cancelled = place(&app, &customer, beijing(2, 10)).await;
    pay(&app, cancelled).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={cancelled}"), Some(&customer)).await.status, StatusCode::OK);
    server::jobs::run_due_jobs(&app.state).await;

    assert_eq!(app.post("/api/admin_analytics", "days=7", Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_analytics", "days=7", None).await.status, StatusCode::UNAUTHORIZED);
    let view: AnalyticsView = serde_json::from_str(&app.post("/api/admin_analytics", "days=7", Some(&admin)).await.body).unwrap();
    assert_eq!(view.daily.len(), 7);
    let today = view.daily.last().unwrap().totals;
    assert_eq!(
        (today.orders, today.paid_orders, today.cancelled_orders, today.net_fen),
        (3, 2, 1, 9000),
        "three placed, two paid, one of those cancelled and refunded in full"
    );
    assert_eq!(view.totals, today);
    assert_eq!(view.categories.len(), 1);
    assert_eq!(view.demand[usize::from(dispatch::local_weekday(beijing(1, 10)))][10], 1);
    assert_eq!((view.customers, view.repeat_customers), (1, 1), "two paid orders, one customer");
    assert!(view.workers.iter().any(|w| w.name == "李阿姨" && w.available_minutes == 7 * 12 * 60), "李阿姨 works 08:00–20:00 daily");
    let unknown_span: AnalyticsView = serde_json::from_str(&app.post("/api/admin_analytics", "days=5000", Some(&admin)).await.body).unwrap();
    assert_eq!(unknown_span.days, 30, "a span the page does not offer reads as the default");

    let csv = app.get_page("/admin/analytics.csv?days=7", Some(&admin)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"daojia-analytics-"));
    let lines: Vec<&str> = csv.body.trim_end().split("\r\n").collect();
    assert_eq!(lines[0], "\u{feff}日期,下单数,支付订单,完成订单,支付后取消,成交额（元）,平台收入（元）");
    assert_eq!(lines.len(), 1 + 7 + 1, "a header, a row per day and the total");
    assert!(lines[7].ends_with(",3,2,0,1,90.00,0.00"), "{}", lines[7]);
    assert_eq!(lines[8], "合计,3,2,0,1,90.00,0.00");
    assert_eq!(app.get_page("/admin/analytics.csv", Some(&worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get_page("/admin/analytics.csv", None).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_orders_customer_and_worker_chat_with_text_and_photos_that_nobody_else_reads() {
    use app::api::chat::{ChatThreadView, ChatUnread};
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let other = app.session("13800000097", domain::Role::Customer).await;
    let admin = app.session_for("13700000000").await;
    let send = |thread: &str, body: &str, key: &str| form(&[("thread", thread.into()), ("body", body.into()), ("client_key", key.into())]);
    let read = |thread: String, token: String| {
        let app = &app;
        async move {
            let response = app.post("/api/chat_thread", &form(&[("thread", thread)]), Some(&token)).await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            serde_json::from_str::<ChatThreadView>(&response.body).unwrap()
        }
    };
    let unread = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<Vec<ChatUnread>>(&app.post("/api/my_chat_unread", "", Some(&token)).await.body).unwrap() }
    };

    // Paid but nobody holds it yet: there is no one to write to.
    let waiting = place(&app, &customer, beijing(1, 15)).await;
    pay(&app, waiting).await;
    let thread = format!("order:{waiting}");
    assert!(!read(thread.clone(), customer.clone()).await.open);
    assert_eq!(app.post("/api/send_chat", &send(&thread, "在吗", ""), Some(&customer)).await.error(), AppError::Refused(Msg::ErrChatClosed));

    let order = accepted_by_li(&app, &customer, beijing(1, 10), &li).await;
    let thread = format!("order:{order}");
    assert_eq!(app.post("/api/send_chat", &send(&thread, "   ", ""), Some(&customer)).await.error(), AppError::Invalid { field: Field::Chat, msg: Msg::ErrChatEmpty });
    let too_long = "好".repeat(501);
    assert_eq!(app.post("/api/send_chat", &send(&thread, &too_long, ""), Some(&customer)).await.error(), AppError::Invalid { field: Field::Chat, msg: Msg::ErrChatTooLong });
    // Someone else's order thread is not found, for another customer, another worker and admins alike.
    for token in [&other, &zhao, &admin] {
        assert_eq!(app.post("/api/send_chat", &send(&thread, "你好", ""), Some(token)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post("/api/chat_thread", &form(&[("thread", thread.clone())]), Some(token)).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(app.post("/api/send_chat", &send(&thread, "你好", ""), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/send_chat", &send("order:abc", "你好", ""), Some(&customer)).await.status, StatusCode::NOT_FOUND);
    assert!(read(thread.clone(), customer.clone()).await.messages.is_empty(), "refused sends store nothing");

    let first = app.post("/api/send_chat", &send(&thread, "阿姨您好，小区门禁密码1234", "key-1"), Some(&customer)).await;
    assert_eq!(first.status, StatusCode::OK);
    // The same send retried is stored once.
    assert_eq!(app.post("/api/send_chat", &send(&thread, "阿姨您好，小区门禁密码1234", "key-1"), Some(&customer)).await.body, first.body);
    assert_eq!(unread(li.clone()).await, vec![ChatUnread { thread: thread.clone(), count: 1 }]);
    let seen_by_li = read(thread.clone(), li.clone()).await;
    assert_eq!((seen_by_li.counterpart.as_str(), seen_by_li.open), ("张女士", true));
    assert_eq!(seen_by_li.messages.iter().map(|m| (m.body.as_str(), m.mine)).collect::<Vec<_>>(), [("阿姨您好，小区门禁密码1234", false)]);
    assert!(unread(li.clone()).await.is_empty(), "reading the thread marks it read");

    let back = |query: &str| format!("/worker/orders/{order}/chat?{query}");
    assert_eq!(app.upload_chat_photo(&thread, b"not a picture", &li).await.headers[header::LOCATION], back("upload_error=not_image"));
    assert_eq!(app.upload_chat_photo(&thread, &png(), &li).await.headers[header::LOCATION], back("sent=photo"));
    assert_eq!(app.upload_chat_photo(&thread, &png(), &zhao).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.upload_chat_photo("support:1", &png(), &li).await.status, StatusCode::FORBIDDEN);
    let seen_by_customer = read(thread.clone(), customer.clone()).await;
    let photo = seen_by_customer.messages.last().unwrap();
    assert_eq!((photo.mine, photo.body.as_str(), photo.sender_name.as_str()), (false, "", "李阿姨"));
    let url = photo.image_url.clone().expect("a photo message");
    assert_eq!(app.get_page(&url, Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.get_page(&url, Some(&li)).await.status, StatusCode::OK);
    for token in [Some(&other), Some(&zhao), None] {
        assert_eq!(app.get_page(&url, token.map(String::as_str)).await.status, StatusCode::NOT_FOUND);
    }

    // Completed: still open for three days, then kept to read only.
    for step in ["depart", "arrive", "start", "complete"] {
        if step == "complete" {
            tick_checklist(&app, order, &li).await;
        }
        assert_eq!(app.post("/api/order_step", &format!("order_id={order}&step={step}&lat=31.23&lng=121.47"), Some(&li)).await.status, StatusCode::OK, "{step}");
    }
    assert_eq!(app.post("/api/send_chat", &send(&thread, "谢谢阿姨", ""), Some(&customer)).await.status, StatusCode::OK);
    app.state.clock.advance(Duration::from_secs(5 * 86_400));
    assert_eq!(app.post("/api/send_chat", &send(&thread, "还在吗", ""), Some(&li)).await.error(), AppError::Refused(Msg::ErrChatClosed));

    // An admin settling a complaint reads the thread: read-only, audited, and nobody's unread count moves.
    let review = |token: String, order: i64| {
        let app = &app;
        async move { app.post("/api/admin_order_chat", &format!("order_id={order}"), Some(&token)).await }
    };
    let reviewed = review(admin.clone(), order).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    let reviewed: Vec<app::api::chat::ChatMessageView> = serde_json::from_str(&reviewed.body).unwrap();
    assert_eq!(reviewed.iter().map(|m| (m.sender_name.as_str(), m.mine)).collect::<Vec<_>>(), [("张女士（顾客）", false), ("李阿姨（服务者）", false), ("张女士（顾客）", false)]);
    assert_eq!(app.get_page(reviewed[1].image_url.as_deref().unwrap(), Some(&admin)).await.status, StatusCode::OK);
    // 操作日志 names the reading: who, what, which order.
    let log = app.post("/api/admin_audit_log", "", Some(&admin)).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let log: app::api::admin::AuditPage = serde_json::from_str(&log.body).unwrap();
    let entry = log.rows.first().expect("the reading is the newest entry");
    assert_eq!(
        (entry.actor.as_str(), entry.action.as_str(), entry.target.clone(), entry.target_href.clone()),
        ("运营管理员 13700000000", "查看订单聊天", format!("订单 #{order}"), Some(format!("/admin/orders/{order}")))
    );
    for token in [&customer, &li] {
        assert_eq!(app.post("/api/admin_audit_log", "", Some(token)).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(unread(li.clone()).await, vec![ChatUnread { thread: thread.clone(), count: 1 }]);
    for token in [&customer, &li] {
        assert_eq!(review(token.clone(), order).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(review(admin.clone(), 987_654).await.status, StatusCode::NOT_FOUND);

    let closed = read(thread.clone(), li.clone()).await;
    assert!(!closed.open);
    assert_eq!(closed.messages.len(), 3);
    let back = format!("/worker/orders/{order}/chat?upload_error=closed");
    assert_eq!(app.upload_chat_photo(&thread, &png(), &li).await.headers[header::LOCATION], back);
}

#[tokio::test]
async fn a_flood_of_chat_messages_is_refused_beside_the_box_and_a_retry_of_a_sent_one_still_answers() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let send = |body: String, key: String| form(&[("thread", "support".into()), ("body", body), ("client_key", key)]);
    for k in 0..domain::CHAT_SENDS_PER_MINUTE {
        let sent = app.post("/api/send_chat", &send(format!("第{k}条"), format!("key{k}")), Some(&customer)).await;
        assert_eq!(sent.status, StatusCode::OK, "message {k}: {}", sent.body);
    }
    let thread = domain::ChatThread::Support(user_id(&app, CUSTOMER).await);
    let stored = || async { app.state.store.chat_messages(thread, 100).await.unwrap().len() as i64 };
    assert_eq!(stored().await, domain::CHAT_SENDS_PER_MINUTE);
    let flood = app.post("/api/send_chat", &send("再来一条".into(), "key-extra".into()), Some(&customer)).await;
    assert_eq!(flood.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(flood.error(), AppError::TooFast { field: Field::Chat, msg: Msg::ErrChatTooFast });
    let photo = app.upload_chat_photo("support", &png(), &customer).await;
    assert_eq!(photo.headers[header::LOCATION], "/me/support?upload_error=too_fast", "a photo counts too");
    // The phone retrying a message that did go through is told it went through.
    let retry = app.post("/api/send_chat", &send("第0条".into(), "key0".into()), Some(&customer)).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(stored().await, domain::CHAT_SENDS_PER_MINUTE, "nothing more stored");
}

#[tokio::test]
async fn a_customer_writes_to_support_and_any_admin_answers_for_the_team() {
    use app::api::chat::{ChatThreadView, ChatUnread, SupportThreadView};
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let customer_id = user_id(&app, CUSTOMER).await;
    let admin = app.session_for("13700000000").await;
    let second_admin = app.session("13700000099", domain::Role::Admin).await;
    let li = app.session_for(LI).await;
    let send = |thread: &str, body: &str| form(&[("thread", thread.into()), ("body", body.into()), ("client_key", String::new())]);

    assert_eq!(app.post("/api/send_chat", &send("support", "发票怎么开？"), Some(&customer)).await.status, StatusCode::OK);
    // A worker has no support thread of a customer's; nor may a customer name someone else's.
    assert_eq!(app.post("/api/send_chat", &send(&format!("support:{customer_id}"), "我来回复"), Some(&li)).await.status, StatusCode::NOT_FOUND);
    let stranger = app.session("13800000096", domain::Role::Customer).await;
    assert_eq!(app.post("/api/send_chat", &send(&format!("support:{customer_id}"), "偷看"), Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/admin_support_inbox", "", Some(&customer)).await.status, StatusCode::FORBIDDEN);

    let inbox: Vec<SupportThreadView> = serde_json::from_str(&app.post("/api/admin_support_inbox", "", Some(&admin)).await.body).unwrap();
    assert_eq!(inbox.iter().map(|t| (t.customer_id, t.last.as_str(), t.unread)).collect::<Vec<_>>(), [(customer_id, "发票怎么开？", 1)]);
    let thread = format!("support:{customer_id}");
    assert_eq!(app.post("/api/send_chat", &send(&thread, "订单完成后在订单页申请即可"), Some(&second_admin)).await.status, StatusCode::OK);
    let unread: Vec<ChatUnread> = serde_json::from_str(&app.post("/api/my_chat_unread", "", Some(&admin)).await.body).unwrap();
    assert!(unread.is_empty(), "one admin's answer is the team's");
    let unread: Vec<ChatUnread> = serde_json::from_str(&app.post("/api/my_chat_unread", "", Some(&customer)).await.body).unwrap();
    assert_eq!(unread, [ChatUnread { thread: thread.clone(), count: 1 }]);

    let mine: ChatThreadView = serde_json::from_str(&app.post("/api/chat_thread", &form(&[("thread", "support".into())]), Some(&customer)).await.body).unwrap();
    assert_eq!(mine.thread, thread);
    assert_eq!(
        mine.messages.iter().map(|m| (m.sender_name.as_str(), m.mine)).collect::<Vec<_>>(),
        [("张女士", true), ("平台客服", false)],
        "the customer sees the team, not the admin's own name"
    );
    assert_eq!(app.upload_chat_photo("support", &png(), &customer).await.headers[header::LOCATION], "/me/support?sent=photo");
    assert_eq!(app.upload_chat_photo(&thread, &png(), &admin).await.headers[header::LOCATION], format!("/admin/support/{customer_id}?sent=photo"));
    let seen: ChatThreadView = serde_json::from_str(&app.post("/api/chat_thread", &form(&[("thread", thread.clone())]), Some(&admin)).await.body).unwrap();
    let url = seen.messages[2].image_url.clone().unwrap();
    assert_eq!(app.get_page(&url, Some(&second_admin)).await.status, StatusCode::OK);
    assert_eq!(app.get_page(&url, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_customer_follows_the_worker_from_departing_to_completing_nobody_else_does_and_admins_keep_the_record() {
    use app::api::tracking::TrackView;
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let zhao = app.session_for(ZHAO).await;
    let admin = app.session_for("13700000000").await;
    let other = app.session("13800000095", domain::Role::Customer).await;
    let order = accepted_by_li(&app, &customer, beijing(1, 10), &li).await;
    let report = |lat: &str, lng: &str| format!("order_id={order}&lat={lat}&lng={lng}");
    let track = |token: String| {
        let app = &app;
        async move {
            let response = app.post("/api/order_track", &format!("order_id={order}"), Some(&token)).await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            serde_json::from_str::<TrackView>(&response.body).unwrap()
        }
    };
    let step = |name: &str| format!("order_id={order}&step={name}&lat=31.23&lng=121.47");

    // Accepted, not yet on the way: nothing is taken or shown.
    assert_eq!(app.post("/api/report_position", &report("31.25", "121.48"), Some(&li)).await.error(), AppError::Refused(Msg::ErrNotSharingPosition));
    assert!(!track(customer.clone()).await.sharing);

    assert_eq!(app.post("/api/order_step", &step("depart"), Some(&li)).await.status, StatusCode::OK);
    let waiting = track(customer.clone()).await;
    assert!(waiting.sharing && waiting.points.is_empty() && waiting.eta_secs.is_none());
    assert_eq!(app.post("/api/report_position", &report("91", "121.48"), Some(&li)).await.error(), AppError::Invalid { field: Field::Location, msg: Msg::ErrLocationMissing });
    assert_eq!(app.post("/api/report_position", &report("31.25", "121.48"), Some(&zhao)).await.error(), AppError::Refused(Msg::ErrNotSharingPosition));
    assert_eq!(app.post("/api/report_position", &report("31.25", "121.48"), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    // 2.67 km north-east of the address (People's Square): 2.67 × 1.3 km at 25 km/h is 501 s.
    assert_eq!(app.post("/api/report_position", &report("31.25", "121.49"), Some(&li)).await.status, StatusCode::OK);
    let on_the_way = track(customer.clone()).await;
    assert_eq!(on_the_way.points.iter().map(|p| (p.lat, p.lng)).collect::<Vec<_>>(), [(31.25, 121.49)]);
    assert_eq!(on_the_way.destination, (31.2304, 121.4737));
    let eta = on_the_way.eta_secs.unwrap();
    assert!((495..=505).contains(&eta), "{eta}");
    assert_eq!(track(admin.clone()).await.points.len(), 1);
    for token in [&other, &li, &zhao] {
        assert_eq!(app.post("/api/order_track", &format!("order_id={order}"), Some(token)).await.status, StatusCode::NOT_FOUND);
    }

    assert_eq!(app.post("/api/order_step", &step("arrive"), Some(&li)).await.status, StatusCode::OK);
    let arrived = track(customer.clone()).await;
    assert!(arrived.sharing && arrived.eta_secs.is_none());
    for name in ["start", "complete"] {
        if name == "complete" {
            tick_checklist(&app, order, &li).await;
        }
        assert_eq!(app.post("/api/order_step", &step(name), Some(&li)).await.status, StatusCode::OK);
    }
    let done = track(customer.clone()).await;
    assert!(!done.sharing && done.points.is_empty(), "the track is not shown once the order is completed");
    let record = track(admin.clone()).await;
    assert!(!record.sharing && record.eta_secs.is_none(), "admins read a finished trip, not a live one");
    assert_eq!(record.points.iter().map(|p| (p.lat, p.lng)).collect::<Vec<_>>(), [(31.25, 121.49)], "the kept track, for a lateness complaint");
    assert_eq!(app.post("/api/report_position", &report("31.23", "121.47"), Some(&li)).await.error(), AppError::Refused(Msg::ErrNotSharingPosition));
}

/// The admin asks 日常保洁 · 2小时 for photos and gives it two steps.
fn cleaning_with_proof(service: i64) -> String {
    form(&[
        ("id", service.to_string()),
        ("category_code", "daily_cleaning".into()),
        ("name", "日常保洁 · 2小时".into()),
        ("summary", "客厅卧室除尘、厨卫清洁、地面拖洗".into()),
        ("content", "服务人员统一着装、自带专业工具。".into()),
        ("process_steps", "客厅除尘\n厨房清洁".into()),
        ("supplies", "无尘布".into()),
        ("qualifications", "健康证".into()),
        ("unit", "hour".into()),
        ("price", "45".into()),
        ("default_units", "2".into()),
        ("min_units", "2".into()),
        ("proof_photos", "on".into()),
    ])
}

#[tokio::test]
async fn a_worker_finishes_only_with_every_step_ticked_and_both_photos_and_the_customer_confirms_once() {
    use app::api::proof::ProofView;
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let stranger = app.session("13800000097", domain::Role::Customer).await;
    let sessions = [(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let service = cleaning_service(&app).await;
    let saved = app.post("/api/admin_save_service", &cleaning_with_proof(service), Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let edit: app::api::catalog_admin::ServiceEditView = serde_json::from_str(&app.post("/api/admin_service", &format!("id={service}"), Some(&admin)).await.body).unwrap();
    assert!(edit.proof_photos);

    let order_id = place(&app, &customer, beijing(1, 15)).await;
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(order_id).await.unwrap().into_iter().find(|o| o.status == "pending").expect("an open offer");
    let (_, worker) = sessions.iter().find(|(id, _)| *id == offer.worker_id).unwrap();
    let (_, other) = sessions.iter().find(|(id, _)| *id != offer.worker_id).unwrap();
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(worker)).await.status, StatusCode::OK);
    let step = |name: &str| format!("order_id={order_id}&step={name}&lat=31.23&lng=121.47");
    let tick = |position: i64| format!("order_id={order_id}&position={position}");
    let back = |query: &str| format!("/worker?order={order_id}&{query}#order-{order_id}");
    let location = |r: Response| r.headers[header::LOCATION].to_str().unwrap().to_string();
    for name in ["depart", "arrive"] {
        assert_eq!(app.post("/api/order_step", &step(name), Some(worker)).await.status, StatusCode::OK);
    }

    // At the door: a 服务前 photo, but no 服务后 photo and no ticks yet.
    assert_eq!(location(app.upload_order_photo(order_id, "before", &png(), worker).await), back("uploaded=photo"));
    assert_eq!(location(app.upload_order_photo(order_id, "after", &png(), worker).await), back("upload_error=not_now"));
    assert_eq!(app.post("/api/tick_step", &tick(0), Some(worker)).await.error(), AppError::Refused(Msg::ErrTickNotNow));
    assert_eq!(app.post("/api/order_step", &step("start"), Some(worker)).await.status, StatusCode::OK);

    // Serving: finishing is refused until every step is ticked and a 服务后 photo is there.
    assert_eq!(app.post("/api/order_step", &step("complete"), Some(worker)).await.error(), AppError::Refused(Msg::ErrProofUnticked));
    assert_eq!(app.post("/api/tick_step", &tick(0), Some(other)).await.error(), AppError::Refused(Msg::ErrNotAssignedWorker));
    assert_eq!(app.post("/api/tick_step", &tick(0), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/tick_step", &tick(2), Some(worker)).await.error(), AppError::Refused(Msg::ErrTickNotNow), "no third step");
    for position in [0, 1, 1] {
        assert_eq!(app.post("/api/tick_step", &tick(position), Some(worker)).await.status, StatusCode::OK);
    }
    assert_eq!(app.post("/api/order_step", &step("complete"), Some(worker)).await.error(), AppError::Refused(Msg::ErrProofAfterPhoto));
    assert_eq!(app.upload_order_photo(order_id, "after", &png(), other).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.upload_order_photo(order_id, "after", &png(), &customer).await.status, StatusCode::FORBIDDEN);
    assert_eq!(location(app.upload_order_photo(order_id, "after", b"not a picture", worker).await), back("upload_error=not_image"));
    assert_eq!(app.state.store.order_proof(order_id).await.unwrap().photos.len(), 1, "refused photos are not kept");
    assert_eq!(location(app.upload_order_photo(order_id, "after", &png(), worker).await), back("uploaded=photo"));
    assert_eq!(app.post("/api/order_step", &step("complete"), Some(worker)).await.status, StatusCode::OK);
    assert_eq!(state_of(&app, order_id).await, "completed");
    assert_eq!(location(app.upload_order_photo(order_id, "after", &png(), worker).await), back("upload_error=not_now"), "the proof is closed");

    // The customer sees the proof, and the photos are theirs, the worker's and admins' to see only.
    let proof_of = |token: String| {
        let app = &app;
        async move {
            let view: app::api::orders::OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&token)).await.body).unwrap();
            view.proof.expect("a completed order shows its proof")
        }
    };
    let seen: ProofView = proof_of(customer.clone()).await;
    let steps: Vec<(&str, bool)> = seen.items.iter().map(|i| (i.text.as_str(), i.ticked)).collect();
    assert_eq!(steps, [("客厅除尘", true), ("厨房清洁", true)]);
    assert!(seen.photos_required && seen.completed && seen.can_confirm && seen.confirmed_at.is_none());
    assert_eq!((seen.before.len(), seen.after.len()), (1, 1));
    for token in [&customer, worker, &admin] {
        assert_eq!(app.get_page(&seen.after[0], Some(token)).await.status, StatusCode::OK);
    }
    for token in [Some(&stranger), Some(other), None] {
        assert_eq!(app.get_page(&seen.before[0], token.map(String::as_str)).await.status, StatusCode::NOT_FOUND);
    }
    assert!(!proof_of(admin.clone()).await.can_confirm, "only the customer confirms");

    // Confirmed once, by the customer; the worker's card says so.
    let confirm = format!("order_id={order_id}");
    assert_eq!(app.post("/api/confirm_service", &confirm, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/confirm_service", &confirm, Some(worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/confirm_service", &confirm, Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/confirm_service", &confirm, Some(&customer)).await.error(), AppError::Refused(Msg::ErrConfirmNotNow));
    let confirmed = proof_of(customer.clone()).await;
    assert!(confirmed.confirmed_at.is_some() && !confirmed.can_confirm);
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&app.post("/api/workbench", "", Some(worker)).await.body).unwrap();
    assert!(bench.orders.iter().any(|o| o.order_id == order_id && o.confirmed));
}

/// B4: a completed order its customer neither confirms nor disputes is
/// confirmed by the platform after the wait, and both sides are told how.
#[tokio::test]
async fn the_platform_confirms_a_quiet_completed_order_after_three_days() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let sessions = vec![(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let order_id = place(&app, &customer, beijing(1, 9)).await;
    pay(&app, order_id).await;
    let worker_id = complete_order(&app, order_id, &sessions).await;
    let worker = &sessions.iter().find(|(id, _)| *id == worker_id).unwrap().1;
    let proof = || async {
        let view: app::api::orders::OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
        view.proof.unwrap()
    };
    app.state.clock.advance(Duration::from_secs(3 * 86_400 - 60));
    server::jobs::run_due_jobs(&app.state).await;
    assert!(proof().await.confirmed_at.is_none() && proof().await.can_confirm, "not before the three days");
    app.state.clock.advance(Duration::from_secs(120));
    server::jobs::run_due_jobs(&app.state).await;
    let seen = proof().await;
    assert!(seen.confirmed_at.is_some() && seen.confirmed_auto && !seen.can_confirm);
    let bench: app::api::work::WorkbenchView = serde_json::from_str(&app.post("/api/workbench", "", Some(worker)).await.body).unwrap();
    assert!(bench.orders.iter().any(|o| o.order_id == order_id && o.confirmed && o.confirmed_auto));
    let page = app.get_page(&format!("/orders/{order_id}"), Some(&customer)).await;
    assert!(page.body.contains("平台已自动确认完成于"), "{}", page.body);
}

#[tokio::test]
async fn an_order_keeps_the_steps_it_was_placed_with() {
    let app = demo_app(Config::default()).await;
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let before = place(&app, &customer, beijing(1, 9)).await;
    let service = cleaning_service(&app).await;
    assert_eq!(app.post("/api/admin_save_service", &cleaning_with_proof(service), Some(&admin)).await.status, StatusCode::OK);
    let after = place(&app, &customer, beijing(1, 16)).await;
    let kept = |id: i64| {
        let app = &app;
        async move {
            let order = app.state.store.order(id).await.unwrap().unwrap();
            (booking::checklist_items(order.checklist.as_deref()), order.proof_photos)
        }
    };
    assert_eq!(kept(before).await, (vec!["客厅卧室除尘".to_string(), "厨房台面灶台清洁".into(), "卫生间清洁消毒".into(), "地面吸尘拖洗".into()], false));
    assert_eq!(kept(after).await, (vec!["客厅除尘".to_string(), "厨房清洁".into()], true));
}

/// Sessions around a demo order served and completed (not yet reviewed).
struct Served {
    order_id: i64,
    customer: String,
    worker: String,
    admin: String,
}

async fn served_order(app: &TestApp) -> Served {
    let admin = app.session_for("13700000000").await;
    let customer = app.session_for(CUSTOMER).await;
    let sessions = [(user_id(app, LI).await, app.session_for(LI).await), (user_id(app, ZHAO).await, app.session_for(ZHAO).await)];
    let order_id = place(app, &customer, beijing(1, 15)).await;
    pay(app, order_id).await;
    let worker_id = complete_order(app, order_id, &sessions).await;
    let worker = sessions.into_iter().find(|(id, _)| *id == worker_id).unwrap().1;
    Served { order_id, customer, worker, admin }
}

#[tokio::test]
async fn a_customer_adds_photos_to_their_own_review_and_everyone_sees_them_with_it() {
    use app::api::orders::{OrderView, ServiceInfo};
    let app = demo_app(Config::default()).await;
    let Served { order_id, customer, worker, admin } = served_order(&app).await;
    let stranger = app.session("13800000096", domain::Role::Customer).await;
    let worker = &worker;
    let back = |query: &str| format!("/orders/{order_id}?{query}#my-review");
    let location = |r: Response| r.headers[header::LOCATION].to_str().unwrap().to_string();
    let upload = |token: String| {
        let app = &app;
        async move { app.upload_review_photo(order_id, &png(), &token).await }
    };

    // Before the review there is nothing to put a photo on; nobody else may try.
    assert_eq!(location(upload(customer.clone()).await), back("upload_error=no_review"));
    let review = format!("order_id={order_id}&quality=5&attitude=5&result=4&body=很干净");
    assert_eq!(app.post("/api/review_order", &review, Some(&customer)).await.status, StatusCode::OK);
    for token in [&stranger, worker, &admin] {
        assert_eq!(upload(token.clone()).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(location(app.upload_review_photo(order_id, b"not a picture", &customer).await), back("upload_error=not_image"));
    assert!(app.state.store.review_photos(&[order_id]).await.unwrap().is_empty(), "refused photos are not kept");

    // Up to six, then refused with the reason.
    for _ in 0..booking::MAX_REVIEW_PHOTOS {
        assert_eq!(location(upload(customer.clone()).await), back("uploaded=review_photo"));
    }
    assert_eq!(location(upload(customer.clone()).await), back("upload_error=too_many_review_photos"));
    let view: OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    let mine = view.review.expect("the review");
    assert_eq!(mine.photos.len(), booking::MAX_REVIEW_PHOTOS);
    assert!(!mine.can_add_photos, "a full review offers no upload");

    // The service page shows them with the review, to anyone, signed in or not.
    let service = app.state.store.order(order_id).await.unwrap().unwrap().service_id;
    let info: ServiceInfo = serde_json::from_str(&app.post("/api/service_detail", &format!("service_id={service}"), None).await.body).unwrap();
    let shown = info.reviews.expect("reviews").recent.into_iter().find(|r| r.body == "很干净").expect("the new review");
    assert_eq!(shown.photos, mine.photos);
    for token in [None, Some(stranger.as_str())] {
        assert_eq!(app.get_page(&shown.photos[0], token).await.status, StatusCode::OK);
    }
    // The admin's page of the customer lists them under the review.
    let user = user_id(&app, CUSTOMER).await;
    let page: app::api::admin::CustomerView = serde_json::from_str(&app.post("/api/admin_customer", &format!("user_id={user}"), Some(&admin)).await.body).unwrap();
    assert_eq!(page.reviews.iter().find(|r| r.order_id == order_id).map(|r| r.photos.len()), Some(booking::MAX_REVIEW_PHOTOS));

    // Only the author takes a photo off; it is then gone for everyone, and the review has room again.
    let remove = format!("order_id={order_id}&photo={}", mine.photos[0]);
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(worker)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/remove_review_photo", &format!("order_id={order_id}&photo=/files/../etc/passwd"), Some(&customer)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(&customer)).await.status, StatusCode::NOT_FOUND, "gone already");
    assert_eq!(app.get_page(&mine.photos[0], None).await.status, StatusCode::NOT_FOUND);
    let view: OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    let after = view.review.unwrap();
    assert_eq!(after.photos, mine.photos[1..]);
    assert!(after.mine && after.can_add_photos);
}

#[tokio::test]
async fn a_customer_adds_one_short_video_to_their_review_and_it_plays_for_everyone_by_ranges() {
    use app::api::orders::{OrderView, ServiceInfo};
    let app = demo_app(Config::default()).await;
    let Served { order_id, customer, worker, admin } = served_order(&app).await;
    let stranger = app.session("13800000095", domain::Role::Customer).await;
    let worker = &worker;
    let back = |query: &str| format!("/orders/{order_id}?{query}#my-review");
    let location = |r: Response| r.headers[header::LOCATION].to_str().unwrap().to_string();
    let detail = || {
        let app = &app;
        let customer = &customer;
        async move {
            let view: OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(customer)).await.body).unwrap();
            view.review.expect("the review")
        }
    };

    assert_eq!(location(app.upload_review_video(order_id, &clip(), &customer).await), back("video_error=no_review"));
    let review = format!("order_id={order_id}&quality=5&attitude=5&result=5&body=前后对比");
    assert_eq!(app.post("/api/review_order", &review, Some(&customer)).await.status, StatusCode::OK);
    assert!(detail().await.can_add_video);
    for token in [&stranger, worker, &admin] {
        assert_eq!(app.upload_review_video(order_id, &clip(), token).await.status, StatusCode::FORBIDDEN);
    }
    // A photo is no video, nor is an empty form; neither is kept.
    assert_eq!(location(app.upload_review_video(order_id, &png(), &customer).await), back("video_error=not_video"));
    assert_eq!(location(app.upload_review_video(order_id, b"", &customer).await), back("video_error=video_empty"));
    assert!(app.state.store.review_photos(&[order_id]).await.unwrap().is_empty());

    // Padded past 2 MB (a real clip's size), it still goes through the upload's own limit.
    let mut padded = clip();
    let padding = 3 * 1024 * 1024;
    padded.extend_from_slice(&((padding + 8) as u32).to_be_bytes());
    padded.extend_from_slice(b"free");
    padded.resize(padded.len() + padding, 0);
    assert_eq!(location(app.upload_review_video(order_id, &padded, &customer).await), back("uploaded=review_video"));
    assert_eq!(location(app.upload_review_video(order_id, &clip(), &customer).await), back("video_error=review_video_taken"));
    let mine = detail().await;
    let video = mine.video.clone().expect("the video");
    assert!(video.ends_with(".mp4") && mine.photos.is_empty() && !mine.can_add_video && mine.can_add_photos);

    // Anyone plays it from the service page, by ranges as players fetch.
    let service = app.state.store.order(order_id).await.unwrap().unwrap().service_id;
    let info: ServiceInfo = serde_json::from_str(&app.post("/api/service_detail", &format!("service_id={service}"), None).await.body).unwrap();
    let shown = info.reviews.expect("reviews").recent.into_iter().find(|r| r.body == "前后对比").expect("the new review");
    assert_eq!(shown.video.as_ref(), Some(&video));
    let whole = app.get_page(&video, None).await;
    assert_eq!((whole.status, &whole.headers[header::CONTENT_TYPE], &whole.headers[header::ACCEPT_RANGES]), (StatusCode::OK, &"video/mp4".parse::<header::HeaderValue>().unwrap(), &"bytes".parse::<header::HeaderValue>().unwrap()));
    let ranged = |range: &'static str| {
        let app = &app;
        let video = video.clone();
        async move { app.send(axum::http::Request::get(video).header(header::RANGE, range).body(axum::body::Body::empty()).unwrap()).await }
    };
    let part = ranged("bytes=4-7").await;
    assert_eq!((part.status, part.body.as_str()), (StatusCode::PARTIAL_CONTENT, "ftyp"));
    assert_eq!(part.headers[header::CONTENT_RANGE], format!("bytes 4-7/{}", padded.len()));
    assert_eq!(ranged("bytes=99999999-").await.status, StatusCode::RANGE_NOT_SATISFIABLE);
    let page: app::api::admin::CustomerView =
        serde_json::from_str(&app.post("/api/admin_customer", &format!("user_id={}", user_id(&app, CUSTOMER).await), Some(&admin)).await.body).unwrap();
    assert_eq!(page.reviews.iter().find(|r| r.order_id == order_id).and_then(|r| r.video.clone()), Some(video.clone()));

    // Its author takes it off like a photo; then another may go up.
    let remove = format!("order_id={order_id}&photo={video}");
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/remove_review_photo", &remove, Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.get_page(&video, None).await.status, StatusCode::NOT_FOUND);
    assert!(detail().await.can_add_video);
    assert_eq!(location(app.upload_review_video(order_id, &clip(), &customer).await), back("uploaded=review_video"));
}

/// What each visit of a demo series of ¥90 visits costs: the demo's package
/// price is 9.5折 from 4 visits and 9折 at 8 (B6).
fn package_price(visits: &str) -> i64 {
    match visits.parse::<u8>() {
        Ok(4..=7) => 8_550,
        Ok(8) => 8_100,
        _ => 9_000,
    }
}

fn series_booking(service: i64, start: i64, repeat: &str, visits: &str) -> String {
    format!("{}&repeat={repeat}&visits={visits}", booking(service, start, package_price(visits), "31.2304", "121.4737", "黄浦区人民大道1号"))
}

/// B6 套餐价: a series of 4 or more visits is quoted, shown and charged at
/// the package price on every visit, and a cancelled visit refunds what it
/// cost. The admin edits the tiers; a line that cannot be read is refused
/// beside the field and changes nothing.
#[tokio::test]
async fn a_series_of_four_or_more_visits_is_charged_the_package_price_on_every_visit() {
    let app = demo_app(Config::default()).await;
    let (admin, customer) = (app.session_for("13700000000").await, app.session_for(CUSTOMER).await);
    let service = cleaning_service(&app).await;
    let first = beijing(2, 10);
    let at_square = format!("service_id={service}&units=2&start={first}&lat=31.2304&lng=121.4737");
    let quoted = |visits: &str| {
        let (app, body) = (&app, format!("{at_square}&series_visits={visits}"));
        async move { app.post("/api/quote_service", &body, None).await }
    };
    let four: pricing::Quote = serde_json::from_str(&quoted("4").await.body).unwrap();
    let package = four.lines.iter().find(|l| l.kind == pricing::LineKind::SeriesDiscount).expect("a package line");
    assert_eq!((package.label.as_str(), package.amount.get(), four.total.get()), ("周期套餐（4次起）9.5折", -450, 8_550));
    let single: pricing::Quote = serde_json::from_str(&app.post("/api/quote_service", &at_square, None).await.body).unwrap();
    assert_eq!(single.total.get(), 9_000, "one visit on its own pays the list price");
    assert_eq!(quoted("9").await.error(), AppError::invalid(Field::Repeat, Msg::ErrRepeatVisits));
    let series_prices = |visits: u8| {
        let (app, body) = (&app, format!("{at_square}&repeat=weekly&visits={visits}"));
        async move { serde_json::from_str::<Vec<i64>>(&app.post("/api/quote_series", &body, None).await.body).unwrap() }
    };
    assert_eq!(series_prices(3).await, vec![9_000; 3]);
    assert_eq!(series_prices(4).await, vec![8_550; 4]);
    assert_eq!(series_prices(8).await, vec![8_100; 8]);

    // Shown the list price, the customer is shown the package price instead of being charged another.
    let at_list = format!("{}&repeat=weekly&visits=4", booking(service, first, 9_000, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let changed = app.post("/api/place_order", &at_list, Some(&customer)).await;
    assert!(matches!(serde_json::from_str(&changed.body).unwrap(), PlaceOutcome::QuoteChanged { quote } if quote.total.get() == 8_550), "{}", changed.body);
    let visits = paid_weekly_series(&app, &customer, service, 4).await;
    for visit in &visits {
        let quote: pricing::Quote = serde_json::from_str(&visit.quote_json).unwrap();
        assert_eq!((visit.total_fen, visit.paid_fen), (8_550, 8_550));
        assert!(quote.lines.iter().any(|l| l.kind == pricing::LineKind::SeriesDiscount), "{quote:?}");
    }
    // A package is not dropped visit by visit: its price counts the visits.
    let alone = app.post("/api/cancel_order", &format!("order_id={}", visits[3].id), Some(&customer)).await;
    assert_eq!(alone.error(), AppError::Refused(Msg::ErrPackageVisitAlone));
    assert_eq!(state_of(&app, visits[3].id).await, "booked");

    // The admin's tiers: a line that cannot be read names itself and changes nothing.
    let desk: app::api::pricing::PricingAdminView = serde_json::from_str(&app.post("/api/admin_pricing", "", Some(&admin)).await.body).unwrap();
    assert_eq!(desk.rules.series, "4 9.5\n8 9");
    let with_tiers = |tiers: &str| format!("{}&{}", rules_form(desk.version, ""), form(&[("series", tiers.into())]));
    let dearer = app.post("/api/admin_save_pricing", &with_tiers("4 9.5\n8 9.6"), Some(&admin)).await;
    assert_eq!(dearer.error(), AppError::InvalidLine { field: Field::SeriesDiscounts, line: 2, msg: Msg::ErrSeriesDiscountNotDeeper });
    let too_deep = app.post("/api/admin_save_pricing", &with_tiers("4 4.5"), Some(&admin)).await;
    assert_eq!(too_deep.error(), AppError::InvalidLine { field: Field::SeriesDiscounts, line: 1, msg: Msg::ErrSeriesDiscountPrice });
    assert_eq!(series_prices(4).await, vec![8_550; 4], "nothing saved");

    // The preview prices a package under the tiers as typed, and says who gets what: the worker
    // their share of the list price, the platform its commission less the discount it pays.
    let preview = |visits: &str, cookie: &str| {
        let body = form(&[
            ("peak", "".into()), ("weekend", "1.0".into()), ("holidays", "".into()), ("centre_lat", "31.2304".into()), ("centre_lng", "121.4737".into()),
            ("free_radius_km", "10".into()), ("per_km", "2".into()), ("max_fee", "30".into()), ("service_id", service.to_string()), ("units", "2".into()),
            ("date", app::api::format_beijing(first)[..10].to_string()), ("time", "10:00".into()), ("lat", "31.2304".into()), ("lng", "121.4737".into()),
            ("series", "4 9.5\n8 9".into()), ("visits", visits.into()),
        ]);
        let (app, cookie) = (&app, cookie.to_string());
        async move { app.post("/api/admin_preview_quote", &body, Some(&cookie)).await }
    };
    let eight: app::api::pricing::PreviewQuote = serde_json::from_str(&preview("8", &admin).await.body).unwrap();
    assert_eq!((eight.quote.total.get(), eight.discounts_fen, eight.worker_fen, eight.commission_fen), (8_100, 900, 7_200, 1_800));
    assert_eq!(preview("9", &admin).await.error(), AppError::invalid(Field::Repeat, Msg::ErrRepeatVisits));
    assert_eq!(preview("8", &customer).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_save_pricing", &with_tiers("2 9.8"), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(series_prices(2).await, vec![8_820; 2]);
    assert_eq!(series_prices(8).await, vec![8_820; 8]);
    assert_eq!(app.state.store.order(visits[0].id).await.unwrap().unwrap().total_fen, 8_550, "orders placed keep their price");
}

/// B6: a package ends whole, and the visits kept pay the price of as many
/// visits as were kept, out of the refund of those ended; once only, so a
/// visit's discount is never charged for twice.
#[tokio::test]
async fn ending_a_package_early_keeps_the_price_difference_of_the_visits_kept_from_the_refund() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let sessions = vec![(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    let service = cleaning_service(&app).await;
    let ids: Vec<i64> = paid_weekly_series(&app, &customer, service, 4).await.iter().map(|o| o.id).collect();
    let ending = |k: usize| {
        let (app, body, customer) = (&app, format!("order_id={}", ids[k]), &customer);
        async move { serde_json::from_str::<app::api::orders::OrderView>(&app.post("/api/order_detail", &body, Some(customer)).await.body).unwrap().series_cancel }
    };
    let package = |visits: i64, package_fen: i64| Some(app::api::orders::SeriesCancel { visits, fee_fen: package_fen, package_fen, ends_package: true });
    // Nothing served yet: ending it from any visit ends all four, and nothing is owed.
    assert_eq!(ending(2).await, package(4, 0));

    // The first visit served, three are left to end; the one kept pays its list price, ¥4.50 more.
    let available = |worker: i64| {
        let app = &app;
        async move { app.state.store.worker_balance(worker).await.unwrap().available_fen }
    };
    let before = [available(sessions[0].0).await, available(sessions[1].0).await];
    let served_by = complete_order(&app, ids[0], &sessions).await;
    let k = sessions.iter().position(|(id, _)| *id == served_by).unwrap();
    assert_eq!(available(served_by).await - before[k], 7_200, "the package price is the platform's offer: 80% of the list price");
    assert_eq!(ending(1).await, package(3, 450));
    assert_eq!(ending(3).await, package(3, 450), "from any visit not under way");
    let stranger = app.session("13800000098", domain::Role::Customer).await;
    assert_eq!(app.post("/api/cancel_series_from", &format!("order_id={}", ids[2]), Some(&stranger)).await.status, StatusCode::FORBIDDEN);
    let ended = app.post("/api/cancel_series_from", &format!("order_id={}", ids[2]), Some(&customer)).await;
    assert_eq!((ended.status, ended.body.as_str()), (StatusCode::OK, "3"));
    assert_eq!(settled(&app, ids[1]).await, ("refunded".into(), 450, 8_100));
    for k in [2, 3] {
        assert_eq!(settled(&app, ids[k]).await, ("refunded".into(), 0, 8_550), "visit {}", k + 1);
    }
    let events = app.state.store.order_events(ids[1]).await.unwrap();
    assert!(events.iter().any(|e| e.detail == "取消费 ¥4.50（含套餐差价 ¥4.50）"), "{events:?}");
    assert_eq!(state_of(&app, ids[0]).await, "completed", "the visit served keeps its price");
    assert_eq!(app.post("/api/cancel_series_from", &format!("order_id={}", ids[3]), Some(&customer)).await.error(), AppError::Refused(Msg::ErrIllegalStep));
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

/// B6: the last visit of a package left to cancel ends it on its own, and
/// pays the difference of the visits kept like any end.
#[tokio::test]
async fn the_last_visit_of_a_package_left_cancels_alone_and_settles_the_package() {
    let app = demo_app(Config::default()).await;
    let (admin, customer) = (app.session_for("13700000000").await, app.session_for(CUSTOMER).await);
    let service = cleaning_service(&app).await;
    let ids: Vec<i64> = paid_weekly_series(&app, &customer, service, 4).await.iter().map(|o| o.id).collect();
    // The platform cancels the third and fourth visits: free, and they still count for the package.
    let cancel = form(&[("order_id", ids[2].to_string()), ("reason", "服务者请长假，由客服取消".into()), ("with_later_visits", "true".into())]);
    assert_eq!(app.post("/api/admin_cancel_order", &cancel, Some(&admin)).await.status, StatusCode::OK);
    // Two visits kept, one of them cancelled now: 3 of 4 still counted is below 4, so the first visit owes ¥4.50.
    let alone = app.post("/api/cancel_order", &format!("order_id={}", ids[1]), Some(&customer)).await;
    assert_eq!(alone.error(), AppError::Refused(Msg::ErrPackageVisitAlone), "the first visit is still to come");
    let sessions = vec![(user_id(&app, LI).await, app.session_for(LI).await), (user_id(&app, ZHAO).await, app.session_for(ZHAO).await)];
    complete_order(&app, ids[0], &sessions).await;
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={}", ids[1]), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(settled(&app, ids[1]).await, ("refunded".into(), 450, 8_100));
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

/// B6: inside its fee window a package visit may be cancelled alone: it
/// pays that fee and still counts towards the package, so ending the
/// package later owes nothing for it.
#[tokio::test]
async fn a_package_visit_inside_its_fee_window_cancels_alone_for_its_fee_and_still_counts() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let visits = paid_weekly_series(&app, &customer, service, 4).await;
    let ids: Vec<i64> = visits.iter().map(|o| o.id).collect();
    // An hour before the first visit its cancellation costs 20%.
    let until = u64::try_from(visits[0].starts_at.unix_timestamp() - 3600 - app.state.clock.now().unix_timestamp()).unwrap();
    app.state.clock.advance(Duration::from_secs(until));
    let view: app::api::orders::OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={}", ids[0]), Some(&customer)).await.body).unwrap();
    assert_eq!(view.cancel_fee_now, Some(1_710));
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={}", ids[0]), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(settled(&app, ids[0]).await, ("refunded".into(), 1_710, 6_840));
    // The second visit is still in its free period: not alone.
    let alone = app.post("/api/cancel_order", &format!("order_id={}", ids[1]), Some(&customer)).await;
    assert_eq!(alone.error(), AppError::Refused(Msg::ErrPackageVisitAlone));
    // Ending the rest: the visit cancelled late counts, and no visit is kept at the package price.
    let ended = app.post("/api/cancel_series_from", &format!("order_id={}", ids[1]), Some(&customer)).await;
    assert_eq!((ended.status, ended.body.as_str()), (StatusCode::OK, "3"));
    for (k, id) in ids.iter().enumerate().skip(1) {
        assert_eq!(settled(&app, *id).await, ("refunded".into(), 0, 8_550), "visit {}", k + 1);
    }
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_recurring_booking_is_kept_by_the_one_worker_free_every_week_and_paid_in_one_go() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let week = 7 * 86_400;
    let first = beijing(2, 10);
    // 李阿姨, the nearer worker, is busy in the second week.
    let busy = place(&app, &customer, first + week).await;
    let li_id = app.state.store.order(busy).await.unwrap().unwrap().reserved_worker_id;

    // The booking form shows each visit's price before the customer commits.
    let prices = app.post("/api/quote_series", &format!("service_id={service}&units=2&start={first}&lat=31.2304&lng=121.4737&repeat=weekly&visits=3"), None).await;
    assert_eq!(serde_json::from_str::<Vec<i64>>(&prices.body).unwrap(), vec![9000; 3], "{}", prices.body);
    let bad = app.post("/api/quote_series", &format!("service_id={service}&units=2&start={first}&repeat=monthly&visits=3"), None).await;
    assert_eq!(bad.error(), AppError::Invalid { field: Field::Repeat, msg: Msg::ErrRepeatInterval });

    let response = app.post("/api/place_order", &series_booking(service, first, "weekly", "3"), Some(&customer)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let PlaceOutcome::Placed { order_id } = serde_json::from_str(&response.body).unwrap() else { panic!("{}", response.body) };
    let visits = app.state.store.orders(&store::OrderFilter { series_id: Some(order_id), ..store::OrderFilter::newest(10) }).await.unwrap();
    let mut starts: Vec<i64> = visits.iter().map(|o| o.starts_at.unix_timestamp()).collect();
    starts.sort();
    assert_eq!(starts, vec![first, first + week, first + 2 * week]);
    let holders: Vec<Option<i64>> = visits.iter().map(|o| o.reserved_worker_id).collect();
    assert!(holders[0].is_some() && holders[0] != li_id, "{holders:?}");
    assert_eq!(holders, vec![holders[0]; 3], "the one worker free at every visit keeps them all");
    assert!(visits.iter().all(|o| o.total_fen == 9000));

    // Paying any visit pays every unpaid one, each through its own payment.
    assert_eq!(app.post("/api/sandbox_pay", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    server::jobs::run_due_jobs(&app.state).await;
    for visit in &visits {
        assert_eq!(state_of(&app, visit.id).await, "booked");
        assert_eq!(app.state.store.payment_for_order(visit.id).await.unwrap().unwrap().status, "paid");
    }
    assert_eq!(state_of(&app, busy).await, "pending_payment", "another order is not paid with the series");
    // Each visit is offered first to the worker holding it.
    server::jobs::run_due_jobs(&app.state).await;
    let mut offers = Vec::new();
    for visit in &visits {
        let offer = app.state.store.offers_for_order(visit.id).await.unwrap().remove(0);
        assert_eq!(offer.worker_name, "赵阿姨");
        offers.push(offer.id);
    }
    // Only the worker offered it may take the series, and she takes every visit in one tap.
    let li = app.session_for(LI).await;
    assert_eq!(app.post("/api/accept_series", &format!("offer_id={}", offers[0]), Some(&li)).await.error(), AppError::Forbidden);
    let zhao = app.session_for(ZHAO).await;
    let taken = app.post("/api/accept_series", &format!("offer_id={}", offers[1]), Some(&zhao)).await;
    assert_eq!(taken.body, "3");
    for visit in &visits {
        assert_eq!(state_of(&app, visit.id).await, "accepted");
        assert_eq!(app.state.store.order(visit.id).await.unwrap().unwrap().worker_id, holders[0]);
    }
}

/// A weekly series of `visits` from two days ahead at 10:00, placed and paid; its visits in order.
async fn paid_weekly_series(app: &TestApp, customer: &str, service: i64, visits: usize) -> Vec<store::OrderRecord> {
    let response = app.post("/api/place_order", &series_booking(service, beijing(2, 10), "weekly", &visits.to_string()), Some(customer)).await;
    let PlaceOutcome::Placed { order_id: first } = serde_json::from_str(&response.body).unwrap() else { panic!("{}", response.body) };
    assert_eq!(app.post("/api/sandbox_pay", &format!("order_id={first}"), Some(customer)).await.status, StatusCode::OK);
    server::jobs::run_due_jobs(&app.state).await;
    let mut placed = app.state.store.orders(&store::OrderFilter { series_id: Some(first), ..store::OrderFilter::newest(10) }).await.unwrap();
    placed.sort_by_key(|o| o.series_index);
    assert_eq!(placed.len(), visits);
    placed
}

#[tokio::test]
async fn cancelling_a_visit_and_the_later_ones_cancels_each_under_its_own_fee_and_leaves_the_earlier_ones() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let visits = paid_weekly_series(&app, &customer, service, 3).await;
    let ids: Vec<i64> = visits.iter().map(|o| o.id).collect();
    let series_cancel = |body: &str| serde_json::from_str::<app::api::orders::OrderView>(body).unwrap().series_cancel;
    let detail = |k: usize| format!("order_id={}", ids[k]);

    // Each visit's page says what cancelling from it takes; the last visit alone has nothing more than its own cancel.
    let from_first = app.post("/api/order_detail", &detail(0), Some(&customer)).await;
    assert_eq!(series_cancel(&from_first.body), Some(app::api::orders::SeriesCancel { visits: 3, fee_fen: 0, package_fen: 0, ends_package: false }));
    assert_eq!(series_cancel(&app.post("/api/order_detail", &detail(2), Some(&customer)).await.body), None);
    // Nobody else may, and a single booking is no series.
    let stranger = app.session("13800000098", domain::Role::Customer).await;
    assert_eq!(app.post("/api/cancel_series_from", &format!("order_id={}", ids[1]), Some(&stranger)).await.status, StatusCode::FORBIDDEN);
    let li = app.session_for(LI).await;
    assert_eq!(app.post("/api/cancel_series_from", &format!("order_id={}", ids[1]), Some(&li)).await.status, StatusCode::FORBIDDEN);
    let single = place(&app, &customer, beijing(1, 15)).await;
    let refused = app.post("/api/cancel_series_from", &format!("order_id={single}"), Some(&customer)).await;
    assert_eq!(refused.error(), AppError::Refused(Msg::ErrNotASeries));
    assert_eq!(state_of(&app, single).await, "pending_payment");

    // An hour before the second visit: it costs its 20% fee, the third is still free.
    let until = u64::try_from(visits[1].starts_at.unix_timestamp() - 3600 - app.state.clock.now().unix_timestamp()).unwrap();
    app.state.clock.advance(Duration::from_secs(until));
    let from_second = app.post("/api/order_detail", &detail(1), Some(&customer)).await;
    assert_eq!(series_cancel(&from_second.body), Some(app::api::orders::SeriesCancel { visits: 2, fee_fen: 1800, package_fen: 0, ends_package: false }));
    let done = app.post("/api/cancel_series_from", &format!("order_id={}", ids[1]), Some(&customer)).await;
    assert_eq!((done.status, done.body.as_str()), (StatusCode::OK, "2"));
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(state_of(&app, ids[0]).await, "booked", "the visit before is kept");
    for (k, fee) in [(1, 1800), (2, 0)] {
        let visit = app.state.store.order(ids[k]).await.unwrap().unwrap();
        assert_eq!((visit.state.as_str(), visit.cancel_fee_fen, visit.refund_fen), ("refunded", fee, 9000 - fee), "visit {}", k + 1);
    }
    // Booked again from any visit, the form starts with the series' terms.
    let again = app.post("/api/booking_start", &format!("service_id={service}&rebook={}", ids[2]), Some(&customer)).await;
    let draft: app::api::orders::BookingDraft = serde_json::from_str(&again.body).unwrap_or_else(|e| panic!("{e}: {}", again.body));
    assert_eq!((draft.repeat.as_str(), draft.visits), ("weekly", 3));

    // Asked again, there is nothing left to cancel from there, and nothing changes.
    let again = app.post("/api/cancel_series_from", &format!("order_id={}", ids[1]), Some(&customer)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrIllegalStep));
    assert_eq!(state_of(&app, ids[0]).await, "booked");
}

#[tokio::test]
async fn a_platform_cancel_takes_the_later_visits_of_a_series_along_only_when_asked() {
    let app = demo_app(Config::default()).await;
    let (admin, customer) = (app.session_for("13700000000").await, app.session_for(CUSTOMER).await);
    let service = cleaning_service(&app).await;
    let ids: Vec<i64> = paid_weekly_series(&app, &customer, service, 4).await.iter().map(|o| o.id).collect();
    let cancel = |id: i64, along: &str| form(&[("order_id", id.to_string()), ("reason", "服务者请长假，由客服取消".into()), ("with_later_visits", along.into())]);

    // The customer may not use the platform's cancel.
    assert_eq!(app.post("/api/admin_cancel_order", &cancel(ids[1], "true"), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    // Without asking, one visit; asked, the later ones not yet under way go too.
    let one = app.post("/api/admin_cancel_order", &form(&[("order_id", ids[3].to_string()), ("reason", "顾客那周出差".into())]), Some(&admin)).await;
    assert_eq!((one.status, one.body.as_str()), (StatusCode::OK, "1"));
    let along = app.post("/api/admin_cancel_order", &cancel(ids[1], "true"), Some(&admin)).await;
    assert_eq!((along.status, along.body.as_str()), (StatusCode::OK, "2"), "the fourth was cancelled already");
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(state_of(&app, ids[0]).await, "booked", "the visit before is kept");
    for id in &ids[1..] {
        let visit = app.state.store.order(*id).await.unwrap().unwrap();
        assert_eq!((visit.state.as_str(), visit.cancel_fee_fen, visit.refund_fen), ("refunded", 0, 8550), "a visit at the 4-visit package price");
    }
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    let cancelled: Vec<&str> = audit.iter().filter(|a| a.action == "cancel_order").map(|a| a.target.as_str()).collect();
    assert_eq!(cancelled.len(), 3, "one audit row per visit: {cancelled:?}");
    assert!(ids[1..].iter().all(|id| cancelled.contains(&format!("order:{id}").as_str())));
}

#[tokio::test]
async fn a_coupon_on_a_recurring_booking_comes_off_the_first_visit_and_is_used_once() {
    let app = demo_app(Config::default()).await;
    let (admin, customer) = (app.session_for("13700000000").await, app.session_for(CUSTOMER).await);
    let service = cleaning_service(&app).await;
    let today = app::api::format_beijing(time::OffsetDateTime::now_utc().unix_timestamp())[..10].to_string();
    let created = app.post("/api/admin_create_coupon", &coupon_form("周期立减", &today, "2099-12-31"), Some(&admin)).await;
    let coupon_id: i64 = serde_json::from_str(&created.body).unwrap_or_else(|e| panic!("{e}: {}", created.body));
    assert_eq!(app.post("/api/claim_coupon", &form(&[("coupon_id", coupon_id.to_string())]), Some(&customer)).await.status, StatusCode::OK);
    let customer_id = app.state.store.credentials_by_phone(&domain::Phone::parse(CUSTOMER).unwrap()).await.unwrap().unwrap().user_id.0;
    let claim = app.state.store.customer_claims(customer_id).await.unwrap().into_iter().find(|k| k.coupon_id == coupon_id).unwrap().id;
    let first = beijing(2, 10);

    let prices = app.post("/api/quote_series", &format!("service_id={service}&units=2&start={first}&lat=31.2304&lng=121.4737&repeat=weekly&visits=3&claim_id={claim}"), Some(&customer)).await;
    assert_eq!(serde_json::from_str::<Vec<i64>>(&prices.body).unwrap(), vec![8000, 9000, 9000], "{}", prices.body);
    // Only its owner quotes with it.
    let anonymous = app.post("/api/quote_series", &format!("service_id={service}&units=2&start={first}&repeat=weekly&visits=3&claim_id={claim}"), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let booking = |at: i64| format!("{}&claim_id={claim}&repeat=weekly&visits=3", booking(service, at, 8000, "31.2304", "121.4737", "黄浦区人民大道1号"));
    let placed = app.post("/api/place_order", &booking(first), Some(&customer)).await;
    let PlaceOutcome::Placed { order_id } = serde_json::from_str(&placed.body).unwrap_or_else(|e| panic!("{e}: {}", placed.body)) else { panic!("{}", placed.body) };
    let mut visits = app.state.store.orders(&store::OrderFilter { series_id: Some(order_id), ..store::OrderFilter::newest(10) }).await.unwrap();
    visits.sort_by_key(|o| o.series_index);
    assert_eq!(visits.iter().map(|o| o.total_fen).collect::<Vec<_>>(), vec![8000, 9000, 9000]);
    let used_on = app.state.store.customer_claims(customer_id).await.unwrap().into_iter().find(|k| k.id == claim).unwrap().order_id;
    assert_eq!(used_on, Some(visits[0].id));
    // A second series with the same coupon is refused beside it and books nothing.
    let again = app.post("/api/place_order", &booking(beijing(3, 10)), Some(&customer)).await;
    assert_eq!(again.error(), AppError::invalid(Field::Coupon, Msg::ErrCouponUsed));
    assert_eq!(app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_recurring_booking_nobody_can_keep_or_with_bad_terms_is_refused_beside_its_field_and_places_nothing() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let first = beijing(2, 10);
    let next_week = first + 7 * 86_400;
    // Both workers are held a week on.
    let held = [place(&app, &customer, next_week).await, place(&app, &customer, next_week).await];
    let cases = [
        (series_booking(service, first, "daily", "3"), Field::Repeat, Msg::ErrRepeatInterval),
        (series_booking(service, first, "weekly", "9"), Field::Repeat, Msg::ErrRepeatVisits),
        (series_booking(service, first, "weekly", "1"), Field::Repeat, Msg::ErrRepeatVisits),
        (format!("{}&claim_id=999", series_booking(service, first, "weekly", "2")), Field::Coupon, Msg::ErrCouponNotFound),
        (series_booking(service, first, "weekly", "2"), Field::Repeat, Msg::ErrSeriesNoWorker),
        (series_booking(service, first, "weekly", "3"), Field::Repeat, Msg::ErrSeriesNoWorker),
    ];
    for (body, field, msg) in cases {
        let response = app.post("/api/place_order", &body, Some(&customer)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert_eq!(response.error(), AppError::Invalid { field, msg });
    }
    let placed: Vec<i64> = app.state.store.orders(&store::OrderFilter::newest(10)).await.unwrap().iter().map(|o| o.id).collect();
    assert_eq!(placed.len(), held.len(), "only the two single bookings");
    // Every other week skips the week where both are held, and later visits
    // may lie past the booking window the first one is chosen in.
    let response = app.post("/api/place_order", &series_booking(service, first, "biweekly", "2"), Some(&customer)).await;
    assert!(matches!(serde_json::from_str(&response.body), Ok(PlaceOutcome::Placed { .. })), "{}", response.body);
}

fn reschedule(order_id: i64, start: i64) -> String {
    format!("order_id={order_id}&start={start}")
}

/// Whether a 开始前 reminder of `order_id` is due by `at` (claiming every due job, as a runner would).
async fn start_reminder_due_by(app: &TestApp, order_id: i64, at: i64) -> bool {
    let at = time::OffsetDateTime::from_unix_timestamp(at).unwrap();
    let due = app.state.store.claim_due_jobs(at, at + Duration::from_secs(60), 1000).await.unwrap();
    due.iter().any(|job| job.kind == "remind_start" && job.ref_id == order_id)
}

/// 改期: the customer moves an accepted order to a slot its worker has
/// free. The order keeps its worker, length and price, the timeline says
/// from what to what, the start reminder moves with it, the worker is
/// texted the new time, and one move of the two allowed is left (a later
/// move by 客服 does not use it up).
#[tokio::test]
async fn a_customer_moves_an_accepted_order_and_its_worker_reminder_and_timeline_follow() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let (from, to) = (beijing(2, 10), beijing(3, 14));
    let order_id = accepted_by_li(&app, &customer, from, &li).await;
    let before = app.state.store.order(order_id).await.unwrap().unwrap();

    let slots = app.post("/api/reschedule_slots", &format!("order_id={order_id}"), Some(&customer)).await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
    let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(&slots.body).unwrap();
    let slot = |at: i64| days.iter().flat_map(|d| &d.slots).find(|s| s.start == at).cloned().unwrap();
    assert!(slot(to).available, "李阿姨 is free then");
    assert!(!slot(from).available && slot(from).current, "its own time is marked, not offered again");

    let moved = app.post("/api/reschedule_order", &reschedule(order_id, to), Some(&customer)).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let after = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((after.starts_at.unix_timestamp(), after.ends_at - after.starts_at), (to, before.ends_at - before.starts_at));
    assert_eq!((after.state.as_str(), after.worker_id, after.total_fen), ("accepted", before.worker_id, before.total_fen));
    let events = app.state.store.order_events(order_id).await.unwrap();
    let event = events.iter().find(|e| e.kind == booking::RESCHEDULE_EVENT).expect("the move is on the timeline");
    assert_eq!((event.from_state.as_deref(), event.to_state.as_str(), event.actor_kind.as_str()), (Some("accepted"), "accepted", "customer"));
    assert!(event.detail.contains(&app::api::format_beijing(from)) && event.detail.contains(&app::api::format_beijing(to)), "{}", event.detail);

    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    assert_eq!(view.reschedules_left, Some(booking::MAX_RESCHEDULES - 1));
    let worker_view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&li)).await.body).unwrap();
    assert_eq!((worker_view.card.starts_at, worker_view.reschedules_left), (to, None), "the worker sees the new time and cannot move it");

    server::jobs::run_due_jobs(&app.state).await;
    server::jobs::run_due_jobs(&app.state).await;
    let told = |user_id: i64| {
        let store = app.state.store.clone();
        async move {
            let messages = store.messages(user_id, 20).await.unwrap();
            messages.into_iter().filter(|m| m.order_id == Some(order_id) && m.kind.starts_with("moved")).map(|m| (m.channel, m.body)).collect::<Vec<_>>()
        }
    };
    let worker_told = told(after.worker_id.unwrap()).await;
    assert_eq!(worker_told.len(), 1, "李阿姨 is texted once: {worker_told:?}");
    assert_eq!(worker_told[0].0, "sms");
    assert!(worker_told[0].1.contains(&app::api::format_beijing(to)), "{}", worker_told[0].1);
    let pay = domain::Fen::new(after.total_fen - after.total_fen * i64::from(after.commission_bps.unwrap()) / 10_000);
    assert!(worker_told[0].1.contains(&format!("本单收入{pay}")), "what the order pays her now: {}", worker_told[0].1);
    assert!(told(after.customer_id).await.is_empty(), "the customer moved it themselves");

    assert!(!start_reminder_due_by(&app, order_id, from - 1800).await, "no reminder at the old time");
    assert!(start_reminder_due_by(&app, order_id, to - 1800).await, "the reminder comes before the new time");

    // A move by 客服 does not use up the customer's own.
    let admin = app.session_for("13700000000").await;
    let by_admin = form(&[("order_id", order_id.to_string()), ("start", beijing(4, 14).to_string()), ("reason", "服务者临时有事".into())]);
    assert_eq!(app.post("/api/admin_reschedule_order", &by_admin, Some(&admin)).await.status, StatusCode::OK);
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    assert_eq!((view.card.starts_at, view.reschedules_left), (beijing(4, 14), Some(booking::MAX_RESCHEDULES - 1)));
}

/// A move that cannot be kept is refused with its reason and changes
/// nothing: the worker busy then, the same time, past the booking window,
/// a price that differs (the evening peak), someone else's order, a third
/// move, or a move once a cancel would cost a fee.
#[tokio::test]
async fn a_move_the_worker_or_the_rules_cannot_keep_is_refused_and_changes_nothing() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let other = app.session("13800000098", domain::Role::Customer).await;
    let li = app.session_for(LI).await;
    let order_id = accepted_by_li(&app, &customer, beijing(2, 10), &li).await;
    let busy_then = beijing(3, 10);
    accepted_by_li(&app, &customer, busy_then, &li).await;
    let unchanged = |app: &TestApp| {
        let store = app.state.store.clone();
        async move {
            let order = store.order(order_id).await.unwrap().unwrap();
            let moves = store.order_events(order_id).await.unwrap().iter().filter(|e| e.kind == booking::RESCHEDULE_EVENT).count();
            (order.starts_at.unix_timestamp(), order.state, moves)
        }
    };
    let first = unchanged(&app).await;

    let refused = |start: i64, who: String| {
        let app = &app;
        async move { app.post("/api/reschedule_order", &reschedule(order_id, start), Some(&who)).await }
    };
    assert_eq!(refused(busy_then, customer.clone()).await.error(), AppError::invalid(Field::Slot, Msg::ErrWorkerNotFreeThen));
    assert_eq!(refused(beijing(2, 10), customer.clone()).await.error(), AppError::invalid(Field::Slot, Msg::ErrSameTime));
    assert_eq!(refused(beijing(20, 10), customer.clone()).await.error(), AppError::invalid(Field::Slot, Msg::ErrSlotTooFar));
    assert_eq!(refused(beijing(4, 18), customer.clone()).await.error(), AppError::invalid(Field::Slot, Msg::ErrRescheduleDearer));
    assert_eq!(refused(beijing(4, 10), other.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(refused(beijing(4, 10), li.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(unchanged(&app).await, first);

    for day in 4..4 + i64::from(booking::MAX_RESCHEDULES) {
        assert_eq!(refused(beijing(day, 10), customer.clone()).await.status, StatusCode::OK);
    }
    let too_often = refused(beijing(9, 10), customer.clone()).await;
    assert_eq!(too_often.error(), AppError::Refused(Msg::ErrRescheduledTooOften));
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&customer)).await.body).unwrap();
    assert_eq!(view.reschedules_left, None);

    let late = demo_app(past_the_cut_off()).await;
    let customer = late.session_for(CUSTOMER).await;
    let order_id = place(&late, &customer, beijing(2, 10)).await;
    pay(&late, order_id).await;
    let too_late = late.post("/api/reschedule_order", &reschedule(order_id, beijing(3, 10)), Some(&customer)).await;
    assert_eq!(too_late.error(), AppError::Refused(Msg::ErrTooLateToReschedule));
    let slots = late.post("/api/reschedule_slots", &format!("order_id={order_id}"), Some(&customer)).await;
    assert_eq!(slots.error(), AppError::Refused(Msg::ErrTooLateToReschedule));
    assert_eq!(late.state.store.order(order_id).await.unwrap().unwrap().starts_at.unix_timestamp(), beijing(2, 10));
}

/// The booking calendar says what an evening-peak slot adds to the list
/// price (two hours at ¥45, ×1.2 from 18:00), and nothing on a morning.
#[tokio::test]
async fn booking_slots_say_what_the_peak_adds() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let service = cleaning_service(&app).await;
    let at_square = form(&[("service_id", service.to_string()), ("units", "2".into()), ("lat", "31.2304".into()), ("lng", "121.4737".into())]);
    let slots = app.post("/api/booking_slots", &at_square, Some(&customer)).await;
    let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(&slots.body).unwrap_or_else(|e| panic!("{e}: {}", slots.body));
    let change = |at: i64| days.iter().flat_map(|d| &d.slots).find(|s| s.start == at).map(|s| (s.available, s.price_change_fen));
    assert_eq!(change(beijing(2, 18)), Some((true, 1_800)));
    assert_eq!(change(beijing(2, 10)), Some((true, 0)));
}

/// 改期 out of the evening peak: the slots say what moving there gives
/// back, the order takes the new price, the difference goes back to the
/// customer (and they are told once it has), the worker will be paid on
/// the new price, and a later cancel refunds what the order still holds.
/// Back into the peak is not offered.
#[tokio::test]
async fn a_move_to_a_cheaper_time_refunds_the_difference_and_a_dearer_one_is_not_offered() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let (peak, day) = (beijing(2, 18), beijing(3, 10));
    let order_id = taken_by_li(&app, place_quoted(&app, &customer, peak, 10_800).await, &li).await;
    let slots = || {
        let (app, customer) = (&app, customer.clone());
        async move {
            let slots = app.post("/api/reschedule_slots", &format!("order_id={order_id}"), Some(&customer)).await;
            serde_json::from_str::<Vec<app::api::orders::DaySlots>>(&slots.body).unwrap().into_iter().flat_map(|d| d.slots).collect::<Vec<_>>()
        }
    };
    let offered = slots().await;
    let slot = |at: i64| offered.iter().find(|s| s.start == at).cloned().unwrap();
    assert_eq!((slot(day).available, slot(day).price_change_fen), (true, -1_800), "¥18 of peak surcharge comes back");
    assert_eq!((slot(peak + 86_400).available, slot(peak + 86_400).price_change_fen), (true, 0));

    let moved = app.post("/api/reschedule_order", &reschedule(order_id, day), Some(&customer)).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((order.starts_at.unix_timestamp(), order.total_fen, order.paid_fen, order.refund_fen), (day, 9_000, 10_800, 1_800));
    let quote: pricing::Quote = serde_json::from_str(&order.quote_json).unwrap();
    assert!(quote.lines.iter().all(|l| l.kind != pricing::LineKind::TimeSurcharge), "{quote:?}");
    let events = app.state.store.order_events(order_id).await.unwrap();
    let event = events.iter().find(|e| e.kind == booking::RESCHEDULE_EVENT).unwrap();
    assert!(event.detail.ends_with("差价 ¥18.00 原路退回"), "{}", event.detail);
    let view: app::api::orders::OrderView =
        serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={order_id}"), Some(&li)).await.body).unwrap();
    assert_eq!(view.card.total_fen, 9_000, "the worker sees the new price");

    server::jobs::run_due_jobs(&app.state).await;
    let to_li = app.state.store.messages(order.worker_id.unwrap(), 20).await.unwrap().into_iter().find(|m| m.kind.starts_with("moved")).unwrap().body;
    let pay = domain::Fen::new(9_000 - 9_000 * i64::from(order.commission_bps.unwrap()) / 10_000);
    assert!(to_li.contains(&format!("本单收入{pay}")), "李阿姨 is told what the cheaper time pays her: {to_li}");
    let refunds_told = |app: &TestApp| {
        let store = app.state.store.clone();
        let customer_id = order.customer_id;
        async move {
            let mut told: Vec<String> =
                store.messages(customer_id, 20).await.unwrap().into_iter().filter(|m| m.kind.starts_with("refunded") && m.channel == "in_app").map(|m| m.body).collect();
            told.sort();
            told
        }
    };
    let told = refunds_told(&app).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("退款 ¥18.00 已原路退回"), "{}", told[0]);
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());

    // Back into the peak would cost more: shown, not offered, refused.
    let offered = slots().await;
    let back = offered.iter().find(|s| s.start == peak + 86_400).unwrap();
    assert_eq!((back.available, back.price_change_fen), (false, 1_800));
    let dearer = app.post("/api/reschedule_order", &reschedule(order_id, peak + 86_400), Some(&customer)).await;
    assert_eq!(dearer.error(), AppError::invalid(Field::Slot, Msg::ErrRescheduleDearer));

    // Cancelled in the free period: what the order still holds comes back, nothing more.
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(settled(&app, order_id).await, ("refunded".into(), 0, 10_800));
    let told = refunds_told(&app).await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told[0].contains("退款 ¥18.00") && told[1].contains("退款 ¥90.00"), "{told:?}");
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

/// 客服改期 out of the evening peak gives the customer the difference back,
/// as their own move would (into the peak the price paid stands, below).
#[tokio::test]
async fn an_admin_move_to_a_cheaper_time_refunds_the_difference() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let admin = app.session_for("13700000000").await;
    let (peak, day) = (beijing(2, 18), beijing(3, 10));
    let order_id = taken_by_li(&app, place_quoted(&app, &customer, peak, 10_800).await, &li).await;
    let slots = app.post("/api/admin_reschedule_slots", &format!("order_id={order_id}"), Some(&admin)).await;
    let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(&slots.body).unwrap_or_else(|e| panic!("{e}: {}", slots.body));
    let slot = |at: i64| days.iter().flat_map(|d| &d.slots).find(|s| s.start == at).map(|s| (s.available, s.price_change_fen));
    assert_eq!(slot(day), Some((true, -1_800)));
    assert_eq!(slot(peak + 86_400), Some((true, 0)), "the peak again, at the price paid");

    let by_admin = form(&[("order_id", order_id.to_string()), ("start", day.to_string()), ("reason", "服务者临时有事".into())]);
    assert_eq!(app.post("/api/admin_reschedule_order", &by_admin, Some(&admin)).await.status, StatusCode::OK);
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!((order.starts_at.unix_timestamp(), order.total_fen, order.refund_fen), (day, 9_000, 1_800));
    let events = app.state.store.order_events(order_id).await.unwrap();
    let event = events.iter().find(|e| e.kind == booking::RESCHEDULE_EVENT).unwrap();
    assert!(event.detail.starts_with("客服改期：服务者临时有事") && event.detail.ends_with("差价 ¥18.00 原路退回）"), "{}", event.detail);
    assert!(app.state.store.ledger_audit().await.unwrap().is_empty());
}

/// 客服改期: past the customer's cut-off and into the evening peak, an
/// admin moves an accepted order for its customer. It keeps its worker
/// and the amount paid; the reason is on the timeline and in the audit
/// log. Without a reason, to a time the worker is busy, by anyone else, or
/// once the worker has set off, nothing changes.
#[tokio::test]
async fn an_admin_moves_an_order_for_its_customer_past_their_limits_and_the_price_paid_stands() {
    let app = demo_app(past_the_cut_off()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let admin = app.session_for("13700000000").await;
    let (from, to) = (beijing(2, 10), beijing(3, 18));
    let order_id = accepted_by_li(&app, &customer, from, &li).await;
    let busy_then = beijing(3, 14);
    accepted_by_li(&app, &customer, busy_then, &li).await;
    let before = app.state.store.order(order_id).await.unwrap().unwrap();
    let by_admin = |start: i64, reason: &str| form(&[("order_id", order_id.to_string()), ("start", start.to_string()), ("reason", reason.to_string())]);
    assert_eq!(app.post("/api/reschedule_order", &reschedule(order_id, to), Some(&customer)).await.error(), AppError::Refused(Msg::ErrTooLateToReschedule));

    let slots = app.post("/api/admin_reschedule_slots", &format!("order_id={order_id}"), Some(&admin)).await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
    let days: Vec<app::api::orders::DaySlots> = serde_json::from_str(&slots.body).unwrap();
    let slot = |at: i64| days.iter().flat_map(|d| &d.slots).find(|s| s.start == at).cloned().unwrap();
    assert!(slot(to).available && !slot(busy_then).available && slot(from).current);

    let snapshot = app.snapshot().await;
    let unexplained = app.post("/api/admin_reschedule_order", &by_admin(to, " "), Some(&admin)).await;
    assert_eq!(unexplained.error(), AppError::invalid(Field::RescheduleReason, Msg::ErrRescheduleReasonRequired));
    let busy = app.post("/api/admin_reschedule_order", &by_admin(busy_then, "顾客来电"), Some(&admin)).await;
    assert_eq!(busy.error(), AppError::invalid(Field::Slot, Msg::ErrWorkerNotFreeThen));
    for someone in [&customer, &li] {
        assert_eq!(app.post("/api/admin_reschedule_order", &by_admin(to, "顾客来电"), Some(someone)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.post("/api/admin_reschedule_slots", &format!("order_id={order_id}"), Some(someone)).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.snapshot().await, snapshot);

    let moved = app.post("/api/admin_reschedule_order", &by_admin(to, "顾客来电，白天不在家"), Some(&admin)).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let after = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(after.starts_at.unix_timestamp(), to);
    assert_eq!((after.state.as_str(), after.worker_id, after.total_fen, after.paid_fen), ("accepted", before.worker_id, before.total_fen, before.paid_fen));
    let events = app.state.store.order_events(order_id).await.unwrap();
    let event = events.iter().find(|e| e.kind == booking::RESCHEDULE_EVENT).expect("the move is on the timeline");
    assert_eq!(event.actor_kind, "admin");
    assert!(event.detail.starts_with("客服改期：顾客来电，白天不在家") && event.detail.contains(&app::api::format_beijing(to)), "{}", event.detail);
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "reschedule_order" && a.target == format!("order:{order_id}") && a.detail.ends_with("顾客来电，白天不在家")));
    server::jobs::run_due_jobs(&app.state).await;
    server::jobs::run_due_jobs(&app.state).await;
    let customer_id = after.customer_id;
    let told: Vec<_> = app.state.store.messages(customer_id, 20).await.unwrap().into_iter().filter(|m| m.order_id == Some(order_id) && m.kind.starts_with("moved")).collect();
    assert_eq!(told.iter().map(|m| m.channel.as_str()).collect::<std::collections::BTreeSet<_>>(), ["in_app", "sms"].into(), "once on each channel: {told:?}");
    assert!(told[0].body.contains(&app::api::format_beijing(to)) && told[0].body.ends_with("原因：顾客来电，白天不在家"), "{}", told[0].body);

    let on_the_way = app.post("/api/order_step", &format!("order_id={order_id}&step=depart&lat=31.23&lng=121.47"), Some(&li)).await;
    assert_eq!(on_the_way.status, StatusCode::OK, "{}", on_the_way.body);
    let late = app.post("/api/admin_reschedule_order", &by_admin(beijing(4, 10), "再改一次"), Some(&admin)).await;
    assert_eq!(late.error(), AppError::Refused(Msg::ErrNotReschedulable));
    assert_eq!(app.state.store.order(order_id).await.unwrap().unwrap().starts_at.unix_timestamp(), to);
}

/// B3 for moves: two of 李阿姨's orders moved into the same free hour at
/// once; exactly one gets it, on either database.
#[tokio::test]
async fn two_moves_into_the_same_free_hour_of_one_worker_leave_exactly_one_there() {
    let app = demo_app(Config::default()).await;
    let customer = app.session_for(CUSTOMER).await;
    let li = app.session_for(LI).await;
    let first = accepted_by_li(&app, &customer, beijing(2, 10), &li).await;
    let second = accepted_by_li(&app, &customer, beijing(3, 10), &li).await;
    let target = beijing(4, 10);
    let (move_first, move_second) = (reschedule(first, target), reschedule(second, target));
    let (a, b) = tokio::join!(
        app.post("/api/reschedule_order", &move_first, Some(&customer)),
        app.post("/api/reschedule_order", &move_second, Some(&customer)),
    );
    let won = [&a, &b].iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(won, 1, "{} / {}", a.body, b.body);
    let lost = if a.status == StatusCode::OK { &b } else { &a };
    assert_eq!(lost.error(), AppError::invalid(Field::Slot, Msg::ErrWorkerNotFreeThen));
    let mut starts = Vec::new();
    for id in [first, second] {
        starts.push(app.state.store.order(id).await.unwrap().unwrap().starts_at.unix_timestamp());
    }
    assert_eq!(starts.iter().filter(|&&s| s == target).count(), 1);
}

/// `YYYY-MM-DDTHH:MM` (Beijing), as a datetime-local input sends it, `days` from today at `hour`:00.
fn beijing_minute(days: i64, hour: i64) -> String {
    format!("{}T{hour:02}:00", beijing_day(days))
}

#[tokio::test]
async fn a_family_meets_the_nannies_staff_shortlist_and_chooses_one_they_interviewed() {
    use app::api::placement::{InterviewView, PlacementView, ShortlistOption};
    use booking::{CandidateStatus, PlacementStatus};
    let app = demo_app(Config::default()).await;
    let (customer, admin) = (app.session_for(CUSTOMER).await, app.session_for("13700000000").await);
    let (li_session, zhao_session) = (app.session_for(LI).await, app.session_for(ZHAO).await);
    let other_customer = app.session("13800000099", domain::Role::Customer).await;
    let (li, zhao) = (user_id(&app, LI).await, user_id(&app, ZHAO).await);
    let applicant = user_id(&app, "13900000002").await;
    let services = app.state.store.listed_services(None).await.unwrap();
    let nanny = services.iter().find(|s| s.name == "金牌月嫂 · 26天").unwrap().id;
    let cleaning = cleaning_service(&app).await;
    let ask = |service: i64, day: String, needs: &str| form(&[("service_id", service.to_string()), ("start_day", day), ("needs", needs.into())]);
    let needs = "预产期下月中旬，需要会做月子餐";
    let mine = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<Vec<PlacementView>>(&app.post("/api/my_placements", "", Some(&token)).await.body).unwrap() }
    };

    // Bad requests are named beside their field and record nothing.
    let past = app.post("/api/request_placement", &ask(nanny, beijing_day(0), needs), Some(&customer)).await;
    assert_eq!(past.error(), AppError::invalid(Field::StartDay, Msg::ErrStartDayPast));
    let far = app.post("/api/request_placement", &ask(nanny, beijing_day(181), needs), Some(&customer)).await;
    assert_eq!(far.error(), AppError::invalid(Field::StartDay, Msg::ErrStartDayTooFar));
    let short = app.post("/api/request_placement", &ask(nanny, beijing_day(20), "要好"), Some(&customer)).await;
    assert_eq!(short.error(), AppError::invalid(Field::Needs, Msg::ErrFeedbackTooShort));
    let not_nanny = app.post("/api/request_placement", &ask(cleaning, beijing_day(20), needs), Some(&customer)).await;
    assert_eq!(not_nanny.error(), AppError::Refused(Msg::ErrNotPlacedService));
    assert_eq!(app.post("/api/request_placement", &ask(nanny, beijing_day(20), needs), Some(&li_session)).await.status, StatusCode::FORBIDDEN);
    assert!(mine(customer.clone()).await.is_empty());

    let asked = app.post("/api/request_placement", &ask(nanny, beijing_day(20), needs), Some(&customer)).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let placement: i64 = serde_json::from_str(&asked.body).unwrap();
    let twice = app.post("/api/request_placement", &ask(nanny, beijing_day(25), needs), Some(&customer)).await;
    assert_eq!(twice.error(), AppError::Refused(Msg::ErrPlacementOpen), "one open request per service");
    assert!(mine(other_customer.clone()).await.is_empty(), "another customer sees none of it");
    let listed = mine(customer.clone()).await;
    assert_eq!((listed.len(), listed[0].status, listed[0].customer.is_none()), (1, PlacementStatus::Requested, true));

    // Staff shortlist qualified nannies only, each once.
    let options: Vec<ShortlistOption> =
        serde_json::from_str(&app.post("/api/admin_shortlist_options", &format!("placement_id={placement}"), Some(&admin)).await.body).unwrap();
    assert!(options.iter().any(|o| o.worker_id == zhao) && options.iter().all(|o| o.worker_id != applicant), "{options:?}");
    let propose = |worker: i64| form(&[("placement_id", placement.to_string()), ("worker_id", worker.to_string())]);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose(zhao), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose(applicant), Some(&admin)).await.error(), AppError::Refused(Msg::ErrNannyNotQualified));
    assert_eq!(app.post("/api/admin_propose_nanny", &propose(zhao), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose(zhao), Some(&admin)).await.error(), AppError::Refused(Msg::ErrNannyListed));
    let listed = mine(customer.clone()).await;
    assert_eq!(listed[0].status, PlacementStatus::Shortlisted);
    assert_eq!((listed[0].candidates[0].worker_id, listed[0].candidates[0].status), (zhao, CandidateStatus::Proposed));

    // The family invites her for a time inside the rules; only they may.
    let step = |worker: i64, step: &str, at: Option<String>| {
        let mut fields = vec![("placement_id", placement.to_string()), ("worker_id", worker.to_string()), ("step", step.to_string())];
        fields.extend(at.map(|at| ("interview_at", at)));
        form(&fields)
    };
    let at_night = app.post("/api/placement_step", &step(zhao, "invite", Some(beijing_minute(1, 22))), Some(&customer)).await;
    assert_eq!(at_night.error(), AppError::invalid(Field::InterviewAt, Msg::ErrInterviewHours));
    let too_far = app.post("/api/placement_step", &step(zhao, "invite", Some(beijing_minute(15, 10))), Some(&customer)).await;
    assert_eq!(too_far.error(), AppError::invalid(Field::InterviewAt, Msg::ErrInterviewTooFar));
    let no_time = app.post("/api/placement_step", &step(zhao, "invite", None), Some(&customer)).await;
    assert_eq!(no_time.error(), AppError::invalid(Field::InterviewAt, Msg::ErrInterviewMissing));
    assert_eq!(app.post("/api/placement_step", &step(zhao, "invite", Some(beijing_minute(1, 10))), Some(&other_customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/placement_step", &step(zhao, "accept", None), Some(&customer)).await.error(), AppError::Refused(Msg::ErrCandidateStep));
    assert_eq!(mine(customer.clone()).await[0].candidates[0].status, CandidateStatus::Proposed, "refused steps change nothing");
    let invited = app.post("/api/placement_step", &step(zhao, "invite", Some(beijing_minute(1, 10))), Some(&customer)).await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    assert_eq!(app.post("/api/placement_step", &step(zhao, "choose", None), Some(&customer)).await.error(), AppError::Refused(Msg::ErrCandidateStep), "not before she agreed to meet");

    // She reads the invitation (the family's name, never their phone) and accepts it once; Li is not asked.
    let interviews = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<Vec<InterviewView>>(&app.post("/api/my_interviews", "", Some(&token)).await.body).unwrap() }
    };
    let texts_to = |phone: &str| app.sms.sent().into_iter().filter(|(to, _)| to == phone).map(|(_, text)| text).collect::<Vec<_>>();
    let invitation_text = format!("【到家】张女士想在{}与她面试", app::api::format_beijing(beijing(1, 10)));
    assert_eq!(texts_to(ZHAO), [invitation_text.replace("与她", "与您") + "（金牌月嫂 · 26天），请在“面试邀请”里接受或婉拒。"], "she is texted, without the family's phone");
    assert!(texts_to(CUSTOMER).iter().any(|t| t.contains("推荐了阿姨赵阿姨")), "{:?}", app.sms.sent());
    let waiting = |token: String| {
        let app = &app;
        async move { serde_json::from_str::<app::api::worker::WorkerHomeView>(&app.post("/api/worker_home", "", Some(&token)).await.body).unwrap().interview_invitations }
    };
    assert_eq!((waiting(zhao_session.clone()).await, waiting(li_session.clone()).await), (1, 0), "工作台 points her to it");
    let hers = interviews(zhao_session.clone()).await;
    assert_eq!((hers.len(), hers[0].status, hers[0].customer_name.as_str()), (1, CandidateStatus::Invited, "张女士"));
    assert_eq!(hers[0].interview_at, Some(beijing(1, 10)));
    let body = app.post("/api/my_interviews", "", Some(&zhao_session)).await.body;
    assert!(!body.contains(CUSTOMER), "{body}");
    assert!(interviews(li_session.clone()).await.is_empty());
    let answer = |step: &str| form(&[("placement_id", placement.to_string()), ("step", step.to_string())]);
    assert_eq!(app.post("/api/answer_interview", &answer("accept"), Some(&li_session)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/answer_interview", &answer("choose"), Some(&zhao_session)).await.error(), AppError::Refused(Msg::ErrCandidateStep));
    assert_eq!(app.post("/api/answer_interview", &answer("accept"), Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/answer_interview", &answer("refuse"), Some(&zhao_session)).await.error(), AppError::Refused(Msg::ErrCandidateStep));
    assert_eq!(waiting(zhao_session.clone()).await, 0);
    assert!(texts_to(CUSTOMER).iter().any(|t| t.starts_with("【到家】阿姨赵阿姨已确认")), "{:?}", app.sms.sent());

    // Having met her, the family chooses her; the request is settled for everyone.
    assert_eq!(app.post("/api/placement_step", &step(zhao, "choose", None), Some(&customer)).await.status, StatusCode::OK);
    let listed = mine(customer.clone()).await;
    assert_eq!((listed[0].status, listed[0].candidates[0].status), (PlacementStatus::Chosen, CandidateStatus::Chosen));
    assert_eq!(interviews(zhao_session.clone()).await[0].status, CandidateStatus::Chosen);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose(li), Some(&admin)).await.error(), AppError::Refused(Msg::ErrPlacementClosed));
    assert_eq!(app.post("/api/withdraw_placement", &format!("placement_id={placement}"), Some(&customer)).await.error(), AppError::Refused(Msg::ErrPlacementClosed));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "nanny_proposed" && e.target == format!("placement:{placement}")).count(), 1);

    // Staff put contract terms to both; each signs the version they read, and new terms need both signatures again.
    let sign = |version: i64| contract_signature(placement, version);
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&customer)).await.status, StatusCode::NOT_FOUND, "no terms yet");
    let terms = |start: String, days: &str, fee: &str| {
        form(&[("placement_id", placement.to_string()), ("start_day", start), ("days", days.into()), ("fee", fee.into()), ("notes", "每月休息4天".into())])
    };
    let propose_terms = |start: String, days: &str, fee: &str| {
        let app = &app;
        let admin = admin.clone();
        let body = terms(start, days, fee);
        async move { app.post("/api/admin_propose_contract", &body, Some(&admin)).await }
    };
    assert_eq!(propose_terms(beijing_day(20), "0", "12800").await.error(), AppError::invalid(Field::ContractDays, Msg::ErrContractDays));
    assert_eq!(propose_terms(beijing_day(20), "26", "50").await.error(), AppError::invalid(Field::Amount, Msg::ErrContractFee));
    assert_eq!(propose_terms(beijing_day(0), "26", "12800").await.error(), AppError::invalid(Field::StartDay, Msg::ErrStartDayPast));
    assert_eq!(app.post("/api/admin_propose_contract", &terms(beijing_day(20), "26", "12800"), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(propose_terms(beijing_day(20), "26", "12800").await.body, "1");
    assert!(texts_to(ZHAO).iter().any(|t| t.contains("起26天，服务费¥12800.00")), "{:?}", app.sms.sent());
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&li_session)).await.status, StatusCode::NOT_FOUND, "only the chosen nanny signs");
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&other_customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&customer)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractChanged), "signed once");
    assert_eq!(propose_terms(beijing_day(21), "26", "13200").await.body, "2");
    let contract = mine(customer.clone()).await[0].contract.clone().unwrap();
    assert_eq!((contract.version, contract.fee_fen, contract.customer_signed, contract.worker_signed), (2, 1_320_000, false, false), "new terms clear the signature");
    assert_eq!(app.post("/api/sign_contract", &sign(1), Some(&zhao_session)).await.error(), AppError::Refused(Msg::ErrContractChanged), "not the terms she read");
    assert_eq!(app.post("/api/sign_contract", &sign(2), Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/sign_contract", &sign(2), Some(&customer)).await.status, StatusCode::OK);
    assert!(mine(customer.clone()).await[0].contract.as_ref().unwrap().signed_by_both());
    assert!(interviews(zhao_session.clone()).await[0].contract.as_ref().unwrap().signed_by_both());
    assert!(texts_to(CUSTOMER).iter().any(|t| t.contains("双方已签约")), "{:?}", app.sms.sent());
    assert_eq!(propose_terms(beijing_day(22), "26", "13200").await.error(), AppError::Refused(Msg::ErrContractNotOpen), "a signed contract stands");

    // A second request: the nanny declining while the family passes on her comes to one outcome, whichever lands first.
    let again = app.post("/api/request_placement", &ask(nanny, beijing_day(30), needs), Some(&customer)).await;
    let placement: i64 = serde_json::from_str(&again.body).unwrap();
    let propose = form(&[("placement_id", placement.to_string()), ("worker_id", li.to_string())]);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose, Some(&admin)).await.status, StatusCode::OK);
    let invite = form(&[("placement_id", placement.to_string()), ("worker_id", li.to_string()), ("step", "invite".into()), ("interview_at", beijing_minute(2, 15))]);
    assert_eq!(app.post("/api/placement_step", &invite, Some(&customer)).await.status, StatusCode::OK);
    let refuse = form(&[("placement_id", placement.to_string()), ("step", "refuse".into())]);
    let decline = form(&[("placement_id", placement.to_string()), ("worker_id", li.to_string()), ("step", "decline".into())]);
    let (refused, declined) = tokio::join!(
        app.post("/api/answer_interview", &refuse, Some(&li_session)),
        app.post("/api/placement_step", &decline, Some(&customer)),
    );
    assert_eq!([refused.status, declined.status].iter().filter(|s| **s == StatusCode::OK).count(), 1, "{} / {}", refused.body, declined.body);
    let final_status = mine(customer.clone()).await[0].candidates[0].status;
    assert_eq!(final_status, if refused.status == StatusCode::OK { CandidateStatus::Refused } else { CandidateStatus::Declined });

    // Staff close it with a reason the family reads; closed is closed.
    let close = |reason: &str| form(&[("placement_id", placement.to_string()), ("reason", reason.into())]);
    assert_eq!(app.post("/api/admin_close_placement", &close(" "), Some(&admin)).await.error(), AppError::invalid(Field::CancelReason, Msg::ErrReasonRequired));
    assert_eq!(app.post("/api/admin_close_placement", &close("客户已在别处找到阿姨"), Some(&admin)).await.status, StatusCode::OK);
    let listed = mine(customer.clone()).await;
    assert_eq!((listed[0].status, listed[0].close_reason.as_deref()), (PlacementStatus::Closed, Some("客户已在别处找到阿姨")));
    assert_eq!(app.post("/api/admin_close_placement", &close("再关一次"), Some(&admin)).await.error(), AppError::Refused(Msg::ErrPlacementClosed));
}

/// Saves 张女士's home in the customer's address book; returns its id.
async fn saved_home(app: &TestApp, customer: &str) -> i64 {
    let address = form(&[
        ("label", "家".into()),
        ("contact_name", "张女士".into()),
        ("contact_phone", CUSTOMER.into()),
        ("address_text", "黄浦区人民大道1号".into()),
        ("lat", "31.2304".into()),
        ("lng", "121.4737".into()),
    ]);
    assert_eq!(app.post("/api/add_address", &address, Some(customer)).await.status, StatusCode::OK);
    let saved: Vec<app::api::account::AddressView> = serde_json::from_str(&app.post("/api/my_addresses", "", Some(customer)).await.body).unwrap();
    saved[0].id
}

/// The demo customer's request on which they chose 赵阿姨, and the sessions
/// of the three who take it further.
struct ChosenNanny {
    customer: String,
    admin: String,
    zhao_session: String,
    zhao: i64,
    placement: i64,
}

/// The `admin_propose_contract` form: `days` days from `start_day` for ¥12800.
fn contract_terms(placement: i64, start_day: i64, days: i64) -> String {
    form(&[("placement_id", placement.to_string()), ("start_day", beijing_day(start_day)), ("days", days.to_string()), ("fee", "12800".into()), ("notes", String::new())])
}

/// The `sign_contract` form for the terms of `version`.
fn contract_signature(placement: i64, version: i64) -> String {
    form(&[("placement_id", placement.to_string()), ("version", version.to_string())])
}

/// Request, shortlist, interview and choice of 赵阿姨 for the demo customer,
/// through the endpoints.
async fn chosen_zhao(app: &TestApp) -> ChosenNanny {
    let (customer, admin) = (app.session_for(CUSTOMER).await, app.session_for("13700000000").await);
    let zhao_session = app.session_for(ZHAO).await;
    let zhao = user_id(app, ZHAO).await;
    let services = app.state.store.listed_services(None).await.unwrap();
    let service = services.iter().find(|s| s.name == "金牌月嫂 · 26天").unwrap().id;
    let ask = form(&[("service_id", service.to_string()), ("start_day", beijing_day(20)), ("needs", "预产期下月中旬，需要会做月子餐".into())]);
    let placement: i64 = serde_json::from_str(&app.post("/api/request_placement", &ask, Some(&customer)).await.body).unwrap();
    let propose = form(&[("placement_id", placement.to_string()), ("worker_id", zhao.to_string())]);
    assert_eq!(app.post("/api/admin_propose_nanny", &propose, Some(&admin)).await.status, StatusCode::OK);
    let step = |step: &str, at: Option<String>| {
        let mut fields = vec![("placement_id", placement.to_string()), ("worker_id", zhao.to_string()), ("step", step.to_string())];
        fields.extend(at.map(|at| ("interview_at", at)));
        form(&fields)
    };
    assert_eq!(app.post("/api/placement_step", &step("invite", Some(beijing_minute(1, 10))), Some(&customer)).await.status, StatusCode::OK);
    let accept = form(&[("placement_id", placement.to_string()), ("step", "accept".into())]);
    assert_eq!(app.post("/api/answer_interview", &accept, Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/placement_step", &step("choose", None), Some(&customer)).await.status, StatusCode::OK);
    ChosenNanny { customer, admin, zhao_session, zhao, placement }
}

#[tokio::test]
async fn a_signed_contract_is_paid_once_as_an_order_held_by_its_nanny_and_settled_to_her() {
    use app::api::placement::PlacementView;
    let app = demo_app(Config::default()).await;
    let ChosenNanny { customer, admin, zhao_session, zhao, placement } = chosen_zhao(&app).await;
    let other_customer = app.session("13800000099", domain::Role::Customer).await;
    let mine = || async { serde_json::from_str::<Vec<PlacementView>>(&app.post("/api/my_placements", "", Some(&customer)).await.body).unwrap() };
    assert_eq!(app.post("/api/admin_propose_contract", &contract_terms(placement, 20, 26), Some(&admin)).await.status, StatusCode::OK);
    let home = saved_home(&app, &customer).await;
    let pay_body = |version: i64, address: i64| form(&[("placement_id", placement.to_string()), ("version", version.to_string()), ("address_id", address.to_string())]);
    let sign = contract_signature(placement, 1);

    // Nothing to pay until both sides signed the terms the family read.
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractChanged));
    assert_eq!(app.post("/api/sign_contract", &sign, Some(&customer)).await.status, StatusCode::OK);
    assert!(!mine().await[0].contract.as_ref().unwrap().payable, "the nanny has not signed");
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractChanged));
    assert_eq!(app.post("/api/sign_contract", &sign, Some(&zhao_session)).await.status, StatusCode::OK);
    assert!(mine().await[0].contract.as_ref().unwrap().payable);
    assert_eq!(app.post("/api/pay_contract", &pay_body(2, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractChanged), "not the terms signed");
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, 999), Some(&customer)).await.error(), AppError::invalid(Field::Address, Msg::TrialNoAddress));
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&other_customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&zhao_session)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), None).await.status, StatusCode::UNAUTHORIZED);

    // The contract holds her every day of it: a cleaning of hers on its third day refuses it until cancelled.
    app.state.clock.advance(Duration::from_secs(10 * 86_400));
    let mut cleaning = None;
    for _ in 0..3 {
        let order = place(&app, &customer, beijing(22, 10)).await;
        if app.state.store.order(order).await.unwrap().unwrap().reserved_worker_id == Some(zhao) {
            cleaning = Some(order);
            break;
        }
    }
    let cleaning = cleaning.expect("one of the cleanings holds her time");
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractNannyBusy));
    assert_eq!(mine().await[0].contract.as_ref().unwrap().order_id, None, "a refused payment places nothing");
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={cleaning}"), Some(&customer)).await.status, StatusCode::OK);

    // Asked twice at once, one order: held by her from her first day to her last, at the contract's fee.
    let body = pay_body(1, home);
    let (first, second) = tokio::join!(app.post("/api/pay_contract", &body, Some(&customer)), app.post("/api/pay_contract", &body, Some(&customer)));
    assert_eq!([first.status, second.status].iter().filter(|s| **s == StatusCode::OK).count(), 1, "placed once: {} / {}", first.body, second.body);
    let refused = if first.status == StatusCode::OK { &second } else { &first };
    assert_eq!(refused.error(), AppError::Refused(Msg::ErrContractPaid));
    let order_id: i64 = serde_json::from_str(if first.status == StatusCode::OK { &first.body } else { &second.body }).unwrap();
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(
        (order.state.as_str(), order.reserved_worker_id, order.total_fen, order.placement_id, order.service_name.as_str()),
        ("pending_payment", Some(zhao), 1_280_000, Some(placement), "服务合同 · 金牌月嫂 · 26天")
    );
    assert_eq!((order.starts_at.unix_timestamp(), order.ends_at.unix_timestamp()), (beijing(20, 9), beijing(45, 17)));
    let held = app.state.store.busy_between(time::OffsetDateTime::from_unix_timestamp(beijing(30, 0)).unwrap(), time::OffsetDateTime::from_unix_timestamp(beijing(31, 0)).unwrap()).await.unwrap();
    assert!(held.iter().any(|b| b.worker_id == zhao && b.order_id == order_id), "a day in the middle of it is hers: {held:?}");
    let contract = mine().await[0].contract.clone().unwrap();
    assert_eq!((contract.order_id, contract.order_state, contract.payable), (Some(order_id), Some(booking::OrderState::PendingPayment), false));

    // Cancelled unpaid, it may be paid again; paid, it is offered to her alone.
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await.status, StatusCode::OK);
    assert!(mine().await[0].contract.as_ref().unwrap().payable);
    let again = app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let order_id: i64 = serde_json::from_str(&again.body).unwrap();
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    assert_eq!(offers.iter().map(|o| o.worker_id).collect::<Vec<_>>(), [zhao], "{offers:?}");
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractPaid));

    // Served from her first day to her last (not marked served sooner), she is paid her share of the fee like any other order.
    let bps = i64::from(app.state.store.order(order_id).await.unwrap().unwrap().commission_bps.expect("the order keeps its rate"));
    let share = 1_280_000 - 1_280_000 * bps / 10_000;
    let before = app.state.store.worker_balance(zhao).await.unwrap().available_fen;
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offers[0].id), Some(&zhao_session)).await.status, StatusCode::OK);
    set_clock(&app, 20, 9);
    for step in ["depart", "arrive", "start"] {
        let body = format!("order_id={order_id}&step={step}&lat=31.23&lng=121.47");
        assert_eq!(app.post("/api/order_step", &body, Some(&zhao_session)).await.status, StatusCode::OK, "{step}");
    }
    tick_checklist(&app, order_id, &zhao_session).await;
    let complete = format!("order_id={order_id}&step=complete&lat=31.23&lng=121.47");
    set_clock(&app, 44, 20);
    assert_eq!(app.post("/api/order_step", &complete, Some(&zhao_session)).await.error(), AppError::Refused(Msg::ErrContractNotOver));
    assert_eq!(app.state.store.worker_balance(zhao).await.unwrap().available_fen, before);
    set_clock(&app, 45, 16);
    assert_eq!(app.post("/api/order_step", &complete, Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(app.state.store.worker_balance(zhao).await.unwrap().available_fen - before, share);
    assert_eq!(mine().await[0].contract.as_ref().unwrap().order_state, Some(booking::OrderState::Completed));

    // Its first day gone by, a paid contract is neither payable again nor lapsed.
    app.state.clock.advance(Duration::from_secs(11 * 86_400));
    let contract = mine().await[0].contract.clone().unwrap();
    assert_eq!((contract.payable, contract.lapsed), (false, false));
    assert_eq!(app.post("/api/pay_contract", &pay_body(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractPaid));
}

#[tokio::test]
async fn on_the_last_day_of_a_nannys_contract_the_day_plan_keeps_her_evening_order_after_it_ends() {
    let app = demo_app(Config::default()).await;
    let ChosenNanny { customer, admin, zhao_session, zhao, placement } = chosen_zhao(&app).await;
    assert_eq!(app.post("/api/admin_propose_contract", &contract_terms(placement, 20, 26), Some(&admin)).await.status, StatusCode::OK);
    let sign = contract_signature(placement, 1);
    for session in [&customer, &zhao_session] {
        assert_eq!(app.post("/api/sign_contract", &sign, Some(session)).await.status, StatusCode::OK);
    }
    let home = saved_home(&app, &customer).await;
    let paid = app.post("/api/pay_contract", &form(&[("placement_id", placement.to_string()), ("version", "1".into()), ("address_id", home.to_string())]), Some(&customer)).await;
    let contract: i64 = serde_json::from_str(&paid.body).unwrap();
    pay(&app, contract).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(contract).await.unwrap().remove(0);
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(app.state.store.order(contract).await.unwrap().unwrap().ends_at.unix_timestamp(), beijing(45, 17));

    // Its last day: the contract ends at 17:00, and the admin gives her a cleaning at 18:00 at the same home.
    app.state.clock.advance(Duration::from_secs(40 * 86_400));
    let evening = place_quoted(&app, &customer, beijing(45, 18), 10_800).await;
    pay(&app, evening).await;
    server::jobs::run_due_jobs(&app.state).await;
    let assigned = app.post("/api/admin_assign", &format!("order_id={evening}&worker_id={zhao}&override_rules=true"), Some(&admin)).await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    assert_eq!(app.state.store.order(evening).await.unwrap().unwrap().worker_id, Some(zhao));

    let plan: app::api::dispatching::DayPlanView =
        serde_json::from_str(&app.post("/api/admin_day_plan", &format!("date={}", beijing_day(45)), Some(&admin)).await.body).unwrap();
    assert!(plan.unplanned.is_empty(), "{:?}", plan.unplanned.iter().map(|u| &u.reason).collect::<Vec<_>>());
    let route = plan.routes.iter().find(|r| r.worker_id == zhao).expect("she has a day after her contract");
    assert_eq!(route.stops.iter().map(|s| (s.order_id, s.fixed)).collect::<Vec<_>>(), [(evening, true)]);
    assert_eq!(plan.km_now, plan.km_planned, "nothing to move");
}

/// Sets the clock to a minute past `hour` on Beijing day `days` from
/// today: a clock set to a time reads up to a second before it.
fn set_clock(app: &TestApp, days: i64, hour: i64) {
    app.state.clock.set(time::OffsetDateTime::from_unix_timestamp(beijing(days, hour) + 60).unwrap());
}

/// Runs every job due, however many the clock's jump of weeks made due.
async fn run_all_due_jobs(app: &TestApp) {
    while server::jobs::run_due_jobs(&app.state).await > 0 {}
}

/// 赵阿姨 serving a contract of `days` days from day 20, signed, paid and
/// accepted through the endpoints and started on its first morning, where
/// the clock is left; and the contract's order.
async fn contract_in_service(app: &TestApp, days: i64) -> (ChosenNanny, i64) {
    let chosen = chosen_zhao(app).await;
    let ChosenNanny { customer, admin, zhao_session, placement, .. } = &chosen;
    assert_eq!(app.post("/api/admin_propose_contract", &contract_terms(*placement, 20, days), Some(admin)).await.status, StatusCode::OK);
    for session in [customer, zhao_session] {
        assert_eq!(app.post("/api/sign_contract", &contract_signature(*placement, 1), Some(session)).await.status, StatusCode::OK);
    }
    let home = saved_home(app, customer).await;
    let paid = app.post("/api/pay_contract", &form(&[("placement_id", placement.to_string()), ("version", "1".into()), ("address_id", home.to_string())]), Some(customer)).await;
    let contract: i64 = serde_json::from_str(&paid.body).unwrap();
    pay(app, contract).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offer = app.state.store.offers_for_order(contract).await.unwrap().remove(0);
    assert_eq!(app.post("/api/respond_offer", &format!("offer_id={}&accept=true", offer.id), Some(zhao_session)).await.status, StatusCode::OK);
    set_clock(app, 20, 9);
    for step in ["depart", "arrive", "start"] {
        let body = format!("order_id={contract}&step={step}&lat=31.23&lng=121.47");
        assert_eq!(app.post("/api/order_step", &body, Some(zhao_session)).await.status, StatusCode::OK, "{step}");
    }
    (chosen, contract)
}

#[tokio::test]
async fn a_long_contract_pays_its_nanny_month_by_month_while_she_serves_and_its_completion_the_rest() {
    use app::api::money::{EarningKind, EarningsView};
    let app = demo_app(Config::default()).await;
    let (ChosenNanny { zhao_session, zhao, .. }, contract) = contract_in_service(&app, 60).await;
    let bps = i64::from(app.state.store.order(contract).await.unwrap().unwrap().commission_bps.expect("the order keeps its rate"));
    let share_of = |fen: i64| fen - fen * bps / 10_000;
    let earned = || async { app.state.store.worker_balance(zhao).await.unwrap().available_fen };
    let before = earned().await;

    // The evening her 26th day ends is still unpaid.
    set_clock(&app, 45, 20);
    run_all_due_jobs(&app).await;
    assert_eq!(earned().await, before);

    // The next morning her first 26 days are paid: 26/60 of ¥12800, rounded down to the fen, once.
    set_clock(&app, 46, 9);
    run_all_due_jobs(&app).await;
    run_all_due_jobs(&app).await;
    assert_eq!(earned().await - before, share_of(554_666));
    let earnings: EarningsView = serde_json::from_str(&app.post("/api/my_earnings", "period=all", Some(&zhao_session)).await.body).unwrap();
    let months: Vec<_> = earnings.lines.iter().filter(|l| l.order_id == Some(contract)).map(|l| (l.kind, l.gross_fen, l.memo.as_str())).collect();
    assert_eq!(months, [(EarningKind::OrderIncome, 554_666, "合同第1期月结（第1–26天）")]);
    let inbox: app::api::inbox::InboxView = serde_json::from_str(&app.post("/api/worker_inbox", "", Some(&zhao_session)).await.body).unwrap();
    let told = inbox.messages.iter().find(|m| m.body.starts_with("合同第1期服务费已结算")).expect("she is told");
    assert_eq!((told.about, told.body.contains(&domain::Fen::new(share_of(554_666)).to_string())), (app::api::inbox::MessageAbout::Earnings, true), "{}", told.body);

    // Her second month likewise; her completion on the last day settles the rest, so the fee is paid out exactly once.
    set_clock(&app, 72, 9);
    run_all_due_jobs(&app).await;
    assert_eq!(earned().await - before, share_of(554_666) + share_of(554_667));
    set_clock(&app, 79, 17);
    tick_checklist(&app, contract, &zhao_session).await;
    let body = format!("order_id={contract}&step=complete&lat=31.23&lng=121.47");
    assert_eq!(app.post("/api/order_step", &body, Some(&zhao_session)).await.status, StatusCode::OK);
    assert_eq!(earned().await - before, share_of(554_666) + share_of(554_667) + share_of(170_667));
    let moves = app.state.store.order_ledger(contract).await.unwrap();
    let escrow: i64 = moves.iter().filter(|e| e.account == "order_escrow").map(|e| e.amount_fen).sum();
    assert_eq!(escrow, 0, "nothing left in escrow: {moves:?}");
    assert_eq!(moves.iter().filter(|e| e.kind == "installment" && e.account == "order_escrow").count(), 2);
    let earnings: EarningsView = serde_json::from_str(&app.post("/api/my_earnings", "period=all", Some(&zhao_session)).await.body).unwrap();
    assert_eq!(earnings.lines.iter().filter(|l| l.order_id == Some(contract)).map(|l| l.gross_fen).sum::<i64>(), 1_280_000);
    assert_eq!(earnings.orders, 1, "a contract is one order however many months it was paid in");
}

#[tokio::test]
async fn a_contracts_month_falling_due_as_she_completes_it_pays_the_fee_out_once() {
    let app = demo_app(Config::default()).await;
    let (ChosenNanny { zhao_session, zhao, .. }, contract) = contract_in_service(&app, 27).await;
    let earned = || async { app.state.store.worker_balance(zhao).await.unwrap().available_fen };
    let before = earned().await;

    // Her last day is the morning her first month falls due: whichever lands first, the other settles what is left.
    set_clock(&app, 46, 9);
    tick_checklist(&app, contract, &zhao_session).await;
    let body = format!("order_id={contract}&step=complete&lat=31.23&lng=121.47");
    let ((), completed) = tokio::join!(run_all_due_jobs(&app), app.post("/api/order_step", &body, Some(&zhao_session)));
    assert_eq!(completed.status, StatusCode::OK, "{}", completed.body);
    run_all_due_jobs(&app).await;
    let moves = app.state.store.order_ledger(contract).await.unwrap();
    let sum = |account: &str| moves.iter().filter(|e| e.account == account).map(|e| e.amount_fen).sum::<i64>();
    assert_eq!(sum("order_escrow"), 0, "{moves:?}");
    assert_eq!(sum("worker_available") + sum("platform_commission"), 1_280_000, "paid out once: {moves:?}");
    assert!(moves.iter().filter(|e| e.kind == "installment" && e.account == "order_escrow").count() <= 1);
    assert_eq!(earned().await - before, sum("worker_available"));
}

#[tokio::test]
async fn staff_ending_a_contract_after_a_paid_month_pay_its_nanny_the_days_since_and_refund_the_family_the_rest() {
    use app::api::money::{EarningKind, EarningsView};
    use app::api::ops::{AdminOrderView, ContractEndView};
    let app = demo_app(Config::default()).await;
    let (ChosenNanny { admin, customer, zhao, zhao_session, .. }, contract) = contract_in_service(&app, 60).await;
    let bps = i64::from(app.state.store.order(contract).await.unwrap().unwrap().commission_bps.expect("the order keeps its rate"));
    let share_of = |fen: i64| fen - fen * bps / 10_000;
    set_clock(&app, 46, 9);
    run_all_due_jobs(&app).await;
    assert_eq!(app.state.store.order(contract).await.unwrap().unwrap().paid_out_fen, 554_666);
    let earned = || async { app.state.store.worker_balance(zhao).await.unwrap().available_fen };
    let before = earned().await;

    // On her 30th day staff see what ending it settles: 30/60 of ¥12800, of which the month paid ¥5546.66.
    set_clock(&app, 49, 10);
    let page: AdminOrderView = serde_json::from_str(&app.post("/api/admin_order", &format!("order_id={contract}"), Some(&admin)).await.body).unwrap();
    let settles = ContractEndView { days_served: 30, earned_fen: 640_000, months_paid_fen: 554_666, to_nanny_fen: 85_334, refund_fen: 640_000 };
    assert_eq!(page.contract_end, Some(settles));
    let ended = form(&[("order_id", contract.to_string()), ("reason", "家中有变，提前结束合同".into())]);
    let done = app.post("/api/admin_cancel_order", &ended, Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    run_all_due_jobs(&app).await;

    let order = app.state.store.order(contract).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.refund_fen), ("refunded", 640_000));
    let moves = app.state.store.order_ledger(contract).await.unwrap();
    let sum = |account: &str| moves.iter().filter(|e| e.account == account).map(|e| e.amount_fen).sum::<i64>();
    assert_eq!(sum("order_escrow"), 0, "{moves:?}");
    assert_eq!(sum("worker_available") + sum("platform_commission"), 640_000, "she is paid her 30 days once: {moves:?}");
    assert_eq!(earned().await - before, share_of(85_334), "her days since the month, less commission");
    let earnings: EarningsView = serde_json::from_str(&app.post("/api/my_earnings", "period=all", Some(&zhao_session)).await.body).unwrap();
    let lines: Vec<_> = earnings.lines.iter().filter(|l| l.order_id == Some(contract)).map(|l| (l.kind, l.gross_fen, l.memo.as_str())).collect();
    let newest_first = [(EarningKind::OrderIncome, 85_334, "合同提前结束，按已服务30天结算"), (EarningKind::OrderIncome, 554_666, "合同第1期月结（第1–26天）")];
    assert_eq!(lines, newest_first);

    let detail: app::api::orders::OrderView = serde_json::from_str(&app.post("/api/order_detail", &format!("order_id={contract}"), Some(&customer)).await.body).unwrap();
    let placements: Vec<app::api::placement::PlacementView> = serde_json::from_str(&app.post("/api/my_placements", "", Some(&customer)).await.body).unwrap();
    let terms = placements[0].contract.clone().expect("the contract");
    assert_eq!((terms.ended_early, terms.lapsed, terms.payable), (true, false, false), "ended, not unpaid");
    assert_eq!((detail.refund_fen, detail.settled_to_nanny_fen, detail.cancel_fee_fen), (640_000, 640_000, 0), "her days are no cancellation fee");
    let customer_id = user_id(&app, CUSTOMER).await;
    let told = app.state.store.messages(customer_id, 50).await.unwrap();
    let family = "合同提前结束：阿姨已服务30天，按合同结算¥6400.00（其中¥5546.66已按月结算），其余¥6400.00会原路退回。";
    assert!(told.iter().any(|m| m.order_id == Some(contract) && m.body.ends_with(family)), "{told:?}");
    let inbox: app::api::inbox::InboxView = serde_json::from_str(&app.post("/api/worker_inbox", "", Some(&zhao_session)).await.body).unwrap();
    let her = inbox.messages.iter().find(|m| m.body.starts_with("客服提前结束了合同")).expect("she is told");
    assert_eq!(her.about, app::api::inbox::MessageAbout::Earnings);
    assert!(her.body.ends_with("你已服务30天，按合同应得¥6400.00（其中¥5546.66已按月结算），其余¥853.34已结算，扣除平台服务费后计入你的收入。"), "{}", her.body);

    // The second month's morning pays nothing more.
    set_clock(&app, 72, 9);
    run_all_due_jobs(&app).await;
    assert_eq!(earned().await - before, share_of(85_334));
}

#[tokio::test]
async fn staff_ending_a_contract_in_its_first_month_pay_its_nanny_the_days_she_served() {
    let app = demo_app(Config::default()).await;
    let (ChosenNanny { admin, zhao, zhao_session, .. }, contract) = contract_in_service(&app, 60).await;
    let bps = i64::from(app.state.store.order(contract).await.unwrap().unwrap().commission_bps.expect("the order keeps its rate"));
    let earned = || async { app.state.store.worker_balance(zhao).await.unwrap().available_fen };
    let before = earned().await;

    // Her 9th day, before she starts work: 8 days served, 8/60 of ¥12800.
    set_clock(&app, 28, 8);
    let ended = form(&[("order_id", contract.to_string()), ("reason", "客户要求提前结束".into())]);
    let done = app.post("/api/admin_cancel_order", &ended, Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    run_all_due_jobs(&app).await;
    let order = app.state.store.order(contract).await.unwrap().unwrap();
    assert_eq!((order.state.as_str(), order.refund_fen), ("refunded", 1_280_000 - 170_666));
    assert_eq!(earned().await - before, 170_666 - 170_666 * bps / 10_000);
    let events = app.state.store.order_events(contract).await.unwrap();
    let cancel = events.iter().find(|e| e.kind == "cancel").expect("the cancel is on record");
    assert_eq!(cancel.detail, "平台取消：客户要求提前结束；合同提前结束，按已服务8天结算给服务者 ¥1706.66");
    let inbox: app::api::inbox::InboxView = serde_json::from_str(&app.post("/api/worker_inbox", "", Some(&zhao_session)).await.body).unwrap();
    let her = inbox.messages.iter().find(|m| m.body.starts_with("客服提前结束了合同")).expect("she is told");
    assert!(her.body.ends_with("你已服务8天，按合同应得¥1706.66，已结算，扣除平台服务费后计入你的收入。"), "{}", her.body);

    // Its first month's morning finds it ended and pays nothing.
    set_clock(&app, 46, 9);
    run_all_due_jobs(&app).await;
    assert_eq!(earned().await - before, 170_666 - 170_666 * bps / 10_000);
}

#[tokio::test]
async fn a_signed_contract_whose_first_day_came_unpaid_is_drawn_up_again_signed_and_paid() {
    use app::api::placement::PlacementView;
    let app = demo_app(Config::default()).await;
    let ChosenNanny { customer, admin, zhao_session, zhao, placement } = chosen_zhao(&app).await;
    let mine = || async { serde_json::from_str::<Vec<PlacementView>>(&app.post("/api/my_placements", "", Some(&customer)).await.body).unwrap() };
    let terms = |day: i64| contract_terms(placement, day, 26);
    let sign = |version: i64| contract_signature(placement, version);
    assert_eq!(app.post("/api/admin_propose_contract", &terms(20), Some(&admin)).await.status, StatusCode::OK);
    for session in [&customer, &zhao_session] {
        assert_eq!(app.post("/api/sign_contract", &sign(1), Some(session)).await.status, StatusCode::OK);
    }
    assert_eq!(app.post("/api/admin_propose_contract", &terms(22), Some(&admin)).await.error(), AppError::Refused(Msg::ErrContractNotOpen), "signed terms stand");

    // Its first day came unpaid: nothing can pay it, and staff draw up new terms for both to sign.
    app.state.clock.advance(Duration::from_secs(21 * 86_400));
    let home = saved_home(&app, &customer).await;
    let pay_body = |version: i64| form(&[("placement_id", placement.to_string()), ("version", version.to_string()), ("address_id", home.to_string())]);
    assert!(mine().await[0].contract.as_ref().unwrap().lapsed);
    assert_eq!(app.post("/api/pay_contract", &pay_body(1), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractLapsed));
    assert_eq!(app.post("/api/admin_propose_contract", &terms(25), Some(&admin)).await.status, StatusCode::OK);
    let contract = mine().await[0].contract.clone().unwrap();
    assert_eq!((contract.version, contract.start_day, contract.customer_signed, contract.lapsed), (2, beijing_day(25), false, false));
    assert_eq!(app.post("/api/pay_contract", &pay_body(2), Some(&customer)).await.error(), AppError::Refused(Msg::ErrContractChanged), "not signed yet");
    for session in [&customer, &zhao_session] {
        assert_eq!(app.post("/api/sign_contract", &sign(2), Some(session)).await.status, StatusCode::OK);
    }
    let paid = app.post("/api/pay_contract", &pay_body(2), Some(&customer)).await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    let order = app.state.store.order(serde_json::from_str(&paid.body).unwrap()).await.unwrap().unwrap();
    assert_eq!((order.starts_at.unix_timestamp(), order.ends_at.unix_timestamp(), order.reserved_worker_id), (beijing(25, 9), beijing(50, 17), Some(zhao)));
    assert_eq!(app.post("/api/admin_propose_contract", &terms(27), Some(&admin)).await.error(), AppError::Refused(Msg::ErrContractNotOpen), "paid terms stand");
}

#[tokio::test]
async fn a_chosen_nannys_paid_trial_is_booked_once_and_offered_to_her_alone() {
    use app::api::placement::{InterviewView, PlacementView};
    let app = demo_app(Config::default()).await;
    let ChosenNanny { customer, admin, zhao_session, zhao, placement } = chosen_zhao(&app).await;
    let other_customer = app.session("13800000099", domain::Role::Customer).await;
    let mine = || async { serde_json::from_str::<Vec<PlacementView>>(&app.post("/api/my_placements", "", Some(&customer)).await.body).unwrap() };
    assert_eq!(mine().await[0].trial, None, "nothing arranged yet");

    // Staff arrange the day within the rules; only staff may.
    let terms = |at: String, hours: &str, fee: &str| form(&[("placement_id", placement.to_string()), ("starts_at", at), ("hours", hours.into()), ("fee", fee.into())]);
    let arrange = |at: String, hours: &str, fee: &str| {
        let (app, admin, body) = (&app, admin.clone(), terms(at, hours, fee));
        async move { app.post("/api/admin_propose_trial", &body, Some(&admin)).await }
    };
    assert_eq!(arrange(beijing_minute(2, 6), "8", "300").await.error(), AppError::invalid(Field::TrialAt, Msg::ErrTrialHoursOfDay));
    assert_eq!(arrange(beijing_minute(2, 14), "8", "300").await.error(), AppError::invalid(Field::TrialAt, Msg::ErrTrialHoursOfDay), "ends after 21:00");
    assert_eq!(arrange(beijing_minute(15, 9), "8", "300").await.error(), AppError::invalid(Field::TrialAt, Msg::ErrTrialTooFar));
    assert_eq!(arrange(String::new(), "8", "300").await.error(), AppError::invalid(Field::TrialAt, Msg::ErrTrialMissing));
    assert_eq!(arrange(beijing_minute(2, 9), "1", "300").await.error(), AppError::invalid(Field::TrialHours, Msg::ErrTrialHours));
    assert_eq!(arrange(beijing_minute(2, 9), "8", "20").await.error(), AppError::invalid(Field::Amount, Msg::ErrTrialFee));
    assert_eq!(app.post("/api/admin_propose_trial", &terms(beijing_minute(2, 9), "8", "300"), Some(&customer)).await.status, StatusCode::FORBIDDEN);
    // Not over another order of hers: a cleaning booked onto her day refuses that day.
    let mut held_by = None;
    for _ in 0..3 {
        let order = place(&app, &customer, beijing(3, 10)).await;
        held_by = app.state.store.order(order).await.unwrap().unwrap().reserved_worker_id;
        if held_by == Some(zhao) {
            break;
        }
    }
    assert_eq!(held_by, Some(zhao), "one of the cleanings holds her time");
    assert_eq!(arrange(beijing_minute(3, 9), "8", "300").await.error(), AppError::invalid(Field::TrialAt, Msg::ErrTrialNannyBusy));
    assert_eq!(mine().await[0].trial, None, "refused terms record nothing");
    assert_eq!(arrange(beijing_minute(2, 9), "8", "280").await.status, StatusCode::OK);
    assert_eq!(arrange(beijing_minute(2, 9), "8", "300").await.status, StatusCode::OK, "terms change until booked");
    let trial = mine().await[0].trial.clone().unwrap();
    assert_eq!((trial.starts_at, trial.hours, trial.fee_fen, trial.version, trial.bookable), (beijing(2, 9), 8, 30_000, 2, true));
    let hers: Vec<InterviewView> = serde_json::from_str(&app.post("/api/my_interviews", "", Some(&zhao_session)).await.body).unwrap();
    assert_eq!(hers[0].trial.as_ref().map(|t| t.starts_at), Some(beijing(2, 9)), "the nanny reads the same day");
    let texts_to = |phone: &str| app.sms.sent().into_iter().filter(|(to, _)| to == phone).map(|(_, text)| text).collect::<Vec<_>>();
    assert!(texts_to(ZHAO).iter().any(|t| t.contains("8小时，试工费¥300.00")), "{:?}", app.sms.sent());
    let inbox: app::api::account::RemindersView = serde_json::from_str(&app.post("/api/my_reminders", "", Some(&customer)).await.body).unwrap();
    let news: Vec<&str> = inbox.messages.iter().filter(|m| m.about_placement).map(|m| m.body.as_str()).collect();
    assert!(news.iter().any(|b| b.starts_with("金牌月嫂 · 26天的试工已约在")) && news.iter().any(|b| b.contains("推荐了阿姨")), "the family's 站内消息 has the news: {news:?}");

    // The family books the version they read at one of their addresses; nobody else can.
    let book = |version: i64, address: i64| form(&[("placement_id", placement.to_string()), ("version", version.to_string()), ("address_id", address.to_string())]);
    assert_eq!(app.post("/api/book_trial", &book(2, 999), Some(&customer)).await.error(), AppError::invalid(Field::Address, Msg::TrialNoAddress));
    let home = saved_home(&app, &customer).await;
    assert_eq!(app.post("/api/book_trial", &book(1, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrTrialChanged), "not the terms they read");
    assert_eq!(app.post("/api/book_trial", &book(2, home), Some(&other_customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/book_trial", &book(2, home), Some(&zhao_session)).await.status, StatusCode::FORBIDDEN);
    let booking = book(2, home);
    let (first, second) = tokio::join!(app.post("/api/book_trial", &booking, Some(&customer)), app.post("/api/book_trial", &booking, Some(&customer)));
    assert_eq!([first.status, second.status].iter().filter(|s| **s == StatusCode::OK).count(), 1, "booked once: {} / {}", first.body, second.body);
    let order_id: i64 = serde_json::from_str(if first.status == StatusCode::OK { &first.body } else { &second.body }).unwrap();
    let order = app.state.store.order(order_id).await.unwrap().unwrap();
    assert_eq!(
        (order.state.as_str(), order.reserved_worker_id, order.total_fen, order.placement_id, order.service_name.as_str()),
        ("pending_payment", Some(zhao), 30_000, Some(placement), "试工 · 金牌月嫂 · 26天")
    );
    assert_eq!((order.starts_at.unix_timestamp(), order.ends_at.unix_timestamp()), (beijing(2, 9), beijing(2, 17)));
    let trial = mine().await[0].trial.clone().unwrap();
    assert_eq!((trial.order_id, trial.bookable), (Some(order_id), false));
    assert_eq!(arrange(beijing_minute(5, 9), "8", "300").await.error(), AppError::Refused(Msg::ErrTrialNotOpen), "a booked trial holds her day");

    // Paid, it is offered to her alone; when she turns it down, staff take it over rather than anyone else.
    pay(&app, order_id).await;
    server::jobs::run_due_jobs(&app.state).await;
    let offers = app.state.store.offers_for_order(order_id).await.unwrap();
    assert_eq!(offers.iter().map(|o| o.worker_id).collect::<Vec<_>>(), [zhao], "{offers:?}");
    let moved = app.post("/api/reschedule_order", &format!("order_id={order_id}&start={}", beijing(3, 9)), Some(&customer)).await;
    assert_eq!(moved.error(), AppError::Refused(Msg::ErrNotReschedulable), "paid, its day is the one agreed with her");
    let refused = app.post("/api/respond_offer", &format!("offer_id={}&accept=false", offers[0].id), Some(&zhao_session)).await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    server::jobs::run_due_jobs(&app.state).await;
    assert_eq!(app.state.store.offers_for_order(order_id).await.unwrap().len(), 1, "nobody else is asked");
    assert!(app.state.store.order(order_id).await.unwrap().unwrap().needs_admin, "in the admin queue");

    // Cancelled, the same terms may be booked again.
    let cancelled = app.post("/api/cancel_order", &format!("order_id={order_id}"), Some(&customer)).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert!(mine().await[0].trial.as_ref().unwrap().bookable);
    let again = app.post("/api/book_trial", &book(2, home), Some(&customer)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);

    // Called off again and its day gone by, the terms have lapsed until staff arrange another day.
    let again: i64 = serde_json::from_str(&again.body).unwrap();
    assert_eq!(app.post("/api/cancel_order", &format!("order_id={again}"), Some(&customer)).await.status, StatusCode::OK);
    app.state.clock.advance(Duration::from_secs(3 * 86_400));
    let trial = mine().await[0].trial.clone().unwrap();
    assert_eq!((trial.bookable, trial.lapsed), (false, true));
    assert_eq!(app.post("/api/book_trial", &book(2, home), Some(&customer)).await.error(), AppError::Refused(Msg::ErrTrialLapsed));
    assert_eq!(arrange(beijing_minute(5, 9), "8", "300").await.status, StatusCode::OK);
    let trial = mine().await[0].trial.clone().unwrap();
    assert_eq!((trial.version, trial.bookable, trial.lapsed, trial.order_id), (3, true, false, None));
}
