//! Triển khai kế hoạch: each item of the province's "friendly government" plan, judged for one
//! commune and one week from what its PCs sync, as met / partly / not met, with the rule printed
//! beside the evidence so anyone can check the judgement by hand.

use crate::province::Rate;
use crate::summary::{Week, WeekFigures};
use crate::visit::InputError;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

crate::words::word_enum!(
    /// An item of the plan.
    PlanItem, InputError::KindInvalid, {
        ProceduresPublished = "procedures_published" => "Công khai thủ tục hành chính",
        PhonesPublished = "phones_published" => "Công khai số điện thoại lãnh đạo, cán bộ",
        FeedbackBox = "feedback_box" => "Hòm thư góp ý",
        Mailbox = "mailbox" => "Hộp thư điện tử góp ý",
        Cameras = "cameras" => "Camera giám sát quầy",
        Satisfaction = "satisfaction" => "Mức độ hài lòng",
        FeedbackOnTime = "feedback_on_time" => "Giải quyết phản ánh, kiến nghị đúng hạn",
        DossiersOnTime = "dossiers_on_time" => "Trả kết quả hồ sơ đúng hẹn",
    }
);

impl PlanItem {
    /// The rule the standing follows, printed beside it.
    pub fn rule(self) -> &'static str {
        match self {
            PlanItem::ProceduresPublished => {
                "Đạt: trong 90 ngày qua có công khai tại bảng tin trụ sở và trên mạng (cổng thông tin, Fanpage \
                 hoặc Zalo OA); một phần: chỉ một trong hai nơi; chưa đạt: không có."
            }
            PlanItem::PhonesPublished => {
                "Đạt: danh bạ có Chủ tịch hoặc Phó Chủ tịch và mọi người trong danh bạ đang làm việc đều công \
                 khai số điện thoại; một phần: có công khai nhưng chưa đủ; chưa đạt: chưa công khai số nào."
            }
            PlanItem::FeedbackBox => {
                "Đạt: hòm thư được mở ít nhất một lần trong tuần; một phần: lần mở gần nhất trong 14 ngày; chưa \
                 đạt: không mở trong 14 ngày."
            }
            PlanItem::Mailbox => {
                "Đạt: máy ở xã đọc được hộp thư điện tử trong 2 ngày qua; một phần: đã thiết lập nhưng quá 2 \
                 ngày chưa đọc được; chưa đạt: chưa thiết lập."
            }
            PlanItem::Cameras => {
                "Đạt: có camera đăng ký, không ca nào bỏ kiểm tra và không còn sự cố chưa khắc phục cuối tuần; \
                 một phần: có camera nhưng có ca bỏ kiểm tra hoặc sự cố còn mở; chưa đạt: chưa đăng ký camera."
            }
            PlanItem::Satisfaction => {
                "Đạt: trên 90% lượt đánh giá là hài lòng hoặc rất hài lòng (mục tiêu của Nghị quyết 76/NQ-CP); \
                 chưa đạt: từ 90% trở xuống."
            }
            PlanItem::FeedbackOnTime => {
                "Đạt: không phản ánh nào giải quyết trễ trong tuần và không còn phản ánh quá hạn cuối tuần; \
                 một phần: có trễ hoặc quá hạn nhưng có phản ánh đúng hạn; chưa đạt: chỉ có trễ hoặc quá hạn."
            }
            PlanItem::DossiersOnTime => {
                "Đạt: không hồ sơ nào trả trễ hẹn trong tuần và không còn hồ sơ quá hẹn chưa trả; một phần: có \
                 trễ nhưng có hồ sơ đúng hẹn; chưa đạt: chỉ có trễ hoặc quá hẹn."
            }
        }
    }
}

crate::words::word_enum!(
    /// How a commune stands on one item.
    Standing, InputError::StatusInvalid, {
        Met = "met" => "Đạt",
        Partly = "partly" => "Đạt một phần",
        NotMet = "not_met" => "Chưa đạt",
        /// The week's approved report, which the item is judged on, has not come.
        NoData = "no_data" => "Chưa có số liệu",
    }
);

/// The few figures of an approved week the plan is judged on, kept beside the full figures so the
/// scoreboard of 3,321 communes reads a few numbers each, not every figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanFigures {
    pub checks_done: u32,
    pub checks_missed: u32,
    pub checks_failed: u32,
    /// Camera outages not over at the week's end.
    pub open_outages: u32,
    pub ratings: u32,
    pub share_satisfied: Option<f64>,
    pub feedback_on_time: u32,
    pub feedback_late: u32,
    pub feedback_overdue: u32,
    pub dossiers_on_time: u32,
    pub dossiers_late: u32,
    pub dossiers_still_out: u32,
}

impl PlanFigures {
    pub fn of(f: &WeekFigures) -> PlanFigures {
        let end = f.week.bounds().1;
        let open = f.cameras.outages.iter().filter(|o| o.outage.to.is_none_or(|to| to > end)).count();
        PlanFigures {
            checks_done: f.cameras.checks_done,
            checks_missed: f.cameras.checks_missed,
            checks_failed: f.cameras.checks_failed,
            open_outages: u32::try_from(open).unwrap_or(u32::MAX),
            ratings: f.satisfaction.ratings,
            share_satisfied: f.satisfaction.share_satisfied,
            feedback_on_time: f.feedback.answered_on_time,
            feedback_late: f.feedback.answered_late,
            feedback_overdue: f.feedback.overdue,
            dossiers_on_time: f.dossiers.returned_on_time,
            dossiers_late: f.dossiers.returned_late,
            dossiers_still_out: f.dossiers.still_out,
        }
    }
}

/// What the province knows of one commune: its registers as synced, and the week's approved
/// figures if the commune approved the week.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanFacts {
    /// The latest publication at the office's notice board, and online.
    pub notice_board_at: Option<DateTime<Utc>>,
    pub online_at: Option<DateTime<Utc>>,
    /// Active directory entries, and those whose phone is published; the same for leaders.
    pub officials: u32,
    pub phones_published: u32,
    pub leaders: u32,
    pub leader_phones_published: u32,
    /// Feedback box openings in the week, and the latest one up to the week's end.
    pub box_openings_in_week: u32,
    pub last_box_opening: Option<DateTime<Utc>>,
    /// The latest successful read of the feedback mailbox any of its PCs reported.
    pub mailbox_read_at: Option<DateTime<Utc>>,
    pub cameras: u32,
    pub figures: Option<PlanFigures>,
}

/// One item of the plan for one commune.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanLine {
    pub item: PlanItem,
    pub standing: Standing,
    pub evidence: String,
}

/// How long a publication counts.
pub const PUBLICATION_VALID: Duration = Duration::days(90);
/// A mailbox not read for longer than this is not being read.
pub const MAILBOX_READ_WITHIN: Duration = Duration::days(2);
/// The index that meets the plan's satisfaction target: above 90%.
pub const SATISFACTION_TARGET: f64 = 0.90;

fn percent(share: f64) -> String {
    format!("{}%", crate::report::tenths_text(crate::report::share_tenths(share)))
}

fn day(at: DateTime<Utc>) -> String {
    crate::time::day_text(crate::time::local_day(at))
}

/// Every item of the plan for one commune in `week`, judged at `now` (register items as of the
/// week's end, or now while it runs; the mailbox as of now, the only reading there is).
pub fn judge(week: Week, facts: &PlanFacts, now: DateTime<Utc>) -> Vec<PlanLine> {
    let as_of = week.bounds().1.min(now);
    PlanItem::ALL.iter().map(|&item| judge_item(item, facts, as_of, now)).collect()
}

fn judge_item(item: PlanItem, f: &PlanFacts, as_of: DateTime<Utc>, now: DateTime<Utc>) -> PlanLine {
    let line = |standing, evidence: String| PlanLine { item, standing, evidence };
    let never = "chưa có".to_owned();
    match item {
        PlanItem::ProceduresPublished => {
            let recent =
                |at: Option<DateTime<Utc>>| at.is_some_and(|at| at <= as_of && as_of - at <= PUBLICATION_VALID);
            let standing = match (recent(f.notice_board_at), recent(f.online_at)) {
                (true, true) => Standing::Met,
                (false, false) => Standing::NotMet,
                _ => Standing::Partly,
            };
            let evidence = format!(
                "Bảng tin trụ sở: {} · Trên mạng: {}",
                f.notice_board_at.map_or(never.clone(), day),
                f.online_at.map_or(never, day)
            );
            line(standing, evidence)
        }
        PlanItem::PhonesPublished => {
            let everyone = f.officials > 0 && f.phones_published == f.officials;
            let leaders = f.leaders > 0 && f.leader_phones_published == f.leaders;
            let standing = match (everyone && leaders, f.phones_published) {
                (true, _) => Standing::Met,
                (false, 0) => Standing::NotMet,
                (false, _) => Standing::Partly,
            };
            let staff = Rate { part: f.phones_published, whole: f.officials };
            line(standing, format!("Lãnh đạo {}/{} · cán bộ {}", f.leader_phones_published, f.leaders, staff.text()))
        }
        PlanItem::FeedbackBox => {
            let standing = if f.box_openings_in_week > 0 {
                Standing::Met
            } else if f.last_box_opening.is_some_and(|at| as_of - at <= Duration::days(14)) {
                Standing::Partly
            } else {
                Standing::NotMet
            };
            let last = f.last_box_opening.map_or(never, day);
            line(standing, format!("Mở {} lần trong tuần · lần gần nhất: {last}", f.box_openings_in_week))
        }
        PlanItem::Mailbox => {
            let standing = match f.mailbox_read_at {
                Some(at) if now - at <= MAILBOX_READ_WITHIN => Standing::Met,
                Some(_) => Standing::Partly,
                None => Standing::NotMet,
            };
            let last = f.mailbox_read_at.map_or(never, crate::time::local_text);
            line(standing, format!("Đọc được lần gần nhất: {last}"))
        }
        PlanItem::Cameras => {
            let Some(c) = &f.figures else {
                let standing = if f.cameras == 0 { Standing::NotMet } else { Standing::NoData };
                return line(standing, format!("{} camera đăng ký · chưa có báo cáo tuần", f.cameras));
            };
            let open = c.open_outages;
            let standing = match (f.cameras, c.checks_missed == 0 && open == 0) {
                (0, _) => Standing::NotMet,
                (_, true) => Standing::Met,
                (_, false) => Standing::Partly,
            };
            line(
                standing,
                format!(
                    "{} camera · kiểm tra {} ca, bỏ {} ca, lỗi {} · sự cố còn mở: {open}",
                    f.cameras, c.checks_done, c.checks_missed, c.checks_failed
                ),
            )
        }
        PlanItem::Satisfaction => {
            let Some(s) = &f.figures else { return line(Standing::NoData, "chưa có báo cáo tuần".into()) };
            match s.share_satisfied {
                None => line(Standing::NoData, format!("{} lượt đánh giá", s.ratings)),
                Some(share) => {
                    let standing = if share > SATISFACTION_TARGET { Standing::Met } else { Standing::NotMet };
                    line(standing, format!("{} hài lòng trên {} lượt đánh giá", percent(share), s.ratings))
                }
            }
        }
        PlanItem::FeedbackOnTime => {
            let Some(fb) = &f.figures else { return line(Standing::NoData, "chưa có báo cáo tuần".into()) };
            let standing = on_time_standing(fb.feedback_on_time, fb.feedback_late + fb.feedback_overdue);
            line(
                standing,
                format!(
                    "Đúng hạn {} · trễ hạn {} · đang quá hạn {}",
                    fb.feedback_on_time, fb.feedback_late, fb.feedback_overdue
                ),
            )
        }
        PlanItem::DossiersOnTime => {
            let Some(d) = &f.figures else { return line(Standing::NoData, "chưa có báo cáo tuần".into()) };
            let standing = on_time_standing(d.dossiers_on_time, d.dossiers_late + d.dossiers_still_out);
            line(
                standing,
                format!(
                    "Trả đúng hẹn {} · trễ hẹn {} · quá hẹn chưa trả {}",
                    d.dossiers_on_time, d.dossiers_late, d.dossiers_still_out
                ),
            )
        }
    }
}

/// Nothing late is met (nothing at all included: nothing was owed); late beside on time is
/// partly; only late is not met.
fn on_time_standing(on_time: u32, late: u32) -> Standing {
    match (on_time, late) {
        (_, 0) => Standing::Met,
        (0, _) => Standing::NotMet,
        _ => Standing::Partly,
    }
}

/// One commune's line of the scoreboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunePlan {
    pub commune_code: String,
    pub commune_name: String,
    pub district: Option<String>,
    pub lines: Vec<PlanLine>,
}

/// The plan's scoreboard for one week: every commune, and per item how many met it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scoreboard {
    pub week: Week,
    pub communes: Vec<CommunePlan>,
    pub met: Vec<ItemRate>,
}

/// How many communes met one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemRate {
    pub item: PlanItem,
    pub rate: Rate,
}

impl Scoreboard {
    pub fn new(week: Week, communes: Vec<CommunePlan>) -> Scoreboard {
        let whole = u32::try_from(communes.len()).unwrap_or(u32::MAX);
        let met = PlanItem::ALL
            .iter()
            .map(|&item| {
                let part = communes
                    .iter()
                    .filter(|c| c.lines.iter().any(|l| l.item == item && l.standing == Standing::Met))
                    .count();
                ItemRate { item, rate: Rate { part: u32::try_from(part).unwrap_or(0), whole } }
            })
            .collect();
        Scoreboard { week, communes, met }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{figures, week47};
    use crate::time::vietnam;
    use chrono::TimeZone;

    fn local(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn standing(lines: &[PlanLine], item: PlanItem) -> Standing {
        lines.iter().find(|l| l.item == item).unwrap().standing
    }

    #[test]
    fn each_item_is_met_partly_or_not_by_its_printed_rule() {
        let now = local(11, 30, 9);
        let mut f = PlanFacts::default();
        let lines = judge(week47(), &f, now);
        assert_eq!(lines.len(), PlanItem::ALL.len());
        assert!(lines.iter().all(|l| matches!(l.standing, Standing::NotMet | Standing::NoData)), "{lines:?}");

        // Published at the office on 1/9 (within 90 days of Sunday 22/11) and online in May (not).
        f.notice_board_at = Some(local(9, 1, 8));
        f.online_at = Some(local(5, 1, 8));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::ProceduresPublished), Standing::Partly);
        f.online_at = Some(local(11, 20, 8));
        let lines = judge(week47(), &f, now);
        assert_eq!(standing(&lines, PlanItem::ProceduresPublished), Standing::Met);
        assert_eq!(lines[0].evidence, "Bảng tin trụ sở: 01/09/2026 · Trên mạng: 20/11/2026");
        // A publication after the week's end does not count for the week.
        f.online_at = Some(local(11, 24, 8));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::ProceduresPublished), Standing::Partly);

        // Phones: every entry published but no leader in the directory is only partly.
        (f.officials, f.phones_published) = (4, 4);
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::PhonesPublished), Standing::Partly);
        (f.leaders, f.leader_phones_published) = (2, 2);
        (f.officials, f.phones_published) = (6, 6);
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::PhonesPublished), Standing::Met);
        f.phones_published = 5;
        let lines = judge(week47(), &f, now);
        assert_eq!(standing(&lines, PlanItem::PhonesPublished), Standing::Partly);
        assert_eq!(lines[1].evidence, "Lãnh đạo 2/2 · cán bộ 5/6 (83,3%)");

        // The box: opened in the week; last opened 10 days before its end; 20 days.
        f.last_box_opening = Some(local(11, 13, 8));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::FeedbackBox), Standing::Partly);
        f.last_box_opening = Some(local(11, 2, 8));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::FeedbackBox), Standing::NotMet);
        (f.box_openings_in_week, f.last_box_opening) = (1, Some(local(11, 20, 16)));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::FeedbackBox), Standing::Met);

        // The mailbox, as of now: read 47 hours ago, then 49.
        f.mailbox_read_at = Some(now - Duration::hours(47));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::Mailbox), Standing::Met);
        f.mailbox_read_at = Some(now - Duration::hours(49));
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::Mailbox), Standing::Partly);

        // Cameras registered but no approved week: no data, not "not met".
        f.cameras = 2;
        assert_eq!(standing(&judge(week47(), &f, now), PlanItem::Cameras), Standing::NoData);
        let mut approved = figures(week47(), &[]);
        f.figures = Some(PlanFigures::of(&approved));
        let lines = judge(week47(), &f, now);
        assert_eq!(standing(&lines, PlanItem::Cameras), Standing::Met);
        assert_eq!(standing(&lines, PlanItem::FeedbackOnTime), Standing::Met, "nothing owed, nothing late");
        assert_eq!(standing(&lines, PlanItem::Satisfaction), Standing::NoData, "no ratings");
        approved.cameras.checks_missed = 1;
        approved.satisfaction.share_satisfied = Some(0.9);
        approved.satisfaction.ratings = 10;
        (approved.feedback.answered_on_time, approved.feedback.overdue) = (3, 1);
        (approved.dossiers.returned_late, approved.dossiers.returned_on_time) = (2, 0);
        f.figures = Some(PlanFigures::of(&approved));
        let lines = judge(week47(), &f, now);
        assert_eq!(standing(&lines, PlanItem::Cameras), Standing::Partly);
        assert_eq!(standing(&lines, PlanItem::Satisfaction), Standing::NotMet, "90% is not above 90%");
        assert_eq!(standing(&lines, PlanItem::FeedbackOnTime), Standing::Partly);
        assert_eq!(standing(&lines, PlanItem::DossiersOnTime), Standing::NotMet);
        approved.satisfaction.share_satisfied = Some(0.91);
        f.figures = Some(PlanFigures::of(&approved));
        let lines = judge(week47(), &f, now);
        assert_eq!(standing(&lines, PlanItem::Satisfaction), Standing::Met);
        assert_eq!(lines[5].evidence, "91,0% hài lòng trên 10 lượt đánh giá");
    }

    #[test]
    fn the_scoreboard_counts_the_communes_that_met_each_item() {
        let now = local(11, 30, 9);
        let met = PlanFacts { box_openings_in_week: 1, ..Default::default() };
        let plan = |code: &str, facts: &PlanFacts| CommunePlan {
            commune_code: code.into(),
            commune_name: code.into(),
            district: None,
            lines: judge(week47(), facts, now),
        };
        let board = Scoreboard::new(week47(), vec![plan("A", &met), plan("B", &PlanFacts::default())]);
        let box_rate = board.met.iter().find(|m| m.item == PlanItem::FeedbackBox).unwrap().rate;
        assert_eq!(box_rate.text(), "1/2 (50,0%)");
        assert!(PlanItem::ALL.iter().all(|i| !i.rule().is_empty()));
    }
}
