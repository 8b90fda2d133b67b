//! The simulation kernel every component shares, whatever the cluster
//! manager: the clock, the event queue, the machines, the input blocks and
//! the books of the run (metrics). It knows no manager and no framework.

use policies::model::{AgentId, Attributes, Resources};

use crate::metrics::{ExecutorRow, Metrics};
use crate::queue::{EventQueue, Handle, Scheduled};
use crate::time::SimTime;
use crate::world::data::Storage;
use crate::world::events::Event;

/// Options that do not change what is simulated.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Record every offer for `offers.csv`.
    pub record_offers: bool,
    /// Check the invariants after every event ([`crate::check`]).
    pub check_invariants: bool,
}

/// One machine of the scenario: a Mesos agent, a standalone worker or a
/// YARN NodeManager, depending on the manager.
#[derive(Clone, Debug)]
pub(crate) struct Machine {
    pub hostname: String,
    pub total: Resources,
    pub attributes: Attributes,
}

/// A machine's CPUs as executors that do not isolate their CPUs share
/// them (YARN containers: a NodeManager without cgroups lets every task
/// thread run on any CPU): their tasks' demand against the machine's cpus,
/// in thousandths.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SharedCpus {
    pub capacity_milli: i64,
    pub demand_milli: i64,
}

impl SharedCpus {
    /// The speed of every sharing task on the machine: 1 while the demand
    /// fits, else capacity ÷ demand (fluid processor sharing).
    pub fn factor(self) -> f64 {
        if self.demand_milli <= self.capacity_milli {
            1.0
        } else {
            self.capacity_milli as f64 / self.demand_milli as f64
        }
    }
}

pub(crate) struct Kernel {
    pub now: SimTime,
    /// Where arrivals stop, and where the run stops (horizon + drain).
    pub horizon: SimTime,
    pub end: SimTime,
    queue: EventQueue<Event>,
    pub opts: RunOptions,
    pub machines: Vec<Machine>,
    /// Each machine's CPUs as shared by executors without isolation.
    pub shared_cpus: Vec<SharedCpus>,
    /// Input blocks: racks, placement, read costs (`[data]`).
    pub storage: Storage,
    pub metrics: Metrics,
    /// A broken rule found while handling an event (the run stops with it).
    pub violation: Option<String>,
    /// The latest instant, up to the end, at which a moved or dropped
    /// event was due (see [`Kernel::cancel`]).
    pub passed_max: SimTime,
    /// Each machine's state under machine failures (`[[faults]]`
    /// `agent_failure`…): empty when no fault takes machines down.
    pub hosts: Vec<HostState>,
}

/// A machine's life under machine failures.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HostState {
    /// Failures holding it down (it is up at 0): nothing runs on it.
    pub down: u32,
    /// Raised at every failure: detections of an earlier one are stale.
    pub generation: u32,
    /// Its manager has not yet noticed this failure.
    pub undetected: bool,
    /// When it (re-)registered with its manager: the phase of its
    /// heartbeats and pings.
    pub registered: SimTime,
    /// When it went down.
    pub since: SimTime,
    /// Only its agent, worker or NodeManager process failed (the host is
    /// up, the connection broke at once).
    pub process: bool,
    /// Mesos, process failure: the agent is deactivated, waiting to
    /// re-register (`agent_reregister_timeout`).
    pub disconnected: bool,
}

impl Kernel {
    pub(crate) fn new(
        horizon: SimTime,
        end: SimTime,
        opts: RunOptions,
        machines: Vec<Machine>,
        storage: Storage,
        metrics: Metrics,
    ) -> Kernel {
        let shared_cpus = machines
            .iter()
            .map(|m| SharedCpus {
                capacity_milli: m.total.cpus().0,
                demand_milli: 0,
            })
            .collect();
        Kernel {
            now: SimTime::ZERO,
            shared_cpus,
            horizon,
            end,
            queue: EventQueue::with_capacity(1024),
            opts,
            machines,
            storage,
            metrics,
            violation: None,
            passed_max: SimTime::ZERO,
            hosts: Vec::new(),
        }
    }

    /// Whether the scenario can take machines down at all (no per-task
    /// lookup is needed otherwise).
    pub(crate) fn machines_fail(&self) -> bool {
        !self.hosts.is_empty()
    }

    /// Whether nothing runs on the machine now (it failed).
    pub(crate) fn is_down(&self, agent: AgentId) -> bool {
        self.hosts.get(agent.index()).is_some_and(|h| h.down > 0)
    }

    pub(crate) fn push(&mut self, at: SimTime, event: Event) {
        self.queue.push(at, event.class(), event);
    }

    /// Schedules an event that may move later (an executor's next task
    /// completion).
    pub(crate) fn push_tracked(&mut self, at: SimTime, event: Event) -> Handle {
        self.queue.push_tracked(at, event.class(), event)
    }

    /// Moves a tracked event (as dropping it and pushing anew would).
    pub(crate) fn reschedule(&mut self, h: Handle, at: SimTime, event: Event) {
        let was = self.queue.reschedule(h, at, event.class(), event);
        self.passed_over(was);
    }

    /// Takes a tracked event out of the queue.
    pub(crate) fn cancel(&mut self, h: Handle) {
        let was = self.queue.cancel(h);
        self.passed_over(was);
    }

    /// An event due at `t` was moved or dropped. Before events could move,
    /// it stayed queued and was delivered as a no-op; the only trace that
    /// left is the clock at the end of a run that ran out of events (the
    /// last instant anything was delivered), which `World::run` restores
    /// from this.
    fn passed_over(&mut self, t: SimTime) {
        if t <= self.end {
            self.passed_max = self.passed_max.max(t);
        }
    }

    pub(crate) fn pop(&mut self) -> Option<Scheduled<Event>> {
        self.queue.pop()
    }

    pub(crate) fn hostname(&self, agent: AgentId) -> &str {
        &self.machines[agent.index()].hostname
    }

    pub(crate) fn executor_row(&mut self, row: ExecutorRow) {
        self.metrics.executors.push(row);
    }
}
