//! The scenario target (pounce-sim's `Scenario::from_toml`), shared with
//! `crates/pounce-sim/tests/fuzz_regressions.rs`.

use pounce::Scorer;
use pounce::matching::Market;
use pounce_sim::Scenario;

use crate::targets::{SOURCE, check_err, exercise_market_with};

/// A scenario: parsed and validated; on success it serialises and reads back, and its seeds,
/// generator and referral configurations are built; a small term is generated, scored and matched
/// under the scenario's weights and constraints.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let s = match Scenario::from_toml(text, SOURCE) {
        Ok(s) => s,
        Err(e) => return check_err(&e),
    };
    let again = s.to_toml();
    if let Err(e) = Scenario::from_toml(&again, "again.toml") {
        panic!("a scenario does not read back: {e}\n{again}");
    }
    s.validate(SOURCE).expect("a parsed scenario validates");
    let seeds = s.seed_list();
    assert_eq!(seeds.len(), s.seeds);
    let config = s.generator_config(s.first_seed);
    let _ = s.referral_config(s.first_seed);
    if s.term.projects <= 12 && s.term.partners <= 24 {
        let term = pounce_sim::generate(&config);
        let scorer = Scorer::new(&term, &s.weights);
        let market = Market::from_scorer(&scorer);
        exercise_market_with(&market, &s.constraints);
    }
}
