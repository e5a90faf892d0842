//! One partner's subproblem in the Lagrangian bound: the most profitable set of its edges within its
//! capacity (a count) and its budget (mentor hours), exactly.
//!
//! Three cases, cheapest first: without a binding budget the best set is the `k` most profitable
//! items; with hours that are whole multiples of a common unit (whole hours, halves, quarters,
//! tenths, ...) a dynamic program over (count, hours) in that unit; otherwise a depth-first branch
//! and bound over items by profit density, bounded by the fractional (Dantzig) relaxation and the
//! best `k` remaining profits.

/// The candidates of one subproblem: profits (all positive) and hours.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Items<'a> {
    /// Profit of each item (> 0).
    pub profit: &'a [f64],
    /// Hours of each item (≥ 0).
    pub hours: &'a [f64],
    /// Hours in units, when every item's hours and the budget are whole multiples of one unit.
    pub units: Option<&'a [u32]>,
}

/// The most units a dynamic program may span (above it, branch and bound).
const MAX_CELLS: usize = 4_000_000;

/// The best subset of `items` with at most `k` items and at most `budget` hours (in units as well
/// when `budget_units` is given): its value, and `chosen[i]` set for the items taken.
pub(crate) fn best(items: Items<'_>, k: usize, budget: Option<(f64, Option<u32>)>, chosen: &mut [bool]) -> f64 {
    let n = items.profit.len();
    chosen[..n].fill(false);
    if k == 0 || n == 0 {
        return 0.0;
    }
    let budget = budget.filter(|&(b, _)| binding(items, k, b));
    match budget {
        None => top_k(items.profit, k, chosen),
        Some((b, units)) => match (items.units, units) {
            (Some(w), Some(cap)) if n * (if k >= n { 2 } else { k + 1 }) * (cap as usize + 1) <= MAX_CELLS => {
                dynamic(items.profit, w, k.min(n), cap as usize, chosen)
            }
            _ => branch_and_bound(items.profit, items.hours, k, b, chosen),
        },
    }
}

/// Whether the budget can bind: the `k` largest hours exceed it.
fn binding(items: Items<'_>, k: usize, budget: f64) -> bool {
    let total: f64 = items.hours.iter().sum();
    if total <= budget + 1e-9 {
        return false;
    }
    if k >= items.hours.len() {
        return true;
    }
    let mut h = items.hours.to_vec();
    h.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    h[..k].iter().sum::<f64>() > budget + 1e-9
}

/// The `k` most profitable items (ties: the lower index).
fn top_k(profit: &[f64], k: usize, chosen: &mut [bool]) -> f64 {
    let n = profit.len();
    if k >= n {
        chosen[..n].fill(true);
        return profit.iter().sum();
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    let by = |a: &u32, b: &u32| profit[*b as usize].total_cmp(&profit[*a as usize]).then(a.cmp(b));
    order.select_nth_unstable_by(k - 1, by);
    let mut v = 0.0;
    for &i in &order[..k] {
        chosen[i as usize] = true;
        v += profit[i as usize];
    }
    v
}

/// The `k` best profits' sum, for bounds.
pub(crate) fn top_sum(profit: &[f64], k: usize) -> f64 {
    if k >= profit.len() {
        return profit.iter().sum();
    }
    if k == 0 {
        return 0.0;
    }
    let mut p = profit.to_vec();
    p.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    p[..k].iter().sum()
}

/// Dynamic program over (items taken ≤ k, units ≤ cap): `f[j][c]`, the best value with at most `j`
/// items and at most `c` units. Decisions are kept per item to rebuild the set.
fn dynamic(profit: &[f64], w: &[u32], k: usize, cap: usize, chosen: &mut [bool]) -> f64 {
    let n = profit.len();
    let width = cap + 1;
    // Without a binding count (k = n), one layer suffices.
    let layers = if k >= n { 1 } else { k };
    let mut f = vec![0.0f64; (layers + 1) * width];
    let mut take = vec![false; n * (layers + 1) * width];
    for i in 0..n {
        let wi = w[i] as usize;
        if wi > cap {
            continue;
        }
        let base = i * (layers + 1) * width;
        if layers == 1 && k >= n {
            // f[1][c] = max(f[1][c], f[1][c - wi] + p), descending c (0/1 knapsack).
            for c in (wi..=cap).rev() {
                let v = f[width + c - wi] + profit[i];
                if v > f[width + c] {
                    f[width + c] = v;
                    take[base + width + c] = true;
                }
            }
        } else {
            for j in (1..=layers).rev() {
                for c in (wi..=cap).rev() {
                    let v = f[(j - 1) * width + c - wi] + profit[i];
                    if v > f[j * width + c] {
                        f[j * width + c] = v;
                        take[base + j * width + c] = true;
                    }
                }
            }
        }
    }
    // Rebuild from (layers, cap) backwards over the items.
    let (mut j, mut c) = (layers, cap);
    let value = f[layers * width + cap];
    for i in (0..n).rev() {
        let base = i * (layers + 1) * width;
        if j > 0 && take[base + j * width + c] {
            chosen[i] = true;
            c -= w[i] as usize;
            if !(layers == 1 && k >= n) {
                j -= 1;
            }
        }
    }
    value
}

/// Exact branch and bound for the knapsack with a count limit, on any hours.
fn branch_and_bound(profit: &[f64], hours: &[f64], k: usize, budget: f64, chosen: &mut [bool]) -> f64 {
    let n = profit.len();
    // Items by density, zero-hour items first; ties by index.
    let mut order: Vec<usize> = (0..n).filter(|&i| hours[i] <= budget + 1e-9).collect();
    order.sort_by(|&a, &b| {
        let da = if hours[a] > 0.0 { profit[a] / hours[a] } else { f64::INFINITY };
        let db = if hours[b] > 0.0 { profit[b] / hours[b] } else { f64::INFINITY };
        db.total_cmp(&da).then(a.cmp(&b))
    });
    let p: Vec<f64> = order.iter().map(|&i| profit[i]).collect();
    let h: Vec<f64> = order.iter().map(|&i| hours[i]).collect();
    let mut best_value = 0.0;
    let mut best_set: Vec<bool> = vec![false; p.len()];
    let mut cur: Vec<bool> = vec![false; p.len()];
    // Greedy start.
    {
        let (mut room, mut left, mut v) = (budget, k, 0.0);
        for i in 0..p.len() {
            if left > 0 && h[i] <= room + 1e-9 {
                room -= h[i];
                left -= 1;
                v += p[i];
                best_set[i] = true;
            }
        }
        best_value = v.max(best_value);
    }
    let mut sorted_profits: Vec<Vec<f64>> = Vec::new();
    // The k best profits among items i.., for the count bound (suffix, computed lazily per depth).
    for i in 0..=p.len() {
        let mut rest: Vec<f64> = p[i..].to_vec();
        rest.sort_by(|a, b| b.total_cmp(a));
        rest.truncate(k);
        sorted_profits.push(rest);
    }
    fn bound(p: &[f64], h: &[f64], from: usize, room: f64, left: usize, tops: &[f64]) -> f64 {
        // Dantzig: fill by density, the last item fractionally.
        let mut v = 0.0;
        let mut room = room;
        for i in from..p.len() {
            if h[i] <= room + 1e-9 {
                room -= h[i];
                v += p[i];
            } else {
                if h[i] > 0.0 {
                    v += p[i] * room / h[i];
                }
                break;
            }
        }
        let count: f64 = tops.iter().take(left).sum();
        v.min(count)
    }
    #[allow(clippy::too_many_arguments)]
    fn dfs(
        i: usize,
        room: f64,
        left: usize,
        value: f64,
        p: &[f64],
        h: &[f64],
        tops: &[Vec<f64>],
        cur: &mut Vec<bool>,
        best_value: &mut f64,
        best_set: &mut Vec<bool>,
    ) {
        if value > *best_value {
            *best_value = value;
            best_set.clone_from(cur);
        }
        if i == p.len() || left == 0 {
            return;
        }
        if value + bound(p, h, i, room, left, &tops[i]) <= *best_value + 1e-12 {
            return;
        }
        if h[i] <= room + 1e-9 {
            cur[i] = true;
            dfs(i + 1, room - h[i], left - 1, value + p[i], p, h, tops, cur, best_value, best_set);
            cur[i] = false;
        }
        dfs(i + 1, room, left, value, p, h, tops, cur, best_value, best_set);
    }
    dfs(0, budget, k, 0.0, &p, &h, &sorted_profits, &mut cur, &mut best_value, &mut best_set);
    for (pos, &i) in order.iter().enumerate() {
        chosen[i] = best_set[pos];
    }
    best_value
}

/// The unit every value of `hours` and `budget` is a whole multiple of (1, ½, ¼, 1/5, 1/10, 1/20,
/// 1/100, 1/1000), with the budget at most `max_units` of it.
pub(crate) fn unit(hours: &[f64], budget: f64, max_units: f64) -> Option<f64> {
    const UNITS: [f64; 8] = [1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01, 0.001];
    let whole = |v: f64, u: f64| {
        let s = v / u;
        (s - s.round()).abs() <= 1e-9 * s.abs().max(1.0)
    };
    UNITS
        .into_iter()
        .find(|&u| budget / u <= max_units && whole(budget, u) && hours.iter().all(|&h| h >= 0.0 && whole(h, u)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::tests::xorshift;

    fn brute(profit: &[f64], hours: &[f64], k: usize, budget: Option<f64>) -> f64 {
        let n = profit.len();
        let mut best = 0.0f64;
        for mask in 0u32..(1 << n) {
            let set: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
            if set.len() > k {
                continue;
            }
            let h: f64 = set.iter().map(|&i| hours[i]).sum();
            if budget.is_some_and(|b| h > b + 1e-9) {
                continue;
            }
            best = best.max(set.iter().map(|&i| profit[i]).sum());
        }
        best
    }

    #[test]
    fn every_case_agrees_with_enumeration() {
        let mut next = xorshift(77);
        for round in 0..3000 {
            let n = 1 + next(10) as usize;
            let profit: Vec<f64> = (0..n).map(|_| 1.0 + next(100) as f64 / 7.0).collect();
            let halves = round % 2 == 0;
            let hours: Vec<f64> =
                (0..n).map(|_| if halves { next(12) as f64 / 2.0 } else { next(1000) as f64 / 97.0 }).collect();
            let k = 1 + next(n as u64 + 1) as usize;
            let budget = if round % 5 == 0 { None } else { Some(next(25) as f64 / 2.0) };
            let units: Option<Vec<u32>> = budget
                .and_then(|b| unit(&hours, b, 1e6))
                .map(|u| hours.iter().map(|h| (h / u).round() as u32).collect());
            let items = Items { profit: &profit, hours: &hours, units: units.as_deref() };
            let bu = budget.map(|b| (b, unit(&hours, b, 1e6).map(|u| (b / u).round() as u32)));
            let mut chosen = vec![false; n];
            let v = best(items, k, bu, &mut chosen);
            let expected = brute(&profit, &hours, k, budget);
            assert!(
                (v - expected).abs() < 1e-9,
                "round {round}: {v} vs {expected}: {profit:?} {hours:?} k {k} budget {budget:?} units {units:?}"
            );
            let set: Vec<usize> = (0..n).filter(|&i| chosen[i]).collect();
            assert!(set.len() <= k);
            let h: f64 = set.iter().map(|&i| hours[i]).sum();
            assert!(budget.is_none_or(|b| h <= b + 1e-9), "round {round}: {h} hours over {budget:?}");
            let pv: f64 = set.iter().map(|&i| profit[i]).sum();
            assert!((pv - v).abs() < 1e-9, "round {round}: the set is worth {pv}, reported {v}");
        }
    }

    #[test]
    fn units_are_found_only_when_exact() {
        assert_eq!(unit(&[2.0, 3.0], 10.0, 1e6), Some(1.0));
        assert_eq!(unit(&[2.5, 3.0], 10.0, 1e6), Some(0.5));
        assert_eq!(unit(&[0.3, 3.0], 10.0, 1e6), Some(0.1));
        assert_eq!(unit(&[1.0 / 3.0], 10.0, 1e6), None);
        assert_eq!(unit(&[1.0], 1e9, 1e6), None);
    }
}
