//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Pounce matches institutions' projects with industry partners: explained scores and ranked
/// recommendations from CSV or JSON files.
///
/// Start with the bundled sample term:
///
///   pounce recommend --projects datasets/sample/projects.csv --partners datasets/sample/partners.csv
///
/// Exit codes: 0 success, 1 failure (I/O, internal error), 2 bad input (every problem is listed).
#[derive(Debug, Parser)]
#[command(name = "pounce", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Recommend(RecommendArgs),
    Score(ScoreArgs),
    Validate(ValidateArgs),
    Generate(GenerateArgs),
}

/// The inputs every scoring command takes.
#[derive(Debug, Args)]
pub struct TermArgs {
    /// Projects file, CSV (one row each, lists separated by `;`) or JSON (`{"projects": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub projects: PathBuf,
    /// Partners file, CSV or JSON (`{"partners": [...]}`).
    #[arg(long, value_name = "FILE")]
    pub partners: PathBuf,
    /// Weights and rules as TOML (default: the built-in weights, also shipped as datasets/weights.toml).
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ForSide {
    /// Recommend partners for each project.
    Projects,
    /// Recommend projects for each partner.
    Partners,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// CSV with one row per recommendation.
    Csv,
    /// JSON document.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// CSV.
    Csv,
    /// JSON.
    Json,
}

/// Ranked, explained recommendations: the top partners for each project (or projects for each partner).
///
/// Pairs are ranked by mutual score, (1 - s) * fit + s * appeal, where fit is the project's view
/// (industry, skills, size, location, commitment, framework, schedule, IP) and appeal the partner's.
/// Partners failing a dimension the project lists in `must` are excluded, and the reason counted.
///
/// Examples:
///
///   pounce recommend --projects datasets/sample/projects.csv --partners datasets/sample/partners.csv --top 3
///
///   pounce recommend --projects p.csv --partners q.csv --for partners --format csv --out recs.csv
///
///   pounce recommend --projects p.csv --partners q.csv --explain --format json
#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub term: TermArgs,
    /// How many recommendations per project (or partner).
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub top: usize,
    /// Who receives recommendations.
    #[arg(long = "for", value_enum, default_value_t = ForSide::Projects)]
    pub side: ForSide,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Break every score down by dimension: value, weight, contribution and reason.
    #[arg(long)]
    pub explain: bool,
    /// Write to FILE (atomically: a temporary file renamed into place) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Every feasible project–partner pair with its per-dimension values, for inspection and for
/// external tools (for example to feed `--scores` of a matching solver).
///
/// Examples:
///
///   pounce score --projects datasets/sample/projects.csv --partners datasets/sample/partners.csv --out pairs.csv
///
///   pounce score --projects p.csv --partners q.csv --all --format json
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub term: TermArgs,
    /// Include excluded pairs too, with the reasons in the `excluded_by` column.
    #[arg(long)]
    pub all: bool,
    /// Output format (JSON carries the full explanation of every pair).
    #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
    pub format: DataFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Check input files and report every problem (file, line or JSON path, field, reason).
///
/// Projects or partners CSV are told apart by their columns; JSON documents may hold both; `.toml`
/// files are read as weights. Exit code 2 when any problem is found.
///
/// Example:
///
///   pounce validate datasets/sample/projects.csv datasets/sample/partners.csv datasets/weights.toml
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Generate a realistic instance: cities, industries, firm sizes and skills drawn from the bundled
/// real data (GeoNames, NAICS 2022, US Census SUSB 2021, O*NET). Same seed, same files.
///
/// Example:
///
///   pounce generate --projects 1000 --partners 100000 --seed 7 --out /tmp/term
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of projects.
    #[arg(long, default_value_t = 40)]
    pub projects: usize,
    /// Number of partners.
    #[arg(long, default_value_t = 300)]
    pub partners: usize,
    /// Number of institutions (default: one per 8 projects, at most 50).
    #[arg(long)]
    pub institutions: Option<usize>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Place the institutions in these cities, e.g. "Eindhoven, NL;Lyon, FR".
    #[arg(long, value_name = "CITIES")]
    pub near: Option<String>,
    /// First day of the term (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Prefix of partner ids.
    #[arg(long, default_value = "Q")]
    pub id_prefix: String,
    /// Output directory (created if missing); receives projects.csv and partners.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}
