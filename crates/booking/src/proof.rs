//! Proof of work (B4): where the worker said they arrived, against the
//! service address; the service's checklist ticked step by step; photos
//! before and after; and the customer's confirmation.

use crate::OrderState;

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

/// Photos a worker may add at each stage of one order: enough to show every
/// room, few enough that a customer looks at them.
pub const MAX_PROOF_PHOTOS: usize = 6;

/// When a proof photo was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoStage {
    /// 服务前: the state the worker found.
    Before,
    /// 服务后: the work done.
    After,
}

impl PhotoStage {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoStage::Before => "before",
            PhotoStage::After => "after",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [PhotoStage::Before, PhotoStage::After].into_iter().find(|s| s.as_str() == value)
    }

    /// The order states in which a photo of this stage may be added: the
    /// 服务前 photo once the worker is there, the 服务后 photo only during
    /// the service. Once completed, the proof is closed.
    pub fn open_in(self, state: OrderState) -> bool {
        match self {
            PhotoStage::Before => matches!(state, OrderState::Arrived | OrderState::InService),
            PhotoStage::After => state == OrderState::InService,
        }
    }
}

/// The steps a worker ticks while serving: the service's 服务流程 as it was
/// when the order was placed, one per line (no lines: nothing to tick).
pub fn checklist_items(snapshot: Option<&str>) -> Vec<String> {
    snapshot.unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// Steps are ticked during the service only, and a tick is never taken back,
/// so proof once complete stays complete while the worker finishes.
pub fn may_tick(state: OrderState) -> bool {
    state == OrderState::InService
}

/// What an order has to show before its worker may finish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOfWork {
    pub items: Vec<String>,
    /// Positions (0-based) of the ticked items.
    pub ticked: Vec<usize>,
    /// The service asks for photos before and after (set by the admin).
    pub photos_required: bool,
    pub before_photos: usize,
    pub after_photos: usize,
}

/// The first thing still missing, in the order a worker meets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofMissing {
    /// This checklist step is not ticked.
    Unticked(String),
    BeforePhoto,
    AfterPhoto,
}

impl ProofOfWork {
    pub fn missing(&self) -> Option<ProofMissing> {
        if let Some(item) = self.items.iter().enumerate().find(|(i, _)| !self.ticked.contains(i)).map(|(_, item)| item) {
            return Some(ProofMissing::Unticked(item.clone()));
        }
        if self.photos_required && self.before_photos == 0 {
            return Some(ProofMissing::BeforePhoto);
        }
        if self.photos_required && self.after_photos == 0 {
            return Some(ProofMissing::AfterPhoto);
        }
        None
    }
}

/// The customer confirms the service once it is completed, and only once.
pub fn may_confirm(state: OrderState, already_confirmed: bool) -> bool {
    state == OrderState::Completed && !already_confirmed
}

/// How long after completion the platform confirms an order its customer
/// has neither confirmed nor complained about: three days, as marketplaces
/// confirm receipt, so a worker's record does not wait on a customer who
/// simply never looks again.
pub const AUTO_CONFIRM_SECS: i64 = 3 * 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    fn proof(items: &[&str], ticked: &[usize], photos_required: bool, before: usize, after: usize) -> ProofOfWork {
        ProofOfWork {
            items: items.iter().map(|s| s.to_string()).collect(),
            ticked: ticked.to_vec(),
            photos_required,
            before_photos: before,
            after_photos: after,
        }
    }

    #[test]
    fn an_order_is_finished_only_when_every_step_is_ticked_and_the_photos_asked_for_are_there() {
        let steps = ["除尘", "拖地", "倒垃圾"];
        assert_eq!(proof(&steps, &[0, 2], false, 0, 0).missing(), Some(ProofMissing::Unticked("拖地".into())));
        assert_eq!(proof(&steps, &[2, 1, 0], false, 0, 0).missing(), None);
        assert_eq!(proof(&steps, &[0, 1, 2], true, 0, 1).missing(), Some(ProofMissing::BeforePhoto));
        assert_eq!(proof(&steps, &[0, 1, 2], true, 2, 0).missing(), Some(ProofMissing::AfterPhoto));
        assert_eq!(proof(&steps, &[0, 1, 2], true, 1, 1).missing(), None);
        assert_eq!(proof(&[], &[], false, 0, 0).missing(), None, "an order without a checklist has nothing to tick");
    }

    #[test]
    fn the_checklist_is_the_snapshot_one_step_per_line_without_blank_lines() {
        assert_eq!(checklist_items(Some("上门确认需求\n\n  按标准流程服务 \n顾客验收确认\n")), ["上门确认需求", "按标准流程服务", "顾客验收确认"]);
        assert!(checklist_items(None).is_empty());
    }

    #[test]
    fn before_photos_open_on_arrival_after_photos_during_the_service_and_both_close_at_completion() {
        use OrderState as S;
        assert!(!PhotoStage::Before.open_in(S::Departed));
        assert!(PhotoStage::Before.open_in(S::Arrived));
        assert!(PhotoStage::Before.open_in(S::InService));
        assert!(!PhotoStage::After.open_in(S::Arrived));
        assert!(PhotoStage::After.open_in(S::InService));
        assert!(!PhotoStage::Before.open_in(S::Completed) && !PhotoStage::After.open_in(S::Completed));
        assert!(may_tick(S::InService) && !may_tick(S::Arrived) && !may_tick(S::Completed));
    }

    #[test]
    fn a_customer_confirms_a_completed_service_once() {
        assert!(may_confirm(OrderState::Completed, false));
        assert!(!may_confirm(OrderState::Completed, true));
        assert!(!may_confirm(OrderState::InService, false));
    }

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
