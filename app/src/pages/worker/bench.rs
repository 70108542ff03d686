use crate::api::chat::ChatUnread;
use crate::api::format_beijing;
use crate::api::tracking::{ReportPosition, REPORT_EVERY_SECS};
use crate::api::orders::SeriesPlace;
use crate::api::work::{workbench, AcceptSeries, OfferCard, OrderStep, RespondOffer, Step, WorkOrderCard, WorkbenchView};
use crate::browser::{locate, use_live_version};
use crate::components::form_error;
use crate::error::AppError;
use crate::i18n::{t, tf, Msg};
use crate::pages::chat::{use_chat_unread, ChatLink};
use crate::api::proof::TickStep;
use crate::pages::order_ui::{appointment, money, ProofPanel, StateBadge};
use booking::OrderState;
use domain::ChatThread;
use leptos::prelude::*;

fn step_msg(step: Step) -> Msg {
    match step {
        Step::Depart => Msg::StepDepart,
        Step::Arrive => Msg::StepArrive,
        Step::Start => Msg::StepStart,
        Step::Complete => Msg::StepComplete,
        Step::CustomerAbsent => Msg::StepCustomerAbsent,
    }
}

/// Offers and orders of an approved worker, refreshed live.
#[component]
pub fn WorkPanel() -> impl IntoView {
    let live = use_live_version();
    let respond = ServerAction::<RespondOffer>::new();
    let accept_all = ServerAction::<AcceptSeries>::new();
    let step = ServerAction::<OrderStep>::new();
    let tick = ServerAction::<TickStep>::new();
    // Which order's 客户不在家 confirmation is open. Held here, not on the card,
    // so a live refresh that redraws the cards does not close it.
    let confirming_absence = RwSignal::new(None::<i64>);
    let unread = use_chat_unread(live);
    let bench = Resource::new(
        move || (live.get(), respond.version().get(), accept_all.version().get(), step.version().get(), tick.version().get()),
        |_| workbench(),
    );
    share_position_while_on_the_way(bench);
    // Buzz the phone when a new offer arrives (where the browser allows it).
    let seen_offers = StoredValue::new(None::<Vec<i64>>);
    Effect::new(move |_| {
        if let Some(Ok(bench)) = bench.get() {
            let ids: Vec<i64> = bench.offers.iter().map(|o| o.offer_id).collect();
            let is_new = seen_offers.with_value(|seen| seen.as_ref().is_some_and(|seen| ids.iter().any(|id| !seen.contains(id))));
            if is_new {
                let _ = window().navigator().vibrate_with_duration(300);
            }
            seen_offers.set_value(Some(ids));
        }
    });
    let respond_value = respond.value();
    let step_value = step.value();
    view! {
        <p class="form-error" role="alert">
            {move || form_error(respond_value).get().or(form_error(accept_all.value()).get()).or(form_error(step_value).get())}
        </p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match bench.await {
                    Ok(bench) => view! {
                        {bench.health.map(|h| view! {
                            <p class="notice notice-warning health-notice" data-expired=h.expired.then_some("true")>
                                {if h.expired {
                                    t(Msg::HealthExpiredNotice).to_string()
                                } else {
                                    format!("{}{}{}", t(Msg::HealthExpiringNotice), h.valid_through, t(Msg::HealthExpiringAdvice))
                                }}
                                {(h.orders_after > 0).then(|| format!("{}{}{}", t(Msg::HealthOrdersAfterLead), h.orders_after, t(Msg::HealthOrdersAfterTail)))}
                                " "<a href="/worker/apply">{t(Msg::GoRenewHealth)}</a>
                            </p>
                        })}
                        <h2 class="section-title">{t(Msg::NewOffers)}</h2>
                        {if bench.offers.is_empty() {
                            view! { <p class="hint">{t(Msg::NoOffers)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="offer-list">
                                    {bench.offers.iter().enumerate().map(|(k, o)| {
                                        // Visits of one series on offer can be taken in one tap, from the first of them.
                                        let series_id = o.series.map(|p| p.series_id).filter(|_| !o.broadcast);
                                        let same_series = |x: &OfferCard| series_id.is_some() && !x.broadcast && x.series.map(|p| p.series_id) == series_id;
                                        let first = !bench.offers[..k].iter().any(same_series);
                                        let siblings = if first { bench.offers.iter().filter(|x| same_series(x)).count() } else { 0 };
                                        view! { <OfferItem offer=o.clone() respond accept_all siblings/> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2 class="section-title">{t(Msg::MyWork)}</h2>
                        {if bench.orders.is_empty() {
                            view! { <p class="hint">{t(Msg::NoWork)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="order-list">
                                    {bench.orders.into_iter().map(|o| view! { <WorkItem order=o step tick confirming_absence unread/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.message()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A visit of a recurring booking: the same customer comes back (B6).
fn series_tag(p: SeriesPlace) -> impl IntoView {
    view! { <span class="tag tag-series" data-series=format!("{}/{}", p.index, p.visits)>{tf(Msg::SeriesBadge, &[&p.index, &p.visits])}</span> }
}

/// `siblings`: on the first offer of a recurring booking's visits, how many
/// of them are on offer (0 elsewhere).
#[component]
fn OfferItem(offer: OfferCard, respond: ServerAction<RespondOffer>, accept_all: ServerAction<AcceptSeries>, siblings: usize) -> impl IntoView {
    let id = offer.offer_id;
    let (decline, accept) = if offer.broadcast { (Msg::PassGrab, Msg::GrabOrder) } else { (Msg::RejectOffer, Msg::AcceptOffer) };
    view! {
        <li class="offer-card" class:grab=offer.broadcast data-offer=id data-order=offer.order_id>
            <div class="order-card-head">
                <span class="order-card-title">
                    {offer.service_name.clone()}
                    {offer.broadcast.then(|| view! { <span class="tag tag-grab">{t(Msg::GrabTag)}</span> })}
                    {offer.series.map(series_tag)}
                </span>
                <span class="price">{t(Msg::Earnings)}" "{money(offer.earnings_fen)}</span>
            </div>
            <p>{appointment(offer.starts_at, offer.ends_at)}</p>
            <p class="muted">{t(Msg::AreaLabel)}"："{offer.area.clone()}</p>
            {(!offer.notes.is_empty()).then(|| view! { <p class="muted">{t(Msg::NotesLabel)}"："{offer.notes.clone()}</p> })}
            <p class="muted">{t(Msg::AnswerBefore)}" "{format_beijing(offer.deadline)}</p>
            <div class="confirm-actions">
                <button type="button" class="btn btn-plain" on:click=move |_| { respond.dispatch(RespondOffer { offer_id: id, accept: false }); }>
                    {t(decline)}
                </button>
                <button type="button" class="btn btn-primary" on:click=move |_| { respond.dispatch(RespondOffer { offer_id: id, accept: true }); }>
                    {t(accept)}
                </button>
            </div>
            {(siblings > 1 && !offer.broadcast).then(|| view! {
                <button type="button" class="btn btn-plain btn-block accept-series" disabled=move || accept_all.pending().get()
                    on:click=move |_| { accept_all.dispatch(AcceptSeries { offer_id: id }); }>
                    {tf(Msg::AcceptSeries, &[&siblings])}
                </button>
            })}
        </li>
    }
}

/// While any of the worker's orders is between 已出发 and 已完成, reports the
/// phone's position for each at once and every [`REPORT_EVERY_SECS`] (C7).
fn share_position_while_on_the_way(bench: Resource<Result<WorkbenchView, AppError>>) {
    let report = ServerAction::<ReportPosition>::new();
    let sharing = Memo::new(move |_| {
        bench.get().and_then(Result::ok).map(|b| b.orders.iter().filter(|o| o.state.shares_position()).map(|o| o.order_id).collect::<Vec<_>>()).unwrap_or_default()
    });
    Effect::new(move |_| {
        let orders = sharing.get();
        if orders.is_empty() {
            return;
        }
        let send = move || {
            let orders = orders.clone();
            locate(move |position| {
                if let Some((lat, lng)) = position {
                    for &order_id in &orders {
                        report.dispatch(ReportPosition { order_id, lat, lng });
                    }
                }
            });
        };
        send();
        if let Ok(handle) = set_interval_with_handle(send, std::time::Duration::from_secs(REPORT_EVERY_SECS)) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// `迟到扣款：13:15后到达扣¥20.00，13:30后到达扣¥50.00`, Beijing time.
fn late_hint(steps: &[(i64, i64)]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|&(at, fen)| tf(Msg::LateStepHint, &[&format_beijing(at).get(11..16).unwrap_or_default(), &money(fen)]))
        .collect();
    tf(Msg::LateHint, &[&parts.join("，")])
}

#[component]
fn WorkItem(
    order: WorkOrderCard,
    step: ServerAction<OrderStep>,
    tick: ServerAction<TickStep>,
    confirming_absence: RwSignal<Option<i64>>,
    unread: Resource<Result<Vec<ChatUnread>, AppError>>,
) -> impl IntoView {
    let id = order.order_id;
    let busy = RwSignal::new(false);
    let take_step = move |next: Step| {
        busy.set(true);
        // The position is recorded with the step when the device gives it.
        locate(move |position| {
            busy.set(false);
            step.dispatch(OrderStep { order_id: id, step: next.as_str().into(), lat: position.map(|p| p.0), lng: position.map(|p| p.1) });
        });
    };
    view! {
        <li class="order-card" data-order=id id=format!("order-{id}")>
            <div class="order-card-head">
                <span class="order-card-title">{order.service_name.clone()}{order.series.map(series_tag)}</span>
                <StateBadge state=order.state/>
            </div>
            <p>{appointment(order.starts_at, order.ends_at)}</p>
            {(!order.late_after.is_empty()).then(|| view! { <p class="hint late-rule" data-late-rule>{late_hint(&order.late_after)}</p> })}
            <p class="muted">{order.address_text.clone()}</p>
            <p class="muted">{order.customer_name.clone()}" "{order.customer_phone.clone()}</p>
            {(!order.notes.is_empty()).then(|| view! { <p class="muted">{t(Msg::NotesLabel)}"："{order.notes.clone()}</p> })}
            <p class="order-card-foot"><span class="muted">{t(Msg::Earnings)}</span><span class="price">{money(order.earnings_fen)}</span></p>
            {order.proof.clone().map(|proof| view! { <ProofPanel order_id=id proof tick/> })}
            {(order.state == OrderState::Completed && order.confirmed).then(|| view! {
                <p class="proof-confirmed">"✓ "{t(if order.confirmed_auto { Msg::ServiceAutoConfirmed } else { Msg::ServiceConfirmed })}</p>
            })}
            {order.next_step.map(|next| view! {
                <button type="button" class="btn btn-primary btn-block" disabled=move || busy.get() on:click=move |_| take_step(next)>
                    {t(step_msg(next))}
                </button>
            })}
            {(order.state == OrderState::Arrived).then(|| view! {
                <div class="customer-absent">
                    <p class="hint">{t(Msg::CustomerAbsentHint)}</p>
                    <Show when=move || confirming_absence.get() == Some(id) fallback=move || view! {
                        <button type="button" class="btn btn-danger-plain btn-block" on:click=move |_| confirming_absence.set(Some(id))>{t(Msg::StepCustomerAbsent)}</button>
                    }>
                        <div class="confirm-box" role="dialog" aria-label=t(Msg::StepCustomerAbsent)>
                            <p>{t(Msg::ConfirmCustomerAbsent)}</p>
                            <div class="confirm-actions">
                                <button type="button" class="btn btn-plain" on:click=move |_| confirming_absence.set(None)>{t(Msg::KeepOrder)}</button>
                                <button type="button" class="btn btn-danger" disabled=move || busy.get() on:click=move |_| { confirming_absence.set(None); take_step(Step::CustomerAbsent); }>
                                    {t(Msg::StepCustomerAbsent)}
                                </button>
                            </div>
                        </div>
                    </Show>
                </div>
            })}
            {order.state.shares_position().then(|| view! { <p class="hint track-sharing">{tf(Msg::TrackSharingNote, &[&booking::POSITION_RETENTION_DAYS])}</p> })}
            <ChatLink unread thread=ChatThread::Order(id).key() href=format!("/worker/orders/{id}/chat") label=Msg::ChatWithCustomer/>
        </li>
    }
}
