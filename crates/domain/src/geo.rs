use crate::InputError;
use serde::{Deserialize, Serialize};

/// A position on the map in WGS-84 degrees. (0, 0) is refused: it is what an
/// empty or failed geolocation produces, never a Daojia address.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    lat: f64,
    lng: f64,
}

impl Coordinates {
    pub fn new(lat: f64, lng: f64) -> Result<Self, InputError> {
        let valid = lat.is_finite()
            && lng.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lng)
            && !(lat == 0.0 && lng == 0.0);
        if valid {
            Ok(Self { lat, lng })
        } else {
            Err(InputError::LocationInvalid)
        }
    }

    /// Parses the two numbers as typed into a form.
    pub fn parse(lat: &str, lng: &str) -> Result<Self, InputError> {
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| InputError::LocationInvalid);
        Self::new(number(lat)?, number(lng)?)
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_must_be_on_the_globe() {
        assert!(Coordinates::new(31.23, 121.47).is_ok());
        for (lat, lng) in [(91.0, 0.5), (0.5, 181.0), (f64::NAN, 1.0), (1.0, f64::INFINITY)] {
            assert_eq!(Coordinates::new(lat, lng), Err(InputError::LocationInvalid));
        }
    }

    #[test]
    fn zero_zero_is_a_failed_fix_not_an_address() {
        assert_eq!(Coordinates::new(0.0, 0.0), Err(InputError::LocationInvalid));
    }

    #[test]
    fn typed_coordinates_are_trimmed_and_must_be_numbers() {
        assert_eq!(Coordinates::parse(" 31.2304 ", "121.4737").unwrap().lat(), 31.2304);
        assert_eq!(Coordinates::parse("", "121.4737"), Err(InputError::LocationInvalid));
        assert_eq!(Coordinates::parse("north", "east"), Err(InputError::LocationInvalid));
    }
}
