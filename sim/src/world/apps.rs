//! The frameworks of a run as the world keeps them: each Spark app (its
//! driver and its cluster manager's side), other Mesos frameworks, the
//! cluster-mode dispatcher.

use policies::model::FrameworkId;

use super::kernel::Kernel;
use super::local::LocalBackend;
use super::mesos::dispatcher::Dispatcher;
use super::mesos::other::OtherFramework;
use super::mesos::spark::MesosSpark;
use super::spark::driver::SparkDriver;
use super::standalone::master::StandaloneMaster;
use super::standalone::spark::{self as standalone_spark, StandaloneSpark};
use super::yarn::application_master::YarnSpark;

/// A Spark application: its driver, and its cluster manager's side.
pub(crate) struct SparkApp {
    pub driver: SparkDriver,
    pub backend: Backend,
}

/// The cluster manager's side of a Spark app.
// One per app, inside the boxed `SparkApp`: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Backend {
    Mesos(MesosSpark),
    Standalone(StandaloneSpark),
    Yarn(YarnSpark),
    Local(LocalBackend),
}

impl SparkApp {
    pub(crate) fn mesos(&mut self) -> Option<&mut MesosSpark> {
        match &mut self.backend {
            Backend::Mesos(s) => Some(s),
            _ => None,
        }
    }

    /// Cluster deploy mode: the driver runs on the cluster.
    pub(crate) fn cluster(&self) -> bool {
        match &self.backend {
            Backend::Mesos(s) => s.cluster,
            Backend::Standalone(s) => s.cluster,
            Backend::Yarn(s) => s.cluster,
            Backend::Local(_) => false,
        }
    }
}

pub(crate) enum Framework {
    Spark(Box<SparkApp>),
    Other(Box<OtherFramework>),
    Dispatcher(Box<Dispatcher>),
}

impl Framework {
    pub(crate) fn stopped(&self) -> bool {
        match self {
            // A driver being relaunched is coming back.
            Framework::Spark(a) => a.driver.stopped && !a.driver.restarting,
            Framework::Other(o) => o.stopped,
            Framework::Dispatcher(d) => d.stopped,
        }
    }
}

pub(crate) fn spark_app(frameworks: &mut [Framework], fw: FrameworkId) -> &mut SparkApp {
    match &mut frameworks[fw.index()] {
        Framework::Spark(a) => a,
        _ => unreachable!("framework {fw} is not a Spark app"),
    }
}

/// Applies the standalone Master's decisions at once: executors granted
/// to their drivers, drivers started on their workers.
pub(crate) fn apply_standalone(
    k: &mut Kernel,
    c: &mut StandaloneMaster,
    frameworks: &mut [Framework],
    launches: Vec<policies::standalone::Launch>,
) {
    if c.down {
        // No Master is ALIVE: its decisions wait for the recovery.
        c.held.extend(launches);
        return;
    }
    for l in launches {
        match l {
            policies::standalone::Launch::Executor { app, executor } => {
                let a = spark_app(frameworks, FrameworkId(app));
                standalone_spark::launch_executor(k, c, &mut a.driver, executor);
            }
            policies::standalone::Launch::Driver { app, worker } => {
                let a = spark_app(frameworks, FrameworkId(app));
                if let Backend::Standalone(s) = &mut a.backend {
                    standalone_spark::launch_driver(k, c, &a.driver, s, worker);
                }
            }
        }
    }
}
