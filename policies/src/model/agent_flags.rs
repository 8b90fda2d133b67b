//! An agent's `--resources` and `--attributes` pasted as they are written
//! on a Mesos agent's command line or in its environment:
//!
//! - the bare value, `cpus:8;mem:16384`;
//! - the flag, `--resources=cpus:8;mem:16384` (quotes around the value, as
//!   a shell line has them, are removed);
//! - the environment form of Mesos flags, `MESOS_RESOURCES=cpus:8;…`
//!   (stout `FlagsBase::load` with the `MESOS_` prefix);
//! - for resources, the JSON form: an array of `Resource` objects, which
//!   Mesos 1.11 `Resources::fromString` tries before the text form
//!   (`src/common/resources.cpp`; reference mesos-master.md §2.3).
//!
//! A value that starts with `--` and is not the expected flag is an error,
//! never a resource or attribute whose name begins with dashes.

use super::attributes::{Attributes, ParsedAttributes};
use super::resources::Resources;
use super::value::GrammarError;

/// The two agent flags a scenario holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentFlag {
    Resources,
    Attributes,
}

impl AgentFlag {
    fn name(self) -> &'static str {
        match self {
            AgentFlag::Resources => "resources",
            AgentFlag::Attributes => "attributes",
        }
    }
}

/// The value of `flag` in `text`, and the byte offset where it starts.
pub fn flag_value(text: &str, flag: AgentFlag) -> Result<(&str, usize), GrammarError> {
    let lead = text.len() - text.trim_start().len();
    let body = text.trim();
    let (name, rest, at) = if let Some(after) = body.strip_prefix("--") {
        match after.split_once('=') {
            Some((n, v)) => (n, v, lead + 2 + n.len() + 1),
            None => {
                return Err(GrammarError::new(
                    lead,
                    format!(
                        "'{body}' is a flag without a value: write --{}=VALUE or just the value",
                        flag.name()
                    ),
                ));
            }
        }
    } else if let Some(after) = body.strip_prefix("MESOS_") {
        match after.split_once('=') {
            Some((n, v)) if n.chars().all(|c| c.is_ascii_uppercase() || c == '_') => {
                let lower = n.to_ascii_lowercase();
                if lower != flag.name() {
                    return Err(wrong_flag(lead, &format!("MESOS_{n}"), &lower, flag));
                }
                (flag.name(), v, lead + 6 + n.len() + 1)
            }
            _ => return Ok((text, 0)),
        }
    } else {
        return Ok((text, 0));
    };
    if name != flag.name() {
        return Err(wrong_flag(lead, &format!("--{name}"), name, flag));
    }
    // Quotes a shell line keeps around the value.
    let unquoted = ['\'', '"'].iter().find_map(|q| {
        rest.strip_prefix(*q)
            .and_then(|r| r.strip_suffix(*q))
            .map(|r| (r, at + 1))
    });
    Ok(unquoted.unwrap_or((rest, at)))
}

fn wrong_flag(at: usize, written: &str, name: &str, flag: AgentFlag) -> GrammarError {
    let other = match flag {
        AgentFlag::Resources => AgentFlag::Attributes,
        AgentFlag::Attributes => AgentFlag::Resources,
    };
    let advice = if name == other.name() {
        format!(
            "this is the agent's --{} flag: put it in the group's `{}`",
            other.name(),
            other.name()
        )
    } else {
        format!(
            "`{}` takes the agent's --{} flag (or just its value), not {written}",
            flag.name(),
            flag.name()
        )
    };
    GrammarError::new(at, format!("{written}: {advice}"))
}

impl Resources {
    /// An agent's `--resources` in any of the forms of the module docs.
    pub fn parse_agent_flag(text: &str) -> Result<Resources, GrammarError> {
        let (value, at) = flag_value(text, AgentFlag::Resources)?;
        let trimmed = value.trim_start();
        let lead = value.len() - trimmed.len();
        if trimmed.starts_with('[') {
            return from_json(trimmed).map_err(|e| e.shifted(at + lead));
        }
        Resources::parse(value).map_err(|e| e.shifted(at))
    }
}

impl Attributes {
    /// An agent's `--attributes`, bare or as the flag.
    pub fn parse_agent_flag(text: &str) -> Result<ParsedAttributes, GrammarError> {
        let (value, at) = flag_value(text, AgentFlag::Attributes)?;
        Attributes::parse(value).map_err(|e| e.shifted(at))
    }
}

/// The JSON form: `[{"name": "cpus", "type": "SCALAR", "scalar": {"value":
/// 8}}, …]`, with `ranges: {range: [{begin, end}]}`, `set: {item: […]}`,
/// and a static reservation as `role` or `reservations: [{type:
/// "STATIC", role}]` (the last one is the role). Each item is restated
/// in the text form and read by the same parser, so every rule of Mesos 1.11 `Resources::fromString` in `src/common/resources.cpp`, reference mesos-master.md §2.3
/// holds alike; dynamic reservations, persistent volumes and revocable
/// resources are refused as Mesos refuses them on the command line.
fn from_json(text: &str) -> Result<Resources, GrammarError> {
    use serde_json::Value as J;
    let parsed: J = serde_json::from_str(text).map_err(|e| {
        let offset = text
            .split('\n')
            .take(e.line().saturating_sub(1))
            .map(|l| l.len() + 1)
            .sum::<usize>()
            + e.column().saturating_sub(1);
        GrammarError::new(
            offset.min(text.len()),
            format!("invalid JSON resources: {e}"),
        )
    })?;
    let J::Array(items) = parsed else {
        return Err(GrammarError::new(
            0,
            "JSON resources must be an array of Resource objects",
        ));
    };
    let mut simple = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let bad = |m: String| GrammarError::new(0, format!("JSON resource {i}: {m}"));
        let J::Object(fields) = item else {
            return Err(bad("expected an object like {\"name\": \"cpus\", \"type\": \"SCALAR\", \"scalar\": {\"value\": 8}}".into()));
        };
        for key in fields.keys() {
            if ![
                "name",
                "type",
                "scalar",
                "ranges",
                "set",
                "role",
                "reservations",
            ]
            .contains(&key.as_str())
            {
                return Err(bad(match key.as_str() {
                    "disk" | "revocable" | "shared" | "provider_id" | "allocation_info" => {
                        format!(
                            "\"{key}\" is not allowed in an agent's --resources (persistent volumes, revocable and shared resources are not command-line resources)"
                        )
                    }
                    _ => format!(
                        "unknown field \"{key}\" (expected name, type, scalar, ranges, set, role, reservations)"
                    ),
                }));
            }
        }
        let name = fields
            .get("name")
            .and_then(J::as_str)
            .ok_or_else(|| bad("missing \"name\"".into()))?;
        if name.is_empty() || name.contains([';', ':', '(', ')', '[', ']', '{', '}']) {
            return Err(bad(format!("invalid resource name \"{name}\"")));
        }
        let mut role = fields.get("role").and_then(J::as_str).map(str::to_string);
        if let Some(r) = fields.get("reservations") {
            let list = r
                .as_array()
                .ok_or_else(|| bad("\"reservations\" must be an array".into()))?;
            for res in list {
                let kind = res.get("type").and_then(J::as_str).unwrap_or("STATIC");
                if kind != "STATIC" {
                    return Err(bad(format!(
                        "a {kind} reservation is not allowed on the command line (only STATIC)"
                    )));
                }
                let r = res
                    .get("role")
                    .and_then(J::as_str)
                    .ok_or_else(|| bad("a reservation needs a \"role\"".into()))?;
                role = Some(r.to_string());
            }
        }
        let kind = fields.get("type").and_then(J::as_str);
        let value = match (
            kind,
            fields.get("scalar"),
            fields.get("ranges"),
            fields.get("set"),
        ) {
            (Some("SCALAR") | None, Some(s), None, None) => {
                let v = s
                    .get("value")
                    .and_then(J::as_f64)
                    .ok_or_else(|| bad("\"scalar\" needs a numeric \"value\"".into()))?;
                if v < 0.0 {
                    return Err(bad(format!("'{name}' is negative ({v})")));
                }
                format!("{v}")
            }
            (Some("RANGES") | None, None, Some(r), None) => {
                let list = r
                    .get("range")
                    .and_then(J::as_array)
                    .ok_or_else(|| bad("\"ranges\" needs a \"range\" array".into()))?;
                let mut parts = Vec::with_capacity(list.len());
                for range in list {
                    let b = range.get("begin").and_then(J::as_u64);
                    let e = range.get("end").and_then(J::as_u64);
                    let (Some(b), Some(e)) = (b, e) else {
                        return Err(bad(
                            "a range needs non-negative integer \"begin\" and \"end\"".into(),
                        ));
                    };
                    parts.push(format!("{b}-{e}"));
                }
                format!("[{}]", parts.join(","))
            }
            (Some("SET") | None, None, None, Some(s)) => {
                let list = s
                    .get("item")
                    .and_then(J::as_array)
                    .ok_or_else(|| bad("\"set\" needs an \"item\" array".into()))?;
                let mut items = Vec::with_capacity(list.len());
                for it in list {
                    let t = it
                        .as_str()
                        .ok_or_else(|| bad("set items must be strings".into()))?;
                    if t.contains([',', '{', '}', ';', '\n']) {
                        return Err(bad(format!("invalid set item \"{t}\"")));
                    }
                    items.push(t.to_string());
                }
                format!("{{{}}}", items.join(","))
            }
            (Some(k), _, _, _) if !["SCALAR", "RANGES", "SET"].contains(&k) => {
                return Err(bad(format!(
                    "type \"{k}\" is not a resource type (SCALAR, RANGES, SET; TEXT is refused for resources)"
                )));
            }
            _ => {
                return Err(bad(format!(
                    "give exactly one of \"scalar\", \"ranges\" or \"set\", matching \"type\" (got type {})",
                    kind.unwrap_or("none")
                )));
            }
        };
        let key = match &role {
            Some(r) => format!("{name}({r})"),
            None => name.to_string(),
        };
        simple.push(format!("{key}:{value}"));
    }
    Resources::parse(&simple.join(";"))
        .map_err(|e| GrammarError::new(0, format!("JSON resources: {}", e.message)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Milli;

    #[test]
    fn the_flag_forms_read_as_the_bare_value() {
        let bare = Resources::parse("cpus:8;mem:16384").unwrap();
        for form in [
            "--resources=cpus:8;mem:16384",
            "  --resources='cpus:8;mem:16384' ",
            "--resources=\"cpus:8;mem:16384\"",
            "MESOS_RESOURCES=cpus:8;mem:16384",
        ] {
            assert_eq!(Resources::parse_agent_flag(form).unwrap(), bare, "{form}");
        }
        let a = Attributes::parse_agent_flag("--attributes=rack:r1;zone:a").unwrap();
        assert_eq!(
            a.attributes,
            Attributes::parse("rack:r1;zone:a").unwrap().attributes
        );
    }

    #[test]
    fn other_flags_are_errors_not_resources() {
        let e = Resources::parse_agent_flag("--attributes=rack:r1").unwrap_err();
        assert_eq!(
            e.message,
            "--attributes: this is the agent's --attributes flag: put it in the group's `attributes`"
        );
        let e = Resources::parse_agent_flag("--resource=cpus:8").unwrap_err();
        assert!(
            e.message
                .contains("`resources` takes the agent's --resources flag"),
            "{e}"
        );
        let e = Attributes::parse_agent_flag("MESOS_RESOURCES=cpus:1").unwrap_err();
        assert!(
            e.message.contains("put it in the group's `resources`"),
            "{e}"
        );
        assert!(Resources::parse_agent_flag("--resources").is_err());
        // Positions point into the pasted text.
        let e = Resources::parse_agent_flag("--resources=cpus:4;a:b:c").unwrap_err();
        assert_eq!(e.pos, 19);
    }

    #[test]
    fn the_json_form_reads_as_the_text_form() {
        let json = r#"[
          {"name": "cpus", "type": "SCALAR", "scalar": {"value": 8}},
          {"name": "mem", "type": "SCALAR", "scalar": {"value": 16384}},
          {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 32000}]}},
          {"name": "disks", "type": "SET", "set": {"item": ["a", "b"]}},
          {"name": "cpus", "type": "SCALAR", "scalar": {"value": 4}, "reservations": [{"type": "STATIC", "role": "prod"}]},
          {"name": "gpus", "type": "SCALAR", "scalar": {"value": 1}, "role": "ml"}
        ]"#;
        let r = Resources::parse_agent_flag(&format!("--resources={json}")).unwrap();
        assert_eq!(
            r,
            Resources::parse(
                "cpus:8;mem:16384;ports:[31000-32000];disks:{a,b};cpus(prod):4;gpus(ml):1"
            )
            .unwrap()
        );
        assert_eq!(r.cpus(), Milli::from_units(12));
    }

    #[test]
    fn json_errors_say_which_item_and_why() {
        let e = |t: &str| Resources::parse_agent_flag(t).unwrap_err().message;
        assert!(
            e("[{\"name\": \"cpus\", \"type\": \"SCALAR\"}]")
                .contains("JSON resource 0: give exactly one of")
        );
        assert!(
            e("[{\"name\": \"cpus\", \"type\": \"TEXT\", \"text\": {}}]")
                .contains("unknown field \"text\"")
        );
        assert!(e("[{\"name\": \"d\", \"type\": \"SCALAR\", \"scalar\": {\"value\": 1}, \"disk\": {}}]").contains("not allowed in an agent's --resources"));
        assert!(e("[{\"name\": \"cpus\", \"scalar\": {\"value\": 1}, \"reservations\": [{\"type\": \"DYNAMIC\", \"role\": \"a\"}]}]").contains("DYNAMIC reservation"));
        assert!(
            e("[{\"name\": \"p\", \"ranges\": {\"range\": [{\"begin\": 5, \"end\": 1}]}}]")
                .contains("begins after it ends")
        );
        assert!(
            e("[{\"name\": \"cpus\", \"scalar\": {\"value\": 1e16}}]").contains("above the limit")
        );
        assert!(e("[{\"name\": \"cpus\",").starts_with("invalid JSON resources"));
        assert!(e("[1]").contains("JSON resource 0: expected an object"));
    }
}
