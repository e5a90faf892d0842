//! Progress bars on standard error, shown only when it is a terminal and the work is long.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar over `len` items, hidden unless stderr is a terminal and `work` (a rough count
/// of elementary steps) suggests more than about a second.
pub fn bar(len: u64, work: u128, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || work < 20_000_000 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what.to_owned());
    pb
}
