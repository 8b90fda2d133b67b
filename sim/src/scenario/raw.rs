//! The serde mirror of the scenario file (SPEC §1): the structure with
//! `deny_unknown_fields`, every leaf kept as a spanned TOML value so that
//! `validate` can check types and meanings itself, collect every problem, and
//! name the line of each.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A leaf value with its byte span in the file (an empty span for values
/// set from the command line).
pub type Leaf = Spanned<toml::Value>;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub run: Option<RawRun>,
    pub cluster: Option<RawCluster>,
    pub mesos: Option<RawMesos>,
    pub standalone: Option<RawStandalone>,
    pub yarn: Option<RawYarn>,
    #[serde(default)]
    pub agents: Vec<Spanned<RawAgentGroup>>,
    #[serde(default)]
    pub apps: Vec<Spanned<RawApp>>,
    #[serde(default)]
    pub frameworks: Vec<Spanned<RawFramework>>,
    pub data: Option<RawData>,
    #[serde(default)]
    pub faults: Vec<Spanned<RawFault>>,
    pub sweep: Option<toml::Table>,
}

/// `[[faults]]`: one injected failure.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFault {
    pub kind: Option<Leaf>,
    pub at: Option<Leaf>,
    pub app: Option<Leaf>,
    pub agent: Option<Leaf>,
    pub between: Option<Spanned<RawDist>>,
    pub probability: Option<Leaf>,
    pub rack: Option<Leaf>,
    pub group: Option<Leaf>,
    pub repair: Option<Spanned<RawDist>>,
    pub election: Option<Leaf>,
    pub cause: Option<Leaf>,
}

/// `[data]`: where input blocks live and what reading them remotely costs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    pub replication: Option<Leaf>,
    pub rack_attribute: Option<Leaf>,
    pub remote_read: Option<Leaf>,
    pub off_rack_read: Option<Leaf>,
    pub spark_knows_racks: Option<Leaf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub seed: Option<Leaf>,
    pub horizon: Option<Leaf>,
    pub drain: Option<Leaf>,
    pub replications: Option<Leaf>,
    pub sample_interval: Option<Leaf>,
    pub chart_metrics: Option<Leaf>,
    pub slo_latency_s: Option<Leaf>,
}

/// `[cluster]`: which cluster manager the apps run on.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCluster {
    pub manager: Option<Leaf>,
    pub spark_version: Option<Leaf>,
}

/// `[standalone]`: the simulator's latency, and the Master's own Spark
/// properties under `conf`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStandalone {
    pub launch_latency: Option<Leaf>,
    #[serde(default)]
    pub conf: BTreeMap<String, Option<Leaf>>,
}

/// `[yarn]`: the simulator's latencies, and Hadoop's keys under `conf`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawYarn {
    pub container_launch: Option<Leaf>,
    pub heartbeat_phases: Option<Leaf>,
    #[serde(default)]
    pub conf: BTreeMap<String, Option<Leaf>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMesos {
    pub allocation_interval: Option<Leaf>,
    pub offer_timeout: Option<Leaf>,
    pub default_refuse: Option<Leaf>,
    pub allocator: Option<Leaf>,
    pub task_launch_latency: Option<Leaf>,
    pub task_kill_latency: Option<Leaf>,
    pub run_time: Option<Leaf>,
    pub run_time_scale: Option<Leaf>,
    pub authenticate_frameworks: Option<Leaf>,
    #[serde(default)]
    pub credentials: BTreeMap<String, Option<Leaf>>,
    #[serde(default)]
    pub roles: BTreeMap<String, Spanned<RawRole>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub weight: Option<Leaf>,
    pub quota: Option<Leaf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgentGroup {
    pub count: Option<Leaf>,
    pub name: Option<Leaf>,
    pub resources: Option<Leaf>,
    pub attributes: Option<Leaf>,
    pub racks: Option<Leaf>,
    pub datanode: Option<Leaf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApp {
    pub name: Option<Leaf>,
    pub master: Option<Leaf>,
    pub deploy_mode: Option<Leaf>,
    pub start: Option<Leaf>,
    pub stop: Option<Leaf>,
    #[serde(default)]
    pub conf: BTreeMap<String, Option<Leaf>>,
    /// A pasted `spark-submit` command line.
    pub submit: Option<Leaf>,
    /// A `spark-defaults.conf` file, relative to the scenario's folder.
    pub conf_file: Option<Leaf>,
    /// `spark-defaults.conf` text, inline.
    pub conf_text: Option<Leaf>,
    pub jobs: Option<Spanned<RawJobs>>,
    pub executor_startup: Option<Spanned<RawDist>>,
    pub decision_time: Option<Spanned<RawDist>>,
    pub fetch: Option<Spanned<RawFetch>>,
    pub spark_version: Option<Leaf>,
    /// `[apps.pools.NAME]`: the FAIR scheduler's pools.
    #[serde(default)]
    pub pools: BTreeMap<String, Spanned<RawPool>>,
}

/// One FAIR scheduler pool: `spark.scheduler.allocation.file`'s
/// `<pool>`, inline, and the share of the app's jobs submitted to it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPool {
    pub weight: Option<Leaf>,
    pub min_share: Option<Leaf>,
    pub mode: Option<Leaf>,
    pub jobs: Option<Leaf>,
}

/// `[apps.fetch]`: what fetching and pulling cost.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFetch {
    pub package: Option<Leaf>,
    pub uris: Option<Leaf>,
    pub docker_image: Option<Leaf>,
    pub bandwidth: Option<Leaf>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFramework {
    pub name: Option<Leaf>,
    pub role: Option<Leaf>,
    pub kind: Option<Leaf>,
    pub task: Option<Leaf>,
    pub refuse: Option<Leaf>,
    pub tasks_per_offer: Option<Leaf>,
    pub start: Option<Leaf>,
    pub stop: Option<Leaf>,
    pub revive: Option<Leaf>,
    pub decision_time: Option<Spanned<RawDist>>,
    pub jobs: Option<Spanned<RawJobs>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJobs {
    pub arrival: Option<Spanned<RawDist>>,
    pub stages: Option<Leaf>,
    pub shape: Option<Leaf>,
    pub parents: Option<Leaf>,
    pub tasks: Option<Spanned<RawDist>>,
    pub task_duration: Option<Spanned<RawDist>>,
    pub cpu_fraction: Option<Leaf>,
    pub input: Option<Leaf>,
    pub trace: Option<Spanned<RawTrace>>,
}

/// `[apps.jobs] trace = { ... }`: every format's keys; `validate` checks
/// that the ones present belong to the format.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrace {
    pub format: Option<Leaf>,
    pub path: Option<Leaf>,
    pub start: Option<Leaf>,
    pub stop: Option<Leaf>,
    pub speedup: Option<Leaf>,
    pub duration_scale: Option<Leaf>,
    pub min_tasks: Option<Leaf>,
    pub max_tasks: Option<Leaf>,
    pub seed: Option<Leaf>,
    pub conf: Option<Leaf>,
    pub longest_job: Option<Leaf>,
    pub tiers: Option<Leaf>,
    pub users: Option<Leaf>,
    pub queues: Option<Leaf>,
    pub cpus_per_unit: Option<Leaf>,
    pub bytes_per_map: Option<Leaf>,
    pub bytes_per_reduce: Option<Leaf>,
    pub map_rate: Option<Leaf>,
    pub reduce_rate: Option<Leaf>,
    pub task_overhead: Option<Leaf>,
    pub data_scale: Option<Leaf>,
}

impl RawTrace {
    /// The slot of a key, for `--set` and `[sweep]`.
    pub fn slot_mut(&mut self, key: &str) -> Option<&mut Option<Leaf>> {
        Some(match key {
            "format" => &mut self.format,
            "path" => &mut self.path,
            "start" => &mut self.start,
            "stop" => &mut self.stop,
            "speedup" => &mut self.speedup,
            "duration_scale" => &mut self.duration_scale,
            "min_tasks" => &mut self.min_tasks,
            "max_tasks" => &mut self.max_tasks,
            "seed" => &mut self.seed,
            "conf" => &mut self.conf,
            "longest_job" => &mut self.longest_job,
            "tiers" => &mut self.tiers,
            "users" => &mut self.users,
            "queues" => &mut self.queues,
            "cpus_per_unit" => &mut self.cpus_per_unit,
            "bytes_per_map" => &mut self.bytes_per_map,
            "bytes_per_reduce" => &mut self.bytes_per_reduce,
            "map_rate" => &mut self.map_rate,
            "reduce_rate" => &mut self.reduce_rate,
            "task_overhead" => &mut self.task_overhead,
            "data_scale" => &mut self.data_scale,
            _ => return None,
        })
    }

    /// The keys present, with their leaves, in declaration order.
    pub fn present(&self) -> Vec<(&'static str, &Leaf)> {
        [
            ("format", &self.format),
            ("path", &self.path),
            ("start", &self.start),
            ("stop", &self.stop),
            ("speedup", &self.speedup),
            ("duration_scale", &self.duration_scale),
            ("min_tasks", &self.min_tasks),
            ("max_tasks", &self.max_tasks),
            ("seed", &self.seed),
            ("conf", &self.conf),
            ("longest_job", &self.longest_job),
            ("tiers", &self.tiers),
            ("users", &self.users),
            ("queues", &self.queues),
            ("cpus_per_unit", &self.cpus_per_unit),
            ("bytes_per_map", &self.bytes_per_map),
            ("bytes_per_reduce", &self.bytes_per_reduce),
            ("map_rate", &self.map_rate),
            ("reduce_rate", &self.reduce_rate),
            ("task_overhead", &self.task_overhead),
            ("data_scale", &self.data_scale),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|l| (k, l)))
        .collect()
    }
}

/// Any distribution or arrival process: `kind` plus the parameters of every
/// kind; `validate` checks that the ones present belong to the kind.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub kind: Option<Leaf>,
    pub value: Option<Leaf>,
    pub min: Option<Leaf>,
    pub max: Option<Leaf>,
    pub mean: Option<Leaf>,
    pub median: Option<Leaf>,
    pub sigma: Option<Leaf>,
    pub scale: Option<Leaf>,
    pub shape: Option<Leaf>,
    pub values: Option<Leaf>,
    pub interval: Option<Leaf>,
    pub times: Option<Leaf>,
}

impl RawDist {
    /// The parameters present, by name, in declaration order.
    pub fn params(&self) -> Vec<(&'static str, &Leaf)> {
        let all: [(&'static str, &Option<Leaf>); 11] = [
            ("value", &self.value),
            ("min", &self.min),
            ("max", &self.max),
            ("mean", &self.mean),
            ("median", &self.median),
            ("sigma", &self.sigma),
            ("scale", &self.scale),
            ("shape", &self.shape),
            ("values", &self.values),
            ("interval", &self.interval),
            ("times", &self.times),
        ];
        all.into_iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
            .collect()
    }

    pub fn param_mut(&mut self, name: &str) -> Option<&mut Option<Leaf>> {
        Some(match name {
            "kind" => &mut self.kind,
            "value" => &mut self.value,
            "min" => &mut self.min,
            "max" => &mut self.max,
            "mean" => &mut self.mean,
            "median" => &mut self.median,
            "sigma" => &mut self.sigma,
            "scale" => &mut self.scale,
            "shape" => &mut self.shape,
            "values" => &mut self.values,
            "interval" => &mut self.interval,
            "times" => &mut self.times,
            _ => return None,
        })
    }
}
