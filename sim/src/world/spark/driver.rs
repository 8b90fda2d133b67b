//! Spark's driver, the same on every cluster manager: the job stream, the
//! stages, the task scheduler with delay scheduling, the executors and
//! their CPU sharing, the executor allocation manager and the locality
//! hints. It talks to its cluster manager only through the backend contract
//! of Spark's `CoarseGrainedSchedulerBackend` (Spark 3.0
//! `scheduler/cluster/CoarseGrainedSchedulerBackend.scala`): executors are
//! granted to it ([`SparkDriver::executor_launched`]) and register; it
//! asks for a total and kills executors (the [`Request`]s its functions
//! return); executors are lost ([`SparkDriver::remove_executor`]). It never
//! sees an offer, a container or a worker.
//!
//! - Executors register after their manager's launch plus the app's
//!   `executor_startup` (JVM start); only registered executors run tasks.
//! - The task scheduler (`policies::spark::task_scheduler`) is FIFO across
//!   jobs with delay scheduling; a job is a DAG of stages, each submitted
//!   once its parents are done (`jobs::dag`); an executor runs at most `advertised cores ÷
//!   spark.task.cpus` tasks (its slots). Free slots are offered as
//!   `CoarseGrainedSchedulerBackend.makeOffers` does: all executors when
//!   one registers, a stage is submitted or the revive timer fires
//!   (`spark.scheduler.revive.interval`), the one executor when a task ends
//!   on it (docs/locality.md).
//! - Jobs with `input` read one block per task of their stages without
//!   parents (`[data]`);
//!   a task away from its block's replicas reads it remotely, which adds to
//!   its work.
//! - CPU sharing (fluid processor sharing): `n` tasks on an executor with
//!   `k` cores, each needing `c = cpu_fraction × spark.task.cpus` CPUs,
//!   progress at rate `min(1, k / (n·c))`. With `spark.mesos.extra.cores`
//!   the slots exceed `k`: I/O-bound tasks (small `c`) gain, CPU-bound ones
//!   just share. Executors without CPU isolation (YARN's containers) share
//!   their machine's CPUs instead: all their tasks there progress at
//!   `min(1, C / D)`, `C` the machine's cpus, `D` the tasks' demand `Σ c`.

use std::collections::BTreeMap;

use policies::model::{AgentId, FrameworkId, Milli};
use policies::spark::SparkSettings;
use policies::spark::allocation_manager::{AllocationManager, Request, SCHEDULE_INTERVAL};
use policies::spark::task_scheduler::{
    self, Assignment, Hosts, OfferScratch, TaskSet, WorkerOffer,
};
use rand_chacha::ChaCha8Rng;

use crate::idmap::IdMap;
use crate::jobs::{JobStream, OutputAt, TaskEnd, source_for};
use crate::metrics::{ExecutorRow, JobRow};
use crate::queue::Handle;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{App, StopAt};
use crate::time::{SimDuration, SimTime};
use crate::workload::Sampler;
use crate::world::data::{Read, Storage};
use crate::world::events::Event;
use crate::world::kernel::Kernel;

/// Work below this (in µs at full speed) counts as done: guards against
/// float dust when a completion is computed by division.
const DONE_EPSILON: f64 = 0.5;

#[derive(Debug)]
pub(crate) struct RunningTask {
    /// Its stage's key (`jobs::JobStream`).
    pub stage: usize,
    /// Its index in its stage.
    pub index: u32,
    /// Whether it reads its input block locally (`None`: no input).
    local: Option<bool>,
    /// The CPUs it keeps busy when its stage says (a trace's), else the
    /// app's `cpu_fraction × spark.task.cpus`.
    cpu: Option<f64>,
    /// µs of work left at full speed, as of the executor's `last` update,
    /// out of `work` in all.
    remaining: f64,
    work: f64,
}

/// An executor granted to the driver.
#[derive(Debug)]
pub(crate) struct Executor {
    /// Its world-wide number (on Mesos, its Mesos task uid).
    pub uid: u64,
    pub agent: AgentId,
    /// The cores it holds on its machine, and those it advertises to the
    /// task scheduler (more with `spark.mesos.extra.cores`).
    pub cpus: u32,
    pub advertised: u32,
    pub mem_mb: u64,
    slots: u32,
    /// Its tasks share the machine's CPUs with every other such executor
    /// there (no CPU isolation: YARN), instead of having its cores to
    /// themselves; and the demand it adds there (thousandths of a CPU).
    shared: bool,
    demand_milli: i64,
    pub registered: bool,
    pub running: Vec<RunningTask>,
    version: u64,
    /// Its next task completion, while one is queued.
    pending: Option<Handle>,
    rate: f64,
    last: SimTime,
    busy_milli: i64,
    pub launch: SimTime,
    pub ready: Option<SimTime>,
    /// Its machine failed: its tasks make no progress, and the driver does
    /// not know yet (until its manager or its heartbeats tell).
    pub frozen: bool,
}

impl Executor {
    /// The row of `executors.csv` for this executor, ended at `end` (with
    /// its reason) or live.
    pub(crate) fn row(
        &self,
        app: &str,
        id: u64,
        host: &str,
        end: Option<(SimTime, &'static str)>,
    ) -> ExecutorRow {
        ExecutorRow {
            app: app.to_string(),
            executor: id,
            agent: self.agent,
            host: host.to_string(),
            cpus: Milli::from_units(i64::from(self.cpus)),
            advertised_cores: Some(self.advertised),
            mem_mb: self.mem_mb,
            launch: self.launch,
            ready: self.ready,
            end: end.map(|(t, _)| t),
            end_reason: end.map(|(_, r)| r),
        }
    }
}

/// The driver's task attempts: launched, and how each ended. They balance
/// after every event: launched = succeeded + failed + killed + lost +
/// running (checked under `--check`; fine-grained Mesos tasks are kept by
/// their backend, not here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AttemptBooks {
    pub launched: u64,
    pub succeeded: u64,
    /// Failed (`task_failures`).
    pub failed: u64,
    /// Killed: with an aborted job, a stage failed on a fetch failure, or
    /// their executor stopped (the app's end, its driver's failure).
    pub killed: u64,
    /// Lost with their executor (failed, lost, expired).
    pub lost: u64,
}

/// What a granted executor is: where, how big.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Grant {
    pub id: u64,
    pub uid: u64,
    pub agent: AgentId,
    pub cpus: u32,
    pub advertised: u32,
    pub mem_mb: u64,
    /// Whether its tasks share the machine's CPUs (see [`Executor`]).
    pub shares_machine: bool,
}

pub(crate) struct SparkDriver {
    pub id: FrameworkId,
    pub name: String,
    pub start: SimTime,
    pub stop_at: StopAt,
    pub settings: SparkSettings,
    pub cpu_fraction: f64,
    pub jobs: JobStream,
    startup_rng: ChaCha8Rng,
    pub startup: Sampler,
    pub executors: IdMap<Executor>,
    pub stopped: bool,
    /// Cores advertised by registered executors (`totalCoreCount`).
    pub registered_cores: u64,
    /// The backend reported ready (`SchedulerBackend.isReady`, Spark 3.0
    /// `TaskSchedulerImpl.waitBackendReady`); jobs run only then.
    pub ready: bool,
    /// The executor allocation manager, with dynamic allocation.
    pub dynamic: Option<AllocationManager>,
    /// The task scheduler: a task set per submitted stage, by stage key
    /// (FIFO by job, then stage id), Spark's view of the live hosts, the
    /// offer shuffle stream.
    pub task_sets: IdMap<TaskSet, usize>,
    pub hosts: Hosts,
    pub sched_rng: ChaCha8Rng,
    /// Jobs read input blocks (first stage), placed from this stream.
    input: bool,
    blocks_rng: ChaCha8Rng,
    /// Dynamic allocation's placement hints: for the tasks of the active
    /// stages, how many prefer each host (`hostToLocalTaskCount`, Spark 3.0
    /// `ExecutorAllocationManager`, reference spark-on-mesos.md §4.2).
    pub hints: BTreeMap<AgentId, u32>,
    /// The revive timer runs from `epoch` every revive interval; it is only
    /// scheduled while delay scheduling holds tasks back (otherwise a tick
    /// finds nothing to do).
    epoch: SimTime,
    revive_at: Option<SimTime>,
    /// Whether the backend revives every `spark.scheduler.revive.interval`
    /// (the coarse-grained backends do; a local master does not).
    pub periodic_revive: bool,
    /// The driver process is down and may come back (a relaunched
    /// cluster-mode driver); arrivals meanwhile wait for the new one.
    pub restarting: bool,
    /// A `JobArrival` event is queued; an arrival came while the driver
    /// was down; the app's stop is scheduled.
    arrival_queued: bool,
    arrival_held: bool,
    stop_scheduled: bool,
    /// When the driver's registration wait (`DriverReadyTimeout`) ends.
    ready_deadline: SimTime,
    /// Buffers reused by every offer round (one per finished task).
    scratch: Scratch,
    /// The FAIR scheduler's pools, their shares of the app's jobs, the
    /// smooth weighted round-robin's running credits, and each job's pool
    /// (by job index).
    pools: Vec<policies::spark::fair::Pool>,
    pool_shares: Vec<f64>,
    pool_credit: Vec<f64>,
    job_pool: BTreeMap<usize, usize>,
    /// Hosts whose loss the driver was not told of (standalone before
    /// 2.3): their shuffle outputs stay registered until a task fetches
    /// from them.
    unannounced: Vec<AgentId>,
    /// Task attempts that fail (`[[faults]] task_failures`), and each
    /// task's failures so far, by (stage key, index).
    pub task_failures: Option<TaskFailures>,
    /// Every task attempt, and how it ended.
    pub books: AttemptBooks,
    failures: BTreeMap<(usize, u32), u32>,
    /// Failures of one task that abort its job: `spark.task.maxFailures`,
    /// or a local master's `F` of `local[K,F]` (1 without it).
    max_task_failures: u32,
}

/// `[[faults]] task_failures`: from `from` on, each task attempt fails
/// when it ends with `probability` (drawn on the fault's own stream).
#[derive(Debug)]
pub struct TaskFailures {
    pub probability: f64,
    pub from: SimTime,
    pub rng: ChaCha8Rng,
}

/// Buffers [`SparkDriver::make_offers`] and [`SparkDriver::task_done`]
/// reuse, so that a finished task allocates nothing.
#[derive(Debug, Default)]
struct Scratch {
    offers: Vec<WorkerOffer>,
    jobs: Vec<usize>,
    picks: Vec<Assignment>,
    used: Vec<u32>,
    changed: Vec<u64>,
    offer: OfferScratch,
    finished: Vec<(usize, u32, Option<bool>, f64)>,
    failed: Vec<(usize, u32)>,
    moves: Vec<(usize, TaskEnd)>,
}

impl SparkDriver {
    pub fn new(id: FrameworkId, app: &App, streams: &RngStreams) -> SparkDriver {
        // Streams are keyed by the app's name, so adding or reordering apps
        // changes no other app's workload.
        let key = fnv1a64(app.name.as_bytes());
        let start = SimTime::ZERO + app.start;
        SparkDriver {
            id,
            name: app.name.clone(),
            start,
            stop_at: app.stop,
            settings: app.settings.clone(),
            cpu_fraction: app.jobs.cpu_fraction,
            jobs: JobStream::new(
                &app.name,
                source_for(&app.name, "app", &app.jobs, start, streams),
            ),
            startup_rng: streams.stream("app-executor-startup", key),
            startup: Sampler::new(&app.executor_startup),
            executors: IdMap::new(),
            stopped: false,
            registered_cores: 0,
            ready: false,
            dynamic: None,
            task_sets: IdMap::new(),
            hosts: Hosts::without_racks(),
            sched_rng: streams.stream("app-task-scheduler", key),
            input: app.jobs.input,
            blocks_rng: streams.stream("app-blocks", key),
            hints: BTreeMap::new(),
            epoch: start,
            revive_at: None,
            periodic_revive: true,
            restarting: false,
            arrival_queued: false,
            arrival_held: false,
            stop_scheduled: false,
            ready_deadline: SimTime::ZERO,
            scratch: Scratch::default(),
            unannounced: Vec::new(),
            pools: app.pools.iter().map(|(p, _)| p.clone()).collect(),
            pool_shares: app.pools.iter().map(|(_, j)| *j).collect(),
            pool_credit: vec![0.0; app.pools.len()],
            job_pool: BTreeMap::new(),
            task_failures: None,
            books: AttemptBooks::default(),
            failures: BTreeMap::new(),
            max_task_failures: match &app.master {
                // Spark 3.0 SparkContext.createTaskScheduler (reference
                // standalone-yarn-local.md §3): local[K] does not retry
                // (1), local[K,F] allows F; spark.task.maxFailures is
                // ignored there.
                policies::spark::MasterUrl::Local { max_failures, .. } => *max_failures,
                _ => app.settings.task_max_failures,
            },
        }
    }

    pub fn task_cpus(&self) -> u32 {
        self.settings.task_cpus
    }

    /// The driver's SparkContext starts: Spark's view of the hosts, the
    /// revive clock.
    pub fn open(&mut self, k: &Kernel) {
        self.hosts = k.storage.spark_hosts();
        self.epoch = k.now;
        self.stopped = false;
        self.restarting = false;
    }

    /// SparkContext creation failed (the manager refused the app): no job
    /// is run.
    pub fn refused(&mut self, k: &mut Kernel, reason: String) {
        self.stopped = true;
        self.jobs.done = true;
        k.metrics.refused.push((self.name.clone(), reason));
    }

    /// The backend is created (`ready`: whether it is ready at once). With
    /// dynamic allocation the manager sends its initial target at start
    /// (2.0+, Spark 3.0 `CoarseGrainedSchedulerBackend`, reference
    /// spark-on-mesos.md §4.8) and then runs `schedule()` every 100 ms
    /// (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md
    /// §4.1). The driver waits for the backend to be ready before running
    /// jobs (Spark 3.0 `TaskSchedulerImpl.waitBackendReady`, reference
    /// spark-on-mesos.md §1.7); the wait ends by itself after
    /// `spark.scheduler.maxRegisteredResourcesWaitingTime`.
    pub fn backend_started(&mut self, ready: bool) -> Vec<Request> {
        self.ready = ready;
        let mut requests = Vec::new();
        if self.settings.dynamic.enabled {
            let mut manager = AllocationManager::at(&self.settings.dynamic, self.settings.version);
            requests = manager.start();
            self.dynamic = Some(manager);
        }
        requests
    }

    /// After the initial requests went to the backend: the allocation
    /// manager's timer and the registration wait.
    pub fn arm_timers(&mut self, k: &mut Kernel) {
        let now = k.now;
        if self.dynamic.is_some() {
            k.push(
                now + SCHEDULE_INTERVAL,
                Event::DynamicAllocationTick(self.id),
            );
        }
        let ready_at = now + self.settings.max_registered_waiting;
        self.ready_deadline = ready_at;
        if !self.ready {
            k.push(ready_at, Event::DriverReadyTimeout(self.id));
        }
    }

    /// Schedules the first job (a relaunched driver: the job that arrived
    /// while it was down, at once) and the app's stop. True when the app is
    /// already done (it stops now).
    #[must_use]
    pub fn begin_stream(&mut self, k: &mut Kernel) -> bool {
        let now = k.now;
        if self.arrival_held {
            self.arrival_held = false;
            self.arrival_queued = true;
            k.push(now, Event::JobArrival(self.id));
        } else if !self.arrival_queued {
            self.push_next_arrival(k);
        }
        if std::mem::replace(&mut self.stop_scheduled, true) {
            return self.finished();
        }
        match self.stop_at {
            StopAt::Horizon => k.push(k.horizon, Event::FrameworkStop(self.id)),
            StopAt::At(d) => k.push(SimTime::ZERO + d, Event::FrameworkStop(self.id)),
            StopAt::JobsDone => return self.finished(),
        }
        false
    }

    /// Schedules the stream's next job if it is due before the horizon and
    /// the app's stop; otherwise the stream is done. A driver that started
    /// late (cluster mode) submits what is already due at once.
    fn push_next_arrival(&mut self, k: &mut Kernel) {
        let stop_at = self.stop_at;
        match self.jobs.next_arrival() {
            Some(t) if t < k.horizon && before_stop(stop_at, t) => {
                self.arrival_queued = true;
                k.push(t.max(k.now), Event::JobArrival(self.id))
            }
            _ => self.jobs.done = true,
        }
    }

    /// A job arrives: its first stage is submitted. True when the backend
    /// must revive offers (`submitTasks → reviveOffers`).
    #[must_use]
    pub fn job_arrival(&mut self, k: &mut Kernel) -> bool {
        let now = k.now;
        self.arrival_queued = false;
        if self.restarting {
            // No driver to take it: it waits for the relaunched one.
            self.arrival_held = true;
            return false;
        }
        if self.stopped {
            return false;
        }
        let job = self.jobs.next_job();
        let opened = self.jobs.submit(now);
        if !self.pools.is_empty() {
            // The job's pool: a smooth weighted round-robin over the pools'
            // shares of the app's jobs (shares 1 and 1 alternate; 3 and 1
            // give three jobs to the first for each to the second).
            let total: f64 = self.pool_shares.iter().sum();
            for (c, s) in self.pool_credit.iter_mut().zip(&self.pool_shares) {
                *c += s;
            }
            let p = (0..self.pools.len())
                .max_by(|&a, &b| {
                    self.pool_credit[a]
                        .total_cmp(&self.pool_credit[b])
                        .then(b.cmp(&a))
                })
                .unwrap_or(0);
            self.pool_credit[p] -= total;
            self.job_pool.insert(job, p);
        }
        if let Some(m) = self.dynamic.as_mut() {
            m.stage_submitted(now);
        }
        self.push_next_arrival(k);
        for key in opened {
            self.submit_stage(&k.storage, now, key);
        }
        true
    }

    /// Stage `key` is submitted: its task set joins the task scheduler. A
    /// stage without parents reading input places its blocks now.
    fn submit_stage(&mut self, storage: &Storage, now: SimTime, key: usize) {
        let (_, tasks, root) = self.jobs.stage_tasks(key);
        let mut prefs = Vec::new();
        let mut per_task = 0;
        if self.input && root {
            per_task = storage.replicas();
            prefs.reserve(tasks * per_task);
            for _ in 0..tasks {
                storage.place(&mut self.blocks_rng, &mut prefs);
            }
        }
        if self.dynamic.is_some() {
            for h in &prefs {
                *self.hints.entry(*h).or_insert(0) += 1;
            }
        }
        let mut set = TaskSet::new(
            tasks,
            prefs,
            per_task,
            &self.hosts,
            self.settings.locality_wait,
            now,
        );
        // Submitted again after a loss of shuffle outputs: only the
        // partitions not finished run (`submitMissingTasks`).
        if let Some(missing) = self.jobs.unfinished(key) {
            set.keep_only(&missing, &self.hosts);
        }
        self.task_sets.insert(key, set);
    }

    /// Stage `key` has all its tasks done (or the app ended).
    fn remove_stage(&mut self, key: usize) {
        let Some(set) = self.task_sets.remove(&key) else {
            return;
        };
        if self.dynamic.is_none() {
            return;
        }
        for i in 0..set.len() as u32 {
            for h in set.prefs_of(i) {
                if let Some(n) = self.hints.get_mut(h) {
                    *n -= 1;
                    if *n == 0 {
                        self.hints.remove(h);
                    }
                }
            }
        }
    }

    /// A finished task of stage `key` moved its job on: the stage's task
    /// set leaves the scheduler, and the stages it opened are submitted.
    pub fn stage_moved(&mut self, storage: &Storage, now: SimTime, key: usize, end: &TaskEnd) {
        match end {
            TaskEnd::Nothing => {}
            TaskEnd::StageDone { opened } => {
                self.remove_stage(key);
                for &next in opened {
                    self.submit_stage(storage, now, next);
                }
            }
            TaskEnd::JobDone(_) => self.remove_stage(key),
        }
    }

    /// An executor is granted (launched by the manager; its process is up
    /// at `up`): it registers after the JVM start-up.
    pub fn executor_launched(&mut self, k: &mut Kernel, g: Grant, up: SimTime) {
        let startup = self.draw_startup();
        self.add_executor(k, g, up + startup);
    }

    /// One executor JVM's start-up time (`executor_startup`), from the
    /// app's own stream.
    pub fn draw_startup(&mut self) -> SimDuration {
        self.startup.duration(&mut self.startup_rng)
    }

    /// The executor inside the driver (a local master): it registers at
    /// once, with no JVM of its own to start.
    pub fn executor_in_driver(&mut self, k: &mut Kernel, g: Grant) {
        self.add_executor(k, g, k.now);
    }

    fn add_executor(&mut self, k: &mut Kernel, g: Grant, registers: SimTime) {
        let now = k.now;
        let slots = g.advertised / self.task_cpus().max(1);
        self.executors.insert(
            g.id,
            Executor {
                uid: g.uid,
                agent: g.agent,
                cpus: g.cpus,
                advertised: g.advertised,
                mem_mb: g.mem_mb,
                slots,
                shared: g.shares_machine,
                demand_milli: 0,
                registered: false,
                running: Vec::new(),
                version: 0,
                pending: None,
                rate: 1.0,
                last: now,
                busy_milli: 0,
                launch: now,
                ready: None,
                frozen: false,
            },
        );
        k.metrics.executors_launched += 1;
        k.push(
            registers,
            Event::ExecutorRegistered {
                app: self.id,
                executor: g.id,
                uid: g.uid,
            },
        );
    }

    /// `RegisterExecutor`: the executor joins the task scheduler. False
    /// when it is gone (or the driver stopped): nothing to do.
    pub fn executor_registered(&mut self, now: SimTime, id: u64, uid: u64) -> bool {
        if self.stopped {
            return false;
        }
        let Some(e) = self.executors.get_mut(&id).filter(|e| e.uid == uid) else {
            return false;
        };
        e.registered = true;
        e.ready = Some(now);
        self.registered_cores += u64::from(e.advertised);
        if let Some(m) = self.dynamic.as_mut() {
            m.executor_added(id, now);
        }
        // executorAdded: a new host can make a locality level valid.
        if self.hosts.executor_added(e.agent) {
            self.recompute_levels();
        }
        true
    }

    /// `RegisterExecutor` on a coarse-grained backend: the executor joins;
    /// a driver not yet ready asks its backend (`is_ready`, given the
    /// driver as it now stands); every executor's free slots are offered.
    pub fn register_and_offer(
        &mut self,
        k: &mut Kernel,
        id: u64,
        uid: u64,
        is_ready: impl FnOnce(&SparkDriver) -> bool,
    ) {
        if !self.executor_registered(k.now, id, uid) {
            return;
        }
        if !self.ready {
            self.ready = is_ready(self);
        }
        self.make_offers(k, None);
    }

    /// `recomputeLocality` of every task set, after a host gained its
    /// first executor or lost its last.
    pub fn recompute_levels(&mut self) {
        for set in self.task_sets.values_mut() {
            set.recompute(&self.hosts);
        }
    }

    /// The manager's 100 ms tick: pending tasks (of the open stages, not
    /// yet started) and running tasks decide the target.
    pub fn dynamic_tick(&mut self, k: &mut Kernel) -> Vec<Request> {
        let now = k.now;
        if self.stopped {
            return Vec::new();
        }
        let pending = self.jobs.backlog() as u64;
        let running: u64 = self
            .executors
            .values()
            .map(|e| e.running.len() as u64)
            .sum();
        let Some(m) = self.dynamic.as_mut() else {
            return Vec::new();
        };
        let requests = m.schedule(now, pending, running);
        k.push(
            now + SCHEDULE_INTERVAL,
            Event::DynamicAllocationTick(self.id),
        );
        requests
    }

    /// `spark.scheduler.maxRegisteredResourcesWaitingTime` ran out.
    pub fn ready_timeout(&mut self, k: &mut Kernel) {
        // A timeout of an earlier driver (cluster mode relaunch) is stale.
        if !self.ready && !self.stopped && k.now >= self.ready_deadline {
            self.ready = true;
            self.make_offers(k, None);
        }
    }

    /// `makeOffers`: the free slots of every registered executor (`only`:
    /// of that one) go to the task scheduler, and its picks start. Nothing
    /// runs before the backend is ready. When delay scheduling leaves a
    /// free slot idle with tasks pending, the revive timer is armed.
    pub fn make_offers(&mut self, k: &mut Kernel, only: Option<u64>) {
        let now = k.now;
        if !self.ready || self.stopped || self.task_sets.is_empty() {
            return;
        }
        // One executor's slots and no task waiting: the round would launch
        // nothing, draw nothing (one offer is not shuffled) and hold nothing.
        if only.is_some() && self.jobs.backlog() == 0 {
            return;
        }
        let task_cpus = self.task_cpus().max(1);
        let offer = |(id, e): (&u64, &Executor)| WorkerOffer {
            executor: *id,
            host: e.agent,
            cores: e.slots.saturating_sub(e.running.len() as u32) * task_cpus,
        };
        let mut sc = std::mem::take(&mut self.scratch);
        sc.offers.clear();
        // One executor's slots (a task ended on it) need no walk over all.
        match only {
            Some(id) => sc.offers.extend(
                self.executors
                    .get(&id)
                    .filter(|e| e.registered)
                    .map(|e| offer((&id, e))),
            ),
            None => sc.offers.extend(
                self.executors
                    .iter()
                    .filter(|(_, e)| e.registered)
                    .map(offer),
            ),
        }
        sc.jobs.clear();
        match self.fair_order() {
            Some(order) => sc.jobs.extend(order),
            None => sc.jobs.extend(self.task_sets.keys().copied()),
        }
        sc.picks.clear();
        // FIFO: the task sets in key order, as `sc.jobs` lists them; FAIR:
        // in the pools' order (a map only then, off the FIFO hot path).
        {
            let mut fifo;
            let mut by_key: BTreeMap<usize, &mut TaskSet>;
            let mut fair;
            let sets: &mut dyn Iterator<Item = &mut TaskSet> = if self.pools.is_empty() {
                fifo = self.task_sets.values_mut();
                &mut fifo
            } else {
                by_key = self.task_sets.iter_mut().map(|(k, v)| (*k, v)).collect();
                fair = sc.jobs.iter().filter_map(|k| by_key.remove(k));
                &mut fair
            };
            task_scheduler::resource_offers_into(
                sets,
                &sc.offers,
                &self.hosts,
                task_cpus,
                now,
                &mut self.sched_rng,
                &mut sc.offer,
                &mut sc.picks,
            );
        }
        sc.used.clear();
        sc.used.resize(sc.offers.len(), 0);
        sc.changed.clear();
        for p in &sc.picks {
            let stage = sc.jobs[p.task_set];
            let offer = sc.offers[p.offer];
            sc.used[p.offer] += task_cpus;
            let (read, local) = self.read_cost(&k.storage, stage, p.index, offer.host);
            let work = (self.jobs.take_index(stage, p.index) + read.as_micros()) as f64;
            let cores = self.jobs.stage_cores(stage);
            let e = self
                .executors
                .get_mut(&offer.executor)
                .expect("offered executor");
            advance(e, now);
            self.books.launched += 1;
            e.running.push(RunningTask {
                stage,
                index: p.index,
                local,
                cpu: cores.map(|c| c.min(f64::from(task_cpus))),
                remaining: work,
                work,
            });
            self.jobs.started(stage, now);
            if let Some(m) = self.dynamic.as_mut() {
                m.task_started(offer.executor);
            }
            if !sc.changed.contains(&offer.executor) {
                sc.changed.push(offer.executor);
            }
        }
        let backlog = self.jobs.backlog();
        debug_assert_eq!(
            backlog,
            self.task_sets.values().map(TaskSet::pending).sum::<usize>(),
            "the task scheduler and the stage stream disagree on pending tasks"
        );
        // onTaskStart: a start that leaves nothing pending clears the
        // backlog timer (Spark 3.0 `ExecutorAllocationManager`, reference
        // spark-on-mesos.md §4.5).
        if !sc.picks.is_empty()
            && backlog == 0
            && let Some(m) = self.dynamic.as_mut()
        {
            m.queue_empty();
        }
        let held = backlog > 0
            && sc
                .offers
                .iter()
                .zip(&sc.used)
                .any(|(o, u)| o.cores - u >= task_cpus);
        if held && self.periodic_revive && self.revive_at.is_none() {
            let every = self.settings.revive_interval.as_micros().max(1);
            let ticks = now.since(self.epoch).as_micros() / every + 1;
            let at = self.epoch + SimDuration(ticks * every);
            self.revive_at = Some(at);
            k.push(at, Event::SparkRevive(self.id));
        }
        for &id in &sc.changed {
            self.replan(k, id);
        }
        let fetched = self.unannounced.iter().copied().find(|&h| {
            sc.picks
                .iter()
                .any(|p| self.jobs.reads_from(sc.jobs[p.task_set], &|o| o.host == h))
        });
        self.scratch = sc;
        if let Some(host) = fetched {
            self.fetch_failed_on(k, host);
        }
    }

    /// With FAIR pools, the stage keys of the task sets in the order one
    /// offer round serves them (Spark 3.0 `Pool.getSortedTaskSetQueue`,
    /// [`policies::spark::fair`]); `None` in FIFO mode.
    fn fair_order(&self) -> Option<Vec<usize>> {
        if self.pools.is_empty() {
            return None;
        }
        let mut running: BTreeMap<usize, u32> = BTreeMap::new();
        for e in self.executors.values() {
            for t in &e.running {
                *running.entry(t.stage).or_insert(0) += 1;
            }
        }
        let keys: Vec<usize> = self.task_sets.keys().copied().collect();
        let cands: Vec<policies::spark::fair::Candidate> = keys
            .iter()
            .map(|&key| {
                let job = self.jobs.job_of(key).unwrap_or(0);
                policies::spark::fair::Candidate {
                    pool: self.job_pool.get(&job).copied().unwrap_or(0),
                    job,
                    stage: key,
                    running: running.get(&key).copied().unwrap_or(0),
                }
            })
            .collect();
        Some(
            policies::spark::fair::order(&self.pools, &cands)
                .into_iter()
                .map(|i| keys[i])
                .collect(),
        )
    }

    /// Machine `host` was lost without the driver being told (a
    /// standalone worker before 2.3 sends no `WorkerRemoved`, reference
    /// standalone-yarn-local.md §1.7, §1.11): with the shuffle service on,
    /// the outputs written there stay registered, to be found gone by the
    /// first task that fetches them ([`SparkDriver::make_offers`]).
    pub fn unannounced_host_loss(&mut self, host: AgentId) {
        if self.settings.shuffle_service && !self.unannounced.contains(&host) {
            self.unannounced.push(host);
        }
    }

    /// A task just launched fetches from `host`, whose loss was not
    /// announced: the fetch fails, and the driver drops the outputs there
    /// (Spark 1.6–2.2 `DAGScheduler.handleTaskCompletion` on
    /// `FetchFailed`); the reading stage fails and waits for them to be
    /// recomputed. The simulator fails the fetch as the task starts, not
    /// after the fetch's retries (docs/deviations.md).
    fn fetch_failed_on(&mut self, k: &mut Kernel, host: AgentId) {
        self.unannounced.retain(|&h| h != host);
        self.host_outputs_lost(k, host);
    }

    /// What reading task `index`'s input block costs on `host`, and whether
    /// the read is local (`None` for a task without input).
    pub fn read_cost(
        &self,
        storage: &Storage,
        stage: usize,
        index: u32,
        host: AgentId,
    ) -> (SimDuration, Option<bool>) {
        let prefs = self.task_sets[&stage].prefs_of(index);
        if prefs.is_empty() {
            return (SimDuration::ZERO, None);
        }
        let (read, cost) = storage.read(prefs, host);
        (cost, Some(read == Read::Local))
    }

    /// The revive timer (`spark.scheduler.revive.interval`): every
    /// executor's free slots are offered again, so held-back tasks can fall
    /// back to a less local level once their wait is over.
    pub fn revive_tick(&mut self, k: &mut Kernel) {
        // Only the armed tick counts (an earlier driver's is stale).
        if self.revive_at != Some(k.now) {
            return;
        }
        self.revive_at = None;
        self.make_offers(k, None);
    }

    /// Recomputes the executor's rate and busy CPUs and schedules its next
    /// completion: the executor's one queued completion event is moved (or
    /// dropped when nothing runs), and its version counts the plans.
    fn replan(&mut self, k: &mut Kernel, id: u64) {
        let now = k.now;
        let c = self.cpu_fraction * f64::from(self.task_cpus());
        let Some(e) = self.executors.get_mut(&id) else {
            return;
        };
        advance(e, now);
        // The tasks' CPU demand: n·c, or their own where a trace gave it.
        let n = if e.running.iter().any(|t| t.cpu.is_some()) {
            e.running.iter().map(|t| t.cpu.unwrap_or(c)).sum::<f64>() / c
        } else {
            e.running.len() as f64
        };
        let cores = f64::from(e.cpus);
        let busy = if e.frozen {
            // A failed machine runs nothing: no speed, no busy CPUs, no
            // completion, whatever is launched there.
            let m = &mut k.shared_cpus[e.agent.index()];
            m.demand_milli -= e.demand_milli;
            e.demand_milli = 0;
            e.rate = 0.0;
            0
        } else if e.shared {
            // Tasks without CPU isolation run on any of the machine's
            // CPUs, all at the machine's shared speed.
            let m = &mut k.shared_cpus[e.agent.index()];
            let before = m.factor();
            let demand = (n * c * 1000.0).round() as i64;
            m.demand_milli += demand - e.demand_milli;
            e.demand_milli = demand;
            e.rate = m.factor();
            if e.rate != before {
                k.push(now, Event::MachineShare(e.agent.0));
            }
            // Rounded down, so the busy CPUs of a machine never add up past
            // its capacity.
            (demand as f64 * e.rate).floor() as i64
        } else {
            e.rate = if n * c <= cores { 1.0 } else { cores / (n * c) };
            ((n * c).min(cores) * 1000.0).round() as i64
        };
        let delta = busy - e.busy_milli;
        e.busy_milli = busy;
        e.version += 1;
        let next = e
            .running
            .iter()
            .map(|t| t.remaining)
            .fold(f64::INFINITY, f64::min);
        k.metrics.cpus_busy += delta;
        // One queued completion per executor, moved as its earliest end
        // moves (a moved event is delivered as a fresh push would be).
        if next.is_finite() && e.rate > 0.0 {
            let wait = (next.max(0.0) / e.rate).ceil() as u64;
            let event = Event::SparkTaskDone {
                app: self.id,
                executor: id,
                uid: e.uid,
                version: e.version,
            };
            let at = now + SimDuration(wait);
            match e.pending {
                Some(h) => k.reschedule(h, at, event),
                None => e.pending = Some(k.push_tracked(at, event)),
            }
        } else if let Some(h) = e.pending.take() {
            k.cancel(h);
        }
    }

    /// The shared speed of `agent`'s CPUs changed: this driver's sharing
    /// executors there are planned again.
    pub fn rerate(&mut self, k: &mut Kernel, agent: AgentId) {
        let ids: Vec<u64> = self
            .executors
            .iter()
            .filter(|(_, e)| e.shared && e.agent == agent)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.replan(k, id);
        }
    }

    /// Tasks may be done on executor `id`. True when the app is done (it
    /// stops now).
    #[must_use]
    pub fn task_done(&mut self, k: &mut Kernel, id: u64, uid: u64, version: u64) -> bool {
        let now = k.now;
        let Some(e) = self.executors.get_mut(&id).filter(|e| e.uid == uid) else {
            return false;
        };
        if e.version != version {
            return false; // superseded by a later plan
        }
        // The queued completion was this one.
        e.pending = None;
        advance(e, now);
        let output = OutputAt {
            executor: id,
            host: e.agent,
        };
        let mut finished = std::mem::take(&mut self.scratch.finished);
        finished.clear();
        e.running.retain(|t| {
            if t.remaining <= DONE_EPSILON {
                finished.push((t.stage, t.index, t.local, t.work));
                false
            } else {
                true
            }
        });
        let mut moves = std::mem::take(&mut self.scratch.moves);
        moves.clear();
        let mut failed = std::mem::take(&mut self.scratch.failed);
        failed.clear();
        for &(j, index, local, work) in &finished {
            if let Some(m) = self.dynamic.as_mut() {
                m.task_ended(id, now);
            }
            if let Some(f) = self.task_failures.as_mut()
                && now >= f.from
                && crate::workload::open_unit(&mut f.rng) < f.probability
            {
                failed.push((j, index));
                *k.metrics.lost_work.entry(self.name.clone()).or_insert(0.0) += work;
                self.books.failed += 1;
                continue;
            }
            self.books.succeeded += 1;
            if let Some(local) = local {
                self.jobs.read_input(j, index, local);
            }
            self.jobs.output_written(j, index, output);
            let end = self.jobs.finished(j, now);
            if !end.opened().is_empty()
                && let Some(m) = self.dynamic.as_mut()
            {
                m.stage_submitted(now);
            }
            moves.push((j, end));
        }
        self.scratch.finished = finished;
        if self.jobs.active_jobs() == 0 {
            // The last active stage completed (Spark 3.0
            // `ExecutorAllocationManager`, reference spark-on-mesos.md §4.5).
            if let Some(m) = self.dynamic.as_mut() {
                m.queue_empty();
            }
        }
        self.replan(k, id);
        // statusUpdate offers this executor's slots; a submitted stage
        // offers every executor's (reviveOffers).
        let mut all = false;
        for (j, end) in moves.drain(..) {
            self.stage_moved(&k.storage, now, j, &end);
            all |= !end.opened().is_empty();
            if let TaskEnd::JobDone(row) = end {
                k.metrics.jobs.push(row);
            }
        }
        self.scratch.moves = moves;
        for &(stage, index) in &failed {
            self.attempt_failed(k, stage, index);
        }
        self.scratch.failed = failed;
        self.make_offers(k, if all { None } else { Some(id) });
        self.finished()
    }

    /// A task attempt failed (`[[faults]] task_failures`). As Spark 3.0
    /// `TaskSetManager.handleFailedTask` does (reference
    /// standalone-yarn-local.md §1.6), the failure counts against the task
    /// (here losses of its executor do not: `requeue`); at
    /// `spark.task.maxFailures` failures the task set aborts, and with it
    /// the job (`DAGScheduler.failJobAndIndependentStages`): its stages
    /// leave the scheduler and its running tasks are killed. Otherwise the
    /// task is pending again.
    fn attempt_failed(&mut self, k: &mut Kernel, stage: usize, index: u32) {
        // Its job may have been aborted by an earlier failure of the batch.
        if self.task_sets.get(&stage).is_none() {
            return;
        }
        let n = self.failures.entry((stage, index)).or_insert(0);
        *n += 1;
        if *n < self.max_task_failures {
            self.requeue(stage, index);
            return;
        }
        let Some((keys, row)) = self.jobs.abort(stage) else {
            return;
        };
        self.job_aborted(k, keys, row, "a task failed spark.task.maxFailures times");
    }

    /// A job aborted: its stages leave the scheduler and their running
    /// tasks are killed (their work lost); its row is written.
    fn job_aborted(
        &mut self,
        k: &mut Kernel,
        keys: std::ops::Range<usize>,
        row: JobRow,
        cause: &str,
    ) {
        let before = k.metrics.failure_counts();
        for key in keys.clone() {
            self.remove_stage(key);
        }
        self.failures.retain(|(s, _), _| !keys.contains(s));
        self.kill_tasks_of(k, &|s| keys.contains(&s));
        let job = row.job;
        k.metrics.jobs.push(row);
        k.metrics.failure_since(
            before,
            k.now,
            "job_failed",
            String::new(),
            self.name.clone(),
            format!("job {job}: {cause}"),
        );
    }

    /// Kills the running tasks of the stages `of` picks on every executor:
    /// their work is lost; they are not pending again.
    fn kill_tasks_of(&mut self, k: &mut Kernel, of: &dyn Fn(usize) -> bool) {
        let ids: Vec<u64> = self.executors.keys().copied().collect();
        for id in ids {
            let now = k.now;
            let Some(e) = self.executors.get_mut(&id) else {
                continue;
            };
            advance(e, now);
            let before = e.running.len();
            let mut lost = 0.0;
            e.running.retain(|t| {
                let keep = !of(t.stage);
                if !keep {
                    lost += t.work - t.remaining.max(0.0);
                }
                keep
            });
            let killed = before - e.running.len();
            k.metrics.tasks_lost += killed as u64;
            self.books.killed += killed as u64;
            if killed > 0 {
                *k.metrics.lost_work.entry(self.name.clone()).or_insert(0.0) += lost;
                if let Some(m) = self.dynamic.as_mut() {
                    for _ in 0..killed {
                        m.task_ended(id, now);
                    }
                }
                self.replan(k, id);
            }
        }
    }

    /// Shuffle outputs for which `lost` holds are gone: the stages that
    /// need them run again, running children fail on fetch failures, a
    /// stage failing `spark.stage.maxConsecutiveAttempts` times in a row
    /// aborts its job ([`crate::jobs::JobStream::outputs_lost`], Spark 3.0
    /// `DAGScheduler`). Returns the outputs lost.
    pub fn outputs_lost(&mut self, k: &mut Kernel, lost: &dyn Fn(OutputAt) -> bool) -> u32 {
        if !self.jobs.tracks_outputs() || self.stopped {
            return 0;
        }
        let out = self
            .jobs
            .outputs_lost(lost, self.settings.stage_max_attempts);
        k.metrics.map_outputs_lost += u64::from(out.outputs);
        for (key, idx) in &out.rerun {
            if let Some(set) = self.task_sets.get_mut(key) {
                for &i in idx {
                    set.task_failed(i, &self.hosts);
                }
            }
        }
        for &key in &out.fetch_failed {
            self.remove_stage(key);
        }
        if !out.fetch_failed.is_empty() {
            let failed = out.fetch_failed.clone();
            self.kill_tasks_of(k, &|s| failed.contains(&s));
        }
        if out.failed_attempts > 0 {
            *k.metrics
                .fetch_failures
                .entry(self.name.clone())
                .or_insert(0) += u64::from(out.failed_attempts);
        }
        let now = k.now;
        for &key in &out.resubmitted {
            self.submit_stage(&k.storage, now, key);
        }
        *k.metrics
            .stage_resubmissions
            .entry(self.name.clone())
            .or_insert(0) += out.resubmitted.len() as u64;
        for (keys, row) in out.aborted {
            self.job_aborted(
                k,
                keys,
                row,
                "a stage failed spark.stage.maxConsecutiveAttempts times on fetch failures",
            );
        }
        if out.outputs > 0 {
            self.make_offers(k, None);
        }
        out.outputs
    }

    /// Executor `id` died (its process, not its machine): its shuffle
    /// outputs go with it unless the external shuffle service serves them
    /// (`spark.shuffle.service.enabled`; Spark 3.0
    /// `DAGScheduler.handleExecutorLost`).
    pub fn executor_outputs_lost(&mut self, k: &mut Kernel, id: u64) -> u32 {
        if self.settings.shuffle_service {
            return 0;
        }
        self.outputs_lost(k, &|o| o.executor == id)
    }

    /// Machine `host` is gone: every shuffle output written there is
    /// gone, the shuffle service's files with it (Spark 3.0 removes a lost
    /// worker's outputs, `removeOutputsOnHost`, and a fetch from a dead
    /// host fails the same way elsewhere).
    pub fn host_outputs_lost(&mut self, k: &mut Kernel, host: AgentId) -> u32 {
        self.outputs_lost(k, &|o| o.host == host)
    }

    /// The attempts balance: every launched attempt succeeded, failed, was
    /// killed or lost, or runs now.
    pub fn check_attempts(&self) -> Result<(), String> {
        let b = self.books;
        let running: u64 = self
            .executors
            .values()
            .map(|e| e.running.len() as u64)
            .sum();
        let ended = b.succeeded + b.failed + b.killed + b.lost;
        if b.launched != ended + running {
            return Err(format!(
                "app {}: {} task attempts launched, but {} succeeded + {} failed + {} killed + {} lost + {running} running",
                self.name, b.launched, b.succeeded, b.failed, b.killed, b.lost
            ));
        }
        Ok(())
    }

    /// With `stop` unset, the app ends once its stream is done and its last
    /// job has finished.
    pub fn finished(&self) -> bool {
        !self.stopped && self.stop_at == StopAt::JobsDone && self.jobs.is_idle()
    }

    /// A task lost with its executor is pending again. Executor losses do
    /// not count toward `spark.task.maxFailures` here, though Spark 3.0
    /// `TaskSetManager.executorLost` counts most of them (reference
    /// standalone-yarn-local.md §1.6; a deviation, docs/deviations.md), so
    /// it always re-runs.
    pub fn requeue(&mut self, stage: usize, index: u32) {
        if let Some(set) = self.task_sets.get_mut(&stage) {
            set.task_failed(index, &self.hosts);
        }
        self.jobs.task_failed(stage);
    }

    /// The executors on a failed machine stop where they are: their tasks
    /// make no progress and end no more, until the driver learns that the
    /// executors are lost.
    pub fn host_down(&mut self, k: &mut Kernel, agent: AgentId) {
        let ids: Vec<u64> = self
            .executors
            .iter()
            .filter(|(_, e)| e.agent == agent && !e.frozen)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some(e) = self.executors.get_mut(&id) {
                advance(e, k.now);
                e.frozen = true;
            }
            self.replan(k, id);
        }
    }

    /// The tasks running on executor `id` are lost with it: pending again.
    /// Returns how many, and the work they had done (µs at full speed).
    pub fn requeue_tasks_of(&mut self, k: &mut Kernel, id: u64) -> (u32, f64) {
        let Some(e) = self.executors.get_mut(&id) else {
            return (0, 0.0);
        };
        advance(e, k.now);
        let done: f64 = e
            .running
            .iter()
            .map(|t| t.work - t.remaining.max(0.0))
            .sum();
        if !e.running.is_empty() {
            *k.metrics.lost_work.entry(self.name.clone()).or_insert(0.0) += done;
        }
        // They are lost: off the executor (which leaves next).
        let lost: Vec<(usize, u32)> = std::mem::take(&mut e.running)
            .iter()
            .map(|t| (t.stage, t.index))
            .collect();
        let n = lost.len() as u32;
        self.books.lost += u64::from(n);
        *k.metrics
            .executors_lost
            .entry(self.name.clone())
            .or_insert(0) += 1;
        k.metrics.tasks_lost += u64::from(n);
        for (stage, index) in lost {
            self.requeue(stage, index);
        }
        (n, done)
    }

    /// `removeExecutor`: the executor leaves the driver (killed, failed,
    /// lost or stopped with the app); its CPUs are no longer busy. Returns
    /// it for the manager's books.
    pub fn remove_executor(&mut self, k: &mut Kernel, id: u64) -> Option<Executor> {
        let mut e = self.executors.remove(&id)?;
        if let Some(h) = e.pending.take() {
            k.cancel(h);
        }
        advance(&mut e, k.now);
        // Tasks still running go with it, killed.
        self.books.killed += e.running.len() as u64;
        if let Some(m) = self.dynamic.as_mut() {
            m.executor_removed(id);
        }
        // executorLost: a host without executors can invalidate a level.
        if e.registered && self.hosts.executor_lost(e.agent) {
            self.recompute_levels();
        }
        k.metrics.cpus_busy -= e.busy_milli;
        if e.shared {
            let m = &mut k.shared_cpus[e.agent.index()];
            let before = m.factor();
            m.demand_milli -= e.demand_milli;
            if m.factor() != before {
                k.push(k.now, Event::MachineShare(e.agent.0));
            }
        }
        Some(e)
    }

    /// The executor leaves the driver on a manager that keeps no Mesos
    /// books (standalone, YARN, local): what it held goes back to the
    /// run's books and its row is written with `reason`.
    pub fn release_executor(&mut self, k: &mut Kernel, id: u64, reason: &'static str) {
        let Some(e) = self.remove_executor(k, id) else {
            return;
        };
        k.metrics.held_by(
            self.id,
            k.now,
            -i64::from(e.cpus) * 1000,
            -(e.mem_mb as i64) * 1000,
        );
        let row = e.row(&self.name, id, k.hostname(e.agent), Some((k.now, reason)));
        k.executor_row(row);
    }

    /// Tasks of the active stages that prefer some host
    /// (`numLocalityAwareTasks`, Spark 3.0 `ExecutorAllocationManager`).
    pub fn locality_aware_tasks(&self) -> u32 {
        self.task_sets
            .values()
            .filter(|t| !t.is_empty() && !t.prefs_of(0).is_empty())
            .map(|t| t.len() as u32)
            .sum()
    }

    /// A new driver (a relaunched cluster-mode driver) starts from scratch:
    /// a new SparkContext has no executors, task sets or hints; the jobs of
    /// the old one are abandoned.
    pub fn reset_for_restart(&mut self) {
        self.restarting = true;
        self.registered_cores = 0;
        self.ready = false;
        self.dynamic = None;
        self.task_sets.clear();
        self.hints.clear();
        self.revive_at = None;
        self.jobs.abandon_active();
    }

    /// The driver died for good: its jobs are abandoned.
    pub fn abandon(&mut self) {
        self.jobs.abandon_active();
        self.jobs.done = true;
    }

    /// The manager gave up on the app (a driver not relaunched).
    pub fn give_up(&mut self) {
        self.restarting = false;
        self.stopped = true;
        self.jobs.done = true;
    }

    /// At the end of a run: rows for live executors and unfinished jobs.
    pub fn flush(&mut self, k: &mut Kernel) {
        let rows: Vec<ExecutorRow> = self
            .executors
            .iter()
            .map(|(id, e)| e.row(&self.name, *id, k.hostname(e.agent), None))
            .collect();
        for r in rows {
            k.executor_row(r);
        }
        let unfinished: Vec<JobRow> = self.jobs.unfinished_rows();
        k.metrics.jobs.extend(unfinished);
    }
}

fn before_stop(stop: StopAt, t: SimTime) -> bool {
    match stop {
        StopAt::At(d) => t < SimTime::ZERO + d,
        _ => true,
    }
}

/// Brings every running task's remaining work up to `now`.
fn advance(e: &mut Executor, now: SimTime) {
    let elapsed = now.since(e.last).as_micros() as f64;
    if elapsed > 0.0 {
        for t in &mut e.running {
            t.remaining -= elapsed * e.rate;
        }
    }
    e.last = now;
}
