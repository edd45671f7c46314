//! The locks, condition variables, channels and threads the executors are
//! built on: std's, or loom's when the crate is model-checked
//! (`RUSTFLAGS="--cfg loom"`, see `tests/loom.rs`), so that loom can run every
//! interleaving of them. Everything else in the crate takes them from here.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
#[cfg(loom)]
pub(crate) use loom::thread;

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
#[cfg(not(loom))]
pub(crate) use std::thread;
