//! `sparksim._sim`: the simulator's core for Python. The Python package
//! (`python/sparksim/`) wraps it: scenarios loaded from a file, TOML text
//! or a dict, parameters set, runs on the Rust thread pool with the GIL
//! released, and every report as the same bytes the command line writes.

mod gym;
mod policy;

use std::path::{Path, PathBuf};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use sim::scenario::{self, Assignment, LoadError, Loaded};
use sim::world::RunOptions;

create_exception!(
    _sim,
    ScenarioError,
    PyException,
    "A scenario that cannot be loaded: args are (message, diagnostics), the \
     message as `sim validate` prints it and each diagnostic a tuple \
     (path, line, column, message), line and column None when unknown."
);

create_exception!(
    _sim,
    RunError,
    PyException,
    "A run that failed (an invariant broken, or more memory than allowed)."
);

fn scenario_error(file: &str, mut diags: scenario::Diagnostics) -> PyErr {
    diags.errors.sort_by_key(|d| d.line);
    let mut lines: Vec<String> = diags
        .errors
        .iter()
        .map(|d| format!("error: {}", d.located(file)))
        .collect();
    lines.push(format!("{} error(s) in {file}", diags.errors.len()));
    let items: Vec<(String, Option<usize>, Option<usize>, String)> = diags
        .errors
        .iter()
        .map(|d| {
            (
                d.path.clone(),
                d.line.map(|l| l.0),
                d.line.map(|l| l.1),
                d.message.clone(),
            )
        })
        .collect();
    ScenarioError::new_err((lines.join("\n"), items))
}

fn assignments(set: Vec<String>) -> PyResult<Vec<Assignment>> {
    set.iter()
        .map(|s| scenario::parse_assignment(s).map_err(PyValueError::new_err))
        .collect()
}

/// A loaded, validated scenario: its base and every sweep point.
#[pyclass(module = "sparksim._sim", frozen)]
pub(crate) struct Scenario {
    pub(crate) loaded: Loaded,
    /// What error messages call it: the file, or "<text>".
    name: String,
}

#[pymethods]
impl Scenario {
    /// The sweep points (1 without a sweep).
    #[getter]
    fn points(&self) -> usize {
        self.loaded.points.len()
    }

    /// Replications per point.
    #[getter]
    fn replications(&self) -> u32 {
        self.loaded.base.run.replications
    }

    /// The master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.loaded.base.run.seed
    }

    /// The warnings validation gave, as `sim validate` prints them.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.loaded
            .warnings
            .iter()
            .map(|w| format!("warning: {}", w.located(&self.name)))
            .collect()
    }

    /// The scenario with every default filled in, as `sim validate` prints
    /// it.
    fn resolved(&self) -> String {
        scenario::render_resolved(&self.loaded.base, &self.loaded.sweep)
    }

    /// Runs every point × replication on `jobs` threads (default: all
    /// cores) with the GIL released; returns every report file as (name,
    /// text), the bytes the command line writes. `offers` adds offers.csv;
    /// `check` verifies the simulator's invariants after every event.
    #[pyo3(signature = (jobs=None, offers=false, check=false))]
    fn run(
        &self,
        py: Python<'_>,
        jobs: Option<usize>,
        offers: bool,
        check: bool,
    ) -> PyResult<Vec<(String, String)>> {
        let threads = jobs
            .filter(|&j| j > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let opts = RunOptions {
            record_offers: offers,
            check_invariants: check,
        };
        let loaded = &self.loaded;
        let files = py.detach(|| -> Result<Vec<(String, String)>, String> {
            let results = sim::run::run_parallel(loaded, opts, threads)?;
            Ok(sim::report::render(&results, &loaded.sweep, offers)
                .into_iter()
                .map(|(n, text)| (n.to_string(), text))
                .collect())
        });
        files.map_err(RunError::new_err)
    }
}

/// Loads the scenario file `path`, applying `set` (each `PATH=VALUE`, as
/// `--set`) first.
#[pyfunction]
#[pyo3(signature = (path, set=Vec::new()))]
fn load_path(path: PathBuf, set: Vec<String>) -> PyResult<Scenario> {
    let set = assignments(set)?;
    let name = path.display().to_string();
    match scenario::load_file(&path, &set) {
        Ok(loaded) => Ok(Scenario { loaded, name }),
        Err(LoadError::Io { path, source }) => Err(ScenarioError::new_err((
            format!("error: cannot read scenario {path}: {source}"),
            Vec::<(String, Option<usize>, Option<usize>, String)>::new(),
        ))),
        Err(LoadError::Invalid(d)) => Err(scenario_error(&name, d)),
    }
}

/// Loads a scenario from TOML text, with relative paths resolved against
/// `base_dir` (default: the current folder), applying `set` first.
#[pyfunction]
#[pyo3(signature = (text, set=Vec::new(), base_dir=None, name=None))]
fn load_text(
    text: &str,
    set: Vec<String>,
    base_dir: Option<PathBuf>,
    name: Option<String>,
) -> PyResult<Scenario> {
    let set = assignments(set)?;
    let name = name.unwrap_or_else(|| "<text>".to_string());
    match scenario::load_str_in(text, &set, base_dir.as_deref().map(Path::new)) {
        Ok(loaded) => Ok(Scenario { loaded, name }),
        Err(d) => Err(scenario_error(&name, d)),
    }
}

/// The TOML text of a scenario given as JSON (a dict, turned to JSON by
/// the Python side): tables, arrays, strings, numbers and booleans.
#[pyfunction]
fn toml_from_json(json: &str) -> PyResult<String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let toml = to_toml(&value, "")?;
    match toml {
        toml::Value::Table(t) => {
            toml::to_string(&t).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        _ => Err(PyValueError::new_err("a scenario is a dict (a TOML table)")),
    }
}

fn to_toml(v: &serde_json::Value, at: &str) -> PyResult<toml::Value> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => {
            return Err(PyValueError::new_err(format!(
                "{at}: None has no TOML form; leave the key out"
            )));
        }
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => toml::Value::String(s.clone()),
        J::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| to_toml(x, &format!("{at}[{i}]")))
                .collect::<PyResult<_>>()?,
        ),
        J::Object(map) => {
            let mut t = toml::Table::new();
            for (k, x) in map {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                t.insert(k.clone(), to_toml(x, &path)?);
            }
            toml::Value::Table(t)
        }
    })
}

#[pymodule]
fn _sim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scenario>()?;
    m.add_class::<policy::PyResources>()?;
    m.add_class::<policy::PyView>()?;
    m.add_class::<gym::Session>()?;
    m.add_function(wrap_pyfunction!(policy::register_allocator_py, m)?)?;
    m.add_function(wrap_pyfunction!(load_path, m)?)?;
    m.add_function(wrap_pyfunction!(load_text, m)?)?;
    m.add_function(wrap_pyfunction!(toml_from_json, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("RunError", m.py().get_type::<RunError>())?;
    m.add("__version__", sim::VERSION)?;
    Ok(())
}
