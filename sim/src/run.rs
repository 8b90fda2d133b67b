//! Running a loaded scenario: every sweep point × replication, each with
//! its own seed derived from the master seed (replication 0 keeps it). Runs
//! are independent worlds, so they run on a thread pool; the results are
//! always in point, replication order, whatever the number of threads.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::report::{RunResult, percentile};
use crate::rng::RngStreams;
use crate::scenario::Loaded;
use crate::time::format_secs;
use crate::world::{RunOptions, World};

/// Runs everything one after another; the first failing run stops the
/// whole.
pub fn run_all(loaded: &Loaded, opts: RunOptions) -> Result<Vec<RunResult>, String> {
    run_parallel(loaded, opts, 1)
}

/// Every (point, replication) of the scenario, in report order.
pub fn run_keys(loaded: &Loaded) -> Vec<(usize, u32)> {
    loaded
        .points
        .iter()
        .enumerate()
        .flat_map(|(i, p)| (0..p.scenario.run.replications).map(move |r| (i, r)))
        .collect()
}

/// One run: point `i` (index into `loaded.points`), replication `r`.
pub fn run_one(loaded: &Loaded, i: usize, r: u32, opts: RunOptions) -> Result<RunResult, String> {
    let point = &loaded.points[i];
    let sc = &point.scenario;
    let seed = RngStreams::replication_seed(sc.run.seed, r);
    let output = World::new(sc, seed, opts)
        .run()
        .map_err(|e| format!("point {} replication {r}: {e}", point.index))?;
    Ok(RunResult {
        point: point.index,
        replication: r,
        seed,
        assignments: point.assignments.clone(),
        output,
    })
}

/// Runs the given (point, replication) pairs on `threads` threads. Each
/// run depends only on its scenario and seed, and results are collected
/// in the order of `keys`, so the reports are byte-identical for any
/// number of threads.
pub fn run_keys_parallel(
    loaded: &Loaded,
    keys: &[(usize, u32)],
    opts: RunOptions,
    threads: usize,
) -> Result<Vec<RunResult>, String> {
    if threads <= 1 || keys.len() <= 1 {
        return keys
            .iter()
            .map(|&(i, r)| run_one(loaded, i, r, opts))
            .collect();
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    pool.install(|| {
        keys.par_iter()
            .map(|&(i, r)| run_one(loaded, i, r, opts))
            .collect()
    })
}

/// Runs every point × replication on `threads` threads.
pub fn run_parallel(
    loaded: &Loaded,
    opts: RunOptions,
    threads: usize,
) -> Result<Vec<RunResult>, String> {
    run_keys_parallel(loaded, &run_keys(loaded), opts, threads)
}

/// The table printed after a run: per app, then the cluster.
pub fn summary_table(results: &[RunResult], wall_s: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<6} {:<4} {:<16} {:>6} {:>6} {:>11} {:>11} {:>11} {:>11}",
        "point", "rep", "app", "jobs", "done", "p50_s", "p95_s", "p99_s", "wait_p50_s"
    );
    let mut events = 0u64;
    for r in results {
        let mx = &r.output.metrics;
        events += r.output.events;
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
        let _ = writeln!(
            s,
            "{:<6} {:<4} cluster: cpu offered {:.1}%, allocated {:.1}%, busy {:.1}%; offers made {}, declined {}; executors {}",
            r.point,
            r.replication,
            100.0 * mx.mean_fraction(mx.offered_integral),
            100.0 * mx.mean_fraction(mx.allocated_integral),
            100.0 * mx.mean_fraction(mx.busy_integral),
            mx.offers_made,
            mx.offers_declined,
            mx.executors_launched,
        );
    }
    let rate = if wall_s > 0.0 {
        events as f64 / wall_s
    } else {
        0.0
    };
    let _ = writeln!(
        s,
        "events {events}, wall time {wall_s:.3} s, {rate:.0} events/s"
    );
    s
}
