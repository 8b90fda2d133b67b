//! Where a run's reports go: checked before anything is simulated, written
//! whole or not at all.
//!
//! [`OutputDir::prepare`] refuses at once a target that is a file, a
//! folder of something other than reports, or a place that cannot be
//! written (exit 2), and creates a hidden temporary folder beside the
//! target. [`OutputDir::commit`] writes every file into it and only then
//! puts it in the target's place: on Linux in one atomic swap
//! (`renameat2(RENAME_EXCHANGE)`), elsewhere with two renames. The old
//! folder's report files go with it, so no stale `cpu-p7.svg` of an older
//! sweep is left beside the new ones; anything else it held (shard
//! sub-folders, a user's notes) is moved into the new folder.
//!
//! Until the swap, the previous reports are untouched. An interrupted or
//! failed run (Ctrl-C, SIGTERM, a panic, a full disk) leaves no partial
//! file: the temporary folder is removed when the [`OutputDir`] is dropped,
//! which also happens while a panic unwinds.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Why the reports could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The target cannot be used (exit 2 before running).
    Unusable(String),
    /// Writing failed (a full disk): nothing was replaced.
    Write(String),
    /// A signal arrived before the swap: nothing was replaced.
    Interrupted,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Unusable(m) | OutputError::Write(m) => f.write_str(m),
            OutputError::Interrupted => f.write_str("interrupted before the reports were written"),
        }
    }
}

/// A target folder and the temporary folder beside it.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    temp: PathBuf,
}

/// Whether a file name is one the report writer makes.
fn is_report_file(name: &str) -> bool {
    name == "scenario.resolved.toml"
        || name == "report.html"
        || name.ends_with(".csv")
        || name.ends_with(".svg")
}

impl OutputDir {
    /// Checks `target` and creates the temporary folder beside it.
    pub fn prepare(target: &Path) -> Result<OutputDir, OutputError> {
        let shown = target.display();
        match std::fs::metadata(target) {
            Ok(m) if !m.is_dir() => {
                return Err(OutputError::Unusable(format!(
                    "--out {shown} exists and is not a folder"
                )));
            }
            Ok(_) => {
                let entries: Vec<String> = std::fs::read_dir(target)
                    .map_err(|e| {
                        OutputError::Unusable(format!("cannot read the folder {shown}: {e}"))
                    })?
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                let ours = entries.iter().any(|n| n == "scenario.resolved.toml");
                if !entries.is_empty() && !ours {
                    return Err(OutputError::Unusable(format!(
                        "--out {shown} is a folder that holds no sim reports ({} entries, no scenario.resolved.toml): the reports replace the folder's report files, so choose a new or empty folder",
                        entries.len()
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(OutputError::Unusable(format!(
                    "cannot use --out {shown}: {e}"
                )));
            }
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "..")
            .ok_or_else(|| {
                OutputError::Unusable(format!("--out {shown} does not name a folder"))
            })?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| {
            OutputError::Unusable(format!("cannot create {}: {e}", parent.display()))
        })?;
        let temp = parent.join(format!(".{name}.sim-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir(&temp).map_err(|e| {
            OutputError::Unusable(format!(
                "cannot write beside {shown} (in {}): {e}",
                parent.display()
            ))
        })?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            temp,
        })
    }

    /// The temporary folder, where the reports are written before the swap.
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Where a report file goes before the swap.
    pub fn path(&self, name: &str) -> PathBuf {
        self.temp.join(name)
    }

    /// Writes the files and the resolved scenario (beside any already
    /// written to [`OutputDir::path`]), then puts them in the
    /// target's place, unless `cancel` is set before the swap.
    pub fn commit<S: AsRef<str>>(
        self,
        files: &[(S, String)],
        resolved: &str,
        cancel: Option<&AtomicBool>,
    ) -> Result<(), OutputError> {
        let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
        let pause = test_pause();
        let all = files
            .iter()
            .map(|(n, b)| (n.as_ref(), b.as_str()))
            .chain(std::iter::once(("scenario.resolved.toml", resolved)));
        for (i, (name, body)) in all.enumerate() {
            if cancelled() {
                return Err(OutputError::Interrupted);
            }
            std::fs::write(self.temp.join(name), body).map_err(|e| {
                OutputError::Write(format!(
                    "cannot write {name} for {}: {e}",
                    self.target.display()
                ))
            })?;
            if i == 0
                && let Some(d) = pause
            {
                std::thread::sleep(d);
            }
        }
        if cancelled() {
            return Err(OutputError::Interrupted);
        }
        self.swap().map_err(|e| {
            OutputError::Write(format!(
                "cannot put the reports in {}: {e}",
                self.target.display()
            ))
        })
    }

    /// Puts the temporary folder in the target's place.
    fn swap(&self) -> std::io::Result<()> {
        if std::fs::symlink_metadata(&self.target).is_err() {
            return std::fs::rename(&self.temp, &self.target);
        }
        // Now `temp` holds the old reports.
        exchange(&self.temp, &self.target)?;
        for entry in std::fs::read_dir(&self.temp)?.flatten() {
            let name = entry.file_name();
            let keep = !is_report_file(&name.to_string_lossy());
            let dest = self.target.join(&name);
            if keep && std::fs::symlink_metadata(&dest).is_err() {
                std::fs::rename(entry.path(), dest)?;
            }
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

/// Swaps two existing paths in one step where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // File systems without RENAME_EXCHANGE.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => exchange_by_renames(a, b),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_by_renames(a, b)
}

/// `b` moves aside, `a` takes its place, the old `b` takes `a`'s name.
fn exchange_by_renames(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&aside, b);
        return Err(e);
    }
    std::fs::rename(&aside, a)
}

/// A test hook: `SIM_TEST_WRITE_PAUSE_MS` makes the writer pause after its
/// first file, so a test can interrupt a real process in mid-write.
fn test_pause() -> Option<std::time::Duration> {
    std::env::var("SIM_TEST_WRITE_PAUSE_MS")
        .ok()?
        .parse()
        .ok()
        .map(std::time::Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sim-output-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_run_replaces_every_old_report_file_and_keeps_the_rest() {
        let root = temp_root("replace");
        let target = root.join("out");
        std::fs::create_dir(&target).unwrap();
        for f in [
            "scenario.resolved.toml",
            "jobs.csv",
            "cpu-p7.svg",
            "notes.txt",
        ] {
            std::fs::write(target.join(f), "old").unwrap();
        }
        std::fs::create_dir(target.join("shard-0-of-2")).unwrap();
        let out = OutputDir::prepare(&target).unwrap();
        out.commit(&[("jobs.csv", "new".to_string())], "resolved", None)
            .unwrap();
        assert_eq!(
            names(&target),
            [
                "jobs.csv",
                "notes.txt",
                "scenario.resolved.toml",
                "shard-0-of-2"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(target.join("jobs.csv")).unwrap(),
            "new"
        );
        assert_eq!(names(&root), ["out"], "no temporary folder left");
    }

    #[test]
    fn unusable_targets_are_refused_before_anything_runs() {
        let root = temp_root("refuse");
        std::fs::write(root.join("file"), "x").unwrap();
        let e = OutputDir::prepare(&root.join("file")).unwrap_err();
        assert!(e.to_string().contains("exists and is not a folder"), "{e}");
        std::fs::create_dir(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/thesis.tex"), "x").unwrap();
        let e = OutputDir::prepare(&root.join("docs")).unwrap_err();
        assert!(e.to_string().contains("holds no sim reports"), "{e}");
        assert!(OutputDir::prepare(&root.join("file/sub")).is_err());
    }

    #[test]
    fn a_cancelled_or_dropped_write_leaves_the_old_reports() {
        let root = temp_root("cancel");
        let target = root.join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("scenario.resolved.toml"), "old").unwrap();
        let cancel = AtomicBool::new(true);
        let out = OutputDir::prepare(&target).unwrap();
        let e = out
            .commit(&[("jobs.csv", "new".to_string())], "new", Some(&cancel))
            .unwrap_err();
        assert!(matches!(e, OutputError::Interrupted));
        assert_eq!(names(&target), ["scenario.resolved.toml"]);
        assert_eq!(
            std::fs::read_to_string(target.join("scenario.resolved.toml")).unwrap(),
            "old"
        );
        drop(OutputDir::prepare(&target).unwrap());
        assert_eq!(names(&root), ["out"]);
    }
}
