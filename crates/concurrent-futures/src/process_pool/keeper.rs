//! A keeper: the pool's thread for one worker process. It starts the
//! process, hands it jobs from the queue, reads its replies, and, when the
//! process ends, learns why and collects it.
//!
//! Python has one manager thread for all its workers; one keeper per worker
//! means a reply never waits behind another worker's, and a keeper can block
//! on its own socket instead of polling them all.

use std::io::{self, BufReader, Write};
use std::net::Shutdown;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::panic::{self, AssertUnwindSafe};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustix::process::{Pid, WaitId, WaitIdOptions, waitid};

use super::function::FnRef;
use super::job::Job;
use super::state::Pool;
use super::wire::{self, Failure, Hello};
use super::worker::{self, Start};
use crate::Error;

/// The pool's end of one worker's channel, shared with `submit`, which may
/// write a job straight to an idle worker.
pub(super) struct Conn {
    stream: UnixStream,
    slot: Mutex<Slot>,
    /// Which worker process this is: the pool's `k`-th started, counting
    /// from 0 (the events report it).
    worker: usize,
    /// Set, under the pool's lock, when the keeper has seen the worker go:
    /// nothing may be sent to it, nor may it go back on the idle list.
    gone: AtomicBool,
}

/// The job a worker is running, and the frame that carried it.
pub(super) struct Slot {
    job: Option<Box<dyn Job>>,
    frame: Vec<u8>,
}

impl Conn {
    pub(super) fn lock_slot(&self) -> MutexGuard<'_, Slot> {
        // Only our own code runs under this lock, and it does not panic.
        self.slot.lock().expect("a worker's slot is never poisoned")
    }

    /// Sends `job` to the worker; false if nothing went out (every task
    /// was cancelled, or an argument would not serialize: Python's pickling
    /// error, which fails those tasks alone). The slot is released before the
    /// job's callbacks run or its arguments are dropped.
    pub(super) fn send(
        &self,
        mut slot: MutexGuard<'_, Slot>,
        mut job: Box<dyn Job>,
    ) -> bool {
        let started = job.start(&mut slot.frame, self.worker);
        if let Ok(true) = started {
            slot.job = Some(job);
            // A failed write means the worker is gone: its keeper reads the
            // end of file next and fails the job.
            let _ = (&self.stream).write_all(&slot.frame);
            return true;
        }
        drop(slot);
        if let Err(why) = started {
            job.fail(Error::Unpicklable(why));
        }
        false
    }

    /// Closes the channel: the worker's signal to finish and exit.
    pub(super) fn close(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// Gives an idle worker the next job, or puts it on the idle list, or, when
/// the pool is shut down and nothing is left, closes its channel. Called by
/// its keeper, and by `submit` when what it sent to an idle worker never went
/// out: the worker is idle still, and must not be lost to the pool.
pub(super) fn feed(pool: &Pool, conn: &Arc<Conn>) {
    loop {
        let mut state = pool.lock();
        if conn.gone.load(Ordering::Relaxed) {
            return;
        }
        let Some(job) = state.queue.pop_front() else {
            if state.shutdown {
                conn.close();
            } else {
                state.idle.push(Arc::clone(conn));
            }
            return;
        };
        let slot = conn.lock_slot();
        drop(state);
        if conn.send(slot, job) {
            return;
        }
    }
}

/// The keeper thread's life: a worker, then its replacement if work waits.
pub(super) fn keep(pool: Arc<Pool>) {
    // A keeper that panics (a bug) must not leave `shutdown` waiting for it.
    let _gone = Gone(&pool);
    loop {
        match Worker::start(&pool) {
            Ok(worker) => {
                let conn = Arc::clone(&worker.conn);
                let served =
                    panic::catch_unwind(AssertUnwindSafe(|| worker.serve(&pool)));
                if let Err(payload) = served {
                    abandon(&pool, &conn);
                    panic::resume_unwind(payload);
                }
            }
            Err(why) => return pool.give_up(why),
        }
        // Retired (max_tasks_per_child), died, or shut down: replace it only
        // if work is waiting; `submit` starts a keeper when work comes later.
        let mut state = pool.lock();
        if state.queue.is_empty() {
            state.keepers -= 1;
            pool.settled.notify_all();
            return;
        }
    }
}

/// A keeper panicked (a bug) while serving `conn`, whose worker its unwind
/// kills (procspawn's handle): no `submit` may choose that worker again, and
/// the job it held fails instead of waiting for ever.
fn abandon(pool: &Pool, conn: &Arc<Conn>) {
    {
        let mut state = pool.state.lock().unwrap_or_else(PoisonError::into_inner);
        conn.gone.store(true, Ordering::Relaxed);
        state.idle.retain(|idle| !Arc::ptr_eq(idle, conn));
    }
    let job = conn
        .slot
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .job
        .take();
    if let Some(job) = job {
        job.fail(Error::WorkerDied("its keeper thread panicked".to_string()));
    }
}

/// Counts its keeper out if it unwinds: the normal ways out count themselves
/// out under the same lock that decides they leave.
struct Gone<'a>(&'a Pool);

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // A second panic while unwinding would abort: take the lock as is.
            let mut state =
                self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.keepers -= 1;
            self.0.settled.notify_all();
        }
    }
}

/// One worker process, as its keeper sees it.
struct Worker {
    conn: Arc<Conn>,
    reader: BufReader<UnixStream>,
    reply: Vec<u8>,
    process: WorkerProcess,
    pid: u32,
}

impl Worker {
    /// Starts a worker process and waits for its hello. A process the
    /// system would not start is [`Error::CannotStart`]: the next may. Any
    /// other error here breaks the pool: no worker of this build and
    /// initializer could ever start.
    fn start(pool: &Pool) -> Result<Worker, Error> {
        let broken = |why: String| Error::BrokenPool(why);
        let config = &pool.config;
        let initializer = config.initializer.clone().transpose();
        let start = Start {
            initializer: initializer.map_err(|err| broken(err.to_string()))?,
            max_tasks_per_child: config.max_tasks_per_child,
        };
        #[cfg(test)]
        if pool.refuse_next_process.swap(false, Ordering::Relaxed) {
            return Err(Error::CannotStart("refused by the test".into()));
        }
        let (process, ours) = spawn(start)?;
        let Some(pid) = process.pid() else {
            let why = process.join().err().map(|err| err.to_string());
            return Err(Error::CannotStart(why.unwrap_or_default()));
        };
        let worker = {
            let mut state = pool.lock();
            state.pids.push(pid);
            state.started += 1;
            state.started - 1
        };
        let reader = ours.try_clone().map_err(|err| broken(err.to_string()))?;
        let slot = Slot {
            job: None,
            frame: Vec::new(),
        };
        let mut worker = Worker {
            conn: Arc::new(Conn {
                stream: ours,
                slot: Mutex::new(slot),
                worker,
                gone: AtomicBool::new(false),
            }),
            reader: BufReader::with_capacity(1 << 16, reader),
            reply: Vec::new(),
            process,
            pid,
        };
        if wire::read(&mut worker.reader, &mut worker.reply).is_err() {
            let how = worker.reap(pool);
            return Err(broken(format!("a worker died starting: {how}")));
        }
        let hello = wire::take::<Hello>(&mut worker.reply.as_slice());
        let hello = match hello {
            Ok(hello) if hello.layout.is_ok() && hello.layout == FnRef::layout() => {
                hello
            }
            Ok(Hello {
                layout: Err(why), ..
            }) => {
                worker.reap(pool);
                return Err(broken(format!("a worker refuses to start: {why}")));
            }
            Ok(_) => {
                worker.reap(pool);
                return Err(broken("a worker runs another build".to_string()));
            }
            Err(err) => {
                worker.reap(pool);
                return Err(broken(format!("a worker's hello: {err}")));
            }
        };
        if let Err(failure) = hello.initialized {
            worker.reap(pool);
            return Err(broken(match failure {
                Failure::Panicked(why) => format!("the initializer panicked: {why}"),
                Failure::Unpicklable(why) => format!("the initializer: {why}"),
            }));
        }
        Ok(worker)
    }

    /// Runs jobs until the worker retires or dies, then collects it.
    fn serve(mut self, pool: &Pool) {
        let mut served = 0;
        self.feed(pool);
        loop {
            let got = wire::read(&mut self.reader, &mut self.reply);
            if got.is_err() {
                // Off the idle list first, and marked gone: no `submit` or
                // `feed` can choose this worker now, and one that already did
                // holds the slot until its job is stored there, so the job
                // below cannot be missed.
                let mut state = pool.lock();
                self.conn.gone.store(true, Ordering::Relaxed);
                state.idle.retain(|conn| !Arc::ptr_eq(conn, &self.conn));
            }
            let job = self.conn.lock_slot().job.take();
            match (got, job) {
                (Ok(()), Some(job)) => {
                    served += 1;
                    let retiring = pool.config.max_tasks_per_child == Some(served);
                    // The next job goes out before this one's results are
                    // decoded, so the worker is busy while we are.
                    if !retiring {
                        self.feed(pool);
                    }
                    job.finish(&self.reply);
                    if retiring {
                        self.reap(pool); // It exits by itself after its last task.
                        return;
                    }
                }
                (Ok(()), None) => {
                    unreachable!("a worker only answers what it was sent")
                }
                (Err(_), job) => {
                    let pid = self.pid;
                    let why = format!("pid {pid}, {}", self.reap(pool));
                    // Ended by `terminate_workers` or `kill_workers`, the
                    // task fails as the pool does; else only it fails.
                    let error = match &pool.lock().broken {
                        Some(Error::BrokenPool(reason)) => {
                            Error::BrokenPool(format!("{reason} ({why})"))
                        }
                        _ => Error::WorkerDied(why),
                    };
                    if let Some(job) = job {
                        job.fail(error);
                    }
                    return;
                }
            }
        }
    }

    /// Gives the worker the next job, or puts it on the idle list.
    fn feed(&self, pool: &Pool) {
        feed(pool, &self.conn);
    }

    /// Waits for the process to end and collects it: no zombie is left.
    /// Returns how it ended, e.g. `signal: 9 (SIGKILL)`.
    fn reap(self, pool: &Pool) -> String {
        // Off the list before it is collected, while its pid is still its own.
        pool.lock().pids.retain(|&pid| pid != self.pid);
        // A worker refused at its hello is waiting for a request: the end of
        // file tells it to exit (one that has ended already does not care).
        self.conn.close();
        // waitid with NOWAIT learns the exit status but leaves the process
        // to be collected by procspawn's handle, which owns it (dropping the
        // handle kills, a no-op on an ended process, then waits).
        let status = loop {
            let pid =
                Pid::from_raw(self.pid as i32).expect("a worker's pid is positive");
            match waitid(
                WaitId::Pid(pid),
                WaitIdOptions::EXITED | WaitIdOptions::NOWAIT,
            ) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                status => break status,
            }
        };
        drop(self.process);
        match status {
            Ok(Some(status)) => {
                // Rebuild the wait status std knows how to print.
                let raw = match (status.exit_status(), status.terminating_signal()) {
                    (Some(code), _) => (code & 0xff) << 8,
                    (None, Some(signal)) => {
                        signal | if status.dumped() { 0x80 } else { 0 }
                    }
                    (None, None) => 0,
                };
                ExitStatus::from_raw(raw).to_string()
            }
            Ok(None) => "status unknown".to_string(),
            Err(err) => format!("status unknown ({err})"),
        }
    }
}

/// Starts a process that becomes a worker (procspawn re-executes this
/// program), its stdin the far end of a socket pair: the worker sees end of
/// file the moment the pool closes its end, or dies.
fn spawn(start: Start) -> Result<(WorkerProcess, UnixStream), Error> {
    let refused = |err: io::Error| Error::CannotStart(err.to_string());
    let (ours, theirs) = UnixStream::pair().map_err(refused)?;
    let stdin = Stdio::from(OwnedFd::from(theirs));
    let spawn = || {
        procspawn::Builder::new()
            .stdin(stdin)
            .spawn(start, worker::main)
    };
    // procspawn panics if this program never called `procspawn::init()`.
    let process = panic::catch_unwind(AssertUnwindSafe(spawn))
        .map_err(|_| Error::BrokenPool(NOT_INITIALIZED.to_string()))?;
    Ok((process, ours))
}

type WorkerProcess = procspawn::JoinHandle<()>;

const NOT_INITIALIZED: &str = "cannot start a worker: call procspawn::init() \
    first in main (procspawn::enable_test_support!() in tests)";
