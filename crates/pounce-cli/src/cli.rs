//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Pounce matches institutions' projects with industry partners: explained scores and ranked
/// recommendations from CSV or JSON files.
///
/// Start with the bundled sample term:
///
///   pounce recommend --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv
///
/// Exit codes: 0 success, 1 failure (I/O, internal error), 2 bad input (every problem is listed),
/// 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM. Output files are written whole or not at all:
/// when interrupted, an existing file is left as it was.
#[derive(Debug, Parser)]
// Help is laid out at 100 columns whatever the terminal: the tables and examples below keep the
// lines they are written with (none is longer), and nothing is rewrapped on a narrow terminal.
#[command(name = "pounce", version, about, long_about, term_width = 100, verbatim_doc_comment)]
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
    Match(MatchArgs),
    Rematch(RematchArgs),
    Score(ScoreArgs),
    Validate(ValidateArgs),
    Generate(GenerateArgs),
    #[command(subcommand)]
    Referrals(ReferralCommand),
    Evaluate(EvaluateArgs),
    Simulate(SimulateArgs),
    Completions(CompletionsArgs),
    Manpage(ManpageArgs),
}

/// Print a shell completion script for bash, zsh, fish, elvish or powershell.
///
/// Examples:
///
///   pounce completions bash > ~/.local/share/bash-completion/completions/pounce
///
///   pounce completions zsh > "${fpath[1]}/_pounce"
///
///   pounce completions fish > ~/.config/fish/completions/pounce.fish
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Write the man pages: pounce.1 and one page per command (pounce-match.1, ...).
///
/// Examples:
///
///   pounce manpage --out ~/.local/share/man/man1 && man pounce-match
///
///   pounce manpage | man -l -
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ManpageArgs {
    /// Directory to write every page into (created if missing); without it, pounce.1 goes to
    /// standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    #[command(flatten)]
    pub referral: ReferralArgs,
}

/// A referral network for the `referral` scoring dimension.
#[derive(Debug, Args)]
pub struct ReferralArgs {
    /// Referral network, CSV `source,target,kind,weight[,date]` or JSON `{"edges": [...]}`: adds the
    /// `referral` dimension (closeness to the project's institution) with its warm-introduction path.
    #[arg(long, value_name = "FILE")]
    pub referrals: Option<PathBuf>,
    /// Take referral edges as directed (default: each edge joins both ways).
    #[arg(long)]
    pub directed: bool,
    /// Date old edges decay to (default: the latest date in the referral file).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
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

/// Ranked, explained recommendations: the best partners for each project, or projects for each partner.
///
/// Pairs are ranked by mutual score, (1 - s) * fit + s * appeal, where fit is the project's view
/// (industry, skills, size, location, commitment, framework, schedule, IP) and appeal the partner's.
/// Partners failing a dimension the project lists in `must` are excluded, and the reason counted.
///
/// Examples:
///
///   pounce recommend --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --top 3
///
///   pounce recommend --projects p.csv --partners q.csv --for partners --format csv --out recs.csv
///
///   pounce recommend --projects p.csv --partners q.csv --explain --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
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
    /// Partners per chunk. A CSV partner pool is read and scored this many partners at a time
    /// (recommendations for projects, without --referrals; the next chunk is read while one is
    /// scored, so two are held), so pools of tens of millions fit in memory; the result is the same
    /// for any chunk size.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    pub chunk: usize,
}

/// Every feasible project–partner pair with its per-dimension values.
///
/// For inspection and for external tools (for example to feed `--scores` of a matching solver).
///
/// Examples:
///
///   pounce score --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --out pairs.csv
///
///   pounce score --projects p.csv --partners q.csv --all --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
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
#[command(verbatim_doc_comment)]
pub struct ValidateArgs {
    /// Files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Generate a realistic instance from the bundled real data. Same seed, same files.
///
/// Cities, industries, firm sizes and skills are drawn from GeoNames, NAICS 2022, US Census SUSB
/// 2021 and O*NET.
///
/// Example:
///
///   pounce generate --projects 1000 --partners 100000 --seed 7 --out /tmp/term
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
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
    /// Output directory (created if missing); receives projects.csv, partners.csv and referrals.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Where a market comes from: projects and partners files (scored), or scores or preferences with
/// capacities (from other tools).
#[derive(Debug, Args)]
pub struct MarketArgs {
    /// Projects file (CSV or JSON); with --partners, pairs are scored and explained.
    #[arg(long, value_name = "FILE", requires = "partners", conflicts_with_all = ["scores", "preferences"])]
    pub projects: Option<PathBuf>,
    /// Partners file (CSV or JSON).
    #[arg(long, value_name = "FILE", requires = "projects")]
    pub partners: Option<PathBuf>,
    /// Weights and rules as TOML (with --projects and --partners).
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    #[command(flatten)]
    pub referral: ReferralArgs,
    /// Scores CSV `project,partner,score[,hours]`: only the listed pairs are feasible; `hours` is what
    /// the pair takes of the partner's mentor-hours budget.
    #[arg(long, value_name = "FILE", requires = "capacities", conflicts_with = "preferences")]
    pub scores: Option<PathBuf>,
    /// Preferences CSV `chooser,chosen,rank[,side]`: rank 1 best, equal ranks tie; `side` (project or
    /// partner) says which side the chooser is on, needed only when a project and a partner share an id.
    #[arg(long, value_name = "FILE", requires = "capacities")]
    pub preferences: Option<PathBuf>,
    /// Capacities CSV `partner,capacity[,hours]` (with --scores or --preferences); `hours` is the budget.
    #[arg(long, value_name = "FILE")]
    pub capacities: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProposerArg {
    /// Projects propose: the project-optimal stable matching.
    Projects,
    /// Partners propose: the partner-optimal stable matching.
    Partners,
}

/// The strategy and its options.
#[derive(Debug, Args)]
pub struct StrategyArgs {
    /// greedy, rank-sum, optimal, stable or rank-maximal (default: optimal, or the config file's).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// optimal: match as many projects as possible, then maximise the score among those.
    #[arg(long)]
    pub max_matches: bool,
    /// optimal: treat scores as costs and minimise (implies --max-matches).
    #[arg(long)]
    pub minimize: bool,
    /// optimal under constraints: stop after SECONDS with the best assignment found; the summary
    /// then gives the bound and the gap and never calls it optimal (exit code 0, a warning on
    /// standard error). Without it the solve runs to proven optimality.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// optimal under constraints: the solver. `pounce` is built in (pure Rust); `highs` needs a
    /// build with `--features highs` (cmake and libclang); `auto` takes HiGHS when built in.
    #[arg(long, value_name = "SOLVER")]
    pub mip_solver: Option<String>,
    /// stable: who proposes.
    #[arg(long, value_enum)]
    pub proposer: Option<ProposerArg>,
    /// TOML configuration: strategy, options, backups and a `[constraints]` table (flags override it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Coordinator constraints.
#[derive(Debug, Args)]
pub struct ConstraintArgs {
    /// CSV `project,partner` of pairs agreed in advance.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// CSV `project,partner` of pairs that must not be made.
    #[arg(long, value_name = "FILE")]
    pub forbid: Option<PathBuf>,
    /// No pair scoring below this is made.
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f64>,
    /// At most N projects of one institution with one partner.
    #[arg(long, value_name = "N")]
    pub max_per_institution: Option<u32>,
    /// At most this share (0-1] of the term's projects with partners of one industry sector.
    #[arg(long, value_name = "SHARE")]
    pub max_sector_share: Option<f64>,
    /// Every active partner gets at least one project where feasible (optimal only).
    #[arg(long)]
    pub retention: bool,
    /// Every institution gets at least N matches (optimal only).
    #[arg(long, value_name = "N")]
    pub institution_min: Option<u32>,
    /// A partner's projects' mentor hours stay within the hours it offers.
    #[arg(long)]
    pub budgets: bool,
}

/// Match a whole term: which partner takes which project, every partner within its capacity.
///
/// Strategies, each exact to its name:
///   greedy        pairs in descending score while capacity remains
///   rank-sum      pairs in ascending sum of both sides' ranks
///   optimal       maximum total score (exact; --max-matches, --minimize; --time-limit to stop
///                 a constrained solve early with the best found, its bound and gap)
///   stable        stable matching, zero blocking pairs (--proposer projects|partners)
///   rank-maximal  most first choices, then second choices, ...
///
/// Which strategy honours which constraint:
///   constraint                      greedy rank-sum optimal stable rank-maximal
///   --lock --forbid --min-score     yes    yes      yes     yes    yes
///   --max-per-institution           yes    yes      yes     no     no
///   --max-sector-share              yes    yes      yes     no     no
///   --budgets                       yes    yes      yes     no     no
///   --retention --institution-min   no     no       yes     no     no
/// A strategy asked for a constraint it cannot honour refuses (exit code 2).
///
/// Output: one row per project, `project,partner,score,project_rank,partner_rank,reason,backups`;
/// an unmatched project's reason says why. The summary goes to standard error (and into JSON).
///
/// Examples:
///
///   pounce match --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --strategy stable --backups 2
///
///   pounce match --scores scores.csv --capacities capacities.csv --strategy optimal \
///       --max-matches --budgets
///
///   pounce match --preferences prefs.csv --capacities capacities.csv --strategy rank-maximal \
///       --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct MatchArgs {
    #[command(flatten)]
    pub market: MarketArgs,
    #[command(flatten)]
    pub strategy: StrategyArgs,
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    #[command(flatten)]
    pub output: MatchOutputArgs,
}

/// Repair an assignment after drop-outs, keeping every unaffected pair.
///
/// Keeps every unaffected pair (unless --allow-moves) and places the projects that lost their
/// partner into the capacity left. Reports what changed.
///
/// Example:
///
///   pounce rematch --projects p.csv --partners q.csv --previous term.csv \
///       --drop-partner P-CASE-01 --out term2.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RematchArgs {
    #[command(flatten)]
    pub market: MarketArgs,
    #[command(flatten)]
    pub strategy: StrategyArgs,
    #[command(flatten)]
    pub constraints: ConstraintArgs,
    /// The assignment to repair: a CSV with `project` and `partner` columns (as `pounce match` writes).
    #[arg(long, value_name = "FILE")]
    pub previous: PathBuf,
    /// Partners that dropped out.
    #[arg(long = "drop-partner", value_name = "ID", num_args = 1..)]
    pub drop_partners: Vec<String>,
    /// Projects that dropped out.
    #[arg(long = "drop-project", value_name = "ID", num_args = 1..)]
    pub drop_projects: Vec<String>,
    /// Let the strategy move projects whose partner stayed, if that improves the result.
    #[arg(long)]
    pub allow_moves: bool,
    #[command(flatten)]
    pub output: MatchOutputArgs,
}

/// What `match` and `rematch` write.
#[derive(Debug, Args)]
pub struct MatchOutputArgs {
    /// For each project, list the next K best partners that still have room.
    #[arg(long, value_name = "K")]
    pub backups: Option<usize>,
    /// Output format (JSON adds each pair's explanation and the summary).
    #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
    pub format: DataFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Referral networks: closeness, warm-introduction paths, prospects and outcome feedback.
///
/// The network is a CSV `source,target,kind,weight[,date]` (or JSON `{"edges": [...]}`): kinds alumnus,
/// works_at, advises, member_of, past_project (weight = outcome rating 0-5), referred. An institution
/// node is the institution's name as in the projects file, a partner node is the partner's id.
#[derive(Debug, Subcommand)]
#[command(verbatim_doc_comment)]
pub enum ReferralCommand {
    Rank(ReferralRankArgs),
    Paths(ReferralPathsArgs),
    Prospects(ReferralProspectsArgs),
    Feedback(ReferralFeedbackArgs),
    Generate(ReferralGenerateArgs),
}

/// The graph options every referral command takes.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The referral network.
    #[arg(long, value_name = "FILE")]
    pub graph: PathBuf,
    /// Take edges as directed (default: each edge joins both ways).
    #[arg(long)]
    pub directed: bool,
    /// Date old edges decay to (default: the latest date in the file).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Edge strengths, decay and damping from the `[referral]` table of a weights TOML.
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
}

/// Personalized PageRank from a node (an institution, or any node): how close every node is.
///
/// Output: `node,score` best first (every node with a non-zero score unless --top).
///
/// An edge is followed in proportion to its weight: its kind's strength (the [referral] table of
/// the weights) times its `weight` (past_project: times rating / 5), halved every half_life_days of
/// age, and summed over parallel edges. Unlike a path's strength, it is not capped at 1. So it
/// agrees with networkx.pagerank(G, alpha=0.85, personalization={seed: 1}, weight="weight") when G
/// holds those weights (with --directed; undirected, every edge both ways, as in
/// nx.DiGraph(G.to_undirected())); tested on weights from 0 to 8.
///
/// Example:
///
///   pounce referrals rank --graph datasets/sample/referrals.csv \
///       --from "Kempen University of Technology" --top 10
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReferralRankArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// Seed node(s): an id, or several separated by `;`, each optionally `id:weight`.
    #[arg(long, value_name = "NODE")]
    pub from: String,
    /// Only the K best.
    #[arg(long, value_name = "K")]
    pub top: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
    pub format: DataFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The k strongest warm-introduction paths between two nodes.
///
/// A path's strength is the product of its edges' strengths.
///
/// Example:
///
///   pounce referrals paths --graph datasets/sample/referrals.csv \
///       --from "Kempen University of Technology" --to P-CASE-01 --k 3
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReferralPathsArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// Start node.
    #[arg(long, value_name = "NODE")]
    pub from: String,
    /// End node.
    #[arg(long, value_name = "NODE")]
    pub to: String,
    /// How many paths.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Longest path, in edges.
    #[arg(long, default_value_t = 6)]
    pub max_hops: usize,
    /// Partners file, to show partners' names instead of ids.
    #[arg(long, value_name = "FILE")]
    pub partners: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Who an institution should approach this term, ranked by closeness and fit.
///
/// Prospect and lapsed partners, and organisations of the network that are not partners yet, ranked
/// by closeness and fit to the institution's projects.
///
/// Example:
///
///   pounce referrals prospects --graph datasets/sample/referrals.csv \
///       --projects datasets/sample/projects.csv --partners datasets/sample/partners.csv \
///       --from "Speed River University"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReferralProspectsArgs {
    #[command(flatten)]
    pub graph: GraphArgs,
    /// The institution (its name as in the projects file).
    #[arg(long, value_name = "INSTITUTION")]
    pub from: String,
    /// Projects file (the institution's open projects).
    #[arg(long, value_name = "FILE")]
    pub projects: PathBuf,
    /// Partners file.
    #[arg(long, value_name = "FILE")]
    pub partners: PathBuf,
    /// How many prospects.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Feed a term's outcomes back into the network and write the updated network.
///
/// Each outcome becomes a `past_project` edge (institution to partner, dated at the project's end;
/// its rating sets its strength), and partners' reliability is reported.
///
/// Example:
///
///   pounce referrals feedback --graph referrals.csv --outcomes outcomes.csv \
///       --projects projects.csv --out referrals-next.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReferralFeedbackArgs {
    /// The referral network.
    #[arg(long, value_name = "FILE")]
    pub graph: PathBuf,
    /// Outcomes CSV `project,partner,outcome,rating` (outcome completed or dropped, rating 0-5).
    #[arg(long, value_name = "FILE")]
    pub outcomes: PathBuf,
    /// The term's projects file.
    #[arg(long, value_name = "FILE")]
    pub projects: PathBuf,
    /// Write the updated network to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Generate a realistic referral network around an existing term. Same term and seed, same network.
///
/// Alumni near their institutions, advisers, past projects, business associations, referrals
/// between firms of one sector and city.
///
/// Example:
///
///   pounce referrals generate --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --seed 2027 --out referrals.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReferralGenerateArgs {
    /// Projects file.
    #[arg(long, value_name = "FILE")]
    pub projects: PathBuf,
    /// Partners file.
    #[arg(long, value_name = "FILE")]
    pub partners: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 2027)]
    pub seed: u64,
    /// The date the network is as of (edges are dated before it).
    #[arg(long, value_name = "DATE", default_value = "2027-01-01")]
    pub as_of: String,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Compare matching strategies side by side over seeds of a generated scenario.
///
/// Every strategy runs on the same instances (one generated term per seed, in parallel); the output
/// directory receives results.csv (`seed,strategy,metric,value`), summary.json (mean, standard
/// deviation and 95% confidence interval per strategy and metric), report.md, and SVG charts.
/// Same scenario and seeds, same bytes, on any number of threads.
///
/// Example:
///
///   pounce evaluate --scenario datasets/scenarios/term.toml \
///       --strategies greedy,optimal,stable-projects,stable-partners --seeds 30 --out results/
///
///   pounce evaluate --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --strategies greedy,optimal,stable \
///       --out results/
///
///   pounce evaluate --projects datasets/sample/projects.csv \
///       --partners datasets/sample/partners.csv --truth last_term.csv --k 10 --out results/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct EvaluateArgs {
    /// Scenario TOML (term shape, referrals, weights, constraints, default strategies and seeds).
    #[arg(long, value_name = "FILE", required_unless_present_any = ["projects", "scores", "preferences"])]
    pub scenario: Option<PathBuf>,
    /// Instead of a scenario: one real instance, from projects and partners, scores or preferences.
    #[command(flatten)]
    pub market: MarketArgs,
    /// Constraints for a real instance (the `[constraints]` table of a match configuration).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Strategies, comma-separated (default: the scenario's).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub strategies: Vec<String>,
    /// Number of seeds (default: the scenario's).
    #[arg(long, value_name = "N")]
    pub seeds: Option<usize>,
    /// Held-out ground truth for a real instance: a CSV with `project,partner` columns (for example
    /// last term's completed matches, or `pounce match` output); Pounce's top-k recommendations for
    /// each project are scored against it (precision, recall and NDCG at k, MRR, pool coverage),
    /// recorded as the strategy `recommend`. Needs --projects and --partners. (Scenarios measure
    /// recommendations against the projects' stated preferences: their [recommendations] table.)
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Recommendations per project scored against --truth.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub k: usize,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Simulate several terms in a row: matching, outcomes, referrals, lapses and new partners.
///
/// Each term matches, outcomes are drawn (drop-outs more likely when a partner's commitment falls
/// short, ratings rising with fit), outcomes feed the referral network, some partners lapse and
/// prospects join through referrals. One CSV row per strategy and term.
///
/// Output columns: strategy,term,partners_active,prospects_joined,lapsed,matched,dropped,completed,
/// mean_score,retention,referral_edges.
///
/// Example:
///
///   pounce simulate --scenario datasets/scenarios/term.toml --terms 6 \
///       --strategies greedy,optimal,stable-projects
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SimulateArgs {
    /// Scenario TOML.
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// Number of terms.
    #[arg(long, default_value_t = 6)]
    pub terms: usize,
    /// Strategies, comma-separated (default: the scenario's).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub strategies: Vec<String>,
    /// Random seed (default: the scenario's first seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}
