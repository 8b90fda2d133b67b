//! The same load on every cluster manager (issue 11): a tenth of
//! `scenarios/bench/large.toml` (its 1,000 agents and 20 apps for 6
//! simulated minutes, about 88,000 tasks), one run per manager, with the
//! throughput in simulated tasks per second. The full hour is measured
//! with the `sim` binary for the README's table.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim::scenario::{load_file, parse_assignment};
use sim::world::World;

fn managers(c: &mut Criterion) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/bench/large.toml");
    let mut group = c.benchmark_group("large_6min");
    group.sample_size(10);
    for manager in ["mesos", "standalone", "yarn"] {
        let sets = [
            parse_assignment(&format!("cluster.manager={manager}")).unwrap(),
            parse_assignment("run.horizon=6m").unwrap(),
            parse_assignment("run.drain=2m").unwrap(),
        ];
        let sc = load_file(&path, &sets).expect("the benchmark loads").base;
        let tasks: u64 = World::new(&sc, sc.run.seed, benches::OPTS)
            .run()
            .expect("runs")
            .metrics
            .jobs
            .iter()
            .filter(|j| j.end.is_some())
            .map(|j| u64::from(j.tasks))
            .sum();
        group.throughput(Throughput::Elements(tasks));
        benches::bench_run(&mut group, "manager", manager, &sc);
    }
    group.finish();
}

criterion_group!(benches, managers);
criterion_main!(benches);
