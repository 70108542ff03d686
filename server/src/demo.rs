//! Demo data (only when asked for: `DAOJIA_DEMO=1` or `server seed-demo`)
//! and the `create-admin` sub-command. Demo passwords exist only here.

use app::server::passwords::PasswordHasher;
use domain::{DisplayName, Fen, Password, Phone, Role, WorkerStatus};
use pricing::rules;
use pricing::{AddOn, CouponTerms, Discount, NewCoupon, PricingRules, Unit};
use store::{Adjustment, AuditEntry, DynStore, NewService, NewUser, PostingMeta, StoreError, WorkerSetup};
use time::OffsetDateTime;

const DEMO_MARKER: &str = "demo_data_version";
const DEMO_VERSION: &str = "4";

pub struct DemoAccount {
    pub phone: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub worker_status: Option<WorkerStatus>,
}

/// Listed in the README; the end-to-end tests log in with them.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { phone: "13800000001", password: "daojia123", name: "张女士", role: Role::Customer, worker_status: None },
    DemoAccount { phone: "13900000001", password: "daojia123", name: "李阿姨", role: Role::Worker, worker_status: Some(WorkerStatus::Approved) },
    DemoAccount { phone: "13900000002", password: "daojia123", name: "王师傅", role: Role::Worker, worker_status: Some(WorkerStatus::Applicant) },
    DemoAccount { phone: "13900000003", password: "daojia123", name: "赵阿姨", role: Role::Worker, worker_status: Some(WorkerStatus::Approved) },
    DemoAccount { phone: "13700000000", password: "admin1234", name: "运营管理员", role: Role::Admin, worker_status: None },
    DemoAccount { phone: "13700000001", password: "admin1234", name: "客服主管", role: Role::Admin, worker_status: None },
];

struct DemoService {
    category: &'static str,
    name: &'static str,
    summary: &'static str,
    unit: Unit,
    price_fen: i64,
    default_units: i32,
    min_units: i32,
}

const DEMO_SERVICES: &[DemoService] = &[
    DemoService { category: "daily_cleaning", name: "日常保洁 · 2小时", summary: "客厅卧室除尘、厨卫清洁、地面拖洗", unit: Unit::Hour, price_fen: 4500, default_units: 2, min_units: 2 },
    DemoService { category: "daily_cleaning", name: "日常保洁 · 4小时", summary: "适合三居室及以上的全屋日常打扫", unit: Unit::Hour, price_fen: 4200, default_units: 4, min_units: 4 },
    DemoService { category: "deep_cleaning", name: "新房开荒保洁", summary: "装修后除胶除尘、玻璃门窗全面清洁", unit: Unit::Visit, price_fen: 59900, default_units: 1, min_units: 1 },
    DemoService { category: "deep_cleaning", name: "厨房深度清洁", summary: "油污分解、灶台橱柜及墙面瓷砖深度去渍", unit: Unit::Visit, price_fen: 26900, default_units: 1, min_units: 1 },
    DemoService { category: "appliance", name: "挂机空调清洗", summary: "拆洗滤网、高温蒸汽杀菌、冷凝器除尘", unit: Unit::Appliance, price_fen: 8900, default_units: 1, min_units: 1 },
    DemoService { category: "appliance", name: "油烟机拆洗", summary: "整机拆卸、涡轮叶片除油、免拆清洗不留死角", unit: Unit::Appliance, price_fen: 16900, default_units: 1, min_units: 1 },
    DemoService { category: "appliance", name: "滚筒洗衣机清洗", summary: "内筒拆洗除垢、去除霉菌异味", unit: Unit::Appliance, price_fen: 13900, default_units: 1, min_units: 1 },
    DemoService { category: "home_care", name: "实木地板打蜡", summary: "清洁、打蜡、抛光，恢复地板光泽", unit: Unit::Visit, price_fen: 39900, default_units: 1, min_units: 1 },
    DemoService { category: "home_care", name: "真皮沙发护理", summary: "去污、补色、上油保养一次完成", unit: Unit::Visit, price_fen: 29900, default_units: 1, min_units: 1 },
    DemoService { category: "maternity_nanny", name: "金牌月嫂 · 26天", summary: "产妇护理、新生儿护理、月子餐，持证上岗", unit: Unit::Month26, price_fen: 1_280_000, default_units: 1, min_units: 1 },
    DemoService { category: "childcare_nanny", name: "住家育儿嫂", summary: "0-3岁婴幼儿照护、辅食制作、早教陪伴", unit: Unit::Day, price_fen: 28000, default_units: 26, min_units: 1 },
    DemoService { category: "childcare_nanny", name: "白班育儿嫂", summary: "8小时白班照护，周末双休可选", unit: Unit::Day, price_fen: 22000, default_units: 22, min_units: 1 },
];

/// A category's service steps: the 服务流程 customers read and the
/// checklist its workers tick (B4).
fn demo_steps(category: &str) -> &'static [&'static str] {
    match category {
        "daily_cleaning" => &["客厅卧室除尘", "厨房台面灶台清洁", "卫生间清洁消毒", "地面吸尘拖洗"],
        "deep_cleaning" => &["除胶除尘去污渍", "门窗玻璃清洁", "柜体内外擦拭", "地面深度清洁"],
        "appliance" => &["拆卸并清洗部件", "高温蒸汽除菌", "外壳清洁", "装回试机"],
        "home_care" => &["清洁表面", "养护处理", "顾客验收"],
        _ => &["上门确认需求", "按标准流程服务", "顾客验收确认"],
    }
}

/// Extras a customer can add, priced once per order.
fn demo_addons(category: &str) -> Vec<AddOn> {
    // The name is the code, as for add-ons an admin types.
    let addon = |name: &str, fen: i64| AddOn { code: name.into(), name: name.into(), price: Fen::new(fen) };
    match category {
        "daily_cleaning" => vec![addon("冰箱内部清洁", 3_000), addon("擦窗（3扇内）", 2_500)],
        "appliance" => vec![addon("高温蒸汽杀菌", 2_000)],
        _ => Vec::new(),
    }
}

/// Demo workers live around People's Square, Shanghai, work 08:00–20:00
/// every day and cover every category within 20 km.
fn demo_worker_setup(phone: &str) -> WorkerSetup {
    let (lat, lng) = match phone {
        "13900000003" => (31.2200, 121.4550),
        _ => (31.2304, 121.4737),
    };
    WorkerSetup {
        gender: Some("female".into()),
        skills: ["daily_cleaning", "deep_cleaning", "appliance", "home_care", "maternity_nanny", "childcare_nanny"]
            .map(String::from)
            .to_vec(),
        home_lat: lat,
        home_lng: lng,
        area_radius_km: 20.0,
        hours: (0..7).map(|day| (day, 8 * 60, 20 * 60)).collect(),
    }
}

pub type SeedResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Loads the demo data once; later calls find the marker and do nothing.
pub async fn seed_demo(store: &DynStore, hasher: &PasswordHasher) -> SeedResult<bool> {
    if store.meta(DEMO_MARKER).await?.as_deref() == Some(DEMO_VERSION) {
        return Ok(false);
    }
    let now = OffsetDateTime::now_utc();
    for account in DEMO_ACCOUNTS {
        let phone = Phone::parse(account.phone)?;
        if store.credentials_by_phone(&phone).await?.is_some() {
            continue;
        }
        let user = NewUser {
            phone,
            password_hash: hasher.hash(&Password::parse(account.password)?).await?,
            role: account.role,
            display_name: DisplayName::parse(account.name)?,
        };
        let id = store.create_user(&user, now).await?;
        if let Some(status) = account.worker_status.filter(|s| *s != WorkerStatus::Applicant) {
            store.set_worker_status(id, status, "演示数据：资料齐全，审核通过", now).await?;
        }
        if account.role == Role::Worker {
            store.setup_worker(id.0, &demo_worker_setup(account.phone)).await?;
        }
    }
    // Approved demo workers start with a welcome reward, so 收入 and 提现 have something to show.
    for account in DEMO_ACCOUNTS.iter().filter(|a| a.worker_status == Some(WorkerStatus::Approved)) {
        let Some(credentials) = store.credentials_by_phone(&Phone::parse(account.phone)?).await? else { continue };
        let meta = PostingMeta { idem_key: format!("demo:welcome:{}", account.phone), actor_id: None, memo: "新人开工奖励（演示数据）".into() };
        store.post_adjustment(credentials.user_id.0, Adjustment::Reward, 5000, &meta, now).await?;
    }
    for (i, s) in DEMO_SERVICES.iter().enumerate() {
        let service = NewService {
            category_code: s.category.into(),
            name: s.name.into(),
            summary: s.summary.into(),
            content: format!("{}。服务人员统一着装、自带专业工具，服务后由您验收。", s.summary),
            process_steps: demo_steps(s.category).iter().map(|step| step.to_string()).collect(),
            supplies: "专业清洁剂、无尘布、工具箱".into(),
            qualifications: "实名认证、健康证、岗前培训合格".into(),
            unit: s.unit,
            base_price: Fen::new(s.price_fen),
            default_units: s.default_units,
            min_units: s.min_units,
            sort_order: i as i32,
            addons: demo_addons(s.category),
            // Appliance and deep cleaning are where customers most want to see the before and after.
            proof_photos: matches!(s.category, "appliance" | "deep_cleaning"),
        };
        match store.insert_service(&service, now).await {
            Ok(_) => {}
            // Already there from an interrupted earlier run.
            Err(StoreError::DuplicateName) => {}
            Err(err) => return Err(err.into()),
        }
    }
    seed_pricing(store, now).await?;
    store.set_meta(DEMO_MARKER, DEMO_VERSION).await?;
    Ok(true)
}

/// A pricing strategy and a welcome coupon to show A2 working. Weekends
/// stay at list price so demo bookings on any day cost what the catalog says;
/// a series of 4 or more visits gets the package price (B6).
async fn seed_pricing(store: &DynStore, now: OffsetDateTime) -> SeedResult<()> {
    let admin = store.credentials_by_phone(&Phone::parse("13700000000")?).await?.map(|c| c.user_id.0).ok_or("demo admin missing")?;
    if store.pricing_rules().await?.is_none() {
        let rules = PricingRules {
            peak_windows: rules::parse_peak_windows("18:00-20:00 1.2").map_err(|e| e.to_string())?,
            weekend_bps: pricing::NEUTRAL_BPS,
            holidays: rules::parse_holidays("2027-02-06~2027-02-12 春节 1.5\n2027-10-01~2027-10-07 国庆节 1.3").map_err(|e| e.to_string())?,
            distance: rules::DistanceRule {
                centre_lat: 31.2304,
                centre_lng: 121.4737,
                free_radius_m: 10_000,
                per_km: Fen::new(200),
                max_fee: Fen::new(3_000),
            },
            series_discounts: rules::parse_series_discounts("4 9.5\n8 9", booking::MAX_SERIES_VISITS).map_err(|e| e.to_string())?,
        };
        store.save_pricing_rules(&rules, 0, admin, now).await?;
    }
    if store.coupons().await?.is_empty() {
        let today = now.to_offset(time::UtcOffset::from_hms(8, 0, 0)?).date();
        let coupon = NewCoupon {
            terms: CouponTerms {
                name: "新人立减".into(),
                discount: Discount::Fixed(Fen::new(1_000)),
                min_spend: Fen::new(8_000),
                valid_from: pricing::beijing_day_start(today),
                valid_until: pricing::beijing_day_start(today) + 90 * 86_400,
            },
            per_user_limit: 1,
            total_quantity: 1_000,
        };
        store.create_coupon(&coupon, admin, now).await?;
    }
    Ok(())
}

/// Creates an admin account (the only way one comes to exist outside demo data).
pub async fn create_admin(
    store: &DynStore,
    hasher: &PasswordHasher,
    phone: &str,
    name: &str,
    password: &str,
) -> SeedResult<store::UserId> {
    let phone = Phone::parse(phone).map_err(|_| "手机号格式不正确（需为11位大陆手机号）")?;
    let display_name = DisplayName::parse(name).map_err(|_| "姓名需为1-20个字")?;
    let password = Password::parse(password).map_err(|_| "密码长度需为8-128位")?;
    let user = NewUser { phone, password_hash: hasher.hash(&password).await?, role: Role::Admin, display_name };
    let id = store.create_user(&user, OffsetDateTime::now_utc()).await.map_err(|e| match e {
        StoreError::DuplicatePhone => "该手机号已注册".to_string(),
        other => other.to_string(),
    })?;
    store
        .record_audit(
            &AuditEntry { actor: None, action: "create_admin".into(), target: format!("user:{}", id.0), detail: "cli".into() },
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(id)
}
