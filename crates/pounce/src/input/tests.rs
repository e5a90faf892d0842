//! Reader tests: every problem in one pass, spreadsheet quirks accepted.

use super::*;

const PARTNERS_HEADER: &str = "id,name,industries,skills,employees,city,remote,capacity,mentor_hours,contacts,frameworks,ip,available_from,available_to,status\n";

fn partners(body: &str) -> Result<Vec<Partner>> {
    read_partners_csv(format!("{PARTNERS_HEADER}{body}").as_bytes(), "partners.csv", Reference::bundled())
}

fn problems(r: Result<impl std::fmt::Debug>) -> Vec<String> {
    match r {
        Err(Error::Invalid(p)) => p.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_valid_partner_reads_with_defaults() {
    let ps = partners("Q1,Acme,541511;5415,Rust;SQL,40,\"Toronto, CA\",,,,,,,,,\n").unwrap();
    let q = &ps[0];
    assert_eq!(q.skills, vec!["rust", "sql"]);
    assert_eq!(q.industries.len(), 2);
    assert_eq!((q.capacity, q.mentor_hours, q.contacts, q.remote), (1, 2.0, 1, false));
    assert_eq!(q.frameworks[0].framework, crate::Framework::Pbl);
    assert_eq!(q.ip.len(), 3);
    assert_eq!(q.location.timezone.name(), "America/Toronto");
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let body = "\
Q1,Acme,999999,rust,40,\"Torontoo, CA\",maybe,-2,NaN,1,pbl:9-3,student,2027-13-01,,active
Q1,Beta,5415,rust,0,\"Lyon, FR\",true,1,2,1,apprentice,owner,,,gone
Q3,,5415,sql,12,\"Lyon, FR\",true,1,inf,1,pbl,open,2027-05-01,2027-01-01,active
";
    let p = problems(partners(body));
    let expected = [
        "partners.csv:2: industries: unknown NAICS 2022 code \"999999\"",
        "partners.csv:2: city: unknown city \"Torontoo, CA\" (did you mean \"Toronto, CA\"?)",
        "partners.csv:2: remote: expected true or false, found \"maybe\"",
        "partners.csv:2: capacity: must not be negative, found \"-2\"",
        "partners.csv:2: mentor_hours: expected a number, found NaN",
        "partners.csv:2: frameworks: \"pbl:9-3\": the range 9-3 is empty",
        "partners.csv:2: available_from: expected a date as YYYY-MM-DD, found \"2027-13-01\"",
        "partners.csv:3: id: duplicate id \"Q1\" (first at line 2)",
        "partners.csv:3: employees: 0 is out of range: expected 1 to 10000000",
        "partners.csv:3: frameworks: unknown framework \"apprentice\" (expected apprenticeship, pbl or codesign)",
        "partners.csv:3: ip: unknown IP policy \"owner\" (expected student, partner or open)",
        "partners.csv:3: status: unknown status \"gone\" (expected active, prospect, lapsed or declined)",
        "partners.csv:4: name: a value is required",
        "partners.csv:4: mentor_hours: expected a finite number, found \"inf\"",
        "partners.csv:4: available_to: 2027-01-01 is before available_from 2027-05-01",
    ];
    for e in expected {
        assert!(p.contains(&e.to_string()), "missing {e:?} in {p:#?}");
    }
    assert_eq!(p.len(), expected.len(), "{p:#?}");
}

#[test]
fn duplicate_ids_name_the_first_line() {
    let body = "Q1,Acme,5415,rust,4,\"Lyon, FR\",,,,,,,,,\nQ1,Beta,5415,rust,4,\"Lyon, FR\",,,,,,,,,\n";
    assert_eq!(problems(partners(body)), vec!["partners.csv:3: id: duplicate id \"Q1\" (first at line 2)"]);
}

#[test]
fn file_shape_problems() {
    let r = Reference::bundled();
    let p = problems(read_partners_csv("".as_bytes(), "e.csv", r));
    assert!(p[0].starts_with("e.csv: the file is empty"), "{p:?}");
    let p = problems(read_partners_csv("name,employees\nAcme,4\n".as_bytes(), "x.csv", r));
    assert_eq!(p, vec!["x.csv:1: id: required column is missing"]);
    let p = problems(read_partners_csv("id,name,employes,city\nQ1,A,4,\"Lyon, FR\"\n".as_bytes(), "x.csv", r));
    assert!(p.contains(&"x.csv:1: employes: unknown column (did you mean \"employees\"?)".to_string()), "{p:?}");
    let p = problems(partners("Q1,Acme,5415\n"));
    assert_eq!(p, vec!["partners.csv:2: expected 15 fields as in the header, found 3"]);
    let mut bytes = PARTNERS_HEADER.as_bytes().to_vec();
    bytes.extend(b"Q1,Ac\xffme,5415,rust,4,\"Lyon, FR\",,,,,,,,,\n");
    let p = problems(read_partners_csv(bytes.as_slice(), "b.csv", r));
    assert_eq!(p, vec!["b.csv:2: name: the value is not valid UTF-8"]);
}

#[test]
fn spreadsheet_quirks_read_like_the_clean_file() {
    let clean = "id,name,industries,employees,city,skills\nQ1,Acme,5415,4,\"Lyon, FR\",rust;sql\nQ2,Beta,111,9,\"Guelph, CA\",gis\n";
    let quirky = "\u{feff}City,ID,Name,Industries,Employees,Skills\r\n\"Lyon, FR\",Q1,\"Acme\",5415,4,\"rust;\r\nsql\"\r\n\"Guelph, CA\",Q2,Beta,111,9,gis\r\n\r\n\r\n";
    let r = Reference::bundled();
    let a = read_partners_csv(clean.as_bytes(), "a.csv", r).unwrap();
    let b = read_partners_csv(quirky.as_bytes(), "b.csv", r).unwrap();
    assert_eq!(a, b);
}

#[test]
fn projects_read_weighted_skills_and_must() {
    let csv = "id,institution,title,skills,start,city,must,framework,weeks\nP1,U,T,Rust:2;Machine-Learning;rust,2027-01-11,\"Eindhoven, NL\",ip;location,apprenticeship,52\n";
    let p = &read_projects_csv(csv.as_bytes(), "p.csv", Reference::bundled()).unwrap()[0];
    assert_eq!(p.skills.len(), 2);
    assert_eq!((p.skills[0].tag.as_str(), p.skills[0].weight), ("rust", 2.0));
    assert_eq!(p.skills[1].tag, "machine learning");
    assert!(p.must.contains(crate::Dimension::Ip) && p.must.contains(crate::Dimension::Location));
    let bad = "id,institution,title,skills,start,city,must\nP1,U,T,rust:0,,\"Eindhoven, NL\",cost\n";
    let p = problems(read_projects_csv(bad.as_bytes(), "p.csv", Reference::bundled()));
    assert_eq!(
        p,
        vec![
            "p.csv:2: skills: \"rust:0\": the weight after ':' must be a number > 0",
            "p.csv:2: start: a value is required (YYYY-MM-DD)",
            "p.csv:2: must: unknown dimension \"cost\" (expected one of industry, skills, size, location, commitment, framework, schedule, ip, referral)",
        ]
    );
}

#[test]
fn coordinates_give_the_nearest_city_time_zone() {
    let csv = "id,name,industries,employees,lat,lon\nQ1,Acme,5415,4,52.1,5.1\nQ2,B,5415,4,52.1,\n";
    let p = problems(read_partners_csv(csv.as_bytes(), "c.csv", Reference::bundled()));
    assert_eq!(p, vec!["c.csv:3: lon: lat and lon go together: give both or neither"]);
    let csv =
        "id,name,industries,employees,lat,lon,timezone\nQ1,Acme,5415,4,52.1,5.1,\nQ2,B,5415,4,52.1,5.1,Asia/Tokyo\n";
    let ps = read_partners_csv(csv.as_bytes(), "c.csv", Reference::bundled()).unwrap();
    assert_eq!(ps[0].location.timezone.name(), "Europe/Amsterdam");
    assert_eq!(ps[1].location.timezone.name(), "Asia/Tokyo");
}

#[test]
fn json_reports_paths_and_accepts_arrays() {
    let json = r#"{"projects": [{"id": "P1", "institution": "U", "title": "T", "start": "2027-01-11",
                   "city": "Lyon, FR", "skills": ["rust:2", "sql"], "remote": true, "weeks": 10}],
                   "partners": [{"id": "Q1", "name": "A", "industries": [5415], "employees": 4, "city": "Lyon, FR"},
                                {"id": "Q2", "name": "B", "industries": "11", "employees": -1, "city": {"x": 1}}],
                   "extra": []}"#;
    let p = problems(read_term_json(json.as_bytes(), "t.json", Reference::bundled()));
    assert_eq!(
        p,
        vec![
            "t.json:$.extra: unknown key (expected \"projects\" or \"partners\")",
            "t.json:$.partners[1]: city: expected a value, found an object",
            "t.json:$.partners[1]: employees: must not be negative, found \"-1\"",
            "t.json:$.partners[1]: city: a location is required: give city as \"Name, CC\", or lat and lon",
        ]
    );
    let ok = r#"{"partners": [{"id": "Q1", "name": "A", "industries": [5415], "employees": 4, "city": "Lyon, FR"}]}"#;
    assert_eq!(read_term_json(ok.as_bytes(), "t.json", Reference::bundled()).unwrap().partners.len(), 1);
    let p = problems(read_term_json("{\"partners\": [".as_bytes(), "t.json", Reference::bundled()));
    assert!(p[0].starts_with("t.json:1: not valid JSON"), "{p:?}");
}

#[test]
fn written_terms_read_back_identically() {
    let term = crate::doc_example_term();
    let mut pb = Vec::new();
    crate::output::write_projects_csv(&mut pb, "p", &term.projects).unwrap();
    let mut qb = Vec::new();
    crate::output::write_partners_csv(&mut qb, "q", &term.partners).unwrap();
    let r = Reference::bundled();
    assert_eq!(read_projects_csv(pb.as_slice(), "p", r).unwrap(), term.projects);
    assert_eq!(read_partners_csv(qb.as_slice(), "q", r).unwrap(), term.partners);
}

#[test]
fn json_list_fields_are_read_as_lists() {
    // `frameworks` and `ip` as JSON arrays (once refused as "expected a single value").
    let json = r#"{"partners": [{"id": "Q1", "name": "A", "industries": ["5415"], "employees": 4,
                   "city": "Lyon, FR", "frameworks": ["codesign", "pbl:6-16"], "ip": ["open"]}]}"#;
    let q = &read_term_json(json.as_bytes(), "t.json", Reference::bundled()).unwrap().partners[0];
    assert_eq!(q.frameworks.len(), 2);
    assert_eq!(q.frameworks[1].max_weeks, 16);
    assert_eq!(q.ip, vec![crate::IpPolicy::Open]);
}

#[test]
fn numbers_too_large_say_so_and_empty_files_are_refused() {
    let csv = format!("{PARTNERS_HEADER}Q1,A,5415,,99999999999999999999,\"Lyon, FR\",,,,,,,,,\n");
    let p = problems(read_partners_csv(csv.as_bytes(), "q.csv", Reference::bundled()));
    assert_eq!(p, vec!["q.csv:2: employees: 99999999999999999999 is out of range: expected 1 to 10000000"]);
    let p = problems(read_records(PARTNERS_HEADER.as_bytes(), "q.csv", Kind::Partners, Reference::bundled()));
    assert_eq!(p, vec!["q.csv: no partners: the file has a header but no rows"]);
    let p = problems(read_records("[]".as_bytes(), "q.json", Kind::Partners, Reference::bundled()));
    assert_eq!(p, vec!["q.json:$: expected an object with \"projects\" and/or \"partners\" arrays"]);
}

#[test]
fn json_with_a_byte_order_mark_reads_like_without() {
    let json =
        r#"{"partners": [{"id": "Q1", "name": "A", "industries": ["5415"], "employees": 4, "city": "Lyon, FR"}]}"#;
    let bom = format!("\u{feff}{json}");
    let r = Reference::bundled();
    assert_eq!(
        read_term_json(bom.as_bytes(), "t.json", r).unwrap().partners,
        read_term_json(json.as_bytes(), "t.json", r).unwrap().partners
    );
    let edges = "\u{feff}{\"edges\": [{\"source\": \"A\", \"target\": \"B\", \"kind\": \"alumnus\"}]}";
    assert_eq!(read_referrals(edges.as_bytes(), "r.json").unwrap().len(), 1);
}
