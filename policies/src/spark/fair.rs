//! Spark's FAIR scheduler (`spark.scheduler.mode = FAIR`): jobs go to
//! pools, and each offer round serves the task sets in the order of the
//! pools' fair comparison, then of the task sets within each pool. Spark
//! 3.0 `scheduler/Pool.scala`, `SchedulingAlgorithm.scala`
//! (`FairSchedulingAlgorithm`, `FIFOSchedulingAlgorithm`) and
//! `SchedulableBuilder.scala`, restated:
//!
//! - A pool has a `weight` (1), a `minShare` (0) and its own scheduling
//!   mode for its task sets (FIFO by default).
//! - Between two schedulables (pools, or task sets within a FAIR pool,
//!   where each task set has weight 1 and minShare 0), with `running`
//!   their running tasks: one below its minShare ("needy") goes first; two
//!   needy ones by `running / max(minShare, 1)`; two others by
//!   `running / weight`; ties by name (for task sets, their stage name,
//!   which here is the job then the stage).
//! - FIFO within a pool: by job id, then stage id.
//! - The order is computed once per offer round
//!   (`rootPool.getSortedTaskSetQueue`), from the running tasks at its
//!   start.

use std::cmp::Ordering;

/// A pool's settings (one `<pool>` of `spark.scheduler.allocation.file`).
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    pub name: String,
    /// `weight` (1).
    pub weight: u32,
    /// `minShare` (0).
    pub min_share: u32,
    /// `schedulingMode` FAIR within the pool (else FIFO).
    pub fair: bool,
}

/// A task set as the scheduler compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub pool: usize,
    pub job: usize,
    pub stage: usize,
    pub running: u32,
}

/// `FairSchedulingAlgorithm.comparator` on (running, minShare, weight,
/// name), the name being any key that orders ties.
fn fair_cmp<T: Ord>(a: (u32, u32, u32, T), b: (u32, u32, u32, T)) -> Ordering {
    let (ra, ma, wa, na) = a;
    let (rb, mb, wb, nb) = b;
    let needy_a = ra < ma;
    let needy_b = rb < mb;
    let min_ratio = |r: u32, m: u32| f64::from(r) / f64::from(m.max(1));
    let weight_ratio = |r: u32, w: u32| f64::from(r) / f64::from(w);
    let by = if needy_a && !needy_b {
        Ordering::Less
    } else if !needy_a && needy_b {
        Ordering::Greater
    } else if needy_a && needy_b {
        min_ratio(ra, ma).total_cmp(&min_ratio(rb, mb))
    } else {
        weight_ratio(ra, wa).total_cmp(&weight_ratio(rb, wb))
    };
    by.then_with(|| na.cmp(&nb))
}

/// The order in which one offer round serves `sets` (indices into it).
pub fn order(pools: &[Pool], sets: &[Candidate]) -> Vec<usize> {
    let mut running = vec![0u32; pools.len()];
    for s in sets {
        running[s.pool] += s.running;
    }
    let mut pool_order: Vec<usize> = (0..pools.len()).collect();
    pool_order.sort_by(|&a, &b| {
        let key = |p: usize| {
            let pool = &pools[p];
            (
                running[p],
                pool.min_share,
                pool.weight.max(1),
                pool.name.as_str(),
            )
        };
        fair_cmp(key(a), key(b))
    });
    let mut out = Vec::with_capacity(sets.len());
    for p in pool_order {
        let mut mine: Vec<usize> = (0..sets.len()).filter(|&i| sets[i].pool == p).collect();
        if pools[p].fair {
            // Task sets: weight 1, minShare 0, named by job then stage.
            mine.sort_by(|&a, &b| {
                let key = |i: usize| (sets[i].running, 0, 1, (sets[i].job, sets[i].stage));
                fair_cmp(key(a), key(b))
            });
        } else {
            mine.sort_by_key(|&i| (sets[i].job, sets[i].stage));
        }
        out.extend(mine);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(name: &str, weight: u32, min_share: u32) -> Pool {
        Pool {
            name: name.to_string(),
            weight,
            min_share,
            fair: false,
        }
    }

    fn set(pool: usize, job: usize, running: u32) -> Candidate {
        Candidate {
            pool,
            job,
            stage: job,
            running,
        }
    }

    #[test]
    fn a_pool_below_its_min_share_goes_first() {
        // In the style of Spark's PoolSuite "Fair Scheduler Test": pool 1
        // (minShare 2) runs 1 task, pool 0 (minShare 0) runs none: 1 is
        // needy and goes first.
        let pools = [pool("a", 1, 0), pool("b", 1, 2)];
        let sets = [set(0, 0, 0), set(1, 1, 1)];
        assert_eq!(order(&pools, &sets), [1, 0]);
        // Both satisfied: running ÷ weight, so the pool of weight 3
        // running 3 (ratio 1) comes after the one of weight 1 running 0.
        let pools = [pool("a", 3, 0), pool("b", 1, 0)];
        let sets = [set(0, 0, 3), set(1, 1, 0)];
        assert_eq!(order(&pools, &sets), [1, 0]);
        // Two needy pools: by running ÷ minShare (1/4 before 1/2).
        let pools = [pool("a", 1, 2), pool("b", 1, 4)];
        let sets = [set(0, 0, 1), set(1, 1, 1)];
        assert_eq!(order(&pools, &sets), [1, 0]);
        // Ties go by name.
        let pools = [pool("b", 1, 0), pool("a", 1, 0)];
        let sets = [set(0, 0, 0), set(1, 1, 0)];
        assert_eq!(order(&pools, &sets), [1, 0]);
    }

    #[test]
    fn within_a_pool_fifo_by_job_or_fair_by_running_tasks() {
        let mut pools = [pool("p", 1, 0)];
        // Job 2 runs nothing, job 1 runs 3.
        let sets = [set(0, 2, 0), set(0, 1, 3)];
        assert_eq!(order(&pools, &sets), [1, 0]);
        pools[0].fair = true;
        assert_eq!(order(&pools, &sets), [0, 1]);
    }
}
