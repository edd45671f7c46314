//! 练习 · Exercises: `just exercise` finds the first unfinished exercise,
//! runs its check, and says what is wrong and where to edit.
//!
//! Each exercise is one file in `exercises/`: a copy of a listing's code that
//! the learner may break, and a `main` that hands it to a check here. Two
//! kinds: *predict* (write what the run will do in the marked place; the
//! check runs the real code and shows both) and *make* (change the code until
//! a behaviour appears; the check tests the behaviour, never the text).
//! Solutions live apart, in `solutions/`.
//!
//! The runner (`src/main.rs`) compiles one exercise file at a time against
//! this library, outside Cargo's build of the workspace: whatever a learner
//! does to an exercise, `cargo test --workspace` never sees it.

pub mod catalogue;
pub mod check;
pub mod lab;
pub mod python;
pub mod recorded;

pub use lab::{UNIT, codes, nap};
