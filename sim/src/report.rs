//! Writing reports (SPEC §3): each file's columns are declared once here,
//! rows are sorted by their leading columns, times are seconds with six
//! decimals from integer µs, and an empty field means "did not happen".

use std::fmt::Write as _;

use policies::model::Milli;

use crate::metrics::Metrics;
use crate::scenario::SweepParam;
use crate::time::{SimTime, format_secs};
use crate::world::RunOutput;

pub use crate::columns::*;

/// One finished run.
#[derive(Debug)]
pub struct RunResult {
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
    pub assignments: Vec<(String, toml::Value)>,
    pub output: RunOutput,
}

fn t(time: SimTime) -> String {
    format_secs(time.as_micros())
}

fn opt(time: Option<SimTime>) -> String {
    time.map(t).unwrap_or_default()
}

fn m(x: i64) -> String {
    Milli(x).to_string()
}

/// The nearest-rank percentile of sorted values (`p` in 0..=100).
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    Some(sorted[(rank as usize - 1).min(sorted.len() - 1)])
}

/// Latency and wait statistics of some jobs, in SUMMARY_METRICS order:
/// submitted, completed, mean, p50, p95, p99 latency, p50 and p95 wait.
fn job_stats<'a>(jobs: impl Iterator<Item = &'a crate::metrics::JobRow>) -> Vec<String> {
    let mut submitted = 0usize;
    let mut latency: Vec<u64> = Vec::new();
    let mut wait: Vec<u64> = Vec::new();
    for j in jobs {
        submitted += 1;
        if let Some(e) = j.end {
            latency.push(e.since(j.submit).as_micros());
        }
        if let Some(s) = j.start {
            wait.push(s.since(j.submit).as_micros());
        }
    }
    latency.sort_unstable();
    wait.sort_unstable();
    let secs = |v: Option<u64>| v.map(format_secs).unwrap_or_default();
    let mean = (!latency.is_empty()).then(|| {
        let sum: u128 = latency.iter().map(|&x| u128::from(x)).sum();
        ((sum + latency.len() as u128 / 2) / latency.len() as u128) as u64
    });
    vec![
        submitted.to_string(),
        latency.len().to_string(),
        secs(mean),
        secs(percentile(&latency, 50)),
        secs(percentile(&latency, 95)),
        secs(percentile(&latency, 99)),
        secs(percentile(&wait, 50)),
        secs(percentile(&wait, 95)),
    ]
}

/// Summary statistics of one run, in SUMMARY_METRICS order.
pub fn summary_values(out: &RunOutput) -> Vec<String> {
    let mx = &out.metrics;
    let mut row = job_stats(mx.jobs.iter());
    row.extend([
        format!("{:.6}", mx.mean_fraction(mx.offered_integral)),
        format!("{:.6}", mx.mean_fraction(mx.allocated_integral)),
        format!("{:.6}", mx.mean_fraction(mx.busy_integral)),
        // Offers exist only on Mesos, container requests only on YARN.
        if mx.on_mesos {
            mx.offers_made.to_string()
        } else {
            String::new()
        },
        if mx.on_mesos {
            mx.offers_declined.to_string()
        } else {
            String::new()
        },
        mx.executors_launched.to_string(),
        out.events.to_string(),
        format!("{:016x}", out.fingerprint),
        mx.refused.len().to_string(),
        mx.containers.map(|c| c.0.to_string()).unwrap_or_default(),
        mx.containers.map(|c| c.1.to_string()).unwrap_or_default(),
        mx.jobs.iter().filter(|j| j.failed).count().to_string(),
        format!("{:.6}", mx.lost_work.values().fold(0.0, |a, b| a + b) / 1e6),
        mx.executors_lost.values().sum::<u64>().to_string(),
        mx.fetch_failures.values().sum::<u64>().to_string(),
        mx.stage_resubmissions.values().sum::<u64>().to_string(),
        if mx.on_mesos {
            mx.allocation_runs.to_string()
        } else {
            String::new()
        },
        match mx.allocation_runs {
            0 => String::new(),
            n => format!("{:.6}", mx.allocation_run_time.0 as f64 / n as f64 / 1e6),
        },
    ]);
    row
}

/// The run's roles, by name, each once.
fn roles_of(mx: &Metrics) -> Vec<&str> {
    let mut roles: Vec<&str> = mx.frameworks.iter().map(|(_, r)| r.as_str()).collect();
    roles.sort_unstable();
    roles.dedup();
    roles
}

/// The per-app and per-role rows of one run's summary: (scope, name,
/// values in SUMMARY_METRICS order), apps (every framework: Spark apps,
/// other frameworks, the dispatcher) by name, then roles by name. An app
/// row has its jobs' statistics, the CPUs its Mesos tasks held (a
/// time-weighted fraction of the cluster's, exact), its executors and
/// whether the master refused it; a role row the CPUs of its frameworks.
/// What a scope does not measure is empty.
pub fn scoped_summary_values(out: &RunOutput) -> Vec<(&'static str, String, Vec<String>)> {
    let mx = &out.metrics;
    let fraction = |integral: i128| format!("{:.6}", mx.mean_fraction(integral));
    let mut order: Vec<usize> = (0..mx.frameworks.len()).collect();
    order.sort_by(|&a, &b| mx.frameworks[a].0.cmp(&mx.frameworks[b].0));
    let mut rows = Vec::new();
    for i in order {
        let (name, _) = &mx.frameworks[i];
        let mut v = job_stats(mx.jobs.iter().filter(|j| &j.app == name));
        let integral = mx.fw_allocated.get(i).map_or(0, |f| f.integral);
        let executors = mx.executors.iter().filter(|e| &e.app == name).count();
        let refused = mx.refused.iter().any(|(n, _)| n == name);
        v.extend([
            String::new(),
            fraction(integral),
            String::new(),
            String::new(),
            String::new(),
            executors.to_string(),
            String::new(),
            String::new(),
            u8::from(refused).to_string(),
            String::new(),
            String::new(),
            mx.jobs
                .iter()
                .filter(|j| &j.app == name && j.failed)
                .count()
                .to_string(),
            format!(
                "{:.6}",
                mx.lost_work.get(name).copied().unwrap_or(0.0) / 1e6
            ),
            mx.executors_lost
                .get(name)
                .copied()
                .unwrap_or(0)
                .to_string(),
            mx.fetch_failures
                .get(name)
                .copied()
                .unwrap_or(0)
                .to_string(),
            mx.stage_resubmissions
                .get(name)
                .copied()
                .unwrap_or(0)
                .to_string(),
            String::new(),
            String::new(),
        ]);
        rows.push(("app", name.clone(), v));
    }
    for role in roles_of(mx) {
        let integral: i128 = mx
            .frameworks
            .iter()
            .zip(&mx.fw_allocated)
            .filter(|((_, r), _)| r == role)
            .map(|(_, f)| f.integral)
            .sum();
        let mut v = vec![String::new(); SUMMARY_METRICS.len()];
        let col = SUMMARY_METRICS
            .iter()
            .position(|m| *m == "cpu_allocated_mean")
            .expect("a summary metric");
        v[col] = fraction(integral);
        rows.push(("role", role.to_string(), v));
    }
    rows
}

fn csv(header: &[&str], rows: Vec<Vec<String>>, sort_cols: usize, numeric: &[usize]) -> String {
    encode(Some(header), sort_rows(rows, sort_cols, numeric))
}

/// Rows sorted by their first `sort_cols` columns (those in `numeric` as
/// numbers), ties in the order given.
fn sort_rows(mut rows: Vec<Vec<String>>, sort_cols: usize, numeric: &[usize]) -> Vec<Vec<String>> {
    rows.sort_by(|a, b| {
        for c in 0..sort_cols {
            let ord = if numeric.contains(&c) {
                let pa: f64 = a[c].parse().unwrap_or(f64::MAX);
                let pb: f64 = b[c].parse().unwrap_or(f64::MAX);
                pa.total_cmp(&pb)
            } else {
                a[c].cmp(&b[c])
            };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        std::cmp::Ordering::Equal
    });
    rows
}

/// CSV text: the header (if any), then the rows.
fn encode(header: Option<&[&str]>, rows: Vec<Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    if let Some(h) = header {
        let _ = w.write_record(h);
    }
    for r in rows {
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A job's `status` in `jobs.csv`.
fn status(j: &crate::metrics::JobRow) -> &'static str {
    match (j.failed, j.end) {
        (true, _) => "failed",
        (false, Some(_)) => "succeeded",
        (false, None) => "unfinished",
    }
}

/// A run's `jobs.csv` rows as CSV text, without the header, in the
/// [`SORTS`] order (point and replication are the run's; then by app, then
/// by job number), written straight from the job rows: a run of many jobs
/// holds its rows once, not again cell by cell.
fn jobs_csv(point: &str, rep: &str, jobs: &[crate::metrics::JobRow]) -> String {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|&x, &y| (&jobs[x].app, jobs[x].job).cmp(&(&jobs[y].app, jobs[y].job)));
    let mut w = csv::WriterBuilder::new().from_writer(Vec::with_capacity(jobs.len() * 96));
    for j in order.into_iter().map(|i| &jobs[i]) {
        let since = |t: Option<SimTime>| {
            t.map(|t| format_secs(t.since(j.submit).as_micros()))
                .unwrap_or_default()
        };
        let _ = w.write_record([
            point,
            rep,
            &j.app,
            &j.job.to_string(),
            &t(j.submit),
            &opt(j.start),
            &opt(j.end),
            &since(j.end),
            &since(j.start),
            &j.stages.to_string(),
            &j.tasks.to_string(),
            &j.local_tasks.to_string(),
            &j.input_tasks.to_string(),
            status(j),
            &j.attempts.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One finished run reduced to what its reports need: each report's rows
/// of this run already written as CSV text in the report's order, its
/// `summary.csv` rows, and what the resolved scenario and the console table
/// say of it. A run is reduced as soon as it ends, so a sweep holds text,
/// not every run's books, until the reports are written.
#[derive(Debug)]
pub struct RunReport {
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
    pub events: u64,
    pub fingerprint: u64,
    /// Per report (in [`PART_FILES`] order): its rows of this run as CSV
    /// text, and how many.
    parts: Vec<(String, usize)>,
    summary: Vec<Vec<String>>,
    /// Offers the run recorded, and its `summary.csv` rows.
    offer_rows: usize,
    summary_rows: usize,
    /// This run's lines of the console table ([`crate::run::summary_table`]).
    pub table: String,
}

/// The reports with rows per run, in the order [`RunReport`] keeps them.
pub const PART_FILES: [&str; 7] = [
    "jobs.csv",
    "executors.csv",
    "utilization.csv",
    "shares.csv",
    "allocation.csv",
    "offers.csv",
    "failures.csv",
];

/// The header of every per-run report.
fn part_header(name: &str) -> &'static [&'static str] {
    match name {
        "jobs.csv" => &JOBS,
        "executors.csv" => &EXECUTORS,
        "utilization.csv" => &UTILIZATION,
        "shares.csv" => &SHARES,
        "allocation.csv" => &ALLOCATION,
        "failures.csv" => &FAILURES,
        _ => &OFFERS,
    }
}

/// Reduces a finished run (see [`RunReport`]); `offers` keeps its offer
/// rows.
pub fn reduce(r: &RunResult, sweep: &[SweepParam], offers: bool) -> RunReport {
    let mut executors = Vec::new();
    let mut utilization = Vec::new();
    let mut shares = Vec::new();
    let mut offer_rows = Vec::new();
    let mut allocation = Vec::new();
    let mut summary = Vec::new();
    let (p, rep) = (r.point.to_string(), r.replication.to_string());
    let mx: &Metrics = &r.output.metrics;
    let jobs_text = jobs_csv(&p, &rep, &mx.jobs);
    // Rows are unique by (point, replication, app, executor,
    // incarnation): a relaunched driver numbers its executors from 0
    // again, and fine-grained mode names an executor after its agent,
    // so an id can come back; the incarnation counts its earlier
    // executors, in launch order.
    let mut order: Vec<usize> = (0..mx.executors.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (&mx.executors[x], &mx.executors[y]);
        (&a.app, a.executor, a.launch, x).cmp(&(&b.app, b.executor, b.launch, y))
    });
    let mut previous: Option<(&str, u64)> = None;
    let mut incarnation = 0u32;
    for e in order.into_iter().map(|i| &mx.executors[i]) {
        incarnation = match previous {
            Some((app, id)) if app == e.app && id == e.executor => incarnation + 1,
            _ => 0,
        };
        previous = Some((&e.app, e.executor));
        executors.push(vec![
            p.clone(),
            rep.clone(),
            e.app.clone(),
            e.executor.to_string(),
            e.agent.to_string(),
            e.host.clone(),
            e.cpus.to_string(),
            e.advertised_cores
                .map(|c| c.to_string())
                .unwrap_or_default(),
            e.mem_mb.to_string(),
            t(e.launch),
            opt(e.ready),
            opt(e.end),
            e.end_reason.unwrap_or("").to_string(),
            incarnation.to_string(),
        ]);
    }
    for u in &mx.utilization {
        utilization.push(vec![
            p.clone(),
            rep.clone(),
            t(u.time),
            m(mx.cpus_total),
            m(u.cpus_offered),
            m(u.cpus_allocated),
            m(u.cpus_busy),
            m(mx.mem_total),
            m(u.mem_offered),
            m(u.mem_allocated),
        ]);
    }
    for s in &mx.shares {
        let (name, role) = &mx.frameworks[s.framework.index()];
        shares.push(vec![
            p.clone(),
            rep.clone(),
            t(s.time),
            role.clone(),
            name.clone(),
            m(s.cpus),
            m(s.mem),
            format!("{:.6}", s.dominant_share),
        ]);
    }
    for a in &mx.allocations {
        allocation.push(vec![
            p.clone(),
            rep.clone(),
            t(a.time),
            a.app.clone(),
            a.target.to_string(),
            a.executors.to_string(),
        ]);
    }
    for o in &mx.offers {
        offer_rows.push(vec![
            p.clone(),
            rep.clone(),
            t(o.offer_s),
            mx.frameworks[o.framework.index()].0.clone(),
            o.agent.to_string(),
            o.cpus.to_string(),
            o.mem_mb.to_string(),
            o.outcome.to_string(),
            o.refuse_s
                .map(|d| format_secs(d.as_micros()))
                .unwrap_or_default(),
            t(o.resolved_s),
        ]);
    }
    let mut lead = vec![p.clone(), rep.clone(), r.seed.to_string()];
    for param in sweep {
        let v = r
            .assignments
            .iter()
            .find(|(path, _)| *path == param.path)
            .map(|(_, v)| match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        lead.push(v);
    }
    let mut row = lead.clone();
    row.extend(summary_values(&r.output));
    row.extend([ALL_SCOPE.to_string(), String::new()]);
    summary.push(row);
    for (scope, name, values) in scoped_summary_values(&r.output) {
        let mut row = lead.clone();
        row.extend(values);
        row.extend([scope.to_string(), name]);
        summary.push(row);
    }
    let failures: Vec<Vec<String>> = mx
        .failures
        .iter()
        .map(|f| {
            vec![
                p.clone(),
                rep.clone(),
                t(f.time),
                f.event.to_string(),
                f.host.clone(),
                f.app.clone(),
                f.cause.clone(),
                f.executors.to_string(),
                f.tasks.to_string(),
                format!("{:.6}", f.lost_work / 1e6),
                f.map_outputs.to_string(),
            ]
        })
        .collect();
    let offer_count = mx.offers.len();
    let summary_rows = summary.len();
    let rows = [
        executors,
        utilization,
        shares,
        allocation,
        offer_rows,
        failures,
    ];
    let parts = std::iter::once((jobs_text, mx.jobs.len()))
        .chain(PART_FILES[1..].iter().zip(rows).map(|(name, rows)| {
            if *name == "offers.csv" && !offers {
                return (String::new(), 0);
            }
            let n = rows.len();
            (sorted_rows(name, rows), n)
        }))
        .collect();
    RunReport {
        point: r.point,
        replication: r.replication,
        seed: r.seed,
        events: r.output.events,
        fingerprint: r.output.fingerprint,
        parts,
        summary,
        offer_rows: offer_count,
        summary_rows,
        table: table_lines(r),
    }
}

/// Every report file's name and contents.
pub fn render(
    results: &[RunResult],
    sweep: &[SweepParam],
    offers: bool,
) -> Vec<(&'static str, String)> {
    render_reports(
        results.iter().map(|r| reduce(r, sweep, offers)).collect(),
        sweep,
        offers,
    )
}

/// Every report file's name and contents, from reduced runs (in any
/// order: rows are written by point, then replication), in memory.
pub fn render_reports(
    mut runs: Vec<RunReport>,
    sweep: &[SweepParam],
    offers: bool,
) -> Vec<(&'static str, String)> {
    runs.sort_by_key(|r| (r.point, r.replication));
    let mut parts = PartWriter::new(offers, |_| Ok(Vec::new())).expect("writing to memory");
    for r in &mut runs {
        parts.write(r).expect("writing to memory");
    }
    let mut written: Vec<(&'static str, String)> = parts
        .finish()
        .expect("writing to memory")
        .into_iter()
        .map(|(n, bytes)| (n, String::from_utf8(bytes).expect("CSV text")))
        .collect();
    let offers_csv = written
        .iter()
        .position(|(n, _)| *n == "offers.csv")
        .map(|i| written.remove(i));
    written.extend(summary_files(&mut runs, sweep));
    written.extend(offers_csv);
    written
}

/// `summary.csv` and `summary_ci.csv` of runs in report order (their
/// summary rows are taken from them).
pub fn summary_files(runs: &mut [RunReport], sweep: &[SweepParam]) -> [(&'static str, String); 2] {
    let mut summary: Vec<Vec<String>> = Vec::new();
    for r in runs.iter_mut() {
        summary.append(&mut r.summary);
    }
    let mut summary_header: Vec<&str> = vec!["point", "replication", "seed"];
    summary_header.extend(sweep.iter().map(|s| s.path.as_str()));
    summary_header.extend(SUMMARY_METRICS);
    summary_header.extend(SUMMARY_SCOPE);
    let owned: Vec<String> = summary_header.iter().map(|h| h.to_string()).collect();
    let ci = summary_ci_csv(&owned, &summary);
    [
        (
            "summary.csv",
            sorted_csv("summary.csv", &summary_header, summary),
        ),
        ("summary_ci.csv", ci),
    ]
}

/// The per-run reports ([`PART_FILES`]; `offers.csv` only when offers are
/// recorded) being written: each gets its header at once, then the rows of
/// each run handed to [`PartWriter::write`], in the order they come (the
/// caller hands them in report order). The command line writes them
/// straight into the report folder as runs end; tests write them to memory.
#[derive(Debug)]
pub struct PartWriter<W: std::io::Write> {
    /// (index in [`PART_FILES`], its name, where it goes).
    outs: Vec<(usize, &'static str, W)>,
}

impl<W: std::io::Write> PartWriter<W> {
    /// Opens every per-run report with `open` and writes its header.
    pub fn new(
        offers: bool,
        mut open: impl FnMut(&'static str) -> std::io::Result<W>,
    ) -> std::io::Result<Self> {
        let mut outs = Vec::new();
        for (k, name) in PART_FILES.iter().enumerate() {
            if *name == "offers.csv" && !offers {
                continue;
            }
            let mut w = open(name)?;
            w.write_all(encode(Some(part_header(name)), Vec::new()).as_bytes())?;
            outs.push((k, *name, w));
        }
        Ok(PartWriter { outs })
    }

    /// Appends a run's rows to every report and drops them from the run.
    pub fn write(&mut self, run: &mut RunReport) -> std::io::Result<()> {
        for (k, _, w) in &mut self.outs {
            w.write_all(std::mem::take(&mut run.parts[*k].0).as_bytes())?;
        }
        Ok(())
    }

    /// Each report's name and writer, flushed.
    pub fn finish(self) -> std::io::Result<Vec<(&'static str, W)>> {
        let mut done = Vec::with_capacity(self.outs.len());
        for (_, name, mut w) in self.outs {
            w.flush()?;
            done.push((name, w));
        }
        Ok(done)
    }
}

/// Rows of a per-run report sorted as [`SORTS`] says, as CSV text without
/// the header.
fn sorted_rows(name: &str, rows: Vec<Vec<String>>) -> String {
    encode(None, sort_as(name, rows))
}

/// Rows of a per-run report in its [`SORTS`] order.
fn sort_as(name: &str, rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let (_, cols, numeric) = SORTS
        .iter()
        .find(|(n, _, _)| *n == name)
        .expect("a per-run report");
    sort_rows(rows, *cols, numeric)
}

/// A per-run report, sorted as [`SORTS`] says.
pub fn sorted_csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> String {
    encode(Some(header), sort_as(name, rows))
}

/// `summary_ci.csv` from the header and rows of `summary.csv`.
pub fn summary_ci_csv(summary_header: &[String], summary: &[Vec<String>]) -> String {
    let swept = summary_swept(summary_header.len());
    let mut header: Vec<&str> = vec!["point"];
    header.extend(summary_header[3..3 + swept].iter().map(String::as_str));
    header.push("n");
    let names: Vec<String> = chart_metric_names()
        .flat_map(|m| ["mean", "sd", "ci95"].map(|s| format!("{m}_{s}")))
        .collect();
    header.extend(names.iter().map(String::as_str));
    header.extend(SUMMARY_SCOPE);
    csv(&header, summary_ci(summary, swept), 1, &[0])
}

/// Mean, sample standard deviation and the half-width of the 95 %
/// Student-t confidence interval of `xs` (the last two empty below two
/// values).
pub fn mean_sd_ci(xs: &[f64]) -> (Option<f64>, Option<f64>, Option<f64>) {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let n = xs.len();
    if n == 0 {
        return (None, None, None);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (Some(mean), None, None);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|d| d.inverse_cdf(0.975))
        .unwrap_or(f64::NAN);
    (Some(mean), Some(sd), Some(t * sd / (n as f64).sqrt()))
}

/// One `summary_ci.csv` row per sweep point from the `summary.csv` rows
/// (point, replication, seed, swept values, metrics). A metric a run could
/// not measure (no finished job) is left out of that metric's statistics.
fn summary_ci(summary: &[Vec<String>], swept: usize) -> Vec<Vec<String>> {
    // Replication order, whatever order the rows came in (merged shards):
    // the sums below must add in one order to give the same bytes.
    let mut sorted: Vec<&Vec<String>> = summary.iter().collect();
    let num = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
    sorted.sort_by_key(|r| (num(&r[0]), num(&r[1])));
    let summary = sorted;
    let scope_col = 3 + swept + SUMMARY_METRICS.len();
    // (point, scope, name) in point order, then in the order the rows of
    // a run list them (the whole run, apps, roles).
    let mut groups: Vec<(&str, &str, &str)> = Vec::new();
    for r in &summary {
        let key = (
            r[0].as_str(),
            r[scope_col].as_str(),
            r[scope_col + 1].as_str(),
        );
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    groups.sort_by_key(|g| num(g.0));
    let metric_col = |name: &str| {
        3 + swept
            + SUMMARY_METRICS
                .iter()
                .position(|m| *m == name)
                .expect("a summary metric")
    };
    let f = |x: Option<f64>| x.map(|v| format!("{v:.6}")).unwrap_or_default();
    groups
        .into_iter()
        .map(|(p, scope, name)| {
            let rows: Vec<&Vec<String>> = summary
                .iter()
                .copied()
                .filter(|r| r[0] == p && r[scope_col] == scope && r[scope_col + 1] == name)
                .collect();
            let mut out = vec![p.to_string()];
            out.extend(rows[0][3..3 + swept].iter().cloned());
            out.push(rows.len().to_string());
            for m in chart_metric_names() {
                let c = metric_col(m);
                let xs: Vec<f64> = rows.iter().filter_map(|r| r[c].parse().ok()).collect();
                let (mean, sd, ci) = mean_sd_ci(&xs);
                out.extend([f(mean), f(sd), f(ci)]);
            }
            out.extend([scope.to_string(), name.to_string()]);
            out
        })
        .collect()
}

/// The report files, then (unless `charts` is false) the SVG charts and
/// `report.html` drawn from them and from the per-run reports already
/// written to `written` (a folder and the names of the files there; see
/// [`PartWriter`]). `resolved` is the text [`resolved_with_runs`] made: it
/// names the scenario and its chart metrics.
pub fn with_charts(
    files: Vec<(&'static str, String)>,
    written: Option<(&std::path::Path, &[&'static str])>,
    resolved: &str,
    charts: bool,
) -> Vec<(String, String)> {
    let drawn = if charts {
        let name = scenario_name(resolved);
        let metrics = resolved_chart_metrics(resolved);
        let spec = crate::charts::ChartSpec {
            title: &name,
            metrics: &metrics,
            resolved,
            slo_latency_s: resolved_slo(resolved),
        };
        let reports = crate::charts::Reports {
            files: &files,
            folder: written,
        };
        crate::charts::render(reports, spec)
    } else {
        Vec::new()
    };
    files
        .into_iter()
        .map(|(n, s)| (n.to_string(), s))
        .chain(drawn)
        .collect()
}

/// The scenario name from the runs header `# sim V — runs of NAME:`.
fn scenario_name(resolved: &str) -> String {
    resolved
        .lines()
        .find_map(|l| l.strip_prefix("# sim ")?.split_once(" — runs of "))
        .map(|(_, rest)| rest.trim_end_matches(':').to_string())
        .unwrap_or_else(|| "scenario".to_string())
}

/// `run.slo_latency_s` of a resolved scenario.
fn resolved_slo(resolved: &str) -> Option<f64> {
    let table = resolved.parse::<toml::Table>().ok()?;
    match table.get("run")?.get("slo_latency_s")? {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(n) => Some(*n as f64),
        _ => None,
    }
}

/// `run.chart_metrics` of a resolved scenario (the defaults if missing).
fn resolved_chart_metrics(resolved: &str) -> Vec<String> {
    let parsed: Option<Vec<String>> = resolved
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("run")?.get("chart_metrics")?.clone().try_into().ok());
    parsed.unwrap_or_else(|| {
        crate::scenario::defaults::CHART_METRICS
            .map(String::from)
            .to_vec()
    })
}

/// The resolved scenario with the version, the scenario's name (its file
/// stem), the seeds and the fingerprints appended as comments (the file
/// still loads as a scenario).
pub fn resolved_with_runs(resolved: &str, runs: &[RunReport], name: &str) -> String {
    let mut s = resolved.to_string();
    let _ = writeln!(s, "\n# sim {} — runs of {name}:", env!("CARGO_PKG_VERSION"));
    for r in runs {
        let n = |k: usize| r.parts[k].1;
        let _ = writeln!(
            s,
            "# point {} replication {}: seed {}, fingerprint {:016x}, {} events, rows jobs={} executors={} utilization={} shares={} allocation={} offers={} summary={}",
            r.point,
            r.replication,
            r.seed,
            r.fingerprint,
            r.events,
            n(0),
            n(1),
            n(2),
            n(3),
            n(4),
            r.offer_rows,
            r.summary_rows,
        );
    }
    s
}

/// One run's lines of [`crate::run::summary_table`].
pub(crate) fn table_lines(r: &RunResult) -> String {
    let mut s = String::new();
    let mx = &r.output.metrics;
    let mut names: Vec<&str> = mx.jobs.iter().map(|j| j.app.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let jobs: Vec<_> = mx.jobs.iter().filter(|j| j.app == name).collect();
        let mut lat: Vec<u64> = jobs
            .iter()
            .filter_map(|j| j.end.map(|e| e.since(j.submit).as_micros()))
            .collect();
        lat.sort_unstable();
        let mut wait: Vec<u64> = jobs
            .iter()
            .filter_map(|j| j.start.map(|st| st.since(j.submit).as_micros()))
            .collect();
        wait.sort_unstable();
        let f = |v: Option<u64>| v.map(format_secs).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            s,
            "{:<6} {:<4} {:<16} {:>6} {:>6} {:>11} {:>11} {:>11} {:>11}",
            r.point,
            r.replication,
            name,
            jobs.len(),
            lat.len(),
            f(percentile(&lat, 50)),
            f(percentile(&lat, 95)),
            f(percentile(&lat, 99)),
            f(percentile(&wait, 50)),
        );
    }
    for (name, reason) in &mx.refused {
        let _ = writeln!(
            s,
            "{:<6} {:<4} {name}: REFUSED by the master: {reason}",
            r.point, r.replication
        );
    }
    let (alloc, busy) = (
        100.0 * mx.mean_fraction(mx.allocated_integral),
        100.0 * mx.mean_fraction(mx.busy_integral),
    );
    let (p, rep) = (r.point, r.replication);
    let _ = if mx.on_mesos {
        writeln!(
            s,
            "{p:<6} {rep:<4} cluster: cpu offered {:.1}%, allocated {alloc:.1}%, busy {busy:.1}%; offers made {}, declined {}; executors {}",
            100.0 * mx.mean_fraction(mx.offered_integral),
            mx.offers_made,
            mx.offers_declined,
            mx.executors_launched,
        )
    } else {
        // Offers exist only on Mesos; YARN counts its containers.
        let containers = mx
            .containers
            .map(|(asked, granted)| format!("; containers requested {asked}, granted {granted}"))
            .unwrap_or_default();
        writeln!(
            s,
            "{p:<6} {rep:<4} cluster ({}): cpu allocated {alloc:.1}%, busy {busy:.1}%; executors {}{containers}",
            mx.manager, mx.executors_launched,
        )
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_intervals_use_student_t() {
        // n = 5, mean 3, sd √2.5; t(0.975, 4) = 2.776445.
        let (mean, sd, ci) = mean_sd_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, Some(3.0));
        assert!((sd.unwrap() - 2.5f64.sqrt()).abs() < 1e-12);
        let want = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((ci.unwrap() - want).abs() < 1e-5, "{ci:?}");
        assert_eq!(mean_sd_ci(&[7.0]), (Some(7.0), None, None));
        assert_eq!(mean_sd_ci(&[]), (None, None, None));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 95), Some(10));
        assert_eq!(percentile(&v, 10), Some(1));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }
}
