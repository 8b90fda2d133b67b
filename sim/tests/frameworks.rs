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
