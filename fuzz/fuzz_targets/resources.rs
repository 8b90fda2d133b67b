//! Agent resources: the text form, the `--resources=` flag and the JSON
//! form; then the bag's arithmetic, which must never overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::model::Resources;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(r) = Resources::parse_agent_flag(text) else {
        return;
    };
    // Printing and reading back gives the same bag.
    let again = Resources::parse(&r.to_string()).expect("a printed bag parses");
    assert_eq!(again, r);
    // A thousand agents of it: sums stay exact (scalars are bounded).
    let mut total = Resources::new();
    for _ in 0..1000 {
        total.add(&r);
    }
    assert!(total.contains(&r));
    assert_eq!(total.minus(&total), Resources::new());
    let _ = (
        r.cpus(),
        r.mem_mb(),
        r.unreserved(),
        r.allocatable_to("a/b"),
    );
});
