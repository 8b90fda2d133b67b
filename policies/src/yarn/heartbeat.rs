//! A NodeManager heartbeat (every `yarn.resourcemanager.nodemanagers.heartbeat-interval-ms`,
//! 1 s): the only moment the ResourceManager places containers on a node
//! (reference standalone-yarn-local.md §2.9).

use super::resource_manager::{Allocation, ResourceManager, SchedulerKind};

/// The configured scheduler places containers on `node`.
pub fn heartbeat(rm: &mut ResourceManager, node: usize) -> Vec<Allocation> {
    match rm.conf.kind {
        SchedulerKind::Capacity => super::capacity::assign(rm, node),
        SchedulerKind::Fifo => super::fifo::assign(rm, node),
    }
}
