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
    assert!(
        e.contains("1.6.0, 1.6, 2.0, 2.1, 2.2, 2.3, 2.4.0, 2.4, 3.0, 3.x"),
        "{e}"
    );
    // Before 2.3 an idle timeout of 0 is refused.
    let e = errors(&scenario(
        "spark_version = \"2.2\"",
        &format!("{DYNAMIC}\n\"spark.dynamicAllocation.executorIdleTimeout\" = \"0s\""),
    ));
    assert!(
        e.contains("Spark 2.2 requires spark.dynamicAllocation.executorIdleTimeout > 0"),
        "{e}"
    );
    // A standalone Master runs the cluster's release: an app of another
    // line cannot register; 1.6.0 beside 1.6.3 is one line.
    let standalone =
        scenario("spark_version = \"1.6\"", "").replace("mesos://m:5050", "spark://m:7077");
    let e = errors(&standalone);
    assert!(
        e.contains("the standalone Master runs Spark 3.0 (cluster.spark_version); a Spark 1.6 app cannot register with it"),
        "{e}"
    );
    let same = format!("[cluster]\nspark_version = \"1.6.0\"\n{standalone}");
    assert!(load_str(&same, &[]).is_ok());
}

const DYNAMIC: &str =
    "\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.shuffle.service.enabled\" = \"true\"";

#[test]
fn a_16_app_with_dynamic_allocation_grabs_every_agent_until_its_first_request() {
    // 1.6 sends no initial target, so its Mesos backend is unlimited at
    // start: one executor on each agent at once. 3.0 starts at a limit of
    // 0 and ramps from the backlog, 1 s after the job at 10 s.
    let m = run(&scenario("spark_version = \"1.6\"", DYNAMIC));
    let launches: Vec<u64> = m.executors.iter().map(|e| e.launch.0).collect();
    assert_eq!(
        launches.iter().filter(|&&t| t == 0).count(),
        2,
        "{launches:?}"
    );
    let m = run(&scenario("", DYNAMIC));
    let launches: Vec<u64> = m.executors.iter().map(|e| e.launch.0).collect();
    assert!(launches.iter().all(|&t| t >= 11_000_000), "{launches:?}");
    // With spark.executor.instances set, 1.6 turns dynamic allocation off.
    let src = scenario(
        "spark_version = \"1.6\"",
        &format!("{DYNAMIC}\n\"spark.executor.instances\" = \"2\""),
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert!(!loaded.base.apps[0].settings.dynamic.enabled);
    assert!(format!("{:?}", loaded.warnings).contains("Spark 1.6 turns dynamic allocation off"));
}

#[test]
fn keys_a_line_does_not_have_are_warned_about_and_sim_keys_lists_each_lines() {
    // rejectOfferDurationForReachedMaxCores arrived in 2.0: a 1.6 app is
    // told its Spark ignores it.
    let src = scenario(
        "spark_version = \"1.6\"",
        "\"spark.mesos.rejectOfferDurationForReachedMaxCores\" = \"60s\"",
    );
    let w = format!("{:?}", load_str(&src, &[]).unwrap().warnings);
    assert!(
        w.contains("spark.mesos.rejectOfferDurationForReachedMaxCores does not exist in Spark 1.6 (it arrived in 2.0)"),
        "{w}"
    );
    // On 3.0 it is a key like any other.
    let src = scenario(
        "",
        "\"spark.mesos.rejectOfferDurationForReachedMaxCores\" = \"60s\"",
    );
    assert!(!format!("{:?}", load_str(&src, &[]).unwrap().warnings).contains("does not exist"));
    // spark.excludeOnFailure.* (3.1's names) do not exist before 3.0's line.
    let src = scenario(
        "spark_version = \"2.4\"",
        "\"spark.excludeOnFailure.timeout\" = \"10m\"",
    );
    let w = format!("{:?}", load_str(&src, &[]).unwrap().warnings);
    assert!(w.contains("(it arrived in 3.1)"), "{w}");
    // Shuffle tracking cannot replace the shuffle service before 3.0.
    let src = scenario(
        "spark_version = \"2.4\"",
        "\"spark.dynamicAllocation.enabled\" = \"true\"\n\"spark.dynamicAllocation.shuffleTracking.enabled\" = \"true\"",
    );
    let e = errors(&src);
    assert!(
        e.contains("requires the external shuffle service in Spark 2.4"),
        "{e}"
    );
    // `sim keys --version`: one line's properties.
    let v16 = policies::spark::keys::markdown_for(Some(policies::spark::SparkVersion::V1_6));
    assert!(v16.starts_with("# Spark properties the simulator knows, in Spark 1.6"));
    assert!(!v16.contains("`spark.mesos.rejectOfferDurationForReachedMaxCores`"));
    assert!(v16.contains("`spark.mesos.rejectOfferDurationForUnmetConstraints`"));
    let all = policies::spark::keys::markdown();
    assert!(all.contains("| `spark.mesos.rejectOfferDuration` |"));
    assert!(all.contains("| 2.2 |"));
}
