//! Properties of recommendation (`pounce::recommend`) on generated terms: the result is deterministic,
//! does not depend on the order of the projects and partners in the input (ties are broken by id),
//! nor on the number of threads. Terms come from the generator with proptest-chosen sizes and seeds;
//! half of them carry a generated referral network, so the PageRank-based `referral` dimension is
//! covered too, and partner pools range past several of the fast path's 256-partner blocks. (The matching properties are in `crates/pounce/tests/properties.rs`.)

use pounce::referral::{PageRankOptions, ReferralGraph, Referrals};
use pounce::{Exclusion, PairScore, Recommendation, Scorer, Side, Term, Weights, recommend};
use pounce_sim::{GeneratorConfig, ReferralConfig, generate, generate_referrals};
use proptest::prelude::*;

/// One subject's recommendations by id: (subject id, considered, feasible, exclusions, picks as
/// (counterpart id, scores)).
type ById = (String, usize, usize, Vec<(Exclusion, usize)>, Vec<(String, PairScore)>);

fn by_id(term: &Term, side: Side, recs: &[Recommendation]) -> Vec<ById> {
    let subject_id = |i: usize| match side {
        Side::Projects => term.projects[i].id.clone(),
        Side::Partners => term.partners[i].id.clone(),
    };
    let counterpart_id = |i: usize| match side {
        Side::Projects => term.partners[i].id.clone(),
        Side::Partners => term.projects[i].id.clone(),
    };
    let mut out: Vec<ById> = recs
        .iter()
        .map(|r| {
            let picks = r.picks.iter().map(|p| (counterpart_id(p.index), p.score)).collect();
            (subject_id(r.subject), r.considered, r.feasible, r.excluded_by.clone(), picks)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Recommendations by id on a pool of `threads` threads (the scorer is prepared there too).
fn run(
    term: &Term,
    records: Option<&[pounce::referral::EdgeRecord]>,
    k: usize,
    side: Side,
    threads: usize,
) -> Vec<ById> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        let weights = Weights::default();
        let referrals = records.map(|r| {
            let graph = ReferralGraph::build(r, &weights.referral, None, false);
            Referrals::new(graph, term, &PageRankOptions::default()).unwrap()
        });
        let scorer = Scorer::with_referrals(term, &weights, referrals.as_ref());
        let recs = recommend(&scorer, k, side, &|_| {});
        assert_eq!(recs.iter().map(|r| r.subject).collect::<Vec<_>>(), (0..recs.len()).collect::<Vec<_>>());
        by_id(term, side, &recs)
    })
}

/// Reorders the projects and partners of a term by two permutations drawn from `seed`.
fn shuffled(term: &Term, seed: u64) -> Term {
    let mut s = seed | 1;
    let mut next = move |n: usize| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % n as u64) as usize
    };
    let mut shuffle = |v: &mut Vec<usize>| {
        for i in (1..v.len()).rev() {
            let j = next(i + 1);
            v.swap(i, j);
        }
    };
    let mut pp: Vec<usize> = (0..term.projects.len()).collect();
    let mut qq: Vec<usize> = (0..term.partners.len()).collect();
    shuffle(&mut pp);
    shuffle(&mut qq);
    Term {
        projects: pp.iter().map(|&i| term.projects[i].clone()).collect(),
        partners: qq.iter().map(|&i| term.partners[i].clone()).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Same result on 1 and 3 threads, twice, and after shuffling projects and partners.
    #[test]
    fn recommend_is_independent_of_order_and_threads(
        projects in 1usize..=24,
        partners in prop_oneof![1usize..=120, 200usize..=1500],
        seed in any::<u64>(),
        order in any::<u64>(),
        k in 0usize..=8,
        partners_side in any::<bool>(),
        with_referrals in any::<bool>(),
    ) {
        let term = generate(&GeneratorConfig::new(projects, partners, seed));
        let records = with_referrals.then(|| generate_referrals(&term, &ReferralConfig { seed, ..Default::default() }));
        let side = if partners_side { Side::Partners } else { Side::Projects };
        let records = records.as_deref();
        let one = run(&term, records, k, side, 1);
        prop_assert_eq!(&one, &run(&term, records, k, side, 1), "not deterministic");
        prop_assert_eq!(&one, &run(&term, records, k, side, 3), "1 thread vs 3");
        let other = shuffled(&term, order);
        prop_assert_eq!(&one, &run(&other, records, k, side, 3), "shuffled input");
        prop_assert_eq!(&one, &run(&other, records, k, side, 1), "shuffled input, 1 thread");
        // The picks are the best k by (mutual descending, id ascending).
        for (_, _, feasible, _, picks) in &one {
            prop_assert_eq!(picks.len(), k.min(*feasible));
            for w in picks.windows(2) {
                let ordered = w[0].1.mutual > w[1].1.mutual || (w[0].1.mutual == w[1].1.mutual && w[0].0 < w[1].0);
                prop_assert!(ordered, "{} before {}", w[0].0, w[1].0);
            }
        }
    }
}
