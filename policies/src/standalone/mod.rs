//! Spark's standalone cluster manager (`spark://host:7077`): the Master's
//! books and its `schedule()` (drivers first, then executors app by app in
//! FIFO order, spread out or packed across workers). Spark 3.0
//! `deploy/master/Master.scala` (reference standalone-yarn-local.md §1).
//!
//! - [`schedule`]: `scheduleExecutorsOnWorkers`, the per-app plan of cores
//!   per worker, and the order workers are handed to it;
//! - [`master`]: the Master as a pure state machine (apps, drivers,
//!   workers, executors, limits, failures) answering each event with what
//!   to launch where.

pub mod master;
pub mod schedule;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;

pub use master::{
    AppDescription, DriverDesc, ExecutorDesc, ExitOutcome, Launch, Master, MasterConf,
};
