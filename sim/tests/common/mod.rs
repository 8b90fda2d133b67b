//! Running a scenario text in the integration tests: offers recorded and
//! every invariant checked after every event.

#![allow(dead_code)] // each test crate uses its own part

use sim::metrics::Metrics;
use sim::scenario::load_str;
use sim::world::{RunOptions, World};

/// Runs `src` with its own seed, on an instant master (see [`instant`]).
pub fn run(src: &str) -> Metrics {
    run_seed(src, None)
}

/// The convention of the hand-computed tests: the times they compute are
/// those of the Spark and Mesos rules under test, so the master's
/// allocation runs take no time (`mesos.run_time = "0s"`), drivers answer
/// offers at once (`decision_time` 0) and a kill ends its executor at once
/// (`mesos.task_kill_latency = "0s"`), unless the scenario sets them
/// itself. Those three defaults have their own hand-computed tests
/// (`sim/tests/latencies.rs`) and run everywhere else (goldens, the
/// validation suite, the shipped scenarios).
pub fn instant(sc: &mut sim::scenario::Scenario, src: &str) {
    let set = |key: &str| src.contains(key);
    if !set("run_time") {
        sc.mesos.run_time = sim::scenario::RunTime::Fixed(sim::time::SimDuration::ZERO);
    }
    if !set("task_kill_latency") {
        sc.mesos.task_kill_latency = sim::time::SimDuration::ZERO;
    }
    if !set("decision_time") {
        for a in &mut sc.apps {
            a.decision_time = None;
        }
    }
}

/// Runs a loaded scenario with its own seed (the defaults as they are).
pub fn run_loaded(sc: &sim::scenario::Scenario) -> Metrics {
    let opts = RunOptions {
        record_offers: true,
        check_invariants: true,
    };
    World::new(sc, sc.run.seed, opts).run().unwrap().metrics
}

/// Runs `src` on an instant master ([`instant`]) with `seed` instead of
/// its own when given.
pub fn run_seed(src: &str, seed: Option<u64>) -> Metrics {
    let mut sc = load_str(src, &[])
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap()
        .base;
    instant(&mut sc, src);
    let opts = RunOptions {
        record_offers: true,
        check_invariants: true,
    };
    World::new(&sc, seed.unwrap_or(sc.run.seed), opts)
        .run()
        .unwrap()
        .metrics
}

/// Runs `src` with every default as it is (no [`instant`] convention).
pub fn run_timed(src: &str) -> Metrics {
    let sc = load_str(src, &[])
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap()
        .base;
    run_loaded(&sc)
}

/// One agent and one app; `conf` and `jobs` are TOML snippets.
pub fn one_app(agent: &str, conf: &str, jobs: &str) -> String {
    format!(
        r#"
[run]
horizon = "5m"
drain = "5m"

[[agents]]
count = 1
resources = "{agent}"

[[apps]]
name = "app"
master = "mesos://m:5050"
executor_startup = {{ kind = "constant", value = "1s" }}
[apps.conf]
{conf}
[apps.jobs]
{jobs}
"#
    )
}
