//! The Mesos hierarchical allocator, stage 2 of `__generateOffers`
//! (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2), with the DRF or the random sorter.
//!
//! One run:
//! 1. the candidate agents that are active, in a seeded random order
//!    (`std::random_shuffle`, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2 point 3);
//! 2. for each agent, roles in sorter order, then the role's frameworks in
//!    sorter order; only active, unsuppressed frameworks take part (Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3);
//! 3. the first framework that is not filtered for that agent gets
//!    *everything left on the agent its role may use*: unreserved resources
//!    plus the role's reservations (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2 point 1, reference mesos-master.md §1.4), except that a quota
//!    limit chops the unreserved scalar part to `limit − consumed` (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.5);
//! 4. offers smaller than `min_allocatable` are not made (Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0, Mesos 1.11 master and allocator, reference mesos-master.md §5.9);
//! 5. shares change at once: the next agent goes to whoever is poorest
//!    after this one was handed out (progressive filling, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.2 point 2).
//!
//! DRF order (Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3): lower dominant share ÷ weight first (offered resources
//! count), then fewer past allocations, then the role name or framework id.
//! Weights apply to roles only. The random sorter (Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3, last bullet)
//! orders roles by a weighted shuffle (keys `u^(1/w)`) and frameworks by a
//! uniform shuffle, drawn anew for every agent.
//!
//! Not modelled: quota guarantees and headroom (stage 1; deprecated since
//! 1.9), hierarchical role trees in the sorter (roles are sorted flat),
//! shared and revocable resources, offer constraints. One shuffle per run
//! instead of two (the second one only spreads stage 1's picks).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use rand_core::Rng;

use super::view::{Allocator, ClusterView, Grant, Scalars, shuffle, unit};
use crate::model::{AgentId, FrameworkId, Milli, Quantity, Resources};

/// Which sorter orders roles and frameworks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sorter {
    Drf,
    Random,
}

/// `--role_sorter`/`--framework_sorter` = `drf` (the default) or `random`.
#[derive(Clone, Debug)]
pub struct HierarchicalAllocator {
    sorter: Sorter,
}

impl HierarchicalAllocator {
    pub fn new(sorter: Sorter) -> HierarchicalAllocator {
        HierarchicalAllocator { sorter }
    }
}

/// A share with a total order (`f64::total_cmp`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Share(f64);

impl Eq for Share {}
impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Share {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Sort key of a role: share, count, the rank of its name among the roles
/// (names compare lexicographically), and its index.
type RoleKey = (Share, u64, usize, usize);
/// Sort key of a framework: share, count, id.
type FwKey = (Share, u64, FrameworkId);

/// Mutable copies of the shares, for one run.
struct RunState<'v> {
    view: &'v ClusterView<'v>,
    role_alloc: Vec<Scalars>,
    role_count: Vec<u64>,
    role_consumed: Vec<Scalars>,
    fw_alloc: Vec<Scalars>,
    fw_count: Vec<u64>,
    /// Frameworks that take part, per role, by id.
    members: Vec<Vec<FrameworkId>>,
    /// Rank of each role's name in lexicographic order.
    name_rank: Vec<usize>,
    role_set: BTreeSet<RoleKey>,
    fw_sets: Vec<BTreeSet<FwKey>>,
    /// DRF orders as lists, rebuilt only after shares changed.
    role_list: Vec<usize>,
    fw_lists: Vec<Vec<FrameworkId>>,
    lists_stale: bool,
}

impl<'v> RunState<'v> {
    fn new(view: &'v ClusterView<'v>) -> RunState<'v> {
        let nroles = view.roles.len();
        let mut members = vec![Vec::new(); nroles];
        for (i, f) in view.frameworks.iter().enumerate() {
            if f.active && !f.suppressed {
                members[f.role].push(FrameworkId(i as u32));
            }
        }
        let mut by_name: Vec<usize> = (0..nroles).collect();
        by_name.sort_by(|a, b| view.roles[*a].name.cmp(&view.roles[*b].name));
        let mut name_rank = vec![0; nroles];
        for (rank, r) in by_name.into_iter().enumerate() {
            name_rank[r] = rank;
        }
        let mut s = RunState {
            view,
            role_alloc: view.roles.iter().map(|r| r.allocated.clone()).collect(),
            role_count: view.roles.iter().map(|r| r.count).collect(),
            role_consumed: view
                .roles
                .iter()
                .map(|r| r.quota_consumed.clone())
                .collect(),
            fw_alloc: view
                .frameworks
                .iter()
                .map(|f| f.allocated.clone())
                .collect(),
            fw_count: view.frameworks.iter().map(|f| f.count).collect(),
            members,
            name_rank,
            role_set: BTreeSet::new(),
            fw_sets: vec![BTreeSet::new(); nroles],
            role_list: Vec::new(),
            fw_lists: vec![Vec::new(); nroles],
            lists_stale: true,
        };
        for r in 0..nroles {
            if !s.members[r].is_empty() {
                s.role_set.insert(s.role_key(r));
                for &f in &s.members[r] {
                    let key = s.fw_key(f);
                    s.fw_sets[r].insert(key);
                }
            }
        }
        s
    }

    fn role_key(&self, r: usize) -> RoleKey {
        let share = self.role_alloc[r].dominant_share(self.view.totals) / self.view.roles[r].weight;
        (Share(share), self.role_count[r], self.name_rank[r], r)
    }

    fn fw_key(&self, f: FrameworkId) -> FwKey {
        let share = self.fw_alloc[f.index()].dominant_share(self.view.totals);
        (Share(share), self.fw_count[f.index()], f)
    }

    /// Refreshes the cached DRF lists after shares changed.
    fn refresh_lists(&mut self) {
        if !self.lists_stale {
            return;
        }
        self.role_list.clear();
        self.role_list.extend(self.role_set.iter().map(|k| k.3));
        for (r, set) in self.fw_sets.iter().enumerate() {
            let list = &mut self.fw_lists[r];
            list.clear();
            list.extend(set.iter().map(|k| k.2));
        }
        self.lists_stale = false;
    }

    /// Roles in sorter order for one agent (random sorter).
    fn role_order(&self, sorter: Sorter, rng: &mut dyn Rng) -> Vec<usize> {
        match sorter {
            Sorter::Drf => self.role_set.iter().map(|k| k.3).collect(),
            Sorter::Random => {
                // Efraimidis–Spirakis: key u^(1/w), largest first.
                let mut keyed: Vec<(Share, usize)> = self
                    .role_set
                    .iter()
                    .map(|k| {
                        let w = self.view.roles[k.3].weight;
                        (Share(unit(rng).powf(1.0 / w)), k.3)
                    })
                    .collect();
                keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                keyed.into_iter().map(|(_, r)| r).collect()
            }
        }
    }

    /// Frameworks of role `r` in sorter order.
    fn fw_order(&self, r: usize, sorter: Sorter, rng: &mut dyn Rng) -> Vec<FrameworkId> {
        match sorter {
            Sorter::Drf => self.fw_sets[r].iter().map(|k| k.2).collect(),
            Sorter::Random => {
                let mut v: Vec<FrameworkId> = self.fw_sets[r].iter().map(|k| k.2).collect();
                v.sort();
                shuffle(&mut v, rng);
                v
            }
        }
    }

    /// Records an offer of `offered` (of which `unreserved` counts toward
    /// quota) to framework `f` of role `r`.
    fn allocated(&mut self, r: usize, f: FrameworkId, offered: &Scalars, unreserved: &Scalars) {
        let old_role = self.role_key(r);
        let old_fw = self.fw_key(f);
        self.role_alloc[r].add(offered);
        self.role_count[r] += 1;
        self.role_consumed[r].add(unreserved);
        self.fw_alloc[f.index()].add(offered);
        self.fw_count[f.index()] += 1;
        self.role_set.remove(&old_role);
        self.role_set.insert(self.role_key(r));
        self.fw_sets[r].remove(&old_fw);
        let key = self.fw_key(f);
        self.fw_sets[r].insert(key);
        self.lists_stale = true;
    }

    /// The unreserved scalars of `avail`, chopped to the role's quota
    /// headroom (`limit − consumed`, per limited resource).
    fn chop(&self, r: usize, extra: Resources) -> Resources {
        let Some(limit) = &self.view.roles[r].quota_limit else {
            return extra;
        };
        let scalars = self.view.scalars;
        let consumed = &self.role_consumed[r];
        Resources::from_entries(extra.iter().cloned().map(|mut e| {
            if let (Quantity::Scalar(m), Some(i)) = (&mut e.quantity, scalars.index(&e.name))
                && limit.0[i] < i64::MAX
            {
                let headroom = (limit.0[i] - consumed.0[i]).max(0);
                *m = Milli(m.0.min(headroom));
            }
            e
        }))
    }
}

impl Allocator for HierarchicalAllocator {
    fn name(&self) -> &'static str {
        match self.sorter {
            Sorter::Drf => "drf",
            Sorter::Random => "random",
        }
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        rng: &mut dyn Rng,
    ) -> Vec<Grant> {
        let mut agents: Vec<AgentId> = candidates
            .iter()
            .copied()
            .filter(|a| view.agents[a.index()].active)
            .collect();
        shuffle(&mut agents, rng);
        let mut state = RunState::new(view);
        let mut grants = Vec::new();
        let quota_anywhere = view.roles.iter().any(|r| r.quota_limit.is_some());
        let eligible: Vec<bool> = view
            .frameworks
            .iter()
            .map(|f| f.active && !f.suppressed)
            .collect();
        let eligible_count = eligible.iter().filter(|e| **e).count();
        for agent in agents {
            let av = &view.agents[agent.index()];
            // Nothing of this agent can be offered if all of it is below
            // min_allocatable (every offer is a part of it).
            if av.available.is_empty()
                || state.role_set.is_empty()
                || !view.min_allocatable.allows(&av.available)
            {
                continue;
            }
            let has_reserved = av.available.iter().any(|e| e.is_reserved());
            // Every candidate would be the whole pool, and every framework
            // has refused the whole pool since it last grew: skip the agent
            // (the same outcome as checking each framework's filter).
            if !has_reserved
                && !quota_anywhere
                && view
                    .filters
                    .whole_filtered_count(agent, view.now, av.grown, &eligible)
                    == eligible_count
            {
                debug_assert!(
                    (0..view.frameworks.len())
                        .filter(|&f| eligible[f])
                        .all(|f| view.filters.is_filtered(
                            FrameworkId(f as u32),
                            agent,
                            &av.available,
                            view.now,
                            av.grown
                        )),
                    "agent skip disagrees with the filters"
                );
                continue;
            }
            // Copied only once something is offered from this agent.
            let mut available: Option<Resources> = None;
            // DRF: the cached order, the same for every agent until shares
            // change; random: drawn anew for every agent.
            let drawn: Vec<usize> = match self.sorter {
                Sorter::Drf => {
                    state.refresh_lists();
                    Vec::new()
                }
                Sorter::Random => state.role_order(self.sorter, rng),
            };
            let nroles = match self.sorter {
                Sorter::Drf => state.role_list.len(),
                Sorter::Random => drawn.len(),
            };
            let mut pending: Vec<(usize, FrameworkId, Scalars, Scalars)> = Vec::new();
            // Indexing (not iterating) keeps `state` free for the updates below.
            #[allow(clippy::needless_range_loop)]
            for i in 0..nroles {
                let r = match self.sorter {
                    Sorter::Drf => state.role_list[i],
                    Sorter::Random => drawn[i],
                };
                let pool = available.as_ref().unwrap_or(&av.available);
                if pool.is_empty() {
                    break;
                }
                let role_name = &view.roles[r].name;
                let fws: Vec<FrameworkId> = match self.sorter {
                    Sorter::Drf => std::mem::take(&mut state.fw_lists[r]),
                    Sorter::Random => state.fw_order(r, self.sorter, rng),
                };
                for &f in &fws {
                    let pool = available.as_ref().unwrap_or(&av.available);
                    // Unreserved + this role's reservations (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4); without
                    // reservations or quota, the offer is the whole pool.
                    let simple =
                        !(has_reserved || quota_anywhere && view.roles[r].quota_limit.is_some());
                    let built: Resources;
                    let offer: &Resources = if simple {
                        pool
                    } else {
                        let avail = pool.allocatable_to(role_name);
                        let unreserved = avail.unreserved();
                        let extra = state.chop(r, unreserved.scalar_part());
                        let mut o = avail.reserved();
                        o.add(&unreserved.filtered(|e| !matches!(e.quantity, Quantity::Scalar(_))));
                        o.add(&extra);
                        if avail.is_empty() {
                            break;
                        }
                        if !view.min_allocatable.allows(&avail) {
                            continue;
                        }
                        built = o;
                        &built
                    };
                    if offer.is_empty() {
                        break;
                    }
                    if !view.min_allocatable.allows(offer)
                        || view
                            .filters
                            .is_filtered(f, agent, offer, view.now, av.grown)
                    {
                        continue;
                    }
                    let offer = offer.clone();
                    let unreserved_part = view.scalars.vector(&offer.unreserved().scalar_part());
                    available
                        .get_or_insert_with(|| av.available.clone())
                        .subtract(&offer);
                    let offered = view.scalars.vector(&offer);
                    // Quota headroom must see this offer within the agent.
                    state.role_consumed[r].add(&unreserved_part);
                    pending.push((r, f, offered, unreserved_part));
                    grants.push(Grant {
                        framework: f,
                        agent,
                        resources: offer,
                    });
                    if simple {
                        // The whole pool went to this framework.
                        break;
                    }
                }
                if self.sorter == Sorter::Drf {
                    state.fw_lists[r] = fws;
                }
            }
            for (r, f, offered, unreserved) in pending {
                state.role_consumed[r].sub(&unreserved);
                state.allocated(r, f, &offered, &unreserved);
            }
        }
        grants
    }
}
