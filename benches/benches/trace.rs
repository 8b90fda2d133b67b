//! Trace replay against the synthetic generator on the same load (issue
//! 13: a replay must run at no less than 80 % of the synthetic
//! throughput): `benches/trace-replay.toml` (its trace written to a
//! temporary folder, as `benches/gen-trace.py` writes it) against
//! `benches/trace-synthetic.toml`, 50,000 jobs of 20 tasks (1 M tasks);
//! throughput in simulated tasks per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim::scenario::load_str_in;

const JOBS: u64 = 50_000;
const MAPS: u64 = 20;

fn trace(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("sim-bench-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut rows = String::new();
    for i in 0..JOBS {
        let t = i as f64 / 10.0;
        rows.push_str(&format!("job{i}\t{t}\t0.1\t{}\t0\t0\n", MAPS * (128 << 20)));
    }
    std::fs::write(dir.join("trace.tsv"), rows).expect("the trace");
    let mut group = c.benchmark_group("trace_1m_tasks");
    group.sample_size(10);
    group.throughput(Throughput::Elements(JOBS * MAPS));
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["replay", "synthetic"] {
        let text = std::fs::read_to_string(here.join(format!("trace-{name}.toml")))
            .expect("the benchmark's scenario");
        let sc = load_str_in(&text, &[], Some(&dir))
            .expect("the benchmark loads")
            .base;
        benches::bench_run(&mut group, "source", name, &sc);
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, trace);
criterion_main!(benches);
