//! Apache Spark's side of an application, the same on every cluster
//! manager: its driver ([`driver`]).

pub(crate) mod driver;
