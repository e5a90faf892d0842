//! `pounce recommend`.

use anyhow::Result;
use pounce::input::{Kind, PartnerCsvStream, Reference, read_records};
use pounce::output::{write_recommendations_csv, write_recommendations_json};
use pounce::streaming::ChunkedRecommender;
use pounce::{Partner, Recommendation, Scorer, Side, Term, Weights, recommend};

use super::table;
use crate::cli::{ForSide, Format, RecommendArgs};
use crate::{BadInput, files, progress};

pub fn run(a: &RecommendArgs) -> Result<()> {
    if a.chunk == 0 {
        return Err(BadInput("--chunk: give at least 1".into()).into());
    }
    if matches!(a.side, ForSide::Projects)
        && a.term.referral.referrals.is_none()
        && !starts_like_json(&a.term.partners)?
    {
        return run_chunked(a);
    }
    let (term, weights) = files::term(&a.term)?;
    let side = match a.side {
        ForSide::Projects => Side::Projects,
        ForSide::Partners => Side::Partners,
    };
    let referrals = files::referrals(&a.term.referral, &term, &weights)?;
    let scorer = Scorer::with_referrals(&term, &weights, referrals.as_ref());
    let subjects = match side {
        Side::Projects => term.projects.len(),
        Side::Partners => term.partners.len(),
    };
    let work = term.projects.len() as u128 * term.partners.len() as u128;
    let pb = progress::bar(subjects as u64, work, "scoring");
    let recs = recommend(&scorer, a.top, side, &|n| pb.inc(n as u64));
    pb.finish_and_clear();
    write(a, &scorer, side, &recs, term.partners.len())
}

/// Recommendations for projects over a CSV pool read `--chunk` partners at a time: memory holds the
/// projects, two chunks (the next one is read on a thread while the current one is scored) and the
/// partners recommended so far. Every problem of the three files is still reported together, and
/// nothing is written unless all are clean.
fn run_chunked(a: &RecommendArgs) -> Result<()> {
    let reference = Reference::bundled();
    let mut g = files::Gather::default();
    let projects_name = a.term.projects.display().to_string();
    let projects = g.keep(read_records(files::open(&a.term.projects)?, &projects_name, Kind::Projects, reference))?;
    // Read now, reported after the partners' problems (the order of the whole-file readers).
    let weights_read = match &a.term.weights {
        None => Ok(Weights::default()),
        Some(path) => Weights::from_toml(&files::read_text(path)?, &path.display().to_string()),
    };
    let partners_name = a.term.partners.display().to_string();
    let file = files::open(&a.term.partners)?;
    let size = file.get_ref().metadata().map_or(0, |m| m.len());
    let weights = weights_read.as_ref().map_or_else(|_| Weights::default(), Clone::clone);
    let mut chunked = projects.map(|t| ChunkedRecommender::new(t.projects, &weights, a.top));
    let projects_count = chunked.as_ref().map_or(0, ChunkedRecommender::projects);
    let pb = progress::bytes(size, projects_count as u128 * size as u128 / 200, "scoring partners");
    let scoring = chunked.is_some();
    // The reader hands each chunk over when the scorer is ready for it (a rendezvous channel), so
    // at most two chunks are held: the one being scored and the one being read.
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Partner>>(0);
    let read = std::thread::scope(|s| {
        let reader = s.spawn(|| -> Result<pounce::Result<usize>> {
            let send = send;
            let counter = progress::CountingReader::new(file);
            let position = counter.position();
            let mut stream = PartnerCsvStream::new(counter, &partners_name, reference)?;
            while let Some(chunk) = stream.next_chunk(a.chunk)? {
                pb.set_position(position.get());
                // Once a problem is found nothing is written, so the chunks need no scoring.
                if scoring && !stream.has_problems() && send.send(chunk).is_err() {
                    break;
                }
            }
            Ok(stream.finish())
        });
        if let Some(c) = &mut chunked {
            for chunk in &receive {
                c.add(chunk);
            }
        }
        drop(receive);
        reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    pb.finish_and_clear();
    let total = g.keep(read)?;
    g.keep(weights_read)?;
    g.finish()?;
    let (Some(chunked), Some(total)) = (chunked, total) else {
        anyhow::bail!("internal error: inputs missing without a problem reported")
    };
    let (term, recs): (Term, Vec<Recommendation>) = chunked.finish();
    let scorer = Scorer::new(&term, &weights);
    write(a, &scorer, Side::Projects, &recs, total)
}

fn write(a: &RecommendArgs, scorer: &Scorer<'_>, side: Side, recs: &[Recommendation], partners: usize) -> Result<()> {
    let term = scorer.term();
    let (subjects, counterparts) = match side {
        Side::Projects => (term.projects.len(), partners),
        Side::Partners => (term.partners.len(), term.projects.len()),
    };
    files::write_output(a.out.as_deref(), |w, name| match a.format {
        Format::Table => table::write_recommendations(w, name, scorer, side, recs, a.explain),
        Format::Csv => write_recommendations_csv(w, name, scorer, side, recs, a.explain),
        Format::Json => write_recommendations_json(w, name, scorer, side, recs, a.explain),
    })?;
    let feasible_none = recs.iter().filter(|r| r.feasible == 0).count();
    eprintln!(
        "{} {} scored against {} {}; {} with no feasible counterpart",
        subjects,
        match side {
            Side::Projects => "projects",
            Side::Partners => "partners",
        },
        counterparts,
        match side {
            Side::Projects => "partners",
            Side::Partners => "projects",
        },
        feasible_none
    );
    Ok(())
}

/// Whether a file's first non-blank byte (after a byte-order mark) opens JSON.
fn starts_like_json(path: &std::path::Path) -> Result<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    files::open(path)?
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())))?;
    let first = head.iter().copied().find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF));
    Ok(matches!(first, Some(b'{' | b'[')))
}
