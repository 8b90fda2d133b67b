//! Raw scenario → [`Scenario`], collecting every problem with its path and
//! line (SPEC §1 "Validation collects every problem").

use std::ops::Range;

use policies::local::LocalMaster;
use policies::model::{Attributes, Quantity, Resources, top_level, validate_role};
use policies::spark::conf::{ByteUnit, byte_string_as};
use policies::spark::{MasterUrl, SparkSettings};
use policies::suggest::closest;

use super::ctx::{Ctx, quote_key};
use super::dist::{validate_arrival, validate_dist};
use super::faults::validate_faults;
use super::model::*;
use super::raw::{Leaf, RawJobs, RawMesos, RawScenario};
use crate::time::SimDuration;
use toml::Spanned;

/// The largest cluster a scenario may describe (a typo in `count` should
/// be an error, not an out-of-memory abort).
pub(crate) const MAX_AGENTS: u64 = 1_000_000;

/// The most replications per sweep point: a million runs of a point is
/// far past any confidence interval's needs.
pub(crate) const MAX_REPLICATIONS: i64 = 1_000_000;

/// Names of apps, frameworks and agent groups: used in paths and CSVs.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Validates a raw scenario. Returns the scenario only when there is no
/// error; warnings come back either way.
pub(crate) fn validate(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<Scenario> {
    let run = validate_run(raw, ctx);
    let declared = super::cluster::validate_cluster(raw, ctx);
    let mesos = validate_mesos(raw, ctx);
    let mut standalone = super::cluster::validate_standalone(raw, ctx);
    let yarn = super::yarn::validate_yarn(raw, ctx);
    let agents = validate_agents(raw, ctx);
    let data = validate_data(raw, ctx);
    let mut names: Vec<(String, String)> = Vec::new();
    let version = super::version::cluster_version(raw, ctx);
    if let (Some(v), Some(s)) = (version, standalone.as_mut()) {
        super::version::master(v, s, raw, ctx);
    }
    let apps: Vec<Option<App>> = raw
        .apps
        .iter()
        .enumerate()
        .map(|(i, a)| {
            validate_app(
                i,
                a,
                &mut names,
                declared.unwrap_or(None),
                version.unwrap_or_default(),
                ctx,
            )
        })
        .collect();
    let frameworks: Vec<Option<Framework>> = raw
        .frameworks
        .iter()
        .enumerate()
        .map(|(i, f)| validate_framework(i, f, &mut names, ctx))
        .collect();
    if raw.apps.is_empty() && raw.frameworks.is_empty() {
        ctx.error(
            "apps",
            None,
            "the scenario has no [[apps]] and no [[frameworks]]: nothing would run",
        );
    }
    let rack_attribute = data
        .as_ref()
        .map_or(defaults::RACK_ATTRIBUTE, |d| d.rack_attribute.as_str());
    let faults = validate_faults(raw, &agents, &apps, rack_attribute, ctx);
    validate_local(&agents, &apps, raw.frameworks.len(), &faults, ctx);
    let manager = declared.ok().and_then(|d| {
        super::cluster::validate_manager(
            d,
            &agents,
            &apps,
            raw.frameworks.len(),
            yarn.as_ref(),
            ctx,
        )
    });
    let datanodes: u64 = agents
        .iter()
        .filter(|g| g.datanode)
        .map(|g| u64::from(g.count))
        .sum();
    if datanodes == 0 {
        for a in apps.iter().flatten().filter(|a| a.jobs.input) {
            {
                ctx.error(
                    &format!("apps.{}.jobs.input", a.name),
                    None,
                    "jobs read input blocks, but no agent group is a datanode",
                );
            }
        }
    }
    if !ctx.diags.errors.is_empty() {
        return None;
    }
    let sc = Scenario {
        run: run?,
        manager: manager?,
        spark_version: version?,
        mesos: mesos?,
        standalone: standalone?,
        yarn: yarn?,
        agents,
        apps: apps.into_iter().collect::<Option<Vec<_>>>()?,
        frameworks: frameworks.into_iter().collect::<Option<Vec<_>>>()?,
        data: data?,
        faults,
    };
    super::lint::lint(&sc, raw, ctx);
    Some(sc)
}

/// Apps on a local master (Spark 3.0 `SparkContext.createTaskScheduler`,
/// reference standalone-yarn-local.md §3): the threads must hold a task,
/// cluster deploy mode is refused, and there is no executor apart from the
/// driver to fail.
fn validate_local(
    agents: &[AgentGroup],
    apps: &[Option<App>],
    frameworks: usize,
    faults: &[Fault],
    ctx: &mut Ctx<'_>,
) {
    // The cores of machine `i` (groups in order), without listing every
    // machine: a scenario may describe a million.
    let total: usize = agents.iter().map(|g| g.count as usize).sum();
    let cores_of = |mut i: usize| -> Option<u32> {
        for g in agents {
            if i < g.count as usize {
                return Some(g.resources.cpus().whole_units().max(0) as u32);
            }
            i -= g.count as usize;
        }
        None
    };
    let is_local = |a: &App| matches!(a.master, MasterUrl::Local { .. });
    let local = apps.iter().flatten().filter(|a| is_local(a)).count();
    let managed = apps.iter().flatten().find(|a| !is_local(a));
    if let Some(first) = apps.iter().flatten().find(|a| is_local(a)) {
        // A local app takes a machine without any cluster manager knowing:
        // the machines cannot also be a manager's, nor another local app's.
        let path = format!("apps.{}.master", first.name);
        if let Some((j, _)) = faults
            .iter()
            .enumerate()
            .find(|(_, f)| matches!(f.kind, FaultKind::MasterFailover { .. }))
        {
            ctx.error(
                &format!("faults.{j}.kind"),
                None,
                format!("app \"{}\" runs on a local master: there is no master to fail over (local[K] is one process; use driver_failure)", first.name),
            );
        }
        if let Some((j, _)) = faults.iter().enumerate().find(|(_, f)| f.kind.is_machine()) {
            ctx.error(
                &format!("faults.{j}.kind"),
                None,
                format!("app \"{}\" runs on a local master: there is no cluster manager and no machine to lose (local[K] is one process; use driver_failure)", first.name),
            );
        }
        if let Some(m) = managed {
            ctx.error(&path, None, format!("a local master uses no cluster manager, so its machine cannot also be shared by app \"{}\" on {}: run the apps on one kind of master (sweep them with --set apps.NAME.master=…)", m.name, m.master));
        } else if frameworks > 0 {
            ctx.error(&path, None, "a local master uses no cluster manager, so its machine cannot also be shared by the [[frameworks]], which run on Mesos");
        } else if local > total {
            ctx.error(
                &path,
                None,
                format!(
                    "{local} local apps but {total} machines: each local app runs alone on one machine",
                ),
            );
        }
    }

    for (i, a) in apps.iter().enumerate() {
        let Some(a) = a else { continue };
        let MasterUrl::Local {
            threads,
            max_failures,
        } = a.master
        else {
            continue;
        };
        let path = format!("apps.{}", a.name);
        if a.deploy_mode == DeployMode::Cluster {
            ctx.error(
                &format!("{path}.deploy_mode"),
                None,
                format!("Cluster deploy mode is not compatible with master \"{}\" (spark-submit refuses it; reference standalone-yarn-local.md §3)", a.master),
            );
        }
        let Some(cores) = cores_of(super::model::local_machine(i, total)) else {
            ctx.error(
                &format!("{path}.master"),
                None,
                "a local app runs on one of the scenario's machines, and there is none",
            );
            continue;
        };
        if let Err(e) = LocalMaster::new(threads, max_failures, cores, a.settings.task_cpus) {
            ctx.error(
                &format!("{path}.master"),
                None,
                format!("{e} (reference standalone-yarn-local.md §3)"),
            );
        }
        for (j, f) in faults.iter().enumerate() {
            if matches!(&f.kind, FaultKind::ExecutorFailure { app, .. } | FaultKind::ExecutorFailures { app, .. } if *app == a.name)
            {
                ctx.error(
                    &format!("faults.{j}.kind"),
                    None,
                    format!("app \"{}\" runs on a local master: its only executor is inside the driver (use driver_failure)", a.name),
                );
            }
        }
    }
}

fn validate_data(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<DataConfig> {
    let mut out = DataConfig::default();
    let Some(d) = &raw.data else { return Some(out) };
    let mut ok = true;
    if let Some(l) = &d.replication {
        match ctx.integer("data.replication", l, 1, "a positive number of replicas") {
            Some(v) if v > 16 => {
                ctx.leaf_err(
                    "data.replication",
                    l,
                    format!("at most 16 replicas per block, got {v}"),
                );
                ok = false;
            }
            Some(v) => out.replication = v as u32,
            None => ok = false,
        }
    }
    if let Some(l) = &d.rack_attribute {
        match ctx.string("data.rack_attribute", l) {
            Some(a) if !a.is_empty() => out.rack_attribute = a,
            Some(_) => {
                ctx.leaf_err(
                    "data.rack_attribute",
                    l,
                    "an attribute name must not be empty",
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(l) = &d.remote_read {
        match ctx.duration("data.remote_read", l) {
            Some(v) => out.remote_read = v,
            None => ok = false,
        }
    }
    if let Some(l) = &d.off_rack_read {
        match ctx.duration("data.off_rack_read", l) {
            Some(v) => out.off_rack_read = v,
            None => ok = false,
        }
    }
    if let Some(l) = &d.spark_knows_racks {
        match ctx.boolean("data.spark_knows_racks", l) {
            Some(b) => out.spark_knows_racks = b,
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn validate_run(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<RunConfig> {
    let r = raw.run.clone().unwrap_or_default();
    let mut run = RunConfig {
        seed: defaults::SEED,
        horizon: defaults::HORIZON,
        drain: defaults::DRAIN,
        replications: defaults::REPLICATIONS,
        sample_interval: defaults::SAMPLE_INTERVAL,
        chart_metrics: defaults::CHART_METRICS.map(String::from).to_vec(),
        slo_latency_s: None,
    };
    let mut ok = true;
    if let Some(l) = &r.seed {
        // TOML integers stop at 2^63 - 1; larger seeds (up to 2^64 - 1)
        // are written as decimal text.
        match l.get_ref() {
            toml::Value::String(text) => match text.trim().parse::<u64>() {
                Ok(v) => run.seed = v,
                Err(_) => {
                    ctx.leaf_err(
                        "run.seed",
                        l,
                        format!("expected a seed from 0 to {}, got \"{text}\"", u64::MAX),
                    );
                    ok = false;
                }
            },
            _ => match ctx.integer("run.seed", l, 0, "a non-negative integer seed") {
                Some(v) => run.seed = v as u64,
                None => ok = false,
            },
        }
    }
    if let Some(l) = &r.horizon {
        match ctx.positive_duration("run.horizon", l) {
            Some(v) => run.horizon = v,
            None => ok = false,
        }
    }
    if let Some(l) = &r.drain {
        match ctx.duration("run.drain", l) {
            Some(v) => run.drain = v,
            None => ok = false,
        }
    }
    if let Some(l) = &r.replications {
        match ctx.integer("run.replications", l, 1, "a positive integer") {
            Some(v) if v > MAX_REPLICATIONS => {
                ctx.leaf_err(
                    "run.replications",
                    l,
                    format!("at most {MAX_REPLICATIONS} replications, got {v}"),
                );
                ok = false;
            }
            Some(v) => run.replications = v as u32,
            None => ok = false,
        }
    }
    if let Some(l) = &r.sample_interval {
        match ctx.positive_duration("run.sample_interval", l) {
            Some(v) => run.sample_interval = v,
            None => ok = false,
        }
    }
    if let Some(l) = &r.chart_metrics {
        match chart_metrics(ctx, l) {
            Some(v) => run.chart_metrics = v,
            None => ok = false,
        }
    }
    if let Some(l) = &r.slo_latency_s {
        match ctx.number("run.slo_latency_s", l) {
            Some(v) if v > 0.0 && v <= 1.0e9 => run.slo_latency_s = Some(v),
            Some(v) => {
                ctx.leaf_err(
                    "run.slo_latency_s",
                    l,
                    format!("expected a latency objective in seconds above 0, got {v}"),
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(run)
}

/// `run.chart_metrics`: a list of numeric `summary.csv` metric names.
fn chart_metrics(ctx: &mut Ctx<'_>, leaf: &Leaf) -> Option<Vec<String>> {
    const PATH: &str = "run.chart_metrics";
    let known = crate::columns::chart_metric_names;
    let Some(items) = leaf.get_ref().as_array() else {
        ctx.leaf_err(PATH, leaf, "expected a list of summary.csv metric names");
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let Some(name) = item.as_str() else {
            ctx.leaf_err(PATH, leaf, format!("expected metric names, found {item}"));
            return None;
        };
        if !known().any(|m| m == name) {
            let hint = policies::suggest::closest(name, known())
                .map(|c| format!(" (did you mean \"{c}\"?)"))
                .unwrap_or_default();
            let all: Vec<&str> = known().collect();
            ctx.leaf_err(
                PATH,
                leaf,
                format!(
                    "unknown metric \"{name}\"{hint}; one of: {}",
                    all.join(", ")
                ),
            );
            return None;
        }
        if !out.iter().any(|m: &String| m == name) {
            out.push(name.to_string());
        }
    }
    Some(out)
}

/// `mesos.run_time` (`"model"`, or a duration for every run) and
/// `mesos.run_time_scale` (the model's factor, not negative; only with the
/// model).
fn validate_run_time(m: &RawMesos, ctx: &mut Ctx<'_>, out: &mut RunTime) -> bool {
    let mut ok = true;
    if let Some(l) = &m.run_time {
        let text = l.get_ref().as_str();
        if text == Some("model") {
            *out = RunTime::Model { scale: 1.0 };
        } else if let Some(t) = text.filter(|t| crate::time::parse_scenario_duration(t).is_err()) {
            ctx.leaf_err(
                "mesos.run_time",
                l,
                format!("expected \"model\" or a duration such as \"5ms\", got \"{t}\""),
            );
            ok = false;
        } else {
            match ctx.duration("mesos.run_time", l) {
                Some(v) => *out = RunTime::Fixed(v),
                None => ok = false,
            }
        }
    }
    if let Some(l) = &m.run_time_scale {
        match (ctx.number("mesos.run_time_scale", l), *out) {
            (Some(x), RunTime::Model { .. }) if x >= 0.0 && x.is_finite() => {
                *out = RunTime::Model { scale: x }
            }
            (Some(x), RunTime::Model { .. }) => {
                ctx.leaf_err(
                    "mesos.run_time_scale",
                    l,
                    format!("the run time's scale must be a finite number ≥ 0, got {x}"),
                );
                ok = false;
            }
            (Some(_), RunTime::Fixed(_)) => {
                ctx.leaf_err(
                    "mesos.run_time_scale",
                    l,
                    "run_time_scale applies to the fitted model only: remove it, or set run_time = \"model\"",
                );
                ok = false;
            }
            (None, _) => ok = false,
        }
    }
    ok
}

fn validate_mesos(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<MesosConfig> {
    let m = raw.mesos.clone().unwrap_or_default();
    let mut out = MesosConfig {
        allocation_interval: defaults::ALLOCATION_INTERVAL,
        offer_timeout: None,
        default_refuse: defaults::DEFAULT_REFUSE,
        allocator: AllocatorKind::DRF,
        task_launch_latency: defaults::TASK_LAUNCH_LATENCY,
        task_kill_latency: defaults::TASK_KILL_LATENCY,
        run_time: RunTime::Model { scale: 1.0 },
        roles: Vec::new(),
        authenticate_frameworks: false,
        credentials: Vec::new(),
    };
    let mut ok = true;
    if let Some(l) = &m.authenticate_frameworks {
        match ctx.boolean("mesos.authenticate_frameworks", l) {
            Some(b) => out.authenticate_frameworks = b,
            None => ok = false,
        }
    }
    for (principal, secret) in &m.credentials {
        let Some(secret) = secret else { continue };
        let p = format!("mesos.credentials.{}", quote_key(principal));
        match ctx.string(&p, secret) {
            Some(s) if !principal.is_empty() => out.credentials.push((principal.clone(), s)),
            Some(_) => {
                ctx.leaf_err(&p, secret, "a principal must not be empty");
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(l) = &m.allocation_interval {
        match ctx.positive_duration("mesos.allocation_interval", l) {
            Some(v) => out.allocation_interval = v,
            None => ok = false,
        }
    }
    if let Some(l) = &m.offer_timeout {
        if l.get_ref().as_str() == Some("none") {
            out.offer_timeout = None;
        } else {
            match ctx.positive_duration("mesos.offer_timeout", l) {
                Some(v) => out.offer_timeout = Some(v),
                None => ok = false,
            }
        }
    }
    if let Some(l) = &m.default_refuse {
        match ctx.duration("mesos.default_refuse", l) {
            Some(v) => out.default_refuse = v,
            None => ok = false,
        }
    }
    if let Some(l) = &m.task_launch_latency {
        match ctx.duration("mesos.task_launch_latency", l) {
            Some(v) => out.task_launch_latency = v,
            None => ok = false,
        }
    }
    if let Some(l) = &m.task_kill_latency {
        match ctx.duration("mesos.task_kill_latency", l) {
            Some(v) => out.task_kill_latency = v,
            None => ok = false,
        }
    }
    if !validate_run_time(&m, ctx, &mut out.run_time) {
        ok = false;
    }
    if let Some(l) = &m.allocator {
        let name = ctx.string("mesos.allocator", l);
        match (
            name.as_deref(),
            name.as_deref().and_then(AllocatorKind::named),
        ) {
            (_, Some(kind)) => out.allocator = kind,
            (Some(other), None) => {
                let hint = closest(other, AllocatorKind::names())
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                let all: Vec<&str> = AllocatorKind::names().collect();
                ctx.leaf_err(
                    "mesos.allocator",
                    l,
                    format!(
                        "unknown allocator \"{other}\"; expected one of: {}{hint}",
                        all.join(", ")
                    ),
                );
                ok = false;
            }
            (None, None) => ok = false,
        }
    }
    for (name, role) in &m.roles {
        let path = format!("mesos.roles.{}", quote_key(name));
        let span = role.span();
        if name == "*" {
            ctx.error(
                &path,
                Some(&span),
                "the default role \"*\" cannot have a weight or quota here",
            );
            ok = false;
            continue;
        }
        if let Err(why) = validate_role(name) {
            ctx.error(&path, Some(&span), format!("invalid Mesos role: {why}"));
            ok = false;
            continue;
        }
        let r = role.get_ref();
        let mut weight = defaults::ROLE_WEIGHT;
        if let Some(l) = &r.weight {
            match ctx.number(&format!("{path}.weight"), l) {
                Some(w) if w > 0.0 => weight = w,
                Some(w) => {
                    ctx.leaf_err(
                        &format!("{path}.weight"),
                        l,
                        format!(
                            "expected a positive weight, got {w} (Mesos weights must be positive)"
                        ),
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        let mut quota = None;
        if let Some(l) = &r.quota {
            let qpath = format!("{path}.quota");
            if let Some(s) = ctx.string(&qpath, l) {
                match Resources::parse(&s) {
                    Ok(q) => {
                        if q.iter()
                            .any(|e| e.is_reserved() || !matches!(e.quantity, Quantity::Scalar(_)))
                        {
                            ctx.leaf_err(&qpath, l, "a quota limit lists unreserved scalars only, like \"cpus:64;mem:262144\"");
                            ok = false;
                        } else if top_level(name) != name {
                            ctx.leaf_err(&qpath, l, "quota can be set only on top-level roles (Mesos 1.11 quota; reference mesos-master.md §1.5)");
                            ok = false;
                        } else {
                            quota = Some(q);
                        }
                    }
                    Err(e) => {
                        ctx.leaf_err(&qpath, l, format!("invalid resources \"{s}\": {e}"));
                        ok = false;
                    }
                }
            } else {
                ok = false;
            }
        }
        out.roles.push(RoleConfig {
            name: name.clone(),
            weight,
            quota,
        });
    }
    ok.then_some(out)
}

fn validate_agents(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Vec<AgentGroup> {
    let mut groups = Vec::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut total: u64 = 0;
    if raw.agents.is_empty() {
        ctx.error(
            "agents",
            None,
            "the scenario has no [[agents]]: add at least one group with count and resources",
        );
    }
    for (i, g) in raw.agents.iter().enumerate() {
        let path = format!("agents.{i}");
        let span = g.span();
        let a = g.get_ref();
        let mut ok = true;
        let count = match &a.count {
            Some(l) => ctx.integer(&format!("{path}.count"), l, 0, "a non-negative integer"),
            None => {
                ctx.error(
                    &format!("{path}.count"),
                    Some(&span),
                    "missing: how many agents this group has",
                );
                None
            }
        };
        let count = count.map(|c| c.min(i64::from(u32::MAX)) as u32);
        ok &= count.is_some();
        total += u64::from(count.unwrap_or(0));
        let name = match &a.name {
            Some(l) => ctx.string(&format!("{path}.name"), l),
            None => Some(defaults::AGENT_NAME.to_string()),
        };
        if let Some(n) = &name {
            let bad = n.is_empty()
                || !n
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            if bad {
                ctx.error(
                    &format!("{path}.name"),
                    Some(&span),
                    format!("\"{n}\" is not a hostname prefix (letters, digits, '-', '.')"),
                );
                ok = false;
            } else if let Some((_, j)) = names.iter().find(|(m, _)| m == n) {
                ctx.error(
                    &format!("{path}.name"),
                    Some(&span),
                    format!("\"{n}\" is already the name of agents.{j}; hostnames would repeat"),
                );
                ok = false;
            } else {
                names.push((n.clone(), i));
            }
        } else {
            ok = false;
        }
        let resources = match &a.resources {
            Some(l) => ctx.string(&format!("{path}.resources"), l).and_then(|s| match Resources::parse_agent_flag(&s) {
                Ok(r) => {
                    if r.cpus().is_zero() && r.mem_mb().is_zero() {
                        ctx.leaf_err(
                            &format!("{path}.resources"),
                            l,
                            "an agent without cpus and mem is never offered (Mesos 1.11 min_allocatable_resources; reference mesos-master.md §2.3)",
                        );
                        None
                    } else {
                        Some(r)
                    }
                }
                Err(e) => {
                    ctx.leaf_err(&format!("{path}.resources"), l, format!("invalid Mesos resources \"{s}\": {e}"));
                    None
                }
            }),
            None => {
                ctx.error(&format!("{path}.resources"), Some(&span), "missing: the agent's --resources, like \"cpus:16;mem:65536\"");
                None
            }
        };
        ok &= resources.is_some();
        let attributes = match &a.attributes {
            Some(l) => ctx.string(&format!("{path}.attributes"), l).and_then(|s| {
                match Attributes::parse_agent_flag(&s) {
                    Ok(parsed) => {
                        for w in parsed.warnings {
                            ctx.warn(&format!("{path}.attributes"), Some(&l.span()), w);
                        }
                        Some(parsed.attributes)
                    }
                    Err(e) => {
                        ctx.leaf_err(
                            &format!("{path}.attributes"),
                            l,
                            format!("invalid Mesos attributes \"{s}\": {e}"),
                        );
                        None
                    }
                }
            }),
            None => Some(Attributes::default()),
        };
        ok &= attributes.is_some();
        let racks = match &a.racks {
            Some(l) => {
                let r = ctx.integer(&format!("{path}.racks"), l, 1, "a positive integer");
                if r.is_some()
                    && attributes
                        .as_ref()
                        .is_some_and(|at| at.get("rack").is_some())
                {
                    ctx.leaf_err(
                        &format!("{path}.racks"),
                        l,
                        "the attributes already name a rack; drop one of the two",
                    );
                    ok = false;
                }
                ok &= r.is_some();
                r.map(|r| r.min(i64::from(u32::MAX)) as u32)
            }
            None => None,
        };
        let datanode = match &a.datanode {
            Some(l) => ctx.boolean(&format!("{path}.datanode"), l),
            None => Some(true),
        };
        ok &= datanode.is_some();
        if ok {
            groups.push(AgentGroup {
                count: count.unwrap_or(0),
                name: name.unwrap_or_default(),
                resources: resources.unwrap_or_default(),
                attributes: attributes.unwrap_or_default(),
                racks,
                datanode: datanode.unwrap_or(true),
            });
        }
    }
    if total > MAX_AGENTS {
        ctx.error(
            "agents",
            None,
            format!("{total} agents in all, more than the limit of {MAX_AGENTS}"),
        );
    }
    if !raw.agents.is_empty() && total == 0 && ctx.diags.errors.is_empty() {
        ctx.error(
            "agents",
            None,
            "every agent group has count = 0: the cluster has no agents",
        );
    }
    groups
}

fn check_name(
    kind: &str,
    path: &str,
    leaf: Option<&Leaf>,
    span: &Range<usize>,
    names: &mut Vec<(String, String)>,
    ctx: &mut Ctx<'_>,
) -> Option<String> {
    let Some(l) = leaf else {
        ctx.error(
            &format!("{path}.name"),
            Some(span),
            format!("missing: every {kind} needs a name"),
        );
        return None;
    };
    let name = ctx.string(&format!("{path}.name"), l)?;
    if !valid_name(&name) {
        ctx.leaf_err(
            &format!("{path}.name"),
            l,
            format!("\"{name}\" is not a valid name (letters, digits, '_' and '-')"),
        );
        return None;
    }
    if let Some((_, other)) = names.iter().find(|(n, _)| *n == name) {
        ctx.leaf_err(
            &format!("{path}.name"),
            l,
            format!("duplicate name \"{name}\": {other} already uses it (apps and frameworks share one namespace)"),
        );
        return None;
    }
    names.push((name.clone(), path.to_string()));
    Some(name)
}

fn validate_app(
    i: usize,
    app: &Spanned<RawApp>,
    names: &mut Vec<(String, String)>,
    declared: Option<Manager>,
    version: policies::spark::SparkVersion,
    ctx: &mut Ctx<'_>,
) -> Option<App> {
    let span = app.span();
    let a = app.get_ref();
    let name = check_name(
        "app",
        &format!("apps.{i}"),
        a.name.as_ref(),
        &span,
        names,
        ctx,
    );
    let path = format!("apps.{}", name.clone().unwrap_or_else(|| i.to_string()));
    let pasted = super::app_conf::app_conf(&path, a, ctx);
    // The deploy mode a 1.6–2.x `yarn-client` / `yarn-cluster` master names.
    let mut implied_mode: Option<(DeployMode, String)> = None;
    let early = super::version::peek(a.spark_version.as_ref(), version);
    let master = match (a.master.as_ref().or(pasted.master.as_ref()), declared) {
        (Some(l), declared) => ctx.string(&format!("{path}.master"), l).and_then(|s| match super::version::yarn_master(&s, early, &format!("{path}.master"), l, ctx).map_or_else(|| MasterUrl::parse(&s), |mode| {
            implied_mode = Some((mode, s.clone()));
            Ok(MasterUrl::Yarn)
        }) {
            // cluster.manager wins over the app's own master (docs/cluster-managers.md).
            Ok(m) if declared.is_some_and(|d| Manager::of(&m) != Some(d)) => {
                declared.and_then(|d| MasterUrl::parse(d.default_master()).ok())
            }
            Ok(m) if m.is_mesos() || matches!(m, MasterUrl::Local { .. } | MasterUrl::Standalone { .. } | MasterUrl::Yarn) => Some(m),
            Ok(m) => {
                ctx.leaf_err(
                    &format!("{path}.master"),
                    l,
                    format!(
                        "\"{s}\" is a {} master; Mesos (mesos://…), standalone (spark://…), YARN (yarn) and local (local, local[K], local[*], local[K,F]) masters are simulated",
                        m.manager()
                    ),
                );
                None
            }
            Err(e) => {
                ctx.leaf_err(&format!("{path}.master"), l, e.to_string());
                None
            }
        }),
        (None, Some(d)) => MasterUrl::parse(d.default_master()).ok(),
        (None, None) => {
            ctx.error(&format!("{path}.master"), Some(&span), "missing: the Spark master URL, like \"mesos://zk://zk1:2181/mesos\" (or a submit line with --master, or cluster.manager for every app)");
            None
        }
    };
    if !matches!(master, Some(MasterUrl::Yarn)) {
        implied_mode = None;
    }
    let deploy_mode = match a.deploy_mode.as_ref().or(pasted.deploy_mode.as_ref()) {
        None => Some(implied_mode.as_ref().map_or(DeployMode::Client, |m| m.0)),
        Some(l) => match ctx.string(&format!("{path}.deploy_mode"), l).as_deref() {
            Some("client") => Some(DeployMode::Client),
            Some("cluster") => Some(DeployMode::Cluster),
            Some(other) => {
                ctx.leaf_err(
                    &format!("{path}.deploy_mode"),
                    l,
                    format!("expected \"client\" or \"cluster\", got \"{other}\""),
                );
                None
            }
            None => None,
        },
    };
    let (start, stop) = start_stop("app", &path, a.start.as_ref(), a.stop.as_ref(), &span, ctx);
    let conf_ok = pasted.ok;
    let conf = pasted.conf.clone();
    // Where a key was set: its span, and the source's name when pasted.
    let located = |key: &str, message: String| match pasted.origin(key) {
        Some((span, Some(note))) => (Some(span), format!("{message} (set in {note})")),
        Some((span, None)) => (Some(span), message),
        None => (None, message),
    };
    // Real Spark properties without a model (a pasted spark-defaults.conf
    // holds many: event logs, serializers) are told in one warning.
    let (real, others): (Vec<_>, Vec<_>) = conf.warnings().into_iter().partition(|w| {
        policies::spark::keys::lookup(&w.key).is_none()
            && policies::spark::keys::is_real_spark_key(&w.key)
    });
    for w in others {
        let (s, message) = located(&w.key, w.message);
        ctx.warn(&format!("{path}.conf.\"{}\"", w.key), s.as_ref(), message);
    }
    if let Some(first) = real.first() {
        let keys: Vec<&str> = real.iter().map(|w| w.key.as_str()).collect();
        let (s, _) = located(&first.key, String::new());
        let message = if keys.len() == 1 {
            first.message.clone()
        } else {
            format!(
                "{} real Spark properties the simulator does not model; the simulation ignores their values: {}",
                keys.len(),
                keys.join(", ")
            )
        };
        let p = if keys.len() == 1 {
            format!("{path}.conf.\"{}\"", first.key)
        } else {
            format!("{path}.conf")
        };
        ctx.warn(&p, s.as_ref(), message);
    }
    if let (Some((implied, url)), Some(mode)) = (&implied_mode, deploy_mode)
        && *implied != mode
    {
        // Spark 1.6 SparkSubmit.prepareSubmitEnvironment.
        ctx.error(
            &format!("{path}.deploy_mode"),
            Some(&span),
            format!(
                "{} deploy mode is not compatible with master \"{url}\"",
                if mode == DeployMode::Client {
                    "Client"
                } else {
                    "Cluster"
                }
            ),
        );
    }
    let version = super::version::app_version(
        &path,
        a.spark_version.as_ref(),
        version,
        master.as_ref(),
        ctx,
    );
    let settings = match SparkSettings::from_conf_at(&conf, version.unwrap_or_default()) {
        Ok(s) => Some(s),
        Err(errors) => {
            for e in errors {
                let (s, message) = located(&e.key, e.message);
                ctx.error(
                    &format!("{path}.conf.\"{}\"", e.key),
                    s.as_ref().or(Some(&span)),
                    message,
                );
            }
            None
        }
    };
    let jobs = match &a.jobs {
        Some(j) => validate_jobs(&format!("{path}.jobs"), j, true, ctx),
        None => {
            ctx.error(
                &format!("{path}.jobs"),
                Some(&span),
                "missing: [apps.jobs] with arrival, tasks and task_duration",
            );
            None
        }
    };
    let settings = settings
        .zip(version)
        .and_then(|(mut s, v)| super::version::apply(&path, v, &mut s, &conf, ctx).then_some(s));
    let fetch = validate_fetch(&format!("{path}.fetch"), a.fetch.as_ref(), ctx);
    let executor_startup = match &a.executor_startup {
        None => Some(defaults::executor_startup()),
        Some(d) => validate_dist(&format!("{path}.executor_startup"), d, Unit::Duration, ctx),
    };
    let decision_time = match &a.decision_time {
        None => Some(defaults::spark_decision_time()),
        Some(d) => validate_dist(&format!("{path}.decision_time"), d, Unit::Duration, ctx),
    };
    let pools = validate_pools(&path, a, settings.as_ref(), ctx);
    Some(App {
        name: name?,
        master: master?,
        deploy_mode: deploy_mode?,
        start: start?,
        stop: stop?,
        conf: if conf_ok { conf } else { return None },
        settings: settings?,
        own_version: a.spark_version.is_some(),
        jobs: jobs?,
        executor_startup: executor_startup?,
        decision_time: Some(decision_time?),
        fetch: fetch?,
        pools: pools?,
    })
}

fn validate_fetch(
    path: &str,
    raw: Option<&Spanned<super::raw::RawFetch>>,
    ctx: &mut Ctx<'_>,
) -> Option<FetchCosts> {
    let mut out = FetchCosts::default();
    let Some(raw) = raw else { return Some(out) };
    let f = raw.get_ref();
    let mut ok = true;
    let fields: [(&str, &Option<Leaf>, &mut u64); 4] = [
        ("package", &f.package, &mut out.package_mib),
        ("uris", &f.uris, &mut out.uris_mib),
        ("docker_image", &f.docker_image, &mut out.docker_image_mib),
        ("bandwidth", &f.bandwidth, &mut out.bandwidth_mib_s),
    ];
    for (name, leaf, slot) in fields {
        let Some(leaf) = leaf else { continue };
        let p = format!("{path}.{name}");
        let Some(text) = ctx.string(&p, leaf) else {
            ok = false;
            continue;
        };
        match byte_string_as(&text, ByteUnit::Mib) {
            Ok(0) if name == "bandwidth" => {
                ctx.leaf_err(
                    &p,
                    leaf,
                    "the bandwidth must be above zero (MiB per second)",
                );
                ok = false;
            }
            Ok(v) => *slot = v,
            Err(e) => {
                ctx.leaf_err(
                    &p,
                    leaf,
                    format!("expected a size like \"250m\" or \"1g\": {e}"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `[apps.pools.NAME]` (Spark 3.0 `FairSchedulableBuilder`: `weight` 1,
/// `minShare` 0, `schedulingMode` FIFO; Spark's "Job Scheduling" guide).
/// Pools need `spark.scheduler.mode = FAIR`; in FIFO mode Spark ignores
/// them, and so does the simulator, with a warning.
fn validate_pools(
    path: &str,
    a: &super::raw::RawApp,
    settings: Option<&SparkSettings>,
    ctx: &mut Ctx<'_>,
) -> Option<Vec<(policies::spark::fair::Pool, f64)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (name, raw) in &a.pools {
        let p = format!("{path}.pools.{name}");
        let r = raw.get_ref();
        let mut int = |key: &str, leaf: Option<&Leaf>, min: i64, default: u32| match leaf {
            None => Some(default),
            Some(l) => ctx
                .integer(&format!("{p}.{key}"), l, min, "a non-negative integer")
                .map(|n| n.min(i64::from(i32::MAX)) as u32),
        };
        let weight = int("weight", r.weight.as_ref(), 1, 1);
        let min_share = int("min_share", r.min_share.as_ref(), 0, 0);
        let fair = match &r.mode {
            None => Some(false),
            Some(l) => match ctx.string(&format!("{p}.mode"), l).as_deref() {
                Some("FIFO") => Some(false),
                Some("FAIR") => Some(true),
                Some(other) => {
                    ctx.leaf_err(
                        &format!("{p}.mode"),
                        l,
                        format!("expected \"FIFO\" or \"FAIR\", got \"{other}\""),
                    );
                    None
                }
                None => None,
            },
        };
        let jobs = match &r.jobs {
            None => Some(1.0),
            Some(l) => {
                match l.get_ref() {
                    toml::Value::Float(f) if *f >= 0.0 && f.is_finite() => Some(*f),
                    toml::Value::Integer(i) if *i >= 0 => Some(*i as f64),
                    other => {
                        ctx.leaf_err(
                        &format!("{p}.jobs"),
                        l,
                        format!("expected the pool's non-negative share of the app's jobs, got {other}"),
                    );
                        None
                    }
                }
            }
        };
        match (weight, min_share, fair, jobs) {
            (Some(weight), Some(min_share), Some(fair), Some(jobs)) => out.push((
                policies::spark::fair::Pool {
                    name: name.clone(),
                    weight,
                    min_share,
                    fair,
                },
                jobs,
            )),
            _ => ok = false,
        }
    }
    if !out.is_empty() && out.iter().all(|(_, j)| *j == 0.0) {
        ctx.error(
            &format!("{path}.pools"),
            None,
            "no pool receives any job: give some pool a positive `jobs` share",
        );
        ok = false;
    }
    if out.is_empty() && settings.is_some_and(|s| s.fair_scheduler) {
        ctx.warn(
            &format!("{path}.conf.\"spark.scheduler.mode\""),
            None,
            "FAIR without [apps.pools] puts every job in the default pool, which runs FIFO (as Spark does without spark.scheduler.allocation.file)",
        );
    }
    if !out.is_empty() && settings.is_some_and(|s| !s.fair_scheduler) {
        ctx.warn(
            &format!("{path}.pools"),
            None,
            "pools apply with spark.scheduler.mode = FAIR; in FIFO mode Spark ignores them, and so does this run",
        );
        out.clear();
    }
    ok.then_some(out)
}

/// An optional duration distribution (`Some(None)` when absent, `None` on
/// an error).
fn optional_dist(
    path: &str,
    raw: Option<&Spanned<super::raw::RawDist>>,
    ctx: &mut Ctx<'_>,
) -> Option<Option<super::model::Distribution>> {
    match raw {
        None => Some(None),
        Some(d) => validate_dist(path, d, Unit::Duration, ctx).map(Some),
    }
}

/// `start` (default 0 s) and `stop` (default: when its jobs are done; a
/// duration, or "horizon") of an app or a framework.
fn start_stop(
    what: &str,
    path: &str,
    start: Option<&Leaf>,
    stop: Option<&Leaf>,
    span: &std::ops::Range<usize>,
    ctx: &mut Ctx<'_>,
) -> (Option<SimDuration>, Option<StopAt>) {
    let start = match start {
        None => Some(SimDuration::ZERO),
        Some(l) => ctx.duration(&format!("{path}.start"), l),
    };
    let stop = match stop {
        None => Some(StopAt::JobsDone),
        Some(l) if l.get_ref().as_str() == Some("horizon") => Some(StopAt::Horizon),
        Some(l) => ctx.duration(&format!("{path}.stop"), l).map(StopAt::At),
    };
    if let (Some(s), Some(StopAt::At(e))) = (start, stop)
        && e <= s
    {
        ctx.error(
            &format!("{path}.stop"),
            Some(span),
            format!("the {what} stops at {e}, not after it starts at {s}"),
        );
    }
    (start, stop)
}

fn validate_framework(
    i: usize,
    fw: &Spanned<super::raw::RawFramework>,
    names: &mut Vec<(String, String)>,
    ctx: &mut Ctx<'_>,
) -> Option<Framework> {
    let span = fw.span();
    let f = fw.get_ref();
    let name = check_name(
        "framework",
        &format!("frameworks.{i}"),
        f.name.as_ref(),
        &span,
        names,
        ctx,
    );
    let path = format!(
        "frameworks.{}",
        name.clone().unwrap_or_else(|| i.to_string())
    );
    let role = match &f.role {
        None => Some("*".to_string()),
        Some(l) => ctx
            .string(&format!("{path}.role"), l)
            .and_then(|r| match validate_role(&r) {
                Ok(()) => Some(r),
                Err(why) => {
                    ctx.leaf_err(
                        &format!("{path}.role"),
                        l,
                        format!("invalid Mesos role: {why}"),
                    );
                    None
                }
            }),
    };
    let kind = match &f.kind {
        None => {
            ctx.error(
                &format!("{path}.kind"),
                Some(&span),
                "missing: one of elastic, rigid, service, hoarding",
            );
            None
        }
        Some(l) => match ctx.string(&format!("{path}.kind"), l).as_deref() {
            Some("elastic") => Some(FrameworkKind::Elastic),
            Some("rigid") => Some(FrameworkKind::Rigid),
            Some("hoarding") => Some(FrameworkKind::Hoarding),
            Some("service") => Some(FrameworkKind::Service),
            Some(other) => {
                let hint = closest(other, FrameworkKind::NAMES)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                ctx.leaf_err(&format!("{path}.kind"), l, format!("unknown framework kind \"{other}\"; expected elastic, rigid, service or hoarding{hint}"));
                None
            }
            None => None,
        },
    };
    let task = match &f.task {
        None => {
            ctx.error(
                &format!("{path}.task"),
                Some(&span),
                "missing: the resources of one task, like \"cpus:2;mem:4096\"",
            );
            None
        }
        Some(l) => {
            ctx.string(&format!("{path}.task"), l)
                .and_then(|s| match Resources::parse(&s) {
                    Ok(r) if r.cpus().is_zero() && r.mem_mb().is_zero() => {
                        ctx.leaf_err(&format!("{path}.task"), l, "a task needs some cpus or mem");
                        None
                    }
                    Ok(r) => Some(r),
                    Err(e) => {
                        ctx.leaf_err(
                            &format!("{path}.task"),
                            l,
                            format!("invalid Mesos resources \"{s}\": {e}"),
                        );
                        None
                    }
                })
        }
    };
    let refuse = match &f.refuse {
        None => Some(None),
        Some(l) => ctx.duration(&format!("{path}.refuse"), l).map(Some),
    };
    let tasks_per_offer = match &f.tasks_per_offer {
        None => Some(None),
        Some(l) => ctx
            .integer(
                &format!("{path}.tasks_per_offer"),
                l,
                1,
                "a positive number of tasks",
            )
            .map(|n| Some(n.min(i64::from(u32::MAX)) as u32)),
    };
    let (start, stop) = start_stop(
        "framework",
        &path,
        f.start.as_ref(),
        f.stop.as_ref(),
        &span,
        ctx,
    );
    let revive = match &f.revive {
        None => Some(true),
        Some(l) => ctx.boolean(&format!("{path}.revive"), l),
    };
    let decision_time = optional_dist(
        &format!("{path}.decision_time"),
        f.decision_time.as_ref(),
        ctx,
    );
    if let (Some(FrameworkKind::Rigid | FrameworkKind::Hoarding), Some(Some(_)), Some(l)) =
        (kind, tasks_per_offer, f.tasks_per_offer.as_ref())
    {
        ctx.leaf_err(
            &format!("{path}.tasks_per_offer"),
            l,
            "a rigid framework launches its whole stage from one callback or nothing: tasks_per_offer applies to elastic and service frameworks",
        );
    }
    let jobs = match &f.jobs {
        Some(j) => validate_jobs(&format!("{path}.jobs"), j, false, ctx),
        None => {
            ctx.error(
                &format!("{path}.jobs"),
                Some(&span),
                "missing: [frameworks.jobs] with arrival, tasks and task_duration",
            );
            None
        }
    };
    Some(Framework {
        name: name?,
        role: role?,
        kind: kind?,
        task: task?,
        refuse: refuse?,
        tasks_per_offer: tasks_per_offer?,
        start: start?,
        stop: stop?,
        revive: revive?,
        decision_time: decision_time?,
        jobs: jobs?,
    })
}

/// `spark` is set for Spark apps: only their jobs may read input blocks.
fn validate_jobs(
    path: &str,
    jobs: &Spanned<RawJobs>,
    spark: bool,
    ctx: &mut Ctx<'_>,
) -> Option<JobSpec> {
    let span = jobs.span();
    let j = jobs.get_ref();
    let input = match &j.input {
        None => Some(false),
        Some(l) => match ctx.boolean(&format!("{path}.input"), l) {
            Some(true) if !spark => {
                ctx.leaf_err(
                    &format!("{path}.input"),
                    l,
                    "input blocks and data locality apply to Spark apps only",
                );
                None
            }
            b => b,
        },
    };
    if let Some(t) = &j.trace {
        // The trace gives the arrivals, stages, tasks and run times.
        let trace = super::trace::validate_trace(&format!("{path}.trace"), t, ctx);
        for (key, given) in [
            ("arrival", j.arrival.as_ref().map(|d| d.span())),
            ("stages", j.stages.as_ref().map(|l| l.span())),
            ("shape", j.shape.as_ref().map(|l| l.span())),
            ("parents", j.parents.as_ref().map(|l| l.span())),
            ("tasks", j.tasks.as_ref().map(|d| d.span())),
            ("task_duration", j.task_duration.as_ref().map(|d| d.span())),
        ] {
            if let Some(span) = given {
                ctx.error(
                    &format!("{path}.{key}"),
                    Some(&span),
                    "a trace gives the jobs' arrivals, stages, tasks and run times: remove this key, or the trace",
                );
            }
        }
        let cpu_fraction = validate_cpu_fraction(path, j, ctx);
        return Some(JobSpec {
            arrival: Arrival::At { times: Vec::new() },
            stages: 1,
            shape: JobShape::Chain,
            tasks: Distribution {
                unit: Unit::Count,
                dist: Dist::Constant { value: 1.0 },
            },
            task_duration: Distribution {
                unit: Unit::Duration,
                dist: Dist::Constant { value: 0.0 },
            },
            cpu_fraction: cpu_fraction?,
            input: input?,
            trace: Some(trace?),
        });
    }
    let arrival = match &j.arrival {
        Some(d) => validate_arrival(&format!("{path}.arrival"), d, ctx),
        None => {
            ctx.error(
                &format!("{path}.arrival"),
                Some(&span),
                "missing: e.g. { kind = \"poisson\", mean = \"20s\" }",
            );
            None
        }
    };
    let stages = match &j.stages {
        None => Some(defaults::STAGES),
        Some(l) => match ctx.integer(&format!("{path}.stages"), l, 1, "a positive integer") {
            Some(v) if v > 10_000 => {
                ctx.leaf_err(
                    &format!("{path}.stages"),
                    l,
                    format!("at most 10,000 stages per job, got {v}"),
                );
                None
            }
            v => v.map(|v| v as u32),
        },
    };
    let (shape, stages) = validate_shape(path, j, stages, ctx);
    let tasks = match &j.tasks {
        Some(d) => validate_dist(&format!("{path}.tasks"), d, Unit::Count, ctx),
        None => {
            ctx.error(
                &format!("{path}.tasks"),
                Some(&span),
                "missing: tasks per stage, e.g. { kind = \"constant\", value = 16 }",
            );
            None
        }
    };
    let task_duration = match &j.task_duration {
        Some(d) => validate_dist(&format!("{path}.task_duration"), d, Unit::Duration, ctx),
        None => {
            ctx.error(
                &format!("{path}.task_duration"),
                Some(&span),
                "missing: e.g. { kind = \"lognormal\", median = \"800ms\", sigma = 0.6 }",
            );
            None
        }
    };
    let cpu_fraction = validate_cpu_fraction(path, j, ctx);
    Some(JobSpec {
        arrival: arrival?,
        stages: stages?,
        shape: shape?,
        tasks: tasks?,
        task_duration: task_duration?,
        cpu_fraction: cpu_fraction?,
        input: input?,
        trace: None,
    })
}

fn validate_cpu_fraction(path: &str, j: &RawJobs, ctx: &mut Ctx<'_>) -> Option<f64> {
    match &j.cpu_fraction {
        None => Some(defaults::CPU_FRACTION),
        Some(l) => match ctx.number(&format!("{path}.cpu_fraction"), l) {
            Some(x) if x > 0.0 && x <= 1.0 => Some(x),
            Some(x) => {
                ctx.leaf_err(
                    &format!("{path}.cpu_fraction"),
                    l,
                    format!("expected a fraction in (0, 1], got {x}"),
                );
                None
            }
            None => None,
        },
    }
}

/// `shape` and `parents` of `[apps.jobs]`: the shape, and the number of
/// stages it implies (a fan-in of K parents has K + 1, a diamond 4; a
/// `stages` that says otherwise is an error).
fn validate_shape(
    path: &str,
    j: &RawJobs,
    stages: Option<u32>,
    ctx: &mut Ctx<'_>,
) -> (Option<JobShape>, Option<u32>) {
    const SHAPES: &[&str] = &["chain", "fan-in", "diamond"];
    let shape_path = format!("{path}.shape");
    let parents_path = format!("{path}.parents");
    let name = match &j.shape {
        None => Some("chain".to_string()),
        Some(l) => match ctx.string(&shape_path, l) {
            Some(s) if SHAPES.contains(&s.as_str()) => Some(s),
            Some(other) => {
                let hint = closest(&other, SHAPES.iter().copied())
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                ctx.leaf_err(
                    &shape_path,
                    l,
                    format!(
                        "unknown job shape \"{other}\"; expected chain, fan-in or diamond{hint}"
                    ),
                );
                return (None, stages);
            }
            None => return (None, stages),
        },
    };
    let parents = match (&j.parents, name.as_deref()) {
        (None, Some("fan-in")) => Some(2),
        (None, _) => None,
        (Some(l), Some("fan-in")) => match ctx.integer(&parents_path, l, 1, "a positive integer") {
            Some(v) if v >= 10_000 => {
                ctx.leaf_err(
                    &parents_path,
                    l,
                    format!("at most 9,999 parents (10,000 stages per job), got {v}"),
                );
                return (None, stages);
            }
            Some(v) => Some(v as u32),
            None => return (None, stages),
        },
        (Some(l), _) => {
            ctx.leaf_err(
                &parents_path,
                l,
                "parents applies to shape = \"fan-in\" only",
            );
            return (None, stages);
        }
    };
    let (shape, implied) = match (name.as_deref(), parents) {
        (Some("fan-in"), Some(k)) => (JobShape::FanIn { parents: k }, Some(k + 1)),
        (Some("diamond"), _) => (JobShape::Diamond, Some(4)),
        _ => (JobShape::Chain, None),
    };
    let Some(implied) = implied else {
        return (Some(shape), stages);
    };
    match (&j.stages, stages) {
        (Some(l), Some(n)) if n != implied => {
            ctx.leaf_err(
                &format!("{path}.stages"),
                l,
                format!(
                    "this job shape has {implied} stages, not {n}: leave stages out (a fan-in of K parents has K + 1 stages, a diamond 4)"
                ),
            );
            (Some(shape), None)
        }
        _ => (Some(shape), Some(implied)),
    }
}

use super::raw::RawApp;
