//! Multi-term simulation: a partner pool lives through several terms of matching, drop-outs,
//! lapses and referrals, under one strategy.
//!
//! [`simulate`] runs `terms` terms of a [`Scenario`] for one seed and returns a [`TermStats`] per
//! term. The model:
//!
//! 1. **Term 0** is the scenario's generated term ([`generate()`] with
//!    [`Scenario::generator_config`]`(seed)`) and, when referrals are enabled, its referral network
//!    ([`generate_referrals`] with [`Scenario::referral_config`]`(seed)`); otherwise the network
//!    starts empty (and never counts in scores, see 3).
//! 2. **The pool** is term 0's partners, kept (with their statuses) from term to term. Only
//!    partners whose status is `active` are offered to the strategy; prospects, lapsed and
//!    declined partners wait.
//! 3. **Each term** scores its projects against the active partners (with the referral network
//!    as it stands when referrals are enabled), builds the [`Market`] and runs the strategy under
//!    the scenario's constraints ([`pounce::matching::run`]).
//! 4. **Outcomes**, per matched pair in project order, from a ChaCha8 stream seeded from
//!    (seed, term) only: the pair drops out with probability
//!    `0.05 + 0.4 · (1 − commitment) − 0.03 · (contacts − 1)`, clamped to [0.01, 0.9]
//!    (`commitment` is the pair's commitment dimension from the scorer, `contacts` the partner's
//!    contact people); a completed project is rated `1 + 4 · fit + u`, `u` uniform in
//!    [−0.5, 0.5], clamped to [1, 5] (`fit` is the project's view of the pair).
//! 5. **Feedback**: [`outcome_edges`] turns the outcomes into `past_project` edges, appended to
//!    the network (one edge per matched pair), which becomes the next term's network.
//! 6. **Lapses**: an active partner that dropped a project lapses with probability 0.5, an
//!    active partner left unmatched with probability 0.1 (both set in the scenario's `[simulation]` table) (status `lapsed`; lapsed partners do not
//!    come back).
//! 7. **Joins**: a prospect within 3 hops of an institution along `past_project` and `referred`
//!    edges of the updated network joins (status `active`) with probability
//!    `0.1 + 0.5 · closeness`, its largest closeness (personalized PageRank, normalised per
//!    institution, [`Referrals`]) to an institution.
//! 8. **Next term's projects**: the generator is run with the same configuration and a new seed
//!    derived from (seed, term) and no partners, and each project `n` is moved to the `(n − 1) %
//!    count`-th institution of term 0 (name and location), the institution the generator assigns
//!    it to; the generator's own institutions for the new seed (same kinds and focus, perhaps
//!    other cities) are dropped. Project ids repeat from term to term (`P000001`...).
//!
//! The calendar does not advance: every term has the scenario's start date and the network is
//! read as of the scenario's `as_of` (outcome edges, dated at the projects' ends, do not decay).
//!
//! The same scenario, strategy, terms and seed give identical stats on any number of threads:
//! every random draw comes from ChaCha8 streams seeded from (seed, term), and scoring and
//! matching are deterministic.

use chrono::NaiveDate;
use pounce::matching::{Market, Strategy, run};
use pounce::referral::feedback::{Outcome, OutcomeRow, outcome_edges};
use pounce::referral::{EdgeKind, EdgeRecord, PageRankOptions, ReferralGraph, Referrals};
use pounce::{Dimension, Error, PartnerStatus, Place, Scorer, Term};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::generate::institutions;
use crate::{Scenario, generate, generate_referrals};

/// What happened in one term of a [`simulate`] run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermStats {
    /// The term, from 0.
    pub term: usize,
    /// The strategy's name, as given to [`simulate`].
    pub strategy: String,
    /// Partners with status `active` when the term is matched (those offered to the strategy).
    pub partners_active: usize,
    /// Prospects that joined after this term's outcomes (active from the next term).
    pub prospects_joined: usize,
    /// Active partners that lapsed after this term's outcomes.
    pub lapsed: usize,
    /// Projects matched.
    pub matched: usize,
    /// Matched projects that were dropped.
    pub dropped: usize,
    /// Matched projects that were completed.
    pub completed: usize,
    /// Mean score of the matched pairs (0 when nothing is matched).
    pub mean_score: f64,
    /// Share of the previous term's active partners still active this term (1 in term 0).
    pub retention: f64,
    /// Edges of the referral network this term is scored with (before its outcomes are added).
    pub referral_edges: usize,
}

/// Probability that a matched pair drops out, from the pair's commitment dimension and the
/// partner's contact people (see the [module documentation](self)).
///
/// ```
/// use pounce_sim::simulate::drop_probability;
/// assert!((drop_probability(1.0, 1) - 0.05).abs() < 1e-12);
/// assert!((drop_probability(0.0, 1) - 0.45).abs() < 1e-12);
/// assert_eq!(drop_probability(1.0, 5), 0.01);
/// ```
pub fn drop_probability(commitment: f64, contacts: u32) -> f64 {
    let c = if commitment.is_nan() { 0.0 } else { commitment.clamp(0.0, 1.0) };
    (0.05 + 0.4 * (1.0 - c) - 0.03 * (f64::from(contacts) - 1.0)).clamp(0.01, 0.9)
}

const STREAM_OUTCOMES: u64 = 1;
const STREAM_LAPSES: u64 = 2;
const STREAM_JOINS: u64 = 3;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The seed of term `term`'s random draws and generated projects (term 0's projects use `seed`
/// itself).
fn term_seed(seed: u64, term: usize) -> u64 {
    splitmix(seed ^ splitmix(term as u64 + 1))
}

fn rng(seed: u64, term: usize, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(term_seed(seed, term));
    r.set_stream(stream);
    r
}

/// Runs `terms` terms of the scenario for one seed under one strategy; see the
/// [module documentation](self) for the model.
///
/// ```
/// use pounce_sim::{Scenario, simulate};
/// let s = Scenario::from_toml("[term]\nprojects = 8\npartners = 40\n", "s.toml")?;
/// let greedy = pounce::matching::Builtin::Greedy;
/// let stats = simulate(&s, &greedy, "greedy", 2, 1)?;
/// assert_eq!(stats.len(), 2);
/// assert_eq!(stats[0].matched, stats[0].dropped + stats[0].completed);
/// assert_eq!(stats[1].referral_edges, stats[0].referral_edges + stats[0].matched);
/// # Ok::<(), pounce::Error>(())
/// ```
///
/// # Errors
///
/// An invalid scenario; a strategy that refuses the scenario's constraints; constraints that do not
/// fit a term; a strategy that fails or breaks a constraint.
///
/// **Cost**: per term, two rounds of personalized PageRank per institution (for scoring and for
/// joins), O(P · Q) scoring and the strategy.
pub fn simulate(
    scenario: &Scenario,
    strategy: &dyn Strategy,
    strategy_name: &str,
    terms: usize,
    seed: u64,
) -> pounce::Result<Vec<TermStats>> {
    scenario.validate("scenario")?;
    strategy
        .check(scenario.constraints.uses())
        .map_err(|reason| Error::Unsupported(format!("strategy {strategy_name}: {reason}")))?;
    let config = scenario.generator_config(seed);
    let first = generate(&config);
    let homes = institutions(&config);
    let referral_config = scenario.referral_config(seed);
    let as_of = referral_config.as_ref().map_or(scenario.referrals.as_of, |c| c.as_of);
    let mut edges = referral_config.as_ref().map_or_else(Vec::new, |c| generate_referrals(&first, c));
    let Term { mut projects, partners: mut pool } = first;
    let mut stats = Vec::with_capacity(terms);
    let mut previous_active: Option<(usize, usize)> = None; // (active, lapsed) of the last term

    for t in 0..terms {
        if t > 0 {
            projects = next_projects(scenario, &homes, seed, t);
        }
        let active: Vec<usize> = (0..pool.len()).filter(|&q| pool[q].status == PartnerStatus::Active).collect();
        let term = Term { projects: projects.clone(), partners: active.iter().map(|&q| pool[q].clone()).collect() };
        let graph = build_graph(scenario, &edges, as_of);
        let referrals = if scenario.referrals.enabled { Some(closeness(scenario, graph, &term)?) } else { None };
        let scorer = Scorer::with_referrals(&term, &scenario.weights, referrals.as_ref());
        let market = Market::from_scorer(&scorer);
        let a = run(strategy, &market, &scenario.constraints).map_err(|err| match err {
            Error::Unsupported(m) => Error::Unsupported(format!("strategy {strategy_name}, term {t}: {m}")),
            other => other,
        })?;

        // Outcomes.
        let mut draws = rng(seed, t, STREAM_OUTCOMES);
        let mut outcomes = Vec::with_capacity(a.matched());
        let mut dropped_by = vec![false; pool.len()];
        let mut matched_by = vec![false; pool.len()];
        for (p, e) in a.edges.iter().enumerate() {
            let Some(e) = *e else { continue };
            let q = market.edges()[e].partner;
            let s = scorer.score(p, q);
            let partner = &term.partners[q];
            matched_by[active[q]] = true;
            let dropped =
                draws.random::<f64>() < drop_probability(s.dimensions[Dimension::Commitment.index()], partner.contacts);
            let (outcome, rating) = if dropped {
                dropped_by[active[q]] = true;
                (Outcome::Dropped, None)
            } else {
                let noise = draws.random::<f64>() - 0.5;
                (Outcome::Completed, Some((1.0 + 4.0 * s.fit + noise).clamp(1.0, 5.0)))
            };
            outcomes.push(OutcomeRow {
                project: term.projects[p].id.clone(),
                partner: partner.id.clone(),
                outcome,
                rating,
                place: Place::File,
            });
        }
        let dropped = outcomes.iter().filter(|o| o.outcome == Outcome::Dropped).count();
        let mean_score = if a.matched() == 0 { 0.0 } else { a.total_score(&market) / a.matched() as f64 };
        let referral_edges = edges.len();
        let (new_edges, _) = outcome_edges(&term, &outcomes, "simulated outcomes")?;
        edges.extend(new_edges);

        // Lapses.
        let mut draws = rng(seed, t, STREAM_LAPSES);
        let mut lapsed = 0;
        for &q in &active {
            let p = if dropped_by[q] {
                scenario.simulation.lapse_after_drop
            } else if !matched_by[q] {
                scenario.simulation.lapse_unmatched
            } else {
                continue;
            };
            if draws.random::<f64>() < p {
                pool[q].status = PartnerStatus::Lapsed;
                lapsed += 1;
            }
        }

        // Joins, on the updated network.
        let joined = join_prospects(scenario, &mut pool, &projects, &edges, as_of, seed, t)?;

        let retention = previous_active.map_or(1.0, |(n, l)| if n == 0 { 1.0 } else { (n - l) as f64 / n as f64 });
        previous_active = Some((active.len(), lapsed));
        stats.push(TermStats {
            term: t,
            strategy: strategy_name.to_owned(),
            partners_active: active.len(),
            prospects_joined: joined,
            lapsed,
            matched: a.matched(),
            dropped,
            completed: a.matched() - dropped,
            mean_score,
            retention,
            referral_edges,
        });
    }
    Ok(stats)
}

fn build_graph(scenario: &Scenario, edges: &[EdgeRecord], as_of: NaiveDate) -> ReferralGraph {
    ReferralGraph::build(edges, &scenario.weights.referral, Some(as_of), false)
}

fn closeness(scenario: &Scenario, graph: ReferralGraph, term: &Term) -> pounce::Result<Referrals> {
    let options = PageRankOptions { damping: scenario.weights.referral.damping, ..Default::default() };
    Referrals::new(graph, term, &options)
}

/// Term `t`'s projects: generated with a seed derived from (seed, t), moved to term 0's
/// institutions.
fn next_projects(scenario: &Scenario, homes: &[crate::Institution], seed: u64, t: usize) -> Vec<pounce::Project> {
    let config = crate::GeneratorConfig { partners: 0, ..scenario.generator_config(term_seed(seed, t)) };
    let mut projects = generate(&config).projects;
    if !homes.is_empty() {
        for (i, p) in projects.iter_mut().enumerate() {
            let home = &homes[i % homes.len()];
            p.institution.clone_from(&home.name);
            p.location = home.location.clone();
        }
    }
    projects
}

/// Prospects within `simulation.join_hops` hops of an institution along `past_project` and
/// `referred` edges join with probability `join_base + join_closeness · closeness`. Returns how many joined.
fn join_prospects(
    scenario: &Scenario,
    pool: &mut [pounce::Partner],
    projects: &[pounce::Project],
    edges: &[EdgeRecord],
    as_of: NaiveDate,
    seed: u64,
    t: usize,
) -> pounce::Result<usize> {
    if !pool.iter().any(|q| q.status == PartnerStatus::Prospect) {
        return Ok(0);
    }
    let graph = build_graph(scenario, edges, as_of);
    let n = graph.node_count();
    // Hop distance from the nearest institution, along past_project and referred links.
    let mut hops = vec![usize::MAX; n];
    let mut frontier: Vec<u32> = Vec::new();
    let mut seen_institutions: Vec<&str> = Vec::new();
    for p in projects {
        if seen_institutions.contains(&p.institution.as_str()) {
            continue;
        }
        seen_institutions.push(&p.institution);
        if let Some(node) = graph.node(&p.institution)
            && hops[node as usize] != 0
        {
            hops[node as usize] = 0;
            frontier.push(node);
        }
    }
    for h in 1..=scenario.simulation.join_hops {
        let mut next = Vec::new();
        for &node in &frontier {
            for (to, link) in graph.out_edges(node) {
                if matches!(link.kind, Some(EdgeKind::PastProject | EdgeKind::Referred))
                    && hops[to as usize] == usize::MAX
                {
                    hops[to as usize] = h;
                    next.push(to);
                }
            }
        }
        frontier = next;
    }
    let term = Term { projects: projects.to_vec(), partners: pool.to_vec() };
    let referrals = closeness(scenario, graph, &term)?;
    let mut draws = rng(seed, t, STREAM_JOINS);
    let mut joined = 0;
    for (q, partner) in pool.iter_mut().enumerate() {
        if partner.status != PartnerStatus::Prospect {
            continue;
        }
        let Some(node) = referrals.graph().node(&partner.id) else { continue };
        if hops[node as usize] > scenario.simulation.join_hops {
            continue;
        }
        let close = seen_institutions.iter().map(|i| referrals.closeness(i, q)).fold(0.0, f64::max);
        if draws.random::<f64>() < scenario.simulation.join_base + scenario.simulation.join_closeness * close {
            partner.status = PartnerStatus::Active;
            joined += 1;
        }
    }
    Ok(joined)
}
