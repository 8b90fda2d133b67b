//! Spark master URLs, parsed as `SparkContext.createTaskScheduler` matches
//! them (Spark 3.x): `local`, `local[N]`, `local[*]`, `local[N,F]`,
//! `local[*,F]`, `local-cluster[N,C,M]`, `spark://host:port[,host:port…]`,
//! `mesos://host:port` or `mesos://zk://…`, and `yarn`. Anything else is
//! Spark's "Could not parse Master URL" error. Every form is recognised so
//! a scenario can name it; the simulator runs Mesos, standalone, YARN and
//! local masters, not `local-cluster` (reference standalone-yarn-local.md).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterUrl {
    /// `mesos://host:port`: the Mesos master itself.
    Mesos {
        address: String,
    },
    /// `mesos://zk://host:port,…/path`: the master found through ZooKeeper.
    MesosZk {
        zk: String,
    },
    /// `spark://host:port[,host:port…]`: the standalone master(s).
    Standalone {
        masters: Vec<String>,
    },
    Yarn,
    /// `local`, `local[N]`, `local[*]` (`threads = None`), with the task
    /// retry count of `local[N,F]` (1 when absent).
    Local {
        threads: Option<u32>,
        max_failures: u32,
    },
    /// `local-cluster[workers, cores per worker, MiB per worker]`.
    LocalCluster {
        workers: u32,
        cores: u32,
        memory_mib: u32,
    },
}

/// Spark's error, with a hint of the accepted forms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Could not parse Master URL: '{url}' ({hint})")]
pub struct MasterUrlError {
    pub url: String,
    pub hint: String,
}

impl MasterUrl {
    pub fn parse(url: &str) -> Result<MasterUrl, MasterUrlError> {
        let fail = |hint: &str| MasterUrlError {
            url: url.to_string(),
            hint: hint.to_string(),
        };
        const FORMS: &str = "expected mesos://host:port, mesos://zk://host:port/path, \
                             spark://host:port, yarn, local, local[N] or local[*]";
        if url == "local" {
            return Ok(MasterUrl::Local {
                threads: Some(1),
                max_failures: 1,
            });
        }
        if url == "yarn" {
            return Ok(MasterUrl::Yarn);
        }
        if let Some(rest) = url.strip_prefix("mesos://") {
            if let Some(zk) = rest.strip_prefix("zk://") {
                if zk.is_empty() {
                    return Err(fail(
                        "a ZooKeeper URL needs hosts, like mesos://zk://zk1:2181/mesos",
                    ));
                }
                return Ok(MasterUrl::MesosZk { zk: zk.to_string() });
            }
            if rest.is_empty() {
                return Err(fail(
                    "a Mesos master URL needs a host, like mesos://host:5050",
                ));
            }
            return Ok(MasterUrl::Mesos {
                address: rest.to_string(),
            });
        }
        if let Some(rest) = url.strip_prefix("spark://") {
            let masters: Vec<String> = rest.split(',').map(str::to_string).collect();
            if masters.iter().any(String::is_empty) {
                return Err(fail(
                    "a standalone master URL lists host:port pairs, like spark://h1:7077,h2:7077",
                ));
            }
            return Ok(MasterUrl::Standalone { masters });
        }
        if let Some(inner) = url
            .strip_prefix("local-cluster[")
            .and_then(|r| r.strip_suffix(']'))
        {
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
            return match nums.as_deref() {
                Some(&[workers, cores, memory_mib]) => Ok(MasterUrl::LocalCluster {
                    workers,
                    cores,
                    memory_mib,
                }),
                _ => Err(fail("expected local-cluster[workers,cores,memoryMiB]")),
            };
        }
        if let Some(inner) = url.strip_prefix("local[").and_then(|r| r.strip_suffix(']')) {
            // Spark 3.0 `SparkMasterRegex.LOCAL_N_FAILURES_REGEX` allows
            // blanks around the comma only (reference
            // standalone-yarn-local.md §3).
            let (threads, failures) = match inner.split_once(',') {
                Some((t, f)) => (t.trim_end(), Some(f.trim_start())),
                None => (inner, None),
            };
            let threads = match threads {
                "*" => None,
                t if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                    let n: u32 = t.parse().map_err(|_| fail(FORMS))?;
                    if n == 0 {
                        return Err(MasterUrlError {
                            url: url.to_string(),
                            hint: "Asked to run locally with 0 threads".to_string(),
                        });
                    }
                    Some(n)
                }
                _ => return Err(fail(FORMS)),
            };
            let max_failures = match failures {
                None => 1,
                Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                    f.parse().map_err(|_| fail(FORMS))?
                }
                Some(_) => return Err(fail(FORMS)),
            };
            return Ok(MasterUrl::Local {
                threads,
                max_failures,
            });
        }
        if url == "yarn-client" || url == "yarn-cluster" {
            return Err(fail(
                "Spark 3 removed this form: use master yarn with a deploy mode",
            ));
        }
        Err(fail(FORMS))
    }

    pub fn is_mesos(&self) -> bool {
        matches!(self, MasterUrl::Mesos { .. } | MasterUrl::MesosZk { .. })
    }

    /// The cluster manager's name, for messages.
    pub fn manager(&self) -> &'static str {
        match self {
            MasterUrl::Mesos { .. } | MasterUrl::MesosZk { .. } => "mesos",
            MasterUrl::Standalone { .. } => "standalone",
            MasterUrl::Yarn => "yarn",
            MasterUrl::Local { .. } | MasterUrl::LocalCluster { .. } => "local",
        }
    }
}

impl fmt::Display for MasterUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MasterUrl::Mesos { address } => write!(f, "mesos://{address}"),
            MasterUrl::MesosZk { zk } => write!(f, "mesos://zk://{zk}"),
            MasterUrl::Standalone { masters } => write!(f, "spark://{}", masters.join(",")),
            MasterUrl::Yarn => f.write_str("yarn"),
            MasterUrl::Local {
                threads,
                max_failures,
            } => {
                let t = threads.map_or("*".to_string(), |n| n.to_string());
                match (threads, max_failures) {
                    (Some(1), 1) => f.write_str("local"),
                    (_, 1) => write!(f, "local[{t}]"),
                    _ => write!(f, "local[{t},{max_failures}]"),
                }
            }
            MasterUrl::LocalCluster {
                workers,
                cores,
                memory_mib,
            } => {
                write!(f, "local-cluster[{workers},{cores},{memory_mib}]")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let ok = |s: &str| MasterUrl::parse(s).unwrap();
        assert_eq!(
            ok("mesos://m1:5050"),
            MasterUrl::Mesos {
                address: "m1:5050".into()
            }
        );
        assert_eq!(
            ok("mesos://zk://zk1:2181,zk2:2181/mesos"),
            MasterUrl::MesosZk {
                zk: "zk1:2181,zk2:2181/mesos".into()
            }
        );
        assert_eq!(
            ok("spark://a:7077,b:7077"),
            MasterUrl::Standalone {
                masters: vec!["a:7077".into(), "b:7077".into()]
            }
        );
        assert_eq!(ok("yarn"), MasterUrl::Yarn);
        assert_eq!(
            ok("local"),
            MasterUrl::Local {
                threads: Some(1),
                max_failures: 1
            }
        );
        assert_eq!(
            ok("local[4]"),
            MasterUrl::Local {
                threads: Some(4),
                max_failures: 1
            }
        );
        assert_eq!(
            ok("local[*]"),
            MasterUrl::Local {
                threads: None,
                max_failures: 1
            }
        );
        assert_eq!(
            ok("local[*,3]"),
            MasterUrl::Local {
                threads: None,
                max_failures: 3
            }
        );
        assert_eq!(
            ok("local-cluster[2,1,1024]"),
            MasterUrl::LocalCluster {
                workers: 2,
                cores: 1,
                memory_mib: 1024
            }
        );
        assert!(ok("mesos://zk://z/m").is_mesos());
        assert!(!ok("yarn").is_mesos());
    }

    #[test]
    fn renders_back() {
        for s in [
            "mesos://m1:5050",
            "mesos://zk://z:2181/mesos",
            "spark://a:7077,b:7077",
            "yarn",
            "local",
            "local[4]",
            "local[*]",
            "local[2,3]",
            "local-cluster[2,1,1024]",
        ] {
            assert_eq!(MasterUrl::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_like_spark() {
        let err = |s: &str| MasterUrl::parse(s).unwrap_err().to_string();
        assert!(
            err("mesos:/host").starts_with(
                "Could not parse Master URL: 'mesos:/host' (expected mesos://host:port"
            )
        );
        assert!(err("local[x]").starts_with("Could not parse Master URL: 'local[x]'"));
        assert_eq!(
            err("local[0]"),
            "Could not parse Master URL: 'local[0]' (Asked to run locally with 0 threads)"
        );
        assert!(err("yarn-client").contains("Spark 3 removed this form"));
        // Blanks around the comma only; no sign, no `2*`.
        assert_eq!(
            MasterUrl::parse("local[2 , 4]").unwrap(),
            MasterUrl::Local {
                threads: Some(2),
                max_failures: 4
            }
        );
        for bad in [
            "local[ 2,4]",
            "local[2,4 ]",
            "local[2,+4]",
            "local[2*]",
            "local[2*,4]",
        ] {
            assert!(err(bad).starts_with("Could not parse Master URL"), "{bad}");
        }
        assert!(err("mesos://").contains("needs a host"));
        assert!(err("").starts_with("Could not parse Master URL: ''"));
    }
}
