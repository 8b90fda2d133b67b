//! Spark on YARN: the ResourceManager with the scenario's machines as its
//! NodeManagers ([`rm`]), and each app's ApplicationMaster and
//! `YarnSchedulerBackend` ([`spark`]). The rules are `policies::yarn`
//! (Spark 3.0 `resource-managers/yarn`, Hadoop's defaults; reference
//! standalone-yarn-local.md §2).

pub(crate) mod check;
pub(crate) mod rm;
pub(crate) mod spark;
