//! A slot-based fair sharer, the baseline the DRF paper compares against
//! (Ghodsi et al., NSDI 2011: Hadoop's Fair Scheduler, which divides each
//! machine into fixed slots and shares slots equally). **Not a Mesos
//! policy**: select it with `mesos.allocator = "slots"` to compare with DRF
//! (docs/validation.md).
//!
//! - A slot is 1 CPU and the cluster's memory per CPU (its total memory ÷
//!   its total CPUs), as a Hadoop operator sizes slots to the machines.
//! - Each agent's unreserved pool is cut into whole slots; what is left
//!   below a slot is never offered.
//! - The slots go one at a time to the eligible framework holding the
//!   fewest slots (its offered and allocated resources in slots: the larger
//!   of its CPUs and its memory ÷ a slot's), ties to the lower id; a
//!   framework's slots on one agent make one offer.
//! - It keeps the rules every policy keeps (docs/write-a-policy.md): only
//!   active agents and active, unsuppressed frameworks; never what a
//!   decline filter still refuses; never reservations;
//!   never less than `min_allocatable`.

use rand_core::Rng;

use super::view::{Allocator, ClusterView, Grant, shuffle};
use crate::model::{AgentId, FrameworkId, Milli, Resources};

/// Equal slots for every framework.
#[derive(Debug, Default)]
pub struct SlotFair;

/// A slot's size, in thousandths of a CPU and of a MiB.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Slot {
    cpus: i64,
    mem: i64,
}

impl Slot {
    fn of(view: &ClusterView<'_>) -> Option<Slot> {
        let at = |name: &str| view.scalars.index(name).map(|i| view.totals.0[i]);
        let (cpus, mem) = (at("cpus")?, at("mem")?);
        (cpus >= 1000 && mem > 0).then(|| Slot {
            cpus: 1000,
            mem: mem * 1000 / cpus,
        })
    }

    /// Whole slots in `pool`.
    fn fit(&self, pool: &Resources) -> i64 {
        (pool.cpus().0 / self.cpus).min(pool.mem_mb().0 / self.mem.max(1))
    }

    /// `n` slots' resources.
    fn resources(&self, n: i64) -> Resources {
        Resources::scalars(&[("cpus", Milli(self.cpus * n)), ("mem", Milli(self.mem * n))])
    }

    /// Slots an allocation of (cpus, mem) occupies.
    fn count(&self, cpus: i64, mem: i64) -> f64 {
        (cpus as f64 / self.cpus as f64).max(mem as f64 / self.mem.max(1) as f64)
    }
}

impl Allocator for SlotFair {
    fn name(&self) -> &'static str {
        "slots"
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        rng: &mut dyn Rng,
    ) -> Vec<Grant> {
        let Some(slot) = Slot::of(view) else {
            return Vec::new();
        };
        let (ci, mi) = (view.scalars.index("cpus"), view.scalars.index("mem"));
        let mut held: Vec<f64> = view
            .frameworks
            .iter()
            .map(|f| {
                let get = |i: Option<usize>| i.map_or(0, |i| f.allocated.0[i]);
                slot.count(get(ci), get(mi))
            })
            .collect();
        let mut agents: Vec<AgentId> = candidates
            .iter()
            .copied()
            .filter(|a| view.agents[a.index()].active)
            .collect();
        shuffle(&mut agents, rng);
        let one = slot.resources(1);
        let mut grants = Vec::new();
        for agent in agents {
            let av = &view.agents[agent.index()];
            let pool = av.available.unreserved();
            let mut given: Vec<i64> = vec![0; view.frameworks.len()];
            for _ in 0..slot.fit(&pool) {
                let taker = (0..view.frameworks.len())
                    .filter(|&f| {
                        let fw = &view.frameworks[f];
                        fw.active
                            && !fw.suppressed
                            && !view.filters.is_filtered(
                                FrameworkId(f as u32),
                                agent,
                                &one,
                                view.now,
                                av.grown,
                            )
                    })
                    .min_by(|&a, &b| held[a].total_cmp(&held[b]).then(a.cmp(&b)));
                let Some(f) = taker else { break };
                given[f] += 1;
                held[f] += 1.0;
            }
            for (f, &n) in given.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let resources = slot.resources(n);
                if view.min_allocatable.allows(&resources) {
                    grants.push(Grant {
                        framework: FrameworkId(f as u32),
                        agent,
                        resources,
                    });
                }
            }
        }
        grants
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::World;
    use super::*;

    #[test]
    fn slots_go_one_at_a_time_to_the_framework_holding_fewest() {
        // One agent of 9 CPUs and 18 GB: 9 slots of <1 CPU, 2 GB>. Two
        // frameworks with nothing: the slots alternate, 0 first (lower id):
        // 5 to framework 0, 4 to framework 1.
        let mut w = World::new(&["cpus:9;mem:18432"], &[("*", 1.0)], &[0, 0]);
        let mut s = SlotFair;
        assert_eq!(
            w.run_with(&mut s, &[], 1),
            [
                (0, 0, "cpus:5;mem:10240".to_string()),
                (1, 0, "cpus:4;mem:8192".to_string()),
            ]
        );
    }

    #[test]
    fn a_leftover_below_a_slot_is_never_offered() {
        // Slots of <1 CPU, 2 GB> (9 CPUs, 18 GB in all); the agent has
        // 3.5 CPUs and 5 GB left: 2 whole slots (memory binds).
        let mut w = World::new(&["cpus:9;mem:18432"], &[("*", 1.0)], &[0]);
        w.agents[0].available = crate::mesos::tests::r("cpus:3.5;mem:5120");
        let mut s = SlotFair;
        let got = w.run_with(&mut s, &[], 1);
        assert_eq!(got, [(0, 0, "cpus:2;mem:4096".to_string())]);
    }

    #[test]
    fn held_slots_count_the_larger_of_cpus_and_memory() {
        // Framework 0 already holds 1 CPU and 8 GB elsewhere: 4 slots by
        // memory. Of the 9 free slots, framework 1 takes 4 to catch up,
        // then they alternate from 4-4, framework 0 (lower id) first: 3
        // more to 0, 2 more to 1.
        let mut w = World::new(&["cpus:9;mem:18432"], &[("*", 1.0)], &[0, 0]);
        w.frameworks[0].allocated = w.scalars.vector(&crate::mesos::tests::r("cpus:1;mem:8192"));
        let mut s = SlotFair;
        assert_eq!(
            w.run_with(&mut s, &[], 1),
            [
                (0, 0, "cpus:3;mem:6144".to_string()),
                (1, 0, "cpus:6;mem:12288".to_string()),
            ]
        );
    }
}
