//! Offer filters: what a decline with `refuse_seconds` installs
//! (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.7).
//!
//! - A filter is keyed by (framework, role, agent) and holds the refused
//!   resources. Frameworks here have one role, so the key is (framework,
//!   agent).
//! - Lifetime: `max(allocation_interval, refuse)`, with `refuse` clamped:
//!   negative means the protobuf default of 5 s, more than 365 days means
//!   365 days, and exactly 0 installs no filter at all.
//! - It hides the agent from the framework only while the candidate offer is
//!   a subset of what was refused: once more is free there, the framework
//!   may be offered the agent again before the filter runs out.
//! - Expiry triggers no allocation run; a filter expiring at `t` no longer
//!   applies to a run at `t` (timers come before the run at one instant).
//! - REVIVE and framework deactivation drop the framework's filters; agent
//!   removal drops the agent's.

use crate::model::{AgentId, FrameworkId, Resources};
use crate::time::{SimDuration, SimTime};

/// The `refuse_seconds` a decline or an accept's leftovers carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refuse {
    /// No `Filters` in the call: the master's default (`Filters.refuse_seconds`
    /// default 5 s, Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0).
    Default,
    /// An explicit value in µs; may be zero (no filter) or negative (5 s).
    Micros(i64),
}

impl Refuse {
    pub fn secs(s: i64) -> Refuse {
        Refuse::Micros(s.saturating_mul(1_000_000))
    }
}

/// The protobuf default `refuse_seconds`.
pub const PROTOBUF_DEFAULT_REFUSE: SimDuration = SimDuration::from_secs(5);
/// `refuse_seconds` above this is capped.
pub const MAX_REFUSE: SimDuration = SimDuration::from_secs(365 * 24 * 3600);

/// How long a filter with this refuse value lives, or `None` for no filter.
pub fn filter_lifetime(
    refuse: Refuse,
    default_refuse: SimDuration,
    allocation_interval: SimDuration,
) -> Option<SimDuration> {
    let refuse = match refuse {
        Refuse::Default => default_refuse,
        Refuse::Micros(us) if us < 0 => PROTOBUF_DEFAULT_REFUSE,
        Refuse::Micros(us) => SimDuration(us as u64).min(MAX_REFUSE),
    };
    if refuse.is_zero() {
        return None;
    }
    Some(refuse.max(allocation_interval))
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Filter {
    refused: Resources,
    expires: SimTime,
    /// The refused resources were everything the agent had available once
    /// they came back, as of growth sequence `seq` (see [`OfferFilters::is_filtered`]).
    whole: Option<u64>,
}

impl Filter {
    /// Whether `other` (of the same framework and agent) hides nothing
    /// this one does not: it refuses no more, ends no later, and covers the
    /// whole pool only if this one does, as of no later a growth.
    fn supersedes(&self, other: &Filter) -> bool {
        other.expires <= self.expires
            && other.whole <= self.whole
            && self.refused.contains(&other.refused)
    }

    /// Whether this filter hides `candidate` at `now` (see
    /// [`OfferFilters::is_filtered`]).
    fn hides(&self, candidate: &Resources, now: SimTime, grown: u64) -> bool {
        if now >= self.expires {
            return false;
        }
        if self.whole.is_some_and(|seq| seq >= grown) {
            // The caller keeps the pool within what was refused; debug
            // builds (and every test) verify it.
            debug_assert!(
                self.refused.contains(candidate),
                "whole-pool shortcut is wrong"
            );
            return true;
        }
        self.refused.contains(candidate)
    }
}

/// One agent's filters, sorted by framework, with the frameworks also in a
/// compact array of their own: a framework's filters are found by a binary
/// search over 4-byte keys, however many frameworks filter the agent.
#[derive(Clone, Debug, Default)]
struct AgentFilters {
    keys: Vec<FrameworkId>,
    list: Vec<Filter>,
}

impl AgentFilters {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// Where `framework`'s filters are.
    fn range(&self, framework: FrameworkId) -> std::ops::Range<usize> {
        let from = self.keys.partition_point(|k| *k < framework);
        let to = from + self.keys[from..].partition_point(|k| *k == framework);
        from..to
    }

    fn insert(&mut self, at: usize, framework: FrameworkId, f: Filter) {
        self.keys.insert(at, framework);
        self.list.insert(at, f);
    }

    fn remove(&mut self, at: usize) {
        self.keys.remove(at);
        self.list.remove(at);
    }

    /// Keeps the filters `keep` accepts, in order.
    fn retain(&mut self, keep: impl Fn(FrameworkId, &Filter) -> bool) {
        let mut kept = 0;
        for i in 0..self.list.len() {
            if keep(self.keys[i], &self.list[i]) {
                self.keys.swap(i, kept);
                self.list.swap(i, kept);
                kept += 1;
            }
        }
        self.keys.truncate(kept);
        self.list.truncate(kept);
    }

    fn clear(&mut self) {
        self.keys.clear();
        self.list.clear();
    }
}

/// Every installed offer filter, kept per agent and sorted by framework, so
/// one framework's filters on an agent are found by binary search.
#[derive(Clone, Debug, Default)]
pub struct OfferFilters {
    by_agent: Vec<AgentFilters>,
}

impl OfferFilters {
    pub fn new() -> OfferFilters {
        OfferFilters::default()
    }

    fn list_mut(&mut self, agent: AgentId) -> &mut AgentFilters {
        if self.by_agent.len() <= agent.index() {
            self.by_agent
                .resize_with(agent.index() + 1, AgentFilters::default);
        }
        &mut self.by_agent[agent.index()]
    }

    /// Installs a filter for `refused` resources of `agent`, living
    /// `lifetime` from `now`.
    pub fn install(
        &mut self,
        framework: FrameworkId,
        agent: AgentId,
        refused: Resources,
        now: SimTime,
        lifetime: SimDuration,
    ) {
        self.install_tracked(framework, agent, refused, now, lifetime, None);
    }

    /// As [`OfferFilters::install`]; `whole = Some(seq)` says the refused
    /// resources were all the agent had available at growth sequence `seq`.
    pub fn install_tracked(
        &mut self,
        framework: FrameworkId,
        agent: AgentId,
        refused: Resources,
        now: SimTime,
        lifetime: SimDuration,
        whole: Option<u64>,
    ) {
        let expires = now + lifetime;
        let list = self.list_mut(agent);
        // Expired filters never match; they are swept out whenever the list
        // has doubled since the last sweep, so installing stays O(1)
        // amortised however many frameworks filter the agent.
        if list.len() >= 8 && list.len().is_power_of_two() {
            list.retain(|_, f| f.expires > now);
        }
        // This framework's filters that the new one makes redundant (it
        // refuses at least as much, as long or longer, and covers the whole
        // pool if they did) hide nothing the new one does not: a filter
        // hides a candidate that is a subset of what it refused, while it
        // lives (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference
        // mesos-master.md §1.7), so dropping them changes no decision.
        let new = Filter {
            refused,
            expires,
            whole,
        };
        let range = list.range(framework);
        match range.clone().find(|&i| new.supersedes(&list.list[i])) {
            Some(i) => {
                // The first one is replaced in place (nothing moves), any
                // other one removed.
                list.list[i] = new;
                let mut end = range.end;
                let mut j = i + 1;
                while j < end {
                    if list.list[i].supersedes(&list.list[j]) {
                        list.remove(j);
                        end -= 1;
                    } else {
                        j += 1;
                    }
                }
            }
            None => list.insert(range.end, framework, new),
        }
    }

    /// Whether `candidate` from `agent` is hidden from `framework` at `now`:
    /// some live filter's refused resources contain it. `grown` is the
    /// agent's growth sequence: when a filter refused the agent's whole
    /// available pool and the pool has not grown since, every candidate
    /// from the agent is a subset of it, and the comparison is skipped.
    pub fn is_filtered(
        &self,
        framework: FrameworkId,
        agent: AgentId,
        candidate: &Resources,
        now: SimTime,
        grown: u64,
    ) -> bool {
        self.by_agent.get(agent.index()).is_some_and(|list| {
            list.list[list.range(framework)]
                .iter()
                .any(|f| f.hides(candidate, now, grown))
        })
    }

    /// When every framework marked in `eligible` (`eligible_count` of
    /// them) holds a live whole-pool filter on `agent` that still covers its
    /// pool (growth sequence `grown`), nothing can be offered from the agent
    /// until the first of them runs out: that time. `None` when some
    /// eligible framework is not covered now. `covered` is called with
    /// every eligible framework found covered (each one once): such a
    /// framework is filtered for anything the agent could offer now. It is
    /// not called at all when the agent has fewer filters than there are
    /// eligible frameworks (then some framework is surely not covered).
    pub fn whole_cover(
        &self,
        agent: AgentId,
        now: SimTime,
        grown: u64,
        eligible: &[bool],
        eligible_count: usize,
        mut covered: impl FnMut(FrameworkId),
    ) -> Option<SimTime> {
        let filters = self.by_agent.get(agent.index())?;
        if filters.len() < eligible_count {
            return None;
        }
        let (keys, list) = (&filters.keys, &filters.list);
        let mut count = 0;
        let mut until = SimTime::MAX;
        // Filters are sorted by framework: one framework's run together,
        // and it stays covered while its longest covering filter lives.
        let mut i = 0;
        while i < list.len() {
            let fw = keys[i];
            let mut longest: Option<SimTime> = None;
            while i < list.len() && keys[i] == fw {
                let f = &list[i];
                if now < f.expires && f.whole.is_some_and(|seq| seq >= grown) {
                    longest = Some(longest.map_or(f.expires, |t: SimTime| t.max(f.expires)));
                }
                i += 1;
            }
            if let Some(t) = longest
                && eligible.get(fw.index()).copied().unwrap_or(false)
            {
                count += 1;
                until = until.min(t);
                covered(fw);
            }
        }
        (count == eligible_count).then_some(until)
    }

    /// Whether any live filter exists for this pair (a cheap pre-check).
    pub fn has_any(&self, framework: FrameworkId, agent: AgentId, now: SimTime) -> bool {
        self.by_agent
            .get(agent.index())
            .is_some_and(|l| l.list[l.range(framework)].iter().any(|f| now < f.expires))
    }

    /// REVIVE or deactivation: drop every filter of `framework`.
    pub fn clear_framework(&mut self, framework: FrameworkId) {
        for list in &mut self.by_agent {
            list.retain(|fw, _| fw != framework);
        }
    }

    /// Agent removal: drop every filter on `agent`.
    pub fn clear_agent(&mut self, agent: AgentId) {
        if let Some(list) = self.by_agent.get_mut(agent.index()) {
            list.clear();
        }
    }

    /// Drops expired filters (bookkeeping only; expired ones never match).
    pub fn prune(&mut self, now: SimTime) {
        for list in &mut self.by_agent {
            list.retain(|_, f| f.expires > now);
        }
    }

    /// Live filters (for invariants and tests).
    pub fn live(&self, now: SimTime) -> usize {
        self.by_agent
            .iter()
            .map(|l| l.list.iter().filter(|f| now < f.expires).count())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    fn r(s: &str) -> Resources {
        Resources::parse(s).unwrap()
    }

    #[test]
    fn lifetime_clamps_and_respects_the_interval() {
        let (def, iv) = (SimDuration::from_secs(5), SimDuration::from_secs(1));
        let life = |refuse| filter_lifetime(refuse, def, iv);
        assert_eq!(life(Refuse::Default), Some(SimDuration::from_secs(5)));
        assert_eq!(life(Refuse::secs(120)), Some(SimDuration::from_secs(120)));
        assert_eq!(
            life(Refuse::secs(0)),
            None,
            "refuse_seconds = 0 installs no filter"
        );
        assert_eq!(
            life(Refuse::secs(-3)),
            Some(SimDuration::from_secs(5)),
            "negative → 5 s"
        );
        assert_eq!(
            life(Refuse::Micros(200_000)),
            Some(SimDuration::from_secs(1)),
            "at least one allocation interval (MESOS-4302)"
        );
        assert_eq!(life(Refuse::secs(1 << 40)), Some(MAX_REFUSE));
        assert_eq!(
            filter_lifetime(
                Refuse::Default,
                SimDuration::from_secs(2),
                SimDuration::from_secs(3)
            ),
            Some(SimDuration::from_secs(3))
        );
    }

    #[test]
    fn a_filter_hides_only_subsets_of_what_was_refused() {
        let (fw, agent) = (FrameworkId(0), AgentId(7));
        let mut f = OfferFilters::new();
        f.install(
            fw,
            agent,
            r("cpus:4;mem:1024"),
            SimTime(0),
            SimDuration::from_secs(5),
        );
        let now = SimTime(2 * S);
        assert!(f.is_filtered(fw, agent, &r("cpus:4;mem:1024"), now, 0));
        assert!(f.is_filtered(fw, agent, &r("cpus:2;mem:512"), now, 0));
        assert!(
            !f.is_filtered(fw, agent, &r("cpus:6;mem:1024"), now, 0),
            "more became free"
        );
        assert!(
            !f.is_filtered(FrameworkId(1), agent, &r("cpus:1"), now, 0),
            "other framework"
        );
        assert!(
            !f.is_filtered(fw, AgentId(8), &r("cpus:1"), now, 0),
            "other agent"
        );
    }

    #[test]
    fn filters_expire_exactly_at_their_end() {
        let (fw, agent) = (FrameworkId(0), AgentId(0));
        let mut f = OfferFilters::new();
        f.install(
            fw,
            agent,
            r("cpus:4"),
            SimTime(S),
            SimDuration::from_secs(5),
        );
        assert!(f.is_filtered(fw, agent, &r("cpus:4"), SimTime(6 * S - 1), 0));
        assert!(!f.is_filtered(fw, agent, &r("cpus:4"), SimTime(6 * S), 0));
        assert_eq!(f.live(SimTime(6 * S - 1)), 1);
        f.prune(SimTime(6 * S));
        assert_eq!(f.live(SimTime(0)), 0);
    }

    #[test]
    fn a_whole_pool_filter_matches_until_the_agent_grows() {
        let (fw, agent) = (FrameworkId(0), AgentId(0));
        let mut f = OfferFilters::new();
        // Refused cpus:4 when that was the whole pool, at growth sequence 10.
        f.install_tracked(
            fw,
            agent,
            r("cpus:4"),
            SimTime(0),
            SimDuration::from_secs(5),
            Some(10),
        );
        // No growth since (sequence 10): filtered without comparing.
        assert!(f.is_filtered(fw, agent, &r("cpus:4"), SimTime(1), 10));
        // Grown since (sequence 11): the exact comparison decides.
        assert!(f.is_filtered(fw, agent, &r("cpus:3"), SimTime(1), 11));
        assert!(!f.is_filtered(fw, agent, &r("cpus:5"), SimTime(1), 11));
    }

    #[test]
    fn revive_and_agent_removal_clear() {
        let mut f = OfferFilters::new();
        for fw in 0..2 {
            for a in 0..2 {
                f.install(
                    FrameworkId(fw),
                    AgentId(a),
                    r("cpus:1"),
                    SimTime(0),
                    SimDuration::from_secs(5),
                );
            }
        }
        f.clear_framework(FrameworkId(0));
        assert_eq!(f.live(SimTime(0)), 2);
        f.clear_agent(AgentId(1));
        assert_eq!(f.live(SimTime(0)), 1);
        assert!(f.has_any(FrameworkId(1), AgentId(0), SimTime(0)));
    }

    #[test]
    fn a_filter_that_hides_all_an_older_one_does_replaces_it() {
        let (fw, agent) = (FrameworkId(3), AgentId(0));
        let mut f = OfferFilters::new();
        let sec = |x: u64| SimTime(x * S);
        f.install_tracked(
            fw,
            agent,
            r("cpus:4"),
            sec(0),
            SimDuration::from_secs(5),
            Some(1),
        );
        // Refuses as much, lives longer, whole as of a later growth: the
        // first one hides nothing more, and goes.
        f.install_tracked(
            fw,
            agent,
            r("cpus:4"),
            sec(1),
            SimDuration::from_secs(9),
            Some(2),
        );
        assert_eq!(f.live(sec(1)), 1);
        // Refuses less: both stay, and each hides what it refused.
        f.install(fw, agent, r("cpus:2"), sec(2), SimDuration::from_secs(18));
        assert_eq!(f.live(sec(2)), 2);
        assert!(f.is_filtered(fw, agent, &r("cpus:4"), sec(9), 3));
        assert!(!f.is_filtered(fw, agent, &r("cpus:4"), sec(10), 3));
        assert!(f.is_filtered(fw, agent, &r("cpus:2"), sec(19), 3));
        // A whole-pool filter is not replaced by one that is not.
        f.install(fw, agent, r("cpus:8"), sec(3), SimDuration::from_secs(30));
        assert_eq!(
            f.live(sec(3)),
            2,
            "the cpus:2 filter is superseded, the whole one is not"
        );
        assert_eq!(
            f.whole_cover(agent, sec(4), 2, &[false, false, false, true], 1, |_| {}),
            Some(sec(10))
        );
    }
}
