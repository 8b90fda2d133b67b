//! Spark's local master (`local[K]`): no cluster manager. The driver's one
//! executor lives inside it, on the app's machine, with K task threads —
//! Spark 3.0 `scheduler/local/LocalSchedulerBackend.scala` (reference
//! standalone-yarn-local.md §3; the rules are in `policies::local`).
//! The executor is there when the driver starts (no JVM to launch), the
//! backend is ready at once, and offers are made only when a task set is
//! submitted or a task ends: the driver's periodic revive timer is off.
//! Dynamic allocation is off on a local master.

use policies::local::LocalMaster;
use policies::model::AgentId;

use crate::scenario::App;
use crate::world::kernel::Kernel;
use crate::world::spark::driver::{Grant, SparkDriver};

/// The local backend of one app: its machine and master.
pub(crate) struct LocalBackend {
    pub machine: AgentId,
    pub master: LocalMaster,
    /// The processors its task threads can keep busy.
    cpus: u32,
    /// The executor's world-wide number.
    uid: u64,
}

impl LocalBackend {
    /// `app` (validated: a local master) on `machine`, of `cores`
    /// processors; `uid` numbers its executor.
    pub fn new(app: &App, machine: AgentId, cores: u32, uid: u64) -> Option<LocalBackend> {
        let policies::spark::MasterUrl::Local {
            threads,
            max_failures,
        } = app.master
        else {
            return None;
        };
        let master = LocalMaster::new(threads, max_failures, cores, app.settings.task_cpus).ok()?;
        Some(LocalBackend {
            machine,
            master,
            cpus: master.cpus(cores),
            uid,
        })
    }
}

/// The driver starts with its executor (id 0, Spark's "driver"): it
/// registers at once. True when the app has nothing to do (it stops now).
#[must_use]
pub(crate) fn start(k: &mut Kernel, d: &mut SparkDriver, b: &LocalBackend) -> bool {
    d.open(k);
    d.periodic_revive = false;
    d.settings.dynamic.enabled = false;
    let cpus = b.cpus;
    let grant = Grant {
        id: 0,
        uid: b.uid,
        agent: b.machine,
        cpus,
        advertised: b.master.threads,
        mem_mb: d.settings.driver_memory_mib,
        shares_machine: false,
    };
    k.metrics.held_by(
        d.id,
        k.now,
        i64::from(cpus) * 1000,
        grant.mem_mb as i64 * 1000,
    );
    let _ = d.backend_started(true);
    d.executor_in_driver(k, grant);
    d.begin_stream(k)
}

/// The executor registered: its threads are offered.
pub(crate) fn executor_registered(k: &mut Kernel, d: &mut SparkDriver, id: u64, uid: u64) {
    if d.executor_registered(k.now, id, uid) {
        d.make_offers(k, None);
    }
}

/// The driver stops: its executor goes with it, and the machine's books
/// give back what it held.
pub(crate) fn shut_down(k: &mut Kernel, d: &mut SparkDriver, reason: &'static str) {
    d.stopped = true;
    d.release_executor(k, 0, reason);
}
