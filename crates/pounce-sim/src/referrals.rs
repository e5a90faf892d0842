//! Seeded referral networks around a term: the alumni, advisers, business associations and past
//! partners through whom institutions find partners (seed 001: "success stories become magnets").
//!
//! [`generate_referrals`] invents a network for any [`Term`] (generated or hand-written): the same
//! term and [`ReferralConfig`] give the same edges, in the same order, on any machine (ChaCha8
//! streams seeded with [`ReferralConfig::seed`], hash maps used for look-ups only, one thread).
//!
//! ```
//! use pounce::referral::{EdgeKind, ReferralGraph, ReferralWeights};
//! use pounce_sim::{GeneratorConfig, ReferralConfig, generate, generate_referrals};
//!
//! let term = generate(&GeneratorConfig::new(16, 200, 7));
//! let config = ReferralConfig::default();
//! let edges = generate_referrals(&term, &config);
//! assert!(edges.iter().all(|e| e.date.is_some_and(|d| d <= config.as_of)));
//! assert!(edges.iter().any(|e| e.kind == EdgeKind::PastProject && e.source == term.projects[0].institution));
//! let graph = ReferralGraph::build(&edges, &ReferralWeights::default(), Some(config.as_of), false);
//! assert!(graph.node(&term.projects[0].institution).is_some());
//! ```
//!
//! ## Nodes
//!
//! The engine joins the network to the term by name, so nodes follow these conventions:
//! - an **institution** is its name exactly as in [`pounce::Project::institution`];
//! - a **partner** is its id ([`pounce::Partner::id`]), never its display name;
//! - a **person** is an invented "Firstname Lastname" (an international mix of common names),
//!   made unique by appending " (2)", " (3)"... to later namesakes;
//! - a **business association** is "`<City>` `<Sector word>` Association" (for example
//!   "Eindhoven Technology Association"), one per city × NAICS sector whose partners join one;
//!   the city is the first part of the partners' `place` label (followed by the rest of the label
//!   in parentheses when two places of the term share a name); see [`association_word`].
//!
//! No invented name equals an institution name or a partner id (those get the suffix instead).
//!
//! ## The model
//!
//! "Near" means within 150 km (from the institution's first project's location to the partner's
//! city); a partner's sector is that of its first industry code; "by size" means with probability
//! ∝ employees^0.75 (large firms employ more alumni, but not in proportion to their head count).
//! Dates are drawn uniformly in the stated range before [`ReferralConfig::as_of`].
//! - **Alumni** ([`ReferralConfig::alumni_count`] per institution): `alumnus` person →
//!   institution, dated at graduation 1–15 years ago. 75 % work at a partner near the institution
//!   (by size; anywhere when none is near), 15 % at any partner of the term (by size), 10 % outside
//!   the pool: `works_at` person → partner, dated when they joined (after graduating, at most 5
//!   years ago).
//! - **Advisers and faculty**: 3–6 people per institution plus one per five of its projects
//!   (at most 40): `advises` person → institution (0–6 years ago); 60 % of them also work at a
//!   partner of the institution's focus sectors (the sectors of its projects' industries, weighted
//!   by how often they occur), near it by size when possible, else anywhere in those sectors
//!   (`works_at`, 0–8 years ago).
//! - **Past projects**: per institution, 1–2 per project it posts plus 2–5, drawn by size^0.25
//!   without replacement among the active (weight 1) and lapsed (weight ½) partners near it:
//!   `past_project` institution → partner, weight = rating 5 (40 %), 4 (35 %), 3 (15 %) or 2 (10 %),
//!   30 days to 4 years ago (lapsed partners: 1–4 years ago, and ratings one lower half the time,
//!   never below 2). Prospects and declined partners have none.
//! - **Associations**: a partner whose city and sector it shares with another partner of the term
//!   joins their association with probability ½: `member_of` partner → association, 0–12 years ago.
//! - **Referrals between partners**: every active or lapsed partner introduces 0 (25 %), 1 (40 %),
//!   2 (25 %) or 3 (10 %) others, plus 1–3 more when it has a past project ("success stories
//!   become magnets"): a partner of its city and sector (65 %), of its city (20 %) or of its sector
//!   anywhere (15 %), falling back to the next when there is none, never a declined one, never
//!   twice: `referred` partner → partner, 0–3 years ago.
//! - **Referrals by people**: 10 % of alumni and advisers introduce a partner: one of their
//!   employer's city and sector (else city), or one near their institution when they work outside
//!   the pool: `referred` person → partner, 0–2 years ago.
//! - **Prospects are reachable**: a prospect not yet connected (undirected) to any institution is
//!   introduced by a connected partner of its city and sector, else of its city, else by an alumnus
//!   or adviser of the nearest institution (`referred`, 0–2 years ago). Prospects never have an
//!   edge to an institution, so they sit at 2 hops (an alumnus or a past partner) or more, mostly
//!   2–4.
//!
//! Weights are 1 except the `past_project` rating. Every edge is dated on or before `as_of`. There
//! is no O(partners²) step: partners are bucketed by city, city × sector and sector, and the
//! partners near each institution are found once from the distinct cities.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::random::{below, between, chance, cumulative, rng_for};
use chrono::{Days, NaiveDate};
use pounce::referral::{EdgeKind, EdgeRecord};
use pounce::{IndustryCode, Partner, PartnerStatus, Term};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Parameters of a generated referral network.
///
/// ```
/// use pounce_sim::ReferralConfig;
/// let config = ReferralConfig::default();
/// assert_eq!(config.as_of, chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
/// assert_eq!(config.alumni_count(300, 5), 30);
/// assert_eq!(config.alumni_count(1_000_000, 50), 5_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralConfig {
    /// The seed: the same seed and term give the same network.
    pub seed: u64,
    /// Alumni per institution (default: 30, or more for big pools: `max(30, partners /
    /// institutions / 2)` capped at 5,000).
    pub alumni_per_institution: Option<usize>,
    /// The date the network is "as of" (edges are dated on or before it; default 2027-01-01).
    pub as_of: NaiveDate,
}

impl Default for ReferralConfig {
    /// Seed 2027, automatic alumni count, as of 2027-01-01.
    fn default() -> Self {
        ReferralConfig {
            seed: 2027,
            alumni_per_institution: None,
            as_of: NaiveDate::from_ymd_opt(2027, 1, 1).expect("a valid date"),
        }
    }
}

impl ReferralConfig {
    /// Alumni per institution for a term with `partners` partners and `institutions` institutions
    /// (resolving the automatic `None`).
    pub fn alumni_count(&self, partners: usize, institutions: usize) -> usize {
        self.alumni_per_institution.unwrap_or_else(|| (partners / institutions.max(1) / 2).clamp(30, 5_000))
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// The NAICS sectors, as [`pounce::IndustryCode::sector`] writes them; index 20 is "no industry".
const SECTORS: [&str; 20] = [
    "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52", "53", "54", "55", "56", "61", "62", "71",
    "72", "81", "92",
];
const NO_SECTOR: u8 = SECTORS.len() as u8;

/// The word naming a sector's business association: "Technology" for 51, "Professional Services"
/// for 54, "Business" for an unknown sector.
///
/// ```
/// assert_eq!(pounce_sim::referrals::association_word("51"), "Technology");
/// assert_eq!(pounce_sim::referrals::association_word("31-33"), "Manufacturing");
/// ```
pub fn association_word(sector: &str) -> &'static str {
    match sector {
        "11" => "Agriculture",
        "21" => "Mining",
        "22" => "Utilities",
        "23" => "Construction",
        "31-33" => "Manufacturing",
        "42" => "Wholesale Trade",
        "44-45" => "Retail",
        "48-49" => "Logistics",
        "51" => "Technology",
        "52" => "Finance",
        "53" => "Real Estate",
        "54" => "Professional Services",
        "55" => "Corporate",
        "56" => "Business Services",
        "61" => "Education",
        "62" => "Health Care",
        "71" => "Arts and Culture",
        "72" => "Hospitality",
        "81" => "Service Trades",
        "92" => "Public Sector",
        _ => "Business",
    }
}

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Anna", "Liam", "Sophie", "Noah", "Emma", "Lucas", "Mia", "Daan", "Julia", "Finn", "Sara", "Levi", "Lotte", "Sem",
    "Eva", "Milan", "Fleur", "Bram", "Noor", "Jesse", "Camille", "Louis", "Chloé", "Hugo", "Léa", "Jules", "Manon",
    "Arthur", "Inès", "Théo", "Hannah", "Leon", "Lena", "Felix", "Marie", "Jonas", "Clara", "Paul", "Laura", "Elias",
    "Olivia", "Ethan", "Ava", "Mason", "Isabella", "James", "Amelia", "Benjamin", "Harper", "Henry", "Grace", "Owen",
    "Samuel", "Zoe", "Daniel", "Nora", "David", "Maya", "Aiden", "Priya", "Arjun", "Ananya", "Rohan", "Aisha", "Omar",
    "Fatima", "Yusuf", "Layla", "Karim", "Wei", "Mei", "Jun", "Hana", "Kenji", "Yuki", "Min-jun", "Ji-woo", "Sofia",
    "Mateo", "Valentina", "Santiago", "Lucía", "Diego", "Camila", "Alejandro", "Elena", "Marco", "Giulia", "Luca",
    "Chiara", "Matteo", "Francesca", "Giorgio", "Ingrid", "Lars", "Astrid", "Erik", "Freya", "Nils", "Sanna", "Mikko",
    "Aino", "Olga", "Ivan", "Katarzyna", "Piotr", "Zofia", "Tomasz", "Andrea", "Marta", "Pablo", "Carmen", "João",
    "Ana", "Tiago", "Beatriz", "Kwame", "Amara", "Chidi", "Zainab", "Tariq", "Leila", "Mehmet", "Elif", "Emre",
    "Zeynep", "Nikos", "Eleni", "Dmitri", "Tatiana", "Sean", "Aoife", "Ciarán", "Niamh", "Rhys", "Carys", "Ewan",
    "Isla", "Maeve", "Declan", "Riley", "Jordan", "Taylor", "Morgan", "Avery", "Quinn", "Cameron", "Jamie", "Alex",
    "Sam", "Robin", "Kim", "Nico", "Ruth", "Simon", "Peter", "Thomas", "Martin", "Michael", "Sarah", "Rachel",
    "Rebecca", "Linda", "Karen", "Helen", "Victor", "Oscar", "Max", "Ben", "Tom", "Anika", "Sven", "Joost", "Femke",
    "Wouter", "Margot", "Gabriel", "Adèle", "Rafael", "Nadia", "Samir", "Yasmin", "Hiroshi", "Akira",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
    "Vos", "Peters", "Hendriks", "van Dijk", "Dubois", "Martin", "Bernard", "Moreau", "Laurent", "Lefebvre", "Girard",
    "Roux", "Fournier", "Mercier", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann",
    "Koch", "Richter", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Campbell", "Mitchell",
    "Roberts", "Carter", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy",
    "Cook", "Rogers", "Morgan", "Cooper", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson",
    "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Patel", "Shah", "Singh", "Kumar",
    "Gupta", "Sharma", "Iyer", "Reddy", "Nair", "Khan", "Ahmed", "Hassan", "Ali", "Rahman", "Haddad", "Nasser", "Chen",
    "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Nguyen", "Tran", "Le", "Pham", "Kim", "Park",
    "Lee", "Choi", "Jung", "Tanaka", "Suzuki", "Sato", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Rossi", "Russo",
    "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Fernández", "López", "González",
    "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Silva", "Santos", "Oliveira",
    "Souza", "Costa", "Pereira", "Almeida", "Carvalho", "Ferreira", "Rodrigues", "Andersson", "Johansson", "Karlsson",
    "Nilsson", "Eriksson", "Larsen", "Hansen", "Nielsen", "Jensen", "Pedersen", "Virtanen", "Korhonen", "Nowak",
    "Kowalski", "Wiśniewski", "Wójcik", "Novák", "Horváth", "Kovács", "Popescu", "Ivanova", "Petrov", "Sokolov",
    "Papadopoulos", "Yılmaz", "Kaya", "Demir", "Şahin", "O'Brien", "O'Connor", "Walsh", "Byrne", "Ryan", "MacDonald",
    "Fraser", "Robertson", "Okafor", "Mensah", "Adeyemi", "Mwangi", "Osei", "Boateng", "Cohen", "Levi", "Friedman",
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné", "Ouellet",
    "Pelletier", "Janssens", "Maes", "Claes", "Wouters", "Dupont", "Lambert", "Bonnet", "Faure", "Keller", "Huber",
    "Brunner", "Berger", "Hofer", "Lehmann", "Krüger", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Lange", "Hartmann",
    "Ortiz", "Castillo", "Morales", "Vargas", "Romero", "Herrera", "Medina", "Aguilar", "Moreno", "Jiménez",
];

// ---------------------------------------------------------------------------------------------
// Sampling helpers
// ---------------------------------------------------------------------------------------------

const STREAM_ALUMNI: u64 = 11;
const STREAM_ADVISERS: u64 = 12;
const STREAM_PAST: u64 = 13;
const STREAM_ASSOCIATIONS: u64 = 14;
const STREAM_REFERRALS: u64 = 15;
const STREAM_BRIDGES: u64 = 16;

/// An index drawn with probability proportional to the increments of `cum` (None when empty or
/// all zero).
fn pick_cum(rng: &mut ChaCha8Rng, cum: &[f64]) -> Option<usize> {
    let total = *cum.last()?;
    if total <= 0.0 {
        return None;
    }
    let x = rng.random::<f64>() * total;
    Some(cum.partition_point(|&c| c <= x).min(cum.len() - 1))
}

/// A member of `group` other than `me`, uniformly (None when there is none).
fn other_in(rng: &mut ChaCha8Rng, group: &[u32], me: u32) -> Option<u32> {
    match group {
        [] => None,
        [only] if *only == me => None,
        _ => loop {
            let q = group[below(rng, group.len())];
            if q != me {
                return Some(q);
            }
        },
    }
}

/// Items split into groups, stored contiguously (compressed rows): group `g` holds
/// `items[start[g]..start[g + 1]]`, in increasing item order.
struct Groups {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups `(group, item)` pairs given in increasing item order.
    fn new(groups: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut start = vec![0u32; groups + 1];
        for (g, _) in pairs.clone() {
            start[g as usize + 1] += 1;
        }
        for g in 0..groups {
            start[g + 1] += start[g];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[groups] as usize];
        for (g, i) in pairs {
            items[fill[g as usize] as usize] = i;
            fill[g as usize] += 1;
        }
        Groups { start, items }
    }

    fn get(&self, g: u32) -> &[u32] {
        &self.items[self.start[g as usize] as usize..self.start[g as usize + 1] as usize]
    }
}

/// A fast, non-cryptographic hasher (FxHash's multiply-rotate) for the look-up tables: they are
/// never iterated, so it cannot affect the output.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

// ---------------------------------------------------------------------------------------------
// The network under construction
// ---------------------------------------------------------------------------------------------

const NEAR_KM: f64 = 150.0;

struct Inst<'a> {
    name: &'a str,
    lat: f64,
    lon: f64,
    projects: usize,
    /// Focus sectors with weights (how often its projects name them).
    focus: Vec<(u8, f64)>,
}

#[derive(Clone, Copy)]
struct Edge {
    source: u32,
    target: u32,
    kind: EdgeKind,
    weight: u8,
    date: NaiveDate,
}

/// Nodes are numbered: institutions `0..I`, partners `I..I + P`, then invented people and
/// associations in order of creation.
struct Net<'a> {
    institutions: Vec<&'a str>,
    partners: &'a [Partner],
    invented: Vec<String>,
    /// Times each invented base name was given.
    used: FxMap<String, u32>,
    /// Institution names and partner ids that invented names must avoid (invented names all
    /// contain a space, so only those that do).
    reserved: FxSet<&'a str>,
    /// Union-find over nodes (undirected connectivity), and whether a root's set holds an
    /// institution.
    parent: Vec<u32>,
    anchored: Vec<bool>,
    edges: Vec<Edge>,
    as_of: NaiveDate,
}

impl<'a> Net<'a> {
    fn new(institutions: Vec<&'a str>, partners: &'a [Partner], as_of: NaiveDate) -> Self {
        let n = institutions.len() + partners.len();
        let mut reserved: FxSet<&str> = FxSet::default();
        reserved.extend(
            institutions.iter().copied().chain(partners.iter().map(|p| p.id.as_str())).filter(|s| s.contains(' ')),
        );
        let mut anchored = vec![false; n];
        anchored[..institutions.len()].fill(true);
        Net {
            parent: (0..n as u32).collect(),
            anchored,
            institutions,
            partners,
            invented: Vec::new(),
            used: FxMap::default(),
            reserved,
            edges: Vec::new(),
            as_of,
        }
    }

    fn partner_node(&self, p: u32) -> u32 {
        self.institutions.len() as u32 + p
    }

    fn name(&self, node: u32) -> &str {
        let (i, p) = (self.institutions.len(), self.partners.len());
        let n = node as usize;
        if n < i {
            self.institutions[n]
        } else if n < i + p {
            &self.partners[n - i].id
        } else {
            &self.invented[n - i - p]
        }
    }

    /// A new node named `base`, or `base (2)`, `base (3)`... when taken.
    fn add_node(&mut self, base: String) -> u32 {
        let name = if !self.used.contains_key(base.as_str()) && !self.reserved.contains(base.as_str()) {
            self.used.insert(base.clone(), 1);
            base
        } else {
            let count = self.used.entry(base.clone()).or_insert(1);
            loop {
                *count += 1;
                let candidate = format!("{base} ({count})");
                if !self.reserved.contains(candidate.as_str()) {
                    break candidate;
                }
            }
        };
        self.invented.push(name);
        let node = self.parent.len() as u32;
        self.parent.push(node);
        self.anchored.push(false);
        node
    }

    fn person(&mut self, rng: &mut ChaCha8Rng) -> u32 {
        let first = FIRST_NAMES[below(rng, FIRST_NAMES.len())];
        let last = LAST_NAMES[below(rng, LAST_NAMES.len())];
        self.add_node(format!("{first} {last}"))
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }

    /// Whether `node` is connected (either way) to an institution.
    fn is_anchored(&mut self, node: u32) -> bool {
        let r = self.find(node);
        self.anchored[r as usize]
    }

    fn edge(&mut self, source: u32, target: u32, kind: EdgeKind, weight: u8, date: NaiveDate) {
        self.edges.push(Edge { source, target, kind, weight, date });
        let (a, b) = (self.find(source), self.find(target));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi as usize] = lo;
            self.anchored[lo as usize] |= self.anchored[hi as usize];
        }
    }

    /// A date between `lo` and `hi` days before `as_of` (inclusive).
    fn ago(&self, rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> NaiveDate {
        let days = between(rng, lo, hi.max(lo));
        self.as_of.checked_sub_days(Days::new(u64::from(days))).unwrap_or(self.as_of)
    }

    fn records(self) -> Vec<EdgeRecord> {
        self.edges
            .iter()
            .map(|e| EdgeRecord {
                source: self.name(e.source).to_owned(),
                target: self.name(e.target).to_owned(),
                kind: e.kind,
                weight: f64::from(e.weight),
                date: Some(e.date),
            })
            .collect()
    }
}

fn sector_index(code: &IndustryCode) -> u8 {
    SECTORS.iter().position(|s| *s == code.sector()).map_or(NO_SECTOR, |i| i as u8)
}

/// Every partner's sector index (that of its first industry), computed once per distinct code.
fn sectors_of(partners: &[Partner]) -> Vec<u8> {
    let mut memo: FxMap<IndustryCode, u8> = FxMap::default();
    partners
        .iter()
        .map(|p| p.industries.first().map_or(NO_SECTOR, |c| *memo.entry(*c).or_insert_with(|| sector_index(c))))
        .collect()
}

fn institutions_of(term: &Term) -> Vec<Inst<'_>> {
    let mut index: FxMap<&str, usize> = FxMap::default();
    let mut out: Vec<Inst<'_>> = Vec::new();
    for p in &term.projects {
        let i = *index.entry(p.institution.as_str()).or_insert_with(|| {
            out.push(Inst {
                name: &p.institution,
                lat: p.location.lat,
                lon: p.location.lon,
                projects: 0,
                focus: Vec::new(),
            });
            out.len() - 1
        });
        let inst = &mut out[i];
        inst.projects += 1;
        for code in &p.industries {
            let s = sector_index(code);
            if s != NO_SECTOR {
                match inst.focus.iter_mut().find(|f| f.0 == s) {
                    Some(f) => f.1 += 1.0,
                    None => inst.focus.push((s, 1.0)),
                }
            }
        }
    }
    out
}

/// The partners' places (distinct `location.place` labels, in order of first appearance), each
/// with the coordinates of its first partner, and every partner's place index.
fn places_of(partners: &[Partner]) -> (Vec<(&str, f64, f64)>, Vec<u32>) {
    let mut index: FxMap<&str, u32> = FxMap::default();
    let mut places = Vec::new();
    let of = partners
        .iter()
        .map(|p| {
            *index.entry(p.location.place.as_str()).or_insert_with(|| {
                places.push((p.location.place.as_str(), p.location.lat, p.location.lon));
                places.len() as u32 - 1
            })
        })
        .collect();
    (places, of)
}

/// The `k` items drawn without replacement with probability ∝ weight (Efraimidis–Spirakis keys),
/// returned in increasing item order.
fn weighted_sample(rng: &mut ChaCha8Rng, items: &[(u32, f64)], k: usize) -> Vec<u32> {
    let mut keyed: Vec<(f64, u32)> =
        items.iter().map(|&(i, w)| ((1.0 - rng.random::<f64>()).ln() / w.max(1e-12), i)).collect();
    if k < keyed.len() {
        keyed.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        keyed.truncate(k);
    }
    let mut out: Vec<u32> = keyed.into_iter().map(|x| x.1).collect();
    out.sort_unstable();
    out
}

/// A referral network around a term: same term and config, same edges, on any machine. See the
/// [module documentation](self) for the node names and the model.
pub fn generate_referrals(term: &Term, config: &ReferralConfig) -> Vec<EdgeRecord> {
    let partners = &term.partners;
    let np = partners.len();
    let insts = institutions_of(term);
    let ni = insts.len();
    let mut net = Net::new(insts.iter().map(|i| i.name).collect(), partners, config.as_of);

    // Partner attributes and buckets.
    let status: Vec<PartnerStatus> = partners.iter().map(|p| p.status).collect();
    let sector = sectors_of(partners);
    let size: Vec<f64> = partners.iter().map(|p| f64::from(p.employees.max(1)).powf(0.75)).collect();
    let (places, place) = places_of(partners);
    let mut bucket_index: FxMap<(u32, u8), u32> = FxMap::default();
    let mut bucket_key: Vec<(u32, u8)> = Vec::new();
    let bucket: Vec<u32> = (0..np)
        .map(|p| {
            let key = (place[p], sector[p]);
            *bucket_index.entry(key).or_insert_with(|| {
                bucket_key.push(key);
                bucket_key.len() as u32 - 1
            })
        })
        .collect();
    drop(bucket_index);
    let by_bucket = Groups::new(bucket_key.len(), (0..np as u32).map(|p| (bucket[p as usize], p)));
    let by_place = Groups::new(places.len(), (0..np as u32).map(|p| (place[p as usize], p)));
    let by_sector = Groups::new(SECTORS.len() + 1, (0..np as u32).map(|p| (u32::from(sector[p as usize]), p)));
    let sector_cum: Vec<Vec<f64>> =
        (0..=SECTORS.len() as u32).map(|s| cumulative(by_sector.get(s).iter().map(|&p| size[p as usize]))).collect();
    let all_cum = cumulative(size.iter().copied());

    // Partners near each institution, found from the distinct places.
    let lat_margin = NEAR_KM / 111.0 + 0.1;
    let place_insts = Groups::new(
        places.len(),
        places.iter().enumerate().flat_map(|(pl, &(_, lat, lon))| {
            insts.iter().enumerate().filter_map(move |(i, inst)| {
                ((lat - inst.lat).abs() <= lat_margin
                    && pounce::geo::haversine_km(inst.lat, inst.lon, lat, lon) <= NEAR_KM)
                    .then_some((pl as u32, i as u32))
            })
        }),
    );
    let mut near: Vec<Vec<u32>> = vec![Vec::new(); ni];
    for p in 0..np as u32 {
        for &i in place_insts.get(place[p as usize]) {
            near[i as usize].push(p);
        }
    }
    let near_cum: Vec<Vec<f64>> = near.iter().map(|l| cumulative(l.iter().map(|&p| size[p as usize]))).collect();

    // Everyone invented, per institution, with their employer (a partner index).
    let mut people: Vec<(u32, usize, Option<u32>)> = Vec::new();
    let mut people_of: Vec<Vec<u32>> = vec![Vec::new(); ni];

    // Alumni.
    let mut rng = rng_for(config.seed, STREAM_ALUMNI);
    let alumni = config.alumni_count(np, ni);
    for i in 0..ni {
        for _ in 0..alumni {
            let person = net.person(&mut rng);
            let graduated = between(&mut rng, 365, 15 * 365);
            let date = net.ago(&mut rng, graduated, graduated);
            net.edge(person, i as u32, EdgeKind::Alumnus, 1, date);
            let r = rng.random::<f64>();
            let employer = if r < 0.75 && !near[i].is_empty() {
                pick_cum(&mut rng, &near_cum[i]).map(|k| near[i][k])
            } else if r < 0.9 {
                pick_cum(&mut rng, &all_cum).map(|k| k as u32)
            } else {
                None
            };
            if let Some(p) = employer {
                let date = net.ago(&mut rng, 0, graduated.min(5 * 365));
                net.edge(person, net.partner_node(p), EdgeKind::WorksAt, 1, date);
            }
            people.push((person, i, employer));
            people_of[i].push(person);
        }
    }

    // Advisers and faculty.
    let mut rng = rng_for(config.seed, STREAM_ADVISERS);
    for (i, inst) in insts.iter().enumerate() {
        let count = (between(&mut rng, 3, 6) as usize + inst.projects / 5).min(40);
        let focus_near: Vec<u32> =
            near[i].iter().copied().filter(|&p| inst.focus.iter().any(|f| f.0 == sector[p as usize])).collect();
        let focus_near_cum = cumulative(focus_near.iter().map(|&p| size[p as usize]));
        let focus_cum = cumulative(inst.focus.iter().map(|f| f.1));
        for _ in 0..count {
            let person = net.person(&mut rng);
            let date = net.ago(&mut rng, 0, 6 * 365);
            net.edge(person, i as u32, EdgeKind::Advises, 1, date);
            let mut employer = None;
            if chance(&mut rng, 0.6) {
                employer = pick_cum(&mut rng, &focus_near_cum).map(|k| focus_near[k]).or_else(|| {
                    let s = inst.focus[pick_cum(&mut rng, &focus_cum)?].0;
                    let k = pick_cum(&mut rng, &sector_cum[s as usize])?;
                    Some(by_sector.get(u32::from(s))[k])
                });
                if let Some(p) = employer {
                    let date = net.ago(&mut rng, 0, 8 * 365);
                    net.edge(person, net.partner_node(p), EdgeKind::WorksAt, 1, date);
                }
            }
            people.push((person, i, employer));
            people_of[i].push(person);
        }
    }

    // Past projects.
    let mut rng = rng_for(config.seed, STREAM_PAST);
    let mut has_past = vec![false; np];
    for (i, inst) in insts.iter().enumerate() {
        let eligible: Vec<(u32, f64)> = near[i]
            .iter()
            .filter_map(|&p| {
                let q = &partners[p as usize];
                let w = match q.status {
                    PartnerStatus::Active => 1.0,
                    PartnerStatus::Lapsed => 0.5,
                    _ => return None,
                };
                Some((p, w * f64::from(q.employees.max(1)).powf(0.25)))
            })
            .collect();
        let per_project = 1.0 + rng.random::<f64>();
        let k = (inst.projects as f64 * per_project).round() as usize + between(&mut rng, 2, 5) as usize;
        for p in weighted_sample(&mut rng, &eligible, k) {
            let lapsed = status[p as usize] == PartnerStatus::Lapsed;
            let mut rating = match rng.random::<f64>() {
                x if x < 0.40 => 5,
                x if x < 0.75 => 4,
                x if x < 0.90 => 3,
                _ => 2,
            };
            if lapsed && rating > 2 && chance(&mut rng, 0.5) {
                rating -= 1;
            }
            let date = if lapsed { net.ago(&mut rng, 365, 4 * 365) } else { net.ago(&mut rng, 30, 4 * 365) };
            net.edge(i as u32, net.partner_node(p), EdgeKind::PastProject, rating, date);
            has_past[p as usize] = true;
        }
    }

    // Business associations.
    let mut rng = rng_for(config.seed, STREAM_ASSOCIATIONS);
    let mut association: Vec<Option<u32>> = vec![None; bucket_key.len()];
    let mut place_names: FxMap<&str, &str> = FxMap::default();
    for p in 0..np as u32 {
        let b = bucket[p as usize];
        if by_bucket.get(b).len() < 2 || !chance(&mut rng, 0.5) {
            continue;
        }
        let node = match association[b as usize] {
            Some(node) => node,
            None => {
                let (pl, s) = bucket_key[b as usize];
                let label = places[pl as usize].0;
                let (city, rest) = label.split_once(',').map_or((label, ""), |(c, r)| (c.trim(), r.trim()));
                let owner = *place_names.entry(city).or_insert(label);
                let city = if owner == label || rest.is_empty() { city.to_owned() } else { format!("{city} ({rest})") };
                let word = association_word(SECTORS.get(s as usize).copied().unwrap_or(""));
                let node = net.add_node(format!("{city} {word} Association"));
                association[b as usize] = Some(node);
                node
            }
        };
        let date = net.ago(&mut rng, 0, 12 * 365);
        net.edge(net.partner_node(p), node, EdgeKind::MemberOf, 1, date);
    }

    // Referrals: partners introduce partners, and a few people introduce partners.
    let mut rng = rng_for(config.seed, STREAM_REFERRALS);
    let mut chosen: Vec<u32> = Vec::with_capacity(8);
    for p in 0..np as u32 {
        if !matches!(status[p as usize], PartnerStatus::Active | PartnerStatus::Lapsed) {
            continue;
        }
        let mut k = match rng.random::<f64>() {
            x if x < 0.25 => 0,
            x if x < 0.65 => 1,
            x if x < 0.9 => 2,
            _ => 3,
        };
        if has_past[p as usize] {
            k += between(&mut rng, 1, 3);
        }
        chosen.clear();
        for _ in 0..k {
            let groups = [
                by_bucket.get(bucket[p as usize]),
                by_place.get(place[p as usize]),
                by_sector.get(u32::from(sector[p as usize])),
            ];
            let level = match rng.random::<f64>() {
                x if x < 0.65 => 0,
                x if x < 0.85 => 1,
                _ => 2,
            };
            let mut target = None;
            for group in &groups[level..] {
                for _ in 0..4 {
                    match other_in(&mut rng, group, p) {
                        Some(t) if status[t as usize] != PartnerStatus::Declined && !chosen.contains(&t) => {
                            target = Some(t);
                            break;
                        }
                        Some(_) => {}
                        None => break,
                    }
                }
                if target.is_some() {
                    break;
                }
            }
            if let Some(t) = target {
                chosen.push(t);
                let date = net.ago(&mut rng, 0, 3 * 365);
                net.edge(net.partner_node(p), net.partner_node(t), EdgeKind::Referred, 1, date);
            }
        }
    }
    for &(person, i, employer) in &people {
        if !chance(&mut rng, 0.1) {
            continue;
        }
        let target = match employer {
            Some(e) => other_in(&mut rng, by_bucket.get(bucket[e as usize]), e)
                .or_else(|| other_in(&mut rng, by_place.get(place[e as usize]), e)),
            None => other_in(&mut rng, &near[i], u32::MAX),
        };
        if let Some(t) = target {
            let date = net.ago(&mut rng, 0, 2 * 365);
            net.edge(person, net.partner_node(t), EdgeKind::Referred, 1, date);
        }
    }

    // Prospects not yet connected to an institution are introduced by someone who is.
    if ni > 0 {
        let mut rng = rng_for(config.seed, STREAM_BRIDGES);
        let anchored: Vec<bool> = (0..np as u32).map(|p| net.is_anchored(net.partner_node(p))).collect();
        let anchored_bucket = Groups::new(
            bucket_key.len(),
            (0..np as u32).filter(|&p| anchored[p as usize]).map(|p| (bucket[p as usize], p)),
        );
        let anchored_place =
            Groups::new(places.len(), (0..np as u32).filter(|&p| anchored[p as usize]).map(|p| (place[p as usize], p)));
        for p in 0..np as u32 {
            if status[p as usize] != PartnerStatus::Prospect || net.is_anchored(net.partner_node(p)) {
                continue;
            }
            let source = other_in(&mut rng, anchored_bucket.get(bucket[p as usize]), p)
                .or_else(|| other_in(&mut rng, anchored_place.get(place[p as usize]), p))
                .map(|s| net.partner_node(s))
                .or_else(|| {
                    let loc = &partners[p as usize].location;
                    let nearest = (0..ni)
                        .filter(|&i| !people_of[i].is_empty())
                        .map(|i| (pounce::geo::haversine_km(insts[i].lat, insts[i].lon, loc.lat, loc.lon), i))
                        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?
                        .1;
                    Some(people_of[nearest][below(&mut rng, people_of[nearest].len())])
                });
            if let Some(s) = source {
                let date = net.ago(&mut rng, 0, 2 * 365);
                net.edge(s, net.partner_node(p), EdgeKind::Referred, 1, date);
            }
        }
    }

    net.records()
}
