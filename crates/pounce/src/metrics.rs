//! Measures of a matching that coordinators and researchers read: totals, rank distributions,
//! blocking pairs, capacity use, and fairness across institutions; and the measures researchers
//! compare strategies and recommenders with.
//!
//! * Matchings: [`Summary`] (what `pounce match` prints), [`justified_envy`],
//!   [`capacity_utilisation`], fairness by group ([`fairness_by`], [`institution_fairness`],
//!   [`sector_fairness`]), portfolio diversity ([`sector_diversity`]), and the flat record the
//!   research harness writes one row per metric of ([`assignment_metrics`], in the order of
//!   [`ASSIGNMENT_METRICS`]).
//! * Recommendations against held-out ground truth: [`precision_at_k`], [`recall_at_k`],
//!   [`ndcg_at_k`], [`mrr`] and [`coverage`]; [`recommendation_lists`] turns the output of
//!   [`recommend()`](crate::recommend()) into ranked lists.
//!
//! Every function here is total: empty inputs give 0 (or the documented neutral value), never NaN.
//!
//! ## Conventions of the recommendation metrics
//!
//! `lists[i]` is subject i's ranked list (best first) and `relevant[i]` its held-out relevant items
//! (a set: repeats are ignored). Scores are averaged over the subjects with at least one relevant
//! item; the others are skipped, and with none at all the score is 0. A subject with relevant items
//! but no list (or past the end of `lists`) has an empty list and scores 0. An item repeated in a
//! list counts only at its first place.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::matching::{Assignment, Market, stable};

/// The Gini coefficient of non-negative values: 0 when all are equal, approaching 1 when one holds
/// everything. Mean absolute difference over twice the mean (Gini 1912); 0 for an empty slice or an
/// all-zero one.
///
/// ```
/// use pounce::metrics::gini;
/// assert_eq!(gini(&[1.0, 1.0, 1.0]), 0.0);
/// assert!((gini(&[0.0, 0.0, 0.0, 1.0]) - 0.75).abs() < 1e-12);
/// ```
pub fn gini(values: &[f64]) -> f64 {
    let n = values.len();
    let sum: f64 = values.iter().sum();
    if n == 0 || sum <= 0.0 {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    // Sum over i<j of |x_j - x_i| = sum_i x_i (2i - n + 1) for sorted x.
    let weighted: f64 = v.iter().enumerate().map(|(i, x)| x * (2.0 * i as f64 - n as f64 + 1.0)).sum();
    (weighted / (n as f64 * sum)).max(0.0)
}

/// How many matched members of one side got their first, top-3 and top-10 choice.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RankDistribution {
    /// Members matched.
    pub matched: usize,
    /// Matched to a rank-1 choice.
    pub first: usize,
    /// Matched to a choice ranked 3 or better.
    pub top3: usize,
    /// Matched to a choice ranked 10 or better.
    pub top10: usize,
    /// Count per rank.
    pub histogram: BTreeMap<u32, usize>,
}

impl RankDistribution {
    fn add(&mut self, rank: u32) {
        self.matched += 1;
        self.first += usize::from(rank <= 1);
        self.top3 += usize::from(rank <= 3);
        self.top10 += usize::from(rank <= 10);
        *self.histogram.entry(rank).or_default() += 1;
    }
}

/// One institution's share of the term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstitutionSummary {
    /// Institution.
    pub institution: String,
    /// Its projects.
    pub projects: usize,
    /// Of which matched.
    pub matched: usize,
    /// `matched / projects`.
    pub match_rate: f64,
    /// Mean score over its projects (unmatched count as 0).
    pub mean_score: f64,
}

/// The summary of a matching.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Projects in the term.
    pub projects: usize,
    /// Projects matched.
    pub matched: usize,
    /// `matched / projects`.
    pub match_rate: f64,
    /// Sum of matched pairs' scores.
    pub total_score: f64,
    /// Mean score of matched pairs.
    pub mean_score: f64,
    /// Projects' ranks of their partners.
    pub project_ranks: RankDistribution,
    /// Partners' ranks of their projects.
    pub partner_ranks: RankDistribution,
    /// Pairs that would both rather be matched together (weak stability).
    pub blocking_pairs: usize,
    /// Total partner capacity.
    pub capacity: u64,
    /// Capacity used (projects matched).
    pub capacity_used: u64,
    /// Partners hosting at least one project.
    pub partners_used: usize,
    /// Per institution, by name.
    pub institutions: Vec<InstitutionSummary>,
    /// Gini coefficient of the institutions' mean scores (0 = perfectly even).
    pub institution_gini: f64,
}

impl Summary {
    /// Summarises `assignment` on `market`.
    pub fn of(market: &Market, assignment: &Assignment) -> Summary {
        let edges = market.edges();
        let mut project_ranks = RankDistribution::default();
        let mut partner_ranks = RankDistribution::default();
        let mut by_inst: BTreeMap<&str, (usize, usize, f64)> = BTreeMap::new();
        let mut total = 0.0;
        for (p, e) in assignment.edges.iter().enumerate() {
            let entry = by_inst.entry(market.projects[p].institution.as_str()).or_default();
            entry.0 += 1;
            if let Some(e) = *e {
                let edge = &edges[e];
                project_ranks.add(edge.project_rank);
                partner_ranks.add(edge.partner_rank);
                total += edge.score;
                entry.1 += 1;
                entry.2 += edge.score;
            }
        }
        let institutions: Vec<InstitutionSummary> = by_inst
            .into_iter()
            .map(|(i, (n, m, s))| InstitutionSummary {
                institution: i.to_owned(),
                projects: n,
                matched: m,
                match_rate: m as f64 / n as f64,
                mean_score: s / n as f64,
            })
            .collect();
        let matched = assignment.matched();
        let loads = assignment.loads(market);
        Summary {
            projects: market.projects.len(),
            matched,
            match_rate: if market.projects.is_empty() { 0.0 } else { matched as f64 / market.projects.len() as f64 },
            total_score: total,
            mean_score: if matched == 0 { 0.0 } else { total / matched as f64 },
            project_ranks,
            partner_ranks,
            blocking_pairs: stable::count_blocking_pairs(market, assignment),
            capacity: market.partners.iter().map(|q| u64::from(q.capacity)).sum(),
            capacity_used: matched as u64,
            partners_used: loads.iter().filter(|l| **l > 0).count(),
            institution_gini: gini(&institutions.iter().map(|i| i.mean_score).collect::<Vec<_>>()),
            institutions,
        }
    }

    /// One paragraph for people (printed to standard error by `pounce match`).
    pub fn text(&self) -> String {
        let pct = |a: usize, b: usize| if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 };
        format!(
            "matched {} of {} projects ({:.0}%); total score {:.4}, mean {:.4}\n\
             projects got their 1st choice {:.0}%, top 3 {:.0}%; partners got their 1st choice {:.0}%, top 3 {:.0}%\n\
             blocking pairs {}; capacity used {} of {} ({} partners); institution Gini {:.3}",
            self.matched,
            self.projects,
            100.0 * self.match_rate,
            self.total_score,
            self.mean_score,
            pct(self.project_ranks.first, self.matched),
            pct(self.project_ranks.top3, self.matched),
            pct(self.partner_ranks.first, self.matched),
            pct(self.partner_ranks.top3, self.matched),
            self.blocking_pairs,
            self.capacity_used,
            self.capacity,
            self.partners_used,
            self.institution_gini
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Stability and capacity.

/// The number of justified-envy pairs of `a`: ordered pairs of projects (p, p′) where p′ is matched
/// to a partner q such that
///
/// * p strictly prefers q to its own partner (`project_rank(p, q) < project_rank(p, a(p))`), or p
///   is unmatched and finds q acceptable ((p, q) is an edge), **and**
/// * q strictly prefers p to p′ (`partner_rank(p, q) < partner_rank(p′, q)`).
///
/// In symbols, `|{ (p, p′) : p′ ∈ a⁻¹(q), (p, q) ∈ E, q ≻_p a(p), p ≻_q p′ }|`.
///
/// An assignment without justified envy is *fair* in the sense of Abdulkadiroğlu & Sönmez (2003);
/// in hospital–residents terms the count is of envy toward a specific displaced project. It differs
/// from the [blocking pairs](crate::matching::stable::blocking_pairs): a blocking pair (p, q) also
/// arises when q merely has a free slot (nobody is displaced, so no envy is justified), and one
/// blocking pair (p, q) gives as many envy pairs as q holds projects it ranks below p. Hence every
/// envy pair (p, p′) makes (p, q) a blocking pair, so the count is 0 whenever the assignment is
/// stable, and it is at most the sum over blocking pairs (p, q) of q's load. Ties count as no
/// preference on either side. The assignment need not respect capacities.
///
/// # Complexity
///
/// **O(P + Q + E · c)** time, where c is the largest number of projects a partner holds; O(P) extra
/// memory.
///
/// # Panics
///
/// When `a.edges` is shorter than the number of projects or names an edge not in `market`.
///
/// # Example
///
/// Partner Q0 (capacity 1) ranks P1 above P0 but holds P0; P1 ranks Q0 first and holds Q1. Q1 has
/// a free slot that the unmatched P2 would take: a blocking pair, but nobody P2 could envy.
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject, stable};
/// use pounce::metrics::justified_envy;
///
/// let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
/// let partners = (0..2)
///     .map(|i| MarketPartner { id: format!("Q{i}"), capacity: 2 - (i == 0) as u32, budget: None, active: true, sector: None })
///     .collect();
/// // Preferences (partner, rank) per project; (project, rank) per partner.
/// let market = Market::from_preferences(
///     projects,
///     partners,
///     &[vec![(0, 1), (1, 2)], vec![(0, 1), (1, 2)], vec![(1, 1)]],
///     &[vec![(1, 1), (0, 2)], vec![(0, 1), (1, 2), (2, 3)]],
/// )?;
/// let mut a = Assignment::empty(3);
/// a.edges[0] = market.edge_index(0, 0); // P0–Q0
/// a.edges[1] = market.edge_index(1, 1); // P1–Q1
/// // (P1, P0): P1 prefers Q0 (1 < 2) and Q0 prefers P1 (1 < 2).
/// assert_eq!(justified_envy(&market, &a), 1);
/// // Blocking: (P1, Q0) as above, and (P2, Q1) through Q1's free slot.
/// assert_eq!(stable::count_blocking_pairs(&market, &a), 2);
/// # Ok::<(), pounce::Error>(())
/// ```
///
/// # Reference
///
/// A. Abdulkadiroğlu and T. Sönmez, "School choice: a mechanism design approach", *American
/// Economic Review* 93(3), 729–747, 2003.
pub fn justified_envy(market: &Market, a: &Assignment) -> usize {
    let edges = market.edges();
    let np = market.projects.len();
    // The partner ranks of the projects each partner holds.
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); market.partners.len()];
    for &e in a.edges[..np].iter().flatten() {
        held[edges[e].partner].push(edges[e].partner_rank);
    }
    let mut envy = 0;
    for (p, &current) in a.edges[..np].iter().enumerate() {
        let current_rank = current.map(|c| edges[c].project_rank);
        for edge in market.project_edges(p) {
            // Edges come by ascending project rank: from here on p does not strictly prefer q. This
            // also skips p's own partner, so p never counts envy toward itself.
            if current_rank.is_some_and(|r| edge.project_rank >= r) {
                break;
            }
            envy += held[edge.partner].iter().filter(|&&r| r > edge.partner_rank).count();
        }
    }
    envy
}

/// The share of the partners' total capacity in use: `matched / Σ_q capacity(q)`, 0 when the total
/// capacity is 0. Above 1 only for an assignment that overfills partners.
///
/// **O(P + Q)**.
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject};
/// use pounce::metrics::capacity_utilisation;
///
/// let projects = vec![MarketProject { id: "P0".into(), institution: String::new() }];
/// let partners = vec![MarketPartner { id: "Q0".into(), capacity: 4, budget: None, active: true, sector: None }];
/// let market = Market::from_scores(projects, partners, &[(0, 0, 0.5, 0.0)])?;
/// let a = Assignment::new(vec![Some(0)]);
/// assert_eq!(capacity_utilisation(&market, &a), 0.25); // 1 of 4 places
/// assert_eq!(capacity_utilisation(&market, &Assignment::empty(1)), 0.0);
/// # Ok::<(), pounce::Error>(())
/// ```
pub fn capacity_utilisation(market: &Market, a: &Assignment) -> f64 {
    let total: u64 = market.partners.iter().map(|q| u64::from(q.capacity)).sum();
    if total == 0 { 0.0 } else { a.matched() as f64 / total as f64 }
}

// ---------------------------------------------------------------------------------------------
// Fairness across groups.

/// How evenly a value is spread over groups (institutions, sectors).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFairness {
    /// Each group's value, by group name.
    pub groups: Vec<(String, f64)>,
    /// The [Gini coefficient](gini) of the values: 0 when all are equal.
    pub gini: f64,
    /// The worst-off group's value over the best-off group's, in [0, 1]: 1 when all are equal.
    pub min_max_ratio: f64,
}

/// The fairness of per-group values: the groups sorted by name, their [`gini`] and the ratio of
/// the smallest value to the largest, `min_g v_g / max_g v_g`.
///
/// Values are expected to be non-negative (scores, rates). Edge cases:
///
/// * no groups: `gini = 0`, `min_max_ratio = 0`;
/// * one group with a positive value, or all values equal and positive: `gini = 0`, ratio 1;
/// * largest value 0 (every group got nothing): `gini = 0` but ratio 0, so a term where nobody is
///   served does not read as perfectly fair;
/// * a negative smallest value gives ratio 0 (the ratio is clamped to [0, 1]).
///
/// Names should be distinct; a repeated name stays a separate group (sorted stably).
///
/// **O(G log G)** for G groups.
///
/// ```
/// use pounce::metrics::fairness_by;
///
/// let f = fairness_by(&[("b".into(), 1.0), ("a".into(), 3.0)]);
/// assert_eq!(f.groups, vec![("a".to_owned(), 3.0), ("b".to_owned(), 1.0)]);
/// assert_eq!(f.min_max_ratio, 1.0 / 3.0);
/// // Gini: |3 - 1| summed over both orders = 4, over 2 · n² · mean = 2 · 4 · 2 = 16.
/// assert_eq!(f.gini, 0.25);
/// assert_eq!(fairness_by(&[]).min_max_ratio, 0.0);
/// ```
pub fn fairness_by(values: &[(String, f64)]) -> GroupFairness {
    let mut groups = values.to_vec();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let vs: Vec<f64> = groups.iter().map(|g| g.1).collect();
    let max = vs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = vs.iter().copied().fold(f64::INFINITY, f64::min);
    let min_max_ratio = if vs.is_empty() || max <= 0.0 { 0.0 } else { (min / max).clamp(0.0, 1.0) };
    GroupFairness { gini: gini(&vs), min_max_ratio, groups }
}

/// Fairness across institutions of the mean score of their projects, unmatched projects counting 0:
/// for institution i with projects P_i, `v_i = Σ_{p ∈ P_i, p matched} score(p, a(p)) / |P_i|`; then
/// [`fairness_by`]. Institutions are named as in the market (an unknown institution is the empty
/// name), so `gini` equals [`Summary::institution_gini`].
///
/// **O(P log P)**.
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject};
/// use pounce::metrics::institution_fairness;
///
/// let projects = ["A", "A", "B"]
///     .iter()
///     .enumerate()
///     .map(|(i, inst)| MarketProject { id: format!("P{i}"), institution: inst.to_string() })
///     .collect();
/// let partners = vec![MarketPartner { id: "Q0".into(), capacity: 3, budget: None, active: true, sector: None }];
/// let market = Market::from_scores(projects, partners, &[(0, 0, 0.8, 0.0), (1, 0, 0.4, 0.0), (2, 0, 0.3, 0.0)])?;
/// let mut a = Assignment::empty(3);
/// a.edges[0] = market.edge_index(0, 0);
/// a.edges[2] = market.edge_index(2, 0);
/// let f = institution_fairness(&market, &a);
/// // A: (0.8 + 0) / 2 = 0.4; B: 0.3 / 1. Ratio 0.3 / 0.4.
/// assert_eq!(f.groups, vec![("A".to_owned(), 0.4), ("B".to_owned(), 0.3)]);
/// assert!((f.min_max_ratio - 0.75).abs() < 1e-12);
/// # Ok::<(), pounce::Error>(())
/// ```
pub fn institution_fairness(market: &Market, a: &Assignment) -> GroupFairness {
    let edges = market.edges();
    let mut by: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for (p, project) in market.projects.iter().enumerate() {
        let entry = by.entry(project.institution.as_str()).or_default();
        entry.0 += 1;
        if let Some(e) = a.edges[p] {
            entry.1 += edges[e].score;
        }
    }
    fairness_by(&by.into_iter().map(|(i, (n, s))| (i.to_owned(), s / n as f64)).collect::<Vec<_>>())
}

/// The name of the group of partners without a sector, in [`sector_fairness`] and
/// [`sector_diversity`].
pub const UNKNOWN_SECTOR: &str = "unknown";

fn sector_of(market: &Market, q: usize) -> &str {
    market.partners[q].sector.as_deref().unwrap_or(UNKNOWN_SECTOR)
}

/// Fairness across partner sectors of the mean score of matched pairs: for sector s with matched
/// pairs M_s, `v_s = Σ_{(p, q) ∈ M_s} score(p, q) / |M_s|`; then [`fairness_by`]. Only sectors with
/// at least one matched pair appear; partners without a sector are grouped as
/// [`"unknown"`](UNKNOWN_SECTOR).
///
/// **O(P log Q)**.
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject};
/// use pounce::metrics::sector_fairness;
///
/// let projects = (0..2).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
/// let partners = vec![
///     MarketPartner { id: "Q0".into(), capacity: 1, budget: None, active: true, sector: Some("54".into()) },
///     MarketPartner { id: "Q1".into(), capacity: 1, budget: None, active: true, sector: None },
/// ];
/// let market = Market::from_scores(projects, partners, &[(0, 0, 0.8, 0.0), (1, 1, 0.2, 0.0)])?;
/// let a = Assignment::new(vec![market.edge_index(0, 0), market.edge_index(1, 1)]);
/// let f = sector_fairness(&market, &a);
/// assert_eq!(f.groups, vec![("54".to_owned(), 0.8), ("unknown".to_owned(), 0.2)]);
/// assert!((f.min_max_ratio - 0.25).abs() < 1e-12);
/// # Ok::<(), pounce::Error>(())
/// ```
pub fn sector_fairness(market: &Market, a: &Assignment) -> GroupFairness {
    let edges = market.edges();
    let mut by: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for &e in a.edges[..market.projects.len()].iter().flatten() {
        let entry = by.entry(sector_of(market, edges[e].partner)).or_default();
        entry.0 += 1;
        entry.1 += edges[e].score;
    }
    fairness_by(&by.into_iter().map(|(s, (n, sum))| (s.to_owned(), sum / n as f64)).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------------
// Portfolio diversity.

/// How the matched projects spread over partner sectors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diversity {
    /// Sectors with at least one matched project.
    pub sectors: usize,
    /// Shannon entropy of the sector shares, in nats: `−Σ_s x_s ln x_s` (0 for one sector, ln S for
    /// S equal sectors).
    pub shannon: f64,
    /// Gini–Simpson index: `1 − Σ_s x_s²`, the chance that two matched projects drawn with
    /// replacement are in different sectors.
    pub simpson: f64,
    /// The largest sector's share, `max_s x_s`.
    pub largest_share: f64,
}

/// The sector diversity of the matched portfolio. Each matched pair counts once for its partner's
/// sector (a partner hosting three projects counts three times), so the share of sector s is
/// `x_s = |matched pairs with a partner in s| / |matched pairs|`; partners without a sector form the
/// [`"unknown"`](UNKNOWN_SECTOR) sector. With nothing matched every field is 0.
///
/// **O(P log Q)**.
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject};
/// use pounce::metrics::sector_diversity;
///
/// let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
/// let partners = ["11", "54"]
///     .iter()
///     .enumerate()
///     .map(|(i, s)| MarketPartner { id: format!("Q{i}"), capacity: 2, budget: None, active: true, sector: Some(s.to_string()) })
///     .collect();
/// let market = Market::from_scores(projects, partners, &[(0, 0, 1.0, 0.0), (1, 0, 1.0, 0.0), (2, 1, 1.0, 0.0)])?;
/// let a = Assignment::new(vec![Some(0), Some(1), Some(2)]);
/// let d = sector_diversity(&market, &a);
/// // Shares 2/3 (sector 11) and 1/3 (sector 54).
/// assert_eq!(d.sectors, 2);
/// let h = -(2.0 / 3.0 * (2.0f64 / 3.0).ln() + 1.0 / 3.0 * (1.0f64 / 3.0).ln());
/// assert!((d.shannon - h).abs() < 1e-12);
/// assert!((d.simpson - 4.0 / 9.0).abs() < 1e-12); // 1 − (4/9 + 1/9)
/// assert!((d.largest_share - 2.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), pounce::Error>(())
/// ```
///
/// # References
///
/// C. E. Shannon, "A mathematical theory of communication", *Bell System Technical Journal* 27,
/// 1948; E. H. Simpson, "Measurement of diversity", *Nature* 163, 688, 1949.
pub fn sector_diversity(market: &Market, a: &Assignment) -> Diversity {
    let edges = market.edges();
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for &e in a.edges[..market.projects.len()].iter().flatten() {
        *by.entry(sector_of(market, edges[e].partner)).or_default() += 1;
    }
    let n: usize = by.values().sum();
    if n == 0 {
        return Diversity::default();
    }
    let shares = by.values().map(|&c| c as f64 / n as f64);
    Diversity {
        sectors: by.len(),
        shannon: shares.clone().map(|x| -x * x.ln()).sum::<f64>().max(0.0),
        simpson: 1.0 - shares.clone().map(|x| x * x).sum::<f64>(),
        largest_share: shares.fold(0.0, f64::max),
    }
}

// ---------------------------------------------------------------------------------------------
// Recommendation quality against held-out ground truth (conventions in the module docs).

/// The mean over subjects with at least one relevant item of `f(list, relevant set)`; 0 when there
/// is none.
fn mean_over_judged<R>(lists: &[Vec<usize>], relevant: &[R], f: impl Fn(&[usize], &HashSet<usize>) -> f64) -> f64
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    let mut sum = 0.0;
    let mut subjects = 0usize;
    for (i, rel) in relevant.iter().enumerate() {
        let rel: HashSet<usize> = rel.into_iter().copied().collect();
        if rel.is_empty() {
            continue;
        }
        sum += f(lists.get(i).map_or(&[][..], Vec::as_slice), &rel);
        subjects += 1;
    }
    if subjects == 0 { 0.0 } else { sum / subjects as f64 }
}

/// The 0-based positions, within the first `k`, of the first occurrences of relevant items.
fn hit_positions(list: &[usize], relevant: &HashSet<usize>, k: usize) -> Vec<usize> {
    let mut seen = HashSet::new();
    list.iter().take(k).enumerate().filter(|&(_, &x)| relevant.contains(&x) && seen.insert(x)).map(|(i, _)| i).collect()
}

/// Precision at k: the share of the first k places holding a relevant item, `|top_k ∩ R| / k`,
/// averaged over subjects with at least one relevant item. A list shorter than k is still divided
/// by k (its empty places count as misses). 0 when `k = 0`.
///
/// `relevant` may be any per-subject collection of item indices (`Vec`, `HashSet`, `BTreeSet`, ...).
/// For subjects without a list or without relevant items see the [module docs](self).
/// **O(Σ |list| + Σ |R|)**.
///
/// ```
/// use pounce::metrics::precision_at_k;
///
/// let lists = vec![vec![1, 2, 3], vec![4, 5, 6]];
/// let relevant = vec![vec![1, 3], vec![9]];
/// // Subject 0: 2 of 3 relevant; subject 1: 0 of 3. Mean (2/3 + 0) / 2.
/// assert!((precision_at_k(&lists, &relevant, 3) - 1.0 / 3.0).abs() < 1e-12);
/// ```
pub fn precision_at_k<R>(lists: &[Vec<usize>], relevant: &[R], k: usize) -> f64
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    if k == 0 {
        return 0.0;
    }
    mean_over_judged(lists, relevant, |list, rel| hit_positions(list, rel, k).len() as f64 / k as f64)
}

/// Recall at k: the share of the relevant items found in the first k places, `|top_k ∩ R| / |R|`,
/// averaged over subjects with at least one relevant item. **O(Σ |list| + Σ |R|)**.
///
/// ```
/// use pounce::metrics::recall_at_k;
///
/// let lists = vec![vec![1, 2, 3], vec![4, 5, 6]];
/// let relevant = vec![vec![1, 3], vec![9]];
/// // Subject 0: found 1 of 2 in the first place; subject 1: 0 of 1. Mean (1/2 + 0) / 2.
/// assert_eq!(recall_at_k(&lists, &relevant, 1), 0.25);
/// ```
pub fn recall_at_k<R>(lists: &[Vec<usize>], relevant: &[R], k: usize) -> f64
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    mean_over_judged(lists, relevant, |list, rel| hit_positions(list, rel, k).len() as f64 / rel.len() as f64)
}

/// Normalised discounted cumulative gain at k with binary relevance and a log2 discount:
///
/// `DCG@k = Σ_{i=1..k} rel_i / log2(i + 1)`, `IDCG@k = Σ_{i=1..min(k, |R|)} 1 / log2(i + 1)`,
/// `NDCG@k = DCG@k / IDCG@k`,
///
/// where `rel_i` is 1 when the item in place i is relevant; averaged over subjects with at least one
/// relevant item. In [0, 1]; 0 when `k = 0`. **O(Σ |list| + Σ |R|)**.
///
/// ```
/// use pounce::metrics::ndcg_at_k;
///
/// // Relevant items in places 1 and 3 of 3, with 2 relevant:
/// // (1 + 1/log2(4)) / (1 + 1/log2(3)) = 1.5 / 1.6309 ≈ 0.9197.
/// let n = ndcg_at_k(&[vec![1, 2, 3]], &[vec![1, 3]], 3);
/// assert!((n - 1.5 / (1.0 + 1.0 / 3f64.log2())).abs() < 1e-12);
/// ```
///
/// # Reference
///
/// K. Järvelin and J. Kekäläinen, "Cumulated gain-based evaluation of IR techniques", *ACM
/// Transactions on Information Systems* 20(4), 422–446, 2002.
pub fn ndcg_at_k<R>(lists: &[Vec<usize>], relevant: &[R], k: usize) -> f64
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    let discount = |i: usize| 1.0 / (i as f64 + 2.0).log2(); // place i (0-based) is rank i + 1
    mean_over_judged(lists, relevant, |list, rel| {
        let ideal: f64 = (0..k.min(rel.len())).map(discount).sum();
        if ideal == 0.0 {
            return 0.0;
        }
        hit_positions(list, rel, k).into_iter().map(discount).sum::<f64>() / ideal
    })
}

/// Mean reciprocal rank: for each subject, `1 / r` where r is the (1-based) place of the first
/// relevant item in its whole list, 0 when none is listed; averaged over subjects with at least one
/// relevant item. **O(Σ |list| + Σ |R|)**.
///
/// ```
/// use pounce::metrics::mrr;
///
/// // First relevant item in place 1, in place 2, and never: (1 + 1/2 + 0) / 3.
/// let lists = vec![vec![7, 8], vec![5, 2, 9], vec![4]];
/// let relevant = vec![vec![7], vec![2, 9], vec![1]];
/// assert_eq!(mrr(&lists, &relevant), 0.5);
/// ```
///
/// # Reference
///
/// E. M. Voorhees, "The TREC-8 question answering track report", TREC 1999.
pub fn mrr<R>(lists: &[Vec<usize>], relevant: &[R]) -> f64
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    mean_over_judged(lists, relevant, |list, rel| {
        list.iter().position(|x| rel.contains(x)).map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
    })
}

/// Catalogue coverage at k: the share of the pool of items `0..pool` that appears in the first `k`
/// places of at least one list, `|∪_i top_k(list_i) ∩ [0, pool)| / pool`. Items outside the pool are
/// ignored; 0 when `pool = 0`. **O(pool + Σ min(k, |list|))**.
///
/// ```
/// use pounce::metrics::coverage;
///
/// let lists = vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8]];
/// // Top 2: {1, 2, 4, 5, 7, 8}, 6 of 10 items.
/// assert_eq!(coverage(&lists, 10, 2), 0.6);
/// ```
pub fn coverage(lists: &[Vec<usize>], pool: usize, k: usize) -> f64 {
    if pool == 0 {
        return 0.0;
    }
    let mut seen = vec![false; pool];
    for &x in lists.iter().flat_map(|l| l.iter().take(k)) {
        if let Some(s) = seen.get_mut(x) {
            *s = true;
        }
    }
    seen.iter().filter(|s| **s).count() as f64 / pool as f64
}

/// The ranked lists of [`recommend()`](crate::recommend()) output, indexed by subject: `lists[s]`
/// holds the picks' indices of the recommendation whose `subject` is s, best first. Subjects without
/// a recommendation get an empty list; the result has `max subject + 1` lists.
///
/// ```
/// use pounce::metrics::recommendation_lists;
/// use pounce::{recommend, Scorer, Side, Weights};
///
/// let term = pounce::doc_example_term();
/// let scorer = Scorer::new(&term, &Weights::default());
/// let recs = recommend(&scorer, 2, Side::Projects, &|_| {});
/// let lists = recommendation_lists(&recs);
/// assert_eq!(lists.len(), term.projects.len());
/// assert_eq!(lists[0], recs[0].picks.iter().map(|p| p.index).collect::<Vec<_>>());
/// ```
pub fn recommendation_lists(recs: &[crate::Recommendation]) -> Vec<Vec<usize>> {
    let n = recs.iter().map(|r| r.subject + 1).max().unwrap_or(0);
    let mut lists = vec![Vec::new(); n];
    for r in recs {
        lists[r.subject] = r.picks.iter().map(|p| p.index).collect();
    }
    lists
}

// ---------------------------------------------------------------------------------------------
// The flat record of the research harness.

/// The names of [`assignment_metrics`], in its order:
///
/// | name | value |
/// |---|---|
/// | `total_score` | sum of matched pairs' scores |
/// | `mean_score` | `total_score / matched` (0 when nothing is matched) |
/// | `match_rate` | `matched / projects` |
/// | `project_first` | share of matched projects with their rank-1 partner |
/// | `project_top3` | share of matched projects with a partner they rank ≤ 3 |
/// | `project_top10` | share of matched projects with a partner they rank ≤ 10 |
/// | `partner_first` | share of matched pairs where the partner ranks the project 1 |
/// | `partner_top3` | share of matched pairs where the partner ranks the project ≤ 3 |
/// | `blocking_pairs` | [`count_blocking_pairs`](stable::count_blocking_pairs) |
/// | `justified_envy` | [`justified_envy`] |
/// | `capacity_utilisation` | [`capacity_utilisation`] |
/// | `institution_gini` | [`institution_fairness`]`.gini` |
/// | `institution_min_max` | [`institution_fairness`]`.min_max_ratio` |
/// | `sector_gini` | [`sector_fairness`]`.gini` |
/// | `sector_shannon` | [`sector_diversity`]`.shannon` |
/// | `sector_simpson` | [`sector_diversity`]`.simpson` |
/// | `largest_sector_share` | [`sector_diversity`]`.largest_share` |
///
/// The rank shares are of matched projects (0 when nothing is matched). New metrics are appended,
/// never inserted, so column positions stay stable.
pub const ASSIGNMENT_METRICS: [&str; 17] = [
    "total_score",
    "mean_score",
    "match_rate",
    "project_first",
    "project_top3",
    "project_top10",
    "partner_first",
    "partner_top3",
    "blocking_pairs",
    "justified_envy",
    "capacity_utilisation",
    "institution_gini",
    "institution_min_max",
    "sector_gini",
    "sector_shannon",
    "sector_simpson",
    "largest_sector_share",
];

/// Every matching metric as a `(name, value)` row, in the fixed order of [`ASSIGNMENT_METRICS`]
/// (see there for each definition); the research harness writes one row per metric.
///
/// **O(P log P + Q + E · c)** (see [`justified_envy`]).
///
/// # Panics
///
/// When `a` does not belong to `market` (see [`Summary::of`]).
///
/// ```
/// use pounce::matching::{Assignment, Market, MarketPartner, MarketProject};
/// use pounce::metrics::{ASSIGNMENT_METRICS, assignment_metrics};
///
/// let projects = vec![MarketProject { id: "P0".into(), institution: "A".into() }];
/// let partners = vec![MarketPartner { id: "Q0".into(), capacity: 2, budget: None, active: true, sector: Some("54".into()) }];
/// let market = Market::from_scores(projects, partners, &[(0, 0, 0.7, 0.0)])?;
/// let row = assignment_metrics(&market, &Assignment::new(vec![Some(0)]));
/// assert_eq!(row.iter().map(|r| r.0).collect::<Vec<_>>(), ASSIGNMENT_METRICS);
/// assert_eq!(row[0], ("total_score", 0.7));
/// assert_eq!(row[10], ("capacity_utilisation", 0.5)); // 1 of 2 places
/// # Ok::<(), pounce::Error>(())
/// ```
pub fn assignment_metrics(market: &Market, a: &Assignment) -> Vec<(&'static str, f64)> {
    let s = Summary::of(market, a);
    let share = |n: usize| if s.matched == 0 { 0.0 } else { n as f64 / s.matched as f64 };
    let institutions = institution_fairness(market, a);
    let sectors = sector_fairness(market, a);
    let diversity = sector_diversity(market, a);
    let values = [
        s.total_score,
        s.mean_score,
        s.match_rate,
        share(s.project_ranks.first),
        share(s.project_ranks.top3),
        share(s.project_ranks.top10),
        share(s.partner_ranks.first),
        share(s.partner_ranks.top3),
        s.blocking_pairs as f64,
        justified_envy(market, a) as f64,
        capacity_utilisation(market, a),
        institutions.gini,
        institutions.min_max_ratio,
        sectors.gini,
        diversity.shannon,
        diversity.simpson,
        diversity.largest_share,
    ];
    ASSIGNMENT_METRICS.into_iter().zip(values).collect()
}

/// The names of [`recommendation_metrics`], in its order: `precision_at_k`, `recall_at_k`,
/// `ndcg_at_k` ([`precision_at_k`], [`recall_at_k`], [`ndcg_at_k`] at the caller's k), `mrr`
/// ([`mrr`]) and `pool_coverage` ([`coverage`] at k).
pub const RECOMMENDATION_METRICS: [&str; 5] = ["precision_at_k", "recall_at_k", "ndcg_at_k", "mrr", "pool_coverage"];

/// The quality of ranked recommendation lists against held-out relevant items, as `(name, value)`
/// rows in the order of [`RECOMMENDATION_METRICS`]: precision, recall and NDCG at `k`, MRR, and the
/// coverage at `k` of a pool of `pool` items. Subjects without relevant items are left out of the
/// averages (see the functions).
///
/// ```
/// use pounce::metrics::{RECOMMENDATION_METRICS, recommendation_metrics};
///
/// let lists = vec![vec![1, 2], vec![3, 0]];
/// let relevant = vec![vec![2], vec![3, 4]];
/// let row = recommendation_metrics(&lists, &relevant, 5, 2);
/// assert_eq!(row.iter().map(|r| r.0).collect::<Vec<_>>(), RECOMMENDATION_METRICS);
/// assert_eq!(row[0].1, 0.5); // one hit in two places, for both subjects
/// assert_eq!(row[1].1, 0.75); // recall 1 and 1/2
/// assert_eq!(row[3].1, 0.75); // reciprocal ranks 1/2 and 1
/// assert_eq!(row[4].1, 0.8); // items 0, 1, 2, 3 of 5
/// ```
pub fn recommendation_metrics<R>(
    lists: &[Vec<usize>],
    relevant: &[R],
    pool: usize,
    k: usize,
) -> Vec<(&'static str, f64)>
where
    for<'a> &'a R: IntoIterator<Item = &'a usize>,
{
    let values = [
        precision_at_k(lists, relevant, k),
        recall_at_k(lists, relevant, k),
        ndcg_at_k(lists, relevant, k),
        mrr(lists, relevant),
        coverage(lists, pool, k),
    ];
    RECOMMENDATION_METRICS.into_iter().zip(values).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_by_hand() {
        // Pairs: |1-2|+|1-3|+|2-3| = 4; mean abs diff over all ordered pairs = 2*4/9; / (2 * mean 2) = 2/9.
        assert!((gini(&[1.0, 2.0, 3.0]) - 2.0 / 9.0).abs() < 1e-12);
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert!((gini(&[3.0, 1.0, 2.0]) - gini(&[1.0, 2.0, 3.0])).abs() < 1e-15);
    }
}
