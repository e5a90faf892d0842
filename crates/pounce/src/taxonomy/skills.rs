//! Skill tags: normalisation and fuzzy matching.
//!
//! Users write skills as free tags (`Machine-Learning`, `machine learning`, `PostgreSQL`). A tag is
//! normalised once (lower case, separators `-`, `_`, `/`, `.` and runs of white space folded to
//! one space) and compared in its *squashed* form (spaces removed): equal squashed forms match fully,
//! otherwise the normalised Levenshtein similarity of the squashed forms is the credit, when it
//! reaches a threshold (0.85 by default: `postgressql` meets `postgresql`, `java` does not meet
//! `javascript`).

/// Normalises a tag as users write it.
///
/// ```
/// use pounce::taxonomy::skills::normalize;
/// assert_eq!(normalize("  Machine-Learning "), "machine learning");
/// assert_eq!(normalize("UX/UI  design"), "ux ui design");
/// assert_eq!(normalize("C++"), "c++");
/// ```
pub fn normalize(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut pending_space = false;
    for ch in tag.trim().chars() {
        if ch.is_whitespace() || matches!(ch, '-' | '_' | '/' | '.') {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(ch.to_lowercase());
    }
    out
}

fn squash(tag: &str) -> String {
    tag.chars().filter(|c| *c != ' ').collect()
}

/// Similarity of two *normalised* tags in [0, 1]: 1 when they are the same once spaces are removed,
/// their normalised Levenshtein similarity when that reaches `threshold`, else 0.
///
/// ```
/// use pounce::taxonomy::skills::similarity;
/// assert_eq!(similarity("machine learning", "machinelearning", 0.85), 1.0);
/// assert!(similarity("postgresql", "postgressql", 0.85) > 0.9);
/// assert_eq!(similarity("java", "javascript", 0.85), 0.0);
/// ```
pub fn similarity(a: &str, b: &str, threshold: f64) -> f64 {
    let (a, b) = (squash(a), squash(b));
    if a == b {
        return 1.0;
    }
    let s = strsim::normalized_levenshtein(&a, &b);
    if s >= threshold { s } else { 0.0 }
}

/// The distinct tags of a term, each with an integer id, so that scoring compares ids, not strings.
#[derive(Debug, Clone, Default)]
pub struct SkillVocabulary {
    tags: Vec<String>,
    ids: std::collections::HashMap<String, u32>,
}

impl SkillVocabulary {
    /// An empty vocabulary.
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of a normalised tag, adding it when new.
    pub fn intern(&mut self, tag: &str) -> u32 {
        if let Some(&id) = self.ids.get(tag) {
            return id;
        }
        let id = self.tags.len() as u32;
        self.tags.push(tag.to_owned());
        self.ids.insert(tag.to_owned(), id);
        id
    }

    /// The id of a tag, if known.
    pub fn id(&self, tag: &str) -> Option<u32> {
        self.ids.get(tag).copied()
    }

    /// The tag of an id.
    pub fn tag(&self, id: u32) -> &str {
        &self.tags[id as usize]
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// Every tag of the vocabulary that `tag` matches, with its credit, best first (ties by id).
    pub fn matches(&self, tag: &str, threshold: f64) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = self
            .tags
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let s = similarity(tag, t, threshold);
                (s > 0.0).then_some((i as u32, s))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_is_idempotent() {
        for t in ["A  b", "x-y_z", "Rust", "data.science", "  "] {
            let n = normalize(t);
            assert_eq!(normalize(&n), n);
        }
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn vocabulary_matches_fuzzily() {
        let mut v = SkillVocabulary::new();
        let ml = v.intern("machine learning");
        let _ = v.intern("python");
        let m = v.matches("machinelearning", 0.85);
        assert_eq!(m, vec![(ml, 1.0)]);
        assert!(v.matches("cobol", 0.85).is_empty());
    }
}
