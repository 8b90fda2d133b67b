//! Spark's `ExecutorAllocationManager` (dynamic allocation), 3.0 semantics
//! (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4), as a pure state machine.
//!
//! The driver feeds it listener events (stage submitted, task started,
//! queue empty, executor added/busy/idle/removed) and calls [`schedule`]
//! every 100 ms with the current pending and running task counts; it
//! answers with requests to the backend: a new executor total, executors to
//! kill.
//!
//! [`schedule`]: AllocationManager::schedule
//!
//! Per tick (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.4, 3.0 order): executors idle past their deadline are the
//! removal candidates (and end `initializing`); then the target is updated:
//! lowered to `max(maxNeeded, min)` when fewer are needed (and the step reset
//! to 1), or raised by the exponential ramp when the backlog timer has fired
//! (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.5: add 1, 2, 4, … per round, capped by `maxNeeded` and `max`, the
//! step resetting on any cap); then the idle ones are removed, never below
//! `max(min, target)` (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.6, 2.3+), and the target is re-sent.
//! `maxNeeded = ceil((pending + running) × ratio / tasksPerExecutor)` (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.3).

use std::collections::BTreeMap;

use super::settings::DynamicAllocation;
use crate::time::{SimDuration, SimTime};

/// The schedule period (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.1).
pub const SCHEDULE_INTERVAL: SimDuration = SimDuration::from_millis(100);

/// What the manager asks of the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `requestTotalExecutors(n)`.
    Total(u32),
    /// `killExecutors(ids)`, without lowering the target (2.4+).
    Kill(Vec<u64>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ExecutorState {
    running: u32,
    /// Set while idle: when the idle timeout runs out.
    idle_deadline: Option<SimTime>,
    pending_removal: bool,
}

/// The manager of one application.
#[derive(Clone, Debug)]
pub struct AllocationManager {
    cfg: DynamicAllocation,
    target: u32,
    to_add: u32,
    add_time: Option<SimTime>,
    initializing: bool,
    executors: BTreeMap<u64, ExecutorState>,
    last_sent: Option<u32>,
}

impl AllocationManager {
    pub fn new(cfg: &DynamicAllocation) -> AllocationManager {
        AllocationManager {
            cfg: cfg.clone(),
            target: cfg.initial_target,
            to_add: 1,
            add_time: None,
            initializing: true,
            executors: BTreeMap::new(),
            last_sent: None,
        }
    }

    /// `start()` (2.0+): the initial target is sent at once (Spark 3.0 `CoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §4.8).
    pub fn start(&mut self) -> Vec<Request> {
        self.last_sent = Some(self.target);
        vec![Request::Total(self.target)]
    }

    pub fn target(&self) -> u32 {
        self.target
    }

    /// The executors the manager knows, pending removal included.
    pub fn executor_count(&self) -> usize {
        self.executors.len()
    }

    fn pending_removal(&self) -> usize {
        self.executors
            .values()
            .filter(|e| e.pending_removal)
            .count()
    }

    /// `maxNumExecutorsNeeded` (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.3, 2.4+ formula).
    pub fn max_needed(&self, pending: u64, running: u64) -> u32 {
        let per = u64::from(self.cfg.tasks_per_executor.max(1));
        let scaled = ((pending + running) as f64 * self.cfg.allocation_ratio).ceil() as u64;
        scaled.div_ceil(per).min(u64::from(u32::MAX)) as u32
    }

    // ---- listener events ----------------------------------------------

    /// A stage was submitted: the backlog timer starts if unset and the
    /// manager stops initializing.
    pub fn stage_submitted(&mut self, now: SimTime) {
        self.initializing = false;
        if self.add_time.is_none() {
            self.add_time = Some(now + self.cfg.scheduler_backlog_timeout);
        }
    }

    /// Nothing is pending any more (a task start left the backlog empty, or
    /// the last stage completed): the timer and the step reset.
    pub fn queue_empty(&mut self) {
        self.add_time = None;
        self.to_add = 1;
    }

    /// An executor registered; it is idle until it runs a task.
    pub fn executor_added(&mut self, id: u64, now: SimTime) {
        let deadline = now + self.cfg.idle_timeout;
        self.executors.entry(id).or_insert(ExecutorState {
            running: 0,
            idle_deadline: Some(deadline),
            pending_removal: false,
        });
    }

    pub fn task_started(&mut self, id: u64) {
        if let Some(e) = self.executors.get_mut(&id) {
            e.running += 1;
            e.idle_deadline = None;
        }
    }

    /// A task ended; when the executor's last one ends, it becomes idle.
    pub fn task_ended(&mut self, id: u64, now: SimTime) {
        let timeout = self.cfg.idle_timeout;
        if let Some(e) = self.executors.get_mut(&id) {
            e.running = e.running.saturating_sub(1);
            if e.running == 0 && e.idle_deadline.is_none() {
                e.idle_deadline = Some(now + timeout);
            }
        }
    }

    pub fn executor_removed(&mut self, id: u64) {
        self.executors.remove(&id);
    }

    // ---- the 100 ms tick -----------------------------------------------

    /// `schedule()` with the current pending and running task counts.
    pub fn schedule(&mut self, now: SimTime, pending: u64, running: u64) -> Vec<Request> {
        let mut out = Vec::new();
        let expired: Vec<u64> = self
            .executors
            .iter()
            .filter(|(_, e)| !e.pending_removal && e.idle_deadline.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect();
        if !expired.is_empty() {
            self.initializing = false;
        }
        self.update_target(now, pending, running, &mut out);
        if !expired.is_empty() {
            self.remove(expired, &mut out);
        }
        out
    }

    fn send(&mut self, out: &mut Vec<Request>) {
        self.last_sent = Some(self.target);
        out.push(Request::Total(self.target));
    }

    fn update_target(&mut self, now: SimTime, pending: u64, running: u64, out: &mut Vec<Request>) {
        if self.initializing {
            return;
        }
        let needed = self.max_needed(pending, running);
        if needed < self.target {
            let old = self.target;
            self.target = needed.max(self.cfg.min_executors);
            self.to_add = 1;
            if self.target < old {
                self.send(out);
            }
        } else if self.add_time.is_some_and(|t| now >= t) {
            self.add_executors(needed, out);
            self.add_time = Some(now + self.cfg.sustained_backlog_timeout);
        }
    }

    /// The exponential ramp (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.5).
    fn add_executors(&mut self, needed: u32, out: &mut Vec<Request>) {
        let (min, max) = (self.cfg.min_executors, self.cfg.max_executors);
        if self.target >= max {
            self.to_add = 1;
            return;
        }
        let old = self.target;
        let existing = self.executors.len() as u32;
        let mut target = self.target.max(existing).saturating_add(self.to_add);
        target = target.min(needed).clamp(min, max);
        self.target = target;
        let delta = target.saturating_sub(old);
        if delta == 0 {
            self.to_add = 1;
            return;
        }
        self.send(out);
        self.to_add = if delta == self.to_add {
            self.to_add.saturating_mul(2)
        } else {
            1
        };
    }

    /// `removeExecutors` (2.3+): never below `min` nor below the target.
    fn remove(&mut self, ids: Vec<u64>, out: &mut Vec<Request>) {
        let mut count = self.executors.len() - self.pending_removal();
        let floor = self.cfg.min_executors.max(self.target) as usize;
        let mut killed = Vec::new();
        for id in ids {
            if count == 0 || count - 1 < floor {
                continue;
            }
            count -= 1;
            killed.push(id);
        }
        if killed.is_empty() {
            return;
        }
        for id in &killed {
            if let Some(e) = self.executors.get_mut(id) {
                e.pending_removal = true;
            }
        }
        out.push(Request::Kill(killed));
        self.send(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spark::{SparkConf, SparkSettings};

    fn manager(pairs: &[(&str, &str)]) -> AllocationManager {
        let mut conf = SparkConf::new()
            .with("spark.dynamicAllocation.enabled", "true")
            .with("spark.shuffle.service.enabled", "true");
        for (k, v) in pairs {
            conf.set(*k, *v);
        }
        AllocationManager::new(&SparkSettings::from_conf(&conf).unwrap().dynamic)
    }

    fn ms(n: u64) -> SimTime {
        SimTime(n * 1000)
    }

    /// Ticks every 100 ms from `from` to `to` (inclusive) with a fixed
    /// backlog; returns (time in ms, target) at every change.
    fn ramp(m: &mut AllocationManager, from: u64, to: u64, pending: u64) -> Vec<(u64, u32)> {
        let mut changes = Vec::new();
        let mut t = from;
        while t <= to {
            for r in m.schedule(ms(t), pending, 0) {
                if let Request::Total(n) = r {
                    changes.push((t, n));
                }
            }
            t += 100;
        }
        changes
    }

    #[test]
    fn the_initial_target_is_sent_at_start() {
        let mut m = manager(&[
            ("spark.dynamicAllocation.minExecutors", "2"),
            ("spark.dynamicAllocation.initialExecutors", "3"),
        ]);
        assert_eq!(m.start(), [Request::Total(3)]);
    }

    #[test]
    fn the_ramp_adds_1_2_4_8_each_backlog_round() {
        // Backlog timeouts 1 s: the stage at 0 fires the timer at 1 s, then
        // every sustained second: targets 1, 3, 7, 15.
        let mut m = manager(&[]);
        m.start();
        m.stage_submitted(ms(0));
        assert_eq!(
            ramp(&mut m, 0, 4000, 1000),
            [(1000, 1), (2000, 3), (3000, 7), (4000, 15)]
        );
    }

    #[test]
    fn nothing_changes_while_initializing() {
        let mut m = manager(&[]);
        m.start();
        assert_eq!(ramp(&mut m, 0, 3000, 1000), []);
    }

    #[test]
    fn caps_reset_the_step() {
        // maxExecutors 5: 1, 3, then capped at 5 (step resets), then nothing.
        let mut m = manager(&[("spark.dynamicAllocation.maxExecutors", "5")]);
        m.start();
        m.stage_submitted(ms(0));
        assert_eq!(
            ramp(&mut m, 0, 5000, 1000),
            [(1000, 1), (2000, 3), (3000, 5)]
        );
        // maxNeeded caps too: 4 pending tasks, 1 task per executor → at most 4.
        let mut m = manager(&[]);
        m.start();
        m.stage_submitted(ms(0));
        assert_eq!(ramp(&mut m, 0, 5000, 4), [(1000, 1), (2000, 3), (3000, 4)]);
    }

    #[test]
    fn the_target_falls_to_what_is_needed_but_not_below_min() {
        let mut m = manager(&[("spark.dynamicAllocation.minExecutors", "2")]);
        m.start();
        m.stage_submitted(ms(0));
        ramp(&mut m, 0, 3000, 1000); // 2 → 3 → 5 → 9 (from min 2: 2+1, 3+2, 5+4)
        assert_eq!(m.target(), 9);
        assert_eq!(m.schedule(ms(3100), 3, 0), [Request::Total(3)]);
        assert_eq!(m.schedule(ms(3200), 0, 0), [Request::Total(2)]);
    }

    #[test]
    fn executors_per_task_slot_use_executor_cores_and_the_ratio() {
        let m = manager(&[
            ("spark.executor.cores", "4"),
            ("spark.dynamicAllocation.executorAllocationRatio", "0.5"),
        ]);
        // 10 tasks × 0.5 = 5, over 4 per executor = 2.
        assert_eq!(m.max_needed(7, 3), 2);
        // The real mismatch: with executor cores unset, 1 task per executor.
        assert_eq!(manager(&[]).max_needed(7, 3), 10);
    }

    #[test]
    fn idle_executors_are_removed_at_the_timeout_but_never_below_the_floor() {
        // min 1; three executors idle from 0; idle timeout 60 s.
        let mut m = manager(&[("spark.dynamicAllocation.minExecutors", "1")]);
        m.start();
        for id in 0..3 {
            m.executor_added(id, ms(0));
        }
        assert_eq!(m.schedule(ms(59_900), 0, 0), []);
        // At 60 s all three time out; the target is max(0 needed, min 1) = 1,
        // so two are killed and one stays.
        let out = m.schedule(ms(60_000), 0, 0);
        assert_eq!(out, [Request::Kill(vec![0, 1]), Request::Total(1)]);
        // The survivor stays timed out and is retried every tick, refused.
        assert_eq!(m.schedule(ms(60_100), 0, 0), []);
    }

    #[test]
    fn a_task_start_cancels_the_idle_timer() {
        let mut m = manager(&[]);
        m.start();
        m.executor_added(7, ms(0));
        m.stage_submitted(ms(0));
        m.task_started(7);
        assert_eq!(
            m.schedule(ms(120_000), 1, 1)
                .iter()
                .filter(|r| matches!(r, Request::Kill(_)))
                .count(),
            0
        );
        m.task_ended(7, ms(120_000));
        m.queue_empty();
        let out = m.schedule(ms(180_000), 0, 0);
        assert!(out.contains(&Request::Kill(vec![7])), "{out:?}");
    }

    #[test]
    fn the_backlog_timer_clears_when_the_queue_empties() {
        let mut m = manager(&[]);
        m.start();
        m.stage_submitted(ms(0));
        m.queue_empty();
        assert_eq!(ramp(&mut m, 0, 3000, 5), []);
        // A new stage restarts the timer from its own submission.
        m.stage_submitted(ms(3000));
        assert_eq!(ramp(&mut m, 3000, 4000, 5), [(4000, 1)]);
    }
}
