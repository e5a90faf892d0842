//! Unit and property tests of the scorers.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::model::*;
use crate::taxonomy::naics::IndustryCode;

fn loc(city: &str) -> Location {
    let c = crate::Gazetteer::bundled().resolve(city).unwrap();
    Location { lat: c.lat, lon: c.lon, timezone: c.timezone, place: c.label() }
}

fn code(s: &str) -> IndustryCode {
    crate::Naics::bundled().code(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn project() -> Project {
    Project {
        id: "P1".into(),
        institution: "Tech U".into(),
        title: "Telemetry".into(),
        industries: vec![code("5415")],
        skills: vec![
            SkillWant { tag: "rust".into(), weight: 2.0 },
            SkillWant { tag: "sql".into(), weight: 1.0 },
            SkillWant { tag: "machine learning".into(), weight: 1.0 },
        ],
        framework: Framework::Pbl,
        weeks: 12,
        start: date("2027-01-11"),
        mentor_hours: 2.0,
        team_size: 4,
        location: loc("Toronto, CA"),
        remote: false,
        max_km: 50.0,
        size: SizeBand::Any,
        ip: IpPolicy::Student,
        must: DimensionSet::EMPTY,
    }
}

fn partner() -> Partner {
    Partner {
        id: "Q1".into(),
        name: "Acme".into(),
        industries: vec![code("541511")],
        skills: vec!["rust".into(), "sql".into(), "machine-learning".into()],
        employees: 40,
        location: loc("Toronto, CA"),
        remote: false,
        capacity: 2,
        mentor_hours: 4.0,
        contacts: 3,
        frameworks: vec!["pbl:6-16".parse().unwrap()],
        ip: vec![IpPolicy::Student, IpPolicy::Open],
        available_from: None,
        available_to: None,
        status: PartnerStatus::Active,
    }
}

fn assess(p: Project, q: Partner) -> [Assessment; Dimension::COUNT] {
    let mut q = q;
    q.skills = q.skills.iter().map(|s| crate::taxonomy::skills::normalize(s)).collect();
    let term = Term { projects: vec![p], partners: vec![q] };
    Scorer::new(&term, &Weights::default()).assess(0, 0)
}

fn dim(p: Project, q: Partner, d: Dimension) -> Assessment {
    assess(p, q)[d.index()]
}

#[test]
fn identical_partner_scores_one_everywhere() {
    let a = assess(project(), partner());
    assert_eq!(a[Dimension::Referral.index()].note, Note::NoReferralGraph);
    for d in Dimension::ALL.into_iter().filter(|d| *d != Dimension::Referral) {
        assert_eq!(a[d.index()].value, 1.0, "{d}");
        assert!(a[d.index()].pass, "{d}");
    }
}

#[test]
fn industry_identical_far_and_none() {
    let mut p = project();
    p.industries = vec![code("541511")];
    assert_eq!(dim(p.clone(), partner(), Dimension::Industry).value, 1.0);
    let mut q = partner();
    q.industries = vec![code("541512")];
    let a = dim(p.clone(), q.clone(), Dimension::Industry);
    assert_eq!(a.value, 0.8);
    assert!(!a.pass, "a sibling code is close but not the wanted industry");
    q.industries = vec![code("111110")];
    assert_eq!(dim(p.clone(), q, Dimension::Industry).value, 0.0);
    p.industries = vec![];
    let a = dim(p, partner(), Dimension::Industry);
    assert_eq!((a.value, a.pass, a.note), (1.0, true, Note::NoPreference));
}

#[test]
fn industry_averages_over_wanted_codes() {
    let mut p = project();
    p.industries = vec![code("541511"), code("111")];
    let a = dim(p, partner(), Dimension::Industry);
    assert_eq!(a.value, 0.5);
    assert!(a.pass);
}

#[test]
fn skills_weighted_fuzzy_and_empty() {
    let mut q = partner();
    q.skills = vec!["rust".into()];
    let a = dim(project(), q.clone(), Dimension::Skills);
    assert_eq!(a.value, 0.5); // rust has weight 2 of 4
    assert!(!a.pass);
    assert_eq!(a.note, Note::Skills { covered: 1, wanted: 3 });
    q.skills = vec![];
    assert_eq!(dim(project(), q, Dimension::Skills).value, 0.0);
    let mut p = project();
    p.skills.clear();
    assert_eq!(dim(p, partner(), Dimension::Skills).value, 1.0);
}

#[test]
fn size_bands() {
    let mut p = project();
    p.size = SizeBand::Small;
    let mut q = partner();
    assert_eq!(dim(p.clone(), q.clone(), Dimension::Size).value, 1.0);
    q.employees = 100;
    assert_eq!(dim(p.clone(), q.clone(), Dimension::Size).value, 0.5);
    q.employees = 5000;
    assert_eq!(dim(p.clone(), q.clone(), Dimension::Size).value, 0.2);
    p.size = SizeBand::Micro;
    let a = dim(p, q, Dimension::Size);
    assert_eq!((a.value, a.pass), (0.0, false));
}

#[test]
fn location_in_person_distance() {
    let mut q = partner();
    q.location = loc("Hamilton, CA"); // about 58 km from Toronto
    let a = dim(project(), q.clone(), Dimension::Location);
    assert!(!a.pass);
    assert!(a.value > 0.3 && a.value < 0.5, "{}", a.value);
    let mut p = project();
    p.max_km = 100.0;
    let a = dim(p, q, Dimension::Location);
    assert!(a.pass && a.value > 0.6);
}

#[test]
fn location_antipodes_in_person_is_zero() {
    let mut p = project();
    p.location = Location { lat: 10.0, lon: 20.0, timezone: chrono_tz::UTC, place: "a".into() };
    let mut q = partner();
    q.location = Location { lat: -10.0, lon: -160.0, timezone: chrono_tz::UTC, place: "b".into() };
    p.max_km = 20_000.0;
    let a = dim(p.clone(), q.clone(), Dimension::Location);
    let Note::InPerson { km, .. } = a.note else { panic!() };
    assert!((km - 20_015.1).abs() < 1.0, "{km}");
    assert!(a.value > 0.49 && a.value < 0.5 && !a.pass);
    p.max_km = 0.0;
    assert_eq!(dim(p, q, Dimension::Location).value, 0.0);
}

#[test]
fn location_remote_uses_working_hour_overlap() {
    let mut p = project();
    p.remote = true;
    let mut q = partner();
    q.remote = true;
    q.location = loc("Amsterdam, NL"); // 6 h ahead of Toronto in January: 2 h overlap
    let a = dim(p.clone(), q.clone(), Dimension::Location);
    assert_eq!(a.note, Note::Remote { km: haversine(&p, &q), overlap_hours: 2.0 });
    assert_eq!(a.value, 0.25);
    assert!(a.pass, "2 h meets the default minimum");
    q.location = loc("Sydney, AU"); // 16 h ahead in January (DST): no overlap
    let a = dim(p.clone(), q.clone(), Dimension::Location);
    assert_eq!((a.value, a.pass), (0.0, false));
    // Remote only counts when both sides accept it.
    p.remote = false;
    q.location = loc("Amsterdam, NL");
    assert!(matches!(dim(p, q, Dimension::Location).note, Note::InPerson { .. }));
}

fn haversine(p: &Project, q: &Partner) -> f64 {
    crate::geo::haversine_km(p.location.lat, p.location.lon, q.location.lat, q.location.lon)
}

#[test]
fn commitment_hours_and_contacts() {
    let mut q = partner();
    q.mentor_hours = 1.0;
    q.contacts = 1;
    let a = dim(project(), q.clone(), Dimension::Commitment);
    assert!((a.value - 0.5 * 0.8).abs() < 1e-12);
    assert!(!a.pass);
    q.mentor_hours = 0.0;
    assert_eq!(dim(project(), q.clone(), Dimension::Commitment).value, 0.0);
    let mut p = project();
    p.mentor_hours = 0.0;
    let a = dim(p, q, Dimension::Commitment);
    assert!(a.pass && (a.value - 0.8).abs() < 1e-12, "zero hours needed, zero offered");
}

#[test]
fn framework_refused_out_of_range_and_level() {
    let mut p = project();
    p.framework = Framework::Apprenticeship;
    let a = dim(p.clone(), partner(), Dimension::Framework);
    assert_eq!((a.value, a.pass), (0.0, false));
    p.framework = Framework::Pbl;
    p.weeks = 20; // 4 weeks over the 6-16 range
    let a = dim(p.clone(), partner(), Dimension::Framework);
    assert!(!a.pass && (a.value - 0.8).abs() < 1e-12, "{}", a.value);
    let mut q = partner();
    q.frameworks = vec!["codesign".parse().unwrap()];
    q.contacts = 1; // medium level; co-design demands high
    p.framework = Framework::Codesign;
    let a = dim(p, q, Dimension::Framework);
    assert!(a.pass && (a.value - 0.6).abs() < 1e-12);
}

#[test]
fn schedule_coverage() {
    let mut q = partner();
    q.available_to = Some(date("2027-02-07")); // 28 of 84 days
    let a = dim(project(), q.clone(), Dimension::Schedule);
    assert!(!a.pass && (a.value - 28.0 / 84.0).abs() < 1e-12);
    q.available_from = Some(date("2028-01-01"));
    q.available_to = None;
    assert_eq!(dim(project(), q, Dimension::Schedule).value, 0.0);
}

#[test]
fn ip_acceptance() {
    let mut p = project();
    p.ip = IpPolicy::Partner;
    let a = dim(p, partner(), Dimension::Ip);
    assert_eq!((a.value, a.pass), (0.0, false));
}

#[test]
fn must_excludes_and_keeps_the_reason() {
    let mut p = project();
    p.must = [Dimension::Ip, Dimension::Location].into_iter().collect();
    p.ip = IpPolicy::Partner;
    let mut q = partner();
    q.location = loc("Ottawa, CA");
    q.skills = vec!["rust".into()];
    let term = Term { projects: vec![p], partners: vec![q] };
    let s = Scorer::new(&term, &Weights::default());
    let score = s.score(0, 0);
    assert!(!score.feasible());
    assert_eq!(score.excluded.names(), "location;ip");
    let e = s.explain(0, 0);
    assert_eq!(e.excluded.len(), 2);
    assert!(e.excluded[0].starts_with("must location: 349 km"), "{}", e.excluded[0]);
    let total: f64 = e.dimensions.iter().map(|d| d.contribution).sum();
    assert!((total - score.fit).abs() < 1e-12);
}

#[test]
fn declined_and_full_partners_are_excluded() {
    let mut q = partner();
    q.status = PartnerStatus::Declined;
    q.capacity = 0;
    let term = Term { projects: vec![project()], partners: vec![q] };
    let s = Scorer::new(&term, &Weights::default()).score(0, 0);
    assert_eq!(s.excluded.names(), "declined;no_capacity");
}

#[test]
fn summary_reads_like_a_sentence() {
    let mut q = partner();
    q.mentor_hours = 1.0;
    let term = Term { projects: vec![project()], partners: vec![q] };
    let e = Scorer::new(&term, &Weights::default()).explain(0, 0);
    assert_eq!(e.summary, "Acme (Toronto, CA, 0 km) covers 3 of 3 skills; same industry; mentor hours 1 of 2 needed.");
}

fn arb_project() -> impl Strategy<Value = Project> {
    (
        prop::sample::subsequence(vec!["rust", "sql", "python", "gis", "autocad", "excel"], 0..4),
        prop::sample::select(vec!["11", "5415", "541511", "921110", "33", "611310"]),
        0u32..60,
        0.0f64..10.0,
        0.0f64..500.0,
        any::<bool>(),
        prop::sample::select(vec!["Toronto, CA", "Sydney, AU", "Lyon, FR", "Denver, US"]),
    )
        .prop_map(|(skills, ind, weeks, hours, km, remote, city)| {
            let mut p = project();
            p.skills = skills.into_iter().map(|t| SkillWant { tag: t.into(), weight: 1.0 }).collect();
            p.industries = vec![code(ind)];
            p.weeks = weeks.max(1);
            p.mentor_hours = hours;
            p.max_km = km;
            p.remote = remote;
            p.location = loc(city);
            p
        })
}

fn arb_partner() -> impl Strategy<Value = Partner> {
    (
        prop::sample::subsequence(vec!["rust", "sql", "python", "gis", "autocad", "excel", "java"], 0..5),
        prop::sample::select(vec!["111110", "541512", "921110", "336110", "611310"]),
        1u32..20_000,
        0.0f64..20.0,
        0u32..5,
        any::<bool>(),
        prop::sample::select(vec!["Hamilton, CA", "Auckland, NZ", "Paris, FR", "Boulder, US"]),
    )
        .prop_map(|(skills, ind, employees, hours, contacts, remote, city)| {
            let mut q = partner();
            q.skills = skills.into_iter().map(String::from).collect();
            q.industries = vec![code(ind)];
            q.employees = employees;
            q.mentor_hours = hours;
            q.contacts = contacts;
            q.remote = remote;
            q.location = loc(city);
            q
        })
}

proptest! {
    #[test]
    fn every_score_stays_in_unit_interval(p in arb_project(), q in arb_partner()) {
        let term = Term { projects: vec![p], partners: vec![q] };
        let s = Scorer::new(&term, &Weights::default()).score(0, 0);
        for v in s.dimensions.iter().chain([&s.fit, &s.appeal, &s.mutual]) {
            prop_assert!((0.0..=1.0).contains(v), "{v}");
        }
    }

    #[test]
    fn adding_a_matching_skill_never_lowers_skills(p in arb_project(), q in arb_partner(), pick in 0usize..4) {
        let before = dim(p.clone(), q.clone(), Dimension::Skills).value;
        let mut q2 = q;
        if let Some(w) = p.skills.get(pick % p.skills.len().max(1)) {
            q2.skills.push(w.tag.clone());
        }
        let after = dim(p, q2, Dimension::Skills).value;
        prop_assert!(after >= before, "{before} -> {after}");
    }
}
