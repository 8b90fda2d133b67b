//! Every Spark property the reference files name, with its type, its real
//! default (Spark 3.x line) and whether the simulator models it.
//!
//! This table is the single place defaults live: the typed settings
//! ([`super::settings`]) read through it, `sim validate` prints effective
//! values from it, and unknown-key warnings suggest names from it.

use crate::time::SimDuration;

/// How a property's string is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// `true`/`false`, case-insensitive, trimmed.
    Bool,
    /// A 32-bit integer (`toInt`).
    Int,
    /// A double (`toDouble`).
    Double,
    /// A size (`byteStringAs`); a bare number is in MiB.
    SizeMib,
    /// A duration (`timeStringAs`); a bare number is in this many µs.
    Time { default_unit_us: u64 },
    /// Free text.
    Text,
}

pub const SECONDS: KeyType = KeyType::Time {
    default_unit_us: 1_000_000,
};
pub const MILLIS: KeyType = KeyType::Time {
    default_unit_us: 1_000,
};

/// Where a property's value comes from when the conf does not set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// Spark's literal default.
    Value(&'static str),
    /// The value of another property (Spark's `fallbackConf`).
    FallbackTo(&'static str),
    /// No default: "unset" has its own meaning (unlimited, random, none).
    Unset,
}

/// Whether the simulator takes the property into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Modelled: changing it changes the simulation.
    Modelled,
    /// Read and validated, but its effect is not simulated (yet); setting it
    /// earns one warning giving the reason.
    NotModelled(&'static str),
    /// It has no effect on scheduling in real Spark either (a label, a
    /// port number), so no warning.
    NoEffect,
}

#[derive(Clone, Copy, Debug)]
pub struct KeyDef {
    pub name: &'static str,
    pub ty: KeyType,
    pub default: DefaultValue,
    pub support: Support,
    /// The reference section the default and meaning come from.
    pub source: &'static str,
}

const fn key(
    name: &'static str,
    ty: KeyType,
    default: DefaultValue,
    support: Support,
    source: &'static str,
) -> KeyDef {
    KeyDef {
        name,
        ty,
        default,
        support,
        source,
    }
}

use DefaultValue::{FallbackTo, Unset, Value};
use KeyType::{Bool, Double, Int, SizeMib, Text};
use Support::{Modelled, NoEffect, NotModelled};

const PARALLELISM: Support = NotModelled("task counts come from the jobs of the scenario");
const DYNAMIC: Support = NotModelled("shuffle tracking is not simulated");
const FAULTS: Support = NotModelled(
    "agent loss and framework failover are not simulated yet (executor and driver failures are, docs/faults.md)",
);

/// The known properties, sorted by name.
pub static KEYS: &[KeyDef] = &[
    key("spark.app.name", Text, Unset, NoEffect, "§1.3 task names"),
    key(
        "spark.blacklist.application.maxFailedExecutorsPerNode",
        Int,
        Value("2"),
        Modelled,
        "standalone-yarn-local §2.7",
    ),
    key(
        "spark.blacklist.timeout",
        MILLIS,
        Value("1h"),
        Modelled,
        "standalone-yarn-local §2.7",
    ),
    key("spark.blockManager.port", Int, Value("0"), Modelled, "§1.5"),
    key("spark.cores.max", Int, Unset, Modelled, "§1.3"),
    key(
        "spark.default.parallelism",
        Int,
        Value("8"),
        PARALLELISM,
        "§2",
    ),
    key(
        "spark.driver.cores",
        Int,
        Value("1"),
        Modelled,
        "seeds: cluster mode",
    ),
    key(
        "spark.driver.memory",
        SizeMib,
        Value("1g"),
        Modelled,
        "seeds: cluster mode",
    ),
    key(
        "spark.driver.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "standalone-yarn-local §2.1 (YARN cluster-mode AM)",
    ),
    key(
        "spark.driver.supervise",
        Bool,
        Value("false"),
        Modelled,
        "seeds: cluster mode, docs/faults.md",
    ),
    key(
        "spark.dynamicAllocation.cachedExecutorIdleTimeout",
        SECONDS,
        Unset,
        NotModelled("cached blocks are not simulated"),
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.enabled",
        Bool,
        Value("false"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.executorAllocationRatio",
        Double,
        Value("1.0"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.executorIdleTimeout",
        SECONDS,
        Value("60s"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.initialExecutors",
        Int,
        FallbackTo("spark.dynamicAllocation.minExecutors"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.maxExecutors",
        Int,
        Value("2147483647"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.minExecutors",
        Int,
        Value("0"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.schedulerBacklogTimeout",
        SECONDS,
        Value("1s"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.shuffleTracking.enabled",
        Bool,
        Value("false"),
        DYNAMIC,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.shuffleTracking.timeout",
        MILLIS,
        Unset,
        DYNAMIC,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
        SECONDS,
        FallbackTo("spark.dynamicAllocation.schedulerBacklogTimeout"),
        Modelled,
        "§4.1",
    ),
    key(
        "spark.dynamicAllocation.testing",
        Bool,
        Value("false"),
        Modelled,
        "§1.3, §4.7",
    ),
    key(
        "spark.excludeOnFailure.application.maxFailedExecutorsPerNode",
        Int,
        Unset,
        Modelled,
        "standalone-yarn-local §2.7 (3.1 name)",
    ),
    key(
        "spark.excludeOnFailure.timeout",
        MILLIS,
        Unset,
        Modelled,
        "standalone-yarn-local §2.7 (3.1 name)",
    ),
    key("spark.executor.cores", Int, Unset, Modelled, "§1.3"),
    key("spark.executor.instances", Int, Unset, Modelled, "§4.1"),
    key(
        "spark.executor.memory",
        SizeMib,
        Value("1g"),
        Modelled,
        "§3.5",
    ),
    key(
        "spark.executor.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "standalone-yarn-local §2.2 (YARN)",
    ),
    key(
        "spark.executor.memoryOverheadFactor",
        Double,
        Value("0.1"),
        Modelled,
        "§3.5",
    ),
    key(
        "spark.executor.uri",
        Text,
        Unset,
        Modelled,
        "seeds: uploading Spark",
    ),
    key(
        "spark.locality.wait",
        MILLIS,
        Value("3s"),
        Modelled,
        "§1.6, docs/locality.md",
    ),
    key(
        "spark.locality.wait.node",
        MILLIS,
        FallbackTo("spark.locality.wait"),
        Modelled,
        "docs/locality.md",
    ),
    key(
        "spark.locality.wait.process",
        MILLIS,
        FallbackTo("spark.locality.wait"),
        Modelled,
        "docs/locality.md",
    ),
    key(
        "spark.locality.wait.rack",
        MILLIS,
        FallbackTo("spark.locality.wait"),
        Modelled,
        "docs/locality.md",
    ),
    key(
        "spark.mesos.checkpoint",
        Bool,
        Value("false"),
        FAULTS,
        "mesos-master.md §5.10",
    ),
    key("spark.mesos.coarse", Bool, Value("true"), Modelled, "§1.1"),
    key(
        "spark.mesos.coarse.shutdownTimeout",
        MILLIS,
        Value("10s"),
        NotModelled("driver shutdown is instantaneous here"),
        "§1.3",
    ),
    key("spark.mesos.constraints", Text, Value(""), Modelled, "§3.2"),
    key(
        "spark.mesos.driver.failoverTimeout",
        Double,
        Value("0.0"),
        FAULTS,
        "mesos-master.md §5.11",
    ),
    key(
        "spark.mesos.executor.docker.image",
        Text,
        Unset,
        Modelled,
        "seeds: Docker",
    ),
    key(
        "spark.mesos.executor.docker.portmaps",
        Text,
        Unset,
        Modelled,
        "seeds: Docker",
    ),
    key(
        "spark.mesos.executor.home",
        Text,
        Unset,
        Modelled,
        "seeds: uploading Spark",
    ),
    key(
        "spark.mesos.executor.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "§3.5",
    ),
    key("spark.mesos.extra.cores", Int, Value("0"), Modelled, "§1.3"),
    key(
        "spark.mesos.fetcherCache.enable",
        Bool,
        Value("false"),
        Modelled,
        "§1.8 (2.1)",
    ),
    key(
        "spark.mesos.gpus.max",
        Int,
        Value("0"),
        NotModelled("GPUs are not simulated"),
        "§1.3",
    ),
    key(
        "spark.mesos.mesosExecutor.cores",
        Double,
        Value("1.0"),
        Modelled,
        "§2",
    ),
    key(
        "spark.mesos.principal",
        Text,
        Unset,
        Modelled,
        "seeds: authentication",
    ),
    key(
        "spark.mesos.rejectOfferDuration",
        SECONDS,
        Value("120s"),
        Modelled,
        "§1.4",
    ),
    key(
        "spark.mesos.rejectOfferDurationForReachedMaxCores",
        SECONDS,
        FallbackTo("spark.mesos.rejectOfferDuration"),
        Modelled,
        "§1.4",
    ),
    key(
        "spark.mesos.rejectOfferDurationForUnmetConstraints",
        SECONDS,
        FallbackTo("spark.mesos.rejectOfferDuration"),
        Modelled,
        "§1.4",
    ),
    key("spark.mesos.role", Text, Unset, Modelled, "§3.4"),
    key(
        "spark.mesos.secret",
        Text,
        Unset,
        Modelled,
        "seeds: authentication",
    ),
    key("spark.mesos.task.labels", Text, Unset, NoEffect, "§1.3"),
    key(
        "spark.mesos.uris",
        Text,
        Unset,
        Modelled,
        "seeds: configuration",
    ),
    key(
        "spark.scheduler.maxRegisteredResourcesWaitingTime",
        MILLIS,
        Value("30s"),
        Modelled,
        "§1.7",
    ),
    key(
        "spark.scheduler.minRegisteredResourcesRatio",
        Double,
        Unset,
        Modelled,
        "§1.7; unset: 0, on YARN 0.8 (standalone-yarn-local §2.8)",
    ),
    key(
        "spark.scheduler.mode",
        Text,
        Value("FIFO"),
        Modelled,
        "Pool, FairSchedulingAlgorithm; FAIR pools from [apps.pools] (docs/scenario.md)",
    ),
    key(
        "spark.scheduler.revive.interval",
        MILLIS,
        Value("1s"),
        Modelled,
        "docs/locality.md",
    ),
    key(
        "spark.shuffle.service.enabled",
        Bool,
        Value("false"),
        Modelled,
        "§4.7",
    ),
    key(
        "spark.shuffle.service.port",
        Int,
        Value("7337"),
        NoEffect,
        "§1.3",
    ),
    key(
        "spark.speculation",
        Bool,
        Value("false"),
        NotModelled("speculative tasks are not simulated"),
        "§4.3",
    ),
    key(
        "spark.stage.maxConsecutiveAttempts",
        Int,
        Value("4"),
        Modelled,
        "DAGScheduler fetch failures, docs/faults.md",
    ),
    key("spark.task.cpus", Int, Value("1"), Modelled, "§2, §4.1"),
    key(
        "spark.task.maxFailures",
        Int,
        Value("4"),
        Modelled,
        "TaskSetManager.handleFailedTask, docs/faults.md",
    ),
    key(
        "spark.yarn.am.cores",
        Int,
        Value("1"),
        Modelled,
        "standalone-yarn-local §2.1",
    ),
    key(
        "spark.yarn.am.memory",
        SizeMib,
        Value("512m"),
        Modelled,
        "standalone-yarn-local §2.1",
    ),
    key(
        "spark.yarn.am.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "standalone-yarn-local §2.1",
    ),
    key(
        "spark.yarn.blacklist.executor.launch.blacklisting.enabled",
        Bool,
        Value("false"),
        Modelled,
        "standalone-yarn-local §2.7",
    ),
    key(
        "spark.yarn.driver.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "standalone-yarn-local §2.1 (the 1.6–2.2 name; 2.3+ reads it when spark.driver.memoryOverhead is unset)",
    ),
    key(
        "spark.yarn.executor.launch.excludeOnFailure.enabled",
        Bool,
        Unset,
        Modelled,
        "standalone-yarn-local §2.7 (3.1 name)",
    ),
    key(
        "spark.yarn.executor.memoryOverhead",
        SizeMib,
        Unset,
        Modelled,
        "standalone-yarn-local §2.2 (the 1.6–2.2 name; 2.3+ reads it when spark.executor.memoryOverhead is unset)",
    ),
    key(
        "spark.yarn.max.executor.failures",
        Int,
        Unset,
        Modelled,
        "standalone-yarn-local §2.3",
    ),
    key(
        "spark.yarn.maxAppAttempts",
        Int,
        Unset,
        Modelled,
        "standalone-yarn-local §2.1",
    ),
    key(
        "spark.yarn.queue",
        Text,
        Value("default"),
        Modelled,
        "standalone-yarn-local §2.1",
    ),
];

/// The Spark line and release a property arrived in, where the reference
/// says (spark-on-mesos.md §1.4, §1.8, §3.5, §4.1; mesos-master.md;
/// standalone-yarn-local.md §2.7, §2.10): a scenario of an earlier line
/// is warned that its Spark ignores the key. Keys not listed exist in
/// every modelled line (the 3.1 renames into `spark.excludeOnFailure.*`
/// and 3.3's overhead factor fall in the 3.0+ line).
pub fn introduced(name: &str) -> Option<(super::SparkVersion, &'static str)> {
    use super::SparkVersion::*;
    if name.starts_with("spark.excludeOnFailure.") {
        return Some((V3_0, "3.1"));
    }
    Some(match name {
        "spark.mesos.rejectOfferDurationForReachedMaxCores" => (V2_0, "2.0"),
        "spark.mesos.gpus.max" | "spark.mesos.fetcherCache.enable" => (V2_1, "2.1"),
        "spark.mesos.rejectOfferDuration" => (V2_2, "2.2"),
        "spark.mesos.driver.failoverTimeout"
        | "spark.executor.memoryOverhead"
        | "spark.driver.memoryOverhead" => (V2_3, "2.3"),
        "spark.dynamicAllocation.executorAllocationRatio"
        | "spark.yarn.blacklist.executor.launch.blacklisting.enabled" => (V2_4_0, "2.4"),
        "spark.dynamicAllocation.shuffleTracking.enabled"
        | "spark.dynamicAllocation.shuffleTracking.timeout" => (V3_0, "3.0"),
        "spark.yarn.executor.launch.excludeOnFailure.enabled" => (V3_0, "3.1"),
        "spark.executor.memoryOverheadFactor" => (V3_0, "3.3"),
        _ => return None,
    })
}

/// The reference page of every known property (docs/spark-keys.md is this
/// text; a test keeps the two equal).
pub fn markdown() -> String {
    markdown_for(None)
}

/// The reference page for one Spark line (`sim keys --version`): the
/// properties that exist in it. `None`: every property, with the release
/// each arrived in.
pub fn markdown_for(version: Option<super::SparkVersion>) -> String {
    let mut s = String::from(
        "# Spark properties the simulator knows\n\n\
         Generated from `policies/src/spark/keys.rs` by `sim keys`; a test keeps\n\
         this page equal to the table. Defaults are Spark 3.x's. *Modelled*: the\n\
         value changes the simulation. *Not modelled*: read and validated, with a\n\
         warning giving the reason. *No effect*: it does not change scheduling in\n\
         real Spark either. Sources name the upstream class (Spark 3.0, Mesos\n\
         1.11) and the section of the project's shared reference that restates\n\
         it (`spark-on-mesos.md` unless named otherwise); \"seeds\" is Spark\n\
         1.6's \"Running Spark on Mesos\" guide. *Since*: the release a\n\
         property arrived in where the reference says (earlier lines ignore it;\n\
         `sim keys --version 1.6` lists one line's properties).\n\n\
         | property | type | default | simulated | since | source |\n|---|---|---|---|---|---|\n",
    );
    if let Some(v) = version {
        s = s.replacen(
            "# Spark properties the simulator knows\n",
            &format!("# Spark properties the simulator knows, in Spark {v}\n"),
            1,
        );
    }
    for k in KEYS {
        let since = introduced(k.name);
        if let (Some(v), Some((line, _))) = (version, since)
            && line > v
        {
            continue;
        }
        let ty = match k.ty {
            KeyType::Bool => "boolean".to_string(),
            KeyType::Int => "integer".to_string(),
            KeyType::Double => "number".to_string(),
            KeyType::SizeMib => "size (bare number: MiB)".to_string(),
            KeyType::Time { default_unit_us } => match default_unit_us {
                1 => "duration (bare number: µs)".to_string(),
                1_000 => "duration (bare number: ms)".to_string(),
                1_000_000 => "duration (bare number: s)".to_string(),
                other => format!("duration (bare number: {other} µs)"),
            },
            KeyType::Text => "text".to_string(),
        };
        let default = match k.default {
            DefaultValue::Value("") => "(empty)".to_string(),
            DefaultValue::Value(v) => format!("`{v}`"),
            DefaultValue::FallbackTo(other) => format!("as `{other}`"),
            DefaultValue::Unset => "unset".to_string(),
        };
        let support = match k.support {
            Support::Modelled => "modelled".to_string(),
            Support::NotModelled(why) => format!("not modelled: {why}"),
            Support::NoEffect => "no effect".to_string(),
        };
        s.push_str(&format!(
            "| `{}` | {ty} | {default} | {support} | {} | {} |\n",
            k.name,
            since.map_or("", |(_, r)| r),
            upstream_source(k.source).replace('|', "\\|")
        ));
    }
    s
}

/// A key's source with the upstream class named before each section of
/// the shared reference: `§4.1` → Spark 3.0 `ExecutorAllocationManager`
/// (§4.1); `mesos-master.md §5.10` → Mesos 1.11 … (mesos-master.md §5.10).
pub fn upstream_source(source: &str) -> String {
    source
        .split(", ")
        .map(|part| {
            let (doc, rest) = match part.strip_prefix("mesos-master.md ") {
                Some(r) => ("mesos-master.md ", r),
                None => ("", part),
            };
            let Some(section) = rest.strip_prefix('§') else {
                return part.replace("seeds:", "seeds, Spark 1.6 guide:");
            };
            let number: String = section
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let top = number.split('.').next().unwrap_or("");
            let class = if !doc.is_empty() {
                "Mesos 1.11 `src/master/master.cpp`"
            } else {
                match (top, number.as_str()) {
                    (_, "1.2") => "Spark 1.6 `CoarseMesosSchedulerBackend`",
                    ("1", _) => "Spark 3.0 `MesosCoarseGrainedSchedulerBackend`",
                    ("2", _) => "Spark 3.0 `MesosFineGrainedSchedulerBackend`",
                    ("3", _) => "Spark 3.0 `MesosSchedulerUtils`",
                    (_, "4.8") => "Spark 3.0 `CoarseGrainedSchedulerBackend`",
                    ("4", _) => "Spark 3.0 `ExecutorAllocationManager`",
                    _ => "Spark 3.0",
                }
            };
            format!("{class} ({doc}§{section})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn lookup(name: &str) -> Option<&'static KeyDef> {
    KEYS.binary_search_by(|k| k.name.cmp(name))
        .ok()
        .map(|i| &KEYS[i])
}

/// `spark.dynamicAllocation.maxExecutors` and `spark.cores.max` unset both
/// mean `Int.MaxValue`.
pub const INT_MAX: i64 = i32::MAX as i64;

/// `cachedExecutorIdleTimeout` defaults to `Integer.MAX_VALUE` seconds:
/// effectively never.
pub const NEVER: SimDuration = SimDuration::MAX;

/// The names of real Spark properties (`real_keys.txt`: Spark 3.5.3's
/// registered configuration keys, and families such as
/// `spark.executorEnv.*` whose last part the user names).
static REAL_KEYS: &str = include_str!("real_keys.txt");

/// `real_keys.txt` read once: the exact names, sorted, and the families
/// (lines ending in `.`).
fn real_keys() -> &'static (Vec<&'static str>, Vec<&'static str>) {
    static REAL: std::sync::OnceLock<(Vec<&'static str>, Vec<&'static str>)> =
        std::sync::OnceLock::new();
    REAL.get_or_init(|| {
        let lines = REAL_KEYS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let (families, mut exact): (Vec<&str>, Vec<&str>) = lines.partition(|k| k.ends_with('.'));
        exact.sort_unstable();
        exact.dedup();
        (exact, families)
    })
}

/// Whether `name` is a real Spark property: in the table, among Spark's
/// registered keys, or inside a family whose suffix the user names.
pub fn is_real_spark_key(name: &str) -> bool {
    let (exact, families) = real_keys();
    lookup(name).is_some()
        || exact.binary_search(&name).is_ok()
        || families
            .iter()
            .any(|f| name.len() > f.len() && name.starts_with(f))
}

/// Every exact real Spark property name (for "did you mean").
pub fn real_spark_keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .map(|k| k.name)
        .chain(real_keys().0.iter().copied())
}

/// The real Spark property closest to `name`, if one is close. Remembered
/// per name (validating a sweep asks again for every point), at most a few
/// thousand names at a time.
pub fn closest_real_key(name: &str) -> Option<&'static str> {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    static SEEN: Mutex<BTreeMap<String, Option<&'static str>>> = Mutex::new(BTreeMap::new());
    if let Ok(seen) = SEEN.lock()
        && let Some(hit) = seen.get(name)
    {
        return *hit;
    }
    let found = crate::suggest::closest(name, real_spark_keys());
    if let Ok(mut seen) = SEEN.lock() {
        if seen.len() >= 4096 {
            seen.clear();
        }
        seen.insert(name.to_string(), found);
    }
    found
}

/// Keys Spark itself rejects or that the scenario sets elsewhere.
pub fn reserved_key_advice(name: &str) -> Option<&'static str> {
    match name {
        "spark.master" => Some("set the master URL with the app's `master` key"),
        "spark.submit.deployMode" => Some("set the deploy mode with the app's `deploy_mode` key"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in KEYS.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} !< {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn fallbacks_point_at_known_keys_of_the_same_type() {
        for k in KEYS {
            if let DefaultValue::FallbackTo(other) = k.default {
                let target = lookup(other).expect(other);
                assert_eq!(target.ty, k.ty, "{}", k.name);
            }
        }
    }

    #[test]
    fn real_keys_are_told_from_unknown_ones() {
        for real in [
            "spark.sql.shuffle.partitions",
            "spark.serializer",
            "spark.speculation",
            "spark.executorEnv.JAVA_HOME",
            "spark.hadoop.fs.defaultFS",
            "spark.cores.max",
        ] {
            assert!(is_real_spark_key(real), "{real}");
        }
        for unknown in [
            "spark.sql.shufle.partitions",
            "spark.core.max",
            "spark.executorEnv.",
            "spark.hadoop",
            "executor.memory",
        ] {
            assert!(!is_real_spark_key(unknown), "{unknown}");
        }
    }

    #[test]
    fn lookup_finds_exact_names() {
        assert_eq!(lookup("spark.cores.max").unwrap().ty, Int);
        assert!(lookup("spark.core.max").is_none());
    }
}

#[cfg(test)]
mod reference_page {
    #[test]
    fn docs_spark_keys_md_is_the_generated_table() {
        let page = include_str!("../../../docs/spark-keys.md");
        assert!(
            page == super::markdown(),
            "docs/spark-keys.md is out of date: run `cargo run -q -p sim -- keys > docs/spark-keys.md`"
        );
    }
}
