use crate::api::format_beijing;
use crate::api::pricing::{
    admin_preview_quote, admin_pricing, AdminCreateCoupon, AdminSaveCancellationRules, AdminSaveLatenessRules, AdminSavePricing, AdminSetCouponActive,
    CancelRulesView, CouponAdminRow, LateRulesView, PricingAdminView, RulesForm,
};
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use crate::pages::order_ui::{cancel_rules_sentence, late_rules_sentence, late_tier_lines, money, tier_lines, QuoteLines};
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};

/// 价格策略: peak/weekend/holiday multipliers and the distance fee, with a
/// live preview that prices a service under the rules as typed, plus the
/// coupons on issue.
#[component]
pub fn PricingPage() -> impl IntoView {
    let save = ServerAction::<AdminSavePricing>::new();
    let create = ServerAction::<AdminCreateCoupon>::new();
    let toggle = ServerAction::<AdminSetCouponActive>::new();
    let save_cancel = ServerAction::<AdminSaveCancellationRules>::new();
    let save_late = ServerAction::<AdminSaveLatenessRules>::new();
    let view_data = Resource::new(
        move || (save.version().get(), create.version().get(), toggle.version().get(), save_cancel.version().get(), save_late.version().get()),
        |_| admin_pricing(),
    );
    view! {
        <AdminShell title=Msg::PricingTitle>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(data) => view! { <PricingDesk data save create toggle save_cancel save_late/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

/// `第2行：…` beside a multi-line field, or the plain message.
fn located_error<T, S>(value: S, field: Field) -> Signal<Option<String>>
where
    T: 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(err)) if err.field() == Some(field) => Some(err.located_message()),
        _ => None,
    })
}

#[component]
fn PricingDesk(
    data: PricingAdminView,
    save: ServerAction<AdminSavePricing>,
    create: ServerAction<AdminCreateCoupon>,
    toggle: ServerAction<AdminSetCouponActive>,
    save_cancel: ServerAction<AdminSaveCancellationRules>,
    save_late: ServerAction<AdminSaveLatenessRules>,
) -> impl IntoView {
    // The form as typed, shared with the preview so it prices unsaved rules.
    let form = RwSignal::new(data.rules.clone());
    let typed = data.rules.clone();
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let version_text = match data.updated_at {
        Some(at) => format!("v{} · {}", data.version, format_beijing(at)),
        None => t(Msg::NeverSaved).to_string(),
    };
    let bind = move |field: fn(&mut RulesForm) -> &mut String| move |ev| form.update(|f| *field(f) = event_target_value(&ev));
    let preview_data = data.clone();
    let (coupons, today) = (data.coupons.clone(), data.today.clone());
    let cancel = data.cancel.clone();
    let late = data.late.clone();

    view! {
        <div class="admin-columns pricing-columns">
            <div>
            <section class="panel">
                <h2 class="section-title">{t(Msg::PricingRulesTitle)}</h2>
                <p class="hint">{t(Msg::PricingRulesHint)}</p>
                <p class="muted" data-version=data.version>{t(Msg::RulesVersion)}" "{version_text}</p>
                <ActionForm action=save attr:class="form pricing-form" attr:novalidate=true>
                    <input type="hidden" name="version" value=data.version/>
                    <label for="f-peak">{t(Msg::PeakLabel)}</label>
                    <textarea id="f-peak" name="peak" rows="3" placeholder=t(Msg::PeakPlaceholder) on:input=bind(|f| &mut f.peak)>{typed.peak.clone()}</textarea>
                    <p class="field-error" id="f-peak-error" role="alert">{move || located_error(value, Field::PeakWindows).get()}</p>
                    <label for="f-weekend">{t(Msg::WeekendLabel)}</label>
                    <input id="f-weekend" name="weekend" inputmode="decimal" maxlength="5" value=typed.weekend.clone() on:input=bind(|f| &mut f.weekend)/>
                    <p class="field-error" id="f-weekend-error" role="alert">{move || field_error(value, Field::Weekend).get()}</p>
                    <label for="f-holidays">{t(Msg::HolidayLabel)}</label>
                    <textarea id="f-holidays" name="holidays" rows="5" placeholder=t(Msg::HolidayPlaceholder) on:input=bind(|f| &mut f.holidays)>{typed.holidays.clone()}</textarea>
                    <p class="field-error" id="f-holidays-error" role="alert">{move || located_error(value, Field::Holidays).get()}</p>
                    <label for="f-series">{t(Msg::SeriesDiscountLabel)}</label>
                    <textarea id="f-series" name="series" rows="2" placeholder=t(Msg::SeriesDiscountPlaceholder) on:input=bind(|f| &mut f.series)>{typed.series.clone()}</textarea>
                    <p class="field-error" id="f-series-error" role="alert">{move || located_error(value, Field::SeriesDiscounts).get()}</p>

                    <h3 class="section-title">{t(Msg::DistanceTitle)}</h3>
                    <label for="f-centre-lat">{t(Msg::CentreLabel)}</label>
                    <div class="inline-fields">
                        <input id="f-centre-lat" name="centre_lat" inputmode="decimal" aria-label=t(Msg::Latitude) value=typed.centre_lat.clone() on:input=bind(|f| &mut f.centre_lat)/>
                        <input id="f-centre-lng" name="centre_lng" inputmode="decimal" aria-label=t(Msg::Longitude) value=typed.centre_lng.clone() on:input=bind(|f| &mut f.centre_lng)/>
                    </div>
                    <p class="field-error" role="alert">{move || field_error(value, Field::Centre).get()}</p>
                    <label for="f-free-radius">{t(Msg::FreeRadiusLabel)}</label>
                    <input id="f-free-radius" name="free_radius_km" inputmode="decimal" value=typed.free_radius_km.clone() on:input=bind(|f| &mut f.free_radius_km)/>
                    <p class="field-error" role="alert">{move || field_error(value, Field::FreeRadius).get()}</p>
                    <label for="f-per-km">{t(Msg::PerKmLabel)}</label>
                    <input id="f-per-km" name="per_km" inputmode="decimal" value=typed.per_km.clone() on:input=bind(|f| &mut f.per_km)/>
                    <p class="field-error" role="alert">{move || field_error(value, Field::PerKm).get()}</p>
                    <label for="f-max-fee">{t(Msg::MaxFeeLabel)}</label>
                    <input id="f-max-fee" name="max_fee" inputmode="decimal" value=typed.max_fee.clone() on:input=bind(|f| &mut f.max_fee)/>
                    <p class="field-error" role="alert">{move || field_error(value, Field::MaxFee).get()}</p>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(Msg::SaveRules)}</button>
                    <Show when=saved><p class="toast" role="status">{t(Msg::RulesSaved)}</p></Show>
                </ActionForm>
            </section>
            <TieredRulesDesk rules=cancel_rules(&cancel) save=save_cancel/>
            <TieredRulesDesk rules=late_rules(&late) save=save_late/>
            </div>
            <div>
                <Preview data=preview_data form/>
                <CouponDesk coupons today create toggle/>
            </div>
        </div>
    }
}

/// What tells 价格策略's two tiered-rule desks (取消规则, 迟到扣款) apart.
struct TieredRules {
    /// Names the desk's class (`{kind}-rules-desk`) and its textarea (`f-{kind}-tiers`).
    kind: &'static str,
    field: Field,
    version: i64,
    updated_at: Option<i64>,
    /// The rules in force, one step a line, as the admin types them.
    lines: String,
    rows: u32,
    /// The sentence customers or workers will read, from the lines as typed (`None` while they do not parse).
    reader_sees: fn(&str) -> Option<String>,
    text: DeskText,
}

#[derive(Clone, Copy)]
struct DeskText {
    heading: Msg,
    admin_hint: Msg,
    built_in: Msg,
    label: Msg,
    placeholder: Msg,
    reader_sees: Msg,
    save: Msg,
    saved: Msg,
}

/// 取消规则: the customer cancellation tiers.
fn cancel_rules(cancel: &CancelRulesView) -> TieredRules {
    TieredRules {
        kind: "cancel",
        field: Field::CancelTiers,
        version: cancel.version,
        updated_at: cancel.updated_at,
        lines: tier_lines(&cancel.tiers),
        rows: 4,
        reader_sees: |typed| booking::CancellationPolicy::parse_lines(typed).ok().map(|policy| cancel_rules_sentence(policy.tiers())),
        text: DeskText {
            heading: Msg::CancelRulesHeading,
            admin_hint: Msg::CancelRulesAdminHint,
            built_in: Msg::CancelRulesDefault,
            label: Msg::CancelTiersLabel,
            placeholder: Msg::CancelTiersPlaceholder,
            reader_sees: Msg::CancelRulesCustomerSees,
            save: Msg::SaveCancelRules,
            saved: Msg::CancelRulesSaved,
        },
    }
}

/// 迟到扣款: the worker late-arrival tiers and the no-show penalty.
fn late_rules(late: &LateRulesView) -> TieredRules {
    TieredRules {
        kind: "late",
        field: Field::LateTiers,
        version: late.version,
        updated_at: late.updated_at,
        lines: late_tier_lines(&late.tiers, late.no_show),
        rows: 3,
        reader_sees: |typed| booking::LatenessPolicy::parse_lines(typed).ok().map(|policy| late_rules_sentence(policy.tiers(), policy.no_show())),
        text: DeskText {
            heading: Msg::LateRulesHeading,
            admin_hint: Msg::LateRulesAdminHint,
            built_in: Msg::LateRulesDefault,
            label: Msg::LateTiersLabel,
            placeholder: Msg::LateTiersPlaceholder,
            reader_sees: Msg::LateRulesWorkerSees,
            save: Msg::SaveLateRules,
            saved: Msg::LateRulesSaved,
        },
    }
}

/// A versioned set of tiered rules typed one step a line, with the sentence
/// its readers will see worked out as the admin types; a stale form is refused.
#[component]
fn TieredRulesDesk<S, Protocol>(rules: TieredRules, save: ServerAction<S>) -> impl IntoView
where
    S: serde::de::DeserializeOwned + ServerFn<Protocol = Http<PostUrl, Protocol>, Output = i64, Error = AppError> + Clone + Send + Sync + 'static,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<web_sys::FormData>,
    S::Client: Client<AppError>,
{
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let typed = RwSignal::new(rules.lines);
    let version_text = match rules.updated_at {
        Some(at) => format!("v{} · {}", rules.version, format_beijing(at)),
        None => t(rules.text.built_in).to_string(),
    };
    let reader_sees = rules.reader_sees;
    let (field, text, kind) = (rules.field, rules.text, rules.kind);
    view! {
        <section class=format!("panel {kind}-rules-desk")>
            <h2 class="section-title">{t(text.heading)}</h2>
            <p class="hint">{t(text.admin_hint)}</p>
            <p class="muted" data-version=rules.version>{t(Msg::RulesVersion)}" "{version_text}</p>
            <ActionForm action=save attr:class="form cancel-rules-form" attr:novalidate=true>
                <input type="hidden" name="version" value=rules.version/>
                <label for=format!("f-{kind}-tiers")>{t(text.label)}</label>
                <textarea id=format!("f-{kind}-tiers") name="tiers" rows=rules.rows maxlength="1000" placeholder=t(text.placeholder)
                    on:input=move |ev| typed.set(event_target_value(&ev))>{typed.get_untracked()}</textarea>
                <p class="field-error" id=format!("f-{kind}-tiers-error") role="alert">{move || located_error(value, field).get()}</p>
                {move || typed.with(|lines| reader_sees(lines)).map(|sentence| view! {
                    <p class=format!("cancel-rules-preview {kind}-rules-preview")><span class="muted">{t(text.reader_sees)}</span>{sentence}</p>
                })}
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(text.save)}</button>
                <Show when=saved><p class="toast" role="status">{t(text.saved)}</p></Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn Preview(data: PricingAdminView, form: RwSignal<RulesForm>) -> impl IntoView {
    let first = data.services.first().map(|s| (s.id, s.default_units)).unwrap_or((0, 1));
    let service_id = RwSignal::new(first.0);
    let units = RwSignal::new(first.1.to_string());
    let date = RwSignal::new(data.today.clone());
    let time = RwSignal::new("10:00".to_string());
    let lat = RwSignal::new(data.rules.centre_lat.clone());
    let lng = RwSignal::new(data.rules.centre_lng.clone());
    let coupon = RwSignal::new(None::<i64>);
    let visits = RwSignal::new(1);
    let inputs = move || (form.get(), (service_id.get(), units.get(), date.get(), time.get(), lat.get(), lng.get(), coupon.get(), visits.get()));
    let quote = Resource::new(inputs, |(r, (service_id, units, date, time, lat, lng, coupon_id, visits))| async move {
        let units = units.trim().parse::<i32>().unwrap_or(0);
        admin_preview_quote(r.peak, r.weekend, r.holidays, r.centre_lat, r.centre_lng, r.free_radius_km, r.per_km, r.max_fee, service_id, units, date, time, lat, lng, coupon_id, r.series, Some(visits))
            .await
    });
    let bind = |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    let services = data.services.clone();
    view! {
        <section class="panel preview-panel">
            <h2 class="section-title">{t(Msg::PreviewTitle)}</h2>
            <p class="hint">{t(Msg::PreviewHint)}</p>
            <div class="form preview-form">
                <label for="p-service">{t(Msg::PreviewService)}</label>
                <select id="p-service" on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<i64>() {
                        service_id.set(id);
                        if let Some(s) = services.iter().find(|s| s.id == id) {
                            units.set(s.default_units.to_string());
                        }
                    }
                }>
                    {data.services.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view()}
                </select>
                <div class="inline-fields">
                    <label>{t(Msg::PreviewUnits)}<input id="p-units" inputmode="numeric" value=units prop:value=units on:input=bind(units)/></label>
                    <label>{t(Msg::PreviewDateLabel)}<input id="p-date" type="date" value=date prop:value=date on:input=bind(date)/></label>
                    <label>{t(Msg::PreviewTimeLabel)}<input id="p-time" type="time" step="1800" value=time prop:value=time on:input=bind(time)/></label>
                </div>
                <div class="inline-fields">
                    <label>{t(Msg::Latitude)}<input id="p-lat" inputmode="decimal" value=lat prop:value=lat on:input=bind(lat)/></label>
                    <label>{t(Msg::Longitude)}<input id="p-lng" inputmode="decimal" value=lng prop:value=lng on:input=bind(lng)/></label>
                </div>
                <label for="p-visits">{t(Msg::PreviewVisits)}</label>
                <select id="p-visits" on:change=move |ev| visits.set(event_target_value(&ev).parse::<i32>().unwrap_or(1))>
                    {(1..=8).map(|n| view! { <option value=n>{if n == 1 { t(Msg::PreviewSingleVisit).to_string() } else { tf(Msg::PreviewSeriesVisits, &[&n]) }}</option> }).collect_view()}
                </select>
                <label for="p-coupon">{t(Msg::CouponPick)}</label>
                <select id="p-coupon" on:change=move |ev| coupon.set(event_target_value(&ev).parse::<i64>().ok())>
                    <option value="">{t(Msg::NoCouponOption)}</option>
                    {data.coupons.iter().map(|c| view! { <option value=c.id>{format!("{} · {}", c.name, c.headline)}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match quote.await {
                        Ok(p) => view! {
                            <div class="preview-result">
                                <QuoteLines quote=p.quote/>
                                <p class="hint preview-split" data-worker=p.worker_fen>
                                    {tf(Msg::PreviewSplit, &[&money(p.worker_fen), &money(p.commission_fen - p.discounts_fen), &money(p.commission_fen), &money(p.discounts_fen)])}
                                </p>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <p class="field-error preview-error" role="alert">{error.located_message()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CouponDesk(coupons: Vec<CouponAdminRow>, today: String, create: ServerAction<AdminCreateCoupon>, toggle: ServerAction<AdminSetCouponActive>) -> impl IntoView {
    let value = create.value();
    let issued = move || matches!(value.get(), Some(Ok(_)));
    view! {
        <section class="panel">
            <h2 class="section-title">{t(Msg::CouponAdminTitle)}</h2>
            {if coupons.is_empty() {
                view! { <p class="muted">{t(Msg::NoCoupons)}</p> }.into_any()
            } else {
                view! {
                    <table class="table coupon-table">
                        <thead><tr>
                            <th>{t(Msg::ColumnCoupon)}</th><th>{t(Msg::ColumnValidity)}</th><th>{t(Msg::ColumnClaimed)}</th>
                            <th>{t(Msg::ColumnUsed)}</th><th>{t(Msg::ColumnStatus)}</th>
                        </tr></thead>
                        <tbody>
                            {coupons.into_iter().map(|c| view! {
                                <tr data-coupon=c.id>
                                    <td>{c.name.clone()}<br/><span class="muted">{c.headline.clone()}</span></td>
                                    <td class="num">{c.valid_text.clone()}</td>
                                    <td class="num">{c.claimed}" / "{c.total_quantity}</td>
                                    <td class="num">{c.used}</td>
                                    <td>
                                        <ActionForm action=toggle attr:class="inline-form">
                                            <input type="hidden" name="coupon_id" value=c.id/>
                                            <input type="hidden" name="active" value=(!c.active).to_string()/>
                                            <span class="muted">{t(if c.active { Msg::CouponActiveLabel } else { Msg::CouponStoppedLabel })}</span>" "
                                            <button type="submit" class="btn btn-plain btn-small">{t(if c.active { Msg::CouponStop } else { Msg::CouponResume })}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3 class="section-title">{t(Msg::NewCouponTitle)}</h3>
            <ActionForm action=create attr:class="form coupon-form" attr:novalidate=true>
                <label for="c-name">{t(Msg::CouponNameLabel)}</label>
                <input id="c-name" name="name" maxlength="20"/>
                <p class="field-error" role="alert">{move || field_error(value, Field::CouponName).get()}</p>
                <span class="label">{t(Msg::CouponKindLabel)}</span>
                <div class="choice-grid">
                    <label class="choice"><input type="radio" name="kind" value="fixed" checked/><span>{t(Msg::CouponKindFixed)}</span></label>
                    <label class="choice"><input type="radio" name="kind" value="percent"/><span>{t(Msg::CouponKindPercent)}</span></label>
                </div>
                <label for="c-value">{t(Msg::CouponValueLabel)}</label>
                <input id="c-value" name="value" inputmode="decimal" placeholder=t(Msg::CouponValueHint)/>
                <p class="field-error" id="c-value-error" role="alert">{move || field_error(value, Field::CouponValue).get()}</p>
                <label for="c-min">{t(Msg::MinSpendLabel)}</label>
                <input id="c-min" name="min_spend" inputmode="decimal"/>
                <p class="field-error" role="alert">{move || field_error(value, Field::MinSpend).get()}</p>
                <div class="inline-fields">
                    <label>{t(Msg::ValidFromLabel)}<input id="c-from" name="valid_from" type="date" value=today.clone()/></label>
                    <label>{t(Msg::ValidToLabel)}<input id="c-to" name="valid_to" type="date"/></label>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::ValidFrom).get()}</p>
                <p class="field-error" id="c-to-error" role="alert">{move || field_error(value, Field::ValidTo).get()}</p>
                <div class="inline-fields">
                    <label>{t(Msg::PerUserLimitLabel)}<input id="c-per-user" name="per_user_limit" inputmode="numeric" value="1"/></label>
                    <label>{t(Msg::TotalQuantityLabel)}<input id="c-total" name="total_quantity" inputmode="numeric" value="100"/></label>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::PerUserLimit).get().or(field_error(value, Field::TotalQuantity).get())}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>{t(Msg::IssueCoupon)}</button>
                <Show when=issued><p class="toast" role="status">{t(Msg::CouponIssued)}</p></Show>
            </ActionForm>
        </section>
    }
}
