//! The validated scenario: every default applied, every string parsed.
//! Defaults live in [`defaults`] — the one visible place.

use policies::model::{Attributes, Resources};
use policies::spark::{MasterUrl, SparkConf, SparkSettings};

use crate::time::SimDuration;
pub use crate::traces::{TraceOptions, TraceSummary};

/// The defaults of SPEC §1, and the simulator's own assumptions.
pub mod defaults {
    /// How long a master failover takes by default: the next master's
    /// election and everyone's re-registration (a simulator assumption;
    /// `[[faults]] election` sets it).
    pub const MASTER_ELECTION: crate::time::SimDuration = crate::time::SimDuration::from_secs(10);
    use crate::scenario::model::{Dist, Distribution, Unit};
    use crate::time::SimDuration;

    pub const SEED: u64 = 1;
    pub const HORIZON: SimDuration = SimDuration::from_secs(3600);
    pub const DRAIN: SimDuration = SimDuration::from_secs(3600);
    pub const REPLICATIONS: u32 = 1;
    /// The two capacity-planning axes: tail latency and CPU actually used.
    pub const CHART_METRICS: [&str; 2] = ["latency_p95_s", "cpu_busy_mean"];
    pub const SAMPLE_INTERVAL: SimDuration = SimDuration::from_secs(10);
    /// `--allocation_interval` (Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0).
    pub const ALLOCATION_INTERVAL: SimDuration = SimDuration::from_secs(1);
    /// `Filters.refuse_seconds` (Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0).
    pub const DEFAULT_REFUSE: SimDuration = SimDuration::from_secs(5);
    /// Master → agent launch of one Mesos task: a simulator assumption (a
    /// message hop plus the agent's bookkeeping), not a Mesos constant.
    pub const TASK_LAUNCH_LATENCY: SimDuration = SimDuration::from_millis(20);
    /// A kill → TASK_KILLED: the kill's hops (driver → master → agent),
    /// SIGTERM to the executor JVM, its shutdown hooks, the update back. A
    /// simulator assumption, bounded by the command executor's grace
    /// period before SIGKILL (3 s, Mesos `KillPolicy`).
    pub const TASK_KILL_LATENCY: SimDuration = SimDuration::from_secs(1);
    pub const AGENT_NAME: &str = "agent";
    pub const ROLE_WEIGHT: f64 = 1.0;
    pub const STAGES: u32 = 1;
    pub const CPU_FRACTION: f64 = 1.0;
    /// Executor start-up: JVM start and registration, a few seconds.
    pub fn executor_startup() -> Distribution {
        Distribution {
            unit: Unit::Duration,
            dist: Dist::Lognormal {
                median: 3_000_000.0,
                sigma: 0.25,
            },
        }
    }
    /// How long a Spark driver takes to answer a batch of Mesos offers: its
    /// `resourceOffers` callback (matching, building the launch or decline
    /// calls) and the message hops to and from the master, a few
    /// milliseconds. A simulator assumption: no Spark or Mesos source gives
    /// a figure.
    pub fn spark_decision_time() -> Distribution {
        Distribution {
            unit: Unit::Duration,
            dist: Dist::Lognormal {
                median: 3_000.0,
                sigma: 0.5,
            },
        }
    }
    /// `[data]`: replicas per block, as HDFS' `dfs.replication`.
    pub const REPLICATION: u32 = 3;
    pub const RACK_ATTRIBUTE: &str = "rack";
    /// Extra time to read a block from another agent of the same rack:
    /// about 128 MiB at 1 Gbit/s.
    pub const REMOTE_READ: SimDuration = SimDuration::from_secs(1);
    /// From another rack: half the bandwidth (2:1 oversubscribed uplinks).
    pub const OFF_RACK_READ: SimDuration = SimDuration::from_secs(2);
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub run: RunConfig,
    /// The cluster manager every non-local app runs on (`[cluster]`).
    pub manager: Manager,
    /// `[cluster] spark_version`: every app's line unless it names its own.
    pub spark_version: policies::spark::SparkVersion,
    pub mesos: MesosConfig,
    pub standalone: StandaloneConfig,
    pub yarn: YarnConfig,
    pub agents: Vec<AgentGroup>,
    pub apps: Vec<App>,
    pub frameworks: Vec<Framework>,
    pub data: DataConfig,
    /// Injected failures, in time order (ties in file order).
    pub faults: Vec<Fault>,
}

/// The cluster managers of the seeds (docs/cluster-managers.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Manager {
    Mesos,
    Standalone,
    Yarn,
    /// No cluster manager: every app on its own machine, `local[*]` unless
    /// its master says `local[K]`.
    Local,
}

impl Manager {
    pub const NAMES: [&'static str; 4] = ["mesos", "standalone", "yarn", "local"];

    pub fn name(self) -> &'static str {
        match self {
            Manager::Mesos => "mesos",
            Manager::Standalone => "standalone",
            Manager::Yarn => "yarn",
            Manager::Local => "local",
        }
    }

    pub fn named(name: &str) -> Option<Manager> {
        Some(match name {
            "mesos" => Manager::Mesos,
            "standalone" => Manager::Standalone,
            "yarn" => Manager::Yarn,
            "local" => Manager::Local,
            _ => return None,
        })
    }

    /// The manager a master URL names.
    pub fn of(master: &MasterUrl) -> Option<Manager> {
        match master {
            MasterUrl::Mesos { .. } | MasterUrl::MesosZk { .. } => Some(Manager::Mesos),
            MasterUrl::Standalone { .. } => Some(Manager::Standalone),
            MasterUrl::Yarn => Some(Manager::Yarn),
            MasterUrl::Local { .. } => Some(Manager::Local),
            _ => None,
        }
    }

    /// The master URL an app gets when `cluster.manager` names this manager
    /// and its own master names another.
    pub fn default_master(self) -> &'static str {
        match self {
            Manager::Mesos => "mesos://master:5050",
            Manager::Standalone => "spark://master:7077",
            Manager::Yarn => "yarn",
            Manager::Local => "local[*]",
        }
    }
}

/// `[standalone]`: the standalone Master's settings (its daemon's
/// `spark.deploy.*`, Spark 3.0 `internal/config/Deploy.scala`, reference
/// standalone-yarn-local.md §1.2) and the simulator's message latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandaloneConfig {
    pub spread_out: bool,
    /// `None`: Int.MaxValue.
    pub default_cores: Option<u32>,
    pub max_executor_retries: i32,
    /// `spark.deploy.recoveryMode` is ZOOKEEPER or FILESYSTEM (the Master
    /// recovers its apps, workers and drivers after a failover); NONE
    /// (the default) persists nothing.
    pub recovers: bool,
    /// Master → Worker `LaunchExecutor` / `LaunchDriver` and the process
    /// start (a simulator assumption, like Mesos's task launch latency).
    pub launch_latency: SimDuration,
    /// The Master's Spark release: `[cluster] spark_version` (reference
    /// standalone-yarn-local.md §1.11).
    pub version: policies::spark::SparkVersion,
}

impl Default for StandaloneConfig {
    fn default() -> StandaloneConfig {
        StandaloneConfig {
            spread_out: true,
            default_cores: None,
            max_executor_retries: 10,
            recovers: false,
            launch_latency: defaults::TASK_LAUNCH_LATENCY,
            version: policies::spark::SparkVersion::V3_0,
        }
    }
}

/// `[yarn]`: the ResourceManager's and NodeManagers' settings, from the
/// Hadoop keys of `[yarn.conf]` with Hadoop's defaults (reference
/// standalone-yarn-local.md §2.9), and the simulator's latencies.
#[derive(Clone, Debug, PartialEq)]
pub struct YarnConfig {
    pub rm: policies::yarn::resource_manager::RmConf,
    pub bounds: policies::yarn::container::Bounds,
    /// `yarn.resourcemanager.nodemanagers.heartbeat-interval-ms` (1 s).
    pub heartbeat: SimDuration,
    /// `yarn.nodemanager.resource.memory-mb` / `cpu-vcores` when set
    /// (else each machine's own memory and cpus).
    pub nm_memory_mb: Option<u64>,
    pub nm_vcores: Option<u32>,
    /// `yarn.resourcemanager.am.max-attempts` (2).
    pub am_max_attempts: u32,
    /// `yarn.resourcemanager.recovery.enabled` (false) and
    /// `yarn.resourcemanager.work-preserving-recovery.enabled` (true).
    pub rm_recovery: bool,
    pub work_preserving: bool,
    /// NodeManager `startContainer` with localization (a simulator
    /// assumption).
    pub container_launch: SimDuration,
    /// Every NodeManager heartbeats at the same phase (time 0, one period,
    /// …) instead of at its own phase drawn from the seed: for hand
    /// computation.
    pub aligned_heartbeats: bool,
    /// How long a granted container the AM neither uses nor releases is
    /// held (`yarn.resourcemanager.rm.container-allocation.expiry-interval-ms`,
    /// 600000).
    pub allocation_expiry: SimDuration,
}

impl Default for YarnConfig {
    fn default() -> YarnConfig {
        YarnConfig {
            rm: policies::yarn::resource_manager::RmConf::default(),
            bounds: policies::yarn::container::Bounds::default(),
            heartbeat: SimDuration::from_secs(1),
            nm_memory_mb: None,
            nm_vcores: None,
            am_max_attempts: 2,
            rm_recovery: false,
            work_preserving: true,
            container_launch: SimDuration::from_millis(100),
            aligned_heartbeats: false,
            allocation_expiry: SimDuration::from_secs(600),
        }
    }
}

/// The machine an app on a local master runs on: the `i`-th app on the
/// `i`-th machine, wrapping around (each local app is a baseline alone on
/// one machine while there are machines enough).
pub fn local_machine(app_index: usize, machines: usize) -> usize {
    app_index % machines.max(1)
}

/// An injected failure (`[[faults]]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub at: SimDuration,
    pub kind: FaultKind,
    /// Machine faults, `cause = "process"`: only the Mesos agent, the
    /// standalone worker or the NodeManager process fails; the host stays
    /// up and its connection breaks at once (`false`: the host stops).
    pub process: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// The app's driver process dies (client mode: the app ends; cluster
    /// mode: its Mesos task FAILED, relaunched with
    /// `spark.driver.supervise`).
    DriverFailure { app: String },
    /// The app's executor process on the agent (hostname) dies: its Mesos
    /// task ends FAILED and its running tasks are re-queued.
    ExecutorFailure { app: String, agent: String },
    /// From `at` on, one of the app's live executors fails (as
    /// `ExecutorFailure`) after every gap drawn from `between`, the
    /// executor drawn at random, both from the app's own stream.
    ExecutorFailures { app: String, between: Distribution },
    /// From `at` on, each of the app's task attempts fails when it ends,
    /// with this probability (drawn on the fault's own stream); a task
    /// failing `spark.task.maxFailures` times aborts its job.
    TaskFailures { app: String, probability: f64 },
    /// Machines go down at `at` (a host, or every machine of a rack) and
    /// come back after a repair time drawn from `repair` (never without).
    MachineFailure {
        machines: MachineSet,
        repair: Option<Distribution>,
    },
    /// Each machine of agent group `group` fails after an up time drawn
    /// from `between` and comes back after `repair`, over and over, each
    /// machine on its own stream.
    MachineFailures {
        group: String,
        between: Distribution,
        repair: Option<Distribution>,
    },
    /// The cluster manager's master fails at `at`; the next one leads
    /// after `election` (Mesos leader election and re-registration, the
    /// standalone Master's recovery, the YARN ResourceManager's restart).
    MasterFailover { election: SimDuration },
    /// A whole rack fails at once after every gap drawn from `between`
    /// (the rack drawn at random among `racks`, in name order), and comes
    /// back after `repair`.
    RackFailures {
        racks: Vec<String>,
        between: Distribution,
        repair: Option<Distribution>,
    },
}

/// The machines one fault takes down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MachineSet {
    /// One machine, by hostname.
    Host(String),
    /// Every machine whose rack attribute (`data.rack_attribute`) is this.
    Rack(String),
}

impl FaultKind {
    pub const NAMES: [&'static str; 8] = [
        "driver_failure",
        "executor_failure",
        "executor_failures",
        "task_failures",
        "agent_failure",
        "agent_failures",
        "rack_failures",
        "master_failover",
    ];

    /// Its `kind` in the scenario file.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::DriverFailure { .. } => "driver_failure",
            FaultKind::ExecutorFailure { .. } => "executor_failure",
            FaultKind::ExecutorFailures { .. } => "executor_failures",
            FaultKind::TaskFailures { .. } => "task_failures",
            FaultKind::MachineFailure { .. } => "agent_failure",
            FaultKind::MachineFailures { .. } => "agent_failures",
            FaultKind::RackFailures { .. } => "rack_failures",
            FaultKind::MasterFailover { .. } => "master_failover",
        }
    }

    /// Whether it takes machines down (a Mesos agent, a standalone
    /// worker, a YARN NodeManager, with everything running there).
    pub fn is_machine(&self) -> bool {
        matches!(
            self,
            FaultKind::MachineFailure { .. }
                | FaultKind::MachineFailures { .. }
                | FaultKind::RackFailures { .. }
        )
    }
}

/// `[data]`: the input blocks jobs read (HDFS-like storage on every agent)
/// and what a task pays to read its block from elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct DataConfig {
    /// Replicas per block (at most the number of agents).
    pub replication: u32,
    /// The agent attribute naming its rack; agents without it share one
    /// unnamed rack.
    pub rack_attribute: String,
    /// Extra time for a task whose block is on another agent of its rack.
    pub remote_read: SimDuration,
    /// Extra time when every replica is on another rack.
    pub off_rack_read: SimDuration,
    /// What-if: give Spark a rack resolver (real Spark on Mesos has none,
    /// so it never schedules at `RACK_LOCAL`; docs/locality.md).
    pub spark_knows_racks: bool,
}

impl Default for DataConfig {
    fn default() -> DataConfig {
        DataConfig {
            replication: defaults::REPLICATION,
            rack_attribute: defaults::RACK_ATTRIBUTE.to_string(),
            remote_read: defaults::REMOTE_READ,
            off_rack_read: defaults::OFF_RACK_READ,
            spark_knows_racks: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    pub seed: u64,
    /// No job is submitted after this time.
    pub horizon: SimDuration,
    /// How long after the horizon in-flight jobs may still finish.
    pub drain: SimDuration,
    pub replications: u32,
    pub sample_interval: SimDuration,
    /// The `summary.csv` metrics charted against each swept parameter.
    pub chart_metrics: Vec<String>,
    /// `run.slo_latency_s`: a latency objective drawn on the latency
    /// charts (seconds), if any.
    pub slo_latency_s: Option<f64>,
}

/// The allocation policy: one of [`policies::mesos::ALLOCATORS`] — Mesos's
/// hierarchical allocator with the DRF or random sorter (`--role_sorter`,
/// `--framework_sorter`; Mesos 1.11 `DRFSorter` in `sorter/drf/sorter.cpp`, reference mesos-master.md §1.3), or a policy
/// added there (docs/write-a-policy.md) — or one registered at run time
/// (`policies::mesos::register_allocator`, a Python policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocatorKind(&'static str);

impl AllocatorKind {
    /// Hierarchical DRF, Mesos's default.
    pub const DRF: AllocatorKind = AllocatorKind("drf");

    /// The registered allocator of this name.
    pub fn named(name: &str) -> Option<AllocatorKind> {
        policies::mesos::allocator_names()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(n, _)| AllocatorKind(n))
    }

    /// Every name a scenario can select: the built-in allocators, then
    /// those registered at run time (a Python policy).
    pub fn names() -> impl Iterator<Item = &'static str> {
        policies::mesos::allocator_names()
            .into_iter()
            .map(|(n, _)| n)
    }

    pub fn name(self) -> &'static str {
        self.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MesosConfig {
    pub allocation_interval: SimDuration,
    /// `None`: offers never time out (the Mesos default).
    pub offer_timeout: Option<SimDuration>,
    pub default_refuse: SimDuration,
    pub allocator: AllocatorKind,
    pub task_launch_latency: SimDuration,
    /// Kill of a Mesos task → its TASK_KILLED update.
    pub task_kill_latency: SimDuration,
    /// How long each allocation run takes (`run_time`, `run_time_scale`).
    pub run_time: RunTime,
    /// Roles declared in `[mesos.roles]`, by name.
    pub roles: Vec<RoleConfig>,
    /// `--authenticate_frameworks`: frameworks without credentials are
    /// refused (default false).
    pub authenticate_frameworks: bool,
    /// `--credentials`: principal → secret.
    pub credentials: Vec<(String, String)>,
}

/// The duration of the master's allocation runs (`mesos.run_time`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunTime {
    /// Mesos's cost fitted to its benchmarks
    /// (`policies::mesos::allocation_run_time`), times a scale.
    Model { scale: f64 },
    /// The same duration for every run (zero: runs take no time).
    Fixed(SimDuration),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleConfig {
    pub name: String,
    pub weight: f64,
    /// A quota limit on unreserved scalars (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.5).
    pub quota: Option<Resources>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AgentGroup {
    pub count: u32,
    /// Hostnames are `NAME-0` … `NAME-(count-1)`.
    pub name: String,
    pub resources: Resources,
    /// As written; the rack attribute is added per agent when `racks` is set.
    pub attributes: Attributes,
    pub racks: Option<u32>,
    /// The agents store input blocks (default true); false for
    /// compute-only agents.
    pub datanode: bool,
}

impl AgentGroup {
    /// The hostname of the group's agent `i`.
    pub fn hostname(&self, i: u32) -> String {
        format!("{}-{i}", self.name)
    }

    /// The attributes of the group's agent `i`: as written, plus
    /// `rack:rK` (K = i mod racks) when `racks` is set.
    pub fn attributes_of(&self, i: u32) -> Attributes {
        let mut attributes = self.attributes.clone();
        if let Some(racks) = self.racks {
            attributes.push(
                "rack",
                policies::model::Value::Text(format!("r{}", i % racks.max(1))),
            );
        }
        attributes
    }

    /// The rack of the group's agent `i`: the text of its attribute
    /// `rack_attribute`, if it has one.
    pub fn rack_of(&self, i: u32, rack_attribute: &str) -> Option<String> {
        match self.attributes_of(i).get(rack_attribute) {
            Some(policies::model::Value::Text(t)) => Some(t.clone()),
            _ => None,
        }
    }

    /// The distinct attribute sets of the group's agents (one per rack).
    pub fn attribute_variants(&self) -> impl Iterator<Item = Attributes> + '_ {
        let n = self.racks.map_or(1, |r| r.min(self.count).max(1));
        (0..n).map(|i| self.attributes_of(i))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeployMode {
    Client,
    Cluster,
}

/// When an application ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopAt {
    /// When its job stream is done and its last job has finished.
    JobsDone,
    Horizon,
    At(SimDuration),
}

#[derive(Clone, Debug, PartialEq)]
pub struct App {
    pub name: String,
    pub master: MasterUrl,
    pub deploy_mode: DeployMode,
    pub start: SimDuration,
    pub stop: StopAt,
    /// The properties as written.
    pub conf: SparkConf,
    /// The same, typed and validated, with Spark's defaults.
    pub settings: SparkSettings,
    /// It names its own `spark_version` (else it runs the cluster's).
    pub own_version: bool,
    pub jobs: JobSpec,
    /// From the Mesos task launch to the executor registering with the
    /// driver (JVM start, fetches): a simulator parameter.
    pub executor_startup: Distribution,
    /// The FAIR scheduler's pools, with the relative share of the app's
    /// jobs each receives (empty: every job in the default pool).
    pub pools: Vec<(policies::spark::fair::Pool, f64)>,
    /// How long its driver takes to answer a batch of Mesos offers (drawn
    /// per batch; `None`: it answers in the same instant). The offers stay
    /// outstanding, and locked, meanwhile.
    pub decision_time: Option<Distribution>,
    /// Sizes and bandwidth of what executors fetch or pull.
    pub fetch: FetchCosts,
}

/// `[apps.fetch]`, in MiB and MiB/s: simulator parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchCosts {
    /// The Spark package of `spark.executor.uri` (default 250 MiB).
    pub package_mib: u64,
    /// Everything in `spark.mesos.uris` (default 10 MiB).
    pub uris_mib: u64,
    /// `spark.mesos.executor.docker.image` (default 1 GiB).
    pub docker_image_mib: u64,
    /// The agents' download bandwidth (default 100 MiB/s).
    pub bandwidth_mib_s: u64,
}

impl Default for FetchCosts {
    fn default() -> FetchCosts {
        FetchCosts {
            package_mib: 250,
            uris_mib: 10,
            docker_image_mib: 1024,
            bandwidth_mib_s: 100,
        }
    }
}

impl FetchCosts {
    /// How long `mib` takes to download, rounded to µs.
    pub fn time(&self, mib: u64) -> SimDuration {
        let bw = u128::from(self.bandwidth_mib_s.max(1));
        SimDuration(((u128::from(mib) * 1_000_000 + bw / 2) / bw) as u64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkKind {
    /// One task per free slot, as its backlog needs (Hadoop-like).
    Elastic,
    /// A job starts only with all its tasks placed at once (MPI-like).
    Rigid,
    /// Long-running tasks that hold resources until the framework stops.
    Service,
    /// Rigid, but keeps every offer it gets, unanswered and locked, until
    /// the head job's stage fits in them all (the MPI framework of the
    /// Mesos paper's §4, which hoards slots while it waits).
    Hoarding,
}

impl FrameworkKind {
    pub const NAMES: [&'static str; 4] = ["elastic", "rigid", "service", "hoarding"];

    pub fn name(self) -> &'static str {
        match self {
            FrameworkKind::Elastic => "elastic",
            FrameworkKind::Rigid => "rigid",
            FrameworkKind::Service => "service",
            FrameworkKind::Hoarding => "hoarding",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Framework {
    pub name: String,
    pub role: String,
    pub kind: FrameworkKind,
    pub task: Resources,
    /// The filter it declines with (`None`: it sets none, and the master's
    /// `default_refuse` applies).
    pub refuse: Option<SimDuration>,
    /// At most this many tasks launched from one offer callback (`None`:
    /// as many as fit and the backlog needs). 1 makes the framework take
    /// one task per offer and decline the rest, which is how the DRF
    /// paper's progressive filling shows through Mesos offers
    /// (docs/validation.md).
    pub tasks_per_offer: Option<u32>,
    /// When it registers with the master; its jobs' arrival times count
    /// from here, as an app's do.
    pub start: SimDuration,
    /// When it unregisters: once its jobs are done (the default), at a
    /// time, or at the horizon.
    pub stop: StopAt,
    /// It calls REVIVE when new work arrives after it declined with a
    /// filter, as Marathon, Chronos and Spark do (default true); false for
    /// a scheduler that waits for its filters to expire.
    pub revive: bool,
    /// How long it takes to answer a batch of offers (see
    /// [`App::decision_time`]).
    pub decision_time: Option<Distribution>,
    pub jobs: JobSpec,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub arrival: Arrival,
    /// Stages per job (all of the shape's: a fan-in of K parents has K + 1,
    /// a diamond 4).
    pub stages: u32,
    /// How the stages depend on each other.
    pub shape: JobShape,
    /// Tasks per stage.
    pub tasks: Distribution,
    pub task_duration: Distribution,
    /// Share of a task's run time that needs a CPU; below 1 it waits on I/O.
    pub cpu_fraction: f64,
    /// Each task of the first stage reads one input block (`[data]`), so
    /// it prefers the agents holding the block's replicas.
    pub input: bool,
    /// Jobs replayed from a trace instead of drawn (then `arrival`,
    /// `stages`, `shape`, `tasks` and `task_duration` are unused), with
    /// what the trace holds in its window, read when the scenario was
    /// checked.
    pub trace: Option<(TraceOptions, TraceSummary)>,
}

/// How a synthetic job's stages depend on each other (`[apps.jobs] shape`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JobShape {
    /// Each stage reads the one before it (`shape = "chain"`, the default).
    #[default]
    Chain,
    /// `parents` independent stages, then one that reads them all
    /// (`shape = "fan-in"`, `parents = K`).
    FanIn { parents: u32 },
    /// Stage 0, then stages 1 and 2 that read it, then stage 3 that reads
    /// both (`shape = "diamond"`).
    Diamond,
}

/// How jobs arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrival {
    /// Exponential inter-arrival times with this mean.
    Poisson {
        mean: SimDuration,
    },
    Every {
        interval: SimDuration,
    },
    At {
        times: Vec<SimDuration>,
    },
}

/// What a distribution's values measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Durations, parameters in µs.
    Duration,
    /// Counts (tasks per stage), parameters as plain numbers.
    Count,
}

/// A distribution of durations or counts (SPEC §1). Location parameters are
/// in the unit's base (µs for durations); `sigma` and `shape` are plain.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Constant {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Exponential {
        mean: f64,
    },
    Lognormal {
        median: f64,
        sigma: f64,
    },
    Pareto {
        scale: f64,
        shape: f64,
    },
    /// Weibull: `scale · (−ln(1 − u))^(1/shape)`; shape 1 is the
    /// exponential, below 1 failures cluster early (infant mortality),
    /// above 1 they come with wear.
    Weibull {
        scale: f64,
        shape: f64,
    },
    Empirical {
        values: Vec<f64>,
    },
}

impl Dist {
    pub const KINDS: [&'static str; 7] = [
        "constant",
        "uniform",
        "exponential",
        "lognormal",
        "pareto",
        "weibull",
        "empirical",
    ];

    /// The parameters each kind takes, in order.
    pub fn params_of(kind: &str) -> &'static [&'static str] {
        match kind {
            "constant" => &["value"],
            "uniform" => &["min", "max"],
            "exponential" => &["mean"],
            "lognormal" => &["median", "sigma"],
            "pareto" | "weibull" => &["scale", "shape"],
            "empirical" => &["values"],
            _ => &[],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub unit: Unit,
    pub dist: Dist,
}

/// A `[sweep]` or repeated-`--set` parameter and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepParam {
    pub path: String,
    pub values: Vec<toml::Value>,
}

/// One point of the cartesian product, with its validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub index: usize,
    pub assignments: Vec<(String, toml::Value)>,
    pub scenario: Scenario,
}
