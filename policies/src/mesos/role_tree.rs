//! Hierarchical roles (`eng/x`, `eng/y` under `eng`): the role sorter as a
//! tree, as Mesos 1.11's `DRFSorter` and `RandomSorter` keep it
//! (`allocator/mesos/sorter/drf/sorter.cpp`, reference mesos-master.md
//! §1.3 "Hierarchical roles", §1.5).
//!
//! - Every prefix of a role name is a node. A node's allocation is its
//!   whole subtree's, and its share is that allocation's dominant share
//!   divided by the node's own weight.
//! - Children are sorted level by level (share, then the times the subtree
//!   was handed resources, then the name), and the order is the pre-order
//!   of the leaves that have active frameworks.
//! - A role that is both a parent and a client (frameworks in `eng` and in
//!   `eng/x`) sorts its own frameworks as a virtual child leaf `.` beside
//!   its children, with its own allocation and weight.
//! - A quota limit on a node bounds its whole subtree's consumption.
//! - The random sorter draws a weighted shuffle (keys `u^(1/w)`) at each
//!   level instead.

use rand_core::Rng;

use super::view::{RoleView, Scalars, unit};

/// A node of the role tree: a prefix of some role's name.
#[derive(Clone, Debug)]
struct Node {
    path: String,
    parent: Option<usize>,
    children: Vec<usize>,
    /// The role of this exact name, if the view has one.
    client: Option<usize>,
    weight: f64,
}

/// One entry at a level: a child node, or a node's own frameworks as the
/// virtual leaf `.`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Node(usize),
    Own(usize),
}

impl Entry {
    /// The node it stands for (the virtual leaf's is its parent's).
    fn node(self) -> usize {
        match self {
            Entry::Node(n) | Entry::Own(n) => n,
        }
    }
}

/// The role tree of one run.
#[derive(Clone, Debug)]
pub(crate) struct RoleTree {
    nodes: Vec<Node>,
    /// Top-level nodes.
    roots: Vec<usize>,
    /// Each role's node.
    node_of: Vec<usize>,
}

/// The shares the sorter reads, per role (indices of
/// [`super::view::ClusterView::roles`]).
pub(crate) struct Books<'a> {
    pub allocated: &'a [Scalars],
    pub count: &'a [u64],
    /// The role has frameworks taking part in this run.
    pub active: &'a [bool],
    pub totals: &'a Scalars,
}

impl RoleTree {
    /// The tree of `roles`' names, or `None` when no name has a `/` (the
    /// tree is then the flat sort).
    pub(crate) fn of(roles: &[RoleView]) -> Option<RoleTree> {
        if !roles.iter().any(|r| r.name.contains('/')) {
            return None;
        }
        let mut t = RoleTree {
            nodes: Vec::new(),
            roots: Vec::new(),
            node_of: vec![0; roles.len()],
        };
        for (r, role) in roles.iter().enumerate() {
            let mut parent: Option<usize> = None;
            let mut end = 0;
            let name = role.name.as_str();
            loop {
                end = name[end..].find('/').map_or(name.len(), |i| end + i);
                let path = &name[..end];
                let n = t.node(path, parent, roles);
                parent = Some(n);
                if end == name.len() {
                    break;
                }
                end += 1;
            }
            let n = parent.expect("a role name has a node");
            t.nodes[n].client = Some(r);
            t.node_of[r] = n;
        }
        Some(t)
    }

    fn node(&mut self, path: &str, parent: Option<usize>, roles: &[RoleView]) -> usize {
        if let Some(i) = self.nodes.iter().position(|n| n.path == path) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(Node {
            path: path.to_string(),
            parent,
            children: Vec::new(),
            client: None,
            weight: roles
                .iter()
                .find(|r| r.name == path)
                .map_or(1.0, |r| r.weight),
        });
        match parent {
            Some(p) => self.nodes[p].children.push(i),
            None => self.roots.push(i),
        }
        i
    }

    /// The roles whose nodes are `role`'s or its ancestors', nearest
    /// first: those whose quota limits bound an offer to `role`.
    pub(crate) fn limited_by(&self, role: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut n = Some(self.node_of[role]);
        while let Some(i) = n {
            if let Some(r) = self.nodes[i].client {
                out.push(r);
            }
            n = self.nodes[i].parent;
        }
        out
    }

    /// Whether `role` is `ancestor` or lies in its subtree.
    pub(crate) fn within(&self, role: usize, ancestor: usize) -> bool {
        let target = self.node_of[ancestor];
        let mut n = Some(self.node_of[role]);
        while let Some(i) = n {
            if i == target {
                return true;
            }
            n = self.nodes[i].parent;
        }
        false
    }

    /// The roles in DRF order: pre-order of the active leaves, siblings by
    /// (subtree share ÷ weight, subtree count, name). A node's own
    /// frameworks carry the node's path, so on a tie they come before its
    /// children, as Mesos's `.` sorts before any child name.
    pub(crate) fn drf_order(&self, b: &Books<'_>) -> Vec<usize> {
        let mut out = Vec::new();
        let key = |e: Entry| -> (f64, u64) {
            let (alloc, count, weight) = match e {
                Entry::Own(n) => {
                    let r = self.nodes[n].client.expect("own frameworks");
                    (b.allocated[r].clone(), b.count[r], self.nodes[n].weight)
                }
                Entry::Node(n) => {
                    let (a, c) = self.subtree(n, b);
                    (a, c, self.nodes[n].weight)
                }
            };
            (alloc.dominant_share(b.totals) / weight, count)
        };
        self.walk(&self.roots, None, b, &mut out, &mut |entries| {
            let mut keyed: Vec<((f64, u64), &str, Entry)> = entries
                .iter()
                .map(|&e| (key(e), self.nodes[e.node()].path.as_str(), e))
                .collect();
            keyed.sort_by(|x, y| {
                x.0.0
                    .total_cmp(&y.0.0)
                    .then(x.0.1.cmp(&y.0.1))
                    .then(x.1.cmp(y.1))
            });
            keyed.into_iter().map(|k| k.2).collect()
        });
        out
    }

    /// The roles in the random sorter's order: a weighted shuffle at each
    /// level.
    pub(crate) fn random_order(&self, b: &Books<'_>, rng: &mut dyn Rng) -> Vec<usize> {
        let mut out = Vec::new();
        self.walk(&self.roots, None, b, &mut out, &mut |entries| {
            let mut keyed: Vec<(f64, &str, Entry)> = entries
                .iter()
                .map(|&e| {
                    let node = &self.nodes[e.node()];
                    (unit(rng).powf(1.0 / node.weight), node.path.as_str(), e)
                })
                .collect();
            keyed.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
            keyed.into_iter().map(|k| k.2).collect()
        });
        out
    }

    /// Visits `level` (the children of `own`'s node, with its own
    /// frameworks as `.` when it has any), in the order `sort` gives,
    /// appending active leaves.
    fn walk(
        &self,
        level: &[usize],
        own: Option<usize>,
        b: &Books<'_>,
        out: &mut Vec<usize>,
        sort: &mut dyn FnMut(&[Entry]) -> Vec<Entry>,
    ) {
        let mut entries: Vec<Entry> = level
            .iter()
            .copied()
            .filter(|&n| self.active(n, b))
            .map(Entry::Node)
            .collect();
        if let Some(n) = own
            && self.nodes[n].client.is_some_and(|r| b.active[r])
        {
            entries.push(Entry::Own(n));
        }
        for e in sort(&entries) {
            match e {
                Entry::Own(n) => out.extend(self.nodes[n].client),
                Entry::Node(n) if self.nodes[n].children.is_empty() => {
                    out.extend(self.nodes[n].client)
                }
                Entry::Node(n) => self.walk(&self.nodes[n].children, Some(n), b, out, sort),
            }
        }
    }

    /// Some role in the subtree of node `n` has active frameworks.
    fn active(&self, n: usize, b: &Books<'_>) -> bool {
        self.nodes[n].client.is_some_and(|r| b.active[r])
            || self.nodes[n].children.iter().any(|&c| self.active(c, b))
    }

    /// The subtree's allocation and the times it was handed resources.
    fn subtree(&self, n: usize, b: &Books<'_>) -> (Scalars, u64) {
        let mut alloc = Scalars(vec![0; b.totals.0.len()]);
        let mut count = 0;
        let mut stack = vec![n];
        while let Some(i) = stack.pop() {
            if let Some(r) = self.nodes[i].client {
                alloc.add(&b.allocated[r]);
                count += b.count[r];
            }
            stack.extend(self.nodes[i].children.iter().copied());
        }
        (alloc, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, weight: f64) -> RoleView {
        RoleView {
            name: name.to_string(),
            weight,
            quota_limit: None,
            allocated: Scalars(vec![0, 0]),
            count: 0,
            quota_consumed: Scalars(vec![0, 0]),
        }
    }

    fn order(roles: &[RoleView], alloc: &[[i64; 2]], active: &[bool]) -> Vec<String> {
        let t = RoleTree::of(roles).expect("a tree");
        let allocated: Vec<Scalars> = alloc.iter().map(|a| Scalars(a.to_vec())).collect();
        let count = vec![0; roles.len()];
        let totals = Scalars(vec![100_000, 100_000]);
        let b = Books {
            allocated: &allocated,
            count: &count,
            active,
            totals: &totals,
        };
        t.drf_order(&b)
            .into_iter()
            .map(|r| roles[r].name.clone())
            .collect()
    }

    #[test]
    fn siblings_share_their_parents_portion() {
        // eng/x holds 30 % and eng/y 10 %: eng's subtree holds 40 %, more
        // than ops's 35 %, so ops goes first although each eng child is
        // below it. Within eng, y (10 %) before x (30 %).
        let roles = [role("eng/x", 1.0), role("eng/y", 1.0), role("ops", 1.0)];
        let alloc = [[30_000, 0], [10_000, 0], [35_000, 0]];
        assert_eq!(
            order(&roles, &alloc, &[true, true, true]),
            ["ops", "eng/y", "eng/x"]
        );
        // Flat, eng/y (10 %) and eng/x (30 %) would both come before ops.
    }

    #[test]
    fn a_parents_weight_divides_its_subtrees_share() {
        // eng weighs 2: its 40 % counts as 20 %, below ops's 35 %.
        let roles = [
            role("eng", 2.0),
            role("eng/x", 1.0),
            role("eng/y", 1.0),
            role("ops", 1.0),
        ];
        let alloc = [[0, 0], [30_000, 0], [10_000, 0], [35_000, 0]];
        assert_eq!(
            order(&roles, &alloc, &[false, true, true, true]),
            ["eng/y", "eng/x", "ops"]
        );
    }

    #[test]
    fn a_role_with_frameworks_and_children_sorts_its_own_as_a_leaf() {
        // eng's own frameworks (5 %) sort beside eng/x (30 %) as a leaf.
        let roles = [role("eng", 1.0), role("eng/x", 1.0), role("ops", 1.0)];
        let alloc = [[5_000, 0], [30_000, 0], [50_000, 0]];
        assert_eq!(
            order(&roles, &alloc, &[true, true, true]),
            ["eng", "eng/x", "ops"]
        );
        // Inactive leaves are left out; a subtree with none is too.
        assert_eq!(order(&roles, &alloc, &[false, false, true]), ["ops"]);
    }

    #[test]
    fn quota_ancestors_and_subtrees() {
        let roles = [role("eng", 1.0), role("eng/x", 1.0), role("ops", 1.0)];
        let t = RoleTree::of(&roles).unwrap();
        assert_eq!(t.limited_by(1), [1, 0]);
        assert!(t.within(1, 0) && !t.within(2, 0) && !t.within(0, 1));
        assert!(RoleTree::of(&[role("a", 1.0), role("b", 1.0)]).is_none());
    }
}
