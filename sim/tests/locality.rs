//! Data locality and delay scheduling, hand-computed (docs/locality.md).
//!
//! The standard cluster: `store-0` holds every block (the only datanode),
//! `compute-0` holds none; each has 1 CPU, so each gets one 1-slot
//! executor at 0, registered at 1.020 s. One job at 10 s (relative to the
//! app's start) of 2 tasks × 10 s reads input: both tasks prefer
//! `store-0`. At 10 s `store-0` takes task 0 (node-local); task 1 waits
//! for the locality wait on `compute-0` (checked at revive ticks every 1 s
//! from the driver's start), or for `store-0` to free up at 20 s.

mod common;

use common::{run, run_seed};
use sim::metrics::{JobRow, Metrics};

/// `data`: lines for `[data]`; `conf`: lines for `[apps.conf]`; `app`:
/// extra keys of the app; `cpus`: per agent.
fn cluster(data: &str, conf: &str, app: &str, cpus: u32) -> String {
    format!(
        r#"
[run]
horizon = "5m"
drain = "5m"

[data]
{data}

[[agents]]
count = 1
name = "store"
resources = "cpus:{cpus};mem:8192"

[[agents]]
count = 1
name = "compute"
resources = "cpus:{cpus};mem:8192"
datanode = false

[[apps]]
name = "app"
master = "mesos://m:5050"
executor_startup = {{ kind = "constant", value = "1s" }}
{app}
[apps.conf]
{conf}
[apps.jobs]
input = true
arrival = {{ kind = "at", times = ["10s"] }}
tasks = {{ kind = "constant", value = 2 }}
task_duration = {{ kind = "constant", value = "10s" }}
"#
    )
}

fn the_job(m: &Metrics) -> &JobRow {
    assert_eq!(m.jobs.len(), 1);
    &m.jobs[0]
}

/// (latency in ms, local tasks, input tasks) of the one job.
fn outcome(m: &Metrics) -> (u64, u32, u32) {
    let j = the_job(m);
    (
        (j.end.unwrap().0 - j.submit.0) / 1000,
        j.local_tasks,
        j.input_tasks,
    )
}

fn with_wait(wait: &str, remote_read: &str) -> (u64, u32, u32) {
    outcome(&run(&cluster(
        &format!("remote_read = \"{remote_read}\""),
        &format!("\"spark.locality.wait\" = \"{wait}\""),
        "",
        1,
    )))
}

#[test]
fn the_locality_wait_trades_delay_for_locality() {
    // A cheap remote read (1 s): waiting costs more than it saves.
    // wait 0: task 1 runs remotely at once, 10 → 21 s.
    assert_eq!(with_wait("0s", "1s"), (11_000, 1, 2));
    // wait 3 s: the revive tick at 13 s lets it go remote, 13 → 24 s.
    assert_eq!(with_wait("3s", "1s"), (14_000, 1, 2));
    // wait 30 s: it waits for store-0 to free at 20 s, 20 → 30 s, local.
    assert_eq!(with_wait("30s", "1s"), (20_000, 2, 2));
    // An expensive remote read (20 s): waiting pays off.
    assert_eq!(with_wait("0s", "20s"), (30_000, 1, 2));
    assert_eq!(with_wait("3s", "20s"), (33_000, 1, 2));
    assert_eq!(with_wait("30s", "20s"), (20_000, 2, 2));
}

#[test]
fn the_node_level_key_overrides_the_base_wait() {
    let m = run(&cluster(
        "",
        "\"spark.locality.wait\" = \"30s\"\n\"spark.locality.wait.node\" = \"0s\"",
        "",
        1,
    ));
    assert_eq!(outcome(&m), (11_000, 1, 2));
}

#[test]
fn held_tasks_fall_back_on_revive_ticks_from_the_drivers_start() {
    // The app starts at 0.5 s, so its job arrives at 10.5 s and the revive
    // timer ticks at 0.5 + 2k s: the first tick at least 3 s after 10.5 s
    // is 14.5 s; task 1 runs 14.5 → 25.5 s (1 s remote read).
    let m = run(&cluster(
        "",
        "\"spark.scheduler.revive.interval\" = \"2s\"",
        "start = \"500ms\"",
        1,
    ));
    let j = the_job(&m);
    assert_eq!(j.submit.0, 10_500_000);
    assert_eq!(j.end.unwrap().0, 25_500_000);
}

#[test]
fn jobs_without_input_have_no_preferences() {
    let src = cluster("", "\"spark.locality.wait\" = \"30s\"", "", 1).replace("input = true", "");
    // Both tasks start at 10 s, no remote read.
    assert_eq!(outcome(&run(&src)), (10_000, 0, 0));
}

#[test]
fn a_rack_resolver_adds_the_rack_level() {
    // store-0 and near-0 in rack a, far-0 in rack b; 3 tasks prefer
    // store-0. Waits 3 s per level.
    let src = |knows: bool| {
        format!(
            r#"
[run]
horizon = "5m"
drain = "5m"
[data]
spark_knows_racks = {knows}
[[agents]]
count = 1
name = "store"
resources = "cpus:1;mem:8192"
attributes = "rack:a"
[[agents]]
count = 1
name = "near"
resources = "cpus:1;mem:8192"
attributes = "rack:a"
datanode = false
[[agents]]
count = 1
name = "far"
resources = "cpus:1;mem:8192"
attributes = "rack:b"
datanode = false
[[apps]]
name = "app"
master = "mesos://m:5050"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.jobs]
input = true
arrival = {{ kind = "at", times = ["10s"] }}
tasks = {{ kind = "constant", value = 3 }}
task_duration = {{ kind = "constant", value = "10s" }}
"#
        )
    };
    // Spark on Mesos (no racks): at 13 s near-0 and far-0 both take a task
    // (ANY); far-0 reads across racks (2 s): 13 → 25 s.
    let m = run(&src(false));
    assert_eq!(outcome(&m), (15_000, 1, 3));
    // With racks: at 13 s only near-0 (RACK_LOCAL, 13 → 24 s), which
    // restarts the clock; far-0 at 16 s (ANY, 16 → 28 s).
    let m = run(&src(true));
    assert_eq!(outcome(&m), (18_000, 1, 3));
}

#[test]
fn fine_grained_offers_held_for_locality_are_declined() {
    // Fine mode, 2 CPUs per agent: each agent's executor takes 1, leaving
    // 1 task slot. The job's REVIVE brings both agents' offers at 10 s:
    // store-0 launches its executor and task 0, which runs once the
    // executor's JVM is up (1 s): 11.020 → 21.020 s; compute-0's offer is
    // held back by the wait and declined with the default 5 s filter.
    let fine = |wait: &str| {
        run(&cluster(
            "",
            &format!("\"spark.mesos.coarse\" = \"false\"\n\"spark.locality.wait\" = \"{wait}\""),
            "",
            2,
        ))
    };
    let m = fine("0s");
    // No wait: compute-0 runs task 1 at once (after its own executor's
    // 1 s start), with the remote read: 11.020 → 22.020 s.
    assert_eq!(outcome(&m), (12_020, 1, 2));
    let m = fine("3s");
    // compute-0 is offered again once its 5 s filter ends, at the 15 s
    // run: past the 3 s wait, task 1 runs remotely once compute-0's new
    // executor is up, 16.020 → 27.020 s.
    assert_eq!(outcome(&m), (17_020, 1, 2));
    let m = fine("60s");
    // store-0's task slot comes back at 21.020 s and is offered at the 22 s
    // run: task 1 runs there, 22.020 → 32.020 s, local.
    assert_eq!(outcome(&m), (22_020, 2, 2));
}

fn da_first_executor_agent(input: bool, seed: u64) -> u32 {
    let mut src = cluster(
        "",
        "\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.shuffle.service.enabled\" = \"true\"",
        "",
        4,
    );
    if !input {
        src = src.replace("input = true", "");
    }
    let m = run_seed(&src, Some(seed));
    let first = m
        .executors
        .iter()
        .min_by_key(|e| (e.launch, e.executor))
        .expect("an executor");
    first.agent.0
}

#[test]
fn dynamic_allocation_hints_steer_executors_to_the_data() {
    // The manager's request carries the hosts the pending tasks prefer;
    // within the 3 s wait the backend declines offers from other hosts
    // (reference/spark-on-mesos.md §1.6). Every seed: the first executor
    // lands on store-0.
    for seed in 1..=12 {
        assert_eq!(da_first_executor_agent(true, seed), 0, "seed {seed}");
    }
    // Without input there are no hints: the allocator's shuffle decides.
    let agents: Vec<u32> = (1..=12)
        .map(|s| da_first_executor_agent(false, s))
        .collect();
    assert!(agents.contains(&0) && agents.contains(&1), "{agents:?}");
}

#[test]
fn placements_are_reproducible_and_change_with_the_seed() {
    let src = r#"
[run]
horizon = "10m"
[[agents]]
count = 12
resources = "cpus:2;mem:8192"
racks = 3
[[apps]]
name = "app"
master = "mesos://m:5050"
[apps.jobs]
input = true
arrival = { kind = "poisson", mean = "20s" }
tasks = { kind = "constant", value = 16 }
task_duration = { kind = "lognormal", median = "2s", sigma = 0.5 }
"#;
    let locals = |seed| -> Vec<u32> {
        run_seed(src, Some(seed))
            .jobs
            .iter()
            .map(|j| j.local_tasks)
            .collect()
    };
    assert_eq!(locals(3), locals(3));
    assert_ne!(locals(3), locals(4));
    // 12 agents × 2 slots, 3 replicas of each block: most first-stage
    // tasks find a free slot next to a replica within the wait.
    let m = run_seed(src, Some(3));
    let (local, input): (u32, u32) = m
        .jobs
        .iter()
        .fold((0, 0), |(l, i), j| (l + j.local_tasks, i + j.input_tasks));
    assert!(input > 0 && local * 10 >= input * 8, "{local}/{input}");
}
