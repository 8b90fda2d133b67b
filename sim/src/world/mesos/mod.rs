//! Apache Mesos: the master and its allocator ([`master`]), and the
//! frameworks that run on it — Spark's coarse and fine-grained backends
//! ([`spark`], [`fine`]), the cluster-mode dispatcher ([`dispatcher`]) and
//! the other frameworks of a shared cluster ([`other`]).

pub(crate) mod check;
pub(crate) mod dispatcher;
pub(crate) mod fetcher;
pub(crate) mod fine;
pub(crate) mod master;
pub(crate) mod offer_view;
pub(crate) mod other;
pub(crate) mod spark;
