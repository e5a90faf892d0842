//! Measures of a matching that coordinators and researchers read: totals, rank distributions,
//! blocking pairs, capacity use, and fairness across institutions.

use std::collections::BTreeMap;

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
