//! The repository suite, run against SQLite and PostgreSQL alike. The
//! PostgreSQL half needs `TEST_DATABASE_URL` (a server where the user may
//! create databases); each test gets a fresh database. With
//! `DAOJIA_REQUIRE_POSTGRES=1` (as in CI) a missing URL fails the run.

use domain::{DisplayName, Fen, Phone, Role, WorkerStatus};
use std::future::Future;
use std::time::Duration;
use pricing::Unit;
use store::{AuditEntry, DynStore, NewService, NewUser, StoreError, UserFilter, UserId};
use time::OffsetDateTime;

mod harness {
    use super::*;
    use rand::Rng;

    fn suffix() -> String {
        format!("{:016x}", rand::thread_rng().gen::<u64>())
    }

    pub async fn sqlite() -> (DynStore, impl FnOnce()) {
        let path = std::env::temp_dir().join(format!("daojia-test-{}.db", suffix()));
        let store = store::connect(&format!("sqlite:{}", path.display()), 5).await.expect("sqlite store");
        (store, move || {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
        })
    }

    /// A fresh database on the PostgreSQL server, or `None` when none is configured.
    pub async fn postgres() -> Option<(DynStore, String, String)> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            if std::env::var("DAOJIA_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("DAOJIA_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            }
            eprintln!("skipping PostgreSQL half: TEST_DATABASE_URL not set");
            return None;
        };
        use sqlx::Connection;
        let name = format!("daojia_test_{}", suffix());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
        admin.close().await.ok();
        let (base, _) = admin_url.rsplit_once('/').expect("url has a database part");
        let store = store::connect(&format!("{base}/{name}"), 5).await.expect("postgres store");
        Some((store, admin_url, name))
    }

    pub async fn drop_postgres(store: DynStore, admin_url: String, name: String) {
        use sqlx::Connection;
        store.close().await;
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("reconnect");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.ok();
    }
}

/// Runs one test body against both databases.
async fn on_both<F, Fut>(test: F)
where
    F: Fn(DynStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let (store, cleanup) = harness::sqlite().await;
    test(store.clone()).await;
    store.close().await;
    cleanup();
    if let Some((store, admin_url, name)) = harness::postgres().await {
        test(store.clone()).await;
        harness::drop_postgres(store, admin_url, name).await;
    }
}

fn now() -> OffsetDateTime {
    // Whole milliseconds, so values survive both databases' precision unchanged.
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.millisecond() as u32 * 1_000_000).unwrap()
}

fn new_user(phone: &str, role: Role) -> NewUser {
    NewUser {
        phone: Phone::parse(phone).unwrap(),
        password_hash: "$argon2id$test".into(),
        role,
        display_name: DisplayName::parse("测试用户").unwrap(),
    }
}

fn service(name: &str, category: &str, price: i64) -> NewService {
    NewService {
        category_code: category.into(),
        name: name.into(),
        summary: "摘要".into(),
        content: "内容".into(),
        process_steps: vec!["一".into(), "二".into()],
        supplies: "工具".into(),
        qualifications: "健康证".into(),
        unit: Unit::Hour,
        base_price: Fen::new(price),
        default_units: 2,
        min_units: 2,
        sort_order: 0,
        addons: Vec::new(),
        proof_photos: false,
    }
}

#[tokio::test]
async fn searching_the_catalog_filters_by_words_price_and_worker_gender_and_sorts() {
    use store::{ServiceSearch, ServiceSort};
    on_both(|store| async move {
        store.insert_service(&service("擦窗 100%干净", "daily_cleaning", 4500), now()).await.unwrap();
        store.insert_service(&service("空调清洗", "appliance", 8900), now()).await.unwrap();
        store.insert_service(&service("深度除螨", "deep_cleaning", 19900), now()).await.unwrap();
        let names = |found: Vec<store::ServiceSummary>| found.into_iter().map(|s| s.name).collect::<Vec<_>>();
        let search = |f: ServiceSearch| {
            let store = store.clone();
            async move { store.search_services(&f).await.unwrap() }
        };
        assert_eq!(names(search(ServiceSearch { text: Some("清洗".into()), ..Default::default() }).await), ["空调清洗"]);
        assert_eq!(names(search(ServiceSearch { text: Some("100%".into()), ..Default::default() }).await), ["擦窗 100%干净"]);
        assert!(search(ServiceSearch { text: Some("%".into()), sort: ServiceSort::PriceAsc, ..Default::default() }).await.len() == 1, "% is literal");
        let mid = ServiceSearch { min_price_fen: Some(5000), max_price_fen: Some(20000), sort: ServiceSort::PriceDesc, ..Default::default() };
        assert_eq!(names(search(mid).await), ["深度除螨", "空调清洗"]);
        assert_eq!(names(search(ServiceSearch { sort: ServiceSort::PriceAsc, ..Default::default() }).await), ["擦窗 100%干净", "空调清洗", "深度除螨"]);

        // Only an approved female worker with the appliance skill exists.
        let worker = store.create_user(&new_user("13900139501", Role::Worker), now()).await.unwrap();
        store.set_worker_status(worker, WorkerStatus::Approved, "", now()).await.unwrap();
        let setup = store::WorkerSetup {
            gender: Some("female".into()),
            skills: vec!["appliance".into()],
            home_lat: 31.23,
            home_lng: 121.47,
            area_radius_km: 10.0,
            hours: vec![(0, 480, 1200)],
        };
        store.setup_worker(worker.0, &setup).await.unwrap();
        assert_eq!(names(search(ServiceSearch { worker_gender: Some("female".into()), ..Default::default() }).await), ["空调清洗"]);
        assert!(search(ServiceSearch { worker_gender: Some("male".into()), ..Default::default() }).await.is_empty());
        let rated = search(ServiceSearch { sort: ServiceSort::Rating, ..Default::default() }).await;
        assert!(rated.iter().all(|s| s.rating_avg.is_none() && s.reviews == 0), "no reviews yet");
    })
    .await;
}

#[tokio::test]
async fn a_created_user_reads_back_with_its_role_and_phone() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13800138000", Role::Customer), now()).await.unwrap();
        let user = store.user(id).await.unwrap().expect("user exists");
        assert_eq!(user.phone.as_str(), "13800138000");
        assert_eq!(user.role, Role::Customer);
        assert!(!user.disabled);
        let creds = store.credentials_by_phone(&user.phone).await.unwrap().unwrap();
        assert_eq!(creds.user_id, id);
        assert_eq!(creds.password_hash, "$argon2id$test");
    })
    .await;
}

#[tokio::test]
async fn a_phone_number_registers_only_once() {
    on_both(|store| async move {
        store.create_user(&new_user("13800138001", Role::Customer), now()).await.unwrap();
        let again = store.create_user(&new_user("13800138001", Role::Worker), now()).await;
        assert!(matches!(again, Err(StoreError::DuplicatePhone)), "{again:?}");
        // The failed worker sign-up left no profile behind.
        let counts = store.dashboard_counts(now() - Duration::from_secs(60), someday(), cutoffs_at(now())).await.unwrap();
        assert_eq!((counts.customers, counts.workers_pending), (1, 0));
    })
    .await;
}

#[tokio::test]
async fn concurrent_sign_ups_with_one_phone_create_exactly_one_account() {
    on_both(|store| async move {
        let attempts = (0..8).map(|_| {
            let store = store.clone();
            async move { store.create_user(&new_user("13800138002", Role::Customer), now()).await }
        });
        let results = futures_join_all(attempts).await;
        let created = results.iter().filter(|r| r.is_ok()).count();
        let duplicates = results.iter().filter(|r| matches!(r, Err(StoreError::DuplicatePhone))).count();
        assert_eq!((created, duplicates), (1, 7));
    })
    .await;
}

/// Joins futures concurrently on the current task without extra crates.
async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn a_worker_starts_as_an_applicant_and_can_be_approved() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13900139000", Role::Worker), now()).await.unwrap();
        let profile = store.worker_profile(id).await.unwrap().expect("profile created with the account");
        assert_eq!(profile.status, WorkerStatus::Applicant);
        assert!(profile.reviewed_at.is_none());
        store.set_worker_status(id, WorkerStatus::Approved, "资料齐全", now()).await.unwrap();
        let profile = store.worker_profile(id).await.unwrap().unwrap();
        assert_eq!(profile.status, WorkerStatus::Approved);
        assert_eq!(profile.review_note, "资料齐全");
        assert!(profile.reviewed_at.is_some());
    })
    .await;
}

#[tokio::test]
async fn customers_and_admins_have_no_worker_profile() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13800138003", Role::Admin), now()).await.unwrap();
        assert!(store.worker_profile(id).await.unwrap().is_none());
        let missing = store.set_worker_status(id, WorkerStatus::Approved, "", now()).await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn a_session_is_valid_until_it_expires_or_is_deleted() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13800138004", Role::Customer), now()).await.unwrap();
        let t0 = now();
        store.create_session("hash-a", id, t0, t0 + Duration::from_secs(3600)).await.unwrap();
        assert_eq!(store.session_user("hash-a", t0).await.unwrap().map(|u| u.id), Some(id));
        assert!(store.session_user("hash-a", t0 + Duration::from_secs(3601)).await.unwrap().is_none());
        assert!(store.session_user("unknown", t0).await.unwrap().is_none());
        store.delete_session("hash-a").await.unwrap();
        assert!(store.session_user("hash-a", t0).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn expired_sessions_are_swept_and_live_ones_kept() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13800138005", Role::Customer), now()).await.unwrap();
        let t0 = now();
        store.create_session("old", id, t0, t0 + Duration::from_secs(10)).await.unwrap();
        store.create_session("new", id, t0, t0 + Duration::from_secs(1000)).await.unwrap();
        let removed = store.delete_expired_sessions(t0 + Duration::from_secs(100)).await.unwrap();
        assert_eq!(removed, 1);
        assert!(store.session_user("new", t0).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn login_attempts_are_counted_per_key_within_the_window() {
    on_both(|store| async move {
        let t0 = now();
        for i in 0..3 {
            store.record_login_attempt("phone:13800138006", t0 + Duration::from_secs(i * 60)).await.unwrap();
        }
        store.record_login_attempt("ip:127.0.0.1", t0).await.unwrap();
        let window_start = t0 + Duration::from_secs(30);
        assert_eq!(store.count_login_attempts("phone:13800138006", window_start).await.unwrap(), 2);
        assert_eq!(store.count_login_attempts("ip:127.0.0.1", t0 - Duration::from_secs(1)).await.unwrap(), 1);
        assert_eq!(store.prune_login_attempts(t0 + Duration::from_secs(61)).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_login_code_is_resent_only_after_the_wait_and_spent_by_use_expiry_or_too_many_misses() {
    on_both(|store| async move {
        use store::LoginCodeCheck::{Accepted, NoLiveCode, Wrong};
        let t0 = now();
        let secs = |n: u64| t0 + Duration::from_secs(n);
        let phone = "13800138040";
        assert_eq!(store.check_login_code(phone, "h1", t0, 3).await.unwrap(), NoLiveCode, "nothing sent yet");
        store.issue_login_code(phone, "h1", t0, t0 - Duration::from_secs(60), secs(300)).await.unwrap();
        // A second code within the wait is refused and the first stays live.
        assert!(matches!(store.issue_login_code(phone, "h2", secs(30), secs(30) - Duration::from_secs(60), secs(330)).await, Err(StoreError::Conflict)));
        assert_eq!(store.check_login_code(phone, "bad", secs(40), 3).await.unwrap(), Wrong { tries_left: 2 });
        assert_eq!(store.check_login_code(phone, "h1", secs(50), 3).await.unwrap(), Accepted);
        assert_eq!(store.check_login_code(phone, "h1", secs(51), 3).await.unwrap(), NoLiveCode, "a code works once");

        // Expired: refused even when right.
        store.issue_login_code(phone, "h3", secs(100), secs(40), secs(400)).await.unwrap();
        assert_eq!(store.check_login_code(phone, "h3", secs(400), 3).await.unwrap(), NoLiveCode);

        // Tried out: the third miss spends it, and the right code no longer works.
        store.issue_login_code(phone, "h4", secs(500), secs(440), secs(800)).await.unwrap();
        assert_eq!(store.check_login_code(phone, "x", secs(501), 3).await.unwrap(), Wrong { tries_left: 2 });
        assert_eq!(store.check_login_code(phone, "x", secs(502), 3).await.unwrap(), Wrong { tries_left: 1 });
        assert_eq!(store.check_login_code(phone, "x", secs(503), 3).await.unwrap(), Wrong { tries_left: 0 });
        assert_eq!(store.check_login_code(phone, "h4", secs(504), 3).await.unwrap(), NoLiveCode);
        // A new code after the wait starts with fresh tries; another phone is untouched.
        store.issue_login_code(phone, "h5", secs(600), secs(540), secs(900)).await.unwrap();
        assert_eq!(store.check_login_code("13800138041", "h5", secs(601), 3).await.unwrap(), NoLiveCode);
        assert_eq!(store.check_login_code(phone, "h5", secs(602), 3).await.unwrap(), Accepted);
    })
    .await;
}

#[tokio::test]
async fn catalog_lists_the_six_seeded_categories_in_order() {
    on_both(|store| async move {
        let names: Vec<String> = store.categories().await.unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["日常保洁", "深度保洁", "家电清洗", "家居保养", "月嫂服务", "育儿嫂服务"]);
    })
    .await;
}

#[tokio::test]
async fn listed_services_filter_by_category_and_keep_price_in_fen() {
    on_both(|store| async move {
        store.insert_service(&service("擦窗", "daily_cleaning", 4500), now()).await.unwrap();
        store.insert_service(&service("空调清洗", "appliance", 8900), now()).await.unwrap();
        let all = store.listed_services(None).await.unwrap();
        assert_eq!(all.len(), 2);
        let appliance = store.categories().await.unwrap().into_iter().find(|c| c.code == "appliance").unwrap();
        assert_eq!(appliance.listed_services, 1);
        let only = store.listed_services(Some(appliance.id)).await.unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].name, "空调清洗");
        assert_eq!(only[0].base_price, Fen::new(8900));
        assert_eq!(only[0].unit, Unit::Hour);
    })
    .await;
}

#[tokio::test]
async fn a_service_in_an_unknown_category_is_refused() {
    on_both(|store| async move {
        let result = store.insert_service(&service("无分类", "no_such_category", 100), now()).await;
        assert!(matches!(result, Err(StoreError::NotFound)));
        assert!(store.listed_services(None).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn dashboard_counts_reflect_the_database() {
    on_both(|store| async move {
        let t0 = now();
        store.create_user(&new_user("13800138010", Role::Customer), t0).await.unwrap();
        store.create_user(&new_user("13800138011", Role::Customer), t0 - Duration::from_secs(86_400 * 2)).await.unwrap();
        let approved = store.create_user(&new_user("13900139010", Role::Worker), t0).await.unwrap();
        store.create_user(&new_user("13900139011", Role::Worker), t0).await.unwrap();
        store.set_worker_status(approved, WorkerStatus::Approved, "", t0).await.unwrap();
        store.insert_service(&service("擦窗", "daily_cleaning", 4500), t0).await.unwrap();
        let counts = store.dashboard_counts(t0 - Duration::from_secs(3600), someday(), cutoffs_at(t0)).await.unwrap();
        assert_eq!(counts.customers, 2);
        assert_eq!(counts.workers_pending, 1);
        assert_eq!(counts.workers_approved, 1);
        assert_eq!(counts.services_listed, 1);
        assert_eq!(counts.users_new_today, 3);
    })
    .await;
}

#[tokio::test]
async fn user_list_filters_searches_and_pages() {
    on_both(|store| async move {
        for i in 0..5 {
            store.create_user(&new_user(&format!("1380013802{i}"), Role::Customer), now()).await.unwrap();
        }
        store.create_user(&new_user("13900139020", Role::Worker), now()).await.unwrap();
        let filter = |role, search: Option<&str>, page| UserFilter { role, search: search.map(String::from), health_lapsing_before: None, worker_status: None, with_pending_certificates: false, created_since: None, page, page_size: 2 };

        let customers = store.list_users(&filter(Some(Role::Customer), None, 1)).await.unwrap();
        assert_eq!((customers.total, customers.items.len()), (5, 2));
        // Newest first.
        assert_eq!(customers.items[0].phone.as_str(), "13800138024");
        let last_page = store.list_users(&filter(Some(Role::Customer), None, 3)).await.unwrap();
        assert_eq!(last_page.items.len(), 1);

        let workers = store.list_users(&filter(Some(Role::Worker), None, 1)).await.unwrap();
        assert_eq!(workers.total, 1);
        assert_eq!(workers.items[0].worker_status, Some(WorkerStatus::Applicant));

        let searched = store.list_users(&filter(None, Some("38022"), 1)).await.unwrap();
        assert_eq!(searched.total, 1);
        let everyone = store.list_users(&filter(None, None, 1)).await.unwrap();
        assert_eq!(everyone.total, 6);
    })
    .await;
}

/// The order monitor's cutoffs at `at`.
fn cutoffs_at(at: OffsetDateTime) -> booking::AnomalyCutoffs {
    booking::AnomalyCutoffs::at(at.unix_timestamp())
}

/// A day for counts that do not look at certificates.
fn someday() -> time::Date {
    time::macros::date!(2027 - 01 - 01)
}

#[tokio::test]
async fn health_certificates_lapsing_before_a_day_are_counted_and_listed_by_their_newest_renewal() {
    on_both(|store| async move {
        let file = |worker: UserId, key: &'static str, expires_on: Option<&'static str>| {
            let store = store.clone();
            async move {
                let document = store::NewWorkerDocument { kind: "health", storage_key: key, category_code: None, expires_on, needs_review: false };
                store.add_worker_document(worker.0, &document, now()).await.unwrap();
            }
        };
        let worker = |phone: &'static str, status: WorkerStatus| {
            let store = store.clone();
            async move {
                let id = store.create_user(&new_user(phone, Role::Worker), now()).await.unwrap();
                store.set_worker_status(id, status, "", now()).await.unwrap();
                id
            }
        };
        let lapsing = worker("13900139301", WorkerStatus::Approved).await;
        file(lapsing, "workers/h301.png", Some("2027-01-10")).await;
        let renewed = worker("13900139302", WorkerStatus::Approved).await;
        file(renewed, "workers/h302a.png", Some("2027-01-10")).await;
        file(renewed, "workers/h302b.png", Some("2028-01-10")).await;
        let lifelong = worker("13900139303", WorkerStatus::Approved).await;
        file(lifelong, "workers/h303.png", None).await;
        let suspended = worker("13900139304", WorkerStatus::Suspended).await;
        file(suspended, "workers/h304.png", Some("2026-06-30")).await;
        worker("13900139305", WorkerStatus::Approved).await;

        let before = time::macros::date!(2027 - 01 - 11);
        let counts = store.dashboard_counts(now(), before, cutoffs_at(now())).await.unwrap();
        assert_eq!(counts.health_lapsing, 1, "renewed, lifelong, suspended and undocumented workers are not lapsing");
        let on_the_last_day = store.dashboard_counts(now(), time::macros::date!(2027 - 01 - 10), cutoffs_at(now())).await.unwrap();
        assert_eq!(on_the_last_day.health_lapsing, 0, "a certificate covers its last day");

        let filter = |health_lapsing_before| UserFilter { role: Some(Role::Worker), search: None, health_lapsing_before, worker_status: None, with_pending_certificates: false, created_since: None, page: 1, page_size: 20 };
        let listed = store.list_users(&filter(Some(before))).await.unwrap();
        assert_eq!((listed.total, listed.items.iter().map(|u| u.id).collect::<Vec<_>>()), (1, vec![lapsing]));
        assert_eq!(listed.items[0].health_through.as_deref(), Some("2027-01-10"));
        let everyone = store.list_users(&filter(None)).await.unwrap();
        assert_eq!(everyone.total, 5);
        let through = |id: UserId| everyone.items.iter().find(|u| u.id == id).unwrap().health_through.clone();
        assert_eq!(through(renewed).as_deref(), Some("2028-01-10"), "the newest accepted certificate counts");
        assert_eq!(through(lifelong), None);
    })
    .await;
}

#[tokio::test]
async fn the_worker_and_new_user_tiles_count_what_their_lists_show() {
    on_both(|store| async move {
        let yesterday = now() - Duration::from_secs(86_400);
        let user = |phone: &'static str, role: Role, at: OffsetDateTime| {
            let store = store.clone();
            async move { store.create_user(&new_user(phone, role), at).await.unwrap() }
        };
        let applicant = user("13900139401", Role::Worker, now()).await;
        let approved = user("13900139402", Role::Worker, yesterday).await;
        store.set_worker_status(approved, WorkerStatus::Approved, "", now()).await.unwrap();
        let reviewing = store::NewWorkerDocument { kind: "qualification", storage_key: "workers/q402.png", category_code: None, expires_on: None, needs_review: true };
        store.add_worker_document(approved.0, &reviewing, now()).await.unwrap();
        let second = store::NewWorkerDocument { storage_key: "workers/q402b.png", ..reviewing };
        store.add_worker_document(approved.0, &second, now()).await.unwrap();
        let customer = user("13800139403", Role::Customer, now()).await;
        user("13800139404", Role::Customer, yesterday).await;

        let today = now() - Duration::from_secs(60);
        let counts = store.dashboard_counts(today, someday(), cutoffs_at(now())).await.unwrap();
        let all = UserFilter { role: None, search: None, health_lapsing_before: None, worker_status: None, with_pending_certificates: false, created_since: None, page: 1, page_size: 20 };
        let listed = |filter: UserFilter| {
            let store = store.clone();
            async move {
                let page = store.list_users(&filter).await.unwrap();
                (page.total, page.items.iter().map(|u| u.id).collect::<Vec<_>>(), page.items.iter().map(|u| u.certificates_pending).sum::<i64>())
            }
        };
        let applicants = listed(UserFilter { role: Some(Role::Worker), worker_status: Some(WorkerStatus::Applicant), ..all.clone() }).await;
        assert_eq!((applicants.0, applicants.1), (counts.workers_pending, vec![applicant]));
        let approved_workers = listed(UserFilter { role: Some(Role::Worker), worker_status: Some(WorkerStatus::Approved), ..all.clone() }).await;
        assert_eq!((approved_workers.0, approved_workers.1), (counts.workers_approved, vec![approved]));
        let with_certificates = listed(UserFilter { role: Some(Role::Worker), with_pending_certificates: true, ..all.clone() }).await;
        assert_eq!((with_certificates.1, with_certificates.2), (vec![approved], counts.certificates_pending));
        assert_eq!(counts.certificates_pending, 2);
        let new_today = listed(UserFilter { created_since: Some(today), ..all.clone() }).await;
        assert_eq!((new_today.0, new_today.1), (counts.users_new_today, vec![customer, applicant]));
    })
    .await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_for_good_and_waits_for_a_worker_to_hold_no_orders() {
    on_both(|store| async move {
        let t0 = now();
        let id = store.create_user(&new_user("13800138040", Role::Customer), t0).await.unwrap();
        store.create_session("hash-d", id, t0, t0 + Duration::from_secs(3600)).await.unwrap();
        store.set_account_disabled(id, true).await.unwrap();
        assert!(store.session_user("hash-d", t0).await.unwrap().is_none());
        assert!(store.credentials_by_phone(&Phone::parse("13800138040").unwrap()).await.unwrap().unwrap().disabled);
        store.set_account_disabled(id, false).await.unwrap();
        assert!(!store.user(id).await.unwrap().unwrap().disabled);
        assert!(store.session_user("hash-d", t0).await.unwrap().is_none(), "the old session stays ended");
        assert!(matches!(store.set_account_disabled(UserId(999_999), true).await, Err(StoreError::NotFound)));

        // A worker holding an accepted order is refused, and stays enabled.
        let worker = fx::worker(&store, "13900139501").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138041").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(5), "held"), &[worker], now()).await.unwrap();
        store.confirm_payment("PAY-held", "TXN-held", 9000, "RL-held", now()).await.unwrap();
        store.change_order(placed.order_id, &fx::accept(worker), now()).await.unwrap();
        assert!(matches!(store.set_account_disabled(UserId(worker), true).await, Err(StoreError::HoldsOrders)));
        assert!(!store.user(UserId(worker)).await.unwrap().unwrap().disabled);
    })
    .await;
}

#[tokio::test]
async fn display_names_update_and_audit_entries_are_kept() {
    on_both(|store| async move {
        let id = store.create_user(&new_user("13800138030", Role::Customer), now()).await.unwrap();
        store.update_display_name(id, &DisplayName::parse("小张").unwrap()).await.unwrap();
        assert_eq!(store.user(id).await.unwrap().unwrap().display_name, "小张");
        let entry = AuditEntry { actor: Some(id), action: "update_nickname".into(), target: format!("user:{}", id.0), detail: String::new() };
        store.record_audit(&entry, now()).await.unwrap();
        let entries = store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].actor_id, Some(id.0));
    })
    .await;
}

#[tokio::test]
async fn audit_entries_filter_by_action_actor_target_and_time_and_page_back_by_id() {
    on_both(|store| async move {
        let admin = store.create_user(&new_user("13700138001", Role::Admin), now()).await.unwrap();
        let colleague = store.create_user(&new_user("13700138002", Role::Admin), now()).await.unwrap();
        let t0 = now();
        let day = time::Duration::days(1);
        let entry = |actor: UserId, action: &str, target: &str| AuditEntry { actor: Some(actor), action: action.into(), target: target.into(), detail: String::new() };
        store.record_audit(&entry(admin, "worker_approve", "user:9"), t0 - day * 2).await.unwrap();
        store.record_audit(&entry(colleague, "worker_approve", "user:10"), t0 - day).await.unwrap();
        store.record_audit(&entry(admin, "assign_order", "order:12"), t0).await.unwrap();
        let listed = |filter: store::AuditFilter| {
            let store = store.clone();
            async move { store.audit_entries(&filter).await.unwrap().into_iter().map(|e| e.target).collect::<Vec<_>>() }
        };
        let newest = store::AuditFilter::newest(10);
        assert_eq!(listed(newest.clone()).await, ["order:12", "user:10", "user:9"], "newest first");
        assert_eq!(listed(store::AuditFilter { action: Some("worker_approve".into()), ..newest.clone() }).await, ["user:10", "user:9"]);
        assert_eq!(listed(store::AuditFilter { actor_id: Some(admin.0), ..newest.clone() }).await, ["order:12", "user:9"]);
        assert_eq!(listed(store::AuditFilter { target: Some("order:12".into()), ..newest.clone() }).await, ["order:12"]);
        let yesterday = store::AuditFilter { from: Some(t0 - day - time::Duration::hours(1)), until: Some(t0 - time::Duration::hours(1)), ..newest.clone() };
        assert_eq!(listed(yesterday).await, ["user:10"], "from is inclusive, until exclusive");
        assert_eq!(listed(store::AuditFilter { until: Some(t0), ..newest.clone() }).await, ["user:10", "user:9"]);
        let first_page = store.audit_entries(&store::AuditFilter::newest(2)).await.unwrap();
        assert_eq!(first_page.len(), 2);
        let older = store::AuditFilter { before_id: first_page.last().map(|e| e.id), ..newest.clone() };
        assert_eq!(listed(older).await, ["user:9"], "the next page starts below the last id shown");
        assert!(listed(store::AuditFilter { action: Some("assign_order".into()), actor_id: Some(colleague.0), ..newest }).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn meta_values_are_upserted() {
    on_both(|store| async move {
        assert_eq!(store.meta("k").await.unwrap(), None);
        store.set_meta("k", "1").await.unwrap();
        store.set_meta("k", "2").await.unwrap();
        assert_eq!(store.meta("k").await.unwrap().as_deref(), Some("2"));
    })
    .await;
}

// ---------- The order loop ----------

mod order_fixtures {
    use super::*;
    use store::{NewEvent, NewOrder, WorkerSetup};

    pub async fn worker(store: &DynStore, phone: &str) -> i64 {
        let id = store.create_user(&new_user(phone, Role::Worker), now()).await.unwrap();
        store.set_worker_status(id, WorkerStatus::Approved, "", now()).await.unwrap();
        let setup = WorkerSetup {
            gender: Some("female".into()),
            skills: vec!["daily_cleaning".into()],
            home_lat: 31.23,
            home_lng: 121.47,
            area_radius_km: 10.0,
            hours: (0..7).map(|d| (d, 8 * 60, 20 * 60)).collect(),
        };
        store.setup_worker(id.0, &setup).await.unwrap();
        id.0
    }

    pub async fn service(store: &DynStore) -> i64 {
        store.insert_service(&super::service("日常保洁", "daily_cleaning", 4500), now()).await.unwrap()
    }

    pub fn order(customer: i64, service: i64, start: OffsetDateTime, tag: &str) -> NewOrder {
        NewOrder {
            order_no: format!("DJ-{tag}"),
            customer_id: customer,
            service_id: service,
            service_name: "日常保洁".into(),
            category_code: "daily_cleaning".into(),
            units: 2,
            quote_json: "[]".into(),
            total_fen: 9000,
            address_text: "上海市黄浦区人民大道1号".into(),
            lat: 31.23,
            lng: 121.47,
            contact_phone: "13800138000".into(),
            notes: String::new(),
            starts_at: start,
            ends_at: start + Duration::from_secs(7200),
            pay_deadline: now() + Duration::from_secs(900),
            provider: "sandbox".into(),
            out_trade_no: format!("PAY-{tag}"),
            commission_bps: 2000,
            coupon_claim_id: None,
            worker_gender: None,
            cancel_tiers: Some("7200:2000".into()),
            checklist: Some("一\n二".into()),
            proof_photos: false,
        }
    }

    /// `worker` takes a booked order.
    pub fn accept(worker: i64) -> store::OrderChange {
        store::OrderChange {
            expected_state: "booked".into(),
            next_state: "accepted".into(),
            assign_worker: Some(worker),
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: None,
            event: event("accept", "worker", Some(worker)),
            notify: vec![],
        }
    }

    pub fn event(kind: &str, actor: &str, id: Option<i64>) -> NewEvent {
        NewEvent { kind: kind.into(), actor_kind: actor.into(), actor_id: id, position: None, detail: String::new(), away_from_address: false }
    }

    pub async fn customer(store: &DynStore, phone: &str) -> i64 {
        store.create_user(&new_user(phone, Role::Customer), now()).await.unwrap().0
    }
}

use order_fixtures as fx;

fn tomorrow_at(hour: u8) -> OffsetDateTime {
    (now() + Duration::from_secs(86_400)).replace_time(time::Time::from_hms(hour, 0, 0).unwrap())
}

#[tokio::test]
async fn an_order_holds_the_first_free_worker_and_the_next_overlapping_one_is_refused() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139100").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138100").await;
        let start = tomorrow_at(2);
        let placed = store.place_order(&fx::order(customer, service, start, "a"), &[worker], now()).await.unwrap();
        assert_eq!(placed.reserved_worker_id, worker);
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!(order.state, "pending_payment");
        assert_eq!(order.total_fen, 9000);
        let overlapping = store.place_order(&fx::order(customer, service, start + Duration::from_secs(3600), "b"), &[worker], now()).await;
        assert!(matches!(overlapping, Err(StoreError::SlotTaken)), "{overlapping:?}");
        // Back to back is fine.
        store.place_order(&fx::order(customer, service, start + Duration::from_secs(7200), "c"), &[worker], now()).await.unwrap();
        let busy = store.busy_between(start, start + Duration::from_secs(4 * 3600)).await.unwrap();
        assert_eq!(busy.len(), 2);
        let since = now() - Duration::from_secs(60);
        let counts = store.dashboard_counts(since, someday(), cutoffs_at(now())).await.unwrap();
        assert_eq!((counts.orders_today, counts.orders_awaiting_worker, counts.orders_in_progress), (2, 0, 0));
        // 今日订单 counts what the list of orders placed since then shows.
        let placed_since = |created_since| store::OrderFilter { created_since, ..store::OrderFilter::newest(50) };
        assert_eq!(store.orders(&placed_since(Some(since))).await.unwrap().len(), 2);
        assert_eq!(store.orders(&placed_since(Some(now() + Duration::from_secs(60)))).await.unwrap().len(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_recurring_booking_holds_one_worker_for_every_visit_or_places_nothing() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139150").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138150").await;
        let week = Duration::from_secs(7 * 86_400);
        let first = tomorrow_at(3);
        // The third week's time is already taken: the whole series is refused.
        store.place_order(&fx::order(customer, service, first + week * 2, "taken"), &[worker], now()).await.unwrap();
        let visits = |tag: &str| (0..3u32).map(|k| fx::order(customer, service, first + week * k, &format!("{tag}{k}"))).collect::<Vec<_>>();
        let refused = store.place_series(&visits("x"), worker, now()).await;
        assert!(matches!(refused, Err(StoreError::SlotTaken)), "{refused:?}");
        let mine = store::OrderFilter { customer_id: Some(customer), ..store::OrderFilter::newest(50) };
        assert_eq!(store.orders(&mine).await.unwrap().len(), 1, "a refused series leaves no visit behind");
        // An hour later every week is free.
        let later: Vec<_> = visits("y").into_iter().map(|mut o| {
            o.starts_at += Duration::from_secs(3 * 3600);
            o.ends_at += Duration::from_secs(3 * 3600);
            o
        }).collect();
        let placed = store.place_series(&later, worker, now()).await.unwrap();
        assert_eq!(placed.len(), 3);
        assert!(placed.iter().all(|p| p.reserved_worker_id == worker));
        let series = store::OrderFilter { series_id: Some(placed[0].order_id), ..store::OrderFilter::newest(50) };
        let mut read = store.orders(&series).await.unwrap();
        read.sort_by_key(|o| o.starts_at);
        let numbered: Vec<(i64, i64, Option<i64>)> = read.iter().map(|o| (o.series_index, o.series_visits, o.series_id)).collect();
        let id = Some(placed[0].order_id);
        assert_eq!(numbered, vec![(1, 3, id), (2, 3, id), (3, 3, id)]);
        let single = store.orders(&mine).await.unwrap().into_iter().find(|o| o.order_no == "DJ-taken").unwrap();
        assert_eq!((single.series_id, single.series_index, single.series_visits), (None, 0, 0));
        // Each visit has its own payment, so each is paid and refunded on its own.
        for p in &placed {
            assert!(store.payment_for_order(p.order_id).await.unwrap().is_some());
        }
    })
    .await;
}

#[tokio::test]
async fn the_order_monitor_selects_exactly_the_orders_the_booking_rule_flags() {
    on_both(|store| async move {
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138190").await;
        let at = tomorrow_at(12);
        let minutes = |m: i64| time::Duration::minutes(m);
        // (tag, start, end, the changes after payment): one worker each, so no two orders overlap.
        type Case<'a> = (&'a str, OffsetDateTime, OffsetDateTime, &'a [(&'a str, &'a str)]);
        let cases: [Case; 9] = [
            ("soon", at + minutes(60), at + minutes(180), &[]),
            ("later", at + minutes(61), at + minutes(181), &[]),
            ("late", at - minutes(1), at + minutes(119), &[("booked", "accepted")]),
            ("on-time", at, at + minutes(120), &[("booked", "accepted")]),
            ("en-route", at - minutes(30), at + minutes(90), &[("booked", "accepted"), ("accepted", "departed")]),
            ("on-site", at - minutes(30), at + minutes(90), &[("booked", "accepted"), ("accepted", "departed"), ("departed", "arrived")]),
            ("overrun", at - minutes(136), at - minutes(16), &[("booked", "accepted"), ("accepted", "in_service")]),
            ("grace", at - minutes(135), at - minutes(15), &[("booked", "accepted"), ("accepted", "in_service")]),
            ("done", at - minutes(180), at - minutes(60), &[("booked", "accepted"), ("accepted", "completed")]),
        ];
        for (i, (tag, start, end, changes)) in cases.iter().enumerate() {
            let worker = fx::worker(&store, &format!("1390013919{i}")).await;
            let mut order = fx::order(customer, service, *start, tag);
            order.ends_at = *end;
            let placed = store.place_order(&order, &[worker], now()).await.unwrap();
            store.confirm_payment(&format!("PAY-{tag}"), &format!("TXN-{tag}"), 9000, &format!("RL-{tag}"), now()).await.unwrap();
            for (from, to) in changes.iter() {
                let change = store::OrderChange {
                    expected_state: (*from).into(),
                    next_state: (*to).into(),
                    assign_worker: (*to == "accepted").then_some(worker),
                    fee_fen: 0,
                    refund: None,
                    settle: None,
                    no_show: None,
                    event: fx::event("monitor-test", "admin", None),
                    notify: vec![],
                };
                store.change_order(placed.order_id, &change, now()).await.unwrap();
            }
        }

        let unix = |t: OffsetDateTime| t.unix_timestamp();
        let cutoffs = cutoffs_at(at);
        let filter = |anomalous| store::OrderFilter { anomalous, ..store::OrderFilter::newest(50) };
        let mut flagged: Vec<String> = store.orders(&filter(Some(cutoffs))).await.unwrap().into_iter().map(|o| o.order_no).collect();
        flagged.sort();
        assert_eq!(flagged, ["DJ-en-route", "DJ-late", "DJ-overrun", "DJ-soon"]);
        for order in store.orders(&filter(None)).await.unwrap() {
            let state = booking::OrderState::from_db(&order.state).unwrap();
            let by_rule = booking::anomaly(state, unix(order.starts_at), unix(order.ends_at), order.arrived_far, unix(at));
            assert_eq!(by_rule.is_some(), flagged.contains(&order.order_no), "{} ({}) is {by_rule:?} by the rule", order.order_no, order.state);
        }
        let counts = store.dashboard_counts(now(), someday(), cutoffs).await.unwrap();
        assert_eq!(counts.orders_anomalous, 4);
        // 服务进行中 counts what the admin's list of orders a worker holds shows.
        let held = booking::OrderState::ALL.into_iter().filter(|s| s.is_held_by_worker()).map(|s| s.as_str().to_string()).collect();
        let mut underway: Vec<String> = store.orders(&store::OrderFilter { states: held, ..filter(None) }).await.unwrap().into_iter().map(|o| o.order_no).collect();
        underway.sort();
        assert_eq!(underway, ["DJ-en-route", "DJ-grace", "DJ-late", "DJ-on-site", "DJ-on-time", "DJ-overrun"]);
        assert_eq!(counts.orders_in_progress, 6);
    })
    .await;
}

#[tokio::test]
async fn concurrent_bookings_of_the_last_free_worker_slot_have_exactly_one_winner() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139101").await;
        let service = fx::service(&store).await;
        let mut customers = Vec::new();
        for i in 0..8 {
            customers.push(fx::customer(&store, &format!("1380013811{i}")).await);
        }
        let start = tomorrow_at(3);
        let attempts = customers.into_iter().enumerate().map(|(i, customer)| {
            let store = store.clone();
            async move { store.place_order(&fx::order(customer, service, start, &format!("race{i}")), &[worker], now()).await }
        });
        let results = futures_join_all(attempts).await;
        let winners = results.iter().filter(|r| r.is_ok()).count();
        let refused = results.iter().filter(|r| matches!(r, Err(StoreError::SlotTaken))).count();
        assert_eq!((winners, refused), (1, 7), "{results:?}");
        // The losers left no order, payment or job behind.
        let orders = store.orders(&store::OrderFilter::newest(50)).await.unwrap();
        assert_eq!(orders.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_payment_notification_books_the_order_once_and_replays_change_nothing() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139102").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138120").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(4), "pay"), &[worker], now()).await.unwrap();
        let wrong = store.confirm_payment("PAY-pay", "TXN1", 1, "R1", now()).await;
        assert!(matches!(wrong, Err(StoreError::AmountMismatch)));
        assert!(matches!(store.confirm_payment("PAY-nope", "TXN1", 9000, "R1", now()).await, Err(StoreError::NotFound)));
        let first = store.confirm_payment("PAY-pay", "TXN1", 9000, "R1", now()).await.unwrap();
        assert_eq!(first, store::PaymentOutcome::Booked { order_id: placed.order_id });
        let replay = store.confirm_payment("PAY-pay", "TXN1", 9000, "R2", now()).await.unwrap();
        assert_eq!(replay, store::PaymentOutcome::AlreadyProcessed);
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!((order.state.as_str(), order.paid_fen), ("booked", 9000));
        let kinds: Vec<String> = store.order_events(placed.order_id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["created", "payment_confirmed"]);
        assert!(store.live_events_after(customer, 0, 10).await.unwrap().len() == 1);
    })
    .await;
}

/// A cancel worked out before a move to a cheaper time gave part of the
/// money back would refund more than the order holds: refused as a stale
/// decision, nothing changed; worked out again, it refunds what is left.
#[tokio::test]
async fn a_refund_worked_out_before_a_move_refunded_part_is_refused_as_stale() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139104").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138140").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(6), "moved"), &[worker], now()).await.unwrap();
        store.confirm_payment("PAY-moved", "TXN-moved", 9000, "R-moved", now()).await.unwrap();
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        let cheaper = store::Reprice { quote_json: "[]".into(), total_fen: 7200, refund_fen: 1800, refund_no: "R-move".into() };
        let to = order.starts_at + Duration::from_secs(3600);
        let move_event = fx::event(booking::RESCHEDULE_EVENT, "customer", Some(customer));
        store.reschedule_order(order.id, order.starts_at, to, to + (order.ends_at - order.starts_at), Some(&cheaper), &move_event, &[customer], now()).await.unwrap();
        let cancel = |refund: i64, refund_no: &str| store::OrderChange {
            expected_state: "booked".into(),
            next_state: "refunding".into(),
            assign_worker: None,
            fee_fen: 0,
            refund: Some((refund, refund_no.into())),
            settle: None,
            no_show: None,
            event: fx::event("cancel", "customer", Some(customer)),
            notify: vec![customer],
        };
        let stale = store.change_order(order.id, &cancel(9000, "R-stale"), now()).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
        let order = store.order(order.id).await.unwrap().unwrap();
        assert_eq!((order.state.as_str(), order.total_fen, order.paid_fen, order.refund_fen, order.held_fen()), ("booked", 7200, 9000, 1800, 7200));
        store.change_order(order.id, &cancel(order.held_fen(), "R-cancel"), now()).await.unwrap();
        let order = store.order(order.id).await.unwrap().unwrap();
        assert_eq!((order.state.as_str(), order.refund_fen), ("refunding", 9000));
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn money_arriving_after_the_order_expired_is_refunded_in_full() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139103").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138130").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(5), "late"), &[worker], now()).await.unwrap();
        let expire = store::OrderChange {
            expected_state: "pending_payment".into(),
            next_state: "cancelled".into(),
            assign_worker: None,
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: None,
            event: fx::event("payment_expired", "system", None),
            notify: vec![customer],
        };
        store.change_order(placed.order_id, &expire, now()).await.unwrap();
        let outcome = store.confirm_payment("PAY-late", "TXN2", 9000, "R-late", now()).await.unwrap();
        assert_eq!(outcome, store::PaymentOutcome::RefundedLate { order_id: placed.order_id });
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!((order.state.as_str(), order.refund_fen), ("cancelled", 9000));
        let refund = store.pending_refund_for_order(placed.order_id).await.unwrap().expect("refund pending");
        assert_eq!(store.settle_refund(refund, now()).await.unwrap(), Some(store::SettledRefund { order_id: placed.order_id, amount_fen: 9000 }));
        assert_eq!(store.settle_refund(refund, now()).await.unwrap(), None, "settles once");
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn accepting_asks_whether_the_order_fits_among_the_workers_nearby_orders_and_a_no_changes_nothing() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139106").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138141").await;
        let deadline = now() + Duration::from_secs(60);
        let event = fx::event("accept", "worker", Some(worker));
        let notify = [customer, worker];
        let morning = store.place_order(&fx::order(customer, service, tomorrow_at(2), "fit-am"), &[worker], now()).await.unwrap();
        store.confirm_payment("PAY-fit-am", "TXN-fit-am", 9000, "R-fit-am", now()).await.unwrap();
        let offer = store.create_offer(morning.order_id, worker, "{}", "{}", now(), deadline, &|_| true).await.unwrap();
        store.accept_offer(offer, worker, &event, &notify, now(), &|_| true).await.unwrap();
        // Back to back with the morning order, which ends at 04:00.
        let next = store.place_order(&fx::order(customer, service, tomorrow_at(4), "fit-pm"), &[worker], now()).await.unwrap();
        store.confirm_payment("PAY-fit-pm", "TXN-fit-pm", 9000, "R-fit-pm", now()).await.unwrap();
        let offer = store.create_offer(next.order_id, worker, "{}", "{}", now(), deadline, &|_| true).await.unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let too_far = |around: &[store::BusyRow]| {
            seen.lock().unwrap().extend(around.iter().map(|b| (b.order_id, b.worker_id)));
            false
        };
        assert!(matches!(store.accept_offer(offer, worker, &event, &notify, now(), &too_far).await, Err(StoreError::TooFarBetween)));
        assert_eq!(*seen.lock().unwrap(), vec![(morning.order_id, worker)], "the worker's order next to it, not the order itself");
        let order = store.order(next.order_id).await.unwrap().unwrap();
        assert_eq!((order.state.as_str(), order.worker_id), ("booked", None), "nothing changed");
        assert!(store.offers_for_order(next.order_id).await.unwrap().iter().all(|o| o.status == "pending"));
        store.accept_offer(offer, worker, &event, &notify, now(), &|_| true).await.unwrap();
        assert_eq!(store.order(next.order_id).await.unwrap().unwrap().worker_id, Some(worker));
    })
    .await;
}

#[tokio::test]
async fn offers_and_broadcasts_ask_whether_the_order_still_fits_each_workers_nearby_orders_and_leave_out_who_cannot_make_it() {
    on_both(|store| async move {
        let busy = fx::worker(&store, "13900139112").await;
        let free = fx::worker(&store, "13900139113").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138142").await;
        let deadline = now() + Duration::from_secs(60);
        // `busy` holds an order ending at 04:00; the next one starts right then.
        store.place_order(&fx::order(customer, service, tomorrow_at(2), "near-am"), &[busy], now()).await.unwrap();
        let next = store.place_order(&fx::order(customer, service, tomorrow_at(4), "near-pm"), &[free], now()).await.unwrap();
        store.confirm_payment("PAY-near-pm", "TXN-near-pm", 9000, "R-near-pm", now()).await.unwrap();
        let no_time_after_another = |around: &[store::BusyRow]| around.is_empty();

        let refused = store.create_offer(next.order_id, busy, "{}", "{}", now(), deadline, &no_time_after_another).await;
        assert!(matches!(refused, Err(StoreError::SlotTaken)), "{refused:?}");
        assert!(store.offers_for_order(next.order_id).await.unwrap().is_empty(), "nothing offered");
        assert!(store.order_decisions(next.order_id).await.unwrap().is_empty(), "and no decision kept");

        let everyone = [(busy, "{}".to_string()), (free, "{}".to_string())];
        let offered = store.create_broadcast(next.order_id, &everyone, "{}", now(), deadline, &no_time_after_another).await.unwrap();
        assert_eq!(offered, [free], "only the worker who can get there");
    })
    .await;
}

#[tokio::test]
async fn two_workers_accepting_the_same_order_concurrently_have_exactly_one_winner() {
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139104").await;
        let b = fx::worker(&store, "13900139105").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138140").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(6), "acc"), &[a], now()).await.unwrap();
        store.confirm_payment("PAY-acc", "TXN3", 9000, "R3", now()).await.unwrap();
        let deadline = now() + Duration::from_secs(60);
        let offer_a = store.create_offer(placed.order_id, a, "{}", "{}", now(), deadline, &|_| true).await.unwrap();
        let offer_b = store.create_offer(placed.order_id, b, "{}", "{}", now(), deadline, &|_| true).await.unwrap();
        assert!(matches!(store.create_offer(placed.order_id, a, "{}", "{}", now(), deadline, &|_| true).await, Err(StoreError::Conflict)), "never offered twice");
        let attempts = [(offer_a, a), (offer_b, b)].map(|(offer, worker)| {
            let store = store.clone();
            async move {
                store.accept_offer(offer, worker, &fx::event("accept", "worker", Some(worker)), &[customer, worker], now(), &|_| true).await
            }
        });
        let results = futures_join_all(attempts).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!(order.state, "accepted");
        let statuses: Vec<String> = store.offers_for_order(placed.order_id).await.unwrap().into_iter().map(|o| o.status).collect();
        assert!(statuses.contains(&"accepted".to_string()) && statuses.contains(&"withdrawn".to_string()), "{statuses:?}");
    })
    .await;
}

#[tokio::test]
async fn an_order_changes_only_from_the_state_it_was_read_in() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139106").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138150").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(7), "chg"), &[worker], now()).await.unwrap();
        let depart = store::OrderChange {
            expected_state: "accepted".into(),
            next_state: "departed".into(),
            assign_worker: None,
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: None,
            event: fx::event("depart", "worker", Some(worker)),
            notify: vec![],
        };
        assert!(matches!(store.change_order(placed.order_id, &depart, now()).await, Err(StoreError::Conflict)));
        assert_eq!(store.order(placed.order_id).await.unwrap().unwrap().state, "pending_payment");
        assert_eq!(store.order_events(placed.order_id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn due_jobs_are_claimed_once_until_their_lock_lapses() {
    on_both(|store| async move {
        let t0 = now();
        store.enqueue_job("offer_timeout", 7, "", t0).await.unwrap();
        store.enqueue_job("offer_timeout", 8, "", t0 + Duration::from_secs(600)).await.unwrap();
        let claimed = store.claim_due_jobs(t0, t0 + Duration::from_secs(30), 10).await.unwrap();
        assert_eq!(claimed.iter().map(|j| j.ref_id).collect::<Vec<_>>(), [7]);
        assert!(store.claim_due_jobs(t0 + Duration::from_secs(1), t0 + Duration::from_secs(31), 10).await.unwrap().is_empty());
        store.fail_job(claimed[0].id, "boom", t0 + Duration::from_secs(5)).await.unwrap();
        let retried = store.claim_due_jobs(t0 + Duration::from_secs(6), t0 + Duration::from_secs(40), 10).await.unwrap();
        assert_eq!((retried.len(), retried[0].attempts), (1, 2));
        store.finish_job(retried[0].id, t0).await.unwrap();
        assert!(store.claim_due_jobs(t0 + Duration::from_secs(100), t0 + Duration::from_secs(130), 10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn dispatch_sees_approved_workers_with_the_skill_and_their_hours() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139107").await;
        let unskilled = store.create_user(&new_user("13900139108", Role::Worker), now()).await.unwrap();
        store.set_worker_status(unskilled, WorkerStatus::Approved, "", now()).await.unwrap();
        let found = store.workers_for_dispatch("daily_cleaning").await.unwrap();
        assert_eq!(found.iter().map(|w| w.user_id).collect::<Vec<_>>(), [worker]);
        assert!(store.workers_for_dispatch("daily").await.unwrap().is_empty(), "whole skill codes only");
        assert_eq!(store.work_windows(&[worker]).await.unwrap().len(), 7);
    })
    .await;
}

#[tokio::test]
async fn dispatch_reads_how_long_accepted_certificates_last_and_a_withdrawn_one_stops_counting() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139117").await;
        let admin = admin(&store, "13700139117").await;
        let file = |kind: &'static str, key: &'static str, category: Option<&'static str>, expires_on: Option<&'static str>, needs_review: bool| {
            let store = store.clone();
            async move {
                let document = store::NewWorkerDocument { kind, storage_key: key, category_code: category, expires_on, needs_review };
                store.add_worker_document(worker, &document, now()).await.unwrap()
            }
        };
        let dispatch_view = || {
            let store = store.clone();
            async move {
                let found = store.workers_for_dispatch("daily_cleaning").await.unwrap();
                let w = found.into_iter().find(|w| w.user_id == worker).unwrap();
                (w.certified, w.certified_through, w.health_through)
            }
        };
        assert_eq!(dispatch_view().await, (false, None, None));
        file("health", "workers/h1.png", None, Some("2027-03-31"), false).await;
        let first = file("qualification", "workers/q1.png", Some("daily_cleaning"), Some("2027-01-31"), false).await;
        file("qualification", "workers/q2.png", Some("daily_cleaning"), Some("2027-06-30"), true).await;
        file("qualification", "workers/q3.png", Some("maternity_nanny"), None, false).await;
        assert_eq!(
            dispatch_view().await,
            (true, Some("2027-01-31".to_string()), Some("2027-03-31".to_string())),
            "a pending certificate and another category's do not count"
        );
        let lifelong = file("qualification", "workers/q4.png", Some("daily_cleaning"), None, false).await;
        assert_eq!(dispatch_view().await, (true, None, Some("2027-03-31".to_string())), "one without an expiry covers every day");
        let renewal = file("health", "workers/h2.png", None, Some("2028-03-31"), true).await;
        assert_eq!(dispatch_view().await.2, Some("2027-03-31".to_string()), "a renewal counts once accepted");
        store.review_certificate(worker, renewal, true, "", admin, now()).await.unwrap();
        assert_eq!(dispatch_view().await.2, Some("2028-03-31".to_string()), "the newest accepted 健康证 replaces the one before");

        store.revoke_certificate(worker, lifelong, "证书信息与本人不符", admin, now()).await.unwrap();
        assert_eq!(dispatch_view().await.1, Some("2027-01-31".to_string()), "a withdrawn certificate no longer counts");
        assert!(matches!(store.revoke_certificate(worker, lifelong, "again", admin, now()).await, Err(StoreError::Conflict)));
        let other = fx::worker(&store, "13900139118").await;
        assert!(matches!(store.revoke_certificate(other, first, "not theirs", admin, now()).await, Err(StoreError::Conflict)));
        let documents = store.worker_documents(worker).await.unwrap();
        let withdrawn = documents.iter().find(|d| d.id == lifelong).unwrap();
        assert_eq!((withdrawn.review_state.as_str(), withdrawn.review_note.as_str()), ("rejected", "证书信息与本人不符"));
        assert!(withdrawn.revoked_at.is_some());
        assert_eq!(documents.iter().find(|d| d.id == first).unwrap().expires_on.as_deref(), Some("2027-01-31"));
        let audit = store.audit_entries(&store::AuditFilter::newest(5)).await.unwrap();
        assert_eq!(audit.iter().filter(|a| a.action == "certificate_revoked").count(), 1, "audited once, with the withdrawal");
    })
    .await;
}

#[tokio::test]
async fn an_offer_moves_the_orders_time_hold_to_the_offered_worker() {
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139110").await;
        let b = fx::worker(&store, "13900139111").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138160").await;
        let start = tomorrow_at(8);
        let placed = store.place_order(&fx::order(customer, service, start, "hold"), &[a], now()).await.unwrap();
        store.confirm_payment("PAY-hold", "TXN-hold", 9000, "R-hold", now()).await.unwrap();
        store.create_offer(placed.order_id, b, "{}", "{}", now(), now() + Duration::from_secs(60), &|_| true).await.unwrap();
        let holders: Vec<i64> = store.busy_between(start, start + Duration::from_secs(3600)).await.unwrap().iter().map(|b| b.worker_id).collect();
        assert_eq!(holders, [b], "a's time is free again");
        // b's time is now held, so another order at that time cannot be offered to b.
        let other = store.place_order(&fx::order(customer, service, start, "hold2"), &[a], now()).await.unwrap();
        store.confirm_payment("PAY-hold2", "TXN-hold2", 9000, "R-hold2", now()).await.unwrap();
        let taken = store.create_offer(other.order_id, b, "{}", "{}", now(), now() + Duration::from_secs(60), &|_| true).await;
        assert!(matches!(taken, Err(StoreError::SlotTaken)), "{taken:?}");
    })
    .await;
}

// ---------- Money: the ledger, payout accounts and withdrawals ----------

mod money_fixtures {
    use super::*;
    use store::{Adjustment, LateCharge, NewPayoutAccount, OrderChange, PostingMeta, Settlement};

    /// Places and pays a ¥90 order for `worker`, then applies `change` to it.
    pub async fn paid_order(store: &DynStore, worker: i64, customer: i64, tag: &str, hour: u8) -> i64 {
        let service = fx::service(store).await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(hour), tag), &[worker], now()).await.unwrap();
        store.confirm_payment(&format!("PAY-{tag}"), &format!("TXN-{tag}"), 9000, &format!("RL-{tag}"), now()).await.unwrap();
        placed.order_id
    }

    /// The customer cancels a paid ¥90 order late: ¥18 kept, ¥72 refunded.
    pub fn cancel_late(customer: i64, tag: &str) -> OrderChange {
        OrderChange {
            expected_state: "booked".into(),
            next_state: "refunding".into(),
            assign_worker: None,
            fee_fen: 1800,
            refund: Some((7200, format!("RF-{tag}"))),
            settle: None,
            no_show: None,
            event: fx::event("cancel", "customer", Some(customer)),
            notify: vec![],
        }
    }

    pub fn complete(worker: i64, bps: u32) -> OrderChange {
        OrderChange {
            expected_state: "booked".into(),
            next_state: "completed".into(),
            assign_worker: Some(worker),
            fee_fen: 0,
            refund: None,
            settle: Some(Settlement { worker_id: worker, commission_bps: bps, late: None, discount_fen: 0, served_days: None }),
            no_show: None,
            event: fx::event("complete", "worker", Some(worker)),
            notify: vec![],
        }
    }

    /// [`complete`] by a worker who arrived `late_minutes` late and is charged `penalty_fen`.
    pub fn complete_late(worker: i64, bps: u32, penalty_fen: i64, late_minutes: i64) -> OrderChange {
        let mut change = complete(worker, bps);
        change.settle = Some(Settlement { worker_id: worker, commission_bps: bps, late: Some(LateCharge { penalty_fen, late_minutes }), discount_fen: 0, served_days: None });
        change
    }

    pub async fn reward(store: &DynStore, worker: i64, amount: i64, key: &str) -> Result<i64, StoreError> {
        let meta = PostingMeta { idem_key: key.into(), actor_id: None, memo: "好评奖励".into() };
        store.post_adjustment(worker, Adjustment::Reward, amount, &meta, now()).await
    }

    pub async fn bank_account(store: &DynStore, worker: i64) -> i64 {
        let account = NewPayoutAccount {
            kind: "bank".into(),
            holder_name: "李阿姨".into(),
            account_no: "6222021234567890123".into(),
            bank_name: "工商银行".into(),
        };
        store.add_payout_account(worker, &account, now()).await.unwrap()
    }

    pub async fn assert_books_balance(store: &DynStore) {
        let violations = store.ledger_audit().await.unwrap();
        assert!(violations.is_empty(), "{violations:?}");
    }
}

use money_fixtures as mx;

#[tokio::test]
async fn completing_an_order_pays_the_worker_and_the_platform_commission_once() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139301").await;
        let customer = fx::customer(&store, "13800138301").await;
        let order = mx::paid_order(&store, worker, customer, "done", 3).await;
        mx::assert_books_balance(&store).await;
        store.change_order(order, &mx::complete(worker, 2000), now()).await.unwrap();
        assert!(matches!(store.change_order(order, &mx::complete(worker, 2000), now()).await, Err(StoreError::Conflict)));
        let balance = store.worker_balance(worker).await.unwrap();
        assert_eq!((balance.available_fen, balance.held_fen), (7200, 0));
        let lines = store.worker_ledger(worker, now() - Duration::from_secs(3600), 50).await.unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].kind.as_str(), lines[0].available_delta, lines[0].commission_fen), ("completion", 7200, 1800));
        assert_eq!(lines[0].order_no.as_deref(), Some("DJ-done"));
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_late_arrival_penalty_comes_out_of_that_orders_earnings_once() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139311").await;
        let customer = fx::customer(&store, "13800138311").await;
        let order = mx::paid_order(&store, worker, customer, "late", 3).await;
        store.change_order(order, &mx::complete_late(worker, 2000, 2000, 23), now()).await.unwrap();
        assert!(matches!(store.change_order(order, &mx::complete_late(worker, 2000, 2000, 23), now()).await, Err(StoreError::Conflict)));
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 7200 - 2000);
        let lines = store.worker_ledger(worker, now() - Duration::from_secs(3600), 50).await.unwrap();
        let penalty = lines.iter().find(|l| l.kind == "penalty").expect("the penalty is on the worker's statement");
        assert_eq!((penalty.available_delta, penalty.memo.as_str(), penalty.order_no.as_deref()), (-2000, "迟到23分钟", Some("DJ-late")));
        let moves: Vec<(String, String, i64)> = store.order_ledger(order).await.unwrap().into_iter().map(|e| (e.kind, e.account, e.amount_fen)).collect();
        let expected = [
            ("capture", "gateway", -9000),
            ("capture", "order_escrow", 9000),
            ("completion", "order_escrow", -9000),
            ("completion", "platform_commission", 1800),
            ("completion", "worker_available", 7200),
            ("penalty", "worker_available", -2000),
            ("penalty", "penalties", 2000),
        ];
        assert_eq!(moves, expected.map(|(k, a, f)| (k.to_string(), a.to_string(), f)), "the order's money, oldest first");
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_late_arrival_penalty_never_takes_more_than_the_order_paid() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139312").await;
        let customer = fx::customer(&store, "13800138312").await;
        mx::reward(&store, worker, 10_000, "late-cap-reward").await.unwrap();
        let order = mx::paid_order(&store, worker, customer, "late2", 5).await;
        // ¥72 of the ¥90 order is the worker's; a ¥500 penalty takes just that.
        store.change_order(order, &mx::complete_late(worker, 2000, 50_000, 200), now()).await.unwrap();
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 10_000);
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_no_show_penalty_takes_what_the_worker_has_available_with_the_handover() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139313").await;
        let other = fx::worker(&store, "13900139314").await;
        let customer = fx::customer(&store, "13800138313").await;
        mx::reward(&store, worker, 3_000, "no-show-reward").await.unwrap();
        let order = mx::paid_order(&store, worker, customer, "noshow", 6).await;
        store.change_order(order, &fx::accept(worker), now()).await.unwrap();
        let handover = store::OrderChange {
            expected_state: "accepted".into(),
            next_state: "accepted".into(),
            assign_worker: Some(other),
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: Some(store::NoShowCharge { worker_id: worker, penalty_fen: 10_000 }),
            event: fx::event("assign", "admin", None),
            notify: vec![],
        };
        store.change_order(order, &handover, now()).await.unwrap();
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 0, "¥30 was there; no more is taken");
        // Handed back to them and on again: one no-show per worker and order, and the hand-over still goes through.
        mx::reward(&store, worker, 1_000, "no-show-reward-2").await.unwrap();
        let back = store::OrderChange { assign_worker: Some(worker), no_show: None, ..handover.clone() };
        store.change_order(order, &back, now()).await.unwrap();
        store.change_order(order, &handover, now()).await.unwrap();
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 1_000);
        let lines = store.worker_ledger(worker, now() - Duration::from_secs(3600), 50).await.unwrap();
        let penalty = lines.iter().find(|l| l.kind == "penalty").unwrap();
        assert_eq!((penalty.available_delta, penalty.order_no.as_deref()), (-3_000, Some("DJ-noshow")));
        assert_eq!(store.order(order).await.unwrap().unwrap().worker_id, Some(other));
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn lateness_rules_save_with_a_version_and_are_audited() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137203").await;
        assert!(store.lateness_policy().await.unwrap().is_none());
        let rules = booking::LatenessPolicy::parse_lines("10分钟 ¥10\n40分钟 ¥80").unwrap();
        assert_eq!(store.save_lateness_policy(&rules, 0, admin, now()).await.unwrap(), 1);
        assert!(matches!(store.save_lateness_policy(&booking::LatenessPolicy::default(), 0, admin, now()).await, Err(StoreError::Conflict)));
        let saved = store.lateness_policy().await.unwrap().unwrap();
        assert_eq!((saved.version, saved.policy), (1, rules));
        let audit = store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
        let entry = audit.iter().find(|a| a.action == "lateness.rules").unwrap();
        assert!(entry.detail.starts_with("{\"old\":null,\"new\":{") && entry.detail.contains("\"after_secs\":2400"), "{}", entry.detail);
    })
    .await;
}

#[tokio::test]
async fn a_late_cancellation_keeps_the_fee_and_refunds_the_rest() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139302").await;
        let customer = fx::customer(&store, "13800138302").await;
        let order = mx::paid_order(&store, worker, customer, "fee", 4).await;
        store.change_order(order, &mx::cancel_late(customer, "fee"), now()).await.unwrap();
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 0);
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_customers_totals_and_reviews_cover_only_their_own_orders() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139304").await;
        let customer = fx::customer(&store, "13800138304").await;
        let other = fx::customer(&store, "13800138305").await;
        assert_eq!(store.customer_totals(customer).await.unwrap(), store::CustomerTotals::default());

        let done = mx::paid_order(&store, worker, customer, "cdone", 8).await;
        store.change_order(done, &mx::complete(worker, 2000), now()).await.unwrap();
        let review = store::NewReview { order_id: done, customer_id: customer, worker_id: worker, quality: 5, attitude: 4, result: 5, body: "很细心".into() };
        store.create_review(&review, now()).await.unwrap();
        let service = store.order(done).await.unwrap().unwrap().service_id;
        // Cancelled after paying, late: ¥18 kept, ¥72 on its way back.
        let late = store.place_order(&fx::order(customer, service, tomorrow_at(11), "clate"), &[worker], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-clate", "TXN-clate", 9000, "RL-clate", now()).await.unwrap();
        store.change_order(late, &mx::cancel_late(customer, "clate"), now()).await.unwrap();
        store.place_order(&fx::order(customer, service, tomorrow_at(14), "cunpaid"), &[worker], now()).await.unwrap();
        store.place_order(&fx::order(other, service, tomorrow_at(17), "cother"), &[worker], now()).await.unwrap();
        store.confirm_payment("PAY-cother", "TXN-cother", 9000, "RL-cother", now()).await.unwrap();

        let totals = store.customer_totals(customer).await.unwrap();
        assert_eq!(totals, store::CustomerTotals { orders: 3, completed: 1, cancelled: 1, paid_fen: 18_000, refunded_fen: 7200 });
        let reviews = store.customer_reviews(customer, 10).await.unwrap();
        assert_eq!(reviews.len(), 1);
        let r = &reviews[0];
        assert_eq!((r.order_id, r.order_no.as_str(), r.worker_name.as_str(), r.quality, r.attitude, r.result, r.body.as_str()), (done, "DJ-cdone", "测试用户", 5, 4, 5, "很细心"));
        assert!(store.customer_reviews(other, 10).await.unwrap().is_empty());
        assert_eq!(store.customer_totals(other).await.unwrap().paid_fen, 9000);
    })
    .await;
}

#[tokio::test]
async fn a_workers_assessment_counts_arrivals_by_the_start_answered_offers_reviews_and_complaints_about_their_orders() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139320").await;
        let other = fx::worker(&store, "13900139321").await;
        let customer = fx::customer(&store, "13800138320").await;
        let arrive = |at_start_plus_minutes: Option<i64>, hour: u8| {
            let at = at_start_plus_minutes.map_or(now(), |m| tomorrow_at(hour) + time::Duration::minutes(m));
            let change = store::OrderChange {
                expected_state: "booked".into(),
                next_state: "arrived".into(),
                assign_worker: Some(worker),
                fee_fen: 0,
                refund: None,
                settle: None,
                no_show: None,
                event: fx::event("arrive", "worker", Some(worker)),
                notify: vec![],
            };
            (change, at)
        };
        // Five arrivals: three early, one right at the start, one ten minutes late.
        let service = fx::service(&store).await;
        let paid = |tag: String, hour: u8| {
            let store = store.clone();
            async move {
                let placed = store.place_order(&fx::order(customer, service, tomorrow_at(hour), &tag), &[worker], now()).await.unwrap();
                store.confirm_payment(&format!("PAY-{tag}"), &format!("TXN-{tag}"), 9000, &format!("R-{tag}"), now()).await.unwrap();
                placed.order_id
            }
        };
        let mut orders = Vec::new();
        for (hour, late_by) in [(8, None), (10, None), (12, None), (14, Some(0)), (16, Some(10))] {
            let order = paid(format!("as{hour}"), hour).await;
            let (change, at) = arrive(late_by, hour);
            store.change_order(order, &change, at).await.unwrap();
            orders.push(order);
        }
        let complete = store::OrderChange { expected_state: "arrived".into(), ..mx::complete(worker, 2000) };
        store.change_order(orders[0], &complete, now()).await.unwrap();
        let review = store::NewReview { order_id: orders[0], customer_id: customer, worker_id: worker, quality: 5, attitude: 4, result: 3, body: String::new() };
        store.create_review(&review, now()).await.unwrap();
        store
            .create_feedback(&store::NewFeedback { customer_id: customer, order_id: Some(orders[4]), category: "lateness".into(), body: "迟到了十分钟".into() }, now())
            .await
            .unwrap();
        store.create_feedback(&store::NewFeedback { customer_id: customer, order_id: None, category: "other".into(), body: "希望增加夜间服务".into() }, now()).await.unwrap();
        // Offers: one accepted, one refused; a 抢单 offer would not count.
        let deadline = now() + Duration::from_secs(60);
        for (tag, hour, accept) in [("aso1", 18, true), ("aso2", 20, false)] {
            let order = paid(tag.to_string(), hour).await;
            let offer = store.create_offer(order, worker, "{}", "{}", now(), deadline, &|_| true).await.unwrap();
            if accept {
                store.accept_offer(offer, worker, &fx::event("accept", "worker", Some(worker)), &[customer, worker], now(), &|_| true).await.unwrap();
            } else {
                assert!(store.close_offer(offer, "rejected", now()).await.unwrap());
            }
        }

        // Judged the day after: every order above started within the 30 days before.
        let judged_at = tomorrow_at(23);
        let all = store.worker_assessments(None, judged_at).await.unwrap();
        assert!(all.iter().any(|r| r.worker_id == other && r.counts == dispatch::AssessmentCounts::default()), "a worker with no record counts zero");
        let mine = store.worker_assessments(Some(worker), judged_at).await.unwrap();
        assert_eq!(mine.len(), 1);
        let c = mine[0].counts;
        assert_eq!((mine[0].name.as_str(), mine[0].status.as_str()), ("测试用户", "approved"));
        assert_eq!((c.completed_orders, c.reviews), (1, 1));
        assert!((c.rating.unwrap() - 4.0).abs() < 1e-9, "{:?}", c.rating);
        assert_eq!((c.arrivals, c.on_time_arrivals), (5, 4), "arriving at the start is on time, ten minutes after is not");
        assert_eq!((c.offers_answered, c.offers_accepted), (2, 1));
        assert_eq!(c.complaints, 1, "feedback not about one of their orders is not theirs");

        // A month later the recent figures are gone; the record stays.
        let later = store.worker_assessments(Some(worker), judged_at + time::Duration::days(31)).await.unwrap()[0].counts;
        assert_eq!((later.arrivals, later.offers_answered, later.complaints), (0, 0, 0));
        assert_eq!((later.completed_orders, later.reviews), (1, 1));
    })
    .await;
}

fn feedback_step(expected: &str, next: &str, admin: i64, reply: Option<&str>) -> store::FeedbackStep {
    store::FeedbackStep {
        expected_status: expected.into(),
        next_status: next.into(),
        admin_id: admin,
        handler_id: admin,
        reply: reply.map(|r| (r.to_string(), format!("客服回复：{r}"))),
    }
}

#[tokio::test]
async fn feedback_is_handled_once_per_step_and_each_reply_reaches_the_customer_exactly_once() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139306").await;
        let customer = fx::customer(&store, "13800138306").await;
        let other = fx::customer(&store, "13800138307").await;
        let (first_admin, second_admin) = (admin(&store, "13700137306").await, admin(&store, "13700137307").await);
        let order = mx::paid_order(&store, worker, customer, "fb", 9).await;
        let new = |customer_id: i64, order_id: Option<i64>, body: &str| store::NewFeedback { customer_id, order_id, category: "lateness".into(), body: body.into() };
        let late = store.create_feedback(&new(customer, Some(order), "阿姨迟到了半小时"), now()).await.unwrap();
        let general = store.create_feedback(&new(other, None, "希望增加夜间服务"), now()).await.unwrap();
        assert_eq!(store.unresolved_feedback_count().await.unwrap(), 2);
        let mine = store.feedback_list(&store::FeedbackFilter { customer_id: Some(customer), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(mine.iter().map(|f| (f.id, f.order_no.as_deref(), f.status.as_str())).collect::<Vec<_>>(), [(late, Some("DJ-fb"), "open")]);
        let about_order = store.feedback_list(&store::FeedbackFilter { order_id: Some(order), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(about_order.iter().map(|f| f.id).collect::<Vec<_>>(), [late]);
        let complained = || {
            let store = store.clone();
            async move { store.orders(&store::OrderFilter { open_complaint: true, ..store::OrderFilter::newest(10) }).await.unwrap() }
        };
        let flagged = complained().await;
        assert_eq!(flagged.iter().map(|o| (o.id, o.open_complaint)).collect::<Vec<_>>(), [(order, true)]);

        // Two admins take it at once: one wins, the other changes nothing.
        let take = |admin_id: i64| {
            let store = store.clone();
            async move { store.step_feedback(late, &feedback_step("open", "assigned", admin_id, None), now()).await }
        };
        let outcomes = futures_join_all([take(first_admin), take(second_admin)]).await;
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "exactly one admin takes it: {outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Err(StoreError::Conflict))));
        let taken = store.feedback(late).await.unwrap().unwrap();
        assert_eq!(taken.status, "assigned");
        let handler = taken.handler_id.unwrap();

        store.step_feedback(late, &feedback_step("assigned", "assigned", handler, Some("已联系服务者核实")), now()).await.unwrap();
        store.step_feedback(late, &feedback_step("assigned", "resolved", handler, Some("已补偿20元优惠券")), now()).await.unwrap();
        let again = store.step_feedback(late, &feedback_step("assigned", "resolved", handler, Some("重复提交")), now()).await;
        assert!(matches!(again, Err(StoreError::Conflict)), "a resolved complaint is not resolved twice");

        assert!(complained().await.is_empty(), "a resolved complaint no longer flags its order");
        assert!(!store.order(order).await.unwrap().unwrap().open_complaint);
        let resolved = store.feedback(late).await.unwrap().unwrap();
        assert_eq!(resolved.status, "resolved");
        assert!(resolved.resolved_at.is_some());
        let replies = store.feedback_replies(&[late, general]).await.unwrap();
        assert_eq!(replies.iter().map(|r| (r.feedback_id, r.body.as_str(), r.resolves)).collect::<Vec<_>>(), [(late, "已联系服务者核实", false), (late, "已补偿20元优惠券", true)]);
        let messages: Vec<String> = store.messages(customer, 10).await.unwrap().into_iter().map(|m| m.body).collect();
        assert_eq!(messages.len(), 2, "one 消息 per reply: {messages:?}");
        assert!(messages.contains(&"客服回复：已补偿20元优惠券".to_string()));
        assert!(store.messages(other, 10).await.unwrap().is_empty());
        assert_eq!(store.unresolved_feedback_count().await.unwrap(), 1);

        // Photos: at most the cap, and none on resolved feedback.
        let key = |n: u32| format!("feedback/{n:032x}.png");
        for n in 0..3 {
            store.add_feedback_image(general, &key(n), 3, now()).await.unwrap();
        }
        assert!(matches!(store.add_feedback_image(general, &key(3), 3, now()).await, Err(StoreError::Conflict)));
        assert!(matches!(store.add_feedback_image(late, &key(4), 3, now()).await, Err(StoreError::Conflict)), "resolved");
        let photos = store.feedback_images(&[late, general]).await.unwrap();
        assert_eq!(photos, (0..3).map(|n| (general, key(n))).collect::<Vec<_>>());
        assert_eq!(store.feedback_image_owner(&key(0)).await.unwrap(), Some(other));
        assert_eq!(store.feedback_image_owner(&key(4)).await.unwrap(), None);
        let open = store.feedback_list(&store::FeedbackFilter { statuses: vec![domain::FeedbackStatus::Open], limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(open.iter().map(|f| f.id).collect::<Vec<_>>(), [general]);
        let unresolved = domain::FeedbackStatus::UNRESOLVED.to_vec();
        let all = store.feedback_list(&store::FeedbackFilter { statuses: unresolved, limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(all.len() as i64, store.unresolved_feedback_count().await.unwrap(), "the 未解决 list shows what the tile counts");
    })
    .await;
}

#[tokio::test]
async fn two_concurrent_withdrawals_that_together_exceed_the_balance_let_exactly_one_through() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139303").await;
        mx::reward(&store, worker, 7200, "race-seed").await.unwrap();
        let account = mx::bank_account(&store, worker).await;
        let attempts = [5000, 5000].map(|amount| {
            let store = store.clone();
            async move { store.request_withdrawal(worker, account, amount, now()).await }
        });
        let results = futures_join_all(attempts).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(StoreError::Ledger(ledger::LedgerError::InsufficientAvailable { .. })))), "{results:?}");
        let balance = store.worker_balance(worker).await.unwrap();
        assert_eq!((balance.available_fen, balance.held_fen), (2200, 5000));
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_withdrawal_is_decided_exactly_once_even_when_approve_and_reject_race() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139304").await;
        mx::reward(&store, worker, 6000, "decide-seed").await.unwrap();
        let account = mx::bank_account(&store, worker).await;
        let id = store.request_withdrawal(worker, account, 6000, now()).await.unwrap();
        let decisions = [
            store::WithdrawalDecision::Paid { reference: "PAYOUT-1".into() },
            store::WithdrawalDecision::Paid { reference: "PAYOUT-1".into() },
            store::WithdrawalDecision::Rejected { reason: "信息有误".into() },
        ]
        .map(|decision| {
            let store = store.clone();
            async move { store.decide_withdrawal(id, &decision, worker, now()).await }
        });
        let results = futures_join_all(decisions).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().filter(|r| r.is_err()).all(|r| matches!(r, Err(StoreError::Conflict))));
        let balance = store.worker_balance(worker).await.unwrap();
        let record = store.withdrawal(id).await.unwrap().unwrap();
        match record.status.as_str() {
            "paid" => assert_eq!((balance.available_fen, balance.held_fen), (0, 0)),
            "rejected" => assert_eq!((balance.available_fen, balance.held_fen), (6000, 0)),
            other => panic!("unexpected status {other}"),
        }
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_worker_cannot_withdraw_to_another_workers_account_or_overdraw_by_penalty() {
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139305").await;
        let b = fx::worker(&store, "13900139306").await;
        mx::reward(&store, a, 3000, "own-seed").await.unwrap();
        let b_account = mx::bank_account(&store, b).await;
        assert!(matches!(store.request_withdrawal(a, b_account, 1000, now()).await, Err(StoreError::NotFound)));
        let meta = store::PostingMeta { idem_key: "pen-1".into(), actor_id: None, memo: "迟到".into() };
        let penalty = store.post_adjustment(a, store::Adjustment::Penalty, 5000, &meta, now()).await;
        assert!(matches!(penalty, Err(StoreError::Ledger(ledger::LedgerError::InsufficientAvailable { .. }))), "{penalty:?}");
        assert_eq!(store.worker_balance(a).await.unwrap().available_fen, 3000);
        mx::assert_books_balance(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_repeated_reward_request_posts_once() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139307").await;
        let first = mx::reward(&store, worker, 500, "reward-form-1").await.unwrap();
        let again = mx::reward(&store, worker, 500, "reward-form-1").await.unwrap();
        assert_eq!(first, again);
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 500);
        mx::assert_books_balance(&store).await;
    })
    .await;
}

/// Random sequences of the money operations against the real database,
/// with the expected balances tracked alongside; after every step the
/// balances match and the ledger audit is clean.
#[tokio::test]
async fn random_money_sequences_keep_the_books_balanced_on_the_database() {
    use rand::{Rng, SeedableRng};
    on_both(|store| async move {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x6461_6f6a_6961);
        let workers = [fx::worker(&store, "13900139401").await, fx::worker(&store, "13900139402").await];
        let customer = fx::customer(&store, "13800138401").await;
        let accounts = [mx::bank_account(&store, workers[0]).await, mx::bank_account(&store, workers[1]).await];
        // (available, held) per worker, and the pending withdrawals.
        let mut expected = [(0i64, 0i64); 2];
        let mut pending: Vec<(i64, usize, i64)> = Vec::new();
        let mut orders = 0i64;
        let service = fx::service(&store).await;
        for step in 0..120 {
            let w = rng.gen_range(0..2usize);
            match rng.gen_range(0..6) {
                0 => {
                    orders += 1;
                    let tag = format!("sm{orders}");
                    let start = now() + Duration::from_secs(86_400 * (2 + orders as u64));
                    let placed = store.place_order(&fx::order(customer, service, start, &tag), &[workers[w]], now()).await.unwrap();
                    store.confirm_payment(&format!("PAY-{tag}"), &format!("TXN-{tag}"), 9000, &format!("RL-{tag}"), now()).await.unwrap();
                    store.change_order(placed.order_id, &mx::complete(workers[w], 2000), now()).await.unwrap();
                    expected[w].0 += 7200;
                }
                1 => {
                    let amount = rng.gen_range(-100..20_000);
                    let ok = mx::reward(&store, workers[w], amount, &format!("r{step}")).await.is_ok();
                    assert_eq!(ok, amount > 0, "reward {amount}");
                    if ok {
                        expected[w].0 += amount;
                    }
                }
                2 => {
                    let amount = rng.gen_range(1..15_000);
                    let meta = store::PostingMeta { idem_key: format!("p{step}"), actor_id: None, memo: "扣罚".into() };
                    let ok = store.post_adjustment(workers[w], store::Adjustment::Penalty, amount, &meta, now()).await.is_ok();
                    assert_eq!(ok, amount <= expected[w].0, "penalty {amount} against {}", expected[w].0);
                    if ok {
                        expected[w].0 -= amount;
                    }
                }
                3 => {
                    let amount = rng.gen_range(50..20_000);
                    let result = store.request_withdrawal(workers[w], accounts[w], amount, now()).await;
                    assert_eq!(result.is_ok(), (100..=expected[w].0).contains(&amount), "withdraw {amount} against {}", expected[w].0);
                    if let Ok(id) = result {
                        expected[w].0 -= amount;
                        expected[w].1 += amount;
                        pending.push((id, w, amount));
                    }
                }
                op if !pending.is_empty() => {
                    let (id, owner, amount) = pending.remove(rng.gen_range(0..pending.len()));
                    let decision = if op == 4 {
                        store::WithdrawalDecision::Paid { reference: format!("REF{step}") }
                    } else {
                        store::WithdrawalDecision::Rejected { reason: "信息有误".into() }
                    };
                    store.decide_withdrawal(id, &decision, workers[0], now()).await.unwrap();
                    assert!(matches!(store.decide_withdrawal(id, &decision, workers[0], now()).await, Err(StoreError::Conflict)));
                    expected[owner].1 -= amount;
                    if op != 4 {
                        expected[owner].0 += amount;
                    }
                }
                _ => {}
            }
            for (i, worker) in workers.iter().enumerate() {
                let balance = store.worker_balance(*worker).await.unwrap();
                assert_eq!((balance.available_fen, balance.held_fen), expected[i], "step {step}, worker {i}");
            }
            mx::assert_books_balance(&store).await;
        }
    })
    .await;
}

// ---------- Pricing strategy and coupons ----------

fn coupon(quantity: i32, per_user: i32) -> pricing::NewCoupon {
    let t = now().unix_timestamp();
    pricing::NewCoupon {
        terms: pricing::CouponTerms {
            name: "新人立减".into(),
            discount: pricing::Discount::Fixed(Fen::new(1_000)),
            min_spend: Fen::new(8_000),
            valid_from: t - 3_600,
            valid_until: t + 86_400,
        },
        per_user_limit: per_user,
        total_quantity: quantity,
    }
}

async fn admin(store: &DynStore, phone: &str) -> i64 {
    store.create_user(&new_user(phone, Role::Admin), now()).await.unwrap().0
}

#[tokio::test]
async fn pricing_rules_save_with_a_version_and_audit_old_and_new() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137200").await;
        assert!(store.pricing_rules().await.unwrap().is_none());
        let mut rules = pricing::PricingRules::neutral(31.23, 121.47);
        assert_eq!(store.save_pricing_rules(&rules, 0, admin, now()).await.unwrap(), 1);
        rules.weekend_bps = 12_000;
        assert_eq!(store.save_pricing_rules(&rules, 1, admin, now()).await.unwrap(), 2);
        // A stale editor (still at version 1) changes nothing.
        let mut stale = rules.clone();
        stale.weekend_bps = 30_000;
        assert!(matches!(store.save_pricing_rules(&stale, 1, admin, now()).await, Err(StoreError::Conflict)));
        let saved = store.pricing_rules().await.unwrap().unwrap();
        assert_eq!((saved.version, saved.rules.weekend_bps), (2, 12_000));
        let audit = store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
        let last = audit.iter().find(|a| a.action == "pricing.rules").unwrap();
        assert!(last.detail.contains("\"old\":{") && last.detail.contains("\"weekend_bps\":10000") && last.detail.contains("\"weekend_bps\":12000"), "{}", last.detail);
        assert_eq!(audit.iter().filter(|a| a.action == "pricing.rules").count(), 2);
    })
    .await;
}

#[tokio::test]
async fn cancellation_rules_save_with_a_version_and_an_order_keeps_the_rules_it_was_booked_under() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137202").await;
        assert!(store.cancellation_policy().await.unwrap().is_none());
        let tiers = booking::CancellationPolicy::parse("7200:2000,1800:5000").unwrap();
        assert_eq!(store.save_cancellation_policy(&tiers, 0, admin, now()).await.unwrap(), 1);
        let stale = booking::CancellationPolicy::parse("").unwrap();
        assert!(matches!(store.save_cancellation_policy(&stale, 0, admin, now()).await, Err(StoreError::Conflict)));
        let saved = store.cancellation_policy().await.unwrap().unwrap();
        assert_eq!((saved.version, saved.policy), (1, tiers));
        let audit = store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap();
        let entry = audit.iter().find(|a| a.action == "cancellation.rules").unwrap();
        assert!(entry.detail.starts_with("{\"old\":null,\"new\":{") && entry.detail.contains("\"within_secs\":1800"), "{}", entry.detail);

        let customer = fx::customer(&store, "13800137202").await;
        let service = fx::service(&store).await;
        let worker = fx::worker(&store, "13900137202").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(2), "ct1"), &[worker], now()).await.unwrap();
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!(order.cancel_tiers.as_deref(), Some("7200:2000"));
    })
    .await;
}

#[tokio::test]
async fn concurrent_claims_never_exceed_the_coupon_quantity() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137201").await;
        let id = store.create_coupon(&coupon(3, 1), admin, now()).await.unwrap();
        let mut customers = Vec::new();
        for i in 0..8 {
            customers.push(fx::customer(&store, &format!("1380013830{i}")).await);
        }
        let t = now().unix_timestamp();
        let claims = customers.into_iter().map(|c| {
            let store = store.clone();
            async move { store.claim_coupon(id, c, t, now()).await }
        });
        let results = futures_join_all(claims).await;
        let won = results.iter().filter(|r| r.is_ok()).count();
        let sold_out = results.iter().filter(|r| matches!(r, Err(StoreError::CouponSoldOut))).count();
        assert_eq!((won, sold_out), (3, 5), "{results:?}");
        let listed = store.coupons().await.unwrap();
        assert_eq!(listed[0].claimed, 3);
        assert!(store.claimable_coupons(t).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_customer_claims_at_most_the_per_user_limit_and_never_a_stopped_or_ended_coupon() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137202").await;
        let customer = fx::customer(&store, "13800138310").await;
        let id = store.create_coupon(&coupon(100, 2), admin, now()).await.unwrap();
        let t = now().unix_timestamp();
        store.claim_coupon(id, customer, t, now()).await.unwrap();
        store.claim_coupon(id, customer, t, now()).await.unwrap();
        assert!(matches!(store.claim_coupon(id, customer, t, now()).await, Err(StoreError::CouponLimit)));
        assert_eq!(store.customer_claims(customer).await.unwrap().len(), 2);
        let other = fx::customer(&store, "13800138311").await;
        assert!(matches!(store.claim_coupon(id, other, t + 2 * 86_400, now()).await, Err(StoreError::CouponUnavailable)));
        store.set_coupon_active(id, false, admin, now()).await.unwrap();
        assert!(matches!(store.claim_coupon(id, other, t, now()).await, Err(StoreError::CouponUnavailable)));
        assert!(store.audit_entries(&store::AuditFilter::newest(10)).await.unwrap().iter().any(|a| a.action == "pricing.coupon_stop"));
    })
    .await;
}

#[tokio::test]
async fn a_claimed_coupon_pays_for_one_order_and_returns_when_that_order_is_cancelled_unpaid() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137203").await;
        let worker = fx::worker(&store, "13900139300").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138320").await;
        let id = store.create_coupon(&coupon(10, 1), admin, now()).await.unwrap();
        let claim = store.claim_coupon(id, customer, now().unix_timestamp(), now()).await.unwrap();
        let first = store::NewOrder { coupon_claim_id: Some(claim), ..fx::order(customer, service, tomorrow_at(2), "cp1") };
        let placed = store.place_order(&first, &[worker], now()).await.unwrap();
        assert_eq!(store.customer_claims(customer).await.unwrap()[0].order_id, Some(placed.order_id));
        // The same claim on a second order is refused and leaves nothing behind.
        let second = store::NewOrder { coupon_claim_id: Some(claim), ..fx::order(customer, service, tomorrow_at(6), "cp2") };
        assert!(matches!(store.place_order(&second, &[worker], now()).await, Err(StoreError::CouponUsed)));
        assert!(store.payment_by_trade_no("PAY-cp2").await.unwrap().is_none());
        // Another customer cannot use it either.
        let stranger = fx::customer(&store, "13800138321").await;
        let foreign = store::NewOrder { coupon_claim_id: Some(claim), ..fx::order(stranger, service, tomorrow_at(6), "cp3") };
        assert!(matches!(store.place_order(&foreign, &[worker], now()).await, Err(StoreError::CouponUsed)));
        let cancel = store::OrderChange {
            expected_state: "pending_payment".into(),
            next_state: "cancelled".into(),
            assign_worker: None,
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: None,
            event: fx::event("expire", "system", None),
            notify: vec![],
        };
        store.change_order(placed.order_id, &cancel, now()).await.unwrap();
        assert_eq!(store.customer_claims(customer).await.unwrap()[0].order_id, None);
        let again = store::NewOrder { coupon_claim_id: Some(claim), ..fx::order(customer, service, tomorrow_at(6), "cp4") };
        store.place_order(&again, &[worker], now()).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_delisted_category_hides_its_services_and_names_stay_unique() {
    on_both(|store| async move {
        let id = store.create_category("pet_care", "宠物照护", "上门喂养、遛狗").await.unwrap();
        assert!(matches!(store.create_category("pet_care", "宠物服务", "").await, Err(StoreError::DuplicateName)));
        assert!(matches!(store.create_category("pets", "宠物照护", "").await, Err(StoreError::DuplicateName)));
        let service = store.insert_service(&service("上门喂猫", "pet_care", 5000), now()).await.unwrap();
        let listed = |store: DynStore| async move { store.search_services(&Default::default()).await.unwrap().iter().any(|s| s.id == service) };
        assert!(listed(store.clone()).await);
        store.set_category_listed(id, false).await.unwrap();
        assert!(!listed(store.clone()).await);
        assert!(!store.service(service).await.unwrap().unwrap().category_listed);
        let category = store.categories().await.unwrap().into_iter().find(|c| c.id == id).unwrap();
        assert!(!category.listed);
        store.update_category(id, "宠物上门", "喂养、遛狗、洗护").await.unwrap();
        store.set_category_listed(id, true).await.unwrap();
        assert!(listed(store.clone()).await);
        assert_eq!(store.service(service).await.unwrap().unwrap().category_name, "宠物上门");
        assert!(matches!(store.update_category(id, "日常保洁", "").await, Err(StoreError::DuplicateName)));
    })
    .await;
}

// ---------- Smart dispatch: settings, 抢单 and track records ----------

#[tokio::test]
async fn dispatch_settings_save_with_a_version_and_audit_old_and_new() {
    on_both(|store| async move {
        let admin = admin(&store, "13700137701").await;
        assert!(store.dispatch_settings().await.unwrap().is_none());
        let mut settings = dispatch::DispatchSettings::default();
        assert_eq!(store.save_dispatch_settings(&settings, 0, admin, now()).await.unwrap(), 1);
        settings.weights = dispatch::Preset::CustomerFirst.weights();
        settings.policy.broadcast_secs = 120;
        assert_eq!(store.save_dispatch_settings(&settings, 1, admin, now()).await.unwrap(), 2);
        let stale = dispatch::DispatchSettings::default();
        assert!(matches!(store.save_dispatch_settings(&stale, 1, admin, now()).await, Err(StoreError::Conflict)));
        let saved = store.dispatch_settings().await.unwrap().unwrap();
        assert_eq!((saved.settings, saved.version), (settings, 2));
        let audit = store.audit_entries(&store::AuditFilter::newest(20)).await.unwrap();
        let last = audit.iter().find(|a| a.action == "dispatch.settings").unwrap();
        assert!(last.detail.contains("\"old\"") && last.detail.contains("\"broadcast_secs\":120"), "{}", last.detail);
        assert_eq!(audit.iter().filter(|a| a.action == "dispatch.settings").count(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_broadcast_order_grabbed_by_several_workers_at_once_has_exactly_one_winner() {
    on_both(|store| async move {
        let mut workers = Vec::new();
        for i in 0..6 {
            workers.push(fx::worker(&store, &format!("1390013950{i}")).await);
        }
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138500").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(9), "grab"), &[workers[0]], now()).await.unwrap();
        store.confirm_payment("PAY-grab", "TXN-grab", 9000, "R-grab", now()).await.unwrap();
        // The first worker was offered it one to one and refused.
        let first = store.create_offer(placed.order_id, workers[0], "{}", "{}", now(), now() + Duration::from_secs(60), &|_| true).await.unwrap();
        assert!(store.close_offer(first, "rejected", now()).await.unwrap());
        let rest: Vec<(i64, String)> = workers.iter().map(|w| (*w, "{}".to_string())).collect();
        let deadline = now() + Duration::from_secs(300);
        let offered = store.create_broadcast(placed.order_id, &rest, "{}", now(), deadline, &|_| true).await.unwrap();
        assert_eq!(offered, workers[1..], "the refusing worker is never offered again");
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!(order.reserved_worker_id, None, "nobody's time is held during a broadcast");
        for w in &workers[1..] {
            let open = store.pending_offers(*w, now()).await.unwrap();
            assert!(open.len() == 1 && open[0].broadcast, "worker {w} sees the broadcast");
        }

        let offers = store.offers_for_order(placed.order_id).await.unwrap();
        let grabs = offers.iter().filter(|o| o.broadcast).map(|o| {
            let (store, offer, worker) = (store.clone(), o.id, o.worker_id);
            async move { store.accept_offer(offer, worker, &fx::event("accept", "worker", Some(worker)), &[customer, worker], now(), &|_| true).await }
        });
        let results = futures_join_all(grabs).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().all(|r| r.is_ok() || matches!(r, Err(StoreError::Conflict))), "{results:?}");
        let order = store.order(placed.order_id).await.unwrap().unwrap();
        assert_eq!(order.state, "accepted");
        let statuses: Vec<(i64, String)> =
            store.offers_for_order(placed.order_id).await.unwrap().into_iter().filter(|o| o.broadcast).map(|o| (o.worker_id, o.status)).collect();
        let winner = statuses.iter().find(|(_, s)| s == "accepted").map(|(w, _)| *w);
        assert_eq!(order.worker_id, winner);
        assert_eq!(statuses.iter().filter(|(_, s)| s == "withdrawn").count(), 4, "{statuses:?}");
        assert_eq!(store.order_events(placed.order_id).await.unwrap().iter().filter(|e| e.to_state == "accepted").count(), 1);
        assert!(matches!(store.create_broadcast(placed.order_id, &rest, "{}", now(), deadline, &|_| true).await, Err(StoreError::Conflict)));
    })
    .await;
}

#[tokio::test]
async fn each_dispatch_decision_is_kept_with_the_step_it_took_and_a_refused_step_keeps_none() {
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139530").await;
        let b = fx::worker(&store, "13900139531").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138530").await;
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(11), "kept"), &[a], now()).await.unwrap();
        store.confirm_payment("PAY-kept", "TXN-kept", 9000, "R-kept", now()).await.unwrap();
        let kept = |store: DynStore| async move {
            let decisions = store.order_decisions(placed.order_id).await.unwrap();
            decisions.into_iter().map(|d| (d.outcome, d.worker_id, d.explanation)).collect::<Vec<_>>()
        };
        let deadline = now() + Duration::from_secs(60);

        let offer = store.create_offer(placed.order_id, a, "{}", "offer-1", now(), deadline, &|_| true).await.unwrap();
        assert!(matches!(store.create_offer(placed.order_id, a, "{}", "offer-again", now(), deadline, &|_| true).await, Err(StoreError::Conflict)));
        store.close_offer(offer, "rejected", now()).await.unwrap();
        assert_eq!(store.create_broadcast(placed.order_id, &[(b, "{}".to_string())], "broadcast-1", now(), deadline, &|_| true).await.unwrap(), [b]);
        let again = store.create_broadcast(placed.order_id, &[(b, "{}".to_string())], "broadcast-again", now(), deadline, &|_| true).await.unwrap();
        assert!(again.is_empty(), "b holds the offer already: nobody new is asked");
        assert!(store.escalate_to_admins(placed.order_id, "escalate-1", now()).await.unwrap());
        assert!(!store.escalate_to_admins(placed.order_id, "escalate-again", now()).await.unwrap(), "already in the queue");

        let expected = [
            ("offer".to_string(), Some(a), "offer-1".to_string()),
            ("broadcast".to_string(), None, "broadcast-1".to_string()),
            ("escalate".to_string(), None, "escalate-1".to_string()),
        ];
        assert_eq!(kept(store.clone()).await, expected);
    })
    .await;
}

#[tokio::test]
async fn a_broadcast_nobody_grabs_lapses_and_leaves_out_workers_already_busy() {
    on_both(|store| async move {
        let free = fx::worker(&store, "13900139510").await;
        let busy = fx::worker(&store, "13900139511").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138510").await;
        store.place_order(&fx::order(customer, service, tomorrow_at(10), "other"), &[busy], now()).await.unwrap();
        let placed = store.place_order(&fx::order(customer, service, tomorrow_at(10), "lapse"), &[free], now()).await.unwrap();
        store.confirm_payment("PAY-lapse", "TXN-lapse", 9000, "R-lapse", now()).await.unwrap();
        let everyone = [(free, "{}".to_string()), (busy, "{}".to_string())];
        let offered = store.create_broadcast(placed.order_id, &everyone, "{}", now(), now() + Duration::from_secs(60), &|_| true).await.unwrap();
        assert_eq!(offered, [free]);
        let due = store.claim_due_jobs(now() + Duration::from_secs(61), now() + Duration::from_secs(90), 10).await.unwrap();
        assert!(due.iter().any(|j| j.kind == "broadcast_timeout" && j.ref_id == placed.order_id), "{due:?}");
        assert_eq!(store.close_broadcast(placed.order_id, now()).await.unwrap(), 1);
        assert_eq!(store.close_broadcast(placed.order_id, now()).await.unwrap(), 0);
        assert!(store.pending_offers(free, now()).await.unwrap().is_empty());
        assert_eq!(store.order(placed.order_id).await.unwrap().unwrap().state, "booked");
    })
    .await;
}

#[tokio::test]
async fn a_workers_record_counts_completions_answered_offers_and_the_weeks_earnings() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139520").await;
        let other = fx::worker(&store, "13900139521").await;
        let customer = fx::customer(&store, "13800138520").await;
        let done = mx::paid_order(&store, worker, customer, "rec1", 11).await;
        store.change_order(done, &mx::complete(worker, 2000), now()).await.unwrap();
        let service = store.order(done).await.unwrap().unwrap().service_id;
        let open = store.place_order(&fx::order(customer, service, tomorrow_at(13), "rec2"), &[other], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-rec2", "TXN-rec2", 9000, "RL-rec2", now()).await.unwrap();
        let refused = store.create_offer(open, other, "{}", "{}", now(), now() + Duration::from_secs(60), &|_| true).await.unwrap();
        store.close_offer(refused, "rejected", now()).await.unwrap();

        let records = store.worker_records(&[worker, other], now()).await.unwrap();
        assert!(store.worker_records(&[], now()).await.unwrap().is_empty());
        assert!(store.worker_records(&[other], now()).await.unwrap().iter().all(|(w, _)| *w == other), "only the workers asked for");
        let of = |id: i64| records.iter().find(|(w, _)| *w == id).map(|(_, r)| *r).unwrap_or_default();
        assert_eq!((of(worker).completed_orders, of(worker).earnings_fen_7d), (1, 7200));
        assert_eq!((of(other).offers_answered, of(other).offers_accepted, of(other).completed_orders), (1, 0, 0));
        let a_week_later = store.worker_records(&[worker, other], now() + Duration::from_secs(8 * 86_400)).await.unwrap();
        let later = a_week_later.iter().find(|(w, _)| *w == worker).map(|(_, r)| *r).unwrap();
        assert_eq!((later.completed_orders, later.earnings_fen_7d), (1, 0), "earnings older than 7 days no longer count");

        assert_eq!(store.favored_workers(customer).await.unwrap(), [worker], "who completed an order for them");
        store.set_favorite_worker(customer, other, true, now()).await.unwrap();
        let mut favored = store.favored_workers(customer).await.unwrap();
        favored.sort();
        assert_eq!(favored, [worker, other]);
    })
    .await;
}

// ---------- Batch re-planning: moving holds of orders nobody was offered ----------

#[tokio::test]
async fn a_day_plans_hold_moves_apply_all_together_or_not_at_all() {
    use store::HoldMove;
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139300").await;
        let b = fx::worker(&store, "13900139301").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138300").await;
        let (nine, eleven) = (tomorrow_at(9), tomorrow_at(11));
        let first = store.place_order(&fx::order(customer, service, nine, "mv1"), &[a], now()).await.unwrap().order_id;
        let second = store.place_order(&fx::order(customer, service, nine, "mv2"), &[b], now()).await.unwrap().order_id;
        let mv = |order_id, from_worker, to_worker| HoldMove { order_id, from_worker, to_worker, day_km: Some((9.0, 4.5)) };
        // Unpaid orders are not the planner's to move.
        assert!(matches!(store.move_holds(&[mv(first, a, b)], now()).await, Err(StoreError::Conflict)));
        assert!(!store.never_offered(first).await.unwrap(), "unpaid");
        store.confirm_payment("PAY-mv1", "TXN-mv1", 9000, "R-mv1", now()).await.unwrap();
        store.confirm_payment("PAY-mv2", "TXN-mv2", 9000, "R-mv2", now()).await.unwrap();
        let day = (nine - Duration::from_secs(3600), nine + Duration::from_secs(6 * 3600));
        let unoffered = |store: DynStore| async move { store.unoffered_holds(day.0, day.1).await.unwrap().iter().map(|o| o.id).collect::<Vec<_>>() };
        assert_eq!(unoffered(store.clone()).await, [first, second]);
        // A swap at the same hour passes: the clash check looks at the day after every move.
        store.move_holds(&[mv(first, a, b), mv(second, b, a)], now()).await.unwrap();
        let holder = |id| {
            let store = store.clone();
            async move { store.order(id).await.unwrap().unwrap().reserved_worker_id }
        };
        assert_eq!((holder(first).await, holder(second).await), (Some(b), Some(a)));
        let replans = store.order_replans(first).await.unwrap();
        assert_eq!(replans.len(), 1);
        assert_eq!((replans[0].km_before, replans[0].km_after), (Some(9.0), Some(4.5)));
        // A stale plan (the hold moved meanwhile) changes nothing, not even its other move.
        let stale = store.move_holds(&[mv(second, a, b), mv(first, a, b)], now()).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
        assert_eq!((holder(first).await, holder(second).await), (Some(b), Some(a)));
        // Two orders at one time for one worker: refused whole (b already holds the first at nine).
        let third = store.place_order(&fx::order(customer, service, eleven, "mv3"), &[a], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-mv3", "TXN-mv3", 9000, "R-mv3", now()).await.unwrap();
        let clash = store.move_holds(&[mv(second, a, b), mv(third, a, b)], now()).await;
        assert!(matches!(clash, Err(StoreError::SlotTaken)), "{clash:?}");
        assert_eq!((holder(second).await, holder(third).await), (Some(a), Some(a)));
        assert_eq!(store.order_replans(second).await.unwrap().len(), 1, "the refused plan left no record");
        // Once offered to someone, an order is the offer chain's, not the planner's.
        assert_eq!(unoffered(store.clone()).await, [first, second, third]);
        store.create_offer(third, a, "{}", "{}", now(), now() + Duration::from_secs(60), &|_| true).await.unwrap();
        assert!(matches!(store.move_holds(&[mv(third, a, b)], now()).await, Err(StoreError::Conflict)));
        assert_eq!(unoffered(store.clone()).await, [first, second], "offered: the chain's now");
        assert!(store.never_offered(second).await.unwrap());
        assert!(!store.never_offered(third).await.unwrap(), "offered");
        // Held by the customer's favourite: reported as the customer's own worker's.
        assert!(store.own_worker_holds(day.0, day.1).await.unwrap().is_empty());
        store.set_favorite_worker(customer, a, true, now()).await.unwrap();
        assert_eq!(store.own_worker_holds(day.0, day.1).await.unwrap(), [second]);
    })
    .await;
}

#[tokio::test]
async fn a_job_scheduled_once_is_not_added_again_while_an_earlier_one_waits() {
    on_both(|store| async move {
        let t = now();
        let later = t + Duration::from_secs(600);
        assert!(store.schedule_once("replan_day", 20_000, later, None).await.unwrap());
        assert!(!store.schedule_once("replan_day", 20_000, later, None).await.unwrap(), "one is waiting");
        assert!(!store.schedule_once("replan_day", 20_000, t + Duration::from_secs(900), None).await.unwrap());
        assert!(store.schedule_once("replan_day", 20_001, later, None).await.unwrap(), "another day");
        // An earlier run is added: a shorter lead must not wait for the later job.
        assert!(store.schedule_once("replan_day", 20_000, t, None).await.unwrap());
        // The running job itself does not count against its own next run.
        let running = store.claim_due_jobs(t, t + Duration::from_secs(60), 10).await.unwrap();
        assert_eq!(running.len(), 1);
        assert!(!store.schedule_once("replan_day", 20_000, later, None).await.unwrap(), "the 600 s one still waits");
        store.finish_job(running[0].id, t).await.unwrap();
        let next = t + Duration::from_secs(300);
        assert!(store.schedule_once("replan_day", 20_000, next, Some(running[0].id)).await.unwrap(), "earlier than the waiting one");
    })
    .await;
}

#[tokio::test]
async fn a_booking_that_needs_a_hold_moved_moves_it_and_places_in_one_transaction() {
    use store::HoldMove;
    on_both(|store| async move {
        let a = fx::worker(&store, "13900139310").await;
        let b = fx::worker(&store, "13900139311").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138310").await;
        let nine = tomorrow_at(9);
        let held = store.place_order(&fx::order(customer, service, nine, "room1"), &[a], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-room1", "TXN-room1", 9000, "R-room1", now()).await.unwrap();
        let to_b = HoldMove { order_id: held, from_worker: a, to_worker: b, day_km: None };
        // Without the move, a is not free: nothing is placed and nothing moves.
        let refused = store.place_order_making_room(&fx::order(customer, service, nine, "room2"), a, &[], now()).await;
        assert!(matches!(refused, Err(StoreError::SlotTaken)), "{refused:?}");
        let placed = store.place_order_making_room(&fx::order(customer, service, nine, "room3"), a, std::slice::from_ref(&to_b), now()).await.unwrap();
        assert_eq!(placed.reserved_worker_id, a);
        assert_eq!(store.order(held).await.unwrap().unwrap().reserved_worker_id, Some(b));
        let replans = store.order_replans(held).await.unwrap();
        assert_eq!((replans.len(), replans[0].km_before), (1, None));
        // The same room cannot be made twice: the second booking changes nothing.
        let again = store.place_order_making_room(&fx::order(customer, service, nine, "room4"), a, &[to_b], now()).await;
        assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
        assert!(store.payment_by_trade_no("PAY-room4").await.unwrap().is_none(), "no order, payment or job left behind");
    })
    .await;
}

// ---------- Appeals (B7) ----------

#[tokio::test]
async fn an_overturned_penalty_is_paid_back_once_and_each_penalty_is_appealed_once() {
    use domain::{AppealDecision, AppealSubject};
    use store::{Adjustment, AppealVerdict, NewAppeal, PostingMeta};
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139501").await;
        let admin = admin(&store, "13700137501").await;
        mx::reward(&store, worker, 5000, "appeal-welcome").await.unwrap();
        let meta = PostingMeta { idem_key: "appeal-penalty".into(), actor_id: Some(admin), memo: "迟到30分钟".into() };
        let penalty = store.post_adjustment(worker, Adjustment::Penalty, 2000, &meta, now()).await.unwrap();
        let appeal = NewAppeal {
            worker_id: worker,
            subject: AppealSubject::Penalty,
            subject_ref: penalty,
            subject_reason: "迟到30分钟".into(),
            amount_fen: Some(2000),
            body: "地铁停运，已提前告知客户".into(),
        };
        let id = store.file_appeal(&appeal, now()).await.unwrap();
        assert!(matches!(store.file_appeal(&appeal, now()).await, Err(StoreError::Duplicate)));
        assert_eq!(store.open_appeal_count().await.unwrap(), 1);
        let verdict = AppealVerdict {
            appeal_id: id,
            decision: AppealDecision::Overturn,
            admin_id: admin,
            reply: "情况属实，撤销罚款".into(),
            repayment_memo: "申诉成立，退还罚款".into(),
        };
        store.decide_appeal(&verdict, now()).await.unwrap();
        // Deciding again, either way, changes nothing: the money comes back once.
        assert!(matches!(store.decide_appeal(&verdict, now()).await, Err(StoreError::Conflict)));
        let uphold = AppealVerdict { decision: AppealDecision::Uphold, ..verdict.clone() };
        assert!(matches!(store.decide_appeal(&uphold, now()).await, Err(StoreError::Conflict)));
        assert_eq!(store.worker_balance(worker).await.unwrap().available_fen, 5000);
        let record = store.appeal(id).await.unwrap().unwrap();
        assert_eq!((record.status.as_str(), record.reply.as_deref()), ("overturned", Some("情况属实，撤销罚款")));
        assert_eq!(record.decided_by_name.as_deref(), Some("测试用户"));
        assert_eq!(store.open_appeal_count().await.unwrap(), 0);
        let lines = store.worker_ledger(worker, now() - Duration::from_secs(3600), 10).await.unwrap();
        assert_eq!((lines[0].kind.as_str(), lines[0].available_delta, lines[0].memo.as_str()), ("reversal", 2000, "申诉成立，退还罚款"));
        mx::assert_books_balance(&store).await;
        assert_eq!(store.appeals(Some(worker), false, 10).await.unwrap().len(), 1);
        assert!(store.appeals(None, true, 10).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn overturning_a_suspension_reinstates_the_worker_only_while_that_suspension_stands() {
    use domain::{AppealDecision, AppealSubject};
    use store::{AppealVerdict, NewAppeal, UserId};
    on_both(|store| async move {
        let admin = admin(&store, "13700137502").await;
        let mut outcomes = Vec::new();
        for (phone, lifted_meanwhile) in [("13900139502", false), ("13900139503", true)] {
            let worker = fx::worker(&store, phone).await;
            let suspended_at = now() - Duration::from_secs(60);
            store.change_worker_status(UserId(worker), WorkerStatus::Approved, WorkerStatus::Suspended, "多次爽约", suspended_at).await.unwrap();
            let appeal = NewAppeal {
                worker_id: worker,
                subject: AppealSubject::Suspension,
                subject_ref: suspended_at.unix_timestamp(),
                subject_reason: "多次爽约".into(),
                amount_fen: None,
                body: "两次都是客户改约，有聊天记录".into(),
            };
            let id = store.file_appeal(&appeal, now()).await.unwrap();
            if lifted_meanwhile {
                // An admin lifted it and suspended anew: that later suspension is not the one appealed.
                store.change_worker_status(UserId(worker), WorkerStatus::Suspended, WorkerStatus::Approved, "", now()).await.unwrap();
                store.change_worker_status(UserId(worker), WorkerStatus::Approved, WorkerStatus::Suspended, "资料造假", now()).await.unwrap();
            }
            let verdict = AppealVerdict {
                appeal_id: id,
                decision: AppealDecision::Overturn,
                admin_id: admin,
                reply: "核实为客户改约，恢复接单".into(),
                repayment_memo: String::new(),
            };
            store.decide_appeal(&verdict, now()).await.unwrap();
            let profile = store.worker_profile(UserId(worker)).await.unwrap().unwrap();
            outcomes.push((profile.status, profile.review_note));
        }
        assert_eq!(
            outcomes,
            [
                (WorkerStatus::Approved, "核实为客户改约，恢复接单".to_string()),
                (WorkerStatus::Suspended, "资料造假".to_string()),
            ]
        );
    })
    .await;
}

// ---------- Analytics (A7) ----------

#[tokio::test]
async fn analytics_reads_each_orders_takings_platform_share_and_the_approved_workers_hours() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139601").await;
        let customer = fx::customer(&store, "13800138601").await;
        let before = now() - Duration::from_secs(60);
        let order = mx::paid_order(&store, worker, customer, "stats", 4).await;
        store.change_order(order, &mx::complete(worker, 2000), now()).await.unwrap();
        let facts = store.order_facts(before, now() + Duration::from_secs(60)).await.unwrap();
        assert_eq!(facts.len(), 1);
        let f = &facts[0];
        assert_eq!((f.customer_id, f.worker_id, f.category_code.as_str(), f.state.as_str()), (customer, Some(worker), "daily_cleaning", "completed"));
        assert_eq!((f.paid_fen, f.refund_fen, f.platform_fen), (9000, 0, 1800));
        assert!(f.paid_at.is_some(), "the payment's event is found");
        assert!(store.order_facts(now() + Duration::from_secs(60), now() + Duration::from_secs(120)).await.unwrap().is_empty());
        let hours = store.approved_worker_hours().await.unwrap();
        assert_eq!(hours.len(), 7);
        assert!(hours.iter().all(|h| h.worker_id == worker && (h.start_minute, h.end_minute) == (480, 1200)));
        assert_eq!(store.display_names(&[worker]).await.unwrap(), [(worker, "测试用户".to_string())]);
    })
    .await;
}

// ---------- Chat (C8) ----------

#[tokio::test]
async fn chat_messages_count_as_unread_for_the_other_side_until_it_reads_them() {
    use domain::{ChatSide, ChatThread};
    use store::NewChatMessage;
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139601").await;
        let customer = fx::customer(&store, "13800138601").await;
        let order = mx::paid_order(&store, worker, customer, "chat", 10).await;
        store.change_order(order, &fx::accept(worker), now()).await.unwrap();
        let thread = ChatThread::Order(order);
        let from_customer = |body: &str, key: Option<&str>| NewChatMessage {
            thread,
            customer_id: customer,
            sender_id: customer,
            sender_side: ChatSide::Customer,
            body: body.into(),
            image_key: None,
            client_key: key.map(str::to_string),
        };
        let worker_live = store.last_live_event_id(worker).await.unwrap();
        let first = store.post_chat(&from_customer("师傅您好，几点到？", Some("k1")), now()).await.unwrap();
        // The same send again (a retry) stores nothing new.
        assert_eq!(store.post_chat(&from_customer("师傅您好，几点到？", Some("k1")), now()).await.unwrap(), first);
        store.post_chat(&from_customer("门口有快递柜", Some("k2")), now()).await.unwrap();
        let live = store.live_events_after(worker, worker_live, 10).await.unwrap();
        assert_eq!(live.iter().map(|e| (e.topic.as_str(), e.order_id)).collect::<Vec<_>>(), vec![("chat", Some(order)), ("chat", Some(order))]);

        assert_eq!(store.chat_unread(ChatSide::Worker, worker).await.unwrap(), vec![(thread.key(), 2)]);
        // The sender's own messages are never unread to them.
        assert!(store.chat_unread(ChatSide::Customer, customer).await.unwrap().is_empty());
        let messages = store.chat_messages(thread, 10).await.unwrap();
        assert_eq!(messages.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), vec!["师傅您好，几点到？", "门口有快递柜"]);
        store.mark_chat_read(thread, ChatSide::Worker, messages[1].id).await.unwrap();
        // A late read of an older position never moves it back.
        store.mark_chat_read(thread, ChatSide::Worker, messages[0].id).await.unwrap();
        assert!(store.chat_unread(ChatSide::Worker, worker).await.unwrap().is_empty());

        let reply = NewChatMessage { sender_id: worker, sender_side: ChatSide::Worker, body: "10点到".into(), client_key: None, ..from_customer("", None) };
        store.post_chat(&reply, now()).await.unwrap();
        assert_eq!(store.chat_unread(ChatSide::Customer, customer).await.unwrap(), vec![(thread.key(), 1)]);
        // The newest `limit` messages, oldest first.
        let last_two = store.chat_messages(thread, 2).await.unwrap();
        assert_eq!(last_two.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), vec!["门口有快递柜", "10点到"]);
    })
    .await;
}

#[tokio::test]
async fn support_threads_reach_every_admin_and_share_one_read_position() {
    use domain::{ChatSide, ChatThread};
    use store::NewChatMessage;
    on_both(|store| async move {
        let customer = fx::customer(&store, "13800138602").await;
        let other = fx::customer(&store, "13800138603").await;
        let first_admin = admin(&store, "13700137601").await;
        let second_admin = admin(&store, "13700137602").await;
        let support = |customer: i64, body: &str, image: Option<&str>| NewChatMessage {
            thread: ChatThread::Support(customer),
            customer_id: customer,
            sender_id: customer,
            sender_side: ChatSide::Customer,
            body: body.into(),
            image_key: image.map(str::to_string),
            client_key: None,
        };
        store.post_chat(&support(customer, "发票怎么开？", None), now()).await.unwrap();
        store.post_chat(&support(other, "", Some("chat/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg")), now()).await.unwrap();
        for admin in [first_admin, second_admin] {
            assert_eq!(store.live_events_after(admin, 0, 10).await.unwrap().iter().filter(|e| e.topic == "chat").count(), 2);
        }
        let inbox = store.support_threads(10).await.unwrap();
        assert_eq!(inbox.iter().map(|t| (t.customer_id, t.last_is_image, t.unread)).collect::<Vec<_>>(), vec![(other, true, 1), (customer, false, 1)]);
        assert_eq!(store.chat_unread(ChatSide::Support, first_admin).await.unwrap().len(), 2);

        let answer = NewChatMessage { sender_id: second_admin, sender_side: ChatSide::Support, body: "订单完成后在订单页申请".into(), ..support(customer, "", None) };
        store.post_chat(&answer, now()).await.unwrap();
        // One admin answering is the team reading it.
        assert_eq!(store.chat_unread(ChatSide::Support, first_admin).await.unwrap(), vec![(ChatThread::Support(other).key(), 1)]);
        assert_eq!(store.chat_unread(ChatSide::Customer, customer).await.unwrap(), vec![(ChatThread::Support(customer).key(), 1)]);
        let owner = store.chat_image_owner("chat/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg").await.unwrap().unwrap();
        assert_eq!((owner.thread.as_str(), owner.customer_id, owner.order_id), (ChatThread::Support(other).key().as_str(), other, None));
        assert!(store.chat_image_owner("chat/unknown.jpg").await.unwrap().is_none());
    })
    .await;
}

// ---------- Tracking (C7) ----------

#[tokio::test]
async fn positions_are_kept_only_from_the_holding_worker_while_the_order_is_on_the_way() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139701").await;
        let other = fx::worker(&store, "13900139702").await;
        let customer = fx::customer(&store, "13800138701").await;
        let order = mx::paid_order(&store, worker, customer, "track", 11).await;
        // Booked, then accepted: not yet on the way.
        assert!(!store.record_position(order, worker, 31.20, 121.40, now()).await.unwrap());
        store.change_order(order, &fx::accept(worker), now()).await.unwrap();
        assert!(!store.record_position(order, worker, 31.20, 121.40, now()).await.unwrap());
        let depart = store::OrderChange {
            expected_state: "accepted".into(),
            next_state: "departed".into(),
            event: fx::event("depart", "worker", Some(worker)),
            assign_worker: None,
            ..fx::accept(worker)
        };
        store.change_order(order, &depart, now()).await.unwrap();
        let before = store.last_live_event_id(customer).await.unwrap();
        let t0 = now();
        assert!(store.record_position(order, worker, 31.20, 121.40, t0).await.unwrap());
        // A second report within the minimum gap is accepted but not stored.
        assert!(store.record_position(order, worker, 31.21, 121.41, t0 + Duration::from_secs(2)).await.unwrap());
        assert!(store.record_position(order, worker, 31.22, 121.45, t0 + Duration::from_secs(6)).await.unwrap());
        // Someone else's order is not theirs to report on.
        assert!(!store.record_position(order, other, 31.0, 121.0, now()).await.unwrap());
        let live = store.live_events_after(customer, before, 10).await.unwrap();
        assert_eq!(live.iter().map(|e| (e.topic.as_str(), e.order_id)).collect::<Vec<_>>(), vec![("position", Some(order)), ("position", Some(order))]);
        let track = store.order_track(order, 10).await.unwrap();
        assert_eq!(track.iter().map(|p| (p.lat, p.lng)).collect::<Vec<_>>(), vec![(31.20, 121.40), (31.22, 121.45)]);
        assert_eq!(store.order_track(order, 1).await.unwrap().iter().map(|p| p.lat).collect::<Vec<_>>(), vec![31.22]);
        // Past the retention period the oldest point is forgotten, the newer one kept.
        assert_eq!(store.purge_positions(t0 + Duration::from_secs(3)).await.unwrap(), 1);
        assert_eq!(store.order_track(order, 10).await.unwrap().iter().map(|p| p.lat).collect::<Vec<_>>(), vec![31.22]);
    })
    .await;
}

// ---------- Proof of work (B4) ----------

#[tokio::test]
async fn proof_of_work_is_written_only_by_the_orders_worker_in_its_state_and_the_customer_confirms_once() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139300").await;
        let other = fx::worker(&store, "13900139301").await;
        let service = fx::service(&store).await;
        let customer = fx::customer(&store, "13800138300").await;
        let mut new_order = fx::order(customer, service, tomorrow_at(3), "proof");
        new_order.proof_photos = true;
        let id = store.place_order(&new_order, &[worker], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-proof", "TXN-proof", 9000, "RL-proof", now()).await.unwrap();
        let order = store.order(id).await.unwrap().unwrap();
        assert_eq!((order.checklist.as_deref(), order.proof_photos, order.confirmed_at), (Some("一\n二"), true, None));
        let open_before = [booking::OrderState::Arrived.as_str(), booking::OrderState::InService.as_str()];
        let photo = |worker_id, stage, storage_key| store::NewOrderPhoto { order_id: id, worker_id, stage, storage_key };
        let step = |from: &str, to: &str| store::OrderChange {
            expected_state: from.into(),
            next_state: to.into(),
            assign_worker: (to == "accepted").then_some(worker),
            fee_fen: 0,
            refund: None,
            settle: None,
            no_show: None,
            event: fx::event("proof-test", "worker", Some(worker)),
            notify: vec![],
        };
        store.change_order(id, &step("booked", "accepted"), now()).await.unwrap();
        // Not yet in service: no tick, no photo.
        assert!(matches!(store.tick_step(id, worker, 0, now()).await, Err(StoreError::Conflict)));
        assert!(matches!(store.add_order_photo(&photo(worker, "before", "order/a.png"), &open_before, 2, now()).await, Err(StoreError::Conflict)));
        store.change_order(id, &step("accepted", "in_service"), now()).await.unwrap();
        // Another worker, or a step not on the list, changes nothing.
        assert!(matches!(store.tick_step(id, other, 0, now()).await, Err(StoreError::Conflict)));
        assert!(matches!(store.tick_step(id, worker, 2, now()).await, Err(StoreError::Conflict)));
        assert!(matches!(store.tick_step(id, worker, -1, now()).await, Err(StoreError::Conflict)));
        assert!(matches!(store.add_order_photo(&photo(other, "before", "order/x.png"), &open_before, 2, now()).await, Err(StoreError::Conflict)));
        store.tick_step(id, worker, 1, now()).await.unwrap();
        store.tick_step(id, worker, 1, now()).await.unwrap();
        store.add_order_photo(&photo(worker, "before", "order/a.png"), &open_before, 2, now()).await.unwrap();
        store.add_order_photo(&photo(worker, "before", "order/b.png"), &open_before, 2, now()).await.unwrap();
        assert!(matches!(store.add_order_photo(&photo(worker, "before", "order/c.png"), &open_before, 2, now()).await, Err(StoreError::Conflict)), "the third is over the cap");
        store.add_order_photo(&photo(worker, "after", "order/d.png"), &open_before, 2, now()).await.unwrap();
        let proof = store.order_proof(id).await.unwrap();
        assert_eq!(proof.ticked, [1]);
        let photos: Vec<(&str, &str)> = proof.photos.iter().map(|p| (p.stage.as_str(), p.storage_key.as_str())).collect();
        assert_eq!(photos, [("before", "order/a.png"), ("before", "order/b.png"), ("after", "order/d.png")]);
        assert_eq!(store.order_photo_order("order/b.png").await.unwrap(), Some(id));
        assert_eq!(store.order_photo_order("order/c.png").await.unwrap(), None);
        // Only a completed order is confirmed, by its own customer, once.
        assert!(matches!(store.confirm_service(id, customer, now()).await, Err(StoreError::Conflict)));
        store.change_order(id, &step("in_service", "completed"), now()).await.unwrap();
        assert!(matches!(store.confirm_service(id, other, now()).await, Err(StoreError::Conflict)));
        store.confirm_service(id, customer, now()).await.unwrap();
        assert!(matches!(store.confirm_service(id, customer, now()).await, Err(StoreError::Conflict)));
        assert!(store.order(id).await.unwrap().unwrap().confirmed_at.is_some());
        assert!(!store.auto_confirm_service(id, now()).await.unwrap(), "confirmed by the customer already");
        assert!(!store.order(id).await.unwrap().unwrap().confirmed_auto);
        assert!(matches!(store.tick_step(id, worker, 0, now()).await, Err(StoreError::Conflict)), "a completed order's proof is closed");
    })
    .await;
}

#[tokio::test]
async fn the_platform_confirms_a_completed_order_once_unless_it_is_disputed() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139330").await;
        let customer = fx::customer(&store, "13800138330").await;
        let quiet = mx::paid_order(&store, worker, customer, "quiet", 3).await;
        assert!(!store.auto_confirm_service(quiet, now()).await.unwrap(), "not completed yet");
        store.change_order(quiet, &mx::complete(worker, 2000), now()).await.unwrap();
        assert!(store.auto_confirm_service(quiet, now()).await.unwrap());
        assert!(!store.auto_confirm_service(quiet, now()).await.unwrap(), "once");
        let order = store.order(quiet).await.unwrap().unwrap();
        assert!(order.confirmed_at.is_some() && order.confirmed_auto);
        assert!(matches!(store.confirm_service(quiet, customer, now()).await, Err(StoreError::Conflict)));

        let disputed = store.place_order(&fx::order(customer, order.service_id, tomorrow_at(5), "disputed"), &[worker], now()).await.unwrap().order_id;
        store.confirm_payment("PAY-disputed", "TXN-disputed", 9000, "RL-disputed", now()).await.unwrap();
        store.change_order(disputed, &mx::complete(worker, 2000), now()).await.unwrap();
        let complaint = store::NewFeedback { customer_id: customer, order_id: Some(disputed), category: "quality".into(), body: "地板没有拖干净".into() };
        store.create_feedback(&complaint, now()).await.unwrap();
        assert!(!store.auto_confirm_service(disputed, now()).await.unwrap(), "an open complaint holds it for the customer");
        assert!(store.order(disputed).await.unwrap().unwrap().confirmed_at.is_none());
    })
    .await;
}

// ---------- Review photos and video (C9) ----------

const PHOTO: store::ReviewMediaKind = store::ReviewMediaKind::Photo;
const VIDEO: store::ReviewMediaKind = store::ReviewMediaKind::Video;

#[tokio::test]
async fn review_photos_and_one_video_go_only_on_the_customers_own_review_up_to_the_limit_and_are_listed_with_the_review() {
    on_both(|store| async move {
        let worker = fx::worker(&store, "13900139320").await;
        let customer = fx::customer(&store, "13800138320").await;
        let other = fx::customer(&store, "13800138321").await;
        let done = mx::paid_order(&store, worker, customer, "rphoto", 8).await;
        store.change_order(done, &mx::complete(worker, 2000), now()).await.unwrap();
        // No review yet: nothing to add a photo to.
        assert!(matches!(store.add_review_media(done, customer, "review/a.png", PHOTO, 2, now()).await, Err(StoreError::NotFound)));
        let review = store::NewReview { order_id: done, customer_id: customer, worker_id: worker, quality: 5, attitude: 5, result: 4, body: "干净".into() };
        store.create_review(&review, now()).await.unwrap();
        assert!(matches!(store.add_review_media(done, other, "review/x.png", PHOTO, 2, now()).await, Err(StoreError::NotFound)), "another customer's review");
        store.add_review_media(done, customer, "review/a.png", PHOTO, 2, now()).await.unwrap();
        store.add_review_media(done, customer, "review/b.png", PHOTO, 2, now()).await.unwrap();
        assert!(matches!(store.add_review_media(done, customer, "review/c.png", PHOTO, 2, now()).await, Err(StoreError::Conflict)), "the third is over the cap");
        let photos = store.review_photos(&[done, done + 1000]).await.unwrap();
        assert_eq!(photos, [(done, "review/a.png".to_string()), (done, "review/b.png".to_string())]);
        assert!(store.review_photos(&[]).await.unwrap().is_empty());
        assert!(store.is_review_photo("review/b.png").await.unwrap());
        assert!(!store.is_review_photo("review/c.png").await.unwrap());
        assert!(!store.is_review_photo("review/x.png").await.unwrap());
        // Only its author takes a photo off, and only once; the cap then has room again.
        assert!(!store.remove_review_photo(done, other, "review/a.png").await.unwrap());
        assert!(!store.remove_review_photo(done + 1000, customer, "review/a.png").await.unwrap());
        assert!(store.remove_review_photo(done, customer, "review/a.png").await.unwrap());
        assert!(!store.remove_review_photo(done, customer, "review/a.png").await.unwrap());
        assert!(!store.is_review_photo("review/a.png").await.unwrap());
        store.add_review_media(done, customer, "review/c.png", PHOTO, 2, now()).await.unwrap();
        let photos = store.review_photos(&[done]).await.unwrap();
        assert_eq!(photos, [(done, "review/b.png".to_string()), (done, "review/c.png".to_string())]);
        // One video besides the photos, whatever their count; a second is refused.
        store.add_review_media(done, customer, "review/v.mp4", VIDEO, 2, now()).await.unwrap();
        assert!(matches!(store.add_review_media(done, customer, "review/w.mp4", VIDEO, 2, now()).await, Err(StoreError::Conflict)));
        assert!(store.is_review_photo("review/v.mp4").await.unwrap(), "public like the photos");
        assert_eq!(store.review_photos(&[done]).await.unwrap().last(), Some(&(done, "review/v.mp4".to_string())));
        assert!(store.remove_review_photo(done, customer, "review/v.mp4").await.unwrap());
        store.add_review_media(done, customer, "review/w.mp4", VIDEO, 2, now()).await.unwrap();
        // The service page's reviews name their order, so the photos can be put with them.
        let service = store.order(done).await.unwrap().unwrap().service_id;
        let recent = store.service_reviews(service, 5).await.unwrap().recent;
        assert_eq!(recent.iter().map(|r| r.order_id).collect::<Vec<_>>(), [done]);
        // …and so do the worker's own.
        let theirs = store.worker_reviews(worker, 5).await.unwrap();
        assert_eq!(theirs.iter().map(|r| (r.order_id, r.body.as_str())).collect::<Vec<_>>(), [(done, "干净")]);
        assert!(store.worker_reviews(customer, 5).await.unwrap().is_empty());
    })
    .await;
}
