//! What a loaded scenario will cost before it runs: the memory its report
//! rows hold and the simulated tasks it will execute, so that a scenario
//! that cannot fit is refused at once (exit 2, naming the limit and the
//! cause) instead of dying with "memory allocation failed" an hour in.
//!
//! The numbers are upper estimates from the scenario alone, no sampling:
//! every run keeps its rows until the reports are written (one
//! `utilization.csv` row and one `shares.csv` row per framework per
//! sample, one `jobs.csv` row per job), and a job draws all of its tasks
//! when it arrives. The bytes per row were measured on the release build
//! (`interactive.toml` sampled every 20 ms: 600,000 rows, 388 MB peak, so
//! about 650 bytes a row with the CSV text and the charts' parse of it).

use super::model::{Arrival, DeployMode, Dist, JobSpec, Point, Scenario};

/// Bytes one sample row costs from the run to the written report.
const BYTES_PER_SAMPLE_ROW: u128 = 700;
/// Bytes one job row costs (more columns, and the job's own state).
const BYTES_PER_JOB_ROW: u128 = 1_000;
/// Bytes one drawn task holds while its job runs.
const BYTES_PER_TASK: u128 = 32;
/// Tasks per stage: the most a stage may have. Distributions without a
/// bound are cut here when sampled (documented in docs/scenario.md).
pub const MAX_TASKS_PER_STAGE: f64 = 10_000_000.0;

/// The default memory budget of one `sim` process (`--max-memory`).
pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 8 << 30;

/// Above this many simulated tasks a run is long: a warning says how long.
pub const LONG_RUN_TASKS: f64 = 1.0e9;

#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Memory the runs' rows and the largest job hold, at most.
    pub bytes: u128,
    /// Simulated tasks over every run, expected.
    pub tasks: f64,
    /// What costs the most memory, with the scenario path that sets it.
    pub biggest: String,
}

/// The estimate over every point × replication.
pub fn estimate(points: &[Point]) -> Estimate {
    let mut bytes: u128 = 0;
    let mut tasks = 0.0;
    let mut biggest = (0u128, String::new());
    let mut largest_job = (0u128, String::new());
    for p in points {
        let sc = &p.scenario;
        let reps = u128::from(sc.run.replications);
        let (samples, frameworks) = sample_rows(sc);
        let sample_bytes = samples * (1 + frameworks) * BYTES_PER_SAMPLE_ROW * reps;
        if sample_bytes > biggest.0 {
            biggest = (
                sample_bytes,
                format!(
                    "{samples} samples of {} rows each (run.sample_interval = \"{}\" over run.horizon + run.drain = {}) × {reps} replication(s)",
                    1 + frameworks,
                    sc.run.sample_interval,
                    sc.run.horizon + sc.run.drain
                ),
            );
        }
        bytes = bytes.saturating_add(sample_bytes);
        for (path, jobs) in streams(sc) {
            // A trace: what its window holds (at most; the horizon may
            // end it sooner), its largest job.
            let (n, mean_tasks, stages, most) = match &jobs.trace {
                Some((_, t)) => (
                    t.jobs as f64,
                    t.tasks as f64 / (t.jobs.max(1) as f64),
                    1.0,
                    t.most_tasks_per_job as f64,
                ),
                None => {
                    let stages = f64::from(jobs.stages);
                    (
                        jobs_in(&jobs.arrival, sc),
                        stages * mean_of(&jobs.tasks.dist).clamp(1.0, MAX_TASKS_PER_STAGE),
                        stages,
                        stages * max_of(&jobs.tasks.dist).clamp(1.0, MAX_TASKS_PER_STAGE),
                    )
                }
            };
            tasks += n * mean_tasks * reps as f64;
            let job_bytes = (n as u128) * BYTES_PER_JOB_ROW * reps;
            if job_bytes > biggest.0 {
                biggest = (
                    job_bytes,
                    format!("{n:.0} jobs of {path} × {reps} replication(s)"),
                );
            }
            bytes = bytes.saturating_add(job_bytes);
            let one_job = (most as u128) * BYTES_PER_TASK;
            if one_job > largest_job.0 {
                largest_job = (
                    one_job,
                    format!(
                        "one job of {path} drawing up to {most:.0} tasks at once ({:.0} stage(s) × up to {:.0} tasks)",
                        stages,
                        most / stages
                    ),
                );
            }
        }
    }
    if largest_job.0 > biggest.0 {
        biggest = largest_job.clone();
    }
    Estimate {
        bytes: bytes.saturating_add(largest_job.0),
        tasks,
        biggest: biggest.1,
    }
}

/// Samples per run and the frameworks each sample has a share row for.
fn sample_rows(sc: &Scenario) -> (u128, u128) {
    let length = u128::from((sc.run.horizon + sc.run.drain).as_micros());
    let interval = u128::from(sc.run.sample_interval.as_micros().max(1));
    let dispatcher = sc.apps.iter().any(|a| a.deploy_mode == DeployMode::Cluster);
    let frameworks = (sc.apps.len() + sc.frameworks.len() + usize::from(dispatcher)) as u128;
    (length / interval + 1, frameworks)
}

/// Every job stream, with its path.
fn streams(sc: &Scenario) -> impl Iterator<Item = (String, &JobSpec)> {
    let apps = sc
        .apps
        .iter()
        .map(|a| (format!("apps.{}.jobs", a.name), &a.jobs));
    let fws = sc
        .frameworks
        .iter()
        .map(|f| (format!("frameworks.{}.jobs", f.name), &f.jobs));
    apps.chain(fws)
}

/// Jobs a stream submits before the horizon (expected, for Poisson).
fn jobs_in(arrival: &Arrival, sc: &Scenario) -> f64 {
    let horizon = sc.run.horizon.as_micros() as f64;
    match arrival {
        Arrival::Poisson { mean } => horizon / (mean.as_micros().max(1) as f64) + 1.0,
        Arrival::Every { interval } => horizon / (interval.as_micros().max(1) as f64) + 1.0,
        Arrival::At { times } => times.len() as f64,
    }
}

/// The mean of a count distribution (infinite for a heavy Pareto tail).
fn mean_of(d: &Dist) -> f64 {
    match d {
        Dist::Constant { value } => *value,
        Dist::Uniform { min, max } => (min + max) / 2.0,
        Dist::Exponential { mean } => *mean,
        Dist::Lognormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
        Dist::Pareto { scale, shape } if *shape > 1.0 => scale * shape / (shape - 1.0),
        Dist::Pareto { .. } => f64::INFINITY,
        Dist::Weibull { scale, shape } => scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape),
        Dist::Empirical { values } => values.iter().sum::<f64>() / values.len().max(1) as f64,
    }
}

/// The largest value a count distribution gives; for the unbounded ones,
/// the quantile one draw in a million exceeds (z = 4.753 for the
/// lognormal), which the caller caps at the sampling limit.
fn max_of(d: &Dist) -> f64 {
    const ONE_IN: f64 = 1.0e6;
    match d {
        Dist::Constant { value } => *value,
        Dist::Uniform { max, .. } => *max,
        Dist::Empirical { values } => values.iter().copied().fold(0.0, f64::max),
        Dist::Exponential { mean } => mean * ONE_IN.ln(),
        Dist::Lognormal { median, sigma } => median * (4.753 * sigma).exp(),
        Dist::Pareto { scale, shape } => scale * ONE_IN.powf(1.0 / shape),
        Dist::Weibull { scale, shape } => scale * ONE_IN.ln().powf(1.0 / shape),
    }
}

/// Bytes as a short human size: `412 GiB`, `8 GiB`, `950 MiB`.
pub fn human_bytes(bytes: u128) -> String {
    const UNITS: [(&str, u128); 4] = [
        ("PiB", 1 << 50),
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
    ];
    for (name, size) in UNITS {
        if bytes >= size {
            let v = bytes as f64 / size as f64;
            return if v >= 100.0 {
                format!("{v:.0} {name}")
            } else {
                format!("{v:.1} {name}")
            };
        }
    }
    format!("{bytes} bytes")
}
