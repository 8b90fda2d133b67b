//! Spark's local master end to end (reference standalone-yarn-local.md
//! §3): exact latencies on one machine, and what Spark refuses.

mod common;

use sim::scenario::load_str;

/// One app on `master` on a machine of `cpus` cores; `tasks` 2 s tasks at
/// 1 s, each needing all of a CPU (`cpu_fraction` 1).
fn scenario(master: &str, cpus: u32, tasks: u32, extra: &str) -> String {
    format!(
        r#"
[run]
horizon = "1m"
drain = "1m"

[[agents]]
count = 1
resources = "cpus:{cpus};mem:8192"

[[apps]]
name = "app"
master = "{master}"
{extra}
[apps.jobs]
arrival = {{ kind = "at", times = ["1s"] }}
tasks = {{ kind = "constant", value = {tasks} }}
task_duration = {{ kind = "constant", value = "2s" }}
cpu_fraction = 1.0
"#
    )
}

fn latency(src: &str) -> f64 {
    let m = common::run(src);
    assert_eq!(m.jobs.len(), 1);
    let j = &m.jobs[0];
    (j.end.expect("finished").0 - j.submit.0) as f64 / 1e6
}

#[test]
fn threads_are_the_slots() {
    // local: one thread, three tasks one after another.
    assert_eq!(latency(&scenario("local", 4, 3, "")), 6.0);
    // local[2]: two at once, then the third.
    assert_eq!(latency(&scenario("local[2]", 4, 3, "")), 4.0);
    // local[*] on 4 cores: four at once, then the fifth.
    assert_eq!(latency(&scenario("local[*]", 4, 5, "")), 4.0);
    // local[K,F]: F is a retry count, not threads.
    assert_eq!(latency(&scenario("local[2, 4]", 4, 3, "")), 4.0);
}

#[test]
fn more_threads_than_cores_share_the_cpus() {
    // local[8] on 4 cores: 8 CPU-bound tasks run at once at half speed.
    assert_eq!(latency(&scenario("local[8]", 4, 8, "")), 4.0);
}

#[test]
fn task_cpus_take_threads() {
    // spark.task.cpus = 2 on local[4]: two tasks at once.
    let conf = "[apps.conf]\n\"spark.task.cpus\" = \"2\"\n";
    assert_eq!(latency(&scenario("local[4]", 4, 4, conf)), 4.0);
}

#[test]
fn the_executor_is_the_driver_and_holds_its_threads() {
    let m = common::run(&scenario("local[2]", 4, 3, ""));
    assert_eq!(m.executors.len(), 1);
    let e = &m.executors[0];
    assert_eq!((e.executor, e.advertised_cores), (0, Some(2)));
    assert_eq!(e.cpus.whole_units(), 2);
    assert_eq!(e.ready, Some(e.launch));
    assert_eq!(e.end_reason, Some("app_end"));
    // No Mesos master runs: no offer, no allocation run.
    assert_eq!((m.offers_made, m.allocation_runs), (0, 0));
}

#[test]
fn dynamic_allocation_is_off_on_a_local_master() {
    let conf = "[apps.conf]\n\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.shuffle.service.enabled\" = \"true\"\n";
    let m = common::run(&scenario("local[2]", 4, 3, conf));
    assert!(m.allocations.is_empty());
    assert_eq!(m.executors.len(), 1);
}

fn errors(src: &str) -> String {
    match load_str(src, &[]) {
        Ok(_) => panic!("accepted"),
        Err(d) => d
            .errors
            .iter()
            .map(|e| format!("{} {}", e.path, e.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn spark_rejects_these() {
    let e = errors(&scenario("local[0]", 4, 3, ""));
    assert!(
        e.contains("apps.app.master") && e.contains("0 threads"),
        "{e}"
    );
    let e = errors(&scenario(
        "local[2]",
        4,
        3,
        "[apps.conf]\n\"spark.task.cpus\" = \"3\"\n",
    ));
    assert!(
        e.contains("apps.app.master") && e.contains("Only 2 cores available"),
        "{e}"
    );
    let e = errors(&scenario("local[2]", 4, 3, "deploy_mode = \"cluster\"\n"));
    assert!(
        e.contains("apps.app.deploy_mode")
            && e.contains("Cluster deploy mode is not compatible with master"),
        "{e}"
    );
    let mut src = scenario("local[2]", 4, 3, "");
    src += "\n[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"2s\"\n";
    let e = errors(&src);
    assert!(
        e.contains("faults.0.kind") && e.contains("its only executor is inside the driver"),
        "{e}"
    );
    // No cluster manager shares a local app's machine.
    let mut src = scenario("local[2]", 4, 3, "");
    src += "\n[[apps]]\nname = \"mesos\"\nmaster = \"mesos://m:5050\"\n[apps.jobs]\narrival = { kind = \"at\", times = [\"1s\"] }\ntasks = { kind = \"constant\", value = 1 }\ntask_duration = { kind = \"constant\", value = \"1s\" }\n";
    let e = errors(&src);
    assert!(e.contains("cannot also be shared by app \"mesos\""), "{e}");
    let src = src.replace("mesos://m:5050", "local[1]");
    let e = errors(&src);
    assert!(e.contains("2 local apps but 1 machines"), "{e}");
    let e = errors(&scenario("local-cluster[2,1,1024]", 4, 3, ""));
    assert!(e.contains("is a local master"), "{e}");
}

#[test]
fn a_driver_failure_ends_a_local_app() {
    let mut src = scenario("local[1]", 4, 3, "");
    src += "\n[[faults]]\nkind = \"driver_failure\"\napp = \"app\"\nat = \"2s\"\n";
    let m = common::run(&src);
    assert_eq!(m.executors[0].end_reason, Some("driver_failed"));
    assert!(m.jobs[0].end.is_none());
}
