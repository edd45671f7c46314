//! What crosses the socket between the pool and a worker, and how.
//!
//! Every message is a frame: a 4-byte little-endian length, then that many
//! bytes of postcard (serde's compact binary form; Python's `multiprocessing`
//! frames its pickles with a 4-byte length too). Each frame is built whole in
//! a buffer and written with one `write_all`: one system call, no Nagle delay
//! to fear on a Unix socket.
//!
//! ```text
//! worker -> pool  hello    Hello { layout, initialized }
//! pool -> worker  request  FnRef, n, arg_1 .. arg_n          (n = 1 for submit)
//! worker -> pool  reply    outcome_1 .. outcome_n           Result<R, Failure>
//! ```

use std::io::{self, Read};

use serde::{Deserialize, Serialize};

use super::function::FnRef;

/// A worker's first frame, once it has run the initializer.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Hello {
    /// [`FnRef::layout`] in the worker: the parent checks it is its own.
    /// `Err` if the worker cannot check the functions it is sent.
    pub(super) layout: Result<isize, String>,
    /// `Err` if the initializer panicked.
    pub(super) initialized: Result<(), Failure>,
}

/// Why a call in a worker gave no outcome of its own: the worker's side of
/// [`Error`](crate::Error), in a form that crosses the socket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) enum Failure {
    /// The function panicked, with this message.
    Panicked(String),
    /// The argument would not deserialize, or the result would not serialize.
    Unpicklable(String),
}

impl<E> From<Failure> for crate::Error<E> {
    fn from(failure: Failure) -> crate::Error<E> {
        match failure {
            Failure::Panicked(message) => crate::Error::Panicked(message),
            Failure::Unpicklable(why) => crate::Error::Unpicklable(why),
        }
    }
}

/// Starts a frame in `frame`, emptying it.
pub(super) fn begin(frame: &mut Vec<u8>) {
    frame.clear();
    frame.extend_from_slice(&[0; 4]);
}

/// Writes the frame's length into its first 4 bytes.
pub(super) fn end(frame: &mut [u8]) -> io::Result<()> {
    let len = u32::try_from(frame.len() - 4)
        .map_err(|_| io::Error::other("a frame cannot exceed 4 GiB"))?;
    frame[..4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

/// Reads one frame's body into `body`. Any error, end of file included,
/// means the other side is gone.
pub(super) fn read(reader: &mut impl Read, body: &mut Vec<u8>) -> io::Result<()> {
    let mut len = [0; 4];
    reader.read_exact(&mut len)?;
    body.clear();
    body.resize(u32::from_le_bytes(len) as usize, 0);
    reader.read_exact(body)
}

/// Appends `value` to `frame`.
pub(super) fn put<T: Serialize + ?Sized>(
    value: &T,
    frame: &mut Vec<u8>,
) -> Result<(), postcard::Error> {
    postcard::to_extend(value, Append(frame)).map(drop)
}

/// Takes one value off the front of `bytes`.
pub(super) fn take<'a, T: Deserialize<'a>>(
    bytes: &mut &'a [u8],
) -> Result<T, postcard::Error> {
    let (value, rest) = postcard::take_from_bytes(bytes)?;
    *bytes = rest;
    Ok(value)
}

/// Appends a request (without its length) to `frame`: call `call` on each
/// of `args`.
pub(super) fn put_request<A: Serialize>(
    call: FnRef,
    args: &[A],
    frame: &mut Vec<u8>,
) -> Result<(), postcard::Error> {
    put(&call, frame)?;
    put(&args.len(), frame)?;
    args.iter().try_for_each(|arg| put(arg, frame))
}

/// Lets postcard append to a `Vec` we keep (its `to_extend` takes the
/// collection by value).
struct Append<'a>(&'a mut Vec<u8>);

impl Extend<u8> for Append<'_> {
    fn extend<I: IntoIterator<Item = u8>>(&mut self, bytes: I) {
        self.0.extend(bytes);
    }
}
