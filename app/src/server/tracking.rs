//! Tracking (C7): positions are taken only from the worker holding the order
//! and only while it shares them; its customer reads them while they are
//! shared, admins until they are purged.

use super::authz::require_user;
use super::{app_state, flows, internal};
use crate::api::tracking::{TrackPoint, TrackView};
use crate::api::{Access, WORKER};
use crate::error::AppError;
use crate::i18n::Msg;
use booking::OrderState;
use dispatch::GeoPoint;
use domain::{Coordinates, Role};

/// Positions a map shows: the last hours of a trip at one every 15 s.
const TRACK_POINTS: i64 = 500;

pub async fn report(order_id: i64, lat: f64, lng: f64) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let at = Coordinates::new(lat, lng).map_err(AppError::from_input)?;
    let recorded = state.store.record_position(order_id, user.id.0, at.lat(), at.lng(), state.clock.now()).await.map_err(internal)?;
    if recorded {
        Ok(())
    } else {
        Err(AppError::Refused(Msg::ErrNotSharingPosition))
    }
}

pub async fn track(order_id: i64) -> Result<TrackView, AppError> {
    let user = require_user(Access::SignedIn)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::Customer => order.customer_id == user.id.0,
        Role::Admin => true,
        Role::Worker => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let order_state = flows::order_state(&order)?;
    let sharing = order_state.shares_position();
    // The customer follows the trip only while it happens; admins settling a
    // lateness complaint also read it afterwards, until the upkeep purges it.
    let shown = sharing || user.role == Role::Admin;
    let points: Vec<TrackPoint> = if shown {
        let records = state.store.order_track(order_id, TRACK_POINTS).await.map_err(internal)?;
        records.into_iter().map(|p| TrackPoint { lat: p.lat, lng: p.lng, at: p.recorded_at.unix_timestamp() }).collect()
    } else {
        Vec::new()
    };
    let destination = GeoPoint::new(order.lat, order.lng);
    let eta_secs = points
        .last()
        .filter(|_| order_state == OrderState::Departed)
        .map(|p| state.travel.travel_secs(GeoPoint::new(p.lat, p.lng), destination));
    Ok(TrackView { sharing, points, destination: (order.lat, order.lng), eta_secs, tile_url: state.config.map_tile_url.clone() })
}
