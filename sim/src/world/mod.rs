//! The world in time: agents, the Mesos master, Spark drivers and other
//! frameworks, executors and tasks. Policies decide (`policies::mesos`,
//! `policies::spark::coarse`); the world applies their decisions, keeps the
//! books and moves time forward.
//!
//! Mesos rules applied here (Mesos 1.11, restated in reference
//! mesos-master.md):
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.1: a periodic run every `allocation_interval` over all agents; a
//!   framework subscribing or reviving triggers a run; triggered and
//!   periodic requests coalesce into one pending run; resources freed by
//!   task ends, declines and rescinds wait for the next run.
//! - Mesos 1.11 `src/master/master.cpp`, reference mesos-master.md §1.9: an offer locks its resources for its holder until accepted,
//!   declined, rescinded or timed out (`offer_timeout`, rescind without a
//!   filter); accepting moves offered → allocated and declines the leftovers
//!   with the call's filter (the Mesos default when none is given, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7).
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.8: REVIVE clears the framework's filters and triggers a run over all
//!   agents (Spark revives on every terminal executor update, spark-on-mesos
//!   Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3).
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.10: terminal tasks give their resources back without a run.

mod data;
mod dispatcher;
mod other;
mod spark;

use std::collections::{BTreeMap, BTreeSet};

use policies::mesos::{
    AgentView, Allocator, ClusterView, FrameworkView, Grant, MinAllocatable, OfferFilters, Refuse,
    RoleView, ScalarIndex, Scalars, allocator_named, filter_lifetime,
};
use policies::model::{AgentId, Attributes, FrameworkId, Resources, UNRESERVED};
use rand_chacha::ChaCha8Rng;

use crate::metrics::{ExecutorRow, Metrics, OfferRow, ShareRow, UtilizationRow};
use crate::queue::{EventClass, EventQueue};
use crate::rng::{RngStreams, fnv1a64, splitmix64};
use crate::scenario::{DeployMode, Fault, FaultKind, Scenario};
use crate::time::{SimDuration, SimTime};

use other::OtherFramework;
use spark::SparkApp;

/// Options that do not change what is simulated.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Record every offer for `offers.csv`.
    pub record_offers: bool,
    /// Check the invariants after every event ([`crate::check`]).
    pub check_invariants: bool,
}

/// What happens, in order of `(time, class, seq)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The periodic allocation timer.
    AllocationTick,
    /// The pending (coalesced) allocation run.
    AllocationRun,
    FrameworkStart(FrameworkId),
    FrameworkStop(FrameworkId),
    JobArrival(FrameworkId),
    /// A Mesos task reaches TASK_RUNNING on its agent.
    TaskRunning(u64),
    /// A Spark executor registers with its driver.
    ExecutorRegistered(u64),
    /// A Spark task may be done on the executor with this Mesos task uid
    /// (stale if the executor's version moved on).
    SparkTaskDone {
        executor_uid: u64,
        version: u64,
    },
    /// A non-Spark framework's task ends.
    OtherTaskDone(u64),
    /// `spark.scheduler.maxRegisteredResourcesWaitingTime` ran out for a
    /// driver: it is ready whatever has registered.
    DriverReadyTimeout(FrameworkId),
    /// The executor allocation manager's 100 ms `schedule()` of an app.
    DynamicAllocationTick(FrameworkId),
    /// A fine-grained Spark task (a Mesos task) ends.
    FineTaskDone(u64),
    /// A cluster-mode app is submitted to the dispatcher.
    DriverSubmitted(FrameworkId),
    /// A coarse driver's revive timer (`spark.scheduler.revive.interval`).
    SparkRevive(FrameworkId),
    /// A cluster-mode driver's JVM is up (its Mesos task uid).
    DriverStarted {
        app: FrameworkId,
        uid: u64,
    },
    /// The scenario's fault with this index happens.
    Fault(usize),
    OfferTimeout(u64),
    Sample,
}

impl Event {
    fn class(self) -> EventClass {
        match self {
            Event::SparkTaskDone { .. } | Event::OtherTaskDone(_) | Event::FineTaskDone(_) => {
                EventClass::Completion
            }
            Event::TaskRunning(_) | Event::ExecutorRegistered(_) => EventClass::StatusUpdate,
            Event::FrameworkStart(_)
            | Event::FrameworkStop(_)
            | Event::JobArrival(_)
            | Event::DriverSubmitted(_)
            | Event::DriverStarted { .. }
            | Event::Fault(_) => EventClass::Arrival,
            Event::OfferTimeout(_)
            | Event::DriverReadyTimeout(_)
            | Event::DynamicAllocationTick(_)
            | Event::SparkRevive(_) => EventClass::Timer,
            Event::AllocationTick | Event::AllocationRun => EventClass::Allocation,
            Event::Sample => EventClass::Sample,
        }
    }

    /// A stable code for the fingerprint.
    fn code(self) -> (u64, u64) {
        match self {
            Event::AllocationTick => (1, 0),
            Event::AllocationRun => (2, 0),
            Event::FrameworkStart(f) => (3, u64::from(f.0)),
            Event::FrameworkStop(f) => (4, u64::from(f.0)),
            Event::JobArrival(f) => (5, u64::from(f.0)),
            Event::TaskRunning(t) => (6, t),
            Event::ExecutorRegistered(t) => (7, t),
            Event::SparkTaskDone {
                executor_uid,
                version,
            } => (8, executor_uid ^ (version << 40)),
            Event::OtherTaskDone(t) => (9, t),
            Event::OfferTimeout(o) => (10, o),
            Event::Sample => (11, 0),
            Event::DriverReadyTimeout(f) => (12, u64::from(f.0)),
            Event::DynamicAllocationTick(f) => (13, u64::from(f.0)),
            Event::FineTaskDone(t) => (14, t),
            Event::DriverSubmitted(f) => (15, u64::from(f.0)),
            Event::SparkRevive(f) => (16, u64::from(f.0)),
            Event::DriverStarted { app, uid } => (17, u64::from(app.0) ^ (uid << 20)),
            Event::Fault(i) => (18, i as u64),
        }
    }
}

/// One agent's books.
#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub hostname: String,
    pub total: Resources,
    pub offered: Resources,
    pub allocated: Resources,
    pub attributes: Attributes,
    /// Outstanding offers and live Mesos tasks on this agent.
    pub offer_ids: BTreeSet<u64>,
    pub task_ids: BTreeSet<u64>,
    /// A high-water mark of the available pool: `available ⊆ pool_mark`
    /// always, and `pool_mark ⊆ refused` for every whole-pool filter still
    /// valid (sequence ≥ `grown`). The pool has only *grown* when it
    /// exceeds the mark.
    pub pool_mark: Resources,
}

/// An outstanding offer.
#[derive(Clone, Debug)]
pub(crate) struct Outstanding {
    pub framework: FrameworkId,
    pub agent: AgentId,
    pub resources: Resources,
    pub made: SimTime,
}

/// What a Mesos task is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskOwner {
    /// A Spark coarse executor: (framework, backend task id).
    SparkExecutor(FrameworkId, u64),
    /// A fine-grained Spark executor on an agent (lives as long as the app).
    SparkFineExecutor(FrameworkId, AgentId),
    /// A fine-grained Spark task of the given job.
    SparkFineTask(FrameworkId, usize),
    /// A cluster-mode driver: (dispatcher, app).
    Driver(FrameworkId, FrameworkId),
    /// A task of another framework: (framework, its job).
    Other(FrameworkId, usize),
}

impl TaskOwner {
    /// The framework whose Mesos task this is.
    pub(crate) fn framework(&self) -> FrameworkId {
        match *self {
            TaskOwner::SparkExecutor(fw, _)
            | TaskOwner::SparkFineExecutor(fw, _)
            | TaskOwner::SparkFineTask(fw, _)
            | TaskOwner::Driver(fw, _)
            | TaskOwner::Other(fw, _) => fw,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MesosTask {
    pub agent: AgentId,
    pub resources: Resources,
    pub owner: TaskOwner,
    pub running: bool,
}

pub(crate) enum Framework {
    Spark(Box<SparkApp>),
    Other(Box<OtherFramework>),
    Dispatcher(Box<dispatcher::Dispatcher>),
}

/// The whole simulated world of one run.
pub struct World {
    pub(crate) now: SimTime,
    pub(crate) end: SimTime,
    pub(crate) horizon: SimTime,
    queue: EventQueue<Event>,
    pub(crate) opts: RunOptions,
    // Mesos master.
    allocation_interval: SimDuration,
    offer_timeout: Option<SimDuration>,
    default_refuse: SimDuration,
    pub(crate) task_launch_latency: SimDuration,
    pub(crate) agents: Vec<Agent>,
    pub(crate) scalars: ScalarIndex,
    pub(crate) totals: Scalars,
    pub(crate) agent_views: Vec<AgentView>,
    pub(crate) roles: Vec<RoleView>,
    pub(crate) fw_views: Vec<FrameworkView>,
    pub(crate) filters: OfferFilters,
    pub(crate) offers: BTreeMap<u64, Outstanding>,
    next_offer_id: u64,
    allocator: Box<dyn Allocator>,
    alloc_rng: ChaCha8Rng,
    /// A run is pending (requests coalesce into it, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.1). Every trigger
    /// here considers all agents: agents are all added at time 0.
    pending: bool,
    // Frameworks and tasks.
    pub(crate) frameworks: Vec<Framework>,
    pub(crate) tasks: BTreeMap<u64, MesosTask>,
    next_task_uid: u64,
    pub(crate) ended_tasks: BTreeSet<u64>,
    // Metrics.
    pub(crate) metrics: Metrics,
    fingerprint: u64,
    pub(crate) events: u64,
    pub(crate) violation: Option<String>,
    /// Agents whose books changed since the last invariant check.
    pub(crate) touched: Vec<AgentId>,
    /// Raised whenever some agent's available pool grows.
    grow_seq: u64,
    /// The cluster-mode dispatcher, when some app uses it.
    pub(crate) dispatcher_id: Option<FrameworkId>,
    /// `--authenticate_frameworks` and `--credentials`.
    pub(crate) authenticate_frameworks: bool,
    pub(crate) credentials: Vec<(String, String)>,
    /// Docker images on agents: when each pull is (or was) done.
    pub(crate) docker_pulled: BTreeMap<(AgentId, String), SimTime>,
    /// Input blocks: racks, placement, read costs (`[data]`).
    pub(crate) storage: data::Storage,
    /// Injected failures (`[[faults]]`).
    faults: Vec<Fault>,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("now", &self.now)
            .field("agents", &self.agents.len())
            .field("frameworks", &self.frameworks.len())
            .field("events", &self.events)
            .finish()
    }
}

/// The result of one run.
#[derive(Debug)]
pub struct RunOutput {
    pub metrics: Metrics,
    pub events: u64,
    pub fingerprint: u64,
    pub end: SimTime,
}

impl World {
    /// Builds the world of `scenario` with master seed `seed`.
    pub fn new(sc: &Scenario, seed: u64, opts: RunOptions) -> World {
        let streams = RngStreams::new(seed);
        // Agents: groups in order, hostnames NAME-i, rack attribute if asked.
        let mut agents = Vec::new();
        for g in &sc.agents {
            for i in 0..g.count {
                let attributes = g.attributes_of(i);
                agents.push(Agent {
                    hostname: g.hostname(i),
                    total: g.resources.clone(),
                    offered: Resources::new(),
                    allocated: Resources::new(),
                    attributes,
                    offer_ids: BTreeSet::new(),
                    task_ids: BTreeSet::new(),
                    pool_mark: g.resources.clone(),
                });
            }
        }
        let datanode = sc
            .agents
            .iter()
            .flat_map(|g| std::iter::repeat_n(g.datanode, g.count as usize));
        let storage =
            data::Storage::new(&sc.data, agents.iter().map(|a| &a.attributes).zip(datanode));
        let scalars = ScalarIndex::of(agents.iter().map(|a| &a.total));
        let mut totals = scalars.zero();
        for a in &agents {
            totals.add(&scalars.vector(&a.total));
        }
        let agent_views = agents
            .iter()
            .map(|a| AgentView {
                available: a.total.clone(),
                grown: 0,
                active: true,
            })
            .collect();

        // Roles: declared ones, then those apps and frameworks name.
        let mut role_names: Vec<String> = sc.mesos.roles.iter().map(|r| r.name.clone()).collect();
        let mut add_role = |name: &str| {
            if !role_names.iter().any(|r| r == name) {
                role_names.push(name.to_string());
            }
        };
        for a in &sc.apps {
            add_role(&a.settings.role);
        }
        for f in &sc.frameworks {
            add_role(&f.role);
        }
        let cluster_apps = sc
            .apps
            .iter()
            .filter(|a| a.deploy_mode == DeployMode::Cluster)
            .count();
        if cluster_apps > 0 {
            add_role(UNRESERVED);
        }
        let roles: Vec<RoleView> = role_names
            .iter()
            .map(|name| {
                let declared = sc.mesos.roles.iter().find(|r| r.name == *name);
                let quota_limit = declared.and_then(|r| r.quota.as_ref()).map(|q| {
                    let mut limit = Scalars(vec![i64::MAX; scalars.len()]);
                    for e in q.iter() {
                        if let Some(i) = scalars.index(&e.name) {
                            limit.0[i] = q.scalar(&e.name).0;
                        }
                    }
                    limit
                });
                // Reservations count toward quota consumption, used or not.
                let mut quota_consumed = scalars.zero();
                for a in &agents {
                    quota_consumed.add(
                        &scalars.vector(
                            &a.total
                                .filtered(|e| e.role == *name && e.role != UNRESERVED),
                        ),
                    );
                }
                RoleView {
                    name: name.clone(),
                    weight: declared.map_or(1.0, |r| r.weight),
                    quota_limit,
                    allocated: scalars.zero(),
                    count: 0,
                    quota_consumed,
                }
            })
            .collect();
        let role_of = |name: &str| role_names.iter().position(|r| r == name).unwrap_or(0);

        let horizon = SimTime::ZERO + sc.run.horizon;
        let end = horizon + sc.run.drain;
        let mut frameworks = Vec::new();
        let mut fw_views = Vec::new();
        for app in &sc.apps {
            let id = FrameworkId(frameworks.len() as u32);
            fw_views.push(FrameworkView {
                role: role_of(&app.settings.role),
                active: false,
                suppressed: false,
                allocated: scalars.zero(),
                count: 0,
            });
            frameworks.push(Framework::Spark(Box::new(SparkApp::new(id, app, &streams))));
        }
        for f in &sc.frameworks {
            let id = FrameworkId(frameworks.len() as u32);
            fw_views.push(FrameworkView {
                role: role_of(&f.role),
                active: false,
                suppressed: false,
                allocated: scalars.zero(),
                count: 0,
            });
            frameworks.push(Framework::Other(Box::new(OtherFramework::new(
                id, f, &streams,
            ))));
        }
        let dispatcher_id = (cluster_apps > 0).then(|| {
            let id = FrameworkId(frameworks.len() as u32);
            fw_views.push(FrameworkView {
                role: role_of(UNRESERVED),
                active: false,
                suppressed: false,
                allocated: scalars.zero(),
                count: 0,
            });
            frameworks.push(Framework::Dispatcher(Box::new(
                dispatcher::Dispatcher::new(id, cluster_apps),
            )));
            id
        });
        let allocator =
            allocator_named(sc.mesos.allocator.name()).expect("validated allocator name");
        let mut world = World {
            now: SimTime::ZERO,
            end,
            horizon,
            queue: EventQueue::with_capacity(1024),
            opts,
            allocation_interval: sc.mesos.allocation_interval,
            offer_timeout: sc.mesos.offer_timeout,
            default_refuse: sc.mesos.default_refuse,
            task_launch_latency: sc.mesos.task_launch_latency,
            agents,
            scalars,
            totals,
            agent_views,
            roles,
            fw_views,
            filters: OfferFilters::new(),
            offers: BTreeMap::new(),
            next_offer_id: 0,
            allocator,
            alloc_rng: streams.stream("allocator", 0),
            pending: false,
            frameworks,
            tasks: BTreeMap::new(),
            next_task_uid: 0,
            ended_tasks: BTreeSet::new(),
            metrics: Metrics::new(sc),
            fingerprint: 0xcbf2_9ce4_8422_2325,
            events: 0,
            violation: None,
            touched: Vec::new(),
            grow_seq: 0,
            docker_pulled: BTreeMap::new(),
            storage,
            faults: sc.faults.clone(),
            dispatcher_id,
            authenticate_frameworks: sc.mesos.authenticate_frameworks,
            credentials: sc.mesos.credentials.clone(),
        };
        for (i, f) in sc.faults.iter().enumerate() {
            world.push(SimTime::ZERO + f.at, Event::Fault(i));
        }
        // Agents register at time 0: one run over them (coalesced).
        world.request_run();
        world.push(
            SimTime::ZERO + world.allocation_interval,
            Event::AllocationTick,
        );
        world.push(SimTime::ZERO, Event::Sample);
        let starts: Vec<(FrameworkId, SimTime, bool)> = world
            .frameworks
            .iter()
            .map(|f| match f {
                Framework::Spark(a) => (a.id, a.start, a.cluster()),
                Framework::Other(o) => (o.id, SimTime::ZERO, false),
                Framework::Dispatcher(d) => (d.id, SimTime::ZERO, false),
            })
            .collect();
        for (id, at, cluster) in starts {
            // A cluster-mode app is submitted to the dispatcher; its own
            // framework starts once its driver runs.
            let event = if cluster {
                Event::DriverSubmitted(id)
            } else {
                Event::FrameworkStart(id)
            };
            world.push(at, event);
        }
        world
    }

    pub(crate) fn push(&mut self, at: SimTime, event: Event) {
        self.queue.push(at, event.class(), event);
    }

    /// Processes the next event; `None` when the run is over.
    pub fn step(&mut self) -> Option<Result<(), String>> {
        if self.all_done() {
            return None;
        }
        let s = self.queue.pop()?;
        if s.time > self.end {
            return None;
        }
        if s.time < self.now {
            return Some(Err(format!(
                "time went back from {} to {}",
                self.now, s.time
            )));
        }
        self.metrics.integrate(self.now, s.time);
        self.now = s.time;
        self.events += 1;
        let (code, id) = s.event.code();
        self.fingerprint = splitmix64(self.fingerprint ^ s.time.0 ^ (code << 56) ^ splitmix64(id));
        self.handle(s.event);
        if let Some(v) = self.violation.take() {
            return Some(Err(v));
        }
        if self.opts.check_invariants
            && let Err(e) = crate::check::check_all(self)
        {
            return Some(Err(format!(
                "invariant violated at {} after {:?}: {e}",
                self.now, s.event
            )));
        }
        self.touched.clear();
        Some(Ok(()))
    }

    /// Runs to the end and returns the metrics.
    pub fn run(self) -> Result<RunOutput, String> {
        self.run_observed(&mut |_| true)
    }

    /// Runs to the end, telling `progress` the simulated time every 16,384
    /// events (for a progress display; it cannot change the run).
    /// Runs to the end, telling `progress` the simulated time every 16,384
    /// events; the run stops with an error when `progress` returns false
    /// (Ctrl-C).
    pub fn run_observed(
        mut self,
        progress: &mut dyn FnMut(SimTime) -> bool,
    ) -> Result<RunOutput, String> {
        while let Some(r) = self.step() {
            r?;
            if self.events.is_multiple_of(16_384) && !progress(self.now) {
                return Err(format!("stopped at {} s simulated", self.now));
            }
        }
        let end = self.now.min(self.end);
        self.metrics.integrate(self.now, end);
        for i in 0..self.frameworks.len() {
            let fw = FrameworkId(i as u32);
            match &self.frameworks[i] {
                Framework::Spark(_) => spark::flush(&mut self, fw),
                Framework::Other(_) => other::flush(&mut self, fw),
                Framework::Dispatcher(_) => {}
            }
        }
        let fingerprint = self.fingerprint ^ fnv1a64(&self.events.to_le_bytes());
        let mut metrics = self.metrics;
        metrics.finish(end);
        Ok(RunOutput {
            metrics,
            events: self.events,
            fingerprint,
            end,
        })
    }

    /// Schedules an event (tests use it to break the time invariant).
    #[doc(hidden)]
    pub fn push_sample_at(&mut self, at: SimTime) {
        self.push(at, Event::Sample);
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    fn all_done(&self) -> bool {
        self.frameworks.iter().all(|f| match f {
            Framework::Spark(a) => a.stopped,
            Framework::Other(o) => o.stopped,
            Framework::Dispatcher(d) => d.stopped,
        })
    }

    fn handle(&mut self, e: Event) {
        match e {
            Event::AllocationTick => {
                self.request_run();
                let next = self.now + self.allocation_interval;
                self.push(next, Event::AllocationTick);
            }
            Event::AllocationRun => self.allocation_run(),
            Event::FrameworkStart(f) => self.framework_start(f),
            Event::FrameworkStop(f) => self.framework_stop(f),
            Event::JobArrival(f) => match &self.frameworks[f.index()] {
                Framework::Spark(_) => spark::job_arrival(self, f),
                Framework::Other(_) => other::job_arrival(self, f),
                Framework::Dispatcher(_) => {}
            },
            Event::TaskRunning(uid) => self.task_running(uid),
            Event::ExecutorRegistered(uid) => spark::executor_registered(self, uid),
            Event::SparkTaskDone {
                executor_uid,
                version,
            } => spark::task_done(self, executor_uid, version),
            Event::OtherTaskDone(uid) => other::task_done(self, uid),
            Event::DriverReadyTimeout(fw) => spark::ready_timeout(self, fw),
            Event::DynamicAllocationTick(fw) => spark::dynamic_tick(self, fw),
            Event::SparkRevive(fw) => spark::revive_tick(self, fw),
            Event::DriverStarted { app, uid } => dispatcher::driver_started(self, app, uid),
            Event::Fault(i) => self.fault(i),
            Event::FineTaskDone(uid) => spark::fine_task_done(self, uid),
            Event::DriverSubmitted(app) => dispatcher::submit(self, app),
            Event::OfferTimeout(id) => {
                if self.offers.contains_key(&id) {
                    self.rescind(id);
                }
            }
            Event::Sample => {
                let (row, shares) = self.sample();
                self.metrics.utilization.push(row);
                self.metrics.shares.extend(shares);
                let next = self.now + self.metrics.sample_interval;
                if next <= self.end {
                    self.push(next, Event::Sample);
                }
            }
        }
    }

    // ---- the Mesos master -------------------------------------------------

    /// Requests a run over all agents, scheduling it unless one is already
    /// pending (batching since Mesos 1.2, reference mesos-master.md §1.1).
    fn request_run(&mut self) {
        if !self.pending {
            self.pending = true;
            self.push(self.now, Event::AllocationRun);
        }
    }

    fn allocation_run(&mut self) {
        if !std::mem::take(&mut self.pending) {
            return;
        }
        let candidates: Vec<AgentId> = (0..self.agents.len() as u32).map(AgentId).collect();
        self.metrics.allocation_runs += 1;
        let view = ClusterView {
            now: self.now,
            scalars: &self.scalars,
            totals: &self.totals,
            agents: &self.agent_views,
            roles: &self.roles,
            frameworks: &self.fw_views,
            filters: &self.filters,
            min_allocatable: MinAllocatable::default(),
        };
        let grants = self
            .allocator
            .allocate(&view, &candidates, &mut self.alloc_rng);
        if grants.is_empty() {
            return;
        }
        // One callback per framework with every offer of this run (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2 point 4).
        let mut by_fw: BTreeMap<FrameworkId, Vec<u64>> = BTreeMap::new();
        for g in grants {
            let id = self.make_offer(g);
            by_fw
                .entry(self.offers[&id].framework)
                .or_default()
                .push(id);
        }
        for (fw, ids) in by_fw {
            match &self.frameworks[fw.index()] {
                Framework::Spark(_) => spark::resource_offers(self, fw, &ids),
                Framework::Other(_) => other::resource_offers(self, fw, &ids),
                Framework::Dispatcher(_) => dispatcher::resource_offers(self, fw, &ids),
            }
        }
    }

    fn make_offer(&mut self, g: Grant) -> u64 {
        let id = self.next_offer_id;
        self.next_offer_id += 1;
        let agent = g.agent.index();
        self.agent_views[agent].available.subtract(&g.resources);
        self.agents[agent].offered.add(&g.resources);
        self.agents[agent].offer_ids.insert(id);
        self.touched.push(g.agent);
        self.charge(g.framework, &g.resources, 1);
        self.metrics.offers_made += 1;
        self.metrics.cpus_offered += g.resources.cpus().0;
        self.metrics.mem_offered += g.resources.mem_mb().0;
        if let Some(t) = self.offer_timeout {
            self.push(self.now + t, Event::OfferTimeout(id));
        }
        self.offers.insert(
            id,
            Outstanding {
                framework: g.framework,
                agent: g.agent,
                resources: g.resources,
                made: self.now,
            },
        );
        id
    }

    /// Adds (`sign` = 1) or removes (−1) `r` from the framework's and its
    /// role's DRF allocation; offers also count the allocation calls.
    fn charge(&mut self, fw: FrameworkId, r: &Resources, sign: i64) {
        let mut v = self.scalars.vector(r);
        let mut unreserved = self.scalars.vector(&r.unreserved());
        if sign < 0 {
            for x in v.0.iter_mut().chain(unreserved.0.iter_mut()) {
                *x = -*x;
            }
        }
        let view = &mut self.fw_views[fw.index()];
        view.allocated.add(&v);
        let role = &mut self.roles[view.role];
        role.allocated.add(&v);
        role.quota_consumed.add(&unreserved);
        if sign > 0 {
            view.count += 1;
            role.count += 1;
        }
    }

    /// Takes an offer out of the books, returning it.
    fn close_offer(&mut self, id: u64) -> Outstanding {
        let o = self.offers.remove(&id).expect("known offer");
        self.agents[o.agent.index()].offered.subtract(&o.resources);
        self.agents[o.agent.index()].offer_ids.remove(&id);
        self.touched.push(o.agent);
        self.metrics.cpus_offered -= o.resources.cpus().0;
        self.metrics.mem_offered -= o.resources.mem_mb().0;
        o
    }

    /// Resources go back to the agent's available pool and out of the
    /// framework's share (`recoverResources`).
    fn recover(&mut self, fw: FrameworkId, agent: AgentId, r: &Resources) {
        let view = &mut self.agent_views[agent.index()];
        view.available.add(r);
        let mark = &mut self.agents[agent.index()].pool_mark;
        if !mark.contains(&view.available) {
            // Real growth: whole-pool filters installed before no longer
            // cover the pool.
            self.grow_seq += 1;
            view.grown = self.grow_seq;
            *mark = view.available.clone();
        }
        self.charge(fw, r, -1);
    }

    /// Installs a decline filter; marks it as covering the agent's whole
    /// pool when the refused resources are all the agent has available.
    fn install_filter(
        &mut self,
        fw: FrameworkId,
        agent: AgentId,
        refused: Resources,
        life: SimDuration,
    ) {
        let view = &self.agent_views[agent.index()];
        let whole = (view.available == refused).then_some(view.grown);
        if whole.is_some() {
            self.agents[agent.index()].pool_mark = refused.clone();
        }
        self.filters
            .install_tracked(fw, agent, refused, self.now, life, whole);
    }

    /// DECLINE (or an accept's leftovers) with a filter (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7).
    pub(crate) fn decline(&mut self, id: u64, refuse: Refuse) {
        let o = self.close_offer(id);
        self.recover(o.framework, o.agent, &o.resources);
        let lifetime = filter_lifetime(refuse, self.default_refuse, self.allocation_interval);
        if let Some(life) = lifetime {
            self.install_filter(o.framework, o.agent, o.resources.clone(), life);
        }
        self.metrics.offers_declined += 1;
        self.record_offer(&o, "declined", lifetime);
    }

    /// Rescind (offer timeout): back to the pool without a filter.
    fn rescind(&mut self, id: u64) {
        let o = self.close_offer(id);
        self.recover(o.framework, o.agent, &o.resources);
        self.record_offer(&o, "rescinded", None);
    }

    /// ACCEPT with these tasks: each task's resources move from offered to
    /// allocated; leftovers are declined with `leftover_refuse`. Returns the
    /// task uids in order.
    pub(crate) fn accept(
        &mut self,
        id: u64,
        tasks: Vec<(Resources, TaskOwner)>,
        leftover_refuse: Refuse,
    ) -> Vec<u64> {
        self.accept_delayed(id, tasks, leftover_refuse, SimDuration::ZERO)
    }

    /// As [`World::accept`], the tasks reaching RUNNING `delay` after the
    /// launch latency (waiting for their executor's files).
    pub(crate) fn accept_delayed(
        &mut self,
        id: u64,
        tasks: Vec<(Resources, TaskOwner)>,
        leftover_refuse: Refuse,
        delay: SimDuration,
    ) -> Vec<u64> {
        let o = self.close_offer(id);
        let mut left = o.resources.clone();
        debug_assert!(
            {
                let mut used = Resources::new();
                for (r, _) in &tasks {
                    used.add(r);
                }
                o.resources.contains(&used)
            },
            "tasks launched on offer {id} do not fit in it"
        );
        let mut uids = Vec::with_capacity(tasks.len());
        for (r, owner) in tasks {
            left.subtract(&r);
            let agent = &mut self.agents[o.agent.index()];
            agent.allocated.add(&r);
            self.metrics
                .allocated_by(owner.framework(), self.now, r.cpus().0);
            self.metrics.mem_allocated += r.mem_mb().0;
            let uid = self.next_task_uid;
            self.next_task_uid += 1;
            agent.task_ids.insert(uid);
            self.tasks.insert(
                uid,
                MesosTask {
                    agent: o.agent,
                    resources: r,
                    owner,
                    running: false,
                },
            );
            self.push(
                self.now + self.task_launch_latency + delay,
                Event::TaskRunning(uid),
            );
            uids.push(uid);
        }
        let mut lifetime = None;
        if !left.is_empty() {
            self.recover(o.framework, o.agent, &left);
            lifetime = filter_lifetime(
                leftover_refuse,
                self.default_refuse,
                self.allocation_interval,
            );
            if let Some(life) = lifetime {
                self.install_filter(o.framework, o.agent, left, life);
            }
        }
        self.record_offer(&o, "accepted", lifetime);
        uids
    }

    fn record_offer(
        &mut self,
        o: &Outstanding,
        outcome: &'static str,
        refuse: Option<SimDuration>,
    ) {
        if self.opts.record_offers {
            self.metrics.offers.push(OfferRow {
                offer_s: o.made,
                framework: o.framework,
                agent: o.agent,
                cpus: o.resources.cpus(),
                mem_mb: o.resources.mem_mb(),
                outcome,
                refuse_s: refuse,
                resolved_s: self.now,
            });
        }
    }

    fn task_running(&mut self, uid: u64) {
        let Some(t) = self.tasks.get_mut(&uid) else {
            return;
        };
        t.running = true;
        match t.owner {
            TaskOwner::Other(fw, _) => other::task_started(self, fw, uid),
            TaskOwner::SparkFineTask(fw, _) | TaskOwner::SparkFineExecutor(fw, _) => {
                spark::fine_task_running(self, fw, uid)
            }
            TaskOwner::Driver(_, app) => dispatcher::driver_running(self, app, uid),
            TaskOwner::SparkExecutor(..) => {}
        }
    }

    /// A Mesos task reached a terminal state: its resources come back
    /// (no run is triggered, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.10).
    pub(crate) fn end_task(&mut self, uid: u64) -> Option<MesosTask> {
        let t = self.tasks.remove(&uid)?;
        if !self.ended_tasks.insert(uid) {
            self.violation = Some(format!("task {uid} ended twice"));
        }
        let fw = t.owner.framework();
        self.agents[t.agent.index()]
            .allocated
            .subtract(&t.resources);
        self.agents[t.agent.index()].task_ids.remove(&uid);
        self.touched.push(t.agent);
        self.metrics
            .allocated_by(fw, self.now, -t.resources.cpus().0);
        self.metrics.mem_allocated -= t.resources.mem_mb().0;
        self.recover(fw, t.agent, &t.resources);
        Some(t)
    }

    /// REVIVE: clear the framework's filters, unsuppress, run over all agents.
    pub(crate) fn revive(&mut self, fw: FrameworkId) {
        self.filters.clear_framework(fw);
        self.fw_views[fw.index()].suppressed = false;
        self.request_run();
    }

    /// Framework authentication at registration: a framework presenting a
    /// principal must match the master's credentials; one presenting none
    /// is refused only when the master requires authentication
    /// (`--authenticate_frameworks`, default false).
    pub(crate) fn authenticate(
        &self,
        principal: Option<&str>,
        secret: Option<&str>,
    ) -> Result<(), String> {
        match principal {
            None if self.authenticate_frameworks => Err(
                "framework is not authenticated (the master requires authentication)".to_string(),
            ),
            None => Ok(()),
            Some(p) => match self.credentials.iter().find(|(cp, _)| cp == p) {
                Some((_, s)) if Some(s.as_str()) == secret => Ok(()),
                Some(_) => Err(format!(
                    "authentication failed for principal '{p}': wrong secret"
                )),
                None => Err(format!("authentication failed: unknown principal '{p}'")),
            },
        }
    }

    /// Injects fault `i` of the scenario (docs/faults.md).
    fn fault(&mut self, i: usize) {
        let kind = self.faults[i].kind.clone();
        let app_id = |w: &World, name: &str| {
            w.frameworks.iter().position(|f| match f {
                Framework::Spark(a) => a.name == name,
                _ => false,
            })
        };
        match kind {
            FaultKind::DriverFailure { app } => {
                if let Some(fw) = app_id(self, &app) {
                    spark::driver_failure(self, FrameworkId(fw as u32));
                }
            }
            FaultKind::ExecutorFailure { app, agent } => {
                let host = self.agents.iter().position(|a| a.hostname == agent);
                if let (Some(fw), Some(host)) = (app_id(self, &app), host) {
                    spark::executor_failure(self, FrameworkId(fw as u32), AgentId(host as u32));
                }
            }
        }
    }

    pub(crate) fn framework_start(&mut self, fw: FrameworkId) {
        self.fw_views[fw.index()].active = true;
        match &self.frameworks[fw.index()] {
            Framework::Spark(_) => spark::start(self, fw),
            Framework::Other(_) => other::start(self, fw),
            // The dispatcher only needs the master's registration.
            Framework::Dispatcher(_) => {}
        }
        // addFramework triggers a run over all agents (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.1).
        self.request_run();
    }

    fn framework_stop(&mut self, fw: FrameworkId) {
        match &self.frameworks[fw.index()] {
            Framework::Spark(_) => spark::stop(self, fw),
            Framework::Other(_) => other::stop(self, fw),
            Framework::Dispatcher(_) => {}
        }
    }

    /// Removes a framework: its offers are recovered and it takes no more.
    pub(crate) fn deactivate(&mut self, fw: FrameworkId) {
        self.fw_views[fw.index()].active = false;
        self.filters.clear_framework(fw);
        let ids: Vec<u64> = self
            .offers
            .iter()
            .filter(|(_, o)| o.framework == fw)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.rescind(id);
        }
    }

    pub(crate) fn hostname(&self, agent: AgentId) -> &str {
        &self.agents[agent.index()].hostname
    }

    pub(crate) fn executor_row(&mut self, row: ExecutorRow) {
        self.metrics.executors.push(row);
    }
}

impl World {
    /// One utilization row and one share row per framework, as of now.
    fn sample(&self) -> (UtilizationRow, Vec<ShareRow>) {
        let w = self;
        let m = &w.metrics;
        let row = UtilizationRow {
            time: w.now,
            cpus_offered: m.cpus_offered,
            cpus_allocated: m.cpus_allocated,
            cpus_busy: m.cpus_busy,
            mem_offered: m.mem_offered,
            mem_allocated: m.mem_allocated,
        };
        let cpus = w.scalars.index("cpus");
        let mem = w.scalars.index("mem");
        let shares = w
            .fw_views
            .iter()
            .enumerate()
            .map(|(i, v)| ShareRow {
                time: w.now,
                framework: FrameworkId(i as u32),
                cpus: cpus.map_or(0, |c| v.allocated.0[c]),
                mem: mem.map_or(0, |m| v.allocated.0[m]),
                dominant_share: v.allocated.dominant_share(&w.totals),
            })
            .collect();
        (row, shares)
    }
}
