//! A Spark version per app (`spark_version`, docs/spark-versions.md): the
//! same workload under the 1.6 and 3.0 rules.

mod common;

use common::run;
use sim::scenario::{load_str, parse_assignment};

fn scenario(version: &str, extra: &str) -> String {
    format!(
        r#"
[run]
horizon = "5m"
drain = "5m"
[[agents]]
count = 2
resources = "cpus:8;mem:32768"
[[apps]]
name = "app"
master = "mesos://m:5050"
{version}
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.cores.max" = "12"
"spark.executor.cores" = "2"
{extra}
[apps.jobs]
arrival = {{ kind = "at", times = ["10s"] }}
tasks = {{ kind = "constant", value = 12 }}
task_duration = {{ kind = "constant", value = "10s" }}
"#
    )
}

#[test]
fn a_16_app_runs_one_executor_per_agent_and_a_30_app_many() {
    // 1.6: one executor per agent with all its CPUs up to the cap (8 + 4),
    // spark.executor.cores ignored; 3.0: six 2-core executors.
    let m = run(&scenario("spark_version = \"1.6\"", ""));
    let mut cpus: Vec<u64> = m
        .executors
        .iter()
        .map(|e| e.cpus.whole_units() as u64)
        .collect();
    cpus.sort_unstable();
    assert_eq!(cpus, [4, 8]);
    let m = run(&scenario("", ""));
    assert_eq!(m.executors.len(), 6);
    assert!(m.executors.iter().all(|e| e.cpus.whole_units() == 2));
    // The cluster-wide default, and --set on the app, choose the line.
    let src = format!("[cluster]\nspark_version = \"1.6.3\"\n{}", scenario("", ""));
    assert_eq!(run(&src).executors.len(), 2);
    // 2.x (without dynamic allocation) runs 3.0's executor shapes.
    for v in ["2.0", "2.1", "2.2", "2.3", "2.4"] {
        let m = run(&scenario(&format!("spark_version = \"{v}\""), ""));
        assert_eq!(m.executors.len(), 6, "{v}");
    }
    let sc = load_str(
        &scenario("", ""),
        &[parse_assignment("apps.app.spark_version=1.6").unwrap()],
    )
    .unwrap()
    .base;
    assert_eq!(sc.apps[0].settings.version.name(), "1.6");
}

fn errors(src: &str) -> String {
    format!("{:?}", load_str(src, &[]).unwrap_err().errors)
}

#[test]
fn unknown_and_unmodelled_versions_are_refused() {
    let e = errors(&scenario("spark_version = \"1.5\"", ""));
    assert!(e.contains("unknown Spark version \\\"1.5\\\""), "{e}");
    assert!(e.contains("1.6, 2.0, 2.1, 2.2, 2.3, 2.4, 3.0, 3.x"), "{e}");
    let e = errors(&scenario(
        "spark_version = \"2.4\"",
        "\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.shuffle.service.enabled\" = \"true\"",
    ));
    assert!(
        e.contains("Spark 2.4's executor allocation manager is not modelled yet"),
        "{e}"
    );
    let e = errors(&scenario(
        "spark_version = \"1.6\"",
        "\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.shuffle.service.enabled\" = \"true\"",
    ));
    assert!(
        e.contains("Spark 1.6's executor allocation manager is not modelled yet"),
        "{e}"
    );
    let e = errors(
        &scenario("spark_version = \"1.6\"", "").replace("mesos://m:5050", "spark://m:7077"),
    );
    assert!(e.contains("modelled on Mesos only so far"), "{e}");
}
