//! Non-Spark Mesos frameworks sharing the cluster (SPEC §1 `[[frameworks]]`).
//!
//! - `elastic` (Hadoop-like): from each offer, launches as many tasks of its
//!   shape as fit and its backlog needs, FIFO across jobs.
//! - `rigid` (MPI-like): the head job's current stage starts only when all
//!   its tasks fit in the offers of one callback; otherwise it declines all.
//! - `service`: long-running tasks, placed like `elastic`, that hold their
//!   resources for their whole duration.
//!
//! Every unused offer or leftover is declined with the framework's `refuse`
//! filter. Tasks run for their sampled duration after the launch latency;
//! `cpus_busy` counts `cpus × cpu_fraction` of each running task. Offered
//! reserved resources are not used (tasks ask for unreserved resources).

use std::collections::BTreeMap;

use policies::mesos::Refuse;
use policies::model::{FrameworkId, Resources};

use super::{Event, Framework, TaskOwner, World};
use crate::rng::RngStreams;
use crate::scenario::{Framework as FrameworkSpec, FrameworkKind};
use crate::time::{SimDuration, SimTime};
use crate::workload::{JobStream, TaskEnd};

pub(crate) struct OtherFramework {
    pub id: FrameworkId,
    kind: FrameworkKind,
    task: Resources,
    refuse: Refuse,
    jobs: JobStream,
    /// Duration of each launched task, by Mesos task uid, until it runs.
    launched: BTreeMap<u64, (usize, u64)>,
    busy_milli_per_task: i64,
    pub stopped: bool,
}

impl OtherFramework {
    pub fn new(id: FrameworkId, f: &FrameworkSpec, streams: &RngStreams) -> OtherFramework {
        OtherFramework {
            id,
            kind: f.kind,
            task: f.task.clone(),
            refuse: Refuse::Micros(f.refuse.as_micros() as i64),
            jobs: JobStream::new(&f.name, "framework", &f.jobs, SimTime::ZERO, streams),
            launched: BTreeMap::new(),
            busy_milli_per_task: (f.task.cpus().0 as f64 * f.jobs.cpu_fraction).round() as i64,
            stopped: false,
        }
    }
}

fn fw_mut(w: &mut World, fw: FrameworkId) -> &mut OtherFramework {
    match &mut w.frameworks[fw.index()] {
        Framework::Other(f) => f,
        _ => unreachable!("framework {fw} is not a non-Spark framework"),
    }
}

pub(super) fn start(w: &mut World, fw: FrameworkId) {
    let horizon = w.horizon;
    let f = fw_mut(w, fw);
    match f.jobs.next_arrival() {
        Some(t) if t < horizon => w.push(t, Event::JobArrival(fw)),
        _ => {
            f.jobs.done = true;
            maybe_finish(w, fw);
        }
    }
}

pub(super) fn job_arrival(w: &mut World, fw: FrameworkId) {
    let now = w.now;
    let horizon = w.horizon;
    let f = fw_mut(w, fw);
    if f.stopped {
        return;
    }
    f.jobs.submit(now);
    match f.jobs.next_arrival() {
        Some(t) if t < horizon => w.push(t, Event::JobArrival(fw)),
        _ => f.jobs.done = true,
    }
}

pub(super) fn resource_offers(w: &mut World, fw: FrameworkId, ids: &[u64]) {
    let (kind, shape, refuse) = {
        let f = fw_mut(w, fw);
        (f.kind, f.task.clone(), f.refuse)
    };
    let mut plan: Vec<(u64, usize)> = Vec::new(); // (offer, tasks)
    let mut backlog = fw_mut(w, fw).jobs.backlog();
    if kind == FrameworkKind::Rigid {
        // All of the head job's current stage at once, or nothing.
        let need = fw_mut(w, fw).jobs.head_remaining();
        let mut placed = 0;
        for id in ids {
            let fit = fits(&w.offers[id].resources, &shape, need - placed);
            placed += fit;
            plan.push((*id, fit));
        }
        if placed < need || need == 0 {
            plan.iter_mut().for_each(|p| p.1 = 0);
        }
    } else {
        for id in ids {
            let fit = fits(&w.offers[id].resources, &shape, backlog);
            backlog -= fit;
            plan.push((*id, fit));
        }
    }
    for (id, n) in plan {
        if n == 0 {
            w.decline(id, refuse);
            continue;
        }
        let mut chosen = Vec::with_capacity(n);
        for _ in 0..n {
            if let Some(t) = fw_mut(w, fw).jobs.take_task() {
                chosen.push(t);
            }
        }
        let tasks = chosen
            .iter()
            .map(|(j, _)| (shape.clone(), TaskOwner::Other(fw, *j)))
            .collect();
        let uids = w.accept(id, tasks, refuse);
        let f = fw_mut(w, fw);
        for (uid, (job, duration)) in uids.into_iter().zip(chosen) {
            f.launched.insert(uid, (job, duration));
        }
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

pub(super) fn task_started(w: &mut World, fw: FrameworkId, uid: u64) {
    let now = w.now;
    let f = fw_mut(w, fw);
    let Some(&(job, duration)) = f.launched.get(&uid) else {
        return;
    };
    f.jobs.started(job, now);
    let busy = f.busy_milli_per_task;
    w.metrics.cpus_busy += busy;
    w.push(now + SimDuration(duration), Event::OtherTaskDone(uid));
}

pub(super) fn task_done(w: &mut World, uid: u64) {
    let now = w.now;
    let Some(t) = w.end_task(uid) else { return };
    let TaskOwner::Other(fw, _) = t.owner else {
        return;
    };
    let f = fw_mut(w, fw);
    let Some((j, _)) = f.launched.remove(&uid) else {
        return;
    };
    let busy = f.busy_milli_per_task;
    let row = match f.jobs.finished(j, now) {
        TaskEnd::JobDone(row) => Some(row),
        _ => None,
    };
    w.metrics.cpus_busy -= busy;
    if let Some(r) = row {
        w.metrics.jobs.push(r);
    }
    maybe_finish(w, fw);
}

fn maybe_finish(w: &mut World, fw: FrameworkId) {
    let f = fw_mut(w, fw);
    if !f.stopped && f.jobs.is_idle() {
        stop(w, fw);
    }
}

pub(super) fn stop(w: &mut World, fw: FrameworkId) {
    let f = fw_mut(w, fw);
    if f.stopped {
        return;
    }
    f.stopped = true;
    w.deactivate(fw);
}

/// At the end of a run: rows for unfinished jobs.
pub(super) fn flush(w: &mut World, fw: FrameworkId) {
    let rows = fw_mut(w, fw).jobs.unfinished_rows();
    w.metrics.jobs.extend(rows);
}
