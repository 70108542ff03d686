use crate::api::format_beijing;
use crate::api::account::{my_addresses, AddressView};
use crate::api::placement::{my_placements, BookTrial, CandidateView, ContractView, PayContract, PlacementStep, PlacementView, RequestPlacement, SignContract, TrialView, WithdrawPlacement};
use crate::pages::order_ui::StateBadge;
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, ErrorState, ListShape, LiveList, PhoneShell, Skeleton, Tabs};
use crate::error::Field;
use crate::i18n::{t, tf, Msg};
use booking::{CandidateStatus, CandidateStep, PlacementStatus};
use domain::Fen;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub(crate) fn placement_status_tag(status: PlacementStatus) -> impl IntoView {
    let (class, msg) = match status {
        PlacementStatus::Requested => ("tag tag-warning", Msg::PlacementStatusRequested),
        PlacementStatus::Shortlisted => ("tag tag-warning", Msg::PlacementStatusShortlisted),
        PlacementStatus::Interviewing => ("tag", Msg::PlacementStatusInterviewing),
        PlacementStatus::Chosen => ("tag tag-success", Msg::PlacementStatusChosen),
        PlacementStatus::Closed => ("tag", Msg::PlacementStatusClosed),
    };
    view! { <span class=class data-placement-status=status.as_str()>{t(msg)}</span> }
}

pub(crate) fn candidate_status_tag(status: CandidateStatus) -> impl IntoView {
    let (class, msg) = match status {
        CandidateStatus::Proposed => ("tag", Msg::CandidateStatusProposed),
        CandidateStatus::Invited => ("tag tag-warning", Msg::CandidateStatusInvited),
        CandidateStatus::Confirmed => ("tag tag-success", Msg::CandidateStatusConfirmed),
        CandidateStatus::Declined => ("tag", Msg::CandidateStatusDeclined),
        CandidateStatus::Refused => ("tag", Msg::CandidateStatusRefused),
        CandidateStatus::Chosen => ("tag tag-success", Msg::CandidateStatusChosen),
    };
    view! { <span class=class data-candidate-status=status.as_str()>{t(msg)}</span> }
}

/// 服务合同: the terms and who has signed them, as all three sides read them.
pub(crate) fn contract_terms(contract: &ContractView) -> impl IntoView {
    let signature = |signed: bool, yes: Msg, no: Msg| {
        view! { <span class=if signed { "tag tag-success" } else { "tag tag-warning" }>{t(if signed { yes } else { no })}</span> }
    };
    view! {
        <div class="cells contract-terms" data-contract-version=contract.version data-signed=contract.signed_by_both().then_some("true")>
            <div class="cell"><span>{t(Msg::ContractStart)}</span><span class="cell-value num">{contract.start_day.clone()}</span></div>
            <div class="cell"><span>{t(Msg::ContractDays)}</span><span class="cell-value">{tf(Msg::ContractDaysValue, &[&contract.days])}</span></div>
            <div class="cell"><span>{t(Msg::ContractFeeShown)}</span><span class="cell-value num">{Fen::new(contract.fee_fen).to_string()}</span></div>
            {(!contract.notes.is_empty()).then(|| view! { <div class="cell"><span>{t(Msg::ContractNotes)}</span><span class="cell-value">{contract.notes.clone()}</span></div> })}
            <div class="cell cell-multiline"><span class="cell-label">{t(Msg::ContractPayout)}</span><span class="cell-value contract-payout">{contract_payout(i64::from(contract.days))}</span></div>
            {contract.order_state.map(|state| view! { <div class="cell"><span>{t(Msg::ContractBooked)}</span><StateBadge state/></div> })}
            <div class="cell contract-signatures">
                {if contract.signed_by_both() {
                    view! { <span class="tag tag-success">{t(Msg::ContractDone)}</span> }.into_any()
                } else {
                    view! {
                        {signature(contract.customer_signed, Msg::ContractSignedCustomer, Msg::ContractAwaitCustomer)}
                        {signature(contract.worker_signed, Msg::ContractSignedWorker, Msg::ContractAwaitWorker)}
                    }
                    .into_any()
                }}
            </div>
        </div>
    }
}

/// How the nanny is paid: at the end, or month by month (月结) when the
/// contract runs longer than one month's days.
fn contract_payout(days: i64) -> String {
    let payouts = booking::contract_payouts(days);
    if payouts > 1 {
        tf(Msg::ContractPayoutMonthly, &[&booking::INSTALLMENT_DAYS, &payouts])
    } else {
        t(Msg::ContractPayoutAtEnd).to_string()
    }
}

/// 试工: when, how long, for what fee, and where its order stands, as the
/// family and the nanny read it.
pub(crate) fn trial_terms(trial: &TrialView) -> impl IntoView {
    view! {
        <div class="cells trial-terms" data-trial-version=trial.version>
            <div class="cell"><span>{t(Msg::TrialAt)}</span><span class="cell-value num">{format_beijing(trial.starts_at)}</span></div>
            <div class="cell"><span>{t(Msg::TrialHoursShown)}</span><span class="cell-value">{tf(Msg::TrialHoursValue, &[&trial.hours])}</span></div>
            <div class="cell"><span>{t(Msg::TrialFeeShown)}</span><span class="cell-value num">{Fen::new(trial.fee_fen).to_string()}</span></div>
            {trial.order_state.map(|state| view! { <div class="cell"><span>{t(Msg::TrialBooked)}</span><StateBadge state/></div> })}
        </div>
    }
}

/// 试工 on the family's request: staff's terms, then 确认并支付试工费 at one
/// of their saved addresses, which places the order and opens its payment.
#[component]
fn TrialBlock(placement_id: i64, trial: Option<TrialView>) -> impl IntoView {
    let Some(trial) = trial else {
        return view! {
            <h3 class="section-title">{t(Msg::TrialHeading)}</h3>
            <p class="notice" role="status">{t(Msg::TrialWaiting)}</p>
        }
        .into_any();
    };
    let book = ServerAction::<BookTrial>::new();
    let value = book.value();
    view! {
        <h3 class="section-title">{t(Msg::TrialHeading)}</h3>
        {trial_terms(&trial)}
        {trial.order_id.map(|order_id| view! { <a class="btn btn-plain btn-small" href=format!("/orders/{order_id}")>{t(Msg::TrialOrder)}</a> })}
        {trial.lapsed.then(|| view! { <p class="notice" role="status">{t(Msg::ErrTrialLapsed)}</p> })}
        {trial.bookable.then(|| with_addresses(move |list| view! {
            <ActionForm action=book attr:class="form trial-book">
                <input type="hidden" name="placement_id" value=placement_id/>
                <input type="hidden" name="version" value=trial.version/>
                {address_select(list, format!("trial-address-{placement_id}"), Msg::TrialAddress)}
                <p class="field-error" role="alert">{move || field_error(value, Field::Address).get()}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || book.pending().get()>{t(Msg::TrialBook)}</button>
            </ActionForm>
        }.into_any()))}
    }
    .into_any()
}

/// The family pays the contract both sides signed (支付服务费) at one of
/// their saved addresses, which places its order and opens its payment;
/// once placed, a link to that order.
#[component]
fn ContractPayment(placement_id: i64, contract: ContractView) -> impl IntoView {
    let pay = ServerAction::<PayContract>::new();
    let value = pay.value();
    let fee = Fen::new(contract.fee_fen);
    view! {
        {contract.order_id.map(|order_id| view! { <a class="btn btn-plain btn-small" href=format!("/orders/{order_id}")>{t(Msg::ContractOrder)}</a> })}
        {contract.lapsed.then(|| view! { <p class="notice" role="status">{t(Msg::ErrContractLapsed)}</p> })}
        {contract.ended_early.then(|| view! { <p class="notice contract-ended" role="status">{t(Msg::ContractEndedEarly)}</p> })}
        {contract.payable.then(|| with_addresses(move |list| view! {
            <ActionForm action=pay attr:class="form contract-pay">
                <input type="hidden" name="placement_id" value=placement_id/>
                <input type="hidden" name="version" value=contract.version/>
                <p class="hint">{t(Msg::ContractPayHint)}</p>
                {address_select(list, format!("contract-address-{placement_id}"), Msg::ContractAddress)}
                <p class="field-error" role="alert">{move || field_error(value, Field::Address).get()}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || pay.pending().get()>{format!("{} {fee}", t(Msg::ContractPay))}</button>
            </ActionForm>
        }.into_any()))}
    }
}

/// `form` with the family's saved addresses once they load; a link to
/// 地址簿 instead when they have none.
fn with_addresses(form: impl Fn(Vec<AddressView>) -> AnyView + Clone + Send + Sync + 'static) -> impl IntoView {
    let addresses = Resource::new(|| (), |_| my_addresses());
    view! {
        <Suspense fallback=|| view! { <Skeleton rows=1/> }>
            {move || {
                let form = form.clone();
                Suspend::new(async move {
                    match addresses.await {
                        Ok(list) if list.is_empty() => view! { <p class="hint"><a href="/me/addresses">{t(Msg::TrialNoAddress)}" ›"</a></p> }.into_any(),
                        Ok(list) => form(list),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The `address_id` select, the default address chosen.
fn address_select(list: Vec<AddressView>, select_id: String, label: Msg) -> impl IntoView {
    view! {
        <label class="field-label" for=select_id.clone()>{t(label)}</label>
        <select id=select_id name="address_id">
            {list.into_iter().map(|a| view! { <option value=a.id selected=a.is_default>{format!("{} · {}", a.label, a.address_text)}</option> }).collect_view()}
        </select>
    }
}

/// 32岁 · 从业6年 · 完成12单 · 评分 4.9
pub(crate) fn candidate_facts(c: &CandidateView) -> String {
    let mut facts = Vec::new();
    if let Some(age) = c.age {
        facts.push(tf(Msg::CandidateAgeYears, &[&age]));
    }
    facts.push(tf(Msg::CandidateExperience, &[&c.years_experience]));
    facts.push(tf(Msg::CandidateCompleted, &[&c.completed]));
    facts.push(match c.rating {
        Some(r) => tf(Msg::CandidateRating, &[&format!("{r:.1}")]),
        None => t(Msg::CandidateNoRating).to_string(),
    });
    facts.join(" · ")
}

/// 我的阿姨匹配 (B8): with `?service=` a 月嫂/育儿嫂 service's request form
/// first, then every request with the nannies staff proposed; the customer
/// invites them to interviews, passes on them or, once met, chooses one.
/// Plain forms, so each step works before hydration; news arrives live.
#[component]
pub fn PlacementsPage() -> impl IntoView {
    let request = ServerAction::<RequestPlacement>::new();
    let live = use_live_version();
    let changed = RwSignal::new(0u32);
    let data = Resource::new(move || (request.version().get(), live.get(), changed.get()), |_| my_placements());
    let service = use_query_map().with_untracked(|q| q.get("service")).and_then(|s| s.parse::<i64>().ok());
    view! {
        <PhoneShell title=Msg::MyPlacementsTitle tabs=Tabs::Customer>
            {service.map(|service_id| view! { <RequestForm service_id request/> })}
            <LiveList rows=Signal::derive(move || data.get()) shape=ListShape::Cards empty=Msg::PlacementNone skeleton=4 row=move |placement| view! { <PlacementCard placement changed/> }/>
        </PhoneShell>
    }
}

#[component]
fn RequestForm(service_id: i64, request: ServerAction<RequestPlacement>) -> impl IntoView {
    let value = request.value();
    let done = move || matches!(value.get(), Some(Ok(_)));
    view! {
        <section class="panel placement-request">
            <h2 class="section-title">{t(Msg::PlacementRequestTitle)}</h2>
            <p class="hint">{t(Msg::PlacementHow)}</p>
            <Show when=move || !done() fallback=|| view! { <p class="notice" role="status">{t(Msg::PlacementWaiting)}</p> }>
                <ActionForm action=request attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="service_id" value=service_id/>
                    <label class="field-label" for="placement-start">{t(Msg::PlacementStartDay)}</label>
                    <input id="placement-start" type="date" name="start_day"/>
                    <p class="field-error" role="alert">{move || field_error(value, Field::StartDay).get()}</p>
                    <label class="field-label" for="placement-needs">{t(Msg::PlacementNeeds)}</label>
                    <textarea id="placement-needs" name="needs" class="notes" maxlength="500" placeholder=t(Msg::PlacementNeedsPlaceholder)></textarea>
                    <p class="field-error" role="alert">{move || field_error(value, Field::Needs).get()}</p>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || request.pending().get()>{t(Msg::PlacementSubmit)}</button>
                </ActionForm>
            </Show>
        </section>
    }
}

#[component]
fn PlacementCard(placement: PlacementView, changed: RwSignal<u32>) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawPlacement>::new();
    let withdrawn = withdraw.value();
    Effect::new(move |_| {
        if matches!(withdrawn.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let open = placement.status.is_open();
    let id = placement.id;
    view! {
        <li class="order-card placement-card" data-placement=id>
            <p class="order-card-head">
                <strong>{placement.service_name.clone()}</strong>
                {placement_status_tag(placement.status)}
            </p>
            <p>{t(Msg::PlacementStartDay)}"："<span class="num">{placement.start_day.clone()}</span></p>
            <p class="feedback-body">{placement.needs.clone()}</p>
            <p class="muted">{t(Msg::PlacementAskedAt)}"："{format_beijing(placement.at)}</p>
            {match placement.status {
                PlacementStatus::Requested => Some(view! { <p class="hint">{t(Msg::PlacementWaiting)}</p> }.into_any()),
                PlacementStatus::Chosen => Some(view! {
                    <TrialBlock placement_id=id trial=placement.trial.clone()/>
                    {match placement.contract.clone() {
                        None => view! { <p class="notice" role="status">{t(Msg::ContractWaitingTerms)}</p> }.into_any(),
                        Some(contract) => {
                            let signed = contract.customer_signed;
                            view! {
                                <ContractBlock placement_id=id contract=contract.clone() signed changed/>
                                <ContractPayment placement_id=id contract/>
                            }
                            .into_any()
                        }
                    }}
                }.into_any()),
                PlacementStatus::Closed => placement.close_reason.clone().map(|reason| view! {
                    <p class="muted">{t(Msg::PlacementClosedReason)}"："{reason}</p>
                }.into_any()),
                _ => None,
            }}
            {(!placement.candidates.is_empty()).then(|| view! {
                <h3 class="section-title">{t(Msg::CandidatesHeading)}</h3>
                <ul class="candidate-list">
                    {placement.candidates.iter().cloned().map(|candidate| view! { <CandidateCard placement_id=id candidate open changed/> }).collect_view()}
                </ul>
                {open.then(|| view! { <p class="hint">{t(Msg::InterviewRule)}</p> })}
            })}
            {open.then(|| view! {
                <ActionForm action=withdraw attr:class="form inline-form">
                    <input type="hidden" name="placement_id" value=id/>
                    <button type="submit" class="btn btn-danger-plain btn-small" disabled=move || withdraw.pending().get()>{t(Msg::PlacementWithdraw)}</button>
                    <p class="form-error" role="alert">{move || form_error(withdrawn).get()}</p>
                </ActionForm>
            })}
        </li>
    }
}

/// One proposed nanny with what the customer may do about her now; each form
/// its own action, so an error shows beside the nanny it concerns.
#[component]
fn CandidateCard(placement_id: i64, candidate: CandidateView, open: bool, changed: RwSignal<u32>) -> impl IntoView {
    let step = ServerAction::<PlacementStep>::new();
    let value = step.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let worker_id = candidate.worker_id;
    let status = candidate.status;
    let input_id = format!("interview-{placement_id}-{worker_id}");
    let step_form = move |which: CandidateStep, label: Msg, class: &'static str| {
        view! {
            <ActionForm action=step attr:class="inline-form">
                <input type="hidden" name="placement_id" value=placement_id/>
                <input type="hidden" name="worker_id" value=worker_id/>
                <input type="hidden" name="step" value=which.as_str()/>
                <button type="submit" class=class data-step=which.as_str() disabled=move || step.pending().get()>{t(label)}</button>
            </ActionForm>
        }
    };
    let may_invite = open && status.after(CandidateStep::Invite).is_some();
    let invite_label = if status == CandidateStatus::Confirmed { Msg::InterviewMove } else { Msg::InterviewInvite };
    view! {
        <li class="candidate-card" data-candidate=worker_id>
            <p class="order-card-head">
                <strong>{candidate.name.clone()}</strong>
                {candidate_status_tag(status)}
            </p>
            <p class="muted">{candidate_facts(&candidate)}</p>
            {(!candidate.intro.is_empty()).then(|| view! { <p class="detail-text">{candidate.intro.clone()}</p> })}
            {candidate.interview_at.map(|at| view! { <p>{t(Msg::InterviewAtLabel)}"："<strong class="num" data-interview-at=at>{format_beijing(at)}</strong></p> })}
            {may_invite.then(|| view! {
                <ActionForm action=step attr:class="form interview-form" attr:novalidate=true>
                    <input type="hidden" name="placement_id" value=placement_id/>
                    <input type="hidden" name="worker_id" value=worker_id/>
                    <input type="hidden" name="step" value=CandidateStep::Invite.as_str()/>
                    <label class="field-label" for=input_id.clone()>{t(Msg::InterviewAtLabel)}</label>
                    <input id=input_id.clone() type="datetime-local" name="interview_at"/>
                    <p class="field-error" role="alert">{move || field_error(value, Field::InterviewAt).get()}</p>
                    <button type="submit" class="btn btn-primary btn-small" data-step="invite" disabled=move || step.pending().get()>{t(invite_label)}</button>
                </ActionForm>
            })}
            {(open && status.in_play()).then(|| view! {
                <div class="candidate-actions">
                    {(status.after(CandidateStep::Choose).is_some()).then(|| step_form(CandidateStep::Choose, Msg::CandidateChoose, "btn btn-primary btn-small"))}
                    {step_form(CandidateStep::Decline, Msg::CandidateDecline, "btn btn-plain btn-small")}
                </div>
            })}
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </li>
    }
}

/// 服务合同 with 确认签约 for a side that has not signed (`signed`: whether
/// the viewer has); the family and the nanny each see it on their own page.
#[component]
pub(crate) fn ContractBlock(placement_id: i64, contract: ContractView, signed: bool, changed: RwSignal<u32>) -> impl IntoView {
    let sign = ServerAction::<SignContract>::new();
    let value = sign.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    view! {
        <h3 class="section-title">{t(Msg::ContractHeading)}</h3>
        {contract_terms(&contract)}
        {(!signed).then(|| view! {
            <ActionForm action=sign attr:class="form">
                <input type="hidden" name="placement_id" value=placement_id/>
                <input type="hidden" name="version" value=contract.version/>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || sign.pending().get()>{t(Msg::ContractSign)}</button>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            </ActionForm>
        })}
    }
}
