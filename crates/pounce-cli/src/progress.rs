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

/// A progress bar over the `len` bytes of an input, hidden unless stderr is a terminal and `work`
/// suggests more than about a second.
pub fn bytes(len: u64, work: u128, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || work < 20_000_000 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    let style = ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} ({eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what.to_owned());
    pb
}

/// A reader that counts the bytes read through it, for progress over a streamed file.
pub struct CountingReader<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R> CountingReader<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> Self {
        CountingReader { inner, count: std::rc::Rc::default() }
    }

    /// A handle to the number of bytes read so far.
    pub fn position(&self) -> std::rc::Rc<std::cell::Cell<u64>> {
        self.count.clone()
    }
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}
