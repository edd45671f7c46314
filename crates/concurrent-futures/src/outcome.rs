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
///
/// Listed here, whatever they hold: the numbers, `bool`, `char`, `()`,
/// `String`, `&'static str`, `Duration`, `Instant`, `SystemTime`, `PathBuf`,
/// `OsString`, the IP and socket addresses; arrays (`[u8; 32]`), tuples of up
/// to 12 (as std's own traits), `Vec`, `VecDeque`, `LinkedList`,
/// `BinaryHeap`, the hash and B-tree maps and sets, `Option`, `Cow`, and
/// `Box`, `Arc` of anything, unsized too (`Arc<str>`, `Box<[u8]>`).
///
/// # A type from another crate
///
/// `never_raises!(serde_json::Value)` in your crate does not compile: Rust's
/// orphan rule lets only the crate of a trait or the crate of a type join
/// the two, and neither is yours. Return such a value as
/// `Ok::<_, Infallible>(value)`: a `Result` that never fails gives the same
/// handle, `Handle<Value>`, with nothing to declare. (A newtype of your own,
/// `struct Doc(Value)` with `never_raises!(Doc)`, works too, but its handle
/// holds the wrapper.) Here `std::thread::ThreadId`, which this crate does
/// not declare, stands for such a type:
///
/// ```
/// use std::convert::Infallible;
/// use std::thread::{self, ThreadId};
/// use concurrent_futures::{Handle, ThreadPoolExecutor};
///
/// let executor = ThreadPoolExecutor::new(1);
/// let handle: Handle<ThreadId> = executor
///     .submit(|| Ok::<_, Infallible>(thread::current().id()))
///     .unwrap();
/// assert_ne!(handle.join().unwrap(), thread::current().id(), "a worker's");
/// ```
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
///
/// For types of your own crate: one of another crate is refused by the
/// orphan rule; return it as `Ok::<_, Infallible>(value)` instead, as
/// [`Outcome`](crate::Outcome#a-type-from-another-crate) shows. The std
/// shapes (arrays, tuples, `Arc<str>` ...) are declared already.
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
    std::time::Instant,
    std::time::SystemTime,
    std::path::PathBuf,
    std::ffi::OsString,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
    std::net::SocketAddr,
    std::net::SocketAddrV4,
    std::net::SocketAddrV6,
);

/// Generic plain values: a collection or tuple is returned whole, never
/// raised. These impls live here, with the trait: the orphan rule would stop
/// a user's crate from writing them (`[u8; 32]`, `Arc<str>`, a 5-tuple).
/// None of these types is a `Result`, so they cannot overlap its impl.
macro_rules! never_raises_generic {
    ($(<$($param:ident $(: ?$unsized:ident)?),+> $plain:ty),* $(,)?) => {
        $(impl<$($param $(: ?$unsized)?),+> Outcome for $plain {
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
    <T: ?Sized> Box<T>,
    <T: ?Sized> std::sync::Arc<T>,
    <T> std::collections::VecDeque<T>,
    <T> std::collections::LinkedList<T>,
    <T> std::collections::BinaryHeap<T>,
    <T> std::collections::BTreeSet<T>,
    <T, S> std::collections::HashSet<T, S>,
    <K, V, S> std::collections::HashMap<K, V, S>,
    <K, V> std::collections::BTreeMap<K, V>,
    <A> (A,),
    <A, B> (A, B),
    <A, B, C> (A, B, C),
    <A, B, C, D> (A, B, C, D),
    <A, B, C, D, E> (A, B, C, D, E),
    <A, B, C, D, E, F> (A, B, C, D, E, F),
    <A, B, C, D, E, F, G> (A, B, C, D, E, F, G),
    <A, B, C, D, E, F, G, H> (A, B, C, D, E, F, G, H),
    <A, B, C, D, E, F, G, H, I> (A, B, C, D, E, F, G, H, I),
    <A, B, C, D, E, F, G, H, I, J> (A, B, C, D, E, F, G, H, I, J),
    <A, B, C, D, E, F, G, H, I, J, K> (A, B, C, D, E, F, G, H, I, J, K),
    <A, B, C, D, E, F, G, H, I, J, K, L> (A, B, C, D, E, F, G, H, I, J, K, L),
);

// Arrays of any length: a const parameter the macro above does not take.
impl<T, const N: usize> Outcome for [T; N] {
    type Ok = [T; N];
    type Err = Infallible;
    fn into_result(self) -> Result<[T; N], Infallible> {
        Ok(self)
    }
}

// `Cow<'static, str>` and friends: a value borrowed for ever, or owned.
impl<B: ?Sized + ToOwned + 'static> Outcome for std::borrow::Cow<'static, B> {
    type Ok = std::borrow::Cow<'static, B>;
    type Err = Infallible;
    fn into_result(self) -> Result<Self::Ok, Infallible> {
        Ok(self)
    }
}
