//! [`Outcome`]: how a task's return value reads as Python's "returned a
//! value" or "raised an exception".

use std::convert::Infallible;
use std::time::Duration;

/// What a task gives back, split into what it returns and what it raises.
///
/// A task returning `Result<T, E>` returns `T` on `Ok` and *raises* `E` on
/// `Err`: its handle prints `raised E`, `exception()` gives the `E`, and
/// `wait(FirstException)` stops for it, as Python's do for an exception.
/// A task returning a plain value (`u64`, `String`, `()` ...) never raises.
///
/// Rust cannot say "every type that is not a `Result`" (that needs
/// specialization), so plain values are listed: the common std types here,
/// and a type of your own with [`never_raises!`](crate::never_raises), as
/// `std::process::Termination` lists what `main` may return.
pub trait Outcome {
    /// What the task returns when it succeeds.
    type Ok;
    /// What the task raises when it fails ([`Infallible`] if it cannot).
    type Err;
    /// The outcome as a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
}

impl<T, E> Outcome for Result<T, E> {
    type Ok = T;
    type Err = E;
    fn into_result(self) -> Result<T, E> {
        self
    }
}

/// Declares types whose values a task returns and never raises:
/// `never_raises!(PrimeResult);`, for a task `fn check(n: u64) -> PrimeResult`.
#[macro_export]
macro_rules! never_raises {
    ($($plain:ty),* $(,)?) => {
        $(impl $crate::Outcome for $plain {
            type Ok = $plain;
            type Err = ::std::convert::Infallible;
            fn into_result(self) -> ::std::result::Result<$plain, ::std::convert::Infallible> {
                Ok(self)
            }
        })*
    };
}

never_raises!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    &'static str,
    Duration,
    std::path::PathBuf
);

/// Generic plain values: a collection or tuple is returned whole, never raised.
macro_rules! never_raises_generic {
    ($(<$($param:ident),+> $plain:ty),* $(,)?) => {
        $(impl<$($param),+> Outcome for $plain {
            type Ok = $plain;
            type Err = Infallible;
            fn into_result(self) -> Result<$plain, Infallible> {
                Ok(self)
            }
        })*
    };
}

never_raises_generic!(
    <T> Vec<T>,
    <T> Option<T>,
    <T> Box<T>,
    <T> std::sync::Arc<T>,
    <T> std::collections::VecDeque<T>,
    <T> std::collections::HashSet<T>,
    <K, V> std::collections::HashMap<K, V>,
    <K, V> std::collections::BTreeMap<K, V>,
    <A> (A,),
    <A, B> (A, B),
    <A, B, C> (A, B, C),
    <A, B, C, D> (A, B, C, D),
);
