//! `spark.mesos.constraints` parsing, and matching against any attributes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::constraints::Constraints;
use policies::model::Attributes;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // "constraints\nattributes": the first line is the constraint string.
    let (c, a) = text
        .split_once('\n')
        .unwrap_or((text, "os:centos7;level:10;ports:[1-5]"));
    if let Ok(c) = Constraints::parse(c) {
        if let Ok(parsed) = Attributes::parse(a) {
            let m = c.matches(&parsed.attributes);
            assert_eq!(m, c.first_failure(&parsed.attributes).is_none());
            if let Some(f) = c.first_failure(&parsed.attributes) {
                let _ = f.to_string();
            }
        }
    }
});
