//! A customer's review of a completed service (C9): three ratings from 1 to
//! 5, an optional text, and photos the customer adds once it is written.

/// Longest review text, in characters.
pub const MAX_REVIEW_CHARS: usize = 500;

/// Photos one review may carry: enough for a before and after of a few
/// rooms, few enough for a service page to show them in a row.
pub const MAX_REVIEW_PHOTOS: usize = 6;

/// Why a review is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewError {
    /// A rating outside 1–5.
    RatingOutOfRange,
    /// A text longer than [`MAX_REVIEW_CHARS`].
    TooLong,
}

/// A review as the customer wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    /// Trimmed; empty when the customer only rated.
    pub body: String,
}

impl ReviewInput {
    pub fn parse(quality: i32, attitude: i32, result: i32, body: &str) -> Result<Self, ReviewError> {
        if [quality, attitude, result].iter().any(|s| !(1..=5).contains(s)) {
            return Err(ReviewError::RatingOutOfRange);
        }
        let body = body.trim();
        if body.chars().count() > MAX_REVIEW_CHARS {
            return Err(ReviewError::TooLong);
        }
        Ok(Self { quality, attitude, result, body: body.to_string() })
    }
}

/// Whether a review holding `held` photos may take one more.
pub fn may_add_review_photo(held: usize) -> bool {
    held < MAX_REVIEW_PHOTOS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rating_is_from_one_to_five() {
        assert!(ReviewInput::parse(1, 5, 3, "").is_ok());
        for (q, a, r) in [(0, 5, 5), (5, 6, 5), (5, 5, -1)] {
            assert_eq!(ReviewInput::parse(q, a, r, "好"), Err(ReviewError::RatingOutOfRange));
        }
    }

    #[test]
    fn a_review_text_is_trimmed_and_counted_in_characters_not_bytes() {
        let full = "好".repeat(MAX_REVIEW_CHARS);
        assert_eq!(ReviewInput::parse(5, 5, 5, &format!("  {full}\n")).map(|r| r.body), Ok(full.clone()));
        assert_eq!(ReviewInput::parse(5, 5, 5, &format!("{full}好")), Err(ReviewError::TooLong));
    }

    #[test]
    fn a_review_takes_at_most_six_photos() {
        assert!(may_add_review_photo(0));
        assert!(may_add_review_photo(MAX_REVIEW_PHOTOS - 1));
        assert!(!may_add_review_photo(MAX_REVIEW_PHOTOS));
    }
}
