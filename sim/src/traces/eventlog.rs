//! Spark event logs (the JSON-lines files `spark.eventLog.dir` holds and
//! the History Server reads): a user's own application, replayed.
//!
//! Each line is one listener event, `{"Event": "SparkListener…", …}`
//! (Spark 3.0 `util/JsonProtocol.scala` writes them). What is read:
//!
//! - `SparkListenerApplicationStart`: `Timestamp` (epoch ms), the trace's
//!   time zero (else the first job's submission), and `User`, every job's
//!   user;
//! - `SparkListenerEnvironmentUpdate`: `spark.yarn.queue` in `Spark
//!   Properties`, every job's queue;
//! - `SparkListenerJobStart`: `Job ID`, `Submission Time` (epoch ms) and
//!   `Stage Infos`, every stage the job needs with its `Stage ID`,
//!   `Number of Tasks` and `Parent IDs`. A stage listed here but never
//!   submitted was skipped (its shuffle output already existed, Spark 3.0
//!   `DAGScheduler.submitStage` finds no missing partitions): it is left
//!   out of the replay. A stage listed by an earlier job belongs to it;
//! - `SparkListenerStageSubmitted`: which stages ran (any attempt);
//! - `SparkListenerTaskEnd`: for a `Success` end, the task's partition
//!   (`Task Info` `Index`) and its `Executor Run Time` (ms, in `Task
//!   Metrics`): the replayed task's run time, not its wall time, so it
//!   can land on another cluster. The first success of a partition counts
//!   (a speculative copy's later one does not); failed, killed and
//!   `Resubmitted` ends are not replayed (the replay runs every task
//!   once);
//! - `SparkListenerJobEnd`: the job is complete and can be replayed.
//!
//! A stage submitted that no job listed (its job's start was dropped: the
//! listener bus drops events when its queue is full, so real logs lose
//! some) is replayed as a job of its own, from its `Submission Time` to
//! its `SparkListenerStageCompleted` without a `Failure Reason`.
//!
//! A job is given once it has ended, in the order jobs started, so memory
//! holds the jobs in flight in the log. Jobs still running when the log
//! ends (an in-progress log) are left out and counted. A partition with
//! no success recorded runs for its stage's mean run time (counted). A
//! stage of no tasks is left out, its children waiting on its parents.
//! Other events are skipped (those this reader does not know are
//! counted, as the History Server skips events it does not know). Nothing
//! is drawn: `seed` is unused.

use std::collections::{BTreeMap, VecDeque};
use std::io::BufRead;

use serde::Deserialize;

use super::row::{Lines, TraceError, TraceJob, TraceReader};
use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// The fields of any event this reader uses (serde skips the rest).
#[derive(Deserialize)]
struct Event {
    #[serde(rename = "Event")]
    event: String,
    #[serde(rename = "Timestamp")]
    timestamp: Option<u64>,
    #[serde(rename = "Job ID")]
    job_id: Option<u64>,
    #[serde(rename = "Submission Time")]
    submission_time: Option<u64>,
    #[serde(rename = "Stage Infos")]
    stage_infos: Option<Vec<StageInfo>>,
    #[serde(rename = "Stage Info")]
    stage_info: Option<StageInfo>,
    #[serde(rename = "Stage ID")]
    stage_id: Option<u64>,
    #[serde(rename = "Task End Reason")]
    reason: Option<Reason>,
    #[serde(rename = "Task Info")]
    task_info: Option<TaskInfo>,
    #[serde(rename = "Task Metrics")]
    task_metrics: Option<TaskMetrics>,
    #[serde(rename = "User")]
    user: Option<String>,
    #[serde(rename = "Spark Properties")]
    properties: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct StageInfo {
    #[serde(rename = "Stage ID")]
    id: u64,
    #[serde(rename = "Number of Tasks", default)]
    tasks: u32,
    #[serde(rename = "Parent IDs", default)]
    parents: Vec<u64>,
    #[serde(rename = "Submission Time")]
    submitted_ms: Option<u64>,
    #[serde(rename = "Failure Reason")]
    failure: Option<String>,
}

#[derive(Deserialize)]
struct Reason {
    #[serde(rename = "Reason")]
    reason: String,
}

#[derive(Deserialize)]
struct TaskInfo {
    #[serde(rename = "Index")]
    index: u32,
    #[serde(rename = "Launch Time")]
    launch: Option<u64>,
    #[serde(rename = "Finish Time")]
    finish: Option<u64>,
}

#[derive(Deserialize)]
struct TaskMetrics {
    #[serde(rename = "Executor Run Time")]
    run_ms: Option<u64>,
    #[serde(rename = "Executor CPU Time")]
    cpu_ns: Option<u64>,
    #[serde(rename = "Input Metrics")]
    input: Option<InputMetrics>,
}

#[derive(Deserialize)]
struct InputMetrics {
    #[serde(rename = "Bytes Read", default)]
    bytes: u64,
}

/// Listener events this reader knows and has no use for.
const IGNORED: &[&str] = &[
    "SparkListenerLogStart",
    "SparkListenerResourceProfileAdded",
    "SparkListenerBlockManagerAdded",
    "SparkListenerBlockManagerRemoved",
    "SparkListenerApplicationEnd",
    "SparkListenerExecutorAdded",
    "SparkListenerExecutorRemoved",
    "SparkListenerExecutorBlacklisted",
    "SparkListenerExecutorExcluded",
    "SparkListenerExecutorUnblacklisted",
    "SparkListenerExecutorUnexcluded",
    "SparkListenerNodeBlacklisted",
    "SparkListenerNodeExcluded",
    "SparkListenerNodeUnblacklisted",
    "SparkListenerNodeUnexcluded",
    "SparkListenerExecutorMetricsUpdate",
    "SparkListenerStageExecutorMetrics",
    "SparkListenerTaskStart",
    "SparkListenerTaskGettingResult",
    "SparkListenerSpeculativeTaskSubmitted",
    "SparkListenerUnpersistRDD",
    "SparkListenerBlockUpdated",
];

#[derive(Debug, Default)]
struct Stage {
    tasks: u32,
    parents: Vec<u64>,
    /// Listed by this job first (else it belongs to an earlier job).
    owned: bool,
    submitted: bool,
    /// Run time (µs) of each partition's first success.
    runs: BTreeMap<u32, u64>,
    /// Over those successes that report both: CPU time (ns) and run time
    /// (ms).
    cpu_ns: u128,
    cpu_run_ms: u128,
    /// Some success read input (`Input Metrics.Bytes Read` > 0).
    reads_input: bool,
}

#[derive(Debug)]
struct Job {
    id: u64,
    submit_ms: u64,
    stages: BTreeMap<u64, Stage>,
    ended: bool,
    /// A stage whose job's start was dropped, standing as its own job.
    orphan: bool,
}

/// What the reader counted along the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventLogCounts {
    /// Events of kinds this reader does not know, skipped.
    pub unknown_events: u64,
    /// Jobs the log never saw end, left out.
    pub unfinished_jobs: u64,
    /// Stages listed by a job and never submitted, left out.
    pub skipped_stages: u64,
    /// Partitions without a recorded success, given their stage's mean.
    pub filled_tasks: u64,
    /// Stages submitted whose job's start is not in the log (the listener
    /// bus drops events when its queue is full), replayed as jobs of
    /// their own.
    pub orphan_stages: u64,
}

#[derive(Debug)]
pub struct EventLogReader<R> {
    lines: Lines<R>,
    app_start_ms: Option<u64>,
    /// The job that owns each stage listed so far.
    owner: BTreeMap<u64, u64>,
    /// Jobs started and not yet given, in start order.
    jobs: VecDeque<Job>,
    last_submit: SimDuration,
    at_end: bool,
    /// The application's user, and its YARN queue (`spark.yarn.queue`).
    user: Option<String>,
    queue: Option<String>,
    pub counts: EventLogCounts,
}

impl<R: BufRead> EventLogReader<R> {
    pub fn new(input: R) -> EventLogReader<R> {
        EventLogReader {
            lines: Lines::new(input),
            app_start_ms: None,
            owner: BTreeMap::new(),
            jobs: VecDeque::new(),
            last_submit: SimDuration::ZERO,
            at_end: false,
            user: None,
            queue: None,
            counts: EventLogCounts::default(),
        }
    }

    fn err(&self, column: usize, message: impl Into<String>) -> TraceError {
        TraceError {
            line: self.lines.line,
            column,
            message: message.into(),
        }
    }

    fn missing(&self, event: &str, field: &str) -> TraceError {
        self.err(1, format!("{event} without \"{field}\""))
    }

    fn job_mut(&mut self, id: u64) -> Option<&mut Job> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    /// The job in flight that owns stage `sid`.
    fn owning(&mut self, sid: u64) -> Option<&mut Stage> {
        let job = *self.owner.get(&sid)?;
        self.job_mut(job)?.stages.get_mut(&sid)
    }

    fn take(&mut self, e: Event) -> Result<(), TraceError> {
        let name = e.event.as_str();
        match name {
            "SparkListenerApplicationStart" => {
                if let Some(t) = e.timestamp {
                    self.app_start_ms.get_or_insert(t);
                }
                self.user = e.user.or(self.user.take());
            }
            "SparkListenerEnvironmentUpdate" => {
                if let Some(q) = e.properties.and_then(|mut p| p.remove("spark.yarn.queue")) {
                    self.queue = Some(q);
                }
            }
            "SparkListenerJobStart" => {
                let id = e.job_id.ok_or_else(|| self.missing(name, "Job ID"))?;
                let submit_ms = e
                    .submission_time
                    .ok_or_else(|| self.missing(name, "Submission Time"))?;
                let infos = e
                    .stage_infos
                    .ok_or_else(|| self.missing(name, "Stage Infos"))?;
                let mut stages = BTreeMap::new();
                for s in infos {
                    let owned = !self.owner.contains_key(&s.id);
                    if owned {
                        self.owner.insert(s.id, id);
                    }
                    stages.insert(
                        s.id,
                        Stage {
                            tasks: s.tasks,
                            parents: s.parents,
                            owned,
                            ..Stage::default()
                        },
                    );
                }
                self.jobs.push_back(Job {
                    id,
                    submit_ms,
                    stages,
                    ended: false,
                    orphan: false,
                });
            }
            "SparkListenerStageSubmitted" => {
                let info = e
                    .stage_info
                    .ok_or_else(|| self.missing(name, "Stage Info"))?;
                if let Some(st) = self.owning(info.id) {
                    st.submitted = true;
                    st.tasks = st.tasks.max(info.tasks);
                } else if !self.owner.contains_key(&info.id) {
                    // No job listed it: its job's start was dropped. It
                    // runs as a job of its own, from its submission to its
                    // completion.
                    self.counts.orphan_stages += 1;
                    let id = u64::MAX - self.counts.orphan_stages;
                    self.owner.insert(info.id, id);
                    let mut stages = BTreeMap::new();
                    stages.insert(
                        info.id,
                        Stage {
                            tasks: info.tasks,
                            owned: true,
                            submitted: true,
                            ..Stage::default()
                        },
                    );
                    let submit_ms = info
                        .submitted_ms
                        .or(self.jobs.back().map(|j| j.submit_ms))
                        .unwrap_or(0);
                    self.jobs.push_back(Job {
                        id,
                        submit_ms,
                        stages,
                        ended: false,
                        orphan: true,
                    });
                }
            }
            "SparkListenerStageCompleted" => {
                let info = e
                    .stage_info
                    .ok_or_else(|| self.missing(name, "Stage Info"))?;
                if info.failure.is_none()
                    && let Some(&j) = self.owner.get(&info.id)
                    && let Some(job) = self.job_mut(j)
                    && job.orphan
                {
                    job.ended = true;
                }
            }
            "SparkListenerTaskEnd" => {
                let sid = e.stage_id.ok_or_else(|| self.missing(name, "Stage ID"))?;
                let info = e.task_info.ok_or_else(|| self.missing(name, "Task Info"))?;
                let success = e.reason.is_some_and(|r| r.reason == "Success");
                if !success {
                    return Ok(());
                }
                let cpu_ns = e.task_metrics.as_ref().and_then(|m| m.cpu_ns);
                let read = e
                    .task_metrics
                    .as_ref()
                    .and_then(|m| m.input.as_ref())
                    .is_some_and(|i| i.bytes > 0);
                let run_ms = e
                    .task_metrics
                    .and_then(|m| m.run_ms)
                    .or_else(|| Some(info.finish?.saturating_sub(info.launch?)));
                if let (Some(ms), Some(st)) = (run_ms, self.owning(sid))
                    && !st.runs.contains_key(&info.index)
                {
                    st.runs.insert(info.index, ms * 1000);
                    st.reads_input |= read;
                    if let Some(ns) = cpu_ns {
                        st.cpu_ns += u128::from(ns);
                        st.cpu_run_ms += u128::from(ms);
                    }
                }
            }
            "SparkListenerJobEnd" => {
                let id = e.job_id.ok_or_else(|| self.missing(name, "Job ID"))?;
                if let Some(j) = self.job_mut(id) {
                    j.ended = true;
                }
            }
            _ if IGNORED.contains(&name)
                || name.starts_with("org.apache.spark.sql.")
                || name.starts_with("org.apache.spark.scheduler.") => {}
            _ => self.counts.unknown_events += 1,
        }
        Ok(())
    }

    /// A finished job as a trace job (`None` when nothing of it ran).
    fn replay(&mut self, job: Job) -> Option<TraceJob> {
        for st in job.stages.values() {
            if st.owned && !st.submitted {
                self.counts.skipped_stages += 1;
            }
        }
        // Stages that ran, by id; a stage of no tasks passes its parents
        // on to its children.
        let mut parents_of: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        let mut kept: Vec<u64> = Vec::new();
        for (&sid, st) in &job.stages {
            let mut ps: Vec<u64> = Vec::new();
            for p in &st.parents {
                match parents_of.get(p) {
                    Some(_) if kept.contains(p) => ps.push(*p),
                    // A left-out parent: its own parents stand in for it.
                    Some(inherited) => ps.extend(inherited.iter().copied()),
                    None => {}
                }
            }
            ps.sort_unstable();
            ps.dedup();
            parents_of.insert(sid, ps);
            if st.owned && st.submitted && st.tasks > 0 {
                kept.push(sid);
            }
        }
        if kept.is_empty() {
            return None;
        }
        let local = |sid: u64| kept.iter().position(|&k| k == sid).expect("a kept stage") as u32;
        let mut stages = Vec::with_capacity(kept.len());
        for &sid in &kept {
            let st = &job.stages[&sid];
            let known: Vec<u64> = st.runs.values().copied().collect();
            let mean = if known.is_empty() {
                0
            } else {
                known.iter().sum::<u64>() / known.len() as u64
            };
            let durations: Vec<u64> = (0..st.tasks)
                .map(|i| match st.runs.get(&i) {
                    Some(&d) => d,
                    None => {
                        self.counts.filled_tasks += 1;
                        mean
                    }
                })
                .collect();
            // The CPUs a task kept busy: its CPU time over its run time.
            let cores = (st.cpu_run_ms > 0 && st.cpu_ns > 0)
                .then(|| st.cpu_ns as f64 / 1e6 / st.cpu_run_ms as f64);
            stages.push(StageDraft {
                durations,
                parents: parents_of[&sid].iter().map(|&p| local(p)).collect(),
                cores,
                input: Some(st.reads_input),
            });
        }
        let zero = self.app_start_ms.unwrap_or(job.submit_ms);
        let submit = SimDuration(job.submit_ms.saturating_sub(zero) * 1000).max(self.last_submit);
        self.last_submit = submit;
        Some(TraceJob {
            submit,
            stages,
            user: self.user.clone(),
            queue: self.queue.clone(),
        })
    }
}

impl<R: BufRead> TraceReader for EventLogReader<R> {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError> {
        loop {
            // The oldest job, once it has ended.
            if self.jobs.front().is_some_and(|j| j.ended) {
                let job = self.jobs.pop_front().expect("a job");
                for sid in job.stages.keys() {
                    if self.owner.get(sid) == Some(&job.id) {
                        self.owner.remove(sid);
                    }
                }
                match self.replay(job) {
                    Some(j) => return Ok(Some(j)),
                    None => continue,
                }
            }
            if self.at_end {
                self.counts.unfinished_jobs += self.jobs.len() as u64;
                self.jobs.clear();
                return Ok(None);
            }
            let Some(text) = self.lines.next_line()? else {
                self.at_end = true;
                continue;
            };
            let e: Event = serde_json::from_str(text).map_err(|e| {
                self.err(
                    e.column().max(1),
                    format!("not a Spark listener event: {e}"),
                )
            })?;
            self.take(e)?;
        }
    }

    fn notes(&self) -> Vec<String> {
        let c = &self.counts;
        vec![format!(
            "{} events of unknown kinds skipped; {} jobs unfinished in the log left out; {} stages skipped by Spark left out; {} tasks without a recorded success given their stage's mean run time; {} stages without their job's start in the log replayed as jobs of their own",
            c.unknown_events, c.unfinished_jobs, c.skipped_stages, c.filled_tasks, c.orphan_stages
        )]
    }
}

/// The app's Spark properties as its log's first
/// `SparkListenerEnvironmentUpdate` gives them (`Spark Properties`), in
/// key order; none when the log has no such event.
pub fn spark_properties(input: impl BufRead) -> Result<Vec<(String, String)>, String> {
    #[derive(Deserialize)]
    struct Env {
        #[serde(rename = "Event")]
        event: String,
        #[serde(rename = "Spark Properties")]
        properties: Option<BTreeMap<String, String>>,
    }
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read: {e}"))?;
        // Cheap test first: most lines are other events.
        if !line.contains("SparkListenerEnvironmentUpdate") {
            continue;
        }
        let env: Env = serde_json::from_str(&line)
            .map_err(|e| format!("line {}: not a Spark listener event: {e}", i + 1))?;
        if env.event == "SparkListenerEnvironmentUpdate" {
            return Ok(env.properties.unwrap_or_default().into_iter().collect());
        }
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<TraceJob>, EventLogCounts) {
        let mut r = EventLogReader::new(text.as_bytes());
        let mut jobs = Vec::new();
        while let Some(j) = r.next_job().unwrap() {
            jobs.push(j);
        }
        (jobs, r.counts)
    }

    fn task_end(stage: u64, index: u32, reason: &str, run_ms: u64) -> String {
        format!(
            r#"{{"Event":"SparkListenerTaskEnd","Stage ID":{stage},"Stage Attempt ID":0,"Task End Reason":{{"Reason":"{reason}"}},"Task Info":{{"Task ID":9,"Index":{index},"Launch Time":1,"Finish Time":2}},"Task Metrics":{{"Executor Run Time":{run_ms}}}}}"#
        )
    }

    #[test]
    fn jobs_come_in_start_order_with_their_run_stages_and_successful_tasks() {
        let lines = [
            r#"{"Event":"SparkListenerApplicationStart","Timestamp":1000}"#.to_string(),
            // Job 0: stages 0 → 1; job 1 lists stage 1 again (skipped there)
            // and its own stage 2.
            r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":3000,"Stage Infos":[{"Stage ID":0,"Number of Tasks":2,"Parent IDs":[]},{"Stage ID":1,"Number of Tasks":1,"Parent IDs":[0]}]}"#.to_string(),
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Number of Tasks":2,"Parent IDs":[]}}"#.to_string(),
            task_end(0, 0, "Success", 40),
            task_end(0, 1, "ExceptionFailure", 7),
            task_end(0, 1, "Success", 60),
            task_end(0, 1, "Success", 99),
            r#"{"Event":"SparkListenerJobStart","Job ID":1,"Submission Time":4000,"Stage Infos":[{"Stage ID":1,"Number of Tasks":1,"Parent IDs":[0]},{"Stage ID":2,"Number of Tasks":3,"Parent IDs":[1]}]}"#.to_string(),
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Number of Tasks":1,"Parent IDs":[0]}}"#.to_string(),
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":2,"Number of Tasks":3,"Parent IDs":[1]}}"#.to_string(),
            task_end(2, 0, "Success", 5),
            task_end(2, 2, "Success", 7),
            // Job 1 ends first; it waits for job 0.
            r#"{"Event":"SparkListenerJobEnd","Job ID":1,"Job Result":{"Result":"JobSucceeded"}}"#.to_string(),
            task_end(1, 0, "Success", 10),
            r#"{"Event":"SparkListenerJobEnd","Job ID":0,"Job Result":{"Result":"JobSucceeded"}}"#.to_string(),
            r#"{"Event":"SparkListenerSomethingNew","x":1}"#.to_string(),
            // Job 2 never ends.
            r#"{"Event":"SparkListenerJobStart","Job ID":2,"Submission Time":9000,"Stage Infos":[]}"#.to_string(),
        ];
        let (jobs, counts) = read(&lines.join("\n"));
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].submit, SimDuration::from_secs(2));
        assert_eq!(jobs[0].stages[0].durations, [40_000, 60_000]);
        assert_eq!(jobs[0].stages[1].durations, [10_000]);
        assert_eq!(jobs[0].stages[1].parents, [0]);
        // Job 1: stage 1 belongs to job 0, so only stage 2, with no parent
        // left; its partition 1 never succeeded: the mean of 5 and 7 ms.
        assert_eq!(jobs[1].submit, SimDuration::from_secs(3));
        assert_eq!(jobs[1].stages.len(), 1);
        assert_eq!(jobs[1].stages[0].durations, [5_000, 6_000, 7_000]);
        assert!(jobs[1].stages[0].parents.is_empty());
        assert_eq!(
            counts,
            EventLogCounts {
                unknown_events: 1,
                unfinished_jobs: 1,
                skipped_stages: 0,
                filled_tasks: 1,
                orphan_stages: 0,
            }
        );
    }

    #[test]
    fn a_skipped_stage_is_left_out_and_a_bad_line_says_where() {
        let lines = [
            r#"{"Event":"SparkListenerJobStart","Job ID":0,"Submission Time":3000,"Stage Infos":[{"Stage ID":4,"Number of Tasks":2,"Parent IDs":[]},{"Stage ID":5,"Number of Tasks":1,"Parent IDs":[4]}]}"#.to_string(),
            r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":5,"Number of Tasks":1,"Parent IDs":[4]}}"#.to_string(),
            task_end(5, 0, "Success", 8),
            r#"{"Event":"SparkListenerJobEnd","Job ID":0}"#.to_string(),
        ];
        let (jobs, counts) = read(&lines.join("\n"));
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].submit, SimDuration::ZERO);
        assert_eq!(jobs[0].stages.len(), 1);
        assert_eq!(counts.skipped_stages, 1);
        let mut r =
            EventLogReader::new("{\"Event\":\"SparkListenerJobEnd\"}\n{\"Event\": 3}\n".as_bytes());
        let e = r.next_job().unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("without \"Job ID\""), "{}", e.message);
        let mut r =
            EventLogReader::new("\n{\"Event\": \"SparkListenerJobEnd\", \"Job ID\": 1".as_bytes());
        let e = r.next_job().unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("not a Spark listener event"),
            "{}",
            e.message
        );
    }
}
