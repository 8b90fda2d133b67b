//! Non-Spark Mesos frameworks sharing the cluster (SPEC §1 `[[frameworks]]`).
//!
//! - `elastic` (Hadoop-like): from each offer, launches as many tasks of its
//!   shape as fit and its backlog needs, FIFO across jobs.
//! - `rigid` (MPI-like): the head job's current stage starts only when all
//!   its tasks fit in the offers of one callback; otherwise it declines all.
//! - `service`: long-running tasks, placed like `elastic`, that hold their
//!   resources for their whole duration.
//! - `hoarding` (the Mesos paper's MPI framework, §4): rigid, but it keeps
//!   every offer where one of its tasks fits, unanswered and locked, until
//!   the head job's stage fits in all of them; then it launches the stage
//!   and declines what is left.
//!
//! With `tasks_per_offer`, a callback launches at most that many tasks
//! (the rest of its offers declined). Every unused offer or leftover is
//! declined with the framework's `refuse` filter. Tasks run for their sampled duration after the launch latency;
//! `cpus_busy` counts `cpus × cpu_fraction` of each running task. Offered
//! reserved resources are not used (tasks ask for unreserved resources).

use std::collections::BTreeMap;

use policies::mesos::Refuse;
use policies::model::{FrameworkId, Resources};

use crate::jobs::{JobStream, TaskEnd, source_for};
use crate::rng::RngStreams;
use crate::scenario::{Framework as FrameworkSpec, FrameworkKind, StopAt};
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::Kernel;
use crate::world::mesos::master::{MesosMaster, TaskOwner};

pub(crate) struct OtherFramework {
    pub id: FrameworkId,
    kind: FrameworkKind,
    task: Resources,
    refuse: Refuse,
    tasks_per_offer: usize,
    jobs: JobStream,
    /// Duration of each launched task, by Mesos task uid, until it runs.
    launched: BTreeMap<u64, (usize, u64)>,
    /// Launched tasks that run (and compute) now.
    running: std::collections::BTreeSet<u64>,
    busy_milli_per_task: i64,
    pub stopped: bool,
    /// When it registers, and when it unregisters.
    pub start: SimTime,
    stop_at: StopAt,
    /// It revives on new work after declining with a filter.
    revive: bool,
    /// It has declined (or left resources) with a filter since it last
    /// revived.
    filtered: bool,
    /// A hoarding framework's offers kept unanswered, by id.
    held: Vec<u64>,
}

impl OtherFramework {
    pub fn new(id: FrameworkId, f: &FrameworkSpec, streams: &RngStreams) -> OtherFramework {
        OtherFramework {
            id,
            kind: f.kind,
            task: f.task.clone(),
            refuse: f
                .refuse
                .map_or(Refuse::Default, |r| Refuse::Micros(r.as_micros() as i64)),
            tasks_per_offer: f.tasks_per_offer.map_or(usize::MAX, |n| n as usize),
            jobs: JobStream::new(
                &f.name,
                source_for(
                    &f.name,
                    "framework",
                    &f.jobs,
                    SimTime::ZERO + f.start,
                    streams,
                ),
            ),
            launched: BTreeMap::new(),
            running: std::collections::BTreeSet::new(),
            busy_milli_per_task: (f.task.cpus().0 as f64 * f.jobs.cpu_fraction).round() as i64,
            stopped: false,
            start: SimTime::ZERO + f.start,
            stop_at: f.stop,
            revive: f.revive,
            filtered: false,
            held: Vec::new(),
        }
    }
}

impl OtherFramework {
    /// It registers: its first job is scheduled, and its unregistration
    /// when it has a time.
    pub(crate) fn start(&mut self, k: &mut Kernel, m: &mut MesosMaster) {
        match self.stop_at {
            StopAt::Horizon => k.push(k.horizon, Event::FrameworkStop(self.id)),
            StopAt::At(d) => k.push(SimTime::ZERO + d, Event::FrameworkStop(self.id)),
            StopAt::JobsDone => {}
        }
        self.push_next_arrival(k);
        if self.jobs.done {
            self.maybe_finish(k, m);
        }
    }

    fn push_next_arrival(&mut self, k: &mut Kernel) {
        let before_stop = |t: SimTime| match self.stop_at {
            StopAt::At(d) => t < SimTime::ZERO + d,
            _ => true,
        };
        match self.jobs.next_arrival() {
            Some(t) if t < k.horizon && before_stop(t) => k.push(t, Event::JobArrival(self.id)),
            _ => self.jobs.done = true,
        }
    }

    /// A job arrives. A scheduler that declined with a filter revives, so
    /// that the filtered agents are offered again (Marathon's and
    /// Chronos's `reviveOffers` on new work).
    pub(crate) fn job_arrival(&mut self, k: &mut Kernel, m: &mut MesosMaster) {
        if self.stopped {
            return;
        }
        self.jobs.submit(k.now);
        self.push_next_arrival(k);
        if self.revive && std::mem::replace(&mut self.filtered, false) {
            m.revive(k, self.id);
        }
    }

    pub(crate) fn resource_offers(&mut self, k: &mut Kernel, m: &mut MesosMaster, ids: &[u64]) {
        let fw = self.id;
        let (kind, shape, refuse) = (self.kind, self.task.clone(), self.refuse);
        if kind == FrameworkKind::Hoarding {
            // Keep every offer, unanswered and locked, until the head
            // job's stage fits in all of them (those rescinded meanwhile
            // are gone); then launch it and decline what is left.
            // An offer where no task of its fits is declined at once.
            for &id in ids {
                if fits(&m.offers[&id].resources, &shape, 1) == 0 {
                    self.filtered = true;
                    m.decline(k, id, refuse);
                } else {
                    self.held.push(id);
                }
            }
            self.held
                .retain(|id| m.offers.get(id).is_some_and(|o| o.framework == fw));
            let need = self.jobs.head_remaining();
            let placeable: usize = self
                .held
                .iter()
                .map(|id| fits(&m.offers[id].resources, &shape, need))
                .sum();
            if need > 0 && placeable < need {
                return;
            }
            let held = std::mem::take(&mut self.held);
            return self.launch_rigid(k, m, &held, need);
        }
        let mut plan: Vec<(u64, usize)> = Vec::new(); // (offer, tasks)
        // The tasks it will launch from this callback's offers.
        let mut backlog = self.jobs.backlog().min(self.tasks_per_offer);
        if kind == FrameworkKind::Rigid {
            // All of the head job's current stage at once, or nothing.
            let need = self.jobs.head_remaining();
            let mut placed = 0;
            for id in ids {
                let fit = fits(&m.offers[id].resources, &shape, need - placed);
                placed += fit;
                plan.push((*id, fit));
            }
            if placed < need || need == 0 {
                plan.iter_mut().for_each(|p| p.1 = 0);
            }
        } else {
            for id in ids {
                let fit = fits(&m.offers[id].resources, &shape, backlog);
                backlog -= fit;
                plan.push((*id, fit));
            }
        }
        for (id, n) in plan {
            self.answer(k, m, id, n);
        }
    }

    /// Launches the head job's current stage (`need` tasks) across
    /// `ids`, declining what is left; with `need` 0 it declines them all.
    fn launch_rigid(&mut self, k: &mut Kernel, m: &mut MesosMaster, ids: &[u64], need: usize) {
        let mut placed = 0;
        for &id in ids {
            let n = fits(&m.offers[&id].resources, &self.task, need - placed);
            placed += n;
            self.answer(k, m, id, n);
        }
    }

    /// Answers offer `id`: `n` tasks of its shape launched from it (the
    /// leftovers declined with its filter), or, with `n` 0, declined.
    fn answer(&mut self, k: &mut Kernel, m: &mut MesosMaster, id: u64, n: usize) {
        let (fw, shape, refuse) = (self.id, self.task.clone(), self.refuse);
        if n == 0 {
            self.filtered = true;
            m.decline(k, id, refuse);
            return;
        }
        let mut left = m.offers[&id].resources.clone();
        for _ in 0..n {
            left.subtract(&shape);
        }
        self.filtered |= !left.is_empty();
        let mut chosen = Vec::with_capacity(n);
        for _ in 0..n {
            if let Some(t) = self.jobs.take_task() {
                chosen.push(t);
            }
        }
        let tasks = chosen
            .iter()
            .map(|(j, _)| (shape.clone(), TaskOwner::Other(fw, *j)))
            .collect();
        let uids = m.accept(k, id, tasks, refuse);
        for (uid, (job, duration)) in uids.into_iter().zip(chosen) {
            self.launched.insert(uid, (job, duration));
        }
    }

    pub(crate) fn task_started(&mut self, k: &mut Kernel, uid: u64) {
        let now = k.now;
        let Some(&(job, duration)) = self.launched.get(&uid) else {
            return;
        };
        self.jobs.started(job, now);
        self.running.insert(uid);
        k.metrics.cpus_busy += self.busy_milli_per_task;
        k.push(now + SimDuration(duration), Event::OtherTaskDone(uid));
    }

    /// Task `uid` (its Mesos task already ended) is done.
    pub(crate) fn task_done(&mut self, k: &mut Kernel, m: &mut MesosMaster, uid: u64) {
        let Some((j, _)) = self.launched.remove(&uid) else {
            return;
        };
        self.running.remove(&uid);
        let row = match self.jobs.finished(j, k.now) {
            TaskEnd::JobDone(row) => Some(row),
            _ => None,
        };
        k.metrics.cpus_busy -= self.busy_milli_per_task;
        if let Some(r) = row {
            k.metrics.jobs.push(r);
        }
        self.maybe_finish(k, m);
    }

    /// Task `uid`'s machine failed: it stops computing (its CPUs are no
    /// longer busy) and ends no more, until the master says it is lost.
    pub(crate) fn host_down(&mut self, k: &mut Kernel, uid: u64) {
        if self.running.remove(&uid) {
            k.metrics.cpus_busy -= self.busy_milli_per_task;
        }
    }

    /// Task `uid` (its Mesos task already ended) is TASK_LOST with its
    /// agent: it is pending again. Returns the work it had done, µs.
    pub(crate) fn task_lost(&mut self, k: &mut Kernel, uid: u64) -> bool {
        let Some((j, _)) = self.launched.remove(&uid) else {
            return false;
        };
        if self.running.remove(&uid) {
            k.metrics.cpus_busy -= self.busy_milli_per_task;
        }
        self.jobs.task_failed(j);
        true
    }

    fn maybe_finish(&mut self, k: &mut Kernel, m: &mut MesosMaster) {
        if !self.stopped && self.stop_at == StopAt::JobsDone && self.jobs.is_idle() {
            self.stop(k, m);
        }
    }

    pub(crate) fn stop(&mut self, k: &mut Kernel, m: &mut MesosMaster) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        // Its tasks go with it (a framework's teardown kills them).
        for uid in std::mem::take(&mut self.launched).into_keys() {
            if self.running.remove(&uid) {
                k.metrics.cpus_busy -= self.busy_milli_per_task;
            }
            m.end_task(k, uid);
        }
        m.deactivate(k, self.id);
    }

    /// Why its job source stopped early, if it did.
    pub(crate) fn source_error(&self) -> Option<&str> {
        self.jobs.source_error()
    }

    /// At the end of a run: rows for unfinished jobs.
    pub(crate) fn flush(&mut self, k: &mut Kernel) {
        let rows = self.jobs.unfinished_rows();
        k.metrics.jobs.extend(rows);
    }
}

/// How many tasks of `shape` fit in `offer`, at most `limit`.
fn fits(offer: &Resources, shape: &Resources, limit: usize) -> usize {
    let mut left = offer.clone();
    let mut n = 0;
    while n < limit && left.contains(shape) {
        left.subtract(shape);
        n += 1;
    }
    n
}
