//! A job as a source gives it, and the source contract (see the parent
//! module).

use crate::time::SimTime;

/// One stage of a job as a source gives it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StageDraft {
    /// Each task's run time at full speed, µs.
    pub durations: Vec<u64>,
    /// The stages (ids within the job, each below this stage's) whose
    /// output this stage reads.
    pub parents: Vec<u32>,
    /// The CPUs one of its tasks keeps busy, when the source knows (a
    /// trace read with `cpus_per_unit`); else the app's `cpu_fraction`
    /// applies.
    pub cores: Option<f64>,
    /// Whether its tasks read input blocks, when the source knows (a
    /// trace's input bytes); else the stages without parents do.
    pub input: Option<bool>,
}

/// One job as a source gives it: its stages, by id.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct JobDraft {
    pub stages: Vec<StageDraft>,
}

impl JobDraft {
    /// Whether every stage's parents come before it (and there is at
    /// least one stage with at least one task).
    pub fn is_well_formed(&self) -> bool {
        !self.stages.is_empty()
            && self.stages.iter().enumerate().all(|(i, s)| {
                !s.durations.is_empty() && s.parents.iter().all(|&p| (p as usize) < i)
            })
    }
}

/// An app's jobs, in submission order.
///
/// The stream asks [`JobSource::next_submit`] for the time of the next job
/// when the previous one is submitted, and [`JobSource::take`] for its
/// stages when it is submitted (so a source that draws its jobs at random
/// draws them in submission order, whatever happens in between).
pub trait JobSource: std::fmt::Debug {
    /// When the next job is submitted (absolute time), or `None` when the
    /// source has no more.
    fn next_submit(&mut self) -> Option<SimTime>;
    /// The stages of the job whose time [`JobSource::next_submit`] gave
    /// last.
    fn take(&mut self) -> JobDraft;
    /// Why the source stopped early, if it did (a trace that changed or
    /// vanished after the scenario was checked).
    fn error(&self) -> Option<&str> {
        None
    }
}
