//! The YARN ResourceManager in time: the scenario's machines as
//! NodeManagers, each heartbeating every
//! `yarn.resourcemanager.nodemanagers.heartbeat-interval-ms` (1 s) at its
//! own phase drawn from the seed; the scheduler places containers only on
//! those heartbeats (`policies::yarn`, reference standalone-yarn-local.md
//! §2.9). Containers for an app's executors wait at the ResourceManager
//! until its AM's next `allocate` call; an AM container is launched by the
//! ResourceManager itself.
//!
//! Heartbeats that could place nothing (no app asks for anything) are not
//! scheduled; when demand comes back every node resumes at its own phase,
//! so the times are those of an always-heartbeating cluster.

use std::collections::BTreeMap;

use policies::yarn::container::Bounds;
use policies::yarn::heartbeat::heartbeat;
use policies::yarn::resource_manager::{Allocation, ResourceManager};
use rand_core::Rng;

use crate::rng::RngStreams;
use crate::scenario::YarnConfig;
use crate::time::{SimDuration, SimTime};
use crate::world::events::Event;
use crate::world::kernel::{Kernel, Machine};

pub(crate) struct YarnRm {
    pub rm: ResourceManager,
    pub bounds: Bounds,
    pub container_launch: SimDuration,
    pub allocation_expiry: SimDuration,
    pub am_max_attempts: u32,
    period: SimDuration,
    /// Each node's heartbeat phase within the period.
    phase: Vec<SimDuration>,
    /// Whether each node's next heartbeat is queued.
    awake: Vec<bool>,
    /// Executor containers granted and not yet pulled, per app.
    pub granted: BTreeMap<u32, Vec<Allocation>>,
    /// The ResourceManager is restarting: no heartbeat places anything, no
    /// AM's `allocate` is answered.
    pub down: bool,
    /// `yarn.resourcemanager.recovery.enabled` and
    /// `work-preserving-recovery.enabled`.
    pub recovery: bool,
    pub work_preserving: bool,
}

impl YarnRm {
    pub fn new(cfg: &YarnConfig, machines: &[Machine], streams: &RngStreams) -> YarnRm {
        let nodes: Vec<(u64, u32)> = machines
            .iter()
            .map(|m| {
                (
                    cfg.nm_memory_mb
                        .unwrap_or(m.total.mem_mb().whole_units().max(0) as u64),
                    cfg.nm_vcores
                        .unwrap_or(m.total.cpus().whole_units().max(0) as u32),
                )
            })
            .collect();
        let mut rng = streams.stream("yarn-nm-heartbeat-phase", 0);
        let period = cfg.heartbeat;
        let phase = (0..machines.len())
            .map(|_| {
                let draw = rng.next_u64() % period.as_micros().max(1);
                SimDuration(if cfg.aligned_heartbeats { 0 } else { draw })
            })
            .collect();
        YarnRm {
            rm: ResourceManager::new(cfg.rm.clone(), &nodes),
            bounds: cfg.bounds,
            container_launch: cfg.container_launch,
            allocation_expiry: cfg.allocation_expiry,
            am_max_attempts: cfg.am_max_attempts,
            period,
            phase,
            awake: vec![false; machines.len()],
            granted: BTreeMap::new(),
            down: false,
            recovery: cfg.rm_recovery,
            work_preserving: cfg.work_preserving,
        }
    }

    /// Demand may have appeared: every resting node resumes at its phase.
    pub fn wake(&mut self, k: &mut Kernel) {
        if !self.rm.has_demand() {
            return;
        }
        let period = self.period.as_micros().max(1);
        for (n, awake) in self.awake.iter_mut().enumerate() {
            if *awake {
                continue;
            }
            *awake = true;
            let phase = self.phase[n].as_micros();
            let now = k.now.0;
            let next = if now <= phase {
                phase
            } else {
                phase + (now - phase).div_ceil(period) * period
            };
            k.push(SimTime(next), Event::NodeHeartbeat(n as u32));
        }
    }

    /// Node `n` sends no heartbeat (its machine failed): it rests until
    /// woken.
    pub fn rest(&mut self, n: usize) {
        self.awake[n] = false;
    }

    /// Node `n` heartbeats: what the scheduler placed there. The next
    /// heartbeat is queued while anything is asked for.
    pub fn heartbeat(&mut self, k: &mut Kernel, n: usize) -> Vec<Allocation> {
        let out = heartbeat(&mut self.rm, n);
        if self.rm.has_demand() {
            k.push(k.now + self.period, Event::NodeHeartbeat(n as u32));
        } else {
            self.awake[n] = false;
        }
        out
    }
}
