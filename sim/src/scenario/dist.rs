//! Distribution tables and kind names in the scenario file: their kind
//! (with a "did you mean"), their parameters, checked for the unit they
//! measure.

use std::ops::Range;

use policies::suggest::closest;
use toml::Spanned;

use super::ctx::Ctx;
use super::model::*;
use super::raw::{Leaf, RawDist};
/// The kind of a distribution table, with a "did you mean".
fn dist_kind(
    path: &str,
    d: &Spanned<RawDist>,
    kinds: &[&str],
    ctx: &mut Ctx<'_>,
) -> Option<String> {
    kind_of(
        path,
        d.get_ref().kind.as_ref(),
        &d.span(),
        "kind",
        kinds,
        ctx,
    )
}

/// The `kind` of the table at `path` (spanning `span`), which must be one
/// of `kinds` (`what` names it in the message), with a "did you mean".
pub(super) fn kind_of(
    path: &str,
    leaf: Option<&Leaf>,
    span: &Range<usize>,
    what: &str,
    kinds: &[&str],
    ctx: &mut Ctx<'_>,
) -> Option<String> {
    let Some(l) = leaf else {
        ctx.error(
            &format!("{path}.kind"),
            Some(span),
            format!("missing: one of {}", kinds.join(", ")),
        );
        return None;
    };
    let kind = ctx.string(&format!("{path}.kind"), l)?;
    if !kinds.contains(&kind.as_str()) {
        let hint = closest(&kind, kinds.iter().copied())
            .map(|c| format!(" (did you mean \"{c}\"?)"))
            .unwrap_or_default();
        ctx.leaf_err(
            &format!("{path}.kind"),
            l,
            format!(
                "unknown {what} \"{kind}\"; expected one of {}{hint}",
                kinds.join(", ")
            ),
        );
        return None;
    }
    Some(kind)
}

/// Reports parameters that do not belong to `kind` and missing ones; returns
/// false when anything is wrong.
fn check_params(
    path: &str,
    d: &Spanned<RawDist>,
    kind: &str,
    wanted: &[&str],
    ctx: &mut Ctx<'_>,
) -> bool {
    let mut ok = true;
    for (name, leaf) in d.get_ref().params() {
        if !wanted.contains(&name) {
            ctx.leaf_err(
                &format!("{path}.{name}"),
                leaf,
                format!("\"{kind}\" takes {}, not {name}", wanted.join(" and ")),
            );
            ok = false;
        }
    }
    let present: Vec<&str> = d.get_ref().params().into_iter().map(|(n, _)| n).collect();
    for w in wanted {
        if !present.contains(w) {
            ctx.error(
                &format!("{path}.{w}"),
                Some(&d.span()),
                format!("missing: \"{kind}\" needs {}", wanted.join(" and ")),
            );
            ok = false;
        }
    }
    ok
}

fn param<'a>(d: &'a RawDist, name: &str) -> &'a Leaf {
    d.params()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, l)| l)
        .expect("check_params ensured presence")
}

pub(super) fn validate_arrival(
    path: &str,
    d: &Spanned<RawDist>,
    ctx: &mut Ctx<'_>,
) -> Option<Arrival> {
    const KINDS: [&str; 3] = ["poisson", "every", "at"];
    let kind = dist_kind(path, d, &KINDS, ctx)?;
    let wanted: &[&str] = match kind.as_str() {
        "poisson" => &["mean"],
        "every" => &["interval"],
        _ => &["times"],
    };
    if !check_params(path, d, &kind, wanted, ctx) {
        return None;
    }
    let raw = d.get_ref();
    match kind.as_str() {
        "poisson" => ctx
            .positive_duration(&format!("{path}.mean"), param(raw, "mean"))
            .map(|mean| Arrival::Poisson { mean }),
        "every" => ctx
            .positive_duration(&format!("{path}.interval"), param(raw, "interval"))
            .map(|interval| Arrival::Every { interval }),
        _ => {
            let leaf = param(raw, "times");
            let Some(items) = leaf.get_ref().as_array() else {
                ctx.leaf_err(
                    &format!("{path}.times"),
                    leaf,
                    "expected an array of durations, like [\"0s\", \"5s\"]",
                );
                return None;
            };
            let mut times = Vec::with_capacity(items.len());
            for (k, item) in items.iter().enumerate() {
                let l = Spanned::new(leaf.span(), item.clone());
                times.push(ctx.duration(&format!("{path}.times.{k}"), &l)?);
            }
            if times.windows(2).any(|w| w[1] < w[0]) {
                ctx.leaf_err(
                    &format!("{path}.times"),
                    leaf,
                    "times must be in non-decreasing order",
                );
                return None;
            }
            Some(Arrival::At { times })
        }
    }
}

pub(super) fn validate_dist(
    path: &str,
    d: &Spanned<RawDist>,
    unit: Unit,
    ctx: &mut Ctx<'_>,
) -> Option<Distribution> {
    let kind = dist_kind(path, d, &Dist::KINDS, ctx)?;
    if !check_params(path, d, &kind, Dist::params_of(&kind), ctx) {
        return None;
    }
    let raw = d.get_ref();
    // A location parameter: a duration string or a count.
    let loc = |name: &str, ctx: &mut Ctx<'_>| -> Option<f64> {
        let leaf = param(raw, name);
        let p = format!("{path}.{name}");
        match unit {
            Unit::Duration => ctx.duration(&p, leaf).map(|d| d.as_micros() as f64),
            Unit::Count => {
                let v = ctx.number(&p, leaf)?;
                if v < 0.0 {
                    ctx.leaf_err(&p, leaf, format!("expected a non-negative count, got {v}"));
                    return None;
                }
                Some(v)
            }
        }
    };
    let positive = |name: &str, ctx: &mut Ctx<'_>| -> Option<f64> {
        let leaf = param(raw, name);
        let p = format!("{path}.{name}");
        let v = ctx.number(&p, leaf)?;
        if v <= 0.0 {
            ctx.leaf_err(&p, leaf, format!("expected a positive number, got {v}"));
            return None;
        }
        Some(v)
    };
    let dist = match kind.as_str() {
        "constant" => Dist::Constant {
            value: loc("value", ctx)?,
        },
        "uniform" => {
            let (min, max) = (loc("min", ctx), loc("max", ctx));
            let (min, max) = (min?, max?);
            if min > max {
                ctx.leaf_err(
                    &format!("{path}.max"),
                    param(raw, "max"),
                    "max must not be below min",
                );
                return None;
            }
            Dist::Uniform { min, max }
        }
        "exponential" => Dist::Exponential {
            mean: nonzero(loc("mean", ctx)?, path, "mean", raw, ctx)?,
        },
        "lognormal" => {
            let median = loc("median", ctx).and_then(|m| nonzero(m, path, "median", raw, ctx));
            let sigma = positive("sigma", ctx);
            Dist::Lognormal {
                median: median?,
                sigma: sigma?,
            }
        }
        "pareto" | "weibull" => {
            let scale = loc("scale", ctx).and_then(|m| nonzero(m, path, "scale", raw, ctx));
            let shape = positive("shape", ctx);
            let (scale, shape) = (scale?, shape?);
            if kind == "pareto" {
                Dist::Pareto { scale, shape }
            } else {
                Dist::Weibull { scale, shape }
            }
        }
        _ => {
            let leaf = param(raw, "values");
            let Some(items) = leaf.get_ref().as_array().filter(|a| !a.is_empty()) else {
                ctx.leaf_err(
                    &format!("{path}.values"),
                    leaf,
                    "expected a non-empty array",
                );
                return None;
            };
            let mut values = Vec::with_capacity(items.len());
            let mut ok = true;
            for (k, item) in items.iter().enumerate() {
                let l = Spanned::new(leaf.span(), item.clone());
                let p = format!("{path}.values.{k}");
                let v = match unit {
                    Unit::Duration => ctx.duration(&p, &l).map(|d| d.as_micros() as f64),
                    Unit::Count => ctx.number(&p, &l).filter(|v| *v >= 0.0),
                };
                match v {
                    Some(v) => values.push(v),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Dist::Empirical { values }
        }
    };
    if unit == Unit::Count {
        let (name, most) = match &dist {
            Dist::Constant { value } => ("value", *value),
            Dist::Uniform { max, .. } => ("max", *max),
            Dist::Empirical { values } => ("values", values.iter().copied().fold(0.0, f64::max)),
            _ => ("", 0.0),
        };
        if most > super::estimate::MAX_TASKS_PER_STAGE {
            ctx.leaf_err(
                &format!("{path}.{name}"),
                param(raw, name),
                format!(
                    "at most {} tasks per stage, got {most}",
                    super::estimate::MAX_TASKS_PER_STAGE as u64
                ),
            );
            return None;
        }
    }
    if unit == Unit::Count
        && let Dist::Constant { value } = dist
        && (value < 1.0 || value.fract() != 0.0)
    {
        ctx.leaf_err(
            &format!("{path}.value"),
            param(raw, "value"),
            format!("expected a whole number of tasks, at least 1, got {value}"),
        );
        return None;
    }
    Some(Distribution { unit, dist })
}

fn nonzero(v: f64, path: &str, name: &str, raw: &RawDist, ctx: &mut Ctx<'_>) -> Option<f64> {
    if v > 0.0 {
        Some(v)
    } else {
        ctx.leaf_err(
            &format!("{path}.{name}"),
            param(raw, name),
            format!("{name} must be above zero"),
        );
        None
    }
}
