//! Scenario loading (SPEC §1): defaults, parameter paths, sweeps.

use policies::model::Milli;
use sim::scenario::{
    AllocatorKind, Arrival, Dist, StopAt, Unit, cartesian, load_str, parse_assignment,
};
use sim::time::SimDuration;

const MINIMAL: &str = r#"
[[agents]]
count = 3
resources = "cpus:8;mem:16384"

[[apps]]
name = "a"
master = "mesos://m:5050"
[apps.jobs]
arrival = { kind = "every", interval = "10s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "lognormal", median = "800ms", sigma = 0.6 }
"#;

#[test]
fn defaults_are_applied() {
    let loaded = load_str(MINIMAL, &[]).unwrap();
    let sc = &loaded.base;
    assert_eq!(sc.run.seed, 1);
    assert_eq!(sc.run.horizon, SimDuration::from_secs(3600));
    assert_eq!(sc.run.drain, SimDuration::from_secs(3600));
    assert_eq!(sc.run.replications, 1);
    assert_eq!(sc.run.sample_interval, SimDuration::from_secs(10));
    assert_eq!(sc.mesos.allocation_interval, SimDuration::from_secs(1));
    assert_eq!(sc.mesos.offer_timeout, None);
    assert_eq!(sc.mesos.default_refuse, SimDuration::from_secs(5));
    assert_eq!(sc.mesos.allocator, AllocatorKind::DRF);
    assert_eq!(sc.agents[0].name, "agent");
    assert_eq!(sc.agents[0].resources.cpus(), Milli::from_units(8));
    let app = &sc.apps[0];
    assert_eq!(app.start, SimDuration::ZERO);
    assert_eq!(app.stop, StopAt::JobsDone);
    assert!(app.settings.coarse);
    assert_eq!(app.settings.executor_memory_total_mib(), 1408);
    assert_eq!(app.jobs.stages, 1);
    assert_eq!(app.jobs.cpu_fraction, 1.0);
    assert_eq!(
        app.jobs.arrival,
        Arrival::Every {
            interval: SimDuration::from_secs(10)
        }
    );
    assert_eq!(app.jobs.task_duration.unit, Unit::Duration);
    assert_eq!(
        app.jobs.task_duration.dist,
        Dist::Lognormal {
            median: 800_000.0,
            sigma: 0.6
        }
    );
    assert_eq!(loaded.points.len(), 1);
    assert_eq!(loaded.points[0].scenario, loaded.base);
}

#[test]
fn sweeps_expand_to_the_cartesian_product_last_parameter_fastest() {
    let src = format!(
        "{MINIMAL}\n[sweep]\n\"apps.a.conf.spark.cores.max\" = [\"8\", \"16\"]\n\"agents.0.count\" = [1, 2, 3]\n"
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert_eq!(loaded.points.len(), 6);
    let seen: Vec<(Option<u32>, u32)> = loaded
        .points
        .iter()
        .map(|p| {
            (
                p.scenario.apps[0].settings.cores_max,
                p.scenario.agents[0].count,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some(8), 1),
            (Some(8), 2),
            (Some(8), 3),
            (Some(16), 1),
            (Some(16), 2),
            (Some(16), 3)
        ]
    );
    assert_eq!(loaded.points[4].index, 4);
    assert_eq!(
        loaded.points[4].assignments[0].0,
        "apps.a.conf.spark.cores.max"
    );
    // The base keeps the file's own values.
    assert_eq!(loaded.base.agents[0].count, 3);
    assert!(cartesian(&[]).len() == 1 && cartesian(&[])[0].is_empty());
}

#[test]
fn every_sweep_point_is_validated() {
    let src = format!("{MINIMAL}\n[sweep]\n\"apps.a.conf.spark.cores.max\" = [\"8\", \"zero\"]\n");
    let errors = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "apps.a.conf.\"spark.cores.max\": expected a positive integer, got \"zero\" \
         (in sweep point 1: apps.a.conf.spark.cores.max=\"zero\")"
    );
}

#[test]
fn sweep_paths_and_values_are_checked() {
    let src = format!("{MINIMAL}\n[sweep]\n\"apps.b.start\" = [\"1s\"]\n\"run.seed\" = []\n");
    let errors: Vec<String> = load_str(&src, &[])
        .unwrap_err()
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "sweep.\"apps.b.start\": unknown parameter path \"apps.b.start\": no app named \"b\" (apps: a)",
            "sweep.\"run.seed\": expected a non-empty array of values, like [\"16\", \"32\"]",
        ]
    );
}

#[test]
fn set_reaches_every_kind_of_path() {
    let sets: Vec<_> = [
        "run.seed=9",
        "run.horizon=10m",
        "mesos.allocation_interval=250ms",
        "mesos.roles.batch.weight=3",
        "mesos.roles.batch.quota=cpus:4",
        "agents.0.count=5",
        "agents.0.attributes=rack:r1;os:x",
        "apps.a.conf.\"spark.executor.memory\"=4g",
        "apps.a.conf.spark.mesos.constraints=os:x,y",
        "apps.a.jobs.arrival.interval=20s",
        "apps.a.jobs.task_duration.median=1.5s",
        "apps.a.stop=horizon",
    ]
    .iter()
    .map(|s| parse_assignment(s).unwrap())
    .collect();
    let sc = load_str(MINIMAL, &sets).unwrap().base;
    assert_eq!(sc.run.seed, 9);
    assert_eq!(sc.run.horizon, SimDuration::from_secs(600));
    assert_eq!(sc.mesos.allocation_interval, SimDuration::from_millis(250));
    assert_eq!(sc.mesos.roles[0].name, "batch");
    assert_eq!(sc.mesos.roles[0].weight, 3.0);
    assert_eq!(
        sc.mesos.roles[0].quota.as_ref().unwrap().to_string(),
        "cpus:4"
    );
    assert_eq!(sc.agents[0].count, 5);
    assert_eq!(sc.agents[0].attributes.to_string(), "rack:r1;os:x");
    assert_eq!(sc.apps[0].settings.executor_memory_mib, 4096);
    assert_eq!(sc.apps[0].settings.constraints.to_string(), "os:x,y");
    assert_eq!(
        sc.apps[0].jobs.arrival,
        Arrival::Every {
            interval: SimDuration::from_secs(20)
        }
    );
    assert_eq!(
        sc.apps[0].jobs.task_duration.dist,
        Dist::Lognormal {
            median: 1_500_000.0,
            sigma: 0.6
        }
    );
    assert_eq!(sc.apps[0].stop, StopAt::Horizon);
}

#[test]
fn assignment_values_are_typed_except_spark_keys() {
    let a = parse_assignment("agents.0.count=40").unwrap();
    assert_eq!(a.value, toml::Value::Integer(40));
    let a = parse_assignment("apps.x.conf.spark.cores.max=40").unwrap();
    assert_eq!(a.value, toml::Value::String("40".into()));
    let a = parse_assignment("frameworks.etl.task=cpus:2;mem:4096").unwrap();
    assert_eq!(a.value, toml::Value::String("cpus:2;mem:4096".into()));
    let a = parse_assignment("mesos.roles.r.weight=2.5").unwrap();
    assert_eq!(a.value, toml::Value::Float(2.5));
    assert!(parse_assignment("=3").is_err());
}

#[test]
fn rack_attributes_conflict_and_racks_must_be_positive() {
    let src = MINIMAL.replace(
        "resources = \"cpus:8;mem:16384\"",
        "resources = \"cpus:8;mem:16384\"\nattributes = \"rack:a\"\nracks = 2",
    );
    let errors = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(errors[0].path, "agents.0.racks");
    assert_eq!(
        errors[0].message,
        "the attributes already name a rack; drop one of the two"
    );
    let src = MINIMAL.replace("count = 3", "count = 3\nracks = 0");
    let errors = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(errors[0].message, "expected a positive integer, got 0");
}

#[test]
fn quota_only_on_top_level_roles_with_unreserved_scalars() {
    let with = |role: &str, quota: &str| {
        let src = format!("[mesos.roles.\"{role}\"]\nquota = \"{quota}\"\n{MINIMAL}");
        load_str(&src, &[])
            .map(|_| ())
            .map_err(|d| d.errors[0].message.clone())
    };
    assert_eq!(with("batch", "cpus:64;mem:1024"), Ok(()));
    assert_eq!(
        with("batch/etl", "cpus:64"),
        Err("quota can be set only on top-level roles (Mesos 1.11 quota; reference mesos-master.md §1.5)".into())
    );
    assert_eq!(
        with("batch", "ports:[1-2]"),
        Err("a quota limit lists unreserved scalars only, like \"cpus:64;mem:262144\"".into())
    );
    assert_eq!(
        with("-bad", "cpus:1"),
        Err("invalid Mesos role: role '-bad': the component '-bad' must not start with '-'".into())
    );
}

#[test]
fn unmodelled_spark_keys_and_set_attributes_warn_once_each() {
    let src = MINIMAL
        .replace("count = 3", "count = 3\nattributes = \"disks:{ssd,hdd}\"")
        .replace(
            "[apps.jobs]",
            "[apps.conf]\n\"spark.mesos.gpus.max\" = \"1\"\n\"spark.sql.shuffle.partitions\" = \"8\"\n\"spark.cores.max\" = \"8\"\n[apps.jobs]",
        );
    let loaded = load_str(&src, &[]).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert!(w[0].contains("agents.0.attributes: attribute 'disks' is a set"));
    assert!(
        w[1].contains("apps.a.conf.\"spark.mesos.gpus.max\": not modelled: GPUs are not simulated")
    );
    // A real Spark property: "not modelled", never "Spark ignores it".
    assert!(w[2].contains(
        "apps.a.conf.\"spark.sql.shuffle.partitions\": a real Spark property the simulator does not model"
    ));
    assert!(!w[2].contains("Spark ignores"), "{}", w[2]);
}

#[test]
fn names_are_unique_across_apps_and_frameworks() {
    let src = format!(
        "{MINIMAL}\n[[frameworks]]\nname = \"a\"\nkind = \"elastic\"\ntask = \"cpus:1\"\n[frameworks.jobs]\narrival = {{ kind = \"at\", times = [\"0s\"] }}\ntasks = {{ kind = \"constant\", value = 1 }}\ntask_duration = {{ kind = \"constant\", value = \"1s\" }}\n"
    );
    let errors = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(errors[0].path, "frameworks.0.name");
    assert_eq!(
        errors[0].message,
        "duplicate name \"a\": apps.0 already uses it (apps and frameworks share one namespace)"
    );
}

#[test]
fn distribution_parameters_must_fit_their_kind() {
    let with = |tasks: &str| {
        let src = MINIMAL.replace(
            "tasks = { kind = \"constant\", value = 4 }",
            &format!("tasks = {tasks}"),
        );
        load_str(&src, &[])
            .map(|l| l.base.apps[0].jobs.tasks.dist.clone())
            .map_err(|d| d.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>())
    };
    assert_eq!(
        with("{ kind = \"uniform\", min = 2, max = 8 }"),
        Ok(Dist::Uniform { min: 2.0, max: 8.0 })
    );
    assert_eq!(
        with("{ kind = \"empirical\", values = [1, 2, 8] }"),
        Ok(Dist::Empirical {
            values: vec![1.0, 2.0, 8.0]
        })
    );
    assert_eq!(
        with("{ kind = \"pareto\", scale = 2, shape = 1.5 }"),
        Ok(Dist::Pareto {
            scale: 2.0,
            shape: 1.5
        })
    );
    let err = with("{ kind = \"exponential\", median = 3 }").unwrap_err();
    assert!(
        err[0].ends_with("apps.a.jobs.tasks.median: \"exponential\" takes mean, not median"),
        "{err:?}"
    );
    assert!(
        err[1].ends_with("apps.a.jobs.tasks.mean: missing: \"exponential\" needs mean"),
        "{err:?}"
    );
    let err = with("{ kind = \"constant\", value = 2.5 }").unwrap_err();
    assert!(err[0].ends_with("expected a whole number of tasks, at least 1, got 2.5"));
    let err = with("{ kind = \"normal\", mean = 3 }").unwrap_err();
    assert!(err[0].contains("unknown kind \"normal\"; expected one of constant, uniform, exponential, lognormal, pareto, weibull, empirical"));
    let err = with("{ kind = \"pareto\", scale = 2, shape = 0 }").unwrap_err();
    assert!(err[0].ends_with("apps.a.jobs.tasks.shape: expected a positive number, got 0"));
}

#[test]
fn arrivals_and_stops() {
    let src = MINIMAL
        .replace(
            "arrival = { kind = \"every\", interval = \"10s\" }",
            "arrival = { kind = \"at\", times = [\"0s\", \"1.5s\", \"1m\"] }",
        )
        .replace(
            "master = \"mesos://m:5050\"",
            "master = \"mesos://m:5050\"\nstart = \"5s\"\nstop = \"2m\"",
        );
    let app = &load_str(&src, &[]).unwrap().base.apps[0];
    assert_eq!(
        app.jobs.arrival,
        Arrival::At {
            times: vec![
                SimDuration::ZERO,
                SimDuration::from_millis(1500),
                SimDuration::from_secs(60)
            ]
        }
    );
    assert_eq!(app.stop, StopAt::At(SimDuration::from_secs(120)));
    let bad = src.replace("stop = \"2m\"", "stop = \"1s\"");
    let errors = load_str(&bad, &[]).unwrap_err().errors;
    assert_eq!(
        errors[0].message,
        "the app stops at 1s, not after it starts at 5s"
    );
    let bad = src.replace("[\"0s\", \"1.5s\", \"1m\"]", "[\"1m\", \"0s\"]");
    let errors = load_str(&bad, &[]).unwrap_err().errors;
    assert_eq!(errors[0].message, "times must be in non-decreasing order");
}

#[test]
fn non_mesos_masters_and_cluster_mode() {
    let with = |master: &str| {
        load_str(&MINIMAL.replace("mesos://m:5050", master), &[])
            .map(|l| l.warnings.len())
            .map_err(|d| d.errors[0].message.clone())
    };
    assert_eq!(with("mesos://zk://z1:2181,z2:2181/mesos"), Ok(0));
    assert_eq!(with("spark://h:7077"), Ok(0));
    assert_eq!(with("yarn"), Ok(0));
    assert!(with("local[*]").is_ok());
    assert_eq!(
        with("local-cluster[2,1,1024]"),
        Err("\"local-cluster[2,1,1024]\" is a local master; Mesos (mesos://…), standalone (spark://…), YARN (yarn) and local (local, local[K], local[*], local[K,F]) masters are simulated".into())
    );
    assert!(
        with("mesos:/x")
            .unwrap_err()
            .starts_with("Could not parse Master URL: 'mesos:/x'")
    );
    let src = MINIMAL.replace(
        "master = \"mesos://m:5050\"",
        "master = \"mesos://m:5050\"\ndeploy_mode = \"cluster\"",
    );
    let loaded = load_str(&src, &[]).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        loaded.base.apps[0].deploy_mode,
        sim::scenario::DeployMode::Cluster
    );
}

#[test]
fn every_shipped_scenario_validates() {
    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                collect(&p, out);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    collect(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios"),
        &mut files,
    );
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for f in files {
        let loaded = sim::scenario::load_file(&f, &[]);
        assert!(loaded.is_ok(), "{}: {:?}", f.display(), loaded.err());
        let loaded = loaded.unwrap();
        assert!(loaded.warnings.is_empty(), "{} warns", f.display());
        // The resolved scenario loads alone into the same scenario, on
        // every manager.
        let text = sim::scenario::render_resolved(&loaded.base, &loaded.sweep);
        let again = load_str(&text, &[])
            .unwrap_or_else(|d| panic!("{}: {:?}\n{text}", f.display(), d.errors));
        let same = |a: &sim::scenario::Scenario, b: &sim::scenario::Scenario| {
            assert_eq!(
                (
                    a.manager,
                    &a.standalone,
                    &a.yarn,
                    &a.mesos,
                    &a.agents,
                    &a.run
                ),
                (
                    b.manager,
                    &b.standalone,
                    &b.yarn,
                    &b.mesos,
                    &b.agents,
                    &b.run
                ),
                "{}",
                f.display()
            );
            for (x, y) in a.apps.iter().zip(&b.apps) {
                assert_eq!(
                    (&x.master, &x.settings),
                    (&y.master, &y.settings),
                    "{}",
                    f.display()
                );
            }
        };
        same(&again.base, &loaded.base);
        assert_eq!(again.points.len(), loaded.points.len());
        for (x, y) in again.points.iter().zip(&loaded.points) {
            same(&x.scenario, &y.scenario);
        }
    }
}

#[test]
fn fine_grained_mode_is_modelled_without_warnings() {
    let conf = "[apps.conf]\n\"spark.mesos.coarse\" = \"false\"\n\"spark.mesos.mesosExecutor.cores\" = \"0.5\"\n[apps.jobs]";
    let src = MINIMAL.replace("[apps.jobs]", conf);
    let loaded = load_str(&src, &[]).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert!(!loaded.base.apps[0].settings.coarse);
    assert_eq!(loaded.base.apps[0].settings.mesos_executor_cores, 0.5);
}

#[test]
fn absurd_sizes_are_errors_not_crashes() {
    let errors = load_str(&MINIMAL.replace("count = 3", "count = 4000000000"), &[])
        .unwrap_err()
        .errors;
    assert_eq!(
        errors[0].to_string(),
        "agents: 4000000000 agents in all, more than the limit of 1000000"
    );
    let errors = load_str(
        &MINIMAL.replace("[apps.jobs]", "[apps.jobs]\nstages = 20000"),
        &[],
    )
    .unwrap_err()
    .errors;
    assert_eq!(
        errors[0].message,
        "at most 10,000 stages per job, got 20000"
    );
}

#[test]
fn data_settings_and_input_are_checked() {
    let sc = load_str(
        &MINIMAL.replace("[apps.jobs]", "[apps.jobs]\ninput = true"),
        &[],
    )
    .unwrap()
    .base;
    assert!(sc.apps[0].jobs.input);
    assert_eq!(sc.data.replication, 3);
    assert_eq!(sc.data.rack_attribute, "rack");
    assert_eq!(sc.data.remote_read, SimDuration::from_secs(1));
    assert_eq!(sc.data.off_rack_read, SimDuration::from_secs(2));
    assert!(!sc.data.spark_knows_racks);
    assert!(sc.agents[0].datanode);

    let errors = |src: &str| -> Vec<String> {
        load_str(src, &[])
            .unwrap_err()
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect()
    };
    let bad = format!(
        "[data]\nreplication = 0\nremote_read = 3\nspark_knows_racks = \"yes\"\nrack_attribute = \"\"\n{MINIMAL}"
    );
    assert_eq!(
        errors(&bad),
        [
            "2:15: data.replication: expected a positive number of replicas, got 0",
            "5:18: data.rack_attribute: an attribute name must not be empty",
            "3:15: data.remote_read: expected a duration string, got the bare number 3: write \"3s\" or \"3ms\"",
            "4:21: data.spark_knows_racks: expected true or false, got the string \"yes\"",
        ]
    );
    let unknown = format!("[data]\nreplicas = 2\n{MINIMAL}");
    assert!(
        errors(&unknown)[0].contains("replicas"),
        "{:?}",
        errors(&unknown)
    );
    // Input needs a datanode.
    let no_store = MINIMAL
        .replace("count = 3", "count = 3\ndatanode = false")
        .replace("[apps.jobs]", "[apps.jobs]\ninput = true");
    assert_eq!(
        errors(&no_store),
        ["apps.a.jobs.input: jobs read input blocks, but no agent group is a datanode"]
    );
    // Only Spark apps read input.
    let fw = r#"
[[agents]]
count = 1
resources = "cpus:8;mem:16384"
[[frameworks]]
name = "f"
kind = "elastic"
task = "cpus:1;mem:512"
[frameworks.jobs]
input = true
arrival = { kind = "every", interval = "10s" }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "constant", value = "1s" }
"#;
    assert_eq!(
        errors(fw),
        ["10:9: frameworks.f.jobs.input: input blocks and data locality apply to Spark apps only"]
    );
    // Paths reach the new keys.
    let sc = load_str(
        MINIMAL,
        &[
            parse_assignment("data.replication=2").unwrap(),
            parse_assignment("agents.0.datanode=false").unwrap(),
            parse_assignment("apps.a.jobs.input=false").unwrap(),
        ],
    )
    .unwrap()
    .base;
    assert_eq!(sc.data.replication, 2);
    assert!(!sc.agents[0].datanode);
    // spark.scheduler.revive.interval must be positive.
    let zero = MINIMAL.replace(
        "[apps.jobs]",
        "[apps.conf]\n\"spark.scheduler.revive.interval\" = \"0s\"\n[apps.jobs]",
    );
    assert!(errors(&zero)[0].contains("spark.scheduler.revive.interval"));
}

#[test]
fn faults_are_checked() {
    let errors = |faults: &str| -> Vec<String> {
        load_str(&format!("{MINIMAL}\n{faults}"), &[])
            .unwrap_err()
            .errors
            .iter()
            .map(|e| e.to_string())
            .collect()
    };
    let ok = format!(
        "{MINIMAL}\n[[faults]]\nkind = \"executor_failure\"\napp = \"a\"\nagent = \"agent-2\"\nat = \"2m\"\n[[faults]]\nkind = \"driver_failure\"\napp = \"a\"\nat = \"1m\"\n"
    );
    let sc = load_str(&ok, &[]).unwrap().base;
    // Sorted by time.
    assert_eq!(sc.faults.len(), 2);
    assert_eq!(sc.faults[0].at, SimDuration::from_secs(60));
    assert_eq!(
        sc.faults[1].kind,
        sim::scenario::FaultKind::ExecutorFailure {
            app: "a".into(),
            agent: "agent-2".into()
        }
    );
    let e = errors("[[faults]]\nkind = \"driver_failed\"\napp = \"a\"\nat = \"1m\"\n");
    assert!(e[0].contains("did you mean \"driver_failure\""), "{e:?}");
    let e = errors(
        "[[faults]]\nkind = \"executor_failure\"\napp = \"b\"\nagent = \"agent-3\"\nat = \"1m\"\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].ends_with("faults.0.app: no app named \"b\""), "{e:?}");
    assert!(
        e[1].ends_with("faults.0.agent: no agent named \"agent-3\""),
        "{e:?}"
    );
    let e = errors("[[faults]]\nkind = \"executor_failure\"\napp = \"a\"\nat = \"1m\"\n");
    assert!(e[0].contains("faults.0.agent: missing"), "{e:?}");
    let e = errors("[[faults]]\nkind = \"driver_failure\"\napp = \"a\"\nagent = \"agent-0\"\n");
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e.iter().any(|m| m.contains("faults.0.at: missing")),
        "{e:?}"
    );
    assert!(e.iter().any(|m| m.contains("names no agent")), "{e:?}");
    // A leading-zero hostname is not agent-0.
    let e = errors(
        "[[faults]]\nkind = \"executor_failure\"\napp = \"a\"\nagent = \"agent-00\"\nat = \"1m\"\n",
    );
    assert!(e[0].contains("no agent named"), "{e:?}");
}

#[test]
fn set_with_several_values_sweeps() {
    use toml::Value::{Array, Integer, String as S};
    let a = parse_assignment("apps.a.conf.spark.cores.max=16,32").unwrap();
    assert_eq!(a.value, Array(vec![S("16".into()), S("32".into())]));
    let a = parse_assignment("run.replications=1, 2").unwrap();
    assert_eq!(a.value, Array(vec![Integer(1), Integer(2)]));
    // List-valued Spark keys keep their commas; the TOML form sweeps them.
    let a = parse_assignment("apps.a.conf.spark.mesos.constraints=zone:a,b").unwrap();
    assert_eq!(a.value, S("zone:a,b".into()));
    let a =
        parse_assignment("apps.a.conf.spark.mesos.constraints=[\"zone:a,b\", \"zone:c\"]").unwrap();
    assert_eq!(
        a.value,
        Array(vec![S("zone:a,b".into()), S("zone:c".into())])
    );
    // Two --set sweeps: the cartesian product, the last varying fastest.
    let loaded = load_str(
        MINIMAL,
        &[
            parse_assignment("apps.a.conf.spark.cores.max=8,16").unwrap(),
            parse_assignment("agents.0.count=2,3,4").unwrap(),
        ],
    )
    .unwrap();
    assert_eq!(loaded.points.len(), 6);
    assert_eq!(loaded.sweep[0].path, "apps.a.conf.spark.cores.max");
    assert_eq!(loaded.points[1].scenario.agents[0].count, 3);
    assert_eq!(loaded.points[4].scenario.agents[0].count, 3);
    assert_eq!(
        loaded.points[4].scenario.apps[0].settings.cores_max,
        Some(16)
    );
}

/// The scenario reference (docs/scenario.md) names every key the loader
/// accepts: for each table, an unknown key makes the loader list the
/// table's real keys, and each must appear in the page as `` `key` ``.
#[test]
fn the_scenario_reference_documents_every_key() {
    let page = include_str!("../../docs/scenario.md");
    let app = "[[apps]]\nname = \"a\"\nmaster = \"mesos://m:5050\"\n";
    let tables = [
        ("run", "[run]\n".to_string()),
        ("mesos", "[mesos]\n".to_string()),
        ("mesos.roles", "[mesos.roles.r]\n".to_string()),
        ("data", "[data]\n".to_string()),
        ("agents", "[[agents]]\n".to_string()),
        ("apps", app.to_string()),
        ("apps.fetch", format!("{app}[apps.fetch]\n")),
        ("apps.jobs", format!("{app}[apps.jobs]\n")),
        ("apps.jobs.arrival", format!("{app}[apps.jobs.arrival]\n")),
        ("apps.jobs.trace", format!("{app}[apps.jobs.trace]\n")),
        ("frameworks", "[[frameworks]]\n".to_string()),
        ("faults", "[[faults]]\n".to_string()),
    ];
    let mut missing = Vec::new();
    for (table, head) in tables {
        let src = format!("{head}zzz_not_a_key = 1\n");
        let errors = load_str(&src, &[]).unwrap_err().errors;
        let message = &errors[0].message;
        let list = message
            .split("expected one of ")
            .nth(1)
            .or_else(|| message.split("expected ").nth(1))
            .unwrap_or_else(|| panic!("{table}: {message}"));
        for key in list.split(", ").flat_map(|k| k.split(" or ")) {
            let key = key.trim().trim_matches('`');
            if key.is_empty() {
                continue;
            }
            // Distribution parameters are described in prose.
            // Sub-tables are documented by their headers (`[apps.jobs]`,
            // `[mesos.roles.NAME]`).
            let documented = page.contains(&format!("`{key}`"))
                || page.contains(&format!(".{key}]"))
                || page.contains(&format!(".{key}."))
                || page.contains(&format!("{key} ="))
                || page.contains(&format!("{{{key}"))
                || page.contains(&format!(", {key}}}"));
            if !documented {
                missing.push(format!("{table}.{key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/scenario.md does not document: {missing:?}"
    );
}

/// The metrics reference (docs/metrics.md) names every column of every
/// report the writer emits, and every chart file.
#[test]
fn the_metrics_reference_documents_every_column() {
    use sim::report::{ALLOCATION, EXECUTORS, JOBS, OFFERS, SHARES, SUMMARY_METRICS, UTILIZATION};
    let page = include_str!("../../docs/metrics.md");
    let mut missing = Vec::new();
    let columns = JOBS
        .iter()
        .chain(&EXECUTORS)
        .chain(&UTILIZATION)
        .chain(&SHARES)
        .chain(&ALLOCATION)
        .chain(&OFFERS)
        .chain(&SUMMARY_METRICS);
    let files = [
        "jobs.csv",
        "executors.csv",
        "utilization.csv",
        "shares.csv",
        "allocation.csv",
        "offers.csv",
        "summary.csv",
        "summary_ci.csv",
        "cpu.svg",
        "latency.svg",
        "executors.svg",
        "shares.svg",
        "sweep-<metric>.svg",
        "report.html",
        "scenario.resolved.toml",
    ];
    for name in columns.chain(&files) {
        if !page.contains(&format!("`{name}`")) {
            missing.push(*name);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/metrics.md does not document: {missing:?}"
    );
}

/// `--set PATH=V` wins over a `[sweep]` entry of the same parameter, in
/// either spelling of a Spark key, and `--set PATH=V1,V2` replaces it.
#[test]
fn a_single_set_value_replaces_the_sweep_of_that_parameter() {
    let src = format!(
        "{MINIMAL}\n[sweep]\n\"apps.a.conf.spark.cores.max\" = [\"8\", \"16\"]\n\"agents.0.count\" = [1, 2, 3]\n"
    );
    let loaded = load_str(&src, &[parse_assignment("agents.0.count=7").unwrap()]).unwrap();
    assert_eq!(loaded.points.len(), 2, "only the cores.max sweep is left");
    assert_eq!(loaded.sweep.len(), 1);
    assert_eq!(loaded.sweep[0].path, "apps.a.conf.spark.cores.max");
    assert!(
        loaded
            .points
            .iter()
            .all(|p| p.scenario.agents[0].count == 7)
    );
    let quoted = parse_assignment("apps.a.conf.\"spark.cores.max\"=4").unwrap();
    let loaded = load_str(&src, &[quoted]).unwrap();
    assert_eq!(loaded.points.len(), 3);
    assert_eq!(loaded.base.apps[0].settings.cores_max, Some(4));
    assert!(
        loaded
            .points
            .iter()
            .all(|p| p.scenario.apps[0].settings.cores_max == Some(4))
    );
    let loaded = load_str(&src, &[parse_assignment("agents.0.count=4,5").unwrap()]).unwrap();
    assert_eq!(loaded.points.len(), 4);
    let counts: Vec<u32> = loaded
        .points
        .iter()
        .map(|p| p.scenario.agents[0].count)
        .collect();
    assert_eq!(counts, [4, 5, 4, 5]);
    // `sim validate` shows the result: the resolved text has no sweep of
    // agents.0.count left, and the group has 7 agents.
    let loaded = load_str(&src, &[parse_assignment("agents.0.count=7").unwrap()]).unwrap();
    let text = sim::scenario::render_resolved(&loaded.base, &loaded.sweep);
    assert!(text.contains("count = 7"), "{text}");
    assert!(!text.contains("\"agents.0.count\" = ["), "{text}");
}

/// Paste slips get advice that fixes them: an unquoted dotted Spark key is
/// a nest of TOML tables.
#[test]
fn an_unquoted_dotted_spark_key_says_to_quote_it() {
    let src = MINIMAL.replace(
        "[apps.jobs]",
        "[apps.conf]\nspark.cores.max = \"4\"\nspark.executor.memory = \"2g\"\n[apps.jobs]",
    );
    let e = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].path, "apps.a.conf.\"spark\"");
    assert!(
        e[0].message
            .ends_with("quote it: \"spark.cores.max\" = \"4\", \"spark.executor.memory\" = \"2g\""),
        "{}",
        e[0].message
    );
}

/// A 100,000-character value is cut in the message, with its length told.
#[test]
fn a_huge_value_is_cut_in_the_message() {
    let huge = "x".repeat(100_000);
    let src = MINIMAL.replace("cpus:8;mem:16384", &huge);
    let e = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(e.len(), 1);
    let m = &e[0].message;
    assert!(m.len() < 400, "{} characters", m.len());
    assert!(m.contains("characters left out"), "{m}");
    assert!(m.starts_with("invalid Mesos resources \"xxxx"), "{m}");
}

/// A bad sweep value is one error however many points hold it, and an
/// error of a key others fall back to is told once, on that key.
#[test]
fn a_bad_sweep_value_is_told_once() {
    let cores: Vec<String> = (1..=50).map(|i| format!("\"{i}\"")).collect();
    let src = format!(
        "{MINIMAL}\n[sweep]\n\"apps.a.conf.spark.locality.wait\" = [\"1s\", \"bad\"]\n\"apps.a.conf.spark.cores.max\" = [{}]\n",
        cores.join(", ")
    );
    let e = load_str(&src, &[]).unwrap_err().errors;
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].path, "apps.a.conf.\"spark.locality.wait\"");
    assert!(
        e[0].message.ends_with(
            "(in sweep point 50: apps.a.conf.spark.locality.wait=\"bad\", apps.a.conf.spark.cores.max=\"1\" and 49 more points)"
        ),
        "{}",
        e[0].message
    );
}

fn warnings_of(src: &str) -> Vec<String> {
    load_str(src, &[])
        .unwrap()
        .warnings
        .iter()
        .map(|d| d.to_string())
        .collect()
}

fn with_conf(conf: &str) -> String {
    MINIMAL.replace("[apps.jobs]", &format!("[apps.conf]\n{conf}\n[apps.jobs]"))
}

/// A scenario that validates but can make no progress is told so, with
/// the path and why.
#[test]
fn scenarios_that_make_no_progress_warn() {
    // MINIMAL's agents: cpus 8, mem 16384, no attributes.
    let w = warnings_of(&with_conf("\"spark.mesos.constraints\" = \"os:centos7\""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "apps.a.conf.\"spark.mesos.constraints\": no agent satisfies the constraints"
        ),
        "{}",
        w[0]
    );
    assert!(w[0].contains("agents.0 (agent-*): os:centos7"), "{}", w[0]);
    // With racks, a constraint on one rack is satisfied.
    let racks = with_conf("\"spark.mesos.constraints\" = \"rack:r2\"")
        .replace("count = 3", "count = 3\nracks = 3");
    assert!(warnings_of(&racks).is_empty());
    // 16 GiB + 1638 MiB overhead does not fit 16384 MiB.
    let w = warnings_of(&with_conf("\"spark.executor.memory\" = \"16g\""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "apps.a.conf.\"spark.executor.memory\": an executor needs 1 cpus and 18022 MiB"
        ),
        "{}",
        w[0]
    );
    assert!(
        w[0].contains("agents.0, offers cpus 8 and mem 16384"),
        "{}",
        w[0]
    );
    let w = warnings_of(&with_conf("\"spark.executor.cores\" = \"12\""));
    assert!(
        w[0].contains("apps.a.conf.\"spark.executor.cores\": an executor needs 12 cpus"),
        "{w:?}"
    );
    // Fine mode: executor core + a 8-cpu task = 9 > 8.
    let w = warnings_of(&with_conf(
        "\"spark.mesos.coarse\" = \"false\"\n\"spark.task.cpus\" = \"8\"",
    ));
    assert!(w[0].contains("an executor needs 9 cpus"), "{w:?}");
    // Reserved resources of another role are not offered to the app.
    let reserved = MINIMAL.replace("cpus:8;mem:16384", "cpus(batch):8;mem:16384");
    let w = warnings_of(&reserved);
    assert!(w[0].contains("an executor needs 1 cpus"), "{w:?}");
    assert!(
        warnings_of(&reserved.replace(
            "[apps.jobs]",
            "[apps.conf]\n\"spark.mesos.role\" = \"batch\"\n[apps.jobs]"
        ))
        .is_empty()
    );
    // The core cap rounds down to 0.
    let w = warnings_of(&with_conf(
        "\"spark.cores.max\" = \"2\"\n\"spark.executor.cores\" = \"4\"",
    ));
    assert!(
        w[0].contains("spark.cores.max (2) is below spark.executor.cores (4)"),
        "{w:?}"
    );
    // A role nothing declares, with a suggestion from the declared ones.
    let roles = format!(
        "[mesos.roles.analytics]\nweight = 2.0\n{}",
        with_conf("\"spark.mesos.role\" = \"anlytics\"")
    );
    let w = warnings_of(&roles);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("apps.a.conf.\"spark.mesos.role\": role \"anlytics\" has no weight, quota or reservation"), "{}", w[0]);
    assert!(w[0].ends_with("(did you mean \"analytics\"?)"), "{}", w[0]);
    assert!(
        warnings_of(&roles.replace("anlytics", "analytics/team")).is_empty(),
        "a child of a declared role"
    );
    // Duplicate sweep values.
    let w = warnings_of(&format!(
        "{MINIMAL}\n[sweep]\n\"agents.0.count\" = [1, 2, 1]\n"
    ));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("sweep.\"agents.0.count\": the value 1 is listed twice (items 0 and 2)"),
        "{}",
        w[0]
    );
    // A swept value the base does not have: told once, in its point.
    let w = warnings_of(&format!(
        "{MINIMAL}\n[sweep]\n\"apps.a.conf.spark.executor.memory\" = [\"1g\", \"20g\"]\n"
    ));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("(in sweep point 1: apps.a.conf.spark.executor.memory=\"20g\")"),
        "{}",
        w[0]
    );
    // A framework task larger than every agent.
    let fw = format!(
        "{MINIMAL}\n[[frameworks]]\nname = \"etl\"\nkind = \"elastic\"\ntask = \"cpus:16;mem:1024\"\n[frameworks.jobs]\narrival = {{ kind = \"at\", times = [\"0s\"] }}\ntasks = {{ kind = \"constant\", value = 1 }}\ntask_duration = {{ kind = \"constant\", value = \"1s\" }}\n"
    );
    let w = warnings_of(&fw);
    assert!(
        w[0].contains("frameworks.etl.task: one task (cpus:16;mem:1024) is larger"),
        "{w:?}"
    );
    // The shipped scenarios are clean.
    for f in [
        "interactive",
        "capacity",
        "dynamic",
        "fine-vs-coarse",
        "locality",
    ] {
        let path = format!("{}/../scenarios/{f}.toml", env!("CARGO_MANIFEST_DIR"));
        let loaded = sim::scenario::load_file(std::path::Path::new(&path), &[]).unwrap();
        assert!(loaded.warnings.is_empty(), "{f}: {:?}", loaded.warnings);
    }
}

/// The cluster-mode example of Spark 1.6's "Running Spark on Mesos" guide,
/// pasted as written between ''' quotes, gives the app its master, deploy
/// mode and properties.
#[test]
fn the_seed_guides_spark_submit_example_pastes_as_written() {
    let src = r#"
[[agents]]
count = 4
resources = "--resources=cpus:32;mem:131072"
attributes = "--attributes=rack:r1;zone:a"

[[apps]]
name = "pi"
submit = '''
./bin/spark-submit \
  --class org.apache.spark.examples.SparkPi \
  --master mesos://207.184.161.138:7077 \
  --deploy-mode cluster \
  --supervise \
  --executor-memory 20G \
  --total-executor-cores 100\
  https://path/to/examples.jar \
  1000
'''
[apps.jobs]
arrival = { kind = "at", times = ["0s"] }
tasks = { kind = "constant", value = 4 }
task_duration = { kind = "constant", value = "1s" }
"#;
    let loaded = load_str(src, &[]).unwrap();
    let a = &loaded.base.apps[0];
    assert_eq!(a.deploy_mode, sim::scenario::DeployMode::Cluster);
    assert_eq!(a.master.to_string(), "mesos://207.184.161.138:7077");
    assert!(a.settings.supervise);
    assert_eq!(a.settings.executor_memory_mib, 20 * 1024);
    assert_eq!(a.settings.cores_max, Some(100));
    let g = &loaded.base.agents[0];
    assert_eq!(g.resources.to_string(), "cpus:32;mem:131072");
    assert_eq!(g.attributes.len(), 2);
    // The resolved scenario holds the result and loads alone.
    let text = sim::scenario::render_resolved(&loaded.base, &loaded.sweep);
    assert!(!text.contains("submit"), "{text}");
    let again = load_str(&text, &[]).unwrap();
    assert_eq!(again.base.apps[0].settings, a.settings);
    assert_eq!(again.base.apps[0].deploy_mode, a.deploy_mode);
}

/// spark-defaults.conf (a file beside the scenario, or inline text) under
/// submit's --conf, under its options, under [apps.conf].
#[test]
fn pasted_properties_apply_in_sparks_order() {
    let dir = std::env::temp_dir().join(format!("sim-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("spark-defaults.conf"),
        "# cluster defaults\nspark.master  mesos://zk://zk1:2181/mesos\nspark.executor.memory  2g\nspark.cores.max 8\nspark.executor.cores=2\nspark.mesos.role   analytics\nnot.spark  1\n",
    )
    .unwrap();
    let src = MINIMAL.replace("master = \"mesos://m:5050\"\n", "conf_file = \"spark-defaults.conf\"\nconf_text = \"spark.cores.max 12\\nspark.executor.cores 3\"\nsubmit = \"--conf spark.executor.cores=4 --executor-cores 6 --conf spark.task.cpus=2\"\n[apps.conf]\n\"spark.task.cpus\" = \"3\"\n");
    let loaded = sim::scenario::load_str_in(&src, &[], Some(&dir)).unwrap();
    let s = &loaded.base.apps[0].settings;
    assert_eq!(s.executor_memory_mib, 2048, "from the file");
    assert_eq!(s.cores_max, Some(12), "conf_text over the file");
    assert_eq!(
        s.executor_cores,
        Some(6),
        "--executor-cores over --conf over the text"
    );
    assert_eq!(s.task_cpus, 3, "[apps.conf] over everything");
    assert_eq!(s.role, "analytics");
    assert_eq!(
        loaded.base.apps[0].master.to_string(),
        "mesos://zk://zk1:2181/mesos"
    );
    let w: Vec<String> = loaded.warnings.iter().map(|d| d.to_string()).collect();
    assert!(
        w.iter().any(|w| w
            .contains("apps.a.conf_file: line 7: ignoring non-Spark config property: not.spark")),
        "{w:?}"
    );
    // A value error names the file and line that set it.
    std::fs::write(dir.join("bad.conf"), "spark.cores.max lots\n").unwrap();
    let bad = MINIMAL.replace("[apps.jobs]", "conf_file = \"bad.conf\"\n[apps.jobs]");
    let e = sim::scenario::load_str_in(&bad, &[], Some(&dir))
        .unwrap_err()
        .errors;
    assert!(
        e[0].message.ends_with("(set in apps.a.conf_file line 1)"),
        "{e:?}"
    );
    let missing = MINIMAL.replace("[apps.jobs]", "conf_file = \"nope.conf\"\n[apps.jobs]");
    let e = sim::scenario::load_str_in(&missing, &[], Some(&dir))
        .unwrap_err()
        .errors;
    assert!(
        e[0].message.starts_with("cannot read the properties file"),
        "{e:?}"
    );
    let e = load_str(
        &MINIMAL.replace(
            "[apps.jobs]",
            "submit = \"--executor-memroy 2g\"\n[apps.jobs]",
        ),
        &[],
    )
    .unwrap_err()
    .errors;
    assert_eq!(e[0].path, "apps.a.submit");
    assert!(
        e[0].message.contains("did you mean --executor-memory?"),
        "{e:?}"
    );
}

/// Real Spark properties without a model are told in one warning per app.
#[test]
fn real_unmodelled_properties_are_one_warning() {
    let w = warnings_of(&with_conf(
        "\"spark.serializer\" = \"org.apache.spark.serializer.KryoSerializer\"\n\"spark.eventLog.enabled\" = \"true\"\n\"spark.sql.shuffle.partitions\" = \"64\"",
    ));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("apps.a.conf: 3 real Spark properties the simulator does not model; the simulation ignores their values: spark.eventLog.enabled, spark.serializer, spark.sql.shuffle.partitions"), "{}", w[0]);
}

/// A Spark key written at the app's level, not in [apps.conf], is told
/// where it belongs.
#[test]
fn a_spark_key_outside_apps_conf_says_where_it_belongs() {
    let src = MINIMAL.replace(
        "master = \"mesos://m:5050\"\n",
        "master = \"mesos://m:5050\"\n\"spark.cores.max\" = \"4\"\n",
    );
    let e = load_str(&src, &[]).unwrap_err().errors;
    assert!(
        e[0].message
            .contains("Spark properties belong in [apps.conf], quoted: \"spark.cores.max\" = ..."),
        "{e:?}"
    );
    assert_eq!(e[0].path, "apps.a.\"spark.cores.max\"");
}
