//! The standalone Master's rules that changed between Spark releases
//! (reference standalone-yarn-local.md §1.11), each in its old and new
//! form on the same events.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::master::*;
use crate::spark::SparkVersion;

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

fn master(version: SparkVersion, workers: &[(u32, u64)]) -> Master {
    let conf = MasterConf {
        version,
        ..MasterConf::default()
    };
    Master::new(conf, workers)
}

fn desc(max: Option<u32>, cpe: Option<u32>) -> AppDescription {
    AppDescription {
        max_cores: max,
        memory_per_executor_mb: 1024,
        cores_per_executor: cpe,
        initial_executor_limit: None,
    }
}

fn drivers_placed(launches: &[Launch]) -> Vec<(u32, usize)> {
    launches
        .iter()
        .filter_map(|l| match *l {
            Launch::Driver { app, worker } => Some((app, worker)),
            Launch::Executor { .. } => None,
        })
        .collect()
}

/// Two workers of 4 cores, both full with app 9's executors; two drivers
/// of 1 core wait; app 9 leaves, and one `schedule()` places both.
fn two_waiting_drivers(version: SparkVersion) -> Vec<(u32, usize)> {
    let mut m = master(version, &[(4, 8192), (4, 8192)]);
    let r = &mut rng();
    m.register_app(9, desc(None, None), r);
    for app in [1, 2] {
        let d = DriverDesc {
            app,
            cores: 1,
            memory_mb: 1024,
        };
        assert!(drivers_placed(&m.submit_driver(d, r)).is_empty());
    }
    let (_, launches) = m.remove_app(9, r);
    drivers_placed(&launches)
}

#[test]
fn drivers_pack_in_160_and_go_round_robin_from_163() {
    // 1.6.0: the first shuffled worker takes every driver that fits.
    let packed = two_waiting_drivers(SparkVersion::V1_6_0);
    assert_eq!(packed.len(), 2);
    assert_eq!(packed[0].1, packed[1].1, "{packed:?}");
    // 1.6.3 and later: each driver resumes where the last one stopped.
    for v in [SparkVersion::V1_6, SparkVersion::V2_4, SparkVersion::V3_0] {
        let spread = two_waiting_drivers(v);
        assert_eq!(spread.len(), 2);
        assert_ne!(spread[0].1, spread[1].1, "{v}: {spread:?}");
    }
}

/// One worker of 2 cores; the app's single executor (2 cores) runs, then
/// exits as `normal`. What does the Master launch at once?
fn after_exit(version: SparkVersion, normal: bool) -> usize {
    let mut m = master(version, &[(2, 4096)]);
    let r = &mut rng();
    let first = m.register_app(0, desc(None, None), r);
    let Launch::Executor { executor, .. } = first[0] else {
        panic!("{first:?}")
    };
    m.executor_running(0, executor.id);
    m.executor_exited(0, executor.id, normal, r).launches.len()
}

#[test]
fn version_160_schedules_only_after_a_counted_failure() {
    // SPARK-16925 (1.6.3): `schedule()` after every exit. 1.6.0 runs it
    // only after a non-zero exit below the retry limit.
    assert_eq!(after_exit(SparkVersion::V1_6_0, false), 1);
    assert_eq!(after_exit(SparkVersion::V1_6_0, true), 0);
    assert_eq!(after_exit(SparkVersion::V1_6, true), 1);
    assert_eq!(after_exit(SparkVersion::V3_0, true), 1);
}

#[test]
fn version_160_has_a_fixed_retry_limit_and_stops_scheduling_there() {
    // maxExecutorRetries = 2 is honoured from 1.6.3; 1.6.0 counts to its
    // fixed 10. A second executor keeps RUNNING on another worker, so the
    // app is never removed; at the limit 1.6.0 stops replacing.
    let run = |version: SparkVersion| -> Vec<usize> {
        let conf = MasterConf {
            version,
            max_executor_retries: 2,
            ..MasterConf::default()
        };
        let mut m = Master::new(conf, &[(1, 4096), (1, 4096)]);
        let r = &mut rng();
        let first = m.register_app(0, desc(None, None), r);
        let ids: Vec<(u32, usize)> = first
            .iter()
            .filter_map(|l| match *l {
                Launch::Executor { executor, .. } => Some((executor.id, executor.worker)),
                Launch::Driver { .. } => None,
            })
            .collect();
        assert_eq!(ids.len(), 2);
        m.executor_running(0, ids[1].0);
        // The executor on the first worker fails again and again.
        let mut id = ids[0].0;
        let mut replaced = Vec::new();
        for _ in 0..11 {
            let out = m.executor_exited(0, id, false, r);
            assert!(out.app_removed.is_none());
            replaced.push(out.launches.len());
            match out.launches.first() {
                Some(Launch::Executor { executor, .. }) => id = executor.id,
                _ => break,
            }
        }
        replaced
    };
    // 1.6.0: nine replacements, then the tenth failure reaches
    // MAX_NUM_RETRY and nothing is scheduled.
    assert_eq!(run(SparkVersion::V1_6_0), [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    // 1.6.3+: replaced every time (the running executor keeps the app).
    assert_eq!(run(SparkVersion::V1_6), [1; 11]);
}

#[test]
fn the_23_app_filter_changes_no_placement() {
    // 2.3 skips an app whose cores left are below one executor's; 1.6–2.2
    // consider it, and `scheduleExecutorsOnWorkers` assigns nothing
    // (`toAssign < minCores`). Same executors either way: 10 cores max,
    // 4 per executor, 2 executors and 2 cores left unused.
    let cores = |version: SparkVersion| -> Vec<u32> {
        let mut m = master(version, &[(8, 8192), (8, 8192)]);
        let r = &mut rng();
        let launches = m.register_app(0, desc(Some(10), Some(4)), r);
        let mut again = m.request_executors(0, 10, r);
        again.extend(m.schedule(r));
        assert!(again.is_empty(), "{version}");
        launches
            .iter()
            .filter_map(|l| match l {
                Launch::Executor { executor, .. } => Some(executor.cores),
                Launch::Driver { .. } => None,
            })
            .collect()
    };
    assert_eq!(cores(SparkVersion::V2_2), [4, 4]);
    assert_eq!(cores(SparkVersion::V2_3), [4, 4]);
}
