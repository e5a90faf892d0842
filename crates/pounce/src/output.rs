//! Writers for the documented output formats (CSV and JSON) behind plain [`std::io::Write`].

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Dimension;
use crate::recommend::{Recommendation, Side};
use crate::score::{Explanation, Scorer};

fn io(name: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io { source_name: name.to_owned(), error }
}

fn csv_err(name: &str, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(error) => Error::Io { source_name: name.to_owned(), error },
        other => Error::Io { source_name: name.to_owned(), error: std::io::Error::other(format!("{other:?}")) },
    }
}

fn fmt_score(x: f64) -> String {
    let mut out = Vec::with_capacity(12);
    push_fixed(&mut out, x, 4);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `format!("{value:.decimals$}")` for `decimals` up to 22: a finite value in [0, 2^52) is
/// rounded from its exact binary value (ties to even, as `format!` does) without the general float
/// formatter, which is several times slower; anything else goes through `format!`.
///
/// ```
/// let mut out = Vec::new();
/// pounce::output::push_fixed(&mut out, 0.125, 2);
/// out.push(b' ');
/// pounce::output::push_fixed(&mut out, 2.0 / 3.0, 12);
/// assert_eq!(out, b"0.12 0.666666666667");
/// ```
pub fn push_fixed(out: &mut Vec<u8>, value: f64, decimals: usize) {
    let bits = value.to_bits();
    let (exponent, fraction) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    let (mantissa, shift) = match exponent {
        0 => (fraction, 1074),
        e => (fraction | 1 << 52, 1075 - e as i64),
    };
    if value.is_sign_negative() || exponent == 0x7ff || shift <= 0 || decimals > 22 {
        out.extend_from_slice(format!("{value:.decimals$}").as_bytes());
        return;
    }
    let scale = 10u128.pow(decimals as u32);
    // value · 10^decimals = mantissa · 10^decimals / 2^shift, with mantissa · 10^decimals < 2^127.
    let scaled = u128::from(mantissa) * scale;
    let units = if shift >= 128 {
        0 // below one half
    } else {
        let (q, r, half) = (scaled >> shift, scaled & ((1u128 << shift) - 1), 1u128 << (shift - 1));
        if r > half || (r == half && q & 1 == 1) { q + 1 } else { q }
    };
    out.extend_from_slice((units / scale).to_string().as_bytes());
    if decimals > 0 {
        let mut digits = [b'0'; 22];
        let mut rest = units % scale;
        for d in digits[..decimals].iter_mut().rev() {
            *d = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out.push(b'.');
        out.extend_from_slice(&digits[..decimals]);
    }
}

/// Writes recommendations as CSV: `project,rank,partner,score`, one column per dimension, then
/// `fit,appeal`, the counterpart's name, and with `explain` a `summary` column. For
/// [`Side::Partners`] the first and third columns swap (`partner,rank,project,...`).
pub fn write_recommendations_csv<W: Write>(
    w: W,
    name: &str,
    scorer: &Scorer<'_>,
    side: Side,
    recs: &[Recommendation],
    explain: bool,
) -> Result<()> {
    let term = scorer.term();
    let mut out = csv::Writer::from_writer(w);
    let (subject, other) = match side {
        Side::Projects => ("project", "partner"),
        Side::Partners => ("partner", "project"),
    };
    let mut header: Vec<String> = vec![subject.into(), "rank".into(), other.into(), "score".into()];
    header.extend(Dimension::ALL.iter().map(|d| d.as_str().to_owned()));
    header.extend(["fit".into(), "appeal".into(), format!("{other}_name")]);
    if explain {
        header.push("summary".into());
    }
    out.write_record(&header).map_err(|e| csv_err(name, e))?;
    for r in recs {
        for (rank, pick) in r.picks.iter().enumerate() {
            let (p, q) = side.pair(r.subject, pick.index);
            let (sid, oid, oname) = match side {
                Side::Projects => (&term.projects[p].id, &term.partners[q].id, &term.partners[q].name),
                Side::Partners => (&term.partners[q].id, &term.projects[p].id, &term.projects[p].title),
            };
            let s = &pick.score;
            let mut row = vec![sid.clone(), (rank + 1).to_string(), oid.clone(), fmt_score(s.mutual)];
            row.extend(s.dimensions.iter().map(|v| fmt_score(*v)));
            row.extend([fmt_score(s.fit), fmt_score(s.appeal), oname.clone()]);
            if explain {
                row.push(scorer.explain(p, q).summary);
            }
            out.write_record(&row).map_err(|e| csv_err(name, e))?;
        }
    }
    out.flush().map_err(io(name))
}

/// A recommendation as written in JSON.
#[derive(Debug, Serialize)]
struct JsonRecommendation<'a> {
    subject: &'a str,
    title: &'a str,
    considered: usize,
    feasible: usize,
    excluded_by: std::collections::BTreeMap<&'static str, usize>,
    picks: Vec<JsonPick<'a>>,
}

#[derive(Debug, Serialize)]
struct JsonPick<'a> {
    rank: usize,
    id: &'a str,
    name: &'a str,
    score: f64,
    fit: f64,
    appeal: f64,
    dimensions: std::collections::BTreeMap<&'static str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
}

/// Writes recommendations as a JSON document `{"for": ..., "recommendations": [...]}`; with
/// `explain`, every pick carries its full [`Explanation`].
pub fn write_recommendations_json<W: Write>(
    mut w: W,
    name: &str,
    scorer: &Scorer<'_>,
    side: Side,
    recs: &[Recommendation],
    explain: bool,
) -> Result<()> {
    let term = scorer.term();
    let items: Vec<JsonRecommendation<'_>> = recs
        .iter()
        .map(|r| {
            let (subject, title) = match side {
                Side::Projects => (term.projects[r.subject].id.as_str(), term.projects[r.subject].title.as_str()),
                Side::Partners => (term.partners[r.subject].id.as_str(), term.partners[r.subject].name.as_str()),
            };
            let picks = r
                .picks
                .iter()
                .enumerate()
                .map(|(i, pick)| {
                    let (p, q) = side.pair(r.subject, pick.index);
                    let (id, name) = match side {
                        Side::Projects => (term.partners[q].id.as_str(), term.partners[q].name.as_str()),
                        Side::Partners => (term.projects[p].id.as_str(), term.projects[p].title.as_str()),
                    };
                    JsonPick {
                        rank: i + 1,
                        id,
                        name,
                        score: pick.score.mutual,
                        fit: pick.score.fit,
                        appeal: pick.score.appeal,
                        dimensions: Dimension::ALL
                            .iter()
                            .map(|d| (d.as_str(), pick.score.dimensions[d.index()]))
                            .collect(),
                        explanation: explain.then(|| scorer.explain(p, q)),
                    }
                })
                .collect();
            JsonRecommendation {
                subject,
                title,
                considered: r.considered,
                feasible: r.feasible,
                excluded_by: r.excluded_by.iter().map(|(e, n)| (e.as_str(), *n)).collect(),
                picks,
            }
        })
        .collect();
    let doc = serde_json::json!({ "for": side, "recommendations": items });
    serde_json::to_writer_pretty(&mut w, &doc).map_err(|e| io(name)(e.into()))?;
    writeln!(w).map_err(io(name))
}

/// Writes pair scores as CSV: `project,partner,feasible,score,fit,appeal`, one column per
/// dimension, then `excluded_by` (`;`-separated reasons). Pairs are given as index pairs.
pub fn write_pairs_csv<W: Write>(w: W, name: &str, scorer: &Scorer<'_>, pairs: &[(usize, usize)]) -> Result<()> {
    let term = scorer.term();
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<&str> = vec!["project", "partner", "feasible", "score", "fit", "appeal"];
    header.extend(Dimension::ALL.iter().map(|d| d.as_str()));
    header.push("excluded_by");
    out.write_record(&header).map_err(|e| csv_err(name, e))?;
    for &(p, q) in pairs {
        let s = scorer.score(p, q);
        let mut row = vec![
            term.projects[p].id.clone(),
            term.partners[q].id.clone(),
            s.feasible().to_string(),
            fmt_score(s.mutual),
            fmt_score(s.fit),
            fmt_score(s.appeal),
        ];
        row.extend(s.dimensions.iter().map(|v| fmt_score(*v)));
        row.push(s.excluded.names());
        out.write_record(&row).map_err(|e| csv_err(name, e))?;
    }
    out.flush().map_err(io(name))
}

/// Writes pair scores as a JSON array of explanations.
pub fn write_pairs_json<W: Write>(mut w: W, name: &str, scorer: &Scorer<'_>, pairs: &[(usize, usize)]) -> Result<()> {
    let items: Vec<Explanation> = pairs.iter().map(|&(p, q)| scorer.explain(p, q)).collect();
    serde_json::to_writer_pretty(&mut w, &items).map_err(|e| io(name)(e.into()))?;
    writeln!(w).map_err(io(name))
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
}

fn location_fields(l: &crate::model::Location) -> [String; 4] {
    if l.place.starts_with("near ") || !l.place.contains(", ") {
        [String::new(), format!("{:.5}", l.lat), format!("{:.5}", l.lon), l.timezone.name().to_owned()]
    } else {
        [l.place.clone(), String::new(), String::new(), l.timezone.name().to_owned()]
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { x.to_string() }
}

/// Writes projects in the documented input format (the columns of
/// [`crate::input::PROJECT_COLUMNS`]), so that what is written reads back the same.
pub fn write_projects_csv<W: Write>(w: W, name: &str, projects: &[crate::Project]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(crate::input::PROJECT_COLUMNS).map_err(|e| csv_err(name, e))?;
    for p in projects {
        let skills: Vec<String> = p
            .skills
            .iter()
            .map(|s| if s.weight == 1.0 { s.tag.clone() } else { format!("{}:{}", s.tag, number(s.weight)) })
            .collect();
        let [city, lat, lon, tz] = location_fields(&p.location);
        let must: Vec<&str> = p.must.iter().map(Dimension::as_str).collect();
        let row = [
            p.id.clone(),
            p.institution.clone(),
            p.title.clone(),
            join(&p.industries),
            skills.join(";"),
            p.framework.to_string(),
            p.weeks.to_string(),
            p.start.to_string(),
            number(p.mentor_hours),
            p.team_size.to_string(),
            city,
            lat,
            lon,
            tz,
            p.remote.to_string(),
            number(p.max_km),
            p.size.to_string(),
            p.ip.to_string(),
            must.join(";"),
        ];
        out.write_record(&row).map_err(|e| csv_err(name, e))?;
    }
    out.flush().map_err(io(name))
}

/// Writes partners in the documented input format (the columns of
/// [`crate::input::PARTNER_COLUMNS`]), so that what is written reads back the same.
pub fn write_partners_csv<W: Write>(w: W, name: &str, partners: &[crate::Partner]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(crate::input::PARTNER_COLUMNS).map_err(|e| csv_err(name, e))?;
    for q in partners {
        let [city, lat, lon, tz] = location_fields(&q.location);
        let frameworks: Vec<String> =
            q.frameworks.iter().map(|f| format!("{}:{}-{}", f.framework, f.min_weeks, f.max_weeks)).collect();
        let row = [
            q.id.clone(),
            q.name.clone(),
            join(&q.industries),
            q.skills.join(";"),
            q.employees.to_string(),
            city,
            lat,
            lon,
            tz,
            q.remote.to_string(),
            q.capacity.to_string(),
            number(q.mentor_hours),
            q.contacts.to_string(),
            frameworks.join(";"),
            join(&q.ip),
            q.available_from.map(|d| d.to_string()).unwrap_or_default(),
            q.available_to.map(|d| d.to_string()).unwrap_or_default(),
            q.status.as_str().to_owned(),
        ];
        out.write_record(&row).map_err(|e| csv_err(name, e))?;
    }
    out.flush().map_err(io(name))
}

/// Writes a matching as CSV, one row per project: `project,partner,score,project_rank,partner_rank,
/// reason,backups` (partner empty when unmatched; `reason` says why; `backups` lists alternatives
/// with room left, `;`-separated).
pub fn write_match_csv<W: Write>(
    w: W,
    name: &str,
    market: &crate::matching::Market,
    report: &crate::matching::report::Report,
) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["project", "partner", "score", "project_rank", "partner_rank", "reason", "backups"])
        .map_err(|e| csv_err(name, e))?;
    for row in &report.rows {
        let backups: Vec<&str> = row.backups.iter().map(|&q| market.partners[q].id.as_str()).collect();
        let (partner, score, pr, qr) = match row.edge {
            Some(e) => {
                let edge = &market.edges()[e];
                (
                    market.partners[edge.partner].id.as_str(),
                    fmt_score(edge.score),
                    edge.project_rank.to_string(),
                    edge.partner_rank.to_string(),
                )
            }
            None => ("", String::new(), String::new(), String::new()),
        };
        out.write_record([
            market.projects[row.project].id.as_str(),
            partner,
            &score,
            &pr,
            &qr,
            &row.reason,
            &backups.join(";"),
        ])
        .map_err(|e| csv_err(name, e))?;
    }
    out.flush().map_err(io(name))
}

#[derive(Debug, Serialize)]
struct JsonMatchRow<'a> {
    project: &'a str,
    partner: Option<&'a str>,
    score: Option<f64>,
    project_rank: Option<u32>,
    partner_rank: Option<u32>,
    reason: &'a str,
    backups: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
}

/// Writes a matching as JSON: `{"strategy", "summary", "assignments": [...]}`, and `"stopped"` (the
/// objective, best value found, bound and gap) when a time limit cut the solve short; with a scorer
/// (when the market came from projects and partners files), every matched pair carries its full
/// explanation.
pub fn write_match_json<W: Write>(
    mut w: W,
    name: &str,
    market: &crate::matching::Market,
    report: &crate::matching::report::Report,
    scorer: Option<&Scorer<'_>>,
) -> Result<()> {
    let rows: Vec<JsonMatchRow<'_>> = report
        .rows
        .iter()
        .map(|row| {
            let edge = row.edge.map(|e| market.edges()[e]);
            JsonMatchRow {
                project: &market.projects[row.project].id,
                partner: edge.map(|e| market.partners[e.partner].id.as_str()),
                score: edge.map(|e| e.score),
                project_rank: edge.map(|e| e.project_rank),
                partner_rank: edge.map(|e| e.partner_rank),
                reason: &row.reason,
                backups: row.backups.iter().map(|&q| market.partners[q].id.as_str()).collect(),
                explanation: scorer.zip(edge).map(|(s, e)| s.explain(e.project, e.partner)),
            }
        })
        .collect();
    let mut doc = serde_json::json!({ "strategy": report.strategy, "summary": report.summary, "assignments": rows });
    if let Some(stopped) = &report.stopped {
        doc["stopped"] = serde_json::json!(stopped);
    }
    serde_json::to_writer_pretty(&mut w, &doc).map_err(|e| io(name)(e.into()))?;
    writeln!(w).map_err(io(name))
}

/// Writes referral edges as CSV `source,target,kind,weight,date` (the format
/// [`crate::input::read_referrals`] reads).
pub fn write_referrals_csv<W: Write>(w: W, name: &str, edges: &[crate::referral::EdgeRecord]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["source", "target", "kind", "weight", "date"]).map_err(|e| csv_err(name, e))?;
    for e in edges {
        let date = e.date.map(|d| d.to_string()).unwrap_or_default();
        out.write_record([e.source.as_str(), e.target.as_str(), e.kind.as_str(), &number(e.weight), &date])
            .map_err(|e| csv_err(name, e))?;
    }
    out.flush().map_err(io(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_fixed_is_the_formatters() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed
        };
        let mut values = vec![0.0, 1.0, 0.5, 2f64.powi(-13), 2f64.powi(-41), 5e-13, 4.9999999999999e-13, 1e-300];
        values.extend([f64::MIN_POSITIVE, 5e-324, 0.9999999999995, 0.99999999999949, 1e15, 4503599627370495.5]);
        values.extend([2f64.powi(52), 1e300, f64::INFINITY, f64::NAN, -0.0, -1.5, 123.456]);
        for k in 0..60 {
            values.push(2f64.powi(-k)); // many ties at 12 decimals
            values.push(3.0 * 2f64.powi(-k - 1));
        }
        for _ in 0..200_000 {
            let r = next();
            values.push(f64::from_bits(r >> 2)); // all exponents below 2
            values.push((r >> 11) as f64 / (1u64 << 53) as f64); // uniform in [0, 1)
            values.push((r >> 11) as f64 * 1e-22);
            values.push(((r >> 20) % 1_000_000_000_000_000) as f64 * 1e-13); // near the 12th decimal
        }
        for v in values {
            for decimals in [0, 4, 12] {
                let mut out = Vec::new();
                push_fixed(&mut out, v, decimals);
                assert_eq!(String::from_utf8(out).unwrap(), format!("{v:.decimals$}"), "{v:e} to {decimals}");
            }
        }
    }
}
