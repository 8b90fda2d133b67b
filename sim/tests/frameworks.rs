//! Non-Spark Mesos frameworks (`[[frameworks]]`): when they register and
//! unregister, how many tasks they take from an offer, and their revive on
//! new work, hand-computed on one agent.

mod common;

use common::run;
use sim::metrics::Metrics;

/// One 4-CPU agent; one elastic framework with 1-CPU tasks of 100 s;
/// `keys` and `jobs` appended.
fn one(keys: &str, arrivals: &str) -> String {
    format!(
        r#"
[run]
horizon = "10m"
drain = "0s"
[[agents]]
count = 1
resources = "cpus:4;mem:16384"
[[frameworks]]
name = "fw"
kind = "elastic"
task = "cpus:1;mem:1024"
{keys}
[frameworks.jobs]
arrival = {{ kind = "at", times = [{arrivals}] }}
tasks = {{ kind = "constant", value = 2 }}
task_duration = {{ kind = "constant", value = "100s" }}
"#
    )
}

/// (submit, start, end) of each job, in µs.
fn jobs(m: &Metrics) -> Vec<(u64, Option<u64>, Option<u64>)> {
    m.jobs
        .iter()
        .map(|j| {
            (
                j.submit.as_micros(),
                j.start.map(|t| t.as_micros()),
                j.end.map(|t| t.as_micros()),
            )
        })
        .collect()
}

#[test]
fn a_framework_revives_on_new_work_after_declining_with_a_filter() {
    // At 0 s it launches its first job's 2 tasks and leaves 2 CPUs with a
    // 60 s filter. The second job comes at 10 s: reviving clears the
    // filter and asks for a run, so its tasks start at once (+20 ms
    // launch). Without the revive they wait for the filter, until 60 s.
    let m = run(&one("refuse = \"60s\"", "\"0s\", \"10s\""));
    assert_eq!(jobs(&m)[1].1, Some(10_020_000));
    let m = run(&one("refuse = \"60s\"\nrevive = false", "\"0s\", \"10s\""));
    assert_eq!(jobs(&m)[1].1, Some(60_020_000));
}

#[test]
fn a_framework_registers_at_its_start_and_counts_its_arrivals_from_there() {
    // start = 30 s: nothing is offered to it before; its job "at 5 s"
    // arrives at 35 s and starts at once.
    let m = run(&one("start = \"30s\"", "\"5s\""));
    assert_eq!(
        jobs(&m),
        [(35_000_000, Some(35_020_000), Some(135_020_000))]
    );
    assert!(m.offers.iter().all(|o| o.offer_s.as_micros() >= 30_000_000));
}

#[test]
fn a_framework_that_stops_at_a_time_takes_its_tasks_with_it() {
    // stop = 50 s: its 100 s tasks are killed at 50 s (a teardown), their
    // CPUs freed, and the job stays unfinished.
    let m = run(&one("stop = \"50s\"", "\"0s\""));
    assert_eq!(jobs(&m), [(0, Some(20_000), None)]);
    assert_eq!((m.cpus_allocated, m.cpus_busy), (0, 0));
    // "horizon": it stays registered with nothing to do.
    let m = run(&one("stop = \"horizon\"", "\"0s\""));
    assert_eq!(jobs(&m)[0].2, Some(100_020_000));
    assert!(m.offers.iter().any(|o| o.offer_s.as_micros() > 200_000_000));
}

#[test]
fn framework_start_stop_and_tasks_per_offer_are_checked() {
    let e = |keys: &str| {
        format!(
            "{:?}",
            sim::scenario::load_str(&one(keys, "\"0s\""), &[])
                .unwrap_err()
                .errors
        )
    };
    assert!(
        e("start = \"60s\"\nstop = \"30s\"")
            .contains("the framework stops at 30s, not after it starts at 1m")
    );
    assert!(e("tasks_per_offer = 0").contains("expected a positive number of tasks, got 0"));
    assert!(e("revive = \"yes\"").contains("revive"));
    let rigid = one("tasks_per_offer = 1", "\"0s\"").replace("\"elastic\"", "\"rigid\"");
    let err = format!(
        "{:?}",
        sim::scenario::load_str(&rigid, &[]).unwrap_err().errors
    );
    assert!(
        err.contains("tasks_per_offer applies to elastic and service frameworks"),
        "{err}"
    );
}

/// Four agents of 10 CPUs; frameworks x (role eng/x), y (eng/y) and o
/// (ops) each want four whole-agent tasks; `roles` appended. Returns the
/// CPUs each holds at the end.
fn tree(roles: &str) -> (i64, i64, i64) {
    let fw = |name: &str, role: &str| {
        format!(
            r#"
[[frameworks]]
name = "{name}"
role = "{role}"
kind = "elastic"
task = "cpus:10;mem:1024"
[frameworks.jobs]
arrival = {{ kind = "at", times = ["0s"] }}
tasks = {{ kind = "constant", value = 4 }}
task_duration = {{ kind = "constant", value = "1h" }}
"#
        )
    };
    let src = format!(
        "[run]\nhorizon = \"30s\"\ndrain = \"0s\"\n{roles}\n[[agents]]\ncount = 4\nresources = \"cpus:10;mem:10240\"\n{}{}{}",
        fw("x", "eng/x"),
        fw("y", "eng/y"),
        fw("o", "ops")
    );
    let m = run(&src);
    let last = |name: &str| {
        m.shares
            .iter()
            .rev()
            .find(|s| m.frameworks[s.framework.index()].0 == name)
            .map_or(0, |s| s.cpus / 1000)
    };
    (last("x"), last("y"), last("o"))
}

#[test]
fn hierarchical_roles_share_their_parents_portion() {
    // Mesos 1.11 DRFSorter (reference mesos-master.md §1.3): eng/x and
    // eng/y sort inside eng, which sorts against ops. All at 0: eng before
    // ops by name, x before y: agent 1 → x. eng 1/4 > ops 0: agent 2 → o.
    // eng and ops both 1/4, both handed resources once: eng by name, and
    // inside it y (0) before x: agent 3 → y. eng 1/2 > ops 1/4: agent 4 →
    // o. (Sorted flat, x would get two agents: x, y, o, then x by name.)
    assert_eq!(tree(""), (10, 10, 20));
    // eng weighs 3: its subtree's share counts a third. Agent 1 → x,
    // agent 2 → o (0 < 1/12), agent 3 → y (1/12 < 1/4), agent 4 → eng
    // again (1/6 < 1/4), x by name.
    assert_eq!(tree("[mesos.roles.eng]\nweight = 3.0"), (20, 10, 10));
    // A quota limit of 10 CPUs on eng caps its whole subtree: after x's
    // agent, eng's children are offered no CPUs, and ops takes the rest.
    assert_eq!(tree("[mesos.roles.eng]\nquota = \"cpus:10\""), (10, 0, 30));
}

#[test]
fn a_framework_that_takes_time_to_decide_holds_its_offers() {
    // decision_time 2 s: the agent is offered at 0 s, and the framework
    // answers at 2 s: its tasks launch then (RUNNING 2.020 s). The offer
    // counts as offered meanwhile.
    let m = run(&one(
        "decision_time = { kind = \"constant\", value = \"2s\" }",
        "\"0s\"",
    ));
    assert_eq!(jobs(&m)[0].1, Some(2_020_000));
    assert!(m.offered_integral > 0);
    // With offer_timeout 1 s the master rescinds the offer before the
    // answer, every time: the job never starts.
    let src = one(
        "decision_time = { kind = \"constant\", value = \"2s\" }",
        "\"0s\"",
    )
    .replace("[run]", "[mesos]\noffer_timeout = \"1s\"\n[run]");
    let m = run(&src);
    assert_eq!(jobs(&m)[0].1, None);
    assert!(
        m.offers.iter().all(|o| o.outcome == "rescinded"),
        "{:?}",
        m.offers
    );
}
