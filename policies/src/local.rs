//! Spark's local master (`local`, `local[K]`, `local[*]`, `local[K,F]`):
//! one executor inside the driver, no cluster manager. Spark 3.0
//! `SparkContext.createTaskScheduler` and
//! `scheduler/local/LocalSchedulerBackend.scala` (reference
//! standalone-yarn-local.md §3), restated:
//!
//! - `local` has 1 thread, `local[K]` K, `local[*]` the machine's
//!   processors; `local[K,F]` allows F attempts per task (1 otherwise, and
//!   `spark.task.maxFailures` is ignored).
//! - One executor, id "driver", starts with K free cores; each task takes
//!   `spark.task.cpus` and gives them back when it ends.
//! - Offers are made only on revive: a task set submitted, a task ended.
//!   There is no periodic revive timer, unlike the coarse-grained backends.
//! - The backend is ready at once; dynamic allocation is off on a local
//!   master (Spark 3.0 `Utils.isDynamicAllocationEnabled`).
//! - SparkContext creation fails when `spark.task.cpus` exceeds the
//!   executor's cores (SPARK-27192); cluster deploy mode is refused by
//!   `spark-submit` ("Cluster deploy mode is not compatible with master
//!   \"local\"").

/// What the local master runs: its task threads and allowed attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalMaster {
    pub threads: u32,
    pub max_failures: u32,
}

impl LocalMaster {
    /// The master of `local[threads, max_failures]` (`threads = None`:
    /// `local[*]`) on a machine of `machine_cores` processors, checked
    /// against `spark.task.cpus` as SparkContext does.
    pub fn new(
        threads: Option<u32>,
        max_failures: u32,
        machine_cores: u32,
        task_cpus: u32,
    ) -> Result<LocalMaster, String> {
        let threads = threads.unwrap_or(machine_cores);
        if threads == 0 {
            return Err(if machine_cores == 0 {
                "local[*] on a machine without cpus has no thread to run tasks".to_string()
            } else {
                "Asked to run locally with 0 threads".to_string()
            });
        }
        if task_cpus > threads {
            return Err(format!(
                "Only {threads} cores available per executor (local mode) but spark.task.cpus is {task_cpus}: no task could ever run"
            ));
        }
        Ok(LocalMaster {
            threads,
            max_failures: max_failures.max(1),
        })
    }

    /// Tasks that run at once: the free cores over `spark.task.cpus`.
    pub fn slots(&self, task_cpus: u32) -> u32 {
        self.threads / task_cpus.max(1)
    }

    /// The processors the executor's tasks can keep busy: its threads, at
    /// most the machine's processors (more threads than processors share
    /// them).
    pub fn cpus(&self, machine_cores: u32) -> u32 {
        self.threads.min(machine_cores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_come_from_the_url_or_the_machine() {
        let m = LocalMaster::new(Some(4), 1, 16, 1).unwrap();
        assert_eq!((m.threads, m.slots(1), m.cpus(16)), (4, 4, 4));
        // local[*]: the machine's processors.
        let m = LocalMaster::new(None, 1, 16, 1).unwrap();
        assert_eq!((m.threads, m.slots(2), m.cpus(16)), (16, 8, 16));
        // More threads than processors: slots by threads, CPUs by machine.
        let m = LocalMaster::new(Some(32), 3, 8, 1).unwrap();
        assert_eq!((m.slots(1), m.cpus(8), m.max_failures), (32, 8, 3));
        // Odd threads with spark.task.cpus 2: one core left over.
        assert_eq!(LocalMaster::new(Some(5), 1, 8, 2).unwrap().slots(2), 2);
    }

    #[test]
    fn spark_rejects_what_cannot_run() {
        let e = LocalMaster::new(Some(2), 1, 8, 3).unwrap_err();
        assert!(
            e.contains("Only 2 cores available") && e.contains("spark.task.cpus is 3"),
            "{e}"
        );
        assert!(LocalMaster::new(None, 1, 0, 1).is_err());
        assert_eq!(
            LocalMaster::new(Some(0), 1, 8, 1).unwrap_err(),
            "Asked to run locally with 0 threads"
        );
    }
}
