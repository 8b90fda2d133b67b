//! The checks every grant must pass, whatever policy made it: what a
//! policy the master does not trust (one registered at run time) must not
//! break. A grant names a known, active agent and a known, active framework
//! that has not suppressed offers; it is not empty; reserved resources go
//! only to their role or a role below it; and all grants of one run on one
//! agent fit in what the agent has available (Mesos 1.11
//! `allocator/mesos/hierarchical.cpp`: offers are cut from the agent's
//! available pool, reservations offered to their role, reference
//! mesos-master.md §1.2 and §1.4). Filters and quota are the policy's own
//! business: a policy may ignore them and still be coherent.

use super::view::{ClusterView, Grant};
use crate::model::{Resources, UNRESERVED};

/// The first grant that breaks a rule, and why, or `Ok`.
pub fn check_grants(view: &ClusterView<'_>, grants: &[Grant]) -> Result<(), String> {
    let mut taken: Vec<(usize, Resources)> = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let what = format!(
            "grant {i} ({} of agent {} to framework {})",
            g.resources, g.agent.0, g.framework.0
        );
        let Some(agent) = view.agents.get(g.agent.index()) else {
            return Err(format!(
                "{what}: there is no agent {} (the cluster has {})",
                g.agent.0,
                view.agents.len()
            ));
        };
        let Some(fw) = view.frameworks.get(g.framework.index()) else {
            return Err(format!(
                "{what}: there is no framework {} (there are {})",
                g.framework.0,
                view.frameworks.len()
            ));
        };
        if !agent.active {
            return Err(format!("{what}: the agent is not active"));
        }
        if !fw.active {
            return Err(format!("{what}: the framework is not active"));
        }
        if fw.suppressed {
            return Err(format!("{what}: the framework has suppressed offers"));
        }
        if g.resources.is_empty() {
            return Err(format!("{what}: an empty offer"));
        }
        let role = &view.roles[fw.role].name;
        if let Some(e) = g.resources.iter().find(|e| {
            e.role != UNRESERVED
                && e.role.as_str() != role
                && !role.starts_with(&format!("{}/", e.role))
        }) {
            return Err(format!(
                "{what}: {} is reserved for role {}, and the framework is in role {role}",
                e.name, e.role
            ));
        }
        let at = match taken.iter().position(|(a, _)| *a == g.agent.index()) {
            Some(at) => at,
            None => {
                taken.push((g.agent.index(), Resources::new()));
                taken.len() - 1
            }
        };
        let mut wanted = taken[at].1.clone();
        wanted.add(&g.resources);
        if !agent.available.contains(&wanted) {
            return Err(format!(
                "{what}: not free: the agent has {} available{}",
                agent.available,
                if taken[at].1.is_empty() {
                    String::new()
                } else {
                    format!(", of which {} was granted earlier in this run", taken[at].1)
                }
            ));
        }
        taken[at].1 = wanted;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{World, r};
    use super::*;
    use crate::model::{AgentId, FrameworkId};

    fn grant(f: u32, a: u32, res: &str) -> Grant {
        Grant {
            framework: FrameworkId(f),
            agent: AgentId(a),
            resources: r(res),
        }
    }

    #[test]
    fn grants_that_fit_pass_and_every_broken_rule_is_named() {
        let w = World::new(
            &["cpus:4;mem:4096", "cpus:2;mem:2048;cpus(ops):2"],
            &[("*", 1.0), ("ops", 1.0)],
            &[0, 1],
        );
        let v = w.view();
        assert_eq!(
            check_grants(&v, &[grant(0, 0, "cpus:2;mem:1024"), grant(1, 0, "cpus:2")]),
            Ok(())
        );
        let err = |g: &[Grant]| check_grants(&v, g).unwrap_err();
        // Two grants that together exceed the agent.
        let e = err(&[grant(0, 0, "cpus:3"), grant(1, 0, "cpus:2")]);
        assert!(e.contains("grant 1") && e.contains("not free"), "{e}");
        assert!(e.contains("of which cpus:3 was granted earlier"), "{e}");
        assert!(err(&[grant(0, 0, "gpus:1")]).contains("not free"));
        assert!(err(&[grant(0, 7, "cpus:1")]).contains("there is no agent 7"));
        assert!(err(&[grant(5, 0, "cpus:1")]).contains("there is no framework 5"));
        let empty = Grant {
            framework: FrameworkId(0),
            agent: AgentId(0),
            resources: Resources::new(),
        };
        assert!(err(&[empty]).contains("an empty offer"));
        // ops's reservation goes to ops only.
        assert_eq!(check_grants(&v, &[grant(1, 1, "cpus(ops):2")]), Ok(()));
        assert!(err(&[grant(0, 1, "cpus(ops):2")]).contains("reserved for role ops"));
    }
}
