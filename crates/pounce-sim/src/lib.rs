//! # pounce-sim
//!
//! Seeded generation of realistic Pounce instances: institutions posting projects, and a pool of
//! industry partners around them, for tests, benchmarks, experiments and sample data. The same
//! [`GeneratorConfig`] always gives the same [`pounce::Term`] (ChaCha8 streams seeded with
//! [`GeneratorConfig::seed`], no hash-map iteration, single-threaded), and everything generated
//! reads back unchanged through `pounce::input` (one exception: a [`GeneratorConfig::near`] city
//! that is a less populous namesake, such as "Portland, ME, US", is written with its admin code
//! and reads back with the right coordinates but the label "Portland, US").
//!
//! ```
//! use pounce::input::{read_partners_csv, Reference};
//! use pounce::output::write_partners_csv;
//! use pounce_sim::{generate, GeneratorConfig};
//!
//! let near = ["Eindhoven, NL", "Lyon, FR"]
//!     .map(|c| pounce::Gazetteer::bundled().resolve(c).unwrap().clone())
//!     .to_vec();
//! let config = GeneratorConfig { near, ..GeneratorConfig::new(16, 100, 2027) };
//! let term = generate(&config);
//! assert_eq!(term.projects[0].institution, term.projects[2].institution); // 2 institutions, round-robin
//! assert_eq!(term.projects[0].location.place, "Eindhoven, NL");
//!
//! // What is generated is valid input.
//! let mut csv = Vec::new();
//! write_partners_csv(&mut csv, "partners.csv", &term.partners)?;
//! let back = read_partners_csv(csv.as_slice(), "partners.csv", Reference::bundled())?;
//! assert_eq!(back, term.partners);
//! # Ok::<(), pounce::Error>(())
//! ```
//!
//! ## The model
//!
//! Data are compiled in: SUSB 2021 firm counts (`datasets/firm-size`), O*NET-derived skills by
//! sector (`datasets/skills/sector_skills.csv`), NAICS 2022 ([`pounce::Naics::bundled`]) and the
//! GeoNames cities of 15,000+ people ([`pounce::Gazetteer::bundled`]). Only cities whose
//! `"Name, CC"` label reads back as themselves are used (a less populous namesake would resolve to
//! its bigger twin).
//!
//! The shares, ranges and probabilities below that are not read from the bundled data are the
//! defaults of [`mix::PartnerMix`] and [`mix::ProjectMix`]; a scenario's `[partners]` and `[projects]`
//! tables override any of them ([`GeneratorConfig::partner_mix`], [`GeneratorConfig::project_mix`]).
//!
//! - **Institutions** (count: [`GeneratorConfig::institution_count`]): placed in the
//!   [`GeneratorConfig::near`] cities, cycled, or else drawn from cities of 100,000+ people
//!   weighted by population (distinct while possible). Kinds cycle in this order, each with focus
//!   NAICS prefixes (relative weights) and an invented name:
//!   1. technical university: 5415 ×3, 5413 ×2, 5417, 51 ×2, 333, 334, 336 (sectors 54, 51,
//!      31-33); "`<City>` Polytechnic Institute", ...;
//!   2. art school: 5414 ×4 (541430 graphic design...), 5418, 71 ×2, 512, 513; "`<City>` School
//!      of Art and Design", ...;
//!   3. comprehensive university: 11 ×3, 92 ×2, 62 ×2, 54 ×2; "`<City>` Regional University",
//!      ...;
//!   4. community college: 62 ×3, 23 ×3, 81 ×2, 44, 45; "`<City>` Community College", ...;
//!   5. coding bootcamp: 5415 ×4, 51 ×3, 52 ×2; "`<City>` Code Academy", ....
//!
//!   With `near` = Eindhoven, Lyon, Guelph, Denver, Vancouver this reproduces the kinds of the
//!   sample term (`datasets/sample`). Names of institutions and organisations are invented; any
//!   resemblance to a real one is accidental.
//! - **Partners**, independently of each other:
//!   - *city*: with probability [`GeneratorConfig::local_share`] (default 0.7) a city within
//!     150 km of a uniformly drawn institution, otherwise any city of that institution's country;
//!     both weighted by population;
//!   - *sector*: drawn by firm counts, see [`generate::sector_shares`]: SUSB 2021 national
//!     `01: Total` firms for 16 sectors; for 31-33, 44-45 and 48-49 (missing from the SUSB
//!     extract) an **employment-based guess** (their combined SUSB employment, split by rough BLS
//!     employment and divided by the economy-wide employees per firm); for 92 (outside SUSB) the
//!     number of U.S. governments; sector 99 is left out;
//!   - *size*: a SUSB size class from the sector's distribution of firms over classes
//!     <5, 5-9, 10-19, 20-99, 100-499, 500+ (the `Total` row's for the fallback sectors), then
//!     employees log-uniform inside it (500+: 500–20,000; <5: 1–4). Micro firms dominate (about
//!     80 % have fewer than 10 employees), as in the data;
//!   - *industries*: 1 (60 %) or 2 six-digit NAICS codes of the sector, uniformly;
//!   - *skills*: 5–12 distinct tags of the sector, drawn without replacement with weight ∝ the
//!     file's weight × [`generate::specificity`] `1 − (n / 21)³`, `n` the number of sectors listing
//!     the tag: office software listed by every sector keeps 14 % of its weight (about a fifth of
//!     partners list "microsoft excel"), `sql` (18 sectors) 37 %, `python` (11) 86 %. The
//!     logarithmic `ln(21 / n)` was tried and rejected: it all but removes `sql` and lets
//!     one-sector tags (niche vendor products, hand-assigned knowledge areas) crowd out the rest;
//!   - *capacity, mentor hours, contacts* rise with the size class: capacity 1–2 for <5 up to 3–8
//!     for 500+, hours 1–4 up to 6–20 a week (half hours), contacts 1–2 up to 3–6;
//!   - *frameworks*: 95 % accept PBL (ranges such as 6-16 or 4-20 weeks), apprenticeship with
//!     probability 3 % (<5) rising to 50 % (500+), co-design 8 % to 30 %; PBL is first in the
//!     preference order 85 % of the time; every partner accepts at least one;
//!   - *IP*: student 85 %, partner 45 %, open 30 % (at least one);
//!   - *remote*: 60 % in sectors 51 and 54, 35 % elsewhere;
//!   - *availability* (relative to [`GeneratorConfig::start`]): 55 % open, 30 % a window
//!     covering the term, 10 % ending 4–12 weeks into the term, 5 % starting 2–17 weeks late;
//!   - *status*: 80 % active, 10 % prospect, 8 % lapsed, 2 % declined;
//!   - *name*: invented syllables + a sector word + a legal form of the country
//!     ("Kelbrook Analytics B.V."); public administration: "`<City>` Planning Department"...;
//!     ids `Q000001`... ([`GeneratorConfig::id_prefix`], at least six digits).
//! - **Projects**: project `n` belongs to institution `(n - 1) % count` (round-robin);
//!   industries 1–2 codes of 4 to 6 digits under the institution's focus prefixes; 3–6 skill tags
//!   drawn like partners' from the first code's sector (the first with weight 2 half of the
//!   time, the others 15 %); framework PBL 80 % (6–16 weeks), apprenticeship 10 % (26–52),
//!   co-design 10 % (12–40); start = term start + 0–3 weeks; mentor hours 1–6; team 1–6 (1–2 for
//!   apprenticeships); location the institution's city; remote 50 %; max_km 25–200; size `any`
//!   60 % (else each band 10 %); IP student 65 %, open 20 %, partner 15 %; 15 % have one or two
//!   hard constraints (`must`) among location, ip and framework; title: an activity and the
//!   first industry ("Process improvement study for graphic design services", "Apprenticeship in
//!   ..."). Ids `P000001`....
//!
//! A referral network around any term (alumni, advisers, business associations, past projects and
//! referrals, named so that the engine can join it to the term) comes from
//! [`generate_referrals`]; see [`referrals`] for its conventions and model.
//!
//! Experiments compare matching strategies side by side over seeds: a [`Scenario`] (read from
//! TOML, `datasets/scenarios/term.toml`) describes the term, referrals, weights and constraints;
//! [`run_experiment`] runs every strategy on every seed (in parallel, with results identical on any
//! number of threads) and [`summarise`] gives means and 95 % confidence intervals; see
//! [`experiment`].
//!
//! To grow a partner pool, call [`generate_partners`] with another seed and
//! [`GeneratorConfig::id_prefix`], so that ids do not collide.
//!
//! Partners, projects and institutions use separate random streams: the partners of a config do
//! not depend on the number of projects (beyond the institution count), and the first `n`
//! partners or projects do not depend on how many are generated.

pub mod charts;
pub mod experiment;
pub mod generate;
pub mod mix;
mod random;
pub mod referrals;
pub mod scenario;
pub mod simulate;

pub use experiment::{
    Experiment, MetricSummary, ResultRow, builtin_strategies, run_experiment, summarise, write_report_markdown,
    write_results_csv, write_summary_json,
};
pub use generate::{GeneratorConfig, Institution, generate, generate_partners};
pub use mix::{PartnerMix, ProjectMix};
pub use referrals::{ReferralConfig, generate_referrals};
pub use scenario::{RecommendationShape, ReferralShape, Scenario, SimulationShape, TermShape};
pub use simulate::{TermStats, simulate};
