//! Demo history: a second district, 张江, with its own team and regular
//! customers, whose last two weeks are replayed through the live order
//! flow ([`app::server::replay`]) when the demo data is loaded. So 数据看板,
//! 经营分析, 服务者考核 and the service pages open on real figures, while
//! the People's Square accounts the README lists start with a clean slate:
//! 张江 lies outside their service area, and theirs outside 张江's.

use crate::demo::SeedResult;
use app::server::replay::{replay_order, Fate, PastOrder, PastReview, Replayed};
use app::server::AppState;
use dispatch::GeoPoint;
use domain::{DisplayName, Password, Phone, Role, WorkerStatus};
use store::{DynStore, NewAddress, NewUser, OrderFilter, WorkerSetup};
use time::OffsetDateTime;

/// Days of history before today (Beijing).
const HISTORY_DAYS: i64 = 14;

/// One of the district team.
struct TeamMember {
    phone: &'static str,
    name: &'static str,
    gender: &'static str,
    home: (f64, f64),
    skills: &'static [&'static str],
}

/// Each lives in a different corner of 张江 and 周师傅 does the
/// appliances, so dispatch spreads the work as it would.
const TEAM: &[TeamMember] = &[
    TeamMember { phone: "13900000011", name: "孙阿姨", gender: "female", home: (31.2085, 121.5815), skills: &["daily_cleaning", "deep_cleaning", "home_care"] },
    TeamMember { phone: "13900000012", name: "周师傅", gender: "male", home: (31.2035, 121.5900), skills: &["appliance", "home_care", "deep_cleaning"] },
    TeamMember { phone: "13900000013", name: "吴阿姨", gender: "female", home: (31.1965, 121.5965), skills: &["daily_cleaning", "deep_cleaning", "home_care"] },
];

/// Regular customers: phone, name, address, position.
const REGULARS: &[(&str, &str, &str, f64, f64)] = &[
    ("13800000011", "陈先生", "浦东新区张江路88弄5号302室", 31.2052, 121.5868),
    ("13800000012", "刘女士", "浦东新区祖冲之路1500弄12号601室", 31.2108, 121.5952),
    ("13800000013", "黄女士", "浦东新区碧波路690号3号楼1102室", 31.2021, 121.5997),
    ("13800000014", "林先生", "浦东新区晨晖路1001弄7号201室", 31.1983, 121.5911),
    ("13800000015", "何女士", "浦东新区郭守敬路498号15号楼502室", 31.2079, 121.5786),
    ("13800000016", "郭先生", "浦东新区川北公路2200弄3号1801室", 31.1948, 121.5834),
];

/// Services the regulars book, by name, with how often (out of 20).
const BOOKED: &[(&str, u64)] = &[
    ("日常保洁 · 2小时", 7),
    ("日常保洁 · 4小时", 3),
    ("厨房深度清洁", 2),
    ("挂机空调清洗", 3),
    ("油烟机拆洗", 2),
    ("滚筒洗衣机清洗", 1),
    ("真皮沙发护理", 1),
    ("实木地板打蜡", 1),
];

const REVIEWS: &[(i32, i32, i32, &str)] = &[
    (5, 5, 5, "准时到达，打扫得很仔细，角落都擦到了"),
    (5, 5, 5, "师傅很专业，拆洗得很干净，还教了日常保养方法"),
    (5, 4, 5, "干活利索，就是来之前电话没打通，整体满意"),
    (4, 5, 4, "态度很好，厨房的油污基本去掉了"),
    (5, 5, 5, "第二次约了，还是一样靠谱"),
    (5, 5, 4, "服务认真，结束后还帮忙把垃圾带下楼"),
    (4, 4, 4, "整体不错，时间稍微超了一点"),
    (3, 4, 3, "卫生间的水垢没有处理干净，希望下次改进"),
];

/// A small deterministic generator (splitmix64): the same history on every
/// machine, without a dependency.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One of `choices`, each as likely as its weight.
    fn weighted(&mut self, choices: &[(&'static str, u64)]) -> &'static str {
        let mut pick = self.below(choices.iter().map(|(_, weight)| weight).sum());
        for (choice, weight) in choices {
            if pick < *weight {
                return choice;
            }
            pick -= weight;
        }
        choices[0].0
    }
}

/// The account with `phone`, created when missing; says whether it was.
async fn account(store: &DynStore, hash: &str, phone: &str, name: &str, role: Role, joined: OffsetDateTime) -> SeedResult<(i64, bool)> {
    let phone = Phone::parse(phone)?;
    if let Some(existing) = store.credentials_by_phone(&phone).await? {
        return Ok((existing.user_id.0, false));
    }
    let user = NewUser { phone, password_hash: hash.to_string(), role, display_name: DisplayName::parse(name)? };
    Ok((store.create_user(&user, joined).await?.0, true))
}

fn district_worker(member: &TeamMember) -> WorkerSetup {
    WorkerSetup {
        gender: Some(member.gender.into()),
        skills: member.skills.iter().map(|s| s.to_string()).collect(),
        home_lat: member.home.0,
        home_lng: member.home.1,
        area_radius_km: 6.0,
        hours: (0..7).map(|day| (day, 8 * 60, 20 * 60)).collect(),
    }
}

/// Creates the district's accounts (once) and replays their last
/// [`HISTORY_DAYS`] days. Returns how many orders were replayed: none when
/// the history is already there.
pub async fn seed_demo_history(state: &AppState) -> SeedResult<usize> {
    let store = &state.store;
    let now = OffsetDateTime::now_utc();
    // Accounts date from before the history, and share the README's password.
    let joined = now - time::Duration::days(HISTORY_DAYS + 30);
    let hash = state.passwords.hash(&Password::parse("daojia123")?).await?;
    let mut team = Vec::new();
    for member in TEAM {
        let (id, created) = account(store, &hash, member.phone, member.name, Role::Worker, joined).await?;
        if created {
            store.set_worker_status(store::UserId(id), WorkerStatus::Approved, "演示数据：资料齐全，审核通过", joined).await?;
            store.setup_worker(id, &district_worker(member)).await?;
        }
        team.push(id);
    }
    let mut regulars = Vec::new();
    for (phone, name, address, lat, lng) in REGULARS {
        let (id, created) = account(store, &hash, phone, name, Role::Customer, joined).await?;
        if created {
            let address = NewAddress {
                label: "家".into(),
                contact_name: (*name).into(),
                contact_phone: (*phone).into(),
                address_text: (*address).into(),
                lat: *lat,
                lng: *lng,
            };
            store.create_address(id, &address, joined).await?;
        }
        regulars.push((id, *phone, *address, GeoPoint { lat: *lat, lng: *lng }));
    }
    if !store.orders(&OrderFilter { customer_id: Some(regulars[0].0), ..OrderFilter::newest(1) }).await?.is_empty() {
        return Ok(0);
    }

    let services = store.listed_services(None).await?;
    let mut dice = Dice(2026);
    let today = dispatch::local_day_start(now.unix_timestamp());
    let mut past = Vec::new();
    for days_ago in (1..=HISTORY_DAYS).rev() {
        let day = today - days_ago * 86_400;
        for _ in 0..3 + dice.below(4) {
            let (customer_id, phone, address, location) = regulars[dice.below(regulars.len() as u64) as usize];
            let name = dice.weighted(BOOKED);
            let service = services.iter().find(|s| s.name == name).ok_or_else(|| format!("demo service {name} missing"))?;
            let start = day + (9 + dice.below(8) as i64) * 3600;
            let starts_at = OffsetDateTime::from_unix_timestamp(start)?;
            // Out of 40: two cancelled, one late, three in four of the rest reviewed.
            let fate = match dice.below(40) {
                0 | 1 => Fate::Cancelled { hours_before: 3 + dice.below(10) as u32 },
                2 => Fate::Completed { late_minutes: 10 + dice.below(15) as u32, review: None },
                n => Fate::Completed {
                    late_minutes: 0,
                    review: (n < 31).then(|| {
                        let (quality, attitude, result, body) = REVIEWS[dice.below(REVIEWS.len() as u64) as usize];
                        PastReview { quality, attitude, result, body }
                    }),
                },
            };
            past.push(PastOrder {
                customer_id,
                service_id: service.id,
                units: service.default_units,
                contact_phone: phone.into(),
                address_text: address.into(),
                location,
                team: team.clone(),
                placed_at: starts_at - time::Duration::hours(20 + dice.below(30) as i64),
                starts_at,
                fate,
            });
        }
    }
    past.sort_by_key(|p| p.placed_at);
    // A clock of its own: replaying moves it through the past days.
    let replaying = AppState { clock: Default::default(), ..state.clone() };
    let mut replayed = 0;
    for order in &past {
        if replay_order(&replaying, order).await? != Replayed::NoWorkerFree {
            replayed += 1;
        }
    }
    tracing::info!(replayed, "demo history replayed");
    Ok(replayed)
}
