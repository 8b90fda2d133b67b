//! The reports' columns, declared once, low: the writers, `sim merge`,
//! the charts and validation (`run.chart_metrics`) all read them here
//! (SPEC §3; docs/metrics.md documents each).

pub const JOBS: [&str; 15] = [
    "point",
    "replication",
    "app",
    "job",
    "submit_s",
    "start_s",
    "end_s",
    "latency_s",
    "wait_s",
    "stages",
    "tasks",
    "local_tasks",
    "input_tasks",
    "status",
    "attempts",
];
pub const EXECUTORS: [&str; 14] = [
    "point",
    "replication",
    "app",
    "executor",
    "agent",
    "host",
    "cpus",
    "advertised_cores",
    "mem_mb",
    "launch_s",
    "ready_s",
    "end_s",
    "end_reason",
    "incarnation",
];
pub const UTILIZATION: [&str; 10] = [
    "point",
    "replication",
    "time_s",
    "cpus_total",
    "cpus_offered",
    "cpus_allocated",
    "cpus_busy",
    "mem_total_mb",
    "mem_offered_mb",
    "mem_allocated_mb",
];
pub const SHARES: [&str; 8] = [
    "point",
    "replication",
    "time_s",
    "role",
    "framework",
    "cpus_allocated",
    "mem_allocated_mb",
    "dominant_share",
];
pub const ALLOCATION: [&str; 6] = [
    "point",
    "replication",
    "time_s",
    "app",
    "target_executors",
    "executors",
];
pub const OFFERS: [&str; 10] = [
    "point",
    "replication",
    "offer_s",
    "framework",
    "agent",
    "cpus",
    "mem_mb",
    "outcome",
    "refuse_s",
    "resolved_s",
];
pub const FAILURES: [&str; 11] = [
    "point",
    "replication",
    "time_s",
    "event",
    "host",
    "app",
    "cause",
    "executors",
    "tasks",
    "lost_task_s",
    "map_outputs",
];
pub const SUMMARY_METRICS: [&str; 26] = [
    "jobs_submitted",
    "jobs_completed",
    "latency_mean_s",
    "latency_p50_s",
    "latency_p95_s",
    "latency_p99_s",
    "wait_p50_s",
    "wait_p95_s",
    "cpu_offered_mean",
    "cpu_allocated_mean",
    "cpu_busy_mean",
    "offers_made",
    "offers_declined",
    "executors_launched",
    "events",
    "fingerprint",
    "frameworks_refused",
    "containers_requested",
    "containers_granted",
    "jobs_failed",
    "lost_work_s",
    "executors_lost",
    "fetch_failures",
    "stage_resubmissions",
    "allocation_runs",
    "allocation_run_mean_s",
];

/// How each per-run report is sorted: (file, leading columns compared,
/// which of them compare as numbers). Rows with equal keys keep their
/// order, so rows of different runs never interleave differently.
pub const SORTS: [(&str, usize, &[usize]); 8] = [
    ("jobs.csv", 4, &[0, 1, 3]),
    ("executors.csv", 4, &[0, 1, 3]),
    ("utilization.csv", 3, &[0, 1, 2]),
    ("shares.csv", 5, &[0, 1, 2]),
    ("allocation.csv", 4, &[0, 1, 2]),
    ("summary.csv", 2, &[0, 1]),
    ("offers.csv", 5, &[0, 1, 2]),
    ("failures.csv", 3, &[0, 1, 2]),
];

/// The summary metrics `summary_ci.csv` aggregates and sweep charts can
/// show: every numeric one.
pub fn chart_metric_names() -> impl Iterator<Item = &'static str> {
    SUMMARY_METRICS.into_iter().filter(|m| *m != "fingerprint")
}

/// The last two columns of `summary.csv` and `summary_ci.csv`: which part
/// of the run a row describes. `all` (empty name) is the whole run, as the
/// row of a run always was; `app` a framework by name (a Spark app, another
/// framework, the cluster-mode dispatcher); `role` a Mesos role.
pub const SUMMARY_SCOPE: [&str; 2] = ["scope", "name"];

/// The scope of a run's whole-run row.
pub const ALL_SCOPE: &str = "all";

/// How many swept-parameter columns a `summary.csv` header of `len`
/// columns has: those between (point, replication, seed) and the metrics.
pub fn summary_swept(len: usize) -> usize {
    len.saturating_sub(3 + SUMMARY_METRICS.len() + SUMMARY_SCOPE.len())
}
