//! Spark on YARN: the ResourceManager with the scenario's machines as its
//! NodeManagers ([`resource_manager`]), and each app's ApplicationMaster and
//! `YarnSchedulerBackend` ([`application_master`]). The rules are `policies::yarn`
//! (Spark 3.0 `resource-managers/yarn`, Hadoop's defaults; reference
//! standalone-yarn-local.md §2).

pub(crate) mod application_master;
pub(crate) mod check;
pub(crate) mod resource_manager;
