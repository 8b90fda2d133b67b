//! Spark versions whose scheduling rules differ (reference
//! spark-on-mesos.md §0 and §6, standalone-yarn-local.md §1.11 and
//! §2.10): an application runs the rules of its line.

use std::fmt;

/// The releases the reference tells apart, oldest first. A line is its
/// last patch release, except where a patch release changed a rule the
/// simulator models:
/// - 1.6.0 (and 1.6.1, 1.6.2) against 1.6.3: the standalone Master's
///   fixes backported in 1.6.3 (driver round-robin, `maxExecutorRetries`,
///   `schedule()` after every exit; reference standalone-yarn-local.md §0
///   and §1.11); the Mesos backends and the allocation manager are the
///   same in every 1.6.x (spark-on-mesos.md §0);
/// - 2.4.0 against 2.4.1+: the YARN exit statuses that count as executor
///   failures (SPARK-26269, standalone-yarn-local.md §2.10).
///
/// The 3.x releases share 3.0's logic for what is modelled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SparkVersion {
    /// 1.6.0, 1.6.1 and 1.6.2.
    V1_6_0,
    /// 1.6.3 (`"1.6"`).
    V1_6,
    V2_0,
    V2_1,
    V2_2,
    V2_3,
    /// 2.4.0 only.
    V2_4_0,
    /// 2.4.1 to 2.4.8 (`"2.4"`).
    V2_4,
    /// 3.0 and later 3.x (the simulator's default line).
    #[default]
    V3_0,
}

impl SparkVersion {
    /// The versions a scenario may name, as it names them.
    pub const KNOWN: [&'static str; 10] = [
        "1.6.0", "1.6", "2.0", "2.1", "2.2", "2.3", "2.4.0", "2.4", "3.0", "3.x",
    ];

    /// Parses `"1.6"`, `"1.6.3"`, `"1.6.0"`, `"2.4.8"`, `"3.0"`, `"3.5.1"`,
    /// `"3"` or `"3.x"`.
    pub fn parse(text: &str) -> Result<SparkVersion, String> {
        let t = text.trim();
        let mut parts = t.split('.');
        let major = parts.next().unwrap_or("");
        let minor = parts.next();
        let patch = t.split('.').nth(2).and_then(|p| p.parse::<u32>().ok());
        let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let unknown = || {
            format!(
                "unknown Spark version \"{t}\"; the simulator models {} (a patch release such as 1.6.3 or 3.0.2 is its line)",
                SparkVersion::KNOWN.join(", ")
            )
        };
        if !rest_ok {
            return Err(unknown());
        }
        match (major, minor) {
            ("1", Some("6")) if patch.is_some_and(|p| p < 3) => Ok(SparkVersion::V1_6_0),
            ("1", Some("6")) => Ok(SparkVersion::V1_6),
            ("2", Some("0")) => Ok(SparkVersion::V2_0),
            ("2", Some("1")) => Ok(SparkVersion::V2_1),
            ("2", Some("2")) => Ok(SparkVersion::V2_2),
            ("2", Some("3")) => Ok(SparkVersion::V2_3),
            ("2", Some("4")) if patch == Some(0) => Ok(SparkVersion::V2_4_0),
            ("2", Some("4")) => Ok(SparkVersion::V2_4),
            ("3", None | Some("x")) => Ok(SparkVersion::V3_0),
            ("3", Some(m)) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(SparkVersion::V3_0)
            }
            _ => Err(unknown()),
        }
    }

    /// The release's name (`1.6.0`, `1.6`, `2.0`, …, `3.0`).
    pub fn name(self) -> &'static str {
        match self {
            SparkVersion::V1_6_0 => "1.6.0",
            SparkVersion::V1_6 => "1.6",
            SparkVersion::V2_0 => "2.0",
            SparkVersion::V2_1 => "2.1",
            SparkVersion::V2_2 => "2.2",
            SparkVersion::V2_3 => "2.3",
            SparkVersion::V2_4_0 => "2.4.0",
            SparkVersion::V2_4 => "2.4",
            SparkVersion::V3_0 => "3.0",
        }
    }

    /// The minor line (1.6.0 and 1.6.3 are one line, 2.4.0 and 2.4.8
    /// another): the unit of wire compatibility between a standalone
    /// Master and its apps.
    pub fn line(self) -> SparkVersion {
        match self {
            SparkVersion::V1_6_0 => SparkVersion::V1_6,
            SparkVersion::V2_4_0 => SparkVersion::V2_4,
            v => v,
        }
    }

    /// Whether this is a 1.6 release (1.6.0 or 1.6.3).
    pub fn is_1_6(self) -> bool {
        self <= SparkVersion::V1_6
    }
}

impl fmt::Display for SparkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_to_their_line() {
        for (text, v) in [
            ("1.6", SparkVersion::V1_6),
            ("1.6.3", SparkVersion::V1_6),
            ("1.6.0", SparkVersion::V1_6_0),
            ("1.6.2", SparkVersion::V1_6_0),
            ("2.0", SparkVersion::V2_0),
            ("2.0.2", SparkVersion::V2_0),
            ("2.1.3", SparkVersion::V2_1),
            ("2.4", SparkVersion::V2_4),
            ("2.4.0", SparkVersion::V2_4_0),
            ("2.4.1", SparkVersion::V2_4),
            ("2.2", SparkVersion::V2_2),
            ("2.3.4", SparkVersion::V2_3),
            ("2.4.8", SparkVersion::V2_4),
            ("3.0", SparkVersion::V3_0),
            ("3.5.1", SparkVersion::V3_0),
            ("3", SparkVersion::V3_0),
            ("3.x", SparkVersion::V3_0),
        ] {
            assert_eq!(SparkVersion::parse(text), Ok(v), "{text}");
        }
        for bad in ["1.5", "2.5", "4.0", "", "1.6.x.1", "three", "1.6."] {
            let e = SparkVersion::parse(bad).unwrap_err();
            assert!(
                e.contains("1.6.0, 1.6, 2.0, 2.1, 2.2, 2.3, 2.4.0, 2.4, 3.0, 3.x"),
                "{e}"
            );
        }
        assert!(SparkVersion::V1_6 < SparkVersion::V2_2);
        assert!(SparkVersion::V1_6_0.is_1_6() && !SparkVersion::V2_0.is_1_6());
        assert_eq!(SparkVersion::V2_4_0.line(), SparkVersion::V2_4);
        for v in SparkVersion::KNOWN {
            let parsed = SparkVersion::parse(v).unwrap();
            assert_eq!(SparkVersion::parse(parsed.name()), Ok(parsed), "{v}");
        }
        assert_eq!(SparkVersion::default(), SparkVersion::V3_0);
    }
}
