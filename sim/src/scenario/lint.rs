//! Warnings for a valid scenario that would run and make no progress, or
//! that is very likely not what its author meant: every one names its path
//! and why. `--strict` turns them into errors.
//!
//! - `spark.mesos.constraints` that no agent satisfies: every offer is
//!   declined (Spark 3.0 `MesosCoarseGrainedSchedulerBackend.resourceOffers`
//!   step 3, `MesosSchedulerUtils.matchesAttributeRequirements`; reference
//!   spark-on-mesos.md §1.3, §3.3).
//! - An executor larger than every agent the app may use: coarse mode needs
//!   `spark.executor.cores` (at least 1) whole CPUs and the executor memory
//!   with its overhead in one offer (Spark 3.0
//!   `MesosCoarseGrainedSchedulerBackend.canLaunchTask` and
//!   `MesosSchedulerUtils.executorMemory`; reference spark-on-mesos.md §1.3,
//!   §3.5); fine mode needs `spark.mesos.mesosExecutor.cores +
//!   spark.task.cpus` CPUs and the memory (Spark 3.0
//!   `MesosFineGrainedSchedulerBackend.resourceOffers`; reference
//!   spark-on-mesos.md §2). An offer holds only what is allocatable to the
//!   framework's role (Mesos 1.11 `Resources::allocatableTo`; reference
//!   mesos-master.md §1.4).
//! - `spark.cores.max` below `spark.executor.cores`: the backend rounds
//!   `maxCores` down to a multiple of the executor size (SPARK-20483, Spark
//!   3.0 `MesosCoarseGrainedSchedulerBackend`; reference spark-on-mesos.md
//!   §1.3),
//!   to 0, so no executor ever launches.
//! - A cluster-mode driver larger than every agent (the dispatcher offers
//!   unreserved resources of role `*`).
//! - A framework task larger than every agent of its role.
//! - A `spark.mesos.role` with no weight, quota or reservation anywhere:
//!   Mesos accepts any role name (an implicit role of weight 1), so a typo
//!   gives a silently different share. A framework's role only when it is
//!   close to a declared one (a framework often has a role of its own).
//! - On a manager other than Mesos, the Mesos checks above do not apply;
//!   an app's `spark.mesos.role` with a weight or quota in `[mesos.roles]`
//!   has no effect there (Spark reads `spark.mesos.*` only on Mesos): an
//!   error when the scenario is written for that manager, a warning when
//!   `cluster.manager` is swept or set with `--set`.

use policies::model::{Milli, Resources, is_allocatable_to};
use policies::suggest::closest;

use super::ctx::Ctx;
use super::model::{AgentGroup, App, DeployMode, Scenario};
use super::raw::RawScenario;

/// Adds a warning to `ctx` for every problem of `sc` listed above.
pub(crate) fn lint(sc: &Scenario, raw: &RawScenario, ctx: &mut Ctx<'_>) {
    let declared = declared_roles(sc);
    for (i, app) in sc.apps.iter().enumerate() {
        let conf_span = |key: &str| {
            raw.apps
                .get(i)
                .and_then(|a| a.get_ref().conf.get(key).cloned().flatten())
                .map(|l| l.span())
        };
        let path = |key: &str| format!("apps.{}.conf.\"{key}\"", app.name);
        let s = &app.settings;
        if !app.master.is_mesos() {
            let shaped = sc
                .mesos
                .roles
                .iter()
                .any(|r| r.name == s.role && (r.weight != 1.0 || r.quota.is_some()));
            if shaped {
                let why = format!(
                    "role \"{}\" has a weight or quota in [mesos.roles], which only Mesos's allocator uses: on {} it has no effect",
                    s.role,
                    app.master.manager()
                );
                let at = path("spark.mesos.role");
                let span = conf_span("spark.mesos.role");
                // A scenario written for this manager relies on it (an
                // error); one swept over the managers, or moved here with
                // --set, keeps it for Mesos (a warning).
                if ctx.manager_varied {
                    ctx.warn(&at, span.as_ref(), why);
                } else {
                    ctx.error(
                        &at,
                        span.as_ref(),
                        format!("{why} (remove the role's weight and quota, or run on Mesos)"),
                    );
                }
            }
            continue;
        }
        // Agents whose attributes meet the constraints.
        let usable: Vec<(usize, &AgentGroup)> = sc
            .agents
            .iter()
            .enumerate()
            .filter(|(_, g)| g.count > 0)
            .filter(|(_, g)| g.attribute_variants().any(|a| s.constraints.matches(&a)))
            .collect();
        let (need_cpus, need_mem) = executor_need(app);
        let executor_fits = usable.iter().any(|(_, g)| {
            fits(
                &g.resources.allocatable_to(&s.role),
                need_cpus,
                need_mem,
                s.coarse,
            )
        });
        if usable.is_empty() && !s.constraints.is_empty() {
            let why = sc
                .agents
                .iter()
                .enumerate()
                .find_map(|(gi, g)| {
                    let a = g.attributes_of(0);
                    s.constraints
                        .first_failure(&a)
                        .map(|m| format!("agents.{gi} ({}-*): {m}", g.name))
                })
                .unwrap_or_default();
            ctx.warn(
                &path("spark.mesos.constraints"),
                conf_span("spark.mesos.constraints").as_ref(),
                format!(
                    "no agent satisfies the constraints, so every offer is declined and the app never gets an executor (e.g. {why})"
                ),
            );
        } else if !executor_fits {
            let largest = largest_agent(&usable, &s.role);
            let key = if s.executor_cores.is_some() && s.coarse {
                "spark.executor.cores"
            } else {
                "spark.executor.memory"
            };
            ctx.warn(
                &path(key),
                conf_span(key).as_ref(),
                format!(
                    "an executor needs {} cpus and {} MiB (spark.executor.memory plus overhead), more than any agent the app may use offers to role \"{}\" ({largest}): no executor ever launches",
                    need_cpus,
                    need_mem.whole_units(),
                    s.role
                ),
            );
        }
        if s.coarse
            && let (Some(max), Some(cores)) = (s.cores_max, s.executor_cores)
            && max < cores
        {
            ctx.warn(
                &path("spark.cores.max"),
                conf_span("spark.cores.max").as_ref(),
                format!(
                    "spark.cores.max ({max}) is below spark.executor.cores ({cores}): Spark rounds the core cap down to a multiple of the executor size, to 0, so no executor ever launches"
                ),
            );
        }
        if app.deploy_mode == DeployMode::Cluster {
            let cpus = Milli::from_units(i64::from(s.driver_cores));
            let mem = Milli::from_units(s.driver_memory_total_mib() as i64);
            let fits_driver = sc.agents.iter().filter(|g| g.count > 0).any(|g| {
                let r = g.resources.unreserved();
                r.cpus() >= cpus && r.mem_mb() >= mem
            });
            if !fits_driver {
                ctx.warn(
                    &format!("apps.{}.deploy_mode", app.name),
                    None,
                    format!(
                        "the driver needs {} cpus and {} MiB (spark.driver.cores, spark.driver.memory plus overhead) of unreserved resources, more than any agent has: the dispatcher never launches it",
                        s.driver_cores,
                        mem.whole_units()
                    ),
                );
            }
        }
        role_warning(
            &s.role,
            &path("spark.mesos.role"),
            conf_span("spark.mesos.role"),
            &declared,
            ctx,
        );
    }
    for (i, f) in sc.frameworks.iter().enumerate() {
        let raw_f = raw.frameworks.get(i).map(|f| f.get_ref());
        let fits_task = sc
            .agents
            .iter()
            .filter(|g| g.count > 0)
            .any(|g| holds_scalars(&g.resources.allocatable_to(&f.role), &f.task));
        if !fits_task {
            ctx.warn(
                &format!("frameworks.{}.task", f.name),
                raw_f.and_then(|r| r.task.as_ref()).map(|l| l.span()).as_ref(),
                format!(
                    "one task ({}) is larger than what any agent offers to role \"{}\": the framework never runs a task",
                    f.task, f.role
                ),
            );
        }
        // A framework's own role is often deliberate (its own share):
        // warned only when it is one edit from a role the scenario gives
        // something.
        if closest(&f.role, declared.iter().map(String::as_str)).is_some() {
            role_warning(
                &f.role,
                &format!("frameworks.{}.role", f.name),
                raw_f.and_then(|r| r.role.as_ref()).map(|l| l.span()),
                &declared,
                ctx,
            );
        }
    }
}

/// Whether `offer` holds every scalar of `task`, summed across roles (a
/// framework uses its role's reservations and unreserved resources alike).
fn holds_scalars(offer: &Resources, task: &Resources) -> bool {
    task.scalar_part().iter().all(|e| match e.quantity {
        policies::model::Quantity::Scalar(m) => offer.scalar(&e.name) >= m,
        _ => true,
    })
}

/// What one executor needs: (whole cpus, memory) in coarse mode; (cpus
/// including the executor's own, memory) in fine mode.
fn executor_need(app: &App) -> (Milli, Milli) {
    let s = &app.settings;
    let mem = Milli::from_units(s.executor_memory_total_mib() as i64);
    if s.coarse {
        let cores = s.executor_cores.unwrap_or(1);
        (Milli::from_units(i64::from(cores)), mem)
    } else {
        let cpus =
            Milli::from_f64(s.mesos_executor_cores) + Milli::from_units(i64::from(s.task_cpus));
        (cpus, mem)
    }
}

/// Whether an offer of `r` holds one executor: coarse mode compares whole
/// cpus (`floor` of the summed scalars), fine mode the real sum.
fn fits(r: &Resources, cpus: Milli, mem: Milli, coarse: bool) -> bool {
    let offered = if coarse {
        Milli::from_units(r.cpus().whole_units())
    } else {
        r.cpus()
    };
    offered >= cpus && r.mem_mb() >= mem
}

/// "agents.0: cpus 4, mem 8192" for the usable group with the most cpus.
fn largest_agent(usable: &[(usize, &AgentGroup)], role: &str) -> String {
    usable
        .iter()
        .map(|(i, g)| (i, g.resources.allocatable_to(role)))
        .max_by_key(|(_, r)| (r.cpus(), r.mem_mb()))
        .map(|(i, r)| {
            format!(
                "the largest, agents.{i}, offers cpus {} and mem {}",
                r.cpus(),
                r.mem_mb()
            )
        })
        .unwrap_or_else(|| "no agent".to_string())
}

/// Roles the scenario gives something: a weight or quota in
/// `[mesos.roles]`, or a static reservation on an agent.
fn declared_roles(sc: &Scenario) -> Vec<String> {
    let mut roles: Vec<String> = sc.mesos.roles.iter().map(|r| r.name.clone()).collect();
    for g in &sc.agents {
        for e in g.resources.iter().filter(|e| e.is_reserved()) {
            roles.push(e.role.to_string());
        }
    }
    roles.sort();
    roles.dedup();
    roles
}

fn role_warning(
    role: &str,
    path: &str,
    span: Option<std::ops::Range<usize>>,
    declared: &[String],
    ctx: &mut Ctx<'_>,
) {
    if role == "*" {
        return;
    }
    // A role inherits what its ancestors are given (hierarchical roles).
    let known = declared
        .iter()
        .any(|d| d == role || is_allocatable_to(d, role) || is_allocatable_to(role, d));
    if known {
        return;
    }
    let hint = closest(role, declared.iter().map(String::as_str))
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default();
    ctx.warn(
        path,
        span.as_ref(),
        format!(
            "role \"{role}\" has no weight, quota or reservation anywhere in the scenario: Mesos takes it as a new role of weight 1, likely a typo{hint}"
        ),
    );
}
