//! A match configuration file (TOML): the strategy, its options, backups and the constraints.
//!
//! ```toml
//! strategy = "optimal"        # greedy, rank-sum, optimal, stable, rank-maximal
//! max_matches = true          # optimal: as many projects as possible first
//! minimize = false            # optimal: scores are costs
//! proposer = "projects"       # stable: projects or partners propose
//! backups = 2                 # alternatives listed per project
//!
//! [constraints]
//! locked = [["TU-01", "P-CASE-01"]]
//! forbidden = [["ART-02", "P-CASE-05"]]
//! min_score = 0.4
//! max_per_institution = 3
//! max_sector_share = 0.5
//! retention = false
//! institution_min = 2
//! budgets = true
//! ```

use serde::{Deserialize, Serialize};

use super::{Constraints, Proposer};
use crate::error::{Error, Place, Problem, Problems, Result};

/// The contents of a match configuration file. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchConfig {
    /// Strategy name.
    pub strategy: Option<String>,
    /// `optimal`: as many matches as possible first.
    pub max_matches: bool,
    /// `optimal`: minimise.
    pub minimize: bool,
    /// `stable`: who proposes.
    pub proposer: Option<Proposer>,
    /// Backups per project.
    pub backups: Option<usize>,
    /// Constraints.
    pub constraints: Constraints,
}

impl MatchConfig {
    /// Parses a configuration; a syntax error or unknown key is reported with its line.
    ///
    /// ```
    /// let c = pounce::matching::MatchConfig::from_toml("strategy = \"stable\"\n[constraints]\nmin_score = 0.5\n", "m.toml").unwrap();
    /// assert_eq!(c.constraints.min_score, Some(0.5));
    /// assert!(pounce::matching::MatchConfig::from_toml("stratgy = 1", "m.toml").is_err());
    /// ```
    pub fn from_toml(text: &str, source: &str) -> Result<MatchConfig> {
        toml::from_str(text).map_err(|e| {
            let place = e.span().map_or(Place::File, |s| {
                Place::Line(text[..s.start.min(text.len())].bytes().filter(|b| *b == b'\n').count() as u64 + 1)
            });
            Error::Invalid(Problems(vec![Problem::new(source, place, None, e.message().trim().to_owned())]))
        })
    }
}
