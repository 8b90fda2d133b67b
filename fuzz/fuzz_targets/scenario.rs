//! Scenario loading and validation from arbitrary TOML, and the cost
//! estimate of what validates: errors, never a panic, an overflow or a
//! hang. Nothing is simulated.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Relative paths (conf_file) resolve into an empty folder.
    let dir = std::env::temp_dir().join("sim-fuzz-empty");
    let _ = std::fs::create_dir_all(&dir);
    match sim::scenario::load_str_in(text, &[], Some(&dir)) {
        Ok(loaded) => {
            let _ = sim::scenario::estimate(&loaded.points);
            let _ = sim::scenario::render_resolved(&loaded.base, &loaded.sweep);
        }
        Err(diags) => {
            for d in diags.errors.iter().chain(&diags.warnings) {
                let _ = d.to_string();
            }
        }
    }
});
