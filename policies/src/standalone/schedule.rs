//! `scheduleExecutorsOnWorkers`: how many cores one application gets on
//! each usable worker in one `schedule()` pass. Spark 3.0
//! `deploy/master/Master.scala` (reference standalone-yarn-local.md §1.5),
//! restated:
//!
//! - it only plans: it returns cores per worker and changes nothing;
//! - cores go out in steps of `spark.executor.cores` (1 when unset, and
//!   then the app has at most one *new* executor per worker in a pass);
//! - a step that opens a new executor on a worker needs the executor's
//!   memory there and room under the executor limit (the app's current
//!   executors, launching ones included, plus those planned in this pass);
//!   a step that grows this pass's executor (cores unset) needs cores only;
//! - spread out (`spark.deploy.spreadOut`, default true): one step per
//!   worker per round, round after round; packed: fill a worker, then move
//!   on;
//! - at most `min(coresLeft, Σ free cores)` cores are handed out, and
//!   leftovers below one step stay unused (SPARK-8881).

/// What the planner needs of one usable worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FreeWorker {
    pub cores_free: u32,
    pub memory_free_mb: u64,
}

/// What the planner needs of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppNeed {
    /// `spark.executor.cores`; `None`: one executor per worker with all the
    /// cores it can get.
    pub cores_per_executor: Option<u32>,
    pub memory_per_executor_mb: u64,
    /// `requestedCores − coresGranted`.
    pub cores_left: u32,
    /// The app's current executors (launching and running).
    pub executors: u32,
    /// The executor limit (`u32::MAX`: none).
    pub executor_limit: u32,
}

/// Cores to assign on each worker of `usable` (same order).
pub fn schedule_executors_on_workers(
    app: &AppNeed,
    usable: &[FreeWorker],
    spread_out: bool,
) -> Vec<u32> {
    let n = usable.len();
    let min_cores = app.cores_per_executor.unwrap_or(1).max(1);
    let one_per_worker = app.cores_per_executor.is_none();
    let mut assigned_cores = vec![0u32; n];
    let mut assigned_execs = vec![0u32; n];
    let free_total: u64 = usable.iter().map(|w| u64::from(w.cores_free)).sum();
    let mut to_assign = u64::from(app.cores_left).min(free_total);

    let can_launch = |i: usize, to_assign: u64, cores: &[u32], execs: &[u32]| -> bool {
        let keep = to_assign >= u64::from(min_cores);
        let enough_cores = usable[i].cores_free - cores[i] >= min_cores;
        let new_exec = !one_per_worker || execs[i] == 0;
        if new_exec {
            let mem_used = u64::from(execs[i]) * app.memory_per_executor_mb;
            let enough_mem =
                usable[i].memory_free_mb.saturating_sub(mem_used) >= app.memory_per_executor_mb;
            let planned: u64 = execs.iter().map(|&e| u64::from(e)).sum();
            let under_limit = planned + u64::from(app.executors) < u64::from(app.executor_limit);
            keep && enough_cores && enough_mem && under_limit
        } else {
            keep && enough_cores
        }
    };

    let mut free: Vec<usize> = (0..n)
        .filter(|&i| can_launch(i, to_assign, &assigned_cores, &assigned_execs))
        .collect();
    while !free.is_empty() {
        for &i in &free {
            while can_launch(i, to_assign, &assigned_cores, &assigned_execs) {
                to_assign -= u64::from(min_cores);
                assigned_cores[i] += min_cores;
                if one_per_worker {
                    assigned_execs[i] = 1;
                } else {
                    assigned_execs[i] += 1;
                }
                if spread_out {
                    break;
                }
            }
        }
        free.retain(|&i| can_launch(i, to_assign, &assigned_cores, &assigned_execs));
    }
    assigned_cores
}

/// The order `startExecutorsOnWorkers` hands workers to the planner: most
/// free cores first. Spark 3.0 sorts a hash set's order by free cores and
/// reverses it, so ties fall in an arbitrary order; we use Spark 4.0's
/// rule, (free cores, worker id) descending, so ties go to the larger
/// worker id (reference standalone-yarn-local.md §1.12; docs/deviations.md).
pub fn order_workers(workers: &mut [(usize, FreeWorker)]) {
    workers.sort_by(|(ia, a), (ib, b)| b.cores_free.cmp(&a.cores_free).then(ib.cmp(ia)));
}
