//! Sampling the scenario's distributions and arrival processes (the
//! synthetic job source, `jobs::synthetic`, and the agents' data draw
//! from them).
//!
//! Sampling is by inverse transform: one uniform from the consumer's own
//! named stream ([`crate::rng`]), through `statrs`' inverse CDFs. One
//! uniform per value keeps every stream's consumption fixed, so runs stay
//! comparable when parameters change (common random numbers).

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use statrs::distribution::{ContinuousCDF, Exp, LogNormal, Pareto};

use crate::scenario::{Arrival, Dist, Distribution, Unit};
use crate::time::{SimDuration, SimTime};

/// A uniform in the open interval (0, 1), from the top 53 bits.
pub fn open_unit(rng: &mut ChaCha8Rng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// A distribution ready to sample.
#[derive(Clone, Debug)]
pub struct Sampler {
    unit: Unit,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    Constant(f64),
    Uniform(f64, f64),
    Exp(Exp),
    LogNormal(LogNormal),
    Pareto(Pareto),
    Weibull(f64, f64),
    Empirical(Vec<f64>),
}

impl Sampler {
    /// Builds the sampler. Parameters were validated with the scenario
    /// (positive means, medians, scales, sigmas and shapes).
    pub fn new(d: &Distribution) -> Sampler {
        let kind = match &d.dist {
            Dist::Constant { value } => Kind::Constant(*value),
            Dist::Uniform { min, max } => Kind::Uniform(*min, *max),
            Dist::Exponential { mean } => match Exp::new(1.0 / mean) {
                Ok(e) => Kind::Exp(e),
                Err(_) => Kind::Constant(*mean),
            },
            Dist::Lognormal { median, sigma } => match LogNormal::new(median.ln(), *sigma) {
                Ok(l) => Kind::LogNormal(l),
                Err(_) => Kind::Constant(*median),
            },
            Dist::Pareto { scale, shape } => match Pareto::new(*scale, *shape) {
                Ok(p) => Kind::Pareto(p),
                Err(_) => Kind::Constant(*scale),
            },
            Dist::Weibull { scale, shape } => Kind::Weibull(*scale, *shape),
            Dist::Empirical { values } => Kind::Empirical(values.clone()),
        };
        Sampler { unit: d.unit, kind }
    }

    /// One raw value (µs for durations).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let u = open_unit(rng);
        match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Uniform(min, max) => match self.unit {
                // Counts: every integer from min to max equally likely.
                Unit::Count => min.floor() + (u * (max.floor() - min.floor() + 1.0)).floor(),
                Unit::Duration => min + u * (max - min),
            },
            Kind::Exp(e) => e.inverse_cdf(u),
            Kind::LogNormal(l) => l.inverse_cdf(u),
            Kind::Pareto(p) => p.inverse_cdf(u),
            // The inverse of 1 − exp(−(x/scale)^shape).
            Kind::Weibull(scale, shape) => scale * (-(1.0 - u).ln()).powf(1.0 / shape),
            Kind::Empirical(values) => {
                values[((u * values.len() as f64) as usize).min(values.len() - 1)]
            }
        }
    }

    /// A duration, rounded to whole µs.
    pub fn duration(&self, rng: &mut ChaCha8Rng) -> SimDuration {
        let x = self.sample(rng);
        SimDuration(if x.is_finite() && x > 0.0 {
            x.round().min(u64::MAX as f64 / 2.0) as u64
        } else {
            0
        })
    }

    /// A count of at least 1.
    pub fn count(&self, rng: &mut ChaCha8Rng) -> u32 {
        let x = self.sample(rng);
        if x.is_finite() {
            x.round().clamp(1.0, crate::scenario::MAX_TASKS_PER_STAGE) as u32
        } else {
            1
        }
    }
}

/// The arrival process of one job stream, from its start time.
#[derive(Clone, Debug)]
pub struct Arrivals {
    kind: Arrival,
    start: SimTime,
    next_index: usize,
    last: SimTime,
    exp: Option<Exp>,
}

impl Arrivals {
    pub fn new(arrival: &Arrival, start: SimTime) -> Arrivals {
        let exp = match arrival {
            Arrival::Poisson { mean } => Exp::new(1.0 / mean.as_micros() as f64).ok(),
            _ => None,
        };
        Arrivals {
            kind: arrival.clone(),
            start,
            next_index: 0,
            last: start,
            exp,
        }
    }

    /// The next submission time, or `None` when the stream is exhausted.
    /// Poisson: exponential gaps from the start; every: at the start and then
    /// every interval; at: the listed offsets from the start.
    pub fn next(&mut self, rng: &mut ChaCha8Rng) -> Option<SimTime> {
        let i = self.next_index;
        self.next_index += 1;
        let t = match &self.kind {
            Arrival::Poisson { .. } => {
                let gap = self
                    .exp
                    .as_ref()
                    .map_or(0.0, |e| e.inverse_cdf(open_unit(rng)));
                self.last + SimDuration(gap.round() as u64)
            }
            Arrival::Every { interval } => {
                self.start + SimDuration(interval.as_micros().saturating_mul(i as u64))
            }
            Arrival::At { times } => self.start + *times.get(i)?,
        };
        self.last = t;
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::RngStreams;

    fn dist(unit: Unit, dist: Dist) -> Sampler {
        Sampler::new(&Distribution { unit, dist })
    }

    #[test]
    fn sample_means_are_close_to_the_parameters() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        let n = 20_000;
        let mean = |s: &Sampler, rng: &mut ChaCha8Rng| {
            (0..n).map(|_| s.sample(rng)).sum::<f64>() / n as f64
        };
        let e = dist(Unit::Duration, Dist::Exponential { mean: 1000.0 });
        assert!((mean(&e, &mut rng) - 1000.0).abs() < 30.0);
        // Lognormal median: half the draws below it.
        let l = dist(
            Unit::Duration,
            Dist::Lognormal {
                median: 800_000.0,
                sigma: 0.6,
            },
        );
        let below = (0..n).filter(|_| l.sample(&mut rng) < 800_000.0).count();
        assert!((below as f64 / n as f64 - 0.5).abs() < 0.02);
        let u = dist(
            Unit::Count,
            Dist::Uniform {
                min: 8.0,
                max: 32.0,
            },
        );
        let draws: Vec<u32> = (0..n).map(|_| u.count(&mut rng)).collect();
        assert_eq!(*draws.iter().min().unwrap(), 8);
        assert_eq!(*draws.iter().max().unwrap(), 32);
        let p = dist(
            Unit::Duration,
            Dist::Pareto {
                scale: 100.0,
                shape: 3.0,
            },
        );
        assert!(
            (mean(&p, &mut rng) - 150.0).abs() < 5.0,
            "pareto mean = scale·shape/(shape−1)"
        );
    }

    #[test]
    fn durations_round_to_microseconds_and_counts_are_at_least_one() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        assert_eq!(
            dist(Unit::Duration, Dist::Constant { value: 1.6 }).duration(&mut rng),
            SimDuration(2)
        );
        assert_eq!(
            dist(Unit::Count, Dist::Constant { value: 0.2 }).count(&mut rng),
            1
        );
        let e = dist(
            Unit::Count,
            Dist::Empirical {
                values: vec![3.0, 5.0],
            },
        );
        let draws: Vec<u32> = (0..100).map(|_| e.count(&mut rng)).collect();
        assert!(
            draws.contains(&3) && draws.contains(&5) && draws.iter().all(|d| [3, 5].contains(d))
        );
    }

    #[test]
    fn arrival_processes() {
        let mut rng = RngStreams::new(1).stream("test", 0);
        let s = SimTime(5_000_000);
        let mut every = Arrivals::new(
            &Arrival::Every {
                interval: SimDuration::from_secs(10),
            },
            s,
        );
        let got: Vec<u64> = (0..3).map(|_| every.next(&mut rng).unwrap().0).collect();
        assert_eq!(got, [5_000_000, 15_000_000, 25_000_000]);
        let mut at = Arrivals::new(
            &Arrival::At {
                times: vec![SimDuration::ZERO, SimDuration::from_secs(2)],
            },
            s,
        );
        assert_eq!(at.next(&mut rng), Some(SimTime(5_000_000)));
        assert_eq!(at.next(&mut rng), Some(SimTime(7_000_000)));
        assert_eq!(at.next(&mut rng), None);
        let mut p = Arrivals::new(
            &Arrival::Poisson {
                mean: SimDuration::from_secs(4),
            },
            SimTime::ZERO,
        );
        let mut last = SimTime::ZERO;
        for _ in 0..5000 {
            last = p.next(&mut rng).unwrap();
        }
        let mean_gap = last.0 as f64 / 5000.0;
        assert!((mean_gap - 4e6).abs() < 0.1e6, "{mean_gap}");
    }
}
