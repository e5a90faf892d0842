//! Referral networks: partners are found through people — alumni, advisers, business associations,
//! past partners who introduce others (seed 001: "success stories become magnets").
//!
//! * [`ReferralGraph`]: institutions, partners and people joined by typed, weighted, dated edges.
//! * [`pagerank`]: personalized PageRank from an institution — how close each node is.
//! * [`paths`]: the strongest warm-introduction paths from an institution to a partner.
//! * [`prospects`]: who to approach this term; [`feedback`]: outcomes back into the network.
//! * [`Referrals`]: closeness of a term's partners to its institutions, the `referral` scoring dimension.

pub mod closeness;
pub mod feedback;
pub mod graph;
pub mod pagerank;
pub mod paths;
pub mod prospects;

pub use closeness::Referrals;
pub use graph::{EdgeKind, EdgeRecord, Link, ReferralGraph, ReferralWeights};
pub use pagerank::{PageRank, PageRankOptions, personalized_pagerank};
pub use paths::{Path, strongest_paths};
