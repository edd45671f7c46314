//! A job: what waits in the pool's queue for a worker, Python's `_WorkItem`
//! (or, for `map(chunksize=n)`, its `_process_chunk` call).
//!
//! One job is one request to a worker: a function and a chunk of arguments,
//! one [`Handle`] per argument. `submit` makes a chunk of one.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::function::FnRef;
use super::refusal;
use super::wire::{self, Failure};
use crate::future::Deferred;
use crate::{Error, Handle, HandleOf, Outcome};

/// A queued job, whatever its types.
pub(super) trait Job: Send {
    /// A worker is taking it: marks its tasks running, leaves the cancelled
    /// ones out, and writes the request into `frame`. `Ok(false)` if every
    /// task was cancelled; `Err(why)` if an argument would not serialize, for
    /// the caller to [`fail`](Job::fail) the job once it holds no lock. It
    /// runs under the worker's slot lock, so it drops nothing of the user's:
    /// the arguments go when the job does. `worker` is the number of the
    /// worker process taking it, for the events.
    fn start(&mut self, frame: &mut Vec<u8>, worker: usize) -> Result<bool, String>;
    /// Gives each task its outcome from the worker's reply.
    fn finish(self: Box<Self>, reply: &[u8]);
    /// Gives every task the same error (its worker died; the pool is broken).
    fn fail(self: Box<Self>, error: Error);
    /// `shutdown(cancel_futures=True)`, under the pool's lock: the tasks are
    /// cancelled now, and their callbacks returned, to run after the lock.
    fn cancel(&self) -> Vec<Deferred>;
}

/// `f` to be called on each of `args`, results to `handles`.
pub(super) struct Chunk<A, R: Outcome> {
    call: FnRef,
    handles: Vec<HandleOf<R>>,
    args: Vec<A>,
    /// Arguments already written to a frame, or of cancelled tasks: kept,
    /// to be dropped with the job, outside any lock.
    spent: Vec<A>,
}

/// A new chunk, and the handles its tasks will finish.
pub(super) type ChunkAndHandles<A, R> = (Chunk<A, R>, Vec<HandleOf<R>>);

impl<A, R> Chunk<A, R>
where
    A: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned + Outcome,
{
    /// A chunk and the handles of its tasks, in the order of `args`;
    /// `Err(Unpicklable)` if `f` cannot be sent to a worker (see `FnRef`).
    pub(super) fn new(
        f: fn(A) -> R,
        args: Vec<A>,
    ) -> Result<ChunkAndHandles<A, R>, Error> {
        let call = FnRef::new(f).map_err(Error::Unpicklable)?;
        let handles: Vec<HandleOf<R>> = args.iter().map(|_| Handle::new()).collect();
        let chunk = Chunk {
            call,
            handles: handles.clone(),
            args,
            spent: Vec::new(),
        };
        Ok((chunk, handles))
    }
}

impl<A, R> Job for Chunk<A, R>
where
    A: Serialize + Send,
    R: DeserializeOwned + Outcome<Ok: Send + 'static, Err: Send + 'static>,
{
    fn start(&mut self, frame: &mut Vec<u8>, worker: usize) -> Result<bool, String> {
        // Python's set_running_or_notify_cancel, once per task.
        let running: Vec<bool> = self
            .handles
            .iter()
            .map(|handle| handle.start_on(Some(worker)))
            .collect();
        let mut keep = running.iter();
        self.handles
            .retain(|_| *keep.next().expect("one flag per handle"));
        let (args, cancelled): (Vec<_>, Vec<_>) = std::mem::take(&mut self.args)
            .into_iter()
            .zip(&running)
            .partition(|(_, running)| **running);
        self.spent.extend(cancelled.into_iter().map(|(arg, _)| arg));
        self.spent.extend(args.into_iter().map(|(arg, _)| arg));
        if self.handles.is_empty() {
            return Ok(false);
        }
        wire::begin(frame);
        let args = &self.spent[self.spent.len() - self.handles.len()..];
        wire::put_request(self.call, args, frame).map_err(|err| {
            let why = refusal::why(args, err);
            format!("cannot serialize the argument: {why}")
        })?;
        wire::end(frame).map_err(|err| err.to_string())?;
        Ok(true)
    }

    fn finish(self: Box<Self>, reply: &[u8]) {
        let mut reply = reply;
        for handle in self.handles {
            let outcome = match wire::take::<Result<R, Failure>>(&mut reply) {
                // The task's own `Err` is raised here, as on a thread.
                Ok(Ok(returned)) => returned.into_result().map_err(Error::Raised),
                Ok(Err(failure)) => Err(failure.into()),
                Err(err) => {
                    reply = &[];
                    Err(Error::Unpicklable(format!(
                        "cannot deserialize the result: {err}"
                    )))
                }
            };
            handle.finish(outcome);
        }
    }

    fn fail(self: Box<Self>, error: Error) {
        for handle in self.handles {
            handle.finish(Err(error.clone().widen()));
        }
    }

    fn cancel(&self) -> Vec<Deferred> {
        self.handles
            .iter()
            .map(Handle::cancel_deferring_callbacks)
            .collect()
    }
}
