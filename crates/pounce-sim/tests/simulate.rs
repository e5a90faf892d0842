//! Multi-term simulation: determinism, consistent stats, feedback into the network.

use pounce::matching::Builtin;
use pounce_sim::{Scenario, TermStats, builtin_strategies, simulate};

fn scenario() -> Scenario {
    Scenario::from_toml("[term]\nprojects = 16\npartners = 120\nnear = [\"Eindhoven, NL\", \"Lyon, FR\"]\n", "s.toml")
        .unwrap()
}

fn run(name: &str, terms: usize, seed: u64) -> Vec<TermStats> {
    let strategies = builtin_strategies(&[name]).unwrap();
    simulate(&scenario(), strategies[0].1.as_ref(), name, terms, seed).unwrap()
}

#[test]
fn same_inputs_same_stats_on_any_number_of_threads() {
    let base = run("greedy", 3, 7);
    assert_eq!(base.len(), 3);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        assert_eq!(pool.install(|| run("greedy", 3, 7)), base, "{threads} threads");
    }
    assert_ne!(run("greedy", 3, 8), base, "another seed gives another run");
}

#[test]
fn stats_are_consistent() {
    for seed in [1, 2] {
        let stats = run("greedy", 4, seed);
        for (t, s) in stats.iter().enumerate() {
            assert_eq!(s.term, t);
            assert_eq!(s.strategy, "greedy");
            assert_eq!(s.matched, s.dropped + s.completed, "{s:?}");
            assert!(s.matched > 0 && s.matched <= 16, "{s:?}");
            assert!(s.mean_score > 0.0 && s.mean_score <= 1.0, "{s:?}");
            assert!(s.lapsed <= s.partners_active, "{s:?}");
            assert!((0.0..=1.0).contains(&s.retention), "{s:?}");
        }
        assert_eq!(stats[0].retention, 1.0);
        for w in stats.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert_eq!(b.partners_active, a.partners_active + a.prospects_joined - a.lapsed, "{a:?} {b:?}");
            assert_eq!(b.referral_edges, a.referral_edges + a.matched, "one edge per outcome: {a:?} {b:?}");
            let kept = (a.partners_active - a.lapsed) as f64 / a.partners_active as f64;
            assert!((b.retention - kept).abs() < 1e-12, "{a:?} {b:?}");
        }
        // Something happens over four terms: drop-outs, lapses and (with a referral network) joins.
        assert!(stats.iter().map(|s| s.dropped).sum::<usize>() > 0, "{stats:?}");
        assert!(stats.iter().map(|s| s.lapsed).sum::<usize>() > 0, "{stats:?}");
        assert!(stats.iter().map(|s| s.prospects_joined).sum::<usize>() > 0, "{stats:?}");
    }
}

#[test]
fn without_referrals_the_network_is_only_outcomes() {
    let s =
        Scenario::from_toml("[term]\nprojects = 8\npartners = 60\n[referrals]\nenabled = false\n", "s.toml").unwrap();
    let stats = simulate(&s, &Builtin::Greedy, "greedy", 3, 3).unwrap();
    assert_eq!(stats[0].referral_edges, 0);
    assert_eq!(stats[1].referral_edges, stats[0].matched);
    assert_eq!(stats[2].referral_edges, stats[0].matched + stats[1].matched);
}

#[test]
fn optimal_scores_at_least_greedy_in_term_zero() {
    for seed in [1, 5] {
        let greedy = run("greedy", 3, seed);
        let optimal = run("optimal", 3, seed);
        assert_eq!(greedy[0].partners_active, optimal[0].partners_active, "same term 0");
        assert_eq!(greedy[0].referral_edges, optimal[0].referral_edges, "same network");
        let total = |s: &TermStats| s.mean_score * s.matched as f64;
        assert!(total(&optimal[0]) >= total(&greedy[0]) - 1e-9, "{:?} vs {:?}", optimal[0], greedy[0]);
        assert_eq!(optimal.len(), 3);
    }
}

#[test]
fn zero_terms_is_empty_and_bad_strategies_are_refused() {
    assert!(run("greedy", 0, 1).is_empty());
    let s = Scenario::from_toml("[term]\nprojects = 8\npartners = 40\n[constraints]\nretention = true\n", "s.toml")
        .unwrap();
    let err = simulate(&s, &Builtin::Greedy, "greedy", 1, 1).unwrap_err().to_string();
    assert!(err.contains("strategy greedy") && err.contains("retention"), "{err}");
}
