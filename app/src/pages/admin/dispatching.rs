use crate::api::dispatching::{admin_dispatch_settings, AdminSaveDispatch, DispatchAdminView, DispatchForm};
use crate::api::format_beijing;
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::Field;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 派单策略 (A4): the weights that rank workers, picked from a preset and
/// tuned, and the offer chain (one by one, then 抢单, then the queue).
#[component]
pub fn DispatchSettingsPage() -> impl IntoView {
    let save = ServerAction::<AdminSaveDispatch>::new();
    let view_data = Resource::new(move || save.version().get(), |_| admin_dispatch_settings());
    view! {
        <AdminShell title=Msg::DispatchSettingsTitle>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(data) => view! { <DispatchDesk data save/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

type FormField = fn(&mut DispatchForm) -> &mut String;

#[component]
fn DispatchDesk(data: DispatchAdminView, save: ServerAction<AdminSaveDispatch>) -> impl IntoView {
    let form = RwSignal::new(data.form.clone());
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(_)));
    let version_text = match data.updated_at {
        Some(at) => format!("v{} · {}", data.version, format_beijing(at)),
        None => t(Msg::NeverSaved).to_string(),
    };
    // One labelled input per setting, kept in `form` so a preset can fill it.
    let input = move |id: &'static str, name: &'static str, label: Msg, field: Field, get: FormField| {
        let text = move || form.with(|f| get(&mut f.clone()).clone());
        view! {
            <label for=id>{t(label)}</label>
            <input
                id=id
                name=name
                inputmode="decimal"
                value=text
                prop:value=text
                on:input=move |ev| form.update(|f| *get(f) = event_target_value(&ev))
            />
            <p class="field-error" id=format!("{id}-error") role="alert">{move || field_error(value, field).get()}</p>
        }
    };
    view! {
        <section class="panel dispatch-settings">
            <p class="muted" data-version=data.version>{t(Msg::RulesVersion)}" "{version_text}</p>
            <ActionForm action=save attr:novalidate=true>
                <input type="hidden" name="version" value=data.version/>
                <div class="admin-columns">
                    <div class="form pricing-form">
                        <h2 class="section-title">{t(Msg::DispatchWeightsTitle)}</h2>
                        <p class="hint">{t(Msg::DispatchWeightsHint)}</p>
                        <span class="label">{t(Msg::PresetsLabel)}</span>
                        <div class="choice-grid presets">
                            {data.presets.iter().map(|p| {
                                let preset = p.form.clone();
                                view! {
                                    <button type="button" class="btn btn-plain btn-small" on:click=move |_| form.set(preset.clone())>
                                        {p.label.clone()}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        {input("f-w-travel", "travel", Msg::WeightTravelLabel, Field::WeightTravel, |f| &mut f.travel)}
                        {input("f-w-rating", "rating", Msg::WeightRatingLabel, Field::WeightRating, |f| &mut f.rating)}
                        {input("f-w-tier", "tier", Msg::WeightTierLabel, Field::WeightTier, |f| &mut f.tier)}
                        {input("f-w-fairness", "fairness", Msg::WeightFairnessLabel, Field::WeightFairness, |f| &mut f.fairness)}
                        {input("f-w-acceptance", "acceptance", Msg::WeightAcceptanceLabel, Field::WeightAcceptance, |f| &mut f.acceptance)}
                        {input("f-w-affinity", "affinity", Msg::WeightAffinityLabel, Field::WeightAffinity, |f| &mut f.affinity)}
                        {input("f-w-load", "load", Msg::WeightLoadLabel, Field::WeightLoad, |f| &mut f.load)}
                    </div>
                    <div class="form pricing-form">
                        <h2 class="section-title">{t(Msg::OfferChainTitle)}</h2>
                        <p class="hint">{t(Msg::OfferChainHint)}</p>
                        {input("f-timeout", "timeout_secs", Msg::OfferTimeoutLabel, Field::OfferTimeout, |f| &mut f.timeout_secs)}
                        {input("f-max-offers", "max_offers", Msg::MaxOffersLabel, Field::MaxOffers, |f| &mut f.max_offers)}
                        {input("f-broadcast", "broadcast_secs", Msg::BroadcastSecsLabel, Field::BroadcastSecs, |f| &mut f.broadcast_secs)}
                        {input("f-lead", "lead_hours", Msg::OfferLeadLabel, Field::OfferLead, |f| &mut f.lead_hours)}
                        <p class="hint">{t(Msg::OfferLeadHint)}</p>
                        <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                        <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>{t(Msg::SaveDispatch)}</button>
                        <Show when=saved><p class="toast" role="status">{t(Msg::DispatchSaved)}</p></Show>
                    </div>
                </div>
            </ActionForm>
        </section>
    }
}
