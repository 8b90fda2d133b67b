//! What happens in the world, in order of `(time, class, seq)`: every event
//! of every component, with its same-instant class and a stable code for
//! the run's fingerprint.

use policies::model::FrameworkId;

use crate::queue::EventClass;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The Mesos master's periodic allocation timer.
    AllocationTick,
    /// The Mesos master's pending (coalesced) allocation run.
    AllocationRun,
    FrameworkStart(FrameworkId),
    FrameworkStop(FrameworkId),
    JobArrival(FrameworkId),
    /// A Mesos task reaches TASK_RUNNING on its agent.
    TaskRunning(u64),
    /// A Spark executor registers with its driver (`uid`: the executor's
    /// world-wide number, its Mesos task on Mesos).
    ExecutorRegistered {
        app: FrameworkId,
        executor: u64,
        uid: u64,
    },
    /// A Spark task may be done on this executor (stale if the executor's
    /// version moved on).
    SparkTaskDone {
        app: FrameworkId,
        executor: u64,
        uid: u64,
        version: u64,
    },
    /// A non-Spark framework's task ends.
    OtherTaskDone(u64),
    /// A framework (Spark driver or other) answers a batch of offers it
    /// has been deciding on (the batch's number).
    OffersDecided(u64),
    /// `spark.scheduler.maxRegisteredResourcesWaitingTime` ran out for a
    /// driver: it is ready whatever has registered.
    DriverReadyTimeout(FrameworkId),
    /// The executor allocation manager's 100 ms `schedule()` of an app.
    DynamicAllocationTick(FrameworkId),
    /// A fine-grained Spark task (a Mesos task) ends.
    FineTaskDone(u64),
    /// A cluster-mode app is submitted to the dispatcher.
    DriverSubmitted(FrameworkId),
    /// A coarse driver's revive timer (`spark.scheduler.revive.interval`).
    SparkRevive(FrameworkId),
    /// A cluster-mode driver's JVM is up (its Mesos task uid).
    DriverStarted {
        app: FrameworkId,
        uid: u64,
    },
    /// The scenario's fault with this index happens.
    Fault(usize),
    /// A YARN NodeManager's heartbeat to the ResourceManager.
    NodeHeartbeat(u32),
    /// A YARN ApplicationMaster's `allocate` call (its allocation loop).
    AmAllocate(FrameworkId),
    /// A NodeManager started an executor's container.
    ContainerStarted {
        app: FrameworkId,
        executor: u32,
    },
    /// The speed of the tasks sharing a machine's CPUs changed: the
    /// executors there are planned again.
    MachineShare(u32),
    /// A granted container its AM skipped expires at the ResourceManager.
    ContainerExpired {
        app: FrameworkId,
        container: u64,
    },
    OfferTimeout(u64),
    Sample,
    /// A machine fails (`fault`: the scenario's fault that failed it).
    MachineDown {
        machine: u32,
        fault: u32,
    },
    /// A failed machine is repaired by fault `fault`'s repair.
    MachineUp {
        machine: u32,
        fault: u32,
    },
    /// The machine's cluster manager notices its failure of this
    /// generation (Mesos: unreachable; standalone: worker DEAD; YARN:
    /// NodeManager LOST).
    MachineLost {
        machine: u32,
        generation: u32,
    },
    /// The next master leads after fault `i`'s failover.
    MasterElected(usize),
    /// The driver's heartbeat receiver expires an executor that has not
    /// been heard from (`spark.network.timeout`).
    ExecutorExpired {
        app: FrameworkId,
        executor: u64,
        uid: u64,
    },
    /// A killed coarse Mesos executor's TASK_KILLED update reaches its
    /// driver (the executor's number).
    ExecutorKilled {
        app: FrameworkId,
        executor: u64,
    },
}

impl Event {
    pub(crate) fn class(self) -> EventClass {
        match self {
            Event::SparkTaskDone { .. } | Event::OtherTaskDone(_) | Event::FineTaskDone(_) => {
                EventClass::Completion
            }
            Event::TaskRunning(_)
            | Event::ExecutorRegistered { .. }
            | Event::ExecutorKilled { .. }
            | Event::ContainerStarted { .. }
            | Event::MachineShare(_) => EventClass::StatusUpdate,
            Event::FrameworkStart(_)
            | Event::FrameworkStop(_)
            | Event::JobArrival(_)
            | Event::DriverSubmitted(_)
            | Event::DriverStarted { .. }
            | Event::Fault(_)
            | Event::MachineDown { .. }
            | Event::MachineUp { .. } => EventClass::Arrival,
            Event::OfferTimeout(_)
            | Event::OffersDecided(_)
            | Event::DriverReadyTimeout(_)
            | Event::DynamicAllocationTick(_)
            | Event::SparkRevive(_)
            | Event::AmAllocate(_)
            | Event::ContainerExpired { .. }
            | Event::MachineLost { .. }
            | Event::ExecutorExpired { .. }
            | Event::MasterElected(_) => EventClass::Timer,
            Event::AllocationTick | Event::AllocationRun | Event::NodeHeartbeat(_) => {
                EventClass::Allocation
            }
            Event::Sample => EventClass::Sample,
        }
    }

    /// A stable code for the fingerprint.
    pub(crate) fn code(self) -> (u64, u64) {
        match self {
            Event::AllocationTick => (1, 0),
            Event::AllocationRun => (2, 0),
            Event::FrameworkStart(f) => (3, u64::from(f.0)),
            Event::FrameworkStop(f) => (4, u64::from(f.0)),
            Event::JobArrival(f) => (5, u64::from(f.0)),
            Event::TaskRunning(t) => (6, t),
            Event::ExecutorRegistered { uid, .. } => (7, uid),
            Event::SparkTaskDone { uid, version, .. } => (8, uid ^ (version << 40)),
            Event::OtherTaskDone(t) => (9, t),
            Event::OfferTimeout(o) => (10, o),
            Event::Sample => (11, 0),
            Event::DriverReadyTimeout(f) => (12, u64::from(f.0)),
            Event::DynamicAllocationTick(f) => (13, u64::from(f.0)),
            Event::FineTaskDone(t) => (14, t),
            Event::DriverSubmitted(f) => (15, u64::from(f.0)),
            Event::SparkRevive(f) => (16, u64::from(f.0)),
            Event::DriverStarted { app, uid } => (17, u64::from(app.0) ^ (uid << 20)),
            Event::Fault(i) => (18, i as u64),
            Event::NodeHeartbeat(n) => (19, u64::from(n)),
            Event::AmAllocate(f) => (20, u64::from(f.0)),
            Event::ContainerStarted { app, executor } => {
                (21, u64::from(app.0) ^ (u64::from(executor) << 20))
            }
            Event::ContainerExpired { app, container } => {
                (22, u64::from(app.0) ^ (container << 20))
            }
            Event::MachineShare(m) => (23, u64::from(m)),
            Event::MachineDown { machine, fault } => {
                (24, u64::from(machine) ^ (u64::from(fault) << 32))
            }
            Event::MachineUp { machine, fault } => {
                (25, u64::from(machine) ^ (u64::from(fault) << 32))
            }
            Event::MachineLost {
                machine,
                generation,
            } => (26, u64::from(machine) ^ (u64::from(generation) << 32)),
            Event::ExecutorExpired { uid, .. } => (27, uid),
            Event::MasterElected(i) => (28, i as u64),
            Event::OffersDecided(b) => (29, b),
            Event::ExecutorKilled { app, executor } => (30, u64::from(app.0) ^ (executor << 20)),
        }
    }
}
