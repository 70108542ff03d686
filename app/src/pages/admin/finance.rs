use crate::api::format_beijing;
use crate::api::money::{
    admin_finance, AdminAdjustBalance, AdminDecideWithdrawal, AdminSetCommission, AdminWithdrawalView, BooksView, CategoryCommissionView, WithdrawalStatus,
};
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::order_ui::money;
use crate::pages::worker::payout_kind_label;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 财务: withdrawal requests to pay out or reject, rewards and penalties,
/// and the ledger audit's verdict.
#[component]
pub fn FinancePage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status")).unwrap_or_else(|| "pending".into());
    let decide = ServerAction::<AdminDecideWithdrawal>::new();
    let adjust = ServerAction::<AdminAdjustBalance>::new();
    let commission = ServerAction::<AdminSetCommission>::new();
    let finance = Resource::new(
        move || (status(), decide.version().get(), adjust.version().get(), commission.version().get()),
        |(status, _, _, _)| admin_finance(Some(status)),
    );
    let decide_value = decide.value();
    let filters = [("pending", Msg::WithdrawalPending), ("paid", Msg::WithdrawalPaid), ("rejected", Msg::WithdrawalRejected), ("all", Msg::FilterAll)];
    view! {
        <AdminShell title=Msg::FinanceTitle>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match finance.await {
                        Ok(view) => {
                            let sound = view.audit_violations.is_empty();
                            view! {
                                <p class=if sound { "notice audit-ok" } else { "notice notice-warning" } data-audit=if sound { "ok" } else { "failed" }>
                                    {if sound { t(Msg::AuditOk).to_string() } else { format!("{} {}", t(Msg::AuditFailed), view.audit_violations.join("；")) }}
                                </p>
                                <Books books=view.books/>
                                <div class="admin-columns finance-columns">
                                    <section class="panel">
                                        <h2 class="section-title">{t(Msg::WithdrawalQueue)}</h2>
                                        <nav class="filter-chips">
                                            {filters.into_iter().map(|(key, label)| view! {
                                                <a class="chip" class:active=move || status() == key href=format!("/admin/finance?status={key}")>{t(label)}</a>
                                            }).collect_view()}
                                        </nav>
                                        <p class="form-error" role="alert">{move || form_error(decide_value).get()
                                            .or(field_error(decide_value, Field::Reference).get())
                                            .or(field_error(decide_value, Field::Review).get())}</p>
                                        {if view.withdrawals.is_empty() {
                                            view! { <div class="state-box empty-state"><p>{t(Msg::NoWithdrawals)}</p></div> }.into_any()
                                        } else {
                                            view! {
                                                <table class="table">
                                                    <thead><tr>
                                                        <th>{t(Msg::ColumnName)}</th><th>{t(Msg::ColumnAmount)}</th><th>{t(Msg::PayoutAccountLabel)}</th>
                                                        <th>{t(Msg::ColumnRequestedAt)}</th><th>{t(Msg::ColumnActions)}</th>
                                                    </tr></thead>
                                                    <tbody>{view.withdrawals.into_iter().map(|w| view! { <WithdrawalRow w decide/> }).collect_view()}</tbody>
                                                </table>
                                            }.into_any()
                                        }}
                                    </section>
                                    <div>
                                        <AdjustForm adjust key=view.adjustment_key/>
                                        <CommissionTable rows=view.commissions default_percent=view.default_commission commission/>
                                    </div>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn WithdrawalRow(w: AdminWithdrawalView, decide: ServerAction<AdminDecideWithdrawal>) -> impl IntoView {
    let bank = if w.bank_name.is_empty() { String::new() } else { format!("{} ", w.bank_name) };
    let outcome = match w.status {
        WithdrawalStatus::Paid => Some(format!("{} {}", t(Msg::PayoutReference), w.reference)),
        WithdrawalStatus::Rejected => Some(format!("{}：{}", t(Msg::ReviewNoteLabel), w.reason)),
        WithdrawalStatus::Pending => None,
    };
    view! {
        <tr data-withdrawal=w.id>
            <td>{w.worker_name.clone()}<br/><span class="muted num">{w.worker_phone.clone()}</span></td>
            <td class="num">{money(w.amount_fen)}</td>
            <td>{t(payout_kind_label(w.account_kind))}" · "{w.holder_name.clone()}<br/><span class="num">{bank}{w.account_no.clone()}</span></td>
            <td class="num">{format_beijing(w.requested_at)}</td>
            <td>
                {match outcome {
                    Some(text) => view! { <span class="muted">{text}</span> }.into_any(),
                    None => view! {
                        <ActionForm action=decide attr:class="decide-form">
                            <input type="hidden" name="withdrawal_id" value=w.id/>
                            <input type="text" name="reference" maxlength="64" aria-label=t(Msg::PayoutReference) placeholder=t(Msg::PayoutReference)/>
                            <input type="text" name="reason" maxlength="200" aria-label=t(Msg::ReasonPlaceholder) placeholder=t(Msg::ReasonPlaceholder)/>
                            <span class="decide-buttons">
                                <button type="submit" name="decision" value="paid" class="btn btn-primary btn-small">{t(Msg::MarkPaid)}</button>
                                <button type="submit" name="decision" value="rejected" class="btn btn-danger-plain btn-small">{t(Msg::DecisionReject)}</button>
                            </span>
                        </ActionForm>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
fn AdjustForm(adjust: ServerAction<AdminAdjustBalance>, key: String) -> impl IntoView {
    let value = adjust.value();
    let done = move || matches!(value.get(), Some(Ok(())));
    // 服务者考核 links here with the worker's phone filled in.
    let phone = use_query_map().with_untracked(|q| q.get("phone")).unwrap_or_default();
    view! {
        <section class="panel">
            <h2 class="section-title">{t(Msg::AdjustTitle)}</h2>
            <ActionForm action=adjust attr:class="form adjust-form">
                <input type="hidden" name="key" value=key/>
                <label for="f-adjust-phone">{t(Msg::WorkerPhoneLabel)}</label>
                <input id="f-adjust-phone" name="worker_phone" inputmode="numeric" maxlength="11" value=phone/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Phone).get()}</p>
                <div class="choice-grid">
                    <label class="choice"><input type="radio" name="kind" value="reward" checked/><span>{t(Msg::EarningReward)}</span></label>
                    <label class="choice"><input type="radio" name="kind" value="penalty"/><span>{t(Msg::EarningPenalty)}</span></label>
                </div>
                <label for="f-adjust-amount">{t(Msg::AmountYuan)}</label>
                <input id="f-adjust-amount" name="amount" inputmode="decimal"/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Amount).get()}</p>
                <label for="f-adjust-reason">{t(Msg::ReasonLabel)}</label>
                <input id="f-adjust-reason" name="reason" maxlength="200"/>
                <p class="field-error" role="alert">{move || field_error(value, Field::Review).get()}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-primary" disabled=move || adjust.pending().get()>{t(Msg::PostAdjustment)}</button>
                <Show when=done><p class="toast" role="status">{t(Msg::Posted)}</p></Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn CommissionTable(rows: Vec<CategoryCommissionView>, default_percent: String, commission: ServerAction<AdminSetCommission>) -> impl IntoView {
    let value = commission.value();
    view! {
        <section class="panel">
            <h2 class="section-title">{t(Msg::CommissionTitle)}</h2>
            <p class="hint">{t(Msg::CommissionHint)}{default_percent.clone()}"%"</p>
            <p class="form-error" role="alert">{move || field_error(value, Field::Amount).get().or(form_error(value).get())}</p>
            <table class="table commission-table">
                <tbody>
                    {rows.into_iter().map(|row| {
                        let default_percent = default_percent.clone();
                        let label = format!("{} {}", row.name, t(Msg::CommissionPercent));
                        let code = row.code.clone();
                        view! {
                            <tr data-category=row.code>
                                <th>{row.name}</th>
                                <td>
                                    <ActionForm action=commission attr:class="commission-form">
                                        <input type="hidden" name="category_code" value=code/>
                                        <input name="percent" inputmode="decimal" maxlength="6" value=row.percent placeholder=default_percent aria-label=label/>
                                        <button type="submit" class="btn btn-plain btn-small">{t(Msg::Save)}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// 资金总览: where the money customers paid (and the platform put in for its
/// offers and rewards) is now, one figure per kind of account.
#[component]
fn Books(books: BooksView) -> impl IntoView {
    let came_in = [
        (Msg::BooksCustomersPaid, books.customers_paid_fen, "customers_paid"),
        (Msg::BooksDiscountsPaid, books.discounts_paid_fen, "discounts_paid"),
        (Msg::BooksRewardsPaid, books.rewards_paid_fen, "rewards_paid"),
    ];
    let is_now = [
        (Msg::BooksInEscrow, books.in_escrow_fen, "in_escrow"),
        (Msg::BooksPlatformIncome, books.platform_income_fen, "platform_income"),
        (Msg::BooksPenaltiesTaken, books.penalties_taken_fen, "penalties_taken"),
        (Msg::BooksOwedToWorkers, books.owed_to_workers_fen, "owed_to_workers"),
        (Msg::BooksPaidOut, books.paid_out_fen, "paid_out"),
        (Msg::BooksRefunded, books.refunded_fen, "refunded"),
    ];
    let cards = |figures: &[(Msg, i64, &'static str)]| {
        figures
            .iter()
            .map(|&(label, fen, key)| view! {
                <div class="stat-card" data-books=key><p class="stat-label">{t(label)}</p><p class="stat-value">{money(fen)}</p></div>
            })
            .collect_view()
    };
    view! {
        <section class="panel books">
            <h2 class="section-title">{t(Msg::BooksTitle)}</h2>
            <p class="hint">{t(Msg::BooksCameIn)}</p>
            <div class="stat-grid">{cards(&came_in)}</div>
            <p class="hint">{t(Msg::BooksIsNow)}</p>
            <div class="stat-grid">{cards(&is_now)}</div>
        </section>
    }
}
