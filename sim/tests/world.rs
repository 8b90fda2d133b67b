//! Hand-computed tiny scenarios with exact expectations.
//!
//! Shared facts: the framework starts at 0 and triggers a run at 0; the
//! master launches a Mesos task 20 ms after accepting (`task_launch_latency`);
//! with `executor_startup = constant 1s` an executor launched at 0 registers
//! at 1.020 s.

mod common;

use common::{one_app, run, run_seed};
use sim::metrics::Metrics;

fn secs(us: u64) -> f64 {
    us as f64 / 1e6
}

#[test]
fn tasks_run_in_waves_of_the_executor_slots() {
    // One 4-core executor (4 slots); 10 tasks of 2 s submitted at 10 s run
    // in waves of 4, 4, 2: the job ends at 16 s.
    let m = run(&one_app(
        "cpus:4;mem:8192",
        "\"spark.executor.cores\" = \"4\"",
        "arrival = { kind = \"at\", times = [\"10s\"] }\ntasks = { kind = \"constant\", value = 10 }\ntask_duration = { kind = \"constant\", value = \"2s\" }",
    ));
    assert_eq!(m.jobs.len(), 1);
    let j = &m.jobs[0];
    assert_eq!(j.submit.0, 10_000_000);
    assert_eq!(j.start.unwrap().0, 10_000_000);
    assert_eq!(j.end.unwrap().0, 16_000_000);
    let e = &m.executors[0];
    assert_eq!(
        (e.cpus.to_string(), e.advertised_cores, e.mem_mb),
        ("4".to_string(), Some(4), 1408)
    );
    assert_eq!(e.launch.0, 0);
    assert_eq!(e.ready.unwrap().0, 1_020_000);
    assert_eq!(e.end_reason, Some("app_end"));
}

#[test]
fn a_job_waits_for_the_first_executor_to_register() {
    // The job arrives at 0; the executor registers at 1.020 s.
    let m = run(&one_app(
        "cpus:2;mem:4096",
        "",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 2 }\ntask_duration = { kind = \"constant\", value = \"3s\" }",
    ));
    let j = &m.jobs[0];
    assert_eq!(j.start.unwrap().0, 1_020_000);
    assert_eq!(j.end.unwrap().0, 4_020_000);
}

#[test]
fn stages_are_separated_by_a_barrier() {
    // 2 stages × 3 tasks of 1 s on 4 slots: stage 1 runs [10, 11], stage 2
    // [11, 12].
    let m = run(&one_app(
        "cpus:4;mem:8192",
        "\"spark.executor.cores\" = \"4\"",
        "arrival = { kind = \"at\", times = [\"10s\"] }\nstages = 2\ntasks = { kind = \"constant\", value = 3 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
    ));
    assert_eq!(m.jobs[0].end.unwrap().0, 12_000_000);
    assert_eq!(m.jobs[0].tasks, 6);
}

/// Latency of one job of 4 tasks × 4 s on a 2-core executor.
fn sharing_latency(extra_cores: u32, cpu_fraction: f64) -> f64 {
    let m = run(&one_app(
        "cpus:2;mem:8192",
        &format!(
            "\"spark.executor.cores\" = \"2\"\n\"spark.mesos.extra.cores\" = \"{extra_cores}\""
        ),
        &format!(
            "arrival = {{ kind = \"at\", times = [\"10s\"] }}\ntasks = {{ kind = \"constant\", value = 4 }}\ntask_duration = {{ kind = \"constant\", value = \"4s\" }}\ncpu_fraction = {cpu_fraction}"
        ),
    ));
    let j = &m.jobs[0];
    secs(j.end.unwrap().0 - j.submit.0)
}

#[test]
fn extra_cores_help_io_bound_tasks_and_not_cpu_bound_ones() {
    // Without extra cores: 2 slots, two waves of 4 s.
    assert_eq!(sharing_latency(0, 1.0), 8.0);
    assert_eq!(sharing_latency(0, 0.5), 8.0);
    // extra.cores = 2: 4 slots on 2 CPUs. CPU-bound: 4 tasks × 1 CPU share 2
    // CPUs at rate 1/2, all end at 8 s. I/O-bound (half the time on CPU):
    // 4 × 0.5 = 2 CPUs, full speed, all end at 4 s.
    assert_eq!(sharing_latency(2, 1.0), 8.0);
    assert_eq!(sharing_latency(2, 0.5), 4.0);
}

#[test]
fn three_tasks_share_one_cpu_at_a_third_each() {
    // 3 slots (1 core + 2 extra) on 1 CPU, three CPU-bound tasks of 3 s:
    // each runs at 1/3 and all end at 9 s.
    let m = run(&one_app(
        "cpus:1;mem:8192",
        "\"spark.executor.cores\" = \"1\"\n\"spark.mesos.extra.cores\" = \"2\"",
        "arrival = { kind = \"at\", times = [\"10s\"] }\ntasks = { kind = \"constant\", value = 3 }\ntask_duration = { kind = \"constant\", value = \"3s\" }",
    ));
    assert_eq!(m.jobs[0].end.unwrap().0, 19_000_000);
}

#[test]
fn processor_sharing_conserves_work_when_rates_change() {
    // Tasks of different lengths on 1 CPU with 3 slots: rates change from
    // 1/3 to 1/2 to 1 as tasks end, but the CPU never idles while work is
    // left, so the job ends after exactly the sum of the task durations.
    let m = run(&one_app(
        "cpus:1;mem:8192",
        "\"spark.executor.cores\" = \"1\"\n\"spark.mesos.extra.cores\" = \"2\"",
        "arrival = { kind = \"at\", times = [\"10s\"] }\ntasks = { kind = \"empirical\", values = [3] }\ntask_duration = { kind = \"empirical\", values = [\"1s\", \"2s\", \"3s\"] }",
    ));
    // The three durations are drawn at random from the list; whatever they
    // are, a single executor of 1 CPU finishes the job when all CPU work is
    // done: at 10 s + the sum of the three draws.
    let j = &m.jobs[0];
    let busy = m.busy_integral; // thousandths of a CPU × µs
    assert_eq!(j.end.unwrap().0 - 10_000_000, (busy / 1000) as u64);
}

#[test]
fn constraints_confine_executors() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/tests/constrained.toml"
    ))
    .unwrap();
    let m = run(&src);
    assert!(!m.executors.is_empty());
    assert!(
        m.executors.iter().all(|e| e.host.starts_with("ssd-")),
        "{:?}",
        m.executors
    );
    // hdd agents were declined with the 60 s unmet-constraints filter.
    let hdd: Vec<_> = m
        .offers
        .iter()
        .filter(|o| o.outcome == "declined" && o.refuse_s.is_some_and(|r| r.0 == 60_000_000))
        .collect();
    assert!(!hdd.is_empty());
}

#[test]
fn decline_filters_delay_re_offers_by_refuse_seconds() {
    // The app's constraint matches nothing: every offer is declined with
    // rejectOfferDuration (30 s). The filter expires exactly 30 s later and
    // the next periodic run re-offers the agent then.
    let m = run(&one_app(
        "cpus:4;mem:8192",
        "\"spark.mesos.constraints\" = \"zone:nowhere\"\n\"spark.mesos.rejectOfferDuration\" = \"30s\"",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
    ));
    let times: Vec<u64> = m
        .offers
        .iter()
        .take(4)
        .map(|o| o.offer_s.0 / 1_000_000)
        .collect();
    assert_eq!(times, [0, 30, 60, 90]);
    assert!(m.offers.iter().all(|o| o.outcome == "declined"));
    assert!(m.executors.is_empty());
    assert_eq!(m.jobs[0].end, None, "the job never runs");
}

#[test]
fn the_default_five_second_filter_applies_to_accept_leftovers() {
    // cores.max 2 on a 4-cpu agent: the executor takes 2 cpus, the leftover
    // is declined implicitly with the Mesos default 5 s; at 5 s it comes back
    // and, cores.max reached, is declined with the 120 s filter. The job
    // ends at 21.020 s and the app stops before that filter expires.
    let m = run(&one_app(
        "cpus:4;mem:8192",
        "\"spark.cores.max\" = \"2\"",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"20s\" }",
    ));
    let o: Vec<(u64, &str, Option<u64>)> = m
        .offers
        .iter()
        .map(|o| {
            (
                o.offer_s.0 / 1_000_000,
                o.outcome,
                o.refuse_s.map(|r| r.0 / 1_000_000),
            )
        })
        .collect();
    assert_eq!(o, [(0, "accepted", Some(5)), (5, "declined", Some(120))]);
}

#[test]
fn drf_weights_split_the_cluster_one_to_three() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/tests/weighted-roles.toml"
    ))
    .unwrap();
    let m = run(&src);
    // At the 10 s sample both apps hold whole agents: 2 of 8 for the light
    // role (weight 1) and 6 for the heavy one (weight 3).
    let at10: Vec<(usize, i64)> = m
        .shares
        .iter()
        .filter(|s| s.time.0 == 10_000_000)
        .map(|s| (s.framework.index(), s.cpus / 1000))
        .collect();
    assert_eq!(at10, [(0, 16), (1, 48)]);
}

#[test]
fn same_seed_same_run_other_seed_other_jobs() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/interactive.toml"
    ))
    .unwrap()
    .replace("horizon = \"30m\"", "horizon = \"3m\"")
    .replace("drain = \"10m\"", "drain = \"1m\"");
    let a = run_seed(&src, Some(5));
    let b = run_seed(&src, Some(5));
    let c = run_seed(&src, Some(6));
    assert_eq!(a.jobs, b.jobs);
    assert_eq!(a.executors, b.executors);
    assert_eq!(a.utilization, b.utilization);
    assert_ne!(a.jobs, c.jobs);
}

#[test]
fn adding_an_app_changes_no_other_apps_workload() {
    let base = one_app(
        "cpus:8;mem:16384",
        "",
        "arrival = { kind = \"poisson\", mean = \"10s\" }\ntasks = { kind = \"uniform\", min = 1, max = 9 }\ntask_duration = { kind = \"lognormal\", median = \"1s\", sigma = 0.5 }",
    );
    let extra = r#"
[[apps]]
name = "intruder"
master = "mesos://m:5050"
[apps.jobs]
arrival = { kind = "poisson", mean = "3s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "constant", value = "2s" }
"#;
    // The intruder comes first in the file, so it also takes id 0.
    let with = base.replacen("[[apps]]", &format!("{extra}\n[[apps]]"), 1);
    let submits = |m: &Metrics| {
        let mut v: Vec<(u64, u64, u32)> = m
            .jobs
            .iter()
            .filter(|j| j.app == "app")
            .map(|j| (j.job, j.submit.0, j.tasks))
            .collect();
        v.sort();
        v
    };
    let alone = submits(&run(&base));
    let shared = submits(&run(&with));
    assert!(alone.len() > 20);
    assert_eq!(alone, shared);
}

#[test]
fn jobs_wait_for_the_registered_resources_ratio() {
    // cores.max 8 with ratio 1: the driver waits until 8 cores have
    // registered. Two 4-core executors on two agents register at 1.020 s
    // (constant start-up), so the job submitted at 0 starts then.
    let two_agents = |conf: &str| {
        run(&one_app(
            "cpus:4;mem:8192",
            conf,
            "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
        )
        .replace("count = 1", "count = 2"))
    };
    let m = two_agents(
        "\"spark.cores.max\" = \"8\"\n\"spark.scheduler.minRegisteredResourcesRatio\" = \"1\"",
    );
    assert_eq!(m.jobs[0].start.unwrap().0, 1_020_000);
    // cores.max 12 can never be met on 8 CPUs: the driver starts anyway
    // after maxRegisteredResourcesWaitingTime (here 5 s).
    let m = two_agents(
        "\"spark.cores.max\" = \"12\"\n\"spark.scheduler.minRegisteredResourcesRatio\" = \"1\"\n\"spark.scheduler.maxRegisteredResourcesWaitingTime\" = \"5s\"",
    );
    assert_eq!(m.jobs[0].start.unwrap().0, 5_000_000);
}

fn one_framework(agents: u32, kind: &str, task: &str, jobs: &str) -> String {
    format!(
        r#"
[run]
horizon = "5m"
drain = "5m"

[[agents]]
count = {agents}
resources = "cpus:4;mem:16384"

[[frameworks]]
name = "fw"
kind = "{kind}"
task = "{task}"
refuse = "5s"
[frameworks.jobs]
{jobs}
"#
    )
}

#[test]
fn elastic_frameworks_fill_free_slots_and_wait_for_the_next_run() {
    // 10 tasks of 1 s, 1 cpu each, one 4-cpu agent. Run at 0: 4 tasks,
    // RUNNING at 0.020, done at 1.020. Freed resources wait for the next
    // periodic run (2 s, §1.10): 4 tasks → 3.020; then at 4 s: 2 tasks → 5.020.
    let m = run(&one_framework(
        1,
        "elastic",
        "cpus:1;mem:1024",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 10 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
    ));
    let j = &m.jobs[0];
    assert_eq!((j.start.unwrap().0, j.end.unwrap().0), (20_000, 5_020_000));
}

#[test]
fn rigid_frameworks_start_a_stage_only_when_all_its_tasks_fit() {
    let jobs = "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 5 }\ntask_duration = { kind = \"constant\", value = \"10s\" }";
    // 5 tasks × 2 cpus need 10 cpus: one 4-cpu agent never suffices.
    let m = run(&one_framework(1, "rigid", "cpus:2;mem:1024", jobs));
    assert_eq!(m.jobs[0].start, None);
    assert!(m.offers.iter().all(|o| o.outcome == "declined"));
    // Three agents (12 cpus) offered in one run: all 5 start together at
    // 0.020 and end at 10.020.
    let m = run(&one_framework(3, "rigid", "cpus:2;mem:1024", jobs));
    let j = &m.jobs[0];
    assert_eq!((j.start.unwrap().0, j.end.unwrap().0), (20_000, 10_020_000));
}

#[test]
fn service_tasks_hold_their_resources_for_their_duration() {
    // Two 1-cpu tasks of 1 h from time 0: allocated 2 cpus at every sample.
    let m = run(&one_framework(
        1,
        "service",
        "cpus:1;mem:2048",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 2 }\ntask_duration = { kind = \"constant\", value = \"1h\" }",
    ));
    let allocated: Vec<i64> = m
        .utilization
        .iter()
        .skip(1)
        .take(5)
        .map(|u| u.cpus_allocated)
        .collect();
    assert_eq!(allocated, [2000; 5]);
    assert_eq!(
        m.jobs[0].end, None,
        "still running at horizon + drain (10 min)"
    );
}

#[test]
fn dynamic_allocation_ramps_and_removes_idle_executors() {
    let src = r#"
[run]
horizon = "2m"
drain = "0s"

[[agents]]
count = 4
resources = "cpus:4;mem:16384"

[[apps]]
name = "da"
master = "mesos://m:5050"
stop = "horizon"
executor_startup = { kind = "constant", value = "1s" }
[apps.conf]
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.executor.cores" = "2"
[apps.jobs]
arrival = { kind = "at", times = ["0s"] }
tasks = { kind = "constant", value = 12 }
task_duration = { kind = "constant", value = "20s" }
"#;
    let m = run(src);
    let rows: Vec<(u64, u32, u32)> = m
        .allocations
        .iter()
        .map(|a| (a.time.0 / 100_000, a.target, a.executors))
        .collect();
    // (time in tenths of a second, target, executors alive)
    assert_eq!(
        rows,
        [
            (0, 0, 0),
            (10, 1, 0),
            (20, 3, 0),
            (30, 6, 0),
            (261, 0, 6),
            (861, 0, 0)
        ]
    );
    let j = &m.jobs[0];
    assert_eq!(
        (j.start.unwrap().0, j.end.unwrap().0),
        (6_020_000, 26_020_000)
    );
    assert_eq!(m.executors.len(), 6);
    for e in &m.executors {
        assert_eq!((e.launch.0, e.ready.unwrap().0), (5_000_000, 6_020_000));
        assert_eq!(
            (e.end.unwrap().0, e.end_reason),
            (86_100_000, Some("idle_timeout"))
        );
    }
}

#[test]
fn dynamic_allocation_keeps_min_executors() {
    let src = r#"
[run]
horizon = "2m"
drain = "0s"

[[agents]]
count = 2
resources = "cpus:4;mem:16384"

[[apps]]
name = "da"
master = "mesos://m:5050"
stop = "horizon"
executor_startup = { kind = "constant", value = "1s" }
[apps.conf]
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.dynamicAllocation.minExecutors" = "1"
"spark.dynamicAllocation.executorIdleTimeout" = "10s"
"spark.executor.cores" = "2"
[apps.jobs]
arrival = { kind = "at", times = ["0s"] }
tasks = { kind = "constant", value = 8 }
task_duration = { kind = "constant", value = "5s" }
"#;
    let m = run(src);
    let idle: Vec<_> = m
        .executors
        .iter()
        .filter(|e| e.end_reason == Some("idle_timeout"))
        .collect();
    let kept: Vec<_> = m
        .executors
        .iter()
        .filter(|e| e.end_reason == Some("app_end"))
        .collect();
    assert_eq!(kept.len(), 1, "the min floor keeps one executor to the end");
    assert!(!idle.is_empty());
    assert_eq!(m.allocations[0].target, 1, "initial target = minExecutors");
}

#[test]
fn fine_grained_tasks_pay_the_executor_core_and_the_allocation_interval() {
    // One 4-cpu agent, 6 tasks of 2 s, fine-grained. At 0 the offer makes
    // the agent's executor (1 cpu, 1408 MB) and 3 tasks (the executor's core
    // costs a slot), which run once the executor's JVM is up (1 s): 1.020,
    // done at 3.020. Their CPUs come back to the master and wait for the
    // next run (4 s): 3 more tasks, RUNNING at 4.020, done at 6.020.
    let m = run(&one_app(
        "cpus:4;mem:8192",
        "\"spark.mesos.coarse\" = \"false\"",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 6 }\ntask_duration = { kind = \"constant\", value = \"2s\" }",
    ));
    let j = &m.jobs[0];
    assert_eq!(
        (j.start.unwrap().0, j.end.unwrap().0),
        (1_020_000, 6_020_000)
    );
    assert_eq!(m.executors.len(), 1);
    let e = &m.executors[0];
    assert_eq!(
        (e.cpus.to_string(), e.advertised_cores, e.mem_mb),
        ("1".to_string(), None, 1408)
    );
    assert_eq!(
        (e.launch.0, e.ready.unwrap().0, e.end.unwrap().0),
        (0, 1_020_000, 6_020_000)
    );
    // Launch leftovers carry the 1 s filter.
    assert_eq!(m.offers[0].refuse_s.map(|d| d.0), Some(1_000_000));
}

/// Two waves of executors on the same 4 agents (dynamic allocation, idle
/// removal in between), with `conf` and `[apps.fetch]` added; returns
/// (launch, ready − launch) per executor in ms, sorted.
fn two_waves(conf: &str) -> Vec<(u64, u64)> {
    let src = format!(
        r#"
[run]
horizon = "3m"
drain = "0s"

[[agents]]
count = 4
resources = "cpus:4;mem:16384"

[[apps]]
name = "da"
master = "mesos://m:5050"
stop = "horizon"
executor_startup = {{ kind = "constant", value = "1s" }}
fetch = {{ package = "100m", docker_image = "200m", bandwidth = "100m" }}
[apps.conf]
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.dynamicAllocation.executorIdleTimeout" = "10s"
"spark.executor.cores" = "2"
{conf}
[apps.jobs]
arrival = {{ kind = "at", times = ["0s", "100s"] }}
tasks = {{ kind = "constant", value = 12 }}
task_duration = {{ kind = "constant", value = "20s" }}
"#
    );
    let m = run(&src);
    let mut v: Vec<(u64, u64)> = m
        .executors
        .iter()
        .map(|e| (e.launch.0 / 1000, (e.ready.unwrap().0 - e.launch.0) / 1000))
        .collect();
    v.sort();
    v
}

#[test]
fn executors_fetch_the_spark_package_once_per_agent_with_the_fetcher_cache() {
    let uri = "\"spark.executor.uri\" = \"hdfs://nn/spark.tgz\"";
    // Without the cache every executor fetches 100 MiB at 100 MiB/s (1 s):
    // ready 20 ms + 1 s + 1 s after launch, in both waves.
    let no_cache = two_waves(uri);
    assert_eq!(no_cache.len(), 12);
    assert!(no_cache.iter().all(|&(_, d)| d == 2_020), "{no_cache:?}");
    // With the cache the second wave finds the package on every agent.
    let cache = two_waves(&format!(
        "{uri}\n\"spark.mesos.fetcherCache.enable\" = \"true\""
    ));
    let (first, second): (Vec<_>, Vec<_>) = cache.iter().partition(|(l, _)| *l < 50_000);
    assert_eq!((first.len(), second.len()), (6, 6));
    assert!(first.iter().all(|&&(_, d)| d == 2_020), "{first:?}");
    assert!(second.iter().all(|&&(_, d)| d == 1_020), "{second:?}");
    // No URI: nothing is fetched (the executor home is installed).
    assert!(two_waves("").iter().all(|&(_, d)| d == 1_020));
}

#[test]
fn docker_images_are_pulled_once_per_agent() {
    // 200 MiB at 100 MiB/s: 2 s for the first executor on each agent.
    let v = two_waves("\"spark.mesos.executor.docker.image\" = \"spark:3.3\"");
    let (first, second): (Vec<_>, Vec<_>) = v.iter().partition(|(l, _)| *l < 50_000);
    assert_eq!((first.len(), second.len()), (6, 6));
    assert!(first.iter().all(|&&(_, d)| d == 3_020), "{first:?}");
    assert!(second.iter().all(|&&(_, d)| d == 1_020), "{second:?}");
}

fn authenticated(mesos: &str, conf: &str) -> Metrics {
    let src = one_app(
        "cpus:4;mem:8192",
        conf,
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
    )
    .replace("[[agents]]", &format!("[mesos]\n{mesos}\n\n[[agents]]"));
    run(&src)
}

#[test]
fn frameworks_authenticate_against_the_master_credentials() {
    let creds = "credentials = { spark = \"s3cret\" }";
    // The right secret: the app runs.
    let m = authenticated(
        creds,
        "\"spark.mesos.principal\" = \"spark\"\n\"spark.mesos.secret\" = \"s3cret\"",
    );
    assert!(m.refused.is_empty());
    assert!(m.jobs[0].end.is_some());
    // A wrong secret or an unknown principal: refused, reported, nothing runs.
    let m = authenticated(
        creds,
        "\"spark.mesos.principal\" = \"spark\"\n\"spark.mesos.secret\" = \"guess\"",
    );
    assert_eq!(
        m.refused,
        [(
            "app".to_string(),
            "authentication failed for principal 'spark': wrong secret".to_string()
        )]
    );
    assert!(m.jobs.is_empty() && m.executors.is_empty() && m.offers.is_empty());
    let m = authenticated(creds, "\"spark.mesos.principal\" = \"eve\"");
    assert_eq!(
        m.refused[0].1,
        "authentication failed: unknown principal 'eve'"
    );
    // No principal: fine unless the master requires authentication.
    assert!(authenticated(creds, "").refused.is_empty());
    let m = authenticated(&format!("{creds}\nauthenticate_frameworks = true"), "");
    assert_eq!(
        m.refused[0].1,
        "framework is not authenticated (the master requires authentication)"
    );
}

#[test]
fn cluster_mode_runs_the_driver_on_the_cluster_through_the_dispatcher() {
    // The dispatcher registers at 0 and gets both agents; it launches the
    // driver (1 core, 1 GiB + 384 MiB) on one and declines the rest with
    // 120 s. The driver is RUNNING at 0.020 and its JVM starts in 1 s: the
    // app registers at 1.020 and submits its job (due at 0) then. Its
    // executors take what the driver left: 3 + 4 = 7 cores, registering at
    // 2.040; the 7 tasks of 1 s end at 3.040; the app and its driver end.
    let src = one_app(
        "cpus:4;mem:8192",
        "",
        "arrival = { kind = \"at\", times = [\"0s\"] }\ntasks = { kind = \"constant\", value = 7 }\ntask_duration = { kind = \"constant\", value = \"1s\" }",
    )
    .replace("count = 1", "count = 2")
    .replace("master = \"mesos://m:5050\"", "master = \"mesos://m:5050\"\ndeploy_mode = \"cluster\"");
    let m = run(&src);
    let j = &m.jobs[0];
    assert_eq!(j.submit.0, 1_020_000);
    assert_eq!(
        (j.start.unwrap().0, j.end.unwrap().0),
        (2_040_000, 3_040_000)
    );
    let cores: u64 = m.executors.iter().map(|e| e.cpus.0 as u64 / 1000).sum();
    assert_eq!(cores, 7, "the driver's core is not available to executors");
    assert!(m.executors.iter().all(|e| e.launch.0 == 1_020_000));
    // The driver's CPU counts in the dispatcher's share from the start (the
    // sample at 0 comes after the run, its offers already answered).
    let dispatcher = m
        .frameworks
        .iter()
        .position(|(n, _)| n == "dispatcher")
        .unwrap();
    let at0 = m
        .shares
        .iter()
        .find(|s| s.time.0 == 0 && s.framework.index() == dispatcher)
        .unwrap();
    assert_eq!(at0.cpus, 1_000);
    // With its queue empty the dispatcher suppresses offers
    // (MesosClusterScheduler, SPARK-19702): on agents of 8 CPUs with the
    // app capped at 7 cores, CPUs stay free; the app runs another job at
    // 200 s, long after the dispatcher's 120 s filters ran out, and the
    // dispatcher is offered the agents only once, at 0 s.
    let m = run(&src
        .replace("times = [\"0s\"]", "times = [\"0s\", \"200s\"]")
        .replace("cpus:4;mem:8192", "cpus:8;mem:16384")
        .replace("[apps.conf]", "[apps.conf]\n\"spark.cores.max\" = \"7\""));
    let offered: Vec<u64> = m
        .offers
        .iter()
        .filter(|o| o.framework.index() == dispatcher)
        .map(|o| o.offer_s.0)
        .collect();
    assert_eq!(offered, [0, 0]);
    assert!(m.jobs.iter().all(|j| j.end.is_some()));
}

#[test]
fn the_dispatcher_queues_drivers_that_do_not_fit() {
    // One agent of 2 cpus; two cluster-mode apps whose drivers take 2 cores
    // each, both submitted at 0. The first driver takes the agent; the
    // second waits in the dispatcher's queue. No executor can run next to
    // a driver holding every CPU, so no job starts. App a stops at 30 s,
    // its driver ends, and the queued driver of b launches in the run at
    // that same instant (stops come before the allocation run, §queue).
    let app = |name: &str| {
        format!(
            r#"
[[apps]]
name = "{name}"
master = "mesos://m:5050"
deploy_mode = "cluster"
stop = "30s"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.driver.cores" = "2"
"spark.driver.memory" = "512m"
[apps.jobs]
arrival = {{ kind = "at", times = ["0s"] }}
tasks = {{ kind = "constant", value = 1 }}
task_duration = {{ kind = "constant", value = "1s" }}
"#
        )
    };
    let src = format!(
        "[run]\nhorizon = \"1m\"\ndrain = \"1m\"\n\n[[agents]]\ncount = 1\nresources = \"cpus:2;mem:8192\"\n{}{}",
        app("a"),
        app("b").replace("stop = \"30s\"", "stop = \"50s\"")
    );
    let m = run(&src);
    // Each app submits its job when its driver is up: a at 1.020 (driver
    // RUNNING at 0.020, then a 1 s JVM start); b's driver launches at 30 s,
    // so b submits at 31.020.
    let submit = |name: &str| m.jobs.iter().find(|j| j.app == name).map(|j| j.submit.0);
    assert_eq!(submit("a"), Some(1_020_000));
    assert_eq!(submit("b"), Some(31_020_000));
    assert!(
        m.jobs.iter().all(|j| j.start.is_none()),
        "no room for executors next to a driver"
    );
}

/// Two apps wanting 8 cores each on three 4-CPU agents; `allocator` picks
/// the policy.
fn two_apps(allocator: &str) -> Metrics {
    let app = |name: &str| {
        format!(
            r#"
[[apps]]
name = "{name}"
master = "mesos://master:5050"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.cores.max" = "8"
"spark.executor.cores" = "2"
"spark.executor.memory" = "1g"
[apps.jobs]
arrival = {{ kind = "at", times = ["5s"] }}
tasks = {{ kind = "constant", value = 4 }}
task_duration = {{ kind = "constant", value = "2s" }}
"#
        )
    };
    run(&format!(
        r#"
[run]
horizon = "30s"
drain = "30s"
[mesos]
allocator = "{allocator}"
[[agents]]
count = 3
resources = "cpus:4;mem:16384"
{}{}"#,
        app("a"),
        app("b")
    ))
}

/// (app, agent) of every executor, sorted.
fn placement(m: &Metrics) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = m
        .executors
        .iter()
        .map(|e| (e.app.clone(), e.host.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn the_example_round_robin_allocator_hands_out_whole_agents_in_turn() {
    // Agents in order to a, b, a: a fills agent-0 and agent-2 with two
    // 2-core executors each (its 8 cores), b gets agent-1 only and nothing
    // is left for its other 4 cores.
    let m = two_apps("round-robin");
    let p = |a: &str, h: &str| (a.to_string(), h.to_string());
    assert_eq!(
        placement(&m),
        [
            p("a", "agent-0"),
            p("a", "agent-0"),
            p("a", "agent-2"),
            p("a", "agent-2"),
            p("b", "agent-1"),
            p("b", "agent-1"),
        ]
    );
    // DRF ends the same way for a different reason: whole agents go one
    // at a time to the framework with the lower share, so the third agent
    // meets a tie (one agent each) and a, first in the tie-break, gets it.
    let m = two_apps("drf");
    let per_app = |app: &str| m.executors.iter().filter(|e| e.app == app).count();
    assert_eq!((per_app("a"), per_app("b")), (4, 2));
}

#[test]
fn a_run_that_runs_out_of_events_ends_where_its_last_completion_was_due() {
    // One CPU, one extra core: an executor of 1 CPU with 2 slots, its tasks
    // sharing the CPU. Task A (9.2 s) starts when the executor registers at
    // 1.020 s and is due at 10.220 s; task B (9.2 s) starts at 5 s, both
    // now run at half speed and A is due at 15.440 s instead. The run ends
    // at 10.5 s (no drain), after the last allocation tick at 10 s. A queue
    // that kept the superseded completion delivered it, as a no-op, at
    // 10.220 s, so the run's clock (and the window its means cover) ended
    // there; the moved event must leave the same end.
    let src = one_app(
        "cpus:1;mem:8192",
        "\"spark.mesos.extra.cores\" = \"1\"",
        "arrival = { kind = \"at\", times = [\"0s\", \"5s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"9.2s\" }\ncpu_fraction = 1.0",
    )
    .replace("horizon = \"5m\"\ndrain = \"5m\"", "horizon = \"10.5s\"\ndrain = \"0s\"");
    let mut sc = sim::scenario::load_str(&src, &[])
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap()
        .base;
    common::instant(&mut sc, &src);
    let opts = sim::world::RunOptions {
        record_offers: false,
        check_invariants: true,
    };
    let out = sim::world::World::new(&sc, sc.run.seed, opts)
        .run()
        .unwrap();
    assert_eq!(out.end.0, 10_220_000);
}
