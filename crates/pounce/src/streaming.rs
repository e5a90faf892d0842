//! Recommendations over a partner pool too large to hold: partners arrive in chunks, each chunk is
//! scored against every project with [`recommend`], and each project keeps its k best so far.
//!
//! A pair's score depends only on the project, the partner and the weights, so the chunks give
//! exactly the scores of the whole pool, and merging keeps the same order as [`recommend`] on the
//! whole pool (higher mutual score first, ties by ascending id): the result equals
//! [`recommend`]`(scorer, k, Side::Projects)` on the full term, picks, scores and counts (tested).
//! The referral dimension is not available here: closeness is normalised over the whole pool.

use std::cmp::Ordering;

use crate::model::{Partner, Project, Term};
#[cfg(doc)]
use crate::recommend::recommend;
use crate::recommend::{Pick, Recommendation, Side, recommend_above};
use crate::score::{Exclusion, PairScore, Scorer};
use crate::weights::Weights;

/// One kept candidate: its score and where its partner is kept.
#[derive(Debug, Clone, Copy)]
struct Kept {
    score: PairScore,
    partner: usize,
}

/// Top-k partners for each project over a pool read in chunks.
///
/// ```
/// use pounce::streaming::ChunkedRecommender;
/// use pounce::{recommend, Scorer, Side, Weights};
///
/// let term = pounce::doc_example_term();
/// let weights = Weights::default();
/// let mut chunked = ChunkedRecommender::new(term.projects.clone(), &weights, 2);
/// for chunk in term.partners.chunks(1) {
///     chunked.add(chunk.to_vec());
/// }
/// let (kept, recs) = chunked.finish();
/// let whole = recommend(&Scorer::new(&term, &weights), 2, Side::Projects, &|_| {});
/// for (a, b) in recs.iter().zip(&whole) {
///     let ids = |t: &pounce::Term, r: &pounce::Recommendation| -> Vec<String> {
///         r.picks.iter().map(|p| t.partners[p.index].id.clone()).collect()
///     };
///     assert_eq!(ids(&kept, a), ids(&term, b));
///     assert_eq!((a.considered, a.feasible), (b.considered, b.feasible));
/// }
/// ```
pub struct ChunkedRecommender<'w> {
    projects: Vec<Project>,
    weights: &'w Weights,
    k: usize,
    best: Vec<Vec<Kept>>,
    kept: Vec<Partner>,
    considered: usize,
    feasible: Vec<usize>,
    excluded: Vec<[usize; 16]>,
}

impl<'w> ChunkedRecommender<'w> {
    /// Starts with the projects, the weights and k.
    pub fn new(projects: Vec<Project>, weights: &'w Weights, k: usize) -> Self {
        let n = projects.len();
        ChunkedRecommender {
            projects,
            weights,
            k,
            best: vec![Vec::new(); n],
            kept: Vec::new(),
            considered: 0,
            feasible: vec![0; n],
            excluded: vec![[0; 16]; n],
        }
    }

    /// The number of projects.
    pub fn projects(&self) -> usize {
        self.projects.len()
    }

    /// Partners seen so far.
    pub fn partners_seen(&self) -> usize {
        self.considered
    }

    /// Scores a chunk of partners against every project (in parallel, as [`recommend`]) and keeps
    /// each project's k best so far.
    ///
    /// A project that already has k candidates only looks in the chunk for partners scoring at least
    /// its k-th best (the others could not enter its list), so later chunks cost less.
    pub fn add(&mut self, partners: Vec<Partner>) {
        if partners.is_empty() {
            return;
        }
        let floors: Vec<f64> = self.best.iter().map(|list| floor(list, self.k)).collect();
        let term = Term { projects: std::mem::take(&mut self.projects), partners };
        let recs = {
            let scorer = Scorer::new(&term, self.weights);
            recommend_above(&scorer, self.k, Side::Projects, Some(&floors), &|_| {})
        };
        let Term { projects, partners } = term;
        self.projects = projects;
        self.considered += partners.len();
        let mut moved: Vec<Option<usize>> = vec![None; partners.len()];
        let mut partners: Vec<Option<Partner>> = partners.into_iter().map(Some).collect();
        for rec in recs {
            let p = rec.subject;
            self.feasible[p] += rec.feasible;
            let all = Exclusion::all().collect::<Vec<_>>();
            for (e, n) in &rec.excluded_by {
                let i = all.iter().position(|x| x == e).expect("an exclusion");
                self.excluded[p][i] += n;
            }
            // Merge two lists, each best first, keeping k.
            let old = std::mem::take(&mut self.best[p]);
            let mut merged = Vec::with_capacity(self.k);
            let (mut i, mut j) = (0, 0);
            while merged.len() < self.k && (i < old.len() || j < rec.picks.len()) {
                let take_new = match (old.get(i), rec.picks.get(j)) {
                    (Some(a), Some(b)) => {
                        let b_id = &partners_id(&partners, &self.kept, &moved, b.index);
                        better(a.score.mutual, &self.kept[a.partner].id, b.score.mutual, b_id) == Ordering::Less
                    }
                    (None, Some(_)) => true,
                    _ => false,
                };
                if take_new {
                    let b = rec.picks[j];
                    let slot = *moved[b.index].get_or_insert_with(|| {
                        self.kept.push(partners[b.index].take().expect("a partner moves once"));
                        self.kept.len() - 1
                    });
                    merged.push(Kept { score: b.score, partner: slot });
                    j += 1;
                } else {
                    merged.push(old[i]);
                    i += 1;
                }
            }
            self.best[p] = merged;
        }
        if self.kept.len() > 2 * self.k.max(1) * self.projects.len().max(1) {
            self.compact();
        }
    }

    /// Drops kept partners that no project lists any more.
    fn compact(&mut self) {
        let mut map: Vec<Option<usize>> = vec![None; self.kept.len()];
        let mut kept = Vec::new();
        let old = std::mem::take(&mut self.kept);
        let mut old: Vec<Option<Partner>> = old.into_iter().map(Some).collect();
        for list in &mut self.best {
            for c in list.iter_mut() {
                let slot = *map[c.partner].get_or_insert_with(|| {
                    kept.push(old[c.partner].take().expect("moved once"));
                    kept.len() - 1
                });
                c.partner = slot;
            }
        }
        self.kept = kept;
    }

    /// The term of the projects and the partners recommended to any (in id order), and each
    /// project's recommendation indexed into it, as [`recommend`] gives them for the whole pool.
    pub fn finish(mut self) -> (Term, Vec<Recommendation>) {
        self.compact();
        let mut order: Vec<usize> = (0..self.kept.len()).collect();
        order.sort_by(|&a, &b| self.kept[a].id.cmp(&self.kept[b].id));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let mut slots: Vec<Option<Partner>> = self.kept.into_iter().map(Some).collect();
        let partners: Vec<Partner> = order.iter().map(|&i| slots[i].take().expect("each once")).collect();
        let all: Vec<Exclusion> = Exclusion::all().collect();
        let recs = self
            .best
            .into_iter()
            .enumerate()
            .map(|(p, list)| {
                let mut excluded_by: Vec<(Exclusion, usize)> =
                    all.iter().copied().zip(self.excluded[p]).filter(|(_, n)| *n > 0).collect();
                excluded_by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                Recommendation {
                    subject: p,
                    picks: list.into_iter().map(|c| Pick { index: rank[c.partner], score: c.score }).collect(),
                    considered: self.considered,
                    feasible: self.feasible[p],
                    excluded_by,
                }
            })
            .collect();
        (Term { projects: self.projects, partners }, recs)
    }
}

fn partners_id<'a>(chunk: &'a [Option<Partner>], kept: &'a [Partner], moved: &[Option<usize>], i: usize) -> &'a str {
    match (&chunk[i], moved[i]) {
        (Some(q), _) => &q.id,
        (None, Some(slot)) => &kept[slot].id,
        (None, None) => unreachable!("a partner is in the chunk or kept"),
    }
}

/// The k-th best score of a full list (a candidate below it cannot enter), else negative infinity.
fn floor(list: &[Kept], k: usize) -> f64 {
    match list.get(k.wrapping_sub(1)) {
        Some(kth) if list.len() == k => kth.score.mutual,
        _ => f64::NEG_INFINITY,
    }
}

/// `Greater` when `(a, a_id)` ranks before `(b, b_id)`: higher mutual score, then lower id.
fn better(a: f64, a_id: &str, b: f64, b_id: &str) -> Ordering {
    a.total_cmp(&b).then_with(|| b_id.cmp(a_id))
}
