use crate::api::format_beijing;
use crate::api::placement::{
    admin_placements, admin_shortlist_options, AdminClosePlacement, AdminProposeContract, AdminProposeNanny, AdminProposeTrial, ContractView, PlacementView, TrialView,
    OPEN_ONLY,
};
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, AdminShell, ErrorState, ListShape, LiveList};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::customer::placements::{candidate_facts, candidate_status_tag, contract_terms, placement_status_tag, trial_terms};
use booking::{OrderState, PlacementStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 阿姨匹配 (B8): customers' requests for a 月嫂/育儿嫂, newest first
/// (`?filter=open`: still looking). Staff shortlist qualified nannies one by
/// one, follow the interviews, and close a request with a reason the
/// customer reads. News arrives live.
#[component]
pub fn PlacementsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(|q| q.get("filter")).filter(|s| !s.is_empty());
    let live = use_live_version();
    let changed = RwSignal::new(0u32);
    let rows = Resource::new(move || (filter(), live.get(), changed.get()), |(filter, _, _)| admin_placements(filter));
    view! {
        <AdminShell title=Msg::PlacementsTitle>
            <nav class="filter-chips" aria-label=t(Msg::StateLabel)>
                <a href="/admin/placements" class="chip" class:active=move || filter().is_none()>{t(Msg::PlacementAll)}</a>
                <a href=format!("/admin/placements?filter={OPEN_ONLY}") class="chip chip-alert" class:active=move || filter().as_deref() == Some(OPEN_ONLY)>
                    {t(Msg::PlacementOpenFilter)}
                </a>
            </nav>
            <p class="hint">{t(Msg::ShortlistRule)}</p>
            <LiveList rows=Signal::derive(move || rows.get()) shape=ListShape::Panels empty=Msg::PlacementNoneAdmin skeleton=5 row=move |placement| view! { <PlacementPanel placement changed/> }/>
        </AdminShell>
    }
}

#[component]
fn PlacementPanel(placement: PlacementView, changed: RwSignal<u32>) -> impl IntoView {
    let id = placement.id;
    let open = placement.status.is_open();
    view! {
        <section class="panel appeal-item placement-panel" data-placement=id>
            <div class="appeal-meta">
                {placement_status_tag(placement.status)}
                <strong>{placement.service_name.clone()}</strong>
                {placement.customer.clone().map(|c| view! {
                    <span>{t(Msg::PlacementCustomerLabel)}"："<a href=format!("/admin/users/{}", c.id)>{c.name}</a>" "<span class="muted num">{c.phone}</span></span>
                })}
                <span class="muted">{t(Msg::PlacementStartDay)}"："<span class="num">{placement.start_day.clone()}</span></span>
                <span class="muted">{t(Msg::PlacementAskedAt)}"："{format_beijing(placement.at)}</span>
            </div>
            <p class="feedback-body"><span class="muted">{t(Msg::PlacementNeeds)}"："</span>{placement.needs.clone()}</p>
            {placement.close_reason.clone().map(|reason| view! { <p class="muted">{t(Msg::PlacementClosedReason)}"："{reason}</p> })}
            {(!placement.candidates.is_empty()).then(|| view! {
                <table class="table candidate-table">
                    <tbody>
                        {placement.candidates.iter().map(|c| view! {
                            <tr data-candidate=c.worker_id>
                                <td><a href=format!("/admin/workers/{}", c.worker_id)>{c.name.clone()}</a></td>
                                <td class="muted">{candidate_facts(c)}</td>
                                <td>{candidate_status_tag(c.status)}</td>
                                <td class="num">{c.interview_at.map(format_beijing)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {open.then(|| view! { <ShortlistForm placement_id=id changed/> <CloseForm placement_id=id changed/> })}
            {(placement.status == PlacementStatus::Chosen).then(|| {
                let trial = placement.trial.clone();
                // Terms may change until a booked trial holds the nanny's time.
                let may_arrange = trial.as_ref().is_none_or(|t| t.bookable || t.lapsed || t.order_state.is_some_and(|s| s != OrderState::PendingPayment && !s.is_active()));
                view! {
                    <h3 class="section-title">{t(Msg::TrialHeading)}</h3>
                    {trial.as_ref().map(trial_terms)}
                    {trial.as_ref().and_then(|t| t.order_id).map(|order_id| view! { <a href=format!("/admin/orders/{order_id}")>{t(Msg::TrialOrder)}" ›"</a> })}
                    {may_arrange.then(|| view! { <TrialForm placement_id=id trial=trial.clone() changed/> })}
                }
            })}
            {(placement.status == PlacementStatus::Chosen).then(|| {
                let contract = placement.contract.clone();
                // Terms may change until both sign, and again if their first day came unpaid.
                let may_propose = contract.as_ref().is_none_or(|c| !c.signed_by_both() || c.lapsed || c.ended_early);
                view! {
                    <h3 class="section-title">{t(Msg::ContractHeading)}</h3>
                    {contract.as_ref().map(contract_terms)}
                    {contract.as_ref().and_then(|c| c.order_id).map(|order_id| view! { <a href=format!("/admin/orders/{order_id}")>{t(Msg::ContractOrder)}" ›"</a> })}
                    {may_propose.then(|| view! { <ContractForm placement_id=id start_day=placement.start_day.clone() contract=contract.clone() changed/> })}
                }
            })}
        </section>
    }
}

#[component]
fn ShortlistForm(placement_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let propose = ServerAction::<AdminProposeNanny>::new();
    let value = propose.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let options = Resource::new(move || propose.version().get(), move |_| admin_shortlist_options(placement_id));
    let select_id = format!("shortlist-{placement_id}");
    view! {
        <ActionForm action=propose attr:class="form inline-form shortlist-form">
            <input type="hidden" name="placement_id" value=placement_id/>
            <label class="field-label" for=select_id.clone()>{t(Msg::ShortlistPick)}</label>
            <Suspense fallback=|| ()>
                {move || {
                    let select_id = select_id.clone();
                    Suspend::new(async move {
                    match options.await {
                        Ok(list) if list.is_empty() => view! { <span class="muted">{t(Msg::ShortlistNoneLeft)}</span> }.into_any(),
                        Ok(list) => view! {
                            <select id=select_id.clone() name="worker_id">
                                {list.into_iter().map(|o| view! {
                                    <option value=o.worker_id>{o.name}{o.rating.map(|r| format!(" · {r:.1}"))}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="btn btn-primary btn-small" disabled=move || propose.pending().get()>{t(Msg::ShortlistPropose)}</button>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                    })
                }}
            </Suspense>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </ActionForm>
    }
}

#[component]
fn CloseForm(placement_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let close = ServerAction::<AdminClosePlacement>::new();
    let value = close.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let reason_id = format!("placement-close-{placement_id}");
    view! {
        <ActionForm action=close attr:class="form inline-form placement-close" attr:novalidate=true>
            <input type="hidden" name="placement_id" value=placement_id/>
            <label class="field-label" for=reason_id.clone()>{t(Msg::PlacementCloseReasonLabel)}</label>
            <input id=reason_id type="text" name="reason" maxlength="200"/>
            <button type="submit" class="btn btn-danger-plain btn-small" disabled=move || close.pending().get()>{t(Msg::PlacementClose)}</button>
            <p class="field-error" role="alert">{move || field_error(value, Field::CancelReason).get()}</p>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </ActionForm>
    }
}

/// 拟定合同: terms for the family and the chosen nanny; sending new terms
/// clears any signature, so both confirm what they read.
#[component]
fn ContractForm(placement_id: i64, start_day: String, contract: Option<ContractView>, changed: RwSignal<u32>) -> impl IntoView {
    let propose = ServerAction::<AdminProposeContract>::new();
    let value = propose.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let field = move |name: &str| format!("contract-{name}-{placement_id}");
    let start = contract.as_ref().map_or(start_day, |c| c.start_day.clone());
    let days = contract.as_ref().map(|c| c.days.to_string()).unwrap_or_default();
    let fee = contract.as_ref().map(|c| domain::Fen::new(c.fee_fen).yuan_input()).unwrap_or_default();
    let notes = contract.as_ref().map(|c| c.notes.clone()).unwrap_or_default();
    let submit = if contract.is_some() { Msg::ContractRevise } else { Msg::ContractPropose };
    view! {
        <ActionForm action=propose attr:class="form contract-form" attr:novalidate=true>
            <input type="hidden" name="placement_id" value=placement_id/>
            <div>
                <label class="field-label" for=field("start")>{t(Msg::ContractStart)}</label>
                <input id=field("start") type="date" name="start_day" value=start/>
                <p class="field-error" role="alert">{move || field_error(value, Field::StartDay).get()}</p>
            </div>
            <div>
                <label class="field-label" for=field("days")>{t(Msg::ContractDays)}</label>
                <input id=field("days") type="number" inputmode="numeric" name="days" min="1" max="365" value=days/>
                <p class="field-error" role="alert">{move || field_error(value, Field::ContractDays).get()}</p>
            </div>
            <div>
                <label class="field-label" for=field("fee")>{t(Msg::ContractFee)}</label>
                <input id=field("fee") type="text" inputmode="decimal" name="fee" value=fee/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Amount).get()}</p>
            </div>
            <div>
                <label class="field-label" for=field("notes")>{t(Msg::ContractNotes)}</label>
                <input id=field("notes") type="text" name="notes" maxlength="200" value=notes/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Notes).get()}</p>
            </div>
            <button type="submit" class="btn btn-primary btn-small" disabled=move || propose.pending().get()>{t(submit)}</button>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </ActionForm>
        <p class="hint">{t(Msg::ContractRule)}</p>
    }
}

/// 安排试工: the trial day's start, hours and fee; new terms replace the
/// old ones until the family has booked them.
#[component]
fn TrialForm(placement_id: i64, trial: Option<TrialView>, changed: RwSignal<u32>) -> impl IntoView {
    let propose = ServerAction::<AdminProposeTrial>::new();
    let value = propose.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let field = move |name: &str| format!("trial-{name}-{placement_id}");
    let starts = trial.as_ref().map(|t| format_beijing(t.starts_at).replace(' ', "T")).unwrap_or_default();
    let hours = trial.as_ref().map(|t| t.hours.to_string()).unwrap_or_default();
    let fee = trial.as_ref().map(|t| domain::Fen::new(t.fee_fen).yuan_input()).unwrap_or_default();
    let submit = if trial.is_some() { Msg::TrialRevise } else { Msg::TrialPropose };
    view! {
        <ActionForm action=propose attr:class="form contract-form trial-form" attr:novalidate=true>
            <input type="hidden" name="placement_id" value=placement_id/>
            <div>
                <label class="field-label" for=field("at")>{t(Msg::TrialAt)}</label>
                <input id=field("at") type="datetime-local" name="starts_at" value=starts/>
                <p class="field-error" role="alert">{move || field_error(value, Field::TrialAt).get()}</p>
            </div>
            <div>
                <label class="field-label" for=field("hours")>{t(Msg::TrialHours)}</label>
                <input id=field("hours") type="number" inputmode="numeric" name="hours" min="2" max="12" value=hours/>
                <p class="field-error" role="alert">{move || field_error(value, Field::TrialHours).get()}</p>
            </div>
            <div>
                <label class="field-label" for=field("fee")>{t(Msg::TrialFee)}</label>
                <input id=field("fee") type="text" inputmode="decimal" name="fee" value=fee/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Amount).get()}</p>
            </div>
            <button type="submit" class="btn btn-primary btn-small" disabled=move || propose.pending().get()>{t(submit)}</button>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </ActionForm>
        <p class="hint">{t(Msg::TrialRule)}</p>
    }
}
