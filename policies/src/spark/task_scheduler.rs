//! The driver's task scheduler with delay scheduling: Spark 3.0's
//! `TaskSchedulerImpl.resourceOffers` and the locality half of
//! `TaskSetManager` (`core/src/main/scala/org/apache/spark/scheduler/`),
//! as pure state. The shared reference has no section on them: the rules
//! below are restated from those two files of Spark 3.0.0.
//!
//! - A task set is one stage's tasks. A task may prefer hosts (the agents
//!   holding replicas of its input block); with a rack resolver it also
//!   prefers those hosts' racks. Tasks without preferences are "no pref".
//! - Locality levels, best first: `PROCESS_LOCAL`, `NODE_LOCAL`, `NO_PREF`,
//!   `RACK_LOCAL`, `ANY`. A task set's valid levels are computed from its
//!   pending tasks and the hosts with live executors; `ANY` is always valid.
//! - Delay scheduling: a task set allows only its current level until
//!   nothing was launched at it for that level's wait
//!   (`spark.locality.wait.{process,node,rack}`, all falling back to
//!   `spark.locality.wait`, 3 s); then it moves one level down and the
//!   clock moves on by that wait. A launch at a level moves the task set
//!   back to it and restarts the clock (the 3.0 behaviour: every launch
//!   resets, SPARK-18886 changed this only in 3.1). A level with no pending
//!   task is skipped at once (SPARK-4939).
//! - `resourceOffers`: the worker offers are shuffled; task sets are served
//!   in FIFO order; for each task set and each of its levels in order,
//!   passes over the offers launch at most one task per offer per pass
//!   until a pass launches nothing.
//!
//! Spark on Mesos never knows racks: only YARN's scheduler overrides
//! `getRackForHost`, so on Mesos `RACK_LOCAL` is never a valid level. The
//! rack level is kept here for a what-if switch and for YARN later.

use std::collections::BTreeMap;

use rand_core::Rng;

use super::settings::LocalityWait;
use crate::mesos::view::shuffle;
use crate::model::AgentId;
use crate::time::{SimDuration, SimTime};

/// Spark's `TaskLocality`, in its order (a smaller value is more local).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Locality {
    ProcessLocal,
    NodeLocal,
    NoPref,
    RackLocal,
    Any,
}

impl Locality {
    /// `TaskLocality.isAllowed(constraint, condition)`.
    fn allows(self, condition: Locality) -> bool {
        condition <= self
    }
}

/// The hosts with live executors, and the racks the scheduler knows.
#[derive(Clone, Debug, Default)]
pub struct Hosts {
    /// Live executors per host.
    alive: BTreeMap<AgentId, u32>,
    /// Live hosts per known rack.
    alive_racks: BTreeMap<u32, u32>,
    /// The rack of each agent as Spark sees it (`getRackForHost`); empty
    /// means no rack resolver, Spark on Mesos' case.
    rack_of: Vec<Option<u32>>,
}

impl Hosts {
    /// No rack resolver: Spark on Mesos (module docs).
    pub fn without_racks() -> Hosts {
        Hosts::default()
    }

    /// A rack resolver that knows `rack_of[agent]`.
    pub fn with_racks(rack_of: Vec<u32>) -> Hosts {
        Hosts {
            rack_of: rack_of.into_iter().map(Some).collect(),
            ..Hosts::default()
        }
    }

    pub fn rack_of(&self, host: AgentId) -> Option<u32> {
        self.rack_of.get(host.index()).copied().flatten()
    }

    /// An executor on `host` joined (`executorAdded`). Returns whether the
    /// host was new, which is when task sets recompute their levels.
    pub fn executor_added(&mut self, host: AgentId) -> bool {
        let n = self.alive.entry(host).or_insert(0);
        *n += 1;
        let new = *n == 1;
        if new && let Some(r) = self.rack_of(host) {
            *self.alive_racks.entry(r).or_insert(0) += 1;
        }
        new
    }

    /// An executor on `host` is gone (`executorLost`). Returns whether the
    /// host has no executor left.
    pub fn executor_lost(&mut self, host: AgentId) -> bool {
        let Some(n) = self.alive.get_mut(&host) else {
            return false;
        };
        *n -= 1;
        if *n > 0 {
            return false;
        }
        self.alive.remove(&host);
        if let Some(r) = self.rack_of(host)
            && let Some(c) = self.alive_racks.get_mut(&r)
        {
            *c -= 1;
            if *c == 0 {
                self.alive_racks.remove(&r);
            }
        }
        true
    }

    pub fn is_alive(&self, host: AgentId) -> bool {
        self.alive.contains_key(&host)
    }

    fn rack_alive(&self, rack: u32) -> bool {
        self.alive_racks.contains_key(&rack)
    }
}

/// The locality waits per level (`getLocalityWait`): process, node and
/// rack have their keys; `NO_PREF` and `ANY` wait 0.
fn wait_for(level: Locality, waits: &LocalityWait) -> SimDuration {
    match level {
        Locality::ProcessLocal => waits.process,
        Locality::NodeLocal => waits.node,
        Locality::RackLocal => waits.rack,
        Locality::NoPref | Locality::Any => SimDuration::ZERO,
    }
}

/// A stack of pending task indices: the lowest index on top, launched
/// entries removed lazily when met (as Spark's `dequeueTaskFromList`).
type Pending = Vec<u32>;

/// One stage's tasks and their locality state (`TaskSetManager`).
#[derive(Clone, Debug)]
pub struct TaskSet {
    /// Preferred hosts of every task, concatenated; task `i`'s are
    /// `prefs[starts[i]..starts[i + 1]]` (the replicas of its block).
    prefs: Vec<AgentId>,
    starts: Vec<u32>,
    launched: Vec<bool>,
    pending: usize,
    for_host: BTreeMap<AgentId, Pending>,
    for_rack: BTreeMap<u32, Pending>,
    no_prefs: Pending,
    all: Pending,
    waits: LocalityWait,
    levels: Vec<Locality>,
    level_waits: Vec<SimDuration>,
    current: usize,
    last_launch: SimTime,
}

impl TaskSet {
    /// A task set of `tasks` tasks created `now`; `prefs` holds `per_task`
    /// preferred hosts for each task (`per_task = 0`: no preferences).
    pub fn new(
        tasks: usize,
        prefs: Vec<AgentId>,
        per_task: usize,
        hosts: &Hosts,
        waits: LocalityWait,
        now: SimTime,
    ) -> TaskSet {
        assert_eq!(prefs.len(), tasks * per_task, "prefs per task");
        let starts = (0..=tasks).map(|i| (i * per_task) as u32).collect();
        TaskSet::build(prefs, starts, hosts, waits, now)
    }

    /// A task set with each task's own list of preferred hosts.
    pub fn from_lists(
        lists: &[&[AgentId]],
        hosts: &Hosts,
        waits: LocalityWait,
        now: SimTime,
    ) -> TaskSet {
        let mut starts = vec![0u32];
        let mut prefs = Vec::new();
        for l in lists {
            prefs.extend_from_slice(l);
            starts.push(prefs.len() as u32);
        }
        TaskSet::build(prefs, starts, hosts, waits, now)
    }

    fn build(
        prefs: Vec<AgentId>,
        starts: Vec<u32>,
        hosts: &Hosts,
        waits: LocalityWait,
        now: SimTime,
    ) -> TaskSet {
        let tasks = starts.len() - 1;
        let mut set = TaskSet {
            prefs,
            starts,
            launched: vec![false; tasks],
            pending: tasks,
            for_host: BTreeMap::new(),
            for_rack: BTreeMap::new(),
            no_prefs: Vec::new(),
            all: Vec::with_capacity(tasks),
            waits,
            levels: Vec::new(),
            level_waits: Vec::new(),
            current: 0,
            last_launch: now,
        };
        // Tasks are added in reverse so that the lowest index is dequeued
        // first (`addPendingTask` over the indices reversed).
        for i in (0..tasks as u32).rev() {
            let (from, to) = (set.starts[i as usize], set.starts[i as usize + 1]);
            for j in from..to {
                let host = set.prefs[j as usize];
                set.for_host.entry(host).or_default().push(i);
                if let Some(r) = hosts.rack_of(host) {
                    set.for_rack.entry(r).or_default().push(i);
                }
            }
            if from == to {
                set.no_prefs.push(i);
            }
            set.all.push(i);
        }
        set.compute_levels(hosts);
        set
    }

    /// The hosts task `index` prefers.
    pub fn prefs_of(&self, index: u32) -> &[AgentId] {
        let i = index as usize;
        &self.prefs[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Tasks not launched yet.
    pub fn pending(&self) -> usize {
        self.pending
    }

    pub fn len(&self) -> usize {
        self.launched.len()
    }

    pub fn is_empty(&self) -> bool {
        self.launched.is_empty()
    }

    /// The valid levels, best first.
    pub fn levels(&self) -> &[Locality] {
        &self.levels
    }

    /// The level delay scheduling currently allows at most.
    pub fn current_level(&self) -> Locality {
        self.levels[self.current]
    }

    /// `computeValidLocalityLevels`. Map keys count even when their
    /// stacks hold only launched tasks not yet cleaned away, as in Spark.
    fn compute_levels(&mut self, hosts: &Hosts) {
        let mut levels = Vec::with_capacity(4);
        if !self.for_host.is_empty() && self.for_host.keys().any(|h| hosts.is_alive(*h)) {
            levels.push(Locality::NodeLocal);
        }
        if !self.no_prefs.is_empty() {
            levels.push(Locality::NoPref);
        }
        if !self.for_rack.is_empty() && self.for_rack.keys().any(|r| hosts.rack_alive(*r)) {
            levels.push(Locality::RackLocal);
        }
        levels.push(Locality::Any);
        self.level_waits = levels.iter().map(|l| wait_for(*l, &self.waits)).collect();
        self.levels = levels;
    }

    /// `recomputeLocality`, after an executor joined or left: the levels
    /// are recomputed and the current one kept (or the next valid below).
    pub fn recompute(&mut self, hosts: &Hosts) {
        if self.pending == 0 {
            return;
        }
        let previous = self.levels[self.current];
        self.compute_levels(hosts);
        self.current = self.index_of(previous);
    }

    /// `getLocalityIndex`: the first valid level at or below `level`.
    fn index_of(&self, level: Locality) -> usize {
        let mut i = 0;
        while level > self.levels[i] {
            i += 1;
        }
        i
    }

    /// `tasksNeedToBeScheduledFrom`: drops launched tasks off the top;
    /// whether one is left.
    fn clean(stack: &mut Pending, launched: &[bool]) -> bool {
        while let Some(&top) = stack.last() {
            if !launched[top as usize] {
                return true;
            }
            stack.pop();
        }
        false
    }

    /// `moreTasksToRunIn`: some host (rack) still has a pending task.
    /// Emptied keys met on the way are removed.
    fn more_in<K: Ord + Copy>(map: &mut BTreeMap<K, Pending>, launched: &[bool]) -> bool {
        let mut empty = Vec::new();
        let mut found = false;
        for (k, stack) in map.iter_mut() {
            if Self::clean(stack, launched) {
                found = true;
                break;
            }
            empty.push(*k);
        }
        for k in empty {
            map.remove(&k);
        }
        found
    }

    /// `getAllowedLocalityLevel(now)`.
    fn allowed_level(&mut self, now: SimTime) -> Locality {
        while self.current < self.levels.len() - 1 {
            let more = match self.levels[self.current] {
                Locality::NodeLocal => Self::more_in(&mut self.for_host, &self.launched),
                Locality::NoPref => !self.no_prefs.is_empty(),
                Locality::RackLocal => Self::more_in(&mut self.for_rack, &self.launched),
                Locality::ProcessLocal | Locality::Any => false,
            };
            if !more {
                // Nothing to wait for at this level (SPARK-4939).
                self.last_launch = now;
                self.current += 1;
            } else if now.since(self.last_launch) >= self.level_waits[self.current] {
                // The wait expired: one level down, the clock moves on by
                // the wait so the next level's wait starts from there.
                self.last_launch += self.level_waits[self.current];
                self.current += 1;
            } else {
                return self.levels[self.current];
            }
        }
        self.levels[self.current]
    }

    fn pop(stack: &mut Pending, launched: &[bool]) -> Option<u32> {
        if Self::clean(stack, launched) {
            stack.pop()
        } else {
            None
        }
    }

    /// `dequeueTask(host, maxLocality)`: node-local tasks for the host,
    /// then no-pref tasks (reported as `PROCESS_LOCAL`, as Spark does), then
    /// rack-local, then any.
    fn dequeue(
        &mut self,
        host: AgentId,
        rack: Option<u32>,
        max: Locality,
    ) -> Option<(u32, Locality)> {
        let launched = &self.launched;
        if max.allows(Locality::NodeLocal)
            && let Some(stack) = self.for_host.get_mut(&host)
            && let Some(i) = Self::pop(stack, launched)
        {
            return Some((i, Locality::NodeLocal));
        }
        if max.allows(Locality::NoPref)
            && let Some(i) = Self::pop(&mut self.no_prefs, launched)
        {
            return Some((i, Locality::ProcessLocal));
        }
        if max.allows(Locality::RackLocal)
            && let Some(r) = rack
            && let Some(stack) = self.for_rack.get_mut(&r)
            && let Some(i) = Self::pop(stack, launched)
        {
            return Some((i, Locality::RackLocal));
        }
        if max.allows(Locality::Any)
            && let Some(i) = Self::pop(&mut self.all, launched)
        {
            return Some((i, Locality::Any));
        }
        None
    }

    /// Only the tasks `keep` (ascending) run: the others count as launched
    /// already (a stage submitted again for its missing partitions, Spark
    /// 3.0 `DAGScheduler.submitMissingTasks`). Their entries leave the
    /// pending lists lazily, as launched ones do.
    pub fn keep_only(&mut self, keep: &[u32], hosts: &Hosts) {
        let mut k = keep.iter().peekable();
        for i in 0..self.launched.len() as u32 {
            if k.peek() == Some(&&i) {
                k.next();
            } else if !self.launched[i as usize] {
                self.launched[i as usize] = true;
                self.pending -= 1;
            }
        }
        self.compute_levels(hosts);
    }

    /// A launched task failed or was lost with its executor: it is pending
    /// again (`addPendingTask`), on top of its lists, so it is the next
    /// taken at its level.
    pub fn task_failed(&mut self, index: u32, hosts: &Hosts) {
        let i = index as usize;
        if !self.launched[i] {
            return;
        }
        self.launched[i] = false;
        self.pending += 1;
        let prefs = self.prefs_of(index).to_vec();
        for host in &prefs {
            self.for_host.entry(*host).or_default().push(index);
            if let Some(r) = hosts.rack_of(*host) {
                self.for_rack.entry(r).or_default().push(index);
            }
        }
        if prefs.is_empty() {
            self.no_prefs.push(index);
        }
        self.all.push(index);
    }

    /// `resourceOffer(exec, host, maxLocality)`: the task to launch on
    /// `host` now, if delay scheduling allows one, with its level.
    pub fn resource_offer(
        &mut self,
        host: AgentId,
        hosts: &Hosts,
        max: Locality,
        now: SimTime,
    ) -> Option<(u32, Locality)> {
        if self.pending == 0 {
            return None;
        }
        let mut allowed = max;
        if max != Locality::NoPref {
            allowed = self.allowed_level(now).min(max);
        }
        let (index, level) = self.dequeue(host, hosts.rack_of(host), allowed)?;
        self.launched[index as usize] = true;
        self.pending -= 1;
        if max != Locality::NoPref {
            self.current = self.index_of(level);
            self.last_launch = now;
        }
        Some((index, level))
    }
}

/// Free cores of one executor, offered to the task scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerOffer {
    pub executor: u64,
    pub host: AgentId,
    pub cores: u32,
}

/// One launch decided by [`resource_offers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// Index of the worker offer in the slice given.
    pub offer: usize,
    /// Index of the task set in the slice given.
    pub task_set: usize,
    /// The task's index in its set.
    pub index: u32,
    pub locality: Locality,
}

/// `TaskSchedulerImpl.resourceOffers`: `task_sets` in scheduling (FIFO)
/// order; each task takes `task_cpus` cores of its offer.
pub fn resource_offers(
    task_sets: &mut [&mut TaskSet],
    offers: &[WorkerOffer],
    hosts: &Hosts,
    task_cpus: u32,
    now: SimTime,
    rng: &mut dyn Rng,
) -> Vec<Assignment> {
    let mut out = Vec::new();
    resource_offers_into(
        task_sets.iter_mut().map(|s| &mut **s),
        offers,
        hosts,
        task_cpus,
        now,
        rng,
        &mut OfferScratch::default(),
        &mut out,
    );
    out
}

/// Buffers [`resource_offers_into`] reuses from call to call.
#[derive(Clone, Debug, Default)]
pub struct OfferScratch {
    order: Vec<usize>,
    free: Vec<u32>,
}

/// [`resource_offers`] over task sets in any iterable, appending the
/// launches to `out` and reusing `scratch`'s buffers (the simulator calls
/// it once per finished task).
#[allow(clippy::too_many_arguments)]
pub fn resource_offers_into<'s>(
    task_sets: impl IntoIterator<Item = &'s mut TaskSet>,
    offers: &[WorkerOffer],
    hosts: &Hosts,
    task_cpus: u32,
    now: SimTime,
    rng: &mut dyn Rng,
    scratch: &mut OfferScratch,
    out: &mut Vec<Assignment>,
) {
    let task_cpus = task_cpus.max(1);
    let order = &mut scratch.order;
    order.clear();
    order.extend((0..offers.len()).filter(|&i| offers[i].cores >= task_cpus));
    // `shuffleOffers`: a random permutation. Offers without a free task
    // slot can take nothing, so they are left out before shuffling.
    shuffle(order, rng);
    let free = &mut scratch.free;
    free.clear();
    free.extend(offers.iter().map(|o| o.cores));
    let mut usable = order.len();
    for (s, set) in task_sets.into_iter().enumerate() {
        if usable == 0 {
            break;
        }
        if set.pending() == 0 {
            continue;
        }
        // Offering tasks never changes a set's valid levels.
        for level in 0..set.levels().len() {
            let max = set.levels()[level];
            loop {
                let mut launched = false;
                for &o in order.iter() {
                    if free[o] < task_cpus {
                        continue;
                    }
                    if let Some((index, locality)) =
                        set.resource_offer(offers[o].host, hosts, max, now)
                    {
                        free[o] -= task_cpus;
                        if free[o] < task_cpus {
                            usable -= 1;
                        }
                        out.push(Assignment {
                            offer: o,
                            task_set: s,
                            index,
                            locality,
                        });
                        launched = true;
                    }
                }
                if !launched || usable == 0 {
                    break;
                }
            }
            if usable == 0 {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests;
