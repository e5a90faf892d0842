//! The exact constrained `optimal` strategy (`pounce::matching::mip`): published optima of the
//! OR-Library generalized assignment problems, brute force on small random markets, the flow
//! algorithm on unconstrained markets, and the quotas (retention, institution minimum).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use pounce::matching::{
    Assignment, Builtin, Constraints, Market, MarketPartner, MarketProject, MipSolver, OptimalOptions, Resolved, mip,
    optimal, run,
};
use proptest::prelude::*;

const MAX: OptimalOptions = OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT };
const MIN: OptimalOptions = OptimalOptions { max_matches: false, minimize: true, ..OptimalOptions::DEFAULT };

fn gap_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../datasets/benchmarks/gap")
}

/// An OR-Library GAP instance: costs[agent][job], resources[agent][job], capacities[agent].
struct Gap {
    costs: Vec<Vec<f64>>,
    resources: Vec<Vec<f64>>,
    capacities: Vec<f64>,
}

fn read_gap(name: &str) -> Gap {
    let text = std::fs::read_to_string(gap_dir().join(format!("{name}.txt"))).unwrap();
    let mut it = text.split_whitespace().map(|t| t.parse::<f64>().unwrap());
    let m = it.next().unwrap() as usize;
    let n = it.next().unwrap() as usize;
    let mut matrix = || (0..m).map(|_| (0..n).map(|_| it.next().unwrap()).collect::<Vec<_>>()).collect::<Vec<_>>();
    let costs = matrix();
    let resources = matrix();
    let capacities: Vec<f64> = (0..m).map(|_| it.next().unwrap()).collect();
    assert!(it.next().is_none(), "{name}: trailing data");
    Gap { costs, resources, capacities }
}

/// The known optima of bounds.txt: name_Max / name_Min → value (only where lower = upper bound).
fn bounds() -> HashMap<String, f64> {
    let text = std::fs::read_to_string(gap_dir().join("bounds.txt")).unwrap();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3 && f[1] == f[2]).then(|| (f[0].to_owned(), f[1].parse().unwrap()))
        })
        .collect()
}

/// agent = partner (capacity = n, budget = the agent's capacity), job = project, cost = score,
/// resource = hours.
fn gap_market(g: &Gap) -> Market {
    let m = g.costs.len();
    let n = g.costs[0].len();
    let projects = (0..n).map(|j| MarketProject { id: format!("J{j:02}"), institution: String::new() }).collect();
    let partners = (0..m)
        .map(|i| MarketPartner {
            id: format!("A{i:02}"),
            capacity: n as u32,
            budget: Some(g.capacities[i]),
            active: true,
            sector: None,
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..m {
        for j in 0..n {
            pairs.push((j, i, g.costs[i][j], g.resources[i][j]));
        }
    }
    Market::from_scores(projects, partners, &pairs).unwrap()
}

/// The instances gap1..gap12 whose name starts with `prefix` (c05, c08, c10, or c for all).
fn gap_names(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(gap_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.starts_with(prefix) && f.ends_with(".txt") && f.contains('_'))
        .map(|f| f.trim_end_matches(".txt").to_owned())
        .collect();
    names.sort();
    names
}

/// The solvers built in: Pounce's own always, HiGHS with the `highs` feature.
fn solvers() -> Vec<MipSolver> {
    let mut out = vec![MipSolver::Pounce];
    if MipSolver::HIGHS_BUILT {
        out.push(MipSolver::Highs);
    }
    out
}

/// Checks the instances against their published optimum of `objective` (`Max` or `Min`), with
/// every solver built in.
fn check_gaps(names: &[String], objective: &str) {
    let bounds = bounds();
    for solver in solvers() {
        let options = OptimalOptions { solver, ..if objective == "Max" { MAX } else { MIN } };
        let start = Instant::now();
        for name in names {
            let expected = bounds[&format!("{name}_{objective}")];
            let one = Instant::now();
            check_gap(name, options, expected);
            eprintln!("{solver} {name}_{objective}: {:.3} s", one.elapsed().as_secs_f64());
        }
        eprintln!(
            "{solver}: {} instances ({}..{}) _{objective} in {:.2?}",
            names.len(),
            names[0],
            names[names.len() - 1],
            start.elapsed()
        );
    }
}

/// Solves one GAP instance and checks every job is assigned, budgets hold and the total is `expected`.
fn check_gap(name: &str, options: OptimalOptions, expected: f64) {
    let g = read_gap(name);
    let market = gap_market(&g);
    let n = market.projects.len();
    let c = Resolved { budgets: true, locked: vec![None; n], ..Default::default() };
    let a = mip::solve(&market, &c, options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(a.matched(), n, "{name}: every job is assigned");
    let mut used = vec![0.0; g.capacities.len()];
    for (p, e) in a.edges.iter().enumerate() {
        let edge = market.edges()[e.unwrap()];
        assert_eq!(edge.project, p);
        assert_eq!(edge.hours, g.resources[edge.partner][p]);
        used[edge.partner] += edge.hours;
    }
    for (i, u) in used.iter().enumerate() {
        assert!(*u <= g.capacities[i], "{name}: agent {i} uses {u} of {}", g.capacities[i]);
    }
    assert!(c.violations(&market, &a).is_empty(), "{name}: {:?}", c.violations(&market, &a));
    assert_eq!(a.total_score(&market), expected, "{name} ({options:?})");
}

// The _Max instances in three tests, so that they run in parallel.

#[test]
fn gap1_to_gap4_reach_the_published_maxima() {
    let names = gap_names("c05");
    assert_eq!(names.len(), 20);
    check_gaps(&names, "Max");
}

#[test]
fn gap5_to_gap8_reach_the_published_maxima() {
    let names = gap_names("c08");
    assert_eq!(names.len(), 20);
    check_gaps(&names, "Max");
}

#[test]
fn gap9_to_gap12_reach_the_published_maxima() {
    let names = gap_names("c10");
    assert_eq!(names.len(), 20);
    check_gaps(&names, "Max");
}

#[test]
fn gap1_to_gap12_reach_the_published_minima() {
    // The first instance of each of gap1..gap12 (all 60 take about 14 s more).
    let names: Vec<String> = gap_names("c").into_iter().filter(|n| n.ends_with("_1")).collect();
    assert_eq!(names.len(), 12);
    check_gaps(&names, "Min");
}

#[test]
fn type_a_instances_reach_the_published_optima() {
    // 5 to 20 agents, 100 or 200 jobs.
    let names: Vec<String> =
        ["a05100", "a05200", "a10100", "a10200", "a20100", "a20200"].iter().map(|s| s.to_string()).collect();
    check_gaps(&names, "Max");
    check_gaps(&names, "Min");
}

#[test]
fn ignoring_the_budgets_beats_the_published_maximum() {
    // The test can fail: with the budgets ignored, the maximum is higher than the published one.
    let name = "c0515_1";
    let g = read_gap(name);
    let market = gap_market(&g);
    let n = market.projects.len();
    let loose = Resolved { budgets: false, locked: vec![None; n], ..Default::default() };
    let a = mip::solve(&market, &loose, MAX).unwrap();
    let unconstrained: f64 = (0..n).map(|j| (0..g.costs.len()).map(|i| g.costs[i][j]).fold(f64::MIN, f64::max)).sum();
    assert_eq!(a.total_score(&market), unconstrained);
    assert!(unconstrained > bounds()[&format!("{name}_Max")]);
}

// ---------------------------------------------------------------------------------------------
// Brute force on small random markets.

/// A generated pair: score in quarters, hours, forbidden, locked.
type Pair = (i32, u32, bool, bool);

/// A small random market with constraints, as generated.
#[derive(Debug, Clone)]
struct Case {
    /// Per partner: capacity, budget, active, sector (0 = none).
    partners: Vec<(u32, Option<u32>, bool, u8)>,
    /// Per project: institution (0 = unknown).
    institutions: Vec<u8>,
    /// Per (project, partner): None = no edge, else (score in quarters, hours, forbidden, locked).
    pairs: Vec<Vec<Option<Pair>>>,
    min_score: Option<i32>,
    max_per_institution: Option<u32>,
    max_sector_share: Option<f64>,
    budgets: bool,
    retention: bool,
    institution_min: Option<u32>,
    options: OptimalOptions,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=6, 1usize..=4)
        .prop_flat_map(|(n, m)| {
            let partner = (0u32..=3, prop::option::weighted(0.5, 0u32..=6), prop::bool::weighted(0.7), 0u8..=2);
            let pair = prop::option::weighted(
                0.75,
                (-2i32..=12, 0u32..=3, prop::bool::weighted(0.1), prop::bool::weighted(0.08)),
            );
            (
                prop::collection::vec(partner, m),
                prop::collection::vec(0u8..=2, n),
                prop::collection::vec(prop::collection::vec(pair, m), n),
                prop::option::weighted(0.3, 0i32..=6),
                prop::option::weighted(0.4, 1u32..=2),
                prop::option::weighted(0.4, prop::sample::select(vec![0.2, 0.34, 0.5, 0.67])),
                any::<bool>(),
                any::<bool>(),
                prop::option::weighted(0.4, 1u32..=2),
                (any::<bool>(), prop::bool::weighted(0.25)),
            )
        })
        .prop_map(
            |(
                partners,
                institutions,
                pairs,
                min_score,
                max_per_institution,
                max_sector_share,
                budgets,
                retention,
                institution_min,
                (mm, minimize),
            )| Case {
                partners,
                institutions,
                pairs,
                min_score,
                max_per_institution,
                max_sector_share,
                budgets,
                retention,
                institution_min,
                options: OptimalOptions { max_matches: mm, minimize, ..OptimalOptions::DEFAULT },
            },
        )
}

fn build_case(case: &Case) -> (Market, Constraints) {
    let projects = case
        .institutions
        .iter()
        .enumerate()
        .map(|(p, &i)| MarketProject {
            id: format!("P{p}"),
            institution: if i == 0 { String::new() } else { format!("I{i}") },
        })
        .collect();
    let partners = case
        .partners
        .iter()
        .enumerate()
        .map(|(q, &(capacity, budget, active, sector))| MarketPartner {
            id: format!("Q{q}"),
            capacity,
            budget: budget.map(f64::from),
            active,
            sector: (sector > 0).then(|| format!("S{sector}")),
        })
        .collect();
    let mut pairs = Vec::new();
    let mut constraints = Constraints {
        min_score: case.min_score.map(|s| f64::from(s) / 4.0),
        max_per_institution: case.max_per_institution,
        max_sector_share: case.max_sector_share,
        budgets: case.budgets,
        retention: case.retention,
        institution_min: case.institution_min,
        ..Constraints::default()
    };
    for (p, row) in case.pairs.iter().enumerate() {
        let mut locked = false;
        for (q, pair) in row.iter().enumerate() {
            let Some((score, hours, forbidden, lock)) = *pair else { continue };
            pairs.push((p, q, f64::from(score) / 4.0, f64::from(hours)));
            if forbidden {
                constraints.forbidden.push((format!("P{p}"), format!("Q{q}")));
            }
            if lock && !locked && !forbidden {
                locked = true;
                constraints.locked.push((format!("P{p}"), format!("Q{q}")));
            }
        }
    }
    (Market::from_scores(projects, partners, &pairs).unwrap(), constraints)
}

/// The lexicographic optimum by enumeration: (partners served, matched, score), or None when no
/// assignment meets the constraints.
fn brute_force(market: &Market, c: &Resolved, options: OptimalOptions) -> Option<(usize, usize, f64)> {
    let n = market.projects.len();
    let choices: Vec<Vec<Option<usize>>> = (0..n)
        .map(|p| {
            std::iter::once(None)
                .chain(market.project_edge_range(p).filter(|&e| c.allows(market, e)).map(Some))
                .collect()
        })
        .collect();
    // Quotas: per named institution, min(k, its projects with an allowed edge).
    let mut quota: HashMap<&str, usize> = HashMap::new();
    for (p, choice) in choices.iter().enumerate() {
        let inst = market.projects[p].institution.as_str();
        if !inst.is_empty() && c.institution_min > 0 && choice.len() > 1 {
            *quota.entry(inst).or_default() += 1;
        }
    }
    for v in quota.values_mut() {
        *v = (*v).min(c.institution_min as usize);
    }
    let max_matches = options.max_matches || options.minimize;
    let mut best: Option<(usize, usize, f64)> = None;
    let mut idx = vec![0usize; n];
    loop {
        let a = Assignment::new((0..n).map(|p| choices[p][idx[p]]).collect());
        if c.violations(market, &a).is_empty() {
            let mut got: HashMap<&str, usize> = HashMap::new();
            for p in 0..n {
                if a.edges[p].is_some() {
                    *got.entry(market.projects[p].institution.as_str()).or_default() += 1;
                }
            }
            if quota.iter().all(|(i, &k)| got.get(i).copied().unwrap_or(0) >= k) {
                let loads = a.loads(market);
                let served = if c.retention {
                    market.partners.iter().zip(&loads).filter(|(q, l)| q.active && **l > 0).count()
                } else {
                    0
                };
                let matched = if max_matches { a.matched() } else { 0 };
                let score = a.total_score(market);
                let better = match best {
                    None => true,
                    Some((s, m, v)) => {
                        (served, matched) > (s, m)
                            || ((served, matched) == (s, m)
                                && if options.minimize { score < v - 1e-12 } else { score > v + 1e-12 })
                    }
                };
                if better {
                    best = Some((served, matched, score));
                }
            }
        }
        // Next combination.
        let mut p = 0;
        loop {
            if p == n {
                return best;
            }
            idx[p] += 1;
            if idx[p] < choices[p].len() {
                break;
            }
            idx[p] = 0;
            p += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn matches_brute_force(case in case()) {
        let (market, constraints) = build_case(&case);
        let Ok(c) = constraints.resolve(&market) else { return Ok(()) };
        let expected = brute_force(&market, &c, case.options);
        for solver in solvers() {
            let got = mip::solve(&market, &c, OptimalOptions { solver, ..case.options });
            match (expected, got) {
                (None, Err(_)) => {}
                (None, Ok(a)) => prop_assert!(false, "{}: brute force finds no feasible assignment, the MIP returns {:?}", solver, a),
                (Some(e), Err(err)) => prop_assert!(false, "{}: brute force finds {:?}, the MIP fails: {}", solver, e, err),
                (Some((served, matched, score)), Ok(a)) => {
                    prop_assert!(c.violations(&market, &a).is_empty(), "{}: {:?}", solver, c.violations(&market, &a));
                    for (p, l) in c.locked.iter().enumerate() {
                        if l.is_some() {
                            prop_assert_eq!(a.edges[p], *l);
                        }
                    }
                    let loads = a.loads(&market);
                    if c.retention {
                        let s = market.partners.iter().zip(&loads).filter(|(q, l)| q.active && **l > 0).count();
                        prop_assert_eq!(s, served, "{}: partners served", solver);
                    }
                    if case.options.max_matches || case.options.minimize {
                        prop_assert_eq!(a.matched(), matched, "{}: matched", solver);
                    }
                    prop_assert!(
                        (a.total_score(&market) - score).abs() < 1e-9,
                        "{}: score {} vs brute force {}", solver, a.total_score(&market), score
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Against the flow algorithm, on larger markets without side constraints.

/// A deterministic pseudo-random market: n projects, m partners, about `density` of the pairs.
fn random_market(seed: u64, n: usize, m: usize, density: f64, budget: f64) -> Market {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let projects =
        (0..n).map(|p| MarketProject { id: format!("P{p:03}"), institution: format!("I{}", p % 5) }).collect();
    let partners = (0..m)
        .map(|q| MarketPartner {
            id: format!("Q{q:03}"),
            capacity: (next() * 4.0) as u32,
            budget: Some(budget),
            active: q % 2 == 0,
            sector: Some(format!("S{}", q % 3)),
        })
        .collect();
    let mut pairs = Vec::new();
    for p in 0..n {
        for q in 0..m {
            if next() < density {
                let score = (next() * 10_000.0).round() / 10_000.0;
                pairs.push((p, q, score, 5.0));
            }
        }
    }
    Market::from_scores(projects, partners, &pairs).unwrap()
}

#[test]
fn agrees_with_the_flow_algorithm_without_side_constraints() {
    // Budgets that cannot bind (capacity at most 3, 5 hours a project, 20 offered): the presolve
    // leaves a min-cost flow.
    for seed in 1..=6u64 {
        let market = random_market(seed * 7919, 60, 20, 0.3, 20.0);
        let c = Resolved { locked: vec![None; market.projects.len()], budgets: true, ..Default::default() };
        let free = Resolved { budgets: false, ..c.clone() };
        for options in [OptimalOptions::default(), MAX, MIN] {
            let flow = optimal::optimal(&market, &free, options).unwrap();
            for solver in solvers() {
                let exact = mip::solve(&market, &c, OptimalOptions { solver, ..options }).unwrap();
                if options.max_matches || options.minimize {
                    assert_eq!(exact.matched(), flow.matched(), "seed {seed} {options:?} {solver}");
                }
                let (a, b) = (exact.total_score(&market), flow.total_score(&market));
                assert!((a - b).abs() < 1e-9, "seed {seed} {options:?} {solver}: MIP {a}, flow {b}");
            }
        }
    }
}

#[test]
fn the_solvers_agree_on_binding_budgets() {
    // 10 hours offered against 5 a project: partners of capacity 3 can take only two. Maximising
    // (and most matches first) with the built-in solver; against HiGHS when it is built in.
    for seed in 1..=6u64 {
        let market = random_market(seed * 7919, 60, 20, 0.3, 10.0);
        let constraints = Constraints { budgets: true, ..Constraints::default() };
        let c = constraints.resolve(&market).unwrap();
        for options in [OptimalOptions::default(), MAX, MIN] {
            let results: Vec<Assignment> = solvers()
                .into_iter()
                .map(|solver| mip::solve(&market, &c, OptimalOptions { solver, ..options }).unwrap())
                .collect();
            for a in &results {
                assert!(c.violations(&market, a).is_empty(), "seed {seed}: {:?}", c.violations(&market, a));
                assert!(a.stopped.is_none());
            }
            for a in &results[1..] {
                assert_eq!(a.matched(), results[0].matched(), "seed {seed} {options:?}");
                let (x, y) = (a.total_score(&market), results[0].total_score(&market));
                assert!((x - y).abs() < 1e-9, "seed {seed} {options:?}: {x} vs {y}");
            }
            // Binding budgets cost something against the flow without them.
            let free = optimal::optimal(&market, &Resolved { budgets: false, ..c.clone() }, options).unwrap();
            assert!(results[0].total_score(&market) <= free.total_score(&market) + 1e-9);
        }
    }
}

#[test]
fn is_deterministic() {
    let market = random_market(42, 60, 20, 0.3, 20.0);
    let constraints = Constraints {
        budgets: true,
        max_per_institution: Some(1),
        max_sector_share: Some(0.4),
        retention: true,
        ..Constraints::default()
    };
    let c = constraints.resolve(&market).unwrap();
    let first = mip::solve(&market, &c, MAX).unwrap();
    for _ in 0..3 {
        assert_eq!(mip::solve(&market, &c, MAX).unwrap(), first);
    }
    assert!(c.violations(&market, &first).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Quotas.

fn project(id: &str, institution: &str) -> MarketProject {
    MarketProject { id: id.into(), institution: institution.into() }
}

fn partner(id: &str, capacity: u32) -> MarketPartner {
    MarketPartner { id: id.into(), capacity, budget: None, active: true, sector: None }
}

#[test]
fn retention_serves_an_active_partner_at_a_lower_score() {
    // The best score puts both projects with A (1.7) and leaves the active partner B without one.
    let market = Market::from_scores(
        vec![project("P1", "X"), project("P2", "X")],
        vec![partner("A", 2), partner("B", 1)],
        &[(0, 0, 0.9, 1.0), (1, 0, 0.8, 1.0), (1, 1, 0.7, 1.0)],
    )
    .unwrap();
    let plain = run(&Builtin::Optimal(OptimalOptions::default()), &market, &Constraints::none()).unwrap();
    assert_eq!(plain.loads(&market), vec![2, 0]);
    assert!((plain.total_score(&market) - 1.7).abs() < 1e-12);

    let retained = run(
        &Builtin::Optimal(OptimalOptions::default()),
        &market,
        &Constraints { retention: true, ..Constraints::none() },
    )
    .unwrap();
    assert_eq!(retained.loads(&market), vec![1, 1], "B is served");
    assert!((retained.total_score(&market) - 1.6).abs() < 1e-12);

    // An inactive partner is not retained.
    let mut inactive = market.clone();
    inactive.partners[1].active = false;
    let a = run(
        &Builtin::Optimal(OptimalOptions::default()),
        &inactive,
        &Constraints { retention: true, ..Constraints::none() },
    )
    .unwrap();
    assert_eq!(a.loads(&inactive), vec![2, 0]);
}

fn quota_market(extra: bool) -> Market {
    // X1, X2 of institution X; Y1 of Y; (Z1 of Z). A and B take one project each.
    let mut projects = vec![project("X1", "X"), project("X2", "X"), project("Y1", "Y")];
    let mut pairs = vec![(0, 0, 0.9, 1.0), (1, 1, 0.8, 1.0), (2, 0, 0.3, 1.0), (2, 1, 0.25, 1.0)];
    if extra {
        projects.push(project("Z1", "Z"));
        pairs.push((3, 0, 0.1, 1.0));
    }
    Market::from_scores(projects, vec![partner("A", 1), partner("B", 1)], &pairs).unwrap()
}

#[test]
fn institution_minimum_forces_a_lower_score() {
    let market = quota_market(false);
    let plain = run(&Builtin::Optimal(OptimalOptions::default()), &market, &Constraints::none()).unwrap();
    assert!((plain.total_score(&market) - 1.7).abs() < 1e-12);
    assert_eq!(plain.edges[2], None, "Y gets nothing without the quota");

    let a = run(
        &Builtin::Optimal(OptimalOptions::default()),
        &market,
        &Constraints { institution_min: Some(1), ..Constraints::none() },
    )
    .unwrap();
    assert!((a.total_score(&market) - 1.15).abs() < 1e-12, "X1–A and Y1–B: {}", a.total_score(&market));
    assert_eq!(a.partner_of(&market, 2), Some(1));
    assert_eq!(a.partner_of(&market, 0), Some(0));
}

#[test]
fn impossible_institution_minimums_name_the_institutions() {
    // Three institutions, two slots: each alone can have its match, not all three.
    let market = quota_market(true);
    let err = run(
        &Builtin::Optimal(OptimalOptions::default()),
        &market,
        &Constraints { institution_min: Some(1), ..Constraints::none() },
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(err.is_bad_input());
    assert!(msg.contains("institution_min = 1") && msg.contains("at once"), "{msg}");
    assert!(["X", "Y", "Z"].iter().any(|i| msg.contains(&format!("{i} gets"))), "{msg}");

    // X has two projects but both can only go to A, which takes one: X alone cannot reach 2.
    let market = Market::from_scores(
        vec![project("X1", "X"), project("X2", "X"), project("Y1", "Y")],
        vec![partner("A", 1), partner("B", 2)],
        &[(0, 0, 0.9, 1.0), (1, 0, 0.8, 1.0), (2, 1, 0.5, 1.0)],
    )
    .unwrap();
    let err = run(
        &Builtin::Optimal(OptimalOptions::default()),
        &market,
        &Constraints { institution_min: Some(2), ..Constraints::none() },
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("X can get at most 1"), "{msg}");
    assert!(!msg.contains("Y can"), "Y has one project and needs only one: {msg}");
}

#[test]
fn locks_that_break_a_cap_are_refused() {
    let market = Market::from_scores(
        vec![project("X1", "X"), project("X2", "X")],
        vec![partner("A", 2)],
        &[(0, 0, 0.9, 1.0), (1, 0, 0.8, 1.0)],
    )
    .unwrap();
    let constraints = Constraints {
        locked: vec![("X1".into(), "A".into()), ("X2".into(), "A".into())],
        max_per_institution: Some(1),
        ..Constraints::none()
    };
    let err = run(&Builtin::Optimal(OptimalOptions::default()), &market, &constraints).unwrap_err();
    assert!(err.to_string().contains("locked"), "{err}");
}

#[test]
fn budgets_and_caps_on_a_scored_term() {
    let term = pounce::doc_example_term();
    let scorer = pounce::Scorer::new(&term, &pounce::Weights::default());
    let market = Market::from_scorer(&scorer);
    let constraints =
        Constraints { budgets: true, max_per_institution: Some(1), retention: true, ..Constraints::none() };
    let a = run(&Builtin::Optimal(MAX), &market, &constraints).unwrap();
    let c = constraints.resolve(&market).unwrap();
    assert!(c.violations(&market, &a).is_empty());
    // No better assignment under fewer constraints than the unconstrained optimum.
    let free = run(&Builtin::Optimal(MAX), &market, &Constraints::none()).unwrap();
    assert!(a.matched() <= free.matched());
}
