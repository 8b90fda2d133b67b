//! The ResourceManager's invariants, checked after every event in tests
//! and debug runs.

use crate::world::spark::driver::SparkDriver;
use crate::world::yarn::application_master::YarnSpark;
use crate::world::yarn::resource_manager::YarnRm;

/// Each node within its memory, the nodes' use equal to the apps' use, and
/// every executor a driver has running in a container its AM holds on
/// that node.
pub(crate) fn check<'a>(
    y: &YarnRm,
    apps: impl Iterator<Item = (&'a SparkDriver, &'a YarnSpark)>,
) -> Result<(), String> {
    let nodes: u64 = y.rm.nodes.iter().map(|n| n.used_mem_mb).sum();
    let used: u64 = y.rm.apps.iter().map(|a| a.used_mem_mb).sum();
    if nodes != used {
        return Err(format!("NodeManagers use {nodes} MiB, apps {used} MiB"));
    }
    if let Some((i, n)) =
        y.rm.nodes
            .iter()
            .enumerate()
            .find(|(_, n)| n.used_mem_mb > n.mem_mb)
    {
        return Err(format!(
            "node {i} uses {} of {} MiB",
            n.used_mem_mb, n.mem_mb
        ));
    }
    for (d, s) in apps {
        for (id, e) in d.executors.iter() {
            let held = s
                .allocator
                .as_ref()
                .and_then(|a| a.container_of(*id as u32))
                .is_some_and(|c| c.node == e.agent.index());
            if !held {
                return Err(format!(
                    "app {}: executor {id} runs without its container",
                    d.name
                ));
            }
        }
    }
    Ok(())
}
