//! Times a generated referral network and prints its shape: edges by kind, coverage of partners,
//! and how many hops prospects are from the nearest institution.
//!
//! `cargo run --release -p pounce-sim --example referrals -- [PARTNERS|sample] [SEED]`
//! (default 100,000 partners for 40 projects per 1,000 partners, seed 1; `sample` reads
//! `datasets/sample`).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fs::File;
use std::time::Instant;

use pounce::input::{Reference, read_partners_csv, read_projects_csv};
use pounce::referral::{ReferralGraph, ReferralWeights};
use pounce::{PartnerStatus, Term};
use pounce_sim::{GeneratorConfig, ReferralConfig, generate, generate_referrals};

fn sample_term() -> Term {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/sample");
    let r = Reference::bundled();
    let open = |f: &str| File::open(format!("{dir}/{f}")).expect("the sample data set");
    Term {
        projects: read_projects_csv(open("projects.csv"), "projects.csv", r).expect("valid sample"),
        partners: read_partners_csv(open("partners.csv"), "partners.csv", r).expect("valid sample"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "100000".to_owned());
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let t0 = Instant::now();
    let term = if what == "sample" {
        sample_term()
    } else {
        let n: usize = what.parse().expect("a number of partners or \"sample\"");
        generate(&GeneratorConfig::new((n / 25).max(8), n, seed))
    };
    println!(
        "term: {} projects, {} partners in {:.3} s",
        term.projects.len(),
        term.partners.len(),
        t0.elapsed().as_secs_f64()
    );

    let config = ReferralConfig { seed, ..ReferralConfig::default() };
    let t0 = Instant::now();
    let edges = generate_referrals(&term, &config);
    println!("{} edges in {:.3} s", edges.len(), t0.elapsed().as_secs_f64());

    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &edges {
        *kinds.entry(e.kind.as_str()).or_default() += 1;
    }
    for (k, n) in &kinds {
        println!("  {k:<13} {n}");
    }

    let t0 = Instant::now();
    let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), Some(config.as_of), false);
    println!("graph: {} nodes in {:.3} s", graph.node_count(), t0.elapsed().as_secs_f64());

    let institutions: HashSet<&str> = term.projects.iter().map(|p| p.institution.as_str()).collect();
    let mut dist = vec![u32::MAX; graph.node_count()];
    let mut queue = VecDeque::new();
    for name in &institutions {
        if let Some(v) = graph.node(name) {
            dist[v as usize] = 0;
            queue.push_back(v);
        }
    }
    while let Some(v) = queue.pop_front() {
        for (w, _) in graph.out_edges(v) {
            if dist[w as usize] == u32::MAX {
                dist[w as usize] = dist[v as usize] + 1;
                queue.push_back(w);
            }
        }
    }
    for status in [PartnerStatus::Active, PartnerStatus::Prospect, PartnerStatus::Lapsed, PartnerStatus::Declined] {
        let of: Vec<_> = term.partners.iter().filter(|p| p.status == status).collect();
        let nodes: Vec<u32> = of.iter().filter_map(|p| graph.node(&p.id)).collect();
        let mut hops: BTreeMap<u32, usize> = BTreeMap::new();
        for v in &nodes {
            *hops.entry(dist[*v as usize]).or_default() += 1;
        }
        let hops: Vec<String> = hops
            .iter()
            .map(|(h, n)| if *h == u32::MAX { format!("unreachable: {n}") } else { format!("{h}: {n}") })
            .collect();
        println!(
            "{:<9} {:>8} partners, {:>8} in the network; hops {}",
            status.as_str(),
            of.len(),
            nodes.len(),
            hops.join(", ")
        );
    }
}
