//! Sharded runs: `--shard K/N` runs every N-th (point, replication) from
//! the K-th (K from 0, as a Slurm array index or a Kubernetes
//! `JOB_COMPLETION_INDEX` gives it) into its own folder; `sim merge`
//! combines shard folders into the reports of the whole run, byte for byte
//! (docs/distributed.md).
//!
//! Merging relies on what the reports guarantee: every per-run file is
//! sorted by leading columns that start with (point, replication), with
//! rows of equal keys in run order, so concatenating the shards' rows and
//! sorting them again gives the unsharded file; `summary_ci.csv` is
//! recomputed from the merged `summary.csv`; the runs listed at the end of
//! `scenario.resolved.toml` are sorted back into (point, replication)
//! order.

use std::path::{Path, PathBuf};

use crate::columns::SORTS;
use crate::report;
use crate::table::parse_csv;

/// A slice of the runs: those whose index is `k` modulo `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// Parses `K/N` with 0 ≤ K < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 0 ≤ K < N (K counts from 0), got \"{text}\"");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// The runs of this shard, from all runs in report order.
    pub fn select<T: Copy>(&self, all: &[T]) -> Vec<T> {
        all.iter()
            .enumerate()
            .filter(|(i, _)| i % self.n == self.k)
            .map(|(_, x)| *x)
            .collect()
    }

    /// The line a shard's `scenario.resolved.toml` ends with.
    pub fn marker(&self, total: usize) -> String {
        format!("# shard {}/{} of {total} runs\n", self.k, self.n)
    }
}

const RUNS_HEADER: &str = "\n# sim ";

/// A shard folder's resolved scenario: the scenario text with the runs
/// header, the run lines, and the shard marker (shard, total runs).
struct Resolved {
    head: String,
    runs: Vec<String>,
    shard: Option<(Shard, usize)>,
}

fn split_resolved(text: &str, dir: &Path) -> Result<Resolved, String> {
    let at = text.find(RUNS_HEADER).ok_or_else(|| {
        format!(
            "{}: scenario.resolved.toml has no list of runs",
            dir.display()
        )
    })?;
    let mut lines = text[at + 1..].lines();
    let header = lines.next().unwrap_or_default();
    let head = format!("{}\n{header}\n", &text[..at]);
    let mut runs = Vec::new();
    let mut shard = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("# shard ") {
            let (kn, total) = rest
                .split_once(" of ")
                .ok_or_else(|| format!("{}: bad shard line \"{line}\"", dir.display()))?;
            let total: usize = total
                .trim_end_matches(" runs")
                .parse()
                .map_err(|_| format!("{}: bad shard line \"{line}\"", dir.display()))?;
            shard = Some((Shard::parse(kn)?, total));
        } else if line.starts_with("# point ") {
            runs.push(line.to_string());
        }
    }
    Ok(Resolved { head, runs, shard })
}

/// (point, replication) of a run line.
fn run_key(line: &str) -> (u64, u64) {
    let mut it = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u64>().unwrap_or(u64::MAX));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn read(dir: &Path, name: &str) -> Result<Option<String>, String> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// What a run line of `scenario.resolved.toml` promises: the run's
/// (point, replication), seed and fingerprint as `summary.csv` writes
/// them, and its rows per report file (older shards list none).
#[derive(Debug)]
struct RunLine {
    key: (u64, u64),
    seed: String,
    fingerprint: String,
    rows: Vec<(String, usize)>,
}

fn parse_run_line(line: &str) -> Option<RunLine> {
    let key = run_key(line);
    let rest = line.split_once(": ")?.1;
    let field = |name: &str| {
        rest.split(", ")
            .find_map(|f| f.strip_prefix(name))
            .map(str::to_string)
    };
    let rows = match rest.split_once(", rows ") {
        Some((_, counts)) => counts
            .split(' ')
            .filter_map(|c| {
                let (file, n) = c.split_once('=')?;
                Some((format!("{file}.csv"), n.parse().ok()?))
            })
            .collect(),
        None => Vec::new(),
    };
    Some(RunLine {
        key,
        seed: field("seed ")?,
        fingerprint: field("fingerprint ")?,
        rows,
    })
}

/// Checks one shard's report files against its own run lines: every row
/// belongs to one of its runs, each run has the rows it lists, and
/// `summary.csv` has each run once with its seed and fingerprint. A cut
/// or edited file is refused instead of merged.
fn check_shard(
    dir: &Path,
    runs: &[String],
    name: &str,
    rows: &[Vec<String>],
    header: &[String],
) -> Result<(), String> {
    let lines: Vec<RunLine> = runs.iter().filter_map(|l| parse_run_line(l)).collect();
    let path = dir.join(name);
    let mut counts: Vec<((u64, u64), usize)> = lines.iter().map(|l| (l.key, 0)).collect();
    let num = |s: &str| s.parse::<u64>().ok();
    for r in rows {
        let key = match (
            r.first().and_then(|v| num(v)),
            r.get(1).and_then(|v| num(v)),
        ) {
            (Some(p), Some(q)) => (p, q),
            _ => {
                return Err(format!(
                    "{}: a row without a point and replication: {}",
                    path.display(),
                    r.join(",")
                ));
            }
        };
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => {
                return Err(format!(
                    "{}: rows of point {} replication {}, which no run of this shard has",
                    path.display(),
                    key.0,
                    key.1
                ));
            }
        }
    }
    for (line, (_, n)) in lines.iter().zip(&counts) {
        let expected = line.rows.iter().find(|(f, _)| f == name).map(|(_, n)| *n);
        if let Some(want) = expected
            && want != *n
        {
            return Err(format!(
                "{}: point {} replication {} has {n} rows, its run lists {want} (the file was cut or edited)",
                path.display(),
                line.key.0,
                line.key.1
            ));
        }
    }
    if name == "summary.csv" {
        let col = |h: &str| header.iter().position(|x| x == h);
        if let (Some(seed), Some(fp), Some(scope)) = (col("seed"), col("fingerprint"), col("scope"))
        {
            for r in rows
                .iter()
                .filter(|r| r.get(scope).map(String::as_str) == Some(crate::columns::ALL_SCOPE))
            {
                let key = (num(&r[0]).unwrap_or(0), num(&r[1]).unwrap_or(0));
                if let Some(line) = lines.iter().find(|l| l.key == key)
                    && (r.get(seed) != Some(&line.seed) || r.get(fp) != Some(&line.fingerprint))
                {
                    return Err(format!(
                        "{}: point {} replication {} does not have the seed and fingerprint its run lists",
                        path.display(),
                        key.0,
                        key.1
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A merged run: the report files, and the resolved scenario.
pub type Merged = (Vec<(&'static str, String)>, String);

/// Merges shard folders: every report file and the resolved scenario,
/// checking the shards belong to one run and none is missing or repeated.
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, String> {
    if dirs.is_empty() {
        return Err("no shard folders given".to_string());
    }
    // The resolved scenario: the same text, the shards 0..N of one split.
    let mut head: Option<String> = None;
    let mut runs: Vec<String> = Vec::new();
    let mut runs_of: Vec<Vec<String>> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    let mut split: Option<(usize, usize)> = None;
    for dir in dirs {
        let text = read(dir, "scenario.resolved.toml")?.ok_or_else(|| {
            format!(
                "{}: no scenario.resolved.toml (not a report folder)",
                dir.display()
            )
        })?;
        let Resolved {
            head: h,
            runs: r,
            shard,
        } = split_resolved(&text, dir)?;
        let Some((shard, total)) = shard else {
            return Err(format!(
                "{}: not a shard folder (run with --shard K/N)",
                dir.display()
            ));
        };
        match &head {
            None => head = Some(h),
            Some(first) if *first != h => {
                return Err(format!(
                    "{}: a different scenario, seed or version than {}",
                    dir.display(),
                    dirs[0].display()
                ));
            }
            _ => {}
        }
        match split {
            None => split = Some((shard.n, total)),
            Some(s) if s != (shard.n, total) => {
                return Err(format!(
                    "{}: shard {}/{} of {total} runs does not match the others",
                    dir.display(),
                    shard.k,
                    shard.n
                ));
            }
            _ => {}
        }
        if seen.contains(&shard.k) {
            return Err(format!("{}: shard {} given twice", dir.display(), shard.k));
        }
        seen.push(shard.k);
        runs_of.push(r.clone());
        runs.extend(r);
    }
    let (n, total) = split.expect("at least one shard");
    if seen.len() != n {
        let missing: Vec<String> = (0..n)
            .filter(|k| !seen.contains(k))
            .map(|k| k.to_string())
            .collect();
        return Err(format!("shard(s) {} of {n} missing", missing.join(", ")));
    }
    if runs.len() != total {
        return Err(format!(
            "the shards list {} runs, expected {total}",
            runs.len()
        ));
    }
    runs.sort_by_key(|l| run_key(l));
    let mut resolved = head.unwrap_or_default();
    for r in &runs {
        resolved.push_str(r);
        resolved.push('\n');
    }

    let mut files = Vec::new();
    let mut summary: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    for (name, _, _) in SORTS {
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        let mut present = 0;
        for (dir, shard_runs) in dirs.iter().zip(&runs_of) {
            let Some(text) = read(dir, name)? else {
                continue;
            };
            present += 1;
            let (h, r) = parse_csv(&text, &dir.join(name))?;
            check_shard(dir, shard_runs, name, &r, &h)?;
            match &header {
                None => header = Some(h),
                Some(first) if *first != h => {
                    return Err(format!(
                        "{}: its columns differ from the other shards'",
                        dir.join(name).display()
                    ));
                }
                _ => {}
            }
            rows.extend(r);
        }
        if present == 0 {
            continue;
        }
        if present != dirs.len() {
            return Err(format!("{name} is in some shard folders only"));
        }
        let header = header.unwrap_or_default();
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        if name == "summary.csv" {
            summary = Some((header.clone(), rows.clone()));
        }
        files.push((name, report::sorted_csv(name, &h, rows)));
    }
    let (header, rows) = summary.ok_or("no summary.csv in the shard folders")?;
    files.push(("summary_ci.csv", report::summary_ci_csv(&header, &rows)));
    Ok((files, resolved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_slice_round_robin() {
        assert_eq!(Shard::parse("0/3"), Ok(Shard { k: 0, n: 3 }));
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
        let all: Vec<u32> = (0..7).collect();
        assert_eq!(Shard { k: 1, n: 3 }.select(&all), [1, 4]);
        assert_eq!(Shard { k: 0, n: 3 }.select(&all), [0, 3, 6]);
        assert_eq!(
            run_key("# point 12 replication 3: seed 5, fingerprint ab, 7 events"),
            (12, 3)
        );
    }
}
