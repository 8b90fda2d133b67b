//! Spark master URLs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::spark::MasterUrl;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = MasterUrl::parse(text) {
        let _ = (m.to_string(), m.manager(), m.is_mesos());
    }
});
