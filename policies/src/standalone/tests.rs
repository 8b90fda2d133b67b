//! The standalone Master in the style of Spark's `MasterSuite` and
//! `StandaloneDynamicAllocationSuite`: workers and apps in, executors (cores
//! per worker) and drivers out.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::master::*;
use super::schedule::*;

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

fn need(cpe: Option<u32>, mem: u64, cores_left: u32) -> AppNeed {
    AppNeed {
        cores_per_executor: cpe,
        memory_per_executor_mb: mem,
        cores_left,
        executors: 0,
        executor_limit: u32::MAX,
    }
}

fn workers(n: usize, cores: u32, mem: u64) -> Vec<FreeWorker> {
    vec![
        FreeWorker {
            cores_free: cores,
            memory_free_mb: mem
        };
        n
    ]
}

#[test]
fn basic_scheduling_takes_every_core_one_executor_per_worker() {
    // MasterSuite "basic scheduling": 3 workers of 10 cores, no cap.
    let w = workers(3, 10, 2048);
    for spread in [true, false] {
        let got = schedule_executors_on_workers(&need(None, 1024, u32::MAX), &w, spread);
        assert_eq!(got, vec![10, 10, 10], "spread {spread}");
    }
}

#[test]
fn max_cores_spread_out_and_packed() {
    // "scheduling with max cores": 8 cores over 3 workers of 10.
    let w = workers(3, 10, 2048);
    assert_eq!(
        schedule_executors_on_workers(&need(None, 1024, 8), &w, true),
        vec![3, 3, 2]
    );
    assert_eq!(
        schedule_executors_on_workers(&need(None, 1024, 8), &w, false),
        vec![8, 0, 0]
    );
}

#[test]
fn cores_per_executor_go_out_whole() {
    let w = workers(3, 10, 8192);
    // Round-robin of 2-core executors: 2, 2, 2, then 2 more on the first.
    assert_eq!(
        schedule_executors_on_workers(&need(Some(2), 1024, 8), &w, true),
        vec![4, 2, 2]
    );
    assert_eq!(
        schedule_executors_on_workers(&need(Some(2), 1024, 8), &w, false),
        vec![8, 0, 0]
    );
    // SPARK-8881's example: 4 workers of 16, cores.max 48, executor.cores 16.
    let w16 = workers(4, 16, 65536);
    assert_eq!(
        schedule_executors_on_workers(&need(Some(16), 1024, 48), &w16, true),
        vec![16, 16, 16, 0]
    );
    // cores.max 10 with executor.cores 4: two executors, 8 cores.
    assert_eq!(
        schedule_executors_on_workers(&need(Some(4), 1024, 10), &w16, true),
        vec![4, 4, 0, 0]
    );
}

#[test]
fn memory_limits_executors_per_worker() {
    // 3 GiB per worker fits two 1.5 GiB executors: packing spills over.
    let w = workers(2, 16, 3072);
    assert_eq!(
        schedule_executors_on_workers(&need(Some(2), 1536, 100), &w, false),
        vec![4, 4]
    );
    // Cores unset: growing this pass's executor needs no more memory.
    assert_eq!(
        schedule_executors_on_workers(&need(None, 3072, 100), &w, false),
        vec![16, 16]
    );
    // Not enough memory for one executor: nothing.
    assert_eq!(
        schedule_executors_on_workers(&need(None, 4096, 100), &w, true),
        vec![0, 0]
    );
}

#[test]
fn executor_limit_counts_current_and_planned_executors() {
    let w = workers(3, 10, 8192);
    let mut n = need(Some(2), 1024, u32::MAX);
    n.executor_limit = 2;
    assert_eq!(schedule_executors_on_workers(&n, &w, true), vec![2, 2, 0]);
    assert_eq!(schedule_executors_on_workers(&n, &w, false), vec![4, 0, 0]);
    // One executor already: one more.
    n.executors = 1;
    assert_eq!(schedule_executors_on_workers(&n, &w, true), vec![2, 0, 0]);
    // Cores unset: the limit caps new executors, one per worker, each of
    // which still grows to all of its worker's cores.
    let mut n = need(None, 1024, u32::MAX);
    n.executor_limit = 2;
    assert_eq!(schedule_executors_on_workers(&n, &w, true), vec![10, 10, 0]);
    n.executor_limit = 0;
    assert_eq!(schedule_executors_on_workers(&n, &w, true), vec![0, 0, 0]);
}

#[test]
fn workers_are_ordered_by_free_cores_then_larger_id() {
    let f = |c| FreeWorker {
        cores_free: c,
        memory_free_mb: 1,
    };
    let mut ws = vec![(0, f(4)), (1, f(8)), (2, f(4)), (3, f(6))];
    order_workers(&mut ws);
    let order: Vec<usize> = ws.iter().map(|(i, _)| *i).collect();
    assert_eq!(order, vec![1, 3, 2, 0]);
}

fn desc(max: Option<u32>, cpe: Option<u32>) -> AppDescription {
    AppDescription {
        max_cores: max,
        memory_per_executor_mb: 1024,
        cores_per_executor: cpe,
        initial_executor_limit: None,
    }
}

fn cores_by_worker(launches: &[Launch], n: usize) -> Vec<u32> {
    let mut out = vec![0; n];
    for l in launches {
        if let Launch::Executor { executor, .. } = l {
            out[executor.worker] += executor.cores;
        }
    }
    out
}

#[test]
fn apps_are_fifo_the_first_takes_everything() {
    let mut m = Master::new(MasterConf::default(), &[(4, 8192), (4, 8192)]);
    let r = &mut rng();
    let a = m.register_app(0, desc(None, None), r);
    assert_eq!(cores_by_worker(&a, 2), vec![4, 4]);
    // Executor ids 0, 1 per app, most free cores first, ties to the larger id.
    assert!(
        matches!(a[0], Launch::Executor { app: 0, executor } if executor.id == 0 && executor.worker == 1)
    );
    let b = m.register_app(1, desc(None, None), r);
    assert!(b.is_empty(), "the second app waits: {b:?}");
    // The first app ends: the second gets the whole cluster.
    let (gone, b) = m.remove_app(0, r);
    assert_eq!(gone.len(), 2);
    assert_eq!(cores_by_worker(&b, 2), vec![4, 4]);
    assert!(
        b.iter()
            .all(|l| matches!(l, Launch::Executor { app: 1, .. }))
    );
}

#[test]
fn cores_max_leaves_room_for_the_next_app() {
    let mut m = Master::new(MasterConf::default(), &[(4, 8192), (4, 8192)]);
    let r = &mut rng();
    assert_eq!(
        cores_by_worker(&m.register_app(0, desc(Some(6), None), r), 2),
        vec![3, 3]
    );
    assert_eq!(
        cores_by_worker(&m.register_app(1, desc(None, Some(1)), r), 2),
        vec![1, 1]
    );
    // A freed executor of app 0 goes back to app 0 first (FIFO), which
    // opens a second executor on that worker as its cores are unset.
    let e = m.executors_of(0)[0];
    let out = m.executor_exited(0, e.id, false, r);
    assert_eq!(out.launches.len(), 1);
    assert!(
        matches!(out.launches[0], Launch::Executor { app: 0, executor } if executor.cores == 3 && executor.id == 2)
    );
    assert_eq!(m.retry_count(0), Some(1));
}

#[test]
fn dynamic_allocation_limit_starts_at_zero_and_gates_new_executors() {
    let mut m = Master::new(MasterConf::default(), &[(8, 8192), (8, 8192)]);
    let r = &mut rng();
    let mut d = desc(None, Some(2));
    d.initial_executor_limit = Some(0);
    assert!(m.register_app(0, d, r).is_empty());
    assert_eq!(m.executor_limit(0), Some(0));
    assert_eq!(
        cores_by_worker(&m.request_executors(0, 3, r), 2),
        vec![2, 4]
    );
    // Lowering the limit kills nothing; killing frees the cores, and the
    // limit keeps them from being taken again.
    assert!(m.request_executors(0, 1, r).is_empty());
    assert_eq!(m.executors_of(0).len(), 3);
    let (killed, again) = m.kill_executors(0, &[0, 1, 9], r);
    assert_eq!(killed.len(), 2);
    assert!(again.is_empty());
    assert_eq!(m.workers().iter().map(|w| w.cores_used).sum::<u32>(), 2);
}

#[test]
fn max_executor_retries_remove_an_app_with_nothing_running() {
    let conf = MasterConf {
        max_executor_retries: 3,
        ..MasterConf::default()
    };
    let mut m = Master::new(conf, &[(2, 4096)]);
    let r = &mut rng();
    let first = m.register_app(0, desc(None, None), r);
    let Launch::Executor { executor, .. } = first[0] else {
        panic!()
    };
    // Two failures: each replaced at once on the only worker.
    let mut id = executor.id;
    for n in 1..=2 {
        let out = m.executor_exited(0, id, false, r);
        assert!(out.app_removed.is_none());
        let Launch::Executor { executor, .. } = out.launches[0] else {
            panic!()
        };
        assert_eq!((executor.id, m.retry_count(0)), (n, Some(n)));
        id = executor.id;
    }
    // Reaching RUNNING resets the count.
    m.executor_running(0, id);
    assert_eq!(m.retry_count(0), Some(0));
    for _ in 0..2 {
        let out = m.executor_exited(0, id, false, r);
        let Launch::Executor { executor, .. } = out.launches[0] else {
            panic!()
        };
        id = executor.id;
    }
    // The third failure in a row with nothing running removes the app.
    let out = m.executor_exited(0, id, false, r);
    assert_eq!(out.app_removed, Some(Vec::new()));
    assert!(out.launches.is_empty());
    assert_eq!(m.workers()[0].cores_used, 0);
    // A normal exit never counts.
    let mut m = Master::new(conf, &[(2, 4096)]);
    m.register_app(0, desc(None, None), r);
    let out = m.executor_exited(0, 0, true, r);
    assert_eq!(m.retry_count(0), Some(0));
    assert_eq!(out.launches.len(), 1);
}

#[test]
fn drivers_first_round_robin_and_they_use_worker_resources() {
    let mut m = Master::new(MasterConf::default(), &[(2, 4096), (2, 4096), (2, 4096)]);
    let r = &mut rng();
    let d = |app| DriverDesc {
        app,
        cores: 1,
        memory_mb: 1024,
    };
    let a = m.submit_driver(d(0), r);
    let b = m.submit_driver(d(1), r);
    let (Launch::Driver { worker: wa, .. }, Launch::Driver { worker: wb, .. }) = (a[0], b[0])
    else {
        panic!("{a:?} {b:?}")
    };
    assert_eq!(
        m.workers().iter().map(|w| w.cores_used).sum::<u32>(),
        2,
        "drivers on {wa} and {wb}"
    );
    // Its end frees its worker.
    let before = m.workers()[wb].cores_used;
    m.driver_finished(1, r);
    assert_eq!(m.workers()[wb].cores_used, before - 1);
    // An app registering now sees the remaining driver's core taken.
    let e = m.register_app(0, desc(None, None), r);
    let total: u32 = cores_by_worker(&e, 3).iter().sum();
    assert_eq!(total, 6 - 1);
    // A driver larger than every worker waits.
    assert!(
        m.submit_driver(
            DriverDesc {
                app: 5,
                cores: 3,
                memory_mb: 1
            },
            r
        )
        .is_empty()
    );
    assert_eq!(m.waiting_drivers().len(), 1);
}

#[test]
fn one_pass_spreads_drivers_over_the_shuffled_workers() {
    // Three 1-core drivers submitted before the pass (the Master is not
    // yet alive to schedule): one per worker.
    let mut m = Master::new(MasterConf::default(), &[(1, 4096), (1, 4096), (1, 4096)]);
    let r = &mut rng();
    for app in 0..3 {
        m.waiting_drivers.push(DriverDesc {
            app,
            cores: 1,
            memory_mb: 512,
        });
    }
    let out = m.schedule(r);
    let mut ws: Vec<usize> = out
        .iter()
        .map(|l| match l {
            Launch::Driver { worker, .. } => *worker,
            _ => panic!(),
        })
        .collect();
    ws.sort();
    assert_eq!(ws, vec![0, 1, 2]);
}
