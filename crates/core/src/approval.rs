//! The weekly summary's approval: draft → submitted → approved (locked) → accepted by the
//! province; the head may reopen with a reason. A change that touches a locked week is an
//! amendment: counted and flagged on the report, never folded in silently.

use crate::hlc::Hlc;
use crate::summary::Week;
use crate::visit::{InputError, Note};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a week's summary stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Draft,
    Submitted,
    /// Approved by the office head: the week is locked.
    Approved,
    /// The province took the approved summary.
    Accepted,
}

impl ApprovalStatus {
    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Draft => "Bản nháp",
            ApprovalStatus::Submitted => "Đã trình",
            ApprovalStatus::Approved => "Đã duyệt (khóa)",
            ApprovalStatus::Accepted => "Tỉnh đã nhận",
        }
    }

    pub fn is_locked(self) -> bool {
        matches!(self, ApprovalStatus::Approved | ApprovalStatus::Accepted)
    }
}

/// One step of a week's approval, as an event payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ApprovalStep {
    Submitted {
        at: DateTime<Utc>,
    },
    Approved {
        at: DateTime<Utc>,
    },
    /// Back to draft, with the head's reason.
    Reopened {
        at: DateTime<Utc>,
        reason: Note,
    },
    Accepted {
        at: DateTime<Utc>,
    },
}

impl ApprovalStep {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ApprovalStep::Submitted { at }
            | ApprovalStep::Approved { at }
            | ApprovalStep::Reopened { at, .. }
            | ApprovalStep::Accepted { at } => *at,
        }
    }

    fn status(&self) -> ApprovalStatus {
        match self {
            ApprovalStep::Submitted { .. } => ApprovalStatus::Submitted,
            ApprovalStep::Approved { .. } => ApprovalStatus::Approved,
            ApprovalStep::Reopened { .. } => ApprovalStatus::Draft,
            ApprovalStep::Accepted { .. } => ApprovalStatus::Accepted,
        }
    }

    /// A reopening needs its reason.
    pub fn reopen(at: DateTime<Utc>, reason: String) -> Result<ApprovalStep, InputError> {
        Ok(ApprovalStep::Reopened { at, reason: Note::try_from(reason).map_err(|_| InputError::StatusInvalid)? })
    }
}

/// Every step of one week's approval, by clock: every PC that saw the same steps agrees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekApproval {
    pub steps: BTreeMap<Hlc, ApprovalStep>,
}

impl WeekApproval {
    pub fn apply(&mut self, step: &ApprovalStep, hlc: Hlc) {
        self.steps.entry(hlc).or_insert_with(|| step.clone());
    }

    pub fn status(&self) -> ApprovalStatus {
        self.steps.values().next_back().map_or(ApprovalStatus::Draft, ApprovalStep::status)
    }

    /// Whether `step` may follow the week's current status.
    pub fn admits(&self, week: Week, step: &ApprovalStep, now: DateTime<Utc>) -> Result<(), InputError> {
        use ApprovalStatus as S;
        let allowed = match (self.status(), step) {
            // A week is submitted once it is over, not while it still runs.
            (S::Draft, ApprovalStep::Submitted { .. }) => now >= week.bounds().1,
            (S::Submitted, ApprovalStep::Approved { .. }) => true,
            (S::Submitted | S::Approved, ApprovalStep::Reopened { .. }) => true,
            (S::Approved, ApprovalStep::Accepted { .. }) => true,
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(InputError::StatusInvalid)
        }
    }

    /// Since when the week has been locked, if it is: the approval that is in force.
    pub fn locked_since(&self) -> Option<DateTime<Utc>> {
        if !self.status().is_locked() {
            return None;
        }
        self.steps.values().rev().find_map(|s| match s {
            ApprovalStep::Approved { at } => Some(*at),
            _ => None,
        })
    }

    /// Whether a change recorded at `recorded_at` that concerns this week is an amendment: it
    /// came after the week was locked.
    pub fn is_amendment(&self, recorded_at: DateTime<Utc>) -> bool {
        self.locked_since().is_some_and(|locked| recorded_at > locked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::vietnam;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn hlc(ms: u64, device: u128) -> Hlc {
        Hlc { wall_ms: ms, counter: 0, device: Uuid::from_u128(device) }
    }

    fn week47() -> Week {
        Week::try_from("2026-W47".to_owned()).unwrap()
    }

    #[test]
    fn a_week_goes_from_draft_to_accepted_and_only_in_order() {
        let w = week47();
        let mut a = WeekApproval::default();
        assert_eq!(a.status(), ApprovalStatus::Draft);
        // Not while the week runs; not approved before it is submitted.
        assert!(a.admits(w, &ApprovalStep::Submitted { at: at(20, 9) }, at(20, 9)).is_err());
        assert!(a.admits(w, &ApprovalStep::Approved { at: at(23, 9) }, at(23, 9)).is_err());
        let submit = ApprovalStep::Submitted { at: at(23, 8) };
        assert!(a.admits(w, &submit, at(23, 8)).is_ok());
        a.apply(&submit, hlc(1, 1));
        let approve = ApprovalStep::Approved { at: at(23, 9) };
        assert!(a.admits(w, &approve, at(23, 9)).is_ok());
        a.apply(&approve, hlc(2, 1));
        assert!(a.status().is_locked());
        assert_eq!(a.locked_since(), Some(at(23, 9)));
        assert!(a.is_amendment(at(23, 10)) && !a.is_amendment(at(23, 8)));
        a.apply(&ApprovalStep::Accepted { at: at(23, 11) }, hlc(3, 9));
        assert_eq!((a.status(), a.status().label()), (ApprovalStatus::Accepted, "Tỉnh đã nhận"));
        // Accepted by the province: no reopening from the commune.
        assert!(a.admits(w, &ApprovalStep::reopen(at(24, 9), "sai số liệu".into()).unwrap(), at(24, 9)).is_err());
    }

    #[test]
    fn a_reopened_week_is_unlocked_and_needs_a_reason() {
        let mut a = WeekApproval::default();
        a.apply(&ApprovalStep::Submitted { at: at(23, 8) }, hlc(1, 1));
        a.apply(&ApprovalStep::Approved { at: at(23, 9) }, hlc(2, 1));
        assert!(ApprovalStep::reopen(at(24, 9), "  ".into()).is_err());
        let reopen = ApprovalStep::reopen(at(24, 9), "Nhập bổ sung sổ giấy".into()).unwrap();
        assert!(a.admits(week47(), &reopen, at(24, 9)).is_ok());
        a.apply(&reopen, hlc(3, 2));
        assert_eq!((a.status(), a.locked_since()), (ApprovalStatus::Draft, None));
        assert!(!a.is_amendment(at(24, 10)), "a change to a reopened week is an ordinary change");
    }

    #[test]
    fn steps_from_two_pcs_converge_in_any_order() {
        let steps = [
            (hlc(1, 1), ApprovalStep::Submitted { at: at(23, 8) }),
            (hlc(2, 1), ApprovalStep::Approved { at: at(23, 9) }),
            (hlc(2, 2), ApprovalStep::reopen(at(23, 9), "thiếu camera".into()).unwrap()),
        ];
        let mut one = WeekApproval::default();
        let mut two = WeekApproval::default();
        for (h, s) in &steps {
            one.apply(s, *h);
        }
        for (h, s) in steps.iter().rev() {
            two.apply(s, *h);
        }
        assert_eq!(one, two);
        assert_eq!(one.status(), ApprovalStatus::Draft, "same wall time: the device breaks the tie");
    }
}
