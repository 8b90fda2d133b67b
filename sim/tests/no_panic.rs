//! Bad input never panics: randomly damaged scenarios and assignments all
//! come back as `Ok` or as diagnostics.

use proptest::prelude::*;
use sim::scenario::{load_str, parse_assignment};

const SHIPPED: &str = include_str!("../../scenarios/interactive.toml");

/// One edit: delete a span, or insert a grammar-significant fragment.
fn edit() -> impl Strategy<Value = (usize, usize, &'static str)> {
    (
        0..SHIPPED.len(),
        0usize..12,
        prop::sample::select(vec![
            "",
            "=",
            "\"",
            "[",
            "]",
            "{",
            "}",
            ",",
            ";",
            ":",
            "\n",
            "-1",
            "0",
            "1e400",
            "\"x\"",
            "\"0s\"",
            "[[apps]]\n",
            "[sweep]\n",
            "kind = \"at\"",
            "\"spark.cores.max\" = \"0\"",
            "count = 0",
            "times = []",
            "\u{e9}",
        ]),
    )
}

fn apply(edits: &[(usize, usize, &str)]) -> String {
    let mut s = SHIPPED.to_string();
    for &(at, del, ins) in edits {
        let mut at = at.min(s.len());
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + del).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        s.replace_range(at..end, ins);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_scenarios_never_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let _ = load_str(&apply(&edits), &[]);
    }

    #[test]
    fn arbitrary_assignments_never_panic(path in "[a-z._\"0-9]{0,30}", value in "\\PC{0,20}") {
        if let Ok(a) = parse_assignment(&format!("{path}={value}")) {
            let _ = load_str(SHIPPED, &[a]);
        }
    }
}
