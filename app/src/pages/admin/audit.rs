use crate::api::admin::{admin_audit_log, AuditRowView};
use crate::api::format_beijing;
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// A detail longer than this (a price or dispatch rule set) is folded.
const DETAIL_FOLD_CHARS: usize = 60;

/// 操作日志: the newest admin actions (P5), who did what to what and when.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| admin_audit_log());
    view! {
        <AdminShell title=Msg::AuditTitle>
            <p class="hint">{t(Msg::AuditHint)}</p>
            <Suspense fallback=|| view! { <Skeleton rows=8/> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::AuditEmpty)}</p></div> }.into_any(),
                        Ok(rows) => view! {
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
                                <tbody>{rows.into_iter().map(|row| view! { <AuditRow row/> }).collect_view()}</tbody>
                            </table>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn AuditRow(row: AuditRowView) -> impl IntoView {
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
            <td>{target}</td>
            <td class="audit-detail-cell">{detail}</td>
        </tr>
    }
}
