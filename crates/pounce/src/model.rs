//! The domain: projects, partners and the vocabulary they share.
//!
//! Values of these types are validated: readers ([`crate::input`]) build them from files and
//! report every problem, and the scorer takes them as they are.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use crate::taxonomy::naics::IndustryCode;

/// A collaboration framework (seed 001's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// Months to years, high partner commitment: deep skill building.
    Apprenticeship,
    /// Project-based learning: weeks to a semester, medium commitment: applied learning.
    Pbl,
    /// Co-design: ongoing, high commitment: curriculum alignment.
    Codesign,
}

/// How much a partner must give, per seed 001's framework table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommitmentLevel {
    /// Occasional help.
    Low,
    /// Regular mentoring.
    Medium,
    /// Sustained, several people.
    High,
}

impl Framework {
    /// All frameworks.
    pub const ALL: [Framework; 3] = [Framework::Apprenticeship, Framework::Pbl, Framework::Codesign];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Apprenticeship => "apprenticeship",
            Framework::Pbl => "pbl",
            Framework::Codesign => "codesign",
        }
    }

    /// The duration range in weeks a partner accepts when it names the framework without one:
    /// apprenticeship 12–104 (months to years), PBL 4–20 (weeks to a semester), co-design 8–156 (ongoing).
    pub fn default_weeks(self) -> (u32, u32) {
        match self {
            Framework::Apprenticeship => (12, 104),
            Framework::Pbl => (4, 20),
            Framework::Codesign => (8, 156),
        }
    }

    /// The commitment the framework demands of a partner.
    pub fn demands(self) -> CommitmentLevel {
        match self {
            Framework::Pbl => CommitmentLevel::Medium,
            Framework::Apprenticeship | Framework::Codesign => CommitmentLevel::High,
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Framework {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "apprenticeship" => Ok(Framework::Apprenticeship),
            "pbl" | "project-based learning" | "project based learning" => Ok(Framework::Pbl),
            "codesign" | "co-design" => Ok(Framework::Codesign),
            _ => Err(format!("unknown framework \"{s}\" (expected apprenticeship, pbl or codesign)")),
        }
    }
}

/// A framework a partner accepts, with the project durations it takes on under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FrameworkOffer {
    /// The framework.
    pub framework: Framework,
    /// Shortest project accepted, in weeks.
    pub min_weeks: u32,
    /// Longest project accepted, in weeks.
    pub max_weeks: u32,
}

impl FromStr for FrameworkOffer {
    type Err = String;
    /// Parses `pbl`, or `pbl:6-16` (weeks).
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, range) = match s.split_once(':') {
            Some((n, r)) => (n, Some(r)),
            None => (s, None),
        };
        let framework: Framework = name.parse()?;
        let (min_weeks, max_weeks) = match range {
            None => framework.default_weeks(),
            Some(r) => {
                let bad = || format!("\"{s}\": the range must be weeks as MIN-MAX, e.g. pbl:6-16");
                let (a, b) = r.split_once('-').ok_or_else(bad)?;
                let a: u32 = a.trim().parse().map_err(|_| bad())?;
                let b: u32 = b.trim().parse().map_err(|_| bad())?;
                if a > b || b == 0 {
                    return Err(format!("\"{s}\": the range {a}-{b} is empty"));
                }
                (a, b)
            }
        };
        Ok(FrameworkOffer { framework, min_weeks, max_weeks })
    }
}

/// Who owns what learners build (seed 001's IP section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IpPolicy {
    /// Students own their work and license it to the partner.
    Student,
    /// The partner owns the work.
    Partner,
    /// The work is released under an open licence.
    Open,
}

impl IpPolicy {
    /// All policies.
    pub const ALL: [IpPolicy; 3] = [IpPolicy::Student, IpPolicy::Partner, IpPolicy::Open];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            IpPolicy::Student => "student",
            IpPolicy::Partner => "partner",
            IpPolicy::Open => "open",
        }
    }
}

impl fmt::Display for IpPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IpPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "student" => Ok(IpPolicy::Student),
            "partner" => Ok(IpPolicy::Partner),
            "open" => Ok(IpPolicy::Open),
            _ => Err(format!("unknown IP policy \"{s}\" (expected student, partner or open)")),
        }
    }
}

/// Preferred partner size, in employees (the EU's SME bands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SizeBand {
    /// Fewer than 10 employees.
    Micro,
    /// 10 to 49.
    Small,
    /// 50 to 249.
    Medium,
    /// 250 or more.
    Large,
    /// No preference.
    Any,
}

impl SizeBand {
    /// The band of an organisation with `employees` people (never `Any`).
    ///
    /// ```
    /// use pounce::SizeBand;
    /// assert_eq!(SizeBand::of(9), SizeBand::Micro);
    /// assert_eq!(SizeBand::of(10), SizeBand::Small);
    /// assert_eq!(SizeBand::of(250), SizeBand::Large);
    /// ```
    pub fn of(employees: u32) -> SizeBand {
        match employees {
            0..=9 => SizeBand::Micro,
            10..=49 => SizeBand::Small,
            50..=249 => SizeBand::Medium,
            _ => SizeBand::Large,
        }
    }

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            SizeBand::Micro => "micro",
            SizeBand::Small => "small",
            SizeBand::Medium => "medium",
            SizeBand::Large => "large",
            SizeBand::Any => "any",
        }
    }

    pub(crate) fn index(self) -> Option<i32> {
        match self {
            SizeBand::Micro => Some(0),
            SizeBand::Small => Some(1),
            SizeBand::Medium => Some(2),
            SizeBand::Large => Some(3),
            SizeBand::Any => None,
        }
    }
}

impl fmt::Display for SizeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SizeBand {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "micro" => Ok(SizeBand::Micro),
            "small" => Ok(SizeBand::Small),
            "medium" => Ok(SizeBand::Medium),
            "large" => Ok(SizeBand::Large),
            "any" | "" => Ok(SizeBand::Any),
            _ => Err(format!("unknown size band \"{s}\" (expected micro, small, medium, large or any)")),
        }
    }
}

/// Where a partner stands with the institutions (seed 001: "keep them on a mailing list").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartnerStatus {
    /// Hosting or ready to host projects.
    Active,
    /// Not yet a partner, worth approaching.
    Prospect,
    /// Partnered before, not currently.
    Lapsed,
    /// Said no; never recommended.
    Declined,
}

impl PartnerStatus {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerStatus::Active => "active",
            PartnerStatus::Prospect => "prospect",
            PartnerStatus::Lapsed => "lapsed",
            PartnerStatus::Declined => "declined",
        }
    }
}

impl FromStr for PartnerStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" | "" => Ok(PartnerStatus::Active),
            "prospect" => Ok(PartnerStatus::Prospect),
            "lapsed" => Ok(PartnerStatus::Lapsed),
            "declined" => Ok(PartnerStatus::Declined),
            _ => Err(format!("unknown status \"{s}\" (expected active, prospect, lapsed or declined)")),
        }
    }
}

/// A scoring dimension. A project may list dimensions in `must`, making them hard constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// NAICS hierarchy similarity.
    Industry,
    /// Weighted, fuzzy skill coverage.
    Skills,
    /// Preferred size band against employees.
    Size,
    /// Distance for in-person work, overlap of working hours for remote work.
    Location,
    /// Mentor hours and contacts against the need.
    Commitment,
    /// Accepted framework, duration range and commitment level.
    Framework,
    /// Availability window against the project's dates.
    Schedule,
    /// IP policy compatibility.
    Ip,
    /// Closeness in the referral network (personalized PageRank from the institution); counts only
    /// when a referral graph is given.
    Referral,
}

impl Dimension {
    /// All dimensions, in the order of score tables.
    pub const ALL: [Dimension; 9] = [
        Dimension::Industry,
        Dimension::Skills,
        Dimension::Size,
        Dimension::Location,
        Dimension::Commitment,
        Dimension::Framework,
        Dimension::Schedule,
        Dimension::Ip,
        Dimension::Referral,
    ];

    /// Number of dimensions.
    pub const COUNT: usize = 9;

    /// The name used in files and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Industry => "industry",
            Dimension::Skills => "skills",
            Dimension::Size => "size",
            Dimension::Location => "location",
            Dimension::Commitment => "commitment",
            Dimension::Framework => "framework",
            Dimension::Schedule => "schedule",
            Dimension::Ip => "ip",
            Dimension::Referral => "referral",
        }
    }

    /// Position in [`Dimension::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Dimension::ALL.into_iter().find(|d| d.as_str() == t).ok_or_else(|| {
            format!(
                "unknown dimension \"{s}\" (expected one of industry, skills, size, location, commitment, framework, schedule, ip, referral)"
            )
        })
    }
}

/// A set of dimensions (a bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DimensionSet(u16);

impl DimensionSet {
    /// The empty set.
    pub const EMPTY: DimensionSet = DimensionSet(0);

    /// Adds a dimension.
    pub fn insert(&mut self, d: Dimension) {
        self.0 |= 1 << d.index();
    }
    /// True when the set holds `d`.
    pub fn contains(self, d: Dimension) -> bool {
        self.0 & (1 << d.index()) != 0
    }
    /// True when empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The dimensions in the set, in [`Dimension::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Dimension> {
        Dimension::ALL.into_iter().filter(move |d| self.contains(*d))
    }
}

impl FromIterator<Dimension> for DimensionSet {
    fn from_iter<I: IntoIterator<Item = Dimension>>(iter: I) -> Self {
        let mut s = DimensionSet::EMPTY;
        for d in iter {
            s.insert(d);
        }
        s
    }
}

impl Serialize for DimensionSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A place: coordinates, the time zone used for working hours, and the label it was given by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// IANA time zone.
    #[serde(serialize_with = "serialize_tz")]
    pub timezone: Tz,
    /// `"Name, CC"` when given as a city, otherwise the nearest city's label.
    pub place: String,
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// A skill a project wants, with its relative weight (default 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillWant {
    /// Normalised tag (see [`crate::taxonomy::skills::normalize`]).
    pub tag: String,
    /// Relative weight, > 0.
    pub weight: f64,
}

/// An institution's need for a partner: a real problem for a cohort of learners.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Unique id.
    pub id: String,
    /// The institution that posts it.
    pub institution: String,
    /// Short title.
    pub title: String,
    /// Industries wanted (empty: no preference).
    pub industries: Vec<IndustryCode>,
    /// Skills and learning objectives, weighted.
    pub skills: Vec<SkillWant>,
    /// The collaboration framework.
    pub framework: Framework,
    /// Duration in weeks.
    pub weeks: u32,
    /// First day.
    pub start: NaiveDate,
    /// Mentor hours per week needed from the partner.
    pub mentor_hours: f64,
    /// Number of learners.
    pub team_size: u32,
    /// Where the learners are.
    pub location: Location,
    /// Whether a remote partner is acceptable.
    pub remote: bool,
    /// Farthest an in-person partner may be, in km.
    pub max_km: f64,
    /// Preferred partner size.
    pub size: SizeBand,
    /// The project's IP policy.
    pub ip: IpPolicy,
    /// Dimensions that are hard constraints.
    pub must: DimensionSet,
}

impl Project {
    /// Last day of the project (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.start + chrono::Days::new(u64::from(self.weeks.max(1)) * 7 - 1)
    }
}

/// An organisation that can host projects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partner {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Industries it works in.
    pub industries: Vec<IndustryCode>,
    /// Skills it can mentor (normalised tags).
    pub skills: Vec<String>,
    /// Number of employees.
    pub employees: u32,
    /// Where it is.
    pub location: Location,
    /// Whether it mentors remotely.
    pub remote: bool,
    /// How many projects it hosts at once.
    pub capacity: u32,
    /// Mentor hours per week it offers in total.
    pub mentor_hours: f64,
    /// Number of contact people.
    pub contacts: u32,
    /// Accepted frameworks in order of preference, with duration ranges.
    pub frameworks: Vec<FrameworkOffer>,
    /// Accepted IP policies.
    pub ip: Vec<IpPolicy>,
    /// First day it can start (open when `None`).
    pub available_from: Option<NaiveDate>,
    /// Last day it is available (open when `None`).
    pub available_to: Option<NaiveDate>,
    /// Relationship status.
    pub status: PartnerStatus,
}

impl Partner {
    /// The commitment level its hours and contacts make: high with 4 or more hours a week and 2 or
    /// more contacts, medium with at least one hour, otherwise low.
    pub fn commitment_level(&self) -> CommitmentLevel {
        if self.mentor_hours >= 4.0 && self.contacts >= 2 {
            CommitmentLevel::High
        } else if self.mentor_hours >= 1.0 && self.contacts >= 1 {
            CommitmentLevel::Medium
        } else {
            CommitmentLevel::Low
        }
    }

    /// The offer for a framework, with its position in the partner's preference order.
    pub fn offer(&self, f: Framework) -> Option<(usize, &FrameworkOffer)> {
        self.frameworks.iter().enumerate().find(|(_, o)| o.framework == f)
    }
}

/// The projects and partners of one matching round.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Term {
    /// Projects, in input order.
    pub projects: Vec<Project>,
    /// Partners, in input order.
    pub partners: Vec<Partner>,
}
