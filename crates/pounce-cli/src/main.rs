//! `pounce`: match institutions' projects with industry partners from the command line.
//!
//! The binary is thin: it parses arguments ([`cli`]), reads files, calls the `pounce` library,
//! and writes results atomically. Exit codes: 0 success, 1 failure (I/O, internal), 2 bad input
//! (invalid files, unknown options), 130 and 143 interrupted by SIGINT and SIGTERM ([`interrupt`]).

mod cli;
mod commands;
mod files;
mod interrupt;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: large inputs (millions of pairs) allocate and free
/// big arrays in turn, and mimalloc reuses what was freed, where the system allocator returns every
/// large block to the kernel and faults the next one in afresh.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An error caused by the user's input: exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn main() -> ExitCode {
    if let Err(e) = interrupt::install() {
        eprintln!("error: cannot handle SIGINT and SIGTERM: {e}");
        return ExitCode::from(1);
    }
    let args = cli::Cli::parse();
    if let Some(n) = args.threads {
        // Only fails when a pool exists already, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    match commands::run(args.command) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early (`pounce manpage | head`) is not a failure.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let bad = e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<pounce::Error>().is_some_and(pounce::Error::is_bad_input);
            eprintln!("error: {e:#}");
            ExitCode::from(if bad { 2 } else { 1 })
        }
    }
}
