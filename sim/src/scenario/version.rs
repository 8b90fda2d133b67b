//! `spark_version`: the Spark line an app runs (`[[apps]] spark_version`,
//! or `[cluster] spark_version` for every app; 3.0 by default), and what
//! the simulator models of each line (docs/spark-versions.md).

use policies::spark::{MasterUrl, SparkConf, SparkSettings, SparkVersion};

use super::ctx::Ctx;
use super::model::DeployMode;
use super::raw::{Leaf, RawScenario};

/// `[cluster] spark_version`, the default of every app (3.0 when unset).
pub(crate) fn cluster_version(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<SparkVersion> {
    match raw.cluster.as_ref().and_then(|c| c.spark_version.as_ref()) {
        None => Some(SparkVersion::default()),
        Some(l) => parse("cluster.spark_version", l, ctx),
    }
}

/// A version written as a string, or as a bare TOML number (`2.0` must
/// stay "2.0", not become "2").
fn version_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Float(f) if f.fract() == 0.0 => Some(format!("{f:.1}")),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

fn parse(path: &str, leaf: &Leaf, ctx: &mut Ctx<'_>) -> Option<SparkVersion> {
    let text = match version_text(leaf.get_ref()) {
        Some(t) => t,
        None => {
            let other = leaf.get_ref();
            ctx.leaf_err(
                path,
                leaf,
                format!("expected a Spark version such as \"1.6\" or \"3.0\", got {other}"),
            );
            return None;
        }
    };
    match SparkVersion::parse(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            ctx.leaf_err(path, leaf, e);
            None
        }
    }
}

/// The app's version as far as it can be read without reporting: its own
/// `spark_version` if that parses, else the cluster's (a bad value is
/// reported by [`app_version`]).
pub(crate) fn peek(leaf: Option<&Leaf>, default: SparkVersion) -> SparkVersion {
    let Some(text) = leaf.and_then(|l| version_text(l.get_ref())) else {
        return default;
    };
    SparkVersion::parse(&text).unwrap_or(default)
}

/// The master strings `yarn-client` and `yarn-cluster` (reference
/// standalone-yarn-local.md §2.1, §2.10): Spark 1.6 selects the deploy
/// mode with them; 2.x still accepts them with a deprecation warning;
/// 3.0 refuses them (left to [`MasterUrl::parse`]). The mode they name,
/// or `None` for any other master or on 3.x.
pub(crate) fn yarn_master(
    url: &str,
    version: SparkVersion,
    path: &str,
    leaf: &Leaf,
    ctx: &mut Ctx<'_>,
) -> Option<DeployMode> {
    let mode = match url.trim() {
        "yarn-client" => DeployMode::Client,
        "yarn-cluster" => DeployMode::Cluster,
        _ => return None,
    };
    if version >= SparkVersion::V3_0 {
        return None;
    }
    if version >= SparkVersion::V2_0 {
        ctx.warn(
            path,
            Some(&leaf.span()),
            format!(
                "Spark {version} deprecates the master \"{}\": use master yarn with deploy_mode = \"{}\" (Spark 3 refuses it)",
                url.trim(),
                if mode == DeployMode::Client { "client" } else { "cluster" }
            ),
        );
    }
    Some(mode)
}

/// The app's version (its own `spark_version`, else the cluster's). On
/// standalone the Master is a cluster daemon of one release, the
/// cluster's: an app of another line cannot register with it (Spark's
/// RPC messages are not compatible across lines), so that is refused;
/// 1.6.0 beside 1.6.3, or 2.4.0 beside 2.4.8, is one line.
pub(crate) fn app_version(
    path: &str,
    leaf: Option<&Leaf>,
    default: SparkVersion,
    master: Option<&MasterUrl>,
    ctx: &mut Ctx<'_>,
) -> Option<SparkVersion> {
    let Some(l) = leaf else {
        return Some(default);
    };
    let v = parse(&format!("{path}.spark_version"), l, ctx)?;
    if matches!(master, Some(MasterUrl::Standalone { .. })) && v.line() != default.line() {
        ctx.leaf_err(
            &format!("{path}.spark_version"),
            l,
            format!(
                "the standalone Master runs Spark {default} (cluster.spark_version); a Spark {v} app cannot register with it: set cluster.spark_version = \"{v}\" to run a {v} cluster"
            ),
        );
        return None;
    }
    Some(v)
}

/// The standalone Master's settings under its release's rules (reference
/// standalone-yarn-local.md §1.6, §1.11): before 1.6.3 the retry limit is
/// the fixed `ApplicationState.MAX_NUM_RETRY` (10), and
/// `spark.deploy.maxExecutorRetries` does not exist (SPARK-16956).
pub(crate) fn master(
    version: SparkVersion,
    standalone: &mut super::model::StandaloneConfig,
    raw: &RawScenario,
    ctx: &mut Ctx<'_>,
) {
    standalone.version = version;
    let key = "spark.deploy.maxExecutorRetries";
    if version == SparkVersion::V1_6_0
        && let Some(Some(leaf)) = raw.standalone.as_ref().and_then(|s| s.conf.get(key))
    {
        standalone.max_executor_retries = 10;
        ctx.warn(
            &format!("standalone.conf.\"{key}\""),
            Some(&leaf.span()),
            format!("{key} does not exist in Spark 1.6.0 (it arrived in 1.6.3): the Master gives up after its fixed 10 failures in a row"),
        );
    }
}

/// The app's settings under its line's rules, where they differ from
/// 3.0's reading of the same properties (reference spark-on-mesos.md
/// §4.1, §4.7):
/// - 1.6 turns dynamic allocation off (with a warning) when
///   `spark.executor.instances` is set, and starts at
///   `spark.dynamicAllocation.initialExecutors` (default the minimum)
///   without taking the instances into account (2.0+ takes the largest of
///   the three);
/// - before 2.3, `spark.dynamicAllocation.executorIdleTimeout` must be
///   above 0.
pub(crate) fn apply(
    path: &str,
    version: SparkVersion,
    settings: &mut SparkSettings,
    conf: &SparkConf,
    ctx: &mut Ctx<'_>,
) -> bool {
    settings.version = version;
    // Keys the line does not have: its Spark ignores them.
    for (key, _) in conf.iter() {
        if let Some((line, release)) = policies::spark::keys::introduced(key)
            && line > version
        {
            ctx.warn(
                &format!("{path}.conf.\"{key}\""),
                None,
                format!("{key} does not exist in Spark {version} (it arrived in {release}): Spark {version} ignores it"),
            );
        }
    }
    // YARN (reference standalone-yarn-local.md §2.2, §2.7, §2.10): before
    // 2.3 the overheads have only their spark.yarn.* names; before 2.4 the
    // allocator has no node exclusion.
    if version < SparkVersion::V2_3 {
        let y = &mut settings.yarn;
        (y.executor_memory_overhead_mib, y.driver_memory_overhead_mib) =
            y.legacy_memory_overhead_mib;
    }
    if version < SparkVersion::V2_4_0 {
        settings.yarn.launch_exclusion = false;
    }
    let shuffle_service = settings.shuffle_service;
    let d = &mut settings.dynamic;
    if !d.enabled {
        return true;
    }
    if version < SparkVersion::V3_0
        && !shuffle_service
        && !conf_true(conf, "spark.dynamicAllocation.testing")
    {
        // Shuffle tracking (3.0) cannot stand in for the service before.
        ctx.error(
            &format!("{path}.conf.\"spark.dynamicAllocation.enabled\""),
            None,
            format!("dynamic allocation of executors requires the external shuffle service in Spark {version}; set spark.shuffle.service.enabled=true"),
        );
        return false;
    }
    let int = |key: &str| conf.get(key).and_then(|v| v.trim().parse::<i64>().ok());
    if version.is_1_6() {
        if int("spark.executor.instances").is_some_and(|n| n != 0) {
            d.enabled = false;
            ctx.warn(
                &format!("{path}.conf.\"spark.dynamicAllocation.enabled\""),
                None,
                "Spark 1.6 turns dynamic allocation off when spark.executor.instances is set (ExecutorAllocationManager.isDynamicAllocationEnabled): this app runs a fixed number of executors",
            );
            return true;
        }
        let min = i64::from(d.min_executors);
        let initial = int("spark.dynamicAllocation.initialExecutors").unwrap_or(min);
        d.initial_target = initial.clamp(0, i64::from(i32::MAX)) as u32;
    }
    if version < SparkVersion::V2_3 && d.idle_timeout.as_micros() == 0 {
        ctx.error(
            &format!("{path}.conf.\"spark.dynamicAllocation.executorIdleTimeout\""),
            None,
            format!("Spark {version} requires spark.dynamicAllocation.executorIdleTimeout > 0 (0 is allowed from 2.3)"),
        );
        return false;
    }
    true
}

fn conf_true(conf: &SparkConf, key: &str) -> bool {
    conf.get(key)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}
