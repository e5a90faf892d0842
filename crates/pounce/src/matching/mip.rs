//! Exact optimal assignment under side constraints, as a mixed-integer program. Being written.

use super::{Assignment, Market, OptimalOptions, Resolved};
use crate::error::{Error, Result};

/// Solves the constrained problem exactly.
pub fn solve(_market: &Market, _c: &Resolved, _options: OptimalOptions) -> Result<Assignment> {
    Err(Error::Unsupported("constrained optimal assignment is not available yet".into()))
}
