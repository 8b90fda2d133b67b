//! Criterion benchmarks live in `benches/benches/`; see the README's table.
//! What several of them share is here.

use criterion::{BenchmarkGroup, BenchmarkId, measurement::WallTime};
use sim::scenario::Scenario;
use sim::world::{RunOptions, World};

/// The options benchmarks run with: no offer log, no invariant checks.
pub const OPTS: RunOptions = RunOptions {
    record_offers: false,
    check_invariants: false,
};

/// Benchmarks one whole run of `sc` as `group`'s `function/parameter`.
pub fn bench_run(
    group: &mut BenchmarkGroup<'_, WallTime>,
    function: &str,
    parameter: &str,
    sc: &Scenario,
) {
    group.bench_with_input(BenchmarkId::new(function, parameter), sc, |b, sc| {
        b.iter(|| {
            std::hint::black_box(
                World::new(sc, sc.run.seed, OPTS)
                    .run()
                    .expect("runs")
                    .events,
            )
        })
    });
}
