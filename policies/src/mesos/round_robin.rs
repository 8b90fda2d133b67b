//! An example allocation policy, written for docs/write-a-policy.md: the
//! smallest useful [`Allocator`], to copy when you write your own.
//!
//! **Not a Mesos policy.** Mesos allocates by hierarchical DRF
//! (Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3); this one ignores roles, weights, quota
//! and dominant shares and hands each agent's whole unreserved pool to the
//! next framework in turn. It keeps the rules every policy must keep
//! (Mesos 1.11; reference mesos-master.md): only active agents and active frameworks
//! that have not suppressed offers (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.8), never resources a framework's
//! decline filter still refuses (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7), never another role's reservations
//! (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4), never less than `min_allocatable` (Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0). Select it with
//! `mesos.allocator = "round-robin"`.

use rand_core::Rng;

use super::view::{Allocator, ClusterView, Grant};
use crate::model::{AgentId, FrameworkId};

/// Frameworks take turns: each agent (in the order the master lists the
/// candidates) goes whole to the next framework after the one served last.
#[derive(Debug, Default)]
pub struct RoundRobin {
    /// The framework whose turn is next, carried across allocation runs.
    next: usize,
}

impl Allocator for RoundRobin {
    fn name(&self) -> &'static str {
        "round-robin"
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        _rng: &mut dyn Rng,
    ) -> Vec<Grant> {
        let n = view.frameworks.len();
        let mut grants = Vec::new();
        for &agent in candidates {
            let av = &view.agents[agent.index()];
            // Reserved resources belong to their role: leave them alone.
            let pool = av.available.unreserved();
            if !av.active || pool.is_empty() || !view.min_allocatable.allows(&pool) {
                continue;
            }
            let taker = (0..n).map(|k| (self.next + k) % n).find(|&f| {
                let fw = &view.frameworks[f];
                fw.active
                    && !fw.suppressed
                    && !view.filters.is_filtered(
                        FrameworkId(f as u32),
                        agent,
                        &pool,
                        view.now,
                        av.grown,
                    )
            });
            if let Some(f) = taker {
                grants.push(Grant {
                    framework: FrameworkId(f as u32),
                    agent,
                    resources: pool,
                });
                self.next = (f + 1) % n;
            }
        }
        grants
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{World, r};
    use super::*;
    use crate::time::{SimDuration, SimTime};

    #[test]
    fn agents_go_whole_to_frameworks_in_turn_across_runs() {
        let mut w = World::new(
            &["cpus:4;mem:4096", "cpus:2;mem:2048", "cpus:8;mem:8192"],
            &[("*", 1.0)],
            &[0, 0],
        );
        let mut rr = RoundRobin::default();
        assert_eq!(
            w.run_with(&mut rr, &[], 1),
            [
                (0, 0, "cpus:4;mem:4096".to_string()),
                (1, 1, "cpus:2;mem:2048".to_string()),
                (0, 2, "cpus:8;mem:8192".to_string()),
            ]
        );
        // The next run starts with framework 1, whose turn it is.
        w.agents[1].available = r("cpus:1;mem:512");
        assert_eq!(
            w.run_with(&mut rr, &[1], 1),
            [(1, 1, "cpus:1;mem:512".to_string())]
        );
    }

    #[test]
    fn suppressed_inactive_and_filtered_frameworks_lose_their_turn() {
        let mut w = World::new(
            &["cpus:4;mem:4096", "cpus:4;mem:4096"],
            &[("*", 1.0)],
            &[0, 0, 0],
        );
        w.frameworks[0].suppressed = true;
        w.filters.install(
            FrameworkId(1),
            AgentId(0),
            r("cpus:4;mem:4096"),
            SimTime(0),
            SimDuration::from_secs(5),
        );
        let mut rr = RoundRobin::default();
        // Agent 0: 0 is suppressed, 1 refused it → 2. Agent 1: back to 0
        // (suppressed) → 1, which refused agent 0 only.
        assert_eq!(
            w.run_with(&mut rr, &[], 1),
            [
                (2, 0, "cpus:4;mem:4096".to_string()),
                (1, 1, "cpus:4;mem:4096".to_string()),
            ]
        );
        // Nobody can take anything: no offers.
        let mut w = World::new(&["cpus:4;mem:4096"], &[("*", 1.0)], &[0]);
        w.frameworks[0].active = false;
        assert!(w.run_with(&mut RoundRobin::default(), &[], 1).is_empty());
    }

    #[test]
    fn reservations_and_crumbs_below_min_allocatable_are_never_offered() {
        let mut w = World::new(
            &["cpus:2;cpus(web):2;mem:4096", "cpus:0.005;mem:16"],
            &[("*", 1.0), ("web", 1.0)],
            &[0],
        );
        assert_eq!(
            w.run_with(&mut RoundRobin::default(), &[], 1),
            [(0, 0, "cpus:2;mem:4096".to_string())]
        );
    }
}
