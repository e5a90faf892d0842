//! Id → index tables for the fast paths of large market files, where millions of rows name a
//! million ids in no particular order and a look-up through a pointer to the id's text costs a cache
//! miss of its own.
//!
//! An id is looked up by its [`Key`]: ids that end in a number (`P17`, `TU-0042`) with the same
//! prefix as the first id of the table index an array by that number, other ids of at most 15 bytes
//! a hash table by their bytes held inline, and longer ids a hash table of the text. The key is a
//! function of the id's text alone (the same id always has the same key, two ids never share one),
//! so the tables are an exact map of ids, whatever the mix of ids.

use rustc_hash::FxHashMap;

/// How the numbered ids of a table look: the prefix before the number, and whether the numbers
/// have a fixed number of digits (zero-padded, like `TU-01`) or none but significant ones (`P1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Numbering<'a> {
    prefix: &'a str,
    /// `Some(width)`: exactly `width` digits; `None`: no leading zero (except `0` itself).
    width: Option<usize>,
    /// Numbers at or above this are looked up as text (an array of slots costs memory).
    limit: u32,
}

impl<'a> Numbering<'a> {
    /// The numbering of `id` (its trailing digits and what comes before), when it ends in at most
    /// nine digits; numbers from `limit` up are not numbered.
    pub(super) fn of(id: &'a str, limit: u32) -> Option<Numbering<'a>> {
        let b = id.as_bytes();
        let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let (prefix, number) = (&id[..id.len() - digits], &b[b.len() - digits..]);
        let width = (number.len() > 1 && number[0] == b'0').then_some(digits);
        Some(Numbering { prefix, width, limit })
    }

    /// The id numbered `n`.
    pub(super) fn id(&self, n: u32) -> String {
        let prefix = self.prefix;
        match self.width {
            Some(w) => format!("{prefix}{n:0w$}"),
            None => format!("{prefix}{n}"),
        }
    }

    /// The number of `id` in this numbering, if it has one.
    #[inline]
    fn number(&self, id: &[u8]) -> Option<u32> {
        let rest = id.strip_prefix(self.prefix.as_bytes())?;
        let ok = match self.width {
            Some(w) => rest.len() == w,
            None => !rest.is_empty() && rest.len() <= 9 && (rest[0] != b'0' || rest.len() == 1),
        };
        if !ok {
            return None;
        }
        let mut n = 0u32;
        for &c in rest {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        (n < self.limit).then_some(n)
    }
}

/// How an id is looked up (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key<'a> {
    /// The id's number in the table's numbering.
    Number(u32),
    /// An id of at most 15 bytes: its bytes and its length.
    Short(u128),
    /// A longer id.
    Long(&'a str),
}

/// The key of `id` under `numbering`.
#[inline]
pub(super) fn key<'a>(id: &'a str, numbering: Option<&Numbering<'_>>) -> Key<'a> {
    if let Some(n) = numbering.and_then(|n| n.number(id.as_bytes())) {
        return Key::Number(n);
    }
    let b = id.as_bytes();
    if b.len() < 16 {
        let mut bytes = [0u8; 16];
        bytes[..b.len()].copy_from_slice(b);
        bytes[15] = b.len() as u8;
        Key::Short(u128::from_le_bytes(bytes))
    } else {
        Key::Long(id)
    }
}

/// A map of ids (by [`Key`]) to indices `0..len` in order of insertion.
#[derive(Debug, Default)]
pub(super) struct IdIndex<'a> {
    /// `numbered[n]` is the index of the id numbered `n`, or `u32::MAX`.
    numbered: Vec<u32>,
    short: FxHashMap<u128, u32>,
    long: FxHashMap<&'a str, u32>,
    len: u32,
}

impl<'a> IdIndex<'a> {
    /// The index of the id with this key.
    #[inline]
    pub(super) fn get(&self, key: Key<'a>) -> Option<u32> {
        match key {
            Key::Number(n) => self.numbered.get(n as usize).copied().filter(|&i| i != u32::MAX),
            Key::Short(k) => self.short.get(&k).copied(),
            Key::Long(s) => self.long.get(s).copied(),
        }
    }

    /// The index of the id with this key, and whether it is new (it then gets the next index).
    #[inline]
    pub(super) fn insert(&mut self, key: Key<'a>) -> (u32, bool) {
        let next = self.len;
        let slot = match key {
            Key::Number(n) => {
                let n = n as usize;
                if n >= self.numbered.len() {
                    let len = (n + 1).max(self.numbered.len() * 2);
                    self.numbered.resize(len, u32::MAX);
                }
                let slot = &mut self.numbered[n];
                if *slot == u32::MAX {
                    *slot = next;
                }
                *slot
            }
            Key::Short(k) => *self.short.entry(k).or_insert(next),
            Key::Long(s) => *self.long.entry(s).or_insert(next),
        };
        let new = slot == next;
        if new {
            self.len += 1;
        }
        (slot, new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_ids_apart() {
        let ids = [
            "P1",
            "P01",
            "P001",
            "P10",
            "P0",
            "P00",
            "P",
            "Q1",
            "1",
            "",
            "P1x",
            "P123456789",
            "P1234567890",
            "p1",
            "P-1",
            "a long id of more than fifteen bytes",
            "exactly15bytes!",
            "exactly 16 bytes",
        ];
        for numbering in [None, Numbering::of("P7", 1000), Numbering::of("P07", 1000), Numbering::of("P7", 5)] {
            let mut index = IdIndex::default();
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(index.insert(key(id, numbering.as_ref())), (i as u32, true), "{id:?} {numbering:?}");
            }
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(index.insert(key(id, numbering.as_ref())), (i as u32, false));
                assert_eq!(index.get(key(id, numbering.as_ref())), Some(i as u32));
            }
            assert_eq!(index.get(key("P2", numbering.as_ref())), None);
            assert_eq!(index.len as usize, ids.len());
        }
    }

    #[test]
    fn numbering() {
        let n = Numbering::of("TU-0042", 100).expect("numbered");
        assert_eq!((n.number(b"TU-0007"), n.number(b"TU-7"), n.number(b"TU-0100")), (Some(7), None, None));
        assert_eq!(n.id(7), "TU-0007");
        let n = Numbering::of("P0", 1 << 20).expect("numbered");
        assert_eq!((n.number(b"P0"), n.number(b"P00"), n.number(b"P12")), (Some(0), None, Some(12)));
        assert_eq!(n.id(12), "P12");
        assert_eq!(Numbering::of("P", 10), None);
        assert_eq!(Numbering::of("P1234567890", 10), None);
    }
}
