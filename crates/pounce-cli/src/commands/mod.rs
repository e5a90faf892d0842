//! One module per subcommand.

mod docs;
mod evaluate;
mod generate;
mod matching;
mod recommend;
mod referrals;
mod score;
mod simulate;
mod table;
mod validate;

use anyhow::Result;

use crate::cli::Command;

/// Runs a parsed command.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Recommend(a) => recommend::run(&a),
        Command::Match(a) => matching::run_match(&a),
        Command::Rematch(a) => matching::run_rematch(&a),
        Command::Score(a) => score::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Referrals(c) => referrals::run(c),
        Command::Evaluate(a) => evaluate::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Completions(a) => docs::completions(&a),
        Command::Manpage(a) => docs::manpage(&a),
    }
}
