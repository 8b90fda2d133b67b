//! Agent attributes: the `--attributes` string of a Mesos agent.
//!
//! Mesos 1.11 `Attributes::parse` in `src/common/attributes.cpp`, reference mesos-master.md §2.2: `name:value` items separated by `;` or a
//! newline, empty items skipped, each split on its **first** `:`; the name is
//! kept as written (not trimmed), the value is classified by
//! [`parse_value`]. Real agents accept SCALAR, RANGES and TEXT and abort on a
//! SET. We also accept sets, so that Spark's set constraints can be studied,
//! and report a warning for each (see docs/deviations.md).

use std::fmt;

use super::value::{GrammarError, Value, parse_value, tokenize};

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub value: Value,
}

/// The attributes of one agent, in the order written. Duplicate names are
/// allowed, as Mesos allows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes(Vec<Attribute>);

/// Parsed attributes and the warnings parsing produced.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedAttributes {
    pub attributes: Attributes,
    pub warnings: Vec<String>,
}

impl Attributes {
    pub fn new(items: Vec<Attribute>) -> Attributes {
        Attributes(items)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Attribute> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value Spark sees for `name`. Spark turns the attribute list into a
    /// map, so with duplicate names the last one wins
    /// (Spark 3.0 `MesosSchedulerUtils.matchesAttributeRequirements`, reference spark-on-mesos.md §3.3).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .rev()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }

    pub fn push(&mut self, name: impl Into<String>, value: Value) {
        self.0.push(Attribute {
            name: name.into(),
            value,
        });
    }

    /// Parses a Mesos `--attributes` string.
    pub fn parse(input: &str) -> Result<ParsedAttributes, GrammarError> {
        let mut items = Vec::new();
        let mut warnings = Vec::new();
        for (offset, item) in tokenize(input, &[';', '\n']) {
            let Some(colon) = item.find(':') else {
                return Err(GrammarError::new(
                    offset,
                    format!("expected an attribute written name:value, got '{item}'"),
                ));
            };
            let (name, value_text) = (&item[..colon], &item[colon + 1..]);
            if name.is_empty() {
                return Err(GrammarError::new(
                    offset,
                    "expected an attribute name before ':'",
                ));
            }
            let value_offset = offset + colon + 1;
            if value_text.trim_matches(' ').is_empty() {
                return Err(GrammarError::new(
                    value_offset,
                    format!("expected a value after '{name}:'"),
                ));
            }
            let value = parse_value(value_text).map_err(|e| e.shifted(value_offset))?;
            if let Value::Set(_) = value {
                warnings.push(format!(
                    "attribute '{name}' is a set; real Mesos agents refuse set attributes \
                     (\"Bad type for attribute\"), accepted here to study set constraints"
                ));
            }
            items.push(Attribute {
                name: name.to_string(),
                value,
            });
        }
        Ok(ParsedAttributes {
            attributes: Attributes(items),
            warnings,
        })
    }
}

/// `name:value;name:value`, parseable again by [`Attributes::parse`].
impl fmt::Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{}:{}", a.name, a.value)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ranges;

    #[test]
    fn parses_the_mesos_documentation_example() {
        let parsed =
            Attributes::parse("rack:abc;zone:west;os:centos5;level:10;keys:[1000-1500]").unwrap();
        assert!(parsed.warnings.is_empty());
        let a = parsed.attributes;
        assert_eq!(a.len(), 5);
        assert_eq!(a.get("rack"), Some(&Value::Text("abc".into())));
        assert_eq!(a.get("zone"), Some(&Value::Text("west".into())));
        assert_eq!(a.get("os"), Some(&Value::Text("centos5".into())));
        assert_eq!(a.get("level"), Some(&Value::Scalar(10.0)));
        assert_eq!(
            a.get("keys"),
            Some(&Value::Ranges(Ranges::single(1000, 1500)))
        );
    }

    #[test]
    fn splits_on_the_first_colon_and_on_newlines() {
        let a = Attributes::parse("k:a:b\nzone:x;;").unwrap().attributes;
        assert_eq!(a.get("k"), Some(&Value::Text("a:b".into())));
        assert_eq!(a.get("zone"), Some(&Value::Text("x".into())));
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn names_are_not_trimmed_values_lose_spaces() {
        let a = Attributes::parse(" os: centos 7").unwrap().attributes;
        assert_eq!(a.get(" os"), Some(&Value::Text("centos7".into())));
        assert_eq!(a.get("os"), None);
    }

    #[test]
    fn duplicates_are_kept_and_the_last_wins_for_lookup() {
        let a = Attributes::parse("zone:a;zone:b").unwrap().attributes;
        assert_eq!(a.len(), 2);
        assert_eq!(a.get("zone"), Some(&Value::Text("b".into())));
    }

    #[test]
    fn sets_are_accepted_with_a_warning() {
        let parsed = Attributes::parse("disks:{ssd,nvme};os:x").unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        assert!(parsed.warnings[0].contains("attribute 'disks' is a set"));
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases = [
            (
                "os",
                0,
                "expected an attribute written name:value, got 'os'",
            ),
            ("zone:a;:b", 7, "expected an attribute name before ':'"),
            ("zone:a;os:", 10, "expected a value after 'os:'"),
            ("zone:a;os:  ", 10, "expected a value after 'os:'"),
            (
                "zone:a;keys:[1-2b]",
                15,
                "expected a non-negative integer range bound, got '2b'",
            ),
            ("rack:r(1", 6, "mismatched brackets: '(' is never closed"),
        ];
        for (input, pos, message) in cases {
            assert_eq!(
                Attributes::parse(input),
                Err(GrammarError::new(pos, message)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn renders_back() {
        let s = "rack:abc;level:10;keys:[1000-1500];disks:{a,b}";
        let a = Attributes::parse(s).unwrap().attributes;
        assert_eq!(a.to_string(), s);
        assert_eq!(Attributes::parse(&a.to_string()).unwrap().attributes, a);
    }
}
