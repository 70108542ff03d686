use super::authz::require_user;
use super::{app_state, internal, AppState};
use crate::api::appeal::{AppealView, AppealableView, WarningView, WorkerAppeals, OPEN_ONLY};
use crate::api::{ADMIN, WORKER};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use domain::{penalty_appealable, AppealDecision, AppealStatus, AppealSubject, FeedbackText, Fen, WorkerStatus, PENALTY_APPEAL_DAYS};
use store::{AppealRecord, AppealVerdict, AuditEntry, NewAppeal, StoreError, UserId, WarningRecord};
use time::OffsetDateTime;

const LIST_LIMIT: i64 = 200;
/// More penalties than anyone gets in the appeal window.
const PENALTY_LINES: i64 = 500;
/// More warnings than a worker keeps before an admin suspends them.
pub(crate) const WARNING_LIMIT: i64 = 200;

fn warning_view(w: WarningRecord) -> WarningView {
    WarningView {
        id: w.id,
        reason: w.reason,
        given_by: w.issued_by_name,
        at: w.created_at.unix_timestamp(),
        withdrawn_at: w.withdrawn_at.map(|at| at.unix_timestamp()),
    }
}

fn view(r: AppealRecord) -> Result<AppealView, AppError> {
    Ok(AppealView {
        id: r.id,
        worker_id: r.worker_id,
        worker_name: r.worker_name,
        worker_phone: r.worker_phone,
        subject: AppealSubject::parse(&r.subject).ok_or_else(|| internal(format!("appeal {} subject {}", r.id, r.subject)))?,
        reason: r.subject_reason,
        amount_fen: r.amount_fen,
        body: r.body,
        status: AppealStatus::parse(&r.status).ok_or_else(|| internal(format!("appeal {} status {}", r.id, r.status)))?,
        decided_by: r.decided_by_name,
        reply: r.reply,
        at: r.created_at.unix_timestamp(),
        decided_at: r.decided_at.map(|at| at.unix_timestamp()),
    })
}

/// What `worker` may appeal at `now`: their suspension while it stands, and
/// each penalty and standing warning (of their `warnings`) of the last
/// [`PENALTY_APPEAL_DAYS`], newest first.
async fn appealable(state: &AppState, worker: UserId, now: OffsetDateTime, warnings: &[WarningRecord]) -> Result<Vec<AppealableView>, AppError> {
    let mut items = Vec::new();
    let profile = state.store.worker_profile(worker).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if let (WorkerStatus::Suspended, Some(at)) = (profile.status, profile.reviewed_at) {
        items.push(AppealableView {
            subject: AppealSubject::Suspension,
            subject_ref: at.unix_timestamp(),
            reason: profile.review_note,
            amount_fen: None,
            at: at.unix_timestamp(),
            appealed: None,
        });
    }
    let since = now - time::Duration::days(PENALTY_APPEAL_DAYS);
    let lines = state.store.worker_ledger(worker.0, since, PENALTY_LINES).await.map_err(internal)?;
    items.extend(
        lines
            .into_iter()
            .filter(|l| l.kind == ledger::TxnKind::Penalty.code() && penalty_appealable(l.created_at.unix_timestamp(), now.unix_timestamp()))
            .map(|l| AppealableView {
                subject: AppealSubject::Penalty,
                subject_ref: l.txn_id,
                reason: l.memo,
                amount_fen: Some(-l.available_delta),
                at: l.created_at.unix_timestamp(),
                appealed: None,
            }),
    );
    items.extend(
        warnings
            .iter()
            .filter(|w| w.withdrawn_at.is_none() && penalty_appealable(w.created_at.unix_timestamp(), now.unix_timestamp()))
            .map(|w| AppealableView {
                subject: AppealSubject::Warning,
                subject_ref: w.id,
                reason: w.reason.clone(),
                amount_fen: None,
                at: w.created_at.unix_timestamp(),
                appealed: None,
            }),
    );
    items.sort_by_key(|i| std::cmp::Reverse((i.subject == AppealSubject::Suspension, i.at)));
    Ok(items)
}

pub async fn my_appeals() -> Result<WorkerAppeals, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let appeals = state.store.appeals(Some(user.id.0), false, LIST_LIMIT).await.map_err(internal)?;
    let warnings = state.store.warnings(user.id.0, WARNING_LIMIT).await.map_err(internal)?;
    let mut appealable = appealable(&state, user.id, state.clock.now(), &warnings).await?;
    for item in &mut appealable {
        item.appealed = appeals
            .iter()
            .find(|a| a.subject == item.subject.as_str() && a.subject_ref == item.subject_ref)
            .and_then(|a| AppealStatus::parse(&a.status));
    }
    Ok(WorkerAppeals {
        appealable,
        warnings: warnings.into_iter().map(warning_view).collect(),
        appeals: appeals.into_iter().map(view).collect::<Result<_, _>>()?,
        penalty_days: PENALTY_APPEAL_DAYS,
    })
}

pub async fn file(subject: String, subject_ref: i64, body: String) -> Result<i64, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let subject = AppealSubject::parse(&subject).ok_or(AppError::Refused(Msg::ErrAppealSubject))?;
    let body = FeedbackText::parse(&body).map_err(AppError::from_input)?;
    let now = state.clock.now();
    // Only what this worker may appeal right now: their own standing
    // suspension or their own recent penalty, never someone else's.
    let warnings = state.store.warnings(user.id.0, WARNING_LIMIT).await.map_err(internal)?;
    let item = appealable(&state, user.id, now, &warnings)
        .await?
        .into_iter()
        .find(|i| i.subject == subject && i.subject_ref == subject_ref)
        .ok_or(AppError::Refused(Msg::ErrAppealSubject))?;
    let appeal = NewAppeal {
        worker_id: user.id.0,
        subject,
        subject_ref,
        subject_reason: item.reason,
        amount_fen: item.amount_fen,
        body: body.as_str().into(),
    };
    let id = match state.store.file_appeal(&appeal, now).await {
        Ok(id) => id,
        Err(StoreError::Duplicate) => return Err(AppError::Refused(Msg::ErrAppealTwice)),
        Err(err) => return Err(internal(err)),
    };
    tracing::info!(appeal_id = id, worker_id = user.id.0, subject = subject.as_str(), "appeal filed");
    Ok(id)
}

pub async fn admin_list(filter: Option<String>) -> Result<Vec<AppealView>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let open_only = filter.as_deref() == Some(OPEN_ONLY);
    state.store.appeals(None, open_only, LIST_LIMIT).await.map_err(internal)?.into_iter().map(view).collect()
}

pub async fn worker_warnings(worker_id: i64) -> Result<Vec<WarningView>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    state.store.worker_profile(UserId(worker_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    Ok(state.store.warnings(worker_id, WARNING_LIMIT).await.map_err(internal)?.into_iter().map(warning_view).collect())
}

pub async fn give_warning(worker_id: i64, reason: String) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let reason = FeedbackText::parse(&reason).map_err(AppError::from_input)?;
    let profile = state.store.worker_profile(UserId(worker_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    // An applicant is reviewed, not warned: a warning answers to how a
    // worker has worked.
    if !matches!(profile.status, WorkerStatus::Approved | WorkerStatus::Suspended) {
        return Err(AppError::Refused(Msg::ErrWarningNotWorker));
    }
    let now = state.clock.now();
    let id = state.store.give_warning(worker_id, reason.as_str(), admin.id.0, now).await.map_err(internal)?;
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: "worker_warned".into(),
        target: format!("user:{worker_id}"),
        detail: format!("{id}：{}", reason.as_str()),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    let body = format!("你收到一次警告：{}。如有异议可以在申诉中说明。", super::inbox::clause(reason.as_str()));
    super::inbox::tell_worker(&state, worker_id, super::inbox::WARNING, &body).await;
    tracing::info!(warning_id = id, worker_id, admin_id = admin.id.0, "warning given");
    Ok(id)
}

pub async fn decide(appeal_id: i64, decision: String, reply: String) -> Result<AppealStatus, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let decision = AppealDecision::parse(&decision).ok_or(AppError::Refused(Msg::ErrAppealDecision))?;
    let reply = FeedbackText::parse(&reply).map_err(AppError::from_input)?;
    let record = state.store.appeal(appeal_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let status = AppealStatus::parse(&record.status)
        .and_then(|s| s.after(decision))
        .ok_or(AppError::Refused(Msg::ErrAppealDecided))?;
    let verdict = AppealVerdict {
        appeal_id,
        decision,
        admin_id: admin.id.0,
        reply: reply.as_str().into(),
        repayment_memo: format!("{}{}", t(Msg::AppealRepaymentMemo), record.subject_reason),
    };
    let now = state.clock.now();
    match state.store.decide_appeal(&verdict, now).await {
        Ok(()) => {}
        // Another admin decided it between our read and our write: nothing changed.
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrAppealDecided)),
        Err(err) => return Err(internal(err)),
    }
    let amount = record.amount_fen.map(|fen| format!(" {}", Fen::new(fen))).unwrap_or_default();
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: format!("appeal_{}", decision.as_str()),
        target: format!("user:{}", record.worker_id),
        detail: format!("{} {}{amount}：{}", appeal_id, record.subject, reply.as_str()),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    let verdict = if status == AppealStatus::Overturned { "申诉成立，原决定已撤销" } else { "维持原决定" };
    let body = format!("你的申诉（{}）已处理：{verdict}。客服答复：{}", record.subject_reason, reply.as_str());
    super::inbox::tell_worker(&state, record.worker_id, super::inbox::APPEAL, &body).await;
    tracing::info!(appeal_id, admin_id = admin.id.0, decision = decision.as_str(), "appeal decided");
    Ok(status)
}
