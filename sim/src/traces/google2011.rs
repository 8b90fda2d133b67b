//! Google cluster-usage trace 2011 (`clusterdata-2011-2`, trace format
//! v2.1; github.com/google/cluster-data, `ClusterData2011_2.md`, and the
//! v2.1 "format + schema" document with its `schema.csv`): a Borg cell of
//! about 12,500 machines over 29 days in May 2011.
//!
//! The trace is a folder holding `job_events/` and `task_events/`, each a
//! series of `part-NNNNN-of-NNNNN.csv.gz` files in time order (plain
//! `.csv` parts are read too). Rows are comma-separated, no header:
//!
//! - `job_events`: time, missing info, job ID, event type, user, scheduling
//!   class, job name, logical job name;
//! - `task_events`: time, missing info, job ID, task index, machine ID,
//!   event type, user, scheduling class, priority, CPU request, memory
//!   request, disk request, different-machines restriction.
//!
//! Times are µs; the trace window starts at 600 s (a time of 0 means
//! "before the window"). Event types: 0 SUBMIT, 1 SCHEDULE, 2 EVICT,
//! 3 FAIL, 4 FINISH, 5 KILL, 6 LOST, 7 UPDATE_PENDING, 8 UPDATE_RUNNING.
//! Requests are normalised to the largest machine (not used: each task
//! takes one slot).
//!
//! The mapping: a job is submitted at its SUBMIT (trace clock = time −
//! 600 s); it is one stage of its tasks (Borg jobs have no DAG); a task's
//! run time is its last run, from its last SCHEDULE to its FINISH (a task
//! evicted, failed, killed or lost goes back to pending and runs again,
//! the resubmission of the trace's state machine; only the run that
//! finished counts). Only jobs that FINISH are replayed: jobs submitted
//! before the window, jobs that end otherwise (FAIL, KILL, EVICT, LOST)
//! and jobs still running `longest_job` after their submission (long
//! services would hold every later job back) are left out, counted. A task
//! of a finished job with no finished run in the trace runs for the job's
//! mean (counted). Nothing is drawn: `seed` is unused.
//!
//! The two tables are read side by side in time order (a job event before
//! a task event of the same time), so memory holds the jobs in flight.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::row::{TraceError, TraceJob, TraceReader, mean_of, whole};
use super::tables::{Either, InFlight, Merged, RowError, Table};
use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// µs of trace time before the window opens.
const WINDOW_START: u64 = 600_000_000;

/// A table's `part-…` files, in order.
fn table(dir: &Path, name: &'static str) -> Result<Table, String> {
    let sub = dir.join(name);
    let entries = std::fs::read_dir(&sub).map_err(|e| {
        format!(
            "cannot read {}: {e} (a Google 2011 trace is a folder with job_events/ and task_events/)",
            sub.display()
        )
    })?;
    let mut parts: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("part-") && (n.ends_with(".csv.gz") || n.ends_with(".csv"))
            })
        })
        .collect();
    if parts.is_empty() {
        return Err(format!("{} holds no part-….csv.gz files", sub.display()));
    }
    parts.sort();
    Ok(Table::new(name, parts))
}

/// A row of a table of `width` fields: the whole numbers in `numbers`
/// (the time first), the event type (at `numbers[kind]`) checked to be
/// one of the trace's nine.
fn event(
    text: &str,
    width: usize,
    table: &str,
    numbers: &[usize],
    kind: usize,
) -> Result<(i64, Vec<u64>), RowError> {
    let (t, f) = row(text, width, table, numbers)?;
    if f[kind] > 8 {
        let column = 1 + text
            .split(',')
            .take(numbers[kind])
            .map(|x| x.chars().count() + 1)
            .sum::<usize>();
        return Err((column, format!("unknown event type {} (0–8)", f[kind])));
    }
    Ok((t, f))
}

/// A row's fields, `width` of them (the table's), as whole numbers where
/// asked: `numbers` are the 0-based fields read; the time is field 0.
fn row(
    text: &str,
    width: usize,
    table: &str,
    numbers: &[usize],
) -> Result<(i64, Vec<u64>), RowError> {
    let fields: Vec<&str> = text.split(',').collect();
    if fields.len() != width {
        return Err((
            1,
            format!(
                "expected {width} comma-separated fields (the {table} table of trace format v2.1), found {}",
                fields.len()
            ),
        ));
    }
    let column = |i: usize| {
        1 + fields[..i]
            .iter()
            .map(|f| f.chars().count() + 1)
            .sum::<usize>()
    };
    let mut out = Vec::with_capacity(numbers.len());
    for &i in numbers {
        out.push(whole(fields[i]).map_err(|m| (column(i), m))?);
    }
    Ok((out[0] as i64, out))
}

/// A job event's numbers (time, job ID, type) and its user.
type JobRow = (Vec<u64>, Option<String>);
/// A task event's numbers (time, job ID, index, type) and its CPU request.
type TaskRow = (Vec<u64>, Option<f64>);

#[derive(Debug, Default)]
struct Task {
    scheduled: Option<u64>,
    run: Option<u64>,
    /// Its last CPU request (normalised to the largest machine).
    cpu: Option<f64>,
}

#[derive(Debug)]
struct Job {
    user: Option<String>,
    submit: u64,
    tasks: BTreeMap<u64, Task>,
    finished: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Google2011Counts {
    pub before_window: u64,
    pub ended_otherwise: u64,
    pub too_long: u64,
    pub filled_tasks: u64,
}

#[derive(Debug)]
pub struct Google2011Reader {
    jobs_table: Table,
    tasks_table: Table,
    merged: Merged<JobRow, TaskRow>,
    /// Jobs in flight by ID, in SUBMIT order.
    flight: InFlight<u64, Job>,
    longest: u64,
    now: u64,
    at_end: bool,
    pub counts: Google2011Counts,
}

impl Google2011Reader {
    pub fn open(dir: &Path, longest_job: SimDuration) -> Result<Google2011Reader, String> {
        Ok(Google2011Reader {
            jobs_table: table(dir, "job_events")?,
            tasks_table: table(dir, "task_events")?,
            merged: Merged::default(),
            flight: InFlight::default(),
            longest: longest_job.as_micros(),
            now: 0,
            at_end: false,
            counts: Google2011Counts::default(),
        })
    }

    /// A job event: (time, job ID, event type), and its user.
    fn take_job_event(&mut self, f: &[u64], user: Option<String>) {
        let (t, id, kind) = (f[0], f[1], f[2]);
        match kind {
            0 if t == 0 => self.counts.before_window += 1,
            0 => {
                self.flight.arrive(
                    id,
                    Job {
                        user,
                        submit: t,
                        tasks: BTreeMap::new(),
                        finished: false,
                    },
                );
            }
            4 => {
                if let Some(j) = self.flight.get_mut(&id) {
                    j.finished = true;
                }
            }
            2 | 3 | 5 | 6 if self.flight.remove(&id).is_some() => {
                self.counts.ended_otherwise += 1;
            }
            _ => {}
        }
    }

    /// A task event: (time, job ID, task index, event type).
    fn take_task_event(&mut self, f: &[u64], cpu: Option<f64>) {
        let (t, id, index, kind) = (f[0], f[1], f[2], f[3]);
        let Some(job) = self.flight.get_mut(&id) else {
            return;
        };
        let task = job.tasks.entry(index).or_default();
        if cpu.is_some() {
            task.cpu = cpu;
        }
        match kind {
            1 => task.scheduled = Some(t),
            4 => {
                if let Some(s) = task.scheduled.take() {
                    task.run = Some(t.saturating_sub(s));
                }
            }
            2 | 3 | 5 | 6 => task.scheduled = None,
            _ => {}
        }
    }

    /// Reads the next event of either table, in time order; false at the
    /// end of both.
    fn step(&mut self) -> Result<bool, TraceError> {
        let (jobs, tasks) = (&mut self.jobs_table, &mut self.tasks_table);
        let next = self.merged.next(
            || {
                jobs.next("job_events/", |t| {
                    let (time, f) = event(t, 8, "job_events", &[0, 2, 3], 2)?;
                    let user = t.split(',').nth(4).filter(|u| !u.is_empty());
                    Ok((time, (f, user.map(str::to_string))))
                })
            },
            || {
                tasks.next("task_events/", |t| {
                    let (time, f) = event(t, 13, "task_events", &[0, 2, 3, 5], 3)?;
                    let cpu = t.split(',').nth(9).and_then(|c| c.parse::<f64>().ok());
                    Ok((time, (f, cpu.filter(|c| c.is_finite() && *c > 0.0))))
                })
            },
        )?;
        match next {
            None => return Ok(false),
            Some((t, Either::First((f, user)))) => {
                self.now = t as u64;
                self.take_job_event(&f, user);
            }
            Some((t, Either::Second((f, cpu)))) => {
                self.now = t as u64;
                self.take_task_event(&f, cpu);
            }
        }
        Ok(true)
    }

    fn replay(&mut self, job: Job) -> Option<TraceJob> {
        let runs: Vec<u64> = job.tasks.values().filter_map(|t| t.run).collect();
        if job.tasks.is_empty() {
            return None;
        }
        let mean = if runs.is_empty() {
            0
        } else {
            runs.iter().sum::<u64>() / runs.len() as u64
        };
        let durations = job
            .tasks
            .values()
            .map(|t| {
                t.run.unwrap_or_else(|| {
                    self.counts.filled_tasks += 1;
                    mean
                })
            })
            .collect();
        Some(TraceJob {
            user: job.user,
            queue: None,
            submit: SimDuration(job.submit.saturating_sub(WINDOW_START)),
            stages: vec![StageDraft {
                durations,
                parents: Vec::new(),
                cores: mean_of(job.tasks.values().filter_map(|t| t.cpu)),
                input: None,
            }],
        })
    }
}

impl TraceReader for Google2011Reader {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError> {
        loop {
            // The oldest job: given once finished, dropped once too long.
            if let Some((id, front)) = self.flight.oldest() {
                if front.finished {
                    let job = self.flight.remove(&id).expect("a job");
                    match self.replay(job) {
                        Some(j) => return Ok(Some(j)),
                        None => continue,
                    }
                }
                if self.now.saturating_sub(front.submit) > self.longest || self.at_end {
                    self.flight.remove(&id);
                    self.counts.too_long += 1;
                    continue;
                }
            } else if self.at_end {
                return Ok(None);
            }
            if !self.step()? {
                self.at_end = true;
            }
        }
    }

    fn notes(&self) -> Vec<String> {
        let c = &self.counts;
        vec![format!(
            "{} jobs submitted before the window, {} ended otherwise than FINISH, {} unfinished after longest_job (or at the end) left out; {} tasks without a finished run given their job's mean",
            c.before_window, c.ended_otherwise, c.too_long, c.filled_tasks
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace folder with these rows.
    fn trace(name: &str, jobs: &str, tasks: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sim-g2011-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for (t, rows) in [("job_events", jobs), ("task_events", tasks)] {
            std::fs::create_dir_all(d.join(t)).unwrap();
            std::fs::write(d.join(t).join("part-00000-of-00001.csv"), rows).unwrap();
        }
        d
    }

    fn read(d: &Path) -> Result<(Vec<TraceJob>, Google2011Counts), TraceError> {
        let mut r = Google2011Reader::open(d, SimDuration::from_secs(3600)).unwrap();
        let mut jobs = Vec::new();
        while let Some(j) = r.next_job()? {
            jobs.push(j);
        }
        Ok((jobs, r.counts))
    }

    const T: &str = ",u,0,0,0.1,0.1,0.001,0";

    #[test]
    fn a_task_runs_for_its_last_run_and_only_finished_jobs_replay() {
        // Job 7 at 610 s: task 0 runs 20 s, is evicted, runs again 30 s;
        // task 1 runs 5 s. Job 8 is killed; job 9 was submitted before
        // the window; job 10 never ends.
        let jobs = "0,,9,0,u,0,a,b\n610000000,,7,0,u,0,a,b\n611000000,,8,0,u,0,a,b\n\
                    612000000,,10,0,u,0,a,b\n650000000,,8,5,u,0,a,b\n700000000,,7,4,u,0,a,b\n";
        let tasks = format!(
            "610000000,,7,0,,0{T}\n610000000,,7,1,,0{T}\n611000000,,7,0,m,1{T}\n\
             611000000,,7,1,m,1{T}\n616000000,,7,1,m,4{T}\n631000000,,7,0,m,2{T}\n\
             640000000,,7,0,m,1{T}\n670000000,,7,0,m,4{T}\n"
        );
        let d = trace("ok", jobs, &tasks);
        let (got, counts) = read(&d).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].submit, SimDuration::from_secs(10));
        assert_eq!(got[0].stages[0].durations, [30_000_000, 5_000_000]);
        assert_eq!(
            counts,
            Google2011Counts {
                before_window: 1,
                ended_otherwise: 1,
                too_long: 1,
                filled_tasks: 0,
            }
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn bad_rows_say_which_part_and_where() {
        let d = trace(
            "bad",
            "610000000,,7,0,u,0,a,b\n600000000,,8,0,u,0,a,b\n",
            "",
        );
        let e = read(&d).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.starts_with("job_events/part-00000-of-00001.csv:"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("before the previous row's"),
            "{}",
            e.message
        );
        let d = trace("bad2", "610000000,,7,9,u,0,a,b\n", "");
        let e = read(&d).unwrap_err();
        assert_eq!((e.line, e.column), (1, 14));
        assert!(e.message.contains("unknown event type 9"), "{}", e.message);
        let d = trace("bad3", "610000000,,7,0,u,0,a,b\n", "610000000,,7,0\n");
        let e = read(&d).unwrap_err();
        assert!(
            e.message.contains("expected 13 comma-separated fields"),
            "{}",
            e.message
        );
        for n in ["bad", "bad2", "bad3"] {
            let _ = std::fs::remove_dir_all(
                std::env::temp_dir().join(format!("sim-g2011-{n}-{}", std::process::id())),
            );
        }
    }
}
