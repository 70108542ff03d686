use serde::{Deserialize, Serialize};

/// A position in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lng: f64,
}

impl GeoPoint {
    pub const fn new(lat: f64, lng: f64) -> Self {
        Self { lat, lng }
    }
}

const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle (haversine) distance in kilometres. Good to well under 1 %
/// at city scale, which is all a service-area or travel estimate needs.
pub fn distance_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat2 - lat1;
    let d_lng = (b.lng - a.lng).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Where travel times and road distances come from. Dispatch, slots and the
/// day planner only ever ask through this trait, so a routing service can
/// replace the default [`TravelModel`] without touching the rules.
pub trait Travel: Send + Sync {
    /// Travel time from `a` to `b` in whole seconds, rounded up so a buffer
    /// is never too short; `i64::MAX` when `b` cannot be reached, which
    /// fails every overlap check.
    fn travel_secs(&self, a: GeoPoint, b: GeoPoint) -> i64;
    /// Road distance from `a` to `b` in kilometres.
    fn road_km(&self, a: GeoPoint, b: GeoPoint) -> f64;
}

/// The default [`Travel`]: straight-line distance times a road factor, at an
/// average city speed. Deliberately simple and offline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TravelModel {
    pub speed_kmh: f64,
    /// Roads are longer than the straight line.
    pub road_factor: f64,
}

impl Default for TravelModel {
    /// 25 km/h (e-bike or metro plus walking) over roads 1.3 × the straight line.
    fn default() -> Self {
        Self { speed_kmh: 25.0, road_factor: 1.3 }
    }
}

impl Travel for TravelModel {
    /// A zero, negative or NaN speed means "cannot get there".
    fn travel_secs(&self, a: GeoPoint, b: GeoPoint) -> i64 {
        let km = self.road_km(a, b);
        if km <= 0.0 {
            return 0;
        }
        if self.speed_kmh <= 0.0 || self.speed_kmh.is_nan() {
            return i64::MAX;
        }
        let secs = (km / self.speed_kmh * 3600.0).ceil();
        if secs.is_nan() {
            i64::MAX
        } else {
            // `as` saturates for huge or infinite values.
            secs as i64
        }
    }

    fn road_km(&self, a: GeoPoint, b: GeoPoint) -> f64 {
        distance_km(a, b) * self.road_factor
    }
}
