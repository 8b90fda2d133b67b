//! The Mesos master's decisions: the allocator (hierarchical DRF and the
//! random sorter) over a read-only cluster view, and offer filters.

pub mod filters;
mod grants;
pub mod hierarchical;
pub mod offer_all;
mod registry;
mod role_tree;
pub mod round_robin;
pub mod run_time;
pub mod slots;
pub mod view;

pub use filters::{OfferFilters, Refuse, filter_lifetime};
pub use grants::check_grants;
pub use hierarchical::{HierarchicalAllocator, Sorter};
pub use offer_all::OfferAll;
pub use registry::{AllocatorFactory, is_registered, unregister_allocator};
pub use round_robin::RoundRobin;
pub use run_time::allocation_run_time;
pub use slots::SlotFair;
pub use view::{
    AgentView, Allocator, ClusterView, FrameworkView, Grant, MinAllocatable, RoleView, ScalarIndex,
    Scalars,
};

/// An allocation policy a scenario can name in `mesos.allocator`.
#[derive(Clone, Copy, Debug)]
pub struct AllocatorEntry {
    pub name: &'static str,
    /// One line for docs and error messages.
    pub about: &'static str,
    pub build: fn() -> Box<dyn Allocator>,
}

/// Every allocator a scenario can select; add yours here
/// (docs/write-a-policy.md).
pub const ALLOCATORS: [AllocatorEntry; 5] = [
    AllocatorEntry {
        name: "drf",
        about: "Mesos's hierarchical DRF allocator (the default)",
        build: || Box::new(HierarchicalAllocator::new(Sorter::Drf)),
    },
    AllocatorEntry {
        name: "random",
        about: "hierarchical allocator with Mesos's random sorter",
        build: || Box::new(HierarchicalAllocator::new(Sorter::Random)),
    },
    AllocatorEntry {
        name: "round-robin",
        about: "example policy (not Mesos): whole agents to frameworks in turn",
        build: || Box::<RoundRobin>::default(),
    },
    AllocatorEntry {
        name: "slots",
        about: "baseline (not Mesos): Hadoop-style equal shares of fixed slots of 1 CPU and the cluster's memory per CPU",
        build: || Box::new(SlotFair),
    },
    AllocatorEntry {
        name: "offer-all",
        about: "Omega's model of Mesos (not Mesos): every free agent offered to one framework per run",
        build: || Box::new(OfferAll),
    },
];

/// Builds the allocator a scenario names (`mesos.allocator`): a built-in
/// one, or one registered at run time ([`register_allocator`]).
pub fn allocator_named(name: &str) -> Option<Box<dyn Allocator>> {
    ALLOCATORS
        .iter()
        .find(|e| e.name == name)
        .map(|e| (e.build)())
        .or_else(|| registry::build_registered(name))
}

/// Registers `build` under `name` as an allocator scenarios can select
/// (replacing an earlier registration of that name): a policy written in
/// another language. A built-in name is refused, as is a name that is not
/// one word.
pub fn register_allocator(name: &str, about: &str, build: AllocatorFactory) -> Result<(), String> {
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(format!(
            "an allocator's name must be one word, got \"{name}\""
        ));
    }
    if ALLOCATORS.iter().any(|e| e.name == name) {
        return Err(format!(
            "\"{name}\" is a built-in allocator; register yours under another name"
        ));
    }
    registry::register(name, about, build);
    Ok(())
}

/// Every name a scenario can select, with its one-line description: the
/// built-in allocators, then those registered at run time.
pub fn allocator_names() -> Vec<(&'static str, &'static str)> {
    ALLOCATORS
        .iter()
        .map(|e| (e.name, e.about))
        .chain(registry::registered())
        .collect()
}

#[cfg(test)]
mod tests;
