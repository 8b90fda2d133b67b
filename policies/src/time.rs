//! Simulated time: integer microseconds, never floats.
//!
//! [`SimTime`] is an instant since the start of a run, [`SimDuration`] a
//! length. Both are `u64` µs (about 584,000 years), so sums and comparisons
//! are exact on every machine. Policies receive the current time as a value;
//! only the simulator advances it.
//!
//! Duration strings use Spark's suffixes (`us`, `ms`, `s`, `m`/`min`, `h`,
//! `d`; `JavaUtils.timeStringAs`). [`DurationGrammar::Spark`] is Spark's own
//! grammar for `spark.*` keys: a whole number, optional `-`, an optional
//! suffix (the key's default unit otherwise). [`DurationGrammar::Scenario`]
//! is the scenario file's: a non-negative decimal that must carry a suffix,
//! so `"1.5s"` works and a bare `30` is refused with advice.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant, in µs since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A length of simulated time, in µs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub fn as_micros(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    pub const fn from_micros(us: u64) -> SimDuration {
        SimDuration(us)
    }
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms * 1_000)
    }
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s * 1_000_000)
    }
    pub fn as_micros(self) -> u64 {
        self.0
    }
    /// Whole seconds, truncated (Spark's `getTimeAsSeconds`).
    pub fn whole_secs(self) -> u64 {
        self.0 / 1_000_000
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::MAX`], which stands for "never".
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

/// Seconds with exactly six decimals, from integer µs (the CSV format of
/// SPEC §3): `12.000250`.
pub fn format_secs(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_secs(self.0))
    }
}

/// The shortest exact duration string (`"800ms"`, `"2m"`, `"1h"`), which
/// [`parse_duration`] reads back to the same value.
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(&str, u64); 6] = [
            ("d", 86_400_000_000),
            ("h", 3_600_000_000),
            ("m", 60_000_000),
            ("s", 1_000_000),
            ("ms", 1_000),
            ("us", 1),
        ];
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let (suffix, per) = UNITS
            .iter()
            .find(|(_, per)| self.0.is_multiple_of(*per))
            .copied()
            .unwrap_or(("us", 1));
        write!(f, "{}{suffix}", self.0 / per)
    }
}

/// The time units of Spark's duration strings, in µs.
pub const TIME_SUFFIXES: [(&str, u64); 7] = [
    ("us", 1),
    ("ms", 1_000),
    ("s", 1_000_000),
    ("m", 60_000_000),
    ("min", 60_000_000),
    ("h", 3_600_000_000),
    ("d", 86_400_000_000),
];

/// Which duration grammar to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationGrammar {
    /// Spark's `timeStringAs`: `-?[0-9]+` and an optional suffix; with no
    /// suffix the value is in `default_unit_us`.
    Spark { default_unit_us: u64 },
    /// The scenario file: a non-negative decimal with a mandatory suffix.
    Scenario,
}

/// Parses a duration string into signed µs (Spark allows negative values;
/// callers validate the range).
pub fn parse_duration(input: &str, grammar: DurationGrammar) -> Result<i64, String> {
    let s = input.trim().to_ascii_lowercase();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let unit_us = if suffix.is_empty() {
        match grammar {
            DurationGrammar::Spark { default_unit_us } => default_unit_us,
            DurationGrammar::Scenario => {
                return Err(if number.parse::<f64>().is_ok() {
                    format!(
                        "a duration needs a unit: write \"{number}s\" or \"{number}ms\" \
                         (units: us, ms, s, m, min, h, d)"
                    )
                } else {
                    format!(
                        "expected a duration like \"30s\", \"150ms\" or \"2m\", got \"{input}\""
                    )
                });
            }
        }
    } else {
        match TIME_SUFFIXES.iter().find(|(name, _)| *name == suffix) {
            Some(&(_, us)) => us,
            None if number.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphabetic()) => {
                return Err(bad_duration(input, grammar));
            }
            None => {
                return Err(format!(
                    "invalid duration suffix \"{suffix}\" in \"{input}\" \
                     (units: us, ms, s, m, min, h, d)"
                ));
            }
        }
    };
    match grammar {
        DurationGrammar::Spark { .. } => {
            let digits = number.strip_prefix('-').unwrap_or(number);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_duration(input, grammar));
            }
            let value: i64 = number.parse().map_err(|_| bad_duration(input, grammar))?;
            value
                .checked_mul(unit_us as i64)
                .ok_or_else(|| format!("duration \"{input}\" is too large"))
        }
        DurationGrammar::Scenario => {
            let valid = !number.is_empty()
                && number != "."
                && number.bytes().filter(|&b| b == b'.').count() <= 1
                && number.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if !valid {
                return Err(bad_duration(input, grammar));
            }
            parse_decimal_scaled(number, unit_us)
                .and_then(|us| i64::try_from(us).ok())
                .filter(|&us| us <= MAX_SCENARIO_DURATION_US)
                .ok_or_else(|| too_long(input))
        }
    }
}

/// The longest duration a scenario may hold: 100 years of simulated time,
/// far past any run, and small enough that adding a few of them never
/// overflows the `u64` µs clock.
pub const MAX_SCENARIO_DURATION_US: i64 = 100 * 365 * 86_400_000_000;

fn too_long(input: &str) -> String {
    format!("duration \"{input}\" is too long: at most 100 years (36500d) of simulated time")
}

fn bad_duration(input: &str, grammar: DurationGrammar) -> String {
    match grammar {
        DurationGrammar::Spark { .. } => format!(
            "Time must be specified as seconds (s), milliseconds (ms), microseconds (us), \
             minutes (m or min), hour (h), or day (d). E.g. 50s, 100ms, or 250us. Got \"{input}\""
        ),
        DurationGrammar::Scenario => format!(
            "expected a duration like \"30s\", \"150ms\", \"1.5s\" or \"2m\", got \"{input}\""
        ),
    }
}

/// `digits[.digits]` times `scale`, rounded half up to the nearest integer,
/// exactly and for any number of digits: the decimal is multiplied digit
/// by digit (no floats, no intermediate that can overflow), and `None`
/// comes back for text that is not a decimal or a result above `u64`.
fn parse_decimal_scaled(number: &str, scale: u64) -> Option<u128> {
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The digits of whole·frac as one integer, least significant first,
    // times `scale`; then the last `frac.len()` digits are the fraction.
    let digits: Vec<u8> = whole
        .bytes()
        .chain(frac.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut product: Vec<u8> = Vec::with_capacity(digits.len() + 20);
    let mut carry: u128 = 0;
    for &d in digits.iter().rev() {
        let v = u128::from(d) * u128::from(scale) + carry;
        product.push((v % 10) as u8);
        carry = v / 10;
    }
    while carry > 0 {
        product.push((carry % 10) as u8);
        carry /= 10;
    }
    let cut = frac.len().min(product.len());
    let round_up = cut > 0 && product[cut - 1] >= 5;
    let mut value: u128 = 0;
    for &d in product[cut..].iter().rev() {
        value = value.checked_mul(10)?.checked_add(u128::from(d))?;
        if value > u128::from(u64::MAX) {
            return None;
        }
    }
    Some(value + u128::from(round_up))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPARK_S: DurationGrammar = DurationGrammar::Spark {
        default_unit_us: 1_000_000,
    };
    const SPARK_MS: DurationGrammar = DurationGrammar::Spark {
        default_unit_us: 1_000,
    };

    #[test]
    fn spark_grammar() {
        assert_eq!(parse_duration("120s", SPARK_S), Ok(120_000_000));
        assert_eq!(parse_duration("120", SPARK_S), Ok(120_000_000));
        assert_eq!(parse_duration("120", SPARK_MS), Ok(120_000));
        assert_eq!(parse_duration(" 3S ", SPARK_S), Ok(3_000_000));
        assert_eq!(parse_duration("2min", SPARK_S), Ok(120_000_000));
        assert_eq!(parse_duration("2m", SPARK_S), Ok(120_000_000));
        assert_eq!(parse_duration("1d", SPARK_S), Ok(86_400_000_000));
        assert_eq!(parse_duration("250us", SPARK_S), Ok(250));
        assert_eq!(parse_duration("-1s", SPARK_S), Ok(-1_000_000));
        assert!(
            parse_duration("1.5s", SPARK_S)
                .unwrap_err()
                .starts_with("Time must be specified")
        );
        assert!(
            parse_duration("s", SPARK_S)
                .unwrap_err()
                .starts_with("Time must be specified")
        );
        assert_eq!(
            parse_duration("5sec", SPARK_S),
            Err(
                "invalid duration suffix \"sec\" in \"5sec\" (units: us, ms, s, m, min, h, d)"
                    .into()
            )
        );
    }

    #[test]
    fn scenario_grammar() {
        let p = |s: &str| parse_duration(s, DurationGrammar::Scenario);
        assert_eq!(p("800ms"), Ok(800_000));
        assert_eq!(p("1.5s"), Ok(1_500_000));
        assert_eq!(p("0.0000005s"), Ok(1), "rounds half up to whole µs");
        assert_eq!(p(".5m"), Ok(30_000_000));
        assert_eq!(p("1h"), Ok(3_600_000_000));
        assert_eq!(
            p("30"),
            Err("a duration needs a unit: write \"30s\" or \"30ms\" (units: us, ms, s, m, min, h, d)".into())
        );
        assert_eq!(
            p("-1s"),
            Err(
                "expected a duration like \"30s\", \"150ms\", \"1.5s\" or \"2m\", got \"-1s\""
                    .into()
            )
        );
        assert!(p("soon").is_err());
        // Long fractions round exactly instead of overflowing.
        assert_eq!(
            p("1.99999999999999999999999999999h"),
            Ok(7_200_000_000),
            "2 h, not about 1 h 03 min"
        );
        assert_eq!(p("0.49999999999999999999999999999999999us"), Ok(0));
        assert_eq!(p("0.50000000000000000000000000000000000us"), Ok(1));
        assert_eq!(
            p("1.0000000000000000000000000000000001d"),
            Ok(86_400_000_000)
        );
        assert_eq!(
            p(&format!("0.{}5us", "0".repeat(2000))),
            Ok(0),
            "any number of digits"
        );
        assert_eq!(p("36500d"), Ok(MAX_SCENARIO_DURATION_US));
        assert_eq!(
            p("36501d"),
            Err(
                "duration \"36501d\" is too long: at most 100 years (36500d) of simulated time"
                    .into()
            )
        );
        assert!(
            p("99999999999999999999999999999999999999999h")
                .unwrap_err()
                .contains("too long")
        );
        assert!(p("1..5s").is_err());
        assert!(p(".s").is_err());
        assert!(p("").is_err());
    }

    #[test]
    fn display_is_canonical_and_parses_back() {
        for (us, text) in [
            (0, "0s"),
            (800_000, "800ms"),
            (1_500_000, "1500ms"),
            (120_000_000, "2m"),
            (3_600_000_000, "1h"),
            (86_400_000_000, "1d"),
            (7, "7us"),
        ] {
            let d = SimDuration(us);
            assert_eq!(d.to_string(), text);
            assert_eq!(
                parse_duration(text, DurationGrammar::Scenario),
                Ok(us as i64)
            );
        }
    }

    #[test]
    fn seconds_with_six_decimals() {
        assert_eq!(format_secs(0), "0.000000");
        assert_eq!(format_secs(12_000_250), "12.000250");
        assert_eq!(SimTime(3_600_000_000).to_string(), "3600.000000");
    }

    #[test]
    fn time_arithmetic_saturates() {
        assert_eq!(SimTime(5) + SimDuration(3), SimTime(8));
        assert_eq!(SimTime::MAX + SimDuration(3), SimTime::MAX);
        assert_eq!(SimTime(5) - SimTime(8), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs(90).whole_secs(), 90);
        assert_eq!(SimDuration::from_millis(1500).whole_secs(), 1);
    }
}
