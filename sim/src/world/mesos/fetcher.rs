//! What a Spark executor's Mesos task waits for before its JVM starts: the
//! Mesos fetcher downloading the Spark package and `spark.mesos.uris`, and
//! the Docker image pulled once per agent (Spark 3.0
//! `MesosSchedulerBackendUtil`, reference spark-on-mesos.md §3).

use std::collections::BTreeMap;

use policies::model::AgentId;
use policies::spark::SparkSettings;

use crate::scenario::FetchCosts;
use crate::time::SimTime;
use crate::world::mesos::master::MesosMaster;

/// One app's downloads: sizes and bandwidth, and when its files are on an
/// agent (the fetcher cache; concurrent executors wait for one download).
pub(crate) struct Fetcher {
    fetch: FetchCosts,
    fetched: BTreeMap<AgentId, SimTime>,
}

impl Fetcher {
    pub fn new(fetch: FetchCosts) -> Fetcher {
        Fetcher {
            fetch,
            fetched: BTreeMap::new(),
        }
    }

    /// When a new executor on `agent`, its Mesos task started at `start`,
    /// has its files: the Spark package (`spark.executor.uri`) and
    /// `spark.mesos.uris` are fetched (once per agent with
    /// `spark.mesos.fetcherCache.enable`, else by every executor), then the
    /// Docker image is pulled (once per agent: Docker's own cache, kept by
    /// the master's agents). Downloads run at `[apps.fetch] bandwidth`,
    /// without contention between them.
    pub fn executor_up(
        &mut self,
        m: &mut MesosMaster,
        settings: &SparkSettings,
        agent: AgentId,
        start: SimTime,
    ) -> SimTime {
        let st = &settings.startup;
        let mut mib = 0;
        if st.fetch_package {
            mib += self.fetch.package_mib;
        }
        if st.fetch_uris {
            mib += self.fetch.uris_mib;
        }
        let fetch_end = if mib == 0 {
            start
        } else if st.fetcher_cache {
            let done = *self
                .fetched
                .entry(agent)
                .or_insert(start + self.fetch.time(mib));
            done.max(start)
        } else {
            start + self.fetch.time(mib)
        };
        let Some(image) = st.docker_image.clone() else {
            return fetch_end;
        };
        let pull = self.fetch.time(self.fetch.docker_image_mib);
        let done = *m
            .docker_pulled
            .entry((agent, image))
            .or_insert(fetch_end + pull);
        done.max(fetch_end)
    }
}
