//! The human-readable table of recommendations.

use std::io::Write;

use pounce::{Error, Recommendation, Scorer, Side};

fn io(name: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io { source_name: name.to_owned(), error }
}

/// Writes recommendations for people: one block per subject, one line per pick with its
/// summary sentence, and with `explain` the per-dimension breakdown.
pub fn write_recommendations(
    w: &mut dyn Write,
    name: &str,
    scorer: &Scorer<'_>,
    side: Side,
    recs: &[Recommendation],
    explain: bool,
) -> pounce::Result<()> {
    let term = scorer.term();
    let e = io(name);
    for r in recs {
        match side {
            Side::Projects => {
                let p = &term.projects[r.subject];
                writeln!(w, "{}  {} — {} ({})", p.id, p.title, p.institution, p.location.place).map_err(&e)?;
            }
            Side::Partners => {
                let q = &term.partners[r.subject];
                writeln!(w, "{}  {} ({})", q.id, q.name, q.location.place).map_err(&e)?;
            }
        }
        if r.picks.is_empty() {
            let why: Vec<String> = r.excluded_by.iter().map(|(x, n)| format!("{} ({n})", x.as_str())).collect();
            writeln!(
                w,
                "   no feasible counterpart among {}: excluded by {}",
                r.considered,
                if why.is_empty() { "nothing (none to consider)".to_owned() } else { why.join(", ") }
            )
            .map_err(&e)?;
        }
        for (i, pick) in r.picks.iter().enumerate() {
            let (p, q) = side.pair(r.subject, pick.index);
            let other = match side {
                Side::Projects => term.partners[q].id.as_str(),
                Side::Partners => term.projects[p].id.as_str(),
            };
            let x = scorer.explain(p, q);
            writeln!(
                w,
                "{:>3}. {:<12} score {:.3}  (fit {:.3}, appeal {:.3})  {}",
                i + 1,
                other,
                pick.score.mutual,
                pick.score.fit,
                pick.score.appeal,
                x.summary
            )
            .map_err(&e)?;
            if explain {
                for d in &x.dimensions {
                    writeln!(
                        w,
                        "       {:<10} {:.2} × {:<3} = {:.3}{}  {}",
                        d.dimension.as_str(),
                        d.value,
                        d.weight,
                        d.contribution,
                        if d.must { " (must)" } else { "" },
                        d.reason
                    )
                    .map_err(&e)?;
                }
                let parts: Vec<String> = x.appeal.iter().map(|a| format!("{} {:.2}", a.name, a.value)).collect();
                writeln!(w, "       appeal     {}", parts.join(", ")).map_err(&e)?;
            }
        }
        if !r.picks.is_empty() && r.feasible < r.picks.len().max(1) {
            writeln!(w, "   only {} feasible", r.feasible).map_err(&e)?;
        }
        writeln!(w).map_err(&e)?;
    }
    Ok(())
}
