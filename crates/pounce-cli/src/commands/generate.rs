//! `pounce generate`.

use anyhow::{Context, Result};
use pounce::output::{write_partners_csv, write_projects_csv, write_referrals_csv};
use pounce_sim::generate::{GeneratorConfig, generate};
use pounce_sim::{ReferralConfig, generate_referrals};

use crate::BadInput;
use crate::cli::GenerateArgs;
use crate::files;

pub fn run(a: &GenerateArgs) -> Result<()> {
    let mut config = GeneratorConfig::new(a.projects, a.partners, a.seed);
    if let Some(n) = a.institutions {
        config.institutions = n;
    }
    if let Some(s) = &a.start {
        config.start = pounce::input::parse_date(s)
            .ok_or_else(|| BadInput(format!("--start: expected a date as YYYY-MM-DD, found \"{s}\"")))?;
    }
    if let Some(near) = &a.near {
        let g = pounce::Gazetteer::bundled();
        let mut errors = Vec::new();
        for c in near.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            match g.resolve(c) {
                Ok(city) => config.near.push(city.clone()),
                Err(e) => errors.push(format!("--near: {e}")),
            }
        }
        if !errors.is_empty() {
            return Err(BadInput(errors.join("\n")).into());
        }
    }
    config.id_prefix = a.id_prefix.clone();
    let term = generate(&config);
    std::fs::create_dir_all(&a.out).with_context(|| format!("{}: cannot create directory", a.out.display()))?;
    let projects = a.out.join("projects.csv");
    let partners = a.out.join("partners.csv");
    let referrals = a.out.join("referrals.csv");
    let edges = generate_referrals(&term, &ReferralConfig { seed: a.seed, as_of: config.start, ..Default::default() });
    files::write_output(Some(&projects), |w, name| write_projects_csv(w, name, &term.projects))?;
    files::write_output(Some(&partners), |w, name| write_partners_csv(w, name, &term.partners))?;
    files::write_output(Some(&referrals), |w, name| write_referrals_csv(w, name, &edges))?;
    eprintln!(
        "wrote {} projects to {}, {} partners to {} and {} referral edges to {}",
        term.projects.len(),
        projects.display(),
        term.partners.len(),
        partners.display(),
        edges.len(),
        referrals.display()
    );
    Ok(())
}
