//! Trace replay end to end: the SWIM importer on the shipped sample (exact
//! jobs, stages and tasks), the options every format shares (window,
//! speedup, duration scaling, size filter) on a hand-written trace with
//! hand-computed arrivals and latencies, `sim import`, and every bad-input
//! path (exit 2, file:line:column, no report).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sim::scenario::{load_file, load_str_in};
use sim::time::SimDuration;
use sim::traces::{TraceFormat, TraceOptions, scan};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> PathBuf {
    root().join("traces/swim-facebook/FB-2009_samples_24_times_1hr_0.tsv")
}

fn sim(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sim-traces-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_swim_sample_imports_with_exact_jobs_stages_and_tasks() {
    let o = TraceOptions::new(TraceFormat::Swim, "s.tsv", sample());
    let s = scan(&o).unwrap();
    // 5,894 rows; 4,448 shuffle nothing and are map-only.
    assert_eq!((s.rows, s.jobs), (5_894, 5_894));
    assert_eq!(s.stages, 5_894 + (5_894 - 4_448));
    assert_eq!(s.tasks, 228_532);
    assert_eq!(s.first, Some(SimDuration::from_secs(49)));
    assert_eq!(s.last, Some(SimDuration::from_secs(86_404)));
    assert_eq!(s.per_hour.len(), 24);
    // The first row: job0, 49 s, 740,773 bytes in, 2,339,561 shuffled,
    // 627,471 out: one map (1 s + 740,773 B at 64 MiB/s) and one reduce
    // (1 s + 2,967,032 B at 32 MiB/s).
    let mut r = sim::traces::open(&o).unwrap();
    let job0 = r.next_job().unwrap().unwrap();
    assert_eq!(job0.submit, SimDuration::from_secs(49));
    assert_eq!(job0.stages[0].durations, [1_011_038]);
    assert_eq!(job0.stages[1].durations, [1_088_424]);
    assert_eq!(job0.stages[1].parents, [0]);
    // A window: the first hour.
    let mut hour = o.clone();
    hour.stop = Some(SimDuration::from_secs(3_600));
    assert_eq!(scan(&hour).unwrap().jobs, 78);
}

#[test]
fn the_shipped_swim_scenario_replays_each_apps_hour() {
    let loaded = load_file(&root().join("scenarios/swim.toml"), &[]).unwrap();
    assert_eq!(loaded.points.len(), 2);
    let sc = &loaded.points[0].scenario;
    let m = sim::world::World::new(sc, sc.run.seed, Default::default())
        .run()
        .unwrap()
        .metrics;
    let count = |app: &str| m.jobs.iter().filter(|j| j.app == app).count();
    assert_eq!(count("etl"), 78);
    assert_eq!(count("adhoc"), 161);
    // The adhoc app's first job: the first row at or after 1 h (job78 at
    // 3,601 s) arrives 1 s into the run.
    let first = m
        .jobs
        .iter()
        .find(|j| j.app == "adhoc" && j.job == 0)
        .unwrap();
    assert_eq!(first.submit.0, 1_000_000);
}

/// A hand-written SWIM trace: jobs at 5, 10, 20 and 40 s; job b has 3 map
/// tasks of 64 MiB, the others one small one; nothing shuffles.
fn tiny(dir: &Path) {
    let mib = 1u64 << 20;
    let rows = [
        format!("a\t5\t5\t{}\t0\t0", mib),
        format!("b\t10\t5\t{}\t0\t0", 192 * mib),
        format!("c\t20\t10\t{}\t0\t0", mib),
        format!("d\t40\t20\t{}\t0\t0", mib),
    ];
    std::fs::write(dir.join("t.tsv"), rows.join("\n") + "\n").unwrap();
}

/// One app on local[4] replaying `t.tsv` with these trace options; the
/// maps read 64 MiB per second, after 1 s of overhead.
fn replay(dir: &Path, options: &str) -> Vec<(u64, u64, f64)> {
    let src = format!(
        r#"
[run]
horizon = "5m"
drain = "1m"
[[agents]]
count = 1
resources = "cpus:8;mem:16384"
[[apps]]
name = "app"
master = "local[4]"
[apps.jobs]
trace = {{ format = "swim", path = "t.tsv", bytes_per_map = "64m", map_rate = "64m", {options} }}
"#
    );
    let loaded = load_str_in(&src, &[], Some(dir))
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap();
    let m = common::run_loaded(&loaded.base);
    m.jobs
        .iter()
        .map(|j| {
            let end = j.end.expect("finished");
            (
                j.submit.0,
                u64::from(j.tasks),
                (end.0 - j.submit.0) as f64 / 1e6,
            )
        })
        .collect()
}

#[test]
fn window_speedup_scaling_and_filter_shape_the_replay() {
    let dir = folder("options");
    tiny(&dir);
    // Every job at its trace time; a 1 MiB map takes 1 s + 1/64 s; b's
    // three maps of 64 MiB run side by side, 2 s each.
    let all = replay(&dir, "speedup = 1.0");
    assert_eq!(
        all,
        [
            (5_000_000, 1, 1.015625),
            (10_000_000, 3, 2.0),
            (20_000_000, 1, 1.015625),
            (40_000_000, 1, 1.015625)
        ]
    );
    // The window [10 s, 40 s) twice as fast: b at 0 s, c at 5 s.
    let w = replay(&dir, r#"start = "10s", stop = "40s", speedup = 2.0"#);
    assert_eq!(w, [(0, 3, 2.0), (5_000_000, 1, 1.015625)]);
    // Run times doubled; only jobs of at least 2 tasks.
    let f = replay(&dir, "duration_scale = 2.0, min_tasks = 2");
    assert_eq!(f, [(10_000_000, 3, 4.0)]);
    let f = replay(&dir, "max_tasks = 1");
    assert_eq!(f.len(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_traces_and_trace_keys_are_errors_with_where_and_why() {
    let dir = folder("bad");
    let scenario = |trace: &str, extra: &str| {
        format!(
            "[[agents]]\ncount = 1\nresources = \"cpus:4;mem:8192\"\n[[apps]]\nname = \"app\"\nmaster = \"local[2]\"\n[apps.jobs]\n{extra}trace = {{ {trace} }}\n"
        )
    };
    std::fs::write(dir.join("ok.tsv"), "j\t1\t1\t5\t0\t0\n").unwrap();
    // Line 3 has five fields.
    std::fs::write(
        dir.join("cut.tsv"),
        "j\t1\t1\t5\t0\t0\nk\t2\t1\t5\t0\t0\nl\t3\t1\t5\t0\n",
    )
    .unwrap();
    std::fs::write(dir.join("late.tsv"), "j\t9\t1\t5\t0\t0\nk\t2\t1\t5\t0\t0\n").unwrap();
    let cases = [
        (
            scenario(r#"format = "swim", path = "cut.tsv""#, ""),
            "cut.tsv:3:1: expected 6 tab-separated fields",
        ),
        (
            scenario(r#"format = "swim", path = "late.tsv""#, ""),
            "late.tsv:2:3: submit time 2 s is before the previous job's 9 s",
        ),
        (
            scenario(r#"format = "swim", path = "none.tsv""#, ""),
            "cannot read the trace",
        ),
        (
            scenario(r#"format = "swm", path = "ok.tsv""#, ""),
            "did you mean \"swim\"",
        ),
        (
            scenario(r#"path = "ok.tsv""#, ""),
            "apps.app.jobs.trace.format: missing",
        ),
        (
            scenario(
                r#"format = "swim", path = "ok.tsv", start = "5s", stop = "5s""#,
                "",
            ),
            "stop must come after start",
        ),
        (
            scenario(
                r#"format = "swim", path = "ok.tsv", min_tasks = 3, max_tasks = 2"#,
                "",
            ),
            "max_tasks must be at least min_tasks",
        ),
        (
            scenario(r#"format = "swim", path = "ok.tsv", speedup = 0"#, ""),
            "expected a number above 0",
        ),
        (
            scenario(
                r#"format = "swim", path = "ok.tsv", bytes_per_map = "lots""#,
                "",
            ),
            "apps.app.jobs.trace.bytes_per_map",
        ),
        (
            scenario(r#"format = "swim", path = "ok.tsv", colour = 1"#, ""),
            "colour",
        ),
        (
            scenario(r#"format = "swim", path = "ok.tsv""#, "stages = 2\n"),
            "apps.app.jobs.stages: a trace gives the jobs' arrivals",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let f = format!("s{i}.toml");
        std::fs::write(dir.join(&f), text).unwrap();
        let o = sim(&[&f, "--out", "rep", "--quiet"], &dir);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{f}: {err}");
        assert!(err.contains(want), "{f}: wanted {want:?} in {err}");
        assert!(!dir.join("rep").exists(), "{f}: no report");
    }
    // A good one runs; a trace key can be set from the command line.
    std::fs::write(
        dir.join("good.toml"),
        scenario(r#"format = "swim", path = "ok.tsv""#, ""),
    )
    .unwrap();
    let o = sim(
        &[
            "good.toml",
            "--out",
            "rep",
            "--quiet",
            "--set",
            "apps.app.jobs.trace.speedup=2",
        ],
        &dir,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let resolved = std::fs::read_to_string(dir.join("rep/scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("speedup = 2.0"), "{resolved}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sim SCENARIO --out rep EXTRA…` in `dir`, succeeding: its jobs.csv
/// (the folder is removed again).
fn run_jobs(dir: &Path, scenario: &str, extra: &[&str]) -> String {
    let mut args = vec![scenario, "--out", "rep", "--quiet", "--no-charts"];
    args.extend_from_slice(extra);
    let o = sim(&args, dir);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let jobs = std::fs::read_to_string(dir.join("rep/jobs.csv")).unwrap();
    let _ = std::fs::remove_dir_all(dir.join("rep"));
    jobs
}

/// `sim import ARGS --out s.toml` then `sim s.toml` in `dir`, both
/// succeeding: the summary printed and the replay's jobs.csv.
fn import_and_run(dir: &Path, args: &[&str]) -> (String, String) {
    let mut import = vec!["import"];
    import.extend_from_slice(args);
    import.extend_from_slice(&["--out", "s.toml"]);
    let o = sim(&import, dir);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (out, run_jobs(dir, "s.toml", &[]))
}

#[test]
fn import_prints_what_a_trace_holds_and_a_scenario_that_runs() {
    let dir = folder("import");
    std::fs::copy(sample(), dir.join("fb.tsv")).unwrap();
    let (out, jobs) = import_and_run(&dir, &["swim", "fb.tsv", "--stop", "1h"]);
    assert!(out.contains("5,894 jobs"), "{out}");
    assert!(out.contains("78 jobs, 113 stages, 325 tasks"), "{out}");
    assert_eq!(jobs.lines().count(), 1 + 78);
    // Printed instead: the summary as comments, then the scenario.
    let o = sim(&["import", "swim", "fb.tsv", "--stop", "1h"], &dir);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    std::fs::write(dir.join("printed.toml"), &text).unwrap();
    assert!(sim::scenario::load_file(&dir.join("printed.toml"), &[]).is_ok());
    // Bad input: exit 2 with the reason.
    std::fs::write(dir.join("bad.tsv"), "j\t1\t1\tmany\t0\t0\n").unwrap();
    let o = sim(&["import", "swim", "bad.tsv"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.tsv:1:7: expected a whole number"));
    let o = sim(&["import", "alibaba-2030", "fb.tsv"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown trace format"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn log(name: &str) -> PathBuf {
    root().join("traces/spark-eventlog").join(name)
}

fn log_summary(path: &Path) -> sim::traces::TraceSummary {
    let o = TraceOptions::new(TraceFormat::SparkEventLog, "log", path.to_path_buf());
    scan(&o).unwrap()
}

#[test]
fn the_shipped_event_logs_import_with_exact_jobs_stages_and_tasks() {
    // (file, jobs, stages, tasks, the reader's note)
    let cases = [
        (
            "nds_q72_dataproc_2_2.zstd",
            49,
            49,
            13_504,
            "13 stages skipped by Spark",
        ),
        (
            "eventlog_4nodes_8cores_dynamic_alloc.zstd",
            20,
            20,
            235,
            "25 stages skipped by Spark",
        ),
        // Five stages ran whose jobs' starts the log lost: each is a job.
        (
            "tasks_executors_fail_compressed_eventlog.zstd",
            80,
            135,
            8_550,
            "5 stages without their job's start",
        ),
        ("spark2-eventlog.zstd", 6, 6, 6, "0 stages skipped"),
    ];
    for (file, jobs, stages, tasks, note) in cases {
        let s = log_summary(&log(file));
        assert_eq!((s.jobs, s.stages, s.tasks), (jobs, stages, tasks), "{file}");
        assert!(s.notes[0].contains(note), "{file}: {:?}", s.notes);
    }
    // The dynamic-allocation log's first job: submitted 92.939 s after the
    // application started; its one stage's task 0 ran 1,674 ms.
    let o = TraceOptions::new(
        TraceFormat::SparkEventLog,
        "log",
        log("eventlog_4nodes_8cores_dynamic_alloc.zstd"),
    );
    let job0 = sim::traces::open(&o).unwrap().next_job().unwrap().unwrap();
    assert_eq!(job0.submit, SimDuration(92_939_000));
    assert_eq!(job0.stages.len(), 1);
    assert_eq!(job0.stages[0].durations.len(), 6);
    assert_eq!(job0.stages[0].durations[0], 1_674_000);
}

#[test]
fn a_rolling_event_log_folder_reads_as_its_parts_in_order() {
    use std::io::BufRead;
    let dir = folder("rolling");
    let whole = log("eventlog_4nodes_8cores_dynamic_alloc.zstd");
    let lines: Vec<String> = sim::traces::codec::open_file(&whole)
        .unwrap()
        .lines()
        .map(Result::unwrap)
        .collect();
    let app = dir.join("eventlog_v2_application_1");
    std::fs::create_dir_all(&app).unwrap();
    let half = lines.len() / 2;
    // Written out of order; the number after events_ orders them (10 after 2).
    std::fs::write(
        app.join("events_10_application_1"),
        lines[half..].join("\n") + "\n",
    )
    .unwrap();
    std::fs::write(
        app.join("events_2_application_1"),
        lines[..half].join("\n") + "\n",
    )
    .unwrap();
    std::fs::write(app.join("appstatus_application_1"), "").unwrap();
    assert_eq!(log_summary(&app), log_summary(&whole));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_event_log_replays_with_the_apps_own_properties_overridable_key_by_key() {
    let path = root().join("scenarios/eventlog.toml");
    let loaded = load_file(&path, &[]).unwrap();
    let conf = &loaded.base.apps[0].conf;
    // From the log: 8 executors of 16 cores and 40 GB.
    assert_eq!(conf.get("spark.executor.cores"), Some("16"));
    assert_eq!(conf.get("spark.executor.instances"), Some("8"));
    // A key set in [apps.conf] wins over the log.
    let set = sim::scenario::parse_assignment("apps.q72.conf.spark.executor.cores=8").unwrap();
    let loaded = load_file(&path, &[set]).unwrap();
    assert_eq!(
        loaded.base.apps[0].conf.get("spark.executor.cores"),
        Some("8")
    );
    // Coarse-grained with the log's executors: every job finishes, every
    // task of the log runs.
    let sc = &load_file(&path, &[]).unwrap().points[0].scenario;
    let m = common::run_loaded(sc);
    assert_eq!(m.jobs.len(), 49);
    assert!(m.jobs.iter().all(|j| j.end.is_some()));
    assert_eq!(
        m.jobs.iter().map(|j| u64::from(j.tasks)).sum::<u64>(),
        13_504
    );
}

#[test]
fn bad_event_logs_are_errors_with_where_and_why() {
    let dir = folder("badlog");
    let scenario = |file: &str| {
        format!(
            "[[agents]]\ncount = 1\nresources = \"cpus:4;mem:8192\"\n[[apps]]\nname = \"app\"\nmaster = \"local[2]\"\n[apps.jobs]\ntrace = {{ format = \"spark-eventlog\", path = \"{file}\" }}\n"
        )
    };
    // A log cut in the middle of its second line.
    std::fs::write(
        dir.join("cut.jsonl"),
        "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.0.0\"}\n{\"Event\":\"SparkListenerJobStart\",\"Job ID\":0,",
    )
    .unwrap();
    std::fs::write(dir.join("app.lz4"), "LZ4Block").unwrap();
    std::fs::write(dir.join("app.lzf"), "ZV").unwrap();
    let cases = [
        ("cut.jsonl", "cut.jsonl:2:"),
        ("app.lz4", "truncated block"),
        ("app.lzf", "lzf codec is not read"),
        ("missing.zstd", "cannot read the trace"),
    ];
    for (i, (file, want)) in cases.iter().enumerate() {
        let f = format!("s{i}.toml");
        std::fs::write(dir.join(&f), scenario(file)).unwrap();
        let o = sim(&[&f, "--out", "rep", "--quiet"], &dir);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{f}: {err}");
        assert!(err.contains(want), "{f}: wanted {want:?} in {err}");
        assert!(!dir.join("rep").exists());
    }
    let o = sim(&["import", "spark-eventlog", "cut.jsonl"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_alibaba_sample_imports_and_replays_its_dags() {
    let dir = folder("alibaba");
    let sample = root().join("traces/alibaba-2018/batch_task.sample.csv");
    std::fs::copy(&sample, dir.join("b.csv")).unwrap();
    let (out, jobs) = import_and_run(&dir, &["alibaba-2018", "b.csv"]);
    assert!(out.contains("5 jobs, 12 stages, 47 tasks"), "{out}");
    assert!(
        out.contains("1 jobs with a task not Terminated left out"),
        "{out}"
    );
    assert_eq!(jobs.lines().count(), 1 + 5);
    // j_1003, a diamond of 10, 5, 5 and 1 tasks, finished.
    let diamond = jobs.lines().nth(3).unwrap();
    assert!(diamond.contains(",4,21,"), "{diamond}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_google_2011_part_imports_the_jobs_that_finished_in_it() {
    let o = TraceOptions::new(
        TraceFormat::Google2011,
        "g",
        root().join("traces/google-2011"),
    );
    let s = scan(&o).unwrap();
    // 1,053 jobs submitted in the part: 644 finished (873 tasks), 251
    // ended otherwise, 158 still running at its end.
    assert_eq!((s.jobs, s.stages, s.tasks), (644, 644, 873));
    assert!(
        s.notes[0].contains("251 ended otherwise than FINISH, 158 unfinished"),
        "{:?}",
        s.notes
    );
    // A replay of the part runs (a job per row of jobs.csv).
    let dir = folder("google");
    let (_, jobs) = import_and_run(
        &dir,
        &[
            "google-2011",
            root().join("traces/google-2011").to_str().unwrap(),
        ],
    );
    assert_eq!(jobs.lines().count(), 1 + 644);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_google_2019_sample_imports_its_job_groups() {
    let dir = folder("google2019");
    let trace = root().join("traces/google-2019");
    let (out, jobs) = import_and_run(&dir, &["google-2019", trace.to_str().unwrap()]);
    assert!(out.contains("3 jobs, 5 stages, 7 tasks"), "{out}");
    assert!(out.contains("1 alloc sets skipped"), "{out}");
    assert_eq!(jobs.lines().count(), 1 + 3);
    // Only the production tier, set on the scenario the import wrote.
    let jobs = run_jobs(
        &dir,
        "s.toml",
        &["--set", "apps.replay.jobs.trace.tiers=production"],
    );
    assert_eq!(jobs.lines().count(), 1 + 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn users_and_queues_filter_the_formats_that_name_them() {
    let mut o = TraceOptions::new(
        TraceFormat::Google2011,
        "g",
        root().join("traces/google-2011"),
    );
    // The part's busiest user (hashed) has 104 of the 644 finished jobs.
    o.users = vec!["F2+Gv53Pxd4KDRb/UsGECThH/XUOpcWKElUXJkhkt1c=".to_string()];
    assert_eq!(scan(&o).unwrap().jobs, 104);
    // The dynamic-allocation log: user1's, in YARN's default queue.
    let log = log("eventlog_4nodes_8cores_dynamic_alloc.zstd");
    let mut o = TraceOptions::new(TraceFormat::SparkEventLog, "log", log);
    o.users = vec!["user1".to_string()];
    o.queues = vec!["default".to_string()];
    assert_eq!(scan(&o).unwrap().jobs, 20);
    o.queues = vec!["etl".to_string()];
    assert_eq!(scan(&o).unwrap().jobs, 0);
    // A format that names no users refuses the key.
    let dir = folder("users");
    std::fs::copy(sample(), dir.join("fb.tsv")).unwrap();
    std::fs::write(
        dir.join("s.toml"),
        "[[agents]]\ncount = 1\nresources = \"cpus:4;mem:8192\"\n[[apps]]\nname = \"app\"\nmaster = \"local[2]\"\n[apps.jobs]\ntrace = { format = \"swim\", path = \"fb.tsv\", users = [\"a\"] }\n",
    )
    .unwrap();
    let o = sim(&["s.toml", "--out", "rep"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("users applies to format = \"spark-eventlog\" or \"google-2011\" or \"google-2019\" only"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_event_log_goes_from_import_to_a_run() {
    let dir = folder("eventlog-import");
    let log = log("spark2-eventlog.zstd");
    let (out, jobs) = import_and_run(&dir, &["spark-eventlog", log.to_str().unwrap()]);
    assert!(out.contains("6 jobs, 6 stages, 6 tasks"), "{out}");
    assert_eq!(jobs.lines().count(), 1 + 6);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cpus_per_unit_maps_a_traces_cpu_requests_to_the_tasks_demand() {
    let dir = folder("cpus");
    // One job: 4 instances of 10 s, each planning half a core (plan_cpu 50).
    std::fs::write(dir.join("b.csv"), "M1,4,j_1,1,Terminated,100,110,50,0.1\n").unwrap();
    let latency = |extra: &str| {
        let src = format!(
            "[run]\nhorizon = \"2m\"\n[[agents]]\ncount = 1\nresources = \"cpus:2;mem:8192\"\n[[apps]]\nname = \"app\"\nmaster = \"local[4]\"\n[apps.jobs]\ntrace = {{ format = \"alibaba-2018\", path = \"b.csv\", start = \"100s\"{extra} }}\n"
        );
        let loaded = load_str_in(&src, &[], Some(&dir))
            .map_err(|d| format!("{:?}", d.errors))
            .unwrap();
        let m = common::run_loaded(&loaded.base);
        let j = &m.jobs[0];
        (j.end.expect("finished").0 - j.submit.0) as f64 / 1e6
    };
    // Four CPU-bound tasks on 2 CPUs run at half speed: 20 s.
    assert_eq!(latency(""), 20.0);
    // Half a core each (50 hundredths × 0.01): 2 CPUs of demand, 10 s.
    assert_eq!(latency(", cpus_per_unit = 0.01"), 10.0);
    // A whole core each again: 20 s.
    assert_eq!(latency(", cpus_per_unit = 0.02"), 20.0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Spark's lz4 and snappy event-log codecs, built here block by block as
/// lz4-java's `LZ4BlockOutputStream` and snappy-java's `SnappyOutputStream`
/// lay them out (two concatenated streams each, raw and compressed
/// blocks), read back to the same jobs as the zstd original.
#[test]
fn lz4_and_snappy_event_logs_read_as_the_zstd_one() {
    use std::io::Read;
    let original = log("eventlog_4nodes_8cores_dynamic_alloc.zstd");
    let mut text = Vec::new();
    sim::traces::codec::open_file(&original)
        .unwrap()
        .read_to_end(&mut text)
        .unwrap();
    let (a, rest) = text.split_at(text.len() / 3);
    let (b, c) = rest.split_at(rest.len() / 2);
    let dir = folder("codecs");
    // lz4: [stream: LZ4 block a, raw block b, end] [stream: LZ4 block c, end]
    let lz4_block = |out: &mut Vec<u8>, data: &[u8], compress: bool| {
        let body = if compress {
            lz4_flex::block::compress(data)
        } else {
            data.to_vec()
        };
        out.extend_from_slice(b"LZ4Block");
        out.push(if compress { 0x20 } else { 0x10 } | 6);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&body);
    };
    let mut lz4 = Vec::new();
    lz4_block(&mut lz4, a, true);
    lz4_block(&mut lz4, b, false);
    lz4_block(&mut lz4, &[], false);
    lz4_block(&mut lz4, c, true);
    lz4_block(&mut lz4, &[], false);
    std::fs::write(dir.join("app.lz4"), lz4).unwrap();
    // snappy: [header, chunk a, chunk b] [header, chunk c]
    let header = |out: &mut Vec<u8>| {
        out.extend_from_slice(&[0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0]);
        out.extend_from_slice(&1u32.to_be_bytes());
        out.extend_from_slice(&1u32.to_be_bytes());
    };
    let chunk = |out: &mut Vec<u8>, data: &[u8]| {
        let body = snap::raw::Encoder::new().compress_vec(data).unwrap();
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
    };
    let mut snappy = Vec::new();
    header(&mut snappy);
    chunk(&mut snappy, a);
    chunk(&mut snappy, b);
    header(&mut snappy);
    chunk(&mut snappy, c);
    std::fs::write(dir.join("app.snappy"), snappy).unwrap();
    let want = log_summary(&original);
    assert_eq!(log_summary(&dir.join("app.lz4")), want);
    assert_eq!(log_summary(&dir.join("app.snappy")), want);
    // A damaged stream is an error, not a panic.
    std::fs::write(dir.join("bad.lz4"), b"LZ4Blocx and more bytes here").unwrap();
    let o = TraceOptions::new(TraceFormat::SparkEventLog, "log", dir.join("bad.lz4"));
    let e = scan(&o).unwrap_err();
    assert!(e.contains("not an LZ4Block stream"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_traces_input_bytes_say_which_stages_read_blocks() {
    let dir = folder("input");
    let mib = 1u64 << 20;
    // A job reading 256 MiB (2 maps) then shuffling (1 reduce); a job
    // reading nothing (1 map, no block to read).
    std::fs::write(
        dir.join("t.tsv"),
        format!("a\t1\t1\t{}\t{}\t0\nb\t2\t1\t0\t0\t5\n", 256 * mib, mib),
    )
    .unwrap();
    let src = "[run]\nhorizon = \"2m\"\n[data]\n[[agents]]\ncount = 3\nresources = \"cpus:4;mem:8192\"\n[[apps]]\nname = \"app\"\nmaster = \"mesos://m:5050\"\n[apps.jobs]\ninput = true\ntrace = { format = \"swim\", path = \"t.tsv\" }\n";
    let loaded = load_str_in(src, &[], Some(&dir))
        .map_err(|d| format!("{:?}", d.errors))
        .unwrap();
    let m = common::run_loaded(&loaded.base);
    let mut jobs: Vec<_> = m.jobs.iter().collect();
    jobs.sort_by_key(|j| j.job);
    let reads: Vec<(u32, u32)> = jobs.iter().map(|j| (j.tasks, j.input_tasks)).collect();
    // Job a: its 2 maps read blocks, its reduce does not; job b's map
    // reads nothing.
    assert_eq!(reads, [(3, 2), (1, 0)]);
    let _ = std::fs::remove_dir_all(&dir);
}
