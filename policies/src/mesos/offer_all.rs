//! The offer model of Omega's critique of Mesos (Schwarzkopf et al.,
//! EuroSys 2013, §3.4 and Fig. 7): **every** free resource is offered to
//! one framework at a time. **Not a Mesos policy** (Mesos 1.11 offers
//! each agent to the framework first in DRF order for that agent, and the
//! shares move after every agent, reference mesos-master.md §1.2): select
//! it with `mesos.allocator = "offer-all"` to reproduce the paper's
//! setting (docs/validation.md).
//!
//! - Frameworks in DRF order: the lowest dominant share of what they hold
//!   or are offered, then fewer past offers, then the lower id (roles and
//!   weights are ignored).
//! - The first one that some active agent's unreserved pool is not
//!   filtered for gets every such pool, and nobody else gets anything in
//!   this run.
//! - It keeps the rules every policy keeps (docs/write-a-policy.md):
//!   active, unsuppressed frameworks; decline filters; no reservations;
//!   `min_allocatable`.

use rand_core::Rng;

use super::view::{Allocator, ClusterView, Grant};
use crate::model::{AgentId, FrameworkId};

/// All free resources to one framework per run.
#[derive(Debug, Default)]
pub struct OfferAll;

impl Allocator for OfferAll {
    fn name(&self) -> &'static str {
        "offer-all"
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        _rng: &mut dyn Rng,
    ) -> Vec<Grant> {
        let mut order: Vec<usize> = (0..view.frameworks.len())
            .filter(|&f| view.frameworks[f].active && !view.frameworks[f].suppressed)
            .collect();
        let share = |f: usize| view.frameworks[f].allocated.dominant_share(view.totals);
        order.sort_by(|&a, &b| {
            share(a)
                .total_cmp(&share(b))
                .then(view.frameworks[a].count.cmp(&view.frameworks[b].count))
                .then(a.cmp(&b))
        });
        for f in order {
            let fw = FrameworkId(f as u32);
            let grants: Vec<Grant> = candidates
                .iter()
                .filter_map(|&agent| {
                    let av = &view.agents[agent.index()];
                    let pool = av.available.unreserved();
                    (av.active
                        && !pool.is_empty()
                        && view.min_allocatable.allows(&pool)
                        && !view
                            .filters
                            .is_filtered(fw, agent, &pool, view.now, av.grown))
                    .then_some(Grant {
                        framework: fw,
                        agent,
                        resources: pool,
                    })
                })
                .collect();
            if !grants.is_empty() {
                return grants;
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{World, r};
    use super::*;
    use crate::time::{SimDuration, SimTime};

    #[test]
    fn every_free_agent_goes_to_the_lowest_share() {
        let mut w = World::new(
            &["cpus:4;mem:4096", "cpus:2;mem:2048"],
            &[("*", 1.0)],
            &[0, 0],
        );
        w.frameworks[0].allocated = w.scalars.vector(&r("cpus:1;mem:1024"));
        let mut a = OfferAll;
        // Framework 1 holds nothing: it gets both agents, 0 nothing.
        assert_eq!(
            w.run_with(&mut a, &[], 1),
            [
                (1, 0, "cpus:4;mem:4096".to_string()),
                (1, 1, "cpus:2;mem:2048".to_string()),
            ]
        );
    }

    #[test]
    fn a_framework_filtered_everywhere_passes_its_turn() {
        let mut w = World::new(&["cpus:4;mem:4096"], &[("*", 1.0)], &[0, 0]);
        w.filters.install(
            FrameworkId(0),
            AgentId(0),
            r("cpus:4;mem:4096"),
            SimTime(0),
            SimDuration::from_secs(5),
        );
        let mut a = OfferAll;
        assert_eq!(
            w.run_with(&mut a, &[], 1),
            [(1, 0, "cpus:4;mem:4096".to_string())]
        );
    }
}
