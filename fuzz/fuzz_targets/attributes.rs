//! Agent attributes, bare and as the `--attributes=` flag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::model::Attributes;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = Attributes::parse_agent_flag(text) {
        for a in parsed.attributes.iter() {
            let _ = parsed.attributes.get(&a.name);
        }
    }
});
