//! One problem or warning of a scenario, located by TOML path and line.

use std::fmt;

/// One problem (or warning), located by TOML path and, when known, line and
/// column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: String,
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl Diagnostic {
    /// `FILE:LINE:COL: path: message`, or `FILE: path: message` without a
    /// line: how `sim` prints a diagnostic of `file`.
    pub fn located(&self, file: &str) -> String {
        if self.line.is_some() {
            format!("{file}:{self}")
        } else {
            format!("{file}: {self}")
        }
    }

    pub fn new(path: &str, line: Option<(usize, usize)>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: cut_long(path),
            line,
            message: cut_long(&message.into()),
        }
    }
}

/// Longest run of non-space characters a message repeats whole; a value
/// pasted by mistake (100,000 characters of it) is cut in the middle.
const MAX_WORD_CHARS: usize = 120;
/// Longest message, whatever it holds.
const MAX_MESSAGE_CHARS: usize = 2_000;

/// `text` with every over-long word cut to its start and end, and the
/// whole cut to [`MAX_MESSAGE_CHARS`], saying how much was left out.
pub fn cut_long(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE_CHARS + 64));
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let n = word.chars().count();
        if n > MAX_WORD_CHARS {
            let head: String = word.chars().take(60).collect();
            let tail: String = word.chars().skip(n - 20).collect();
            out.push_str(&format!("{head}…({} characters left out)…{tail}", n - 80));
        } else {
            out.push_str(word);
        }
    }
    let n = out.chars().count();
    if n > MAX_MESSAGE_CHARS {
        let head: String = out.chars().take(MAX_MESSAGE_CHARS).collect();
        return format!(
            "{head}… (message cut: {} more characters)",
            n - MAX_MESSAGE_CHARS
        );
    }
    out
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, col)) = self.line {
            write!(f, "{line}:{col}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}
