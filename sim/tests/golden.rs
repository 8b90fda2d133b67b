//! Golden reports for tiny scenarios, and byte-identical reports for equal
//! seeds. Refresh with `UPDATE_GOLDEN=1 cargo test -p sim --test golden`
//! and review the diff.

use std::path::PathBuf;

use sim::report::{self, RunResult};
use sim::scenario::load_file;
use sim::world::RunOptions;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn render(scenario: &str) -> Vec<(&'static str, String)> {
    let loaded = load_file(&root().join("../scenarios/tests").join(scenario), &[]).unwrap();
    let opts = RunOptions {
        record_offers: true,
        check_invariants: true,
    };
    let results: Vec<RunResult> = sim::run::run_all(&loaded, opts).unwrap();
    report::render(&results, &loaded.sweep, true)
}

fn golden(scenario: &str) {
    let name = scenario.trim_end_matches(".toml");
    let dir = root().join("tests/golden").join(name);
    let files = render(scenario);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (file, body) in &files {
            std::fs::write(dir.join(file), body).unwrap();
        }
        return;
    }
    for (file, body) in &files {
        let path = dir.join(file);
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
        assert_eq!(
            body,
            &want,
            "{} differs from its golden file",
            path.display()
        );
    }
}

#[test]
fn golden_two_agents() {
    golden("two-agents.toml");
}

#[test]
fn golden_constrained() {
    golden("constrained.toml");
}

#[test]
fn golden_locality() {
    golden("locality.toml");
}

#[test]
fn golden_local() {
    golden("local.toml");
}

#[test]
fn equal_seeds_give_identical_bytes() {
    for scenario in [
        "two-agents.toml",
        "constrained.toml",
        "weighted-roles.toml",
        "local.toml",
    ] {
        assert_eq!(render(scenario), render(scenario), "{scenario}");
    }
}

#[test]
fn reports_are_identical_for_any_number_of_threads() {
    // A sweep of 2 points × 3 replications (6 runs).
    let mut set = vec![sim::scenario::parse_assignment("run.replications=3").unwrap()];
    set.push(
        sim::scenario::parse_assignment("apps.static.conf.spark.locality.wait=0s,3s").unwrap(),
    );
    let loaded = load_file(&root().join("../scenarios/tests/locality.toml"), &set).unwrap();
    assert_eq!(sim::run::run_keys(&loaded).len(), 6);
    let opts = RunOptions {
        record_offers: true,
        check_invariants: false,
    };
    let bytes = |threads: usize| {
        let results = sim::run::run_parallel(&loaded, opts, threads).unwrap();
        report::render(&results, &loaded.sweep, true)
    };
    let one = bytes(1);
    assert_eq!(one, bytes(2));
    assert_eq!(one, bytes(3));
    // Runs reduced as they end, in whatever order they end, write the same
    // reports as the finished runs written together.
    let results = sim::run::run_parallel(&loaded, opts, 2).unwrap();
    let mut reduced: Vec<report::RunReport> = results
        .iter()
        .map(|r| report::reduce(r, &loaded.sweep, true))
        .collect();
    reduced.reverse();
    reduced.swap(0, 3);
    assert_eq!(one, report::render_reports(reduced, &loaded.sweep, true));
}

#[test]
fn golden_standalone() {
    golden("standalone.toml");
}

#[test]
fn golden_yarn() {
    golden("yarn.toml");
}

#[test]
fn golden_failures() {
    golden("failures.toml");
}
