//! SWIM's Facebook workload samples (`FB-2009_samples_24_times_1hr_*.tsv`,
//! `FB-2010_…`; github.com/SWIMProjectUCB/SWIM, `workloadSuite/`).
//!
//! The format (SWIM wiki, "Workloads repository"): one job per line, tab
//! separated, no header: job id, submit time (s from the workload's
//! start), gap since the previous submit (s), map input bytes, shuffle
//! bytes, reduce output bytes; a seventh column (an input path) appears in
//! the `_withInputPaths_` variant and is ignored. The samples hold bytes
//! only: no task counts, run times or resources. This reader sizes each
//! job the way SWIM's own replay generator (`GenerateReplayScript`) does,
//! with the constants as scenario parameters ([`SwimOptions`]):
//!
//! - a map stage of `ceil(input / bytes_per_map)` tasks (at least one),
//!   each reading `bytes_per_map` (the last the remainder), like HDFS
//!   splits;
//! - when the job shuffles (shuffle bytes > 0), a reduce stage after it of
//!   `round((shuffle + output) / bytes_per_reduce)` tasks (at least one),
//!   sharing the shuffle and output bytes evenly; a job that does not
//!   shuffle is map-only, its maps writing the output;
//! - a task runs `task_overhead` plus its bytes at `map_rate` or
//!   `reduce_rate` (bytes per second per task);
//! - every byte count is first multiplied by `data_scale` (SWIM scales a
//!   sample to the replay cluster by the ratio of cluster sizes).
//!
//! Nothing is drawn at random: `seed` is unused by this format.

use std::io::BufRead;

use super::row::{Lines, TraceError, TraceJob, TraceReader, seconds, whole};
use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// The mapping from a SWIM row's bytes to stages, tasks and run times.
#[derive(Clone, Debug, PartialEq)]
pub struct SwimOptions {
    pub bytes_per_map: u64,
    pub bytes_per_reduce: u64,
    /// Bytes per second one task reads or writes.
    pub map_rate: u64,
    pub reduce_rate: u64,
    pub task_overhead: SimDuration,
    pub data_scale: f64,
}

impl Default for SwimOptions {
    fn default() -> SwimOptions {
        SwimOptions {
            // An HDFS block (and Spark's spark.files.maxPartitionBytes).
            bytes_per_map: 128 << 20,
            bytes_per_reduce: 1 << 30,
            map_rate: 64 << 20,
            reduce_rate: 32 << 20,
            task_overhead: SimDuration::from_secs(1),
            data_scale: 1.0,
        }
    }
}

/// Tasks beyond this in one stage are refused (the simulator's limit).
const MOST_TASKS: u64 = 10_000_000;

#[derive(Debug)]
pub struct SwimReader<R> {
    lines: Lines<R>,
    opts: SwimOptions,
    last_submit: Option<SimDuration>,
}

impl<R: BufRead> SwimReader<R> {
    pub fn new(input: R, opts: SwimOptions) -> SwimReader<R> {
        SwimReader {
            lines: Lines::new(input),
            opts,
            last_submit: None,
        }
    }

    fn err(&self, column: usize, message: impl Into<String>) -> TraceError {
        TraceError {
            line: self.lines.line,
            column,
            message: message.into(),
        }
    }

    /// One row's job.
    fn job(&self, row: &str) -> Result<TraceJob, TraceError> {
        let fields: Vec<&str> = row.split('\t').collect();
        if fields.len() != 6 && fields.len() != 7 {
            return Err(self.err(
                1,
                format!(
                    "expected 6 tab-separated fields (job id, submit s, gap s, input bytes, shuffle bytes, output bytes), found {}",
                    fields.len()
                ),
            ));
        }
        // Column (1-based, in characters) where field `i` starts.
        let col = |i: usize| {
            1 + fields[..i]
                .iter()
                .map(|f| f.chars().count() + 1)
                .sum::<usize>()
        };
        if fields[0].trim().is_empty() {
            return Err(self.err(1, "empty job id"));
        }
        let submit = seconds(fields[1]).map_err(|m| self.err(col(1), m))?;
        seconds(fields[2]).map_err(|m| self.err(col(2), m))?;
        let mut bytes = [0u64; 3];
        for (k, b) in bytes.iter_mut().enumerate() {
            let raw = whole(fields[3 + k]).map_err(|m| self.err(col(3 + k), m))?;
            *b = (raw as f64 * self.opts.data_scale).round() as u64;
        }
        if let Some(last) = self.last_submit
            && submit < last
        {
            return Err(self.err(
                col(1),
                format!(
                    "submit time {} s is before the previous job's {} s: rows must be in submit order",
                    submit.as_micros() as f64 / 1e6,
                    last.as_micros() as f64 / 1e6
                ),
            ));
        }
        let [input, shuffle, output] = bytes;
        let o = &self.opts;
        let run = |bytes: u64, rate: u64| {
            o.task_overhead.as_micros() + (bytes as u128 * 1_000_000 / u128::from(rate)) as u64
        };
        let maps = input.div_ceil(o.bytes_per_map).max(1);
        let reduces = if shuffle > 0 {
            (((shuffle + output) as f64 / o.bytes_per_reduce as f64).round() as u64).max(1)
        } else {
            0
        };
        if maps.max(reduces) > MOST_TASKS {
            return Err(self.err(
                col(3),
                format!(
                    "{} tasks in one stage, more than the simulator's {MOST_TASKS}: raise bytes_per_map or bytes_per_reduce, or lower data_scale",
                    maps.max(reduces)
                ),
            ));
        }
        // Map-only jobs write their output from the maps.
        let written = if reduces == 0 { output } else { 0 };
        let map_durations = (0..maps)
            .map(|i| {
                let read = if i + 1 < maps {
                    o.bytes_per_map
                } else {
                    input - o.bytes_per_map * (maps - 1)
                };
                let share = written / maps + u64::from(i < written % maps);
                run(read + share, o.map_rate)
            })
            .collect();
        let mut stages = vec![StageDraft {
            durations: map_durations,
            input: Some(input > 0),
            ..StageDraft::default()
        }];
        if reduces > 0 {
            let total = shuffle + output;
            stages.push(StageDraft {
                durations: (0..reduces)
                    .map(|i| {
                        let share = total / reduces + u64::from(i < total % reduces);
                        run(share, o.reduce_rate)
                    })
                    .collect(),
                parents: vec![0],
                cores: None,
                input: Some(false),
            });
        }
        Ok(TraceJob {
            submit,
            stages,
            ..TraceJob::default()
        })
    }
}

impl<R: BufRead> TraceReader for SwimReader<R> {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError> {
        let Some(row) = self.lines.next_line()? else {
            return Ok(None);
        };
        let row = row.to_string();
        let job = self.job(&row)?;
        self.last_submit = Some(job.submit);
        Ok(Some(job))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, opts: SwimOptions) -> Result<Vec<TraceJob>, TraceError> {
        let mut r = SwimReader::new(text.as_bytes(), opts);
        let mut jobs = Vec::new();
        while let Some(j) = r.next_job()? {
            jobs.push(j);
        }
        Ok(jobs)
    }

    #[test]
    fn rows_become_map_and_reduce_stages_sized_from_their_bytes() {
        let mib = 1u64 << 20;
        let opts = SwimOptions {
            bytes_per_map: 100 * mib,
            bytes_per_reduce: 50 * mib,
            map_rate: 10 * mib,
            reduce_rate: 5 * mib,
            task_overhead: SimDuration::from_secs(1),
            data_scale: 1.0,
        };
        // 250 MiB in, 40 MiB shuffled, 35 MiB out: maps of 100, 100 and 50
        // MiB; round(75 / 50) = 2 reduces of 37.5 MiB.
        let row = format!("job0\t49\t49\t{}\t{}\t{}\n", 250 * mib, 40 * mib, 35 * mib);
        // Map-only: 10 MiB in, 0 shuffled, 20 MiB out: one map writing it.
        let map_only = format!("job1\t60.5\t11.5\t{}\t0\t{}\n", 10 * mib, 20 * mib);
        let jobs = read(&format!("{row}\n{map_only}"), opts).unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].submit, SimDuration::from_secs(49));
        assert_eq!(
            jobs[0].stages[0].durations,
            [11_000_000, 11_000_000, 6_000_000]
        );
        assert_eq!(jobs[0].stages[1].durations, [8_500_000, 8_500_000]);
        assert_eq!(jobs[0].stages[1].parents, [0]);
        assert_eq!(jobs[1].submit, SimDuration(60_500_000));
        assert_eq!(jobs[1].stages.len(), 1);
        assert_eq!(jobs[1].stages[0].durations, [4_000_000]);
    }

    #[test]
    fn bad_rows_say_where() {
        let opts = SwimOptions::default;
        let e = read("job0\t1\t1\t5\t0\n", opts()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("found 5"), "{}", e.message);
        let e = read("job0\t1\t1\t5\t0\t0\njob1\t2\t1\t-5\t0\t0\n", opts()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("\"-5\""), "{}", e.message);
        let e = read("job0\t9\t1\t5\t0\t0\njob1\t2\t1\t5\t0\t0\n", opts()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 6));
        assert!(
            e.message.contains("before the previous job's 9 s"),
            "{}",
            e.message
        );
        let e = read("job0\tsoon\t1\t5\t0\t0\n", opts()).unwrap_err();
        assert_eq!((e.line, e.column), (1, 6));
    }
}
