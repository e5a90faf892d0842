//! Times the generation of a partner pool and prints its marginals against the tables.
//!
//! `cargo run --release -p pounce-sim --example stats -- [PARTNERS] [SEED]` (default 1,000,000, 1).

use std::collections::BTreeMap;
use std::time::Instant;

use pounce_sim::generate::{SIZE_CLASSES, sector_shares, size_class_of};
use pounce_sim::{GeneratorConfig, generate_partners};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let t0 = Instant::now();
    let shares = sector_shares(); // builds the embedded tables (and the gazetteer) once
    println!("tables built in {:.3} s", t0.elapsed().as_secs_f64());

    let config = GeneratorConfig::new(40, n, seed);
    let t0 = Instant::now();
    let partners = generate_partners(&config);
    println!("{n} partners in {:.3} s", t0.elapsed().as_secs_f64());
    if n == 0 {
        return;
    }

    println!("\nsector   table  generated");
    for s in shares {
        let k = partners.iter().filter(|q| q.industries[0].sector() == s.sector).count();
        println!("{:>6}  {:.4}  {:.4}  ({:?})", s.sector, s.share, k as f64 / n as f64, s.source);
    }
    println!("\nsize class               table  generated");
    let mut classes = [0usize; 6];
    for q in &partners {
        classes[size_class_of(q.employees)] += 1;
    }
    for (c, k) in classes.iter().enumerate() {
        let want: f64 = shares.iter().map(|s| s.share * s.size_classes[c]).sum();
        println!("{:<24} {want:.4}  {:.4}", SIZE_CLASSES[c].label, *k as f64 / n as f64);
    }

    let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &partners {
        for t in &q.skills {
            *tags.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut tags: Vec<(&str, usize)> = tags.into_iter().collect();
    tags.sort_by_key(|&(t, k)| (std::cmp::Reverse(k), t));
    println!("\nmost frequent skill tags (share of partners)");
    for (t, k) in tags.iter().take(20) {
        println!("{:.3}  {t}", *k as f64 / n as f64);
    }
}
