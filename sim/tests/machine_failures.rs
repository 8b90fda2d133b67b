//! Machines that fail (`[[faults]]` `agent_failure`, `agent_failures`,
//! `rack_failures`, docs/faults.md): each manager's detection delay, what
//! it takes down, and the machine's return, hand-computed.

mod common;

use common::run;
use sim::metrics::{FailureRow, Metrics};
use sim::scenario::load_str;

/// Two 4-CPU agents, one app with two 4-core executors (one per agent),
/// eight 100 s tasks from 10 s; `faults` appended.
fn two_agents(master: &str, faults: &str) -> String {
    format!(
        r#"
[run]
horizon = "20m"
drain = "20m"

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
arrival = {{ kind = "at", times = ["10s"] }}
tasks = {{ kind = "constant", value = 8 }}
task_duration = {{ kind = "constant", value = "100s" }}
{faults}
"#
    )
}

fn agent0_fails(at: &str, repair: Option<&str>) -> String {
    let repair = repair
        .map(|r| format!("repair = {{ kind = \"constant\", value = \"{r}\" }}\n"))
        .unwrap_or_default();
    format!("[[faults]]\nkind = \"agent_failure\"\nagent = \"agent-0\"\nat = \"{at}\"\n{repair}")
}

fn rows(m: &Metrics) -> Vec<(u64, &'static str, &str)> {
    m.failures
        .iter()
        .map(|f| (f.time.0, f.event, f.host.as_str()))
        .collect()
}

fn lost(m: &Metrics) -> &FailureRow {
    m.failures
        .iter()
        .find(|f| f.event == "machine_lost")
        .expect("a machine_lost row")
}

#[test]
fn a_mesos_agent_is_unreachable_after_five_missed_pings() {
    // Pings every 15 s from 0: the agent fails at 30 s, just as a ping is
    // due, so that ping is the first it misses; the fifth timeout after it
    // is at 30 + 75 = 105 s. Its executor (4 tasks, run 20 s each: from
    // 10 s to 30 s) is LOST then; the 4 tasks rerun on the other executor
    // once its own 4 end at 110 s: the job ends at 210 s.
    let m = run(&two_agents("mesos://m:5050", &agent0_fails("30s", None)));
    assert_eq!(
        rows(&m),
        [
            (30_000_000, "machine_down", "agent-0"),
            (105_000_000, "machine_lost", "agent-0")
        ]
    );
    let l = lost(&m);
    assert_eq!((l.executors, l.tasks), (1, 4));
    assert_eq!(l.lost_work, 80e6);
    assert_eq!(m.lost_work.get("app"), Some(&80e6));
    let e = m.executors.iter().find(|e| e.host == "agent-0").unwrap();
    assert_eq!(
        (e.end.map(|t| t.0), e.end_reason),
        (Some(105_000_000), Some("lost"))
    );
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(210_000_000));
    assert_eq!(m.jobs[0].attempts, 12);

    // One second later the next ping (45 s) is the first missed: 120 s.
    let m = run(&two_agents("mesos://m:5050", &agent0_fails("31s", None)));
    assert_eq!(lost(&m).time.0, 120_000_000);
}

#[test]
fn a_standalone_worker_is_dead_60_to_120_s_after_its_last_heartbeat() {
    // Heartbeats every 15 s, checks every 60 s from 0, a worker removed
    // once its last heartbeat is more than 60 s old. Failing at 30 s (last
    // heartbeat 30 s): the check at 120 s is the first with 30 < 120 − 60.
    let m = run(&two_agents("spark://m:7077", &agent0_fails("30s", None)));
    assert_eq!(lost(&m).time.0, 120_000_000);
    assert_eq!((lost(&m).executors, lost(&m).tasks), (1, 4));
    // Failing at 61 s (last heartbeat 60 s): 60 < 120 − 60 is false, so
    // the check at 180 s: 120 s after the heartbeat, the longest wait.
    let m = run(&two_agents("spark://m:7077", &agent0_fails("61s", None)));
    assert_eq!(lost(&m).time.0, 180_000_000);
    // Failing at 74 s (last heartbeat 60 s as well): still 180 s.
    let m = run(&two_agents("spark://m:7077", &agent0_fails("74s", None)));
    assert_eq!(lost(&m).time.0, 180_000_000);
    // Failing at 75 s, right after a heartbeat at 75 s: the check at 180 s
    // (75 < 180 − 60), 105 s after it.
    let m = run(&two_agents("spark://m:7077", &agent0_fails("75s", None)));
    assert_eq!(lost(&m).time.0, 180_000_000);
}

#[test]
fn on_yarn_the_driver_expires_the_executor_before_the_node_is_lost() {
    // The executor on agent-0 registered at some time r and heartbeats
    // every 10 s from r; the driver checks every 60 s from its start (0)
    // and expires an executor silent for more than 120 s; the
    // ResourceManager declares the node LOST 600 s after the failure.
    // A second job at 700 s keeps the app running past the expiry.
    let src = two_agents("yarn", &agent0_fails("30s", None))
        .replace("times = [\"10s\"]", "times = [\"10s\", \"700s\"]");
    let m = run(&src);
    let e = m
        .failures
        .iter()
        .find(|f| f.event == "executor_lost")
        .expect("expired");
    let ex = m.executors.iter().find(|x| x.host == "agent-0").unwrap();
    let r = ex.ready.unwrap().0;
    let last = r + (30_000_000 - r) / 10_000_000 * 10_000_000;
    let check = (last + 120_000_000) / 60_000_000 * 60_000_000 + 60_000_000;
    assert_eq!(e.time.0, check);
    assert_eq!((e.executors, e.tasks), (1, 4));
    assert_eq!(ex.end_reason, Some("lost"));
    // A replacement is asked for at once (the target is kept).
    assert!(m.executors.iter().any(|x| x.launch.0 > e.time.0));
    assert_eq!(lost(&m).time.0, 630_000_000);
}

#[test]
fn a_repaired_mesos_agent_registers_again_as_a_new_agent() {
    // Back at 130 s (after the 105 s detection): an empty new agent that
    // the app gets offers from again: a new executor launches there and
    // takes two... the pending tasks.
    let m = run(&two_agents(
        "mesos://m:5050",
        &agent0_fails("30s", Some("100s")),
    ));
    assert_eq!(
        rows(&m),
        [
            (30_000_000, "machine_down", "agent-0"),
            (105_000_000, "machine_lost", "agent-0"),
            (130_000_000, "machine_up", "agent-0")
        ]
    );
    let again: Vec<_> = m
        .executors
        .iter()
        .filter(|e| e.host == "agent-0" && e.launch.0 >= 130_000_000)
        .collect();
    assert_eq!(again.len(), 1);
    // Back before the detection (at 60 s): the agent reports its executor
    // gone at once, and registers again.
    let m = run(&two_agents(
        "mesos://m:5050",
        &agent0_fails("30s", Some("30s")),
    ));
    assert_eq!(
        rows(&m),
        [
            (30_000_000, "machine_down", "agent-0"),
            (60_000_000, "machine_lost", "agent-0"),
            (60_000_000, "machine_up", "agent-0")
        ]
    );
    assert_eq!(lost(&m).cause, "it came back without its processes");
}

#[test]
fn a_rack_goes_down_together() {
    let src = two_agents(
        "mesos://m:5050",
        "[[faults]]\nkind = \"agent_failure\"\nrack = \"r1\"\nat = \"30s\"\n",
    )
    .replace("count = 2\n", "count = 4\nracks = 2\n");
    let m = run(&src);
    let down: Vec<_> = rows(&m)
        .into_iter()
        .filter(|r| r.1 == "machine_down")
        .collect();
    // Racks r0, r1 alternate: agents 1 and 3 are r1.
    assert_eq!(
        down,
        [
            (30_000_000, "machine_down", "agent-1"),
            (30_000_000, "machine_down", "agent-3")
        ]
    );
}

/// Failures drawn per machine: `agent_failures` on group `a`, and maybe
/// another on group `b`.
fn drawn(second: bool) -> String {
    let mut s = String::from(
        r#"
[run]
seed = 11
horizon = "2h"
drain = "0s"

[[agents]]
name = "a"
count = 3
resources = "cpus:4;mem:16384"

[[agents]]
name = "b"
count = 2
resources = "cpus:4;mem:16384"

[[apps]]
name = "app"
master = "spark://m:7077"
[apps.jobs]
arrival = { kind = "poisson", mean = "30s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "exponential", mean = "20s" }

[[faults]]
kind = "agent_failures"
group = "a"
between = { kind = "weibull", scale = "20m", shape = 0.8 }
repair = { kind = "exponential", mean = "5m" }
"#,
    );
    if second {
        s += "\n[[faults]]\nkind = \"agent_failures\"\ngroup = \"b\"\nbetween = { kind = \"exponential\", mean = \"10m\" }\nrepair = { kind = \"constant\", value = \"1m\" }\n";
    }
    s
}

#[test]
fn machine_failures_from_distributions_come_from_their_own_streams() {
    let one = run(&drawn(false));
    let two = run(&drawn(true));
    let of_a = |m: &Metrics| -> Vec<(u64, &'static str, String)> {
        m.failures
            .iter()
            .filter(|f| f.host.starts_with("a-") && f.event != "machine_lost")
            .map(|f| (f.time.0, f.event, f.host.clone()))
            .collect()
    };
    // Group a's failures and repairs are the same whether group b fails
    // or not, and the workload's arrivals too.
    assert_eq!(of_a(&one), of_a(&two));
    assert!(of_a(&one).len() >= 6, "{:?}", of_a(&one));
    let submits = |m: &Metrics| {
        let mut s = m.jobs.iter().map(|j| j.submit.0).collect::<Vec<_>>();
        s.sort_unstable();
        s
    };
    assert_eq!(submits(&one), submits(&two));
    assert!(two.failures.iter().any(|f| f.host.starts_with("b-")));
    // Every failure is followed by the machine's return, in order.
    for host in ["a-0", "a-1", "a-2"] {
        let events: Vec<&str> = one
            .failures
            .iter()
            .filter(|f| f.host == host && f.event != "machine_lost")
            .map(|f| f.event)
            .collect();
        for pair in events.chunks(2) {
            assert_eq!(pair[0], "machine_down");
            if pair.len() == 2 {
                assert_eq!(pair[1], "machine_up");
            }
        }
    }
}

fn errors(src: &str) -> String {
    match load_str(src, &[]) {
        Ok(_) => panic!("accepted:\n{src}"),
        Err(d) => format!("{:?}", d.errors),
    }
}

#[test]
fn impossible_machine_faults_are_refused() {
    let base = two_agents("mesos://m:5050", "");
    let e = errors(&format!(
        "{base}[[faults]]\nkind = \"agent_failure\"\nrack = \"r9\"\nat = \"1s\"\n"
    ));
    assert!(e.contains("no agent has a rack"), "{e}");
    let racked = base.replace("count = 2\n", "count = 2\nracks = 2\n");
    let e = errors(&format!(
        "{racked}[[faults]]\nkind = \"agent_failure\"\nrack = \"r9\"\nat = \"1s\"\n"
    ));
    assert!(
        e.contains("no rack named \\\"r9\\\" (the racks: r0, r1)"),
        "{e}"
    );
    let e = errors(&format!(
        "{base}[[faults]]\nkind = \"agent_failures\"\ngroup = \"nope\"\nbetween = {{ kind = \"exponential\", mean = \"1h\" }}\n"
    ));
    assert!(e.contains("no agent group named"), "{e}");
    let e = errors(&format!(
        "{base}[[faults]]\nkind = \"agent_failures\"\ngroup = \"agent\"\nbetween = {{ kind = \"exponential\", mean = \"-1h\" }}\n"
    ));
    assert!(e.contains("faults.0.between.mean"), "{e}");
    let e = errors(&format!(
        "{base}[[faults]]\nkind = \"agent_failure\"\nagent = \"agent-0\"\napp = \"app\"\nat = \"1s\"\n"
    ));
    assert!(e.contains("app does not apply"), "{e}");
    let local = two_agents("local[2]", "").replace("count = 2\n", "count = 1\n");
    let e = errors(&format!(
        "{local}[[faults]]\nkind = \"agent_failure\"\nagent = \"agent-0\"\nat = \"1s\"\n"
    ));
    assert!(e.contains("no machine to lose"), "{e}");
}

/// Two agents, two 4-core executors, one job of two 8-task stages of 10 s
/// from 10 s: stage 0 runs 10–20 s, stage 1 20–30 s.
fn two_stages(conf: &str, faults: &str) -> String {
    two_agents("mesos://m:5050", faults)
        .replace(
            "tasks = { kind = \"constant\", value = 8 }",
            "stages = 2\ntasks = { kind = \"constant\", value = 8 }",
        )
        .replace("value = \"100s\"", "value = \"10s\"")
        .replace(
            "\"spark.executor.cores\" = \"4\"\n",
            &format!("\"spark.executor.cores\" = \"4\"\n{conf}\n"),
        )
}

const EXECUTOR0_FAILS: &str =
    "[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"25s\"\n";

#[test]
fn without_the_shuffle_service_a_lost_executor_takes_its_map_outputs_and_the_map_stage_runs_again()
{
    // At 25 s the executor on agent-0 fails: its 4 stage-1 tasks are
    // pending again (20 task-seconds lost). Without the shuffle service
    // its 4 stage-0 outputs are gone: stage 1 fails on a fetch failure
    // (its 4 tasks running on agent-1 killed: 20 more task-seconds) and
    // stage 0 runs its 4 lost partitions again on agent-1's free executor,
    // 25–35 s; stage 1 then runs all 8 partitions, 35–45 s.
    let m = run(&two_stages(
        "\"spark.shuffle.service.enabled\" = \"false\"",
        EXECUTOR0_FAILS,
    ));
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(45_000_000));
    assert_eq!(m.lost_work.get("app"), Some(&40e6));
    assert_eq!(m.fetch_failures.get("app"), Some(&1));
    assert_eq!(m.stage_resubmissions.get("app"), Some(&1));
    // 8 + 8, then 4 of stage 0 and 8 of stage 1 again.
    assert_eq!(m.jobs[0].attempts, 28);
    // failures.csv: what the failure took down.
    let f = &m.failures[0];
    assert_eq!(
        (f.event, f.host.as_str(), f.app.as_str(), f.cause.as_str()),
        (
            "executor_failed",
            "agent-0",
            "app",
            "faults.0 executor_failure"
        )
    );
    assert_eq!(
        (f.executors, f.tasks, f.lost_work, f.map_outputs),
        (1, 8, 40e6, 4)
    );

    // With it, the outputs stay readable: only the 4 lost tasks run
    // again, on the replacement executor (registered at 26.020 s).
    let m = run(&two_stages(
        "\"spark.shuffle.service.enabled\" = \"true\"",
        EXECUTOR0_FAILS,
    ));
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(36_020_000));
    assert_eq!(m.lost_work.get("app"), Some(&20e6));
    assert_eq!(m.fetch_failures.get("app"), None);
    assert_eq!(m.jobs[0].attempts, 20);
}

#[test]
fn a_stage_failing_max_consecutive_attempts_times_aborts_its_job() {
    // spark.stage.maxConsecutiveAttempts = 1: the first fetch failure
    // aborts the job at 25 s.
    let m = run(&two_stages(
        "\"spark.stage.maxConsecutiveAttempts\" = \"1\"",
        EXECUTOR0_FAILS,
    ));
    assert!(m.jobs[0].failed);
    assert_eq!(m.jobs[0].end, None);
    assert_eq!(m.fetch_failures.get("app"), Some(&1));
    let f = m.failures.iter().find(|f| f.event == "job_failed").unwrap();
    assert_eq!(f.time.0, 25_000_000);
    assert_eq!(
        f.cause,
        "job 0: a stage failed spark.stage.maxConsecutiveAttempts times on fetch failures"
    );
}

#[test]
fn a_lost_machine_takes_its_map_outputs_even_with_the_shuffle_service() {
    // agent-0 fails at 25 s, noticed at 30 + 75 = 105 s: its 4 stage-1
    // tasks are lost then, and its 4 stage-0 outputs with the machine
    // (the shuffle service ran there). Stage 1 has nothing running (its
    // other 4 tasks ended at 30 s): no fetch failure, it waits; stage 0
    // runs its 4 lost partitions on agent-1, 105–115 s, then stage 1 its
    // 4 unfinished ones, 115–125 s.
    let m = run(&two_stages(
        "\"spark.shuffle.service.enabled\" = \"true\"",
        &agent0_fails("25s", None),
    ));
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(125_000_000));
    assert_eq!(lost(&m).map_outputs, 4);
    assert_eq!(lost(&m).time.0, 105_000_000);
    assert_eq!(m.stage_resubmissions.get("app"), Some(&1));
    assert_eq!(m.fetch_failures.get("app"), None);
}

#[test]
fn a_supervised_standalone_driver_on_a_dead_worker_is_relaunched_once_the_master_removes_it() {
    // Cluster mode, supervised: the driver runs on one of three workers.
    // Failing each worker in turn at 30 s finds the one that ran it: the
    // app goes with the driver at 30 s, and when the Master removes the
    // worker (the check at 120 s) the driver is relaunched elsewhere and
    // its new SparkContext gets executors again.
    let mut found = false;
    for w in 0..3 {
        let src = two_agents(
            "spark://m:7077",
            &format!("[[faults]]\nkind = \"agent_failure\"\nagent = \"agent-{w}\"\nat = \"30s\"\n"),
        )
        .replace("count = 2\n", "count = 3\n")
        .replace(
            "master = \"spark://m:7077\"",
            "master = \"spark://m:7077\"\ndeploy_mode = \"cluster\"",
        )
        .replace(
            "\"spark.cores.max\" = \"8\"",
            "\"spark.cores.max\" = \"4\"\n\"spark.driver.supervise\" = \"true\"",
        )
        .replace("times = [\"10s\"]", "times = [\"10s\", \"200s\"]");
        let m = run(&src);
        let Some(lost) = m.failures.iter().find(|f| f.event == "driver_lost") else {
            continue;
        };
        found = true;
        assert_eq!(lost.time.0, 30_000_000);
        assert_eq!(m.driver_relaunches, 1);
        assert_eq!(lost.host, format!("agent-{w}"));
        // Executors of the new SparkContext, launched after the 120 s
        // removal, run the job of 200 s.
        assert!(m.executors.iter().any(|e| e.launch.0 > 120_000_000));
        let second = m.jobs.iter().find(|j| j.submit.0 == 200_000_000).unwrap();
        assert!(second.end.is_some());
    }
    assert!(found, "no worker ran the driver");
}

fn agent0_process_fails(repair: Option<&str>) -> String {
    format!("{}cause = \"process\"\n", agent0_fails("30s", repair))
}

#[test]
fn an_agent_process_crash_is_noticed_at_once_and_the_agent_may_come_back_as_itself() {
    // Mesos: the connection breaks at 30 s: the executor is TASK_LOST at
    // once, the agent deactivated (no offers; it stays in the totals).
    // Back at 130 s it re-registers as itself and is offered again.
    let m = run(&two_agents(
        "mesos://m:5050",
        &agent0_process_fails(Some("100s")),
    ));
    assert_eq!(
        rows(&m),
        [
            (30_000_000, "process_down", "agent-0"),
            (30_000_000, "machine_lost", "agent-0"),
            (130_000_000, "machine_up", "agent-0")
        ]
    );
    assert!(
        lost(&m).cause.starts_with("agent disconnected"),
        "{}",
        lost(&m).cause
    );
    assert_eq!((lost(&m).executors, lost(&m).tasks), (1, 4));
    assert!(
        m.offers.iter().all(|o| o.agent.index() != 0
            || o.offer_s.0 < 30_000_000
            || o.offer_s.0 >= 130_000_000)
    );
    assert!(
        m.executors
            .iter()
            .any(|e| e.host == "agent-0" && e.launch.0 >= 130_000_000)
    );
    // Never back: removed when agent_reregister_timeout (600 s) runs out.
    let src = two_agents("mesos://m:5050", &agent0_process_fails(None))
        .replace("times = [\"10s\"]", "times = [\"10s\", \"700s\"]");
    let m = run(&src);
    let removed = m
        .failures
        .iter()
        .filter(|f| f.event == "machine_lost")
        .nth(1)
        .unwrap();
    assert_eq!(removed.time.0, 630_000_000);
}

#[test]
fn a_worker_process_crash_is_removed_at_once_and_a_nodemanager_crash_keeps_its_containers() {
    // Standalone: `onDisconnected` removes the worker at 30 s.
    let m = run(&two_agents("spark://m:7077", &agent0_process_fails(None)));
    assert_eq!(lost(&m).time.0, 30_000_000);
    assert_eq!((lost(&m).executors, lost(&m).tasks), (1, 4));
    // YARN: the executors run on (the job of 100 s tasks ends as without
    // a failure, at 110 s and some container start-up), and the
    // NodeManager is LOST at 630 s with nothing of the app left there.
    let src = two_agents("yarn", &agent0_process_fails(None))
        .replace("times = [\"10s\"]", "times = [\"10s\", \"700s\"]");
    let m = run(&src);
    assert!(m.failures.iter().all(|f| f.event != "executor_lost"));
    assert_eq!(lost(&m).time.0, 630_000_000);
    let first = m.jobs.iter().find(|j| j.job == 0).unwrap();
    assert!(first.end.unwrap().0 < 120_000_000, "{:?}", first.end);
    assert_eq!(first.attempts, 8);
    // Bad causes are refused.
    let bad = two_agents(
        "mesos://m:5050",
        &format!("{}cause = \"cosmic ray\"\n", agent0_fails("30s", None)),
    );
    let e = format!("{:?}", load_str(&bad, &[]).unwrap_err().errors);
    assert!(
        e.contains("expected \\\"host\\\" (the machine stops) or \\\"process\\\""),
        "{e}"
    );
}
