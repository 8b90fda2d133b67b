//! What every trace reader gives and shares: a job on the trace's clock,
//! a located error, the reader contract, field parsers.

use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// One job as a trace gives it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceJob {
    /// Its submit time on the trace's clock.
    pub submit: SimDuration,
    pub stages: Vec<StageDraft>,
    /// Who submitted it and to which queue, where the trace says.
    pub user: Option<String>,
    pub queue: Option<String>,
}

impl TraceJob {
    pub fn tasks(&self) -> u64 {
        self.stages.iter().map(|s| s.durations.len() as u64).sum()
    }
}

/// A row the reader could not take: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A format's reader: the trace's jobs in submission order.
pub trait TraceReader {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError>;
    /// What the reader left out or filled in so far, in words (for `sim
    /// import`); nothing by default.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The mean of some values, if any.
pub fn mean_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// A trace's text, line by line, counting lines for error messages.
#[derive(Debug)]
pub struct Lines<R> {
    input: R,
    /// The line last read (1-based).
    pub line: usize,
    buf: String,
}

impl<R: std::io::BufRead> Lines<R> {
    pub fn new(input: R) -> Lines<R> {
        Lines {
            input,
            line: 0,
            buf: String::new(),
        }
    }

    /// The next line that is not blank, without its line end; `None` at
    /// the end.
    pub fn next_line(&mut self) -> Result<Option<&str>, TraceError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let n = self
                .input
                .read_line(&mut self.buf)
                .map_err(|e| TraceError {
                    line: self.line,
                    column: 1,
                    message: format!("cannot read: {e}"),
                })?;
            if n == 0 {
                return Ok(None);
            }
            if !self.buf.trim().is_empty() {
                return Ok(Some(self.buf.trim_end_matches(['\n', '\r'])));
            }
        }
    }
}

/// Parses a field that must be a non-negative integer.
pub(crate) fn whole(field: &str) -> Result<u64, String> {
    field
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number ≥ 0, got \"{}\"", field.trim()))
}

/// Parses a field that must be a non-negative number of seconds: µs.
pub(crate) fn seconds(field: &str) -> Result<SimDuration, String> {
    let t = field.trim();
    match t.parse::<f64>() {
        Ok(x) if (0.0..1e12).contains(&x) => Ok(SimDuration((x * 1e6).round() as u64)),
        _ => Err(format!("expected seconds ≥ 0, got \"{t}\"")),
    }
}
