use crate::api::admin::{admin_audit_log, AuditPage, AuditQuery, AuditRowView};
use crate::api::format_beijing;
use crate::components::{encode_query_value, ErrorState, AdminShell, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg, AUDIT_ACTIONS};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A detail longer than this (a price or dispatch rule set) is folded.
const DETAIL_FOLD_CHARS: usize = 60;

/// The address of 操作日志 with these filters.
fn audit_href(query: &AuditQuery) -> String {
    let text = [("action", &query.action), ("actor", &query.actor), ("target", &query.target), ("from", &query.from), ("to", &query.to)];
    let params: Vec<String> = text
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| format!("{name}={}", encode_query_value(v))))
        .chain(query.before.map(|id| format!("before={id}")))
        .collect();
    if params.is_empty() {
        "/admin/audit".to_string()
    } else {
        format!("/admin/audit?{}", params.join("&"))
    }
}

/// 操作日志: admin actions (P5), who did what to what and when, newest
/// first, a page at a time. The filters live in the address, so a filtered
/// view can be bookmarked or sent to a colleague.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = move || {
        query_map.with(|q| {
            // An empty field of the submitted form does not filter.
            let given = |name: &str| q.get(name).filter(|v| !v.trim().is_empty());
            AuditQuery {
                action: given("action"),
                actor: given("actor"),
                target: given("target"),
                from: given("from"),
                to: given("to"),
                before: q.get("before").and_then(|id| id.parse().ok()),
            }
        })
    };
    let page = Resource::new(query, |q| admin_audit_log(q.action, q.actor, q.target, q.from, q.to, q.before));
    view! {
        <AdminShell title=Msg::AuditTitle>
            <p class="hint">{t(Msg::AuditHint)}</p>
            <Transition fallback=|| view! { <Skeleton rows=8/> }>
                {move || {
                    let current = query();
                    Suspend::new(async move {
                        match page.await {
                            Ok(page) => view! {
                                <AuditFilters query=current.clone() target=page.target.clone() error=None/>
                                <AuditTable page query=current/>
                            }
                            .into_any(),
                            Err(error) if error.field().is_some() => view! { <AuditFilters query=current target=None error=Some(error)/> }.into_any(),
                            Err(error) => view! { <ErrorState error/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </AdminShell>
    }
}

/// The filter form (a plain GET, so it works before the page is hydrated),
/// each filter with its error beneath it.
#[component]
fn AuditFilters(query: AuditQuery, target: Option<String>, error: Option<AppError>) -> impl IntoView {
    let error_at = |field: Field| error.as_ref().filter(|e| e.field() == Some(field)).map(AppError::message);
    let invalid = |field: Field| error_at(field).map(|_| "true");
    let action = query.action.clone().unwrap_or_default();
    let without_target = audit_href(&AuditQuery { target: None, before: None, ..query.clone() });
    view! {
        <form class="audit-filters" method="get" action="/admin/audit">
            <div class="audit-filter">
                <label for="audit-action">{t(Msg::AuditAction)}</label>
                <select id="audit-action" name="action" aria-describedby="audit-action-error" aria-invalid=invalid(Field::AuditAction)>
                    <option value="" selected=action.is_empty()>{t(Msg::AuditAllActions)}</option>
                    {AUDIT_ACTIONS
                        .iter()
                        .map(|(code, text)| view! { <option value=*code selected=action == *code>{*text}</option> })
                        .collect_view()}
                </select>
                <p class="field-error" id="audit-action-error" role="alert">{error_at(Field::AuditAction)}</p>
            </div>
            <div class="audit-filter">
                <label for="audit-actor">{t(Msg::AuditActor)}</label>
                <input id="audit-actor" type="tel" name="actor" inputmode="numeric" maxlength="11" placeholder=t(Msg::AuditActorPlaceholder)
                    value=query.actor.clone() aria-describedby="audit-actor-error" aria-invalid=invalid(Field::AuditActor)/>
                <p class="field-error" id="audit-actor-error" role="alert">{error_at(Field::AuditActor)}</p>
            </div>
            <div class="audit-filter">
                <label for="audit-from">{t(Msg::AuditFromLabel)}</label>
                <input id="audit-from" type="date" name="from" value=query.from.clone() aria-describedby="audit-from-error" aria-invalid=invalid(Field::AuditFrom)/>
                <p class="field-error" id="audit-from-error" role="alert">{error_at(Field::AuditFrom)}</p>
            </div>
            <div class="audit-filter">
                <label for="audit-to">{t(Msg::AuditToLabel)}</label>
                <input id="audit-to" type="date" name="to" value=query.to.clone() aria-describedby="audit-to-error" aria-invalid=invalid(Field::AuditTo)/>
                <p class="field-error" id="audit-to-error" role="alert">{error_at(Field::AuditTo)}</p>
            </div>
            {query.target.clone().map(|key| view! { <input type="hidden" name="target" value=key/> })}
            <div class="audit-filter-actions">
                <button type="submit" class="btn btn-primary">{t(Msg::AuditApply)}</button>
                {query.is_filtered().then(|| view! { <a class="btn btn-plain" href="/admin/audit">{t(Msg::AuditClear)}</a> })}
            </div>
        </form>
        {target.map(|target| view! {
            <div class="filter-chips">
                <a class="chip active" href=without_target data-audit-target>{tf(Msg::AuditTargetActive, &[&target])}" ✕"</a>
            </div>
        })}
    }
}

#[component]
fn AuditTable(page: AuditPage, query: AuditQuery) -> impl IntoView {
    if page.rows.is_empty() {
        let empty = if query.is_filtered() { Msg::AuditNoMatch } else { Msg::AuditEmpty };
        return view! { <div class="state-box empty-state"><p>{t(empty)}</p></div> }.into_any();
    }
    let paged = query.before.is_some();
    let newest = audit_href(&AuditQuery { before: None, ..query.clone() });
    let older = page.older.map(|before| audit_href(&AuditQuery { before: Some(before), ..query.clone() }));
    view! {
        <table class="table audit-table">
            <thead>
                <tr>
                    <th>{t(Msg::AuditAt)}</th>
                    <th>{t(Msg::AuditActor)}</th>
                    <th>{t(Msg::AuditAction)}</th>
                    <th>{t(Msg::AuditTarget)}</th>
                    <th>{t(Msg::AuditDetail)}</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .rows
                    .into_iter()
                    .map(|row| {
                        // Already narrowed to this record: no link to narrow to it again.
                        let only_target = (query.target.as_ref() != Some(&row.target_key))
                            .then(|| audit_href(&AuditQuery { target: Some(row.target_key.clone()), before: None, ..query.clone() }));
                        view! { <AuditRow row only_target/> }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager audit-pager">
            {paged.then(|| view! { <a class="btn btn-plain" href=newest>{t(Msg::AuditNewest)}</a> })}
            {older.map(|href| view! { <a class="btn btn-plain" href=href rel="next" data-audit-older>{t(Msg::AuditOlder)}</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn AuditRow(row: AuditRowView, only_target: Option<String>) -> impl IntoView {
    let target = match row.target_href {
        Some(href) => view! { <a href=href>{row.target}</a> }.into_any(),
        None => view! { <span>{row.target}</span> }.into_any(),
    };
    let detail = if row.detail.chars().count() > DETAIL_FOLD_CHARS {
        let summary: String = row.detail.chars().take(DETAIL_FOLD_CHARS).chain("…".chars()).collect();
        view! { <details><summary>{summary}</summary><p class="audit-detail">{row.detail}</p></details> }.into_any()
    } else {
        view! { <span>{row.detail}</span> }.into_any()
    };
    view! {
        <tr data-audit=row.id>
            <td class="num audit-at">{format_beijing(row.at)}</td>
            <td>{row.actor}</td>
            <td class="audit-action">{row.action}</td>
            <td>{target}{only_target.map(|href| view! { " "<a class="audit-only-target" href=href>{t(Msg::AuditOnlyTarget)}</a> })}</td>
            <td class="audit-detail-cell">{detail}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_address_keeps_only_the_given_filters_encoded() {
        assert_eq!(audit_href(&AuditQuery::default()), "/admin/audit");
        let query = AuditQuery { target: Some("coupon 4".into()), from: Some("2026-12-01".into()), before: Some(77), ..AuditQuery::default() };
        assert_eq!(audit_href(&query), "/admin/audit?target=coupon%204&from=2026-12-01&before=77");
    }

    #[test]
    fn a_later_page_of_the_whole_log_is_not_a_filtered_view() {
        assert!(!AuditQuery { before: Some(77), ..AuditQuery::default() }.is_filtered());
        assert!(AuditQuery { actor: Some("13700000000".into()), ..AuditQuery::default() }.is_filtered());
    }
}
