//! Tests of the referral network generator: determinism, coverage, reachability of prospects,
//! endpoint types of every edge kind, dates and weights, on generated and hand-written terms.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fs::File;
use std::time::Instant;

use chrono::NaiveDate;
use pounce::input::{Reference, read_partners_csv, read_projects_csv, read_referrals};
use pounce::output::write_referrals_csv;
use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
use pounce::{Gazetteer, PartnerStatus, Term};
use pounce_sim::{GeneratorConfig, ReferralConfig, generate, generate_referrals};

fn sample_term() -> Term {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/sample");
    let r = Reference::bundled();
    let open = |f: &str| File::open(format!("{dir}/{f}")).unwrap_or_else(|e| panic!("{f}: {e}"));
    Term {
        projects: read_projects_csv(open("projects.csv"), "projects.csv", r).unwrap_or_else(|e| panic!("{e}")),
        partners: read_partners_csv(open("partners.csv"), "partners.csv", r).unwrap_or_else(|e| panic!("{e}")),
    }
}

fn generated_term() -> Term {
    let near = ["Eindhoven, NL", "Lyon, FR", "Guelph, CA", "Denver, US", "Vancouver, CA"]
        .map(|c| Gazetteer::bundled().resolve(c).unwrap().clone())
        .to_vec();
    generate(&GeneratorConfig { near, ..GeneratorConfig::new(40, 1500, 2027) })
}

fn csv(edges: &[EdgeRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    write_referrals_csv(&mut out, "referrals.csv", edges).unwrap();
    out
}

/// What a node is, by the naming conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Institution,
    Partner,
    Association,
    Person,
}

struct Kinds {
    institutions: HashSet<String>,
    partners: HashSet<String>,
}

impl Kinds {
    fn new(term: &Term) -> Self {
        Kinds {
            institutions: term.projects.iter().map(|p| p.institution.clone()).collect(),
            partners: term.partners.iter().map(|p| p.id.clone()).collect(),
        }
    }

    fn of(&self, name: &str) -> Node {
        if self.institutions.contains(name) {
            Node::Institution
        } else if self.partners.contains(name) {
            Node::Partner
        } else if name.contains(" Association") {
            Node::Association
        } else {
            Node::Person
        }
    }
}

/// "Firstname Lastname", optionally followed by " (n)".
fn looks_like_person(name: &str) -> bool {
    let base = match name.rsplit_once(" (") {
        Some((base, n)) => {
            assert!(n.ends_with(')') && n[..n.len() - 1].parse::<u32>().is_ok_and(|n| n >= 2), "{name}");
            base
        }
        None => name,
    };
    base.split(' ').count() >= 2 && base.chars().next().is_some_and(char::is_uppercase)
}

/// Hops from the nearest institution to every node (undirected, as the engine reads the network).
fn hops(term: &Term, graph: &ReferralGraph) -> Vec<u32> {
    let mut dist = vec![u32::MAX; graph.node_count()];
    let mut queue = VecDeque::new();
    for p in &term.projects {
        let v = graph.node(&p.institution).expect("every institution is a node");
        if dist[v as usize] != 0 {
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
    dist
}

/// Checks every property the engine relies on and returns the edge counts by kind.
fn check(term: &Term, config: &ReferralConfig) -> BTreeMap<EdgeKind, usize> {
    let edges = generate_referrals(term, config);
    let kinds = Kinds::new(term);
    let mut counts = BTreeMap::new();
    for e in &edges {
        *counts.entry(e.kind).or_insert(0) += 1;
        let (s, t) = (kinds.of(&e.source), kinds.of(&e.target));
        let ok = match e.kind {
            EdgeKind::Alumnus | EdgeKind::Advises => s == Node::Person && t == Node::Institution,
            EdgeKind::WorksAt => s == Node::Person && t == Node::Partner,
            EdgeKind::PastProject => s == Node::Institution && t == Node::Partner,
            EdgeKind::MemberOf => s == Node::Partner && t == Node::Association,
            EdgeKind::Referred => matches!(s, Node::Partner | Node::Person) && t == Node::Partner,
        };
        assert!(ok, "{} edge {:?} ({s:?}) -> {:?} ({t:?})", e.kind, e.source, e.target);
        for (name, kind) in [(&e.source, s), (&e.target, t)] {
            match kind {
                Node::Person => assert!(looks_like_person(name), "person {name:?}"),
                Node::Association => {
                    assert!(name.ends_with(" Association") || name.contains(" Association ("), "{name}")
                }
                _ => {}
            }
        }
        assert_ne!(e.source, e.target, "self-loop");
        let date = e.date.expect("every edge is dated");
        assert!(date <= config.as_of, "{date} after {}", config.as_of);
        if e.kind == EdgeKind::PastProject {
            assert!((2.0..=5.0).contains(&e.weight) && e.weight.fract() == 0.0, "rating {}", e.weight);
        } else {
            assert_eq!(e.weight, 1.0);
        }
    }
    for kind in EdgeKind::ALL {
        assert!(counts.get(&kind).is_some_and(|&n| n > 0), "no {kind} edges");
    }
    // Only active and lapsed partners have past projects.
    for e in edges.iter().filter(|e| e.kind == EdgeKind::PastProject) {
        let q = term.partners.iter().find(|q| q.id == e.target).unwrap();
        assert!(matches!(q.status, PartnerStatus::Active | PartnerStatus::Lapsed), "{} has a past project", q.id);
    }

    let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), Some(config.as_of), false);
    let dist = hops(term, &graph);
    let active: Vec<&str> =
        term.partners.iter().filter(|p| p.status == PartnerStatus::Active).map(|p| p.id.as_str()).collect();
    let present = active.iter().filter(|id| graph.node(id).is_some()).count();
    assert!(
        present as f64 >= 0.9 * active.len() as f64,
        "{present} of {} active partners in the network",
        active.len()
    );

    let prospects: Vec<u32> = term
        .partners
        .iter()
        .filter(|p| p.status == PartnerStatus::Prospect)
        .map(|p| graph.node(&p.id).unwrap_or_else(|| panic!("prospect {} is not in the network", p.id)))
        .map(|v| dist[v as usize])
        .collect();
    assert!(!prospects.is_empty());
    assert!(prospects.iter().all(|&h| (2..u32::MAX).contains(&h)), "prospect hops {prospects:?}");
    let near = prospects.iter().filter(|&&h| (2..=4).contains(&h)).count();
    assert!(near as f64 >= 0.75 * prospects.len() as f64, "prospect hops {prospects:?}");
    counts
}

#[test]
fn same_seed_same_edges_other_seed_other_edges() {
    let term = generate(&GeneratorConfig::new(24, 600, 5));
    let config = ReferralConfig { seed: 9, ..ReferralConfig::default() };
    let a = generate_referrals(&term, &config);
    assert_eq!(a, generate_referrals(&term.clone(), &config.clone()));
    assert_eq!(csv(&a), csv(&generate_referrals(&term, &config)));
    let b = generate_referrals(&term, &ReferralConfig { seed: 10, ..config.clone() });
    assert_ne!(a, b);
    // The sample term too.
    let sample = sample_term();
    assert_eq!(generate_referrals(&sample, &config), generate_referrals(&sample, &config));
}

#[test]
fn a_generated_term_gets_a_sound_network() {
    let term = generated_term();
    let counts = check(&term, &ReferralConfig::default());
    // 30 alumni per institution by default (1500 / 5 / 2 = 150 here).
    assert_eq!(counts[&EdgeKind::Alumnus], 5 * 150);
    for seed in [1, 2, 3] {
        check(&generate(&GeneratorConfig::new(40, 800, seed)), &ReferralConfig { seed, ..ReferralConfig::default() });
    }
}

#[test]
fn the_sample_term_gets_a_sound_network() {
    let term = sample_term();
    for seed in [2027, 1, 2, 3, 4] {
        let counts = check(&term, &ReferralConfig { seed, ..ReferralConfig::default() });
        assert_eq!(counts[&EdgeKind::Alumnus], 5 * 30);
        if seed == 2027 {
            println!("sample term, edges by kind: {counts:?}");
        }
    }
}

#[test]
fn config_is_honoured() {
    let term = generate(&GeneratorConfig::new(16, 400, 3));
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let config = ReferralConfig { seed: 4, alumni_per_institution: Some(7), as_of };
    let edges = generate_referrals(&term, &config);
    let institutions: HashSet<&str> = term.projects.iter().map(|p| p.institution.as_str()).collect();
    assert_eq!(edges.iter().filter(|e| e.kind == EdgeKind::Alumnus).count(), 7 * institutions.len());
    assert!(edges.iter().all(|e| e.date.is_some_and(|d| d <= as_of)));
    // Graduations span 1-15 years before as_of.
    let grads: Vec<NaiveDate> = edges.iter().filter(|e| e.kind == EdgeKind::Alumnus).filter_map(|e| e.date).collect();
    assert!(grads.iter().all(|d| (as_of - *d).num_days() >= 365 && (as_of - *d).num_days() <= 15 * 365));
    check(&term, &config);
    // No alumni at all: advisers still join every institution to the network, and prospects are
    // still introduced.
    let config = ReferralConfig { alumni_per_institution: Some(0), ..config };
    let edges = generate_referrals(&term, &config);
    assert!(edges.iter().all(|e| e.kind != EdgeKind::Alumnus));
    let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), Some(as_of), false);
    let dist = hops(&term, &graph);
    for p in term.partners.iter().filter(|p| p.status == PartnerStatus::Prospect) {
        let v = graph.node(&p.id).expect("prospects are in the network");
        assert!((2..u32::MAX).contains(&dist[v as usize]));
    }
}

#[test]
fn names_are_unique_and_follow_the_conventions() {
    let term = generated_term();
    let edges = generate_referrals(&term, &ReferralConfig::default());
    let kinds = Kinds::new(&term);
    // One node per person: each person has exactly one alumnus or advises edge.
    let mut people: BTreeMap<&str, usize> = BTreeMap::new();
    for e in edges.iter().filter(|e| matches!(e.kind, EdgeKind::Alumnus | EdgeKind::Advises)) {
        *people.entry(e.source.as_str()).or_default() += 1;
    }
    assert!(people.values().all(|&n| n == 1), "a person name was given twice");
    assert!(people.keys().any(|n| n.ends_with(" (2)")), "no namesakes among {} people?", people.len());
    // Associations are named after their members' city and sector, and members share both.
    let mut members: BTreeMap<&str, Vec<&pounce::Partner>> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.kind == EdgeKind::MemberOf) {
        let q = term.partners.iter().find(|q| q.id == e.source).unwrap();
        members.entry(e.target.as_str()).or_default().push(q);
    }
    assert!(!members.is_empty());
    for (name, list) in &members {
        let first = list[0];
        let city = first.location.place.split(',').next().unwrap();
        let word = pounce_sim::referrals::association_word(first.industries[0].sector());
        assert!(name.starts_with(city) && name.contains(&format!("{word} Association")), "{name} for {city}");
        for q in list {
            assert_eq!(q.location.place, first.location.place);
            assert_eq!(q.industries[0].sector(), first.industries[0].sector());
        }
        assert_eq!(kinds.of(name), Node::Association);
    }
    // Referrals mostly stay within a city and sector.
    let partner = |id: &str| term.partners.iter().find(|q| q.id == id);
    let pairs: Vec<_> = edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Referred)
        .filter_map(|e| Some((partner(&e.source)?, partner(&e.target)?)))
        .collect();
    let local = pairs
        .iter()
        .filter(|(a, b)| a.location.place == b.location.place || a.industries[0].sector() == b.industries[0].sector())
        .count();
    assert!(local as f64 > 0.9 * pairs.len() as f64, "{local} of {}", pairs.len());
}

#[test]
fn success_stories_become_magnets() {
    let term = generate(&GeneratorConfig::new(80, 3000, 8));
    let edges = generate_referrals(&term, &ReferralConfig::default());
    let past: HashSet<&str> =
        edges.iter().filter(|e| e.kind == EdgeKind::PastProject).map(|e| e.target.as_str()).collect();
    let mut out: BTreeMap<&str, usize> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.kind == EdgeKind::Referred) {
        *out.entry(e.source.as_str()).or_default() += 1;
    }
    let referrers = term.partners.iter().filter(|q| matches!(q.status, PartnerStatus::Active | PartnerStatus::Lapsed));
    let (mut with, mut without) = ((0.0, 0.0), (0.0, 0.0));
    for q in referrers {
        let n = out.get(q.id.as_str()).copied().unwrap_or(0) as f64;
        let acc = if past.contains(q.id.as_str()) { &mut with } else { &mut without };
        acc.0 += n;
        acc.1 += 1.0;
    }
    let (a, b) = (with.0 / with.1, without.0 / without.1);
    assert!(a > b + 1.0, "referrals per partner with past projects {a:.2}, without {b:.2}");
}

#[test]
fn csv_round_trip() {
    let term = sample_term();
    let edges = generate_referrals(&term, &ReferralConfig::default());
    let bytes = csv(&edges);
    assert!(bytes.starts_with(b"source,target,kind,weight,date\n"));
    assert_eq!(read_referrals(bytes.as_slice(), "referrals.csv").unwrap_or_else(|e| panic!("{e}")), edges);
}

#[test]
fn empty_and_partner_only_terms() {
    assert!(generate_referrals(&Term::default(), &ReferralConfig::default()).is_empty());
    let partners = generate(&GeneratorConfig::new(0, 200, 1)).partners;
    let term = Term { projects: Vec::new(), partners };
    let edges = generate_referrals(&term, &ReferralConfig::default());
    assert!(edges.iter().all(|e| matches!(e.kind, EdgeKind::MemberOf | EdgeKind::Referred)));
}

/// `cargo test --release -p pounce-sim --test referrals -- --ignored --nocapture`
#[test]
#[ignore = "timing: run in release"]
fn scale_100k_partners() {
    let term = generate(&GeneratorConfig::new(4000, 100_000, 1));
    let config = ReferralConfig::default();
    let t0 = Instant::now();
    let edges = generate_referrals(&term, &config);
    let secs = t0.elapsed().as_secs_f64();
    println!("100,000 partners: {} edges in {secs:.3} s", edges.len());
    assert!(secs < 2.0, "{secs:.3} s");
    let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), Some(config.as_of), false);
    let active = term.partners.iter().filter(|p| p.status == PartnerStatus::Active);
    let (n, present) = active.fold((0, 0), |(n, k), p| (n + 1, k + usize::from(graph.node(&p.id).is_some())));
    assert!(present as f64 >= 0.9 * n as f64, "{present} of {n}");
}
