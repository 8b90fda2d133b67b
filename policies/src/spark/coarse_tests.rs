//! Coarse backend tests in the style of Spark's
//! `MesosCoarseGrainedSchedulerBackendSuite`: offers in, launches and
//! declines with their filters out (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3–1.7).

use super::coarse::*;
use super::{SparkConf, SparkSettings};
use crate::mesos::Refuse;
use crate::model::{AgentId, Attributes, Resources};
use crate::time::SimTime;

fn backend(pairs: &[(&str, &str)]) -> CoarseBackend {
    backend_at(super::SparkVersion::V3_0, pairs)
}

/// Offers are borrowed by the backend; tests leak small owned copies.
fn offer(id: u64, agent: u32, resources: &str) -> Offer<'static> {
    offer_with(id, agent, resources, "")
}

fn offer_with(id: u64, agent: u32, resources: &str, attributes: &str) -> Offer<'static> {
    Offer {
        id,
        agent: AgentId(agent),
        hostname: Box::leak(format!("host{agent}").into_boxed_str()),
        resources: Box::leak(Box::new(Resources::parse(resources).unwrap())),
        attributes: Box::leak(Box::new(Attributes::parse(attributes).unwrap().attributes)),
    }
}

/// (offer, [executor cpus]) for launches; (offer, refuse) for declines.
fn summary(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .map(|r| match r {
            Reply::Launch {
                offer, executors, ..
            } => {
                let cpus: Vec<String> = executors.iter().map(|e| e.cpus.to_string()).collect();
                format!("{offer}: launch [{}]", cpus.join(","))
            }
            Reply::Decline { offer, refuse } => match refuse {
                Refuse::Default => format!("{offer}: decline"),
                Refuse::Micros(us) => format!("{offer}: decline {}s", us / 1_000_000),
            },
        })
        .collect()
}

const T0: SimTime = SimTime(0);

#[test]
fn an_executor_takes_every_whole_cpu_of_the_offer_when_executor_cores_is_unset() {
    let mut b = backend(&[]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:7.5;mem:8192")], T0);
    assert_eq!(summary(&replies), ["1: launch [7]"]);
    let Reply::Launch { executors, .. } = &replies[0] else {
        unreachable!()
    };
    let e = &executors[0];
    assert_eq!((e.task_id, e.mem_mb, e.advertised_cores), (0, 1408, 7));
    assert_eq!(e.resources.to_string(), "cpus:7;mem:1408");
    assert_eq!(b.total_cores_acquired(), 7);
}

#[test]
fn does_not_acquire_more_than_cores_max() {
    let mut b = backend(&[("spark.cores.max", "10")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:8192"),
            offer(2, 1, "cpus:8;mem:8192"),
        ],
        T0,
    );
    assert_eq!(summary(&replies), ["1: launch [8]", "2: launch [2]"]);
    // Cores.max reached: every further offer is declined with the 120 s filter.
    let replies = b.resource_offers(&[offer(3, 2, "cpus:8;mem:8192")], T0);
    assert_eq!(summary(&replies), ["3: decline 120s"]);
}

#[test]
fn executor_cores_gives_several_executors_per_offer_round_robin() {
    let mut b = backend(&[("spark.executor.cores", "3")]);
    // One 10-cpu offer: 3 + 3 + 3, then 1 cpu is too little.
    assert_eq!(
        summary(&b.resource_offers(&[offer(1, 0, "cpus:10;mem:65536")], T0)),
        ["1: launch [3,3,3]"]
    );
    // Round-robin: with cores.max 4 and 2-core executors over two offers,
    // one executor lands on each offer before a second on the first.
    let mut b = backend(&[("spark.executor.cores", "2"), ("spark.cores.max", "4")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:65536"),
            offer(2, 1, "cpus:8;mem:65536"),
        ],
        T0,
    );
    assert_eq!(summary(&replies), ["1: launch [2]", "2: launch [2]"]);
}

#[test]
fn cores_max_is_rounded_down_to_a_multiple_of_executor_cores() {
    let mut b = backend(&[("spark.executor.cores", "4"), ("spark.cores.max", "10")]);
    assert_eq!(b.max_cores(), 8);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:16;mem:65536")], T0);
    assert_eq!(summary(&replies), ["1: launch [4,4]"]);
    // 8 acquired = max: a leftover-only offer now gets the long filter.
    assert_eq!(
        summary(&b.resource_offers(&[offer(2, 1, "cpus:16;mem:65536")], T0)),
        ["2: decline 120s"]
    );
}

#[test]
fn offers_failing_the_constraints_are_declined_with_the_unmet_constraints_filter() {
    let mut b = backend(&[
        ("spark.mesos.constraints", "os:centos7"),
        ("spark.mesos.rejectOfferDurationForUnmetConstraints", "300s"),
    ]);
    let replies = b.resource_offers(
        &[
            offer_with(1, 0, "cpus:4;mem:8192", "os:ubuntu"),
            offer_with(2, 1, "cpus:4;mem:8192", "os:centos7"),
            offer_with(3, 2, "cpus:4;mem:8192", ""),
        ],
        T0,
    );
    assert_eq!(
        summary(&replies),
        ["1: decline 300s", "2: launch [4]", "3: decline 300s"]
    );
}

#[test]
fn too_little_memory_or_cpu_is_a_plain_decline() {
    let mut b = backend(&[("spark.executor.memory", "4g")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:4504"),
            offer(2, 1, "cpus:0.9;mem:8192"),
        ],
        T0,
    );
    // 4g needs 4096 + 409 = 4505 MB; 0.9 cpus floor to 0.
    assert_eq!(summary(&replies), ["1: decline", "2: decline"]);
    let replies = b.resource_offers(&[offer(3, 0, "cpus:8;mem:4505")], T0);
    assert_eq!(summary(&replies), ["3: launch [8]"]);
}

#[test]
fn small_offers_get_the_long_filter_once_cores_max_is_reached_in_the_same_round() {
    // Spark 3.0 Mesos backends, reference spark-on-mesos.md §7: the reached-max-cores filter applies to every unused matched offer.
    let mut b = backend(&[("spark.cores.max", "4"), ("spark.executor.memory", "1g")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:4;mem:8192"),
            offer(2, 1, "cpus:4;mem:100"),
        ],
        T0,
    );
    assert_eq!(summary(&replies), ["1: launch [4]", "2: decline 120s"]);
}

#[test]
fn an_agent_is_excluded_after_two_failed_or_lost_executors() {
    let mut b = backend(&[("spark.executor.cores", "1"), ("spark.cores.max", "1")]);
    for (round, state) in [(0u64, MesosTaskState::Failed), (1, MesosTaskState::Lost)] {
        let replies = b.resource_offers(&[offer(round, 0, "cpus:4;mem:8192")], T0);
        assert_eq!(summary(&replies), [format!("{round}: launch [1]")]);
        let effect = b.status_update(round, state);
        assert!(effect.executor_removed && effect.revive);
    }
    assert_eq!(b.agent_failures(AgentId(0)), 2);
    assert_eq!(
        summary(&b.resource_offers(&[offer(9, 0, "cpus:4;mem:8192")], T0)),
        ["9: decline"]
    );
    // Another agent is fine, and KILLED does not count.
    assert_eq!(
        summary(&b.resource_offers(&[offer(10, 1, "cpus:4;mem:8192")], T0)),
        ["10: launch [1]"]
    );
    b.status_update(2, MesosTaskState::Killed);
    assert_eq!(b.agent_failures(AgentId(1)), 0);
}

#[test]
fn status_updates_release_cores_and_map_states_like_spark() {
    let mut b = backend(&[]);
    b.resource_offers(&[offer(1, 0, "cpus:4;mem:8192")], T0);
    assert_eq!(
        b.status_update(0, MesosTaskState::Running),
        StatusEffect::default()
    );
    assert_eq!(b.num_executors(), 1);
    assert!(
        b.status_update(0, MesosTaskState::Finished)
            .executor_removed
    );
    assert_eq!((b.num_executors(), b.total_cores_acquired()), (0, 0));
    assert_eq!(
        b.status_update(0, MesosTaskState::Finished),
        StatusEffect::default(),
        "unknown task"
    );
    assert_eq!(
        MesosTaskState::GoneByOperator.to_spark(),
        SparkTaskState::Failed
    );
    assert_eq!(MesosTaskState::Unreachable.to_spark(), SparkTaskState::Lost);
    assert_eq!(MesosTaskState::Killing.to_spark(), SparkTaskState::Running);
    assert_eq!(MesosTaskState::Error.to_spark(), SparkTaskState::Lost);
}

#[test]
fn dynamic_allocation_starts_at_a_limit_of_zero_and_declines_everything_plainly() {
    let mut b = backend(&[
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
        ("spark.mesos.constraints", "os:centos7"),
    ]);
    assert_eq!(b.executor_limit(), Some(0));
    // Even the constraint-violating offer is declined without a filter (2.3+).
    let replies = b.resource_offers(&[offer_with(1, 0, "cpus:4;mem:8192", "os:ubuntu")], T0);
    assert_eq!(summary(&replies), ["1: decline"]);
    b.request_total_executors(2, Default::default(), T0);
    let replies = b.resource_offers(
        &[
            offer_with(2, 0, "cpus:4;mem:8192", "os:centos7"),
            offer_with(3, 1, "cpus:4;mem:8192", "os:centos7"),
            offer_with(4, 2, "cpus:4;mem:8192", "os:centos7"),
        ],
        T0,
    );
    assert_eq!(
        summary(&replies),
        ["2: launch [4]", "3: launch [4]", "4: decline"]
    );
}

#[test]
fn killing_does_not_release_until_the_killed_update_arrives() {
    let mut b = backend(&[("spark.executor.cores", "2")]);
    b.resource_offers(&[offer(1, 0, "cpus:4;mem:8192")], T0);
    assert_eq!(b.kill_executors(&[0, 1, 7]), vec![0, 1]);
    b.request_total_executors(0, Default::default(), T0);
    assert_eq!(
        b.num_executors(),
        2,
        "killed but not yet reported still count"
    );
    assert_eq!(
        summary(&b.resource_offers(&[offer(2, 1, "cpus:4;mem:8192")], T0)),
        ["2: decline"]
    );
    b.status_update(0, MesosTaskState::Killed);
    b.status_update(1, MesosTaskState::Killed);
    assert_eq!(b.num_executors(), 0);
}

#[test]
fn fixed_ports_must_be_offered_and_allow_one_executor_per_offer() {
    // Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.5: port 30100 outside 31100–31200 is a plain decline.
    let mut b = backend(&[
        ("spark.blockManager.port", "30100"),
        ("spark.executor.cores", "1"),
    ]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:4;mem:8192;ports:[31100-31200]")], T0);
    assert_eq!(summary(&replies), ["1: decline"]);
    // Inside 30000–31000: accepted, the task carries [30100-30100], and the
    // offer's other ports are gone, so only one executor per offer.
    let replies = b.resource_offers(&[offer(2, 0, "cpus:4;mem:65536;ports:[30000-31000]")], T0);
    assert_eq!(summary(&replies), ["2: launch [1]"]);
    let Reply::Launch { executors, .. } = &replies[0] else {
        unreachable!()
    };
    assert_eq!(
        executors[0].resources.to_string(),
        "cpus:1;mem:1408;ports:[30100-30100]"
    );
    // Without fixed ports nothing is taken from the port ranges.
    let mut b = backend(&[("spark.executor.cores", "1"), ("spark.cores.max", "2")]);
    let replies = b.resource_offers(&[offer(3, 0, "cpus:4;mem:65536;ports:[30000-31000]")], T0);
    assert_eq!(summary(&replies), ["3: launch [1,1]"]);
}

#[test]
fn extra_cores_change_what_is_advertised_not_what_mesos_accounts() {
    let mut b = backend(&[
        ("spark.mesos.extra.cores", "2"),
        ("spark.executor.cores", "4"),
    ]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:4;mem:8192")], T0);
    let Reply::Launch { executors, .. } = &replies[0] else {
        unreachable!()
    };
    assert_eq!((executors[0].cpus, executors[0].advertised_cores), (4, 6));
    assert_eq!(executors[0].resources.cpus().to_string(), "4");
}

#[test]
fn resources_are_taken_in_list_order_across_roles() {
    // Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4: partitioning walks the list; no preference for reserved roles.
    let mut b = backend(&[("spark.executor.cores", "3")]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:2;cpus(r):2;mem:4096")], T0);
    let Reply::Launch { executors, .. } = &replies[0] else {
        unreachable!()
    };
    assert_eq!(
        executors[0].resources.to_string(),
        "cpus:2;cpus(r):1;mem:1408"
    );
}

#[test]
fn readiness_uses_registered_cores_against_cores_max_times_the_ratio() {
    let b = backend(&[
        ("spark.cores.max", "10"),
        ("spark.scheduler.minRegisteredResourcesRatio", "0.8"),
    ]);
    assert!(!b.is_ready(7, SimTime(1_000_000)));
    assert!(b.is_ready(8, SimTime(1_000_000)));
    assert!(
        b.is_ready(0, SimTime(30_000_000)),
        "after maxRegisteredResourcesWaitingTime (30 s)"
    );
    // cores.max unset: the threshold is 0, always ready.
    assert!(backend(&[("spark.scheduler.minRegisteredResourcesRatio", "1")]).is_ready(0, T0));
}

#[test]
fn locality_hints_hold_launches_on_other_hosts_until_the_wait_expires() {
    let mut b = backend(&[
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
        ("spark.executor.cores", "1"),
    ]);
    let hints = [("host1".to_string(), 3u32)].into_iter().collect();
    b.request_total_executors(2, hints, T0);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:4;mem:8192"),
            offer(2, 1, "cpus:4;mem:8192"),
        ],
        SimTime(1_000_000),
    );
    // host1 is wanted: it gets one executor (then it has one, so no more);
    // host0 waits for spark.locality.wait (3 s). The clock restarted at 1 s,
    // when this call switched the backend into "launching" (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.6).
    assert_eq!(summary(&replies), ["1: decline", "2: launch [1]"]);
    let replies = b.resource_offers(&[offer(3, 0, "cpus:4;mem:8192")], SimTime(4_000_000));
    assert_eq!(summary(&replies), ["3: decline"], "still within the wait");
    let replies = b.resource_offers(&[offer(4, 0, "cpus:4;mem:8192")], SimTime(4_000_001));
    assert_eq!(summary(&replies), ["4: launch [1]"]);
}

#[test]
fn a_stopped_backend_declines_everything() {
    let mut b = backend(&[]);
    b.stop();
    assert_eq!(
        summary(&b.resource_offers(&[offer(1, 0, "cpus:4;mem:8192")], T0)),
        ["1: decline"]
    );
}

#[test]
fn docker_host_ports_are_taken_from_the_offer() {
    let mut b = backend(&[
        ("spark.executor.cores", "1"),
        ("spark.mesos.executor.docker.portmaps", "8080:80"),
    ]);
    // Not offered: plain decline.
    let replies = b.resource_offers(&[offer(1, 0, "cpus:4;mem:65536;ports:[31000-32000]")], T0);
    assert_eq!(summary(&replies), ["1: decline"]);
    // Offered: one executor per offer, holding the host port.
    let replies = b.resource_offers(&[offer(2, 0, "cpus:4;mem:65536;ports:[8000-9000]")], T0);
    assert_eq!(summary(&replies), ["2: launch [1]"]);
    let Reply::Launch { executors, .. } = &replies[0] else {
        unreachable!()
    };
    assert_eq!(
        executors[0].resources.to_string(),
        "cpus:1;mem:1408;ports:[8080-8080]"
    );
}

/// Every state change a batch makes, as the backend's debug form shows it.
fn state(b: &CoarseBackend) -> String {
    format!("{b:?}")
}

#[test]
fn a_blind_decline_is_what_resource_offers_answers_whatever_the_offers_hold() {
    // Below the cap with executor cores set: an offer could take an
    // executor, so the backend must look.
    let mut b = backend(&[("spark.cores.max", "16"), ("spark.executor.cores", "8")]);
    assert_eq!(b.blind_decline(), None);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:16;mem:65536")], T0);
    assert_eq!(summary(&replies), ["1: launch [8,8]"]);
    // At the cap: any batch is declined with the reached-max filter, and
    // the full path agrees, offer for offer, state for state.
    assert_eq!(b.blind_decline(), Some(Refuse::secs(120)));
    let (mut full, mut blind) = (b.clone(), b.clone());
    let batch = [
        offer(2, 1, "cpus:32;mem:262144"),
        offer(3, 2, "mem:1024"),
        offer(4, 3, "cpus:0.5;mem:64"),
    ];
    let t = SimTime(5_000_000);
    assert_eq!(
        summary(&full.resource_offers(&batch, t)),
        ["2: decline 120s", "3: decline 120s", "4: decline 120s"]
    );
    blind.blind_declined(t);
    assert_eq!(state(&blind), state(&full));
}

#[test]
fn a_cap_rounded_down_to_whole_executors_is_reached_blindly() {
    // 4 cores left under a cap of 16 with executors of 4: one fits, look.
    let mut b = backend(&[("spark.cores.max", "16"), ("spark.executor.cores", "4")]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:12;mem:65536")], T0);
    assert_eq!(summary(&replies), ["1: launch [4,4,4]"]);
    assert_eq!(b.blind_decline(), None, "4 cores left: an executor fits");
    // A cap of 12 with executors of 8 is a cap of 8 (rounded down to whole
    // executors), so 8 acquired cores are the cap: the 120 s filter.
    let mut b = backend(&[("spark.cores.max", "12"), ("spark.executor.cores", "8")]);
    let replies = b.resource_offers(&[offer(1, 0, "cpus:8;mem:65536")], T0);
    assert_eq!(summary(&replies), ["1: launch [8]"]);
    assert_eq!(b.blind_decline(), Some(Refuse::secs(120)));
    let mut full = b.clone();
    assert_eq!(
        summary(&full.resource_offers(&[offer(2, 1, "cpus:32;mem:65536")], T0)),
        ["2: decline 120s"]
    );
    b.blind_declined(T0);
    assert_eq!(state(&b), state(&full));
}

#[test]
fn a_backend_with_constraints_or_at_its_limit_or_stopped() {
    // Constraints sort offers by agent: the backend must look at them.
    let mut b = backend(&[
        ("spark.cores.max", "8"),
        ("spark.executor.cores", "8"),
        ("spark.mesos.constraints", "zone:a"),
    ]);
    let replies = b.resource_offers(&[offer_with(1, 0, "cpus:8;mem:65536", "zone:a")], T0);
    assert_eq!(summary(&replies), ["1: launch [8]"]);
    assert_eq!(b.blind_decline(), None);
    // Dynamic allocation starts at an executor limit of 0: every offer is
    // declined before anything is looked at, and the launching flag drops.
    let mut b = backend(&[
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
    ]);
    assert_eq!(b.blind_decline(), Some(Refuse::Default));
    let mut full = b.clone();
    full.resource_offers(&[offer(1, 0, "cpus:8;mem:65536")], T0);
    b.blind_declined(T0);
    assert_eq!(state(&b), state(&full));
    // Stopped: the same.
    b.stop();
    assert_eq!(b.blind_decline(), Some(Refuse::Default));
}

/// A backend of the given Spark line.
fn backend_at(version: super::SparkVersion, pairs: &[(&str, &str)]) -> CoarseBackend {
    let mut conf = SparkConf::new();
    for (k, v) in pairs {
        conf.set(*k, *v);
    }
    let mut s = SparkSettings::from_conf(&conf).unwrap();
    s.version = version;
    CoarseBackend::new(&s, SimTime(0))
}

/// A backend of the Spark 1.6 line (`CoarseMesosSchedulerBackend`,
/// reference spark-on-mesos.md §1.2).
fn backend_16(pairs: &[(&str, &str)]) -> CoarseBackend {
    backend_at(super::SparkVersion::V1_6, pairs)
}

/// The launch filters of a batch's replies, in order.
fn launch_filters(replies: &[Reply]) -> Vec<Refuse> {
    replies
        .iter()
        .filter_map(|r| match r {
            Reply::Launch { refuse, .. } => Some(*refuse),
            _ => None,
        })
        .collect()
}

#[test]
fn spark_16_launches_one_executor_per_agent_with_all_its_cpus_ignoring_executor_cores() {
    // spark.executor.cores = 2 has no effect in 1.6: the first offer of
    // each agent gets one executor with every whole CPU, up to what is left
    // of spark.cores.max; a second offer from an agent with an executor is
    // declined plainly.
    let mut b = backend_16(&[("spark.cores.max", "12"), ("spark.executor.cores", "2")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:32768"),
            offer(2, 0, "cpus:8;mem:32768"),
            offer(3, 1, "cpus:8.5;mem:32768"),
        ],
        T0,
    );
    assert_eq!(
        summary(&replies),
        ["1: launch [8]", "2: decline", "3: launch [4]"]
    );
    // Launched with an explicit 5 s filter (2.x and 3.x: none).
    assert_eq!(launch_filters(&replies), [Refuse::secs(5), Refuse::secs(5)]);
    assert_eq!(b.total_cores_acquired(), 12);
    // At spark.cores.max a 1.6 backend declines plainly, no 120 s filter.
    let replies = b.resource_offers(&[offer(4, 2, "cpus:8;mem:32768")], T0);
    assert_eq!(summary(&replies), ["4: decline"]);
    assert_eq!(b.blind_decline(), Some(Refuse::Default));
    // The same offers to a 3.0 backend: 2-core executors, round-robin,
    // and the reached-max-cores filter.
    let mut b = backend(&[("spark.cores.max", "12"), ("spark.executor.cores", "2")]);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:32768"),
            offer(2, 0, "cpus:8;mem:32768"),
            offer(3, 1, "cpus:8.5;mem:32768"),
        ],
        T0,
    );
    assert_eq!(
        summary(&replies),
        ["1: launch [2,2]", "2: launch [2,2]", "3: launch [2,2]"]
    );
    assert_eq!(launch_filters(&replies), [Refuse::Default; 3]);
    let replies = b.resource_offers(&[offer(4, 2, "cpus:8;mem:32768")], T0);
    assert_eq!(summary(&replies), ["4: decline 120s"]);
}

#[test]
fn spark_16_does_not_round_cores_max_and_starts_unlimited() {
    // 2.2+ rounds spark.cores.max down to a multiple of the executor cores
    // (10 → 8 with 4-core executors); 1.6 takes 10 as it is.
    assert_eq!(
        backend(&[("spark.cores.max", "10"), ("spark.executor.cores", "4")]).max_cores(),
        8
    );
    let mut b = backend_16(&[("spark.cores.max", "10"), ("spark.executor.cores", "4")]);
    assert_eq!(b.max_cores(), 10);
    let replies = b.resource_offers(
        &[
            offer(1, 0, "cpus:8;mem:32768"),
            offer(2, 1, "cpus:8;mem:32768"),
        ],
        T0,
    );
    assert_eq!(summary(&replies), ["1: launch [8]", "2: launch [2]"]);
    // With dynamic allocation 2.0+ starts at a limit of 0; 1.6 has no
    // limit until the first request.
    let da = [
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
    ];
    assert_eq!(backend(&da).executor_limit(), Some(0));
    assert_eq!(backend_16(&da).executor_limit(), None);
}

#[test]
fn spark_16_is_ready_on_cores_acquired_not_registered() {
    // minRegisteredResourcesRatio 0.5 of spark.cores.max = 8: 1.6 counts
    // cores acquired (launched, registered or not), 2.2+ registered ones.
    let conf = [
        ("spark.cores.max", "8"),
        ("spark.scheduler.minRegisteredResourcesRatio", "0.5"),
    ];
    let mut b16 = backend_16(&conf);
    let mut b30 = backend(&conf);
    b16.resource_offers(&[offer(1, 0, "cpus:4;mem:32768")], T0);
    b30.resource_offers(&[offer(1, 0, "cpus:4;mem:32768")], T0);
    assert!(b16.is_ready(0, T0));
    assert!(!b30.is_ready(0, T0));
    assert!(b30.is_ready(4, T0));
}

#[test]
fn before_2_3_a_backend_at_its_limit_still_sorts_offers_by_constraints() {
    use super::SparkVersion;
    // At the executor limit (dynamic allocation's 0), 2.3+ declines every
    // offer plainly before looking at it (reference spark-on-mesos.md §1.3
    // step 2); 2.0–2.2 still decline those failing the constraints with
    // their 120 s filter.
    let conf = [
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
        ("spark.mesos.constraints", "zone:a"),
    ];
    let offers = [
        offer_with(1, 0, "cpus:8;mem:32768", "zone:b"),
        offer_with(2, 1, "cpus:8;mem:32768", "zone:a"),
    ];
    let mut b22 = backend_at(SparkVersion::V2_2, &conf);
    assert_eq!(
        summary(&b22.resource_offers(&offers, T0)),
        ["1: decline 120s", "2: decline"]
    );
    assert_eq!(b22.blind_decline(), None);
    let mut b23 = backend_at(SparkVersion::V2_3, &conf);
    assert_eq!(
        summary(&b23.resource_offers(&offers, T0)),
        ["1: decline", "2: decline"]
    );
    assert_eq!(b23.blind_decline(), Some(Refuse::Default));
    // Without constraints a 2.2 backend at its limit declines every offer
    // as step 5 does, which blind_decline knows without the offers.
    let mut b = backend_at(
        SparkVersion::V2_2,
        &[
            ("spark.dynamicAllocation.enabled", "true"),
            ("spark.shuffle.service.enabled", "true"),
        ],
    );
    assert_eq!(b.blind_decline(), Some(Refuse::Default));
    assert_eq!(
        summary(&b.resource_offers(&[offer(1, 0, "cpus:8;mem:32768")], T0)),
        ["1: decline"]
    );
    // 2.0–2.1 do not round spark.cores.max; 2.2 does.
    let c = [("spark.cores.max", "10"), ("spark.executor.cores", "4")];
    assert_eq!(backend_at(SparkVersion::V2_0, &c).max_cores(), 10);
    assert_eq!(backend_at(SparkVersion::V2_2, &c).max_cores(), 8);
}

#[test]
fn locality_aware_launching_arrived_in_2_3() {
    use super::SparkVersion;
    use std::collections::BTreeMap;
    // With dynamic allocation and a hint for host1, 2.3+ holds an offer
    // from host0 until the locality wait runs out; 2.2 launches at once.
    let conf = [
        ("spark.dynamicAllocation.enabled", "true"),
        ("spark.shuffle.service.enabled", "true"),
        ("spark.executor.cores", "4"),
    ];
    let hints = BTreeMap::from([("host1".to_string(), 4)]);
    for (version, want) in [
        (SparkVersion::V2_2, "1: launch [4]"),
        (SparkVersion::V2_3, "1: decline"),
    ] {
        let mut b = backend_at(version, &conf);
        b.request_total_executors(2, hints.clone(), T0);
        let replies = b.resource_offers(&[offer(1, 0, "cpus:4;mem:32768")], T0);
        assert_eq!(summary(&replies), [want], "{version}");
    }
}
