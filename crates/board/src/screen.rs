//! The board on a terminal: the top lines of the screen hold the board,
//! redrawn ten times a second; a scroll region below them takes what the
//! program prints meanwhile, so neither overwrites the other.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::thread;
use std::time::Duration;

use console::{Style, Term, measure_text_width};

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

/// The terminal's size, or a classic 24 x 80 where it is too small to
/// hold a board or cannot tell.
fn size() -> Size {
    match Term::stdout().size_checked() {
        Some((rows, cols)) if rows >= 8 && cols >= 20 => Size {
            rows: rows.into(),
            cols: cols.into(),
        },
        _ => Size { rows: 24, cols: 80 },
    }
}

/// The escape sequences the board moves around the screen with. `console`
/// draws text and colours, but has no scroll region, and indicatif and
/// ratatui want every line of the program to go through them: the board
/// leaves the program's own `println!` alone, so it sets the region itself.
mod escape {
    /// Remember and restore the cursor (the program's output position).
    pub const SAVE: &str = "\x1b7";
    pub const RESTORE: &str = "\x1b8";
    /// Let the whole screen scroll again.
    pub const WHOLE_SCREEN: &str = "\x1b[r";

    /// Scroll only lines `top..=bottom` (1-based).
    pub fn scroll_region(top: usize, bottom: usize) -> String {
        format!("\x1b[{top};{bottom}r")
    }

    /// Go to the start of `line` (1-based) and clear it.
    pub fn clear_line(line: usize) -> String {
        format!("\x1b[{line};1H\x1b[2K")
    }

    /// Go to the start of `line` (1-based).
    pub fn go_to(line: usize) -> String {
        format!("\x1b[{line};1H")
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
                "{}{}{}{}",
                escape::go_to(size.rows),
                "\n".repeat(size.rows),
                escape::scroll_region(height + 1, size.rows),
                escape::go_to(height + 1),
            );
            let _ = out.flush();
        }
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
        let mut out = format!("{}{}", escape::SAVE, escape::WHOLE_SCREEN);
        for line in 1..=height {
            out.push_str(&escape::clear_line(line));
        }
        out.push_str(escape::RESTORE);
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
    let _ = write!(
        out,
        "{}{}{}",
        escape::SAVE,
        escape::WHOLE_SCREEN,
        escape::RESTORE
    );
    let _ = out.flush();
}

#[derive(Debug, PartialEq, Eq)]
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
        .map(|r| measure_text_width(&r.label))
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
        "{}  {now:.2}s  {} · {} · {} · {}",
        Style::new().bold().apply_to(&shared.title),
        colour(&State::Pending)
            .apply_to(format!("pending {}", count(|s| *s == State::Pending))),
        colour(&State::Running(None)).apply_to(format!(
            "running {}",
            count(|s| matches!(s, State::Running(_)))
        )),
        colour(&State::Returned)
            .apply_to(format!("done {}", count(State::is_final))),
        taken().apply_to("◆ result taken"),
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
    let mut out = String::from(escape::SAVE);
    for (i, line) in frame(shared, size).iter().enumerate() {
        out.push_str(&escape::clear_line(i + 1));
        out.push_str(line);
    }
    out.push_str(&escape::clear_line(height));
    out.push_str(escape::RESTORE);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

/// A state's colour, the same in its text and its part of a bar.
fn colour(state: &State) -> Style {
    match state {
        State::Pending => Style::new().yellow(),
        State::Running(_) => Style::new().cyan(),
        State::Returned => Style::new().green(),
        State::Raised(_) => Style::new().red(),
        State::Cancelled => Style::new().black().bright(),
    }
}

/// The marker where the caller took the result.
fn taken() -> Style {
    Style::new().magenta()
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
    // Three spaces: after the label, after the state, after the bar.
    let state_width = STATE_WIDTH.min(width.saturating_sub(label_width + 3));
    let state: String = short(&row.state).chars().take(state_width).collect();
    let bar_width = width.saturating_sub(label_width + state_width + 3);
    let per = now.max(1e-3) / bar_width.max(1) as f64;
    // Each character of the bar, with its colour (none for a blank).
    let glyph = |i: usize| {
        let t = (i as f64 + 0.5) * per;
        let ended_by = |t: f64| row.ended.is_some_and(|e| t >= e);
        if row.taken.is_some_and(|taken| (taken / per) as usize == i) {
            ('◆', Some(taken()))
        } else if row.started.is_none_or(|s| t < s) {
            match row.state == State::Pending || !ended_by(t) {
                true => ('·', Some(colour(&State::Pending))),
                false => (' ', None),
            }
        } else if !ended_by(t) {
            ('█', Some(colour(&State::Running(None))))
        } else {
            (' ', None)
        }
    };
    let glyphs: Vec<(char, Option<Style>)> = (0..bar_width).map(glyph).collect();
    // One colour change per run of same-coloured characters, not per character.
    let mut bar = String::new();
    for run in glyphs.chunk_by(|a, b| a.1 == b.1) {
        let text: String = run.iter().map(|(c, _)| c).collect();
        match &run[0].1 {
            Some(style) => bar.push_str(&style.apply_to(text).to_string()),
            None => bar.push_str(&text),
        }
    }
    let state = format!("{state:<state_width$}");
    let label =
        console::pad_str(&row.label, label_width, console::Alignment::Left, None);
    format!("{label} {} {bar} ", colour(&row.state).apply_to(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        state: State,
        started: Option<f64>,
        ended: Option<f64>,
        taken: Option<f64>,
    ) -> Row {
        Row {
            label: "CN".into(),
            state,
            started,
            ended,
            taken,
        }
    }

    /// A few rows: one column, as tall as the rows, with a title line and a
    /// blank line under the board.
    #[test]
    fn a_short_board_is_one_column() {
        let size = Size {
            rows: 40,
            cols: 100,
        };
        let layout = layout(5, 9, size);
        assert_eq!(
            layout,
            Layout {
                columns: 1,
                lines: 5,
                height: 7
            }
        );
    }

    /// More rows than half the screen: columns, as many as the width
    /// holds, and never more lines than all but six of the screen's.
    #[test]
    fn a_long_board_spreads_into_columns_within_the_screen() {
        let size = Size { rows: 24, cols: 80 };
        // A 2-letter label: cells of at least 2 + 12 + 9 = 23 columns, 3 a line.
        let twenty = layout(20, 2, size);
        assert_eq!((twenty.columns, twenty.lines), (2, 10));
        let many = layout(676, 2, size);
        assert_eq!(many.columns, 3);
        assert_eq!(many.lines, 18, "24 lines less 6");
        assert!(
            many.columns * many.lines < 676,
            "the rest are counted as hidden"
        );
        // A terminal narrower than one cell still gets a column.
        assert_eq!(layout(3, 30, Size { rows: 24, cols: 20 }).columns, 1);
    }

    /// A cell is exactly `width` columns wide on screen, whatever its
    /// colours, and its bar shows each phase where it happened.
    #[test]
    fn a_cell_fills_its_width_and_draws_each_phase() {
        console::set_colors_enabled(true);
        let finished = row(State::Returned, Some(1.0), Some(3.0), Some(3.5));
        let cell = cell(&finished, 4.0, 40, 2);
        assert_eq!(measure_text_width(&cell), 40, "{cell:?}");
        let plain = console::strip_ansi_codes(&cell).into_owned();
        assert!(plain.starts_with("CN returned "), "{plain:?}");
        // 40 columns less label, state and spaces: a bar of 19, 4 s of run.
        let bar: String = plain
            .chars()
            .skip(2 + 1 + STATE_WIDTH + 1)
            .take(19)
            .collect();
        let (pending, running) = (bar.find('·'), bar.find('█'));
        assert!(pending < running, "pending before running: {bar:?}");
        assert_eq!(bar.matches('◆').count(), 1, "{bar:?}");
        assert!(bar.ends_with(' '), "nothing after it was taken: {bar:?}");
        assert!(cell.contains('\x1b'), "coloured: {cell:?}");
    }

    /// Too narrow for a bar: the bar goes first, then the end of the state.
    #[test]
    fn a_narrow_cell_drops_the_bar_then_the_state() {
        let raised = row(
            State::Raised("FlagError".into()),
            Some(0.0),
            Some(1.0),
            None,
        );
        let narrow =
            console::strip_ansi_codes(&cell(&raised, 1.0, 14, 2)).into_owned();
        assert_eq!(narrow, "CN raised Fl  ");
    }
}
