//! Weights and scoring rules, read from TOML (`datasets/weights.toml` ships the defaults).
//!
//! ```toml
//! [fit]          # the project's view of a partner; relative weights, >= 0, not all zero
//! industry = 2.0
//! skills = 3.0
//! size = 0.5
//! location = 1.0
//! commitment = 1.5
//! framework = 1.0
//! schedule = 1.0
//! ip = 1.0
//! referral = 1.0   # counts only when a referral graph is given
//!
//! [appeal]       # the partner's view of a project
//! industry = 1.0
//! relevance = 1.0
//! load = 1.0
//! framework = 1.0
//!
//! [mutual]
//! appeal_share = 0.3   # mutual = (1 - share) * fit + share * appeal
//!
//! [rules]
//! fuzzy_threshold = 0.85   # least similarity for two skill tags to match
//! min_overlap_hours = 2.0  # least shared working hours for remote work to pass `must location`
//! workday_hours = 8.0      # length of the working day in both places
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{Place, Problem, Problems, Result};
use crate::model::Dimension;

/// Relative weights of the fit dimensions (the project's view of a partner).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[allow(missing_docs)]
pub struct FitWeights {
    pub industry: f64,
    pub skills: f64,
    pub size: f64,
    pub location: f64,
    pub commitment: f64,
    pub framework: f64,
    pub schedule: f64,
    pub ip: f64,
    pub referral: f64,
}

impl Default for FitWeights {
    fn default() -> Self {
        FitWeights {
            industry: 2.0,
            skills: 3.0,
            size: 0.5,
            location: 1.0,
            commitment: 1.5,
            framework: 1.0,
            schedule: 1.0,
            ip: 1.0,
            referral: 1.0,
        }
    }
}

impl FitWeights {
    /// The weight of one dimension.
    pub fn get(&self, d: Dimension) -> f64 {
        match d {
            Dimension::Industry => self.industry,
            Dimension::Skills => self.skills,
            Dimension::Size => self.size,
            Dimension::Location => self.location,
            Dimension::Commitment => self.commitment,
            Dimension::Framework => self.framework,
            Dimension::Schedule => self.schedule,
            Dimension::Ip => self.ip,
            Dimension::Referral => self.referral,
        }
    }

    /// The weights in [`Dimension::ALL`] order.
    pub fn as_array(&self) -> [f64; Dimension::COUNT] {
        Dimension::ALL.map(|d| self.get(d))
    }
}

/// Relative weights of the appeal parts (the partner's view of a project).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppealWeights {
    /// The project is in the partner's industries.
    pub industry: f64,
    /// The project uses the partner's own skills.
    pub relevance: f64,
    /// The project's mentor load is light against what the partner offers.
    pub load: f64,
    /// The project's framework is one the partner prefers.
    pub framework: f64,
}

impl Default for AppealWeights {
    fn default() -> Self {
        AppealWeights { industry: 1.0, relevance: 1.0, load: 1.0, framework: 1.0 }
    }
}

impl AppealWeights {
    /// The weights as `(name, weight)` pairs, in table order.
    pub fn parts(&self) -> [(&'static str, f64); 4] {
        [("industry", self.industry), ("relevance", self.relevance), ("load", self.load), ("framework", self.framework)]
    }
}

/// How fit and appeal combine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mutual {
    /// Share of the partner's view in the mutual score, in [0, 1].
    pub appeal_share: f64,
}

impl Default for Mutual {
    fn default() -> Self {
        Mutual { appeal_share: 0.3 }
    }
}

/// Thresholds of the scorers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Least similarity for two skill tags to match, in (0, 1].
    pub fuzzy_threshold: f64,
    /// Least shared working hours for remote work to pass a `must location`.
    pub min_overlap_hours: f64,
    /// Length of the working day, in hours (both places work the same local hours).
    pub workday_hours: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { fuzzy_threshold: 0.85, min_overlap_hours: 2.0, workday_hours: 8.0 }
    }
}

/// Everything that tunes scoring.
///
/// ```
/// let w = pounce::Weights::from_toml("[fit]\nskills = 5\n", "w.toml").unwrap();
/// assert_eq!(w.fit.skills, 5.0);
/// assert_eq!(w.fit.industry, 2.0); // unspecified keys keep their defaults
/// assert!(pounce::Weights::from_toml("[fit]\nskills = -1\n", "w.toml").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Fit weights.
    pub fit: FitWeights,
    /// Appeal weights.
    pub appeal: AppealWeights,
    /// The mutual combination.
    pub mutual: Mutual,
    /// Scorer thresholds.
    pub rules: Rules,
    /// Referral edge strengths, decay and PageRank damping.
    pub referral: crate::referral::ReferralWeights,
}

impl Weights {
    /// Parses and validates weights; every problem is reported with its line.
    pub fn from_toml(text: &str, source: &str) -> Result<Weights> {
        let w: Weights = match toml::from_str(text) {
            Ok(w) => w,
            Err(e) => {
                let problem = crate::error::toml_problem(source, text, e.span(), e.message());
                return Err(crate::Error::Invalid(Problems(vec![problem])));
            }
        };
        let problems = w.problems(text, source);
        problems.into_result(w)
    }

    /// Every problem of these weights: negative, not finite, all zero, out of range.
    fn problems(&self, text: &str, source: &str) -> Problems {
        let mut p = Problems::default();
        let mut check = |section: &str, key: &str, v: f64, lo: f64, hi: f64, what: &str| {
            if !v.is_finite() || v < lo || v > hi {
                p.push(Problem::new(
                    source,
                    Place::Line(line_of(text, section, key)),
                    Some(&format!("{section}.{key}")),
                    format!("{what}, found {v}"),
                ));
            }
        };
        for d in Dimension::ALL {
            check("fit", d.as_str(), self.fit.get(d), 0.0, 1e6, "must be a finite weight >= 0");
        }
        for (name, v) in self.appeal.parts() {
            check("appeal", name, v, 0.0, 1e6, "must be a finite weight >= 0");
        }
        check("mutual", "appeal_share", self.mutual.appeal_share, 0.0, 1.0, "must be between 0 and 1");
        check("rules", "fuzzy_threshold", self.rules.fuzzy_threshold, 1e-9, 1.0, "must be in (0, 1]");
        check("rules", "min_overlap_hours", self.rules.min_overlap_hours, 0.0, 24.0, "must be 0 to 24 hours");
        check("rules", "workday_hours", self.rules.workday_hours, 1.0, 24.0, "must be 1 to 24 hours");
        for k in crate::referral::EdgeKind::ALL {
            check("referral", k.as_str(), self.referral.strength(k), 0.0, 1.0, "must be a strength from 0 to 1");
        }
        check("referral", "half_life_days", self.referral.half_life_days, 0.0, 1e6, "must be a number of days >= 0");
        check("referral", "damping", self.referral.damping, 0.0, 0.999_999, "must be in [0, 1)");
        let zero = |ws: &[f64]| ws.iter().all(|w| *w == 0.0);
        if zero(&self.fit.as_array()) {
            p.push(Problem::new(
                source,
                Place::Line(line_of(text, "fit", "")),
                Some("fit"),
                "the weights are all zero",
            ));
        }
        if zero(&self.appeal.parts().map(|x| x.1)) && self.mutual.appeal_share > 0.0 {
            p.push(Problem::new(
                source,
                Place::Line(line_of(text, "appeal", "")),
                Some("appeal"),
                "the weights are all zero while mutual.appeal_share > 0",
            ));
        }
        p
    }
}

/// The line of `key` in `[section]` (or of the section header when `key` is empty); 1 when absent.
fn line_of(text: &str, section: &str, key: &str) -> u64 {
    let mut current = String::new();
    let mut header_line = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            current = name.trim().to_owned();
            if current == section {
                header_line = Some(i as u64 + 1);
            }
            continue;
        }
        if current == section && !key.is_empty() {
            if let Some((k, _)) = t.split_once('=') {
                if k.trim() == key {
                    return i as u64 + 1;
                }
            }
        }
    }
    header_line.unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_equal_built_in() {
        let text = include_str!("../data/weights.toml");
        assert_eq!(Weights::from_toml(text, "weights.toml").unwrap(), Weights::default());
    }

    #[test]
    fn every_problem_with_its_line() {
        let text = "[fit]\nskills = -1\nindustry = nan\n[mutual]\nappeal_share = 2\n";
        let Err(crate::Error::Invalid(p)) = Weights::from_toml(text, "w.toml") else { panic!() };
        let s = p.to_string();
        assert!(s.contains("w.toml:2: fit.skills: must be a finite weight >= 0, found -1"), "{s}");
        assert!(s.contains("w.toml:3: fit.industry"), "{s}");
        assert!(s.contains("w.toml:5: mutual.appeal_share"), "{s}");
    }

    #[test]
    fn unknown_keys_and_all_zero_are_refused() {
        let e = Weights::from_toml("[fit]\nskils = 1\n", "w.toml").unwrap_err().to_string();
        assert!(e.contains("w.toml:2") && e.contains("skils"), "{e}");
        let zero = "[fit]\nindustry=0\nskills=0\nsize=0\nlocation=0\ncommitment=0\nframework=0\nschedule=0\nip=0\nreferral=0\n";
        let e = Weights::from_toml(zero, "w.toml").unwrap_err().to_string();
        assert!(e.contains("all zero"), "{e}");
    }
}
