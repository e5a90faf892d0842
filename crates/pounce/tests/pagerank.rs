//! Personalized PageRank: agreement with networkx on known answers
//! (`tests/fixtures/pagerank/`, made by its `make_fixture.py`), properties on random graphs, and
//! bit-identical results across thread counts.

use std::collections::HashMap;
use std::path::PathBuf;

use pounce::referral::pagerank::{PageRank, PageRankOptions, personalized_pagerank};
use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
use proptest::prelude::*;

/// Strength = weight: no kind factor, no decay.
fn plain() -> ReferralWeights {
    ReferralWeights { referred: 1.0, half_life_days: 0.0, ..Default::default() }
}

fn edge(source: String, target: String, weight: f64) -> EdgeRecord {
    EdgeRecord { source, target, kind: EdgeKind::Referred, weight, date: None }
}

/// Converged well past networkx's stopping point (within 1e-14 · d / (1 − d) ≈ 6e-14 in L1 of the
/// fixed point), yet above the rounding noise of the iteration on small graphs.
fn tight() -> PageRankOptions {
    PageRankOptions { tolerance: 1e-14, max_iterations: 100_000, ..Default::default() }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pagerank").join(name)
}

fn read_edges() -> Vec<EdgeRecord> {
    read_edges_from("edges.csv")
}

fn read_edges_from(file: &str) -> Vec<EdgeRecord> {
    let mut reader = csv::Reader::from_path(fixture(file)).expect("edges file");
    assert_eq!(reader.headers().unwrap(), vec!["source", "target", "kind", "weight"]);
    reader
        .records()
        .map(|r| {
            let r = r.expect("edges.csv row");
            let kind: EdgeKind = r[2].parse().expect("kind");
            assert_eq!(kind, EdgeKind::Referred);
            edge(r[0].to_owned(), r[1].to_owned(), r[3].parse().expect("weight"))
        })
        .collect()
}

fn read_scores(name: &str) -> HashMap<String, f64> {
    let mut reader = csv::Reader::from_path(fixture(name)).expect("expected scores");
    reader
        .records()
        .map(|r| {
            let r = r.expect("score row");
            (r[0].to_owned(), r[1].parse().expect("score"))
        })
        .collect()
}

/// Runs PageRank on the fixture graph from `seeds` (node ids) and returns the L1 distance to the
/// networkx scores in `expected`, checking nodes `zero` score exactly 0.
fn distance_to_networkx(directed: bool, seeds: &[(&str, f64)], file: &str, zero: &[String]) -> f64 {
    distance_on(&read_edges(), directed, seeds, file, zero)
}

fn distance_on(edges: &[EdgeRecord], directed: bool, seeds: &[(&str, f64)], file: &str, zero: &[String]) -> f64 {
    let graph = ReferralGraph::build(edges, &plain(), None, directed);
    let expected = read_scores(file);
    assert_eq!(graph.node_count(), 300);
    assert_eq!(expected.len(), graph.node_count());
    let seeds: Vec<(u32, f64)> = seeds.iter().map(|&(id, w)| (graph.node(id).expect("seed"), w)).collect();
    let pr = personalized_pagerank(&graph, &seeds, &tight()).unwrap();
    assert!(pr.converged);
    assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    for id in zero {
        assert_eq!(pr.scores[graph.node(id).unwrap() as usize], 0.0, "{id}");
    }
    let l1: f64 = (0..graph.node_count() as u32).map(|v| (pr.scores[v as usize] - expected[graph.id(v)]).abs()).sum();
    eprintln!("{file}: L1 distance to networkx {l1:e} after {} iterations", pr.iterations);
    l1
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("n{i:03}")).collect()
}

// networkx itself is ~1.5e-12 (L1) from an exact dense solve of these systems (it stops at an L1
// change of len(G) · tol = 3e-13); 1e-10 leaves ample room and still catches real discrepancies.
#[test]
fn directed_single_seed_agrees_with_networkx() {
    let l1 = distance_to_networkx(true, &[("n000", 1.0)], "expected_directed.csv", &ids(260..300));
    assert!(l1 < 1e-10, "L1 distance {l1}");
}

#[test]
fn directed_two_seeds_agree_with_networkx() {
    let l1 = distance_to_networkx(true, &[("n000", 2.0), ("n137", 1.0)], "expected_directed_multi.csv", &ids(260..300));
    assert!(l1 < 1e-10, "L1 distance {l1}");
}

#[test]
fn undirected_two_seeds_agree_with_networkx() {
    let l1 =
        distance_to_networkx(false, &[("n000", 2.0), ("n137", 1.0)], "expected_undirected_multi.csv", &ids(280..300));
    assert!(l1 < 1e-10, "L1 distance {l1}");
}

// Weights above 1 (most of them, up to 8): PageRank takes them as they are (paths cap a strength at
// 1, PageRank does not), so networkx.pagerank(G, weight="weight") agrees here too.
#[test]
fn weights_above_one_agree_with_networkx() {
    let edges = read_edges_from("edges_heavy.csv");
    let above = edges.iter().filter(|e| e.weight > 1.0).count();
    assert!(above * 2 > edges.len(), "{above} of {} weights above 1", edges.len());
    let l1 = distance_on(&edges, true, &[("n000", 1.0)], "expected_heavy_directed.csv", &ids(260..300));
    assert!(l1 < 1e-10, "directed: L1 distance {l1}");
    let l1 = distance_on(&edges, false, &[("n000", 1.0)], "expected_heavy_undirected.csv", &ids(280..300));
    assert!(l1 < 1e-10, "undirected: L1 distance {l1}");
}

/// A pseudo-random directed graph of `n` nodes with about `4n` edges (a fixed LCG, no crates).
fn big_graph(n: u64) -> ReferralGraph {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let records: Vec<EdgeRecord> = (0..4 * n)
        .map(|_| {
            let (a, b) = (next() % n, next() % n);
            edge(format!("v{a}"), format!("v{b}"), (next() % 1000 + 1) as f64 / 1000.0)
        })
        .collect();
    ReferralGraph::build(&records, &plain(), None, true)
}

#[test]
fn one_and_two_threads_give_the_same_bits() {
    let graph = big_graph(10_000); // several chunks of nodes
    let seeds = [(0u32, 1.0), (17u32, 0.5), (4_321u32, 2.0)];
    let run = |threads: usize| -> PageRank {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| personalized_pagerank(&graph, &seeds, &PageRankOptions::default())).unwrap()
    };
    let one = run(1);
    assert!(one.converged);
    let two = run(2);
    assert_eq!(one, two);
    let scores_as_bits = |pr: &PageRank| pr.scores.iter().map(|s| s.to_bits()).collect::<Vec<u64>>();
    assert_eq!(scores_as_bits(&one), scores_as_bits(&two));
    assert_eq!(one, run(4));
}

/// A small random graph: node names `v0`..`v{n-1}` (only those with an edge exist), weights in
/// (0, 1].
fn small_graph() -> impl Strategy<Value = (Vec<(usize, usize, f64)>, bool)> {
    (2usize..12).prop_flat_map(|n| (proptest::collection::vec((0..n, 0..n, 0.01f64..=1.0), 1..30), any::<bool>()))
}

fn build(edges: &[(usize, usize, f64)], directed: bool) -> ReferralGraph {
    let records: Vec<EdgeRecord> = edges.iter().map(|&(a, b, w)| edge(format!("v{a}"), format!("v{b}"), w)).collect();
    ReferralGraph::build(&records, &plain(), None, directed)
}

/// Nodes reachable from the seeds along edges of positive strength.
fn reachable(graph: &ReferralGraph, seeds: &[u32]) -> Vec<bool> {
    let mut seen = vec![false; graph.node_count()];
    let mut stack: Vec<u32> = seeds.to_vec();
    while let Some(u) = stack.pop() {
        if std::mem::replace(&mut seen[u as usize], true) {
            continue;
        }
        stack.extend(graph.out_edges(u).filter(|(_, l)| l.strength > 0.0).map(|(v, _)| v));
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn scores_sum_to_one_and_unreachable_nodes_score_zero(
        (edges, directed) in small_graph(),
        picks in proptest::collection::vec((any::<prop::sample::Index>(), 0.1f64..10.0), 1..4),
        damping in 0.0f64..0.99,
    ) {
        let graph = build(&edges, directed);
        let seeds: Vec<(u32, f64)> = picks.iter().map(|(i, w)| (i.index(graph.node_count()) as u32, *w)).collect();
        // Damping up to 0.99: rounding noise in the iterates grows like ulp / (1 − d), so a looser
        // tolerance than `tight()`.
        let options = PageRankOptions { damping, tolerance: 1e-10, max_iterations: 100_000 };
        let pr = personalized_pagerank(&graph, &seeds, &options).unwrap();
        prop_assert!(pr.converged);
        prop_assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // Only unreachable nodes are certain to be 0: with a tolerance stop (and a tiny damping or
        // tiny shares) mass may not have reached a far node yet when the change falls below it.
        let seen = reachable(&graph, &seeds.iter().map(|s| s.0).collect::<Vec<_>>());
        for (v, &s) in pr.scores.iter().enumerate() {
            if !seen[v] {
                prop_assert_eq!(s, 0.0, "unreachable node {}", v);
            }
        }
        for &(seed, _) in &seeds {
            prop_assert!(pr.scores[seed as usize] > 0.0, "seed {}", seed);
        }
    }

    /// Holds for a single seed s in a directed graph: with h(u) the chance that the walk from u
    /// reaches v before s, g(v) the expected visits to v from v before s and T the hitting times of
    /// s, x(v) = Σ q(u) h(u) g(v) / (1 + Σ q(u) T(u)) with q the first step from s, which is at most
    /// d·g(v) / (1 + d·T(v)), the value when s's edges all go to v; a new edge s → v mixes q
    /// towards that, so x(v) cannot fall. (Undirected, the edge also leads v back to s, and v can
    /// lose: v0 with a self-loop 0.02 and v0 — v1 0.01, seed v1, strengthening v1 — v0.)
    #[test]
    fn an_edge_from_the_seed_never_lowers_its_target(
        (edges, _) in small_graph(),
        seed in any::<prop::sample::Index>(),
        target in any::<prop::sample::Index>(),
        weight in 0.01f64..=1.0,
    ) {
        let before = build(&edges, true);
        let n = before.node_count();
        let (seed, target) = (before.id(seed.index(n) as u32).to_owned(), before.id(target.index(n) as u32).to_owned());
        let mut more = edges.clone();
        let number = |id: &str| id[1..].parse::<usize>().unwrap();
        more.push((number(&seed), number(&target), weight));
        let after = build(&more, true);
        // 1000 iterations whatever the change: 0.85^1000 leaves only rounding error, so both runs
        // are at the floating-point fixed point (a tolerance could stop one run early by luck).
        let options = PageRankOptions { tolerance: f64::MIN_POSITIVE, max_iterations: 1000, ..Default::default() };
        let score = |g: &ReferralGraph| {
            let pr = personalized_pagerank(g, &[(g.node(&seed).unwrap(), 1.0)], &options).unwrap();
            pr.scores[g.node(&target).unwrap() as usize]
        };
        let (old, new) = (score(&before), score(&after));
        prop_assert!(new >= old - 1e-12, "{} → {}: {} before, {} after", seed, target, old, new);
    }

    #[test]
    fn thread_count_does_not_change_the_bits(
        (edges, directed) in small_graph(),
        seed in any::<prop::sample::Index>(),
    ) {
        let graph = build(&edges, directed);
        let seeds = [(seed.index(graph.node_count()) as u32, 1.0)];
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| personalized_pagerank(&graph, &seeds, &PageRankOptions::default())).unwrap()
        };
        prop_assert_eq!(run(1), run(2));
    }
}
