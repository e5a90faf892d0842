//! Recommends partners for the bundled sample term and explains the best pick of each project.
//!
//! Run from the repository root: `cargo run -p pounce --example recommend_sample`.

use std::fs::File;

use pounce::input::{Reference, read_partners_csv, read_projects_csv};
use pounce::{Scorer, Side, Term, Weights, recommend};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/sample");
    let partners_file = if std::path::Path::new(&format!("{root}/partners.csv")).exists() {
        "partners.csv"
    } else {
        "cases_partners.csv"
    };
    let reference = Reference::bundled();
    let term = Term {
        projects: read_projects_csv(File::open(format!("{root}/projects.csv"))?, "projects.csv", reference)?,
        partners: read_partners_csv(File::open(format!("{root}/{partners_file}"))?, partners_file, reference)?,
    };
    let scorer = Scorer::new(&term, &Weights::default());
    for rec in recommend(&scorer, 3, Side::Projects, &|_| {}) {
        let project = &term.projects[rec.subject];
        match rec.picks.first() {
            Some(best) => {
                let why = scorer.explain(rec.subject, best.index);
                println!("{:<7} {:.3}  {}", project.id, best.score.mutual, why.summary);
            }
            None => println!("{:<7} no feasible partner ({:?})", project.id, rec.excluded_by),
        }
    }
    Ok(())
}
