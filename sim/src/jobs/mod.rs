//! Where jobs come from and how their stages run.
//!
//! - A job is a DAG of stages ([`JobDraft`], [`StageDraft`]): each stage
//!   has its tasks' run times and the stages it waits for. Stage ids are
//!   numbered so that a stage's parents come before it, as Spark's
//!   `DAGScheduler` numbers them (a parent stage is created, and gets its
//!   id, before the stage that reads its output: Spark 3.0
//!   `DAGScheduler.getOrCreateParentStages` is called from
//!   `createResultStage`/`createShuffleMapStage` before the new stage's id
//!   is taken).
//! - A [`JobSource`] yields an app's jobs in submission order, lazily, so a
//!   long trace streams: the synthetic generator ([`synthetic`]) is one
//!   source; trace importers are others.
//! - [`JobStream`] ([`dag`]) is the driver's `DAGScheduler` bookkeeping:
//!   it submits a stage once all its parents are done, runs independent
//!   stages together, and hands its tasks to the task scheduler.

pub mod dag;
pub mod draft;
pub mod synthetic;

pub use dag::{JobStream, OutputAt, OutputLoss, TaskEnd};
pub use draft::{JobDraft, JobSource, StageDraft};

use crate::rng::RngStreams;
use crate::scenario::JobSpec;
use crate::time::SimTime;

/// The job source `spec` asks for: its trace when it names one, else the
/// synthetic generator. `kind` names the random stream family (`"app"`,
/// `"framework"`); `start` is when the app starts.
pub fn source_for(
    name: &str,
    kind: &str,
    spec: &JobSpec,
    start: SimTime,
    streams: &RngStreams,
) -> Box<dyn JobSource> {
    match &spec.trace {
        Some((opts, _)) => Box::new(crate::traces::TraceSource::new(opts, start)),
        None => Box::new(synthetic::Synthetic::new(name, kind, spec, start, streams)),
    }
}
