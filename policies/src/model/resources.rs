//! Mesos resources: the `--resources` string of an agent, offers, task
//! shapes, quota.
//!
//! Mesos 1.11 `Resources::fromString` in `src/common/resources.cpp`, reference mesos-master.md §2.3: `name(role):value` items separated by `;`;
//! each item splits on `:` into exactly two non-empty tokens (empty tokens are
//! dropped, so `cpus::4` parses); a role other than `*` is a static
//! reservation; TEXT values are refused; repeated entries with the same name,
//! type and role add up; empty entries (zero scalar, empty ranges or set) are
//! dropped. Scalars are fixed point ([`Milli`]). The JSON form Mesos also
//! accepts, and the `--resources=` flag around either, are read by
//! [`Resources::parse_agent_flag`] (`agent_flags.rs`).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use super::name::Name;
use super::role::{UNRESERVED, is_allocatable_to, validate_role};
use super::scalar::Milli;
use super::value::{GrammarError, Ranges, Value, ValueKind, parse_value, tokenize};

/// The quantity of one resource entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    Scalar(Milli),
    Ranges(Ranges),
    Set(BTreeSet<String>),
}

impl Quantity {
    pub fn kind(&self) -> ValueKind {
        match self {
            Quantity::Scalar(_) => ValueKind::Scalar,
            Quantity::Ranges(_) => ValueKind::Ranges,
            Quantity::Set(_) => ValueKind::Set,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Quantity::Scalar(m) => m.0 <= 0,
            Quantity::Ranges(r) => r.is_empty(),
            Quantity::Set(s) => s.is_empty(),
        }
    }

    fn add(&mut self, other: &Quantity) {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => *a += *b,
            (Quantity::Ranges(a), Quantity::Ranges(b)) => *a = a.union(b),
            (Quantity::Set(a), Quantity::Set(b)) => a.extend(b.iter().cloned()),
            _ => {}
        }
    }

    fn subtract(&mut self, other: &Quantity) {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => *a = a.saturating_sub(*b),
            (Quantity::Ranges(a), Quantity::Ranges(b)) => *a = a.difference(b),
            (Quantity::Set(a), Quantity::Set(b)) => a.retain(|x| !b.contains(x)),
            _ => {}
        }
    }

    fn contains(&self, other: &Quantity) -> bool {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => a >= b,
            (Quantity::Ranges(a), Quantity::Ranges(b)) => a.contains(b),
            (Quantity::Set(a), Quantity::Set(b)) => b.is_subset(a),
            _ => false,
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quantity::Scalar(m) => write!(f, "{m}"),
            Quantity::Ranges(r) => write!(f, "{r}"),
            Quantity::Set(items) => {
                f.write_str("{")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(item)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// One resource entry: a name, the role it is reserved to (`*` when
/// unreserved) and its quantity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Resource {
    pub name: Name,
    pub role: Name,
    pub quantity: Quantity,
}

impl Resource {
    pub fn is_reserved(&self) -> bool {
        self.role != UNRESERVED
    }

    fn key(&self) -> (&Name, &Name, ValueKind) {
        (&self.name, &self.role, self.quantity.kind())
    }
}

/// A bag of resources, kept sorted by (name, role, type) with one entry per
/// key and no empty entries, so equal bags compare equal.
///
/// The entries are shared and copied on write: an offer, the decline filter
/// it leaves and the pool it came from are usually the same bag, so copying
/// one is a counter bump, and the operations below recognise a bag shared
/// with itself (`pool − offer` where the offer is the whole pool is empty at
/// once). An empty bag holds no allocation.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Resources(Option<Arc<Vec<Resource>>>);

impl fmt::Debug for Resources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries()).finish()
    }
}

impl Resources {
    pub fn new() -> Resources {
        Resources(None)
    }

    fn entries(&self) -> &[Resource] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The entries for writing (copied first if shared).
    fn entries_mut(&mut self) -> &mut Vec<Resource> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    /// Restores "empty holds no allocation" after entries were removed.
    fn settle(&mut self) {
        if self.0.as_ref().is_some_and(|v| v.is_empty()) {
            self.0 = None;
        }
    }

    /// Whether both bags share one set of entries (then they are equal).
    pub fn same_as(&self, other: &Resources) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// Builds a bag from entries in any order; same keys add up, empty
    /// entries vanish.
    pub fn from_entries(entries: impl IntoIterator<Item = Resource>) -> Resources {
        let mut r = Resources::new();
        for e in entries {
            r.add_entry(e);
        }
        r
    }

    /// Unreserved scalars, a shorthand for tests and built-in shapes.
    pub fn scalars(pairs: &[(&str, Milli)]) -> Resources {
        let unreserved = Name::new(UNRESERVED);
        Resources::from_entries(pairs.iter().map(|(n, m)| Resource {
            name: Name::new(n),
            role: unreserved.clone(),
            quantity: Quantity::Scalar(*m),
        }))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Resource> {
        self.entries().iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn find(&self, key: (&Name, &Name, ValueKind)) -> Result<usize, usize> {
        self.entries().binary_search_by(|e| e.key().cmp(&key))
    }

    fn add_entry(&mut self, e: Resource) {
        if e.quantity.is_empty() {
            return;
        }
        match self.find(e.key()) {
            Ok(i) => self.entries_mut()[i].quantity.add(&e.quantity),
            Err(i) => self.entries_mut().insert(i, e),
        }
    }

    /// `self += other`.
    pub fn add(&mut self, other: &Resources) {
        if self.is_empty() {
            // Share the other bag's entries.
            self.0.clone_from(&other.0);
            return;
        }
        for e in other.entries() {
            self.add_entry(e.clone());
        }
    }

    /// `self -= other`; amounts stop at zero and emptied entries vanish.
    pub fn subtract(&mut self, other: &Resources) {
        if self.is_empty() || other.is_empty() {
            return;
        }
        if self.same_as(other) {
            self.0 = None;
            return;
        }
        for e in other.entries() {
            if let Ok(i) = self.find(e.key()) {
                let entries = self.entries_mut();
                entries[i].quantity.subtract(&e.quantity);
                if entries[i].quantity.is_empty() {
                    entries.remove(i);
                }
            }
        }
        self.settle();
    }

    pub fn plus(&self, other: &Resources) -> Resources {
        let mut r = self.clone();
        r.add(other);
        r
    }

    pub fn minus(&self, other: &Resources) -> Resources {
        let mut r = self.clone();
        r.subtract(other);
        r
    }

    /// Every entry of `other` fits in the entry of `self` with the same name,
    /// role and type (Mesos `Resources::contains`).
    pub fn contains(&self, other: &Resources) -> bool {
        if self.same_as(other) {
            return true;
        }
        other.entries().iter().all(|e| match self.find(e.key()) {
            Ok(i) => self.entries()[i].quantity.contains(&e.quantity),
            Err(_) => false,
        })
    }

    /// The part a framework in `role` may be offered: unreserved resources
    /// plus those reserved to `role` or an ancestor
    /// (Mesos 1.11 `allocator/mesos/hierarchical.cpp`, reference mesos-master.md §1.4).
    pub fn allocatable_to(&self, role: &str) -> Resources {
        self.filtered(|e| is_allocatable_to(&e.role, role))
    }

    pub fn unreserved(&self) -> Resources {
        self.filtered(|e| !e.is_reserved())
    }

    pub fn reserved(&self) -> Resources {
        self.filtered(|e| e.is_reserved())
    }

    pub fn filtered(&self, keep: impl Fn(&Resource) -> bool) -> Resources {
        if self.entries().iter().all(&keep) {
            // Everything kept: share the entries.
            return self.clone();
        }
        let kept: Vec<Resource> = self.entries().iter().filter(|e| keep(e)).cloned().collect();
        Resources((!kept.is_empty()).then(|| Arc::new(kept)))
    }

    /// The sum of the scalar entries called `name`, across every role (as
    /// Spark's `getResource` sums them, Spark 3.0 `MesosSchedulerUtils.getResource`, reference spark-on-mesos.md §3.1).
    pub fn scalar(&self, name: &str) -> Milli {
        self.entries()
            .iter()
            .filter(|e| e.name == name)
            .map(|e| match e.quantity {
                Quantity::Scalar(m) => m,
                _ => Milli::ZERO,
            })
            .sum()
    }

    pub fn cpus(&self) -> Milli {
        self.scalar("cpus")
    }

    pub fn mem_mb(&self) -> Milli {
        self.scalar("mem")
    }

    /// The union of the ranges entries called `name` across roles.
    pub fn ranges(&self, name: &str) -> Ranges {
        self.entries()
            .iter()
            .filter(|e| e.name == name)
            .fold(Ranges::default(), |acc, e| match &e.quantity {
                Quantity::Ranges(r) => acc.union(r),
                _ => acc,
            })
    }

    /// Only the scalar entries (what DRF shares and quota look at).
    pub fn scalar_part(&self) -> Resources {
        self.filtered(|e| matches!(e.quantity, Quantity::Scalar(_)))
    }

    /// Parses a Mesos `--resources` string.
    pub fn parse(input: &str) -> Result<Resources, GrammarError> {
        let mut out = Resources::new();
        let mut kinds: Vec<(Name, ValueKind, usize)> = Vec::new();
        for (offset, item) in tokenize(input, &[';']) {
            let parts = tokenize(item, &[':']);
            if parts.len() != 2 {
                return Err(GrammarError::new(
                    offset,
                    format!(
                        "expected a resource written name:value or name(role):value, \
                         got '{item}' (missing or extra ':')"
                    ),
                ));
            }
            let (key_at, key) = parts[0];
            let (value_at, value_text) = parts[1];
            let (name, role) = parse_key(key).map_err(|e| e.shifted(offset + key_at))?;
            let value_offset = offset + value_at;
            let quantity = match parse_value(value_text).map_err(|e| e.shifted(value_offset))? {
                Value::Scalar(x) => {
                    if x > Milli::MAX_UNITS as f64 {
                        return Err(GrammarError::new(
                            value_offset,
                            format!(
                                "'{name}' is {x}, above the limit of {} for one resource",
                                Milli::MAX_UNITS
                            ),
                        ));
                    }
                    let m = Milli::from_f64(x);
                    if m.is_zero() && x != 0.0 {
                        return Err(GrammarError::new(
                            value_offset,
                            format!(
                                "'{name}' is {x}, which rounds to 0 at Mesos's precision of 0.001"
                            ),
                        ));
                    }
                    Quantity::Scalar(m)
                }
                Value::Ranges(r) => {
                    if let Some((b, e)) = r.pairs().iter().find(|(b, e)| b > e) {
                        return Err(GrammarError::new(
                            value_offset,
                            format!("range {b}-{e} of '{name}' begins after it ends"),
                        ));
                    }
                    Quantity::Ranges(r)
                }
                Value::Set(items) => {
                    let mut set = BTreeSet::new();
                    for item in items {
                        if !set.insert(item.clone()) {
                            return Err(GrammarError::new(
                                value_offset,
                                format!("set '{name}' lists '{item}' twice"),
                            ));
                        }
                    }
                    Quantity::Set(set)
                }
                Value::Text(t) => {
                    return Err(GrammarError::new(
                        value_offset,
                        format!(
                            "expected a number, ranges like [31000-32000] or a set like {{a,b}} \
                             for resource '{name}', got text '{t}'"
                        ),
                    ));
                }
            };
            let kind = quantity.kind();
            match kinds.iter().find(|(n, _, _)| *n == name) {
                Some((_, k, _)) if *k != kind => {
                    return Err(GrammarError::new(
                        offset,
                        format!("resource '{name}' is given as both {k} and {kind}"),
                    ));
                }
                Some(_) => {}
                None => kinds.push((name.clone(), kind, offset)),
            }
            let key = (name.clone(), role.clone());
            out.add_entry(Resource {
                name,
                role,
                quantity,
            });
            // Repeated entries add up; their sum obeys the same limit.
            let summed = out
                .iter()
                .find(|e| e.name == key.0 && e.role == key.1)
                .and_then(|e| match e.quantity {
                    Quantity::Scalar(m) => Some(m),
                    _ => None,
                });
            if let Some(m) = summed
                && m.0 > Milli::MAX_UNITS * 1000
            {
                return Err(GrammarError::new(
                    offset,
                    format!(
                        "the entries of '{}' add up to {m}, above the limit of {} for one resource",
                        key.0,
                        Milli::MAX_UNITS
                    ),
                ));
            }
        }
        Ok(out)
    }
}

/// `name` or `name(role)`, both trimmed; positions relative to `key`.
fn parse_key(key: &str) -> Result<(Name, Name), GrammarError> {
    let open = key.find('(');
    let close = key.find(')');
    let (name, role) = match (open, close) {
        (None, None) => (key.trim(), UNRESERVED),
        (Some(o), Some(c)) if o < c && key[c + 1..].trim().is_empty() => {
            (key[..o].trim(), key[o + 1..c].trim())
        }
        (Some(o), None) => {
            return Err(GrammarError::new(
                o,
                "mismatched parentheses: expected name(role) with a closing ')'",
            ));
        }
        (_, Some(c)) => {
            return Err(GrammarError::new(
                c,
                "mismatched parentheses: expected name(role) with ')' last",
            ));
        }
    };
    if name.is_empty() {
        return Err(GrammarError::new(0, "expected a resource name"));
    }
    validate_role(role).map_err(|why| {
        GrammarError::new(open.map_or(0, |o| o + 1), format!("invalid role: {why}"))
    })?;
    Ok((Name::new(name), Name::new(role)))
}

/// `name(role):value;...` in canonical order, parseable again.
impl fmt::Display for Resources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.entries().iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            if e.is_reserved() {
                write!(f, "{}({}):{}", e.name, e.role, e.quantity)?;
            } else {
                write!(f, "{}:{}", e.name, e.quantity)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Resources {
        Resources::parse(s).unwrap()
    }

    #[test]
    fn parses_the_mesos_documentation_example() {
        let res = r(
            "cpus:24;gpus:2;mem:24576;disk:409600;ports:[21000-24000,30000-34000];bugs(debug_role):{a,b,c}",
        );
        assert_eq!(res.cpus(), Milli::from_units(24));
        assert_eq!(res.scalar("gpus"), Milli::from_units(2));
        assert_eq!(res.mem_mb(), Milli::from_units(24576));
        assert_eq!(res.ranges("ports").count(), 3001 + 4001);
        assert_eq!(res.reserved().to_string(), "bugs(debug_role):{a,b,c}");
    }

    #[test]
    fn static_reservation_is_a_separate_entry() {
        let res = r("cpus:24;mem:24576;ports:[21000-24000];cpus(role):4");
        assert_eq!(res.cpus(), Milli::from_units(28));
        assert_eq!(res.unreserved().cpus(), Milli::from_units(24));
        assert_eq!(res.reserved().to_string(), "cpus(role):4");
        assert_eq!(res.allocatable_to("role").cpus(), Milli::from_units(28));
        assert_eq!(res.allocatable_to("other").cpus(), Milli::from_units(24));
        assert_eq!(
            res.allocatable_to("role/child").cpus(),
            Milli::from_units(28)
        );
    }

    #[test]
    fn repeated_entries_add_up_and_zeros_vanish() {
        assert_eq!(r("cpus:2;cpus:3").cpus(), Milli::from_units(5));
        assert_eq!(r("cpus:2;mem:0").to_string(), "cpus:2");
        assert_eq!(r("ports:[];cpus:1").to_string(), "cpus:1");
        assert_eq!(r("ports:[1-5];ports:[6-9]").to_string(), "ports:[1-9]");
        assert!(r("").is_empty());
    }

    #[test]
    fn quirks_of_the_simple_format() {
        // Empty tokens are dropped by the ':' split, so this parses.
        assert_eq!(r("cpus::4").cpus(), Milli::from_units(4));
        // Names and roles are trimmed; spaces inside values vanish.
        assert_eq!(r(" cpus ( r ) : 1 . 5 ").to_string(), "cpus(r):1.5");
        assert_eq!(r(";;cpus:1;").to_string(), "cpus:1");
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "cpus:4;a:b:c",
                7,
                "expected a resource written name:value or name(role):value, got 'a:b:c' (missing or extra ':')",
            ),
            (
                "cpus",
                0,
                "expected a resource written name:value or name(role):value, got 'cpus' (missing or extra ':')",
            ),
            (
                "os:centos",
                3,
                "expected a number, ranges like [31000-32000] or a set like {a,b} for resource 'os', got text 'centos'",
            ),
            (
                "cpus(r:4",
                4,
                "mismatched parentheses: expected name(role) with a closing ')'",
            ),
            (
                "cpus)r(:4",
                4,
                "mismatched parentheses: expected name(role) with ')' last",
            ),
            (
                "cpus(r)x:4",
                6,
                "mismatched parentheses: expected name(role) with ')' last",
            ),
            (
                "cpus(-r):4",
                5,
                "invalid role: role '-r': the component '-r' must not start with '-'",
            ),
            ("cpus():4", 5, "invalid role: a role name must not be empty"),
            ("(r):4", 0, "expected a resource name"),
            (
                "cpus:-1",
                5,
                "expected a number, ranges like [31000-32000] or a set like {a,b} for resource 'cpus', got text '-1'",
            ),
            (
                "cpus:0.0001",
                5,
                "'cpus' is 0.0001, which rounds to 0 at Mesos's precision of 0.001",
            ),
            (
                "ports:[5-1]",
                6,
                "range 5-1 of 'ports' begins after it ends",
            ),
            ("disks:{a,a}", 6, "set 'disks' lists 'a' twice"),
            (
                "cpus:10000000000000000",
                5,
                "'cpus' is 10000000000000000, above the limit of 1000000000 for one resource",
            ),
            (
                "cpus:4;cpus:999999999",
                7,
                "the entries of 'cpus' add up to 1000000003, above the limit of 1000000000 for one resource",
            ),
            (
                "cpus:1;cpus:[1-2]",
                7,
                "resource 'cpus' is given as both SCALAR and RANGES",
            ),
            (
                "mem:[1-2x]",
                7,
                "expected a non-negative integer range bound, got '2x'",
            ),
        ];
        for &(input, pos, message) in cases {
            assert_eq!(
                Resources::parse(input),
                Err(GrammarError::new(pos, message)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn arithmetic_and_containment() {
        let agent = r("cpus:16;mem:65536;ports:[31000-32000];cpus(a):4");
        let task = r("cpus:2;mem:4096;ports:[31000-31000]");
        assert!(agent.contains(&task));
        let left = agent.minus(&task);
        assert_eq!(
            left.to_string(),
            "cpus:14;cpus(a):4;mem:61440;ports:[31001-32000]"
        );
        assert!(!left.contains(&task));
        assert_eq!(left.plus(&task), agent);
        // Reserved resources do not satisfy an unreserved request.
        assert!(!r("cpus(a):8").contains(&r("cpus:1")));
        // Subtraction stops at zero and removes emptied entries.
        assert_eq!(r("cpus:1").minus(&r("cpus:3;mem:5")), Resources::new());
        assert_eq!(
            r("cpus:0.07")
                .plus(&r("cpus:0.07"))
                .plus(&r("cpus:0.07"))
                .cpus(),
            Milli(210)
        );
    }
}
