use crate::api::format_beijing;
use crate::api::money::{
    my_earnings, my_withdrawals, AddPayoutAccount, EarningKind, EarningLine, EarningsView, PayoutAccountView, PayoutKind, Period, RequestWithdrawal,
    WithdrawalStatus, WithdrawalView,
};
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, reset_on_success, ErrorState, LiveForm, PhoneShell, Skeleton, Tabs};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::order_ui::money;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn period_label(period: Period) -> Msg {
    match period {
        Period::Day => Msg::PeriodDay,
        Period::Week => Msg::PeriodWeek,
        Period::Month => Msg::PeriodMonth,
        Period::All => Msg::PeriodAll,
    }
}

fn earning_label(kind: EarningKind) -> Msg {
    match kind {
        EarningKind::OrderIncome => Msg::EarningOrder,
        EarningKind::Reward => Msg::EarningReward,
        EarningKind::Penalty => Msg::EarningPenalty,
        EarningKind::WithdrawalRequested => Msg::EarningWithdrawal,
        EarningKind::WithdrawalPaid => Msg::EarningWithdrawalPaid,
        EarningKind::WithdrawalReturned => Msg::EarningWithdrawalReturned,
        EarningKind::Correction => Msg::EarningCorrection,
    }
}

/// `+¥72.00` / `-¥5.00`: a change to the balance.
fn signed(fen: i64) -> String {
    if fen > 0 {
        format!("+{}", money(fen))
    } else {
        money(fen)
    }
}

/// 收入 (W5): balance, and the ledger lines of a period with commission and
/// rewards itemized.
#[component]
pub fn EarningsPage() -> impl IntoView {
    let query = use_query_map();
    let period = move || query.with(|q| q.get("period")).and_then(|p| Period::parse(&p)).unwrap_or(Period::Month);
    let live = use_live_version();
    let earnings = Resource::new(move || (period(), live.get()), |(period, _)| my_earnings(Some(period.as_str().to_string())));
    view! {
        <PhoneShell title=Msg::EarningsTitle tabs=Tabs::Worker>
            <nav class="segmented" aria-label=t(Msg::EarningsTitle)>
                {Period::ALL
                    .into_iter()
                    .map(|p| view! {
                        <a href=format!("/worker/earnings?period={}", p.as_str()) class="segment" class:active=move || period() == p>{t(period_label(p))}</a>
                    })
                    .collect_view()}
            </nav>
            // Another period, or news of a new earning, keeps the last figures
            // on screen until the new ones arrive instead of blanking the page.
            <Transition fallback=|| view! { <Skeleton rows=4/> }>
                {move || Suspend::new(async move {
                    match earnings.await {
                        Ok(view) => view! { <EarningsBody view/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </PhoneShell>
    }
}

/// Available and held balance, on both money pages.
#[component]
fn BalanceCard(available_fen: i64, held_fen: i64, link_to_withdraw: bool) -> impl IntoView {
    view! {
        <section class="balance-card">
            <div>
                <p class="balance-label">{t(Msg::AvailableBalance)}</p>
                <p class="balance-value" data-available=available_fen>{money(available_fen)}</p>
                <p class="balance-sub">{t(Msg::HeldBalance)}" "<span data-held=held_fen>{money(held_fen)}</span></p>
            </div>
            {link_to_withdraw.then(|| view! { <a class="btn btn-light btn-small" href="/worker/withdraw">{t(Msg::GoWithdraw)}</a> })}
        </section>
    }
}

#[component]
fn EarningsBody(view: EarningsView) -> impl IntoView {
    view! {
        <BalanceCard available_fen=view.available_fen held_fen=view.held_fen link_to_withdraw=true/>
        <div class="stat-grid earnings-stats">
            <div class="stat-card"><p class="stat-label">{t(Msg::IncomeTotal)}</p><p class="stat-value" data-income=view.income_fen>{money(view.income_fen)}</p></div>
            <div class="stat-card"><p class="stat-label">{t(Msg::CommissionTotal)}</p><p class="stat-value">{money(view.commission_fen)}</p></div>
            <div class="stat-card"><p class="stat-label">{t(Msg::RewardsTotal)}</p><p class="stat-value">{money(view.rewards_fen)}</p></div>
            <div class="stat-card"><p class="stat-label">{t(Msg::PenaltiesTotal)}</p><p class="stat-value">{money(view.penalties_fen)}</p></div>
        </div>
        <p class="hint">{t(Msg::OrdersCompletedCount)}" "{view.orders}</p>
        <p class="hint">{t(Msg::DiscountsArePlatforms)}</p>
        {if view.lines.is_empty() {
            view! { <div class="state-box empty-state"><p>{t(Msg::NoEarnings)}</p></div> }.into_any()
        } else {
            view! {
                <ul class="ledger-list">
                    {view.lines.into_iter().map(|line| view! { <LedgerLine line/> }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn LedgerLine(line: EarningLine) -> impl IntoView {
    // A penalty tied to an order (迟到) names both what it is and the job.
    let label = t(earning_label(line.kind));
    let title = match (line.kind, line.service_name.clone()) {
        (EarningKind::OrderIncome, Some(name)) => name,
        (_, Some(name)) => format!("{label} · {name}"),
        (_, None) => label.to_string(),
    };
    let detail = match line.kind {
        // The memo says what else shaped it: the platform's discounts, or a customer not home.
        EarningKind::OrderIncome => format!(
            "{} {} · {} {}{}",
            t(Msg::OrderAmount),
            money(line.gross_fen),
            t(Msg::CommissionLabel),
            money(line.commission_fen),
            if line.memo.is_empty() { String::new() } else { format!(" · {}", line.memo) }
        ),
        _ => line.memo.clone(),
    };
    let positive = line.amount_fen > 0;
    view! {
        <li class="ledger-line" data-kind=format!("{:?}", line.kind)>
            <div class="ledger-main">
                <p class="ledger-title">{title}</p>
                <p class="ledger-meta">{format_beijing(line.at)}{line.order_no.map(|no| format!(" · {no}"))}</p>
                {(!detail.is_empty()).then(|| view! { <p class="ledger-meta">{detail}</p> })}
            </div>
            <p class="ledger-amount" class:plus=positive>{signed(line.amount_fen)}</p>
        </li>
    }
}

fn withdrawal_status_text(status: WithdrawalStatus) -> (Msg, &'static str) {
    match status {
        WithdrawalStatus::Pending => (Msg::WithdrawalPending, "status-pending"),
        WithdrawalStatus::Paid => (Msg::WithdrawalPaid, "status-ok"),
        WithdrawalStatus::Rejected => (Msg::WithdrawalRejected, "status-bad"),
    }
}

pub fn payout_kind_label(kind: PayoutKind) -> Msg {
    match kind {
        PayoutKind::Bank => Msg::PayoutBank,
        PayoutKind::Wechat => Msg::PayoutWechat,
        PayoutKind::Alipay => Msg::PayoutAlipay,
    }
}

/// 提现 (W6): payout accounts, a request up to the available balance, and
/// the requests with their outcome.
#[component]
pub fn WithdrawPage() -> impl IntoView {
    let request = ServerAction::<RequestWithdrawal>::new();
    let add_account = ServerAction::<AddPayoutAccount>::new();
    let live = use_live_version();
    let data = Resource::new(
        move || (request.version().get(), add_account.version().get(), live.get()),
        |_| my_withdrawals(),
    );
    let available = Signal::derive(move || data.get().and_then(Result::ok).map(|view| view.available_fen));
    view! {
        <PhoneShell title=Msg::WithdrawTitle tabs=Tabs::Worker>
            <Transition fallback=|| view! { <Skeleton rows=1/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <BalanceCard available_fen=view.available_fen held_fen=view.held_fen link_to_withdraw=false/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
            // The forms are built again only when the accounts change: an offer
            // arriving while an amount or an account number is typed leaves it.
            <LiveForm choices=Signal::derive(move || data.get().map(|view| view.map(|view| (view.accounts, view.min_withdrawal_fen)))) skeleton=3
                form=move |(accounts, min_withdrawal_fen)| view! { <WithdrawForms accounts min_withdrawal_fen available request add_account/> }/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { data.await.ok().map(|view| view! { <WithdrawalHistory withdrawals=view.withdrawals/> }) })}
            </Transition>
        </PhoneShell>
    }
}

#[component]
fn WithdrawForms(
    accounts: Vec<PayoutAccountView>,
    min_withdrawal_fen: i64,
    /// The balance as news updates it, for the amount's hint.
    available: Signal<Option<i64>>,
    request: ServerAction<RequestWithdrawal>,
    add_account: ServerAction<AddPayoutAccount>,
) -> impl IntoView {
    let value = request.value();
    let at_most = move || available.get().map(|fen| format!("{} {}", t(Msg::AtMost), money(fen))).unwrap_or_default();
    let done = move || matches!(value.get(), Some(Ok(())));
    let form = reset_on_success(request);
    let has_accounts = !accounts.is_empty();
    let first_account = accounts.first().map(|a| a.id);
    view! {
        {if has_accounts {
            view! {
                <ActionForm action=request node_ref=form attr:class="form withdraw-form">
                    // The title sits on the page above the white rows, as on every
                    // other form, rather than straddling their top edge.
                    <fieldset>
                        <legend class="section-title">{t(Msg::PayoutAccountLabel)}</legend>
                        <div class="cells">
                            {accounts.iter().map(|a| view! {
                                <label class="cell choice-row">
                                    <input type="radio" name="account_id" value=a.id checked=Some(a.id) == first_account/>
                                    <span>{t(payout_kind_label(a.kind))}</span>
                                    <span class="cell-value">{a.label.clone()}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <p class="field-error" role="alert">{move || field_error(value, Field::AccountKind).get()}</p>
                    <div class="cell input-cell">
                        <label for="f-amount">{t(Msg::WithdrawAmount)}</label>
                        <input id="f-amount" name="amount" inputmode="decimal" autocomplete="off" placeholder=at_most/>
                    </div>
                    <p class="field-error" id="f-amount-error" role="alert">{move || field_error(value, Field::Amount).get()}</p>
                    <p class="hint">{t(Msg::WithdrawHint)}" "{money(min_withdrawal_fen)}</p>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || request.pending().get()>{t(Msg::SubmitWithdrawal)}</button>
                    <Show when=done><p class="toast" role="status">{t(Msg::WithdrawalSubmitted)}</p></Show>
                </ActionForm>
            }.into_any()
        } else {
            view! { <p class="notice">{t(Msg::AddAccountFirst)}</p> }.into_any()
        }}
        <AddAccountForm action=add_account/>
    }
}

#[component]
fn WithdrawalHistory(withdrawals: Vec<WithdrawalView>) -> impl IntoView {
    view! {
        <h2 class="section-title">{t(Msg::WithdrawalHistory)}</h2>
        {if withdrawals.is_empty() {
            view! { <div class="state-box empty-state"><p>{t(Msg::NoWithdrawals)}</p></div> }.into_any()
        } else {
            view! { <ul class="ledger-list">{withdrawals.into_iter().map(|w| view! { <WithdrawalLine w/> }).collect_view()}</ul> }.into_any()
        }}
    }
}

#[component]
fn WithdrawalLine(w: WithdrawalView) -> impl IntoView {
    let (label, class) = withdrawal_status_text(w.status);
    let outcome = match w.status {
        WithdrawalStatus::Paid => format!("{} {}", t(Msg::PayoutReference), w.reference),
        WithdrawalStatus::Rejected => format!("{}：{}", t(Msg::ReviewNoteLabel), w.reason),
        WithdrawalStatus::Pending => String::new(),
    };
    view! {
        <li class="ledger-line" data-withdrawal=w.id>
            <div class="ledger-main">
                <p class="ledger-title">{money(w.amount_fen)}" → "{w.account.clone()}</p>
                <p class="ledger-meta">{format_beijing(w.requested_at)}</p>
                {(!outcome.is_empty()).then(|| view! { <p class="ledger-meta">{outcome}</p> })}
            </div>
            <span class=format!("status-badge {class}")>{t(label)}</span>
        </li>
    }
}

#[component]
fn AddAccountForm(action: ServerAction<AddPayoutAccount>) -> impl IntoView {
    let value = action.value();
    let kind = RwSignal::new("bank".to_string());
    let saved = move || matches!(value.get(), Some(Ok(())));
    view! {
        <details class="panel add-account" open=move || matches!(value.get(), Some(Err(_)))>
            <summary>{t(Msg::AddPayoutAccount)}</summary>
            <ActionForm action attr:class="form">
                <div class="choice-grid">
                    {PayoutKind::ALL.into_iter().map(|k| view! {
                        <label class="choice">
                            <input type="radio" name="kind" value=k.as_str() checked=k == PayoutKind::Bank
                                on:change=move |_| kind.set(k.as_str().to_string())/>
                            <span>{t(payout_kind_label(k))}</span>
                        </label>
                    }).collect_view()}
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::AccountKind).get()}</p>
                <div class="cells">
                    <div class="cell input-cell">
                        <label for="f-holder">{t(Msg::HolderNameLabel)}</label>
                        <input id="f-holder" name="holder_name" maxlength="20" autocomplete="name"/>
                    </div>
                    <p class="field-error" role="alert">{move || field_error(value, Field::HolderName).get()}</p>
                    <div class="cell input-cell">
                        <label for="f-account-no">{t(Msg::AccountNoLabel)}</label>
                        <input id="f-account-no" name="account_no" maxlength="40" autocomplete="off"/>
                    </div>
                    <p class="field-error" role="alert">{move || field_error(value, Field::AccountNo).get()}</p>
                    <div class="cell input-cell" class:hidden=move || kind.get() != "bank">
                        <label for="f-bank">{t(Msg::BankNameLabel)}</label>
                        <input id="f-bank" name="bank_name" maxlength="30"/>
                    </div>
                    <p class="field-error" role="alert">{move || field_error(value, Field::BankName).get()}</p>
                </div>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-plain btn-block" disabled=move || action.pending().get()>{t(Msg::SaveAccount)}</button>
                <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
            </ActionForm>
        </details>
    }
}
