//! Machines that fail (`[[faults]]` `agent_failure`, `agent_failures`,
//! `rack_failures`): a machine goes down with every process on it, its
//! cluster manager notices after its own detection delay and each manager
//! reacts in its own way, and a repaired machine registers again as a new
//! one (docs/faults.md).
//!
//! - **The failure** (a host that stops: power, kernel, network): its
//!   executors' tasks stop making progress and end no more, its Mesos
//!   tasks never reach RUNNING, its NodeManager stops heartbeating. Nobody
//!   is told: the drivers still count the executors as theirs.
//! - **Detection**, per manager:
//!   - Mesos 1.11 `SlaveObserver` (reference mesos-master.md §3): the
//!     master pings every `agent_ping_timeout` (15 s, from the agent's
//!     registration) and marks the agent unreachable after
//!     `max_agent_ping_timeouts` (5) pings in a row without a pong: 75 s
//!     after the first ping the agent misses. Then `__removeSlave`: every
//!     task there TASK_LOST (Spark does not make its frameworks
//!     partition-aware), the allocator forgets the agent first, its offers
//!     are rescinded.
//!   - Spark 3.0 standalone `Master.CheckForWorkerTimeOut` (reference
//!     standalone-yarn-local.md §1.7): workers heartbeat every
//!     `spark.worker.timeout`/4 (15 s); every 60 s from the Master's start
//!     the Master removes workers whose last heartbeat is more than 60 s
//!     old: 60–120 s after the last heartbeat. `removeWorker`: executors
//!     LOST, no `schedule()` in 3.0.
//!   - YARN (§2.8, §2.9 point 6): the driver's `HeartbeatReceiver`
//!     (executors heartbeat every 10 s; checked every 60 s from the
//!     SparkContext's start; silent for more than `spark.network.timeout`,
//!     120 s) kills and replaces each executor; the ResourceManager
//!     declares the NodeManager LOST after 10 min and completes what is
//!     left there with −100.
//!   - local: no machine to lose (validation refuses the faults).
//! - **Return**: the machine registers as new (Mesos `addSlave` with a new
//!   agent id; a standalone worker's `RegisterWorker` and `schedule()`; a
//!   NodeManager's registration). A machine back before its manager
//!   noticed reports its processes gone at once.
//!
//! A driver or ApplicationMaster on the failed machine dies with it, as
//! `driver_failure` at that instant (docs/deviations.md).

use std::collections::BTreeMap;

use policies::model::AgentId;
use rand_chacha::ChaCha8Rng;

use policies::model::FrameworkId;

use super::apps::{Backend, Framework, apply_standalone, spark_app};
use super::kernel::{HostState, Kernel};
use super::mesos::master::MesosMaster;
use super::mesos::spark as mesos_spark;
use super::standalone::master::StandaloneMaster;
use super::standalone::spark as standalone_spark;
use super::yarn::application_master as yarn_spark;
use super::yarn::resource_manager::YarnRm;
use crate::metrics::FailureRow;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{FaultKind, MachineSet, Scenario};
use crate::time::{SimDuration, SimTime};
use crate::workload::Sampler;
use crate::world::events::Event;
use crate::world::mesos::master::TaskOwner;

/// Mesos 1.11 master flags `--agent_ping_timeout` and
/// `--max_agent_ping_timeouts` (reference mesos-master.md §3).
pub(crate) const AGENT_PING_TIMEOUT: SimDuration = SimDuration::from_secs(15);
pub(crate) const MAX_AGENT_PING_TIMEOUTS: u64 = 5;
/// Spark 3.0 `spark.worker.timeout` (60 s): workers heartbeat every quarter
/// of it, and the Master checks every whole one (reference
/// standalone-yarn-local.md §1.7).
pub(crate) const WORKER_TIMEOUT: SimDuration = SimDuration::from_secs(60);
/// Hadoop `yarn.nm.liveness-monitor.expiry-interval-ms` (600000, reference
/// standalone-yarn-local.md §2.9).
pub(crate) const NM_EXPIRY: SimDuration = SimDuration::from_secs(600);
/// Mesos 1.11 master flag `--agent_reregister_timeout` (10 min, also its
/// minimum; reference mesos-master.md §3): how long a disconnected agent
/// may take to re-register before it is removed.
pub(crate) const AGENT_REREGISTER_TIMEOUT: SimDuration = SimDuration::from_secs(600);
/// Spark 3.0 `spark.executor.heartbeatInterval` (10 s) and
/// `spark.network.timeout` (120 s) (§2.8).
pub(crate) const EXECUTOR_HEARTBEAT: SimDuration = SimDuration::from_secs(10);
pub(crate) const NETWORK_TIMEOUT: SimDuration = SimDuration::from_secs(120);

/// The draws of one machine-failure fault.
pub(crate) struct FaultDraws {
    between: Option<Sampler>,
    repair: Option<Sampler>,
    /// `agent_failures`: one stream per machine (keyed by its hostname);
    /// the others: one stream, at key `usize::MAX`.
    rngs: BTreeMap<usize, ChaCha8Rng>,
    /// `rack_failures`: the machines of each rack (racks in name order);
    /// `agent_failure`: one entry, its machines.
    groups: Vec<Vec<usize>>,
    /// `cause = "process"`: only the agent, worker or NodeManager process
    /// fails.
    process: bool,
}

/// The machines of the scenario whose rack is `rack`.
fn rack_machines(sc: &Scenario, rack: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    for g in &sc.agents {
        for j in 0..g.count {
            if g.rack_of(j, &sc.data.rack_attribute).as_deref() == Some(rack) {
                out.push(i);
            }
            i += 1;
        }
    }
    out
}

/// The parts of the world a machine failure touches.
pub(crate) struct Parts<'a> {
    pub k: &'a mut Kernel,
    pub m: &'a mut MesosMaster,
    pub sa: Option<&'a mut StandaloneMaster>,
    pub yr: Option<&'a mut YarnRm>,
    pub frameworks: &'a mut [Framework],
}

/// What the world does next: drivers that died with their machine (as
/// `driver_failure`). (The standalone Master's launches are applied at
/// once, in order with its other decisions.)
#[derive(Default)]
pub(crate) struct After {
    pub failed_drivers: Vec<FrameworkId>,
}

/// The machine faults of a run: their draws, and each fault's name.
#[derive(Default)]
pub(crate) struct Machines {
    draws: BTreeMap<usize, FaultDraws>,
    causes: Vec<String>,
}

impl Machines {
    /// Arms the machine failures of the scenario: each fault's streams,
    /// its first failures.
    pub(crate) fn arm(&mut self, k: &mut Kernel, sc: &Scenario, streams: &RngStreams) {
        if !sc.faults.iter().any(|f| f.kind.is_machine()) {
            return;
        }
        self.causes = sc
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| format!("faults.{i} {}", f.kind.name()))
            .collect();
        k.hosts = vec![HostState::default(); k.machines.len()];
        for (i, f) in sc.faults.iter().enumerate() {
            let at = SimTime::ZERO + f.at;
            let draws = match &f.kind {
                FaultKind::MachineFailure { machines, repair } => {
                    let (key, targets) = match machines {
                        MachineSet::Host(h) => (
                            h.as_str(),
                            k.machines
                                .iter()
                                .position(|m| m.hostname == *h)
                                .into_iter()
                                .collect(),
                        ),
                        MachineSet::Rack(r) => (r.as_str(), rack_machines(sc, r)),
                    };
                    let rng = streams.stream(&format!("fault-{i}-repair"), fnv1a64(key.as_bytes()));
                    k.push(at, Event::Fault(i));
                    FaultDraws {
                        between: None,
                        repair: repair.as_ref().map(Sampler::new),
                        rngs: BTreeMap::from([(usize::MAX, rng)]),
                        groups: vec![targets],
                        process: f.process,
                    }
                }
                FaultKind::MachineFailures {
                    group,
                    between,
                    repair,
                } => {
                    let gaps = Sampler::new(between);
                    let mut rngs = BTreeMap::new();
                    let mut first = 0;
                    for g in &sc.agents {
                        if g.name == *group {
                            for j in 0..g.count {
                                let m = first + j as usize;
                                // Each machine its own stream: adding
                                // machines or faults changes no other
                                // machine's failures.
                                let mut rng = streams.stream(
                                    &format!("fault-{i}-agent-failures"),
                                    fnv1a64(g.hostname(j).as_bytes()),
                                );
                                let gap = gaps.duration(&mut rng);
                                k.push(
                                    at + gap,
                                    Event::MachineDown {
                                        machine: m as u32,
                                        fault: i as u32,
                                    },
                                );
                                rngs.insert(m, rng);
                            }
                        }
                        first += g.count as usize;
                    }
                    FaultDraws {
                        between: Some(gaps),
                        repair: repair.as_ref().map(Sampler::new),
                        rngs,
                        groups: Vec::new(),
                        process: f.process,
                    }
                }
                FaultKind::RackFailures {
                    racks,
                    between,
                    repair,
                } => {
                    let gaps = Sampler::new(between);
                    let mut rng = streams.stream(&format!("fault-{i}-rack-failures"), 0);
                    let gap = gaps.duration(&mut rng);
                    k.push(at + gap, Event::Fault(i));
                    FaultDraws {
                        between: Some(gaps),
                        repair: repair.as_ref().map(Sampler::new),
                        rngs: BTreeMap::from([(usize::MAX, rng)]),
                        groups: racks.iter().map(|r| rack_machines(sc, r)).collect(),
                        process: f.process,
                    }
                }
                _ => continue,
            };
            self.draws.insert(i, draws);
        }
    }

    /// `Fault(i)` of a machine fault: `agent_failure` takes its machines
    /// down; `rack_failures` a rack drawn at random, then the next gap.
    pub(crate) fn machine_fault(&mut self, p: &mut Parts<'_>, after: &mut After, i: usize) {
        let now = p.k.now;
        let Some(d) = self.draws.get_mut(&i) else {
            return;
        };
        let Some(rng) = d.rngs.get_mut(&usize::MAX) else {
            return;
        };
        let (machines, next) = match &d.between {
            // rack_failures: which rack, when the next one.
            Some(gaps) => {
                let u = crate::workload::open_unit(rng);
                let pick = ((u * d.groups.len() as f64) as usize).min(d.groups.len() - 1);
                let next = now + gaps.duration(rng);
                (d.groups[pick].clone(), Some(next))
            }
            None => (d.groups[0].clone(), None),
        };
        // One repair for the whole set (the rack comes back together).
        let repair = d.repair.as_ref().map(|r| r.duration(rng));
        for &m in &machines {
            self.machine_down(p, after, m, i);
            if let Some(r) = repair {
                p.k.push(
                    now + r,
                    Event::MachineUp {
                        machine: m as u32,
                        fault: i as u32,
                    },
                );
            }
        }
        if let Some(t) = next {
            p.k.push(t, Event::Fault(i));
        }
    }

    /// `MachineDown` of an `agent_failures` fault: the machine fails, and
    /// its repair is drawn.
    pub(crate) fn machine_down_event(
        &mut self,
        p: &mut Parts<'_>,
        after: &mut After,
        m: usize,
        i: usize,
    ) {
        let now = p.k.now;
        let repair = self.draws.get_mut(&i).and_then(|d| {
            let rng = d.rngs.get_mut(&m)?;
            d.repair.as_ref().map(|r| r.duration(rng))
        });
        self.machine_down(p, after, m, i);
        if let Some(r) = repair {
            p.k.push(
                now + r,
                Event::MachineUp {
                    machine: m as u32,
                    fault: i as u32,
                },
            );
        }
    }

    /// `MachineUp`: the machine is repaired; an `agent_failures` machine
    /// draws its next time to failure from now.
    pub(crate) fn machine_up_event(
        &mut self,
        p: &mut Parts<'_>,
        after: &mut After,
        m: usize,
        i: usize,
    ) {
        let now = p.k.now;
        self.machine_up(p, after, m, i);
        let next = self.draws.get_mut(&i).and_then(|d| {
            let gaps = d.between.as_ref()?;
            let rng = d.rngs.get_mut(&m)?;
            Some(now + gaps.duration(rng))
        });
        if let Some(t) = next {
            p.k.push(
                t,
                Event::MachineDown {
                    machine: m as u32,
                    fault: i as u32,
                },
            );
        }
    }

    fn cause(&self, i: usize) -> String {
        self.causes[i].clone()
    }
}

/// A row of `failures.csv` about machine `m`; its index.
fn failure_row(k: &mut Kernel, event: &'static str, m: usize, app: String, cause: String) -> usize {
    k.metrics.failures.push(FailureRow {
        time: k.now,
        event,
        host: k.machines[m].hostname.clone(),
        app,
        cause,
        executors: 0,
        tasks: 0,
        lost_work: 0.0,
        map_outputs: 0,
    });
    k.metrics.failures.len() - 1
}

impl Machines {
    /// Machine `m` fails (fault `i`): everything on it stops; its manager
    /// will notice after its detection delay.
    pub(crate) fn machine_down(
        &mut self,
        p: &mut Parts<'_>,
        after: &mut After,
        m: usize,
        i: usize,
    ) {
        let now = p.k.now;
        let h = &mut p.k.hosts[m];
        h.down += 1;
        if h.down > 1 {
            return; // already down (another fault)
        }
        h.generation += 1;
        h.undetected = true;
        h.since = now;
        let process = self.draws.get(&i).is_some_and(|d| d.process);
        h.process = process;
        let (generation, registered) = (h.generation, h.registered);
        let cause = self.cause(i);
        failure_row(
            p.k,
            if process {
                "process_down"
            } else {
                "machine_down"
            },
            m,
            String::new(),
            cause,
        );
        let agent = AgentId(m as u32);
        if process && p.yr.is_some() {
            // A NodeManager process crash: its containers, executors and
            // AMs run on (they are not its children once started); it
            // heartbeats no more, so nothing new starts there, and the
            // ResourceManager declares it LOST after the expiry.
            p.k.push(
                now + NM_EXPIRY,
                Event::MachineLost {
                    machine: m as u32,
                    generation,
                },
            );
            return;
        }
        // Drivers and AMs on the machine die with it.
        let mut drivers = Vec::new();
        for (fi, f) in p.frameworks.iter().enumerate() {
            let Framework::Spark(a) = f else { continue };
            let on_it = match &a.backend {
                Backend::Mesos(s) => s
                    .driver_uid
                    .and_then(|u| p.m.tasks.get(&u))
                    .is_some_and(|t| t.agent == agent),
                Backend::Standalone(s) => s.driver.is_some_and(|d| d.worker == m),
                Backend::Yarn(s) => s.am.is_some_and(|am| am.node == m),
                Backend::Local(_) => false,
            };
            // A client-mode AM stops allocating; its attempt fails when the
            // ResourceManager notices (below, `notice_loss`).
            let client_am = matches!(&a.backend, Backend::Yarn(s) if !s.cluster);
            // A cluster-mode AM counts before its driver has started too.
            let yarn = matches!(&a.backend, Backend::Yarn(_));
            if on_it && (!a.driver.stopped || yarn) && !client_am {
                drivers.push(fi);
            }
        }
        // Executors freeze where they are.
        let mut expiries = Vec::new();
        for f in p.frameworks.iter_mut() {
            match f {
                Framework::Spark(a) => {
                    a.driver.host_down(&mut *p.k, agent);
                    if let Backend::Yarn(s) = &a.backend {
                        for (id, e) in a.driver.executors.iter() {
                            if e.agent != agent {
                                continue;
                            }
                            let Some(ready) = e.ready else { continue };
                            // Its last heartbeat, then the first check that
                            // finds it older than the timeout.
                            let beats =
                                now.since(ready).as_micros() / EXECUTOR_HEARTBEAT.as_micros();
                            let last = ready + SimDuration(beats * EXECUTOR_HEARTBEAT.as_micros());
                            let at = yarn_spark::heartbeat_check_after(s, last + NETWORK_TIMEOUT);
                            expiries.push((at, a.driver.id, *id, e.uid));
                        }
                    }
                }
                Framework::Other(o) => {
                    for uid in p.m.agents[m].task_ids.iter() {
                        o.host_down(&mut *p.k, *uid);
                    }
                }
                Framework::Dispatcher(_) => {}
            }
        }
        for (at, app, executor, uid) in expiries {
            p.k.push(at, Event::ExecutorExpired { app, executor, uid });
        }
        for fi in drivers {
            let fw = policies::model::FrameworkId(fi as u32);
            let name = spark_app(&mut *p.frameworks, fw).driver.name.clone();
            failure_row(p.k, "driver_lost", m, name, "its machine failed".into());
            let a = spark_app(&mut *p.frameworks, fw);
            if let (Backend::Standalone(s), Some(c)) = (&mut a.backend, p.sa.as_deref_mut()) {
                let launches = standalone_spark::driver_host_down(&mut *p.k, c, &mut a.driver, s);
                apply_standalone(&mut *p.k, c, &mut *p.frameworks, launches);
            } else {
                after.failed_drivers.push(fw);
            }
        }
        if process {
            // The connection breaks at once: a Mesos agent is disconnected
            // (its non-checkpointing frameworks' tasks TASK_LOST at once:
            // Spark does not checkpoint unless told, and neither do the
            // other frameworks here), a standalone worker is removed
            // (`onDisconnected` → `removeWorker`).
            self.notice_loss(p, after, m, generation, false);
            return;
        }
        // When its manager will notice.
        let detect = if p.yr.is_some() {
            now + NM_EXPIRY
        } else if p.sa.is_some() {
            let beat = WORKER_TIMEOUT.as_micros() / 4;
            let last = registered.0 + (now.since(registered).as_micros() / beat) * beat;
            // The first check (every timeout from 0) later than a timeout
            // after the last heartbeat.
            let period = WORKER_TIMEOUT.as_micros();
            SimTime(((last + period) / period + 1) * period)
        } else {
            let ping = AGENT_PING_TIMEOUT.as_micros();
            let since = now.since(registered).as_micros();
            let first_missed = registered.0 + since.div_ceil(ping) * ping;
            SimTime(first_missed + MAX_AGENT_PING_TIMEOUTS * ping)
        };
        p.k.push(
            detect,
            Event::MachineLost {
                machine: m as u32,
                generation,
            },
        );
    }

    /// The manager notices machine `m`'s failure (if it is still the same
    /// failure and not noticed yet).
    pub(crate) fn machine_lost(
        &mut self,
        p: &mut Parts<'_>,
        after: &mut After,
        m: usize,
        generation: u32,
    ) {
        self.notice_loss(p, after, m, generation, false);
    }

    /// The manager learns that machine `m`'s processes are gone: by its
    /// detection rule, or because the machine came back (`returned`) and
    /// reports them gone.
    fn notice_loss(
        &mut self,
        p: &mut Parts<'_>,
        _after: &mut After,
        m: usize,
        generation: u32,
        returned: bool,
    ) {
        let h = &mut p.k.hosts[m];
        if h.generation != generation {
            return;
        }
        let agent = AgentId(m as u32);
        if h.disconnected {
            // The disconnected agent did not re-register in time: removed
            // (or it comes back now and re-registers as itself).
            h.disconnected = false;
            if returned {
                return;
            }
            failure_row(
                p.k,
                "machine_lost",
                m,
                String::new(),
                "agent not re-registered within agent_reregister_timeout (600 s)".into(),
            );
            p.m.remove_agent(&mut *p.k, agent);
            return;
        }
        if !h.undetected {
            return;
        }
        h.undetected = false;
        let process = h.process;
        let cause = if returned {
            "it came back without its processes"
        } else if process && p.sa.is_some() {
            "worker disconnected (its process died)"
        } else if process && p.yr.is_none() {
            "agent disconnected (its process died): tasks of non-checkpointing frameworks lost"
        } else if p.yr.is_some() {
            "NodeManager LOST (no heartbeat for 600 s)"
        } else if p.sa.is_some() {
            "worker DEAD (no heartbeat for 60 s)"
        } else {
            "agent unreachable (5 pings of 15 s missed)"
        };
        let row = failure_row(p.k, "machine_lost", m, String::new(), cause.into());
        let outputs_before = p.k.metrics.map_outputs_lost;
        let mut lost = Vec::new();
        if let Some(c) = p.sa.as_deref_mut() {
            let (executors, _) = c.master.remove_worker(m);
            let mut by_app: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            for (app, e) in executors {
                by_app.entry(app).or_default().push(e.id);
            }
            for (app, ids) in by_app {
                let a = spark_app(&mut *p.frameworks, policies::model::FrameworkId(app));
                let (tasks, work) =
                    standalone_spark::worker_lost(&mut *p.k, &mut a.driver, m, &ids);
                lost.push((a.driver.name.clone(), ids.len() as u32, tasks, work));
            }
            // Drivers whose process ran there (the Master forgot them with
            // the worker): supervised ones are relaunched elsewhere.
            for i in 0..p.frameworks.len() {
                if let Framework::Spark(a) = &mut p.frameworks[i]
                    && let Backend::Standalone(s) = &mut a.backend
                    && s.driver.is_some_and(|p| p.worker == m)
                {
                    let launches =
                        standalone_spark::driver_worker_removed(&mut *p.k, c, &a.driver, s);
                    apply_standalone(&mut *p.k, c, &mut *p.frameworks, launches);
                }
            }
        } else if let Some(y) = p.yr.as_deref_mut() {
            // Cluster-mode AMs still there (a NodeManager process crash
            // left them running until now): their attempts fail with their
            // drivers, and YARN starts new ones while attempts remain.
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Yarn(s) = &mut a.backend
                    && s.cluster
                    && s.am.is_some_and(|am| am.node == m)
                {
                    failure_row(
                        p.k,
                        "driver_lost",
                        m,
                        a.driver.name.clone(),
                        "its ApplicationMaster's node was lost".into(),
                    );
                    if !yarn_spark::driver_failed(&mut *p.k, y, &mut a.driver, s) {
                        a.driver.give_up();
                    }
                }
            }
            // Client-mode AMs that ran there: their attempts fail.
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Yarn(s) = &mut a.backend
                    && !s.cluster
                    && s.am.is_some_and(|am| am.node == m)
                {
                    let (e, t, w, again) = yarn_spark::am_lost(&mut *p.k, y, &mut a.driver, s);
                    let cause = if again {
                        "its ApplicationMaster's machine failed: a new attempt"
                    } else {
                        "its ApplicationMaster's machine failed: no attempt left"
                    };
                    let r = failure_row(p.k, "am_lost", m, a.driver.name.clone(), cause.into());
                    let row = &mut p.k.metrics.failures[r];
                    row.executors = e;
                    row.tasks = t;
                    row.lost_work = w;
                }
            }
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Yarn(s) = &mut a.backend
                {
                    let (e, t, w) = yarn_spark::node_lost(&mut *p.k, y, &mut a.driver, s, m);
                    if e + t > 0 {
                        lost.push((a.driver.name.clone(), e, t, w));
                    }
                }
            }
            y.rm.node_lost(m);
        } else {
            let uids: Vec<u64> = p.m.agents[m].task_ids.iter().copied().collect();
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Mesos(s) = &mut a.backend
                {
                    let (e, t, w) = mesos_spark::agent_lost(
                        &mut *p.k,
                        &mut *p.m,
                        &mut a.driver,
                        s,
                        agent,
                        !process,
                    );
                    if e + t > 0 {
                        lost.push((a.driver.name.clone(), e, t, w));
                    }
                }
            }
            for uid in uids {
                if let Some(TaskOwner::Other(fw, _)) = p.m.tasks.get(&uid).map(|t| t.owner) {
                    p.m.end_task(&mut *p.k, uid);
                    if let Framework::Other(o) = &mut p.frameworks[fw.index()]
                        && o.task_lost(&mut *p.k, uid)
                    {
                        let name = p.k.metrics.frameworks[fw.index()].0.clone();
                        lost.push((name, 0, 1, 0.0));
                    }
                }
            }
            if process && !returned {
                // `deactivate(slave)`: no new offers, outstanding ones
                // rescinded, its resources still in the DRF totals until
                // it re-registers or the timeout removes it.
                p.m.deactivate_agent(&mut *p.k, agent);
                p.k.hosts[m].disconnected = true;
                let at = p.k.now + AGENT_REREGISTER_TIMEOUT;
                p.k.push(
                    at,
                    Event::MachineLost {
                        machine: m as u32,
                        generation,
                    },
                );
            } else {
                p.m.remove_agent(&mut *p.k, agent);
            }
        }
        // The machine's shuffle outputs are gone with it (the managers'
        // paths dropped those of the apps that had executors there) —
        // unless only a Mesos agent's process died: the host and its
        // external shuffle service are up.
        let mesos_process = process && p.sa.is_none() && p.yr.is_none();
        if !mesos_process {
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f {
                    a.driver.host_outputs_lost(&mut *p.k, agent);
                }
            }
        }
        p.k.metrics.failures[row].map_outputs =
            (p.k.metrics.map_outputs_lost - outputs_before) as u32;
        let (mut e, mut t, mut w) = (0, 0, 0.0);
        for (_, ex, ts, wk) in &lost {
            e += ex;
            t += ts;
            w += wk;
        }
        let r = &mut p.k.metrics.failures[row];
        r.executors = e;
        r.tasks = t;
        r.lost_work = w;
    }

    /// Machine `m` is repaired (fault `i`): once no failure holds it, it
    /// registers again as a new machine.
    pub(crate) fn machine_up(&mut self, p: &mut Parts<'_>, after: &mut After, m: usize, i: usize) {
        let h = &mut p.k.hosts[m];
        if h.down == 0 {
            return;
        }
        h.down -= 1;
        if h.down > 0 {
            return;
        }
        let generation = h.generation;
        let agent = AgentId(m as u32);
        if std::mem::replace(&mut h.disconnected, false) {
            // A disconnected agent back within `agent_reregister_timeout`
            // re-registers as itself: same agent id (Spark's failure counts
            // for it stand), offered again.
            h.registered = p.k.now;
            let cause = self.cause(i);
            failure_row(p.k, "machine_up", m, String::new(), cause);
            p.m.reactivate_agent(&mut *p.k, agent);
            return;
        }
        // Back before anyone noticed: it reports its processes gone.
        self.notice_loss(p, after, m, generation, true);
        p.k.hosts[m].registered = p.k.now;
        let cause = self.cause(i);
        failure_row(p.k, "machine_up", m, String::new(), cause);
        if let Some(c) = p.sa.as_deref_mut() {
            let launches = c.master.register_worker(m, &mut c.rng);
            apply_standalone(&mut *p.k, c, &mut *p.frameworks, launches);
        } else if let Some(y) = p.yr.as_deref_mut() {
            y.rm.node_registered(m);
            y.wake(&mut *p.k);
        } else {
            for f in p.frameworks.iter_mut() {
                if let Framework::Spark(a) = f
                    && let Backend::Mesos(s) = &mut a.backend
                {
                    mesos_spark::agent_reregistered(s, agent);
                }
            }
            p.m.add_agent(&mut *p.k, agent);
        }
    }

    /// The driver's heartbeat receiver expires a silent executor (YARN).
    pub(crate) fn executor_expired(&self, p: &mut Parts<'_>, app: FrameworkId, id: u64, uid: u64) {
        let a = spark_app(p.frameworks, app);
        if a.driver.executors.get(&id).is_none_or(|e| e.uid != uid) {
            return;
        }
        let agent = a.driver.executors[&id].agent;
        let (Backend::Yarn(s), Some(y)) = (&mut a.backend, p.yr.as_deref_mut()) else {
            return;
        };
        let k = &mut *p.k;
        let before = k.metrics.map_outputs_lost;
        if let Some((tasks, work)) = yarn_spark::executor_expired(k, y, &mut a.driver, s, id) {
            let map_outputs = (k.metrics.map_outputs_lost - before) as u32;
            k.metrics.failures.push(FailureRow {
                time: k.now,
                event: "executor_lost",
                host: k.machines[agent.index()].hostname.clone(),
                app: a.driver.name.clone(),
                cause: "no heartbeat for spark.network.timeout (120 s)".into(),
                executors: 1,
                tasks,
                lost_work: work,
                map_outputs,
            });
        }
    }
}

/// Nothing is held on a machine whose failure its manager noticed: no
/// driver keeps an executor there, and the manager's books have no room
/// there (the Mesos agent is removed, the standalone worker DEAD, the
/// NodeManager LOST).
pub(crate) fn check(
    k: &Kernel,
    m: &MesosMaster,
    sa: Option<&StandaloneMaster>,
    yr: Option<&YarnRm>,
    frameworks: &[Framework],
) -> Result<(), String> {
    {
        for (i, h) in k.hosts.iter().enumerate() {
            if h.down == 0 || h.undetected {
                continue;
            }
            let host = &k.machines[i].hostname;
            for f in frameworks {
                if let Framework::Spark(a) = f
                    && let Some((id, _)) = a
                        .driver
                        .executors
                        .iter()
                        .find(|(_, e)| e.agent.index() == i)
                {
                    return Err(format!(
                        "app {} still has executor {id} on failed machine {host}",
                        a.driver.name
                    ));
                }
            }
            if let Some(c) = sa {
                let w = &c.master.workers()[i];
                if w.alive || w.cores_used > 0 || w.memory_used_mb > 0 {
                    return Err(format!(
                        "worker {host} failed but is alive or holds resources"
                    ));
                }
            } else if let Some(y) = yr {
                let n = &y.rm.nodes[i];
                if n.running || n.used_mem_mb > 0 {
                    return Err(format!(
                        "NodeManager {host} failed but is running or holds containers"
                    ));
                }
            } else if h.disconnected {
                if m.agent_views[i].active || !m.agents[i].task_ids.is_empty() {
                    return Err(format!(
                        "agent {host} is disconnected but active or holds tasks"
                    ));
                }
            } else if k.metrics.on_mesos && !m.removed[i] {
                return Err(format!("agent {host} failed but is still registered"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use policies::model::AgentId;

    use crate::scenario::load_str;
    use crate::time::SimTime;
    use crate::world::{Backend, Framework, RunOptions, World};

    fn check_machines(w: &World) -> Result<(), String> {
        super::check(&w.k, &w.m, w.sa.as_ref(), w.yr.as_ref(), &w.frameworks)
    }

    const SCENARIO: &str = r#"
[run]
horizon = "10m"
drain = "10m"
[[agents]]
count = 2
resources = "cpus:4;mem:16384"
[[apps]]
name = "app"
master = "mesos://m:5050"
executor_startup = { kind = "constant", value = "1s" }
[apps.conf]
"spark.cores.max" = "8"
"spark.executor.cores" = "4"
[apps.jobs]
arrival = { kind = "at", times = ["10s"] }
tasks = { kind = "constant", value = 8 }
task_duration = { kind = "constant", value = "300s" }
[[faults]]
kind = "executor_failure"
app = "app"
agent = "agent-0"
at = "15s"
[[faults]]
kind = "agent_failure"
agent = "agent-0"
at = "30s"
repair = { kind = "constant", value = "200s" }
"#;

    fn world() -> World {
        let sc = load_str(SCENARIO, &[]).unwrap().base;
        let opts = RunOptions {
            record_offers: false,
            check_invariants: true,
        };
        World::new(&sc, 1, opts)
    }

    fn step_to(w: &mut World, t: u64) {
        while w.now() < SimTime(t) {
            w.step().unwrap().unwrap();
        }
    }

    fn failures(w: &World) -> u32 {
        match &w.frameworks[0] {
            Framework::Spark(a) => match &a.backend {
                Backend::Mesos(s) => s.coarse.as_ref().unwrap().agent_failures(AgentId(0)),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_lost_executor_counts_toward_the_agents_exclusion_until_it_registers_as_new() {
        let mut w = world();
        // The failed executor at 15 s counts one failure on agent-0, and
        // its replacement runs there.
        step_to(&mut w, 20_000_000);
        assert_eq!(failures(&w), 1);
        // The replacement is TASK_LOST at 105 s: the second failure, the
        // agent excluded for the app (spark-on-mesos.md §1.3).
        step_to(&mut w, 106_000_000);
        assert_eq!(failures(&w), 2);
        // Back at 230 s under a new agent id: no record, no exclusion.
        step_to(&mut w, 231_000_000);
        assert_eq!(failures(&w), 0);
    }

    #[test]
    fn task_attempts_must_balance() {
        let mut w = world();
        step_to(&mut w, 106_000_000);
        let Framework::Spark(a) = &mut w.frameworks[0] else {
            unreachable!()
        };
        // 8 launched at 10 s; 4 lost with the failed executor at 15 s and
        // relaunched on its replacement; those 4 lost with the machine at
        // 105 s wait for the other executor (busy until 310 s).
        assert_eq!(a.driver.books.launched, 12);
        assert_eq!(a.driver.books.lost, 8);
        a.driver.check_attempts().unwrap();
        a.driver.books.succeeded += 1;
        let e = a.driver.check_attempts().unwrap_err();
        assert!(e.contains("task attempts launched, but"), "{e}");
    }

    #[test]
    fn a_noticed_failure_must_leave_nothing_held_on_the_machine() {
        let mut w = world();
        step_to(&mut w, 106_000_000);
        check_machines(&w).unwrap();
        // The master forgetting to remove the agent is caught.
        w.m.removed[0] = false;
        let e = check_machines(&w).unwrap_err();
        assert!(
            e.contains("agent agent-0 failed but is still registered"),
            "{e}"
        );
        w.m.removed[0] = true;
        // So is a driver keeping an executor there.
        let Framework::Spark(a) = &mut w.frameworks[0] else {
            unreachable!()
        };
        let id = *a.driver.executors.keys().next().unwrap();
        a.driver.executors.get_mut(&id).unwrap().agent = AgentId(0);
        let e = check_machines(&w).unwrap_err();
        assert!(e.contains("still has executor"), "{e}");
    }
}
