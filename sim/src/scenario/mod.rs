//! Scenario files (SPEC §1): TOML → validated [`Scenario`] in two layers —
//! a serde mirror with `deny_unknown_fields` ([`raw`]), then `validate`,
//! which collects *every* problem with its TOML path and line. Defaults are
//! applied in one visible place ([`model::defaults`]). `--set` and `[sweep]`
//! address values with parameter paths ([`paths`]).
//!
//! Structural problems (TOML syntax, unknown keys, a table where a value
//! belongs) come from the serde layer, which stops at the first; every
//! problem with a value is collected.

mod app_conf;
mod cluster;
mod ctx;
mod diagnostic;
mod dist;
pub mod estimate;
mod faults;
mod lint;
mod model;
pub mod paths;
mod raw;
mod render;
mod structure;
mod trace;
mod validate;
mod version;
mod yarn;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use estimate::{Estimate, MAX_TASKS_PER_STAGE, estimate};
pub use model::*;
pub use paths::{Assignment, parse_assignment};
pub use render::{render_resolved, seed_value};
pub use yarn::app_containers;

use ctx::Ctx;
use raw::RawScenario;

/// A loaded scenario: the base (no sweep applied) and every sweep point (a
/// single point equal to the base without a sweep).
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub base: Scenario,
    pub sweep: Vec<SweepParam>,
    pub points: Vec<Point>,
    pub warnings: Vec<Diagnostic>,
}

/// Why a scenario file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{} error(s)", .0.errors.len())]
    Invalid(Diagnostics),
}

/// Sweep points above this are refused: a typo in a sweep should not fill
/// the disk.
pub const MAX_POINTS: usize = 100_000;

pub fn load_file(path: &Path, overrides: &[Assignment]) -> Result<Loaded, LoadError> {
    let src = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    load_str_in(&src, overrides, dir).map_err(LoadError::Invalid)
}

/// Loads a scenario from TOML text, applying `overrides` (`--set`) first;
/// relative paths in it resolve against the current folder.
pub fn load_str(src: &str, overrides: &[Assignment]) -> Result<Loaded, Diagnostics> {
    load_str_in(src, overrides, None)
}

/// [`load_str`], with relative paths resolved against `dir`.
pub fn load_str_in(
    src: &str,
    overrides: &[Assignment],
    dir: Option<&Path>,
) -> Result<Loaded, Diagnostics> {
    let mut raw: RawScenario = toml::from_str(src).map_err(|e| Diagnostics {
        errors: vec![structure::explain(src, e.message(), e.span())],
        warnings: Vec::new(),
    })?;
    let mut ctx = Ctx::new(src, dir);
    for a in overrides {
        // A `--set` always wins over the file: whatever `[sweep]` (or an
        // earlier `--set`) said of the same parameter is dropped first.
        if let Some(sweep) = raw.sweep.as_mut() {
            let same = paths::canonical(&a.path);
            sweep.retain(|p, _| paths::canonical(p) != same);
        }
        if let toml::Value::Array(values) = &a.value {
            // `--set PATH=V1,V2`: one more sweep parameter, after those of
            // the file.
            let sweep = raw.sweep.get_or_insert_with(toml::Table::new);
            sweep.insert(a.path.clone(), toml::Value::Array(values.clone()));
            continue;
        }
        if let Err(e) = paths::apply(&mut raw, &a.path, a.value.clone()) {
            ctx.error(&format!("--set {}", a.path), None, e);
        }
    }
    let sweep = read_sweep(&raw, &mut ctx);
    // The manager swept, or set on the command line: the scenario is being
    // compared across managers, not written for one.
    let is_manager = |path: &str| paths::canonical(path) == paths::canonical("cluster.manager");
    let manager_varied =
        sweep.iter().any(|p| is_manager(&p.path)) || overrides.iter().any(|a| is_manager(&a.path));
    ctx.manager_varied = manager_varied;
    let base = validate::validate(&raw, &mut ctx);
    let mut diags = ctx.diags;
    let Some(base) = base.filter(|_| diags.errors.is_empty()) else {
        return Err(diags);
    };
    let mut points = Vec::new();
    // A problem that many points share is told once: the first point it
    // appears in, and how many more have it.
    let mut errors = Grouped::default();
    // Warnings of a point that the base does not have (a swept value that
    // no agent can hold), each told once.
    let mut warnings = Grouped::default();
    for (index, assignments) in cartesian(&sweep).into_iter().enumerate() {
        let mut point_raw = raw.clone();
        for (path, value) in &assignments {
            // Paths were checked in read_sweep.
            let _ = paths::apply(&mut point_raw, path, value.clone());
        }
        let mut pctx = Ctx::new(src, dir);
        pctx.manager_varied = manager_varied;
        let validated = validate::validate(&point_raw, &mut pctx);
        for w in pctx.diags.warnings {
            if !diags.warnings.contains(&w) {
                warnings.add(w, || describe_point(index, &assignments));
            }
        }
        match validated {
            Some(scenario) if pctx.diags.errors.is_empty() => points.push(Point {
                index,
                assignments,
                scenario,
            }),
            _ => {
                for e in pctx.diags.errors {
                    errors.add(e, || describe_point(index, &assignments));
                }
            }
        }
    }
    diags.errors.extend(errors.finish());
    diags.warnings.extend(warnings.finish());
    if !diags.errors.is_empty() {
        return Err(diags);
    }
    Ok(Loaded {
        base,
        sweep,
        points,
        warnings: diags.warnings,
    })
}

/// Problems of sweep points, each told once: in the first point it
/// appears in, with how many more points share it.
#[derive(Default)]
struct Grouped {
    counts: std::collections::BTreeMap<Diagnostic, usize>,
    order: Vec<(Diagnostic, String)>,
}

impl Grouped {
    fn add(&mut self, d: Diagnostic, label: impl FnOnce() -> String) {
        let n = self.counts.entry(d.clone()).or_insert(0);
        if *n == 0 {
            self.order.push((d, label()));
        }
        *n += 1;
    }

    fn finish(self) -> Vec<Diagnostic> {
        self.order
            .into_iter()
            .map(|(d, label)| {
                let more = match self.counts[&d] - 1 {
                    0 => String::new(),
                    1 => " and 1 more point".to_string(),
                    n => format!(" and {n} more points"),
                };
                Diagnostic::new(&d.path, d.line, format!("{} (in {label}{more})", d.message))
            })
            .collect()
    }
}

fn describe_point(index: usize, assignments: &[(String, toml::Value)]) -> String {
    let parts: Vec<String> = assignments
        .iter()
        .map(|(p, v)| format!("{p}={}", render::value_text(v)))
        .collect();
    format!("sweep point {index}: {}", parts.join(", "))
}

fn read_sweep(raw: &RawScenario, ctx: &mut Ctx<'_>) -> Vec<SweepParam> {
    let Some(table) = &raw.sweep else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut total: usize = 1;
    for (path, value) in table {
        let label = format!("sweep.\"{path}\"");
        let Some(values) = value.as_array().filter(|a| !a.is_empty()) else {
            ctx.error(
                &label,
                None,
                "expected a non-empty array of values, like [\"16\", \"32\"]",
            );
            continue;
        };
        let mut probe = raw.clone();
        if let Err(e) = paths::apply(&mut probe, path, values[0].clone()) {
            ctx.error(&label, None, e);
            continue;
        }
        for (k, v) in values.iter().enumerate() {
            if let Some(first) = values[..k].iter().position(|u| u == v) {
                ctx.warn(
                    &label,
                    None,
                    format!(
                        "the value {} is listed twice (items {first} and {k}): those points run the same configuration twice",
                        render::value_text(v)
                    ),
                );
            }
        }
        total = total.saturating_mul(values.len());
        out.push(SweepParam {
            path: path.clone(),
            values: values.clone(),
        });
    }
    if total > MAX_POINTS {
        ctx.error(
            "sweep",
            None,
            format!("the sweep has {total} points, more than the limit of {MAX_POINTS}"),
        );
    }
    out
}

/// Every combination of sweep values; the last parameter varies fastest.
/// No sweep gives one empty point.
pub fn cartesian(sweep: &[SweepParam]) -> Vec<Vec<(String, toml::Value)>> {
    let mut points: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for param in sweep {
        let mut next = Vec::with_capacity(points.len() * param.values.len());
        for p in &points {
            for v in &param.values {
                let mut q = p.clone();
                q.push((param.path.clone(), v.clone()));
                next.push(q);
            }
        }
        points = next;
    }
    points
}
