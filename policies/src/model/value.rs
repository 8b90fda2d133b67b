//! Mesos values and how a value string is classified.
//!
//! Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1 (`values::parse`): spaces are removed, the
//! three bracket pairs must balance, a leading `[` makes RANGES (coalesced), a
//! leading `{` makes a SET, a finite non-negative number makes a SCALAR, and
//! anything else is TEXT. We follow Mesos after commit `9c0787682` (newer than
//! 1.11.0): `inf`, `nan` and negative numbers are TEXT rather than an error
//! (see docs/deviations.md).

use std::fmt;

/// A parse error in one of the Mesos or Spark text grammars.
///
/// `pos` is a byte offset into the string the caller handed over; the
/// `Display` form names it as a 1-based character column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrammarError {
    pub pos: usize,
    pub message: String,
}

impl GrammarError {
    pub fn new(pos: usize, message: impl Into<String>) -> GrammarError {
        GrammarError {
            pos,
            message: message.into(),
        }
    }

    /// The same error seen from a larger string in which this one starts at
    /// byte `offset`.
    pub fn shifted(mut self, offset: usize) -> GrammarError {
        self.pos += offset;
        self
    }
}

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.pos + 1)
    }
}

impl std::error::Error for GrammarError {}

/// Inclusive ranges of non-negative integers, e.g. ports `[31000-32000]`.
///
/// Kept sorted and coalesced (overlapping or adjacent ranges merged,
/// Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1 step 3). Inverted ranges (`[5-1]`) are kept
/// as written, as Mesos keeps them for attributes; resource validation
/// rejects them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ranges(Vec<(u64, u64)>);

impl Ranges {
    /// Builds coalesced ranges from `(begin, end)` pairs in any order.
    pub fn new(mut pairs: Vec<(u64, u64)>) -> Ranges {
        pairs.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::with_capacity(pairs.len());
        for (begin, end) in pairs {
            if begin > end {
                out.push((begin, end));
                continue;
            }
            match out.last_mut() {
                Some(last) if last.0 <= last.1 && begin <= last.1.saturating_add(1) => {
                    last.1 = last.1.max(end);
                }
                _ => out.push((begin, end)),
            }
        }
        Ranges(out)
    }

    pub fn single(begin: u64, end: u64) -> Ranges {
        Ranges::new(vec![(begin, end)])
    }

    pub fn pairs(&self) -> &[(u64, u64)] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of integers covered (the "quantity" of a ranges resource).
    pub fn count(&self) -> u64 {
        self.0
            .iter()
            .filter(|(b, e)| b <= e)
            .map(|(b, e)| e - b + 1)
            .sum()
    }

    pub fn contains_value(&self, value: u64) -> bool {
        self.0.iter().any(|&(b, e)| b <= value && value <= e)
    }

    pub fn has_inverted(&self) -> bool {
        self.0.iter().any(|(b, e)| b > e)
    }

    /// Every integer of `other` is covered by `self`.
    pub fn contains(&self, other: &Ranges) -> bool {
        other.0.iter().filter(|(b, e)| b <= e).all(|&(b, e)| {
            self.0
                .iter()
                .any(|&(sb, se)| sb <= se && sb <= b && e <= se)
        })
    }

    pub fn union(&self, other: &Ranges) -> Ranges {
        let mut all = self.0.clone();
        all.extend_from_slice(&other.0);
        Ranges::new(all)
    }

    /// The integers of `self` that `other` does not cover.
    pub fn difference(&self, other: &Ranges) -> Ranges {
        let mut out = Vec::new();
        for &(b, e) in &self.0 {
            if b > e {
                continue;
            }
            let mut pieces = vec![(b, e)];
            for &(ob, oe) in &other.0 {
                if ob > oe {
                    continue;
                }
                let mut next = Vec::with_capacity(pieces.len() + 1);
                for (pb, pe) in pieces {
                    if oe < pb || ob > pe {
                        next.push((pb, pe));
                        continue;
                    }
                    if ob > pb {
                        next.push((pb, ob - 1));
                    }
                    if oe < pe {
                        next.push((oe + 1, pe));
                    }
                }
                pieces = next;
            }
            out.extend(pieces);
        }
        Ranges::new(out)
    }
}

impl fmt::Display for Ranges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, (b, e)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{b}-{e}")?;
        }
        f.write_str("]")
    }
}

/// A classified Mesos value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The double Mesos parsed. Resources convert it to fixed point
    /// ([`crate::model::Milli`]); Spark's constraint matching compares it as a
    /// double (Spark 3.0 `MesosSchedulerUtils.matchesAttributeRequirements`, reference spark-on-mesos.md §3.3).
    Scalar(f64),
    Ranges(Ranges),
    /// Items as written (Mesos rejects duplicates only in resources).
    Set(Vec<String>),
    Text(String),
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Scalar(_) => ValueKind::Scalar,
            Value::Ranges(_) => ValueKind::Ranges,
            Value::Set(_) => ValueKind::Set,
            Value::Text(_) => ValueKind::Text,
        }
    }
}

/// The four Mesos value types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueKind {
    Scalar,
    Ranges,
    Set,
    Text,
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueKind::Scalar => "SCALAR",
            ValueKind::Ranges => "RANGES",
            ValueKind::Set => "SET",
            ValueKind::Text => "TEXT",
        })
    }
}

/// Renders a value so that [`parse_value`] gives it back.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Scalar(x) => write!(f, "{x}"),
            Value::Ranges(r) => write!(f, "{r}"),
            Value::Set(items) => {
                f.write_str("{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(item)?;
                }
                f.write_str("}")
            }
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// Classifies one value string (Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1).
///
/// Error positions are byte offsets into `input` as given (before the spaces
/// were removed).
pub fn parse_value(input: &str) -> Result<Value, GrammarError> {
    // Step 1: remove every space, remembering where each kept byte came from.
    let mut text = String::with_capacity(input.len());
    let mut origin: Vec<usize> = Vec::with_capacity(input.len());
    for (i, c) in input.char_indices() {
        if c != ' ' {
            text.push(c);
            origin.extend(std::iter::repeat_n(i, c.len_utf8()));
        }
    }
    origin.push(input.len());
    let at = |i: usize| origin[i.min(origin.len() - 1)];
    if text.is_empty() {
        return Err(GrammarError::new(0, "expected a non-empty value"));
    }

    // Step 2: each bracket kind balances on its own.
    for (open, close) in [('{', '}'), ('[', ']'), ('(', ')')] {
        let mut depth = 0usize;
        let mut last_open = 0usize;
        for (i, c) in text.char_indices() {
            if c == open {
                depth += 1;
                last_open = i;
            } else if c == close {
                if depth == 0 {
                    return Err(GrammarError::new(
                        at(i),
                        format!("mismatched brackets: '{close}' without an opening '{open}'"),
                    ));
                }
                depth -= 1;
            }
        }
        if depth != 0 {
            return Err(GrammarError::new(
                at(last_open),
                format!("mismatched brackets: '{open}' is never closed"),
            ));
        }
    }

    // Step 3: ranges.
    if let Some(i) = text.find('[') {
        if i != 0 {
            return Err(GrammarError::new(
                at(i),
                "unexpected '[': a ranges value must start with '[' like [31000-32000]",
            ));
        }
        let tokens = tokenize(&text, &['[', ']', '-', ',', '\n']);
        if !tokens.len().is_multiple_of(2) {
            let (pos, _) = tokens.last().copied().unwrap_or((0, ""));
            return Err(GrammarError::new(
                at(pos),
                "expected one or more ranges written begin-end, like [1000-2000,3000-4000]",
            ));
        }
        let mut pairs = Vec::with_capacity(tokens.len() / 2);
        for pair in tokens.chunks(2) {
            let begin =
                parse_bound(pair[0].1).ok_or_else(|| bound_error(at(pair[0].0), pair[0].1))?;
            let end =
                parse_bound(pair[1].1).ok_or_else(|| bound_error(at(pair[1].0), pair[1].1))?;
            pairs.push((begin, end));
        }
        return Ok(Value::Ranges(Ranges::new(pairs)));
    }

    // Step 4: sets.
    if let Some(i) = text.find('{') {
        if i != 0 {
            return Err(GrammarError::new(
                at(i),
                "unexpected '{': a set value must start with '{' like {a,b}",
            ));
        }
        let tokens = tokenize(&text, &['{', '}', ',', '\n']);
        // Mesos balances each bracket kind over the whole value only, so
        // `{a(,)b}` passes there with items `a(` and `)b`; such a set
        // cannot be printed back (items are kept sorted), so an item must
        // balance its own parentheses here (docs/deviations.md).
        if let Some((pos, item)) = tokens.iter().find(|(_, t)| !parens_balance(t)) {
            return Err(GrammarError::new(
                at(*pos),
                format!("set item '{item}' must balance its own parentheses"),
            ));
        }
        let items = tokens.into_iter().map(|(_, t)| t.to_string()).collect();
        return Ok(Value::Set(items));
    }

    // Step 5: numbers.
    if let Some(x) = parse_number(&text)
        && x.is_finite()
        && x >= 0.0
    {
        if x != 0.0 && !x.is_normal() {
            return Err(GrammarError::new(
                0,
                format!("'{text}' is a subnormal number, which Mesos rejects"),
            ));
        }
        return Ok(Value::Scalar(x));
    }

    // Step 6: text.
    Ok(Value::Text(text))
}

fn bound_error(pos: usize, token: &str) -> GrammarError {
    GrammarError::new(
        pos,
        format!("expected a non-negative integer range bound, got '{token}'"),
    )
}

/// Splits on any of `delims`, dropping empty tokens (stout's `tokenize`).
/// Returns each token with its byte offset.
pub(crate) fn tokenize<'a>(text: &'a str, delims: &[char]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if delims.contains(&c) {
            if i > start {
                out.push((start, &text[start..i]));
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

/// An unsigned 64-bit range bound: decimal digits, or `0x` hexadecimal as
/// stout's `numify` accepts.
fn parse_bound(token: &str) -> Option<u64> {
    if let Some(hex) = token
        .strip_prefix("0x")
        .or_else(|| token.strip_prefix("0X"))
    {
        return u64::from_str_radix(hex, 16).ok();
    }
    if token.bytes().all(|b| b.is_ascii_digit()) {
        token.parse().ok()
    } else {
        None
    }
}

/// A double as `boost::lexical_cast` reads one, plus plain hexadecimal
/// integers (`0x1A` is 26; Mesos 1.11 `values::parse` in `src/common/values.cpp`, reference mesos-master.md §2.1 step 5).
fn parse_number(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let v = u64::from_str_radix(hex, 16).ok()? as f64;
            return Some(if neg { -v } else { v });
        }
        return None;
    }
    // Rust's grammar is close to lexical_cast's; it also accepts "inf" and
    // "nan" spellings, which end up as TEXT exactly as Mesos HEAD does.
    let x: f64 = body.parse().ok()?;
    Some(if neg { -x } else { x })
}

/// Whether `(` and `)` nest properly in `t`.
fn parens_balance(t: &str) -> bool {
    let mut depth = 0usize;
    for c in t.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return false,
            ')' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> Value {
        Value::Set(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn classifies_like_mesos_values_tests() {
        assert_eq!(parse_value("10"), Ok(Value::Scalar(10.0)));
        assert_eq!(parse_value("45.55"), Ok(Value::Scalar(45.55)));
        assert_eq!(parse_value("0x1A"), Ok(Value::Scalar(26.0)));
        assert_eq!(parse_value(" 1 0 "), Ok(Value::Scalar(10.0)));
        assert_eq!(
            parse_value("[1-5]"),
            Ok(Value::Ranges(Ranges::single(1, 5)))
        );
        assert_eq!(
            parse_value("[10000-20000, 30000-50000]").unwrap(),
            Value::Ranges(Ranges::new(vec![(10000, 20000), (30000, 50000)]))
        );
        assert_eq!(parse_value("{a,b}"), Ok(set(&["a", "b"])));
        assert_eq!(parse_value("{}"), Ok(set(&[])));
        assert_eq!(parse_value("abc"), Ok(Value::Text("abc".into())));
        assert_eq!(parse_value("centos5"), Ok(Value::Text("centos5".into())));
        assert_eq!(parse_value("1.5GB"), Ok(Value::Text("1.5GB".into())));
        assert_eq!(parse_value("123abc,s"), Ok(Value::Text("123abc,s".into())));
        assert_eq!(parse_value("a b"), Ok(Value::Text("ab".into())));
        assert_eq!(parse_value("rack(1)"), Ok(Value::Text("rack(1)".into())));
    }

    #[test]
    fn negative_infinite_and_nan_are_text_after_mesos_1_11() {
        for s in ["-5", "inf", "-inf", "infinity", "nan", "-0.5"] {
            assert_eq!(parse_value(s), Ok(Value::Text(s.into())), "{s}");
        }
    }

    #[test]
    fn coalesces_overlapping_and_adjacent_ranges() {
        assert_eq!(
            parse_value("[1-5,6-9]"),
            Ok(Value::Ranges(Ranges::single(1, 9)))
        );
        assert_eq!(
            parse_value("[6-9,1-7]"),
            Ok(Value::Ranges(Ranges::single(1, 9)))
        );
        assert_eq!(parse_value("[1-5,7-9]").unwrap().to_string(), "[1-5,7-9]");
        assert_eq!(parse_value("[]"), Ok(Value::Ranges(Ranges::default())));
        // Inverted ranges are kept as written (attributes do not validate them).
        assert_eq!(parse_value("[5-1]").unwrap().to_string(), "[5-1]");
    }

    #[test]
    fn errors_name_the_position_and_the_expectation() {
        let cases = [
            (
                "[1-2]]",
                5,
                "mismatched brackets: ']' without an opening '['",
            ),
            (
                "{aa,b}}",
                6,
                "mismatched brackets: '}' without an opening '{'",
            ),
            ("(a", 0, "mismatched brackets: '(' is never closed"),
            ("a]", 1, "mismatched brackets: ']' without an opening '['"),
            (
                "[1-2b]",
                3,
                "expected a non-negative integer range bound, got '2b'",
            ),
            (
                "[1-2-3]",
                5,
                "expected one or more ranges written begin-end, like [1000-2000,3000-4000]",
            ),
            (
                "a[1]",
                1,
                "unexpected '[': a ranges value must start with '[' like [31000-32000]",
            ),
            (
                "a{1}",
                1,
                "unexpected '{': a set value must start with '{' like {a,b}",
            ),
            ("  ", 0, "expected a non-empty value"),
            ("", 0, "expected a non-empty value"),
            (
                "7.63918e-313",
                0,
                "'7.63918e-313' is a subnormal number, which Mesos rejects",
            ),
        ];
        for (input, pos, message) in cases {
            assert_eq!(
                parse_value(input),
                Err(GrammarError::new(pos, message)),
                "{input:?}"
            );
        }
        // Positions refer to the string as written, spaces included.
        assert_eq!(parse_value("[1 - 2 b]").unwrap_err().pos, 5);
    }

    #[test]
    fn a_set_item_balances_its_own_parentheses() {
        // Found by fuzzing: Mesos would take `a(` and `)b` as items, which
        // print back (sorted) as `{)b,a(}`, no longer a value.
        let e = parse_value("{a(,)b}").unwrap_err();
        assert_eq!(e.pos, 1);
        assert_eq!(e.message, "set item 'a(' must balance its own parentheses");
        assert!(parse_value("{f(x),g}").is_ok());
    }

    #[test]
    fn range_arithmetic() {
        let a = Ranges::new(vec![(1, 10), (20, 30)]);
        assert_eq!(a.count(), 21);
        assert!(a.contains(&Ranges::single(3, 7)));
        assert!(!a.contains(&Ranges::single(9, 21)));
        assert_eq!(
            a.difference(&Ranges::single(5, 25)),
            Ranges::new(vec![(1, 4), (26, 30)])
        );
        assert_eq!(a.union(&Ranges::single(11, 19)), Ranges::single(1, 30));
        assert!(a.contains_value(20) && !a.contains_value(15));
    }
}
