//! The standalone Master's books and its `schedule()`, as a pure state
//! machine: the world tells it what happened (an app registered, an
//! executor changed state, a driver was submitted, a limit was requested)
//! and it answers with what to launch where. Spark 3.0
//! `deploy/master/Master.scala`, `ApplicationInfo.scala`,
//! `WorkerInfo.scala` (reference standalone-yarn-local.md §1.1–§1.9).
//!
//! - Workers have cores and memory; executors *and* cluster-mode drivers
//!   use them (§1.1).
//! - Apps wait in registration order and stay in that list while they run:
//!   FIFO applies on every `schedule()` (§1.5, §6 point 3).
//! - `schedule()` places waiting drivers first, round-robin over one
//!   shuffled order of the alive workers (§1.4, 1.6.3+), then goes through
//!   the apps in order, each seeing what earlier apps left (§1.5).
//! - An executor's memory is exactly `spark.executor.memory` (§1.1).
//! - Failures: a finished executor with a non-zero exit adds one to the
//!   app's `retryCount`, which a RUNNING executor resets; at
//!   `spark.deploy.maxExecutorRetries` failures in a row with nothing
//!   running, the app is removed (§1.6).
//! - `RequestExecutors` sets the executor limit and kills nothing;
//!   `KillExecutors` removes executors at once (§1.9).

use std::collections::BTreeMap;

use rand_core::Rng;

use super::schedule::{AppNeed, FreeWorker, order_workers, schedule_executors_on_workers};
use crate::mesos::view::shuffle;
use crate::spark::SparkVersion;

/// The Master's own settings (its daemon's `spark.deploy.*`, Spark 3.0
/// `internal/config/Deploy.scala`, reference standalone-yarn-local.md §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MasterConf {
    /// `spark.deploy.spreadOut` (default true).
    pub spread_out: bool,
    /// `spark.deploy.defaultCores` (default Int.MaxValue: `u32::MAX`).
    pub default_cores: u32,
    /// `spark.deploy.maxExecutorRetries` (default 10; negative: never
    /// remove an app). 1.6.0 has the fixed `MAX_NUM_RETRY` (10) instead.
    pub max_executor_retries: i32,
    /// The Master's release, for the rules that changed (reference
    /// standalone-yarn-local.md §1.11): driver placement and the
    /// `schedule()` after an executor exit (1.6.0 against 1.6.3+), and the
    /// apps `startExecutorsOnWorkers` considers (2.3+).
    pub version: SparkVersion,
}

impl Default for MasterConf {
    fn default() -> MasterConf {
        MasterConf {
            spread_out: true,
            default_cores: u32::MAX,
            max_executor_retries: 10,
            version: SparkVersion::V3_0,
        }
    }
}

/// `ApplicationState.MAX_NUM_RETRY` of Spark 1.6.0 (`deploy/master/
/// ApplicationState.scala`), the limit before `maxExecutorRetries`.
const MAX_NUM_RETRY: u32 = 10;

/// A worker's books (`WorkerInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Worker {
    pub cores: u32,
    pub memory_mb: u64,
    pub cores_used: u32,
    pub memory_used_mb: u64,
    pub alive: bool,
}

impl Worker {
    pub fn new(cores: u32, memory_mb: u64) -> Worker {
        Worker {
            cores,
            memory_mb,
            cores_used: 0,
            memory_used_mb: 0,
            alive: true,
        }
    }

    pub fn cores_free(&self) -> u32 {
        self.cores - self.cores_used
    }

    pub fn memory_free_mb(&self) -> u64 {
        self.memory_mb - self.memory_used_mb
    }

    fn take(&mut self, cores: u32, memory_mb: u64) {
        self.cores_used += cores;
        self.memory_used_mb += memory_mb;
    }

    fn give_back(&mut self, cores: u32, memory_mb: u64) {
        self.cores_used -= cores;
        self.memory_used_mb -= memory_mb;
    }
}

/// What the driver sends at registration (`ApplicationDescription`, Spark
/// 3.0 `StandaloneSchedulerBackend`, reference standalone-yarn-local.md
/// §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppDescription {
    /// `spark.cores.max`.
    pub max_cores: Option<u32>,
    /// `spark.executor.memory`, no overhead.
    pub memory_per_executor_mb: u64,
    /// `spark.executor.cores` (`None` when unset).
    pub cores_per_executor: Option<u32>,
    /// `Some(0)` with dynamic allocation (2.0+), else `None` (no limit).
    pub initial_executor_limit: Option<u32>,
}

/// An executor the Master placed (`ExecutorDesc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecutorDesc {
    /// Per app: 0, 1, 2, … never reused.
    pub id: u32,
    pub worker: usize,
    pub cores: u32,
    pub memory_mb: u64,
    /// RUNNING (else LAUNCHING).
    pub running: bool,
}

/// An app's books (`ApplicationInfo`); `key` is the caller's name for it.
#[derive(Clone, Debug)]
struct App {
    key: u32,
    desc: AppDescription,
    requested_cores: u32,
    cores_granted: u32,
    executors: BTreeMap<u32, ExecutorDesc>,
    next_executor_id: u32,
    executor_limit: u32,
    retry_count: u32,
}

impl App {
    fn cores_left(&self) -> u32 {
        self.requested_cores - self.cores_granted
    }
}

/// A driver submitted in cluster deploy mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DriverDesc {
    pub app: u32,
    pub cores: u32,
    pub memory_mb: u64,
}

/// What `schedule()` decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Launch {
    /// `launchDriver`: the driver of `app` runs on `worker`.
    Driver { app: u32, worker: usize },
    /// `LaunchExecutor` to the worker and `ExecutorAdded` to the driver.
    Executor { app: u32, executor: ExecutorDesc },
}

/// What an executor's exit led to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExitOutcome {
    /// The app was removed (FAILED): too many failures in a row with no
    /// executor running. Its other executors are gone with it.
    pub app_removed: Option<Vec<ExecutorDesc>>,
    pub launches: Vec<Launch>,
}

/// The Master.
#[derive(Clone, Debug)]
pub struct Master {
    pub conf: MasterConf,
    workers: Vec<Worker>,
    /// `waitingApps`: registration order, running apps included.
    apps: Vec<App>,
    pub(crate) waiting_drivers: Vec<DriverDesc>,
    /// Running drivers: app → (worker, cores, memory).
    drivers: BTreeMap<u32, (usize, u32, u64)>,
}

impl Master {
    /// A Master whose workers have these `(cores, memory MB)`, all alive
    /// (registered before anything else happens).
    pub fn new(conf: MasterConf, workers: &[(u32, u64)]) -> Master {
        Master {
            conf,
            workers: workers.iter().map(|&(c, m)| Worker::new(c, m)).collect(),
            apps: Vec::new(),
            waiting_drivers: Vec::new(),
            drivers: BTreeMap::new(),
        }
    }

    pub fn workers(&self) -> &[Worker] {
        &self.workers
    }

    /// The app's executors (launching and running), by id.
    pub fn executors_of(&self, app: u32) -> Vec<ExecutorDesc> {
        self.app(app)
            .map(|a| a.executors.values().copied().collect())
            .unwrap_or_default()
    }

    /// The app's executor limit (`u32::MAX`: none), if it is registered.
    pub fn executor_limit(&self, app: u32) -> Option<u32> {
        self.app(app).map(|a| a.executor_limit)
    }

    /// Failures in a row of the app's executors.
    pub fn retry_count(&self, app: u32) -> Option<u32> {
        self.app(app).map(|a| a.retry_count)
    }

    /// The worker running the app's driver, if one is placed.
    pub fn driver_worker(&self, app: u32) -> Option<usize> {
        self.drivers.get(&app).map(|d| d.0)
    }

    /// Drivers submitted and not yet placed, in submission order.
    pub fn waiting_drivers(&self) -> &[DriverDesc] {
        &self.waiting_drivers
    }

    fn app(&self, key: u32) -> Option<&App> {
        self.apps.iter().find(|a| a.key == key)
    }

    fn app_mut(&mut self, key: u32) -> Option<&mut App> {
        self.apps.iter_mut().find(|a| a.key == key)
    }

    /// `RegisterApplication`: the app joins the end of `waitingApps`;
    /// `requestedCores` is `spark.cores.max`, else
    /// `spark.deploy.defaultCores`.
    pub fn register_app(
        &mut self,
        key: u32,
        desc: AppDescription,
        rng: &mut dyn Rng,
    ) -> Vec<Launch> {
        let requested_cores = desc.max_cores.unwrap_or(self.conf.default_cores);
        self.apps.push(App {
            key,
            desc,
            requested_cores,
            cores_granted: 0,
            executors: BTreeMap::new(),
            next_executor_id: 0,
            executor_limit: desc.initial_executor_limit.unwrap_or(u32::MAX),
            retry_count: 0,
        });
        self.schedule(rng)
    }

    /// `RequestSubmitDriver` (cluster deploy mode): the driver waits for a
    /// worker with its cores and memory free.
    pub fn submit_driver(&mut self, driver: DriverDesc, rng: &mut dyn Rng) -> Vec<Launch> {
        self.waiting_drivers.push(driver);
        self.schedule(rng)
    }

    /// The driver of `app` ended (its process exited or was killed): its
    /// worker gets its cores and memory back.
    pub fn driver_finished(&mut self, app: u32, rng: &mut dyn Rng) -> Vec<Launch> {
        self.waiting_drivers.retain(|d| d.app != app);
        if let Some((w, cores, mem)) = self.drivers.remove(&app) {
            self.workers[w].give_back(cores, mem);
        }
        self.schedule(rng)
    }

    /// `ExecutorStateChanged(RUNNING)`: the app's failure count starts over.
    pub fn executor_running(&mut self, app: u32, id: u32) {
        if let Some(a) = self.app_mut(app)
            && let Some(e) = a.executors.get_mut(&id)
        {
            e.running = true;
            a.retry_count = 0;
        }
    }

    /// `ExecutorStateChanged` to a finished state: the executor leaves its
    /// app and worker; an abnormal exit (`normal_exit` false) counts toward
    /// `maxExecutorRetries`; then `schedule()` (every exit, 1.6.3+). An
    /// unknown executor (already killed or removed) changes nothing.
    ///
    /// Spark 1.6.0 (`Master.receive`, reference standalone-yarn-local.md
    /// §1.3, §1.6) counts to the fixed `MAX_NUM_RETRY` (10) and runs
    /// `schedule()` only after an abnormal exit that leaves the count
    /// below it; after a normal exit, or at the limit with executors still
    /// running, nothing is scheduled (SPARK-16925 made it unconditional in
    /// 1.6.3), so the lost executor waits for the next event that
    /// schedules.
    pub fn executor_exited(
        &mut self,
        app: u32,
        id: u32,
        normal_exit: bool,
        rng: &mut dyn Rng,
    ) -> ExitOutcome {
        let v160 = self.conf.version == SparkVersion::V1_6_0;
        let retries = if v160 {
            MAX_NUM_RETRY as i32
        } else {
            self.conf.max_executor_retries
        };
        let Some(a) = self.app_mut(app) else {
            return ExitOutcome::default();
        };
        let Some(e) = a.executors.remove(&id) else {
            return ExitOutcome::default();
        };
        a.cores_granted -= e.cores;
        if !normal_exit {
            a.retry_count += 1;
        }
        let at_limit = retries >= 0 && a.retry_count >= retries as u32;
        let give_up = !normal_exit && at_limit && !a.executors.values().any(|e| e.running);
        self.workers[e.worker].give_back(e.cores, e.memory_mb);
        let mut out = ExitOutcome::default();
        if give_up {
            out.app_removed = Some(self.remove_app_books(app));
        }
        // 1.6.0: `removeApplication` schedules; otherwise only an abnormal
        // exit below the limit does.
        if !v160 || give_up || (!normal_exit && !at_limit) {
            out.launches = self.schedule(rng);
        }
        out
    }

    /// `RequestExecutors(total)`: the new executor limit; lowering it kills
    /// nothing (§1.9).
    pub fn request_executors(&mut self, app: u32, total: u32, rng: &mut dyn Rng) -> Vec<Launch> {
        match self.app_mut(app) {
            Some(a) => a.executor_limit = total,
            None => return Vec::new(),
        }
        self.schedule(rng)
    }

    /// `KillExecutors(ids)`: each known executor leaves its app and worker
    /// at once (KILLED); returns those it knew, and what `schedule()` then
    /// launched.
    pub fn kill_executors(
        &mut self,
        app: u32,
        ids: &[u32],
        rng: &mut dyn Rng,
    ) -> (Vec<ExecutorDesc>, Vec<Launch>) {
        let Some(a) = self.app_mut(app) else {
            return (Vec::new(), Vec::new());
        };
        let mut killed = Vec::new();
        for id in ids {
            if let Some(e) = a.executors.remove(id) {
                a.cores_granted -= e.cores;
                killed.push(e);
            }
        }
        for e in &killed {
            self.workers[e.worker].give_back(e.cores, e.memory_mb);
        }
        let launches = self.schedule(rng);
        (killed, launches)
    }

    /// `UnregisterApplication` or the driver's end: the app and its
    /// executors are gone; `schedule()` gives their cores to others.
    /// Returns the executors it still had.
    pub fn remove_app(&mut self, app: u32, rng: &mut dyn Rng) -> (Vec<ExecutorDesc>, Vec<Launch>) {
        let gone = self.remove_app_books(app);
        (gone, self.schedule(rng))
    }

    fn remove_app_books(&mut self, app: u32) -> Vec<ExecutorDesc> {
        let Some(i) = self.apps.iter().position(|a| a.key == app) else {
            return Vec::new();
        };
        let a = self.apps.remove(i);
        let gone: Vec<ExecutorDesc> = a.executors.into_values().collect();
        for e in &gone {
            self.workers[e.worker].give_back(e.cores, e.memory_mb);
        }
        gone
    }

    /// `removeWorker` (Spark 3.0 `Master`, reference standalone-yarn-local.md
    /// §1.7): the worker is DEAD; each executor on it is LOST and leaves its
    /// app (the app's retry count is not touched), drivers on it are
    /// removed. 3.0 does **not** run `schedule()` here (4.0-era, after
    /// SPARK-36509, does): the lost executors are replaced at the next
    /// event that schedules. Returns the executors lost, by app, and the
    /// apps whose driver ran there.
    pub fn remove_worker(&mut self, w: usize) -> (Vec<(u32, ExecutorDesc)>, Vec<u32>) {
        let mut lost = Vec::new();
        for a in &mut self.apps {
            let ids: Vec<u32> = a
                .executors
                .values()
                .filter(|e| e.worker == w)
                .map(|e| e.id)
                .collect();
            for id in ids {
                if let Some(e) = a.executors.remove(&id) {
                    a.cores_granted -= e.cores;
                    lost.push((a.key, e));
                }
            }
        }
        let drivers: Vec<u32> = self
            .drivers
            .iter()
            .filter(|(_, d)| d.0 == w)
            .map(|(app, _)| *app)
            .collect();
        for app in &drivers {
            self.drivers.remove(app);
        }
        let worker = &mut self.workers[w];
        worker.alive = false;
        worker.cores_used = 0;
        worker.memory_used_mb = 0;
        (lost, drivers)
    }

    /// `RegisterWorker` of a worker that comes back: alive and empty, then
    /// `schedule()`.
    pub fn register_worker(&mut self, w: usize, rng: &mut dyn Rng) -> Vec<Launch> {
        let worker = &mut self.workers[w];
        worker.alive = true;
        worker.cores_used = 0;
        worker.memory_used_mb = 0;
        self.schedule(rng)
    }

    /// `schedule()`: waiting drivers first, then executors app by app.
    pub fn schedule(&mut self, rng: &mut dyn Rng) -> Vec<Launch> {
        let mut out = Vec::new();
        self.place_drivers(rng, &mut out);
        self.start_executors_on_workers(&mut out);
        out
    }

    /// Drivers first (1.6.3+): one shuffled order of the alive workers per
    /// call, a position shared by all drivers, each driver searching from
    /// where the previous one stopped (§1.4). 1.6.0 packs instead: for
    /// each worker of the shuffled order in turn, every waiting driver
    /// that fits there goes there (over a snapshot of the waiting list,
    /// as the reference advises: 1.6.0 changed the list it iterated).
    fn place_drivers(&mut self, rng: &mut dyn Rng, out: &mut Vec<Launch>) {
        if self.waiting_drivers.is_empty() {
            return;
        }
        let mut alive: Vec<usize> = (0..self.workers.len())
            .filter(|&w| self.workers[w].alive)
            .collect();
        shuffle(&mut alive, rng);
        if self.conf.version == SparkVersion::V1_6_0 {
            for &w in &alive {
                for d in self.waiting_drivers.clone() {
                    self.try_driver(w, d, out);
                }
            }
            return;
        }
        let n = alive.len();
        let mut pos = 0;
        let snapshot = self.waiting_drivers.clone();
        for d in snapshot {
            let mut visited = 0;
            while visited < n {
                let w = alive[pos];
                visited += 1;
                pos = (pos + 1) % n;
                if self.try_driver(w, d, out) {
                    break;
                }
            }
        }
    }

    /// `launchDriver` on worker `w` if the driver fits there.
    fn try_driver(&mut self, w: usize, d: DriverDesc, out: &mut Vec<Launch>) -> bool {
        let worker = &mut self.workers[w];
        if worker.memory_free_mb() < d.memory_mb || worker.cores_free() < d.cores {
            return false;
        }
        worker.take(d.cores, d.memory_mb);
        self.drivers.insert(d.app, (w, d.cores, d.memory_mb));
        self.waiting_drivers.retain(|x| x.app != d.app);
        out.push(Launch::Driver {
            app: d.app,
            worker: w,
        });
        true
    }

    /// `startExecutorsOnWorkers`: apps in FIFO order, each planned on the
    /// usable workers sorted by free cores (§1.5).
    fn start_executors_on_workers(&mut self, out: &mut Vec<Launch>) {
        for ai in 0..self.apps.len() {
            let a = &self.apps[ai];
            let cpe = a.desc.cores_per_executor.unwrap_or(1).max(1);
            // 2.3+: skip an app that cannot take one more step; 1.6–2.2
            // skip only an app with no core left (its plan below then
            // assigns nothing: `toAssign < minCores`, §1.5).
            let skip = if self.conf.version >= SparkVersion::V2_3 {
                a.cores_left() < cpe
            } else {
                a.cores_left() == 0
            };
            if skip {
                continue;
            }
            let mem = a.desc.memory_per_executor_mb;
            let mut usable: Vec<(usize, FreeWorker)> = self
                .workers
                .iter()
                .enumerate()
                .filter(|(_, w)| w.alive && w.memory_free_mb() >= mem && w.cores_free() >= cpe)
                .map(|(i, w)| {
                    (
                        i,
                        FreeWorker {
                            cores_free: w.cores_free(),
                            memory_free_mb: w.memory_free_mb(),
                        },
                    )
                })
                .collect();
            if usable.is_empty() {
                continue;
            }
            order_workers(&mut usable);
            let need = AppNeed {
                cores_per_executor: a.desc.cores_per_executor,
                memory_per_executor_mb: mem,
                cores_left: a.cores_left(),
                executors: a.executors.len() as u32,
                executor_limit: a.executor_limit,
            };
            let free: Vec<FreeWorker> = usable.iter().map(|(_, f)| *f).collect();
            let assigned = schedule_executors_on_workers(&need, &free, self.conf.spread_out);
            for (slot, cores) in assigned.into_iter().enumerate() {
                if cores > 0 {
                    self.allocate_worker_resource_to_executors(ai, cores, usable[slot].0, out);
                }
            }
        }
    }

    /// `allocateWorkerResourceToExecutors`: `cores / cpe` executors of
    /// `cpe` cores, or one executor with all of them when cores are unset.
    fn allocate_worker_resource_to_executors(
        &mut self,
        ai: usize,
        cores: u32,
        worker: usize,
        out: &mut Vec<Launch>,
    ) {
        let a = &mut self.apps[ai];
        let (count, each) = match a.desc.cores_per_executor {
            Some(cpe) => (cores / cpe, cpe),
            None => (1, cores),
        };
        let mem = a.desc.memory_per_executor_mb;
        for _ in 0..count {
            let e = ExecutorDesc {
                id: a.next_executor_id,
                worker,
                cores: each,
                memory_mb: mem,
                running: false,
            };
            a.next_executor_id += 1;
            a.cores_granted += each;
            a.executors.insert(e.id, e);
            self.workers[worker].take(each, mem);
            out.push(Launch::Executor {
                app: a.key,
                executor: e,
            });
        }
    }
}
