//! The locks, condition variables, channels and threads the executors are
//! built on: std's, or loom's when the crate is model-checked
//! (`RUSTFLAGS="--cfg loom"`, see `tests/loom.rs`), so that loom can run every
//! interleaving of them. Everything else in the crate takes them from here.

#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard, mpsc};
#[cfg(loom)]
pub(crate) use loom::thread;

#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard, mpsc};
#[cfg(not(loom))]
pub(crate) use std::thread;

// std's `Arc` under loom too: a task's state is one `Arc` that its handles
// and the thread pool's queue see as different trait objects, a coercion
// loom's `Arc` cannot make. The locks it holds are loom's, so loom still
// tries every interleaving of them.
pub(crate) use std::sync::Arc;
