//! Spark standalone end to end (reference standalone-yarn-local.md §1):
//! hand-computed latencies and placements, failures, dynamic allocation,
//! cluster deploy mode, and what validation refuses.
//!
//! Every executor here starts 20 ms after the Master's decision (the
//! launch latency) plus a constant 1 s JVM start, and tasks need a whole
//! CPU for 2 s.

mod common;

use sim::metrics::{ExecutorRow, Metrics};
use sim::scenario::load_str;

/// `workers` workers of `cpus` and 8 GiB; `[standalone]` text; then apps,
/// each `(name, extra lines, conf lines, tasks, arrival)`.
fn scenario(
    workers: u32,
    cpus: u32,
    standalone: &str,
    apps: &[(&str, &str, &str, u32, &str)],
) -> String {
    let mut s = format!(
        r#"
[run]
horizon = "5m"
drain = "5m"

[cluster]
manager = "standalone"

[standalone]
{standalone}

[[agents]]
count = {workers}
resources = "cpus:{cpus};mem:8192"
"#
    );
    for (name, extra, conf, tasks, at) in apps {
        let memory = if conf.contains("spark.executor.memory") {
            ""
        } else {
            "\"spark.executor.memory\" = \"1g\"\n"
        };
        s += &format!(
            r#"
[[apps]]
name = "{name}"
executor_startup = {{ kind = "constant", value = "1s" }}
{extra}
[apps.conf]
{memory}{conf}
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
    j.end.map(|e| secs(e) - secs(j.submit))
}

fn executors<'a>(m: &'a Metrics, app: &str) -> Vec<&'a ExecutorRow> {
    m.executors.iter().filter(|e| e.app == app).collect()
}

/// (host, cores) of each executor of `app` launched at 0 s, sorted.
fn placement(m: &Metrics, app: &str) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = executors(m, app)
        .iter()
        .filter(|e| e.launch.0 == 0)
        .map(|e| (e.host.clone(), e.cpus.whole_units()))
        .collect();
    v.sort();
    v
}

#[test]
fn fifo_the_first_app_takes_everything_the_second_waits() {
    let src = scenario(
        2,
        4,
        "",
        &[("first", "", "", 8, "1s"), ("second", "", "", 4, "1s")],
    );
    let m = common::run(&src);
    // first: 8 cores from 0 s, ready 1.02 s, eight tasks at once: 2.02 s.
    assert_eq!(latency(&m, "first"), Some(2.02));
    // second: cores only when first ends at 3.02 s; ready 4.04 s; 5.04 s.
    assert_eq!(latency(&m, "second"), Some(5.04));
    let second: Vec<_> = executors(&m, "second")
        .iter()
        .map(|e| (e.host.clone(), e.cpus.whole_units(), secs(e.launch)))
        .collect();
    assert_eq!(
        second,
        vec![("agent-1".into(), 4, 3.02), ("agent-0".into(), 4, 3.02)]
    );
    // The books: nothing offered, everything allocated while apps run.
    assert_eq!(m.offers_made, 0);
}

#[test]
fn cores_max_shares_the_cluster_spread_or_packed() {
    let apps = [
        ("first", "", "\"spark.cores.max\" = \"4\"", 4, "1s"),
        ("second", "", "", 4, "1s"),
    ];
    // Spread out: first gets 2 + 2, second the other 2 + 2; both run
    // their four tasks at once from 1.02 s.
    let m = common::run(&scenario(2, 4, "", &apps));
    assert_eq!(
        placement(&m, "first"),
        vec![("agent-0".into(), 2), ("agent-1".into(), 2)]
    );
    assert_eq!(
        placement(&m, "second"),
        vec![("agent-0".into(), 2), ("agent-1".into(), 2)]
    );
    assert_eq!(
        (latency(&m, "first"), latency(&m, "second")),
        (Some(2.02), Some(2.02))
    );
    // When first ends at 3.02 s the Master hands its 4 cores to second,
    // which has no cap, in the same instant that second ends: two
    // executors launched and killed at once.
    let late: Vec<_> = executors(&m, "second")
        .into_iter()
        .filter(|e| e.launch.0 > 0)
        .map(|e| (secs(e.launch), e.end.map(secs)))
        .collect();
    assert_eq!(late, vec![(3.02, Some(3.02)), (3.02, Some(3.02))]);
    // Packed: first fills one worker (ties go to the larger id), second
    // the other.
    let m = common::run(&scenario(
        2,
        4,
        "[standalone.conf]\n\"spark.deploy.spreadOut\" = false",
        &apps,
    ));
    assert_eq!(placement(&m, "first"), vec![("agent-1".into(), 4)]);
    assert_eq!(placement(&m, "second"), vec![("agent-0".into(), 4)]);
}

#[test]
fn executor_cores_and_default_cores() {
    // spark.executor.cores 3 on 4-core workers: one executor per worker,
    // a core left over on each; six tasks need two waves: 4.02 s.
    let m = common::run(&scenario(
        2,
        4,
        "",
        &[("app", "", "\"spark.executor.cores\" = \"3\"", 6, "1s")],
    ));
    assert_eq!(
        placement(&m, "app"),
        vec![("agent-0".into(), 3), ("agent-1".into(), 3)]
    );
    assert_eq!(latency(&m, "app"), Some(2.02));
    // spark.deploy.defaultCores caps an app without spark.cores.max.
    let m = common::run(&scenario(
        2,
        4,
        "[standalone.conf]\n\"spark.deploy.defaultCores\" = 2",
        &[("app", "", "", 4, "1s")],
    ));
    assert_eq!(
        placement(&m, "app"),
        vec![("agent-0".into(), 1), ("agent-1".into(), 1)]
    );
    // Two slots, four 2 s tasks: two waves.
    assert_eq!(latency(&m, "app"), Some(4.02));
}

#[test]
fn a_cluster_mode_driver_takes_a_worker_core() {
    // One worker of 4: the driver takes 1 core and 1 GiB at 0 s, its JVM
    // is up at 1.02 s (launch latency + 1 s start); the app registers then
    // and its executor gets the 3 cores left, ready at 2.04 s. Its job,
    // due at 1 s, is submitted when the driver is up (1.02 s); its 3 tasks
    // end at 4.04 s.
    let m = common::run(&scenario(
        1,
        4,
        "",
        &[("app", "deploy_mode = \"cluster\"", "", 3, "1s")],
    ));
    let e = executors(&m, "app");
    assert_eq!((e.len(), e[0].cpus.whole_units()), (1, 3));
    assert_eq!(latency(&m, "app"), Some(3.02));
    assert_eq!(secs(executors(&m, "app")[0].launch), 1.02);
}

#[test]
fn dynamic_allocation_starts_at_a_limit_of_zero() {
    let conf = r#""spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.executor.cores" = "1"
"spark.dynamicAllocation.initialExecutors" = "1""#;
    let m = common::run(&scenario(
        2,
        4,
        "",
        &[("app", "stop = \"horizon\"", conf, 8, "10s")],
    ));
    // The manager's first total (1) is the Master's first limit: one
    // executor at 0 s; the backlog then ramps the target 1 → 2 → 4 → 8.
    let e = executors(&m, "app");
    let first = e.iter().find(|x| x.executor == 0).unwrap();
    assert_eq!(secs(first.launch), 0.0);
    let targets: Vec<u32> = m.allocations.iter().map(|a| a.target).collect();
    // At 13 s one task is done: 7 are needed, one executor slot each.
    assert_eq!(&targets[..4], &[1, 2, 4, 7], "{targets:?}");
    assert_eq!(e.len(), 7);
    // The job (10 s) ends at 16.02 s.
    assert_eq!(latency(&m, "app"), Some(6.02));
    // Idle executors are killed through the Master.
    assert!(e.iter().any(|x| x.end_reason == Some("idle_timeout")));
}

#[test]
fn a_failed_executor_is_replaced_on_its_worker() {
    let mut src = scenario(
        2,
        4,
        "",
        &[("app", "", "\"spark.cores.max\" = \"4\"", 4, "1s")],
    );
    src += "\n[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"2s\"\n";
    let m = common::run(&src);
    // The executor on agent-0 (2 cores) fails at 2 s; the Master gives the
    // 2 cores back at once: a new executor there, ready at 3.02 s. Its two
    // lost tasks restart then and end at 5.02 s.
    let e = executors(&m, "app");
    let failed: Vec<_> = e
        .iter()
        .filter(|x| x.end_reason == Some("failed"))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].host, "agent-0");
    let new = e.iter().find(|x| x.executor == 2).expect("replacement");
    assert_eq!((new.host.as_str(), secs(new.launch)), ("agent-0", 2.0));
    assert_eq!(latency(&m, "app"), Some(4.02));
}

#[test]
fn failures_of_running_executors_never_remove_the_app() {
    // maxExecutorRetries 2, two failures in a row: but each replacement
    // reaches RUNNING, which resets the count (§1.6, §6 point 5), so the
    // app lives on. Executor 0 fails at 2 s (its 4 tasks lost), executor
    // 1 (launched at 2 s, not yet registered) at 3 s; executor 2, launched
    // at 3 s, is ready at 4.02 s and runs the 4 tasks to 6.02 s.
    let mut src = scenario(
        1,
        4,
        "[standalone.conf]\n\"spark.deploy.maxExecutorRetries\" = \"2\"",
        &[("app", "", "", 4, "1s")],
    );
    for at in ["2s", "3s"] {
        src += &format!(
            "\n[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"{at}\"\n"
        );
    }
    let m = common::run(&src);
    let reasons: Vec<_> = executors(&m, "app").iter().map(|e| e.end_reason).collect();
    assert_eq!(
        reasons,
        vec![Some("failed"), Some("failed"), Some("app_end")]
    );
    assert_eq!(latency(&m, "app"), Some(5.02));
}

#[test]
fn a_supervised_driver_restarts_on_its_worker() {
    let extra = "deploy_mode = \"cluster\"\nstop = \"horizon\"";
    let mut src = scenario(
        1,
        4,
        "",
        &[(
            "app",
            extra,
            "\"spark.driver.supervise\" = \"true\"",
            3,
            "30s",
        )],
    );
    src += "\n[[faults]]\nkind = \"driver_failure\"\napp = \"app\"\nat = \"10s\"\n";
    let m = common::run(&src);
    // Restarted after the 1 s back-off plus its 1 s JVM start: the new
    // SparkContext registers at 12 s; its executor is ready at 13.02 s;
    // the job at 30 s runs at once.
    let e = executors(&m, "app");
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].end_reason, Some("driver_failed"));
    assert_eq!(secs(e[1].launch), 12.0);
    assert_eq!(latency(&m, "app"), Some(2.0));
    assert_eq!(m.driver_relaunches, 1);
    // Without supervise the app is over.
    let src = src.replace("\"spark.driver.supervise\" = \"true\"", "");
    let m = common::run(&src);
    assert_eq!(executors(&m, "app").len(), 1);
    assert!(m.jobs.is_empty(), "no driver to submit the job");
}

#[test]
fn equal_seeds_give_equal_runs() {
    let src = scenario(
        3,
        4,
        "",
        &[
            ("a", "deploy_mode = \"cluster\"", "", 6, "1s"),
            (
                "b",
                "deploy_mode = \"cluster\"",
                "\"spark.cores.max\" = \"3\"",
                6,
                "2s",
            ),
        ],
    );
    let a = common::run_seed(&src, Some(3));
    let b = common::run_seed(&src, Some(3));
    assert_eq!(a.executors, b.executors);
    assert_eq!(a.jobs, b.jobs);
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
fn validation_refuses_what_standalone_cannot_run() {
    let one = |conf: &str| scenario(2, 4, "", &[("app", "", conf, 1, "1s")]);
    let e = errors(&one("\"spark.executor.memory\" = \"9g\""));
    assert!(
        e.contains("apps.app.conf") && e.contains("fits no worker"),
        "{e}"
    );
    let e = errors(&one("\"spark.executor.cores\" = \"5\""));
    assert!(e.contains("fits no worker"), "{e}");
    let e = errors(&one("\"spark.mesos.constraints\" = \"os:linux\""));
    assert!(e.contains("Spark ignores it"), "{e}");
    let e = errors(&scenario(
        1,
        4,
        "",
        &[(
            "app",
            "deploy_mode = \"cluster\"",
            "\"spark.driver.memory\" = \"16g\"",
            1,
            "1s",
        )],
    ));
    assert!(
        e.contains("apps.app.deploy_mode") && e.contains("no worker has them"),
        "{e}"
    );
    let e = errors(&scenario(
        1,
        4,
        "[standalone.conf]\n\"spark.deploy.spreadout\" = false",
        &[("app", "", "", 1, "1s")],
    ));
    assert!(e.contains("did you mean \"spark.deploy.spreadOut\""), "{e}");
    let e = errors(&scenario(
        1,
        4,
        "[standalone.conf]\n\"spark.deploy.defaultCores\" = 0",
        &[("app", "", "", 1, "1s")],
    ));
    assert!(e.contains("must be a positive integer"), "{e}");
    let e = errors(
        &scenario(1, 4, "", &[("app", "", "", 1, "1s")]).replace("\"standalone\"", "\"standalon\""),
    );
    assert!(e.contains("did you mean \"standalone\""), "{e}");
    let src = scenario(1, 4, "", &[("app", "", "", 1, "1s")])
        + "\n[[frameworks]]\nname = \"f\"\nkind = \"rigid\"\ntask = \"cpus:1;mem:128\"\n[frameworks.jobs]\narrival = { kind = \"at\", times = [\"1s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"1s\" }\n";
    let e = errors(&src);
    assert!(e.contains("[[frameworks]] are Mesos frameworks"), "{e}");
    let e = errors(&scenario(1, 4, "", &[("app", "", "", 1, "1s")]).replace(
        "resources = \"cpus:4;mem:8192\"",
        "resources = \"cpus(batch):2;cpus:2;mem:8192\"",
    ));
    assert!(e.contains("a standalone worker has no roles"), "{e}");
    // Without cluster.manager the masters must agree.
    let src = scenario(
        1,
        4,
        "",
        &[
            ("a", "master = \"spark://m:7077\"", "", 1, "1s"),
            ("b", "master = \"mesos://m:5050\"", "", 1, "1s"),
        ],
    )
    .replace("[cluster]\nmanager = \"standalone\"", "");
    let e = errors(&src);
    assert!(e.contains("one scenario describes one cluster"), "{e}");
}

#[test]
fn cluster_manager_overrides_the_apps_masters() {
    let src = scenario(
        2,
        4,
        "",
        &[("first", "master = \"mesos://m:5050\"", "", 8, "1s")],
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert_eq!(
        loaded.base.apps[0].master.to_string(),
        "spark://master:7077"
    );
    // Swept: the same apps on each manager, the same jobs.
    let set = sim::scenario::parse_assignment("cluster.manager=mesos,standalone,local").unwrap();
    let loaded = load_str(&src, &[set]).unwrap();
    let masters: Vec<String> = loaded
        .points
        .iter()
        .map(|p| p.scenario.apps[0].master.to_string())
        .collect();
    assert_eq!(
        masters,
        vec!["mesos://m:5050", "spark://master:7077", "local[*]"]
    );
}

#[test]
fn mesos_only_settings_are_errors_unless_the_managers_are_swept() {
    let src = scenario(
        1,
        4,
        "",
        &[(
            "app",
            "",
            "\"spark.mesos.role\" = \"bi\"\n\"spark.mesos.constraints\" = \"os:linux\"",
            1,
            "1s",
        )],
    ) + "\n[mesos.roles.bi]\nweight = 2.0\n";
    // Written for standalone, it relies on Mesos: errors.
    let e = errors(&src);
    assert!(e.contains("Spark ignores it"), "{e}");
    let e = errors(&src.replace("\"spark.mesos.constraints\" = \"os:linux\"", ""));
    assert!(
        e.contains("apps.app.conf.\"spark.mesos.role\"")
            && e.contains("on standalone it has no effect"),
        "{e}"
    );
    // Swept over the managers: warnings on the other points, and the Mesos
    // point keeps them.
    let set = sim::scenario::parse_assignment("cluster.manager=mesos,standalone").unwrap();
    let loaded = load_str(&src.replace("os:linux", "os:any"), &[set])
        .unwrap_or_else(|d| panic!("{:?}", d.errors));
    let w: Vec<&str> = loaded.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        w.iter()
            .any(|m| m.contains("on standalone it has no effect")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|m| m.contains("Spark ignores it") && m.contains("ignored here")),
        "{w:?}"
    );
    assert_eq!(loaded.points.len(), 2);
    // Moved to standalone with --set: warnings too.
    let mesos = src
        .replace("manager = \"standalone\"", "manager = \"mesos\"")
        .replace("os:linux", "os:any");
    let set = sim::scenario::parse_assignment("cluster.manager=standalone").unwrap();
    let loaded = load_str(&mesos, &[set]).unwrap_or_else(|d| panic!("{:?}", d.errors));
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("on standalone it has no effect"))
    );
}
