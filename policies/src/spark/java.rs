//! Java's number grammars, where Spark hands a string to `Double.parseDouble`
//! or `Long.parseLong` (constraint values, Spark 3.0 `MesosSchedulerUtils.matchesAttributeRequirements`, reference spark-on-mesos.md §3.3;
//! `toDouble` in Spark's config readers).

/// `java.lang.Double.parseDouble`: surrounding whitespace (code ≤ U+0020)
/// ignored; optional sign; decimal digits with optional fraction and
/// exponent, optionally ending in one of `fFdD`; or `NaN` / `Infinity`.
/// (Java's hexadecimal floating-point form is not accepted here.)
pub fn java_parse_double(s: &str) -> Option<f64> {
    let s = s.trim_matches(|c: char| c <= ' ');
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let signed = |x: f64| if neg { -x } else { x };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(signed(f64::INFINITY)),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    // Only digits, one '.', and an exponent: keeps out Rust-only spellings
    // such as "inf" or "nan".
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    body.parse::<f64>().ok().map(signed)
}

/// `java.lang.Long.parseLong`: optional sign and decimal digits, no
/// whitespace, within the range of a signed 64-bit integer.
pub fn java_parse_long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_number_grammar() {
        assert_eq!(java_parse_double(" 10 "), Some(10.0));
        assert_eq!(java_parse_double("1e3"), Some(1000.0));
        assert_eq!(java_parse_double("2.5d"), Some(2.5));
        assert_eq!(java_parse_double(".5"), Some(0.5));
        assert_eq!(java_parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(java_parse_double("NaN").unwrap().is_nan());
        for bad in ["", "inf", "nan", "1e", "e5", "1.5.2", "abc", "0x10", "."] {
            assert_eq!(java_parse_double(bad), None, "{bad}");
        }
        assert_eq!(java_parse_long("+42"), Some(42));
        assert_eq!(java_parse_long("-7"), Some(-7));
        for bad in ["", " 1", "1.0", "+", "99999999999999999999"] {
            assert_eq!(java_parse_long(bad), None, "{bad}");
        }
    }
}
