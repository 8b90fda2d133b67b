//! `spark.mesos.constraints`: parsing with Spark's rules and matching against
//! agent attributes.
//!
//! Parsing (Spark 3.0 `MesosSchedulerUtils.parseConstraintString`, reference spark-on-mesos.md §3.2, `parseConstraintString`): the
//! string splits on `;` into trimmed entries; each entry splits on `:` into
//! exactly a key and a value (neither trimmed); the value splits on `,` into
//! a set with trailing empty items dropped (Java `String.split`); an empty
//! value means "the attribute must be present"; the empty string means no
//! constraints. Empty entries, entries without `:` or with several, and
//! duplicate keys are errors ("Bad constraint string").
//!
//! Matching (Spark 3.0 `MesosSchedulerUtils.matchesAttributeRequirements`, reference spark-on-mesos.md §3.3, `matchesAttributeRequirements`): every constraint must
//! hold. A missing attribute fails. SCALAR: some required value `v` has
//! `v <= offered`. RANGES: some required value lies inside some offered
//! range. SET: the required values are a subset of the offered items. TEXT:
//! the offered text equals one of the required values.
//!
//! Two documented deviations (docs/deviations.md): Spark ≤ 3.0 throws a
//! `MatchError` on a real Mesos RANGES attribute and 3.3+ returns false; we
//! follow the documented "range contains" intent. A non-numeric requirement
//! against a SCALAR or RANGES attribute throws `NumberFormatException` in
//! Spark; here it is a no-match that says so.

use std::fmt;

use crate::model::{Attributes, Value};
use crate::spark::java::{java_parse_double, java_parse_long};

/// Parsed constraints: attribute name → accepted values, in the order written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Constraints(Vec<(String, Vec<String>)>);

/// Why a constraint string is refused. The `Display` form starts with Spark's
/// own message, `Bad constraint string: <input>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Bad constraint string: {input} ({reason}, at character {})", .pos + 1)]
pub struct ConstraintError {
    pub input: String,
    pub pos: usize,
    pub reason: String,
}

impl Constraints {
    pub fn none() -> Constraints {
        Constraints(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Builds constraints from parts; values keep set semantics (the first
    /// occurrence of a repeated value is kept).
    pub fn from_pairs(pairs: Vec<(String, Vec<String>)>) -> Constraints {
        Constraints(
            pairs
                .into_iter()
                .map(|(k, vs)| {
                    let mut seen: Vec<String> = Vec::with_capacity(vs.len());
                    for v in vs {
                        if !seen.contains(&v) {
                            seen.push(v);
                        }
                    }
                    (k, seen)
                })
                .collect(),
        )
    }

    /// Parses a `spark.mesos.constraints` value.
    pub fn parse(input: &str) -> Result<Constraints, ConstraintError> {
        let fail = |pos: usize, reason: String| ConstraintError {
            input: input.to_string(),
            pos,
            reason,
        };
        if input.is_empty() {
            return Ok(Constraints::none());
        }
        let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
        let mut start = 0;
        for raw in input.split(';') {
            let lead = raw.len() - raw.trim_start().len();
            let entry = raw.trim();
            let at = start + lead;
            start += raw.len() + 1;
            if entry.is_empty() {
                return Err(fail(
                    at,
                    "empty entry (a trailing or doubled ';'?)".to_string(),
                ));
            }
            let mut parts = entry.split(':');
            let (key, value) = match (parts.next(), parts.next(), parts.next()) {
                (Some(k), Some(v), None) => (k, v),
                (_, None, _) => {
                    return Err(fail(
                        at,
                        format!("entry '{entry}' has no ':'; write attribute:value"),
                    ));
                }
                _ => {
                    return Err(fail(at, format!("entry '{entry}' has more than one ':'")));
                }
            };
            if pairs.iter().any(|(k, _)| k == key) {
                return Err(fail(at, format!("duplicate key '{key}'")));
            }
            pairs.push((key.to_string(), split_values(value)));
        }
        Ok(Constraints::from_pairs(pairs))
    }

    /// The first constraint that `attributes` fails, or `None` when all hold.
    pub fn first_failure(&self, attributes: &Attributes) -> Option<Mismatch> {
        self.0.iter().find_map(|(key, required)| {
            check_one(key, required, attributes.get(key)).map(|reason| Mismatch {
                key: key.clone(),
                required: required.clone(),
                reason,
            })
        })
    }

    /// Whether an offer with these attributes satisfies every constraint.
    pub fn matches(&self, attributes: &Attributes) -> bool {
        self.first_failure(attributes).is_none()
    }
}

/// Java's `String.split(",")`: items kept, trailing empty items dropped; an
/// empty value is the empty set (Spark checks for it before splitting).
fn split_values(value: &str) -> Vec<String> {
    if value.is_empty() {
        return Vec::new();
    }
    let mut items: Vec<&str> = value.split(',').collect();
    while items.last() == Some(&"") {
        items.pop();
    }
    items.into_iter().map(str::to_string).collect()
}

/// Renders constraints so that [`Constraints::parse`] gives them back.
impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, vs)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{k}:{}", vs.join(","))?;
        }
        Ok(())
    }
}

/// One failing constraint and why it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub key: String,
    pub required: Vec<String>,
    pub reason: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.key,
            self.required.join(","),
            self.reason
        )
    }
}

fn check_one(key: &str, required: &[String], offered: Option<&Value>) -> Option<String> {
    let Some(offered) = offered else {
        return Some(format!("the agent has no attribute '{key}'"));
    };
    if required.is_empty() {
        return None; // presence only
    }
    match offered {
        Value::Scalar(x) => {
            let mut numbers = Vec::with_capacity(required.len());
            for v in required {
                match java_parse_double(v) {
                    Some(n) => numbers.push(n),
                    None => return Some(not_a_number(v, "double", offered)),
                }
            }
            if numbers.iter().any(|&n| n <= *x) {
                None
            } else {
                Some(format!(
                    "scalar {x} is below every required value (needs some value <= offered)"
                ))
            }
        }
        Value::Ranges(ranges) => {
            let mut numbers = Vec::with_capacity(required.len());
            for v in required {
                match java_parse_long(v) {
                    Some(n) => numbers.push(n),
                    None => return Some(not_a_number(v, "long", offered)),
                }
            }
            let inside = numbers
                .iter()
                .any(|&n| u64::try_from(n).is_ok_and(|n| ranges.contains_value(n)));
            if inside {
                None
            } else {
                Some(format!("no required value lies inside ranges {ranges}"))
            }
        }
        Value::Set(items) => required.iter().find(|v| !items.contains(v)).map(|missing| {
            format!("set {offered} lacks '{missing}' (every required value must be in the set)")
        }),
        Value::Text(t) => {
            if required.iter().any(|v| v == t) {
                None
            } else {
                Some(format!("text '{t}' equals none of the required values"))
            }
        }
    }
}

fn not_a_number(v: &str, java_type: &str, offered: &Value) -> String {
    format!(
        "required value '{v}' is not a number but the attribute is {} {offered} \
         (Spark would throw NumberFormatException parsing it as a {java_type})",
        offered.kind()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(s: &str) -> Attributes {
        Attributes::parse(s).unwrap().attributes
    }

    fn c(s: &str) -> Constraints {
        Constraints::parse(s).unwrap()
    }

    fn pairs(c: &Constraints) -> Vec<(String, Vec<String>)> {
        c.iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect()
    }

    fn p(k: &str, vs: &[&str]) -> (String, Vec<String>) {
        (k.to_string(), vs.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn parses_like_spark_mesos_scheduler_utils_suite() {
        assert_eq!(
            pairs(&c("os:centos7;zone:us-east-1a,us-east-1b")),
            vec![
                p("os", &["centos7"]),
                p("zone", &["us-east-1a", "us-east-1b"])
            ]
        );
        assert_eq!(
            pairs(&c("tachyon:true;zone:us-east-1a,us-east-1b")),
            vec![
                p("tachyon", &["true"]),
                p("zone", &["us-east-1a", "us-east-1b"])
            ]
        );
        // An empty value is a presence check.
        assert_eq!(
            pairs(&c("tachyon:;zone:a")),
            vec![p("tachyon", &[]), p("zone", &["a"])]
        );
        assert!(c("").is_empty());
    }

    #[test]
    fn entries_are_trimmed_keys_and_values_are_not() {
        assert_eq!(
            pairs(&c("  os:a ; zone:b  ")),
            vec![p("os", &["a"]), p("zone", &["b"])]
        );
        assert_eq!(pairs(&c("os : a")), vec![p("os ", &[" a"])]);
    }

    #[test]
    fn values_split_like_java_string_split() {
        assert_eq!(pairs(&c("a:b,c,")), vec![p("a", &["b", "c"])]);
        assert_eq!(pairs(&c("a:b,,c")), vec![p("a", &["b", "", "c"])]);
        assert_eq!(pairs(&c("a:,b")), vec![p("a", &["", "b"])]);
        // Only commas: every item is a trailing empty, so presence only.
        assert_eq!(pairs(&c("a:,,")), vec![p("a", &[])]);
        // Set semantics: repeats collapse.
        assert_eq!(pairs(&c("a:x,x,y")), vec![p("a", &["x", "y"])]);
    }

    #[test]
    fn errors_carry_sparks_message_and_the_reason() {
        let cases = [
            (
                "tachyon;zone:us-east",
                0,
                "entry 'tachyon' has no ':'; write attribute:value",
            ),
            (
                "os;zone:us-east",
                0,
                "entry 'os' has no ':'; write attribute:value",
            ),
            ("a:b:c", 0, "entry 'a:b:c' has more than one ':'"),
            ("a:b;", 4, "empty entry (a trailing or doubled ';'?)"),
            ("a:b;;c:d", 4, "empty entry (a trailing or doubled ';'?)"),
            ("   ", 3, "empty entry (a trailing or doubled ';'?)"),
            ("a:b; a:c", 5, "duplicate key 'a'"),
        ];
        for (input, pos, reason) in cases {
            let err = Constraints::parse(input).unwrap_err();
            assert_eq!((err.pos, err.reason.as_str()), (pos, reason), "{input:?}");
            assert!(
                err.to_string()
                    .starts_with(&format!("Bad constraint string: {input} ("))
            );
        }
    }

    #[test]
    fn matches_like_spark() {
        let offer = attrs("os:centos7;zone:us-east-1a;level:10;ports:[1000-2000]");
        assert!(c("").matches(&offer));
        assert!(c("os:centos7").matches(&offer));
        assert!(c("os:centos6,centos7").matches(&offer));
        assert!(!c("os:centos6").matches(&offer));
        assert!(c("zone:").matches(&offer), "presence only");
        assert!(!c("rack:").matches(&offer), "missing attribute");
        // Scalar: offered must be at least some required value.
        assert!(c("level:10").matches(&offer));
        assert!(c("level:9.5").matches(&offer));
        assert!(!c("level:11").matches(&offer));
        assert!(c("level:11,3").matches(&offer));
        // Ranges: some required value inside some range.
        assert!(c("ports:1000").matches(&offer));
        assert!(c("ports:2000").matches(&offer));
        assert!(!c("ports:2001").matches(&offer));
        assert!(c("ports:5,1500").matches(&offer));
        // Every constraint must hold.
        assert!(!c("os:centos7;level:11").matches(&offer));
    }

    #[test]
    fn set_attributes_need_a_subset() {
        let offer = attrs("disks:{ssd,nvme,hdd}");
        assert!(c("disks:ssd").matches(&offer));
        assert!(c("disks:ssd,nvme").matches(&offer));
        assert!(!c("disks:ssd,tape").matches(&offer));
    }

    #[test]
    fn first_failure_explains() {
        let offer = attrs("os:centos7;level:10;ports:[1000-2000]");
        let why = |s: &str| c(s).first_failure(&offer).unwrap().to_string();
        assert_eq!(
            why("os:centos7;zone:a"),
            "zone:a: the agent has no attribute 'zone'"
        );
        assert_eq!(
            why("os:ubuntu"),
            "os:ubuntu: text 'centos7' equals none of the required values"
        );
        assert_eq!(
            why("level:11,12"),
            "level:11,12: scalar 10 is below every required value (needs some value <= offered)"
        );
        assert_eq!(
            why("level:high"),
            "level:high: required value 'high' is not a number but the attribute is SCALAR 10 \
             (Spark would throw NumberFormatException parsing it as a double)"
        );
        assert_eq!(
            why("ports:1.5"),
            "ports:1.5: required value '1.5' is not a number but the attribute is RANGES [1000-2000] \
             (Spark would throw NumberFormatException parsing it as a long)"
        );
        assert_eq!(
            why("ports:3000"),
            "ports:3000: no required value lies inside ranges [1000-2000]"
        );
    }
}
