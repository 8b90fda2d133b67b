//! The standalone Master in time: Spark's `deploy/master/Master.scala`
//! (Spark 3.0, reference standalone-yarn-local.md §1) deciding through
//! `policies::standalone::Master`, with its workers being the scenario's
//! machines (their whole cpus and MiB of memory). The Master runs each
//! event to its end at once (one endpoint, §1.12); what it decides reaches
//! the workers after `launch_latency` (the `LaunchExecutor` /
//! `LaunchDriver` message and the process start).

use policies::standalone::{Master, MasterConf};
use rand_chacha::ChaCha8Rng;

use crate::rng::RngStreams;
use crate::scenario::StandaloneConfig;
use crate::time::SimDuration;
use crate::world::kernel::Machine;

pub(crate) struct StandaloneMaster {
    pub master: Master,
    /// The driver placement's shuffle (`Random.shuffle`, unseeded in
    /// Spark; seeded here, §1.12).
    pub rng: ChaCha8Rng,
    pub launch_latency: SimDuration,
    /// The Master is failing over (STANDBY, then RECOVERING): its
    /// decisions wait (`schedule()` does nothing until it is ALIVE).
    pub down: bool,
    /// What it decided meanwhile, applied once it is ALIVE again.
    pub held: Vec<policies::standalone::Launch>,
    /// `spark.deploy.recoveryMode` recovers (ZOOKEEPER, FILESYSTEM).
    pub recovers: bool,
}

impl StandaloneMaster {
    pub fn new(
        cfg: &StandaloneConfig,
        machines: &[Machine],
        streams: &RngStreams,
    ) -> StandaloneMaster {
        let conf = MasterConf {
            spread_out: cfg.spread_out,
            default_cores: cfg.default_cores.unwrap_or(u32::MAX),
            max_executor_retries: cfg.max_executor_retries,
            version: cfg.version,
        };
        let workers: Vec<(u32, u64)> = machines
            .iter()
            .map(|m| {
                (
                    m.total.cpus().whole_units().max(0) as u32,
                    m.total.mem_mb().whole_units().max(0) as u64,
                )
            })
            .collect();
        StandaloneMaster {
            master: Master::new(conf, &workers),
            rng: streams.stream("standalone-driver-placement", 0),
            launch_latency: cfg.launch_latency,
            down: false,
            held: Vec::new(),
            recovers: cfg.recovers,
        }
    }
}
