//! Mesos allocators written in Python: the same contract as a Rust policy
//! (docs/write-a-policy.md), a read-only view of the cluster in and grants
//! out. A registered Python class is built afresh for every run; its
//! `allocate(view, candidates)` is called with the GIL held, and what it
//! returns is checked by the master like any policy registered at run
//! time (`policies::mesos::check_grants`).

use std::sync::Arc;

use policies::mesos::{
    AgentView, Allocator, ClusterView, FrameworkView, Grant, MinAllocatable, OfferFilters,
    RoleView, ScalarIndex, Scalars, register_allocator,
};
use policies::model::{AgentId, FrameworkId, Resources};
use policies::time::SimTime;
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// A bag of Mesos resources (`cpus:4;mem:1024;cpus(ops):2`), immutable.
#[pyclass(name = "Resources", module = "sparksim._sim", frozen)]
#[derive(Clone)]
pub struct PyResources(pub Resources);

#[pymethods]
impl PyResources {
    /// Parses Mesos's `--resources` text.
    #[new]
    fn new(text: &str) -> PyResult<PyResources> {
        Resources::parse(text)
            .map(PyResources)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The part not reserved for a role.
    fn unreserved(&self) -> PyResources {
        PyResources(self.0.unreserved())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every entry of `other` fits in this bag.
    fn contains(&self, other: &PyResources) -> bool {
        self.0.contains(&other.0)
    }

    /// This bag less `other` (which it must contain).
    fn minus(&self, other: &PyResources) -> PyResult<PyResources> {
        if !self.0.contains(&other.0) {
            return Err(PyValueError::new_err(format!(
                "{} does not contain {}",
                self.0, other.0
            )));
        }
        let mut r = self.0.clone();
        r.subtract(&other.0);
        Ok(PyResources(r))
    }

    /// A scalar's total over every role (cpus, mem in MiB, …).
    fn scalar(&self, name: &str) -> f64 {
        self.0.scalar(name).0 as f64 / 1000.0
    }

    #[getter]
    fn cpus(&self) -> f64 {
        self.0.cpus().0 as f64 / 1000.0
    }

    #[getter]
    fn mem_mb(&self) -> f64 {
        self.0.mem_mb().0 as f64 / 1000.0
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Resources(\"{}\")", self.0)
    }

    fn __eq__(&self, other: &PyResources) -> bool {
        self.0 == other.0
    }
}

/// What a Python allocator reads during one run: a copy of the master's
/// view, taken before the call (the policy cannot change the master's
/// books). Agents and frameworks are numbered from 0; frameworks in the
/// scenario's order (apps, then frameworks).
#[pyclass(name = "ClusterView", module = "sparksim._sim", frozen)]
pub struct PyView {
    now: SimTime,
    scalars: ScalarIndex,
    totals: Scalars,
    agents: Vec<AgentView>,
    roles: Vec<RoleView>,
    frameworks: Vec<FrameworkView>,
    filters: OfferFilters,
    min_allocatable: MinAllocatable,
}

impl PyView {
    pub(crate) fn of(v: &ClusterView<'_>) -> PyView {
        PyView {
            now: v.now,
            scalars: v.scalars.clone(),
            totals: v.totals.clone(),
            agents: v.agents.to_vec(),
            roles: v.roles.to_vec(),
            frameworks: v.frameworks.to_vec(),
            filters: v.filters.clone(),
            min_allocatable: v.min_allocatable,
        }
    }

    fn agent(&self, a: usize) -> PyResult<&AgentView> {
        self.agents
            .get(a)
            .ok_or_else(|| PyIndexError::new_err(format!("no agent {a}")))
    }

    fn framework(&self, f: usize) -> PyResult<&FrameworkView> {
        self.frameworks
            .get(f)
            .ok_or_else(|| PyIndexError::new_err(format!("no framework {f}")))
    }
}

#[pymethods]
impl PyView {
    /// Simulated time, in microseconds.
    #[getter]
    fn now_us(&self) -> u64 {
        self.now.0
    }

    #[getter]
    fn agents(&self) -> usize {
        self.agents.len()
    }

    #[getter]
    fn frameworks(&self) -> usize {
        self.frameworks.len()
    }

    /// What agent `a` has available (total − offered − allocated).
    fn available(&self, a: usize) -> PyResult<PyResources> {
        Ok(PyResources(self.agent(a)?.available.clone()))
    }

    /// A deactivated agent is never offered.
    fn agent_active(&self, a: usize) -> PyResult<bool> {
        Ok(self.agent(a)?.active)
    }

    /// Registered and not failed over.
    fn framework_active(&self, f: usize) -> PyResult<bool> {
        Ok(self.framework(f)?.active)
    }

    /// It asked for no offers.
    fn framework_suppressed(&self, f: usize) -> PyResult<bool> {
        Ok(self.framework(f)?.suppressed)
    }

    /// Its role's name.
    fn framework_role(&self, f: usize) -> PyResult<String> {
        Ok(self.roles[self.framework(f)?.role].name.clone())
    }

    /// Its dominant share of the cluster (offered and allocated).
    fn framework_share(&self, f: usize) -> PyResult<f64> {
        Ok(self.framework(f)?.allocated.dominant_share(&self.totals))
    }

    /// Its role's weight.
    fn role_weight(&self, f: usize) -> PyResult<f64> {
        Ok(self.roles[self.framework(f)?.role].weight)
    }

    /// Framework `f` still refuses `resources` of agent `a` (a decline
    /// filter, Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference
    /// mesos-master.md §1.7).
    fn is_filtered(&self, f: usize, a: usize, resources: &PyResources) -> PyResult<bool> {
        self.framework(f)?;
        let agent = self.agent(a)?;
        Ok(self.filters.is_filtered(
            FrameworkId(f as u32),
            AgentId(a as u32),
            &resources.0,
            self.now,
            agent.grown,
        ))
    }

    /// Big enough to offer (`--min_allocatable_resources`: cpus 0.01 or
    /// mem 32 MiB).
    fn allows(&self, resources: &PyResources) -> bool {
        self.min_allocatable.allows(&resources.0)
    }

    /// The scalar resource names of the cluster.
    fn scalar_names(&self) -> Vec<String> {
        self.scalars.names().iter().map(|n| n.to_string()).collect()
    }
}

/// An [`Allocator`] whose decisions a Python object makes.
struct PyAllocator {
    name: &'static str,
    object: Py<PyAny>,
    failure: Option<String>,
}

impl std::fmt::Debug for PyAllocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PyAllocator({})", self.name)
    }
}

/// A grant as Python returns it: (framework, agent, resources), the
/// resources a `Resources` or its text.
fn grant_of(item: &Bound<'_, PyAny>) -> PyResult<Grant> {
    let (f, a, r): (usize, usize, Bound<'_, PyAny>) = item.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "a grant is a tuple (framework, agent, resources), got {item}"
        ))
    })?;
    let resources = if let Ok(r) = r.extract::<PyResources>() {
        r.0
    } else if let Ok(text) = r.extract::<String>() {
        Resources::parse(&text).map_err(|e| PyValueError::new_err(e.to_string()))?
    } else {
        return Err(PyTypeError::new_err(format!(
            "a grant's resources are a Resources or its text, got {r}"
        )));
    };
    Ok(Grant {
        framework: FrameworkId(f as u32),
        agent: AgentId(a as u32),
        resources,
    })
}

impl Allocator for PyAllocator {
    fn name(&self) -> &'static str {
        self.name
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        _rng: &mut dyn rand_core::Rng,
    ) -> Vec<Grant> {
        if self.failure.is_some() {
            return Vec::new();
        }
        let outcome = Python::attach(|py| -> PyResult<Vec<Grant>> {
            let pv = Py::new(py, PyView::of(view))?;
            let cands: Vec<usize> = candidates.iter().map(|a| a.index()).collect();
            let out = self.object.bind(py).call_method1("allocate", (pv, cands))?;
            let mut grants = Vec::new();
            for item in out.try_iter()? {
                grants.push(grant_of(&item?)?);
            }
            Ok(grants)
        });
        match outcome {
            Ok(g) => g,
            Err(e) => {
                self.failure = Some(Python::attach(|py| {
                    let tb = e
                        .traceback(py)
                        .and_then(|t| t.format().ok())
                        .unwrap_or_default();
                    format!("{tb}{e}")
                }));
                Vec::new()
            }
        }
    }

    fn failure(&mut self) -> Option<String> {
        self.failure.take()
    }
}

/// Registers `factory` (a class, or any callable returning an object with
/// `allocate(view, candidates)`) as the Mesos allocator `name`: scenarios
/// select it with `mesos.allocator = "name"`. Each run builds its own
/// instance.
#[pyfunction]
#[pyo3(name = "register_allocator", signature = (name, factory, about=None))]
pub fn register_allocator_py(
    name: &str,
    factory: Py<PyAny>,
    about: Option<String>,
) -> PyResult<()> {
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    let factory = Arc::new(factory);
    let build = Arc::new(move || -> Box<dyn Allocator> {
        Python::attach(|py| match factory.bind(py).call0() {
            Ok(object) => Box::new(PyAllocator {
                name: leaked,
                object: object.unbind(),
                failure: None,
            }) as Box<dyn Allocator>,
            // The instance could not be built: the first run says why.
            Err(e) => Box::new(PyAllocator {
                name: leaked,
                object: py.None(),
                failure: Some(format!("building the allocator: {e}")),
            }),
        })
    });
    register_allocator(
        name,
        about.as_deref().unwrap_or("a policy written in Python"),
        build,
    )
    .map_err(PyValueError::new_err)
}
