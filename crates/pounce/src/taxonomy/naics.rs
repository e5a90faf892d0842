//! The NAICS 2022 industry taxonomy and the hierarchy similarity between two codes.

use std::collections::HashMap;
use std::fmt;

/// A validated NAICS 2022 code of 2 to 6 digits (`54`, `5415`, `541511`).
///
/// The sector ranges of NAICS (31-33 manufacturing, 44-45 retail, 48-49 transportation) count as one
/// sector: `311` and `325` share their sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode {
    digits: [u8; 6],
    len: u8,
}

impl IndustryCode {
    /// Parses the digits of a code without checking that the taxonomy has it (see [`Naics::code`]).
    ///
    /// ```
    /// use pounce::IndustryCode;
    /// assert!(IndustryCode::parse("541511").is_some());
    /// assert!(IndustryCode::parse("5").is_none());
    /// assert!(IndustryCode::parse("54a").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if !(2..=6).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut digits = [0u8; 6];
        for (d, c) in digits.iter_mut().zip(b) {
            *d = c - b'0';
        }
        Some(IndustryCode { digits, len: b.len() as u8 })
    }

    /// Number of digits, 2 to 6.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a code has at least two digits. (Present for clippy's `len_without_is_empty`.)
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The sector as written in the taxonomy: `54`, or a range such as `31-33`.
    pub fn sector(&self) -> &'static str {
        match self.digits[0] * 10 + self.digits[1] {
            31..=33 => "31-33",
            44 | 45 => "44-45",
            48 | 49 => "48-49",
            n => SECTORS.iter().find(|s| s.parse::<u8>() == Ok(n)).copied().unwrap_or("??"),
        }
    }

    fn sector_key(&self) -> u8 {
        match self.digits[0] * 10 + self.digits[1] {
            31..=33 => 31,
            44 | 45 => 44,
            48 | 49 => 48,
            n => n,
        }
    }

    /// Levels of the hierarchy the two codes share: 0 (different sectors) up to 5 (the same 6-digit code).
    pub fn shared_levels(&self, other: &IndustryCode) -> usize {
        if self.sector_key() != other.sector_key() {
            return 0;
        }
        let min = self.len.min(other.len) as usize;
        let mut shared = 1;
        if self.digits[..2] != other.digits[..2] {
            return shared;
        }
        for i in 2..min {
            if self.digits[i] != other.digits[i] {
                break;
            }
            shared += 1;
        }
        shared
    }

    /// Hierarchy similarity in [0, 1]: the levels two codes share over the levels of the shorter
    /// one. A code is fully similar to every code below it (`54` and `541511` give 1), siblings deep
    /// in the tree are close (`541511` and `541512` give 0.8) and different sectors give 0.
    ///
    /// ```
    /// use pounce::IndustryCode;
    /// let c = |s| IndustryCode::parse(s).unwrap();
    /// assert_eq!(c("541511").similarity(&c("541511")), 1.0);
    /// assert_eq!(c("541511").similarity(&c("541512")), 0.8);
    /// assert_eq!(c("54").similarity(&c("541511")), 1.0);
    /// assert_eq!(c("54").similarity(&c("11")), 0.0);
    /// assert_eq!(c("311").similarity(&c("325")), 0.5); // both manufacturing (31-33)
    /// ```
    pub fn similarity(&self, other: &IndustryCode) -> f64 {
        let levels = (self.len.min(other.len) - 1) as f64;
        self.shared_levels(other) as f64 / levels
    }

    /// True when `self` is `other` or one of its ancestors (`54` covers `541511`).
    pub fn covers(&self, other: &IndustryCode) -> bool {
        self.len <= other.len && self.digits[..self.len()] == other.digits[..self.len()]
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.digits[..self.len()] {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for IndustryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

const SECTORS: [&str; 20] = [
    "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55", "56", "61", "62", "71",
    "72", "81", "92",
];

/// One entry of the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct NaicsEntry {
    /// The code.
    pub code: IndustryCode,
    /// Its official title.
    pub title: String,
}

/// The NAICS 2022 taxonomy: every valid code with its title.
#[derive(Debug, Clone, Default)]
pub struct Naics {
    entries: HashMap<IndustryCode, String>,
}

impl Naics {
    /// Builds the taxonomy from the CSV of the bundled dataset (`code,title,level,parent,sector`).
    pub fn from_csv(text: &str) -> Result<Self, String> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut entries = HashMap::new();
        for (i, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| format!("NAICS table row {}: {e}", i + 2))?;
            let (Some(code), Some(title)) = (rec.get(0), rec.get(1)) else {
                return Err(format!("NAICS table row {}: missing code or title", i + 2));
            };
            // Sector ranges such as `31-33` stand for each of their two-digit codes.
            let codes: Vec<IndustryCode> = match code.split_once('-') {
                Some((a, b)) => match (a.parse::<u8>(), b.parse::<u8>()) {
                    (Ok(a), Ok(b)) if a <= b => (a..=b).filter_map(|n| IndustryCode::parse(&n.to_string())).collect(),
                    _ => vec![],
                },
                None => IndustryCode::parse(code).into_iter().collect(),
            };
            if codes.is_empty() {
                return Err(format!("NAICS table row {}: bad code \"{code}\"", i + 2));
            }
            for c in codes {
                entries.insert(c, title.trim().to_owned());
            }
        }
        Ok(Naics { entries })
    }

    /// The bundled NAICS 2022 taxonomy (2,125 codes; the sector ranges `31-33`, `44-45` and `48-49`
    /// are entered as each of their two-digit codes), parsed once.
    pub fn bundled() -> &'static Naics {
        static CELL: std::sync::OnceLock<Naics> = std::sync::OnceLock::new();
        CELL.get_or_init(|| Naics::from_csv(crate::bundled::NAICS_CSV).expect("the bundled NAICS table is valid"))
    }

    /// Resolves a code written by a user; `None` when it is not a NAICS 2022 code.
    ///
    /// ```
    /// let naics = pounce::Naics::bundled();
    /// assert!(naics.code("541511").is_some());
    /// assert!(naics.code("999999").is_none());
    /// ```
    pub fn code(&self, s: &str) -> Option<IndustryCode> {
        IndustryCode::parse(s.trim()).filter(|c| self.entries.contains_key(c))
    }

    /// The official title of a code.
    pub fn title(&self, code: &IndustryCode) -> Option<&str> {
        self.entries.get(code).map(String::as_str)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the taxonomy has no codes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All codes, sorted.
    pub fn codes(&self) -> Vec<IndustryCode> {
        let mut v: Vec<_> = self.entries.keys().copied().collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    #[test]
    fn bundled_has_every_code() {
        let n = Naics::bundled();
        assert_eq!(n.len(), 2125 + 4); // the ranges 31-33, 44-45, 48-49 give 7 two-digit codes
        assert!(n.code("32").is_some());
        assert_eq!(n.title(&c("541511")), Some("Custom Computer Programming Services"));
    }

    #[test]
    fn similarity_follows_the_hierarchy() {
        assert_eq!(c("11").similarity(&c("11")), 1.0);
        assert_eq!(c("5415").similarity(&c("5416")), 2.0 / 3.0);
        assert_eq!(c("441").similarity(&c("452")), 0.5);
        assert_eq!(c("48").similarity(&c("49")), 1.0);
        assert_eq!(c("111").similarity(&c("921")), 0.0);
        assert!(c("54").covers(&c("541511")));
        assert!(!c("541511").covers(&c("54")));
        assert_eq!(c("33").sector(), "31-33");
        assert_eq!(c("92").sector(), "92");
    }
}
