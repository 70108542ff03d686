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

/// How long a worker takes to get somewhere: straight-line distance times a
/// road factor, at an average city speed. Deliberately simple and offline; a
/// routing service can replace it later behind the same numbers.
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

impl TravelModel {
    /// Travel time in whole seconds, rounded up so a buffer is never too
    /// short. A zero or negative speed means "cannot get there": the result
    /// saturates to `i64::MAX`, which fails every overlap check.
    pub fn travel_secs(&self, a: GeoPoint, b: GeoPoint) -> i64 {
        let km = distance_km(a, b) * self.road_factor;
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
}
