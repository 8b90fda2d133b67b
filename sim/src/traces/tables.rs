//! What the traces made of several time-ordered tables share (Google 2011
//! and 2019): a table read from its files one after another, each row's
//! time checked to be in order, and two tables read side by side in time
//! order.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::PathBuf;

use super::row::{Lines, TraceError};

/// One table: its files in order, read line by line.
pub struct Table {
    name: &'static str,
    files: VecDeque<PathBuf>,
    current: Option<(String, Lines<Box<dyn BufRead>>)>,
    last: i64,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("name", &self.name).finish()
    }
}

/// Why a row is refused: the column (1-based) and the reason.
pub type RowError = (usize, String);

impl Table {
    /// `files` in the order they are read; `name` names the table.
    pub fn new(name: &'static str, files: Vec<PathBuf>) -> Table {
        Table {
            name,
            files: files.into(),
            current: None,
            last: i64::MIN,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The next row as `parse` reads it (its time and what else it
    /// holds), its time checked to be in order; `None` after the last
    /// file. An error names the file (`prefix` + its name), line and
    /// column.
    pub fn next<R>(
        &mut self,
        prefix: &str,
        parse: impl Fn(&str) -> Result<(i64, R), RowError>,
    ) -> Result<Option<(i64, R)>, TraceError> {
        loop {
            if self.current.is_none() {
                let Some(p) = self.files.pop_front() else {
                    return Ok(None);
                };
                let input = super::codec::open_file(&p).map_err(|m| TraceError {
                    line: 0,
                    column: 0,
                    message: m,
                })?;
                let file = format!(
                    "{prefix}{}",
                    p.file_name().and_then(|n| n.to_str()).unwrap_or("?")
                );
                self.current = Some((file, Lines::new(input)));
            }
            let (file, lines) = self.current.as_mut().expect("a file");
            let parsed = match lines.next_line()? {
                Some(text) => parse(text),
                None => {
                    self.current = None;
                    continue;
                }
            };
            let at = |(column, message): RowError| TraceError {
                line: lines.line,
                column,
                message: format!("{file}: {message}"),
            };
            let (time, row) = parsed.map_err(at)?;
            if time < self.last {
                return Err(at((
                    1,
                    format!(
                        "time {time} µs is before the previous row's {} µs: rows must be in time order",
                        self.last
                    ),
                )));
            }
            self.last = time;
            return Ok(Some((time, row)));
        }
    }
}

/// A row of the first table or of the second.
#[derive(Debug)]
pub enum Either<A, B> {
    First(A),
    Second(B),
}

/// Two tables' next rows, to hand out in time order (the first table's
/// row first at equal times).
#[derive(Debug)]
pub struct Merged<A, B> {
    first: Option<(i64, A)>,
    second: Option<(i64, B)>,
    started: bool,
}

impl<A, B> Default for Merged<A, B> {
    fn default() -> Self {
        Merged {
            first: None,
            second: None,
            started: false,
        }
    }
}

type Pull<T> = Result<Option<(i64, T)>, TraceError>;
/// The earlier row of two tables, with its time.
type Next<A, B> = Result<Option<(i64, Either<A, B>)>, TraceError>;

impl<A, B> Merged<A, B> {
    /// The earlier of the two tables' next rows; `pull_first` and
    /// `pull_second` read a table's next row. `None` when both are done.
    pub fn next(
        &mut self,
        mut pull_first: impl FnMut() -> Pull<A>,
        mut pull_second: impl FnMut() -> Pull<B>,
    ) -> Next<A, B> {
        if !self.started {
            self.started = true;
            self.first = pull_first()?;
            self.second = pull_second()?;
        }
        let take_first = match (&self.first, &self.second) {
            (None, None) => return Ok(None),
            (Some((a, _)), Some((b, _))) => a <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
        };
        if take_first {
            let (t, row) = self.first.take().expect("a row");
            self.first = pull_first()?;
            Ok(Some((t, Either::First(row))))
        } else {
            let (t, row) = self.second.take().expect("a row");
            self.second = pull_second()?;
            Ok(Some((t, Either::Second(row))))
        }
    }
}

/// Jobs read and not yet given, by ID, in the order they arrived: a trace
/// gives its jobs in that order, each once it is complete (or dropped).
#[derive(Debug)]
pub struct InFlight<K, T> {
    items: std::collections::BTreeMap<K, T>,
    order: VecDeque<K>,
}

impl<K: Ord + Copy, T> Default for InFlight<K, T> {
    fn default() -> Self {
        InFlight {
            items: std::collections::BTreeMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<K: Ord + Copy, T> InFlight<K, T> {
    /// A new arrival; false (and nothing changes) if `id` is in flight.
    pub fn arrive(&mut self, id: K, item: T) -> bool {
        if self.items.contains_key(&id) {
            return false;
        }
        self.items.insert(id, item);
        self.order.push_back(id);
        true
    }

    pub fn get_mut(&mut self, id: &K) -> Option<&mut T> {
        self.items.get_mut(id)
    }

    /// Drops `id` wherever it is in the order.
    pub fn remove(&mut self, id: &K) -> Option<T> {
        self.items.remove(id)
    }

    /// The oldest still in flight (IDs removed meanwhile are passed over).
    pub fn oldest(&mut self) -> Option<(K, &T)> {
        while let Some(&id) = self.order.front() {
            if self.items.contains_key(&id) {
                return Some((id, &self.items[&id]));
            }
            self.order.pop_front();
        }
        None
    }
}
