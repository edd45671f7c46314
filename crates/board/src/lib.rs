//! 看见期物 · Watching the futures: the board behind `--watch`.
//!
//! One row per task (`CN`, `loiter(3)`): pending, running on worker k, then
//! finished (returned or raised) or cancelled, with a bar of elapsed time and
//! a marker where the caller took the result. On a terminal the board is
//! redrawn in place above the program's own output; anywhere else (a pipe,
//! CI) each state change is one timestamped line instead:
//!
//! ```text
//! [watch 0.000s] loiter(3): pending
//! [watch 0.001s] loiter(3): running on worker 0
//! [watch 0.601s] loiter(3): finished returned
//! [watch 0.602s] loiter(3): result taken
//! ```
//!
//! The board sees only what the executor's public API shows: a wrapper
//! around each task notes when a worker starts and ends it, and
//! `add_done_callback` reports the tasks that never ran (cancelled). A
//! listing wires it with two or three calls; [`Board::hidden`] costs nothing.

#[cfg(feature = "cli")]
pub mod cli;
mod screen;

use std::collections::HashMap;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Instant;

use concurrent_futures::Handle;

/// Where a task is in its life, as Python's `Future` would say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Pending,
    /// On the worker thread numbered `k` (`None` if its name has no number).
    Running(Option<usize>),
    Returned,
    /// Raised an error of this type.
    Raised(&'static str),
    Cancelled,
}

impl State {
    fn is_final(&self) -> bool {
        matches!(self, State::Returned | State::Raised(_) | State::Cancelled)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Pending => f.write_str("pending"),
            State::Running(Some(k)) => write!(f, "running on worker {k}"),
            State::Running(None) => f.write_str("running"),
            State::Returned => f.write_str("finished returned"),
            State::Raised(name) => write!(f, "finished raised {name}"),
            State::Cancelled => f.write_str("cancelled"),
        }
    }
}

/// One task's row: its state and when each change happened (seconds since
/// the board started).
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub state: State,
    pub started: Option<f64>,
    pub ended: Option<f64>,
    pub taken: Option<f64>,
}

/// How a task's return value reads on the board: a `Result` that is `Err`
/// has raised, as the executor counts it; a plain value has returned.
pub trait Ending {
    /// The raised error's type name, or `None` if the task returned.
    fn raised(&self) -> Option<&'static str>;
}

impl<T, E> Ending for Result<T, E> {
    fn raised(&self) -> Option<&'static str> {
        self.as_ref().err().map(|_| short_type_name::<E>())
    }
}

impl Ending for u64 {
    fn raised(&self) -> Option<&'static str> {
        None
    }
}

fn short_type_name<E>() -> &'static str {
    let name = std::any::type_name::<E>();
    name.rsplit("::").next().unwrap_or(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A line per state change on stdout.
    Lines,
    /// The board, redrawn in place.
    Screen,
}

#[derive(Debug)]
struct Shared {
    t0: Instant,
    mode: Mode,
    title: String,
    index: HashMap<String, usize>,
    rows: Mutex<Vec<Row>>,
    screen: Mutex<Option<screen::Painter>>,
}

/// The board of one run. Cloning shares it; a task wrapper holds a clone.
#[derive(Debug, Clone, Default)]
pub struct Board(Option<Arc<Shared>>);

impl Board {
    /// A board that draws nothing and records nothing: the run without `--watch`.
    pub fn hidden() -> Board {
        Board(None)
    }

    /// A board with a pending row per label: drawn live if stdout is a
    /// terminal, else a line per state change.
    pub fn new(title: &str, labels: &[String]) -> Board {
        let mode = if std::io::stdout().is_terminal() {
            Mode::Screen
        } else {
            Mode::Lines
        };
        Board::with_mode(title, labels, mode)
    }

    fn with_mode(title: &str, labels: &[String], mode: Mode) -> Board {
        let rows: Vec<Row> = labels
            .iter()
            .map(|label| Row {
                label: label.clone(),
                state: State::Pending,
                started: None,
                ended: None,
                taken: None,
            })
            .collect();
        let index = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        let shared = Arc::new(Shared {
            t0: Instant::now(),
            mode,
            title: title.to_string(),
            index,
            rows: Mutex::new(Vec::new()),
            screen: Mutex::new(None),
        });
        let board = Board(Some(shared));
        let shared = board.0.as_ref().expect("just made");
        {
            let mut out = std::io::stdout().lock();
            for row in &rows {
                shared.print_line(&mut out, 0.0, &row.label, &row.state.to_string());
            }
        }
        *shared.lock_rows() = rows;
        if mode == Mode::Screen {
            *shared.lock_screen() =
                Some(screen::Painter::start(Arc::downgrade(shared)));
        }
        board
    }

    /// Runs `f` on a board of `labels` (sorted, as the listings sort their
    /// codes), then finishes it: what `--watch` does around a download.
    pub fn show<R>(
        program: &str,
        labels: &[String],
        f: impl FnOnce(&Board) -> R,
    ) -> R {
        let mut labels = labels.to_vec();
        labels.sort();
        let board =
            Board::new(&format!("{program}: {} tasks", labels.len()), &labels);
        let res = f(&board);
        board.finish();
        res
    }

    /// True for [`Board::hidden`].
    pub fn is_hidden(&self) -> bool {
        self.0.is_none()
    }

    /// Wraps a task for `submit`: its row turns running on the worker that
    /// starts it, then finished as it returns or raises.
    pub fn task<R, F>(&self, label: &str, task: F) -> impl FnOnce() -> R + use<R, F>
    where
        R: Ending,
        F: FnOnce() -> R + Send + 'static,
    {
        let (board, label) = (self.clone(), label.to_string());
        move || {
            let running = board.started(&label);
            let res = task();
            running.ended(&res);
            res
        }
    }

    /// Wraps an async task: its row turns running when the runtime first
    /// polls it (a tokio task has no worker of its own), then finished.
    pub fn future<R, Fut>(
        &self,
        label: &str,
        task: Fut,
    ) -> impl Future<Output = R> + use<R, Fut>
    where
        R: Ending,
        Fut: Future<Output = R>,
    {
        let (board, label) = (self.clone(), label.to_string());
        async move {
            let running = board.started(&label);
            let res = task.await;
            running.ended(&res);
            res
        }
    }

    /// Wraps the function given to `map`: `label` names the row of each item.
    pub fn map_task<A, R, L, F>(
        &self,
        label: L,
        f: F,
    ) -> impl Fn(A) -> R + Clone + use<A, R, L, F>
    where
        R: Ending,
        L: Fn(&A) -> String + Clone,
        F: Fn(A) -> R + Clone,
    {
        let board = self.clone();
        move |arg| {
            let label = label(&arg);
            let running = board.started(&label);
            let res = f(arg);
            running.ended(&res);
            res
        }
    }

    /// Follows a submitted handle with `add_done_callback`, for the end the
    /// task wrapper never sees: cancelled before any worker took it.
    pub fn watch<T, E>(&self, label: &str, future: &Handle<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        if self.is_hidden() {
            return;
        }
        let (board, label) = (self.clone(), label.to_string());
        future.add_done_callback(move |future| {
            if future.cancelled() {
                board.set(&label, State::Cancelled);
            }
        });
    }

    /// The caller has taken this task's result (from `map` or `as_completed`).
    pub fn taken(&self, label: &str) {
        self.update(label, |row, t| {
            row.taken = Some(t);
            Some("result taken".to_string())
        });
    }

    /// Stops redrawing, gives the terminal back and prints the last frame
    /// under the program's output, so what it prints next comes below it.
    pub fn finish(&self) {
        let Some(shared) = &self.0 else { return };
        let painter = shared.lock_screen().take();
        if let Some(painter) = painter {
            painter.stop(shared);
        }
    }

    /// A copy of every row, in the order of the labels.
    pub fn rows(&self) -> Vec<Row> {
        self.0
            .as_ref()
            .map_or_else(Vec::new, |s| s.lock_rows().clone())
    }

    fn started<'a>(&'a self, label: &'a str) -> Running<'a> {
        let worker = thread::current().name().and_then(worker_number);
        self.update(label, |row, t| {
            row.started = Some(t);
            row.state = State::Running(worker);
            Some(row.state.to_string())
        });
        Running {
            board: self,
            label,
            ended: false,
        }
    }

    /// A final state, once: the first end reported wins.
    fn set(&self, label: &str, state: State) {
        self.update(label, |row, t| {
            if row.state.is_final() {
                return None;
            }
            row.ended = Some(t);
            row.state = state;
            Some(row.state.to_string())
        });
    }

    /// Changes a row under the lock and, in line mode, prints the change
    /// under it too, so the lines come in the order the changes happened.
    fn update(
        &self,
        label: &str,
        change: impl FnOnce(&mut Row, f64) -> Option<String>,
    ) {
        let Some(shared) = &self.0 else { return };
        let Some(&i) = shared.index.get(label) else {
            return;
        };
        let mut rows = shared.lock_rows();
        let t = shared.t0.elapsed().as_secs_f64();
        if let Some(text) = change(&mut rows[i], t) {
            shared.print_line(&mut std::io::stdout().lock(), t, label, &text);
        }
    }
}

/// Gives the whole screen back to the program, if a board had taken its
/// top lines: for the program's own Ctrl-C handler, before it exits (a
/// library does not take the process's one handler for itself).
pub fn restore() {
    screen::give_back();
}

impl Drop for Shared {
    /// A board dropped unfinished (the program is unwinding from a panic)
    /// still gives the screen back.
    fn drop(&mut self) {
        let painting = self.screen.get_mut().map_or(true, |p| p.is_some());
        if painting {
            screen::give_back();
        }
    }
}

/// A task between its start and its end. A task that never reaches
/// [`Running::ended`] ended anyway: by a panic (which the executor catches
/// and reports as raised), or, for an async task, by being dropped unfinished
/// (aborted: cancelled).
struct Running<'a> {
    board: &'a Board,
    label: &'a str,
    ended: bool,
}

impl Running<'_> {
    fn ended<R: Ending>(mut self, res: &R) {
        self.ended = true;
        let state = match res.raised() {
            Some(name) => State::Raised(name),
            None => State::Returned,
        };
        self.board.set(self.label, state);
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if !self.ended {
            let state = match thread::panicking() {
                true => State::Raised("panic"),
                false => State::Cancelled,
            };
            self.board.set(self.label, state);
        }
    }
}

impl Shared {
    fn lock_rows(&self) -> MutexGuard<'_, Vec<Row>> {
        self.rows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_screen(&self) -> MutexGuard<'_, Option<screen::Painter>> {
        self.screen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn print_line(&self, out: &mut impl Write, t: f64, label: &str, text: &str) {
        if self.mode == Mode::Lines {
            // A closed stdout (`| head`) is not worth stopping a run for.
            let _ = writeln!(out, "{}", line(t, label, text));
        }
    }
}

/// `[watch 0.601s] loiter(3): finished returned`.
pub fn line(t: f64, label: &str, text: &str) -> String {
    format!("[watch {t:.3}s] {label}: {text}")
}

/// Reads a line printed by the board back: (seconds, label, text). The
/// download listings' `show` prints codes with no newline (Python's
/// `print(cc, end=' ')`), so a board line may follow them on one line.
pub fn parse_line(line: &str) -> Option<(f64, &str, &str)> {
    let (_, rest) = line.split_once("[watch ")?;
    let (t, rest) = rest.split_once("s] ")?;
    let (label, text) = rest.split_once(": ")?;
    Some((t.parse().ok()?, label, text))
}

/// `loiter_map_2` -> 2: the pool names its threads `program_k`.
fn worker_number(name: &str) -> Option<usize> {
    name.rsplit('_').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use concurrent_futures::{Executor, ThreadPoolExecutor, as_completed};

    fn labels(n: u64) -> Vec<String> {
        (0..n).map(|n| format!("task({n})")).collect()
    }

    #[test]
    fn every_row_goes_pending_running_finished_and_is_taken() {
        let board = Board::with_mode("test", &labels(4), Mode::Lines);
        let executor = ThreadPoolExecutor::new(2);
        let f = board.map_task(|n: &u64| format!("task({n})"), |n: u64| n * 10);
        for (i, res) in executor.map(f, 0..4).unwrap().enumerate() {
            board.taken(&format!("task({i})"));
            assert_eq!(res.unwrap(), i as u64 * 10);
        }
        for row in board.rows() {
            assert_eq!(row.state, State::Returned, "{row:?}");
            let (s, e, t) =
                (row.started.unwrap(), row.ended.unwrap(), row.taken.unwrap());
            assert!(s <= e && e <= t, "{row:?}");
        }
    }

    #[test]
    fn a_task_that_returns_err_has_raised_and_a_cancelled_one_is_seen() {
        let board = Board::with_mode("test", &labels(3), Mode::Lines);
        let executor = ThreadPoolExecutor::new(1);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocker = executor
            .submit(board.task("task(0)", move || {
                rx.recv().map(|_| 0u64).map_err(|_| fmt::Error)
            }))
            .unwrap();
        let raises = executor
            .submit(board.task("task(1)", || Err::<u64, _>(fmt::Error)))
            .unwrap();
        let never = executor.submit(board.task("task(2)", || 2u64)).unwrap();
        board.watch("task(2)", &never);
        assert!(never.cancel(), "a pending task can be cancelled");
        tx.send(()).unwrap();
        let done: Vec<_> = as_completed([blocker, raises]).collect();
        assert_eq!(done.len(), 2);
        let states: Vec<State> = board.rows().into_iter().map(|r| r.state).collect();
        assert_eq!(
            states,
            [State::Returned, State::Raised("Error"), State::Cancelled]
        );
    }

    #[test]
    fn a_task_that_panics_has_raised() {
        let board = Board::with_mode("test", &labels(1), Mode::Lines);
        let executor = ThreadPoolExecutor::new(1);
        let panics = board.task("task(0)", || -> u64 { panic!("boom") });
        let handle = executor.submit(panics).unwrap();
        assert!(handle.result().is_err());
        let row = &board.rows()[0];
        assert_eq!(row.state, State::Raised("panic"), "{row:?}");
        assert!(row.ended.is_some());
    }

    #[test]
    fn lines_read_back() {
        let text = line(1.5, "CN", "running on worker 3");
        assert_eq!(parse_line(&text), Some((1.5, "CN", "running on worker 3")));
        let after_codes = format!("BR FR {text}");
        assert_eq!(parse_line(&after_codes), parse_line(&text));
        assert_eq!(parse_line("BR FR CN"), None);
        assert_eq!(worker_number("threadpool_12"), Some(12));
    }
}
