//! 消息 for workers: what staff or customers changed about their work —
//! an order cancelled, handed to someone else or assigned to them, a
//! withdrawal decided, an appeal answered, a warning, their application or
//! a certificate reviewed — kept as 站内消息 beside the texts they were
//! sent, with how many they have not read yet.
//!
//! Every message is left after the change is stored: a failure to leave one
//! is logged and the change stands.

use super::authz::require_user;
use super::flows::unix;
use super::{app_state, internal, AppState};
use crate::api::inbox::{MessageAbout, InboxView, WorkerMessageView};
use crate::api::{format_beijing, CUSTOMER_OR_WORKER, WORKER};
use crate::error::AppError;
use booking::{Actor, EventKind};
use store::OrderRecord;

/// How many messages 消息 lists, newest first.
const INBOX_LIMIT: i64 = 100;

const ORDER_CANCELLED: &str = "order_cancelled";
const ORDER_REASSIGNED: &str = "order_reassigned";
const ORDER_NO_SHOW: &str = "order_no_show";
const ORDER_ASSIGNED: &str = "order_assigned";
pub const WITHDRAWAL: &str = "withdrawal";
pub const APPEAL: &str = "appeal";
pub const WARNING: &str = "warning";
pub const SUSPENSION: &str = "suspension";
pub const APPLICATION: &str = "application";

/// Where a message's 查看 link goes, from its kind (an order message's
/// kind carries the time it was left, after a colon).
fn about(kind: &str) -> MessageAbout {
    match kind.split(':').next().unwrap_or_default() {
        ORDER_ASSIGNED | ORDER_REASSIGNED | "moved" => MessageAbout::Work,
        ORDER_NO_SHOW | APPEAL | WARNING | SUSPENSION => MessageAbout::Appeals,
        WITHDRAWAL => MessageAbout::Withdrawals,
        APPLICATION => MessageAbout::Application,
        super::placement::PLACEMENT_MESSAGE => MessageAbout::Interviews,
        _ => MessageAbout::Nothing,
    }
}

pub async fn my_inbox() -> Result<InboxView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let unread = state.store.unread_messages(user.id.0, None).await.map_err(internal)?;
    let messages = state.store.messages(user.id.0, INBOX_LIMIT).await.map_err(internal)?;
    Ok(InboxView {
        messages: messages
            .into_iter()
            .enumerate()
            .map(|(k, m)| WorkerMessageView {
                id: m.id,
                // The texts carry the 【到家】 signature; inside the app it goes without saying.
                body: m.body.trim_start_matches(crate::i18n::t(crate::i18n::Msg::SmsSignature)).to_string(),
                by_text: m.channel == "sms",
                about: about(&m.kind),
                at: unix(m.created_at),
                unread: (k as i64) < unread,
            })
            .collect(),
        unread,
    })
}

/// A customer's new 站内消息 (their texts they have read on their phone),
/// or a worker's new messages and texts.
pub async fn my_unread() -> Result<i64, AppError> {
    let user = require_user(CUSTOMER_OR_WORKER)?;
    let channel = (user.role == domain::Role::Customer).then_some("in_app");
    app_state()?.store.unread_messages(user.id.0, channel).await.map_err(internal)
}

pub async fn mark_read(up_to: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER_OR_WORKER)?;
    let state = app_state()?;
    state.store.mark_messages_read(user.id.0, up_to, state.clock.now()).await.map_err(internal)
}

/// Leaves a worker a message about no order, and tells their open pages.
pub async fn tell_worker(state: &AppState, worker_id: i64, kind: &str, body: &str) {
    if let Err(err) = state.store.post_message(worker_id, kind, body, state.clock.now()).await {
        tracing::error!(worker_id, kind, error = %err, "worker message failed");
    }
}

/// Leaves a worker a message about `order`, once per `kind`, and tells
/// their open pages.
async fn tell_worker_about(state: &AppState, worker_id: i64, order: &OrderRecord, kind: &str, body: &str) {
    let result = async {
        let sent = state.store.send_reminder(worker_id, order.id, kind, body, &["in_app"], state.clock.now()).await?;
        if !sent.is_empty() {
            state.store.notify_users(&[worker_id], "message", Some(order.id), state.clock.now()).await?;
        }
        Ok::<_, store::StoreError>(())
    };
    if let Err(err) = result.await {
        tracing::error!(worker_id, order_id = order.id, kind, error = %err, "worker message failed");
    }
}

/// After an order change is stored: tells the worker who held the order
/// when someone else cancelled it or handed it on (saying when it was their
/// no-show), and a worker staff assigned it to.
pub async fn order_changed(state: &AppState, order: &OrderRecord, actor: Actor, kind: EventKind, next_worker: Option<i64>, no_show: bool) {
    let when = format_beijing(unix(order.starts_at));
    let stamp = unix(state.clock.now());
    let held_by = order.worker_id.filter(|&w| actor != Actor::Worker(w));
    match (kind, held_by) {
        (EventKind::Cancel, Some(worker_id)) => {
            let by = if matches!(actor, Actor::Customer(_)) { "客户" } else { "客服" };
            let body = format!("{by}取消了订单：{}，{when}，{}。这段时间已空出。", order.service_name, order.address_text);
            tell_worker_about(state, worker_id, order, ORDER_CANCELLED, &body).await;
        }
        (EventKind::Assign, Some(worker_id)) if next_worker != Some(worker_id) => {
            let (kind, body) = if no_show {
                (ORDER_NO_SHOW, format!("订单{}（{when}）开始后你仍未出发，已改派给其他服务人员，按爽约处理；如有异议可以申诉。", order.service_name))
            } else {
                (ORDER_REASSIGNED, format!("客服已把订单{}（{when}）改派给其他服务人员，你不必再前往。", order.service_name))
            };
            tell_worker_about(state, worker_id, order, &format!("{kind}:{stamp}"), &body).await;
        }
        _ => {}
    }
    if let (EventKind::Assign, Actor::Admin(_), Some(worker_id)) = (kind, actor, next_worker) {
        if order.worker_id != Some(worker_id) {
            let body = format!("客服为你指派了订单：{}，{when}，{}。请在工作台查看。", order.service_name, order.address_text);
            tell_worker_about(state, worker_id, order, &format!("{ORDER_ASSIGNED}:{stamp}"), &body).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_links_to_the_page_its_kind_is_about() {
        assert_eq!(about("order_assigned:1765000000"), MessageAbout::Work);
        assert_eq!(about("moved:1765000000"), MessageAbout::Work);
        assert_eq!(about("order_no_show:1765000000"), MessageAbout::Appeals);
        assert_eq!(about(WITHDRAWAL), MessageAbout::Withdrawals);
        assert_eq!(about(super::super::placement::PLACEMENT_MESSAGE), MessageAbout::Interviews);
        assert_eq!(about(ORDER_CANCELLED), MessageAbout::Nothing);
    }
}
