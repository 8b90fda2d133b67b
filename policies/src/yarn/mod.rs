//! Spark on YARN (`--master yarn`): the ApplicationMaster's
//! `YarnAllocator` and the ResourceManager that grants it containers.
//! Spark 3.0 `resource-managers/yarn` and Hadoop's defaults (reference
//! standalone-yarn-local.md §2).
//!
//! - [`container`]: container sizes (executor and AM, with overhead) and
//!   the ResourceManager's normalization and limits;
//! - [`placement`]: Spark's `LocalityPreferredContainerPlacementStrategy`;
//! - [`allocator`]: `YarnAllocator` (requests, granted containers, kills,
//!   failures, the AM's allocation interval);
//! - [`resource_manager`]: the ResourceManager's books and the heartbeat that drives its
//!   scheduler, [`capacity`] (CapacityScheduler, the default) or [`fifo`].

pub mod allocator;
pub mod capacity;
pub mod container;
pub mod fifo;
pub mod heartbeat;
pub mod placement;
pub mod resource_manager;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;
