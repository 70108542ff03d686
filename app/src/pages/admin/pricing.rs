use crate::api::format_beijing;
use crate::api::pricing::{
    admin_preview_quote, admin_pricing, AdminCreateCoupon, AdminSaveCancellationRules, AdminSaveLatenessRules, AdminSavePricing, AdminSetCouponActive,
    CancelRulesView, CouponAdminRow, LateRulesView, PricingAdminView, RulesForm,
};
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use crate::pages::order_ui::{cancel_rules_sentence, late_rules_sentence, late_tier_lines, tier_lines, QuoteLines};
use leptos::prelude::*;

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
            <CancelRulesDesk cancel save=save_cancel/>
            <LateRulesDesk late save=save_late/>
            </div>
            <div>
                <Preview data=preview_data form/>
                <CouponDesk coupons today create toggle/>
            </div>
        </div>
    }
}

/// 取消规则: the customer cancellation tiers, with the sentence customers
/// will read worked out from the lines as typed.
#[component]
fn CancelRulesDesk(cancel: CancelRulesView, save: ServerAction<AdminSaveCancellationRules>) -> impl IntoView {
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let typed = RwSignal::new(tier_lines(&cancel.tiers));
    let version_text = match cancel.updated_at {
        Some(at) => format!("v{} · {}", cancel.version, format_beijing(at)),
        None => t(Msg::CancelRulesDefault).to_string(),
    };
    let customer_sees = move || booking::CancellationPolicy::parse_lines(&typed.get()).ok().map(|policy| cancel_rules_sentence(policy.tiers()));
    view! {
        <section class="panel cancel-rules-desk">
            <h2 class="section-title">{t(Msg::CancelRulesHeading)}</h2>
            <p class="hint">{t(Msg::CancelRulesAdminHint)}</p>
            <p class="muted" data-cancel-version=cancel.version>{t(Msg::RulesVersion)}" "{version_text}</p>
            <ActionForm action=save attr:class="form cancel-rules-form" attr:novalidate=true>
                <input type="hidden" name="version" value=cancel.version/>
                <label for="f-cancel-tiers">{t(Msg::CancelTiersLabel)}</label>
                <textarea id="f-cancel-tiers" name="tiers" rows="4" maxlength="1000" placeholder=t(Msg::CancelTiersPlaceholder)
                    on:input=move |ev| typed.set(event_target_value(&ev))>{typed.get_untracked()}</textarea>
                <p class="field-error" id="f-cancel-tiers-error" role="alert">{move || located_error(value, Field::CancelTiers).get()}</p>
                {move || customer_sees().map(|sentence| view! {
                    <p class="cancel-rules-preview"><span class="muted">{t(Msg::CancelRulesCustomerSees)}</span>{sentence}</p>
                })}
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(Msg::SaveCancelRules)}</button>
                <Show when=saved><p class="toast" role="status">{t(Msg::CancelRulesSaved)}</p></Show>
            </ActionForm>
        </section>
    }
}

/// 迟到扣款: the worker late-arrival tiers, with the sentence workers will
/// read worked out from the lines as typed.
#[component]
fn LateRulesDesk(late: LateRulesView, save: ServerAction<AdminSaveLatenessRules>) -> impl IntoView {
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let typed = RwSignal::new(late_tier_lines(&late.tiers, late.no_show));
    let version_text = match late.updated_at {
        Some(at) => format!("v{} · {}", late.version, format_beijing(at)),
        None => t(Msg::LateRulesDefault).to_string(),
    };
    let worker_sees = move || booking::LatenessPolicy::parse_lines(&typed.get()).ok().map(|policy| late_rules_sentence(policy.tiers(), policy.no_show()));
    view! {
        <section class="panel late-rules-desk">
            <h2 class="section-title">{t(Msg::LateRulesHeading)}</h2>
            <p class="hint">{t(Msg::LateRulesAdminHint)}</p>
            <p class="muted" data-late-version=late.version>{t(Msg::RulesVersion)}" "{version_text}</p>
            <ActionForm action=save attr:class="form cancel-rules-form late-rules-form" attr:novalidate=true>
                <input type="hidden" name="version" value=late.version/>
                <label for="f-late-tiers">{t(Msg::LateTiersLabel)}</label>
                <textarea id="f-late-tiers" name="tiers" rows="3" maxlength="1000" placeholder=t(Msg::LateTiersPlaceholder)
                    on:input=move |ev| typed.set(event_target_value(&ev))>{typed.get_untracked()}</textarea>
                <p class="field-error" id="f-late-tiers-error" role="alert">{move || located_error(value, Field::LateTiers).get()}</p>
                {move || worker_sees().map(|sentence| view! {
                    <p class="cancel-rules-preview late-rules-preview"><span class="muted">{t(Msg::LateRulesWorkerSees)}</span>{sentence}</p>
                })}
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(Msg::SaveLateRules)}</button>
                <Show when=saved><p class="toast" role="status">{t(Msg::LateRulesSaved)}</p></Show>
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
    let inputs = move || (form.get(), (service_id.get(), units.get(), date.get(), time.get(), lat.get(), lng.get(), coupon.get()));
    let quote = Resource::new(inputs, |(r, (service_id, units, date, time, lat, lng, coupon_id))| async move {
        let units = units.trim().parse::<i32>().unwrap_or(0);
        admin_preview_quote(r.peak, r.weekend, r.holidays, r.centre_lat, r.centre_lng, r.free_radius_km, r.per_km, r.max_fee, service_id, units, date, time, lat, lng, coupon_id)
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
                    <label>{t(Msg::PreviewUnits)}<input id="p-units" inputmode="numeric" prop:value=units on:input=bind(units)/></label>
                    <label>{t(Msg::PreviewDateLabel)}<input id="p-date" type="date" prop:value=date on:input=bind(date)/></label>
                    <label>{t(Msg::PreviewTimeLabel)}<input id="p-time" type="time" step="1800" prop:value=time on:input=bind(time)/></label>
                </div>
                <div class="inline-fields">
                    <label>{t(Msg::Latitude)}<input id="p-lat" inputmode="decimal" prop:value=lat on:input=bind(lat)/></label>
                    <label>{t(Msg::Longitude)}<input id="p-lng" inputmode="decimal" prop:value=lng on:input=bind(lng)/></label>
                </div>
                <label for="p-coupon">{t(Msg::CouponPick)}</label>
                <select id="p-coupon" on:change=move |ev| coupon.set(event_target_value(&ev).parse::<i64>().ok())>
                    <option value="">{t(Msg::NoCouponOption)}</option>
                    {data.coupons.iter().map(|c| view! { <option value=c.id>{format!("{} · {}", c.name, c.headline)}</option> }).collect_view()}
                </select>
            </div>
            <Transition fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match quote.await {
                        Ok(q) => view! { <div class="preview-result"><QuoteLines quote=q/></div> }.into_any(),
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
