//! Cluster deploy mode on Mesos: a `MesosClusterDispatcher` framework (seeds: "cluster
//! mode"; Mesos 1.11 master and allocator, reference mesos-master.md §5.7 on its refuse filter).
//!
//! Apps with `deploy_mode = "cluster"` are submitted to the dispatcher at
//! their `start`; it queues them FIFO and revives offers. From each offer it
//! launches as many queued drivers as fit — `spark.driver.cores` CPUs and
//! the driver memory plus overhead (`max(384 MiB, 10%)`), taken from the
//! offer like an executor's resources — and declines what it cannot use
//! with `spark.mesos.rejectOfferDuration` (120 s). A driver is a Mesos task
//! of the dispatcher holding its resources until its app ends; the app's
//! own framework registers once the driver is RUNNING and its JVM has
//! started (the app's `executor_startup` distribution, on its own stream).
//!
//! With `spark.driver.supervise` (`--supervise`) a driver whose task ends
//! FAILED or LOST is relaunched, as `MesosClusterScheduler` does (Spark
//! 3.0): it waits 1 s after its first failure, then twice the previous wait
//! up to `spark.mesos.cluster.retry.wait.max` (60 s); once its time has
//! passed it is launched before any queued driver. The failure revives
//! offers, but offers arriving before the wait is over are declined with
//! the 120 s filter — a real quirk that can hold the relaunch for two
//! minutes (docs/faults.md).
//!
//! With no driver queued and none waiting to be relaunched, the dispatcher
//! suppresses offers; a submission or a failure revives them (Spark 2.2+
//! `MesosClusterScheduler.suppressOrRevive`, SPARK-19702; Mesos 1.11
//! SUPPRESS, reference mesos-master.md §1.8).

use std::collections::{BTreeMap, VecDeque};

use policies::mesos::Refuse;
use policies::model::{FrameworkId, Milli, Resources};
use policies::spark::coarse::take_scalar;

use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::mesos::master::{MesosMaster, TaskOwner};

/// `spark.mesos.cluster.retry.wait.max`'s default, in seconds (a
/// dispatcher setting, not an app's).
const RETRY_WAIT_MAX_S: u64 = 60;

/// The dispatcher's decline filter: `spark.mesos.rejectOfferDuration`'s
/// default (120 s), as Spark ≥ 2.2 uses for the dispatcher (SPARK-19702).
const DISPATCHER_REFUSE: Refuse = Refuse::Micros(120_000_000);

pub(crate) struct Dispatcher {
    pub id: FrameworkId,
    queue: VecDeque<FrameworkId>,
    /// Supervised drivers waiting to be relaunched, with the time after
    /// which they may be, in failure order; and each app's (retries, last
    /// wait in seconds).
    retries: Vec<(FrameworkId, SimTime)>,
    backoff: BTreeMap<FrameworkId, (u32, u64)>,
    /// Cluster-mode apps not yet finished.
    open_apps: usize,
    pub stopped: bool,
}

impl Dispatcher {
    pub fn new(id: FrameworkId, apps: usize) -> Dispatcher {
        Dispatcher {
            id,
            queue: VecDeque::new(),
            retries: Vec::new(),
            backoff: BTreeMap::new(),
            open_apps: apps,
            stopped: apps == 0,
        }
    }
}

/// An app is submitted: queued, and the dispatcher revives offers.
pub(crate) fn submit(k: &mut Kernel, m: &mut MesosMaster, d: &mut Dispatcher, app: FrameworkId) {
    d.queue.push_back(app);
    m.revive(k, d.id);
}

/// The next driver to launch: a supervised retry whose time has passed
/// (strictly before now), else the head of the queue.
fn next_driver(d: &Dispatcher, now: SimTime) -> Option<(FrameworkId, Option<usize>)> {
    match d.retries.iter().position(|(_, at)| *at < now) {
        Some(i) => Some((d.retries[i].0, Some(i))),
        None => d.queue.front().map(|app| (*app, None)),
    }
}

/// From each offer, as many waiting drivers as fit (`shape`: an app's
/// driver cores and memory in MiB, overhead included). Returns the
/// launched drivers' (app, Mesos task uid).
pub(crate) fn resource_offers(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut Dispatcher,
    ids: &[u64],
    shape: &dyn Fn(FrameworkId) -> (Milli, Milli),
) -> Vec<(FrameworkId, u64)> {
    let now = k.now;
    let fw = d.id;
    let mut launched = Vec::new();
    for &id in ids {
        let mut remaining = m.offers[&id].resources.clone();
        let mut launch: Vec<(Resources, TaskOwner)> = Vec::new();
        while let Some((app, retry)) = next_driver(d, now) {
            let (cpus, mem) = shape(app);
            if remaining.cpus() < cpus || remaining.mem_mb() < mem {
                break;
            }
            let mut taken = take_scalar(&mut remaining, "cpus", cpus);
            taken.add(&take_scalar(&mut remaining, "mem", mem));
            launch.push((taken, TaskOwner::Driver(fw, app)));
            match retry {
                Some(i) => {
                    d.retries.remove(i);
                }
                None => {
                    d.queue.pop_front();
                }
            }
        }
        if launch.is_empty() {
            m.decline(k, id, DISPATCHER_REFUSE);
            continue;
        }
        let apps: Vec<FrameworkId> = launch
            .iter()
            .filter_map(|(_, o)| match o {
                TaskOwner::Driver(_, app) => Some(*app),
                _ => None,
            })
            .collect();
        let uids = m.accept(k, id, launch, DISPATCHER_REFUSE);
        launched.extend(apps.into_iter().zip(uids));
    }
    if d.queue.is_empty() && d.retries.is_empty() {
        m.suppress(k, fw);
    }
    launched
}

/// The driver's Mesos task is RUNNING: after its JVM starts (`startup`),
/// the app's framework registers with the master.
pub(crate) fn driver_running(k: &mut Kernel, app: FrameworkId, uid: u64, startup: SimDuration) {
    k.push(k.now + startup, Event::DriverStarted { app, uid });
}

/// (retries, wait in seconds) after one more failure: 1 s at first, then
/// double the previous wait, at most `RETRY_WAIT_MAX_S`.
fn next_backoff(previous: Option<(u32, u64)>) -> (u32, u64) {
    match previous {
        Some((r, wait)) => (r + 1, (wait * 2).min(RETRY_WAIT_MAX_S)),
        None => (1, 1),
    }
}

/// A driver's task ended FAILED: relaunched after its back-off with
/// supervise (false), else the app is over (true; the world has given up
/// on it first).
pub(crate) fn driver_failed(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut Dispatcher,
    app: FrameworkId,
    supervise: bool,
) -> bool {
    if !supervise {
        return true;
    }
    let (retries, wait_s) = next_backoff(d.backoff.get(&app).copied());
    d.backoff.insert(app, (retries, wait_s));
    d.retries
        .push((app, k.now + SimDuration::from_secs(wait_s)));
    k.metrics.driver_relaunches += 1;
    m.revive(k, d.id);
    false
}

/// A cluster-mode app ended: its driver's task ends with it.
pub(crate) fn app_finished(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut Dispatcher,
    driver_uid: Option<u64>,
) {
    if let Some(uid) = driver_uid {
        m.end_task(k, uid);
    }
    d.open_apps = d.open_apps.saturating_sub(1);
    if d.open_apps == 0 && !d.stopped {
        d.stopped = true;
        m.deactivate(k, d.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaunch_waits_double_up_to_a_minute() {
        let mut state = None;
        let mut waits = Vec::new();
        for _ in 0..9 {
            let next = next_backoff(state);
            waits.push(next.1);
            state = Some(next);
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(state.unwrap().0, 9);
    }
}
