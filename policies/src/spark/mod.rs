//! Spark: `SparkConf` with Spark's value grammars and real defaults, the
//! typed settings of one application, master URLs.

pub mod allocation_manager;
pub mod coarse;
pub mod conf;
pub mod fair;
pub mod fine;
pub mod java;
pub mod keys;
pub mod master_url;
pub mod properties;
pub mod settings;
pub mod submit;
pub mod task_scheduler;
pub mod version;

pub use conf::{ConfError, SparkConf};
pub use master_url::{MasterUrl, MasterUrlError};
pub use settings::{
    DynamicAllocation, ExecutorStartup, LocalityWait, SparkSettings, YarnAppSettings,
};
pub use version::SparkVersion;

#[cfg(test)]
mod coarse_tests;
