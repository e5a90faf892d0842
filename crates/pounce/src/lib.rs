//! # Pounce
//!
//! Pounce matches institutions' *projects* (capstones, co-ops, apprenticeships: a real problem for
//! a cohort of learners) with industry *partners* (companies, agencies, nonprofits that mentor
//! them). This crate is the engine: domain types, readers for the documented formats, two-sided
//! explained scoring and top-k recommendation. It does no file or terminal I/O of its own: readers
//! and writers take [`std::io::Read`] and [`std::io::Write`], and the `pounce` command-line tool
//! (crate `pounce-cli`) does the rest.
//!
//! ## Quick start
//!
//! ```
//! use pounce::input::{read_partners_csv, read_projects_csv, Reference};
//! use pounce::{recommend, Scorer, Side, Term, Weights};
//!
//! let projects = "id,institution,title,industries,skills,framework,weeks,start,city,remote\n\
//!                 P1,Tech U,Fleet telemetry,5415,rust:2;sql,pbl,12,2027-01-11,\"Eindhoven, NL\",true\n";
//! let partners = "id,name,industries,skills,employees,city,remote,mentor_hours,contacts,frameworks\n\
//!                 Q1,Acme Data,541511,rust;sql,40,\"Utrecht, NL\",false,4,2,pbl:6-16\n\
//!                 Q2,Farmco,111,gis,12,\"Lyon, FR\",true,2,1,pbl\n";
//! let reference = Reference::bundled(); // NAICS 2022 and GeoNames cities, compiled in
//! let term = Term {
//!     projects: read_projects_csv(projects.as_bytes(), "projects.csv", reference)?,
//!     partners: read_partners_csv(partners.as_bytes(), "partners.csv", reference)?,
//! };
//! let scorer = Scorer::new(&term, &Weights::default());
//! let recs = recommend(&scorer, 2, Side::Projects, &|_| {});
//! let best = &recs[0].picks[0];
//! assert_eq!(term.partners[best.index].id, "Q1");
//! let why = scorer.explain(0, best.index);
//! assert!(why.summary.starts_with("Acme Data (Utrecht, NL, "));
//! # Ok::<(), pounce::Error>(())
//! ```
//!
//! ## Map
//! * [`model`]: [`Project`], [`Partner`], [`Term`] and their vocabulary.
//! * [`input`]: CSV and JSON readers that report every problem ([`Problem`]) in one pass; scores,
//!   preferences, capacities, assignments and referral files.
//! * [`error`]: [`Error`], [`Problem`] and [`Problems`].
//! * [`taxonomy`]: NAICS codes ([`Naics`]), cities ([`Gazetteer`]), skill tags.
//! * [`geo`]: distances and working-hour overlap across time zones.
//! * [`weights`]: [`Weights`] from TOML.
//! * [`score`]: the per-dimension scorers, [`Scorer`] and [`Explanation`].
//! * [`recommend()`](recommend::recommend): top-k for either side; [`streaming`]: a pool read a
//!   chunk at a time.
//! * [`matching`]: markets, strategies (greedy, rank-sum, optimal, stable, rank-maximal),
//!   constraints, reports, rematching after drop-outs; [`matching::mip`], the exact constrained
//!   `optimal`.
//! * [`referral`]: the referral network, personalized PageRank, warm-introduction paths,
//!   prospects and outcome feedback.
//! * [`metrics`]: what a matching achieves (ranks, stability, fairness, diversity) and how good
//!   recommendations are.
//! * [`output`]: CSV and JSON writers.
//!
//! ## Features
//! * `highs`: the HiGHS MIP solver for constrained `optimal` ([`matching::MipSolver::Highs`]). It
//!   builds C++ with cmake and needs libclang; without it, Pounce's own exact solver takes those
//!   problems, and the crate needs nothing but the Rust toolchain.

pub(crate) mod bundled;
pub mod error;
pub mod geo;
pub mod input;
pub mod matching;
pub mod metrics;
pub mod model;
pub mod output;
pub mod recommend;
pub mod referral;
pub mod score;
pub mod streaming;
pub mod taxonomy;
pub mod weights;

pub use error::{Error, Place, Problem, Problems, Result, toml_problem};
pub use model::{
    CommitmentLevel, Dimension, DimensionSet, Framework, FrameworkOffer, IpPolicy, Location, Partner, PartnerStatus,
    Project, SizeBand, SkillWant, Term,
};
pub use recommend::{Pick, Recommendation, Side, recommend};
pub use score::{Exclusion, Exclusions, Explanation, PairScore, Scorer};
pub use taxonomy::cities::{City, Gazetteer};
pub use taxonomy::naics::{IndustryCode, Naics};
pub use weights::Weights;

/// A small term used by documentation examples (3 projects, 4 partners).
#[doc(hidden)]
pub fn doc_example_term() -> Term {
    let projects = "id,institution,title,industries,skills,framework,weeks,start,city,remote\n\
        P1,Tech U,Telemetry,5415,rust;sql,pbl,12,2027-01-11,\"Eindhoven, NL\",true\n\
        P2,Art School,Brand refresh,54143,adobe illustrator;typography,pbl,8,2027-02-01,\"Lyon, FR\",false\n\
        P3,Agri U,Soil sensing,111,gis;python,codesign,26,2027-03-01,\"Guelph, CA\",true\n";
    let partners = "id,name,industries,skills,employees,city,remote,mentor_hours,contacts,frameworks\n\
        Q1,Acme Data,541511,rust;sql;python,40,\"Utrecht, NL\",true,4,2,pbl:6-16\n\
        Q2,Studio Lumen,541430,adobe illustrator;typography,6,\"Lyon, FR\",false,2,1,pbl\n\
        Q3,Green Acres,111,gis;python,120,\"Guelph, CA\",false,5,3,codesign;pbl\n\
        Q4,Bitwise,5415,python;sql,300,\"Toronto, CA\",true,6,3,pbl;apprenticeship\n";
    let r = input::Reference::bundled();
    Term {
        projects: input::read_projects_csv(projects.as_bytes(), "projects.csv", r).expect("valid example"),
        partners: input::read_partners_csv(partners.as_bytes(), "partners.csv", r).expect("valid example"),
    }
}
