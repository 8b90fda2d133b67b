//! `spark.mesos.constraints` matching against agent attributes, and the
//! parsers on the hot path of scenario loading.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use policies::constraints::Constraints;
use policies::model::{Attributes, Resources};

fn bench_constraints(c: &mut Criterion) {
    let constraints =
        Constraints::parse("os:centos7;zone:us-east-1a,us-east-1b;level:10;ports:31500").unwrap();
    let offers: Vec<Attributes> = (0..64)
        .map(|i| {
            let s = format!(
                "os:centos{};zone:us-east-1{};level:{};ports:[31000-32000];rack:r{}",
                6 + i % 2,
                ["a", "b", "c"][i % 3],
                5 + i % 10,
                i % 8
            );
            Attributes::parse(&s).unwrap().attributes
        })
        .collect();
    let mut group = c.benchmark_group("constraints");
    group.throughput(Throughput::Elements(offers.len() as u64));
    group.bench_function("match_4_constraints_x64_offers", |b| {
        b.iter(|| {
            let n = offers
                .iter()
                .filter(|a| constraints.matches(black_box(a)))
                .count();
            black_box(n)
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse_constraints", |b| {
        b.iter(|| Constraints::parse(black_box("os:centos7;zone:us-east-1a,us-east-1b;level:10")))
    });
    group.bench_function("parse_resources", |b| {
        b.iter(|| {
            Resources::parse(black_box(
                "cpus:16;mem:65536;disk:409600;ports:[31000-32000];cpus(analytics):4",
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_constraints);
criterion_main!(benches);
