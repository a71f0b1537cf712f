//! How many execution environments the whole local fleet may run at once (`[local]
//! max_environments`), like an account's concurrency limit: each environment holds a slot
//! from its start to its end, busy or idle.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fleet's environment slots.
#[derive(Debug)]
pub struct Capacity {
    pub max: usize,
    taken: AtomicUsize,
}

/// One environment's slot, given back when dropped (the environment ended).
#[derive(Debug)]
pub struct Slot {
    capacity: Arc<Capacity>,
}

impl Capacity {
    pub fn new(max: usize) -> Arc<Capacity> {
        Arc::new(Capacity {
            max,
            taken: AtomicUsize::new(0),
        })
    }

    /// A slot for a new environment, or `None` when `max` run already.
    pub fn take(self: &Arc<Self>) -> Option<Slot> {
        self.taken
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot {
                capacity: self.clone(),
            })
    }

    /// Environments running now.
    pub fn taken(&self) -> usize {
        self.taken.load(Ordering::SeqCst)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.capacity.taken.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_run_out_at_max_and_come_back_when_dropped() {
        let capacity = Capacity::new(2);
        let a = capacity.take().expect("the first");
        let _b = capacity.take().expect("the second");
        assert!(capacity.take().is_none(), "the third is refused");
        drop(a);
        assert!(
            capacity.take().is_some(),
            "a slot given back is taken again"
        );
    }
}
