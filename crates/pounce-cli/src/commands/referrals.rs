//! `pounce referrals rank | paths | prospects | feedback`.

use std::io::Write;

use anyhow::Result;
use pounce::Scorer;
use pounce::input::{read_outcomes_csv, read_referral_edges};
use pounce::output::{push_fixed, write_referrals_csv};
use pounce::referral::feedback::outcome_edges;
use pounce::referral::prospects::prospects;
use pounce::referral::{PageRankOptions, ReferralGraph, personalized_pagerank, strongest_paths};
use rayon::prelude::*;
use serde::Serialize;

use crate::BadInput;
use crate::cli::{
    DataFormat, Format, GraphArgs, ReferralCommand, ReferralFeedbackArgs, ReferralGenerateArgs, ReferralPathsArgs,
    ReferralProspectsArgs, ReferralRankArgs,
};
use crate::files;

pub fn run(c: ReferralCommand) -> Result<()> {
    match c {
        ReferralCommand::Rank(a) => rank(&a),
        ReferralCommand::Paths(a) => paths(&a),
        ReferralCommand::Prospects(a) => prospect(&a),
        ReferralCommand::Feedback(a) => feedback(&a),
        ReferralCommand::Generate(a) => generate(&a),
    }
}

fn load(g: &GraphArgs) -> Result<(files::Network, PageRankOptions)> {
    let weights = files::weights_from(g.weights.as_deref())?;
    let net = files::network(&g.graph, &weights, g.directed, g.as_of.as_deref())?;
    Ok((net, PageRankOptions { damping: weights.referral.damping, ..Default::default() }))
}

fn node(graph: &ReferralGraph, id: &str, flag: &str) -> Result<u32> {
    graph.node(id).ok_or_else(|| BadInput(format!("{flag}: \"{id}\" is not a node of the referral graph")).into())
}

/// `id` or `id:weight`, `;`-separated.
fn seeds(graph: &ReferralGraph, text: &str) -> Result<Vec<(u32, f64)>> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, w) = match part.rsplit_once(':') {
            Some((id, w)) if w.trim().parse::<f64>().is_ok() => (id.trim(), w.trim().parse::<f64>().unwrap_or(1.0)),
            _ => (part, 1.0),
        };
        if !(w.is_finite() && w > 0.0) {
            return Err(BadInput(format!("--from: the weight of \"{id}\" must be > 0")).into());
        }
        out.push((node(graph, id, "--from")?, w));
    }
    if out.is_empty() {
        return Err(BadInput("--from: give at least one node".into()).into());
    }
    Ok(out)
}

#[derive(Serialize)]
struct Ranked<'a> {
    node: &'a str,
    score: f64,
}

/// The graph of `referrals rank`: as [`load`], read as interned edges (no string per edge).
fn load_graph(g: &GraphArgs) -> Result<(ReferralGraph, PageRankOptions)> {
    let weights = files::weights_from(g.weights.as_deref())?;
    let edges = read_referral_edges(files::open(&g.graph)?, &g.graph.display().to_string())?;
    // As `files::network`: the file's problems first, then the date.
    let as_of = match g.as_of.as_deref() {
        Some(s) => Some(
            pounce::input::parse_date(s)
                .ok_or_else(|| BadInput(format!("--as-of: expected YYYY-MM-DD, found \"{s}\"")))?,
        ),
        None => edges.latest_date(),
    };
    let graph = ReferralGraph::from_edges(edges, &weights.referral, as_of, g.directed);
    Ok((graph, PageRankOptions { damping: weights.referral.damping, ..Default::default() }))
}

/// Appends a CSV field as the csv writer writes it in a record of several fields: quoted when it holds
/// a comma, a quote or a line break, quotes doubled.
fn push_csv_field(out: &mut Vec<u8>, field: &str) {
    if !field.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.extend_from_slice(field.as_bytes());
        return;
    }
    out.push(b'"');
    for b in field.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

fn rank(a: &ReferralRankArgs) -> Result<()> {
    let (graph, options) = load_graph(&a.graph)?;
    let seeds = seeds(&graph, &a.from)?;
    let pr = personalized_pagerank(&graph, &seeds, &options)?;
    let mut ranked: Vec<(f64, u32)> =
        (0..graph.node_count() as u32).map(|v| (pr.scores[v as usize], v)).filter(|&(s, _)| s > 0.0).collect();
    // Best first, ties by id: a total order (ids are distinct), so the one order on any thread count.
    ranked.par_sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then_with(|| graph.id(x.1).cmp(graph.id(y.1))));
    let mut order: Vec<u32> = ranked.into_iter().map(|(_, v)| v).collect();
    if let Some(k) = a.top {
        order.truncate(k);
    }
    files::write_output(a.out.as_deref(), |w, name| {
        let io = |error| pounce::Error::Io { source_name: name.to_owned(), error };
        match a.format {
            DataFormat::Csv => {
                w.write_all(b"node,score\n").map_err(io)?;
                let rows: Vec<Vec<u8>> = order
                    .par_chunks(4096)
                    .map(|chunk| {
                        let mut text = Vec::with_capacity(chunk.len() * 32);
                        for &v in chunk {
                            push_csv_field(&mut text, graph.id(v));
                            text.push(b',');
                            push_fixed(&mut text, pr.scores[v as usize], 12);
                            text.push(b'\n');
                        }
                        text
                    })
                    .collect();
                rows.iter().try_for_each(|text| w.write_all(text)).map_err(io)
            }
            DataFormat::Json => {
                let rows: Vec<Ranked<'_>> =
                    order.iter().map(|&v| Ranked { node: graph.id(v), score: pr.scores[v as usize] }).collect();
                let doc = serde_json::json!({ "iterations": pr.iterations, "converged": pr.converged, "scores": rows });
                serde_json::to_writer_pretty(&mut *w, &doc).map_err(|e| io(e.into()))?;
                writeln!(w).map_err(io)
            }
        }
    })?;
    eprintln!(
        "personalized PageRank over {} nodes and {} edges: {} iterations{}",
        graph.node_count(),
        graph.edge_count(),
        pr.iterations,
        if pr.converged { "" } else { " (did not converge)" }
    );
    Ok(())
}

fn paths(a: &ReferralPathsArgs) -> Result<()> {
    let (net, _) = load(&a.graph)?;
    let from = node(&net.graph, &a.from, "--from")?;
    let to = node(&net.graph, &a.to, "--to")?;
    let names: std::collections::HashMap<String, String> = match &a.partners {
        Some(p) => {
            let term = pounce::input::read_records(
                files::open(p)?,
                &p.display().to_string(),
                pounce::input::Kind::Partners,
                pounce::input::Reference::bundled(),
            )?;
            term.partners.into_iter().map(|q| (q.id, q.name)).collect()
        }
        None => Default::default(),
    };
    let label = |v: u32| {
        let id = net.graph.id(v);
        names.get(id).cloned().unwrap_or_else(|| id.to_owned())
    };
    let found = strongest_paths(&net.graph, from, to, a.k, a.max_hops);
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Table => {
            if found.is_empty() {
                writeln!(out, "no path from {} to {} within {} hops", a.from, a.to, a.max_hops)?;
            }
            for (i, p) in found.iter().enumerate() {
                writeln!(out, "{:>2}. strength {:.4}  {}", i + 1, p.strength, p.describe(&label))?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["rank", "strength", "hops", "path"])?;
            for (i, p) in found.iter().enumerate() {
                w.write_record([
                    (i + 1).to_string(),
                    format!("{:.6}", p.strength),
                    (p.nodes.len() - 1).to_string(),
                    p.describe(&label),
                ])?;
            }
            w.flush()?;
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = found
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "strength": p.strength,
                        "nodes": p.nodes.iter().map(|&v| net.graph.id(v)).collect::<Vec<_>>(),
                        "kinds": p.kinds,
                        "path": p.describe(&label),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn prospect(a: &ReferralProspectsArgs) -> Result<()> {
    let weights = files::weights_from(a.graph.weights.as_deref())?;
    let (term, _) = files::term_from(&a.projects, &a.partners, a.graph.weights.as_deref())?;
    if !term.projects.iter().any(|p| p.institution == a.from) {
        return Err(
            BadInput(format!("--from: no project of {} has institution \"{}\"", a.projects.display(), a.from)).into()
        );
    }
    let (net, options) = load(&a.graph)?;
    let seed = node(&net.graph, &a.from, "--from")?;
    let pr = personalized_pagerank(&net.graph, &[(seed, 1.0)], &options)?;
    let scorer = Scorer::new(&term, &weights);
    let mut list = prospects(&net.graph, &net.records, &pr.scores, &scorer, &a.from);
    list.truncate(a.top);
    let label = |v: u32| {
        let id = net.graph.id(v);
        term.partners.iter().find(|q| q.id == id).map_or_else(|| id.to_owned(), |q| q.name.clone())
    };
    let path = |v: u32| strongest_paths(&net.graph, seed, v, 1, 6).into_iter().next().map(|p| p.describe(&label));
    let mut out = std::io::stdout().lock();
    let status = |p: &pounce::referral::prospects::Prospect| {
        p.partner.map_or("not a partner yet", |q| term.partners[q].status.as_str())
    };
    match a.format {
        Format::Table => {
            for (i, p) in list.iter().enumerate() {
                let fit = match (p.fit, p.best_project) {
                    (Some(f), Some(j)) => format!("fit {f:.3} with {}", term.projects[j].id),
                    _ => "fit unknown".to_owned(),
                };
                writeln!(
                    out,
                    "{:>2}. {:<14} priority {:.3}  closeness {:.3}  {fit}  ({})",
                    i + 1,
                    net.graph.id(p.node),
                    p.priority,
                    p.closeness,
                    status(p)
                )?;
                if let Some(path) = path(p.node) {
                    writeln!(out, "      via {path}")?;
                }
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["rank", "node", "status", "priority", "closeness", "fit", "best_project", "path"])?;
            for (i, p) in list.iter().enumerate() {
                w.write_record([
                    (i + 1).to_string(),
                    net.graph.id(p.node).to_owned(),
                    status(p).to_owned(),
                    format!("{:.4}", p.priority),
                    format!("{:.4}", p.closeness),
                    p.fit.map(|f| format!("{f:.4}")).unwrap_or_default(),
                    p.best_project.map(|j| term.projects[j].id.clone()).unwrap_or_default(),
                    path(p.node).unwrap_or_default(),
                ])?;
            }
            w.flush()?;
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = list
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "node": net.graph.id(p.node),
                        "status": status(p),
                        "priority": p.priority,
                        "closeness": p.closeness,
                        "fit": p.fit,
                        "best_project": p.best_project.map(|j| term.projects[j].id.as_str()),
                        "path": path(p.node),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn feedback(a: &ReferralFeedbackArgs) -> Result<()> {
    let name = a.graph.display().to_string();
    let mut records = pounce::input::read_referrals(files::open(&a.graph)?, &name)?;
    let oname = a.outcomes.display().to_string();
    let outcomes = read_outcomes_csv(files::open(&a.outcomes)?, &oname)?;
    let term = pounce::input::read_records(
        files::open(&a.projects)?,
        &a.projects.display().to_string(),
        pounce::input::Kind::Projects,
        pounce::input::Reference::bundled(),
    )?;
    let (edges, reliability) = outcome_edges(&term, &outcomes, &oname)?;
    let added = edges.len();
    records.extend(edges);
    files::write_output(a.out.as_deref(), |w, name| write_referrals_csv(w, name, &records))?;
    eprintln!("{added} past_project edges added");
    for (partner, r) in &reliability {
        eprintln!("{partner}: {} completed, {} dropped, reliability {:.2}", r.completed, r.dropped, r.rate());
    }
    Ok(())
}

fn generate(a: &ReferralGenerateArgs) -> Result<()> {
    let (term, _) = files::term_from(&a.projects, &a.partners, None)?;
    let as_of = pounce::input::parse_date(&a.as_of)
        .ok_or_else(|| BadInput(format!("--as-of: expected YYYY-MM-DD, found \"{}\"", a.as_of)))?;
    let config = pounce_sim::ReferralConfig { seed: a.seed, as_of, ..Default::default() };
    let edges = pounce_sim::generate_referrals(&term, &config);
    files::write_output(a.out.as_deref(), |w, name| write_referrals_csv(w, name, &edges))?;
    eprintln!("{} referral edges", edges.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_the_csv_writer_quotes_them() {
        for field in ["n1", "Tech U", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", " x ", "Ä", "#1", "'"] {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([field, "1"]).unwrap();
            let expected = w.into_inner().unwrap();
            let mut out = Vec::new();
            push_csv_field(&mut out, field);
            out.extend_from_slice(b",1\n");
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap(), "{field:?}");
        }
    }
}
