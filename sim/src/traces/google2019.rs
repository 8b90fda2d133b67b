//! Google cluster-usage trace 2019 (`clusterdata-2019`, trace format v3:
//! github.com/google/cluster-data, `ClusterData2019.md` and
//! `clusterdata_trace_format_v3.proto`): eight Borg cells in May 2019,
//! published as BigQuery tables.
//!
//! The trace is a folder holding the `collection_events` and
//! `instance_events` tables exported as JSON lines (BigQuery's JSON export:
//! one row per line, fields named as in the schema, 64-bit integers as
//! numbers or as strings), each as one or more files whose names start
//! with the table's name (`collection_events.json`,
//! `collection_events-000000000001.json.gz`, …), read in name order. Rows
//! must be in time order within each table (export with `ORDER BY time`).
//!
//! Fields read: `time` (µs since the trace's start), `type` (0 SUBMIT,
//! 1 QUEUE, 2 ENABLE, 3 SCHEDULE, 4 EVICT, 5 FAIL, 6 FINISH, 7 KILL,
//! 8 LOST, 9 UPDATE_PENDING, 10 UPDATE_RUNNING), `collection_id`,
//! `collection_type` (0 JOB, 1 ALLOC_SET), `priority`; collections'
//! `parent_collection_id` and `start_after_collection_ids`; instances'
//! `instance_index`.
//!
//! The mapping: alloc sets are skipped. A job with no parent (or whose
//! parent is not a job in flight) starts a group; a job whose parent is in
//! a group joins it (master/worker jobs such as MapReduce's). A group is
//! replayed as one job: each of its Borg jobs is a stage of its instances,
//! whose parents are the group's jobs in its `start_after_collection_ids`
//! (others are dropped, counted). The group arrives at its first job's
//! SUBMIT and is given once every job in it has FINISHed; a group with a
//! job that ends otherwise (EVICT, FAIL, KILL, LOST) is left out, as is a
//! group still running `longest_job` after its arrival (counted). An
//! instance runs its last run, SCHEDULE to FINISH (an evicted, failed,
//! killed or lost instance is rescheduled; only the finished run counts);
//! an instance without a finished run runs its job's mean (counted).
//! `tiers` keeps only groups whose first job's priority is in the listed
//! tiers (Google's: free 0–99, best-effort batch 100–115, mid 116–119,
//! production 120 and above). Nothing is drawn.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::row::{TraceError, TraceJob, TraceReader};
use super::tables::{Either, InFlight, Merged, RowError, Table};
use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// Google's priority tiers, by the lowest priority in each.
pub const TIERS: [(&str, i64); 4] = [
    ("free", 0),
    ("best-effort", 100),
    ("mid", 116),
    ("production", 120),
];

/// The tier of a priority.
pub fn tier(priority: i64) -> &'static str {
    TIERS
        .iter()
        .rev()
        .find(|(_, low)| priority >= *low)
        .map_or("free", |(n, _)| n)
}

/// A 64-bit integer as BigQuery exports it: a number or a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Int {
    N(i64),
    S(String),
}

impl Int {
    fn get(&self) -> Option<i64> {
        match self {
            Int::N(n) => Some(*n),
            Int::S(s) => s.parse().ok(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Event {
    time: Option<Int>,
    #[serde(rename = "type")]
    kind: Option<Int>,
    collection_id: Option<Int>,
    collection_type: Option<Int>,
    priority: Option<Int>,
    parent_collection_id: Option<Int>,
    #[serde(default)]
    start_after_collection_ids: Vec<Int>,
    instance_index: Option<Int>,
    user: Option<String>,
    resource_request: Option<Request>,
}

#[derive(Debug, Deserialize)]
struct Request {
    cpus: Option<f64>,
}

/// A table's files (names starting with the table's), in name order.
fn table(dir: &Path, name: &'static str) -> Result<Table, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the trace folder {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(name))
        })
        .collect();
    if files.is_empty() {
        return Err(format!(
            "{} holds no {name}… file (a Google 2019 trace folder holds collection_events and instance_events as JSON lines)",
            dir.display()
        ));
    }
    files.sort();
    Ok(Table::new(name, files))
}

/// A JSON row of `table`: its time and its fields.
fn event(text: &str, table: &str) -> Result<(i64, Event), RowError> {
    let event: Event = serde_json::from_str(text)
        .map_err(|e| (e.column().max(1), format!("not a row of {table}: {e}")))?;
    let time = event
        .time
        .as_ref()
        .and_then(Int::get)
        .ok_or_else(|| (1, "a row without a time".to_string()))?;
    Ok((time, event))
}

#[derive(Debug, Default)]
struct Instance {
    scheduled: Option<i64>,
    run: Option<i64>,
    /// Its last CPU request (normalised compute units).
    cpus: Option<f64>,
}

#[derive(Debug)]
struct Member {
    start_after: Vec<i64>,
    instances: BTreeMap<i64, Instance>,
    finished: bool,
}

#[derive(Debug)]
struct Group {
    user: Option<String>,
    submit: i64,
    keep: bool,
    /// Its Borg jobs by ID.
    members: BTreeMap<i64, Member>,
    failed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Google2019Counts {
    pub alloc_sets: u64,
    pub ended_otherwise: u64,
    pub too_long: u64,
    pub other_tiers: u64,
    pub dropped_dependencies: u64,
    pub filled_instances: u64,
}

#[derive(Debug)]
pub struct Google2019Reader {
    collections: Table,
    instances: Table,
    merged: Merged<Event, Event>,
    groups: InFlight<i64, Group>,
    /// Each Borg job in flight: its group.
    group_of: BTreeMap<i64, i64>,
    longest: i64,
    tiers: Vec<String>,
    now: i64,
    at_end: bool,
    pub counts: Google2019Counts,
}

impl Google2019Reader {
    pub fn open(
        dir: &Path,
        longest_job: SimDuration,
        tiers: &[String],
    ) -> Result<Google2019Reader, String> {
        Ok(Google2019Reader {
            collections: table(dir, "collection_events")?,
            instances: table(dir, "instance_events")?,
            merged: Merged::default(),
            groups: InFlight::default(),
            group_of: BTreeMap::new(),
            longest: longest_job.as_micros() as i64,
            tiers: tiers.to_vec(),
            now: 0,
            at_end: false,
            counts: Google2019Counts::default(),
        })
    }

    fn take_collection(&mut self, time: i64, e: Event) {
        let int = |x: &Option<Int>| x.as_ref().and_then(Int::get);
        if int(&e.collection_type) == Some(1) {
            if int(&e.kind) == Some(0) {
                self.counts.alloc_sets += 1;
            }
            return;
        }
        let Some(id) = int(&e.collection_id) else {
            return;
        };
        match int(&e.kind) {
            Some(0) => {
                if self.group_of.contains_key(&id) {
                    return;
                }
                let member = Member {
                    start_after: e
                        .start_after_collection_ids
                        .iter()
                        .filter_map(Int::get)
                        .collect(),
                    instances: BTreeMap::new(),
                    finished: false,
                };
                let parent_group =
                    int(&e.parent_collection_id).and_then(|p| self.group_of.get(&p).copied());
                let g = match parent_group {
                    Some(g) => g,
                    None => {
                        let priority = int(&e.priority).unwrap_or(0);
                        let keep =
                            self.tiers.is_empty() || self.tiers.iter().any(|t| t == tier(priority));
                        self.groups.arrive(
                            id,
                            Group {
                                user: e.user.clone(),
                                submit: time,
                                keep,
                                members: BTreeMap::new(),
                                failed: false,
                            },
                        );
                        id
                    }
                };
                if let Some(group) = self.groups.get_mut(&g) {
                    group.members.insert(id, member);
                    self.group_of.insert(id, g);
                }
            }
            Some(6) => {
                if let Some(g) = self.group_of.get(&id).and_then(|g| self.groups.get_mut(g))
                    && let Some(m) = g.members.get_mut(&id)
                {
                    m.finished = true;
                }
            }
            Some(4 | 5 | 7 | 8) => {
                if let Some(g) = self.group_of.get(&id).and_then(|g| self.groups.get_mut(g)) {
                    g.failed = true;
                }
            }
            _ => {}
        }
    }

    fn take_instance(&mut self, time: i64, e: Event) {
        let int = |x: &Option<Int>| x.as_ref().and_then(Int::get);
        let (Some(id), Some(index)) = (int(&e.collection_id), int(&e.instance_index)) else {
            return;
        };
        let Some(m) = self
            .group_of
            .get(&id)
            .and_then(|g| self.groups.get_mut(g))
            .and_then(|g| g.members.get_mut(&id))
        else {
            return;
        };
        let inst = m.instances.entry(index).or_default();
        if let Some(c) = e.resource_request.and_then(|r| r.cpus).filter(|c| *c > 0.0) {
            inst.cpus = Some(c);
        }
        match int(&e.kind) {
            Some(3) => inst.scheduled = Some(time),
            Some(6) => {
                if let Some(s) = inst.scheduled.take() {
                    inst.run = Some(time - s);
                }
            }
            Some(4 | 5 | 7 | 8) => inst.scheduled = None,
            _ => {}
        }
    }

    /// The next event of either table in time order; false at the end.
    fn step(&mut self) -> Result<bool, TraceError> {
        let (c, i) = (&mut self.collections, &mut self.instances);
        let next = self.merged.next(
            || c.next("", |t| event(t, "collection_events")),
            || i.next("", |t| event(t, "instance_events")),
        )?;
        match next {
            None => return Ok(false),
            Some((t, Either::First(e))) => {
                self.now = t;
                self.take_collection(t, e);
            }
            Some((t, Either::Second(e))) => {
                self.now = t;
                self.take_instance(t, e);
            }
        }
        Ok(true)
    }

    fn forget(&mut self, id: i64) -> Option<Group> {
        let g = self.groups.remove(&id)?;
        for m in g.members.keys() {
            self.group_of.remove(m);
        }
        Some(g)
    }

    fn replay(&mut self, g: Group) -> TraceJob {
        let ids: Vec<i64> = g.members.keys().copied().collect();
        // Stages in ID order, then moved so that dependencies come first.
        let mut order: Vec<usize> = Vec::new();
        let mut placed = vec![false; ids.len()];
        let deps: Vec<Vec<usize>> = g
            .members
            .values()
            .map(|m| {
                m.start_after
                    .iter()
                    .filter_map(|d| ids.iter().position(|x| x == d))
                    .collect()
            })
            .collect();
        for m in g.members.values() {
            let known = m.start_after.iter().filter(|d| ids.contains(d)).count();
            self.counts.dropped_dependencies += (m.start_after.len() - known) as u64;
        }
        while order.len() < ids.len() {
            let next = (0..ids.len())
                .find(|&k| !placed[k] && deps[k].iter().all(|&d| placed[d]))
                // A cycle: the rest in ID order, their dependencies dropped.
                .or_else(|| (0..ids.len()).find(|&k| !placed[k]))
                .expect("an unplaced job");
            placed[next] = true;
            order.push(next);
        }
        let position = |k: usize| order.iter().position(|&o| o == k).expect("placed") as u32;
        let members: Vec<&Member> = g.members.values().collect();
        let stages = order
            .iter()
            .map(|&k| {
                let m = members[k];
                let runs: Vec<i64> = m.instances.values().filter_map(|i| i.run).collect();
                let mean = if runs.is_empty() {
                    0
                } else {
                    runs.iter().sum::<i64>() / runs.len() as i64
                };
                let mut durations: Vec<u64> = m
                    .instances
                    .values()
                    .map(|i| {
                        i.run
                            .unwrap_or_else(|| {
                                self.counts.filled_instances += 1;
                                mean
                            })
                            .max(0) as u64
                    })
                    .collect();
                if durations.is_empty() {
                    // A job whose instances the trace never showed.
                    durations.push(0);
                    self.counts.filled_instances += 1;
                }
                let mut parents: Vec<u32> = deps[k]
                    .iter()
                    .filter(|&&d| position(d) < position(k))
                    .map(|&d| position(d))
                    .collect();
                parents.sort_unstable();
                StageDraft {
                    durations,
                    parents,
                    cores: super::row::mean_of(m.instances.values().filter_map(|i| i.cpus)),
                    input: None,
                }
            })
            .collect();
        TraceJob {
            submit: SimDuration(g.submit.max(0) as u64),
            stages,
            user: g.user,
            queue: None,
        }
    }
}

impl TraceReader for Google2019Reader {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError> {
        loop {
            // The oldest group: given once every job in it finished,
            // dropped once one failed, too long, or of another tier.
            if let Some((id, g)) = self.groups.oldest() {
                let done = g.members.values().all(|m| m.finished);
                let (failed, keep, submit) = (g.failed, g.keep, g.submit);
                if failed || done {
                    let g = self.forget(id).expect("a group");
                    if failed {
                        self.counts.ended_otherwise += 1;
                    } else if !keep {
                        self.counts.other_tiers += 1;
                    } else {
                        return Ok(Some(self.replay(g)));
                    }
                    continue;
                }
                if self.now - submit > self.longest || self.at_end {
                    self.forget(id);
                    self.counts.too_long += 1;
                    continue;
                }
            } else if self.at_end {
                return Ok(None);
            }
            if !self.step()? {
                self.at_end = true;
            }
        }
    }

    fn notes(&self) -> Vec<String> {
        let c = &self.counts;
        vec![format!(
            "{} alloc sets skipped; {} groups with a job that ended otherwise than FINISH, {} unfinished after longest_job (or at the end), {} of other tiers left out; {} dependencies outside their group dropped; {} instances without a finished run given their job's mean",
            c.alloc_sets,
            c.ended_otherwise,
            c.too_long,
            c.other_tiers,
            c.dropped_dependencies,
            c.filled_instances
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(tiers: &[&str]) -> (Vec<TraceJob>, Google2019Counts) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../traces/google-2019");
        let tiers: Vec<String> = tiers.iter().map(|t| t.to_string()).collect();
        let mut r = Google2019Reader::open(&dir, SimDuration::from_secs(3600), &tiers).unwrap();
        let mut jobs = Vec::new();
        while let Some(j) = r.next_job().unwrap() {
            jobs.push(j);
        }
        (jobs, r.counts)
    }

    #[test]
    fn the_hand_written_sample_gives_these_jobs() {
        let (jobs, counts) = read(&[]);
        // The master/worker group, the free-tier job, the production job.
        assert_eq!(jobs.len(), 3);
        let mr = &jobs[0];
        assert_eq!(mr.submit, SimDuration::from_secs(1));
        // Stages by job ID: the master (28 s), the map job (10 s, and 12 s
        // for the instance evicted and run again), the reduce job after
        // the map job (5 s).
        let stages: Vec<(Vec<u64>, Vec<u32>)> = mr
            .stages
            .iter()
            .map(|s| (s.durations.clone(), s.parents.clone()))
            .collect();
        assert_eq!(
            stages,
            [
                (vec![28_000_000], vec![]),
                (vec![10_000_000, 12_000_000], vec![]),
                (vec![5_000_000], vec![1]),
            ]
        );
        assert_eq!(jobs[1].submit, SimDuration::from_secs(5));
        assert_eq!(jobs[1].stages[0].durations, [3_000_000]);
        assert_eq!(jobs[2].stages[0].durations, [4_000_000, 5_000_000]);
        assert_eq!(
            counts,
            Google2019Counts {
                alloc_sets: 1,
                ended_otherwise: 1,
                too_long: 1,
                other_tiers: 0,
                dropped_dependencies: 1,
                filled_instances: 0,
            }
        );
        // Production only: the free-tier job is left out.
        let (jobs, counts) = read(&["production"]);
        assert_eq!(jobs.len(), 2);
        assert_eq!(counts.other_tiers, 1);
        assert_eq!(tier(99), "free");
        assert_eq!(tier(115), "best-effort");
        assert_eq!(tier(119), "mid");
        assert_eq!(tier(360), "production");
    }

    #[test]
    fn bad_rows_say_which_file_and_where() {
        let d = std::env::temp_dir().join(format!("sim-g2019-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("collection_events.json"),
            "{\"time\":5,\"type\":0,\"collection_id\":1}\n{\"time\":4,\"type\":0,\"collection_id\":2}\n",
        )
        .unwrap();
        std::fs::write(d.join("instance_events.json"), "{\"time\": \"x\"\n").unwrap();
        let mut r = Google2019Reader::open(&d, SimDuration::from_secs(60), &[]).unwrap();
        let e = r.next_job().unwrap_err();
        assert_eq!(e.line, 1);
        assert!(
            e.message
                .starts_with("instance_events.json: not a row of instance_events"),
            "{}",
            e.message
        );
        std::fs::write(d.join("instance_events.json"), "").unwrap();
        let mut r = Google2019Reader::open(&d, SimDuration::from_secs(60), &[]).unwrap();
        let e = r.next_job().unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("rows must be in time order"),
            "{}",
            e.message
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}
