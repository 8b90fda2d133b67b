//! Spark's fine-grained Mesos backend, `MesosFineGrainedSchedulerBackend`
//! (Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2; unchanged from 1.6 to 3.0), as a pure
//! state machine.
//!
//! One Mesos executor per agent holds `spark.mesos.mesosExecutor.cores`
//! CPUs and the executor memory for the life of the app; every Spark task is
//! its own Mesos task of `spark.task.cpus` CPUs. `resource_offers`:
//! 1. offers failing the constraints are declined with
//!    `rejectOfferDurationForUnmetConstraints`;
//! 2. an offer is usable if `mem ≥ executor memory` and
//!    `cpus ≥ mesosExecutor.cores + task.cpus` (a new agent), or the agent
//!    already has an executor and `cpus ≥ task.cpus` (memory not checked);
//!    unusable offers are declined plainly;
//! 3. each usable offer becomes a worker offer of `floor(cpus)` cores (agent
//!    with an executor) or `floor(cpus − executor cores)`;
//! 4. the task scheduler ([`super::task_scheduler`]) shuffles the worker
//!    offers and hands out tasks, one per offer per pass while cores last,
//!    with delay scheduling;
//! 5. an agent that got tasks and has no executor gets one (its cores and
//!    memory taken from the offer first); the tasks are launched with
//!    `refuseSeconds = 1`; usable offers without tasks are declined plainly.

use std::collections::BTreeMap;

use super::coarse::{Offer, take_scalar};
use super::settings::SparkSettings;
use super::task_scheduler::WorkerOffer;
use crate::constraints::Constraints;
use crate::mesos::Refuse;
use crate::model::{AgentId, Milli, Resources};

/// What the backend answers for one offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FineReply {
    /// Launch `tasks` Spark tasks on the offer's agent (each a Mesos task of
    /// `task.cpus` CPUs), creating the agent's executor first if `executor`
    /// is set; leftovers get a 1 s filter.
    Launch {
        offer: u64,
        /// The new executor's resources, taken from the offer first.
        executor: Option<Resources>,
        /// Each task's CPUs, taken from the offer in list order (Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4).
        tasks: Vec<Resources>,
    },
    Decline {
        offer: u64,
        refuse: Refuse,
    },
}

/// The refuse filter of fine-grained launches (Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2 step 6).
pub const LAUNCH_REFUSE: Refuse = Refuse::Micros(1_000_000);

#[derive(Clone, Debug)]
pub struct FineBackend {
    executor_cores: Milli,
    executor_memory_mib: u64,
    task_cpus: u32,
    constraints: Constraints,
    refuse_unmet_constraints: Refuse,
    /// Agents with a live executor, and what it holds.
    executors: BTreeMap<AgentId, Resources>,
}

impl FineBackend {
    pub fn new(s: &SparkSettings) -> FineBackend {
        FineBackend {
            executor_cores: Milli::from_f64(s.mesos_executor_cores),
            executor_memory_mib: s.executor_memory_total_mib(),
            task_cpus: s.task_cpus,
            constraints: s.constraints.clone(),
            refuse_unmet_constraints: Refuse::secs(s.refuse_unmet_constraints_s),
            executors: BTreeMap::new(),
        }
    }

    pub fn has_executor(&self, agent: AgentId) -> bool {
        self.executors.contains_key(&agent)
    }

    /// The executor on `agent` is gone (FAILED/LOST, Spark 3.0 `MesosFineGrainedSchedulerBackend`, reference spark-on-mesos.md §2 statusUpdate): the
    /// next launch there creates and charges a new one.
    pub fn executor_lost(&mut self, agent: AgentId) {
        self.executors.remove(&agent);
    }

    /// `resourceOffers`: `schedule` is the task scheduler, handed the
    /// worker offers (executor id = agent) and answering how many tasks it
    /// launches on each, in the same order.
    pub fn resource_offers(
        &mut self,
        offers: &[Offer<'_>],
        schedule: &mut dyn FnMut(&[WorkerOffer]) -> Vec<u32>,
    ) -> Vec<FineReply> {
        let task_cpus = Milli::from_units(i64::from(self.task_cpus));
        let mut replies: Vec<Option<FineReply>> = vec![None; offers.len()];
        let mut workers: Vec<WorkerOffer> = Vec::new();
        let mut worker_offer: Vec<usize> = Vec::new();
        for (i, o) in offers.iter().enumerate() {
            if !self.constraints.matches(o.attributes) {
                replies[i] = Some(FineReply::Decline {
                    offer: o.id,
                    refuse: self.refuse_unmet_constraints,
                });
                continue;
            }
            let cpus = o.resources.cpus();
            let mem = o.resources.mem_mb();
            let has = self.has_executor(o.agent);
            let usable = (mem >= Milli::from_units(self.executor_memory_mib as i64)
                && cpus >= self.executor_cores + task_cpus)
                || (has && cpus >= task_cpus);
            if !usable {
                replies[i] = Some(FineReply::Decline {
                    offer: o.id,
                    refuse: Refuse::Default,
                });
                continue;
            }
            let cores = if has {
                cpus.whole_units()
            } else {
                (cpus - self.executor_cores).whole_units()
            };
            workers.push(WorkerOffer {
                executor: u64::from(o.agent.0),
                host: o.agent,
                cores: cores.max(0) as u32,
            });
            worker_offer.push(i);
        }
        let mut assigned = vec![0u32; offers.len()];
        if !workers.is_empty() {
            let counts = schedule(&workers);
            for (w, n) in worker_offer.iter().zip(counts) {
                assigned[*w] = n;
            }
        }
        for (i, o) in offers.iter().enumerate() {
            if replies[i].is_some() {
                continue;
            }
            if assigned[i] == 0 {
                replies[i] = Some(FineReply::Decline {
                    offer: o.id,
                    refuse: Refuse::Default,
                });
                continue;
            }
            // partitionResources (Spark 3.0 `MesosSchedulerUtils.partitionResources`, reference spark-on-mesos.md §3.4): the executor's cpus and memory
            // first, then each task's cpus, in the offer's list order and
            // keeping each entry's role.
            let mut remaining = o.resources.clone();
            let executor = if self.has_executor(o.agent) {
                None
            } else {
                let mut held = take_scalar(&mut remaining, "cpus", self.executor_cores);
                held.add(&take_scalar(
                    &mut remaining,
                    "mem",
                    Milli::from_units(self.executor_memory_mib as i64),
                ));
                self.executors.insert(o.agent, held.clone());
                Some(held)
            };
            let tasks = (0..assigned[i])
                .map(|_| take_scalar(&mut remaining, "cpus", task_cpus))
                .collect();
            replies[i] = Some(FineReply::Launch {
                offer: o.id,
                executor,
                tasks,
            });
        }
        replies.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Attributes;
    use crate::spark::SparkConf;
    use crate::spark::task_scheduler::{Hosts, TaskSet, resource_offers};
    use crate::time::SimTime;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;

    fn backend(pairs: &[(&str, &str)]) -> FineBackend {
        let mut conf = SparkConf::new().with("spark.mesos.coarse", "false");
        for (k, v) in pairs {
            conf.set(*k, *v);
        }
        FineBackend::new(&SparkSettings::from_conf(&conf).unwrap())
    }

    struct Owned(u64, u32, Resources, Attributes);

    fn owned(id: u64, agent: u32, r: &str, a: &str) -> Owned {
        Owned(
            id,
            agent,
            Resources::parse(r).unwrap(),
            Attributes::parse(a).unwrap().attributes,
        )
    }

    fn offers(v: &[Owned]) -> Vec<Offer<'_>> {
        v.iter()
            .map(|o| Offer {
                id: o.0,
                agent: AgentId(o.1),
                hostname: "h",
                resources: &o.2,
                attributes: &o.3,
            })
            .collect()
    }

    /// The real task scheduler over `pending` tasks without preferences.
    fn pending_tasks(pending: u32) -> impl FnMut(&[WorkerOffer]) -> Vec<u32> {
        let hosts = Hosts::without_racks();
        let waits = SparkSettings::from_conf(&SparkConf::new())
            .unwrap()
            .locality_wait;
        let mut set = TaskSet::new(
            pending as usize,
            Vec::new(),
            0,
            &hosts,
            waits,
            SimTime::ZERO,
        );
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        move |workers| {
            let mut counts = vec![0; workers.len()];
            let got = resource_offers(&mut [&mut set], workers, &hosts, 1, SimTime::ZERO, &mut rng);
            for a in got {
                counts[a.offer] += 1;
            }
            counts
        }
    }

    #[test]
    fn the_executor_core_costs_a_task_slot_on_a_new_agent() {
        // 4 cpus: the executor takes 1.0, leaving 3 task slots.
        let mut b = backend(&[]);
        let o = [owned(1, 0, "cpus:4;mem:8192", "")];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(10));
        let FineReply::Launch {
            executor, tasks, ..
        } = &r[0]
        else {
            panic!("{r:?}")
        };
        assert_eq!(tasks.len(), 3);
        assert_eq!(executor.as_ref().unwrap().to_string(), "cpus:1;mem:1408");
        assert!(tasks.iter().all(|t| t.to_string() == "cpus:1"));
        // Next time the agent has its executor: all whole cpus are slots,
        // and memory is not checked.
        let o = [owned(2, 0, "cpus:2;mem:10", "")];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(10));
        let one = Resources::parse("cpus:1").unwrap();
        assert_eq!(
            r,
            [FineReply::Launch {
                offer: 2,
                executor: None,
                tasks: vec![one.clone(), one],
            }]
        );
    }

    #[test]
    fn fractional_executor_cores_and_usability() {
        // 0.5 executor cores on 2 cpus: floor(1.5) = 1 task.
        let mut b = backend(&[("spark.mesos.mesosExecutor.cores", "0.5")]);
        let o = [owned(1, 0, "cpus:2;mem:8192", "")];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(10));
        assert!(
            matches!(&r[0], FineReply::Launch { tasks, .. } if tasks.len() == 1),
            "{r:?}"
        );
        // A new agent needs executor memory and executor cores + one task.
        let mut b = backend(&[]);
        let o = [
            owned(1, 0, "cpus:1.5;mem:8192", ""),
            owned(2, 1, "cpus:8;mem:1000", ""),
        ];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(10));
        assert_eq!(
            r,
            [
                FineReply::Decline {
                    offer: 1,
                    refuse: Refuse::Default
                },
                FineReply::Decline {
                    offer: 2,
                    refuse: Refuse::Default
                }
            ]
        );
    }

    #[test]
    fn constraint_failures_get_the_long_filter_and_idle_offers_a_plain_decline() {
        let mut b = backend(&[("spark.mesos.constraints", "os:centos7")]);
        let o = [
            owned(1, 0, "cpus:4;mem:8192", "os:ubuntu"),
            owned(2, 1, "cpus:4;mem:8192", "os:centos7"),
        ];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(0));
        assert_eq!(
            r,
            [
                FineReply::Decline {
                    offer: 1,
                    refuse: Refuse::secs(120)
                },
                FineReply::Decline {
                    offer: 2,
                    refuse: Refuse::Default
                }
            ]
        );
        assert!(!b.has_executor(AgentId(1)), "no executor without a task");
    }

    #[test]
    fn tasks_spread_one_per_offer_per_pass() {
        let mut b = backend(&[]);
        let o = [
            owned(1, 0, "cpus:5;mem:8192", ""),
            owned(2, 1, "cpus:5;mem:8192", ""),
        ];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(5));
        let tasks: Vec<u32> = r
            .iter()
            .map(|x| match x {
                FineReply::Launch { tasks, .. } => tasks.len() as u32,
                FineReply::Decline { .. } => 0,
            })
            .collect();
        assert_eq!(tasks.iter().sum::<u32>(), 5);
        assert!(tasks.iter().all(|t| (2..=3).contains(t)), "{tasks:?}");
    }

    #[test]
    fn resources_keep_their_roles_like_the_multiple_roles_test() {
        // Spark's "can handle multiple roles": executor memory 100 + 384 =
        // 484; the worker offer has 3 − 1 = 2 cores. The executor and the
        // tasks take reserved and unreserved entries in list order.
        let mut b = backend(&[("spark.executor.memory", "100m")]);
        let o = [owned(
            1,
            0,
            "cpus(prod):1;mem(prod):500;cpus(dev):2;mem(dev):600",
            "",
        )];
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(2));
        let FineReply::Launch {
            executor, tasks, ..
        } = &r[0]
        else {
            panic!("{r:?}")
        };
        // Our bags list entries by (name, role): dev before prod.
        assert_eq!(
            executor.as_ref().unwrap().to_string(),
            "cpus(dev):1;mem(dev):484"
        );
        let tasks: Vec<String> = tasks.iter().map(|t| t.to_string()).collect();
        assert_eq!(tasks, ["cpus(dev):1", "cpus(prod):1"]);
    }

    #[test]
    fn a_lost_executor_is_created_and_charged_again() {
        let mut b = backend(&[]);
        let o = [owned(1, 0, "cpus:4;mem:8192", "")];
        b.resource_offers(&offers(&o), &mut pending_tasks(1));
        b.executor_lost(AgentId(0));
        let r = b.resource_offers(&offers(&o), &mut pending_tasks(1));
        assert!(matches!(
            &r[0],
            FineReply::Launch {
                executor: Some(_),
                ..
            }
        ));
    }
}
