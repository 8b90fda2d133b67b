//! Simulated time: `u64` microseconds. The types live in `policies::time` so
//! that policies can be handed the time as a value; the simulator is the only
//! place that advances it. Scenario duration strings and the CSV seconds
//! format are defined there too and re-exported here.

pub use policies::time::{
    DurationGrammar, SimDuration, SimTime, TIME_SUFFIXES, format_secs, parse_duration,
};

/// A scenario duration string (`"1.5s"`, `"800ms"`; a unit is required).
pub fn parse_scenario_duration(s: &str) -> Result<SimDuration, String> {
    parse_duration(s, DurationGrammar::Scenario).map(|us| SimDuration(us as u64))
}
