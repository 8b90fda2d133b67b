//! Property tests pinning `spark.mesos.constraints` semantics
//! (reference/spark-on-mesos.md §3.2–3.3) and the Mesos text grammars
//! (reference/mesos-master.md §2).
//!
//! The oracle below is written from the reference text on plain Rust data,
//! separately from `policies::constraints`, and deliberately naive: no
//! shared helpers, no early exits, strings compared as strings.

use policies::constraints::Constraints;
use policies::model::{Attributes, Milli, Ranges, Resources, Value, parse_value};
use policies::spark::MasterUrl;
use policies::spark::conf::{ByteUnit, byte_string_as};
use policies::time::{DurationGrammar, parse_duration};
use proptest::prelude::*;

/// An attribute value as the oracle sees it.
#[derive(Clone, Debug)]
enum Attr {
    Scalar(f64),
    Ranges(Vec<(u64, u64)>),
    Set(Vec<String>),
    Text(String),
}

fn render_attr(a: &Attr) -> String {
    match a {
        Attr::Scalar(x) => format!("{x}"),
        Attr::Ranges(rs) => {
            let parts: Vec<String> = rs.iter().map(|(b, e)| format!("{b}-{e}")).collect();
            format!("[{}]", parts.join(","))
        }
        Attr::Set(items) => format!("{{{}}}", items.join(",")),
        Attr::Text(t) => t.clone(),
    }
}

/// The oracle: every constraint must hold; see the module docs.
fn oracle(constraints: &[(String, Vec<String>)], attrs: &[(String, Attr)]) -> bool {
    let mut all = true;
    for (key, wanted) in constraints {
        // Spark builds a map from the attribute list: the last duplicate wins.
        let mut found: Option<&Attr> = None;
        for (name, value) in attrs {
            if name == key {
                found = Some(value);
            }
        }
        let ok = match found {
            None => false,
            Some(_) if wanted.is_empty() => true,
            Some(Attr::Scalar(x)) => {
                let parsed: Vec<Option<f64>> =
                    wanted.iter().map(|w| w.parse::<f64>().ok()).collect();
                if parsed.iter().any(Option::is_none) {
                    false
                } else {
                    parsed.iter().any(|w| w.unwrap() <= *x)
                }
            }
            Some(Attr::Ranges(rs)) => {
                let parsed: Vec<Option<i64>> =
                    wanted.iter().map(|w| w.parse::<i64>().ok()).collect();
                if parsed.iter().any(Option::is_none) {
                    false
                } else {
                    let mut any = false;
                    for w in parsed.into_iter().flatten() {
                        for (b, e) in rs {
                            if w >= 0 && (*b as i64) <= w && w <= (*e as i64) {
                                any = true;
                            }
                        }
                    }
                    any
                }
            }
            Some(Attr::Set(items)) => wanted.iter().all(|w| items.contains(w)),
            Some(Attr::Text(t)) => wanted.contains(t),
        };
        all = all && ok;
    }
    all
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "ssd", "os", "x1"]).prop_map(str::to_string)
}

fn number_word() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..40).prop_map(|n| n.to_string()),
        (0u32..400).prop_map(|n| format!("{}.{}", n / 10, n % 10)),
    ]
}

fn requirement() -> impl Strategy<Value = String> {
    prop_oneof![3 => number_word(), 2 => word()]
}

fn attr_value() -> impl Strategy<Value = Attr> {
    prop_oneof![
        (0u32..400).prop_map(|n| Attr::Scalar(f64::from(n) / 10.0)),
        prop::collection::vec((0u64..30, 0u64..10), 0..3).prop_map(|pairs| {
            // Canonical (coalesced) ranges so that the rendering parses back
            // to the same structure.
            let r = Ranges::new(pairs.into_iter().map(|(b, len)| (b, b + len)).collect());
            Attr::Ranges(r.pairs().to_vec())
        }),
        prop::collection::vec(word(), 0..4).prop_map(Attr::Set),
        word().prop_map(Attr::Text),
    ]
}

const NAMES: [&str; 4] = ["os", "zone", "level", "disks"];

fn attributes() -> impl Strategy<Value = Vec<(String, Attr)>> {
    prop::collection::vec(
        (
            prop::sample::select(NAMES.to_vec()).prop_map(str::to_string),
            attr_value(),
        ),
        0..5,
    )
}

fn constraints() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    prop::collection::btree_map(
        prop::sample::select(NAMES.to_vec()).prop_map(str::to_string),
        prop::collection::vec(requirement(), 0..3),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|(k, vs)| {
                // Set semantics: a repeated value collapses.
                let mut seen = Vec::new();
                for v in vs {
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                (k, seen)
            })
            .collect()
    })
}

/// Requirement values near the edges of an offered value: equal, just
/// below, just above, range bounds ±1, set members and a stray word.
fn near(value: &Attr) -> BoxedStrategy<String> {
    match value {
        Attr::Scalar(x) => {
            let x = *x;
            prop_oneof![
                Just(format!("{x}")),
                Just(format!("{}", x + 0.1)),
                Just(format!("{}", (x - 0.1).max(0.0))),
                requirement(),
            ]
            .boxed()
        }
        Attr::Ranges(rs) => {
            let mut edges: Vec<String> = vec!["0".into(), "7".into()];
            for (b, e) in rs {
                edges.extend([b.saturating_sub(1), *b, *e, e + 1].map(|v| v.to_string()));
            }
            prop_oneof![4 => prop::sample::select(edges), 1 => requirement()].boxed()
        }
        Attr::Set(items) if !items.is_empty() => {
            prop_oneof![3 => prop::sample::select(items.clone()), 1 => word()].boxed()
        }
        Attr::Text(t) => prop_oneof![Just(t.clone()), word()].boxed(),
        Attr::Set(_) => word().boxed(),
    }
}

/// Attributes with constraints aimed at them, so that single constraints
/// decide the verdict often and boundary cases are common.
type Case = (Vec<(String, Vec<String>)>, Vec<(String, Attr)>);

fn aimed_case() -> impl Strategy<Value = Case> {
    prop::collection::vec(
        (
            prop::sample::select(NAMES.to_vec()).prop_map(str::to_string),
            attr_value(),
        ),
        1..4,
    )
    .prop_flat_map(|attrs| {
        let picks: Vec<BoxedStrategy<(String, Vec<String>)>> = attrs
            .iter()
            .map(|(name, value)| {
                let name = name.clone();
                prop::collection::vec(near(value), 0..3)
                    .prop_map(move |vs| (name.clone(), vs))
                    .boxed()
            })
            .collect();
        (
            picks,
            Just(attrs),
            prop::sample::subsequence((0..NAMES.len()).collect::<Vec<_>>(), 0..2),
        )
    })
    .prop_map(|(picked, attrs, missing)| {
        let mut cs: Vec<(String, Vec<String>)> = Vec::new();
        for (k, vs) in picked {
            if !cs.iter().any(|(ck, _)| *ck == k) {
                cs.push((k, vs));
            }
        }
        // Sometimes ask for an attribute the agent may lack.
        for i in missing {
            let k = format!("{}x", NAMES[i]);
            cs.push((k, vec![]));
        }
        let cs = Constraints::from_pairs(cs)
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        (cs, attrs)
    })
}

fn render_attrs(attrs: &[(String, Attr)]) -> String {
    attrs
        .iter()
        .map(|(n, v)| format!("{n}:{}", render_attr(v)))
        .collect::<Vec<_>>()
        .join(";")
}

fn render_constraints(cs: &[(String, Vec<String>)]) -> String {
    cs.iter()
        .map(|(k, vs)| format!("{k}:{}", vs.join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

fn parse_attrs(s: &str) -> Attributes {
    Attributes::parse(s)
        .expect("generated attributes parse")
        .attributes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matching_agrees_with_the_oracle(cs in constraints(), attrs in attributes()) {
        let parsed = Constraints::parse(&render_constraints(&cs)).unwrap();
        let offer = parse_attrs(&render_attrs(&attrs));
        prop_assert_eq!(parsed.matches(&offer), oracle(&cs, &attrs));
        // The explanation agrees with the verdict.
        prop_assert_eq!(parsed.first_failure(&offer).is_none(), parsed.matches(&offer));
    }

    #[test]
    fn aimed_matching_agrees_with_the_oracle((cs, attrs) in aimed_case()) {
        let parsed = Constraints::parse(&render_constraints(&cs)).unwrap();
        let offer = parse_attrs(&render_attrs(&attrs));
        prop_assert_eq!(parsed.matches(&offer), oracle(&cs, &attrs));
    }

    #[test]
    fn empty_constraints_match_everything(attrs in attributes()) {
        prop_assert!(Constraints::parse("").unwrap().matches(&parse_attrs(&render_attrs(&attrs))));
    }

    #[test]
    fn adding_a_constraint_never_turns_no_match_into_match(
        cs in constraints(),
        extra_values in prop::collection::vec(requirement(), 0..3),
        extra_key in "[a-z]{1,8}",
        attrs in attributes(),
    ) {
        prop_assume!(!cs.iter().any(|(k, _)| *k == extra_key));
        let offer = parse_attrs(&render_attrs(&attrs));
        let before = Constraints::parse(&render_constraints(&cs)).unwrap();
        let mut more = cs.clone();
        more.push((extra_key, extra_values));
        let after = Constraints::from_pairs(more);
        prop_assert!(!after.matches(&offer) || before.matches(&offer));
    }

    #[test]
    fn scalar_matching_is_monotone_in_the_offered_value(
        wanted in prop::collection::vec(number_word(), 1..4),
        low in 0u32..400,
        raise in 0u32..400,
    ) {
        let c = Constraints::from_pairs(vec![("level".to_string(), wanted)]);
        let at = |v: u32| parse_attrs(&format!("level:{}", f64::from(v) / 10.0));
        if c.matches(&at(low)) {
            prop_assert!(c.matches(&at(low + raise)));
        }
    }

    #[test]
    fn constraints_parse_render_identity(cs in constraints()) {
        let c = Constraints::from_pairs(cs);
        prop_assert_eq!(Constraints::parse(&c.to_string()).unwrap(), c);
    }

    #[test]
    fn attributes_parse_render_identity(attrs in attributes()) {
        let a = parse_attrs(&render_attrs(&attrs));
        prop_assert_eq!(parse_attrs(&a.to_string()), a);
    }

    #[test]
    fn scalar_values_round_trip_exactly(x in 0.0f64..1e12) {
        prop_assume!(x == 0.0 || x.is_normal());
        prop_assert_eq!(parse_value(&Value::Scalar(x).to_string()).unwrap(), Value::Scalar(x));
    }

    #[test]
    fn resources_parse_render_identity_and_scalar_laws(
        a in prop::collection::vec((prop::sample::select(vec!["cpus", "mem", "disk"]), 0i64..100_000), 0..4),
        b in prop::collection::vec((prop::sample::select(vec!["cpus", "mem", "disk"]), 0i64..100_000), 0..4),
    ) {
        let build = |v: &[(&str, i64)]| {
            Resources::scalars(&v.iter().map(|(n, m)| (*n, Milli(*m))).collect::<Vec<_>>())
        };
        let (ra, rb) = (build(&a), build(&b));
        prop_assert_eq!(Resources::parse(&ra.to_string()).unwrap(), ra.clone());
        let sum = ra.plus(&rb);
        prop_assert!(sum.contains(&ra) && sum.contains(&rb));
        prop_assert_eq!(sum.minus(&rb), ra.clone());
        prop_assert_eq!(sum.cpus(), ra.cpus() + rb.cpus());
    }

    #[test]
    fn no_input_makes_a_parser_panic(s in "\\PC{0,40}") {
        let _ = parse_value(&s);
        let _ = Attributes::parse(&s);
        let _ = Resources::parse(&s);
        let _ = Constraints::parse(&s);
        let _ = MasterUrl::parse(&s);
        let _ = byte_string_as(&s, ByteUnit::Mib);
        let _ = parse_duration(&s, DurationGrammar::Scenario);
        let _ = parse_duration(&s, DurationGrammar::Spark { default_unit_us: 1_000_000 });
    }

    #[test]
    fn grammar_shaped_input_never_panics(s in "[a-z0-9:;,\\[\\]{}()\\- .*/\n]{0,40}") {
        let _ = parse_value(&s);
        let _ = Attributes::parse(&s);
        let _ = Resources::parse(&s);
        let _ = Constraints::parse(&s);
    }
}
