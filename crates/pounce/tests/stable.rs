//! Integration tests of `pounce::matching::stable`: the `matching` package's student–project
//! allocation example reduced to hospital–residents and checked against a textbook implementation,
//! and timed runs on large random markets.
//!
//! The large run is ignored by default:
//! `cargo test --release -p pounce --test stable -- --ignored --nocapture`.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

use pounce::matching::stable::{blocking_pairs, count_blocking_pairs, deferred_acceptance};
use pounce::matching::{Assignment, Edge, Market, MarketPartner, MarketProject, Proposer};

fn partner(id: String, capacity: u32) -> MarketPartner {
    MarketPartner { id, capacity, budget: None, active: true, sector: None }
}

fn project(id: String) -> MarketProject {
    MarketProject { id, institution: String::new() }
}

/// Capacities are respected and every project holds one of its own edges.
fn assert_feasible(market: &Market, a: &Assignment) {
    assert_eq!(a.edges.len(), market.projects.len());
    for (p, e) in a.edges.iter().enumerate() {
        if let Some(e) = *e {
            assert_eq!(market.edges()[e].project, p);
        }
    }
    for (q, load) in a.loads(market).into_iter().enumerate() {
        assert!(load <= market.partners[q].capacity, "{} over capacity", market.partners[q].id);
    }
}

// ---------------------------------------------------------------------------------------------
// The student–project allocation example of the `matching` package.

/// The example as read from the CSVs: students (id, cohort rank, project codes in order of
/// preference, repeats removed) and project codes with capacities.
struct Spa {
    students: Vec<(String, u32, Vec<String>)>,
    projects: Vec<(String, u32)>,
}

fn spa_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../datasets/benchmarks/spa-example")
}

fn read_spa() -> Spa {
    let dir = spa_dir();
    let mut students = Vec::new();
    let mut rd = csv::ReaderBuilder::new().flexible(true).from_path(dir.join("students.csv")).unwrap();
    for row in rd.records() {
        let row = row.unwrap();
        let name = row[0].to_owned();
        let rank: u32 = row[1].parse().unwrap();
        let mut prefs: Vec<String> = Vec::new();
        for code in row.iter().skip(2).filter(|c| !c.is_empty()) {
            // A repeated code adds nothing: its first occurrence is the student's rank of it.
            if !prefs.iter().any(|c| c == code) {
                prefs.push(code.to_owned());
            }
        }
        students.push((name, rank, prefs));
    }
    let mut projects = Vec::new();
    let mut rd = csv::Reader::from_path(dir.join("projects.csv")).unwrap();
    for row in rd.records() {
        let row = row.unwrap();
        projects.push((row[0].to_owned(), row[1].parse().unwrap()));
    }
    Spa { students, projects }
}

/// Students are Pounce's projects (they propose), project codes Pounce's partners with their
/// capacities; a student ranks codes by list position, every code ranks students by the cohort rank
/// (0 best, so partner_rank = rank + 1). Supervisor capacities are ignored.
fn spa_market(spa: &Spa) -> Market {
    let code_index: HashMap<&str, usize> = spa.projects.iter().enumerate().map(|(i, (c, _))| (c.as_str(), i)).collect();
    let mut edges = Vec::new();
    for (s, (name, rank, prefs)) in spa.students.iter().enumerate() {
        for (k, code) in prefs.iter().enumerate() {
            let q =
                *code_index.get(code.as_str()).unwrap_or_else(|| panic!("student {name} lists unknown project {code}"));
            edges.push(Edge {
                project: s,
                partner: q,
                score: 1.0,
                hours: 0.0,
                project_rank: k as u32 + 1,
                partner_rank: rank + 1,
            });
        }
    }
    Market::new(
        spa.students.iter().map(|(n, _, _)| project(n.clone())).collect(),
        spa.projects.iter().map(|(c, cap)| partner(c.clone(), *cap)).collect(),
        edges,
    )
    .unwrap()
}

/// The textbook resident-proposing algorithm (Gale & Shapley 1962, Gusfield & Irving 1989),
/// written for clarity over ids: a queue of free students; each proposes to its next project; a
/// project over capacity drops its worst-ranked student, who rejoins the queue. Returns student id
/// → project code.
fn textbook_student_proposing(spa: &Spa) -> HashMap<String, String> {
    let prefs: HashMap<&str, &Vec<String>> = spa.students.iter().map(|(n, _, p)| (n.as_str(), p)).collect();
    let rank: HashMap<&str, u32> = spa.students.iter().map(|(n, r, _)| (n.as_str(), *r)).collect();
    let capacity: HashMap<&str, usize> = spa.projects.iter().map(|(c, k)| (c.as_str(), *k as usize)).collect();
    let mut next: HashMap<&str, usize> = HashMap::new();
    let mut held: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut free: VecDeque<&str> = spa.students.iter().map(|(n, _, _)| n.as_str()).collect();
    while let Some(s) = free.pop_front() {
        let i = next.entry(s).or_insert(0);
        let Some(code) = prefs[s].get(*i) else { continue }; // list exhausted: stays unmatched
        *i += 1;
        let list = held.entry(code.as_str()).or_default();
        list.push(s);
        if list.len() > capacity[code.as_str()] {
            let worst = (0..list.len()).max_by_key(|&k| rank[list[k]]).unwrap();
            free.push_back(list.remove(worst));
        }
    }
    let mut out = HashMap::new();
    for (code, list) in held {
        for s in list {
            out.insert(s.to_owned(), code.to_owned());
        }
    }
    out
}

fn by_id(market: &Market, a: &Assignment) -> HashMap<String, String> {
    (0..market.projects.len())
        .filter_map(|p| a.partner_of(market, p).map(|q| (market.projects[p].id.clone(), market.partners[q].id.clone())))
        .collect()
}

#[test]
fn spa_example_reduced_to_hospital_residents() {
    let spa = read_spa();
    assert_eq!((spa.students.len(), spa.projects.len()), (100, 70));
    let market = spa_market(&spa);
    let a = deferred_acceptance(&market, Proposer::Projects);
    assert_feasible(&market, &a);
    assert_eq!(blocking_pairs(&market, &a), vec![]);

    // Identical to the textbook implementation.
    let ours = by_id(&market, &a);
    let textbook = textbook_student_proposing(&spa);
    assert_eq!(ours, textbook);

    // All codes rank students by one master list, so the stable matching is unique: the
    // partner-proposing result is the same, and so is the serial dictatorship in rank order.
    assert_eq!(by_id(&market, &deferred_acceptance(&market, Proposer::Partners)), ours);
    let mut left: HashMap<&str, u32> = spa.projects.iter().map(|(c, k)| (c.as_str(), *k)).collect();
    let mut order: Vec<&(String, u32, Vec<String>)> = spa.students.iter().collect();
    order.sort_by_key(|s| s.1);
    let mut serial = HashMap::new();
    for (name, _, prefs) in order {
        if let Some(code) = prefs.iter().find(|c| left[c.as_str()] > 0) {
            *left.get_mut(code.as_str()).unwrap() -= 1;
            serial.insert(name.clone(), code.clone());
        }
    }
    assert_eq!(ours, serial);

    // Three students list nothing; every other student finds a place.
    let no_list = spa.students.iter().filter(|s| s.2.is_empty()).count();
    println!("spa-example: {} of {} students matched ({no_list} gave no list)", a.matched(), spa.students.len());
    assert_eq!((a.matched(), no_list), (97, 3));
}

// ---------------------------------------------------------------------------------------------
// Random markets, for timing.

/// SplitMix64: a tiny deterministic generator, so the tests need no `rand`.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `np` projects, each listing `list` distinct partners out of `nq` (popular partners more often:
/// a partner index is `nq·u²` for uniform u), ranked with some ties; partners rank projects in 1..=1000
/// (many ties); capacities from `capacity`.
fn random_market(np: usize, nq: usize, list: usize, capacity: impl Fn(&mut SplitMix) -> u32, seed: u64) -> Market {
    let mut rng = SplitMix(seed);
    let projects = (0..np).map(|i| project(format!("P{i:07}"))).collect();
    let partners = (0..nq).map(|i| partner(format!("Q{i:06}"), capacity(&mut rng))).collect();
    let mut edges = Vec::with_capacity(np * list);
    let mut chosen = Vec::with_capacity(list);
    for p in 0..np {
        chosen.clear();
        while chosen.len() < list.min(nq) {
            let u = rng.next() as f64 / u64::MAX as f64;
            let q = ((u * u * nq as f64) as usize).min(nq - 1);
            if !chosen.contains(&q) {
                chosen.push(q);
            }
        }
        for (k, &q) in chosen.iter().enumerate() {
            // Ranks 1, 1, 3, 3, 5, ...: pairs of ties on the project side.
            let project_rank = (k as u32 / 2) * 2 + 1;
            let partner_rank = rng.below(1000) as u32 + 1;
            edges.push(Edge { project: p, partner: q, score: 0.0, hours: 0.0, project_rank, partner_rank });
        }
    }
    Market::new(projects, partners, edges).unwrap()
}

fn timed_run(market: &Market) {
    for proposer in [Proposer::Projects, Proposer::Partners] {
        let t = Instant::now();
        let a = deferred_acceptance(market, proposer);
        let solve = t.elapsed();
        let t = Instant::now();
        let blocking = count_blocking_pairs(market, &a);
        let check = t.elapsed();
        assert_feasible(market, &a);
        assert_eq!(blocking, 0, "{proposer:?}");
        println!(
            "  {proposer:?} propose: {} matched, deferred acceptance {:.3} s, blocking-pair check {:.3} s",
            a.matched(),
            solve.as_secs_f64(),
            check.as_secs_f64()
        );
    }
}

/// 10,000 projects × 1,000 partners, capacity 12, lists of 10: milliseconds in release.
#[test]
fn ten_thousand_by_thousand() {
    let t = Instant::now();
    let market = random_market(10_000, 1_000, 10, |_| 12, 7);
    println!("10,000 × 1,000 ({} edges): market built in {:.3} s", market.edges().len(), t.elapsed().as_secs_f64());
    timed_run(&market);
}

/// 1,000,000 projects × 100,000 partners, lists of 10, capacities 1..=15.
#[test]
#[ignore = "large: run with --release -- --ignored"]
fn million_by_hundred_thousand() {
    let t = Instant::now();
    let market = random_market(1_000_000, 100_000, 10, |r| r.below(15) as u32 + 1, 11);
    println!(
        "1,000,000 × 100,000 ({} edges): market built in {:.3} s",
        market.edges().len(),
        t.elapsed().as_secs_f64()
    );
    timed_run(&market);
}
