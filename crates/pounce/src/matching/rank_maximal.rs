//! Rank-maximal matching. Being written.

use super::{Assignment, Market};

/// Rank-maximal matching.
pub fn rank_maximal(market: &Market) -> Assignment {
    Assignment::empty(market.projects.len())
}
