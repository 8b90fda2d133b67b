//! The command line (SPEC §2). Exit codes: 0 success, 1 the run failed or a
//! constraint did not match, 2 bad input. Errors go to stderr, results to
//! stdout; nothing panics on bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use policies::constraints::Constraints;
use policies::model::Attributes;

use crate::output::{OutputDir, OutputError};
use crate::scenario::{self, Assignment, LoadError, Loaded};
use crate::world::RunOptions;
use crate::{report, run};

#[derive(Debug, Parser)]
#[command(
    name = "sim",
    version = crate::VERSION,
    about = "Deterministic discrete-event simulator of Apache Spark on Apache Mesos",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario to run.
    #[arg(value_name = "SCENARIO.toml", required = true)]
    pub scenario: Option<PathBuf>,
    /// Master seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replications per sweep point (overrides run.replications).
    #[arg(long)]
    pub replications: Option<u32>,
    /// Set a parameter: PATH=VALUE, e.g. apps.dashboards.conf.spark.cores.max=32.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    pub set: Vec<Assignment>,
    /// Where to write the reports (default reports/<scenario stem>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads for points × replications (default: all cores).
    /// The reports are byte-identical for any number.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Run only shard K of N (K from 0): every N-th point × replication
    /// from the K-th, into its own folder; combine with `sim merge`.
    #[arg(long, value_name = "K/N", value_parser = crate::merge::Shard::parse)]
    pub shard: Option<crate::merge::Shard>,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
    /// Also write offers.csv (one row per offer).
    #[arg(long)]
    pub offers: bool,
    /// Write only the CSVs: no SVG charts and no report.html (shard runs
    /// never draw charts; `sim merge` does).
    #[arg(long)]
    pub no_charts: bool,
    /// Check the simulator's invariants after every event (slower).
    #[arg(long)]
    pub check: bool,
    /// Refuse a scenario whose runs would hold more memory than this
    /// (estimated before running), e.g. 16g.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "8g")]
    pub max_memory: u64,
    /// Treat every warning as an error (exit 2 before running).
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (the same as `sim SCENARIO.toml`).
    Run(RunArgs),
    /// Check a scenario and print it resolved (every default filled in).
    Validate {
        #[arg(value_name = "SCENARIO.toml")]
        scenario: PathBuf,
        /// Set a parameter before validating: PATH=VALUE.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
        set: Vec<Assignment>,
        /// Master seed (overrides run.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Refuse a scenario whose runs would hold more memory than this.
        #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "8g")]
        max_memory: u64,
        /// Treat every warning as an error (exit 2).
        #[arg(long)]
        strict: bool,
    },
    /// Combine shard folders (`--shard K/N` runs) into the reports of the
    /// whole run.
    Merge {
        /// The shard folders, all N of them.
        #[arg(value_name = "DIR", required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged reports.
        #[arg(long, required = true)]
        out: PathBuf,
        /// Write only the CSVs: no SVG charts and no report.html.
        #[arg(long)]
        no_charts: bool,
    },
    /// Read a trace: print what it holds, and a starter scenario that
    /// replays it (docs/traces.md).
    Import {
        /// The trace's format: swim.
        format: String,
        /// The trace file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Write the starter scenario to this file (default: print it
        /// after the summary, which is written as # comments).
        #[arg(long, value_name = "SCENARIO.toml")]
        out: Option<PathBuf>,
        /// Leave out jobs submitted before this (trace clock), e.g. 2h.
        #[arg(long, default_value = "0s", value_parser = parse_duration_arg)]
        start: crate::time::SimDuration,
        /// Leave out jobs submitted at or after this (trace clock).
        #[arg(long, value_parser = parse_duration_arg)]
        stop: Option<crate::time::SimDuration>,
    },
    /// Print every Spark property the simulator knows, with its default
    /// and whether it is modelled (the text of docs/spark-keys.md).
    Keys {
        /// Only the properties that exist in this Spark line (1.6, 2.0 …
        /// 2.4, 3.0).
        #[arg(long, value_parser = parse_spark_version)]
        version: Option<policies::spark::SparkVersion>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish or
    /// powershell), e.g. `sim completions bash > /etc/bash_completion.d/sim`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `sim man > sim.1; man ./sim.1`.
    Man,
    /// Match spark.mesos.constraints against Mesos agent attributes.
    Match {
        /// e.g. 'os:centos7;zone:us-east-1a,us-east-1b'
        constraints: String,
        /// e.g. 'os:centos7;zone:us-east-1a;level:10'
        attributes: String,
    },
}

fn parse_duration_arg(s: &str) -> Result<crate::time::SimDuration, String> {
    crate::time::parse_scenario_duration(s)
}

/// `sim import`: the summary on `out` (as comments), and the scenario on
/// `out` after it or in `target`.
fn run_import(
    format: &str,
    file: &std::path::Path,
    target: Option<&std::path::Path>,
    start: crate::time::SimDuration,
    stop: Option<crate::time::SimDuration>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    if stop.is_some_and(|s| s <= start) {
        let _ = writeln!(err, "error: --stop must come after --start");
        return ExitCode::from(BAD_INPUT);
    }
    // The path the scenario names: as given when the scenario lands in the
    // current folder (or is printed), else absolute, so it resolves from
    // the scenario's own folder.
    let beside = target
        .and_then(|t| t.parent())
        .is_none_or(|p| p.as_os_str().is_empty() || p == std::path::Path::new("."));
    let written = if beside || file.is_absolute() {
        file.display().to_string()
    } else {
        match std::fs::canonicalize(file) {
            Ok(p) => p.display().to_string(),
            Err(e) => {
                let _ = writeln!(err, "error: cannot read the trace {}: {e}", file.display());
                return ExitCode::from(BAD_INPUT);
            }
        }
    };
    match crate::import::import(format, file, &written, start, stop) {
        Ok((summary, scenario)) => {
            let _ = write!(out, "{summary}");
            match target {
                Some(t) => {
                    if let Err(e) = std::fs::write(t, &scenario) {
                        let _ = writeln!(err, "error: cannot write {}: {e}", t.display());
                        return ExitCode::from(BAD_INPUT);
                    }
                    let _ = writeln!(
                        out,
                        "# starter scenario: {} (run: sim {})",
                        t.display(),
                        t.display()
                    );
                }
                None => {
                    let _ = write!(out, "\n{scenario}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(BAD_INPUT)
        }
    }
}

fn parse_set(s: &str) -> Result<Assignment, String> {
    scenario::parse_assignment(s)
}

/// A size like `8g` or `512m` (Spark's grammar), in bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    use policies::spark::conf::{ByteUnit, byte_string_as};
    let mib = byte_string_as(s, ByteUnit::Mib)?;
    mib.checked_mul(1 << 20)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("expected a size above zero like 8g, got \"{s}\""))
}

/// Runs the command line; returns the process exit code.
pub fn main_with(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match cli.command {
        Some(Command::Match {
            constraints,
            attributes,
        }) => run_match(&constraints, &attributes, out, err),
        Some(Command::Import {
            format,
            file,
            out: target,
            start,
            stop,
        }) => run_import(&format, &file, target.as_deref(), start, stop, out, err),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "sim", &mut buf);
            let _ = out.write_all(&buf);
            ExitCode::SUCCESS
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut buf) {
                Ok(()) => {
                    let _ = out.write_all(&buf);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let _ = writeln!(err, "error: cannot render the manual page: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Some(Command::Keys { version }) => {
            let _ = write!(out, "{}", policies::spark::keys::markdown_for(version));
            ExitCode::SUCCESS
        }
        Some(Command::Merge {
            dirs,
            out: dir,
            no_charts,
        }) => {
            let output = match OutputDir::prepare(&dir) {
                Ok(o) => o,
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return ExitCode::from(BAD_INPUT);
                }
            };
            match crate::merge::merge(&dirs) {
                Ok((files, resolved)) => {
                    let files = report::with_charts(files, None, &resolved, !no_charts);
                    match output.commit(&files, &resolved, Some(&interrupt_flag())) {
                        Ok(()) => {
                            let _ = writeln!(
                                out,
                                "merged {} shard(s) into {}",
                                dirs.len(),
                                dir.display()
                            );
                            ExitCode::SUCCESS
                        }
                        Err(OutputError::Interrupted) => ExitCode::from(INTERRUPTED),
                        Err(e) => {
                            let _ = writeln!(err, "error: {e}; nothing was replaced");
                            ExitCode::from(BAD_INPUT)
                        }
                    }
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    ExitCode::from(BAD_INPUT)
                }
            }
        }
        Some(Command::Validate {
            scenario,
            mut set,
            seed,
            max_memory,
            strict,
        }) => {
            if let Some(seed) = seed {
                set.push(seed_assignment(seed));
            }
            let limits = Limits {
                max_memory,
                share: 1,
                strict,
            };
            match load(&scenario, &set, limits, err) {
                Some(loaded) => {
                    let _ = write!(
                        out,
                        "{}",
                        scenario::render_resolved(&loaded.base, &loaded.sweep)
                    );
                    if !loaded.sweep.is_empty() {
                        let _ = writeln!(
                            out,
                            "# {} sweep point(s), each validated.",
                            loaded.points.len()
                        );
                    }
                    ExitCode::SUCCESS
                }
                None => ExitCode::from(2),
            }
        }
        Some(Command::Run(args)) => run_scenario(args, out, err),
        None => run_scenario(cli.run, out, err),
    }
}

/// Exit codes (README "Exit codes"): 0 success; 1 no match (`sim match`)
/// or a failed simulation (a bug); 2 bad input or an unusable output
/// folder; 130 interrupted (Ctrl-C or SIGTERM), nothing written.
const BAD_INPUT: u8 = 2;
const INTERRUPTED: u8 = 130;

/// A flag set by Ctrl-C (SIGINT) and SIGTERM: the runs stop at their next
/// check and nothing is written.
fn interrupt_flag() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, flag.clone());
    }
    flag
}

/// `sim SCENARIO.toml`: check, run every point × replication, write the
/// reports whole or not at all.
fn run_scenario(args: RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let Some(path) = args.scenario else {
        let _ = writeln!(err, "error: a scenario file is required (see sim --help)");
        return ExitCode::from(BAD_INPUT);
    };
    let mut set = args.set;
    if let Some(seed) = args.seed {
        set.push(seed_assignment(seed));
    }
    if let Some(r) = args.replications {
        set.push(Assignment {
            path: "run.replications".into(),
            value: toml::Value::Integer(i64::from(r)),
        });
    }
    let limits = Limits {
        max_memory: args.max_memory,
        share: args.shard.map_or(1, |sh| sh.n),
        strict: args.strict,
    };
    let Some(loaded) = load(&path, &set, limits, err) else {
        return ExitCode::from(BAD_INPUT);
    };
    let dir = args.out.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let dir = PathBuf::from("reports").join(stem);
        match args.shard {
            Some(sh) => dir.join(format!("shard-{}-of-{}", sh.k, sh.n)),
            None => dir,
        }
    });
    // The output is checked before anything runs.
    let output = match OutputDir::prepare(&dir) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let cancel = interrupt_flag();
    let interrupted = |err: &mut dyn Write| {
        let _ = writeln!(
            err,
            "interrupted: nothing was written (the reports in {} are as they were)",
            dir.display()
        );
        ExitCode::from(INTERRUPTED)
    };
    let opts = RunOptions {
        record_offers: args.offers,
        check_invariants: args.check || cfg!(debug_assertions),
    };
    #[allow(clippy::disallowed_methods)] // wall time of the run, reported only
    let started = std::time::Instant::now();
    let threads = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |j| j as usize,
    );
    let all = run::run_keys(&loaded);
    let keys = match args.shard {
        Some(shard) => shard.select(&all),
        None => all.clone(),
    };
    // A progress bar only for a person watching a terminal; it is drawn
    // by its own thread, the runs only update counters.
    let show = !args.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = run::Progress::of(&loaded, &keys);
    let stop = std::sync::atomic::AtomicBool::new(false);
    // The per-run reports go straight into the output's temporary folder
    // as runs end, in report order; what stays in memory is each run's
    // summary rows and console lines.
    let mut write_error: Option<String> = None;
    let mut results: Vec<report::RunReport> = Vec::with_capacity(keys.len());
    let writing =
        |e: std::io::Error| format!("cannot write the reports for {}: {e}", dir.display());
    let unwritten = |err: &mut dyn Write, e: &str| {
        let _ = writeln!(err, "error: {e}; nothing was replaced");
        ExitCode::from(BAD_INPUT)
    };
    let mut parts = match report::PartWriter::new(args.offers, |name| {
        std::fs::File::create(output.path(name))
            .map(|f| std::io::BufWriter::with_capacity(1 << 16, f))
    }) {
        Ok(p) => p,
        Err(e) => return unwritten(err, &writing(e)),
    };
    let outcome = std::thread::scope(|s| {
        let display = show.then(|| s.spawn(|| run::show_progress(&progress, &stop)));
        let outcome = run::run_keys_reports(
            &loaded,
            &keys,
            opts,
            threads,
            Some(&progress),
            Some(&cancel),
            &mut |mut r| {
                if let Err(e) = parts.write(&mut r) {
                    let e = writing(e);
                    write_error = Some(e.clone());
                    return Err(e);
                }
                results.push(r);
                Ok(())
            },
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = display {
            h.thread().unpark();
            let _ = h.join();
        }
        outcome
    });
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = writeln!(
            err,
            "interrupted after {} of {} runs ({:.1} % of the simulated time)",
            progress.done(),
            progress.runs(),
            progress.units() as f64 / (progress.runs().max(1) as f64 * 10.0)
        );
        return interrupted(err);
    }
    if let Some(e) = write_error {
        return unwritten(err, &e);
    }
    if let Err(e) = outcome {
        let _ = writeln!(err, "error: the run failed: {e}");
        return ExitCode::from(1);
    }
    let written: Vec<&'static str> = match parts.finish() {
        Ok(done) => done.into_iter().map(|(name, _)| name).collect(),
        Err(e) => return unwritten(err, &writing(e)),
    };
    let wall_s = started.elapsed().as_secs_f64();
    let name = path
        .file_name()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    let mut resolved = report::resolved_with_runs(
        &scenario::render_resolved(&loaded.base, &loaded.sweep),
        &results,
        &name,
    );
    let table = (!args.quiet).then(|| run::summary_table(&results, wall_s));
    let charts = !args.no_charts && args.shard.is_none();
    let summaries = report::summary_files(&mut results, &loaded.sweep).to_vec();
    let files = report::with_charts(
        summaries,
        Some((output.temp(), &written)),
        &resolved,
        charts,
    );
    if let Some(shard) = args.shard {
        resolved.push_str(&shard.marker(all.len()));
    }
    match output.commit(&files, &resolved, Some(&cancel)) {
        Ok(()) => {}
        Err(OutputError::Interrupted) => return interrupted(err),
        Err(e) => {
            let _ = writeln!(err, "error: {e}; nothing was replaced");
            return ExitCode::from(BAD_INPUT);
        }
    }
    if let Some(table) = table {
        let _ = write!(out, "{table}");
        let _ = writeln!(out, "reports: {}", dir.display());
    }
    ExitCode::SUCCESS
}

fn seed_assignment(seed: u64) -> Assignment {
    Assignment {
        path: "run.seed".into(),
        value: scenario::seed_value(seed),
    }
}

/// What a loaded scenario must keep to: its runs (a `1/share` part of
/// them, for a shard) fit in `max_memory`; with `strict`, no warning.
#[derive(Clone, Copy, Debug)]
struct Limits {
    max_memory: u64,
    share: usize,
    strict: bool,
}

/// Loads and validates; prints warnings and errors to `err`.
fn load(
    path: &std::path::Path,
    set: &[Assignment],
    limits: Limits,
    err: &mut dyn Write,
) -> Option<Loaded> {
    let file = path.display().to_string();
    match scenario::load_file(path, set) {
        Ok(mut loaded) => {
            loaded.warnings.sort_by_key(|d| d.line);
            let cost = scenario::estimate(&loaded.points);
            let bytes = cost.bytes / limits.share.max(1) as u128;
            if bytes > u128::from(limits.max_memory) {
                let _ = writeln!(
                    err,
                    "error: {file}: the runs would hold about {} in memory, more than the limit of {} (--max-memory); the most is {}",
                    scenario::estimate::human_bytes(bytes),
                    scenario::estimate::human_bytes(u128::from(limits.max_memory)),
                    cost.biggest
                );
                return None;
            }
            let mut warnings: Vec<String> =
                loaded.warnings.iter().map(|w| w.located(&file)).collect();
            if cost.tasks > scenario::estimate::LONG_RUN_TASKS {
                warnings.push(format!(
                    "{file}: about {:.1e} simulated tasks in all: at a few hundred thousand tasks a second this takes hours",
                    cost.tasks
                ));
            }
            let level = if limits.strict { "error" } else { "warning" };
            for w in &warnings {
                let _ = writeln!(err, "{level}: {w}");
            }
            if limits.strict && !warnings.is_empty() {
                let _ = writeln!(
                    err,
                    "{} warning(s) in {file}, errors with --strict",
                    warnings.len()
                );
                return None;
            }
            Some(loaded)
        }
        Err(LoadError::Io { .. }) => {
            let _ = writeln!(
                err,
                "error: cannot read scenario {file}: no such file or not readable"
            );
            None
        }
        Err(LoadError::Invalid(mut diags)) => {
            // File order: command-line problems (no line) first, then by line.
            diags.errors.sort_by_key(|d| d.line);
            diags.warnings.sort_by_key(|d| d.line);
            for w in &diags.warnings {
                let _ = writeln!(err, "warning: {}", w.located(&file));
            }
            for e in &diags.errors {
                let _ = writeln!(err, "error: {}", e.located(&file));
            }
            let _ = writeln!(err, "{} error(s) in {file}", diags.errors.len());
            None
        }
    }
}

fn run_match(
    constraints: &str,
    attributes: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let c = match Constraints::parse(constraints) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: constraints: {e}");
            return ExitCode::from(2);
        }
    };
    let parsed = match Attributes::parse(attributes) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "error: attributes: {e}");
            return ExitCode::from(2);
        }
    };
    for w in &parsed.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    match c.first_failure(&parsed.attributes) {
        None => {
            let _ = writeln!(out, "match");
            ExitCode::SUCCESS
        }
        Some(m) => {
            let _ = writeln!(out, "no match: {m}");
            ExitCode::from(1)
        }
    }
}

fn parse_spark_version(text: &str) -> Result<policies::spark::SparkVersion, String> {
    policies::spark::SparkVersion::parse(text)
}
