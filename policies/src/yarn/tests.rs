//! The ResourceManager's schedulers: NodeManager heartbeats in,
//! containers out.

use super::container::Capability;
use super::heartbeat::heartbeat;
use super::resource_manager::*;

const EXEC: Capability = Capability {
    mem_mb: 2048,
    vcores: 1,
};
const AM: Capability = Capability {
    mem_mb: 1024,
    vcores: 1,
};

fn asks(n: usize, nodes: Option<Vec<usize>>) -> Vec<Ask> {
    (0..n)
        .map(|_| Ask {
            priority: 1,
            nodes: nodes.clone(),
            capability: EXEC,
        })
        .collect()
}

fn granted(out: &[Allocation]) -> Vec<(u32, u32)> {
    out.iter().map(|a| (a.app, a.ask.priority)).collect()
}

#[test]
fn one_off_switch_container_per_heartbeat() {
    // One 8 GiB node; the AM first, then locality-free executors, one per
    // heartbeat (maximum-offswitch-assignments 1).
    let mut rm = ResourceManager::new(RmConf::default(), &[(8192, 8)]);
    rm.submit(0, 0, AM);
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 0)]);
    rm.set_asks(0, asks(4, None));
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 1)]);
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 1)]);
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 1)]);
    // 1024 + 3 × 2048 = 7168: the fourth does not fit.
    assert!(heartbeat(&mut rm, 0).is_empty());
    assert_eq!(rm.nodes[0].used_mem_mb, 7168);
    // Vcores are not enforced by the DefaultResourceCalculator.
    let mut rm = ResourceManager::new(RmConf::default(), &[(8192, 1)]);
    rm.submit(0, 0, AM);
    heartbeat(&mut rm, 0);
    rm.set_asks(0, asks(2, None));
    assert_eq!(heartbeat(&mut rm, 0).len(), 1);
    // The DominantResourceCalculator enforces them.
    let conf = RmConf {
        calculator: Calculator::Dominant,
        ..RmConf::default()
    };
    let mut rm = ResourceManager::new(conf, &[(8192, 1)]);
    rm.submit(0, 0, AM);
    heartbeat(&mut rm, 0);
    rm.set_asks(0, asks(2, None));
    assert!(heartbeat(&mut rm, 0).is_empty());
}

#[test]
fn node_local_asks_take_many_at_once_and_others_wait_for_the_delay() {
    let mut rm = ResourceManager::new(RmConf::default(), &[(16384, 8), (16384, 8)]);
    rm.submit(0, 0, AM);
    heartbeat(&mut rm, 1);
    rm.set_asks(0, asks(3, Some(vec![0])));
    // On node 0: all three, node-local, in one heartbeat.
    assert_eq!(heartbeat(&mut rm, 0).len(), 3);
    // Asks for node 0 offered node 1: missed 40 times, then rack-local.
    rm.set_asks(0, asks(1, Some(vec![0])));
    for _ in 0..40 {
        assert!(heartbeat(&mut rm, 1).is_empty());
    }
    assert_eq!(rm.app(0).unwrap().missed, 40);
    let out = heartbeat(&mut rm, 1);
    assert_eq!((out.len(), out[0].node), (1, 1));
    assert_eq!(rm.app(0).unwrap().missed, 0);
}

#[test]
fn queues_by_used_share_users_by_their_limit() {
    // Two queues of half the cluster each, maximum 100 %.
    let conf = RmConf {
        queues: vec![QueueConf::new("a", 0.5), QueueConf::new("b", 0.5)],
        ..RmConf::default()
    };
    let mut rm = ResourceManager::new(conf, &[(8192, 8), (8192, 8)]);
    rm.submit(0, 0, AM);
    rm.submit(1, 1, AM);
    // Both AMs start (one off-switch per heartbeat, one per node).
    heartbeat(&mut rm, 0);
    heartbeat(&mut rm, 1);
    assert_eq!(
        rm.app(0).unwrap().am_mem_mb + rm.app(1).unwrap().am_mem_mb,
        2048
    );
    // App 0 asks for node-local containers everywhere: its user limit is
    // the queue's capacity × 1 = 8 GiB, so it stops at 1024 + 3 × 2048.
    rm.set_asks(0, asks(8, Some(vec![0, 1])));
    let n: usize = (0..4)
        .map(|_| heartbeat(&mut rm, 0).len() + heartbeat(&mut rm, 1).len())
        .sum();
    assert_eq!(n, 3);
    assert_eq!(rm.app(0).unwrap().used_mem_mb, 7168);
    // Queue b, less used, goes first when both ask.
    rm.set_asks(1, asks(1, Some(vec![0, 1])));
    let out = heartbeat(&mut rm, 1);
    assert_eq!(granted(&out), vec![(1, 1)]);
}

#[test]
fn am_resource_percent_holds_later_apps_in_accepted() {
    // 10 GiB cluster: AMs may use 10 % = 1 GiB once one runs.
    let mut rm = ResourceManager::new(RmConf::default(), &[(10240, 8)]);
    rm.submit(0, 0, AM);
    rm.submit(1, 0, AM);
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 0)]);
    assert!(heartbeat(&mut rm, 0).is_empty(), "app 1 waits ACCEPTED");
    // App 0's AM ends: app 1's AM starts.
    rm.release(0, 0, AM, true);
    rm.remove(0);
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(1, 0)]);
}

#[test]
fn fifo_gives_the_first_app_everything_that_fits() {
    let conf = RmConf {
        kind: SchedulerKind::Fifo,
        ..RmConf::default()
    };
    let mut rm = ResourceManager::new(conf, &[(8192, 8)]);
    rm.submit(0, 0, AM);
    rm.submit(1, 0, AM);
    // Both AMs in one heartbeat (no AM limit, no off-switch cap).
    assert_eq!(granted(&heartbeat(&mut rm, 0)), vec![(0, 0), (1, 0)]);
    rm.set_asks(0, asks(4, None));
    rm.set_asks(1, asks(4, None));
    // 8192 − 2048 = 6144: three executors, all app 0's.
    assert_eq!(
        granted(&heartbeat(&mut rm, 0)),
        vec![(0, 1), (0, 1), (0, 1)]
    );
}

#[test]
fn an_apps_excluded_nodes_get_nothing_of_it() {
    let mut rm = ResourceManager::new(RmConf::default(), &[(8192, 8), (8192, 8)]);
    rm.submit(0, 0, AM);
    heartbeat(&mut rm, 0);
    rm.set_asks(0, asks(2, None));
    rm.set_excluded(0, vec![1]);
    assert!(heartbeat(&mut rm, 1).is_empty());
    assert_eq!(heartbeat(&mut rm, 0).len(), 1);
}

#[test]
fn maximum_capacity_caps_a_queue_even_when_the_cluster_is_idle() {
    // Queue a: 50 % guaranteed, 50 % maximum; b idle. a's app (user limit
    // factor 2, so only the queue's maximum binds) stops at half of 16 GiB.
    let mut a = QueueConf::new("a", 0.5);
    a.max_capacity = 0.5;
    a.user_limit_factor = 2.0;
    let conf = RmConf {
        queues: vec![a, QueueConf::new("b", 0.5)],
        ..RmConf::default()
    };
    let mut rm = ResourceManager::new(conf, &[(16384, 16)]);
    rm.submit(0, 0, AM);
    heartbeat(&mut rm, 0);
    rm.set_asks(0, asks(8, Some(vec![0])));
    let n: usize = (0..5).map(|_| heartbeat(&mut rm, 0).len()).sum();
    // 1024 (AM) + 3 × 2048 = 7168 ≤ 8192; a fourth would pass it.
    assert_eq!(n, 3);
    assert_eq!(rm.app(0).unwrap().used_mem_mb, 7168);
}

#[test]
fn apps_in_a_leaf_queue_are_fifo() {
    // Two apps in the default queue (AM limit 50 %): the first takes every
    // container that fits before the second gets one.
    let mut q = QueueConf::new("default", 1.0);
    q.max_am_percent = 0.5;
    let conf = RmConf {
        queues: vec![q],
        ..RmConf::default()
    };
    let mut rm = ResourceManager::new(conf, &[(8192, 8), (8192, 8)]);
    rm.submit(0, 0, AM);
    rm.submit(1, 0, AM);
    heartbeat(&mut rm, 0);
    heartbeat(&mut rm, 1);
    rm.set_asks(0, asks(8, Some(vec![0, 1])));
    rm.set_asks(1, asks(8, Some(vec![0, 1])));
    let mut got: Vec<u32> = Vec::new();
    for _ in 0..3 {
        for n in 0..2 {
            got.extend(heartbeat(&mut rm, n).iter().map(|a| a.app));
        }
    }
    // 2 × 8 GiB less two 1 GiB AMs: six 2 GiB containers, all app 0's.
    assert_eq!(got, vec![0; 6]);
}
