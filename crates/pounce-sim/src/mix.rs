//! The generator's distributions: how partners' capacity, mentor hours, contacts, frameworks, IP
//! terms, remote work and status, and projects' frameworks, size and IP preferences, remote work and
//! hard constraints are drawn. The defaults are the documented model of [`crate`]; a scenario's
//! `[partners]` and `[projects]` tables override any of them.
//!
//! Per-size-class arrays follow the SUSB enterprise size classes in order: <5, 5-9, 10-19, 20-99,
//! 100-499, 500+ employees ([`crate::generate::SIZE_CLASSES`]).
//!
//! ```
//! use pounce_sim::mix::{Count, PartnerMix};
//! let mix = PartnerMix::default();
//! assert_eq!(mix.capacity[0], Count::Bump { base: 1, extra: 0.2 });
//! assert_eq!(mix.capacity[5], Count::Uniform { min: 3, max: 8 });
//! assert!(mix.problems().is_empty());
//! let bad = PartnerMix { pbl: 1.5, ..PartnerMix::default() };
//! assert_eq!(bad.problems()[0].0, "pbl");
//! ```

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::random::{between, chance};

/// Largest count a [`Count`] or [`Between`] may draw (a guard against typos such as `1e9`).
pub const MAX_COUNT: u32 = 10_000;

/// A whole number drawn at random.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Count {
    /// Uniformly from `min` to `max` inclusive (TOML `{ min = 1, max = 3 }`).
    Uniform {
        /// Smallest value.
        min: u32,
        /// Largest value.
        max: u32,
    },
    /// `base`, plus one with probability `extra` (TOML `{ base = 1, extra = 0.2 }`).
    Bump {
        /// The value without the bump.
        base: u32,
        /// Probability of one more.
        extra: f64,
    },
}

impl Count {
    pub(crate) fn draw(&self, rng: &mut ChaCha8Rng) -> u32 {
        match *self {
            Count::Uniform { min, max } => between(rng, min, max),
            Count::Bump { base, extra } => base + u32::from(chance(rng, extra)),
        }
    }

    fn problem(&self) -> Option<String> {
        match *self {
            Count::Uniform { min, max } => Between { min, max }.problem(),
            Count::Bump { base, .. } if base >= MAX_COUNT => Some(format!("base must be below {MAX_COUNT}")),
            Count::Bump { extra, .. } => probability_problem(extra),
        }
    }
}

/// A range of whole numbers, `{ min = 1, max = 6 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Between {
    /// Smallest value.
    pub min: u32,
    /// Largest value.
    pub max: u32,
}

impl Between {
    fn problem(&self) -> Option<String> {
        if self.min > self.max {
            Some(format!("min ({}) must not exceed max ({})", self.min, self.max))
        } else if self.max > MAX_COUNT {
            Some(format!("max must be at most {MAX_COUNT}, found {}", self.max))
        } else {
            None
        }
    }
}

fn probability_problem(p: f64) -> Option<String> {
    (!(p.is_finite() && (0.0..=1.0).contains(&p))).then(|| format!("must be a probability between 0 and 1, found {p}"))
}

fn weights_problem(weights: &[f64]) -> Option<String> {
    if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
        Some("weights must be finite and not negative".to_owned())
    } else if weights.iter().sum::<f64>() <= 0.0 {
        Some("at least one weight must be positive".to_owned())
    } else {
        None
    }
}

/// The problems of a table as `(key, reason)` pairs, in the order checked.
#[derive(Default)]
struct Found(Vec<(String, String)>);

impl Found {
    fn check(&mut self, key: &str, problem: Option<String>) {
        if let Some(reason) = problem {
            self.0.push((key.to_owned(), reason));
        }
    }
}

/// The index whose share of `weights` holds `x` in [0, 1): the first `i` with `x` below the running
/// sum up to `i` divided by the total.
pub(crate) fn pick_share(x: f64, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if x < acc / total {
            return i;
        }
    }
    weights.len() - 1
}

/// Partners' statuses, as relative weights (default 80 % active, 10 % prospect, 8 % lapsed, 2 %
/// declined).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatusMix {
    /// Weight of `active`.
    pub active: f64,
    /// Weight of `prospect`.
    pub prospect: f64,
    /// Weight of `lapsed`.
    pub lapsed: f64,
    /// Weight of `declined`.
    pub declined: f64,
}

impl Default for StatusMix {
    fn default() -> Self {
        StatusMix { active: 0.8, prospect: 0.1, lapsed: 0.08, declined: 0.02 }
    }
}

impl StatusMix {
    pub(crate) fn weights(&self) -> [f64; 4] {
        [self.active, self.prospect, self.lapsed, self.declined]
    }
}

/// How partners are drawn beyond their city, sector and size (which follow the bundled data): the
/// scenario's `[partners]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PartnerMix {
    /// Probability of a second six-digit industry code of the sector (default 0.4).
    pub second_industry: f64,
    /// Number of skill tags (default 5–12).
    pub skills: Between,
    /// Projects a partner can host, by size class (default <5: 1 plus one 20 % of the time; then
    /// 1–2, 1–3, 2–4, 2–6, 3–8).
    pub capacity: [Count; 6],
    /// Mentor hours a week, drawn in half hours, by size class (default 1–4, 1–5, 2–6, 2–8, 4–12,
    /// 6–20).
    pub mentor_hours: [Between; 6],
    /// Contacts (people who can mentor), by size class (default <5: 1 plus one 30 % of the time; then
    /// 1–2, 1–3, 2–3, 2–4, 3–6).
    pub contacts: [Count; 6],
    /// Probability of working remotely in sectors 51 and 54 (information, professional services;
    /// default 0.6).
    pub remote_web: f64,
    /// Probability of working remotely in other sectors (default 0.35).
    pub remote_other: f64,
    /// Probability of accepting project-based learning (default 0.95).
    pub pbl: f64,
    /// Probability that PBL comes first in the partner's preference order (default 0.85).
    pub pbl_first: f64,
    /// Probability of accepting apprenticeships, by size class (default 0.03, 0.06, 0.12, 0.2,
    /// 0.35, 0.5).
    pub apprenticeship: [f64; 6],
    /// Probability of accepting co-design, by size class (default 0.08, 0.1, 0.12, 0.15, 0.2, 0.3).
    pub codesign: [f64; 6],
    /// Probability of accepting student-owned IP (default 0.85).
    pub ip_student: f64,
    /// Probability of accepting partner-owned IP (default 0.45).
    pub ip_partner: f64,
    /// Probability of accepting open IP (default 0.3).
    pub ip_open: f64,
    /// Relationship statuses.
    pub status: StatusMix,
}

impl Default for PartnerMix {
    fn default() -> Self {
        let u = |min, max| Count::Uniform { min, max };
        let b = |min, max| Between { min, max };
        PartnerMix {
            second_industry: 0.4,
            skills: b(5, 12),
            capacity: [Count::Bump { base: 1, extra: 0.2 }, u(1, 2), u(1, 3), u(2, 4), u(2, 6), u(3, 8)],
            mentor_hours: [b(1, 4), b(1, 5), b(2, 6), b(2, 8), b(4, 12), b(6, 20)],
            contacts: [Count::Bump { base: 1, extra: 0.3 }, u(1, 2), u(1, 3), u(2, 3), u(2, 4), u(3, 6)],
            remote_web: 0.6,
            remote_other: 0.35,
            pbl: 0.95,
            pbl_first: 0.85,
            apprenticeship: [0.03, 0.06, 0.12, 0.2, 0.35, 0.5],
            codesign: [0.08, 0.1, 0.12, 0.15, 0.2, 0.3],
            ip_student: 0.85,
            ip_partner: 0.45,
            ip_open: 0.3,
            status: StatusMix::default(),
        }
    }
}

impl PartnerMix {
    /// Every invalid key with its reason: `(key, reason)`, keys as in the TOML table (`status.active`,
    /// `capacity`).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut found = Found::default();
        let mut push = |key: &str, p: Option<String>| found.check(key, p);
        for (key, p) in [
            ("second_industry", self.second_industry),
            ("remote_web", self.remote_web),
            ("remote_other", self.remote_other),
            ("pbl", self.pbl),
            ("pbl_first", self.pbl_first),
            ("ip_student", self.ip_student),
            ("ip_partner", self.ip_partner),
            ("ip_open", self.ip_open),
        ] {
            push(key, probability_problem(p));
        }
        push("skills", self.skills.problem());
        for (i, c) in self.capacity.iter().enumerate() {
            push("capacity", c.problem().map(|r| format!("size class {}: {r}", i + 1)));
        }
        for (i, c) in self.contacts.iter().enumerate() {
            push("contacts", c.problem().map(|r| format!("size class {}: {r}", i + 1)));
        }
        for (i, h) in self.mentor_hours.iter().enumerate() {
            push("mentor_hours", h.problem().map(|r| format!("size class {}: {r}", i + 1)));
        }
        for (key, shares) in [("apprenticeship", &self.apprenticeship), ("codesign", &self.codesign)] {
            for (i, p) in shares.iter().enumerate() {
                push(key, probability_problem(*p).map(|r| format!("size class {}: {r}", i + 1)));
            }
        }
        push("status", weights_problem(&self.status.weights()));
        found.0
    }
}

/// Projects' frameworks, as relative weights (default PBL 0.8, apprenticeship 0.1, co-design 0.1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FrameworkMix {
    /// Weight of project-based learning.
    pub pbl: f64,
    /// Weight of apprenticeships.
    pub apprenticeship: f64,
    /// Weight of co-design.
    pub codesign: f64,
}

impl Default for FrameworkMix {
    fn default() -> Self {
        FrameworkMix { pbl: 0.8, apprenticeship: 0.1, codesign: 0.1 }
    }
}

/// Projects' preferred partner size, as relative weights (default any 0.6, each band 0.1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SizeMix {
    /// Weight of no preference.
    pub any: f64,
    /// Weight of micro firms.
    pub micro: f64,
    /// Weight of small firms.
    pub small: f64,
    /// Weight of medium firms.
    pub medium: f64,
    /// Weight of large firms.
    pub large: f64,
}

impl Default for SizeMix {
    fn default() -> Self {
        SizeMix { any: 0.6, micro: 0.1, small: 0.1, medium: 0.1, large: 0.1 }
    }
}

/// Projects' IP terms, as relative weights (default student 0.65, open 0.2, partner 0.15).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpMix {
    /// Weight of student-owned IP.
    pub student: f64,
    /// Weight of open IP.
    pub open: f64,
    /// Weight of partner-owned IP.
    pub partner: f64,
}

impl Default for IpMix {
    fn default() -> Self {
        IpMix { student: 0.65, open: 0.2, partner: 0.15 }
    }
}

/// How projects are drawn beyond their institution's focus sectors and skills: the scenario's
/// `[projects]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectMix {
    /// Probability of a second industry code (default 0.4).
    pub second_industry: f64,
    /// Number of wanted skill tags (default 3–6).
    pub skills: Between,
    /// Probability that the first skill has weight 2 (default 0.5).
    pub heavy_first: f64,
    /// Probability that each other skill has weight 2 (default 0.15).
    pub heavy_other: f64,
    /// Frameworks.
    pub frameworks: FrameworkMix,
    /// Mentor hours a week wanted (default 1–6).
    pub mentor_hours: Between,
    /// Probability that a project can be done remotely (default 0.5).
    pub remote: f64,
    /// Preferred partner size.
    pub size: SizeMix,
    /// IP terms.
    pub ip: IpMix,
    /// Probability of one hard constraint (`must`) among location, IP and framework (default 0.15).
    pub must: f64,
    /// Probability that a project with a hard constraint has a second one (default 0.3).
    pub must_second: f64,
}

impl Default for ProjectMix {
    fn default() -> Self {
        ProjectMix {
            second_industry: 0.4,
            skills: Between { min: 3, max: 6 },
            heavy_first: 0.5,
            heavy_other: 0.15,
            frameworks: FrameworkMix::default(),
            mentor_hours: Between { min: 1, max: 6 },
            remote: 0.5,
            size: SizeMix::default(),
            ip: IpMix::default(),
            must: 0.15,
            must_second: 0.3,
        }
    }
}

impl ProjectMix {
    /// Every invalid key with its reason, as [`PartnerMix::problems`].
    ///
    /// ```
    /// use pounce_sim::mix::{Between, ProjectMix};
    /// let bad = ProjectMix { skills: Between { min: 4, max: 2 }, must: -1.0, ..ProjectMix::default() };
    /// let keys: Vec<String> = bad.problems().into_iter().map(|p| p.0).collect();
    /// assert_eq!(keys, ["must", "skills"]);
    /// ```
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut found = Found::default();
        let mut push = |key: &str, p: Option<String>| found.check(key, p);
        for (key, p) in [
            ("second_industry", self.second_industry),
            ("heavy_first", self.heavy_first),
            ("heavy_other", self.heavy_other),
            ("remote", self.remote),
            ("must", self.must),
            ("must_second", self.must_second),
        ] {
            push(key, probability_problem(p));
        }
        push("skills", self.skills.problem());
        push("mentor_hours", self.mentor_hours.problem());
        let f = &self.frameworks;
        push("frameworks", weights_problem(&[f.pbl, f.apprenticeship, f.codesign]));
        let s = &self.size;
        push("size", weights_problem(&[s.any, s.micro, s.small, s.medium, s.large]));
        push("ip", weights_problem(&[self.ip.student, self.ip.open, self.ip.partner]));
        found.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_share_matches_thresholds() {
        let w = [0.8, 0.1, 0.08, 0.02];
        assert_eq!(pick_share(0.0, &w), 0);
        assert_eq!(pick_share(0.7999, &w), 0);
        assert_eq!(pick_share(0.85, &w), 1);
        assert_eq!(pick_share(0.95, &w), 2);
        assert_eq!(pick_share(0.99, &w), 3);
        // Weights need not sum to 1.
        assert_eq!(pick_share(0.49, &[1.0, 1.0]), 0);
        assert_eq!(pick_share(0.51, &[1.0, 1.0]), 1);
        // A zero weight is never picked.
        assert_eq!(pick_share(0.5, &[1.0, 0.0, 1.0]), 2);
    }

    #[test]
    fn tables_read_from_toml() {
        let mix: PartnerMix =
            toml::from_str("capacity = [{ base = 2, extra = 0.5 }, { min = 1, max = 1 }, { min = 1, max = 3 }, { min = 2, max = 4 }, { min = 2, max = 6 }, { min = 3, max = 8 }]\n[status]\ndeclined = 0.5\n")
                .unwrap();
        assert_eq!(mix.capacity[0], Count::Bump { base: 2, extra: 0.5 });
        assert_eq!(mix.capacity[1], Count::Uniform { min: 1, max: 1 });
        assert_eq!(mix.status.declined, 0.5);
        assert_eq!(mix.status.active, 0.8);
        assert!(toml::from_str::<PartnerMix>("capacity = [{ low = 1 }]").is_err());
        assert!(toml::from_str::<PartnerMix>("colour = 1").is_err());
    }

    #[test]
    fn problems_name_every_bad_key() {
        let mut mix = PartnerMix {
            status: StatusMix { active: 0.0, prospect: 0.0, lapsed: 0.0, declined: 0.0 },
            ..PartnerMix::default()
        };
        mix.mentor_hours[2] = Between { min: 9, max: 3 };
        mix.apprenticeship[5] = f64::NAN;
        let keys: Vec<String> = mix.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["mentor_hours", "apprenticeship", "status"]);
        let r =
            ProjectMix { frameworks: FrameworkMix { pbl: -1.0, ..FrameworkMix::default() }, ..ProjectMix::default() };
        assert_eq!(r.problems()[0].0, "frameworks");
    }
}
