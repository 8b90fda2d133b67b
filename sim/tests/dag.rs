//! Jobs as DAGs of stages end to end (`[apps.jobs] shape`): hand-computed
//! latencies for a fan-in and a diamond, on Spark's local master and on
//! Mesos (coarse-grained), and the scenario errors of the shape keys.

mod common;

use sim::scenario::load_str;

/// One job at 60 s (executors are up by then) on `master`, on one agent of
/// `cpus` cores; `tasks` tasks of 2 s per stage, CPU-bound.
fn scenario(master: &str, cpus: u32, tasks: u32, jobs: &str, conf: &str) -> String {
    let jobs = format!(
        r#"arrival = {{ kind = "at", times = ["60s"] }}
tasks = {{ kind = "constant", value = {tasks} }}
task_duration = {{ kind = "constant", value = "2s" }}
cpu_fraction = 1.0
{jobs}"#
    );
    common::one_app(&format!("cpus:{cpus};mem:65536"), conf, &jobs)
        .replace("mesos://m:5050", master)
}

/// The one job's latency (s) and its stage and task counts.
fn run(src: &str) -> (f64, u32, u32) {
    let m = common::run(src);
    assert_eq!(m.jobs.len(), 1);
    let j = &m.jobs[0];
    let end = j.end.expect("the job finished");
    ((end.0 - j.submit.0) as f64 / 1e6, j.stages, j.tasks)
}

#[test]
fn a_diamonds_middle_stages_run_side_by_side() {
    // local[4], 2 tasks per stage: stage 0 (2 s), stages 1 and 2 together
    // on the four threads (2 s), stage 3 (2 s).
    let diamond = r#"shape = "diamond""#;
    assert_eq!(run(&scenario("local[4]", 8, 2, diamond, "")), (6.0, 4, 8));
    // The same four stages as a chain: 4 × 2 s.
    assert_eq!(
        run(&scenario("local[4]", 8, 2, "stages = 4", "")),
        (8.0, 4, 8)
    );
    // local[2]: stages 1 and 2 queue FIFO by stage id, 2 s each.
    assert_eq!(run(&scenario("local[2]", 8, 2, diamond, "")), (8.0, 4, 8));
    // local[3]: stage 1's two tasks and one of stage 2's (2 s), then
    // stage 2's second (2 s), then stage 3 (2 s).
    assert_eq!(run(&scenario("local[3]", 8, 2, diamond, "")), (8.0, 4, 8));
}

#[test]
fn a_fan_in_waits_for_its_last_parent() {
    let fan_in = |k: u32| format!("shape = \"fan-in\"\nparents = {k}");
    // Three parents of 2 tasks on 6 threads at once (2 s), then the last
    // stage (2 s).
    assert_eq!(
        run(&scenario("local[6]", 8, 2, &fan_in(3), "")),
        (4.0, 4, 8)
    );
    // On 3 threads: stage 0's two tasks and one of stage 1's (2 s), then
    // stage 1's second and stage 2's two (2 s), then the last (2 s).
    assert_eq!(
        run(&scenario("local[3]", 8, 2, &fan_in(3), "")),
        (6.0, 4, 8)
    );
    // The default fan-in has 2 parents.
    assert_eq!(
        run(&scenario("local[4]", 8, 2, r#"shape = "fan-in""#, "")),
        (4.0, 3, 6)
    );
}

#[test]
fn on_mesos_the_stages_a_finished_stage_opens_are_offered_at_once() {
    // One coarse executor of 4 cores, up long before the job: a diamond of
    // 2-task stages takes 3 × 2 s, a fan-in of 2 parents 2 × 2 s.
    let conf = r#""spark.cores.max" = "4"
"spark.executor.cores" = "4""#;
    let master = "mesos://master:5050";
    assert_eq!(
        run(&scenario(master, 8, 2, r#"shape = "diamond""#, conf)),
        (6.0, 4, 8)
    );
    assert_eq!(
        run(&scenario(master, 8, 2, r#"shape = "fan-in""#, conf)),
        (4.0, 3, 6)
    );
    // Fine-grained: one Mesos task per Spark task, as slots free up.
    let fine = r#""spark.mesos.coarse" = "false""#;
    let (diamond, _, _) = run(&scenario(master, 8, 2, r#"shape = "diamond""#, fine));
    let (chain, _, _) = run(&scenario(master, 8, 2, "stages = 4", fine));
    assert!(diamond < chain, "{diamond} vs {chain}");
}

#[test]
fn shape_keys_are_checked() {
    let errors = |jobs: &str| -> String {
        match load_str(&scenario("local[2]", 4, 2, jobs, ""), &[]) {
            Ok(_) => String::new(),
            Err(d) => format!("{:?}", d.errors),
        }
    };
    assert!(errors(r#"shape = "diamond""#).is_empty());
    let e = errors(r#"shape = "diamnod""#);
    assert!(
        e.contains("unknown job shape \\\"diamnod\\\"")
            && e.contains("did you mean \\\"diamond\\\""),
        "{e}"
    );
    let e = errors("parents = 3");
    assert!(
        e.contains("parents applies to shape = \\\"fan-in\\\" only"),
        "{e}"
    );
    let e = errors("shape = \"fan-in\"\nparents = 3\nstages = 3");
    assert!(e.contains("this job shape has 4 stages, not 3"), "{e}");
    assert!(errors("shape = \"fan-in\"\nparents = 3\nstages = 4").is_empty());
    let e = errors("shape = \"fan-in\"\nparents = 0");
    assert!(e.contains("apps.app.jobs.parents"), "{e}");
    // Settable from the command line, and written back to the resolved
    // scenario (a chain, the default, is not written).
    let set = sim::scenario::parse_assignment("apps.app.jobs.shape=diamond").unwrap();
    let loaded = load_str(&scenario("local[2]", 4, 2, "", ""), &[set]).unwrap();
    let text = sim::scenario::render_resolved(&loaded.base, &loaded.sweep);
    assert!(text.contains("shape = \"diamond\""), "{text}");
    assert_eq!(loaded.base.apps[0].jobs.stages, 4);
    let plain = load_str(&scenario("local[2]", 4, 2, "", ""), &[]).unwrap();
    let text = sim::scenario::render_resolved(&plain.base, &plain.sweep);
    assert!(!text.contains("shape"), "{text}");
}
