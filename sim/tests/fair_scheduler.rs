//! Spark's FAIR scheduler with pools (`spark.scheduler.mode = FAIR`,
//! `[apps.pools.NAME]`; Spark 3.0 `Pool`, `FairSchedulingAlgorithm`):
//! jobs of one app share its executors by pool instead of FIFO.

mod common;

use common::run;

/// One agent of 4 CPUs, four 1-core executors. Two jobs of 8 tasks of
/// 10 s arrive at 10 s and 11 s; `extra` appended.
fn app(extra: &str) -> String {
    format!(
        r#"
[run]
horizon = "2m"
drain = "2m"
[[agents]]
count = 1
resources = "cpus:4;mem:16384"
[[apps]]
name = "app"
master = "mesos://m:5050"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.executor.cores" = "1"
{extra}
[apps.jobs]
arrival = {{ kind = "at", times = ["10s", "11s"] }}
tasks = {{ kind = "constant", value = 8 }}
task_duration = {{ kind = "constant", value = "10s" }}
"#
    )
}

/// (start, end) of each job, in µs.
fn times(src: &str) -> Vec<(u64, u64)> {
    run(src)
        .jobs
        .iter()
        .map(|j| (j.start.unwrap().0, j.end.unwrap().0))
        .collect()
}

#[test]
fn fair_pools_share_the_executors_between_jobs() {
    // FIFO: job 0 takes the 4 slots at 10 s and keeps them until its 8
    // tasks are done (two waves: 30 s); job 1 runs 30–50 s.
    assert_eq!(
        times(&app("")),
        [(10_000_000, 30_000_000), (30_000_000, 50_000_000)]
    );
    // FAIR with two pools; the jobs alternate between them (job 0 in a,
    // job 1 in b). At 20 s job 0's four tasks end one executor at a time,
    // and each round serves the pool running fewer tasks: b (0 against
    // 3), b (1 against 2), then a, a. From then on they alternate: job 0
    // ends at 40 s, job 1 starts at 20 s instead of 30 s and ends at 50 s.
    let fair = "\"spark.scheduler.mode\" = \"FAIR\"\n[apps.pools.a]\n[apps.pools.b]";
    assert_eq!(
        times(&app(fair)),
        [(10_000_000, 40_000_000), (20_000_000, 50_000_000)]
    );
    // Pool b with a minShare of 4 is needy while it runs fewer than 4
    // tasks: it takes every slot that frees, so job 1 runs 20–40 s and
    // job 0's last 4 tasks wait until 40 s (rows in order of completion).
    let needy = fair.replace("[apps.pools.b]", "[apps.pools.b]\nmin_share = 4");
    assert_eq!(
        times(&app(&needy)),
        [(20_000_000, 40_000_000), (10_000_000, 50_000_000)]
    );
}
