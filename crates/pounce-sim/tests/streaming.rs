//! Chunked reading and recommendation give exactly what the whole pool gives.

use pounce::input::{PartnerCsvStream, Reference, read_partners_csv};
use pounce::output::write_partners_csv;
use pounce::streaming::ChunkedRecommender;
use pounce::{Recommendation, Scorer, Side, Term, Weights, recommend};
use pounce_sim::{GeneratorConfig, generate};

fn ids(term: &Term, r: &Recommendation) -> Vec<(String, u64)> {
    r.picks.iter().map(|p| (term.partners[p.index].id.clone(), p.score.mutual.to_bits())).collect()
}

#[test]
fn chunked_recommendations_equal_the_whole_pool() {
    for seed in [1, 2] {
        let term = generate(&GeneratorConfig::new(25, 600, seed));
        let mut weights = Weights::default();
        if seed == 2 {
            // Ties: a coarse score (only size and framework count) makes many pairs equal.
            weights = Weights::from_toml(
                "[fit]\nindustry = 0\nskills = 0\nlocation = 0\ncommitment = 0\nschedule = 0\nip = 0\n",
                "w.toml",
            )
            .unwrap();
        }
        for k in [1, 5, 40] {
            let whole = recommend(&Scorer::new(&term, &weights), k, Side::Projects, &|_| {});
            for chunk in [1, 7, 128, 600, 1000] {
                let mut c = ChunkedRecommender::new(term.projects.clone(), &weights, k);
                for part in term.partners.chunks(chunk) {
                    c.add(part.to_vec());
                }
                assert_eq!(c.partners_seen(), 600);
                let (kept, recs) = c.finish();
                assert_eq!(recs.len(), whole.len());
                for (a, b) in recs.iter().zip(&whole) {
                    assert_eq!(ids(&kept, a), ids(&term, b), "seed {seed} k {k} chunk {chunk}");
                    assert_eq!((a.subject, a.considered, a.feasible), (b.subject, b.considered, b.feasible));
                    assert_eq!(a.excluded_by, b.excluded_by);
                    for (pa, pb) in a.picks.iter().zip(&b.picks) {
                        assert_eq!(pa.score, pb.score);
                    }
                }
                // Re-scoring the kept partners gives the same scores (what the writers do).
                let scorer = Scorer::new(&kept, &weights);
                for r in &recs {
                    for p in &r.picks {
                        assert_eq!(scorer.score(r.subject, p.index), p.score);
                    }
                }
            }
        }
    }
}

#[test]
fn streamed_partners_equal_the_whole_file() {
    let term = generate(&GeneratorConfig::new(5, 500, 9));
    let mut csv = Vec::new();
    write_partners_csv(&mut csv, "partners.csv", &term.partners).unwrap();
    let whole = read_partners_csv(csv.as_slice(), "partners.csv", Reference::bundled()).unwrap();
    for chunk in [1, 33, 500, 5000] {
        let mut s = PartnerCsvStream::new(csv.as_slice(), "partners.csv", Reference::bundled()).unwrap();
        let mut all = Vec::new();
        while let Some(c) = s.next_chunk(chunk).unwrap() {
            assert!(c.len() <= chunk);
            all.extend(c);
        }
        assert_eq!(s.finish().unwrap(), 500);
        assert_eq!(all, whole);
    }
    // Every problem of the file, as the whole-file reader reports them.
    let mut text = String::from_utf8(csv).unwrap();
    text.push_str("Q000001,Again,541511,4,\"Lyon, FR\",,,,,,,,,,,,,\n,No id,541511,4,\"Lyon, FR\",,,,,,,,,,,,,\n");
    let whole = read_partners_csv(text.as_bytes(), "partners.csv", Reference::bundled()).unwrap_err().to_string();
    let mut s = PartnerCsvStream::new(text.as_bytes(), "partners.csv", Reference::bundled()).unwrap();
    while s.next_chunk(64).unwrap().is_some() {}
    assert!(s.has_problems());
    assert_eq!(s.finish().unwrap_err().to_string(), whole);
    let empty = "id,name\n";
    let s = PartnerCsvStream::new(empty.as_bytes(), "p.csv", Reference::bundled()).unwrap();
    assert!(s.finish().unwrap_err().to_string().contains("no partners"));
}
