//! Allocators registered while the program runs, beside the built-in
//! ones: a policy written in another language (Python, through the
//! `sparksim` package) is registered under a name and then selected by
//! `mesos.allocator` like any other. Such a policy is not trusted: the
//! master checks every grant it makes (`grants.rs`).

use std::sync::{Arc, RwLock};

use super::view::Allocator;

/// Builds a fresh allocator for one run.
pub type AllocatorFactory = Arc<dyn Fn() -> Box<dyn Allocator> + Send + Sync>;

struct Registered {
    name: &'static str,
    about: &'static str,
    build: AllocatorFactory,
}

static REGISTERED: RwLock<Vec<Registered>> = RwLock::new(Vec::new());

/// Registers `build` under `name` (replacing an earlier registration of
/// that name); the caller has checked the name.
pub(super) fn register(name: &str, about: &str, build: AllocatorFactory) {
    let mut list = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    list.retain(|r| r.name != name);
    // Names live as long as the program: a scenario keeps them as
    // `&'static str`, and registrations are few.
    list.push(Registered {
        name: Box::leak(name.to_string().into_boxed_str()),
        about: Box::leak(about.to_string().into_boxed_str()),
        build,
    });
}

/// Forgets the allocator registered under `name` (its name stays valid
/// for the scenarios that hold it, which can no longer build it).
pub fn unregister_allocator(name: &str) {
    let mut list = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    list.retain(|r| r.name != name);
}

/// Whether `name` was registered at run time (its grants are checked).
pub fn is_registered(name: &str) -> bool {
    let list = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    list.iter().any(|r| r.name == name)
}

/// The registered allocator of `name`, built afresh.
pub(super) fn build_registered(name: &str) -> Option<Box<dyn Allocator>> {
    let build = {
        let list = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
        list.iter()
            .find(|r| r.name == name)
            .map(|r| r.build.clone())
    };
    build.map(|b| b())
}

/// The registered names and their one-line descriptions, in registration
/// order.
pub(super) fn registered() -> Vec<(&'static str, &'static str)> {
    let list = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    list.iter().map(|r| (r.name, r.about)).collect()
}
