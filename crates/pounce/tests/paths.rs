//! Integration tests of `pounce::referral::paths`: a hand-checked referral network, Yen's ranking
//! against brute-force enumeration of simple paths on random small graphs, `strongest_from` against
//! the best ranked path, and edge cases. A timed run on a million-node network is ignored by
//! default: `cargo test --release -p pounce --test paths -- --ignored --nocapture`.

use std::time::Instant;

use petgraph::graph::NodeIndex;
use pounce::referral::paths::{Path, strongest_from, strongest_paths};
use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
use proptest::prelude::*;

fn record(source: &str, target: &str, kind: EdgeKind, weight: f64) -> EdgeRecord {
    EdgeRecord { source: source.into(), target: target.into(), kind, weight, date: None }
}

// ---------------------------------------------------------------------------------------------
// A hand-checked network.

/// Tech U and Beta Farms, with default weights (alumnus 0.6, works at 0.9, advises 0.7, member of
/// 0.3, past project rating / 5, referred 0.8). Nodes in order of first appearance:
/// Dana Lee 0, Tech U 1, Acme 2, Beta Farms 3, Prof Ng 4, AgriNet 5, Eli Park 6, Zed Co 7, Yew Ltd 8.
fn network(directed: bool) -> ReferralGraph {
    use EdgeKind::*;
    let records = [
        record("Dana Lee", "Tech U", Alumnus, 1.0),     // 0.6
        record("Dana Lee", "Acme", WorksAt, 1.0),       // 0.9
        record("Acme", "Beta Farms", Referred, 1.0),    // 0.8
        record("Prof Ng", "Tech U", Advises, 1.0),      // 0.7 (the adviser's route)
        record("Prof Ng", "Acme", Advises, 1.0),        // 0.7
        record("Tech U", "Acme", PastProject, 2.0),     // rating 2: 2 / 5 = 0.4
        record("Tech U", "AgriNet", MemberOf, 1.0),     // 0.3 (the weak association)
        record("Beta Farms", "AgriNet", MemberOf, 1.0), // 0.3
        record("Dana Lee", "AgriNet", MemberOf, 1.0),   // 0.3
        record("Eli Park", "Tech U", Alumnus, 1.0),     // 0.6 (a second alumnus at Acme)
        record("Eli Park", "Acme", WorksAt, 1.0),       // 0.9
        record("Tech U", "Beta Farms", Referred, 0.0),  // strength 0: never used
        record("Zed Co", "Yew Ltd", Referred, 1.0),     // another component
    ];
    ReferralGraph::build(&records, &ReferralWeights::default(), None, directed)
}

fn node(graph: &ReferralGraph, id: &str) -> u32 {
    graph.node(id).unwrap_or_else(|| panic!("no node {id}"))
}

fn describe(graph: &ReferralGraph, path: &Path) -> String {
    path.describe(&|n| graph.id(n).to_string())
}

/// Every simple path from Tech U (1) to Beta Farms (3), by hand. Into Beta Farms from Acme (0.8)
/// or from AgriNet (0.3):
///
/// | path                                      | nodes          | strength                     |
/// |-------------------------------------------|----------------|------------------------------|
/// | Tech U, Dana Lee, Acme, Beta Farms        | 1 0 2 3        | 0.6 × 0.9 × 0.8 = 0.432      |
/// | Tech U, Eli Park, Acme, Beta Farms        | 1 6 2 3        | 0.6 × 0.9 × 0.8 = 0.432      |
/// | Tech U, Prof Ng, Acme, Beta Farms         | 1 4 2 3        | 0.7 × 0.7 × 0.8 = 0.392      |
/// | Tech U, Acme, Beta Farms                  | 1 2 3          | 0.4 × 0.8 = 0.32             |
/// | Tech U, AgriNet, Beta Farms               | 1 5 3          | 0.3 × 0.3 = 0.09             |
/// | Tech U, AgriNet, Dana Lee, Acme, Beta     | 1 5 0 2 3      | 0.3 × 0.3 × 0.9 × 0.8 = 0.0648 |
/// | Tech U, Dana Lee, AgriNet, Beta Farms     | 1 0 5 3        | 0.6 × 0.3 × 0.3 = 0.054      |
/// | Tech U, Eli, Acme, Dana, AgriNet, Beta    | 1 6 2 0 5 3    | 0.6 × 0.9 × 0.9 × 0.3 × 0.3 = 0.04374 |
/// | Tech U, Ng, Acme, Dana, AgriNet, Beta     | 1 4 2 0 5 3    | 0.7 × 0.7 × 0.9 × 0.3 × 0.3 = 0.03969 |
/// | Tech U, Acme, Dana, AgriNet, Beta         | 1 2 0 5 3      | 0.4 × 0.9 × 0.3 × 0.3 = 0.0324 |
///
/// The two alumni tie at 0.432 (the same strengths in the same order) and are ordered by node
/// sequence: Dana Lee (0) before Eli Park (6). The direct Tech U–Beta Farms edge has strength 0.
const ALL_PATHS: [(&[u32], f64); 10] = [
    (&[1, 0, 2, 3], 0.432),
    (&[1, 6, 2, 3], 0.432),
    (&[1, 4, 2, 3], 0.392),
    (&[1, 2, 3], 0.32),
    (&[1, 5, 3], 0.09),
    (&[1, 5, 0, 2, 3], 0.0648),
    (&[1, 0, 5, 3], 0.054),
    (&[1, 6, 2, 0, 5, 3], 0.04374),
    (&[1, 4, 2, 0, 5, 3], 0.03969),
    (&[1, 2, 0, 5, 3], 0.0324),
];

fn assert_paths(got: &[Path], expected: &[(&[u32], f64)]) {
    let got_nodes: Vec<&[u32]> = got.iter().map(|p| p.nodes.as_slice()).collect();
    let expected_nodes: Vec<&[u32]> = expected.iter().map(|e| e.0).collect();
    assert_eq!(got_nodes, expected_nodes);
    for (p, (_, s)) in got.iter().zip(expected) {
        assert!((p.strength - s).abs() < 1e-9, "{:?}: {} != {s}", p.nodes, p.strength);
        assert_eq!(p.kinds.len(), p.nodes.len() - 1);
    }
}

#[test]
fn hand_checked_network() {
    let g = network(false);
    let (tech_u, beta) = (node(&g, "Tech U"), node(&g, "Beta Farms"));
    assert_eq!((tech_u, beta, node(&g, "Dana Lee"), node(&g, "Eli Park")), (1, 3, 0, 6));

    let top = strongest_paths(&g, tech_u, beta, 5, 6);
    assert_paths(&top, &ALL_PATHS[..5]);
    let sentences: Vec<String> = top.iter().map(|p| describe(&g, p)).collect();
    assert_eq!(
        sentences,
        [
            "Tech U —alumnus— Dana Lee —works at— Acme —referred— Beta Farms",
            "Tech U —alumnus— Eli Park —works at— Acme —referred— Beta Farms",
            "Tech U —advises— Prof Ng —advises— Acme —referred— Beta Farms",
            "Tech U —past project— Acme —referred— Beta Farms",
            "Tech U —member of— AgriNet —member of— Beta Farms",
        ]
    );
    use EdgeKind::*;
    assert_eq!(top[0].kinds, [Some(Alumnus), Some(WorksAt), Some(Referred)]);

    // All ten, and no more however large k is.
    assert_paths(&strongest_paths(&g, tech_u, beta, 100, 6), &ALL_PATHS);
    // k = 1: the first of the tied alumni.
    assert_paths(&strongest_paths(&g, tech_u, beta, 1, 6), &ALL_PATHS[..1]);
    // At most 3 edges: the 4- and 5-edge paths go. At most 2: two paths. At most 1: none (the direct
    // edge has strength 0).
    let three: Vec<(&[u32], f64)> = ALL_PATHS.iter().copied().filter(|p| p.0.len() <= 4).collect();
    assert_eq!(three.len(), 6);
    assert_paths(&strongest_paths(&g, tech_u, beta, 100, 3), &three);
    assert_paths(&strongest_paths(&g, tech_u, beta, 100, 2), &[ALL_PATHS[3], ALL_PATHS[4]]);
    assert!(strongest_paths(&g, tech_u, beta, 100, 1).is_empty());
    // At most 4 edges and k = 6: the 4-edge path 0.0648 ranks sixth.
    assert_paths(&strongest_paths(&g, tech_u, beta, 6, 4), &ALL_PATHS[..6]);

    // Backwards, the same paths reversed, in the same order except the tie: Beta Farms, Acme, Dana
    // Lee, Tech U is [3, 2, 0, 1] and comes before [3, 2, 6, 1].
    let back = strongest_paths(&g, beta, tech_u, 3, 6);
    let nodes: Vec<Vec<u32>> = back.iter().map(|p| p.nodes.clone()).collect();
    assert_eq!(nodes, [vec![3, 2, 0, 1], vec![3, 2, 6, 1], vec![3, 2, 4, 1]]);
    assert_eq!(describe(&g, &back[0]), "Beta Farms —referred— Acme —works at— Dana Lee —alumnus— Tech U");
}

#[test]
fn hand_checked_network_directed() {
    // Edges only as recorded: Tech U → Acme (past project) → Beta Farms (referred); Tech U →
    // AgriNet leads nowhere, and people point at Tech U, not from it.
    let g = network(true);
    let (tech_u, beta) = (node(&g, "Tech U"), node(&g, "Beta Farms"));
    assert_paths(&strongest_paths(&g, tech_u, beta, 5, 6), &[(&[1, 2, 3], 0.32)]);
    assert!(strongest_paths(&g, beta, tech_u, 5, 6).is_empty());
    // Dana Lee reaches Beta Farms directly through Acme (0.9 × 0.8 = 0.72), and through Tech U's
    // past project (0.6 × 0.4 × 0.8 = 0.192).
    let dana = node(&g, "Dana Lee");
    assert_paths(&strongest_paths(&g, dana, beta, 5, 6), &[(&[0, 2, 3], 0.72), (&[0, 1, 2, 3], 0.192)]);
}

#[test]
fn hand_checked_strongest_from() {
    let g = network(false);
    let s = strongest_from(&g, node(&g, "Tech U"));
    let expect = [
        ("Tech U", Some(1.0)),
        ("Dana Lee", Some(0.6)),
        ("Eli Park", Some(0.6)),
        ("Prof Ng", Some(0.7)),
        ("Acme", Some(0.54)),        // 0.6 × 0.9 beats 0.7 × 0.7 = 0.49 and 0.4
        ("Beta Farms", Some(0.432)), // beats the 0 direct edge
        ("AgriNet", Some(0.3)),      // direct 0.3 beats 0.6 × 0.3 = 0.18
        ("Zed Co", None),
        ("Yew Ltd", None),
    ];
    for (id, want) in expect {
        let got = s[node(&g, id) as usize];
        match (got, want) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{id}: {a} != {b}"),
            _ => assert_eq!(got, want, "{id}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edge cases.

#[test]
fn unreachable_zero_k_same_node_and_zero_strength() {
    let g = network(false);
    let (tech_u, beta, zed) = (node(&g, "Tech U"), node(&g, "Beta Farms"), node(&g, "Zed Co"));
    assert!(strongest_paths(&g, tech_u, zed, 3, 6).is_empty());
    assert!(strongest_paths(&g, zed, tech_u, 3, 6).is_empty());
    assert!(strongest_paths(&g, tech_u, beta, 0, 6).is_empty());
    assert!(strongest_paths(&g, tech_u, beta, 3, 0).is_empty());
    assert!(strongest_paths(&g, tech_u, tech_u, 3, 6).is_empty());
    assert_eq!(strongest_from(&g, tech_u)[zed as usize], None);

    // Only zero-strength edges: a → b (weight 0) and a self-loop. Nothing is reachable.
    let records = [record("a", "b", EdgeKind::Referred, 0.0), record("a", "a", EdgeKind::Referred, 1.0)];
    for directed in [false, true] {
        let g = ReferralGraph::build(&records, &ReferralWeights::default(), None, directed);
        let (a, b) = (node(&g, "a"), node(&g, "b"));
        assert_eq!(g.out_edges(a).count(), 2);
        assert!(strongest_paths(&g, a, b, 3, 6).is_empty());
        assert!(strongest_paths(&g, a, a, 3, 6).is_empty());
        assert_eq!(strongest_from(&g, a), [Some(1.0), None]);
    }
}

#[test]
#[should_panic(expected = "not in the graph")]
fn unknown_node_panics() {
    let g = network(false);
    strongest_paths(&g, 0, 99, 3, 6);
}

/// `n` alumni of Tech U all working at Acme, which referred Beta Farms: `n` paths of strength
/// 0.6 × 0.9 × 0.8 = 0.432, the same strengths in the same order. Nodes: A0 0, Tech U 1, Acme 2,
/// then A1, A2, ... and Beta Farms last.
fn tied_alumni(n: usize) -> ReferralGraph {
    let mut records = Vec::new();
    for i in 0..n {
        records.push(record(&format!("A{i}"), "Tech U", EdgeKind::Alumnus, 1.0));
        records.push(record(&format!("A{i}"), "Acme", EdgeKind::WorksAt, 1.0));
    }
    records.push(record("Acme", "Beta Farms", EdgeKind::Referred, 1.0));
    ReferralGraph::build(&records, &ReferralWeights::default(), None, false)
}

#[test]
fn many_tied_paths_come_in_node_order() {
    let g = tied_alumni(200);
    let beta = node(&g, "Beta Farms");
    let paths = strongest_paths(&g, 1, beta, 3, 6);
    let nodes: Vec<Vec<u32>> = paths.iter().map(|p| p.nodes.clone()).collect();
    assert_eq!(nodes, [vec![1, 0, 2, beta], vec![1, 3, 2, beta], vec![1, 4, 2, beta]]);
    assert!(paths.iter().all(|p| p.strength == paths[0].strength));
    assert!((paths[0].strength - 0.432).abs() < 1e-9);
    assert_eq!(strongest_paths(&g, 1, beta, 1000, 6).len(), 200);
}

// ---------------------------------------------------------------------------------------------
// Brute force.

/// Every simple path from `from` to `to` with at most `max_hops` edges of positive strength, by
/// depth-first search, with its strength (product from the source on).
fn all_simple_paths(g: &ReferralGraph, from: u32, to: u32, max_hops: usize) -> Vec<(Vec<u32>, f64)> {
    fn dfs(g: &ReferralGraph, to: u32, max_hops: usize, path: &mut Vec<u32>, s: f64, out: &mut Vec<(Vec<u32>, f64)>) {
        let u = *path.last().unwrap();
        if u == to && path.len() > 1 {
            out.push((path.clone(), s));
            return;
        }
        if path.len() > max_hops {
            return;
        }
        for (v, link) in g.out_edges(u) {
            if link.strength > 0.0 && !path.contains(&v) {
                path.push(v);
                dfs(g, to, max_hops, path, s * link.strength, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    dfs(g, to, max_hops, &mut vec![from], 1.0, &mut out);
    out
}

/// The cost of a path as documented in `pounce::referral::paths`: the sum of the edge costs
/// `round(−ln(s) · 2^48)`.
fn fixed_point_cost(g: &ReferralGraph, nodes: &[u32]) -> u64 {
    nodes
        .windows(2)
        .map(|e| {
            let s = g.out_edges(e[0]).find(|x| x.0 == e[1]).expect("an edge").1.strength;
            (-s.ln() * (1u64 << 48) as f64).round() as u64
        })
        .sum()
}

/// The k strongest by brute force: sorted by fixed-point cost, then by node sequence.
fn brute_force(g: &ReferralGraph, from: u32, to: u32, k: usize, max_hops: usize) -> Vec<(Vec<u32>, f64)> {
    let mut all: Vec<(u64, Vec<u32>, f64)> =
        all_simple_paths(g, from, to, max_hops).into_iter().map(|(p, s)| (fixed_point_cost(g, &p), p, s)).collect();
    all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    all.into_iter().take(k).map(|(_, nodes, s)| (nodes, s)).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// A random graph on nodes n0..n{n-1} (node i is "n{i}": each gets a zero-strength self-loop
/// first), directed or not, with edges of the given strengths (every kind weighs 1.0, so the
/// strength is the weight; parallel edges add up, capped at 1).
fn random_graph(n: usize, directed: bool, edges: &[(usize, usize, f64, usize)]) -> ReferralGraph {
    let mut records: Vec<EdgeRecord> =
        (0..n).map(|i| record(&format!("n{i}"), &format!("n{i}"), EdgeKind::Referred, 0.0)).collect();
    for &(a, b, s, kind) in edges {
        let kind = EdgeKind::ALL[kind];
        // A past project's strength is its rating / 5.
        let weight = if kind == EdgeKind::PastProject { 5.0 * s } else { s };
        records.push(record(&format!("n{a}"), &format!("n{b}"), kind, weight));
    }
    let ones = ReferralWeights {
        alumnus: 1.0,
        works_at: 1.0,
        advises: 1.0,
        member_of: 1.0,
        past_project: 1.0,
        referred: 1.0,
        ..ReferralWeights::default()
    };
    let g = ReferralGraph::build(&records, &ones, None, directed);
    assert_eq!(g.node_count(), n);
    g
}

/// Strengths in eighths (0 to 1), mostly 1/4, 1/2 and 1: many equal products, of the same strengths
/// (exact ties, ranked by node sequence) or of different ones (0.5 × 0.5 = 0.25 × 1, which −ln
/// rounds one quantum apart), and many edges of cost 0.
fn eighths() -> BoxedStrategy<f64> {
    prop_oneof![
        1 => Just(0.0),
        2 => Just(0.25),
        3 => Just(0.5),
        2 => Just(1.0),
        2 => (1u32..=8).prop_map(|c| f64::from(c) / 8.0),
    ]
    .boxed()
}

/// Arbitrary strengths, with 0 and 1 often.
fn reals() -> BoxedStrategy<f64> {
    prop_oneof![1 => Just(0.0), 2 => Just(1.0), 7 => 0.0..1.0f64].boxed()
}

/// Edges of a random graph: (source, target, strength, index of the kind in `EdgeKind::ALL`).
type RandomEdges = Vec<(usize, usize, f64, usize)>;

/// Random graphs: node count, directed, edges.
fn graphs(strength: fn() -> BoxedStrategy<f64>) -> impl Strategy<Value = (usize, bool, RandomEdges)> {
    (2usize..=8, any::<bool>()).prop_flat_map(move |(n, directed)| {
        (Just(n), Just(directed), prop::collection::vec((0..n, 0..n, strength(), 0usize..6), 0..=22))
    })
}

fn check_against_brute_force(g: &ReferralGraph, from: u32, to: u32, k: usize, max_hops: usize) {
    let got = strongest_paths(g, from, to, k, max_hops);
    let want = brute_force(g, from, to, k, max_hops);
    let got_nodes: Vec<&Vec<u32>> = got.iter().map(|p| &p.nodes).collect();
    let want_nodes: Vec<&Vec<u32>> = want.iter().map(|p| &p.0).collect();
    assert_eq!(got_nodes, want_nodes, "from {from} to {to}, k {k}, max_hops {max_hops}: {want:?}");
    for (p, (_, s)) in got.iter().zip(&want) {
        assert!(close(p.strength, *s), "{:?}: {} != {s}", p.nodes, p.strength);
        assert_eq!(p.kinds.len(), p.nodes.len() - 1);
        for (i, kind) in p.kinds.iter().enumerate() {
            let link = g.out_edges(p.nodes[i]).find(|e| e.0 == p.nodes[i + 1]).expect("an edge of the graph").1;
            assert_eq!(*kind, link.kind);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// `strongest_from` against petgraph's Dijkstra over -ln(strength) on the exported graph.
    #[test]
    fn strongest_from_equals_petgraph_dijkstra((n, directed, edges) in graphs(reals), from in 0usize..8) {
        let g = random_graph(n, directed, &edges);
        let from = (from % n) as u32;
        let exported = g.to_petgraph();
        prop_assert_eq!(exported.node_count(), g.node_count());
        // Edges of strength 0 are no link at all.
        let cost = petgraph::algo::dijkstra(&exported, NodeIndex::new(from as usize), None, |e| {
            let s = e.weight().strength;
            if s > 0.0 { -s.ln() } else { f64::INFINITY }
        });
        for (v, got) in strongest_from(&g, from).into_iter().enumerate() {
            let want = cost.get(&NodeIndex::new(v)).map(|c| (-c).exp()).filter(|&s| s > 0.0);
            match (got, want) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-9 * b, "node {}: {} vs {}", v, a, b),
                (a, b) => prop_assert_eq!(a, b, "node {}", v),
            }
        }
    }

    /// Exact ranking, ties included, against brute force.
    #[test]
    fn yen_equals_brute_force_with_ties(
        (n, directed, edges) in graphs(eighths),
        from in 0usize..8, to in 0usize..8, k in 0usize..=8, max_hops in 0usize..=8,
    ) {
        let g = random_graph(n, directed, &edges);
        check_against_brute_force(&g, (from % n) as u32, (to % n) as u32, k, max_hops);
    }

    /// Exact ranking with arbitrary strengths against brute force.
    #[test]
    fn yen_equals_brute_force(
        (n, directed, edges) in graphs(reals),
        from in 0usize..8, to in 0usize..8, k in 0usize..=8, max_hops in 0usize..=8,
    ) {
        let g = random_graph(n, directed, &edges);
        check_against_brute_force(&g, (from % n) as u32, (to % n) as u32, k, max_hops);
    }

    /// `strongest_from` gives the strength of the best ranked path to every node, without hop bound.
    #[test]
    fn strongest_from_agrees_with_the_best_path(
        (n, directed, edges) in graphs(reals),
        from in 0usize..8,
    ) {
        let g = random_graph(n, directed, &edges);
        let from = (from % n) as u32;
        let s = strongest_from(&g, from);
        prop_assert_eq!(s.len(), n);
        prop_assert_eq!(s[from as usize], Some(1.0));
        for to in (0..n as u32).filter(|&t| t != from) {
            let best = strongest_paths(&g, from, to, 1, g.node_count());
            match (s[to as usize], best.first()) {
                (Some(a), Some(p)) => prop_assert!(close(a, p.strength), "{} != {}", a, p.strength),
                (None, None) => {}
                (a, p) => prop_assert!(false, "to {}: strongest_from {:?}, strongest_paths {:?}", to, a, p),
            }
            // And the brute-force maximum.
            let max = all_simple_paths(&g, from, to, n).iter().map(|p| p.1).reduce(f64::max);
            match (s[to as usize], max) {
                (Some(a), Some(b)) => prop_assert!(close(a, b)),
                (a, b) => prop_assert_eq!(a, b),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A million nodes.

/// xorshift64*: a small fixed-seed generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// 1000 institutions, 200,000 organisations, 500 associations and 800,000 people: every person an
/// alumnus of an institution and working at an organisation (skewed towards big employers), some in
/// associations or advising; organisations refer one another and did past projects with
/// institutions.
fn big_network(directed: bool) -> ReferralGraph {
    use EdgeKind::*;
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let (institutions, organisations, associations, people) = (1000, 200_000, 500, 800_000);
    let mut records = Vec::new();
    for p in 0..people {
        let person = format!("P{p}");
        records.push(record(&person, &format!("I{}", rng.below(institutions)), Alumnus, 1.0));
        let r = rng.below(organisations);
        let org = r * rng.below(organisations) / organisations; // skewed: small indices are big
        records.push(record(&person, &format!("O{org}"), WorksAt, 1.0));
        if rng.chance(0.3) {
            records.push(record(&person, &format!("A{}", rng.below(associations)), MemberOf, 1.0));
        }
        if rng.chance(0.01) {
            records.push(record(&person, &format!("I{}", rng.below(institutions)), Advises, 1.0));
        }
    }
    for o in 0..organisations {
        if rng.chance(0.5) {
            records.push(record(&format!("O{o}"), &format!("O{}", rng.below(organisations)), Referred, 1.0));
        }
        if rng.chance(0.3) {
            let rating = 1 + rng.below(5);
            records.push(record(
                &format!("I{}", rng.below(institutions)),
                &format!("O{o}"),
                PastProject,
                rating as f64,
            ));
        }
    }
    ReferralGraph::build(&records, &ReferralWeights::default(), None, directed)
}

#[test]
#[ignore = "timed run: cargo test --release -p pounce --test paths -- --ignored --nocapture"]
fn thousands_of_tied_paths() {
    for n in [1000, 10_000] {
        let g = tied_alumni(n);
        let beta = node(&g, "Beta Farms");
        let t = Instant::now();
        let paths = strongest_paths(&g, 1, beta, 3, 6);
        println!("{n} tied paths, k = 3: {:.2?}", t.elapsed());
        assert_eq!(paths[2].nodes, [1, 4, 2, beta]);
    }
}

#[test]
#[ignore = "timed run on a million nodes: cargo test --release -p pounce --test paths -- --ignored --nocapture"]
fn million_nodes() {
    for directed in [false, true] {
        let t = Instant::now();
        let g = big_network(directed);
        println!(
            "{} graph: {} nodes, {} edges, built in {:.2?}",
            if directed { "directed" } else { "undirected" },
            g.node_count(),
            g.edge_count(),
            t.elapsed()
        );
        let t = Instant::now();
        let from = node(&g, "I0");
        let s = strongest_from(&g, from);
        println!("strongest_from: {:.2?} ({} reachable)", t.elapsed(), s.iter().flatten().count());
        let mut times = Vec::new();
        let mut rng = Rng(42);
        // 16 organisations reachable from I0 and 4 anywhere.
        let reachable: Vec<u32> =
            (0..g.node_count() as u32).filter(|&v| s[v as usize].is_some() && g.id(v).starts_with('O')).collect();
        let mut targets: Vec<u32> = (0..16).map(|_| reachable[rng.below(reachable.len())]).collect();
        while targets.len() < 20 {
            targets.extend(g.node(&format!("O{}", rng.below(200_000))));
        }
        for to in targets {
            let t = Instant::now();
            let paths = strongest_paths(&g, from, to, 3, 6);
            let elapsed = t.elapsed();
            times.push(elapsed);
            let first = paths.first().map(|p| format!("{:.4} {}", p.strength, p.describe(&|n| g.id(n).to_string())));
            println!("  to {}: {} paths in {elapsed:.2?}; {}", g.id(to), paths.len(), first.unwrap_or_default());
            // The strongest path may have more than 6 edges.
            if let Some(p) = paths.first() {
                assert!(p.strength <= s[to as usize].unwrap() * (1.0 + 1e-9));
            }
        }
        times.sort();
        println!("k = 3, max_hops = 6: median {:.2?}, max {:.2?}", times[times.len() / 2], times[times.len() - 1]);
    }
}
