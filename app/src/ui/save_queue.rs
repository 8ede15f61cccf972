//! The bookkeeping behind every "saved at once" page (the journal grid, the exam answers): what
//! was typed and not yet acknowledged by the server, one change on the wire at a time.
//!
//! Why a separate, pure type: the pages run it inside reactive signals and async tasks, where a
//! slip (removing "the front" after another cell's job moved there, settling a cell whose newer
//! value is still queued) silently loses a save. Here each rule is one method with a unit test.
//!
//! The rules:
//! - one value per key waits: typing a cell again replaces its waiting value (the last value
//!   typed is the one that lands), and never touches another key's change;
//! - the change on the wire is never replaced or removed by typing; only its answer settles it;
//! - a change not delivered (network, timeout, 5xx) goes back to the front, unless a newer value
//!   of the same key waits: then it is dropped and the newer one keeps its place, so changes land
//!   in the order their last values were typed;
//! - a key counts as saved only when the server acknowledged its latest value.

use std::collections::VecDeque;

/// What became of the change on the wire after its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled<K> {
    /// The server holds the latest value typed for this key: show it as saved.
    Saved(K),
    /// The server holds this value, but a newer one of the same key still waits.
    Superseded(K),
}

#[derive(Clone, Debug)]
pub struct SaveQueue<K, V> {
    /// Changes not yet sent, oldest first, at most one per key.
    waiting: VecDeque<(K, V)>,
    /// The change sent and not yet answered.
    sending: Option<(K, V)>,
}

impl<K, V> Default for SaveQueue<K, V> {
    fn default() -> Self {
        Self { waiting: VecDeque::new(), sending: None }
    }
}

impl<K: PartialEq + Clone, V: Clone> SaveQueue<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A value typed for `key`: it replaces the key's waiting value, if any, and goes last.
    pub fn push(&mut self, key: K, value: V) {
        self.waiting.retain(|(k, _)| *k != key);
        self.waiting.push_back((key, value));
    }

    /// The next change to send, now on the wire; None while one is on the wire or none waits.
    pub fn next(&mut self) -> Option<(K, V)> {
        if self.sending.is_some() {
            return None;
        }
        self.sending = self.waiting.pop_front();
        self.sending.clone()
    }

    /// The server acknowledged the change on the wire.
    pub fn acknowledged(&mut self) -> Option<Settled<K>> {
        let (key, _) = self.sending.take()?;
        Some(if self.waits(&key) { Settled::Superseded(key) } else { Settled::Saved(key) })
    }

    /// The server refused the change on the wire for good (or set it aside, e.g. to ask for a
    /// reason). Returns it, and whether a newer value of the same key still waits.
    pub fn refused(&mut self) -> Option<((K, V), bool)> {
        let job = self.sending.take()?;
        let newer = self.waits(&job.0);
        Some((job, newer))
    }

    /// The change on the wire did not get through: it will be sent again first, unless a newer
    /// value of its key was typed meanwhile (that one is sent instead, in its turn).
    pub fn not_delivered(&mut self) {
        let Some((key, value)) = self.sending.take() else { return };
        if !self.waits(&key) {
            self.waiting.push_front((key, value));
        }
    }

    /// Does a value of `key` wait to be sent (not counting the one on the wire)?
    pub fn waits(&self, key: &K) -> bool {
        self.waiting.iter().any(|(k, _)| k == key)
    }

    /// Is anything of `key` unacknowledged (on the wire or waiting)?
    pub fn holds(&self, key: &K) -> bool {
        self.waits(key) || self.sending.as_ref().is_some_and(|(k, _)| k == key)
    }

    /// How many keys have a change the server has not acknowledged yet.
    pub fn unacknowledged(&self) -> usize {
        let wire_also_waits = self.sending.as_ref().is_some_and(|(k, _)| self.waits(k));
        self.waiting.len() + usize::from(self.sending.is_some() && !wire_also_waits)
    }

    pub fn is_empty(&self) -> bool {
        self.sending.is_none() && self.waiting.is_empty()
    }

    /// Every unacknowledged change, the one on the wire first (to keep them across a reload).
    pub fn unacknowledged_changes(&self) -> Vec<(K, V)> {
        let mut all: Vec<(K, V)> = self.sending.iter().cloned().collect();
        for (k, v) in &self.waiting {
            all.retain(|(wk, _)| wk != k);
            all.push((k.clone(), v.clone()));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends everything, the server accepting each change; returns what it received, in order.
    fn drain(q: &mut SaveQueue<&'static str, u32>) -> Vec<(&'static str, u32)> {
        let mut got = Vec::new();
        while let Some(job) = q.next() {
            got.push(job);
            q.acknowledged();
        }
        got
    }

    #[test]
    fn retyping_a_cell_while_its_save_is_on_the_wire_keeps_every_other_cell() {
        let mut q = SaveQueue::new();
        q.push("a", 1);
        q.push("b", 2);
        q.push("c", 3);
        assert_eq!(q.next(), Some(("a", 1)));
        // "a" typed again while its first value is on the wire.
        q.push("a", 4);
        assert_eq!(q.acknowledged(), Some(Settled::Superseded("a")));
        assert_eq!(drain(&mut q), vec![("b", 2), ("c", 3), ("a", 4)]);
        assert!(q.is_empty());
    }

    #[test]
    fn only_the_last_value_typed_waits() {
        let mut q = SaveQueue::new();
        q.push("a", 1);
        q.push("b", 2);
        q.push("a", 3);
        q.push("a", 5);
        assert_eq!(q.unacknowledged(), 2);
        assert_eq!(drain(&mut q), vec![("b", 2), ("a", 5)]);
    }

    #[test]
    fn a_cell_is_saved_only_when_its_latest_value_is_acknowledged() {
        let mut q = SaveQueue::new();
        q.push("a", 1);
        q.next();
        q.push("a", 2);
        assert_eq!(q.acknowledged(), Some(Settled::Superseded("a")));
        assert!(q.holds(&"a"));
        assert_eq!(q.next(), Some(("a", 2)));
        assert_eq!(q.acknowledged(), Some(Settled::Saved("a")));
        assert!(!q.holds(&"a"));
        // Nothing on the wire: nothing to acknowledge.
        assert_eq!(q.acknowledged(), None);
    }

    #[test]
    fn an_undelivered_change_is_sent_again_first_and_lands_once() {
        let mut q = SaveQueue::new();
        q.push("a", 1);
        q.push("b", 2);
        assert_eq!(q.next(), Some(("a", 1)));
        // The server is down: three failures, the bar keeps counting both changes.
        for _ in 0..3 {
            q.not_delivered();
            assert_eq!(q.unacknowledged(), 2);
            assert_eq!(q.next(), Some(("a", 1)));
        }
        q.acknowledged();
        assert_eq!(drain(&mut q), vec![("b", 2)]);
    }

    #[test]
    fn an_undelivered_change_gives_way_to_a_newer_value_of_its_cell() {
        let mut q = SaveQueue::new();
        q.push("a", 1);
        q.push("b", 2);
        assert_eq!(q.next(), Some(("a", 1)));
        q.push("a", 9);
        assert_eq!(q.unacknowledged(), 2);
        q.not_delivered();
        assert_eq!(q.unacknowledged(), 2);
        assert_eq!(drain(&mut q), vec![("b", 2), ("a", 9)]);
    }

    #[test]
    fn a_refusal_drops_only_the_refused_change() {
        let mut q = SaveQueue::new();
        q.push("a", 7);
        q.push("b", 2);
        q.next();
        q.push("a", 4);
        assert_eq!(q.refused(), Some((("a", 7), true)));
        assert_eq!(drain(&mut q), vec![("b", 2), ("a", 4)]);
        q.push("c", 1);
        q.next();
        assert_eq!(q.refused(), Some((("c", 1), false)));
        assert!(q.is_empty());
    }

    #[test]
    fn the_count_and_the_kept_changes_include_the_one_on_the_wire() {
        let mut q = SaveQueue::new();
        assert_eq!(q.unacknowledged(), 0);
        q.push("a", 1);
        q.push("b", 2);
        q.next();
        assert_eq!(q.unacknowledged(), 2);
        assert_eq!(q.unacknowledged_changes(), vec![("a", 1), ("b", 2)]);
        q.push("a", 3);
        assert_eq!(q.unacknowledged_changes(), vec![("b", 2), ("a", 3)]);
        // Typing does not start a second send while one is on the wire.
        assert_eq!(q.next(), None);
    }
}
