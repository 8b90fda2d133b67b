//! Allocator tests with hand-computed expectations, in the style of Mesos's
//! `hierarchical_allocator_tests.cpp`: a cluster in, offers out.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::*;
use crate::model::{AgentId, FrameworkId, Resources};
use crate::time::{SimDuration, SimTime};

/// A small cluster description that builds a [`ClusterView`].
pub(crate) struct World {
    pub scalars: ScalarIndex,
    pub totals: Scalars,
    pub agents: Vec<AgentView>,
    pub roles: Vec<RoleView>,
    pub frameworks: Vec<FrameworkView>,
    pub filters: OfferFilters,
    pub now: SimTime,
}

pub(crate) fn r(s: &str) -> Resources {
    Resources::parse(s).unwrap()
}

impl World {
    /// Agents by resources string; roles by (name, weight); frameworks by
    /// role index.
    pub fn new(agents: &[&str], roles: &[(&str, f64)], frameworks: &[usize]) -> World {
        let bags: Vec<Resources> = agents.iter().map(|a| r(a)).collect();
        let scalars = ScalarIndex::of(&bags);
        let mut totals = scalars.zero();
        for b in &bags {
            totals.add(&scalars.vector(b));
        }
        World {
            agents: bags
                .into_iter()
                .map(|available| AgentView {
                    available,
                    grown: 0,
                    active: true,
                    version: 0,
                })
                .collect(),
            roles: roles
                .iter()
                .map(|(name, weight)| RoleView {
                    name: name.to_string(),
                    weight: *weight,
                    quota_limit: None,
                    allocated: scalars.zero(),
                    count: 0,
                    quota_consumed: scalars.zero(),
                })
                .collect(),
            frameworks: frameworks
                .iter()
                .map(|&role| FrameworkView {
                    role,
                    active: true,
                    suppressed: false,
                    allocated: scalars.zero(),
                    count: 0,
                })
                .collect(),
            scalars,
            totals,
            filters: OfferFilters::new(),
            now: SimTime(0),
        }
    }

    pub fn view(&self) -> ClusterView<'_> {
        ClusterView {
            now: self.now,
            scalars: &self.scalars,
            totals: &self.totals,
            agents: &self.agents,
            roles: &self.roles,
            frameworks: &self.frameworks,
            filters: &self.filters,
            min_allocatable: MinAllocatable::default(),
            epoch: 0,
        }
    }

    /// Runs the allocator over `candidates` (all agents when empty) and
    /// applies the grants, as the master does.
    pub fn run(
        &mut self,
        sorter: Sorter,
        candidates: &[u32],
        seed: u64,
    ) -> Vec<(u32, u32, String)> {
        self.run_with(&mut HierarchicalAllocator::new(sorter), candidates, seed)
    }

    /// [`World::run`] with any allocator.
    pub fn run_with(
        &mut self,
        allocator: &mut dyn Allocator,
        candidates: &[u32],
        seed: u64,
    ) -> Vec<(u32, u32, String)> {
        let cands: Vec<AgentId> = if candidates.is_empty() {
            (0..self.agents.len() as u32).map(AgentId).collect()
        } else {
            candidates.iter().map(|&a| AgentId(a)).collect()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let grants = allocator.allocate(&self.view(), &cands, &mut rng);
        for g in &grants {
            self.apply(g);
        }
        grants
            .into_iter()
            .map(|g| (g.framework.0, g.agent.0, g.resources.to_string()))
            .collect()
    }

    pub fn apply(&mut self, g: &Grant) {
        let v = self.scalars.vector(&g.resources);
        let unreserved = self.scalars.vector(&g.resources.unreserved());
        self.agents[g.agent.index()]
            .available
            .subtract(&g.resources);
        let f = &mut self.frameworks[g.framework.index()];
        f.allocated.add(&v);
        f.count += 1;
        let role = &mut self.roles[f.role];
        role.allocated.add(&v);
        role.count += 1;
        role.quota_consumed.add(&unreserved);
    }

    /// Adds an agent after the fact (its total joins the DRF denominators).
    pub fn add_agent(&mut self, resources: &str) -> u32 {
        let bag = r(resources);
        self.totals.add(&self.scalars.vector(&bag));
        self.agents.push(AgentView {
            available: bag,
            grown: 0,
            active: true,
            version: 0,
        });
        self.agents.len() as u32 - 1
    }
}

#[test]
fn unreserved_drf_worked_example() {
    // Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3, from UnreservedDRF.
    let mut w = World::new(
        &["cpus:2;mem:1024"],
        &[("role1", 1.0), ("role2", 1.0)],
        &[0],
    );
    assert_eq!(
        w.run(Sorter::Drf, &[], 1),
        [(0, 0, "cpus:2;mem:1024".to_string())]
    );
    // framework2 (role2) subscribes; agent 2 joins: role1 has 2/3, role2 0.
    w.frameworks.push(FrameworkView {
        role: 1,
        active: true,
        suppressed: false,
        allocated: w.scalars.zero(),
        count: 0,
    });
    let a2 = w.add_agent("cpus:1;mem:512");
    assert_eq!(
        w.run(Sorter::Drf, &[a2], 1),
        [(1, 1, "cpus:1;mem:512".to_string())]
    );
    // Agent 3: role1 = max(2/6, 1024/3584) = 0.33 > role2 = max(1/6, 512/3584) = 0.17.
    let a3 = w.add_agent("cpus:3;mem:2048");
    assert_eq!(
        w.run(Sorter::Drf, &[a3], 1),
        [(1, 2, "cpus:3;mem:2048".to_string())]
    );
}

#[test]
fn progressive_filling_alternates_between_equal_frameworks() {
    // Four identical agents, two frameworks in one role: after each agent
    // the receiver is richer, so they alternate; the first goes to the
    // lower id (equal share, equal count).
    let mut w = World::new(&["cpus:4;mem:4096"; 4], &[("*", 1.0)], &[0, 0]);
    let grants = w.run(Sorter::Drf, &[], 3);
    let fws: Vec<u32> = grants.iter().map(|g| g.0).collect();
    assert_eq!(fws, [0, 1, 0, 1]);
    assert_eq!(w.frameworks[0].count, 2);
}

#[test]
fn weights_split_a_cluster_one_to_three() {
    // Eight agents, two roles weighted 1:3: DRF hands 2 agents to the light
    // role and 6 to the heavy one (share/weight equalises at 2/8 ÷ 1 = 6/8 ÷ 3).
    let mut w = World::new(
        &["cpus:8;mem:32768"; 8],
        &[("light", 1.0), ("heavy", 3.0)],
        &[0, 1],
    );
    w.run(Sorter::Drf, &[], 5);
    assert_eq!((w.frameworks[0].count, w.frameworks[1].count), (2, 6));
}

#[test]
fn ties_go_to_fewer_past_allocations_then_the_name() {
    let mut w = World::new(&["cpus:1;mem:1024"], &[("b", 1.0), ("a", 1.0)], &[0, 1]);
    // Equal shares (0) and counts (0): role "a" wins on its name.
    assert_eq!(w.run(Sorter::Drf, &[], 1)[0].0, 1);
    // Give both roles equal shares again but "a" a higher count.
    let mut w = World::new(&["cpus:1;mem:1024"], &[("b", 1.0), ("a", 1.0)], &[0, 1]);
    w.roles[1].count = 3;
    assert_eq!(w.run(Sorter::Drf, &[], 1)[0].0, 0);
}

#[test]
fn reservations_go_to_their_role_and_yield_a_second_offer() {
    // Equal shares and counts: role "spark" sorts before "web" by name and
    // takes everything unreserved; the reserved cpus(web) can only go to
    // web, as a second offer from the same agent (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2 point 1a).
    let mut w = World::new(
        &["cpus:4;mem:4096;cpus(web):2"],
        &[("spark", 1.0), ("web", 1.0)],
        &[0, 1],
    );
    let grants = w.run(Sorter::Drf, &[], 1);
    assert_eq!(
        grants,
        [
            (0, 0, "cpus:4;mem:4096".to_string()),
            (1, 0, "cpus(web):2".to_string()),
        ]
    );
}

#[test]
fn the_reserving_role_gets_reserved_and_unreserved_in_one_offer() {
    let mut w = World::new(&["cpus:4;mem:4096;cpus(web):2"], &[("web", 1.0)], &[0]);
    assert_eq!(
        w.run(Sorter::Drf, &[], 1),
        [(0, 0, "cpus:4;cpus(web):2;mem:4096".to_string())]
    );
}

#[test]
fn filters_hide_an_agent_only_while_the_offer_fits_inside() {
    let mut w = World::new(&["cpus:4;mem:4096"], &[("*", 1.0)], &[0, 0]);
    w.filters.install(
        FrameworkId(0),
        AgentId(0),
        r("cpus:4;mem:4096"),
        SimTime(0),
        SimDuration::from_secs(5),
    );
    assert_eq!(
        w.run(Sorter::Drf, &[], 1),
        [(1, 0, "cpus:4;mem:4096".to_string())]
    );
    // Smaller refused set: the full agent is no subset, so framework 0 gets it.
    let mut w = World::new(&["cpus:4;mem:4096"], &[("*", 1.0)], &[0, 0]);
    w.filters.install(
        FrameworkId(0),
        AgentId(0),
        r("cpus:2;mem:4096"),
        SimTime(0),
        SimDuration::from_secs(5),
    );
    assert_eq!(w.run(Sorter::Drf, &[], 1)[0].0, 0);
}

#[test]
fn suppressed_and_inactive_frameworks_and_agents_are_skipped() {
    let mut w = World::new(
        &["cpus:4;mem:4096", "cpus:4;mem:4096"],
        &[("*", 1.0)],
        &[0, 0],
    );
    w.frameworks[0].suppressed = true;
    w.agents[1].active = false;
    assert_eq!(
        w.run(Sorter::Drf, &[], 1),
        [(1, 0, "cpus:4;mem:4096".to_string())]
    );
}

#[test]
fn min_allocatable_is_cpus_or_mem() {
    // 0.005 cpus and 16 MB: below both thresholds, never offered.
    let mut w = World::new(&["cpus:0.005;mem:16"], &[("*", 1.0)], &[0]);
    assert!(w.run(Sorter::Drf, &[], 1).is_empty());
    // No cpus but 32 MB: offered (the rule is an OR, Mesos 1.11 master and allocator, reference mesos-master.md §5.9).
    let mut w = World::new(&["mem:32;disk:10"], &[("*", 1.0)], &[0]);
    assert_eq!(
        w.run(Sorter::Drf, &[], 1),
        [(0, 0, "disk:10;mem:32".to_string())]
    );
}

#[test]
fn quota_limits_chop_the_unreserved_scalars() {
    let mut w = World::new(
        &["cpus:16;mem:65536;ports:[31000-32000]"; 2],
        &[("batch", 1.0)],
        &[0],
    );
    let mut limit = w.scalars.zero();
    limit.0 = vec![i64::MAX; w.scalars.len()];
    limit.0[w.scalars.index("cpus").unwrap()] = 20_000;
    w.roles[0].quota_limit = Some(limit);
    let grants = w.run(Sorter::Drf, &[], 1);
    // 16 cpus from the first agent, the remaining 4 from the second; ports
    // and mem are not limited.
    let cpus: Vec<String> = grants
        .iter()
        .map(|g| Resources::parse(&g.2).unwrap().cpus().to_string())
        .collect();
    assert_eq!(cpus, ["16", "4"]);
    assert!(grants[1].2.contains("ports:[31000-32000]"));
    assert_eq!(
        w.roles[0].quota_consumed.0[w.scalars.index("cpus").unwrap()],
        20_000
    );
}

#[test]
fn agent_order_is_a_seeded_shuffle() {
    let run = |seed| {
        let mut w = World::new(&["cpus:1;mem:1"; 8], &[("*", 1.0)], &[0]);
        w.run(Sorter::Drf, &[], seed)
            .iter()
            .map(|g| g.1)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    let mut sorted = run(1);
    sorted.sort();
    assert_eq!(sorted, (0..8).collect::<Vec<_>>());
}

#[test]
fn the_random_sorter_ignores_shares_but_is_reproducible() {
    let counts = |seed| {
        let mut w = World::new(&["cpus:1;mem:64"; 40], &[("*", 1.0)], &[0, 0]);
        w.frameworks[1].allocated.0 = vec![1 << 40; w.scalars.len()];
        w.run(Sorter::Random, &[], seed);
        (w.frameworks[0].count, w.frameworks[1].count)
    };
    assert_eq!(counts(9), counts(9));
    let (a, b) = counts(9);
    assert_eq!(a + b, 40);
    assert!(
        b > 5,
        "a framework with a huge share still gets agents: {b}"
    );
}

#[test]
fn an_idle_agent_is_remembered_until_it_changes_or_its_filters_run_out() {
    // Two agents, one framework that refused both whole pools for 5 s. With
    // versions kept (epoch ≠ 0), the allocator remembers both as idle; a
    // change to one agent (its version) or the filters' end brings it back,
    // exactly as a run without memory would.
    let mut w = World::new(&["cpus:4;mem:4096"; 2], &[("*", 1.0)], &[0]);
    for a in 0..2 {
        let pool = w.agents[a].available.clone();
        w.filters.install_tracked(
            FrameworkId(0),
            AgentId(a as u32),
            pool,
            SimTime(0),
            SimDuration::from_secs(5),
            Some(0),
        );
    }
    let mut alloc = HierarchicalAllocator::new(Sorter::Drf);
    let run = |w: &World, alloc: &mut HierarchicalAllocator, now: u64| {
        let view = ClusterView {
            now: SimTime(now),
            epoch: 1,
            ..w.view()
        };
        let all = [AgentId(0), AgentId(1)];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut got: Vec<u32> = alloc
            .allocate(&view, &all, &mut rng)
            .iter()
            .map(|g| g.agent.0)
            .collect();
        got.sort();
        got
    };
    assert!(run(&w, &mut alloc, 1_000_000).is_empty());
    assert!(run(&w, &mut alloc, 2_000_000).is_empty(), "remembered");
    // Agent 1's pool grew (a task ended there): its version moves on.
    w.agents[1].available.add(&r("cpus:1"));
    w.agents[1].grown = 1;
    w.agents[1].version += 1;
    assert_eq!(run(&w, &mut alloc, 3_000_000), [1]);
    // At 5 s both filters are over.
    assert_eq!(run(&w, &mut alloc, 5_000_000), [0, 1]);
}

#[test]
fn whole_cover_is_the_first_covering_filter_to_end() {
    let mut f = OfferFilters::new();
    let pool = r("cpus:4");
    let agent = AgentId(0);
    let install = |f: &mut OfferFilters, fw: u32, secs: u64, whole: Option<u64>| {
        f.install_tracked(
            FrameworkId(fw),
            agent,
            pool.clone(),
            SimTime(0),
            SimDuration::from_secs(secs),
            whole,
        )
    };
    install(&mut f, 0, 10, Some(3));
    install(&mut f, 0, 20, Some(3)); // framework 0 is covered until 20 s
    install(&mut f, 1, 7, Some(3));
    let both = [true, true];
    let s = |x: u64| SimTime(x * 1_000_000);
    let cover = |f: &OfferFilters, now, grown, eligible: &[bool], n| {
        f.whole_cover(agent, now, grown, eligible, n, |_| {})
    };
    assert_eq!(cover(&f, s(1), 3, &both, 2), Some(s(7)));
    // Each covered framework is reported once (framework 0 has two filters).
    let mut marked = Vec::new();
    f.whole_cover(agent, s(1), 3, &both, 2, |fw| marked.push(fw.0));
    assert_eq!(marked, [0, 1]);
    // Framework 1 does not take part: only framework 0's 20 s count.
    assert_eq!(cover(&f, s(1), 3, &[true, false], 1), Some(s(20)));
    // The pool grew since (sequence 4): nobody is covered.
    assert_eq!(cover(&f, s(1), 4, &both, 2), None);
    // After 7 s framework 1 is not covered any more.
    assert_eq!(cover(&f, s(7), 3, &both, 2), None);
    // A filter that was not of the whole pool does not count.
    install(&mut f, 1, 30, None);
    assert_eq!(cover(&f, s(8), 3, &both, 2), None);
}
