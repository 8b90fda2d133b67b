//! `[apps.jobs] trace = { ... }` (and `[frameworks.jobs]`): the trace's
//! format, file, window, speed, scaling, filter and the format's own
//! mapping, checked; then the whole trace is read once, so a bad row is an
//! error with its file, line and column before anything runs
//! (docs/traces.md).

use policies::spark::conf::{ByteUnit, byte_string_as};
use policies::suggest::closest;
use toml::Spanned;

use super::ctx::Ctx;
use super::raw::{Leaf, RawTrace};
use crate::traces::{TraceFormat, TraceOptions, TraceSummary, scan};

/// The keys only one format reads.
fn format_keys(f: TraceFormat) -> &'static [&'static str] {
    match f {
        TraceFormat::Swim => SWIM_KEYS,
        TraceFormat::SparkEventLog => EVENTLOG_KEYS,
        TraceFormat::Alibaba2018 => ALIBABA_KEYS,
        TraceFormat::Google2011 => GOOGLE_2011_KEYS,
        TraceFormat::Google2019 => GOOGLE_2019_KEYS,
    }
}

const EVENTLOG_KEYS: &[&str] = &["conf", "users", "queues", "cpus_per_unit"];
const GOOGLE_2011_KEYS: &[&str] = &["longest_job", "users", "cpus_per_unit"];
const GOOGLE_2019_KEYS: &[&str] = &["longest_job", "tiers", "users", "cpus_per_unit"];
const ALIBABA_KEYS: &[&str] = &["cpus_per_unit"];

const SWIM_KEYS: &[&str] = &[
    "bytes_per_map",
    "bytes_per_reduce",
    "map_rate",
    "reduce_rate",
    "task_overhead",
    "data_scale",
];

pub(super) fn validate_trace(
    path: &str,
    t: &Spanned<RawTrace>,
    ctx: &mut Ctx<'_>,
) -> Option<(TraceOptions, TraceSummary)> {
    let span = t.span();
    let raw = t.get_ref();
    let key = |k: &str| format!("{path}.{k}");
    let format = match &raw.format {
        None => {
            ctx.error(
                &key("format"),
                Some(&span),
                format!("missing: one of {}", TraceFormat::NAMES.join(", ")),
            );
            None
        }
        Some(l) => match ctx.string(&key("format"), l) {
            Some(name) => match TraceFormat::parse(&name) {
                Some(f) => Some(f),
                None => {
                    let hint = closest(&name, TraceFormat::NAMES.iter().copied())
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    ctx.leaf_err(
                        &key("format"),
                        l,
                        format!(
                            "unknown trace format \"{name}\"; expected one of {}{hint}",
                            TraceFormat::NAMES.join(", ")
                        ),
                    );
                    None
                }
            },
            None => None,
        },
    };
    let written = match &raw.path {
        None => {
            ctx.error(
                &key("path"),
                Some(&span),
                "missing: the trace file (relative to the scenario's folder)",
            );
            None
        }
        Some(l) => ctx.string(&key("path"), l),
    };
    let (format, written) = (format?, written?);
    let mut ok = true;
    let own = format_keys(format);
    for (k, leaf) in raw.present() {
        let formats: Vec<&str> = TraceFormat::ALL
            .iter()
            .filter(|f| format_keys(**f).contains(&k))
            .map(|f| f.name())
            .collect();
        if !formats.is_empty() && !own.contains(&k) {
            ctx.leaf_err(
                &key(k),
                leaf,
                format!(
                    "{k} applies to format = \"{}\" only",
                    formats.join("\" or \"")
                ),
            );
            ok = false;
        }
    }
    let file = ctx.resolve(&written);
    let mut o = TraceOptions::new(format, &written, file);
    if let Some(l) = &raw.start {
        o.start = ctx.duration(&key("start"), l).unwrap_or_else(|| {
            ok = false;
            o.start
        });
    }
    if let Some(l) = &raw.stop {
        match ctx.duration(&key("stop"), l) {
            Some(d) if d > o.start => o.stop = Some(d),
            Some(_) => {
                ctx.leaf_err(&key("stop"), l, "stop must come after start");
                ok = false;
            }
            None => ok = false,
        }
    }
    let mut positive = |name: &str, leaf: &Option<Leaf>, ctx: &mut Ctx<'_>, slot: &mut f64| {
        if let Some(l) = leaf {
            match ctx.number(&key(name), l) {
                Some(x) if x > 0.0 => *slot = x,
                Some(x) => {
                    ctx.leaf_err(&key(name), l, format!("expected a number above 0, got {x}"));
                    ok = false;
                }
                None => ok = false,
            }
        }
    };
    positive("speedup", &raw.speedup, ctx, &mut o.speedup);
    positive(
        "duration_scale",
        &raw.duration_scale,
        ctx,
        &mut o.duration_scale,
    );
    positive("data_scale", &raw.data_scale, ctx, &mut o.swim.data_scale);
    if raw.cpus_per_unit.is_some() {
        let mut k = 0.0;
        positive("cpus_per_unit", &raw.cpus_per_unit, ctx, &mut k);
        o.cpus_per_unit = (k > 0.0).then_some(k);
    }
    if let Some(l) = &raw.min_tasks {
        match ctx.integer(&key("min_tasks"), l, 0, "a whole number ≥ 0") {
            Some(n) => o.min_tasks = n.min(i64::from(u32::MAX)) as u32,
            None => ok = false,
        }
    }
    if let Some(l) = &raw.max_tasks {
        match ctx.integer(&key("max_tasks"), l, 1, "a whole number ≥ 1") {
            Some(n) if n >= i64::from(o.min_tasks) => {
                o.max_tasks = Some(n.min(i64::from(u32::MAX)) as u32)
            }
            Some(_) => {
                ctx.leaf_err(&key("max_tasks"), l, "max_tasks must be at least min_tasks");
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(l) = &raw.seed {
        match ctx.integer(&key("seed"), l, 0, "a whole number ≥ 0") {
            Some(n) => o.seed = n as u64,
            None => ok = false,
        }
    }
    for (name, leaf, slot) in [
        (
            "bytes_per_map",
            &raw.bytes_per_map,
            &mut o.swim.bytes_per_map,
        ),
        (
            "bytes_per_reduce",
            &raw.bytes_per_reduce,
            &mut o.swim.bytes_per_reduce,
        ),
        ("map_rate", &raw.map_rate, &mut o.swim.map_rate),
        ("reduce_rate", &raw.reduce_rate, &mut o.swim.reduce_rate),
    ] {
        if let Some(l) = leaf {
            match bytes(l) {
                Ok(b) => *slot = b,
                Err(e) => {
                    ctx.leaf_err(&key(name), l, e);
                    ok = false;
                }
            }
        }
    }
    if let Some(l) = &raw.conf {
        match ctx.string(&key("conf"), l).as_deref() {
            Some("from-log") => o.conf_from_log = true,
            Some("none") => {}
            Some(other) => {
                ctx.leaf_err(
                    &key("conf"),
                    l,
                    format!("expected \"from-log\" (the app's Spark properties from its log) or \"none\", got \"{other}\""),
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(l) = &raw.longest_job {
        match ctx.positive_duration(&key("longest_job"), l) {
            Some(d) => o.longest_job = d,
            None => ok = false,
        }
    }
    if let Some(l) = &raw.tiers {
        let names: Vec<&str> = crate::traces::google2019::TIERS
            .iter()
            .map(|(n, _)| *n)
            .collect();
        match strings(l) {
            Some(items) => {
                for t in items {
                    if names.contains(&t.as_str()) {
                        o.tiers.push(t);
                    } else {
                        ctx.leaf_err(
                            &key("tiers"),
                            l,
                            format!("expected tiers among {}, got \"{t}\"", names.join(", ")),
                        );
                        ok = false;
                    }
                }
            }
            None => {
                ctx.leaf_err(&key("tiers"), l, LIST);
                ok = false;
            }
        }
    }
    for (name, leaf, slot) in [
        ("users", &raw.users, &mut o.users),
        ("queues", &raw.queues, &mut o.queues),
    ] {
        if let Some(l) = leaf {
            match strings(l) {
                Some(items) => *slot = items,
                None => {
                    ctx.leaf_err(&key(name), l, LIST);
                    ok = false;
                }
            }
        }
    }
    if let Some(l) = &raw.task_overhead {
        match ctx.duration(&key("task_overhead"), l) {
            Some(d) => o.swim.task_overhead = d,
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    let summary = match scanned(&o) {
        Ok(s) => s,
        Err(e) => {
            let at = raw.path.as_ref().map(|l| l.span());
            ctx.error(&key("path"), at.as_ref(), e);
            return None;
        }
    };
    if summary.jobs == 0 {
        ctx.warn(
            &key("path"),
            raw.path.as_ref().map(|l| l.span()).as_ref(),
            format!(
                "no job of the trace's {} is in the window and through the filter: the app runs nothing",
                summary.rows
            ),
        );
    }
    Some((o, summary))
}

const LIST: &str = "expected a list of names like [\"a\", \"b\"], or one name as a string";

/// A list of strings, or one string (what `--set` and `[sweep]` give).
fn strings(l: &Leaf) -> Option<Vec<String>> {
    match l.get_ref() {
        toml::Value::String(one) => Some(vec![one.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// A size in bytes: a whole number, or Spark's grammar (`"128m"`, `"1g"`),
/// above zero.
fn bytes(l: &Leaf) -> Result<u64, String> {
    let b = match l.get_ref() {
        toml::Value::Integer(n) if *n > 0 => *n as u64,
        toml::Value::String(s) => byte_string_as(s, ByteUnit::Byte)?,
        other => {
            return Err(format!(
                "expected a size like \"128m\" or a number of bytes, got {other}"
            ));
        }
    };
    if b == 0 {
        return Err("expected a size above zero".to_string());
    }
    Ok(b)
}

/// [`scan`], remembered for the process: every sweep point validates the
/// same trace with the same options, and a trace file is read once.
fn scanned(o: &TraceOptions) -> Result<TraceSummary, String> {
    use std::sync::{Mutex, OnceLock};
    type Memo = Vec<(
        TraceOptions,
        Option<std::time::SystemTime>,
        Result<TraceSummary, String>,
    )>;
    static SCANS: OnceLock<Mutex<Memo>> = OnceLock::new();
    let modified = std::fs::metadata(&o.file).and_then(|m| m.modified()).ok();
    let memo = SCANS.get_or_init(|| Mutex::new(Vec::new()));
    if let Ok(m) = memo.lock()
        && let Some((_, _, r)) = m.iter().find(|(k, t, _)| k == o && *t == modified)
    {
        return r.clone();
    }
    let r = scan(o);
    if let Ok(mut m) = memo.lock() {
        m.push((o.clone(), modified, r.clone()));
    }
    r
}
