//! Mesos role names (Mesos 1.11 `Resources::fromString` in `src/common/resources.cpp`, reference mesos-master.md §2.3, `roles::validate`, and
//! Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4 for which reservations a role may use).

/// The unreserved role, `"*"`.
pub const UNRESERVED: &str = "*";

/// Checks a role name the way Mesos does: `*` is the default role; any other
/// name is non-empty, has no whitespace or backspace, no leading, trailing or
/// doubled `/`, and no path component that is `.`, `..`, `*` or starts with
/// `-`.
pub fn validate_role(role: &str) -> Result<(), String> {
    if role == UNRESERVED {
        return Ok(());
    }
    if role.is_empty() {
        return Err("a role name must not be empty".into());
    }
    if let Some(c) = role
        .chars()
        .find(|c| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\x08'))
    {
        return Err(format!(
            "role '{role}' contains whitespace or a control character ({c:?})"
        ));
    }
    if role.starts_with('/') || role.ends_with('/') {
        return Err(format!("role '{role}' must not start or end with '/'"));
    }
    for component in role.split('/') {
        match component {
            "" => return Err(format!("role '{role}' contains '//'")),
            "." | ".." => {
                return Err(format!(
                    "role '{role}' has '{component}' as a path component"
                ));
            }
            "*" => {
                return Err(format!(
                    "role '{role}': '*' may not be a component of a hierarchical role"
                ));
            }
            c if c.starts_with('-') => {
                return Err(format!(
                    "role '{role}': the component '{c}' must not start with '-'"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether resources reserved to `reserved` may be offered to a framework in
/// `role`: unreserved resources always, reserved ones when reserved to the
/// role itself or one of its ancestors (`Resources::isAllocatableTo`,
/// Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4).
pub fn is_allocatable_to(reserved: &str, role: &str) -> bool {
    reserved == UNRESERVED
        || reserved == role
        || (role.len() > reserved.len()
            && role.starts_with(reserved)
            && role.as_bytes()[reserved.len()] == b'/')
}

/// The top-level component of a (possibly hierarchical) role.
pub fn top_level(role: &str) -> &str {
    role.split('/').next().unwrap_or(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_roles() {
        for r in ["*", "analytics", "eng/frontend", "a-b", "a.b", "x*"] {
            assert_eq!(validate_role(r), Ok(()), "{r}");
        }
    }

    #[test]
    fn rejects_invalid_roles_with_reasons() {
        let cases = [
            ("", "a role name must not be empty"),
            (".", "role '.' has '.' as a path component"),
            ("..", "role '..' has '..' as a path component"),
            (
                "-a",
                "role '-a': the component '-a' must not start with '-'",
            ),
            (
                "a/-b",
                "role 'a/-b': the component '-b' must not start with '-'",
            ),
            (
                "a b",
                "role 'a b' contains whitespace or a control character (' ')",
            ),
            ("/a", "role '/a' must not start or end with '/'"),
            ("a/", "role 'a/' must not start or end with '/'"),
            ("a//b", "role 'a//b' contains '//'"),
            (
                "a/*",
                "role 'a/*': '*' may not be a component of a hierarchical role",
            ),
        ];
        for (role, msg) in cases {
            assert_eq!(validate_role(role), Err(msg.to_string()), "{role:?}");
        }
    }

    #[test]
    fn allocatable_to_self_ancestors_and_unreserved() {
        assert!(is_allocatable_to("*", "a"));
        assert!(is_allocatable_to("a", "a"));
        assert!(is_allocatable_to("a", "a/b"));
        assert!(!is_allocatable_to("a/b", "a"));
        assert!(!is_allocatable_to("a", "ab"));
        assert!(!is_allocatable_to("b", "a"));
        assert_eq!(top_level("a/b/c"), "a");
    }
}
