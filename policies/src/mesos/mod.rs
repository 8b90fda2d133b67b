//! The Mesos master's decisions: the allocator (hierarchical DRF and the
//! random sorter) over a read-only cluster view, and offer filters.

pub mod filters;
pub mod hierarchical;
pub mod view;

pub use filters::{OfferFilters, Refuse, filter_lifetime};
pub use hierarchical::{HierarchicalAllocator, Sorter, allocator_named};
pub use view::{
    AgentView, Allocator, ClusterView, FrameworkView, Grant, MinAllocatable, RoleView, ScalarIndex,
    Scalars,
};

#[cfg(test)]
mod tests;
