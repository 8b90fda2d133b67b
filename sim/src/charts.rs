//! SVG charts and the self-contained `report.html`, drawn from the rendered
//! CSV reports alone — so a merged sharded run gets the same bytes as the
//! run on one machine, and the pictures never show anything the CSVs do not.
//!
//! Text is measured with a vendored font (DejaVu Sans, `assets/`), never a
//! system font: the SVGs are the same bytes on every machine.

use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

use crate::columns::{ALL_SCOPE, chart_metric_names, summary_swept};

const WIDTH: u32 = 760;
const HEIGHT: u32 = 400;
/// Most points drawn per line; longer series are thinned evenly.
const MAX_POINTS: usize = 600;
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Okabe–Ito colours (distinguishable with colour-vision deficiencies),
/// cycled.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(0, 0, 0),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// What a report folder's charts need besides its CSVs.
#[derive(Debug, Clone, Copy)]
pub struct ChartSpec<'a> {
    /// Shown as the report's title (the scenario file's stem).
    pub title: &'a str,
    /// `summary.csv` metrics charted against the first swept parameter.
    pub metrics: &'a [String],
    /// `scenario.resolved.toml`, shown at the end of the report.
    pub resolved: &'a str,
    /// `run.slo_latency_s`: a line on the latency charts.
    pub slo_latency_s: Option<f64>,
}

/// The report files the charts are drawn from: those in memory, and those
/// already written to a folder (the command line streams the per-run
/// reports there as runs end; the charts read them back row by row and
/// keep only what they draw).
#[derive(Debug, Clone, Copy)]
pub struct Reports<'a> {
    pub files: &'a [(&'a str, String)],
    pub folder: Option<(&'a Path, &'a [&'static str])>,
}

impl<'a> Reports<'a> {
    /// Reports held in memory only.
    pub fn in_memory(files: &'a [(&'a str, String)]) -> Reports<'a> {
        Reports {
            files,
            folder: None,
        }
    }

    /// A report's text, from memory or read from the folder.
    fn open(&self, name: &str) -> Option<Box<dyn std::io::Read + 'a>> {
        if let Some((_, text)) = self.files.iter().find(|(n, _)| *n == name) {
            return Some(Box::new(text.as_bytes()));
        }
        let (dir, names) = self.folder?;
        if !names.contains(&name) {
            return None;
        }
        let f = std::fs::File::open(dir.join(name)).ok()?;
        Some(Box::new(std::io::BufReader::with_capacity(1 << 16, f)))
    }

    /// Every report's name.
    fn names(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.files.iter().map(|(n, _)| *n).collect();
        if let Some((_, more)) = self.folder {
            names.extend(more.iter().copied());
        }
        names
    }
}

/// A parsed CSV report.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn from(files: &[(&str, String)], name: &str) -> Option<Table> {
        let (_, text) = files.iter().find(|(n, _)| *n == name)?;
        let (header, rows) = crate::table::parse_csv(text, Path::new(name)).ok()?;
        Some(Table { header, rows })
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("report column {name} (the report writer names it)"))
    }
}

/// A per-run report as the charts keep it: only the rows of replication 0
/// unless every replication is asked for, only the point, the replication
/// and the columns asked for, and every cell in one text (a sweep's
/// reports are read back from disk; a cell costs its characters and four
/// bytes, not a `String`).
struct Kept {
    header: Vec<String>,
    /// The cells, row after row, one after another.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<u32>,
}

/// One row of a [`Kept`] report.
#[derive(Clone, Copy)]
struct Cells<'a> {
    text: &'a str,
    /// The end of the cell before this row's first, and this row's ends.
    start: u32,
    ends: &'a [u32],
}

impl<'a> Cells<'a> {
    fn get(self, i: usize) -> &'a str {
        let from = if i == 0 { self.start } else { self.ends[i - 1] };
        &self.text[from as usize..self.ends[i] as usize]
    }
}

impl Kept {
    /// Reads `name` from `reports`, keeping the columns in `keep` (all if
    /// `None`) and the rows of every replication or only replication 0.
    fn read(
        reports: Reports<'_>,
        name: &str,
        keep: Option<&[&str]>,
        every_replication: bool,
    ) -> Option<Kept> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(reports.open(name)?);
        let mut rec = csv::StringRecord::new();
        if !r.read_record(&mut rec).ok()? {
            return None;
        }
        let all: Vec<String> = rec.iter().map(str::to_string).collect();
        let kept: Vec<usize> = (0..all.len())
            .filter(|&i| i < 2 || keep.is_none_or(|k| k.contains(&all[i].as_str())))
            .collect();
        let header = kept.iter().map(|&i| all[i].clone()).collect();
        let (mut text, mut ends) = (String::new(), Vec::new());
        while r.read_record(&mut rec).ok()? {
            if !every_replication && rec.get(1) != Some("0") {
                continue;
            }
            for &i in &kept {
                text.push_str(rec.get(i).unwrap_or(""));
                ends.push(u32::try_from(text.len()).ok()?);
            }
        }
        Some(Kept { header, text, ends })
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("report column {name} (the report writer names it)"))
    }

    /// Rows of one point (and one replication, if given).
    fn of<'a>(&'a self, point: &'a str, rep: Option<&'a str>) -> impl Iterator<Item = Cells<'a>> {
        let width = self.header.len();
        self.ends
            .chunks_exact(width)
            .enumerate()
            .map(move |(k, ends)| Cells {
                text: &self.text,
                start: if k == 0 { 0 } else { self.ends[k * width - 1] },
                ends,
            })
            .filter(move |r| r.get(0) == point && rep.is_none_or(|x| r.get(1) == x))
    }
}

fn num(s: &str) -> Option<f64> {
    s.parse().ok()
}

/// Every chart (SVG) and `report.html`, named as they are written.
pub fn render(reports: Reports<'_>, spec: ChartSpec<'_>) -> Vec<(String, String)> {
    register_font();
    let files = reports.files;
    let Some(summary) = Table::from(files, "summary.csv") else {
        return Vec::new();
    };
    let ci = Table::from(files, "summary_ci.csv");
    let swept: Vec<String> = summary.header[3..3 + summary_swept(summary.header.len())].to_vec();
    let mut points: Vec<&str> = summary.rows.iter().map(|r| r[0].as_str()).collect();
    points.dedup();
    let many = points.len() > 1;

    let mut charts: Vec<Chart> = Vec::new();
    if let (Some(ci), true) = (&ci, !swept.is_empty()) {
        for m in spec.metrics {
            if let Some(c) = sweep_chart(ci, &swept, m, spec.slo_latency_s)
                .as_ref()
                .and_then(draw)
            {
                charts.push(c);
            }
        }
    }
    // Latencies of every replication; the rest from replication 0.
    let tables = [
        ("utilization.csv", None, false),
        ("jobs.csv", Some(&["app", "latency_s"][..]), true),
        (
            "executors.csv",
            Some(&["app", "launch_s", "end_s"][..]),
            false,
        ),
        (
            "allocation.csv",
            Some(&["time_s", "app", "target_executors"][..]),
            false,
        ),
        (
            "shares.csv",
            Some(&["time_s", "role", "cpus_allocated", "mem_allocated_mb"][..]),
            false,
        ),
        (
            "failures.csv",
            Some(&["time_s", "event", "executors"][..]),
            false,
        ),
    ]
    .map(|(n, keep, every)| Kept::read(reports, n, keep, every));
    let [util, jobs, execs, alloc, shares, failures] = &tables;
    for &p in &points {
        let suffix = if many {
            format!("-p{p}")
        } else {
            String::new()
        };
        let per_point = [
            util.as_ref().and_then(|u| cpu_chart(u, p)),
            failures.as_ref().and_then(|f| failures_chart(f, p)),
            jobs.as_ref()
                .and_then(|j| latency_chart(j, p, spec.slo_latency_s)),
            execs
                .as_ref()
                .and_then(|e| executors_chart(e, alloc.as_ref(), p)),
            match (shares, util) {
                (Some(s), Some(u)) => shares_chart(s, u, p),
                _ => None,
            },
        ];
        for mut c in per_point.iter().flatten().filter_map(draw) {
            c.file = format!("{}{suffix}.svg", c.file);
            c.point = Some(p.to_string());
            charts.push(c);
        }
    }
    let mut out: Vec<(String, String)> = charts
        .iter()
        .map(|c| (c.file.clone(), c.svg.clone()))
        .collect();
    let html = html(
        &reports.names(),
        &spec,
        &summary,
        ci.as_ref(),
        &swept,
        &points,
        &charts,
    );
    out.push(("report.html".to_string(), html));
    out
}

/// Registers the vendored font once (plotters keeps a global font table).
/// It parses (every test draws charts); were it not to, drawing fails and
/// the charts are left out rather than the run panicking.
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// One drawn chart.
struct Chart {
    /// File name, without `.svg` until the point suffix is added.
    file: String,
    title: String,
    svg: String,
    /// The sweep point a per-point chart shows.
    point: Option<String>,
}

struct Line {
    name: String,
    points: Vec<(f64, f64)>,
    dashed: bool,
    colour: RGBColor,
    /// Stroke width: lines that may coincide are drawn wide first and
    /// narrow on top, so every one stays visible.
    width: u32,
    /// Vertical error bars (x, low, mean, high).
    bars: Vec<(f64, f64, f64, f64)>,
    /// A dot at every point (sweep points are discrete).
    markers: bool,
    /// The points joined by a line (not for categories: their order means
    /// nothing).
    joined: bool,
    /// Crosses instead of dots (overloaded points).
    crosses: bool,
}

impl Line {
    fn new(name: impl Into<String>, colour: RGBColor, points: Vec<(f64, f64)>) -> Line {
        Line {
            name: name.into(),
            points: thin(points),
            dashed: false,
            colour,
            width: 2,
            bars: Vec::new(),
            markers: false,
            joined: true,
            crosses: false,
        }
    }
}

/// The colour of service-level objectives and of overloaded points.
const ALERT: RGBColor = RGBColor(200, 30, 30);

/// A legend entry, cut to 48 characters.
fn legend_name(name: &str) -> String {
    if name.chars().count() <= 48 {
        name.to_string()
    } else {
        let cut: String = name.chars().take(47).collect();
        format!("{cut}…")
    }
}

/// Keeps at most [`MAX_POINTS`] evenly spaced points, first and last
/// included.
fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let n = points.len();
    if n <= MAX_POINTS {
        return points;
    }
    (0..MAX_POINTS)
        .map(|i| points[i * (n - 1) / (MAX_POINTS - 1)])
        .collect()
}

/// How the x axis is labelled.
enum XAxis {
    Linear,
    /// x holds log10 of the value; ticks show the value.
    Log10,
    /// x holds the index of a label.
    Categories(Vec<String>),
}

struct Axes {
    x_desc: String,
    y_desc: String,
    x: XAxis,
    /// The highest y worth showing whatever the data (1 for fractions);
    /// `None`: the highest value. The axis goes from 0 to a little above,
    /// with room for the legend at the top.
    y_top: Option<f64>,
    /// y holds log10 of the value (whole decades shown); ticks show the
    /// value.
    y_log: bool,
}

fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    let s = if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A chart before drawing: what it shows.
struct Plot {
    file: String,
    title: String,
    axes: Axes,
    lines: Vec<Line>,
}

fn plot(file: &str, title: &str, axes: Axes, lines: impl Into<Vec<Line>>) -> Option<Plot> {
    let lines: Vec<Line> = lines.into();
    lines.iter().any(|l| !l.points.is_empty()).then(|| Plot {
        file: file.to_string(),
        title: title.to_string(),
        axes,
        lines,
    })
}

fn draw(p: &Plot) -> Option<Chart> {
    let Plot {
        file,
        title,
        axes,
        lines,
    } = p;
    let all = lines.iter().flat_map(|l| {
        l.points
            .iter()
            .copied()
            .chain(l.bars.iter().map(|b| (b.0, b.3)))
    });
    let (mut x0, mut x1, mut ymax) = (f64::INFINITY, f64::NEG_INFINITY, 0f64);
    for (x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        ymax = ymax.max(y);
    }
    if !x0.is_finite() {
        return None;
    }
    match &axes.x {
        XAxis::Categories(labels) => (x0, x1) = (-0.5, labels.len() as f64 - 0.5),
        // Whole decades, so the ticks fall on 1, 10, 100, ...
        XAxis::Log10 => (x0, x1) = (x0.floor(), x1.ceil().max(x0.floor() + 1.0)),
        XAxis::Linear => {
            if x1 <= x0 {
                x1 = x0 + 1.0;
            }
            // Room for the dots at the ends.
            if lines.iter().any(|l| l.markers) {
                let pad = (x1 - x0) * 0.05;
                (x0, x1) = (x0 - pad, x1 + pad);
            }
        }
    }
    let (y0, y1) = if axes.y_log {
        let low = lines
            .iter()
            .flat_map(|l| {
                l.points
                    .iter()
                    .map(|p| p.1)
                    .chain(l.bars.iter().map(|b| b.1))
            })
            .fold(f64::INFINITY, f64::min);
        (low.floor(), ymax.ceil().max(low.floor() + 1.0))
    } else {
        let top = axes.y_top.unwrap_or(ymax);
        let top = if top > 0.0 { top } else { 1.0 };
        (0.0, top * 1.06)
    };
    let names: Vec<String> = lines.iter().map(|l| legend_name(&l.name)).collect();
    // The legend sits right of the plot, as wide as its longest name
    // (about 7 px a character at 12 px).
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let legend_w = (36 + 7 * longest as u32).clamp(90, 360);
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (WIDTH + legend_w, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let (area, legend) = root.split_horizontally(WIDTH);
        let mut chart = ChartBuilder::on(&area)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(58)
            .build_cartesian_2d(x0..x1, y0..y1)
            .ok()?;
        let fmt_x = |v: &f64| match &axes.x {
            XAxis::Linear => short(*v),
            XAxis::Log10 => short(10f64.powf(*v)),
            XAxis::Categories(labels) => {
                let i = v.round();
                if (v - i).abs() < 1e-9 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
        };
        let fmt_y = |v: &f64| {
            if axes.y_log {
                short(10f64.powf(*v))
            } else {
                short(*v)
            }
        };
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(axes.x_desc.as_str())
            .y_desc(axes.y_desc.as_str())
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .light_line_style(RGBColor(235, 235, 235))
            .label_style(("sans-serif", 12));
        match &axes.x {
            XAxis::Categories(labels) => {
                mesh.x_labels(labels.len() * 2 + 1);
            }
            XAxis::Log10 => {
                mesh.x_labels((x1 - x0) as usize + 1);
            }
            XAxis::Linear => {}
        }
        if axes.y_log {
            mesh.y_labels((y1 - y0) as usize + 1);
        }
        mesh.draw().ok()?;
        for l in lines {
            let style = l.colour.stroke_width(l.width);
            if !l.joined {
            } else if l.dashed {
                chart
                    .draw_series(DashedLineSeries::new(l.points.clone(), 6, 4, style))
                    .ok()?;
            } else {
                chart
                    .draw_series(LineSeries::new(l.points.clone(), style))
                    .ok()?;
            }
            if l.crosses {
                chart
                    .draw_series(
                        l.points
                            .iter()
                            .map(|&p| Cross::new(p, 6, l.colour.stroke_width(2))),
                    )
                    .ok()?;
                continue;
            }
            if !l.bars.is_empty() {
                chart
                    .draw_series(l.bars.iter().map(|&(x, lo, mid, hi)| {
                        ErrorBar::new_vertical(x, lo, mid, hi, l.colour.filled(), 8)
                    }))
                    .ok()?;
            }
            chart
                .draw_series(
                    l.points
                        .iter()
                        .filter(|_| l.markers)
                        .map(|&p| Circle::new(p, 3, l.colour.filled())),
                )
                .ok()?;
        }
        // One row per line, as many as fit; the rest counted.
        let rows = (HEIGHT as usize - 70) / 17;
        for (i, (l, name)) in lines.iter().zip(&names).enumerate().take(rows) {
            let y = 48 + 17 * i as i32;
            let style = l.colour.stroke_width(l.width.min(4));
            let marks: &[(i32, i32)] = if l.crosses || !l.joined {
                &[]
            } else if l.dashed {
                &[(4, 10), (14, 20)]
            } else {
                &[(4, 20)]
            };
            for &(a, b) in marks {
                legend
                    .draw(&PathElement::new(vec![(a, y), (b, y)], style))
                    .ok()?;
            }
            if l.crosses {
                legend
                    .draw(&Cross::new((12, y), 6, l.colour.stroke_width(2)))
                    .ok()?;
            } else if !l.joined {
                legend
                    .draw(&Circle::new((12, y), 3, l.colour.filled()))
                    .ok()?;
            }
            legend
                .draw(&Text::new(name.as_str(), (26, y - 3), ("sans-serif", 12)))
                .ok()?;
        }
        if lines.len() > rows {
            let more = format!("… {} more", lines.len() - rows);
            let y = 48 + 17 * rows as i32;
            legend
                .draw(&Text::new(more, (26, y - 3), ("sans-serif", 12)))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(Chart {
        file: file.to_string(),
        title: title.to_string(),
        svg,
        point: None,
    })
}

/// Cluster CPUs offered, allocated and busy over time (replication 0).
fn cpu_chart(u: &Kept, point: &str) -> Option<Plot> {
    let t = u.col("time_s");
    let series = |name: &str| -> Vec<(f64, f64)> {
        let c = u.col(name);
        u.of(point, Some("0"))
            .filter_map(|r| Some((num(r.get(t))?, num(r.get(c))?)))
            .collect()
    };
    let mut total = Line::new("total", RGBColor(150, 150, 150), series("cpus_total"));
    total.dashed = true;
    // Wide to narrow: where two series coincide (busy = allocated, or
    // offered = 0 on the axis) the narrower one shows on the wider.
    let mut allocated = Line::new("allocated", colour(0), series("cpus_allocated"));
    allocated.width = 6;
    let mut busy = Line::new("busy", colour(1), series("cpus_busy"));
    busy.width = 3;
    let mut offered = Line::new("offered", colour(2), series("cpus_offered"));
    offered.width = 1;
    let lines = [allocated, busy, total, offered];
    plot(
        "cpu",
        "Cluster CPUs over time",
        Axes {
            x_desc: "simulated time (s)".into(),
            y_desc: "CPUs".into(),
            x: XAxis::Linear,
            y_top: None,
            y_log: false,
        },
        lines,
    )
}

/// Job latency CDF per app, over all replications of the point; the
/// fraction is of submitted jobs, so unfinished jobs keep a curve below 1.
fn latency_chart(j: &Kept, point: &str, slo_s: Option<f64>) -> Option<Plot> {
    let (app, lat) = (j.col("app"), j.col("latency_s"));
    let mut apps: Vec<(&str, Vec<f64>, usize)> = Vec::new();
    for r in j.of(point, None) {
        let i = match apps.iter().position(|(a, _, _)| *a == r.get(app)) {
            Some(i) => i,
            None => {
                apps.push((r.get(app), Vec::new(), 0));
                apps.len() - 1
            }
        };
        apps[i].2 += 1;
        if let Some(l) = num(r.get(lat)) {
            apps[i].1.push(l);
        }
    }
    apps.sort_by(|a, b| a.0.cmp(b.0));
    let floor = apps
        .iter()
        .flat_map(|a| a.1.iter().copied())
        .filter(|l| *l > 0.0)
        .fold(f64::INFINITY, f64::min);
    if !floor.is_finite() {
        return None;
    }
    let lines: Vec<Line> = apps
        .into_iter()
        .enumerate()
        .filter(|(_, a)| !a.1.is_empty())
        .map(|(i, (name, mut ls, submitted))| {
            ls.sort_by(f64::total_cmp);
            let pts = ls
                .iter()
                .enumerate()
                .map(|(k, l)| (l.max(floor).log10(), (k + 1) as f64 / submitted as f64))
                .collect();
            Line::new(name, colour(i), pts)
        })
        .collect();
    let mut lines = lines;
    if let Some(slo) = slo_s.filter(|s| *s > 0.0) {
        let x = slo.max(floor).log10();
        let mut l = Line::new(
            format!("SLO {} s", short(slo)),
            ALERT,
            vec![(x, 0.0), (x, 1.0)],
        );
        l.dashed = true;
        lines.push(l);
    }
    plot(
        "latency",
        "Job latency CDF per app",
        Axes {
            x_desc: "job latency (s, log scale)".into(),
            y_desc: "fraction of submitted jobs done".into(),
            x: XAxis::Log10,
            y_top: Some(1.0),
            y_log: false,
        },
        lines,
    )
}

/// Machine failures over time (replication 0), beside the CPUs: machines
/// down, those down and not yet noticed by their manager (dashed), and
/// executors lost so far. None without a failure.
fn failures_chart(f: &Kept, point: &str) -> Option<Plot> {
    let (t, event, execs) = (f.col("time_s"), f.col("event"), f.col("executors"));
    let mut down = Vec::new();
    let mut unnoticed = Vec::new();
    let mut lost = Vec::new();
    let mut end = 0f64;
    for r in f.of(point, Some("0")) {
        let Some(x) = num(r.get(t)) else { continue };
        end = end.max(x);
        match r.get(event) {
            "machine_down" => {
                down.push((x, 1));
                unnoticed.push((x, 1));
            }
            "machine_up" => down.push((x, -1)),
            "machine_lost" => unnoticed.push((x, -1)),
            _ => {}
        }
        if let Some(n) = num(r.get(execs)).filter(|n| *n > 0.0) {
            lost.push((x, n as i64));
        }
    }
    if down.is_empty() && lost.is_empty() {
        return None;
    }
    let close = |mut pts: Vec<(f64, f64)>| {
        if let Some(&(_, last)) = pts.last() {
            pts.push((end, last));
        }
        pts
    };
    let mut noticed = Line::new("down, not yet noticed", colour(1), close(steps(unnoticed)));
    noticed.dashed = true;
    let lines = [
        Line::new("machines down", ALERT, close(steps(down))),
        noticed,
        Line::new("executors lost (total)", colour(0), close(steps(lost))),
    ];
    plot(
        "failures",
        "Machine failures and executors lost",
        Axes {
            x_desc: "simulated time (s)".into(),
            y_desc: "count".into(),
            x: XAxis::Linear,
            y_top: None,
            y_log: false,
        },
        lines,
    )
}

/// Steps `(time, +1/−1)` changes into a step line starting at 0.
fn steps(mut changes: Vec<(f64, i64)>) -> Vec<(f64, f64)> {
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut pts = vec![(0.0, 0.0)];
    let mut level = 0i64;
    for (t, d) in changes {
        pts.push((t, level as f64));
        level += d;
        pts.push((t, level as f64));
    }
    pts
}

/// Executors alive per app over time, and the dynamic-allocation target
/// (dashed) where the app has one (replication 0).
fn executors_chart(e: &Kept, alloc: Option<&Kept>, point: &str) -> Option<Plot> {
    let (app, launch, end) = (e.col("app"), e.col("launch_s"), e.col("end_s"));
    let mut apps: Vec<&str> = e.of(point, Some("0")).map(|r| r.get(app)).collect();
    apps.sort_unstable();
    apps.dedup();
    let horizon = e
        .of(point, Some("0"))
        .flat_map(|r| [num(r.get(launch)), num(r.get(end))])
        .flatten()
        .fold(0f64, f64::max);
    let mut lines = Vec::new();
    for (i, a) in apps.iter().enumerate() {
        let mut changes = Vec::new();
        for r in e.of(point, Some("0")).filter(|r| r.get(app) == *a) {
            if let Some(l) = num(r.get(launch)) {
                changes.push((l, 1));
            }
            if let Some(x) = num(r.get(end)) {
                changes.push((x, -1));
            }
        }
        let mut pts = steps(changes);
        if let Some(&(_, last)) = pts.last() {
            pts.push((horizon, last));
        }
        lines.push(Line::new(*a, colour(i), pts));
        if let Some(al) = alloc {
            let (t, aa, target) = (al.col("time_s"), al.col("app"), al.col("target_executors"));
            let mut pts: Vec<(f64, f64)> = Vec::new();
            for r in al.of(point, Some("0")).filter(|r| r.get(aa) == *a) {
                let (Some(x), Some(y)) = (num(r.get(t)), num(r.get(target))) else {
                    continue;
                };
                if let Some(&(_, prev)) = pts.last() {
                    pts.push((x, prev));
                }
                pts.push((x, y));
            }
            if let Some(&(_, last)) = pts.last() {
                pts.push((horizon, last));
                let mut l = Line::new(format!("{a} target"), colour(i), pts);
                l.dashed = true;
                lines.push(l);
            }
        }
    }
    plot(
        "executors",
        "Executors per app (dashed: dynamic-allocation target)",
        Axes {
            x_desc: "simulated time (s)".into(),
            y_desc: "executors".into(),
            x: XAxis::Linear,
            y_top: None,
            y_log: false,
        },
        lines,
    )
}

/// Each role's dominant share over time (replication 0): the larger of its
/// frameworks' summed CPUs and memory over the cluster's.
fn shares_chart(s: &Kept, u: &Kept, point: &str) -> Option<Plot> {
    let (ut, uc, um) = (u.col("time_s"), u.col("cpus_total"), u.col("mem_total_mb"));
    // By time text: a share row finds its sample's totals in O(log n).
    let totals: std::collections::BTreeMap<&str, (f64, f64)> = u
        .of(point, Some("0"))
        .filter_map(|r| Some((r.get(ut), (num(r.get(uc))?, num(r.get(um))?))))
        .collect();
    let (t, role, cpus, mem) = (
        s.col("time_s"),
        s.col("role"),
        s.col("cpus_allocated"),
        s.col("mem_allocated_mb"),
    );
    let mut roles: Vec<&str> = s.of(point, Some("0")).map(|r| r.get(role)).collect();
    roles.sort_unstable();
    roles.dedup();
    let lines: Vec<Line> = roles
        .iter()
        .enumerate()
        .map(|(i, ro)| {
            // Rows are sorted by time: sum each time's frameworks.
            let mut pts: Vec<(f64, f64)> = Vec::new();
            let mut cur: Option<(&str, f64, f64)> = None;
            let flush = |c: Option<(&str, f64, f64)>, pts: &mut Vec<(f64, f64)>| {
                if let Some((time, c, m)) = c
                    && let Some(&(tc, tm)) = totals.get(time)
                {
                    let share = f64::max(
                        if tc > 0.0 { c / tc } else { 0.0 },
                        if tm > 0.0 { m / tm } else { 0.0 },
                    );
                    pts.push((num(time).unwrap_or(0.0), share));
                }
            };
            for r in s.of(point, Some("0")).filter(|r| r.get(role) == *ro) {
                let (c, m) = (
                    num(r.get(cpus)).unwrap_or(0.0),
                    num(r.get(mem)).unwrap_or(0.0),
                );
                match &mut cur {
                    Some((time, sc, sm)) if *time == r.get(t) => {
                        *sc += c;
                        *sm += m;
                    }
                    _ => {
                        flush(cur.take(), &mut pts);
                        cur = Some((r.get(t), c, m));
                    }
                }
            }
            flush(cur, &mut pts);
            Line::new(*ro, colour(i), pts)
        })
        .collect();
    plot(
        "shares",
        "Dominant share per role (CPUs, memory)",
        Axes {
            x_desc: "simulated time (s)".into(),
            y_desc: "dominant share".into(),
            x: XAxis::Linear,
            y_top: None,
            y_log: false,
        },
        lines,
    )
}

/// A swept value on a numeric axis: a number, or a duration in seconds.
fn axis_value(v: &str) -> Option<f64> {
    num(v).or_else(|| {
        policies::time::parse_duration(v, policies::time::DurationGrammar::Scenario)
            .ok()
            .map(|us| us as f64 / 1e6)
    })
}

/// A point is overloaded when more than this share of its submitted jobs
/// never finished: its latency describes the finished ones only.
const OVERLOADED_UNFINISHED: f64 = 0.05;

/// A `summary.csv` metric as an axis label: `p95 latency (s)`.
pub fn metric_label(metric: &str) -> String {
    let fraction = "(fraction of the cluster)";
    match metric {
        "jobs_submitted" => "jobs submitted".into(),
        "jobs_completed" => "jobs completed".into(),
        "latency_mean_s" => "mean latency (s)".into(),
        "latency_p50_s" => "p50 latency (s)".into(),
        "latency_p95_s" => "p95 latency (s)".into(),
        "latency_p99_s" => "p99 latency (s)".into(),
        "wait_p50_s" => "p50 wait (s)".into(),
        "wait_p95_s" => "p95 wait (s)".into(),
        "cpu_offered_mean" => format!("CPUs offered {fraction}"),
        "cpu_allocated_mean" => format!("CPUs allocated {fraction}"),
        "cpu_busy_mean" => format!("CPUs busy {fraction}"),
        "offers_made" => "offers made".into(),
        "offers_declined" => "offers declined".into(),
        "executors_launched" => "executors launched".into(),
        "events" => "events".into(),
        "frameworks_refused" => "frameworks refused".into(),
        other => other.replace('_', " "),
    }
}

/// A parameter path as a label: `agents`, `spark.locality.wait`,
/// `dashboards: arrival mean`; `all` is every swept path (a Spark key
/// swept on two apps names its app).
pub fn param_label(path: &str, all: &[String]) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    match segs.as_slice() {
        ["agents", i, "count"] => {
            let groups = all
                .iter()
                .filter(|p| p.starts_with("agents.") && p.ends_with(".count"))
                .count();
            if groups > 1 {
                format!("agents of group {i}")
            } else {
                "agents".into()
            }
        }
        ["apps", app, "conf", ..] => {
            let key = segs[3..].join(".").trim_matches('"').to_string();
            let same = all
                .iter()
                .filter(|p| p.split('.').nth(2) == Some("conf") && p.ends_with(&key))
                .count();
            if same > 1 {
                format!("{key} ({app})")
            } else {
                key
            }
        }
        ["apps" | "frameworks", name, "jobs", rest @ ..] => format!("{name}: {}", rest.join(" ")),
        ["apps" | "frameworks", name, rest @ ..] => format!("{name}: {}", rest.join(" ")),
        ["mesos", "roles", role, key] => format!("{key} of role {role}"),
        ["run" | "mesos" | "data", rest @ ..] => rest.join(" "),
        _ => path.to_string(),
    }
}

/// Whether a latency-like metric, on which an SLO line belongs.
fn is_latency(metric: &str) -> bool {
    metric.starts_with("latency_") || metric.starts_with("wait_")
}

/// `metric` (mean, with 95 % CI bars when there are replications) against
/// the first swept parameter: one line per app when two or more apps have
/// the metric (latency, waits, executors), else one line for the whole
/// run; either way one line per combination of the other swept
/// parameters. Overloaded points (more than 5 % of jobs unfinished) are
/// crossed out; an SLO draws a line on latency metrics.
fn sweep_chart(ci: &Table, swept: &[String], metric: &str, slo_s: Option<f64>) -> Option<Plot> {
    let (mean, half) = (
        ci.col(&format!("{metric}_mean")),
        ci.col(&format!("{metric}_ci95")),
    );
    let (scope, name_col, n_col) = (ci.col("scope"), ci.col("name"), ci.col("n"));
    let (done, submitted) = (ci.col("jobs_completed_mean"), ci.col("jobs_submitted_mean"));
    let mut apps: Vec<&str> = ci
        .rows
        .iter()
        .filter(|r| {
            r[scope] == "app"
                && num(&r[mean]).is_some()
                && num(&r[submitted]).is_some_and(|s| s > 0.0)
        })
        .map(|r| r[name_col].as_str())
        .collect();
    apps.sort_unstable();
    apps.dedup();
    let per_app = apps.len() >= 2;
    let rows: Vec<&Vec<String>> = ci
        .rows
        .iter()
        .filter(|r| {
            if per_app {
                r[scope] == "app" && apps.contains(&r[name_col].as_str())
            } else {
                r[scope] == ALL_SCOPE
            }
        })
        .collect();
    let xs: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    let numeric = xs.iter().all(|v| axis_value(v).is_some());
    let mut labels: Vec<String> = Vec::new();
    for v in &xs {
        if !labels.iter().any(|l| l == v) {
            labels.push(v.to_string());
        }
    }
    let x_of = |v: &str| {
        if numeric {
            axis_value(v).unwrap_or(0.0)
        } else {
            labels.iter().position(|l| l == v).unwrap_or(0) as f64
        }
    };
    let mut groups: Vec<(String, Vec<&Vec<String>>)> = Vec::new();
    for r in &rows {
        let mut parts: Vec<String> = Vec::new();
        if per_app {
            parts.push(r[name_col].clone());
        }
        parts.extend(
            swept[1..]
                .iter()
                .zip(&r[2..swept.len() + 1])
                .map(|(p, v)| format!("{} = {v}", param_label(p, swept))),
        );
        let key = parts.join(", ");
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(r),
            None => groups.push((key, vec![*r])),
        }
    }
    // Lines side by side, a little apart, so their error bars do not hide
    // each other.
    let span = if numeric {
        let v: Vec<f64> = xs.iter().map(|x| x_of(x)).collect();
        v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - v.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        labels.len() as f64
    };
    let n = groups.len() as f64;
    let mut overloaded: Vec<(f64, f64)> = Vec::new();
    let mut lines: Vec<Line> = groups
        .into_iter()
        .enumerate()
        .map(|(i, (key, rows))| {
            let dodge = span * 0.012 * (i as f64 - (n - 1.0) / 2.0);
            let mut pts = Vec::new();
            let mut bars = Vec::new();
            for r in rows {
                let Some(m) = num(&r[mean]) else { continue };
                let x = x_of(&r[1]) + dodge;
                pts.push((x, m));
                if let Some(h) = num(&r[half]) {
                    bars.push((x, m - h, m, m + h));
                }
                if let (Some(d), Some(s)) = (num(&r[done]), num(&r[submitted]))
                    && s > 0.0
                    && d / s < 1.0 - OVERLOADED_UNFINISHED
                {
                    overloaded.push((x, m));
                }
            }
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let name = if key.is_empty() {
                metric_label(metric)
            } else {
                key
            };
            let mut l = Line::new(name, colour(i), pts);
            l.bars = bars;
            l.markers = true;
            l.joined = numeric;
            l
        })
        .collect();
    if !overloaded.is_empty() {
        let mut l = Line::new("overloaded: over 5 % of jobs unfinished", ALERT, overloaded);
        l.crosses = true;
        l.joined = false;
        lines.push(l);
    }
    if let Some(slo) = slo_s.filter(|s| *s > 0.0 && is_latency(metric)) {
        let (x0, x1) = lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
        if x0.is_finite() {
            let mut l = Line::new(
                format!("SLO {} s", short(slo)),
                ALERT,
                vec![(x0, slo), (x1, slo)],
            );
            l.dashed = true;
            lines.push(l);
        }
    }
    // Means spanning more than a factor of 30 (an overloaded point next to
    // healthy ones) go on a log axis, or the healthy ones flatten to 0.
    let (lo, hi) = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold((f64::INFINITY, 0f64), |(a, b), y| (a.min(y), b.max(y)));
    let y_log = lo > 0.0 && hi / lo > 30.0;
    if y_log {
        let floor = lo / 2.0;
        for l in &mut lines {
            for p in &mut l.points {
                p.1 = p.1.log10();
            }
            for b in &mut l.bars {
                b.1 = b.1.max(floor).log10();
                b.2 = b.2.log10();
                b.3 = b.3.log10();
            }
        }
    }
    let x_name = param_label(&swept[0], swept);
    let x_desc = if numeric && xs.iter().any(|v| num(v).is_none()) {
        format!("{x_name} (s)")
    } else {
        x_name.clone()
    };
    let replicated = rows.iter().any(|r| num(&r[n_col]).is_some_and(|n| n > 1.0));
    let y_name = metric_label(metric);
    let title = format!(
        "{y_name} vs {x_name}{}",
        if replicated { " (mean, 95 % CI)" } else { "" }
    );
    plot(
        &format!("sweep-{metric}"),
        &title,
        Axes {
            x_desc,
            y_desc: if y_log {
                format!("{y_name}, log scale")
            } else {
                y_name
            },
            x: if numeric {
                XAxis::Linear
            } else {
                XAxis::Categories(labels)
            },
            y_top: None,
            y_log,
        },
        lines,
    )
    .map(|mut c| {
        c.file.push_str(".svg");
        c
    })
}

/// A CSV number for reading: about four significant digits (the CSV keeps
/// them all); anything else unchanged.
fn sig4(s: &str) -> String {
    let Some(v) = num(s) else {
        return s.to_string();
    };
    let a = v.abs();
    let decimals = if a >= 1000.0 || a == 0.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 10.0 {
        2
    } else if a >= 1.0 {
        3
    } else {
        4
    };
    let t = format!("{v:.decimals$}");
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table_html(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    out.push_str("<div class=\"scroll\"><table>\n<tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>\n");
    for r in rows {
        out.push_str("<tr>");
        for v in r {
            let _ = write!(out, "<td>{}</td>", esc(v));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>\n");
}

/// The chart markup for inlining: the SVG without anything before `<svg`.
fn inline(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |i| &svg[i..])
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}\
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;white-space:nowrap}\
th{background:#f3f3f3}.scroll{overflow-x:auto;margin-bottom:1em}\
figure{display:inline-block;margin:0.5em}svg{max-width:100%;height:auto}\
pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:12px}";

#[allow(clippy::too_many_arguments)]
fn html(
    files: &[&str],
    spec: &ChartSpec<'_>,
    summary: &Table,
    ci: Option<&Table>,
    swept: &[String],
    points: &[&str],
    charts: &[Chart],
) -> String {
    let mut h = String::new();
    let title = esc(spec.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} — sim report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n"
    );
    let scope_col = summary.col("scope");
    let whole: Vec<&Vec<String>> = summary
        .rows
        .iter()
        .filter(|r| r[scope_col] == ALL_SCOPE)
        .collect();
    let reps = whole.len() / points.len().max(1);
    let _ = writeln!(
        h,
        "<p>sim {}: {} sweep point(s) × {} replication(s). Every figure is drawn \
         from the CSV files beside this page:",
        env!("CARGO_PKG_VERSION"),
        points.len(),
        reps
    );
    let mut names: Vec<&str> = files.to_vec();
    names.sort_unstable();
    let names: Vec<String> = names
        .iter()
        .map(|n| format!("<a href=\"{n}\">{n}</a>"))
        .collect();
    let _ = writeln!(h, "{}.</p>", names.join(", "));

    h.push_str("<h2>Summary</h2>\n");
    // The per-app and per-role columns, as the terminal table has them.
    const APP_METRICS: [&str; 8] = [
        "jobs_submitted",
        "jobs_completed",
        "latency_p50_s",
        "latency_p95_s",
        "latency_p99_s",
        "wait_p50_s",
        "cpu_allocated_mean",
        "executors_launched",
    ];
    const ROLE_METRICS: [&str; 1] = ["cpu_allocated_mean"];
    match ci {
        Some(ci) if points.len() > 1 || reps > 1 => {
            h.push_str(
                "<p>Per sweep point: mean ± half-width of the 95 % confidence \
                 interval over the replications (summary_ci.csv).</p>\n",
            );
            let all: Vec<&str> = chart_metric_names().collect();
            let sections: [(&str, &str, &[&str]); 3] = [
                (ALL_SCOPE, "", &all),
                ("app", "<h3>Per app</h3>\n", &APP_METRICS),
                ("role", "<h3>Per role</h3>\n", &ROLE_METRICS),
            ];
            let (scope, name) = (ci.col("scope"), ci.col("name"));
            for (wanted, heading, metrics) in sections {
                let chosen: Vec<&Vec<String>> =
                    ci.rows.iter().filter(|r| r[scope] == wanted).collect();
                if chosen.is_empty() {
                    continue;
                }
                h.push_str(heading);
                let mut header: Vec<String> = vec!["point".into()];
                header.extend(swept.iter().cloned());
                if wanted != ALL_SCOPE {
                    header.push(wanted.to_string());
                }
                header.push("n".into());
                header.extend(metrics.iter().map(|m| m.to_string()));
                let rows: Vec<Vec<String>> = chosen
                    .iter()
                    .map(|r| {
                        let mut row = r[..swept.len() + 1].to_vec();
                        if wanted != ALL_SCOPE {
                            row.push(r[name].clone());
                        }
                        row.push(r[swept.len() + 1].clone());
                        for m in metrics.iter() {
                            let mean = sig4(&r[ci.col(&format!("{m}_mean"))]);
                            let half = sig4(&r[ci.col(&format!("{m}_ci95"))]);
                            row.push(if half.is_empty() {
                                mean
                            } else {
                                format!("{mean} ± {half}")
                            });
                        }
                        row
                    })
                    .collect();
                table_html(&mut h, &header, &rows);
            }
        }
        _ => {
            let header = vec!["metric".to_string(), "value".to_string()];
            let rows: Vec<Vec<String>> = summary
                .header
                .iter()
                .zip(whole.first().into_iter().copied().flatten())
                .take(scope_col)
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect();
            table_html(&mut h, &header, &rows);
            let name_col = summary.col("name");
            for (wanted, heading, metrics) in [
                ("app", "<h3>Per app</h3>\n", &APP_METRICS[..]),
                ("role", "<h3>Per role</h3>\n", &ROLE_METRICS[..]),
            ] {
                let chosen: Vec<&Vec<String>> = summary
                    .rows
                    .iter()
                    .filter(|r| r[scope_col] == wanted)
                    .collect();
                if chosen.is_empty() {
                    continue;
                }
                h.push_str(heading);
                let mut header = vec![wanted.to_string()];
                header.extend(metrics.iter().map(|m| m.to_string()));
                let rows: Vec<Vec<String>> = chosen
                    .iter()
                    .map(|r| {
                        let mut row = vec![r[name_col].clone()];
                        row.extend(metrics.iter().map(|m| sig4(&r[summary.col(m)])));
                        row
                    })
                    .collect();
                table_html(&mut h, &header, &rows);
            }
        }
    }

    let sweep: Vec<&Chart> = charts.iter().filter(|c| c.point.is_none()).collect();
    if !sweep.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Sweep</h2>\n<p>Each metric against {}; one line per app where \
             apps differ (latency, waits), one per combination of the other swept \
             parameters; bars are 95 % confidence intervals where there are \
             replications; a cross marks a point where more than 5 % of the jobs \
             never finished.</p>",
            esc(&param_label(&swept[0], swept))
        );
        for c in sweep {
            figure(&mut h, c);
        }
    }
    for p in points {
        let label = ci
            .and_then(|ci| {
                ci.rows
                    .iter()
                    .find(|r| r[0] == *p && r[ci.col("scope")] == ALL_SCOPE)
            })
            .map(|r| {
                swept
                    .iter()
                    .zip(&r[1..])
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let heading = if points.len() > 1 {
            format!("Point {p}: {}", esc(&label))
        } else {
            "Run".to_string()
        };
        let _ = writeln!(
            h,
            "<h2>{heading}</h2>\n<p>Time series show replication 0; the latency \
             CDF pools all replications.</p>"
        );
        for c in charts.iter().filter(|c| c.point.as_deref() == Some(*p)) {
            figure(&mut h, c);
        }
    }
    let _ = write!(
        h,
        "<h2>Scenario</h2>\n<p>Every default filled in, with each run's seed and \
         fingerprint: <a href=\"scenario.resolved.toml\">scenario.resolved.toml</a>.</p>\n\
         <details><summary>show</summary><pre>{}</pre></details>\n</body>\n</html>\n",
        esc(spec.resolved)
    );
    h
}

fn figure(h: &mut String, c: &Chart) {
    let _ = writeln!(
        h,
        "<figure>\n{}\n<figcaption><a href=\"{}\">{}</a></figcaption>\n</figure>",
        inline(&c.svg).trim_end(),
        c.file,
        esc(&c.title)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let (header, rows) = crate::table::parse_csv(text, Path::new("t.csv")).unwrap();
        Table { header, rows }
    }

    /// A per-run report as the charts keep it, every replication and
    /// column.
    fn kept(text: &str) -> Kept {
        let files = [("t.csv", text.to_string())];
        Kept::read(Reports::in_memory(&files), "t.csv", None, true).unwrap()
    }

    #[test]
    fn kept_reports_hold_the_asked_columns_and_replications_cell_by_cell() {
        let text = "point,replication,app,job,latency_s\n\
                    0,0,a,0,1.5\n0,1,b,1,\n1,0,\"c,d\",2,7\n";
        let files = [("jobs.csv", text.to_string())];
        let reports = Reports::in_memory(&files);
        let k = Kept::read(reports, "jobs.csv", Some(&["latency_s", "app"]), false).unwrap();
        assert_eq!(k.header, ["point", "replication", "app", "latency_s"]);
        let rows = |k: &Kept, p: &'static str, rep| -> Vec<Vec<String>> {
            k.of(p, rep)
                .map(|r| (0..k.header.len()).map(|i| r.get(i).to_string()).collect())
                .collect()
        };
        assert_eq!(rows(&k, "0", None), [["0", "0", "a", "1.5"]]);
        assert_eq!(rows(&k, "1", Some("0")), [["1", "0", "c,d", "7"]]);
        let every = Kept::read(reports, "jobs.csv", None, true).unwrap();
        assert_eq!(rows(&every, "0", Some("1")), [["0", "1", "b", "1", ""]]);
        assert!(Kept::read(reports, "missing.csv", None, true).is_none());
    }

    fn line<'a>(p: &'a Plot, name: &str) -> &'a Line {
        p.lines.iter().find(|l| l.name == name).expect(name)
    }

    #[test]
    fn latency_cdf_is_a_fraction_of_submitted_jobs_pooled_over_replications() {
        let j = kept(
            "point,replication,app,job,submit_s,start_s,end_s,latency_s\n\
             0,0,a,0,0,0,1,1\n0,0,a,1,0,0,,\n0,1,a,0,0,0,4,4\n0,1,a,1,0,0,2,2\n\
             0,0,b,0,0,,,\n1,0,a,0,0,0,9,9\n",
        );
        let p = latency_chart(&j, "0", None).unwrap();
        assert_eq!(p.lines.len(), 1, "b finished nothing: no line");
        let want = [(0.0, 0.25), (2f64.log10(), 0.5), (4f64.log10(), 0.75)];
        assert_eq!(line(&p, "a").points, want);
    }

    #[test]
    fn executors_step_with_launches_and_ends_and_the_target_is_dashed() {
        let e = kept(
            "point,replication,app,executor,launch_s,end_s\n\
             0,0,x,0,10,30\n0,0,x,1,20,\n0,1,x,0,1,2\n",
        );
        let a = kept(
            "point,replication,time_s,app,target_executors,executors\n\
             0,0,5,x,2,0\n0,0,25,x,1,2\n",
        );
        let p = executors_chart(&e, Some(&a), "0").unwrap();
        let alive = line(&p, "x");
        assert_eq!(
            alive.points,
            [
                (0.0, 0.0),
                (10.0, 0.0),
                (10.0, 1.0),
                (20.0, 1.0),
                (20.0, 2.0),
                (30.0, 2.0),
                (30.0, 1.0),
                (30.0, 1.0)
            ]
        );
        let target = line(&p, "x target");
        assert!(target.dashed);
        assert_eq!(
            target.points,
            [(5.0, 2.0), (25.0, 2.0), (25.0, 1.0), (30.0, 1.0)]
        );
    }

    #[test]
    fn a_roles_dominant_share_sums_its_frameworks_and_takes_the_larger_resource() {
        let u = kept(
            "point,replication,time_s,cpus_total,mem_total_mb\n0,0,0,10,1000\n0,0,10,10,1000\n",
        );
        let s = kept(
            "point,replication,time_s,role,framework,cpus_allocated,mem_allocated_mb\n\
             0,0,0,r,f1,2,100\n0,0,0,r,f2,1,700\n0,0,0,q,g,5,0\n\
             0,0,10,r,f1,4,100\n0,0,10,q,g,0,0\n",
        );
        let p = shares_chart(&s, &u, "0").unwrap();
        assert_eq!(line(&p, "r").points, [(0.0, 0.8), (10.0, 0.4)]);
        assert_eq!(line(&p, "q").points, [(0.0, 0.5), (10.0, 0.0)]);
    }

    /// A summary_ci.csv table: `rows` as (point, swept values, n, mean,
    /// ci95, jobs completed, scope, name); jobs submitted are 10.
    fn ci_table(swept: &[&str], rows: &[&str]) -> Table {
        ci_table_of("m", swept, rows)
    }

    fn ci_table_of(metric: &str, swept: &[&str], rows: &[&str]) -> Table {
        let mut text = format!(
            "point,{},n,{metric}_mean,{metric}_sd,{metric}_ci95,jobs_completed_mean,jobs_submitted_mean,scope,name\n",
            swept.join(",")
        );
        for r in rows {
            let f: Vec<&str> = r.split(',').collect();
            let k = swept.len();
            // point, swept..., n, mean, ci, done, scope, name
            text.push_str(&format!(
                "{},{},{},{},,{},{},10,{},{}\n",
                f[0],
                f[1..=k].join(","),
                f[k + 1],
                f[k + 2],
                f[k + 3],
                f[k + 4],
                f[k + 5],
                f.get(k + 6).copied().unwrap_or("")
            ));
        }
        table(&text)
    }

    #[test]
    fn sweeps_put_the_first_parameter_on_x_and_one_line_per_other_combination() {
        let ci = ci_table(
            &["apps.a.conf.spark.locality.wait", "b"],
            &[
                "0,500ms,x,3,10,2,10,all",
                "1,500ms,y,3,20,,10,all",
                "2,2s,x,3,30,4,10,all",
                "3,2s,y,3,40,1,10,all",
            ],
        );
        let swept = [
            "apps.a.conf.spark.locality.wait".to_string(),
            "b".to_string(),
        ];
        let p = sweep_chart(&ci, &swept, "m", None).unwrap();
        assert_eq!(p.file, "sweep-m.svg");
        assert_eq!(
            p.axes.x_desc, "spark.locality.wait (s)",
            "readable, in seconds"
        );
        assert_eq!(p.title, "m vs spark.locality.wait (mean, 95 % CI)");
        let (x, y) = (line(&p, "b = x"), line(&p, "b = y"));
        // Two lines 1.2 % of the 1.5 s span apart, either side of the value.
        let d = 1.5 * 0.012 / 2.0;
        assert_eq!(x.points, [(0.5 - d, 10.0), (2.0 - d, 30.0)]);
        assert_eq!(
            x.bars,
            [(0.5 - d, 8.0, 10.0, 12.0), (2.0 - d, 26.0, 30.0, 34.0)]
        );
        assert_eq!(y.points, [(0.5 + d, 20.0), (2.0 + d, 40.0)]);
        assert_eq!(
            y.bars,
            [(2.0 + d, 39.0, 40.0, 41.0)],
            "no CI with one replication"
        );
        assert!(!p.axes.y_log);
        assert!(x.joined, "numbers are joined");
        // Means over a factor of 30 apart go on a log axis.
        let ci = ci_table(&["a"], &["0,1,2,10,5,10,all", "1,2,2,1000,100,10,all"]);
        let p = sweep_chart(&ci, &["a".into()], "m", None).unwrap();
        assert!(p.axes.y_log);
        assert_eq!(p.lines[0].points, [(1.0, 1.0), (2.0, 3.0)]);
        assert_eq!(p.lines[0].bars[0].1, 5f64.log10());
        assert_eq!(p.lines[0].bars[1].3, 1100f64.log10());
        // Words are categories, in the order they first appear, as points
        // not joined; one replication: no "(mean, 95 % CI)".
        let ci = ci_table(&["a"], &["0,fine,1,5,,10,all", "1,coarse,1,6,,10,all"]);
        let p = sweep_chart(&ci, &["a".into()], "m", None).unwrap();
        assert!(matches!(&p.axes.x, XAxis::Categories(l) if l == &["fine", "coarse"]));
        assert_eq!(p.lines[0].name, "m");
        assert_eq!(p.lines[0].points, [(0.0, 5.0), (1.0, 6.0)]);
        assert!(!p.lines[0].joined);
        assert_eq!(p.title, "m vs a");
    }

    #[test]
    fn sweeps_draw_one_line_per_app_cross_out_overloaded_points_and_the_slo() {
        let ci = ci_table_of(
            "latency_p95_s",
            &["agents.0.count"],
            &[
                "0,4,3,30,,10,all",
                "0,4,3,90,,6,app,etl",
                "0,4,3,2,,10,app,web",
                "1,8,3,20,,10,all",
                "1,8,3,40,,10,app,etl",
                "1,8,3,1,,10,app,web",
            ],
        );
        let p = sweep_chart(&ci, &["agents.0.count".into()], "latency_p95_s", Some(45.0)).unwrap();
        assert_eq!(p.axes.x_desc, "agents");
        assert_eq!(
            p.axes.y_desc, "p95 latency (s), log scale",
            "2 to 90: a log axis"
        );
        let etl = line(&p, "etl");
        assert_eq!(
            etl.points,
            [(4.0 - 0.024, 90f64.log10()), (8.0 - 0.024, 40f64.log10())]
        );
        assert!(p.lines.iter().any(|l| l.name == "web"));
        // etl finished 6 of 10 jobs at 4 agents: crossed out.
        let over = line(&p, "overloaded: over 5 % of jobs unfinished");
        assert!(over.crosses);
        assert_eq!(over.points, [(4.0 - 0.024, 90f64.log10())]);
        let slo = line(&p, "SLO 45 s");
        assert!(slo.dashed);
        assert_eq!(slo.points[0].1, 45f64.log10());
        // A metric only the whole run has: one line, and no SLO.
        let ci = ci_table(
            &["agents.0.count"],
            &["0,4,3,30,,10,all", "0,4,3,,,6,app,etl", "1,8,3,20,,10,all"],
        );
        let p = sweep_chart(&ci, &["agents.0.count".into()], "m", Some(45.0)).unwrap();
        assert_eq!(p.lines.len(), 1, "not a latency: no SLO");
        assert_eq!(p.lines[0].name, "m");
        assert_eq!(
            metric_label("cpu_busy_mean"),
            "CPUs busy (fraction of the cluster)"
        );
        assert_eq!(
            param_label("apps.web.jobs.arrival.mean", &[]),
            "web: arrival mean"
        );
        assert_eq!(
            param_label("mesos.roles.batch.weight", &[]),
            "weight of role batch"
        );
    }

    #[test]
    fn long_series_are_thinned_to_even_samples_keeping_both_ends() {
        let pts: Vec<(f64, f64)> = (0..1999).map(|i| (i as f64, 0.0)).collect();
        let t = thin(pts);
        assert_eq!(t.len(), MAX_POINTS);
        assert_eq!(t[0].0, 0.0);
        assert_eq!(t[MAX_POINTS - 1].0, 1998.0);
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(12.5), "12.5");
        assert_eq!(short(1500.0), "1500");
        assert_eq!(sig4("886.600000"), "886.6");
        assert_eq!(sig4("34.056469"), "34.06");
        assert_eq!(sig4("0.478597"), "0.4786");
        assert_eq!(sig4("1790.400000"), "1790");
        assert_eq!(sig4("0.000000"), "0");
        assert_eq!(sig4("4s"), "4s");
    }
}
