//! How far `recommend` is from the memory-bandwidth floor: the bytes of the columnar partner pool,
//! the machine's read bandwidth over a buffer at least that large, and the time of the in-memory
//! recommendation (top-10 for every project over the whole pool), with the floor for one pass over
//! the columns per project (how the kernel scans) and for one pass in all.
//!
//! `cargo run --release -p pounce-benches --example bandwidth_floor -- [projects] [partners] [runs]`
//! (defaults 1000, 1000000, 3). The term is generated with a fixed seed; times are medians.

use std::hint::black_box;
use std::time::Instant;

use pounce::recommend::column_bytes;
use pounce::{Scorer, Side, Weights, recommend};
use pounce_sim::generate::{GeneratorConfig, generate};
use rayon::prelude::*;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Seconds of `f`, median of `runs` runs.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let arg = |i: usize, default: usize| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (projects, partners, runs) = (arg(1, 1000), arg(2, 1_000_000), arg(3, 3).max(1));
    let term = generate(&GeneratorConfig::new(projects, partners, 2027));
    let weights = Weights::default();
    let scorer = Scorer::new(&term, &weights);
    let Some(bytes) = column_bytes(&scorer) else {
        eprintln!("this term does not take the columnar path");
        std::process::exit(1);
    };

    // Read bandwidth: a parallel sum over a buffer of at least 256 MiB (beyond every cache).
    let words: Vec<u64> = (0..(bytes.max(256 << 20) / 8) as u64).collect();
    let read = time(runs.max(5), || {
        black_box(words.par_chunks(1 << 16).map(|c| c.iter().fold(0u64, |a, &w| a.wrapping_add(w))).sum::<u64>());
    });
    let bandwidth = (words.len() * 8) as f64 / read;
    drop(words);

    let kernel = time(runs, || {
        black_box(recommend(&scorer, 10, Side::Projects, &|_| {}));
    });
    let pass = bytes as f64 / bandwidth;
    let pairs = (projects * partners) as f64;
    println!("projects × partners        {projects} × {partners} ({} threads)", rayon::current_num_threads());
    println!(
        "partner columns            {:.1} MB ({:.0} bytes a partner)",
        bytes as f64 / 1e6,
        bytes as f64 / partners as f64
    );
    println!("read bandwidth             {:.1} GB/s", bandwidth / 1e9);
    println!("one pass over the columns  {:.2} ms", pass * 1e3);
    println!(
        "recommend top-10, in memory {:.3} s ({:.2} ns a pair on each thread)",
        kernel,
        kernel * rayon::current_num_threads() as f64 / pairs * 1e9
    );
    println!(
        "floor, a pass per project  {:.3} s: recommend is {:.2}× it",
        pass * projects as f64,
        kernel / (pass * projects as f64)
    );
    println!("floor, one pass in all     {:.4} s: recommend is {:.0}× it", pass, kernel / pass);
}
