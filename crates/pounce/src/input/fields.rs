//! Field-level parsing and validation, shared by the CSV and JSON readers.

use std::str::FromStr;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::{Record, Reference, Value};
use crate::error::{Problem, Problems};
use crate::model::{
    Dimension, DimensionSet, Framework, FrameworkOffer, IpPolicy, Location, Partner, PartnerStatus, Project, SizeBand,
    SkillWant,
};
use crate::taxonomy::naics::IndustryCode;
use crate::taxonomy::skills::normalize;

/// Parses a boolean as spreadsheets write it: `true/false`, `yes/no`, `y/n`, `1/0` (any case).
///
/// ```
/// assert_eq!(pounce::input::parse_bool("Yes"), Some(true));
/// assert_eq!(pounce::input::parse_bool("0"), Some(false));
/// assert_eq!(pounce::input::parse_bool("maybe"), None);
/// ```
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Parses an ISO date `YYYY-MM-DD`.
///
/// ```
/// assert!(pounce::input::parse_date("2027-01-11").is_some());
/// assert!(pounce::input::parse_date("11/01/2027").is_none());
/// ```
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The fields of one record, with every problem recorded as it is found.
pub(crate) struct Fields<'a> {
    source: &'a str,
    rec: &'a Record,
    problems: &'a mut Problems,
    failed: bool,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(source: &'a str, rec: &'a Record, problems: &'a mut Problems) -> Self {
        Fields { source, rec, problems, failed: false }
    }

    /// Whether any problem was recorded for this record.
    pub(crate) fn failed(&self) -> bool {
        self.failed
    }

    /// The record's place (line or JSON path).
    pub(crate) fn place(&self) -> &crate::error::Place {
        &self.rec.place
    }

    pub(crate) fn problem(&mut self, field: &str, reason: impl Into<String>) {
        self.failed = true;
        self.problems.push(Problem::new(self.source, self.rec.place.clone(), Some(field), reason));
    }

    /// The text of a single-valued field; `None` when absent or empty.
    pub(crate) fn text(&mut self, field: &str) -> Option<&'a str> {
        match self.rec.fields.get(field) {
            None => None,
            Some(Value::Text(s)) => Some(s.as_str()),
            Some(Value::List(_)) => {
                self.problem(field, "expected a single value, found a list");
                None
            }
        }
    }

    pub(crate) fn required(&mut self, field: &str) -> Option<&'a str> {
        let t = self.text(field);
        // A list where one value is expected has been reported already.
        if t.is_none() && !matches!(self.rec.fields.get(field), Some(Value::List(_))) {
            self.problem(field, "a value is required");
        }
        t
    }

    /// A list field: an array, or text separated by `;`.
    fn list(&mut self, field: &str) -> Vec<&'a str> {
        match self.rec.fields.get(field) {
            None => vec![],
            Some(Value::Text(s)) => s.split(';').map(str::trim).filter(|s| !s.is_empty()).collect(),
            Some(Value::List(v)) => v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect(),
        }
    }

    fn parse<T: FromStr<Err = String>>(&mut self, field: &str, default: T) -> T {
        match self.text(field) {
            None => default,
            Some(s) => match s.parse() {
                Ok(v) => v,
                Err(e) => {
                    self.problem(field, e);
                    default
                }
            },
        }
    }

    fn parse_list<T: FromStr<Err = String>>(&mut self, field: &str) -> Vec<T> {
        let mut out = Vec::new();
        for item in self.list(field) {
            match item.parse() {
                Ok(v) => out.push(v),
                Err(e) => self.problem(field, e),
            }
        }
        out
    }

    pub(crate) fn whole(&mut self, field: &str, default: u32, min: u32, max: u32) -> u32 {
        let Some(s) = self.text(field) else { return default };
        match s.parse::<u64>() {
            Ok(v) if (u64::from(min)..=u64::from(max)).contains(&v) => v as u32,
            Ok(v) => {
                self.problem(field, format!("{v} is out of range: expected {min} to {max}"));
                default
            }
            Err(_) => {
                let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
                let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
                let reason = if whole && s.starts_with('-') {
                    format!("must not be negative, found \"{s}\"")
                } else if whole {
                    format!("{s} is out of range: expected {min} to {max}")
                } else {
                    format!("expected a whole number, found \"{s}\"")
                };
                self.problem(field, reason);
                default
            }
        }
    }

    pub(crate) fn number(&mut self, field: &str, default: f64, min: f64, max: f64) -> f64 {
        let Some(s) = self.text(field) else { return default };
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= min && v <= max => v,
            Ok(v) if v.is_nan() => {
                self.problem(field, "expected a number, found NaN");
                default
            }
            Ok(v) if !v.is_finite() => {
                self.problem(field, format!("expected a finite number, found \"{s}\""));
                default
            }
            Ok(v) if v < 0.0 && min >= 0.0 => {
                self.problem(field, format!("must not be negative, found {v}"));
                default
            }
            Ok(_) => {
                self.problem(field, format!("{s} is out of range: expected {min} to {max}"));
                default
            }
            Err(_) => {
                self.problem(field, format!("expected a number, found \"{s}\""));
                default
            }
        }
    }

    fn boolean(&mut self, field: &str, default: bool) -> bool {
        let Some(s) = self.text(field) else { return default };
        parse_bool(s).unwrap_or_else(|| {
            self.problem(field, format!("expected true or false, found \"{s}\""));
            default
        })
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let s = self.text(field)?;
        let d = parse_date(s);
        if d.is_none() {
            self.problem(field, format!("expected a date as YYYY-MM-DD, found \"{s}\""));
        }
        d
    }

    fn industries(&mut self, reference: Reference<'_>, required: bool) -> Vec<IndustryCode> {
        let items = self.list("industries");
        if items.is_empty() && required {
            self.problem("industries", "at least one NAICS 2022 code is required");
        }
        let mut out = Vec::new();
        for item in items {
            match reference.naics.code(item) {
                Some(c) if !out.contains(&c) => out.push(c),
                Some(_) => {}
                None if IndustryCode::parse(item).is_none() => {
                    self.problem("industries", format!("\"{item}\" is not a NAICS code (2 to 6 digits)"))
                }
                None => self.problem("industries", format!("unknown NAICS 2022 code \"{item}\"")),
            }
        }
        out
    }

    fn location(&mut self, reference: Reference<'_>) -> Option<Location> {
        let city = self.text("city");
        let lat = self.text("lat").map(|_| self.number("lat", 0.0, -90.0, 90.0));
        let lon = self.text("lon").map(|_| self.number("lon", 0.0, -180.0, 180.0));
        let tz = match self.text("timezone") {
            None => None,
            Some(s) => match s.parse::<Tz>() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    self.problem("timezone", format!("unknown IANA time zone \"{s}\" (e.g. Europe/Amsterdam)"));
                    return None;
                }
            },
        };
        if lat.is_some() != lon.is_some() {
            self.problem(if lat.is_some() { "lon" } else { "lat" }, "lat and lon go together: give both or neither");
            return None;
        }
        match (city, lat.zip(lon)) {
            (Some(c), coords) => match reference.cities.resolve(c) {
                Ok(city) => {
                    let (lat, lon) = coords.unwrap_or((city.lat, city.lon));
                    Some(Location {
                        lat,
                        lon,
                        timezone: tz.unwrap_or(city.timezone),
                        place: reference.cities.label(city),
                    })
                }
                Err(e) => {
                    self.problem("city", e);
                    None
                }
            },
            (None, Some((lat, lon))) => {
                let nearest = reference.cities.nearest(lat, lon);
                let timezone = tz.or(nearest.map(|c| c.timezone)).unwrap_or(Tz::UTC);
                let place = nearest.map_or_else(|| format!("{lat:.3}, {lon:.3}"), |c| format!("near {}", c.label()));
                Some(Location { lat, lon, timezone, place })
            }
            (None, None) => {
                self.problem("city", "a location is required: give city as \"Name, CC\", or lat and lon");
                None
            }
        }
    }

    fn skill_wants(&mut self) -> Vec<SkillWant> {
        let mut out: Vec<SkillWant> = Vec::new();
        for item in self.list("skills") {
            let (tag, weight) = match item.rsplit_once(':') {
                Some((t, w)) => match w.trim().parse::<f64>() {
                    Ok(w) if w.is_finite() && w > 0.0 => (t, w),
                    _ => {
                        self.problem("skills", format!("\"{item}\": the weight after ':' must be a number > 0"));
                        continue;
                    }
                },
                None => (item, 1.0),
            };
            let tag = normalize(tag);
            if tag.is_empty() {
                self.problem("skills", format!("\"{item}\" has an empty skill name"));
                continue;
            }
            match out.iter_mut().find(|s| s.tag == tag) {
                Some(s) => s.weight = s.weight.max(weight),
                None => out.push(SkillWant { tag, weight }),
            }
        }
        out
    }

    fn skill_tags(&mut self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for item in self.list("skills") {
            let tag = normalize(item);
            if tag.is_empty() {
                self.problem("skills", format!("\"{item}\" has an empty skill name"));
            } else if !out.contains(&tag) {
                out.push(tag);
            }
        }
        out
    }

    fn id(&mut self) -> Option<String> {
        let id = self.required("id")?;
        if id.contains(['\n', '\r']) {
            self.problem("id", "must not contain line breaks");
        }
        Some(id.to_owned())
    }

    /// Builds a project, or `None` when any field is wrong (the problems are recorded).
    pub fn project(&mut self, reference: Reference<'_>) -> Option<Project> {
        let id = self.id();
        let institution = self.required("institution");
        let title = self.required("title");
        let industries = self.industries(reference, false);
        let skills = self.skill_wants();
        let framework = self.parse("framework", Framework::Pbl);
        let weeks = self.whole("weeks", 12, 1, 520);
        let start = self.date("start");
        if start.is_none() && self.text("start").is_none() {
            self.problem("start", "a value is required (YYYY-MM-DD)");
        }
        let mentor_hours = self.number("mentor_hours", 2.0, 0.0, 168.0);
        let team_size = self.whole("team_size", 4, 1, 1000);
        let location = self.location(reference);
        let remote = self.boolean("remote", false);
        let max_km = self.number("max_km", 50.0, 0.0, 40_100.0);
        let size = self.parse("size", SizeBand::Any);
        let ip = self.parse("ip", IpPolicy::Student);
        let must: DimensionSet = self.parse_list::<Dimension>("must").into_iter().collect();
        if self.failed {
            return None;
        }
        Some(Project {
            id: id?,
            institution: institution?.to_owned(),
            title: title?.to_owned(),
            industries,
            skills,
            framework,
            weeks,
            start: start?,
            mentor_hours,
            team_size,
            location: location?,
            remote,
            max_km,
            size,
            ip,
            must,
        })
    }

    /// Builds a partner, or `None` when any field is wrong (the problems are recorded).
    pub fn partner(&mut self, reference: Reference<'_>) -> Option<Partner> {
        let id = self.id();
        let name = self.required("name");
        let industries = self.industries(reference, true);
        let skills = self.skill_tags();
        let employees = match self.required("employees") {
            Some(_) => self.whole("employees", 1, 1, 10_000_000),
            None => 1,
        };
        let location = self.location(reference);
        let remote = self.boolean("remote", false);
        let capacity = self.whole("capacity", 1, 0, 100_000);
        let mentor_hours = self.number("mentor_hours", 2.0, 0.0, 10_000.0);
        let contacts = self.whole("contacts", 1, 0, 10_000);
        let mut frameworks: Vec<FrameworkOffer> = self.parse_list("frameworks");
        if self.list("frameworks").is_empty() {
            frameworks = vec![FrameworkOffer::from_str("pbl").expect("pbl parses")];
        }
        let mut seen = Vec::new();
        for f in &frameworks {
            if seen.contains(&f.framework) {
                self.problem("frameworks", format!("{} is listed twice", f.framework));
            }
            seen.push(f.framework);
        }
        let mut ip: Vec<IpPolicy> = self.parse_list("ip");
        if ip.is_empty() {
            ip = IpPolicy::ALL.to_vec();
        }
        ip.sort();
        ip.dedup();
        let available_from = self.date("available_from");
        let available_to = self.date("available_to");
        if let (Some(a), Some(b)) = (available_from, available_to) {
            if a > b {
                self.problem("available_to", format!("{b} is before available_from {a}"));
            }
        }
        let status = self.parse("status", PartnerStatus::Active);
        if self.failed {
            return None;
        }
        Some(Partner {
            id: id?,
            name: name?.to_owned(),
            industries,
            skills,
            employees,
            location: location?,
            remote,
            capacity,
            mentor_hours,
            contacts,
            frameworks,
            ip,
            available_from,
            available_to,
            status,
        })
    }
}
