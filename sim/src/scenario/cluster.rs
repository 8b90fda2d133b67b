//! `[cluster]` and the sections of the cluster managers other than Mesos
//! (`[standalone]`): validation, the `--set` slots and the resolved form
//! (docs/scenario.md, docs/cluster-managers.md).
//!
//! `cluster.manager` names the manager every app runs on. When it is set,
//! an app whose `master` names another manager (or that has none) gets the
//! manager's own URL, so one file sweeps `cluster.manager` over the same
//! apps; when it is unset, the apps' masters decide, and they must agree.

use policies::suggest::closest;
use toml::Value;
use toml::value::Table;

use super::ctx::{Ctx, describe, quote_key};
use super::model::{AgentGroup, App, DeployMode, Manager, StandaloneConfig};
use super::raw::{Leaf, RawCluster, RawScenario, RawStandalone};

/// The standalone Master's properties the simulator reads (Spark 3.0
/// `internal/config/Deploy.scala`, reference standalone-yarn-local.md §1.2).
pub(crate) const STANDALONE_KEYS: [&str; 4] = [
    "spark.deploy.spreadOut",
    "spark.deploy.defaultCores",
    "spark.deploy.maxExecutorRetries",
    "spark.deploy.recoveryMode",
];

/// `cluster.manager` as written (`None`: decided by the apps' masters).
pub(crate) fn validate_cluster(
    raw: &RawScenario,
    ctx: &mut Ctx<'_>,
) -> Result<Option<Manager>, ()> {
    let Some(l) = raw.cluster.as_ref().and_then(|c| c.manager.as_ref()) else {
        return Ok(None);
    };
    let name = ctx.string("cluster.manager", l).ok_or(())?;
    match Manager::named(&name) {
        Some(m) => Ok(Some(m)),
        None => {
            let hint = closest(&name, Manager::NAMES)
                .map(|c| format!(" (did you mean \"{c}\"?)"))
                .unwrap_or_default();
            ctx.leaf_err(
                "cluster.manager",
                l,
                format!(
                    "unknown cluster manager \"{name}\"{hint}: one of {}",
                    Manager::NAMES.join(", ")
                ),
            );
            Err(())
        }
    }
}

/// The text of a property value as Spark would see it in a properties
/// file: strings as they are, other TOML values as written.
fn property_text(leaf: &Leaf) -> String {
    match leaf.get_ref() {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

pub(crate) fn validate_standalone(
    raw: &RawScenario,
    ctx: &mut Ctx<'_>,
) -> Option<StandaloneConfig> {
    let s: RawStandalone = raw.standalone.clone().unwrap_or_default();
    let mut out = StandaloneConfig::default();
    let mut ok = true;
    if let Some(l) = &s.launch_latency {
        match ctx.duration("standalone.launch_latency", l) {
            Some(v) => out.launch_latency = v,
            None => ok = false,
        }
    }
    for (key, leaf) in &s.conf {
        let Some(leaf) = leaf else { continue };
        let path = format!("standalone.conf.{}", quote_key(key));
        if matches!(leaf.get_ref(), Value::Table(_) | Value::Array(_)) {
            ctx.leaf_err(
                &path,
                leaf,
                format!(
                    "expected a property value, got {}",
                    describe(leaf.get_ref())
                ),
            );
            ok = false;
            continue;
        }
        let text = property_text(leaf);
        match key.as_str() {
            "spark.deploy.spreadOut" | "spark.deploy.spreadOutApps" => {
                // Spark's boolean grammar (`toBoolean`, case-insensitive).
                match text.to_ascii_lowercase().as_str() {
                    "true" => out.spread_out = true,
                    "false" => out.spread_out = false,
                    _ => {
                        ctx.leaf_err(
                            &path,
                            leaf,
                            format!("expected true or false, got \"{text}\""),
                        );
                        ok = false;
                    }
                }
            }
            "spark.deploy.defaultCores" => {
                match text.parse::<i64>() {
                    // Master.scala: "spark.deploy.defaultCores must be positive".
                    Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => {
                        out.default_cores = (n < i64::from(i32::MAX)).then_some(n as u32)
                    }
                    _ => {
                        ctx.leaf_err(&path, leaf, format!("spark.deploy.defaultCores must be a positive integer, got \"{text}\""));
                        ok = false;
                    }
                }
            }
            "spark.deploy.maxExecutorRetries" => {
                match text.parse::<i32>() {
                    Ok(n) => out.max_executor_retries = n,
                    Err(_) => {
                        ctx.leaf_err(&path, leaf, format!("expected an integer (negative: never remove an app), got \"{text}\""));
                        ok = false;
                    }
                }
            }
            "spark.deploy.recoveryMode" => {
                // Spark 3.0 `Master.onStart` (reference
                // standalone-yarn-local.md §1.10): ZOOKEEPER and
                // FILESYSTEM persist and recover, NONE does not.
                match text.to_ascii_uppercase().as_str() {
                    "NONE" => out.recovers = false,
                    "ZOOKEEPER" | "FILESYSTEM" => out.recovers = true,
                    _ => {
                        ctx.leaf_err(&path, leaf, format!("expected NONE, ZOOKEEPER or FILESYSTEM (CUSTOM needs a factory class the simulator cannot run), got \"{text}\""));
                        ok = false;
                    }
                }
            }
            other => {
                let hint = closest(other, STANDALONE_KEYS)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                ctx.leaf_err(
                    &path,
                    leaf,
                    format!(
                        "\"{other}\" is not a standalone Master property the simulator reads{hint}: {}",
                        STANDALONE_KEYS.join(", ")
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `--set` slots: `cluster.manager`.
pub(crate) fn cluster_slot<'a>(c: &'a mut RawCluster, key: &str) -> Option<&'a mut Option<Leaf>> {
    match key {
        "manager" => Some(&mut c.manager),
        "spark_version" => Some(&mut c.spark_version),
        _ => None,
    }
}

/// `--set` slots: `standalone.launch_latency`, `standalone.conf.KEY`.
pub(crate) fn standalone_slot<'a>(
    s: &'a mut RawStandalone,
    rest: &[&str],
) -> Option<&'a mut Option<Leaf>> {
    match rest {
        ["launch_latency"] => Some(&mut s.launch_latency),
        ["conf", key @ ..] if !key.is_empty() => {
            let key = key.join(".").trim_matches('"').to_string();
            Some(s.conf.entry(key).or_insert(None))
        }
        _ => None,
    }
}

/// The resolved `[cluster]`, and the section of the manager in use.
pub(crate) fn render(
    manager: Manager,
    spark_version: policies::spark::SparkVersion,
    standalone: &StandaloneConfig,
    yarn: &super::model::YarnConfig,
    doc: &mut Table,
    d: impl Fn(crate::time::SimDuration) -> Value,
) {
    // Every manager's section, whichever runs: a resolved scenario swept
    // over `cluster.manager` later must find them.
    super::yarn::render(yarn, doc, &d);
    let mut cluster = Table::new();
    cluster.insert("manager".into(), Value::String(manager.name().into()));
    cluster.insert(
        "spark_version".into(),
        Value::String(spark_version.name().into()),
    );
    doc.insert("cluster".into(), Value::Table(cluster));
    {
        let mut t = Table::new();
        t.insert("launch_latency".into(), d(standalone.launch_latency));
        let mut conf = Table::new();
        conf.insert(
            "spark.deploy.spreadOut".into(),
            Value::String(standalone.spread_out.to_string()),
        );
        conf.insert(
            "spark.deploy.defaultCores".into(),
            Value::String(
                standalone
                    .default_cores
                    .unwrap_or(i32::MAX as u32)
                    .to_string(),
            ),
        );
        conf.insert(
            "spark.deploy.maxExecutorRetries".into(),
            Value::String(standalone.max_executor_retries.to_string()),
        );
        conf.insert(
            "spark.deploy.recoveryMode".into(),
            Value::String(
                if standalone.recovers {
                    "ZOOKEEPER"
                } else {
                    "NONE"
                }
                .into(),
            ),
        );
        t.insert("conf".into(), Value::Table(conf));
        doc.insert("standalone".into(), Value::Table(t));
    }
}

/// The manager of the run: `cluster.manager`, else the one the apps'
/// masters name (they must agree; local apps aside, which use none), else
/// Mesos for a scenario of `[[frameworks]]` only. Checks what the manager
/// cannot run: Mesos frameworks, constraints and reservations on another
/// manager, executors and drivers no worker can hold.
pub(crate) fn validate_manager(
    declared: Option<Manager>,
    agents: &[AgentGroup],
    apps: &[Option<App>],
    frameworks: usize,
    yarn: Option<&super::model::YarnConfig>,
    ctx: &mut Ctx<'_>,
) -> Option<Manager> {
    let managed: Vec<(&App, Manager)> = apps
        .iter()
        .flatten()
        .filter_map(|a| Manager::of(&a.master).map(|m| (a, m)))
        .filter(|(_, m)| *m != Manager::Local)
        .collect();
    let manager = match declared {
        Some(m) => m,
        None => match managed.first() {
            Some(&(first, m)) => {
                if let Some((other, o)) = managed.iter().find(|(_, o)| *o != m) {
                    ctx.error(
                        &format!("apps.{}.master", other.name),
                        None,
                        format!(
                            "app \"{}\" runs on {} but app \"{}\" on {}: one scenario describes one cluster; put the apps on one manager, or set cluster.manager (and sweep it to compare)",
                            other.name,
                            o.name(),
                            first.name,
                            m.name()
                        ),
                    );
                    return None;
                }
                m
            }
            None if apps.iter().flatten().next().is_some() => Manager::Local,
            None => Manager::Mesos,
        },
    };
    if manager == Manager::Mesos {
        return Some(manager);
    }
    let mut ok = true;
    if frameworks > 0 && manager != Manager::Local {
        ctx.error(
            "frameworks",
            None,
            format!(
                "[[frameworks]] are Mesos frameworks; this scenario runs on {} (remove them, or run on Mesos)",
                manager.name()
            ),
        );
        ok = false;
    }
    if manager == Manager::Local {
        return ok.then_some(manager);
    }
    // Mesos concepts that change nothing elsewhere: a scenario written for
    // this manager that relies on them is wrong (an error); one swept over
    // the managers, or moved to this one with --set, keeps them for Mesos
    // (a warning).
    let swept = ctx.manager_varied;
    let mut mesos_only = |ctx: &mut Ctx<'_>, path: String, why: String| {
        if swept {
            ctx.warn(
                &path,
                None,
                format!("{why}: ignored here (cluster.manager is swept or set with --set)"),
            );
        } else {
            ctx.error(&path, None, format!("{why} (remove it, or run on Mesos)"));
            ok = false;
        }
    };
    for (i, g) in agents.iter().enumerate() {
        if g.resources.iter().any(|r| r.is_reserved()) {
            mesos_only(
                ctx,
                format!("agents.{i}.resources"),
                format!(
                    "reserved resources (cpus(ROLE):…) are a Mesos concept; a {} worker has no roles",
                    manager.name()
                ),
            );
        }
    }
    for a in apps.iter().flatten() {
        if !a.settings.constraints.is_empty() {
            mesos_only(
                ctx,
                format!("apps.{}.conf.\"spark.mesos.constraints\"", a.name),
                format!(
                    "spark.mesos.constraints places executors by Mesos agent attributes; on {} Spark ignores it, so the run would not be what the scenario says",
                    manager.name()
                ),
            );
        }
    }
    if manager == Manager::Standalone {
        ok &= standalone_fits(agents, apps, ctx);
    }
    if manager == Manager::Yarn
        && let Some(y) = yarn
    {
        ok &= super::yarn::yarn_fits(y, agents, apps, ctx);
    }
    ok.then_some(manager)
}

/// Standalone: some worker must hold one executor of each app (its
/// `spark.executor.cores`, or one core, and `spark.executor.memory`) and,
/// in cluster mode, its driver; else the app would wait forever (Spark 3.0
/// `Master.startExecutorsOnWorkers`, reference standalone-yarn-local.md
/// §1.5).
fn standalone_fits(agents: &[AgentGroup], apps: &[Option<App>], ctx: &mut Ctx<'_>) -> bool {
    let workers: Vec<(i64, i64)> = agents
        .iter()
        .filter(|g| g.count > 0)
        .map(|g| {
            (
                g.resources.cpus().whole_units(),
                g.resources.mem_mb().whole_units(),
            )
        })
        .collect();
    let fits = |cores: i64, mem: i64| workers.iter().any(|&(c, m)| c >= cores && m >= mem);
    let mut ok = true;
    for a in apps.iter().flatten() {
        let s = &a.settings;
        let cores = i64::from(s.executor_cores.unwrap_or(1));
        let mem = s.executor_memory_mib as i64;
        if !fits(cores, mem) {
            ctx.error(
                &format!("apps.{}.conf", a.name),
                None,
                format!(
                    "an executor of {cores} core(s) and {mem} MiB (spark.executor.cores, spark.executor.memory; no overhead on standalone) fits no worker, so the app would never run"
                ),
            );
            ok = false;
        }
        if a.deploy_mode == DeployMode::Cluster {
            let (dc, dm) = (i64::from(s.driver_cores), s.driver_memory_mib as i64);
            if !fits(dc, dm) {
                ctx.error(
                    &format!("apps.{}.deploy_mode", a.name),
                    None,
                    format!(
                        "in cluster mode the driver takes {dc} core(s) and {dm} MiB of a worker (spark.driver.cores, spark.driver.memory), and no worker has them"
                    ),
                );
                ok = false;
            }
        }
    }
    ok
}
