//! Spark versions on standalone and YARN (docs/spark-versions.md, reference
//! standalone-yarn-local.md §1.11, §2.10): the same scenario under the
//! old and new rules.

mod common;

use common::run;
use policies::spark::SparkVersion;
use sim::scenario::{DeployMode, load_str};

/// Two 4-CPU agents, one app of two 4-core executors (`master`), one job
/// of two 8-task stages of 10 s from 10 s; `conf` and `extra` appended.
fn two_stages(cluster_version: &str, master: &str, conf: &str, extra: &str) -> String {
    format!(
        r#"
[run]
horizon = "20m"
drain = "20m"
[cluster]
spark_version = "{cluster_version}"
[[agents]]
count = 2
resources = "cpus:4;mem:16384"
[[apps]]
name = "app"
master = "{master}"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.cores.max" = "8"
"spark.executor.cores" = "4"
{conf}
[apps.jobs]
arrival = {{ kind = "at", times = ["10s"] }}
stages = 2
tasks = {{ kind = "constant", value = 8 }}
task_duration = {{ kind = "constant", value = "10s" }}
{extra}
"#
    )
}

const SERVICE: &str = "\"spark.shuffle.service.enabled\" = \"true\"";
const AGENT0_FAILS: &str =
    "[[faults]]\nkind = \"agent_failure\"\nagent = \"agent-0\"\nat = \"25s\"\n";

#[test]
fn before_23_a_standalone_driver_finds_a_lost_workers_outputs_by_fetching() {
    // agent-0 fails at 25 s with 4 stage-1 tasks on it; stage 0's 4
    // outputs there are served by the shuffle service, which died with
    // the machine. 3.0: `WorkerRemoved` makes the driver drop them when
    // the Master removes the worker; stage 1 has nothing running then, so
    // no fetch failure. 2.2: no `WorkerRemoved`; the outputs stay
    // registered, the 4 lost tasks start again on agent-1 at once and
    // fail on their fetch (at their start: the fetch's retries are not
    // modelled, docs/deviations.md): stage 1 fails once, then both stages
    // rerun the lost partitions.
    let m30 = run(&two_stages("3.0", "spark://m:7077", SERVICE, AGENT0_FAILS));
    let m22 = run(&two_stages("2.2", "spark://m:7077", SERVICE, AGENT0_FAILS));
    let noticed = |m: &sim::metrics::Metrics| {
        m.failures
            .iter()
            .find(|f| f.event == "machine_lost")
            .map(|f| (f.time.0, f.map_outputs))
            .unwrap()
    };
    assert_eq!(noticed(&m30), (120_000_000, 4));
    assert_eq!(noticed(&m22), (120_000_000, 4));
    assert_eq!(m30.fetch_failures.get("app"), None);
    assert_eq!(m22.fetch_failures.get("app"), Some(&1));
    assert_eq!(m22.map_outputs_lost, 4);
    assert_eq!(m22.stage_resubmissions.get("app"), Some(&1));
    // Both jobs end; 2.2's lost tasks started and were killed once more.
    assert!(m30.jobs[0].end.is_some() && m22.jobs[0].end.is_some());
    assert_eq!(m22.jobs[0].attempts, m30.jobs[0].attempts + 4);
}

#[test]
fn a_16_standalone_app_with_dynamic_allocation_starts_unlimited() {
    // 1.6 registers without an executor limit: the Master gives it both
    // workers at once. 2.0+ registers with a limit of 0 and grows from the
    // backlog of the job at 10 s.
    let da = format!("{SERVICE}\n\"spark.dynamicAllocation.enabled\" = \"true\"");
    let early = |v: &str| {
        run(&two_stages(v, "spark://m:7077", &da, ""))
            .executors
            .iter()
            .filter(|e| e.launch.0 < 10_000_000)
            .count()
    };
    assert_eq!(early("1.6"), 2);
    assert_eq!(early("2.0"), 0);
    assert_eq!(early("3.0"), 0);
}

#[test]
fn the_160_master_has_no_max_executor_retries() {
    let src = format!(
        "{}\n[standalone.conf]\n\"spark.deploy.maxExecutorRetries\" = \"3\"\n",
        two_stages("1.6.0", "spark://m:7077", "", "")
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert_eq!(loaded.base.standalone.max_executor_retries, 10);
    assert!(
        loaded.warnings.iter().any(|w| w
            .message
            .contains("spark.deploy.maxExecutorRetries does not exist in Spark 1.6.0")),
        "{:?}",
        loaded.warnings
    );
    let loaded = load_str(&src.replace("1.6.0", "1.6.3"), &[]).unwrap();
    assert_eq!(loaded.base.standalone.max_executor_retries, 3);
}

fn errors(src: &str) -> String {
    format!("{:?}", load_str(src, &[]).unwrap_err().errors)
}

#[test]
fn yarn_client_and_yarn_cluster_masters_before_30() {
    let app = |v: &str, master: &str, extra: &str| {
        two_stages("3.0", master, "", "").replace(
            "name = \"app\"",
            &format!("name = \"app\"\nspark_version = \"{v}\"\n{extra}"),
        )
    };
    let load = |src: &str| load_str(src, &[]).map_err(|d| format!("{:?}", d.errors));
    let l = load(&app("1.6", "yarn-cluster", "")).unwrap();
    assert_eq!(l.base.apps[0].deploy_mode, DeployMode::Cluster);
    assert_eq!(l.base.apps[0].master.to_string(), "yarn");
    assert!(l.warnings.iter().all(|w| !w.message.contains("deprecates")));
    let l = load(&app("1.6", "yarn-client", "")).unwrap();
    assert_eq!(l.base.apps[0].deploy_mode, DeployMode::Client);
    // 2.x accepts them with a deprecation warning.
    let l = load(&app("2.4", "yarn-cluster", "")).unwrap();
    assert_eq!(l.base.apps[0].deploy_mode, DeployMode::Cluster);
    assert!(
        l.warnings.iter().any(|w| w
            .message
            .contains("Spark 2.4 deprecates the master \"yarn-cluster\"")),
        "{:?}",
        l.warnings
    );
    // 3.0 refuses them; a contradicting deploy mode is refused.
    let e = errors(&app("3.0", "yarn-cluster", ""));
    assert!(e.contains("Spark 3 removed this form"), "{e}");
    let e = errors(&app("1.6", "yarn-cluster", "deploy_mode = \"client\""));
    assert!(
        e.contains("Client deploy mode is not compatible with master \\\"yarn-cluster\\\""),
        "{e}"
    );
}

#[test]
fn yarn_memory_overhead_keys_by_release() {
    // 1024 MiB heap; an overhead of 1500 MiB gives a 3072 MiB container,
    // the default 384 a 2048 MiB one. 1.6–2.2 read only
    // spark.yarn.executor.memoryOverhead; 2.3+ read
    // spark.executor.memoryOverhead, else the old name.
    let container = |v: &str, key: &str| {
        let src = two_stages(v, "yarn", &format!("\"{key}\" = \"1500\""), "");
        run(&src).executors[0].mem_mb
    };
    assert_eq!(container("1.6", "spark.yarn.executor.memoryOverhead"), 3072);
    assert_eq!(container("1.6", "spark.executor.memoryOverhead"), 2048);
    assert_eq!(container("2.2", "spark.executor.memoryOverhead"), 2048);
    assert_eq!(container("2.3", "spark.executor.memoryOverhead"), 3072);
    assert_eq!(container("3.0", "spark.yarn.executor.memoryOverhead"), 3072);
}

#[test]
fn yarn_launch_exclusion_arrived_in_24_under_its_old_name() {
    let exclusion = |v: &str, key: &str| {
        let src = two_stages(v, "yarn", &format!("\"{key}\" = \"true\""), "");
        load_str(&src, &[]).unwrap().base.apps[0]
            .settings
            .yarn
            .launch_exclusion
    };
    let old = "spark.yarn.blacklist.executor.launch.blacklisting.enabled";
    let new = "spark.yarn.executor.launch.excludeOnFailure.enabled";
    assert!(!exclusion("2.3", old));
    assert!(exclusion("2.4.0", old));
    assert!(exclusion("2.4", old));
    assert!(!exclusion("2.4", new));
    assert!(exclusion("3.0", new));
    assert!(exclusion("3.0", old));
}

#[test]
fn a_local_master_is_the_same_on_every_line() {
    // Reference standalone-yarn-local.md §3: 1.6's LocalBackend and 3.0's
    // LocalSchedulerBackend are the same in substance.
    let src = |v: &str| {
        two_stages(v, "local[4]", "", "").replace(
            "\"spark.cores.max\" = \"8\"\n\"spark.executor.cores\" = \"4\"\n",
            "",
        )
    };
    let m16 = run(&src("1.6"));
    let m30 = run(&src("3.0"));
    assert_eq!(m16.jobs[0].end, m30.jobs[0].end);
    // 16 tasks of 10 s on 4 threads from 10 s: 50 s.
    assert_eq!(m30.jobs[0].end.map(|t| t.0), Some(50_000_000));
}

#[test]
fn a_version_written_as_a_bare_number_keeps_its_minor() {
    // `--set cluster.spark_version=2.0` arrives as the TOML float 2.0.
    let src = two_stages("3.0", "mesos://m:5050", "", "")
        .replace("spark_version = \"3.0\"", "spark_version = 2.0");
    let sc = load_str(&src, &[]).unwrap().base;
    assert_eq!(sc.spark_version, SparkVersion::V2_0);
    let sc = load_str(&src.replace("= 2.0", "= 1.6"), &[]).unwrap().base;
    assert_eq!(sc.spark_version, SparkVersion::V1_6);
}
