//! Order pieces every role shows the same way: state badge with its fixed
//! colour and icon, the timeline, the quote breakdown and money.

use crate::api::format_beijing;
use crate::api::orders::{OrderView, TimelineEntry};
use crate::i18n::{t, tf, Msg};
use booking::OrderState;
use domain::Fen;
use leptos::prelude::*;
use pricing::{LineKind, Quote};

pub fn state_msg(state: OrderState) -> Msg {
    match state {
        OrderState::PendingPayment => Msg::StatePendingPayment,
        OrderState::Booked => Msg::StateBooked,
        OrderState::Accepted => Msg::StateAccepted,
        OrderState::Departed => Msg::StateDeparted,
        OrderState::Arrived => Msg::StateArrived,
        OrderState::InService => Msg::StateInService,
        OrderState::Completed => Msg::StateCompleted,
        OrderState::Cancelled => Msg::StateCancelled,
        OrderState::Refunding => Msg::StateRefunding,
        OrderState::Refunded => Msg::StateRefunded,
    }
}

pub fn state_icon(state: OrderState) -> &'static str {
    match state {
        OrderState::PendingPayment => "¥",
        OrderState::Booked => "⏳",
        OrderState::Accepted => "✓",
        OrderState::Departed => "➜",
        OrderState::Arrived => "⌂",
        OrderState::InService => "✦",
        OrderState::Completed => "★",
        OrderState::Cancelled => "✕",
        OrderState::Refunding => "↺",
        OrderState::Refunded => "↺",
    }
}

pub fn money(fen: i64) -> String {
    Fen::new(fen).to_string()
}

/// Basis points as a percentage: 2000 → `20%`, 2550 → `25.5%`.
pub fn percent_of_bps(bps: u32) -> String {
    let whole = bps / 100;
    match bps % 100 {
        0 => format!("{whole}%"),
        part if part % 10 == 0 => format!("{whole}.{}%", part / 10),
        part => format!("{whole}.{part:02}%"),
    }
}

/// A span before the start in the largest unit it fills exactly: `2小时`,
/// `30分钟`, `1天`; anything else in whole minutes, rounded up.
pub fn duration_zh(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 => tf(Msg::DurationDays, &[&(s / 86_400)]),
        s if s % 3600 == 0 => tf(Msg::DurationHours, &[&(s / 3600)]),
        s => tf(Msg::DurationMinutes, &[&((s + 59) / 60)]),
    }
}

/// The cancellation rule in one sentence, for the booking page.
pub fn cancel_rules_sentence(tiers: &[booking::FeeTier]) -> String {
    let mut parts = Vec::new();
    match tiers.first() {
        None => parts.push(t(Msg::CancelRuleAlwaysFree).to_string()),
        Some(first) => {
            parts.push(tf(Msg::CancelRuleFreeBefore, &[&duration_zh(first.within_secs)]));
            parts.extend(tiers.iter().map(|tier| tf(Msg::CancelRuleFeeWithin, &[&duration_zh(tier.within_secs), &percent_of_bps(tier.fee_bps)])));
            parts.push(t(Msg::CancelRuleNotAfterArrival).to_string());
        }
    }
    format!("{}：{}。", t(Msg::CancelRulesHeading), parts.join("；"))
}

/// The late-arrival and no-show rule in one sentence, for the worker's
/// rules and the admin's preview.
pub fn late_rules_sentence(tiers: &[booking::LateTier], no_show: Option<domain::Fen>) -> String {
    let parts = if tiers.is_empty() {
        t(Msg::LateRuleNone).to_string()
    } else {
        tiers.iter().map(|tier| tf(Msg::LateRuleTier, &[&duration_zh(tier.after_secs), &tier.penalty])).collect::<Vec<_>>().join("，")
    };
    let no_show = match no_show {
        Some(penalty) => tf(Msg::NoShowRule, &[&penalty]),
        None => t(Msg::NoShowRuleNone).to_string(),
    };
    format!("{}；{no_show}", tf(Msg::LateRuleSentence, &[&parts]))
}

/// The late tiers and the no-show line as an admin edits them
/// (`15分钟 ¥20.00`, `爽约 ¥100.00`), in the form
/// `booking::LatenessPolicy::parse_lines` reads back.
pub fn late_tier_lines(tiers: &[booking::LateTier], no_show: Option<domain::Fen>) -> String {
    tiers
        .iter()
        .map(|tier| format!("{} {}", duration_zh(tier.after_secs), tier.penalty))
        .chain(no_show.map(|penalty| format!("{} {penalty}", booking::NO_SHOW_WORD)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The tiers as an admin edits them, one per line (`2小时 20%`), in the
/// form `booking::CancellationPolicy::parse_lines` reads back.
pub fn tier_lines(tiers: &[booking::FeeTier]) -> String {
    tiers.iter().map(|tier| format!("{} {}", duration_zh(tier.within_secs), percent_of_bps(tier.fee_bps))).collect::<Vec<_>>().join("\n")
}

/// `11-26 09:00–11:00` in Beijing time; `12-01 09:00–12-26 17:00` when it
/// ends on a later day (a nanny's contract).
pub fn appointment(start: i64, end: i64) -> String {
    let start_text = format_beijing(start);
    let end_text = format_beijing(end);
    let same_day = start_text.get(..10) == end_text.get(..10);
    format!("{}–{}", &start_text[5..], end_text.get(if same_day { 11 } else { 5 }..).unwrap_or(""))
}

#[component]
pub fn StateBadge(state: OrderState) -> impl IntoView {
    view! {
        <span class=format!("state-badge state-{}", state.as_str()) data-state=state.as_str()>
            <span aria-hidden="true">{state_icon(state)}</span>
            {t(state_msg(state))}
        </span>
    }
}

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="timeline" aria-label=t(Msg::TimelineHeading)>
            {entries
                .into_iter()
                .rev()
                .map(|e| {
                    view! {
                        <li class=format!("timeline-item state-{}", e.state.as_str())>
                            <span class="timeline-icon" aria-hidden="true">{state_icon(e.state)}</span>
                            <div class="timeline-body">
                                <p class="timeline-title">{t(if e.kind == booking::RESCHEDULE_EVENT { Msg::Rescheduled } else { state_msg(e.state) })}</p>
                                <p class="timeline-meta">
                                    {format_beijing(e.at)}" · "{e.actor}
                                    {(!e.detail.is_empty()).then(|| format!(" · {}", e.detail))}
                                </p>
                                {e.position.map(|(lat, lng)| view! {
                                    <p class="timeline-meta">{t(Msg::PositionRecorded)}" "{lat}", "{lng}</p>
                                })}
                                {e.arrival_metres.map(|metres| view! {
                                    <p class="timeline-meta" data-arrival-metres=metres>
                                        {tf(Msg::ArrivalDistance, &[&metres])}
                                        {(!booking::arrived_at_the_address(metres)).then(|| view! {
                                            " "<span class="tag tag-warning" data-arrival-far>{tf(Msg::ArrivalFar, &[&booking::ARRIVAL_RADIUS_M])}</span>
                                        })}
                                    </p>
                                })}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

#[component]
pub fn QuoteLines(quote: Quote) -> impl IntoView {
    view! {
        <div class="quote" aria-label=t(Msg::QuoteHeading)>
            {quote
                .lines
                .into_iter()
                .map(|line| {
                    let (kind, counted) = match line.kind {
                        LineKind::Base => ("base", true),
                        LineKind::AddOn => ("addon", true),
                        LineKind::TimeSurcharge => ("time", false),
                        LineKind::Distance => ("distance", line.quantity > 1),
                        LineKind::SeriesDiscount => ("package", false),
                        LineKind::Coupon => ("coupon", false),
                    };
                    let discount = matches!(line.kind, LineKind::Coupon | LineKind::SeriesDiscount);
                    let label = if counted { format!("{} × {}", line.label, line.quantity) } else { line.label.clone() };
                    view! {
                        <div class="quote-line" class:quote-discount=discount data-kind=kind>
                            <span>{label}</span>
                            <span class="num" data-amount=line.amount.get()>{line.amount.to_string()}</span>
                        </div>
                    }
                })
                .collect_view()}
            <div class="quote-line quote-total">
                <span>{t(Msg::Total)}</span>
                <span class="price" data-total=quote.total.get()>{quote.total.to_string()}</span>
            </div>
        </div>
    }
}

/// The summary cells shared by the customer's, worker's and admin's order pages.
#[component]
pub fn OrderFacts(order: OrderView) -> impl IntoView {
    let card = order.card.clone();
    view! {
        <div class="cells">
            <div class="cell"><span>{t(Msg::OrderNo)}</span><span class="cell-value num">{card.order_no}</span></div>
            <div class="cell"><span>{t(Msg::ServiceTime)}</span><span class="cell-value">{appointment(card.starts_at, card.ends_at)}</span></div>
            <div class="cell cell-multiline"><span>{t(Msg::ServiceAddress)}</span><span class="cell-value">{card.address_text}</span></div>
            <div class="cell"><span>{t(Msg::ContactPhone)}</span><span class="cell-value num">{order.contact_phone.clone()}</span></div>
            {card.worker_name.map(|name| view! {
                <div class="cell"><span>{t(Msg::WorkerLabel)}</span>
                    <span class="cell-value">{name}{order.worker_phone.clone().map(|p| format!(" {p}"))}</span></div>
            })}
            {(!order.notes.is_empty()).then(|| view! {
                <div class="cell cell-multiline"><span>{t(Msg::NotesLabel)}</span><span class="cell-value">{order.notes.clone()}</span></div>
            })}
            {(order.refund_fen > 0).then(|| view! {
                <div class="cell"><span>{t(Msg::RefundAmount)}</span><span class="cell-value num">{money(order.refund_fen)}</span></div>
            })}
            {(order.cancel_fee_fen > 0).then(|| view! {
                <div class="cell"><span>{t(Msg::CancelFee)}</span><span class="cell-value num">{money(order.cancel_fee_fen)}</span></div>
            })}
            {(order.settled_to_nanny_fen > 0).then(|| view! {
                <div class="cell"><span>{t(Msg::SettledToNanny)}</span><span class="cell-value num" data-settled=order.settled_to_nanny_fen>{money(order.settled_to_nanny_fen)}</span></div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{appointment, cancel_rules_sentence, duration_zh, percent_of_bps, tier_lines};
    use booking::CancellationPolicy;

    #[test]
    fn basis_points_read_as_the_shortest_percentage() {
        assert_eq!(percent_of_bps(2000), "20%");
        assert_eq!(percent_of_bps(2550), "25.5%");
        assert_eq!(percent_of_bps(1205), "12.05%");
        assert_eq!(percent_of_bps(10_000), "100%");
        assert_eq!(percent_of_bps(0), "0%");
    }

    #[test]
    fn a_span_reads_in_the_largest_unit_it_fills() {
        assert_eq!(duration_zh(86_400), "1天");
        assert_eq!(duration_zh(7200), "2小时");
        assert_eq!(duration_zh(1800), "30分钟");
        assert_eq!(duration_zh(90), "2分钟");
    }

    #[test]
    fn the_booking_page_states_every_tier_in_one_sentence() {
        let tiers = CancellationPolicy::parse("7200:2000,1800:5000").unwrap();
        assert_eq!(
            cancel_rules_sentence(tiers.tiers()),
            "取消规则：服务开始前2小时以上免费取消；开始前2小时内取消收取实付的20%；开始前30分钟内取消收取实付的50%；服务者到达后不可取消。"
        );
        assert_eq!(cancel_rules_sentence(&[]), "取消规则：服务者到达前可免费取消。");
    }

    /// The admin's box is filled with `tier_lines` and saved through the
    /// booking crate's reader: what is shown must save back unchanged.
    #[test]
    fn the_lines_an_admin_is_shown_read_back_as_the_same_rules() {
        for written in ["7200:2000,1800:5000", "2592000:1000,86400:2550,2700:10000", ""] {
            let policy = CancellationPolicy::parse(written).unwrap();
            assert_eq!(CancellationPolicy::parse_lines(&tier_lines(policy.tiers())), Ok(policy), "{written}");
        }
    }

    #[test]
    fn an_appointment_names_its_end_day_only_when_it_ends_on_a_later_day() {
        // 2026-03-01 09:00 Beijing.
        let start = 1_772_326_800;
        assert_eq!(appointment(start, start + 2 * 3600), "03-01 09:00–11:00");
        assert_eq!(appointment(start, start + 25 * 86_400 + 8 * 3600), "03-01 09:00–03-26 17:00");
    }
}

/// Proof of work (B4), the same for every role: the checklist, the photos
/// before and after, and the customer's confirmation. The order's worker
/// gets the tick buttons and photo forms while they are open (`tick`), the
/// customer the confirm button (`confirm`).
#[component]
pub fn ProofPanel(
    order_id: i64,
    proof: crate::api::proof::ProofView,
    #[prop(optional)] tick: Option<ServerAction<crate::api::proof::TickStep>>,
    #[prop(optional)] confirm: Option<ServerAction<crate::api::proof::ConfirmService>>,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    // The photo forms are plain posts that come back to `?order=ID&uploaded=…` or `&upload_error=…`.
    let ours = move |key: &str| query.with(|q| (q.get("order").as_deref() == Some(&order_id.to_string())).then(|| q.get(key)).flatten());
    let upload_error = move || ours("upload_error").map(|code| t(crate::pages::worker::upload_error_text(&code)));
    let uploaded = move || ours("uploaded").is_some();
    // The notice shows until the page is next opened, not on every reload.
    crate::browser::forget_notice_query(&["uploaded", "upload_error"]);
    let photo_stage = move |stage: &'static str, heading: Msg, photos: Vec<String>, open: bool| {
        (open || !photos.is_empty()).then(|| view! {
            <div class="proof-photos" data-stage=stage>
                <p class="proof-subtitle">{t(heading)}</p>
                {if photos.is_empty() {
                    view! { <p class="hint">{t(Msg::NoPhotosYet)}</p> }.into_any()
                } else {
                    view! { <crate::components::PhotoRow photos alt=t(heading)/> }.into_any()
                }}
                {open.then(|| view! {
                    <form method="post" action=format!("/uploads/order/{order_id}/{stage}") enctype="multipart/form-data" class="upload-form proof-photo-form">
                        <crate::components::ImageInput camera=true label=format!("{}·{}", t(heading), t(Msg::ProofChoosePhoto))/>
                        <button type="submit" class="btn btn-plain btn-small">{t(Msg::ProofUploadPhoto)}</button>
                    </form>
                })}
            </div>
        })
    };
    let any_open = proof.before_open || proof.after_open;
    view! {
        <section class="proof" data-proof=order_id>
            <p class="proof-title">{t(Msg::ProofTitle)}</p>
            {(!proof.items.is_empty()).then(|| view! {
                <p class="proof-subtitle">{t(Msg::ChecklistTitle)}</p>
                <ul class="checklist" data-steps=proof.items.len()>
                    {proof.items.iter().cloned().map(|item| {
                        let position = item.position;
                        let label = item.text.clone();
                        view! {
                            <li class="check-item" class:ticked=item.ticked data-position=position>
                                <span class="check-mark" aria-hidden="true">{if item.ticked { "✓" } else { "○" }}</span>
                                <span class="check-text">{item.text}</span>
                                {match (item.ticked, tick.filter(|_| proof.can_tick)) {
                                    (true, _) => Some(view! { <span class="tag tag-success">{t(Msg::StepTicked)}</span> }.into_any()),
                                    // Forms, so a tap before the page hydrates still counts.
                                    (false, Some(tick)) => Some(view! {
                                        <ActionForm action=tick attr:class="tick-form">
                                            <input type="hidden" name="order_id" value=order_id/>
                                            <input type="hidden" name="position" value=position/>
                                            <button type="submit" class="btn btn-plain btn-small" aria-label=format!("{}：{label}", t(Msg::TickStep))
                                                disabled=move || tick.pending().get()>
                                                {t(Msg::TickStep)}
                                            </button>
                                        </ActionForm>
                                    }.into_any()),
                                    (false, None) => None,
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {proof.can_tick.then(|| view! { <p class="hint">{t(Msg::ChecklistHint)}</p> })}
            })}
            {photo_stage("before", Msg::PhotosBefore, proof.before.clone(), proof.before_open)}
            {photo_stage("after", Msg::PhotosAfter, proof.after.clone(), proof.after_open)}
            {(proof.photos_required && any_open).then(|| view! { <p class="hint">{t(Msg::PhotosRequiredHint)}</p> })}
            {tick.map(|tick| view! { <p class="form-error" role="alert">{move || crate::components::form_error(tick.value()).get()}</p> })}
            {confirm.map(|confirm| view! { <p class="form-error" role="alert">{move || crate::components::form_error(confirm.value()).get()}</p> })}
            {any_open.then(|| view! {
                <p class="field-error" role="alert">{upload_error}</p>
                {move || uploaded().then(|| view! { <p class="toast" role="status">{t(Msg::ProofPhotoUploaded)}</p> })}
            })}
            {match (proof.confirmed_at, confirm.filter(|_| proof.can_confirm)) {
                (Some(at), _) => {
                    let by = if proof.confirmed_auto { tf(Msg::ServiceAutoConfirmedAt, &[&(booking::AUTO_CONFIRM_SECS / 86_400)]) } else { t(Msg::ServiceConfirmedAt).to_string() };
                    Some(view! { <p class="proof-confirmed" role="status" data-auto=proof.confirmed_auto.then_some("true")>"✓ "{by}{format_beijing(at)}</p> }.into_any())
                }
                (None, Some(confirm)) => Some(view! {
                    <ActionForm action=confirm attr:class="proof-confirm">
                        <input type="hidden" name="order_id" value=order_id/>
                        <p class="hint">{tf(Msg::ConfirmServiceHint, &[&(booking::AUTO_CONFIRM_SECS / 86_400)])}</p>
                        <button type="submit" class="btn btn-primary btn-block" disabled=move || confirm.pending().get()>{t(Msg::ConfirmService)}</button>
                    </ActionForm>
                }.into_any()),
                (None, None) => proof.completed.then(|| view! { <p class="muted proof-awaiting">{t(Msg::AwaitingConfirmation)}</p> }.into_any()),
            }}
        </section>
    }
}
