//! # sim — a deterministic discrete-event simulator of Spark on Mesos (and on standalone, YARN and local)
//!
//! The world (machines, a cluster manager — the Mesos master, the standalone
//! Master, the YARN ResourceManager, or none for `local[K]` —, Spark drivers
//! and other frameworks, executors, tasks) moves in simulated time; every
//! decision is delegated to the pure policies of the `policies` crate.
//!
//! ## Time
//!
//! [`time::SimTime`] and [`time::SimDuration`] are `u64` microseconds. No
//! float ever holds a time; sampled durations are rounded to whole µs when
//! drawn, and reports print seconds with six decimals from the integer.
//!
//! ## Event order (the same-instant contract)
//!
//! The [`queue::EventQueue`] delivers events by `(time, class, seq)`:
//! increasing time; at one instant, increasing [`queue::EventClass`]
//! (completions, then status updates, arrivals, timers, the allocation run,
//! and metric samples last); with equal time and class, in push order. So a
//! task ending at `t` frees its resources before the allocation run at `t`,
//! and a sample at `t` sees the final state of `t`. A test pins this.
//!
//! ## Determinism
//!
//! Same scenario and seed ⇒ the same bytes in every report, on any machine:
//!
//! - randomness comes only from [`rng::RngStreams`]: one master seed split
//!   into named ChaCha8 streams per purpose and entity, so adding an app or
//!   an agent never changes the numbers another consumer draws;
//! - collections that reach a decision or an output are `Vec`s indexed by
//!   dense ids assigned in scenario order, or `BTreeMap`s; the workspace
//!   `clippy.toml` bans `HashMap`/`HashSet` and the wall clock;
//! - the wall clock is read only by the CLI, to report how long a run took.
//!
//! ## Scenarios
//!
//! [`scenario`] reads the TOML scenario file of SPEC §1 into a validated
//! [`scenario::Scenario`], collecting every problem with its path and line.

/// The version `sim --version` prints and `scenario.resolved.toml`
/// records: the crate's version and the git commit it was built from
/// ("unknown" outside a git checkout; `build.rs`).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SIM_GIT_HASH"), ")");

pub mod charts;
pub mod cli;
pub mod columns;
pub mod idmap;
pub mod import;
pub mod jobs;
pub mod merge;
pub mod metrics;
pub mod output;
pub mod queue;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod table;
pub mod time;
pub mod traces;
pub mod workload;
pub mod world;
