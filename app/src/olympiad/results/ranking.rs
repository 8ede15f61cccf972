//! Ranking of stage results and the choice of winners. Pure functions: the results page, the
//! exports and the winners' list all call these, so the order is decided in one place.
//!
//! Order within one grade and subject (the only lists that are ever compared):
//! 1. the higher score;
//! 2. then fewer confirmed proctoring violations (a clean sitting beats a flagged one at the
//!    same score);
//! 3. then less time used (from start to hand-in). We do not use the clock time of the
//!    hand-in: regions sit in different windows and time zones, so "earlier" would favour
//!    whole regions, while time used is the same measure for everyone.
//! Entries equal on all three share the place, and the next place skips as many as shared it
//! ("1, 2, 2, 4"): the place says how many did strictly better.
//!
//! Winners, per campaign, by one of two rules:
//! - a score threshold: everyone at or above it wins, wherever they are;
//! - a quota per region: the best `quota` of each region (in the same order) win. When
//!   several share the last place inside the quota, all of them win, so the quota can be
//!   exceeded by a tie; nobody loses to an equal result. A region with fewer participants than
//!   the quota has all of them win (if they scored above zero, see below).
//! A score of zero never wins: a blank paper is not a result, whatever the quota.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Points in hundredths, so equal scores compare equal (no floating-point ties that are not).
pub type Centipoints = i64;

/// One participant's valid result (annulled attempts are left out before ranking: they have
/// no place and cannot win).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageResult {
    pub participant_id: i64,
    pub region_id: i64,
    pub grade: i64,
    pub subject: String,
    pub score: Centipoints,
    pub violations: i64,
    pub time_used_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WinnerRule {
    /// At or above this many points (hundredths) wins.
    Threshold(Centipoints),
    /// The best N of each region win (ties at the boundary all win).
    QuotaPerRegion(u32),
}

/// A participant's place in their grade and subject, nationally and within the region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub result: StageResult,
    pub place: u32,
    /// Someone else holds the same place.
    pub shared: bool,
    pub region_place: u32,
    pub winner: bool,
}

/// The order of the rules above: better first.
pub fn compare(a: &StageResult, b: &StageResult) -> Ordering {
    b.score.cmp(&a.score).then(a.violations.cmp(&b.violations)).then(a.time_used_ms.cmp(&b.time_used_ms))
}

/// Competition places ("1, 2, 2, 4") of results already sorted by [`compare`].
fn places(sorted: &[&StageResult]) -> Vec<u32> {
    let mut out = Vec::with_capacity(sorted.len());
    for (i, r) in sorted.iter().enumerate() {
        let place = if i > 0 && compare(sorted[i - 1], r) == Ordering::Equal { out[i - 1] } else { i as u32 + 1 };
        out.push(place);
    }
    out
}

/// Ranks every grade and subject separately and marks the winners. The output is ordered by
/// grade, subject, then place (ties by participant id, so the order is stable across runs).
pub fn rank(results: &[StageResult], rule: WinnerRule) -> Vec<Ranked> {
    let mut lists: BTreeMap<(i64, &str), Vec<&StageResult>> = BTreeMap::new();
    for r in results {
        lists.entry((r.grade, r.subject.as_str())).or_default().push(r);
    }
    let mut out = Vec::with_capacity(results.len());
    for (_, mut list) in lists {
        list.sort_by(|a, b| compare(a, b).then(a.participant_id.cmp(&b.participant_id)));
        let national = places(&list);
        // Region places: the same order, restricted to each region.
        let mut by_region: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, r) in list.iter().enumerate() {
            by_region.entry(r.region_id).or_default().push(i);
        }
        let mut region_place = vec![0u32; list.len()];
        for indices in by_region.values() {
            let members: Vec<&StageResult> = indices.iter().map(|&i| list[i]).collect();
            for (k, p) in places(&members).into_iter().enumerate() {
                region_place[indices[k]] = p;
            }
        }
        for (i, r) in list.iter().enumerate() {
            let shared = (i > 0 && national[i - 1] == national[i]) || national.get(i + 1) == Some(&national[i]);
            let qualifies = match rule {
                WinnerRule::Threshold(min) => r.score >= min,
                // A place within the quota: those tied at the boundary share a place <= quota.
                WinnerRule::QuotaPerRegion(quota) => region_place[i] <= quota,
            };
            out.push(Ranked {
                result: (*r).clone(),
                place: national[i],
                shared,
                region_place: region_place[i],
                winner: qualifies && r.score > 0,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: i64, region: i64, score: Centipoints, violations: i64, minutes: i64) -> StageResult {
        StageResult {
            participant_id: id,
            region_id: region,
            grade: 7,
            subject: "math".into(),
            score,
            violations,
            time_used_ms: minutes * 60_000,
        }
    }

    fn summary(ranked: &[Ranked]) -> Vec<(i64, u32, bool)> {
        ranked.iter().map(|r| (r.result.participant_id, r.place, r.winner)).collect()
    }

    #[test]
    fn score_then_violations_then_time_used() {
        let results = vec![
            result(1, 10, 8_000, 0, 50),
            result(2, 10, 9_000, 3, 90), // best score wins despite violations and time
            result(3, 10, 8_000, 1, 10), // same score as 1, one violation: after 1
            result(4, 10, 8_000, 0, 40), // same score and violations as 1, quicker: before 1
        ];
        let ranked = rank(&results, WinnerRule::Threshold(100_000));
        let order: Vec<(i64, u32)> = ranked.iter().map(|r| (r.result.participant_id, r.place)).collect();
        assert_eq!(order, vec![(2, 1), (4, 2), (1, 3), (3, 4)]);
        assert!(ranked.iter().all(|r| !r.shared));
    }

    #[test]
    fn equal_after_every_rule_shares_the_place_and_the_next_place_skips() {
        let results =
            vec![result(5, 10, 7_000, 0, 30), result(6, 11, 7_000, 0, 30), result(7, 10, 9_000, 0, 60), result(8, 10, 6_000, 0, 30)];
        let ranked = rank(&results, WinnerRule::Threshold(7_000));
        assert_eq!(summary(&ranked), vec![(7, 1, true), (5, 2, true), (6, 2, true), (8, 4, false)]);
        let shared: Vec<bool> = ranked.iter().map(|r| r.shared).collect();
        assert_eq!(shared, vec![false, true, true, false]);
    }

    #[test]
    fn grades_and_subjects_are_ranked_separately() {
        let mut a = result(1, 10, 5_000, 0, 30);
        let mut b = result(2, 10, 9_000, 0, 30);
        let c = result(3, 10, 7_000, 0, 30);
        a.grade = 8;
        b.subject = "physics".into();
        let ranked = rank(&[a, b, c], WinnerRule::QuotaPerRegion(1));
        // Each is alone in its list: first, and a winner of its region.
        assert_eq!(ranked.len(), 3);
        assert!(ranked.iter().all(|r| r.place == 1 && r.winner));
        let lists: Vec<(i64, &str)> = ranked.iter().map(|r| (r.result.grade, r.result.subject.as_str())).collect();
        assert_eq!(lists, vec![(7, "math"), (7, "physics"), (8, "math")]);
    }

    #[test]
    fn quota_is_per_region_and_a_tie_at_the_boundary_takes_everyone_tied() {
        let results = vec![
            // Region 10: quota 2, places 1, 2, 2, 4: the two tied for 2nd both win (3 winners).
            result(1, 10, 9_000, 0, 30),
            result(2, 10, 8_000, 0, 30),
            result(3, 10, 8_000, 0, 30),
            result(4, 10, 7_000, 0, 30),
            // Region 11: weaker nationally, but its own best two win.
            result(5, 11, 5_000, 0, 30),
            result(6, 11, 4_000, 0, 30),
            result(7, 11, 3_000, 0, 30),
            // Same score as 2 and 3 but one violation: not tied, the rules separate them.
            result(8, 10, 8_000, 1, 30),
        ];
        let ranked = rank(&results, WinnerRule::QuotaPerRegion(2));
        let winners: Vec<i64> = ranked.iter().filter(|r| r.winner).map(|r| r.result.participant_id).collect();
        assert_eq!(winners, vec![1, 2, 3, 5, 6]);
        let region_places: Vec<(i64, u32)> = ranked.iter().map(|r| (r.result.participant_id, r.region_place)).collect();
        assert_eq!(region_places, vec![(1, 1), (2, 2), (3, 2), (8, 4), (4, 5), (5, 1), (6, 2), (7, 3)]);
    }

    #[test]
    fn threshold_is_inclusive_and_zero_never_wins() {
        let results = vec![result(1, 10, 6_000, 0, 30), result(2, 10, 5_999, 0, 30), result(3, 11, 0, 0, 30)];
        let ranked = rank(&results, WinnerRule::Threshold(6_000));
        assert_eq!(summary(&ranked), vec![(1, 1, true), (2, 2, false), (3, 3, false)]);
        // A region smaller than the quota: its scorer wins, its blank paper does not.
        let ranked = rank(&results, WinnerRule::QuotaPerRegion(5));
        assert_eq!(summary(&ranked), vec![(1, 1, true), (2, 2, true), (3, 3, false)]);
        let ranked = rank(&results, WinnerRule::Threshold(0));
        assert!(!ranked[2].winner, "a threshold of zero still needs a score");
    }

    #[test]
    fn order_does_not_depend_on_input_order() {
        let mut results =
            vec![result(1, 10, 8_000, 0, 30), result(2, 10, 8_000, 0, 30), result(3, 11, 9_000, 2, 45), result(4, 11, 8_000, 0, 20)];
        let first = rank(&results, WinnerRule::QuotaPerRegion(1));
        results.reverse();
        assert_eq!(rank(&results, WinnerRule::QuotaPerRegion(1)), first);
    }
}
