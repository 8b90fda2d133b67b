//! `spark_version`: the Spark line an app runs (`[[apps]] spark_version`,
//! or `[cluster] spark_version` for every app; 3.0 by default), and what
//! the simulator models of each line (docs/spark-versions.md).

use policies::spark::{MasterUrl, SparkConf, SparkSettings, SparkVersion};

use super::ctx::Ctx;
use super::raw::{Leaf, RawScenario};

/// `[cluster] spark_version`, the default of every app (3.0 when unset).
pub(crate) fn cluster_version(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<SparkVersion> {
    match raw.cluster.as_ref().and_then(|c| c.spark_version.as_ref()) {
        None => Some(SparkVersion::default()),
        Some(l) => parse("cluster.spark_version", l, ctx),
    }
}

fn parse(path: &str, leaf: &Leaf, ctx: &mut Ctx<'_>) -> Option<SparkVersion> {
    let text = match leaf.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        other => {
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

/// The app's version (its own `spark_version`, else the cluster's), and
/// whether the simulator models that line for this app: the lines before
/// 3.0 off the Mesos coarse and fine-grained backends, or with dynamic
/// allocation, are not modelled yet, and are refused rather than run
/// with 3.0's rules.
pub(crate) fn app_version(
    path: &str,
    leaf: Option<&Leaf>,
    default: SparkVersion,
    master: Option<&MasterUrl>,
    ctx: &mut Ctx<'_>,
) -> Option<SparkVersion> {
    let v = match leaf {
        Some(l) => parse(&format!("{path}.spark_version"), l, ctx)?,
        None => default,
    };
    let refuse = |ctx: &mut Ctx<'_>, why: String| {
        let p = format!("{path}.spark_version");
        match leaf {
            Some(l) => ctx.leaf_err(&p, l, why),
            None => ctx.error(&p, None, why),
        }
    };
    if v == SparkVersion::V3_0 {
        return Some(v);
    }
    if master.is_some_and(|m| !m.is_mesos()) {
        refuse(
            ctx,
            format!(
                "Spark {v}'s rules are modelled on Mesos only so far; this app's master is {} (docs/spark-versions.md)",
                master.map(ToString::to_string).unwrap_or_default()
            ),
        );
        return None;
    }
    Some(v)
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
    if version == SparkVersion::V1_6 {
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
