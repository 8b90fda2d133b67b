//! A Spark application on Mesos: the Mesos side of its driver — the coarse
//! backend (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference
//! spark-on-mesos.md §1) turning offers into executors, the fetcher and
//! Docker caches on agents, and registration with the master. The
//! fine-grained backend is in [`super::fine`], the cluster-mode dispatcher
//! in [`super::dispatcher`]. The driver itself is
//! [`crate::world::spark::driver`]: this file only grants it executors,
//! takes its requests and tells it of losses.

use std::collections::BTreeMap;

use policies::mesos::Refuse;
use policies::model::AgentId;
use policies::spark::allocation_manager::Request;
use policies::spark::coarse::{CoarseBackend, MesosTaskState, Offer, Reply};
use policies::spark::fine::FineBackend;
use rand_chacha::ChaCha8Rng;

use crate::metrics::AllocationRow;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{App, DeployMode};
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::mesos::fetcher::Fetcher;
use crate::world::mesos::fine::{self, FineState};
use crate::world::mesos::master::{MesosMaster, Outstanding, TaskOwner};
use crate::world::mesos::offer_view::{offer_batch, offer_view};
use crate::world::spark::driver::{Executor, Grant, SparkDriver};

/// The Mesos side of one Spark app.
pub(crate) struct MesosSpark {
    /// The coarse backend (`None` before the driver starts, or in
    /// fine-grained mode).
    pub coarse: Option<CoarseBackend>,
    /// The fine-grained backend and its executors and tasks.
    pub fine: Option<FineState>,
    /// The executors' downloads.
    pub fetcher: Fetcher,
    /// Cluster mode: the driver's Mesos task, and its JVM start stream.
    pub cluster: bool,
    pub driver_uid: Option<u64>,
    driver_startup_rng: ChaCha8Rng,
    /// Coarse executors killed whose TASK_KILLED has not arrived: out of
    /// the driver, still in the backend's count and the master's books.
    killing: BTreeMap<u64, Executor>,
}

impl MesosSpark {
    pub fn new(app: &App, streams: &RngStreams) -> MesosSpark {
        let key = fnv1a64(app.name.as_bytes());
        MesosSpark {
            coarse: None,
            fine: None,
            fetcher: Fetcher::new(app.fetch),
            cluster: app.deploy_mode == DeployMode::Cluster,
            driver_uid: None,
            driver_startup_rng: streams.stream("app-driver-startup", key),
            killing: BTreeMap::new(),
        }
    }

    /// The driver JVM's start-up (the app's start-up distribution, drawn
    /// from its own stream).
    pub fn driver_startup(&mut self, d: &SparkDriver) -> SimDuration {
        d.startup.duration(&mut self.driver_startup_rng)
    }

    /// After a cluster-mode driver failed: the new driver has no backend.
    pub fn reset_for_restart(&mut self) {
        self.coarse = None;
        self.fine = None;
    }
}

/// How the framework's registration went.
pub(crate) enum Started {
    /// The master refused it: SparkContext fails, no job is run.
    Refused,
    /// Registered; `true` when the app has nothing to do (it stops now).
    Running(bool),
}

/// The driver registers its framework and creates its backend.
pub(crate) fn start(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
) -> Started {
    let now = k.now;
    d.open(k);
    let (principal, secret) = (
        d.settings.principal.as_deref(),
        d.settings.secret.as_deref(),
    );
    if let Err(reason) = m.authenticate(principal, secret) {
        d.refused(k, reason);
        m.deactivate(k, d.id);
        return Started::Refused;
    }
    if !d.settings.coarse {
        // Fine-grained: no executor limit, always ready (Spark 3.0
        // `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2).
        s.fine = Some(FineState::new(FineBackend::new(&d.settings)));
        d.ready = true;
        return Started::Running(d.begin_stream(k));
    }
    // Ready at once when nothing needs to register (Spark 3.0
    // `MesosCoarseGrainedSchedulerBackend.sufficientResourcesRegistered`,
    // reference spark-on-mesos.md §1.7).
    let backend = CoarseBackend::new(&d.settings, now);
    let ready = backend.is_ready(0, now);
    s.coarse = Some(backend);
    let requests = d.backend_started(ready);
    apply_requests(k, m, d, s, requests);
    d.arm_timers(k);
    Started::Running(d.begin_stream(k))
}

/// `reviveOffers`: coarse, the driver offers its executors' free slots at
/// once; fine-grained, a Mesos REVIVE.
pub(crate) fn revive_offers(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &MesosSpark,
) {
    if s.fine.is_some() {
        m.revive(k, d.id);
    } else {
        d.make_offers(k, None);
    }
}

/// Whether the app declines any batch of offers now without looking at
/// them, and with which filter: a coarse backend that says so
/// ([`CoarseBackend::blind_decline`]), or an app whose backend does not
/// exist yet (it declines with no explicit filter). Fine-grained apps
/// always look.
pub(crate) fn blind_decline(s: &MesosSpark) -> Option<Refuse> {
    if s.fine.is_some() {
        return None;
    }
    match &s.coarse {
        Some(backend) => backend.blind_decline(),
        None => Some(Refuse::Default),
    }
}

/// The backend answers `offers` without looking ([`blind_decline`]): its
/// state changes as a full `resourceOffers` declining each of them with
/// `refuse` would change it. Debug builds (and every test) run that full
/// `resourceOffers` on a copy of the backend and check that it answers and
/// ends the same.
fn blind_declined(backend: &mut CoarseBackend, offers: &[Offer<'_>], refuse: Refuse, now: SimTime) {
    if !cfg!(debug_assertions) {
        backend.blind_declined(now);
        return;
    }
    let mut full = backend.clone();
    let replies = full.resource_offers(offers, now);
    let expected: Vec<Reply> = offers
        .iter()
        .map(|o| Reply::Decline {
            offer: o.id,
            refuse,
        })
        .collect();
    assert_eq!(
        replies, expected,
        "a blind decline disagrees with resourceOffers"
    );
    backend.blind_declined(now);
    assert_eq!(
        format!("{backend:?}"),
        format!("{full:?}"),
        "a blind decline changed the backend differently"
    );
}

/// A batch [`blind_decline`] answered when the run made it: the backend's
/// state changes, then every offer is declined with the filter.
pub(crate) fn declined_blind(
    k: &mut Kernel,
    m: &mut MesosMaster,
    s: &mut MesosSpark,
    offers: Vec<Outstanding>,
    refuse: Refuse,
) {
    if let Some(backend) = s.coarse.as_mut() {
        // The views are built only where the check reads them.
        let views: Vec<Offer<'_>> = if cfg!(debug_assertions) {
            offers
                .iter()
                .enumerate()
                .map(|(i, o)| offer_view(i as u64, o, &k.machines))
                .collect()
        } else {
            Vec::new()
        };
        blind_declined(backend, &views, refuse, k.now);
    }
    for o in offers {
        m.decline_blind(k, o, refuse);
    }
}

/// A batch of outstanding offers the backend declines without looking
/// ([`blind_decline`] at the time it answers, after its decision time):
/// its state changes, then every offer is declined with the filter.
fn decline_outstanding(
    k: &mut Kernel,
    m: &mut MesosMaster,
    s: &mut MesosSpark,
    ids: &[u64],
    refuse: Refuse,
) {
    if let Some(backend) = s.coarse.as_mut() {
        let views = if cfg!(debug_assertions) {
            offer_batch(ids, &m.offers, &k.machines)
        } else {
            Vec::new()
        };
        blind_declined(backend, &views, refuse, k.now);
    }
    for &id in ids {
        m.decline(k, id, refuse);
    }
}

/// Offers from one allocation run, handed to the backend in one call.
pub(crate) fn resource_offers(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    ids: &[u64],
) {
    if let Some(f) = s.fine.as_mut() {
        return fine::resource_offers(k, m, d, f, &mut s.fetcher, ids);
    }
    if let Some(refuse) = blind_decline(s) {
        return decline_outstanding(k, m, s, ids, refuse);
    }
    let now = k.now;
    let replies = match s.coarse.as_mut() {
        Some(backend) => backend.resource_offers(&offer_batch(ids, &m.offers, &k.machines), now),
        None => ids
            .iter()
            .map(|id| Reply::Decline {
                offer: *id,
                refuse: Refuse::Default,
            })
            .collect(),
    };
    let fw = d.id;
    for reply in replies {
        match reply {
            Reply::Decline { offer, refuse } => m.decline(k, offer, refuse),
            Reply::Launch {
                offer,
                executors,
                refuse,
            } => {
                let tasks = executors
                    .iter()
                    .map(|e| (e.resources.clone(), TaskOwner::SparkExecutor(fw, e.task_id)))
                    .collect();
                let uids = m.accept(k, offer, tasks, refuse);
                let latency = m.task_launch_latency;
                for (e, uid) in executors.into_iter().zip(uids) {
                    let up = s
                        .fetcher
                        .executor_up(m, &d.settings, e.agent, now + latency);
                    let grant = Grant {
                        id: e.task_id,
                        uid,
                        agent: e.agent,
                        cpus: e.cpus,
                        advertised: e.advertised_cores,
                        mem_mb: e.mem_mb,
                        shares_machine: false,
                    };
                    d.executor_launched(k, grant, up);
                }
            }
        }
    }
}

/// An executor registered with the driver: the backend says whether the
/// driver is ready now, and the driver offers its slots.
pub(crate) fn executor_registered(
    k: &mut Kernel,
    d: &mut SparkDriver,
    s: &MesosSpark,
    id: u64,
    uid: u64,
) {
    let now = k.now;
    d.register_and_offer(k, id, uid, |d| {
        s.coarse
            .as_ref()
            .is_some_and(|b| b.is_ready(d.registered_cores, now))
    });
}

/// Hands the allocation manager's requests to the backend. A new total
/// only sets the Mesos executor limit (`doRequestTotalExecutors` does not
/// revive, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference
/// spark-on-mesos.md §1.3), so raised limits wait for filtered offers to
/// come back. Killed executors end at once with `idle_timeout` (their
/// KILLED update is not delayed here).
pub(crate) fn apply_requests(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    requests: Vec<Request>,
) {
    let now = k.now;
    for r in requests {
        match r {
            Request::Total(n) => {
                // The placement hints go with every request (Spark 3.0
                // `CoarseGrainedSchedulerBackend`, reference
                // spark-on-mesos.md §4.8) and hold the backend's launches
                // for the wanted hosts (Spark 3.0
                // `MesosCoarseGrainedSchedulerBackend`, reference
                // spark-on-mesos.md §1.6).
                let hints: BTreeMap<String, u32> = d
                    .hints
                    .iter()
                    .map(|(h, n)| (k.hostname(*h).to_string(), *n))
                    .collect();
                let Some(b) = s.coarse.as_mut() else {
                    continue;
                };
                b.request_total_executors(n, hints, now);
                let row = AllocationRow {
                    time: now,
                    app: d.name.clone(),
                    target: n,
                    executors: b.num_executors() as u32,
                };
                k.metrics.allocations.push(row);
            }
            Request::Kill(ids) => {
                let Some(b) = s.coarse.as_ref() else {
                    continue;
                };
                for id in b.kill_executors(&ids) {
                    kill_executor(k, m, d, s, id);
                }
            }
            Request::KillLowering(ids) => {
                // 1.6–2.1 `killExecutor`: the backend's total becomes the
                // executors it keeps, then the kill (reference
                // spark-on-mesos.md §4.8).
                let Some(b) = s.coarse.as_mut() else {
                    continue;
                };
                let killed = b.kill_executors(&ids);
                let keep = (b.num_executors() - killed.len()) as u32;
                let hints = b.hints().clone();
                b.request_total_executors(keep, hints, now);
                for id in killed {
                    kill_executor(k, m, d, s, id);
                }
            }
        }
    }
}

/// A coarse executor's Mesos task ends in `state`: it leaves the driver and
/// the backend, its resources go back to the master, and the backend
/// revives (Spark calls `reviveOffers()` on every terminal update, Spark
/// 3.0 `MesosCoarseGrainedSchedulerBackend.statusUpdate`, reference
/// spark-on-mesos.md §1.3, which clears its filters; a stopped driver no
/// longer does).
pub(crate) fn end_executor(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    id: u64,
    reason: &'static str,
    state: MesosTaskState,
) {
    let Some(e) = d.remove_executor(k, id) else {
        return;
    };
    executor_ended(k, m, d, s, id, e, reason, state);
}

/// The terminal update of executor `id` (already out of the driver): the
/// backend's books, the master's, the revive, the row.
#[allow(clippy::too_many_arguments)]
fn executor_ended(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &SparkDriver,
    s: &mut MesosSpark,
    id: u64,
    e: Executor,
    reason: &'static str,
    state: MesosTaskState,
) {
    let effect = s.coarse.as_mut().map(|b| b.status_update(id, state));
    let revive = effect.is_some_and(|e| e.revive) && !d.stopped;
    m.end_task(k, e.uid);
    if revive {
        m.revive(k, d.id);
    }
    let row = e.row(&d.name, id, k.hostname(e.agent), Some((k.now, reason)));
    k.executor_row(row);
}

/// The driver kills executor `id` (`doKillExecutors` →
/// `SchedulerDriver.killTask`): it leaves the driver's scheduling at once
/// (Spark 3.0 `CoarseGrainedSchedulerBackend.killExecutors` marks it
/// pending removal, no task goes to it), but its Mesos task ends only when
/// TASK_KILLED comes back, `mesos.task_kill_latency` later; until then it
/// still counts in the backend's `numExecutors` and its cores in
/// `totalCoresAcquired`, so offers past the limit are declined, and its
/// resources stay allocated at the master (Spark 3.0
/// `MesosCoarseGrainedSchedulerBackend.doKillExecutors` and `statusUpdate`,
/// reference spark-on-mesos.md §7).
fn kill_executor(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    id: u64,
) {
    let latency = m.task_kill_latency;
    if latency == SimDuration::ZERO {
        end_executor(k, m, d, s, id, "idle_timeout", MesosTaskState::Killed);
        return;
    }
    let Some(e) = d.remove_executor(k, id) else {
        return;
    };
    s.killing.insert(id, e);
    k.push(
        k.now + latency,
        Event::ExecutorKilled {
            app: d.id,
            executor: id,
        },
    );
}

/// Executor `id`'s TASK_KILLED arrives (unless its agent was lost first).
pub(crate) fn executor_killed(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &SparkDriver,
    s: &mut MesosSpark,
    id: u64,
) {
    let Some(agent) = s.killing.get(&id).map(|e| e.agent) else {
        return;
    };
    if k.is_down(agent) {
        // A failed machine sends nothing: the agent retries the update
        // once it is back, unless the master declares it lost first.
        let app = d.id;
        k.push(
            k.now + m.task_kill_latency,
            Event::ExecutorKilled { app, executor: id },
        );
        return;
    }
    let e = s.killing.remove(&id).expect("a killed executor");
    executor_ended(k, m, d, s, id, e, "idle_timeout", MesosTaskState::Killed);
}

/// The killed executors on `agent` (every agent: `None`) end now in
/// `state`, ahead of their TASK_KILLED.
fn end_killing(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &SparkDriver,
    s: &mut MesosSpark,
    agent: Option<AgentId>,
    state: MesosTaskState,
) {
    let ids: Vec<u64> = s
        .killing
        .iter()
        .filter(|(_, e)| agent.is_none_or(|a| e.agent == a))
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        let e = s.killing.remove(&id).expect("a killed executor");
        let reason = if state == MesosTaskState::Lost {
            "lost"
        } else {
            "idle_timeout"
        };
        executor_ended(k, m, d, s, id, e, reason, state);
    }
}

/// The driver goes away: the backend stops, every executor is killed (its
/// Mesos task ends KILLED, reported with `reason`), fine-grained tasks and
/// executors end, the framework leaves the master.
pub(crate) fn shut_down(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    reason: &'static str,
) {
    d.stopped = true;
    if let Some(b) = s.coarse.as_mut() {
        b.stop();
    }
    let ids: Vec<u64> = d.executors.keys().copied().collect();
    for id in ids {
        end_executor(k, m, d, s, id, reason, MesosTaskState::Killed);
    }
    end_killing(k, m, d, s, None, MesosTaskState::Killed);
    if let Some(f) = s.fine.as_mut() {
        fine::shut_down(k, m, d, f, reason);
    }
    m.deactivate(k, d.id);
}

/// `[[faults]] executor_failure`: the app's executors on `agent` die. A
/// coarse executor's Mesos task ends FAILED (the backend counts a failure
/// against the agent, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`,
/// reference spark-on-mesos.md §1.3, and revives); fine-grained, see
/// [`fine::executor_failure`]. Lost tasks are pending again and offered at
/// once (Spark's `reviveOffers` after a failed task).
pub(crate) fn executor_failure(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    agent: AgentId,
) {
    if d.stopped {
        return;
    }
    let ids: Vec<u64> = d
        .executors
        .iter()
        .filter(|(_, e)| e.agent == agent)
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        d.requeue_tasks_of(k, id);
        end_executor(k, m, d, s, id, "failed", MesosTaskState::Failed);
        d.executor_outputs_lost(k, id);
    }
    if let Some(f) = s.fine.as_mut()
        && fine::executor_failure(k, m, d, f, agent, "failed")
    {
        return;
    }
    d.make_offers(k, None);
}

/// The app's executors on an unreachable (or, `host_gone` false,
/// disconnected) agent are TASK_LOST (Mesos 1.11
/// `master.cpp` `__removeSlave`, reference mesos-master.md §3): a coarse
/// executor's loss counts toward the agent's 2-failure exclusion and the
/// backend revives (Spark 3.0 `MesosCoarseGrainedSchedulerBackend.statusUpdate`,
/// reference spark-on-mesos.md §1.3); fine-grained, the agent's executor
/// and its tasks go. Lost tasks are pending again. Returns the executors
/// and tasks lost and the work the tasks had done.
pub(crate) fn agent_lost(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    s: &mut MesosSpark,
    agent: AgentId,
    host_gone: bool,
) -> (u32, u32, f64) {
    let ids: Vec<u64> = d
        .executors
        .iter()
        .filter(|(_, e)| e.agent == agent)
        .map(|(id, _)| *id)
        .collect();
    let (mut tasks, mut work) = (0, 0.0);
    for &id in &ids {
        let (n, w) = d.requeue_tasks_of(k, id);
        tasks += n;
        work += w;
        end_executor(k, m, d, s, id, "lost", MesosTaskState::Lost);
    }
    // Executors being killed there are lost before their TASK_KILLED.
    end_killing(k, m, d, s, Some(agent), MesosTaskState::Lost);
    let mut executors = ids.len() as u32;
    if let Some(f) = s.fine.as_mut()
        && fine::executor_failure(k, m, d, f, agent, "lost")
    {
        // It revived; the tasks are offered with the next offers.
        executors += 1;
        return (executors, tasks, work);
    }
    // Its shuffle outputs went with the machine, before anything is
    // offered again; when only the agent process died, the external
    // shuffle service (its own process) still serves them, and without
    // it they went with the executors.
    if host_gone {
        d.host_outputs_lost(k, agent);
    } else {
        for &id in &ids {
            d.executor_outputs_lost(k, id);
        }
    }
    if !d.stopped {
        d.make_offers(k, None);
    }
    (executors, tasks, work)
}

/// A failed agent registers again, as a new agent: the backend has no
/// record of it.
pub(crate) fn agent_reregistered(s: &mut MesosSpark, agent: AgentId) {
    if let Some(b) = s.coarse.as_mut() {
        b.agent_reregistered(agent);
    }
}

/// At the end of a run: rows for live executors and unfinished jobs.
pub(crate) fn flush(k: &mut Kernel, m: &MesosMaster, d: &mut SparkDriver, s: &MesosSpark) {
    d.flush(k);
    for (id, e) in &s.killing {
        let row = e.row(&d.name, *id, k.hostname(e.agent), None);
        k.executor_row(row);
    }
    if let Some(f) = s.fine.as_ref() {
        fine::flush(k, m, d, f);
    }
}
