//! Master failover (`[[faults]] master_failover`, docs/faults.md) on each
//! manager, hand-computed: the master fails at 15 s and the next leads at
//! 45 s; the executor on agent-0 fails at 16 s, so its replacement needs
//! the master.

mod common;

use common::run;
use sim::metrics::Metrics;
use sim::scenario::load_str;

/// Two 4-CPU agents, one app with two 4-core executors; jobs of eight
/// 10 s tasks at 10 s and 40 s; `extra` appended.
fn scenario(master: &str, extra: &str) -> String {
    format!(
        r#"
[run]
horizon = "10m"
drain = "10m"
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
[apps.jobs]
arrival = {{ kind = "at", times = ["10s", "40s"] }}
tasks = {{ kind = "constant", value = 8 }}
task_duration = {{ kind = "constant", value = "10s" }}
[[faults]]
kind = "master_failover"
at = "15s"
election = "30s"
[[faults]]
kind = "executor_failure"
app = "app"
agent = "agent-0"
at = "16s"
{extra}
"#
    )
}

/// (executor, host, launch µs, end µs, end reason) of an executor row.
type Row<'a> = (u64, &'a str, u64, Option<u64>, Option<&'static str>);

fn executors(m: &Metrics) -> Vec<Row<'_>> {
    m.executors
        .iter()
        .map(|e| {
            (
                e.executor,
                e.host.as_str(),
                e.launch.0,
                e.end.map(|t| t.0),
                e.end_reason,
            )
        })
        .collect()
}

fn second_job_end(m: &Metrics) -> Option<u64> {
    m.jobs
        .iter()
        .find(|j| j.job == 1)
        .and_then(|j| j.end.map(|t| t.0))
}

#[test]
fn mesos_makes_no_offer_until_the_next_master_leads() {
    // The failed executor's tasks rerun on the other executor (20–30 s);
    // its replacement waits for the new master: offered at 45 s,
    // registered at 46.020 s. Job 1 (40 s) runs 4 tasks from 40 s on
    // agent-1 and 4 on the replacement from 46.020 s: it ends at 56.020 s.
    let m = run(&scenario("mesos://m:5050", ""));
    assert!(
        m.offers
            .iter()
            .all(|o| o.offer_s.0 < 15_000_000 || o.offer_s.0 >= 45_000_000),
        "an offer during the election"
    );
    assert_eq!(
        executors(&m)[2],
        (2, "agent-0", 45_000_000, Some(56_020_000), Some("app_end"))
    );
    assert_eq!(second_job_end(&m), Some(56_020_000));
    let events: Vec<(&str, u64)> = m.failures.iter().map(|f| (f.event, f.time.0)).collect();
    assert_eq!(
        events,
        [
            ("master_down", 15_000_000),
            ("executor_failed", 16_000_000),
            ("master_elected", 45_000_000)
        ]
    );
}

#[test]
fn a_standalone_master_without_recovery_forgets_its_apps() {
    // recoveryMode NONE: at 45 s the new Master kills the executor the
    // worker reports; the app never gets another: job 1 stays unfinished.
    let m = run(&scenario("spark://m:7077", ""));
    assert_eq!(
        executors(&m),
        [
            (1, "agent-0", 0, Some(16_000_000), Some("failed")),
            (0, "agent-1", 0, Some(45_000_000), Some("master_lost"))
        ]
    );
    assert_eq!(second_job_end(&m), None);
}

#[test]
fn a_recovering_standalone_master_places_what_waited() {
    // ZOOKEEPER: executors run on through the failover; the replacement
    // the Master decided at 16 s is launched at 45 s (registered 46.020 s).
    let m = run(&scenario(
        "spark://m:7077",
        "[standalone.conf]\n\"spark.deploy.recoveryMode\" = \"ZOOKEEPER\"\n",
    ));
    assert_eq!(
        executors(&m)[2],
        (2, "agent-0", 45_000_000, Some(56_020_000), Some("app_end"))
    );
    assert_eq!(second_job_end(&m), Some(56_020_000));
}

#[test]
fn a_resource_manager_restart_keeps_or_loses_the_app_by_its_recovery_settings() {
    // Without recovery the app is unknown to the new ResourceManager: its
    // containers are killed and it fails.
    let m = run(&scenario("yarn", ""));
    let last = m.executors.iter().map(|e| e.end_reason).collect::<Vec<_>>();
    assert!(last.contains(&Some("rm_restart")), "{last:?}");
    assert_eq!(second_job_end(&m), None);
    // Work-preserving recovery: containers run on, the AM asks again at
    // 45 s and gets its replacement on a later heartbeat.
    let wp = "[yarn.conf]\n\"yarn.resourcemanager.recovery.enabled\" = \"true\"\n";
    let m = run(&scenario("yarn", wp));
    assert!(
        m.executors
            .iter()
            .all(|e| e.end_reason != Some("rm_restart"))
    );
    let replacement = m.executors.iter().map(|e| e.launch.0).max().unwrap();
    assert!(
        (45_000_000..47_000_000).contains(&replacement),
        "{replacement}"
    );
    assert!(second_job_end(&m).is_some());
    // Recovery without work preservation: every container is killed and a
    // new attempt (not counted) starts.
    let m = run(&scenario(
        "yarn",
        &format!("{wp}\"yarn.resourcemanager.work-preserving-recovery.enabled\" = \"false\"\n"),
    ));
    assert!(
        m.executors
            .iter()
            .any(|e| e.end_reason == Some("am_lost") && e.end.map(|t| t.0) == Some(45_000_000))
    );
    assert!(second_job_end(&m).is_some());
}

#[test]
fn a_failover_is_refused_where_there_is_no_master() {
    let src = scenario("local[2]", "").replace(
        "[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"16s\"\n",
        "",
    );
    let src = src.replace("count = 2", "count = 1");
    let e = format!("{:?}", load_str(&src, &[]).unwrap_err().errors);
    assert!(e.contains("there is no master to fail over"), "{e}");
    let bad = scenario("mesos://m:5050", "")
        .replace("election = \"30s\"", "election = \"soon\"\napp = \"app\"");
    let e = format!("{:?}", load_str(&bad, &[]).unwrap_err().errors);
    assert!(e.contains("faults.0.election"), "{e}");
    assert!(e.contains("a master failover takes no app"), "{e}");
    let bad = scenario(
        "spark://m:7077",
        "[standalone.conf]\n\"spark.deploy.recoveryMode\" = \"CUSTOM\"\n",
    );
    let e = format!("{:?}", load_str(&bad, &[]).unwrap_err().errors);
    assert!(e.contains("expected NONE, ZOOKEEPER or FILESYSTEM"), "{e}");
}
