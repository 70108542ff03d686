//! 消息: for workers, what staff or customers changed about their work —
//! an order cancelled, handed to someone else or assigned to them, a
//! withdrawal decided, an appeal answered, a warning, their application or
//! a certificate reviewed — kept as 站内消息 beside the texts they were
//! sent; for customers, how their order goes — taken, left to staff to
//! arrange, on the way, handed to another worker, cancelled by staff,
//! refunded — on the channels they chose
//! (C11); and for both how many they have not read yet.
//!
//! Every message is left after the change is stored: a failure to leave one
//! is logged and the change stands.

use super::authz::{require, require_user};
use super::flows::unix;
use super::{app_state, internal, AppState};
use crate::api::inbox::{InboxView, MessageAbout, WorkerMessageView};
use crate::api::{format_beijing, Access, CUSTOMER_OR_WORKER, WORKER};
use crate::error::AppError;
use booking::{Actor, EventKind};
use domain::Fen;
use store::OrderRecord;

/// How many messages 消息 lists, newest first.
const INBOX_LIMIT: i64 = 100;

const ORDER_CANCELLED: &str = "order_cancelled";
const ORDER_REASSIGNED: &str = "order_reassigned";
const ORDER_NO_SHOW: &str = "order_no_show";
const ORDER_ASSIGNED: &str = "order_assigned";
const ORDER_REVIEWED: &str = "order_reviewed";
pub const WITHDRAWAL: &str = "withdrawal";
/// Money paid into the worker's earnings outside an order's completion.
pub const EARNING: &str = "earning";
pub const APPEAL: &str = "appeal";
pub const WARNING: &str = "warning";
pub const SUSPENSION: &str = "suspension";
pub const APPLICATION: &str = "application";

/// A text as the app shows it: the 【到家】 signature says who a text is
/// from; inside the app it goes without saying.
pub fn in_app_text(text: &str) -> &str {
    text.trim_start_matches(crate::i18n::t(crate::i18n::Msg::SmsSignature))
}

/// Someone's text set inside a message's sentence, without its own full
/// stop (so a reason that ends with one does not end with two).
pub fn clause(text: &str) -> &str {
    text.trim_end_matches(['。', '.', '！', '!'])
}

/// What a contract staff ended early settled (B8): the days she served and
/// what they earned, of which its months had paid `months_paid` and the
/// cancel `settled`; the family gets `refund` back.
#[derive(Debug, Clone, Copy)]
pub struct ContractEnded {
    pub days: i64,
    pub earned: Fen,
    pub months_paid: Fen,
    pub settled: Fen,
    pub refund: Fen,
}

impl ContractEnded {
    fn months_paid_clause(&self) -> String {
        match self.months_paid > Fen::ZERO {
            true => format!("（其中{}已按月结算）", self.months_paid),
            false => String::new(),
        }
    }
}

/// Where a message's 查看 link goes, from its kind (an order message's
/// kind carries the time it was left, after a colon).
fn about(kind: &str) -> MessageAbout {
    match kind.split(':').next().unwrap_or_default() {
        ORDER_ASSIGNED | ORDER_REASSIGNED | super::reminders::MOVED => MessageAbout::Work,
        ORDER_NO_SHOW | APPEAL | WARNING | SUSPENSION => MessageAbout::Appeals,
        ORDER_REVIEWED => MessageAbout::Assessment,
        WITHDRAWAL => MessageAbout::Withdrawals,
        EARNING => MessageAbout::Earnings,
        APPLICATION => MessageAbout::Application,
        super::placement::PLACEMENT_MESSAGE => MessageAbout::Interviews,
        _ => MessageAbout::Nothing,
    }
}

pub async fn my_inbox() -> Result<InboxView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let unread = state.store.unread_messages(user.id.0, None).await.map_err(internal)?;
    let read_up_to = state.store.messages_read_up_to(user.id.0).await.map_err(internal)?;
    let messages = state.store.messages(user.id.0, INBOX_LIMIT).await.map_err(internal)?;
    Ok(InboxView {
        messages: messages
            .into_iter()
            .map(|m| WorkerMessageView {
                id: m.id,
                body: in_app_text(&m.body).to_string(),
                by_text: m.channel == "sms",
                about: about(&m.kind),
                at: unix(m.created_at),
            })
            .collect(),
        unread,
        read_up_to,
    })
}

/// A customer's new 站内消息 (a text is read on the phone, so texts do not
/// count), or a worker's new messages and texts. The tab bar asks on every
/// phone page, browsing ones included: a visitor (or staff) has none.
pub async fn my_unread() -> Result<i64, AppError> {
    let Some(user) = require(Access::Public)?.filter(|u| CUSTOMER_OR_WORKER.admits(Some(u.role))) else { return Ok(0) };
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
    if let Err(err) = super::reminders::tell(state, worker_id, order, kind, body, &["in_app"]).await {
        tracing::error!(worker_id, order_id = order.id, kind, ?err, "worker message failed");
    }
}

/// Tells the customer about their order on the channels they chose, once
/// per `kind`; `texted` messages go by text too when they chose texts, the
/// others only in the app.
async fn tell_customer(state: &AppState, order: &OrderRecord, kind: &str, body: &str, texted: bool) {
    let result = async {
        let prefs = state.store.reminder_prefs(order.customer_id).await.map_err(internal)?;
        let channels: Vec<&str> = prefs.channels().into_iter().filter(|&c| texted || c == "in_app").collect();
        super::reminders::tell(state, order.customer_id, order, kind, body, &channels).await
    };
    if let Err(err) = result.await {
        tracing::error!(order_id = order.id, kind, ?err, "customer message failed");
    }
}

/// Who a customer is told comes when the worker's name cannot be read.
const SOME_WORKER: &str = "服务人员";

async fn display_name(state: &AppState, user_id: i64) -> String {
    match state.store.user(store::UserId(user_id)).await {
        Ok(Some(user)) => user.display_name,
        _ => SOME_WORKER.into(),
    }
}

/// A worker took the customer's order (an offer accepted or a grab won).
pub async fn order_taken(state: &AppState, order: &OrderRecord, worker_id: i64) {
    let name = display_name(state, worker_id).await;
    let body = format!("{name}已接单，将于{}上门为你服务（{}）。", format_beijing(unix(order.starts_at)), order.service_name);
    tell_customer(state, order, &format!("taken:{worker_id}"), &body, false).await;
}

/// Nobody took the customer's order and staff now arrange it by hand: the
/// customer knows why it is still 待接单 and that they will hear.
pub async fn order_escalated(state: &AppState, order: &OrderRecord) {
    let body = format!(
        "订单{}（{}）暂时没有服务人员接单，客服正在为你人工安排，安排好后会通知你。",
        order.service_name,
        format_beijing(unix(order.starts_at))
    );
    tell_customer(state, order, "escalated", &body, false).await;
}

/// The customer rated the worker's service: the worker reads the stars,
/// which count in their assessment (B7).
pub async fn order_reviewed(state: &AppState, order: &OrderRecord, worker_id: i64, (quality, attitude, result): (i32, i32, i32)) {
    let body = format!(
        "客户评价了你服务的订单{}（{}）：质量{quality}星、态度{attitude}星、效果{result}星。",
        order.service_name,
        format_beijing(unix(order.starts_at))
    );
    tell_worker_about(state, worker_id, order, ORDER_REVIEWED, &body).await;
}

/// The customer's refund `refund_id` reached them (an order can have two:
/// the difference of a move to a cheaper time, then a cancellation's).
pub async fn refund_settled(state: &AppState, refund_id: i64, settled: store::SettledRefund) {
    match state.store.order(settled.order_id).await {
        Ok(Some(order)) if settled.amount_fen > 0 => {
            let body = format!("订单{}的退款 {} 已原路退回，请留意到账。", order.service_name, domain::Fen::new(settled.amount_fen));
            tell_customer(state, &order, &format!("refunded:{refund_id}"), &body, false).await;
        }
        Ok(_) => {}
        Err(err) => tracing::error!(order_id = settled.order_id, error = %err, "refund message failed"),
    }
}

/// After an order change is stored: tells the worker who held the order
/// when someone else cancelled it or handed it on (saying when it was their
/// no-show), and a worker staff assigned it to; tells the customer when
/// their worker set off, when staff gave the order to a worker and when
/// staff cancelled it (`note`: the event's note, with staff's reason); for
/// a contract staff ended early, both hear what it settled (`ended`).
#[allow(clippy::too_many_arguments)]
pub async fn order_changed(
    state: &AppState,
    order: &OrderRecord,
    actor: Actor,
    kind: EventKind,
    next_worker: Option<i64>,
    no_show: bool,
    note: &str,
    ended: Option<ContractEnded>,
) {
    customer_told(state, order, actor, kind, next_worker, note, ended).await;
    let when = format_beijing(unix(order.starts_at));
    let stamp = unix(state.clock.now());
    let held_by = order.worker_id.filter(|&w| actor != Actor::Worker(w));
    match (kind, held_by, ended) {
        (EventKind::Cancel, Some(worker_id), Some(ended)) => {
            let settled = match (ended.settled > Fen::ZERO, ended.months_paid > Fen::ZERO) {
                (true, true) => format!("，其余{}已结算，扣除平台服务费后计入你的收入。", ended.settled),
                (true, false) => "，已结算，扣除平台服务费后计入你的收入。".to_string(),
                (false, _) => "，已全部结算。".to_string(),
            };
            let body = format!(
                "客服提前结束了合同：{}，{when}起，{}。你已服务{}天，按合同应得{}{}{settled}",
                order.service_name,
                order.address_text,
                ended.days,
                ended.earned,
                ended.months_paid_clause()
            );
            tell_worker_about(state, worker_id, order, &format!("{EARNING}:{stamp}"), &body).await;
        }
        (EventKind::Cancel, Some(worker_id), None) => {
            let by = if matches!(actor, Actor::Customer(_)) { "客户" } else { "客服" };
            let body = format!("{by}取消了订单：{}，{when}，{}。这段时间已空出。", order.service_name, order.address_text);
            tell_worker_about(state, worker_id, order, ORDER_CANCELLED, &body).await;
        }
        (EventKind::Assign, Some(worker_id), _) if next_worker != Some(worker_id) => {
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

async fn customer_told(state: &AppState, order: &OrderRecord, actor: Actor, kind: EventKind, next_worker: Option<i64>, note: &str, ended: Option<ContractEnded>) {
    let when = format_beijing(unix(order.starts_at));
    match (kind, actor, next_worker) {
        (EventKind::Depart, _, Some(_)) => {
            let name = order.worker_name.as_deref().unwrap_or(SOME_WORKER);
            let body = format!("{name}已出发，正在前往{}（{}）。", order.address_text, order.service_name);
            tell_customer(state, order, "departed", &body, false).await;
        }
        (EventKind::Assign, Actor::Admin(_), Some(worker_id)) if order.worker_id != Some(worker_id) => {
            let name = display_name(state, worker_id).await;
            let body = match order.worker_id {
                Some(_) => format!("你的订单{}（{when}）已由客服改派，改由{name}上门服务。", order.service_name),
                None => format!("客服已安排{name}为你服务，将于{when}上门（{}）。", order.service_name),
            };
            tell_customer(state, order, &format!("taken:{worker_id}"), &body, false).await;
        }
        (EventKind::Cancel, Actor::Admin(_), _) => {
            let refund = match (order.paid_fen > 0, ended) {
                (false, _) => String::new(),
                (true, None) => "已付的款项会全额原路退回。".to_string(),
                (true, Some(ended)) => {
                    let rest = match ended.refund > Fen::ZERO {
                        true => format!("，其余{}会原路退回。", ended.refund),
                        false => "，已付的款项已全部结算。".to_string(),
                    };
                    format!("合同提前结束：阿姨已服务{}天，按合同结算{}{}{rest}", ended.days, ended.earned, ended.months_paid_clause())
                }
            };
            let body = format!("你的订单{}（{when}）已由客服取消（{}）。{refund}", order.service_name, clause(note));
            tell_customer(state, order, "cancelled_by_staff", &body, true).await;
        }
        _ => {}
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
        assert_eq!(about(ORDER_REVIEWED), MessageAbout::Assessment);
        assert_eq!(about(super::super::placement::PLACEMENT_MESSAGE), MessageAbout::Interviews);
        assert_eq!(about(ORDER_CANCELLED), MessageAbout::Nothing);
    }

    #[test]
    fn a_reason_set_in_a_message_loses_its_own_full_stop() {
        assert_eq!(clause("客户改约。"), "客户改约");
        assert_eq!(clause("客户改约"), "客户改约");
    }
}
