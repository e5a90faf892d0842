//! Stable matching (hospital–residents). Being written.

use super::{Assignment, Market, Proposer};

/// Deferred acceptance.
pub fn deferred_acceptance(market: &Market, _proposer: Proposer) -> Assignment {
    Assignment::empty(market.projects.len())
}
