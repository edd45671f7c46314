//! How a function crosses to a worker: the Rust twin of pickle sending a
//! function by its qualified name.
//!
//! `pickle` sends `pow` as the text `"builtins.pow"`, and the worker imports
//! it by that name. A Rust program keeps no names at run time, but a worker
//! runs the very same executable (procspawn re-executes it), and the loader
//! places each loaded object (the executable, each shared library) as a
//! whole: within one object, the distance from one function to another is the
//! same in every process. So a function travels as two offsets from
//! [`ANCHOR`], a static of this crate: the task itself, a `fn(A) -> R`, and
//! `run::<A, R>`, the one instance of generic code that knows how to decode
//! an `A`, call, and encode the `R`. The worker adds its own `ANCHOR` back,
//! and calls.
//!
//! That holds only for functions in the object that holds `ANCHOR`. A task
//! whose code lives in a dynamic library (a `dylib` crate, `-C
//! prefer-dynamic`) is placed elsewhere in each process, and its offset
//! means nothing in the worker. So both ends look the addresses up, with
//! `findshlibs` as procspawn's `safe-shared-libraries` does for its own
//! calls: [`FnRef::new`] refuses a function outside `ANCHOR`'s object (the
//! task fails as Python's fails to pickle a function it cannot find by name),
//! the worker checks again before it calls, and on a platform where the
//! lookup finds nothing, neither side sends or calls anything.
//!
//! Turning a number back into a function is the one `unsafe` operation in the
//! crate, and this file is the one place that does it. The types say so:
//! [`FnRef::call`] and [`Run`] are `unsafe fn`s. What the checks cannot
//! prove is that an address inside the object is the start of a function of
//! the right type; that rests on the channel, as unpickling does: the worker
//! calls only what came over the private socket pair to its own parent, which
//! writes only what [`FnRef::new`] made.
//!
//! Safe alternatives exist and cost more than they give here: a registry of
//! task functions (a `#[task]` attribute collected with `inventory` or
//! `linkme`, or names matched by hand) makes every task declare itself and
//! rules out plain closures; one procspawn call per task (procspawn does the
//! unsafe step for us) starts a process per task, the very cost this pool
//! exists to avoid.

use std::ops::Range;
use std::sync::OnceLock;

use findshlibs::{
    Avma, IterationControl, Segment, SharedLibrary, TargetSharedLibrary,
};
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
/// `unsafe`, because it turns its first argument into a `fn(A) -> R` on the
/// caller's word.
type Run = unsafe fn(usize, &[u8], &mut Vec<u8>);

impl FnRef {
    /// The reference a worker turns back into `f`; `Err` if `f` does not lie
    /// in the loaded object that holds [`ANCHOR`] (it comes from a dynamic
    /// library), or if this platform cannot tell.
    pub(super) fn new<A, R>(f: fn(A) -> R) -> Result<FnRef, String>
    where
        A: DeserializeOwned,
        R: Serialize,
    {
        let object = Object::of_anchor()?;
        let run = run::<A, R> as Run as usize;
        let function = f as usize;
        if !object.contains(function) || !object.contains(run) {
            return Err(format!(
                "cannot send {} to a worker: it is not in the executable \
                 (a function from a dynamic library has no fixed place to find it by)",
                std::any::type_name::<fn(A) -> R>()
            ));
        }
        Ok(FnRef {
            run: offset(run),
            function: offset(function),
        })
    }

    /// The addresses of `run` and of the function in this process, once
    /// checked to lie in the object that holds [`ANCHOR`].
    fn locate(self) -> Result<(usize, usize), String> {
        let object = Object::of_anchor()?;
        let run = anchor().wrapping_add_signed(self.run);
        let function = anchor().wrapping_add_signed(self.function);
        if !object.contains(run) || !object.contains(function) {
            return Err("a function reference points outside the executable".into());
        }
        Ok((run, function))
    }

    /// Calls the function on each argument in `request`, writing the outcomes
    /// to `reply`. `Err`, and nothing called, if an address falls outside
    /// the object that holds [`ANCHOR`] here.
    ///
    /// # Safety
    ///
    /// `self` was made by [`FnRef::new`] in a process running this same
    /// executable (a worker's parent: procspawn started the worker from the
    /// parent's executable, and the hello compared [`FnRef::layout`]) and
    /// reached here unchanged. The check inside catches a reference from
    /// another object, not an arbitrary one: calling that is undefined
    /// behaviour.
    #[allow(unsafe_code)]
    pub(super) unsafe fn call(
        self,
        request: &[u8],
        reply: &mut Vec<u8>,
    ) -> Result<(), String> {
        let (run, function) = self.locate()?;
        // SAFETY: `run` lies in the object holding ANCHOR here (`locate`),
        // as it did in the parent (`FnRef::new` checked it there), and the
        // object is the same file in both (this function's contract), loaded
        // as a whole: the same offset from ANCHOR is the same function,
        // `run::<A, R>` as a `Run`, by this function's contract. `Run` is a
        // function pointer, the size of a `usize`.
        let run: Run = unsafe { pointer_at(run) };
        // SAFETY: `run` is `run::<A, R>` (above), and `function` is the
        // `fn(A) -> R` that `FnRef::new` stored beside it, checked just as
        // `run` was: `run`'s contract.
        unsafe { run(function, request, reply) };
        Ok(())
    }

    /// Where this very function lies: equal in parent and worker exactly when
    /// they run the same build, which every offset above relies on; `Err` if
    /// this process cannot find the object that holds [`ANCHOR`], and so
    /// must neither send nor call a function. (Never inlined, so that it has
    /// one address.)
    #[inline(never)]
    pub(super) fn layout() -> Result<isize, String> {
        Object::of_anchor()?;
        Ok(offset(
            FnRef::layout as fn() -> Result<isize, String> as usize,
        ))
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

/// The memory of one loaded object (the executable, or a shared library),
/// as the loader mapped it in this process: one range per segment.
#[derive(Debug)]
struct Object {
    segments: Vec<Range<usize>>,
}

impl Object {
    /// The object that holds [`ANCHOR`], looked up once per process (it does
    /// not move once loaded).
    fn of_anchor() -> Result<&'static Object, String> {
        static OBJECT: OnceLock<Result<Object, String>> = OnceLock::new();
        OBJECT
            .get_or_init(Object::find)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn find() -> Result<Object, String> {
        let anchor = Avma(anchor());
        let mut found = None;
        TargetSharedLibrary::each(|object| {
            if !object
                .segments()
                .any(|seg| seg.contains_avma(object, anchor))
            {
                return IterationControl::Continue;
            }
            let segments = object.segments().map(|seg| {
                let start = seg.actual_virtual_memory_address(object).0;
                start..start + seg.len()
            });
            found = Some(Object {
                segments: segments.collect(),
            });
            IterationControl::Break
        });
        found.ok_or_else(|| {
            "cannot tell which loaded object holds the executable's code on this \
             platform, so no function can be sent to a worker"
                .to_string()
        })
    }

    fn contains(&self, address: usize) -> bool {
        self.segments
            .iter()
            .any(|segment| segment.contains(&address))
    }
}

/// The typed half of a call: `function` is a `fn(A) -> R`, because
/// [`FnRef::new`] stored them together.
///
/// # Safety
///
/// `function` is the address, in this process, of a `fn(A) -> R` of this
/// very `A` and `R`.
#[allow(unsafe_code)]
unsafe fn run<A, R>(function: usize, request: &[u8], reply: &mut Vec<u8>)
where
    A: DeserializeOwned,
    R: Serialize,
{
    // SAFETY: this function's contract; `fn(A) -> R` is a function pointer,
    // the size of a `usize`.
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

/// The function at `address` in this process.
///
/// # Safety
///
/// `address` is the address of a function of type `F` in this process.
#[allow(unsafe_code)]
unsafe fn pointer_at<F: FnPointer>(address: usize) -> F {
    // SAFETY: the caller's promise; `F` is a function pointer, the size of a
    // `usize` (the asserts above), so the copy reads exactly its bytes.
    unsafe { std::mem::transmute_copy::<usize, F>(&address) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(n: u64) -> u64 {
        n * n
    }

    /// A function of the executable is sent; an address elsewhere (here, the
    /// heap, as a dynamic library's code would be) is refused by the worker's
    /// check before anything is called.
    #[test]
    fn only_functions_of_the_executable_cross() {
        let sent = FnRef::new(square as fn(u64) -> u64).unwrap();
        assert!(sent.locate().is_ok());
        let elsewhere = Box::new(0u8);
        let forged = FnRef {
            function: offset(&*elsewhere as *const u8 as usize),
            ..sent
        };
        assert!(forged.locate().is_err());
        assert!(FnRef::layout().is_ok());
    }
}
