//! Spark on YARN end to end (reference standalone-yarn-local.md §2):
//! hand-computed latencies with aligned NodeManager heartbeats (every
//! node at 0 s, 1 s, 2 s, …), the AM's allocation loop, the schedulers,
//! failures, and what validation refuses.
//!
//! Containers start 100 ms after their AM picks them up (the NodeManager's
//! launch); every JVM (AM, driver, executor) starts in a constant 1 s.

mod common;

use sim::metrics::{ExecutorRow, Metrics};
use sim::scenario::load_str;

/// `nodes` NodeManagers of 8 cpus and 16 GiB; `yarn` and app lines.
fn scenario(nodes: u32, yarn: &str, apps: &[(&str, &str, &str, u32, &str)]) -> String {
    let mut s = format!(
        r#"
[run]
horizon = "5m"
drain = "5m"

[cluster]
manager = "yarn"

[yarn]
heartbeat_phases = "aligned"
{yarn}

[[agents]]
count = {nodes}
resources = "cpus:8;mem:16384"
"#
    );
    for (name, extra, conf, tasks, at) in apps {
        s += &format!(
            r#"
[[apps]]
name = "{name}"
executor_startup = {{ kind = "constant", value = "1s" }}
{extra}
[apps.conf]
{conf}
[apps.jobs]
arrival = {{ kind = "at", times = ["{at}"] }}
tasks = {{ kind = "constant", value = {tasks} }}
task_duration = {{ kind = "constant", value = "2s" }}
"#
        );
    }
    s
}

fn secs(t: sim::time::SimTime) -> f64 {
    t.0 as f64 / 1e6
}

fn latency(m: &Metrics, app: &str) -> Option<f64> {
    let j = m.jobs.iter().find(|j| j.app == app).expect("a job");
    j.end
        .map(|e| ((secs(e) - secs(j.submit)) * 1e6).round() / 1e6)
}

fn executors<'a>(m: &'a Metrics, app: &str) -> Vec<&'a ExecutorRow> {
    let mut v: Vec<&ExecutorRow> = m.executors.iter().filter(|e| e.app == app).collect();
    v.sort_by_key(|e| (e.launch, e.executor));
    v
}

fn launches(m: &Metrics, app: &str) -> Vec<f64> {
    executors(m, app).iter().map(|e| secs(e.launch)).collect()
}

#[test]
fn client_mode_default_two_executors_paced_by_heartbeats() {
    // 0 s: the driver submits the app; the 0 s heartbeat places the AM
    // (896 → 1024 MiB). The AM is up at 1.1 s and asks for 2 executors
    // (1408 → 2048 MiB, 1 vcore). One off-switch container per heartbeat:
    // at 2 s and 3 s. The AM allocates at 1.1, 1.3, 1.7, 2.5 (picks up
    // the first: started 2.6, registered 3.6) and 4.1 (the second:
    // started 4.2, registered 5.2). Ready at 2 of 2 × 0.8: 5.2 s. Four
    // 2 s tasks on two 1-core executors: 9.2 s; the job came at 1 s.
    let m = common::run(&scenario(1, "", &[("app", "", "", 4, "1s")]));
    assert_eq!(launches(&m, "app"), vec![2.6, 4.2]);
    let e = executors(&m, "app");
    assert_eq!((e[0].cpus.whole_units(), e[0].mem_mb), (1, 2048));
    assert_eq!(latency(&m, "app"), Some(8.2));
    assert_eq!(m.offers_made, 0);
}

#[test]
fn the_fifo_scheduler_grants_every_container_at_once() {
    // Same app on the FifoScheduler: both executors at the 2 s heartbeat,
    // picked up at 2.5 s, registered at 3.6 s; tasks end at 7.6 s.
    let fifo = "[yarn.conf]\n\"yarn.resourcemanager.scheduler.class\" = \"FifoScheduler\"";
    let m = common::run(&scenario(1, fifo, &[("app", "", "", 4, "1s")]));
    assert_eq!(launches(&m, "app"), vec![2.6, 2.6]);
    assert_eq!(latency(&m, "app"), Some(6.6));
}

#[test]
fn executor_instances_and_memory_pack_nodes_by_memory() {
    // 6 executors of 4 GiB heap: 4096 + 409 = 4505 → 5120 MiB; a 16 GiB
    // node holds 3 (vcores are not enforced). Two nodes: 6 containers,
    // one per node per heartbeat, at 2, 3 and 4 s.
    let conf = "\"spark.executor.instances\" = \"6\"\n\"spark.executor.memory\" = \"4g\"\n\"spark.executor.cores\" = \"2\"";
    let m = common::run(&scenario(2, "", &[("app", "", conf, 12, "1s")]));
    let e = executors(&m, "app");
    assert_eq!(e.len(), 6);
    assert!(
        e.iter()
            .all(|x| x.mem_mb == 5120 && x.cpus.whole_units() == 2)
    );
    let per_node = |h: &str| e.iter().filter(|x| x.host == h).count();
    assert_eq!((per_node("agent-0"), per_node("agent-1")), (3, 3));
}

#[test]
fn cluster_mode_the_driver_lives_in_the_am() {
    // The AM container is the driver's: 1024 + 384 → 2048 MiB. Placed at
    // 0 s, the driver is up at 1.1 s (its job, due at 1 s, is submitted
    // then); its executors as in client mode: 2.6 and 4.2 s, ready 5.2 s;
    // the job ends at 9.2 s.
    let m = common::run(&scenario(
        1,
        "",
        &[("app", "deploy_mode = \"cluster\"", "", 4, "1s")],
    ));
    assert_eq!(launches(&m, "app"), vec![2.6, 4.2]);
    assert_eq!(latency(&m, "app"), Some(8.1));
}

#[test]
fn the_am_limit_holds_the_second_app_accepted() {
    // One 16 GiB node: AMs may use 10 % of it (1638 MiB) once one runs, so
    // b's AM waits until a is done. a: AM at 0 s, job at 1 s done at
    // 9.2 s. b's AM at the first heartbeat after (10 s), up at 11.1 s;
    // executors at 12.6 and 14.2 s; b's job (at 1 s) ends at 19.2 s.
    let m = common::run(&scenario(
        1,
        "",
        &[("a", "", "", 4, "1s"), ("b", "", "", 4, "1s")],
    ));
    assert_eq!(latency(&m, "a"), Some(8.2));
    assert_eq!(launches(&m, "b"), vec![12.6, 14.2]);
    assert_eq!(latency(&m, "b"), Some(18.2));
    // With a 50 % AM limit both run at once: b's AM at the 1 s heartbeat
    // (one off-switch per heartbeat).
    let am = "[yarn.conf]\n\"yarn.scheduler.capacity.maximum-am-resource-percent\" = 0.5";
    let m = common::run(&scenario(
        1,
        am,
        &[("a", "", "", 4, "1s"), ("b", "", "", 4, "1s")],
    ));
    assert!(latency(&m, "b").unwrap() < 12.0, "{:?}", latency(&m, "b"));
}

#[test]
fn dynamic_allocation_on_yarn() {
    let conf = r#""spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.dynamicAllocation.maxExecutors" = "4""#;
    let m = common::run(&scenario(
        2,
        "",
        &[("app", "stop = \"horizon\"", conf, 8, "10s")],
    ));
    // Initial target 0: no executor before the job; the ramp then asks
    // 1, then 1 + 2 = 3, then 3 + 4 capped at 4; idle executors are released back to YARN after 60 s.
    let e = executors(&m, "app");
    assert!(e.iter().all(|x| secs(x.launch) > 10.0));
    assert_eq!(e.len(), 4);
    let targets: Vec<u32> = m.allocations.iter().map(|a| a.target).collect();
    assert_eq!(&targets[..4], &[0, 1, 3, 4], "{targets:?}");
    assert!(e.iter().all(|x| x.end_reason == Some("idle_timeout")));
}

#[test]
fn failed_executors_are_replaced_until_max_failures() {
    // spark.executor.instances 1 (failures allowed: max(3, 2 × 1) = 3).
    let fault = |at: &str| {
        format!(
            "\n[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"{at}\"\n"
        )
    };
    let conf = "\"spark.executor.instances\" = \"1\"";
    let mut src = scenario(1, "", &[("app", "stop = \"horizon\"", conf, 4, "60s")]);
    src += &fault("10s");
    let m = common::run(&src);
    let e = executors(&m, "app");
    // The first executor (2.6 s) fails at 10 s. With nothing pending the
    // AM allocates every 3 s (2.5, 5.5, 8.5, 11.5 s): at 11.5 s it asks
    // again; the 12 s heartbeat grants; the AM, back at 200 ms, picks it
    // up at 12.1 s: started 12.2 s.
    assert_eq!(launches(&m, "app"), vec![2.6, 12.2]);
    assert_eq!(e[0].end_reason, Some("failed"));
    assert_eq!(latency(&m, "app"), Some(8.0));
    // Three failures: the AM fails the app at its next allocation.
    for at in ["20s", "30s"] {
        src += &fault(at);
    }
    let m = common::run(&src);
    assert_eq!(launches(&m, "app"), vec![2.6, 12.2, 22.6]);
    let e = executors(&m, "app");
    assert!(e.iter().all(|x| x.end_reason == Some("failed")));
    // The app failed before its job came at 60 s.
    assert!(m.jobs.is_empty());
}

#[test]
fn a_failed_cluster_driver_gets_a_second_attempt() {
    let mut src = scenario(
        1,
        "",
        &[(
            "app",
            "deploy_mode = \"cluster\"\nstop = \"horizon\"",
            "",
            2,
            "30s",
        )],
    );
    src += "\n[[faults]]\nkind = \"driver_failure\"\napp = \"app\"\nat = \"10s\"\n";
    let m = common::run(&src);
    assert_eq!(m.driver_relaunches, 1);
    // The first attempt's executors (2.6, 4.2 s) go with it at 10 s; the
    // second AM is placed by the 10 s heartbeat, up at 11.1 s; its
    // executors start at 12.6 and 14.2 s; the job at 30 s takes 2 s.
    assert_eq!(launches(&m, "app"), vec![2.6, 4.2, 12.6, 14.2]);
    let e = executors(&m, "app");
    assert_eq!(
        (e[0].end_reason, e[1].end_reason),
        (Some("driver_failed"), Some("driver_failed"))
    );
    assert_eq!(latency(&m, "app"), Some(2.0));
    // yarn.resourcemanager.am.max-attempts = 1: no second attempt.
    let src = src.replace(
        "heartbeat_phases = \"aligned\"",
        "heartbeat_phases = \"aligned\"\n[yarn.conf]\n\"yarn.resourcemanager.am.max-attempts\" = 1",
    );
    let m = common::run(&src);
    assert_eq!(m.driver_relaunches, 0);
    assert!(m.jobs.is_empty());
}

#[test]
fn seeded_heartbeats_give_equal_runs_for_equal_seeds() {
    let src = scenario(
        3,
        "",
        &[
            ("a", "", "", 6, "1s"),
            ("b", "deploy_mode = \"cluster\"", "", 6, "2s"),
        ],
    )
    .replace("heartbeat_phases = \"aligned\"", "");
    let a = common::run_seed(&src, Some(5));
    let b = common::run_seed(&src, Some(5));
    assert_eq!(a.executors, b.executors);
    assert_eq!(a.jobs, b.jobs);
    let c = common::run_seed(&src, Some(6));
    assert_ne!(a.executors, c.executors, "other phases, other times");
}

fn errors(src: &str) -> String {
    match load_str(src, &[]) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn validation_refuses_what_yarn_refuses() {
    let one = |yarn: &str, conf: &str| scenario(1, yarn, &[("app", "", conf, 1, "1s")]);
    let e = errors(&one("", "\"spark.executor.memory\" = \"8g\""));
    assert!(
        e.contains("Required executor memory (8192 MB), overhead (819 MB) is above the max threshold (8192 MB)"),
        "{e}"
    );
    let e = errors(&one("", "\"spark.executor.cores\" = \"6\""));
    assert!(e.contains("maximum-allocation-vcores (4)"), "{e}");
    let e = errors(&one("", "\"spark.yarn.queue\" = \"etl\""));
    assert!(e.contains("queue \"etl\" does not exist"), "{e}");
    let e = errors(&one(
        "[yarn.conf]\n\"yarn.resourcemanager.scheduler.class\" = \"org.apache.hadoop.yarn.server.resourcemanager.scheduler.fair.FairScheduler\"",
        "",
    ));
    assert!(e.contains("FairScheduler is not simulated"), "{e}");
    let e = errors(&one(
        "[yarn.conf]\n\"yarn.scheduler.maximum-allocation-md\" = 4096",
        "",
    ));
    assert!(
        e.contains("did you mean \"yarn.scheduler.maximum-allocation-mb\""),
        "{e}"
    );
    let queues = "[yarn.conf]\n\"yarn.scheduler.capacity.root.queues\" = \"a,b\"\n\"yarn.scheduler.capacity.root.a.capacity\" = 60\n\"yarn.scheduler.capacity.root.b.capacity\" = 30";
    let e = errors(&one(queues, "\"spark.yarn.queue\" = \"a\""));
    assert!(e.contains("Illegal capacity sum of 90"), "{e}");
    // A container no NodeManager can hold: 6 GiB heap (6144 + 614 → 7168)
    // on 4 GiB NodeManagers.
    let small = "[yarn.conf]\n\"yarn.nodemanager.resource.memory-mb\" = 4096";
    let e = errors(&one(small, "\"spark.executor.memory\" = \"6g\""));
    assert!(e.contains("fits no NodeManager"), "{e}");
}

#[test]
fn queues_with_their_own_capacity_run_side_by_side() {
    // Two queues of half the cluster, one app each: both AMs admitted.
    let queues = "[yarn.conf]\n\"yarn.scheduler.capacity.root.queues\" = \"a,b\"\n\"yarn.scheduler.capacity.root.a.capacity\" = 50\n\"yarn.scheduler.capacity.root.b.capacity\" = 50";
    let m = common::run(&scenario(
        2,
        queues,
        &[
            ("x", "", "\"spark.yarn.queue\" = \"a\"", 4, "1s"),
            ("y", "", "\"spark.yarn.queue\" = \"b\"", 4, "1s"),
        ],
    ));
    let lx = latency(&m, "x").unwrap();
    let ly = latency(&m, "y").unwrap();
    assert!(lx < 10.0 && ly < 10.0, "{lx} {ly}");
}

#[test]
fn launch_exclusion_moves_replacements_off_a_failing_node() {
    // Two nodes; the executor lands on agent-0 (its heartbeat comes first)
    // and fails there at 10 s and 20 s. With node exclusion on and one
    // failure allowed per node, the second failure excludes agent-0: the
    // third executor goes to agent-1. Off (Spark's default), it stays.
    let conf =
        "\"spark.executor.instances\" = \"1\"\n\"spark.yarn.max.executor.failures\" = \"10\"";
    let mut src = scenario(2, "", &[("app", "stop = \"horizon\"", conf, 2, "60s")]);
    for at in ["10s", "20s"] {
        src += &format!(
            "\n[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"{at}\"\n"
        );
    }
    let hosts = |src: &str| -> Vec<String> {
        let m = common::run(src);
        executors(&m, "app")
            .iter()
            .map(|e| e.host.clone())
            .collect()
    };
    assert_eq!(hosts(&src), vec!["agent-0", "agent-0", "agent-0"]);
    let on = src.replace(
        conf,
        &format!("{conf}\n\"spark.yarn.blacklist.executor.launch.blacklisting.enabled\" = \"true\"\n\"spark.blacklist.application.maxFailedExecutorsPerNode\" = \"1\""),
    );
    assert_eq!(hosts(&on), vec!["agent-0", "agent-0", "agent-1"]);
}

#[test]
fn containers_beyond_a_nodes_cpus_share_them() {
    // The DefaultResourceCalculator places two 2-core executors on a node
    // of 2 CPUs (by memory); their 4 CPU-bound tasks share the 2 CPUs:
    // registered at 3.6 and 5.2 s (ready then), the four tasks run at half
    // speed from 5.2 s and end at 9.2 s; the job came at 1 s.
    let conf = "\"spark.executor.cores\" = \"2\"\n\"spark.executor.memory\" = \"1g\"";
    let src = scenario(1, "", &[("app", "", conf, 4, "1s")]).replace(
        "resources = \"cpus:8;mem:16384\"",
        "resources = \"cpus:2;mem:16384\"",
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert!(
        loaded.warnings.iter().any(|w| w.message.contains("share")),
        "{:?}",
        loaded.warnings
    );
    let m = common::run(&src);
    assert_eq!(launches(&m, "app"), vec![2.6, 4.2]);
    assert_eq!(latency(&m, "app"), Some(8.2));
    // Never more than the machine's 2 CPUs busy.
    assert!(m.utilization.iter().all(|u| u.cpus_busy <= 2000));
}
