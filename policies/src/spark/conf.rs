//! `SparkConf`: the string properties of one application, read with Spark's
//! grammars and the defaults of [`super::keys`].

use std::collections::BTreeMap;
use std::fmt;

use super::java::java_parse_double;
use super::keys::{self, DefaultValue, KeyType, Support};

use crate::time::{DurationGrammar, parse_duration};

/// Properties exactly as in `spark-defaults.conf`: names to string values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparkConf(BTreeMap<String, String>);

/// A property whose value Spark (or the simulator) refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

impl SparkConf {
    pub fn new() -> SparkConf {
        SparkConf::default()
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut SparkConf {
        self.0.insert(key.into(), value.into());
        self
    }

    pub fn with(mut self, key: &str, value: &str) -> SparkConf {
        self.set(key, value);
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The string Spark would use for `key`: the value set, else the default
    /// (following fallbacks), else `None` for "unset".
    pub fn effective(&self, key: &str) -> Option<String> {
        if let Some(v) = self.get(key) {
            return Some(v.to_string());
        }
        match keys::lookup(key)?.default {
            DefaultValue::Value(v) => Some(v.to_string()),
            DefaultValue::FallbackTo(other) => self.effective(other),
            DefaultValue::Unset => None,
        }
    }

    /// The property whose value `key` takes: `key` itself when set, else
    /// the key it falls back to (transitively) when that one is set.
    pub fn origin<'k>(&self, key: &'k str) -> &'k str {
        let mut at = key;
        while !self.contains(at) {
            match keys::lookup(at).map(|d| d.default) {
                Some(DefaultValue::FallbackTo(other)) => at = other,
                _ => return key,
            }
        }
        at
    }

    /// Every known property with its effective value (set or default),
    /// followed by the set properties the table does not know. What
    /// `sim validate` prints. A property that falls back to another and is
    /// not set is left out: it follows that one, also when a sweep changes
    /// it in the resolved scenario.
    pub fn resolved(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = keys::KEYS
            .iter()
            .filter(|k| self.contains(k.name) || !matches!(k.default, DefaultValue::FallbackTo(_)))
            .filter_map(|k| self.effective(k.name).map(|v| (k.name.to_string(), v)))
            .collect();
        for (k, v) in self.iter() {
            if keys::lookup(k).is_none() {
                out.push((k.to_string(), v.to_string()));
            }
        }
        out.sort();
        out
    }

    /// One warning per set property the simulator does not model, and per
    /// unknown property (with a "did you mean" when one is close). Spark
    /// ignores unknown properties, so these are not errors.
    pub fn warnings(&self) -> Vec<ConfError> {
        let mut out = Vec::new();
        for (k, _) in self.iter() {
            let message = match keys::lookup(k) {
                Some(def) => match def.support {
                    Support::NotModelled(why) => {
                        format!("not modelled: {why}; the simulation ignores the value")
                    }
                    _ => continue,
                },
                None if keys::reserved_key_advice(k).is_some() => continue,
                // A real property (spark.sql.shuffle.partitions): Spark uses
                // it, the simulator does not.
                None if keys::is_real_spark_key(k) => {
                    "a real Spark property the simulator does not model; the simulation ignores the value"
                        .to_string()
                }
                None => {
                    let hint = keys::closest_real_key(k)
                        .map(|c| format!(" (did you mean \"{c}\"?)"))
                        .unwrap_or_default();
                    if k.starts_with("spark.") {
                        format!(
                            "unknown to Spark (a typo?): Spark ignores properties it does not know{hint}"
                        )
                    } else {
                        format!("not a Spark property (names start with \"spark.\"), ignored{hint}")
                    }
                }
            };
            out.push(ConfError {
                key: k.to_string(),
                message,
            });
        }
        out
    }
}

/// Reads typed values through the key table, collecting every error instead
/// of stopping at the first.
#[derive(Debug)]
pub struct ConfReader<'a> {
    conf: &'a SparkConf,
    pub errors: Vec<ConfError>,
}

impl<'a> ConfReader<'a> {
    pub fn new(conf: &'a SparkConf) -> ConfReader<'a> {
        ConfReader {
            conf,
            errors: Vec::new(),
        }
    }

    /// Records an error of `key`'s value, under the key that holds it: a
    /// bad `spark.locality.wait` is one error, not one more for each key
    /// that falls back to it.
    pub fn error(&mut self, key: &str, message: impl Into<String>) {
        let e = ConfError {
            key: self.conf.origin(key).to_string(),
            message: message.into(),
        };
        if !self.errors.contains(&e) {
            self.errors.push(e);
        }
    }

    /// Whether the conf sets `key` itself (not through a default).
    pub fn is_set(&self, key: &str) -> bool {
        self.conf.contains(key)
    }

    fn raw(&self, key: &str, expect: KeyType) -> Option<String> {
        let def = keys::lookup(key);
        debug_assert!(
            def.is_some_and(|d| d.ty == expect),
            "{key} is not a known {expect:?} key"
        );
        self.conf.effective(key)
    }

    pub fn text(&mut self, key: &str) -> Option<String> {
        self.raw(key, KeyType::Text)
    }

    pub fn bool(&mut self, key: &str) -> bool {
        let Some(raw) = self.raw(key, KeyType::Bool) else {
            return false;
        };
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.error(key, format!("expected true or false, got \"{raw}\""));
                None
            }
        }
        .unwrap_or(false)
    }

    /// An `Int` property; `None` when unset or invalid (the error is kept).
    pub fn int(&mut self, key: &str) -> Option<i64> {
        self.int_at_least(key, i64::from(i32::MIN), "an integer")
    }

    /// An `Int` property that must be at least `min`; `what` names the
    /// expectation in the error ("a positive integer").
    pub fn int_at_least(&mut self, key: &str, min: i64, what: &str) -> Option<i64> {
        let raw = self.raw(key, KeyType::Int)?;
        match raw.trim().parse::<i32>() {
            Ok(v) if i64::from(v) >= min => Some(i64::from(v)),
            _ => {
                self.error(key, format!("expected {what}, got \"{raw}\""));
                None
            }
        }
    }

    pub fn double(&mut self, key: &str) -> Option<f64> {
        let raw = self.raw(key, KeyType::Double)?;
        match java_parse_double(&raw) {
            Some(v) if v.is_finite() => Some(v),
            _ => {
                self.error(key, format!("expected a number, got \"{raw}\""));
                None
            }
        }
    }

    /// A size in MiB (a bare number is MiB).
    pub fn size_mib(&mut self, key: &str) -> Option<u64> {
        let raw = self.raw(key, KeyType::SizeMib)?;
        match byte_string_as(&raw, ByteUnit::Mib) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(key, e);
                None
            }
        }
    }

    /// A duration in signed µs, through Spark's `timeStringAs`.
    pub fn time_us(&mut self, key: &str) -> Option<i64> {
        let def = keys::lookup(key)?;
        let KeyType::Time { default_unit_us } = def.ty else {
            debug_assert!(false, "{key} is not a time key");
            return None;
        };
        let raw = self.conf.effective(key)?;
        match parse_duration(&raw, DurationGrammar::Spark { default_unit_us }) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(key, e);
                None
            }
        }
    }
}

/// Units of Spark's size strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteUnit {
    Byte,
    Kib,
    Mib,
}

impl ByteUnit {
    fn bytes(self) -> u128 {
        match self {
            ByteUnit::Byte => 1,
            ByteUnit::Kib => 1 << 10,
            ByteUnit::Mib => 1 << 20,
        }
    }
}

/// Spark's `JavaUtils.byteStringAs`: lower-cased and trimmed, whole digits
/// and an optional suffix (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`,
/// `p`/`pb`, powers of 1024); a bare number is in `unit`; the result is
/// converted to `unit`, truncating.
pub fn byte_string_as(input: &str, unit: ByteUnit) -> Result<u64, String> {
    let s = input.trim().to_ascii_lowercase();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, suffix) = s.split_at(split);
    let well_formed = !digits.is_empty() && suffix.chars().all(|c| c.is_ascii_lowercase());
    if !well_formed {
        let fractional = suffix.strip_prefix('.').is_some_and(|rest| {
            let d = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            d > 0 && !digits.is_empty() && rest[d..].chars().all(|c| c.is_ascii_lowercase())
        });
        if fractional {
            let number: String = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            return Err(format!(
                "Fractional values are not supported. Input was: {number}"
            ));
        }
        return Err(format!(
            "Size must be specified as bytes (b), kibibytes (k), mebibytes (m), gibibytes (g), \
             tebibytes (t), or pebibytes(p). E.g. 50b, 100k, or 250m. Got \"{input}\""
        ));
    }
    let from: u128 = match suffix {
        "" => unit.bytes(),
        "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        "t" | "tb" => 1 << 40,
        "p" | "pb" => 1 << 50,
        other => return Err(format!("Invalid suffix: \"{other}\" in \"{input}\"")),
    };
    let value: u128 = digits
        .parse::<u64>()
        .map_err(|_| format!("size \"{input}\" is too large"))?
        .into();
    u64::try_from(value * from / unit.bytes()).map_err(|_| format!("size \"{input}\" is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_byte_string_as() {
        let mib = |s: &str| byte_string_as(s, ByteUnit::Mib);
        assert_eq!(mib("4g"), Ok(4096));
        assert_eq!(mib("512m"), Ok(512));
        assert_eq!(
            mib("512"),
            Ok(512),
            "bare numbers are MiB for executor memory"
        );
        assert_eq!(mib("1500k"), Ok(1), "converted with truncation");
        assert_eq!(mib(" 2GB "), Ok(2048));
        assert_eq!(mib("1t"), Ok(1 << 20));
        assert_eq!(byte_string_as("1m", ByteUnit::Kib), Ok(1024));
        assert_eq!(byte_string_as("3", ByteUnit::Byte), Ok(3));
        assert_eq!(
            mib("1.5g"),
            Err("Fractional values are not supported. Input was: 1.5".into())
        );
        assert_eq!(mib("4x"), Err("Invalid suffix: \"x\" in \"4x\"".into()));
        assert!(
            mib("lots")
                .unwrap_err()
                .starts_with("Size must be specified as bytes (b)")
        );
        assert!(
            mib("-1g")
                .unwrap_err()
                .starts_with("Size must be specified")
        );
        assert!(mib("").unwrap_err().starts_with("Size must be specified"));
    }

    #[test]
    fn effective_values_follow_defaults_and_fallbacks() {
        let conf = SparkConf::new().with("spark.mesos.rejectOfferDuration", "30s");
        assert_eq!(
            conf.effective("spark.mesos.coarse").as_deref(),
            Some("true")
        );
        assert_eq!(conf.effective("spark.cores.max"), None);
        assert_eq!(
            conf.effective("spark.mesos.rejectOfferDurationForUnmetConstraints")
                .as_deref(),
            Some("30s")
        );
        let conf = conf.with("spark.mesos.rejectOfferDurationForUnmetConstraints", "5s");
        assert_eq!(
            conf.effective("spark.mesos.rejectOfferDurationForUnmetConstraints")
                .as_deref(),
            Some("5s")
        );
        assert_eq!(
            conf.effective("spark.mesos.rejectOfferDurationForReachedMaxCores")
                .as_deref(),
            Some("30s")
        );
    }

    #[test]
    fn readers_collect_every_error() {
        let conf = SparkConf::new()
            .with("spark.cores.max", "lots")
            .with("spark.mesos.coarse", "yes")
            .with("spark.executor.memory", "4q")
            .with("spark.mesos.rejectOfferDuration", "1.5s");
        let mut r = ConfReader::new(&conf);
        assert_eq!(r.int("spark.cores.max"), None);
        assert!(!r.bool("spark.mesos.coarse"));
        assert_eq!(r.size_mib("spark.executor.memory"), None);
        assert_eq!(r.time_us("spark.mesos.rejectOfferDuration"), None);
        let keys: Vec<&str> = r.errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "spark.cores.max",
                "spark.mesos.coarse",
                "spark.executor.memory",
                "spark.mesos.rejectOfferDuration"
            ]
        );
        assert_eq!(r.errors[0].message, "expected an integer, got \"lots\"");
        assert_eq!(r.errors[1].message, "expected true or false, got \"yes\"");
    }

    #[test]
    fn warns_once_per_unmodelled_or_unknown_key() {
        let conf = SparkConf::new()
            .with("spark.cores.max", "8")
            .with("spark.app.name", "x")
            .with("spark.mesos.gpus.max", "2")
            .with("spark.core.max", "8")
            .with("spark.sql.shuffle.partitions", "10")
            .with("spark.sql.shufle.partitions", "10")
            .with("foo", "bar");
        let w: Vec<String> = conf.warnings().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            w,
            [
                "foo: not a Spark property (names start with \"spark.\"), ignored",
                "spark.core.max: unknown to Spark (a typo?): Spark ignores properties it does not know (did you mean \"spark.cores.max\"?)",
                "spark.mesos.gpus.max: not modelled: GPUs are not simulated; the simulation ignores the value",
                // Real: Spark uses it, the simulator does not.
                "spark.sql.shuffle.partitions: a real Spark property the simulator does not model; the simulation ignores the value",
                "spark.sql.shufle.partitions: unknown to Spark (a typo?): Spark ignores properties it does not know (did you mean \"spark.sql.shuffle.partitions\"?)",
            ]
        );
    }

    #[test]
    fn resolved_lists_effective_values() {
        let conf = SparkConf::new()
            .with("spark.cores.max", "8")
            .with("x.y", "z");
        let resolved = conf.resolved();
        let get = |k: &str| {
            resolved
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("spark.cores.max"), Some("8"));
        assert_eq!(get("spark.executor.memory"), Some("1g"));
        // A fallback key follows its fallback, which is listed.
        assert_eq!(
            get("spark.mesos.rejectOfferDurationForReachedMaxCores"),
            None
        );
        assert_eq!(get("spark.mesos.rejectOfferDuration"), Some("120s"));
        let set = SparkConf::new().with("spark.mesos.rejectOfferDurationForReachedMaxCores", "5s");
        let resolved = set.resolved();
        assert!(resolved.contains(&(
            "spark.mesos.rejectOfferDurationForReachedMaxCores".to_string(),
            "5s".to_string()
        )));
        assert_eq!(get("spark.executor.cores"), None, "unset stays unset");
        assert_eq!(get("x.y"), Some("z"));
    }
}
