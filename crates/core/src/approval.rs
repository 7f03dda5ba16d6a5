//! The weekly summary's approval: draft → submitted → approved (locked) → accepted by the
//! province; the head may reopen with a reason. A change that touches a locked week is an
//! amendment: counted and flagged on the report, never folded in silently.

use crate::hlc::Hlc;
use crate::summary::{Week, WeekFigures};
use crate::visit::{not_before, InputError, Moment, Note};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::words::word_enum!(
    /// Where a week's summary stands.
    ApprovalStatus, InputError::StatusInvalid, {
        Draft = "draft" => "Bản nháp",
        Submitted = "submitted" => "Đã trình",
        /// Approved by the office head: the week is locked.
        Approved = "approved" => "Đã duyệt (khóa)",
        /// The province took the approved summary.
        Accepted = "accepted" => "Tỉnh đã nhận",
        /// The province sent the approved summary back with its reason: open again, to be
        /// submitted and approved anew.
        Returned = "returned" => "Tỉnh trả lại",
    }
);

impl ApprovalStatus {
    pub fn is_locked(self) -> bool {
        matches!(self, ApprovalStatus::Approved | ApprovalStatus::Accepted)
    }
}

/// One step of a week's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case", deny_unknown_fields)]
pub enum ApprovalStep {
    Submitted {
        at: DateTime<Utc>,
    },
    /// The figures the head approved travel with the approval: the province gets exactly them,
    /// and a later change shows against them.
    Approved {
        at: DateTime<Utc>,
        figures: Box<WeekFigures>,
    },
    /// Back to draft, with the head's reason.
    Reopened {
        at: DateTime<Utc>,
        reason: Note,
    },
    Accepted {
        at: DateTime<Utc>,
    },
    /// The province sends an approved week back, with its reason.
    Returned {
        at: DateTime<Utc>,
        reason: Note,
    },
}

impl ApprovalStep {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ApprovalStep::Submitted { at }
            | ApprovalStep::Approved { at, .. }
            | ApprovalStep::Reopened { at, .. }
            | ApprovalStep::Accepted { at }
            | ApprovalStep::Returned { at, .. } => *at,
        }
    }

    fn status(&self) -> ApprovalStatus {
        match self {
            ApprovalStep::Submitted { .. } => ApprovalStatus::Submitted,
            ApprovalStep::Approved { .. } => ApprovalStatus::Approved,
            ApprovalStep::Reopened { .. } => ApprovalStatus::Draft,
            ApprovalStep::Accepted { .. } => ApprovalStatus::Accepted,
            ApprovalStep::Returned { .. } => ApprovalStatus::Returned,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            ApprovalStep::Submitted { .. } => "week.submitted",
            ApprovalStep::Approved { .. } => "week.approved",
            ApprovalStep::Reopened { .. } => "week.reopened",
            ApprovalStep::Accepted { .. } => "week.accepted",
            ApprovalStep::Returned { .. } => "week.returned",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ApprovalStep::Submitted { .. } => "Trình duyệt",
            ApprovalStep::Approved { .. } => "Duyệt và khóa",
            ApprovalStep::Reopened { .. } => "Mở lại",
            ApprovalStep::Accepted { .. } => "Tỉnh tiếp nhận",
            ApprovalStep::Returned { .. } => "Tỉnh trả lại",
        }
    }

    /// A reopening needs its reason.
    pub fn reopen(at: DateTime<Utc>, reason: String) -> Result<ApprovalStep, InputError> {
        Ok(ApprovalStep::Reopened { at, reason: Note::try_from(reason).map_err(|_| InputError::ReopenReasonMissing)? })
    }

    /// The province's return needs its reason too: the commune must know what to mend.
    pub fn send_back(at: DateTime<Utc>, reason: String) -> Result<ApprovalStep, InputError> {
        Ok(ApprovalStep::Returned { at, reason: Note::try_from(reason).map_err(|_| InputError::ReopenReasonMissing)? })
    }

    /// Why the week was sent back to draft, by the commune's head or by the province.
    pub fn reason(&self) -> Option<&Note> {
        match self {
            ApprovalStep::Reopened { reason, .. } | ApprovalStep::Returned { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// What the office head does to a week (the province's acceptance comes by sync).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum WeekAction {
    Submit,
    Approve,
    Reopen { reason: String },
}

/// Payload of the `week.*` events: which week, and the step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SteppedWire")]
pub struct WeekStepped {
    pub week: Week,
    #[serde(flatten)]
    pub step: ApprovalStep,
}

/// `WeekStepped` as it reads off the wire: flat, so unknown fields are refused (serde cannot
/// refuse them through `flatten`), and each step carries exactly its own fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SteppedWire {
    week: Week,
    step: String,
    at: DateTime<Utc>,
    #[serde(default)]
    figures: Option<Box<WeekFigures>>,
    #[serde(default)]
    reason: Option<Note>,
}

impl TryFrom<SteppedWire> for WeekStepped {
    type Error = String;

    fn try_from(w: SteppedWire) -> Result<WeekStepped, String> {
        let at = w.at;
        let step = match (w.step.as_str(), w.figures, w.reason) {
            ("submitted", None, None) => ApprovalStep::Submitted { at },
            ("approved", Some(figures), None) => ApprovalStep::Approved { at, figures },
            ("reopened", None, Some(reason)) => ApprovalStep::Reopened { at, reason },
            ("accepted", None, None) => ApprovalStep::Accepted { at },
            ("returned", None, Some(reason)) => ApprovalStep::Returned { at, reason },
            (step, ..) => return Err(format!("bước {step:?} không hợp lệ hoặc thiếu, thừa trường")),
        };
        Ok(WeekStepped { week: w.week, step })
    }
}

impl WeekStepped {
    /// The week's entity id: the same on every PC, so their steps fold into one approval.
    pub fn entity_id(&self) -> uuid::Uuid {
        week_id(self.week)
    }

    /// A step that names another week than its figures is refused, and so is one dated before
    /// the week ended (every step of an approval comes after the week's submission, which waits
    /// for the week's end). Checked on every PC and by the server.
    pub fn check(&self) -> Result<(), InputError> {
        match &self.step {
            ApprovalStep::Approved { figures, .. } if figures.week != self.week => Err(InputError::WeekInvalid),
            step => not_before(Moment::WeekStep, step.at(), Moment::WeekEnd, self.week.bounds().1),
        }
    }
}

pub fn week_id(week: Week) -> uuid::Uuid {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b1e_2c0a_5d4f_4a8e_9b7c_1f3e_5a6d_8c20);
    uuid::Uuid::new_v5(&NAMESPACE, format!("week:{week}").as_bytes())
}

/// A step as the approval keeps it: with who took it (the event's user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stepped {
    pub step: ApprovalStep,
    pub by: Option<String>,
}

/// Every step of one week's approval, by clock: every PC that saw the same steps agrees.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekApproval {
    pub steps: BTreeMap<Hlc, Stepped>,
}

impl WeekApproval {
    pub fn apply(&mut self, step: &ApprovalStep, hlc: Hlc, by: Option<&str>) {
        self.steps.entry(hlc).or_insert_with(|| Stepped { step: step.clone(), by: by.map(str::to_owned) });
    }

    pub fn status(&self) -> ApprovalStatus {
        self.steps.values().next_back().map_or(ApprovalStatus::Draft, |s| s.step.status())
    }

    /// The figures of the approval in force, while the week is locked.
    pub fn approved_figures(&self) -> Option<&WeekFigures> {
        if !self.status().is_locked() {
            return None;
        }
        self.steps.values().rev().find_map(|s| match &s.step {
            ApprovalStep::Approved { figures, .. } => Some(figures.as_ref()),
            _ => None,
        })
    }

    /// How many times the week was approved: above one, the summary in force is an amended one.
    pub fn approvals(&self) -> usize {
        self.steps.values().filter(|s| matches!(s.step, ApprovalStep::Approved { .. })).count()
    }

    /// As the report shows it.
    pub fn view(&self) -> ApprovalView {
        ApprovalView {
            status: self.status(),
            label: self.status().label().to_owned(),
            locked_since: self.locked_since(),
            approvals: self.approvals() as u32,
            steps: self
                .steps
                .values()
                .map(|s| StepView {
                    at: s.step.at(),
                    label: s.step.label().to_owned(),
                    by: s.by.clone(),
                    reason: s.step.reason().map(ToString::to_string),
                })
                .collect(),
        }
    }

    /// Whether `step` may follow the week's current status.
    pub fn admits(&self, week: Week, step: &ApprovalStep, now: DateTime<Utc>) -> Result<(), InputError> {
        use ApprovalStatus as S;
        let allowed = match (self.status(), step) {
            // A week is submitted once it is over, not while it still runs.
            // A returned week is a draft again: the commune mends it and submits it anew.
            (S::Draft | S::Returned, ApprovalStep::Submitted { .. }) => now >= week.bounds().1,
            (S::Submitted, ApprovalStep::Approved { .. }) => true,
            (S::Submitted | S::Approved, ApprovalStep::Reopened { .. }) => true,
            // The province decides on an approved week: it takes it or sends it back.
            (S::Approved, ApprovalStep::Accepted { .. } | ApprovalStep::Returned { .. }) => true,
            _ => false,
        };
        if !allowed {
            return Err(InputError::ApprovalStepInvalid);
        }
        not_before(Moment::WeekStep, step.at(), Moment::WeekEnd, week.bounds().1)?;
        // A step follows the step before it: an approval dated before its submission is refused.
        match self.steps.values().map(|s| s.step.at()).max() {
            Some(latest) => not_before(Moment::WeekStep, step.at(), Moment::WeekStep, latest),
            None => Ok(()),
        }
    }

    /// When the commune reported the week: its first approval since the province last sent it
    /// back (an amendment by the commune itself does not move it), while the week stands approved.
    pub fn reported_at(&self) -> Option<DateTime<Utc>> {
        if !self.status().is_locked() {
            return None;
        }
        let since_return = self.steps.values().rev().take_while(|s| !matches!(s.step, ApprovalStep::Returned { .. }));
        since_return
            .filter_map(|s| match &s.step {
                ApprovalStep::Approved { at, .. } => Some(*at),
                _ => None,
            })
            .min()
    }

    /// Since when the week has been locked, if it is: the approval that is in force.
    pub fn locked_since(&self) -> Option<DateTime<Utc>> {
        if !self.status().is_locked() {
            return None;
        }
        self.steps.values().rev().find_map(|s| match &s.step {
            ApprovalStep::Approved { at, .. } => Some(*at),
            _ => None,
        })
    }

    /// Whether a change recorded at `recorded_at` that concerns this week is an amendment: it
    /// came after the week was locked.
    pub fn is_amendment(&self, recorded_at: DateTime<Utc>) -> bool {
        self.locked_since().is_some_and(|locked| recorded_at > locked)
    }
}

/// A week's approval as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalView {
    pub status: ApprovalStatus,
    pub label: String,
    pub locked_since: Option<DateTime<Utc>>,
    pub approvals: u32,
    pub steps: Vec<StepView>,
}

impl Default for ApprovalView {
    fn default() -> Self {
        WeekApproval::default().view()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub at: DateTime<Utc>,
    pub label: String,
    pub by: Option<String>,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{figures, hlc, week47};
    use crate::time::vietnam;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn approve(d: u32, h: u32) -> ApprovalStep {
        ApprovalStep::Approved { at: at(d, h), figures: Box::new(figures(week47(), &[])) }
    }

    #[test]
    fn a_week_goes_from_draft_to_accepted_and_only_in_order() {
        let w = week47();
        let mut a = WeekApproval::default();
        assert_eq!(a.status(), ApprovalStatus::Draft);
        // Not while the week runs; not approved before it is submitted.
        assert!(a.admits(w, &ApprovalStep::Submitted { at: at(20, 9) }, at(20, 9)).is_err());
        assert!(a.admits(w, &approve(23, 9), at(23, 9)).is_err());
        let submit = ApprovalStep::Submitted { at: at(23, 8) };
        assert!(a.admits(w, &submit, at(23, 8)).is_ok());
        a.apply(&submit, hlc(1, 1), None);
        let approve = approve(23, 9);
        assert!(a.admits(w, &approve, at(23, 9)).is_ok());
        a.apply(&approve, hlc(2, 1), None);
        assert!(a.status().is_locked());
        assert_eq!((a.locked_since(), a.reported_at()), (Some(at(23, 9)), Some(at(23, 9))));
        assert!(a.is_amendment(at(23, 10)) && !a.is_amendment(at(23, 8)));
        a.apply(&ApprovalStep::Accepted { at: at(23, 11) }, hlc(3, 9), None);
        assert_eq!((a.status(), a.status().label()), (ApprovalStatus::Accepted, "Tỉnh đã nhận"));
        // Accepted by the province: no reopening from the commune.
        assert!(a.admits(w, &ApprovalStep::reopen(at(24, 9), "sai số liệu".into()).unwrap(), at(24, 9)).is_err());
    }

    #[test]
    fn no_step_of_an_approval_is_dated_before_the_week_ended_or_before_the_step_it_follows() {
        let w = week47();
        let mut a = WeekApproval::default();
        let submit = ApprovalStep::Submitted { at: at(23, 9) };
        a.apply(&submit, hlc(1, 1), None);
        // Approved at 08:00, an hour before the submission it approves.
        let refused = a.admits(w, &approve(23, 8), at(23, 10)).unwrap_err();
        assert!(
            matches!(refused, InputError::StepBeforeStart { at: t, start, .. } if t == at(23, 8) && start == at(23, 9)),
            "{refused:?}"
        );
        // A step dated inside the week it reports on is refused wherever it comes from.
        let inside = WeekStepped { week: w, step: ApprovalStep::Submitted { at: at(22, 23) } };
        assert!(matches!(inside.check(), Err(InputError::StepBeforeStart { follows: Moment::WeekEnd, .. })));
        assert!(WeekStepped { week: w, step: submit }.check().is_ok());
    }

    #[test]
    fn a_reopened_week_is_unlocked_and_needs_a_reason() {
        let mut a = WeekApproval::default();
        a.apply(&ApprovalStep::Submitted { at: at(23, 8) }, hlc(1, 1), None);
        a.apply(&approve(23, 9), hlc(2, 1), None);
        assert!(ApprovalStep::reopen(at(24, 9), "  ".into()).is_err());
        let reopen = ApprovalStep::reopen(at(24, 9), "Nhập bổ sung sổ giấy".into()).unwrap();
        assert!(a.admits(week47(), &reopen, at(24, 9)).is_ok());
        a.apply(&reopen, hlc(3, 2), None);
        assert_eq!((a.status(), a.locked_since()), (ApprovalStatus::Draft, None));
        assert!(!a.is_amendment(at(24, 10)), "a change to a reopened week is an ordinary change");
    }

    #[test]
    fn the_province_returns_an_approved_week_with_its_reason_and_the_commune_approves_it_again() {
        let w = week47();
        let mut a = WeekApproval::default();
        a.apply(&ApprovalStep::Submitted { at: at(23, 8) }, hlc(1, 1), None);
        // Only an approved week goes to the province: a submitted one is not its to return.
        let back = ApprovalStep::send_back(at(24, 9), "Thiếu số liệu camera".into()).unwrap();
        assert!(a.admits(w, &back, at(24, 9)).is_err());
        a.apply(&approve(23, 9), hlc(2, 1), None);
        assert!(ApprovalStep::send_back(at(24, 9), " ".into()).is_err(), "a return needs its reason");
        assert!(a.admits(w, &back, at(24, 9)).is_ok());
        a.apply(&back, hlc(3, 9), Some("province"));
        assert_eq!((a.status(), a.status().is_locked(), a.approved_figures()), (ApprovalStatus::Returned, false, None));
        let view = a.view();
        assert_eq!(view.label, "Tỉnh trả lại");
        assert_eq!(view.steps.last().and_then(|s| s.reason.as_deref()), Some("Thiếu số liệu camera"));
        // Mended, submitted and approved again: the second approval is the one in force.
        let again = ApprovalStep::Submitted { at: at(24, 10) };
        assert!(a.admits(w, &again, at(24, 10)).is_ok());
        a.apply(&again, hlc(4, 1), None);
        a.apply(&approve(24, 11), hlc(5, 1), None);
        assert_eq!((a.status(), a.approvals()), (ApprovalStatus::Approved, 2));
        assert_eq!(a.reported_at(), Some(at(24, 11)), "the report in force came after the return");
        // The wire form keeps the reason and refuses a return without one.
        let stepped = WeekStepped { week: w, step: back };
        let json = serde_json::to_value(&stepped).unwrap();
        assert_eq!(serde_json::from_value::<WeekStepped>(json.clone()).unwrap(), stepped);
        let mut bare = json;
        bare.as_object_mut().unwrap().remove("reason");
        assert!(serde_json::from_value::<WeekStepped>(bare).is_err());
    }

    #[test]
    fn steps_from_two_pcs_converge_in_any_order() {
        let steps = [
            (hlc(1, 1), ApprovalStep::Submitted { at: at(23, 8) }),
            (hlc(2, 1), approve(23, 9)),
            (hlc(2, 2), ApprovalStep::reopen(at(23, 9), "thiếu camera".into()).unwrap()),
        ];
        let mut one = WeekApproval::default();
        let mut two = WeekApproval::default();
        for (h, s) in &steps {
            one.apply(s, *h, None);
        }
        for (h, s) in steps.iter().rev() {
            two.apply(s, *h, None);
        }
        assert_eq!(one, two);
        assert_eq!(one.status(), ApprovalStatus::Draft, "same wall time: the device breaks the tie");
    }
}
