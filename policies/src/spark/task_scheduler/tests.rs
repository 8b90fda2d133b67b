//! Offers in, launches out, in the style of Spark's `TaskSetManagerSuite`
//! ("delay scheduling with fallback", "new executors get added") and
//! `TaskSchedulerImplSuite`.

use super::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

const A: AgentId = AgentId(0);
const B: AgentId = AgentId(1);
const C: AgentId = AgentId(2);

fn waits(secs: u64) -> LocalityWait {
    let d = SimDuration::from_secs(secs);
    LocalityWait {
        base: d,
        process: d,
        node: d,
        rack: d,
    }
}

fn t(ms: u64) -> SimTime {
    SimTime(ms * 1000)
}

fn alive(hosts: &[AgentId]) -> Hosts {
    let mut h = Hosts::without_racks();
    for a in hosts {
        h.executor_added(*a);
    }
    h
}

/// One preferred host per task.
fn set_on(prefs: &[AgentId], hosts: &Hosts, now: SimTime) -> TaskSet {
    TaskSet::new(prefs.len(), prefs.to_vec(), 1, hosts, waits(3), now)
}

#[test]
fn tasks_without_preferences_launch_at_once_in_index_order() {
    let hosts = alive(&[A]);
    let mut set = TaskSet::new(3, Vec::new(), 0, &hosts, waits(3), t(0));
    assert_eq!(set.levels(), [Locality::NoPref, Locality::Any]);
    let got: Vec<_> = (0..3)
        .map(|_| set.resource_offer(A, &hosts, Locality::Any, t(0)))
        .collect();
    // No-pref tasks are reported PROCESS_LOCAL, as Spark's dequeueTask does.
    assert_eq!(
        got,
        [
            Some((0, Locality::ProcessLocal)),
            Some((1, Locality::ProcessLocal)),
            Some((2, Locality::ProcessLocal))
        ]
    );
    assert_eq!(set.resource_offer(A, &hosts, Locality::Any, t(0)), None);
    assert_eq!(set.pending(), 0);
}

#[test]
fn delay_scheduling_with_fallback_after_the_wait() {
    let hosts = alive(&[A, B]);
    let mut set = set_on(&[A, A, A], &hosts, t(0));
    assert_eq!(set.levels(), [Locality::NodeLocal, Locality::Any]);
    // B holds no replica: refused while the node-local wait runs.
    assert_eq!(set.resource_offer(B, &hosts, Locality::Any, t(0)), None);
    assert_eq!(set.resource_offer(B, &hosts, Locality::Any, t(2_999)), None);
    // A gets a node-local task, which restarts the clock.
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(2_000)),
        Some((0, Locality::NodeLocal))
    );
    assert_eq!(set.resource_offer(B, &hosts, Locality::Any, t(4_999)), None);
    // 3 s after the last launch, B may take any task.
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(5_000)),
        Some((1, Locality::Any))
    );
    assert_eq!(set.current_level(), Locality::Any);
    // A launch on A moves the set back to NODE_LOCAL and restarts the wait.
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(5_100)),
        Some((2, Locality::NodeLocal))
    );
    assert_eq!(set.current_level(), Locality::NodeLocal);
}

#[test]
fn the_max_locality_of_a_pass_caps_what_is_allowed() {
    let hosts = alive(&[A, B]);
    let mut set = set_on(&[A, A], &hosts, t(0));
    // Long past the wait, a NODE_LOCAL pass still only takes local tasks.
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::NodeLocal, t(60_000)),
        None
    );
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(60_000)),
        Some((0, Locality::Any))
    );
}

#[test]
fn the_wait_moves_on_by_the_wait_not_to_now() {
    // Two levels with waits: NODE_LOCAL (3 s), then RACK_LOCAL (3 s).
    let mut hosts = Hosts::with_racks(vec![0, 0, 1]);
    for h in [A, B, C] {
        hosts.executor_added(h);
    }
    let mut set = set_on(&[A, A], &hosts, t(0));
    assert_eq!(
        set.levels(),
        [Locality::NodeLocal, Locality::RackLocal, Locality::Any]
    );
    // At 6.5 s both waits have passed (0 + 3 + 3 ≤ 6.5): C, off-rack, may
    // take a task.
    assert_eq!(
        set.resource_offer(C, &hosts, Locality::Any, t(6_500)),
        Some((0, Locality::Any))
    );
    let mut set = set_on(&[A, A], &hosts, t(0));
    // At 4 s only the node wait has passed: B (same rack) yes, C no.
    assert_eq!(set.resource_offer(C, &hosts, Locality::Any, t(4_000)), None);
    assert_eq!(set.current_level(), Locality::RackLocal);
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(4_000)),
        Some((0, Locality::RackLocal))
    );
}

#[test]
fn no_pref_passes_skip_the_clock_and_do_not_move_the_level() {
    let hosts = alive(&[A, B]);
    // Task 0 prefers A, task 1 has no preference.
    let mut set = TaskSet::from_lists(&[&[A], &[]], &hosts, waits(3), t(0));
    assert_eq!(
        set.levels(),
        [Locality::NodeLocal, Locality::NoPref, Locality::Any]
    );
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::NodeLocal, t(0)),
        None
    );
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::NoPref, t(0)),
        Some((1, Locality::ProcessLocal))
    );
    assert_eq!(set.current_level(), Locality::NodeLocal);
    assert_eq!(set.resource_offer(B, &hosts, Locality::Any, t(1_000)), None);
}

#[test]
fn a_level_without_pending_tasks_is_skipped_at_once() {
    let hosts = alive(&[A, B]);
    let mut set = set_on(&[A, B], &hosts, t(0));
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(0)),
        Some((0, Locality::NodeLocal))
    );
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(0)),
        Some((1, Locality::NodeLocal))
    );
    assert_eq!(set.pending(), 0);
}

#[test]
fn preferred_hosts_without_executors_do_not_make_a_level_until_one_joins() {
    let mut hosts = alive(&[B]);
    let mut set = set_on(&[C, C], &hosts, t(0));
    assert_eq!(set.levels(), [Locality::Any]);
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(0)),
        Some((0, Locality::Any))
    );
    // An executor on C joins: NODE_LOCAL becomes valid; the set keeps ANY
    // (the first valid level at or below its current one).
    assert!(hosts.executor_added(C));
    set.recompute(&hosts);
    assert_eq!(set.levels(), [Locality::NodeLocal, Locality::Any]);
    assert_eq!(set.current_level(), Locality::Any);
    assert!(hosts.executor_lost(C));
    set.recompute(&hosts);
    assert_eq!(set.levels(), [Locality::Any]);
}

#[test]
fn spark_on_mesos_has_no_rack_level() {
    let hosts = alive(&[B]);
    let set = set_on(&[A, A], &hosts, t(0));
    assert!(!set.levels().contains(&Locality::RackLocal));
}

#[test]
fn a_zero_wait_never_holds_a_task() {
    let hosts = alive(&[A, B]);
    let mut set = TaskSet::new(1, vec![A], 1, &hosts, waits(0), t(0));
    assert_eq!(
        set.resource_offer(B, &hosts, Locality::Any, t(0)),
        Some((0, Locality::Any))
    );
}

/// Executor `executor` on `host` with `cores` free.
fn worker(executor: u64, host: AgentId, cores: u32) -> WorkerOffer {
    WorkerOffer {
        executor,
        host,
        cores,
    }
}

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

#[test]
fn resource_offers_serve_task_sets_fifo_one_task_per_offer_per_pass() {
    let hosts = alive(&[A, B]);
    let mut first = TaskSet::new(3, Vec::new(), 0, &hosts, waits(3), t(0));
    let mut second = TaskSet::new(4, Vec::new(), 0, &hosts, waits(3), t(0));
    let offers = [worker(0, A, 2), worker(1, B, 3)];
    let got = resource_offers(
        &mut [&mut first, &mut second],
        &offers,
        &hosts,
        1,
        t(0),
        &mut rng(),
    );
    // 5 cores: the first set's 3 tasks, then 2 of the second's.
    assert_eq!(got.len(), 5);
    assert_eq!(
        got.iter()
            .map(|a| (a.task_set, a.index))
            .collect::<Vec<_>>(),
        [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    );
    // Per pass one task per offer: the first pass spreads tasks 0 and 1.
    assert_ne!(got[0].offer, got[1].offer);
    let per = |o: usize| got.iter().filter(|a| a.offer == o).count();
    assert_eq!((per(0), per(1)), (2, 3));
    assert_eq!(second.pending(), 2);
}

#[test]
fn resource_offers_respect_task_cpus_and_delay() {
    let hosts = alive(&[A, B]);
    let mut set = set_on(&[A, A, A], &hosts, t(0));
    let offers = [worker(0, A, 2), worker(1, B, 4)];
    // task.cpus = 2: A fits one task; B's tasks wait for the node wait.
    let got = resource_offers(&mut [&mut set], &offers, &hosts, 2, t(0), &mut rng());
    assert_eq!(
        got,
        [Assignment {
            offer: 0,
            task_set: 0,
            index: 0,
            locality: Locality::NodeLocal
        }]
    );
    let got = resource_offers(
        &mut [&mut set],
        &offers[1..],
        &hosts,
        2,
        t(3_000),
        &mut rng(),
    );
    assert_eq!(
        got.iter()
            .map(|a| (a.index, a.locality))
            .collect::<Vec<_>>(),
        [(1, Locality::Any), (2, Locality::Any)]
    );
}

#[test]
fn a_failed_task_is_pending_again_and_taken_first() {
    let hosts = alive(&[A, B]);
    let mut set = set_on(&[A, A, A], &hosts, t(0));
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(0)),
        Some((0, Locality::NodeLocal))
    );
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(0)),
        Some((1, Locality::NodeLocal))
    );
    set.task_failed(0, &hosts);
    assert_eq!(set.pending(), 2);
    // Task 0 is back on top of A's list, ahead of task 2.
    assert_eq!(
        set.resource_offer(A, &hosts, Locality::Any, t(100)),
        Some((0, Locality::NodeLocal))
    );
    // A task never launched, or failed twice, changes nothing.
    set.task_failed(2, &hosts);
    assert_eq!(set.pending(), 1);
}
