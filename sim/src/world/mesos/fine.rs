//! Spark's fine-grained Mesos backend (Spark 3.0
//! `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2):
//! every Spark task is a Mesos task, and one executor per agent lives as
//! long as the app. The backend turns usable offers into worker offers,
//! the driver's task scheduler picks tasks for them (delay scheduling
//! applies: a held-back offer is declined), and the picks launch (plus the
//! agent's executor when new) with the 1 s filter. A fine-grained task has
//! its own CPUs: no sharing.

use std::collections::BTreeMap;

use policies::model::AgentId;
use policies::spark::fine::{FineBackend, FineReply, LAUNCH_REFUSE};
use policies::spark::task_scheduler::{self, TaskSet, WorkerOffer};

use crate::jobs::TaskEnd;
use crate::metrics::ExecutorRow;
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::mesos::fetcher::Fetcher;
use crate::world::mesos::master::{MesosMaster, TaskOwner};
use crate::world::mesos::offer_view::offer_batch;
use crate::world::spark::driver::SparkDriver;

/// A fine-grained executor: its Mesos task uid, launch, RUNNING time.
type FineExecutor = (u64, SimTime, Option<SimTime>);

/// A fine-grained task (one Mesos task).
#[derive(Clone, Copy, Debug)]
struct FineTask {
    stage: usize,
    index: u32,
    /// µs of work, the remote read included.
    work: u64,
    local: Option<bool>,
}

/// The backend, the executor of each agent (Mesos uid, launch, running
/// since), the tasks, and when each agent's executor is up.
pub(crate) struct FineState {
    backend: FineBackend,
    executors: BTreeMap<AgentId, FineExecutor>,
    tasks: BTreeMap<u64, FineTask>,
    up: BTreeMap<AgentId, SimTime>,
}

impl FineState {
    pub fn new(backend: FineBackend) -> FineState {
        FineState {
            backend,
            executors: BTreeMap::new(),
            tasks: BTreeMap::new(),
            up: BTreeMap::new(),
        }
    }
}

/// CPUs (thousandths) a running fine-grained task keeps busy: its own
/// `spark.task.cpus`, for `cpu_fraction` of its time.
fn busy_milli(d: &SparkDriver) -> i64 {
    (d.cpu_fraction * f64::from(d.settings.task_cpus) * 1000.0).round() as i64
}

pub(crate) fn resource_offers(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    f: &mut FineState,
    fetcher: &mut Fetcher,
    ids: &[u64],
) {
    let now = k.now;
    let fw = d.id;
    let mut picks: BTreeMap<AgentId, Vec<(usize, u32)>> = BTreeMap::new();
    let replies = {
        let SparkDriver {
            task_sets,
            hosts,
            sched_rng,
            settings,
            ..
        } = &mut *d;
        let task_cpus = settings.task_cpus;
        let mut schedule = |workers: &[WorkerOffer]| {
            // TaskSchedulerImpl.resourceOffers: an executor id seen for the
            // first time joins (executorAdded), which can make a level valid.
            let mut new_host = false;
            for o in workers {
                if !hosts.is_alive(o.host) {
                    hosts.executor_added(o.host);
                    new_host = true;
                }
            }
            if new_host {
                for set in task_sets.values_mut() {
                    set.recompute(hosts);
                }
            }
            let jobs: Vec<usize> = task_sets.keys().copied().collect();
            let mut sets: Vec<&mut TaskSet> = task_sets.values_mut().collect();
            let got = task_scheduler::resource_offers(
                &mut sets, workers, hosts, task_cpus, now, sched_rng,
            );
            let mut counts = vec![0u32; workers.len()];
            for p in got {
                counts[p.offer] += 1;
                picks
                    .entry(workers[p.offer].host)
                    .or_default()
                    .push((jobs[p.task_set], p.index));
            }
            counts
        };
        f.backend
            .resource_offers(&offer_batch(ids, &m.offers, &k.machines), &mut schedule)
    };
    for reply in replies {
        match reply {
            FineReply::Decline { offer, refuse } => m.decline(k, offer, refuse),
            FineReply::Launch {
                offer,
                executor,
                tasks,
            } => {
                let agent = m.offers[&offer].agent;
                let mut launch = Vec::new();
                let new_executor = executor.is_some();
                if let Some(r) = executor {
                    launch.push((r, TaskOwner::SparkFineExecutor(fw, agent)));
                }
                let mut picked = Vec::new();
                let chosen = picks.remove(&agent).unwrap_or_default();
                for (r, (stage, index)) in tasks.into_iter().zip(chosen) {
                    let (read, local) = d.read_cost(&k.storage, stage, index, agent);
                    let work = d.jobs.take_index(stage, index) + read.as_micros();
                    picked.push(FineTask {
                        stage,
                        index,
                        work,
                        local,
                    });
                    launch.push((r, TaskOwner::SparkFineTask(fw, stage)));
                }
                // Tasks start once the agent's executor has its files and
                // its JVM is up (`MesosExecutorBackend`, the same
                // `executor_startup` as a coarse executor's).
                let running_at = now + m.task_launch_latency;
                let up = if new_executor {
                    fetcher.executor_up(m, &d.settings, agent, running_at) + d.draw_startup()
                } else {
                    f.up.get(&agent).copied().unwrap_or(running_at)
                };
                let uids = m.accept_delayed(k, offer, launch, LAUNCH_REFUSE, up.since(running_at));
                let mut uids = uids.into_iter();
                if new_executor {
                    f.up.insert(agent, up);
                    if let Some(uid) = uids.next() {
                        f.executors.insert(agent, (uid, now, None));
                        k.metrics.executors_launched += 1;
                    }
                }
                for (uid, t) in uids.zip(picked) {
                    f.tasks.insert(uid, t);
                }
            }
        }
    }
}

/// A fine-grained Mesos task reached RUNNING: an executor records it; a
/// task starts its work (its own CPUs, no sharing).
pub(crate) fn task_running(k: &mut Kernel, d: &mut SparkDriver, f: &mut FineState, uid: u64) {
    let now = k.now;
    if let Some(t) = f.tasks.get(&uid).copied() {
        d.jobs.started(t.stage, now);
        k.metrics.cpus_busy += busy_milli(d);
        k.push(now + SimDuration(t.work), Event::FineTaskDone(uid));
        return;
    }
    for e in f.executors.values_mut() {
        if e.0 == uid {
            e.2 = Some(now);
        }
    }
}

/// A fine-grained task ended. True when the app is done (it stops now).
#[must_use]
pub(crate) fn task_done(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    f: Option<&mut FineState>,
    uid: u64,
) -> bool {
    let now = k.now;
    m.end_task(k, uid);
    let Some(FineTask {
        stage,
        index,
        local,
        ..
    }) = f.and_then(|f| f.tasks.remove(&uid))
    else {
        return false;
    };
    if let Some(local) = local {
        d.jobs.read_input(stage, index, local);
    }
    let end = d.jobs.finished(stage, now);
    k.metrics.cpus_busy -= busy_milli(d);
    d.stage_moved(&k.storage, now, stage, &end);
    if !end.opened().is_empty() {
        m.revive(k, d.id);
    }
    if let TaskEnd::JobDone(r) = end {
        k.metrics.jobs.push(r);
    }
    d.finished()
}

/// The app ends: running tasks and the agents' executors are killed.
pub(crate) fn shut_down(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &SparkDriver,
    f: &mut FineState,
    reason: &'static str,
) {
    let now = k.now;
    let busy = busy_milli(d);
    let tasks: Vec<u64> = std::mem::take(&mut f.tasks).into_keys().collect();
    let executors: Vec<(AgentId, FineExecutor)> =
        std::mem::take(&mut f.executors).into_iter().collect();
    for uid in tasks {
        if m.tasks.get(&uid).is_some_and(|t| t.running) {
            k.metrics.cpus_busy -= busy;
        }
        m.end_task(k, uid);
    }
    for (agent, (uid, launch, ready)) in executors {
        let row = executor_row(k, m, d, agent, uid, launch, ready, Some((now, reason)));
        m.end_task(k, uid);
        k.executor_row(row);
    }
}

/// The app's executor on `agent` dies and takes its running tasks with it;
/// the next launch there creates and charges a new executor (Spark 3.0
/// `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2). The
/// lost tasks are pending again, and the app revives. False when the app
/// had no executor there.
pub(crate) fn executor_failure(
    k: &mut Kernel,
    m: &mut MesosMaster,
    d: &mut SparkDriver,
    f: &mut FineState,
    agent: AgentId,
    reason: &'static str,
) -> bool {
    let now = k.now;
    let Some((uid, launch, ready)) = f.executors.remove(&agent) else {
        return false;
    };
    f.backend.executor_lost(agent);
    f.up.remove(&agent);
    if d.hosts.executor_lost(agent) {
        d.recompute_levels();
    }
    let on_agent: Vec<u64> = f
        .tasks
        .keys()
        .copied()
        .filter(|t| m.tasks.get(t).is_some_and(|t| t.agent == agent))
        .collect();
    let busy = busy_milli(d);
    for t in on_agent {
        if m.tasks.get(&t).is_some_and(|t| t.running) {
            k.metrics.cpus_busy -= busy;
        }
        m.end_task(k, t);
        if let Some(ft) = f.tasks.remove(&t) {
            d.requeue(ft.stage, ft.index);
        }
    }
    let row = executor_row(k, m, d, agent, uid, launch, ready, Some((now, reason)));
    m.end_task(k, uid);
    k.executor_row(row);
    m.revive(k, d.id);
    true
}

/// At the end of a run: rows for the live executors.
pub(crate) fn flush(k: &mut Kernel, m: &MesosMaster, d: &SparkDriver, f: &FineState) {
    let live: Vec<(AgentId, FineExecutor)> = f.executors.iter().map(|(a, e)| (*a, *e)).collect();
    for (agent, (uid, launch, ready)) in live {
        let row = executor_row(k, m, d, agent, uid, launch, ready, None);
        k.executor_row(row);
    }
}

#[allow(clippy::too_many_arguments)]
fn executor_row(
    k: &Kernel,
    m: &MesosMaster,
    d: &SparkDriver,
    agent: AgentId,
    uid: u64,
    launch: SimTime,
    ready: Option<SimTime>,
    end: Option<(SimTime, &'static str)>,
) -> ExecutorRow {
    let held = m
        .tasks
        .get(&uid)
        .map(|t| t.resources.clone())
        .unwrap_or_default();
    ExecutorRow {
        app: d.name.clone(),
        // Spark names a fine-grained executor after its agent.
        executor: u64::from(agent.0),
        agent,
        host: k.hostname(agent).to_string(),
        cpus: held.cpus(),
        advertised_cores: None,
        mem_mb: held.mem_mb().whole_units().max(0) as u64,
        launch,
        ready,
        end: end.map(|(t, _)| t),
        end_reason: end.map(|(_, r)| r),
    }
}
