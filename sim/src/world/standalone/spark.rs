//! A Spark application on the standalone Master: the standalone side of
//! its driver, Spark 3.0 `scheduler/cluster/StandaloneSchedulerBackend.scala`
//! and `deploy/client/StandaloneAppClient.scala` (reference
//! standalone-yarn-local.md §1.2, §1.6, §1.8, §1.9). The driver itself is
//! [`crate::world::spark::driver`]; this file registers the app, turns the
//! Master's `ExecutorAdded` into granted executors, hands it the
//! allocation manager's requests and tells the driver of losses.
//!
//! Functions return the Master's launches (for any app: FIFO can give the
//! cores one app frees to another); the router applies them.

use policies::spark::allocation_manager::Request;
use policies::standalone::{AppDescription, DriverDesc, ExecutorDesc, Launch};
use rand_chacha::ChaCha8Rng;

use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{App, DeployMode};
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::spark::driver::{Grant, SparkDriver};
use crate::world::standalone::master::StandaloneMaster;

/// A supervised driver's restart back-off: 1 s, doubling, back to 1 s
/// after a run longer than 5 s (Spark 3.0 `deploy/worker/DriverRunner.scala`,
/// reference standalone-yarn-local.md §1.8).
const FIRST_BACKOFF: SimDuration = SimDuration::from_secs(1);
const STABLE_RUN: SimDuration = SimDuration::from_secs(5);

/// A cluster-mode driver process on a worker.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DriverProcess {
    pub uid: u64,
    pub worker: usize,
    /// When this run started (for the supervise back-off).
    started: SimTime,
}

/// The standalone side of one Spark app.
pub(crate) struct StandaloneSpark {
    pub cluster: bool,
    /// Cluster mode: the driver's process, once a worker runs it.
    pub driver: Option<DriverProcess>,
    next_driver_uid: u64,
    driver_startup_rng: ChaCha8Rng,
    backoff: SimDuration,
    /// The app is registered with the Master (its SparkContext is up).
    pub registered: bool,
    /// When the backend was created (`maxRegisteredResourcesWaitingTime`).
    created: SimTime,
}

impl StandaloneSpark {
    pub fn new(app: &App, streams: &RngStreams) -> StandaloneSpark {
        let key = fnv1a64(app.name.as_bytes());
        StandaloneSpark {
            cluster: app.deploy_mode == DeployMode::Cluster,
            driver: None,
            next_driver_uid: 0,
            // The same stream as a Mesos cluster-mode driver's JVM start:
            // common random numbers across managers.
            driver_startup_rng: streams.stream("app-driver-startup", key),
            backoff: FIRST_BACKOFF,
            registered: false,
            created: SimTime::ZERO,
        }
    }
}

fn key(d: &SparkDriver) -> u32 {
    d.id.0
}

/// An executor's world-wide number, apart from Mesos task uids and local
/// executors.
fn uid(d: &SparkDriver, id: u32) -> u64 {
    (2 << 48) | (u64::from(d.id.0) << 24) | u64::from(id)
}

/// `StandaloneSchedulerBackend.sufficientResourcesRegistered`: registered
/// cores ≥ `spark.cores.max` (0 when unset) × `minRegisteredResourcesRatio`
/// (0 by default on standalone, so ready at once), or the waiting time is
/// over (reference standalone-yarn-local.md §1.2).
fn is_ready(d: &SparkDriver, s: &StandaloneSpark, now: SimTime) -> bool {
    let max = f64::from(d.settings.cores_max.unwrap_or(0));
    d.registered_cores as f64 >= max * d.settings.min_registered_ratio
        || now.since(s.created) >= d.settings.max_registered_waiting
}

/// The driver's SparkContext starts: it registers its application
/// (`RegisterApplication`, which runs `schedule()`), and the allocation
/// manager sends its first total. Returns whether the app is already done,
/// and the Master's launches.
pub(crate) fn start(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &mut StandaloneSpark,
) -> (bool, Vec<Launch>) {
    d.open(k);
    s.created = k.now;
    s.registered = true;
    let dynamic = d.settings.dynamic.enabled;
    let desc = AppDescription {
        max_cores: d.settings.cores_max,
        memory_per_executor_mb: d.settings.executor_memory_mib,
        cores_per_executor: d.settings.executor_cores,
        // 2.0+: the allocation manager asks for its initial number; 1.6
        // sends no limit, so the app first takes what it can and is only
        // throttled once the manager lowers its target (reference
        // standalone-yarn-local.md §1.9, §1.11).
        initial_executor_limit: (dynamic && !d.settings.version.is_1_6()).then_some(0),
    };
    let mut launches = c.master.register_app(key(d), desc, &mut c.rng);
    let ready = is_ready(d, s, k.now);
    let requests = d.backend_started(ready);
    launches.extend(apply_requests(k, c, d, s, requests));
    d.arm_timers(k);
    (d.begin_stream(k), launches)
}

/// `ExecutorAdded`: the worker starts the executor's process after the
/// launch latency; it registers with the driver after its JVM start. The
/// worker reports RUNNING once the process is up; the Master takes it at
/// launch (docs/deviations.md).
pub(crate) fn launch_executor(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    e: ExecutorDesc,
) {
    c.master.executor_running(key(d), e.id);
    let grant = Grant {
        id: u64::from(e.id),
        uid: uid(d, e.id),
        agent: policies::model::AgentId(e.worker as u32),
        cpus: e.cores,
        advertised: e.cores,
        mem_mb: e.memory_mb,
        shares_machine: false,
    };
    k.metrics.held_by(
        d.id,
        k.now,
        i64::from(e.cores) * 1000,
        e.memory_mb as i64 * 1000,
    );
    let up = k.now + c.launch_latency;
    d.executor_launched(k, grant, up);
}

/// An executor registered with the driver: the driver may be ready now,
/// and it offers every executor's free slots.
pub(crate) fn executor_registered(
    k: &mut Kernel,
    d: &mut SparkDriver,
    s: &StandaloneSpark,
    id: u64,
    uid: u64,
) {
    let now = k.now;
    d.register_and_offer(k, id, uid, |d| is_ready(d, s, now));
}

/// The allocation manager's requests: a total is the Master's executor
/// limit (`RequestExecutors`); kills go to the Master
/// (`KillExecutors`), which frees the executors at once (§1.9).
pub(crate) fn apply_requests(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &StandaloneSpark,
    requests: Vec<Request>,
) -> Vec<Launch> {
    let mut launches = Vec::new();
    if !s.registered {
        return launches;
    }
    for r in requests {
        match r {
            Request::Total(n) => {
                launches.extend(c.master.request_executors(key(d), n, &mut c.rng));
                let row = crate::metrics::AllocationRow {
                    time: k.now,
                    app: d.name.clone(),
                    target: n,
                    executors: d.executors.len() as u32,
                };
                k.metrics.allocations.push(row);
            }
            Request::Kill(ids) | Request::KillLowering(ids) => {
                let ids: Vec<u32> = ids.iter().map(|&i| i as u32).collect();
                let (killed, more) = c.master.kill_executors(key(d), &ids, &mut c.rng);
                for e in killed {
                    d.release_executor(k, u64::from(e.id), "idle_timeout");
                }
                launches.extend(more);
            }
        }
    }
    launches
}

/// The app ends (`UnregisterApplication` on `SparkContext.stop`, or its
/// driver died): its executors are killed and the Master gives their cores
/// to the next apps.
pub(crate) fn shut_down(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &mut StandaloneSpark,
    reason: &'static str,
) -> Vec<Launch> {
    d.stopped = true;
    let ids: Vec<u64> = d.executors.keys().copied().collect();
    for id in ids {
        d.release_executor(k, id, reason);
    }
    if !std::mem::replace(&mut s.registered, false) {
        return Vec::new();
    }
    c.master.remove_app(key(d), &mut c.rng).1
}

/// Cluster mode: `RequestSubmitDriver` queues the driver with
/// `spark.driver.cores` and `spark.driver.memory` (no overhead: the
/// worker runs it as a plain process, §1.8).
pub(crate) fn submit_driver(c: &mut StandaloneMaster, d: &SparkDriver) -> Vec<Launch> {
    let desc = DriverDesc {
        app: key(d),
        cores: d.settings.driver_cores,
        memory_mb: d.settings.driver_memory_mib,
    };
    c.master.submit_driver(desc, &mut c.rng)
}

/// `launchDriver`: the worker starts the driver's process; its JVM is up
/// (and its SparkContext registers the app) after the launch latency and
/// the app's start-up time.
pub(crate) fn launch_driver(
    k: &mut Kernel,
    c: &StandaloneMaster,
    d: &SparkDriver,
    s: &mut StandaloneSpark,
    worker: usize,
) {
    let uid = (3 << 48) | (u64::from(d.id.0) << 24) | s.next_driver_uid;
    s.next_driver_uid += 1;
    s.driver = Some(DriverProcess {
        uid,
        worker,
        started: k.now,
    });
    k.metrics.held_by(
        d.id,
        k.now,
        i64::from(d.settings.driver_cores) * 1000,
        d.settings.driver_memory_mib as i64 * 1000,
    );
    let startup = d.startup.duration(&mut s.driver_startup_rng);
    k.push(
        k.now + c.launch_latency + startup,
        Event::DriverStarted { app: d.id, uid },
    );
}

/// The cluster-mode driver's process is gone from its worker: the cores
/// and memory it held are no longer the app's.
fn forget_driver_process(k: &mut Kernel, d: &SparkDriver, s: &mut StandaloneSpark) {
    if s.driver.take().is_some() {
        k.metrics.held_by(
            d.id,
            k.now,
            -i64::from(d.settings.driver_cores) * 1000,
            -(d.settings.driver_memory_mib as i64) * 1000,
        );
    }
}

/// The driver process ended for good, or the app ended before a worker
/// ran it: its worker's cores and memory go back and a waiting driver
/// leaves the queue (`removeDriver`, which runs `schedule()`).
pub(crate) fn driver_exited(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &SparkDriver,
    s: &mut StandaloneSpark,
) -> Vec<Launch> {
    if !s.cluster {
        return Vec::new();
    }
    forget_driver_process(k, d, s);
    c.master.driver_finished(key(d), &mut c.rng)
}

/// `[[faults]] driver_failure` on a cluster-mode driver: the process exits
/// non-zero. Supervised, its worker restarts it in place, keeping its
/// resources, after the back-off; otherwise the Master removes it. Returns
/// whether it restarts, and the Master's launches.
pub(crate) fn driver_failed(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &SparkDriver,
    s: &mut StandaloneSpark,
) -> (bool, Vec<Launch>) {
    let Some(p) = s.driver else {
        return (false, Vec::new());
    };
    if !d.settings.supervise {
        return (false, driver_exited(k, c, d, s));
    }
    if k.now.since(p.started) > STABLE_RUN {
        s.backoff = FIRST_BACKOFF;
    }
    let wait = s.backoff;
    s.backoff = SimDuration(s.backoff.as_micros() * 2);
    let uid = (3 << 48) | (u64::from(d.id.0) << 24) | s.next_driver_uid;
    s.next_driver_uid += 1;
    s.driver = Some(DriverProcess {
        uid,
        worker: p.worker,
        started: k.now + wait,
    });
    k.metrics.driver_relaunches += 1;
    let startup = d.startup.duration(&mut s.driver_startup_rng);
    k.push(
        k.now + wait + startup,
        Event::DriverStarted { app: d.id, uid },
    );
    (true, Vec::new())
}

/// Whether `uid` is the driver process now running (a stale start of an
/// earlier process is ignored).
pub(crate) fn is_current_driver(s: &StandaloneSpark, uid: u64) -> bool {
    s.driver.is_some_and(|p| p.uid == uid)
}

/// `[[faults]] executor_failure`: the app's executors on `worker` exit
/// non-zero (FAILED). Their tasks are pending again; the Master counts the
/// failures and runs `schedule()`, usually replacing them on the same
/// worker (§1.6). Returns the launches and whether the Master removed the
/// app (too many failures in a row with nothing running).
pub(crate) fn executor_failure(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &StandaloneSpark,
    worker: usize,
) -> (Vec<Launch>, bool) {
    if d.stopped || !s.registered {
        return (Vec::new(), false);
    }
    let ids: Vec<u64> = d
        .executors
        .iter()
        .filter(|(_, e)| e.agent.index() == worker)
        .map(|(id, _)| *id)
        .collect();
    let mut launches = Vec::new();
    let mut removed = false;
    for id in ids {
        d.requeue_tasks_of(k, id);
        d.release_executor(k, id, "failed");
        d.executor_outputs_lost(k, id);
        let out = c
            .master
            .executor_exited(key(d), id as u32, false, &mut c.rng);
        removed |= out.app_removed.is_some();
        launches.extend(out.launches);
    }
    d.make_offers(k, None);
    (launches, removed)
}

/// The Master removed a dead worker (`removeWorker`, Spark 3.0 `Master`,
/// reference standalone-yarn-local.md §1.7): the driver hears
/// `ExecutorUpdated(LOST, workerLost = true)` for each of its executors
/// there (`ids`); their tasks are pending again. Returns the tasks lost
/// and the work they had done.
pub(crate) fn worker_lost(
    k: &mut Kernel,
    d: &mut SparkDriver,
    worker: usize,
    ids: &[u32],
) -> (u32, f64) {
    let (mut tasks, mut work) = (0, 0.0);
    for &id in ids {
        let (n, w) = d.requeue_tasks_of(k, u64::from(id));
        tasks += n;
        work += w;
        d.release_executor(k, u64::from(id), "lost");
    }
    // `WorkerRemoved` (2.3+, SPARK-20832): the driver drops the shuffle
    // outputs on that host, before anything is offered again. Before, it
    // hears only of its executors (`SlaveLost`, reference
    // standalone-yarn-local.md §1.7, §1.11): their outputs go as an
    // executor loss (kept when the shuffle service serves them), and those
    // left registered on the dead host are found by the first task that
    // fetches them.
    let host = policies::model::AgentId(worker as u32);
    if d.settings.version >= policies::spark::SparkVersion::V2_3 {
        d.host_outputs_lost(k, host);
    } else {
        for &id in ids {
            d.executor_outputs_lost(k, u64::from(id));
        }
        d.unannounced_host_loss(host);
    }
    if !d.stopped && !ids.is_empty() {
        d.make_offers(k, None);
    }
    (tasks, work)
}

/// Cluster mode: the driver's worker machine failed, and the driver with
/// it. Its SparkContext is gone, so the app unregisters and its executors
/// go; the process stays on the Master's books until the Master removes
/// the worker ([`driver_worker_removed`]). A supervised driver waits to be
/// relaunched then; any other is over.
pub(crate) fn driver_host_down(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &mut StandaloneSpark,
) -> Vec<Launch> {
    let launches = shut_down(k, c, d, s, "driver_failed");
    if d.settings.supervise {
        d.reset_for_restart();
    } else {
        d.give_up();
    }
    launches
}

/// The Master removed the dead worker that ran the app's driver
/// (`removeWorker`, Spark 3.0 `Master`, reference standalone-yarn-local.md
/// §1.7 step 3): a supervised driver is relaunched under a new id
/// (`relaunchDriver`, which runs `schedule()`); another is removed
/// (ERROR).
pub(crate) fn driver_worker_removed(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &SparkDriver,
    s: &mut StandaloneSpark,
) -> Vec<Launch> {
    forget_driver_process(k, d, s);
    if d.restarting {
        k.metrics.driver_relaunches += 1;
        submit_driver(c, d)
    } else {
        Vec::new()
    }
}

/// After a Master failover with `spark.deploy.recoveryMode` NONE (Spark
/// 3.0 `Master`, reference standalone-yarn-local.md §1.10): the new
/// Master knows no app and no driver. Workers re-register and the Master
/// kills what it does not know (SPARK-13604): the app's executors go
/// (their tasks pending again, never to run); its client never registers
/// again (`StandaloneSchedulerBackend.disconnected` waits for a
/// reconnection that does not come), so the driver lives on without
/// executors. A cluster-mode driver is killed with its worker's report: the
/// app is over. Returns the executors lost.
pub(crate) fn master_lost(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    d: &mut SparkDriver,
    s: &mut StandaloneSpark,
) -> u32 {
    let ids: Vec<u64> = d.executors.keys().copied().collect();
    for &id in &ids {
        d.requeue_tasks_of(k, id);
        d.release_executor(k, id, "master_lost");
    }
    // The old Master's books (the new one starts empty).
    c.master.remove_app(key(d), &mut c.rng);
    c.master.driver_finished(key(d), &mut c.rng);
    s.registered = false;
    if s.cluster {
        // Its driver process is killed (or, still waiting to be placed,
        // forgotten): the app is over.
        forget_driver_process(k, d, s);
        if !d.stopped {
            d.stopped = true;
            d.abandon();
        }
        d.give_up();
    }
    ids.len() as u32
}
