//! The CapacityScheduler's assignment on one NodeManager heartbeat, as the
//! simulator models it (reference standalone-yarn-local.md §2.9, after
//! Hadoop's `CapacityScheduler.md` and capacity-scheduler.xml):
//!
//! - leaf queues with demand are tried in order of used ÷ guaranteed
//!   capacity (then their order under `root`); a queue never goes past its
//!   `maximum-capacity`;
//! - inside a leaf queue, applications are FIFO (submission order); each
//!   application is its own user, held to `capacity × user-limit-factor`
//!   (a user with nothing yet may always start);
//! - an AM container starts only while the queue's AMs stay within
//!   `maximum-am-resource-percent` of its capacity (or when the queue runs
//!   no AM), else the app waits ACCEPTED;
//! - an app's highest-priority asks go first: one naming this node is
//!   node-local; one naming other nodes waits `node-locality-delay` missed
//!   opportunities, then takes this node as rack-local (every node is on
//!   Hadoop's `/default-rack` here); one naming no node is off-switch, and
//!   a heartbeat makes at most `maximum-offswitch-assignments` of those;
//! - assignment goes on while something fits and multiple assignments are
//!   enabled. Vcores count only with the DominantResourceCalculator.

use super::resource_manager::{Allocation, ResourceManager};

/// What one app can take on the node now.
enum Pick {
    /// Ask index, and whether it is off-switch.
    Ask(usize, bool),
    /// Waiting for a node it prefers.
    Missed,
    Nothing,
}

fn pick(rm: &ResourceManager, ai: usize, node: usize, offswitch_left: bool) -> Pick {
    let a = &rm.apps[ai];
    let Some(top) = a.asks.iter().map(|x| x.priority).min() else {
        return Pick::Nothing;
    };
    if a.excluded.contains(&node) {
        return Pick::Nothing;
    }
    let at_top = || a.asks.iter().enumerate().filter(|(_, x)| x.priority == top);
    if let Some((i, _)) =
        at_top().find(|(_, x)| x.nodes.as_ref().is_some_and(|ns| ns.contains(&node)))
    {
        return Pick::Ask(i, false);
    }
    let waiting = at_top().any(|(_, x)| x.nodes.is_some());
    if waiting
        && a.missed >= rm.conf.node_locality_delay
        && let Some((i, _)) = at_top().find(|(_, x)| x.nodes.is_some())
    {
        return Pick::Ask(i, false);
    }
    if offswitch_left && let Some((i, _)) = at_top().find(|(_, x)| x.nodes.is_none()) {
        return Pick::Ask(i, true);
    }
    if waiting { Pick::Missed } else { Pick::Nothing }
}

pub fn assign(rm: &mut ResourceManager, node: usize) -> Vec<Allocation> {
    let mut out = Vec::new();
    let mut offswitch = 0;
    let mut missed_now: Vec<u32> = Vec::new();
    let total = rm.total_mem_mb as f64;
    loop {
        let nq = rm.conf.queues.len();
        let mut used = vec![0u64; nq];
        let mut am_used = vec![0u64; nq];
        for a in &rm.apps {
            used[a.queue] += a.used_mem_mb;
            am_used[a.queue] += a.am_mem_mb;
        }
        let mut order: Vec<usize> = (0..nq)
            .filter(|&q| rm.apps.iter().any(|a| a.queue == q && !a.asks.is_empty()))
            .collect();
        let ratio = |q: usize| used[q] as f64 / (rm.conf.queues[q].capacity * total).max(1.0);
        order.sort_by(|&x, &y| ratio(x).total_cmp(&ratio(y)).then(x.cmp(&y)));
        let mut granted = None;
        'queues: for q in order {
            let conf = &rm.conf.queues[q];
            let cap = conf.capacity * total;
            let max = conf.max_capacity * total;
            for ai in 0..rm.apps.len() {
                if rm.apps[ai].queue != q {
                    continue;
                }
                let (i, off) = match pick(rm, ai, node, offswitch < rm.conf.max_offswitch) {
                    Pick::Ask(i, off) => (i, off),
                    Pick::Missed => {
                        let key = rm.apps[ai].key;
                        if !missed_now.contains(&key) {
                            missed_now.push(key);
                            rm.apps[ai].missed += 1;
                        }
                        continue;
                    }
                    Pick::Nothing => continue,
                };
                let a = &rm.apps[ai];
                let ask = &a.asks[i];
                let mem = ask.capability.mem_mb;
                if !rm.fits(node, ask.capability) || (used[q] + mem) as f64 > max {
                    continue;
                }
                let user_limit = cap * conf.user_limit_factor;
                if a.used_mem_mb > 0 && (a.used_mem_mb + mem) as f64 > user_limit {
                    continue;
                }
                if ask.priority == 0
                    && am_used[q] > 0
                    && (am_used[q] + mem) as f64 > conf.max_am_percent * cap
                {
                    continue;
                }
                granted = Some((ai, i, off));
                break 'queues;
            }
        }
        let Some((ai, i, off)) = granted else { break };
        out.push(rm.grant(ai, i, node));
        if off {
            offswitch += 1;
        }
        if !rm.conf.multiple_assignments {
            break;
        }
    }
    out
}
