//! Xếp hạng: the communes ranked on each index ratio of a week, only those with enough answers
//! behind the ratio (the rest listed apart with their count, never ranked), ties sharing a rank
//! as Excel's RANK gives them, and the province's pooled ratio week by week.

use crate::province::Rate;
use crate::summary::{Week, WeekFigures};
use crate::visit::InputError;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

crate::words::word_enum!(
    /// An index ratio the province compares communes on.
    IndexKind, InputError::KindInvalid, {
        FeedbackOnTime = "feedback_on_time" => "Phản ánh giải quyết đúng hạn",
        FeedbackSatisfaction = "feedback_satisfaction" => "Hài lòng với việc giải quyết phản ánh",
        ProcedureSatisfaction = "procedure_satisfaction" => "Hài lòng khi làm thủ tục",
    }
);

impl IndexKind {
    /// What the ratio counts, as the page explains it.
    pub fn counts(self) -> &'static str {
        match self {
            IndexKind::FeedbackOnTime => "phản ánh giải quyết trong hạn / phản ánh đã giải quyết trong tuần",
            IndexKind::FeedbackSatisfaction => "người gửi hài lòng / người gửi được hỏi ý kiến",
            IndexKind::ProcedureSatisfaction => "lượt hài lòng, rất hài lòng / lượt đánh giá về thủ tục",
        }
    }

    /// The counts behind the ratio in a week's figures; none when the figures do not keep them.
    pub fn sample(self, f: &WeekFigures) -> Option<Rate> {
        match self {
            IndexKind::FeedbackOnTime => Some(Rate {
                part: f.feedback.answered_on_time,
                whole: f.feedback.answered_on_time + f.feedback.answered_late,
            }),
            IndexKind::FeedbackSatisfaction => Some(Rate { part: f.feedback.satisfied, whole: f.feedback.rated }),
            IndexKind::ProcedureSatisfaction => f.indexes.procedure_ratings,
        }
    }
}

/// Ranked only with at least this many answers behind the ratio.
pub const MIN_SAMPLE: u32 = 10;

/// A commune's sample of one index in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommuneSample {
    pub commune_code: String,
    pub commune_name: String,
    pub this_week: Option<Rate>,
    pub last_week: Option<Rate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    pub rank: u32,
    pub commune_code: String,
    pub commune_name: String,
    pub rate: Rate,
    pub last_week: Option<Rate>,
}

/// One index ranked: the ranked communes, those below the minimum sample (with their n), and
/// those with no approved week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexRanking {
    pub index: IndexKind,
    pub ranked: Vec<Ranked>,
    pub below_sample: Vec<CommuneSample>,
    pub no_report: Vec<String>,
    /// The province's pooled ratio, oldest week first (12 weeks up to the week ranked).
    pub trend: Vec<TrendPoint>,
}

/// The province's pooled ratio of one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    pub week: Week,
    pub rate: Rate,
}

/// Exact comparison of two ratios (no float rounding decides a rank).
fn by_value(a: Rate, b: Rate) -> Ordering {
    (u64::from(a.part) * u64::from(b.whole)).cmp(&(u64::from(b.part) * u64::from(a.whole)))
}

/// Ranks the communes with at least `min_sample` answers, highest ratio first; equal ratios
/// share a rank and the next rank skips (1, 2, 2, 4), as Excel's RANK does.
pub fn rank(index: IndexKind, samples: Vec<CommuneSample>, min_sample: u32, trend: Vec<TrendPoint>) -> IndexRanking {
    let (mut enough, rest): (Vec<CommuneSample>, Vec<CommuneSample>) =
        samples.into_iter().partition(|s| s.this_week.is_some_and(|r| r.whole >= min_sample && r.whole > 0));
    let (mut below_sample, none): (Vec<CommuneSample>, Vec<CommuneSample>) =
        rest.into_iter().partition(|s| s.this_week.is_some());
    enough.sort_by(|a, b| {
        let (ra, rb) = (a.this_week.unwrap_or_default(), b.this_week.unwrap_or_default());
        by_value(rb, ra).then(rb.whole.cmp(&ra.whole)).then_with(|| a.commune_code.cmp(&b.commune_code))
    });
    let mut ranked: Vec<Ranked> = Vec::with_capacity(enough.len());
    for (i, s) in enough.into_iter().enumerate() {
        let rate = s.this_week.unwrap_or_default();
        let rank = match ranked.last() {
            Some(prev) if by_value(prev.rate, rate) == Ordering::Equal => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        ranked.push(Ranked {
            rank,
            commune_code: s.commune_code,
            commune_name: s.commune_name,
            rate,
            last_week: s.last_week,
        });
    }
    below_sample.sort_by(|a, b| a.commune_code.cmp(&b.commune_code));
    IndexRanking { index, ranked, below_sample, no_report: none.into_iter().map(|s| s.commune_code).collect(), trend }
}

/// The province's ratio of a week: every reporting commune's answers pooled (not an average of
/// ratios, so a commune of 3 answers weighs as 3).
pub fn pooled(rates: impl IntoIterator<Item = Rate>) -> Rate {
    rates.into_iter().fold(Rate::default(), |acc, r| Rate { part: acc.part + r.part, whole: acc.whole + r.whole })
}

/// The whole ranking page of a week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rankings {
    pub week: Week,
    pub min_sample: u32,
    pub indexes: Vec<IndexRanking>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::week47;

    fn sample(code: &str, part: u32, whole: u32) -> CommuneSample {
        CommuneSample {
            commune_code: code.into(),
            commune_name: format!("Xã {code}"),
            this_week: Some(Rate { part, whole }),
            last_week: None,
        }
    }

    #[test]
    fn ties_share_a_rank_and_small_samples_are_listed_apart_never_ranked() {
        let samples = vec![
            sample("A", 9, 10),
            sample("B", 18, 20),
            sample("C", 10, 10),
            sample("D", 2, 2),
            sample("E", 7, 10),
            CommuneSample { this_week: None, ..sample("F", 0, 0) },
            sample("G", 0, 0),
        ];
        let r = rank(IndexKind::FeedbackOnTime, samples, MIN_SAMPLE, Vec::new());
        let ranks: Vec<(u32, &str)> = r.ranked.iter().map(|x| (x.rank, x.commune_code.as_str())).collect();
        // 90% twice: the larger sample first, the same rank; the next rank skips to 4.
        assert_eq!(ranks, [(1, "C"), (2, "B"), (2, "A"), (4, "E")]);
        let apart: Vec<(&str, u32)> =
            r.below_sample.iter().map(|s| (s.commune_code.as_str(), s.this_week.unwrap().whole)).collect();
        assert_eq!(apart, [("D", 2), ("G", 0)], "100% of 2 answers is not ranked above 90% of 20");
        assert_eq!(r.no_report, ["F"]);
    }

    #[test]
    fn the_province_pools_answers_rather_than_averaging_ratios() {
        let p = pooled([Rate { part: 3, whole: 3 }, Rate { part: 50, whole: 100 }]);
        assert_eq!(p.text(), "53/103 (51,5%)");
        assert_eq!(by_value(Rate { part: 1, whole: 3 }, Rate { part: 2, whole: 6 }), Ordering::Equal);
        let figures = crate::testing::figures(week47(), &[]);
        assert_eq!(IndexKind::ProcedureSatisfaction.sample(&figures), Some(Rate { part: 0, whole: 0 }));
    }
}
