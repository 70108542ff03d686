//! Customer feedback and complaints (C10) and how an admin handles them (A9).

use crate::InputError;
use serde::{Deserialize, Serialize};

/// What a complaint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackCategory {
    Quality,
    Lateness,
    Damage,
    Other,
}

impl FeedbackCategory {
    pub const ALL: [FeedbackCategory; 4] = [FeedbackCategory::Quality, FeedbackCategory::Lateness, FeedbackCategory::Damage, FeedbackCategory::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackCategory::Quality => "quality",
            FeedbackCategory::Lateness => "lateness",
            FeedbackCategory::Damage => "damage",
            FeedbackCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a piece of feedback is: nobody has taken it, an admin is on it, or
/// it was resolved (the customer was told how).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    Open,
    Assigned,
    Resolved,
}

impl FeedbackStatus {
    pub const ALL: [FeedbackStatus; 3] = [FeedbackStatus::Open, FeedbackStatus::Assigned, FeedbackStatus::Resolved];
    /// Still waiting for a resolution: what 未解决投诉 counts and lists.
    pub const UNRESOLVED: [FeedbackStatus; 2] = [FeedbackStatus::Open, FeedbackStatus::Assigned];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackStatus::Open => "open",
            FeedbackStatus::Assigned => "assigned",
            FeedbackStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The status after `action`, or `None` if the action does not apply:
    /// resolved feedback is closed, and only open feedback can be taken.
    pub fn after(self, action: FeedbackAction) -> Option<FeedbackStatus> {
        match (self, action) {
            (FeedbackStatus::Resolved, _) => None,
            (FeedbackStatus::Open, FeedbackAction::Take) => Some(FeedbackStatus::Assigned),
            (FeedbackStatus::Assigned, FeedbackAction::Take) => None,
            (_, FeedbackAction::HandOver) => Some(FeedbackStatus::Assigned),
            (_, FeedbackAction::Reply) => Some(FeedbackStatus::Assigned),
            (_, FeedbackAction::Resolve) => Some(FeedbackStatus::Resolved),
        }
    }
}

/// What an admin does with feedback. Replying and resolving carry a text
/// the customer reads; whoever replies or resolves becomes its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackAction {
    /// 认领: the admin takes it without saying anything yet.
    Take,
    Reply,
    Resolve,
    /// 转交: the admin makes another admin its handler (C10).
    HandOver,
}

impl FeedbackAction {
    pub const ALL: [FeedbackAction; 4] = [FeedbackAction::Take, FeedbackAction::Reply, FeedbackAction::Resolve, FeedbackAction::HandOver];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackAction::Take => "take",
            FeedbackAction::Reply => "reply",
            FeedbackAction::Resolve => "resolve",
            FeedbackAction::HandOver => "hand_over",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn needs_text(self) -> bool {
        !matches!(self, FeedbackAction::Take | FeedbackAction::HandOver)
    }
}

/// The text of a complaint or of an admin's reply: trimmed, 5 to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackText(String);

impl FeedbackText {
    pub const MIN_CHARS: usize = 5;
    pub const MAX_CHARS: usize = 500;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let trimmed = input.trim();
        let chars = trimmed.chars().count();
        if chars < Self::MIN_CHARS {
            Err(InputError::FeedbackTooShort)
        } else if chars > Self::MAX_CHARS {
            Err(InputError::FeedbackTooLong)
        } else {
            Ok(Self(trimmed.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The admins' background-check note (背景核查) on a worker: trimmed, at
/// most 500 characters; empty clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackgroundNote(String);

impl BackgroundNote {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let trimmed = input.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            Err(InputError::BackgroundNoteTooLong)
        } else {
            Ok(Self(trimmed.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FeedbackAction as A;
    use FeedbackStatus as S;

    #[test]
    fn a_background_note_is_trimmed_may_be_empty_and_holds_at_most_500_characters() {
        assert_eq!(BackgroundNote::parse("  无犯罪记录证明已核验  ").unwrap().as_str(), "无犯罪记录证明已核验");
        assert_eq!(BackgroundNote::parse("   ").unwrap().as_str(), "");
        assert!(BackgroundNote::parse(&"核".repeat(500)).is_ok());
        assert_eq!(BackgroundNote::parse(&"核".repeat(501)), Err(InputError::BackgroundNoteTooLong));
    }

    #[test]
    fn open_feedback_can_be_taken_replied_to_or_resolved() {
        assert_eq!(S::Open.after(A::Take), Some(S::Assigned));
        assert_eq!(S::Open.after(A::Reply), Some(S::Assigned));
        assert_eq!(S::Open.after(A::Resolve), Some(S::Resolved));
    }

    #[test]
    fn taken_feedback_cannot_be_taken_again_but_can_be_replied_to_and_resolved() {
        assert_eq!(S::Assigned.after(A::Take), None);
        assert_eq!(S::Assigned.after(A::Reply), Some(S::Assigned));
        assert_eq!(S::Assigned.after(A::Resolve), Some(S::Resolved));
    }

    #[test]
    fn unresolved_feedback_can_be_handed_over_without_a_text_and_resolved_feedback_cannot() {
        assert_eq!(S::Open.after(A::HandOver), Some(S::Assigned));
        assert_eq!(S::Assigned.after(A::HandOver), Some(S::Assigned));
        assert_eq!(S::Resolved.after(A::HandOver), None);
        assert!(!A::HandOver.needs_text());
        assert_eq!(A::parse("hand_over"), Some(A::HandOver));
    }

    #[test]
    fn resolved_feedback_is_closed_to_every_action() {
        assert!(A::ALL.into_iter().all(|a| S::Resolved.after(a).is_none()));
    }

    #[test]
    fn replying_and_resolving_need_a_text_taking_does_not() {
        assert!(!A::Take.needs_text());
        assert!(A::Reply.needs_text() && A::Resolve.needs_text());
    }

    #[test]
    fn feedback_text_is_trimmed_and_between_five_and_five_hundred_characters() {
        assert_eq!(FeedbackText::parse("  阿姨迟到了  ").unwrap().as_str(), "阿姨迟到了");
        assert_eq!(FeedbackText::parse(" 迟到了 "), Err(InputError::FeedbackTooShort));
        assert!(FeedbackText::parse(&"很".repeat(500)).is_ok());
        assert_eq!(FeedbackText::parse(&"很".repeat(501)), Err(InputError::FeedbackTooLong));
    }

    #[test]
    fn names_round_trip_through_storage() {
        for c in FeedbackCategory::ALL {
            assert_eq!(FeedbackCategory::parse(c.as_str()), Some(c));
        }
        for s in FeedbackStatus::ALL {
            assert_eq!(FeedbackStatus::parse(s.as_str()), Some(s));
        }
        for a in FeedbackAction::ALL {
            assert_eq!(FeedbackAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(FeedbackCategory::parse("Quality"), None);
    }
}
