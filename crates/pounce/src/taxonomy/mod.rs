//! Reference data: industries (NAICS 2022), cities (GeoNames) and skill tags.

pub mod cities;
pub mod naics;
pub mod skills;
