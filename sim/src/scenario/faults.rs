//! `[[faults]]`: what fails, where, when, and how often.

use super::ctx::Ctx;
use super::dist::{kind_of, validate_dist};
use super::model::*;
use super::raw::{RawFault, RawScenario};
use crate::time::SimDuration;

pub(super) fn validate_faults(
    raw: &RawScenario,
    agents: &[AgentGroup],
    apps: &[Option<App>],
    rack_attribute: &str,
    ctx: &mut Ctx<'_>,
) -> Vec<Fault> {
    let mut out = Vec::new();
    for (i, f) in raw.faults.iter().enumerate() {
        let span = f.span();
        let f = f.get_ref();
        let path = format!("faults.{i}");
        let kind = kind_of(
            &path,
            f.kind.as_ref(),
            &span,
            "fault kind",
            &FaultKind::NAMES,
            ctx,
        );
        let machine = matches!(
            kind.as_deref(),
            Some("agent_failure" | "agent_failures" | "rack_failures")
        );
        let repeating = matches!(
            kind.as_deref(),
            Some("executor_failures" | "task_failures" | "agent_failures" | "rack_failures")
        );
        let at = match &f.at {
            // A failure process starts with the run unless told otherwise.
            None if repeating => Some(SimDuration::ZERO),
            None => {
                ctx.error(
                    &format!("{path}.at"),
                    Some(&span),
                    "missing: when, e.g. \"10m\"",
                );
                None
            }
            Some(l) => ctx.duration(&format!("{path}.at"), l),
        };
        if kind.as_deref() == Some("master_failover") {
            if let Some(kind) = master_failover(&path, f, ctx)
                && let Some(at) = at
            {
                out.push(Fault {
                    at,
                    kind,
                    process: false,
                });
            }
            continue;
        }
        if let Some(l) = &f.election {
            ctx.leaf_err(
                &format!("{path}.election"),
                l,
                "election applies to kind = \"master_failover\" only",
            );
        }
        if machine {
            let kind = kind.as_deref().unwrap_or_default();
            let m = machine_fault(&path, &span, f, kind, agents, rack_attribute, ctx);
            let process = match &f.cause {
                None => Some(false),
                Some(l) => match ctx.string(&format!("{path}.cause"), l).as_deref() {
                    Some("host") => Some(false),
                    Some("process") => Some(true),
                    Some(other) => {
                        ctx.leaf_err(&format!("{path}.cause"), l, format!("expected \"host\" (the machine stops) or \"process\" (only the agent, worker or NodeManager process fails), got \"{other}\""));
                        None
                    }
                    None => None,
                },
            };
            if let (Some(kind), Some(at), Some(process)) = (m, at, process) {
                out.push(Fault { at, kind, process });
            }
            continue;
        }
        if let Some(l) = &f.cause {
            ctx.leaf_err(
                &format!("{path}.cause"),
                l,
                "cause applies to machine failures only (agent_failure, agent_failures, rack_failures)",
            );
        }
        for (leaf, name) in [(&f.rack, "rack"), (&f.group, "group")] {
            if let Some(l) = leaf {
                ctx.leaf_err(
                    &format!("{path}.{name}"),
                    l,
                    format!("{name} applies to machine failures only (agent_failure, agent_failures, rack_failures)"),
                );
            }
        }
        if let Some(d) = &f.repair {
            ctx.error(
                &format!("{path}.repair"),
                Some(&d.span()),
                "repair applies to machine failures only (agent_failure, agent_failures, rack_failures)",
            );
        }
        let tasks = kind.as_deref() == Some("task_failures");
        let probability = match (&f.probability, tasks) {
            (Some(l), true) => match ctx.number(&format!("{path}.probability"), l) {
                Some(p) if (0.0..1.0).contains(&p) => Some(p),
                Some(p) => {
                    ctx.leaf_err(
                        &format!("{path}.probability"),
                        l,
                        format!("expected a probability in [0, 1), got {p}"),
                    );
                    None
                }
                None => None,
            },
            (None, true) => {
                ctx.error(
                    &format!("{path}.probability"),
                    Some(&span),
                    "missing: the chance that a task attempt fails, e.g. 0.01",
                );
                None
            }
            (Some(l), false) => {
                ctx.leaf_err(
                    &format!("{path}.probability"),
                    l,
                    "probability applies to kind = \"task_failures\" only",
                );
                None
            }
            (None, false) => Some(0.0),
        };
        let between = match (&f.between, repeating && !tasks) {
            (Some(d), true) => {
                validate_dist(&format!("{path}.between"), d, Unit::Duration, ctx).map(Some)
            }
            (None, true) => {
                ctx.error(
                    &format!("{path}.between"),
                    Some(&span),
                    "missing: the time between failures, e.g. { kind = \"exponential\", mean = \"30m\" }",
                );
                None
            }
            (Some(d), false) => {
                ctx.error(
                    &format!("{path}.between"),
                    Some(&d.span()),
                    "between applies to kind = \"executor_failures\" only",
                );
                None
            }
            (None, false) => Some(None),
        };
        let app = match &f.app {
            None => {
                ctx.error(
                    &format!("{path}.app"),
                    Some(&span),
                    "missing: the app's name",
                );
                None
            }
            Some(l) => ctx.string(&format!("{path}.app"), l).and_then(|name| {
                if apps.iter().flatten().any(|a| a.name == name) {
                    Some(name)
                } else {
                    ctx.leaf_err(
                        &format!("{path}.app"),
                        l,
                        format!("no app named \"{name}\""),
                    );
                    None
                }
            }),
        };
        let agent = match (&f.agent, kind.as_deref()) {
            (None, Some("executor_failure")) => {
                ctx.error(
                    &format!("{path}.agent"),
                    Some(&span),
                    "missing: the hostname of the executor's agent, e.g. \"agent-0\"",
                );
                None
            }
            (Some(l), Some("driver_failure")) => {
                ctx.leaf_err(
                    &format!("{path}.agent"),
                    l,
                    "a driver failure names no agent (the driver runs where it runs)",
                );
                None
            }
            (Some(l), Some("executor_failures" | "task_failures")) => {
                ctx.leaf_err(
                    &format!("{path}.agent"),
                    l,
                    "executor_failures names no agent (each failure takes a live executor at random)",
                );
                None
            }
            (Some(l), _) => ctx.string(&format!("{path}.agent"), l).and_then(|host| {
                if known_host(agents, &host) {
                    Some(host)
                } else {
                    ctx.leaf_err(
                        &format!("{path}.agent"),
                        l,
                        format!("no agent named \"{host}\""),
                    );
                    None
                }
            }),
            (None, _) => Some(String::new()),
        };
        let (Some(kind), Some(at), Some(app), Some(agent), Some(between), Some(probability)) =
            (kind, at, app, agent, between, probability)
        else {
            continue;
        };
        let kind = match (kind.as_str(), between) {
            ("driver_failure", _) => FaultKind::DriverFailure { app },
            ("task_failures", _) => {
                let fine = apps
                    .iter()
                    .flatten()
                    .any(|a| a.name == app && a.master.is_mesos() && !a.settings.coarse);
                if fine {
                    ctx.error(
                        &format!("{path}.kind"),
                        Some(&span),
                        format!("app \"{app}\" runs in Mesos fine-grained mode (spark.mesos.coarse = false), where task failures are not modelled yet"),
                    );
                    continue;
                }
                FaultKind::TaskFailures { app, probability }
            }
            (_, Some(between)) => FaultKind::ExecutorFailures { app, between },
            _ => FaultKind::ExecutorFailure { app, agent },
        };
        out.push(Fault {
            at,
            kind,
            process: false,
        });
    }
    // Stable: equal times keep file order.
    out.sort_by_key(|f| f.at);
    out
}

/// A machine failure (`agent_failure`, `agent_failures`, `rack_failures`):
/// what it takes down, how often, and how long the repair takes. The
/// machines must exist, and the apps must run on a cluster manager (a
/// local master has no machine to lose: its executor is in the driver).
fn machine_fault(
    path: &str,
    span: &std::ops::Range<usize>,
    f: &RawFault,
    kind: &str,
    agents: &[AgentGroup],
    rack_attribute: &str,
    ctx: &mut Ctx<'_>,
) -> Option<FaultKind> {
    let mut ok = true;
    for (leaf, name) in [(&f.app, "app"), (&f.probability, "probability")] {
        if let Some(l) = leaf {
            ctx.leaf_err(
                &format!("{path}.{name}"),
                l,
                format!(
                    "a machine failure takes down everything on the machine: {name} does not apply"
                ),
            );
            ok = false;
        }
    }
    let racks: std::collections::BTreeSet<String> = agents
        .iter()
        .flat_map(|g| {
            (0..g.count.min(g.racks.unwrap_or(1).max(1)))
                .filter_map(|i| g.rack_of(i, rack_attribute))
        })
        .collect();
    let repair = match &f.repair {
        Some(d) => Some(validate_dist(
            &format!("{path}.repair"),
            d,
            Unit::Duration,
            ctx,
        )?),
        None => None,
    };
    let between = match (&f.between, kind) {
        (Some(d), "agent_failures" | "rack_failures") => {
            validate_dist(&format!("{path}.between"), d, Unit::Duration, ctx)
        }
        (None, "agent_failures" | "rack_failures") => {
            ctx.error(
                &format!("{path}.between"),
                Some(span),
                "missing: the time between failures, e.g. { kind = \"weibull\", scale = \"30d\", shape = 0.7 }",
            );
            None
        }
        (Some(d), _) => {
            ctx.error(
                &format!("{path}.between"),
                Some(&d.span()),
                "agent_failure happens once, at `at`: use agent_failures for failures drawn from a distribution",
            );
            None
        }
        (None, _) => None,
    };
    fn string<'l>(
        path: &str,
        name: &str,
        leaf: &'l Option<super::raw::Leaf>,
        ctx: &mut Ctx<'_>,
    ) -> Option<(String, &'l super::raw::Leaf)> {
        let l = leaf.as_ref()?;
        ctx.string(&format!("{path}.{name}"), l).map(|s| (s, l))
    }
    let out = match kind {
        "agent_failure" => {
            let agent = string(path, "agent", &f.agent, ctx);
            let rack = string(path, "rack", &f.rack, ctx);
            if let Some(l) = &f.group {
                ctx.leaf_err(
                    &format!("{path}.group"),
                    l,
                    "agent_failure names one agent or one rack (agent_failures takes a group)",
                );
                ok = false;
            }
            match (agent, rack) {
                (Some((host, l)), None) => {
                    if known_host(agents, &host) {
                        Some(FaultKind::MachineFailure {
                            machines: MachineSet::Host(host),
                            repair,
                        })
                    } else {
                        ctx.leaf_err(
                            &format!("{path}.agent"),
                            l,
                            format!("no agent named \"{host}\""),
                        );
                        None
                    }
                }
                (None, Some((rack, l))) => {
                    if racks.contains(&rack) {
                        Some(FaultKind::MachineFailure {
                            machines: MachineSet::Rack(rack),
                            repair,
                        })
                    } else {
                        ctx.leaf_err(
                            &format!("{path}.rack"),
                            l,
                            no_rack(&rack, rack_attribute, &racks),
                        );
                        None
                    }
                }
                (Some(_), Some((_, l))) => {
                    ctx.leaf_err(
                        &format!("{path}.rack"),
                        l,
                        "name one agent or one rack, not both",
                    );
                    None
                }
                (None, None) => {
                    ctx.error(&format!("{path}.agent"), Some(span), "missing: the agent's hostname (agent = \"node-3\") or a rack (rack = \"r1\")");
                    None
                }
            }
        }
        "agent_failures" => {
            for (leaf, name) in [(&f.agent, "agent"), (&f.rack, "rack")] {
                if let Some(l) = leaf {
                    ctx.leaf_err(&format!("{path}.{name}"), l, "agent_failures fails every agent of a group, each on its own: name the group");
                    ok = false;
                }
            }
            match string(path, "group", &f.group, ctx) {
                Some((g, l)) if !agents.iter().any(|a| a.name == g) => {
                    ctx.leaf_err(
                        &format!("{path}.group"),
                        l,
                        format!("no agent group named \"{g}\""),
                    );
                    None
                }
                Some((group, _)) => between.map(|between| FaultKind::MachineFailures {
                    group,
                    between,
                    repair,
                }),
                None => {
                    ctx.error(
                        &format!("{path}.group"),
                        Some(span),
                        "missing: the agent group whose agents fail (its name)",
                    );
                    None
                }
            }
        }
        _ => {
            for (leaf, name) in [(&f.agent, "agent"), (&f.group, "group")] {
                if let Some(l) = leaf {
                    ctx.leaf_err(&format!("{path}.{name}"), l, "rack_failures takes whole racks: name them with rack = [..] or leave it out for every rack");
                    ok = false;
                }
            }
            let chosen: Option<Vec<String>> = match &f.rack {
                None => Some(racks.iter().cloned().collect()),
                Some(l) => match l.get_ref() {
                    toml::Value::Array(items) => {
                        let mut names = Vec::new();
                        for v in items {
                            match v.as_str() {
                                Some(r) if racks.contains(r) => names.push(r.to_string()),
                                Some(r) => {
                                    ctx.leaf_err(
                                        &format!("{path}.rack"),
                                        l,
                                        no_rack(r, rack_attribute, &racks),
                                    );
                                    ok = false;
                                }
                                None => {
                                    ctx.leaf_err(
                                        &format!("{path}.rack"),
                                        l,
                                        "expected rack names, e.g. [\"r0\", \"r1\"]",
                                    );
                                    ok = false;
                                }
                            }
                        }
                        names.sort();
                        names.dedup();
                        Some(names)
                    }
                    _ => {
                        ctx.leaf_err(
                            &format!("{path}.rack"),
                            l,
                            "expected a list of rack names, e.g. [\"r0\", \"r1\"]",
                        );
                        None
                    }
                },
            };
            match chosen {
                Some(r) if r.is_empty() && ok => {
                    ctx.error(&format!("{path}.kind"), Some(span), format!("no agent has a rack (attribute \"{rack_attribute}\"; set racks = N on an agent group)"));
                    None
                }
                Some(racks) => between.map(|between| FaultKind::RackFailures {
                    racks,
                    between,
                    repair,
                }),
                None => None,
            }
        }
    };
    out.filter(|_| ok)
}

/// Whether `host` is one of the groups' hostnames (`NAME-i`).
pub(super) fn known_host(agents: &[AgentGroup], host: &str) -> bool {
    agents.iter().any(|g| {
        host.strip_prefix(&format!("{}-", g.name)).is_some_and(|i| {
            i.parse::<u32>()
                .is_ok_and(|i| i < g.count && g.hostname(i) == host)
        })
    })
}

fn no_rack(rack: &str, attribute: &str, racks: &std::collections::BTreeSet<String>) -> String {
    if racks.is_empty() {
        format!("no agent has a rack (attribute \"{attribute}\"; set racks = N on an agent group)")
    } else {
        let known: Vec<&str> = racks.iter().map(String::as_str).collect();
        format!("no rack named \"{rack}\" (the racks: {})", known.join(", "))
    }
}

/// `master_failover`: when (`at`) and how long until the next master
/// leads (`election`, default 10 s); nothing else applies.
fn master_failover(path: &str, f: &RawFault, ctx: &mut Ctx<'_>) -> Option<FaultKind> {
    let mut ok = true;
    for (leaf, name) in [
        (&f.app, "app"),
        (&f.agent, "agent"),
        (&f.rack, "rack"),
        (&f.group, "group"),
        (&f.probability, "probability"),
        (&f.cause, "cause"),
    ] {
        if let Some(l) = leaf {
            ctx.leaf_err(
                &format!("{path}.{name}"),
                l,
                format!("a master failover takes no {name}: the cluster manager's master fails"),
            );
            ok = false;
        }
    }
    for (d, name) in [(&f.between, "between"), (&f.repair, "repair")] {
        if let Some(d) = d {
            ctx.error(
                &format!("{path}.{name}"),
                Some(&d.span()),
                format!(
                    "a master failover takes no {name}: the next master leads after `election`"
                ),
            );
            ok = false;
        }
    }
    let election = match &f.election {
        None => Some(super::model::defaults::MASTER_ELECTION),
        Some(l) => ctx.duration(&format!("{path}.election"), l),
    };
    let election = election?;
    ok.then_some(FaultKind::MasterFailover { election })
}
