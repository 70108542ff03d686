//! The worker side over HTTP on a real database: document uploads and who may
//! read them, payout accounts, withdrawals with their races, and the admin's
//! payouts, rewards and penalties. Every scenario ends with the ledger audit.

mod common;

use app::error::{AppError, Field};
use app::i18n::Msg;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use domain::Role;

const ADMIN_PHONE: &str = "13700000201";

async fn get_file(app: &TestApp, url: &str, token: Option<&str>) -> Response {
    let mut builder = Request::get(url);
    if let Some(token) = token {
        builder = builder.header(header::COOKIE, format!("dj_sid={token}"));
    }
    app.send(builder.body(Body::empty()).unwrap()).await
}

async fn assert_books_balance(app: &TestApp) {
    let violations = app.state.store.ledger_audit().await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_documents_are_private() {
    let app = spawn_app().await;
    let worker = app.session("13900000201", Role::Worker).await;
    let worker_id = app.state.store.credentials_by_phone(&domain::Phone::parse("13900000201").unwrap()).await.unwrap().unwrap().user_id.0;

    let pdf = app.upload_document("id_card", None, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", &worker).await;
    assert_eq!(pdf.status, StatusCode::SEE_OTHER);
    assert_eq!(pdf.headers[header::LOCATION], "/worker/apply?kind=id_card&upload_error=not_image");
    assert!(app.state.store.worker_documents(worker_id).await.unwrap().is_empty(), "nothing stored");

    let unknown_kind = app.upload_document("passport", None, &png(), &worker).await;
    assert_eq!(unknown_kind.headers[header::LOCATION], "/worker/apply?kind=passport&upload_error=kind");

    let ok = app.upload_document("id_card", None, &png(), &worker).await;
    assert_eq!(ok.headers[header::LOCATION], "/worker/apply?uploaded=id_card");
    let documents = app.state.store.worker_documents(worker_id).await.unwrap();
    assert_eq!(documents.len(), 1);
    let key = &documents[0].storage_key;
    assert!(key.starts_with("workers/") && key.ends_with(".png") && !key.contains("photo"), "generated name: {key}");
    let url = format!("/files/{key}");

    let own = get_file(&app, &url, Some(&worker)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(own.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let admin = app.session(ADMIN_PHONE, Role::Admin).await;
    assert_eq!(get_file(&app, &url, Some(&admin)).await.status, StatusCode::OK);
    let other = app.session("13900000202", Role::Worker).await;
    assert_eq!(get_file(&app, &url, Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_file(&app, &url, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_file(&app, "/files/workers/..%2F..%2Fetc%2Fpasswd", Some(&admin)).await.status, StatusCode::NOT_FOUND);

    let customer = app.session("13800000201", Role::Customer).await;
    assert_eq!(app.upload_document("id_card", None, &png(), &customer).await.status, StatusCode::FORBIDDEN);
    let too_big = app.upload_document("photo", None, &vec![0u8; 7 * 1024 * 1024], &worker).await;
    // Posted before the page's script could check it, it comes back to the form with the reason.
    assert_eq!(too_big.status, StatusCode::SEE_OTHER);
    assert_eq!(too_big.headers[header::LOCATION], "/worker/apply?kind=photo&upload_error=too_large");
    assert_eq!(app.state.store.worker_documents(worker_id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_application_is_resubmitted_only_when_complete_and_after_a_decision() {
    let app = spawn_app().await;
    let worker = app.session("13900000211", Role::Worker).await;
    let worker_id = app.state.store.credentials_by_phone(&domain::Phone::parse("13900000211").unwrap()).await.unwrap().unwrap().user_id.0;
    let admin = app.session(ADMIN_PHONE, Role::Admin).await;
    let profile = |age: &str, years: &str| {
        form(&[("display_name", "周阿姨".into()), ("gender", "female".into()), ("age", age.into()), ("years_experience", years.into()), ("intro", "".into())])
    };
    let no_gender = form(&[("display_name", "周阿姨".into()), ("age", "45".into()), ("years_experience", "8".into()), ("intro", "".into())]);
    let unchecked = app.post("/api/save_application", &no_gender, Some(&worker)).await;
    assert_eq!(unchecked.error(), AppError::Invalid { field: Field::Gender, msg: Msg::ErrGenderRequired });
    let young = app.post("/api/save_application", &profile("15", "0"), Some(&worker)).await;
    assert_eq!(young.error(), AppError::Invalid { field: Field::Age, msg: Msg::ErrAge });
    let implausible = app.post("/api/save_application", &profile("30", "25"), Some(&worker)).await;
    assert_eq!(implausible.error(), AppError::Invalid { field: Field::Years, msg: Msg::ErrYearsVsAge });
    assert_eq!(app.post("/api/save_application", &profile("45", "8"), Some(&worker)).await.status, StatusCode::OK);

    let pending = app.post("/api/resubmit_application", "", Some(&worker)).await;
    assert_eq!(pending.error(), AppError::Refused(Msg::ErrNothingToResubmit), "still under review");
    let review = |decision: &str, note: &str| form(&[("worker_id", worker_id.to_string()), ("decision", decision.into()), ("note", note.into())]);
    assert_eq!(app.post("/api/admin_review_worker", &review("request_more", "请补充健康证"), Some(&admin)).await.status, StatusCode::OK);

    let incomplete = app.post("/api/resubmit_application", "", Some(&worker)).await;
    assert_eq!(incomplete.error(), AppError::Refused(Msg::ErrDocumentsMissing));
    for kind in ["photo", "id_card", "health"] {
        app.upload_document(kind, None, &png(), &worker).await;
    }
    assert_eq!(app.post("/api/resubmit_application", "", Some(&worker)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_review_worker", &review("approve", ""), Some(&admin)).await.status, StatusCode::OK);
    let locked = app.post("/api/save_application", &profile("46", "9"), Some(&worker)).await;
    assert_eq!(locked.error(), AppError::Refused(Msg::ErrApplicationLocked));
    assert_eq!(app.upload_document("photo", None, &png(), &worker).await.headers[header::LOCATION], "/worker/apply?kind=photo&upload_error=locked");
}

#[tokio::test]
async fn a_qualification_certificate_must_name_a_known_service_category_and_is_shown_with_it() {
    let app = spawn_app().await;
    let worker = app.session("13900000203", Role::Worker).await;
    let worker_id = app.state.store.credentials_by_phone(&domain::Phone::parse("13900000203").unwrap()).await.unwrap().unwrap().user_id.0;
    let refused = "/worker/apply?kind=qualification&upload_error=category";
    assert_eq!(app.upload_document("qualification", None, &png(), &worker).await.headers[header::LOCATION], refused);
    assert_eq!(app.upload_document("qualification", Some("no_such_service"), &png(), &worker).await.headers[header::LOCATION], refused);
    assert!(app.state.store.worker_documents(worker_id).await.unwrap().is_empty(), "a refused upload stores nothing");

    let filed = app.upload_document("qualification", Some("daily_cleaning"), &png(), &worker).await;
    assert_eq!(filed.headers[header::LOCATION], "/worker/apply?uploaded=qualification");
    let documents = app.state.store.worker_documents(worker_id).await.unwrap();
    assert_eq!(documents.iter().map(|d| d.category_code.as_deref()).collect::<Vec<_>>(), [Some("daily_cleaning")]);
    // Other documents name no category, whatever the form sends.
    app.upload_document("health", Some("daily_cleaning"), &png(), &worker).await;
    assert_eq!(app.state.store.worker_documents(worker_id).await.unwrap()[1].category_code, None);

    // A delisted category is no longer offered, and a certificate for it is refused.
    let nanny = app.state.store.categories().await.unwrap().into_iter().find(|c| c.code == "maternity_nanny").unwrap().id;
    app.state.store.set_category_listed(nanny, false).await.unwrap();
    assert_eq!(app.upload_document("qualification", Some("maternity_nanny"), &png(), &worker).await.headers[header::LOCATION], refused);

    let view: app::api::onboarding::ApplicationView = serde_json::from_str(&app.post("/api/my_application", "", Some(&worker)).await.body).unwrap();
    let certificate = view.documents.iter().find(|d| d.kind == app::api::onboarding::DocKind::Qualification).unwrap();
    assert_eq!(certificate.category.as_deref(), Some("日常保洁"));
    assert!(view.categories.iter().any(|c| c.code == "daily_cleaning"), "the page offers the categories to choose from");
    assert!(!view.categories.iter().any(|c| c.code == "maternity_nanny"), "but not a delisted one");
}

/// A worker with `yuan` of rewards and a bank card; returns (session, worker id, account id).
async fn funded_worker(app: &TestApp, phone: &str, yuan: &str, admin: &str) -> (String, i64, i64) {
    let token = app.session(phone, Role::Worker).await;
    let id = app.state.store.credentials_by_phone(&domain::Phone::parse(phone).unwrap()).await.unwrap().unwrap().user_id.0;
    let adjust = form(&[
        ("worker_phone", phone.into()),
        ("kind", "reward".into()),
        ("amount", yuan.into()),
        ("reason", "开业奖励".into()),
        ("key", format!("seed-key-{phone}-0000")),
    ]);
    let reward = app.post("/api/admin_adjust_balance", &adjust, Some(admin)).await;
    assert_eq!(reward.status, StatusCode::OK, "{}", reward.body);
    let account = form(&[("kind", "bank".into()), ("holder_name", "周阿姨".into()), ("account_no", "6222 0212 3456 7890".into()), ("bank_name", "工商银行".into())]);
    assert_eq!(app.post("/api/add_payout_account", &account, Some(&token)).await.status, StatusCode::OK);
    let account_id = app.state.store.payout_accounts(id).await.unwrap()[0].id;
    (token, id, account_id)
}

fn withdraw(account_id: i64, amount: &str) -> String {
    form(&[("account_id", account_id.to_string()), ("amount", amount.into())])
}

#[tokio::test]
async fn bad_payout_input_gets_a_specific_error_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.session(ADMIN_PHONE, Role::Admin).await;
    let (worker, worker_id, account) = funded_worker(&app, "13900000221", "50", &admin).await;
    let (_, _, foreign_account) = funded_worker(&app, "13900000222", "10", &admin).await;

    let bad_card = form(&[("kind", "bank".into()), ("holder_name", "周阿姨".into()), ("account_no", "1234".into()), ("bank_name", "工商银行".into())]);
    let refused = app.post("/api/add_payout_account", &bad_card, Some(&worker)).await;
    assert_eq!(refused.error(), AppError::Invalid { field: Field::AccountNo, msg: Msg::ErrAccountNoMalformed });
    let cases = [
        (withdraw(account, "-5"), AppError::invalid(Field::Amount, Msg::ErrAmount)),
        (withdraw(account, "0"), AppError::invalid(Field::Amount, Msg::ErrAmountNotPositive)),
        (withdraw(account, "0.5"), AppError::invalid(Field::Amount, Msg::ErrBelowMinimumWithdrawal)),
        (withdraw(account, "50.01"), AppError::invalid(Field::Amount, Msg::ErrInsufficientBalance)),
        (withdraw(foreign_account, "10"), AppError::invalid(Field::AccountKind, Msg::ErrPayoutAccountMissing)),
    ];
    for (body, expected) in cases {
        let response = app.post("/api/request_withdrawal", &body, Some(&worker)).await;
        assert_eq!(response.error(), expected, "{body}");
    }
    let balance = app.state.store.worker_balance(worker_id).await.unwrap();
    assert_eq!((balance.available_fen, balance.held_fen), (5000, 0));

    let overdraw = form(&[
        ("worker_phone", "13900000221".into()),
        ("kind", "penalty".into()),
        ("amount", "60".into()),
        ("reason", "迟到".into()),
        ("key", "penalty-key-000000001".into()),
    ]);
    let penalty = app.post("/api/admin_adjust_balance", &overdraw, Some(&admin)).await;
    assert_eq!(penalty.error(), AppError::invalid(Field::Amount, Msg::ErrInsufficientBalance));
    assert_eq!(app.state.store.worker_balance(worker_id).await.unwrap().available_fen, 5000);
    assert_books_balance(&app).await;
}

#[tokio::test]
async fn racing_withdrawals_and_double_clicked_payouts_move_money_exactly_once() {
    let app = spawn_app().await;
    let admin = app.session(ADMIN_PHONE, Role::Admin).await;
    let (worker, worker_id, account) = funded_worker(&app, "13900000231", "50", &admin).await;

    // Two requests of ¥30 against ¥50: exactly one is held.
    let requests = [0, 1].map(|_| {
        let app_router = app.router.clone();
        let body = withdraw(account, "30");
        let cookie = format!("dj_sid={worker}");
        async move {
            let request = Request::post("/api/request_withdrawal")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header(header::COOKIE, cookie)
                .body(Body::from(body))
                .unwrap();
            tower::ServiceExt::oneshot(app_router, request).await.unwrap().status()
        }
    });
    let handles: Vec<_> = requests.into_iter().map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    let balance = app.state.store.worker_balance(worker_id).await.unwrap();
    assert_eq!((balance.available_fen, balance.held_fen), (2000, 3000));

    let pending = app.state.store.withdrawals(&store::WithdrawalFilter { worker_id: Some(worker_id), status: None }, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    let pay = form(&[("withdrawal_id", pending[0].id.to_string()), ("decision", "paid".into()), ("reference", "ICBC-001".into()), ("reason", "".into())]);
    assert_eq!(app.post("/api/admin_decide_withdrawal", &pay, Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/admin_decide_withdrawal", &pay, Some(&admin)).await.status, StatusCode::OK, "a double click is harmless");
    let reject = form(&[("withdrawal_id", pending[0].id.to_string()), ("decision", "rejected".into()), ("reference", "".into()), ("reason", "重复".into())]);
    assert_eq!(app.post("/api/admin_decide_withdrawal", &reject, Some(&admin)).await.error(), AppError::Refused(Msg::ErrWithdrawalDecided));

    let balance = app.state.store.worker_balance(worker_id).await.unwrap();
    assert_eq!((balance.available_fen, balance.held_fen), (2000, 0));
    let lines = app.state.store.worker_ledger(worker_id, time::OffsetDateTime::UNIX_EPOCH, 50).await.unwrap();
    let kinds: Vec<&str> = lines.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(kinds, ["withdrawal_paid", "withdrawal_request", "reward"]);
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "withdrawal_paid").count(), 1);
    let told: Vec<String> = app.state.store.messages(worker_id, 10).await.unwrap().into_iter().filter(|m| m.kind == "withdrawal").map(|m| m.body).collect();
    assert_eq!(told, ["你申请的提现 ¥30.00 已打款，凭证号 ICBC-001。"], "the worker is told once, in 消息");
    assert_books_balance(&app).await;
}

#[tokio::test]
async fn a_worker_appeals_their_own_penalty_once_and_an_overturn_pays_it_back_exactly_once() {
    use app::api::appeal::{AppealView, WorkerAppeals};
    use domain::{AppealStatus, AppealSubject};
    let app = spawn_app().await;
    let admin = app.session(ADMIN_PHONE, Role::Admin).await;
    let (worker, worker_id, _) = funded_worker(&app, "13900000251", "50", &admin).await;
    let (other, _, _) = funded_worker(&app, "13900000252", "50", &admin).await;
    let customer = app.session("13800000251", Role::Customer).await;
    let penalty = form(&[
        ("worker_phone", "13900000251".into()),
        ("kind", "penalty".into()),
        ("amount", "20".into()),
        ("reason", "迟到30分钟".into()),
        ("key", "appeal-penalty-key-0001".into()),
    ]);
    assert_eq!(app.post("/api/admin_adjust_balance", &penalty, Some(&admin)).await.status, StatusCode::OK);

    // Only the worker reads and files their appeals; only admins list and decide them.
    assert_eq!(app.post("/api/my_appeals", "", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/my_appeals", "", Some(&customer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/admin_appeals", "", Some(&worker)).await.status, StatusCode::FORBIDDEN);
    let mine: WorkerAppeals = serde_json::from_str(&app.post("/api/my_appeals", "", Some(&worker)).await.body).unwrap();
    assert_eq!(mine.appealable.len(), 1, "the penalty, not the reward");
    let item = &mine.appealable[0];
    assert_eq!((item.subject, item.amount_fen, item.reason.as_str(), item.appealed), (AppealSubject::Penalty, Some(2000), "迟到30分钟", None));
    let appeal = |body: &str| form(&[("subject", "penalty".into()), ("subject_ref", item.subject_ref.to_string()), ("body", body.into())]);

    let short = app.post("/api/file_appeal", &appeal("冤枉"), Some(&worker)).await;
    assert_eq!(short.error(), AppError::invalid(Field::Feedback, Msg::ErrFeedbackTooShort));
    let not_theirs = app.post("/api/file_appeal", &appeal("这笔罚款不是我的，但我想申诉"), Some(&other)).await;
    assert_eq!(not_theirs.error(), AppError::Refused(Msg::ErrAppealSubject));
    let not_suspended = form(&[("subject", "suspension".into()), ("subject_ref", "0".into()), ("body", "我没有被暂停也想申诉".into())]);
    assert_eq!(app.post("/api/file_appeal", &not_suspended, Some(&worker)).await.error(), AppError::Refused(Msg::ErrAppealSubject));
    assert!(app.state.store.appeals(None, false, 10).await.unwrap().is_empty(), "refused appeals file nothing");

    let filed = app.post("/api/file_appeal", &appeal("地铁停运，已提前告知客户并改约"), Some(&worker)).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let again = app.post("/api/file_appeal", &appeal("再申诉一次看看能不能通过"), Some(&worker)).await;
    assert_eq!(again.error(), AppError::Refused(Msg::ErrAppealTwice));

    let open: Vec<AppealView> = serde_json::from_str(&app.post("/api/admin_appeals", "filter=open", Some(&admin)).await.body).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].worker_id, open[0].amount_fen, open[0].body.as_str()), (worker_id, Some(2000), "地铁停运，已提前告知客户并改约"));
    let decide = |decision: &str, reply: &str| form(&[("appeal_id", open[0].id.to_string()), ("decision", decision.into()), ("reply", reply.into())]);
    let no_reply = app.post("/api/admin_decide_appeal", &decide("overturn", ""), Some(&admin)).await;
    assert_eq!(no_reply.error(), AppError::invalid(Field::Feedback, Msg::ErrFeedbackTooShort));
    assert_eq!(app.post("/api/admin_decide_appeal", &decide("overturn", "核实属实，撤销罚款"), Some(&worker)).await.status, StatusCode::FORBIDDEN);

    // Two admins overturning at once: exactly one decision, and the money comes back once.
    let body = decide("overturn", "已核实，给出处理结果");
    let (a, b) = tokio::join!(
        app.post("/api/admin_decide_appeal", &body, Some(&admin)),
        app.post("/api/admin_decide_appeal", &body, Some(&admin))
    );
    let (won, lost) = if a.status == StatusCode::OK { (a, b) } else { (b, a) };
    assert_eq!(won.status, StatusCode::OK, "{}", won.body);
    assert_eq!(lost.error(), AppError::Refused(Msg::ErrAppealDecided));
    assert_eq!(app.post("/api/admin_decide_appeal", &decide("uphold", "改为维持原决定"), Some(&admin)).await.error(), AppError::Refused(Msg::ErrAppealDecided));
    assert_eq!(app.state.store.worker_balance(worker_id).await.unwrap().available_fen, 5000);

    let mine: WorkerAppeals = serde_json::from_str(&app.post("/api/my_appeals", "", Some(&worker)).await.body).unwrap();
    assert_eq!(mine.appealable[0].appealed, Some(AppealStatus::Overturned));
    assert_eq!(mine.appeals[0].reply.as_deref(), Some("已核实，给出处理结果"));
    let audit = app.state.store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action.starts_with("appeal_")).count(), 1);
    assert_books_balance(&app).await;
}
