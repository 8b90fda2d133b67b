//! Parameter paths (SPEC §1): the dotted TOML path of a value, with names
//! standing for array items, used by `[sweep]` and `--set`.
//!
//! ```text
//! path := "run." KEY | "cluster.manager" | "cluster.spark_version" | "mesos." KEY | "mesos.roles." ROLE "." KEY
//!       | "standalone.launch_latency" | "standalone.conf." SPARK_KEY
//!       | "yarn.container_launch" | "yarn.heartbeat_phases" | "yarn.conf." HADOOP_KEY
//!       | "agents." INDEX "." KEY
//!       | "apps." NAME "." KEY | "apps." NAME ".conf." SPARK_KEY
//!       | ("apps." NAME | "frameworks." NAME) ".jobs." KEY
//!       | ("apps." NAME | "frameworks." NAME) ".jobs." DIST "." PARAM
//!       | "frameworks." NAME "." KEY
//! ```
//!
//! Everything after `.conf.` is one Spark key (`apps.a.conf.spark.cores.max`);
//! it may also be quoted (`apps.a.conf."spark.cores.max"`).

use toml::Spanned;

use super::raw::{
    Leaf, RawApp, RawData, RawDist, RawFramework, RawJobs, RawMesos, RawRole, RawRun, RawScenario,
};

/// A parsed `--set PATH=VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub path: String,
    pub value: toml::Value,
}

/// Parses `PATH=VALUE`. The value is read as a TOML value when it is one
/// (`40`, `2.5`, `true`, `"x"`), else taken as a string (`2s`,
/// `cpus:2;mem:4096`); values of Spark keys are always strings.
///
/// `PATH=V1,V2,...` (or a TOML array, `PATH=["a,b", "c"]`) gives an array
/// value: a sweep over those values. Spark keys whose values are lists
/// themselves (constraints, URIs, Docker port maps, volumes, parameters,
/// labels) keep their commas; sweep them with the TOML array form.
pub fn parse_assignment(text: &str) -> Result<Assignment, String> {
    let Some((path, value)) = text.split_once('=') else {
        return Err(format!("expected PATH=VALUE, got \"{text}\""));
    };
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("expected PATH=VALUE, got \"{text}\""));
    }
    let trimmed = value.trim();
    if trimmed.starts_with('[')
        && let Ok(toml::Value::Array(items)) = trimmed.parse::<toml::Value>()
    {
        if items.is_empty() {
            return Err(format!("{path}: an empty list of values"));
        }
        let items = items
            .into_iter()
            .map(|v| match v {
                toml::Value::String(t) => value_from_text(path, &t),
                other if is_conf_path(path) => toml::Value::String(render_plain(&other)),
                other => other,
            })
            .collect();
        return Ok(Assignment {
            path: path.to_string(),
            value: toml::Value::Array(items),
        });
    }
    if value.contains(',') && !keeps_commas(path) {
        let items = value
            .split(',')
            .map(|v| value_from_text(path, v.trim()))
            .collect();
        return Ok(Assignment {
            path: path.to_string(),
            value: toml::Value::Array(items),
        });
    }
    Ok(Assignment {
        path: path.to_string(),
        value: value_from_text(path, value),
    })
}

/// A TOML scalar written as the text a Spark key would hold.
fn render_plain(v: &toml::Value) -> String {
    match v {
        toml::Value::String(t) => t.clone(),
        other => other.to_string(),
    }
}

/// Spark keys whose values are comma-separated lists.
fn keeps_commas(path: &str) -> bool {
    if !is_conf_path(path) {
        return false;
    }
    let key = path.splitn(4, '.').nth(3).unwrap_or("").trim_matches('"');
    [
        "spark.mesos.constraints",
        "spark.mesos.uris",
        "spark.mesos.executor.docker.portmaps",
        "spark.mesos.executor.docker.volumes",
        "spark.mesos.executor.docker.parameters",
        "spark.mesos.network.labels",
        "spark.mesos.task.labels",
        "spark.mesos.driver.labels",
    ]
    .contains(&key)
}

fn value_from_text(path: &str, value: &str) -> toml::Value {
    if is_conf_path(path) {
        return toml::Value::String(value.to_string());
    }
    match value.trim().parse::<toml::Value>() {
        Ok(
            v @ (toml::Value::Integer(_)
            | toml::Value::Float(_)
            | toml::Value::Boolean(_)
            | toml::Value::String(_)),
        ) => v,
        _ => toml::Value::String(value.to_string()),
    }
}

/// The one spelling of a parameter path: a Spark key after `.conf.` loses
/// its quotes (`apps.a.conf."spark.cores.max"` is
/// `apps.a.conf.spark.cores.max`), so two spellings name one parameter.
pub fn canonical(path: &str) -> String {
    if is_conf_path(path) {
        let parts: Vec<&str> = path.splitn(4, '.').collect();
        format!(
            "{}.{}.{}.{}",
            parts[0],
            parts[1],
            parts[2],
            parts[3].trim_matches('"')
        )
    } else {
        path.to_string()
    }
}

fn is_conf_path(path: &str) -> bool {
    let parts: Vec<&str> = path.splitn(4, '.').collect();
    (parts.len() == 4 && parts[0] == "apps" && parts[2] == "conf")
        || (parts.len() >= 3 && matches!(parts[0], "standalone" | "yarn") && parts[1] == "conf")
}

/// Applies `value` at `path` in the raw scenario. Missing intermediate tables
/// (a role, an app's `[jobs]`) are created; missing array items are not.
pub fn apply(raw: &mut RawScenario, path: &str, value: toml::Value) -> Result<(), String> {
    let slot = leaf_slot(raw, path)?;
    *slot = Some(Spanned::new(0..0, value));
    Ok(())
}

fn leaf_slot<'a>(raw: &'a mut RawScenario, path: &str) -> Result<&'a mut Option<Leaf>, String> {
    let segs: Vec<&str> = path.split('.').collect();
    let unknown = |what: &str| format!("unknown parameter path \"{path}\": {what}");
    match segs.as_slice() {
        ["run", key] => {
            run_slot(raw.run.get_or_insert_with(RawRun::default), key).ok_or_else(|| {
                unknown(&format!(
                    "run has no key \"{key}\" (seed, horizon, drain, replications, sample_interval, slo_latency_s)"
                ))
            })
        }
        ["mesos", "roles", role, key] => {
            let mesos = raw.mesos.get_or_insert_with(RawMesos::default);
            let entry = mesos
                .roles
                .entry(role.to_string())
                .or_insert_with(|| Spanned::new(0..0, RawRole::default()));
            match *key {
                "weight" => Ok(&mut entry.get_mut().weight),
                "quota" => Ok(&mut entry.get_mut().quota),
                _ => Err(unknown(&format!(
                    "a role has no key \"{key}\" (weight, quota)"
                ))),
            }
        }
        ["data", key] => data_slot(raw.data.get_or_insert_with(RawData::default), key)
            .ok_or_else(|| {
                unknown(&format!(
                    "data has no key \"{key}\" (replication, rack_attribute, remote_read, off_rack_read, spark_knows_racks)"
                ))
            }),
        ["cluster", key] => super::cluster::cluster_slot(
            raw.cluster.get_or_insert_with(Default::default),
            key,
        )
        .ok_or_else(|| unknown(&format!("cluster has no key \"{key}\" (manager, spark_version)"))),
        ["standalone", rest @ ..] if !rest.is_empty() => super::cluster::standalone_slot(
            raw.standalone.get_or_insert_with(Default::default),
            rest,
        )
        .ok_or_else(|| {
            unknown("standalone has launch_latency and conf.SPARK_KEY (spark.deploy.spreadOut, spark.deploy.defaultCores, spark.deploy.maxExecutorRetries)")
        }),
        ["yarn", rest @ ..] if !rest.is_empty() => super::yarn::yarn_slot(
            raw.yarn.get_or_insert_with(Default::default),
            rest,
        )
        .ok_or_else(|| unknown("yarn has container_launch, heartbeat_phases and conf.HADOOP_KEY")),
        ["mesos", key] => mesos_slot(raw.mesos.get_or_insert_with(RawMesos::default), key)
            .ok_or_else(|| unknown(&format!("mesos has no key \"{key}\""))),
        ["agents", index, key] => {
            let n = raw.agents.len();
            let i: usize = index.parse().map_err(|_| {
                unknown(&format!(
                    "agent groups are named by index (0..{n}), got \"{index}\""
                ))
            })?;
            let group = raw
                .agents
                .get_mut(i)
                .ok_or_else(|| unknown(&format!("there are {n} agent groups, no index {i}")))?
                .get_mut();
            match *key {
                "count" => Ok(&mut group.count),
                "name" => Ok(&mut group.name),
                "resources" => Ok(&mut group.resources),
                "attributes" => Ok(&mut group.attributes),
                "racks" => Ok(&mut group.racks),
                "datanode" => Ok(&mut group.datanode),
                _ => Err(unknown(&format!("an agent group has no key \"{key}\""))),
            }
        }
        ["apps", name, rest @ ..] if !rest.is_empty() => {
            let names: Vec<String> = raw
                .apps
                .iter()
                .filter_map(|a| leaf_str(&a.get_ref().name))
                .collect();
            let app = raw
                .apps
                .iter_mut()
                .find(|a| leaf_str(&a.get_ref().name).as_deref() == Some(*name))
                .ok_or_else(|| {
                    unknown(&format!(
                        "no app named \"{name}\" (apps: {})",
                        names.join(", ")
                    ))
                })?
                .get_mut();
            app_slot(app, rest).map_err(|e| unknown(&e))
        }
        ["frameworks", name, rest @ ..] if !rest.is_empty() => {
            let names: Vec<String> = raw
                .frameworks
                .iter()
                .filter_map(|f| leaf_str(&f.get_ref().name))
                .collect();
            let fw = raw
                .frameworks
                .iter_mut()
                .find(|f| leaf_str(&f.get_ref().name).as_deref() == Some(*name))
                .ok_or_else(|| {
                    unknown(&format!(
                        "no framework named \"{name}\" (frameworks: {})",
                        names.join(", ")
                    ))
                })?
                .get_mut();
            framework_slot(fw, rest).map_err(|e| unknown(&e))
        }
        _ => Err(unknown(
            "it must start with run., cluster., mesos., standalone., yarn., data., agents.N., apps.NAME. or frameworks.NAME.",
        )),
    }
}

fn leaf_str(leaf: &Option<Leaf>) -> Option<String> {
    leaf.as_ref()
        .and_then(|l| l.get_ref().as_str())
        .map(str::to_string)
}

fn run_slot<'a>(run: &'a mut RawRun, key: &str) -> Option<&'a mut Option<Leaf>> {
    Some(match key {
        "seed" => &mut run.seed,
        "horizon" => &mut run.horizon,
        "drain" => &mut run.drain,
        "replications" => &mut run.replications,
        "sample_interval" => &mut run.sample_interval,
        "slo_latency_s" => &mut run.slo_latency_s,
        _ => return None,
    })
}

fn data_slot<'a>(d: &'a mut RawData, key: &str) -> Option<&'a mut Option<Leaf>> {
    Some(match key {
        "replication" => &mut d.replication,
        "rack_attribute" => &mut d.rack_attribute,
        "remote_read" => &mut d.remote_read,
        "off_rack_read" => &mut d.off_rack_read,
        "spark_knows_racks" => &mut d.spark_knows_racks,
        _ => return None,
    })
}

fn mesos_slot<'a>(m: &'a mut RawMesos, key: &str) -> Option<&'a mut Option<Leaf>> {
    Some(match key {
        "allocation_interval" => &mut m.allocation_interval,
        "offer_timeout" => &mut m.offer_timeout,
        "default_refuse" => &mut m.default_refuse,
        "allocator" => &mut m.allocator,
        "task_launch_latency" => &mut m.task_launch_latency,
        "task_kill_latency" => &mut m.task_kill_latency,
        "run_time" => &mut m.run_time,
        "run_time_scale" => &mut m.run_time_scale,
        "authenticate_frameworks" => &mut m.authenticate_frameworks,
        _ => return None,
    })
}

fn app_slot<'a>(app: &'a mut RawApp, rest: &[&str]) -> Result<&'a mut Option<Leaf>, String> {
    match rest {
        ["conf", key @ ..] if !key.is_empty() => {
            let key = key.join(".").trim_matches('"').to_string();
            Ok(app.conf.entry(key).or_insert(None))
        }
        ["jobs", jobs_rest @ ..] => jobs_slot(
            app.jobs
                .get_or_insert_with(|| Spanned::new(0..0, RawJobs::default()))
                .get_mut(),
            jobs_rest,
        ),
        ["fetch", key] => {
            let f = app
                .fetch
                .get_or_insert_with(|| Spanned::new(0..0, super::raw::RawFetch::default()))
                .get_mut();
            match *key {
                "package" => Ok(&mut f.package),
                "uris" => Ok(&mut f.uris),
                "docker_image" => Ok(&mut f.docker_image),
                "bandwidth" => Ok(&mut f.bandwidth),
                _ => Err(format!(
                    "fetch has no key \"{key}\" (package, uris, docker_image, bandwidth)"
                )),
            }
        }
        ["executor_startup", param] => app
            .executor_startup
            .get_or_insert_with(|| Spanned::new(0..0, RawDist::default()))
            .get_mut()
            .param_mut(param)
            .ok_or_else(|| format!("a distribution has no parameter \"{param}\"")),
        ["decision_time", param] => app
            .decision_time
            .get_or_insert_with(|| Spanned::new(0..0, RawDist::default()))
            .get_mut()
            .param_mut(param)
            .ok_or_else(|| format!("a distribution has no parameter \"{param}\"")),
        [key] => Ok(match *key {
            "master" => &mut app.master,
            "deploy_mode" => &mut app.deploy_mode,
            "spark_version" => &mut app.spark_version,
            "start" => &mut app.start,
            "stop" => &mut app.stop,
            "submit" => &mut app.submit,
            "conf_file" => &mut app.conf_file,
            "conf_text" => &mut app.conf_text,
            "name" => return Err("an app's name cannot be swept or set".to_string()),
            _ => return Err(format!("an app has no key \"{key}\"")),
        }),
        _ => Err(
            "expected apps.NAME.KEY, apps.NAME.conf.SPARK_KEY or apps.NAME.jobs....".to_string(),
        ),
    }
}

fn framework_slot<'a>(
    fw: &'a mut RawFramework,
    rest: &[&str],
) -> Result<&'a mut Option<Leaf>, String> {
    match rest {
        ["decision_time", param] => fw
            .decision_time
            .get_or_insert_with(|| Spanned::new(0..0, RawDist::default()))
            .get_mut()
            .param_mut(param)
            .ok_or_else(|| format!("a distribution has no parameter \"{param}\"")),
        ["jobs", jobs_rest @ ..] => jobs_slot(
            fw.jobs
                .get_or_insert_with(|| Spanned::new(0..0, RawJobs::default()))
                .get_mut(),
            jobs_rest,
        ),
        [key] => Ok(match *key {
            "role" => &mut fw.role,
            "kind" => &mut fw.kind,
            "task" => &mut fw.task,
            "refuse" => &mut fw.refuse,
            "tasks_per_offer" => &mut fw.tasks_per_offer,
            "start" => &mut fw.start,
            "stop" => &mut fw.stop,
            "revive" => &mut fw.revive,
            "name" => return Err("a framework's name cannot be swept or set".to_string()),
            _ => return Err(format!("a framework has no key \"{key}\"")),
        }),
        _ => Err("expected frameworks.NAME.KEY or frameworks.NAME.jobs....".to_string()),
    }
}

fn jobs_slot<'a>(jobs: &'a mut RawJobs, rest: &[&str]) -> Result<&'a mut Option<Leaf>, String> {
    match rest {
        ["stages"] => Ok(&mut jobs.stages),
        ["trace", key] => jobs
            .trace
            .get_or_insert_with(|| Spanned::new(0..0, Default::default()))
            .get_mut()
            .slot_mut(key)
            .ok_or_else(|| format!("a trace has no key \"{key}\" (see docs/traces.md)")),
        ["shape"] => Ok(&mut jobs.shape),
        ["parents"] => Ok(&mut jobs.parents),
        ["cpu_fraction"] => Ok(&mut jobs.cpu_fraction),
        ["input"] => Ok(&mut jobs.input),
        [dist, param] => {
            let d: &mut Option<Spanned<RawDist>> = match *dist {
                "arrival" => &mut jobs.arrival,
                "tasks" => &mut jobs.tasks,
                "task_duration" => &mut jobs.task_duration,
                _ => {
                    return Err(format!(
                        "jobs has no distribution \"{dist}\" (arrival, tasks, task_duration)"
                    ));
                }
            };
            d.get_or_insert_with(|| Spanned::new(0..0, RawDist::default()))
                .get_mut()
                .param_mut(param)
                .ok_or_else(|| format!("a distribution has no parameter \"{param}\""))
        }
        _ => Err(
            "expected jobs.stages, jobs.shape, jobs.parents, jobs.cpu_fraction, jobs.input, jobs.trace.KEY or jobs.DIST.PARAM".to_string(),
        ),
    }
}
