//! A run that stops at every Mesos allocation run for an outside decision:
//! the engine under `sparksim.gym`'s Gymnasium environment. The world runs
//! on its own thread with an allocator that hands each run's view to the
//! session and waits for the grants; the session and the world take turns,
//! so an episode is as deterministic as any run (the same seed and the same
//! actions give the same reports).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use policies::mesos::{Allocator, ClusterView, Grant, register_allocator, unregister_allocator};
use policies::model::AgentId;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sim::scenario::AllocatorKind;
use sim::world::RunOptions;

use crate::policy::{PyResources, PyView};
use crate::{RunError, Scenario};

/// What the world thread tells the session.
enum FromWorld {
    /// An allocation run waits for grants.
    Decide(PyView, Vec<usize>),
    /// The run is over: its reports, or why it failed.
    Done(Result<Vec<(String, String)>, String>),
}

/// The allocator inside the world: each run's view goes out, the grants
/// come back.
struct Relay {
    to_session: Sender<FromWorld>,
    from_session: Receiver<Vec<Grant>>,
    failure: Option<String>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Relay")
    }
}

impl Allocator for Relay {
    fn name(&self) -> &'static str {
        "gym-session"
    }

    fn allocate(
        &mut self,
        view: &ClusterView<'_>,
        candidates: &[AgentId],
        _rng: &mut dyn rand_core::Rng,
    ) -> Vec<Grant> {
        let cands = candidates.iter().map(|a| a.index()).collect();
        let answer = self
            .to_session
            .send(FromWorld::Decide(PyView::of(view), cands))
            .ok()
            .and_then(|()| self.from_session.recv().ok());
        answer.unwrap_or_else(|| {
            self.failure = Some("the environment was closed".into());
            Vec::new()
        })
    }

    fn failure(&mut self) -> Option<String> {
        self.failure.take()
    }
}

static SESSIONS: AtomicU64 = AtomicU64::new(0);

/// One episode: a scenario of one point and one replication, run until its
/// end with every allocation decided from Python.
#[pyclass(module = "sparksim._sim")]
pub struct Session {
    to_world: Option<Sender<Vec<Grant>>>,
    /// In a mutex only so the session is `Sync` (one thread uses it).
    from_world: Mutex<Receiver<FromWorld>>,
    world: Option<JoinHandle<()>>,
    done: bool,
    /// A decision was handed out and not answered yet.
    awaiting: bool,
}

#[pymethods]
impl Session {
    /// Starts `scenario` (one point, one replication) with its allocator
    /// replaced by this session.
    #[new]
    fn new(scenario: &Scenario) -> PyResult<Session> {
        let mut loaded = scenario.loaded.clone();
        if loaded.points.len() != 1 || loaded.base.run.replications != 1 {
            return Err(PyValueError::new_err(format!(
                "an episode is one run: the scenario has {} points and {} replications",
                loaded.points.len(),
                loaded.base.run.replications
            )));
        }
        let name = format!("gym-session-{}", SESSIONS.fetch_add(1, Ordering::Relaxed));
        let (to_session, from_world) = channel();
        let (to_world, from_session) = channel();
        let ends = Arc::new(Mutex::new(Some((to_session.clone(), from_session))));
        register_allocator(
            &name,
            "a Gymnasium environment's decisions",
            Arc::new(move || -> Box<dyn Allocator> {
                let taken = ends.lock().unwrap_or_else(|e| e.into_inner()).take();
                match taken {
                    Some((to_session, from_session)) => Box::new(Relay {
                        to_session,
                        from_session,
                        failure: None,
                    }),
                    None => panic!("a session's allocator is built once"),
                }
            }),
        )
        .map_err(PyValueError::new_err)?;
        let kind = AllocatorKind::named(&name).expect("just registered");
        loaded.base.mesos.allocator = kind;
        for p in &mut loaded.points {
            p.scenario.mesos.allocator = kind;
        }
        // Built once, when the run starts; then the name can go.
        let forget = name.clone();
        let world = std::thread::spawn(move || {
            let opts = RunOptions {
                record_offers: false,
                check_invariants: false,
            };
            let outcome = sim::run::run_all(&loaded, opts);
            unregister_allocator(&forget);
            let outcome = outcome.map(|results| {
                sim::report::render(&results, &loaded.sweep, false)
                    .into_iter()
                    .map(|(n, text)| (n.to_string(), text))
                    .collect()
            });
            let _ = to_session.send(FromWorld::Done(outcome));
        });
        Ok(Session {
            to_world: Some(to_world),
            from_world: Mutex::new(from_world),
            world: Some(world),
            done: false,
            awaiting: false,
        })
    }

    /// Waits (the GIL released) for the next decision: ("decide", view,
    /// candidates), or ("done", reports) when the run is over.
    fn next(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.done {
            return Err(PyValueError::new_err("the episode is over: reset it"));
        }
        if self.awaiting {
            return Err(PyValueError::new_err(
                "a decision is pending: answer it with act() first",
            ));
        }
        let rx = &self.from_world;
        let message = py.detach(|| rx.lock().unwrap_or_else(|e| e.into_inner()).recv());
        match message {
            Ok(FromWorld::Decide(view, candidates)) => {
                self.awaiting = true;
                let view = Py::new(py, view)?;
                Ok(("decide", view, candidates)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind())
            }
            Ok(FromWorld::Done(outcome)) => {
                self.done = true;
                if let Some(w) = self.world.take() {
                    let _ = w.join();
                }
                match outcome {
                    Ok(files) => Ok(("done", files).into_pyobject(py)?.into_any().unbind()),
                    Err(e) => Err(RunError::new_err(e)),
                }
            }
            Err(_) => Err(RunError::new_err("the run stopped without a result")),
        }
    }

    /// Answers the pending decision with these grants: (framework, agent,
    /// resources) tuples. The master checks them as it checks any policy
    /// registered at run time.
    fn act(&mut self, grants: Vec<(usize, usize, PyResources)>) -> PyResult<()> {
        let grants = grants
            .into_iter()
            .map(|(f, a, r)| Grant {
                framework: policies::model::FrameworkId(f as u32),
                agent: AgentId(a as u32),
                resources: r.0,
            })
            .collect();
        if !self.awaiting {
            return Err(PyValueError::new_err(
                "no decision is pending: call next() first",
            ));
        }
        match &self.to_world {
            Some(tx) if !self.done => {
                self.awaiting = false;
                tx.send(grants)
                    .map_err(|_| RunError::new_err("the run has stopped"))
            }
            _ => Err(PyValueError::new_err("the episode is over: reset it")),
        }
    }

    /// Stops the episode: the run ends at its next allocation.
    fn close(&mut self, py: Python<'_>) {
        self.to_world = None;
        if let Some(w) = self.world.take() {
            // Drain until the world thread ends (it fails at its next run).
            let rx = &self.from_world;
            py.detach(|| {
                drain(rx);
                let _ = w.join();
            });
        }
        self.done = true;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.to_world = None;
        if let Some(w) = self.world.take() {
            drain(&self.from_world);
            let _ = w.join();
        }
    }
}

/// Reads what the world thread sends until its run is over.
fn drain(rx: &Mutex<Receiver<FromWorld>>) {
    let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
    while let Ok(m) = rx.recv() {
        if matches!(m, FromWorld::Done(_)) {
            break;
        }
    }
}
