//! `YarnAllocator`'s rules that changed between Spark releases (reference
//! standalone-yarn-local.md §2.4, §2.6, §2.7, §2.10), in the style of
//! Spark's `YarnAllocatorSuite`: a target and granted containers in,
//! requests, launches and failures out; each rule in its old and new form.

use super::allocator::*;
use super::container::Capability;
use crate::spark::SparkVersion;

const CAP: Capability = Capability {
    mem_mb: 2048,
    vcores: 1,
};

fn allocator(version: SparkVersion, target: u32) -> YarnAllocator {
    let conf = AllocatorConf {
        capability: CAP,
        task_cpus: 1,
        executor_cores: 1,
        max_executor_failures: 3,
        exclusion: None,
        version,
    };
    YarnAllocator::new(conf, target)
}

fn containers(ids: std::ops::Range<u64>) -> Vec<Container> {
    ids.map(|id| Container {
        id,
        node: id as usize % 3,
        capability: CAP,
    })
    .collect()
}

#[test]
fn starting_containers_count_as_missing_from_23() {
    // Target 2, both granted and handed to launchers (starting). The next
    // update: 2.3+ counts them, 2.0–2.2 do not and ask for 2 more; 1.6
    // counts them as running from their allocation.
    for (v, asked) in [
        (SparkVersion::V1_6, 0),
        (SparkVersion::V2_0, 2),
        (SparkVersion::V2_2, 2),
        (SparkVersion::V2_3, 0),
        (SparkVersion::V3_0, 0),
    ] {
        let mut a = allocator(v, 2);
        assert_eq!(a.update_resource_requests(), (0, 2), "{v}");
        let h = a.handle_allocated(&containers(1..3));
        assert_eq!(h.launch.len(), 2, "{v}");
        assert_eq!(a.starting(), 2);
        assert_eq!(a.update_resource_requests(), (0, asked), "{v}");
    }
}

#[test]
fn version_16_replaces_every_locality_free_request() {
    // Three locality-free requests pending; the target rises to 4. 3.x
    // keeps them and adds one; 1.6 cancels all three and places four.
    for (v, expect) in [(SparkVersion::V1_6, (3, 4)), (SparkVersion::V3_0, (0, 1))] {
        let mut a = allocator(v, 3);
        assert_eq!(a.update_resource_requests(), (0, 3));
        a.request_total(4, 0, Default::default());
        assert_eq!(a.update_resource_requests(), expect, "{v}");
        assert_eq!(a.pending().len(), 4);
        assert!(a.pending().iter().all(|r| r.nodes.is_none()));
    }
    // Over the target: 1.6 cancels the first requests in the client's
    // order, 3.x the stale, then locality-free, then local ones; with
    // only locality-free ones both cancel 2.
    for v in [SparkVersion::V1_6, SparkVersion::V3_0] {
        let mut a = allocator(v, 4);
        a.update_resource_requests();
        a.request_total(2, 0, Default::default());
        assert_eq!(a.update_resource_requests(), (2, 0), "{v}");
    }
}

/// Target 3, three requests; one container comes and starts; the target
/// falls to 1; three more containers match the two requests left and…
fn at_target(version: SparkVersion) -> (YarnAllocator, Handled) {
    let mut a = allocator(version, 3);
    a.update_resource_requests();
    let h = a.handle_allocated(&containers(1..2));
    a.container_started(h.launch[0].0);
    a.request_total(1, 0, Default::default());
    let h = a.handle_allocated(&containers(2..4));
    (a, h)
}

#[test]
fn version_16_asserts_at_the_target_and_leaks_the_rest() {
    // 3.x (2.1+): both are skipped — kept, not released.
    let (a, h) = at_target(SparkVersion::V3_0);
    assert_eq!((h.launch.len(), h.skipped.len()), (0, 2));
    assert!(!a.must_fail(3, 0));
    // 1.6: the first bumps the counter and fails the assertion; it and the
    // rest of the batch are left, and the reporter thread counts a
    // failure.
    let (mut a, h) = at_target(SparkVersion::V1_6);
    assert_eq!((h.launch.len(), h.skipped.len()), (0, 2));
    assert!(h.release.is_empty());
    // The counter says 2 run: no new request with the target at 2.
    a.request_total(2, 0, Default::default());
    assert_eq!(a.update_resource_requests(), (0, 0));
    // 3.x asks for the one it lacks.
    let (mut b, _) = at_target(SparkVersion::V3_0);
    b.request_total(2, 0, Default::default());
    assert_eq!(b.update_resource_requests(), (0, 1));
    // Five throwing calls in a row fail the app
    // (spark.yarn.scheduler.reporterThread.maxFailures).
    for n in 2..=REPORTER_MAX_FAILURES {
        assert!(!a.must_fail(3, 0), "{n}");
        let extra = containers(u64::from(10 * n)..u64::from(10 * n + 1));
        // A request for it to match: the target is raised past the count.
        a.request_total(3 + n, 0, Default::default());
        a.update_resource_requests();
        a.request_total(0, 0, Default::default());
        let h = a.handle_allocated(&extra);
        assert_eq!(h.skipped.len(), 1, "{n}");
    }
    assert!(a.must_fail(3, 0));
}

#[test]
fn a_lost_node_counts_as_a_failure_before_241() {
    // SPARK-26269 (2.4.1): −100 and the other not-the-app's-fault statuses
    // stop counting toward maxNumExecutorFailures.
    for (v, counts) in [
        (SparkVersion::V1_6, true),
        (SparkVersion::V2_3, true),
        (SparkVersion::V2_4_0, true),
        (SparkVersion::V2_4, false),
        (SparkVersion::V3_0, false),
    ] {
        let mut a = allocator(v, 1);
        a.update_resource_requests();
        let h = a.handle_allocated(&containers(1..2));
        let id = h.launch[0].0;
        a.container_started(id);
        assert_eq!(
            a.container_completed(id, Exit::NotCausedByApp, 0),
            counts,
            "{v}"
        );
        assert_eq!(a.failed(), u32::from(counts));
        assert!(Exit::Failed.counts_as_failure(v));
        assert!(!Exit::Preempted.counts_as_failure(v));
        assert!(!Exit::MemoryExceeded.counts_as_failure(v));
    }
}

#[test]
fn an_expired_skipped_container_drifts_the_counter_before_24() {
    // Two skipped containers (see `at_target`); one's allocation expires
    // (−100, unreleased). Before 2.4 the running counter drops for it, so
    // with the target back at 2 one more request goes out than the
    // running executor warrants; before 2.4.1 it counts as a failure.
    for (v, asked, failed) in [
        (SparkVersion::V2_3, 2, 1),
        (SparkVersion::V2_4_0, 1, 1),
        (SparkVersion::V3_0, 1, 0),
    ] {
        let (mut a, h) = at_target(v);
        assert_eq!(h.skipped.len(), 2, "{v}");
        a.allocation_expired();
        assert_eq!(a.failed(), failed, "{v}");
        a.request_total(2, 0, Default::default());
        assert_eq!(a.update_resource_requests(), (0, asked), "{v}");
    }
}
