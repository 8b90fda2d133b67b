//! The FifoScheduler's assignment on one NodeManager heartbeat, as the
//! simulator models it (reference standalone-yarn-local.md §2.9): one
//! queue, applications in submission order, each taking on this node as
//! many containers as fit for its highest-priority asks — those naming the
//! node first, then the rest — with no locality delay, no queue, user or
//! AM limits, and no cap on off-switch assignments.

use super::resource_manager::{Allocation, ResourceManager};

pub fn assign(rm: &mut ResourceManager, node: usize) -> Vec<Allocation> {
    let mut out = Vec::new();
    for ai in 0..rm.apps.len() {
        if rm.apps[ai].excluded.contains(&node) {
            continue;
        }
        loop {
            let a = &rm.apps[ai];
            let Some(top) = a.asks.iter().map(|x| x.priority).min() else {
                break;
            };
            let at_top = || a.asks.iter().enumerate().filter(|(_, x)| x.priority == top);
            let local =
                at_top().find(|(_, x)| x.nodes.as_ref().is_some_and(|ns| ns.contains(&node)));
            let Some((i, ask)) = local.or_else(|| at_top().next()) else {
                break;
            };
            if !rm.fits(node, ask.capability) {
                break;
            }
            out.push(rm.grant(ai, i, node));
        }
    }
    out
}
