//! Per-term precomputation so that scoring a pair touches only ids and numbers: skill tags are
//! interned and fuzzily matched once per distinct tag, time-zone offsets are computed once per
//! distinct project start date, and partner commitment levels once per partner.

use std::collections::HashMap;

use chrono::{NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use crate::model::{CommitmentLevel, Term};
use crate::taxonomy::skills::SkillVocabulary;

/// One wanted skill: its weight and the vocabulary ids it matches, with their credit.
#[derive(Debug, Clone)]
pub(crate) struct WantPrep {
    pub weight: f64,
    pub matches: Vec<(u32, f64)>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProjectPrep {
    pub skills: Vec<WantPrep>,
    pub skill_weight: f64,
    /// Hours east of UTC of the project's own zone at its start date.
    pub own_offset: f64,
    offsets: std::sync::Arc<Vec<f64>>,
}

impl ProjectPrep {
    /// Hours east of UTC of the partner's zone at the project's start date.
    pub fn partner_offset(&self, qp: &PartnerPrep) -> f64 {
        self.offsets[qp.tz as usize]
    }

    /// Hours east of UTC of zone `tz` (an index of the partners' zones) at the project's start date.
    pub fn offset_at(&self, tz: u32) -> f64 {
        self.offsets[tz as usize]
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PartnerPrep {
    /// Sorted, distinct vocabulary ids of the partner's skills.
    pub skills: Vec<u32>,
    /// Index of the partner's zone in `Prepared::zones`.
    pub tz: u32,
    pub level: CommitmentLevel,
}

#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub projects: Vec<ProjectPrep>,
    pub partners: Vec<PartnerPrep>,
}

fn offset_hours(tz: Tz, date: NaiveDate) -> f64 {
    let noon = date.and_hms_opt(12, 0, 0).expect("noon exists");
    f64::from(tz.offset_from_utc_datetime(&noon).fix().local_minus_utc()) / 3600.0
}

impl Prepared {
    pub fn new(term: &Term, fuzzy_threshold: f64) -> Self {
        let mut vocabulary = SkillVocabulary::new();
        let mut zones: Vec<Tz> = Vec::new();
        let mut zone_ids: HashMap<Tz, u32> = HashMap::new();
        let partners: Vec<PartnerPrep> = term
            .partners
            .iter()
            .map(|q| {
                let mut skills: Vec<u32> = q.skills.iter().map(|t| vocabulary.intern(t)).collect();
                skills.sort_unstable();
                skills.dedup();
                let tz = *zone_ids.entry(q.location.timezone).or_insert_with(|| {
                    zones.push(q.location.timezone);
                    zones.len() as u32 - 1
                });
                PartnerPrep { skills, tz, level: q.commitment_level() }
            })
            .collect();
        let mut match_cache: HashMap<&str, Vec<(u32, f64)>> = HashMap::new();
        let mut date_cache: HashMap<NaiveDate, std::sync::Arc<Vec<f64>>> = HashMap::new();
        let projects = term
            .projects
            .iter()
            .map(|p| {
                let skills: Vec<WantPrep> = p
                    .skills
                    .iter()
                    .map(|w| WantPrep {
                        weight: w.weight,
                        matches: match_cache
                            .entry(w.tag.as_str())
                            .or_insert_with(|| vocabulary.matches(&w.tag, fuzzy_threshold))
                            .clone(),
                    })
                    .collect();
                let offsets = date_cache
                    .entry(p.start)
                    .or_insert_with(|| std::sync::Arc::new(zones.iter().map(|z| offset_hours(*z, p.start)).collect()))
                    .clone();
                ProjectPrep {
                    skill_weight: skills.iter().map(|w| w.weight).sum(),
                    skills,
                    own_offset: offset_hours(p.location.timezone, p.start),
                    offsets,
                }
            })
            .collect();
        Prepared { projects, partners }
    }
}
