//! The event queue against a bare `BinaryHeap` of `(time, seq)` pairs doing
//! the same work, so the ratio survives noisy machines (DESIGN principle 5).
//!
//! Workload ("hold" model): the queue holds N pending events; each step pops
//! the earliest and pushes one a pseudo-random distance later, as a running
//! simulation does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim::queue::{EventClass, EventQueue};
use sim::rng::splitmix64;
use sim::time::SimTime;

const STEPS: u64 = 100_000;

fn delays(n: usize) -> Vec<u64> {
    (0..n as u64).map(|i| splitmix64(i) % 1_000_000).collect()
}

fn bench_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue_hold");
    group.throughput(Throughput::Elements(STEPS));
    for &n in &[1_000usize, 100_000] {
        let d = delays(4096);
        group.bench_with_input(BenchmarkId::new("event_queue", n), &n, |b, &n| {
            let fill = || {
                let mut q: EventQueue<u32> = EventQueue::with_capacity(n + 1);
                for i in 0..n {
                    q.push(SimTime(d[i % d.len()]), EventClass::Timer, i as u32);
                }
                q
            };
            b.iter_batched(
                fill,
                |mut q| {
                    let mut acc = 0u64;
                    for step in 0..STEPS {
                        let s = q.pop().expect("non-empty");
                        acc = acc.wrapping_add(u64::from(s.event));
                        let at = SimTime(s.time.0 + d[(step as usize) % d.len()]);
                        q.push(at, EventClass::Timer, s.event);
                    }
                    black_box(acc)
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("bare_binary_heap", n), &n, |b, &n| {
            let fill = || {
                let mut h: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::with_capacity(n + 1);
                for i in 0..n {
                    h.push(Reverse((d[i % d.len()], i as u64, i as u32)));
                }
                h
            };
            b.iter_batched(
                fill,
                |mut h| {
                    let mut acc = 0u64;
                    for step in 0..STEPS {
                        let Reverse((t, _, e)) = h.pop().expect("non-empty");
                        acc = acc.wrapping_add(u64::from(e));
                        let seq = n as u64 + step;
                        h.push(Reverse((t + d[(step as usize) % d.len()], seq, e)));
                    }
                    black_box(acc)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench_queue);
criterion_main!(benches);
