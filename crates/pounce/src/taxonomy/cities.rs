//! The gazetteer: real cities with coordinates, country and IANA time zone, resolved from the
//! `"Name, CC"` (or `"Name, Admin1, CC"`) strings users write.

use std::collections::HashMap;

use chrono_tz::Tz;

/// A city of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// GeoNames id.
    pub geonameid: u32,
    /// Name as spelled by GeoNames.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// GeoNames first-level administrative code (the state for the US).
    pub admin1: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Population.
    pub population: u64,
    /// IANA time zone.
    pub timezone: Tz,
}

impl City {
    /// `"Name, CC"`, the form users write.
    pub fn label(&self) -> String {
        format!("{}, {}", self.name, self.country)
    }
}

/// A searchable list of cities.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    cities: Vec<City>,
    by_name: HashMap<(String, String), Vec<usize>>,
}

fn key(name: &str, country: &str) -> (String, String) {
    (name.trim().to_lowercase(), country.trim().to_uppercase())
}

impl Gazetteer {
    /// Builds a gazetteer from the bundled CSV layout
    /// (`geonameid,name,latitude,longitude,countrycode,admin1code,population,timezone`).
    pub fn from_csv(text: &str) -> Result<Self, String> {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut cities = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let row = i + 2;
            let rec = rec.map_err(|e| format!("cities row {row}: {e}"))?;
            let field = |j: usize| rec.get(j).unwrap_or("");
            let bad = |what: &str| format!("cities row {row}: bad {what}");
            cities.push(City {
                geonameid: field(0).parse().map_err(|_| bad("geonameid"))?,
                name: field(1).to_owned(),
                lat: field(2).parse().map_err(|_| bad("latitude"))?,
                lon: field(3).parse().map_err(|_| bad("longitude"))?,
                country: field(4).to_owned(),
                admin1: field(5).to_owned(),
                population: field(6).parse().map_err(|_| bad("population"))?,
                timezone: field(7).parse().map_err(|_| bad("timezone"))?,
            });
        }
        Ok(Self::from_cities(cities))
    }

    /// Builds a gazetteer from cities; among namesakes the most populous is resolved first.
    pub fn from_cities(cities: Vec<City>) -> Self {
        let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, c) in cities.iter().enumerate() {
            by_name.entry(key(&c.name, &c.country)).or_default().push(i);
        }
        for v in by_name.values_mut() {
            v.sort_by(|&a, &b| {
                cities[b].population.cmp(&cities[a].population).then(cities[a].geonameid.cmp(&cities[b].geonameid))
            });
        }
        Gazetteer { cities, by_name }
    }

    /// The bundled GeoNames cities of 15,000 people or more, parsed once.
    pub fn bundled() -> &'static Gazetteer {
        static CELL: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        CELL.get_or_init(|| Gazetteer::from_csv(crate::bundled::CITIES_CSV).expect("the bundled cities table is valid"))
    }

    /// All cities.
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// Resolves `"Name, CC"` or `"Name, Admin1, CC"` (case-insensitive). Among namesakes in one
    /// country the most populous wins unless the admin1 code names another.
    ///
    /// ```
    /// let g = pounce::Gazetteer::bundled();
    /// let c = g.resolve("toronto, ca").unwrap();
    /// assert_eq!(c.name, "Toronto");
    /// assert_eq!(c.timezone.name(), "America/Toronto");
    /// assert!(g.resolve("Atlantis, XX").is_err());
    /// ```
    pub fn resolve(&self, text: &str) -> Result<&City, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let (name, admin1, country) = match parts.as_slice() {
            [n, c] => (*n, None, *c),
            [n, a, c] => (*n, Some(*a), *c),
            _ => {
                return Err(format!("\"{text}\" is not a city written as \"Name, CC\" (e.g. \"Toronto, CA\")"));
            }
        };
        if country.len() != 2 {
            return Err(format!("\"{country}\" in \"{text}\" is not a two-letter country code"));
        }
        let Some(found) = self.by_name.get(&key(name, country)) else {
            return Err(match self.suggest(name, country) {
                Some(s) => format!("unknown city \"{text}\" (did you mean \"{s}\"?)"),
                None => format!("unknown city \"{text}\""),
            });
        };
        match admin1 {
            None => Ok(&self.cities[found[0]]),
            Some(a) => found
                .iter()
                .map(|&i| &self.cities[i])
                .find(|c| c.admin1.eq_ignore_ascii_case(a))
                .ok_or_else(|| format!("no city \"{name}\" in admin area \"{a}\" of {country}")),
        }
    }

    /// The label that resolves back to this city: `"Name, CC"`, or `"Name, Admin1, CC"` when a more
    /// populous namesake in the same country would be found first.
    ///
    /// ```
    /// let g = pounce::Gazetteer::bundled();
    /// let maine = g.resolve("Portland, ME, US").unwrap();
    /// assert_eq!(g.label(maine), "Portland, ME, US");
    /// assert_eq!(g.label(g.resolve("Portland, US").unwrap()), "Portland, US");
    /// ```
    pub fn label(&self, city: &City) -> String {
        let first = self.by_name.get(&key(&city.name, &city.country)).and_then(|v| v.first());
        match first {
            Some(&i) if self.cities[i].geonameid != city.geonameid => {
                format!("{}, {}, {}", city.name, city.admin1, city.country)
            }
            _ => city.label(),
        }
    }

    fn suggest(&self, name: &str, country: &str) -> Option<String> {
        let lower = name.to_lowercase();
        let country = country.to_uppercase();
        self.cities
            .iter()
            .filter(|c| c.country == country)
            .map(|c| (strsim::jaro_winkler(&lower, &c.name.to_lowercase()), c))
            .filter(|(s, _)| *s >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.population.cmp(&b.1.population)))
            .map(|(_, c)| c.label())
    }

    /// The city nearest to a point (used to derive a time zone from coordinates).
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<&City> {
        self.cities
            .iter()
            .map(|c| (crate::geo::haversine_km(lat, lon, c.lat, c.lon), c))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.geonameid.cmp(&b.1.geonameid)))
            .map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_namesakes_by_population_and_admin1() {
        let g = Gazetteer::bundled();
        assert!(g.cities().len() > 30_000);
        let portland = g.resolve("Portland, US").unwrap();
        assert_eq!(portland.admin1, "OR");
        assert_eq!(g.resolve("Portland, ME, US").unwrap().admin1, "ME");
        let err = g.resolve("Torontoo, CA").unwrap_err();
        assert!(err.contains("did you mean \"Toronto, CA\""), "{err}");
        assert!(g.resolve("Toronto").is_err());
    }

    #[test]
    fn nearest_city_gives_a_time_zone() {
        let g = Gazetteer::bundled();
        let c = g.nearest(52.37, 4.89).unwrap();
        assert_eq!(c.timezone.name(), "Europe/Amsterdam");
    }
}
