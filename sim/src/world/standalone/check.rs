//! The standalone Master's invariants, checked after every event in tests
//! and debug runs: its books agree with the drivers'.

use crate::world::spark::driver::SparkDriver;
use crate::world::standalone::master::StandaloneMaster;
use crate::world::standalone::spark::StandaloneSpark;

/// Every app's executors are the same (id, worker, cores) in the Master's
/// books and its driver's, and each worker's used cores and memory are
/// the sums of its executors and drivers, within its size.
pub(crate) fn check<'a>(
    c: &StandaloneMaster,
    apps: impl Iterator<Item = (&'a SparkDriver, &'a StandaloneSpark)>,
) -> Result<(), String> {
    let workers = c.master.workers();
    let mut cores = vec![0u32; workers.len()];
    let mut mem = vec![0u64; workers.len()];
    for (d, s) in apps {
        let execs = c.master.executors_of(d.id.0);
        let master: Vec<(u64, usize, u32)> = execs
            .iter()
            .map(|e| (u64::from(e.id), e.worker, e.cores))
            .collect();
        let driver: Vec<(u64, usize, u32)> = d
            .executors
            .iter()
            .map(|(id, e)| (*id, e.agent.index(), e.cpus))
            .collect();
        if master != driver {
            return Err(format!(
                "app {}: the Master has executors {master:?}, the driver {driver:?}",
                d.name
            ));
        }
        for e in &execs {
            cores[e.worker] += e.cores;
            mem[e.worker] += e.memory_mb;
        }
        if let Some(p) = s.driver {
            cores[p.worker] += d.settings.driver_cores;
            mem[p.worker] += d.settings.driver_memory_mib;
        }
    }
    for (i, w) in workers.iter().enumerate() {
        if (w.cores_used, w.memory_used_mb) != (cores[i], mem[i]) || w.cores_used > w.cores {
            return Err(format!(
                "worker {i}: used {} cores and {} MiB of {}/{}, its executors and drivers {} and {}",
                w.cores_used, w.memory_used_mb, w.cores, w.memory_mb, cores[i], mem[i]
            ));
        }
    }
    Ok(())
}
