//! One scorer per dimension. Each returns an [`Assessment`]: a value in [0, 1], whether the pair
//! passes the dimension as a hard constraint, and a [`Note`] with the figures its reason is made of.

use chrono::NaiveDate;
use serde::Serialize;

use super::prepare::{PartnerPrep, ProjectPrep};
use crate::geo::{haversine_km, overlap_hours};
use crate::model::{CommitmentLevel, Framework, IpPolicy, Partner, Project, SizeBand};
use crate::taxonomy::naics::IndustryCode;
use crate::weights::Rules;

/// The outcome of one dimension for one pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Assessment {
    /// Score in [0, 1].
    pub value: f64,
    /// Whether the pair passes this dimension when the project lists it in `must`.
    pub pass: bool,
    /// The figures behind the value.
    pub note: Note,
}

/// The figures a dimension's value was computed from (used to explain it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Note {
    /// The project states no preference on this dimension.
    NoPreference,
    /// The closest pair of codes.
    Industry { wanted: IndustryCode, offered: IndustryCode, similarity: f64 },
    /// Skills covered (credit > 0) out of wanted, and the weighted share covered.
    Skills { covered: u32, wanted: u32 },
    /// Employees against the preferred band.
    Size { employees: u32, wanted: SizeBand, actual: SizeBand },
    /// In person: distance against the limit.
    InPerson { km: f64, max_km: f64 },
    /// Remote: shared working hours (and the distance, for reference).
    Remote { km: f64, overlap_hours: f64 },
    /// Mentor hours and contacts.
    Commitment { offered: f64, needed: f64, contacts: u32 },
    /// The partner does not take this framework.
    FrameworkRefused { framework: Framework },
    /// The framework is accepted; duration and commitment level against it.
    FrameworkAccepted {
        framework: Framework,
        weeks: u32,
        min_weeks: u32,
        max_weeks: u32,
        level: CommitmentLevel,
        demanded: CommitmentLevel,
    },
    /// Days of the project inside the partner's availability.
    Schedule { covered_days: i64, total_days: i64 },
    /// The project's IP policy and whether the partner accepts it.
    Ip { policy: IpPolicy, accepted: bool },
    /// Closeness to the project's institution in the referral network (1 = the closest partner).
    Referral { closeness: f64 },
    /// No referral graph was given (the dimension does not count).
    NoReferralGraph,
    /// The project's institution is not a node of the referral graph.
    InstitutionNotInGraph,
}

/// Industry: mean over the wanted codes of the best [`IndustryCode::similarity`] with an offered
/// code. Passes when some offered code is a wanted code or lies under one (or above: a partner
/// registered as `54` covers a project asking for `5415`).
pub fn industry(project: &Project, partner: &Partner) -> Assessment {
    if project.industries.is_empty() {
        return Assessment { value: 1.0, pass: true, note: Note::NoPreference };
    }
    let mut total = 0.0;
    let mut best: Option<(IndustryCode, IndustryCode, f64)> = None;
    let mut pass = false;
    for w in &project.industries {
        let mut b = 0.0;
        for o in &partner.industries {
            let s = w.similarity(o);
            pass |= w.covers(o) || o.covers(w);
            if s > b {
                b = s;
            }
            if best.is_none_or(|(_, _, bs)| s > bs) {
                best = Some((*w, *o, s));
            }
        }
        total += b;
    }
    let value = total / project.industries.len() as f64;
    let note = match best {
        Some((wanted, offered, similarity)) => Note::Industry { wanted, offered, similarity },
        None => Note::NoPreference,
    };
    Assessment { value, pass, note }
}

/// Skills: the weighted share of the project's skills the partner covers, each credited with the
/// best fuzzy similarity of a partner tag. Passes when every wanted skill is covered.
pub(crate) fn skills(pp: &ProjectPrep, qp: &PartnerPrep) -> Assessment {
    if pp.skills.is_empty() {
        return Assessment { value: 1.0, pass: true, note: Note::NoPreference };
    }
    let mut got = 0.0;
    let mut covered = 0u32;
    for want in &pp.skills {
        let mut best = 0.0f64;
        for &(id, credit) in &want.matches {
            if credit > best && qp.skills.binary_search(&id).is_ok() {
                best = credit;
            }
        }
        if best > 0.0 {
            covered += 1;
            got += want.weight * best;
        }
    }
    let wanted = pp.skills.len() as u32;
    Assessment {
        value: (got / pp.skill_weight).clamp(0.0, 1.0),
        pass: covered == wanted,
        note: Note::Skills { covered, wanted },
    }
}

/// Size: 1 inside the preferred band, 0.5 one band away, 0.2 two away, 0 three away.
pub fn size(project: &Project, partner: &Partner) -> Assessment {
    let actual = SizeBand::of(partner.employees);
    let note = Note::Size { employees: partner.employees, wanted: project.size, actual };
    let Some(w) = project.size.index() else {
        return Assessment { value: 1.0, pass: true, note };
    };
    let d = (w - actual.index().unwrap_or(0)).abs();
    let value = [1.0, 0.5, 0.2, 0.0][d as usize];
    Assessment { value, pass: d == 0, note }
}

/// Location. In person: `1 - km / (2 max_km)`, clamped (1 next door, 0.5 at the limit, 0 at twice
/// the limit); passes within `max_km`. When the project accepts a remote partner and the partner
/// works remotely, the remote value is the share of the working day the two time zones share, and
/// the better of the two modes counts; remote passes with at least `min_overlap_hours`.
pub(crate) fn location(
    project: &Project,
    partner: &Partner,
    pp: &ProjectPrep,
    qp: &PartnerPrep,
    rules: &Rules,
) -> Assessment {
    let km = haversine_km(project.location.lat, project.location.lon, partner.location.lat, partner.location.lon);
    let in_person = if project.max_km > 0.0 {
        (1.0 - km / (2.0 * project.max_km)).clamp(0.0, 1.0)
    } else if km < 1.0 {
        1.0
    } else {
        0.0
    };
    let in_person_pass = km <= project.max_km;
    let person =
        Assessment { value: in_person, pass: in_person_pass, note: Note::InPerson { km, max_km: project.max_km } };
    if !(project.remote && partner.remote) {
        return person;
    }
    let diff = pp.partner_offset(qp) - pp.own_offset;
    let overlap = overlap_hours(diff, rules.workday_hours);
    let remote_value = overlap / rules.workday_hours;
    let remote_pass = overlap >= rules.min_overlap_hours;
    if remote_value > in_person || (remote_value == in_person && !in_person_pass) {
        Assessment {
            value: remote_value,
            pass: remote_pass || in_person_pass,
            note: Note::Remote { km, overlap_hours: overlap },
        }
    } else {
        Assessment { pass: remote_pass || in_person_pass, ..person }
    }
}

/// Commitment: `min(1, offered / needed)` mentor hours, times `0.7 + 0.1 * min(contacts, 3)`
/// (one contact 0.8, three or more 1.0: a second contact guards against a champion leaving).
/// Passes when the partner offers at least the hours needed.
pub fn commitment(project: &Project, partner: &Partner) -> Assessment {
    let hours = if project.mentor_hours <= 0.0 { 1.0 } else { (partner.mentor_hours / project.mentor_hours).min(1.0) };
    let redundancy = 0.7 + 0.1 * f64::from(partner.contacts.min(3));
    Assessment {
        value: (hours * redundancy).clamp(0.0, 1.0),
        pass: partner.mentor_hours >= project.mentor_hours,
        note: Note::Commitment {
            offered: partner.mentor_hours,
            needed: project.mentor_hours,
            contacts: partner.contacts,
        },
    }
}

/// Framework fit: 0 when the partner does not take the framework. Otherwise a duration factor (1
/// inside the partner's range, falling linearly to 0 when the gap equals the project's length)
/// times a level factor (1 when the partner's commitment level meets what the framework demands,
/// 0.6 one level short, 0.3 two). Passes when accepted with the duration inside the range.
pub(crate) fn framework(project: &Project, partner: &Partner, qp: &PartnerPrep) -> Assessment {
    let f = project.framework;
    let Some((_, offer)) = partner.offer(f) else {
        return Assessment { value: 0.0, pass: false, note: Note::FrameworkRefused { framework: f } };
    };
    let weeks = project.weeks;
    let gap = if weeks < offer.min_weeks { offer.min_weeks - weeks } else { weeks.saturating_sub(offer.max_weeks) };
    let duration = (1.0 - f64::from(gap) / f64::from(weeks.max(1))).max(0.0);
    let demanded = f.demands();
    let level_gap = (demanded as i32 - qp.level as i32).max(0);
    let level = [1.0, 0.6, 0.3][level_gap as usize];
    Assessment {
        value: duration * level,
        pass: gap == 0,
        note: Note::FrameworkAccepted {
            framework: f,
            weeks,
            min_weeks: offer.min_weeks,
            max_weeks: offer.max_weeks,
            level: qp.level,
            demanded,
        },
    }
}

/// Schedule: the share of the project's days inside the partner's availability window (open
/// ends count as available). Passes when the whole project fits.
pub fn schedule(project: &Project, partner: &Partner) -> Assessment {
    let (start, end) = (project.start, project.end());
    let total = (end - start).num_days() + 1;
    let from = partner.available_from.unwrap_or(NaiveDate::MIN).max(start);
    let to = partner.available_to.unwrap_or(NaiveDate::MAX).min(end);
    let covered = if to >= from { (to - from).num_days() + 1 } else { 0 };
    Assessment {
        value: covered as f64 / total as f64,
        pass: covered == total,
        note: Note::Schedule { covered_days: covered, total_days: total },
    }
}

/// IP: 1 when the partner accepts the project's policy, else 0.
pub fn ip(project: &Project, partner: &Partner) -> Assessment {
    let accepted = partner.ip.contains(&project.ip);
    Assessment {
        value: if accepted { 1.0 } else { 0.0 },
        pass: accepted,
        note: Note::Ip { policy: project.ip, accepted },
    }
}

/// Referral: the partner's closeness to the project's institution (personalized PageRank, normalised
/// per institution). Passes when the partner is reachable (closeness > 0).
pub fn referral(project: &Project, partner: usize, referrals: Option<&crate::referral::Referrals>) -> Assessment {
    let Some(r) = referrals else {
        return Assessment { value: 0.0, pass: true, note: Note::NoReferralGraph };
    };
    if !r.institution_in_graph(&project.institution) {
        return Assessment { value: 0.0, pass: false, note: Note::InstitutionNotInGraph };
    }
    let closeness = r.closeness(&project.institution, partner);
    Assessment { value: closeness, pass: closeness > 0.0, note: Note::Referral { closeness } }
}
