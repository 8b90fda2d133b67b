//! placeholder
pub mod cli;
pub mod queue;
pub mod rng;
pub mod scenario;
pub mod time;
