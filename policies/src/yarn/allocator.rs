//! Spark's `YarnAllocator`, the ApplicationMaster's side of executors on
//! YARN, as a pure state machine (Spark 3.0
//! `deploy/yarn/YarnAllocator.scala`, reference standalone-yarn-local.md
//! §2.3–§2.7):
//!
//! - the driver sets a target (`requestTotalExecutors`), with its
//!   locality hints under dynamic allocation;
//! - `updateResourceRequests` keeps `target − pending − starting −
//!   running` container requests outstanding: when short it cancels stale
//!   requests and places new ones ([`super::placement`]); when over it
//!   cancels pending ones (stale, then locality-free, then local);
//! - granted containers are matched to requests by host, then rack (every
//!   node is on Hadoop's `/default-rack` here), then anywhere; unmatched
//!   ones are released; a matched container is launched while fewer than
//!   the target run, else skipped — neither used nor released, its
//!   executor id spent (the 2.1–3.x quirk, §2.6);
//! - a completed container that Spark did not release counts as an
//!   executor failure when its exit status says the app caused it (§2.7);
//!   at `maxNumExecutorFailures` the AM fails the app (exit 11, §2.3).

use std::collections::{BTreeMap, BTreeSet};

use super::container::Capability;
use super::placement::{PlacementInput, Preference, locality_of_requested_containers};
use crate::spark::SparkVersion;

/// The AM's first allocation interval and its heartbeat
/// (`spark.yarn.scheduler.initial-allocation.interval` 200 ms,
/// `spark.yarn.scheduler.heartbeat.interval-ms` 3 s; Spark 3.0
/// `ApplicationMaster`, reference standalone-yarn-local.md §2.3), in µs.
pub const INITIAL_INTERVAL_US: u64 = 200_000;
pub const HEARTBEAT_US: u64 = 3_000_000;

/// One outstanding container request (priority 1, the executor's size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRequest {
    /// Preferred hosts (`None`: anywhere).
    pub nodes: Option<Vec<usize>>,
}

/// A container granted by the ResourceManager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Container {
    pub id: u64,
    pub node: usize,
    pub capability: Capability,
}

/// How a container ended, as YARN reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exit status 0.
    Success,
    /// −102: preempted.
    Preempted,
    /// −103 / −104: killed for exceeding its memory.
    MemoryExceeded,
    /// −100, −101, −105, −106, −107: aborted, lost node, disks, killed by
    /// the AM or RM, after app completion.
    NotCausedByApp,
    /// Any other status (1, 137, 143, …).
    Failed,
}

impl Exit {
    /// Whether it counts toward `maxNumExecutorFailures` (3.0; 2.4.1+
    /// after SPARK-26269, §2.7). Before 2.4.1 every status but 0, −102,
    /// −103 and −104 counts, a lost node's −100 included (§2.10).
    pub fn counts_as_failure(self, version: SparkVersion) -> bool {
        match self {
            Exit::Failed => true,
            Exit::NotCausedByApp => version < SparkVersion::V2_4,
            _ => false,
        }
    }
}

/// What the allocator does with granted containers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handled {
    /// Launch these (executor id, container).
    pub launch: Vec<(u32, Container)>,
    /// Matched but skipped (the target was reached): kept, not released.
    pub skipped: Vec<Container>,
    /// Matched no request: released.
    pub release: Vec<Container>,
}

/// The allocator's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocatorConf {
    /// The executor container (normalized by the ResourceManager).
    pub capability: Capability,
    pub task_cpus: u32,
    pub executor_cores: u32,
    pub max_executor_failures: u32,
    /// Node exclusion on launch failures: (failures per node it takes,
    /// how long a node stays excluded in µs); `None` when off (the
    /// default, §2.7).
    pub exclusion: Option<(u32, u64)>,
    /// The app's Spark release, for the allocator's rules that changed
    /// (reference standalone-yarn-local.md §2.10).
    pub version: SparkVersion,
}

/// `spark.yarn.scheduler.reporterThread.maxFailures` (5): exceptions in a
/// row from `allocateResources` after which the AM fails the app (exit
/// code 12, Spark 1.6 `ApplicationMaster.launchReporterThread`).
pub const REPORTER_MAX_FAILURES: u32 = 5;

#[derive(Clone, Debug)]
pub struct YarnAllocator {
    pub conf: AllocatorConf,
    target: u32,
    /// Requests in the AMRM client, in the order they were added.
    pending: Vec<ContainerRequest>,
    /// Containers handed to a launcher, not yet started, by executor id.
    starting: BTreeMap<u32, Container>,
    /// Containers launched by their NodeManager, by executor id.
    running: BTreeMap<u32, Container>,
    /// The last executor id handed out ("1", "2", …).
    executor_id_counter: u32,
    failed: u32,
    released: BTreeSet<u64>,
    /// Counted failures per node, and nodes excluded until a time (µs).
    host_failures: BTreeMap<usize, u32>,
    excluded: BTreeMap<usize, u64>,
    locality_aware_tasks: u32,
    host_tasks: BTreeMap<usize, u32>,
    /// The AM's next sleep while requests are pending (µs).
    next_interval_us: u64,
    /// Before 2.4 the running count is a bare counter
    /// (`numExecutorsRunning`) that can drift from the containers it
    /// stands for: up by one when 1.6's launch assertion fails, down by
    /// one for each container that completes unreleased without being
    /// counted (an expired skipped or leaked one). This is the drift.
    drift: i64,
    /// 1.6: `allocateResources` calls in a row that threw (the launch
    /// assertion).
    reporter_failures: u32,
}

impl YarnAllocator {
    /// `initial_target`: `SchedulerBackendUtils.getInitialTargetExecutorNumber`.
    pub fn new(conf: AllocatorConf, initial_target: u32) -> YarnAllocator {
        YarnAllocator {
            conf,
            target: initial_target,
            pending: Vec::new(),
            starting: BTreeMap::new(),
            running: BTreeMap::new(),
            executor_id_counter: 0,
            failed: 0,
            released: BTreeSet::new(),
            host_failures: BTreeMap::new(),
            excluded: BTreeMap::new(),
            locality_aware_tasks: 0,
            host_tasks: BTreeMap::new(),
            next_interval_us: INITIAL_INTERVAL_US,
            drift: 0,
            reporter_failures: 0,
        }
    }

    pub fn target(&self) -> u32 {
        self.target
    }

    pub fn pending(&self) -> &[ContainerRequest] {
        &self.pending
    }

    pub fn starting(&self) -> u32 {
        self.starting.len() as u32
    }

    pub fn running(&self) -> u32 {
        self.running.len() as u32
    }

    pub fn failed(&self) -> u32 {
        self.failed
    }

    /// `numExecutorsRunning` as the release counts it: 1.6 counts a
    /// container from its allocation (no "starting"); 2.0–2.3 from its
    /// launch; 2.4+ keeps a set of running executors. Before 2.4 the
    /// counter's drift is added.
    fn running_count(&self) -> i64 {
        let v = self.conf.version;
        let mut n = self.running.len() as i64;
        if v.is_1_6() {
            n += self.starting.len() as i64;
        }
        if v < SparkVersion::V2_4_0 {
            n += self.drift;
        }
        n
    }

    /// The container an executor runs in (starting or running).
    /// The executors (starting or running) whose containers are on
    /// `node`, by id.
    pub fn containers_on(&self, node: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .starting
            .iter()
            .chain(self.running.iter())
            .filter(|(_, c)| c.node == node)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    pub fn container_of(&self, id: u32) -> Option<Container> {
        self.running
            .get(&id)
            .or_else(|| self.starting.get(&id))
            .copied()
    }

    /// `requestTotalExecutorsWithPreferredLocalities`: true when the target
    /// changed (the AM then wakes early, `resetAllocatorInterval`).
    pub fn request_total(
        &mut self,
        target: u32,
        locality_aware_tasks: u32,
        host_tasks: BTreeMap<usize, u32>,
    ) -> bool {
        self.locality_aware_tasks = locality_aware_tasks;
        self.host_tasks = host_tasks;
        if target != self.target {
            self.target = target;
            self.next_interval_us = INITIAL_INTERVAL_US;
            true
        } else {
            false
        }
    }

    /// `updateResourceRequests` (3.x, §2.4): returns how many requests it
    /// cancelled and added. The containers still starting count as
    /// missing's subtrahend from 2.3 (before, 2.0–2.2 ask again for them;
    /// 1.6 counts them as running from their allocation). 1.6 places
    /// requests its own way ([`YarnAllocator::update_requests_16`]).
    pub fn update_resource_requests(&mut self) -> (usize, usize) {
        let starting = if self.conf.version >= SparkVersion::V2_3 {
            self.starting.len() as i64
        } else {
            0
        };
        let missing =
            i64::from(self.target) - self.pending.len() as i64 - starting - self.running_count();
        if self.conf.version.is_1_6() {
            return self.update_requests_16(missing);
        }
        let preferred = |r: &ContainerRequest| match &r.nodes {
            Some(ns) => ns.iter().any(|h| self.host_tasks.contains_key(h)),
            None => false,
        };
        // local / stale / any-host, keeping the client's order.
        let mut local = Vec::new();
        let mut stale = Vec::new();
        let mut any = Vec::new();
        for (i, r) in self.pending.iter().enumerate() {
            match &r.nodes {
                None => any.push(i),
                Some(_) if preferred(r) => local.push(i),
                Some(_) => stale.push(i),
            }
        }
        let mut cancel: BTreeSet<usize> = BTreeSet::new();
        let mut added = Vec::new();
        if missing > 0 {
            cancel.extend(stale.iter().copied());
            let avail = missing as usize + stale.len();
            let matched: Vec<Vec<usize>> = local
                .iter()
                .filter_map(|&i| self.pending[i].nodes.clone())
                .collect();
            let prefs = self.place((avail + any.len()) as u32, &matched);
            let located: Vec<Vec<usize>> = prefs.into_iter().flatten().collect();
            if avail >= located.len() {
                added.extend(
                    located
                        .into_iter()
                        .map(|n| ContainerRequest { nodes: Some(n) }),
                );
                added.extend((0..avail - added.len()).map(|_| ContainerRequest { nodes: None }));
            } else {
                let extra = located.len() - avail;
                cancel.extend(any.iter().take(extra).copied());
                added.extend(
                    located
                        .into_iter()
                        .map(|n| ContainerRequest { nodes: Some(n) }),
                );
            }
        } else if missing < 0 && !self.pending.is_empty() {
            let n = (-missing as usize).min(self.pending.len());
            cancel.extend(stale.iter().chain(&any).chain(&local).take(n).copied());
        }
        self.apply_changes(&cancel, added)
    }

    /// Cancels the pending requests at the indices `cancel`, then adds
    /// `added`; returns how many were cancelled and added.
    fn apply_changes(
        &mut self,
        cancel: &BTreeSet<usize>,
        added: Vec<ContainerRequest>,
    ) -> (usize, usize) {
        let counts = (cancel.len(), added.len());
        let mut i = 0;
        self.pending.retain(|_| {
            let keep = !cancel.contains(&i);
            i += 1;
            keep
        });
        self.pending.extend(added);
        counts
    }

    /// Where `containers` new requests should ask for
    /// (`LocalityPreferredContainerPlacementStrategy`, §2.5), given the
    /// driver's hints, the containers starting or running per node, and
    /// the node lists of the pending requests that still match a hint.
    fn place(&self, containers: u32, matched: &[Vec<usize>]) -> Vec<Preference> {
        let allocated: BTreeMap<usize, u32> = self
            .running
            .values()
            .chain(self.starting.values())
            .fold(BTreeMap::new(), |mut m, c| {
                *m.entry(c.node).or_insert(0) += 1;
                m
            });
        locality_of_requested_containers(&PlacementInput {
            containers,
            locality_aware_tasks: self.locality_aware_tasks,
            host_tasks: &self.host_tasks,
            allocated: &allocated,
            matched_pending: matched,
            task_cpus: self.conf.task_cpus,
            executor_cores: self.conf.executor_cores,
        })
    }

    /// Spark 1.6.0 `YarnAllocator.updateResourceRequests` (reference
    /// standalone-yarn-local.md §2.4): when short, cancel every stale and
    /// every locality-free request and place `missing` + those again;
    /// when over, cancel the first pending requests in the client's order.
    fn update_requests_16(&mut self, missing: i64) -> (usize, usize) {
        let mut cancel: BTreeSet<usize> = BTreeSet::new();
        let mut added = Vec::new();
        if missing > 0 {
            let mut matched: Vec<Vec<usize>> = Vec::new();
            for (i, r) in self.pending.iter().enumerate() {
                match &r.nodes {
                    Some(ns) if ns.iter().any(|h| self.host_tasks.contains_key(h)) => {
                        matched.push(ns.clone())
                    }
                    _ => {
                        cancel.insert(i);
                    }
                }
            }
            let prefs = self.place((missing as usize + cancel.len()) as u32, &matched);
            added.extend(prefs.into_iter().map(|nodes| ContainerRequest { nodes }));
        } else if missing < 0 {
            let n = (-missing as usize).min(self.pending.len());
            cancel.extend(0..n);
        }
        self.apply_changes(&cancel, added)
    }

    /// `handleAllocatedContainers` then `runAllocatedContainers` (§2.6).
    ///
    /// Spark 1.6 counts each matched container as running before it
    /// launches, under an assertion that the count stays within the
    /// target: a container beyond it throws, so the counter keeps the
    /// extra one, that container and the rest of the batch are neither
    /// launched nor released (returned in `skipped`, held until YARN
    /// expires them), and the reporter thread counts a failure
    /// (SPARK-17511 replaced the assertion with the skip in 2.1; 2.0 is
    /// given the skip too, see docs/spark-versions.md).
    pub fn handle_allocated(&mut self, containers: &[Container]) -> Handled {
        let mut out = Handled::default();
        let mut matched: Vec<Container> = Vec::new();
        let mut left: Vec<Container> = containers.to_vec();
        // By host, by rack (all nodes on /default-rack: any request with a
        // node list), then anywhere.
        type Pass = fn(&ContainerRequest, usize) -> bool;
        let passes: [Pass; 3] = [
            |r, node| r.nodes.as_ref().is_some_and(|ns| ns.contains(&node)),
            |r, _| r.nodes.is_some(),
            |_, _| true,
        ];
        for pass in passes {
            let mut rest = Vec::new();
            for c in left {
                match self.pending.iter().position(|r| pass(r, c.node)) {
                    Some(i) => {
                        self.pending.remove(i);
                        matched.push(c);
                    }
                    None => rest.push(c),
                }
            }
            left = rest;
        }
        for c in &left {
            self.released.insert(c.id);
        }
        out.release = left;
        let v16 = self.conf.version.is_1_6();
        let mut threw = false;
        for c in matched {
            if threw {
                out.skipped.push(c);
                continue;
            }
            if v16 && self.running_count() >= i64::from(self.target) {
                // numExecutorsRunning += 1, then the assertion fails.
                self.drift += 1;
                threw = true;
                out.skipped.push(c);
                continue;
            }
            self.executor_id_counter += 1;
            let id = self.executor_id_counter;
            if v16 || (self.running.len() as u32) < self.target {
                self.starting.insert(id, c);
                out.launch.push((id, c));
            } else {
                out.skipped.push(c);
            }
        }
        if v16 {
            self.reporter_failures = if threw { self.reporter_failures + 1 } else { 0 };
        }
        out
    }

    /// A container the AM neither launched nor released (skipped, or left
    /// by 1.6's assertion) reached YARN's allocation expiry: it completes
    /// with −100 (ABORTED), unreleased. Before 2.4.1 that counts as an
    /// executor failure, and before 2.4 the running counter drops by one
    /// for it (§2.6, §2.7, §2.10). True when it counted.
    pub fn allocation_expired(&mut self) -> bool {
        if self.conf.version < SparkVersion::V2_4_0 {
            self.drift -= 1;
        }
        if Exit::NotCausedByApp.counts_as_failure(self.conf.version) {
            self.failed += 1;
            return true;
        }
        false
    }

    /// The NodeManager started the executor's container.
    pub fn container_started(&mut self, id: u32) {
        if let Some(c) = self.starting.remove(&id) {
            self.running.insert(id, c);
        }
    }

    /// `killExecutor`: release its container (a second kill does nothing,
    /// 2.4+).
    pub fn kill_executor(&mut self, id: u32) -> Option<Container> {
        let c = self
            .running
            .remove(&id)
            .or_else(|| self.starting.remove(&id))?;
        self.released.insert(c.id);
        Some(c)
    }

    /// The attempt ends: every starting and running container is released
    /// (returned, for the ResourceManager's books).
    pub fn release_all(&mut self) -> Vec<Container> {
        let mut out: Vec<Container> = self
            .starting
            .values()
            .chain(self.running.values())
            .copied()
            .collect();
        out.sort_by_key(|c| c.id);
        self.starting.clear();
        self.running.clear();
        for c in &out {
            self.released.insert(c.id);
        }
        out
    }

    /// `processCompletedContainers` for one container of executor `id`
    /// that Spark did not release, at `now_us`: it leaves the books, and a
    /// failure caused by the app counts (§2.7); with node exclusion on, it
    /// counts against its node too, and a node past the allowed failures
    /// is excluded for the timeout (`YarnAllocatorBlacklistTracker`). True
    /// when it counted.
    pub fn container_completed(&mut self, id: u32, exit: Exit, now_us: u64) -> bool {
        let Some(c) = self
            .running
            .remove(&id)
            .or_else(|| self.starting.remove(&id))
        else {
            return false;
        };
        if self.released.remove(&c.id) || !exit.counts_as_failure(self.conf.version) {
            return false;
        }
        self.failed += 1;
        if let Some((max, timeout)) = self.conf.exclusion
            && !self.is_excluded(c.node, now_us)
        {
            let n = self.host_failures.entry(c.node).or_insert(0);
            *n += 1;
            if *n > max {
                self.excluded.insert(c.node, now_us + timeout);
            }
        }
        true
    }

    fn is_excluded(&self, node: usize, now_us: u64) -> bool {
        self.excluded
            .get(&node)
            .is_some_and(|&until| until > now_us)
    }

    /// The nodes the allocator excludes at `now_us`, ascending (sent to
    /// the ResourceManager with each `allocate`).
    pub fn excluded_nodes(&self, now_us: u64) -> Vec<usize> {
        self.excluded
            .iter()
            .filter(|&(_, &until)| until > now_us)
            .map(|(&n, _)| n)
            .collect()
    }

    /// The reporter thread's check before each allocation: the app fails
    /// at `maxNumExecutorFailures`, or when every one of the cluster's
    /// `nodes` is excluded (exit code 11).
    pub fn must_fail(&self, nodes: usize, now_us: u64) -> bool {
        self.failed >= self.conf.max_executor_failures
            || self.reporter_failures >= REPORTER_MAX_FAILURES
            || (nodes > 0 && self.excluded_nodes(now_us).len() >= nodes)
    }

    /// The AM's sleep after an allocation: 200 ms doubling up to the 3 s
    /// heartbeat while requests are pending, else the heartbeat (§2.3).
    pub fn next_sleep_us(&mut self) -> u64 {
        if self.pending.is_empty() {
            self.next_interval_us = INITIAL_INTERVAL_US;
            HEARTBEAT_US
        } else {
            let sleep = self.next_interval_us.min(HEARTBEAT_US);
            self.next_interval_us = sleep * 2;
            sleep
        }
    }
}

/// `maxNumExecutorFailures` (Spark 3.0 `ApplicationMaster`, §2.3):
/// `spark.yarn.max.executor.failures` if set, else `max(3, 2 × N)` with N
/// the dynamic allocation maximum (no limit when that is unset) or the
/// explicitly set `spark.executor.instances` (0 when unset). 2.0+ guards
/// the doubling of a maximum above Int.MaxValue / 2 (no limit); 1.6 reads
/// an unset maximum as 0 and lets a large one overflow, both giving 3.
pub fn max_executor_failures(
    set: Option<u32>,
    dynamic_max: Option<u32>,
    instances_set: Option<u32>,
    version: SparkVersion,
) -> u32 {
    if let Some(n) = set {
        return n;
    }
    match dynamic_max {
        Some(m) if m >= (i32::MAX as u32) / 2 && version.is_1_6() => 3,
        Some(m) if m >= (i32::MAX as u32) / 2 => i32::MAX as u32,
        Some(m) => (2 * m).max(3),
        None => (2 * instances_set.unwrap_or(0)).max(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf() -> AllocatorConf {
        AllocatorConf {
            capability: Capability {
                mem_mb: 2048,
                vcores: 1,
            },
            task_cpus: 1,
            executor_cores: 1,
            max_executor_failures: 3,
            exclusion: None,
            version: SparkVersion::V3_0,
        }
    }

    fn container(id: u64, node: usize) -> Container {
        Container {
            id,
            node,
            capability: conf().capability,
        }
    }

    #[test]
    fn requests_follow_the_target_and_containers_arrive() {
        // YarnAllocatorSuite "single container allocated" and friends.
        let mut a = YarnAllocator::new(conf(), 4);
        assert_eq!(a.update_resource_requests(), (0, 4));
        assert_eq!(a.pending().len(), 4);
        // Two containers granted: launched, two requests left.
        let h = a.handle_allocated(&[container(1, 0), container(2, 1)]);
        assert_eq!(
            h.launch.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!((a.pending().len(), a.starting(), a.running()), (2, 2, 0));
        a.container_started(1);
        assert_eq!((a.starting(), a.running()), (1, 1));
        // Nothing missing: no change.
        assert_eq!(a.update_resource_requests(), (0, 0));
        // Target down to 1: missing = 1 − 2 − 1 − 1 = −3, both pending go.
        a.request_total(1, 0, BTreeMap::new());
        assert_eq!(a.target(), 1);
        assert_eq!(a.update_resource_requests(), (2, 0));
        assert!(a.pending().is_empty());
        // Target up to 5: 5 − 0 − 1 − 1 = 3 new requests.
        assert!(a.request_total(5, 0, BTreeMap::new()));
        assert_eq!(a.update_resource_requests(), (0, 3));
    }

    #[test]
    fn surplus_containers_are_skipped_and_unmatched_ones_released() {
        let mut a = YarnAllocator::new(conf(), 1);
        a.update_resource_requests();
        // Three containers for one request: one matched and launched, two
        // match nothing and are released.
        let h = a.handle_allocated(&[container(1, 0), container(2, 0), container(3, 1)]);
        assert_eq!(h.launch.len(), 1);
        assert_eq!(
            h.release.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![2, 3]
        );
        a.container_started(1);
        // A request outstanding while the target is reached (raced): the
        // container is matched, but 1 running ≥ target 1: skipped, not
        // released, its id (2) spent.
        a.request_total(2, 0, BTreeMap::new());
        a.update_resource_requests();
        a.request_total(1, 0, BTreeMap::new());
        let h = a.handle_allocated(&[container(4, 1)]);
        assert_eq!(
            (h.launch.len(), h.skipped.len(), h.release.len()),
            (0, 1, 0)
        );
        a.request_total(2, 0, BTreeMap::new());
        a.update_resource_requests();
        let h = a.handle_allocated(&[container(5, 1)]);
        assert_eq!(
            h.launch[0].0, 3,
            "executor id 2 was spent on the skipped container"
        );
    }

    #[test]
    fn failures_count_unless_released_or_not_the_apps_fault() {
        let mut a = YarnAllocator::new(conf(), 3);
        a.update_resource_requests();
        let h = a.handle_allocated(&[container(1, 0), container(2, 0), container(3, 0)]);
        for (id, _) in &h.launch {
            a.container_started(*id);
        }
        // A killed executor's completion does not count.
        assert!(a.kill_executor(1).is_some());
        assert!(a.kill_executor(1).is_none());
        assert!(!a.container_completed(1, Exit::Failed, 0));
        assert!(!a.container_completed(2, Exit::MemoryExceeded, 0));
        assert!(a.container_completed(3, Exit::Failed, 0));
        assert_eq!(a.failed(), 1);
        // The target still wants 3: all three replaced.
        a.request_total(3, 0, BTreeMap::new());
        assert_eq!(a.update_resource_requests(), (0, 3));
        assert!(!a.must_fail(4, 0));
    }

    #[test]
    fn nodes_past_the_failure_limit_are_excluded_for_the_timeout() {
        // YarnAllocatorBlacklistTrackerSuite: 2 failures allowed per node,
        // excluded on the third, for 10 s.
        let mut c = conf();
        c.exclusion = Some((2, 10_000_000));
        c.max_executor_failures = 100;
        let mut a = YarnAllocator::new(c, 3);
        let mut next = 0;
        let mut fail_on = |a: &mut YarnAllocator, node: usize, now: u64| {
            next += 1;
            a.request_total(1 + a.running(), 0, BTreeMap::new());
            a.update_resource_requests();
            let h = a.handle_allocated(&[container(next, node)]);
            let (id, _) = h.launch[0];
            a.container_started(id);
            assert!(a.container_completed(id, Exit::Failed, now));
        };
        fail_on(&mut a, 0, 1);
        fail_on(&mut a, 0, 2);
        assert!(a.excluded_nodes(2).is_empty());
        fail_on(&mut a, 0, 3);
        assert_eq!(a.excluded_nodes(3), vec![0]);
        assert_eq!(a.excluded_nodes(10_000_003), Vec::<usize>::new());
        // Every node of a 1-node cluster excluded: the AM fails the app.
        assert!(a.must_fail(1, 5));
        assert!(!a.must_fail(2, 5));
        // Off (the default): nothing is excluded.
        let mut b = YarnAllocator::new(conf(), 3);
        for t in 0..4 {
            fail_on(&mut b, 0, t);
        }
        assert!(b.excluded_nodes(4).is_empty());
    }

    #[test]
    fn the_allocation_interval_doubles_while_requests_wait() {
        let mut a = YarnAllocator::new(conf(), 2);
        a.update_resource_requests();
        let sleeps: Vec<u64> = (0..6).map(|_| a.next_sleep_us() / 1000).collect();
        assert_eq!(sleeps, vec![200, 400, 800, 1600, 3000, 3000]);
        a.handle_allocated(&[container(1, 0), container(2, 0)]);
        assert_eq!(a.next_sleep_us(), HEARTBEAT_US);
        // A new target resets it.
        a.request_total(3, 0, BTreeMap::new());
        a.update_resource_requests();
        assert_eq!(a.next_sleep_us(), INITIAL_INTERVAL_US);
    }

    #[test]
    fn locality_hints_place_requests_and_stale_ones_are_cancelled() {
        let mut a = YarnAllocator::new(conf(), 2);
        // Two tasks prefer host 3.
        a.request_total(2, 2, [(3, 2)].into_iter().collect());
        assert_eq!(a.update_resource_requests(), (0, 2));
        assert!(a.pending().iter().all(|r| r.nodes == Some(vec![3])));
        // The hints move to host 5: the host-3 requests are stale, cancelled
        // and re-placed on host 5.
        a.request_total(3, 3, [(5, 3)].into_iter().collect());
        assert_eq!(a.update_resource_requests(), (2, 3));
        assert!(a.pending().iter().all(|r| r.nodes == Some(vec![5])));
        // A container on host 5 matches by host.
        let h = a.handle_allocated(&[container(1, 5)]);
        assert_eq!(h.launch.len(), 1);
    }

    #[test]
    fn max_executor_failures_defaults() {
        let v3 = SparkVersion::V3_0;
        assert_eq!(max_executor_failures(None, None, None, v3), 3);
        assert_eq!(max_executor_failures(None, None, Some(10), v3), 20);
        assert_eq!(max_executor_failures(None, Some(4), None, v3), 8);
        assert_eq!(
            max_executor_failures(None, Some(i32::MAX as u32), None, v3),
            i32::MAX as u32
        );
        assert_eq!(max_executor_failures(Some(1), Some(4), None, v3), 1);
        // 1.6: an unset (or huge) dynamic maximum gives 3 (§2.3, §2.10).
        let v16 = SparkVersion::V1_6;
        assert_eq!(
            max_executor_failures(None, Some(i32::MAX as u32), None, v16),
            3
        );
        assert_eq!(max_executor_failures(None, Some(4), None, v16), 8);
    }
}
