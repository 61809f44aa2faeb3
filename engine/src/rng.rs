//! Random bytes for token ids, drawn in blocks.
//!
//! aws-lc's generator costs about the same for 16 bytes as for a few
//! hundred, so each thread keeps a small pool and refills it in one call.
//! A forked child must never hand out its parent's remaining bytes (two
//! processes would issue the same ids), so a fork handler bumps a generation
//! counter and a pool filled before the fork is thrown away.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

const POOL_BYTES: usize = 512;

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static FORK_HANDLER: Once = Once::new();

struct Pool {
    bytes: [u8; POOL_BYTES],
    next: usize,
    generation: u64,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; POOL_BYTES], next: POOL_BYTES, generation: u64::MAX })
    };
}

extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// Registers the fork handler; done before any pool is filled.
fn watch_forks() {
    FORK_HANDLER.call_once(|| {
        // SAFETY: registers a handler that only touches an atomic, which is
        // async-signal-safe as fork handlers must be.
        let status = unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
        if status != 0 {
            // Without the handler pools cannot be trusted across forks:
            // make every fill single-use by never matching a generation.
            FORK_GENERATION.store(u64::MAX, Ordering::Relaxed);
        }
    });
}

/// Fills `out` from the calling thread's pool. Returns false if the system
/// generator failed (the caller falls back to another source).
pub fn fill(out: &mut [u8]) -> bool {
    if out.len() > POOL_BYTES {
        return aws_lc_rs::rand::fill(out).is_ok();
    }
    watch_forks();
    POOL.with(|pool| {
        let Ok(mut pool) = pool.try_borrow_mut() else {
            return aws_lc_rs::rand::fill(out).is_ok();
        };
        let generation = FORK_GENERATION.load(Ordering::Relaxed);
        let stale = pool.generation != generation || generation == u64::MAX;
        if stale || pool.next + out.len() > POOL_BYTES {
            if aws_lc_rs::rand::fill(&mut pool.bytes).is_err() {
                return false;
            }
            pool.next = 0;
            pool.generation = generation;
        }
        let start = pool.next;
        let Some(chunk) = pool.bytes.get(start..start + out.len()) else {
            return false;
        };
        out.copy_from_slice(chunk);
        // Bytes handed out are not kept around.
        if let Some(used) = pool.bytes.get_mut(start..start + out.len()) {
            used.fill(0);
        }
        pool.next = start + out.len();
        true
    })
}

/// Seeds aws-lc's random generator on a background thread. Its first use in
/// a process (and again in each forked child) gathers entropy for tens of
/// milliseconds; done ahead of time (the Python package calls this at import
/// and after fork), the first token a server worker issues does not wait.
pub fn warm() {
    // If the thread cannot start, the first token pays the seeding instead.
    let _ = std::thread::Builder::new()
        .name("simplejwt-rng-seed".into())
        .spawn(|| {
            let mut byte = [0u8; 1];
            let _ = aws_lc_rs::rand::fill(&mut byte);
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_distinct_across_refills() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..(POOL_BYTES / 16) * 3 {
            let mut id = [0u8; 16];
            assert!(fill(&mut id));
            assert!(seen.insert(id), "repeated bytes");
        }
    }

    #[test]
    fn a_fork_discards_the_pool() {
        let mut first = [0u8; 16];
        assert!(fill(&mut first));
        let before = POOL.with(|pool| pool.borrow().next);
        after_fork_in_child();
        let mut second = [0u8; 16];
        assert!(fill(&mut second));
        // A fresh pool was drawn: the cursor restarted.
        assert_eq!(POOL.with(|pool| pool.borrow().next), 16);
        assert!(before >= 16);
        assert_ne!(first, second);
    }

    #[test]
    fn forked_child_gets_different_ids() {
        // Fill the pool in the parent, fork, and compare the next ids.
        let mut warm = [0u8; 16];
        assert!(fill(&mut warm));
        let mut pipe = [0i32; 2];
        // SAFETY: plain POSIX calls; the child only writes and exits.
        unsafe {
            assert_eq!(libc::pipe(pipe.as_mut_ptr()), 0);
            let pid = libc::fork();
            assert!(pid >= 0);
            if pid == 0 {
                let mut id = [0u8; 16];
                let ok = fill(&mut id);
                libc::write(pipe[1], id.as_ptr().cast(), 16);
                libc::_exit(i32::from(!ok));
            }
            let mut parent = [0u8; 16];
            assert!(fill(&mut parent));
            let mut child = [0u8; 16];
            assert_eq!(libc::read(pipe[0], child.as_mut_ptr().cast(), 16), 16);
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            assert_ne!(parent, child, "the child reused the parent's pool");
        }
    }
}
