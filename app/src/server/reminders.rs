//! Reminders (C11): the channels a customer chose, and the reminders sent
//! through them: the day before and an hour before the start. SMS goes through the app's `SmsSender`
//! (and is kept in 消息 too, with its channel); in-app lands in 消息.

use super::authz::require_user;
use super::flows::{order_state, unix};
use super::{app_state, internal, AppState};
use crate::api::account::{MessageView, RemindersView};
use crate::api::{format_beijing, CUSTOMER};
use crate::error::AppError;
use booking::OrderState;
use store::ReminderPrefs;

pub async fn my_reminders() -> Result<RemindersView, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let prefs = state.store.reminder_prefs(user.id.0).await.map_err(internal)?;
    let messages = state.store.messages(user.id.0, 50).await.map_err(internal)?;
    let unread = state.store.unread_messages(user.id.0, Some("in_app")).await.map_err(internal)?;
    let read_up_to = state.store.messages_read_up_to(user.id.0).await.map_err(internal)?;
    Ok(RemindersView {
        sms: prefs.sms,
        in_app: prefs.in_app,
        messages: messages
            .into_iter()
            .filter(|m| m.channel == "in_app")
            .map(|m| MessageView {
                id: m.id,
                about_placement: m.kind == super::placement::PLACEMENT_MESSAGE,
                body: m.body,
                order_id: m.order_id,
                at: unix(m.created_at),
            })
            .collect(),
        unread,
        read_up_to,
    })
}

pub async fn save_prefs(sms: bool, in_app: bool) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    state.store.set_reminder_prefs(user.id.0, ReminderPrefs { sms, in_app }, state.clock.now()).await.map_err(internal)
}

/// Which reminder of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// Due a day before the start (not made for orders booked later than that).
    DayBefore,
    /// Due an hour before the start.
    StartSoon,
}

/// A day-before reminder that comes this late would arrive after, or just
/// before, the hour-before one: it is dropped.
const DAY_BEFORE_LATEST_SECS: i64 = 12 * 3600;

/// Sends `which` reminder of an order on each channel its customer chose,
/// once per start time: a retried job sends nothing new. Nothing is sent for an order no
/// longer on its way.
pub async fn remind(state: &AppState, order_id: i64, which: Reminder) -> Result<(), AppError> {
    let Some(order) = state.store.order(order_id).await.map_err(internal)? else { return Ok(()) };
    if !matches!(order_state(&order)?, OrderState::Booked | OrderState::Accepted | OrderState::Departed) {
        return Ok(());
    }
    if which == Reminder::DayBefore && unix(order.starts_at) - unix(state.clock.now()) < DAY_BEFORE_LATEST_SECS {
        return Ok(());
    }
    let who = order.worker_name.as_deref().map(|n| format!("服务人员{n}将准时上门")).unwrap_or_else(|| "服务人员正在安排中".into());
    let (kind, opening) = match which {
        Reminder::DayBefore => ("day_before", "【到家】明日服务提醒："),
        Reminder::StartSoon => ("start_soon", "【到家】"),
    };
    let body = format!("{opening}您预约的{}将于{}开始，{}。", order.service_name, format_beijing(unix(order.starts_at)), who);
    // Once per start time: an order moved by 改期 is reminded of its new time.
    let prefs = state.store.reminder_prefs(order.customer_id).await.map_err(internal)?;
    let sent = tell(state, order.customer_id, &order, &format!("{kind}:{}", unix(order.starts_at)), &body, &prefs.channels()).await?;
    tracing::info!(order_id, ?which, ?sent, "reminder sent");
    Ok(())
}

/// The kind of a message about an order moved (with the new start after a colon).
pub const MOVED: &str = "moved";

/// Tells who a move concerns, once per new start: the worker who accepted
/// the order always, by text, with what the order now pays them (their day
/// changed under them, and a move to a cheaper time pays less); the customer
/// when 客服 made the move (`reason` is what the admin wrote; empty for a
/// move the customer made themselves), on the channels they chose.
pub async fn tell_moved(state: &AppState, order_id: i64, reason: &str) -> Result<(), AppError> {
    let Some(order) = state.store.order(order_id).await.map_err(internal)? else { return Ok(()) };
    if !matches!(order_state(&order)?, OrderState::Booked | OrderState::Accepted) {
        return Ok(());
    }
    let (kind, when) = (format!("{MOVED}:{}", unix(order.starts_at)), format_beijing(unix(order.starts_at)));
    if let Some(worker_id) = order.worker_id {
        let pay = domain::Fen::new(super::work::earnings(state, &order)?);
        let body = format!("【到家】您已接的订单（{}，{}）服务时间已改为{when}，本单收入{pay}，请留意行程。", order.service_name, order.address_text);
        let sent = tell(state, worker_id, &order, &kind, &body, &["sms"]).await?;
        tracing::info!(order_id, ?sent, "worker told of a move");
    }
    if !reason.is_empty() {
        let body = format!("【到家】您预约的{}已由客服改到{when}，服务人员不变。原因：{reason}", order.service_name);
        let prefs = state.store.reminder_prefs(order.customer_id).await.map_err(internal)?;
        let sent = tell(state, order.customer_id, &order, &kind, &body, &prefs.channels()).await?;
        tracing::info!(order_id, ?sent, "customer told of a move");
    }
    Ok(())
}

/// Sends `body` about `order` to a user on `channels`, once per `kind`: a
/// retried job sends nothing new. Returns the channels it went out on this time.
pub(super) async fn tell(state: &AppState, user_id: i64, order: &store::OrderRecord, kind: &str, body: &str, channels: &[&str]) -> Result<Vec<String>, AppError> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let sent = state.store.send_reminder(user_id, order.id, kind, body, channels, state.clock.now()).await.map_err(internal)?;
    if sent.iter().any(|c| c == "in_app") {
        state.store.notify_users(&[user_id], "message", Some(order.id), state.clock.now()).await.map_err(internal)?;
    }
    if sent.iter().any(|c| c == "sms") {
        let user = state.store.user(store::UserId(user_id)).await.map_err(internal)?.ok_or_else(|| internal("message to a user who is gone"))?;
        // Recorded as sent either way: a retried job must not text twice, so a gateway failure is logged, not retried.
        if let Err(reason) = state.sms.send(&user.phone, body).await {
            tracing::error!(order_id = order.id, to = %user.phone.masked(), %reason, "texting failed");
        }
    }
    Ok(sent)
}
