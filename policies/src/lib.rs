//! # policies — the vocabulary and the decisions of Spark on Mesos (and on standalone, YARN and local)
//!
//! This crate is pure: no clock, no I/O, no randomness of its own. It holds
//!
//! - [`model`]: Mesos values and their text grammar (scalar, ranges, set,
//!   text), agent attributes, resources with roles and static reservations,
//!   fixed-point scalars as Mesos compares them, dense ids;
//! - [`constraints`]: `spark.mesos.constraints` parsing and matching;
//! - [`spark`]: `SparkConf` with Spark's value grammars and real defaults,
//!   the typed settings of one application, master URLs;
//! - [`mesos`]: the Mesos allocator (hierarchical DRF, random sorter, an
//!   example policy), offer filters;
//! - [`standalone`]: Spark's standalone Master (`schedule()`,
//!   `scheduleExecutorsOnWorkers`);
//! - [`yarn`]: Spark's `YarnAllocator`, container sizing and placement, and
//!   the ResourceManager's CapacityScheduler and FifoScheduler;
//! - [`local`]: Spark's local master;
//! - [`time`]: integer-microsecond instants and durations, the only notion of
//!   time a policy is ever handed (as a value).
//!
//! Every rule cites the section of `../shared/reference/` it restates.
//! Where we deviate on purpose, `docs/deviations.md` says why.
//!
//! ## Determinism
//!
//! Nothing here iterates a hash map where the order could reach a decision
//! or an output: collections are `Vec`s indexed by dense ids or `BTreeMap`s,
//! and the workspace `clippy.toml` bans `HashMap`/`HashSet`.

pub mod constraints;
pub mod local;
pub mod mesos;
pub mod model;
pub mod spark;
pub mod standalone;
pub mod suggest;
pub mod time;
pub mod yarn;
