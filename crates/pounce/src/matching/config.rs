//! A match configuration file (TOML): the strategy, its options, backups and the constraints.
//!
//! ```toml
//! strategy = "optimal"        # greedy, rank-sum, optimal, stable, rank-maximal
//! max_matches = true          # optimal: as many projects as possible first
//! minimize = false            # optimal: scores are costs
//! proposer = "projects"       # stable: projects or partners propose
//! backups = 2                 # alternatives listed per project
//! time_limit = 60             # optimal under constraints: stop after 60 s with the best found
//! mip_solver = "auto"         # optimal under constraints: auto, pounce or highs
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

use super::{Constraints, Origins, Proposer};
use crate::error::{Error, Place, Problems, Result, toml_problem};

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
    /// `optimal` under constraints: seconds after which the solver stops with the best assignment
    /// found (marked as not proven optimal).
    pub time_limit: Option<f64>,
    /// `optimal` under constraints: which solver (`auto`, `pounce`, `highs`).
    pub mip_solver: Option<super::MipSolver>,
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
        toml::from_str(text)
            .map_err(|e| Error::Invalid(Problems(vec![toml_problem(source, text, e.span(), e.message())])))
    }

    /// Where this configuration's constraints are in `text` (the file it was read from), for
    /// [`Constraints::resolve_at`]: the line of each locked and forbidden pair and of each setting.
    pub fn origins(&self, text: &str, source: &str) -> Origins {
        let at = |line: u64| (source.to_owned(), Place::Line(line));
        let lines: Vec<&str> = text.lines().collect();
        // The line of `key = ...` in [constraints], or None.
        let key_line = |key: &str| -> Option<usize> {
            let mut section = String::new();
            for (i, l) in lines.iter().enumerate() {
                let t = l.split('#').next().unwrap_or("").trim();
                if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                    section = name.trim().to_owned();
                } else if section == "constraints" && t.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
                    return Some(i);
                }
            }
            None
        };
        let pairs = |key: &str, list: &[(String, String)]| -> Vec<(String, Place)> {
            let Some(start) = key_line(key) else { return vec![] };
            let mut from = start;
            list.iter()
                .map(|(p, q)| {
                    let (qp, qq) = (format!("\"{p}\""), format!("\"{q}\""));
                    let found = (from..lines.len()).find(|&i| lines[i].contains(&qp) && lines[i].contains(&qq));
                    from = found.unwrap_or(from);
                    at(found.unwrap_or(start) as u64 + 1)
                })
                .collect()
        };
        let locked = pairs("locked", &self.constraints.locked);
        let forbidden = pairs("forbidden", &self.constraints.forbidden);
        let keys = ["min_score", "max_sector_share", "max_per_institution"]
            .into_iter()
            .filter_map(|k| key_line(k).map(|i| (k.to_owned(), at(i as u64 + 1))))
            .collect();
        Origins { locked, forbidden, keys }
    }
}
