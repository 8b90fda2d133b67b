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

use std::collections::{BTreeMap, VecDeque};

use policies::mesos::Refuse;
use policies::model::{FrameworkId, Resources};
use rand_chacha::ChaCha8Rng;

use super::{Event, Framework, TaskOwner, World};
use crate::metrics::JobRow;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{Framework as FrameworkSpec, FrameworkKind};
use crate::time::{SimDuration, SimTime};
use crate::workload::{Arrivals, Sampler};

#[derive(Debug)]
struct Job {
    submit: SimTime,
    start: Option<SimTime>,
    stages: Vec<Vec<u64>>,
    stage: usize,
    next_task: usize,
    running: u32,
    tasks_total: u32,
}

pub(crate) struct OtherFramework {
    pub id: FrameworkId,
    name: String,
    kind: FrameworkKind,
    task: Resources,
    refuse: Refuse,
    stages: u32,
    arrivals: Arrivals,
    arrival_rng: ChaCha8Rng,
    tasks_rng: ChaCha8Rng,
    durations_rng: ChaCha8Rng,
    tasks: Sampler,
    durations: Sampler,
    jobs: Vec<Job>,
    active: VecDeque<usize>,
    /// Duration of each launched task, by Mesos task uid, until it runs.
    launched: BTreeMap<u64, (usize, u64)>,
    busy_milli_per_task: i64,
    stream_done: bool,
    pub stopped: bool,
}

impl OtherFramework {
    pub fn new(id: FrameworkId, f: &FrameworkSpec, streams: &RngStreams) -> OtherFramework {
        let key = fnv1a64(f.name.as_bytes());
        OtherFramework {
            id,
            name: f.name.clone(),
            kind: f.kind,
            task: f.task.clone(),
            refuse: Refuse::Micros(f.refuse.as_micros() as i64),
            stages: f.jobs.stages,
            arrivals: Arrivals::new(&f.jobs.arrival, SimTime::ZERO),
            arrival_rng: streams.stream("framework-arrivals", key),
            tasks_rng: streams.stream("framework-tasks", key),
            durations_rng: streams.stream("framework-durations", key),
            tasks: Sampler::new(&f.jobs.tasks),
            durations: Sampler::new(&f.jobs.task_duration),
            jobs: Vec::new(),
            active: VecDeque::new(),
            launched: BTreeMap::new(),
            busy_milli_per_task: (f.task.cpus().0 as f64 * f.jobs.cpu_fraction).round() as i64,
            stream_done: false,
            stopped: false,
        }
    }

    /// Tasks of the current stages not yet launched, FIFO.
    fn backlog(&self) -> usize {
        self.active
            .iter()
            .map(|&j| {
                let job = &self.jobs[j];
                job.stages[job.stage].len() - job.next_task
            })
            .sum()
    }

    fn take_task(&mut self) -> Option<(usize, u64)> {
        for &j in &self.active {
            let job = &mut self.jobs[j];
            if let Some(&d) = job.stages[job.stage].get(job.next_task) {
                job.next_task += 1;
                return Some((j, d));
            }
        }
        None
    }
}

fn fw_mut(w: &mut World, fw: FrameworkId) -> &mut OtherFramework {
    match &mut w.frameworks[fw.index()] {
        Framework::Other(f) => f,
        Framework::Spark(_) => unreachable!("framework {fw} is a Spark app"),
    }
}

pub(super) fn start(w: &mut World, fw: FrameworkId) {
    let horizon = w.horizon;
    let f = fw_mut(w, fw);
    match f.arrivals.next(&mut f.arrival_rng) {
        Some(t) if t < horizon => w.push(t, Event::JobArrival(fw)),
        _ => {
            f.stream_done = true;
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
    let stages: Vec<Vec<u64>> = (0..f.stages)
        .map(|_| {
            let n = f.tasks.count(&mut f.tasks_rng);
            (0..n)
                .map(|_| f.durations.duration(&mut f.durations_rng).as_micros())
                .collect()
        })
        .collect();
    let tasks_total = stages.iter().map(|s| s.len() as u32).sum();
    f.jobs.push(Job {
        submit: now,
        start: None,
        stages,
        stage: 0,
        next_task: 0,
        running: 0,
        tasks_total,
    });
    f.active.push_back(f.jobs.len() - 1);
    match f.arrivals.next(&mut f.arrival_rng) {
        Some(t) if t < horizon => w.push(t, Event::JobArrival(fw)),
        _ => f.stream_done = true,
    }
}

pub(super) fn resource_offers(w: &mut World, fw: FrameworkId, ids: &[u64]) {
    let (kind, shape, refuse) = {
        let f = fw_mut(w, fw);
        (f.kind, f.task.clone(), f.refuse)
    };
    let mut plan: Vec<(u64, usize)> = Vec::new(); // (offer, tasks)
    let mut backlog = fw_mut(w, fw).backlog();
    if kind == FrameworkKind::Rigid {
        // All of the head job's current stage at once, or nothing.
        let need = {
            let f = fw_mut(w, fw);
            f.active.front().map_or(0, |&j| {
                let job = &f.jobs[j];
                job.stages[job.stage].len() - job.next_task
            })
        };
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
            if let Some(t) = fw_mut(w, fw).take_task() {
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
            f.jobs[job].running += 1;
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
    f.jobs[job].start.get_or_insert(now);
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
    let job = &mut f.jobs[j];
    job.running -= 1;
    let mut row = None;
    if job.running == 0 && job.next_task >= job.stages[job.stage].len() {
        if job.stage + 1 < job.stages.len() {
            job.stage += 1;
            job.next_task = 0;
        } else {
            row = Some(JobRow {
                app: f.name.clone(),
                job: j as u64,
                submit: job.submit,
                start: job.start,
                end: Some(now),
                stages: job.stages.len() as u32,
                tasks: job.tasks_total,
                local_tasks: 0,
            });
            f.active.retain(|&x| x != j);
        }
    }
    w.metrics.cpus_busy -= busy;
    if let Some(r) = row {
        w.metrics.jobs.push(r);
    }
    maybe_finish(w, fw);
}

fn maybe_finish(w: &mut World, fw: FrameworkId) {
    let f = fw_mut(w, fw);
    if !f.stopped && f.stream_done && f.active.is_empty() {
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
    let f = fw_mut(w, fw);
    let rows: Vec<JobRow> = f
        .active
        .iter()
        .map(|&j| {
            let job = &f.jobs[j];
            JobRow {
                app: f.name.clone(),
                job: j as u64,
                submit: job.submit,
                start: job.start,
                end: None,
                stages: job.stages.len() as u32,
                tasks: job.tasks_total,
                local_tasks: 0,
            }
        })
        .collect();
    w.metrics.jobs.extend(rows);
}
