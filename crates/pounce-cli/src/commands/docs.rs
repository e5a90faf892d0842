//! `pounce completions` and `pounce manpage`: generated from the clap definition, so they never
//! drift from `--help`.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManpageArgs};

pub fn completions(a: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(a.shell, &mut cmd, "pounce", &mut out);
    out.flush().context("standard output")
}

pub fn manpage(a: &ManpageArgs) -> Result<()> {
    let cmd = Cli::command();
    match &a.out {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out).context("standard output")?;
            out.flush().context("standard output")
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
            clap_mangen::generate_to(cmd, dir).with_context(|| format!("{}: cannot write the pages", dir.display()))?;
            eprintln!("wrote the man pages to {}", dir.display());
            Ok(())
        }
    }
}
