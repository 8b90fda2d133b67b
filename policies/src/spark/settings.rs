//! The typed, validated settings of one Spark application, built from its
//! [`SparkConf`] with every error collected.

use super::conf::{ConfError, ConfReader, SparkConf};
use super::keys::{INT_MAX, NEVER};
use crate::constraints::Constraints;
use crate::model::{UNRESERVED, validate_role};
use crate::time::SimDuration;

/// Mesos role and executor shape settings of the coarse- and fine-grained
/// backends (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3, Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2, Spark 3.0 `MesosSchedulerUtils.executorMemory`, reference spark-on-mesos.md §3.5).
#[derive(Clone, Debug, PartialEq)]
pub struct SparkSettings {
    /// The Spark line whose rules the app runs (`spark_version` in the
    /// scenario; 3.0 by default).
    pub version: super::SparkVersion,
    /// `spark.mesos.coarse` (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.1, default true).
    pub coarse: bool,
    /// `spark.cores.max`; `None` = unlimited (`Int.MaxValue`, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3).
    pub cores_max: Option<u32>,
    /// `spark.executor.cores`; `None` = take every whole CPU of an offer.
    pub executor_cores: Option<u32>,
    /// `spark.mesos.extra.cores`: added to the cores an executor advertises,
    /// not to what Mesos accounts (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3).
    pub extra_cores: u32,
    /// `spark.mesos.mesosExecutor.cores` (fine-grained, Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2; may be fractional).
    pub mesos_executor_cores: f64,
    /// `spark.executor.memory` in MiB.
    pub executor_memory_mib: u64,
    /// `spark.mesos.executor.memoryOverhead` in MiB, used as-is when set.
    pub memory_overhead_mib: Option<u64>,
    /// `spark.executor.memoryOverheadFactor` (3.3+, default 0.1).
    pub memory_overhead_factor: f64,
    /// `spark.task.cpus`.
    pub task_cpus: u32,
    /// `spark.task.maxFailures`: failures of one task that abort its job
    /// (Spark 3.0 `TaskSetManager.handleFailedTask`; losses of the
    /// executor do not count).
    pub task_max_failures: u32,
    /// `spark.stage.maxConsecutiveAttempts`: attempts of one stage failed
    /// in a row by fetch failures that abort its job (Spark 3.0
    /// `DAGScheduler`, default 4).
    pub stage_max_attempts: u32,
    /// Decline filter for offers failing the constraints, whole seconds (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.4).
    pub refuse_unmet_constraints_s: i64,
    /// Decline filter once `spark.cores.max` is reached, whole seconds (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.4).
    pub refuse_reached_max_cores_s: i64,
    /// `spark.mesos.constraints` (Spark 3.0 `MesosSchedulerUtils.parseConstraintString`, reference spark-on-mesos.md §3.2).
    pub constraints: Constraints,
    /// `spark.mesos.role`, `*` when unset (Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4).
    pub role: String,
    /// `spark.blockManager.port`; 0 = random, no port is taken (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.5).
    pub block_manager_port: u16,
    /// `spark.scheduler.minRegisteredResourcesRatio`, capped at 1 (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.7).
    pub min_registered_ratio: f64,
    /// Whether `spark.scheduler.minRegisteredResourcesRatio` was set (YARN
    /// defaults it to 0.8 when not, Spark 3.0 `YarnSchedulerBackend`,
    /// reference standalone-yarn-local.md §2.8).
    pub min_registered_ratio_set: bool,
    /// `spark.scheduler.maxRegisteredResourcesWaitingTime` (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.7).
    pub max_registered_waiting: SimDuration,
    /// `spark.locality.wait` and its per-level keys (Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.6).
    pub locality_wait: LocalityWait,
    /// `spark.scheduler.revive.interval` (1 s): how often the coarse
    /// driver offers every executor's free cores to its task scheduler,
    /// which is when delay-scheduled tasks give up their locality
    /// (docs/locality.md).
    pub revive_interval: SimDuration,
    /// `spark.scheduler.mode`. FAIR without an allocation file puts every
    /// job in the `default` pool, which schedules FIFO: the same order.
    pub fair_scheduler: bool,
    /// `spark.default.parallelism` (fine-grained default 8, Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2).
    pub default_parallelism: u32,
    /// `spark.shuffle.service.enabled`.
    pub shuffle_service: bool,
    /// Dynamic allocation (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4).
    pub dynamic: DynamicAllocation,
    /// What an executor fetches or pulls before it starts (seeds: uploading
    /// Spark, Docker; Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.8 for the cache).
    pub startup: ExecutorStartup,
    /// `spark.mesos.principal` and `spark.mesos.secret`: the framework
    /// authenticates with them when a principal is set.
    pub principal: Option<String>,
    pub secret: Option<String>,
    /// `spark.driver.cores`, `spark.driver.memory` (cluster mode).
    pub driver_cores: u32,
    pub driver_memory_mib: u64,
    /// `spark.driver.supervise` (spark-submit `--supervise`): in cluster
    /// mode the dispatcher relaunches a driver whose task FAILED or was
    /// LOST.
    pub supervise: bool,
    /// YARN (Spark 3.0 `deploy/yarn/config.scala`, `Client.scala`,
    /// reference standalone-yarn-local.md §2.1–§2.3).
    pub yarn: YarnAppSettings,
}

/// The executor start-up settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutorStartup {
    /// `spark.executor.uri` is set: the Spark package is fetched (without
    /// it the executor runs from `spark.mesos.executor.home`, installed).
    pub fetch_package: bool,
    /// `spark.mesos.uris` is set: those files are fetched too.
    pub fetch_uris: bool,
    /// `spark.mesos.executor.docker.image`, pulled once per agent.
    pub docker_image: Option<String>,
    /// Host ports of `spark.mesos.executor.docker.portmaps`.
    pub docker_host_ports: Vec<u16>,
    /// `spark.mesos.fetcherCache.enable`: later executors on an agent reuse
    /// the fetched files.
    pub fetcher_cache: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalityWait {
    /// `spark.locality.wait` itself (the coarse backend's launch wait, Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.6).
    pub base: SimDuration,
    pub process: SimDuration,
    pub node: SimDuration,
    pub rack: SimDuration,
}

/// What an app asks of YARN (reference standalone-yarn-local.md §2.1–§2.3).
#[derive(Clone, Debug, PartialEq)]
pub struct YarnAppSettings {
    /// `spark.executor.instances`, when set explicitly.
    pub executor_instances: Option<u32>,
    /// `spark.executor.memoryOverhead` (MiB), else its pre-2.3 name
    /// `spark.yarn.executor.memoryOverhead` (a deprecated alternative from
    /// 2.3), when set.
    pub executor_memory_overhead_mib: Option<u64>,
    /// `spark.driver.memoryOverhead`, else `spark.yarn.driver.memoryOverhead`
    /// (MiB), when set.
    pub driver_memory_overhead_mib: Option<u64>,
    /// The pre-2.3 names alone (`spark.yarn.executor.memoryOverhead`,
    /// `spark.yarn.driver.memoryOverhead`): all 1.6–2.2 read (reference
    /// standalone-yarn-local.md §2.2, §2.10).
    pub legacy_memory_overhead_mib: (Option<u64>, Option<u64>),
    /// `spark.yarn.am.memory` (512 MiB), `spark.yarn.am.memoryOverhead`,
    /// `spark.yarn.am.cores` (1): the client-mode AM.
    pub am_memory_mib: u64,
    pub am_memory_overhead_mib: Option<u64>,
    pub am_cores: u32,
    /// `spark.yarn.queue` ("default").
    pub queue: String,
    /// `spark.yarn.max.executor.failures`, when set.
    pub max_executor_failures: Option<u32>,
    /// `spark.yarn.maxAppAttempts`, when set (else YARN's
    /// `yarn.resourcemanager.am.max-attempts`).
    pub max_app_attempts: Option<u32>,
    /// The allocator's node exclusion (Spark 3.0
    /// `YarnAllocatorBlacklistTracker`, reference standalone-yarn-local.md
    /// §2.7): `spark.yarn.blacklist.executor.launch.blacklisting.enabled`
    /// (false), `spark.blacklist.application.maxFailedExecutorsPerNode`
    /// (2), `spark.blacklist.timeout` (1 h); the 3.1 names
    /// (`spark.yarn.executor.launch.excludeOnFailure.enabled`,
    /// `spark.excludeOnFailure.*`) win when set.
    pub launch_exclusion: bool,
    pub max_failed_executors_per_node: u32,
    pub exclusion_timeout: SimDuration,
}

/// The executor allocation manager's settings (Spark 3.0
/// `ExecutorAllocationManager`, reference spark-on-mesos.md §4.1), with
/// Spark's validation (reference spark-on-mesos.md §4.7) applied when
/// enabled.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamicAllocation {
    pub enabled: bool,
    pub min_executors: u32,
    pub max_executors: u32,
    /// The first target the manager sends: max(min, initial, instances)
    /// (Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.1, 2.0+).
    pub initial_target: u32,
    /// Read in whole seconds, as Spark reads them (`timeConf(SECONDS)`).
    pub scheduler_backlog_timeout: SimDuration,
    pub sustained_backlog_timeout: SimDuration,
    pub idle_timeout: SimDuration,
    /// [`NEVER`] unless set.
    pub cached_idle_timeout: SimDuration,
    pub allocation_ratio: f64,
    pub shuffle_tracking: bool,
    /// Tasks one executor runs at once, as the manager computes it:
    /// `spark.executor.cores` (default **1**, even on Mesos, Spark 3.0 `ExecutorAllocationManager`, reference spark-on-mesos.md §4.9) ÷
    /// `spark.task.cpus`.
    pub tasks_per_executor: u32,
}

impl SparkSettings {
    /// Reads and validates every property; returns all errors at once.
    pub fn from_conf(conf: &SparkConf) -> Result<SparkSettings, Vec<ConfError>> {
        SparkSettings::from_conf_at(conf, super::SparkVersion::default())
    }

    /// As [`SparkSettings::from_conf`], reading the keys renamed between
    /// releases under the names `version` knows: the 3.1
    /// `spark.excludeOnFailure.*` and
    /// `spark.yarn.executor.launch.excludeOnFailure.enabled` names (which
    /// win over the `spark.blacklist.*` ones) only from the 3.x line.
    pub fn from_conf_at(
        conf: &SparkConf,
        version: super::SparkVersion,
    ) -> Result<SparkSettings, Vec<ConfError>> {
        let renamed = version >= super::SparkVersion::V3_0;
        let mut r = ConfReader::new(conf);
        let coarse = r.bool("spark.mesos.coarse");
        let cores_max = r
            .int_at_least("spark.cores.max", 1, "a positive integer")
            .map(|v| v as u32);
        let executor_cores = r
            .int_at_least("spark.executor.cores", 1, "a positive integer")
            .map(|v| v as u32);
        let extra_cores = r
            .int_at_least("spark.mesos.extra.cores", 0, "a non-negative integer")
            .unwrap_or(0) as u32;
        let mesos_executor_cores = positive_double(&mut r, "spark.mesos.mesosExecutor.cores", 1.0);
        let executor_memory_mib = int_mib(&mut r, "spark.executor.memory").unwrap_or(1024);
        if executor_memory_mib == 0 {
            r.error("spark.executor.memory", "expected a positive size, got 0");
        }
        let memory_overhead_mib = int_mib(&mut r, "spark.mesos.executor.memoryOverhead");
        let memory_overhead_factor = r
            .double("spark.executor.memoryOverheadFactor")
            .unwrap_or(0.1);
        if memory_overhead_factor < 0.0 {
            r.error(
                "spark.executor.memoryOverheadFactor",
                "expected a non-negative number",
            );
        }
        let task_cpus = r
            .int_at_least("spark.task.cpus", 1, "a positive integer")
            .unwrap_or(1) as u32;
        if let Some(cores) = executor_cores
            && cores < task_cpus
        {
            // SparkConf.validateSettings (3.x).
            r.error(
                    "spark.executor.cores",
                    format!(
                        "spark.executor.cores ({cores}) must not be less than spark.task.cpus ({task_cpus})"
                    ),
                );
        }
        let task_max_failures = r
            .int_at_least("spark.task.maxFailures", 1, "a positive integer")
            .unwrap_or(4) as u32;
        let stage_max_attempts = r
            .int_at_least(
                "spark.stage.maxConsecutiveAttempts",
                1,
                "a positive integer",
            )
            .unwrap_or(4) as u32;
        let refuse_unmet_constraints_s = whole_secs(
            r.time_us("spark.mesos.rejectOfferDurationForUnmetConstraints"),
            120,
        );
        let refuse_reached_max_cores_s = whole_secs(
            r.time_us("spark.mesos.rejectOfferDurationForReachedMaxCores"),
            120,
        );
        // Make the base key's own errors visible even when both specific keys are set.
        r.time_us("spark.mesos.rejectOfferDuration");

        let constraints =
            match Constraints::parse(&r.text("spark.mesos.constraints").unwrap_or_default()) {
                Ok(c) => c,
                Err(e) => {
                    r.error("spark.mesos.constraints", e.to_string());
                    Constraints::none()
                }
            };
        let role = r
            .text("spark.mesos.role")
            .unwrap_or_else(|| UNRESERVED.to_string());
        if let Err(why) = validate_role(&role) {
            r.error("spark.mesos.role", format!("invalid Mesos role: {why}"));
        }
        let block_manager_port = match r.int("spark.blockManager.port") {
            Some(p) if (0..=65535).contains(&p) => p as u16,
            Some(p) => {
                r.error(
                    "spark.blockManager.port",
                    format!("expected a port from 0 to 65535, got {p}"),
                );
                0
            }
            None => 0,
        };
        let min_registered_ratio = r
            .double("spark.scheduler.minRegisteredResourcesRatio")
            .unwrap_or(0.0)
            .min(1.0);
        let max_registered_waiting =
            non_negative(&mut r, "spark.scheduler.maxRegisteredResourcesWaitingTime");
        let locality_wait = LocalityWait {
            base: non_negative(&mut r, "spark.locality.wait"),
            process: non_negative(&mut r, "spark.locality.wait.process"),
            node: non_negative(&mut r, "spark.locality.wait.node"),
            rack: non_negative(&mut r, "spark.locality.wait.rack"),
        };
        let revive_interval = non_negative(&mut r, "spark.scheduler.revive.interval");
        if revive_interval.is_zero() {
            // A fixed-rate timer needs a positive period.
            r.error(
                "spark.scheduler.revive.interval",
                "expected a duration above zero",
            );
        }
        let fair_scheduler = match r
            .text("spark.scheduler.mode")
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase()
            .as_str()
        {
            "FIFO" => false,
            "FAIR" => true,
            other => {
                r.error(
                    "spark.scheduler.mode",
                    format!("Unrecognized spark.scheduler.mode: {other} (expected FIFO or FAIR)"),
                );
                false
            }
        };
        let default_parallelism = r
            .int_at_least("spark.default.parallelism", 1, "a positive integer")
            .unwrap_or(8) as u32;
        let shuffle_service = r.bool("spark.shuffle.service.enabled");
        let dynamic = read_dynamic(&mut r, executor_cores, task_cpus, shuffle_service);
        let startup = read_startup(&mut r);
        let principal = r.text("spark.mesos.principal").filter(|p| !p.is_empty());
        let secret = r.text("spark.mesos.secret");
        let driver_cores = r
            .int_at_least("spark.driver.cores", 1, "a positive integer")
            .unwrap_or(1) as u32;
        let driver_memory_mib = int_mib(&mut r, "spark.driver.memory").unwrap_or(1024);
        let supervise = r.bool("spark.driver.supervise");
        let min_registered_ratio_set = r.is_set("spark.scheduler.minRegisteredResourcesRatio");
        let legacy_overhead = (
            int_mib(&mut r, "spark.yarn.executor.memoryOverhead"),
            int_mib(&mut r, "spark.yarn.driver.memoryOverhead"),
        );
        let yarn = YarnAppSettings {
            executor_instances: r
                .int_at_least("spark.executor.instances", 0, "a non-negative integer")
                .map(|v| v as u32),
            executor_memory_overhead_mib: int_mib(&mut r, "spark.executor.memoryOverhead")
                .or(legacy_overhead.0),
            driver_memory_overhead_mib: int_mib(&mut r, "spark.driver.memoryOverhead")
                .or(legacy_overhead.1),
            legacy_memory_overhead_mib: legacy_overhead,
            am_memory_mib: int_mib(&mut r, "spark.yarn.am.memory").unwrap_or(512),
            am_memory_overhead_mib: int_mib(&mut r, "spark.yarn.am.memoryOverhead"),
            am_cores: r
                .int_at_least("spark.yarn.am.cores", 1, "a positive integer")
                .unwrap_or(1) as u32,
            queue: r
                .text("spark.yarn.queue")
                .unwrap_or_else(|| "default".to_string()),
            max_executor_failures: r
                .int_at_least(
                    "spark.yarn.max.executor.failures",
                    0,
                    "a non-negative integer",
                )
                .map(|v| v as u32),
            max_app_attempts: r
                .int_at_least("spark.yarn.maxAppAttempts", 1, "a positive integer")
                .map(|v| v as u32),
            launch_exclusion: if renamed
                && r.is_set("spark.yarn.executor.launch.excludeOnFailure.enabled")
            {
                r.bool("spark.yarn.executor.launch.excludeOnFailure.enabled")
            } else {
                r.bool("spark.yarn.blacklist.executor.launch.blacklisting.enabled")
            },
            max_failed_executors_per_node: renamed
                .then(|| {
                    r.int_at_least(
                        "spark.excludeOnFailure.application.maxFailedExecutorsPerNode",
                        1,
                        "a positive integer",
                    )
                })
                .flatten()
                .or_else(|| {
                    r.int_at_least(
                        "spark.blacklist.application.maxFailedExecutorsPerNode",
                        1,
                        "a positive integer",
                    )
                })
                .unwrap_or(2) as u32,
            exclusion_timeout: SimDuration(
                renamed
                    .then(|| r.time_us("spark.excludeOnFailure.timeout"))
                    .flatten()
                    .or_else(|| r.time_us("spark.blacklist.timeout"))
                    .unwrap_or(3_600_000_000)
                    .max(0) as u64,
            ),
        };

        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        Ok(SparkSettings {
            version,
            coarse,
            cores_max,
            executor_cores,
            extra_cores,
            mesos_executor_cores,
            executor_memory_mib,
            memory_overhead_mib,
            memory_overhead_factor,
            task_cpus,
            task_max_failures,
            stage_max_attempts,
            refuse_unmet_constraints_s,
            refuse_reached_max_cores_s,
            constraints,
            role,
            block_manager_port,
            min_registered_ratio,
            min_registered_ratio_set,
            max_registered_waiting,
            locality_wait,
            revive_interval,
            fair_scheduler,
            default_parallelism,
            shuffle_service,
            dynamic,
            startup,
            principal,
            secret,
            driver_cores,
            driver_memory_mib,
            supervise,
            yarn,
        })
    }

    /// Memory one executor asks Mesos for, in MiB: executor memory plus
    /// overhead, where the overhead is `spark.mesos.executor.memoryOverhead`
    /// as-is when set, else `floor(max(factor × memory, 384))`
    /// (Spark 3.0 `MesosSchedulerUtils.executorMemory`, reference spark-on-mesos.md §3.5).
    pub fn executor_memory_total_mib(&self) -> u64 {
        let overhead = self
            .memory_overhead_mib
            .unwrap_or_else(|| overhead_mib(self.memory_overhead_factor, self.executor_memory_mib));
        self.executor_memory_mib + overhead
    }

    /// Memory a cluster-mode driver asks for: driver memory plus the same
    /// overhead rule as executors (`max(384 MiB, 10%)`).
    pub fn driver_memory_total_mib(&self) -> u64 {
        let overhead = overhead_mib(self.memory_overhead_factor, self.driver_memory_mib);
        self.driver_memory_mib + overhead
    }

    /// The coarse backend's core cap: `spark.cores.max` (or `Int.MaxValue`)
    /// rounded down to a multiple of the executor size (SPARK-20483, 2.2+;
    /// Spark 3.0 `MesosCoarseGrainedSchedulerBackend`, reference spark-on-mesos.md §1.3).
    pub fn max_cores(&self) -> u64 {
        let cores = self.cores_max.map_or(INT_MAX, i64::from) as u64;
        // 1.6–2.1 use `spark.cores.max` as it is (reference
        // spark-on-mesos.md §1.2, §1.8).
        if self.version < super::SparkVersion::V2_2 {
            return cores;
        }
        let per_executor = u64::from(self.executor_cores.unwrap_or(1));
        cores - cores % per_executor
    }
}

/// A memory size Spark holds as an `Int` of MiB (Spark 3.0
/// `Utils.memoryStringToMb` and `MesosSchedulerUtils.executorMemory`,
/// Spark 3.0 `MesosSchedulerUtils.executorMemory`, reference spark-on-mesos.md §3.5): above `Int.MaxValue` MiB Spark's
/// arithmetic wraps, so the simulator refuses the value instead.
fn int_mib(r: &mut ConfReader<'_>, key: &str) -> Option<u64> {
    let v = r.size_mib(key)?;
    if v > INT_MAX as u64 {
        r.error(
            key,
            format!(
                "{v} MiB is more than Spark can hold: it reads this size as an Int of MiB, at most {INT_MAX}m"
            ),
        );
        return None;
    }
    Some(v)
}

/// `max(factor × memory, 384)` MiB, converted to an `Int` as Spark does
/// (`Double.toInt` saturates at `Int.MaxValue`; MesosSchedulerUtils
/// `executorMemory`, Spark 3.0 `MesosSchedulerUtils.executorMemory`, reference spark-on-mesos.md §3.5), so sums of two
/// such sizes stay far inside `u64`.
fn overhead_mib(factor: f64, memory_mib: u64) -> u64 {
    let scaled = (factor * memory_mib as f64).floor();
    let as_int = if scaled.is_nan() {
        0.0
    } else {
        scaled.min(INT_MAX as f64)
    };
    (as_int as u64).max(384)
}

/// `spark.mesos.executor.docker.portmaps`: `host:container[:tcp|:udp]`,
/// comma-separated.
fn read_startup(r: &mut ConfReader<'_>) -> ExecutorStartup {
    const PORTMAPS: &str = "spark.mesos.executor.docker.portmaps";
    let mut docker_host_ports = Vec::new();
    if let Some(maps) = r.text(PORTMAPS) {
        for item in maps.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            let parts: Vec<&str> = item.split(':').collect();
            let ok = matches!(parts.len(), 2 | 3)
                && parts.get(2).is_none_or(|p| matches!(*p, "tcp" | "udp"))
                && parts[1].parse::<u16>().is_ok();
            match (ok, parts[0].parse::<u16>()) {
                (true, Ok(host)) => docker_host_ports.push(host),
                _ => r.error(
                    PORTMAPS,
                    format!("expected host_port:container_port[:tcp|:udp] entries, got \"{item}\""),
                ),
            }
        }
    }
    ExecutorStartup {
        fetch_package: r
            .text("spark.executor.uri")
            .is_some_and(|u| !u.trim().is_empty()),
        fetch_uris: r
            .text("spark.mesos.uris")
            .is_some_and(|u| !u.trim().is_empty()),
        docker_image: r
            .text("spark.mesos.executor.docker.image")
            .filter(|i| !i.trim().is_empty()),
        docker_host_ports,
        fetcher_cache: r.bool("spark.mesos.fetcherCache.enable"),
    }
}

fn positive_double(r: &mut ConfReader<'_>, key: &str, fallback: f64) -> f64 {
    match r.double(key) {
        Some(v) if v > 0.0 => v,
        Some(v) => {
            r.error(key, format!("expected a positive number, got {v}"));
            fallback
        }
        None => fallback,
    }
}

/// Spark's `getTimeAsSeconds`: whole seconds, truncated toward zero.
fn whole_secs(us: Option<i64>, fallback: i64) -> i64 {
    us.map_or(fallback, |us| us / 1_000_000)
}

fn non_negative(r: &mut ConfReader<'_>, key: &str) -> SimDuration {
    match r.time_us(key) {
        Some(us) if us >= 0 => SimDuration(us as u64),
        Some(_) => {
            r.error(key, "expected a non-negative duration");
            SimDuration::ZERO
        }
        None => SimDuration::ZERO,
    }
}

/// Whole seconds from a seconds-unit key (Spark reads these keys in
/// seconds, so `"1500ms"` is 1 s and `"500ms"` is 0 s).
fn seconds_key(r: &mut ConfReader<'_>, key: &str) -> Option<i64> {
    r.time_us(key).map(|us| us / 1_000_000)
}

fn read_dynamic(
    r: &mut ConfReader<'_>,
    executor_cores: Option<u32>,
    task_cpus: u32,
    shuffle_service: bool,
) -> DynamicAllocation {
    const MIN: &str = "spark.dynamicAllocation.minExecutors";
    const MAX: &str = "spark.dynamicAllocation.maxExecutors";
    let enabled = r.bool("spark.dynamicAllocation.enabled");
    let testing = r.bool("spark.dynamicAllocation.testing");
    let min = r.int(MIN).unwrap_or(0);
    let max = r.int(MAX).unwrap_or(INT_MAX);
    let initial = r
        .int("spark.dynamicAllocation.initialExecutors")
        .unwrap_or(min);
    let instances = r.int("spark.executor.instances").unwrap_or(0);
    let backlog = seconds_key(r, "spark.dynamicAllocation.schedulerBacklogTimeout").unwrap_or(1);
    let sustained = seconds_key(
        r,
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
    )
    .unwrap_or(backlog);
    let idle = seconds_key(r, "spark.dynamicAllocation.executorIdleTimeout").unwrap_or(60);
    let cached = seconds_key(r, "spark.dynamicAllocation.cachedExecutorIdleTimeout");
    let ratio = r
        .double("spark.dynamicAllocation.executorAllocationRatio")
        .unwrap_or(1.0);
    let shuffle_tracking = r.bool("spark.dynamicAllocation.shuffleTracking.enabled");
    let _ = r.time_us("spark.dynamicAllocation.shuffleTracking.timeout");
    let tasks_per_executor = executor_cores.unwrap_or(1) / task_cpus.max(1);

    if enabled {
        // ExecutorAllocationManager.validateSettings (reference spark-on-mesos.md §4.7).
        if min < 0 || max < 0 {
            r.error(
                MIN,
                format!("{MIN} ({min}) and {MAX} ({max}) must be positive"),
            );
        }
        if max == 0 {
            r.error(MAX, format!("{MAX} cannot be 0"));
        }
        if min > max {
            r.error(
                MIN,
                format!("{MIN} ({min}) must be less than or equal to {MAX} ({max})"),
            );
        }
        if backlog <= 0 {
            r.error(
                "spark.dynamicAllocation.schedulerBacklogTimeout",
                "must be > 0 (read in whole seconds)",
            );
        }
        if sustained <= 0 {
            r.error(
                "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
                "must be > 0 (read in whole seconds)",
            );
        }
        if idle < 0 {
            r.error(
                "spark.dynamicAllocation.executorIdleTimeout",
                "must be >= 0",
            );
        }
        if cached.is_some_and(|c| c < 0) {
            r.error(
                "spark.dynamicAllocation.cachedExecutorIdleTimeout",
                "must be >= 0",
            );
        }
        if !(ratio > 0.0 && ratio <= 1.0) {
            r.error(
                "spark.dynamicAllocation.executorAllocationRatio",
                format!("must be > 0 and <= 1.0, got {ratio}"),
            );
        }
        if !shuffle_service && !shuffle_tracking && !testing {
            r.error(
                "spark.dynamicAllocation.enabled",
                "dynamic allocation of executors requires the external shuffle service; \
                 set spark.shuffle.service.enabled=true",
            );
        }
        if tasks_per_executor == 0 {
            r.error(
                "spark.executor.cores",
                format!(
                    "spark.executor.cores ({}, the default when unset) must not be less than \
                     spark.task.cpus ({task_cpus}) with dynamic allocation",
                    executor_cores.unwrap_or(1)
                ),
            );
        }
    }
    let secs = |s: i64| SimDuration::from_secs(s.max(0) as u64);
    let clamp_u32 = |v: i64| v.clamp(0, INT_MAX) as u32;
    DynamicAllocation {
        enabled,
        min_executors: clamp_u32(min),
        max_executors: clamp_u32(max),
        initial_target: clamp_u32(min.max(initial).max(instances)),
        scheduler_backlog_timeout: secs(backlog),
        sustained_backlog_timeout: secs(sustained),
        idle_timeout: secs(idle),
        cached_idle_timeout: cached.map_or(NEVER, secs),
        allocation_ratio: ratio,
        shuffle_tracking,
        tasks_per_executor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> SparkSettings {
        let mut conf = SparkConf::new();
        for (k, v) in pairs {
            conf.set(*k, *v);
        }
        SparkSettings::from_conf(&conf).unwrap()
    }

    fn errors(pairs: &[(&str, &str)]) -> Vec<String> {
        let mut conf = SparkConf::new();
        for (k, v) in pairs {
            conf.set(*k, *v);
        }
        SparkSettings::from_conf(&conf)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn real_defaults() {
        let s = settings(&[]);
        assert!(s.coarse);
        assert_eq!(s.cores_max, None);
        assert_eq!(s.max_cores(), 2_147_483_647);
        assert_eq!(s.executor_cores, None);
        assert_eq!(s.extra_cores, 0);
        assert_eq!(s.mesos_executor_cores, 1.0);
        assert_eq!(s.executor_memory_mib, 1024);
        assert_eq!(s.executor_memory_total_mib(), 1408);
        assert_eq!(s.task_cpus, 1);
        assert_eq!(s.refuse_unmet_constraints_s, 120);
        assert_eq!(s.refuse_reached_max_cores_s, 120);
        assert!(s.constraints.is_empty());
        assert_eq!(s.role, "*");
        assert_eq!(s.block_manager_port, 0);
        assert_eq!(s.min_registered_ratio, 0.0);
        assert_eq!(s.max_registered_waiting, SimDuration::from_secs(30));
        assert_eq!(s.locality_wait.node, SimDuration::from_secs(3));
        assert_eq!(s.default_parallelism, 8);
        let d = &s.dynamic;
        assert!(!d.enabled);
        assert_eq!(
            (d.min_executors, d.max_executors, d.initial_target),
            (0, 2_147_483_647, 0)
        );
        assert_eq!(d.scheduler_backlog_timeout, SimDuration::from_secs(1));
        assert_eq!(d.sustained_backlog_timeout, SimDuration::from_secs(1));
        assert_eq!(d.idle_timeout, SimDuration::from_secs(60));
        assert_eq!(d.cached_idle_timeout, NEVER);
        assert_eq!(d.allocation_ratio, 1.0);
        assert_eq!(d.tasks_per_executor, 1);
    }

    #[test]
    fn executor_memory_worked_values() {
        // Spark 3.0 `MesosSchedulerUtils.executorMemory`, reference spark-on-mesos.md §3.5.
        let total = |pairs: &[(&str, &str)]| settings(pairs).executor_memory_total_mib();
        assert_eq!(total(&[("spark.executor.memory", "512m")]), 896);
        assert_eq!(total(&[("spark.executor.memory", "4g")]), 4505);
        assert_eq!(total(&[("spark.executor.memory", "8g")]), 9011);
        assert_eq!(
            total(&[
                ("spark.executor.memory", "1g"),
                ("spark.mesos.executor.memoryOverhead", "512")
            ]),
            1536
        );
        assert_eq!(
            total(&[
                ("spark.executor.memory", "1g"),
                ("spark.mesos.executor.memoryOverhead", "100")
            ]),
            1124,
            "an explicit overhead is used as-is, even below 384"
        );
        assert_eq!(
            total(&[
                ("spark.executor.memory", "10g"),
                ("spark.executor.memoryOverheadFactor", "0.2")
            ]),
            10240 + 2048
        );
    }

    #[test]
    fn memory_sizes_stay_inside_sparks_int_of_mib() {
        assert_eq!(
            errors(&[("spark.executor.memory", "3p")]),
            [
                "spark.executor.memory: 3221225472 MiB is more than Spark can hold: it reads this size as an Int of MiB, at most 2147483647m"
            ]
        );
        assert_eq!(errors(&[("spark.driver.memory", "2147483648m")]).len(), 1);
        assert_eq!(
            errors(&[("spark.mesos.executor.memoryOverhead", "9999999999g")]).len(),
            1
        );
        // The largest size Spark holds, with a huge factor: the overhead
        // saturates at Int.MaxValue as Double.toInt does; no overflow.
        let s = settings(&[
            ("spark.executor.memory", "2147483647m"),
            ("spark.executor.memoryOverheadFactor", "1e300"),
        ]);
        assert_eq!(s.executor_memory_total_mib(), 2 * 2_147_483_647);
    }

    #[test]
    fn max_cores_rounds_down_to_executor_multiples() {
        let s = settings(&[("spark.cores.max", "10"), ("spark.executor.cores", "4")]);
        assert_eq!(s.max_cores(), 8);
        let s = settings(&[("spark.cores.max", "10")]);
        assert_eq!(s.max_cores(), 10);
    }

    #[test]
    fn reject_durations_fall_back_and_truncate_to_seconds() {
        let s = settings(&[("spark.mesos.rejectOfferDuration", "30s")]);
        assert_eq!(
            (s.refuse_unmet_constraints_s, s.refuse_reached_max_cores_s),
            (30, 30)
        );
        let s = settings(&[
            ("spark.mesos.rejectOfferDuration", "30s"),
            (
                "spark.mesos.rejectOfferDurationForReachedMaxCores",
                "1500ms",
            ),
        ]);
        assert_eq!(
            (s.refuse_unmet_constraints_s, s.refuse_reached_max_cores_s),
            (30, 1)
        );
        let s = settings(&[(
            "spark.mesos.rejectOfferDurationForUnmetConstraints",
            "500ms",
        )]);
        assert_eq!(
            s.refuse_unmet_constraints_s, 0,
            "getTimeAsSeconds truncates"
        );
    }

    #[test]
    fn dynamic_allocation_initial_target_is_the_max() {
        let s = settings(&[
            ("spark.dynamicAllocation.enabled", "true"),
            ("spark.shuffle.service.enabled", "true"),
            ("spark.dynamicAllocation.minExecutors", "2"),
            ("spark.dynamicAllocation.initialExecutors", "1"),
            ("spark.executor.instances", "5"),
        ]);
        assert_eq!(s.dynamic.initial_target, 5);
        assert_eq!(s.dynamic.min_executors, 2);
    }

    #[test]
    fn dynamic_allocation_validation_has_sparks_reasons() {
        let da = [("spark.dynamicAllocation.enabled", "true")];
        assert_eq!(
            errors(&da),
            [
                "spark.dynamicAllocation.enabled: dynamic allocation of executors requires the \
              external shuffle service; set spark.shuffle.service.enabled=true"
            ]
        );
        let base = [
            ("spark.dynamicAllocation.enabled", "true"),
            ("spark.shuffle.service.enabled", "true"),
        ];
        let with = |extra: &[(&str, &str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            errors(&all)
        };
        assert_eq!(
            with(&[
                ("spark.dynamicAllocation.minExecutors", "5"),
                ("spark.dynamicAllocation.maxExecutors", "2")
            ]),
            [
                "spark.dynamicAllocation.minExecutors: spark.dynamicAllocation.minExecutors (5) must be \
              less than or equal to spark.dynamicAllocation.maxExecutors (2)"
            ]
        );
        assert_eq!(
            with(&[("spark.dynamicAllocation.maxExecutors", "0")]),
            [
                "spark.dynamicAllocation.maxExecutors: spark.dynamicAllocation.maxExecutors cannot be 0"
            ]
        );
        assert_eq!(
            with(&[("spark.dynamicAllocation.minExecutors", "-1")]),
            [
                "spark.dynamicAllocation.minExecutors: spark.dynamicAllocation.minExecutors (-1) and \
              spark.dynamicAllocation.maxExecutors (2147483647) must be positive"
            ]
        );
        assert_eq!(
            with(&[("spark.dynamicAllocation.schedulerBacklogTimeout", "500ms")]),
            [
                // The sustained timeout falls back to it: one error, on the
                // key that holds the value.
                "spark.dynamicAllocation.schedulerBacklogTimeout: must be > 0 (read in whole seconds)",
            ]
        );
        assert_eq!(
            with(&[("spark.dynamicAllocation.executorIdleTimeout", "-1s")]),
            ["spark.dynamicAllocation.executorIdleTimeout: must be >= 0"]
        );
        assert_eq!(
            with(&[("spark.dynamicAllocation.executorAllocationRatio", "1.5")]),
            ["spark.dynamicAllocation.executorAllocationRatio: must be > 0 and <= 1.0, got 1.5"]
        );
        assert_eq!(
            with(&[("spark.task.cpus", "2")]),
            [
                "spark.executor.cores: spark.executor.cores (1, the default when unset) must not be \
              less than spark.task.cpus (2) with dynamic allocation"
            ]
        );
        // Shuffle tracking (3.0) lets dynamic allocation run without the service.
        settings(&[
            ("spark.dynamicAllocation.enabled", "true"),
            ("spark.dynamicAllocation.shuffleTracking.enabled", "true"),
        ]);
        // Spark validates only when the manager is built.
        settings(&[("spark.dynamicAllocation.maxExecutors", "0")]);
    }

    #[test]
    fn executor_startup_keys() {
        let s = settings(&[]);
        assert_eq!(s.startup, ExecutorStartup::default());
        let s = settings(&[
            ("spark.executor.uri", "hdfs://x/spark.tgz"),
            ("spark.mesos.uris", "http://x/a.jar"),
            ("spark.mesos.executor.docker.image", "spark:3.3"),
            (
                "spark.mesos.executor.docker.portmaps",
                "8080:80, 8081:81:udp",
            ),
            ("spark.mesos.fetcherCache.enable", "true"),
        ]);
        assert!(s.startup.fetch_package && s.startup.fetch_uris && s.startup.fetcher_cache);
        assert_eq!(s.startup.docker_image.as_deref(), Some("spark:3.3"));
        assert_eq!(s.startup.docker_host_ports, [8080, 8081]);
        assert_eq!(
            errors(&[("spark.mesos.executor.docker.portmaps", "8080")]),
            [
                "spark.mesos.executor.docker.portmaps: expected host_port:container_port[:tcp|:udp] entries, got \"8080\""
            ]
        );
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        assert_eq!(
            errors(&[
                ("spark.cores.max", "lots"),
                ("spark.executor.cores", "0"),
                ("spark.executor.memory", "4q"),
                ("spark.mesos.constraints", "os;zone:a"),
                ("spark.mesos.role", "-bad"),
                ("spark.mesos.extra.cores", "-1"),
                ("spark.scheduler.mode", "ROUNDROBIN"),
                ("spark.blockManager.port", "70000"),
            ]),
            [
                "spark.cores.max: expected a positive integer, got \"lots\"",
                "spark.executor.cores: expected a positive integer, got \"0\"",
                "spark.mesos.extra.cores: expected a non-negative integer, got \"-1\"",
                "spark.executor.memory: Invalid suffix: \"q\" in \"4q\"",
                "spark.mesos.constraints: Bad constraint string: os;zone:a (entry 'os' has no ':'; \
                 write attribute:value, at character 1)",
                "spark.mesos.role: invalid Mesos role: role '-bad': the component '-bad' must not start with '-'",
                "spark.blockManager.port: expected a port from 0 to 65535, got 70000",
                "spark.scheduler.mode: Unrecognized spark.scheduler.mode: ROUNDROBIN (expected FIFO or FAIR)",
            ]
        );
        assert_eq!(
            errors(&[("spark.executor.cores", "2"), ("spark.task.cpus", "4")]),
            [
                "spark.executor.cores: spark.executor.cores (2) must not be less than spark.task.cpus (4)"
            ]
        );
    }
}
