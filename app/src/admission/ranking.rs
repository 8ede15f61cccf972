//! The state-order competition (pure; the committee's preview and the publication both call
//! [`rank`]).
//!
//! Rules, as the admission rules set them and as the public page states them:
//! 1. Each specialty × language of study (an offer) ranks the applicants who listed it by their
//!    competition score: the certificate's average, or the entrance test's score where the
//!    specialty requires one.
//! 2. Ties are broken, in this order, by: a certificate "with honours" first; then the higher
//!    average of the profile subjects; then the earlier submission of the application; and
//!    last the smaller application number (so the order is always total and repeatable).
//! 3. An offer's quota places are filled first, category by category (persons with
//!    disabilities, orphans, rural youth, large families), each by the best applicants who
//!    claim that category; the rest of the places, together with any quota places nobody
//!    filled, go to the general competition among everyone not yet placed on that offer.
//! 4. Preferences: an applicant is placed on at most one offer, the first of their list whose
//!    competition they win. This is computed by deferred acceptance: everyone applies to their
//!    first choice; each offer keeps whom rules 1–3 would take from those applying and turns
//!    the rest away; those turned away apply to their next choice; repeat until nobody moves.
//!    An applicant placed on a higher preference is so never placed on a lower one, and no
//!    one is kept out of an offer by someone it ranks lower (the result is stable).

use super::model::{Category, Outcome};
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// An offer's places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seats {
    pub offer_id: i64,
    pub places: i64,
    pub quotas: Vec<(Category, i64)>,
}

/// An applicant in the competition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contender {
    pub id: i64,
    /// (offer, the score competed with there), most wanted first. A choice the applicant has no
    /// score for (no entrance test taken) is left out by the caller.
    pub choices: Vec<(i64, i64)>,
    pub categories: Vec<Category>,
    pub honours: bool,
    pub profile_score: i64,
    pub submitted_at: i64,
}

/// One line of an offer's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub applicant: i64,
    pub position: i64,
    pub score: i64,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ranking {
    /// Applicant → (offer, Quota or General).
    pub placed: BTreeMap<i64, (i64, Outcome)>,
    /// Offer → everyone who listed it, in rank order.
    pub lists: BTreeMap<i64, Vec<Line>>,
}

/// The rank key of rules 1 and 2: smaller is better.
fn key(c: &Contender, score: i64) -> (Reverse<i64>, Reverse<bool>, Reverse<i64>, i64, i64) {
    (Reverse(score), Reverse(c.honours), Reverse(c.profile_score), c.submitted_at, c.id)
}

fn score_at(c: &Contender, offer: i64) -> Option<i64> {
    c.choices.iter().find(|(o, _)| *o == offer).map(|(_, s)| *s)
}

/// Rule 3: whom an offer takes from these applicants (indices into `all`), with the seat each
/// gets.
fn take(seats: &Seats, all: &[Contender], applying: &[usize]) -> Vec<(usize, Outcome)> {
    let mut order: Vec<usize> = applying.to_vec();
    order.sort_by_key(|&i| key(&all[i], score_at(&all[i], seats.offer_id).unwrap_or(0)));
    let mut taken: Vec<(usize, Outcome)> = Vec::new();
    for c in Category::ALL {
        let quota = seats.quotas.iter().filter(|(q, _)| *q == c).map(|(_, n)| *n).sum::<i64>();
        let mut filled = 0;
        for &i in &order {
            if filled >= quota {
                break;
            }
            if all[i].categories.contains(&c) && !taken.iter().any(|(t, _)| *t == i) {
                taken.push((i, Outcome::Quota(c)));
                filled += 1;
            }
        }
    }
    let general = seats.places - taken.len() as i64;
    let mut filled = 0;
    for &i in &order {
        if filled >= general {
            break;
        }
        if !taken.iter().any(|(t, _)| *t == i) {
            taken.push((i, Outcome::General));
            filled += 1;
        }
    }
    taken
}

/// Ranks a campaign. Deterministic: the same input in any order gives the same result.
pub fn rank(offers: &[Seats], contenders: &[Contender]) -> Ranking {
    let mut all: Vec<Contender> = contenders.to_vec();
    all.sort_by_key(|c| c.id);
    let mut offers: Vec<Seats> = offers.to_vec();
    offers.sort_by_key(|o| o.offer_id);
    let known = |o: i64| offers.iter().any(|s| s.offer_id == o);
    for c in &mut all {
        c.choices.retain(|(o, _)| known(*o));
    }
    // next[i]: the index in i's list of the choice they apply to next.
    let mut next = vec![0usize; all.len()];
    // held[offer]: who the offer keeps for now, with their seat.
    let mut held: BTreeMap<i64, Vec<(usize, Outcome)>> = offers.iter().map(|o| (o.offer_id, Vec::new())).collect();
    let mut free: Vec<usize> = (0..all.len()).collect();
    while !free.is_empty() {
        let mut applying: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for i in free.drain(..) {
            if let Some((offer, _)) = all[i].choices.get(next[i]) {
                next[i] += 1;
                applying.entry(*offer).or_default().push(i);
            }
        }
        if applying.is_empty() {
            break;
        }
        for (offer, new) in applying {
            let seats = offers.iter().find(|s| s.offer_id == offer).expect("known offer");
            let mut pool: Vec<usize> = held[&offer].iter().map(|(i, _)| *i).collect();
            pool.extend(new);
            let kept = take(seats, &all, &pool);
            for i in pool {
                if !kept.iter().any(|(k, _)| *k == i) {
                    free.push(i);
                }
            }
            held.insert(offer, kept);
        }
        free.sort_unstable();
    }
    let mut ranking = Ranking::default();
    for (offer, kept) in &held {
        for (i, seat) in kept {
            ranking.placed.insert(all[*i].id, (*offer, *seat));
        }
    }
    for seats in &offers {
        let mut listed: Vec<(&Contender, i64)> = all.iter().filter_map(|c| score_at(c, seats.offer_id).map(|s| (c, s))).collect();
        listed.sort_by_key(|(c, s)| key(c, *s));
        let lines = listed
            .into_iter()
            .enumerate()
            .map(|(n, (c, score))| {
                let outcome = match ranking.placed.get(&c.id) {
                    Some((o, seat)) if *o == seats.offer_id => *seat,
                    Some((o, _)) => {
                        let at = |x: i64| c.choices.iter().position(|(y, _)| *y == x);
                        if at(*o) < at(seats.offer_id) {
                            Outcome::HigherChoice
                        } else {
                            Outcome::NotPlaced
                        }
                    }
                    None => Outcome::NotPlaced,
                };
                Line { applicant: c.id, position: n as i64 + 1, score, outcome }
            })
            .collect();
        ranking.lists.insert(seats.offer_id, lines);
    }
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(id: i64, choices: &[(i64, i64)], cats: &[Category]) -> Contender {
        Contender { id, choices: choices.to_vec(), categories: cats.to_vec(), honours: false, profile_score: 0, submitted_at: id * 10 }
    }
    fn seats(offer_id: i64, places: i64, quotas: &[(Category, i64)]) -> Seats {
        Seats { offer_id, places, quotas: quotas.to_vec() }
    }
    fn placed(r: &Ranking, id: i64) -> Option<(i64, Outcome)> {
        r.placed.get(&id).copied()
    }

    #[test]
    fn the_best_scores_take_the_places() {
        let r = rank(&[seats(1, 2, &[])], &[who(1, &[(1, 400)], &[]), who(2, &[(1, 480)], &[]), who(3, &[(1, 450)], &[])]);
        assert_eq!(placed(&r, 2), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 3), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 1), None);
        let list: Vec<(i64, i64, Outcome)> = r.lists[&1].iter().map(|l| (l.position, l.applicant, l.outcome)).collect();
        assert_eq!(list, vec![(1, 2, Outcome::General), (2, 3, Outcome::General), (3, 1, Outcome::NotPlaced)]);
    }

    #[test]
    fn ties_go_to_honours_then_profile_subjects_then_the_earlier_submission() {
        let mut a = who(1, &[(1, 450)], &[]);
        let mut b = who(2, &[(1, 450)], &[]);
        let mut c = who(3, &[(1, 450)], &[]);
        let mut d = who(4, &[(1, 450)], &[]);
        b.honours = true;
        c.profile_score = 480;
        d.profile_score = 480;
        a.submitted_at = 100;
        c.submitted_at = 50;
        d.submitted_at = 40;
        let r = rank(&[seats(1, 3, &[])], &[a, b, c, d]);
        let order: Vec<i64> = r.lists[&1].iter().map(|l| l.applicant).collect();
        // honours; then the higher profile average (4 before 3: earlier submission); then 1.
        assert_eq!(order, vec![2, 4, 3, 1]);
        assert_eq!(placed(&r, 1), None);
        // Everything equal, the smaller number goes first: still a total order.
        let r = rank(&[seats(1, 1, &[])], &[who(7, &[(1, 400)], &[]), Contender { submitted_at: 70, ..who(5, &[(1, 400)], &[]) }]);
        assert_eq!(placed(&r, 5).map(|p| p.0), Some(1));
    }

    #[test]
    fn quota_places_go_to_the_category_first_even_with_a_lower_score() {
        let r = rank(
            &[seats(1, 2, &[(Category::Orphan, 1)])],
            &[who(1, &[(1, 500)], &[]), who(2, &[(1, 490)], &[]), who(3, &[(1, 300)], &[Category::Orphan])],
        );
        assert_eq!(placed(&r, 3), Some((1, Outcome::Quota(Category::Orphan))));
        assert_eq!(placed(&r, 1), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 2), None);
    }

    #[test]
    fn unused_quota_places_go_to_the_general_competition() {
        let r = rank(
            &[seats(1, 3, &[(Category::Disability, 1), (Category::Rural, 1)])],
            &[who(1, &[(1, 500)], &[]), who(2, &[(1, 490)], &[]), who(3, &[(1, 480)], &[]), who(4, &[(1, 300)], &[Category::Rural])],
        );
        // Nobody claims the disability quota: its place goes to the general competition.
        assert_eq!(placed(&r, 4), Some((1, Outcome::Quota(Category::Rural))));
        assert_eq!(placed(&r, 1), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 2), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 3), None);
        // A category applicant beyond the quota competes in the general competition too.
        let r = rank(
            &[seats(1, 2, &[(Category::Orphan, 1)])],
            &[who(1, &[(1, 450)], &[Category::Orphan]), who(2, &[(1, 400)], &[Category::Orphan]), who(3, &[(1, 300)], &[])],
        );
        assert_eq!(placed(&r, 1), Some((1, Outcome::Quota(Category::Orphan))));
        assert_eq!(placed(&r, 2), Some((1, Outcome::General)));
        assert_eq!(placed(&r, 3), None);
    }

    #[test]
    fn a_higher_preference_wins_and_the_lower_place_goes_to_the_next() {
        // 1 prefers offer 10 (one place), then 20; 2 wants only 20 (one place); 3 prefers 20,
        // then 10. 1 outranks everyone: placed on 10, not on 20, so 20 goes to 3 and 2 is
        // left, and 3 shows on 10's list as placed higher.
        let r = rank(
            &[seats(10, 1, &[]), seats(20, 1, &[])],
            &[who(1, &[(10, 500), (20, 500)], &[]), who(2, &[(20, 400)], &[]), who(3, &[(20, 450), (10, 450)], &[])],
        );
        assert_eq!(placed(&r, 1), Some((10, Outcome::General)));
        assert_eq!(placed(&r, 3), Some((20, Outcome::General)));
        assert_eq!(placed(&r, 2), None);
        let on_20: Vec<(i64, Outcome)> = r.lists[&20].iter().map(|l| (l.applicant, l.outcome)).collect();
        assert_eq!(on_20, vec![(1, Outcome::HigherChoice), (3, Outcome::General), (2, Outcome::NotPlaced)]);
        let on_10: Vec<(i64, Outcome)> = r.lists[&10].iter().map(|l| (l.applicant, l.outcome)).collect();
        assert_eq!(on_10, vec![(1, Outcome::General), (3, Outcome::HigherChoice)]);
    }

    #[test]
    fn someone_turned_away_later_moves_down_their_list_until_stable() {
        // 2 first holds offer 10, then 1 (better) arrives there too and 2 moves on to 20,
        // displacing 3, who moves on to 30.
        let r = rank(
            &[seats(10, 1, &[]), seats(20, 1, &[]), seats(30, 1, &[])],
            &[who(1, &[(20, 300), (10, 500)], &[]), who(2, &[(10, 450), (20, 450)], &[]), who(3, &[(20, 400), (30, 400)], &[])],
        );
        assert_eq!(placed(&r, 1), Some((10, Outcome::General)));
        assert_eq!(placed(&r, 2), Some((20, Outcome::General)));
        assert_eq!(placed(&r, 3), Some((30, Outcome::General)));
        // 1 listed 20 first but lost it to better scores: shown there as not placed.
        assert_eq!(r.lists[&20].iter().find(|l| l.applicant == 1).map(|l| l.outcome), Some(Outcome::NotPlaced));
    }

    #[test]
    fn the_result_does_not_depend_on_the_input_order() {
        let offers = [seats(1, 2, &[(Category::Rural, 1)]), seats(2, 1, &[])];
        let people: Vec<Contender> = (1..=8)
            .map(|i| {
                let cats: &[Category] = if i % 3 == 0 { &[Category::Rural] } else { &[] };
                who(i, &[((i % 2) + 1, 300 + (i * 37) % 200), (2 - (i % 2), 350)], cats)
            })
            .collect();
        let a = rank(&offers, &people);
        let mut reversed = people.clone();
        reversed.reverse();
        let mut offers_reversed = offers.to_vec();
        offers_reversed.reverse();
        assert_eq!(rank(&offers_reversed, &reversed), a);
        assert_eq!(a.placed.len(), 3);
    }
}
