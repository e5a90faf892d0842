//! Explanations: per-dimension values, weights, contributions and reasons, and a one-sentence summary.

use serde::Serialize;

use super::{Assessment, Exclusion, Note, PairScore, Scorer};
use crate::model::{CommitmentLevel, Dimension, IpPolicy};

/// One dimension of an explained fit score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionExplanation {
    /// The dimension.
    pub dimension: Dimension,
    /// Its value in [0, 1].
    pub value: f64,
    /// Its relative weight.
    pub weight: f64,
    /// `weight * value / sum(weights)`: the contributions add up to the fit score.
    pub contribution: f64,
    /// Whether the project lists it in `must`.
    pub must: bool,
    /// Whether the pair passes it as a hard constraint.
    pub pass: bool,
    /// The figures behind the value.
    pub note: Note,
    /// The reason in plain words.
    pub reason: String,
}

/// One part of an explained appeal score (the partner's view).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealPart {
    /// `industry`, `relevance`, `load` or `framework`.
    pub name: &'static str,
    /// Its value in [0, 1].
    pub value: f64,
    /// Its relative weight.
    pub weight: f64,
    /// The reason in plain words.
    pub reason: String,
}

/// A fully explained pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// Project id.
    pub project: String,
    /// Partner id.
    pub partner: String,
    /// The scores.
    pub score: PairScore,
    /// The fit dimensions.
    pub dimensions: Vec<DimensionExplanation>,
    /// The appeal parts.
    pub appeal: Vec<AppealPart>,
    /// Why the pair is excluded, in words (empty when feasible).
    pub excluded: Vec<String>,
    /// One plain sentence.
    pub summary: String,
}

fn level(l: CommitmentLevel) -> &'static str {
    match l {
        CommitmentLevel::Low => "low",
        CommitmentLevel::Medium => "medium",
        CommitmentLevel::High => "high",
    }
}

fn hours(h: f64) -> String {
    if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h:.1}") }
}

fn ip_words(p: IpPolicy) -> &'static str {
    match p {
        IpPolicy::Student => "student-owned IP",
        IpPolicy::Partner => "partner-owned IP",
        IpPolicy::Open => "an open licence",
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

pub(super) fn build(
    s: &Scorer<'_>,
    project: usize,
    partner: usize,
    a: &[Assessment; Dimension::COUNT],
    appeal: &[f64; 4],
    score: &PairScore,
) -> Explanation {
    let (p, q) = (&s.term.projects[project], &s.term.partners[partner]);
    let naics = crate::Naics::bundled();
    let title = |c: &crate::IndustryCode| -> String { naics.title(c).map(|t| format!(" {t}")).unwrap_or_default() };
    let pp = &s.prepared.projects[project];
    let qp = &s.prepared.partners[partner];
    let missing: Vec<&str> = p
        .skills
        .iter()
        .zip(&pp.skills)
        .filter(|(_, w)| !w.matches.iter().any(|(id, _)| qp.skills.binary_search(id).is_ok()))
        .map(|(w, _)| w.tag.as_str())
        .collect();
    let reason = |d: Dimension, a: &Assessment| -> String {
        match a.note {
            Note::NoPreference => format!("no {d} preference"),
            Note::Industry { wanted, offered, similarity } if p.industries.len() == 1 => format!(
                "wants {wanted}{}; closest offered {offered}{} (similarity {similarity:.2})",
                title(&wanted),
                title(&offered)
            ),
            Note::Industry { wanted, offered, similarity } => format!(
                "mean over {} wanted industries; best: {wanted}{} ~ {offered}{} (similarity {similarity:.2})",
                p.industries.len(),
                title(&wanted),
                title(&offered)
            ),
            Note::Skills { covered, wanted } if missing.is_empty() => format!("covers {covered} of {wanted} skills"),
            Note::Skills { covered, wanted } => {
                format!("covers {covered} of {wanted} skills; missing {}", missing.join(", "))
            }
            Note::Size { employees, wanted, actual } => {
                format!("{employees} employees ({actual}); the project prefers {wanted}")
            }
            Note::InPerson { km, max_km } => format!("{km:.0} km away in person; limit {max_km:.0} km"),
            Note::Remote { km, overlap_hours } => {
                format!("remote: {} h of the working day shared ({km:.0} km away)", hours(overlap_hours))
            }
            Note::Commitment { offered, needed, contacts } => format!(
                "offers {} mentor h/week, the project needs {}; {contacts} contact{}",
                hours(offered),
                hours(needed),
                if contacts == 1 { "" } else { "s" }
            ),
            Note::FrameworkRefused { framework } => format!("does not take {framework}"),
            Note::FrameworkAccepted { framework, weeks, min_weeks, max_weeks, level: l, demanded } => format!(
                "takes {framework} for {min_weeks}-{max_weeks} weeks, the project runs {weeks}; commitment {} ({framework} demands {})",
                level(l),
                level(demanded)
            ),
            Note::Schedule { covered_days, total_days } if covered_days == total_days => {
                "available for the whole project".to_owned()
            }
            Note::Schedule { covered_days, total_days } => {
                format!("available for {covered_days} of the project's {total_days} days")
            }
            Note::Ip { policy, accepted: true } => format!("accepts {}", ip_words(policy)),
            Note::Ip { policy, accepted: false } => format!("does not accept {}", ip_words(policy)),
            Note::NoReferralGraph => "no referral graph given".to_owned(),
            Note::InstitutionNotInGraph => format!("{} is not in the referral graph", p.institution),
            Note::Referral { closeness } => {
                let path = s.referrals.and_then(|r| r.path(&p.institution, partner).map(|path| (r, path)));
                match path {
                    Some((r, path)) => {
                        let label = |n: u32| {
                            let id = r.graph().id(n);
                            s.term
                                .partners
                                .iter()
                                .find(|x| x.id == id)
                                .map_or_else(|| id.to_owned(), |x| x.name.clone())
                        };
                        format!(
                            "closeness {closeness:.2}; warm path (strength {:.3}): {}",
                            path.strength,
                            path.describe(&label)
                        )
                    }
                    None => "not reachable from the institution in the referral graph".to_owned(),
                }
            }
        }
    };
    let dims: Vec<DimensionExplanation> = Dimension::ALL
        .iter()
        .map(|&d| {
            let x = &a[d.index()];
            let weight = s.fit_weights[d.index()];
            DimensionExplanation {
                dimension: d,
                value: x.value,
                weight,
                contribution: weight * x.value / s.fit_weight_sum,
                must: p.must.contains(d),
                pass: x.pass,
                note: x.note,
                reason: reason(d, x),
            }
        })
        .collect();
    let rank = q.offer(p.framework).map(|(r, _)| r);
    let appeal_reasons = [
        "the fit's industry similarity, seen from the partner".to_owned(),
        format!(
            "the project exercises {} of the partner's {} skills",
            count_exercised(s, project, partner),
            q.skills.len()
        ),
        format!("needs {} of the partner's {} mentor h/week", hours(p.mentor_hours), hours(q.mentor_hours)),
        match rank {
            Some(r) => format!("{} is the partner's {} choice of framework", p.framework, ordinal(r + 1)),
            None => format!("the partner does not take {}", p.framework),
        },
    ];
    let appeal_parts = s
        .weights
        .appeal
        .parts()
        .iter()
        .zip(appeal)
        .zip(appeal_reasons)
        .map(|(((name, weight), value), reason)| AppealPart { name, value: *value, weight: *weight, reason })
        .collect();
    let excluded = score
        .excluded
        .iter()
        .map(|e| match e {
            Exclusion::Must(d) => format!("must {d}: {}", dims[d.index()].reason),
            Exclusion::Declined => "the partner has declined".to_owned(),
            Exclusion::NoCapacity => "the partner has no capacity this term".to_owned(),
        })
        .collect();
    let summary = summarise(s, project, partner, a, &dims);
    Explanation {
        project: p.id.clone(),
        partner: q.id.clone(),
        score: *score,
        dimensions: dims,
        appeal: appeal_parts,
        excluded,
        summary,
    }
}

fn count_exercised(s: &Scorer<'_>, project: usize, partner: usize) -> usize {
    let pp = &s.prepared.projects[project];
    s.prepared.partners[partner]
        .skills
        .iter()
        .filter(|id| pp.skills.iter().any(|w| w.matches.iter().any(|(m, _)| m == *id)))
        .count()
}

/// "Acme (Toronto, CA, 3 h overlap) covers 4 of 5 skills; same industry; mentor hours 2 of 3 needed."
fn summarise(
    s: &Scorer<'_>,
    project: usize,
    partner: usize,
    a: &[Assessment; Dimension::COUNT],
    dims: &[DimensionExplanation],
) -> String {
    let (p, q) = (&s.term.projects[project], &s.term.partners[partner]);
    let place = match a[Dimension::Location.index()].note {
        Note::Remote { overlap_hours, .. } => {
            format!("{}, remote, {} h overlap", q.location.place, hours(overlap_hours))
        }
        Note::InPerson { km, .. } => format!("{}, {km:.0} km", q.location.place),
        _ => q.location.place.clone(),
    };
    let mut parts = Vec::new();
    parts.push(match a[Dimension::Skills.index()].note {
        Note::Skills { covered, wanted } => format!("covers {covered} of {wanted} skills"),
        _ => "no skills asked".to_owned(),
    });
    parts.push(match a[Dimension::Industry.index()].note {
        Note::Industry { similarity, .. } if similarity >= 1.0 => "same industry".to_owned(),
        Note::Industry { similarity, .. } if similarity >= 0.5 => "related industry".to_owned(),
        Note::Industry { similarity, .. } if similarity > 0.0 => "same sector".to_owned(),
        Note::Industry { .. } => "another sector".to_owned(),
        _ => "any industry".to_owned(),
    });
    parts.push(if q.mentor_hours >= p.mentor_hours {
        format!("mentor hours {} offered, {} needed", hours(q.mentor_hours), hours(p.mentor_hours))
    } else {
        format!("mentor hours {} of {} needed", hours(q.mentor_hours), hours(p.mentor_hours))
    });
    for d in [Dimension::Framework, Dimension::Schedule, Dimension::Ip, Dimension::Size] {
        let x = &dims[d.index()];
        if x.value < 0.5 {
            parts.push(x.reason.clone());
        }
    }
    format!("{} ({place}) {}.", q.name, parts.join("; "))
}
