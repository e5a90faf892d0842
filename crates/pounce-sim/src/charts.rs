//! Charts for the research harness's reports, rendered as SVG documents in memory.
//!
//! Every function returns the SVG text; nothing here touches the file system. Output is
//! deterministic: the same input always gives the same bytes (no clock, no randomness, no
//! hash-map iteration, no system fonts: text is written as SVG `<text>` elements in the generic
//! `sans-serif` family and laid out with a fixed width estimate).
//!
//! Conventions shared by all charts:
//!
//! - **Colours** come from a fixed, colour-blind-safe palette (Okabe–Ito, [`PALETTE`]), cycled.
//!   Strategy `i` (the `i`-th bar of [`metric_by_strategy`], the `i`-th series of
//!   [`rank_distribution`] and [`fairness_by_group`]) always gets `PALETTE[i % 8]`, so a report
//!   that passes its strategies in the same order gets the same colour per strategy everywhere.
//! - **Non-finite values** (NaN, ±∞) draw nothing: no bar, no whisker; the category label stays
//!   on the axis (and [`metric_by_strategy`] writes "n/a" where the bar would be). Finite values beyond ±[`LIMIT`] are clamped to it (so the axis span stays
//!   finite). An error bar needs both ends finite; ends given in the wrong order are swapped.
//! - **The y axis** always includes 0 (bars grow from 0, downwards for negative values), and
//!   spans 0..1 when there is nothing finite and non-zero to show.
//! - **Labels** longer than [`MAX_LABEL_CHARS`] characters (titles: [`MAX_TITLE_CHARS`]) are
//!   cut and end with "…"; control characters become spaces. The width of the chart grows with
//!   the number of categories and the length of their labels (up to [`MAX_WIDTH`] pixels).
//! - **No data** (no bars, no series, no ranks, no groups) gives a small valid SVG showing the
//!   title and the words "no data".
//!
//! ```
//! use pounce_sim::charts::{metric_by_strategy, Bar};
//!
//! let bars = [
//!     Bar { label: "greedy".into(), mean: 0.62, low: 0.58, high: 0.66 },
//!     Bar { label: "optimal".into(), mean: 0.71, low: 0.69, high: 0.74 },
//! ];
//! let svg = metric_by_strategy("Mean score", "score", &bars).unwrap();
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("optimal"));
//! assert_eq!(svg, metric_by_strategy("Mean score", "score", &bars).unwrap());
//! ```

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The colour palette (Okabe & Ito's colour-blind-safe set, black replaced by grey), in order.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0x00, 0x72, 0xB2), // blue
    (0xE6, 0x9F, 0x00), // orange
    (0x00, 0x9E, 0x73), // bluish green
    (0xCC, 0x79, 0xA7), // reddish purple
    (0x56, 0xB4, 0xE9), // sky blue
    (0xD5, 0x5E, 0x00), // vermillion
    (0xF0, 0xE4, 0x42), // yellow
    (0x66, 0x66, 0x66), // grey
];

/// Finite values are clamped to `[-LIMIT, LIMIT]`.
pub const LIMIT: f64 = 1e100;
/// Category and legend labels longer than this many characters are cut.
pub const MAX_LABEL_CHARS: usize = 18;
/// Titles longer than this many characters are cut.
pub const MAX_TITLE_CHARS: usize = 90;
/// The widest chart, in pixels.
pub const MAX_WIDTH: u32 = 4000;

const HEIGHT: u32 = 520;
const FONT: &str = "sans-serif";
const LABEL_PX: u32 = 14;
/// Rough width of one character of a 14 px label (the estimate plotters' SVG layout uses too).
const CHAR_PX: f64 = 7.5;
const LEGEND_PX: u32 = 180;

/// One bar with an error bar: a strategy's mean of a metric and its 95% confidence interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The strategy's name, shown under the bar.
    pub label: String,
    /// The height of the bar.
    pub mean: f64,
    /// The lower end of the error bar.
    pub low: f64,
    /// The upper end of the error bar.
    pub high: f64,
}

/// A bar chart of one metric by strategy, with error bars; returns the SVG document.
///
/// One bar per element of `bars`, in order, coloured by position; `metric` labels the y axis and
/// each bar carries its mean above (or below, if negative) it. See the [module](self) docs for
/// non-finite values and empty input.
pub fn metric_by_strategy(title: &str, metric: &str, bars: &[Bar]) -> Result<String, String> {
    if bars.is_empty() {
        return no_data(title);
    }
    let spec = Spec {
        title,
        x_desc: "strategy",
        y_desc: metric,
        categories: bars.iter().map(|b| b.label.clone()).collect(),
        slots: 1,
        items: bars
            .iter()
            .enumerate()
            .map(|(i, b)| Item { category: i, slot: 0, colour: i, value: b.mean, error: Some((b.low, b.high)) })
            .collect(),
        legend: Vec::new(),
        value_labels: true,
    };
    render(&spec)
}

/// Rank distributions: for each strategy, the share of matched projects at rank 1, 2, ...,
/// max_rank, as grouped bars (ranks on the x axis, one bar per strategy, a legend).
///
/// `series` holds `(strategy, shares)` with `shares[r - 1]` the share at rank `r`; `max_rank` is
/// the longest `shares`, and a shorter series has no bar at the ranks it lacks. Shares are drawn
/// as given (fractions or percentages alike). See the [module](self) docs for non-finite values
/// and empty input.
pub fn rank_distribution(title: &str, series: &[(String, Vec<f64>)]) -> Result<String, String> {
    let max_rank = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    if max_rank == 0 {
        return no_data(title);
    }
    let categories = (1..=max_rank).map(|r| r.to_string()).collect();
    grouped(title, "rank", "share of matched projects", categories, series)
}

/// Fairness by institution: for each strategy, mean score per institution, as grouped bars
/// (institutions on the x axis, one bar per strategy, a legend).
///
/// `series` holds `(strategy, means)` with `means[g]` the mean for `groups[g]`; values beyond
/// `groups.len()` are ignored and missing ones draw no bar. See the [module](self) docs for
/// non-finite values and empty input.
pub fn fairness_by_group(title: &str, groups: &[String], series: &[(String, Vec<f64>)]) -> Result<String, String> {
    if groups.is_empty() || series.is_empty() {
        return no_data(title);
    }
    grouped(title, "institution", "mean score", groups.to_vec(), series)
}

fn grouped(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    categories: Vec<String>,
    series: &[(String, Vec<f64>)],
) -> Result<String, String> {
    if series.is_empty() {
        return no_data(title);
    }
    let mut items = Vec::new();
    for (s, (_, values)) in series.iter().enumerate() {
        for (c, &value) in values.iter().enumerate().take(categories.len()) {
            items.push(Item { category: c, slot: s, colour: s, value, error: None });
        }
    }
    let spec = Spec {
        title,
        x_desc,
        y_desc,
        categories,
        slots: series.len(),
        items,
        legend: series.iter().map(|(name, _)| name.clone()).collect(),
        value_labels: false,
    };
    render(&spec)
}

/// What to draw: bars in categories along x, each category split into `slots` side by side.
struct Spec<'a> {
    title: &'a str,
    x_desc: &'a str,
    y_desc: &'a str,
    categories: Vec<String>,
    slots: usize,
    items: Vec<Item>,
    /// Legend entries, entry `i` in colour `i`; empty for no legend.
    legend: Vec<String>,
    /// Write each bar's value next to its end.
    value_labels: bool,
}

struct Item {
    category: usize,
    slot: usize,
    colour: usize,
    value: f64,
    error: Option<(f64, f64)>,
}

fn colour(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

/// The value to draw, or `None` for a non-finite one.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-LIMIT, LIMIT))
}

/// Both ends of an error bar, finite and in order, or `None`.
fn whisker(error: Option<(f64, f64)>) -> Option<(f64, f64)> {
    let (a, b) = error?;
    let (a, b) = (finite(a)?, finite(b)?);
    Some((a.min(b), a.max(b)))
}

/// `text` without control characters, cut to `max` characters (the last one "…").
fn clean(text: &str, max: usize) -> String {
    let text: Vec<char> = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.len() <= max {
        text.into_iter().collect()
    } else {
        let mut cut: String = text[..max.saturating_sub(1)].iter().collect();
        cut.push('…');
        cut
    }
}

/// A value as a short label: up to 3 decimals, or scientific notation for very large or small.
fn short(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{v:.2e}")
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.into() }
    }
}

fn style(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

fn err(e: impl std::fmt::Display) -> String {
    format!("chart: {e}")
}

fn no_data(title: &str) -> Result<String, String> {
    let (w, h) = (640u32, 360u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let centre = Pos::new(HPos::Center, VPos::Center);
        let title = clean(title, MAX_TITLE_CHARS);
        root.draw(&Text::new(title, (w as i32 / 2, 30), style(22).pos(centre))).map_err(err)?;
        root.draw(&Text::new("no data", (w as i32 / 2, h as i32 / 2), style(20).color(&colour(7)).pos(centre)))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn render(spec: &Spec) -> Result<String, String> {
    let n = spec.categories.len().max(1);
    let slots = spec.slots.max(1);
    let labels: Vec<String> = spec.categories.iter().map(|c| clean(c, MAX_LABEL_CHARS)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    // Room for the longest label and for every bar of a category.
    let per_category = (longest as f64 * CHAR_PX + 16.0).max(slots as f64 * 24.0 + 20.0).max(48.0);
    let legend_px = if spec.legend.is_empty() { 0 } else { LEGEND_PX };
    let left = 90.0;
    let width = (left + 30.0 + legend_px as f64 + per_category * n as f64)
        .clamp(560.0 + legend_px as f64, MAX_WIDTH as f64) as u32;

    // The y range: every finite bar end and whisker end, and 0.
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for item in &spec.items {
        if let Some(v) = finite(item.value) {
            lo = lo.min(v);
            hi = hi.max(v);
            if let Some((a, b)) = whisker(item.error) {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
    }
    if hi - lo <= 0.0 {
        hi = 1.0;
    }
    let pad = (hi - lo) * 0.08;
    let y_top = if hi > 0.0 { hi + pad } else { hi };
    let y_bottom = if lo < 0.0 { lo - pad } else { lo };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (chart_area, legend_area) = root.split_horizontally(width - legend_px);
        let mut chart = ChartBuilder::on(&chart_area)
            .caption(clean(spec.title, MAX_TITLE_CHARS), (FONT, 22))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(left as u32 - 12)
            .build_cartesian_2d(0f64..n as f64, y_bottom..y_top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&|v| short(*v))
            .x_desc(clean(spec.x_desc, MAX_TITLE_CHARS))
            .y_desc(clean(spec.y_desc, 40))
            .axis_desc_style((FONT, 16))
            .label_style((FONT, LABEL_PX))
            .max_light_lines(0)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(err)?;

        // Category labels, centred under each category.
        let area = chart.plotting_area();
        for (c, label) in labels.iter().enumerate() {
            let (x, y) = area.map_coordinate(&(c as f64 + 0.5, y_bottom));
            root.draw(&Text::new(label.clone(), (x, y + 8), style(LABEL_PX).pos(Pos::new(HPos::Center, VPos::Top))))
                .map_err(err)?;
        }

        // Bars (and whiskers and value labels).
        let group = 0.8;
        let slot_width = group / slots as f64;
        let whisker_style = ShapeStyle::from(&BLACK).stroke_width(2);
        for item in &spec.items {
            let Some(v) = finite(item.value) else {
                if spec.value_labels {
                    let slot_mid = item.category as f64 + (1.0 - group) / 2.0 + (item.slot as f64 + 0.5) * slot_width;
                    let (px, py) = area.map_coordinate(&(slot_mid, 0.0));
                    root.draw(&Text::new("n/a", (px, py - 4), style(13).pos(Pos::new(HPos::Center, VPos::Bottom))))
                        .map_err(err)?;
                }
                continue;
            };
            let x0 = item.category as f64 + (1.0 - group) / 2.0 + item.slot as f64 * slot_width;
            let x1 = x0 + slot_width;
            let fill = colour(item.colour);
            area.draw(&Rectangle::new([(x0, 0.0), (x1, v)], fill.filled())).map_err(err)?;
            let mid = (x0 + x1) / 2.0;
            let cap = slot_width * 0.2;
            let whisker = whisker(item.error);
            if let Some((a, b)) = whisker {
                area.draw(&PathElement::new(vec![(mid, a), (mid, b)], whisker_style)).map_err(err)?;
                for end in [a, b] {
                    area.draw(&PathElement::new(vec![(mid - cap, end), (mid + cap, end)], whisker_style))
                        .map_err(err)?;
                }
            }
            if spec.value_labels {
                // Beside the bar's end, past the whisker if there is one.
                let (end, anchor, dy) = if v >= 0.0 {
                    let top = whisker.map_or(v, |(_, b)| b.max(v));
                    (top, VPos::Bottom, -4)
                } else {
                    let bottom = whisker.map_or(v, |(a, _)| a.min(v));
                    (bottom, VPos::Top, 4)
                };
                let (px, py) = area.map_coordinate(&(mid, end));
                root.draw(&Text::new(short(v), (px, py + dy), style(13).pos(Pos::new(HPos::Center, anchor))))
                    .map_err(err)?;
            }
        }
        // The zero line, when the axis goes below zero.
        if y_bottom < 0.0 {
            area.draw(&PathElement::new(vec![(0.0, 0.0), (n as f64, 0.0)], ShapeStyle::from(&BLACK).stroke_width(1)))
                .map_err(err)?;
        }

        // The legend, to the right of the chart.
        if !spec.legend.is_empty() {
            let x = 8;
            let mut y = 60;
            legend_area
                .draw(&Text::new("strategy", (x, y), style(15).pos(Pos::new(HPos::Left, VPos::Center))))
                .map_err(err)?;
            for (i, name) in spec.legend.iter().enumerate() {
                y += 24;
                if y > HEIGHT as i32 - 20 {
                    let more = format!("+{} more", spec.legend.len() - i);
                    legend_area
                        .draw(&Text::new(more, (x, y), style(LABEL_PX).pos(Pos::new(HPos::Left, VPos::Center))))
                        .map_err(err)?;
                    break;
                }
                legend_area.draw(&Rectangle::new([(x, y - 7), (x + 14, y + 7)], colour(i).filled())).map_err(err)?;
                legend_area
                    .draw(&Text::new(
                        clean(name, MAX_LABEL_CHARS),
                        (x + 22, y),
                        style(LABEL_PX).pos(Pos::new(HPos::Left, VPos::Center)),
                    ))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
