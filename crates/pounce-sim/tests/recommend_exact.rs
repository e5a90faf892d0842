//! `recommend` against a naive reference: score every pair with `Scorer::score`, sort the feasible
//! ones by (mutual descending, id ascending), take k, count exclusions. The results must be
//! identical (same picks, same scores bit for bit, same counts) on generated terms perturbed to
//! exercise every branch: zero weights, `must` on every dimension, no capacity, declined partners,
//! fuzzy skill tags, short industry codes, empty lists, duplicated partners (exact ties), remote
//! work, with and without a referral network, on both sides.

use pounce::referral::{PageRankOptions, ReferralGraph, ReferralWeights, Referrals};
use pounce::{
    Dimension, DimensionSet, Exclusion, IndustryCode, PartnerStatus, Pick, Recommendation, Scorer, Side, Term, Weights,
    recommend,
};
use pounce_sim::{GeneratorConfig, ReferralConfig, generate, generate_referrals};

/// SplitMix64: a tiny deterministic generator for the perturbations.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// The naive reference: every pair scored, sorted, truncated.
fn naive(scorer: &Scorer<'_>, k: usize, side: Side) -> Vec<Recommendation> {
    let term = scorer.term();
    let (subjects, counterparts) = match side {
        Side::Projects => (term.projects.len(), term.partners.len()),
        Side::Partners => (term.partners.len(), term.projects.len()),
    };
    let id = |i: usize| match side {
        Side::Projects => term.partners[i].id.as_str(),
        Side::Partners => term.projects[i].id.as_str(),
    };
    (0..subjects)
        .map(|subject| {
            let mut picks = Vec::new();
            let mut excluded: Vec<(Exclusion, usize)> = Exclusion::all().map(|e| (e, 0)).collect();
            for other in 0..counterparts {
                let (p, q) = side.pair(subject, other);
                let score = scorer.score(p, q);
                if score.feasible() {
                    picks.push(Pick { index: other, score });
                } else {
                    for (e, n) in &mut excluded {
                        *n += usize::from(score.excluded.contains(*e));
                    }
                }
            }
            let feasible = picks.len();
            picks.sort_by(|a, b| b.score.mutual.total_cmp(&a.score.mutual).then(id(a.index).cmp(id(b.index))));
            picks.truncate(k);
            excluded.retain(|(_, n)| *n > 0);
            excluded.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Recommendation { subject, picks, considered: counterparts, feasible, excluded_by: excluded }
        })
        .collect()
}

/// A generated term, perturbed by `seed` to reach the scorer's corner cases.
fn perturbed_term(seed: u64, projects: usize, partners: usize) -> Term {
    let mut term = generate(&GeneratorConfig { institutions: 4, ..GeneratorConfig::new(projects, partners, seed) });
    let mut mix = Mix(seed);
    for p in &mut term.projects {
        if mix.chance(0.3) {
            let mut must = DimensionSet::EMPTY;
            for d in Dimension::ALL {
                if mix.chance(0.25) {
                    must.insert(d);
                }
            }
            p.must = must;
        }
        if mix.chance(0.1) {
            p.industries.clear();
        }
        if mix.chance(0.2) {
            // A short code: a parent of the first one.
            let s = p.industries.first().map(|c| c.to_string()).unwrap_or_else(|| "54".into());
            let len = 2 + mix.below(s.len() - 1);
            p.industries.push(IndustryCode::parse(&s[..len]).unwrap());
        }
        if mix.chance(0.1) {
            p.skills.clear();
        }
        if mix.chance(0.2) {
            for w in &mut p.skills {
                if mix.chance(0.5) && w.tag.len() > 6 {
                    w.tag.pop(); // a typo: matched fuzzily
                }
            }
        }
        if mix.chance(0.1) {
            p.mentor_hours = 0.0;
        }
        if mix.chance(0.1) {
            p.max_km = 0.0;
        }
        if mix.chance(0.2) {
            p.remote = !p.remote;
        }
        if mix.chance(0.1) {
            p.institution = "Nowhere Institute".into();
        }
    }
    for q in &mut term.partners {
        if mix.chance(0.05) {
            q.capacity = 0;
        }
        if mix.chance(0.05) {
            q.status = PartnerStatus::Declined;
        }
        if mix.chance(0.05) {
            q.mentor_hours = 0.0;
        }
        if mix.chance(0.05) {
            q.skills.clear();
        }
        if mix.chance(0.1) {
            for t in &mut q.skills {
                if mix.chance(0.3) && t.len() > 6 {
                    t.push('s');
                }
            }
        }
        if mix.chance(0.05) {
            let s = q.industries[0].to_string();
            q.industries.push(IndustryCode::parse(&s[..2 + mix.below(4)]).unwrap());
        }
        if mix.chance(0.03) {
            q.frameworks.reverse();
        }
        if mix.chance(0.1) {
            q.remote = !q.remote;
        }
    }
    // Exact ties: copies of partners under ids that sort before and after the original.
    let copies: Vec<_> = (0..partners / 20).map(|_| mix.below(partners)).collect();
    for (n, i) in copies.into_iter().enumerate() {
        let mut c = term.partners[i].clone();
        c.id = if n % 2 == 0 { format!("A{n:05}") } else { format!("{}x", c.id) };
        term.partners.push(c);
    }
    let n = term.partners.len();
    for i in 0..n {
        let j = mix.below(n);
        term.partners.swap(i, j);
    }
    term
}

fn weights(mix: &mut Mix) -> Weights {
    let mut w = Weights::default();
    let fit = [
        &mut w.fit.industry,
        &mut w.fit.skills,
        &mut w.fit.size,
        &mut w.fit.location,
        &mut w.fit.commitment,
        &mut w.fit.framework,
        &mut w.fit.schedule,
        &mut w.fit.ip,
        &mut w.fit.referral,
    ];
    for x in fit {
        if mix.chance(0.25) {
            *x = 0.0;
        } else if mix.chance(0.3) {
            *x = (1 + mix.below(7)) as f64 * 0.5;
        }
    }
    for x in [&mut w.appeal.industry, &mut w.appeal.relevance, &mut w.appeal.load, &mut w.appeal.framework] {
        if mix.chance(0.25) {
            *x = 0.0;
        }
    }
    w.mutual.appeal_share = [0.0, 0.3, 0.5, 1.0][mix.below(4)];
    w.rules.fuzzy_threshold = [0.85, 0.7][mix.below(2)];
    w.rules.min_overlap_hours = [2.0, 0.0, 6.0][mix.below(3)];
    w.rules.workday_hours = [8.0, 10.0][mix.below(2)];
    w
}

fn check(term: &Term, weights: &Weights, referrals: Option<&Referrals>, ks: &[usize], sides: &[Side]) {
    let scorer = Scorer::with_referrals(term, weights, referrals);
    for &side in sides {
        for &k in ks {
            let got = recommend(&scorer, k, side, &|_| {});
            let want = naive(&scorer, k, side);
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g, w, "side {side:?}, k {k}, subject {}, weights {weights:?}", w.subject);
            }
        }
    }
}

#[test]
fn recommend_equals_naive_reference() {
    for seed in 1..=6u64 {
        let term = perturbed_term(seed, 24, 1_500);
        let mut mix = Mix(seed * 1000 + 7);
        let w = if seed == 1 { Weights::default() } else { weights(&mut mix) };
        let referrals = (seed % 2 == 0).then(|| {
            let edges = generate_referrals(&term, &ReferralConfig { seed, ..ReferralConfig::default() });
            let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), None, false);
            Referrals::new(graph, &term, &PageRankOptions::default()).unwrap()
        });
        check(&term, &w, referrals.as_ref(), &[0, 1, 3, 10, 57], &[Side::Projects]);
        check(&term, &w, referrals.as_ref(), &[1, 4], &[Side::Partners]);
    }
}

#[test]
fn recommend_equals_naive_reference_unperturbed() {
    // A larger, unperturbed generated pool with the default weights (the benchmark's shape).
    let term = generate(&GeneratorConfig::new(12, 20_000, 42));
    check(&term, &Weights::default(), None, &[10], &[Side::Projects]);
}
