use super::authz::require_user;
use super::flows::day_number;
use super::{app_state, internal, reason, AppState};
use crate::api::placement::{CandidateView, ContractView, InterviewView, PlacementCustomer, PlacementView, ShortlistOption, TrialView, OPEN_ONLY};
use crate::api::{ADMIN, CUSTOMER, CUSTOMER_OR_WORKER, WORKER};
use crate::error::{AppError, Field};
use crate::i18n::{tf, Msg};
use booking::{CandidateStatus, CandidateStep, ContractTerms, OrderState, PlacementError, PlacementStatus, TrialTerms};
use domain::{FeedbackText, Fen};
use store::{AuditEntry, CandidateMove, CandidateRecord, ContractRecord, ContractSide, PlacementRecord, ProposeOutcome, StoreError, TrialRecord};

pub(crate) const LIST_LIMIT: i64 = 200;
/// The kind of a 站内消息 about a nanny placement: it links to 我的阿姨匹配.
pub const PLACEMENT_MESSAGE: &str = "placement";

fn placement_error(err: PlacementError) -> AppError {
    match err {
        PlacementError::InterviewTooSoon => AppError::invalid(Field::InterviewAt, Msg::ErrInterviewTooSoon),
        PlacementError::InterviewTooFar => AppError::invalid(Field::InterviewAt, Msg::ErrInterviewTooFar),
        PlacementError::InterviewOutsideHours => AppError::invalid(Field::InterviewAt, Msg::ErrInterviewHours),
        PlacementError::StartDayPast => AppError::invalid(Field::StartDay, Msg::ErrStartDayPast),
        PlacementError::StartDayTooFar => AppError::invalid(Field::StartDay, Msg::ErrStartDayTooFar),
        PlacementError::ShortlistFull => AppError::Refused(Msg::ErrShortlistFull),
        PlacementError::ContractDays => AppError::invalid(Field::ContractDays, Msg::ErrContractDays),
        PlacementError::ContractFee => AppError::invalid(Field::Amount, Msg::ErrContractFee),
        PlacementError::TrialTooSoon => AppError::invalid(Field::TrialAt, Msg::ErrTrialTooSoon),
        PlacementError::TrialTooFar => AppError::invalid(Field::TrialAt, Msg::ErrTrialTooFar),
        PlacementError::TrialOutsideHours => AppError::invalid(Field::TrialAt, Msg::ErrTrialHoursOfDay),
        PlacementError::TrialHours => AppError::invalid(Field::TrialHours, Msg::ErrTrialHours),
        PlacementError::TrialFee => AppError::invalid(Field::Amount, Msg::ErrTrialFee),
    }
}

/// The state of the order a trial or a contract was booked with, if any.
fn placement_order_state(order_id: Option<i64>, state: Option<&str>) -> Result<Option<OrderState>, AppError> {
    state.map(|s| OrderState::from_db(s).ok_or_else(|| internal(format!("order {order_id:?} state {s}")))).transpose()
}

/// `now` decides whether the terms may still be booked: not once their day began.
fn trial_view(t: TrialRecord, now: time::OffsetDateTime) -> Result<TrialView, AppError> {
    let order_state = placement_order_state(t.order_id, t.order_state.as_deref())?;
    Ok(TrialView {
        bookable: t.bookable() && t.starts_at > now,
        lapsed: t.bookable() && t.starts_at <= now,
        starts_at: t.starts_at.unix_timestamp(),
        hours: (t.ends_at - t.starts_at).whole_hours(),
        fee_fen: t.fee_fen,
        version: t.version,
        order_id: t.order_id,
        order_state,
    })
}

fn contract_view(c: ContractRecord, now: time::OffsetDateTime) -> Result<ContractView, AppError> {
    let order_state = placement_order_state(c.order_id, c.order_state.as_deref())?;
    let first_day_ahead = !c.first_day_began(now);
    Ok(ContractView {
        payable: c.payable() && first_day_ahead,
        lapsed: c.payable() && !first_day_ahead,
        ended_early: c.ended_early(),
        order_id: c.order_id,
        order_state,
        start_day: c.start_day,
        days: c.days,
        fee_fen: c.fee_fen,
        notes: c.notes,
        version: c.version,
        customer_signed: c.customer_signed_at.is_some(),
        worker_signed: c.worker_signed_at.is_some(),
    })
}

fn candidate_view(c: CandidateRecord) -> Result<CandidateView, AppError> {
    Ok(CandidateView {
        worker_id: c.worker_id,
        name: c.worker_name,
        age: c.age,
        years_experience: c.years_experience,
        intro: c.intro,
        rating: c.rating_avg,
        completed: c.completed,
        status: CandidateStatus::parse(&c.status).ok_or_else(|| internal(format!("candidate status {}", c.status)))?,
        interview_at: c.interview_at.map(|at| at.unix_timestamp()),
    })
}

/// The requests with their candidates; the customer's name and phone only
/// for staff.
async fn views(state: &AppState, records: Vec<PlacementRecord>, for_staff: bool) -> Result<Vec<PlacementView>, AppError> {
    let ids: Vec<i64> = records.iter().map(|p| p.id).collect();
    let mut candidates = state.store.placement_candidates(&ids).await.map_err(internal)?;
    let mut contracts = state.store.placement_contracts(&ids).await.map_err(internal)?;
    let mut trials = state.store.placement_trials(&ids).await.map_err(internal)?;
    let now = state.clock.now();
    records
        .into_iter()
        .map(|p| {
            let mine: Vec<CandidateRecord> = candidates.extract_if(.., |c| c.placement_id == p.id).collect();
            Ok(PlacementView {
                id: p.id,
                service_id: p.service_id,
                service_name: p.service_name,
                customer: for_staff.then_some(PlacementCustomer { id: p.customer_id, name: p.customer_name, phone: p.customer_phone }),
                start_day: p.start_day,
                needs: p.needs,
                status: PlacementStatus::parse(&p.status).ok_or_else(|| internal(format!("placement {} status {}", p.id, p.status)))?,
                close_reason: p.close_reason,
                at: p.created_at.unix_timestamp(),
                candidates: mine.into_iter().map(candidate_view).collect::<Result<_, _>>()?,
                contract: contracts.extract_if(.., |c| c.placement_id == p.id).next().map(|c| contract_view(c, now)).transpose()?,
                trial: trials.extract_if(.., |t| t.placement_id == p.id).next().map(|t| trial_view(t, now)).transpose()?,
            })
        })
        .collect()
}

/// `2027-03-01T14:30` on the customer's screen (Beijing) → the instant.
fn beijing_minute(raw: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let local = time::PrimitiveDateTime::parse(raw.trim(), &format).ok()?;
    Some(local.assume_offset(time::UtcOffset::from_hms(8, 0, 0).ok()?).to_offset(time::UtcOffset::UTC))
}

pub async fn request(service_id: i64, start_day: String, needs: String) -> Result<i64, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let service = state.store.service(service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if !booking::is_nanny_category(&service.category_code) || service.status != "listed" || !service.category_listed {
        return Err(AppError::Refused(Msg::ErrNotPlacedService));
    }
    let now = state.clock.now();
    let day = day_number(start_day.trim()).ok_or(AppError::invalid(Field::StartDay, Msg::ErrStartDayMissing))?;
    booking::start_day(day, now.unix_timestamp()).map_err(placement_error)?;
    let needs = FeedbackText::parse(&needs).map_err(|err| match AppError::from_input(err) {
        AppError::Invalid { msg, .. } => AppError::invalid(Field::Needs, msg),
        other => other,
    })?;
    let placement = store::NewPlacement { customer_id: user.id.0, service_id, start_day: start_day.trim().to_string(), needs: needs.as_str().into() };
    let id = match state.store.request_placement(&placement, now).await {
        Ok(id) => id,
        Err(StoreError::Duplicate) => return Err(AppError::Refused(Msg::ErrPlacementOpen)),
        Err(err) => return Err(internal(err)),
    };
    tracing::info!(placement_id = id, customer_id = user.id.0, service_id, "nanny placement requested");
    Ok(id)
}

pub async fn mine() -> Result<Vec<PlacementView>, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let records = state.store.placements(Some(user.id.0), false, LIST_LIMIT).await.map_err(internal)?;
    views(&state, records, false).await
}

/// Moves one candidate of `placement` by `step`, from where she stands now.
/// Returns her as she was read.
async fn take_step(state: &AppState, placement: &PlacementRecord, worker_id: i64, step: CandidateStep, interview_at: Option<time::OffsetDateTime>) -> Result<CandidateRecord, AppError> {
    let current = PlacementStatus::parse(&placement.status).ok_or_else(|| internal(format!("placement {} status {}", placement.id, placement.status)))?;
    if !current.is_open() {
        return Err(AppError::Refused(Msg::ErrPlacementClosed));
    }
    let candidates = state.store.placement_candidates(&[placement.id]).await.map_err(internal)?;
    let candidate = candidates.into_iter().find(|c| c.worker_id == worker_id).ok_or(AppError::NotFound)?;
    let from = CandidateStatus::parse(&candidate.status).ok_or_else(|| internal(format!("candidate status {}", candidate.status)))?;
    let to = from.after(step).ok_or(AppError::Refused(Msg::ErrCandidateStep))?;
    let next = current.after(step);
    let step_move = CandidateMove { placement_id: placement.id, worker_id, from, to, interview_at, placement_to: (next != current).then_some(next) };
    match state.store.move_candidate(&step_move, state.clock.now()).await {
        Ok(()) => Ok(candidate),
        // Someone acted on her between our read and our write: nothing changed.
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrCandidateStep)),
        Err(err) => Err(internal(err)),
    }
}

pub async fn customer_step(placement_id: i64, worker_id: i64, step: String, interview_at: Option<String>) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let step = CandidateStep::parse(&step).filter(|s| s.by_customer()).ok_or(AppError::Refused(Msg::ErrCandidateStep))?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if placement.customer_id != user.id.0 {
        return Err(AppError::Forbidden);
    }
    let interview_at = match step {
        CandidateStep::Invite => {
            let raw = interview_at.unwrap_or_default();
            let at = beijing_minute(&raw).ok_or(AppError::invalid(Field::InterviewAt, Msg::ErrInterviewMissing))?;
            booking::interview_time(at.unix_timestamp(), state.clock.now().unix_timestamp()).map_err(placement_error)?;
            Some(at)
        }
        _ => None,
    };
    take_step(&state, &placement, worker_id, step, interview_at).await?;
    tracing::info!(placement_id, worker_id, step = step.as_str(), "placement step by customer");
    match (step, interview_at) {
        (CandidateStep::Invite, Some(at)) => {
            let when = crate::api::format_beijing(at.unix_timestamp());
            let body = tf(Msg::SmsInterviewInvite, &[&placement.customer_name, &when, &placement.service_name]);
            tell(&state, worker_id, body).await?;
        }
        (CandidateStep::Choose, _) => {
            let body = tf(Msg::SmsNannyChosen, &[&placement.customer_name, &placement.service_name]);
            tell(&state, worker_id, body).await?;
        }
        _ => {}
    }
    Ok(())
}

pub async fn withdraw(placement_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if placement.customer_id != user.id.0 {
        return Err(AppError::Forbidden);
    }
    match state.store.close_placement(placement_id, Some(user.id.0), crate::i18n::t(Msg::PlacementWithdrawnReason), state.clock.now()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrPlacementClosed)),
        Err(err) => Err(internal(err)),
    }
}

/// An invitation the nanny has still to answer.
pub(crate) fn awaits_answer(c: &store::CandidacyRecord) -> bool {
    c.status == CandidateStatus::Invited.as_str() && PlacementStatus::parse(&c.placement_status).is_some_and(PlacementStatus::is_open)
}

/// Tells `user_id` the news: a text and a 站内消息, a customer's each as
/// their reminder channels (C11) allow. Sent after the step is stored, so a
/// failure to deliver is logged and the step stands.
async fn tell(state: &AppState, user_id: i64, body: String) -> Result<(), AppError> {
    let user = state.store.user(store::UserId(user_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let prefs = match user.role {
        domain::Role::Customer => state.store.reminder_prefs(user_id).await.map_err(internal)?,
        _ => store::ReminderPrefs::default(),
    };
    let message = super::inbox::in_app_text(&body);
    if prefs.in_app {
        if let Err(err) = state.store.post_message(user_id, PLACEMENT_MESSAGE, message, state.clock.now()).await {
            tracing::error!(user_id, error = %err, "placement message failed");
        }
    }
    if !prefs.sms {
        return Ok(());
    }
    if let Err(reason) = state.sms.send(&user.phone, &body).await {
        tracing::error!(to = %user.phone.masked(), %reason, "placement text failed");
    }
    Ok(())
}

pub async fn interviews() -> Result<Vec<InterviewView>, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let rows = state.store.candidacies(user.id.0, LIST_LIMIT).await.map_err(internal)?;
    let chosen: Vec<i64> = rows.iter().filter(|r| r.status == CandidateStatus::Chosen.as_str()).map(|r| r.placement_id).collect();
    let mut contracts = state.store.placement_contracts(&chosen).await.map_err(internal)?;
    contracts.retain(|c| c.worker_id == user.id.0);
    let mut trials = state.store.placement_trials(&chosen).await.map_err(internal)?;
    trials.retain(|t| t.worker_id == user.id.0);
    let now = state.clock.now();
    rows.into_iter()
        .map(|r| {
            Ok(InterviewView {
                trial: trials.iter().find(|t| t.placement_id == r.placement_id).cloned().map(|t| trial_view(t, now)).transpose()?,
                contract: contracts.iter().find(|c| c.placement_id == r.placement_id).cloned().map(|c| contract_view(c, now)).transpose()?,
                placement_id: r.placement_id,
                customer_name: r.customer_name,
                service_name: r.service_name,
                start_day: r.start_day,
                needs: r.needs,
                placement_open: PlacementStatus::parse(&r.placement_status).is_some_and(PlacementStatus::is_open),
                status: CandidateStatus::parse(&r.status).ok_or_else(|| internal(format!("candidate status {}", r.status)))?,
                interview_at: r.interview_at.map(|at| at.unix_timestamp()),
            })
        })
        .collect()
}

pub async fn answer(placement_id: i64, step: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let step = CandidateStep::parse(&step).filter(|s| !s.by_customer()).ok_or(AppError::Refused(Msg::ErrCandidateStep))?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    // A nanny answers only for herself: `take_step` finds her among the candidates or says NotFound.
    let her = take_step(&state, &placement, user.id.0, step, None).await?;
    tracing::info!(placement_id, worker_id = user.id.0, step = step.as_str(), "interview answered");
    let body = if step == CandidateStep::Accept {
        let at = her.interview_at.map(|at| crate::api::format_beijing(at.unix_timestamp())).unwrap_or_default();
        tf(Msg::SmsInterviewAccepted, &[&her.worker_name, &at])
    } else {
        tf(Msg::SmsInterviewRefused, &[&her.worker_name])
    };
    tell(&state, placement.customer_id, body).await?;
    Ok(())
}

pub async fn admin_list(filter: Option<String>) -> Result<Vec<PlacementView>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let open_only = filter.as_deref() == Some(OPEN_ONLY);
    let records = state.store.placements(None, open_only, LIST_LIMIT).await.map_err(internal)?;
    views(&state, records, true).await
}

/// Nannies who may serve this request: approved, with the category's skill,
/// and every certificate the category asks for valid on the start day.
async fn qualified(state: &AppState, placement: &PlacementRecord) -> Result<Vec<ShortlistOption>, AppError> {
    let service = state.store.service(placement.service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let start = day_number(&placement.start_day).ok_or_else(|| internal(format!("placement {} start day {}", placement.id, placement.start_day)))?;
    let valid_through_start = |through: &Option<String>| through.as_deref().is_none_or(|d| day_number(d).is_some_and(|d| d >= start));
    let workers = state.store.workers_for_dispatch(&service.category_code).await.map_err(internal)?;
    Ok(workers
        .into_iter()
        .filter(|w| !service.needs_certificate || (w.certified && valid_through_start(&w.certified_through)))
        .filter(|w| valid_through_start(&w.health_through))
        .map(|w| ShortlistOption { worker_id: w.user_id, name: w.display_name, rating: w.rating_avg })
        .collect())
}

pub async fn shortlist_options(placement_id: i64) -> Result<Vec<ShortlistOption>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let listed: Vec<i64> = state.store.placement_candidates(&[placement_id]).await.map_err(internal)?.iter().map(|c| c.worker_id).collect();
    let mut options = qualified(&state, &placement).await?;
    options.retain(|o| !listed.contains(&o.worker_id));
    Ok(options)
}

pub async fn propose(placement_id: i64, worker_id: i64) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let nanny = qualified(&state, &placement).await?.into_iter().find(|o| o.worker_id == worker_id).ok_or(AppError::Refused(Msg::ErrNannyNotQualified))?;
    let now = state.clock.now();
    match state.store.propose_candidate(placement_id, worker_id, admin.id.0, booking::MAX_SHORTLIST, now).await.map_err(internal)? {
        ProposeOutcome::Proposed => {}
        ProposeOutcome::NotOpen => return Err(AppError::Refused(Msg::ErrPlacementClosed)),
        ProposeOutcome::AlreadyListed => return Err(AppError::Refused(Msg::ErrNannyListed)),
        ProposeOutcome::Full => return Err(placement_error(PlacementError::ShortlistFull)),
    }
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: "nanny_proposed".into(),
        target: format!("placement:{placement_id}"),
        detail: format!("user:{worker_id}"),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    tracing::info!(placement_id, worker_id, admin_id = admin.id.0, "nanny proposed");
    let body = tf(Msg::SmsNannyProposed, &[&placement.service_name, &nanny.name]);
    tell(&state, placement.customer_id, body).await?;
    Ok(())
}

pub async fn admin_close(placement_id: i64, close_reason: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let close_reason = reason(&close_reason, Field::CancelReason, Some(Msg::ErrReasonRequired))?;
    state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    match state.store.close_placement(placement_id, None, &close_reason, now).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrPlacementClosed)),
        Err(err) => return Err(internal(err)),
    }
    let entry = AuditEntry { actor: Some(admin.id), action: "placement_closed".into(), target: format!("placement:{placement_id}"), detail: close_reason };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    Ok(())
}

pub async fn propose_contract(placement_id: i64, start_day: String, days: String, fee: String, notes: String) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let day = day_number(start_day.trim()).ok_or(AppError::invalid(Field::StartDay, Msg::ErrStartDayMissing))?;
    let days: i64 = days.trim().parse().map_err(|_| AppError::invalid(Field::ContractDays, Msg::ErrContractDays))?;
    let fee = Fen::parse_yuan(fee.trim()).map_err(|_| AppError::invalid(Field::Amount, Msg::ErrContractFee))?;
    let terms = ContractTerms::parse(day, days, fee.get(), now.unix_timestamp()).map_err(placement_error)?;
    let notes = reason(&notes, Field::Notes, None)?;
    let contract = store::NewContract {
        placement_id,
        start_day: start_day.trim().to_string(),
        days: i32::try_from(terms.days).map_err(internal)?,
        fee_fen: terms.fee_fen,
        notes: notes.clone(),
    };
    let (version, nanny) = match state.store.propose_contract(&contract, admin.id.0, now).await {
        Ok(proposed) => proposed,
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrContractNotOpen)),
        Err(err) => return Err(internal(err)),
    };
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: "contract_proposed".into(),
        target: format!("placement:{placement_id}"),
        detail: format!("v{version} {} {}天 {fee} {notes}", contract.start_day, terms.days),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    let body = tf(Msg::SmsContractProposed, &[&placement.service_name, &contract.start_day, &terms.days, &fee]);
    for user in [placement.customer_id, nanny] {
        tell(&state, user, body.clone()).await?;
    }
    tracing::info!(placement_id, version, admin_id = admin.id.0, "contract proposed");
    Ok(version)
}

/// Signs for the caller: the request's family, or the nanny the terms name
/// (to anyone else there is no such contract). Texts both when the second
/// signature completes the contract.
pub async fn sign(placement_id: i64, version: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER_OR_WORKER)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let contract = state.store.placement_contracts(&[placement_id]).await.map_err(internal)?.pop();
    let side = match user.role {
        domain::Role::Customer if placement.customer_id == user.id.0 => ContractSide::Customer,
        domain::Role::Customer => return Err(AppError::Forbidden),
        _ if contract.as_ref().is_some_and(|c| c.worker_id == user.id.0) => ContractSide::Worker,
        _ => return Err(AppError::NotFound),
    };
    let contract = contract.ok_or(AppError::NotFound)?;
    let both = match state.store.sign_contract(placement_id, side, version, state.clock.now()).await {
        Ok(both) => both,
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrContractChanged)),
        Err(err) => return Err(internal(err)),
    };
    tracing::info!(placement_id, version, ?side, both, "contract signed");
    if both {
        let body = tf(Msg::SmsContractSigned, &[&placement.service_name, &contract.start_day]);
        for user in [placement.customer_id, contract.worker_id] {
            tell(&state, user, body.clone()).await?;
        }
    }
    Ok(())
}

/// Arranges the trial day with the nanny the family chose, when she is free
/// then; texts both.
pub async fn propose_trial(placement_id: i64, starts_at: String, hours: String, fee: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let at = beijing_minute(&starts_at).ok_or(AppError::invalid(Field::TrialAt, Msg::ErrTrialMissing))?;
    let hours: i64 = hours.trim().parse().map_err(|_| AppError::invalid(Field::TrialHours, Msg::ErrTrialHours))?;
    let fee = Fen::parse_yuan(fee.trim()).map_err(|_| AppError::invalid(Field::Amount, Msg::ErrTrialFee))?;
    let terms = TrialTerms::parse(at.unix_timestamp(), hours, fee.get(), now.unix_timestamp()).map_err(placement_error)?;
    let ends_at = super::flows::from_unix(terms.ends_at())?;
    let candidates = state.store.placement_candidates(&[placement_id]).await.map_err(internal)?;
    let nanny = candidates.iter().find(|c| c.status == CandidateStatus::Chosen.as_str()).ok_or(AppError::Refused(Msg::ErrTrialNotOpen))?;
    let busy = state.store.busy_between(at, ends_at).await.map_err(internal)?;
    if busy.iter().any(|b| b.worker_id == nanny.worker_id && b.starts_at < ends_at && b.ends_at > at) {
        return Err(AppError::invalid(Field::TrialAt, Msg::ErrTrialNannyBusy));
    }
    let trial = store::NewTrial { placement_id, starts_at: at, ends_at, fee_fen: terms.fee_fen };
    let worker_id = match state.store.propose_trial(&trial, admin.id.0, now).await {
        Ok(worker_id) => worker_id,
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrTrialNotOpen)),
        Err(err) => return Err(internal(err)),
    };
    let when = crate::api::format_beijing(terms.starts_at);
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: "trial_proposed".into(),
        target: format!("placement:{placement_id}"),
        detail: format!("user:{worker_id} {when} {hours}h {fee}"),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    let body = tf(Msg::SmsTrialProposed, &[&placement.service_name, &when, &hours, &fee]);
    for user in [placement.customer_id, worker_id] {
        tell(&state, user, body.clone()).await?;
    }
    tracing::info!(placement_id, worker_id, admin_id = admin.id.0, "trial proposed");
    Ok(())
}

/// The order that books a placement's trial or pays its contract: held by
/// the chosen nanny at one of the family's saved addresses, priced at the
/// agreed `fee` as one line, named `heading · service`.
struct PlacementOrder {
    heading: Msg,
    line: String,
    fee: Fen,
    starts_at: time::OffsetDateTime,
    ends_at: time::OffsetDateTime,
}

async fn placement_order(state: &AppState, customer_id: i64, placement: &PlacementRecord, o: PlacementOrder, address_id: i64) -> Result<store::NewOrder, AppError> {
    let address = state.store.addresses(customer_id).await.map_err(internal)?.into_iter().find(|a| a.id == address_id);
    let address = address.ok_or(AppError::invalid(Field::Address, Msg::TrialNoAddress))?;
    let mut service = state.store.service(placement.service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    service.name = format!("{} · {}", crate::i18n::t(o.heading), service.name);
    let line = pricing::QuoteLine { kind: pricing::LineKind::Base, label: o.line, unit_price: o.fee, quantity: 1, amount: o.fee };
    let quote = pricing::Quote { lines: vec![line], total: o.fee, package_tiers: Vec::new() };
    let request = super::flows::OrderRequest {
        customer_id,
        service: &service,
        units: 1,
        quote: &quote,
        address_text: address.address_text,
        location: dispatch::GeoPoint { lat: address.lat, lng: address.lng },
        contact_phone: address.contact_phone,
        notes: String::new(),
        starts_at: o.starts_at,
        ends_at: o.ends_at,
        coupon_claim_id: None,
        worker_gender: None,
    };
    super::flows::new_order(state, request, state.clock.now(), time::OffsetDateTime::now_utc()).await
}

/// The family's own placement request; to anyone else there is no such thing to pay for.
async fn own_placement(state: &AppState, customer_id: i64, placement_id: i64) -> Result<PlacementRecord, AppError> {
    let placement = state.store.placement(placement_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if placement.customer_id != customer_id {
        return Err(AppError::Forbidden);
    }
    Ok(placement)
}

/// Books the arranged trial as an order held by the chosen nanny at one of
/// the family's saved addresses, to be paid like any other; dispatch offers
/// it to her alone (an order she turns down goes to staff, not to others).
pub async fn book_trial(placement_id: i64, version: i64, address_id: i64) -> Result<i64, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let placement = own_placement(&state, user.id.0, placement_id).await?;
    let trial = state.store.placement_trials(&[placement_id]).await.map_err(internal)?.pop().ok_or(AppError::NotFound)?;
    let t = state.clock.now();
    if trial.starts_at <= t {
        return Err(AppError::Refused(Msg::ErrTrialLapsed));
    }
    if trial.version != version || !trial.bookable() {
        return Err(AppError::Refused(Msg::ErrTrialChanged));
    }
    let hours = (trial.ends_at - trial.starts_at).whole_hours();
    let terms = PlacementOrder {
        heading: Msg::TrialHeading,
        line: tf(Msg::TrialHoursValue, &[&hours]),
        fee: Fen::new(trial.fee_fen),
        starts_at: trial.starts_at,
        ends_at: trial.ends_at,
    };
    let order = placement_order(&state, user.id.0, &placement, terms, address_id).await?;
    match state.store.place_trial(&order, placement_id, version, t).await {
        Ok(placed) => {
            tracing::info!(placement_id, order_id = placed.order_id, worker_id = placed.reserved_worker_id, "trial booked");
            leptos_axum::redirect(&format!("/pay/{}", placed.order_id));
            Ok(placed.order_id)
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrTrialChanged)),
        Err(StoreError::SlotTaken) => Err(AppError::Refused(Msg::ErrTrialNannyBusy)),
        Err(err) => Err(internal(err)),
    }
}

/// Pays the contract both sides signed (`version`) as an order holding its
/// nanny for every day of it, at one of the family's saved addresses: paid,
/// offered to her alone, served and paid out like any other order.
pub async fn pay_contract(placement_id: i64, version: i64, address_id: i64) -> Result<i64, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let placement = own_placement(&state, user.id.0, placement_id).await?;
    let contract = state.store.placement_contracts(&[placement_id]).await.map_err(internal)?.pop().ok_or(AppError::NotFound)?;
    let day = day_number(&contract.start_day).ok_or_else(|| internal(format!("contract {placement_id} has start day {:?}", contract.start_day)))?;
    let (starts_at, ends_at) = booking::contract_span(day, i64::from(contract.days));
    if contract.version != version || contract.customer_signed_at.is_none() || contract.worker_signed_at.is_none() {
        return Err(AppError::Refused(Msg::ErrContractChanged));
    }
    if !contract.payable() {
        return Err(AppError::Refused(Msg::ErrContractPaid));
    }
    let t = state.clock.now();
    if starts_at <= t.unix_timestamp() {
        return Err(AppError::Refused(Msg::ErrContractLapsed));
    }
    let terms = PlacementOrder {
        heading: Msg::ContractHeading,
        line: tf(Msg::ContractDaysValue, &[&contract.days]),
        fee: Fen::new(contract.fee_fen),
        starts_at: time::OffsetDateTime::from_unix_timestamp(starts_at).map_err(internal)?,
        ends_at: time::OffsetDateTime::from_unix_timestamp(ends_at).map_err(internal)?,
    };
    let order = placement_order(&state, user.id.0, &placement, terms, address_id).await?;
    match state.store.place_contract(&order, placement_id, version, t).await {
        Ok(placed) => {
            tracing::info!(placement_id, order_id = placed.order_id, worker_id = placed.reserved_worker_id, "contract order placed");
            leptos_axum::redirect(&format!("/pay/{}", placed.order_id));
            Ok(placed.order_id)
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrContractPaid)),
        Err(StoreError::SlotTaken) => Err(AppError::Refused(Msg::ErrContractNannyBusy)),
        Err(err) => Err(internal(err)),
    }
}

/// A month of a contract in service paid out to its nanny (月结): the job
/// `place_contract` scheduled for its morning. When the order is not in
/// service with her then, nothing is paid and its completion pays it all.
pub async fn pay_installment(state: &AppState, order_id: i64, payload: &str) -> Result<(), AppError> {
    let Ok(number) = payload.parse::<i64>() else {
        tracing::error!(order_id, payload, "installment job without a month number");
        return Ok(());
    };
    let Some(order) = state.store.order(order_id).await.map_err(internal)? else { return Ok(()) };
    let Some(worker_id) = order.worker_id else { return Ok(()) };
    let months = booking::contract_installments(order.starts_at.unix_timestamp(), order.ends_at.unix_timestamp(), order.total_fen);
    let Some(month) = months.into_iter().find(|m| m.number == number) else { return Ok(()) };
    let first_day = (number - 1) * booking::INSTALLMENT_DAYS + 1;
    let payout = store::InstallmentPayout {
        order_id,
        worker_id,
        number,
        amount_fen: month.amount_fen,
        commission_bps: super::flows::order_commission_bps(state, &order).await?,
        memo: tf(Msg::InstallmentMemo, &[&number, &first_day, &(first_day + booking::INSTALLMENT_DAYS - 1)]),
    };
    let Some(share) = state.store.pay_installment(&payout, state.clock.now()).await.map_err(internal)? else { return Ok(()) };
    tracing::info!(order_id, worker_id, number, share_fen = share, "contract month paid out");
    let body = tf(Msg::InstallmentMessage, &[&number, &Fen::new(share)]);
    super::inbox::tell_worker(state, worker_id, super::inbox::EARNING, &body).await;
    Ok(())
}
