//! The command line contract (SPEC §2): outputs and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scenario file in a fresh temporary directory.
fn scenario_file(text: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sim-cli-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const SHIPPED: &str = "../scenarios/interactive.toml";

#[test]
fn match_prints_match_and_exits_0() {
    let o = sim(&[
        "match",
        "os:centos7;zone:us-east-1a,us-east-1b",
        "os:centos7;zone:us-east-1a",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "match\n");
}

#[test]
fn match_explains_the_first_failure_and_exits_1() {
    let o = sim(&["match", "os:centos7;level:20;zone:x", "os:centos7;level:10"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "no match: level:20: scalar 10 is below every required value (needs some value <= offered)\n"
    );
}

#[test]
fn match_exits_2_on_unparsable_input() {
    let o = sim(&["match", "os:a:b", "os:a"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: constraints: Bad constraint string: os:a:b (entry 'os:a:b' has more than one ':', at character 1)\n"
    );
    let o = sim(&["match", "os:a", "os:a;ports:[1-2]]"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: attributes: mismatched brackets: ']' without an opening '[' (at character 17)\n"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn match_warns_about_set_attributes() {
    let o = sim(&["match", "disks:ssd", "disks:{ssd,hdd}"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).starts_with("warning: attribute 'disks' is a set"));
}

#[test]
fn validate_prints_the_resolved_scenario_which_validates_to_itself() {
    let o = sim(&["validate", SHIPPED]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = stdout(&o);
    assert!(first.starts_with("# Resolved by sim "));
    for expected in [
        "allocation_interval = \"1s\"",
        "offer_timeout = \"none\"",
        "task_launch_latency = \"20ms\"",
        "\"spark.mesos.rejectOfferDuration\" = \"120s\"",
        "[yarn.conf]",
        "[standalone.conf]",
        "\"spark.mesos.extra.cores\" = \"0\"",
        "\"spark.task.cpus\" = \"1\"",
        "replications = 1",
    ] {
        assert!(first.contains(expected), "missing {expected}");
    }
    let again = sim(&["validate", scenario_file(&first).to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stdout(&again), first, "resolving is idempotent");
}

#[test]
fn validate_applies_set_and_seed() {
    let o = sim(&[
        "validate",
        SHIPPED,
        "--set",
        "apps.dashboards.conf.spark.cores.max=16",
        "--set",
        "agents.1.count=2",
        "--seed",
        "99",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("seed = 99"));
    assert!(out.contains("\"spark.cores.max\" = \"16\""));
    assert!(out.contains("count = 2\nname = \"bigmem\""));
}

#[test]
fn validate_reports_every_error_with_path_and_line() {
    let path = scenario_file(
        r#"[run]
horizon = 30
seed = -1

[[agents]]
count = 2
resources = "cpus:4;os:centos"

[[apps]]
name = "a"
master = "mesos://m:5050"
[apps.conf]
"spark.cores.max" = "lots"
"spark.mesos.constraints" = "os;zone:a"
"spark.dynamicAllocation.enabled" = "true"
"spark.shuffle.service.enabled" = "true"
"spark.dynamicAllocation.minExecutors" = "5"
"spark.dynamicAllocation.maxExecutors" = "2"
[apps.jobs]
arrival = { kind = "poison", mean = "2s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "constant", value = 5 }
"#,
    );
    let file = path.to_str().unwrap();
    let o = sim(&["validate", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "no partial output");
    let expected = [
        format!(
            "error: {file}:2:11: run.horizon: expected a duration string, got the bare number 30: write \"30s\" or \"30ms\""
        ),
        format!("error: {file}:3:8: run.seed: expected a non-negative integer seed, got -1"),
        format!(
            "error: {file}:7:13: agents.0.resources: invalid Mesos resources \"cpus:4;os:centos\": expected a number, ranges like [31000-32000] or a set like {{a,b}} for resource 'os', got text 'centos' (at character 11)"
        ),
        format!(
            "error: {file}:13:21: apps.a.conf.\"spark.cores.max\": expected a positive integer, got \"lots\""
        ),
        format!(
            "error: {file}:14:29: apps.a.conf.\"spark.mesos.constraints\": Bad constraint string: os;zone:a (entry 'os' has no ':'; write attribute:value, at character 1)"
        ),
        format!(
            "error: {file}:17:42: apps.a.conf.\"spark.dynamicAllocation.minExecutors\": spark.dynamicAllocation.minExecutors (5) must be less than or equal to spark.dynamicAllocation.maxExecutors (2)"
        ),
        format!(
            "error: {file}:20:20: apps.a.jobs.arrival.kind: unknown kind \"poison\"; expected one of poisson, every, at (did you mean \"poisson\"?)"
        ),
        format!(
            "error: {file}:22:46: apps.a.jobs.task_duration.value: expected a duration string, got the bare number 5: write \"5s\" or \"5ms\""
        ),
        format!("8 error(s) in {file}"),
    ];
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert_eq!(errors, expected);
}

#[test]
fn validate_explains_toml_syntax_errors_with_line_and_column() {
    let path = scenario_file("[run]\nseed = 1\nhorizon = \"1h\n");
    let file = path.to_str().unwrap();
    let o = sim(&["validate", file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(
        err,
        format!(
            "error: {file}:3:14: run.horizon: invalid basic string, expected `\"`\n1 error(s) in {file}\n"
        )
    );
}

#[test]
fn validate_suggests_near_miss_keys() {
    let path = scenario_file("[mesos]\nalocation_interval = \"1s\"\n");
    let file = path.to_str().unwrap();
    let o = sim(&["validate", file]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {file}:2:1: mesos.alocation_interval: unknown key `alocation_interval`; expected one of `allocation_interval`, \
             `offer_timeout`, `default_refuse`, `allocator`, `task_launch_latency`, \
             `task_kill_latency`, `run_time`, `run_time_scale`, `authenticate_frameworks`, `credentials`, `roles` \
             (did you mean `allocation_interval`?)\n1 error(s) in {file}\n"
        )
    );
}

#[test]
fn wrong_types_and_negative_counts_are_errors() {
    let path = scenario_file(
        "[[agents]]\ncount = \"forty\"\nresources = \"cpus:1\"\n[[agents]]\nname = \"b\"\ncount = -2\nresources = \"cpus:1\"\n",
    );
    let file = path.to_str().unwrap();
    let o = sim(&["validate", file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(&format!(
        "error: {file}:2:9: agents.0.count: expected a non-negative integer, got the string \"forty\"\n"
    )));
    assert!(err.contains(&format!(
        "error: {file}:6:9: agents.1.count: expected a non-negative integer, got -2\n"
    )));
    assert!(
        err.contains("apps: the scenario has no [[apps]] and no [[frameworks]]: nothing would run")
    );
}

#[test]
fn missing_files_and_bad_arguments_exit_2() {
    let o = sim(&["validate", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: cannot read scenario no/such/file.toml: no such file or not readable\n"
    );
    assert_eq!(sim(&["--no-such-flag"]).status.code(), Some(2));
    assert_eq!(sim(&[]).status.code(), Some(2));
    let o = sim(&["validate", SHIPPED, "--set", "no-equals-sign"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected PATH=VALUE, got \"no-equals-sign\""));
}

#[test]
fn unknown_parameter_paths_are_reported_with_the_valid_names() {
    let o = sim(&[
        "validate",
        SHIPPED,
        "--set",
        "apps.nope.start=1s",
        "--set",
        "agents.9.count=1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains(
        "--set apps.nope.start: unknown parameter path \"apps.nope.start\": no app named \"nope\" (apps: dashboards, notebook)"
    ));
    assert!(err.contains(
        "--set agents.9.count: unknown parameter path \"agents.9.count\": there are 2 agent groups, no index 9"
    ));
}

#[test]
fn help_and_version_exit_0() {
    let o = sim(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("validate"));
    assert_eq!(sim(&["--version"]).status.code(), Some(0));
}

fn read_dir_sorted(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs `sim` with `common`, then `extra`, writing to `out`; it must
/// succeed.
fn run_ok(common: &[&str], extra: &[&str], out: &std::path::Path) {
    let mut args: Vec<&str> = common.to_vec();
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = sim(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Two report folders hold the same files with the same bytes; a
/// difference names the first file that differs.
fn assert_same_dirs(a: &std::path::Path, b: &std::path::Path) {
    let (fa, fb) = (read_dir_sorted(a), read_dir_sorted(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "{} vs {}", a.display(), b.display());
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs: {} vs {}", a.display(), b.display());
    }
}

#[test]
fn running_a_scenario_writes_every_report_and_the_same_bytes_twice() {
    let out1 = scenario_file("").parent().unwrap().join("reports");
    let out2 = scenario_file("").parent().unwrap().join("reports");
    let scenario = "../scenarios/tests/two-agents.toml";
    let o = sim(&[scenario, "--out", out1.to_str().unwrap(), "--offers"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.starts_with("point  rep  app"), "{table}");
    assert!(table.contains("events 24, wall time"));
    let names: Vec<String> = read_dir_sorted(&out1).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "allocation.csv",
            "cpu.svg",
            "executors.csv",
            "executors.svg",
            "failures.csv",
            "jobs.csv",
            "latency.svg",
            "offers.csv",
            "report.html",
            "scenario.resolved.toml",
            "shares.csv",
            "shares.svg",
            "summary.csv",
            "summary_ci.csv",
            "utilization.csv"
        ]
    );
    let o = sim(&[
        scenario,
        "--out",
        out2.to_str().unwrap(),
        "--offers",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty(), "--quiet prints nothing");
    assert_same_dirs(&out1, &out2);
    // The resolved scenario written next to the reports loads again.
    let resolved = out1.join("scenario.resolved.toml");
    assert_eq!(
        sim(&["validate", resolved.to_str().unwrap()]).status.code(),
        Some(0)
    );
}

#[test]
fn seed_and_replications_change_the_runs() {
    let dir = scenario_file("").parent().unwrap().join("r");
    let scenario = "../scenarios/tests/two-agents.toml";
    let o = sim(&[
        scenario,
        "--out",
        dir.to_str().unwrap(),
        "--replications",
        "3",
        "--seed",
        "11",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    // The whole-run row of each replication (per-app and per-role rows
    // follow each).
    let rows: Vec<&str> = summary
        .lines()
        .skip(1)
        .filter(|r| r.ends_with(",all,"))
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows[0].starts_with("0,0,11,"),
        "replication 0 keeps the seed"
    );
    assert!(rows[1].starts_with("0,1,") && !rows[1].starts_with("0,1,11,"));
}

#[test]
fn an_invalid_scenario_writes_no_report() {
    let bad = scenario_file("[run]\nhorizon = 30\n");
    let out = bad.parent().unwrap().join("out");
    let o = sim(&[bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn a_refused_app_is_reported_in_the_table_and_the_summary() {
    let path = scenario_file(
        r#"[mesos]
authenticate_frameworks = true
credentials = { spark = "pw" }

[[agents]]
count = 1
resources = "cpus:4;mem:8192"

[[apps]]
name = "anon"
master = "mesos://m:5050"
[apps.jobs]
arrival = { kind = "at", times = ["0s"] }
tasks = { kind = "constant", value = 1 }
task_duration = { kind = "constant", value = "1s" }
"#,
    );
    let out = path.parent().unwrap().join("out");
    let o = sim(&[path.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("anon: REFUSED by the master: framework is not authenticated (the master requires authentication)"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary
            .lines()
            .next()
            .unwrap()
            .ends_with(",frameworks_refused,containers_requested,containers_granted,jobs_failed,lost_work_s,executors_lost,fetch_failures,stage_resubmissions,allocation_runs,allocation_run_mean_s,scope,name")
    );
    assert!(
        summary
            .lines()
            .nth(1)
            .unwrap()
            .ends_with(",1,,,0,0.000000,0,0,0,0,,all,"),
        "{summary}"
    );
    // The app's own row says it was refused.
    assert!(
        summary
            .lines()
            .any(|l| l.ends_with(",1,,,0,0.000000,0,0,0,,,app,anon")),
        "{summary}"
    );
}

#[test]
fn shards_merge_into_the_bytes_of_the_whole_run_for_any_thread_count() {
    let base = scenario_file("").parent().unwrap().to_path_buf();
    let scenario = "../scenarios/tests/locality.toml";
    // 2 points × 2 points × 2 replications = 8 runs.
    let common = [
        scenario,
        "--set",
        "apps.static.conf.spark.locality.wait=0s,3s",
        "--set",
        "data.remote_read=500ms,2s",
        "--replications",
        "2",
        "--offers",
        "--quiet",
    ];
    let run = |extra: &[&str], out: &std::path::Path| run_ok(&common, extra, out);
    let whole = base.join("whole");
    run(&["--jobs", "1"], &whole);
    let two = base.join("two-threads");
    run(&["--jobs", "2"], &two);
    assert_same_dirs(&whole, &two);
    let shards: Vec<std::path::PathBuf> = (0..3).map(|k| base.join(format!("shard{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        run(&["--shard", &format!("{k}/3"), "--jobs", "2"], dir);
    }
    let merged = base.join("merged");
    // Shards in any order.
    let o = sim(&[
        "merge",
        shards[2].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_same_dirs(&whole, &merged);
    let ci = std::fs::read_to_string(merged.join("summary_ci.csv")).unwrap();
    // A header, and per point the whole run, the two apps and the role.
    assert_eq!(ci.lines().count(), 1 + 4 * 4, "{ci}");
    assert_eq!(ci.lines().filter(|l| l.ends_with(",all,")).count(), 4);
    assert_eq!(ci.lines().filter(|l| l.ends_with(",app,static")).count(), 4);
    assert!(ci.starts_with("point,apps.static.conf.spark.locality.wait,data.remote_read,n,"));
    // A missing shard is an error, exit 2.
    let o = sim(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--out",
        base.join("partial").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("shard(s) 2 of 3 missing"),
        "{}",
        stderr(&o)
    );
    // A shard whose jobs.csv lost rows at a row boundary is refused, and
    // so are rows of a point no run of the shard has.
    let merge_with = |broken: &std::path::Path| {
        sim(&[
            "merge",
            shards[0].to_str().unwrap(),
            broken.to_str().unwrap(),
            shards[2].to_str().unwrap(),
            "--out",
            base.join("refused").to_str().unwrap(),
        ])
    };
    let copy = base.join("shard1-cut");
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&shards[1]).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let jobs = std::fs::read_to_string(copy.join("jobs.csv")).unwrap();
    let lines: Vec<&str> = jobs.lines().collect();
    std::fs::write(
        copy.join("jobs.csv"),
        lines[..lines.len() - 1].join("\n") + "\n",
    )
    .unwrap();
    let o = merge_with(&copy);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("jobs.csv: point 3 replication 1 has"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("the file was cut or edited"),
        "{}",
        stderr(&o)
    );
    let mut foreign = lines.clone();
    let extra = format!("9{}", &foreign[1][foreign[1].find(',').unwrap()..]);
    foreign.push(&extra);
    std::fs::write(copy.join("jobs.csv"), foreign.join("\n") + "\n").unwrap();
    let o = merge_with(&copy);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("rows of point 9 replication"),
        "{}",
        stderr(&o)
    );
    assert!(!base.join("refused").exists());
    // A bad shard spec is refused.
    let o = sim(&[scenario, "--shard", "3/3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("0 ≤ K < N"), "{}", stderr(&o));
}

/// Every `<svg …>…</svg>` in an HTML page.
fn inline_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let end = rest[i..].find("</svg>").expect("a closed svg") + i + "</svg>".len();
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

/// Checks a chart is well-formed SVG with drawn data and returns its text
/// nodes (titles, labels, legend).
fn check_svg(name: &str, text: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{name}");
    assert_eq!(root.attribute("height"), Some("400"), "{name}");
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("path"))
        .count();
    assert!(lines > 0, "{name} draws no line");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

#[test]
fn a_three_parameter_sweep_draws_valid_charts_and_the_same_bytes_everywhere() {
    let base = scenario_file("").parent().unwrap().to_path_buf();
    // 2 × 2 × 2 points × 5 replications = 40 runs, one command.
    let common = [
        "../scenarios/tests/locality.toml",
        "--set",
        "apps.static.conf.spark.locality.wait=0s,3s",
        "--set",
        "data.remote_read=500ms,2s",
        "--set",
        "apps.static.conf.spark.cores.max=4,8",
        "--replications",
        "5",
        "--quiet",
    ];
    let run = |extra: &[&str], out: &std::path::Path| run_ok(&common, extra, out);
    let one = base.join("one");
    run(&["--jobs", "1"], &one);
    let files = read_dir_sorted(&one);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    // Per point: CPU, latency CDF, executors and shares; then one sweep
    // chart per default chart metric, and the page.
    for p in 0..8 {
        for c in ["cpu", "latency", "executors", "shares"] {
            let f = format!("{c}-p{p}.svg");
            assert!(names.contains(&f.as_str()), "{f} in {names:?}");
        }
    }
    for f in [
        "sweep-latency_p95_s.svg",
        "sweep-cpu_busy_mean.svg",
        "report.html",
        "summary.csv",
        "summary_ci.csv",
    ] {
        assert!(names.contains(&f), "{f}");
    }
    let svgs: Vec<&(String, Vec<u8>)> = files.iter().filter(|(n, _)| n.ends_with(".svg")).collect();
    assert_eq!(svgs.len(), 8 * 4 + 2);
    for (name, bytes) in &svgs {
        let texts = check_svg(name, std::str::from_utf8(bytes).unwrap());
        if name.starts_with("sweep-") {
            // x: the first swept parameter, by a readable name; one line
            // per combination of the other two (2 × 2), named in the
            // legend, and for the latency one per app as well.
            assert!(
                texts.iter().any(|t| t == "spark.locality.wait (s)"),
                "{name}: {texts:?}"
            );
            let combos = |prefix: &str| {
                texts
                    .iter()
                    .filter(|t| t.starts_with(prefix) && t.contains("remote_read = "))
                    .count()
            };
            if name == "sweep-latency_p95_s.svg" {
                assert_eq!(combos("static, "), 4, "{name}: {texts:?}");
                assert_eq!(combos("dynamic, "), 4, "{name}: {texts:?}");
                assert!(
                    texts.iter().any(|t| t.starts_with("p95 latency (s)")),
                    "{texts:?}"
                );
            } else {
                assert_eq!(combos("remote_read = "), 4, "{name}: {texts:?}");
            }
            assert!(
                texts.iter().any(|t| t.ends_with("(mean, 95 % CI)")),
                "{texts:?}"
            );
        }
        if name.starts_with("latency-") {
            assert!(texts.iter().any(|t| t == "static") && texts.iter().any(|t| t == "dynamic"));
        }
    }
    // The page: inlines every chart, links only to files that exist.
    let html = std::fs::read_to_string(one.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let inline = inline_svgs(&html);
    assert_eq!(inline.len(), svgs.len());
    for s in &inline {
        check_svg("inline", s);
    }
    let mut links = 0;
    for part in html.split("href=\"").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        assert!(
            !target.contains(':'),
            "nothing outside the folder: {target}"
        );
        assert!(one.join(target).is_file(), "{target} exists");
        links += 1;
    }
    assert!(links >= svgs.len() + 7, "{links} links");
    assert!(!html.contains("src="), "no external resources");
    // 8 summary rows with mean ± CI, then 8 × 2 apps and 8 × 1 role.
    assert_eq!(html.matches("<tr><td>").count(), 8 + 16 + 8);
    assert!(html.contains("<h3>Per app</h3>") && html.contains("<h3>Per role</h3>"));
    assert!(html.contains(" ± "));

    // The same bytes with two threads, and from two shards merged.
    let two = base.join("two");
    run(&["--jobs", "2"], &two);
    assert_same_dirs(&one, &two);
    let shards: Vec<PathBuf> = (0..2).map(|k| base.join(format!("s{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        run(&["--shard", &format!("{k}/2")], dir);
        assert!(!dir.join("report.html").exists(), "shards draw nothing");
    }
    let merged = base.join("merged");
    let o = sim(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_same_dirs(&one, &merged);
}

#[test]
fn chart_metrics_come_from_the_scenario_and_no_charts_writes_only_csvs() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/tests/two-agents.toml"),
    )
    .unwrap();
    let with = |line: &str| {
        let text = src.replacen("[run]\n", &format!("[run]\n{line}\n"), 1);
        assert_ne!(text, src, "the scenario has a [run] table");
        scenario_file(&text)
    };
    let path = with("chart_metrics = [\"wait_p95_s\", \"events\"]");
    let out = path.parent().unwrap().join("r");
    let o = sim(&[
        path.to_str().unwrap(),
        "--set",
        "run.seed=1,2",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names: Vec<String> = read_dir_sorted(&out).into_iter().map(|(n, _)| n).collect();
    let sweeps: Vec<&String> = names.iter().filter(|n| n.starts_with("sweep-")).collect();
    assert_eq!(sweeps, ["sweep-events.svg", "sweep-wait_p95_s.svg"]);

    let path = with("chart_metrics = [\"latency_p95\"]");
    let o = sim(&[path.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(
            "run.chart_metrics: unknown metric \"latency_p95\" (did you mean \"latency_p95_s\"?)"
        ),
        "{e}"
    );

    let path = with("");
    let out = path.parent().unwrap().join("r");
    let o = sim(&[
        path.to_str().unwrap(),
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        read_dir_sorted(&out)
            .iter()
            .all(|(n, _)| n.ends_with(".csv") || n.ends_with(".toml")),
        "CSVs and the resolved scenario only"
    );
}

/// Seeds from 2^63 to 2^64 - 1 are used whole: they give different jobs
/// (they were capped at 2^63 - 1 once), and the resolved scenario records
/// the seed so that it loads back.
#[test]
fn seeds_above_two_to_the_63_are_used_whole() {
    let base = scenario_file("").parent().unwrap().to_path_buf();
    let scenario = "../scenarios/tests/two-agents.toml";
    let mut jobs = Vec::new();
    for seed in [
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
    ] {
        let dir = base.join(format!("seed-{seed}"));
        let o = sim(&[
            scenario,
            "--out",
            dir.to_str().unwrap(),
            "--seed",
            seed,
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
        assert!(
            summary
                .lines()
                .nth(1)
                .unwrap()
                .starts_with(&format!("0,0,{seed},")),
            "{summary}"
        );
        jobs.push(std::fs::read_to_string(dir.join("jobs.csv")).unwrap());
        let resolved = dir.join("scenario.resolved.toml");
        let o = sim(&["validate", resolved.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // TOML integers stop at 2^63 - 1: larger seeds are written as text.
        let written = if seed.parse::<u64>().unwrap() > i64::MAX as u64 {
            format!("seed = \"{seed}\"")
        } else {
            format!("seed = {seed}")
        };
        assert!(stdout(&o).contains(&written), "{}", stdout(&o));
    }
    assert_ne!(jobs[0], jobs[1]);
    assert_ne!(jobs[1], jobs[2]);
}

/// What cannot fit is refused before running, exit 2, naming the limit
/// and the cause; these validated once and then died with "memory
/// allocation failed" (exit 134).
#[test]
fn scenarios_that_cannot_fit_are_refused_before_running() {
    let path = scenario_file(
        r#"[run]
horizon = "2h"
[[agents]]
count = 1
resources = "cpus:4;mem:4096"
[[apps]]
name = "a"
master = "mesos://h:5050"
[apps.jobs]
arrival = { kind = "every", interval = "1s" }
tasks = { kind = "constant", value = 1 }
task_duration = { kind = "constant", value = "1s" }
"#,
    );
    let p = path.to_str().unwrap();
    let out = path.parent().unwrap().join("out");
    let cases: [(&[&str], &str); 5] = [
        (
            &["run.sample_interval=1us"],
            "more than the limit of 8.0 GiB (--max-memory); the most is 10800000001 samples of 2 rows each",
        ),
        (
            &["apps.a.jobs.tasks.value=1000000000000"],
            "apps.a.jobs.tasks.value: at most 10000000 tasks per stage, got 1000000000000",
        ),
        (
            &[
                "apps.a.jobs.stages=10000",
                "apps.a.jobs.tasks.value=1000000",
            ],
            "the most is one job of apps.a.jobs drawing up to 10000000000 tasks at once",
        ),
        (
            &["run.replications=1000000000"],
            "run.replications: at most 1000000 replications, got 1000000000",
        ),
        (
            &["run.replications=1000000"],
            "7201 jobs of apps.a.jobs × 1000000 replication(s)",
        ),
    ];
    for (sets, want) in cases {
        let mut args = vec![p, "--out", out.to_str().unwrap()];
        for s in sets {
            args.extend(["--set", s]);
        }
        let o = sim(&args);
        assert_eq!(o.status.code(), Some(2), "{sets:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{sets:?}: {}", stderr(&o));
        assert!(!out.exists(), "nothing written");
    }
    // A bigger budget lets the long sampling through validation.
    let o = sim(&[
        "validate",
        p,
        "--set",
        "run.sample_interval=10ms",
        "--max-memory",
        "1g",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = sim(&[
        "validate",
        p,
        "--set",
        "run.sample_interval=10ms",
        "--max-memory",
        "4g",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--strict` makes every warning an error: exit 2 before running, and
/// nothing written.
#[test]
fn strict_turns_warnings_into_errors() {
    let path = scenario_file(
        r#"[[agents]]
count = 1
resources = "cpus:4;mem:4096"
[[apps]]
name = "a"
master = "mesos://h:5050"
[apps.conf]
"spark.mesos.constraints" = "os:centos7"
[apps.jobs]
arrival = { kind = "at", times = ["0s"] }
tasks = { kind = "constant", value = 1 }
task_duration = { kind = "constant", value = "1s" }
"#,
    );
    let p = path.to_str().unwrap();
    let out = path.parent().unwrap().join("out");
    let o = sim(&["validate", p]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).starts_with(&format!(
            "warning: {p}:8:29: apps.a.conf.\"spark.mesos.constraints\": no agent satisfies"
        )),
        "{}",
        stderr(&o)
    );
    let o = sim(&["validate", "--strict", p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("error: {p}:8:29:")),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("1 warning(s) in"), "{}", stderr(&o));
    let o = sim(&[p, "--strict", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
    let o = sim(&[p, "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "without --strict it runs");
}

/// The shipped paste scenario runs unchanged: agents' --resources (text
/// and JSON) and --attributes flags, a spark-defaults.conf beside it, and
/// the seed guide's spark-submit line.
#[test]
fn the_pasted_configuration_scenario_runs_unchanged() {
    let out = scenario_file("").parent().unwrap().join("pasted");
    let o = sim(&[
        "../scenarios/pasted/pasted.toml",
        "--out",
        out.to_str().unwrap(),
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains("sparkpi"), "{table}");
    let executors = std::fs::read_to_string(out.join("executors.csv")).unwrap();
    // 20 GiB executors of 4 cores (spark.executor.cores from the defaults
    // file), 100 cores at most: 25 executors.
    let sparkpi: Vec<&str> = executors
        .lines()
        .filter(|l| l.contains(",sparkpi,"))
        .collect();
    assert_eq!(sparkpi.len(), 25, "{executors}");
    assert!(
        sparkpi.iter().all(|l| l.contains(",4,4,22528,")),
        "{executors}"
    );
    let resolved = std::fs::read_to_string(out.join("scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("deploy_mode = \"cluster\""));
    assert!(resolved.contains("\"spark.driver.supervise\" = \"true\""));
}

fn folder_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn hidden_temp_folders(parent: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".sim-tmp-"))
        .collect()
}

/// Sends SIGINT to a real `sim` process while it writes its reports (the
/// writer pauses after its first file under SIM_TEST_WRITE_PAUSE_MS):
/// exit 130, the previous reports intact byte for byte, no partial file.
#[cfg(unix)]
#[test]
fn sigint_in_mid_write_leaves_the_previous_reports_intact() {
    let parent = scenario_file("").parent().unwrap().join("sigint-write");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("reports");
    let scenario = "../scenarios/tests/two-agents.toml";
    let o = sim(&[scenario, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = folder_bytes(&out);
    let child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args([
            scenario,
            "--out",
            out.to_str().unwrap(),
            "--seed",
            "99",
            "--quiet",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SIM_TEST_WRITE_PAUSE_MS", "5000")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the writer has started (its temporary folder holds a file).
    #[allow(clippy::disallowed_methods)] // a test waiting on a real process
    let t0 = std::time::Instant::now();
    loop {
        let writing = hidden_temp_folders(&parent)
            .iter()
            .any(|t| std::fs::read_dir(parent.join(t)).is_ok_and(|mut d| d.next().is_some()));
        if writing {
            break;
        }
        assert!(t0.elapsed().as_secs() < 60, "the writer never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("interrupted: nothing was written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        folder_bytes(&out),
        before,
        "the previous reports, untouched"
    );
    assert!(
        hidden_temp_folders(&parent).is_empty(),
        "no partial folder left"
    );
}

/// Ctrl-C during the simulation stops promptly with exit 130 and writes
/// nothing.
#[cfg(unix)]
#[test]
fn sigint_in_mid_run_stops_promptly_and_writes_nothing() {
    let parent = scenario_file("").parent().unwrap().join("sigint-run");
    std::fs::create_dir_all(&parent).unwrap();
    let out = parent.join("reports");
    // The debug build checks every invariant after every event: this run
    // takes minutes, so the signal finds it simulating.
    let child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args([
            "../scenarios/bench/large.toml",
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    // It stopped in mid-run, not after finishing the work.
    assert!(
        stderr(&o).contains("interrupted after 0 of 1 runs ("),
        "{}",
        stderr(&o)
    );
    let share: f64 = stderr(&o)
        .split(" runs (")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    assert!(share < 100.0, "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
    assert!(hidden_temp_folders(&parent).is_empty());
    assert!(stdout(&o).is_empty());
}

/// An unusable --out is refused before anything runs (exit 2), and a
/// finished run never leaves an older run's files beside its own.
#[test]
fn the_output_folder_is_checked_first_and_replaced_whole() {
    let parent = scenario_file("").parent().unwrap().join("outputs");
    std::fs::create_dir_all(&parent).unwrap();
    let scenario = "../scenarios/tests/two-agents.toml";
    let file = parent.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = sim(&[scenario, "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exists and is not a folder"),
        "{}",
        stderr(&o)
    );
    let docs = parent.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("thesis.tex"), "x").unwrap();
    let o = sim(&[scenario, "--out", docs.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds no sim reports"),
        "{}",
        stderr(&o)
    );
    let o = sim(&[scenario, "--out", file.join("sub").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A two-point sweep, then one point into the same folder.
    let out = parent.join("r");
    let o = sim(&[
        scenario,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--set",
        "run.seed=1,2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("cpu-p1.svg").exists());
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let o = sim(&[scenario, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("cpu-p1.svg").exists(), "no stale chart");
    assert!(!out.join("cpu-p0.svg").exists());
    assert!(out.join("cpu.svg").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine"
    );
    assert!(hidden_temp_folders(&parent).is_empty());
}

#[test]
fn a_sweep_over_the_managers_gives_the_same_bytes_on_any_thread_count() {
    let base = std::env::temp_dir().join(format!("sim-managers-{}", std::process::id()));
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/cluster-managers.toml"
    );
    let common = [
        scenario,
        "--set",
        "run.horizon=3m",
        "--set",
        "run.drain=1m",
        "--set",
        "run.replications=2",
        "--offers",
    ];
    let (one, two) = (base.join("one"), base.join("two"));
    run_ok(&common, &["--jobs", "1"], &one);
    run_ok(&common, &["--jobs", "2"], &two);
    assert_same_dirs(&one, &two);
    // A column names each point's manager; offers exist only on Mesos,
    // container requests only on YARN.
    let summary = std::fs::read_to_string(one.join("summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (m, offers, asked) = (
        col("cluster.manager"),
        col("offers_made"),
        col("containers_requested"),
    );
    for line in summary.lines().skip(1).filter(|l| l.ends_with(",all,")) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[offers].is_empty(), f[m] != "mesos", "{line}");
        assert_eq!(f[asked].is_empty(), f[m] != "yarn", "{line}");
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// The command line streams the per-run reports to disk as runs end, in
/// report order, on any number of threads; the tests' golden reports are
/// rendered in memory. Both must be the same bytes: the golden scenarios,
/// replicated so that runs finish out of order on two threads.
#[test]
fn streamed_reports_are_the_golden_bytes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = std::env::temp_dir().join(format!("sim-streamed-{}", std::process::id()));
    for name in ["two-agents", "locality", "yarn"] {
        let scenario = root.join(format!("../scenarios/tests/{name}.toml"));
        let out = base.join(name);
        run_ok(
            &[
                scenario.to_str().unwrap(),
                "--offers",
                "--quiet",
                "--no-charts",
            ],
            &["--jobs", "2"],
            &out,
        );
        let golden = root.join("tests/golden").join(name);
        for (file, want) in read_dir_sorted(&golden) {
            let got = std::fs::read(out.join(&file)).unwrap();
            assert!(got == want, "{name}/{file} differs from the golden report");
        }
        // Four replications on two threads: rows stay in replication order.
        let [reps, one] = ["2", "1"].map(|jobs| {
            let dir = base.join(format!("{name}-reps-on-{jobs}"));
            run_ok(
                &[
                    scenario.to_str().unwrap(),
                    "--offers",
                    "--quiet",
                    "--no-charts",
                ],
                &["--replications", "4", "--jobs", jobs],
                &dir,
            );
            dir
        });
        assert_same_dirs(&reps, &one);
        let jobs = std::fs::read_to_string(reps.join("jobs.csv")).unwrap();
        let reps_in_order: Vec<&str> = jobs
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        assert!(reps_in_order.windows(2).all(|w| w[0] <= w[1]), "{name}");
        assert_eq!(reps_in_order.last(), Some(&"3"), "{name}");
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn sim_keys_prints_one_spark_lines_properties_and_refuses_unknown_lines() {
    let o = sim(&["keys", "--version", "1.6"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with("# Spark properties the simulator knows, in Spark 1.6"));
    assert!(!page.contains("| `spark.mesos.rejectOfferDuration` |"));
    let o = sim(&["keys", "--version", "1.9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown Spark version \"1.9\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_version_names_the_release_and_the_commit() {
    let o = sim(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let line = stdout(&o);
    // "sim 0.1.0 (0123456789ab)", or "(unknown)" outside a git checkout.
    let rest = line
        .trim()
        .strip_prefix(&format!("sim {} (", env!("CARGO_PKG_VERSION")))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line}"));
    assert!(
        rest == "unknown" || (rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_hexdigit())),
        "{line}"
    );
    // The resolved scenario records the same.
    let o = sim(&["validate", SHIPPED]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("# Resolved by {}: ", line.trim())),
        "{}",
        stdout(&o)
    );
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definition() {
    for (shell, marker) in [
        ("bash", "_sim()"),
        ("zsh", "#compdef sim"),
        ("fish", "complete -c sim"),
    ] {
        let o = sim(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}");
        // Every subcommand and a run flag are completed.
        for word in [
            "validate",
            "merge",
            "import",
            "keys",
            "match",
            "replications",
        ] {
            assert!(script.contains(word), "{shell}: {word}");
        }
    }
    // The bash script is valid bash.
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_ok()
    {
        let o = sim(&["completions", "bash"]);
        let dir = scenario_file("").parent().unwrap().to_path_buf();
        let file = dir.join("sim.bash");
        std::fs::write(&file, &o.stdout).unwrap();
        let check = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", stderr(&check));
    }
    let o = sim(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    let o = sim(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.contains(".TH sim 1"), "{page}");
    for word in ["validate", "merge", "completions", "\\-\\-replications"] {
        assert!(page.contains(word), "{word}");
    }
}
