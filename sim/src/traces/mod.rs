//! Trace replay: an app's jobs read from a public trace or a user's own
//! logs instead of drawn from distributions.
//!
//! Each format has its reader (one file each: [`swim`]) that turns the
//! trace's rows into jobs ([`TraceJob`]: a submit time on the trace's own
//! clock and a DAG of stages with task run times), one job at a time, so a
//! long trace streams with the memory of the job being read. What every
//! format shares is here ([`TraceOptions`], docs/traces.md):
//!
//! - a time window (`start`, `stop`, on the trace's clock): jobs submitted
//!   before `start` or at or after `stop` are left out;
//! - `speedup`: the gaps between arrivals are divided by it (2 replays the
//!   window in half the time);
//! - `duration_scale`: every task's run time is multiplied by it;
//! - a filter on job size (`min_tasks`, `max_tasks`: all of a job's
//!   tasks), and on who sent it (`users`, `queues`, for the formats that
//!   name them);
//! - `seed`, for what a format leaves out and must draw (a format that
//!   draws nothing says so);
//! - `cpus_per_unit`: the trace's CPU measure in the scenario's CPUs, for
//!   the formats that have one (a task then keeps that many CPUs busy).
//!
//! A job submitted `t` after `start` on the trace's clock arrives at the
//! app's `start` plus `t / speedup`.
//!
//! The scenario checks a trace when it is loaded ([`scan`]: every row is
//! read once, so a bad row is an error with its file, line and column
//! before anything runs), and the run reads it again as it goes
//! ([`TraceSource`]).

pub mod alibaba;
pub mod codec;
pub mod eventlog;
pub mod google2011;
pub mod google2019;
pub mod row;
pub mod swim;
pub mod tables;

pub use row::{TraceError, TraceJob, TraceReader};

use std::path::PathBuf;

use crate::jobs::draft::{JobDraft, JobSource, StageDraft};
use crate::time::{SimDuration, SimTime};

/// The trace formats the simulator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// SWIM's Facebook 2009/2010 samples ([`swim`]).
    Swim,
    /// A Spark application's event log ([`eventlog`]).
    SparkEventLog,
    /// Alibaba cluster-trace-v2018's `batch_task.csv` ([`alibaba`]).
    Alibaba2018,
    /// Google's 2011 cluster trace, `job_events` and `task_events`
    /// ([`google2011`]).
    Google2011,
    /// Google's 2019 cluster trace, `collection_events` and
    /// `instance_events` as JSON lines ([`google2019`]).
    Google2019,
}

impl TraceFormat {
    pub const ALL: &'static [TraceFormat] = &[
        TraceFormat::Swim,
        TraceFormat::SparkEventLog,
        TraceFormat::Alibaba2018,
        TraceFormat::Google2011,
        TraceFormat::Google2019,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "swim",
        "spark-eventlog",
        "alibaba-2018",
        "google-2011",
        "google-2019",
    ];

    pub fn parse(name: &str) -> Option<TraceFormat> {
        match name {
            "swim" => Some(TraceFormat::Swim),
            "spark-eventlog" => Some(TraceFormat::SparkEventLog),
            "alibaba-2018" => Some(TraceFormat::Alibaba2018),
            "google-2011" => Some(TraceFormat::Google2011),
            "google-2019" => Some(TraceFormat::Google2019),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TraceFormat::Swim => "swim",
            TraceFormat::SparkEventLog => "spark-eventlog",
            TraceFormat::Alibaba2018 => "alibaba-2018",
            TraceFormat::Google2011 => "google-2011",
            TraceFormat::Google2019 => "google-2019",
        }
    }
}

/// `[apps.jobs] trace = { ... }`: which trace, and how it is replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceOptions {
    pub format: TraceFormat,
    /// The path as written in the scenario, and the file it names
    /// (relative paths resolve against the scenario's folder).
    pub path: String,
    pub file: PathBuf,
    pub start: SimDuration,
    pub stop: Option<SimDuration>,
    pub speedup: f64,
    pub duration_scale: f64,
    pub min_tasks: u32,
    pub max_tasks: Option<u32>,
    pub seed: u64,
    /// An event log's Spark properties are the app's first source of
    /// configuration (`conf = "from-log"`).
    pub conf_from_log: bool,
    /// The SWIM mapping from bytes to tasks and run times.
    pub swim: swim::SwimOptions,
    /// Google 2011 and 2019: a job still running this long after its
    /// submission is left out.
    pub longest_job: SimDuration,
    /// Google 2019: only these priority tiers (all when empty).
    pub tiers: Vec<String>,
    /// One unit of the trace's CPU measure in the scenario's CPUs: each
    /// stage's tasks then keep that many CPUs busy (their mean request, or
    /// an event log's CPU time over run time), instead of the app's
    /// `cpu_fraction`. `None`: the trace's CPU measure is not used.
    pub cpus_per_unit: Option<f64>,
    /// Only jobs of these users, or sent to these queues (all when empty;
    /// for the formats that name them).
    pub users: Vec<String>,
    pub queues: Vec<String>,
}

impl TraceOptions {
    /// The options of every format at their defaults, for `file`.
    pub fn new(format: TraceFormat, path: &str, file: PathBuf) -> TraceOptions {
        TraceOptions {
            format,
            path: path.to_string(),
            file,
            start: SimDuration::ZERO,
            stop: None,
            speedup: 1.0,
            duration_scale: 1.0,
            min_tasks: 0,
            max_tasks: None,
            seed: 0,
            conf_from_log: false,
            swim: swim::SwimOptions::default(),
            longest_job: SimDuration::from_secs(6 * 3600),
            tiers: Vec::new(),
            users: Vec::new(),
            queues: Vec::new(),
            cpus_per_unit: None,
        }
    }
}

/// Opens the trace with its format's reader.
pub fn open(opts: &TraceOptions) -> Result<Box<dyn TraceReader>, String> {
    Ok(match opts.format {
        TraceFormat::Swim => Box::new(swim::SwimReader::new(
            codec::open_file(&opts.file)?,
            opts.swim.clone(),
        )),
        TraceFormat::Alibaba2018 => {
            Box::new(alibaba::AlibabaReader::new(codec::open_file(&opts.file)?))
        }
        TraceFormat::Google2011 => Box::new(google2011::Google2011Reader::open(
            &opts.file,
            opts.longest_job,
        )?),
        TraceFormat::Google2019 => Box::new(google2019::Google2019Reader::open(
            &opts.file,
            opts.longest_job,
            &opts.tiers,
        )?),
        TraceFormat::SparkEventLog => {
            let mut parts = codec::parts(&opts.file)?.into_iter();
            let first = parts.next().expect("an event log has a file");
            let mut input = codec::open_file(&first)?;
            for part in parts {
                let next = codec::open_file(&part)?;
                input = Box::new(std::io::BufReader::new(std::io::Read::chain(input, next)));
            }
            Box::new(eventlog::EventLogReader::new(input))
        }
    })
}

/// An event log's Spark properties ([`eventlog::spark_properties`]), read
/// through its codec and rolling layout.
pub fn log_properties(file: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let mut parts = codec::parts(file)?.into_iter();
    let first = parts.next().expect("an event log has a file");
    eventlog::spark_properties(codec::open_file(&first)?)
        .map_err(|e| format!("{}: {e}", first.display()))
}

/// `FILE:LINE:COLUMN: message`.
fn located(opts: &TraceOptions, e: &TraceError) -> String {
    format!(
        "{}:{}:{}: {}",
        opts.file.display(),
        e.line,
        e.column,
        e.message
    )
}

/// Whether a job is kept by the window and the size filter; `Err` when it
/// is past the window (nothing after it is).
fn keep(opts: &TraceOptions, job: &TraceJob) -> Result<bool, ()> {
    if opts.stop.is_some_and(|stop| job.submit >= stop) {
        return Err(());
    }
    let tasks = job.tasks();
    let listed = |list: &[String], v: &Option<String>| {
        list.is_empty() || v.as_ref().is_some_and(|v| list.contains(v))
    };
    Ok(job.submit >= opts.start
        && tasks >= u64::from(opts.min_tasks)
        && opts.max_tasks.is_none_or(|m| tasks <= u64::from(m))
        && listed(&opts.users, &job.user)
        && listed(&opts.queues, &job.queue))
}

/// Task run times scaled by `duration_scale`, rounded to whole µs; the
/// trace's CPU measure in the scenario's CPUs (`cpus_per_unit`), or
/// nothing.
fn scaled(opts: &TraceOptions, mut stages: Vec<StageDraft>) -> Vec<StageDraft> {
    for s in &mut stages {
        if opts.duration_scale != 1.0 {
            for d in &mut s.durations {
                *d = (*d as f64 * opts.duration_scale).round() as u64;
            }
        }
        s.cores = opts.cpus_per_unit.and_then(|k| s.cores.map(|c| c * k));
    }
    stages
}

/// What a trace holds in the window and through the filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceSummary {
    /// Rows read, and the jobs kept.
    pub rows: u64,
    pub jobs: u64,
    pub stages: u64,
    pub tasks: u64,
    pub most_tasks_per_job: u64,
    pub most_tasks_per_stage: u64,
    /// Submit times (trace clock) of the first and last job kept.
    pub first: Option<SimDuration>,
    pub last: Option<SimDuration>,
    /// Σ task run times (after `duration_scale`), µs.
    pub work_us: u128,
    /// Jobs kept per hour of the trace's clock, from the first hour.
    pub per_hour: Vec<u64>,
    /// The reader's notes on what it left out or filled in.
    pub notes: Vec<String>,
}

impl TraceSummary {
    /// From the first to the last job kept, on the simulator's clock
    /// (`speedup` applied).
    pub fn span(&self, opts: &TraceOptions) -> SimDuration {
        match (self.first, self.last) {
            (Some(a), Some(b)) => SimDuration(((b.0 - a.0) as f64 / opts.speedup).round() as u64),
            _ => SimDuration::ZERO,
        }
    }
}

/// Reads the whole trace once, checking every row: what it holds in the
/// window, or the first bad row as `FILE:LINE:COLUMN: why`.
pub fn scan(opts: &TraceOptions) -> Result<TraceSummary, String> {
    let mut r = open(opts)?;
    let mut s = TraceSummary::default();
    loop {
        let job = match r.next_job() {
            Ok(Some(j)) => j,
            Ok(None) => break,
            Err(e) => return Err(located(opts, &e)),
        };
        s.rows += 1;
        match keep(opts, &job) {
            // Past the window: the rest is still read, to check it.
            Err(()) => continue,
            Ok(false) => continue,
            Ok(true) => {}
        }
        let tasks = job.tasks();
        s.jobs += 1;
        s.stages += job.stages.len() as u64;
        s.tasks += tasks;
        s.most_tasks_per_job = s.most_tasks_per_job.max(tasks);
        for st in scaled(opts, job.stages) {
            s.most_tasks_per_stage = s.most_tasks_per_stage.max(st.durations.len() as u64);
            s.work_us += st.durations.iter().map(|&d| u128::from(d)).sum::<u128>();
        }
        let first = *s.first.get_or_insert(job.submit);
        s.last = Some(job.submit);
        let hour = ((job.submit.0 - first.0) / 3_600_000_000) as usize;
        if s.per_hour.len() <= hour {
            s.per_hour.resize(hour + 1, 0);
        }
        s.per_hour[hour] += 1;
    }
    s.notes = r.notes();
    Ok(s)
}

/// The job source of a trace: the jobs in the window and through the
/// filter, on the simulator's clock from the app's start.
pub struct TraceSource {
    reader: Option<Box<dyn TraceReader>>,
    opts: TraceOptions,
    start: SimTime,
    next: Option<TraceJob>,
    error: Option<String>,
}

impl std::fmt::Debug for TraceSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceSource")
            .field("path", &self.opts.path)
            .field("next", &self.next.as_ref().map(|j| j.submit))
            .finish()
    }
}

impl TraceSource {
    /// The trace of `opts` for an app that starts at `start`. A trace that
    /// cannot be opened now (it was checked when the scenario was loaded)
    /// gives no jobs and says why in [`JobSource::error`].
    pub fn new(opts: &TraceOptions, start: SimTime) -> TraceSource {
        let (reader, error) = match open(opts) {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        TraceSource {
            reader,
            opts: opts.clone(),
            start,
            next: None,
            error,
        }
    }
}

impl JobSource for TraceSource {
    fn next_submit(&mut self) -> Option<SimTime> {
        let reader = self.reader.as_mut()?;
        loop {
            match reader.next_job() {
                Ok(Some(job)) => match keep(&self.opts, &job) {
                    Ok(true) => {
                        let offset = (job.submit.0 - self.opts.start.0) as f64 / self.opts.speedup;
                        let at = self.start + SimDuration(offset.round() as u64);
                        self.next = Some(job);
                        return Some(at);
                    }
                    Ok(false) => continue,
                    Err(()) => break,
                },
                Ok(None) => break,
                Err(e) => {
                    self.error = Some(located(&self.opts, &e));
                    break;
                }
            }
        }
        self.reader = None;
        None
    }

    fn take(&mut self) -> JobDraft {
        let job = self.next.take().unwrap_or_default();
        JobDraft {
            stages: scaled(&self.opts, job.stages),
        }
    }

    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}
