//! Invariants, checked after every event in tests and debug builds
//! (DESIGN `check`). Each returns a message naming what broke.
//!
//! 1. Per agent: available + offered + allocated = total.
//! 2. Offered resources are exactly those of the agent's outstanding offers,
//!    each held by one offer (nothing offered twice).
//! 3. Allocated resources are exactly those of the agent's live tasks.
//! 4. Every task ends once (checked where tasks end, [`World::end_task`]).
//! 5. Time never goes back (checked where events are taken).
//! 6. The cluster-wide offered/allocated counters match the agents' books.

use std::collections::BTreeMap;

use policies::model::{AgentId, Resources};

use crate::world::kernel::Kernel;
use crate::world::mesos::master::MesosMaster;

pub(crate) fn check_all(k: &Kernel, m: &MesosMaster) -> Result<(), String> {
    let mut seen = m.touched.clone();
    seen.sort();
    seen.dedup();
    for a in seen {
        check_agent(k, m, a.index())?;
    }
    check_counters(k, m)
}

/// Invariants 1–3 for one agent.
pub(crate) fn check_agent(k: &Kernel, w: &MesosMaster, i: usize) -> Result<(), String> {
    let agent = &w.agents[i];
    let machine = &k.machines[i];
    let offered =
        held_here(&agent.offer_ids, &w.offers, i, |o| (o.agent, &o.resources)).map_err(|id| {
            format!(
                "agent {}: offer {id} is not outstanding here",
                machine.hostname
            )
        })?;
    let outstanding_here = w.offers.values().filter(|o| o.agent.index() == i).count();
    if outstanding_here != agent.offer_ids.len() {
        return Err(format!(
            "agent {}: {outstanding_here} outstanding offers, but it lists {}",
            machine.hostname,
            agent.offer_ids.len()
        ));
    }
    let sum = w.agent_views[i]
        .available
        .plus(&offered)
        .plus(&agent.allocated);
    // A removed (unreachable) agent holds nothing: its total left the
    // allocator with it.
    let total = if w.removed[i] {
        Resources::new()
    } else {
        machine.total.clone()
    };
    if sum != total {
        return Err(format!(
            "agent {}: available + offered + allocated = {sum}, but the total is {total}",
            machine.hostname
        ));
    }
    if w.removed[i] && w.agent_views[i].active {
        return Err(format!(
            "agent {}: removed but still active in the allocator",
            machine.hostname
        ));
    }
    let allocated = held_here(&agent.task_ids, &w.tasks, i, |t| (t.agent, &t.resources))
        .map_err(|id| format!("agent {}: task {id} is not live here", machine.hostname))?;
    if allocated != agent.allocated {
        return Err(format!(
            "agent {}: allocated {} but its live tasks hold {allocated}",
            machine.hostname, agent.allocated
        ));
    }
    Ok(())
}

/// What the entries `ids` of `books` (offers or tasks) listed on agent
/// `agent` hold together, or the first id that is not in the books or
/// belongs to another agent.
fn held_here<'a, T>(
    ids: impl IntoIterator<Item = &'a u64>,
    books: &'a BTreeMap<u64, T>,
    agent: usize,
    part: impl Fn(&'a T) -> (AgentId, &'a Resources),
) -> Result<Resources, u64> {
    let mut held = Resources::new();
    for id in ids {
        match books.get(id).map(&part) {
            Some((a, r)) if a.index() == agent => held.add(r),
            _ => return Err(*id),
        }
    }
    Ok(held)
}

/// Invariant 6.
pub(crate) fn check_counters(k: &Kernel, w: &MesosMaster) -> Result<(), String> {
    let offered: i64 = w.offers.values().map(|o| o.resources.cpus().0).sum();
    if offered != k.metrics.cpus_offered {
        return Err(format!(
            "outstanding offers hold {offered} mcpus but the counter says {}",
            k.metrics.cpus_offered
        ));
    }
    if k.metrics.cpus_allocated < 0 || k.metrics.cpus_busy < 0 {
        return Err("negative allocated or busy counter".to_string());
    }
    // Each framework's allocated CPUs (summary.csv's per-app rows) add up
    // to the cluster's.
    let per_framework: i64 = k.metrics.fw_allocated.iter().map(|f| f.cpus).sum();
    if per_framework != k.metrics.cpus_allocated
        || k.metrics.fw_allocated.iter().any(|f| f.cpus < 0)
    {
        return Err(format!(
            "frameworks hold {per_framework} mcpus between them but the cluster counter says {}",
            k.metrics.cpus_allocated
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::time::SimTime;
    use crate::world::{RunOptions, World};
    use policies::model::Resources;

    const SCENARIO: &str = include_str!("../../../../scenarios/tests/two-agents.toml");

    /// A world stepped until it has an executor running and an offer
    /// declined, with every check passing on the way.
    fn world() -> World {
        let sc = load_str(SCENARIO, &[]).unwrap().base;
        let mut w = World::new(
            &sc,
            7,
            RunOptions {
                record_offers: false,
                check_invariants: true,
            },
        );
        while w.now() < SimTime(2_000_000) {
            w.step().unwrap().unwrap();
        }
        assert!(!w.m.tasks.is_empty());
        for i in 0..w.m.agents.len() {
            check_agent(&w.k, &w.m, i).unwrap();
        }
        check_counters(&w.k, &w.m).unwrap();
        w
    }

    #[test]
    fn available_offered_allocated_must_add_up_to_the_total() {
        let mut w = world();
        w.m.agent_views[0]
            .available
            .add(&Resources::parse("cpus:1").unwrap());
        let e = check_agent(&w.k, &w.m, 0).unwrap_err();
        assert!(e.contains("available + offered + allocated"), "{e}");
    }

    #[test]
    fn offered_resources_must_belong_to_outstanding_offers() {
        let mut w = world();
        w.m.agents[1].offer_ids.push(999);
        let e = check_agent(&w.k, &w.m, 1).unwrap_err();
        assert!(e.contains("offer 999 is not outstanding here"), "{e}");
        // An offer counted twice: the counter no longer matches.
        let mut w = world();
        w.k.metrics.cpus_offered += 1000;
        assert!(
            check_counters(&w.k, &w.m)
                .unwrap_err()
                .contains("outstanding offers hold")
        );
    }

    #[test]
    fn allocated_resources_must_belong_to_live_tasks() {
        let mut w = world();
        let agent = w.m.tasks.values().next().unwrap().agent.index();
        // Moving resources from available to allocated keeps the sum right,
        // so only the task check can catch it.
        let r = Resources::parse("mem:1").unwrap();
        w.m.agent_views[agent].available.subtract(&r);
        w.m.agents[agent].allocated.add(&r);
        let e = check_agent(&w.k, &w.m, agent).unwrap_err();
        assert!(e.contains("but its live tasks hold"), "{e}");
    }

    #[test]
    fn a_task_cannot_end_twice() {
        let mut w = world();
        let uid = *w.m.tasks.keys().next().unwrap();
        let t = w.m.tasks[&uid].clone();
        w.m.end_task(&mut w.k, uid);
        assert!(w.k.violation.is_none());
        w.m.tasks.insert(uid, t);
        w.m.end_task(&mut w.k, uid);
        assert_eq!(
            w.k.violation.as_deref(),
            Some(format!("task {uid} ended twice").as_str())
        );
    }

    #[test]
    fn time_cannot_go_back() {
        let mut w = world();
        w.push_sample_at(SimTime(1_000_000));
        let mut err = None;
        while let Some(r) = w.step() {
            if let Err(e) = r {
                err = Some(e);
                break;
            }
        }
        assert_eq!(
            err.as_deref(),
            Some("time went back from 2.000072 to 1.000000")
        );
    }
}
