//! The Mesos master: agents' books, the allocator and its runs, offers,
//! decline filters, Mesos tasks and framework registration. What to grant
//! is decided by the allocator policy (`policies::mesos`); this file keeps
//! the books and moves offers in time. It knows no framework: callbacks go
//! back to the world, which routes them.
//!
//! Mesos rules applied here (Mesos 1.11, restated in reference
//! mesos-master.md):
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference
//!   mesos-master.md §1.1: a periodic run every `allocation_interval` over
//!   all agents; a framework subscribing or reviving triggers a run;
//!   triggered and periodic requests coalesce into one pending run;
//!   resources freed by task ends, declines and rescinds wait for the next
//!   run.
//! - Mesos 1.11 `src/master/master.cpp`, reference mesos-master.md §1.9: an
//!   offer locks its resources for its holder until accepted, declined,
//!   rescinded or timed out (`offer_timeout`, rescind without a filter);
//!   accepting moves offered → allocated and declines the leftovers with the
//!   call's filter (the Mesos default when none is given, Mesos 1.11
//!   `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7).
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference
//!   mesos-master.md §1.8: REVIVE clears the framework's filters and
//!   triggers a run over all agents.
//! - Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference
//!   mesos-master.md §1.3: the DRF order of roles and frameworks.
//! - Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference
//!   mesos-master.md §1.10: terminal tasks give their resources back
//!   without a run.

use std::collections::{BTreeMap, BTreeSet};

use policies::mesos::{
    AgentView, Allocator, ClusterView, FrameworkView, Grant, MinAllocatable, OfferFilters, Refuse,
    RoleView, ScalarIndex, Scalars, allocation_run_time, allocator_named, check_grants,
    filter_lifetime, is_registered,
};
use policies::model::{AgentId, FrameworkId, Resources, UNRESERVED};
use rand_chacha::ChaCha8Rng;

use crate::metrics::{OfferRow, ShareRow, UtilizationRow};
use crate::rng::RngStreams;
use crate::scenario::{RunTime, Scenario};
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::{Kernel, Machine};

/// One agent's books (its machine is `Kernel::machines[i]`).
#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub allocated: Resources,
    /// Outstanding offers and live Mesos tasks on this agent.
    /// Increasing, as offer ids are made.
    pub offer_ids: Vec<u64>,
    pub task_ids: BTreeSet<u64>,
    /// A high-water mark of the available pool: `available ⊆ pool_mark`
    /// always, and `pool_mark ⊆ refused` for every whole-pool filter still
    /// valid (sequence ≥ `grown`). The pool has only *grown* when it
    /// exceeds the mark.
    pub pool_mark: Resources,
}

/// An outstanding offer.
#[derive(Clone, Debug)]
pub(crate) struct Outstanding {
    pub framework: FrameworkId,
    pub agent: AgentId,
    pub resources: Resources,
    pub made: SimTime,
    /// Its CPUs and memory, for the run's counters (set when it is
    /// booked).
    cpus: i64,
    mem: i64,
}

/// What one framework gets from an allocation run.
pub(crate) enum Batch {
    /// Offers to hand to its scheduler, by id in grant order.
    Offers(Vec<u64>),
    /// Offers its scheduler is known to decline all at once with this
    /// filter without looking at them (an app at `spark.cores.max` or at
    /// its executor limit, Spark 3.0
    /// `MesosCoarseGrainedSchedulerBackend.resourceOffers`, reference
    /// spark-on-mesos.md §1.3): the master declines them itself, with the
    /// same effects, and they never enter the offer table.
    Blind(Vec<Outstanding>, Refuse),
}

/// What a Mesos task is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskOwner {
    /// A Spark coarse executor: (framework, backend task id).
    SparkExecutor(FrameworkId, u64),
    /// A fine-grained Spark executor on an agent (lives as long as the app).
    SparkFineExecutor(FrameworkId, AgentId),
    /// A fine-grained Spark task of the given stage (its key).
    SparkFineTask(FrameworkId, usize),
    /// A cluster-mode driver: (dispatcher, app).
    Driver(FrameworkId, FrameworkId),
    /// A task of another framework: (framework, its stage's key).
    Other(FrameworkId, usize),
}

impl TaskOwner {
    /// The framework whose Mesos task this is.
    pub(crate) fn framework(&self) -> FrameworkId {
        match *self {
            TaskOwner::SparkExecutor(fw, _)
            | TaskOwner::SparkFineExecutor(fw, _)
            | TaskOwner::SparkFineTask(fw, _)
            | TaskOwner::Driver(fw, _)
            | TaskOwner::Other(fw, _) => fw,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MesosTask {
    pub agent: AgentId,
    pub resources: Resources,
    pub owner: TaskOwner,
    pub running: bool,
}

pub(crate) struct MesosMaster {
    pub(crate) allocation_interval: SimDuration,
    offer_timeout: Option<SimDuration>,
    default_refuse: SimDuration,
    pub(crate) task_launch_latency: SimDuration,
    pub(crate) task_kill_latency: SimDuration,
    pub(crate) agents: Vec<Agent>,
    pub(crate) scalars: ScalarIndex,
    pub(crate) totals: Scalars,
    pub(crate) agent_views: Vec<AgentView>,
    pub(crate) roles: Vec<RoleView>,
    pub(crate) fw_views: Vec<FrameworkView>,
    pub(crate) filters: OfferFilters,
    pub(crate) offers: BTreeMap<u64, Outstanding>,
    next_offer_id: u64,
    allocator: Box<dyn Allocator>,
    alloc_rng: ChaCha8Rng,
    /// A run is pending (requests coalesce into it, Mesos 1.11
    /// `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.1).
    /// Every trigger here considers all agents: agents are all added at
    /// time 0.
    pending: bool,
    pub(crate) tasks: BTreeMap<u64, MesosTask>,
    next_task_uid: u64,
    pub(crate) ended_tasks: BTreeSet<u64>,
    /// Agents whose books changed since the last invariant check.
    pub(crate) touched: Vec<AgentId>,
    /// Raised whenever some agent's available pool grows.
    grow_seq: u64,
    /// Raised whenever a framework's eligibility or filters change as a
    /// whole (the allocator's [`ClusterView::epoch`]; agents' own changes
    /// raise their `version`).
    epoch: u64,
    /// `--authenticate_frameworks` and `--credentials`.
    authenticate_frameworks: bool,
    credentials: Vec<(String, String)>,
    /// Docker images on agents: when each pull is (or was) done.
    pub(crate) docker_pulled: BTreeMap<(AgentId, String), SimTime>,
    /// Agents removed (unreachable) and not registered again.
    pub(crate) removed: Vec<bool>,
    /// No master leads (a failover's election): no allocation runs.
    pub(crate) down: bool,
    /// How long a run takes (`mesos.run_time`).
    run_time: RunTime,
    /// The allocator was registered at run time: its grants are checked.
    untrusted: bool,
    /// Offers rescinded so far: a batch held while none was rescinded is
    /// still whole.
    pub(crate) rescinds: u64,
    /// The allocator is busy with a run until then; a run asked for
    /// meanwhile starts then.
    busy_until: SimTime,
    /// The periodic loop waits for the pending run to end before it waits
    /// the next interval.
    tick_waiting: bool,
}

impl MesosMaster {
    /// The master of `sc`'s agents (`machines`), with one framework per
    /// entry of `framework_roles` (ids in that order). Roles: the declared
    /// ones, then those the frameworks name.
    pub(crate) fn new(
        sc: &Scenario,
        machines: &[Machine],
        framework_roles: &[&str],
        streams: &RngStreams,
    ) -> MesosMaster {
        let agents: Vec<Agent> = machines
            .iter()
            .map(|m| Agent {
                allocated: Resources::new(),
                offer_ids: Vec::new(),
                task_ids: BTreeSet::new(),
                pool_mark: m.total.clone(),
            })
            .collect();
        let scalars = ScalarIndex::of(machines.iter().map(|m| &m.total));
        let mut totals = scalars.zero();
        for m in machines {
            totals.add(&scalars.vector(&m.total));
        }
        let agent_views = machines
            .iter()
            .map(|m| AgentView {
                available: m.total.clone(),
                grown: 0,
                active: true,
                version: 0,
            })
            .collect();
        let mut role_names: Vec<String> = sc.mesos.roles.iter().map(|r| r.name.clone()).collect();
        for name in framework_roles {
            if !role_names.iter().any(|r| r == name) {
                role_names.push(name.to_string());
            }
        }
        let roles: Vec<RoleView> = role_names
            .iter()
            .map(|name| {
                let declared = sc.mesos.roles.iter().find(|r| r.name == *name);
                let quota_limit = declared.and_then(|r| r.quota.as_ref()).map(|q| {
                    let mut limit = Scalars(vec![i64::MAX; scalars.len()]);
                    for e in q.iter() {
                        if let Some(i) = scalars.index(&e.name) {
                            limit.0[i] = q.scalar(&e.name).0;
                        }
                    }
                    limit
                });
                // Reservations count toward quota consumption, used or not.
                let mut quota_consumed = scalars.zero();
                for m in machines {
                    quota_consumed.add(
                        &scalars.vector(
                            &m.total
                                .filtered(|e| e.role == *name && e.role != UNRESERVED),
                        ),
                    );
                }
                RoleView {
                    name: name.clone(),
                    weight: declared.map_or(1.0, |r| r.weight),
                    quota_limit,
                    allocated: scalars.zero(),
                    count: 0,
                    quota_consumed,
                }
            })
            .collect();
        let fw_views = framework_roles
            .iter()
            .map(|name| FrameworkView {
                role: role_names.iter().position(|r| r == name).unwrap_or(0),
                active: false,
                suppressed: false,
                allocated: scalars.zero(),
                count: 0,
            })
            .collect();
        let allocator =
            allocator_named(sc.mesos.allocator.name()).expect("validated allocator name");
        MesosMaster {
            allocation_interval: sc.mesos.allocation_interval,
            offer_timeout: sc.mesos.offer_timeout,
            default_refuse: sc.mesos.default_refuse,
            task_launch_latency: sc.mesos.task_launch_latency,
            task_kill_latency: sc.mesos.task_kill_latency,
            agents,
            scalars,
            totals,
            agent_views,
            roles,
            fw_views,
            filters: OfferFilters::new(),
            offers: BTreeMap::new(),
            next_offer_id: 0,
            allocator,
            alloc_rng: streams.stream("allocator", 0),
            pending: false,
            tasks: BTreeMap::new(),
            next_task_uid: 0,
            ended_tasks: BTreeSet::new(),
            touched: Vec::new(),
            grow_seq: 0,
            epoch: 1,
            authenticate_frameworks: sc.mesos.authenticate_frameworks,
            credentials: sc.mesos.credentials.clone(),
            docker_pulled: BTreeMap::new(),
            removed: vec![false; machines.len()],
            down: false,
            run_time: sc.mesos.run_time,
            untrusted: is_registered(sc.mesos.allocator.name()),
            rescinds: 0,
            busy_until: SimTime::ZERO,
            tick_waiting: false,
        }
    }

    /// The leading master fails (reference mesos-master.md §3, "Master
    /// failover"): its offers and filters, kept only in its memory, are
    /// gone; no allocation runs until the next master leads. Agents keep
    /// their tasks running.
    pub(crate) fn fail_over(&mut self, k: &mut Kernel) {
        self.down = true;
        self.pending = false;
        if std::mem::take(&mut self.tick_waiting) {
            k.push(k.now + self.allocation_interval, Event::AllocationTick);
        }
        let ids: Vec<u64> = self.offers.keys().copied().collect();
        for id in ids {
            self.rescind(k, id);
        }
        for fw in 0..self.fw_views.len() {
            self.filters.clear_framework(FrameworkId(fw as u32));
        }
        self.epoch += 1;
    }

    /// The next master leads and every framework has re-subscribed with
    /// failover (`activateFramework` triggers a run over all agents).
    pub(crate) fn elected(&mut self, k: &mut Kernel) {
        self.down = false;
        self.epoch += 1;
        self.request_run(k);
    }

    /// Rescinds the agent's outstanding offers and ends any task left there
    /// (its owners were told before): what both a removal and a
    /// disconnection do first (reference mesos-master.md §3).
    fn clear_agent(&mut self, k: &mut Kernel, agent: AgentId) {
        let i = agent.index();
        let offers: Vec<u64> = self.agents[i].offer_ids.to_vec();
        for id in offers {
            self.rescind(k, id);
        }
        let tasks: Vec<u64> = self.agents[i].task_ids.iter().copied().collect();
        for uid in tasks {
            self.end_task(k, uid);
        }
    }

    /// The agent is unreachable (`markUnreachable` → `__removeSlave`, Mesos
    /// 1.11 `master.cpp`, reference mesos-master.md §3): the allocator
    /// forgets it first (`removeSlave`: its total leaves the DRF totals, so
    /// nothing it held is offered again), its outstanding offers are
    /// rescinded and any task still there ends. Its owners have been told
    /// of their tasks (TASK_LOST) before this is called.
    pub(crate) fn remove_agent(&mut self, k: &mut Kernel, agent: AgentId) {
        let i = agent.index();
        if self.removed[i] {
            return;
        }
        self.clear_agent(k, agent);
        self.removed[i] = true;
        self.totals.sub(&self.scalars.vector(&k.machines[i].total));
        let view = &mut self.agent_views[i];
        view.available = Resources::new();
        view.active = false;
        view.version += 1;
        self.agents[i].pool_mark = Resources::new();
        self.filters.clear_agent(agent);
        self.epoch += 1;
        self.touched.push(agent);
    }

    /// The agent's connection broke (`deactivate(slave)`, Mesos 1.11
    /// `master.cpp`, reference mesos-master.md §3): no new offers from it,
    /// its outstanding offers rescinded; its resources stay in the DRF
    /// totals. Its tasks' owners have been told (TASK_LOST) before.
    pub(crate) fn deactivate_agent(&mut self, k: &mut Kernel, agent: AgentId) {
        let i = agent.index();
        self.clear_agent(k, agent);
        let view = &mut self.agent_views[i];
        view.active = false;
        view.version += 1;
        self.epoch += 1;
        self.touched.push(agent);
    }

    /// A disconnected agent re-registers in time, as itself: offered again
    /// (a run for it).
    pub(crate) fn reactivate_agent(&mut self, k: &mut Kernel, agent: AgentId) {
        let i = agent.index();
        let view = &mut self.agent_views[i];
        view.active = true;
        view.version += 1;
        self.epoch += 1;
        self.touched.push(agent);
        self.request_run(k);
    }

    /// The machine registers again (`addSlave`, as a new agent: reference
    /// mesos-master.md §3): its whole total is available, it joins the DRF
    /// totals, no filter names it, and a run is triggered.
    pub(crate) fn add_agent(&mut self, k: &mut Kernel, agent: AgentId) {
        let i = agent.index();
        if !self.removed[i] {
            return;
        }
        self.removed[i] = false;
        let total = k.machines[i].total.clone();
        self.totals.add(&self.scalars.vector(&total));
        self.grow_seq += 1;
        let view = &mut self.agent_views[i];
        view.available = total.clone();
        view.active = true;
        view.grown = self.grow_seq;
        view.version += 1;
        self.agents[i].pool_mark = total;
        self.filters.clear_agent(agent);
        self.epoch += 1;
        self.touched.push(agent);
        self.request_run(k);
    }

    /// The agents registered at time 0 (one coalesced run) and the first
    /// periodic tick.
    pub(crate) fn start(&mut self, k: &mut Kernel) {
        self.request_run(k);
        k.push(
            SimTime::ZERO + self.allocation_interval,
            Event::AllocationTick,
        );
    }

    /// The periodic timer: a run, and the next tick one interval after
    /// that run ends (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, the
    /// loop in `initialize`, reference mesos-master.md §1.1). With no
    /// master leading, the timer just waits another interval.
    pub(crate) fn tick(&mut self, k: &mut Kernel) {
        self.request_run(k);
        if self.pending {
            self.tick_waiting = true;
        } else {
            let next = k.now + self.allocation_interval;
            k.push(next, Event::AllocationTick);
        }
    }

    /// Requests a run over all agents, scheduling it unless one is already
    /// pending (batching since Mesos 1.2, reference mesos-master.md §1.1);
    /// it starts when the run under way, if any, ends.
    pub(crate) fn request_run(&mut self, k: &mut Kernel) {
        if !self.pending && !self.down {
            self.pending = true;
            k.push(k.now.max(self.busy_until), Event::AllocationRun);
        }
    }

    /// How long a run starting now takes (`policies::mesos::
    /// allocation_run_time`): agents active, and the roles and frameworks in
    /// the sorters (active, not suppressed).
    pub(crate) fn run_duration(&self) -> SimDuration {
        match self.run_time {
            RunTime::Fixed(t) => t,
            RunTime::Model { scale } => {
                let agents = self.agent_views.iter().filter(|a| a.active).count();
                let mut roles = vec![false; self.roles.len()];
                let mut frameworks = 0u64;
                for f in self.fw_views.iter().filter(|f| f.active && !f.suppressed) {
                    frameworks += 1;
                    roles[f.role] = true;
                }
                let roles = roles.iter().filter(|&&r| r).count();
                allocation_run_time(agents as u64, roles as u64, frameworks, scale)
            }
        }
    }

    /// The pending run: the allocator's grants become offers, returned per
    /// framework in id order, each framework's offers in grant order — one
    /// callback per framework with every offer of this run (Mesos 1.11
    /// `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2
    /// point 4). `blind[f]` says that framework `f` declines any batch now
    /// with that filter without looking at it (see [`Batch::Blind`]). The
    /// run takes `duration` ([`Self::run_duration`]): its offers are sent
    /// when it ends, and the periodic loop waits for that end.
    pub(crate) fn allocation_run(
        &mut self,
        k: &mut Kernel,
        blind: &[Option<Refuse>],
        duration: SimDuration,
    ) -> BTreeMap<FrameworkId, Batch> {
        let mut by_fw: BTreeMap<FrameworkId, Batch> = BTreeMap::new();
        if !std::mem::take(&mut self.pending) {
            return by_fw;
        }
        let end = k.now + duration;
        self.busy_until = end;
        if std::mem::take(&mut self.tick_waiting) {
            k.push(end + self.allocation_interval, Event::AllocationTick);
        }
        k.metrics.allocation_run_time = k.metrics.allocation_run_time + duration;
        let candidates: Vec<AgentId> = (0..self.agents.len() as u32).map(AgentId).collect();
        k.metrics.allocation_runs += 1;
        let view = ClusterView {
            now: k.now,
            scalars: &self.scalars,
            totals: &self.totals,
            agents: &self.agent_views,
            roles: &self.roles,
            frameworks: &self.fw_views,
            filters: &self.filters,
            min_allocatable: MinAllocatable::default(),
            epoch: self.epoch,
        };
        let grants = self
            .allocator
            .allocate(&view, &candidates, &mut self.alloc_rng);
        // A policy registered at run time (Python) is not trusted: a
        // failure or a grant that breaks the master's rules stops the run
        // with the reason, before anything is booked. Built-in policies
        // are checked the same way under --check.
        let name = self.allocator.name();
        let problem = self
            .allocator
            .failure()
            .map(|f| format!("allocator \"{name}\" failed at {}: {f}", k.now))
            .or_else(|| {
                (self.untrusted || k.opts.check_invariants)
                    .then(|| check_grants(&view, &grants).err())
                    .flatten()
                    .map(|e| format!("allocator \"{name}\" at {}: {e}", k.now))
            });
        if let Some(p) = problem {
            k.violation = Some(p);
            return by_fw;
        }
        for g in grants {
            let fw = g.framework;
            let (id, o) = self.open_offer(k, g, end);
            match blind.get(fw.index()).copied().flatten() {
                Some(refuse) => {
                    if let Batch::Blind(offers, _) = by_fw
                        .entry(fw)
                        .or_insert_with(|| Batch::Blind(Vec::new(), refuse))
                    {
                        offers.push(o);
                    }
                }
                None => {
                    self.book_offer(k, id, o);
                    if let Batch::Offers(ids) =
                        by_fw.entry(fw).or_insert_with(|| Batch::Offers(Vec::new()))
                    {
                        ids.push(id);
                    }
                }
            }
        }
        by_fw
    }

    /// An offer is made: its resources leave the agent's available pool
    /// and count toward the framework's share.
    /// The master sends it at `sent` (the end of the run), which starts
    /// its `offer_timeout`.
    fn open_offer(&mut self, k: &mut Kernel, g: Grant, sent: SimTime) -> (u64, Outstanding) {
        let id = self.next_offer_id;
        self.next_offer_id += 1;
        let agent = g.agent.index();
        self.agent_views[agent].available.subtract(&g.resources);
        self.agent_views[agent].version += 1;
        self.touched.push(g.agent);
        self.charge(g.framework, &g.resources, 1);
        k.metrics.offers_made += 1;
        if let Some(t) = self.offer_timeout {
            k.push(sent + t, Event::OfferTimeout(id));
        }
        let o = Outstanding {
            framework: g.framework,
            agent: g.agent,
            resources: g.resources,
            made: sent,
            cpus: 0,
            mem: 0,
        };
        (id, o)
    }

    /// The offer is outstanding until answered: it enters the master's
    /// books (the agent's offered resources, the offer table).
    fn book_offer(&mut self, k: &mut Kernel, id: u64, mut o: Outstanding) {
        (o.cpus, o.mem) = (o.resources.cpus().0, o.resources.mem_mb().0);
        let agent = &mut self.agents[o.agent.index()];
        agent.offer_ids.push(id);
        k.metrics.cpus_offered += o.cpus;
        k.metrics.mem_offered += o.mem;
        self.offers.insert(id, o);
    }

    /// Adds (`sign` = 1) or removes (−1) `r` from the framework's and its
    /// role's DRF allocation; offers also count the allocation calls.
    fn charge(&mut self, fw: FrameworkId, r: &Resources, sign: i64) {
        let view = &mut self.fw_views[fw.index()];
        let role = &mut self.roles[view.role];
        self.scalars.charge(
            r,
            sign,
            &mut [&mut view.allocated, &mut role.allocated],
            &mut role.quota_consumed,
        );
        if sign > 0 {
            view.count += 1;
            role.count += 1;
        }
    }

    /// Takes an offer out of the books, returning it.
    fn close_offer(&mut self, k: &mut Kernel, id: u64) -> Outstanding {
        let o = self.offers.remove(&id).expect("known offer");
        let ids = &mut self.agents[o.agent.index()].offer_ids;
        if let Ok(at) = ids.binary_search(&id) {
            ids.remove(at);
        }
        self.touched.push(o.agent);
        k.metrics.cpus_offered -= o.cpus;
        k.metrics.mem_offered -= o.mem;
        o
    }

    /// Resources go back to the agent's available pool and out of the
    /// framework's share (`recoverResources`).
    fn recover(&mut self, fw: FrameworkId, agent: AgentId, r: &Resources) {
        let view = &mut self.agent_views[agent.index()];
        view.available.add(r);
        view.version += 1;
        let mark = &mut self.agents[agent.index()].pool_mark;
        if !mark.contains(&view.available) {
            // Real growth: whole-pool filters installed before no longer
            // cover the pool.
            self.grow_seq += 1;
            view.grown = self.grow_seq;
            *mark = view.available.clone();
        }
        self.charge(fw, r, -1);
    }

    /// Installs a decline filter; marks it as covering the agent's whole
    /// pool when the refused resources are all the agent has available.
    fn install_filter(
        &mut self,
        now: SimTime,
        fw: FrameworkId,
        agent: AgentId,
        refused: Resources,
        life: SimDuration,
    ) {
        let view = &self.agent_views[agent.index()];
        let whole = (view.available == refused).then_some(view.grown);
        if whole.is_some() {
            self.agents[agent.index()].pool_mark = refused.clone();
        }
        self.filters
            .install_tracked(fw, agent, refused, now, life, whole);
    }

    /// DECLINE (or an accept's leftovers) with a filter (Mesos 1.11
    /// `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7).
    pub(crate) fn decline(&mut self, k: &mut Kernel, id: u64, refuse: Refuse) {
        let o = self.close_offer(k, id);
        self.declined(k, o, refuse);
    }

    /// DECLINE of an offer of a [`Batch::Blind`]: it never entered the
    /// books of outstanding offers (nothing could see it there: it is made
    /// and declined within one allocation run), so only what outlives the
    /// run changes, exactly as [`MesosMaster::decline`] changes it.
    pub(crate) fn decline_blind(&mut self, k: &mut Kernel, o: Outstanding, refuse: Refuse) {
        self.touched.push(o.agent);
        self.declined(k, o, refuse);
    }

    fn declined(&mut self, k: &mut Kernel, o: Outstanding, refuse: Refuse) {
        self.recover(o.framework, o.agent, &o.resources);
        let lifetime = filter_lifetime(refuse, self.default_refuse, self.allocation_interval);
        if let Some(life) = lifetime {
            self.install_filter(k.now, o.framework, o.agent, o.resources.clone(), life);
        }
        k.metrics.offers_declined += 1;
        record_offer(k, &o, "declined", lifetime);
    }

    /// Rescind (offer timeout): back to the pool without a filter.
    pub(crate) fn rescind(&mut self, k: &mut Kernel, id: u64) {
        if !self.offers.contains_key(&id) {
            return;
        }
        self.rescinds += 1;
        let o = self.close_offer(k, id);
        self.recover(o.framework, o.agent, &o.resources);
        record_offer(k, &o, "rescinded", None);
    }

    /// ACCEPT with these tasks: each task's resources move from offered to
    /// allocated; leftovers are declined with `leftover_refuse`. Returns the
    /// task uids in order.
    pub(crate) fn accept(
        &mut self,
        k: &mut Kernel,
        id: u64,
        tasks: Vec<(Resources, TaskOwner)>,
        leftover_refuse: Refuse,
    ) -> Vec<u64> {
        self.accept_delayed(k, id, tasks, leftover_refuse, SimDuration::ZERO)
    }

    /// As [`MesosMaster::accept`], the tasks reaching RUNNING `delay` after
    /// the launch latency (waiting for their executor's files).
    pub(crate) fn accept_delayed(
        &mut self,
        k: &mut Kernel,
        id: u64,
        tasks: Vec<(Resources, TaskOwner)>,
        leftover_refuse: Refuse,
        delay: SimDuration,
    ) -> Vec<u64> {
        let o = self.close_offer(k, id);
        let mut left = o.resources.clone();
        debug_assert!(
            {
                let mut used = Resources::new();
                for (r, _) in &tasks {
                    used.add(r);
                }
                o.resources.contains(&used)
            },
            "tasks launched on offer {id} do not fit in it"
        );
        let mut uids = Vec::with_capacity(tasks.len());
        for (r, owner) in tasks {
            left.subtract(&r);
            let agent = &mut self.agents[o.agent.index()];
            agent.allocated.add(&r);
            k.metrics.allocated_by(owner.framework(), k.now, r.cpus().0);
            k.metrics.mem_allocated += r.mem_mb().0;
            let uid = self.next_task_uid;
            self.next_task_uid += 1;
            agent.task_ids.insert(uid);
            self.tasks.insert(
                uid,
                MesosTask {
                    agent: o.agent,
                    resources: r,
                    owner,
                    running: false,
                },
            );
            k.push(
                k.now + self.task_launch_latency + delay,
                Event::TaskRunning(uid),
            );
            uids.push(uid);
        }
        let mut lifetime = None;
        if !left.is_empty() {
            self.recover(o.framework, o.agent, &left);
            lifetime = filter_lifetime(
                leftover_refuse,
                self.default_refuse,
                self.allocation_interval,
            );
            if let Some(life) = lifetime {
                self.install_filter(k.now, o.framework, o.agent, left, life);
            }
        }
        record_offer(k, &o, "accepted", lifetime);
        uids
    }

    /// A Mesos task reaches TASK_RUNNING: its owner, for the world to tell.
    pub(crate) fn task_running(&mut self, uid: u64) -> Option<TaskOwner> {
        let t = self.tasks.get_mut(&uid)?;
        t.running = true;
        Some(t.owner)
    }

    /// A Mesos task reached a terminal state: its resources come back (no
    /// run is triggered, Mesos 1.11 `allocator/mesos/hierarchical.cpp`,
    /// reference mesos-master.md §1.10).
    pub(crate) fn end_task(&mut self, k: &mut Kernel, uid: u64) -> Option<MesosTask> {
        let t = self.tasks.remove(&uid)?;
        if !self.ended_tasks.insert(uid) {
            k.violation = Some(format!("task {uid} ended twice"));
        }
        let fw = t.owner.framework();
        self.agents[t.agent.index()]
            .allocated
            .subtract(&t.resources);
        self.agents[t.agent.index()].task_ids.remove(&uid);
        self.touched.push(t.agent);
        k.metrics.allocated_by(fw, k.now, -t.resources.cpus().0);
        k.metrics.mem_allocated -= t.resources.mem_mb().0;
        self.recover(fw, t.agent, &t.resources);
        Some(t)
    }

    /// SUPPRESS: the framework gets no offers until it revives; its filters
    /// and its share stay, and no run is asked for (Mesos 1.11
    /// `HierarchicalAllocatorProcess::suppressOffers`, reference
    /// mesos-master.md §1.8).
    pub(crate) fn suppress(&mut self, _k: &mut Kernel, fw: FrameworkId) {
        if !self.fw_views[fw.index()].suppressed {
            self.fw_views[fw.index()].suppressed = true;
            self.epoch += 1;
        }
    }

    /// REVIVE: clear the framework's filters, unsuppress, run over all
    /// agents.
    pub(crate) fn revive(&mut self, k: &mut Kernel, fw: FrameworkId) {
        self.filters.clear_framework(fw);
        self.fw_views[fw.index()].suppressed = false;
        self.epoch += 1;
        self.request_run(k);
    }

    /// Framework authentication at registration: a framework presenting a
    /// principal must match the master's credentials; one presenting none
    /// is refused only when the master requires authentication
    /// (`--authenticate_frameworks`, default false).
    pub(crate) fn authenticate(
        &self,
        principal: Option<&str>,
        secret: Option<&str>,
    ) -> Result<(), String> {
        match principal {
            None if self.authenticate_frameworks => Err(
                "framework is not authenticated (the master requires authentication)".to_string(),
            ),
            None => Ok(()),
            Some(p) => match self.credentials.iter().find(|(cp, _)| cp == p) {
                Some((_, s)) if Some(s.as_str()) == secret => Ok(()),
                Some(_) => Err(format!(
                    "authentication failed for principal '{p}': wrong secret"
                )),
                None => Err(format!("authentication failed: unknown principal '{p}'")),
            },
        }
    }

    /// A framework subscribes: it is active, and addFramework triggers a
    /// run over all agents (Mesos 1.11 `allocator/mesos/hierarchical.cpp`,
    /// reference mesos-master.md §1.1).
    pub(crate) fn activate(&mut self, fw: FrameworkId) {
        self.fw_views[fw.index()].active = true;
        self.epoch += 1;
    }

    /// Removes a framework: its offers are recovered and it takes no more.
    pub(crate) fn deactivate(&mut self, k: &mut Kernel, fw: FrameworkId) {
        self.fw_views[fw.index()].active = false;
        self.filters.clear_framework(fw);
        self.epoch += 1;
        let ids: Vec<u64> = self
            .offers
            .iter()
            .filter(|(_, o)| o.framework == fw)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.rescind(k, id);
        }
    }

    /// One utilization row and one share row per framework, as of now.
    pub(crate) fn sample(&self, k: &Kernel) -> (UtilizationRow, Vec<ShareRow>) {
        let m = &k.metrics;
        let row = UtilizationRow {
            time: k.now,
            cpus_offered: m.cpus_offered,
            cpus_allocated: m.cpus_allocated,
            cpus_busy: m.cpus_busy,
            mem_offered: m.mem_offered,
            mem_allocated: m.mem_allocated,
        };
        let cpus = self.scalars.index("cpus");
        let mem = self.scalars.index("mem");
        let shares = self
            .fw_views
            .iter()
            .enumerate()
            .map(|(i, v)| ShareRow {
                time: k.now,
                framework: FrameworkId(i as u32),
                cpus: cpus.map_or(0, |c| v.allocated.0[c]),
                mem: mem.map_or(0, |m| v.allocated.0[m]),
                dominant_share: v.allocated.dominant_share(&self.totals),
            })
            .collect();
        (row, shares)
    }
}

fn record_offer(
    k: &mut Kernel,
    o: &Outstanding,
    outcome: &'static str,
    refuse: Option<SimDuration>,
) {
    if k.opts.record_offers {
        k.metrics.offers.push(OfferRow {
            offer_s: o.made,
            framework: o.framework,
            agent: o.agent,
            cpus: o.resources.cpus(),
            mem_mb: o.resources.mem_mb(),
            outcome,
            refuse_s: refuse,
            resolved_s: k.now,
        });
    }
}
