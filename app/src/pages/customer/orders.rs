use crate::api::format_beijing;
use crate::api::catalog::SetFavoriteWorker;
use crate::api::orders::{
    my_orders, order_detail, reschedule_slots, CancelOrder, CancelSeriesFrom, CancelTier, OrderCard, OrderView, RemoveReviewPhoto, RescheduleOrder, ReviewOrder, SandboxPay,
    SeriesCancel,
};
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, ErrorState, PhoneShell, PhotoRow, Skeleton, Tabs, VideoClip, VideoUploadForm, successes};
use crate::api::chat::ChatUnread;
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use crate::pages::chat::{use_chat_unread, ChatLink};
use crate::pages::customer::book::{MoveChoice, MoveSlots};
use crate::pages::track_map::TrackMap;
use crate::api::proof::ConfirmService;
use crate::pages::order_ui::{appointment, money, percent_of_bps, OrderFacts, ProofPanel, QuoteLines, StateBadge, Timeline};
use booking::OrderState;
use domain::{ChatThread, Fen};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn order_id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
}

/// 收银台 (sandbox): confirms payment; the order is booked only when the
/// gateway's signed notification arrives.
#[component]
pub fn PayPage() -> impl IntoView {
    let order_id = order_id_param();
    let order = Resource::new(order_id, order_detail);
    let pay = ServerAction::<SandboxPay>::new();
    let value = pay.value();
    view! {
        <PhoneShell title=Msg::PayTitle>
            <Suspense fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(o) => {
                            let payable = o.card.state == OrderState::PendingPayment;
                            // A recurring booking's unpaid visits are paid together.
                            let unpaid: Vec<OrderCard> = o.series_visits.iter().filter(|v| v.state == OrderState::PendingPayment).cloned().collect();
                            let amount = if unpaid.is_empty() { o.card.total_fen } else { unpaid.iter().map(|v| v.total_fen).sum() };
                            let pay_label = if unpaid.len() > 1 { tf(Msg::SeriesPayAll, &[&unpaid.len()]) } else { t(Msg::ConfirmPay).to_string() };
                            let visits = o.series_visits.clone();
                            let package = o.quote.package_discount() > Fen::ZERO;
                            view! {
                                <section class="pay-card">
                                    <p class="muted">{o.card.service_name.clone()}</p>
                                    <p class="pay-amount price" data-total=amount>{money(amount)}</p>
                                    <p class="muted">{t(Msg::OrderNo)}" "{o.card.order_no.clone()}</p>
                                    <p class="muted">{t(Msg::PayBefore)}" "{format_beijing(o.pay_deadline)}</p>
                                    <p class="sandbox-note">{t(Msg::SandboxNote)}</p>
                                </section>
                                {(!visits.is_empty()).then(|| view! {
                                    <SeriesVisits visits current=o.card.id/>
                                    <p class="hint">{t(if package { Msg::PackageTerms } else { Msg::SeriesPayHint })}</p>
                                })}
                                {if payable {
                                    view! {
                                        <ActionForm action=pay attr:class="form">
                                            <input type="hidden" name="order_id" value=o.card.id/>
                                            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                                            <button type="submit" class="btn btn-primary btn-block">{pay_label}</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! {
                                        <div class="form"><a class="btn btn-plain btn-block" href=format!("/orders/{}", o.card.id)>{t(Msg::ViewOrder)}</a></div>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

/// 订单: tabs 待完成 / 已完成 / 已取消, updating live.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let tab = move || query.with(|q| q.get("tab")).unwrap_or_else(|| "active".into());
    let live = use_live_version();
    let orders = Resource::new(move || (tab(), live.get()), |(tab, _)| my_orders(tab));
    let tabs = [("active", Msg::OrdersActive), ("done", Msg::OrdersDone), ("cancelled", Msg::OrdersCancelled)];
    view! {
        <PhoneShell title=Msg::OrdersTitle tabs=Tabs::Customer>
            <nav class="segmented" aria-label=t(Msg::OrdersTitle)>
                {tabs
                    .into_iter()
                    .map(|(key, label)| view! {
                        <a href=format!("/orders?tab={key}") class="segment" class:active=move || tab() == key>{t(label)}</a>
                    })
                    .collect_view()}
            </nav>
            <Transition fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) if list.is_empty() => view! {
                            <div class="state-box empty-state">
                                <p>{t(Msg::NoOrders)}</p>
                                <a class="btn btn-primary" href="/">{t(Msg::GoBook)}</a>
                            </div>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-list">
                                {list.into_iter().map(|o| view! { <OrderCardView order=o/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </PhoneShell>
    }
}

#[component]
fn OrderCardView(order: OrderCard) -> impl IntoView {
    view! {
        <li class="order-card">
            <a href=format!("/orders/{}", order.id)>
                <div class="order-card-head">
                    <span class="order-card-title">{order.service_name.clone()}</span>
                    {order.series.map(|p| view! { <span class="series-badge" data-series=format!("{}/{}", p.index, p.visits)>{tf(Msg::SeriesBadge, &[&p.index, &p.visits])}</span> })}
                    <StateBadge state=order.state/>
                </div>
                <p class="muted">{appointment(order.starts_at, order.ends_at)}</p>
                <p class="muted ellipsis">{order.address_text.clone()}</p>
                <p class="order-card-foot">
                    <span class="muted">{order.worker_name.clone().unwrap_or_default()}</span>
                    <span class="price">{money(order.total_fen)}</span>
                </p>
            </a>
        </li>
    }
}

/// B6: every visit of a recurring booking, each linking to its own order,
/// `current` marked.
#[component]
fn SeriesVisits(visits: Vec<OrderCard>, current: i64) -> impl IntoView {
    view! {
        <h3 class="section-title">{tf(Msg::SeriesVisitsTitle, &[&visits.len()])}</h3>
        <ol class="cells series-visits">
            {visits.into_iter().enumerate().map(|(k, v)| view! {
                <li class="cell series-visit" class:current=v.id == current data-series-visit=k + 1>
                    <a href=format!("/orders/{}", v.id)>
                        <span>{tf(Msg::SeriesVisitLabel, &[&(k + 1)])}" "{appointment(v.starts_at, v.ends_at)}</span>
                        <span class="cell-value"><StateBadge state=v.state/>" "{money(v.total_fen)}</span>
                    </a>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// 订单详情: live timeline, cancel (with its fee), review, rebook.
#[component]
pub fn OrderPage() -> impl IntoView {
    let order_id = order_id_param();
    let live = use_live_version();
    let cancel = ServerAction::<CancelOrder>::new();
    let cancel_series = ServerAction::<CancelSeriesFrom>::new();
    let reschedule = ServerAction::<RescheduleOrder>::new();
    // Only a move that went through reloads the order: a refused one keeps
    // the slots open with the reason beside them.
    let choice = MoveChoice::new();
    let moves = successes(reschedule, move || choice.close());
    let review = ServerAction::<ReviewOrder>::new();
    let keep = ServerAction::<SetFavoriteWorker>::new();
    let confirm = ServerAction::<ConfirmService>::new();
    let remove_photo = ServerAction::<RemoveReviewPhoto>::new();
    let unread = use_chat_unread(live);
    let order = Resource::new(
        move || {
            let versions = (
                (cancel.version().get(), cancel_series.version().get(), moves.get()),
                review.version().get(),
                keep.version().get(),
                confirm.version().get(),
                remove_photo.version().get(),
            );
            (order_id(), versions)
        },
        |(id, ..)| order_detail(id),
    );
    // Every live notice re-reads the order, most of them about something
    // else (another order, a chat): the page takes the order read only when
    // it differs from the one shown, so it is not redrawn for nothing.
    Effect::new(move |seen: Option<u32>| {
        let version = live.get();
        if seen.is_some_and(|seen| seen != version) {
            let id = order_id();
            leptos::task::spawn_local(async move {
                let fresh = order_detail(id).await;
                if id == order_id() && order.with_untracked(|shown| shown.as_ref() != Some(&fresh)) {
                    order.set(Some(fresh));
                }
            });
        }
        version
    });
    let asks = OrderAsks::new();
    view! {
        <PhoneShell title=Msg::OrderDetailTitle tabs=Tabs::Customer>
            // Outside the order's own refresh, so a new position redraws only the map.
            <TrackMap order_id=Signal::derive(order_id) live/>
            <Transition fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(o) => view! { <OrderBody order=o cancel cancel_series reschedule choice review keep confirm remove_photo unread asks/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </PhoneShell>
    }
}

/// What the customer has begun on the order page and not sent yet: a
/// cancellation being confirmed, a review being written. Held by the page,
/// so a redraw of the order (it changed while they were at it) keeps it.
#[derive(Clone, Copy)]
struct OrderAsks {
    confirm_cancel: RwSignal<bool>,
    confirm_series_cancel: RwSignal<bool>,
    review_body: RwSignal<String>,
    ratings: [RwSignal<u8>; 3],
}

impl OrderAsks {
    fn new() -> Self {
        OrderAsks {
            confirm_cancel: RwSignal::new(false),
            confirm_series_cancel: RwSignal::new(false),
            review_body: RwSignal::new(String::new()),
            ratings: [RwSignal::new(5), RwSignal::new(5), RwSignal::new(5)],
        }
    }
}

/// The photos of the customer's review, and while it has room the form
/// that adds one (a plain post that comes back with `?uploaded=review_photo`
/// or `?upload_error=…`).
#[component]
fn ReviewPhotos(order_id: i64, photos: Vec<String>, can_add: bool, mine: bool, remove: ServerAction<RemoveReviewPhoto>) -> impl IntoView {
    let query = use_query_map();
    let upload_error = move || query.with(|q| q.get("upload_error")).map(|code| t(crate::pages::worker::upload_error_text(&code)));
    let uploaded = move || query.with(|q| q.get("uploaded").as_deref() == Some("review_photo"));
    // The notice shows until the page is next opened, not on every reload.
    crate::browser::forget_notice_query(&["uploaded", "upload_error"]);
    view! {
        <div class="review-photos">
            {match (photos.is_empty(), mine) {
                (true, _) => None,
                (false, false) => Some(view! { <PhotoRow photos alt=t(Msg::ReviewPhotosAlt)/> }.into_any()),
                // The author's own: each photo with a way to take it off.
                (false, true) => Some(view! {
                    <div class="photo-row">
                        {photos.into_iter().map(|src| view! {
                            <div class="review-photo">
                                <a href=src.clone() target="_blank" rel="noopener"><img class="photo-thumb" src=src.clone() alt=t(Msg::ReviewPhotosAlt) loading="lazy"/></a>
                                <ActionForm action=remove attr:class="remove-photo-form">
                                    <input type="hidden" name="order_id" value=order_id/>
                                    <input type="hidden" name="photo" value=src/>
                                    <button type="submit" class="btn btn-plain btn-small" disabled=move || remove.pending().get()>{t(Msg::RemoveReviewPhoto)}</button>
                                </ActionForm>
                            </div>
                        }).collect_view()}
                    </div>
                    <p class="form-error" role="alert">{move || form_error(remove.value()).get()}</p>
                }.into_any()),
            }}
            {can_add.then(|| view! {
                <form method="post" action=format!("/uploads/review/{order_id}") enctype="multipart/form-data" class="upload-form review-photo-form">
                    <crate::components::ImageInput label=t(Msg::ReviewPhotoChoose).to_string()/>
                    <button type="submit" class="btn btn-plain btn-small">{t(Msg::ReviewPhotoUpload)}</button>
                </form>
                <p class="hint">{t(Msg::ReviewPhotoHint)}</p>
            })}
            <p class="field-error" role="alert">{upload_error}</p>
            {move || uploaded().then(|| view! { <p class="toast" role="status">{t(Msg::ReviewPhotoUploaded)}</p> })}
        </div>
    }
}

/// The review's short video, and while it has none the form that adds one
/// (a plain post that comes back with `?uploaded=review_video` or
/// `?video_error=…`). Its author takes it off as they take off a photo.
#[component]
fn ReviewVideo(order_id: i64, video: Option<String>, can_add: bool, mine: bool, remove: ServerAction<RemoveReviewPhoto>) -> impl IntoView {
    let query = use_query_map();
    let video_error = move || query.with(|q| q.get("video_error")).map(|code| t(crate::pages::worker::upload_error_text(&code)));
    let uploaded = move || query.with(|q| q.get("uploaded").as_deref() == Some("review_video"));
    crate::browser::forget_notice_query(&["uploaded", "video_error"]);
    view! {
        <div class="review-video-panel">
            {video.map(|src| view! {
                <VideoClip src=src.clone()/>
                {mine.then(|| view! {
                    <ActionForm action=remove attr:class="remove-photo-form">
                        <input type="hidden" name="order_id" value=order_id/>
                        <input type="hidden" name="photo" value=src/>
                        <button type="submit" class="btn btn-plain btn-small" disabled=move || remove.pending().get()>{t(Msg::RemoveReviewVideo)}</button>
                    </ActionForm>
                })}
            })}
            {can_add.then(|| view! {
                <VideoUploadForm action=format!("/uploads/review/{order_id}/video") label=Msg::ReviewVideoChoose button=Msg::ReviewVideoUpload/>
                <p class="hint">{t(Msg::ReviewVideoHint)}</p>
            })}
            <p class="field-error" role="alert">{video_error}</p>
            {move || uploaded().then(|| view! { <p class="toast" role="status">{t(Msg::ReviewVideoUploaded)}</p> })}
        </div>
    }
}

#[component]
fn OrderBody(
    order: OrderView,
    cancel: ServerAction<CancelOrder>,
    cancel_series: ServerAction<CancelSeriesFrom>,
    reschedule: ServerAction<RescheduleOrder>,
    choice: MoveChoice,
    review: ServerAction<ReviewOrder>,
    keep: ServerAction<SetFavoriteWorker>,
    confirm: ServerAction<ConfirmService>,
    remove_photo: ServerAction<RemoveReviewPhoto>,
    unread: Resource<Result<Vec<ChatUnread>, AppError>>,
    asks: OrderAsks,
) -> impl IntoView {
    let state = order.card.state;
    let id = order.card.id;
    let confirming = asks.confirm_cancel;
    let cancel_value = cancel.value();
    // On a visit of a series, the plain cancel is said to be this visit's alone.
    let cancel_label = if order.series_visits.is_empty() { Msg::CancelOrder } else { Msg::CancelThisVisit };
    let ends_package = order.series_cancel.is_some_and(|rest| rest.ends_package);
    let review_value = review.value();
    let hint = match state {
        OrderState::PendingPayment => Some(Msg::HintPendingPayment),
        OrderState::Booked => Some(Msg::HintBooked),
        OrderState::Accepted => Some(Msg::HintAccepted),
        OrderState::Departed => Some(Msg::HintDeparted),
        OrderState::Refunding => Some(Msg::HintRefunding),
        _ => None,
    };
    view! {
        <section class=format!("order-status state-bg-{}", state.as_str())>
            <StateBadge state/>
            <p class="order-status-title">{order.card.service_name.clone()}</p>
            {hint.map(|h| view! { <p class="muted">{t(h)}</p> })}
            {order.offer_at.map(|at| view! { <p class="muted deferred-note">{t(Msg::DeferredNote)}{format_beijing(at)}</p> })}
            {(state == OrderState::PendingPayment).then(|| view! {
                <a class="btn btn-primary" href=format!("/pay/{id}")>{t(Msg::GoPay)}</a>
            })}
        </section>
        {order.worker_id.is_some().then(|| view! {
            <div class="form">
                <ChatLink unread thread=ChatThread::Order(id).key() href=format!("/orders/{id}/chat") label=Msg::ChatWithWorker/>
            </div>
        })}
        {order.proof.clone().map(|proof| view! { <ProofPanel order_id=id proof confirm/> })}
        {(!order.series_visits.is_empty()).then(|| view! { <SeriesVisits visits=order.series_visits.clone() current=id/> })}
        <h3 class="section-title">{t(Msg::TimelineHeading)}</h3>
        <Timeline entries=order.timeline.clone()/>
        <h3 class="section-title">{t(Msg::OrderInfo)}</h3>
        <OrderFacts order=order.clone()/>
        <h3 class="section-title">{t(Msg::QuoteHeading)}</h3>
        <QuoteLines quote=order.quote.clone()/>
        {order.worker_id.zip(order.worker_favorite).map(|(worker_id, kept)| view! {
            <ActionForm action=keep attr:class="form keep-worker">
                <input type="hidden" name="worker_id" value=worker_id/>
                <input type="hidden" name="favorite" value=(!kept).to_string()/>
                <button type="submit" class="btn btn-plain btn-block" aria-pressed=kept.to_string()>
                    {t(if kept { Msg::UnfavoriteWorker } else { Msg::FavoriteWorker })}
                </button>
                <p class="hint">{t(Msg::FavoriteWorkerHint)}</p>
            </ActionForm>
        })}

        {order.reschedules_left.map(|left| view! { <RescheduleForm order_id=id left action=reschedule choice/> })}

        {order.cancel_fee_now.map(|fee| view! {
            <div class="form">
                <CancelRules tiers=order.cancel_tiers.clone()/>
                <p class="form-error" role="alert">{move || form_error(cancel_value).get()}</p>
                // A package's visits are not dropped one by one for free: it ends whole (B6).
                {(!ends_package || fee > 0).then(|| view! {
                    <Show when=move || confirming.get() fallback=move || view! {
                        <button type="button" class="btn btn-danger-plain btn-block" on:click=move |_| confirming.set(true)>{t(cancel_label)}</button>
                    }>
                        <div class="confirm-box" role="dialog" aria-label=t(cancel_label)>
                            <p>{if fee > 0 { format!("{}{}", t(Msg::CancelWithFee), money(fee)) } else { t(Msg::CancelFree).to_string() }}</p>
                            <div class="confirm-actions">
                                <button type="button" class="btn btn-plain" on:click=move |_| confirming.set(false)>{t(Msg::KeepOrder)}</button>
                                <button type="button" class="btn btn-danger" on:click=move |_| { cancel.dispatch(CancelOrder { order_id: id }); confirming.set(false); }>
                                    {t(Msg::ConfirmCancel)}
                                </button>
                            </div>
                        </div>
                    </Show>
                })}
                {order.series_cancel.map(|rest| view! { <SeriesCancelForm order_id=id rest action=cancel_series confirming=asks.confirm_series_cancel/> })}
            </div>
        })}

        {order.review.clone().map(|r| view! {
            <h3 class="section-title" id="my-review">{t(Msg::MyReview)}</h3>
            <div class="cells">
                <div class="cell"><span>{t(Msg::RateQuality)}</span><span class="stars">{"★".repeat(r.quality as usize)}</span></div>
                <div class="cell"><span>{t(Msg::RateAttitude)}</span><span class="stars">{"★".repeat(r.attitude as usize)}</span></div>
                <div class="cell"><span>{t(Msg::RateResult)}</span><span class="stars">{"★".repeat(r.result as usize)}</span></div>
                {(!r.body.is_empty()).then(|| view! { <div class="cell cell-multiline"><span class="review-body">{r.body.clone()}</span></div> })}
            </div>
            <ReviewPhotos order_id=id photos=r.photos.clone() can_add=r.can_add_photos mine=r.mine remove=remove_photo/>
            <ReviewVideo order_id=id video=r.video.clone() can_add=r.can_add_video mine=r.mine remove=remove_photo/>
        })}

        {order.can_review.then(|| view! {
            <h3 class="section-title">{t(Msg::ReviewHeading)}</h3>
            <ActionForm action=review attr:class="form review-form">
                <input type="hidden" name="order_id" value=id/>
                <div class="cells">
                    <StarField name="quality" label=Msg::RateQuality stars=asks.ratings[0]/>
                    <StarField name="attitude" label=Msg::RateAttitude stars=asks.ratings[1]/>
                    <StarField name="result" label=Msg::RateResult stars=asks.ratings[2]/>
                    <div class="cell">
                        <textarea name="body" class="notes" maxlength="500" aria-label=t(Msg::ReviewHeading) placeholder=t(Msg::ReviewPlaceholder)
                            prop:value=move || asks.review_body.get() on:input=move |ev| asks.review_body.set(event_target_value(&ev))></textarea>
                    </div>
                </div>
                <p class="field-error" role="alert">{move || field_error(review_value, Field::Rating).get().or(field_error(review_value, Field::Review).get())}</p>
                <p class="form-error" role="alert">{move || form_error(review_value).get()}</p>
                <button type="submit" class="btn btn-primary btn-block">{t(Msg::SubmitReview)}</button>
            </ActionForm>
        })}

        {matches!(state, OrderState::Completed | OrderState::Cancelled | OrderState::Refunded).then(|| view! {
            <div class="form">
                <a class="btn btn-plain btn-block" href=format!("/book/{}?rebook={id}", order.service_id)>
                    {t(if order.series_visits.is_empty() { Msg::Rebook } else { Msg::RebookSeries })}
                </a>
            </div>
        })}
        {(state != OrderState::PendingPayment).then(|| view! {
            <p class="feedback-link"><a href=format!("/me/feedback?order={id}")>{t(Msg::FeedbackOnOrder)}</a></p>
        })}
    }
}

/// 改期: opens the order's worker's free slots; a chosen one, confirmed,
/// moves the order there.
#[component]
fn RescheduleForm(order_id: i64, left: u32, action: ServerAction<RescheduleOrder>, choice: MoveChoice) -> impl IntoView {
    view! {
        <div class="form reschedule" data-reschedules-left=left>
            <Show when=move || choice.open.get() fallback=move || view! {
                <button type="button" class="btn btn-plain btn-block" on:click=move |_| choice.open.set(true)>{t(Msg::Reschedule)}</button>
                <p class="hint">{tf(Msg::RescheduleHint, &[&left])}</p>
            }>
                <RescheduleSlots order_id action choice/>
            </Show>
        </div>
    }
}

#[component]
fn RescheduleSlots(order_id: i64, action: ServerAction<RescheduleOrder>, choice: MoveChoice) -> impl IntoView {
    let days = Resource::new(move || order_id, reschedule_slots);
    let value = action.value();
    view! {
        <h3 class="section-title">{t(Msg::RescheduleHeading)}</h3>
        <MoveSlots days choice/>
        <p class="hint">{t(Msg::ReschedulePriceHint)}</p>
        <p class="field-error" role="alert">{move || field_error(value, Field::Slot).get()}</p>
        <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        <div class="confirm-actions">
            <button type="button" class="btn btn-plain" on:click=move |_| choice.close()>{t(Msg::KeepTime)}</button>
            <button type="button" class="btn btn-primary" disabled=move || choice.slot.get().is_none() || action.pending().get()
                on:click=move |_| {
                    if let Some(start) = choice.slot.get() {
                        action.dispatch(RescheduleOrder { order_id, start });
                    }
                }>
                {t(Msg::ConfirmReschedule)}
            </button>
        </div>
    }
}

/// 取消本次及之后 (B6): this visit and the later ones of its series in one
/// go, after saying how many and what they cost together.
#[component]
fn SeriesCancelForm(order_id: i64, rest: SeriesCancel, action: ServerAction<CancelSeriesFrom>, confirming: RwSignal<bool>) -> impl IntoView {
    let value = action.value();
    let question = match (rest.ends_package, rest.fee_fen, rest.package_fen) {
        (false, 0, _) => tf(Msg::CancelSeriesFree, &[&rest.visits]),
        (false, fee, _) => tf(Msg::CancelSeriesWithFee, &[&rest.visits, &money(fee)]),
        (true, 0, _) => tf(Msg::EndPackageFree, &[&rest.visits]),
        (true, fee, 0) => tf(Msg::EndPackageWithCancelFee, &[&rest.visits, &money(fee)]),
        (true, fee, difference) => tf(Msg::EndPackageWithFee, &[&rest.visits, &money(fee), &money(difference)]),
    };
    let (label, hint, keep, confirm) = match rest.ends_package {
        true => (tf(Msg::EndPackage, &[&rest.visits]), t(Msg::EndPackageHint), Msg::KeepPackage, Msg::ConfirmEndPackage),
        false => (tf(Msg::CancelSeriesFrom, &[&rest.visits]), t(Msg::CancelSeriesHint), Msg::KeepOrder, Msg::ConfirmCancel),
    };
    let dialog_label = label.clone();
    view! {
        <div class="series-cancel" data-series-cancel=rest.visits>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="btn btn-danger-plain btn-block" on:click=move |_| confirming.set(true)>
                    {label.clone()}
                </button>
                <p class="hint">{hint}</p>
            }>
                <div class="confirm-box" role="dialog" aria-label=dialog_label.clone()>
                    <p>{question.clone()}</p>
                    <div class="confirm-actions">
                        <button type="button" class="btn btn-plain" on:click=move |_| confirming.set(false)>{t(keep)}</button>
                        <button type="button" class="btn btn-danger" on:click=move |_| { action.dispatch(CancelSeriesFrom { order_id }); confirming.set(false); }>
                            {t(confirm)}
                        </button>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// Five radio stars for one rating (works without JavaScript); `stars`
/// keeps the choice across a redraw.
#[component]
fn StarField(name: &'static str, label: Msg, stars: RwSignal<u8>) -> impl IntoView {
    view! {
        <fieldset class="cell star-field">
            <legend>{t(label)}</legend>
            <div class="stars-input">
                {(1..=5)
                    .rev()
                    .map(|n| {
                        let id = format!("{name}-{n}");
                        view! {
                            <input type="radio" id=id.clone() name=name value=n checked=n == stars.get_untracked()
                                on:change=move |_| stars.set(n)/>
                            <label for=id title=format!("{n}")>"★"</label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// The fee steps of this order, so the customer knows before cancelling what
/// it costs and when that changes (B5).
#[component]
fn CancelRules(tiers: Vec<CancelTier>) -> impl IntoView {
    let first = tiers.first().map(|tier| tier.after);
    (!tiers.is_empty()).then(|| view! {
        <div class="cancel-rules" data-cancel-rules="">
            <p class="cancel-rules-title">{t(Msg::CancelRulesHeading)}</p>
            <ul>
                {first.map(|after| view! { <li>{tf(Msg::CancelRuleFreeUntil, &[&format_beijing(after)[5..].to_string()])}</li> })}
                {tiers.into_iter().map(|tier| view! {
                    <li data-fee-fen=tier.fee_fen>
                        {tf(Msg::CancelRuleFeeAfter, &[&format_beijing(tier.after)[5..].to_string(), &money(tier.fee_fen), &percent_of_bps(tier.fee_bps)])}
                    </li>
                }).collect_view()}
                <li>{t(Msg::CancelRuleNotAfterArrival)}</li>
            </ul>
        </div>
    })
}
