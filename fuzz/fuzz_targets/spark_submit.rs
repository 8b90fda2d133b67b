//! Pasted spark-submit command lines (shell words, options).
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::spark::submit::parse_submit;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_submit(text);
});
