//! Input data: blocks stored on the agents (every agent of a group with
//! `datanode = true`, the default, as when HDFS runs beside Mesos), their
//! replica placement, and what a task pays to read its block from where it
//! runs (docs/locality.md).
//!
//! Placement follows HDFS' default policy for a writer outside the cluster:
//! the first replica on a random datanode, the second on a random datanode
//! of another rack, the third on another datanode of the second's rack,
//! further ones on random datanodes not yet used. With one rack every
//! replica goes to a distinct random datanode. Each block draws exactly `replication`
//! uniforms, so placements do not shift when the cluster changes shape.

use policies::model::{AgentId, Attributes, Value};
use policies::spark::task_scheduler::Hosts;
use rand_chacha::ChaCha8Rng;

use crate::scenario::DataConfig;
use crate::time::SimDuration;
use crate::workload::open_unit;

/// How a task's input reached it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// A replica is on the task's own agent.
    Local,
    /// The nearest replica is on another agent of the same rack.
    Rack,
    /// Every replica is on another rack.
    OffRack,
}

#[derive(Clone, Debug)]
pub(crate) struct Storage {
    replication: usize,
    /// Each agent's rack.
    rack_of: Vec<u32>,
    /// The datanodes (agent indices, ascending), their racks, and the
    /// datanodes of each rack (positions in `nodes`, ascending).
    nodes: Vec<usize>,
    node_rack: Vec<u32>,
    rack_nodes: Vec<Vec<usize>>,
    remote_read: SimDuration,
    off_rack_read: SimDuration,
    spark_knows_racks: bool,
}

/// The `k`-th index of `0..` that is not in `excluded` (ascending,
/// distinct).
fn nth_excluding(excluded: &[usize], mut k: usize) -> usize {
    for &e in excluded {
        if e <= k {
            k += 1;
        } else {
            break;
        }
    }
    k
}

/// An index in `0..n` from a uniform in (0, 1).
fn pick(u: f64, n: usize) -> usize {
    ((u * n as f64) as usize).min(n - 1)
}

impl Storage {
    /// `agents`: each agent's attributes and whether it is a datanode.
    /// Racks come from the `rack_attribute` (its text, or the number as
    /// written); agents without it share one rack.
    pub fn new<'a>(
        data: &DataConfig,
        agents: impl Iterator<Item = (&'a Attributes, bool)>,
    ) -> Storage {
        let mut names: Vec<Option<String>> = Vec::new();
        let mut rack_of = Vec::new();
        let mut nodes = Vec::new();
        let mut node_rack = Vec::new();
        let mut rack_nodes: Vec<Vec<usize>> = Vec::new();
        for (i, (attrs, datanode)) in agents.enumerate() {
            let name = attrs.get(&data.rack_attribute).map(rack_name);
            let r = match names.iter().position(|n| *n == name) {
                Some(r) => r,
                None => {
                    names.push(name);
                    rack_nodes.push(Vec::new());
                    names.len() - 1
                }
            };
            rack_of.push(r as u32);
            if datanode {
                rack_nodes[r].push(nodes.len());
                nodes.push(i);
                node_rack.push(r as u32);
            }
        }
        Storage {
            replication: data.replication as usize,
            rack_of,
            nodes,
            node_rack,
            rack_nodes,
            remote_read: data.remote_read,
            off_rack_read: data.off_rack_read,
            spark_knows_racks: data.spark_knows_racks,
        }
    }

    /// Replicas per block on this cluster.
    pub fn replicas(&self) -> usize {
        self.replication.min(self.nodes.len())
    }

    /// Spark's view of the hosts: no racks (Spark on Mesos), unless the
    /// scenario gives it a rack resolver.
    pub fn spark_hosts(&self) -> Hosts {
        if self.spark_knows_racks {
            Hosts::with_racks(self.rack_of.clone())
        } else {
            Hosts::without_racks()
        }
    }

    /// Places one block; appends its replicas to `out`.
    pub fn place(&self, rng: &mut ChaCha8Rng, out: &mut Vec<AgentId>) {
        let n = self.nodes.len();
        let u: Vec<f64> = (0..self.replication).map(|_| open_unit(rng)).collect();
        let r = self.replicas();
        if r == 0 {
            return;
        }
        // Positions in `nodes`.
        let mut chosen: Vec<usize> = Vec::with_capacity(r);
        let first = pick(u[0], n);
        chosen.push(first);
        let first_rack = &self.rack_nodes[self.node_rack[first] as usize];
        for (k, &uk) in u.iter().enumerate().take(r).skip(1) {
            let mut sorted = chosen.clone();
            sorted.sort_unstable();
            let anywhere_else = |u: f64| nth_excluding(&sorted, pick(u, n - sorted.len()));
            let other_racks = n - first_rack.len();
            let next = if k == 1 && other_racks > 0 {
                // Another rack than the first replica's.
                nth_excluding(first_rack, pick(uk, other_racks))
            } else if k == 2 && self.node_rack[chosen[1]] != self.node_rack[first] {
                // The second replica's rack, another datanode.
                let free: Vec<usize> = self.rack_nodes[self.node_rack[chosen[1]] as usize]
                    .iter()
                    .copied()
                    .filter(|a| !chosen.contains(a))
                    .collect();
                if free.is_empty() {
                    anywhere_else(uk)
                } else {
                    free[pick(uk, free.len())]
                }
            } else {
                anywhere_else(uk)
            };
            chosen.push(next);
        }
        out.extend(chosen.into_iter().map(|p| AgentId(self.nodes[p] as u32)));
    }

    /// Where a task on `host` reads a block with `replicas` from, and the
    /// extra time that costs.
    pub fn read(&self, replicas: &[AgentId], host: AgentId) -> (Read, SimDuration) {
        if replicas.contains(&host) {
            return (Read::Local, SimDuration::ZERO);
        }
        let rack = self.rack_of[host.index()];
        if replicas.iter().any(|r| self.rack_of[r.index()] == rack) {
            (Read::Rack, self.remote_read)
        } else {
            (Read::OffRack, self.off_rack_read)
        }
    }
}

fn rack_name(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RngStreams;

    fn storage(racks: &[&str], replication: u32) -> Storage {
        let attrs: Vec<Attributes> = racks
            .iter()
            .map(|r| {
                if r.is_empty() {
                    Attributes::default()
                } else {
                    Attributes::parse(&format!("rack:{r}")).unwrap().attributes
                }
            })
            .collect();
        let data = DataConfig {
            replication,
            ..DataConfig::default()
        };
        Storage::new(&data, attrs.iter().map(|a| (a, true)))
    }

    #[test]
    fn nth_excluding_skips_the_excluded() {
        assert_eq!(nth_excluding(&[0, 1, 4], 0), 2);
        assert_eq!(nth_excluding(&[0, 1, 4], 2), 5);
        assert_eq!(nth_excluding(&[], 3), 3);
    }

    #[test]
    fn three_replicas_span_exactly_two_racks_the_second_and_third_together() {
        let s = storage(&["a", "a", "a", "b", "b", "b", "c", "c"], 3);
        let mut rng = RngStreams::new(3).stream("test", 0);
        for _ in 0..500 {
            let mut out = Vec::new();
            s.place(&mut rng, &mut out);
            assert_eq!(out.len(), 3);
            let r: Vec<u32> = out.iter().map(|a| s.rack_of[a.index()]).collect();
            assert_ne!(out[0], out[1]);
            assert_ne!(out[1], out[2]);
            assert_ne!(out[0], out[2]);
            assert_ne!(r[0], r[1], "{out:?}");
            assert_eq!(r[1], r[2], "{out:?}");
        }
    }

    #[test]
    fn one_rack_and_small_clusters() {
        // No rack attribute: one rack, distinct agents.
        let s = storage(&["", "", "", ""], 3);
        let mut rng = RngStreams::new(1).stream("test", 0);
        let mut out = Vec::new();
        s.place(&mut rng, &mut out);
        let mut d = out.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), 3);
        // Two agents: at most two replicas.
        let s = storage(&["a", "b"], 3);
        let mut out = Vec::new();
        s.place(&mut rng, &mut out);
        assert_eq!(out.len(), 2);
        assert_ne!(out[0], out[1]);
        // A lone agent in the second's rack: the third goes anywhere else.
        let s = storage(&["a", "a", "b"], 3);
        for _ in 0..100 {
            let mut out = Vec::new();
            s.place(&mut rng, &mut out);
            let mut d = out.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), 3, "{out:?}");
        }
    }

    #[test]
    fn every_agent_gets_blocks() {
        let s = storage(&["a", "a", "b", "b", "c"], 3);
        let mut rng = RngStreams::new(9).stream("test", 0);
        let mut count = [0u32; 5];
        for _ in 0..3000 {
            let mut out = Vec::new();
            s.place(&mut rng, &mut out);
            for a in out {
                count[a.index()] += 1;
            }
        }
        assert!(count.iter().all(|&c| c > 900), "{count:?}");
    }

    #[test]
    fn only_datanodes_hold_blocks() {
        let attrs: Vec<Attributes> = ["a", "a", "b", "b"]
            .iter()
            .map(|r| Attributes::parse(&format!("rack:{r}")).unwrap().attributes)
            .collect();
        let data = DataConfig::default();
        // Agents 1 and 2 store data; 0 and 3 only compute.
        let s = Storage::new(&data, attrs.iter().zip([false, true, true, false]));
        assert_eq!(s.replicas(), 2);
        let mut rng = RngStreams::new(5).stream("test", 0);
        for _ in 0..50 {
            let mut out = Vec::new();
            s.place(&mut rng, &mut out);
            out.sort();
            assert_eq!(out, [AgentId(1), AgentId(2)]);
        }
        // Reads from compute-only agents still see racks: agent 0 shares
        // agent 1's rack.
        assert_eq!(s.read(&[AgentId(1)], AgentId(0)).0, Read::Rack);
        assert_eq!(s.read(&[AgentId(1)], AgentId(3)).0, Read::OffRack);
    }

    #[test]
    fn read_costs_by_distance() {
        let s = storage(&["a", "a", "b"], 1);
        let replicas = [AgentId(0)];
        assert_eq!(
            s.read(&replicas, AgentId(0)),
            (Read::Local, SimDuration::ZERO)
        );
        assert_eq!(
            s.read(&replicas, AgentId(1)),
            (Read::Rack, SimDuration::from_secs(1))
        );
        assert_eq!(
            s.read(&replicas, AgentId(2)),
            (Read::OffRack, SimDuration::from_secs(2))
        );
    }
}
