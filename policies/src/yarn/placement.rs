//! Where new container requests should prefer to land: Spark 3.0
//! `deploy/yarn/LocalityPreferredContainerPlacementStrategy.scala`
//! (reference standalone-yarn-local.md §2.5), restated:
//!
//! 1. executors needed for the locality-aware tasks:
//!    `⌈T × spark.task.cpus ÷ executor cores⌉`;
//! 2. pending requests that already prefer current hosts count
//!    fractionally on each host of their node list;
//! 3. each host's expected containers: its share of the local tasks times
//!    the executors needed, less the containers it has and the pending
//!    share, rounded up, at least 0;
//! 4. the requests beyond that sum carry no locality and come first;
//! 5. the others cycle through the hosts by ratio: the `i`-th request
//!    prefers every host whose (ratio − i) is still positive.
//!
//! Hosts are kept in ascending order (Spark's map order is arbitrary and
//! YARN treats a node list as a set).

use std::collections::BTreeMap;

/// One new request's preferred hosts (`None`: anywhere).
pub type Preference = Option<Vec<usize>>;

/// What the placement reads.
#[derive(Clone, Debug)]
pub struct PlacementInput<'a> {
    /// Requests to place.
    pub containers: u32,
    /// `numLocalityAwareTasks`.
    pub locality_aware_tasks: u32,
    /// `hostToLocalTaskCount`.
    pub host_tasks: &'a BTreeMap<usize, u32>,
    /// Containers the app runs on each host.
    pub allocated: &'a BTreeMap<usize, u32>,
    /// Node lists of the pending requests that prefer current hosts.
    pub matched_pending: &'a [Vec<usize>],
    pub task_cpus: u32,
    pub executor_cores: u32,
}

/// `localityOfRequestedContainers`.
pub fn locality_of_requested_containers(p: &PlacementInput<'_>) -> Vec<Preference> {
    let required = expected_host_containers(p);
    let sum: u64 = required.values().map(|&v| u64::from(v)).sum();
    let free = u64::from(p.containers).saturating_sub(sum) as u32;
    let aware = p.containers - free;
    let mut out: Vec<Preference> = vec![None; free as usize];
    if aware > 0 {
        let largest = required.values().copied().max().unwrap_or(0);
        if largest > 0 {
            let mut ratio: Vec<(usize, i64)> = required
                .iter()
                .map(|(&h, &r)| {
                    let adjusted = (f64::from(r) * f64::from(aware) / f64::from(largest)).ceil();
                    (h, adjusted as i64)
                })
                .collect();
            for _ in 0..aware {
                let hosts: Vec<usize> = ratio
                    .iter()
                    .filter(|(_, r)| *r > 0)
                    .map(|(h, _)| *h)
                    .collect();
                out.push(if hosts.is_empty() { None } else { Some(hosts) });
                for (_, r) in &mut ratio {
                    *r -= 1;
                }
            }
        } else {
            out.extend(std::iter::repeat_n(None, aware as usize));
        }
    }
    out
}

/// `expectedHostToContainerCount`: per preferred host, the containers
/// still wanted there.
fn expected_host_containers(p: &PlacementInput<'_>) -> BTreeMap<usize, u32> {
    let total_tasks: u64 = p.host_tasks.values().map(|&v| u64::from(v)).sum();
    if total_tasks == 0 {
        return BTreeMap::new();
    }
    let needed = (f64::from(p.locality_aware_tasks) * f64::from(p.task_cpus.max(1))
        / f64::from(p.executor_cores.max(1)))
    .ceil();
    // pendingHostToContainerCount: each matched request adds 1 to each of
    // its hosts; scaled so the hosts share the requests' number.
    let mut c: BTreeMap<usize, f64> = BTreeMap::new();
    for nodes in p.matched_pending {
        for h in nodes {
            *c.entry(*h).or_insert(0.0) += 1.0;
        }
    }
    let c_total: f64 = c.values().sum();
    let pending = |h: usize| {
        if c_total > 0.0 {
            c.get(&h).copied().unwrap_or(0.0) * p.matched_pending.len() as f64 / c_total
        } else {
            0.0
        }
    };
    p.host_tasks
        .iter()
        .map(|(&h, &t)| {
            let expected = f64::from(t) * needed / total_tasks as f64;
            let have = f64::from(p.allocated.get(&h).copied().unwrap_or(0)) + pending(h);
            (h, (expected - have).ceil().max(0.0) as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(spec: &[(usize, u32)]) -> BTreeMap<usize, u32> {
        spec.iter().copied().collect()
    }

    fn count(out: &[Preference]) -> Vec<(Option<Vec<usize>>, usize)> {
        let mut v: Vec<(Option<Vec<usize>>, usize)> = Vec::new();
        for p in out {
            match v.last_mut() {
                Some((q, n)) if q == p => *n += 1,
                _ => v.push((p.clone(), 1)),
            }
        }
        v
    }

    #[test]
    fn the_code_comments_example() {
        // 20 tasks prefer h1, h2, h3 and 10 prefer h1, h2, h4 (hosts 1–4):
        // local task counts 30, 30, 20, 10 — a 3 : 3 : 2 : 1 ratio.
        let tasks = hosts(&[(1, 30), (2, 30), (3, 20), (4, 10)]);
        let none = BTreeMap::new();
        // 18 tasks, 2 cores per executor: 9 executors needed, exactly 3, 3,
        // 2, 1 per host. Asking for 18: 9 without locality first, then 3 ×
        // all four, 3 × (h1, h2, h3), 3 × (h1, h2).
        let input = PlacementInput {
            containers: 18,
            locality_aware_tasks: 18,
            host_tasks: &tasks,
            allocated: &none,
            matched_pending: &[],
            task_cpus: 1,
            executor_cores: 2,
        };
        assert_eq!(
            count(&locality_of_requested_containers(&input)),
            vec![
                (None, 9),
                (Some(vec![1, 2, 3, 4]), 3),
                (Some(vec![1, 2, 3]), 3),
                (Some(vec![1, 2]), 3)
            ]
        );
        // 30 tasks: 15 executors, expected 5, 5, 3.33, 1.67, rounded up to
        // 5, 5, 4, 2 (16). Asking for 18: 2 free; ratios ⌈r × 16 / 5⌉ =
        // 16, 16, 13, 7.
        let input = PlacementInput {
            locality_aware_tasks: 30,
            ..input
        };
        assert_eq!(
            count(&locality_of_requested_containers(&input)),
            vec![
                (None, 2),
                (Some(vec![1, 2, 3, 4]), 7),
                (Some(vec![1, 2, 3]), 6),
                (Some(vec![1, 2]), 3)
            ]
        );
        // Asking for 10 (fewer than wanted): all aware; ratios 10, 10, 8, 4.
        let input = PlacementInput {
            containers: 10,
            ..input
        };
        assert_eq!(
            count(&locality_of_requested_containers(&input)),
            vec![
                (Some(vec![1, 2, 3, 4]), 4),
                (Some(vec![1, 2, 3]), 4),
                (Some(vec![1, 2]), 2)
            ]
        );
    }

    #[test]
    fn running_and_pending_containers_count_against_a_host() {
        let tasks = hosts(&[(0, 4), (1, 4)]);
        // 8 tasks, 1 core: 8 executors, 4 per host. Host 0 runs 3; one
        // pending request prefers hosts 0 and 1 (half each).
        let allocated = hosts(&[(0, 3)]);
        let pending = vec![vec![0, 1]];
        let input = PlacementInput {
            containers: 6,
            locality_aware_tasks: 8,
            host_tasks: &tasks,
            allocated: &allocated,
            matched_pending: &pending,
            task_cpus: 1,
            executor_cores: 1,
        };
        // Host 0: ⌈4 − 3 − 0.5⌉ = 1; host 1: ⌈4 − 0.5⌉ = 4. Five aware, one
        // free; ratios ⌈1 × 5 / 4⌉ = 2 and 5.
        assert_eq!(
            count(&locality_of_requested_containers(&input)),
            vec![(None, 1), (Some(vec![0, 1]), 2), (Some(vec![1]), 3)]
        );
        // No hints: nothing to prefer.
        let empty = BTreeMap::new();
        let input = PlacementInput {
            host_tasks: &empty,
            ..input
        };
        assert_eq!(
            count(&locality_of_requested_containers(&input)),
            vec![(None, 6)]
        );
    }
}
