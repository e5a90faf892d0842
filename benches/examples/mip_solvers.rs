//! The two solvers of constrained `optimal` side by side: Pounce's own (always built) and HiGHS
//! (`--features highs`), on every OR-Library GAP instance (maximum and minimum, every job assigned)
//! and on a generated term under budgets, institution caps, a sector share and an institution
//! minimum. Prints one row per instance: each solver's time and optimum (they must agree).
//!
//! ```text
//! cargo run --release -p pounce-benches --example mip_solvers [--features highs] [-- --limit SECONDS]
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pounce::matching::{Constraints, Market, MarketPartner, MarketProject, MipSolver, OptimalOptions, Resolved, mip};

fn gap_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../datasets/benchmarks/gap")
}

/// An OR-Library GAP instance as a market: agents are partners (budget = the agent's capacity),
/// jobs are projects, cost = score, resource = hours.
fn gap_market(name: &str) -> Market {
    let text = std::fs::read_to_string(gap_dir().join(format!("{name}.txt"))).unwrap();
    let mut it = text.split_whitespace().map(|t| t.parse::<f64>().unwrap());
    let m = it.next().unwrap() as usize;
    let n = it.next().unwrap() as usize;
    let mut matrix = || (0..m).map(|_| (0..n).map(|_| it.next().unwrap()).collect::<Vec<_>>()).collect::<Vec<_>>();
    let costs = matrix();
    let resources = matrix();
    let caps: Vec<f64> = (0..m).map(|_| it.next().unwrap()).collect();
    let projects = (0..n).map(|j| MarketProject { id: format!("J{j:03}"), institution: String::new() }).collect();
    let partners = (0..m)
        .map(|i| MarketPartner {
            id: format!("A{i:02}"),
            capacity: n as u32,
            budget: Some(caps[i]),
            active: true,
            sector: None,
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..m {
        for j in 0..n {
            pairs.push((j, i, costs[i][j], resources[i][j]));
        }
    }
    Market::from_scores(projects, partners, &pairs).unwrap()
}

fn solvers() -> Vec<MipSolver> {
    let mut s = vec![MipSolver::Pounce];
    if MipSolver::HIGHS_BUILT {
        s.push(MipSolver::Highs);
    }
    s
}

/// Solves and returns (seconds, the optimum as text) or the reason it did not finish.
fn run(market: &Market, c: &Resolved, options: OptimalOptions) -> (f64, String) {
    let t = Instant::now();
    let a = mip::solve(market, c, options);
    let s = t.elapsed().as_secs_f64();
    match a {
        Ok(a) if a.stopped.is_some() => (s, format!("stopped ({})", a.stopped.unwrap().text())),
        Ok(a) => (s, format!("{} matched, {:.4}", a.matched(), a.total_score(market))),
        Err(e) => (s, format!("error: {e}")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let limit = args.iter().position(|a| a == "--limit").map_or(60.0, |i| args[i + 1].parse().unwrap());
    let bounds = std::fs::read_to_string(gap_dir().join("bounds.txt")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(gap_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".txt") && (f.starts_with('c') || f.starts_with('a')) && !f.starts_with("bounds"))
        .map(|f| f.trim_end_matches(".txt").to_owned())
        .collect();
    names.sort();
    let solvers = solvers();
    print!("| instance | objective | published |");
    for s in &solvers {
        print!(" {s} s | {s} optimum |");
    }
    println!();
    let mut totals = vec![0.0; solvers.len()];
    for name in &names {
        let market = gap_market(name);
        let c = Resolved { budgets: true, locked: vec![None; market.projects.len()], ..Default::default() };
        for (objective, minimize) in [("Max", false), ("Min", true)] {
            let published = bounds
                .lines()
                .find(|l| l.split_whitespace().next() == Some(&format!("{name}_{objective}")))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("?");
            print!("| {name} | {objective} | {published} |");
            for (k, &solver) in solvers.iter().enumerate() {
                let options = OptimalOptions {
                    max_matches: true,
                    minimize,
                    time_limit: Some(Duration::from_secs_f64(limit)),
                    solver,
                };
                let (s, what) = run(&market, &c, options);
                totals[k] += s;
                print!(" {s:.3} | {what} |");
            }
            println!();
        }
    }
    for (s, t) in solvers.iter().zip(&totals) {
        println!("{s}: all GAP instances in {t:.1} s");
    }

    // A generated term: 300 projects, 300 partners (`pounce generate --projects 300 --partners 300
    // --seed 1`).
    let term = pounce_sim::generate(&pounce_sim::GeneratorConfig::new(300, 300, 1));
    let scorer = pounce::Scorer::new(&term, &pounce::Weights::default());
    let market = Market::from_scorer(&scorer);
    let all = Constraints {
        budgets: true,
        max_per_institution: Some(2),
        max_sector_share: Some(0.3),
        institution_min: Some(3),
        ..Constraints::default()
    };
    for (label, constraints) in [
        ("budgets", Constraints { budgets: true, ..Constraints::default() }),
        ("budgets + institution caps 2 + sector share 0.3 + institution minimum 3", all.clone()),
        ("the same + retention", Constraints { retention: true, ..all.clone() }),
    ] {
        let c = constraints.resolve(&market).unwrap();
        print!("| term 300 × 300 ({} pairs): {label} |", market.edges().len());
        for &solver in &solvers {
            let options =
                OptimalOptions { time_limit: Some(Duration::from_secs_f64(limit)), solver, ..Default::default() };
            let (s, what) = run(&market, &c, options);
            print!(" {s:.2} s: {what} |");
        }
        println!();
    }
}
