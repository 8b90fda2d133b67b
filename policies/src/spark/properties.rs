//! `spark-defaults.conf` text as Spark reads it.
//!
//! Spark 3.0 `Utils.getPropertiesFromFile` loads the file with Java's
//! `java.util.Properties.load` (UTF-8) and trims every value;
//! `SparkSubmitArguments.ignoreNonSparkProperties` then drops keys that do
//! not start with `spark.` with a warning. The Java grammar, restated:
//!
//! - a line ending in an odd number of backslashes continues on the next
//!   line, whose leading whitespace is skipped;
//! - blank lines and lines whose first non-blank character is `#` or `!`
//!   are comments;
//! - the key runs to the first unescaped `=`, `:`, space, tab or form
//!   feed; then blanks, at most one `=` or `:`, and blanks again separate
//!   it from the value, which is the rest of the line;
//! - `\t`, `\n`, `\r`, `\f` and `\uXXXX` are escapes, any other `\c` is `c`;
//! - a key given twice keeps its last value.
//!
//! So the usual whitespace-separated `spark.executor.memory  4g` and the
//! `key=value` and `key: value` forms all read the same.

use crate::model::GrammarError;

/// One property read from the text, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// Everything the text sets, in file order with later repeats removed (the
/// last value of a key wins), and the keys Spark ignores because they do
/// not start with `spark.`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertiesFile {
    pub properties: Vec<Property>,
    pub ignored: Vec<Property>,
}

/// Reads `spark-defaults.conf` text. Errors name the byte offset of the
/// line at fault (a malformed `\u` escape is the only error Java raises).
pub fn parse_properties(text: &str) -> Result<PropertiesFile, GrammarError> {
    let mut out = PropertiesFile::default();
    for (line, offset, logical) in logical_lines(text) {
        let trimmed = logical.trim_start_matches([' ', '\t', '\u{c}']);
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        let (key, value) = split_key_value(trimmed);
        let key =
            unescape(key).map_err(|m| GrammarError::new(offset, format!("line {line}: {m}")))?;
        let value =
            unescape(value).map_err(|m| GrammarError::new(offset, format!("line {line}: {m}")))?;
        let p = Property {
            key,
            value: value.trim().to_string(),
            line,
        };
        let list = if p.key.starts_with("spark.") {
            &mut out.properties
        } else {
            &mut out.ignored
        };
        list.retain(|q| q.key != p.key);
        list.push(p);
    }
    Ok(out)
}

/// (line number, byte offset, text) of each logical line, continuations
/// joined with the next line's leading blanks removed.
fn logical_lines(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, String)> = None;
    let mut offset = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let natural = raw.strip_suffix('\r').unwrap_or(raw);
        let piece = match &current {
            Some(_) => natural.trim_start_matches([' ', '\t', '\u{c}']),
            None => natural,
        };
        let trailing = piece.chars().rev().take_while(|&c| c == '\\').count();
        let continues = trailing % 2 == 1;
        let body = if continues {
            &piece[..piece.len() - 1]
        } else {
            piece
        };
        let entry = current.get_or_insert_with(|| (i + 1, offset, String::new()));
        entry.2.push_str(body);
        // A comment line never continues (Java checks comments first).
        let comment = {
            let t = entry.2.trim_start_matches([' ', '\t', '\u{c}']);
            t.starts_with('#') || t.starts_with('!')
        };
        if !continues || comment {
            out.extend(current.take());
        }
        offset += raw.len() + 1;
    }
    out.extend(current);
    out
}

/// The key (up to the first unescaped separator) and the raw value.
fn split_key_value(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => break,
            _ => i += 1,
        }
    }
    let i = i.min(bytes.len());
    let key = &line[..i];
    let mut rest = line[i..].trim_start_matches([' ', '\t', '\u{c}']);
    if let Some(r) = rest.strip_prefix(['=', ':']) {
        rest = r.trim_start_matches([' ', '\t', '\u{c}']);
    }
    (key, rest)
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("malformed \\uxxxx encoding \"\\u{hex}\""))?;
                out.push(code);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_properties(text)
            .unwrap()
            .properties
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    #[test]
    fn the_three_separators_read_the_same() {
        let text = "spark.master            mesos://m:5050\n\
                    spark.executor.memory=4g\n\
                    spark.cores.max : 32   \n\
                    spark.eventLog.enabled\ttrue\n";
        assert_eq!(
            pairs(text),
            [
                ("spark.master".to_string(), "mesos://m:5050".to_string()),
                ("spark.executor.memory".into(), "4g".into()),
                ("spark.cores.max".into(), "32".into()),
                ("spark.eventLog.enabled".into(), "true".into()),
            ]
        );
    }

    #[test]
    fn comments_continuations_escapes_and_repeats() {
        let text = "# a comment\n  ! another\n\nspark.mesos.constraints  os:centos7;\\\n    zone:a\n\
                    spark.app.name  caf\\u00e9\\tbar\nspark.cores.max 8\r\nspark.cores.max 16\n\
                    spark.a\\=b  x\n";
        assert_eq!(
            pairs(text),
            [
                (
                    "spark.mesos.constraints".to_string(),
                    "os:centos7;zone:a".to_string()
                ),
                ("spark.app.name".into(), "café\tbar".into()),
                ("spark.cores.max".into(), "16".into()),
                ("spark.a=b".into(), "x".into()),
            ]
        );
        let parsed = parse_properties(text).unwrap();
        assert_eq!(parsed.properties[2].line, 8, "the last value's line");
    }

    #[test]
    fn non_spark_keys_are_set_aside_and_bad_escapes_fail() {
        let parsed = parse_properties("foo bar\nspark.x 1\n").unwrap();
        assert_eq!(parsed.ignored[0].key, "foo");
        assert_eq!(parsed.properties.len(), 1);
        let e = parse_properties("spark.x 1\nspark.y \\u12\n").unwrap_err();
        assert_eq!(e.pos, 10);
        assert!(e.message.starts_with("line 2: malformed \\uxxxx"), "{e}");
        // A key alone has the empty value.
        assert_eq!(pairs("spark.k\n"), [("spark.k".to_string(), String::new())]);
    }
}
