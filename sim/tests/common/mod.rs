//! Running a scenario text in the integration tests: offers recorded and
//! every invariant checked after every event.

#![allow(dead_code)] // each test crate uses its own part

use sim::metrics::Metrics;
use sim::scenario::load_str;
use sim::world::{RunOptions, World};

/// Runs `src` with its own seed.
pub fn run(src: &str) -> Metrics {
    run_seed(src, None)
}

/// Runs a loaded scenario with its own seed.
pub fn run_loaded(sc: &sim::scenario::Scenario) -> Metrics {
    let opts = RunOptions {
        record_offers: true,
        check_invariants: true,
    };
    World::new(sc, sc.run.seed, opts).run().unwrap().metrics
}

/// Runs `src` with `seed` instead of its own when given.
pub fn run_seed(src: &str, seed: Option<u64>) -> Metrics {
    let sc = load_str(src, &[])
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap()
        .base;
    let opts = RunOptions {
        record_offers: true,
        check_invariants: true,
    };
    World::new(&sc, seed.unwrap_or(sc.run.seed), opts)
        .run()
        .unwrap()
        .metrics
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
