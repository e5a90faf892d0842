//! SVG charts: well-formed XML, the expected text, deterministic bytes, and edge cases.

use pounce_sim::charts::{Bar, PALETTE, fairness_by_group, metric_by_strategy, rank_distribution};

/// Parses `svg` as XML, checks the root is an `<svg>` element, and returns the text of every
/// `<text>` element, trimmed.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect::<String>().trim().to_string()
        })
        .collect()
}

fn has_text(svg: &str, wanted: &str) -> bool {
    texts(svg).iter().any(|t| t == wanted)
}

/// The number of filled rectangles drawn in palette colour `i`.
fn bars_in_colour(svg: &str, i: usize) -> usize {
    let (r, g, b) = PALETTE[i];
    let fill = format!("#{r:02X}{g:02X}{b:02X}");
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| n.attribute("fill").is_some_and(|f| f.eq_ignore_ascii_case(&fill)))
        .count()
}

fn bar(label: &str, mean: f64, low: f64, high: f64) -> Bar {
    Bar { label: label.into(), mean, low, high }
}

fn sample_bars() -> Vec<Bar> {
    vec![bar("greedy", 0.62, 0.58, 0.66), bar("optimal", 0.71, 0.69, 0.74), bar("stable", 0.55, 0.50, 0.61)]
}

fn sample_ranks() -> Vec<(String, Vec<f64>)> {
    vec![("greedy".into(), vec![0.5, 0.3, 0.1, 0.05]), ("optimal".into(), vec![0.6, 0.25, 0.1, 0.05])]
}

fn sample_groups() -> (Vec<String>, Vec<(String, Vec<f64>)>) {
    let groups =
        vec!["Eindhoven Polytechnic".to_string(), "Lyon School of Art".to_string(), "Guelph College".to_string()];
    let series = vec![
        ("greedy".into(), vec![0.7, 0.4, 0.5]),
        ("optimal".into(), vec![0.72, 0.5, 0.55]),
        ("fair".into(), vec![0.65, 0.6, 0.6]),
    ];
    (groups, series)
}

#[test]
fn metric_chart_has_title_axis_and_labels() {
    let svg = metric_by_strategy("Mean match score", "score", &sample_bars()).unwrap();
    for t in ["Mean match score", "score", "strategy", "greedy", "optimal", "stable"] {
        assert!(has_text(&svg, t), "missing {t:?} in {:?}", texts(&svg));
    }
    // Value labels above the bars.
    assert!(has_text(&svg, "0.62"));
    assert!(has_text(&svg, "0.71"));
    // One bar per strategy, each in its palette colour.
    for i in 0..3 {
        assert_eq!(bars_in_colour(&svg, i), 1, "colour {i}");
    }
}

#[test]
fn rank_chart_has_ranks_and_legend() {
    let svg = rank_distribution("Rank of the matched project", &sample_ranks()).unwrap();
    for t in [
        "Rank of the matched project",
        "rank",
        "share of matched projects",
        "1",
        "2",
        "3",
        "4",
        "greedy",
        "optimal",
        "strategy",
    ] {
        assert!(has_text(&svg, t), "missing {t:?} in {:?}", texts(&svg));
    }
    // 4 bars plus the legend swatch per strategy.
    assert_eq!(bars_in_colour(&svg, 0), 5);
    assert_eq!(bars_in_colour(&svg, 1), 5);
}

#[test]
fn fairness_chart_has_groups_and_legend() {
    let (groups, series) = sample_groups();
    let svg = fairness_by_group("Fairness by institution", &groups, &series).unwrap();
    for t in [
        "Fairness by institution",
        "institution",
        "mean score",
        "Eindhoven Polytec…",
        "Lyon School of Art",
        "Guelph College",
        "greedy",
        "optimal",
        "fair",
    ] {
        assert!(has_text(&svg, t), "missing {t:?} in {:?}", texts(&svg));
    }
    for i in 0..3 {
        assert_eq!(bars_in_colour(&svg, i), 4, "colour {i}");
    }
}

#[test]
fn same_input_same_bytes() {
    let a = metric_by_strategy("T", "m", &sample_bars()).unwrap();
    let b = metric_by_strategy("T", "m", &sample_bars()).unwrap();
    assert_eq!(a, b);
    let a = rank_distribution("T", &sample_ranks()).unwrap();
    let b = rank_distribution("T", &sample_ranks()).unwrap();
    assert_eq!(a, b);
    let (groups, series) = sample_groups();
    let a = fairness_by_group("T", &groups, &series).unwrap();
    let b = fairness_by_group("T", &groups, &series).unwrap();
    assert_eq!(a, b);
    // And different input, different bytes.
    let mut other = sample_bars();
    other[0].mean = 0.63;
    assert_ne!(metric_by_strategy("T", "m", &sample_bars()).unwrap(), metric_by_strategy("T", "m", &other).unwrap());
}

#[test]
fn empty_input_says_no_data() {
    let outputs = [
        metric_by_strategy("Empty", "score", &[]).unwrap(),
        rank_distribution("Empty", &[]).unwrap(),
        rank_distribution("Empty", &[("greedy".into(), vec![])]).unwrap(),
        fairness_by_group("Empty", &[], &sample_ranks()).unwrap(),
        fairness_by_group("Empty", &["A".into()], &[]).unwrap(),
    ];
    for svg in outputs {
        assert!(has_text(&svg, "no data"), "{:?}", texts(&svg));
        assert!(has_text(&svg, "Empty"));
    }
}

#[test]
fn non_finite_values_are_skipped() {
    let bars = vec![
        bar("nan", f64::NAN, 0.0, 1.0),
        bar("inf", f64::INFINITY, 0.0, 1.0),
        bar("ok", 0.5, f64::NAN, 0.6),
        bar("neg-inf", f64::NEG_INFINITY, f64::NEG_INFINITY, f64::INFINITY),
    ];
    let svg = metric_by_strategy("Odd values", "score", &bars).unwrap();
    for t in ["nan", "inf", "ok", "neg-inf", "0.5"] {
        assert!(has_text(&svg, t), "missing {t:?}");
    }
    assert_eq!(texts(&svg).iter().filter(|t| *t == "n/a").count(), 3);
    assert_eq!(bars_in_colour(&svg, 0), 0);
    assert_eq!(bars_in_colour(&svg, 1), 0);
    assert_eq!(bars_in_colour(&svg, 2), 1);
    assert_eq!(bars_in_colour(&svg, 3), 0);
    assert!(!svg.contains("NaN") && !svg.contains("inf\""), "{svg}");

    let series = vec![("s".to_string(), vec![f64::NAN, f64::INFINITY, 0.2])];
    let svg = rank_distribution("Odd ranks", &series).unwrap();
    assert_eq!(bars_in_colour(&svg, 0), 2); // one bar and the legend swatch
    let svg = fairness_by_group("Odd", &["A".into(), "B".into()], &[("s".into(), vec![f64::NAN; 2])]).unwrap();
    assert_eq!(bars_in_colour(&svg, 0), 1); // the legend swatch only
    assert!(!svg.contains("NaN"));
}

#[test]
fn huge_values_are_clamped() {
    let bars = vec![bar("big", f64::MAX, -f64::MAX, f64::MAX), bar("small", -f64::MAX, 0.0, 0.0)];
    let svg = metric_by_strategy("Huge", "score", &bars).unwrap();
    assert!(has_text(&svg, "big"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn all_zero_values() {
    let bars = vec![bar("a", 0.0, 0.0, 0.0), bar("b", 0.0, 0.0, 0.0)];
    let svg = metric_by_strategy("Zeros", "score", &bars).unwrap();
    assert!(has_text(&svg, "a") && has_text(&svg, "0"));
    let svg = rank_distribution("Zeros", &[("s".into(), vec![0.0; 5])]).unwrap();
    assert!(has_text(&svg, "5"));
    let svg = fairness_by_group("Zeros", &["A".into()], &[("s".into(), vec![0.0])]).unwrap();
    assert!(has_text(&svg, "A"));
    assert!(!svg.contains("NaN"));
}

#[test]
fn one_bar_and_negative_values() {
    let svg = metric_by_strategy("One", "score", &[bar("only", 0.3, 0.2, 0.4)]).unwrap();
    assert!(has_text(&svg, "only") && has_text(&svg, "0.3"));
    assert_eq!(bars_in_colour(&svg, 0), 1);
    let svg = metric_by_strategy("Negative", "change", &[bar("down", -2.5, -3.0, -2.0)]).unwrap();
    assert!(has_text(&svg, "-2.5"));
    // Error bar ends in the wrong order are swapped, not rejected.
    let svg = metric_by_strategy("Swapped", "m", &[bar("x", 1.0, 1.2, 0.8)]).unwrap();
    assert!(has_text(&svg, "x"));
}

#[test]
fn long_and_awkward_labels() {
    let long = "a strategy with a very long descriptive name indeed".to_string();
    let title = "T".repeat(500);
    let bars = vec![
        bar(&long, 0.5, 0.4, 0.6),
        bar("<tag> & \"quotes\"", 0.4, 0.3, 0.5),
        bar("control\u{0}\u{7}chars\n", 0.3, 0.2, 0.4),
        bar("Zürich – École", 0.2, 0.1, 0.3),
    ];
    let svg = metric_by_strategy(&title, &long, &bars).unwrap();
    let t = texts(&svg);
    assert!(t.contains(&"a strategy with a…".to_string()), "{t:?}");
    assert!(t.contains(&"<tag> & \"quotes\"".to_string()), "{t:?}");
    assert!(t.contains(&"control  chars".to_string()), "{t:?}");
    assert!(t.contains(&"Zürich – École".to_string()), "{t:?}");
    assert!(t.iter().all(|s| s.chars().count() <= 90), "{t:?}");

    let series = vec![(long.clone(), vec![0.1, 0.2]), ("<b>".to_string(), vec![0.3, 0.4])];
    let svg = fairness_by_group(&long, &[long.clone(), "&".into()], &series).unwrap();
    let t = texts(&svg);
    assert!(t.contains(&"<b>".to_string()) && t.contains(&"&".to_string()), "{t:?}");
}

#[test]
fn many_bars_and_series_stay_within_bounds() {
    let bars: Vec<Bar> = (0..300).map(|i| bar(&format!("s{i}"), i as f64, 0.0, i as f64 + 1.0)).collect();
    let svg = metric_by_strategy("Many", "m", &bars).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let width: u32 = doc.root_element().attribute("width").unwrap().parse().unwrap();
    assert!(width <= 4000);
    // Many series: palette cycles, legend ends in "+N more".
    let series: Vec<(String, Vec<f64>)> = (0..40).map(|i| (format!("s{i}"), vec![0.5, 0.25])).collect();
    let svg = rank_distribution("Many", &series).unwrap();
    assert!(texts(&svg).iter().any(|t| t.ends_with("more")), "{:?}", texts(&svg));
}

#[test]
fn mismatched_lengths_are_tolerated() {
    // Extra values beyond the groups are ignored; missing ones draw no bar.
    let groups = vec!["A".to_string(), "B".to_string()];
    let series = vec![("long".to_string(), vec![0.1, 0.2, 0.3, 0.4]), ("short".to_string(), vec![0.5])];
    let svg = fairness_by_group("Mismatch", &groups, &series).unwrap();
    assert_eq!(bars_in_colour(&svg, 0), 3); // 2 bars + swatch
    assert_eq!(bars_in_colour(&svg, 1), 2); // 1 bar + swatch
    // Ranks: the longest series sets max_rank.
    let svg = rank_distribution("Ragged", &series).unwrap();
    assert!(has_text(&svg, "4"));
}

/// Writes samples to the temporary directory for a person to look at (not an assertion).
#[test]
fn write_samples() {
    let dir = std::env::temp_dir();
    let (groups, series) = sample_groups();
    let samples = [
        ("chart_metric.svg", metric_by_strategy("Mean match score by strategy", "score", &sample_bars())),
        ("chart_ranks.svg", rank_distribution("Rank of the matched project", &sample_ranks())),
        ("chart_fairness.svg", fairness_by_group("Mean score by institution", &groups, &series)),
        ("chart_empty.svg", metric_by_strategy("Nothing yet", "score", &[])),
        (
            "chart_edge.svg",
            metric_by_strategy(
                "Change in envy (negative, NaN, one-sided interval, long label)",
                "change in justified envy",
                &[
                    bar("baseline", 0.0, -0.1, 0.1),
                    bar("greedy-geo+referrals-with-capacity", -1.25, -1.5, -1.0),
                    bar("nan", f64::NAN, 0.0, 1.0),
                    bar("optimal", 0.8, f64::NAN, 0.9),
                ],
            ),
        ),
    ];
    for (name, svg) in samples {
        let _ = std::fs::write(dir.join(name), svg.unwrap());
    }
}
