//! Charts drawn on the server: a line or area chart of figures over days,
//! as an SVG document to put in a page, and the same numbers as an HTML
//! table for those who cannot see it. Pure text in, text out.
//!
//! The SVG carries no `style` attribute and no script (the pages' Content
//! Security Policy allows neither inline): colours, lines and type are SVG
//! presentation attributes. It is an image with a name (`role="img"`,
//! `<title>`, `<desc>` saying the range and each series' first, last and
//! highest figure); each point, when there are few enough to mark, carries
//! its day and figure as a tooltip. Series differ by dash as well as by
//! colour. Every text is escaped.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use domain::indicators::series::Point;

use crate::i18n::{self, Lang};

/// The colours of the series in turn, from Bootstrap Italia's palette:
/// primary, success, warning, danger, secondary, dark.
pub const PALETTE: [&str; 6] = [
    "#0066CC", "#008055", "#995C00", "#CC334D", "#5D7083", "#17334F",
];
/// The dash of the series in turn, so that colour is not the only
/// difference.
const DASHES: [Option<&str>; 3] = [None, Some("8 4"), Some("2 3")];
const INK: &str = "#17334F";
const AXIS: &str = "#5D7083";
const GRID: &str = "#D9DADB";
const FONT: &str = "Titillium Web, Geneva, Tahoma, sans-serif";

/// The drawing's width; its height grows with the rows of the legend.
pub const WIDTH: f64 = 720.0;
const PLOT_HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const LEGEND_ROW: f64 = 22.0;
const BELOW: f64 = 44.0;
/// Points are marked (with a tooltip each) up to this many per series.
const MARKED_POINTS: usize = 60;
/// About how wide a character of the 12-unit type is.
const CHAR_WIDTH: f64 = 7.0;

/// One line of the chart: a name for the legend and one figure per day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

/// Lines, or lines over a light fill down to zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Area,
}

/// What to draw. A series with fewer figures than days stops early; one
/// with more has the extra ignored.
#[derive(Debug, Clone)]
pub struct Chart {
    /// Makes the ids of the title and description unique in the page;
    /// only letters, digits and `-` are kept.
    pub id: String,
    pub title: String,
    pub days: Vec<NaiveDate>,
    pub series: Vec<Series>,
    pub shape: Shape,
    pub lang: Lang,
}

/// The dashboard's chart of the indicators over time: Navigators active
/// and through the whole training path on each day of a series.
pub fn navigators_over_time(id: &str, points: &[Point], lang: Lang) -> Chart {
    Chart {
        id: id.to_owned(),
        title: lang
            .t(
                "Navigator attivi e con il percorso formativo completato",
                "Navigators active and through the whole training path",
            )
            .to_owned(),
        days: points.iter().map(|p| p.day).collect(),
        series: vec![
            Series {
                name: lang.t("Attivi", "Active").to_owned(),
                values: points.iter().map(|p| p.active).collect(),
            },
            Series {
                name: lang.t("Percorso completato", "Path completed").to_owned(),
                values: points.iter().map(|p| p.path_completed).collect(),
            },
        ],
        shape: Shape::Area,
        lang,
    }
}

/// Text as XML character data or an attribute value: the five special
/// characters escaped, and the characters XML cannot carry left out.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A whole number with the thousands grouped: 2.980 in Italian, 2,980 in
/// English.
pub fn number(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::It => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

const MONTHS_IT: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day on the axis: `15 lug 2019`, `15 Jul 2019`.
pub fn axis_day(d: NaiveDate, lang: Lang) -> String {
    let months = match lang {
        Lang::It => &MONTHS_IT,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(d.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {}", d.day(), d.year())
}

/// The id, letters, digits and `-` only.
fn id_of(chart: &Chart) -> String {
    let id: String = chart
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if id.is_empty() {
        "chart".to_owned()
    } else {
        id
    }
}

/// The figures of a series, as many as there are days at most.
fn values<'a>(chart: &'a Chart, s: &'a Series) -> &'a [i64] {
    &s.values[..s.values.len().min(chart.days.len())]
}

/// The vertical scale: a round step and the round bounds it gives, zero
/// always within them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

/// 1, 2 or 5 times a power of ten, at least `raw` and at least 1.
fn round_step(raw: f64) -> f64 {
    // NaN too.
    if raw.is_nan() || raw <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

fn scale(chart: &Chart) -> Scale {
    let all = chart.series.iter().flat_map(|s| values(chart, s));
    let (low, high) = all.fold((0f64, 0f64), |(lo, hi), v| {
        (lo.min(*v as f64), hi.max(*v as f64))
    });
    let step = round_step((high - low) / 4.0);
    let low = (low / step).floor() * step;
    let mut high = (high / step).ceil() * step;
    if high <= low {
        high = low + step;
    }
    Scale { low, high, step }
}

/// Where things are drawn.
struct Frame {
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    height: f64,
}

impl Frame {
    fn y(&self, s: &Scale, v: f64) -> f64 {
        let share = ((v - s.low) / (s.high - s.low)).clamp(0.0, 1.0);
        self.bottom - share * (self.bottom - self.top)
    }

    fn x(&self, days: &[NaiveDate], d: NaiveDate) -> f64 {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return (self.left + self.right) / 2.0;
        };
        let span = (*last - *first).num_days();
        if span <= 0 {
            return (self.left + self.right) / 2.0;
        }
        let share = ((d - *first).num_days() as f64 / span as f64).clamp(0.0, 1.0);
        self.left + share * (self.right - self.left)
    }
}

/// A legend entry's name, cut to what a row holds.
fn legend_name(name: &str) -> String {
    let room = ((WIDTH - LEFT - RIGHT - 24.0) / CHAR_WIDTH) as usize;
    if name.chars().count() <= room {
        name.to_owned()
    } else {
        let mut cut: String = name.chars().take(room.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The legend's entries, each at `(x, row)`, rows wrapped to the width.
fn legend_layout(chart: &Chart) -> (Vec<(String, f64, usize)>, usize) {
    let mut out = Vec::new();
    let (mut x, mut row) = (LEFT, 0);
    for s in &chart.series {
        let name = legend_name(&s.name);
        let width = 24.0 + name.chars().count() as f64 * CHAR_WIDTH + 16.0;
        if x > LEFT && x + width > WIDTH - RIGHT {
            x = LEFT;
            row += 1;
        }
        out.push((name, x, row));
        x += width;
    }
    let rows = if chart.series.is_empty() { 0 } else { row + 1 };
    (out, rows)
}

/// The days labelled on the horizontal axis, as `(index, x, anchor)`:
/// from the left, each that does not run into the one before, and the
/// last day always (in place of those it would run into). The first is
/// anchored at its start and the last at its end, so that neither leaves
/// the drawing.
fn labelled(chart: &Chart, frame: &Frame) -> Vec<(usize, f64, &'static str)> {
    const GAP: f64 = 12.0;
    let n = chart.days.len();
    let extent = |i: usize| -> (f64, f64, &'static str) {
        let d = chart.days[i];
        let x = frame.x(&chart.days, d);
        let w = axis_day(d, chart.lang).chars().count() as f64 * CHAR_WIDTH;
        if n > 1 && i == 0 {
            (x, x + w, "start")
        } else if n > 1 && i == n - 1 {
            (x - w, x, "end")
        } else {
            (x - w / 2.0, x + w / 2.0, "middle")
        }
    };
    let mut kept: Vec<(usize, f64, f64, &'static str)> = Vec::new();
    for i in 0..n {
        let (from, to, anchor) = extent(i);
        let last = i + 1 == n;
        if last {
            while kept.last().is_some_and(|k| k.2 + GAP > from) {
                kept.pop();
            }
        } else if kept.last().is_some_and(|k| k.2 + GAP > from) {
            continue;
        }
        kept.push((i, from, to, anchor));
    }
    kept.into_iter()
        .map(|(i, _, _, anchor)| (i, frame.x(&chart.days, chart.days[i]), anchor))
        .collect()
}

/// In words: the days, and each series' first, last and highest figure.
pub fn description(chart: &Chart) -> String {
    let lang = chart.lang;
    let day = |d: NaiveDate| i18n::day(d, lang);
    let (Some(first), Some(last)) = (chart.days.first(), chart.days.last()) else {
        return lang.t("Nessun dato.", "No data.").to_owned();
    };
    let mut out = match lang {
        Lang::It => format!(
            "Dal {} al {}, {} punti.",
            day(*first),
            day(*last),
            chart.days.len()
        ),
        Lang::En => format!(
            "From {} to {}, {} points.",
            day(*first),
            day(*last),
            chart.days.len()
        ),
    };
    for s in &chart.series {
        let v = values(chart, s);
        let (Some(a), Some(b), Some(top)) = (v.first(), v.last(), v.iter().max()) else {
            continue;
        };
        let at = v.len() - 1;
        let _ = match lang {
            Lang::It => write!(
                out,
                " {}: {} il {}, {} il {}, al massimo {}.",
                s.name,
                number(*a, lang),
                day(*first),
                number(*b, lang),
                day(chart.days[at]),
                number(*top, lang)
            ),
            Lang::En => write!(
                out,
                " {}: {} on {}, {} on {}, at most {}.",
                s.name,
                number(*a, lang),
                day(*first),
                number(*b, lang),
                day(chart.days[at]),
                number(*top, lang)
            ),
        };
    }
    out
}

/// The chart as an SVG element, to put in a page as it is.
pub fn svg(chart: &Chart) -> String {
    let lang = chart.lang;
    let id = id_of(chart);
    let (legend, legend_rows) = legend_layout(chart);
    let top = 16.0 + legend_rows as f64 * LEGEND_ROW;
    let frame = Frame {
        top,
        bottom: top + PLOT_HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        height: top + PLOT_HEIGHT + BELOW,
    };
    let scale = scale(chart);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" font-family="{FONT}" font-size="12" fill="{INK}"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        w = WIDTH,
        h = frame.height,
        title = escape(&chart.title),
        desc = escape(&description(chart)),
    );

    // The legend.
    for (k, (name, x, row)) in legend.iter().enumerate() {
        let y = 8.0 + *row as f64 * LEGEND_ROW;
        let colour = PALETTE[k % PALETTE.len()];
        let _ = write!(
            out,
            r#"<g><line x1="{x0:.1}" y1="{ym:.1}" x2="{x1:.1}" y2="{ym:.1}" stroke="{colour}" stroke-width="3"{dash}/><text x="{tx:.1}" y="{ty:.1}">{name}</text></g>"#,
            x0 = x,
            x1 = x + 18.0,
            ym = y + 6.0,
            dash = dash_attribute(k),
            tx = x + 24.0,
            ty = y + 10.0,
            name = escape(name),
        );
    }

    // The grid and the vertical axis's labels.
    let ticks = ((scale.high - scale.low) / scale.step).round() as usize;
    for t in 0..=ticks {
        let v = scale.low + t as f64 * scale.step;
        let y = frame.y(&scale, v);
        let _ = write!(
            out,
            r#"<line x1="{l:.1}" y1="{y:.1}" x2="{r:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/><text x="{lx:.1}" y="{ly:.1}" text-anchor="end">{label}</text>"#,
            l = frame.left,
            r = frame.right,
            lx = frame.left - 8.0,
            ly = y + 4.0,
            label = number(v as i64, lang),
        );
    }
    // The axes.
    let _ = write!(
        out,
        r#"<line x1="{l:.1}" y1="{t:.1}" x2="{l:.1}" y2="{b:.1}" stroke="{AXIS}" stroke-width="1"/><line x1="{l:.1}" y1="{zero:.1}" x2="{r:.1}" y2="{zero:.1}" stroke="{AXIS}" stroke-width="1"/>"#,
        l = frame.left,
        r = frame.right,
        t = frame.top,
        b = frame.bottom,
        zero = frame.y(&scale, 0.0),
    );
    // The days on the horizontal axis.
    let n = chart.days.len();
    for (i, x, anchor) in labelled(chart, &frame) {
        let d = chart.days[i];
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{b:.1}" x2="{x:.1}" y2="{b5:.1}" stroke="{AXIS}" stroke-width="1"/><text x="{x:.1}" y="{ty:.1}" text-anchor="{anchor}">{label}</text>"#,
            b = frame.bottom,
            b5 = frame.bottom + 5.0,
            ty = frame.bottom + 20.0,
            label = escape(&axis_day(d, lang)),
        );
    }
    if n == 0 {
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle">{none}</text>"#,
            x = (frame.left + frame.right) / 2.0,
            y = (frame.top + frame.bottom) / 2.0,
            none = lang.t("Nessun dato", "No data"),
        );
    }

    // The series: an area first when asked, then the line and its marks.
    for (k, s) in chart.series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let v = values(chart, s);
        if v.is_empty() {
            continue;
        }
        let points: Vec<(f64, f64)> = v
            .iter()
            .zip(&chart.days)
            .map(|(v, d)| (frame.x(&chart.days, *d), frame.y(&scale, *v as f64)))
            .collect();
        let coordinates = |points: &[(f64, f64)]| {
            points
                .iter()
                .map(|(x, y)| format!("{x:.1},{y:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = write!(out, r#"<g>"#);
        if chart.shape == Shape::Area {
            let zero = frame.y(&scale, 0.0);
            let mut outline = points.clone();
            if let (Some((x_last, _)), Some((x_first, _))) = (points.last(), points.first()) {
                outline.push((*x_last, zero));
                outline.push((*x_first, zero));
            }
            let _ = write!(
                out,
                r#"<polygon points="{p}" fill="{colour}" fill-opacity="0.12" stroke="none"/>"#,
                p = coordinates(&outline),
            );
        }
        let _ = write!(
            out,
            r#"<polyline points="{p}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dash}/>"#,
            p = coordinates(&points),
            dash = dash_attribute(k),
        );
        if v.len() <= MARKED_POINTS {
            for ((x, y), (value, d)) in points.iter().zip(v.iter().zip(&chart.days)) {
                let _ = write!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{colour}"><title>{name}, {day}: {value}</title></circle>"#,
                    name = escape(&s.name),
                    day = escape(&i18n::day(*d, lang)),
                    value = number(*value, lang),
                );
            }
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

fn dash_attribute(k: usize) -> String {
    match DASHES[k % DASHES.len()] {
        Some(d) => format!(r#" stroke-dasharray="{d}""#),
        None => String::new(),
    }
}

/// The same numbers as an HTML table (a caption, a column per series, a
/// row per day), the chart's alternative for screen readers: put it next
/// to the SVG, in a `<details>` or visually hidden.
pub fn table(chart: &Chart) -> String {
    let lang = chart.lang;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<table class="table table-sm"><caption>{}</caption><thead><tr><th scope="col">{}</th>"#,
        escape(&chart.title),
        lang.t("Data", "Date"),
    );
    for s in &chart.series {
        let _ = write!(
            out,
            r#"<th scope="col" class="text-end">{}</th>"#,
            escape(&s.name)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for (i, d) in chart.days.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th>"#,
            escape(&i18n::day(*d, lang))
        );
        for s in &chart.series {
            match values(chart, s).get(i) {
                Some(v) => {
                    let _ = write!(out, r#"<td class="text-end">{}</td>"#, number(*v, lang));
                }
                None => out.push_str(r#"<td class="text-end">–</td>"#),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn navigators(lang: Lang, shape: Shape) -> Chart {
        let days: Vec<NaiveDate> = [
            "2019-07-14",
            "2019-07-21",
            "2019-07-28",
            "2019-08-04",
            "2019-08-11",
            "2019-09-01",
            "2019-09-02",
        ]
        .map(d)
        .to_vec();
        Chart {
            id: "navigators".into(),
            title: lang
                .t(
                    "Navigator attivi e percorso completato",
                    "Navigators active and path completed",
                )
                .into(),
            days,
            series: vec![
                Series {
                    name: lang.t("Attivi", "Active").into(),
                    values: vec![0, 2, 2, 2, 2980, 2950, 2950],
                },
                Series {
                    name: lang.t("Percorso completato", "Path completed").into(),
                    values: vec![0, 0, 0, 10, 1200, 2501, 2502],
                },
            ],
            shape,
            lang,
        }
    }

    #[test]
    fn a_chart_in_italian_and_in_english() {
        insta::assert_snapshot!("navigators_it", svg(&navigators(Lang::It, Shape::Area)));
        insta::assert_snapshot!("navigators_en", svg(&navigators(Lang::En, Shape::Line)));
        insta::assert_snapshot!(
            "navigators_table_it",
            table(&navigators(Lang::It, Shape::Line))
        );
    }

    /// A year a day at a time: no marks, about six days on the axis, the
    /// last among them.
    #[test]
    fn a_year_day_by_day() {
        let first = d("2019-07-01");
        let days: Vec<NaiveDate> = (0..366).map(|k| first + chrono::Days::new(k)).collect();
        let active = (0..366).map(|k: i64| (k * 12).min(2980) - k / 30).collect();
        let completed = (0..366)
            .map(|k: i64| ((k - 60).max(0) * 9).min(2600))
            .collect();
        let chart = Chart {
            id: "year".into(),
            title: "Navigators".into(),
            days,
            series: vec![
                Series {
                    name: "Active".into(),
                    values: active,
                },
                Series {
                    name: "Path completed".into(),
                    values: completed,
                },
            ],
            shape: Shape::Line,
            lang: Lang::En,
        };
        let svg = svg(&chart);
        assert!(!svg.contains("<circle"));
        let labels: Vec<&str> = svg
            .split("text-anchor=\"")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once('<')))
            .map(|(label, _)| label)
            .filter(|l| l.contains(' '))
            .collect();
        assert_eq!(labels.first(), Some(&"1 Jul 2019"), "{labels:?}");
        assert_eq!(labels.last(), Some(&"30 Jun 2020"), "{labels:?}");
        assert!((4..=8).contains(&labels.len()), "{labels:?}");
        insta::assert_snapshot!("year_en", svg);
    }

    #[test]
    fn the_dashboard_s_chart_of_a_series() {
        let points = [
            Point {
                day: d("2019-07-15"),
                contracted: 3,
                active: 0,
                path_completed: 0,
            },
            Point {
                day: d("2019-07-22"),
                contracted: 3,
                active: 3,
                path_completed: 1,
            },
        ];
        let chart = navigators_over_time("trend", &points, Lang::En);
        assert_eq!(chart.days, [d("2019-07-15"), d("2019-07-22")]);
        let names: Vec<(&str, &[i64])> = chart
            .series
            .iter()
            .map(|s| (s.name.as_str(), s.values.as_slice()))
            .collect();
        assert_eq!(
            names,
            [("Active", &[0, 3][..]), ("Path completed", &[0, 1][..])]
        );
        assert!(table(&chart).contains("<th scope=\"row\">2019-07-22</th><td class=\"text-end\">3</td><td class=\"text-end\">1</td>"));
    }

    #[test]
    fn an_empty_chart_says_so() {
        let chart = Chart {
            id: "empty".into(),
            title: "Nothing".into(),
            days: Vec::new(),
            series: vec![Series {
                name: "Active".into(),
                values: vec![1, 2],
            }],
            shape: Shape::Line,
            lang: Lang::En,
        };
        let svg = svg(&chart);
        assert!(svg.contains(">No data</text>"), "{svg}");
        assert!(
            svg.contains("<desc id=\"empty-desc\">No data.</desc>"),
            "{svg}"
        );
        assert!(!svg.contains("<polyline"), "{svg}");
        well_formed(&svg).unwrap();
        assert_eq!(
            table(&chart),
            "<table class=\"table table-sm\"><caption>Nothing</caption><thead><tr><th scope=\"col\">Date</th><th scope=\"col\" class=\"text-end\">Active</th></tr></thead><tbody></tbody></table>"
        );
    }

    #[test]
    fn text_is_escaped_and_ids_kept_to_safe_characters() {
        let chart = Chart {
            id: "a\"><script>".into(),
            title: "<script>alert(1)</script> & co".into(),
            days: vec![d("2019-07-15")],
            series: vec![Series {
                name: "\"x\" onload='y'\u{1}".into(),
                values: vec![3],
            }],
            shape: Shape::Area,
            lang: Lang::It,
        };
        let svg = svg(&chart);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(svg.contains("&quot;x&quot; onload=&#39;y&#39;<"), "{svg}");
        assert!(svg.contains("id=\"ascript-title\""), "{svg}");
        assert!(!svg.contains("style="), "{svg}");
        well_formed(&svg).unwrap();
        well_formed(&table(&chart)).unwrap();
    }

    #[test]
    fn numbers_and_days_the_reader_s_way() {
        assert_eq!(number(2980, Lang::It), "2.980");
        assert_eq!(number(2980, Lang::En), "2,980");
        assert_eq!(number(-1_234_567, Lang::En), "-1,234,567");
        assert_eq!(number(999, Lang::It), "999");
        assert_eq!(number(i64::MIN, Lang::En), "-9,223,372,036,854,775,808");
        assert_eq!(axis_day(d("2019-12-09"), Lang::It), "9 dic 2019");
        assert_eq!(axis_day(d("2019-05-01"), Lang::En), "1 May 2019");
    }

    #[test]
    fn the_scale_is_round_and_holds_zero() {
        let mut chart = navigators(Lang::En, Shape::Line);
        assert_eq!(
            scale(&chart),
            Scale {
                low: 0.0,
                high: 3000.0,
                step: 1000.0
            }
        );
        chart.series = vec![Series {
            name: "x".into(),
            values: vec![-3, 7],
        }];
        assert_eq!(
            scale(&chart),
            Scale {
                low: -5.0,
                high: 10.0,
                step: 5.0
            },
            "a step of 2.5 rounds up to 5"
        );
        chart.series[0].values = vec![0, 0];
        assert_eq!(
            scale(&chart),
            Scale {
                low: 0.0,
                high: 1.0,
                step: 1.0
            }
        );
    }

    /// Checks that `text` is one well-formed XML element (tags balanced,
    /// attributes quoted and unique, only known entities), and returns the
    /// numbers of its coordinate attributes as `(name, value)`.
    fn well_formed(text: &str) -> Result<Vec<(String, f64)>, String> {
        let mut stack: Vec<String> = Vec::new();
        let mut numbers = Vec::new();
        let mut roots = 0;
        let mut rest = text;
        let entity_ok = |s: &str| -> Result<(), String> {
            let mut parts = s.split('&');
            parts.next();
            for p in parts {
                let Some((name, _)) = p.split_once(';') else {
                    return Err(format!("bare & in {s:?}"));
                };
                if !["amp", "lt", "gt", "quot", "#39"].contains(&name) {
                    return Err(format!("unknown entity &{name};"));
                }
            }
            Ok(())
        };
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else {
                if stack.is_empty() {
                    return Err(format!("text after the root: {rest:?}"));
                }
                entity_ok(rest)?;
                break;
            };
            let (text_part, tag_part) = rest.split_at(open);
            if !text_part.is_empty() && stack.is_empty() {
                return Err(format!("text outside the root: {text_part:?}"));
            }
            if text_part.contains('>') {
                return Err(format!("> in text: {text_part:?}"));
            }
            entity_ok(text_part)?;
            let close = tag_part.find('>').ok_or("unclosed tag")?;
            let tag = &tag_part[1..close];
            rest = &tag_part[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or("close without open")?;
                if open != name {
                    return Err(format!("</{name}> closes <{open}>"));
                }
                continue;
            }
            let (body, empty) = match tag.strip_suffix('/') {
                Some(b) => (b, true),
                None => (tag, false),
            };
            let (name, mut attributes) = body.split_once(' ').unwrap_or((body, ""));
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad tag name {name:?}"));
            }
            let mut seen = Vec::new();
            loop {
                attributes = attributes.trim_start();
                if attributes.is_empty() {
                    break;
                }
                let (key, after) = attributes.split_once("=\"").ok_or("unquoted attribute")?;
                if !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
                {
                    return Err(format!("bad attribute name {key:?}"));
                }
                if seen.contains(&key) {
                    return Err(format!("{key} twice"));
                }
                seen.push(key);
                let (value, after) = after.split_once('"').ok_or("unterminated value")?;
                if value.contains('<') {
                    return Err(format!("< in {key}"));
                }
                entity_ok(value)?;
                if key == "style" || key.starts_with("on") {
                    return Err(format!("{key} attribute"));
                }
                let coordinate = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy"];
                if coordinate.contains(&key) {
                    numbers.push((key.to_owned(), value.parse().map_err(|_| key.to_owned())?));
                }
                if key == "points" {
                    for (i, n) in value.split([' ', ',']).enumerate() {
                        let axis = if i % 2 == 0 { "x" } else { "y" };
                        numbers.push((axis.to_owned(), n.parse().map_err(|_| "points")?));
                    }
                }
                attributes = after;
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !empty {
                stack.push(name.to_owned());
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} roots"));
        }
        Ok(numbers)
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let start = svg.find("viewBox=\"0 0 ").unwrap() + 13;
        let end = start + svg[start..].find('"').unwrap();
        let (w, h) = svg[start..end].split_once(' ').unwrap();
        (w.parse().unwrap(), h.parse().unwrap())
    }

    fn arbitrary_chart() -> impl Strategy<Value = Chart> {
        (
            0usize..120,
            proptest::collection::vec(
                (
                    any::<String>(),
                    proptest::collection::vec(
                        prop_oneof![-1_000_000i64..1_000_000, any::<i64>()],
                        0..130,
                    ),
                ),
                0..8,
            ),
            1u64..40,
            any::<String>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(n, series, gap, title, area, english)| Chart {
                id: title.clone(),
                title,
                days: (0..n as u64)
                    .map(|k| d("2019-07-15") + chrono::Days::new(k * gap))
                    .collect(),
                series: series
                    .into_iter()
                    .map(|(name, values)| Series { name, values })
                    .collect(),
                shape: if area { Shape::Area } else { Shape::Line },
                lang: if english { Lang::En } else { Lang::It },
            })
    }

    proptest! {
        /// Any chart is one well-formed SVG element whose every coordinate
        /// lies within its view box, with no inline style or script, and its
        /// table is well formed with a row per day.
        #[test]
        fn any_chart_is_well_formed_and_within_its_view_box(chart in arbitrary_chart()) {
            let svg = svg(&chart);
            let numbers = well_formed(&svg).map_err(TestCaseError::fail)?;
            let (w, h) = view_box(&svg);
            for (axis, v) in numbers {
                let limit = if axis.starts_with('x') || axis == "cx" { w } else { h };
                prop_assert!(v.is_finite() && (0.0..=limit).contains(&v), "{axis} = {v} outside 0..{limit}");
            }
            prop_assert!(!svg.contains("<script"));
            prop_assert!(svg.starts_with("<svg ") && svg.contains(r#"role="img""#));
            let table = table(&chart);
            well_formed(&table).map_err(TestCaseError::fail)?;
            prop_assert_eq!(table.matches("<tr>").count(), chart.days.len() + 1);
        }
    }
}
