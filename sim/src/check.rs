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

use policies::model::Resources;

use crate::world::World;

pub fn check_all(w: &World) -> Result<(), String> {
    let mut seen = w.touched.clone();
    seen.sort();
    seen.dedup();
    for a in seen {
        check_agent(w, a.index())?;
    }
    check_counters(w)
}

/// Invariants 1–3 for one agent.
pub fn check_agent(w: &World, i: usize) -> Result<(), String> {
    let agent = &w.agents[i];
    let sum = w.agent_views[i]
        .available
        .plus(&agent.offered)
        .plus(&agent.allocated);
    if sum != agent.total {
        return Err(format!(
            "agent {}: available + offered + allocated = {sum}, but the total is {}",
            agent.hostname, agent.total
        ));
    }
    let mut offered = Resources::new();
    for id in &agent.offer_ids {
        match w.offers.get(id) {
            Some(o) if o.agent.index() == i => offered.add(&o.resources),
            _ => {
                return Err(format!(
                    "agent {}: offer {id} is not outstanding here",
                    agent.hostname
                ));
            }
        }
    }
    let outstanding_here = w.offers.values().filter(|o| o.agent.index() == i).count();
    if offered != agent.offered || outstanding_here != agent.offer_ids.len() {
        return Err(format!(
            "agent {}: offered {} but its {} outstanding offers hold {offered}",
            agent.hostname,
            agent.offered,
            agent.offer_ids.len()
        ));
    }
    let mut allocated = Resources::new();
    for id in &agent.task_ids {
        match w.tasks.get(id) {
            Some(t) if t.agent.index() == i => allocated.add(&t.resources),
            _ => {
                return Err(format!(
                    "agent {}: task {id} is not live here",
                    agent.hostname
                ));
            }
        }
    }
    if allocated != agent.allocated {
        return Err(format!(
            "agent {}: allocated {} but its live tasks hold {allocated}",
            agent.hostname, agent.allocated
        ));
    }
    Ok(())
}

/// Invariant 6.
pub fn check_counters(w: &World) -> Result<(), String> {
    let offered: i64 = w.offers.values().map(|o| o.resources.cpus().0).sum();
    if offered != w.metrics.cpus_offered {
        return Err(format!(
            "outstanding offers hold {offered} mcpus but the counter says {}",
            w.metrics.cpus_offered
        ));
    }
    if w.metrics.cpus_allocated < 0 || w.metrics.cpus_busy < 0 {
        return Err("negative allocated or busy counter".to_string());
    }
    Ok(())
}
