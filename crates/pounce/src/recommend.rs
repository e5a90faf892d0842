//! Top-k recommendation: the best partners for each project, or the best projects for each
//! partner, ranked by mutual score, ties broken by ascending id.
//!
//! Subjects are processed in parallel (rayon); each keeps a bounded buffer of candidates truncated
//! with `select_nth_unstable_by` (O(n + k log k) per subject), so the score matrix is never
//! materialised and the result is the same on any number of threads.
//!
//! Partners for projects ([`Side::Projects`]) take a faster path with the same results: the pool is
//! laid out once as columns in blocks, each block gets an upper bound of its
//! best mutual score for the project, blocks are visited best bound first, and a block is skipped
//! once its bound is below the current k-th best (or equal to it with every id ranked after it).
//! Pairs in the visited blocks are scored on the columns with the scorer's exact arithmetic; only
//! the ones that enter the top-k buffer are scored again in full by [`Scorer::score`].

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::score::fast::{self, Pool, Tab};
use crate::score::{Exclusion, PairScore, Scorer};

/// Which side receives recommendations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Partners for each project.
    #[default]
    Projects,
    /// Projects for each partner.
    Partners,
}

impl Side {
    /// The `(project, partner)` indices of a subject on this side and one of its counterparts.
    ///
    /// ```
    /// use pounce::Side;
    /// assert_eq!(Side::Projects.pair(3, 7), (3, 7));
    /// assert_eq!(Side::Partners.pair(3, 7), (7, 3));
    /// ```
    pub fn pair(self, subject: usize, counterpart: usize) -> (usize, usize) {
        match self {
            Side::Projects => (subject, counterpart),
            Side::Partners => (counterpart, subject),
        }
    }
}

/// One recommended counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pick {
    /// Index of the counterpart (a partner for [`Side::Projects`], a project for [`Side::Partners`]).
    pub index: usize,
    /// The pair's scores.
    pub score: PairScore,
}

/// The recommendations of one subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// Index of the subject (a project for [`Side::Projects`]).
    pub subject: usize,
    /// Best first, at most k.
    pub picks: Vec<Pick>,
    /// Counterparts considered.
    pub considered: usize,
    /// Counterparts not excluded.
    pub feasible: usize,
    /// How many counterparts each reason excluded (a pair may have several reasons), largest first;
    /// only reasons that excluded someone.
    pub excluded_by: Vec<(Exclusion, usize)>,
}

/// Ranks candidates: higher score first, then lower tie key (the id's rank).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    mutual: f64,
    tie: u32,
    pick: Pick,
}

fn better(a: &Candidate, b: &Candidate) -> Ordering {
    b.mutual.total_cmp(&a.mutual).then(a.tie.cmp(&b.tie))
}

/// A bounded collector of the k best candidates.
struct TopK {
    k: usize,
    buf: Vec<Candidate>,
    threshold: Option<Candidate>,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK { k, buf: Vec::with_capacity(2 * k.max(1)), threshold: None }
    }

    fn admits(&self, mutual: f64, tie: u32) -> bool {
        match &self.threshold {
            None => true,
            Some(t) => mutual > t.mutual || (mutual == t.mutual && tie < t.tie),
        }
    }

    fn push(&mut self, c: Candidate) {
        if self.k == 0 {
            return;
        }
        self.buf.push(c);
        if self.buf.len() == 2 * self.k {
            self.truncate();
        }
    }

    fn truncate(&mut self) {
        if self.buf.len() > self.k {
            self.buf.select_nth_unstable_by(self.k - 1, better);
            self.buf.truncate(self.k);
            self.threshold = Some(self.buf[self.k - 1]);
        }
    }

    fn into_sorted(mut self) -> Vec<Candidate> {
        self.buf.sort_by(better);
        self.buf.truncate(self.k);
        self.buf
    }
}

/// Ranks of ids in ascending order: `ranks[i]` is the position of `ids[i]` once sorted.
fn id_ranks<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let ids: Vec<&str> = ids.collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(ids[b]).then(a.cmp(&b)));
    let mut ranks = vec![0u32; ids.len()];
    for (r, i) in order.into_iter().enumerate() {
        ranks[i] = r as u32;
    }
    ranks
}

/// The top `k` feasible counterparts of every subject on `side`, in subject order.
///
/// `progress` is called with 1 each time a subject is finished (from any thread); pass `&|_| {}`
/// when not needed.
///
/// ```
/// use pounce::{recommend, Side, Scorer, Weights};
/// # let term = pounce::doc_example_term();
/// let scorer = Scorer::new(&term, &Weights::default());
/// let recs = recommend(&scorer, 3, Side::Projects, &|_| {});
/// assert_eq!(recs.len(), term.projects.len());
/// for r in &recs {
///     assert!(r.picks.windows(2).all(|w| w[0].score.mutual >= w[1].score.mutual));
/// }
/// ```
pub fn recommend(scorer: &Scorer<'_>, k: usize, side: Side, progress: &(dyn Fn(usize) + Sync)) -> Vec<Recommendation> {
    recommend_above(scorer, k, side, None, progress)
}

/// Bytes of the columnar partner pool that [`recommend`] scans for each project (`Side::Projects`),
/// or `None` when the scorer does not take the columnar path (a project wanting more than 64
/// skills): the "one pass over the partner columns" of a memory-bandwidth floor.
///
/// ```
/// use pounce::{recommend::column_bytes, Scorer, Weights};
/// # let term = pounce::doc_example_term();
/// let scorer = Scorer::new(&term, &Weights::default());
/// let bytes = column_bytes(&scorer).unwrap();
/// assert!(bytes >= term.partners.len() * 40);
/// ```
pub fn column_bytes(scorer: &Scorer<'_>) -> Option<usize> {
    let ties = id_ranks(scorer.term().partners.iter().map(|q| q.id.as_str()));
    fast::supported(scorer).then(|| Pool::new(scorer, &ties).bytes())
}

/// [`recommend`] with a floor per subject: counterparts scoring below `floors[subject]` are left
/// out of the picks (they are still counted as considered and feasible). A caller that already
/// holds k candidates at least as good as the floor (the chunked recommender) loses nothing, and
/// the blocks whose bound is below the floor are never visited.
pub(crate) fn recommend_above(
    scorer: &Scorer<'_>,
    k: usize,
    side: Side,
    floors: Option<&[f64]>,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Recommendation> {
    let floor = |subject: usize| floors.map_or(f64::NEG_INFINITY, |f| f[subject]);
    let term = scorer.term();
    let (subjects, counterparts) = match side {
        Side::Projects => (term.projects.len(), term.partners.len()),
        Side::Partners => (term.partners.len(), term.projects.len()),
    };
    let ties = match side {
        Side::Projects => id_ranks(term.partners.iter().map(|q| q.id.as_str())),
        Side::Partners => id_ranks(term.projects.iter().map(|p| p.id.as_str())),
    };
    if side == Side::Projects && counterparts > 0 && fast::supported(scorer) {
        let pool = Pool::new(scorer, &ties);
        // Projects at the same place (often those of one institution) share the distances to the
        // pool's locations.
        let mut places: HashMap<(u64, u64), usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (subject, p) in term.projects.iter().enumerate() {
            let key = (p.location.lat.to_bits(), p.location.lon.to_bits());
            let g = *places.entry(key).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(subject);
        }
        let mut recs: Vec<Recommendation> = groups
            .par_iter()
            .flat_map(|group| {
                let at = &term.projects[group[0]].location;
                let km = pool.distances(at.lat, at.lon);
                group
                    .par_iter()
                    .map(|&subject| {
                        let rec = recommend_partners(scorer, &pool, &ties, subject, k, floor(subject), &km);
                        progress(1);
                        rec
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        recs.sort_unstable_by_key(|r| r.subject);
        return recs;
    }
    (0..subjects)
        .into_par_iter()
        .map(|subject| {
            let mut top = TopK::new(k);
            let floor = floor(subject);
            let mut feasible = 0;
            let mut excluded = [0usize; 16];
            for (other, &tie) in ties.iter().enumerate().take(counterparts) {
                let (p, q) = side.pair(subject, other);
                let score = scorer.score(p, q);
                if !score.feasible() {
                    for (i, e) in Exclusion::all().enumerate() {
                        excluded[i] += usize::from(score.excluded.contains(e));
                    }
                    continue;
                }
                feasible += 1;
                if score.mutual >= floor && top.admits(score.mutual, tie) {
                    top.push(Candidate { mutual: score.mutual, tie, pick: Pick { index: other, score } });
                }
            }
            let excluded_by = excluded_by(excluded);
            progress(1);
            Recommendation {
                subject,
                picks: top.into_sorted().into_iter().map(|c| c.pick).collect(),
                considered: counterparts,
                feasible,
                excluded_by,
            }
        })
        .collect()
}

/// The exclusion counts as `excluded_by` lists them: largest first, only non-zero.
fn excluded_by(excluded: [usize; 16]) -> Vec<(Exclusion, usize)> {
    let mut excluded_by: Vec<(Exclusion, usize)> = Exclusion::all().zip(excluded).filter(|(_, n)| *n > 0).collect();
    excluded_by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    excluded_by
}

/// The top `k` partners of one project on the columnar path (see the module documentation), among
/// those scoring at least `floor`; `km` are the distances from the project to the pool's locations.
fn recommend_partners(
    scorer: &Scorer<'_>,
    pool: &Pool,
    ties: &[u32],
    project: usize,
    k: usize,
    floor: f64,
    km: &[f64],
) -> Recommendation {
    let tab = Tab::new(scorer, pool, project, km);
    let (feasible, excluded, open) = tab.counts();
    let mut top = TopK::new(k);
    if k > 0 && feasible > 0 {
        let mut best = [0.0; 64];
        let mut blocks: Vec<(f64, u32)> = (0..pool.blocks())
            .filter(|&b| open.as_ref().is_none_or(|o| o[b]))
            .map(|b| (tab.bound(b, &mut best), b as u32))
            .collect();
        blocks.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (bound, b) in blocks {
            if bound < floor {
                break;
            }
            if let Some(t) = &top.threshold {
                if bound < t.mutual {
                    break;
                }
                if bound == t.mutual && pool.block_min_tie(b as usize) > t.tie {
                    continue;
                }
            }
            for pos in pool.block_range(b as usize) {
                let floor = top.threshold.as_ref().map_or(floor, |t| t.mutual.max(floor));
                let Some(mutual) = tab.score(pos, &mut best, floor) else { continue };
                if mutual < floor {
                    continue;
                }
                let partner = pool.partner(pos);
                let tie = ties[partner];
                if top.admits(mutual, tie) {
                    let score = scorer.score(project, partner);
                    debug_assert!(score.mutual == mutual && score.feasible(), "{score:?} against {mutual}");
                    top.push(Candidate { mutual: score.mutual, tie, pick: Pick { index: partner, score } });
                }
            }
        }
    }
    Recommendation {
        subject: project,
        picks: top.into_sorted().into_iter().map(|c| c.pick).collect(),
        considered: pool.len(),
        feasible,
        excluded_by: excluded_by(excluded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute(scores: &[(f64, u32)], k: usize) -> Vec<(f64, u32)> {
        let mut v = scores.to_vec();
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        v.truncate(k);
        v
    }

    proptest! {
        #[test]
        fn top_k_equals_sort_and_truncate(
            scores in prop::collection::vec(0u8..20, 0..200),
            k in 0usize..30,
        ) {
            // Few distinct values so that ties are common.
            let cands: Vec<(f64, u32)> = scores.iter().enumerate().map(|(i, s)| (f64::from(*s) / 19.0, i as u32)).collect();
            let mut top = TopK::new(k);
            let dummy = PairScore { mutual: 0.0, fit: 0.0, appeal: 0.0, dimensions: [0.0; crate::Dimension::COUNT], excluded: Default::default() };
            for &(m, t) in &cands {
                if top.admits(m, t) {
                    top.push(Candidate { mutual: m, tie: t, pick: Pick { index: t as usize, score: dummy } });
                }
            }
            let got: Vec<(f64, u32)> = top.into_sorted().iter().map(|c| (c.mutual, c.tie)).collect();
            prop_assert_eq!(got, brute(&cands, k));
        }
    }

    #[test]
    fn id_ranks_sort_ids() {
        assert_eq!(id_ranks(["b", "a", "c"].into_iter()), vec![1, 0, 2]);
    }
}
