//! The seeded instance generator: institutions, their projects, and a pool of partners.
//!
//! See the [crate documentation](crate) for the model. Everything here is deterministic: the same
//! [`GeneratorConfig`] gives the same [`Term`], value for value, on any machine.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::mix::{PartnerMix, ProjectMix, pick_share};
use crate::random::{below, between, chance, cumulative, rng_for};
use chrono::{Days, NaiveDate};
use pounce::taxonomy::skills::normalize;
use pounce::{
    City, Dimension, DimensionSet, Framework, FrameworkOffer, Gazetteer, IndustryCode, IpPolicy, Location, Naics,
    Partner, PartnerStatus, Project, SizeBand, SkillWant, Term,
};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// SUSB 2021, national rows by 2-digit NAICS sector and enterprise size class.
const SUSB_CSV: &str = include_str!("../data/firm-size/susb2021_national_sector_size.csv");
/// `sector,skill,weight`: 64–65 weighted skill tags per NAICS sector (O*NET-derived).
const SECTOR_SKILLS_CSV: &str = include_str!("../data/skills/sector_skills.csv");

/// Parameters of a generated instance.
///
/// ```
/// use pounce_sim::GeneratorConfig;
/// let config = GeneratorConfig { institutions: 3, ..GeneratorConfig::new(24, 200, 7) };
/// assert_eq!(config.id_prefix, "Q");
/// assert_eq!(config.local_share, 0.7);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// Number of projects.
    pub projects: usize,
    /// Number of partners.
    pub partners: usize,
    /// Number of institutions; 0 means automatic: `max(1, projects / 8)` capped at 50, and at
    /// least `near.len()` when `near` is given.
    pub institutions: usize,
    /// The seed: the same seed and parameters give the same term.
    pub seed: u64,
    /// First day of the term; projects start on it or up to three weeks later.
    pub start: NaiveDate,
    /// When non-empty, institutions are placed in these cities (cycled) instead of drawn.
    pub near: Vec<City>,
    /// Share of partners placed within 150 km of an institution; the rest are anywhere in the
    /// institutions' countries. Values outside [0, 1] act as the nearest bound.
    pub local_share: f64,
    /// Partner ids are this prefix followed by a zero-padded number (`Q000001`).
    pub id_prefix: String,
    /// How partners' capacity, hours, frameworks, IP terms, remote work and status are drawn.
    pub partner_mix: PartnerMix,
    /// How projects' frameworks, skills, size and IP preferences and hard constraints are drawn.
    pub project_mix: ProjectMix,
}

impl Default for GeneratorConfig {
    /// 40 projects, 300 partners, automatic institutions, seed 2027, term starting 2027-01-11,
    /// institutions drawn, 70 % local partners, partner ids `Q000001`..., the default
    /// [`PartnerMix`] and [`ProjectMix`].
    fn default() -> Self {
        GeneratorConfig {
            projects: 40,
            partners: 300,
            institutions: 0,
            seed: 2027,
            start: NaiveDate::from_ymd_opt(2027, 1, 11).expect("a valid date"),
            near: Vec::new(),
            local_share: 0.7,
            id_prefix: "Q".to_owned(),
            partner_mix: PartnerMix::default(),
            project_mix: ProjectMix::default(),
        }
    }
}

impl GeneratorConfig {
    /// A configuration with the given counts and seed, the rest as [`GeneratorConfig::default`].
    pub fn new(projects: usize, partners: usize, seed: u64) -> Self {
        GeneratorConfig { projects, partners, seed, ..GeneratorConfig::default() }
    }

    /// The number of institutions actually generated (resolving the automatic 0).
    ///
    /// ```
    /// use pounce_sim::GeneratorConfig;
    /// assert_eq!(GeneratorConfig::new(40, 0, 1).institution_count(), 5);
    /// assert_eq!(GeneratorConfig::new(0, 10, 1).institution_count(), 1);
    /// assert_eq!(GeneratorConfig::new(10_000, 0, 1).institution_count(), 50);
    /// ```
    pub fn institution_count(&self) -> usize {
        if self.institutions > 0 { self.institutions } else { (self.projects / 8).clamp(1, 50).max(self.near.len()) }
    }
}

// ---------------------------------------------------------------------------------------------
// Reference tables
// ---------------------------------------------------------------------------------------------

/// A SUSB enterprise size class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeClass {
    /// The SUSB label, e.g. `"02: <5 employees"`.
    pub label: &'static str,
    /// Fewest employees a generated partner of the class has.
    pub min_employees: u32,
    /// Most employees a generated partner of the class has.
    pub max_employees: u32,
}

/// The six SUSB size classes the generator draws from. The open class 500+ is capped at 20,000
/// employees; `<5` starts at 1 (the readers require at least one employee).
pub const SIZE_CLASSES: [SizeClass; 6] = [
    SizeClass { label: "02: <5 employees", min_employees: 1, max_employees: 4 },
    SizeClass { label: "03: 5-9 employees", min_employees: 5, max_employees: 9 },
    SizeClass { label: "04: 10-19 employees", min_employees: 10, max_employees: 19 },
    SizeClass { label: "06: 20-99 employees", min_employees: 20, max_employees: 99 },
    SizeClass { label: "07: 100-499 employees", min_employees: 100, max_employees: 499 },
    SizeClass { label: "09: 500+ employees", min_employees: 500, max_employees: 20_000 },
];

/// The index in [`SIZE_CLASSES`] of an organisation with `employees` people (0 counts as `<5`).
///
/// ```
/// use pounce_sim::generate::size_class_of;
/// assert_eq!(size_class_of(3), 0);
/// assert_eq!(size_class_of(20), 3);
/// assert_eq!(size_class_of(100_000), 5);
/// ```
pub fn size_class_of(employees: u32) -> usize {
    SIZE_CLASSES.iter().rposition(|c| employees >= c.min_employees).unwrap_or(0)
}

/// Where a sector's firm count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSource {
    /// SUSB 2021, national, size class `01: Total`.
    Susb,
    /// Missing from the SUSB extract (31-33, 44-45, 48-49): an employment-based guess, see
    /// [`sector_shares`].
    EmploymentGuess,
    /// Public administration (92), which SUSB does not cover: the number of U.S. governments.
    Governments,
}

/// One NAICS sector as the generator draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorShare {
    /// The sector as NAICS writes it (`"54"`, `"31-33"`).
    pub sector: &'static str,
    /// Number of firms (or governments) the share is based on.
    pub firms: f64,
    /// Probability that a generated partner belongs to the sector (the shares sum to 1).
    pub share: f64,
    /// Where `firms` comes from.
    pub source: ShareSource,
    /// Distribution of the sector's firms over [`SIZE_CLASSES`] (sums to 1).
    pub size_classes: [f64; 6],
}

/// The 20 NAICS 2022 sectors, in taxonomy order.
const SECTORS: [&str; 20] = [
    "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55", "56", "61", "62", "71",
    "72", "81", "92",
];

/// Rough 2021 employment (millions, BLS CES annual averages, rounded) of the three sectors missing
/// from the SUSB extract, used only to split their combined SUSB employment.
const MISSING_SECTOR_EMPLOYMENT: [(&str, f64); 3] = [("31-33", 12.3), ("44-45", 15.2), ("48-49", 6.1)];

/// U.S. governments in the 2022 Census of Governments: 90,837 local governments, 50 states and
/// the federal government.
const GOVERNMENTS: f64 = 90_888.0;

/// The sector shares and size distributions the generator uses, derived from the embedded SUSB
/// 2021 national table (computed once).
///
/// * 16 sectors: SUSB firm counts (`01: Total`) and their distribution over the size classes.
/// * 31-33, 44-45, 48-49 (missing from the extract): their combined employment is the SUSB total
///   employment minus that of every listed sector (employment is additive, firm counts are not);
///   it is split by rough 2021 BLS employment (12.3 M, 15.2 M, 6.1 M) and divided by the
///   economy-wide employees per firm of the `Total` row (≈ 20.4). Their size distribution is the
///   `Total` row's, so their generated employment matches that residual. This likely over-weights
///   manufacturing (whose firms are larger than average) and is a guess, not data.
/// * 92 (public administration, outside SUSB's scope): 90,888 governments (2022 Census of
///   Governments), with the `Total` row's size distribution.
/// * Sector 99 (not classified) is left out.
///
/// ```
/// let shares = pounce_sim::generate::sector_shares();
/// assert_eq!(shares.len(), 20);
/// assert!((shares.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
/// let pro = shares.iter().find(|s| s.sector == "54").unwrap();
/// assert!(pro.share > 0.1 && pro.size_classes[0] > 0.5); // mostly micro firms
/// ```
pub fn sector_shares() -> &'static [SectorShare] {
    &tables().sectors
}

struct SkillTable {
    tags: Vec<String>,
    cum: Vec<f64>,
    /// Number of tags with a positive weight.
    positive: usize,
}

struct Tables {
    sectors: Vec<SectorShare>,
    sector_cum: Vec<f64>,
    class_cum: Vec<[f64; 6]>,
    six_digit: Vec<Vec<IndustryCode>>,
    skills: Vec<SkillTable>,
    /// Gazetteer indices of cities whose label `"Name, CC"` resolves back to them.
    usable: Vec<u32>,
    /// Label of every gazetteer city (empty for unusable ones).
    labels: Vec<String>,
    /// Usable cities of 100,000 people or more, with cumulative populations.
    big: Vec<u32>,
    big_cum: Vec<u64>,
    /// Per institution kind, per focus entry: the codes of 4 to 6 digits under it, and the weight.
    focus: Vec<Vec<Vec<IndustryCode>>>,
    focus_cum: Vec<Vec<f64>>,
}

fn tables() -> &'static Tables {
    static CELL: OnceLock<Tables> = OnceLock::new();
    CELL.get_or_init(build_tables)
}

fn sector_index(sector: &str) -> usize {
    SECTORS.iter().position(|s| *s == sector).unwrap_or(0)
}

fn build_sectors() -> Vec<SectorShare> {
    // (firms, employment) for each (naics, size class label).
    let mut rows: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    let mut rdr = csv::Reader::from_reader(SUSB_CSV.as_bytes());
    for rec in rdr.records() {
        let rec = rec.expect("the embedded SUSB table is valid CSV");
        let num = |i: usize| rec.get(i).and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(0.0);
        let naics = rec.get(2).unwrap_or("").to_owned();
        let class = rec.get(4).unwrap_or("").to_owned();
        rows.insert((naics, class), (num(5), num(7)));
    }
    let get = |naics: &str, class: &str| rows.get(&(naics.to_owned(), class.to_owned())).copied();
    let total = "01: Total";
    let dist = |naics: &str| -> Option<[f64; 6]> {
        let mut d = [0.0; 6];
        for (x, c) in d.iter_mut().zip(SIZE_CLASSES.iter()) {
            *x = get(naics, c.label).map_or(0.0, |r| r.0);
        }
        let s: f64 = d.iter().sum();
        (s > 0.0).then(|| d.map(|x| x / s))
    };
    let total_dist = dist("--").expect("the SUSB table has the Total rows");
    let (all_firms, all_emp) = get("--", total).expect("the SUSB table has the Total row");
    let listed_emp: f64 = rows.iter().filter(|((n, c), _)| n != "--" && c == total).map(|(_, r)| r.1).sum();
    let residual_emp = (all_emp - listed_emp).max(0.0);
    let emp_per_firm = all_emp / all_firms;
    let missing_total: f64 = MISSING_SECTOR_EMPLOYMENT.iter().map(|m| m.1).sum();

    let mut out: Vec<SectorShare> = SECTORS
        .iter()
        .map(|&sector| {
            if let Some(&(_, e)) = MISSING_SECTOR_EMPLOYMENT.iter().find(|m| m.0 == sector) {
                let firms = residual_emp * (e / missing_total) / emp_per_firm;
                SectorShare {
                    sector,
                    firms,
                    share: 0.0,
                    source: ShareSource::EmploymentGuess,
                    size_classes: total_dist,
                }
            } else if sector == "92" {
                SectorShare {
                    sector,
                    firms: GOVERNMENTS,
                    share: 0.0,
                    source: ShareSource::Governments,
                    size_classes: total_dist,
                }
            } else {
                let firms = get(sector, total).map_or(0.0, |r| r.0);
                SectorShare {
                    sector,
                    firms,
                    share: 0.0,
                    source: ShareSource::Susb,
                    size_classes: dist(sector).unwrap_or(total_dist),
                }
            }
        })
        .collect();
    let sum: f64 = out.iter().map(|s| s.firms).sum();
    for s in &mut out {
        s.share = s.firms / sum;
    }
    out
}

/// The factor that down-weights a skill tag listed by `n` of the 20 sectors: `1 - (n / 21)^3`.
///
/// Office software listed by every sector ("microsoft excel", n = 20) keeps 14 % of its weight,
/// `sql` (n = 18) 37 %, `python` (n = 11) 86 %, a tag of one sector all of it. (The logarithmic
/// `ln(21 / n)` would also remove `sql`, and multiply single-sector tags, mostly niche vendor
/// products and hand-assigned knowledge areas, by up to 60 relative to common ones.)
///
/// ```
/// use pounce_sim::generate::specificity;
/// assert!(specificity(20) < 0.15 && specificity(11) > 0.85 && specificity(1) > 0.99);
/// ```
pub fn specificity(n: usize) -> f64 {
    1.0 - (n as f64 / (SECTORS.len() as f64 + 1.0)).powi(3)
}

fn build_skills() -> Vec<SkillTable> {
    let mut raw: Vec<Vec<(String, f64)>> = vec![Vec::new(); SECTORS.len()];
    let mut rdr = csv::Reader::from_reader(SECTOR_SKILLS_CSV.as_bytes());
    for rec in rdr.records() {
        let rec = rec.expect("the embedded sector skills table is valid CSV");
        let sector = rec.get(0).unwrap_or("");
        let Some(i) = SECTORS.iter().position(|s| *s == sector) else { continue };
        let tag = normalize(rec.get(1).unwrap_or(""));
        let w: f64 = rec.get(2).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        // Tags must survive the `;`-separated, `tag:weight` file format.
        if tag.is_empty() || tag.contains([';', ':']) || w <= 0.0 {
            continue;
        }
        match raw[i].iter_mut().find(|(t, _)| *t == tag) {
            Some(e) => e.1 += w,
            None => raw[i].push((tag, w)),
        }
    }
    let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
    for sector in &raw {
        for (t, _) in sector {
            *listed.entry(t.as_str()).or_default() += 1;
        }
    }
    raw.iter()
        .map(|sector| {
            let weights: Vec<f64> = sector.iter().map(|(t, w)| w * specificity(listed[t.as_str()])).collect();
            SkillTable {
                tags: sector.iter().map(|(t, _)| t.clone()).collect(),
                positive: weights.iter().filter(|w| **w > 0.0).count(),
                cum: cumulative(weights),
            }
        })
        .collect()
}

/// An institution kind: the focus sectors (as NAICS prefixes, with weights) and name patterns.
struct KindSpec {
    kind: &'static str,
    focus: &'static [(&'static str, f64)],
    names: &'static [&'static str],
}

const KINDS: [KindSpec; 5] = [
    KindSpec {
        kind: "technical university",
        focus: &[("5415", 3.0), ("5413", 2.0), ("5417", 1.0), ("51", 2.0), ("333", 1.0), ("334", 1.0), ("336", 1.0)],
        names: &["{} Institute of Applied Technology", "{} Polytechnic Institute", "{} Technical Institute"],
    },
    KindSpec {
        kind: "art school",
        focus: &[("5414", 4.0), ("5418", 1.0), ("71", 2.0), ("512", 1.0), ("513", 1.0)],
        names: &["{} School of Art and Design", "{} Academy of Applied Arts", "{} Design Academy"],
    },
    KindSpec {
        kind: "comprehensive university",
        focus: &[("11", 3.0), ("92", 2.0), ("62", 2.0), ("54", 2.0)],
        names: &["{} Regional University", "{} Metropolitan University", "{} Lakeside University"],
    },
    KindSpec {
        kind: "community college",
        focus: &[("62", 3.0), ("23", 3.0), ("81", 2.0), ("44", 1.0), ("45", 1.0)],
        names: &["{} Community College", "{} Technical College", "{} City College"],
    },
    KindSpec {
        kind: "coding bootcamp",
        focus: &[("5415", 4.0), ("51", 3.0), ("52", 2.0)],
        names: &["{} Code Academy", "{} Coding Bootcamp", "{} School of Code"],
    },
];

fn build_tables() -> Tables {
    let sectors = build_sectors();
    let sector_cum = cumulative(sectors.iter().map(|s| s.share));
    let class_cum = sectors
        .iter()
        .map(|s| {
            let c = cumulative(s.size_classes);
            [c[0], c[1], c[2], c[3], c[4], c[5]]
        })
        .collect();
    let naics = Naics::bundled();
    let codes = naics.codes();
    let six_digit =
        SECTORS.iter().map(|s| codes.iter().filter(|c| c.len() == 6 && c.sector() == *s).copied().collect()).collect();
    let focus = KINDS
        .iter()
        .map(|k| {
            k.focus
                .iter()
                .map(|&(prefix, _)| {
                    let p = IndustryCode::parse(prefix).expect("focus prefixes are codes");
                    let under: Vec<IndustryCode> =
                        codes.iter().filter(|c| (4..=6).contains(&c.len()) && p.covers(c)).copied().collect();
                    assert!(!under.is_empty(), "focus prefix {prefix} has codes");
                    under
                })
                .collect()
        })
        .collect();
    let focus_cum = KINDS.iter().map(|k| cumulative(k.focus.iter().map(|f| f.1))).collect();

    let g = Gazetteer::bundled();
    let mut usable = Vec::new();
    let mut labels = Vec::with_capacity(g.cities().len());
    for (i, c) in g.cities().iter().enumerate() {
        let label = c.label();
        if g.resolve(&label).is_ok_and(|r| r.geonameid == c.geonameid) {
            usable.push(i as u32);
            labels.push(label);
        } else {
            labels.push(String::new());
        }
    }
    let big: Vec<u32> = usable.iter().copied().filter(|&i| g.cities()[i as usize].population >= 100_000).collect();
    let mut acc = 0u64;
    let big_cum = big
        .iter()
        .map(|&i| {
            acc += g.cities()[i as usize].population.max(1);
            acc
        })
        .collect();
    Tables {
        sectors,
        sector_cum,
        class_cum,
        six_digit,
        skills: build_skills(),
        usable,
        labels,
        big,
        big_cum,
        focus,
        focus_cum,
    }
}

// ---------------------------------------------------------------------------------------------
// Sampling helpers
// ---------------------------------------------------------------------------------------------

const STREAM_INSTITUTIONS: u64 = 1;
const STREAM_PARTNERS: u64 = 2;
const STREAM_PROJECTS: u64 = 3;

/// An index drawn with probability proportional to the increments of `cum` (never a zero weight).
fn pick_f64(rng: &mut ChaCha8Rng, cum: &[f64]) -> usize {
    let total = cum.last().copied().unwrap_or(0.0);
    if total <= 0.0 {
        return 0;
    }
    loop {
        let x = rng.random::<f64>() * total;
        if x < total {
            return cum.partition_point(|&c| c <= x);
        }
    }
}

/// An index drawn with probability proportional to the increments of the integer `cum`.
fn pick_u64(rng: &mut ChaCha8Rng, cum: &[u64]) -> usize {
    let total = cum.last().copied().unwrap_or(0);
    if total == 0 {
        return 0;
    }
    let x = rng.random_range(0..total);
    cum.partition_point(|&c| c <= x)
}

/// `k` distinct indices of `table` drawn without replacement, each draw proportional to the
/// remaining weights (rejection of repeats is exactly that).
fn pick_distinct(rng: &mut ChaCha8Rng, table: &SkillTable, k: usize, out: &mut Vec<usize>) {
    out.clear();
    let k = k.min(table.positive);
    while out.len() < k {
        let i = pick_f64(rng, &table.cum);
        if !out.contains(&i) {
            out.push(i);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Institutions and places
// ---------------------------------------------------------------------------------------------

struct Site {
    name: String,
    kind: usize,
    location: Location,
    /// Nearby usable cities (within 150 km) with cumulative populations.
    near: Vec<u32>,
    near_cum: Vec<u64>,
    /// Index into [`Plan::countries`].
    country: usize,
}

/// Everything shared by partners and projects: the institutions and where partners may be.
struct Plan {
    institutions: Vec<Site>,
    /// Usable cities of each institution country, with cumulative populations.
    countries: Vec<(Vec<u32>, Vec<u64>)>,
}

const LOCAL_KM: f64 = 150.0;

fn location_of(city: &City, place: String) -> Location {
    Location { lat: city.lat, lon: city.lon, timezone: city.timezone, place }
}

/// The label that reads back as `city`: `"Name, CC"`, or `"Name, Admin1, CC"` for a less
/// populous namesake.
fn place_of(city: &City) -> String {
    let g = Gazetteer::bundled();
    let label = city.label();
    if g.resolve(&label).is_ok_and(|c| c.geonameid == city.geonameid) || city.admin1.is_empty() {
        return label;
    }
    let long = format!("{}, {}, {}", city.name, city.admin1, city.country);
    if g.resolve(&long).is_ok_and(|c| c.geonameid == city.geonameid) { long } else { label }
}

fn weighted_cities(indices: Vec<u32>) -> (Vec<u32>, Vec<u64>) {
    let cities = Gazetteer::bundled().cities();
    let mut acc = 0u64;
    let cum = indices
        .iter()
        .map(|&i| {
            acc += cities[i as usize].population.max(1);
            acc
        })
        .collect();
    (indices, cum)
}

fn plan(config: &GeneratorConfig) -> Plan {
    let t = tables();
    let g = Gazetteer::bundled();
    let cities = g.cities();
    let mut rng = rng_for(config.seed, STREAM_INSTITUTIONS);
    let n = config.institution_count();

    let mut chosen: Vec<City> = Vec::with_capacity(n);
    let mut used: Vec<usize> = Vec::new();
    for i in 0..n {
        if !config.near.is_empty() {
            chosen.push(config.near[i % config.near.len()].clone());
            continue;
        }
        // Distinct cities while possible (a few tries), by population.
        let mut pick = pick_u64(&mut rng, &t.big_cum);
        for _ in 0..64 {
            if !used.contains(&pick) {
                break;
            }
            pick = pick_u64(&mut rng, &t.big_cum);
        }
        used.push(pick);
        chosen.push(cities[t.big[pick] as usize].clone());
    }

    let mut country_codes: Vec<String> = chosen.iter().map(|c| c.country.clone()).collect();
    country_codes.sort();
    country_codes.dedup();
    let countries: Vec<(Vec<u32>, Vec<u64>)> = country_codes
        .iter()
        .map(|cc| weighted_cities(t.usable.iter().copied().filter(|&i| cities[i as usize].country == *cc).collect()))
        .collect();

    let mut names: Vec<String> = Vec::with_capacity(n);
    let institutions = chosen
        .into_iter()
        .enumerate()
        .map(|(i, city)| {
            let kind = i % KINDS.len();
            let patterns = KINDS[kind].names;
            let first = below(&mut rng, patterns.len());
            let mut name = String::new();
            for j in 0..patterns.len() {
                name = patterns[(first + j) % patterns.len()].replace("{}", &city.name);
                if !names.contains(&name) {
                    break;
                }
            }
            let base = name.clone();
            let mut k = 2;
            while names.contains(&name) {
                name = format!("{base} (campus {k})");
                k += 1;
            }
            names.push(name.clone());
            // 1 degree of latitude is about 111 km: a cheap pre-filter before the haversine.
            let lat_margin = LOCAL_KM / 111.0 + 0.1;
            let near: Vec<u32> = t
                .usable
                .iter()
                .copied()
                .filter(|&j| {
                    let c = &cities[j as usize];
                    (c.lat - city.lat).abs() <= lat_margin
                        && pounce::geo::haversine_km(city.lat, city.lon, c.lat, c.lon) <= LOCAL_KM
                })
                .collect();
            let (near, near_cum) = weighted_cities(near);
            let country = country_codes.binary_search(&city.country).unwrap_or(0);
            let place = place_of(&city);
            Site { name, kind, location: location_of(&city, place), near, near_cum, country }
        })
        .collect();
    Plan { institutions, countries }
}

// ---------------------------------------------------------------------------------------------
// Partners
// ---------------------------------------------------------------------------------------------

const SYLLABLES_A: [&str; 32] = [
    "Al", "Ber", "Cor", "Dal", "El", "Fen", "Gar", "Hal", "Isen", "Jor", "Kel", "Lin", "Mar", "Nor", "Or", "Pel",
    "Quin", "Ros", "Sel", "Tor", "Ul", "Ver", "Wes", "Yar", "Zel", "Bram", "Cal", "Dor", "Fal", "Gil", "Har", "Lun",
];
const SYLLABLES_B: [&str; 24] = [
    "ford", "mont", "dale", "ton", "vik", "berg", "wood", "ley", "stad", "ven", "bridge", "haven", "more", "field",
    "ridge", "holm", "wick", "brook", "gate", "stone", "mere", "lund", "bury", "crest",
];

fn sector_words(sector: usize) -> &'static [&'static str] {
    match SECTORS[sector] {
        "11" => &["Farms", "Agri", "Growers", "Harvest", "Orchards", "Forestry", "Seeds"],
        "21" => &["Mining", "Resources", "Minerals", "Drilling", "Quarries"],
        "22" => &["Energy", "Power", "Utilities", "Water", "Grid"],
        "23" => &["Construction", "Builders", "Contracting", "Renovation", "Civil Works", "Roofing"],
        "31-33" => &["Manufacturing", "Industries", "Machining", "Fabrication", "Components", "Foods", "Instruments"],
        "42" => &["Trading", "Supply", "Distribution", "Wholesale", "Imports"],
        "44-45" => &["Retail", "Stores", "Outfitters", "Market", "Shop", "Pharmacy"],
        "48-49" => &["Logistics", "Transport", "Freight", "Couriers", "Warehousing"],
        "51" => &["Software", "Media", "Digital", "Networks", "Publishing", "Data", "Cloud"],
        "52" => &["Capital", "Finance", "Insurance", "Credit Union", "Financial", "Payments"],
        "53" => &["Properties", "Realty", "Estates", "Rentals", "Leasing"],
        "54" => &["Consulting", "Engineering", "Design", "Analytics", "Labs", "Studio", "Partners", "Architects"],
        "55" => &["Holdings", "Group", "Management"],
        "56" => &["Services", "Facilities", "Staffing", "Solutions", "Environmental", "Security"],
        "61" => &["Learning", "Academy", "Training", "Tutoring", "Education"],
        "62" => &["Health", "Clinic", "Care", "Medical", "Therapy", "Family Services"],
        "71" => &["Arts", "Studios", "Entertainment", "Recreation", "Theatre", "Museum"],
        "72" => &["Hospitality", "Kitchen", "Hotels", "Catering", "Bistro"],
        "81" => &["Repair", "Services", "Association", "Foundation", "Auto Care"],
        _ => &["Services"],
    }
}

const AGENCIES: [&str; 12] = [
    "Planning Department",
    "Public Works",
    "Economic Development Office",
    "Public Health Unit",
    "Parks and Recreation",
    "Transit Authority",
    "Water Board",
    "Agriculture and Rural Affairs Office",
    "Housing Authority",
    "Digital Services",
    "Environmental Protection Office",
    "Emergency Management Office",
];

fn legal_suffixes(country: &str) -> &'static [&'static str] {
    match country {
        "US" => &["Inc.", "LLC", "Co.", "Corp."],
        "CA" => &["Inc.", "Ltd.", "Corp."],
        "DE" | "AT" | "CH" => &["GmbH", "AG", "KG"],
        "NL" => &["B.V.", "N.V."],
        "BE" => &["BV", "NV", "SRL"],
        "FR" => &["SAS", "SARL", "SA"],
        "IT" => &["S.r.l.", "S.p.A."],
        "ES" | "MX" | "AR" | "CO" | "CL" | "PE" => &["S.L.", "S.A."],
        "BR" | "PT" => &["Ltda.", "S.A."],
        "SE" | "NO" | "DK" | "FI" => &["AB", "AS", "Oy"],
        "JP" => &["K.K.", "Co., Ltd."],
        _ => &["Ltd", "Group", "& Co."],
    }
}

fn partner_name(rng: &mut ChaCha8Rng, sector: usize, city: &City) -> String {
    if SECTORS[sector] == "92" {
        let office = AGENCIES[below(rng, AGENCIES.len())];
        return format!("{} {office}", city.name);
    }
    let stem = format!("{}{}", SYLLABLES_A[below(rng, SYLLABLES_A.len())], SYLLABLES_B[below(rng, SYLLABLES_B.len())]);
    let words = sector_words(sector);
    let word = words[below(rng, words.len())];
    if chance(rng, 0.25) {
        format!("{stem} {word}")
    } else {
        let suffixes = legal_suffixes(&city.country);
        format!("{stem} {word} {}", suffixes[below(rng, suffixes.len())])
    }
}

/// Employees log-uniform in `[min, max]`.
fn employees_in(rng: &mut ChaCha8Rng, class: &SizeClass) -> u32 {
    let (lo, hi) = (f64::from(class.min_employees), f64::from(class.max_employees) + 1.0);
    let x = (lo * (hi / lo).powf(rng.random::<f64>())).floor() as u32;
    x.clamp(class.min_employees, class.max_employees)
}

/// Half hours between `lo` and `hi`.
fn half_hours(rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> f64 {
    f64::from(between(rng, lo * 2, hi * 2)) / 2.0
}

const PBL_RANGES: [(u32, u32); 6] = [(6, 16), (4, 20), (8, 14), (4, 12), (6, 20), (8, 20)];
const APPRENTICESHIP_RANGES: [(u32, u32); 4] = [(26, 52), (12, 104), (26, 104), (40, 52)];
const CODESIGN_RANGES: [(u32, u32); 4] = [(12, 40), (8, 52), (12, 156), (16, 52)];

fn offer(rng: &mut ChaCha8Rng, framework: Framework) -> FrameworkOffer {
    let ranges: &[(u32, u32)] = match framework {
        Framework::Pbl => &PBL_RANGES,
        Framework::Apprenticeship => &APPRENTICESHIP_RANGES,
        Framework::Codesign => &CODESIGN_RANGES,
    };
    let (min_weeks, max_weeks) = ranges[below(rng, ranges.len())];
    FrameworkOffer { framework, min_weeks, max_weeks }
}

fn days_after(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days))).unwrap_or(d)
}

fn days_before(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(days))).unwrap_or(d)
}

struct PartnerGen<'a> {
    config: &'a GeneratorConfig,
    plan: &'a Plan,
    rng: ChaCha8Rng,
    width: usize,
    scratch: Vec<usize>,
}

impl PartnerGen<'_> {
    /// The gazetteer index of a partner's city.
    fn city(&mut self) -> usize {
        let t = tables();
        let insts = &self.plan.institutions;
        let local = chance(&mut self.rng, self.config.local_share);
        let inst = &insts[below(&mut self.rng, insts.len())];
        let (idx, cum) = if local && !inst.near.is_empty() {
            (&inst.near, &inst.near_cum)
        } else {
            let (i, c) = &self.plan.countries[inst.country];
            if i.is_empty() { (&t.big, &t.big_cum) } else { (i, c) }
        };
        let (idx, cum) = if idx.is_empty() { (&t.big, &t.big_cum) } else { (idx, cum) };
        idx[pick_u64(&mut self.rng, cum)] as usize
    }

    fn partner(&mut self, n: usize) -> Partner {
        let t = tables();
        let start = self.config.start;
        let city_idx = self.city();
        let city = &Gazetteer::bundled().cities()[city_idx];
        let rng = &mut self.rng;
        let sector = pick_f64(rng, &t.sector_cum);
        let class = pick_f64(rng, &t.class_cum[sector]);
        let employees = employees_in(rng, &SIZE_CLASSES[class]);

        let mix = &self.config.partner_mix;
        let codes = &t.six_digit[sector];
        let mut industries = vec![codes[below(rng, codes.len())]];
        if codes.len() > 1 && chance(rng, mix.second_industry) {
            let mut c = codes[below(rng, codes.len())];
            while c == industries[0] {
                c = codes[below(rng, codes.len())];
            }
            industries.push(c);
        }

        let table = &t.skills[sector];
        let k = between(rng, mix.skills.min, mix.skills.max) as usize;
        pick_distinct(rng, table, k, &mut self.scratch);
        let skills: Vec<String> = self.scratch.iter().map(|&i| table.tags[i].clone()).collect();

        let name = partner_name(rng, sector, city);
        let web = matches!(SECTORS[sector], "51" | "54");
        let remote = chance(rng, if web { mix.remote_web } else { mix.remote_other });
        let capacity = mix.capacity[class].draw(rng);
        let hours = mix.mentor_hours[class];
        let mentor_hours = half_hours(rng, hours.min, hours.max);
        let contacts = mix.contacts[class].draw(rng);

        // Frameworks: almost all take PBL; apprenticeships mostly in larger firms.
        let pbl = chance(rng, mix.pbl);
        let mut others = Vec::with_capacity(2);
        if chance(rng, mix.apprenticeship[class]) {
            others.push(offer(rng, Framework::Apprenticeship));
        }
        if chance(rng, mix.codesign[class]) {
            others.push(offer(rng, Framework::Codesign));
        }
        if others.len() == 2 && chance(rng, 0.5) {
            others.swap(0, 1);
        }
        let mut frameworks = Vec::with_capacity(3);
        if pbl {
            let o = offer(rng, Framework::Pbl);
            if chance(rng, mix.pbl_first) {
                frameworks.push(o);
                frameworks.append(&mut others);
            } else {
                frameworks.append(&mut others);
                frameworks.push(o);
            }
        } else {
            frameworks.append(&mut others);
            if frameworks.is_empty() {
                let f = if class >= 3 { Framework::Apprenticeship } else { Framework::Codesign };
                frameworks.push(offer(rng, f));
            }
        }

        // IP: most accept student ownership; the list is in the readers' (sorted) order.
        let mut ip = Vec::with_capacity(3);
        if chance(rng, mix.ip_student) {
            ip.push(IpPolicy::Student);
        }
        if chance(rng, mix.ip_partner) {
            ip.push(IpPolicy::Partner);
        }
        if chance(rng, mix.ip_open) {
            ip.push(IpPolicy::Open);
        }
        if ip.is_empty() {
            ip.push(if chance(rng, 0.5) { IpPolicy::Partner } else { IpPolicy::Student });
        }

        let (available_from, available_to) = match rng.random::<f64>() {
            x if x < 0.55 => (None, None),
            x if x < 0.85 => {
                (Some(days_before(start, between(rng, 0, 90))), Some(days_after(start, between(rng, 200, 420))))
            }
            x if x < 0.95 => {
                let from = chance(rng, 0.5).then(|| days_before(start, between(rng, 0, 60)));
                (from, Some(days_after(start, between(rng, 28, 84))))
            }
            _ => (Some(days_after(start, between(rng, 14, 120))), None),
        };
        const STATUSES: [PartnerStatus; 4] =
            [PartnerStatus::Active, PartnerStatus::Prospect, PartnerStatus::Lapsed, PartnerStatus::Declined];
        let status = STATUSES[pick_share(rng.random::<f64>(), &mix.status.weights())];

        Partner {
            id: format!("{}{:0width$}", self.config.id_prefix, n, width = self.width),
            name,
            industries,
            skills,
            employees,
            location: location_of(city, t.labels[city_idx].clone()),
            remote,
            capacity,
            mentor_hours,
            contacts,
            frameworks,
            ip,
            available_from,
            available_to,
            status,
        }
    }
}

fn id_width(count: usize) -> usize {
    count.to_string().len().max(6)
}

fn partners_of(config: &GeneratorConfig, plan: &Plan) -> Vec<Partner> {
    let mut g = PartnerGen {
        config,
        plan,
        rng: rng_for(config.seed, STREAM_PARTNERS),
        width: id_width(config.partners),
        scratch: Vec::with_capacity(12),
    };
    (1..=config.partners).map(|n| g.partner(n)).collect()
}

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

const ACTIVITIES: [&str; 14] = [
    "Data dashboard",
    "Process improvement study",
    "Prototype",
    "Market analysis",
    "Digital tools review",
    "Workflow automation",
    "Sustainability audit",
    "Customer research",
    "Quality assurance plan",
    "Web presence redesign",
    "Inventory analytics",
    "Training materials",
    "Feasibility study",
    "Reporting pipeline",
];

fn project(rng: &mut ChaCha8Rng, config: &GeneratorConfig, inst: &Site, n: usize, width: usize) -> Project {
    let t = tables();
    let naics = Naics::bundled();
    let draw = |rng: &mut ChaCha8Rng| {
        let codes = &t.focus[inst.kind][pick_f64(rng, &t.focus_cum[inst.kind])];
        codes[below(rng, codes.len())]
    };
    let mix = &config.project_mix;
    let mut industries = vec![draw(rng)];
    if chance(rng, mix.second_industry) {
        let c = draw(rng);
        if !industries.contains(&c) {
            industries.push(c);
        }
    }

    let sector = sector_index(industries[0].sector());
    let table = &t.skills[sector];
    let k = between(rng, mix.skills.min, mix.skills.max) as usize;
    let mut picked = Vec::with_capacity(k);
    pick_distinct(rng, table, k, &mut picked);
    let skills: Vec<SkillWant> = picked
        .iter()
        .enumerate()
        .map(|(j, &i)| {
            let heavy = chance(rng, if j == 0 { mix.heavy_first } else { mix.heavy_other });
            SkillWant { tag: table.tags[i].clone(), weight: if heavy { 2.0 } else { 1.0 } }
        })
        .collect();

    let f = &mix.frameworks;
    let (framework, weeks) = match pick_share(rng.random::<f64>(), &[f.pbl, f.apprenticeship, f.codesign]) {
        0 => (Framework::Pbl, between(rng, 6, 16)),
        1 => (Framework::Apprenticeship, between(rng, 26, 52)),
        _ => (Framework::Codesign, between(rng, 12, 40)),
    };
    let industry_title = naics.title(&industries[0]).unwrap_or("industry partners");
    let title = match framework {
        Framework::Apprenticeship => format!("Apprenticeship in {}", industry_title.to_lowercase()),
        Framework::Codesign => format!("Co-designed module with {}", industry_title.to_lowercase()),
        Framework::Pbl => {
            let activity = ACTIVITIES[below(rng, ACTIVITIES.len())];
            format!("{activity} for {}", industry_title.to_lowercase())
        }
    };
    let start = days_after(config.start, 7 * between(rng, 0, 3));
    let mentor_hours = f64::from(between(rng, mix.mentor_hours.min, mix.mentor_hours.max));
    let team_size = match framework {
        Framework::Apprenticeship => between(rng, 1, 2),
        _ => between(rng, 1, 6),
    };
    let remote = chance(rng, mix.remote);
    let max_km = f64::from(5 * between(rng, 5, 40));
    const SIZES: [SizeBand; 5] = [SizeBand::Any, SizeBand::Micro, SizeBand::Small, SizeBand::Medium, SizeBand::Large];
    let z = &mix.size;
    let size = SIZES[pick_share(rng.random::<f64>(), &[z.any, z.micro, z.small, z.medium, z.large])];
    const IPS: [IpPolicy; 3] = [IpPolicy::Student, IpPolicy::Open, IpPolicy::Partner];
    let ip = IPS[pick_share(rng.random::<f64>(), &[mix.ip.student, mix.ip.open, mix.ip.partner])];
    let mut must = DimensionSet::EMPTY;
    if chance(rng, mix.must) {
        const HARD: [Dimension; 3] = [Dimension::Location, Dimension::Ip, Dimension::Framework];
        let first = below(rng, HARD.len());
        must.insert(HARD[first]);
        if chance(rng, mix.must_second) {
            must.insert(HARD[(first + 1 + below(rng, 2)) % HARD.len()]);
        }
    }
    Project {
        id: format!("P{n:0width$}"),
        institution: inst.name.clone(),
        title,
        industries,
        skills,
        framework,
        weeks,
        start,
        mentor_hours,
        team_size,
        location: inst.location.clone(),
        remote,
        max_km,
        size,
        ip,
        must,
    }
}

fn projects_of(config: &GeneratorConfig, plan: &Plan) -> Vec<Project> {
    let mut rng = rng_for(config.seed, STREAM_PROJECTS);
    let width = id_width(config.projects);
    let insts = &plan.institutions;
    (1..=config.projects).map(|n| project(&mut rng, config, &insts[(n - 1) % insts.len()], n, width)).collect()
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Generates a term: same config, same term, on any machine and any thread count.
///
/// Partners are the same as [`generate_partners`] gives for the config, and the first `n` of
/// them (projects likewise) do not depend on how many are generated.
///
/// ```
/// use pounce_sim::{generate, GeneratorConfig};
/// let term = generate(&GeneratorConfig::new(16, 50, 42));
/// assert_eq!((term.projects.len(), term.partners.len()), (16, 50));
/// assert_eq!(term.partners[0].id, "Q000001");
/// assert_eq!(term, generate(&GeneratorConfig::new(16, 50, 42)));
/// ```
pub fn generate(config: &GeneratorConfig) -> Term {
    let plan = plan(config);
    Term { projects: projects_of(config, &plan), partners: partners_of(config, &plan) }
}

/// Generates only the partners (used to grow a pool; same determinism as [`generate`]).
///
/// ```
/// use pounce_sim::{generate, generate_partners, GeneratorConfig};
/// let config = GeneratorConfig { id_prefix: "G".into(), ..GeneratorConfig::new(8, 20, 3) };
/// let partners = generate_partners(&config);
/// assert_eq!(partners[19].id, "G000020");
/// assert_eq!(partners, generate(&config).partners);
/// ```
pub fn generate_partners(config: &GeneratorConfig) -> Vec<Partner> {
    partners_of(config, &plan(config))
}

/// A generated institution.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    /// Invented name, e.g. "Eindhoven Polytechnic Institute" (unique within a term).
    pub name: String,
    /// Kind: "technical university", "art school", "comprehensive university",
    /// "community college" or "coding bootcamp".
    pub kind: &'static str,
    /// Where it is (its projects' location).
    pub location: Location,
}

/// The institutions a config generates, in the order projects are assigned to them (project `n`
/// belongs to institution `(n - 1) % count`).
///
/// ```
/// use pounce_sim::generate::{institutions, GeneratorConfig};
/// let near = vec![pounce::Gazetteer::bundled().resolve("Lyon, FR").unwrap().clone()];
/// let config = GeneratorConfig { near, institutions: 2, ..GeneratorConfig::new(4, 0, 1) };
/// let list = institutions(&config);
/// assert_eq!(list[0].kind, "technical university");
/// assert_eq!(list[1].kind, "art school");
/// assert!(list.iter().all(|i| i.location.place == "Lyon, FR"));
/// ```
pub fn institutions(config: &GeneratorConfig) -> Vec<Institution> {
    plan(config)
        .institutions
        .into_iter()
        .map(|i| Institution { name: i.name, kind: KINDS[i.kind].kind, location: i.location })
        .collect()
}
