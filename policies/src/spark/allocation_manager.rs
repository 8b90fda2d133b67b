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

use super::SparkVersion;
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
    /// 1.6–2.1 `removeExecutor`: the kill lowers the backend's total to
    /// the executors it keeps (`killExecutor` with the target adjusted,
    /// reference spark-on-mesos.md §4.8); the manager's target is not
    /// re-sent.
    KillLowering(Vec<u64>),
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
    version: SparkVersion,
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
        AllocationManager::at(cfg, SparkVersion::V3_0)
    }

    /// The manager of the given Spark line (reference spark-on-mesos.md §4
    /// tags each rule with the versions it holds in).
    pub fn at(cfg: &DynamicAllocation, version: SparkVersion) -> AllocationManager {
        AllocationManager {
            version,
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
    /// 1.6 sends nothing: the backend stays unlimited until the first
    /// target change.
    pub fn start(&mut self) -> Vec<Request> {
        if self.version.is_1_6() {
            return Vec::new();
        }
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
        // 1.6–2.3: integer ceil of the tasks alone; 2.4+: × the ratio.
        let scaled = if self.version < SparkVersion::V2_4_0 {
            pending + running
        } else {
            ((pending + running) as f64 * self.cfg.allocation_ratio).ceil() as u64
        };
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
        // 1.6–2.4 (SPARK-4951): an executor registering re-marks every
        // idle executor that lost its timer (an expired timer is dropped
        // even when the removal was refused).
        if self.version < SparkVersion::V3_0 {
            for e in self.executors.values_mut() {
                if e.running == 0 && e.idle_deadline.is_none() && !e.pending_removal {
                    e.idle_deadline = Some(deadline);
                }
            }
        }
    }

    pub fn task_started(&mut self, id: u64) {
        let v16 = self.version.is_1_6();
        if let Some(e) = self.executors.get_mut(&id) {
            e.running += 1;
            e.idle_deadline = None;
            // 1.6: a task start also takes it out of pending removal.
            if v16 {
                e.pending_removal = false;
            }
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
        if self.version < SparkVersion::V3_0 {
            return self.schedule_before_30(now, pending, running);
        }
        let mut out = Vec::new();
        let expired = self.timed_out(now);
        if !expired.is_empty() {
            self.initializing = false;
        }
        self.update_target(now, pending, running, &mut out);
        if !expired.is_empty() {
            self.remove(expired, &mut out);
        }
        out
    }

    /// Executors idle past their deadline and not pending removal.
    fn timed_out(&self, now: SimTime) -> Vec<u64> {
        self.executors
            .iter()
            .filter(|(_, e)| !e.pending_removal && e.idle_deadline.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The 1.6–2.4 tick (reference spark-on-mesos.md §4.4): the target
    /// first (nothing while initializing), then the executors idle past
    /// their deadline, which end `initializing` and lose their timers
    /// whether they are removed or not.
    fn schedule_before_30(&mut self, now: SimTime, pending: u64, running: u64) -> Vec<Request> {
        let mut out = Vec::new();
        self.update_target(now, pending, running, &mut out);
        let expired = self.timed_out(now);
        if expired.is_empty() {
            return out;
        }
        self.initializing = false;
        for id in &expired {
            if let Some(e) = self.executors.get_mut(id) {
                e.idle_deadline = None;
            }
        }
        if self.version < SparkVersion::V2_2 {
            self.remove_one_by_one(expired, &mut out);
        } else {
            self.remove(expired, &mut out);
        }
        out
    }

    /// 1.6–2.1 `removeExecutor(id)` for each candidate: refused when the
    /// executors not pending removal would fall below `min`; an accepted
    /// one is killed at once, lowering the backend's total.
    fn remove_one_by_one(&mut self, ids: Vec<u64>, out: &mut Vec<Request>) {
        for id in ids {
            let count = self.executors.len() - self.pending_removal();
            if count == 0 || count - 1 < self.cfg.min_executors as usize {
                continue;
            }
            if let Some(e) = self.executors.get_mut(&id) {
                e.pending_removal = true;
                out.push(Request::KillLowering(vec![id]));
            }
        }
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
        } else if let Some(t) = self.add_time.filter(|t| now >= *t) {
            self.add_executors(needed, out);
            // 2.2+: from now; 1.6–2.1: from the time it fired, so a late
            // tick catches up.
            let from = if self.version < SparkVersion::V2_2 {
                t
            } else {
                now
            };
            self.add_time = Some(from + self.cfg.sustained_backlog_timeout);
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

    /// `removeExecutors` (2.2+): never below `min`, nor (2.3+) below the
    /// target.
    fn remove(&mut self, ids: Vec<u64>, out: &mut Vec<Request>) {
        let mut count = self.executors.len() - self.pending_removal();
        let floor = if self.version < SparkVersion::V2_3 {
            self.cfg.min_executors as usize
        } else {
            self.cfg.min_executors.max(self.target) as usize
        };
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

    /// A manager of an earlier Spark line.
    fn manager_at(version: SparkVersion, pairs: &[(&str, &str)]) -> AllocationManager {
        let mut conf = SparkConf::new()
            .with("spark.dynamicAllocation.enabled", "true")
            .with("spark.shuffle.service.enabled", "true");
        for (k, v) in pairs {
            conf.set(*k, *v);
        }
        AllocationManager::at(&SparkSettings::from_conf(&conf).unwrap().dynamic, version)
    }

    #[test]
    fn spark_16_sends_no_initial_target_and_the_ratio_arrives_in_2_4() {
        assert_eq!(manager_at(SparkVersion::V1_6, &[]).start(), []);
        assert_eq!(
            manager_at(SparkVersion::V2_0, &[]).start(),
            [Request::Total(0)]
        );
        // 10 tasks, 2 per executor, ratio 0.5: 1.6–2.3 ignore the ratio.
        let conf = [
            ("spark.executor.cores", "2"),
            ("spark.dynamicAllocation.executorAllocationRatio", "0.5"),
        ];
        assert_eq!(manager_at(SparkVersion::V2_3, &conf).max_needed(10, 0), 5);
        assert_eq!(manager_at(SparkVersion::V2_4, &conf).max_needed(10, 0), 3);
    }

    #[test]
    fn before_2_2_the_backlog_timer_rearms_from_when_it_fired() {
        // The timer (1 s) fires at a tick 50 ms late, at 1.05 s. 2.2+ wants
        // the next round 1 s after that tick (2.05 s); 1.6–2.1 add the
        // sustained second to when it was due (2.0 s), so a tick at
        // 2.02 s already adds the next round.
        for (version, at_2020) in [(SparkVersion::V2_0, true), (SparkVersion::V2_2, false)] {
            let mut m = manager_at(version, &[]);
            m.start();
            m.stage_submitted(ms(0));
            assert_eq!(m.schedule(ms(1050), 1000, 0), [Request::Total(1)]);
            let out = m.schedule(ms(2020), 1000, 0);
            assert_eq!(out == [Request::Total(3)], at_2020, "{version}: {out:?}");
            if !at_2020 {
                assert_eq!(m.schedule(ms(2050), 1000, 0), [Request::Total(3)]);
            }
        }
    }

    /// Three idle executors from 0, timeout 60 s, minimum 1, and a
    /// target of 2 still wanted: what each line kills at 60 s.
    fn idle_three(version: SparkVersion) -> (AllocationManager, Vec<Request>) {
        let mut m = manager_at(
            version,
            &[
                ("spark.dynamicAllocation.minExecutors", "1"),
                ("spark.dynamicAllocation.initialExecutors", "2"),
            ],
        );
        m.start();
        for id in 0..3 {
            m.executor_added(id, ms(0));
        }
        let out = m.schedule(ms(60_000), 0, 0);
        (m, out)
    }

    /// One backlog for every line: a stage of 20 one-core tasks pending
    /// from 0 s to 4 s, then running 4–6 s on the executors there are;
    /// idle timeout 10 s, minimum 0. Executors register 0.5 s after each
    /// second, as many as the target. Every request with its time (ms).
    fn ramp_and_removal(version: SparkVersion) -> Vec<(u64, Request)> {
        let mut m = manager_at(
            version,
            &[("spark.dynamicAllocation.executorIdleTimeout", "10s")],
        );
        let mut log: Vec<(u64, Request)> = m.start().into_iter().map(|r| (0, r)).collect();
        m.stage_submitted(ms(0));
        let mut executors = 0u64;
        let mut t = 0;
        while t <= 20_000 {
            let pending = if t < 4_000 { 20 } else { 0 };
            if t == 4_000 {
                m.queue_empty();
                for id in 0..executors {
                    m.task_started(id);
                }
            }
            if t == 6_000 {
                for id in 0..executors {
                    m.task_ended(id, ms(t));
                }
            }
            let running = if (4_000..6_000).contains(&t) {
                executors
            } else {
                0
            };
            for r in m.schedule(ms(t), pending, running) {
                log.push((t, r));
            }
            // Executors register 0.5 s after a rise of the target.
            if t % 1_000 == 500 && t < 4_000 {
                while executors < u64::from(m.target()) {
                    m.executor_added(executors, ms(t));
                    executors += 1;
                }
            }
            t += 100;
        }
        log
    }

    #[test]
    fn the_16_and_30_managers_on_one_backlog_step_by_step() {
        use Request::*;
        // Both ramp 1, 3, 7 a second apart (the backlog timer at 1 s, then
        // every sustained second) and fall to 0 needed when the tasks end
        // at 6 s. 3.0 sends its initial total at start; 1.6 sends none.
        // At 16 s the seven executors are 10 s idle: 1.6 removes them one
        // by one, each kill lowering the backend's total; 3.0 kills them in
        // one batch and re-sends its target.
        let ramp = [
            (1_000, Total(1)),
            (2_000, Total(3)),
            (3_000, Total(7)),
            (6_000, Total(0)),
        ];
        let mut expect16 = ramp.to_vec();
        expect16.extend((0..7).map(|id| (16_000, KillLowering(vec![id]))));
        assert_eq!(ramp_and_removal(SparkVersion::V1_6), expect16);
        let mut expect30 = vec![(0, Total(0))];
        expect30.extend(ramp);
        expect30.push((16_000, Kill((0..7).collect())));
        expect30.push((16_000, Total(0)));
        assert_eq!(ramp_and_removal(SparkVersion::V3_0), expect30);
    }

    #[test]
    fn removal_rules_by_line() {
        // 1.6–2.1: one by one, floor min (1), each kill lowering the
        // backend's total; the target (2, initializing) is not sent.
        let (_, out) = idle_three(SparkVersion::V1_6);
        assert_eq!(
            out,
            [
                Request::KillLowering(vec![0]),
                Request::KillLowering(vec![1])
            ]
        );
        // 2.2: batched, floor min (1), then the target is re-sent.
        let (_, out) = idle_three(SparkVersion::V2_2);
        assert_eq!(out, [Request::Kill(vec![0, 1]), Request::Total(2)]);
        // 2.3+: batched, floor max(min, target) = 2 — after 3.0's tick has
        // lowered the target to max(0 needed, min 1) = 1 first.
        let (_, out) = idle_three(SparkVersion::V2_3);
        assert_eq!(out, [Request::Kill(vec![0]), Request::Total(2)]);
        let (_, out) = idle_three(SparkVersion::V3_0);
        assert_eq!(
            out,
            [
                Request::Total(1),
                Request::Kill(vec![0, 1]),
                Request::Total(1)
            ]
        );
    }

    #[test]
    fn before_3_0_a_refused_removal_drops_the_idle_timer_until_another_executor_registers() {
        // 2.4: at 60 s executors 1 and 2 are refused (floor 2) and lose
        // their timers. When executor 3 registers at 70 s, the idle ones
        // are re-marked and time out again at 130 s.
        // (At 60.1 s the target falls to the minimum, 1; executors 1 and
        // 2 would now be removable, but their timers are gone.)
        let (mut m, _) = idle_three(SparkVersion::V2_4);
        assert_eq!(m.schedule(ms(60_100), 0, 0), [Request::Total(1)]);
        assert_eq!(m.schedule(ms(60_200), 0, 0), []);
        m.executor_added(3, ms(70_000));
        assert_eq!(m.schedule(ms(129_900), 0, 0), []);
        let out = m.schedule(ms(130_000), 0, 0);
        assert_eq!(out, [Request::Kill(vec![1, 2]), Request::Total(1)]);
        // 3.0 keeps the timed-out executor and retries it every tick.
        let (mut m, _) = idle_three(SparkVersion::V3_0);
        m.executor_added(3, ms(60_050));
        let out = m.schedule(ms(60_100), 0, 0);
        assert_eq!(out, [Request::Kill(vec![2]), Request::Total(1)]);
    }

    #[test]
    fn in_1_6_a_task_start_takes_an_executor_out_of_pending_removal() {
        let (mut m, _) = idle_three(SparkVersion::V1_6);
        m.task_started(0);
        // 0 is no longer pending removal: two executors count again.
        assert_eq!(m.executors.len() - m.pending_removal(), 2);
        let (mut m, _) = idle_three(SparkVersion::V2_2);
        m.task_started(0);
        assert_eq!(m.executors.len() - m.pending_removal(), 1);
    }
}
