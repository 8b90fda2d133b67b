//! Spark's standalone cluster manager (`spark://host:7077`): the Master
//! with the scenario's machines as its workers ([`master`]), and the
//! standalone side of each Spark app's driver ([`spark`]). The rules are
//! `policies::standalone` (Spark 3.0 `deploy/master/Master.scala`,
//! reference standalone-yarn-local.md §1).

pub(crate) mod check;
pub(crate) mod master;
pub(crate) mod spark;
