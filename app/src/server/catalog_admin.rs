//! Catalog admin: validation of service content and prices, pictures, and
//! an audit entry for every change.

use super::authz::require_user;
use super::onboarding::{file_url, put_clean_image, put_clean_video, UploadOutcome};
use super::{app_state, internal, AppState};
use crate::api::catalog_admin::{AdminCategoryRow, AdminServiceListRow, CategoryOption, ImageView, ServiceEditView};
use crate::api::ADMIN;
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use domain::{Fen, Role};
use pricing::Unit;
use store::{AuditEntry, NewService, StoreError, User};
use uploads::StoredKey;

/// The upload store's folder for service pictures (served to everyone).
pub const SERVICE_AREA: &str = "services";
/// A unit price above this is a typo, not a price (¥100,000).
const MAX_UNIT_PRICE_FEN: i64 = 10_000_000;
const MAX_UNITS: i32 = 100;

fn unit_of(value: &str) -> Result<Unit, AppError> {
    Unit::from_db(value).ok_or_else(|| internal(format!("unknown unit {value}")))
}

pub async fn admin_catalog() -> Result<Vec<AdminServiceListRow>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    state
        .store
        .admin_services()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| {
            Ok(AdminServiceListRow {
                id: r.id,
                name: r.name,
                category_name: r.category_name,
                unit: unit_of(&r.unit)?,
                base_price_fen: r.base_price_fen,
                listed: r.status == "listed",
                images: r.images,
            })
        })
        .collect()
}

async fn images(state: &AppState, service_id: i64) -> Result<Vec<ImageView>, AppError> {
    Ok(state
        .store
        .service_images(service_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|i| ImageView { id: i.id, url: file_url(&i.storage_key) })
        .collect())
}

/// Cover first, for the customer's pages.
pub async fn service_image_urls(state: &AppState, service_id: i64) -> Result<Vec<String>, AppError> {
    Ok(images(state, service_id).await?.into_iter().map(|i| i.url).collect())
}

/// The address of a service's short video.
pub async fn service_video_url(state: &AppState, service_id: i64) -> Result<Option<String>, AppError> {
    Ok(state.store.service_video(service_id).await.map_err(internal)?.map(|key| file_url(&key)))
}

pub async fn admin_service(id: i64) -> Result<ServiceEditView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let categories: Vec<CategoryOption> =
        state.store.categories().await.map_err(internal)?.into_iter().map(|c| CategoryOption { code: c.code, name: c.name }).collect();
    if id == 0 {
        return Ok(ServiceEditView {
            id: None,
            category_code: categories.first().map(|c| c.code.clone()).unwrap_or_default(),
            categories,
            name: String::new(),
            summary: String::new(),
            content: String::new(),
            process_steps: String::new(),
            supplies: String::new(),
            qualifications: String::new(),
            unit: Unit::Hour,
            price_yuan: String::new(),
            default_units: 2,
            min_units: 1,
            addons: String::new(),
            proof_photos: false,
            listed: false,
            images: Vec::new(),
            video: None,
        });
    }
    let s = state.store.service(id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let addons = super::orders::stored_addons(&s)?.iter().map(|a| format!("{} {}", a.name, a.price.yuan_input())).collect::<Vec<_>>().join("\n");
    Ok(ServiceEditView {
        id: Some(s.id),
        categories,
        category_code: s.category_code,
        name: s.name,
        summary: s.summary,
        content: s.content,
        process_steps: s.process_steps,
        supplies: s.supplies,
        qualifications: s.qualifications,
        unit: unit_of(&s.unit)?,
        price_yuan: format!("{}.{:02}", s.base_price_fen / 100, s.base_price_fen % 100),
        default_units: s.default_units,
        min_units: s.min_units,
        addons,
        proof_photos: s.proof_photos,
        listed: s.status == "listed",
        images: images(&state, s.id).await?,
        video: service_video_url(&state, s.id).await?,
    })
}

fn text(input: &str, field: Field, max_chars: usize, required: bool) -> Result<String, AppError> {
    let value = input.trim().to_string();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, Msg::ErrRequired));
    }
    if value.chars().count() > max_chars {
        return Err(AppError::invalid(field, Msg::ErrTooLong));
    }
    Ok(value)
}

/// One add-on a line, `名称 价格`: at most 8, names unique and at most 12
/// characters (no commas: the booking page joins codes with them), prices
/// from ¥0.01 to ¥10,000. The name is the add-on's code.
fn parse_addons(text: &str) -> Result<Vec<pricing::AddOn>, AppError> {
    let mut addons: Vec<pricing::AddOn> = Vec::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |msg| AppError::InvalidLine { field: Field::AddOns, line: index as u32 + 1, msg };
        let (name, price) = line.trim().rsplit_once(char::is_whitespace).ok_or_else(|| bad(Msg::ErrAddOnLine))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 12 || name.contains([',', '，']) {
            return Err(bad(Msg::ErrAddOnLine));
        }
        let price = Fen::parse_yuan(price).map_err(|_| bad(Msg::ErrAddOnPrice))?;
        if price.get() <= 0 || price.get() > 1_000_000 {
            return Err(bad(Msg::ErrAddOnPrice));
        }
        if addons.iter().any(|a| a.name == name) {
            return Err(bad(Msg::ErrAddOnDuplicate));
        }
        addons.push(pricing::AddOn { code: name.to_string(), name: name.to_string(), price });
    }
    if addons.len() > 8 {
        return Err(AppError::invalid(Field::AddOns, Msg::ErrAddOnTooMany));
    }
    Ok(addons)
}

fn units(input: &str, field: Field) -> Result<i32, AppError> {
    input.trim().parse::<i32>().ok().filter(|n| (1..=MAX_UNITS).contains(n)).ok_or(AppError::invalid(field, Msg::ErrCatalogUnitsRange))
}

#[allow(clippy::too_many_arguments)]
pub async fn save_service(
    id: i64,
    category_code: String,
    name: String,
    summary: String,
    content: String,
    process_steps: String,
    supplies: String,
    qualifications: String,
    unit: String,
    price: String,
    default_units: String,
    min_units: String,
    addons: String,
    proof_photos: bool,
) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    if !state.store.categories().await.map_err(internal)?.iter().any(|c| c.code == category_code) {
        return Err(AppError::invalid(Field::Category, Msg::ErrCategoryUnknown));
    }
    let name = text(&name, Field::ServiceName, 30, true)?;
    if name.chars().count() < 2 {
        return Err(AppError::invalid(Field::ServiceName, Msg::ErrRequired));
    }
    let summary = text(&summary, Field::Summary, 60, true)?;
    let content = text(&content, Field::Content, 2000, true)?;
    let steps: Vec<String> = process_steps.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if steps.is_empty() {
        return Err(AppError::invalid(Field::Steps, Msg::ErrRequired));
    }
    if steps.len() > 12 || steps.iter().any(|s| s.chars().count() > 60) {
        return Err(AppError::invalid(Field::Steps, Msg::ErrTooLong));
    }
    let supplies = text(&supplies, Field::Supplies, 300, false)?;
    let qualifications = text(&qualifications, Field::Qualifications, 300, false)?;
    let unit = Unit::from_db(&unit).ok_or(AppError::invalid(Field::Units, Msg::ErrUnitUnknown))?;
    if price.trim().is_empty() {
        return Err(AppError::invalid(Field::Amount, Msg::ErrAmountEmpty));
    }
    let base_price = Fen::parse_yuan(&price).map_err(|_| AppError::invalid(Field::Amount, Msg::ErrAmount))?;
    if base_price.get() <= 0 {
        return Err(AppError::invalid(Field::Amount, Msg::ErrAmountNotPositive));
    }
    if base_price.get() > MAX_UNIT_PRICE_FEN {
        return Err(AppError::invalid(Field::Amount, Msg::ErrPriceAbsurd));
    }
    let min_units = units(&min_units, Field::MinUnits)?;
    let default_units = units(&default_units, Field::Units)?;
    if default_units < min_units {
        return Err(AppError::invalid(Field::Units, Msg::ErrDefaultBelowMin));
    }
    let addons = parse_addons(&addons)?;
    let service = NewService {
        addons,
        category_code,
        name,
        summary,
        content,
        process_steps: steps,
        supplies,
        qualifications,
        unit,
        base_price,
        default_units,
        min_units,
        sort_order: 100,
        proof_photos,
    };
    let (saved, action, detail) = if id == 0 {
        let new_id = match state.store.insert_service(&service, state.clock.now()).await {
            Ok(new_id) => new_id,
            Err(StoreError::DuplicateName) => return Err(AppError::invalid(Field::ServiceName, Msg::ErrServiceNameTaken)),
            Err(err) => return Err(internal(err)),
        };
        // A new service starts delisted: the admin adds pictures, then lists it.
        state.store.set_service_status(new_id, "delisted").await.map_err(internal)?;
        (new_id, "service_created", format!("{} {}", service.name, base_price))
    } else {
        let before = state.store.service(id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
        match state.store.update_service(id, &service).await {
            Ok(()) => {}
            Err(StoreError::DuplicateName) => return Err(AppError::invalid(Field::ServiceName, Msg::ErrServiceNameTaken)),
            Err(StoreError::NotFound) => return Err(AppError::NotFound),
            Err(err) => return Err(internal(err)),
        }
        let price_change = format!("{} → {}", Fen::new(before.base_price_fen), base_price);
        (id, "service_updated", format!("{}：价格 {price_change}，单位 {} → {}", service.name, before.unit, unit.as_str()))
    };
    let entry = AuditEntry { actor: Some(admin.id), action: action.into(), target: format!("service:{saved}"), detail };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    tracing::info!(service_id = saved, action, "catalog changed");
    Ok(saved)
}

pub async fn set_listed(id: i64, listed: bool) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let service = state.store.service(id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if listed && service.base_price_fen <= 0 {
        return Err(AppError::Refused(Msg::ErrListWithoutPrice));
    }
    let status = if listed { "listed" } else { "delisted" };
    state.store.set_service_status(id, status).await.map_err(internal)?;
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: format!("service_{status}"),
        target: format!("service:{id}"),
        detail: format!("{} {} → {status}", service.name, service.status),
    };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    Ok(())
}

pub async fn image_action(service_id: i64, image_id: i64, action: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let result = match action.as_str() {
        "cover" => state.store.make_cover(service_id, image_id).await.map(|()| None),
        "remove" => state.store.remove_service_image(service_id, image_id).await.map(Some),
        _ => return Err(AppError::Refused(Msg::ErrReviewNotApplicable)),
    };
    let removed = match result {
        Ok(removed) => removed,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(err) => return Err(internal(err)),
    };
    let entry = AuditEntry { actor: Some(admin.id), action: format!("service_image_{action}"), target: format!("service:{service_id}"), detail: format!("image {image_id}") };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    forget_file(&state, removed).await;
    Ok(())
}

/// Checks and stores a service's short video (admins only), in place of
/// the one it had, whose file is then deleted.
pub async fn store_service_video(state: &AppState, user: &User, service_id: i64, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    let failed = |e: String| UploadOutcome::Internal(e);
    if user.role != Role::Admin {
        return Err(UploadOutcome::Forbidden);
    }
    if state.store.service(service_id).await.map_err(|e| failed(e.to_string()))?.is_none() {
        return Err(UploadOutcome::Refused("kind"));
    }
    let key = put_clean_video(state, SERVICE_AREA, bytes).await?;
    let replaced = state.store.set_service_video(service_id, Some(key.as_str())).await.map_err(|e| failed(e.to_string()))?;
    forget_file(state, replaced).await;
    let entry = AuditEntry { actor: Some(user.id), action: "service_video_set".into(), target: format!("service:{service_id}"), detail: key.as_str().into() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(|e| failed(e.to_string()))
}

pub async fn remove_service_video(service_id: i64) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let removed = match state.store.set_service_video(service_id, None).await {
        Ok(Some(key)) => key,
        Ok(None) | Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(err) => return Err(internal(err)),
    };
    let entry = AuditEntry { actor: Some(admin.id), action: "service_video_removed".into(), target: format!("service:{service_id}"), detail: removed.clone() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    forget_file(&state, Some(removed)).await;
    Ok(())
}

/// Deletes a stored file nothing points at any more; a failure only leaves
/// an unreadable file behind, so it is logged, not reported.
async fn forget_file(state: &AppState, key: Option<String>) {
    let Some(key) = key.and_then(|k| StoredKey::parse(&k).ok()) else { return };
    if let Err(err) = state.files.delete(&key).await {
        tracing::warn!(error = %err, "deleting a replaced or removed service file failed");
    }
}

/// Checks, re-encodes and stores a service picture (admins only).
pub async fn store_service_image(state: &AppState, user: &User, service_id: i64, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    if user.role != Role::Admin {
        return Err(UploadOutcome::Forbidden);
    }
    match state.store.service(service_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(UploadOutcome::Refused("kind")),
        Err(e) => return Err(UploadOutcome::Internal(e.to_string())),
    }
    let key = put_clean_image(state, SERVICE_AREA, bytes).await?;
    state.store.add_service_image(service_id, key.as_str(), state.clock.now()).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    let entry = AuditEntry { actor: Some(user.id), action: "service_image_added".into(), target: format!("service:{service_id}"), detail: key.as_str().into() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    Ok(())
}

pub async fn admin_categories() -> Result<Vec<AdminCategoryRow>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    Ok(state
        .store
        .categories()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|c| AdminCategoryRow {
            id: c.id,
            code: c.code,
            name: c.name,
            blurb: c.blurb,
            listed: c.listed,
            listed_services: c.listed_services,
            requires_certificate: c.requires_certificate,
        })
        .collect())
}

/// `pet_care`: lowercase ASCII, digits and `_`, starting with a letter. It
/// is the key workers' skills and dispatch use, so it never changes.
fn category_code(input: &str) -> Result<String, AppError> {
    let code = input.trim();
    let valid = (2..=30).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid { Ok(code.to_string()) } else { Err(AppError::invalid(Field::CategoryCode, Msg::ErrCategoryCode)) }
}

pub async fn save_category(id: i64, code: String, name: String, blurb: String) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 10 {
        return Err(AppError::invalid(Field::CategoryName, Msg::ErrCategoryName));
    }
    let blurb = blurb.trim().to_string();
    if blurb.chars().count() > 40 {
        return Err(AppError::invalid(Field::Blurb, Msg::ErrBlurbTooLong));
    }
    let taken = |e: StoreError| match e {
        StoreError::DuplicateName => AppError::invalid(Field::CategoryName, Msg::ErrCategoryTaken),
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    };
    let (saved, action) = if id == 0 {
        let code = category_code(&code)?;
        (state.store.create_category(&code, &name, &blurb).await.map_err(taken)?, "category_created")
    } else {
        state.store.update_category(id, &name, &blurb).await.map_err(taken)?;
        (id, "category_updated")
    };
    let entry = AuditEntry { actor: Some(admin.id), action: action.into(), target: format!("category:{saved}"), detail: format!("{name}：{blurb}") };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    Ok(saved)
}

pub async fn set_category_listed(id: i64, listed: bool) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    state.store.set_category_listed(id, listed).await.map_err(|e| match e {
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    })?;
    let action = if listed { "category_listed" } else { "category_delisted" };
    let entry = AuditEntry { actor: Some(admin.id), action: action.into(), target: format!("category:{id}"), detail: String::new() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)
}

pub async fn set_category_certificate(id: i64, required: bool) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    state.store.set_category_certificate(id, required).await.map_err(|e| match e {
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    })?;
    let action = if required { "category_certificate_required" } else { "category_certificate_waived" };
    let entry = AuditEntry { actor: Some(admin.id), action: action.into(), target: format!("category:{id}"), detail: String::new() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)
}

#[cfg(test)]
mod category_tests {
    use super::*;

    #[test]
    fn add_ons_are_name_and_price_lines_named_by_line_when_wrong() {
        let parsed = parse_addons("冰箱内部清洁 30\n\n擦窗 25.5").unwrap();
        assert_eq!(parsed.iter().map(|a| (a.code.as_str(), a.price.get())).collect::<Vec<_>>(), vec![("冰箱内部清洁", 3_000), ("擦窗", 2_550)]);
        assert_eq!(parse_addons("擦窗 -5").unwrap_err(), AppError::InvalidLine { field: Field::AddOns, line: 1, msg: Msg::ErrAddOnPrice });
        assert_eq!(parse_addons("擦窗 5\n擦窗 6").unwrap_err(), AppError::InvalidLine { field: Field::AddOns, line: 2, msg: Msg::ErrAddOnDuplicate });
        assert_eq!(parse_addons("擦窗").unwrap_err(), AppError::InvalidLine { field: Field::AddOns, line: 1, msg: Msg::ErrAddOnLine });
        assert!(parse_addons("").unwrap().is_empty());
    }

    #[test]
    fn category_codes_are_lowercase_ascii_keys() {
        assert_eq!(category_code(" pet_care ").unwrap(), "pet_care");
        assert!(category_code("Pet").is_err());
        assert!(category_code("宠物").is_err());
        assert!(category_code("9lives").is_err());
        assert!(category_code("a").is_err());
    }
}
