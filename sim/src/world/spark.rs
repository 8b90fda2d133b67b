//! A Spark application on Mesos in coarse-grained mode: its driver (the
//! coarse backend from `policies`, the task scheduler), executors and tasks.
//!
//! - Executors register with the driver after the Mesos launch latency plus
//!   the app's `executor_startup` (JVM start); only registered executors run
//!   tasks.
//! - The task scheduler is FIFO across jobs; a job is a chain of stages with
//!   a barrier between them; an executor runs at most
//!   `advertised cores ÷ spark.task.cpus` tasks (its slots).
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
use rand_chacha::ChaCha8Rng;

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
    /// The backend reported ready (§1.7); jobs run only then.
    ready: bool,
    /// The executor allocation manager, with dynamic allocation.
    dynamic: Option<AllocationManager>,
    /// Fine-grained mode: the backend, the task scheduler's shuffle stream,
    /// executors per agent (Mesos uid, launch, running since) and tasks.
    fine: Option<FineBackend>,
    fine_rng: ChaCha8Rng,
    fine_executors: BTreeMap<AgentId, FineExecutor>,
    fine_tasks: BTreeMap<u64, (usize, u64)>,
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
            fine: None,
            fine_rng: streams.stream("app-task-scheduler", key),
            fine_executors: BTreeMap::new(),
            fine_tasks: BTreeMap::new(),
            fetch: app.fetch,
            fetched: BTreeMap::new(),
            fine_up: BTreeMap::new(),
            cluster: app.deploy_mode == DeployMode::Cluster,
            driver_uid: None,
            driver_startup_rng: streams.stream("app-driver-startup", key),
        }
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
    let a = app(w, fw);
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
        // Fine-grained: no executor limit, always ready (§2).
        a.fine = Some(FineBackend::new(&a.settings));
        a.ready = true;
        begin_stream(w, fw);
        return;
    }
    let backend = CoarseBackend::new(&a.settings, now);
    // The driver waits for the backend to be ready before running jobs
    // (`waitBackendReady`, spark-on-mesos §1.7); the wait ends by itself
    // after maxRegisteredResourcesWaitingTime.
    a.ready = backend.is_ready(0, now);
    a.backend = Some(backend);
    if a.settings.dynamic.enabled {
        // The manager sends its initial target at start (2.0+, §4.8) and
        // then runs schedule() every 100 ms (§4.1).
        let mut manager = AllocationManager::new(&a.settings.dynamic);
        let requests = manager.start();
        a.dynamic = Some(manager);
        apply_requests(w, fw, requests);
        w.push(now + SCHEDULE_INTERVAL, Event::DynamicAllocationTick(fw));
    }
    let a = app(w, fw);
    let ready_at = now + a.settings.max_registered_waiting;
    if !a.ready {
        w.push(ready_at, Event::DriverReadyTimeout(fw));
    }
    begin_stream(w, fw);
}

/// Schedules the first job and the app's stop.
fn begin_stream(w: &mut World, fw: FrameworkId) {
    push_next_arrival(w, fw);
    let horizon = w.horizon;
    match app(w, fw).stop_at {
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
    if a.stopped {
        return;
    }
    a.jobs.submit(now);
    if let Some(m) = a.dynamic.as_mut() {
        m.stage_submitted(now);
    }
    // Fine mode: submitTasks → reviveOffers → a Mesos REVIVE.
    let fine = a.fine.is_some();
    push_next_arrival(w, fw);
    if fine {
        w.revive(fw);
    }
    schedule_tasks(w, fw);
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
    }
    if !a.ready {
        a.ready = a
            .backend
            .as_ref()
            .is_some_and(|b| b.is_ready(a.registered_cores, now));
    }
    schedule_tasks(w, fw);
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
/// Mesos executor limit (`doRequestTotalExecutors` does not revive, §1.3),
/// so raised limits wait for filtered offers to come back. Killed
/// executors end at once with `idle_timeout` (their KILLED update is not
/// delayed here).
fn apply_requests(w: &mut World, fw: FrameworkId, requests: Vec<Request>) {
    let now = w.now;
    for r in requests {
        match r {
            Request::Total(n) => {
                let a = app(w, fw);
                let Some(b) = a.backend.as_mut() else {
                    continue;
                };
                b.request_total_executors(n, BTreeMap::new(), now);
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
    let a = app(w, fw);
    if !a.ready && !a.stopped {
        a.ready = true;
        schedule_tasks(w, fw);
    }
}

/// Hands pending tasks (FIFO across jobs) to free slots, one per registered
/// executor per pass, executors in id order; nothing runs before the
/// backend is ready.
fn schedule_tasks(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    if !app(w, fw).ready {
        return;
    }
    let mut changed: Vec<u64> = Vec::new();
    {
        let a = app(w, fw);
        let ids: Vec<u64> = a
            .executors
            .iter()
            .filter(|(_, e)| e.registered)
            .map(|(id, _)| *id)
            .collect();
        loop {
            let mut any = false;
            for id in &ids {
                let free = {
                    let e = &a.executors[id];
                    (e.running.len() as u32) < e.slots
                };
                if !free {
                    continue;
                }
                let Some((job, duration)) = a.jobs.take_task() else {
                    break;
                };
                let e = a.executors.get_mut(id).expect("executor");
                advance(e, now);
                e.running.push(RunningTask {
                    job,
                    remaining: duration as f64,
                });
                a.jobs.started(job, now);
                if let Some(m) = a.dynamic.as_mut() {
                    m.task_started(*id);
                }
                if !changed.contains(id) {
                    changed.push(*id);
                }
                any = true;
            }
            if !any {
                break;
            }
        }
    }
    // onTaskStart: a start that leaves nothing pending clears the backlog
    // timer (§4.5).
    let a = app(w, fw);
    if !changed.is_empty() && a.jobs.backlog() == 0 {
        if let Some(m) = a.dynamic.as_mut() {
            m.queue_empty();
        }
    }
    for id in changed {
        replan(w, fw, id);
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
    let mut finished: Vec<usize> = Vec::new();
    e.running.retain(|t| {
        if t.remaining <= DONE_EPSILON {
            finished.push(t.job);
            false
        } else {
            true
        }
    });
    let mut ended: Vec<JobRow> = Vec::new();
    for j in finished {
        if let Some(m) = a.dynamic.as_mut() {
            m.task_ended(id, now);
        }
        match a.jobs.finished(j, now) {
            TaskEnd::Nothing => {}
            TaskEnd::StageOpened => {
                if let Some(m) = a.dynamic.as_mut() {
                    m.stage_submitted(now);
                }
            }
            TaskEnd::JobDone(row) => ended.push(row),
        }
    }
    if a.jobs.active_jobs() == 0 {
        // The last active stage completed (§4.5).
        if let Some(m) = a.dynamic.as_mut() {
            m.queue_empty();
        }
    }
    w.metrics.jobs.extend(ended);
    replan(w, fw, id);
    schedule_tasks(w, fw);
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

/// Fine mode (§2): the backend sizes launches from the pending tasks; the
/// world takes that many tasks FIFO and launches them (plus the agent's
/// executor when new) with the 1 s filter.
fn fine_resource_offers(w: &mut World, fw: FrameworkId, ids: &[u64]) {
    let now = w.now;
    let replies = {
        let (frameworks, offers, agents) = (&mut w.frameworks, &w.offers, &w.agents);
        let Framework::Spark(a) = &mut frameworks[fw.index()] else {
            unreachable!("framework {fw} is not a Spark app")
        };
        let pending = a.jobs.backlog().min(u32::MAX as usize) as u32;
        let backend = a.fine.as_mut().expect("fine backend");
        backend.resource_offers(&offer_batch(ids, offers, agents), pending, &mut a.fine_rng)
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
                let a = app(w, fw);
                let mut launch = Vec::new();
                let new_executor = executor.is_some();
                if let Some(r) = executor {
                    launch.push((r, TaskOwner::SparkFineExecutor(fw, agent)));
                }
                let mut picked = Vec::new();
                for r in tasks {
                    if let Some((job, duration)) = a.jobs.take_task() {
                        picked.push((job, duration));
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
    if let Some(&(job, duration)) = a.fine_tasks.get(&uid) {
        a.jobs.started(job, now);
        let busy = a.fine_task_busy_milli();
        w.metrics.cpus_busy += busy;
        w.push(now + SimDuration(duration), Event::FineTaskDone(uid));
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
    let Some((job, _)) = a.fine_tasks.remove(&uid) else {
        return;
    };
    let busy = a.fine_task_busy_milli();
    let mut revive = false;
    let mut row = None;
    match a.jobs.finished(job, now) {
        TaskEnd::Nothing => {}
        TaskEnd::StageOpened => revive = true,
        TaskEnd::JobDone(r) => row = Some(r),
    }
    w.metrics.cpus_busy -= busy;
    if let Some(r) = row {
        w.metrics.jobs.push(r);
    }
    if revive {
        w.revive(fw);
    }
    maybe_finish(w, fw);
}

/// The app ends: the backend stops, every executor is killed (its Mesos
/// task ends KILLED), unfinished jobs stay unfinished.
pub(super) fn stop(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let a = app(w, fw);
    if a.stopped {
        return;
    }
    a.stopped = true;
    if let Some(b) = a.backend.as_mut() {
        b.stop();
    }
    let execs: Vec<(u64, u64)> = a.executors.iter().map(|(id, e)| (*id, e.uid)).collect();
    for (id, uid) in execs {
        end_executor(w, fw, id, uid, "app_end", MesosTaskState::Killed, now);
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
        let row = fine_executor_row(w, fw, agent, uid, launch, ready, Some(now));
        w.end_task(uid);
        w.executor_row(row);
    }
    w.deactivate(fw);
    release_driver(w, fw);
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
    let effect = a.backend.as_mut().map(|b| b.status_update(id, state));
    // Spark calls reviveOffers() on every terminal update (§1.3), which
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
    end: Option<SimTime>,
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
        end,
        end_reason: end.map(|_| "app_end"),
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
