//! The board on a terminal: the top lines of the screen hold the board,
//! redrawn ten times a second; a scroll region below them takes what the
//! program prints meanwhile, so neither overwrites the other.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread;
use std::time::Duration;

use crate::{Row, Shared, State};

const FRAME: Duration = Duration::from_millis(100);
/// The widest state text on the screen: `raised FlagError`.
const STATE_WIDTH: usize = 16;

#[derive(Debug)]
pub(crate) struct Painter {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: thread::JoinHandle<()>,
}

#[derive(Debug, Clone, Copy)]
struct Size {
    rows: usize,
    cols: usize,
}

fn size() -> Size {
    match rustix::termios::tcgetwinsize(std::io::stdout()) {
        Ok(ws) if ws.ws_row >= 8 && ws.ws_col >= 20 => Size {
            rows: ws.ws_row.into(),
            cols: ws.ws_col.into(),
        },
        _ => Size { rows: 24, cols: 80 },
    }
}

impl Painter {
    pub(crate) fn start(shared: Weak<Shared>) -> Painter {
        let size = size();
        let height = board_height(&shared, size);
        {
            let mut out = std::io::stdout().lock();
            // Scroll what is on the screen up into the terminal's scrollback
            // (clearing would erase the lines printed before the board), then
            // keep the top `height` lines and scroll below them.
            let _ = write!(
                out,
                "\x1b[{};1H{}\x1b[{};{}r\x1b[{};1H",
                size.rows,
                "\n".repeat(size.rows),
                height + 1,
                size.rows,
                height + 1
            );
            let _ = out.flush();
        }
        // Ctrl-C would end the program with the scroll region still set: the
        // shell would go on in a strip under a frozen board. The download
        // sections have a handler already (their run winds down and finishes
        // the board), so this one only takes effect where there is none.
        let _ = ctrlc::set_handler(|| {
            give_back();
            std::process::exit(130);
        });
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("board".into())
            .spawn(move || {
                let (lock, wake) = &*flag;
                let mut stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
                while !*stopped {
                    match shared.upgrade() {
                        Some(shared) => draw(&shared, size, height),
                        None => return,
                    }
                    stopped = wake
                        .wait_timeout(stopped, FRAME)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            })
            .expect("the operating system refused to start a thread");
        Painter { stop, thread }
    }

    /// Ends the live board: the screen goes back to the program, the top
    /// lines are cleared, and the last frame is printed where the output
    /// has got to. So the run ends with the board right above the
    /// program's last lines, however much it printed meanwhile (left at the
    /// top, the board would scroll away line by line as those come).
    pub(crate) fn stop(self, shared: &Shared) {
        *self.stop.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.stop.1.notify_all();
        let _ = self.thread.join();
        let size = size();
        let height = {
            let rows = shared.lock_rows();
            layout(rows.len(), label_width(&rows), size).height
        };
        let mut out = String::from("\x1b7\x1b[r");
        for line in 1..=height {
            out.push_str(&format!("\x1b[{line};1H\x1b[2K"));
        }
        out.push_str("\x1b8");
        for line in frame(shared, size) {
            out.push_str(&line);
            out.push('\n');
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

/// Gives the whole screen back to the program; the cursor stays where the
/// output is.
pub(crate) fn give_back() {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "\x1b7\x1b[r\x1b8");
    let _ = out.flush();
}

struct Layout {
    columns: usize,
    lines: usize,
    height: usize,
}

/// The narrowest cell worth drawing: a label, a state of 12 and a short bar.
fn min_cell(label_width: usize) -> usize {
    label_width + 12 + 9
}

/// One column while the rows fit in the top half of the screen; beyond,
/// as many columns as fit, using up to all but six lines.
fn layout(rows: usize, label_width: usize, size: Size) -> Layout {
    let half = (size.rows / 2).saturating_sub(2).max(1);
    let most = size.rows.saturating_sub(6).max(1);
    let max_columns = (size.cols / min_cell(label_width)).max(1);
    let lines = if rows <= half {
        rows.max(1)
    } else {
        rows.div_ceil(max_columns).clamp(half, most)
    };
    let columns = rows.div_ceil(lines).clamp(1, max_columns);
    Layout {
        columns,
        lines,
        height: lines + 2,
    }
}

fn label_width(rows: &[Row]) -> usize {
    rows.iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(2)
}

fn board_height(shared: &Weak<Shared>, size: Size) -> usize {
    let Some(shared) = shared.upgrade() else {
        return 3;
    };
    let rows = shared.lock_rows();
    layout(rows.len(), label_width(&rows), size).height
}

/// The board as lines of text: a title line, then the rows in columns.
fn frame(shared: &Shared, size: Size) -> Vec<String> {
    let now = shared.t0.elapsed().as_secs_f64();
    let rows = shared.lock_rows().clone();
    let label_width = label_width(&rows);
    let layout = layout(rows.len(), label_width, size);
    let width = size.cols / layout.columns;
    let count = |f: fn(&State) -> bool| rows.iter().filter(|r| f(&r.state)).count();
    let hidden = rows.len().saturating_sub(layout.columns * layout.lines);
    let mut title = format!(
        "\x1b[1m{}\x1b[0m  {now:.2}s  \x1b[33mpending {}\x1b[0m · \x1b[36mrunning {}\x1b[0m · \x1b[32mdone {}\x1b[0m · \x1b[35m◆ result taken\x1b[0m",
        shared.title,
        count(|s| *s == State::Pending),
        count(|s| matches!(s, State::Running(_))),
        count(State::is_final),
    );
    if hidden > 0 {
        title.push_str(&format!("  (+{hidden} rows: a bigger terminal shows them)"));
    }
    let mut lines = vec![title];
    for line in 0..layout.lines {
        let cells = (0..layout.columns)
            .filter_map(|column| rows.get(column * layout.lines + line))
            .map(|row| cell(row, now, width, label_width));
        lines.push(cells.collect());
    }
    lines
}

/// Redraws the board in the top `height` lines, leaving the cursor where
/// the program's output is.
fn draw(shared: &Shared, size: Size, height: usize) {
    let mut out = String::from("\x1b7");
    for (i, line) in frame(shared, size).iter().enumerate() {
        out.push_str(&format!("\x1b[{};1H\x1b[2K{line}", i + 1));
    }
    out.push_str(&format!("\x1b[{height};1H\x1b[2K\x1b8"));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

fn colour(state: &State) -> &'static str {
    match state {
        State::Pending => "33",
        State::Running(_) => "36",
        State::Returned => "32",
        State::Raised(_) => "31",
        State::Cancelled => "90",
    }
}

fn short(state: &State) -> String {
    match state {
        State::Pending => "pending".into(),
        State::Running(Some(k)) => format!("running on {k}"),
        State::Running(None) => "running".into(),
        State::Returned => "returned".into(),
        State::Raised(name) => format!("raised {name}"),
        State::Cancelled => "cancelled".into(),
    }
}

/// `CN returned  ·····████◆   ` in `width` columns: the bar is the run so
/// far, dotted while pending, solid while running, ◆ where it was taken.
fn cell(row: &Row, now: f64, width: usize, label_width: usize) -> String {
    // What does not fit goes: the bar first, then the end of the state.
    let state_width = STATE_WIDTH.min(width.saturating_sub(label_width + 2));
    let state: String = short(&row.state).chars().take(state_width).collect();
    let bar_width = width.saturating_sub(label_width + state_width + 3);
    let per = now.max(1e-3) / bar_width.max(1) as f64;
    let mut bar = String::new();
    let mut last = "";
    for i in 0..bar_width {
        let t = (i as f64 + 0.5) * per;
        let (style, glyph) =
            if row.taken.is_some_and(|taken| (taken / per) as usize == i) {
                ("35", '◆')
            } else if row.started.is_none_or(|s| t < s) {
                if row.state == State::Pending || row.ended.is_none_or(|e| t < e) {
                    ("33", '·')
                } else {
                    ("0", ' ')
                }
            } else if row.ended.is_none_or(|e| t < e) {
                ("36", '█')
            } else {
                ("0", ' ')
            };
        if style != last {
            bar.push_str(&format!("\x1b[{style}m"));
            last = style;
        }
        bar.push(glyph);
    }
    format!(
        "{:<label_width$} \x1b[{}m{state:<state_width$}\x1b[0m {bar}\x1b[0m ",
        row.label,
        colour(&row.state),
    )
}
