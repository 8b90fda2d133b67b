//! Injected failures (`[[faults]]`, docs/faults.md), hand-computed.

mod common;

use common::{one_app, run};
use sim::metrics::Metrics;

/// One 4-CPU agent and one app; `conf` for `[apps.conf]`, `faults` appended.
fn one_agent(conf: &str, jobs: &str, faults: &str) -> String {
    format!("{}{faults}\n", one_app("cpus:4;mem:16384", conf, jobs))
}

const FOUR_TASKS: &str = "arrival = { kind = \"at\", times = [\"10s\"] }\ntasks = { kind = \"constant\", value = 4 }\ntask_duration = { kind = \"constant\", value = \"10s\" }";

fn executor_failure(at: &str) -> String {
    format!(
        "[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"{at}\"\n"
    )
}

fn ends(m: &Metrics) -> Vec<(Option<u64>, Option<&'static str>)> {
    m.executors
        .iter()
        .map(|e| (e.end.map(|t| t.0), e.end_reason))
        .collect()
}

#[test]
fn a_failed_coarse_executor_is_replaced_and_its_tasks_rerun() {
    // The executor (4 cores) runs the 4 tasks from 10 s; it dies at 15 s.
    // Its terminal update revives offers: the run at 15 s launches a new
    // executor, registered at 16.020 s, which reruns all 4 tasks to 26.020 s.
    let m = run(&one_agent("", FOUR_TASKS, &executor_failure("15s")));
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(26_020_000));
    // The four tasks had run 5 s each: 20 task-seconds lost; each ran
    // twice.
    assert_eq!(m.lost_work.get("app"), Some(&20e6));
    assert_eq!(m.jobs[0].attempts, 8);
    assert_eq!(
        ends(&m),
        [
            (Some(15_000_000), Some("failed")),
            (Some(26_020_000), Some("app_end"))
        ]
    );
    assert_eq!(m.executors[1].launch.0, 15_000_000);
}

#[test]
fn two_failures_exclude_the_agent_for_good() {
    // A second failure on the same agent (2 = MAX_AGENT_FAILURES, §1.3):
    // no executor is launched there again and the job never finishes.
    let faults = format!("{}{}", executor_failure("15s"), executor_failure("20s"));
    let m = run(&one_agent("", FOUR_TASKS, &faults));
    assert_eq!(m.jobs[0].end, None);
    assert_eq!(
        ends(&m),
        [
            (Some(15_000_000), Some("failed")),
            (Some(20_000_000), Some("failed"))
        ]
    );
}

#[test]
fn a_failed_fine_grained_executor_is_created_and_charged_again() {
    // Fine mode: the executor (1 CPU) and 3 tasks launch at 10 s; the
    // tasks run once the executor's JVM is up (1 s): 11.020 s. The
    // executor dies at 15 s with its tasks; the driver revives, and the
    // run at 15 s creates a new executor, charged again, with the 3 tasks
    // rerun once its JVM is up: 16.020 s, done 26.020 s.
    let jobs = FOUR_TASKS.replace("value = 4", "value = 3");
    let m = run(&one_agent(
        "\"spark.mesos.coarse\" = \"false\"",
        &jobs,
        &executor_failure("15s"),
    ));
    assert_eq!(m.jobs[0].end.map(|t| t.0), Some(26_020_000));
    assert_eq!(
        ends(&m),
        [
            (Some(15_000_000), Some("failed")),
            (Some(26_020_000), Some("app_end"))
        ]
    );
    assert_eq!(m.executors[1].launch.0, 15_000_000);
    assert_eq!(m.executors[1].cpus.to_string(), "1");
    assert_eq!(m.executors_launched, 2);
}

#[test]
fn a_client_mode_driver_failure_ends_the_app() {
    let jobs = "arrival = { kind = \"every\", interval = \"20s\" }\ntasks = { kind = \"constant\", value = 2 }\ntask_duration = { kind = \"constant\", value = \"15s\" }";
    let fault = "[[faults]]\nkind = \"driver_failure\"\napp = \"app\"\nat = \"50s\"\n";
    let m = run(&one_agent("", jobs, fault));
    // Jobs at 0, 20, 40 s; the one of 40 s is running at 50 s and is
    // abandoned; nothing arrives after.
    let done: Vec<Option<u64>> = m.jobs.iter().map(|j| j.end.map(|t| t.0)).collect();
    assert_eq!(done, [Some(16_020_000), Some(35_000_000), None]);
    assert_eq!(ends(&m), [(Some(50_000_000), Some("driver_failed"))]);
}

fn cluster(supervise: bool) -> String {
    format!(
        r#"
[run]
horizon = "6m"
drain = "0s"

[[agents]]
count = 1
resources = "cpus:8;mem:32768"

[[apps]]
name = "app"
master = "mesos://m:7077"
deploy_mode = "cluster"
stop = "horizon"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
"spark.driver.supervise" = "{supervise}"
"spark.cores.max" = "4"
[apps.jobs]
arrival = {{ kind = "every", interval = "60s" }}
tasks = {{ kind = "constant", value = 4 }}
task_duration = {{ kind = "constant", value = "10s" }}

[[faults]]
kind = "driver_failure"
app = "app"
at = "65s"
"#
    )
}

#[test]
fn a_supervised_driver_is_relaunched_after_the_dispatchers_filter() {
    let m = run(&cluster(true));
    assert_eq!(m.driver_relaunches, 1);
    // (submit, end) in ms, in report order (unfinished last).
    let rows: Vec<(u64, Option<u64>)> = m
        .jobs
        .iter()
        .map(|j| (j.submit.0 / 1000, j.end.map(|t| t.0 / 1000)))
        .collect();
    // The driver task starts at 0 (RUNNING 0.020 s, JVM 1 s): the app
    // registers at 1.020 s and submits the job due at 0; its executor is
    // ready at 2.040 s. The failure at 65 s abandons the job of 60 s. The
    // relaunch is due at 66 s, but the dispatcher declined the offers of
    // its revive at 65 s with its 120 s filter: the new driver is launched
    // at the 185 s run and registers at 186.020 s, when the held jobs of
    // 120 s and 180 s are submitted; a new executor is ready at 187.040 s
    // and runs them one after the other.
    assert_eq!(
        rows,
        [
            (1_020, Some(12_040)),
            (186_020, Some(197_040)),
            (186_020, Some(207_040)),
            (240_000, Some(250_000)),
            (300_000, Some(310_000)),
            (60_000, None)
        ]
    );
    assert_eq!(
        ends(&m),
        [
            (Some(65_000_000), Some("driver_failed")),
            (Some(360_000_000), Some("app_end"))
        ]
    );
}

#[test]
fn an_unsupervised_cluster_driver_failure_ends_the_app() {
    let m = run(&cluster(false));
    assert_eq!(m.driver_relaunches, 0);
    let rows: Vec<(u64, Option<u64>)> = m
        .jobs
        .iter()
        .map(|j| (j.submit.0 / 1000, j.end.map(|t| t.0 / 1000)))
        .collect();
    assert_eq!(rows, [(1_020, Some(12_040)), (60_000, None)]);
    assert_eq!(ends(&m), [(Some(65_000_000), Some("driver_failed"))]);
}

/// executors.csv rows are unique by (point, replication, app, executor,
/// incarnation), also when an id comes back: a relaunched driver numbers
/// its executors from 0 again, and fine-grained mode names an executor
/// after its agent.
#[test]
fn executor_rows_are_unique_by_their_documented_key() {
    let jobs = FOUR_TASKS.replace("value = 4", "value = 3");
    let fine = one_agent(
        "\"spark.mesos.coarse\" = \"false\"",
        &jobs,
        &executor_failure("15s"),
    );
    for src in [cluster(true), fine] {
        let loaded = sim::scenario::load_str(&src, &[]).unwrap();
        let opts = sim::world::RunOptions {
            record_offers: false,
            check_invariants: true,
        };
        let results = sim::run::run_all(&loaded, opts).unwrap();
        let files = sim::report::render(&results, &loaded.sweep, false);
        let csv = &files.iter().find(|(n, _)| *n == "executors.csv").unwrap().1;
        let rows: Vec<Vec<&str>> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        // Both executors have id 0 (coarse: the new driver's first; fine:
        // agent 0's), told apart by the incarnation, in launch order.
        assert_eq!(rows.len(), 2, "{csv}");
        assert_eq!((rows[0][3], rows[0][13]), ("0", "0"), "{csv}");
        assert_eq!((rows[1][3], rows[1][13]), ("0", "1"), "{csv}");
        let launch = |r: &Vec<&str>| r[9].parse::<f64>().unwrap();
        assert!(launch(&rows[0]) < launch(&rows[1]), "launch order: {csv}");
        let mut keys: Vec<String> = rows
            .iter()
            .map(|r| [r[0], r[1], r[2], r[3], r[13]].join(","))
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), rows.len());
    }
}

/// `executor_failures`: from `at` on, a live executor fails after every gap
/// drawn from `between`.
fn failures_every(at: &str, between: &str) -> String {
    format!(
        "[[faults]]\nkind = \"executor_failures\"\napp = \"app\"\nat = \"{at}\"\nbetween = {between}\n"
    )
}

#[test]
fn executor_failures_from_a_distribution_take_a_live_executor_at_each_gap() {
    // Four 60 s tasks from 10 s; a constant gap of 15 s from 0 s. The one
    // executor fails at 15 s; its replacement (launched at 15 s) fails at
    // 30 s, its second failure on the agent, which excludes the agent
    // (§1.3): no executor is left to fail and the job never finishes.
    let long = FOUR_TASKS.replace("\"10s\" }", "\"60s\" }");
    let between = "{ kind = \"constant\", value = \"15s\" }";
    let m = run(&one_agent("", &long, &failures_every("0s", between)));
    assert_eq!(
        ends(&m),
        [
            (Some(15_000_000), Some("failed")),
            (Some(30_000_000), Some("failed"))
        ]
    );
    assert_eq!(m.jobs[0].end, None);
    // From 20 s on: the first failure at 35 s.
    let m = run(&one_agent("", &long, &failures_every("20s", between)));
    assert_eq!(m.executors[0].end.map(|t| t.0), Some(35_000_000));
    assert_eq!(m.executors[0].end_reason, Some("failed"));
}

#[test]
fn executor_failures_are_checked_and_weibull_gaps_are_drawn() {
    let bad = |fault: &str| {
        sim::scenario::load_str(&one_agent("", FOUR_TASKS, fault), &[])
            .err()
            .map(|d| format!("{:?}", d.errors))
            .unwrap_or_default()
    };
    let e = bad("[[faults]]\nkind = \"executor_failures\"\napp = \"app\"\n");
    assert!(
        e.contains("faults.0.between") && e.contains("missing"),
        "{e}"
    );
    let e = bad(
        "[[faults]]\nkind = \"executor_failures\"\napp = \"app\"\nagent = \"agent-0\"\nbetween = { kind = \"constant\", value = \"1m\" }\n",
    );
    assert!(e.contains("names no agent"), "{e}");
    let e = bad(
        "[[faults]]\nkind = \"executor_failure\"\napp = \"app\"\nagent = \"agent-0\"\nat = \"1m\"\nbetween = { kind = \"constant\", value = \"1m\" }\n",
    );
    assert!(
        e.contains("between applies to kind = \\\"executor_failures\\\" only"),
        "{e}"
    );
    let e = bad(&failures_every(
        "0s",
        "{ kind = \"weibull\", scale = \"10m\", shape = 0 }",
    ));
    assert!(e.contains("faults.0.between.shape"), "{e}");
    // Weibull gaps (shape 0.7: early failures), same bytes for the same seed.
    let weibull = failures_every("0s", "{ kind = \"weibull\", scale = \"20s\", shape = 0.7 }");
    let a = run(&one_agent("", FOUR_TASKS, &weibull));
    let b = run(&one_agent("", FOUR_TASKS, &weibull));
    assert_eq!(ends(&a), ends(&b));
    assert!(a.executors.iter().any(|e| e.end_reason == Some("failed")));
}

/// One 10 s task at 1 s on `master`, with `[[faults]] task_failures` of
/// `probability` (none when `None`) and `conf`.
fn one_task(master: &str, probability: Option<f64>, conf: &str) -> String {
    let fault = probability.map_or(String::new(), |p| {
        format!("[[faults]]\nkind = \"task_failures\"\napp = \"app\"\nprobability = {p}\n")
    });
    format!(
        "[run]\nhorizon = \"3m\"\ndrain = \"1m\"\n[[agents]]\ncount = 1\nresources = \"cpus:4;mem:16384\"\n[[apps]]\nname = \"app\"\nmaster = \"{master}\"\nexecutor_startup = {{ kind = \"constant\", value = \"1s\" }}\n[apps.conf]\n{conf}\n[apps.jobs]\narrival = {{ kind = \"at\", times = [\"60s\"] }}\ntasks = {{ kind = \"constant\", value = 1 }}\ntask_duration = {{ kind = \"constant\", value = \"10s\" }}\n{fault}"
    )
}

#[test]
fn a_task_failing_max_failures_times_aborts_its_job() {
    // Every attempt fails (probability 1 − 10⁻⁹ on this seed): local[2,4]
    // retries the task 3 times after its first failure, each 10 s; the
    // fourth failure, at 60 + 4 × 10 s, aborts the job.
    let m = run(&one_task("local[2,4]", Some(0.999_999_999), ""));
    assert_eq!(m.jobs.len(), 1);
    assert!(m.jobs[0].failed);
    assert_eq!(m.jobs[0].end, None);
    // Four failed attempts of 10 s: 40 task-seconds lost.
    assert_eq!(m.lost_work.get("app"), Some(&40e6));
    assert_eq!(m.jobs[0].attempts, 4);
    // local[2] does not retry: the first failure aborts.
    let m = run(&one_task("local[2]", Some(0.999_999_999), ""));
    assert!(m.jobs[0].failed);
    assert_eq!(m.lost_work.get("app"), Some(&10e6));
    // On Mesos, spark.task.maxFailures (4 by default; 2 here).
    let m = run(&one_task(
        "mesos://m:5050",
        Some(0.999_999_999),
        "\"spark.task.maxFailures\" = \"2\"",
    ));
    assert!(m.jobs[0].failed);
    // Never failing: the same run as without the fault.
    let with = run(&one_task("mesos://m:5050", Some(0.0), ""));
    let without = run(&one_task("mesos://m:5050", None, ""));
    assert_eq!(with.jobs, without.jobs);
    assert!(!with.jobs[0].failed);
}

#[test]
fn failed_attempts_cost_their_run_time_before_the_retry() {
    use sim::scenario::load_str;
    use sim::world::{RunOptions, World};
    // With a seed whose draws fail the first attempt only, the job ends
    // 10 s later than without failures: find such a seed among a few, then
    // check the exact end.
    let src = one_task("local[2,4]", Some(0.5), "");
    let sc = load_str(&src, &[]).unwrap().base;
    let opts = RunOptions {
        record_offers: false,
        check_invariants: true,
    };
    let ends: Vec<Option<u64>> = (0..40)
        .map(|seed| {
            let m = World::new(&sc, seed, opts).run().unwrap().metrics;
            m.jobs[0].end.map(|t| t.0)
        })
        .collect();
    // Every job that finished did so after 1, 2, 3 or 4 attempts of 10 s;
    // the others failed 4 times.
    for e in ends.iter().flatten() {
        assert!(
            [70_000_000, 80_000_000, 90_000_000, 100_000_000].contains(e),
            "{e}"
        );
    }
    assert!(ends.contains(&Some(80_000_000)) && ends.contains(&Some(70_000_000)));
    assert!(
        ends.contains(&None),
        "some seed fails 4 times in 40: {ends:?}"
    );
}

#[test]
fn task_failures_are_refused_where_they_are_not_modelled() {
    let bad = |src: String| {
        sim::scenario::load_str(&src, &[])
            .err()
            .map(|d| format!("{:?}", d.errors))
            .unwrap_or_default()
    };
    let e = bad(one_task(
        "mesos://m:5050",
        Some(0.1),
        "\"spark.mesos.coarse\" = \"false\"",
    ));
    assert!(e.contains("fine-grained mode"), "{e}");
    let e = bad(one_task("mesos://m:5050", Some(1.0), ""));
    assert!(e.contains("expected a probability in [0, 1), got 1"), "{e}");
    let e = bad(one_task(
        "mesos://m:5050",
        Some(0.1),
        "\"spark.task.maxFailures\" = \"0\"",
    ));
    assert!(e.contains("spark.task.maxFailures"), "{e}");
}
