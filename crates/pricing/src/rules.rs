//! The pricing strategy an admin edits (A2): time multipliers (daily peak
//! windows, weekends, a holiday calendar), the distance surcharge and the
//! package price of a series booked at once (B6 套餐价).
//!
//! Admins type rules as short lines (`17:00-20:00 1.2`,
//! `2027-10-01~2027-10-07 国庆节 1.5`); the parsers here turn them into
//! [`PricingRules`] or say which line is wrong and why, so nothing half-valid
//! is ever saved.

use domain::Fen;
use serde::{Deserialize, Serialize};

/// 1.00× in basis points: a multiplier of exactly this adds nothing.
pub const NEUTRAL_BPS: u32 = 10_000;
/// The steepest multiplier an admin may set (3.00×): anything above is far
/// more likely a typo than a price.
pub const MAX_MULTIPLIER_BPS: u32 = 30_000;
/// The longest holiday range one line may name.
const MAX_HOLIDAY_RANGE_DAYS: i64 = 31;

/// A daily window, in Beijing minutes after midnight, during which the base
/// price is multiplied. `end_minute` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeakWindow {
    pub start_minute: u16,
    pub end_minute: u16,
    pub multiplier_bps: u32,
}

/// One holiday date (Beijing calendar, `YYYY-MM-DD`) with its multiplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: String,
    pub name: String,
    pub multiplier_bps: u32,
}

/// Beyond `free_radius_m` of the service centre, every started kilometre
/// costs `per_km`, up to `max_fee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistanceRule {
    pub centre_lat: f64,
    pub centre_lng: f64,
    pub free_radius_m: u32,
    pub per_km: Fen,
    pub max_fee: Fen,
}

/// B6 套餐价: a series of `min_visits` or more visits booked and paid at
/// once has its service price (base and add-ons, not surcharges or fees)
/// cut to `price_bps` on every visit: 9500 is 9.5折.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesDiscount {
    pub min_visits: u8,
    pub price_bps: u32,
}

/// The deepest of `tiers` a series of `visits` reaches, if any.
pub fn deepest_tier(tiers: &[SeriesDiscount], visits: u8) -> Option<SeriesDiscount> {
    tiers.iter().filter(|d| d.min_visits <= visits).min_by_key(|d| d.price_bps).copied()
}

/// The deepest package price an admin may set (5折): below that a typo is
/// likelier than a promotion.
pub const MIN_SERIES_PRICE_BPS: u32 = 5_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingRules {
    pub peak_windows: Vec<PeakWindow>,
    /// Saturday and Sunday (Beijing).
    pub weekend_bps: u32,
    pub holidays: Vec<Holiday>,
    pub distance: DistanceRule,
    /// Fewest visits first, each deeper than the one before; rules saved
    /// before package prices existed have none.
    #[serde(default)]
    pub series_discounts: Vec<SeriesDiscount>,
}

impl PricingRules {
    /// No surcharge of any kind: what a fresh install starts with.
    pub fn neutral(centre_lat: f64, centre_lng: f64) -> Self {
        Self {
            peak_windows: Vec::new(),
            weekend_bps: NEUTRAL_BPS,
            holidays: Vec::new(),
            distance: DistanceRule { centre_lat, centre_lng, free_radius_m: 50_000, per_km: Fen::ZERO, max_fee: Fen::ZERO },
            series_discounts: Vec::new(),
        }
    }

    /// The package price a series of `visits` gets: the deepest tier it
    /// reaches, if any.
    pub fn series_discount(&self, visits: u8) -> Option<SeriesDiscount> {
        deepest_tier(&self.series_discounts, visits)
    }

    /// The package prices back in the form the admin types them (`4 9.5`).
    pub fn series_discount_text(&self) -> String {
        self.series_discounts.iter().map(|d| format!("{} {}", d.min_visits, crate::zhe_text(NEUTRAL_BPS - d.price_bps))).collect::<Vec<_>>().join("\n")
    }

    /// The peak windows back in the form the admin types them.
    pub fn peak_text(&self) -> String {
        self.peak_windows
            .iter()
            .map(|w| format!("{}-{} {}", clock(w.start_minute), clock(w.end_minute), multiplier_text(w.multiplier_bps)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The holiday calendar back in the form the admin types it: runs of
    /// consecutive days with the same name and multiplier become one range.
    pub fn holiday_text(&self) -> String {
        let mut lines: Vec<(String, String, &Holiday)> = Vec::new();
        for h in &self.holidays {
            let follows = lines.last().is_some_and(|(_, last, run)| {
                run.name == h.name
                    && run.multiplier_bps == h.multiplier_bps
                    && parse_date(last).and_then(|d| d.next_day()).map(date_text).as_deref() == Some(h.date.as_str())
            });
            match lines.last_mut() {
                Some((_, last, _)) if follows => *last = h.date.clone(),
                _ => lines.push((h.date.clone(), h.date.clone(), h)),
            }
        }
        lines
            .into_iter()
            .map(|(first, last, h)| {
                let span = if first == last { first } else { format!("{first}~{last}") };
                format!("{span} {} {}", h.name, multiplier_text(h.multiplier_bps))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Why a rule line was refused. `line` counts from 1, as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("line {line}: expected `HH:MM-HH:MM multiplier`")]
    PeakMalformed { line: usize },
    #[error("line {line}: the window must end after it starts")]
    PeakEmpty { line: usize },
    #[error("line {line} overlaps line {other}")]
    PeakOverlap { line: usize, other: usize },
    #[error("line {line}: expected `YYYY-MM-DD[~YYYY-MM-DD] name multiplier`")]
    HolidayMalformed { line: usize },
    #[error("line {line}: no such date")]
    HolidayBadDate { line: usize },
    #[error("line {line}: the range ends before it starts or spans over a month")]
    HolidayBadRange { line: usize },
    #[error("line {line}: date {date} is already listed")]
    HolidayDuplicate { line: usize, date: String },
    #[error("line {line}: multiplier out of range")]
    LineMultiplier { line: usize },
    #[error("line {line}: expected `visits price`, e.g. `4 9.5`")]
    SeriesMalformed { line: usize },
    #[error("line {line}: visits out of range")]
    SeriesVisits { line: usize },
    #[error("line {line}: package price out of range")]
    SeriesPrice { line: usize },
    #[error("line {line}: more visits must cost less than fewer")]
    SeriesNotDeeper { line: usize },
    #[error("multiplier out of range")]
    Multiplier,
    #[error("free radius out of range")]
    FreeRadius,
    #[error("per-kilometre fee out of range")]
    PerKm,
    #[error("distance fee cap out of range")]
    MaxFee,
}

/// Parses `1.2`, `1.25`, `×1.5` or `1` into basis points; 1.00–3.00 only,
/// at most two decimals.
pub fn parse_multiplier(input: &str) -> Option<u32> {
    let s = input.trim().trim_start_matches(['×', 'x', 'X', '*']).trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 1 || frac.len() > 2 || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_bps: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 1_000,
        _ => frac.parse::<u32>().ok()? * 100,
    };
    let bps = whole.parse::<u32>().ok()? * NEUTRAL_BPS + frac_bps;
    (NEUTRAL_BPS..=MAX_MULTIPLIER_BPS).contains(&bps).then_some(bps)
}

/// `12000` → `1.2`, `15000` → `1.5`, `12500` → `1.25`.
pub fn multiplier_text(bps: u32) -> String {
    let whole = bps / NEUTRAL_BPS;
    let frac = (bps % NEUTRAL_BPS) / 100;
    match frac {
        0 => format!("{whole}.0"),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `08:30` → 510; `24:00` is allowed as the end of the day.
fn parse_clock(input: &str) -> Option<u16> {
    let (h, m) = input.trim().split_once([':', '：'])?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h * 60 + m;
    (m < 60 && minute <= 24 * 60).then_some(minute)
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty())
}

/// One window per line: `17:00-20:00 1.2`. Windows may not overlap: which
/// multiplier applies must never be a guess.
pub fn parse_peak_windows(text: &str) -> Result<Vec<PeakWindow>, RuleError> {
    let mut windows: Vec<(usize, PeakWindow)> = Vec::new();
    for (line, content) in content_lines(text) {
        let mut parts = content.split_whitespace();
        let (Some(span), Some(mult), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(RuleError::PeakMalformed { line });
        };
        let (from, to) = span.split_once(['-', '–', '~', '－']).ok_or(RuleError::PeakMalformed { line })?;
        let (start_minute, end_minute) =
            (parse_clock(from).ok_or(RuleError::PeakMalformed { line })?, parse_clock(to).ok_or(RuleError::PeakMalformed { line })?);
        if end_minute <= start_minute {
            return Err(RuleError::PeakEmpty { line });
        }
        let multiplier_bps = parse_multiplier(mult).ok_or(RuleError::LineMultiplier { line })?;
        if let Some((other, _)) = windows.iter().find(|(_, w)| w.start_minute < end_minute && start_minute < w.end_minute) {
            return Err(RuleError::PeakOverlap { line, other: *other });
        }
        windows.push((line, PeakWindow { start_minute, end_minute, multiplier_bps }));
    }
    let mut windows: Vec<PeakWindow> = windows.into_iter().map(|(_, w)| w).collect();
    windows.sort_by_key(|w| w.start_minute);
    Ok(windows)
}

/// `YYYY-MM-DD` (month and day may be one digit) into a calendar date.
pub fn parse_date(input: &str) -> Option<time::Date> {
    let mut parts = input.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The canonical `YYYY-MM-DD` of a date.
pub fn date_text(date: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// One line a date or range: `2027-10-01 国庆节 1.5` or
/// `2027-10-01~2027-10-07 国庆节 1.5`. Each date may appear once.
pub fn parse_holidays(text: &str) -> Result<Vec<Holiday>, RuleError> {
    let mut holidays: Vec<Holiday> = Vec::new();
    for (line, content) in content_lines(text) {
        let parts: Vec<&str> = content.split_whitespace().collect();
        let [span, name @ .., mult] = parts.as_slice() else {
            return Err(RuleError::HolidayMalformed { line });
        };
        if name.is_empty() {
            return Err(RuleError::HolidayMalformed { line });
        }
        let name = name.join(" ");
        if name.chars().count() > 20 {
            return Err(RuleError::HolidayMalformed { line });
        }
        let (first, last) = match span.split_once(['~', '至']) {
            Some((a, b)) => (a, b),
            None => (*span, *span),
        };
        if !span.bytes().any(|b| b.is_ascii_digit()) {
            return Err(RuleError::HolidayMalformed { line });
        }
        let first = parse_date(first).ok_or(RuleError::HolidayBadDate { line })?;
        let last = parse_date(last).ok_or(RuleError::HolidayBadDate { line })?;
        let days = (last - first).whole_days();
        if !(0..MAX_HOLIDAY_RANGE_DAYS).contains(&days) {
            return Err(RuleError::HolidayBadRange { line });
        }
        let multiplier_bps = parse_multiplier(mult).ok_or(RuleError::LineMultiplier { line })?;
        let mut day = first;
        loop {
            let date = date_text(day);
            if holidays.iter().any(|h| h.date == date) {
                return Err(RuleError::HolidayDuplicate { line, date });
            }
            holidays.push(Holiday { date, name: name.clone(), multiplier_bps });
            if day == last {
                break;
            }
            day = day.next_day().ok_or(RuleError::HolidayBadDate { line })?;
        }
    }
    holidays.sort_by(|a, b| a.date.cmp(&b.date));
    Ok(holidays)
}

/// One tier per line: `4 9.5` (or `4次 9.5折`), a series of 4 or more
/// visits, 2 to `max_visits`, at 9.5折. More visits must always cost less,
/// so which tier a series gets is never a surprise.
pub fn parse_series_discounts(text: &str, max_visits: u8) -> Result<Vec<SeriesDiscount>, RuleError> {
    let mut tiers: Vec<(usize, SeriesDiscount)> = Vec::new();
    for (line, content) in content_lines(text) {
        let mut parts = content.split_whitespace();
        let (Some(visits), Some(price), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(RuleError::SeriesMalformed { line });
        };
        let min_visits = visits.trim_end_matches('次').parse::<u8>().map_err(|_| RuleError::SeriesMalformed { line })?;
        if !(2..=max_visits).contains(&min_visits) {
            return Err(RuleError::SeriesVisits { line });
        }
        // 5折 to 9.9折 of the list price.
        let price_bps = crate::coupon::zhe_pays_bps(price).filter(|bps| (MIN_SERIES_PRICE_BPS..NEUTRAL_BPS).contains(bps)).ok_or(RuleError::SeriesPrice { line })?;
        tiers.push((line, SeriesDiscount { min_visits, price_bps }));
    }
    tiers.sort_by_key(|(_, t)| t.min_visits);
    for pair in tiers.windows(2) {
        let ((_, fewer), (line, more)) = (pair[0], pair[1]);
        if more.min_visits == fewer.min_visits || more.price_bps >= fewer.price_bps {
            return Err(RuleError::SeriesNotDeeper { line });
        }
    }
    Ok(tiers.into_iter().map(|(_, t)| t).collect())
}

/// Checks the parts an admin enters as single values.
pub fn validate(rules: &PricingRules) -> Result<(), RuleError> {
    if !(NEUTRAL_BPS..=MAX_MULTIPLIER_BPS).contains(&rules.weekend_bps) {
        return Err(RuleError::Multiplier);
    }
    let d = &rules.distance;
    if d.free_radius_m > 100_000 {
        return Err(RuleError::FreeRadius);
    }
    // At most ¥100 a kilometre and a ¥500 fee.
    if d.per_km < Fen::ZERO || d.per_km > Fen::new(10_000) {
        return Err(RuleError::PerKm);
    }
    if d.max_fee < Fen::ZERO || d.max_fee > Fen::new(50_000) {
        return Err(RuleError::MaxFee);
    }
    Ok(())
}
