//! The world in time: machines, a cluster manager, Spark drivers and other
//! frameworks, executors and tasks. Policies decide (`policies::mesos`,
//! `policies::spark`); the world applies their decisions, keeps the books
//! and moves time forward.
//!
//! The layout follows the real systems:
//! - [`kernel`]: the clock, the event queue, the machines and the books of
//!   the run, shared by everything below;
//! - [`spark::driver`]: Spark's driver, the same on every manager, which
//!   talks to its manager only through the backend contract (executors
//!   granted, a total requested, executors killed, executors lost);
//! - [`mesos`]: the Mesos master and the frameworks on it (Spark's coarse
//!   and fine-grained backends, the dispatcher, other frameworks);
//! - [`standalone`]: Spark's standalone Master and the standalone side of
//!   each app's driver;
//! - [`local`]: Spark's local master, an executor inside the driver;
//! - this file: the router, which takes each event to the component it
//!   belongs to and carries the callbacks between them.

mod apps;
mod data;
pub(crate) mod events;
mod failover;
pub(crate) mod kernel;
pub(crate) mod local;
mod machines;
pub(crate) mod mesos;
pub(crate) mod spark;
pub(crate) mod standalone;
pub(crate) mod yarn;

use policies::mesos::Refuse;
use policies::model::{AgentId, FrameworkId, Milli};

use crate::metrics::Metrics;
use crate::rng::{RngStreams, fnv1a64, splitmix64};
use crate::scenario::{DeployMode, Fault, FaultKind, Scenario, local_machine};
use crate::time::{SimDuration, SimTime};
use crate::workload::Sampler;
use policies::spark::MasterUrl;

pub(crate) use apps::{Backend, Framework, SparkApp, spark_app};
use events::Event;
pub use kernel::RunOptions;
use kernel::{Kernel, Machine};
use local::LocalBackend;
use mesos::dispatcher::{self, Dispatcher};
use mesos::master::{Batch, MesosMaster, TaskOwner};
use mesos::other::OtherFramework;
use mesos::spark::{self as mesos_spark, MesosSpark, Started};
use spark::driver::SparkDriver;
use standalone::master::StandaloneMaster;
use standalone::spark::{self as standalone_spark, StandaloneSpark};
use yarn::application_master::{self as yarn_spark, YarnSpark};
use yarn::resource_manager::YarnRm;

/// The whole simulated world of one run.
pub struct World {
    pub(crate) k: Kernel,
    pub(crate) m: MesosMaster,
    /// The standalone Master, when the apps run on it.
    sa: Option<StandaloneMaster>,
    /// The YARN ResourceManager, when the apps run on YARN.
    yr: Option<YarnRm>,
    pub(crate) frameworks: Vec<Framework>,
    /// The cluster-mode dispatcher, when some app uses it.
    dispatcher_id: Option<FrameworkId>,
    /// Injected failures (`[[faults]]`).
    faults: Vec<Fault>,
    /// Each `executor_failures` fault's stream and gap distribution, by
    /// fault index.
    failure_draws: std::collections::BTreeMap<usize, (rand_chacha::ChaCha8Rng, Sampler)>,
    /// The machine faults' draws.
    machines: machines::Machines,
    /// Master failovers under way (the master is back at 0).
    master_failovers: u32,
    /// Each framework's decision time per offer batch and its stream, by
    /// framework id (`None`: it answers at once).
    deciders: Vec<Option<(Sampler, rand_chacha::ChaCha8Rng)>>,
    /// Offer batches being decided on, by number, with the master's
    /// rescind count when they were sent.
    deciding: std::collections::BTreeMap<u64, (FrameworkId, Vec<u64>, u64)>,
    next_batch: u64,
    fingerprint: u64,
    events: u64,
    /// The last step found no event left before the end.
    ran_out: bool,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("now", &self.k.now)
            .field("agents", &self.k.machines.len())
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
        // Machines: groups in order, hostnames NAME-i, rack attribute if asked.
        let mut machines = Vec::new();
        for g in &sc.agents {
            for i in 0..g.count {
                machines.push(Machine {
                    hostname: g.hostname(i),
                    total: g.resources.clone(),
                    attributes: g.attributes_of(i),
                });
            }
        }
        let datanode = sc
            .agents
            .iter()
            .flat_map(|g| std::iter::repeat_n(g.datanode, g.count as usize));
        let storage = data::Storage::new(
            &sc.data,
            machines.iter().map(|m| &m.attributes).zip(datanode),
        );

        // Frameworks in id order: the apps, the other frameworks, then the
        // dispatcher when some app runs in cluster mode.
        let cluster_apps = sc
            .apps
            .iter()
            .filter(|a| a.deploy_mode == DeployMode::Cluster && a.master.is_mesos())
            .count();
        let mut frameworks = Vec::new();
        let mut roles: Vec<&str> = Vec::new();
        let mut on_mesos = !sc.frameworks.is_empty();
        let mut on_standalone = false;
        let yr = sc
            .apps
            .iter()
            .any(|a| a.master == MasterUrl::Yarn)
            .then(|| YarnRm::new(&sc.yarn, &machines, &streams));
        for (i, app) in sc.apps.iter().enumerate() {
            let id = FrameworkId(frameworks.len() as u32);
            roles.push(&app.settings.role);
            let machine = local_machine(i, machines.len());
            let cores = machines
                .get(machine)
                .map_or(0, |m| m.total.cpus().whole_units().max(0) as u32);
            // A local executor's number, apart from Mesos task uids.
            let uid = (1 << 48) | i as u64;
            let backend = match LocalBackend::new(app, AgentId(machine as u32), cores, uid) {
                Some(b) => Backend::Local(b),
                None if app.master == MasterUrl::Yarn => {
                    let y = yr.as_ref().expect("the ResourceManager of a YARN app");
                    Backend::Yarn(YarnSpark::new(app, id, y, &streams))
                }
                None if matches!(app.master, MasterUrl::Standalone { .. }) => {
                    on_standalone = true;
                    Backend::Standalone(StandaloneSpark::new(app, &streams))
                }
                None => {
                    on_mesos = true;
                    Backend::Mesos(MesosSpark::new(app, &streams))
                }
            };
            frameworks.push(Framework::Spark(Box::new(SparkApp {
                driver: SparkDriver::new(id, app, &streams),
                backend,
            })));
        }
        for f in &sc.frameworks {
            let id = FrameworkId(frameworks.len() as u32);
            roles.push(&f.role);
            frameworks.push(Framework::Other(Box::new(OtherFramework::new(
                id, f, &streams,
            ))));
        }
        let dispatcher_id = (cluster_apps > 0).then(|| {
            let id = FrameworkId(frameworks.len() as u32);
            roles.push(policies::model::UNRESERVED);
            frameworks.push(Framework::Dispatcher(Box::new(Dispatcher::new(
                id,
                cluster_apps,
            ))));
            id
        });
        let m = MesosMaster::new(sc, &machines, &roles, &streams);
        let sa = on_standalone.then(|| StandaloneMaster::new(&sc.standalone, &machines, &streams));
        let horizon = SimTime::ZERO + sc.run.horizon;
        let end = horizon + sc.run.drain;
        let k = Kernel::new(horizon, end, opts, machines, storage, Metrics::new(sc));
        let mut world = World {
            k,
            m,
            sa,
            yr,
            frameworks,
            dispatcher_id,
            faults: sc.faults.clone(),
            failure_draws: std::collections::BTreeMap::new(),
            deciders: Vec::new(),
            deciding: std::collections::BTreeMap::new(),
            next_batch: 0,
            machines: machines::Machines::default(),
            master_failovers: 0,
            fingerprint: 0xcbf2_9ce4_8422_2325,
            events: 0,
            ran_out: false,
        };
        world.machines.arm(&mut world.k, sc, &streams);
        // Decision times: apps first, then frameworks, as the ids go; the
        // dispatcher answers at once.
        let specs = sc
            .apps
            .iter()
            .map(|a| (&a.name, &a.decision_time))
            .chain(sc.frameworks.iter().map(|f| (&f.name, &f.decision_time)));
        // A decision time of a constant zero is no decision time.
        let instant = |d: &&crate::scenario::Distribution| matches!(d.dist, crate::scenario::Dist::Constant { value } if value == 0.0);
        world.deciders = specs
            .map(|(name, d)| {
                d.as_ref().filter(|d| !instant(d)).map(|d| {
                    (
                        Sampler::new(d),
                        streams.stream("framework-decision", fnv1a64(name.as_bytes())),
                    )
                })
            })
            .collect();
        world.deciders.resize_with(world.frameworks.len(), || None);
        // Shuffle outputs can be lost: with machine failures (the shuffle
        // service's files die with the machine), or executor failures
        // without the shuffle service. Tracked for coarse executors
        // (docs/faults.md).
        let machine_faults = sc.faults.iter().any(|f| f.kind.is_machine());
        for (app, f) in sc.apps.iter().zip(world.frameworks.iter_mut()) {
            let Framework::Spark(a) = f else { continue };
            let coarse = match &a.backend {
                Backend::Mesos(_) => app.settings.coarse,
                Backend::Local(_) => false,
                _ => true,
            };
            let executor_faults = sc.faults.iter().any(|f| {
                matches!(&f.kind, FaultKind::ExecutorFailure { app: n, .. } | FaultKind::ExecutorFailures { app: n, .. } if *n == app.name)
            });
            if coarse && (machine_faults || (executor_faults && !app.settings.shuffle_service)) {
                a.driver.jobs.track_outputs();
            }
        }
        for (i, f) in sc.faults.iter().enumerate() {
            if f.kind.is_machine() {
                continue; // armed above
            }
            if let FaultKind::TaskFailures { app, probability } = &f.kind
                && let Some(a) = world.frameworks.iter_mut().find_map(|fr| match fr {
                    Framework::Spark(a) if a.driver.name == *app => Some(a),
                    _ => None,
                })
            {
                let rng =
                    streams.stream(&format!("fault-{i}-task-failures"), fnv1a64(app.as_bytes()));
                a.driver.task_failures = Some(crate::world::spark::driver::TaskFailures {
                    probability: *probability,
                    from: SimTime::ZERO + f.at,
                    rng,
                });
            }
            let mut delay = SimDuration::ZERO;
            if let FaultKind::ExecutorFailures { app, between } = &f.kind {
                // The app's own stream, one per fault: adding failures
                // changes no workload and no other fault's draws.
                let mut rng = streams.stream(
                    &format!("fault-{i}-executor-failures"),
                    fnv1a64(app.as_bytes()),
                );
                let gaps = Sampler::new(between);
                delay = gaps.duration(&mut rng);
                world.failure_draws.insert(i, (rng, gaps));
            }
            world.k.push(SimTime::ZERO + f.at + delay, Event::Fault(i));
        }
        world.k.metrics.on_mesos = on_mesos;
        if world.yr.is_some() {
            world.k.metrics.containers = Some((0, 0));
        }
        // The Mesos master runs when some framework uses it.
        if on_mesos {
            world.m.start(&mut world.k);
        }
        world.k.push(SimTime::ZERO, Event::Sample);
        let starts: Vec<(FrameworkId, SimTime, bool)> = world
            .frameworks
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let id = FrameworkId(i as u32);
                match f {
                    Framework::Spark(a) => (id, a.driver.start, a.cluster()),
                    Framework::Other(o) => (id, o.start, false),
                    Framework::Dispatcher(_) => (id, SimTime::ZERO, false),
                }
            })
            .collect();
        for (id, at, cluster) in starts {
            // A cluster-mode app is submitted to the dispatcher (Mesos), the
            // Master (standalone) or the ResourceManager (YARN); its own
            // framework starts once its driver runs.
            let event = if cluster {
                Event::DriverSubmitted(id)
            } else {
                Event::FrameworkStart(id)
            };
            world.k.push(at, event);
        }
        world
    }

    /// Processes the next event; `None` when the run is over.
    pub fn step(&mut self) -> Option<Result<(), String>> {
        if self.frameworks.iter().all(Framework::stopped) {
            return None;
        }
        let Some(s) = self.k.pop() else {
            self.ran_out = true;
            return None;
        };
        if s.time > self.k.end {
            self.ran_out = true;
            return None;
        }
        if s.time < self.k.now {
            return Some(Err(format!(
                "time went back from {} to {}",
                self.k.now, s.time
            )));
        }
        self.k.metrics.integrate(self.k.now, s.time);
        self.k.now = s.time;
        self.events += 1;
        let (code, id) = s.event.code();
        self.fingerprint = splitmix64(self.fingerprint ^ s.time.0 ^ (code << 56) ^ splitmix64(id));
        self.handle(s.event);
        if let Some(v) = self.k.violation.take() {
            return Some(Err(v));
        }
        if self.k.opts.check_invariants
            && let Err(e) = mesos::check::check_all(&self.k, &self.m)
        {
            return Some(Err(format!(
                "invariant violated at {} after {:?}: {e}",
                self.k.now, s.event
            )));
        }
        if self.k.opts.check_invariants
            && let Err(e) = self
                .check_standalone()
                .and_then(|()| self.check_yarn())
                .and_then(|()| {
                    machines::check(
                        &self.k,
                        &self.m,
                        self.sa.as_ref(),
                        self.yr.as_ref(),
                        &self.frameworks,
                    )
                })
                .and_then(|()| {
                    self.frameworks.iter().try_for_each(|f| match f {
                        Framework::Spark(a) => a.driver.check_attempts(),
                        _ => Ok(()),
                    })
                })
        {
            return Some(Err(format!(
                "invariant violated at {} after {:?}: {e}",
                self.k.now, s.event
            )));
        }
        self.m.touched.clear();
        Some(Ok(()))
    }

    /// Runs to the end and returns the metrics.
    pub fn run(self) -> Result<RunOutput, String> {
        self.run_observed(&mut |_| true)
    }

    /// Runs to the end, telling `progress` the simulated time every 16,384
    /// events; the run stops with an error when `progress` returns false
    /// (Ctrl-C).
    pub fn run_observed(
        mut self,
        progress: &mut dyn FnMut(SimTime) -> bool,
    ) -> Result<RunOutput, String> {
        while let Some(r) = self.step() {
            r?;
            if self.events.is_multiple_of(16_384) && !progress(self.k.now) {
                return Err(format!("stopped at {} s simulated", self.k.now));
            }
        }
        // A run that ran out of events would have delivered the moved or
        // dropped ones too (as no-ops): its clock ends at the last of them.
        if self.ran_out && self.k.passed_max > self.k.now {
            let t = self.k.passed_max;
            self.k.metrics.integrate(self.k.now, t);
            self.k.now = t;
        }
        let end = self.k.now.min(self.k.end);
        self.k.metrics.integrate(self.k.now, end);
        let World {
            k, m, frameworks, ..
        } = &mut self;
        for f in frameworks.iter() {
            let error = match f {
                Framework::Spark(a) => a.driver.jobs.source_error(),
                Framework::Other(o) => o.source_error(),
                Framework::Dispatcher(_) => None,
            };
            if let Some(e) = error {
                return Err(format!("the job trace could not be read to its end: {e}"));
            }
        }
        for f in frameworks.iter_mut() {
            match f {
                Framework::Spark(a) => match &a.backend {
                    Backend::Mesos(s) => mesos_spark::flush(k, m, &mut a.driver, s),
                    _ => a.driver.flush(k),
                },
                Framework::Other(o) => o.flush(k),
                Framework::Dispatcher(_) => {}
            }
        }
        let fingerprint = self.fingerprint ^ fnv1a64(&self.events.to_le_bytes());
        let mut metrics = self.k.metrics;
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
        self.k.push(at, Event::Sample);
    }

    pub fn now(&self) -> SimTime {
        self.k.now
    }

    fn handle(&mut self, e: Event) {
        match e {
            Event::AllocationTick => self.m.tick(&mut self.k),
            Event::AllocationRun => self.allocation_run(),
            Event::FrameworkStart(f) => self.framework_start(f),
            Event::FrameworkStop(f) => self.framework_stop(f),
            Event::JobArrival(f) => self.job_arrival(f),
            Event::TaskRunning(uid) => self.task_running(uid),
            Event::ExecutorRegistered { app, executor, uid } => {
                let (k, a) = self.spark(app);
                // An executor on a failed machine never registers.
                if a.driver
                    .executors
                    .get(&executor)
                    .is_some_and(|e| k.is_down(e.agent))
                {
                    return;
                }
                match &a.backend {
                    Backend::Mesos(s) => {
                        mesos_spark::executor_registered(k, &mut a.driver, s, executor, uid)
                    }
                    Backend::Standalone(s) => {
                        standalone_spark::executor_registered(k, &mut a.driver, s, executor, uid)
                    }
                    Backend::Yarn(s) => {
                        yarn_spark::executor_registered(k, &mut a.driver, s, executor, uid)
                    }
                    Backend::Local(_) => {
                        local::executor_registered(k, &mut a.driver, executor, uid)
                    }
                }
            }
            Event::SparkTaskDone {
                app,
                executor,
                uid,
                version,
            } => {
                let (k, a) = self.spark(app);
                if a.driver.task_done(k, executor, uid, version) {
                    self.stop_spark(app);
                }
            }
            Event::OtherTaskDone(uid) => {
                // A task on a failed machine ends only when it is lost.
                if self.k.machines_fail()
                    && self
                        .m
                        .tasks
                        .get(&uid)
                        .is_some_and(|t| self.k.is_down(t.agent))
                {
                    return;
                }
                let Some(t) = self.m.end_task(&mut self.k, uid) else {
                    return;
                };
                if let TaskOwner::Other(fw, _) = t.owner
                    && let Framework::Other(o) = &mut self.frameworks[fw.index()]
                {
                    o.task_done(&mut self.k, &mut self.m, uid);
                }
            }
            Event::DriverReadyTimeout(fw) => {
                let (k, a) = self.spark(fw);
                a.driver.ready_timeout(k);
            }
            Event::DynamicAllocationTick(fw) => {
                let World {
                    k,
                    m,
                    sa,
                    yr,
                    frameworks,
                    ..
                } = self;
                let a = spark_app(frameworks, fw);
                let requests = a.driver.dynamic_tick(k);
                match &mut a.backend {
                    Backend::Mesos(s) => {
                        mesos_spark::apply_requests(k, m, &mut a.driver, s, requests)
                    }
                    Backend::Standalone(s) => {
                        if let Some(c) = sa.as_mut() {
                            let launches =
                                standalone_spark::apply_requests(k, c, &mut a.driver, s, requests);
                            self.apply_standalone(launches);
                        }
                    }
                    Backend::Yarn(s) => {
                        if let Some(y) = yr.as_mut() {
                            yarn_spark::apply_requests(k, y, &mut a.driver, s, requests);
                        }
                    }
                    Backend::Local(_) => {}
                }
            }
            Event::SparkRevive(fw) => {
                let (k, a) = self.spark(fw);
                a.driver.revive_tick(k);
            }
            Event::DriverStarted { app, uid } => {
                let World { k, frameworks, .. } = self;
                let a = spark_app(frameworks, app);
                let current = match &mut a.backend {
                    Backend::Mesos(s) => s.driver_uid == Some(uid),
                    Backend::Standalone(s) => standalone_spark::is_current_driver(s, uid),
                    Backend::Yarn(s) => {
                        // The AM is up (with its driver in cluster mode).
                        if yarn_spark::is_current_am(s, uid)
                            && yarn_spark::am_started(k, &mut a.driver, s)
                        {
                            self.stop_spark(app);
                        }
                        false
                    }
                    Backend::Local(_) => false,
                };
                if current {
                    self.framework_start(app);
                }
            }
            Event::Fault(i) => self.fault(i),
            Event::MachineDown { machine, fault } => self.on_machines(|ms, p, after| {
                ms.machine_down_event(p, after, machine as usize, fault as usize)
            }),
            Event::MachineUp { machine, fault } => self.on_machines(|ms, p, after| {
                ms.machine_up_event(p, after, machine as usize, fault as usize)
            }),
            Event::MachineLost {
                machine,
                generation,
            } => self.on_machines(|ms, p, after| {
                ms.machine_lost(p, after, machine as usize, generation)
            }),
            Event::MasterElected(i) => {
                self.master_failovers -= 1;
                if self.master_failovers == 0 {
                    let cause = format!("faults.{i} master_failover");
                    self.on_machines(|_, p, _| failover::master_elected(p, cause));
                }
            }
            Event::ExecutorKilled { app, executor } => {
                let World {
                    k, m, frameworks, ..
                } = self;
                if let Framework::Spark(a) = &mut frameworks[app.index()]
                    && let Backend::Mesos(s) = &mut a.backend
                {
                    mesos_spark::executor_killed(k, m, &a.driver, s, executor);
                }
            }
            Event::ExecutorExpired { app, executor, uid } => {
                self.on_machines(|ms, p, _| ms.executor_expired(p, app, executor, uid))
            }
            Event::FineTaskDone(uid) => {
                let Some(TaskOwner::SparkFineTask(fw, _)) = self
                    .m
                    .tasks
                    .get(&uid)
                    .filter(|t| !self.k.is_down(t.agent))
                    .map(|t| t.owner)
                else {
                    return;
                };
                let World {
                    k, m, frameworks, ..
                } = self;
                let a = spark_app(frameworks, fw);
                let fine = match &mut a.backend {
                    Backend::Mesos(s) => s.fine.as_mut(),
                    _ => None,
                };
                if mesos::fine::task_done(k, m, &mut a.driver, fine, uid) {
                    self.stop_spark(fw);
                }
            }
            Event::DriverSubmitted(app) => {
                if let (Some(y), Framework::Spark(a)) =
                    (self.yr.as_mut(), &mut self.frameworks[app.index()])
                    && let Backend::Yarn(s) = &mut a.backend
                {
                    yarn_spark::submit(&mut self.k, y, s);
                    return;
                }
                if let (Some(c), Framework::Spark(a)) =
                    (self.sa.as_mut(), &self.frameworks[app.index()])
                    && matches!(a.backend, Backend::Standalone(_))
                {
                    let launches = standalone_spark::submit_driver(c, &a.driver);
                    self.apply_standalone(launches);
                    return;
                }
                let World {
                    k,
                    m,
                    frameworks,
                    dispatcher_id,
                    ..
                } = self;
                if let Some(d) = dispatcher_id.and_then(|d| dispatcher_of(frameworks, d)) {
                    dispatcher::submit(k, m, d, app);
                }
            }
            Event::OfferTimeout(id) => self.m.rescind(&mut self.k, id),
            Event::OffersDecided(b) => self.offers_decided(b),
            Event::NodeHeartbeat(n) => self.node_heartbeat(n as usize),
            Event::MachineShare(m) => {
                let World { k, frameworks, .. } = self;
                for f in frameworks.iter_mut() {
                    if let Framework::Spark(a) = f {
                        a.driver.rerate(k, AgentId(m));
                    }
                }
            }
            Event::AmAllocate(fw) => {
                let World {
                    k, yr, frameworks, ..
                } = self;
                let a = spark_app(frameworks, fw);
                if let (Backend::Yarn(s), Some(y)) = (&mut a.backend, yr.as_mut())
                    && !yarn_spark::allocate(k, y, &a.driver, s)
                {
                    // maxNumExecutorFailures or every node excluded (exit
                    // 11), or 1.6's reporter thread failing five times in a
                    // row (exit 12): the AM fails the app.
                    a.driver.abandon();
                    self.stop_yarn(fw, "app_failed");
                }
            }
            Event::ContainerStarted { app, executor } => {
                let (k, a) = self.spark(app);
                if let Backend::Yarn(s) = &mut a.backend {
                    yarn_spark::container_started(k, &mut a.driver, s, executor);
                }
            }
            Event::ContainerExpired { app, container } => {
                let a = spark_app(&mut self.frameworks, app);
                if let (Backend::Yarn(s), Some(y)) = (&mut a.backend, self.yr.as_mut()) {
                    yarn_spark::container_expired(y, s, container);
                }
            }
            Event::Sample => {
                let (row, shares) = if self.k.metrics.on_mesos {
                    self.m.sample(&self.k)
                } else {
                    self.k.metrics.sample(self.k.now)
                };
                self.k.metrics.utilization.push(row);
                self.k.metrics.shares.extend(shares);
                let next = self.k.now + self.k.metrics.sample_interval;
                if next <= self.k.end {
                    self.k.push(next, Event::Sample);
                }
            }
        }
    }

    /// The kernel and Spark app `fw`.
    fn spark(&mut self, fw: FrameworkId) -> (&mut Kernel, &mut SparkApp) {
        (&mut self.k, spark_app(&mut self.frameworks, fw))
    }

    /// Runs a machine failure's step on the world's parts, then what it
    /// leaves to do: drivers that died with their machine fail as
    /// `driver_failure`.
    fn on_machines(
        &mut self,
        step: impl FnOnce(&mut machines::Machines, &mut machines::Parts<'_>, &mut machines::After),
    ) {
        let mut after = machines::After::default();
        let mut p = machines::Parts {
            k: &mut self.k,
            m: &mut self.m,
            sa: self.sa.as_mut(),
            yr: self.yr.as_mut(),
            frameworks: &mut self.frameworks,
        };
        step(&mut self.machines, &mut p, &mut after);
        for fw in after.failed_drivers {
            self.driver_failure(fw);
        }
    }

    /// The master's run: each framework gets its offers in one callback,
    /// after its decision time when it has one (the offers stay
    /// outstanding and locked meanwhile; `offer_timeout` may rescind them).
    fn allocation_run(&mut self) {
        // The offers reach the frameworks when the run ends.
        let run = self.m.run_duration();
        // Offers that arrive after the run's time are answered later: no
        // blind decline now (an empty list: none for any framework).
        let blind: Vec<Option<Refuse>> = if run > SimDuration::ZERO {
            Vec::new()
        } else {
            self.blind_declines()
        };
        let by_fw = self.m.allocation_run(&mut self.k, &blind, run);
        for (fw, batch) in by_fw {
            let ids = match batch {
                Batch::Offers(ids) => ids,
                Batch::Blind(offers, refuse) => {
                    let World {
                        k, m, frameworks, ..
                    } = &mut *self;
                    if let Framework::Spark(a) = &mut frameworks[fw.index()]
                        && let Backend::Mesos(s) = &mut a.backend
                    {
                        mesos_spark::declined_blind(k, m, s, offers, refuse);
                    }
                    continue;
                }
            };
            let decide = self
                .deciders
                .get_mut(fw.index())
                .and_then(Option::as_mut)
                .map_or(SimDuration::ZERO, |(sampler, rng)| sampler.duration(rng));
            match run + decide {
                d if d > SimDuration::ZERO => {
                    let b = self.next_batch;
                    self.next_batch += 1;
                    self.deciding.insert(b, (fw, ids, self.m.rescinds));
                    self.k.push(self.k.now + d, Event::OffersDecided(b));
                }
                _ => self.deliver(fw, &ids),
            }
        }
    }

    /// Each framework's blind decline at a run whose offers arrive at once:
    /// the filter of a Spark backend that would decline any offer now
    /// ([`mesos_spark::blind_decline`]); none for a framework that takes
    /// time to decide.
    fn blind_declines(&self) -> Vec<Option<Refuse>> {
        self.frameworks
            .iter()
            .enumerate()
            .map(|(i, f)| match f {
                _ if self.deciders.get(i).is_some_and(Option::is_some) => None,
                Framework::Spark(a) => match &a.backend {
                    Backend::Mesos(s) => mesos_spark::blind_decline(s),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// A batch whose decision time is over: the framework answers the
    /// offers still outstanding (not rescinded meanwhile).
    fn offers_decided(&mut self, b: u64) {
        let Some((fw, mut ids, rescinds)) = self.deciding.remove(&b) else {
            return;
        };
        if self.m.rescinds != rescinds {
            ids.retain(|id| self.m.offers.get(id).is_some_and(|o| o.framework == fw));
        }
        if !ids.is_empty() {
            self.deliver(fw, &ids);
        }
    }

    /// Framework `fw`'s scheduler handles its offers `ids`.
    fn deliver(&mut self, fw: FrameworkId, ids: &[u64]) {
        let World {
            k, m, frameworks, ..
        } = &mut *self;
        let launched = match &mut frameworks[fw.index()] {
            Framework::Spark(a) => {
                if let Backend::Mesos(s) = &mut a.backend {
                    mesos_spark::resource_offers(k, m, &mut a.driver, s, ids);
                }
                return;
            }
            Framework::Other(o) => {
                o.resource_offers(k, m, ids);
                return;
            }
            Framework::Dispatcher(_) => {
                // The dispatcher needs each waiting app's driver size.
                let (apps, rest) = frameworks.split_at_mut(fw.index());
                let Framework::Dispatcher(d) = &mut rest[0] else {
                    unreachable!()
                };
                let shape = |app: FrameworkId| match &apps[app.index()] {
                    Framework::Spark(a) => (
                        Milli::from_units(i64::from(a.driver.settings.driver_cores)),
                        Milli::from_units(a.driver.settings.driver_memory_total_mib() as i64),
                    ),
                    _ => (Milli::ZERO, Milli::ZERO),
                };
                dispatcher::resource_offers(k, m, d, ids, &shape)
            }
        };
        for (app, uid) in launched {
            if let Some(s) = spark_app(&mut self.frameworks, app).mesos() {
                s.driver_uid = Some(uid);
            }
        }
    }

    fn job_arrival(&mut self, fw: FrameworkId) {
        let World {
            k, m, frameworks, ..
        } = self;
        match &mut frameworks[fw.index()] {
            Framework::Spark(a) => {
                if a.driver.job_arrival(k) {
                    match &a.backend {
                        Backend::Mesos(s) => mesos_spark::revive_offers(k, m, &mut a.driver, s),
                        // CoarseGrainedSchedulerBackend.reviveOffers and
                        // LocalEndpoint.reviveOffers: the free slots.
                        _ => a.driver.make_offers(k, None),
                    }
                }
            }
            Framework::Other(o) => o.job_arrival(k, m),
            Framework::Dispatcher(_) => {}
        }
    }

    fn task_running(&mut self, uid: u64) {
        // Nothing starts on a failed machine.
        if self.k.machines_fail()
            && self
                .m
                .tasks
                .get(&uid)
                .is_some_and(|t| self.k.is_down(t.agent))
        {
            return;
        }
        let Some(owner) = self.m.task_running(uid) else {
            return;
        };
        match owner {
            TaskOwner::Other(fw, _) => {
                if let Framework::Other(o) = &mut self.frameworks[fw.index()] {
                    o.task_started(&mut self.k, uid);
                }
            }
            TaskOwner::SparkFineTask(fw, _) | TaskOwner::SparkFineExecutor(fw, _) => {
                let (k, a) = self.spark(fw);
                if let Backend::Mesos(MesosSpark { fine: Some(f), .. }) = &mut a.backend {
                    mesos::fine::task_running(k, &mut a.driver, f, uid);
                }
            }
            TaskOwner::Driver(_, app) => {
                let (k, a) = self.spark(app);
                if let Backend::Mesos(s) = &mut a.backend {
                    let startup = s.driver_startup(&a.driver);
                    dispatcher::driver_running(k, app, uid, startup);
                }
            }
            TaskOwner::SparkExecutor(..) => {}
        }
    }

    fn framework_start(&mut self, fw: FrameworkId) {
        let World {
            k,
            m,
            sa,
            yr,
            frameworks,
            ..
        } = &mut *self;
        if let Framework::Spark(a) = &mut frameworks[fw.index()] {
            match &mut a.backend {
                Backend::Local(b) => {
                    // No cluster manager to register with.
                    if local::start(k, &mut a.driver, b) {
                        self.stop_spark(fw);
                    }
                    return;
                }
                Backend::Standalone(s) => {
                    let Some(c) = sa.as_mut() else { return };
                    let (done, launches) = standalone_spark::start(k, c, &mut a.driver, s);
                    self.apply_standalone(launches);
                    if done {
                        self.stop_spark(fw);
                    }
                    return;
                }
                Backend::Yarn(s) => {
                    // Client mode: the driver submits the app to YARN.
                    let Some(y) = yr.as_mut() else { return };
                    if yarn_spark::start_client(k, y, &mut a.driver, s) {
                        self.stop_spark(fw);
                    }
                    return;
                }
                Backend::Mesos(_) => {}
            }
        }
        m.activate(fw);
        match &mut frameworks[fw.index()] {
            Framework::Spark(a) => {
                let Backend::Mesos(s) = &mut a.backend else {
                    unreachable!("local, standalone and YARN apps start above")
                };
                match mesos_spark::start(k, m, &mut a.driver, s) {
                    Started::Refused => self.release_driver(fw),
                    Started::Running(true) => self.stop_spark(fw),
                    Started::Running(false) => {}
                }
            }
            Framework::Other(o) => o.start(k, m),
            // The dispatcher only needs the master's registration.
            Framework::Dispatcher(_) => {}
        }
        // addFramework triggers a run over all agents (Mesos 1.11
        // `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.1).
        self.m.request_run(&mut self.k);
    }

    fn framework_stop(&mut self, fw: FrameworkId) {
        match &mut self.frameworks[fw.index()] {
            Framework::Spark(_) => self.stop_spark(fw),
            Framework::Other(o) => o.stop(&mut self.k, &mut self.m),
            Framework::Dispatcher(_) => {}
        }
    }

    /// The app ends: the backend stops, every executor is killed (its Mesos
    /// task ends KILLED), unfinished jobs stay unfinished.
    fn stop_spark(&mut self, fw: FrameworkId) {
        let World {
            k, m, frameworks, ..
        } = self;
        let a = spark_app(frameworks, fw);
        if a.driver.stopped {
            return;
        }
        match &mut a.backend {
            Backend::Mesos(s) => mesos_spark::shut_down(k, m, &mut a.driver, s, "app_end"),
            Backend::Standalone(_) => {
                self.stop_standalone(fw, "app_end");
                return;
            }
            Backend::Yarn(_) => {
                self.stop_yarn(fw, "app_end");
                return;
            }
            Backend::Local(_) => local::shut_down(k, &mut a.driver, "app_end"),
        }
        self.release_driver(fw);
    }

    /// A standalone app ends: it unregisters (its executors are killed with
    /// `reason`), and a cluster-mode driver's process exits, freeing its
    /// worker; the Master gives what they held to the next apps.
    fn stop_standalone(&mut self, fw: FrameworkId, reason: &'static str) {
        let World {
            k, sa, frameworks, ..
        } = self;
        let a = spark_app(frameworks, fw);
        let (Backend::Standalone(s), Some(c)) = (&mut a.backend, sa.as_mut()) else {
            return;
        };
        let mut launches = standalone_spark::shut_down(k, c, &mut a.driver, s, reason);
        launches.extend(standalone_spark::driver_exited(k, c, &a.driver, s));
        self.apply_standalone(launches);
    }

    /// A YARN app ends: its AM unregisters and every container goes.
    fn stop_yarn(&mut self, fw: FrameworkId, reason: &'static str) {
        let World {
            k, yr, frameworks, ..
        } = self;
        let a = spark_app(frameworks, fw);
        if let (Backend::Yarn(s), Some(y)) = (&mut a.backend, yr.as_mut()) {
            yarn_spark::shut_down(k, y, &mut a.driver, s, reason);
        }
    }

    /// A NodeManager heartbeat: AM containers are launched by the
    /// ResourceManager; executor containers wait for their AM's next
    /// `allocate`.
    fn node_heartbeat(&mut self, n: usize) {
        let World {
            k, yr, frameworks, ..
        } = self;
        let Some(y) = yr.as_mut() else { return };
        if k.is_down(AgentId(n as u32)) || y.down {
            // A failed NodeManager sends nothing; a restarting
            // ResourceManager places nothing.
            y.rest(n);
            return;
        }
        let allocations = y.heartbeat(k, n);
        if let Some(c) = k.metrics.containers.as_mut() {
            c.1 += allocations.len() as u64;
        }
        for alloc in allocations {
            if alloc.ask.priority == 0 {
                let a = spark_app(frameworks, FrameworkId(alloc.app));
                if let Backend::Yarn(s) = &mut a.backend {
                    yarn_spark::am_container_granted(k, y, &a.driver, s, &alloc);
                }
            } else {
                y.granted.entry(alloc.app).or_default().push(alloc);
            }
        }
    }

    /// Applies the standalone Master's decisions: executors granted to
    /// their drivers, drivers started on their workers.
    fn apply_standalone(&mut self, launches: Vec<policies::standalone::Launch>) {
        let World {
            k, sa, frameworks, ..
        } = self;
        let Some(c) = sa.as_mut() else { return };
        apps::apply_standalone(k, c, frameworks, launches);
    }

    /// Cluster mode: the app is over, its driver's task ends with it.
    fn release_driver(&mut self, fw: FrameworkId) {
        let World {
            k,
            m,
            frameworks,
            dispatcher_id,
            ..
        } = self;
        let a = spark_app(frameworks, fw);
        if !a.cluster() {
            return;
        }
        let driver = a.mesos().and_then(|s| s.driver_uid.take());
        // A cluster-mode app implies the dispatcher.
        if let Some(d) = dispatcher_id.and_then(|d| dispatcher_of(frameworks, d)) {
            dispatcher::app_finished(k, m, d, driver);
        }
    }

    /// Injects fault `i` of the scenario (docs/faults.md).
    fn fault(&mut self, i: usize) {
        let kind = self.faults[i].kind.clone();
        let app_id = |w: &World, name: &str| {
            w.frameworks
                .iter()
                .position(|f| matches!(f, Framework::Spark(a) if a.driver.name == name))
                .map(|i| FrameworkId(i as u32))
        };
        let before = self.k.metrics.failure_counts();
        let cause = format!("faults.{i} {}", kind.name());
        match kind {
            FaultKind::DriverFailure { app } => {
                if let Some(fw) = app_id(self, &app) {
                    self.driver_failure(fw);
                    self.k.metrics.failure_since(
                        before,
                        self.k.now,
                        "driver_failed",
                        String::new(),
                        app,
                        cause,
                    );
                }
            }
            // Armed at the start (below); the event does nothing.
            FaultKind::TaskFailures { .. } => {}
            FaultKind::MasterFailover { election } => {
                self.master_failovers += 1;
                self.k.push(self.k.now + election, Event::MasterElected(i));
                self.on_machines(|_, p, _| failover::master_down(p, cause));
            }
            FaultKind::MachineFailure { .. } | FaultKind::RackFailures { .. } => {
                self.on_machines(|ms, p, after| ms.machine_fault(p, after, i))
            }
            // Each machine's own events (`MachineDown`).
            FaultKind::MachineFailures { .. } => {}
            FaultKind::ExecutorFailures { app, .. } => {
                let Some(fw) = app_id(self, &app) else { return };
                let Some((rng, gaps)) = self.failure_draws.get_mut(&i) else {
                    return;
                };
                // A live executor at random (in id order), then the next
                // failure.
                let u = crate::workload::open_unit(rng);
                let next = self.k.now + gaps.duration(rng);
                let agents: Vec<AgentId> = spark_app(&mut self.frameworks, fw)
                    .driver
                    .executors
                    .iter()
                    .map(|(_, e)| e.agent)
                    .collect();
                if !agents.is_empty() {
                    let pick = ((u * agents.len() as f64) as usize).min(agents.len() - 1);
                    let host = agents[pick].index();
                    self.executor_failure(fw, host);
                    let name = self.k.machines[host].hostname.clone();
                    self.k.metrics.failure_since(
                        before,
                        self.k.now,
                        "executor_failed",
                        name,
                        app,
                        cause,
                    );
                }
                self.k.push(next, Event::Fault(i));
            }
            FaultKind::ExecutorFailure { app, agent } => {
                let host = self.k.machines.iter().position(|a| a.hostname == agent);
                if let (Some(fw), Some(host)) = (app_id(self, &app), host) {
                    self.executor_failure(fw, host);
                    self.k.metrics.failure_since(
                        before,
                        self.k.now,
                        "executor_failed",
                        agent,
                        app,
                        cause,
                    );
                }
            }
        }
    }

    /// The app's executor on machine `host` dies (`[[faults]]`
    /// `executor_failure`, and each failure of `executor_failures`).
    fn executor_failure(&mut self, fw: FrameworkId, host: usize) {
        let World {
            k, m, frameworks, ..
        } = self;
        let a = spark_app(frameworks, fw);
        // A local app has no executor apart from its driver
        // (validation refuses the fault).
        match &mut a.backend {
            Backend::Mesos(s) => {
                mesos_spark::executor_failure(k, m, &mut a.driver, s, AgentId(host as u32))
            }
            Backend::Standalone(s) => {
                let Some(c) = self.sa.as_mut() else { return };
                let (launches, removed) =
                    standalone_spark::executor_failure(k, c, &mut a.driver, s, host);
                self.apply_standalone(launches);
                if removed {
                    // ApplicationRemoved(FAILED): the
                    // SparkContext stops, its jobs abandoned.
                    spark_app(&mut self.frameworks, fw).driver.abandon();
                    self.stop_standalone(fw, "app_failed");
                }
            }
            Backend::Yarn(s) => {
                if let Some(y) = self.yr.as_mut() {
                    yarn_spark::executor_failure(k, y, &mut a.driver, s, host);
                }
            }
            Backend::Local(_) => {}
        }
    }

    /// `[[faults]] driver_failure`: the driver process dies. Its jobs are
    /// abandoned (unfinished in `jobs.csv`) and its executors killed with
    /// it. In client mode the app is over. In cluster mode its Mesos task
    /// ends FAILED and the dispatcher relaunches it with
    /// `spark.driver.supervise` (docs/faults.md); the new driver takes the
    /// jobs that arrive from then on.
    fn driver_failure(&mut self, fw: FrameworkId) {
        let World {
            k,
            m,
            frameworks,
            dispatcher_id,
            ..
        } = self;
        let a = spark_app(frameworks, fw);
        let s = match &mut a.backend {
            Backend::Standalone(_) => {
                self.standalone_driver_failure(fw);
                return;
            }
            Backend::Yarn(s) => {
                let Some(y) = self.yr.as_mut() else { return };
                if s.cluster {
                    if !yarn_spark::driver_failed(k, y, &mut a.driver, s) {
                        a.driver.give_up();
                    }
                } else if !a.driver.stopped {
                    yarn_spark::shut_down(k, y, &mut a.driver, s, "driver_failed");
                    a.driver.abandon();
                }
                return;
            }
            Backend::Local(_) => {
                if !a.driver.stopped {
                    local::shut_down(k, &mut a.driver, "driver_failed");
                    a.driver.abandon();
                }
                return;
            }
            Backend::Mesos(s) if !s.cluster => {
                if !a.driver.stopped {
                    mesos_spark::shut_down(k, m, &mut a.driver, s, "driver_failed");
                    a.driver.abandon();
                }
                return;
            }
            Backend::Mesos(s) => s,
        };
        // No driver process unless the dispatcher launched one.
        let Some(uid) = s.driver_uid.take() else {
            return;
        };
        if !a.driver.stopped {
            mesos_spark::shut_down(k, m, &mut a.driver, s, "driver_failed");
        }
        a.driver.reset_for_restart();
        s.reset_for_restart();
        m.end_task(k, uid);
        let supervise = a.driver.settings.supervise;
        let Some(d) = dispatcher_id.and_then(|d| dispatcher_of(frameworks, d)) else {
            return;
        };
        if dispatcher::driver_failed(k, m, d, fw, supervise) {
            spark_app(frameworks, fw).driver.give_up();
            let d = dispatcher_id
                .and_then(|d| dispatcher_of(frameworks, d))
                .expect("the dispatcher");
            dispatcher::app_finished(k, m, d, None);
        }
    }
}

fn dispatcher_of(frameworks: &mut [Framework], d: FrameworkId) -> Option<&mut Dispatcher> {
    match &mut frameworks[d.index()] {
        Framework::Dispatcher(d) => Some(d),
        _ => None,
    }
}

impl World {
    /// The standalone Master's books against the drivers'.
    fn check_standalone(&self) -> Result<(), String> {
        let Some(c) = &self.sa else { return Ok(()) };
        // Failing over: its decisions wait in `held`, not yet the drivers'.
        if c.down {
            return Ok(());
        }
        let apps = self.frameworks.iter().filter_map(|f| match f {
            Framework::Spark(a) => match &a.backend {
                Backend::Standalone(s) => Some((&a.driver, s)),
                _ => None,
            },
            _ => None,
        });
        standalone::check::check(c, apps)
    }

    /// The ResourceManager's books against the drivers'.
    fn check_yarn(&self) -> Result<(), String> {
        let Some(y) = &self.yr else { return Ok(()) };
        let apps = self.frameworks.iter().filter_map(|f| match f {
            Framework::Spark(a) => match &a.backend {
                Backend::Yarn(s) => Some((&a.driver, s)),
                _ => None,
            },
            _ => None,
        });
        yarn::check::check(y, apps)
    }

    /// `[[faults]] driver_failure` on standalone. In client mode the app is
    /// over. In cluster mode the app goes with its SparkContext (executors
    /// killed), and a supervised driver is restarted by its worker in place
    /// after its back-off (Spark 3.0 `deploy/worker/DriverRunner.scala`,
    /// reference standalone-yarn-local.md §1.8); its new SparkContext
    /// registers a new application, last in the Master's FIFO.
    fn standalone_driver_failure(&mut self, fw: FrameworkId) {
        let a = spark_app(&mut self.frameworks, fw);
        let cluster = matches!(&a.backend, Backend::Standalone(s) if s.cluster);
        if !cluster {
            if !a.driver.stopped {
                self.stop_standalone(fw, "driver_failed");
                spark_app(&mut self.frameworks, fw).driver.abandon();
            }
            return;
        }
        let World {
            k, sa, frameworks, ..
        } = self;
        let a = spark_app(frameworks, fw);
        let (Backend::Standalone(s), Some(c)) = (&mut a.backend, sa.as_mut()) else {
            return;
        };
        if s.driver.is_none() {
            return;
        }
        let mut launches = Vec::new();
        if !a.driver.stopped {
            launches = standalone_spark::shut_down(k, c, &mut a.driver, s, "driver_failed");
        }
        a.driver.reset_for_restart();
        let (restarts, more) = standalone_spark::driver_failed(k, c, &a.driver, s);
        launches.extend(more);
        if !restarts {
            a.driver.give_up();
        }
        self.apply_standalone(launches);
    }
}
