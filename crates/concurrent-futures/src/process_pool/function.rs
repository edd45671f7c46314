//! How a function crosses to a worker: the Rust twin of pickle sending a
//! function by its qualified name.
//!
//! `pickle` sends `pow` as the text `"builtins.pow"`, and the worker imports
//! it by that name. A Rust program keeps no names at run time, but a worker
//! runs the very same executable (procspawn re-executes it), and loading moves
//! the executable as a whole: the distance from one function to another is
//! the same in every process. So a function travels as two offsets from
//! [`ANCHOR`]: the task itself, a `fn(A) -> R`, and `run::<A, R>`, the one
//! instance of generic code that knows how to decode an `A`, call, and
//! encode the `R`. The worker adds its own `ANCHOR` back, and calls.
//!
//! Turning a number back into a function is the one `unsafe` operation in the
//! crate, and this file is the one place that does it (procspawn does the
//! same for its own calls). So that the types say so, [`FnRef::call`] is an
//! `unsafe fn`: it is sound only on a reference [`FnRef::new`] made, from a
//! real function of the right type, in a process running the same binary (the
//! hello of every worker compares [`FnRef::layout`] to be sure). Its one
//! caller, the worker, calls it on bytes from the private socket pair to its
//! own parent, never from outside: like unpickling, it trusts that channel.
//!
//! Safe alternatives exist and cost more than they give here: a registry of
//! task functions (a `#[task]` attribute collected with `inventory` or
//! `linkme`, or names matched by hand) makes every task declare itself and
//! rules out plain closures; one procspawn call per task (procspawn does the
//! unsafe step for us) starts a process per task, the very cost this pool
//! exists to avoid. Functions from a dynamically loaded library are not
//! supported: such a library moves on its own.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::worker;

/// A function a worker can call, as offsets from [`ANCHOR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct FnRef {
    run: isize,
    function: isize,
}

/// What a worker calls: `run::<A, R>` for the task's own `A` and `R`, which
/// reads the arguments from the request and writes the outcomes to the reply.
type Run = fn(isize, &[u8], &mut Vec<u8>);

impl FnRef {
    /// The reference a worker turns back into `f`.
    pub(super) fn new<A, R>(f: fn(A) -> R) -> FnRef
    where
        A: DeserializeOwned,
        R: Serialize,
    {
        FnRef {
            run: offset(run::<A, R> as Run as usize),
            function: offset(f as usize),
        }
    }

    /// Calls the function on each argument in `request`, writing the outcomes
    /// to `reply`.
    ///
    /// # Safety
    ///
    /// `self` was made by [`FnRef::new`] in a process running this same
    /// executable (a worker's parent, whose build the hello checked) and
    /// reached here unchanged. A `FnRef` from anywhere else is an arbitrary
    /// address, and calling it is undefined behaviour.
    #[allow(unsafe_code)]
    pub(super) unsafe fn call(self, request: &[u8], reply: &mut Vec<u8>) {
        // SAFETY: the caller promises `self` came from `FnRef::new`, so
        // `run` is `run::<A, R>` and `function` a `fn(A) -> R` of the same A, R.
        let run: Run = unsafe { pointer_at(self.run) };
        run(self.function, request, reply);
    }

    /// Where this very function lies: equal in parent and worker exactly when
    /// they run the same build, which every offset above relies on.
    /// (Never inlined, so that it has one address.)
    #[inline(never)]
    pub(super) fn layout() -> isize {
        offset(FnRef::layout as fn() -> isize as usize)
    }
}

/// The known point every offset is measured from: a static, because a
/// static has exactly one address, while the compiler may copy a small
/// function into each unit of code that uses it, each copy at its own address
/// (an `fn anchor() {}` did just that in a release build).
static ANCHOR: u8 = 0;

fn anchor() -> usize {
    &ANCHOR as *const u8 as usize
}

fn offset(address: usize) -> isize {
    address.wrapping_sub(anchor()) as isize
}

/// The typed half of a call: `function` is a `fn(A) -> R`, because
/// [`FnRef::new`] stored them together.
fn run<A, R>(function: isize, request: &[u8], reply: &mut Vec<u8>)
where
    A: DeserializeOwned,
    R: Serialize,
{
    // SAFETY: `FnRef::new` stored `function` with this very `run::<A, R>`,
    // and `FnRef::call`'s caller vouched for both.
    #[allow(unsafe_code)]
    let f: fn(A) -> R = unsafe { pointer_at(function) };
    worker::call_each(f, request, reply);
}

/// The function pointer types [`pointer_at`] may produce, and no others.
/// Each has the size of a `usize` (checked below, when this compiles).
trait FnPointer: Copy {}
impl<A, R> FnPointer for fn(A) -> R {}
impl FnPointer for Run {}

const _: () = assert!(size_of::<Run>() == size_of::<usize>());
const _: () = assert!(size_of::<fn(u64) -> u64>() == size_of::<usize>());

/// The function at `offset` from [`ANCHOR`] in this process.
///
/// # Safety
///
/// `offset` was made by [`offset`] from a function of type `F` in a process
/// running this same executable.
#[allow(unsafe_code)]
unsafe fn pointer_at<F: FnPointer>(offset: isize) -> F {
    let address = anchor().wrapping_add_signed(offset);
    // SAFETY: the executable moved as a whole, so `ANCHOR + offset` is that
    // same function here; `F` is a function pointer, the size of a `usize`.
    unsafe { std::mem::transmute_copy::<usize, F>(&address) }
}
