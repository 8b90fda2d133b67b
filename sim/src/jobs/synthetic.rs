//! The synthetic job source: arrivals from the scenario's arrival process,
//! each job's stages shaped as `[apps.jobs] shape` says, task counts and
//! run times drawn from its distributions.
//!
//! Every value comes from the app's (or framework's) own named streams,
//! keyed by its name, so no other consumer shifts them: arrival times from
//! `KIND-arrivals`, task counts from `KIND-tasks` and run times from
//! `KIND-durations`. A job's stages are drawn when it is submitted, stage
//! by stage in id order (a count, then that many run times), whatever the
//! shape, so a chain draws exactly what it always drew.

use rand_chacha::ChaCha8Rng;

use crate::jobs::draft::{JobDraft, JobSource, StageDraft};
use crate::rng::{RngStreams, fnv1a64};
use crate::scenario::{JobShape, JobSpec};
use crate::time::SimTime;
use crate::workload::{Arrivals, Sampler};

#[derive(Debug)]
pub struct Synthetic {
    stages: u32,
    shape: JobShape,
    arrivals: Arrivals,
    arrival_rng: ChaCha8Rng,
    tasks_rng: ChaCha8Rng,
    durations_rng: ChaCha8Rng,
    tasks: Sampler,
    durations: Sampler,
}

impl Synthetic {
    /// `kind` names the stream family (`"app"`, `"framework"`).
    pub fn new(
        name: &str,
        kind: &str,
        spec: &JobSpec,
        start: SimTime,
        streams: &RngStreams,
    ) -> Synthetic {
        let key = fnv1a64(name.as_bytes());
        Synthetic {
            stages: spec.stages,
            shape: spec.shape,
            arrivals: Arrivals::new(&spec.arrival, start),
            arrival_rng: streams.stream(&format!("{kind}-arrivals"), key),
            tasks_rng: streams.stream(&format!("{kind}-tasks"), key),
            durations_rng: streams.stream(&format!("{kind}-durations"), key),
            tasks: Sampler::new(&spec.tasks),
            durations: Sampler::new(&spec.task_duration),
        }
    }
}

/// The parents of stage `i` of a job of `n` stages shaped `shape`.
pub fn parents(shape: JobShape, i: u32, n: u32) -> Vec<u32> {
    match shape {
        // Each stage reads the one before it.
        JobShape::Chain => i.checked_sub(1).into_iter().collect(),
        // K independent stages, then one that reads them all.
        JobShape::FanIn { .. } if i + 1 == n => (0..i).collect(),
        JobShape::FanIn { .. } => Vec::new(),
        // 0 → 1, 0 → 2, {1, 2} → 3.
        JobShape::Diamond => match i {
            0 => Vec::new(),
            1 | 2 => vec![0],
            _ => vec![1, 2],
        },
    }
}

impl JobSource for Synthetic {
    fn next_submit(&mut self) -> Option<SimTime> {
        self.arrivals.next(&mut self.arrival_rng)
    }

    fn take(&mut self) -> JobDraft {
        let n = self.stages;
        JobDraft {
            stages: (0..n)
                .map(|i| {
                    let count = self.tasks.count(&mut self.tasks_rng);
                    StageDraft {
                        durations: (0..count)
                            .map(|_| self.durations.duration(&mut self.durations_rng).as_micros())
                            .collect(),
                        parents: parents(self.shape, i, n),
                        ..StageDraft::default()
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_give_each_stage_its_parents() {
        let all = |shape, n| (0..n).map(|i| parents(shape, i, n)).collect::<Vec<_>>();
        let none: Vec<u32> = Vec::new();
        assert_eq!(all(JobShape::Chain, 3), [none.clone(), vec![0], vec![1]]);
        assert_eq!(
            all(JobShape::FanIn { parents: 3 }, 4),
            [none.clone(), none.clone(), none.clone(), vec![0, 1, 2]]
        );
        assert_eq!(
            all(JobShape::Diamond, 4),
            [none, vec![0], vec![0], vec![1, 2]]
        );
    }
}
