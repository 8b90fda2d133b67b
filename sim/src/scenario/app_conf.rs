//! An app's Spark properties, gathered from every place a user pastes them,
//! in the order Spark applies them (a later source wins):
//!
//! 0. with `[apps.jobs] trace = { format = "spark-eventlog", conf =
//!    "from-log" }`, the properties the replayed app ran with (its log's
//!    `SparkListenerEnvironmentUpdate`), those the simulator models only,
//!    and neither `spark.master` nor `spark.submit.deployMode` (the
//!    scenario chooses where the replay runs);
//! 1. `conf_file`: a `spark-defaults.conf` file (a path relative to the
//!    scenario's folder), or the file of `submit`'s `--properties-file`,
//!    which spark-submit reads instead of the defaults;
//! 2. `conf_text`: the same format inline;
//! 3. `submit`: a pasted `spark-submit` command line, its `--conf` values,
//!    then its explicit options (`--executor-memory`, …);
//! 4. `[apps.conf]`, the scenario's own table, which wins over everything.
//!
//! Spark 3.0 `SparkSubmitArguments.mergeDefaultSparkProperties` and
//! `loadEnvironmentArguments` give the order of 1–3. In the first three,
//! `spark.master` and `spark.submit.deployMode` stand for the app's
//! `master` and `deploy_mode` (the app's own keys win); in `[apps.conf]`
//! they are refused, since the app has keys for them.

use std::ops::Range;

use policies::spark::SparkConf;
use policies::spark::keys::reserved_key_advice;
use policies::spark::properties::parse_properties;
use policies::spark::submit::parse_submit;
use toml::Spanned;

use super::ctx::{Ctx, describe};
use super::raw::{Leaf, RawApp};

/// Where each property was set: its key, the span of the text that set it,
/// and a note naming the source when it is not `[apps.conf]`.
pub(crate) type Origins = Vec<(String, Range<usize>, Option<String>)>;

#[derive(Debug)]
pub(crate) struct AppConf {
    pub conf: SparkConf,
    pub origins: Origins,
    /// `master` and `deploy_mode` as the pasted sources give them (the
    /// app's own keys win over these).
    pub master: Option<Leaf>,
    pub deploy_mode: Option<Leaf>,
    pub ok: bool,
}

impl AppConf {
    /// The span and note of where `key` was set last.
    pub fn origin(&self, key: &str) -> Option<(Range<usize>, Option<String>)> {
        self.origins
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, n)| (s.clone(), n.clone()))
    }
}

pub(crate) fn app_conf(path: &str, a: &RawApp, ctx: &mut Ctx<'_>) -> AppConf {
    let mut out = AppConf {
        conf: SparkConf::new(),
        origins: Vec::new(),
        master: None,
        deploy_mode: None,
        ok: true,
    };
    let submission = a.submit.as_ref().and_then(|l| {
        let text = ctx.string(&format!("{path}.submit"), l)?;
        match parse_submit(&text) {
            Ok(s) => Some((s, l.span())),
            Err(e) => {
                ctx.leaf_err(&format!("{path}.submit"), l, format!("spark-submit: {e}"));
                out.ok = false;
                None
            }
        }
    });
    // 0. The replayed app's own properties, from its event log.
    from_log(&mut out, path, a, ctx);
    // 1. The defaults file, or the submission's --properties-file.
    let file = match (
        &a.conf_file,
        submission
            .as_ref()
            .and_then(|(s, span)| s.properties_file.clone().map(|f| (f, span.clone()))),
    ) {
        (Some(l), Some(_)) => {
            ctx.leaf_err(
                &format!("{path}.conf_file"),
                l,
                "both conf_file and submit's --properties-file name a properties file; spark-submit reads only one: keep one",
            );
            out.ok = false;
            None
        }
        (Some(l), None) => ctx
            .string(&format!("{path}.conf_file"), l)
            .map(|f| (f, l.span(), format!("{path}.conf_file"))),
        (None, Some((f, span))) => Some((f, span, format!("{path}.submit --properties-file"))),
        (None, None) => None,
    };
    if let Some((file, span, label)) = file {
        let full = ctx.resolve(&file);
        match read_small(&full) {
            Ok(text) => read_properties(&mut out, &text, &label, &span, ctx),
            Err(e) => {
                ctx.error(
                    &label,
                    Some(&span),
                    format!("cannot read the properties file {}: {e}", full.display()),
                );
                out.ok = false;
            }
        }
    }
    // 2. Inline spark-defaults.conf text.
    if let Some(l) = &a.conf_text
        && let Some(text) = ctx.string(&format!("{path}.conf_text"), l)
    {
        read_properties(
            &mut out,
            &text,
            &format!("{path}.conf_text"),
            &l.span(),
            ctx,
        );
    }
    // 3. The submission: --conf, then the explicit options; then its
    // --master and --deploy-mode.
    if let Some((s, span)) = &submission {
        for (k, v) in &s.conf {
            set_pasted(&mut out, k, v, span, format!("{path}.submit"), ctx);
        }
        if let Some(m) = &s.master {
            out.master = Some(Spanned::new(span.clone(), toml::Value::String(m.clone())));
        }
        if let Some(d) = &s.deploy_mode {
            out.deploy_mode = Some(Spanned::new(span.clone(), toml::Value::String(d.clone())));
        }
    }
    // 4. [apps.conf].
    for (key, leaf) in &a.conf {
        let Some(leaf) = leaf else { continue };
        let kpath = format!("{path}.conf.\"{key}\"");
        if let Some(advice) = reserved_key_advice(key) {
            ctx.leaf_err(&kpath, leaf, format!("not allowed in conf: {advice}"));
            out.ok = false;
            continue;
        }
        let value = match leaf.get_ref() {
            toml::Value::String(s) => s.clone(),
            // Lenient: numbers and booleans mean their text, as in spark-defaults.conf.
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Table(t) => {
                // `spark.cores.max = "4"` unquoted is TOML for nested
                // tables spark → cores → max: the usual paste slip.
                let mut leaves = Vec::new();
                flatten(key, t, &mut leaves);
                let fixes: Vec<String> = leaves
                    .iter()
                    .map(|(k, v)| format!("\"{k}\" = {v}"))
                    .collect();
                ctx.leaf_err(
                    &kpath,
                    leaf,
                    format!(
                        "a dotted key without quotes is a nest of tables in TOML, not a Spark property: quote it: {}",
                        fixes.join(", ")
                    ),
                );
                out.ok = false;
                continue;
            }
            other => {
                ctx.leaf_err(
                    &kpath,
                    leaf,
                    format!("expected a string value, got {}", describe(other)),
                );
                out.ok = false;
                continue;
            }
        };
        out.conf.set(key.clone(), value);
        out.origins.push((key.clone(), leaf.span(), None));
    }
    out
}

/// Step 0: an event log's modelled Spark properties, when the app's trace
/// asks for them.
fn from_log(out: &mut AppConf, path: &str, a: &RawApp, ctx: &mut Ctx<'_>) {
    use policies::spark::keys::{Support, lookup};
    let Some(t) = a.jobs.as_ref().and_then(|j| j.get_ref().trace.as_ref()) else {
        return;
    };
    let t = t.get_ref();
    let text = |l: &Option<Leaf>| match l.as_ref().map(|l| l.get_ref()) {
        Some(toml::Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    if text(&t.format).as_deref() != Some("spark-eventlog")
        || text(&t.conf).as_deref() != Some("from-log")
    {
        return;
    }
    let (Some(file), Some(leaf)) = (text(&t.path), t.conf.as_ref()) else {
        return;
    };
    let note = format!("{path}.jobs.trace.conf");
    // An unreadable log is the trace's own check to report.
    let Ok(props) = crate::traces::log_properties(&ctx.resolve(&file)) else {
        return;
    };
    for (k, v) in props {
        let modelled = lookup(&k).is_some_and(|d| matches!(d.support, Support::Modelled));
        if !modelled || k == "spark.master" || k == "spark.submit.deployMode" {
            continue;
        }
        out.conf.set(k.clone(), v);
        out.origins.push((k, leaf.span(), Some(note.clone())));
    }
}

/// The most a properties file may hold: a spark-defaults.conf is a few
/// kilobytes; a path to something else (a device, a log) is refused
/// rather than read without end.
const MAX_PROPERTIES_BYTES: u64 = 16 << 20;

fn read_small(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_PROPERTIES_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_PROPERTIES_BYTES {
        return Err(std::io::Error::other(
            "larger than 16 MiB: not a properties file",
        ));
    }
    Ok(text)
}

/// Properties-file text (`label` names it in messages), every `spark.*`
/// key set; the others are ignored with a warning, as spark-submit does.
fn read_properties(
    out: &mut AppConf,
    text: &str,
    label: &str,
    span: &Range<usize>,
    ctx: &mut Ctx<'_>,
) {
    match parse_properties(text) {
        Ok(file) => {
            for p in &file.ignored {
                ctx.warn(
                    label,
                    Some(span),
                    format!(
                        "line {}: ignoring non-Spark config property: {} (spark-submit keeps only spark.* keys)",
                        p.line, p.key
                    ),
                );
            }
            for p in file.properties {
                set_pasted(
                    out,
                    &p.key,
                    &p.value,
                    span,
                    format!("{label} line {}", p.line),
                    ctx,
                );
            }
        }
        Err(e) => {
            ctx.error(label, Some(span), e.to_string());
            out.ok = false;
        }
    }
}

/// A property from pasted text: the master and deploy mode go to the app's
/// keys, the rest to the conf.
fn set_pasted(
    out: &mut AppConf,
    key: &str,
    value: &str,
    span: &Range<usize>,
    note: String,
    ctx: &mut Ctx<'_>,
) {
    let leaf = || Spanned::new(span.clone(), toml::Value::String(value.to_string()));
    match key {
        "spark.master" => out.master = Some(leaf()),
        "spark.submit.deployMode" => out.deploy_mode = Some(leaf()),
        _ if !key.starts_with("spark.") => {
            ctx.warn(
                &note,
                Some(span),
                format!("ignoring non-Spark config property: {key} (spark-submit keeps only spark.* keys)"),
            );
        }
        _ => {
            out.conf.set(key, value);
            out.origins
                .push((key.to_string(), span.clone(), Some(note)));
        }
    }
}

/// The dotted keys and values of the leaves under `table` (named `prefix`).
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, String)>) {
    for (k, v) in table {
        let key = format!("{prefix}.{k}");
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            other => out.push((key, other.to_string())),
        }
    }
}
