//! Master failover (`[[faults]] master_failover`): the cluster manager's
//! master fails, and the next one leads after the scenario's election time
//! (docs/faults.md). Each manager lives it in its own way:
//!
//! - **Mesos** (Mesos 1.11, reference mesos-master.md §3, "Master
//!   failover"): offers and filters live only in the master's memory and
//!   are gone; no allocation runs until the next master leads; agents keep
//!   their tasks running and frameworks re-subscribe with failover, which
//!   triggers a run over all agents. Every framework here (Spark drivers,
//!   the dispatcher, other frameworks) comes back within the election, so
//!   `failover_timeout` (0 s) tears none down.
//! - **Standalone** (Spark 3.0 `Master`, reference standalone-yarn-local.md
//!   §1.10): executors keep running through the failover and only new
//!   placement pauses (`schedule()` does nothing in STANDBY and
//!   RECOVERING). With `spark.deploy.recoveryMode` ZOOKEEPER or FILESYSTEM
//!   the new Master recovers apps, workers and drivers and schedules what
//!   waited; with NONE it knows nothing: it kills the executors workers
//!   report, apps never get executors again, cluster-mode drivers are
//!   killed.
//! - **YARN** (Hadoop ResourceManager restart, §2.9): nothing is allocated
//!   while it is down; then, with `yarn.resourcemanager.recovery.enabled`
//!   and work-preserving recovery (the default when recovery is on),
//!   everything runs on; recovery without work preservation kills every
//!   container and starts new AM attempts; without recovery the apps fail.
//! - **local**: no master (validation refuses the fault).

use policies::standalone::Launch;

use super::apps::{Backend, Framework, apply_standalone};
use super::machines::Parts;
use super::standalone::spark as standalone_spark;
use super::yarn::application_master as yarn_spark;

/// The master fails (fault `cause`): its manager stops deciding.
pub(crate) fn master_down(p: &mut Parts<'_>, cause: String) {
    let before = p.k.metrics.failure_counts();
    if let Some(c) = p.sa.as_deref_mut() {
        c.down = true;
    } else if let Some(y) = p.yr.as_deref_mut() {
        y.down = true;
    } else {
        p.m.fail_over(p.k);
    }
    let now = p.k.now;
    p.k.metrics.failure_since(
        before,
        now,
        "master_down",
        String::new(),
        String::new(),
        cause,
    );
}

/// The next master leads: each manager recovers as its mode says.
pub(crate) fn master_elected(p: &mut Parts<'_>, cause: String) {
    let before = p.k.metrics.failure_counts();
    if let Some(c) = p.sa.as_deref_mut() {
        c.down = false;
        let mut held = std::mem::take(&mut c.held);
        // What the Master undid meanwhile (an executor exited or killed, a
        // driver ended) is not launched.
        held.retain(|l| match l {
            Launch::Executor { app, executor } => c
                .master
                .executors_of(*app)
                .iter()
                .any(|e| e.id == executor.id),
            Launch::Driver { app, worker } => c.master.driver_worker(*app) == Some(*worker),
        });
        if c.recovers {
            // RECOVERING → ALIVE: what waited is placed, then `schedule()`.
            apply_standalone(&mut *p.k, c, &mut *p.frameworks, held);
            let launches = c.master.schedule(&mut c.rng);
            apply_standalone(&mut *p.k, c, &mut *p.frameworks, launches);
        } else {
            // NONE: the new Master never decided what the old one held.
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Standalone(s) = &mut a.backend
                {
                    standalone_spark::master_lost(&mut *p.k, c, &mut a.driver, s);
                }
            }
            c.held.clear();
        }
    } else if let Some(y) = p.yr.as_deref_mut() {
        y.down = false;
        for f in p.frameworks.iter_mut() {
            if let Framework::Spark(a) = f
                && let Backend::Yarn(s) = &mut a.backend
            {
                yarn_spark::rm_restarted(&mut *p.k, y, &mut a.driver, s);
            }
        }
        y.wake(&mut *p.k);
    } else {
        p.m.elected(p.k);
    }
    let now = p.k.now;
    p.k.metrics.failure_since(
        before,
        now,
        "master_elected",
        String::new(),
        String::new(),
        cause,
    );
}
