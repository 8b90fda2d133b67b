//! Container sizes: what Spark asks YARN for, and how the ResourceManager
//! normalizes it.
//!
//! - Executor: `spark.executor.memory` + overhead
//!   (`spark.executor.memoryOverhead`, else `max(⌊0.10 × heap⌋, 384)`) MiB
//!   and `spark.executor.cores` (default 1 on YARN) vcores (Spark 3.0
//!   `deploy/yarn/YarnAllocator.scala`, reference standalone-yarn-local.md
//!   §2.2).
//! - ApplicationMaster: client mode `spark.yarn.am.memory` (512 MiB) +
//!   `spark.yarn.am.memoryOverhead` (same rule) and `spark.yarn.am.cores`
//!   (1); cluster mode the driver's `spark.driver.memory` +
//!   `spark.driver.memoryOverhead` and `spark.driver.cores` (Spark 3.0
//!   `deploy/yarn/Client.scala`, §2.1).
//! - The ResourceManager rounds memory up to a multiple of
//!   `yarn.scheduler.minimum-allocation-mb` (at least the minimum) and
//!   vcores up to `minimum-allocation-vcores`; Spark's client refuses a
//!   request above `maximum-allocation-mb` before submitting (§2.1, §2.9).

/// Spark's YARN overhead rule: `max(⌊factor × memory⌋, 384)` MiB unless
/// set (Spark 3.0 `YarnAllocator`, reference standalone-yarn-local.md §2.2).
pub fn overhead_mib(memory_mib: u64, factor: f64, set: Option<u64>) -> u64 {
    set.unwrap_or_else(|| ((factor * memory_mib as f64) as u64).max(384))
}

/// A container's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capability {
    pub mem_mb: u64,
    pub vcores: u32,
}

/// The scheduler's allocation bounds (`yarn.scheduler.*-allocation-*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min_mb: u64,
    pub max_mb: u64,
    pub min_vcores: u32,
    pub max_vcores: u32,
}

impl Default for Bounds {
    /// Hadoop's defaults: 1024 / 8192 MiB, 1 / 4 vcores (yarn-default.xml,
    /// `YarnConfiguration`; reference standalone-yarn-local.md §2.9).
    fn default() -> Bounds {
        Bounds {
            min_mb: 1024,
            max_mb: 8192,
            min_vcores: 1,
            max_vcores: 4,
        }
    }
}

impl Bounds {
    /// `SchedulerUtils.normalizeRequest`: memory rounded up to a multiple of
    /// the minimum (at least the minimum), vcores at least the minimum.
    pub fn normalize(&self, c: Capability) -> Capability {
        let step = self.min_mb.max(1);
        let mem = c.mem_mb.max(step).div_ceil(step) * step;
        Capability {
            mem_mb: mem,
            vcores: c.vcores.max(self.min_vcores),
        }
    }

    /// Spark's client check (`Client.verifyClusterResources`) and the
    /// ResourceManager's `validateResourceRequest`: `what` ("executor",
    /// "AM") of `heap` + `overhead` MiB and `vcores` must fit the maximum.
    pub fn check(&self, what: &str, heap: u64, overhead: u64, vcores: u32) -> Result<(), String> {
        let total = heap + overhead;
        if total > self.max_mb {
            return Err(format!(
                "Required {what} memory ({heap} MB), overhead ({overhead} MB) is above the max threshold ({} MB) of this cluster! Please check the values of 'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'.",
                self.max_mb
            ));
        }
        if vcores > self.max_vcores {
            return Err(format!(
                "Invalid resource request: the {what} asks for {vcores} virtual cores, above yarn.scheduler.maximum-allocation-vcores ({}); the ResourceManager rejects it",
                self.max_vcores
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_executor_is_a_2_gib_container() {
        let b = Bounds::default();
        let heap = 1024;
        let over = overhead_mib(heap, 0.10, None);
        assert_eq!(over, 384);
        let c = b.normalize(Capability {
            mem_mb: heap + over,
            vcores: 1,
        });
        assert_eq!(
            c,
            Capability {
                mem_mb: 2048,
                vcores: 1
            }
        );
        // Client-mode AM: 512 + 384 = 896 MiB, normalized to 1024.
        let am = b.normalize(Capability {
            mem_mb: 512 + overhead_mib(512, 0.10, None),
            vcores: 1,
        });
        assert_eq!(am.mem_mb, 1024);
        // 4 GiB heap: 409 MiB overhead, 4505 → 5120.
        assert_eq!(overhead_mib(4096, 0.10, None), 409);
        assert_eq!(
            b.normalize(Capability {
                mem_mb: 4505,
                vcores: 2
            })
            .mem_mb,
            5120
        );
        // An explicit overhead is used as is.
        assert_eq!(overhead_mib(4096, 0.10, Some(100)), 100);
    }

    #[test]
    fn above_the_maximum_is_refused() {
        let b = Bounds::default();
        assert!(b.check("executor", 7000, 700, 1).is_ok());
        let e = b.check("executor", 8192, 819, 1).unwrap_err();
        assert!(e.contains("Required executor memory (8192 MB), overhead (819 MB) is above the max threshold (8192 MB)"), "{e}");
        assert!(
            b.check("executor", 1024, 384, 5)
                .unwrap_err()
                .contains("maximum-allocation-vcores (4)")
        );
    }
}
