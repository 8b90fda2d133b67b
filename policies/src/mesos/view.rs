//! What the allocator sees: a read-only view of the cluster kept up to date
//! by the master (the simulator), and what it returns.

use rand_core::Rng;

use super::filters::OfferFilters;
use crate::model::{AgentId, FrameworkId, Milli, Name, Quantity, Resources};
use crate::time::SimTime;

/// The names of the scalar resources in the cluster (`cpus`, `mem`, `disk`,
/// …), giving each an index so that allocations are small vectors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScalarIndex {
    names: Vec<Name>,
}

/// Scalar amounts in thousandths, indexed by [`ScalarIndex`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scalars(pub Vec<i64>);

impl ScalarIndex {
    /// The scalar names of every given bag, sorted.
    pub fn of<'a>(bags: impl IntoIterator<Item = &'a Resources>) -> ScalarIndex {
        let mut names: Vec<Name> = Vec::new();
        for bag in bags {
            for e in bag.iter() {
                if matches!(e.quantity, Quantity::Scalar(_)) && !names.contains(&e.name) {
                    names.push(e.name.clone());
                }
            }
        }
        names.sort();
        ScalarIndex { names }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> &[Name] {
        &self.names
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    fn index_of(&self, name: &Name) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Adds `sign` × the scalar entries of `r` to `all`, and the
    /// unreserved ones to `unreserved` as well, without building vectors.
    pub fn charge(
        &self,
        r: &Resources,
        sign: i64,
        all: &mut [&mut Scalars],
        unreserved: &mut Scalars,
    ) {
        for e in r.iter() {
            if let Quantity::Scalar(m) = e.quantity
                && let Some(i) = self.index_of(&e.name)
            {
                let x = sign * m.0;
                for v in all.iter_mut() {
                    v.0[i] += x;
                }
                if !e.is_reserved() {
                    unreserved.0[i] += x;
                }
            }
        }
    }

    pub fn zero(&self) -> Scalars {
        Scalars(vec![0; self.names.len()])
    }

    /// The scalar part of `r` as a vector (every role summed).
    pub fn vector(&self, r: &Resources) -> Scalars {
        let mut v = self.zero();
        for e in r.iter() {
            if let Quantity::Scalar(m) = e.quantity
                && let Some(i) = self.index_of(&e.name)
            {
                v.0[i] += m.0;
            }
        }
        v
    }
}

impl Scalars {
    pub fn add(&mut self, other: &Scalars) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    pub fn sub(&mut self, other: &Scalars) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a -= b;
        }
    }

    /// DRF's dominant share: the largest `self_r / total_r` over resources
    /// with a positive total (Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3).
    pub fn dominant_share(&self, totals: &Scalars) -> f64 {
        self.0
            .iter()
            .zip(&totals.0)
            .filter(|(_, t)| **t > 0)
            .map(|(a, t)| *a as f64 / *t as f64)
            .fold(0.0, f64::max)
    }
}

/// `--min_allocatable_resources`, default `cpus:0.01|mem:32`: an offer must
/// hold at least one of the listed amounts (Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinAllocatable {
    pub cpus: Milli,
    pub mem_mb: Milli,
}

impl Default for MinAllocatable {
    fn default() -> MinAllocatable {
        MinAllocatable {
            cpus: Milli(10),
            mem_mb: Milli::from_units(32),
        }
    }
}

impl MinAllocatable {
    pub fn allows(&self, r: &Resources) -> bool {
        r.cpus() >= self.cpus || r.mem_mb() >= self.mem_mb
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AgentView {
    /// Total − offered − allocated.
    pub available: Resources,
    /// Growth sequence: raised whenever `available` grows (see
    /// [`super::OfferFilters::is_filtered`]).
    pub grown: u64,
    /// Deactivated agents stay in the totals but are never offered.
    pub active: bool,
    /// Raised by the view's owner whenever `available`, `grown` or `active`
    /// change or the agent's filters are dropped, so an allocator may keep
    /// what it concluded about the agent until then (see
    /// [`ClusterView::epoch`]).
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleView {
    pub name: String,
    pub weight: f64,
    /// A quota limit on unreserved scalars (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.5);
    /// resources the limit does not name hold `i64::MAX`.
    pub quota_limit: Option<Scalars>,
    /// Offered + allocated, all frameworks of the role.
    pub allocated: Scalars,
    /// Times the role was handed resources (the DRF tie-breaker).
    pub count: u64,
    /// Offered or allocated unreserved scalars plus all of the role's
    /// reservations, allocated or not (`quotaOfferedOrConsumed`).
    pub quota_consumed: Scalars,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkView {
    /// Index into [`ClusterView::roles`].
    pub role: usize,
    pub active: bool,
    pub suppressed: bool,
    /// Offered + allocated.
    pub allocated: Scalars,
    /// Times the framework was handed resources.
    pub count: u64,
}

/// Everything an allocation run reads.
#[derive(Clone, Copy, Debug)]
pub struct ClusterView<'a> {
    pub now: SimTime,
    pub scalars: &'a ScalarIndex,
    /// Totals of every agent known, active or not.
    pub totals: &'a Scalars,
    pub agents: &'a [AgentView],
    pub roles: &'a [RoleView],
    pub frameworks: &'a [FrameworkView],
    pub filters: &'a OfferFilters,
    pub min_allocatable: MinAllocatable,
    /// Raised by the owner whenever something every agent's outcome depends
    /// on changes: a framework activated, deactivated, suppressed or revived
    /// (its filters dropped), a role's weight or quota. Zero means the owner
    /// keeps no versions, and an allocator must not reuse conclusions
    /// across runs.
    pub epoch: u64,
}

/// One offer the run makes: `resources` of `agent` to `framework`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub framework: FrameworkId,
    pub agent: AgentId,
    pub resources: Resources,
}

/// An allocation policy. The master calls it for each run with the agents
/// the run considers; it returns the offers to make, in order.
pub trait Allocator: std::fmt::Debug + Send {
    fn name(&self) -> &'static str;
    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        rng: &mut dyn Rng,
    ) -> Vec<Grant>;
    /// Why the last `allocate` failed, for a policy that can fail (one
    /// written in another language raising an error): the master stops the
    /// run with this message. Built-in policies never fail.
    fn failure(&mut self) -> Option<String> {
        None
    }
}

/// A uniform integer in `0..n` from 64 random bits (multiply-shift; its
/// tiny bias is irrelevant here and it is the same on every platform and
/// every version of every crate).
pub fn below(rng: &mut dyn Rng, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// A uniform double in `[0, 1)` from the top 53 bits.
pub fn unit(rng: &mut dyn Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Fisher–Yates with [`below`] (`std::random_shuffle` in the allocator).
pub fn shuffle<T>(items: &mut [T], rng: &mut dyn Rng) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i + 1);
        items.swap(i, j);
    }
}
