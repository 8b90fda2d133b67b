//! The event queue: an indexed binary heap ordered by `(time, class, seq)`.
//!
//! # The same-instant contract
//!
//! Events are delivered in increasing `time`. Events at the same instant are
//! delivered in increasing [`EventClass`], so that, for example, a task that
//! ends at `t` frees its resources before the allocation run at `t` looks
//! for them, and a utilization sample at `t` sees the state after everything
//! else at `t`. Events with equal `time` and `class` are delivered in the
//! order they were pushed (`seq` is a counter that never repeats), so the
//! order never depends on heap internals, hashing or the machine.

//!
//! # Moving an event
//!
//! An event pushed with [`EventQueue::push_tracked`] keeps a [`Handle`] by
//! which it can be moved ([`EventQueue::reschedule`]) or taken out
//! ([`EventQueue::cancel`]) until it is delivered. Moving gives the event a
//! new `seq`, exactly as if the old one had been dropped and a new one
//! pushed, so the order of delivery is the one a queue of stale events would
//! give with the stale ones left out. An executor's next task completion is
//! such an event: it moves whenever a task starts or ends there.

use crate::time::SimTime;

/// The order of events that share an instant (see the same-instant
/// contract above).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum EventClass {
    Completion = 0,
    StatusUpdate = 1,
    Arrival = 2,
    Timer = 3,
    Allocation = 4,
    Sample = 5,
}

impl EventClass {
    fn from_bits(b: u64) -> EventClass {
        match b {
            0 => EventClass::Completion,
            1 => EventClass::StatusUpdate,
            2 => EventClass::Arrival,
            3 => EventClass::Timer,
            4 => EventClass::Allocation,
            _ => EventClass::Sample,
        }
    }
}

/// A delivered event with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled<E> {
    pub time: SimTime,
    pub class: EventClass,
    pub seq: u64,
    pub event: E,
}

/// A tracked event's name while it waits (see [`EventQueue::push_tracked`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(u32);

const UNTRACKED: u32 = u32::MAX;
const SEQ_BITS: u32 = 56;

/// One waiting event: `key` is `time << 64 | class << 56 | seq`, so one
/// integer comparison orders events.
#[derive(Debug)]
struct Entry<E> {
    key: u128,
    slot: u32,
    event: E,
}

fn key(time: SimTime, class: EventClass, seq: u64) -> u128 {
    debug_assert!(seq < 1 << SEQ_BITS);
    (u128::from(time.0) << 64) | (u128::from(class as u8) << SEQ_BITS) | u128::from(seq)
}

fn unkey(k: u128) -> (SimTime, EventClass, u64) {
    let low = k as u64;
    (
        SimTime((k >> 64) as u64),
        EventClass::from_bits(low >> SEQ_BITS),
        low & ((1 << SEQ_BITS) - 1),
    )
}

#[derive(Debug)]
pub struct EventQueue<E> {
    /// A binary min-heap of entries by key.
    heap: Vec<Entry<E>>,
    next_seq: u64,
    /// Where each tracked event sits in `heap`, by handle slot.
    pos: Vec<u32>,
    free_slots: Vec<u32>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> EventQueue<E> {
        EventQueue::with_capacity(0)
    }

    pub fn with_capacity(n: usize) -> EventQueue<E> {
        EventQueue {
            heap: Vec::with_capacity(n),
            next_seq: 0,
            pos: Vec::new(),
            free_slots: Vec::new(),
        }
    }

    fn next_key(&mut self, time: SimTime, class: EventClass) -> (u128, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        (key(time, class, seq), seq)
    }

    /// Schedules `event`; returns its `seq`.
    pub fn push(&mut self, time: SimTime, class: EventClass, event: E) -> u64 {
        let (key, seq) = self.next_key(time, class);
        self.insert(Entry {
            key,
            slot: UNTRACKED,
            event,
        });
        seq
    }

    /// Schedules `event` and returns a handle to move or cancel it until it
    /// is delivered (the handle is spent then).
    pub fn push_tracked(&mut self, time: SimTime, class: EventClass, event: E) -> Handle {
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.pos.push(0);
                (self.pos.len() - 1) as u32
            }
        };
        let (key, _) = self.next_key(time, class);
        self.insert(Entry { key, slot, event });
        Handle(slot)
    }

    /// Moves a tracked event to `time` with a new payload and a fresh
    /// `seq` (as a new push would); returns the time it was due.
    pub fn reschedule(&mut self, h: Handle, time: SimTime, class: EventClass, event: E) -> SimTime {
        let (key, _) = self.next_key(time, class);
        let at = self.pos[h.0 as usize] as usize;
        let old = std::mem::replace(&mut self.heap[at].key, key);
        self.heap[at].event = event;
        if key < old {
            self.sift_up(at);
        } else {
            self.sift_down(at);
        }
        unkey(old).0
    }

    /// Takes a tracked event out; returns the time it was due.
    pub fn cancel(&mut self, h: Handle) -> SimTime {
        let at = self.pos[h.0 as usize] as usize;
        let e = self.remove_at(at);
        self.free_slots.push(h.0);
        unkey(e.key).0
    }

    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        if self.heap.is_empty() {
            return None;
        }
        let e = self.remove_at(0);
        if e.slot != UNTRACKED {
            self.free_slots.push(e.slot);
        }
        let (time, class, seq) = unkey(e.key);
        Some(Scheduled {
            time,
            class,
            seq,
            event: e.event,
        })
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| unkey(e.key).0)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn insert(&mut self, e: Entry<E>) {
        self.heap.push(e);
        let at = self.heap.len() - 1;
        self.sift_up(at);
    }

    fn remove_at(&mut self, at: usize) -> Entry<E> {
        let last = self.heap.len() - 1;
        self.heap.swap(at, last);
        let e = self.heap.pop().expect("non-empty");
        if at < self.heap.len() {
            self.place(at);
            // The entry moved here may belong above or below.
            let key = self.heap[at].key;
            if at > 0 && key < self.heap[(at - 1) / 2].key {
                self.sift_up(at);
            } else {
                self.sift_down(at);
            }
        }
        e
    }

    /// Records where the entry at `at` now sits, if it is tracked.
    fn place(&mut self, at: usize) {
        let slot = self.heap[at].slot;
        if slot != UNTRACKED {
            self.pos[slot as usize] = at as u32;
        }
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.heap[at].key >= self.heap[parent].key {
                break;
            }
            self.heap.swap(at, parent);
            self.place(at);
            at = parent;
        }
        self.place(at);
    }

    fn sift_down(&mut self, mut at: usize) {
        let n = self.heap.len();
        loop {
            let left = 2 * at + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].key < self.heap[left].key {
                right
            } else {
                left
            };
            if self.heap[child].key >= self.heap[at].key {
                break;
            }
            self.heap.swap(at, child);
            self.place(at);
            at = child;
        }
        self.place(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventClass::*;

    #[test]
    fn same_instant_contract() {
        let mut q = EventQueue::new();
        let t = SimTime(1_000_000);
        q.push(t, Sample, "sample");
        q.push(t, Allocation, "allocation");
        q.push(SimTime(999_999), Sample, "earlier sample");
        q.push(t, Completion, "task end 1");
        q.push(t, Arrival, "job");
        q.push(t, Completion, "task end 2");
        q.push(t, Timer, "timer");
        q.push(t, StatusUpdate, "status");
        q.push(SimTime(2_000_000), Completion, "later");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(
            order,
            [
                "earlier sample",
                "task end 1",
                "task end 2",
                "status",
                "job",
                "timer",
                "allocation",
                "sample",
                "later"
            ]
        );
    }

    #[test]
    fn equal_keys_are_fifo_even_when_interleaved_with_pops() {
        let mut q = EventQueue::new();
        for i in 0..100 {
            q.push(SimTime(5), Timer, i);
        }
        let first: Vec<i32> = (0..50).map(|_| q.pop().unwrap().event).collect();
        for i in 100..150 {
            q.push(SimTime(5), Timer, i);
        }
        let rest: Vec<i32> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(first, (0..50).collect::<Vec<_>>());
        assert_eq!(rest, (50..150).collect::<Vec<_>>());
    }

    #[test]
    fn sequence_numbers_and_peek() {
        let mut q = EventQueue::new();
        assert_eq!(q.push(SimTime(9), Arrival, ()), 0);
        assert_eq!(q.push(SimTime(3), Arrival, ()), 1);
        assert_eq!(q.peek_time(), Some(SimTime(3)));
        assert_eq!(q.len(), 2);
        let s = q.pop().unwrap();
        assert_eq!((s.time, s.class, s.seq), (SimTime(3), Arrival, 1));
        assert!(!q.is_empty());
    }

    #[test]
    fn a_moved_event_is_delivered_as_a_fresh_push_would_be() {
        let mut q = EventQueue::new();
        let t = SimTime(10);
        let h = q.push_tracked(t, Completion, "moved");
        q.push(t, Completion, "pushed after");
        // Moved to the same instant: it now comes after "pushed after".
        assert_eq!(q.reschedule(h, t, Completion, "moved"), t);
        q.push(SimTime(5), Completion, "early");
        let h2 = q.push_tracked(SimTime(7), Timer, "cancelled");
        assert_eq!(q.cancel(h2), SimTime(7));
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, ["early", "pushed after", "moved"]);
    }

    proptest::proptest! {
        /// Against an oracle that never moves anything: it keeps stale
        /// copies and skips them, as the simulator did before events could
        /// move. Both deliver the same events in the same order.
        #[test]
        fn matches_a_queue_that_skips_stale_copies(ops in proptest::collection::vec((0u8..5, 0u64..50, 0u8..6, 0usize..8), 1..300)) {
            use std::collections::BTreeMap;
            let classes = [Completion, StatusUpdate, Arrival, Timer, Allocation, Sample];
            let mut q: EventQueue<(usize, u64)> = EventQueue::new();
            let mut oracle: BTreeMap<(u64, u8, u64), (usize, u64)> = BTreeMap::new();
            let mut seq = 0u64;
            // Eight tracked "executors": their handle and current version.
            let mut handles: Vec<Option<Handle>> = vec![None; 8];
            let mut version = [0u64; 8];
            let mut now = 0u64;
            let mut got = Vec::new();
            let mut want = Vec::new();
            for (op, dt, class, who) in ops {
                let time = now + dt;
                let c = classes[class as usize];
                match op {
                    0 => {
                        q.push(SimTime(time), c, (usize::MAX, seq));
                        oracle.insert((time, c as u8, seq), (usize::MAX, seq));
                        seq += 1;
                    }
                    1 | 2 => {
                        version[who] += 1;
                        let ev = (who, version[who]);
                        match handles[who] {
                            Some(h) => { q.reschedule(h, SimTime(time), c, ev); }
                            None => handles[who] = Some(q.push_tracked(SimTime(time), c, ev)),
                        }
                        oracle.insert((time, c as u8, seq), ev);
                        seq += 1;
                    }
                    3 => {
                        if let Some(h) = handles[who].take() {
                            q.cancel(h);
                            version[who] += 1;
                        }
                    }
                    _ => {
                        if let Some(s) = q.pop() {
                            now = s.time.0;
                            if s.event.0 != usize::MAX {
                                handles[s.event.0] = None;
                            }
                            got.push((s.time.0, s.class as u8, s.event));
                        }
                        // The oracle delivers until a live event, skipping stale ones.
                        while let Some((&k, &ev)) = oracle.iter().next() {
                            oracle.remove(&k);
                            if ev.0 == usize::MAX || version[ev.0] == ev.1 {
                                want.push((k.0, k.1, ev));
                                break;
                            }
                        }
                    }
                }
            }
            proptest::prop_assert_eq!(got, want);
        }
    }
}
