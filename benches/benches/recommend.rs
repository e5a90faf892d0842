//! Recommendation over generated partner pools: top-10 partners for each project, full scoring.
//!
//! `cargo bench -p pounce-benches --bench recommend`. Instances are generated with fixed seeds.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pounce::{Scorer, Side, Weights, recommend};
use pounce_sim::generate::{GeneratorConfig, generate};

fn bench_recommend(c: &mut Criterion) {
    let mut group = c.benchmark_group("recommend_top10");
    group.sample_size(10);
    for (projects, partners) in [(100usize, 10_000usize), (100, 100_000), (1_000, 100_000)] {
        let term = generate(&GeneratorConfig::new(projects, partners, 42));
        let weights = Weights::default();
        let id = BenchmarkId::from_parameter(format!("{projects}x{partners}"));
        group.throughput(criterion::Throughput::Elements((projects * partners) as u64));
        group.bench_with_input(id, &term, |b, term| {
            b.iter(|| {
                let scorer = Scorer::new(term, &weights);
                black_box(recommend(&scorer, 10, Side::Projects, &|_| {}))
            })
        });
    }
    group.finish();
}

fn bench_pair(c: &mut Criterion) {
    let term = generate(&GeneratorConfig::new(100, 1_000, 7));
    let scorer = Scorer::new(&term, &Weights::default());
    c.bench_function("score_one_pair", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = (i + 7919) % (100 * 1_000);
            black_box(scorer.score(i / 1_000, i % 1_000))
        })
    });
    c.bench_function("explain_one_pair", |b| b.iter(|| black_box(scorer.explain(3, 17))));
}

criterion_group!(benches, bench_recommend, bench_pair);
criterion_main!(benches);
