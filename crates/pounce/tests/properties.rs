//! Library-wide properties of batch matching on random small markets under random constraints.
//!
//! Every built-in strategy ([`Builtin`]) either refuses a kind of constraint it is documented not to
//! honour, or returns an assignment that respects capacities, locks, forbidden pairs, the minimum
//! score, the institution cap, the sector share, budgets and the institution minimum. Everything is
//! checked here from first principles (ids and the documented rules), not with the library's own
//! verifier. The stable strategies leave no blocking pair (enumerated here over every pair), and
//! `optimal` is never below any other strategy in total score (nor `optimal-max-matches` in matches).
//!
//! The recommendation properties (order and thread independence) live in
//! `crates/pounce-sim/tests/properties.rs`, which can use the instance generator.

use std::collections::{BTreeMap, HashMap, HashSet};

use pounce::matching::{
    Assignment, Builtin, Constraints, Edge, Market, MarketPartner, MarketProject, OptimalOptions, Proposer, run,
};
use proptest::prelude::*;

/// Every built-in strategy, with every option that changes what it computes.
fn strategies() -> Vec<Builtin> {
    let mut out: Vec<Builtin> = Builtin::NAMES.iter().map(|n| n.parse().unwrap()).collect();
    out.dedup();
    out.push(MAX_MATCHES);
    out.push(Builtin::Optimal(OptimalOptions { max_matches: true, minimize: true, ..OptimalOptions::DEFAULT }));
    out
}

const DEFAULT_OPTIMAL: Builtin =
    Builtin::Optimal(OptimalOptions { max_matches: false, minimize: false, ..OptimalOptions::DEFAULT });
const MAX_MATCHES: Builtin =
    Builtin::Optimal(OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT });

/// A pair's cell: (score in eighths, project rank, partner rank, hours).
type Cell = (i32, u32, u32, u32);

/// A random market and constraints, in plain form (shrinks well, prints readably).
#[derive(Debug, Clone)]
struct Case {
    /// Per project: the number in its id (a permutation, so id order differs from index order) and
    /// its institution (0 = none).
    projects: Vec<(usize, u8)>,
    /// Per partner: capacity, budget, active, sector (0 = none).
    partners: Vec<(u32, Option<u32>, bool, u8)>,
    /// Per (project, partner) cell: (score in eighths, project rank, partner rank, hours).
    cells: Vec<Vec<Option<Cell>>>,
    /// Minimum score in eighths.
    min_score: Option<i32>,
    /// Lock requests: an edge index (modulo the number of edges); inconsistent ones are dropped.
    locks: Vec<usize>,
    /// Forbidden (project, partner) requests (modulo the sizes; infeasible pairs allowed).
    forbids: Vec<(usize, usize)>,
    max_per_institution: Option<u32>,
    /// Sector share in quarters.
    max_sector_share: Option<u32>,
    budgets: bool,
    retention: bool,
    institution_min: Option<u32>,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=7, 1usize..=4)
        .prop_flat_map(|(n, m)| {
            let cell = prop::option::weighted(0.7, (-2i32..=8, 1u32..=3, 1u32..=3, 0u32..=3));
            (
                (Just((0..n).collect::<Vec<_>>()).prop_shuffle(), prop::collection::vec(0u8..=2, n)),
                prop::collection::vec((0u32..=3, prop::option::weighted(0.5, 0u32..=6), any::<bool>(), 0u8..=2), m),
                prop::collection::vec(prop::collection::vec(cell, m), n),
                prop::option::weighted(0.4, -1i32..=6),
                prop::collection::vec(0usize..64, 0..=3),
                prop::collection::vec((0usize..8, 0usize..4), 0..=3),
                (
                    prop::option::weighted(0.3, 1u32..=2),
                    prop::option::weighted(0.3, 1u32..=4),
                    prop::bool::weighted(0.3),
                    prop::bool::weighted(0.2),
                    prop::option::weighted(0.2, 1u32..=2),
                ),
            )
        })
        .prop_map(|((ids, institutions), partners, cells, min_score, locks, forbids, packing)| {
            let (max_per_institution, max_sector_share, budgets, retention, institution_min) = packing;
            Case {
                projects: ids.into_iter().zip(institutions).collect(),
                partners,
                cells,
                min_score,
                locks,
                forbids,
                max_per_institution,
                max_sector_share,
                budgets,
                retention,
                institution_min,
            }
        })
}

fn institution(i: u8) -> String {
    if i == 0 { String::new() } else { format!("I{i}") }
}

/// The market and constraints of a case. Locks are kept only when they are consistent with each
/// other and with every other constraint (the contradictions are `Constraints::resolve`'s business,
/// tested elsewhere), so every strategy that accepts the constraints must succeed.
fn build(case: &Case) -> (Market, Constraints) {
    let n = case.projects.len();
    let m = case.partners.len();
    let projects: Vec<MarketProject> = case
        .projects
        .iter()
        .map(|&(id, i)| MarketProject { id: format!("P{id}"), institution: institution(i) })
        .collect();
    let partners: Vec<MarketPartner> = case
        .partners
        .iter()
        .enumerate()
        .map(|(q, &(capacity, budget, active, sector))| MarketPartner {
            id: format!("Q{}", m - 1 - q),
            capacity,
            budget: budget.map(f64::from),
            active,
            sector: (sector > 0).then(|| format!("S{sector}")),
        })
        .collect();
    let mut edges = Vec::new();
    for (p, row) in case.cells.iter().enumerate() {
        for (q, cell) in row.iter().enumerate() {
            if let Some((score, project_rank, partner_rank, hours)) = *cell {
                edges.push(Edge {
                    project: p,
                    partner: q,
                    score: f64::from(score) / 8.0,
                    hours: f64::from(hours),
                    project_rank,
                    partner_rank,
                });
            }
        }
    }
    let min_score = case.min_score.map(|s| f64::from(s) / 8.0);
    let share = case.max_sector_share.map(|s| f64::from(s) / 4.0);
    let mut c = Constraints {
        min_score,
        max_per_institution: case.max_per_institution,
        max_sector_share: share,
        budgets: case.budgets,
        retention: case.retention,
        institution_min: case.institution_min,
        ..Constraints::default()
    };
    let pair_ids = |p: usize, q: usize| (projects[p].id.clone(), partners[q].id.clone());
    let forbidden: HashSet<(usize, usize)> = case.forbids.iter().map(|&(p, q)| (p % n, q % m)).collect();
    let mut forbidden: Vec<_> = forbidden.into_iter().collect();
    forbidden.sort();
    c.forbidden = forbidden.iter().map(|&(p, q)| pair_ids(p, q)).collect();
    // Locks, kept while they fit together.
    let sector_limit = share.map(|s| (s * n as f64 + 1e-9).floor() as u32);
    let mut locked = vec![false; n];
    let mut load = vec![0u32; m];
    let mut hours = vec![0f64; m];
    let mut inst: HashMap<(String, usize), u32> = HashMap::new();
    let mut sectors: HashMap<String, u32> = HashMap::new();
    for &pick in &case.locks {
        if edges.is_empty() {
            break;
        }
        let e = edges[pick % edges.len()];
        let (p, q) = (e.project, e.partner);
        let partner = &partners[q];
        let key = (projects[p].institution.clone(), q);
        let fits = !locked[p]
            && !forbidden.contains(&(p, q))
            && min_score.is_none_or(|s| e.score >= s)
            && load[q] < partner.capacity
            && !(c.budgets && partner.budget.is_some_and(|b| hours[q] + e.hours > b))
            && c.max_per_institution.is_none_or(|k| inst.get(&key).copied().unwrap_or(0) < k)
            && !matches!((sector_limit, &partner.sector), (Some(l), Some(s)) if sectors.get(s).copied().unwrap_or(0) >= l);
        if fits {
            locked[p] = true;
            load[q] += 1;
            hours[q] += e.hours;
            *inst.entry(key).or_default() += 1;
            if let Some(s) = &partner.sector {
                *sectors.entry(s.clone()).or_default() += 1;
            }
            c.locked.push(pair_ids(p, q));
        }
    }
    (Market::new(projects, partners, edges).unwrap(), c)
}

/// The constraint kinds a strategy is documented to refuse (the table in `matching::constraints`).
fn refuses(s: Builtin, c: &Constraints) -> bool {
    let packing = c.max_per_institution.is_some() || c.max_sector_share.is_some() || c.budgets;
    let quotas = c.retention || c.institution_min.unwrap_or(0) > 0;
    match s {
        Builtin::Greedy | Builtin::RankSum => quotas,
        Builtin::Optimal(_) => false,
        Builtin::Stable(_) | Builtin::RankMaximal => packing || quotas,
        _ => unreachable!("a new built-in strategy: add it to this table"),
    }
}

/// Ids of the market, the pairs of an assignment by id, and the rules of the constraints by id.
struct View<'a> {
    market: &'a Market,
    c: &'a Constraints,
    locked: HashMap<&'a str, &'a str>,
    forbidden: HashSet<(&'a str, &'a str)>,
}

impl<'a> View<'a> {
    fn new(market: &'a Market, c: &'a Constraints) -> Self {
        View {
            market,
            c,
            locked: c.locked.iter().map(|(p, q)| (p.as_str(), q.as_str())).collect(),
            forbidden: c.forbidden.iter().map(|(p, q)| (p.as_str(), q.as_str())).collect(),
        }
    }

    fn pid(&self, p: usize) -> &'a str {
        &self.market.projects[p].id
    }

    fn qid(&self, q: usize) -> &'a str {
        &self.market.partners[q].id
    }

    /// Whether the pair rules allow the edge: not forbidden, at least the minimum score, and the
    /// lock of its project if it has one.
    fn allowed(&self, e: &Edge) -> bool {
        let (p, q) = (self.pid(e.project), self.qid(e.partner));
        match self.locked.get(p) {
            Some(&l) => l == q,
            None => !self.forbidden.contains(&(p, q)) && self.c.min_score.is_none_or(|s| e.score >= s),
        }
    }

    /// Every rule `a` breaks (capacities, pair rules, packing limits; quotas when `quotas`), in words.
    fn broken(&self, a: &Assignment, quotas: bool) -> Vec<String> {
        let market = self.market;
        let mut out = Vec::new();
        if a.edges.len() != market.projects.len() {
            return vec![format!("{} slots for {} projects", a.edges.len(), market.projects.len())];
        }
        let n = market.projects.len();
        let mut load = vec![0u32; market.partners.len()];
        let mut hours = vec![0f64; market.partners.len()];
        let mut inst: BTreeMap<(&str, usize), u32> = BTreeMap::new();
        let mut sectors: BTreeMap<&str, u32> = BTreeMap::new();
        let mut matched_by_inst: BTreeMap<&str, u32> = BTreeMap::new();
        for (p, slot) in a.edges.iter().enumerate() {
            let partner = slot.map(|e| market.edges()[e].partner);
            if let Some(&l) = self.locked.get(self.pid(p)) {
                if partner.map(|q| self.qid(q)) != Some(l) {
                    out.push(format!("{} is not with its locked partner {l}", self.pid(p)));
                }
            }
            let Some(e) = *slot else { continue };
            let Some(edge) = market.edges().get(e) else {
                out.push(format!("{} holds edge {e}, out of range", self.pid(p)));
                continue;
            };
            if edge.project != p {
                out.push(format!("{} holds another project's edge", self.pid(p)));
                continue;
            }
            let (pid, qid) = (self.pid(p), self.qid(edge.partner));
            if self.forbidden.contains(&(pid, qid)) {
                out.push(format!("forbidden pair {pid}–{qid} made"));
            }
            if let Some(s) = self.c.min_score {
                if edge.score < s {
                    out.push(format!("{pid}–{qid} scores {} < min {s}", edge.score));
                }
            }
            load[edge.partner] += 1;
            hours[edge.partner] += edge.hours;
            let institution = market.projects[p].institution.as_str();
            *inst.entry((institution, edge.partner)).or_default() += 1;
            *matched_by_inst.entry(institution).or_default() += 1;
            if let Some(s) = &market.partners[edge.partner].sector {
                *sectors.entry(s).or_default() += 1;
            }
        }
        for (q, partner) in market.partners.iter().enumerate() {
            if load[q] > partner.capacity {
                out.push(format!("{} holds {} > capacity {}", partner.id, load[q], partner.capacity));
            }
            if let (true, Some(b)) = (self.c.budgets, partner.budget) {
                if hours[q] > b + 1e-9 {
                    out.push(format!("{} mentors {} h > budget {b}", partner.id, hours[q]));
                }
            }
        }
        if let Some(k) = self.c.max_per_institution {
            for ((i, q), count) in &inst {
                if *count > k {
                    out.push(format!("{count} projects of \"{i}\" with {} > {k}", self.qid(*q)));
                }
            }
        }
        if let Some(share) = self.c.max_sector_share {
            for (s, count) in &sectors {
                if f64::from(*count) > share * n as f64 + 1e-9 {
                    out.push(format!("{count} of {n} projects in sector {s} > share {share}"));
                }
            }
        }
        if quotas {
            if let Some(k) = self.c.institution_min {
                // Each named institution gets min(k, its projects with an allowed edge).
                let mut reachable: BTreeMap<&str, u32> = BTreeMap::new();
                for (p, project) in market.projects.iter().enumerate() {
                    if !project.institution.is_empty() && market.project_edges(p).iter().any(|e| self.allowed(e)) {
                        *reachable.entry(project.institution.as_str()).or_default() += 1;
                    }
                }
                for (i, u) in reachable {
                    let got = matched_by_inst.get(i).copied().unwrap_or(0);
                    if got < k.min(u) {
                        out.push(format!("institution {i} has {got} matches < min({k}, {u})"));
                    }
                }
            }
        }
        out
    }

    /// Every pair blocking `a` (weak stability), by enumeration of every (project, partner) pair,
    /// with locked pairs set aside: a locked project never moves and its slot is not the partner's to
    /// give. A pair blocks when the pair rules allow it, the two are not together, the project is
    /// free or strictly prefers the partner to its own, and the partner has a free slot (locks
    /// deducted) or strictly prefers the project to the worst unlocked project it holds.
    fn blocking(&self, a: &Assignment) -> Vec<(String, String)> {
        let market = self.market;
        let edges = market.edges();
        let mut out = Vec::new();
        for p in 0..market.projects.len() {
            if self.locked.contains_key(self.pid(p)) {
                continue;
            }
            let current = a.edges[p].map(|e| edges[e]);
            for q in 0..market.partners.len() {
                let Some(edge) = market.project_edges(p).iter().find(|e| e.partner == q) else { continue };
                if !self.allowed(edge) || current.is_some_and(|c| c.partner == q) {
                    continue;
                }
                if current.is_some_and(|c| c.project_rank <= edge.project_rank) {
                    continue;
                }
                let locks = self.locked.values().filter(|&&l| l == self.qid(q)).count() as u32;
                let held: Vec<u32> = (0..market.projects.len())
                    .filter(|&o| !self.locked.contains_key(self.pid(o)))
                    .filter_map(|o| a.edges[o].map(|e| edges[e]))
                    .filter(|e| e.partner == q)
                    .map(|e| e.partner_rank)
                    .collect();
                let room = (held.len() as u32) + locks < market.partners[q].capacity;
                if room || held.iter().any(|&r| edge.partner_rank < r) {
                    out.push((self.pid(p).to_owned(), self.qid(q).to_owned()));
                }
            }
        }
        out
    }

    /// Whether any assignment meets every rule including the quotas (enumeration; small markets).
    fn quotas_feasible(&self) -> bool {
        let market = self.market;
        let n = market.projects.len();
        let mut a = Assignment::empty(n);
        fn rec(v: &View<'_>, p: usize, a: &mut Assignment) -> bool {
            if p == v.market.projects.len() {
                return v.broken(a, true).is_empty();
            }
            a.edges[p] = None;
            if rec(v, p + 1, a) {
                return true;
            }
            for e in v.market.project_edge_range(p) {
                if v.allowed(&v.market.edges()[e]) {
                    a.edges[p] = Some(e);
                    if rec(v, p + 1, a) {
                        return true;
                    }
                }
            }
            a.edges[p] = None;
            false
        }
        rec(self, 0, &mut a)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    /// Every strategy refuses exactly the constraint kinds it is documented to refuse, and otherwise
    /// returns an assignment that breaks no rule; `optimal` fails only when the institution minimum
    /// truly cannot be met.
    #[test]
    fn every_strategy_respects_every_rule_it_accepts(case in case()) {
        let (market, c) = build(&case);
        let view = View::new(&market, &c);
        for s in strategies() {
            let result = run(&s, &market, &c);
            if refuses(s, &c) {
                let e = result.expect_err("a refusal");
                prop_assert!(e.to_string().contains("cannot honour"), "{s}: {e}");
                continue;
            }
            match result {
                Ok(a) => {
                    let broken = view.broken(&a, matches!(s, Builtin::Optimal(_)));
                    prop_assert!(broken.is_empty(), "{s}: {broken:?}");
                }
                Err(e) => {
                    let quota = matches!(s, Builtin::Optimal(_)) && c.institution_min.is_some();
                    prop_assert!(quota && e.to_string().contains("institution_min"), "{s} failed: {e}");
                    prop_assert!(!view.quotas_feasible(), "{s}: {e}, yet an assignment meets every quota");
                }
            }
        }
    }

    /// The stable strategies leave no blocking pair, with and without pair rules.
    #[test]
    fn stable_strategies_leave_no_blocking_pair(case in case(), rules in any::<bool>()) {
        let (market, mut c) = build(&case);
        // Stable honours the pair rules only.
        c = Constraints {
            locked: if rules { c.locked } else { Vec::new() },
            forbidden: if rules { c.forbidden } else { Vec::new() },
            min_score: if rules { c.min_score } else { None },
            ..Constraints::default()
        };
        let view = View::new(&market, &c);
        for proposer in [Proposer::Projects, Proposer::Partners] {
            let s = Builtin::Stable(proposer);
            let a = run(&s, &market, &c).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
            prop_assert!(view.broken(&a, false).is_empty());
            let blocking = view.blocking(&a);
            prop_assert!(blocking.is_empty(), "{s}: blocking pairs {blocking:?}");
        }
    }

    /// `optimal` is never below any other strategy in total score under the same constraints, and
    /// `optimal-max-matches` never matches fewer projects.
    #[test]
    fn optimal_is_never_below_any_other_strategy(case in case()) {
        let (market, mut c) = build(&case);
        // Quotas trade score for coverage; compare on the constraints every score-maximiser shares.
        c.retention = false;
        c.institution_min = None;
        let best = run(&DEFAULT_OPTIMAL, &market, &c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let most = run(&MAX_MATCHES, &market, &c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for s in strategies() {
            if refuses(s, &c) {
                continue;
            }
            let a = run(&s, &market, &c).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
            prop_assert!(
                a.total_score(&market) <= best.total_score(&market) + 1e-9,
                "{s} scores {} > optimal {}", a.total_score(&market), best.total_score(&market)
            );
            prop_assert!(a.matched() <= most.matched(), "{s} matches {} > optimal-max-matches {}", a.matched(), most.matched());
        }
    }
}
