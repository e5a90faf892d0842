//! Every matching strategy on a term of 10,000 projects and 2,000 partners with ~50 feasible
//! partners per project (seeded random scores; capacities 1–10, 11,000 places in all).
//!
//! `cargo bench -p pounce-benches --bench matching`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pounce::matching::{Builtin, Constraints, Market, MarketPartner, MarketProject, OptimalOptions, Proposer, run};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random market: each project draws `degree` distinct partners; scores uniform in [0, 1).
pub fn random_market(projects: usize, partners: usize, degree: usize, seed: u64) -> Market {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ps =
        (0..projects).map(|i| MarketProject { id: format!("P{i:06}"), institution: format!("I{}", i % 20) }).collect();
    let qs = (0..partners)
        .map(|j| MarketPartner {
            id: format!("Q{j:05}"),
            capacity: rng.random_range(1..=10),
            budget: None,
            active: true,
            sector: None,
        })
        .collect();
    let mut pairs = Vec::with_capacity(projects * degree);
    for p in 0..projects {
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < degree.min(partners) {
            chosen.insert(rng.random_range(0..partners));
        }
        for q in chosen {
            pairs.push((p, q, rng.random::<f64>(), 0.0));
        }
    }
    Market::from_scores(ps, qs, &pairs).expect("valid market")
}

fn bench_strategies(c: &mut Criterion) {
    let market = random_market(10_000, 2_000, 50, 42);
    let none = Constraints::none();
    let mut group = c.benchmark_group("match_10000x2000_deg50");
    group.sample_size(10);
    let strategies = [
        Builtin::Greedy,
        Builtin::RankSum,
        Builtin::Optimal(OptimalOptions::default()),
        Builtin::Optimal(OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT }),
        Builtin::Stable(Proposer::Projects),
        Builtin::Stable(Proposer::Partners),
        Builtin::RankMaximal,
    ];
    for s in strategies {
        group.bench_with_input(BenchmarkId::from_parameter(s.to_string()), &s, |b, s| {
            b.iter(|| black_box(run(s, &market, &none).expect("solves")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_strategies);
criterion_main!(benches);
