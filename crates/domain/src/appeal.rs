//! A worker's appeal (申诉, B7) against a suspension, a penalty or a warning, and how an
//! admin decides it. An appeal's text follows the rules of [`crate::FeedbackText`].

use serde::{Deserialize, Serialize};

/// How long after a penalty or a warning the worker may still appeal it.
pub const PENALTY_APPEAL_DAYS: i64 = 30;

/// What is appealed: the worker's current suspension, one penalty, or one
/// warning (警告) an admin gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealSubject {
    Suspension,
    Penalty,
    Warning,
}

impl AppealSubject {
    pub const ALL: [AppealSubject; 3] = [AppealSubject::Suspension, AppealSubject::Penalty, AppealSubject::Warning];

    pub fn as_str(self) -> &'static str {
        match self {
            AppealSubject::Suspension => "suspension",
            AppealSubject::Penalty => "penalty",
            AppealSubject::Warning => "warning",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Waiting for an admin, or decided: the decision stood (维持) or was
/// withdrawn (撤销: the suspension lifted, the penalty paid back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Open,
    Upheld,
    Overturned,
}

impl AppealStatus {
    pub const ALL: [AppealStatus; 3] = [AppealStatus::Open, AppealStatus::Upheld, AppealStatus::Overturned];

    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Open => "open",
            AppealStatus::Upheld => "upheld",
            AppealStatus::Overturned => "overturned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The status `decision` leaves an appeal in; only an open appeal is
    /// decided, and only once.
    pub fn after(self, decision: AppealDecision) -> Option<AppealStatus> {
        match (self, decision) {
            (AppealStatus::Open, AppealDecision::Uphold) => Some(AppealStatus::Upheld),
            (AppealStatus::Open, AppealDecision::Overturn) => Some(AppealStatus::Overturned),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealDecision {
    Uphold,
    Overturn,
}

impl AppealDecision {
    pub const ALL: [AppealDecision; 2] = [AppealDecision::Uphold, AppealDecision::Overturn];

    pub fn as_str(self) -> &'static str {
        match self {
            AppealDecision::Uphold => "uphold",
            AppealDecision::Overturn => "overturn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Whether a penalty posted at `posted_at` (Unix seconds) may still be
/// appealed at `now`: within [`PENALTY_APPEAL_DAYS`], the last second included.
pub fn penalty_appealable(posted_at: i64, now: i64) -> bool {
    now >= posted_at && now - posted_at <= PENALTY_APPEAL_DAYS * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_appeal_is_decided_once() {
        assert_eq!(AppealStatus::Open.after(AppealDecision::Uphold), Some(AppealStatus::Upheld));
        assert_eq!(AppealStatus::Open.after(AppealDecision::Overturn), Some(AppealStatus::Overturned));
        for decided in [AppealStatus::Upheld, AppealStatus::Overturned] {
            for decision in AppealDecision::ALL {
                assert_eq!(decided.after(decision), None);
            }
        }
    }

    #[test]
    fn a_penalty_is_appealable_for_thirty_days() {
        let posted = 1_800_000_000;
        assert!(penalty_appealable(posted, posted));
        assert!(penalty_appealable(posted, posted + 30 * 86_400));
        assert!(!penalty_appealable(posted, posted + 30 * 86_400 + 1));
        assert!(!penalty_appealable(posted, posted - 1));
    }

    #[test]
    fn names_round_trip_through_storage() {
        for s in AppealSubject::ALL {
            assert_eq!(AppealSubject::parse(s.as_str()), Some(s));
        }
        for s in AppealStatus::ALL {
            assert_eq!(AppealStatus::parse(s.as_str()), Some(s));
        }
        for d in AppealDecision::ALL {
            assert_eq!(AppealDecision::parse(d.as_str()), Some(d));
        }
        assert_eq!(AppealDecision::parse("Overturn"), None);
    }
}
