use super::authz::require_user;
use super::onboarding::{file_url, put_clean_image, UploadOutcome};
use super::{app_state, internal, AppState};
use crate::api::feedback::{CustomerFeedback, FeedbackOrderChoice, FeedbackReplyView, FeedbackView, HandlerOption, MAX_FEEDBACK_IMAGES, UNRESOLVED};
use crate::api::{format_beijing, ADMIN, CUSTOMER};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use domain::{FeedbackAction, FeedbackCategory, FeedbackStatus, FeedbackText, Role};
use store::{FeedbackFilter, FeedbackRecord, FeedbackStep, NewFeedback, OrderFilter, StoreError, User};

/// How many of their orders a customer picks a complaint's order from.
const ORDER_CHOICES: i64 = 30;
const LIST_LIMIT: i64 = 200;
/// Where feedback photos are stored.
pub const FEEDBACK_AREA: &str = "feedback";

/// Records with their replies, as the pages show them.
async fn views(state: &AppState, records: Vec<FeedbackRecord>) -> Result<Vec<FeedbackView>, AppError> {
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let replies = state.store.feedback_replies(&ids).await.map_err(internal)?;
    let images = state.store.feedback_images(&ids).await.map_err(internal)?;
    records
        .into_iter()
        .map(|r| {
            Ok(FeedbackView {
                id: r.id,
                customer_id: r.customer_id,
                customer_name: r.customer_name,
                order_id: r.order_id,
                order_no: r.order_no,
                category: FeedbackCategory::parse(&r.category).ok_or_else(|| internal(format!("feedback {} category {}", r.id, r.category)))?,
                body: r.body,
                status: FeedbackStatus::parse(&r.status).ok_or_else(|| internal(format!("feedback {} status {}", r.id, r.status)))?,
                handler_name: r.handler_name,
                at: r.created_at.unix_timestamp(),
                images: images.iter().filter(|(id, _)| *id == r.id).map(|(_, key)| file_url(key)).collect(),
                replies: replies
                    .iter()
                    .filter(|reply| reply.feedback_id == r.id)
                    .map(|reply| FeedbackReplyView {
                        admin_name: reply.admin_name.clone(),
                        body: reply.body.clone(),
                        resolves: reply.resolves,
                        at: reply.created_at.unix_timestamp(),
                    })
                    .collect(),
            })
        })
        .collect()
}

pub async fn my_feedback() -> Result<CustomerFeedback, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let filter = OrderFilter { customer_id: Some(user.id.0), ..OrderFilter::newest(ORDER_CHOICES) };
    let orders = state
        .store
        .orders(&filter)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|o| {
            let starts = format_beijing(o.starts_at.unix_timestamp());
            FeedbackOrderChoice { id: o.id, label: format!("{} {}", o.service_name, starts.get(5..).unwrap_or(&starts)) }
        })
        .collect();
    let records = state.store.feedback_list(&FeedbackFilter { customer_id: Some(user.id.0), limit: LIST_LIMIT, ..Default::default() }).await.map_err(internal)?;
    Ok(CustomerFeedback { orders, items: views(&state, records).await? })
}

pub async fn submit(category: String, order_id: String, body: String) -> Result<i64, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let category = FeedbackCategory::parse(&category).ok_or(AppError::invalid(Field::Category, Msg::ErrFeedbackCategory))?;
    let order_id = match order_id.trim() {
        "" => None,
        id => {
            let not_theirs = AppError::invalid(Field::FeedbackOrder, Msg::ErrFeedbackOrder);
            let id: i64 = id.parse().map_err(|_| not_theirs.clone())?;
            let order = state.store.order(id).await.map_err(internal)?;
            if order.is_none_or(|o| o.customer_id != user.id.0) {
                return Err(not_theirs);
            }
            Some(id)
        }
    };
    let body = FeedbackText::parse(&body).map_err(AppError::from_input)?;
    let feedback = NewFeedback { customer_id: user.id.0, order_id, category: category.as_str().into(), body: body.as_str().into() };
    let id = state.store.create_feedback(&feedback, state.clock.now()).await.map_err(internal)?;
    tracing::info!(feedback_id = id, customer_id = user.id.0, "feedback filed");
    Ok(id)
}

pub async fn admin_list(status: Option<String>, customer_id: Option<i64>, order_id: Option<i64>) -> Result<Vec<FeedbackView>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    // Unknown values are ignored, as for the order list's filters.
    let statuses = match status.as_deref() {
        Some(UNRESOLVED) => FeedbackStatus::UNRESOLVED.to_vec(),
        other => other.and_then(FeedbackStatus::parse).into_iter().collect(),
    };
    let records = state.store.feedback_list(&FeedbackFilter { customer_id, order_id, statuses, limit: LIST_LIMIT }).await.map_err(internal)?;
    views(&state, records).await
}

pub async fn admin_one(feedback_id: i64) -> Result<FeedbackView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let record = state.store.feedback(feedback_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    views(&state, vec![record]).await?.pop().ok_or(AppError::NotFound)
}

pub async fn other_handlers() -> Result<Vec<HandlerOption>, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let admins = state.store.feedback_handlers().await.map_err(internal)?;
    Ok(admins.into_iter().filter(|(id, _)| *id != admin.id.0).map(|(id, name)| HandlerOption { id, name }).collect())
}

pub async fn admin_step(feedback_id: i64, action: String, body: String, to_admin: Option<i64>) -> Result<FeedbackStatus, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let action = FeedbackAction::parse(&action).ok_or(AppError::invalid(Field::Feedback, Msg::ErrFeedbackAction))?;
    let record = state.store.feedback(feedback_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let status = FeedbackStatus::parse(&record.status).ok_or_else(|| internal(format!("feedback {feedback_id} status {}", record.status)))?;
    let next = status.after(action).ok_or(AppError::Refused(Msg::ErrFeedbackStep))?;
    let reply = if action.needs_text() {
        let text = FeedbackText::parse(&body).map_err(AppError::from_input)?;
        let lead = if next == FeedbackStatus::Resolved { Msg::FeedbackResolvedNotice } else { Msg::FeedbackReplyNotice };
        Some((text.as_str().to_string(), format!("{}{}", t(lead), text.as_str())))
    } else {
        None
    };
    let handler_id = match action {
        FeedbackAction::HandOver => {
            // Only to another enabled admin: handing it to oneself is 认领.
            let others = state.store.feedback_handlers().await.map_err(internal)?;
            to_admin.filter(|to| *to != admin.id.0 && others.iter().any(|(id, _)| id == to)).ok_or(AppError::invalid(Field::Feedback, Msg::ErrHandOverTarget))?
        }
        _ => admin.id.0,
    };
    let step = FeedbackStep { expected_status: status.as_str().into(), next_status: next.as_str().into(), admin_id: admin.id.0, handler_id, reply };
    match state.store.step_feedback(feedback_id, &step, state.clock.now()).await {
        Ok(()) => {}
        // Another admin moved it between our read and our write: nothing changed.
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrFeedbackMoved)),
        Err(err) => return Err(internal(err)),
    }
    tracing::info!(feedback_id, admin_id = admin.id.0, action = action.as_str(), "feedback step");
    Ok(next)
}

/// A photo for the customer's own unresolved feedback, re-encoded like every
/// upload; refused (`too_many`, `closed`) when it cannot be added.
pub async fn store_feedback_image(state: &AppState, user: &User, feedback_id: i64, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    let feedback = state.store.feedback(feedback_id).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    match feedback {
        Some(f) if user.role == Role::Customer && f.customer_id == user.id.0 => {
            if f.status == FeedbackStatus::Resolved.as_str() {
                return Err(UploadOutcome::Refused("closed"));
            }
        }
        _ => return Err(UploadOutcome::Forbidden),
    }
    let key = put_clean_image(state, FEEDBACK_AREA, bytes).await?;
    match state.store.add_feedback_image(feedback_id, key.as_str(), MAX_FEEDBACK_IMAGES, state.clock.now()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => {
            // The stored copy belongs to nothing; nobody may read it, and it is removed.
            if let Err(err) = state.files.delete(&key).await {
                tracing::warn!(error = %err, "removing an unused feedback photo failed");
            }
            Err(UploadOutcome::Refused("too_many"))
        }
        Err(err) => Err(UploadOutcome::Internal(err.to_string())),
    }
}
