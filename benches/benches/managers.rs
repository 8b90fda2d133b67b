//! The same load on every cluster manager (issue 11): a tenth of
//! `scenarios/bench/large.toml` (its 1,000 agents and 20 apps for 6
//! simulated minutes, about 88,000 tasks), one run per manager, with the
//! throughput in simulated tasks per second. The full hour is measured
//! with the `sim` binary for the README's table.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim::scenario::{load_file, parse_assignment};
use sim::world::{RunOptions, World};

fn managers(c: &mut Criterion) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/bench/large.toml");
    let opts = RunOptions {
        record_offers: false,
        check_invariants: false,
    };
    let mut group = c.benchmark_group("large_6min");
    group.sample_size(10);
    for manager in ["mesos", "standalone", "yarn"] {
        let sets = [
            parse_assignment(&format!("cluster.manager={manager}")).unwrap(),
            parse_assignment("run.horizon=6m").unwrap(),
            parse_assignment("run.drain=2m").unwrap(),
        ];
        let sc = load_file(&path, &sets).expect("the benchmark loads").base;
        let tasks: u64 = World::new(&sc, sc.run.seed, opts)
            .run()
            .expect("runs")
            .metrics
            .jobs
            .iter()
            .filter(|j| j.end.is_some())
            .map(|j| u64::from(j.tasks))
            .sum();
        group.throughput(Throughput::Elements(tasks));
        group.bench_with_input(BenchmarkId::new("manager", manager), &sc, |b, sc| {
            b.iter(|| {
                black_box(
                    World::new(sc, sc.run.seed, opts)
                        .run()
                        .expect("runs")
                        .events,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, managers);
criterion_main!(benches);
