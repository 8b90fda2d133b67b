//! A Spark application on Mesos in coarse-grained mode: its driver (the
//! coarse backend from `policies`, the task scheduler), executors and tasks.
//!
//! - Executors register with the driver after the Mesos launch latency plus
//!   the app's `executor_startup` (JVM start); only registered executors run
//!   tasks.
//! - The driver's task scheduler (`policies::spark::task_scheduler`) is
//!   FIFO across jobs with delay scheduling; a job is a chain of stages
//!   with a barrier between them; an executor runs at most
//!   `advertised cores ÷ spark.task.cpus` tasks (its slots). Free slots are
//!   offered as Spark's `CoarseGrainedSchedulerBackend` does: all
//!   executors when one registers, a stage is submitted or the revive timer
//!   fires (`spark.scheduler.revive.interval`), the one executor when a
//!   task ends on it (docs/locality.md).
//! - Jobs with `input` read one block per first-stage task (`[data]`,
//!   [`super::data`]); a task away from its block's replicas reads it
//!   remotely, which adds to its work.
//! - CPU sharing (fluid processor sharing): `n` tasks on an executor with `k`
//!   Mesos cores, each needing `c = cpu_fraction × spark.task.cpus` CPUs,
//!   progress at rate `min(1, k / (n·c))`. With `spark.mesos.extra.cores`
//!   the slots exceed `k`: I/O-bound tasks (small `c`) gain, CPU-bound ones
//!   just share.

use std::collections::BTreeMap;

use policies::model::{AgentId, FrameworkId, Milli};
use policies::spark::SparkSettings;
use policies::spark::allocation_manager::{AllocationManager, Request, SCHEDULE_INTERVAL};
use policies::spark::coarse::{CoarseBackend, MesosTaskState, Offer, Reply};
use policies::spark::fine::{FineBackend, FineReply, LAUNCH_REFUSE};
use policies::spark::task_scheduler::{self, Hosts, TaskSet, WorkerOffer};
use rand_chacha::ChaCha8Rng;

use super::data::{Read, Storage};
use super::{Agent, Event, Framework, Outstanding, TaskOwner, World};
use crate::metrics::{AllocationRow, ExecutorRow, JobRow};
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{App, DeployMode, FetchCosts, StopAt};
use crate::time::{SimDuration, SimTime};
use crate::workload::{JobStream, Sampler, TaskEnd};

/// Work below this (in µs at full speed) counts as done: guards against
/// float dust when a completion is computed by division.
const DONE_EPSILON: f64 = 0.5;

#[derive(Debug)]
pub(crate) struct RunningTask {
    job: usize,
    /// Its index in the job's current stage.
    index: u32,
    /// Whether it reads its input block locally (`None`: no input).
    local: Option<bool>,
    /// µs of work left at full speed, as of the executor's `last` update.
    remaining: f64,
}

#[derive(Debug)]
pub(crate) struct Executor {
    pub uid: u64,
    pub agent: AgentId,
    pub cpus: u32,
    pub advertised: u32,
    pub mem_mb: u64,
    slots: u32,
    pub registered: bool,
    running: Vec<RunningTask>,
    version: u64,
    rate: f64,
    last: SimTime,
    busy_milli: i64,
    pub launch: SimTime,
    pub ready: Option<SimTime>,
}

/// A fine-grained executor: its Mesos task uid, launch, RUNNING time.
type FineExecutor = (u64, SimTime, Option<SimTime>);

/// A fine-grained task (one Mesos task).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FineTask {
    job: usize,
    index: u32,
    /// µs of work, the remote read included.
    work: u64,
    local: Option<bool>,
}

pub(crate) struct SparkApp {
    pub id: FrameworkId,
    pub name: String,
    pub start: SimTime,
    stop_at: StopAt,
    settings: SparkSettings,
    backend: Option<CoarseBackend>,
    cpu_fraction: f64,
    jobs: JobStream,
    startup_rng: ChaCha8Rng,
    startup: Sampler,
    pub executors: BTreeMap<u64, Executor>,
    by_uid: BTreeMap<u64, u64>,
    pub stopped: bool,
    /// Cores advertised by registered executors (`totalCoreCount`).
    registered_cores: u64,
    /// The backend reported ready (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.7); jobs run only then.
    ready: bool,
    /// The executor allocation manager, with dynamic allocation.
    dynamic: Option<AllocationManager>,
    /// The driver's task scheduler: the current stage of each active job
    /// (FIFO by job index), Spark's view of the live hosts, the offer
    /// shuffle stream.
    task_sets: BTreeMap<usize, TaskSet>,
    hosts: Hosts,
    sched_rng: ChaCha8Rng,
    /// Jobs read input blocks (first stage), placed from this stream.
    input: bool,
    blocks_rng: ChaCha8Rng,
    /// Dynamic allocation's placement hints: for the tasks of the active
    /// stages, how many prefer each host (`hostToLocalTaskCount`, Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.2).
    hints: BTreeMap<AgentId, u32>,
    /// The revive timer runs from `epoch` every revive interval; it is only
    /// scheduled while delay scheduling holds tasks back (otherwise a tick
    /// finds nothing to do).
    epoch: SimTime,
    revive_at: Option<SimTime>,
    /// Fine-grained mode: the backend, executors per agent (Mesos uid,
    /// launch, running since) and tasks (job, work µs).
    fine: Option<FineBackend>,
    fine_executors: BTreeMap<AgentId, FineExecutor>,
    fine_tasks: BTreeMap<u64, FineTask>,
    /// Fetch sizes and bandwidth, and when the app's files are on an agent
    /// (the fetcher cache; concurrent executors wait for one download).
    fetch: FetchCosts,
    fetched: BTreeMap<AgentId, SimTime>,
    /// Fine mode: when each agent's executor is up.
    fine_up: BTreeMap<AgentId, SimTime>,
    /// Cluster mode: the driver's Mesos task, and its JVM start stream.
    cluster: bool,
    driver_uid: Option<u64>,
    driver_startup_rng: ChaCha8Rng,
    /// Cluster mode: the driver failed and the dispatcher may relaunch it;
    /// arrivals meanwhile wait for the new driver.
    restarting: bool,
    /// A `JobArrival` event is queued; an arrival came while the driver
    /// was down; the app's stop is scheduled.
    arrival_queued: bool,
    arrival_held: bool,
    stop_scheduled: bool,
    /// When the driver's registration wait (`DriverReadyTimeout`) ends.
    ready_deadline: SimTime,
}

impl SparkApp {
    pub fn new(id: FrameworkId, app: &App, streams: &RngStreams) -> SparkApp {
        // Streams are keyed by the app's name, so adding or reordering apps
        // changes no other app's workload.
        let key = fnv1a64(app.name.as_bytes());
        let start = SimTime::ZERO + app.start;
        SparkApp {
            id,
            name: app.name.clone(),
            start,
            stop_at: app.stop,
            settings: app.settings.clone(),
            backend: None,
            cpu_fraction: app.jobs.cpu_fraction,
            jobs: JobStream::new(&app.name, "app", &app.jobs, start, streams),
            startup_rng: streams.stream("app-executor-startup", key),
            startup: Sampler::new(&app.executor_startup),
            executors: BTreeMap::new(),
            by_uid: BTreeMap::new(),
            stopped: false,
            registered_cores: 0,
            ready: false,
            dynamic: None,
            task_sets: BTreeMap::new(),
            hosts: Hosts::without_racks(),
            sched_rng: streams.stream("app-task-scheduler", key),
            input: app.jobs.input,
            blocks_rng: streams.stream("app-blocks", key),
            hints: BTreeMap::new(),
            epoch: start,
            revive_at: None,
            fine: None,
            fine_executors: BTreeMap::new(),
            fine_tasks: BTreeMap::new(),
            fetch: app.fetch,
            fetched: BTreeMap::new(),
            fine_up: BTreeMap::new(),
            cluster: app.deploy_mode == DeployMode::Cluster,
            driver_uid: None,
            driver_startup_rng: streams.stream("app-driver-startup", key),
            restarting: false,
            arrival_queued: false,
            arrival_held: false,
            stop_scheduled: false,
            ready_deadline: SimTime::ZERO,
        }
    }

    /// After a cluster-mode driver failed: a new driver starts from scratch
    /// (a new SparkContext: no backend, executors, task sets or hints); the
    /// jobs of the old one are abandoned.
    fn reset_for_restart(&mut self) {
        self.restarting = true;
        self.backend = None;
        self.by_uid.clear();
        self.registered_cores = 0;
        self.ready = false;
        self.dynamic = None;
        self.fine = None;
        self.task_sets.clear();
        self.hints.clear();
        self.revive_at = None;
        self.fine_up.clear();
        self.jobs.abandon_active();
    }

    /// `recomputeLocality` of every task set, after a host gained its
    /// first executor or lost its last.
    fn recompute_levels(&mut self) {
        for set in self.task_sets.values_mut() {
            set.recompute(&self.hosts);
        }
    }

    pub fn driver_uid(&self) -> Option<u64> {
        self.driver_uid
    }

    pub fn settings(&self) -> &SparkSettings {
        &self.settings
    }

    pub fn cluster(&self) -> bool {
        self.cluster
    }

    pub fn set_driver(&mut self, uid: u64) {
        self.driver_uid = Some(uid);
    }

    /// The driver JVM's start-up (the app's start-up distribution, drawn
    /// from its own stream).
    pub fn driver_startup(&mut self) -> SimDuration {
        self.startup.duration(&mut self.driver_startup_rng)
    }

    /// CPUs (thousandths) a running fine-grained task keeps busy: its own
    /// `spark.task.cpus`, for `cpu_fraction` of its time.
    fn fine_task_busy_milli(&self) -> i64 {
        (self.cpu_fraction * f64::from(self.settings.task_cpus) * 1000.0).round() as i64
    }

    fn task_cpus(&self) -> u32 {
        self.settings.task_cpus
    }
}

fn app(w: &mut World, fw: FrameworkId) -> &mut SparkApp {
    match &mut w.frameworks[fw.index()] {
        Framework::Spark(a) => a,
        _ => unreachable!("framework {fw} is not a Spark app"),
    }
}

pub(super) fn start(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let hosts = w.storage.spark_hosts();
    let a = app(w, fw);
    a.hosts = hosts;
    a.epoch = now;
    a.stopped = false;
    a.restarting = false;
    let (principal, secret) = (a.settings.principal.clone(), a.settings.secret.clone());
    if let Err(reason) = w.authenticate(principal.as_deref(), secret.as_deref()) {
        // The driver cannot register: SparkContext fails, no job is run.
        let a = app(w, fw);
        a.stopped = true;
        a.jobs.done = true;
        let name = a.name.clone();
        w.metrics.refused.push((name, reason));
        w.deactivate(fw);
        release_driver(w, fw);
        return;
    }
    let a = app(w, fw);
    if !a.settings.coarse {
        // Fine-grained: no executor limit, always ready (Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2).
        a.fine = Some(FineBackend::new(&a.settings));
        a.ready = true;
        begin_stream(w, fw);
        return;
    }
    let backend = CoarseBackend::new(&a.settings, now);
    // The driver waits for the backend to be ready before running jobs
    // (Spark 3.0 `TaskSchedulerImpl.waitBackendReady` and `MesosCoarseGrainedSchedulerBackend.sufficientResourcesRegistered`, reference spark-on-mesos.md §1.7); the wait ends by itself
    // after maxRegisteredResourcesWaitingTime.
    a.ready = backend.is_ready(0, now);
    a.backend = Some(backend);
    if a.settings.dynamic.enabled {
        // The manager sends its initial target at start (2.0+, Spark 3.0 `CoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §4.8) and
        // then runs schedule() every 100 ms (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.1).
        let mut manager = AllocationManager::new(&a.settings.dynamic);
        let requests = manager.start();
        a.dynamic = Some(manager);
        apply_requests(w, fw, requests);
        w.push(now + SCHEDULE_INTERVAL, Event::DynamicAllocationTick(fw));
    }
    let a = app(w, fw);
    let ready_at = now + a.settings.max_registered_waiting;
    a.ready_deadline = ready_at;
    if !a.ready {
        w.push(ready_at, Event::DriverReadyTimeout(fw));
    }
    begin_stream(w, fw);
}

/// Schedules the first job (a relaunched driver: the job that arrived
/// while it was down, at once) and the app's stop.
fn begin_stream(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    if a.arrival_held {
        a.arrival_held = false;
        a.arrival_queued = true;
        w.push(now, Event::JobArrival(fw));
    } else if !a.arrival_queued {
        push_next_arrival(w, fw);
    }
    let horizon = w.horizon;
    let a = app(w, fw);
    if std::mem::replace(&mut a.stop_scheduled, true) {
        return maybe_finish(w, fw);
    }
    match a.stop_at {
        StopAt::Horizon => w.push(horizon, Event::FrameworkStop(fw)),
        StopAt::At(d) => w.push(SimTime::ZERO + d, Event::FrameworkStop(fw)),
        StopAt::JobsDone => maybe_finish(w, fw),
    }
}

/// Schedules the stream's next job if it is due before the horizon and the
/// app's stop; otherwise the stream is done. A driver that started late
/// (cluster mode) submits what is already due at once.
fn push_next_arrival(w: &mut World, fw: FrameworkId) {
    let (now, horizon) = (w.now, w.horizon);
    let a = app(w, fw);
    let stop_at = a.stop_at;
    match a.jobs.next_arrival() {
        Some(t) if t < horizon && before_stop(stop_at, t) => {
            a.arrival_queued = true;
            w.push(t.max(now), Event::JobArrival(fw))
        }
        _ => a.jobs.done = true,
    }
}

fn before_stop(stop: StopAt, t: SimTime) -> bool {
    match stop {
        StopAt::At(d) => t < SimTime::ZERO + d,
        _ => true,
    }
}

pub(super) fn job_arrival(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    a.arrival_queued = false;
    if a.restarting {
        // No driver to take it: it waits for the relaunched one.
        a.arrival_held = true;
        return;
    }
    if a.stopped {
        return;
    }
    let job = a.jobs.submit(now);
    if let Some(m) = a.dynamic.as_mut() {
        m.stage_submitted(now);
    }
    // submitTasks → reviveOffers: in fine mode a Mesos REVIVE, in coarse
    // mode an offer of every executor's free slots.
    let fine = a.fine.is_some();
    push_next_arrival(w, fw);
    submit_stage(w, fw, job);
    if fine {
        w.revive(fw);
    } else {
        make_offers(w, fw, None);
    }
}

/// The current stage of `job` is submitted: its task set joins the task
/// scheduler. A first stage reading input places its blocks now.
fn submit_stage(w: &mut World, fw: FrameworkId, job: usize) {
    let now = w.now;
    let (storage, frameworks) = (&w.storage, &mut w.frameworks);
    let Framework::Spark(a) = &mut frameworks[fw.index()] else {
        unreachable!("framework {fw} is not a Spark app")
    };
    let (stage, tasks) = a.jobs.current_stage(job);
    let mut prefs = Vec::new();
    let mut per_task = 0;
    if a.input && stage == 0 {
        per_task = storage.replicas();
        prefs.reserve(tasks * per_task);
        for _ in 0..tasks {
            storage.place(&mut a.blocks_rng, &mut prefs);
        }
    }
    if a.dynamic.is_some() {
        for h in &prefs {
            *a.hints.entry(*h).or_insert(0) += 1;
        }
    }
    let set = TaskSet::new(
        tasks,
        prefs,
        per_task,
        &a.hosts,
        a.settings.locality_wait,
        now,
    );
    a.task_sets.insert(job, set);
}

/// `job`'s current stage has all its tasks done (or the app ended).
fn remove_stage(a: &mut SparkApp, job: usize) {
    let Some(set) = a.task_sets.remove(&job) else {
        return;
    };
    if a.dynamic.is_none() {
        return;
    }
    for i in 0..set.len() as u32 {
        for h in set.prefs_of(i) {
            if let Some(n) = a.hints.get_mut(h) {
                *n -= 1;
                if *n == 0 {
                    a.hints.remove(h);
                }
            }
        }
    }
}

/// A finished task moved its job on: the next stage is submitted, or the
/// job's task set leaves the scheduler.
fn stage_moved(w: &mut World, fw: FrameworkId, job: usize, end: &TaskEnd) {
    match end {
        TaskEnd::Nothing => {}
        TaskEnd::StageOpened => {
            remove_stage(app(w, fw), job);
            submit_stage(w, fw, job);
        }
        TaskEnd::JobDone(_) => remove_stage(app(w, fw), job),
    }
}

/// Offers from one allocation run, handed to the backend in one call.
pub(super) fn resource_offers(w: &mut World, fw: FrameworkId, ids: &[u64]) {
    if app(w, fw).fine.is_some() {
        return fine_resource_offers(w, fw, ids);
    }
    let now = w.now;
    let replies = {
        let (frameworks, offers, agents) = (&mut w.frameworks, &w.offers, &w.agents);
        let Framework::Spark(a) = &mut frameworks[fw.index()] else {
            unreachable!("framework {fw} is not a Spark app")
        };
        match a.backend.as_mut() {
            Some(backend) => backend.resource_offers(&offer_batch(ids, offers, agents), now),
            None => ids
                .iter()
                .map(|id| Reply::Decline {
                    offer: *id,
                    refuse: policies::mesos::Refuse::Default,
                })
                .collect(),
        }
    };
    for reply in replies {
        match reply {
            Reply::Decline { offer, refuse } => w.decline(offer, refuse),
            Reply::Launch { offer, executors } => {
                let tasks = executors
                    .iter()
                    .map(|e| (e.resources.clone(), TaskOwner::SparkExecutor(fw, e.task_id)))
                    .collect();
                let uids = w.accept(offer, tasks, policies::mesos::Refuse::Default);
                let latency = w.task_launch_latency;
                for (e, uid) in executors.into_iter().zip(uids) {
                    let a = app(w, fw);
                    let startup = a.startup.duration(&mut a.startup_rng);
                    let slots = e.advertised_cores / a.task_cpus().max(1);
                    a.by_uid.insert(uid, e.task_id);
                    a.executors.insert(
                        e.task_id,
                        Executor {
                            uid,
                            agent: e.agent,
                            cpus: e.cpus,
                            advertised: e.advertised_cores,
                            mem_mb: e.mem_mb,
                            slots,
                            registered: false,
                            running: Vec::new(),
                            version: 0,
                            rate: 1.0,
                            last: now,
                            busy_milli: 0,
                            launch: now,
                            ready: None,
                        },
                    );
                    w.metrics.executors_launched += 1;
                    let up = executor_up(w, fw, e.agent, now + latency);
                    w.push(up + startup, Event::ExecutorRegistered(uid));
                }
            }
        }
    }
}

pub(super) fn executor_registered(w: &mut World, uid: u64) {
    let Some(super::TaskOwner::SparkExecutor(fw, task_id)) = w.tasks.get(&uid).map(|t| t.owner)
    else {
        return;
    };
    let now = w.now;
    let a = app(w, fw);
    if a.stopped {
        return;
    }
    if let Some(e) = a.executors.get_mut(&task_id) {
        e.registered = true;
        e.ready = Some(now);
        a.registered_cores += u64::from(e.advertised);
        if let Some(m) = a.dynamic.as_mut() {
            m.executor_added(task_id, now);
        }
        // executorAdded: a new host can make a locality level valid.
        if a.hosts.executor_added(e.agent) {
            a.recompute_levels();
        }
    }
    if !a.ready {
        a.ready = a
            .backend
            .as_ref()
            .is_some_and(|b| b.is_ready(a.registered_cores, now));
    }
    make_offers(w, fw, None);
}

/// The manager's 100 ms tick: pending tasks (of the open stages, not yet
/// started) and running tasks decide the target.
pub(super) fn dynamic_tick(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    if a.stopped {
        return;
    }
    let pending = a.jobs.backlog() as u64;
    let running: u64 = a.executors.values().map(|e| e.running.len() as u64).sum();
    let Some(m) = a.dynamic.as_mut() else { return };
    let requests = m.schedule(now, pending, running);
    apply_requests(w, fw, requests);
    w.push(now + SCHEDULE_INTERVAL, Event::DynamicAllocationTick(fw));
}

/// Hands the manager's requests to the backend. A new total only sets the
/// Mesos executor limit (`doRequestTotalExecutors` does not revive, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3),
/// so raised limits wait for filtered offers to come back. Killed
/// executors end at once with `idle_timeout` (their KILLED update is not
/// delayed here).
fn apply_requests(w: &mut World, fw: FrameworkId, requests: Vec<Request>) {
    let now = w.now;
    for r in requests {
        match r {
            Request::Total(n) => {
                // The placement hints go with every request (Spark 3.0 `CoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §4.8) and hold
                // the backend's launches for the wanted hosts (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.6).
                let wanted: Vec<(AgentId, u32)> =
                    app(w, fw).hints.iter().map(|(h, n)| (*h, *n)).collect();
                let hints: BTreeMap<String, u32> = wanted
                    .into_iter()
                    .map(|(h, n)| (w.hostname(h).to_string(), n))
                    .collect();
                let a = app(w, fw);
                let Some(b) = a.backend.as_mut() else {
                    continue;
                };
                b.request_total_executors(n, hints, now);
                let executors = b.num_executors() as u32;
                let row = AllocationRow {
                    time: now,
                    app: a.name.clone(),
                    target: n,
                    executors,
                };
                w.metrics.allocations.push(row);
            }
            Request::Kill(ids) => {
                let a = app(w, fw);
                let Some(b) = a.backend.as_ref() else {
                    continue;
                };
                let live = b.kill_executors(&ids);
                for id in live {
                    let uid = app(w, fw).executors.get(&id).map(|e| e.uid);
                    if let Some(uid) = uid {
                        end_executor(w, fw, id, uid, "idle_timeout", MesosTaskState::Killed, now);
                    }
                }
            }
        }
    }
}

pub(super) fn ready_timeout(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    // A timeout of an earlier driver (cluster mode relaunch) is stale.
    if !a.ready && !a.stopped && now >= a.ready_deadline {
        a.ready = true;
        make_offers(w, fw, None);
    }
}

/// `makeOffers`: the free slots of every registered executor (`only`:
/// of that one) go to the task scheduler, and its picks start. Nothing runs
/// before the backend is ready. When delay scheduling leaves a free slot
/// idle with tasks pending, the revive timer is armed.
fn make_offers(w: &mut World, fw: FrameworkId, only: Option<u64>) {
    let now = w.now;
    let (storage, frameworks) = (&w.storage, &mut w.frameworks);
    let Framework::Spark(a) = &mut frameworks[fw.index()] else {
        unreachable!("framework {fw} is not a Spark app")
    };
    if !a.ready || a.stopped || a.task_sets.is_empty() {
        return;
    }
    let task_cpus = a.task_cpus().max(1);
    let offer = |(id, e): (&u64, &Executor)| WorkerOffer {
        executor: *id,
        host: e.agent,
        cores: e.slots.saturating_sub(e.running.len() as u32) * task_cpus,
    };
    // One executor's slots (a task ended on it) need no walk over all.
    let offers: Vec<WorkerOffer> = match only {
        Some(id) => a
            .executors
            .get_key_value(&id)
            .filter(|(_, e)| e.registered)
            .map(offer)
            .into_iter()
            .collect(),
        None => a
            .executors
            .iter()
            .filter(|(_, e)| e.registered)
            .map(offer)
            .collect(),
    };
    let jobs: Vec<usize> = a.task_sets.keys().copied().collect();
    let mut sets: Vec<&mut TaskSet> = a.task_sets.values_mut().collect();
    let picks = task_scheduler::resource_offers(
        &mut sets,
        &offers,
        &a.hosts,
        task_cpus,
        now,
        &mut a.sched_rng,
    );
    let mut used = vec![0u32; offers.len()];
    let mut changed: Vec<u64> = Vec::new();
    for p in &picks {
        let job = jobs[p.task_set];
        let offer = offers[p.offer];
        used[p.offer] += task_cpus;
        let (read, local) = read_cost(storage, a, job, p.index, offer.host);
        let work = (a.jobs.take_index(job, p.index) + read.as_micros()) as f64;
        let e = a
            .executors
            .get_mut(&offer.executor)
            .expect("offered executor");
        advance(e, now);
        e.running.push(RunningTask {
            job,
            index: p.index,
            local,
            remaining: work,
        });
        a.jobs.started(job, now);
        if let Some(m) = a.dynamic.as_mut() {
            m.task_started(offer.executor);
        }
        if !changed.contains(&offer.executor) {
            changed.push(offer.executor);
        }
    }
    let backlog = a.jobs.backlog();
    debug_assert_eq!(
        backlog,
        a.task_sets.values().map(TaskSet::pending).sum::<usize>(),
        "the task scheduler and the job stream disagree on pending tasks"
    );
    // onTaskStart: a start that leaves nothing pending clears the backlog
    // timer (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.5).
    if !picks.is_empty()
        && backlog == 0
        && let Some(m) = a.dynamic.as_mut()
    {
        m.queue_empty();
    }
    let held = backlog > 0
        && offers
            .iter()
            .zip(&used)
            .any(|(o, u)| o.cores - u >= task_cpus);
    if held && a.revive_at.is_none() {
        let every = a.settings.revive_interval.as_micros().max(1);
        let ticks = now.since(a.epoch).as_micros() / every + 1;
        let at = a.epoch + SimDuration(ticks * every);
        a.revive_at = Some(at);
        w.push(at, Event::SparkRevive(fw));
    }
    for id in changed {
        replan(w, fw, id);
    }
}

/// What reading task `index`'s input block costs on `host`, and whether
/// the read is local (`None` for a task without input).
fn read_cost(
    storage: &Storage,
    a: &SparkApp,
    job: usize,
    index: u32,
    host: AgentId,
) -> (SimDuration, Option<bool>) {
    let prefs = a.task_sets[&job].prefs_of(index);
    if prefs.is_empty() {
        return (SimDuration::ZERO, None);
    }
    let (read, cost) = storage.read(prefs, host);
    (cost, Some(read == Read::Local))
}

/// The revive timer (`spark.scheduler.revive.interval`): every executor's
/// free slots are offered again, so held-back tasks can fall back to a
/// less local level once their wait is over.
pub(super) fn revive_tick(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    // Only the armed tick counts (an earlier driver's is stale).
    if a.revive_at != Some(now) {
        return;
    }
    a.revive_at = None;
    make_offers(w, fw, None);
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

/// Recomputes the executor's rate and busy CPUs and schedules its next
/// completion (one pending event per executor; a new version makes older
/// ones stale).
fn replan(w: &mut World, fw: FrameworkId, id: u64) {
    let now = w.now;
    let a = app(w, fw);
    let c = a.cpu_fraction * f64::from(a.task_cpus());
    let Some(e) = a.executors.get_mut(&id) else {
        return;
    };
    advance(e, now);
    let n = e.running.len() as f64;
    let k = f64::from(e.cpus);
    e.rate = if n * c <= k { 1.0 } else { k / (n * c) };
    let busy = ((n * c).min(k) * 1000.0).round() as i64;
    let delta = busy - e.busy_milli;
    e.busy_milli = busy;
    e.version += 1;
    let next = e
        .running
        .iter()
        .map(|t| t.remaining)
        .fold(f64::INFINITY, f64::min);
    let event = next.is_finite().then(|| {
        let wait = (next.max(0.0) / e.rate).ceil() as u64;
        (
            now + SimDuration(wait),
            Event::SparkTaskDone {
                executor_uid: e.uid,
                version: e.version,
            },
        )
    });
    w.metrics.cpus_busy += delta;
    if let Some((at, ev)) = event {
        w.push(at, ev);
    }
}

pub(super) fn task_done(w: &mut World, executor_uid: u64, version: u64) {
    let now = w.now;
    let Some(TaskOwner::SparkExecutor(fw, id)) = w.tasks.get(&executor_uid).map(|t| t.owner) else {
        return;
    };
    let a = app(w, fw);
    let Some(e) = a.executors.get_mut(&id) else {
        return;
    };
    if e.version != version {
        return; // superseded by a later plan
    }
    advance(e, now);
    let mut finished: Vec<(usize, Option<bool>)> = Vec::new();
    e.running.retain(|t| {
        if t.remaining <= DONE_EPSILON {
            finished.push((t.job, t.local));
            false
        } else {
            true
        }
    });
    let mut moves: Vec<(usize, TaskEnd)> = Vec::new();
    for (j, local) in finished {
        if let Some(m) = a.dynamic.as_mut() {
            m.task_ended(id, now);
        }
        if let Some(local) = local {
            a.jobs.read_input(j, local);
        }
        let end = a.jobs.finished(j, now);
        if end == TaskEnd::StageOpened
            && let Some(m) = a.dynamic.as_mut()
        {
            m.stage_submitted(now);
        }
        moves.push((j, end));
    }
    if a.jobs.active_jobs() == 0 {
        // The last active stage completed (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.5).
        if let Some(m) = a.dynamic.as_mut() {
            m.queue_empty();
        }
    }
    replan(w, fw, id);
    // statusUpdate offers this executor's slots; a submitted stage offers
    // every executor's (reviveOffers).
    let mut all = false;
    for (j, end) in moves {
        stage_moved(w, fw, j, &end);
        match end {
            TaskEnd::JobDone(row) => w.metrics.jobs.push(row),
            TaskEnd::StageOpened => all = true,
            TaskEnd::Nothing => {}
        }
    }
    make_offers(w, fw, if all { None } else { Some(id) });
    maybe_finish(w, fw);
}

/// With `stop` unset, the app ends once its stream is done and its last
/// job has finished.
fn maybe_finish(w: &mut World, fw: FrameworkId) {
    let a = app(w, fw);
    if !a.stopped && a.stop_at == StopAt::JobsDone && a.jobs.is_idle() {
        stop(w, fw);
    }
}

/// When a new executor on `agent`, its Mesos task started at `start`, has
/// its files: the Spark package (`spark.executor.uri`) and
/// `spark.mesos.uris` are fetched (once per agent with
/// `spark.mesos.fetcherCache.enable`, else by every executor), then the
/// Docker image is pulled (once per agent: Docker's own cache). Downloads
/// run at `[apps.fetch] bandwidth`, without contention between them.
fn executor_up(w: &mut World, fw: FrameworkId, agent: AgentId, start: SimTime) -> SimTime {
    let a = app(w, fw);
    let st = &a.settings.startup;
    let mut mib = 0;
    if st.fetch_package {
        mib += a.fetch.package_mib;
    }
    if st.fetch_uris {
        mib += a.fetch.uris_mib;
    }
    let fetch_end = if mib == 0 {
        start
    } else if st.fetcher_cache {
        let done = *a.fetched.entry(agent).or_insert(start + a.fetch.time(mib));
        done.max(start)
    } else {
        start + a.fetch.time(mib)
    };
    let Some(image) = st.docker_image.clone() else {
        return fetch_end;
    };
    let pull = a.fetch.time(a.fetch.docker_image_mib);
    let done = *w
        .docker_pulled
        .entry((agent, image))
        .or_insert(fetch_end + pull);
    done.max(fetch_end)
}

/// Cluster mode: the app is over, its driver's task ends with it.
fn release_driver(w: &mut World, fw: FrameworkId) {
    let a = app(w, fw);
    if a.cluster {
        let driver = a.driver_uid.take();
        super::dispatcher::app_finished(w, driver);
    }
}

/// The backends' view of offers `ids`, borrowed from the master's books.
fn offer_batch<'a>(
    ids: &[u64],
    offers: &'a BTreeMap<u64, Outstanding>,
    agents: &'a [Agent],
) -> Vec<Offer<'a>> {
    ids.iter()
        .map(|id| {
            let o = &offers[id];
            let agent = &agents[o.agent.index()];
            Offer {
                id: *id,
                agent: o.agent,
                hostname: &agent.hostname,
                resources: &o.resources,
                attributes: &agent.attributes,
            }
        })
        .collect()
}

/// Fine mode (Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2): the backend turns usable offers into worker offers,
/// the task scheduler picks tasks for them (delay scheduling applies: a
/// held-back offer is declined), and the world launches the picks (plus
/// the agent's executor when new) with the 1 s filter.
fn fine_resource_offers(w: &mut World, fw: FrameworkId, ids: &[u64]) {
    let now = w.now;
    let mut picks: BTreeMap<AgentId, Vec<(usize, u32)>> = BTreeMap::new();
    let replies = {
        let (frameworks, offers, agents) = (&mut w.frameworks, &w.offers, &w.agents);
        let Framework::Spark(a) = &mut frameworks[fw.index()] else {
            unreachable!("framework {fw} is not a Spark app")
        };
        let SparkApp {
            fine,
            task_sets,
            hosts,
            sched_rng,
            settings,
            ..
        } = &mut **a;
        let task_cpus = settings.task_cpus;
        let backend = fine.as_mut().expect("fine backend");
        let mut schedule = |workers: &[WorkerOffer]| {
            // TaskSchedulerImpl.resourceOffers: an executor id seen for the
            // first time joins (executorAdded), which can make a level valid.
            let mut new_host = false;
            for o in workers {
                if !hosts.is_alive(o.host) {
                    hosts.executor_added(o.host);
                    new_host = true;
                }
            }
            if new_host {
                for set in task_sets.values_mut() {
                    set.recompute(hosts);
                }
            }
            let jobs: Vec<usize> = task_sets.keys().copied().collect();
            let mut sets: Vec<&mut TaskSet> = task_sets.values_mut().collect();
            let got = task_scheduler::resource_offers(
                &mut sets, workers, hosts, task_cpus, now, sched_rng,
            );
            let mut counts = vec![0u32; workers.len()];
            for p in got {
                counts[p.offer] += 1;
                picks
                    .entry(workers[p.offer].host)
                    .or_default()
                    .push((jobs[p.task_set], p.index));
            }
            counts
        };
        backend.resource_offers(&offer_batch(ids, offers, agents), &mut schedule)
    };
    for reply in replies {
        match reply {
            FineReply::Decline { offer, refuse } => w.decline(offer, refuse),
            FineReply::Launch {
                offer,
                executor,
                tasks,
            } => {
                let agent = w.offers[&offer].agent;
                let mut launch = Vec::new();
                let new_executor = executor.is_some();
                if let Some(r) = executor {
                    launch.push((r, TaskOwner::SparkFineExecutor(fw, agent)));
                }
                let mut picked = Vec::new();
                let chosen = picks.remove(&agent).unwrap_or_default();
                {
                    let (storage, frameworks) = (&w.storage, &mut w.frameworks);
                    let Framework::Spark(a) = &mut frameworks[fw.index()] else {
                        unreachable!("framework {fw} is not a Spark app")
                    };
                    for (r, (job, index)) in tasks.into_iter().zip(chosen) {
                        let (read, local) = read_cost(storage, a, job, index, agent);
                        let work = a.jobs.take_index(job, index) + read.as_micros();
                        picked.push(FineTask {
                            job,
                            index,
                            work,
                            local,
                        });
                        launch.push((r, TaskOwner::SparkFineTask(fw, job)));
                    }
                }
                // Tasks start once the agent's executor has its files.
                let running_at = now + w.task_launch_latency;
                let up = if new_executor {
                    executor_up(w, fw, agent, running_at)
                } else {
                    app(w, fw)
                        .fine_up
                        .get(&agent)
                        .copied()
                        .unwrap_or(running_at)
                };
                let uids = w.accept_delayed(offer, launch, LAUNCH_REFUSE, up.since(running_at));
                let a = app(w, fw);
                let mut uids = uids.into_iter();
                if new_executor {
                    a.fine_up.insert(agent, up);
                    if let Some(uid) = uids.next() {
                        a.fine_executors.insert(agent, (uid, now, None));
                        w.metrics.executors_launched += 1;
                    }
                }
                let a = app(w, fw);
                for (uid, t) in uids.zip(picked) {
                    a.fine_tasks.insert(uid, t);
                }
            }
        }
    }
}

/// A fine-grained Mesos task reached RUNNING: an executor records it; a
/// task starts its work (its own CPUs, no sharing).
pub(super) fn fine_task_running(w: &mut World, fw: FrameworkId, uid: u64) {
    let now = w.now;
    let a = app(w, fw);
    if let Some(t) = a.fine_tasks.get(&uid).copied() {
        a.jobs.started(t.job, now);
        let busy = a.fine_task_busy_milli();
        w.metrics.cpus_busy += busy;
        w.push(now + SimDuration(t.work), Event::FineTaskDone(uid));
        return;
    }
    for e in a.fine_executors.values_mut() {
        if e.0 == uid {
            e.2 = Some(now);
        }
    }
}

pub(super) fn fine_task_done(w: &mut World, uid: u64) {
    let now = w.now;
    let Some(TaskOwner::SparkFineTask(fw, _)) = w.tasks.get(&uid).map(|t| t.owner) else {
        return;
    };
    w.end_task(uid);
    let a = app(w, fw);
    let Some(FineTask { job, local, .. }) = a.fine_tasks.remove(&uid) else {
        return;
    };
    if let Some(local) = local {
        a.jobs.read_input(job, local);
    }
    let busy = a.fine_task_busy_milli();
    let end = a.jobs.finished(job, now);
    w.metrics.cpus_busy -= busy;
    stage_moved(w, fw, job, &end);
    match end {
        TaskEnd::Nothing => {}
        TaskEnd::StageOpened => w.revive(fw),
        TaskEnd::JobDone(r) => w.metrics.jobs.push(r),
    }
    maybe_finish(w, fw);
}

/// The app ends: the backend stops, every executor is killed (its Mesos
/// task ends KILLED), unfinished jobs stay unfinished.
pub(super) fn stop(w: &mut World, fw: FrameworkId) {
    if app(w, fw).stopped {
        return;
    }
    shut_down(w, fw, "app_end");
    release_driver(w, fw);
}

/// The driver goes away: the backend stops, every executor is killed (its
/// Mesos task ends KILLED, reported with `reason`), fine-grained tasks
/// and executors end, the framework leaves the master.
fn shut_down(w: &mut World, fw: FrameworkId, reason: &'static str) {
    let now = w.now;
    let a = app(w, fw);
    a.stopped = true;
    if let Some(b) = a.backend.as_mut() {
        b.stop();
    }
    let execs: Vec<(u64, u64)> = a.executors.iter().map(|(id, e)| (*id, e.uid)).collect();
    for (id, uid) in execs {
        end_executor(w, fw, id, uid, reason, MesosTaskState::Killed, now);
    }
    // Fine mode: running tasks and the agents' executors are killed.
    let a = app(w, fw);
    let busy = a.fine_task_busy_milli();
    let tasks: Vec<u64> = std::mem::take(&mut a.fine_tasks).into_keys().collect();
    let fine_execs: Vec<(AgentId, FineExecutor)> =
        std::mem::take(&mut a.fine_executors).into_iter().collect();
    for uid in tasks {
        if w.tasks.get(&uid).is_some_and(|t| t.running) {
            w.metrics.cpus_busy -= busy;
        }
        w.end_task(uid);
    }
    for (agent, (uid, launch, ready)) in fine_execs {
        let row = fine_executor_row(w, fw, agent, uid, launch, ready, Some((now, reason)));
        w.end_task(uid);
        w.executor_row(row);
    }
    w.deactivate(fw);
}

/// A task lost with its executor is pending again; executor losses do not
/// count toward `spark.task.maxFailures` in Spark, so it always re-runs
/// (docs/faults.md).
fn requeue(a: &mut SparkApp, job: usize, index: u32) {
    if let Some(set) = a.task_sets.get_mut(&job) {
        set.task_failed(index, &a.hosts);
    }
    a.jobs.task_failed(job);
}

/// `[[faults]] executor_failure`: the app's executors on `agent` die. A
/// coarse executor's Mesos task ends FAILED (the backend counts a failure
/// against the agent, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3, and revives); a fine-grained executor's death
/// takes its running tasks with it, and the next launch there creates and
/// charges a new executor (Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2). Lost tasks are pending again and offered
/// at once (Spark's `reviveOffers` after a failed task).
pub(super) fn executor_failure(w: &mut World, fw: FrameworkId, agent: AgentId) {
    let now = w.now;
    let a = app(w, fw);
    if a.stopped {
        return;
    }
    let execs: Vec<(u64, u64)> = a
        .executors
        .iter()
        .filter(|(_, e)| e.agent == agent)
        .map(|(id, e)| (*id, e.uid))
        .collect();
    for (id, uid) in execs {
        let a = app(w, fw);
        let lost: Vec<(usize, u32)> = a.executors[&id]
            .running
            .iter()
            .map(|t| (t.job, t.index))
            .collect();
        for (job, index) in lost {
            requeue(a, job, index);
        }
        end_executor(w, fw, id, uid, "failed", MesosTaskState::Failed, now);
    }
    let a = app(w, fw);
    if let Some((uid, launch, ready)) = a.fine_executors.remove(&agent) {
        if let Some(b) = a.fine.as_mut() {
            b.executor_lost(agent);
        }
        a.fine_up.remove(&agent);
        if a.hosts.executor_lost(agent) {
            a.recompute_levels();
        }
        let mine: Vec<u64> = a.fine_tasks.keys().copied().collect();
        let on_agent: Vec<u64> = mine
            .into_iter()
            .filter(|t| w.tasks.get(t).is_some_and(|t| t.agent == agent))
            .collect();
        let busy = app(w, fw).fine_task_busy_milli();
        for t in on_agent {
            if w.tasks.get(&t).is_some_and(|t| t.running) {
                w.metrics.cpus_busy -= busy;
            }
            w.end_task(t);
            let a = app(w, fw);
            if let Some(ft) = a.fine_tasks.remove(&t) {
                requeue(a, ft.job, ft.index);
            }
        }
        let row = fine_executor_row(w, fw, agent, uid, launch, ready, Some((now, "failed")));
        w.end_task(uid);
        w.executor_row(row);
        w.revive(fw);
        return;
    }
    make_offers(w, fw, None);
}

/// `[[faults]] driver_failure`: the driver process dies. Its jobs are
/// abandoned (unfinished in `jobs.csv`) and its executors killed with it.
/// In client mode the app is over. In cluster mode its Mesos task ends
/// FAILED and the dispatcher relaunches it with `spark.driver.supervise`
/// (docs/faults.md); the new driver takes the jobs that arrive from then on.
pub(super) fn driver_failure(w: &mut World, fw: FrameworkId) {
    let a = app(w, fw);
    if a.cluster {
        // No driver process unless the dispatcher launched one.
        let Some(uid) = a.driver_uid.take() else {
            return;
        };
        if !a.stopped {
            shut_down(w, fw, "driver_failed");
        }
        let a = app(w, fw);
        a.reset_for_restart();
        w.end_task(uid);
        super::dispatcher::driver_failed(w, fw);
        return;
    }
    if a.stopped {
        return;
    }
    shut_down(w, fw, "driver_failed");
    let a = app(w, fw);
    a.jobs.abandon_active();
    a.jobs.done = true;
}

/// The dispatcher gave up on the app (no supervise): it is over.
pub(super) fn give_up(w: &mut World, fw: FrameworkId) {
    let a = app(w, fw);
    a.restarting = false;
    a.stopped = true;
    a.jobs.done = true;
}

fn end_executor(
    w: &mut World,
    fw: FrameworkId,
    id: u64,
    uid: u64,
    reason: &'static str,
    state: MesosTaskState,
    now: SimTime,
) {
    let a = app(w, fw);
    let Some(mut e) = a.executors.remove(&id) else {
        return;
    };
    advance(&mut e, now);
    a.by_uid.remove(&uid);
    if let Some(m) = a.dynamic.as_mut() {
        m.executor_removed(id);
    }
    // executorLost: a host without executors can invalidate a level.
    if e.registered && a.hosts.executor_lost(e.agent) {
        a.recompute_levels();
    }
    let effect = a.backend.as_mut().map(|b| b.status_update(id, state));
    // Spark calls reviveOffers() on every terminal update (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3), which
    // clears its filters; a stopped driver no longer does.
    let revive = effect.is_some_and(|e| e.revive) && !a.stopped;
    let name = a.name.clone();
    w.metrics.cpus_busy -= e.busy_milli;
    w.end_task(uid);
    if revive {
        w.revive(fw);
    }
    let host = w.hostname(e.agent).to_string();
    w.executor_row(ExecutorRow {
        app: name,
        executor: id,
        agent: e.agent,
        host,
        cpus: Milli::from_units(i64::from(e.cpus)),
        advertised_cores: Some(e.advertised),
        mem_mb: e.mem_mb,
        launch: e.launch,
        ready: e.ready,
        end: Some(now),
        end_reason: Some(reason),
    });
}

#[allow(clippy::too_many_arguments)]
fn fine_executor_row(
    w: &World,
    fw: FrameworkId,
    agent: AgentId,
    uid: u64,
    launch: SimTime,
    ready: Option<SimTime>,
    end: Option<(SimTime, &'static str)>,
) -> ExecutorRow {
    let name = match &w.frameworks[fw.index()] {
        Framework::Spark(a) => a.name.clone(),
        _ => String::new(),
    };
    let held = w
        .tasks
        .get(&uid)
        .map(|t| t.resources.clone())
        .unwrap_or_default();
    ExecutorRow {
        app: name,
        // Spark names a fine-grained executor after its agent.
        executor: u64::from(agent.0),
        agent,
        host: w.hostname(agent).to_string(),
        cpus: held.cpus(),
        advertised_cores: None,
        mem_mb: held.mem_mb().whole_units().max(0) as u64,
        launch,
        ready,
        end: end.map(|(t, _)| t),
        end_reason: end.map(|(_, r)| r),
    }
}

/// At the end of a run: rows for live executors and unfinished jobs.
pub(super) fn flush(w: &mut World, fw: FrameworkId) {
    let a = app(w, fw);
    let name = a.name.clone();
    let mut rows = Vec::new();
    for (id, e) in &a.executors {
        rows.push(ExecutorRow {
            app: name.clone(),
            executor: *id,
            agent: e.agent,
            host: String::new(),
            cpus: Milli::from_units(i64::from(e.cpus)),
            advertised_cores: Some(e.advertised),
            mem_mb: e.mem_mb,
            launch: e.launch,
            ready: e.ready,
            end: None,
            end_reason: None,
        });
    }
    let unfinished: Vec<JobRow> = a.jobs.unfinished_rows();
    let fine_live: Vec<(AgentId, FineExecutor)> =
        a.fine_executors.iter().map(|(k, v)| (*k, *v)).collect();
    for mut r in rows {
        r.host = w.hostname(r.agent).to_string();
        w.executor_row(r);
    }
    w.metrics.jobs.extend(unfinished);
    for (agent, (uid, launch, ready)) in fine_live {
        let row = fine_executor_row(w, fw, agent, uid, launch, ready, None);
        w.executor_row(row);
    }
}
