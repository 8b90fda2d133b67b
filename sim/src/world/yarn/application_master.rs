//! A Spark application on YARN: its ApplicationMaster (Spark 3.0
//! `deploy/yarn/ApplicationMaster.scala` with `YarnAllocator`, reference
//! standalone-yarn-local.md §2.1–§2.7) and the driver's
//! `YarnSchedulerBackend` (§2.8). The driver itself is
//! [`crate::world::spark::driver`].
//!
//! - The app is submitted to the ResourceManager with its AM container
//!   (client mode: `spark.yarn.am.*`; cluster mode: the driver's size, the
//!   driver running inside the AM). The ResourceManager launches the AM
//!   container when a heartbeat places it; the AM's JVM starts after the
//!   container launch and the app's start-up time.
//! - The AM then registers and runs its allocation loop: every `allocate`
//!   sends the allocator's requests, receives the containers granted since
//!   the last call, launches them on their NodeManagers (the container
//!   launch time; the executor's JVM start follows) and learns of
//!   completed containers; it sleeps 200 ms doubling to 3 s while requests
//!   wait, 3 s otherwise, and wakes early when the driver changes its
//!   target.
//! - The driver is ready once 80 % of the initial executors registered
//!   (`spark.scheduler.minRegisteredResourcesRatio` unset), or after
//!   `spark.scheduler.maxRegisteredResourcesWaitingTime`.

use std::collections::BTreeMap;

use policies::model::FrameworkId;
use policies::spark::allocation_manager::Request;
use policies::yarn::allocator::{
    AllocatorConf, Container, Exit, INITIAL_INTERVAL_US, YarnAllocator, max_executor_failures,
};
use policies::yarn::container::Capability;
use policies::yarn::resource_manager::{Allocation, Ask};
use rand_chacha::ChaCha8Rng;

use crate::metrics::AllocationRow;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{App, DeployMode, app_containers};
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::spark::driver::{Grant, SparkDriver};
use crate::world::yarn::resource_manager::YarnRm;

/// YARN's default for `spark.scheduler.minRegisteredResourcesRatio`
/// (Spark 3.0 `YarnSchedulerBackend`, §2.8).
const YARN_MIN_REGISTERED_RATIO: f64 = 0.8;

/// An AM attempt's container.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AmAttempt {
    pub uid: u64,
    pub node: usize,
}

/// The YARN side of one Spark app.
pub(crate) struct YarnSpark {
    pub cluster: bool,
    key: u32,
    queue: usize,
    am_cap: Capability,
    exec_cap: Capability,
    executor_cores: u32,
    pub am: Option<AmAttempt>,
    attempts: u32,
    max_attempts: u32,
    pub allocator: Option<YarnAllocator>,
    alloc_conf: AllocatorConf,
    initial_target: u32,
    /// The driver's latest total, for an AM not yet registered.
    requested: Option<u32>,
    next_allocate: Option<SimTime>,
    last_allocate: SimTime,
    /// Skipped containers, held until the ResourceManager expires them.
    skipped: Vec<Container>,
    am_startup_rng: ChaCha8Rng,
    pub created: SimTime,
}

impl YarnSpark {
    pub fn new(app: &App, id: FrameworkId, y: &YarnRm, streams: &RngStreams) -> YarnSpark {
        let key = fnv1a64(app.name.as_bytes());
        let s = &app.settings;
        let ((am_heap, am_over, am_cores), (heap, over, cores)) = app_containers(app);
        let am_cap = y.bounds.normalize(Capability {
            mem_mb: am_heap + am_over,
            vcores: am_cores,
        });
        let exec_cap = y.bounds.normalize(Capability {
            mem_mb: heap + over,
            vcores: cores,
        });
        let dynamic = &s.dynamic;
        // SchedulerBackendUtils.getInitialTargetExecutorNumber (§2.2).
        let initial_target = if dynamic.enabled {
            dynamic.initial_target
        } else {
            s.yarn.executor_instances.unwrap_or(2)
        };
        let max_failures = max_executor_failures(
            s.yarn.max_executor_failures,
            dynamic.enabled.then_some(dynamic.max_executors),
            s.yarn.executor_instances,
            s.version,
        );
        let queue =
            y.rm.conf
                .queues
                .iter()
                .position(|q| q.name == s.yarn.queue)
                .unwrap_or(0);
        YarnSpark {
            cluster: app.deploy_mode == DeployMode::Cluster,
            key: id.0,
            queue,
            am_cap,
            exec_cap,
            executor_cores: cores,
            am: None,
            attempts: 0,
            max_attempts: s
                .yarn
                .max_app_attempts
                .map_or(y.am_max_attempts, |n| n.min(y.am_max_attempts)),
            allocator: None,
            alloc_conf: AllocatorConf {
                capability: exec_cap,
                task_cpus: s.task_cpus,
                executor_cores: cores,
                max_executor_failures: max_failures,
                exclusion: s.yarn.launch_exclusion.then_some((
                    s.yarn.max_failed_executors_per_node,
                    s.yarn.exclusion_timeout.as_micros(),
                )),
                version: s.version,
            },
            initial_target,
            requested: None,
            next_allocate: None,
            last_allocate: SimTime::ZERO,
            skipped: Vec::new(),
            // The same stream as a cluster-mode driver's JVM start on the
            // other managers: common random numbers.
            am_startup_rng: streams.stream("app-driver-startup", key),
            created: SimTime::ZERO,
        }
    }
}

fn uid(d: &SparkDriver, id: u32) -> u64 {
    (4 << 48) | (u64::from(d.id.0) << 24) | u64::from(id)
}

/// `YarnSchedulerBackend.sufficientResourcesRegistered`: registered
/// executors ≥ initial executors × ratio (0.8 unless set), or the waiting
/// time is over.
fn is_ready(d: &SparkDriver, s: &YarnSpark, now: SimTime) -> bool {
    let ratio = if d.settings.min_registered_ratio_set {
        d.settings.min_registered_ratio
    } else {
        YARN_MIN_REGISTERED_RATIO
    };
    let registered = d.executors.values().filter(|e| e.registered).count();
    registered as f64 >= f64::from(s.initial_target) * ratio
        || now.since(s.created) >= d.settings.max_registered_waiting
}

/// The driver's SparkContext starts its backend: timers armed, the
/// allocation manager's first total kept for the AM, the first job
/// scheduled. True when the app is already done.
fn open_backend(k: &mut Kernel, d: &mut SparkDriver, s: &mut YarnSpark) -> bool {
    d.open(k);
    s.created = k.now;
    let ready = is_ready(d, s, k.now);
    let requests = d.backend_started(ready);
    for r in requests {
        if let Request::Total(n) = r {
            s.requested = Some(n);
            let row = AllocationRow {
                time: k.now,
                app: d.name.clone(),
                target: n,
                executors: 0,
            };
            k.metrics.allocations.push(row);
        }
    }
    d.arm_timers(k);
    d.begin_stream(k)
}

/// Client mode: the driver starts and submits the app (its AM container
/// request) to the ResourceManager. True when the app is already done.
pub(crate) fn start_client(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
) -> bool {
    let done = open_backend(k, d, s);
    submit(k, y, s);
    done
}

/// The app (or a new attempt) asks for its AM container.
pub(crate) fn submit(k: &mut Kernel, y: &mut YarnRm, s: &mut YarnSpark) {
    s.attempts += 1;
    if let Some(c) = k.metrics.containers.as_mut() {
        c.0 += 1;
    }
    if y.rm.app(s.key).is_none() {
        y.rm.submit(s.key, s.queue, s.am_cap);
    } else if let Some(a) = y.rm.apps.iter_mut().find(|a| a.key == s.key) {
        a.asks.insert(
            0,
            Ask {
                priority: 0,
                nodes: None,
                capability: s.am_cap,
            },
        );
    }
    y.wake(k);
}

/// A heartbeat placed the AM container: the ResourceManager launches it;
/// the AM (with the driver inside, in cluster mode) is up after the
/// container launch and its JVM start.
pub(crate) fn am_container_granted(
    k: &mut Kernel,
    y: &YarnRm,
    d: &SparkDriver,
    s: &mut YarnSpark,
    a: &Allocation,
) {
    let uid = (5 << 48) | (u64::from(d.id.0) << 24) | u64::from(s.attempts);
    s.am = Some(AmAttempt { uid, node: a.node });
    k.metrics.held_by(
        d.id,
        k.now,
        i64::from(a.capability.vcores) * 1000,
        a.capability.mem_mb as i64 * 1000,
    );
    let startup: SimDuration = d.startup.duration(&mut s.am_startup_rng);
    k.push(
        k.now + y.container_launch + startup,
        Event::DriverStarted { app: d.id, uid },
    );
}

pub(crate) fn is_current_am(s: &YarnSpark, uid: u64) -> bool {
    s.am.is_some_and(|a| a.uid == uid)
}

/// The AM is up. In cluster mode its driver's SparkContext starts first.
/// The AM registers, creates its allocator with the driver's target and
/// allocates at once. True when the app is already done.
pub(crate) fn am_started(k: &mut Kernel, d: &mut SparkDriver, s: &mut YarnSpark) -> bool {
    let mut done = false;
    if s.cluster {
        done = open_backend(k, d, s);
    }
    let target = s.requested.unwrap_or(s.initial_target);
    let mut a = YarnAllocator::new(s.alloc_conf, target);
    a.request_total(target, d.locality_aware_tasks(), hints(d));
    s.allocator = Some(a);
    s.next_allocate = Some(k.now);
    k.push(k.now, Event::AmAllocate(d.id));
    done
}

fn hints(d: &SparkDriver) -> BTreeMap<usize, u32> {
    d.hints.iter().map(|(h, n)| (h.index(), *n)).collect()
}

/// `allocateResources`: requests updated and sent, granted containers
/// matched and launched (or skipped, or released), completed ones
/// processed; the excluded nodes sent; the next call scheduled. False
/// when the AM fails the app (`maxNumExecutorFailures` reached, or every
/// node excluded: exit code 11; 1.6's reporter thread failed five times in
/// a row: exit code 12).
pub(crate) fn allocate(k: &mut Kernel, y: &mut YarnRm, d: &SparkDriver, s: &mut YarnSpark) -> bool {
    if s.next_allocate != Some(k.now) {
        return true; // an earlier wake-up, superseded
    }
    if am_down(k, s) {
        return true; // the AM died with its machine: no more calls
    }
    if y.down {
        // The ResourceManager is restarting: the AM's calls fail until it
        // is back (`resume_allocating`).
        return true;
    }
    let Some(a) = s.allocator.as_mut() else {
        return true;
    };
    let now_us = k.now.as_micros();
    if a.must_fail(y.rm.nodes.len(), now_us) {
        return false;
    }
    y.rm.set_excluded(s.key, a.excluded_nodes(now_us));
    let (_, added) = a.update_resource_requests();
    if let Some(c) = k.metrics.containers.as_mut() {
        c.0 += added as u64;
    }
    // The ResourceManager's asks: the AM's pending requests, less those
    // it charged for the containers this call picks up.
    let granted = y.granted.remove(&s.key).unwrap_or_default();
    let mut asks: Vec<Option<Vec<usize>>> = a.pending().iter().map(|r| r.nodes.clone()).collect();
    for g in &granted {
        let i = asks
            .iter()
            .position(|n| *n == g.ask.nodes)
            .or(if asks.is_empty() { None } else { Some(0) });
        if let Some(i) = i {
            asks.remove(i);
        }
    }
    y.rm.set_asks(
        s.key,
        asks.into_iter()
            .map(|nodes| Ask {
                priority: 1,
                nodes,
                capability: s.exec_cap,
            })
            .collect(),
    );
    let containers: Vec<Container> = granted
        .iter()
        .map(|g| Container {
            id: g.container,
            node: g.node,
            capability: g.capability,
        })
        .collect();
    let h = a.handle_allocated(&containers);
    for (id, _) in &h.launch {
        k.push(
            k.now + y.container_launch,
            Event::ContainerStarted {
                app: d.id,
                executor: *id,
            },
        );
    }
    for c in &h.release {
        y.rm.release(s.key, c.node, c.capability, false);
    }
    for c in h.skipped {
        k.push(
            k.now + y.allocation_expiry,
            Event::ContainerExpired {
                app: d.id,
                container: c.id,
            },
        );
        s.skipped.push(c);
    }
    let sleep = SimDuration(a.next_sleep_us());
    s.last_allocate = k.now;
    s.next_allocate = Some(k.now + sleep);
    k.push(k.now + sleep, Event::AmAllocate(d.id));
    y.wake(k);
    true
}

/// A skipped container's allocation expired: the ResourceManager takes it
/// back.
pub(crate) fn container_expired(y: &mut YarnRm, s: &mut YarnSpark, container: u64) {
    if let Some(i) = s.skipped.iter().position(|c| c.id == container) {
        let c = s.skipped.remove(i);
        y.rm.release(s.key, c.node, c.capability, false);
        if let Some(a) = s.allocator.as_mut() {
            a.allocation_expired();
        }
    }
}

/// The NodeManager started executor `id`'s container: the executor's JVM
/// starts and registers with the driver after the app's start-up time.
pub(crate) fn container_started(k: &mut Kernel, d: &mut SparkDriver, s: &mut YarnSpark, id: u32) {
    let Some(a) = s.allocator.as_mut() else {
        return;
    };
    let Some(c) = a.container_of(id) else {
        return; // killed while starting
    };
    if k.is_down(policies::model::AgentId(c.node as u32)) {
        return; // its NodeManager failed
    }
    a.container_started(id);
    let grant = Grant {
        id: u64::from(id),
        uid: uid(d, id),
        agent: policies::model::AgentId(c.node as u32),
        cpus: s.executor_cores,
        advertised: s.executor_cores,
        mem_mb: c.capability.mem_mb,
        // No CPU isolation in a NodeManager's containers by default.
        shares_machine: true,
    };
    k.metrics.held_by(
        d.id,
        k.now,
        i64::from(s.executor_cores) * 1000,
        c.capability.mem_mb as i64 * 1000,
    );
    d.executor_launched(k, grant, k.now);
}

/// An executor registered: the driver may be ready, and offers its slots.
pub(crate) fn executor_registered(
    k: &mut Kernel,
    d: &mut SparkDriver,
    s: &YarnSpark,
    id: u64,
    uid: u64,
) {
    let now = k.now;
    d.register_and_offer(k, id, uid, |d| is_ready(d, s, now));
}

/// The allocation manager's requests: a total (with its locality hints)
/// goes to the AM, which wakes early when it changed; killed executors'
/// containers are released at once.
pub(crate) fn apply_requests(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    requests: Vec<Request>,
) {
    for r in requests {
        match r {
            Request::Total(n) => {
                let row = AllocationRow {
                    time: k.now,
                    app: d.name.clone(),
                    target: n,
                    executors: d.executors.len() as u32,
                };
                k.metrics.allocations.push(row);
                let tasks = d.locality_aware_tasks();
                let hints = hints(d);
                let Some(a) = s.allocator.as_mut() else {
                    s.requested = Some(n);
                    continue;
                };
                if a.request_total(n, tasks, hints) {
                    let at = k
                        .now
                        .max(s.last_allocate + SimDuration(INITIAL_INTERVAL_US));
                    if s.next_allocate.is_none_or(|t| at < t) {
                        s.next_allocate = Some(at);
                        k.push(at, Event::AmAllocate(d.id));
                    }
                }
            }
            Request::Kill(ids) | Request::KillLowering(ids) => {
                let Some(a) = s.allocator.as_mut() else {
                    continue;
                };
                for id in ids {
                    if let Some(c) = a.kill_executor(id as u32) {
                        y.rm.release(s.key, c.node, c.capability, false);
                        d.release_executor(k, id, "idle_timeout");
                    }
                }
            }
        }
    }
}

/// The attempt's containers all go: executors (with `reason`), starting
/// ones, skipped ones, and those granted but not yet picked up.
fn release_attempt(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    reason: &'static str,
) {
    let ids: Vec<u64> = d.executors.keys().copied().collect();
    for id in ids {
        d.release_executor(k, id, reason);
    }
    if let Some(mut a) = s.allocator.take() {
        for c in a.release_all() {
            y.rm.release(s.key, c.node, c.capability, false);
        }
    }
    for c in std::mem::take(&mut s.skipped) {
        y.rm.release(s.key, c.node, c.capability, false);
    }
    for g in y.granted.remove(&s.key).unwrap_or_default() {
        y.rm.release(s.key, g.node, g.capability, false);
    }
    // The attempt's asks go with it.
    y.rm.set_asks(s.key, Vec::new());
    s.next_allocate = None;
    if let Some(am) = s.am.take() {
        y.rm.release(s.key, am.node, s.am_cap, true);
        k.metrics.held_by(
            d.id,
            k.now,
            -i64::from(s.am_cap.vcores) * 1000,
            -(s.am_cap.mem_mb as i64) * 1000,
        );
    }
}

/// The app ends: the AM unregisters, every container is released, the app
/// leaves the ResourceManager.
pub(crate) fn shut_down(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    reason: &'static str,
) {
    d.stopped = true;
    release_attempt(k, y, d, s, reason);
    y.rm.remove(s.key);
}

/// `[[faults]] driver_failure` in cluster mode: the AM attempt fails with
/// its driver; YARN starts another attempt while attempts remain
/// (`spark.yarn.maxAppAttempts`, else `yarn.resourcemanager.am.max-attempts`,
/// 2). True when a new attempt comes.
pub(crate) fn driver_failed(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
) -> bool {
    if s.am.is_none() {
        return false;
    }
    d.stopped = true;
    release_attempt(k, y, d, s, "driver_failed");
    if s.attempts < s.max_attempts {
        d.reset_for_restart();
        k.metrics.driver_relaunches += 1;
        submit(k, y, s);
        true
    } else {
        y.rm.remove(s.key);
        false
    }
}

/// `[[faults]] executor_failure`: the app's executors on `node` exit with
/// a failure. The driver loses them at once (their tasks pending again);
/// the ResourceManager frees their containers; the AM counts the exits
/// toward `maxNumExecutorFailures` and asks for replacements at its next
/// `allocate` (it learns of the exits at once here, not at that call:
/// docs/deviations.md).
pub(crate) fn executor_failure(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    node: usize,
) {
    let Some(a) = s.allocator.as_mut() else {
        return;
    };
    let ids: Vec<u64> = d
        .executors
        .iter()
        .filter(|(_, e)| e.agent.index() == node)
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        if let Some(c) = a.container_of(id as u32) {
            y.rm.release(s.key, c.node, c.capability, false);
        }
        a.container_completed(id as u32, Exit::Failed, k.now.as_micros());
        d.requeue_tasks_of(k, id);
        d.release_executor(k, id, "failed");
        d.executor_outputs_lost(k, id);
    }
    d.make_offers(k, None);
}

/// The driver's heartbeat receiver expired executor `id` (its machine
/// failed): `killAndReplaceExecutor` (Spark 3.0 `HeartbeatReceiver`,
/// reference standalone-yarn-local.md §2.8) — the AM releases its
/// container without lowering the target, so the next `allocate` asks for
/// a replacement, and its tasks are pending again. Returns the tasks lost
/// and their work, `None` when the executor was already gone.
pub(crate) fn executor_expired(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    id: u64,
) -> Option<(u32, f64)> {
    let a = s.allocator.as_mut()?;
    d.executors.get(&id)?;
    if let Some(c) = a.kill_executor(id as u32) {
        y.rm.release(s.key, c.node, c.capability, false);
    }
    let agent = d.executors.get(&id).map(|e| e.agent)?;
    let lost = d.requeue_tasks_of(k, id);
    d.release_executor(k, id, "lost");
    // Its machine is dead: what it wrote there cannot be fetched.
    d.host_outputs_lost(k, agent);
    d.make_offers(k, None);
    Some(lost)
}

/// The ResourceManager declared the node LOST (reference
/// standalone-yarn-local.md §2.9 point 6): the app's containers still
/// there complete with −100 ("Container released on a lost node"), which
/// is not the app's fault and counts toward nothing (§2.7); the AM asks
/// for replacements at its next `allocate`. Containers granted or skipped
/// there go too. Returns the executors and tasks lost, and the work.
pub(crate) fn node_lost(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
    node: usize,
) -> (u32, u32, f64) {
    let (mut executors, mut tasks, mut work) = (0, 0, 0.0);
    if let Some(a) = s.allocator.as_mut() {
        for id in a.containers_on(node) {
            if let Some(c) = a.container_of(id) {
                y.rm.release(s.key, c.node, c.capability, false);
            }
            a.container_completed(id, Exit::NotCausedByApp, k.now.as_micros());
            let (n, w) = d.requeue_tasks_of(k, u64::from(id));
            if d.executors.get(&u64::from(id)).is_some() {
                executors += 1;
            }
            tasks += n;
            work += w;
            d.release_executor(k, u64::from(id), "lost");
        }
    }
    let (gone, kept): (Vec<Container>, Vec<Container>) = std::mem::take(&mut s.skipped)
        .into_iter()
        .partition(|c| c.node == node);
    s.skipped = kept;
    for c in gone {
        y.rm.release(s.key, c.node, c.capability, false);
    }
    if let Some(granted) = y.granted.get_mut(&s.key) {
        let (gone, kept): (Vec<Allocation>, Vec<Allocation>) = std::mem::take(granted)
            .into_iter()
            .partition(|g| g.node == node);
        *granted = kept;
        for g in gone {
            y.rm.release(s.key, g.node, g.capability, false);
        }
    }
    d.host_outputs_lost(k, policies::model::AgentId(node as u32));
    if executors > 0 && !d.stopped {
        d.make_offers(k, None);
    }
    (executors, tasks, work)
}

/// When the app's driver checks its executors' heartbeats
/// (`spark.network.timeoutInterval`, every 60 s from the SparkContext's
/// start): the first check after `after`.
pub(crate) fn heartbeat_check_after(s: &YarnSpark, after: SimTime) -> SimTime {
    let period = HEARTBEAT_CHECK.as_micros();
    let start = s.created.as_micros();
    let n = (after.as_micros().saturating_sub(start)) / period + 1;
    SimTime(start + n * period)
}

/// `spark.network.timeoutInterval`: how often the driver's heartbeat
/// receiver looks for silent executors (Spark 3.0 `HeartbeatReceiver`).
pub(crate) const HEARTBEAT_CHECK: SimDuration = SimDuration::from_secs(60);

/// Client mode: the AM's machine failed and the ResourceManager noticed
/// (the AM container completes with its node): the attempt fails, and
/// YARN kills its containers — every executor goes, its tasks pending
/// again in the driver, which lives on outside the cluster. A new attempt
/// (a new AM, a new allocator with the driver's target) comes while
/// attempts remain (`spark.yarn.maxAppAttempts`, else
/// `yarn.resourcemanager.am.max-attempts`, 2; reference
/// standalone-yarn-local.md §2.1); else the app fails. Returns the
/// executors and tasks lost, their work, and whether a new attempt comes.
pub(crate) fn am_lost(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
) -> (u32, u32, f64, bool) {
    let ids: Vec<u64> = d.executors.keys().copied().collect();
    let (mut tasks, mut work) = (0, 0.0);
    for &id in &ids {
        let (n, w) = d.requeue_tasks_of(k, id);
        tasks += n;
        work += w;
    }
    if let Some(a) = s.allocator.as_ref() {
        s.requested = Some(a.target());
    }
    release_attempt(k, y, d, s, "am_lost");
    let again = s.attempts < s.max_attempts;
    if again {
        submit(k, y, s);
    } else {
        d.stopped = true;
        y.rm.remove(s.key);
        d.abandon();
    }
    (ids.len() as u32, tasks, work, again)
}

/// Whether the AM's machine is down (its allocation loop stopped).
pub(crate) fn am_down(k: &Kernel, s: &YarnSpark) -> bool {
    s.am.is_some_and(|am| k.is_down(policies::model::AgentId(am.node as u32)))
}

/// The ResourceManager is back: the AM's allocation loop resumes at once.
pub(crate) fn resume_allocating(k: &mut Kernel, d: &SparkDriver, s: &mut YarnSpark) {
    if s.allocator.is_some() && !d.stopped {
        s.next_allocate = Some(k.now);
        k.push(k.now, Event::AmAllocate(d.id));
    }
}

/// The ResourceManager restarted (Hadoop `yarn.resourcemanager.recovery.enabled`,
/// `work-preserving-recovery.enabled`; reference standalone-yarn-local.md
/// §2.9): with work-preserving recovery the AM re-registers and every
/// container runs on; with recovery but not work-preserving, the
/// NodeManagers kill every container and a new attempt starts that does not
/// count toward the attempts (a cluster-mode driver with its AM: its jobs
/// are lost); without recovery the application is unknown to the new
/// ResourceManager, its containers are killed and the app fails. Returns
/// the executors lost.
pub(crate) fn rm_restarted(
    k: &mut Kernel,
    y: &mut YarnRm,
    d: &mut SparkDriver,
    s: &mut YarnSpark,
) -> u32 {
    if d.stopped && !d.restarting {
        return 0;
    }
    let executors = d.executors.len() as u32;
    if y.recovery && y.work_preserving {
        resume_allocating(k, d, s);
        return 0;
    }
    if !y.recovery {
        let ids: Vec<u64> = d.executors.keys().copied().collect();
        for id in ids {
            d.requeue_tasks_of(k, id);
        }
        shut_down(k, y, d, s, "rm_restart");
        d.abandon();
        return executors;
    }
    if s.am.is_none() {
        return 0; // not started yet: its AM request is recovered
    }
    // A new attempt, not counted.
    s.attempts = s.attempts.saturating_sub(1);
    if s.cluster {
        if !driver_failed(k, y, d, s) {
            d.give_up();
        }
    } else {
        am_lost(k, y, d, s);
    }
    executors
}
