//! Integration tests of `pounce::metrics`: every value is computed by hand on a small fixture (the
//! arithmetic is in the comments), plus properties on random markets and ranked lists.

use std::collections::BTreeSet;

use pounce::matching::stable::{blocking_pairs, count_blocking_pairs, deferred_acceptance};
use pounce::matching::{Assignment, Edge, Market, MarketPartner, MarketProject, Proposer};
use pounce::metrics::{
    ASSIGNMENT_METRICS, GroupFairness, assignment_metrics, capacity_utilisation, coverage, fairness_by,
    institution_fairness, justified_envy, mrr, ndcg_at_k, precision_at_k, recall_at_k, recommendation_lists,
    sector_diversity, sector_fairness,
};
use proptest::prelude::*;

const EPS: f64 = 1e-12;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(close(a, b), "{} = {a}, expected {b}", stringify!($a));
    }};
}

fn edge(project: usize, partner: usize, score: f64, project_rank: u32, partner_rank: u32) -> Edge {
    Edge { project, partner, score, hours: 0.0, project_rank, partner_rank }
}

// ---------------------------------------------------------------------------------------------
// The fixture: 3 projects × 2 partners.
//
// | pair   | score | P's rank of Q | Q's rank of P |
// |--------|-------|---------------|---------------|
// | P0–Q0  | 0.8   | 1             | 2             |
// | P0–Q1  | 0.6   | 2             | 1             |
// | P1–Q0  | 0.9   | 1             | 1             |
// | P1–Q1  | 0.5   | 2             | 2             |
// | P2–Q0  | 0.4   | 1             | 3             |
// | P2–Q1  | 0.3   | 2             | 3             |
//
// P0 and P1 are at institution A, P2 at B. Q0 has capacity 1 and sector 54; Q1 capacity 2 and
// sector 11. Total capacity 3.

fn fixture() -> Market {
    let projects = [("P0", "A"), ("P1", "A"), ("P2", "B")]
        .iter()
        .map(|(id, inst)| MarketProject { id: (*id).into(), institution: (*inst).into() })
        .collect();
    let partners = [("Q0", 1, "54"), ("Q1", 2, "11")]
        .iter()
        .map(|&(id, capacity, sector)| MarketPartner {
            id: id.into(),
            capacity,
            budget: None,
            active: true,
            sector: Some(sector.into()),
        })
        .collect();
    let edges = vec![
        edge(0, 0, 0.8, 1, 2),
        edge(0, 1, 0.6, 2, 1),
        edge(1, 0, 0.9, 1, 1),
        edge(1, 1, 0.5, 2, 2),
        edge(2, 0, 0.4, 1, 3),
        edge(2, 1, 0.3, 2, 3),
    ];
    Market::new(projects, partners, edges).unwrap()
}

/// The assignment of `(project, partner)` pairs.
fn assign(market: &Market, pairs: &[(usize, usize)]) -> Assignment {
    let mut a = Assignment::empty(market.projects.len());
    for &(p, q) in pairs {
        a.edges[p] = Some(market.edge_index(p, q).expect("a fixture edge"));
    }
    a
}

/// Assignment 1: P0–Q0, P1–Q1, P2 unmatched.
fn assignment_1(m: &Market) -> Assignment {
    assign(m, &[(0, 0), (1, 1)])
}

/// Assignment 2: P0–Q1, P1–Q1, P2–Q0 (every place filled).
fn assignment_2(m: &Market) -> Assignment {
    assign(m, &[(0, 1), (1, 1), (2, 0)])
}

#[test]
fn envy_and_blocking_of_assignment_1() {
    let m = fixture();
    let a = assignment_1(&m);
    // Q0 (full) holds P0 at its rank 2; Q1 (1 of 2) holds P1 at its rank 2.
    // Justified envy:
    //   (P1, P0): P1 prefers Q0 (1 < 2) and Q0 prefers P1 (1 < 2)   -> yes
    //   (P2, P0): Q0 ranks P2 3, not above P0's 2                    -> no
    //   (P2, P1): Q1 ranks P2 3, not above P1's 2                    -> no
    //   P0 holds its first choice                                    -> no envy
    assert_eq!(justified_envy(&m, &a), 1);
    // Blocking pairs: (P1, Q0) as above; (P2, Q1) because Q1 has a free slot (no one displaced, so
    // no envy); (P2, Q0) does not block (3 is not better than Q0's worst, 2).
    let pairs: Vec<(usize, usize)> = blocking_pairs(&m, &a).iter().map(|b| (b.project, b.partner)).collect();
    assert_eq!(pairs, vec![(1, 0), (2, 1)]);
    // 2 of 3 places used.
    assert_close!(capacity_utilisation(&m, &a), 2.0 / 3.0);
}

#[test]
fn envy_and_blocking_of_assignment_2() {
    let m = fixture();
    let a = assignment_2(&m);
    // Q1 (full) holds P0 (rank 1) and P1 (rank 2); Q0 (full) holds P2 at its rank 3.
    //   (P0, P2): P0 prefers Q0 (1 < 2), Q0 prefers P0 (2 < 3)  -> yes
    //   (P1, P2): P1 prefers Q0 (1 < 2), Q0 prefers P1 (1 < 3)  -> yes
    //   P2 holds its first choice                               -> no envy
    assert_eq!(justified_envy(&m, &a), 2);
    // Exactly the two pairs (P0, Q0), (P1, Q0).
    assert_eq!(count_blocking_pairs(&m, &a), 2);
    // 3 of 3 places.
    assert_close!(capacity_utilisation(&m, &a), 1.0);
}

#[test]
fn empty_assignment_blocks_everywhere_without_envy() {
    let m = fixture();
    let a = Assignment::empty(3);
    // Nobody holds a place, so nobody can be envied; every one of the 6 edges blocks (free slots).
    assert_eq!(justified_envy(&m, &a), 0);
    assert_eq!(count_blocking_pairs(&m, &a), 6);
    assert_eq!(capacity_utilisation(&m, &a), 0.0);
}

#[test]
fn one_blocking_pair_can_carry_several_envy_pairs() {
    // Q0 (capacity 2) holds P1 and P2, ranked 2 and 3; P0 is unmatched and Q0 ranks it 1.
    let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
    let partners = vec![MarketPartner { id: "Q0".into(), capacity: 2, budget: None, active: true, sector: None }];
    let m = Market::new(projects, partners, vec![edge(0, 0, 1.0, 1, 1), edge(1, 0, 1.0, 1, 2), edge(2, 0, 1.0, 1, 3)])
        .unwrap();
    let a = assign(&m, &[(1, 0), (2, 0)]);
    // One blocking pair, (P0, Q0); P0 justifiably envies both P1 (1 < 2) and P2 (1 < 3).
    assert_eq!(count_blocking_pairs(&m, &a), 1);
    assert_eq!(justified_envy(&m, &a), 2);
    // Ties on the partner's side are no preference: with P0 ranked 2 as well, only P2 is envied.
    let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
    let partners = vec![MarketPartner { id: "Q0".into(), capacity: 2, budget: None, active: true, sector: None }];
    let m = Market::new(projects, partners, vec![edge(0, 0, 1.0, 1, 2), edge(1, 0, 1.0, 1, 2), edge(2, 0, 1.0, 1, 3)])
        .unwrap();
    assert_eq!(justified_envy(&m, &assign(&m, &[(1, 0), (2, 0)])), 1);
}

#[test]
fn capacity_utilisation_without_capacity_is_zero() {
    let projects = vec![MarketProject { id: "P0".into(), institution: String::new() }];
    let partners = vec![MarketPartner { id: "Q0".into(), capacity: 0, budget: None, active: true, sector: None }];
    let m = Market::new(projects, partners, vec![]).unwrap();
    assert_eq!(capacity_utilisation(&m, &Assignment::empty(1)), 0.0);
    assert_eq!(capacity_utilisation(&Market::default(), &Assignment::empty(0)), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Fairness and diversity on the fixture.

#[test]
fn fairness_of_assignment_1() {
    let m = fixture();
    let a = assignment_1(&m);
    // Institutions: A = (0.8 + 0.5) / 2 = 0.65; B = 0 / 1 = 0 (P2 unmatched).
    // Gini of [0, 0.65]: sorted weights (2i - n + 1) = (-1, 1): 0.65 / (2 · 0.65) = 0.5. Ratio 0 / 0.65.
    let inst = institution_fairness(&m, &a);
    assert_eq!(inst.groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), ["A", "B"]);
    assert_close!(inst.groups[0].1, 0.65);
    assert_eq!(inst.groups[1].1, 0.0);
    assert_close!(inst.gini, 0.5);
    assert_eq!(inst.min_max_ratio, 0.0);
    // Sectors over matched pairs: 11 (Q1) = 0.5 (P1); 54 (Q0) = 0.8 (P0).
    // Gini of [0.5, 0.8]: (0.8 - 0.5) / (2 · 1.3) = 0.3 / 2.6. Ratio 0.5 / 0.8 = 0.625.
    let sec = sector_fairness(&m, &a);
    assert_eq!(sec.groups, vec![("11".to_owned(), 0.5), ("54".to_owned(), 0.8)]);
    assert_close!(sec.gini, 0.3 / 2.6);
    assert_close!(sec.min_max_ratio, 0.625);
    // Diversity: one matched project per sector, shares 1/2, 1/2.
    // Shannon = -2 · (1/2) ln(1/2) = ln 2; Simpson = 1 - (1/4 + 1/4) = 1/2; largest 1/2.
    let d = sector_diversity(&m, &a);
    assert_eq!(d.sectors, 2);
    assert_close!(d.shannon, 2f64.ln());
    assert_close!(d.simpson, 0.5);
    assert_close!(d.largest_share, 0.5);
}

#[test]
fn fairness_of_assignment_2() {
    let m = fixture();
    let a = assignment_2(&m);
    // Institutions: A = (0.6 + 0.5) / 2 = 0.55; B = 0.4. Ratio 0.4 / 0.55 = 8/11.
    // Gini of [0.4, 0.55]: 0.15 / (2 · 0.95) = 0.15 / 1.9.
    let inst = institution_fairness(&m, &a);
    assert_close!(inst.groups[0].1, 0.55);
    assert_close!(inst.groups[1].1, 0.4);
    assert_close!(inst.min_max_ratio, 8.0 / 11.0);
    assert_close!(inst.gini, 0.15 / 1.9);
    // Sectors: 11 (Q1 hosts P0, P1) = (0.6 + 0.5) / 2 = 0.55; 54 (Q0 hosts P2) = 0.4.
    let sec = sector_fairness(&m, &a);
    assert_eq!(sec.groups.len(), 2);
    assert_close!(sec.groups[0].1, 0.55);
    assert_close!(sec.groups[1].1, 0.4);
    // Diversity: shares 2/3 (11) and 1/3 (54).
    // Shannon = -(2/3 ln 2/3 + 1/3 ln 1/3) = ln 3 - (2/3) ln 2 ≈ 0.6365; Simpson = 1 - 4/9 - 1/9 = 4/9.
    let d = sector_diversity(&m, &a);
    assert_eq!(d.sectors, 2);
    assert_close!(d.shannon, 3f64.ln() - 2.0 / 3.0 * 2f64.ln());
    assert_close!(d.simpson, 4.0 / 9.0);
    assert_close!(d.largest_share, 2.0 / 3.0);
}

#[test]
fn nothing_matched_gives_zero_diversity_and_no_sector_groups() {
    let m = fixture();
    let a = Assignment::empty(3);
    let d = sector_diversity(&m, &a);
    assert_eq!((d.sectors, d.shannon, d.simpson, d.largest_share), (0, 0.0, 0.0, 0.0));
    let sec = sector_fairness(&m, &a);
    assert!(sec.groups.is_empty());
    assert_eq!((sec.gini, sec.min_max_ratio), (0.0, 0.0));
    // Institutions still appear, each with mean 0: Gini 0 but ratio 0 (max is 0).
    let inst = institution_fairness(&m, &a);
    assert_eq!(inst.groups, vec![("A".to_owned(), 0.0), ("B".to_owned(), 0.0)]);
    assert_eq!((inst.gini, inst.min_max_ratio), (0.0, 0.0));
}

#[test]
fn partners_without_sector_are_unknown() {
    let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
    let partners = vec![
        MarketPartner { id: "Q0".into(), capacity: 2, budget: None, active: true, sector: None },
        MarketPartner { id: "Q1".into(), capacity: 1, budget: None, active: true, sector: Some("54".into()) },
    ];
    let m = Market::new(projects, partners, vec![edge(0, 0, 0.2, 1, 1), edge(1, 0, 0.4, 1, 2), edge(2, 1, 0.9, 1, 1)])
        .unwrap();
    let a = assign(&m, &[(0, 0), (1, 0), (2, 1)]);
    // 54: 0.9; unknown: (0.2 + 0.4) / 2 = 0.3. "54" sorts before "unknown".
    let sec = sector_fairness(&m, &a);
    assert_eq!(sec.groups[0], ("54".to_owned(), 0.9));
    assert_eq!(sec.groups[1].0, "unknown");
    assert_close!(sec.groups[1].1, 0.3);
    // Shares: unknown 2/3, 54 1/3.
    let d = sector_diversity(&m, &a);
    assert_eq!(d.sectors, 2);
    assert_close!(d.largest_share, 2.0 / 3.0);
}

#[test]
fn fairness_edge_cases() {
    // Empty.
    assert_eq!(fairness_by(&[]), GroupFairness { groups: vec![], gini: 0.0, min_max_ratio: 0.0 });
    // A single group.
    let one = fairness_by(&[("A".into(), 0.7)]);
    assert_eq!((one.gini, one.min_max_ratio), (0.0, 1.0));
    // All equal and positive.
    let even = fairness_by(&[("A".into(), 0.5), ("B".into(), 0.5), ("C".into(), 0.5)]);
    assert_eq!((even.gini, even.min_max_ratio), (0.0, 1.0));
    // Zero max: nobody got anything. Gini says even, the ratio says 0.
    let zero = fairness_by(&[("A".into(), 0.0), ("B".into(), 0.0)]);
    assert_eq!((zero.gini, zero.min_max_ratio), (0.0, 0.0));
    // One group at 0, the other not: ratio 0; Gini of [0, 1] = 1 / (2 · 1) = 0.5.
    let half = fairness_by(&[("B".into(), 1.0), ("A".into(), 0.0)]);
    assert_eq!(half.groups, vec![("A".to_owned(), 0.0), ("B".to_owned(), 1.0)]);
    assert_eq!((half.gini, half.min_max_ratio), (0.5, 0.0));
    // A negative smallest value clamps the ratio to 0.
    assert_eq!(fairness_by(&[("A".into(), -1.0), ("B".into(), 2.0)]).min_max_ratio, 0.0);
}

// ---------------------------------------------------------------------------------------------
// The flat record.

#[test]
fn assignment_metrics_of_assignment_1() {
    let m = fixture();
    let row = assignment_metrics(&m, &assignment_1(&m));
    assert_eq!(row.iter().map(|r| r.0).collect::<Vec<_>>(), ASSIGNMENT_METRICS);
    let expected = [
        ("total_score", 1.3),      // 0.8 + 0.5
        ("mean_score", 0.65),      // 1.3 / 2
        ("match_rate", 2.0 / 3.0), // 2 of 3 projects
        ("project_first", 0.5),    // P0 has its rank 1, P1 its rank 2
        ("project_top3", 1.0),     // both ranks <= 3
        ("project_top10", 1.0),    //
        ("partner_first", 0.0),    // Q0 ranks P0 2, Q1 ranks P1 2
        ("partner_top3", 1.0),     //
        ("blocking_pairs", 2.0),   // (P1, Q0), (P2, Q1)
        ("justified_envy", 1.0),   // (P1, P0)
        ("capacity_utilisation", 2.0 / 3.0),
        ("institution_gini", 0.5),     // [0.65, 0]
        ("institution_min_max", 0.0),  // B has 0
        ("sector_gini", 0.3 / 2.6),    // [0.5, 0.8]
        ("sector_shannon", 2f64.ln()), // shares 1/2, 1/2
        ("sector_simpson", 0.5),
        ("largest_sector_share", 0.5),
    ];
    for ((name, got), (want_name, want)) in row.into_iter().zip(expected) {
        assert_eq!(name, want_name);
        assert!(close(got, want), "{name} = {got}, expected {want}");
    }
}

#[test]
fn assignment_metrics_of_nothing_are_zero_not_nan() {
    let row = assignment_metrics(&Market::default(), &Assignment::empty(0));
    assert_eq!(row.len(), ASSIGNMENT_METRICS.len());
    assert!(row.iter().all(|(_, v)| *v == 0.0), "{row:?}");
}

// ---------------------------------------------------------------------------------------------
// Recommendation quality.
//
// Lists and held-out relevant items of three subjects:
//   subject 0: [1, 2, 3], relevant {1, 3}  (hits at places 1 and 3)
//   subject 1: [4, 5, 6], relevant {9}     (no hit)
//   subject 2: [7, 8],    relevant {}      (skipped: nothing to find)

fn lists() -> Vec<Vec<usize>> {
    vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8]]
}

fn relevant() -> Vec<Vec<usize>> {
    vec![vec![1, 3], vec![9], vec![]]
}

#[test]
fn precision_and_recall_by_hand() {
    let (l, r) = (lists(), relevant());
    // k = 3: subject 0 has 2 of 3 relevant, subject 1 none: (2/3 + 0) / 2 = 1/3.
    assert_close!(precision_at_k(&l, &r, 3), 1.0 / 3.0);
    // Recall: subject 0 found 2 of 2, subject 1 0 of 1: (1 + 0) / 2.
    assert_close!(recall_at_k(&l, &r, 3), 0.5);
    // k = 1: subject 0's first item is relevant: precision (1 + 0) / 2; recall (1/2 + 0) / 2.
    assert_close!(precision_at_k(&l, &r, 1), 0.5);
    assert_close!(recall_at_k(&l, &r, 1), 0.25);
    // k = 5 past the lists' end: precision still divides by 5: (2/5 + 0) / 2.
    assert_close!(precision_at_k(&l, &r, 5), 0.2);
    // k = 0.
    assert_eq!(precision_at_k(&l, &r, 0), 0.0);
    assert_eq!(recall_at_k(&l, &r, 0), 0.0);
}

#[test]
fn ndcg_by_hand() {
    let (l, r) = (lists(), relevant());
    // Subject 0, k = 3: DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG over min(3, 2) = 2 places =
    // 1 + 1/log2(3). Subject 1: 0. Mean over 2 subjects.
    let s0 = (1.0 + 1.0 / 4f64.log2()) / (1.0 + 1.0 / 3f64.log2());
    assert_close!(s0, 0.919_720_789_148_188); // 1.5 / 1.630_929_753_571_457
    assert_close!(ndcg_at_k(&l, &r, 3), s0 / 2.0);
    // k = 1: subject 0 has its relevant item first, IDCG over min(1, 2) = 1 place: 1/1. Mean 1/2.
    assert_close!(ndcg_at_k(&l, &r, 1), 0.5);
    // k = 2: DCG = 1 (place 2 holds item 2, irrelevant); IDCG = 1 + 1/log2(3).
    assert_close!(ndcg_at_k(&l, &r, 2), 1.0 / (1.0 + 1.0 / 3f64.log2()) / 2.0);
    // Perfect order: relevant {2, 5} listed first.
    assert_close!(ndcg_at_k(&[vec![2, 5, 1]], &[vec![5, 2]], 3), 1.0);
    // A single relevant item in place 2: (1/log2(3)) / 1.
    assert_close!(ndcg_at_k(&[vec![5, 2, 9]], &[vec![2]], 3), 1.0 / 3f64.log2());
    assert_eq!(ndcg_at_k(&l, &r, 0), 0.0);
}

#[test]
fn mrr_by_hand() {
    let (l, r) = (lists(), relevant());
    // Subject 0: first relevant in place 1 -> 1; subject 1: none -> 0. (1 + 0) / 2.
    assert_close!(mrr(&l, &r), 0.5);
    // Places 2 and 3: (1/2 + 1/3) / 2 = 5/12.
    assert_close!(mrr(&[vec![5, 2, 9], vec![4, 6, 8]], &[vec![2, 9], vec![8]]), 5.0 / 12.0);
}

#[test]
fn ranking_metric_conventions() {
    // No subject with a relevant item: 0, not NaN.
    let none: Vec<Vec<usize>> = vec![vec![], vec![]];
    assert_eq!(precision_at_k(&lists(), &none, 3), 0.0);
    assert_eq!(ndcg_at_k(&lists(), &none, 3), 0.0);
    assert_eq!(mrr(&lists(), &none), 0.0);
    // A subject with relevant items but no list scores 0 (here the 4th subject).
    let r = vec![vec![1], vec![], vec![], vec![3]];
    assert_close!(recall_at_k(&lists(), &r, 3), 0.5);
    // A repeated item counts once: [1, 1, 3] with {1, 3} hits twice, not three times.
    assert_close!(precision_at_k(&[vec![1, 1, 3]], &[vec![1, 3]], 3), 2.0 / 3.0);
    assert_close!(ndcg_at_k(&[vec![1, 1, 3]], &[vec![1, 3]], 3), (1.0 + 0.5) / (1.0 + 1.0 / 3f64.log2()));
    // Sets work as relevant items, and repeats in a relevant Vec are ignored.
    let sets: Vec<BTreeSet<usize>> = relevant().into_iter().map(|r| r.into_iter().collect()).collect();
    assert_eq!(ndcg_at_k(&lists(), &sets, 3), ndcg_at_k(&lists(), &relevant(), 3));
    assert_eq!(recall_at_k(&[vec![1]], &[vec![1, 1]], 1), 1.0);
}

#[test]
fn coverage_by_hand() {
    let l = lists();
    // Top 2: {1, 2, 4, 5, 7, 8} of 10.
    assert_close!(coverage(&l, 10, 2), 0.6);
    // Top 3: {1, ..., 8} of 10.
    assert_close!(coverage(&l, 10, 3), 0.8);
    // Pool 5: items 5..8 are outside; {1, 2, 3, 4} of 5.
    assert_close!(coverage(&l, 5, 3), 0.8);
    assert_eq!(coverage(&l, 10, 0), 0.0);
    assert_eq!(coverage(&l, 0, 3), 0.0);
    // The same item in several lists counts once: {0} of 2.
    assert_close!(coverage(&[vec![0], vec![0]], 2, 1), 0.5);
}

#[test]
fn recommendation_lists_follow_subjects() {
    use pounce::{Scorer, Side, Weights, recommend};
    let term = pounce::doc_example_term();
    let scorer = Scorer::new(&term, &Weights::default());
    let mut recs = recommend(&scorer, 3, Side::Projects, &|_| {});
    let lists = recommendation_lists(&recs);
    assert_eq!(lists.len(), term.projects.len());
    for r in &recs {
        assert_eq!(lists[r.subject], r.picks.iter().map(|p| p.index).collect::<Vec<_>>());
    }
    // Indexed by subject, not by position: dropping subject 0 leaves an empty first list.
    recs.remove(0);
    let lists = recommendation_lists(&recs);
    assert!(lists[0].is_empty());
    assert_eq!(lists.len(), term.projects.len());
    assert!(recommendation_lists(&[]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// Justified envy by its definition, over every pair of projects.
fn envy_oracle(m: &Market, a: &Assignment) -> usize {
    let edges = m.edges();
    let mut n = 0;
    for p in 0..m.projects.len() {
        let own = a.edges[p].map(|e| edges[e].project_rank);
        for (p2, &e2) in a.edges.iter().enumerate() {
            let Some(e2) = e2 else { continue };
            if p2 == p {
                continue;
            }
            let q = edges[e2].partner;
            let Some(pq) = m.edge_index(p, q) else { continue };
            let prefers = own.is_none_or(|r| edges[pq].project_rank < r);
            if prefers && edges[pq].partner_rank < edges[e2].partner_rank {
                n += 1;
            }
        }
    }
    n
}

/// A random market (ties allowed on both sides) and a random capacity-respecting assignment.
fn market_and_assignment() -> impl Strategy<Value = (Market, Assignment)> {
    (1usize..7, 1usize..5)
        .prop_flat_map(|(np, nq)| {
            (
                Just((np, nq)),
                proptest::collection::vec(0u32..3, nq),
                proptest::collection::vec((any::<bool>(), 1u32..4, 1u32..4, 0.0f64..1.0), np * nq),
                proptest::collection::vec(0usize..8, np),
            )
        })
        .prop_map(|((np, nq), caps, cells, picks)| {
            let projects =
                (0..np).map(|i| MarketProject { id: format!("P{i}"), institution: format!("I{}", i % 2) }).collect();
            let partners = caps
                .iter()
                .enumerate()
                .map(|(i, &capacity)| MarketPartner {
                    id: format!("Q{i}"),
                    capacity,
                    budget: None,
                    active: true,
                    sector: (i % 3 != 2).then(|| format!("{}", 11 + i % 2)),
                })
                .collect();
            let edges = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| c.0)
                .map(|(i, &(_, rp, rq, s))| edge(i / nq, i % nq, s, rp, rq))
                .collect();
            let m = Market::new(projects, partners, edges).unwrap();
            let mut a = Assignment::empty(np);
            let mut left = caps;
            for (p, &pick) in picks.iter().enumerate() {
                let range = m.project_edge_range(p);
                if pick < range.len() {
                    let e = range.start + pick;
                    let q = m.edges()[e].partner;
                    if left[q] > 0 {
                        left[q] -= 1;
                        a.edges[p] = Some(e);
                    }
                }
            }
            (m, a)
        })
}

proptest! {
    #[test]
    fn envy_matches_its_definition_and_is_bounded_by_blocking_pairs((m, a) in market_and_assignment()) {
        let envy = justified_envy(&m, &a);
        prop_assert_eq!(envy, envy_oracle(&m, &a));
        // Every envy pair (p, p') makes (p, q) blocking, and (p, q) carries at most load(q) of them.
        let loads = a.loads(&m);
        let blocking = blocking_pairs(&m, &a);
        let bound: usize = blocking.iter().map(|b| loads[b.partner] as usize).sum();
        prop_assert!(envy <= bound, "envy {} > bound {}", envy, bound);
        if blocking.is_empty() {
            prop_assert_eq!(envy, 0);
        }
        // Stable matchings have no justified envy.
        for proposer in [Proposer::Projects, Proposer::Partners] {
            let s = deferred_acceptance(&m, proposer);
            prop_assert_eq!(count_blocking_pairs(&m, &s), 0);
            prop_assert_eq!(justified_envy(&m, &s), 0);
        }
    }

    #[test]
    fn matching_metrics_are_in_range((m, a) in market_and_assignment()) {
        let u = capacity_utilisation(&m, &a);
        prop_assert!((0.0..=1.0).contains(&u));
        for f in [institution_fairness(&m, &a), sector_fairness(&m, &a)] {
            prop_assert!((0.0..=1.0).contains(&f.gini));
            prop_assert!((0.0..=1.0).contains(&f.min_max_ratio));
            prop_assert!(f.groups.windows(2).all(|w| w[0].0 <= w[1].0));
        }
        let d = sector_diversity(&m, &a);
        prop_assert!(d.shannon >= 0.0 && d.shannon <= (d.sectors.max(1) as f64).ln() + EPS);
        prop_assert!((0.0..1.0).contains(&d.simpson) || d.sectors == 0);
        prop_assert!(d.sectors == 0 || d.largest_share * d.sectors as f64 >= 1.0 - EPS);
        let row = assignment_metrics(&m, &a);
        prop_assert_eq!(row.len(), ASSIGNMENT_METRICS.len());
        prop_assert!(row.iter().all(|(_, v)| v.is_finite()));
    }

    #[test]
    fn ranking_metrics_are_in_range(
        lists in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..8), 0..6),
        relevant in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..5), 0..7),
        k in 0usize..10,
    ) {
        for v in [
            precision_at_k(&lists, &relevant, k),
            recall_at_k(&lists, &relevant, k),
            ndcg_at_k(&lists, &relevant, k),
            mrr(&lists, &relevant),
            coverage(&lists, 12, k),
        ] {
            prop_assert!((0.0..=1.0 + EPS).contains(&v), "{}", v);
        }
        // More places never lower recall or the coverage.
        prop_assert!(recall_at_k(&lists, &relevant, k + 1) >= recall_at_k(&lists, &relevant, k));
        prop_assert!(coverage(&lists, 12, k + 1) >= coverage(&lists, 12, k));
    }
}
