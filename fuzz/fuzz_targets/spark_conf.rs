//! Spark's value grammars through the typed settings: sizes, durations,
//! booleans, numbers, constraints, roles, port maps — every key the table
//! knows, with arbitrary values, and the duration and size parsers alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policies::spark::conf::{ByteUnit, byte_string_as};
use policies::spark::{SparkConf, SparkSettings};
use policies::time::{DurationGrammar, parse_duration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = byte_string_as(text, ByteUnit::Mib);
    let _ = byte_string_as(text, ByteUnit::Byte);
    let _ = parse_duration(text, DurationGrammar::Scenario);
    let _ = parse_duration(
        text,
        DurationGrammar::Spark {
            default_unit_us: 1_000_000,
        },
    );
    // Lines of "key=value"; a line without '=' is a value for every key.
    let mut conf = SparkConf::new();
    for line in text.lines() {
        match line.split_once('=') {
            Some((k, v)) => {
                conf.set(k, v);
            }
            None => {
                for key in policies::spark::keys::KEYS {
                    conf.set(key.name, line);
                }
            }
        }
    }
    let _ = conf.warnings();
    if let Ok(s) = SparkSettings::from_conf(&conf) {
        let _ = (
            s.executor_memory_total_mib(),
            s.driver_memory_total_mib(),
            s.max_cores(),
        );
    }
});
