//! spark-defaults.conf text (Java's properties format).
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::spark::properties::parse_properties;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = parse_properties(text) {
        for prop in &p.properties {
            assert!(prop.key.starts_with("spark."));
            assert_eq!(prop.value, prop.value.trim());
        }
    }
});
