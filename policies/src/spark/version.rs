//! Spark versions whose scheduling rules differ (reference
//! spark-on-mesos.md §0 and §6, standalone-yarn-local.md §1.11 and
//! §2.10): an application runs the rules of its line.

use std::fmt;

/// The lines the reference tells apart, oldest first. Every 1.6.x
/// release has the same Mesos backends and allocation manager (1.6.0 =
/// 1.6.3, reference spark-on-mesos.md §0); the 3.x releases share 3.0's
/// logic for what is modelled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SparkVersion {
    V1_6,
    /// 2.0 and 2.1.
    V2_0,
    V2_2,
    V2_3,
    V2_4,
    /// 3.0 and later 3.x (the simulator's default line).
    #[default]
    V3_0,
}

impl SparkVersion {
    /// The versions a scenario may name, as it names them.
    pub const KNOWN: [&'static str; 8] = ["1.6", "2.0", "2.1", "2.2", "2.3", "2.4", "3.0", "3.x"];

    /// Parses `"1.6"`, `"1.6.3"`, `"2.4.8"`, `"3.0"`, `"3.5.1"`, `"3"` or
    /// `"3.x"`.
    pub fn parse(text: &str) -> Result<SparkVersion, String> {
        let t = text.trim();
        let mut parts = t.split('.');
        let major = parts.next().unwrap_or("");
        let minor = parts.next();
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
            ("1", Some("6")) => Ok(SparkVersion::V1_6),
            ("2", Some("0" | "1")) => Ok(SparkVersion::V2_0),
            ("2", Some("2")) => Ok(SparkVersion::V2_2),
            ("2", Some("3")) => Ok(SparkVersion::V2_3),
            ("2", Some("4")) => Ok(SparkVersion::V2_4),
            ("3", None | Some("x")) => Ok(SparkVersion::V3_0),
            ("3", Some(m)) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(SparkVersion::V3_0)
            }
            _ => Err(unknown()),
        }
    }

    /// The line's name (`1.6`, `2.0`, …, `3.0`).
    pub fn name(self) -> &'static str {
        match self {
            SparkVersion::V1_6 => "1.6",
            SparkVersion::V2_0 => "2.0",
            SparkVersion::V2_2 => "2.2",
            SparkVersion::V2_3 => "2.3",
            SparkVersion::V2_4 => "2.4",
            SparkVersion::V3_0 => "3.0",
        }
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
            ("2.0", SparkVersion::V2_0),
            ("2.1.3", SparkVersion::V2_0),
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
            assert!(e.contains("1.6, 2.0, 2.1, 2.2, 2.3, 2.4, 3.0, 3.x"), "{e}");
        }
        assert!(SparkVersion::V1_6 < SparkVersion::V2_2);
        assert_eq!(SparkVersion::default(), SparkVersion::V3_0);
    }
}
