//! Synthetic workloads: sampling the scenario's distributions and job
//! streams.
//!
//! Sampling is by inverse transform: one uniform from the consumer's own
//! named stream ([`crate::rng`]), through `statrs`' inverse CDFs. One
//! uniform per value keeps every stream's consumption fixed, so runs stay
//! comparable when parameters change (common random numbers).

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use statrs::distribution::{ContinuousCDF, Exp, LogNormal, Pareto};

use crate::metrics::JobRow;
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{Arrival, Dist, Distribution, JobSpec, Unit};
use crate::time::{SimDuration, SimTime};

/// A uniform in the open interval (0, 1), from the top 53 bits.
pub fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A distribution ready to sample.
#[derive(Clone, Debug)]
pub struct Sampler {
    unit: Unit,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Constant(f64),
    Uniform(f64, f64),
    Exp(Exp),
    LogNormal(LogNormal),
    Pareto(Pareto),
    Empirical(Vec<f64>),
}

impl Sampler {
    /// Builds the sampler. Parameters were validated with the scenario
    /// (positive means, medians, scales, sigmas and shapes).
    pub fn new(d: &Distribution) -> Sampler {
        let kind = match &d.dist {
            Dist::Constant { value } => Kind::Constant(*value),
            Dist::Uniform { min, max } => Kind::Uniform(*min, *max),
            Dist::Exponential { mean } => match Exp::new(1.0 / mean) {
                Ok(e) => Kind::Exp(e),
                Err(_) => Kind::Constant(*mean),
            },
            Dist::Lognormal { median, sigma } => match LogNormal::new(median.ln(), *sigma) {
                Ok(l) => Kind::LogNormal(l),
                Err(_) => Kind::Constant(*median),
            },
            Dist::Pareto { scale, shape } => match Pareto::new(*scale, *shape) {
                Ok(p) => Kind::Pareto(p),
                Err(_) => Kind::Constant(*scale),
            },
            Dist::Empirical { values } => Kind::Empirical(values.clone()),
        };
        Sampler { unit: d.unit, kind }
    }

    /// One raw value (µs for durations).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let u = open_unit(rng);
        match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Uniform(min, max) => match self.unit {
                // Counts: every integer from min to max equally likely.
                Unit::Count => min.floor() + (u * (max.floor() - min.floor() + 1.0)).floor(),
                Unit::Duration => min + u * (max - min),
            },
            Kind::Exp(e) => e.inverse_cdf(u),
            Kind::LogNormal(l) => l.inverse_cdf(u),
            Kind::Pareto(p) => p.inverse_cdf(u),
            Kind::Empirical(values) => {
                values[((u * values.len() as f64) as usize).min(values.len() - 1)]
            }
        }
    }

    /// A duration, rounded to whole µs.
    pub fn duration(&self, rng: &mut ChaCha8Rng) -> SimDuration {
        let x = self.sample(rng);
        SimDuration(if x.is_finite() && x > 0.0 {
            x.round().min(u64::MAX as f64 / 2.0) as u64
        } else {
            0
        })
    }

    /// A count of at least 1.
    pub fn count(&self, rng: &mut ChaCha8Rng) -> u32 {
        let x = self.sample(rng);
        if x.is_finite() {
            x.round().clamp(1.0, crate::scenario::MAX_TASKS_PER_STAGE) as u32
        } else {
            1
        }
    }
}

/// The arrival process of one job stream, from its start time.
#[derive(Clone, Debug)]
pub struct Arrivals {
    kind: Arrival,
    start: SimTime,
    next_index: usize,
    last: SimTime,
    exp: Option<Exp>,
}

impl Arrivals {
    pub fn new(arrival: &Arrival, start: SimTime) -> Arrivals {
        let exp = match arrival {
            Arrival::Poisson { mean } => Exp::new(1.0 / mean.as_micros() as f64).ok(),
            _ => None,
        };
        Arrivals {
            kind: arrival.clone(),
            start,
            next_index: 0,
            last: start,
            exp,
        }
    }

    /// The next submission time, or `None` when the stream is exhausted.
    /// Poisson: exponential gaps from the start; every: at the start and then
    /// every interval; at: the listed offsets from the start.
    pub fn next(&mut self, rng: &mut ChaCha8Rng) -> Option<SimTime> {
        let i = self.next_index;
        self.next_index += 1;
        let t = match &self.kind {
            Arrival::Poisson { .. } => {
                let gap = self
                    .exp
                    .as_ref()
                    .map_or(0.0, |e| e.inverse_cdf(open_unit(rng)));
                self.last + SimDuration(gap.round() as u64)
            }
            Arrival::Every { interval } => {
                self.start + SimDuration(interval.as_micros().saturating_mul(i as u64))
            }
            Arrival::At { times } => self.start + *times.get(i)?,
        };
        self.last = t;
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RngStreams;

    fn dist(unit: Unit, dist: Dist) -> Sampler {
        Sampler::new(&Distribution { unit, dist })
    }

    #[test]
    fn sample_means_are_close_to_the_parameters() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        let n = 20_000;
        let mean = |s: &Sampler, rng: &mut ChaCha8Rng| {
            (0..n).map(|_| s.sample(rng)).sum::<f64>() / n as f64
        };
        let e = dist(Unit::Duration, Dist::Exponential { mean: 1000.0 });
        assert!((mean(&e, &mut rng) - 1000.0).abs() < 30.0);
        // Lognormal median: half the draws below it.
        let l = dist(
            Unit::Duration,
            Dist::Lognormal {
                median: 800_000.0,
                sigma: 0.6,
            },
        );
        let below = (0..n).filter(|_| l.sample(&mut rng) < 800_000.0).count();
        assert!((below as f64 / n as f64 - 0.5).abs() < 0.02);
        let u = dist(
            Unit::Count,
            Dist::Uniform {
                min: 8.0,
                max: 32.0,
            },
        );
        let draws: Vec<u32> = (0..n).map(|_| u.count(&mut rng)).collect();
        assert_eq!(*draws.iter().min().unwrap(), 8);
        assert_eq!(*draws.iter().max().unwrap(), 32);
        let p = dist(
            Unit::Duration,
            Dist::Pareto {
                scale: 100.0,
                shape: 3.0,
            },
        );
        assert!(
            (mean(&p, &mut rng) - 150.0).abs() < 5.0,
            "pareto mean = scale·shape/(shape−1)"
        );
    }

    #[test]
    fn durations_round_to_microseconds_and_counts_are_at_least_one() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        assert_eq!(
            dist(Unit::Duration, Dist::Constant { value: 1.6 }).duration(&mut rng),
            SimDuration(2)
        );
        assert_eq!(
            dist(Unit::Count, Dist::Constant { value: 0.2 }).count(&mut rng),
            1
        );
        let e = dist(
            Unit::Count,
            Dist::Empirical {
                values: vec![3.0, 5.0],
            },
        );
        let draws: Vec<u32> = (0..100).map(|_| e.count(&mut rng)).collect();
        assert!(
            draws.contains(&3) && draws.contains(&5) && draws.iter().all(|d| [3, 5].contains(d))
        );
    }

    #[test]
    fn arrival_processes() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        let s = SimTime(5_000_000);
        let mut every = Arrivals::new(
            &Arrival::Every {
                interval: SimDuration::from_secs(10),
            },
            s,
        );
        let got: Vec<u64> = (0..3).map(|_| every.next(&mut rng).unwrap().0).collect();
        assert_eq!(got, [5_000_000, 15_000_000, 25_000_000]);
        let mut at = Arrivals::new(
            &Arrival::At {
                times: vec![SimDuration::ZERO, SimDuration::from_secs(2)],
            },
            s,
        );
        assert_eq!(at.next(&mut rng), Some(SimTime(5_000_000)));
        assert_eq!(at.next(&mut rng), Some(SimTime(7_000_000)));
        assert_eq!(at.next(&mut rng), None);
        let mut p = Arrivals::new(
            &Arrival::Poisson {
                mean: SimDuration::from_secs(4),
            },
            SimTime::ZERO,
        );
        let mut last = SimTime::ZERO;
        for _ in 0..5000 {
            last = p.next(&mut rng).unwrap();
        }
        let mean_gap = last.0 as f64 / 5000.0;
        assert!((mean_gap - 4e6).abs() < 0.1e6, "{mean_gap}");
    }
}

/// What a task's end did to its job.
#[derive(Debug, PartialEq, Eq)]
pub enum TaskEnd {
    Nothing,
    /// The stage was complete and the next one opened.
    StageOpened,
    /// The job's last task: its row.
    JobDone(JobRow),
}

/// One job in a stream: its stages' task durations (µs), drawn at
/// submission, and its progress.
#[derive(Debug)]
struct Job {
    submit: SimTime,
    start: Option<SimTime>,
    stages: Vec<Vec<u64>>,
    stage: usize,
    /// Tasks of the current stage handed out so far.
    launched: usize,
    running: u32,
    tasks_total: u32,
    /// Tasks that read an input block (`[apps.jobs] input`), and those of
    /// them that ran on an agent holding a replica.
    input_tasks: u32,
    local_tasks: u32,
}

/// The job stream of an app or framework: arrivals, per-job task counts and
/// durations from its own named streams (keyed by its name, so no other
/// consumer shifts them), FIFO hand-out of tasks, and the stage barrier.
#[derive(Debug)]
pub struct JobStream {
    name: String,
    stages: u32,
    arrivals: Arrivals,
    arrival_rng: ChaCha8Rng,
    tasks_rng: ChaCha8Rng,
    durations_rng: ChaCha8Rng,
    tasks: Sampler,
    durations: Sampler,
    jobs: Vec<Job>,
    /// Unfinished jobs in submission order.
    active: std::collections::VecDeque<usize>,
    /// Tasks of the active jobs' current stages not yet handed out, kept
    /// as they change ([`JobStream::backlog`] is asked on every task end).
    pending: usize,
    /// Jobs whose driver died.
    abandoned: Vec<usize>,
    /// No job will arrive any more.
    pub done: bool,
}

impl JobStream {
    /// `kind` names the stream family (`"app"`, `"framework"`).
    pub fn new(
        name: &str,
        kind: &str,
        spec: &JobSpec,
        start: SimTime,
        streams: &RngStreams,
    ) -> JobStream {
        let key = fnv1a64(name.as_bytes());
        JobStream {
            name: name.to_string(),
            stages: spec.stages,
            arrivals: Arrivals::new(&spec.arrival, start),
            arrival_rng: streams.stream(&format!("{kind}-arrivals"), key),
            tasks_rng: streams.stream(&format!("{kind}-tasks"), key),
            durations_rng: streams.stream(&format!("{kind}-durations"), key),
            tasks: Sampler::new(&spec.tasks),
            durations: Sampler::new(&spec.task_duration),
            jobs: Vec::new(),
            active: std::collections::VecDeque::new(),
            pending: 0,
            abandoned: Vec::new(),
            done: false,
        }
    }

    pub fn next_arrival(&mut self) -> Option<SimTime> {
        self.arrivals.next(&mut self.arrival_rng)
    }

    /// A job arrives now: every stage's tasks are drawn at once. Returns
    /// its index.
    pub fn submit(&mut self, now: SimTime) -> usize {
        let stages: Vec<Vec<u64>> = (0..self.stages)
            .map(|_| {
                let n = self.tasks.count(&mut self.tasks_rng);
                (0..n)
                    .map(|_| self.durations.duration(&mut self.durations_rng).as_micros())
                    .collect()
            })
            .collect();
        let tasks_total = stages.iter().map(|s| s.len() as u32).sum();
        self.pending += stages.first().map_or(0, Vec::len);
        self.jobs.push(Job {
            submit: now,
            start: None,
            stages,
            stage: 0,
            launched: 0,
            running: 0,
            tasks_total,
            input_tasks: 0,
            local_tasks: 0,
        });
        self.active.push_back(self.jobs.len() - 1);
        self.jobs.len() - 1
    }

    /// The current stage of `job`: its number and its task count.
    pub fn current_stage(&self, job: usize) -> (usize, usize) {
        let j = &self.jobs[job];
        (j.stage, j.stages[j.stage].len())
    }

    /// Task `index` of `job`'s current stage starts (the driver's task
    /// scheduler chose it): its duration in µs. It counts as running from
    /// now on.
    pub fn take_index(&mut self, job: usize, index: u32) -> u64 {
        let j = &mut self.jobs[job];
        j.launched += 1;
        j.running += 1;
        self.pending -= 1;
        j.stages[j.stage][index as usize]
    }

    /// A running task of `job` failed (its executor died): it is pending
    /// again.
    pub fn task_failed(&mut self, job: usize) {
        let j = &mut self.jobs[job];
        j.launched -= 1;
        j.running -= 1;
        self.pending += 1;
    }

    /// The driver died: every active job is abandoned (it stays
    /// unfinished in the reports).
    pub fn abandon_active(&mut self) {
        self.abandoned.extend(self.active.drain(..));
        self.pending = 0;
    }

    /// A task of `job` read an input block, from a replica on its own agent
    /// when `local`.
    pub fn read_input(&mut self, job: usize, local: bool) {
        let j = &mut self.jobs[job];
        j.input_tasks += 1;
        j.local_tasks += u32::from(local);
    }

    /// The next task, FIFO across jobs: (job, duration µs). It counts as
    /// running from now on.
    pub fn take_task(&mut self) -> Option<(usize, u64)> {
        for &j in &self.active {
            let job = &mut self.jobs[j];
            if let Some(&d) = job.stages[job.stage].get(job.launched) {
                job.launched += 1;
                job.running += 1;
                self.pending -= 1;
                return Some((j, d));
            }
        }
        None
    }

    /// Tasks of the current stages not yet handed out.
    pub fn backlog(&self) -> usize {
        debug_assert_eq!(
            self.pending,
            self.active
                .iter()
                .map(|&j| {
                    let job = &self.jobs[j];
                    job.stages[job.stage].len() - job.launched
                })
                .sum::<usize>(),
            "the kept backlog is the sum over active jobs"
        );
        self.pending
    }

    /// Tasks of the head job's current stage not yet handed out.
    pub fn head_remaining(&self) -> usize {
        self.active.front().map_or(0, |&j| {
            let job = &self.jobs[j];
            job.stages[job.stage].len() - job.launched
        })
    }

    /// A task of `job` started executing.
    pub fn started(&mut self, job: usize, now: SimTime) {
        self.jobs[job].start.get_or_insert(now);
    }

    /// A task of `job` finished: the next stage opens when this one is
    /// complete (the barrier); the job's row when it is the last.
    pub fn finished(&mut self, j: usize, now: SimTime) -> TaskEnd {
        let job = &mut self.jobs[j];
        job.running -= 1;
        if job.running > 0 || job.launched < job.stages[job.stage].len() {
            return TaskEnd::Nothing;
        }
        // The stage is over: its durations are never read again, so a long
        // run's memory holds only the stages in flight.
        job.stages[job.stage] = Vec::new();
        if job.stage + 1 < job.stages.len() {
            job.stage += 1;
            job.launched = 0;
            self.pending += job.stages[job.stage].len();
            return TaskEnd::StageOpened;
        }
        self.active.retain(|&x| x != j);
        let mut row = self.row(j);
        row.end = Some(now);
        TaskEnd::JobDone(row)
    }

    /// Jobs submitted and not finished.
    pub fn active_jobs(&self) -> usize {
        self.active.len()
    }

    /// No more arrivals and nothing unfinished.
    pub fn is_idle(&self) -> bool {
        self.done && self.active.is_empty()
    }

    /// Rows for the jobs still unfinished.
    pub fn unfinished_rows(&self) -> Vec<JobRow> {
        self.abandoned
            .iter()
            .chain(&self.active)
            .map(|&j| self.row(j))
            .collect()
    }

    fn row(&self, j: usize) -> JobRow {
        let job = &self.jobs[j];
        JobRow {
            app: self.name.clone(),
            job: j as u64,
            submit: job.submit,
            start: job.start,
            end: None,
            stages: job.stages.len() as u32,
            tasks: job.tasks_total,
            local_tasks: job.local_tasks,
            input_tasks: job.input_tasks,
        }
    }
}
