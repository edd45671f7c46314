//! The worker process: Python's `_process_worker`. Read a request, call,
//! write the reply, repeat, until the pool closes the channel.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::panic::{self, AssertUnwindSafe};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::function::FnRef;
use super::refusal;
use super::wire::{self, Failure, Hello};
use crate::Error;

/// What procspawn hands the new process: the pool's settings.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Start {
    /// A request to run once before any task: Python's `initializer(*initargs)`.
    pub(super) initializer: Option<Vec<u8>>,
    pub(super) max_tasks_per_child: Option<usize>,
}

thread_local! {
    /// True while a task runs on this thread: its panic goes back to the
    /// pool as a value, so the worker does not print it too.
    static IN_TASK: Cell<bool> = const { Cell::new(false) };
}

/// The worker's `main`; procspawn calls it in the re-executed binary. An
/// error here means the channel to the pool broke: the pool sees the end of
/// file and learns how the process ended.
pub(super) fn main(start: Start) {
    name_this_process();
    if let Err(err) = serve(start) {
        eprintln!("concurrent_futures: a worker process gives up: {err}");
    }
}

/// procspawn starts workers as `/proc/self/exe`, so `ps` and `top` would
/// list them all as `exe`; Python's workers show as `python`, and ours take
/// the program's own name (`processes`). Written to `/proc/self/comm`, which
/// names the process whichever thread runs this.
fn name_this_process() {
    let Some(program) = std::env::current_exe()
        .ok()
        .and_then(|path| Some(path.file_stem()?.to_string_lossy().into_owned()))
    else {
        return;
    };
    // The kernel keeps 15 bytes of a name; cut on a character boundary.
    let cut = (0..=program.len().min(15))
        .rev()
        .find(|&i| program.is_char_boundary(i))
        .unwrap_or(0);
    // A name is a courtesy: where there is no /proc, nothing else changes.
    let _ = std::fs::write("/proc/self/comm", &program[..cut]);
}

fn serve(start: Start) -> io::Result<()> {
    // Ctrl-C reaches every process of the terminal's group. A worker must not
    // die mid-task (a half-written file): it lets the signal pass, finishes
    // its task, and ends when the pool, which decides, closes the channel.
    ctrlc::set_handler(|| {}).map_err(io::Error::other)?;
    let channel = take_channel()?;
    let report_panic = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !IN_TASK.get() {
            report_panic(info);
        }
    }));

    let mut reply = Vec::new();
    let initialized = match &start.initializer {
        Some(request) => {
            call(request, &mut reply);
            wire::take::<Result<(), Failure>>(&mut reply.as_slice())
                .expect("the initializer's reply is ours")
        }
        None => Ok(()),
    };
    let hello = Hello {
        layout: FnRef::layout(),
        initialized,
    };
    // A worker that cannot check what it is sent serves nothing either.
    let failed = hello.initialized.is_err() || hello.layout.is_err();
    wire::begin(&mut reply);
    wire::put(&hello, &mut reply).map_err(io::Error::other)?;
    wire::end(&mut reply)?;
    (&channel).write_all(&reply)?;
    if failed {
        return Ok(());
    }

    // One request at a time: a worker holds at most one task, so a task
    // waiting in the pool can still be cancelled.
    let mut reader = BufReader::with_capacity(1 << 16, &channel);
    let mut request = Vec::new();
    let mut served = 0;
    while start.max_tasks_per_child.is_none_or(|max| served < max) {
        if wire::read(&mut reader, &mut request).is_err() {
            break; // The pool closed the channel (shutdown), or died.
        }
        wire::begin(&mut reply);
        call(&request, &mut reply);
        wire::end(&mut reply)?;
        (&channel).write_all(&reply)?;
        served += 1;
    }
    Ok(())
}

/// The channel to the pool. procspawn gave it to us as stdin; the tasks get
/// an empty stdin instead (as Python's workers get `os.devnull`), so a task
/// that reads stdin cannot swallow our frames.
fn take_channel() -> io::Result<UnixStream> {
    let channel = io::stdin().as_fd().try_clone_to_owned()?;
    rustix::stdio::dup2_stdin(File::open("/dev/null")?)?;
    Ok(UnixStream::from(channel))
}

/// Runs one request (`FnRef`, then the arguments), appending the outcomes.
/// `request` came from the parent, over the socket pair it made for us.
fn call(request: &[u8], reply: &mut Vec<u8>) {
    let mut request = request;
    let function: FnRef =
        wire::take(&mut request).expect("a request starts with its FnRef");
    // SAFETY: only our parent writes to this channel (the socket pair it
    // made, as our stdin), and it writes only references `FnRef::new` made
    // and checked; procspawn started us from the parent's executable, and
    // the parent compared our `FnRef::layout` with its own in the hello.
    #[allow(unsafe_code)]
    let called = unsafe { function.call(request, reply) };
    if let Err(why) = called {
        refuse_each(request, &why, reply);
    }
}

/// Answers every argument of `request` with `why`, calling nothing. The
/// parent reads each as a `Result<R, Failure>`: postcard writes an `Err` the
/// same whatever the `Ok` type, so `Result<(), Failure>` serves for any `R`.
fn refuse_each(mut request: &[u8], why: &str, reply: &mut Vec<u8>) {
    let n: usize = wire::take(&mut request).expect("a request holds its length");
    let refused: Result<(), Failure> = Err(Failure::Unpicklable(why.to_string()));
    for _ in 0..n {
        wire::put(&refused, reply).expect("a Failure always serializes");
    }
}

/// Calls `f` on each argument of `request` and appends each outcome to
/// `reply`: `Ok(value)` (which may itself be the task's `Err`), or the
/// [`Failure`] that kept it from having one. A panic ends only
/// its own call (Python catches the exception the same way), and the worker
/// serves on.
pub(super) fn call_each<A, R>(f: fn(A) -> R, mut request: &[u8], reply: &mut Vec<u8>)
where
    A: DeserializeOwned,
    R: Serialize,
{
    let n: usize = wire::take(&mut request).expect("a request holds its length");
    for _ in 0..n {
        let outcome = match wire::take::<A>(&mut request) {
            Ok(arg) => {
                IN_TASK.set(true);
                let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(arg)));
                IN_TASK.set(false);
                outcome.map_err(|payload| {
                    Failure::Panicked(Error::panic_message(payload))
                })
            }
            Err(err) => {
                // Without this argument's length the next ones are lost too.
                request = &[];
                Err(Failure::Unpicklable(format!(
                    "cannot deserialize the argument: {err}"
                )))
            }
        };
        let mark = reply.len();
        if let Err(err) = wire::put(&outcome, reply) {
            reply.truncate(mark);
            let failed: Result<R, Failure> = Err(Failure::Unpicklable(format!(
                "cannot serialize the result: {}",
                refusal::why(&outcome, err)
            )));
            wire::put(&failed, reply).expect("a Failure always serializes");
        }
    }
}
