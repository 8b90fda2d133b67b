//! Sweep throughput against worker threads (issue 5): the 8 points × 5
//! replications of `scenarios/locality.toml` (40 runs), run and rendered
//! into reports as `sim --jobs N` does, for N = 1 and 2. The reports are
//! byte-identical for every N (sim/tests/cli.rs); this measures the
//! speed-up.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sim::scenario::{Assignment, load_file};
use sim::world::RunOptions;

fn sweep(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/locality.toml");
    let replications = Assignment {
        path: "run.replications".into(),
        value: toml::Value::Integer(5),
    };
    let loaded = load_file(&path, &[replications]).expect("the shipped scenario loads");
    let opts = RunOptions {
        record_offers: false,
        check_invariants: false,
    };
    let mut group = c.benchmark_group("sweep_locality_40_runs");
    group.sample_size(10);
    for threads in [1usize, 2] {
        group.bench_with_input(BenchmarkId::new("jobs", threads), &threads, |b, &t| {
            b.iter(|| {
                let results = sim::run::run_parallel(&loaded, opts, t).expect("runs");
                black_box(sim::report::render(&results, &loaded.sweep, false))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
