//! Running a loaded scenario: every sweep point × replication, each with
//! its own seed derived from the master seed (replication 0 keeps it). Runs
//! are independent worlds, so they run on a thread pool; the results are
//! always in point, replication order, whatever the number of threads.

use std::fmt::Write as _;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::report::{RunReport, RunResult};
use crate::rng::RngStreams;
use crate::scenario::Loaded;
use crate::time::SimTime;
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

/// One run: point `i` (index into `loaded.points`), replication `r`,
/// telling `progress` its simulated time now and then (it stops the run by
/// returning false).
fn run_one(
    loaded: &Loaded,
    i: usize,
    r: u32,
    opts: RunOptions,
    progress: &mut dyn FnMut(SimTime) -> bool,
) -> Result<RunResult, String> {
    let point = &loaded.points[i];
    let sc = &point.scenario;
    let seed = RngStreams::replication_seed(sc.run.seed, r);
    let output = World::new(sc, seed, opts)
        .run_observed(progress)
        .map_err(|e| format!("point {} replication {r}: {e}", point.index))?;
    Ok(RunResult {
        point: point.index,
        replication: r,
        seed,
        assignments: point.assignments.clone(),
        output,
    })
}

/// Runs every point × replication on `threads` threads.
pub fn run_parallel(
    loaded: &Loaded,
    opts: RunOptions,
    threads: usize,
) -> Result<Vec<RunResult>, String> {
    let keys = run_keys(loaded);
    let mut out = Vec::with_capacity(keys.len());
    run_keys_with(loaded, &keys, opts, threads, None, None, &|r| r, &mut |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

/// Runs the given (point, replication) pairs on `threads` threads,
/// updating `progress` as runs advance; setting `cancel` stops every run
/// within a few thousand events. Each run depends only on its scenario and
/// seed, and each is handed to `deliver` in the order of `keys`, so the
/// reports are byte-identical for any number of threads.
///
/// Each run is reduced to its reports as soon as it ends (see
/// [`RunReport`]) and delivered as soon as the runs before it are: the
/// caller writes its rows out then (the command line streams them to the
/// report files), so a sweep holds the runs in flight, not every run's
/// rows. An error of `deliver` stops the runs and is returned.
pub fn run_keys_reports(
    loaded: &Loaded,
    keys: &[(usize, u32)],
    opts: RunOptions,
    threads: usize,
    progress: Option<&Progress>,
    cancel: Option<&AtomicBool>,
    deliver: &mut dyn FnMut(RunReport) -> Result<(), String>,
) -> Result<(), String> {
    let offers = opts.record_offers;
    let reduce = |r: RunResult| crate::report::reduce(&r, &loaded.sweep, offers);
    run_keys_with(
        loaded, keys, opts, threads, progress, cancel, &reduce, deliver,
    )
}

/// The pool: `threads` workers take the runs in the order of `keys` (a
/// shared counter, so the runs in flight are always the next few and few
/// finished runs wait for an earlier one), and this thread hands the
/// finished ones to `deliver` in that order. A failing run stops the
/// workers from starting more; the error returned is that of the first
/// failing run in `keys` order (every run before it had started, so which
/// one it is does not depend on timing).
#[allow(clippy::too_many_arguments)]
fn run_keys_with<T: Send>(
    loaded: &Loaded,
    keys: &[(usize, u32)],
    opts: RunOptions,
    threads: usize,
    progress: Option<&Progress>,
    cancel: Option<&AtomicBool>,
    finish: &(dyn Fn(RunResult) -> T + Sync),
    deliver: &mut dyn FnMut(T) -> Result<(), String>,
) -> Result<(), String> {
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let one = |slot: usize| {
        let (i, r) = keys[slot];
        if cancelled() {
            return Err("interrupted".to_string());
        }
        let result = run_one(loaded, i, r, opts, &mut |now| {
            if let Some(p) = progress {
                p.advanced(slot, now);
            }
            !cancelled()
        });
        if let (Some(p), Ok(_)) = (progress, &result) {
            p.finished(slot);
        }
        result.map(finish)
    };
    if threads <= 1 || keys.len() <= 1 {
        for slot in 0..keys.len() {
            deliver(one(slot)?)?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<T, String>)>();
        for w in 0..threads.min(keys.len()) {
            let tx = tx.clone();
            let (next, stop, one) = (&next, &stop, &one);
            std::thread::Builder::new()
                .name(format!("run-{w}"))
                .spawn_scoped(scope, move || {
                    while !stop.load(Ordering::Relaxed) {
                        let slot = next.fetch_add(1, Ordering::Relaxed);
                        if slot >= keys.len() {
                            break;
                        }
                        let r = one(slot);
                        let failed = r.is_err();
                        if tx.send((slot, r)).is_err() || failed {
                            break;
                        }
                    }
                })
                .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        let mut first_error: Option<(usize, String)> = None;
        for (slot, r) in rx {
            match r {
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    if first_error.as_ref().is_none_or(|(s, _)| slot < *s) {
                        first_error = Some((slot, e));
                    }
                }
                Ok(t) => {
                    waiting.insert(slot, t);
                }
            }
            while first_error.is_none()
                && let Some(t) = waiting.remove(&due)
            {
                if let Err(e) = deliver(t) {
                    stop.store(true, Ordering::Relaxed);
                    first_error = Some((due, e));
                }
                due += 1;
            }
        }
        match first_error {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    })
}

const NOT_STARTED: u64 = u64::MAX - 1;
const DONE: u64 = u64::MAX;
/// Progress units per run on the bar.
const UNITS: u64 = 1_000;

/// How far a batch of runs got: written by the runs (atomics only), read
/// by whoever displays it.
#[derive(Debug)]
pub struct Progress {
    /// Per run: its simulated time in µs, or NOT_STARTED / DONE.
    at: Vec<AtomicU64>,
    /// Per run: the simulated time it ends by at the latest (horizon plus
    /// drain), in µs.
    ends: Vec<u64>,
    done: AtomicU64,
}

impl Progress {
    /// Progress of runs that end by `ends` (µs) at the latest.
    pub fn new(ends: Vec<u64>) -> Progress {
        Progress {
            at: ends.iter().map(|_| AtomicU64::new(NOT_STARTED)).collect(),
            ends,
            done: AtomicU64::new(0),
        }
    }

    /// The progress of the runs `keys` of `loaded`.
    pub fn of(loaded: &Loaded, keys: &[(usize, u32)]) -> Progress {
        Progress::new(
            keys.iter()
                .map(|&(i, _)| {
                    let run = &loaded.points[i].scenario.run;
                    (run.horizon + run.drain).as_micros()
                })
                .collect(),
        )
    }

    fn advanced(&self, slot: usize, now: SimTime) {
        self.at[slot].store(now.as_micros(), Ordering::Relaxed);
    }

    fn finished(&self, slot: usize) {
        self.at[slot].store(DONE, Ordering::Relaxed);
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn runs(&self) -> usize {
        self.at.len()
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// The simulated time of the least advanced run in progress.
    pub fn slowest(&self) -> Option<u64> {
        self.at
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .filter(|&t| t < NOT_STARTED)
            .min()
    }

    /// Work done in [`UNITS`] per run: whole runs done, and each running
    /// run's simulated time as a share of its end. A run that finishes
    /// early (its jobs done before the drain ends) jumps to its whole.
    pub fn units(&self) -> u64 {
        self.at
            .iter()
            .zip(&self.ends)
            .map(|(a, &end)| match a.load(Ordering::Relaxed) {
                DONE => UNITS,
                NOT_STARTED => 0,
                t => (u128::from(t.min(end)) * u128::from(UNITS) / u128::from(end.max(1))) as u64,
            })
            .sum()
    }
}

/// Shows `progress` as a bar on stderr (share of the simulated time done,
/// runs done, the slowest run's simulated time, ETA) until `stop` is set,
/// redrawing 5 times a second from this thread only.
pub fn show_progress(progress: &Progress, stop: &std::sync::atomic::AtomicBool) {
    let bar = indicatif::ProgressBar::new(progress.runs() as u64 * UNITS);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {msg}, ETA {eta}")
    {
        bar.set_style(style);
    }
    let longest = progress.ends.iter().copied().max().unwrap_or(0) / 1_000_000;
    let message = || {
        let runs = format!("{}/{} runs", progress.done(), progress.runs());
        match progress.slowest() {
            Some(us) => format!("{runs}, slowest {}/{longest} s", us / 1_000_000),
            None => runs,
        }
    };
    bar.set_message(message());
    while !stop.load(Ordering::Relaxed) {
        bar.set_position(progress.units());
        bar.set_message(message());
        std::thread::park_timeout(std::time::Duration::from_millis(200));
    }
    bar.finish_and_clear();
}

/// The table printed after a run: per app, then the cluster.
pub fn summary_table(runs: &[RunReport], wall_s: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<6} {:<4} {:<16} {:>6} {:>6} {:>11} {:>11} {:>11} {:>11}",
        "point", "rep", "app", "jobs", "done", "p50_s", "p95_s", "p99_s", "wait_p50_s"
    );
    let mut events = 0u64;
    for r in runs {
        events += r.events;
        s.push_str(&r.table);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_tracks_the_slowest_run_in_flight() {
        let p = Progress::new(vec![10_000_000; 3]);
        assert_eq!(p.slowest(), None);
        p.advanced(0, SimTime(5_000_000));
        p.advanced(2, SimTime(9_000_000));
        assert_eq!(p.slowest(), Some(5_000_000));
        p.finished(0);
        assert_eq!(p.slowest(), Some(9_000_000));
        p.finished(2);
        assert_eq!(p.slowest(), None);
        assert_eq!(p.done(), 2);
    }

    #[test]
    fn progress_units_count_simulated_time_within_runs() {
        let p = Progress::new(vec![10_000_000, 20_000_000]);
        assert_eq!(p.units(), 0);
        p.advanced(0, SimTime(5_000_000));
        p.advanced(1, SimTime(5_000_000));
        assert_eq!(p.units(), 500 + 250);
        p.finished(1);
        assert_eq!(p.units(), 500 + 1000);
        p.advanced(0, SimTime(99_000_000));
        assert_eq!(p.units(), 2000, "capped at the run's end");
    }
}
