//! Referral graph build and personalized PageRank on a seeded random network of 100,000 nodes and
//! 1,000,000 edges (uniform random endpoints, every edge kind, no dates).
//!
//! `cargo bench -p pounce-benches --bench pagerank` (`RAYON_NUM_THREADS=1` for one thread).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pounce::referral::pagerank::{PageRankOptions, personalized_pagerank};
use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const NODES: usize = 100_000;
const EDGES: usize = 1_000_000;

/// `edges` seeded random edge records between `nodes` nodes (no self-loops; a few pairs repeat and
/// are merged by the build). Weights in [0.1, 1], ratings 1–5 for past projects.
pub fn random_edges(nodes: usize, edges: usize, seed: u64) -> Vec<EdgeRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let names: Vec<String> = (0..nodes).map(|i| format!("n{i}")).collect();
    (0..edges)
        .map(|_| {
            let a = rng.random_range(0..nodes);
            let b = (a + rng.random_range(1..nodes)) % nodes;
            let kind = EdgeKind::ALL[rng.random_range(0..EdgeKind::ALL.len())];
            let weight = match kind {
                EdgeKind::PastProject => f64::from(rng.random_range(1..=5u8)),
                _ => rng.random_range(0.1..=1.0),
            };
            EdgeRecord { source: names[a].clone(), target: names[b].clone(), kind, weight, date: None }
        })
        .collect()
}

fn bench_pagerank(c: &mut Criterion) {
    let records = random_edges(NODES, EDGES, 42);
    let weights = ReferralWeights::default();
    let id = BenchmarkId::from_parameter(format!("{NODES}x{EDGES}"));

    let mut group = c.benchmark_group("referral_graph_build");
    group.sample_size(10);
    group.bench_with_input(id.clone(), &records, |b, records| {
        b.iter(|| black_box(ReferralGraph::build(records, &weights, None, true)))
    });
    group.finish();

    let graph = ReferralGraph::build(&records, &weights, None, true);
    let seed = graph.node("n0").expect("n0 has edges");
    let options = PageRankOptions::default();
    let pr = personalized_pagerank(&graph, &[(seed, 1.0)], &options).expect("valid request");
    eprintln!(
        "personalized_pagerank on {} nodes, {} merged edges: {} iterations to converge (tolerance {:e}), converged {}",
        graph.node_count(),
        graph.edge_count(),
        pr.iterations,
        options.tolerance,
        pr.converged
    );

    let mut group = c.benchmark_group("personalized_pagerank");
    group.sample_size(10);
    group.bench_with_input(id, &graph, |b, graph| {
        b.iter(|| black_box(personalized_pagerank(graph, &[(seed, 1.0)], &options).expect("valid request")))
    });
    group.finish();
}

criterion_group!(benches, bench_pagerank);
criterion_main!(benches);
