//! Tests of the instance generator: validity (round trip through the readers), determinism,
//! marginals, places and edge cases.

use pounce::input::{Reference, read_partners_csv, read_projects_csv};
use pounce::output::{write_partners_csv, write_projects_csv};
use pounce::{City, Framework, Gazetteer, IpPolicy, Naics, Scorer, Side, Term, Weights, recommend};
use pounce_sim::generate::{SIZE_CLASSES, institutions, sector_shares, size_class_of};
use pounce_sim::{GeneratorConfig, generate, generate_partners};

fn city(label: &str) -> City {
    Gazetteer::bundled().resolve(label).unwrap().clone()
}

fn sample_cities() -> Vec<City> {
    ["Eindhoven, NL", "Lyon, FR", "Guelph, CA", "Denver, US", "Vancouver, CA"].map(city).to_vec()
}

fn csv_bytes(term: &Term) -> (Vec<u8>, Vec<u8>) {
    let (mut projects, mut partners) = (Vec::new(), Vec::new());
    write_projects_csv(&mut projects, "projects.csv", &term.projects).unwrap();
    write_partners_csv(&mut partners, "partners.csv", &term.partners).unwrap();
    (projects, partners)
}

fn read_back(term: &Term) -> Term {
    let (projects, partners) = csv_bytes(term);
    let r = Reference::bundled();
    Term {
        projects: read_projects_csv(projects.as_slice(), "projects.csv", r).unwrap_or_else(|e| panic!("{e}")),
        partners: read_partners_csv(partners.as_slice(), "partners.csv", r).unwrap_or_else(|e| panic!("{e}")),
    }
}

#[test]
fn what_is_generated_reads_back_unchanged() {
    for config in [
        GeneratorConfig::new(300, 3000, 11),
        GeneratorConfig { near: sample_cities(), ..GeneratorConfig::new(40, 1000, 2027) },
        GeneratorConfig { id_prefix: "GEN-".into(), local_share: 0.0, ..GeneratorConfig::new(17, 500, 5) },
    ] {
        let term = generate(&config);
        assert_eq!((term.projects.len(), term.partners.len()), (config.projects, config.partners));
        let back = read_back(&term);
        assert_eq!(back.projects, term.projects);
        assert_eq!(back.partners, term.partners);
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let config = GeneratorConfig::new(60, 800, 99);
    let a = csv_bytes(&generate(&config));
    let b = csv_bytes(&generate(&config.clone()));
    assert_eq!(a, b);
    let c = csv_bytes(&generate(&GeneratorConfig { seed: 100, ..config }));
    assert_ne!(a.0, c.0);
    assert_ne!(a.1, c.1);
}

#[test]
fn same_seed_same_term_on_other_threads() {
    let config = GeneratorConfig::new(40, 400, 8);
    let here = generate(&config);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let c = config.clone();
            std::thread::spawn(move || generate(&c))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), here);
    }
}

#[test]
fn prefixes_and_pools_are_stable() {
    let small = GeneratorConfig::new(16, 100, 4);
    let big = GeneratorConfig { partners: 1000, ..small.clone() };
    let (a, b) = (generate(&small), generate(&big));
    assert_eq!(a.projects, b.projects);
    assert_eq!(a.partners[..], b.partners[..100]);
    assert_eq!(generate_partners(&big), b.partners);
    // More projects (same institutions) do not change the partners.
    let more = GeneratorConfig { projects: 23, ..small.clone() };
    assert_eq!(generate(&more).partners, a.partners);
    assert_eq!(generate(&more).projects[..16], a.projects[..]);
}

#[test]
fn ids_are_unique_and_formatted() {
    let term = generate(&GeneratorConfig::new(120, 1500, 3));
    assert_eq!(term.partners[0].id, "Q000001");
    assert_eq!(term.partners[1499].id, "Q001500");
    assert_eq!(term.projects[0].id, "P000001");
    let mut ids: Vec<&str> = term.partners.iter().map(|q| q.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1500);
    let prefixed = generate_partners(&GeneratorConfig { id_prefix: "X".into(), ..GeneratorConfig::new(0, 3, 3) });
    assert_eq!(prefixed[2].id, "X000003");
}

#[test]
fn sector_and_size_marginals_follow_the_tables() {
    let n = 20_000;
    let partners = generate_partners(&GeneratorConfig::new(40, n, 20_000));
    let shares = sector_shares();
    let mut sectors = vec![0usize; shares.len()];
    let mut classes = [0usize; 6];
    for q in &partners {
        let s = q.industries[0].sector();
        assert!(q.industries.iter().all(|c| c.sector() == s && c.len() == 6), "{:?}", q.industries);
        sectors[shares.iter().position(|x| x.sector == s).unwrap()] += 1;
        classes[size_class_of(q.employees)] += 1;
    }
    for (s, k) in shares.iter().zip(&sectors) {
        let got = *k as f64 / n as f64;
        assert!((got - s.share).abs() <= 0.02, "sector {}: {got:.4} vs {:.4}", s.sector, s.share);
    }
    for (c, k) in classes.iter().enumerate() {
        let want: f64 = shares.iter().map(|s| s.share * s.size_classes[c]).sum();
        let got = *k as f64 / n as f64;
        assert!((got - want).abs() <= 0.02, "{}: {got:.4} vs {want:.4}", SIZE_CLASSES[c].label);
    }
    // As in the data, micro firms dominate.
    assert!(classes[0] + classes[1] > n * 7 / 10);
}

#[test]
fn shares_are_documented_sums() {
    let shares = sector_shares();
    assert_eq!(shares.len(), 20);
    assert!((shares.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
    for s in shares {
        assert!(s.share > 0.0, "{}", s.sector);
        assert!((s.size_classes.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{}", s.sector);
    }
    let get = |k: &str| shares.iter().find(|s| s.sector == k).unwrap();
    assert_eq!(get("54").firms, 860_202.0); // SUSB 2021, 01: Total
    assert_eq!(get("31-33").source, pounce_sim::generate::ShareSource::EmploymentGuess);
}

#[test]
fn partners_are_plausible() {
    let start = GeneratorConfig::default().start;
    let config = GeneratorConfig { near: sample_cities(), ..GeneratorConfig::new(40, 5000, 1) };
    let partners = generate_partners(&config);
    let naics = Naics::bundled();
    let mut excel = 0;
    let mut pbl = 0;
    let mut student = 0;
    for q in &partners {
        assert!((5..=12).contains(&q.skills.len()), "{:?}", q.skills);
        let mut s = q.skills.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), q.skills.len());
        excel += q.skills.iter().any(|t| t == "microsoft excel") as usize;
        assert!((1..=2).contains(&q.industries.len()));
        assert!(q.industries.iter().all(|c| naics.title(c).is_some()));
        assert!((1..=20_000).contains(&q.employees));
        assert!((1..=8).contains(&q.capacity));
        assert!(q.mentor_hours >= 1.0 && q.mentor_hours <= 20.0);
        assert!(q.contacts >= 1);
        assert!(!q.frameworks.is_empty());
        for f in &q.frameworks {
            assert!(f.min_weeks <= f.max_weeks);
            assert_eq!(q.frameworks.iter().filter(|g| g.framework == f.framework).count(), 1);
        }
        pbl += q.offer(Framework::Pbl).is_some() as usize;
        assert!(!q.ip.is_empty() && q.ip.windows(2).all(|w| w[0] < w[1]));
        student += q.ip.contains(&IpPolicy::Student) as usize;
        if let (Some(a), Some(b)) = (q.available_from, q.available_to) {
            assert!(a <= b && b > start);
        }
        assert!(!q.name.trim().is_empty());
    }
    let n = partners.len();
    assert!(excel < n / 3, "microsoft excel in {excel} of {n}");
    assert!(pbl > n * 9 / 10);
    assert!(student > n * 3 / 4);
    // Larger firms have more capacity and hours.
    let avg = |f: &dyn Fn(&pounce::Partner) -> bool| {
        let v: Vec<_> = partners.iter().filter(|q| f(q)).collect();
        v.iter().map(|q| q.mentor_hours).sum::<f64>() / v.len() as f64
    };
    assert!(avg(&|q| q.employees >= 100) > avg(&|q| q.employees < 10) + 3.0);
}

#[test]
fn every_partner_city_is_in_the_gazetteer_and_local_ones_are_near() {
    let g = Gazetteer::bundled();
    let near = sample_cities();
    let config = GeneratorConfig { near: near.clone(), local_share: 1.0, ..GeneratorConfig::new(10, 2000, 6) };
    for q in generate_partners(&config) {
        let c = g.resolve(&q.location.place).unwrap();
        assert_eq!((c.lat, c.lon, c.timezone), (q.location.lat, q.location.lon, q.location.timezone));
        let d = near.iter().map(|n| pounce::geo::haversine_km(n.lat, n.lon, c.lat, c.lon)).fold(f64::MAX, f64::min);
        assert!(d <= 150.0, "{} is {d:.0} km from every institution", q.location.place);
    }
    let countries = ["NL", "FR", "CA", "US"];
    let far = GeneratorConfig { local_share: 0.0, ..config };
    let partners = generate_partners(&far);
    for q in &partners {
        let c = g.resolve(&q.location.place).unwrap();
        assert!(countries.contains(&c.country.as_str()), "{}", q.location.place);
    }
    // Country-wide partners are mostly far from the institutions.
    let distant = partners
        .iter()
        .filter(|q| {
            near.iter().all(|n| pounce::geo::haversine_km(n.lat, n.lon, q.location.lat, q.location.lon) > 150.0)
        })
        .count();
    assert!(distant > partners.len() / 2);
}

#[test]
fn drawn_institutions_are_in_big_cities() {
    let g = Gazetteer::bundled();
    let config = GeneratorConfig::new(400, 0, 12);
    let list = institutions(&config);
    assert_eq!(list.len(), 50);
    let mut names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 50, "institution names are unique");
    for i in &list {
        assert!(g.resolve(&i.location.place).unwrap().population >= 100_000);
    }
    let term = generate(&config);
    for (k, p) in term.projects.iter().enumerate() {
        assert_eq!(p.institution, list[k % 50].name);
        assert_eq!(p.location, list[k % 50].location);
    }
}

#[test]
fn projects_are_plausible() {
    let start = GeneratorConfig::default().start;
    let term = generate(&GeneratorConfig::new(2000, 0, 21));
    let mut must = 0;
    let mut pbl = 0;
    for p in &term.projects {
        assert!((1..=2).contains(&p.industries.len()));
        assert!(p.industries.iter().all(|c| (4..=6).contains(&c.len())));
        assert!((3..=6).contains(&p.skills.len()));
        assert!(p.skills.iter().all(|s| s.weight == 1.0 || s.weight == 2.0));
        let weeks = match p.framework {
            Framework::Pbl => {
                pbl += 1;
                6..=16
            }
            Framework::Apprenticeship => 26..=52,
            Framework::Codesign => 12..=40,
        };
        assert!(weeks.contains(&p.weeks), "{} weeks of {}", p.weeks, p.framework);
        let offset = (p.start - start).num_days();
        assert!([0, 7, 14, 21].contains(&offset));
        assert!((1.0..=6.0).contains(&p.mentor_hours) && (1..=6).contains(&p.team_size));
        assert!((25.0..=200.0).contains(&p.max_km));
        must += !p.must.is_empty() as usize;
        assert!(!p.title.is_empty());
    }
    assert!((1400..=1800).contains(&pbl), "{pbl}");
    assert!((150..=450).contains(&must), "{must}");
}

#[test]
fn kinds_focus_their_sectors() {
    let config = GeneratorConfig { near: sample_cities(), institutions: 5, ..GeneratorConfig::new(500, 0, 2) };
    let list = institutions(&config);
    let kinds: Vec<&str> = list.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        ["technical university", "art school", "comprehensive university", "community college", "coding bootcamp"]
    );
    assert!(list[0].name.contains("Eindhoven"), "{}", list[0].name);
    let term = generate(&config);
    let allowed: [&[&str]; 5] = [
        &["54", "51", "31-33"],
        &["54", "71", "51"],
        &["11", "92", "62", "54"],
        &["62", "23", "81", "44-45"],
        &["54", "51", "52"],
    ];
    for (k, p) in term.projects.iter().enumerate() {
        for c in &p.industries {
            assert!(allowed[k % 5].contains(&c.sector()), "{} for {}", c, list[k % 5].kind);
        }
    }
}

#[test]
fn edge_cases() {
    // Nothing at all.
    let empty = generate(&GeneratorConfig::new(0, 0, 1));
    assert!(empty.projects.is_empty() && empty.partners.is_empty());
    let back = read_back(&empty);
    assert!(back.projects.is_empty() && back.partners.is_empty());
    // Partners without projects: one automatic institution.
    let only_partners = generate(&GeneratorConfig::new(0, 50, 1));
    assert!(only_partners.projects.is_empty());
    assert_eq!(only_partners.partners.len(), 50);
    // Projects without partners.
    let only_projects = generate(&GeneratorConfig::new(30, 0, 1));
    assert_eq!(only_projects.projects.len(), 30);
    assert!(only_projects.partners.is_empty());
    // One institution for everything.
    let one = generate(&GeneratorConfig { institutions: 1, ..GeneratorConfig::new(100, 100, 1) });
    assert!(one.projects.iter().all(|p| p.institution == one.projects[0].institution));
    // More institutions than near cities: cycled, names stay unique.
    let config = GeneratorConfig { near: vec![city("Lyon, FR")], institutions: 7, ..GeneratorConfig::new(14, 20, 1) };
    let list = institutions(&config);
    assert_eq!(list.len(), 7);
    let mut names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 7);
    read_back(&generate(&config));
    // A less populous namesake keeps its coordinates through the files.
    let portland = Gazetteer::bundled().resolve("Portland, ME, US").unwrap().clone();
    let config = GeneratorConfig { near: vec![portland.clone()], ..GeneratorConfig::new(3, 30, 1) };
    let term = generate(&config);
    let back = read_back(&term);
    assert_eq!((back.projects[0].location.lat, back.projects[0].location.lon), (portland.lat, portland.lon));
    assert_eq!(back.partners, term.partners);
    // Out-of-range shares act as bounds.
    let all_local = GeneratorConfig { local_share: 7.0, ..config.clone() };
    let none_local = GeneratorConfig { local_share: f64::NAN, ..config };
    assert_eq!(generate_partners(&all_local).len(), 30);
    assert_eq!(generate_partners(&none_local).len(), 30);
}

/// The sample term's hand-written projects find reasonable partners among generated ones placed
/// around the five sample institutions (as `datasets/sample/partners.csv` is built).
#[test]
fn sample_projects_find_generated_partners() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/sample/projects.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let projects = read_projects_csv(text.as_bytes(), "projects.csv", Reference::bundled()).unwrap();
    let config = GeneratorConfig { near: sample_cities(), ..GeneratorConfig::new(40, 1000, 2027) };
    let term = Term { projects, partners: generate_partners(&config) };
    let scorer = Scorer::new(&term, &Weights::default());
    let recs = recommend(&scorer, 1, Side::Projects, &|_| {});
    let mut best: Vec<f64> = recs.iter().map(|r| r.picks.first().map_or(0.0, |p| p.score.mutual)).collect();
    let served = best.iter().filter(|&&s| s > 0.0).count();
    best.sort_by(f64::total_cmp);
    let median = best[best.len() / 2];
    eprintln!("{served} of 40 sample projects served, median best score {median:.3}, lowest {:.3}", best[0]);
    assert!(served >= 38, "only {served} of 40 projects have a feasible generated partner");
    assert!(median >= 0.45, "median best score {median:.3}");
}

/// With `local_share = 0` a partner's city is drawn in two steps (`PartnerGen::city`): an
/// institution uniformly, then a city of that institution's country weighted by population
/// (`max(population, 1)`), among the gazetteer cities whose `"Name, CC"` label resolves back to
/// them; there is no population threshold (100,000 applies only to drawn institutions). So each
/// country gets its share of the *institutions*, not of the population, and within a country each
/// city gets its share of the country's population.
#[test]
fn country_wide_cities_follow_population() {
    use std::collections::{HashMap, HashSet};
    let g = Gazetteer::bundled();
    let near = vec![city("Eindhoven, NL"), city("Lyon, FR")];
    let n = 20_000;
    let config =
        GeneratorConfig { near: near.clone(), institutions: 2, local_share: 0.0, ..GeneratorConfig::new(16, n, 31) };
    let partners = generate_partners(&config);
    assert_eq!(partners.len(), n);

    // The eligible cities, by the generator's rule.
    let eligible: Vec<&City> = g
        .cities()
        .iter()
        .filter(|c| {
            (c.country == "NL" || c.country == "FR") && g.resolve(&c.label()).is_ok_and(|r| r.geonameid == c.geonameid)
        })
        .collect();
    let ids: HashSet<u32> = eligible.iter().map(|c| c.geonameid).collect();
    let weight = |c: &City| c.population.max(1) as f64;
    let pop = |cc: &str| eligible.iter().filter(|c| c.country == cc).map(|c| weight(c)).sum::<f64>();
    let (pop_nl, pop_fr) = (pop("NL"), pop("FR"));
    let inst_share = |cc: &str| near.iter().filter(|c| c.country == cc).count() as f64 / near.len() as f64;
    let expected = |c: &City| inst_share(&c.country) * weight(c) / if c.country == "NL" { pop_nl } else { pop_fr };

    // (a) Every partner is in an eligible NL or FR city, written as its own label.
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for q in &partners {
        let c = g.resolve(&q.location.place).unwrap();
        assert!(c.country == "NL" || c.country == "FR", "{}", q.location.place);
        assert_eq!(q.location.place, c.label());
        assert!(ids.contains(&c.geonameid), "{}", q.location.place);
        *counts.entry(c.geonameid).or_default() += 1;
    }
    let share = |k: usize| k as f64 / n as f64;

    // (b) Country shares: the institutions' shares (1/2 each here), not the population shares.
    for cc in ["NL", "FR"] {
        let k = partners.iter().filter(|q| q.location.place.ends_with(&format!(", {cc}"))).count();
        let (got, want) = (share(k), inst_share(cc));
        eprintln!(
            "{cc}: {got:.4} of partners, expected {want:.4} (population share would be {:.4})",
            pop(cc) / (pop_nl + pop_fr)
        );
        assert!((got - want).abs() <= 0.02, "{cc}: {got:.4} vs {want:.4}");
    }

    // (c) The 10 most populous eligible cities: within 1.5 points of their expected share, and
    // (much tighter) within 5 binomial standard errors of it.
    let mut top = eligible.clone();
    top.sort_by(|a, b| b.population.cmp(&a.population).then(a.geonameid.cmp(&b.geonameid)));
    for c in &top[..10] {
        let got = share(counts.get(&c.geonameid).copied().unwrap_or(0));
        let want = expected(c);
        eprintln!("{}: {got:.4} vs {want:.4}", c.label());
        assert!((got - want).abs() <= 0.015, "{}: {got:.4} vs {want:.4}", c.label());
        let se = (want * (1.0 - want) / n as f64).sqrt();
        assert!((got - want).abs() <= 5.0 * se, "{}: {got:.4} vs {want:.4} (se {se:.4})", c.label());
    }
}
