//! The resolved scenario as TOML: every default filled in, every string in
//! canonical form. Loading it again gives the same scenario.

use policies::spark::keys::{self, Support};
use toml::{Table, Value};

use super::model::*;
use crate::time::SimDuration;

fn s(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

fn d(duration: SimDuration) -> Value {
    s(duration.to_string())
}

/// A seed as TOML: an integer while TOML can hold it, the decimal text
/// from 2^63 up (TOML integers are 64-bit signed; seeds are `u64`).
pub fn seed_value(seed: u64) -> Value {
    match i64::try_from(seed) {
        Ok(n) => Value::Integer(n),
        Err(_) => s(seed.to_string()),
    }
}

/// A TOML value as written in a message (`16`, `"2s"`).
pub(crate) fn value_text(v: &Value) -> String {
    v.to_string()
}

fn dist_value(unit: Unit, x: f64) -> Value {
    match unit {
        Unit::Duration => d(SimDuration(x.round() as u64)),
        Unit::Count if x.fract() == 0.0 && x.abs() < 9.0e15 => Value::Integer(x as i64),
        Unit::Count => Value::Float(x),
    }
}

fn dist_table(dist: &Distribution) -> Table {
    let mut t = Table::new();
    let u = dist.unit;
    match &dist.dist {
        Dist::Constant { value } => {
            t.insert("kind".into(), s("constant"));
            t.insert("value".into(), dist_value(u, *value));
        }
        Dist::Uniform { min, max } => {
            t.insert("kind".into(), s("uniform"));
            t.insert("min".into(), dist_value(u, *min));
            t.insert("max".into(), dist_value(u, *max));
        }
        Dist::Exponential { mean } => {
            t.insert("kind".into(), s("exponential"));
            t.insert("mean".into(), dist_value(u, *mean));
        }
        Dist::Lognormal { median, sigma } => {
            t.insert("kind".into(), s("lognormal"));
            t.insert("median".into(), dist_value(u, *median));
            t.insert("sigma".into(), Value::Float(*sigma));
        }
        Dist::Pareto { scale, shape } | Dist::Weibull { scale, shape } => {
            let kind = if matches!(dist.dist, Dist::Pareto { .. }) {
                "pareto"
            } else {
                "weibull"
            };
            t.insert("kind".into(), s(kind));
            t.insert("scale".into(), dist_value(u, *scale));
            t.insert("shape".into(), Value::Float(*shape));
        }
        Dist::Empirical { values } => {
            t.insert("kind".into(), s("empirical"));
            t.insert(
                "values".into(),
                Value::Array(values.iter().map(|v| dist_value(u, *v)).collect()),
            );
        }
    }
    t
}

/// A trace's keys, every one filled in. The path is the file the simulator
/// read, as resolved from the folder it ran in (a relative path stays
/// relative), so the resolved scenario, written elsewhere, still names it.
fn trace_table(o: &TraceOptions) -> Table {
    let mut t = Table::new();
    t.insert("format".into(), s(o.format.name()));
    t.insert("path".into(), s(o.file.display().to_string()));
    t.insert("start".into(), d(o.start));
    if let Some(stop) = o.stop {
        t.insert("stop".into(), d(stop));
    }
    t.insert("speedup".into(), Value::Float(o.speedup));
    t.insert("duration_scale".into(), Value::Float(o.duration_scale));
    t.insert("min_tasks".into(), Value::Integer(i64::from(o.min_tasks)));
    if let Some(m) = o.max_tasks {
        t.insert("max_tasks".into(), Value::Integer(i64::from(m)));
    }
    t.insert("seed".into(), seed_value(o.seed));
    let list = |v: &[String]| Value::Array(v.iter().map(|x| s(x.as_str())).collect());
    if !o.users.is_empty() {
        t.insert("users".into(), list(&o.users));
    }
    if !o.queues.is_empty() {
        t.insert("queues".into(), list(&o.queues));
    }
    if let Some(k) = o.cpus_per_unit {
        t.insert("cpus_per_unit".into(), Value::Float(k));
    }
    match o.format {
        crate::traces::TraceFormat::Swim => {
            let w = &o.swim;
            let int = |x: u64| Value::Integer(i64::try_from(x).unwrap_or(i64::MAX));
            t.insert("bytes_per_map".into(), int(w.bytes_per_map));
            t.insert("bytes_per_reduce".into(), int(w.bytes_per_reduce));
            t.insert("map_rate".into(), int(w.map_rate));
            t.insert("reduce_rate".into(), int(w.reduce_rate));
            t.insert("task_overhead".into(), d(w.task_overhead));
            t.insert("data_scale".into(), Value::Float(w.data_scale));
        }
        crate::traces::TraceFormat::Alibaba2018 => {}
        crate::traces::TraceFormat::Google2011 => {
            t.insert("longest_job".into(), d(o.longest_job));
        }
        crate::traces::TraceFormat::Google2019 => {
            t.insert("longest_job".into(), d(o.longest_job));
            t.insert("tiers".into(), list(&o.tiers));
        }
        crate::traces::TraceFormat::SparkEventLog => {
            let conf = if o.conf_from_log { "from-log" } else { "none" };
            t.insert("conf".into(), s(conf));
        }
    }
    t
}

fn jobs_table(j: &JobSpec) -> Table {
    let mut t = Table::new();
    if let Some((o, _)) = &j.trace {
        t.insert("trace".into(), Value::Table(trace_table(o)));
        t.insert("cpu_fraction".into(), Value::Float(j.cpu_fraction));
        t.insert("input".into(), Value::Boolean(j.input));
        return t;
    }
    let mut a = Table::new();
    match &j.arrival {
        Arrival::Poisson { mean } => {
            a.insert("kind".into(), s("poisson"));
            a.insert("mean".into(), d(*mean));
        }
        Arrival::Every { interval } => {
            a.insert("kind".into(), s("every"));
            a.insert("interval".into(), d(*interval));
        }
        Arrival::At { times } => {
            a.insert("kind".into(), s("at"));
            a.insert(
                "times".into(),
                Value::Array(times.iter().map(|x| d(*x)).collect()),
            );
        }
    }
    t.insert("arrival".into(), Value::Table(a));
    t.insert("stages".into(), Value::Integer(i64::from(j.stages)));
    // A chain (the default) is not written, so that the resolved scenario
    // of a chain reads as it always did.
    match j.shape {
        JobShape::Chain => {}
        JobShape::FanIn { parents } => {
            t.insert("shape".into(), s("fan-in"));
            t.insert("parents".into(), Value::Integer(i64::from(parents)));
        }
        JobShape::Diamond => {
            t.insert("shape".into(), s("diamond"));
        }
    }
    t.insert("tasks".into(), Value::Table(dist_table(&j.tasks)));
    t.insert(
        "task_duration".into(),
        Value::Table(dist_table(&j.task_duration)),
    );
    t.insert("cpu_fraction".into(), Value::Float(j.cpu_fraction));
    t.insert("input".into(), Value::Boolean(j.input));
    t
}

/// The scenario as a TOML document, with a header naming the program.
pub fn render_resolved(sc: &Scenario, sweep: &[SweepParam]) -> String {
    let mut doc = Table::new();

    let mut run = Table::new();
    run.insert("seed".into(), seed_value(sc.run.seed));
    run.insert("horizon".into(), d(sc.run.horizon));
    run.insert("drain".into(), d(sc.run.drain));
    run.insert(
        "replications".into(),
        Value::Integer(i64::from(sc.run.replications)),
    );
    run.insert("sample_interval".into(), d(sc.run.sample_interval));
    run.insert(
        "chart_metrics".into(),
        Value::Array(
            sc.run
                .chart_metrics
                .iter()
                .map(|m| Value::String(m.clone()))
                .collect(),
        ),
    );
    if let Some(slo) = sc.run.slo_latency_s {
        run.insert("slo_latency_s".into(), Value::Float(slo));
    }
    doc.insert("run".into(), Value::Table(run));
    super::cluster::render(
        sc.manager,
        sc.spark_version,
        &sc.standalone,
        &sc.yarn,
        &mut doc,
        d,
    );

    let dc = &sc.data;
    let mut data = Table::new();
    data.insert(
        "replication".into(),
        Value::Integer(i64::from(dc.replication)),
    );
    data.insert("rack_attribute".into(), s(dc.rack_attribute.clone()));
    data.insert("remote_read".into(), d(dc.remote_read));
    data.insert("off_rack_read".into(), d(dc.off_rack_read));
    data.insert(
        "spark_knows_racks".into(),
        Value::Boolean(dc.spark_knows_racks),
    );
    doc.insert("data".into(), Value::Table(data));

    let m = &sc.mesos;
    let mut mesos = Table::new();
    mesos.insert("allocation_interval".into(), d(m.allocation_interval));
    mesos.insert(
        "offer_timeout".into(),
        m.offer_timeout.map_or_else(|| s("none"), d),
    );
    mesos.insert("default_refuse".into(), d(m.default_refuse));
    mesos.insert("allocator".into(), s(m.allocator.name()));
    mesos.insert("task_launch_latency".into(), d(m.task_launch_latency));
    mesos.insert("task_kill_latency".into(), d(m.task_kill_latency));
    match m.run_time {
        RunTime::Model { scale } => {
            mesos.insert("run_time".into(), s("model"));
            mesos.insert("run_time_scale".into(), Value::Float(scale));
        }
        RunTime::Fixed(t) => {
            mesos.insert("run_time".into(), d(t));
        }
    }
    mesos.insert(
        "authenticate_frameworks".into(),
        Value::Boolean(m.authenticate_frameworks),
    );
    if !m.credentials.is_empty() {
        let mut c = Table::new();
        for (p, secret) in &m.credentials {
            c.insert(p.clone(), s(secret));
        }
        mesos.insert("credentials".into(), Value::Table(c));
    }
    if !m.roles.is_empty() {
        let mut roles = Table::new();
        for r in &m.roles {
            let mut t = Table::new();
            t.insert("weight".into(), Value::Float(r.weight));
            if let Some(q) = &r.quota {
                t.insert("quota".into(), s(q.to_string()));
            }
            roles.insert(r.name.clone(), Value::Table(t));
        }
        mesos.insert("roles".into(), Value::Table(roles));
    }
    doc.insert("mesos".into(), Value::Table(mesos));

    let agents: Vec<Value> = sc
        .agents
        .iter()
        .map(|g| {
            let mut t = Table::new();
            t.insert("count".into(), Value::Integer(i64::from(g.count)));
            t.insert("name".into(), s(&g.name));
            t.insert("resources".into(), s(g.resources.to_string()));
            t.insert("attributes".into(), s(g.attributes.to_string()));
            if let Some(r) = g.racks {
                t.insert("racks".into(), Value::Integer(i64::from(r)));
            }
            t.insert("datanode".into(), Value::Boolean(g.datanode));
            Value::Table(t)
        })
        .collect();
    doc.insert("agents".into(), Value::Array(agents));

    if !sc.faults.is_empty() {
        let faults: Vec<Value> = sc
            .faults
            .iter()
            .map(|f| {
                let mut t = Table::new();
                t.insert("at".into(), d(f.at));
                if f.process {
                    t.insert("cause".into(), s("process"));
                }
                match &f.kind {
                    FaultKind::DriverFailure { app } => {
                        t.insert("kind".into(), s("driver_failure"));
                        t.insert("app".into(), s(app));
                    }
                    FaultKind::ExecutorFailure { app, agent } => {
                        t.insert("kind".into(), s("executor_failure"));
                        t.insert("app".into(), s(app));
                        t.insert("agent".into(), s(agent));
                    }
                    FaultKind::TaskFailures { app, probability } => {
                        t.insert("kind".into(), s("task_failures"));
                        t.insert("app".into(), s(app));
                        t.insert("probability".into(), Value::Float(*probability));
                    }
                    FaultKind::ExecutorFailures { app, between } => {
                        t.insert("kind".into(), s("executor_failures"));
                        t.insert("app".into(), s(app));
                        t.insert("between".into(), Value::Table(dist_table(between)));
                    }
                    FaultKind::MachineFailure { machines, repair } => {
                        t.insert("kind".into(), s("agent_failure"));
                        match machines {
                            MachineSet::Host(h) => t.insert("agent".into(), s(h)),
                            MachineSet::Rack(r) => t.insert("rack".into(), s(r)),
                        };
                        if let Some(r) = repair {
                            t.insert("repair".into(), Value::Table(dist_table(r)));
                        }
                    }
                    FaultKind::MachineFailures {
                        group,
                        between,
                        repair,
                    } => {
                        t.insert("kind".into(), s("agent_failures"));
                        t.insert("group".into(), s(group));
                        t.insert("between".into(), Value::Table(dist_table(between)));
                        if let Some(r) = repair {
                            t.insert("repair".into(), Value::Table(dist_table(r)));
                        }
                    }
                    FaultKind::MasterFailover { election } => {
                        t.insert("kind".into(), s("master_failover"));
                        t.insert("election".into(), d(*election));
                    }
                    FaultKind::RackFailures {
                        racks,
                        between,
                        repair,
                    } => {
                        t.insert("kind".into(), s("rack_failures"));
                        t.insert("rack".into(), Value::Array(racks.iter().map(s).collect()));
                        t.insert("between".into(), Value::Table(dist_table(between)));
                        if let Some(r) = repair {
                            t.insert("repair".into(), Value::Table(dist_table(r)));
                        }
                    }
                }
                Value::Table(t)
            })
            .collect();
        doc.insert("faults".into(), Value::Array(faults));
    }

    if !sc.apps.is_empty() {
        let apps: Vec<Value> = sc
            .apps
            .iter()
            .map(|a| {
                let mut t = Table::new();
                t.insert("name".into(), s(&a.name));
                t.insert("master".into(), s(a.master.to_string()));
                t.insert(
                    "deploy_mode".into(),
                    s(match a.deploy_mode {
                        DeployMode::Client => "client",
                        DeployMode::Cluster => "cluster",
                    }),
                );
                // Only an app's own line: the others follow the cluster's
                // (and a sweep over cluster.spark_version).
                if a.own_version {
                    t.insert("spark_version".into(), s(a.settings.version.name()));
                }
                start_stop(&mut t, a.start, a.stop);
                let mut conf = Table::new();
                for (k, v) in a.conf.resolved() {
                    // Keys the user set, and modelled keys with their defaults.
                    let modelled =
                        keys::lookup(&k).is_some_and(|def| def.support == Support::Modelled);
                    if a.conf.contains(&k) || modelled {
                        conf.insert(k, s(v));
                    }
                }
                t.insert("conf".into(), Value::Table(conf));
                t.insert("jobs".into(), Value::Table(jobs_table(&a.jobs)));
                t.insert(
                    "executor_startup".into(),
                    Value::Table(dist_table(&a.executor_startup)),
                );
                if let Some(d) = &a.decision_time {
                    t.insert("decision_time".into(), Value::Table(dist_table(d)));
                }
                if !a.pools.is_empty() {
                    let mut pools = Table::new();
                    for (p, jobs) in &a.pools {
                        let mut pt = Table::new();
                        pt.insert("weight".into(), Value::Integer(i64::from(p.weight)));
                        pt.insert("min_share".into(), Value::Integer(i64::from(p.min_share)));
                        pt.insert("mode".into(), s(if p.fair { "FAIR" } else { "FIFO" }));
                        pt.insert("jobs".into(), Value::Float(*jobs));
                        pools.insert(p.name.clone(), Value::Table(pt));
                    }
                    t.insert("pools".into(), Value::Table(pools));
                }
                let mut fetch = Table::new();
                fetch.insert("package".into(), s(format!("{}m", a.fetch.package_mib)));
                fetch.insert("uris".into(), s(format!("{}m", a.fetch.uris_mib)));
                fetch.insert(
                    "docker_image".into(),
                    s(format!("{}m", a.fetch.docker_image_mib)),
                );
                fetch.insert(
                    "bandwidth".into(),
                    s(format!("{}m", a.fetch.bandwidth_mib_s)),
                );
                t.insert("fetch".into(), Value::Table(fetch));
                Value::Table(t)
            })
            .collect();
        doc.insert("apps".into(), Value::Array(apps));
    }

    if !sc.frameworks.is_empty() {
        let fws: Vec<Value> = sc
            .frameworks
            .iter()
            .map(|f| {
                let mut t = Table::new();
                t.insert("name".into(), s(&f.name));
                t.insert("role".into(), s(&f.role));
                t.insert("kind".into(), s(f.kind.name()));
                t.insert("task".into(), s(f.task.to_string()));
                if let Some(r) = f.refuse {
                    t.insert("refuse".into(), d(r));
                }
                if let Some(n) = f.tasks_per_offer {
                    t.insert("tasks_per_offer".into(), Value::Integer(i64::from(n)));
                }
                start_stop(&mut t, f.start, f.stop);
                t.insert("revive".into(), Value::Boolean(f.revive));
                if let Some(d) = &f.decision_time {
                    t.insert("decision_time".into(), Value::Table(dist_table(d)));
                }
                t.insert("jobs".into(), Value::Table(jobs_table(&f.jobs)));
                Value::Table(t)
            })
            .collect();
        doc.insert("frameworks".into(), Value::Array(fws));
    }

    if !sweep.is_empty() {
        let mut t = Table::new();
        for p in sweep {
            t.insert(p.path.clone(), Value::Array(p.values.clone()));
        }
        doc.insert("sweep".into(), Value::Table(t));
    }

    let body = toml::to_string(&doc).unwrap_or_else(|e| format!("# could not render: {e}\n"));
    format!(
        "# Resolved by sim {}: every default filled in.\n\n{body}",
        crate::VERSION
    )
}

/// An app's or a framework's `start`, and its `stop` unless it is the
/// default (when its jobs are done).
fn start_stop(t: &mut Table, start: SimDuration, stop: StopAt) {
    t.insert("start".into(), d(start));
    match stop {
        StopAt::JobsDone => {}
        StopAt::Horizon => {
            t.insert("stop".into(), s("horizon"));
        }
        StopAt::At(at) => {
            t.insert("stop".into(), d(at));
        }
    }
}
