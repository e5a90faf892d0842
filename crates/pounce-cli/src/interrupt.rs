//! Interruption: SIGINT (Ctrl-C) and SIGTERM end a run cleanly, leaving every previous output file as
//! it was.
//!
//! Outputs are written to a temporary file that is renamed into place once complete
//! ([`crate::files::write_output`]). The temporary files are registered here, and one lock orders
//! their creation and renaming against the signal handler: a thread waits for the signals and, on
//! the first, takes the lock (so no temporary file is created or renamed after it), removes the
//! temporary files, says which outputs (if any) were completed before the signal, and ends the
//! process with exit code 130 (SIGINT) or 143 (SIGTERM), the shell's 128 + signal number. The
//! process ends at once (`_exit`): no destructor, no buffered output and no panic can run after
//! the signal. The library knows nothing of signals.
//!
//! On platforms without POSIX signals the handler is not installed and the system's default applies
//! (a temporary file may then be left behind).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Temporary files being written, and the outputs completed so far.
struct Outputs {
    pending: Vec<PathBuf>,
    written: Vec<PathBuf>,
}

static OUTPUTS: Mutex<Outputs> = Mutex::new(Outputs { pending: Vec::new(), written: Vec::new() });

fn outputs() -> MutexGuard<'static, Outputs> {
    // A panic elsewhere cannot leave the lists half-updated: each update is a single push or retain.
    OUTPUTS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Creates the temporary file `tmp`, registered for removal on interruption.
pub fn create_temp(tmp: &Path) -> std::io::Result<File> {
    let mut o = outputs();
    let file = File::create(tmp)?;
    o.pending.push(tmp.to_owned());
    Ok(file)
}

/// Renames the complete temporary file `tmp` to `path`; no signal can come between the rename and
/// the record of it.
pub fn rename_into_place(tmp: &Path, path: &Path) -> std::io::Result<()> {
    let mut o = outputs();
    std::fs::rename(tmp, path)?;
    o.pending.retain(|p| p != tmp);
    o.written.push(path.to_owned());
    Ok(())
}

/// Removes the temporary file `tmp` after a failure.
pub fn discard(tmp: &Path) {
    let mut o = outputs();
    let _ = std::fs::remove_file(tmp);
    o.pending.retain(|p| p != tmp);
}

/// The message and exit code for an interruption by `signal` after `written` outputs were completed.
fn message(name: &str, number: i32, written: &[PathBuf]) -> (String, i32) {
    let what = if written.is_empty() {
        "no output written; existing files are unchanged".to_owned()
    } else {
        let list: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        format!("only {} written before it; the other outputs were not written", list.join(", "))
    };
    (format!("interrupted ({name}): {what}"), 128 + number)
}

/// Installs the handler of SIGINT and SIGTERM. Call it first thing in `main`.
#[cfg(unix)]
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use std::io::{IsTerminal, Write};

    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        let Some(signal) = signals.forever().next() else { return };
        // Held until the process ends: no temporary file is created or renamed from here on.
        let o = outputs();
        for tmp in &o.pending {
            let _ = std::fs::remove_file(tmp);
        }
        let name = if signal == SIGINT { "SIGINT" } else { "SIGTERM" };
        let (text, code) = message(name, signal, &o.written);
        // A progress bar may be on the current line.
        let newline = if std::io::stderr().is_terminal() { "\n" } else { "" };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{newline}{text}");
        let _ = err.flush();
        signal_hook::low_level::exit(code);
    })?;
    Ok(())
}

/// Signals are left to the system's default where they are not POSIX signals.
#[cfg(not(unix))]
pub fn install() -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_codes() {
        assert_eq!(
            message("SIGINT", 2, &[]),
            ("interrupted (SIGINT): no output written; existing files are unchanged".into(), 130)
        );
        let (text, code) = message("SIGTERM", 15, &[PathBuf::from("out/projects.csv")]);
        assert_eq!(code, 143);
        assert_eq!(
            text,
            "interrupted (SIGTERM): only out/projects.csv written before it; the other outputs were not written"
        );
    }
}
