//! One allocation run of the hierarchical DRF allocator at 1k and 10k
//! agents × 10, 100 and 1,000 frameworks (issue 3; Mesos takes ~1.06 s for
//! 10k × 1k, Mesos `hierarchical_allocator_benchmarks.cpp`, reference mesos-master.md §4.2).
//!
//! - `fresh`: nothing is filtered; every agent goes to the poorest
//!   framework (progressive filling over the whole cluster).
//! - `all_filtered`: Mesos's `DeclineOffers` shape — every framework has
//!   declined every agent with a long filter, so each agent is checked
//!   against every framework and nothing is offered.
//! - `unchanged`: the same cluster run again by an allocator that keeps
//!   what it concluded (the master keeps versions, `ClusterView::epoch`):
//!   nothing changed since the last run, so no agent needs a look.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use policies::mesos::{
    AgentView, Allocator, ClusterView, FrameworkView, HierarchicalAllocator, MinAllocatable,
    OfferFilters, RoleView, ScalarIndex, Scalars, Sorter,
};
use policies::model::{AgentId, FrameworkId, Resources};
use policies::time::{SimDuration, SimTime};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

struct Cluster {
    scalars: ScalarIndex,
    totals: Scalars,
    agents: Vec<AgentView>,
    roles: Vec<RoleView>,
    frameworks: Vec<FrameworkView>,
    filters: OfferFilters,
}

fn cluster(n_agents: usize, n_frameworks: usize, filtered: bool) -> Cluster {
    let bag = Resources::parse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]").unwrap();
    let scalars = ScalarIndex::of([&bag]);
    let mut totals = scalars.zero();
    for _ in 0..n_agents {
        totals.add(&scalars.vector(&bag));
    }
    let agents: Vec<AgentView> = (0..n_agents)
        .map(|_| AgentView {
            available: bag.clone(),
            grown: 0,
            active: true,
            version: 0,
        })
        .collect();
    let roles = vec![RoleView {
        name: "*".into(),
        weight: 1.0,
        quota_limit: None,
        allocated: scalars.zero(),
        count: 0,
        quota_consumed: scalars.zero(),
    }];
    let frameworks = (0..n_frameworks)
        .map(|_| FrameworkView {
            role: 0,
            active: true,
            suppressed: false,
            allocated: scalars.zero(),
            count: 0,
        })
        .collect();
    let mut filters = OfferFilters::new();
    if filtered {
        for a in 0..n_agents {
            for f in 0..n_frameworks {
                filters.install_tracked(
                    FrameworkId(f as u32),
                    AgentId(a as u32),
                    bag.clone(),
                    SimTime(0),
                    SimDuration::from_secs(365 * 24 * 3600),
                    Some(0),
                );
            }
        }
    }
    Cluster {
        scalars,
        totals,
        agents,
        roles,
        frameworks,
        filters,
    }
}

fn bench_allocation(c: &mut Criterion) {
    let mut group = c.benchmark_group("allocation_run");
    group.sample_size(10);
    for &(filtered, epoch) in &[(false, 0), (true, 0), (true, 1)] {
        for &(agents, frameworks) in &[
            (1_000, 10),
            (1_000, 100),
            (1_000, 1_000),
            (10_000, 10),
            (10_000, 100),
            (10_000, 1_000),
        ] {
            let cl = cluster(agents, frameworks, filtered);
            let view = ClusterView {
                now: SimTime(1_000_000),
                scalars: &cl.scalars,
                totals: &cl.totals,
                agents: &cl.agents,
                roles: &cl.roles,
                frameworks: &cl.frameworks,
                filters: &cl.filters,
                min_allocatable: MinAllocatable::default(),
                epoch,
            };
            let candidates: Vec<AgentId> = (0..agents as u32).map(AgentId).collect();
            let name = match (filtered, epoch) {
                (false, _) => "fresh",
                (true, 0) => "all_filtered",
                _ => "unchanged",
            };
            group.bench_with_input(
                BenchmarkId::new(name, format!("{agents}x{frameworks}")),
                &(),
                |b, _| {
                    let mut alloc = HierarchicalAllocator::new(Sorter::Drf);
                    let mut rng = ChaCha8Rng::seed_from_u64(1);
                    b.iter(|| black_box(alloc.allocate(&view, &candidates, &mut rng).len()))
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_allocation);
criterion_main!(benches);
