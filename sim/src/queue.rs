//! The event queue: a binary heap ordered by `(time, class, seq)`.
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

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// Same-instant order: lower classes go first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum EventClass {
    /// Work that ends and frees resources: task and executor completions.
    Completion = 0,
    /// Status updates and registrations reaching a framework or driver.
    StatusUpdate = 1,
    /// New work: job submissions, application and framework starts.
    Arrival = 2,
    /// Timers of the drivers and frameworks (backlog, idle, locality, filters).
    Timer = 3,
    /// The Mesos allocation run, after everything above freed or asked for
    /// resources at this instant.
    Allocation = 4,
    /// Metrics samples: they see the final state of the instant.
    Sample = 5,
}

/// An event as it leaves the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled<E> {
    pub time: SimTime,
    pub class: EventClass,
    pub seq: u64,
    pub event: E,
}

#[derive(Debug)]
struct Entry<E> {
    key: (SimTime, EventClass, u64),
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed: `BinaryHeap` is a max-heap and we want the smallest key.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// A deterministic priority queue of events.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> EventQueue<E> {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    pub fn with_capacity(n: usize) -> EventQueue<E> {
        EventQueue {
            heap: BinaryHeap::with_capacity(n),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time`; returns its sequence number.
    pub fn push(&mut self, time: SimTime, class: EventClass, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            key: (time, class, seq),
            event,
        });
        seq
    }

    /// The next event by `(time, class, seq)`.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop().map(
            |Entry {
                 key: (time, class, seq),
                 event,
             }| Scheduled {
                time,
                class,
                seq,
                event,
            },
        )
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.key.0)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
}
