//! Spark's coarse-grained Mesos backend, `MesosCoarseGrainedSchedulerBackend`
//! of the 3.x line (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3–1.7), as a pure state
//! machine: offers in, launches and declines with their filters out.
//!
//! `resource_offers` follows Spark's order exactly:
//! 1. stopped → decline every offer, no filter;
//! 2. executor limit already reached → decline every offer, no filter, even
//!    those failing the constraints (2.3+); otherwise (re)start launching and
//!    the locality clock;
//! 3. offers failing `spark.mesos.constraints` → decline with
//!    `rejectOfferDurationForUnmetConstraints`;
//! 4. round-robin over the remaining offers in the order given, at most one
//!    executor per offer per pass, until a pass launches nothing; each
//!    launch updates the counters at once;
//! 5. an offer that got executors is accepted (no explicit filter, so its
//!    leftovers get the Mesos default); otherwise, if `spark.cores.max` is
//!    reached after the whole build step, declined with
//!    `rejectOfferDurationForReachedMaxCores`; else declined plainly.
//!
//! `canLaunchTask` (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3 step 4) checks, in order: cpus > 0; cpus ≤ the
//! offer's whole CPUs; acquired + cpus ≤ maxCores; executor memory ≤ the
//! offer's memory; executors < limit; fewer than 2 failures on the agent;
//! the fixed ports fit (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.5); the locality wait (reference spark-on-mesos.md §1.6).

use std::collections::{BTreeMap, BTreeSet};

use super::SparkVersion;
use super::settings::SparkSettings;
use crate::constraints::Constraints;
use crate::mesos::Refuse;
use crate::model::{AgentId, Attributes, Milli, Quantity, Ranges, Resource, Resources};
use crate::time::{SimDuration, SimTime};

/// After this many FAILED or LOST executors an agent is never used again by
/// the app (`MAX_AGENT_FAILURES`, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3).
pub const MAX_AGENT_FAILURES: u32 = 2;

/// An offer as the backend sees it (borrowed from the master's books).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offer<'a> {
    pub id: u64,
    pub agent: AgentId,
    pub hostname: &'a str,
    pub resources: &'a Resources,
    pub attributes: &'a Attributes,
}

/// One executor to launch as a Mesos task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutorLaunch {
    /// The Mesos task id, which is also the Spark executor id ("0", "1", …).
    pub task_id: u64,
    pub agent: AgentId,
    /// Whole CPUs Mesos accounts to the executor.
    pub cpus: u32,
    /// Cores the executor advertises to the driver: cpus + extra cores.
    pub advertised_cores: u32,
    pub mem_mb: u64,
    /// The resources taken from the offer (cpus, mem, fixed ports).
    pub resources: Resources,
}

/// The backend's answer to one offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `launchTasks([offer], executors, filter)`: no explicit filter
    /// (`Refuse::Default`) from 2.0, an explicit 5 s in 1.6.
    Launch {
        offer: u64,
        executors: Vec<ExecutorLaunch>,
        refuse: Refuse,
    },
    /// `declineOffer(offer, filter)`.
    Decline { offer: u64, refuse: Refuse },
}

/// Mesos task states as they reach the scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MesosTaskState {
    Staging,
    Starting,
    Running,
    Killing,
    Finished,
    Failed,
    Killed,
    Lost,
    Error,
    Dropped,
    Unreachable,
    Gone,
    GoneByOperator,
    Unknown,
}

/// Spark's view of a task state (`mesosToTaskState`, 2.3+ mapping).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SparkTaskState {
    Launching,
    Running,
    Finished,
    Failed,
    Killed,
    Lost,
}

impl MesosTaskState {
    pub fn to_spark(self) -> SparkTaskState {
        use MesosTaskState::*;
        match self {
            Staging | Starting => SparkTaskState::Launching,
            Running | Killing => SparkTaskState::Running,
            Finished => SparkTaskState::Finished,
            Failed | Gone | GoneByOperator => SparkTaskState::Failed,
            Killed => SparkTaskState::Killed,
            Lost | Error | Dropped | Unknown | Unreachable => SparkTaskState::Lost,
        }
    }
}

impl SparkTaskState {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            SparkTaskState::Finished
                | SparkTaskState::Failed
                | SparkTaskState::Killed
                | SparkTaskState::Lost
        )
    }

    /// FAILED and LOST count against the agent; KILLED and FINISHED do not.
    pub fn is_failure(self) -> bool {
        matches!(self, SparkTaskState::Failed | SparkTaskState::Lost)
    }
}

/// What a status update did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusEffect {
    /// The executor ended and its cores were released.
    pub executor_removed: bool,
    /// The backend called `reviveOffers()` (on every terminal update).
    pub revive: bool,
}

#[derive(Clone, Debug, Default)]
struct AgentRecord {
    hostname: String,
    live_tasks: BTreeSet<u64>,
    task_failures: u32,
}

/// The backend of one application.
#[derive(Clone, Debug)]
pub struct CoarseBackend {
    version: SparkVersion,
    max_cores: u64,
    executor_cores: Option<u32>,
    extra_cores: u32,
    executor_memory_mib: u64,
    constraints: Constraints,
    refuse_unmet_constraints: Refuse,
    refuse_reached_max_cores: Refuse,
    fixed_ports: Vec<u64>,
    dynamic_allocation: bool,
    min_registered_ratio: f64,
    cores_max_setting: u64,
    locality_wait: SimDuration,
    created: SimTime,
    max_registered_waiting: SimDuration,

    total_cores_acquired: u64,
    /// Live tasks over all agents (`numExecutors`), kept as a count.
    live_executors: usize,
    cores_by_task: BTreeMap<u64, u32>,
    agents: BTreeMap<AgentId, AgentRecord>,
    task_agent: BTreeMap<u64, AgentId>,
    executor_limit: Option<u32>,
    next_task_id: u64,
    launching_executors: bool,
    locality_wait_start: SimTime,
    host_to_local_task_count: BTreeMap<String, u32>,
    stopped: bool,
}

impl CoarseBackend {
    /// A backend created at `now` (the registration clock starts then).
    pub fn new(s: &SparkSettings, now: SimTime) -> CoarseBackend {
        let mut fixed_ports = Vec::new();
        // 1.6 checks no ports (reference spark-on-mesos.md §1.8: 2.1+).
        if s.block_manager_port != 0 && !s.version.is_1_6() {
            fixed_ports.push(u64::from(s.block_manager_port));
        }
        // Docker port mappings take their host ports from the offer like
        // the fixed ports (issue 4: they limit executors per agent).
        for &p in &s.startup.docker_host_ports {
            if p != 0 && !fixed_ports.contains(&u64::from(p)) && !s.version.is_1_6() {
                fixed_ports.push(u64::from(p));
            }
        }
        CoarseBackend {
            version: s.version,
            max_cores: s.max_cores(),
            executor_cores: s.executor_cores,
            extra_cores: s.extra_cores,
            executor_memory_mib: s.executor_memory_total_mib(),
            constraints: s.constraints.clone(),
            refuse_unmet_constraints: Refuse::secs(s.refuse_unmet_constraints_s),
            refuse_reached_max_cores: Refuse::secs(s.refuse_reached_max_cores_s),
            fixed_ports,
            dynamic_allocation: s.dynamic.enabled,
            min_registered_ratio: s.min_registered_ratio,
            cores_max_setting: s.cores_max.map_or(0, u64::from),
            locality_wait: s.locality_wait.base,
            created: now,
            max_registered_waiting: s.max_registered_waiting,
            total_cores_acquired: 0,
            live_executors: 0,
            cores_by_task: BTreeMap::new(),
            agents: BTreeMap::new(),
            task_agent: BTreeMap::new(),
            // Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3: Some(0) with dynamic allocation, unlimited otherwise.
            // 1.6 (`CoarseMesosSchedulerBackend`, §1.2): unlimited until the
            // first request, even with dynamic allocation.
            executor_limit: (s.dynamic.enabled && s.version >= SparkVersion::V2_0).then_some(0),
            next_task_id: 0,
            launching_executors: false,
            locality_wait_start: now,
            host_to_local_task_count: BTreeMap::new(),
            stopped: false,
        }
    }

    /// Live Mesos tasks: launched and not yet terminal, registered or not,
    /// including those asked to die (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3 `numExecutors`).
    pub fn num_executors(&self) -> usize {
        debug_assert_eq!(
            self.live_executors,
            self.agents
                .values()
                .map(|a| a.live_tasks.len())
                .sum::<usize>()
        );
        self.live_executors
    }

    pub fn total_cores_acquired(&self) -> u64 {
        self.total_cores_acquired
    }

    /// The hosts with pending local tasks the driver last sent.
    pub fn hints(&self) -> &BTreeMap<String, u32> {
        &self.host_to_local_task_count
    }

    pub fn executor_limit(&self) -> Option<u32> {
        self.executor_limit
    }

    pub fn max_cores(&self) -> u64 {
        self.max_cores
    }

    pub fn agent_failures(&self, agent: AgentId) -> u32 {
        self.agents.get(&agent).map_or(0, |a| a.task_failures)
    }

    /// A failed agent came back: Mesos registers it as a new agent with a
    /// new `SlaveID` (Mesos 1.11 master, reference mesos-master.md §3), so
    /// the backend, which keys its books by agent id, starts it with no
    /// failures and no executors (the old id's exclusion does not carry
    /// over).
    pub fn agent_reregistered(&mut self, agent: AgentId) {
        if self
            .agents
            .get(&agent)
            .is_some_and(|a| a.live_tasks.is_empty())
        {
            self.agents.remove(&agent);
        }
    }

    fn limit(&self) -> usize {
        self.executor_limit.map_or(usize::MAX, |n| n as usize)
    }

    /// `resourceOffers`: one reply per offer, in the order given.
    pub fn resource_offers(&mut self, offers: &[Offer<'_>], now: SimTime) -> Vec<Reply> {
        if self.version.is_1_6() {
            return self.resource_offers_v16(offers);
        }
        let decline_all = |offers: &[Offer<'_>]| {
            offers
                .iter()
                .map(|o| Reply::Decline {
                    offer: o.id,
                    refuse: Refuse::Default,
                })
                .collect()
        };
        if self.stopped {
            return decline_all(offers);
        }
        // 2.3+ (reference spark-on-mesos.md §1.3 step 2): at the executor
        // limit every offer is declined before anything is looked at.
        if self.version >= SparkVersion::V2_3 {
            if self.num_executors() >= self.limit() {
                self.launching_executors = false;
                return decline_all(offers);
            }
            if !self.launching_executors {
                self.launching_executors = true;
                self.locality_wait_start = now;
            }
        }
        let mut replies: Vec<Option<Reply>> = vec![None; offers.len()];
        let mut matched: Vec<usize> = Vec::with_capacity(offers.len());
        for (i, o) in offers.iter().enumerate() {
            if self.constraints.matches(o.attributes) {
                matched.push(i);
            } else {
                replies[i] = Some(Reply::Decline {
                    offer: o.id,
                    refuse: self.refuse_unmet_constraints,
                });
            }
        }
        // buildMesosTasks: round-robin, at most one executor per offer per pass.
        let mut remaining: Vec<Resources> = matched
            .iter()
            .map(|&i| offers[i].resources.clone())
            .collect();
        let mut launched: Vec<Vec<ExecutorLaunch>> = vec![Vec::new(); matched.len()];
        loop {
            let mut any = false;
            for (k, &i) in matched.iter().enumerate() {
                let o = &offers[i];
                if let Some(cpus) = self.can_launch(o.agent, o.hostname, &remaining[k], now) {
                    let launch = self.launch(o, cpus, &mut remaining[k]);
                    launched[k].push(launch);
                    any = true;
                }
            }
            if !any {
                break;
            }
        }
        for (k, &i) in matched.iter().enumerate() {
            let id = offers[i].id;
            replies[i] = Some(if !launched[k].is_empty() {
                Reply::Launch {
                    offer: id,
                    executors: std::mem::take(&mut launched[k]),
                    refuse: Refuse::Default,
                }
            } else if self.total_cores_acquired >= self.max_cores {
                Reply::Decline {
                    offer: id,
                    refuse: self.refuse_reached_max_cores,
                }
            } else {
                Reply::Decline {
                    offer: id,
                    refuse: Refuse::Default,
                }
            });
        }
        replies.into_iter().flatten().collect()
    }

    /// Spark 1.6 `CoarseMesosSchedulerBackend.resourceOffers` (reference
    /// spark-on-mesos.md §1.2, v1.6.0 = v1.6.3): the offers one at a time,
    /// in order. An offer failing the constraints is declined with
    /// `rejectOfferDurationForUnmetConstraints`. Otherwise **one** executor
    /// is launched when, in this order: executor tasks < the limit (none
    /// until the first request); cores acquired < `spark.cores.max` (not
    /// rounded); the offer's memory ≥ the executor's; at least one whole
    /// CPU; fewer than 2 failures on the agent; **no executor on the agent
    /// yet**. It takes every whole CPU of the offer up to what remains of
    /// `spark.cores.max` (`spark.executor.cores` is ignored) and is
    /// launched with an explicit 5 s filter. Any other offer is declined
    /// plainly, with no filter: reaching `spark.cores.max` has no filter of
    /// its own in 1.6.
    fn resource_offers_v16(&mut self, offers: &[Offer<'_>]) -> Vec<Reply> {
        let mut replies = Vec::with_capacity(offers.len());
        for o in offers {
            if !self.constraints.matches(o.attributes) {
                replies.push(Reply::Decline {
                    offer: o.id,
                    refuse: self.refuse_unmet_constraints,
                });
                continue;
            }
            let offer_cpus = o.resources.cpus().whole_units().max(0) as u64;
            let has_executor = self
                .agents
                .get(&o.agent)
                .is_some_and(|a| !a.live_tasks.is_empty());
            let launch = self.num_executors() < self.limit()
                && self.total_cores_acquired < self.max_cores
                && Milli::from_units(self.executor_memory_mib as i64) <= o.resources.mem_mb()
                && offer_cpus >= 1
                && self.agent_failures(o.agent) < MAX_AGENT_FAILURES
                && !has_executor;
            if launch {
                let cpus = offer_cpus.min(self.max_cores - self.total_cores_acquired) as u32;
                let mut remaining = o.resources.clone();
                let e = self.launch(o, cpus, &mut remaining);
                replies.push(Reply::Launch {
                    offer: o.id,
                    executors: vec![e],
                    refuse: Refuse::secs(5),
                });
            } else {
                replies.push(Reply::Decline {
                    offer: o.id,
                    refuse: Refuse::Default,
                });
            }
        }
        replies
    }

    /// The answer [`CoarseBackend::resource_offers`] gives to any batch now,
    /// when it does not depend on the offers: `Some(refuse)` when every
    /// offer would be declined with `refuse` whatever it holds (Spark 3.0
    /// `MesosCoarseGrainedSchedulerBackend.resourceOffers` and
    /// `canLaunchTask`, reference spark-on-mesos.md §1.3). That is so when
    /// the backend is stopped or at its executor limit (steps 1 and 2,
    /// before any offer is looked at), or when it has no constraints to
    /// sort offers by and no executor can start on any offer because
    /// `canLaunchTask`'s cores test fails whatever the offer (`acquired +
    /// cpus ≤ spark.cores.max` with `spark.executor.cores` set, or no core
    /// left under the cap without it); the decline then carries the
    /// reached-max-cores filter exactly when the cap is reached (step 5).
    /// The simulator declines such batches without building the offers;
    /// [`CoarseBackend::blind_declined`] makes the same state changes.
    pub fn blind_decline(&self) -> Option<Refuse> {
        if self.version < SparkVersion::V2_3 && !self.stopped {
            // 2.0–2.2 have no early return at the limit: offers are sorted
            // by constraints first, and the matched ones fail
            // `canLaunchTask`, declined as at step 5.
            if !self.version.is_1_6()
                && self.constraints.is_empty()
                && self.num_executors() >= self.limit()
            {
                return Some(if self.total_cores_acquired >= self.max_cores {
                    self.refuse_reached_max_cores
                } else {
                    Refuse::Default
                });
            }
        }
        if self.version.is_1_6() {
            // 1.6 looks at every offer (no early return, no stop check):
            // without constraints, a batch is declined plainly whatever it
            // holds once the limit or the cap is reached.
            let done =
                self.num_executors() >= self.limit() || self.total_cores_acquired >= self.max_cores;
            return (self.constraints.is_empty() && done).then_some(Refuse::Default);
        }
        if self.stopped
            || (self.version >= SparkVersion::V2_3 && self.num_executors() >= self.limit())
        {
            return Some(Refuse::Default);
        }
        if !self.constraints.is_empty() || self.num_executors() >= self.limit() {
            return None;
        }
        let room = self.max_cores.saturating_sub(self.total_cores_acquired);
        let no_size_fits = match self.executor_cores {
            Some(c) => c == 0 || u64::from(c) > room,
            None => room == 0,
        };
        no_size_fits.then_some(if self.total_cores_acquired >= self.max_cores {
            self.refuse_reached_max_cores
        } else {
            Refuse::Default
        })
    }

    /// What [`CoarseBackend::resource_offers`] changes in the backend for a
    /// batch that [`CoarseBackend::blind_decline`] answered: the
    /// launching flag and the locality clock only.
    pub fn blind_declined(&mut self, now: SimTime) {
        if self.stopped || self.version < SparkVersion::V2_3 {
            return;
        }
        if self.num_executors() >= self.limit() {
            self.launching_executors = false;
        } else if !self.launching_executors {
            self.launching_executors = true;
            self.locality_wait_start = now;
        }
    }

    /// `canLaunchTask`: the executor's cores when every check passes.
    fn can_launch(
        &self,
        agent: AgentId,
        hostname: &str,
        remaining: &Resources,
        now: SimTime,
    ) -> Option<u32> {
        let offer_cpus = remaining.cpus().whole_units().max(0) as u64;
        let offer_mem = remaining.mem_mb();
        let cpus: u64 = match self.executor_cores {
            Some(c) => u64::from(c),
            None => offer_cpus.min(self.max_cores.saturating_sub(self.total_cores_acquired)),
        };
        let ok = cpus > 0
            && cpus <= offer_cpus
            && cpus + self.total_cores_acquired <= self.max_cores
            && Milli::from_units(self.executor_memory_mib as i64) <= offer_mem
            && self.num_executors() < self.limit()
            && self.agent_failures(agent) < MAX_AGENT_FAILURES
            && self.check_ports(remaining)
            && self.satisfies_locality(hostname, now);
        ok.then_some(cpus as u32)
    }

    /// Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.5: every fixed port inside some offered range, and enough ports.
    fn check_ports(&self, remaining: &Resources) -> bool {
        if self.fixed_ports.is_empty() {
            return true;
        }
        let offered = remaining.ranges("ports");
        self.fixed_ports.iter().all(|&p| offered.contains_value(p))
            && offered.count() >= self.fixed_ports.len() as u64
    }

    /// Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.6 (2.3+): with dynamic allocation and locality hints, prefer the
    /// hinted hosts that have no executor yet until the wait runs out.
    fn satisfies_locality(&self, hostname: &str, now: SimTime) -> bool {
        if self.version < SparkVersion::V2_3
            || !self.dynamic_allocation
            || self.host_to_local_task_count.is_empty()
        {
            return true;
        }
        let current: BTreeSet<&str> = self
            .agents
            .values()
            .filter(|a| !a.live_tasks.is_empty())
            .map(|a| a.hostname.as_str())
            .collect();
        let wanted =
            self.host_to_local_task_count.contains_key(hostname) && !current.contains(hostname);
        wanted || now.since(self.locality_wait_start) > self.locality_wait
    }

    /// Takes cpus, then mem, then the fixed ports from `remaining` (Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4,
    /// Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.5) and records the executor at once.
    fn launch(&mut self, o: &Offer<'_>, cpus: u32, remaining: &mut Resources) -> ExecutorLaunch {
        let task_id = self.next_task_id;
        self.next_task_id += 1;
        let mut taken = take_scalar(remaining, "cpus", Milli::from_units(i64::from(cpus)));
        taken.add(&take_scalar(
            remaining,
            "mem",
            Milli::from_units(self.executor_memory_mib as i64),
        ));
        if !self.fixed_ports.is_empty() {
            for &p in &self.fixed_ports {
                if let Some(e) = remaining.iter().find(|e| {
                    e.name == "ports"
                        && matches!(&e.quantity, Quantity::Ranges(r) if r.contains_value(p))
                }) {
                    taken.add(&Resources::from_entries([Resource {
                        name: "ports".into(),
                        role: e.role.clone(),
                        quantity: Quantity::Ranges(Ranges::single(p, p)),
                    }]));
                }
            }
            *remaining = remaining.filtered(|e| e.name != "ports");
        }
        self.total_cores_acquired += u64::from(cpus);
        self.cores_by_task.insert(task_id, cpus);
        let rec = self.agents.entry(o.agent).or_default();
        if rec.hostname != o.hostname {
            rec.hostname = o.hostname.to_string();
        }
        if rec.live_tasks.insert(task_id) {
            self.live_executors += 1;
        }
        self.task_agent.insert(task_id, o.agent);
        ExecutorLaunch {
            task_id,
            agent: o.agent,
            cpus,
            advertised_cores: cpus + self.extra_cores,
            mem_mb: self.executor_memory_mib,
            resources: taken,
        }
    }

    /// `statusUpdate` for an executor's Mesos task.
    pub fn status_update(&mut self, task_id: u64, state: MesosTaskState) -> StatusEffect {
        let state = state.to_spark();
        if !state.is_finished() {
            return StatusEffect::default();
        }
        let Some(agent) = self.task_agent.remove(&task_id) else {
            return StatusEffect::default();
        };
        if let Some(cores) = self.cores_by_task.remove(&task_id) {
            self.total_cores_acquired -= u64::from(cores);
        }
        if let Some(rec) = self.agents.get_mut(&agent) {
            if state.is_failure() {
                rec.task_failures += 1;
            }
            if rec.live_tasks.remove(&task_id) {
                self.live_executors -= 1;
            }
        }
        StatusEffect {
            executor_removed: true,
            revive: true,
        }
    }

    /// `doRequestTotalExecutors(n)`: sets the limit and restarts the
    /// locality clock; `hints` are the hosts with pending local tasks.
    pub fn request_total_executors(&mut self, n: u32, hints: BTreeMap<String, u32>, now: SimTime) {
        self.executor_limit = Some(n);
        self.host_to_local_task_count = hints;
        self.locality_wait_start = now;
    }

    /// `doKillExecutors(ids)`: the live tasks to kill. The limit is not
    /// touched and nothing is released until their KILLED updates arrive.
    pub fn kill_executors(&self, ids: &[u64]) -> Vec<u64> {
        ids.iter()
            .copied()
            .filter(|id| self.task_agent.contains_key(id))
            .collect()
    }

    /// `sufficientResourcesRegistered` (2.2+): registered executors'
    /// advertised cores ≥ (`spark.cores.max`, or 0 if unset) × ratio.
    pub fn sufficient_resources_registered(&self, registered_cores: u64) -> bool {
        registered_cores as f64 >= self.cores_max_setting as f64 * self.min_registered_ratio
    }

    /// `isReady`: enough registered, or the waiting time has passed.
    pub fn is_ready(&self, registered_cores: u64, now: SimTime) -> bool {
        // 1.6–2.1: cores acquired (launched, registered or not) against
        // `spark.cores.max` or Int.MaxValue (reference spark-on-mesos.md
        // §1.2, §1.3); 2.2+ (SPARK-19373): registered cores.
        let enough = if self.version < SparkVersion::V2_2 {
            self.total_cores_acquired as f64 >= self.max_cores as f64 * self.min_registered_ratio
        } else {
            self.sufficient_resources_registered(registered_cores)
        };
        enough || now.since(self.created) >= self.max_registered_waiting
    }

    pub fn stop(&mut self) {
        self.stopped = true;
    }
}

/// `partitionResources`: takes `amount` of scalar `name` from `remaining`
/// walking its entries in order, keeping each entry's role (Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4).
pub fn take_scalar(remaining: &mut Resources, name: &str, amount: Milli) -> Resources {
    let mut need = amount;
    let mut taken = Vec::new();
    for e in remaining.iter() {
        if need.0 <= 0 {
            break;
        }
        if let (true, Quantity::Scalar(m)) = (e.name == name, &e.quantity) {
            let t = Milli(m.0.min(need.0));
            need -= t;
            taken.push(Resource {
                name: e.name.clone(),
                role: e.role.clone(),
                quantity: Quantity::Scalar(t),
            });
        }
    }
    let taken = Resources::from_entries(taken);
    remaining.subtract(&taken);
    taken
}
