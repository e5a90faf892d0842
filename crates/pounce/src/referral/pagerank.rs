//! Personalized PageRank: how close each node of a [`ReferralGraph`] is to a set of seed nodes
//! (usually one institution), as the stationary distribution of a random walk that follows edges in
//! proportion to their strength and jumps back to the seeds.
//!
//! The iteration is the one of `networkx.pagerank` with a personalization vector and
//! `dangling=None`, so scores can be checked against networkx (see `tests/pagerank.rs` and its
//! fixtures). It is a sparse *pull* power iteration over the in-edges, run in parallel over
//! fixed-size chunks of nodes; every sum is reduced per chunk and the partial sums are added in chunk
//! order, so the scores are bit-identical whatever the number of threads.

use rayon::prelude::*;

use super::graph::ReferralGraph;
use crate::{Error, Result};

/// Nodes per parallel work unit. Fixed (not derived from the thread count) so that the order of
/// floating-point additions, and hence the result, does not depend on the machine.
const CHUNK_NODES: usize = 2048;

/// Options of [`personalized_pagerank`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankOptions {
    /// Probability of following an edge rather than jumping back to the seeds, in [0, 1).
    /// Default 0.85.
    pub damping: f64,
    /// The iteration stops once the L1 norm of the change between two iterates, Σ|x′ − x|, is below
    /// this (> 0). Default 1e-10. (networkx compares against `len(G) * tol`: pass `n · tol` for the
    /// same stopping point.)
    pub tolerance: f64,
    /// The most iterations to run. Default 1000.
    pub max_iterations: usize,
}

impl Default for PageRankOptions {
    fn default() -> Self {
        PageRankOptions { damping: 0.85, tolerance: 1e-10, max_iterations: 1000 }
    }
}

/// The result of [`personalized_pagerank`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PageRank {
    /// One score per node, indexed by node (see [`ReferralGraph::node`]); they sum to 1 (up to
    /// rounding). Nodes unreachable from the seeds score exactly 0.
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the change fell below the tolerance within `max_iterations`.
    pub converged: bool,
}

/// Personalized PageRank from weighted seed nodes.
///
/// The random walk starts at a seed drawn in proportion to the seed weights; at each step it follows
/// an out-edge of the current node with probability `damping` (choosing the edge in proportion to
/// its strength) and otherwise jumps back to a seed. From a node without outgoing strength (a
/// *dangling* node) it always jumps back to a seed. The score of a node is the long-run fraction of
/// time the walk spends there. With `p` the normalised seed weights, `W` the row-normalised
/// out-strengths and `d` the damping, the iteration is
///
/// ```text
/// x₀ = p,   x_{t+1} = d · (x_t W + (Σ_{u dangling} x_t[u]) · p) + (1 − d) · p,
/// ```
///
/// which is exactly `networkx.pagerank(G, alpha=d, personalization=p, weight="weight",
/// dangling=None)` on the graph's merged edges with weight = strength (networkx starts from the
/// uniform vector instead of `p` and stops at `len(G) · tol`; both converge to the same unique
/// fixed point).
///
/// # Arguments
/// * `graph`: the referral graph (directed or undirected as built).
/// * `seeds`: `(node, weight)` pairs; weights must be finite and > 0 and are normalised to sum to
///   one. A node listed twice gets the sum of its weights.
/// * `options`: damping, tolerance and iteration limit (see [`PageRankOptions`]).
///
/// # Returns
/// A [`PageRank`] with one score per node, the iterations run and whether the iteration converged
/// (when it did not, the scores are the last iterate).
///
/// # Errors
/// [`Error::Unsupported`] when there are no seeds, a seed is not a node of the graph, a seed weight
/// is not finite and positive, the damping is outside [0, 1) or the tolerance is not finite and
/// positive.
///
/// # Complexity
/// Time O(k · (|V| + |E|)) for k iterations, split over the rayon thread pool; k is about
/// log(tolerance) / log(damping) (~140 for the defaults). Memory O(|V|) besides the graph.
///
/// # Example
/// ```
/// use pounce::referral::pagerank::{PageRankOptions, personalized_pagerank};
/// use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
///
/// let edge = |s: &str, t: &str| EdgeRecord {
///     source: s.into(), target: t.into(), kind: EdgeKind::Referred, weight: 1.0, date: None,
/// };
/// // uni → alice → acme, and a company nobody in the network knows.
/// let records = [edge("uni", "alice"), edge("alice", "acme"), edge("globex", "initech")];
/// let graph = ReferralGraph::build(&records, &ReferralWeights::default(), None, true);
/// let uni = graph.node("uni").unwrap();
/// let pr = personalized_pagerank(&graph, &[(uni, 1.0)], &PageRankOptions::default())?;
/// assert!(pr.converged);
/// let score = |id: &str| pr.scores[graph.node(id).unwrap() as usize];
/// assert!(score("uni") > score("alice") && score("alice") > score("acme"));
/// assert_eq!(score("initech"), 0.0); // unreachable from the seed
/// assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// # Ok::<(), pounce::Error>(())
/// ```
///
/// # References
/// * L. Page, S. Brin, R. Motwani, T. Winograd, *The PageRank Citation Ranking: Bringing Order to the
///   Web*, Stanford InfoLab technical report 1999-66, 1999.
/// * T. H. Haveliwala, *Topic-Sensitive PageRank*, WWW 2002 (personalized restart vectors).
/// * networkx `pagerank` (`_pagerank_scipy`), whose iteration and dangling-node handling this
///   reproduces.
pub fn personalized_pagerank(
    graph: &ReferralGraph,
    seeds: &[(u32, f64)],
    options: &PageRankOptions,
) -> Result<PageRank> {
    pagerank_in_chunks(graph, seeds, options, CHUNK_NODES)
}

/// [`personalized_pagerank`] with a given chunk size (tests use small chunks on small graphs).
fn pagerank_in_chunks(
    graph: &ReferralGraph,
    seeds: &[(u32, f64)],
    options: &PageRankOptions,
    chunk: usize,
) -> Result<PageRank> {
    check_options(options)?;
    let n = graph.node_count();
    let restart = restart_vector(n, seeds)?;
    let mut dangling = vec![false; n];
    for &u in graph.dangling() {
        dangling[u as usize] = true;
    }
    let damping = options.damping;
    let jump = 1.0 - damping;
    let (in_start, in_sources, in_shares) = graph.in_edges();

    let mut x = restart.clone();
    let mut next = vec![0.0f64; n];
    // Σ x[u] over dangling u (x₀ = p; later reduced per chunk with the iteration itself).
    let mut dangling_mass: f64 = graph.dangling().iter().map(|&u| x[u as usize]).sum();

    for iteration in 1..=options.max_iterations {
        // One chunk of x_{t+1}: the new scores of nodes start.., their L1 change and their
        // dangling mass.
        let step = |c: usize, out: &mut [f64]| -> (f64, f64) {
            let start = c * chunk;
            let (mut change, mut mass) = (0.0f64, 0.0f64);
            for (i, slot) in out.iter_mut().enumerate() {
                let v = start + i;
                let edges = in_start[v]..in_start[v + 1];
                let mut inflow = 0.0f64;
                for (&u, &share) in in_sources[edges.clone()].iter().zip(&in_shares[edges]) {
                    inflow += x[u as usize] * share;
                }
                let value = damping * (inflow + dangling_mass * restart[v]) + jump * restart[v];
                change += (value - x[v]).abs();
                if dangling[v] {
                    mass += value;
                }
                *slot = value;
            }
            (change, mass)
        };
        // The same chunks either way; one chunk skips the thread pool's overhead.
        let partials: Vec<(f64, f64)> = if n <= chunk {
            next.chunks_mut(chunk).enumerate().map(|(c, out)| step(c, out)).collect()
        } else {
            next.par_chunks_mut(chunk).enumerate().map(|(c, out)| step(c, out)).collect()
        };
        // Partial sums added in chunk order: the same bits on any number of threads.
        let (change, mass) = partials.into_iter().fold((0.0f64, 0.0f64), |(c, m), (pc, pm)| (c + pc, m + pm));
        std::mem::swap(&mut x, &mut next);
        dangling_mass = mass;
        if change < options.tolerance {
            return Ok(PageRank { scores: x, iterations: iteration, converged: true });
        }
    }
    Ok(PageRank { scores: x, iterations: options.max_iterations, converged: false })
}

fn check_options(options: &PageRankOptions) -> Result<()> {
    if !(0.0..1.0).contains(&options.damping) {
        return Err(Error::Unsupported(format!(
            "PageRank damping must be at least 0 and less than 1, found {}",
            options.damping
        )));
    }
    if !(options.tolerance > 0.0 && options.tolerance.is_finite()) {
        return Err(Error::Unsupported(format!(
            "PageRank tolerance must be a positive finite number, found {}",
            options.tolerance
        )));
    }
    Ok(())
}

/// The seeds as a dense probability vector over the `n` nodes.
fn restart_vector(n: usize, seeds: &[(u32, f64)]) -> Result<Vec<f64>> {
    if seeds.is_empty() {
        return Err(Error::Unsupported("personalized PageRank needs at least one seed node".into()));
    }
    let mut p = vec![0.0f64; n];
    for &(node, weight) in seeds {
        if node as usize >= n {
            return Err(Error::Unsupported(format!(
                "PageRank seed node {node} is not in the graph (it has {n} node{})",
                if n == 1 { "" } else { "s" }
            )));
        }
        if !(weight > 0.0 && weight.is_finite()) {
            return Err(Error::Unsupported(format!(
                "PageRank seed weights must be positive finite numbers, found {weight} for node {node}"
            )));
        }
        p[node as usize] += weight;
    }
    let total: f64 = seeds.iter().map(|&(_, w)| w).sum();
    if !total.is_finite() {
        return Err(Error::Unsupported("PageRank seed weights are too large: their sum overflows".into()));
    }
    for value in &mut p {
        *value /= total;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::{EdgeKind, EdgeRecord, ReferralWeights};

    fn edge(s: &str, t: &str, weight: f64) -> EdgeRecord {
        EdgeRecord { source: s.into(), target: t.into(), kind: EdgeKind::Referred, weight, date: None }
    }

    /// Strength = weight: no kind factor, no decay.
    fn plain() -> ReferralWeights {
        ReferralWeights { referred: 1.0, half_life_days: 0.0, ..Default::default() }
    }

    fn graph(edges: &[(&str, &str, f64)], directed: bool) -> ReferralGraph {
        let records: Vec<EdgeRecord> = edges.iter().map(|&(s, t, w)| edge(s, t, w)).collect();
        ReferralGraph::build(&records, &plain(), None, directed)
    }

    fn tight() -> PageRankOptions {
        PageRankOptions { tolerance: 1e-15, max_iterations: 10_000, ..Default::default() }
    }

    fn unsupported(r: Result<PageRank>) -> String {
        match r {
            Err(Error::Unsupported(m)) => m,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    #[test]
    fn two_node_cycle_has_closed_form() {
        // a ⇄ b, seed a: x_a = (1−d) + d·x_b, x_b = d·x_a ⇒ x_a = 1/(1+d), x_b = d/(1+d).
        let g = graph(&[("a", "b", 1.0), ("b", "a", 0.5)], true);
        let pr = personalized_pagerank(&g, &[(g.node("a").unwrap(), 1.0)], &tight()).unwrap();
        let d = 0.85;
        assert!((pr.scores[0] - 1.0 / (1.0 + d)).abs() < 1e-14, "{:?}", pr.scores);
        assert!((pr.scores[1] - d / (1.0 + d)).abs() < 1e-14, "{:?}", pr.scores);
        assert!(pr.converged);
    }

    #[test]
    fn dangling_mass_returns_to_the_seeds() {
        // a → b, b dangling: b's mass goes back to a, the same as the cycle a ⇄ b.
        let g = graph(&[("a", "b", 0.3)], true);
        let pr = personalized_pagerank(&g, &[(0, 1.0)], &tight()).unwrap();
        let d = 0.85;
        assert!((pr.scores[0] - 1.0 / (1.0 + d)).abs() < 1e-14);
        assert!((pr.scores[1] - d / (1.0 + d)).abs() < 1e-14);
    }

    #[test]
    fn weights_split_the_flow() {
        // a → b (0.75), a → c (0.25), both dangling: b gets three times c's score.
        let g = graph(&[("a", "b", 0.75), ("a", "c", 0.25)], true);
        let pr = personalized_pagerank(&g, &[(0, 1.0)], &tight()).unwrap();
        assert!((pr.scores[1] - 3.0 * pr.scores[2]).abs() < 1e-14);
        assert!((pr.scores.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }

    #[test]
    fn zero_damping_returns_the_seed_vector() {
        let g = graph(&[("a", "b", 1.0), ("b", "c", 1.0)], true);
        let pr =
            personalized_pagerank(&g, &[(0, 3.0), (2, 1.0)], &PageRankOptions { damping: 0.0, ..tight() }).unwrap();
        assert_eq!(pr.scores, vec![0.75, 0.0, 0.25]);
        assert_eq!(pr.iterations, 1);
        assert!(pr.converged);
    }

    #[test]
    fn repeated_seeds_add_up() {
        let g = graph(&[("a", "b", 1.0), ("b", "c", 1.0), ("c", "a", 1.0)], true);
        let once = personalized_pagerank(&g, &[(0, 2.0), (1, 1.0)], &tight()).unwrap();
        let split = personalized_pagerank(&g, &[(0, 1.0), (1, 1.0), (0, 1.0)], &tight()).unwrap();
        assert_eq!(once, split);
    }

    #[test]
    fn unreachable_nodes_score_exactly_zero() {
        let g = graph(&[("a", "b", 1.0), ("c", "a", 1.0), ("c", "d", 1.0)], true);
        let pr = personalized_pagerank(&g, &[(g.node("a").unwrap(), 1.0)], &tight()).unwrap();
        assert_eq!(pr.scores[g.node("c").unwrap() as usize], 0.0);
        assert_eq!(pr.scores[g.node("d").unwrap() as usize], 0.0);
        // Undirected, c and d are reachable.
        let g = graph(&[("a", "b", 1.0), ("c", "a", 1.0), ("c", "d", 1.0)], false);
        let pr = personalized_pagerank(&g, &[(g.node("a").unwrap(), 1.0)], &tight()).unwrap();
        assert!(pr.scores.iter().all(|&s| s > 0.0));
    }

    #[test]
    fn stops_at_max_iterations() {
        let g = graph(&[("a", "b", 1.0), ("b", "a", 1.0)], true);
        let pr = personalized_pagerank(&g, &[(0, 1.0)], &PageRankOptions { max_iterations: 3, ..tight() }).unwrap();
        assert_eq!((pr.iterations, pr.converged), (3, false));
        let pr = personalized_pagerank(&g, &[(0, 1.0)], &PageRankOptions { max_iterations: 0, ..tight() }).unwrap();
        assert_eq!((pr.iterations, pr.converged, pr.scores), (0, false, vec![1.0, 0.0]));
    }

    #[test]
    fn bad_requests_are_refused() {
        let g = graph(&[("a", "b", 1.0)], true);
        let ok = PageRankOptions::default();
        assert!(unsupported(personalized_pagerank(&g, &[], &ok)).contains("at least one seed"));
        assert!(unsupported(personalized_pagerank(&g, &[(2, 1.0)], &ok)).contains("not in the graph"));
        for w in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(unsupported(personalized_pagerank(&g, &[(0, w)], &ok)).contains("seed weights"));
        }
        assert!(unsupported(personalized_pagerank(&g, &[(0, f64::MAX), (1, f64::MAX)], &ok)).contains("overflows"));
        for d in [1.0, -0.1, f64::NAN, 1.5] {
            let o = PageRankOptions { damping: d, ..ok };
            assert!(unsupported(personalized_pagerank(&g, &[(0, 1.0)], &o)).contains("damping"));
        }
        for t in [0.0, -1e-9, f64::NAN, f64::INFINITY] {
            let o = PageRankOptions { tolerance: t, ..ok };
            assert!(unsupported(personalized_pagerank(&g, &[(0, 1.0)], &o)).contains("tolerance"));
        }
    }

    /// A ring with chords and a few dangling nodes, `n` nodes.
    fn ring(n: usize) -> ReferralGraph {
        let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
        let mut edges = Vec::new();
        for i in 0..n {
            if i % 7 == 3 {
                continue; // dangling
            }
            edges.push((names[i].as_str(), names[(i + 1) % n].as_str(), 0.3 + (i % 5) as f64 * 0.1));
            edges.push((names[i].as_str(), names[(i * 13 + 5) % n].as_str(), 0.05 + (i % 3) as f64 * 0.2));
        }
        edges.retain(|(a, b, _)| a != b);
        graph(&edges, true)
    }

    #[test]
    fn chunk_size_and_thread_count_do_not_change_the_bits() {
        let g = ring(500);
        let seeds = [(0u32, 2.0), (250u32, 1.0)];
        let o = PageRankOptions::default();
        let reference = pagerank_in_chunks(&g, &seeds, &o, 16).unwrap();
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let again = pool.install(|| pagerank_in_chunks(&g, &seeds, &o, 16)).unwrap();
            assert_eq!(again, reference, "{threads} threads");
        }
        // Another chunk size only reorders a few additions.
        let other = pagerank_in_chunks(&g, &seeds, &o, 7).unwrap();
        let l1: f64 = other.scores.iter().zip(&reference.scores).map(|(a, b)| (a - b).abs()).sum();
        assert!(l1 < 1e-12, "{l1}");
    }
}
