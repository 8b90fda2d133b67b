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
//! Not Mesos's, and without effect on what is offered: when the view's
//! owner keeps versions ([`ClusterView::epoch`]), an agent found idle
//! (nothing left that reaches `min_allocatable`, or every framework's
//! whole-pool filter covering it) is remembered until it changes or its
//! first covering filter ends, so a run visits only the agents that may
//! have something to offer (the shuffle is still drawn over all of them).
//! Debug builds check every remembered agent against the full check.
//!
//! Hierarchical roles (`eng/x`) are sorted as Mesos's tree, weights and
//! quota limits applying at each level ([`super::role_tree`]); without a
//! `/` in any name the tree is the flat sort below.
//!
//! Not modelled: quota guarantees and headroom (stage 1; deprecated since
//! 1.9), shared and revocable resources, offer constraints. One shuffle per run
//! instead of two (the second one only spreads stage 1's picks).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use rand_core::Rng;

use super::role_tree::{Books, RoleTree};
use super::view::{Allocator, ClusterView, Grant, Scalars, shuffle, unit};
use crate::model::{AgentId, FrameworkId, Milli, Quantity, Resources};
use crate::time::SimTime;

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
    /// Per agent: nothing of it could be offered as of its version and the
    /// view's epoch, until `until` (the first covering filter to run out).
    /// Kept only when the owner keeps versions ([`ClusterView::epoch`]).
    idle: Vec<Idle>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Idle {
    version: u64,
    epoch: u64,
    until: SimTime,
}

impl HierarchicalAllocator {
    pub fn new(sorter: Sorter) -> HierarchicalAllocator {
        HierarchicalAllocator {
            sorter,
            idle: Vec::new(),
        }
    }
}

/// What every agent's check in one run shares.
struct RunFacts {
    eligible: Vec<bool>,
    eligible_count: usize,
    quota_anywhere: bool,
}

/// When nothing of `agent` can be offered in this run: the time until
/// which that stays so while neither the agent (its version) nor the
/// frameworks (the epoch) change. Either nothing is left that reaches
/// `min_allocatable` (every offer is a part of the pool), nobody takes part,
/// or every candidate would be the whole pool and every framework refused
/// the whole pool since it last grew (the same outcome as checking each
/// framework's filter).
fn idle_until(
    view: &ClusterView<'_>,
    facts: &RunFacts,
    agent: AgentId,
    covered: impl FnMut(FrameworkId),
) -> Option<SimTime> {
    let av = &view.agents[agent.index()];
    if av.available.is_empty()
        || facts.eligible_count == 0
        || !view.min_allocatable.allows(&av.available)
    {
        return Some(SimTime::MAX);
    }
    if facts.quota_anywhere || av.available.iter().any(|e| e.is_reserved()) {
        return None;
    }
    let until = view.filters.whole_cover(
        agent,
        view.now,
        av.grown,
        &facts.eligible,
        facts.eligible_count,
        covered,
    )?;
    debug_assert!(
        (0..view.frameworks.len())
            .filter(|&f| facts.eligible[f])
            .all(|f| view.filters.is_filtered(
                FrameworkId(f as u32),
                agent,
                &av.available,
                view.now,
                av.grown
            )),
        "agent skip disagrees with the filters"
    );
    Some(until)
}

/// Roles or frameworks in sorter order: the DRF set as it stands, or an
/// order drawn for this agent.
enum Order<'s, K, T> {
    Drf(std::collections::btree_set::Iter<'s, K>, fn(&K) -> T),
    Drawn(std::vec::IntoIter<T>),
}

impl<K, T> Iterator for Order<'_, K, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            Order::Drf(it, key) => it.next().map(*key),
            Order::Drawn(it) => it.next(),
        }
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
    /// The role tree, when some role name has a `/`.
    tree: Option<RoleTree>,
    /// Roles with frameworks taking part.
    active: Vec<bool>,
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
            tree: RoleTree::of(view.roles),
            active: vec![false; nroles],
        };
        for r in 0..nroles {
            s.active[r] = !s.members[r].is_empty();
        }
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

    /// Roles in sorter order for one agent.
    fn role_order(&self, sorter: Sorter, rng: &mut dyn Rng) -> Order<'_, RoleKey, usize> {
        if let Some(t) = &self.tree {
            let books = Books {
                allocated: &self.role_alloc,
                count: &self.role_count,
                active: &self.active,
                totals: self.view.totals,
            };
            let order = match sorter {
                Sorter::Drf => t.drf_order(&books),
                Sorter::Random => t.random_order(&books, rng),
            };
            return Order::Drawn(order.into_iter());
        }
        match sorter {
            Sorter::Drf => Order::Drf(self.role_set.iter(), |k| k.3),
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
                let drawn: Vec<usize> = keyed.into_iter().map(|(_, r)| r).collect();
                Order::Drawn(drawn.into_iter())
            }
        }
    }

    /// Frameworks of role `r` in sorter order.
    fn fw_order(
        &self,
        r: usize,
        sorter: Sorter,
        rng: &mut dyn Rng,
    ) -> Order<'_, FwKey, FrameworkId> {
        match sorter {
            Sorter::Drf => Order::Drf(self.fw_sets[r].iter(), |k| k.2),
            Sorter::Random => {
                let mut v: Vec<FrameworkId> = self.fw_sets[r].iter().map(|k| k.2).collect();
                v.sort();
                shuffle(&mut v, rng);
                Order::Drawn(v.into_iter())
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
    }

    /// Whether a quota limit bounds offers to role `r`: its own, or (in a
    /// tree) an ancestor's.
    fn limited(&self, r: usize) -> bool {
        match &self.tree {
            Some(t) => t
                .limited_by(r)
                .into_iter()
                .any(|q| self.view.roles[q].quota_limit.is_some()),
            None => self.view.roles[r].quota_limit.is_some(),
        }
    }

    /// [`RunState::chop`] in a role tree: every limited node from `r` up
    /// bounds the offer by its limit less its whole subtree's consumption,
    /// this agent's offers so far (`pending`) included.
    fn chop_tree(
        &self,
        t: &RoleTree,
        r: usize,
        extra: Resources,
        pending: &[(usize, FrameworkId, Scalars, Scalars)],
    ) -> Resources {
        let scalars = self.view.scalars;
        let mut headroom: Vec<i64> = vec![i64::MAX; scalars.len()];
        for q in t.limited_by(r) {
            let Some(limit) = &self.view.roles[q].quota_limit else {
                continue;
            };
            let mut consumed = scalars.zero();
            for (o, c) in self.role_consumed.iter().enumerate() {
                if t.within(o, q) {
                    consumed.add(c);
                }
            }
            for (o, _, _, unreserved) in pending {
                if t.within(*o, q) {
                    consumed.add(unreserved);
                }
            }
            for (i, h) in headroom.iter_mut().enumerate() {
                if limit.0[i] < i64::MAX {
                    *h = (*h).min((limit.0[i] - consumed.0[i]).max(0));
                }
            }
        }
        Resources::from_entries(extra.iter().cloned().map(|mut e| {
            if let (Quantity::Scalar(m), Some(i)) = (&mut e.quantity, scalars.index(&e.name))
                && headroom[i] < i64::MAX
            {
                *m = Milli(m.0.min(headroom[i]));
            }
            e
        }))
    }

    /// The unreserved scalars of `avail`, chopped to the role's quota
    /// headroom (`limit − consumed`, per limited resource); `within` is what
    /// the role was already offered from the agent in this visit.
    fn chop(&self, r: usize, extra: Resources, within: &Scalars) -> Resources {
        let Some(limit) = &self.view.roles[r].quota_limit else {
            return extra;
        };
        let scalars = self.view.scalars;
        let mut consumed = self.role_consumed[r].clone();
        consumed.add(within);
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
        let eligible: Vec<bool> = view
            .frameworks
            .iter()
            .map(|f| f.active && !f.suppressed)
            .collect();
        let facts = RunFacts {
            eligible_count: eligible.iter().filter(|e| **e).count(),
            eligible,
            quota_anywhere: view.roles.iter().any(|r| r.quota_limit.is_some()),
        };
        let caching = view.epoch != 0;
        if caching && self.idle.len() < view.agents.len() {
            self.idle.resize(view.agents.len(), Idle::default());
        }
        let mut pending: Vec<(usize, FrameworkId, Scalars, Scalars)> = Vec::new();
        let mut covered: Vec<u64> = vec![0; view.frameworks.len()];
        let mut stamp = 0u64;
        for agent in agents {
            let av = &view.agents[agent.index()];
            if caching {
                let idle = self.idle[agent.index()];
                if idle.version == av.version && idle.epoch == view.epoch && view.now < idle.until {
                    debug_assert!(
                        idle_until(view, &facts, agent, |_| {}).is_some(),
                        "a cached idle agent could be offered"
                    );
                    continue;
                }
            }
            // Frameworks whose whole-pool filter covers the agent, marked
            // with this visit's stamp: filtered for anything offered here.
            stamp += 1;
            let mark = |f: FrameworkId| covered[f.index()] = stamp;
            if let Some(until) = idle_until(view, &facts, agent, mark) {
                if caching {
                    self.idle[agent.index()] = Idle {
                        version: av.version,
                        epoch: view.epoch,
                        until,
                    };
                }
                continue;
            }
            let has_reserved = av.available.iter().any(|e| e.is_reserved());
            // Copied only once something is offered from this agent.
            let mut available: Option<Resources> = None;
            // The sorter's order as it stands (DRF) or drawn anew for this
            // agent (random); shares change only after the agent.
            let roles = state.role_order(self.sorter, rng);
            for r in roles {
                let pool = available.as_ref().unwrap_or(&av.available);
                if pool.is_empty() {
                    break;
                }
                let role_name = &view.roles[r].name;
                // Unreserved + this role's reservations (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4); without
                // reservations or quota, the offer is the whole pool.
                let simple = !(has_reserved || facts.quota_anywhere && state.limited(r));
                // What this role was offered of the agent in this visit, for
                // its quota headroom (only offers that are not the whole
                // pool need it).
                let mut within = (!simple).then(|| view.scalars.zero());
                for f in state.fw_order(r, self.sorter, rng) {
                    if covered[f.index()] == stamp {
                        debug_assert!(view.filters.is_filtered(
                            f,
                            agent,
                            available.as_ref().unwrap_or(&av.available),
                            view.now,
                            av.grown
                        ));
                        continue;
                    }
                    let pool = available.as_ref().unwrap_or(&av.available);
                    let built: Resources;
                    let offer: &Resources = if simple {
                        pool
                    } else {
                        let avail = pool.allocatable_to(role_name);
                        let unreserved = avail.unreserved();
                        let within = within.as_ref().expect("kept when not simple");
                        let extra = match &state.tree {
                            Some(t) => state.chop_tree(t, r, unreserved.scalar_part(), &pending),
                            None => state.chop(r, unreserved.scalar_part(), within),
                        };
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
                    // Its scalars (every role), and the unreserved ones, in
                    // one pass over the bag.
                    let mut offered = view.scalars.zero();
                    let mut unreserved_part = view.scalars.zero();
                    view.scalars
                        .charge(&offer, 1, &mut [&mut offered], &mut unreserved_part);
                    available
                        .get_or_insert_with(|| av.available.clone())
                        .subtract(&offer);
                    // Quota headroom must see this offer within the agent.
                    if let Some(w) = within.as_mut() {
                        w.add(&unreserved_part);
                    }
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
            }
            for (r, f, offered, unreserved) in pending.drain(..) {
                state.allocated(r, f, &offered, &unreserved);
            }
        }
        grants
    }
}
