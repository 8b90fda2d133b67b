//! The hierarchical allocator against a naive reference written from
//! reference/mesos-master.md §1.2–1.5: no ordered sets, no incremental
//! updates — every share recomputed and every list re-sorted from scratch.
//! On random small clusters both must make exactly the same offers.

#![allow(clippy::type_complexity)] // test data as plain tuples

use policies::mesos::view::shuffle;
use policies::mesos::{
    AgentView, Allocator, ClusterView, FrameworkView, HierarchicalAllocator, MinAllocatable,
    OfferFilters, RoleView, ScalarIndex, Scalars, Sorter,
};
use policies::model::{AgentId, FrameworkId, Milli, Quantity, Resource, Resources};
use policies::time::{SimDuration, SimTime};
use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

fn share(alloc: &[i64], totals: &[i64]) -> f64 {
    let mut best = 0.0f64;
    for (a, t) in alloc.iter().zip(totals) {
        if *t > 0 {
            best = best.max(*a as f64 / *t as f64);
        }
    }
    best
}

/// The naive allocator: DRF only, as the reference text states it.
fn reference(view: &ClusterView<'_>, seed: u64) -> Vec<(u32, u32, Resources)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut agents: Vec<AgentId> = (0..view.agents.len() as u32)
        .map(AgentId)
        .filter(|a| view.agents[a.index()].active)
        .collect();
    shuffle(&mut agents, &mut rng);
    let mut role_alloc: Vec<Vec<i64>> = view.roles.iter().map(|r| r.allocated.0.clone()).collect();
    let mut role_count: Vec<u64> = view.roles.iter().map(|r| r.count).collect();
    let mut consumed: Vec<Vec<i64>> = view
        .roles
        .iter()
        .map(|r| r.quota_consumed.0.clone())
        .collect();
    let mut fw_alloc: Vec<Vec<i64>> = view
        .frameworks
        .iter()
        .map(|f| f.allocated.0.clone())
        .collect();
    let mut fw_count: Vec<u64> = view.frameworks.iter().map(|f| f.count).collect();
    let mut out = Vec::new();
    for agent in agents {
        let mut available = view.agents[agent.index()].available.clone();
        // Sort once per agent, from the state after the previous agent.
        let mut roles: Vec<usize> = (0..view.roles.len())
            .filter(|&r| {
                view.frameworks
                    .iter()
                    .any(|f| f.role == r && f.active && !f.suppressed)
            })
            .collect();
        roles.sort_by(|&a, &b| {
            let sa = share(&role_alloc[a], &view.totals.0) / view.roles[a].weight;
            let sb = share(&role_alloc[b], &view.totals.0) / view.roles[b].weight;
            sa.total_cmp(&sb)
                .then(role_count[a].cmp(&role_count[b]))
                .then(view.roles[a].name.cmp(&view.roles[b].name))
        });
        let mut fws_by_role: Vec<Vec<usize>> = Vec::new();
        for &r in &roles {
            let mut fws: Vec<usize> = (0..view.frameworks.len())
                .filter(|&f| {
                    view.frameworks[f].role == r
                        && view.frameworks[f].active
                        && !view.frameworks[f].suppressed
                })
                .collect();
            fws.sort_by(|&a, &b| {
                share(&fw_alloc[a], &view.totals.0)
                    .total_cmp(&share(&fw_alloc[b], &view.totals.0))
                    .then(fw_count[a].cmp(&fw_count[b]))
                    .then(a.cmp(&b))
            });
            fws_by_role.push(fws);
        }
        let mut updates: Vec<(usize, usize, Vec<i64>, Vec<i64>)> = Vec::new();
        for (k, &r) in roles.iter().enumerate() {
            if available.is_empty() {
                break;
            }
            for &f in &fws_by_role[k] {
                let name = &view.roles[r].name;
                let avail = available.filtered(|e| e.role == "*" || e.role == *name);
                if avail.is_empty() {
                    break;
                }
                if !(avail.cpus() >= Milli(10) || avail.mem_mb() >= Milli(32000)) {
                    continue;
                }
                let mut offer = Resources::new();
                for e in avail.iter() {
                    let mut e = e.clone();
                    if e.role == "*"
                        && let (Quantity::Scalar(m), Some(limit)) =
                            (&mut e.quantity, &view.roles[r].quota_limit)
                    {
                        let i = view.scalars.index(&e.name).unwrap();
                        if limit.0[i] != i64::MAX {
                            *m = Milli(m.0.min((limit.0[i] - consumed[r][i]).max(0)));
                        }
                    }
                    offer.add(&Resources::from_entries([e]));
                }
                let ok_size = offer.cpus() >= Milli(10) || offer.mem_mb() >= Milli(32000);
                if !ok_size
                    || view.filters.is_filtered(
                        FrameworkId(f as u32),
                        agent,
                        &offer,
                        view.now,
                        view.agents[agent.index()].grown,
                    )
                {
                    continue;
                }
                available.subtract(&offer);
                let v = view.scalars.vector(&offer).0;
                let u = view.scalars.vector(&offer.unreserved()).0;
                for i in 0..u.len() {
                    consumed[r][i] += u[i];
                }
                updates.push((r, f, v, u));
                out.push((f as u32, agent.0, offer));
            }
        }
        for (r, f, v, _) in updates {
            for i in 0..v.len() {
                role_alloc[r][i] += v[i];
                fw_alloc[f][i] += v[i];
            }
            role_count[r] += 1;
            fw_count[f] += 1;
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Case {
    agents: Vec<(u32, u32, Option<(usize, u32)>)>,
    roles: Vec<(u32, Option<u32>)>,
    frameworks: Vec<(usize, bool, u32, u64)>,
    filters: Vec<(usize, usize, u32)>,
    inactive_agent: Option<usize>,
    seed: u64,
}

const ROLE_NAMES: [&str; 3] = ["a", "b", "c"];

fn case() -> impl Strategy<Value = Case> {
    (1usize..4).prop_flat_map(|nroles| {
        (
            prop::collection::vec(
                (1u32..9, 1u32..9, prop::option::of((0..nroles, 1u32..4))),
                1..7,
            ),
            prop::collection::vec((1u32..4, prop::option::of(2u32..12)), nroles..=nroles),
            prop::collection::vec(
                (0..nroles, prop::bool::weighted(0.15), 0u32..6, 0u64..3),
                1..6,
            ),
            prop::collection::vec((0usize..6, 0usize..7, 1u32..9), 0..4),
            prop::option::of(0usize..7),
            any::<u64>(),
        )
            .prop_map(
                |(agents, roles, frameworks, filters, inactive_agent, seed)| Case {
                    agents,
                    roles,
                    frameworks,
                    filters,
                    inactive_agent,
                    seed,
                },
            )
    })
}

fn build(
    c: &Case,
) -> (
    ScalarIndex,
    Scalars,
    Vec<AgentView>,
    Vec<RoleView>,
    Vec<FrameworkView>,
    OfferFilters,
) {
    let bags: Vec<Resources> = c
        .agents
        .iter()
        .map(|(cpus, mem_gb, reserved)| {
            let mut s = format!("cpus:{cpus};mem:{};ports:[31000-31010]", mem_gb * 1024);
            if let Some((role, n)) = reserved {
                s.push_str(&format!(";cpus({}):{n}", ROLE_NAMES[*role]));
            }
            Resources::parse(&s).unwrap()
        })
        .collect();
    let scalars = ScalarIndex::of(&bags);
    let mut totals = scalars.zero();
    for b in &bags {
        totals.add(&scalars.vector(b));
    }
    let cpus = scalars.index("cpus").unwrap();
    let roles: Vec<RoleView> = c
        .roles
        .iter()
        .enumerate()
        .map(|(i, (w, quota))| RoleView {
            name: ROLE_NAMES[i].to_string(),
            weight: f64::from(*w),
            quota_limit: quota.map(|q| {
                let mut l = Scalars(vec![i64::MAX; scalars.len()]);
                l.0[cpus] = i64::from(q) * 1000;
                l
            }),
            allocated: scalars.zero(),
            count: 0,
            quota_consumed: scalars.zero(),
        })
        .collect();
    let mut roles = roles;
    let frameworks: Vec<FrameworkView> = c
        .frameworks
        .iter()
        .map(|(role, suppressed, held_cpus, count)| {
            let mut allocated = scalars.zero();
            allocated.0[cpus] = i64::from(*held_cpus) * 1000;
            roles[*role].allocated.add(&allocated);
            roles[*role].quota_consumed.add(&allocated);
            roles[*role].count += count;
            FrameworkView {
                role: *role,
                active: true,
                suppressed: *suppressed,
                allocated,
                count: *count,
            }
        })
        .collect();
    let agents: Vec<AgentView> = bags
        .into_iter()
        .enumerate()
        .map(|(i, available)| AgentView {
            available,
            grown: 0,
            active: c.inactive_agent != Some(i),
            version: 0,
        })
        .collect();
    let mut filters = OfferFilters::new();
    for &(f, a, cpus) in &c.filters {
        if f < frameworks.len() && a < agents.len() {
            let refused = Resources::from_entries([Resource {
                name: "cpus".into(),
                role: "*".into(),
                quantity: Quantity::Scalar(Milli::from_units(i64::from(cpus))),
            }])
            .plus(&agents[a].available.filtered(|e| e.name != "cpus"));
            filters.install(
                FrameworkId(f as u32),
                AgentId(a as u32),
                refused,
                SimTime(0),
                SimDuration::from_secs(5),
            );
        }
    }
    (scalars, totals, agents, roles, frameworks, filters)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fast_allocator_agrees_with_the_naive_reference(c in case()) {
        let (scalars, totals, agents, roles, frameworks, filters) = build(&c);
        let view = ClusterView {
            now: SimTime(1_000_000),
            scalars: &scalars,
            totals: &totals,
            agents: &agents,
            roles: &roles,
            frameworks: &frameworks,
            filters: &filters,
            min_allocatable: MinAllocatable::default(),
            epoch: 0,
        };
        let all: Vec<AgentId> = (0..agents.len() as u32).map(AgentId).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(c.seed);
        let fast: Vec<(u32, u32, Resources)> = HierarchicalAllocator::new(Sorter::Drf)
            .allocate(&view, &all, &mut rng)
            .into_iter()
            .map(|g| (g.framework.0, g.agent.0, g.resources))
            .collect();
        prop_assert_eq!(fast, reference(&view, c.seed));
    }
}
