//! Fixed-point scalars, the way Mesos adds, subtracts and compares them.
//!
//! Mesos stores `Value.Scalar` as a double but does every comparison and every
//! addition or subtraction after rounding to three decimal places
//! (`llround(x * 1000)`; Mesos 1.11 `src/master/flags.cpp`, reference mesos-master.md §0 "Scalar precision" and
//! Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1, last paragraph). Keeping resources as integer thousandths gives the
//! same answers (0.07-cpu tasks add up exactly) and keeps floats out of every
//! decision.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// A non-negative quantity in thousandths (`1.5` cpus is `Milli(1500)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Milli(pub i64);

impl Milli {
    pub const ZERO: Milli = Milli(0);

    /// The largest amount of one resource a parsed string may hold, in
    /// whole units: 10^9 (a billion cpus, or a petabyte of MiB). Mesos
    /// itself has no limit; ours keeps every sum exact: a cluster of the
    /// largest size a scenario allows (10^6 agents) totals at most 10^18
    /// thousandths, below `i64::MAX` (9.2·10^18).
    pub const MAX_UNITS: i64 = 1_000_000_000;

    /// Rounds like Mesos: `llround(value * 1000)` (half away from zero).
    pub fn from_f64(value: f64) -> Milli {
        Milli((value * 1000.0).round() as i64)
    }

    /// A whole number of units (`Milli::from_units(4)` is 4.000).
    pub const fn from_units(units: i64) -> Milli {
        Milli(units * 1000)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Whole units, truncated toward zero (Spark's `floor` of summed cpus for
    /// non-negative amounts).
    pub fn whole_units(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Subtraction that stops at zero, for amounts that cannot go negative.
    pub fn saturating_sub(self, other: Milli) -> Milli {
        Milli((self.0 - other.0).max(0))
    }
}

impl Add for Milli {
    type Output = Milli;
    fn add(self, rhs: Milli) -> Milli {
        Milli(self.0 + rhs.0)
    }
}

impl AddAssign for Milli {
    fn add_assign(&mut self, rhs: Milli) {
        self.0 += rhs.0;
    }
}

impl Sub for Milli {
    type Output = Milli;
    fn sub(self, rhs: Milli) -> Milli {
        Milli(self.0 - rhs.0)
    }
}

impl SubAssign for Milli {
    fn sub_assign(&mut self, rhs: Milli) {
        self.0 -= rhs.0;
    }
}

impl std::iter::Sum for Milli {
    fn sum<I: Iterator<Item = Milli>>(iter: I) -> Milli {
        iter.fold(Milli::ZERO, Add::add)
    }
}

/// Shortest exact decimal: `4`, `1.5`, `0.07`.
impl fmt::Display for Milli {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_thousandths_like_mesos() {
        // Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1: 1.5123 and 1.512 compare equal.
        assert_eq!(Milli::from_f64(1.5123), Milli::from_f64(1.512));
        assert_eq!(Milli::from_f64(1.5125), Milli(1513));
        assert_eq!(Milli::from_f64(0.07) + Milli::from_f64(0.07), Milli(140));
        assert_eq!(Milli::from_f64(0.0004), Milli::ZERO);
    }

    #[test]
    fn displays_shortest_decimal() {
        assert_eq!(Milli(4000).to_string(), "4");
        assert_eq!(Milli(1500).to_string(), "1.5");
        assert_eq!(Milli(70).to_string(), "0.07");
        assert_eq!(Milli(1).to_string(), "0.001");
        assert_eq!(Milli(-2500).to_string(), "-2.5");
    }

    #[test]
    fn whole_units_truncate() {
        assert_eq!(Milli(3999).whole_units(), 3);
        assert_eq!(Milli(4000).whole_units(), 4);
        assert_eq!(Milli(999).whole_units(), 0);
    }
}
