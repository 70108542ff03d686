//! Proof of work (B4): where the worker said they arrived, against the
//! service address.

/// An arrival recorded farther than this from the service address is
/// flagged: a phone's fix in a city is good to tens of metres, and a
/// compound's gate may be a few hundred from the door.
pub const ARRIVAL_RADIUS_M: i64 = 500;

/// Whether an arrival recorded `metres_away` from the address counts as at it.
pub fn arrived_at_the_address(metres_away: i64) -> bool {
    metres_away <= ARRIVAL_RADIUS_M
}

/// Metres shown for an arrival: to the nearest ten, as a fix is no finer.
pub fn arrival_metres(km: f64) -> i64 {
    ((km * 100.0).round() as i64) * 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrival_within_500_metres_is_at_the_address_and_farther_is_flagged() {
        assert!(arrived_at_the_address(0));
        assert!(arrived_at_the_address(500));
        assert!(!arrived_at_the_address(510));
    }

    #[test]
    fn arrival_distances_are_shown_to_the_nearest_ten_metres() {
        assert_eq!(arrival_metres(0.1234), 120);
        assert_eq!(arrival_metres(0.1251), 130);
        assert_eq!(arrival_metres(7.8), 7800);
    }
}
