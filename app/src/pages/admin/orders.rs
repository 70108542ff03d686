use super::feedback::FeedbackTable;
use crate::api::chat::AdminOrderChat;
use crate::api::feedback::admin_feedback_list;
use crate::api::format_beijing;
use crate::api::ops::{admin_map_tiles, admin_order, admin_orders, admin_reschedule_slots, AdminAssign, AdminCancelOrder, AdminRescheduleOrder, AdminOrderRow, AdminOrderView, DecisionView, MoneyMoveView, NoticeView, OrderAttention};
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, AdminShell, ErrorState, PhotoRow, Skeleton, VideoClip, successes};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use crate::pages::chat::ChatBubble;
use crate::pages::customer::book::{MoveChoice, MoveSlots};
use crate::pages::order_ui::{appointment, money, state_msg, OrderFacts, ProofPanel, QuoteLines, StateBadge, Timeline};
use crate::pages::track_map::{fanned_out, TrackMap, Viewport};
use booking::{Anomaly, OrderState};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The order monitor's flag: a red tag when someone must act now, an amber one for an overrun or an arrival away from the address.
fn anomaly_tag(anomaly: Anomaly) -> impl IntoView {
    let (class, label) = match anomaly {
        Anomaly::Unaccepted => ("tag tag-danger", Msg::AnomalyUnaccepted),
        Anomaly::WorkerLate => ("tag tag-danger", Msg::AnomalyWorkerLate),
        Anomaly::Overrun => ("tag tag-warning", Msg::AnomalyOverrun),
        Anomaly::ArrivedFar => ("tag tag-warning", Msg::AnomalyArrivedFar),
    };
    view! { <span class=class data-anomaly=format!("{anomaly:?}")>{t(label)}</span> }
}

/// The orders list with its loading and error states; `empty` is said when
/// there are none. `with_map` draws them on the order map above the list.
#[component]
fn OrdersTable(
    orders: Resource<Result<Vec<AdminOrderRow>, AppError>>,
    #[prop(default = Msg::NoOrders)] empty: Msg,
    #[prop(default = false)] with_map: bool,
) -> impl IntoView {
    let tiles = with_map.then(|| Resource::new(|| (), |_| admin_map_tiles()));
    // A Transition, so a refresh keeps the list on screen until the new one is in.
    view! {
        <Transition fallback=|| view! { <Skeleton rows=6/> }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(rows) => {
                        // Without a tile URL (or on error) the map draws its plain grid.
                        let tile_url = match tiles {
                            Some(tiles) => tiles.await.ok().flatten(),
                            None => None,
                        };
                        let map = (with_map && !rows.is_empty()).then(|| view! { <OrdersMap rows=rows.clone() tile_url/> });
                        view! { {map} {orders_table(rows, empty)} }.into_any()
                    }
                    Err(error) => view! { <ErrorState error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Where an order's dot sits on the map's legend: by how far along it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MapGroup {
    Waiting,
    Held,
    Underway,
    Done,
    Cancelled,
}

impl MapGroup {
    const ALL: [MapGroup; 5] = [MapGroup::Waiting, MapGroup::Held, MapGroup::Underway, MapGroup::Done, MapGroup::Cancelled];

    fn of(state: OrderState) -> Self {
        match state {
            OrderState::PendingPayment | OrderState::Booked => MapGroup::Waiting,
            OrderState::Accepted => MapGroup::Held,
            OrderState::Departed | OrderState::Arrived | OrderState::InService => MapGroup::Underway,
            OrderState::Completed => MapGroup::Done,
            OrderState::Cancelled | OrderState::Refunding | OrderState::Refunded => MapGroup::Cancelled,
        }
    }

    fn class(self) -> &'static str {
        match self {
            MapGroup::Waiting => "map-waiting",
            MapGroup::Held => "map-held",
            MapGroup::Underway => "map-underway",
            MapGroup::Done => "map-done",
            MapGroup::Cancelled => "map-cancelled",
        }
    }

    fn label(self) -> Msg {
        match self {
            MapGroup::Waiting => Msg::MapWaiting,
            MapGroup::Held => Msg::StateAccepted,
            MapGroup::Underway => Msg::MapUnderway,
            MapGroup::Done => Msg::StateCompleted,
            MapGroup::Cancelled => Msg::MapCancelled,
        }
    }
}

const ORDERS_MAP_W: f64 = 960.0;
const ORDERS_MAP_H: f64 = 320.0;
/// Centre-to-centre distance of dots fanned out from one address: a dot's
/// diameter and a little air.
const DOT_GAP: f64 = 16.0;

/// 订单地图 (A6): the listed orders at their service addresses, coloured by
/// state, ringed red when someone must act; a dot opens its order.
#[component]
fn OrdersMap(rows: Vec<AdminOrderRow>, tile_url: Option<String>) -> impl IntoView {
    let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.lat, r.lng)).collect();
    let viewport = Viewport::fitting_in(&points, ORDERS_MAP_W, ORDERS_MAP_H);
    let navigate = leptos_router::hooks::use_navigate();
    // Alerts last, so their rings are drawn on top of quieter dots.
    let mut dots: Vec<&AdminOrderRow> = rows.iter().collect();
    let alerting = |r: &AdminOrderRow| r.needs_admin || r.anomaly.is_some() || r.open_complaint;
    dots.sort_by_key(|r| alerting(r));
    // Orders at one address would hide each other under one dot.
    let placed: Vec<(f64, f64)> = dots.iter().map(|r| viewport.place(r.lat, r.lng)).collect();
    let dots = dots
        .into_iter()
        .zip(fanned_out(&placed, DOT_GAP))
        .map(|(r, (x, y))| {
            let id = r.card.id;
            let navigate = navigate.clone();
            let class = format!("map-order {}", MapGroup::of(r.card.state).class());
            view! {
                <circle class=class class:map-alert=alerting(r) cx=x cy=y r=7 data-order=id
                    on:click=move |_| navigate(&format!("/admin/orders/{id}"), Default::default())/>
            }
        })
        .collect_view();
    view! {
        <section class="panel orders-map-panel">
            <svg class="orders-map" viewBox=format!("0 0 {ORDERS_MAP_W} {ORDERS_MAP_H}") role="img" aria-label=t(Msg::OrdersMapLabel)>
                <rect class="track-bg" width=ORDERS_MAP_W height=ORDERS_MAP_H/>
                {viewport.grid()}
                {tile_url.map(|url| viewport.tile_images(&url))}
                {dots}
            </svg>
            <ul class="map-legend">
                {MapGroup::ALL.into_iter().map(|g| view! {
                    <li><span class=format!("map-key {}", g.class())></span>{t(g.label())}</li>
                }).collect_view()}
                <li><span class="map-key map-alert"></span>{t(Msg::MapAttention)}</li>
                <li class="muted">{t(Msg::OrdersMapHint)}</li>
            </ul>
        </section>
    }
}

fn orders_table(rows: Vec<AdminOrderRow>, empty: Msg) -> AnyView {
    if rows.is_empty() {
        return view! { <div class="state-box empty-state"><p>{t(empty)}</p></div> }.into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th>{t(Msg::OrderNo)}</th>
                    <th>{t(Msg::ServiceLabel)}</th>
                    <th>{t(Msg::CustomerLabel)}</th>
                    <th>{t(Msg::ServiceTime)}</th>
                    <th>{t(Msg::WorkerLabel)}</th>
                    <th>{t(Msg::Total)}</th>
                    <th>{t(Msg::StateLabel)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| view! {
                        <tr class:needs-admin=r.needs_admin || r.anomaly.is_some() || r.open_complaint>
                            <td class="num"><a href=format!("/admin/orders/{}", r.card.id)>{r.card.order_no.clone()}</a></td>
                            <td>{r.card.service_name.clone()}</td>
                            <td><a href=format!("/admin/users/{}", r.customer_id)>{r.customer_name.clone()}</a></td>
                            <td class="num">{appointment(r.card.starts_at, r.card.ends_at)}</td>
                            <td>{r.card.worker_name.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{money(r.card.total_fen)}</td>
                            <td>
                                <StateBadge state=r.card.state/>
                                {r.needs_admin.then(|| view! { <span class="tag tag-danger">{t(Msg::NeedsAdmin)}</span> })}
                                {r.anomaly.map(anomaly_tag)}
                                {r.open_complaint.then(|| view! { <span class="tag tag-danger" data-complaint="open">{t(Msg::OpenComplaintTag)}</span> })}
                            </td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// How often 订单管理 reloads its list and map.
const MONITOR_REFRESH: std::time::Duration = std::time::Duration::from_secs(15);

/// 订单管理: every order, filtered in the URL by state (`?state=`) or to
/// what a 数据看板 tile counts (`?attention=`, see [`OrderAttention`]).
#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let state = move || query.with(|q| q.get("state")).filter(|s| !s.is_empty());
    let attention = move || query.with(|q| q.get("attention")).and_then(|a| OrderAttention::parse(&a));
    // The monitor refreshes itself: admins are not sent an event for every
    // step of every order.
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|n| *n = n.wrapping_add(1)), MONITOR_REFRESH) {
            on_cleanup(move || handle.clear());
        }
    });
    let orders = Resource::new(
        move || (state(), attention(), tick.get()),
        |(state, attention, _)| admin_orders(state, Some(false), attention.map(|a| a.as_str().to_string())),
    );
    let states: Vec<(&'static str, Msg)> = OrderState::ALL.into_iter().map(|s| (s.as_str(), state_msg(s))).collect();
    let anomalous = OrderAttention::Anomalous;
    view! {
        <AdminShell title=Msg::MenuOrders>
            <nav class="filter-chips" aria-label=t(Msg::StateLabel)>
                <a href="/admin/orders" class="chip" class:active=move || state().is_none() && attention().is_none()>{t(Msg::FilterAllStates)}</a>
                {OrderAttention::ALL
                    .into_iter()
                    .map(|key| {
                        let (label, class) = match key {
                            OrderAttention::Anomalous => (Msg::FilterAnomalous, "chip chip-alert"),
                            OrderAttention::PlacedToday => (Msg::StatOrdersToday, "chip"),
                            OrderAttention::Underway => (Msg::StatOrdersInProgress, "chip"),
                            OrderAttention::Complained => (Msg::FilterComplained, "chip chip-alert"),
                        };
                        view! {
                            <a href=format!("/admin/orders?attention={}", key.as_str()) class=class class:active=move || attention() == Some(key)>{t(label)}</a>
                        }
                    })
                    .collect_view()}
                {states
                    .into_iter()
                    .map(|(key, label)| view! {
                        <a href=format!("/admin/orders?state={key}") class="chip" class:active=move || state().as_deref() == Some(key)>{t(label)}</a>
                    })
                    .collect_view()}
            </nav>
            {move || (attention() == Some(anomalous)).then(|| view! { <p class="hint">{t(Msg::AnomaliesHint)}</p> })}
            {move || {
                let empty = if attention() == Some(anomalous) { Msg::NoAnomalies } else { Msg::NoOrders };
                view! { <OrdersTable orders empty with_map=true/> }
            }}
        </AdminShell>
    }
}

/// 派单队列: orders no worker took after the offers ran out.
#[component]
pub fn DispatchQueuePage() -> impl IntoView {
    let orders = Resource::new(|| (), |_| admin_orders(None, Some(true), None));
    view! {
        <AdminShell title=Msg::MenuDispatch>
            <p class="hint">{t(Msg::DispatchQueueHint)}</p>
            <OrdersTable orders/>
        </AdminShell>
    }
}

/// One order: history, the offers with why each worker was chosen, and
/// manual assignment.
#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let assign = ServerAction::<AdminAssign>::new();
    let cancel = ServerAction::<AdminCancelOrder>::new();
    let reschedule = ServerAction::<AdminRescheduleOrder>::new();
    // Only a move that went through reloads the order: a refused one keeps
    // the chosen slot and reason with the error beside them.
    let moves = successes(reschedule, || ());
    let order = Resource::new(move || (id(), assign.version().get(), cancel.version().get(), moves.get()), |(id, ..)| admin_order(id));
    let feedback = Resource::new(id, |id| admin_feedback_list(None, None, Some(id)));
    view! {
        <AdminShell title=Msg::OrderDetailTitle>
            // Complaints about the order come first: they are why an admin opens it.
            <Transition fallback=|| ()>
                {move || feedback.get().and_then(Result::ok).filter(|rows| !rows.is_empty()).map(|_| view! {
                    <section class="panel order-feedback">
                        <h3>{t(Msg::FeedbackTitle)}</h3>
                        <FeedbackTable items=feedback with_customer=false/>
                    </section>
                })}
            </Transition>
            // While the worker is on the way or serving, where they are (C7).
            <div class="admin-track">
                <TrackMap order_id=Signal::derive(id) live=use_live_version()/>
            </div>
            // After an assignment, a cancellation or a move the order stays on
            // screen until its new state arrives, instead of blanking to a skeleton.
            <Transition fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(view) => view! { <AdminOrderBody view assign cancel reschedule/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </AdminShell>
    }
}

/// 通知记录: every message about the order, to the customer or a worker,
/// in the app or by text, so 客服 can answer "nobody told me" from the record.
#[component]
fn Notices(notices: Vec<NoticeView>) -> impl IntoView {
    view! {
        <section class="panel order-notices">
            <h3>{t(Msg::OrderNoticesTitle)}</h3>
            <table class="table">
                <thead><tr>
                    <th>{t(Msg::MoneyAt)}</th><th>{t(Msg::NoticeTo)}</th><th>{t(Msg::NoticeChannel)}</th><th>{t(Msg::NoticeBody)}</th>
                </tr></thead>
                <tbody>
                    {notices.into_iter().map(|n| view! {
                        <tr data-to=if n.to_customer { "customer" } else { "worker" }>
                            <td>{format_beijing(n.at)}</td>
                            <td>{t(if n.to_customer { Msg::RoleCustomer } else { Msg::RoleWorker })}" · "{n.to_name}</td>
                            <td>{t(if n.by_text { Msg::SentByText } else { Msg::SentInApp })}</td>
                            <td>{n.body}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// 资金流水: each ledger transaction about the order, with every account's
/// change, so a question about what was paid, kept or refunded is answered
/// from the books themselves.
#[component]
fn MoneyMoves(moves: Vec<MoneyMoveView>) -> impl IntoView {
    let kind_text = |kind: &str| match kind {
        "capture" => t(Msg::MoneyCapture),
        "completion" => t(Msg::MoneyCompletion),
        "installment" => t(Msg::MoneyInstallment),
        "discount_subsidy" => t(Msg::MoneyDiscountSubsidy),
        "cancel_fee" => t(Msg::MoneyCancelFee),
        "refund" => t(Msg::MoneyRefund),
        "penalty" => t(Msg::MoneyPenalty),
        "reversal" => t(Msg::MoneyReversal),
        _ => t(Msg::MoneyOther),
    };
    let account_text = |account: &str| match account {
        "gateway" => t(Msg::AccountGateway),
        "order_escrow" => t(Msg::AccountEscrow),
        "platform_commission" => t(Msg::AccountCommission),
        "worker_available" | "worker_held" => t(Msg::AccountWorker),
        "penalties" => t(Msg::AccountPenalties),
        "promotions" => t(Msg::AccountPromotions),
        "refunds" => t(Msg::AccountRefunds),
        _ => t(Msg::MoneyOther),
    };
    view! {
        <section class="panel order-money">
            <h3>{t(Msg::OrderMoneyTitle)}</h3>
            <table class="table">
                <thead><tr>
                    <th>{t(Msg::MoneyAt)}</th><th>{t(Msg::MoneyKind)}</th><th>{t(Msg::MoneyChanges)}</th><th>{t(Msg::MoneyNote)}</th>
                </tr></thead>
                <tbody>
                    {moves.into_iter().map(|m| {
                        let changes = m
                            .entries
                            .iter()
                            .map(|(account, fen)| format!("{} {}{}", account_text(account), if *fen > 0 { "+" } else { "" }, money(*fen)))
                            .collect::<Vec<_>>()
                            .join("，");
                        let note = [m.worker_name.clone().unwrap_or_default(), m.memo.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                        view! {
                            <tr data-kind=m.kind.clone()>
                                <td>{format_beijing(m.at)}</td>
                                <td>{kind_text(&m.kind)}</td>
                                <td>{changes}</td>
                                <td>{note}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn AdminOrderBody(
    view: AdminOrderView,
    assign: ServerAction<AdminAssign>,
    cancel: ServerAction<AdminCancelOrder>,
    reschedule: ServerAction<AdminRescheduleOrder>,
) -> impl IntoView {
    let order = view.detail.clone();
    let state = order.card.state;
    let order_id = order.card.id;
    let assignable = matches!(state, OrderState::Booked | OrderState::Accepted);
    let cancellable = state.is_active();
    let contract_end = view.contract_end;
    // B6: the later visits of its series a platform cancel can take along.
    let later_visits = order.card.series.map_or(0, |place| {
        let states: Vec<(i64, OrderState)> = order.series_visits.iter().filter_map(|v| v.series.map(|p| (p.index, v.state))).collect();
        booking::visits_cancelled_from(&states, place.index + 1).len()
    });
    let assign_value = assign.value();
    let cancel_value = cancel.value();
    view! {
        <div class="detail-header">
            <StateBadge state/>
            <h2>{order.card.service_name.clone()}</h2>
            <span class="muted">{t(Msg::CustomerLabel)}"："<a href=format!("/admin/users/{}", view.customer_id)>{view.customer_name.clone()}</a></span>
            {order.needs_admin.then(|| view! { <span class="tag tag-danger">{t(Msg::NeedsAdmin)}</span> })}
            {view.anomaly.map(anomaly_tag)}
        </div>
        <div class="admin-columns">
            <section class="panel">
                <h3>{t(Msg::OrderInfo)}</h3>
                <OrderFacts order=order.clone()/>
                <QuoteLines quote=order.quote.clone()/>
            </section>
            <section class="panel">
                <h3>{t(Msg::TimelineHeading)}</h3>
                <Timeline entries=order.timeline.clone()/>
            </section>
        </div>
        {order.proof.clone().map(|proof| view! {
            <section class="panel">
                <ProofPanel order_id proof/>
            </section>
        })}
        {order.review.clone().map(|r| view! {
            <section class="panel order-review">
                <h3>{t(Msg::OrderReviewTitle)}</h3>
                <p class="review-ratings">
                    {format!("{} {} · {} {} · {} {}", t(Msg::RateQuality), r.quality, t(Msg::RateAttitude), r.attitude, t(Msg::RateResult), r.result)}
                </p>
                {(!r.body.is_empty()).then(|| view! { <p class="review-body">{r.body.clone()}</p> })}
                {(!r.photos.is_empty()).then(|| view! { <PhotoRow photos=r.photos.clone() alt=t(Msg::ReviewPhotosAlt)/> })}
                {r.video.clone().map(|src| view! { <VideoClip src/> })}
            </section>
        })}
        {(!order.series_visits.is_empty()).then(|| view! {
            <section class="panel series-panel">
                <h3>{tf(Msg::SeriesVisitsTitle, &[&order.series_visits.len()])}</h3>
                <table class="table series-visits">
                    <tbody>
                        {order.series_visits.iter().enumerate().map(|(k, v)| view! {
                            <tr class:current=v.id == order_id data-series-visit=k + 1>
                                <td>{tf(Msg::SeriesVisitLabel, &[&(k + 1)])}</td>
                                <td><a href=format!("/admin/orders/{}", v.id)>{v.order_no.clone()}</a></td>
                                <td>{appointment(v.starts_at, v.ends_at)}</td>
                                <td><StateBadge state=v.state/></td>
                                <td>{v.worker_name.clone().unwrap_or_default()}</td>
                                <td>{money(v.total_fen)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {(!view.money.is_empty()).then(|| view! { <MoneyMoves moves=view.money.clone()/> })}
        {(!view.notices.is_empty()).then(|| view! { <Notices notices=view.notices.clone()/> })}
        {order.offer_at.map(|at| view! {
            <section class="panel">
                <p class="deferred-note">{t(Msg::OfferPlannedAt)}"："{format_beijing(at)}</p>
                {view.holder_name.clone().map(|name| view! { <p class="held-by">{t(Msg::HeldBy)}"："{name}</p> })}
                <p class="hint">{t(Msg::DeferredAdminHint)}</p>
            </section>
        })}
        {(!view.replans.is_empty()).then(|| view! {
            <section class="panel replans">
                <h3>{t(Msg::ReplansTitle)}</h3>
                <table class="table">
                    <thead><tr>
                        <th>{t(Msg::ReplanAt)}</th><th>{t(Msg::WorkerLabel)}</th><th>{t(Msg::ReplanDayKm)}</th>
                    </tr></thead>
                    <tbody>
                        {view.replans.iter().map(|r| view! {
                            <tr>
                                <td class="num">{format_beijing(r.at)}</td>
                                <td>{r.from_name.clone()}" → "{r.to_name.clone()}</td>
                                <td class="num">{match r.km.clone() {
                                    Some((before, after)) => format!("{before} → {after}"),
                                    None => t(Msg::ReplanMadeRoom).to_string(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        <section class="panel offers">
            <h3>{t(Msg::OffersHeading)}</h3>
            {if view.offers.is_empty() {
                view! { <p class="hint">{t(Msg::NoOffersYet)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th>{t(Msg::WorkerLabel)}</th><th>{t(Msg::StateLabel)}</th><th>{t(Msg::OfferedAt)}</th>
                            <th>{t(Msg::WhyThisWorker)}</th>
                        </tr></thead>
                        <tbody>
                            {view.offers.iter().map(|o| view! {
                                <tr>
                                    <td>{o.worker_name.clone()}{o.broadcast.then(|| view! { <span class="tag">{t(Msg::GrabTag)}</span> })}</td>
                                    <td>{offer_status_text(&o.status)}</td>
                                    <td class="num">{format_beijing(o.offered_at)}</td>
                                    <td class="num why">{o.why.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel decisions">
            <h3>{t(Msg::DecisionsHeading)}</h3>
            <p class="hint">{t(Msg::DecisionsHint)}</p>
            {if view.decisions.is_empty() {
                view! { <p class="hint">{t(Msg::NoDecisionsYet)}</p> }.into_any()
            } else {
                view! {
                    <ol class="decision-list">
                        {view.decisions.iter().map(|d| view! {
                            <li class="decision">
                                <details>
                                    <summary>
                                        <span class="num">{format_beijing(d.at)}</span>
                                        " · "<strong>{decision_outcome(d)}</strong>
                                        " · "{t(Msg::DecisionEligible)}" "{d.eligible_count}" · "{t(Msg::DecisionExcluded)}" "{d.excluded_count}
                                    </summary>
                                    {(d.ranked.len() < d.eligible_count || d.excluded.len() < d.excluded_count).then(|| view! {
                                        <p class="hint">{t(Msg::DecisionListShortened)}</p>
                                    })}
                                    <table class="table">
                                        <thead><tr><th>{t(Msg::WorkerLabel)}</th><th>{t(Msg::DecisionVerdict)}</th></tr></thead>
                                        <tbody>
                                            {d.ranked.iter().map(|(name, why)| view! {
                                                <tr class="eligible"><td>{name.clone()}</td><td class="num why">{why.clone()}</td></tr>
                                            }).collect_view()}
                                            {d.excluded.iter().map(|(name, rules)| view! {
                                                <tr class="excluded"><td>{name.clone()}</td><td>{t(Msg::ExcludedBecause)}{rules.clone()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </details>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <OrderChatReview order_id/>
        <Show when=move || assignable>
            <section class="panel assign">
                <h3>{t(Msg::AssignHeading)}</h3>
                <p class="form-error" role="alert">{move || form_error(assign_value).get()}</p>
                <table class="table">
                    <thead><tr><th>{t(Msg::WorkerLabel)}</th><th>{t(Msg::RuleCheck)}</th><th>{t(Msg::Score)}</th><th></th></tr></thead>
                    <tbody>
                        {view.candidates.iter().map(|c| {
                            let eligible = c.failures.is_empty();
                            let worker_id = c.worker_id;
                            view! {
                                <tr>
                                    <td>{c.name.clone()}</td>
                                    <td>{if eligible { t(Msg::RulesPass).to_string() } else { c.failures.join("、") }}</td>
                                    <td class="num">
                                        {c.score.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".into())}
                                        {c.why.clone().map(|why| view! { <p class="muted why">{why}</p> })}
                                    </td>
                                    <td>
                                        <ActionForm action=assign attr:class="assign-form">
                                            <input type="hidden" name="order_id" value=order_id/>
                                            <input type="hidden" name="worker_id" value=worker_id/>
                                            {(!eligible).then(|| view! {
                                                <label class="override"><input type="checkbox" name="override_rules" value="true"/>{t(Msg::OverrideRules)}</label>
                                            })}
                                            <button type="submit" class="btn btn-primary btn-small">{t(Msg::AssignTo)}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </Show>
        {assignable.then(|| view! { <AdminReschedule order_id action=reschedule/> })}
        <Show when=move || cancellable>
            <section class="panel admin-cancel">
                {match contract_end {
                    None => view! {
                        <h3>{t(Msg::AdminCancelHeading)}</h3>
                        <p class="hint">{t(Msg::AdminCancelHint)}</p>
                    }.into_any(),
                    Some(end) => view! {
                        <h3>{t(Msg::AdminEndContractHeading)}</h3>
                        <p class="hint">{t(Msg::AdminEndContractHint)}</p>
                        <table class="table kv contract-end">
                            <tbody>
                                <tr><th>{t(Msg::AdminEndContractDays)}</th><td class="num" data-days=end.days_served>{tf(Msg::DurationDays, &[&end.days_served])}</td></tr>
                                <tr><th>{t(Msg::AdminEndContractEarned)}</th><td class="num">{money(end.earned_fen)}</td></tr>
                                {(end.months_paid_fen > 0).then(|| view! {
                                    <tr><th>{t(Msg::AdminEndContractMonthsPaid)}</th><td class="num">{money(end.months_paid_fen)}</td></tr>
                                })}
                                <tr><th>{t(Msg::AdminEndContractToNanny)}</th><td class="num" data-to-nanny=end.to_nanny_fen>{money(end.to_nanny_fen)}</td></tr>
                                <tr><th>{t(Msg::AdminEndContractRefund)}</th><td class="num" data-refund=end.refund_fen>{money(end.refund_fen)}</td></tr>
                            </tbody>
                        </table>
                    }.into_any(),
                }}
                <ActionForm action=cancel attr:class="cancel-form">
                    <input type="hidden" name="order_id" value=order_id/>
                    <label for="f-cancel-reason">{t(Msg::CancelReasonLabel)}</label>
                    <textarea id="f-cancel-reason" name="reason" maxlength="200" rows="2" aria-describedby="f-cancel-reason-error"></textarea>
                    <p class="field-error" id="f-cancel-reason-error" role="alert">{move || field_error(cancel_value, Field::CancelReason).get()}</p>
                    {(later_visits > 0).then(|| view! {
                        <label class="with-later-visits"><input type="checkbox" name="with_later_visits" value="true"/>{tf(Msg::AdminCancelLaterVisits, &[&later_visits])}</label>
                    })}
                    <p class="form-error" role="alert">{move || form_error(cancel_value).get()}</p>
                    <button type="submit" class="btn btn-danger" disabled=move || cancel.pending().get()>
                        {t(if contract_end.is_some() { Msg::AdminEndContractButton } else { Msg::AdminCancelButton })}
                    </button>
                </ActionForm>
            </section>
        </Show>
    }
}

/// 客服改期: the worker's free slots, a reason, and the move. The slots are
/// read only when the admin opens the panel.
#[component]
fn AdminReschedule(order_id: i64, action: ServerAction<AdminRescheduleOrder>) -> impl IntoView {
    let choice = MoveChoice::new();
    let value = action.value();
    view! {
        <section class="panel admin-reschedule">
            <h3>{t(Msg::AdminRescheduleHeading)}</h3>
            <p class="hint">{t(Msg::AdminRescheduleHint)}</p>
            <Show when=move || choice.open.get() fallback=move || view! {
                <button type="button" class="btn btn-plain" on:click=move |_| choice.open.set(true)>{t(Msg::RescheduleHeading)}</button>
            }>
                <AdminRescheduleForm order_id action choice/>
            </Show>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </section>
    }
}

#[component]
fn AdminRescheduleForm(order_id: i64, action: ServerAction<AdminRescheduleOrder>, choice: MoveChoice) -> impl IntoView {
    let days = Resource::new(move || order_id, admin_reschedule_slots);
    let reason = RwSignal::new(String::new());
    let value = action.value();
    view! {
        <MoveSlots days choice/>
        <p class="field-error" role="alert">{move || field_error(value, Field::Slot).get()}</p>
        <div class="reason-form">
            <label for="f-reschedule-reason">{t(Msg::RescheduleReasonLabel)}</label>
            <textarea id="f-reschedule-reason" maxlength="200" rows="2" aria-describedby="f-reschedule-reason-error"
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <p class="field-error" id="f-reschedule-reason-error" role="alert">{move || field_error(value, Field::RescheduleReason).get()}</p>
            <button type="button" class="btn btn-primary" disabled=move || choice.slot.get().is_none() || action.pending().get()
                on:click=move |_| {
                    if let Some(start) = choice.slot.get() {
                        action.dispatch(AdminRescheduleOrder { order_id, start, reason: reason.get_untracked() });
                    }
                }>
                {t(Msg::AdminRescheduleButton)}
            </button>
        </div>
    }
}

/// What a dispatch decision did, in words; an escalation says whether
/// nobody qualified or everyone who did had already been asked.
fn decision_outcome(d: &DecisionView) -> String {
    match d.outcome.as_str() {
        "offer" => format!("{}{}", t(Msg::DecisionOffer), d.offered_to.as_deref().unwrap_or_default()),
        "broadcast" => t(Msg::DecisionBroadcast).to_string(),
        _ if d.eligible_count > 0 => t(Msg::DecisionEscalateAllAsked).to_string(),
        _ => t(Msg::DecisionEscalateNobody).to_string(),
    }
}

fn offer_status_text(status: &str) -> &'static str {
    t(match status {
        "pending" => Msg::OfferPending,
        "accepted" => Msg::OfferAccepted,
        "rejected" => Msg::OfferRejected,
        "expired" => Msg::OfferExpired,
        _ => Msg::OfferWithdrawn,
    })
}

/// The order's chat between its customer and worker, read on request when
/// settling a complaint: read-only, and each reading is audited.
#[component]
fn OrderChatReview(order_id: i64) -> impl IntoView {
    let read = ServerAction::<AdminOrderChat>::new();
    let value = read.value();
    let error = form_error(value);
    view! {
        <section class="panel order-chat-review">
            <h3>{t(Msg::OrderChatReviewTitle)}</h3>
            {move || match value.get() {
                Some(Ok(messages)) if messages.is_empty() => view! { <p class="hint chat-empty">{t(Msg::OrderChatReviewEmpty)}</p> }.into_any(),
                Some(Ok(messages)) => view! {
                    <ol class="chat-messages" data-thread=format!("order:{order_id}")>
                        {messages.into_iter().map(|message| view! { <ChatBubble message/> }).collect_view()}
                    </ol>
                }
                .into_any(),
                _ => view! {
                    <ActionForm action=read>
                        <input type="hidden" name="order_id" value=order_id/>
                        <p class="hint">{t(Msg::OrderChatReviewHint)}</p>
                        <p class="form-error" role="alert">{move || error.get()}</p>
                        <button type="submit" class="btn btn-light">{t(Msg::OrderChatReviewOpen)}</button>
                    </ActionForm>
                }
                .into_any(),
            }}
        </section>
    }
}
