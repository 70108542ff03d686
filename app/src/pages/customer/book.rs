use crate::api::orders::{booking_slots, booking_start, quote_series, quote_service, BookingDraft, DaySlots, PlaceOrder, PlaceOutcome};
use crate::api::pricing::booking_coupons;
use crate::browser::locate;
use crate::components::{field_error, form_error, ErrorState, PhoneShell, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use crate::pages::customer::home::unit_label;
use crate::pages::order_ui::{cancel_rules_sentence, money, QuoteLines};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// 预约: units, address (with the device position), date and slot, the
/// itemized quote, then 提交订单 with the total beside it.
#[component]
pub fn BookPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let service_id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let rebook = move || query.with(|q| q.get("rebook").and_then(|v| v.parse::<i64>().ok()));
    let draft = Resource::new(move || (service_id(), rebook()), |(id, rebook)| booking_start(id, rebook));
    view! {
        <PhoneShell title=Msg::BookTitle>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match draft.await {
                        Ok(draft) => view! { <BookingForm draft rebook=rebook()/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

fn parse_point(lat: &str, lng: &str) -> Option<(f64, f64)> {
    let lat: f64 = lat.trim().parse().ok()?;
    let lng: f64 = lng.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) && !(lat == 0.0 && lng == 0.0)).then_some((lat, lng))
}

#[component]
fn BookingForm(draft: BookingDraft, rebook: Option<i64>) -> impl IntoView {
    let service = draft.service.clone();
    let service_id = service.id;
    let unit = service.unit;
    let min_units = service.min_units;
    let max_units = service.max_units;
    let address = draft.address.clone();
    let address_book = draft.address_book.clone();
    let units = RwSignal::new(draft.units);
    let contact_name = RwSignal::new(address.as_ref().map(|a| a.contact_name.clone()).unwrap_or_default());
    let contact_phone = RwSignal::new(address.as_ref().map(|a| a.contact_phone.clone()).unwrap_or_default());
    let address_text = RwSignal::new(address.as_ref().map(|a| a.address_text.clone()).unwrap_or_default());
    let lat = RwSignal::new(address.as_ref().map(|a| format!("{:.6}", a.lat)).unwrap_or_default());
    let lng = RwSignal::new(address.as_ref().map(|a| format!("{:.6}", a.lng)).unwrap_or_default());
    let notes = RwSignal::new(draft.notes.clone());
    let selected_day = RwSignal::new(0usize);
    let selected_slot = RwSignal::new(None::<i64>);
    let slot_missing = RwSignal::new(false);
    let locating = RwSignal::new(false);
    let locate_failed = RwSignal::new(false);

    let point = Memo::new(move |_| parse_point(&lat.get(), &lng.get()));
    let claim = RwSignal::new(None::<i64>);
    let addons = RwSignal::new(draft.addons.clone());
    let joined = move || Some(addons.get().join(","));
    // B6: repeat the booking with the same worker; empty for once.
    let repeat = RwSignal::new(draft.repeat.clone());
    let visits = RwSignal::new(if draft.visits > 0 { draft.visits } else { 4 });
    let repeated = draft.repeat.clone();
    let package_note = draft.series_discount_note.clone();
    let quoted_visits = move || (!repeat.with(String::is_empty)).then(|| visits.get());
    // The quote follows every input the price depends on: units, add-ons,
    // the slot (time surcharges), the position (distance fee), the coupon
    // and a series' visits (its package price).
    let quote = Resource::new(
        move || (units.get(), joined(), selected_slot.get(), point.get(), claim.get(), quoted_visits()),
        move |(u, extras, start, point, claim, n)| quote_service(service_id, u, extras, start, point.map(|p| p.0), point.map(|p| p.1), claim, n),
    );
    let coupons = Resource::new(
        move || (units.get(), joined(), selected_slot.get(), point.get()),
        move |(u, extras, start, point)| booking_coupons(service_id, u, extras, start, point.map(|p| p.0), point.map(|p| p.1)),
    );
    // 服务人员性别: only slots a worker of that gender can take.
    let worker_gender = RwSignal::new(draft.worker_gender.clone());
    let preferred = draft.worker_gender.clone();
    let slots = Resource::new(
        move || (units.get(), point.get(), worker_gender.get()),
        move |(u, point, gender)| async move {
            match point {
                Some((la, ln)) => booking_slots(service_id, u, la, ln, Some(gender)).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // Each visit's own price (a holiday costs more), once a slot is chosen.
    let series_prices = Resource::new(
        move || (units.get(), joined(), selected_slot.get(), point.get(), (repeat.get(), visits.get()), claim.get()),
        move |(u, extras, start, point, (repeat, n), claim)| async move {
            match start {
                Some(start) if !repeat.is_empty() => {
                    quote_series(service_id, u, extras, start, point.map(|p| p.0), point.map(|p| p.1), repeat, n, claim).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    let visit_prices = move || series_prices.get().and_then(Result::ok).flatten();
    let visit_count = move || if repeat.with(String::is_empty) { 1 } else { i64::from(visits.get()) };
    // The single visit's quote, or the series' sum of its visits' prices.
    let total = move || {
        let first = quote.get().and_then(|q| q.ok()).map(|q| q.total.get())?;
        match visit_count() {
            1 => Some(first),
            _ => visit_prices().map(|prices| prices.iter().sum()),
        }
    };
    let place = ServerAction::<PlaceOrder>::new();
    let value = place.value();
    let new_price = move || match value.get() {
        Some(Ok(PlaceOutcome::QuoteChanged { quote })) => Some(quote.total.to_string()),
        _ => None,
    };
    Effect::new(move |_| {
        if new_price().is_some() {
            quote.refetch();
        }
    });

    let use_my_location = move |_| {
        locating.set(true);
        locate_failed.set(false);
        locate(move |found| {
            locating.set(false);
            match found {
                Some((la, ln)) => {
                    lat.set(format!("{la:.6}"));
                    lng.set(format!("{ln:.6}"));
                }
                None => locate_failed.set(true),
            }
        });
    };

    let submit = move |_| {
        let Some(start) = selected_slot.get() else {
            slot_missing.set(true);
            return;
        };
        slot_missing.set(false);
        let quoted_total_fen = quote.get().and_then(|q| q.ok()).map(|q| q.total.get()).unwrap_or(-1);
        place.dispatch(PlaceOrder {
            service_id,
            units: units.get(),
            start,
            quoted_total_fen,
            contact_name: contact_name.get(),
            contact_phone: contact_phone.get(),
            address_text: address_text.get(),
            lat: lat.get(),
            lng: lng.get(),
            notes: notes.get(),
            rebook,
            claim_id: claim.get(),
            addons: joined(),
            worker_gender: Some(worker_gender.get()),
            repeat: Some(repeat.get()),
            visits: Some(visits.get()),
        });
    };

    let slot_error = Signal::derive(move || {
        if slot_missing.get() {
            Some(t(Msg::ChooseSlot))
        } else {
            field_error(value, Field::Slot).get()
        }
    });
    let location_error = field_error(value, Field::Location);

    view! {
        <section class="book-service">
            <h2 class="detail-title">{service.name.clone()}</h2>
            <p class="muted">{service.summary.clone()}</p>
        </section>

        <h3 class="section-title">{t(Msg::Quantity)}</h3>
        <div class="cells">
            <div class="cell">
                <span>{t(Msg::Quantity)}"（"{unit_label(unit)}"）"</span>
                <div class="stepper">
                    <button type="button" class="stepper-btn" aria-label=t(Msg::Decrease)
                        disabled=move || { units.get() <= min_units }
                        on:click=move |_| units.update(|u| *u = (*u - 1).max(min_units))>"−"</button>
                    <span class="stepper-value" data-testid="units">{move || units.get()}</span>
                    <button type="button" class="stepper-btn" aria-label=t(Msg::Increase)
                        disabled=move || { units.get() >= max_units }
                        on:click=move |_| units.update(|u| *u = (*u + 1).min(max_units))>"+"</button>
                </div>
            </div>
        </div>
        <p class="field-error" role="alert">{move || field_error(value, Field::Units).get()}</p>

        {(!service.addons.is_empty()).then(|| view! {
            <h3 class="section-title">{t(Msg::AddOnsTitle)}</h3>
            <div class="cells">
                {service.addons.iter().map(|a| {
                    let code = a.code.clone();
                    let checked = { let code = code.clone(); move || addons.with(|list| list.contains(&code)) };
                    view! {
                        <label class="cell addon-cell">
                            <span>{a.name.clone()}</span>
                            <span class="cell-value">"+"{money(a.price_fen)}
                                <input type="checkbox" checked=checked.clone() prop:checked=checked on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let code = code.clone();
                                    addons.update(|list| {
                                        list.retain(|c| *c != code);
                                        if on {
                                            list.push(code);
                                        }
                                    });
                                }/>
                            </span>
                        </label>
                    }
                }).collect_view()}
            </div>
        })}
        <p class="field-error" role="alert">{move || field_error(value, Field::AddOns).get()}</p>

        <h3 class="section-title">{t(Msg::ServiceAddress)}</h3>
        {(!address_book.is_empty()).then(|| view! {
            <div class="filter-chips saved-addresses" role="group" aria-label=t(Msg::SavedAddresses)>
                {address_book.into_iter().map(|a| {
                    let lat_text = format!("{:.6}", a.lat);
                    let lng_text = format!("{:.6}", a.lng);
                    let chosen = {
                        let (text, la, ln) = (a.address_text.clone(), lat_text.clone(), lng_text.clone());
                        Memo::new(move |_| address_text.with(|t| *t == text) && lat.with(|v| *v == la) && lng.with(|v| *v == ln))
                    };
                    let pick = {
                        let a = a.clone();
                        move |_| {
                            contact_name.set(a.contact_name.clone());
                            contact_phone.set(a.contact_phone.clone());
                            address_text.set(a.address_text.clone());
                            lat.set(lat_text.clone());
                            lng.set(lng_text.clone());
                            // Slots depend on the place: the chosen time may no longer be free.
                            selected_slot.set(None);
                        }
                    };
                    view! {
                        <button type="button" class="chip saved-address" class:active=chosen
                            aria-pressed=move || chosen.get().to_string() on:click=pick>
                            <span class="saved-address-label">{a.label.clone()}</span>" "{a.address_text.clone()}
                        </button>
                    }
                }).collect_view()}
            </div>
        })}
        <div class="cells">
            <div class="cell input-cell">
                <label for="f-contact_name">{t(Msg::ContactName)}</label>
                <input id="f-contact_name" autocomplete="name" maxlength="20" value=contact_name prop:value=contact_name
                    on:input=move |ev| contact_name.set(event_target_value(&ev))/>
            </div>
            <p class="field-error" id="f-contact_name-error" role="alert">{move || field_error(value, Field::ContactName).get()}</p>
            <div class="cell input-cell">
                <label for="f-contact_phone">{t(Msg::ContactPhone)}</label>
                <input id="f-contact_phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="20" value=contact_phone prop:value=contact_phone
                    on:input=move |ev| contact_phone.set(event_target_value(&ev))/>
            </div>
            <p class="field-error" id="f-contact_phone-error" role="alert">{move || field_error(value, Field::ContactPhone).get()}</p>
            <div class="cell input-cell">
                <label for="f-address">{t(Msg::AddressDetail)}</label>
                <input id="f-address" autocomplete="street-address" maxlength="100" placeholder=t(Msg::AddressPlaceholder)
                    value=address_text prop:value=address_text on:input=move |ev| address_text.set(event_target_value(&ev))/>
            </div>
            <p class="field-error" id="f-address-error" role="alert">{move || field_error(value, Field::Address).get()}</p>
            <div class="cell location-cell">
                <span>{t(Msg::Coordinates)}</span>
                <input aria-label=t(Msg::Latitude) id="f-lat" inputmode="decimal" placeholder=t(Msg::Latitude) value=lat prop:value=lat
                    on:input=move |ev| lat.set(event_target_value(&ev))/>
                <input aria-label=t(Msg::Longitude) id="f-lng" inputmode="decimal" placeholder=t(Msg::Longitude) value=lng prop:value=lng
                    on:input=move |ev| lng.set(event_target_value(&ev))/>
                <button type="button" class="btn btn-plain btn-small" on:click=use_my_location disabled=move || locating.get()>
                    {move || if locating.get() { t(Msg::Locating) } else { t(Msg::Locate) }}
                </button>
            </div>
            <p class="field-error" id="f-location-error" role="alert">
                {move || if locate_failed.get() { Some(t(Msg::LocateFailed)) } else { location_error.get() }}
            </p>
        </div>

        <h3 class="section-title">{t(Msg::ServiceTime)}</h3>
        <div class="cells">
            <div class="cell input-cell select-cell">
                <label for="f-worker-gender">{t(Msg::WorkerGenderPreference)}</label>
                <select id="f-worker-gender" on:change=move |ev| { selected_slot.set(None); worker_gender.set(event_target_value(&ev)); }>
                    <option value="" selected=preferred.is_empty()>{t(Msg::GenderAny)}</option>
                    <option value="female" selected=preferred == "female">{t(Msg::GenderFemale)}</option>
                    <option value="male" selected=preferred == "male">{t(Msg::GenderMale)}</option>
                </select>
            </div>
            <p class="field-error" id="f-gender-error" role="alert">{move || field_error(value, Field::Gender).get()}</p>
        </div>
        <Transition fallback=|| view! { <Skeleton rows=2/> }>
            {move || Suspend::new(async move {
                match slots.await {
                    Ok(Some(days)) => view! { <SlotPicker days selected_day selected_slot/> }.into_any(),
                    Ok(None) => view! { <p class="hint">{t(Msg::LocateFirst)}</p> }.into_any(),
                    Err(error) => view! { <p class="field-error" role="alert">{error.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        <p class="field-error" id="f-slot-error" role="alert">{move || slot_error.get()}</p>

        <h3 class="section-title">{t(Msg::RepeatTitle)}</h3>
        <div class="cells">
            <div class="cell input-cell select-cell">
                <label for="f-repeat">{t(Msg::RepeatLabel)}</label>
                <select id="f-repeat" on:change=move |ev| repeat.set(event_target_value(&ev))>
                    <option value="" selected=repeated.is_empty()>{t(Msg::RepeatOnce)}</option>
                    <option value="weekly" selected=repeated == "weekly">{t(Msg::RepeatWeekly)}</option>
                    <option value="biweekly" selected=repeated == "biweekly">{t(Msg::RepeatBiweekly)}</option>
                </select>
            </div>
            {move || (!repeat.with(String::is_empty)).then(|| view! {
                <div class="cell input-cell select-cell">
                    <label for="f-visits">{t(Msg::RepeatVisits)}</label>
                    <select id="f-visits" on:change=move |ev| visits.set(event_target_value(&ev).parse().unwrap_or(4))>
                        {(i32::from(booking::MIN_SERIES_VISITS)..=i32::from(booking::MAX_SERIES_VISITS)).map(|n| view! {
                            <option value=n selected=move || visits.get() == n>{n}{t(Msg::RepeatVisitsUnit)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <p class="hint series-hint">{t(Msg::RepeatSameWorker)}</p>
                {package_note.clone().map(|note| view! {
                    <p class="hint series-package-hint">{note}</p>
                    <p class="hint series-package-terms">{t(Msg::PackageTerms)}</p>
                })}
                {move || visit_prices().filter(|prices| prices.iter().any(|p| *p != prices[0])).map(|prices| {
                    let list = prices.iter().map(|p| money(*p)).collect::<Vec<_>>().join(" / ");
                    view! { <p class="hint series-prices">{tf(Msg::SeriesVisitPrices, &[&list])}</p> }
                })}
            })}
        </div>
        <p class="field-error" id="f-repeat-error" role="alert">{move || field_error(value, Field::Repeat).get()}</p>

        <h3 class="section-title">{t(Msg::NotesLabel)}</h3>
        <div class="cells">
            <div class="cell">
                <textarea class="notes" aria-label=t(Msg::NotesLabel) maxlength="200" placeholder=t(Msg::NotesPlaceholder)
                    prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </div>
        </div>
        <p class="field-error" role="alert">{move || field_error(value, Field::Notes).get()}</p>

        <h3 class="section-title">{t(Msg::CouponPick)}</h3>
        <Transition fallback=|| view! { <Skeleton rows=1/> }>
            {move || Suspend::new(async move {
                let choices = coupons.await.unwrap_or_default();
                let usable = choices.iter().filter(|c| c.usable).count();
                view! {
                    <div class="cells">
                        <div class="cell input-cell">
                            <label for="f-coupon">{usable}" "{t(Msg::CouponsUsableCount)}</label>
                            <select id="f-coupon" on:change=move |ev| claim.set(event_target_value(&ev).parse::<i64>().ok())>
                                <option value="" selected=move || claim.get().is_none()>{t(Msg::NoCouponOption)}</option>
                                {choices.into_iter().map(|c| {
                                    let id = c.claim_id;
                                    let text = match &c.reason {
                                        Some(reason) => format!("{}（{}）", c.label, reason),
                                        None => c.label.clone(),
                                    };
                                    view! { <option value=id disabled=!c.usable selected=move || claim.get() == Some(id)>{text}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    </div>
                }
            })}
        </Transition>
        {move || (claim.get().is_some() && !repeat.with(String::is_empty)).then(|| view! { <p class="hint series-coupon-hint">{t(Msg::SeriesCouponFirstVisit)}</p> })}
        <p class="field-error" id="f-coupon-error" role="alert">{move || field_error(value, Field::Coupon).get()}</p>

        <h3 class="section-title">{t(Msg::QuoteHeading)}</h3>
        <Transition fallback=|| view! { <Skeleton rows=1/> }>
            {move || Suspend::new(async move {
                match quote.await {
                    Ok(q) => view! { <QuoteLines quote=q/> }.into_any(),
                    Err(error) => view! { <p class="field-error" role="alert">{error.message()}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || (visit_count() > 1).then(|| total().map(|sum| {
            // The quote above is the first visit's; it stands for every visit only when they cost the same.
            let alike = visit_prices().is_some_and(|prices| prices.iter().all(|p| *p == prices[0]));
            let note = if alike { Msg::SeriesQuoteNote } else { Msg::SeriesFirstQuoteNote };
            view! { <p class="hint series-quote-note">{tf(note, &[&visit_count(), &money(sum)])}</p> }
        })).flatten()}
        {move || new_price().map(|price| view! {
            <p class="notice notice-warning" role="status">{t(Msg::QuoteChanged)}" "{price}</p>
        })}
        <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        <p class="hint cancel-rules-hint">{cancel_rules_sentence(&draft.cancel_rules)}</p>

        <div class="submit-bar">
            <div class="submit-total">
                <span class="muted">{move || match visit_count() {
                    1 => t(Msg::Total).to_string(),
                    n => tf(Msg::SeriesTotal, &[&n]),
                }}</span>
                <span class="price" data-testid="book-total">{move || total().map(money).unwrap_or_default()}</span>
            </div>
            <button type="button" class="btn btn-primary" on:click=submit disabled=move || place.pending().get()>
                {move || if place.pending().get() { t(Msg::Submitting) } else { t(Msg::SubmitOrder) }}
            </button>
        </div>
    }
}

/// Where the customer's 改期 picker stands, kept by the order page: a live
/// update re-renders the order, and must not close the picker or drop the
/// day and slot being chosen.
#[derive(Clone, Copy)]
pub(crate) struct MoveChoice {
    pub open: RwSignal<bool>,
    pub day: RwSignal<usize>,
    pub slot: RwSignal<Option<i64>>,
}

impl MoveChoice {
    pub fn new() -> Self {
        MoveChoice { open: RwSignal::new(false), day: RwSignal::new(0), slot: RwSignal::new(None) }
    }

    pub fn close(&self) {
        self.open.set(false);
        self.slot.set(None);
    }
}

/// 改期's slots, once read: the picker, or why they could not be read.
#[component]
pub(crate) fn MoveSlots(days: Resource<Result<Vec<DaySlots>, AppError>>, choice: MoveChoice) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Skeleton rows=3/> }>
            {move || Suspend::new(async move {
                match days.await {
                    Ok(days) => view! { <SlotPicker days selected_day=choice.day selected_slot=choice.slot/> }.into_any(),
                    Err(error) => view! { <ErrorState error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub(crate) fn SlotPicker(days: Vec<DaySlots>, selected_day: RwSignal<usize>, selected_slot: RwSignal<Option<i64>>) -> impl IntoView {
    let days = StoredValue::new(days);
    view! {
        <div class="day-tabs" role="tablist" aria-label=t(Msg::ChooseDate)>
            {days.with_value(|days| {
                days.iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let open = d.slots.iter().any(|s| s.available);
                        view! {
                            <button type="button" role="tab" class="day-tab" class:active=move || selected_day.get() == i
                                class:full=!open aria-selected=move || (selected_day.get() == i).to_string()
                                on:click=move |_| selected_day.set(i)>
                                <span class="day-weekday">{d.weekday_label.clone()}</span>
                                <span class="day-date">{d.date_label.clone()}</span>
                            </button>
                        }
                    })
                    .collect_view()
            })}
        </div>
        <div class="slot-grid">
            {move || {
                let day = selected_day.get();
                days.with_value(|days| {
                    days.get(day)
                        .map(|d| {
                            d.slots
                                .iter()
                                .map(|s| {
                                    let start = s.start;
                                    let available = s.available;
                                    let dearer = s.price_change_fen > 0;
                                    let note = match s.price_change_fen {
                                        fen if fen < 0 => tf(Msg::SlotRefund, &[&money(-fen)]),
                                        fen if fen > 0 && available => format!("+{}", money(fen)),
                                        fen if fen > 0 => t(Msg::SlotDearer).to_string(),
                                        _ => {
                                            let note = if available { Msg::SlotOpen } else if s.past { Msg::SlotPast } else if s.current { Msg::SlotCurrent } else { Msg::SlotFull };
                                            t(note).to_string()
                                        }
                                    };
                                    view! {
                                        <button type="button" class="slot" class:selected=move || selected_slot.get() == Some(start)
                                            disabled=!available aria-pressed=move || (selected_slot.get() == Some(start)).to_string()
                                            on:click=move |_| selected_slot.set(Some(start))>
                                            <span>{s.label.clone()}</span>
                                            <span class="slot-note" class:slot-note-dearer=dearer>{note}</span>
                                        </button>
                                    }
                                })
                                .collect_view()
                        })
                        .into_iter()
                        .collect_view()
                })
            }}
        </div>
    }
}
