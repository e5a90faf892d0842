//! Plain CSV files read straight from their bytes: the fast path of the large input files, whose
//! millions of rows would otherwise each cost a record and a string per field.
//!
//! A file is plain when it is UTF-8, has no quote character and no carriage return except in a
//! line end (CR LF). Such a file means the same to the `csv` crate as split at `\n` and `,`, so
//! [`Plain`] cuts it in pieces at line ends, read in parallel. Every reader built on it returns `None`
//! at the first thing that is not plainly valid, and its caller then reads the file with the
//! general reader, which reports every problem with its line; so a fast path accepts exactly the
//! files the general reader accepts without a problem, and reads them the same.

/// A plain file's header: where each known column is, and the rows after it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plain<'a, const N: usize> {
    /// The field index of each known column (`None`: absent).
    columns: [Option<usize>; N],
    /// Fields a row has (columns with an empty name count, their values are ignored).
    width: usize,
    /// The rows (UTF-8 is checked a piece at a time, in parallel).
    body: &'a [u8],
}

impl<'a, const N: usize> Plain<'a, N> {
    /// The header of `bytes` with the columns `known` (names trimmed, any case, a byte-order mark
    /// ignored, as the general reader takes them), or `None`: not UTF-8, a quote or a stray carriage
    /// return in the header, a blank header, an unknown or repeated column, a `required` one missing.
    pub(crate) fn of(bytes: &'a [u8], known: &[&str; N], required: &[&str]) -> Option<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let header_end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
        let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
        let header = header.strip_suffix('\r').unwrap_or(header);
        let body = &bytes[(header_end + 1).min(bytes.len())..];
        if header.contains(['"', '\r']) || blank(header) {
            return None; // leading blank lines are skipped by the csv reader: left to it
        }
        let mut columns = [None; N];
        let mut width = 0;
        for (i, raw) in header.split(',').enumerate() {
            width += 1;
            let name = raw.trim().to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let k = known.iter().position(|k| *k == name)?;
            if columns[k].replace(i).is_some() {
                return None;
            }
        }
        if required.iter().any(|r| known.iter().position(|k| k == r).is_none_or(|k| columns[k].is_none())) {
            return None;
        }
        Some(Plain { columns, width, body })
    }

    /// The rows after the header, unchecked (see [`Plain::rows`]).
    pub(crate) fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The body cut at line ends into about `parts` pieces of at least `min` bytes (one piece for a
    /// small file), in file order.
    pub(crate) fn pieces(&self, parts: usize, min: usize) -> Vec<&'a [u8]> {
        let size = (self.body.len() / parts.max(1)).max(min).max(1);
        let mut out = Vec::new();
        let mut rest = self.body;
        while rest.len() > size {
            match rest[size..].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let (head, tail) = rest.split_at(size + i + 1);
                    out.push(head);
                    rest = tail;
                }
                None => break,
            }
        }
        if !rest.is_empty() || out.is_empty() {
            out.push(rest);
        }
        out
    }

    /// Calls `row` with the trimmed, non-empty value of each known column of every row of a piece
    /// (a run of whole lines of the body), skipping blank lines; `None` when the piece is not plain,
    /// a row has another number of fields than the header, or `row` returns `None`.
    pub(crate) fn rows(&self, bytes: &'a [u8], mut row: impl FnMut(&[Option<&'a str>; N]) -> Option<()>) -> Option<()> {
        let piece = std::str::from_utf8(bytes).ok()?;
        if bytes.contains(&b'"') {
            return None; // quoted fields are the csv reader's
        }
        if piece.match_indices('\r').any(|(i, _)| bytes.get(i + 1) != Some(&b'\n')) {
            return None; // a lone carriage return ends a record for the csv reader
        }
        // The known column (if any) of each field.
        let mut slots = [usize::MAX; 64];
        if self.width > slots.len() {
            return None;
        }
        for (k, c) in self.columns.iter().enumerate() {
            if let Some(c) = c {
                slots[*c] = k;
            }
        }
        // The current line's values, number of fields, and whether they are all blank so far.
        let mut values = [None; N];
        let (mut fields, mut all_blank, mut field_start) = (0, true, 0);
        for end in Delimiters::new(bytes).chain([bytes.len()]) {
            let line_end = bytes.get(end).is_none_or(|&b| b == b'\n');
            let field = &piece[field_start..end];
            let field = if line_end { field.strip_suffix('\r').unwrap_or(field) } else { field };
            field_start = end + 1;
            if let Some(&k) = slots.get(fields).filter(|&&k| k != usize::MAX) {
                let value = trim(field);
                if !value.is_empty() {
                    values[k] = Some(value);
                }
            }
            all_blank = all_blank && blank(field);
            fields += 1;
            if !line_end {
                continue;
            }
            let (line, complete) = (std::mem::replace(&mut values, [None; N]), fields == self.width);
            let blank_line = std::mem::replace(&mut all_blank, true);
            fields = 0;
            if blank_line {
                continue;
            }
            if !complete {
                return None;
            }
            row(&line)?;
        }
        Some(())
    }
}

/// The positions of the commas and line feeds of some bytes, in order, found eight bytes at a time.
struct Delimiters<'a> {
    bytes: &'a [u8],
    /// Where the next word starts.
    next: usize,
    /// The delimiters of the current word (starting at `next - 8`), one high bit per byte.
    found: u64,
}

impl<'a> Delimiters<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Delimiters { bytes, next: 0, found: 0 }
    }
}

impl Iterator for Delimiters<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const ONES: u64 = 0x0101_0101_0101_0101;
        // The high bit of each zero byte (no carry crosses a byte: exact).
        let zeros = |w: u64| !(((w & LOW) + LOW) | w) & !LOW;
        while self.found == 0 {
            let rest = self.bytes.get(self.next..).filter(|r| !r.is_empty())?;
            let mut word = [0u8; 8]; // a short last word is padded with zeros: not delimiters
            let take = rest.len().min(8);
            word[..take].copy_from_slice(&rest[..take]);
            let w = u64::from_le_bytes(word);
            self.found = zeros(w ^ (ONES * u64::from(b','))) | zeros(w ^ (ONES * u64::from(b'\n')));
            self.next += 8;
        }
        let byte = self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(self.next - 8 + byte)
    }
}

/// Whether a field is blank as the csv path sees it (every byte ASCII white space).
fn blank(field: &str) -> bool {
    field.bytes().all(|b| b.is_ascii_whitespace())
}

/// `str::trim`, without looking at the characters of a field that starts and ends with a visible
/// ASCII character (almost every field).
fn trim(field: &str) -> &str {
    match field.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => field,
        [only] if only.is_ascii_graphic() => field,
        _ => field.trim(),
    }
}

/// Powers of ten, all exact as `f64`.
const TENS: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// A finite number in `[min, max]` as the general reader takes it (`str::parse::<f64>`), with a
/// shortcut for plain decimals `[-]ddd[.ddd]` of at most 15 digits: their digits as an integer and
/// the power of ten are both exact as `f64`, so one division (correctly rounded) gives the correctly
/// rounded value, the one `str::parse` gives.
pub(crate) fn number(s: &str, min: f64, max: f64) -> Option<f64> {
    let (negative, unsigned) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let (whole, fraction) = match unsigned.iter().position(|&b| b == b'.') {
        Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
        None => (unsigned, None),
    };
    let fraction_digits = fraction.unwrap_or_default();
    let plain = !whole.is_empty()
        && fraction.is_none_or(|f| !f.is_empty())
        && whole.len() + fraction_digits.len() <= 15
        && whole.iter().chain(fraction_digits).all(u8::is_ascii_digit);
    let value = if plain {
        let digits = whole.iter().chain(fraction_digits).fold(0u64, |m, &d| m * 10 + u64::from(d - b'0'));
        let magnitude = digits as f64 / TENS[fraction_digits.len()];
        if negative { -magnitude } else { magnitude }
    } else {
        s.parse::<f64>().ok()?
    };
    (value.is_finite() && value >= min && value <= max).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_parse_as_str_parse() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let r = next();
            let whole = r % 10u64.pow((r >> 40) as u32 % 9);
            let places = (r >> 50) as usize % 9;
            let fraction = next() % 10u64.pow(places as u32);
            let sign = if r & 1 == 1 { "-" } else { "" };
            let s = if places == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction:0places$}") };
            assert_eq!(number(&s, -1e12, 1e12), s.parse::<f64>().ok().filter(|v| v.abs() <= 1e12), "{s}");
        }
        for s in [
            "",
            "-",
            ".",
            ".5",
            "5.",
            "1e3",
            "+2",
            "-0",
            "0.0000000000000001",
            "1234567890123456",
            "nan",
            "inf",
            " 1",
            "1000000.0000001",
            "000.5",
            "1.2.3",
            "0x1",
            "٣",
            "--1",
            "-.5",
        ] {
            let want = s.parse::<f64>().ok().filter(|v| v.is_finite() && v.abs() <= 1e12);
            assert_eq!(number(s, -1e12, 1e12).map(f64::to_bits), want.map(f64::to_bits), "{s:?}");
        }
        assert_eq!(number("2", 0.0, 1.0), None);
        assert_eq!(number("-0.5", 0.0, 1.0), None);
    }

    #[test]
    fn delimiters_are_the_commas_and_line_feeds() {
        let mut text = Vec::new();
        let mut seed = 5u64;
        for len in 0..300 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let alphabet = [b',', b'\n', b'\r', b'a', 0, 0x2c + 0x80, 0x0a + 0x80, 0xff, 0x2b, 0x2d, 0x0b, 0x09];
            text.push(alphabet[(seed >> 40) as usize % alphabet.len()]);
            let expected: Vec<usize> = (0..text.len()).filter(|&i| text[i] == b',' || text[i] == b'\n').collect();
            assert_eq!(Delimiters::new(&text).collect::<Vec<_>>(), expected, "{len}");
        }
    }

    #[test]
    fn rows_as_the_csv_reader_reads_them() {
        let text = "\u{feff} Partner ,,PROJECT,score\r\n q1 ,x,p1,0.5\r\n\r\n,,,\r\nq2,y,p 2,-3e2";
        let plain = Plain::of(text.as_bytes(), &["project", "partner", "score"], &["project", "partner"]).unwrap();
        for parts in 1..4 {
            let mut rows = Vec::new();
            for piece in plain.pieces(parts, 1) {
                plain
                    .rows(piece, |v| {
                        rows.push(*v);
                        Some(())
                    })
                    .unwrap();
            }
            assert_eq!(rows, vec![[Some("p1"), Some("q1"), Some("0.5")], [Some("p 2"), Some("q2"), Some("-3e2")]]);
        }
    }

    #[test]
    fn pieces_keep_whole_lines() {
        let plain = Plain::of(b"a,b,c\na,b,1\nc,d,2\r\ne,f,3\n", &["a", "b", "c"], &[]).unwrap();
        for min in 1..8 {
            for parts in 1..5 {
                let pieces = plain.pieces(parts, min);
                assert_eq!(pieces.concat(), plain.body());
                assert!(pieces.iter().all(|p| p.ends_with(b"\n")), "{pieces:?}");
            }
        }
    }

    #[test]
    fn anything_unusual_is_refused() {
        let known = ["a", "b"];
        for bad in ["", "\n", "a,\"b\"\n1,2\n", "a,a\n1,2\n", "a,c\n1,2\n", "b\n1\n", "a,b\r1,2\n", "\u{ff}"] {
            assert!(Plain::of(bad.as_bytes(), &known, &["a", "b"]).is_none(), "{bad:?}");
        }
        assert!(Plain::of(b"\xff,b\n1,1\n", &known, &[]).is_none());
        let plain = Plain::of(b"a,b\n1,2\n", &known, &[]).unwrap();
        for bad in ["1,2,3\n", "1\n", "\"1\",2\n", "1\r,2\n"] {
            assert!(plain.rows(bad.as_bytes(), |_| Some(())).is_none(), "{bad:?}");
        }
        assert!(plain.rows(b"1,2\n", |_| None).is_none());
        assert!(plain.rows(b"\xff,2\n", |_| Some(())).is_none());
    }
}
