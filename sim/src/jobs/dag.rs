//! The driver's `DAGScheduler` bookkeeping for one app (or framework): the
//! jobs its [`JobSource`] yields, their stages' dependencies, and which
//! stages are submitted.
//!
//! The rules (Spark 3.0 `scheduler/DAGScheduler.scala`):
//! - a job's stages whose parents are all done are submitted at once
//!   (`submitStage` submits a stage whose `getMissingParentStages` is
//!   empty and parks the rest as waiting); a stage finishing submits every
//!   waiting child whose last missing parent it was
//!   (`submitWaitingChildStages`, after `markStageAsFinished`);
//! - submitted stages of one app run concurrently, and the task scheduler
//!   sees them in FIFO order: by job, then by stage id
//!   (`FIFOSchedulingAlgorithm` compares the task sets' `priority`, the
//!   job id, then their `stageId`). [`JobStream`] numbers every stage with
//!   a key (a job's stages take consecutive keys in stage-id order, jobs in
//!   submission order), so key order is that order;
//! - a job is done when its last stage is done.
//!
//! A chain of stages (the synthetic default) is the special case in which
//! each stage has the one before it as its parent: one stage at a time,
//! with a barrier between them.

use policies::model::AgentId;

use crate::idmap::IdMap;
use crate::jobs::draft::{JobDraft, JobSource};
use crate::metrics::JobRow;
use crate::time::SimTime;

/// Where a finished task's shuffle output lives: the executor that wrote
/// it, and its machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputAt {
    pub executor: u64,
    pub host: AgentId,
}

/// What losing shuffle outputs did (Spark 3.0 `DAGScheduler`, see
/// [`JobStream::outputs_lost`]).
#[derive(Debug, Default, PartialEq)]
pub struct OutputLoss {
    /// Map outputs that became unreadable (of stages whose children still
    /// need them).
    pub outputs: u32,
    /// Finished tasks of still running map stages to run again
    /// (`Resubmitted`): (stage key, task indices).
    pub rerun: Vec<(usize, Vec<u32>)>,
    /// Finished map stages submitted again for their lost partitions.
    pub resubmitted: Vec<usize>,
    /// Child stages withdrawn until their parent is back: those whose
    /// running attempt failed on a fetch failure, and those that had
    /// nothing running. The caller removes their task sets and kills
    /// their running tasks (they are not pending again; the stage is
    /// resubmitted once its parents are back).
    pub fetch_failed: Vec<usize>,
    /// Stage attempts failed on fetch failures (those of aborted jobs
    /// included).
    pub failed_attempts: u32,
    /// Jobs aborted because a stage failed
    /// `spark.stage.maxConsecutiveAttempts` times in a row: their stage
    /// keys and rows.
    pub aborted: Vec<(std::ops::Range<usize>, JobRow)>,
}

/// What a task's end did to its job.
#[derive(Debug, PartialEq, Eq)]
pub enum TaskEnd {
    Nothing,
    /// The task's stage completed and the job goes on; `opened` are the
    /// keys of the stages it submitted (its children whose last missing
    /// parent it was), in stage-id order.
    StageDone {
        opened: Vec<usize>,
    },
    /// The job's last task: its row.
    JobDone(JobRow),
}

impl TaskEnd {
    /// Stages the end submitted.
    pub fn opened(&self) -> &[usize] {
        match self {
            TaskEnd::StageDone { opened } => opened,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Some parent is not done.
    Waiting,
    /// Submitted: its tasks are handed out.
    Open,
    Done,
}

/// One stage of a job in flight.
#[derive(Debug)]
struct Stage {
    /// Its job's index.
    job: usize,
    /// Task run times (µs); dropped once the stage is done.
    durations: Vec<u64>,
    children: Vec<u32>,
    /// Parents not done yet; whether it reads the job's input (its source
    /// says, or it has no parent).
    missing: u32,
    root: bool,
    /// Tasks handed out so far, and those of them running; attempts
    /// handed out in all (retries included).
    launched: usize,
    running: u32,
    attempts: u32,
    state: State,
    /// A task of it has started (so its job has).
    started: bool,
    /// The CPUs each of its tasks keeps busy, when its source says.
    cores: Option<f64>,
    /// With output tracking: each task's output once it finished (`None`:
    /// not finished, or lost).
    outputs: Vec<Option<OutputAt>>,
    /// Attempts in a row that failed on a fetch failure.
    fetch_failures: u32,
    /// With output tracking: the tasks whose input read is counted.
    read: Vec<bool>,
}

/// One job in flight.
#[derive(Debug)]
struct Job {
    submit: SimTime,
    start: Option<SimTime>,
    /// The key of stage 0; stage `s` has key `first_key + s`.
    first_key: usize,
    stages: u32,
    /// Submitted stages not done, by id.
    open: Vec<u32>,
    /// Stages not done.
    left: u32,
    tasks_total: u32,
    /// Tasks that read an input block (`[apps.jobs] input`), and those of
    /// them that ran on an agent holding a replica.
    input_tasks: u32,
    local_tasks: u32,
}

/// The jobs of an app or framework: their arrivals (from the source), FIFO
/// hand-out of tasks, and the stages' dependencies.
///
/// Stages of the jobs in flight are kept by key and jobs by index, each in
/// an [`IdMap`] (a lookup is an index; memory follows the span of the keys
/// in flight): a task's start and end touch its stage only, and its job
/// only when the stage starts or ends.
#[derive(Debug)]
pub struct JobStream {
    name: String,
    source: Box<dyn JobSource>,
    /// Jobs submitted and not done (and abandoned ones), by job index.
    jobs: IdMap<Box<Job>, usize>,
    /// The stages of those jobs, by key.
    stages: IdMap<Stage, usize>,
    /// The next job's index and its first stage key.
    next_job: usize,
    next_key: usize,
    /// Unfinished jobs in submission order.
    active: std::collections::VecDeque<usize>,
    /// Tasks of the submitted stages not yet handed out, kept as they
    /// change ([`JobStream::backlog`] is asked on every task end).
    pending: usize,
    /// Jobs whose driver died.
    abandoned: Vec<usize>,
    /// No job will arrive any more.
    pub done: bool,
    /// Keep where each finished task's output is (shuffle outputs can be
    /// lost), and the stages' durations until their job ends.
    track: bool,
}

impl JobStream {
    pub fn new(name: &str, source: Box<dyn JobSource>) -> JobStream {
        JobStream {
            name: name.to_string(),
            source,
            jobs: IdMap::new(),
            stages: IdMap::new(),
            next_job: 0,
            next_key: 0,
            active: std::collections::VecDeque::new(),
            pending: 0,
            abandoned: Vec::new(),
            done: false,
            track: false,
        }
    }

    /// Keeps track of where every finished task's output lives, so that
    /// losing an executor or a machine can lose shuffle outputs
    /// ([`JobStream::outputs_lost`]).
    pub fn track_outputs(&mut self) {
        self.track = true;
    }

    pub fn tracks_outputs(&self) -> bool {
        self.track
    }

    /// Why the source stopped early, if it did.
    pub fn source_error(&self) -> Option<&str> {
        self.source.error()
    }

    /// When the next job arrives, or `None` when the source is exhausted.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        self.source.next_submit()
    }

    /// A job arrives now: its stages come from the source, and those
    /// without parents are submitted. Returns their keys, in stage-id
    /// order.
    pub fn submit(&mut self, now: SimTime) -> Vec<usize> {
        let draft: JobDraft = self.source.take();
        debug_assert!(draft.is_well_formed(), "sources give well-formed DAGs");
        let j = self.next_job;
        self.next_job += 1;
        let first_key = self.next_key;
        let n = draft.stages.len();
        self.next_key += n;
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, s) in draft.stages.iter().enumerate() {
            for &p in &s.parents {
                children[p as usize].push(i as u32);
            }
        }
        let mut job = Box::new(Job {
            submit: now,
            start: None,
            first_key,
            stages: n as u32,
            open: Vec::new(),
            left: n as u32,
            tasks_total: 0,
            input_tasks: 0,
            local_tasks: 0,
        });
        let mut opened = Vec::new();
        for ((i, s), children) in draft.stages.into_iter().enumerate().zip(children) {
            job.tasks_total += s.durations.len() as u32;
            let key = first_key + i;
            let mut stage = Stage {
                job: j,
                durations: s.durations,
                children,
                missing: s.parents.len() as u32,
                root: s.input.unwrap_or(s.parents.is_empty()),
                launched: 0,
                running: 0,
                attempts: 0,
                state: State::Waiting,
                started: false,
                cores: s.cores,
                outputs: Vec::new(),
                fetch_failures: 0,
                read: Vec::new(),
            };
            if self.track {
                stage.outputs = vec![None; stage.durations.len()];
            }
            if stage.missing == 0 {
                open_stage(&mut self.pending, &mut job, &mut stage, i as u32);
                opened.push(key);
            }
            self.stages.insert(key, stage);
        }
        self.jobs.insert(j, job);
        self.active.push_back(j);
        opened
    }

    fn stage_mut(&mut self, key: usize) -> &mut Stage {
        self.stages.get_mut(&key).expect("a stage in flight")
    }

    /// A submitted stage: its id within its job, its task count, and
    /// whether it reads the job's input (its source says so, or it has no
    /// parents).
    pub fn stage_tasks(&self, key: usize) -> (u32, usize, bool) {
        let st = &self.stages[&key];
        let first = self.jobs[&st.job].first_key;
        ((key - first) as u32, st.durations.len(), st.root)
    }

    /// The CPUs each task of stage `key` keeps busy, when its source says
    /// (else the app's `cpu_fraction` applies).
    pub fn stage_cores(&self, key: usize) -> Option<f64> {
        self.stages[&key].cores
    }

    /// Task `index` of the stage `key` starts (the driver's task scheduler
    /// chose it): its duration in µs. It counts as running from now on.
    pub fn take_index(&mut self, key: usize, index: u32) -> u64 {
        let st = self.stage_mut(key);
        st.launched += 1;
        st.running += 1;
        st.attempts += 1;
        let d = st.durations[index as usize];
        self.pending -= 1;
        d
    }

    /// A running task of stage `key` failed (its executor died): it is
    /// pending again.
    pub fn task_failed(&mut self, key: usize) {
        let st = self.stage_mut(key);
        st.launched -= 1;
        st.running -= 1;
        self.pending += 1;
    }

    /// The driver died: every active job is abandoned (it stays
    /// unfinished in the reports).
    pub fn abandon_active(&mut self) {
        self.abandoned.extend(self.active.drain(..));
        self.pending = 0;
    }

    /// Task `index` of stage `key` read an input block, from a replica on
    /// its own agent when `local`. A task run again after its output was
    /// lost counts once (its first read).
    pub fn read_input(&mut self, key: usize, index: u32, local: bool) {
        let track = self.track;
        let st = self.stage_mut(key);
        if track {
            if st.read.is_empty() {
                st.read = vec![false; st.durations.len()];
            }
            if std::mem::replace(&mut st.read[index as usize], true) {
                return;
            }
        }
        let j = st.job;
        let job = self.jobs.get_mut(&j).expect("a job in flight");
        job.input_tasks += 1;
        job.local_tasks += u32::from(local);
    }

    /// The next task, FIFO by job and then stage id: (stage key, duration
    /// µs). It counts as running from now on.
    pub fn take_task(&mut self) -> Option<(usize, u64)> {
        for &j in &self.active {
            let job = &self.jobs[&j];
            for &s in &job.open {
                let key = job.first_key + s as usize;
                let st = self.stages.get_mut(&key).expect("an open stage");
                if let Some(&d) = st.durations.get(st.launched) {
                    st.launched += 1;
                    st.running += 1;
                    st.attempts += 1;
                    self.pending -= 1;
                    return Some((key, d));
                }
            }
        }
        None
    }

    /// Tasks of the submitted stages not yet handed out.
    pub fn backlog(&self) -> usize {
        debug_assert_eq!(
            self.pending,
            self.active
                .iter()
                .map(|j| self.remaining_of(*j))
                .sum::<usize>(),
            "the kept backlog is the sum over active jobs"
        );
        self.pending
    }

    fn remaining_of(&self, j: usize) -> usize {
        let job = &self.jobs[&j];
        job.open
            .iter()
            .map(|&s| {
                let st = &self.stages[&(job.first_key + s as usize)];
                st.durations.len() - st.launched
            })
            .sum()
    }

    /// Tasks of the head job's submitted stages not yet handed out.
    pub fn head_remaining(&self) -> usize {
        self.active.front().map_or(0, |&j| self.remaining_of(j))
    }

    /// A task of stage `key` started executing.
    pub fn started(&mut self, key: usize, now: SimTime) {
        let st = self.stage_mut(key);
        if !st.started {
            st.started = true;
            let j = st.job;
            let job = self.jobs.get_mut(&j).expect("a job in flight");
            job.start.get_or_insert(now);
        }
    }

    /// A task of stage `key` finished: when it was the stage's last, the
    /// stage is done and its children whose parents are now all done are
    /// submitted; when it was the job's last stage, the job's row.
    pub fn finished(&mut self, key: usize, now: SimTime) -> TaskEnd {
        let track = self.track;
        let st = self.stage_mut(key);
        st.running -= 1;
        if st.running > 0 || st.launched < st.durations.len() {
            return TaskEnd::Nothing;
        }
        // The stage is over: its durations are never read again (unless
        // its outputs can be lost and it must run again), so a long run's
        // memory holds only the stages in flight.
        if !track {
            st.durations = Vec::new();
        }
        st.state = State::Done;
        st.fetch_failures = 0;
        // Kept while outputs can be lost (the stage may have to run again).
        let children = if track {
            st.children.clone()
        } else {
            std::mem::take(&mut st.children)
        };
        let j = st.job;
        let job = self.jobs.get_mut(&j).expect("a job in flight");
        let s = (key - job.first_key) as u32;
        job.open.retain(|&x| x != s);
        job.left -= 1;
        let mut opened = Vec::new();
        for &c in &children {
            let ckey = job.first_key + c as usize;
            let child = self.stages.get_mut(&ckey).expect("a stage in flight");
            if child.state == State::Done {
                continue; // a parent run again for a stage already done
            }
            child.missing -= 1;
            if child.missing == 0 && child.state == State::Waiting {
                open_stage(&mut self.pending, job, child, c);
                opened.push(ckey);
            }
        }
        job.open.sort_unstable();
        if job.left > 0 {
            return TaskEnd::StageDone { opened };
        }
        let mut row = row(&self.name, j, job, &self.stages);
        row.end = Some(now);
        self.active.retain(|&x| x != j);
        // An abandoned job keeps its books for its unfinished row.
        if !self.abandoned.contains(&j) {
            let job = self.jobs.remove(&j).expect("the job");
            for k in job.first_key..job.first_key + job.stages as usize {
                self.stages.remove(&k);
            }
        }
        TaskEnd::JobDone(row)
    }

    /// The job of stage `key` is aborted (Spark 3.0
    /// `TaskSetManager.abort` → `DAGScheduler.failJobAndIndependentStages`):
    /// every stage of it leaves, its tasks not yet handed out with them.
    /// Its stage keys (the caller kills their running tasks and removes
    /// their task sets) and its row, failed and without an end.
    pub fn abort(&mut self, key: usize) -> Option<(std::ops::Range<usize>, JobRow)> {
        let j = self.stages.get(&key)?.job;
        let job = self.jobs.get(&j)?;
        let keys = job.first_key..job.first_key + job.stages as usize;
        for &s in &job.open {
            let st = &self.stages[&(job.first_key + s as usize)];
            self.pending -= st.durations.len() - st.launched;
        }
        let mut row = row(&self.name, j, job, &self.stages);
        row.failed = true;
        self.active.retain(|&x| x != j);
        self.jobs.remove(&j);
        for k in keys.clone() {
            self.stages.remove(&k);
        }
        Some((keys, row))
    }

    /// Task `index` of stage `key` finished with its output at `at` (kept
    /// when outputs are tracked). Call before [`JobStream::finished`].
    pub fn output_written(&mut self, key: usize, index: u32, at: OutputAt) {
        if self.track {
            self.stage_mut(key).outputs[index as usize] = Some(at);
        }
    }

    /// The task indices of a submitted stage that have not finished
    /// (`None`: all of them, as for a stage submitted the first time).
    pub fn unfinished(&self, key: usize) -> Option<Vec<u32>> {
        let st = &self.stages[&key];
        if !self.track || st.launched == 0 {
            return None;
        }
        Some(
            (0..st.outputs.len() as u32)
                .filter(|&i| st.outputs[i as usize].is_none())
                .collect(),
        )
    }

    /// The job (its index, in submission order) of stage `key`.
    pub fn job_of(&self, key: usize) -> Option<usize> {
        self.stages.get(&key).map(|st| st.job)
    }

    /// The index the next submitted job will have.
    pub fn next_job(&self) -> usize {
        self.next_job
    }

    /// Whether stage `key` reads a shuffle output for which `at` holds
    /// (one of its parents wrote it there); false without output tracking.
    pub fn reads_from(&self, key: usize, at: &dyn Fn(OutputAt) -> bool) -> bool {
        if !self.track {
            return false;
        }
        let Some(job) = self.stages.get(&key).and_then(|st| self.jobs.get(&st.job)) else {
            return false;
        };
        let first = job.first_key;
        let local = (key - first) as u32;
        (first..first + job.stages as usize).any(|p| {
            self.stages.get(&p).is_some_and(|ps| {
                ps.children.contains(&local) && ps.outputs.iter().flatten().any(|&o| at(o))
            })
        })
    }

    /// Shuffle outputs for which `lost` holds are gone (their executor or
    /// machine died, and no shuffle service kept them readable). As Spark
    /// 3.0 `DAGScheduler` and `TaskSetManager` handle it:
    /// - a map stage still running runs its lost finished tasks again
    ///   (`TaskSetManager.executorLost` resubmits them, not counted as
    ///   failures);
    /// - a finished map stage whose children still need it is submitted
    ///   again for its lost partitions (`submitMissingTasks`); a child
    ///   running then fails on a fetch failure (its attempt ends, its
    ///   running tasks are killed, it waits for its parent and is
    ///   resubmitted for its unfinished partitions: `handleTaskCompletion`
    ///   on `FetchFailed`), and a child that fails
    ///   `spark.stage.maxConsecutiveAttempts` (`max_attempts`) times in a
    ///   row aborts its job; a child waiting waits for it again.
    ///
    /// Outputs of stages whose children are all done are no longer needed.
    /// (Spark finds the loss when a reduce task fetches; here it is found
    /// when the driver learns of the loss.)
    pub fn outputs_lost(
        &mut self,
        lost: &dyn Fn(OutputAt) -> bool,
        max_attempts: u32,
    ) -> OutputLoss {
        let mut out = OutputLoss::default();
        if !self.track {
            return out;
        }
        let jobs: Vec<usize> = self.active.iter().copied().collect();
        for j in jobs {
            let Some(job) = self.jobs.get(&j) else {
                continue;
            };
            let (first, n) = (job.first_key, job.stages as usize);
            let mut abort = false;
            for key in first..first + n {
                let st = &self.stages[&key];
                if st.children.is_empty() || st.state == State::Waiting {
                    continue;
                }
                let needed = st
                    .children
                    .iter()
                    .any(|&c| self.stages[&(first + c as usize)].state != State::Done);
                if !needed {
                    continue;
                }
                let idx: Vec<u32> = (0..st.outputs.len() as u32)
                    .filter(|&i| st.outputs[i as usize].is_some_and(lost))
                    .collect();
                if idx.is_empty() {
                    continue;
                }
                out.outputs += idx.len() as u32;
                let was_open = st.state == State::Open;
                let children = st.children.clone();
                let st = self.stages.get_mut(&key).expect("a stage");
                for &i in &idx {
                    st.outputs[i as usize] = None;
                }
                st.launched -= idx.len();
                self.pending += idx.len();
                if was_open {
                    out.rerun.push((key, idx));
                    continue;
                }
                // Done → submitted again for its lost partitions.
                st.state = State::Open;
                let job = self.jobs.get_mut(&j).expect("a job");
                let s = (key - first) as u32;
                job.open.push(s);
                job.open.sort_unstable();
                job.left += 1;
                out.resubmitted.push(key);
                for c in children {
                    let ckey = first + c as usize;
                    let child = self.stages.get_mut(&ckey).expect("a stage");
                    match child.state {
                        State::Done => {}
                        State::Waiting => child.missing += 1,
                        State::Open => {
                            child.missing += 1;
                            child.state = State::Waiting;
                            // Its tasks not handed out leave the backlog.
                            self.pending -= child.durations.len() - child.launched;
                            let job = self.jobs.get_mut(&j).expect("a job");
                            job.open.retain(|&x| x != c);
                            if child.running == 0 {
                                // Nothing of it is reading: it waits for
                                // its parent again (its task set
                                // withdrawn), no attempt failed.
                                out.fetch_failed.push(ckey);
                                continue;
                            }
                            // Its running tasks fetch-fail: the attempt
                            // fails, the caller kills them.
                            child.launched -= child.running as usize;
                            child.running = 0;
                            child.fetch_failures += 1;
                            out.failed_attempts += 1;
                            if child.fetch_failures >= max_attempts {
                                abort = true;
                            }
                            out.fetch_failed.push(ckey);
                        }
                    }
                }
            }
            if abort && let Some(a) = self.abort(first) {
                // The job is gone: nothing of it runs again.
                let keys = a.0.clone();
                out.rerun.retain(|(k, _)| !keys.contains(k));
                out.resubmitted.retain(|k| !keys.contains(k));
                out.fetch_failed.retain(|k| !keys.contains(k));
                out.aborted.push(a);
            }
        }
        out
    }

    /// Jobs submitted and not finished.
    pub fn active_jobs(&self) -> usize {
        self.active.len()
    }

    /// No more arrivals and nothing unfinished.
    pub fn is_idle(&self) -> bool {
        self.done && self.active.is_empty()
    }

    /// Rows for the jobs still unfinished.
    pub fn unfinished_rows(&self) -> Vec<JobRow> {
        self.abandoned
            .iter()
            .chain(&self.active)
            .map(|&j| row(&self.name, j, &self.jobs[&j], &self.stages))
            .collect()
    }
}

/// Submits stage `s` of `job` (its tasks not finished join the backlog).
fn open_stage(pending: &mut usize, job: &mut Job, st: &mut Stage, s: u32) {
    st.state = State::Open;
    *pending += st.durations.len() - st.launched;
    job.open.push(s);
}

/// A job's row in `jobs.csv` (its end left to the caller).
fn row(name: &str, j: usize, job: &Job, stages: &IdMap<Stage, usize>) -> JobRow {
    JobRow {
        app: name.to_string(),
        job: j as u64,
        submit: job.submit,
        start: job.start,
        end: None,
        stages: job.stages,
        tasks: job.tasks_total,
        local_tasks: job.local_tasks,
        input_tasks: job.input_tasks,
        failed: false,
        attempts: (job.first_key..job.first_key + job.stages as usize)
            .filter_map(|k| stages.get(&k))
            .map(|st| st.attempts)
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::draft::StageDraft;

    /// Jobs given in advance, all at time 0.
    #[derive(Debug)]
    struct Given(std::collections::VecDeque<JobDraft>);

    impl JobSource for Given {
        fn next_submit(&mut self) -> Option<SimTime> {
            (!self.0.is_empty()).then_some(SimTime::ZERO)
        }
        fn take(&mut self) -> JobDraft {
            self.0.pop_front().expect("a job")
        }
    }

    fn stage(tasks: &[u64], parents: &[u32]) -> StageDraft {
        StageDraft {
            durations: tasks.to_vec(),
            parents: parents.to_vec(),
            ..StageDraft::default()
        }
    }

    fn diamond() -> JobDraft {
        JobDraft {
            stages: vec![
                stage(&[10], &[]),
                stage(&[20, 21], &[0]),
                stage(&[30], &[0]),
                stage(&[40], &[1, 2]),
            ],
        }
    }

    fn stream(jobs: Vec<JobDraft>) -> JobStream {
        JobStream::new("a", Box::new(Given(jobs.into())))
    }

    /// Hands out every task of the submitted stages, in FIFO order.
    fn drain(s: &mut JobStream) -> Vec<(usize, u64)> {
        let mut got = Vec::new();
        while let Some(t) = s.take_task() {
            got.push(t);
        }
        got
    }

    #[test]
    fn a_diamond_submits_a_stage_once_all_its_parents_are_done() {
        let mut s = stream(vec![diamond()]);
        assert_eq!(s.next_arrival(), Some(SimTime::ZERO));
        assert_eq!(s.submit(SimTime::ZERO), [0]);
        assert_eq!(s.stage_tasks(0), (0, 1, true));
        assert_eq!(s.backlog(), 1);
        assert_eq!(drain(&mut s), [(0, 10)]);
        // Stage 0 done: 1 and 2 are submitted together.
        let end = s.finished(0, SimTime(10));
        assert_eq!(end, TaskEnd::StageDone { opened: vec![1, 2] });
        assert_eq!(s.backlog(), 3);
        assert_eq!(s.stage_tasks(2), (2, 1, false));
        // FIFO by stage id: stage 1's tasks first, then stage 2's.
        assert_eq!(drain(&mut s), [(1, 20), (1, 21), (2, 30)]);
        // Stage 2 done first: 3 still waits for 1.
        assert_eq!(
            s.finished(2, SimTime(40)),
            TaskEnd::StageDone { opened: vec![] }
        );
        assert_eq!(s.finished(1, SimTime(41)), TaskEnd::Nothing);
        assert_eq!(
            s.finished(1, SimTime(42)),
            TaskEnd::StageDone { opened: vec![3] }
        );
        assert_eq!(drain(&mut s), [(3, 40)]);
        let TaskEnd::JobDone(row) = s.finished(3, SimTime(82)) else {
            panic!("the last stage ends the job");
        };
        assert_eq!((row.stages, row.tasks, row.end), (4, 5, Some(SimTime(82))));
        assert_eq!(s.active_jobs(), 0);
        // The job's books are gone.
        assert!(s.jobs.is_empty() && s.stages.is_empty());
    }

    #[test]
    fn tasks_go_fifo_by_job_then_stage_and_a_fan_in_waits_for_every_parent() {
        let fan_in = JobDraft {
            stages: vec![
                stage(&[1], &[]),
                stage(&[2], &[]),
                stage(&[3], &[]),
                stage(&[4], &[0, 1, 2]),
            ],
        };
        let mut s = stream(vec![fan_in, diamond()]);
        assert_eq!(s.submit(SimTime::ZERO), [0, 1, 2]);
        assert_eq!(s.submit(SimTime::ZERO), [4]);
        assert_eq!(s.head_remaining(), 3);
        // Job 0's three stages, then job 1's first.
        assert_eq!(drain(&mut s), [(0, 1), (1, 2), (2, 3), (4, 10)]);
        assert_eq!(
            s.finished(2, SimTime(3)),
            TaskEnd::StageDone { opened: vec![] }
        );
        assert_eq!(
            s.finished(0, SimTime(3)),
            TaskEnd::StageDone { opened: vec![] }
        );
        // Job 1 moves on meanwhile; its stages come after job 0's.
        assert_eq!(
            s.finished(4, SimTime(10)),
            TaskEnd::StageDone { opened: vec![5, 6] }
        );
        assert_eq!(
            s.finished(1, SimTime(11)),
            TaskEnd::StageDone { opened: vec![3] }
        );
        assert_eq!(s.take_task(), Some((3, 4)));
        assert_eq!(s.take_task(), Some((5, 20)));
        // A lost task is pending again and handed out again.
        s.task_failed(5);
        assert_eq!(s.backlog(), 3);
        assert_eq!(drain(&mut s), [(5, 20), (5, 21), (6, 30)]);
    }

    #[test]
    fn keys_are_consecutive_per_job_and_rows_count_starts_and_inputs() {
        // Keys are consecutive per job: job 1's first stage is key 4.
        let mut s = stream(vec![diamond(), diamond()]);
        s.submit(SimTime::ZERO);
        assert_eq!(s.submit(SimTime(5)), [4]);
        assert_eq!(s.stage_tasks(4), (0, 1, true));
        s.take_index(4, 0);
        s.started(4, SimTime(6));
        s.read_input(4, 0, true);
        let rows = s.unfinished_rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].start, Some(SimTime(6)));
        assert_eq!((rows[1].input_tasks, rows[1].local_tasks), (1, 1));
        assert_eq!(rows[0].start, None);
    }
}
