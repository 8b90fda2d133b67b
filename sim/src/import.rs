//! `sim import FORMAT FILE`: what a trace holds, and a starter scenario
//! that replays it on a cluster sized from it (docs/traces.md).
//!
//! The summary is printed as `#` comments ahead of the scenario, so
//! `sim import swim t.tsv > t.toml` writes a scenario that runs as it is;
//! with `--out` the scenario goes to that file and the summary to the
//! terminal.

use std::fmt::Write as _;
use std::path::Path;

use crate::traces::{TraceFormat, TraceOptions, TraceSummary, scan};

/// The cluster a starter scenario gets: agents of this size.
const AGENT_CPUS: u64 = 16;
const AGENT_MEM_MB: u64 = 65_536;

/// Reads the trace of `format` at `file` in the window `[start, stop)`:
/// the summary and the starter scenario; an error names the file, line
/// and column.
pub fn import(
    format: &str,
    file: &Path,
    trace_path: &str,
    start: crate::time::SimDuration,
    stop: Option<crate::time::SimDuration>,
) -> Result<(String, String), String> {
    let f = TraceFormat::parse(format).ok_or_else(|| {
        format!(
            "unknown trace format \"{format}\"; expected one of {}",
            TraceFormat::NAMES.join(", ")
        )
    })?;
    let mut o = TraceOptions::new(f, trace_path, file.to_path_buf());
    o.start = start;
    o.stop = stop;
    let s = scan(&o)?;
    Ok((summary(&o, &s), starter(&o, &s)))
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// CPUs the trace keeps busy on average over its span, one CPU per task.
fn mean_busy(o: &TraceOptions, s: &TraceSummary) -> f64 {
    let span = s.span(o).as_micros().max(1);
    s.work_us as f64 / span as f64
}

fn summary(o: &TraceOptions, s: &TraceSummary) -> String {
    let mut t = String::new();
    let window = match o.stop {
        Some(stop) => format!("[{}, {})", o.start, stop),
        None => format!("from {}", o.start),
    };
    let _ = writeln!(
        t,
        "# {} trace {}: {} jobs",
        o.format.name(),
        o.file.display(),
        thousands(s.rows)
    );
    let _ = writeln!(
        t,
        "# in the window {window}: {} jobs, {} stages, {} tasks (at most {} in one job, {} in one stage)",
        thousands(s.jobs),
        thousands(s.stages),
        thousands(s.tasks),
        thousands(s.most_tasks_per_job),
        thousands(s.most_tasks_per_stage)
    );
    if let (Some(first), Some(last)) = (s.first, s.last) {
        let _ = writeln!(
            t,
            "# submitted from {first} to {last} on the trace's clock (span {})",
            s.span(o)
        );
    }
    let _ = writeln!(
        t,
        "# work: {} task-seconds, {:.1} CPUs busy on average over the span at one CPU per task",
        thousands((s.work_us / 1_000_000) as u64),
        mean_busy(o, s)
    );
    let hours: Vec<String> = s.per_hour.iter().map(|n| n.to_string()).collect();
    let _ = writeln!(t, "# jobs per hour: {}", hours.join(" "));
    for n in &s.notes {
        let _ = writeln!(t, "# {n}");
    }
    t
}

/// A scenario replaying the window on a Mesos cluster with room for 1.5×
/// the trace's mean load, one Spark app with dynamic allocation.
fn starter(o: &TraceOptions, s: &TraceSummary) -> String {
    let agents = ((mean_busy(o, s) * 1.5 / AGENT_CPUS as f64).ceil() as u64).max(2);
    // Without a window start, the replay starts at the first job (whole
    // seconds), not at the trace clock's zero.
    let mut o = o.clone();
    if o.start.is_zero()
        && let Some(first) = s.first
    {
        o.start = crate::time::SimDuration::from_secs(first.whole_secs());
    }
    let o = &o;
    // Until a minute after the last arrival on the simulator's clock.
    let last = s.last.map_or(0, |l| l.0.saturating_sub(o.start.0));
    let horizon = (last as f64 / o.speedup / 1e6).ceil() as u64 + 60;
    let stop = o
        .stop
        .map(|d| format!("stop = \"{d}\", "))
        .unwrap_or_default();
    let mut t = String::new();
    let _ = write!(
        t,
        r#"# Written by `sim import {format} {path}`:
# the trace replayed by one Spark app on Mesos, on {agents} agents of
# {AGENT_CPUS} CPUs (1.5x the trace's mean load). Edit the cluster, the app's
# settings and the trace's options (docs/traces.md), then run it.

[run]
seed = 1
horizon = "{horizon}s"
drain = "30m"
sample_interval = "30s"

[[agents]]
count = {agents}
name = "node"
resources = "cpus:{AGENT_CPUS};mem:{AGENT_MEM_MB};disk:400000;ports:[31000-32000]"
racks = {racks}

[[apps]]
name = "replay"
master = "mesos://master:5050"
[apps.conf]
"spark.executor.cores" = "4"
"spark.executor.memory" = "8g"
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
[apps.jobs]
trace = {{ format = "{format}", path = "{path}", start = "{start}", {stop}speedup = 1.0 }}
"#,
        format = o.format.name(),
        path = o.path,
        racks = agents.div_ceil(20),
        start = o.start,
    );
    t
}
