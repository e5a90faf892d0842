//! Experiment scenarios read from TOML: the shape of the generated term, its referral network, the
//! scoring weights, the coordinator's constraints and the strategies to compare.
//!
//! Every key is optional and documented; `datasets/scenarios/term.toml` ships a realistic term.
//!
//! ```toml
//! description = "A realistic term"  # shown in reports
//! strategies = ["greedy", "optimal", "stable-projects"]
//! seeds = 10                        # how many seeds an experiment runs by default
//! first_seed = 1                    # seeds are first_seed, first_seed + 1, ...
//!
//! [term]
//! projects = 200
//! partners = 2000
//! institutions = 20                 # 0: automatic
//! start = 2027-01-11                # or "2027-01-11"
//! near = ["Eindhoven, NL", "Lyon, FR"]
//! local_share = 0.7
//! preference_noise = 0.05          # sd of noise on each side's preference key (0 = none)
//!
//! [referrals]
//! enabled = true
//! alumni_per_institution = 30       # absent: automatic
//! as_of = 2027-01-01
//!
//! [weights.fit]                     # same shape as `datasets/weights.toml`
//! skills = 4
//!
//! [constraints]                     # same shape as a match configuration's
//! min_score = 0.3
//!
//! [simulation]                    # pounce simulate: between terms
//! lapse_after_drop = 0.5            # an active partner who dropped a project lapses
//! lapse_unmatched = 0.1             # an active partner left unmatched lapses
//! join_base = 0.1                   # a reachable prospect joins with join_base +
//! join_closeness = 0.5              #   join_closeness × closeness
//! join_hops = 3                     # prospects join within this many hops
//!
//! [partners]                        # how partners are drawn: see pounce_sim::mix::PartnerMix
//! remote_web = 0.6
//! capacity = [{ base = 1, extra = 0.2 }, { min = 1, max = 2 }, { min = 1, max = 3 },
//!             { min = 2, max = 4 }, { min = 2, max = 6 }, { min = 3, max = 8 }]
//! [partners.status]
//! active = 0.8
//!
//! [recommendations]                 # quality against held-out stated preferences
//! k = 10                            # recommendations per project
//! relevant = 10                     # a project's first 10 stated choices are relevant
//!
//! [projects]                        # how projects are drawn: see pounce_sim::mix::ProjectMix
//! must = 0.15
//! [projects.frameworks]
//! pbl = 0.8
//! ```
//!
//! ```
//! use pounce_sim::Scenario;
//! let s = Scenario::from_toml("[term]\nprojects = 12\nnear = [\"Lyon, FR\"]\n", "s.toml")?;
//! let config = s.generator_config(7);
//! assert_eq!((config.projects, config.seed), (12, 7));
//! assert_eq!(config.near[0].name, "Lyon");
//! assert!(Scenario::from_toml("[term]\nnear = [\"Atlantis, XX\"]\n", "s.toml").is_err());
//! # Ok::<(), pounce::Error>(())
//! ```

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use pounce::matching::{Builtin, Constraints};
use pounce::{Error, Gazetteer, Place, Problem, Problems, Weights};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{GeneratorConfig, PartnerMix, ProjectMix, ReferralConfig};

/// Most projects a scenario may generate per term.
pub const MAX_PROJECTS: usize = 100_000;
/// Most partners a scenario may generate per term.
pub const MAX_PARTNERS: usize = 1_000_000;
/// Most seeds a scenario may run.
pub const MAX_SEEDS: usize = 100_000;

/// An experiment scenario: what to generate for each seed, how to score it, and what to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// A free-text description, shown in reports (default: empty).
    pub description: String,
    /// Built-in strategy names compared by default (default: `greedy`, `optimal`,
    /// `stable-projects`); see [`pounce::matching::Builtin::NAMES`].
    pub strategies: Vec<String>,
    /// How many seeds an experiment runs by default (default: 10).
    pub seeds: usize,
    /// The first seed; an experiment of `n` seeds uses `first_seed .. first_seed + n` (default: 1).
    pub first_seed: u64,
    /// The generated term.
    pub term: TermShape,
    /// The generated referral network.
    pub referrals: ReferralShape,
    /// Scoring weights, in the shape of [`pounce::Weights`] (default: the built-in weights).
    pub weights: Weights,
    /// The coordinator's constraints, as in a match configuration (default: none).
    pub constraints: Constraints,
    /// Behaviour between terms in `simulate`.
    pub simulation: SimulationShape,
    /// How partners are drawn (the `[partners]` table; default: [`PartnerMix::default`]).
    pub partners: PartnerMix,
    /// How projects are drawn (the `[projects]` table; default: [`ProjectMix::default`]).
    pub projects: ProjectMix,
    /// Recommendation quality against held-out stated preferences.
    pub recommendations: RecommendationShape,
}

/// The `[recommendations]` table: how `evaluate` measures recommendation quality on each generated
/// term. The held-out ground truth is each project's own stated preferences (the market's ranking,
/// with the scenario's preference noise, which the recommender never sees): a partner is relevant
/// to a project when the project ranks it within its first `relevant`. Pounce's top-`k`
/// recommendations by mutual score are then scored by precision, recall and NDCG at k, MRR and pool
/// coverage ([`pounce::metrics::recommendation_metrics`]), as the strategy `recommend`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecommendationShape {
    /// Measure recommendation quality (default true).
    pub enabled: bool,
    /// Length of each project's recommendation list (default 10).
    pub k: usize,
    /// A project's first `relevant` stated choices are its relevant partners (default 10).
    pub relevant: u32,
}

impl Default for RecommendationShape {
    fn default() -> Self {
        RecommendationShape { enabled: true, k: 10, relevant: 10 }
    }
}

/// The `[simulation]` table: how partners lapse and prospects join between simulated terms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulationShape {
    /// Probability that an active partner who dropped a project lapses (default 0.5).
    pub lapse_after_drop: f64,
    /// Probability that an active partner left unmatched lapses (default 0.1).
    pub lapse_unmatched: f64,
    /// A reachable prospect joins with probability `join_base + join_closeness × closeness` (defaults 0.1, 0.5).
    pub join_base: f64,
    /// See `join_base`.
    pub join_closeness: f64,
    /// Prospects join only within this many `past_project`/`referred` hops of an institution (default 3).
    pub join_hops: usize,
}

impl Default for SimulationShape {
    fn default() -> Self {
        SimulationShape {
            lapse_after_drop: 0.5,
            lapse_unmatched: 0.1,
            join_base: 0.1,
            join_closeness: 0.5,
            join_hops: 3,
        }
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            description: String::new(),
            strategies: ["greedy", "optimal", "stable-projects"].map(str::to_owned).to_vec(),
            seeds: 10,
            first_seed: 1,
            term: TermShape::default(),
            referrals: ReferralShape::default(),
            weights: Weights::default(),
            constraints: Constraints::default(),
            simulation: SimulationShape::default(),
            partners: PartnerMix::default(),
            projects: ProjectMix::default(),
            recommendations: RecommendationShape::default(),
        }
    }
}

/// The `[term]` table: the size and place of the generated term (see [`GeneratorConfig`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TermShape {
    /// Number of projects (default: 40).
    pub projects: usize,
    /// Number of partners (default: 300).
    pub partners: usize,
    /// Number of institutions; 0 means automatic (default: 0, see
    /// [`GeneratorConfig::institution_count`]).
    pub institutions: usize,
    /// First day of the term, a TOML date or a `"YYYY-MM-DD"` string (default: 2027-01-11).
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub start: NaiveDate,
    /// Cities the institutions are placed in, as `"Name, CC"` (default: none, drawn).
    pub near: Vec<String>,
    /// Share of partners within 150 km of an institution, in [0, 1] (default: 0.7).
    pub local_share: f64,
    /// Preference noise: the standard deviation of the noise added to each side's preference key
    /// (the project's fit, the partner's appeal) before ranking, so stated preferences differ from
    /// computed scores as real ones do (0 = none). Scores themselves are not changed.
    pub preference_noise: f64,
}

impl Default for TermShape {
    fn default() -> Self {
        let g = GeneratorConfig::default();
        TermShape {
            projects: g.projects,
            partners: g.partners,
            institutions: g.institutions,
            start: g.start,
            near: Vec::new(),
            local_share: g.local_share,
            preference_noise: 0.0,
        }
    }
}

/// The `[referrals]` table: the generated referral network (see [`ReferralConfig`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralShape {
    /// Generate a referral network and score with it (default: true). Without one, the `referral`
    /// fit dimension has weight 0.
    pub enabled: bool,
    /// Alumni per institution (default: automatic, see [`ReferralConfig::alumni_count`]).
    pub alumni_per_institution: Option<usize>,
    /// The date the network is as of; edges decay to it (default: 2027-01-01).
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub as_of: NaiveDate,
}

impl Default for ReferralShape {
    fn default() -> Self {
        let r = ReferralConfig::default();
        ReferralShape { enabled: true, alumni_per_institution: r.alumni_per_institution, as_of: r.as_of }
    }
}

impl Scenario {
    /// Parses and validates a scenario. A syntax error, an unknown key, an unknown city or
    /// strategy, a share out of range or invalid weights are reported with their line.
    pub fn from_toml(text: &str, source: &str) -> pounce::Result<Scenario> {
        let s: Scenario = toml::from_str(text)
            .map_err(|e| Error::Invalid(Problems(vec![pounce::toml_problem(source, text, e.span(), e.message())])))?;
        s.problems(Some(text), source).into_result(s)
    }

    /// Checks a scenario built in code (problems are placed in the file as a whole).
    pub fn validate(&self, source: &str) -> pounce::Result<()> {
        self.problems(None, source).into_result(())
    }

    /// The scenario as TOML (reads back equal through [`Scenario::from_toml`]).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario serialises to TOML")
    }

    /// The generator configuration for one seed. Unknown cities in [`TermShape::near`] are left
    /// out; [`Scenario::from_toml`] and [`Scenario::validate`] refuse them.
    pub fn generator_config(&self, seed: u64) -> GeneratorConfig {
        let t = &self.term;
        GeneratorConfig {
            projects: t.projects,
            partners: t.partners,
            institutions: t.institutions,
            seed,
            start: t.start,
            near: t.near.iter().filter_map(|c| Gazetteer::bundled().resolve(c).ok().cloned()).collect(),
            local_share: t.local_share,
            partner_mix: self.partners.clone(),
            project_mix: self.projects.clone(),
            ..GeneratorConfig::default()
        }
    }

    /// The referral network configuration for one seed, `None` when referrals are disabled.
    pub fn referral_config(&self, seed: u64) -> Option<ReferralConfig> {
        let r = &self.referrals;
        r.enabled.then_some(ReferralConfig { seed, alumni_per_institution: r.alumni_per_institution, as_of: r.as_of })
    }

    /// The default seeds: [`Scenario::seeds`] of them from [`Scenario::first_seed`].
    pub fn seed_list(&self) -> Vec<u64> {
        (0..self.seeds as u64).map(|i| self.first_seed.wrapping_add(i)).collect()
    }

    fn problems(&self, text: Option<&str>, source: &str) -> Problems {
        let mut problems = Problems::default();
        let line = |section: &str, key: &str, needle: Option<&str>| {
            text.map_or(Place::File, |t| Place::Line(line_of(t, section, key, needle)))
        };
        for city in &self.term.near {
            if let Err(e) = Gazetteer::bundled().resolve(city) {
                problems.push(Problem::new(source, line("term", "near", Some(city)), Some("term.near"), e));
            }
        }
        // Sizes beyond these would exhaust memory or time long before a result: refuse them here.
        for (section, key, v, max) in [
            ("term", "projects", self.term.projects, MAX_PROJECTS),
            ("term", "partners", self.term.partners, MAX_PARTNERS),
            ("term", "institutions", self.term.institutions, MAX_PROJECTS),
            ("", "seeds", self.seeds, MAX_SEEDS),
        ] {
            if v > max {
                let field = if section.is_empty() { key.to_owned() } else { format!("{section}.{key}") };
                problems.push(Problem::new(
                    source,
                    line(section, key, None),
                    Some(&field),
                    format!("{v} is out of range: expected at most {max}"),
                ));
            }
        }
        let share = self.term.local_share;
        if !(0.0..=1.0).contains(&share) {
            problems.push(Problem::new(
                source,
                line("term", "local_share", None),
                Some("term.local_share"),
                format!("must be between 0 and 1, found {share}"),
            ));
        }
        let sim = &self.simulation;
        for (key, v) in [
            ("lapse_after_drop", sim.lapse_after_drop),
            ("lapse_unmatched", sim.lapse_unmatched),
            ("join_base", sim.join_base),
            ("join_closeness", sim.join_closeness),
        ] {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                problems.push(Problem::new(
                    source,
                    line("simulation", key, None),
                    Some(&format!("simulation.{key}")),
                    format!("must be a probability between 0 and 1, found {v}"),
                ));
            }
        }
        let noise = self.term.preference_noise;
        if !(noise.is_finite() && (0.0..=1.0).contains(&noise)) {
            problems.push(Problem::new(
                source,
                line("term", "preference_noise", None),
                Some("term.preference_noise"),
                format!("must be between 0 and 1, found {noise}"),
            ));
        }
        for (table, found) in [("partners", self.partners.problems()), ("projects", self.projects.problems())] {
            for (key, reason) in found {
                // A weights table may be its own `[partners.status]` section or an inline table.
                let place = match text.map(|t| line_of(t, &format!("{table}.{key}"), "", None)) {
                    Some(n) if n > 1 => Place::Line(n),
                    _ => line(table, &key, None),
                };
                problems.push(Problem::new(source, place, Some(&format!("{table}.{key}")), reason));
            }
        }
        let r = &self.recommendations;
        for (key, value) in [("k", r.k), ("relevant", r.relevant as usize)] {
            if r.enabled && value == 0 {
                problems.push(Problem::new(
                    source,
                    line("recommendations", key, None),
                    Some(&format!("recommendations.{key}")),
                    "must be at least 1",
                ));
            }
        }
        for name in &self.strategies {
            if let Err(e) = Builtin::from_str(name) {
                problems.push(Problem::new(source, line("", "strategies", Some(name)), Some("strategies"), e));
            }
        }
        // The weights are checked by `Weights::from_toml`; its problems are moved to this file.
        let weights = toml::to_string(&self.weights).expect("weights serialise to TOML");
        if let Err(Error::Invalid(found)) = Weights::from_toml(&weights, source) {
            for p in found.0 {
                let field = p.field.unwrap_or_default();
                let (section, key) = field.split_once('.').unwrap_or((field.as_str(), ""));
                let place = line(&format!("weights.{section}"), key, None);
                let place = match (place, text) {
                    (Place::Line(1), Some(t)) => Place::Line(line_of(t, "weights", section, None)),
                    (place, _) => place,
                };
                problems.push(Problem::new(source, place, Some(&format!("weights.{field}")), p.reason));
            }
        }
        problems
    }
}

/// The line of `key` in `[section]` (`""`: before any table), or of a later line containing the
/// quoted `needle` (a multi-line array); the key's line when the needle is not found; the section
/// header when the key is absent; else 1.
fn line_of(text: &str, section: &str, key: &str, needle: Option<&str>) -> u64 {
    let mut current = String::new();
    let mut header = None;
    let mut in_key = false;
    let mut key_line = None;
    let quoted = needle.map(|n| format!("\"{n}\""));
    for (i, raw) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let t = raw.split('#').next().unwrap_or("").trim();
        if let Some(name) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if !name.starts_with('[') {
                current = name.trim().to_owned();
                in_key = false;
                if current == section {
                    header = Some(n);
                }
                continue;
            }
        }
        if current != section {
            continue;
        }
        if let Some((k, _)) = t.split_once('=') {
            in_key = k.trim() == key;
            if in_key {
                if quoted.is_none() {
                    return n;
                }
                key_line = key_line.or(Some(n));
            }
        }
        if in_key && quoted.as_ref().is_some_and(|q| raw.contains(q.as_str())) {
            return n;
        }
    }
    key_line.or(header).unwrap_or(1)
}

fn write_date<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let d = toml::value::Date { year: date.year() as u16, month: date.month() as u8, day: date.day() as u8 };
    toml::value::Datetime { date: Some(d), time: None, offset: None }.serialize(s)
}

fn read_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error as _;
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        other => return Err(D::Error::custom(format!("expected a date such as 2027-01-11, found {other}"))),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| D::Error::custom(format!("expected a date such as 2027-01-11, found \"{text}\"")))
}
