//! Reference tables compiled into the library, so that the engine needs no data path at run time.
//! Their sources and licences are in `datasets/*/README.md`.

/// NAICS 2022 codes and titles (`datasets/industry/naics2022.csv`, U.S. public domain).
pub(crate) const NAICS_CSV: &str = include_str!("../data/industry/naics2022.csv");

/// GeoNames cities of 15,000 people or more (`datasets/cities/cities15000.csv`, CC BY 4.0).
pub(crate) const CITIES_CSV: &str = include_str!("../data/cities/cities15000.csv");
