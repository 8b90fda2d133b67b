//! Structural TOML problems (syntax, a duplicate key, an unknown key, a
//! value where a table belongs) explained in the scenario's own words: the
//! TOML path of the place, what belongs there, and no internal type names.
//!
//! The serde layer stops at its first problem and names Rust types
//! (`expected struct RawDist`); this module turns its message and byte
//! span into a [`Diagnostic`] with the path of the key at that span.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ctx::{line_col, quote_key};
use super::diagnostic::Diagnostic;
use policies::suggest::closest;

/// The diagnostic for a TOML or serde error at `span` in `src`.
pub(crate) fn explain(
    src: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Diagnostic {
    let line = span.as_ref().map(|s| line_col(src, s.start));
    let path = span
        .as_ref()
        .and_then(|s| path_at(src, s.clone()))
        .unwrap_or_default();
    let message = message.trim();
    let text = if message.starts_with("duplicate key") {
        let key = span
            .as_ref()
            .and_then(|s| src.get(s.clone()))
            .map(|k| k.trim().trim_matches(['[', ']', '"']).trim())
            .filter(|k| !k.is_empty());
        match key {
            Some(k) => format!(
                "duplicate key `{k}`: it is defined twice; merge the two into one (a table header like [{k}] may appear only once)"
            ),
            None => message.to_string(),
        }
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        unknown_field(rest).unwrap_or_else(|| message.to_string())
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        invalid_type(rest).unwrap_or_else(|| message.to_string())
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        format!("missing key `{field}`")
    } else {
        message.replace('\n', "; ")
    };
    Diagnostic::new(&path, line, text)
}

/// `unknown field `x`, expected one of `a`, `b``: with a "did you mean".
fn unknown_field(rest: &str) -> Option<String> {
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if candidates.is_empty() {
        return Some(format!("unknown key `{field}`: this table takes no keys"));
    }
    let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    let list = list.join(", ");
    let hint = closest(field, candidates.iter().copied())
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    if field.contains('.') || field.starts_with("spark") {
        return Some(format!(
            "unknown key `{field}`; expected one of {list}{hint}. Spark properties belong in [apps.conf], quoted: \"{field}\" = ..."
        ));
    }
    Some(format!(
        "unknown key `{field}`; expected one of {list}{hint}"
    ))
}

/// `integer `0`, expected struct RawDist` → what belongs there and what
/// was found.
fn invalid_type(rest: &str) -> Option<String> {
    let (found, expected) = rest.split_once(", expected ")?;
    let found = match found.split_once(' ') {
        Some((kind, value)) => format!("the {kind} {}", value.trim_matches('`')),
        None if found == "map" => "a table".to_string(),
        None if found == "sequence" => "an array".to_string(),
        None => found.to_string(),
    };
    let wanted = match expected.trim() {
        "struct RawDist" => {
            "a distribution table, like { kind = \"constant\", value = \"1s\" } or { kind = \"lognormal\", median = \"800ms\", sigma = 0.6 }"
        }
        "struct RawJobs" => {
            "a table of the job stream ([apps.jobs] or [frameworks.jobs]) with arrival, tasks and task_duration"
        }
        "struct RawRun" => "the [run] table",
        "struct RawMesos" => "the [mesos] table",
        "struct RawRole" => "a role table, like [mesos.roles.NAME] with weight and quota",
        "struct RawAgentGroup" => "an agent group: a [[agents]] table with count and resources",
        "struct RawApp" => "an app: a [[apps]] table with name, master and [apps.jobs]",
        "struct RawFetch" => "the [apps.fetch] table",
        "struct RawFramework" => "a framework: a [[frameworks]] table",
        "struct RawData" => "the [data] table",
        "struct RawFault" => "a fault: a [[faults]] table with kind, at and app",
        "struct RawScenario" => "a scenario: TOML tables like [run] and [[agents]]",
        "a sequence" => {
            "an array of tables: write the header with double brackets, like [[agents]]"
        }
        "a map" => "a table",
        other => other,
    };
    Some(format!("expected {wanted}, got {found}"))
}

/// The TOML path of the key whose text overlaps the bytes `at` (or the
/// last key that starts before them): items of arrays of tables are named by their
/// `name` when they have one (`apps.web.jobs`), else by index
/// (`agents.0.count`), as in every other message.
pub(crate) fn path_at(src: &str, at: std::ops::Range<usize>) -> Option<String> {
    let (root, _) = DeTable::parse_recoverable(src);
    let mut entries: Vec<(String, usize, usize)> = Vec::new();
    walk(root.get_ref(), "", &mut entries);
    let end = at.end.max(at.start + 1);
    let overlapping = entries
        .iter()
        .filter(|(_, s, e)| *s < end && at.start < (*e).max(s + 1))
        .min_by_key(|(_, s, e)| e - s);
    let best = overlapping.or_else(|| {
        entries
            .iter()
            .filter(|(_, s, _)| *s <= at.start)
            .max_by_key(|(_, s, _)| *s)
    })?;
    Some(best.0.clone())
}

/// Every key: its path and the span from its key to the end of its value.
fn walk(table: &DeTable<'_>, prefix: &str, out: &mut Vec<(String, usize, usize)>) {
    for (key, value) in table.iter() {
        let path = join(prefix, key.get_ref());
        let (start, end) = (key.span().start, value.span().end.max(key.span().end));
        out.push((path.clone(), start, end));
        walk_value(value, &path, out);
    }
}

fn walk_value(value: &Spanned<DeValue<'_>>, path: &str, out: &mut Vec<(String, usize, usize)>) {
    match value.get_ref() {
        DeValue::Table(t) => walk(t, path, out),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = match item.get_ref() {
                    DeValue::Table(t) => t
                        .iter()
                        .find(|(k, _)| k.get_ref() == "name")
                        .and_then(|(_, v)| v.get_ref().as_str().map(str::to_string)),
                    _ => None,
                };
                let item_path = format!("{path}.{}", name.unwrap_or_else(|| i.to_string()));
                walk_value(item, &item_path, out);
            }
        }
        _ => {}
    }
}

fn join(prefix: &str, key: &str) -> String {
    let key = quote_key(key);
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(src: &str) -> String {
        let e = toml::from_str::<super::super::raw::RawScenario>(src).unwrap_err();
        explain(src, e.message(), e.span()).to_string()
    }

    #[test]
    fn a_value_where_a_distribution_belongs() {
        let src = "[[apps]]\nname = \"web\"\n[apps.jobs]\ntask_duration = 0\n";
        assert_eq!(
            explained(src),
            "4:17: apps.web.jobs.task_duration: expected a distribution table, like { kind = \"constant\", value = \"1s\" } or { kind = \"lognormal\", median = \"800ms\", sigma = 0.6 }, got the integer 0"
        );
    }

    #[test]
    fn a_doubled_table_names_the_key() {
        let m = explained("[run]\nseed = 1\n[run]\nhorizon = \"1h\"\n");
        assert!(m.starts_with("3:2: "), "{m}");
        assert!(m.contains("duplicate key `run`"), "{m}");
        let m = explained("[run]\nseed = 1\nseed = 2\n");
        assert!(m.contains("run.seed: duplicate key `seed`"), "{m}");
    }

    #[test]
    fn a_table_where_an_array_of_tables_belongs() {
        let m = explained("[agents]\ncount = 1\n");
        assert!(m.contains("agents: expected an array of tables"), "{m}");
        assert!(m.contains("[[agents]]"), "{m}");
    }

    #[test]
    fn unknown_keys_name_their_table() {
        let m = explained("[[agents]]\ncount = 1\nresource = \"cpus:1\"\n");
        assert!(
            m.starts_with("3:1: agents.0.resource: unknown key `resource`"),
            "{m}"
        );
        assert!(m.contains("(did you mean `resources`?)"), "{m}");
        assert!(!m.contains("field"), "{m}");
    }
}
