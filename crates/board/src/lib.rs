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
//! The board only watches: it subscribes to the task events of
//! [`concurrent_futures::events`], which every handle reports from where its
//! state changes, so a listing runs unchanged, with no call to the board.
//! Worker k is the number the pool gives its thread. Row `i` is the `i`-th
//! task made after [`Board::watch`], so the labels come in submission order:
//! the download listings submit in sorted country-code order (Python's
//! `for cc in sorted(cc_list)`), and loiter submits `loiter(0)` to
//! `loiter(count - 1)` in order.
//!
//! With `WATCH_EVENTS=FILE` in the environment, the board also writes every
//! event to FILE, one JSON object per line (the format is
//! [`Event`]'s serde derive): `just loiter-svg` draws its timelines from them.

#[cfg(feature = "cli")]
pub mod cli;
mod screen;

use std::collections::HashMap;
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use concurrent_futures::events::{self, Event, Phase};

/// Where a task is in its life, as Python's `Future` would say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Pending,
    /// On the pool's worker numbered `k` (`None`: an async task).
    Running(Option<usize>),
    Returned,
    /// Raised an error of this type.
    Raised(String),
    Cancelled,
}

impl State {
    fn is_final(&self) -> bool {
        matches!(self, State::Returned | State::Raised(_) | State::Cancelled)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    rows: Mutex<Vec<Row>>,
    /// Task number (from the events) -> row, in the order tasks appear.
    tasks: Mutex<HashMap<u64, usize>>,
    screen: Mutex<Option<screen::Painter>>,
}

/// The board of one run.
#[derive(Debug, Clone)]
pub struct Board(Arc<Shared>);

impl Board {
    /// Shows a board with a pending row per label, drawn live if stdout is
    /// a terminal, else a line per state change, and subscribes it to the
    /// task events: what `--watch` does before the run. Row `i` follows the
    /// `i`-th task made from now on. Once per process (the events have one
    /// observer): a second board would see nothing.
    pub fn watch(title: &str, labels: &[String]) -> Board {
        let mode = if std::io::stdout().is_terminal() {
            Mode::Screen
        } else {
            Mode::Lines
        };
        let board = Board::with_mode(title, labels, mode);
        board.subscribe();
        board
    }

    /// Installs the events' observer: it feeds this board and, if
    /// `WATCH_EVENTS` names a file, writes each event there.
    fn subscribe(&self) {
        // Weak: the observer lives as long as the process, the board not.
        let shared = Arc::downgrade(&self.0);
        let record = std::env::var_os("WATCH_EVENTS").and_then(|path| {
            File::create(&path)
                .inspect_err(|err| {
                    let path = path.to_string_lossy();
                    eprintln!("board: cannot write events to {path}: {err}");
                })
                .ok()
                .map(Mutex::new)
        });
        let installed = events::observe(move |event| {
            if let Some(file) = &record {
                let line = serde_json::to_string(event).expect("events serialize");
                let _ = writeln!(lock(file), "{line}");
            }
            if let Some(shared) = shared.upgrade() {
                shared.event(event);
            }
        });
        assert!(
            installed,
            "one board per process: the events have one observer"
        );
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
        let shared = Arc::new(Shared {
            t0: Instant::now(),
            mode,
            title: title.to_string(),
            rows: Mutex::new(Vec::new()),
            tasks: Mutex::new(HashMap::new()),
            screen: Mutex::new(None),
        });
        {
            let mut out = std::io::stdout().lock();
            for row in &rows {
                shared.print_line(&mut out, 0.0, &row.label, &row.state.to_string());
            }
        }
        *shared.lock_rows() = rows;
        if mode == Mode::Screen {
            *lock(&shared.screen) =
                Some(screen::Painter::start(Arc::downgrade(&shared)));
        }
        Board(shared)
    }

    /// Stops redrawing, gives the terminal back and prints the last frame
    /// under the program's output, so what it prints next comes below it.
    pub fn finish(&self) {
        let painter = lock(&self.0.screen).take();
        if let Some(painter) = painter {
            painter.stop(&self.0);
        }
    }

    /// A copy of every row, in the order of the labels.
    pub fn rows(&self) -> Vec<Row> {
        self.0.lock_rows().clone()
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

impl Shared {
    fn lock_rows(&self) -> MutexGuard<'_, Vec<Row>> {
        lock(&self.rows)
    }

    /// One task event: its row changes and, in line mode, the change is
    /// printed under the rows' lock, so lines come in the order of events.
    fn event(&self, event: &Event) {
        let row = {
            let mut tasks = lock(&self.tasks);
            let next = tasks.len();
            match event.phase {
                Phase::Pending => *tasks.entry(event.task).or_insert(next),
                // A task made before the board: not one of its rows.
                _ => match tasks.get(&event.task) {
                    Some(&row) => row,
                    None => return,
                },
            }
        };
        let t = event.at.as_secs_f64();
        let mut rows = self.lock_rows();
        let Some(row) = rows.get_mut(row) else { return };
        let text = match &event.phase {
            // Every row starts pending, printed as the board appeared.
            Phase::Pending => return,
            Phase::Running { worker } => {
                row.started = Some(t);
                row.state = State::Running(*worker);
                row.state.to_string()
            }
            Phase::Finished { .. } | Phase::Cancelled if row.state.is_final() => {
                return;
            }
            Phase::Finished { raised } => {
                row.ended = Some(t);
                row.state = raised.clone().map_or(State::Returned, State::Raised);
                row.state.to_string()
            }
            Phase::Cancelled => {
                row.ended = Some(t);
                row.state = State::Cancelled;
                row.state.to_string()
            }
            // The first time a caller takes it is the moment that counts.
            Phase::Taken if row.taken.is_some() => return,
            Phase::Taken => {
                row.taken = Some(t);
                "result taken".to_string()
            }
        };
        self.print_line(&mut std::io::stdout().lock(), t, &row.label, &text);
    }

    fn print_line(&self, out: &mut impl Write, t: f64, label: &str, text: &str) {
        if self.mode == Mode::Lines {
            // A closed stdout (`| head`) is not worth stopping a run for.
            let _ = writeln!(out, "{}", line(t, label, text));
        }
    }
}

/// Our locks guard plain data, whole even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn labels(n: u64) -> Vec<String> {
        (0..n).map(|n| format!("task({n})")).collect()
    }

    fn event(task: u64, phase: Phase, ms: u64) -> Event {
        let at = Duration::from_millis(ms);
        Event { task, phase, at }
    }

    /// Rows follow tasks in the order they appear, whatever their numbers;
    /// a task made before the board, and a second `Taken`, change nothing.
    #[test]
    fn each_row_follows_its_task_s_events() {
        let board = Board::with_mode("test", &labels(3), Mode::Lines);
        let raised = Some("FlagError".to_string());
        for e in [
            event(7, Phase::Pending, 0),
            event(8, Phase::Pending, 0),
            event(9, Phase::Pending, 0),
            event(3, Phase::Running { worker: Some(0) }, 1),
            event(7, Phase::Running { worker: Some(1) }, 1),
            event(8, Phase::Running { worker: Some(0) }, 2),
            event(7, Phase::Finished { raised: None }, 5),
            event(8, Phase::Finished { raised }, 6),
            event(9, Phase::Cancelled, 6),
            event(7, Phase::Taken, 7),
            event(7, Phase::Taken, 9),
        ] {
            board.0.event(&e);
        }
        let rows = board.rows();
        let states: Vec<&State> = rows.iter().map(|r| &r.state).collect();
        let raised = State::Raised("FlagError".into());
        assert_eq!(states, [&State::Returned, &raised, &State::Cancelled]);
        assert_eq!(rows[0].started, Some(0.001));
        assert_eq!(rows[0].taken, Some(0.007));
        assert_eq!(rows[1].taken, None);
    }

    /// The real stream: a pool's `map`, its results taken in order.
    #[test]
    fn a_map_on_a_pool_fills_every_row_in_submission_order() {
        use concurrent_futures::{Executor, ThreadPoolExecutor};
        let board = Board::with_mode("test", &labels(4), Mode::Lines);
        board.subscribe();
        let executor = ThreadPoolExecutor::new(2);
        let results = executor.map(|n: u64| n * 10, 0..4).unwrap();
        for (i, res) in results.enumerate() {
            assert_eq!(res.unwrap(), i as u64 * 10);
        }
        for row in board.rows() {
            assert_eq!(row.state, State::Returned, "{row:?}");
            let (s, e, t) =
                (row.started.unwrap(), row.ended.unwrap(), row.taken.unwrap());
            assert!(s <= e && e <= t, "{row:?}");
        }
        let takes: Vec<f64> =
            board.rows().iter().map(|r| r.taken.unwrap()).collect();
        assert!(
            takes.is_sorted(),
            "map hands results in input order: {takes:?}"
        );
    }

    #[test]
    fn lines_read_back() {
        let text = line(1.5, "CN", "running on worker 3");
        assert_eq!(parse_line(&text), Some((1.5, "CN", "running on worker 3")));
        let after_codes = format!("BR FR {text}");
        assert_eq!(parse_line(&after_codes), parse_line(&text));
        assert_eq!(parse_line("BR FR CN"), None);
    }
}
