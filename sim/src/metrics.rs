//! What a run records: job, executor and offer rows, periodic samples, and
//! time integrals of offered, allocated and busy CPUs for the summary.
//!
//! Amounts are kept in thousandths (`Milli`) and integrals in thousandth·µs,
//! so every number in the reports comes from integers.

use policies::model::{AgentId, FrameworkId, Milli};

use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRow {
    pub app: String,
    pub job: u64,
    pub submit: SimTime,
    pub start: Option<SimTime>,
    pub end: Option<SimTime>,
    pub stages: u32,
    pub tasks: u32,
    /// Tasks that ran on an agent holding a replica of their input block.
    pub local_tasks: u32,
    /// Tasks that read an input block.
    pub input_tasks: u32,
    /// Aborted (a task failed `spark.task.maxFailures` times).
    pub failed: bool,
    /// Task attempts launched (retries of failed and lost tasks included).
    pub attempts: u32,
}

/// One row of `failures.csv`: something failed, or its manager noticed,
/// or it came back, and what it took down.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureRow {
    pub time: SimTime,
    /// `machine_down`, `machine_lost` (its manager noticed), `machine_up`,
    /// `executor_lost` (its driver noticed), `driver_lost`.
    pub event: &'static str,
    pub host: String,
    /// The app it concerns (empty: the machine as a whole).
    pub app: String,
    /// What caused it: the fault (`faults.N agent_failure`), or the
    /// manager's rule that noticed.
    pub cause: String,
    pub executors: u32,
    pub tasks: u32,
    /// Work of the task attempts it discarded, µs at full speed.
    pub lost_work: f64,
    /// Map outputs (shuffle blocks) it made unreadable.
    pub map_outputs: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutorRow {
    pub app: String,
    pub executor: u64,
    pub agent: AgentId,
    pub host: String,
    /// What Mesos accounts (coarse: whole cores; fine: the executor cores,
    /// possibly fractional).
    pub cpus: Milli,
    pub advertised_cores: Option<u32>,
    pub mem_mb: u64,
    pub launch: SimTime,
    pub ready: Option<SimTime>,
    pub end: Option<SimTime>,
    pub end_reason: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferRow {
    pub offer_s: SimTime,
    pub framework: FrameworkId,
    pub agent: AgentId,
    pub cpus: Milli,
    pub mem_mb: Milli,
    pub outcome: &'static str,
    pub refuse_s: Option<SimDuration>,
    pub resolved_s: SimTime,
}

/// A change of an app's executor target (dynamic allocation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationRow {
    pub time: SimTime,
    pub app: String,
    pub target: u32,
    pub executors: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UtilizationRow {
    pub time: SimTime,
    pub cpus_offered: i64,
    pub cpus_allocated: i64,
    pub cpus_busy: i64,
    pub mem_offered: i64,
    pub mem_allocated: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    pub time: SimTime,
    pub framework: FrameworkId,
    pub cpus: i64,
    pub mem: i64,
    pub dominant_share: f64,
}

/// One framework's allocated CPUs over time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameworkCpus {
    pub cpus: i64,
    pub since: SimTime,
    pub integral: i128,
}

impl FrameworkCpus {
    fn advance(&mut self, to: SimTime) {
        let dt = i128::from(to.since(self.since).as_micros());
        self.integral += i128::from(self.cpus) * dt;
        self.since = self.since.max(to);
    }
}

/// Everything one run records.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub sample_interval: SimDuration,
    pub cpus_total: i64,
    pub mem_total: i64,
    /// Framework names and roles, by id.
    pub frameworks: Vec<(String, String)>,
    // Current totals (thousandths).
    pub cpus_offered: i64,
    pub cpus_allocated: i64,
    pub cpus_busy: i64,
    pub mem_offered: i64,
    pub mem_allocated: i64,
    /// Per framework (by id): CPUs its launched tasks hold now, since
    /// when, and their integral up to then (thousandths × µs), kept as
    /// each changes, so a framework costs nothing between its changes.
    pub fw_allocated: Vec<FrameworkCpus>,
    /// Per framework (by id): memory its executors and drivers hold now
    /// (thousandths of MiB), kept by the managers other than Mesos, whose
    /// master keeps its own books.
    pub fw_mem: Vec<i64>,
    // Integrals over time (thousandths × µs).
    pub offered_integral: i128,
    pub allocated_integral: i128,
    pub busy_integral: i128,
    pub end: SimTime,
    // Counters.
    pub offers_made: u64,
    pub offers_declined: u64,
    pub executors_launched: u64,
    pub allocation_runs: u64,
    /// The Mesos master's allocation runs, their total duration.
    pub allocation_run_time: SimDuration,
    /// Supervised cluster-mode drivers relaunched after a failure.
    pub driver_relaunches: u64,
    /// Work of discarded task attempts (failed, killed with an aborted
    /// job, lost with their executor), µs at full speed, by app.
    pub lost_work: std::collections::BTreeMap<String, f64>,
    /// Stage attempts failed on fetch failures (shuffle outputs lost), and
    /// map stages submitted again for lost outputs, by app.
    pub fetch_failures: std::collections::BTreeMap<String, u64>,
    pub stage_resubmissions: std::collections::BTreeMap<String, u64>,
    /// Shuffle map outputs lost, all apps.
    pub map_outputs_lost: u64,
    /// Running task attempts lost with their executor, all apps.
    pub tasks_lost: u64,
    /// Executors lost or failed (not killed), by app.
    pub executors_lost: std::collections::BTreeMap<String, u64>,
    /// Whether the Mesos master ran (offers exist only then).
    pub on_mesos: bool,
    /// The cluster manager's name (`cluster.manager`).
    pub manager: &'static str,
    /// YARN: container requests the AMs sent (AM containers included) and
    /// containers the ResourceManager granted (`None` on other managers).
    pub containers: Option<(u64, u64)>,
    // Rows.
    pub jobs: Vec<JobRow>,
    pub executors: Vec<ExecutorRow>,
    pub failures: Vec<FailureRow>,
    pub offers: Vec<OfferRow>,
    pub allocations: Vec<AllocationRow>,
    /// Frameworks the master refused at registration, with the reason.
    pub refused: Vec<(String, String)>,
    pub utilization: Vec<UtilizationRow>,
    pub shares: Vec<ShareRow>,
}

/// The failure counters at one instant: what a failure took down is the
/// difference after it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FailureCounts {
    pub executors: u64,
    pub tasks: u64,
    pub lost_work: f64,
    pub map_outputs: u64,
}

impl Metrics {
    /// The failure counters now.
    pub fn failure_counts(&self) -> FailureCounts {
        FailureCounts {
            executors: self.executors_lost.values().sum(),
            tasks: self.tasks_lost,
            lost_work: self.lost_work.values().sum(),
            map_outputs: self.map_outputs_lost,
        }
    }

    /// A row of `failures.csv` for what happened since `before`.
    pub fn failure_since(
        &mut self,
        before: FailureCounts,
        time: SimTime,
        event: &'static str,
        host: String,
        app: String,
        cause: String,
    ) {
        let now = self.failure_counts();
        self.failures.push(FailureRow {
            time,
            event,
            host,
            app,
            cause,
            executors: (now.executors - before.executors) as u32,
            tasks: (now.tasks - before.tasks) as u32,
            lost_work: now.lost_work - before.lost_work,
            map_outputs: (now.map_outputs - before.map_outputs) as u32,
        });
    }

    pub fn new(sc: &Scenario) -> Metrics {
        let mut cpus_total = 0;
        let mut mem_total = 0;
        for g in &sc.agents {
            cpus_total += g.resources.cpus().0 * i64::from(g.count);
            mem_total += g.resources.mem_mb().0 * i64::from(g.count);
        }
        let mut frameworks: Vec<(String, String)> = sc
            .apps
            .iter()
            .map(|a| (a.name.clone(), a.settings.role.clone()))
            .collect();
        let cluster = sc
            .apps
            .iter()
            .any(|a| a.deploy_mode == crate::scenario::DeployMode::Cluster && a.master.is_mesos());
        frameworks.extend(
            sc.frameworks
                .iter()
                .map(|f| (f.name.clone(), f.role.clone())),
        );
        if cluster {
            frameworks.push(("dispatcher".to_string(), "*".to_string()));
        }
        Metrics {
            sample_interval: sc.run.sample_interval,
            cpus_total,
            mem_total,
            fw_allocated: vec![FrameworkCpus::default(); frameworks.len()],
            fw_mem: vec![0; frameworks.len()],
            frameworks,
            cpus_offered: 0,
            cpus_allocated: 0,
            cpus_busy: 0,
            mem_offered: 0,
            mem_allocated: 0,
            offered_integral: 0,
            allocated_integral: 0,
            busy_integral: 0,
            end: SimTime::ZERO,
            offers_made: 0,
            offers_declined: 0,
            executors_launched: 0,
            allocation_runs: 0,
            allocation_run_time: SimDuration::ZERO,
            driver_relaunches: 0,
            lost_work: std::collections::BTreeMap::new(),
            fetch_failures: std::collections::BTreeMap::new(),
            stage_resubmissions: std::collections::BTreeMap::new(),
            executors_lost: std::collections::BTreeMap::new(),
            map_outputs_lost: 0,
            tasks_lost: 0,
            on_mesos: true,
            manager: sc.manager.name(),
            containers: None,
            jobs: Vec::new(),
            executors: Vec::new(),
            failures: Vec::new(),
            offers: Vec::new(),
            allocations: Vec::new(),
            refused: Vec::new(),
            utilization: Vec::new(),
            shares: Vec::new(),
        }
    }

    /// Accumulates the current totals over `[from, to)`.
    pub fn integrate(&mut self, from: SimTime, to: SimTime) {
        let dt = i128::from(to.since(from).as_micros());
        if dt > 0 {
            self.offered_integral += i128::from(self.cpus_offered) * dt;
            self.allocated_integral += i128::from(self.cpus_allocated) * dt;
            self.busy_integral += i128::from(self.cpus_busy) * dt;
        }
    }

    /// A framework's launched tasks now hold `delta` more CPUs
    /// (thousandths; negative when tasks end).
    pub fn allocated_by(&mut self, fw: FrameworkId, now: SimTime, delta: i64) {
        if let Some(f) = self.fw_allocated.get_mut(fw.index()) {
            f.advance(now);
            f.cpus += delta;
        }
        self.cpus_allocated += delta;
    }

    /// A framework now holds `cpus` more CPUs and `mem` more MiB
    /// (thousandths; negative when released), outside Mesos's books.
    pub fn held_by(&mut self, fw: FrameworkId, now: SimTime, cpus: i64, mem: i64) {
        self.allocated_by(fw, now, cpus);
        if let Some(m) = self.fw_mem.get_mut(fw.index()) {
            *m += mem;
        }
        self.mem_allocated += mem;
    }

    /// The utilization row and each framework's share now, from these
    /// books (the managers other than Mesos).
    pub fn sample(&self, now: SimTime) -> (UtilizationRow, Vec<ShareRow>) {
        let row = UtilizationRow {
            time: now,
            cpus_offered: self.cpus_offered,
            cpus_allocated: self.cpus_allocated,
            cpus_busy: self.cpus_busy,
            mem_offered: self.mem_offered,
            mem_allocated: self.mem_allocated,
        };
        let share = |x: i64, total: i64| {
            if total > 0 {
                x as f64 / total as f64
            } else {
                0.0
            }
        };
        let shares = self
            .fw_allocated
            .iter()
            .zip(&self.fw_mem)
            .enumerate()
            .map(|(i, (c, m))| ShareRow {
                time: now,
                framework: FrameworkId(i as u32),
                cpus: c.cpus,
                mem: *m,
                dominant_share: share(c.cpus, self.cpus_total).max(share(*m, self.mem_total)),
            })
            .collect();
        (row, shares)
    }

    pub fn finish(&mut self, end: SimTime) {
        self.end = end;
        for f in &mut self.fw_allocated {
            f.advance(end);
        }
    }

    /// Time-weighted mean of an integral as a fraction of the cluster's CPUs.
    pub fn mean_fraction(&self, integral: i128) -> f64 {
        let denom = i128::from(self.cpus_total) * i128::from(self.end.as_micros());
        if denom == 0 {
            0.0
        } else {
            integral as f64 / denom as f64
        }
    }
}
