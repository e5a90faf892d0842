//! One module per subcommand.

mod generate;
mod recommend;
mod score;
mod table;
mod validate;

use anyhow::Result;

use crate::cli::Command;

/// Runs a parsed command.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Recommend(a) => recommend::run(&a),
        Command::Score(a) => score::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Generate(a) => generate::run(&a),
    }
}
