//! `[yarn]`: the ResourceManager's settings under their Hadoop names
//! (`[yarn.conf]`, Hadoop's defaults from yarn-default.xml and
//! capacity-scheduler.xml, reference standalone-yarn-local.md §2.9) and
//! the simulator's container launch time; the `--set` slots and the
//! resolved form; and what YARN refuses of an app (§2.1, §2.2).

use policies::suggest::closest;
use policies::yarn::container::{Capability, overhead_mib};
use policies::yarn::resource_manager::{Calculator, QueueConf, SchedulerKind};
use toml::Value;
use toml::value::Table;

use super::ctx::{Ctx, describe, quote_key};
use super::model::{AgentGroup, App, DeployMode, YarnConfig};
use super::raw::{Leaf, RawScenario, RawYarn};
use crate::time::SimDuration;

const CAP: &str = "yarn.scheduler.capacity.";

/// The Hadoop keys the simulator reads (queues' keys are
/// `yarn.scheduler.capacity.root.QUEUE.{capacity, maximum-capacity,
/// user-limit-factor, maximum-am-resource-percent}`).
pub(crate) const YARN_KEYS: [&str; 17] = [
    "yarn.resourcemanager.scheduler.class",
    "yarn.resourcemanager.recovery.enabled",
    "yarn.resourcemanager.work-preserving-recovery.enabled",
    "yarn.resourcemanager.nodemanagers.heartbeat-interval-ms",
    "yarn.resourcemanager.am.max-attempts",
    "yarn.resourcemanager.rm.container-allocation.expiry-interval-ms",
    "yarn.scheduler.minimum-allocation-mb",
    "yarn.scheduler.maximum-allocation-mb",
    "yarn.scheduler.minimum-allocation-vcores",
    "yarn.scheduler.maximum-allocation-vcores",
    "yarn.nodemanager.resource.memory-mb",
    "yarn.nodemanager.resource.cpu-vcores",
    "yarn.scheduler.capacity.resource-calculator",
    "yarn.scheduler.capacity.maximum-am-resource-percent",
    "yarn.scheduler.capacity.node-locality-delay",
    "yarn.scheduler.capacity.per-node-heartbeat.multiple-assignments-enabled",
    "yarn.scheduler.capacity.per-node-heartbeat.maximum-offswitch-assignments",
];

/// Where an integer key's value goes.
type IntSlot = fn(&mut YarnConfig, u64);

/// The integer keys: name, lowest and highest value (the bounds keep a
/// typo from overflowing: a billion MiB is no NodeManager), and where the
/// value goes.
const INT_KEYS: [(&str, i64, i64, IntSlot); 10] = [
    (
        "yarn.resourcemanager.nodemanagers.heartbeat-interval-ms",
        1,
        3_600_000,
        |y, v| y.heartbeat = SimDuration::from_millis(v),
    ),
    ("yarn.resourcemanager.am.max-attempts", 1, 1_000, |y, v| {
        y.am_max_attempts = v as u32
    }),
    (
        "yarn.resourcemanager.rm.container-allocation.expiry-interval-ms",
        1,
        100_000_000_000,
        |y, v| y.allocation_expiry = SimDuration::from_millis(v),
    ),
    (
        "yarn.scheduler.minimum-allocation-mb",
        1,
        1_000_000_000,
        |y, v| y.bounds.min_mb = v,
    ),
    (
        "yarn.scheduler.maximum-allocation-mb",
        1,
        1_000_000_000,
        |y, v| y.bounds.max_mb = v,
    ),
    (
        "yarn.scheduler.minimum-allocation-vcores",
        1,
        1_000_000,
        |y, v| y.bounds.min_vcores = v as u32,
    ),
    (
        "yarn.scheduler.maximum-allocation-vcores",
        1,
        1_000_000,
        |y, v| y.bounds.max_vcores = v as u32,
    ),
    (
        "yarn.nodemanager.resource.memory-mb",
        1,
        1_000_000_000,
        |y, v| y.nm_memory_mb = Some(v),
    ),
    (
        "yarn.nodemanager.resource.cpu-vcores",
        1,
        1_000_000,
        |y, v| y.nm_vcores = Some(v as u32),
    ),
    (
        "yarn.scheduler.capacity.per-node-heartbeat.maximum-offswitch-assignments",
        1,
        1_000_000,
        |y, v| y.rm.max_offswitch = v as u32,
    ),
];

const QUEUE_KEYS: [&str; 4] = [
    "capacity",
    "maximum-capacity",
    "user-limit-factor",
    "maximum-am-resource-percent",
];

fn text(leaf: &Leaf) -> String {
    match leaf.get_ref() {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

/// A value read as Hadoop's `Configuration` reads it.
struct Reader<'c, 's> {
    ctx: &'c mut Ctx<'s>,
    ok: bool,
}

impl Reader<'_, '_> {
    fn fail(&mut self, path: &str, leaf: &Leaf, msg: String) {
        self.ctx.leaf_err(path, leaf, msg);
        self.ok = false;
    }

    /// An integer from `min` to `max` (the bounds keep typos from
    /// overflowing: a billion MiB is no NodeManager).
    fn int(&mut self, path: &str, leaf: &Leaf, min: i64, max: i64) -> Option<i64> {
        match text(leaf).parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.fail(
                    path,
                    leaf,
                    format!(
                        "expected an integer from {min} to {max}, got \"{}\"",
                        text(leaf)
                    ),
                );
                None
            }
        }
    }

    fn float(&mut self, path: &str, leaf: &Leaf, lo: f64, hi: f64) -> Option<f64> {
        match text(leaf).parse::<f64>() {
            Ok(x) if x.is_finite() && (lo..=hi).contains(&x) => Some(x),
            _ => {
                self.fail(
                    path,
                    leaf,
                    format!(
                        "expected a number from {lo} to {hi}, got \"{}\"",
                        text(leaf)
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, path: &str, leaf: &Leaf) -> Option<bool> {
        match text(leaf).to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                self.fail(
                    path,
                    leaf,
                    format!("expected true or false, got \"{other}\""),
                );
                None
            }
        }
    }
}

pub(crate) fn validate_yarn(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Option<YarnConfig> {
    let y: RawYarn = raw.yarn.clone().unwrap_or_default();
    let mut out = YarnConfig::default();
    let mut r = Reader { ctx, ok: true };
    if let Some(l) = &y.container_launch {
        match r.ctx.duration("yarn.container_launch", l) {
            Some(v) => out.container_launch = v,
            None => r.ok = false,
        }
    }
    if let Some(l) = &y.heartbeat_phases {
        match r.ctx.string("yarn.heartbeat_phases", l).as_deref() {
            Some("seeded") => out.aligned_heartbeats = false,
            Some("aligned") => out.aligned_heartbeats = true,
            Some(other) => r.fail("yarn.heartbeat_phases", l, format!("expected \"seeded\" (each NodeManager at its own phase, drawn from the seed) or \"aligned\" (all at once), got \"{other}\"")),
            None => r.ok = false,
        }
    }
    // Queues first: their names decide which keys exist.
    let queues_key = format!("{CAP}root.queues");
    let names: Vec<String> = match y.conf.get(&queues_key).and_then(|l| l.as_ref()) {
        None => vec!["default".to_string()],
        Some(l) => {
            let names: Vec<String> = text(l)
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if names.is_empty() || names.iter().any(|n| n.contains('.')) {
                r.fail(
                    &format!("yarn.conf.{}", quote_key(&queues_key)),
                    l,
                    "expected a comma-separated list of leaf queue names under root (nested queues are not simulated)".into(),
                );
                vec!["default".to_string()]
            } else {
                names
            }
        }
    };
    let default_capacity = if names.len() == 1 { 100.0 } else { 0.0 };
    let mut queues: Vec<QueueConf> = names
        .iter()
        .map(|n| QueueConf::new(n, default_capacity / 100.0))
        .collect();
    let mut am_percent: Option<f64> = None;
    let mut queue_am: Vec<Option<f64>> = vec![None; queues.len()];
    for (key, leaf) in &y.conf {
        let Some(leaf) = leaf else { continue };
        let path = format!("yarn.conf.{}", quote_key(key));
        if matches!(leaf.get_ref(), Value::Table(_) | Value::Array(_)) {
            r.fail(
                &path,
                leaf,
                format!(
                    "expected a property value, got {}",
                    describe(leaf.get_ref())
                ),
            );
            continue;
        }
        if *key == queues_key {
            continue;
        }
        if let Some(rest) = key.strip_prefix(&format!("{CAP}root.")) {
            let Some((queue, prop)) = rest.rsplit_once('.') else {
                r.fail(&path, leaf, format!("expected {CAP}root.QUEUE.PROPERTY"));
                continue;
            };
            let Some(qi) = names.iter().position(|n| n == queue) else {
                r.fail(
                    &path,
                    leaf,
                    format!(
                        "queue \"{queue}\" is not in {queues_key} ({})",
                        names.join(", ")
                    ),
                );
                continue;
            };
            match prop {
                "capacity" => {
                    if let Some(v) = r.float(&path, leaf, 0.0, 100.0) {
                        queues[qi].capacity = v / 100.0;
                    }
                }
                "maximum-capacity" => {
                    // -1: no limit but the cluster.
                    let t = text(leaf);
                    if t == "-1" {
                        queues[qi].max_capacity = 1.0;
                    } else if let Some(v) = r.float(&path, leaf, 0.0, 100.0) {
                        queues[qi].max_capacity = v / 100.0;
                    }
                }
                "user-limit-factor" => {
                    if let Some(v) = r.float(&path, leaf, 0.0, 1e6) {
                        queues[qi].user_limit_factor = v;
                    }
                }
                "maximum-am-resource-percent" => {
                    queue_am[qi] = r.float(&path, leaf, 0.0, 1.0);
                }
                other => {
                    let hint = closest(other, QUEUE_KEYS)
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    r.fail(
                        &path,
                        leaf,
                        format!(
                            "a queue has no property \"{other}\" the simulator reads{hint}: {}",
                            QUEUE_KEYS.join(", ")
                        ),
                    );
                }
            }
            continue;
        }
        if let Some((_, lo, hi, set)) = INT_KEYS.iter().find(|(k, ..)| k == key) {
            if let Some(v) = r.int(&path, leaf, *lo, *hi) {
                set(&mut out, v as u64);
            }
            continue;
        }
        match key.as_str() {
            "yarn.resourcemanager.scheduler.class" => {
                let t = text(leaf);
                let short = t.rsplit('.').next().unwrap_or(&t);
                match short {
                    "CapacityScheduler" => out.rm.kind = SchedulerKind::Capacity,
                    "FifoScheduler" => out.rm.kind = SchedulerKind::Fifo,
                    "FairScheduler" => r.fail(&path, leaf, "the FairScheduler is not simulated (CapacityScheduler, the default, and FifoScheduler are)".into()),
                    _ => r.fail(&path, leaf, format!("unknown scheduler \"{t}\": org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler or ….fifo.FifoScheduler (or their short names)")),
                }
            }
            "yarn.scheduler.capacity.resource-calculator" => {
                let t = text(leaf);
                match t.rsplit('.').next().unwrap_or(&t) {
                    "DefaultResourceCalculator" => out.rm.calculator = Calculator::Memory,
                    "DominantResourceCalculator" => out.rm.calculator = Calculator::Dominant,
                    _ => r.fail(&path, leaf, format!("unknown resource calculator \"{t}\": DefaultResourceCalculator or DominantResourceCalculator")),
                }
            }
            "yarn.scheduler.capacity.maximum-am-resource-percent" => {
                am_percent = r.float(&path, leaf, 0.0, 1.0);
            }
            "yarn.scheduler.capacity.node-locality-delay" => {
                // -1 disables the delay.
                if text(leaf) == "-1" {
                    out.rm.node_locality_delay = 0;
                } else if let Some(v) = r.int(&path, leaf, 0, 1_000_000) {
                    out.rm.node_locality_delay = v as u32;
                }
            }
            "yarn.scheduler.capacity.per-node-heartbeat.multiple-assignments-enabled" => {
                if let Some(v) = r.boolean(&path, leaf) {
                    out.rm.multiple_assignments = v;
                }
            }
            "yarn.resourcemanager.recovery.enabled" => {
                if let Some(v) = r.boolean(&path, leaf) {
                    out.rm_recovery = v;
                }
            }
            "yarn.resourcemanager.work-preserving-recovery.enabled" => {
                if let Some(v) = r.boolean(&path, leaf) {
                    out.work_preserving = v;
                }
            }
            other => {
                let hint = closest(other, YARN_KEYS)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default();
                r.fail(&path, leaf, format!("\"{other}\" is not a YARN property the simulator reads{hint} (docs/cluster-managers.md lists them)"));
            }
        }
    }
    for (q, am) in queues.iter_mut().zip(&queue_am) {
        q.max_am_percent = am.or(am_percent).unwrap_or(0.1);
        if q.max_capacity < q.capacity {
            r.ctx.error(
                &format!("yarn.conf.\"{CAP}root.{}.maximum-capacity\"", q.name),
                None,
                format!(
                    "queue {}: maximum-capacity ({}) is below its capacity ({})",
                    q.name,
                    q.max_capacity * 100.0,
                    q.capacity * 100.0
                ),
            );
            r.ok = false;
        }
    }
    // CapacityScheduler: the children of a parent sum to 100 %.
    let sum: f64 = queues.iter().map(|q| q.capacity * 100.0).sum();
    if out.rm.kind == SchedulerKind::Capacity && (sum - 100.0).abs() > 1e-6 {
        r.ctx.error(
            &format!("yarn.conf.\"{CAP}root.queues\""),
            None,
            format!("Illegal capacity sum of {sum} for children of queue root: the leaf queues' capacities must add up to 100"),
        );
        r.ok = false;
    }
    if out.bounds.min_mb > out.bounds.max_mb || out.bounds.min_vcores > out.bounds.max_vcores {
        r.ctx.error("yarn.conf", None, "the minimum allocation is above the maximum (yarn.scheduler.minimum-allocation-* > maximum-allocation-*)");
        r.ok = false;
    }
    out.rm.queues = queues;
    r.ok.then_some(out)
}

/// `--set` slots: `yarn.container_launch`, `yarn.conf.KEY`.
pub(crate) fn yarn_slot<'a>(y: &'a mut RawYarn, rest: &[&str]) -> Option<&'a mut Option<Leaf>> {
    match rest {
        ["container_launch"] => Some(&mut y.container_launch),
        ["heartbeat_phases"] => Some(&mut y.heartbeat_phases),
        ["conf", key @ ..] if !key.is_empty() => {
            let key = key.join(".").trim_matches('"').to_string();
            Some(y.conf.entry(key).or_insert(None))
        }
        _ => None,
    }
}

/// The resolved `[yarn]`.
pub(crate) fn render(
    y: &YarnConfig,
    doc: &mut Table,
    d: impl Fn(crate::time::SimDuration) -> Value,
) {
    let mut t = Table::new();
    t.insert("container_launch".into(), d(y.container_launch));
    t.insert(
        "heartbeat_phases".into(),
        Value::String(
            if y.aligned_heartbeats {
                "aligned"
            } else {
                "seeded"
            }
            .into(),
        ),
    );
    let mut c = Table::new();
    let mut put = |k: &str, v: String| {
        c.insert(k.to_string(), Value::String(v));
    };
    put(
        "yarn.resourcemanager.scheduler.class",
        match y.rm.kind {
            SchedulerKind::Capacity => {
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler"
            }
            SchedulerKind::Fifo => {
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler"
            }
        }
        .to_string(),
    );
    put(
        "yarn.resourcemanager.nodemanagers.heartbeat-interval-ms",
        (y.heartbeat.as_micros() / 1000).to_string(),
    );
    put(
        "yarn.resourcemanager.am.max-attempts",
        y.am_max_attempts.to_string(),
    );
    put(
        "yarn.resourcemanager.recovery.enabled",
        y.rm_recovery.to_string(),
    );
    put(
        "yarn.resourcemanager.work-preserving-recovery.enabled",
        y.work_preserving.to_string(),
    );
    put(
        "yarn.resourcemanager.rm.container-allocation.expiry-interval-ms",
        (y.allocation_expiry.as_micros() / 1000).to_string(),
    );
    put(
        "yarn.scheduler.minimum-allocation-mb",
        y.bounds.min_mb.to_string(),
    );
    put(
        "yarn.scheduler.maximum-allocation-mb",
        y.bounds.max_mb.to_string(),
    );
    put(
        "yarn.scheduler.minimum-allocation-vcores",
        y.bounds.min_vcores.to_string(),
    );
    put(
        "yarn.scheduler.maximum-allocation-vcores",
        y.bounds.max_vcores.to_string(),
    );
    if let Some(m) = y.nm_memory_mb {
        put("yarn.nodemanager.resource.memory-mb", m.to_string());
    }
    if let Some(v) = y.nm_vcores {
        put("yarn.nodemanager.resource.cpu-vcores", v.to_string());
    }
    put(
        "yarn.scheduler.capacity.resource-calculator",
        match y.rm.calculator {
            Calculator::Memory => "org.apache.hadoop.yarn.util.resource.DefaultResourceCalculator",
            Calculator::Dominant => {
                "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator"
            }
        }
        .to_string(),
    );
    put(
        "yarn.scheduler.capacity.node-locality-delay",
        y.rm.node_locality_delay.to_string(),
    );
    put(
        "yarn.scheduler.capacity.per-node-heartbeat.multiple-assignments-enabled",
        y.rm.multiple_assignments.to_string(),
    );
    put(
        "yarn.scheduler.capacity.per-node-heartbeat.maximum-offswitch-assignments",
        y.rm.max_offswitch.to_string(),
    );
    let names: Vec<&str> = y.rm.queues.iter().map(|q| q.name.as_str()).collect();
    put("yarn.scheduler.capacity.root.queues", names.join(","));
    for q in &y.rm.queues {
        let pre = format!("{CAP}root.{}.", q.name);
        put(&format!("{pre}capacity"), format!("{}", q.capacity * 100.0));
        put(
            &format!("{pre}maximum-capacity"),
            format!("{}", q.max_capacity * 100.0),
        );
        put(
            &format!("{pre}user-limit-factor"),
            format!("{}", q.user_limit_factor),
        );
        put(
            &format!("{pre}maximum-am-resource-percent"),
            format!("{}", q.max_am_percent),
        );
    }
    t.insert("conf".into(), Value::Table(c));
    doc.insert("yarn".into(), Value::Table(t));
}

/// A NodeManager's (MiB, vcores) on `g`'s machines.
pub(crate) fn node_size(y: &YarnConfig, g: &AgentGroup) -> (u64, u32) {
    (
        y.nm_memory_mb
            .unwrap_or(g.resources.mem_mb().whole_units().max(0) as u64),
        y.nm_vcores
            .unwrap_or(g.resources.cpus().whole_units().max(0) as u32),
    )
}

/// The containers an app asks YARN for: (AM, executor), before
/// normalization, with (heap, overhead) for messages.
pub fn app_containers(a: &App) -> ((u64, u64, u32), (u64, u64, u32)) {
    let s = &a.settings;
    let y = &s.yarn;
    let am = match a.deploy_mode {
        DeployMode::Client => (
            y.am_memory_mib,
            overhead_mib(
                y.am_memory_mib,
                s.memory_overhead_factor,
                y.am_memory_overhead_mib,
            ),
            y.am_cores,
        ),
        DeployMode::Cluster => (
            s.driver_memory_mib,
            overhead_mib(
                s.driver_memory_mib,
                s.memory_overhead_factor,
                y.driver_memory_overhead_mib,
            ),
            s.driver_cores,
        ),
    };
    let exec = (
        s.executor_memory_mib,
        overhead_mib(
            s.executor_memory_mib,
            s.memory_overhead_factor,
            y.executor_memory_overhead_mib,
        ),
        s.executor_cores.unwrap_or(1),
    );
    (am, exec)
}

/// What Spark's client and YARN refuse, and what could never run.
pub(crate) fn yarn_fits(
    y: &YarnConfig,
    agents: &[AgentGroup],
    apps: &[Option<App>],
    ctx: &mut Ctx<'_>,
) -> bool {
    let nodes: Vec<(u64, u32)> = agents
        .iter()
        .filter(|g| g.count > 0)
        .map(|g| node_size(y, g))
        .collect();
    let fits = |c: Capability| {
        nodes.iter().any(|&(m, v)| {
            m >= c.mem_mb && (y.rm.calculator == Calculator::Memory || v >= c.vcores)
        })
    };
    let mut ok = true;
    for a in apps.iter().flatten() {
        let (am, exec) = app_containers(a);
        for (what, (heap, over, vcores), path) in [
            ("AM", am, format!("apps.{}.deploy_mode", a.name)),
            ("executor", exec, format!("apps.{}.conf", a.name)),
        ] {
            if let Err(e) = y.bounds.check(what, heap, over, vcores) {
                ctx.error(&path, None, e);
                ok = false;
                continue;
            }
            let c = y.bounds.normalize(Capability {
                mem_mb: heap + over,
                vcores,
            });
            if what == "executor" && y.rm.calculator == Calculator::Memory {
                // Vcores are not enforced: memory decides how many fit.
                let over = agents.iter().filter(|g| g.count > 0).find_map(|g| {
                    let (mem, _) = node_size(y, g);
                    let cpus = g.resources.cpus().whole_units().max(0) as u64;
                    let n = mem / c.mem_mb.max(1);
                    (n * u64::from(c.vcores) > cpus).then_some((g.name.clone(), n, cpus))
                });
                if let Some((group, n, cpus)) = over {
                    ctx.warn(
                        &path,
                        None,
                        format!("the DefaultResourceCalculator ignores vcores: {n} executors of {} cores fit a NodeManager of group \"{group}\" by memory, {} task threads that share its {cpus} CPUs; set yarn.scheduler.capacity.resource-calculator = \"DominantResourceCalculator\" to have YARN count vcores", c.vcores, n * u64::from(c.vcores)),
                    );
                }
            }
            if !fits(c) {
                ctx.error(
                    &path,
                    None,
                    format!("the {what} container ({} MiB, {} vcores after normalization) fits no NodeManager, so the app would never run", c.mem_mb, c.vcores),
                );
                ok = false;
            }
        }
        let queue = &a.settings.yarn.queue;
        if !y.rm.queues.iter().any(|q| &q.name == queue) && y.rm.kind == SchedulerKind::Capacity {
            ctx.error(
                &format!("apps.{}.conf.\"spark.yarn.queue\"", a.name),
                None,
                format!(
                    "the CapacityScheduler rejects the application: queue \"{queue}\" does not exist (yarn.scheduler.capacity.root.queues: {})",
                    y.rm.queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
            ok = false;
        }
    }
    ok
}
