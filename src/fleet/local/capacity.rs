//! How many execution environments the whole local fleet may run at once (`[local]
//! max_environments`), like an account's concurrency limit: each environment holds a slot
//! from its start to its end, busy or idle, and an idle one gives it up when a new one needs
//! it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::pool::Pool;

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

/// Stops the environment idle the longest across `pools`; whether there was one.
pub async fn make_room(pools: &[Arc<Pool>]) -> bool {
    let mut oldest: Option<(std::time::Instant, &Arc<Pool>)> = None;
    for p in pools {
        if let Some(at) = p.oldest_idle().await
            && oldest.is_none_or(|(o, _)| at < o)
        {
            oldest = Some((at, p));
        }
    }
    match oldest {
        Some((_, pool)) => pool.evict_oldest().await,
        None => false,
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
