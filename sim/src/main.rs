//! `sim`: see `sim --help` and SPEC §2.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the simulator allocates and frees many small objects per
/// event (task lists, offers, rows); glibc's allocator spent about a sixth
/// of the time doing it (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match sim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap exits 2 for usage errors and 0 for --help/--version.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Unlocked handles: the progress bar's thread writes to stderr too.
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    sim::cli::main_with(cli, &mut out, &mut err)
}
