use crate::api::admin::{admin_users, AdminSetAccountDisabled, UserAttention, UsersPage as UsersData};
use crate::api::format_beijing;
use crate::components::{encode_query_value, field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::Field;
use crate::i18n::{t, Msg};
use domain::{Role, WorkerStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn role_text(role: Role) -> &'static str {
    t(match role {
        Role::Customer => Msg::RoleCustomer,
        Role::Worker => Msg::RoleWorker,
        Role::Admin => Msg::RoleAdmin,
    })
}

pub(crate) fn worker_status_text(status: WorkerStatus) -> &'static str {
    t(match status {
        WorkerStatus::Applicant => Msg::WorkerApplicant,
        WorkerStatus::NeedsMore => Msg::WorkerNeedsMore,
        WorkerStatus::Approved => Msg::WorkerApproved,
        WorkerStatus::Rejected => Msg::WorkerRejected,
        WorkerStatus::Suspended => Msg::WorkerSuspended,
    })
}

/// 用户列表: search and filter by role or 今日新增, paginated. Filters live in
/// the URL.
#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| {
            (
                q.get("role").filter(|r| !r.is_empty()),
                q.get("q").filter(|s| !s.is_empty()),
                q.get("attention").filter(|a| !a.is_empty()),
                q.get("page").and_then(|p| p.parse::<i64>().ok()),
            )
        })
    };
    let availability = ServerAction::<AdminSetAccountDisabled>::new();
    let users = Resource::new(move || (availability.version().get(), filters()), |(_, (role, q, attention, page))| admin_users(role, q, attention, page));
    let current_role = move || query.with(|q| q.get("role")).unwrap_or_default();
    let new_today = move || query.with(|q| q.get("attention")).as_deref() == Some(UserAttention::NewToday.as_str());
    let current_q = move || query.with(|q| q.get("q")).unwrap_or_default();
    view! {
        <AdminShell title=Msg::UsersTitle>
            <form class="toolbar" method="get" action="/admin/users">
                <select name="role" aria-label=t(Msg::ColumnRole)>
                    <option value="" selected=move || current_role().is_empty()>{t(Msg::FilterAllRoles)}</option>
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! {
                            <option value=role.as_str() selected=move || current_role() == role.as_str()>{role_text(role)}</option>
                        })
                        .collect_view()}
                </select>
                <select name="attention" aria-label=t(Msg::ColumnCreatedAt)>
                    <option value="" selected=move || !new_today()>{t(Msg::FilterAllTimes)}</option>
                    <option value=UserAttention::NewToday.as_str() selected=new_today>{t(Msg::StatUsersNewToday)}</option>
                </select>
                <input type="search" name="q" placeholder=t(Msg::SearchPlaceholder) value=current_q maxlength="40"/>
                <button type="submit" class="btn btn-primary">{t(Msg::Search)}</button>
            </form>
            <AvailabilityOutcome action=availability/>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(data) => view! { <UsersTable data availability/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

/// A customer's name opens their page (A8), a worker's their 入驻审核 page.
fn user_link(id: i64, role: Role, name: String) -> AnyView {
    match role {
        Role::Customer => view! { <a href=format!("/admin/users/{id}")>{name}</a> }.into_any(),
        Role::Worker => view! { <a href=format!("/admin/workers/{id}")>{name}</a> }.into_any(),
        Role::Admin => name.into_any(),
    }
}

/// 停用 (with its required reason) or 恢复 for one account.
#[component]
pub(crate) fn AvailabilityForm(action: ServerAction<AdminSetAccountDisabled>, user_id: i64, disabled: bool) -> impl IntoView {
    view! {
        <ActionForm action attr:class="review-form-inline" attr:data-account=user_id>
            <input type="hidden" name="user_id" value=user_id/>
            <input type="hidden" name="disabled" value=(!disabled).to_string()/>
            {if disabled {
                view! {
                    <input type="hidden" name="note" value=""/>
                    <button type="submit" class="btn btn-primary btn-small">{t(Msg::EnableAccount)}</button>
                }.into_any()
            } else {
                view! {
                    <input type="text" name="note" maxlength="200" aria-label=t(Msg::DisableReasonPlaceholder) placeholder=t(Msg::DisableReasonPlaceholder)/>
                    <button type="submit" class="btn btn-danger-plain btn-small">{t(Msg::DisableAccount)}</button>
                }.into_any()
            }}
        </ActionForm>
    }
}

/// What 停用 or 恢复 did: a toast, or why nothing changed.
#[component]
pub(crate) fn AvailabilityOutcome(action: ServerAction<AdminSetAccountDisabled>) -> impl IntoView {
    let outcome = action.value();
    let toast = move || match outcome.get() {
        Some(Ok(true)) => Some(t(Msg::AccountDisabledToast)),
        Some(Ok(false)) => Some(t(Msg::AccountEnabledToast)),
        _ => None,
    };
    view! {
        <p class="form-error" role="alert">{move || form_error(outcome).get().or(field_error(outcome, Field::Review).get())}</p>
        {move || toast().map(|text| view! { <p class="toast" role="status">{text}</p> })}
    }
}

fn page_href(role: &str, attention: &str, q: &str, page: i64) -> String {
    let mut params = vec![format!("page={page}")];
    if !role.is_empty() {
        params.push(format!("role={role}"));
    }
    if let Some(attention) = UserAttention::parse(attention) {
        params.push(format!("attention={}", attention.as_str()));
    }
    if !q.is_empty() {
        params.push(format!("q={}", encode_query_value(q)));
    }
    format!("/admin/users?{}", params.join("&"))
}

#[component]
fn UsersTable(data: UsersData, availability: ServerAction<AdminSetAccountDisabled>) -> impl IntoView {
    let query = use_query_map();
    let role = query.with_untracked(|q| q.get("role")).unwrap_or_default();
    let q = query.with_untracked(|q| q.get("q")).unwrap_or_default();
    let attention = query.with_untracked(|q| q.get("attention")).unwrap_or_default();
    if data.rows.is_empty() {
        return view! { <div class="state-box empty-state"><p>{t(Msg::NoUsersFound)}</p></div> }.into_any();
    }
    let prev = (data.page > 1).then(|| page_href(&role, &attention, &q, data.page - 1));
    let next = (data.page < data.page_count).then(|| page_href(&role, &attention, &q, data.page + 1));
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th>{t(Msg::ColumnId)}</th>
                    <th>{t(Msg::ColumnPhone)}</th>
                    <th>{t(Msg::ColumnName)}</th>
                    <th>{t(Msg::ColumnRole)}</th>
                    <th>{t(Msg::ColumnWorkerStatus)}</th>
                    <th>{t(Msg::ColumnAccount)}</th>
                    <th>{t(Msg::ColumnCreatedAt)}</th>
                    <th>{t(Msg::ColumnActions)}</th>
                </tr>
            </thead>
            <tbody>
                {data
                    .rows
                    .into_iter()
                    .map(|u| view! {
                        <tr>
                            <td class="num">{u.id}</td>
                            <td class="num">{u.phone}</td>
                            <td>{user_link(u.id, u.role, u.display_name)}</td>
                            <td>{role_text(u.role)}</td>
                            <td>{u.worker_status.map(worker_status_text).unwrap_or("—")}</td>
                            <td>{if u.disabled { t(Msg::AccountDisabled) } else { t(Msg::AccountActive) }}</td>
                            <td class="num">{format_beijing(u.created_at)}</td>
                            <td>
                                {(u.role != Role::Admin).then(|| view! {
                                    <AvailabilityForm action=availability user_id=u.id disabled=u.disabled/>
                                })}
                            </td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=t(Msg::Pagination)>
            {prev.map(|href| view! { <a class="btn btn-plain" href=href>{t(Msg::PrevPage)}</a> })}
            <span class="pager-info">
                {format!("{} / {} {} {} {}", data.page, data.page_count, t(Msg::PageOf), data.total, t(Msg::TotalUsersSuffix))}
            </span>
            {next.map(|href| view! { <a class="btn btn-plain" href=href>{t(Msg::NextPage)}</a> })}
        </nav>
    }
    .into_any()
}
