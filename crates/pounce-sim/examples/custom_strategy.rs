//! Plug your own matching strategy into an experiment and compare it with the built-ins.
//!
//! `cargo run --release -p pounce-sim --example custom_strategy`
//!
//! The strategy here is a serial dictatorship: projects, in id order, take their best-ranked partner
//! with room left. It implements [`pounce::matching::Strategy`], so `run_experiment` treats it like
//! `greedy` or `optimal`.

use pounce::matching::{Assignment, Market, Resolved, Strategy, Uses};
use pounce_sim::{Experiment, Scenario, builtin_strategies, run_experiment, summarise};

/// Projects in id order each take their best partner that still has room.
struct SerialDictatorship;

impl Strategy for SerialDictatorship {
    fn name(&self) -> String {
        "serial-dictatorship".into()
    }

    fn check(&self, uses: Uses) -> Result<(), String> {
        // Locks, forbidden pairs and a minimum score are honoured through `Resolved::allows`.
        if uses == (Uses { pair_rules: uses.pair_rules, ..Uses::default() }) {
            Ok(())
        } else {
            Err("serial-dictatorship honours only locks, forbidden pairs and a minimum score".into())
        }
    }

    fn solve(&self, market: &Market, c: &Resolved) -> pounce::Result<Assignment> {
        let mut a = Assignment::empty(market.projects.len());
        let mut left: Vec<u32> = market.partners.iter().map(|q| q.capacity).collect();
        for (p, lock) in c.locked.iter().enumerate() {
            if let Some(e) = *lock {
                a.edges[p] = Some(e);
                left[market.edges()[e].partner] -= 1;
            }
        }
        let mut order: Vec<usize> = (0..market.projects.len()).collect();
        order.sort_by_key(|&p| market.project_order(p));
        for p in order {
            if a.edges[p].is_some() {
                continue;
            }
            let choice =
                market.project_edge_range(p).find(|&e| c.allows(market, e) && left[market.edges()[e].partner] > 0);
            if let Some(e) = choice {
                left[market.edges()[e].partner] -= 1;
                a.edges[p] = Some(e);
            }
        }
        Ok(a)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = Scenario::from_toml("[term]\nprojects = 60\npartners = 400\ninstitutions = 6\n", "inline")?;
    let mut strategies = builtin_strategies(&["greedy", "optimal", "stable-projects"])?;
    strategies.push(("serial-dictatorship".into(), Box::new(SerialDictatorship)));
    let experiment = Experiment { scenario, strategies, seeds: (1..=5).collect() };
    let rows = run_experiment(&experiment, &|_| {})?;
    for m in summarise(&rows).iter().filter(|m| m.metric == "total_score" || m.metric == "blocking_pairs") {
        println!("{:<20} {:<15} {:>9.3} ± {:.3}", m.strategy, m.metric, m.mean, m.half_width());
    }
    Ok(())
}
