//! The research harness: matching strategies compared side by side over seeds.
//!
//! An [`Experiment`] is a [`Scenario`], the strategies to compare and the seeds. For each seed,
//! [`run_experiment`] generates the term (and its referral network), scores it, builds the
//! [`Market`], runs every strategy under the scenario's constraints and records every metric of
//! [`pounce::metrics::assignment_metrics`] as a [`ResultRow`]; when the scenario's
//! `[recommendations]` are enabled (the default), it also records the quality of Pounce's top-k
//! recommendations against each project's held-out stated preferences
//! ([`pounce::metrics::RECOMMENDATION_METRICS`], strategy [`RECOMMEND`], see
//! [`crate::RecommendationShape`]). Seeds run in parallel (rayon); the
//! rows come back in (seed, strategy, metric) order, so the output is byte-identical on any number
//! of threads. No timings are recorded, for the same reason.
//!
//! [`summarise`] turns rows into a mean, standard deviation and 95 % confidence interval per
//! strategy and metric; [`write_results_csv`], [`write_summary_json`] and
//! [`write_report_markdown`] write them to any [`std::io::Write`] (the library opens no file).
//!
//! A new strategy plugs in through [`pounce::matching::Strategy`]:
//!
//! ```
//! use pounce::matching::{Assignment, Market, Resolved, Strategy, Uses};
//! use pounce_sim::{Experiment, Scenario, builtin_strategies, run_experiment, summarise};
//!
//! /// Matches nobody: a floor to compare against.
//! struct Nobody;
//! impl Strategy for Nobody {
//!     fn name(&self) -> String { "nobody".into() }
//!     fn check(&self, _: Uses) -> Result<(), String> { Ok(()) }
//!     fn solve(&self, m: &Market, _: &Resolved) -> pounce::Result<Assignment> {
//!         Ok(Assignment::empty(m.projects.len()))
//!     }
//! }
//!
//! let scenario = Scenario::from_toml("[term]\nprojects = 8\npartners = 40\n[referrals]\nenabled = false\n", "s.toml")?;
//! let mut strategies = builtin_strategies(&["greedy"])?;
//! strategies.push(("nobody".into(), Box::new(Nobody)));
//! let experiment = Experiment { scenario, strategies, seeds: vec![1, 2] };
//! let rows = run_experiment(&experiment, &|_| {})?;
//! use pounce::metrics::{ASSIGNMENT_METRICS, RECOMMENDATION_METRICS};
//! assert_eq!(rows.len(), 2 * (2 * ASSIGNMENT_METRICS.len() + RECOMMENDATION_METRICS.len()));
//! let summary = summarise(&rows);
//! let rate = |s: &str| summary.iter().find(|m| m.strategy == s && m.metric == "match_rate").unwrap().mean;
//! assert!(rate("greedy") > 0.0 && rate("nobody") == 0.0);
//! # Ok::<(), pounce::Error>(())
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use pounce::matching::{Builtin, Market, Strategy, run};
use pounce::metrics::{ASSIGNMENT_METRICS, assignment_metrics, recommendation_lists, recommendation_metrics};
use pounce::referral::{PageRankOptions, ReferralGraph, Referrals};
use pounce::{Error, Scorer, Side, recommend};
use rayon::prelude::*;
use serde::Serialize;

use crate::{Scenario, generate, generate_referrals};

/// What to run: a scenario, the strategies to compare (name shown in results, strategy) and the
/// seeds.
pub struct Experiment {
    /// The scenario: term, referrals, weights and constraints.
    pub scenario: Scenario,
    /// The strategies, in the order results list them.
    pub strategies: Vec<(String, Box<dyn Strategy>)>,
    /// The seeds; each gives one generated term.
    pub seeds: Vec<u64>,
}

impl Experiment {
    /// The scenario's own experiment: its [`Scenario::strategies`] and [`Scenario::seed_list`].
    pub fn from_scenario(scenario: Scenario) -> pounce::Result<Experiment> {
        let strategies = builtin_strategies(&scenario.strategies)?;
        let seeds = scenario.seed_list();
        Ok(Experiment { scenario, strategies, seeds })
    }
}

/// Built-in strategies by name (`greedy`, `optimal`, `stable-projects`, `stable-partners`,
/// `rank-sum`, `rank-maximal`, ...: see [`Builtin::NAMES`]), each shown under its canonical name.
///
/// ```
/// let s = pounce_sim::builtin_strategies(&["greedy", "stable"]).unwrap();
/// assert_eq!(s[1].0, "stable-projects");
/// assert!(pounce_sim::builtin_strategies(&["gredy"]).is_err());
/// ```
pub fn builtin_strategies<S: AsRef<str>>(names: &[S]) -> pounce::Result<Vec<(String, Box<dyn Strategy>)>> {
    names
        .iter()
        .map(|n| {
            let b = Builtin::from_str(n.as_ref()).map_err(Error::Unsupported)?;
            Ok((b.name(), Box::new(b) as Box<dyn Strategy>))
        })
        .collect()
}

/// One row: seed, strategy, metric, value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    /// The seed of the generated term.
    pub seed: u64,
    /// The strategy's name (as in [`Experiment::strategies`]).
    pub strategy: String,
    /// The metric, one of [`ASSIGNMENT_METRICS`].
    pub metric: &'static str,
    /// Its value.
    pub value: f64,
}

/// One institution's outcome under one strategy and seed (for fairness-by-institution charts).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstitutionRow {
    /// The seed.
    pub seed: u64,
    /// The strategy's name.
    pub strategy: String,
    /// The institution.
    pub institution: String,
    /// Its mean score over its projects (unmatched projects count 0).
    pub mean_score: f64,
    /// Its share of projects matched.
    pub match_rate: f64,
}

/// Like [`run_experiment`], also returning every institution's mean score and match rate per seed and
/// strategy, in the same order (seed, strategy, institution by name).
pub fn run_experiment_detailed(
    e: &Experiment,
    progress: &(dyn Fn(usize) + Sync),
) -> pounce::Result<(Vec<ResultRow>, Vec<InstitutionRow>)> {
    e.scenario.validate("scenario")?;
    let uses = e.scenario.constraints.uses();
    for (name, s) in &e.strategies {
        s.check(uses).map_err(|reason| Error::Unsupported(format!("strategy {name}: {reason}")))?;
    }
    let done = AtomicUsize::new(0);
    let per_seed: Vec<pounce::Result<(Vec<ResultRow>, Vec<InstitutionRow>)>> = e
        .seeds
        .par_iter()
        .map(|&seed| {
            let rows = run_seed(e, seed);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1);
            rows
        })
        .collect();
    let mut rows = Vec::with_capacity(e.seeds.len() * e.strategies.len() * ASSIGNMENT_METRICS.len());
    let mut institutions = Vec::new();
    for r in per_seed {
        let (a, b) = r?;
        rows.extend(a);
        institutions.extend(b);
    }
    Ok((rows, institutions))
}

/// Runs an experiment: for every seed, generates the term and (when enabled) its referral network,
/// scores it with the scenario's weights, builds the market, and runs every strategy under the
/// scenario's constraints, recording every metric of [`assignment_metrics`].
///
/// Seeds run in parallel on the current rayon pool; `progress` is called with the number of seeds
/// finished so far after each seed (from worker threads, in completion order). The rows are in
/// (seed order of [`Experiment::seeds`], strategy order, [`ASSIGNMENT_METRICS`] order), whatever the
/// number of threads.
///
/// # Errors
///
/// An invalid scenario; a strategy that refuses one of the scenario's constraints (checked before
/// anything runs, naming the strategy and the reason); constraints that do not fit a generated term
/// (such as a locked pair that is not feasible); a strategy that fails or breaks a constraint. When
/// several seeds fail, the error of the first in seed order is returned.
///
/// **Cost**: per seed, generation, referral PageRank per institution, O(P · Q) scoring, then the
/// strategies; seeds are independent.
pub fn run_experiment(e: &Experiment, progress: &(dyn Fn(usize) + Sync)) -> pounce::Result<Vec<ResultRow>> {
    run_experiment_detailed(e, progress).map(|(rows, _)| rows)
}

fn run_seed(e: &Experiment, seed: u64) -> pounce::Result<(Vec<ResultRow>, Vec<InstitutionRow>)> {
    let s = &e.scenario;
    let term = generate(&s.generator_config(seed));
    let referrals = match s.referral_config(seed) {
        Some(config) => {
            let edges = generate_referrals(&term, &config);
            let graph = ReferralGraph::build(&edges, &s.weights.referral, Some(config.as_of), false);
            let options = PageRankOptions { damping: s.weights.referral.damping, ..Default::default() };
            Some(Referrals::new(graph, &term, &options)?)
        }
        None => None,
    };
    let scorer = Scorer::with_referrals(&term, &s.weights, referrals.as_ref());
    let noise = s.term.preference_noise;
    let market = if noise > 0.0 {
        Market::from_scorer_keyed(&scorer, &|p, q, x| {
            (
                x.fit + noise * normal(seed, p as u64, q as u64, 0),
                x.appeal + noise * normal(seed, p as u64, q as u64, 1),
            )
        })
    } else {
        Market::from_scorer(&scorer)
    };
    let (mut rows, institutions) = evaluate_market_detailed(&market, &e.strategies, &s.constraints, seed)?;
    let r = &s.recommendations;
    if r.enabled {
        let recs = recommend(&scorer, r.k, Side::Projects, &|_| {});
        let truth = stated_choices(&market, r.relevant);
        rows.extend(recommendation_rows(&recs, &truth, term.partners.len(), r.k, seed));
    }
    Ok((rows, institutions))
}

/// The strategy name under which recommendation quality is recorded.
pub const RECOMMEND: &str = "recommend";

/// Each project's held-out relevant partners: those it ranks within its first `relevant` in the
/// market (its stated preferences; ties at the cut are all in), by partner index.
///
/// ```
/// # let term = pounce::doc_example_term();
/// # let scorer = pounce::Scorer::new(&term, &pounce::Weights::default());
/// let market = pounce::matching::Market::from_scorer(&scorer);
/// let truth = pounce_sim::experiment::stated_choices(&market, 1);
/// assert_eq!(truth.len(), market.projects.len());
/// for (p, partners) in truth.iter().enumerate() {
///     assert!(partners.iter().all(|&q| market.edges()[market.edge_index(p, q).unwrap()].project_rank == 1));
/// }
/// ```
pub fn stated_choices(market: &Market, relevant: u32) -> Vec<Vec<usize>> {
    (0..market.projects.len())
        .map(|p| market.project_edges(p).iter().filter(|e| e.project_rank <= relevant).map(|e| e.partner).collect())
        .collect()
}

/// Result rows of [`pounce::metrics::RECOMMENDATION_METRICS`] for recommendation lists against held-out relevant
/// partners (`truth[p]`, by partner index), recorded under the strategy [`RECOMMEND`].
pub fn recommendation_rows(
    recs: &[pounce::Recommendation],
    truth: &[Vec<usize>],
    pool: usize,
    k: usize,
    seed: u64,
) -> Vec<ResultRow> {
    let lists = recommendation_lists(recs);
    recommendation_metrics(&lists, truth, pool, k)
        .into_iter()
        .map(|(metric, value)| ResultRow { seed, strategy: RECOMMEND.to_owned(), metric, value })
        .collect()
}

/// A standard normal draw that depends only on its arguments (splitmix64 hashing and Box–Muller), so
/// noisy preferences are the same on any number of threads.
fn normal(seed: u64, p: u64, q: u64, side: u64) -> f64 {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let h = mix(mix(mix(mix(seed) ^ p) ^ q) ^ side);
    let u1 = ((h >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let u2 = ((mix(h) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Runs every strategy on one market (a real term, or one read from scores or preferences) and
/// records [`assignment_metrics`], the rows labelled with `seed` (use 0 for a real instance).
///
/// ```
/// # let term = pounce::doc_example_term();
/// # let scorer = pounce::Scorer::new(&term, &pounce::Weights::default());
/// let market = pounce::matching::Market::from_scorer(&scorer);
/// let strategies = pounce_sim::builtin_strategies(&["greedy", "optimal"]).unwrap();
/// let rows = pounce_sim::experiment::evaluate_market(&market, &strategies, &Default::default(), 0).unwrap();
/// assert_eq!(rows.len(), 2 * pounce::metrics::ASSIGNMENT_METRICS.len());
/// ```
pub fn evaluate_market(
    market: &Market,
    strategies: &[(String, Box<dyn Strategy>)],
    constraints: &pounce::matching::Constraints,
    seed: u64,
) -> pounce::Result<Vec<ResultRow>> {
    evaluate_market_detailed(market, strategies, constraints, seed).map(|(rows, _)| rows)
}

/// Like [`evaluate_market`], also returning each institution's mean score and match rate.
pub fn evaluate_market_detailed(
    market: &Market,
    strategies: &[(String, Box<dyn Strategy>)],
    constraints: &pounce::matching::Constraints,
    seed: u64,
) -> pounce::Result<(Vec<ResultRow>, Vec<InstitutionRow>)> {
    let mut rows = Vec::with_capacity(strategies.len() * ASSIGNMENT_METRICS.len());
    let mut institutions = Vec::new();
    for (name, strategy) in strategies {
        let a = run(strategy.as_ref(), market, constraints).map_err(|err| match err {
            Error::Unsupported(m) => Error::Unsupported(format!("strategy {name}, seed {seed}: {m}")),
            other => other,
        })?;
        rows.extend(assignment_metrics(market, &a).into_iter().map(|(metric, value)| ResultRow {
            seed,
            strategy: name.clone(),
            metric,
            value,
        }));
        for i in pounce::metrics::Summary::of(market, &a).institutions {
            institutions.push(InstitutionRow {
                seed,
                strategy: name.clone(),
                institution: i.institution,
                mean_score: i.mean_score,
                match_rate: i.match_rate,
            });
        }
    }
    Ok((rows, institutions))
}

// ---------------------------------------------------------------------------------------------
// Aggregation

/// One strategy's metric over the seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    /// The strategy.
    pub strategy: String,
    /// The metric.
    pub metric: &'static str,
    /// Number of values (seeds).
    pub n: usize,
    /// Their mean.
    pub mean: f64,
    /// Their sample standard deviation (n − 1 in the denominator; 0 when n < 2).
    pub std: f64,
    /// The 95 % confidence interval of the mean: `mean ± t · std / √n` (equal to `(mean, mean)`
    /// when n < 2).
    pub ci95: (f64, f64),
}

impl MetricSummary {
    /// Half the width of [`MetricSummary::ci95`].
    pub fn half_width(&self) -> f64 {
        (self.ci95.1 - self.ci95.0) / 2.0
    }
}

/// Two-sided 95 % quantiles of Student's t (the 0.975 quantile) for 1 to 30 degrees of freedom,
/// to 9 decimals (checked by numerical integration of the t density to 1e-10; they agree with the
/// NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2, to its 3 decimals).
const T_975: [f64; 30] = [
    12.706204736,
    4.302652730,
    3.182446305,
    2.776445105,
    2.570581836,
    2.446911851,
    2.364624252,
    2.306004135,
    2.262157163,
    2.228138852,
    2.200985160,
    2.178812830,
    2.160368656,
    2.144786688,
    2.131449546,
    2.119905299,
    2.109815578,
    2.100922040,
    2.093024054,
    2.085963447,
    2.079613845,
    2.073873068,
    2.068657610,
    2.063898562,
    2.059538553,
    2.055529439,
    2.051830516,
    2.048407142,
    2.045229642,
    2.042272456,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact (to 9 decimals) for 1 to
/// 30, the normal 1.96 above (within 4 % of the exact value at df = 31 and closer after). 0 for
/// `df` = 0, where no interval exists.
///
/// ```
/// assert_eq!(pounce_sim::experiment::t_quantile_975(2), 4.302652730);
/// assert_eq!(pounce_sim::experiment::t_quantile_975(100), 1.96);
/// ```
pub fn t_quantile_975(df: usize) -> f64 {
    match df {
        0 => 0.0,
        1..=30 => T_975[df - 1],
        _ => 1.96,
    }
}

/// Mean, sample standard deviation and 95 % confidence interval of the mean (Student's t with
/// n − 1 degrees of freedom, [`t_quantile_975`]) per (strategy, metric), in order of first
/// appearance in `rows` (for [`run_experiment`]'s rows: strategy order, then metric order).
///
/// **O(rows)**.
///
/// ```
/// use pounce_sim::{ResultRow, summarise};
/// let row = |seed, value| ResultRow { seed, strategy: "greedy".into(), metric: "total_score", value };
/// let s = summarise(&[row(1, 1.0), row(2, 2.0), row(3, 3.0)]);
/// assert_eq!((s[0].n, s[0].mean, s[0].std), (3, 2.0, 1.0));
/// assert!((s[0].ci95.1 - (2.0 + 4.302652730 / 3f64.sqrt())).abs() < 1e-12);
/// ```
pub fn summarise(rows: &[ResultRow]) -> Vec<MetricSummary> {
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    let mut groups: Vec<(&str, &'static str, Vec<f64>)> = Vec::new();
    for r in rows {
        let i = *index.entry((r.strategy.as_str(), r.metric)).or_insert_with(|| {
            groups.push((r.strategy.as_str(), r.metric, Vec::new()));
            groups.len() - 1
        });
        groups[i].2.push(r.value);
    }
    groups
        .into_iter()
        .map(|(strategy, metric, values)| {
            let n = values.len();
            let mean = values.iter().sum::<f64>() / n as f64;
            let std = if n < 2 {
                0.0
            } else {
                (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
            };
            let half = if n < 2 { 0.0 } else { t_quantile_975(n - 1) * std / (n as f64).sqrt() };
            MetricSummary { strategy: strategy.to_owned(), metric, n, mean, std, ci95: (mean - half, mean + half) }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writers

/// One-line definitions of [`ASSIGNMENT_METRICS`], from its documentation, in its order.
pub const METRIC_DEFINITIONS: [(&str, &str); 17] = [
    ("total_score", "sum of matched pairs' scores"),
    ("mean_score", "total_score / matched (0 when nothing is matched)"),
    ("match_rate", "matched / projects"),
    ("project_first", "share of matched projects with their rank-1 partner"),
    ("project_top3", "share of matched projects with a partner they rank ≤ 3"),
    ("project_top10", "share of matched projects with a partner they rank ≤ 10"),
    ("partner_first", "share of matched pairs where the partner ranks the project 1"),
    ("partner_top3", "share of matched pairs where the partner ranks the project ≤ 3"),
    ("blocking_pairs", "pairs that would both rather be matched together (weak stability)"),
    ("justified_envy", "ordered pairs of projects where one prefers the other's partner, who prefers it back"),
    ("capacity_utilisation", "projects matched over the partners' total capacity"),
    ("institution_gini", "Gini coefficient of the institutions' mean scores (0 = even)"),
    ("institution_min_max", "worst-off institution's mean score over the best-off's (1 = even)"),
    ("sector_gini", "Gini coefficient of the partner sectors' mean matched scores (0 = even)"),
    ("sector_shannon", "Shannon entropy (nats) of the matched pairs' partner sectors"),
    ("sector_simpson", "Gini–Simpson index of the matched pairs' partner sectors"),
    ("largest_sector_share", "share of matched pairs in the largest partner sector"),
];

/// One-line definitions of [`pounce::metrics::RECOMMENDATION_METRICS`], in its order.
pub const RECOMMENDATION_DEFINITIONS: [(&str, &str); 5] = [
    ("precision_at_k", "recommendations: share of each project's top k that is relevant (held out)"),
    ("recall_at_k", "recommendations: share of each project's relevant partners found in its top k"),
    ("ndcg_at_k", "recommendations: normalised discounted cumulative gain at k (binary relevance)"),
    ("mrr", "recommendations: mean reciprocal rank of the first relevant partner"),
    ("pool_coverage", "recommendations: share of the partner pool in at least one project's top k"),
];

/// The one-line definition of a metric of [`ASSIGNMENT_METRICS`] or [`pounce::metrics::RECOMMENDATION_METRICS`]
/// (empty for another name).
pub fn metric_definition(metric: &str) -> &'static str {
    METRIC_DEFINITIONS.iter().chain(&RECOMMENDATION_DEFINITIONS).find(|(m, _)| *m == metric).map_or("", |(_, d)| d)
}

fn io(name: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io { source_name: name.to_owned(), error }
}

fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")).into() } else { s.into() }
}

/// Writes rows as CSV with the header `seed,strategy,metric,value`; values in Rust's shortest
/// round-trip form (`{}`: `0.1`, `3`, `1e-7`), so the file is deterministic and reads back exactly.
/// `name` names the output in errors.
pub fn write_results_csv<W: Write>(mut w: W, name: &str, rows: &[ResultRow]) -> pounce::Result<()> {
    let mut out = String::from("seed,strategy,metric,value\n");
    for r in rows {
        out.push_str(&format!("{},{},{},{}\n", r.seed, csv_field(&r.strategy), r.metric, r.value));
    }
    w.write_all(out.as_bytes()).and_then(|()| w.flush()).map_err(io(name))
}

/// Writes summaries as a pretty-printed JSON array of
/// `{"strategy", "metric", "n", "mean", "std", "ci95": [low, high]}` objects.
pub fn write_summary_json<W: Write>(mut w: W, name: &str, summaries: &[MetricSummary]) -> pounce::Result<()> {
    let mut text = serde_json::to_string_pretty(summaries)
        .map_err(|e| Error::Io { source_name: name.to_owned(), error: e.into() })?;
    text.push('\n');
    w.write_all(text.as_bytes()).and_then(|()| w.flush()).map_err(io(name))
}

/// `1–10` for consecutive seeds, else the list.
fn seed_text(seeds: &[u64]) -> String {
    let consecutive = seeds.windows(2).all(|p| p[1] == p[0].wrapping_add(1));
    match seeds {
        [] => "none".into(),
        [one] => one.to_string(),
        [first, .., last] if consecutive => format!("{first}–{last}"),
        _ => seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// Writes a Markdown report: an intro stating the scenario (seeds, sizes, referrals, constraints,
/// strategies) and the definition of each metric, then one table per metric with a row per
/// strategy: the mean ± the half-width of its 95 % confidence interval, and n.
pub fn write_report_markdown<W: Write>(
    w: W,
    name: &str,
    scenario_name: &str,
    experiment: &Experiment,
    summaries: &[MetricSummary],
) -> pounce::Result<()> {
    write_report(w, name, &scenario_intro(scenario_name, experiment), summaries)
}

/// The title and opening paragraphs of a report on a generated scenario: seeds, sizes, referrals,
/// constraints and strategies.
pub fn scenario_intro(scenario_name: &str, experiment: &Experiment) -> String {
    let s = &experiment.scenario;
    let t = &s.term;
    let g = s.generator_config(0);
    let mut out = format!("# {scenario_name}: matching strategies compared\n\n");
    if !s.description.trim().is_empty() {
        out.push_str(&format!("{}\n\n", s.description.trim()));
    }
    let seeds = &experiment.seeds;
    out.push_str(&format!(
        "{} seed{} ({}), each a generated term of {} projects, {} partners and {} institutions",
        seeds.len(),
        if seeds.len() == 1 { "" } else { "s" },
        seed_text(seeds),
        t.projects,
        t.partners,
        g.institution_count()
    ));
    if !t.near.is_empty() {
        out.push_str(&format!(" (in {})", t.near.join("; ")));
    }
    out.push_str(&format!(
        ", starting {}; {} of partners local. {}. Constraints: {}.\n\n",
        t.start,
        format_args!("{:.0} %", 100.0 * t.local_share.clamp(0.0, 1.0)),
        if s.referrals.enabled {
            format!("Scored with a generated referral network as of {}", s.referrals.as_of)
        } else {
            "Scored without a referral network".to_owned()
        },
        constraints_text(&s.constraints)
    ));
    let names: Vec<&str> = experiment.strategies.iter().map(|(n, _)| n.as_str()).collect();
    out.push_str(&format!(
        "Strategies: {}.\n\n",
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(
        "Each cell is the mean over the seeds ± the half-width of its 95 % confidence interval \
         (Student's t with n − 1 degrees of freedom); n is the number of seeds.\n\n",
    );
    out
}

/// Writes a Markdown report: `intro` (Markdown: title and context), a table of metric definitions,
/// then one table per metric with a row per strategy: mean ± 95 % CI half-width, and n.
pub fn write_report<W: Write>(mut w: W, name: &str, intro: &str, summaries: &[MetricSummary]) -> pounce::Result<()> {
    let mut out = intro.to_owned();
    let mut metrics: Vec<&'static str> = Vec::new();
    for m in summaries {
        if !metrics.contains(&m.metric) {
            metrics.push(m.metric);
        }
    }
    out.push_str("| metric | definition |\n|---|---|\n");
    for m in &metrics {
        out.push_str(&format!("| `{m}` | {} |\n", metric_definition(m)));
    }
    for m in &metrics {
        out.push_str(&format!("\n## {m}\n\n{}\n\n", metric_definition(m)));
        out.push_str("| strategy | mean ± 95 % CI | n |\n|---|---:|---:|\n");
        for x in summaries.iter().filter(|x| x.metric == *m) {
            out.push_str(&format!(
                "| {} | {:.4} ± {:.4} | {} |\n",
                x.strategy.replace('|', "\\|"),
                x.mean,
                x.half_width(),
                x.n
            ));
        }
    }
    w.write_all(out.as_bytes()).and_then(|()| w.flush()).map_err(io(name))
}

fn constraints_text(c: &pounce::matching::Constraints) -> String {
    let mut parts = Vec::new();
    if !c.locked.is_empty() {
        parts.push(format!("{} locked pairs", c.locked.len()));
    }
    if !c.forbidden.is_empty() {
        parts.push(format!("{} forbidden pairs", c.forbidden.len()));
    }
    if let Some(m) = c.min_score {
        parts.push(format!("min_score {m}"));
    }
    if let Some(m) = c.max_per_institution {
        parts.push(format!("max_per_institution {m}"));
    }
    if let Some(m) = c.max_sector_share {
        parts.push(format!("max_sector_share {m}"));
    }
    if c.retention {
        parts.push("retention".into());
    }
    if let Some(m) = c.institution_min {
        parts.push(format!("institution_min {m}"));
    }
    if c.budgets {
        parts.push("budgets".into());
    }
    if parts.is_empty() { "none".into() } else { parts.join(", ") }
}
