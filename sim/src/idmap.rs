//! `IdMap`: a map from small integer ids to values, for a driver's
//! executors (Spark numbers them 0, 1, 2, … per application).
//!
//! The values sit in a ring buffer indexed by `id − lowest live id`, so a
//! lookup is an index instead of a tree search, and iteration is in
//! increasing id order, as a `BTreeMap`'s is (reports and decisions that
//! walk the executors see the same order). Ids that leave at either end are
//! trimmed, so memory follows the live ids' span, not the largest id ever
//! used.

use std::collections::VecDeque;

/// What an [`IdMap`] can be keyed by: small non-negative integers.
pub trait Id: Copy {
    fn to_u64(self) -> u64;
}

impl Id for u64 {
    fn to_u64(self) -> u64 {
        self
    }
}

impl Id for usize {
    fn to_u64(self) -> u64 {
        self as u64
    }
}

#[derive(Clone, Debug)]
pub struct IdMap<V, K: Id = u64> {
    /// The id of `slots[0]`.
    base: u64,
    slots: VecDeque<Option<(K, V)>>,
    len: usize,
}

impl<V, K: Id> Default for IdMap<V, K> {
    fn default() -> Self {
        IdMap::new()
    }
}

impl<V, K: Id> IdMap<V, K> {
    pub fn new() -> IdMap<V, K> {
        IdMap {
            base: 0,
            slots: VecDeque::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn at(&self, id: u64) -> Option<usize> {
        let i = id.checked_sub(self.base)?;
        (i < self.slots.len() as u64).then_some(i as usize)
    }

    /// Inserts `v` under `id`, returning the value it replaces.
    pub fn insert(&mut self, key: K, v: V) -> Option<V> {
        let id = key.to_u64();
        if self.slots.is_empty() {
            self.base = id;
        }
        while id < self.base {
            self.slots.push_front(None);
            self.base -= 1;
        }
        let i = (id - self.base) as usize;
        while self.slots.len() <= i {
            self.slots.push_back(None);
        }
        let old = self.slots[i].replace((key, v)).map(|(_, v)| v);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn get(&self, id: &K) -> Option<&V> {
        let i = self.at(id.to_u64())?;
        self.slots[i].as_ref().map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, id: &K) -> Option<&mut V> {
        let i = self.at(id.to_u64())?;
        self.slots[i].as_mut().map(|(_, v)| v)
    }

    pub fn remove(&mut self, id: &K) -> Option<V> {
        let i = self.at(id.to_u64())?;
        let (_, v) = self.slots[i].take()?;
        self.len -= 1;
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.base += 1;
        }
        while matches!(self.slots.back(), Some(None)) {
            self.slots.pop_back();
        }
        Some(v)
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }

    /// `(id, value)` in increasing id order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.slots.iter().flatten().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.slots.iter_mut().flatten().map(|(_, v)| v)
    }

    /// `(id, value)` in increasing id order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.slots.iter_mut().flatten().map(|(k, v)| (&*k, v))
    }
}

impl<V, K: Id> std::ops::Index<&K> for IdMap<V, K> {
    type Output = V;
    fn index(&self, id: &K) -> &V {
        self.get(id).expect("a live id")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Against a `BTreeMap`: the same answers and the same order.
        #[test]
        fn behaves_as_an_ordered_map(ops in proptest::collection::vec((0u8..4, 0u64..40), 1..200)) {
            let mut m: IdMap<u64> = IdMap::new();
            let mut o: BTreeMap<u64, u64> = BTreeMap::new();
            for (step, (op, id)) in ops.into_iter().enumerate() {
                let v = step as u64;
                match op {
                    0 | 1 => prop_assert_eq!(m.insert(id, v), o.insert(id, v)),
                    2 => prop_assert_eq!(m.remove(&id), o.remove(&id)),
                    _ => {
                        prop_assert_eq!(m.get(&id), o.get(&id));
                        if let (Some(a), Some(b)) = (m.get_mut(&id), o.get_mut(&id)) {
                            *a += 1;
                            *b += 1;
                        }
                    }
                }
                prop_assert_eq!(m.len(), o.len());
                let mine: Vec<(u64, u64)> = m.iter().map(|(k, v)| (*k, *v)).collect();
                let theirs: Vec<(u64, u64)> = o.iter().map(|(k, v)| (*k, *v)).collect();
                prop_assert_eq!(mine, theirs);
            }
            // Memory follows the live span.
            let span = o.keys().next_back().map_or(0, |hi| hi - o.keys().next().unwrap() + 1);
            prop_assert_eq!(m.slots.len() as u64, span);
        }
    }
}
