//! The YARN ResourceManager's books, shared by its schedulers: the
//! NodeManagers' capacity and use, the leaf queues, each application's
//! outstanding asks and use, and the containers it granted. Allocation
//! happens only on a NodeManager's heartbeat (`super::heartbeat`), by the
//! configured scheduler (`super::capacity` or `super::fifo`).
//! This is the simulator's model of Hadoop's ResourceManager as reference
//! standalone-yarn-local.md §2.9 recommends, not Hadoop's code.

use super::container::Capability;

/// `yarn.resourcemanager.scheduler.class`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedulerKind {
    Capacity,
    Fifo,
}

/// `yarn.scheduler.capacity.resource-calculator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Calculator {
    /// `DefaultResourceCalculator`: memory only (vcores not enforced).
    Memory,
    /// `DominantResourceCalculator`: memory and vcores.
    Dominant,
}

/// A leaf queue under `root` (CapacityScheduler).
#[derive(Clone, Debug, PartialEq)]
pub struct QueueConf {
    pub name: String,
    /// `capacity`, a fraction of the cluster.
    pub capacity: f64,
    /// `maximum-capacity`, a fraction of the cluster.
    pub max_capacity: f64,
    pub user_limit_factor: f64,
    /// `maximum-am-resource-percent`, a fraction of the queue's capacity.
    pub max_am_percent: f64,
}

impl QueueConf {
    /// Hadoop's defaults for a queue of `capacity` (capacity-scheduler.xml).
    pub fn new(name: &str, capacity: f64) -> QueueConf {
        QueueConf {
            name: name.to_string(),
            capacity,
            max_capacity: 1.0,
            user_limit_factor: 1.0,
            max_am_percent: 0.1,
        }
    }
}

/// The scheduler's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RmConf {
    pub kind: SchedulerKind,
    pub calculator: Calculator,
    pub queues: Vec<QueueConf>,
    /// `node-locality-delay`: missed opportunities before a request with a
    /// node list takes another node of its rack (40).
    pub node_locality_delay: u32,
    /// `per-node-heartbeat.multiple-assignments-enabled` (true).
    pub multiple_assignments: bool,
    /// `per-node-heartbeat.maximum-offswitch-assignments` (1).
    pub max_offswitch: u32,
}

impl Default for RmConf {
    fn default() -> RmConf {
        RmConf {
            kind: SchedulerKind::Capacity,
            calculator: Calculator::Memory,
            queues: vec![QueueConf::new("default", 1.0)],
            node_locality_delay: 40,
            multiple_assignments: true,
            max_offswitch: 1,
        }
    }
}

/// A NodeManager's capacity and use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub mem_mb: u64,
    pub vcores: u32,
    pub used_mem_mb: u64,
    pub used_vcores: u32,
    /// RUNNING (else LOST: out of the cluster's capacity).
    pub running: bool,
}

/// One outstanding container ask of an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// 0 for the AM container, 1 for executors (Spark's priority).
    pub priority: u32,
    pub nodes: Option<Vec<usize>>,
    pub capability: Capability,
}

/// An application attempt's books.
#[derive(Clone, Debug)]
pub struct RmApp {
    pub key: u32,
    pub queue: usize,
    pub asks: Vec<Ask>,
    /// Scheduling opportunities missed for locality since its last grant.
    pub missed: u32,
    /// Whether its AM container runs (then it counts toward the AM limit).
    pub am_mem_mb: u64,
    pub used_mem_mb: u64,
    pub used_vcores: u32,
    /// Nodes its AM excludes (`updateBlacklist`): nothing is placed there.
    pub excluded: Vec<usize>,
}

/// A container the scheduler granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub app: u32,
    pub container: u64,
    pub node: usize,
    pub capability: Capability,
    /// The ask it was charged to.
    pub ask: Ask,
}

#[derive(Clone, Debug)]
pub struct ResourceManager {
    pub conf: RmConf,
    pub nodes: Vec<Node>,
    /// Applications in submission order.
    pub apps: Vec<RmApp>,
    pub total_mem_mb: u64,
    pub total_vcores: u32,
    next_container: u64,
}

impl ResourceManager {
    /// NodeManagers of these `(MiB, vcores)`.
    pub fn new(conf: RmConf, nodes: &[(u64, u32)]) -> ResourceManager {
        ResourceManager {
            conf,
            nodes: nodes
                .iter()
                .map(|&(m, v)| Node {
                    mem_mb: m,
                    vcores: v,
                    used_mem_mb: 0,
                    used_vcores: 0,
                    running: true,
                })
                .collect(),
            apps: Vec::new(),
            total_mem_mb: nodes.iter().map(|n| n.0).sum(),
            total_vcores: nodes.iter().map(|n| n.1).sum(),
            next_container: 0,
        }
    }

    /// `submitApplication`: the app waits for its AM container (ACCEPTED).
    pub fn submit(&mut self, key: u32, queue: usize, am: Capability) {
        self.apps.push(RmApp {
            key,
            queue,
            asks: vec![Ask {
                priority: 0,
                nodes: None,
                capability: am,
            }],
            missed: 0,
            am_mem_mb: 0,
            used_mem_mb: 0,
            used_vcores: 0,
            excluded: Vec::new(),
        });
    }

    /// The app finished: it leaves (its containers are released apart).
    pub fn remove(&mut self, key: u32) {
        self.apps.retain(|a| a.key != key);
    }

    pub fn app(&self, key: u32) -> Option<&RmApp> {
        self.apps.iter().find(|a| a.key == key)
    }

    /// The AM's `allocate` call: its executor asks are now `asks` (the
    /// AM ask, if still outstanding, stays).
    pub fn set_asks(&mut self, key: u32, asks: Vec<Ask>) {
        if let Some(a) = self.apps.iter_mut().find(|a| a.key == key) {
            a.asks.retain(|x| x.priority == 0);
            a.asks.extend(asks);
        }
    }

    /// The AM's excluded nodes, sent with its `allocate`.
    pub fn set_excluded(&mut self, key: u32, nodes: Vec<usize>) {
        if let Some(a) = self.apps.iter_mut().find(|a| a.key == key) {
            a.excluded = nodes;
        }
    }

    /// Whether any application asks for anything (heartbeats can rest).
    pub fn has_demand(&self) -> bool {
        self.apps.iter().any(|a| !a.asks.is_empty())
    }

    /// A container of `app` on `node` ended or was released.
    pub fn release(&mut self, app: u32, node: usize, c: Capability, am: bool) {
        let n = &mut self.nodes[node];
        n.used_mem_mb -= c.mem_mb;
        n.used_vcores -= c.vcores;
        if let Some(a) = self.apps.iter_mut().find(|a| a.key == app) {
            a.used_mem_mb -= c.mem_mb;
            a.used_vcores -= c.vcores;
            if am {
                a.am_mem_mb -= c.mem_mb;
            }
        }
    }

    /// The NodeManager is LOST (no heartbeat for
    /// `yarn.nm.liveness-monitor.expiry-interval-ms`, reference
    /// standalone-yarn-local.md §2.9 point 6): its capacity leaves the
    /// cluster's (the queues' shares shrink with it). Its containers must
    /// have been released first.
    pub fn node_lost(&mut self, node: usize) {
        let n = &mut self.nodes[node];
        if n.running {
            n.running = false;
            self.total_mem_mb -= n.mem_mb;
            self.total_vcores -= n.vcores;
        }
    }

    /// The NodeManager registers again, empty: its capacity is back.
    pub fn node_registered(&mut self, node: usize) {
        let n = &mut self.nodes[node];
        if !n.running {
            n.running = true;
            n.used_mem_mb = 0;
            n.used_vcores = 0;
            self.total_mem_mb += n.mem_mb;
            self.total_vcores += n.vcores;
        }
    }

    /// Whether `c` fits on `node` under the calculator.
    pub fn fits(&self, node: usize, c: Capability) -> bool {
        let n = &self.nodes[node];
        if !n.running {
            return false;
        }
        let mem = n.mem_mb - n.used_mem_mb >= c.mem_mb;
        match self.conf.calculator {
            Calculator::Memory => mem,
            Calculator::Dominant => mem && n.vcores - n.used_vcores >= c.vcores,
        }
    }

    /// Grants app `ai`'s ask `ask` on `node`.
    pub fn grant(&mut self, ai: usize, ask: usize, node: usize) -> Allocation {
        let a = &mut self.apps[ai];
        let ask = a.asks.remove(ask);
        let c = ask.capability;
        a.used_mem_mb += c.mem_mb;
        a.used_vcores += c.vcores;
        if ask.priority == 0 {
            a.am_mem_mb += c.mem_mb;
        }
        a.missed = 0;
        let n = &mut self.nodes[node];
        n.used_mem_mb += c.mem_mb;
        n.used_vcores += c.vcores;
        self.next_container += 1;
        Allocation {
            app: a.key,
            container: self.next_container,
            node,
            capability: c,
            ask,
        }
    }
}
