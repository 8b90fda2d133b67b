//! The context validation reads leaves in: the scenario's text (for line
//! numbers), its folder (for relative paths), and the problems found.

use std::ops::Range;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::raw::Leaf;
use crate::time::{SimDuration, parse_scenario_duration};

/// Collects diagnostics while reading leaves.
pub(crate) struct Ctx<'s> {
    src: &'s str,
    /// The scenario file's folder: relative paths in the scenario resolve
    /// against it (the current folder for a scenario without a file).
    dir: Option<&'s std::path::Path>,
    pub diags: Diagnostics,
    /// `cluster.manager` is swept or set with `--set`: what only Mesos uses
    /// is a warning on the other managers, not an error.
    pub manager_varied: bool,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(src: &'s str, dir: Option<&'s std::path::Path>) -> Ctx<'s> {
        Ctx {
            src,
            dir,
            diags: Diagnostics::default(),
            manager_varied: false,
        }
    }

    /// A path written in the scenario, resolved against its folder.
    pub(crate) fn resolve(&self, path: &str) -> std::path::PathBuf {
        match self.dir {
            Some(d) if std::path::Path::new(path).is_relative() => d.join(path),
            _ => std::path::PathBuf::from(path),
        }
    }

    fn at(&self, span: &Range<usize>) -> Option<(usize, usize)> {
        (span.end > span.start).then(|| line_col(self.src, span.start))
    }

    pub(crate) fn error(
        &mut self,
        path: &str,
        span: Option<&Range<usize>>,
        message: impl Into<String>,
    ) {
        let line = span.and_then(|s| self.at(s));
        self.diags.errors.push(Diagnostic::new(path, line, message));
    }

    pub(crate) fn warn(
        &mut self,
        path: &str,
        span: Option<&Range<usize>>,
        message: impl Into<String>,
    ) {
        let line = span.and_then(|s| self.at(s));
        self.diags
            .warnings
            .push(Diagnostic::new(path, line, message));
    }

    pub(crate) fn leaf_err(&mut self, path: &str, leaf: &Leaf, message: impl Into<String>) {
        let span = leaf.span();
        self.error(path, Some(&span), message);
    }

    pub(crate) fn string(&mut self, path: &str, leaf: &Leaf) -> Option<String> {
        match leaf.get_ref() {
            toml::Value::String(s) => Some(s.clone()),
            other => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected a string, got {}", describe(other)),
                );
                None
            }
        }
    }

    pub(crate) fn duration(&mut self, path: &str, leaf: &Leaf) -> Option<SimDuration> {
        match leaf.get_ref() {
            toml::Value::String(s) => match parse_scenario_duration(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.leaf_err(path, leaf, e);
                    None
                }
            },
            toml::Value::Integer(n) => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected a duration string, got the bare number {n}: write \"{n}s\" or \"{n}ms\""),
                );
                None
            }
            toml::Value::Float(x) => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected a duration string, got the bare number {x}: write \"{x}s\""),
                );
                None
            }
            other => {
                self.leaf_err(
                    path,
                    leaf,
                    format!(
                        "expected a duration string like \"30s\", got {}",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    pub(crate) fn positive_duration(&mut self, path: &str, leaf: &Leaf) -> Option<SimDuration> {
        let d = self.duration(path, leaf)?;
        if d.is_zero() {
            self.leaf_err(path, leaf, "expected a duration above zero");
            return None;
        }
        Some(d)
    }

    pub(crate) fn integer(&mut self, path: &str, leaf: &Leaf, min: i64, what: &str) -> Option<i64> {
        match leaf.get_ref() {
            toml::Value::Integer(n) if *n >= min => Some(*n),
            toml::Value::Integer(n) => {
                self.leaf_err(path, leaf, format!("expected {what}, got {n}"));
                None
            }
            other => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected {what}, got {}", describe(other)),
                );
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, path: &str, leaf: &Leaf) -> Option<bool> {
        match leaf.get_ref() {
            toml::Value::Boolean(b) => Some(*b),
            other => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected true or false, got {}", describe(other)),
                );
                None
            }
        }
    }

    pub(crate) fn number(&mut self, path: &str, leaf: &Leaf) -> Option<f64> {
        match leaf.get_ref() {
            toml::Value::Integer(n) => Some(*n as f64),
            toml::Value::Float(x) if x.is_finite() => Some(*x),
            other => {
                self.leaf_err(
                    path,
                    leaf,
                    format!("expected a number, got {}", describe(other)),
                );
                None
            }
        }
    }
}

/// A TOML value named for an error message.
pub(crate) fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string \"{s}\""),
        toml::Value::Integer(n) => format!("the integer {n}"),
        toml::Value::Float(x) => format!("the number {x}"),
        toml::Value::Boolean(b) => format!("the boolean {b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "an array".to_string(),
        toml::Value::Table(_) => "a table".to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// A TOML key as a path segment: bare when TOML allows it bare (letters,
/// digits, `_`, `-`), else quoted.
pub(crate) fn quote_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        format!("\"{key}\"")
    }
}
