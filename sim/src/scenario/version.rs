//! `spark_version`: the Spark line an app runs (`[[apps]] spark_version`,
//! or `[cluster] spark_version` for every app; 3.0 by default), and what
//! the simulator models of each line (docs/spark-versions.md).

use policies::spark::{MasterUrl, SparkSettings, SparkVersion};

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
    settings: Option<&SparkSettings>,
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
    if settings.is_some_and(|s| s.dynamic.enabled) {
        refuse(
            ctx,
            format!(
                "Spark {v}'s executor allocation manager is not modelled yet: run {v} without spark.dynamicAllocation.enabled, or 3.0 with it (docs/spark-versions.md)"
            ),
        );
        return None;
    }
    Some(v)
}
