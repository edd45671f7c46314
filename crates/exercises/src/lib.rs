//! 练习 · Exercises: `just exercise` finds the first unfinished exercise,
//! runs its check, and says what is wrong and where to edit.
//!
//! Each exercise is one file in `exercises/`: a copy of a listing's code that
//! the learner may break, and a `main` that hands it to a check here. Two
//! kinds: *predict* (write what the run will do in the marked place; only
//! then does the check run the real code, and show both) and *make* (change
//! the code until a behaviour appears; the check tests the behaviour, never
//! the text). Solutions live apart, in `solutions/`.
//!
//! Each exercise and each solution is a program of this package that needs
//! the feature `learner` (see Cargo.toml): the learner's editor knows it, and
//! `cargo test --workspace` never builds it, whatever a learner does to it.

pub mod catalogue;
pub mod check;
pub mod lab;
pub mod python;
pub mod recorded;

pub use lab::{UNIT, codes, nap};
