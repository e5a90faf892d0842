//! The `optimal` strategy on a complete market of unit capacities: Jonker–Volgenant on a dense matrix.
//!
//! When every project can take every partner and every partner takes one project, the problem is a
//! dense linear assignment problem, and Jonker & Volgenant's algorithm (*A shortest augmenting path
//! algorithm for dense and sparse linear assignment problems*, Computing 38, 1987) on a cost matrix
//! beats the sparse min-cost flow of [`super::optimal`] several times over: column reduction,
//! reduction transfer and two rounds of augmenting row reduction assign most rows with dual prices,
//! then a Dijkstra search over the matrix (array scan, no heap) augments each row left. The layout
//! follows Tomas Kazmar's `lap` (BSD-2-Clause), as used by many Python projects.
//!
//! It applies only where a matching of the smaller side is optimal, so that the matrix needs no
//! "unmatched" columns:
//! * `max_matches` (and `minimize`, which implies it): every project or every partner is matched,
//!   whichever side is smaller;
//! * plain `optimal` with every score non-negative: any matching extends to one of the smaller side
//!   without lowering its total, so an optimum of that size exists.
//!
//! Otherwise (missing pairs, a capacity other than 1, a negative score) [`assign`] declines and
//! the sparse solver runs. Rows and columns are laid out in id order, so the answer does not depend
//! on the order of the input files. The result is optimal like the sparse solver's (tested against
//! it and against the OR-Library optima); which of several optima is returned may differ.

use rayon::prelude::*;

use super::{Assignment, Market, OptimalOptions};

/// Fewest pairs (projects × partners) for which the dense solver is used.
const MIN_PAIRS: usize = 10_000;
/// Most cells of the square cost matrix (2^25 cells: 256 MiB of `f64`).
const MAX_CELLS: usize = 1 << 25;
const NONE: usize = usize::MAX;

/// The optimal assignment of a complete market of unit capacities, or `None` when the market is not
/// one (or is too small or too large to be worth a dense matrix).
pub(crate) fn assign(market: &Market, options: OptimalOptions) -> Option<Assignment> {
    solve(market, options, MIN_PAIRS)
}

fn solve(market: &Market, options: OptimalOptions, min_pairs: usize) -> Option<Assignment> {
    let n = market.projects.len();
    let m = market.partners.len();
    let edges = market.edges();
    let max_matches = options.max_matches || options.minimize;
    // Complete: the market refuses duplicate pairs, so n·m edges are every pair.
    let complete = n > 0 && m > 0 && edges.len() == n.checked_mul(m)?;
    if !complete || edges.len() < min_pairs || market.partners.iter().any(|q| q.capacity != 1) {
        return None;
    }
    if !max_matches && !edges.iter().all(|e| e.score >= 0.0) {
        return None;
    }
    let s = n.max(m);
    if s.checked_mul(s)? > MAX_CELLS {
        return None;
    }
    // Rows are the smaller side (projects when n ≤ m); padding rows cost 0 everywhere.
    let rows_are_projects = n <= m;
    let project_at = at_positions((0..n).map(|p| market.project_order(p) as usize), n);
    let partner_at = at_positions((0..m).map(|q| market.partner_order(q) as usize), m);
    let (cost, least) = cost_matrix(market, options.minimize, s, (&project_at, &partner_at));
    let x = lapjv(s, &cost, least)?;
    let mut assignment = Assignment::empty(n);
    for (row, &col) in x.iter().enumerate().take(n.min(m)) {
        let (p, q) =
            if rows_are_projects { (project_at[row], partner_at[col]) } else { (project_at[col], partner_at[row]) };
        let e = market.project_edge_range(p).find(|&e| edges[e].partner == q)?;
        assignment.edges[p] = Some(e);
    }
    Some(assignment)
}

/// The `s × s` cost matrix of a complete market (rows the smaller side, in id order; padding rows
/// cost 0), filled row by row in parallel, with its column minima computed as the rows are filled
/// (Jonker–Volgenant's column reduction). `at` are the projects and partners in id order.
fn cost_matrix(
    market: &Market,
    minimize: bool,
    s: usize,
    (project_at, partner_at): (&[usize], &[usize]),
) -> (Vec<f64>, ColumnMinima) {
    // Row by row, in parallel: a project's edges, or a partner's; and each column's cheapest cost
    // and (first) row, Jonker–Volgenant's column reduction, while the rows are at hand.
    let mut cost = vec![0.0f64; s * s];
    let (n, m, edges) = (market.projects.len(), market.partners.len(), market.edges());
    let rows_are_projects = n <= m;
    let value = |e: usize| if minimize { edges[e].score } else { -edges[e].score };
    let fill = |mut least: ColumnMinima, (row, cells): (usize, &mut [f64])| {
        if rows_are_projects && row < n {
            for e in market.project_edge_range(project_at[row]) {
                cells[market.partner_order(edges[e].partner) as usize] = value(e);
            }
        } else if !rows_are_projects && row < m {
            for &e in market.partner_edges(partner_at[row]) {
                cells[market.project_order(edges[e].project) as usize] = value(e);
            }
        }
        for (j, &c) in cells.iter().enumerate() {
            if c < least.0[j] {
                least.0[j] = c;
                least.1[j] = row;
            }
        }
        least
    };
    let none = || (vec![f64::INFINITY; s], vec![0usize; s]);
    // Rows in order: a later piece's row takes a column only when strictly cheaper.
    let least = cost.par_chunks_mut(s).with_min_len(16).enumerate().fold(none, fill).reduce(none, |mut a, b| {
        for j in 0..s {
            if b.0[j] < a.0[j] {
                a.0[j] = b.0[j];
                a.1[j] = b.1[j];
            }
        }
        a
    });
    (cost, least)
}

/// `at[position] = index` for a permutation given as the position of each index.
fn at_positions(positions: impl Iterator<Item = usize>, len: usize) -> Vec<usize> {
    let mut at = vec![0; len];
    for (index, position) in positions.enumerate() {
        at[position] = index;
    }
    at
}

/// Each column's least cost and the first row that has it.
type ColumnMinima = (Vec<f64>, Vec<usize>);

/// The [`ColumnMinima`] of the `s × s` row-major matrix `c`.
#[cfg(test)]
fn column_minima(s: usize, c: &[f64]) -> ColumnMinima {
    let (mut v, mut cheapest) = (vec![f64::INFINITY; s], vec![0usize; s]);
    for i in 0..s {
        for (j, &cost) in c[i * s..(i + 1) * s].iter().enumerate() {
            if cost < v[j] {
                v[j] = cost;
                cheapest[j] = i;
            }
        }
    }
    (v, cheapest)
}

/// Jonker–Volgenant on the `s × s` row-major matrix `c` (minimising), given its column minima: the column of each row, or
/// `None` if the searches do not converge (which finite costs rule out).
fn lapjv(s: usize, c: &[f64], (mut v, cheapest): ColumnMinima) -> Option<Vec<usize>> {
    let mut x = vec![NONE; s];
    let mut y = vec![NONE; s];
    // Column reduction: each column's price is its cheapest cost; its cheapest row takes it when free.
    let mut unique = vec![true; s];
    for j in (0..s).rev() {
        let i = cheapest[j];
        if x[i] == NONE {
            x[i] = j;
            y[j] = i;
        } else {
            unique[i] = false;
        }
    }
    // Reduction transfer: a row that took exactly one column passes its slack to that column.
    let mut free = Vec::new();
    for i in 0..s {
        if x[i] == NONE {
            free.push(i);
        } else if unique[i] {
            let j = x[i];
            let row = &c[i * s..(i + 1) * s];
            let slack = (0..s).filter(|&k| k != j).map(|k| row[k] - v[k]).fold(f64::INFINITY, f64::min);
            if slack.is_finite() {
                v[j] -= slack;
            }
        }
    }
    for _ in 0..2 {
        if free.is_empty() {
            break;
        }
        free = augmenting_row_reduction(s, c, free, &mut x, &mut y, &mut v);
    }
    let mut search = Search { d: vec![0.0; s], pred: vec![0; s], cols: (0..s).collect() };
    for start in free {
        let end = search.path(s, c, start, &y, &mut v)?;
        let mut j = end;
        for _ in 0..=s {
            let i = search.pred[j];
            y[j] = i;
            std::mem::swap(&mut j, &mut x[i]);
            if i == start {
                break;
            }
        }
        if x[start] == NONE || y[x[start]] != start {
            return None;
        }
    }
    x.iter().all(|&j| j != NONE).then_some(x)
}

/// Augmenting row reduction: each free row bids for its cheapest column, displacing its holder,
/// lowering the column's price by the gap to the second cheapest. Returns the rows still free.
fn augmenting_row_reduction(
    s: usize,
    c: &[f64],
    mut free: Vec<usize>,
    x: &mut [usize],
    y: &mut [usize],
    v: &mut [f64],
) -> Vec<usize> {
    let total = free.len();
    let (mut current, mut new_free, mut rounds) = (0usize, 0usize, 0usize);
    while current < total {
        rounds += 1;
        let i = free[current];
        current += 1;
        let row = &c[i * s..(i + 1) * s];
        let (mut j1, mut v1) = (0, row[0] - v[0]);
        let (mut j2, mut v2) = (NONE, f64::INFINITY);
        for (j, (&cost, &price)) in row.iter().zip(v.iter()).enumerate().skip(1) {
            let r = cost - price;
            if r < v2 {
                if r >= v1 {
                    v2 = r;
                    j2 = j;
                } else {
                    v2 = v1;
                    v1 = r;
                    j2 = j1;
                    j1 = j;
                }
            }
        }
        let mut holder = y[j1];
        let lowered = v[j1] - (v2 - v1);
        let lowers = lowered < v[j1];
        if rounds < current * s {
            if lowers {
                v[j1] = lowered;
            } else if holder != NONE && j2 != NONE {
                j1 = j2;
                holder = y[j2];
            }
            if holder != NONE {
                if lowers {
                    current -= 1;
                    free[current] = holder;
                } else {
                    free[new_free] = holder;
                    new_free += 1;
                }
            }
        } else if holder != NONE {
            free[new_free] = holder;
            new_free += 1;
        }
        x[i] = j1;
        y[j1] = i;
    }
    free.truncate(new_free);
    free
}

/// Buffers of the shortest augmenting path search, reused across rows.
struct Search {
    /// Reduced distance of each column from the start row.
    d: Vec<f64>,
    /// Row from which each column was reached.
    pred: Vec<usize>,
    /// Columns: `..ready` settled, `lo..hi` at the current distance, `hi..` still to do.
    cols: Vec<usize>,
}

impl Search {
    /// Dijkstra from row `start` to the nearest free column (returned); updates the settled
    /// columns' prices so reduced costs stay non-negative.
    fn path(&mut self, s: usize, c: &[f64], start: usize, y: &[usize], v: &mut [f64]) -> Option<usize> {
        let row = &c[start * s..(start + 1) * s];
        for j in 0..s {
            self.cols[j] = j;
            self.pred[j] = start;
            self.d[j] = row[j] - v[j];
        }
        let (mut lo, mut hi, mut ready) = (0usize, 0usize, 0usize);
        let end = loop {
            if lo == hi {
                if lo >= s {
                    return None;
                }
                ready = lo;
                hi = self.nearest(s, lo);
                if let Some(j) = self.cols[lo..hi].iter().copied().find(|&j| y[j] == NONE) {
                    break j;
                }
            }
            if let Some(j) = self.scan(s, c, &mut lo, &mut hi, y, v) {
                break j;
            }
        };
        let mind = self.d[self.cols[lo]];
        for &j in &self.cols[..ready] {
            v[j] += self.d[j] - mind;
        }
        Some(end)
    }

    /// Moves the columns of least distance among `cols[lo..]` to `cols[lo..hi]`; returns `hi`.
    fn nearest(&mut self, s: usize, lo: usize) -> usize {
        let mut hi = lo + 1;
        let mut mind = self.d[self.cols[lo]];
        for k in lo + 1..s {
            let j = self.cols[k];
            if self.d[j] <= mind {
                if self.d[j] < mind {
                    hi = lo;
                    mind = self.d[j];
                }
                self.cols[k] = self.cols[hi];
                self.cols[hi] = j;
                hi += 1;
            }
        }
        hi
    }

    /// Scans the rows holding the columns at the current distance; a free column reached at that
    /// distance ends the search (`lo`, `hi` then stay as they were, for the price update).
    fn scan(&mut self, s: usize, c: &[f64], plo: &mut usize, phi: &mut usize, y: &[usize], v: &[f64]) -> Option<usize> {
        let (mut lo, mut hi) = (*plo, *phi);
        while lo != hi {
            let j = self.cols[lo];
            lo += 1;
            let i = y[j];
            let mind = self.d[j];
            let row = &c[i * s..(i + 1) * s];
            let h = row[j] - v[j] - mind;
            // Columns moved to the ready set during the scan were already scanned at `k`.
            let todo = hi;
            for k in todo..s {
                let j = self.cols[k];
                let r = row[j] - v[j] - h;
                if r < self.d[j] {
                    self.d[j] = r;
                    self.pred[j] = i;
                    if r == mind {
                        if y[j] == NONE {
                            return Some(j);
                        }
                        self.cols[k] = self.cols[hi];
                        self.cols[hi] = j;
                        hi += 1;
                    }
                }
            }
        }
        *plo = lo;
        *phi = hi;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::optimal::min_cost_assignment;
    use crate::matching::tests::xorshift;
    use crate::matching::{MarketPartner, MarketProject};

    /// A complete market of `n` projects and `m` partners, scores on a grid of `steps` (ties) in
    /// `[lo, lo + 1]`, projects and partners listed in a scrambled id order.
    fn complete(seed: u64, n: usize, m: usize, steps: u64, lo: f64) -> Market {
        let mut next = xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let projects =
            (0..n).map(|p| MarketProject { id: format!("P{:04}", (p * 7919) % n), institution: String::new() });
        let partners = (0..m).map(|q| MarketPartner {
            id: format!("Q{:04}", (q * 104_729 + 3) % m),
            capacity: 1,
            budget: None,
            active: false,
            sector: None,
        });
        let mut pairs = Vec::new();
        for p in 0..n {
            for q in 0..m {
                pairs.push((p, q, lo + next(steps + 1) as f64 / steps as f64, 1.0));
            }
        }
        Market::from_scores(projects.collect(), partners.collect(), &pairs).unwrap()
    }

    fn value(market: &Market, a: &Assignment) -> (usize, f64) {
        let mut used = vec![false; market.partners.len()];
        let (mut matched, mut total) = (0, 0.0);
        for &e in a.edges.iter().flatten() {
            let edge = market.edges()[e];
            assert!(!std::mem::replace(&mut used[edge.partner], true), "partner used twice");
            matched += 1;
            total += edge.score;
        }
        (matched, total)
    }

    #[test]
    fn equals_the_sparse_solver_on_random_complete_markets() {
        let mut checked = 0;
        for seed in 0..120u64 {
            let n = 1 + (seed as usize * 7) % 23;
            let m = 1 + (seed as usize * 11) % 19;
            let steps = [3, 10, 1000][seed as usize % 3];
            let lo = if seed % 4 == 0 { -0.5 } else { 0.0 };
            let market = complete(seed, n, m, steps, lo);
            for options in [
                OptimalOptions::default(),
                OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT },
                OptimalOptions { max_matches: true, minimize: true, ..OptimalOptions::DEFAULT },
            ] {
                let Some(dense) = solve(&market, options, 0) else {
                    assert!(lo < 0.0 && !options.max_matches, "declined seed {seed} {options:?}");
                    continue;
                };
                let sparse = min_cost_assignment(&market, options);
                let (dm, dt) = value(&market, &dense);
                let (sm, st) = value(&market, &sparse);
                if options.max_matches {
                    assert_eq!(dm, sm, "seed {seed} {options:?}");
                }
                assert!((dt - st).abs() < 1e-9, "seed {seed} {options:?}: dense {dt} sparse {st}");
                checked += 1;
            }
        }
        assert!(checked > 300, "{checked}");
    }

    #[test]
    fn column_minima_while_filling_are_the_first_cheapest_rows() {
        // Few distinct scores (ties in every column), both shapes, enough rows for several pieces.
        for (seed, n, m) in [(1, 300, 200), (2, 200, 300), (3, 257, 257)] {
            let market = complete(seed, n, m, 3, -1.0);
            let s = n.max(m);
            let project_at = at_positions((0..n).map(|p| market.project_order(p) as usize), n);
            let partner_at = at_positions((0..m).map(|q| market.partner_order(q) as usize), m);
            for minimize in [false, true] {
                let (cost, least) = cost_matrix(&market, minimize, s, (&project_at, &partner_at));
                assert_eq!(least, column_minima(s, &cost), "seed {seed}, minimize {minimize}");
            }
        }
    }

    #[test]
    fn declines_what_it_cannot_solve() {
        let market = complete(1, 5, 4, 10, 0.0);
        assert!(solve(&market, OptimalOptions::default(), 0).is_some());
        assert!(assign(&market, OptimalOptions::default()).is_none(), "too small for a matrix");
        let negative = complete(2, 5, 4, 10, -1.0);
        assert!(solve(&negative, OptimalOptions::default(), 0).is_none());
        assert!(
            solve(&negative, OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT }, 0)
                .is_some()
        );
        let mut partners = market.partners.clone();
        partners[0].capacity = 2;
        let wider = market.restrict(partners, &|_| true);
        assert!(solve(&wider, OptimalOptions::default(), 0).is_none());
        let sparse = market.restrict(market.partners.clone(), &|e| e != 3);
        assert!(solve(&sparse, OptimalOptions::default(), 0).is_none());
    }

    #[test]
    fn answer_does_not_depend_on_input_order() {
        let a = complete(9, 30, 40, 4, 0.0);
        let b = Market::from_scores(
            a.projects.iter().rev().cloned().collect(),
            a.partners.iter().rev().cloned().collect(),
            &a.edges()
                .iter()
                .map(|e| (a.projects.len() - 1 - e.project, a.partners.len() - 1 - e.partner, e.score, 1.0))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let pairs = |market: &Market, x: &Assignment| {
            let mut v: Vec<(String, String)> = (0..market.projects.len())
                .filter_map(|p| {
                    x.partner_of(market, p).map(|q| (market.projects[p].id.clone(), market.partners[q].id.clone()))
                })
                .collect();
            v.sort();
            v
        };
        let options = OptimalOptions::default();
        assert_eq!(pairs(&a, &solve(&a, options, 0).unwrap()), pairs(&b, &solve(&b, options, 0).unwrap()));
    }
}
