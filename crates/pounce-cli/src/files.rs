//! Reading inputs and writing outputs: the only place the CLI touches the file system.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pounce::input::{Kind, Reference, read_records};
use pounce::{Error, Problems, Term, Weights};
use rayon::prelude::*;

use crate::BadInput;
use crate::cli::TermArgs;

/// Opens a file for reading, with a bad-input error naming it when it cannot be opened.
pub fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path).map(BufReader::new).map_err(|e| BadInput(format!("{}: cannot open: {e}", path.display())).into())
}

/// Reads a whole file (a large input parsed straight from its bytes), with the same bad-input error
/// as [`open`] when it cannot be read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let whole = || std::fs::read(path).map_err(|e| BadInput(format!("{}: cannot open: {e}", path.display())).into());
    // A large regular file is read in pieces on the threads (the copy out of the page cache is
    // most of a read); anything else, or a file that changes size meanwhile, in one read.
    const PIECE: usize = 4 << 20;
    let Ok(file) = File::open(path) else { return whole() };
    let len = match file.metadata() {
        Ok(m) if m.is_file() && m.len() >= 4 * PIECE as u64 => usize::try_from(m.len()).ok(),
        _ => None,
    };
    let Some(len) = len else { return whole() };
    let mut bytes = vec![0u8; len];
    let read = bytes
        .par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(k, piece)| std::os::unix::fs::FileExt::read_exact_at(&file, piece, (k * PIECE) as u64));
    let mut more = [0u8; 1];
    match (read, std::os::unix::fs::FileExt::read_at(&file, &mut more, len as u64)) {
        (Ok(()), Ok(0)) => Ok(bytes),
        _ => whole(),
    }
}

/// Reads projects, partners and weights, reporting the problems of all three files together.
pub fn term(args: &TermArgs) -> Result<(Term, Weights)> {
    term_from(&args.projects, &args.partners, args.weights.as_deref())
}

/// Reads projects, partners and weights from paths, reporting the problems of all files together.
pub fn term_from(projects_path: &Path, partners_path: &Path, weights_path: Option<&Path>) -> Result<(Term, Weights)> {
    let reference = Reference::bundled();
    let mut g = Gather::default();
    let projects =
        g.keep(read_records(open(projects_path)?, &projects_path.display().to_string(), Kind::Projects, reference))?;
    let partners =
        g.keep(read_records(open(partners_path)?, &partners_path.display().to_string(), Kind::Partners, reference))?;
    let weights = match weights_path {
        None => Some(Weights::default()),
        Some(path) => g.keep(Weights::from_toml(&read_text(path)?, &path.display().to_string()))?,
    };
    g.finish()?;
    let term = Term {
        projects: projects.map(|t| t.projects).unwrap_or_default(),
        partners: partners.map(|t| t.partners).unwrap_or_default(),
    };
    Ok((term, weights.unwrap_or_default()))
}

/// Writes output to `out` atomically (a temporary file in the same directory, renamed into place
/// once complete), or to standard output when `out` is `None`. On failure or interruption (see
/// [`crate::interrupt`]) nothing is left behind and a previous file at `out` is unchanged. A device
/// or a named pipe at `out` (`/dev/null`, a FIFO) is written directly: renaming over it would
/// replace it with a regular file.
pub fn write_output(out: Option<&Path>, write: impl FnOnce(&mut dyn Write, &str) -> pounce::Result<()>) -> Result<()> {
    let special = out.and_then(|p| std::fs::metadata(p).ok()).is_some_and(|m| !m.is_file() && !m.is_dir());
    match out {
        Some(path) if special => {
            let name = path.display().to_string();
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| BadInput(format!("{name}: cannot open for writing: {e}")))?;
            let mut w = BufWriter::new(file);
            write(&mut w, &name)?;
            w.flush().with_context(|| format!("{name}: cannot write"))
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            match write(&mut w, "standard output") {
                Err(Error::Io { error, .. }) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => {
                    r?;
                    match w.flush() {
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                        r => r.context("writing standard output"),
                    }
                }
            }
        }
        Some(path) => {
            let tmp = temp_path(path);
            let result = (|| -> Result<()> {
                let file =
                    crate::interrupt::create_temp(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
                let mut w = BufWriter::new(file);
                write(&mut w, &path.display().to_string())?;
                let file = w
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("{}: cannot write", tmp.display()))?;
                file.sync_all().with_context(|| format!("{}: cannot write", tmp.display()))?;
                crate::interrupt::rename_into_place(&tmp, path)
                    .with_context(|| format!("{}: cannot move into place", path.display()))?;
                Ok(())
            })();
            if result.is_err() {
                crate::interrupt::discard(&tmp);
            }
            result
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Collects the problems of several inputs so that all are reported together.
#[derive(Default)]
pub struct Gather(pub Problems);

impl Gather {
    /// Keeps a value, or records its problems and returns `None`; other errors pass through.
    pub fn keep<T>(&mut self, r: pounce::Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Error::Invalid(p)) => {
                self.0.0.extend(p.0);
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Fails with every problem gathered, if any.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Invalid(self.0).into()) }
    }
}

/// A referral network as read: its edges and the graph built from them.
pub struct Network {
    /// The edges as in the file.
    pub records: Vec<pounce::referral::EdgeRecord>,
    /// The graph.
    pub graph: pounce::referral::ReferralGraph,
}

/// Reads a referral network; edges decay to `as_of` (default: the latest date in the file).
pub fn network(path: &Path, weights: &Weights, directed: bool, as_of: Option<&str>) -> Result<Network> {
    let records = pounce::input::read_referrals(open(path)?, &path.display().to_string())?;
    let as_of = match as_of {
        Some(s) => Some(
            pounce::input::parse_date(s)
                .ok_or_else(|| BadInput(format!("--as-of: expected YYYY-MM-DD, found \"{s}\"")))?,
        ),
        None => records.iter().filter_map(|r| r.date).max(),
    };
    let graph = pounce::referral::ReferralGraph::build(&records, &weights.referral, as_of, directed);
    Ok(Network { records, graph })
}

/// The referral closeness of a term, when `--referrals` is given.
pub fn referrals(
    args: &crate::cli::ReferralArgs,
    term: &Term,
    weights: &Weights,
) -> Result<Option<pounce::referral::Referrals>> {
    let Some(path) = &args.referrals else { return Ok(None) };
    let net = network(path, weights, args.directed, args.as_of.as_deref())?;
    let options = pounce::referral::PageRankOptions { damping: weights.referral.damping, ..Default::default() };
    Ok(Some(pounce::referral::Referrals::new(net.graph, term, &options)?))
}

/// Weights from an optional TOML path.
pub fn weights_from(path: Option<&Path>) -> Result<Weights> {
    match path {
        None => Ok(Weights::default()),
        Some(p) => Ok(Weights::from_toml(&read_text(p)?, &p.display().to_string())?),
    }
}

/// Reads a text file (TOML); bytes that are not UTF-8 are bad input, reported with their line.
pub fn read_text(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| BadInput(format!("{name}: cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let reason = format!("not UTF-8 text: byte {at} is not valid UTF-8 (save the file as UTF-8)");
        Error::Invalid(Problems(vec![pounce::Problem::new(name, pounce::Place::Line(line), None, reason)])).into()
    })
}
