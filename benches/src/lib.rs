//! Criterion benchmarks live in `benches/benches/`; see the README's table.
//! This crate has no library code of its own.
