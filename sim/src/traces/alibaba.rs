//! Alibaba cluster-trace-v2018, `batch_task.csv`
//! (github.com/alibaba/clusterdata, `cluster-trace-v2018/trace_2018.md`
//! and its schema file): the batch jobs of a 4,000-machine cluster over 8
//! days, as DAGs.
//!
//! One row per task (a group of identical instances), comma-separated, no
//! header: `task_name, instance_num, job_name, task_type, status,
//! start_time, end_time, plan_cpu, plan_mem`. Times are seconds on the
//! trace's clock; `plan_cpu` is in hundredths of a core, `plan_mem` a
//! normalised share. The task name carries the DAG: `M1` is task 1 with no
//! parent, `R2_1` task 2 reading task 1, `J5_2_3` task 5 reading tasks 2
//! and 3 (the leading letters name the kind of task; the numbers after
//! the first are its parents). A name without that pattern (such as
//! `task_Nzg…`) is an independent task.
//!
//! The mapping: a job is the rows of one `job_name`; each task is a stage
//! of `instance_num` tasks whose parents are the tasks its name lists; the
//! job is submitted at its earliest `start_time`. The trace gives one
//! start and end per task, not per instance (`batch_instance.csv` has
//! those and is not read): every instance runs `end_time − start_time`
//! (at least 1 s), an upper bound when a task's instances ran in waves.
//! Only jobs whose every task is `Terminated` are replayed (others are
//! counted); a parent that is not a task of the job is dropped (counted).
//! Nothing is drawn: `seed` is unused.
//!
//! Rows must be grouped by job, jobs in order of their first start (the
//! published file is not: `docs/traces.md` gives the command that sorts
//! it), so that the trace streams with the memory of one job.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::row::{Lines, TraceError, TraceJob, TraceReader, whole};
use crate::jobs::draft::StageDraft;
use crate::time::SimDuration;

/// One task row.
#[derive(Debug)]
struct Task {
    id: u64,
    parents: Vec<u64>,
    instances: u32,
    start: u64,
    end: u64,
    terminated: bool,
    /// `plan_cpu`, in the trace's units (hundredths of a core).
    plan_cpu: Option<f64>,
    line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlibabaCounts {
    /// Jobs with a task not `Terminated`, left out.
    pub unfinished_jobs: u64,
    /// Parents named that are not tasks of the job, dropped.
    pub missing_parents: u64,
}

#[derive(Debug)]
pub struct AlibabaReader<R> {
    lines: Lines<R>,
    /// The job being read: its name and tasks.
    job: Option<(String, Vec<Task>)>,
    /// A row of the next job, read ahead.
    ahead: Option<(String, Task)>,
    /// Ids given to tasks whose names carry no DAG, counting down.
    independent: u64,
    last_submit: u64,
    pub counts: AlibabaCounts,
}

/// `M1` → (1, []); `R5_2_3` → (5, [2, 3]); anything else → `None`.
fn dag_name(name: &str) -> Option<(u64, Vec<u64>)> {
    let rest = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if rest.len() == name.len() || rest.is_empty() {
        return None;
    }
    let mut ids = rest.split('_').map(|p| p.parse::<u64>().ok());
    let id = ids.next()??;
    let parents: Option<Vec<u64>> = ids.collect();
    Some((id, parents?))
}

impl<R: BufRead> AlibabaReader<R> {
    pub fn new(input: R) -> AlibabaReader<R> {
        AlibabaReader {
            lines: Lines::new(input),
            job: None,
            ahead: None,
            independent: 0,
            last_submit: 0,
            counts: AlibabaCounts::default(),
        }
    }

    fn err(&self, line: usize, column: usize, message: impl Into<String>) -> TraceError {
        TraceError {
            line,
            column,
            message: message.into(),
        }
    }

    /// The next row, or `None` at the end.
    fn row(&mut self) -> Result<Option<(String, Task)>, TraceError> {
        let Some(text) = self.lines.next_line()?.map(str::to_string) else {
            return Ok(None);
        };
        let line = self.lines.line;
        let f: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
        if f.len() != 9 {
            return Err(self.err(
                line,
                1,
                format!(
                    "expected 9 comma-separated fields (task_name, instance_num, job_name, task_type, status, start_time, end_time, plan_cpu, plan_mem), found {}",
                    f.len()
                ),
            ));
        }
        let col = |i: usize| 1 + f[..i].iter().map(|x| x.chars().count() + 1).sum::<usize>();
        let num = |i: usize| whole(&f[i]).map_err(|m| self.err(line, col(i), m));
        let instances = num(1)?;
        if instances == 0 || instances > 10_000_000 {
            return Err(self.err(
                line,
                col(1),
                format!("instance_num {instances} is not between 1 and 10,000,000"),
            ));
        }
        if f[2].is_empty() {
            return Err(self.err(line, col(2), "empty job_name"));
        }
        let (start, end) = (num(5)?, num(6)?);
        if end < start {
            return Err(self.err(
                line,
                col(6),
                format!("end_time {end} is before start_time {start}"),
            ));
        }
        let (id, parents) = match dag_name(&f[0]) {
            Some(d) => d,
            None => {
                // An independent task: an id no DAG name uses.
                self.independent += 1;
                (u64::MAX - self.independent, Vec::new())
            }
        };
        Ok(Some((
            f[2].clone(),
            Task {
                id,
                parents,
                instances: instances as u32,
                start,
                end,
                terminated: f[4] == "Terminated",
                plan_cpu: f[7]
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x > 0.0),
                line,
            },
        )))
    }

    /// A job's tasks as a DAG in topological order, or why not.
    fn replay(&mut self, name: &str, mut tasks: Vec<Task>) -> Result<Option<TraceJob>, TraceError> {
        if tasks.iter().any(|t| !t.terminated) {
            self.counts.unfinished_jobs += 1;
            return Ok(None);
        }
        let submit = tasks.iter().map(|t| t.start).min().unwrap_or(0);
        if submit < self.last_submit {
            return Err(self.err(
                tasks[0].line,
                1,
                format!(
                    "job {name} starts at {submit} s, before the previous job's {} s: rows must be grouped by job, jobs in order of their first start_time",
                    self.last_submit
                ),
            ));
        }
        self.last_submit = submit;
        tasks.sort_by_key(|t| t.id);
        let index: BTreeMap<u64, usize> =
            tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        for t in &mut tasks {
            let before = t.parents.len();
            t.parents.retain(|p| index.contains_key(p));
            self.counts.missing_parents += (before - t.parents.len()) as u64;
        }
        // Kahn's algorithm, taking the lowest id first among the ready.
        let mut missing: Vec<usize> = tasks.iter().map(|t| t.parents.len()).collect();
        let mut ready: std::collections::BTreeSet<usize> =
            (0..tasks.len()).filter(|&i| missing[i] == 0).collect();
        let mut order = Vec::with_capacity(tasks.len());
        while let Some(&i) = ready.iter().next() {
            ready.remove(&i);
            order.push(i);
            for (j, t) in tasks.iter().enumerate() {
                if t.parents.contains(&tasks[i].id) {
                    missing[j] -= 1;
                    if missing[j] == 0 {
                        ready.insert(j);
                    }
                }
            }
        }
        if order.len() < tasks.len() {
            return Err(self.err(
                tasks[0].line,
                1,
                format!("the tasks of job {name} depend on each other in a cycle"),
            ));
        }
        let position: BTreeMap<u64, u32> = order
            .iter()
            .enumerate()
            .map(|(k, &i)| (tasks[i].id, k as u32))
            .collect();
        let stages = order
            .iter()
            .map(|&i| {
                let t = &tasks[i];
                let run = (t.end - t.start).max(1) * 1_000_000;
                let mut parents: Vec<u32> = t.parents.iter().map(|p| position[p]).collect();
                parents.sort_unstable();
                StageDraft {
                    durations: vec![run; t.instances as usize],
                    parents,
                    cores: t.plan_cpu,
                    input: None,
                }
            })
            .collect();
        Ok(Some(TraceJob {
            submit: SimDuration(submit * 1_000_000),
            stages,
            ..TraceJob::default()
        }))
    }
}

impl<R: BufRead> TraceReader for AlibabaReader<R> {
    fn next_job(&mut self) -> Result<Option<TraceJob>, TraceError> {
        loop {
            let next = match self.ahead.take() {
                Some(r) => Some(r),
                None => self.row()?,
            };
            match (next, self.job.take()) {
                (None, None) => return Ok(None),
                (None, Some((name, tasks))) => {
                    if let Some(j) = self.replay(&name, tasks)? {
                        return Ok(Some(j));
                    }
                }
                (Some((name, task)), None) => self.job = Some((name, vec![task])),
                (Some((name, task)), Some((current, mut tasks))) if name == current => {
                    tasks.push(task);
                    self.job = Some((current, tasks));
                }
                (Some((name, task)), Some((current, tasks))) => {
                    // A job whose rows are not together shows as a job
                    // starting before the one read last.
                    self.ahead = Some((name, task));
                    if let Some(j) = self.replay(&current, tasks)? {
                        return Ok(Some(j));
                    }
                }
            }
        }
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "{} jobs with a task not Terminated left out; {} parents that are not tasks of their job dropped",
            self.counts.unfinished_jobs, self.counts.missing_parents
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(Vec<TraceJob>, AlibabaCounts), TraceError> {
        let mut r = AlibabaReader::new(text.as_bytes());
        let mut jobs = Vec::new();
        while let Some(j) = r.next_job()? {
            jobs.push(j);
        }
        Ok((jobs, r.counts))
    }

    #[test]
    fn task_names_give_the_dag() {
        assert_eq!(dag_name("M1"), Some((1, vec![])));
        assert_eq!(dag_name("R5_2_3"), Some((5, vec![2, 3])));
        assert_eq!(dag_name("task_Nzg3"), None);
        assert_eq!(dag_name("MergeTask"), None);
        assert_eq!(dag_name("M"), None);
    }

    #[test]
    fn the_hand_written_sample_gives_these_jobs() {
        let text = include_str!("../../../traces/alibaba-2018/batch_task.sample.csv");
        let (jobs, counts) = read(text).unwrap();
        // j_1004 has a Failed task; R6_5_9's parent 9 is not in j_1006.
        assert_eq!(jobs.len(), 5);
        assert_eq!(
            counts,
            AlibabaCounts {
                unfinished_jobs: 1,
                missing_parents: 1,
            }
        );
        // j_1001: M1 (4 × 12 s), M2 (2 × 8 s), R3 reading both (17 s).
        let j = &jobs[0];
        assert_eq!(j.submit, SimDuration::from_secs(87_000));
        let shape: Vec<(usize, u64, Vec<u32>)> = j
            .stages
            .iter()
            .map(|s| {
                (
                    s.durations.len(),
                    s.durations[0] / 1_000_000,
                    s.parents.clone(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [(4, 12, vec![]), (2, 8, vec![]), (1, 17, vec![0, 1])]
        );
        // j_1002: one task without a DAG name, 8 instances of 60 s.
        assert_eq!(jobs[1].stages.len(), 1);
        assert_eq!(jobs[1].stages[0].durations, [60_000_000; 8]);
        // j_1003: a diamond.
        let parents: Vec<Vec<u32>> = jobs[2].stages.iter().map(|s| s.parents.clone()).collect();
        assert_eq!(parents, [vec![], vec![0], vec![0], vec![1, 2]]);
        // j_1005: rows out of task order; submitted at its first start.
        assert_eq!(jobs[3].submit, SimDuration::from_secs(87_080));
        assert_eq!(jobs[3].stages[0].durations.len(), 6);
        assert_eq!(jobs[3].stages[1].parents, [0]);
        assert_eq!(jobs[4].stages[1].parents, [0]);
    }

    #[test]
    fn bad_rows_say_where() {
        let e = read("M1,4,j_1,1,Terminated,10,20,100\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("found 8"), "{}", e.message);
        let e = read("M1,x,j_1,1,Terminated,10,20,100,0.3\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 4));
        let e = read("M1,1,j_1,1,Terminated,30,20,100,0.3\n").unwrap_err();
        assert!(e.message.contains("before start_time"), "{}", e.message);
        let e = read("M1,1,j_1,1,Terminated,30,40,100,0.3\nM1,1,j_2,1,Terminated,10,20,100,0.3\n")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("grouped by job"), "{}", e.message);
        let e =
            read("M1_2,1,j_1,1,Terminated,10,20,100,0.3\nM2_1,1,j_1,1,Terminated,10,20,100,0.3\n")
                .unwrap_err();
        assert!(e.message.contains("cycle"), "{}", e.message);
    }
}
