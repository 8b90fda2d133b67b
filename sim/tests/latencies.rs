//! Hand-computed tests of the three latencies the other hand-computed tests
//! turn off (`common::instant`): the master's allocation run time, the
//! drivers' decision time, and the kill → TASK_KILLED latency.

mod common;

use common::run_timed;
use sim::metrics::Metrics;

/// One Spark app on `agents` agents of 4 CPUs, one job of 2 tasks of 5 s
/// at `arrival`; `mesos` and `app` are extra TOML lines.
fn scenario(agents: u32, mesos: &str, app: &str, arrival: &str) -> String {
    format!(
        r#"
[run]
horizon = "9.5s"
drain = "0s"

[mesos]
{mesos}

[[agents]]
count = {agents}
resources = "cpus:4;mem:16384"

[[apps]]
name = "app"
master = "mesos://m:5050"
stop = "horizon"
executor_startup = {{ kind = "constant", value = "1s" }}
{app}
[apps.conf]
"spark.cores.max" = "4"
[apps.jobs]
arrival = {{ kind = "at", times = ["{arrival}"] }}
tasks = {{ kind = "constant", value = 2 }}
task_duration = {{ kind = "constant", value = "5s" }}
"#
    )
}

fn runs(m: &Metrics) -> (u64, u64) {
    (m.allocation_runs, m.allocation_run_time.0)
}

#[test]
fn offers_arrive_when_the_run_ends_and_the_loop_waits_for_it() {
    // Runs of 100 ms. The app registers at 0: a run 0 → 0.1 s, whose offer
    // the driver takes at once (decision 0): the executor launches at
    // 0.1 s and registers at 0.1 + 0.02 + 1 = 1.12 s.
    let m = run_timed(&scenario(
        1,
        "run_time = \"100ms\"",
        "decision_time = { kind = \"constant\", value = \"0s\" }",
        "0s",
    ));
    let e = &m.executors[0];
    assert_eq!((e.launch.0, e.ready.unwrap().0), (100_000, 1_120_000));
    // The periodic loop waits for each run: ticks at 1.0, 2.1, 3.2, 4.3,
    // 5.4, 6.5, 7.6, 8.7 (9.8 is past the 9.5 s horizon), each a run of
    // 100 ms: with the registration's, 9 runs, 0.9 s in all. A loop that
    // did not wait would tick at 1 … 9: 10 runs.
    assert_eq!(runs(&m), (9, 900_000));
}

#[test]
fn a_run_asked_for_during_a_run_starts_when_it_ends() {
    // Two apps of 4 cores on two agents of 4 CPUs. `a` registers at 0 and
    // gets both agents (run 0 → 0.1 s); it keeps one and declines the
    // other. `b` registers at 50 ms, during that run: its run starts at
    // 0.1 s and its offer (the agent `a` declined) arrives at 0.2 s.
    let src = scenario(
        2,
        "run_time = \"100ms\"",
        "decision_time = { kind = \"constant\", value = \"0s\" }",
        "0s",
    ) + r#"
[[apps]]
name = "b"
master = "mesos://m:5050"
start = "50ms"
decision_time = { kind = "constant", value = "0s" }
executor_startup = { kind = "constant", value = "1s" }
[apps.conf]
"spark.cores.max" = "4"
[apps.jobs]
arrival = { kind = "at", times = ["50ms"] }
tasks = { kind = "constant", value = 2 }
task_duration = { kind = "constant", value = "5s" }
"#;
    let m = run_timed(&src);
    let launch = |app: &str| {
        m.executors
            .iter()
            .find(|e| e.app == app)
            .map(|e| e.launch.0)
            .unwrap()
    };
    assert_eq!((launch("app"), launch("b")), (100_000, 200_000));
}

#[test]
fn the_fitted_model_prices_each_run_by_agents_roles_and_frameworks() {
    // 100 agents, one role, one framework: 100 × (34 + 1.6 + 0.072) µs =
    // 3,567.2 µs, rounded up to 3,568 µs a run. Twice as slow with
    // `run_time_scale = 2`.
    for (mesos, per_run) in [("", 3_568), ("run_time_scale = 2.0", 7_135)] {
        let m = run_timed(&scenario(
            100,
            mesos,
            "decision_time = { kind = \"constant\", value = \"0s\" }",
            "0s",
        ));
        let (n, total) = runs(&m);
        assert!(n >= 9, "{n}");
        assert_eq!(total, n * per_run, "{mesos}");
        // The first offer arrives when the first run ends.
        assert_eq!(m.executors[0].launch.0, per_run, "{mesos}");
    }
}

#[test]
fn a_driver_holds_its_offers_for_its_decision_time() {
    // Runs take no time; the driver decides for 50 ms: the offer made at
    // 0 is outstanding until 50 ms, and the executor launches then.
    let m = run_timed(&scenario(
        1,
        "run_time = \"0s\"",
        "decision_time = { kind = \"constant\", value = \"50ms\" }",
        "0s",
    ));
    assert_eq!(m.executors[0].launch.0, 50_000);
    // The default: a lognormal of median 3 ms drawn per batch, a few ms.
    let m = run_timed(&scenario(1, "run_time = \"0s\"", "", "0s"));
    let launch = m.executors[0].launch.0;
    assert!((500..20_000).contains(&launch), "{launch}");
}

/// An app with dynamic allocation on one agent of 12 CPUs (3 executors of
/// 4 cores): a job of 8 tasks of 5 s at 0, one of 4 tasks at `second`.
fn dynamic(kill: &str, second: &str) -> String {
    format!(
        r#"
[run]
horizon = "1m"
drain = "0s"

[mesos]
run_time = "0s"
task_kill_latency = "{kill}"
default_refuse = "0s"

[[agents]]
count = 1
resources = "cpus:12;mem:65536"

[[apps]]
name = "da"
master = "mesos://m:5050"
stop = "horizon"
decision_time = {{ kind = "constant", value = "0s" }}
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.dynamicAllocation.initialExecutors" = "2"
"spark.dynamicAllocation.executorIdleTimeout" = "10s"
"spark.mesos.rejectOfferDuration" = "1s"
"spark.executor.cores" = "4"
[apps.jobs]
arrival = {{ kind = "at", times = ["0s", "{second}"] }}
tasks = {{ kind = "constant", value = 8 }}
task_duration = {{ kind = "constant", value = "5s" }}
"#
    )
}

#[test]
fn a_killed_executor_ends_at_its_task_killed_and_counts_until_then() {
    // Two executors (the initial target) register at 1.02 s and run the 8
    // tasks in one wave: done at 6.02 s. Idle for 10 s, both are killed at
    // the allocation manager's next 100 ms tick, 16.1 s; with a 2 s kill
    // latency they end 2 s later.
    let killed = |m: &Metrics| -> Vec<(u64, u64)> {
        m.executors
            .iter()
            .filter(|e| e.end_reason == Some("idle_timeout"))
            .map(|e| (e.executor, e.end.unwrap().0))
            .collect()
    };
    let at_once = run_timed(&dynamic("0s", "50s"));
    let late = run_timed(&dynamic("2s", "50s"));
    let ends0 = killed(&at_once);
    let ends2 = killed(&late);
    assert_eq!(ends0.len(), 2, "{ends0:?}");
    assert_eq!(ends0, [(0, 16_100_000), (1, 16_100_000)]);
    let shifted: Vec<(u64, u64)> = ends0.iter().map(|&(e, t)| (e, t + 2_000_000)).collect();
    assert_eq!(ends2, shifted);
    // The target falls to 0 at the kill; the backend's executor count (the
    // `executors` column of allocation.csv) keeps the two killed executors
    // until their TASK_KILLED.
    let at_kill = |m: &Metrics| {
        m.allocations
            .iter()
            .find(|a| a.time.0 == 16_100_000)
            .map(|a| (a.target, a.executors))
    };
    assert_eq!(at_kill(&at_once), Some((0, 0)));
    assert_eq!(at_kill(&late), Some((0, 2)));
}

#[test]
fn a_new_executor_waits_for_the_killed_ones_to_be_reported() {
    // The second job comes 0.5 s after the kills at 16.1 s; at 17.6 s (the
    // backlog timeout) the target goes back to 1, at 18.6 s to 2. Declines
    // carry no filter here (`default_refuse = "0s"`: a 1 s filter), so the
    // agent is offered at every run. With an instant kill it is free, and
    // new executors launch at the runs of 18 s and 19 s. With a 3 s kill
    // latency the two killed executors still count in the backend's
    // executor count (2 ≥ the target), so the offers of 18 s and 19 s,
    // which have room for one executor, are declined; the TASK_KILLED at
    // 19.1 s revives, and both launch then (Spark 3.0
    // MesosCoarseGrainedSchedulerBackend, reference spark-on-mesos.md §7).
    let launches = |m: &Metrics| -> Vec<u64> {
        m.executors
            .iter()
            .map(|e| e.launch.0)
            .filter(|&t| t > 10_000_000)
            .collect()
    };
    let at_once = run_timed(&dynamic("0s", "16.6s"));
    let late = run_timed(&dynamic("3s", "16.6s"));
    assert_eq!(launches(&at_once), [18_000_000, 19_000_000]);
    assert_eq!(launches(&late), [19_100_000, 19_100_000]);
    let outcome = |m: &Metrics, at: u64| {
        m.offers
            .iter()
            .find(|o| o.offer_s.0 == at)
            .map(|o| (o.cpus.to_string(), o.outcome))
    };
    for at in [18_000_000, 19_000_000] {
        assert_eq!(outcome(&late, at), Some(("4".to_string(), "declined")));
    }
}

#[test]
fn a_killed_executor_whose_agent_fails_first_is_lost() {
    // Killed at 16.1 s with a 3 s kill latency; the agent fails at 17 s, so
    // no TASK_KILLED comes: the executors end when the master marks the
    // agent unreachable, 75 s after its first missed ping (at 30 s): at
    // 105 s, as LOST.
    let src = dynamic("3s", "50s").replace("horizon = \"1m\"", "horizon = \"2m\"")
        + "\n[[faults]]\nkind = \"agent_failure\"\nat = \"17s\"\nagent = \"agent-0\"\n";
    let m = run_timed(&src);
    let ends: Vec<(u64, Option<&str>)> = m
        .executors
        .iter()
        .map(|e| (e.end.unwrap().0, e.end_reason))
        .collect();
    assert_eq!(
        ends,
        [(105_000_000, Some("lost")), (105_000_000, Some("lost"))]
    );
}
