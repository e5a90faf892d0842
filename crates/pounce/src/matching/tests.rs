//! Every strategy against brute force on small random markets.

use proptest::prelude::*;

use super::{
    Assignment, Builtin, Constraints, Edge, Market, MarketPartner, MarketProject, OptimalOptions, Proposer, optimal,
    rank_maximal, run,
};

/// A deterministic xorshift generator for the solvers' randomized tests: `next(k)` is in `0..k`.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut s = seed | 1;
    move |k: u64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s % k
    }
}

/// A random market: up to 6 projects, 4 partners, capacities 0–3, ranks with ties, scores with ties.
pub(crate) fn arb_market() -> impl Strategy<Value = Market> {
    (1usize..=6, 1usize..=4).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(0u32..=3, m),
            prop::collection::vec(prop::option::of((0u32..=8, 1u32..=3, 1u32..=3, 0u32..=4)), n * m),
            prop::collection::vec(0usize..3, n),
            prop::collection::vec(prop::option::of(0usize..2), m),
        )
            .prop_map(move |(caps, cells, inst, sectors)| {
                let projects = (0..n)
                    .map(|i| MarketProject { id: format!("P{i}"), institution: format!("I{}", inst[i]) })
                    .collect();
                let partners = (0..m)
                    .map(|j| MarketPartner {
                        id: format!("Q{j}"),
                        capacity: caps[j],
                        budget: Some(f64::from(caps[j]) * 2.0),
                        active: j % 2 == 0,
                        sector: sectors[j].map(|s| format!("S{s}")),
                    })
                    .collect();
                let mut edges = Vec::new();
                for (k, cell) in cells.iter().enumerate() {
                    if let Some((score, pr, qr, hours)) = cell {
                        edges.push(Edge {
                            project: k / m,
                            partner: k % m,
                            score: f64::from(*score) / 8.0,
                            hours: f64::from(*hours),
                            project_rank: *pr,
                            partner_rank: *qr,
                        });
                    }
                }
                Market::new(projects, partners, edges).unwrap()
            })
    })
}

/// Every assignment respecting capacities (and `ok`), by enumeration.
pub(crate) fn all_assignments(market: &Market, ok: &dyn Fn(&Assignment) -> bool) -> Vec<Assignment> {
    let n = market.projects.len();
    let mut out = Vec::new();
    let mut cur = Assignment::empty(n);
    fn rec(
        market: &Market,
        p: usize,
        cur: &mut Assignment,
        out: &mut Vec<Assignment>,
        ok: &dyn Fn(&Assignment) -> bool,
    ) {
        if p == market.projects.len() {
            let loads = cur.loads(market);
            if loads.iter().zip(&market.partners).all(|(l, q)| *l <= q.capacity) && ok(cur) {
                out.push(cur.clone());
            }
            return;
        }
        cur.edges[p] = None;
        rec(market, p + 1, cur, out, ok);
        for e in market.project_edge_range(p) {
            cur.edges[p] = Some(e);
            rec(market, p + 1, cur, out, ok);
        }
        cur.edges[p] = None;
    }
    rec(market, 0, &mut cur, &mut out, ok);
    out
}

fn signature(market: &Market, a: &Assignment) -> Vec<usize> {
    let mut s = [0usize; 5];
    for &e in a.edges.iter().flatten() {
        s[market.edges()[e].project_rank as usize] += 1;
    }
    s[1..].to_vec()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn optimal_equals_brute_force(market in arb_market()) {
        let all = all_assignments(&market, &|_| true);
        let c = Constraints::none().resolve(&market).unwrap();
        let best = all.iter().map(|a| a.total_score(&market)).fold(0.0, f64::max);
        let a = optimal::optimal(&market, &c, OptimalOptions::default()).unwrap();
        prop_assert!(c.violations(&market, &a).is_empty());
        prop_assert!(close(a.total_score(&market), best), "{} vs {best}", a.total_score(&market));

        let most = all.iter().map(Assignment::matched).max().unwrap();
        let best_full = all.iter().filter(|a| a.matched() == most).map(|a| a.total_score(&market)).fold(0.0, f64::max);
        let a = optimal::optimal(&market, &c, OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT }).unwrap();
        prop_assert_eq!(a.matched(), most);
        prop_assert!(close(a.total_score(&market), best_full));

        let least = all.iter().filter(|a| a.matched() == most).map(|a| a.total_score(&market)).fold(f64::INFINITY, f64::min);
        let a = optimal::optimal(&market, &c, OptimalOptions { max_matches: true, minimize: true, ..OptimalOptions::DEFAULT }).unwrap();
        prop_assert_eq!(a.matched(), most);
        prop_assert!(close(a.total_score(&market), least));
    }

    #[test]
    fn rank_maximal_has_the_best_signature(market in arb_market()) {
        let all = all_assignments(&market, &|_| true);
        let best = all.iter().map(|a| signature(&market, a)).max().unwrap();
        let a = rank_maximal::rank_maximal(&market);
        let loads = a.loads(&market);
        prop_assert!(loads.iter().zip(&market.partners).all(|(l, q)| *l <= q.capacity));
        prop_assert_eq!(signature(&market, &a), best);
    }

    #[test]
    fn optimal_is_never_below_greedy_or_rank_sum(market in arb_market()) {
        let c = Constraints::none();
        let opt = run(&Builtin::Optimal(OptimalOptions::default()), &market, &c).unwrap().total_score(&market);
        for s in [Builtin::Greedy, Builtin::RankSum, Builtin::RankMaximal] {
            let a = run(&s, &market, &c).unwrap();
            prop_assert!(a.total_score(&market) <= opt + 1e-9, "{s}");
        }
    }

    #[test]
    fn pair_rules_hold_for_every_strategy(market in arb_market(), lock in 0usize..64, forbid in 0usize..64, min in 0u32..8) {
        let edges = market.edges();
        prop_assume!(!edges.is_empty());
        let l = &edges[lock % edges.len()];
        let f = &edges[forbid % edges.len()];
        let mut c = Constraints::none();
        c.min_score = Some(f64::from(min) / 8.0);
        if l.score >= f64::from(min) / 8.0 && market.partners[l.partner].capacity > 0 {
            c.locked.push((market.projects[l.project].id.clone(), market.partners[l.partner].id.clone()));
        }
        if (f.project, f.partner) != (l.project, l.partner) {
            c.forbidden.push((market.projects[f.project].id.clone(), market.partners[f.partner].id.clone()));
        }
        for s in [Builtin::Greedy, Builtin::RankSum, Builtin::Optimal(OptimalOptions::default()), Builtin::RankMaximal] {
            // `run` verifies every rule and capacity, and fails otherwise.
            let a = run(&s, &market, &c);
            prop_assert!(a.is_ok(), "{s}: {a:?}");
        }
        // The optimum under the rules equals brute force under the same rules.
        let r = c.resolve(&market).unwrap();
        let all = all_assignments(&market, &|a| r.violations(&market, a).is_empty());
        let best = all.iter().map(|a| a.total_score(&market)).fold(f64::NEG_INFINITY, f64::max);
        let a = run(&Builtin::Optimal(OptimalOptions::default()), &market, &c).unwrap();
        prop_assert!(close(a.total_score(&market), best));
    }

    #[test]
    fn greedy_honours_packing_constraints(market in arb_market(), cap in 1u32..3, share in 1u32..4) {
        let mut c = Constraints::none();
        c.max_per_institution = Some(cap);
        c.max_sector_share = Some(f64::from(share) / 4.0);
        c.budgets = true;
        for s in [Builtin::Greedy, Builtin::RankSum] {
            prop_assert!(run(&s, &market, &c).is_ok());
        }
    }
}

#[test]
fn greedy_takes_the_best_pair_first_and_breaks_ties_by_id() {
    let projects = vec![
        MarketProject { id: "B".into(), institution: String::new() },
        MarketProject { id: "A".into(), institution: String::new() },
    ];
    let partners = vec![MarketPartner { id: "Q".into(), capacity: 1, budget: None, active: true, sector: None }];
    let e = |p, s| Edge { project: p, partner: 0, score: s, hours: 0.0, project_rank: 1, partner_rank: 1 };
    let m = Market::new(projects, partners, vec![e(0, 0.5), e(1, 0.5)]).unwrap();
    let a = run(&Builtin::Greedy, &m, &Constraints::none()).unwrap();
    assert_eq!(a.partner_of(&m, 1), Some(0), "A wins the tie by id");
    assert_eq!(a.partner_of(&m, 0), None);
}

#[test]
fn strategies_refuse_constraints_they_cannot_honour() {
    let m = Market::default();
    let mut c = Constraints::none();
    c.retention = true;
    let e = run(&Builtin::Greedy, &m, &c).unwrap_err().to_string();
    assert!(e.contains("greedy strategy cannot honour retention"), "{e}");
    c.retention = false;
    c.budgets = true;
    let e = run(&Builtin::Stable(Proposer::Projects), &m, &c).unwrap_err().to_string();
    assert!(e.contains("stable-projects strategy cannot honour budgets"), "{e}");
}

#[test]
fn contradictory_constraints_are_all_reported() {
    let projects = (0..2).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
    let partners = vec![MarketPartner { id: "Q".into(), capacity: 1, budget: None, active: true, sector: None }];
    let e = |p| Edge { project: p, partner: 0, score: 0.5, hours: 0.0, project_rank: 1, partner_rank: 1 };
    let m = Market::new(projects, partners, vec![e(0), e(1)]).unwrap();
    let mut c = Constraints::none();
    c.locked = vec![("P0".into(), "Q".into()), ("P1".into(), "Q".into()), ("P9".into(), "Q".into())];
    c.forbidden = vec![("P0".into(), "Q".into())];
    c.max_sector_share = Some(1.5);
    let e = c.resolve(&m).unwrap_err().to_string();
    for want in [
        "locked: unknown project \"P9\"",
        "locked: P0–Q is both locked and forbidden",
        "locked: 2 projects are locked to Q, whose capacity is 1",
        "max_sector_share: must be in (0, 1], found 1.5",
    ] {
        assert!(e.contains(want), "missing {want:?} in {e}");
    }
}
