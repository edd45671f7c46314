//! Timelines as SVG. `compare --svg` draws the download strategies with
//! [`write_svg`]: one row per worker, one bar per task, one panel per run, all
//! panels on one time axis. `loiter_svg` draws a run recorded by `--watch`
//! with [`tasks_svg`]: one labelled row per task, pending, running and
//! finished in their own colours, a tick where the caller took each result,
//! and a CSS animation that replays the run at its real speed.
//!
//! Both are drawn on a `Canvas` (rectangles, text, lines and animations),
//! with the measures of a `Metrics` and the colours of the one `palette`.

use std::fmt::Write as _;
use std::path::Path;

/// How a bar is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ok,
    NotFound,
    Error,
}

impl Kind {
    /// The bar's fill colour, as the SVG spells it.
    pub fn svg_fill(self) -> &'static str {
        match self {
            Kind::Ok => palette::DONE,
            Kind::NotFound => palette::MISSING,
            Kind::Error => palette::FAILED,
        }
    }
}

/// Every colour of both pictures, each under one name.
mod palette {
    /// A flag saved; a task finished whose result is not taken yet.
    pub const DONE: &str = "#2CA02C";
    /// A flag the server does not have (404).
    pub const MISSING: &str = "#969696";
    /// A download that failed; a task that raised.
    pub const FAILED: &str = "#D62728";
    /// A task submitted and waiting for a worker.
    pub const PENDING: &str = "#F2B134";
    /// A task on a worker.
    pub const RUNNING: &str = "#1F6FB4";
    /// The moment the caller took a result.
    pub const TAKEN: &str = "#8E24AA";
    /// The page, bar outlines and text inside bars.
    pub const PAPER: &str = "#FFFFFF";
    /// Titles; other text and the axes; what matters less.
    pub const TITLE: &str = "#222";
    pub const INK: &str = "#333";
    pub const FAINT: &str = "#666";
    /// The cursor that sweeps the replay.
    pub const CURSOR: &str = "#999";
}

/// Both pictures are 700 px wide with 13 px text: the book shows them at
/// most this wide, so every label stays readable.
const WIDTH: f64 = 700.0;
const FONT: f64 = 13.0;

/// Where things sit in a picture, in px (or, where it says so, in font
/// sizes). One value per picture: [`PANELS`] and [`TASKS`].
#[derive(Debug, Clone, Copy)]
struct Metrics {
    /// Room left of the plot: worker numbers, or task labels.
    left: f64,
    /// Room right of the plot: the last tick's label, or a `result i`.
    right: f64,
    /// From a row's top to its bar's, and the bar's height, in rows.
    bar_top: f64,
    bar_height: f64,
    /// Space kept around the plot: above it (the title), below it (the axis
    /// and its labels).
    above: f64,
    below: f64,
}

/// `compare --svg`: a title, then rows of bars with no gap, labels inside.
const PANELS: Metrics = Metrics {
    left: 64.0,
    right: 16.0,
    bar_top: 0.1,
    bar_height: 0.8,
    above: 30.0,
    below: 12.0,
};

/// `loiter_svg`: a row per task, its bar in the lower part of the row and
/// the `result i` tick label above it; the axis, then a legend, below.
const TASKS: Metrics = Metrics {
    left: 110.0,
    right: 84.0,
    bar_top: 0.35,
    bar_height: 0.55,
    above: 34.0,
    below: 64.0,
};

/// Text measures, in font sizes: from a line's middle down to the baseline
/// that centres text on it; a sans-serif character's width, on average (to
/// space a legend) and at most (so a label never spills out of its bar).
const MIDDLE_TO_BASELINE: f64 = 0.35;
const CHAR_WIDTH: f64 = 0.56;
const CHAR_WIDTH_MAX: f64 = 0.62;
/// Ticks hang this far below the axis; labels keep this far from what they name.
const TICK_LENGTH: f64 = 5.0;
const PADDING: f64 = 4.0;
/// The title's baseline, from the top of its panel or picture.
const TITLE_BASELINE: f64 = 20.0;

impl Metrics {
    fn plot_width(self) -> f64 {
        WIDTH - self.left - self.right
    }

    /// The x of `t` seconds on a plot that ends at `t_max`.
    fn x(self, t: f64, t_max: f64) -> f64 {
        self.left + t / t_max * self.plot_width()
    }

    /// A bar's top and height in a row that starts at `row_top`.
    fn bar(self, row_top: f64, row_height: f64) -> (f64, f64) {
        (
            row_top + row_height * self.bar_top,
            row_height * self.bar_height,
        )
    }
}

/// The baseline of text centred on a bar or row from `top`, `height` tall.
fn centred(top: f64, height: f64) -> f64 {
    top + height / 2.0 + FONT * MIDDLE_TO_BASELINE
}

/// The baselines of the axis's labels at `axis_y`: seconds, then units.
fn seconds_baseline(axis_y: f64) -> f64 {
    axis_y + TICK_LENGTH + FONT * 1.1
}

fn units_baseline(axis_y: f64) -> f64 {
    axis_y + TICK_LENGTH + FONT * 2.3
}

/// A point, and a rectangle's corner with its width and height, in px.
type Point = (f64, f64);
type Area = (f64, f64, f64, f64);

/// An SVG drawn a shape at a time; [`Canvas::finish`] wraps the shapes and
/// the animations' CSS in the `<svg>` element. Attributes are passed as
/// text (`r#" class="bar""#`), each with its leading space.
#[derive(Debug, Default)]
struct Canvas {
    shapes: String,
    css: String,
    animations: usize,
}

impl Canvas {
    /// A rectangle at (x, y), `w` by `h`, with `title` as its tooltip.
    fn rect(&mut self, (x, y, w, h): Area, fill: &str, attrs: &str, title: &str) {
        let shapes = &mut self.shapes;
        let _ = write!(shapes, r#"<rect x="{x:.1}" y="{y:.1}" "#);
        let _ = write!(
            shapes,
            r#"width="{w:.1}" height="{h:.1}" fill="{fill}"{attrs}>"#
        );
        let _ = writeln!(shapes, "<title>{}</title></rect>", escape(title));
    }

    /// A small square of colour, for a legend.
    fn swatch(&mut self, (x, y): Point, size: f64, fill: &str) {
        let shapes = &mut self.shapes;
        let _ = write!(shapes, r#"<rect x="{x:.1}" y="{y:.1}" "#);
        let _ =
            writeln!(shapes, r#"width="{size}" height="{size}" fill="{fill}"/>"#);
    }

    /// `text` with its baseline at (x, y).
    fn text(&mut self, (x, y): Point, attrs: &str, text: &str) {
        let text = escape(text);
        let shapes = &mut self.shapes;
        let _ = writeln!(
            shapes,
            r#"<text x="{x:.1}" y="{y:.1}"{attrs}>{text}</text>"#
        );
    }

    /// A line from (x1, y1) to (x2, y2).
    fn line(&mut self, (x1, y1): Point, (x2, y2): Point, stroke: &str, attrs: &str) {
        let shapes = &mut self.shapes;
        let _ = write!(shapes, r#"<line x1="{x1:.1}" x2="{x2:.1}" "#);
        let _ = writeln!(
            shapes,
            r#"y1="{y1:.1}" y2="{y2:.1}" stroke="{stroke}"{attrs}/>"#
        );
    }

    /// Shapes drawn by `draw`, grouped under `class` (so they animate as one).
    fn group(&mut self, class: &str, draw: impl FnOnce(&mut Canvas)) {
        let _ = writeln!(self.shapes, r#"<g class="{class}">"#);
        draw(self);
        let _ = writeln!(self.shapes, "</g>");
    }

    /// A CSS animation through `frames`, repeating every `cycle` seconds;
    /// returns the class that runs it (`prefix` and a number).
    fn animate(&mut self, prefix: &str, frames: &str, cycle: f64) -> String {
        self.animations += 1;
        let name = format!("{prefix}{}", self.animations);
        let _ = writeln!(
            self.css,
            "@keyframes {name}{{{frames}}} \
             .{name}{{animation:{name} {cycle:.3}s linear infinite}}"
        );
        name
    }

    /// The whole SVG, `height` px tall: `style`, then the animations, in
    /// its `<style>`; a page of paper; the shapes.
    fn finish(self, height: f64, style: &str) -> String {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg""#;
        let size = format!(
            r#"width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}""#
        );
        let font = format!(r#"font-family="sans-serif" font-size="{FONT}""#);
        let paper = format!(
            r#"<rect width="100%" height="100%" fill="{}"/>"#,
            palette::PAPER
        );
        let (css, shapes) = (self.css, self.shapes);
        format!(
            "{svg} {size} {font}>\n<style>\n{style}{css}</style>\n{paper}\n{shapes}</svg>\n"
        )
    }
}

/// One task: its label (`CN`), when it started and ended (seconds), on
/// which row if known.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: String,
    pub row: Option<usize>,
    pub start: f64,
    pub end: f64,
    pub kind: Kind,
}

/// One run: a title and its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub spans: Vec<Span>,
}

/// Gives every span without a row the lowest row that is free at its start:
/// for a pool of N workers that uses at most N rows, like the workers.
pub fn assign_rows(spans: &mut [Span]) {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by(|&a, &b| spans[a].start.total_cmp(&spans[b].start));
    let mut busy_until: Vec<f64> = Vec::new();
    for i in order {
        if let Some(row) = spans[i].row {
            if busy_until.len() <= row {
                busy_until.resize(row + 1, f64::NEG_INFINITY);
            }
            busy_until[row] = busy_until[row].max(spans[i].end);
            continue;
        }
        let free = busy_until.iter().position(|&until| until <= spans[i].start);
        let row = free.unwrap_or(busy_until.len());
        if row == busy_until.len() {
            busy_until.push(f64::NEG_INFINITY);
        }
        busy_until[row] = spans[i].end;
        spans[i].row = Some(row);
    }
}

/// Draws `panels` stacked, on a shared time axis, into an SVG file (whole
/// or not at all). Every bar carries its label as a tooltip, and shows it
/// too where it is wide and tall enough for 12 px text.
pub fn write_svg(path: &Path, panels: &[Panel]) -> std::io::Result<()> {
    write_whole(path, &panels_svg(panels))
}

/// The SVG text of [`write_svg`].
pub fn panels_svg(panels: &[Panel]) -> String {
    let ends = panels.iter().flat_map(|p| p.spans.iter().map(|s| s.end));
    // A little room after the last bar.
    let t_max = ends.fold(0.0_f64, f64::max).max(0.001) * 1.02;
    let mut canvas = Canvas::default();
    let mut top = 0.0;
    for panel in panels {
        top = draw_panel(&mut canvas, panel, top, t_max);
    }
    let style = format!(
        "text {{ fill: {ink}; }}\n\
         .title {{ font-size: {title_size}px; fill: {title}; }}\n\
         .in-bar {{ fill: {paper}; pointer-events: none; }}\n",
        ink = palette::INK,
        title = palette::TITLE,
        paper = palette::PAPER,
        title_size = FONT + 2.0,
    );
    canvas.finish(top, &style)
}

/// Draws one run's panel from `top` down: its title, a row per worker, and
/// the time axis. Returns where the next panel starts.
fn draw_panel(canvas: &mut Canvas, panel: &Panel, top: f64, t_max: f64) -> f64 {
    let m = PANELS;
    let x = |t: f64| m.x(t, t_max);
    let mut spans = panel.spans.clone();
    assign_rows(&mut spans);
    let rows = spans
        .iter()
        .filter_map(|s| s.row)
        .max()
        .map_or(1, |r| r + 1);
    // 20 px a row up to 24 rows; beyond, the rows share 480 px, so 1000
    // async slots still fit on a page (their bars are tooltips only).
    let row_height = if rows <= 24 {
        20.0
    } else {
        480.0 / rows as f64
    };
    let plot_top = top + m.above;
    let plot_height = row_height * rows as f64;
    let axis_y = plot_top + plot_height + PADDING;

    let title = (m.left, top + TITLE_BASELINE);
    canvas.text(title, r#" class="title""#, &panel.title);
    // Worker numbers: every row when they fit, else about ten.
    let every = rows.div_ceil(10).max(1);
    for row in (0..rows).step_by(every) {
        let row_top = plot_top + row_height * row as f64;
        let at = (m.left - 6.0, centred(row_top, row_height));
        canvas.text(at, r#" text-anchor="end""#, &row.to_string());
    }
    let middle = plot_top + plot_height / 2.0;
    let turned =
        format!(r#" transform="rotate(-90 14 {middle:.1})" text-anchor="middle""#);
    canvas.text((14.0, middle), &turned, "worker");

    for span in &spans {
        let row_top = plot_top + row_height * span.row.unwrap_or(0) as f64;
        let (y, h) = m.bar(row_top, row_height);
        // An instant task stays visible, a pixel wide.
        let (bar_x, w) = (x(span.start), (x(span.end) - x(span.start)).max(1.0));
        let outline = format!(r#" stroke="{}" stroke-width="0.5""#, palette::PAPER);
        let tooltip = format!("{} {:.2}–{:.2} s", span.label, span.start, span.end);
        canvas.rect((bar_x, y, w, h), span.kind.svg_fill(), &outline, &tooltip);
        let text_width = FONT * CHAR_WIDTH_MAX * span.label.chars().count() as f64;
        if h >= FONT && w >= 2.0 * PADDING + text_width {
            let at = (bar_x + PADDING, centred(y, h));
            canvas.text(at, r#" class="in-bar""#, &span.label);
        }
    }
    time_axis(canvas, x, axis_y, t_max, nice_step(t_max), false);
    seconds_baseline(axis_y) + m.below
}

/// Writes `text` to `path` through a temporary file beside it, so a failed
/// write never leaves half a picture behind.
pub fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written =
        std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// One task of a run recorded by `--watch`, in seconds from the start:
/// submitted at 0 (pending), `started` on `worker`, `ended`, and when the
/// caller took its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub label: String,
    pub worker: Option<usize>,
    pub started: f64,
    pub ended: f64,
    pub taken: Option<f64>,
    pub kind: Kind,
}

/// Each cycle of the replay first holds the last frame this long (so a
/// picture caught at load is the whole run), then replays the run.
const HOLD: f64 = 3.0;

/// The replay of a run `t_max` seconds long: one cycle of the CSS
/// animations holds the last frame for [`HOLD`] seconds, then plays the run.
#[derive(Debug, Clone, Copy)]
struct Replay {
    t_max: f64,
}

impl Replay {
    fn cycle(self) -> f64 {
        self.t_max + HOLD
    }

    /// The share of the cycle, in %, at which the run reaches `t`.
    fn at(self, t: f64) -> f64 {
        100.0 * (HOLD + t) / self.cycle()
    }

    /// The keyframes before the run starts: the last frame, held.
    fn held(self) -> f64 {
        self.at(0.0) - 0.01
    }

    /// A bar that grows from its left end between `from` and `to`.
    fn grow(self, canvas: &mut Canvas, from: f64, to: f64) -> String {
        // A bar that ends as it starts still grows, over a blink.
        let to = to.max(from + 1e-4);
        let (held, start, a, b) =
            (self.held(), self.at(0.0), self.at(from), self.at(to));
        let frames = format!(
            "0%,{held:.2}%{{transform:scaleX(1)}}{start:.2}%,{a:.2}%{{transform:scaleX(0)}}\
             {b:.2}%,100%{{transform:scaleX(1)}}"
        );
        canvas.animate("g", &frames, self.cycle())
    }

    /// Something that appears at `t` and stays.
    fn appear(self, canvas: &mut Canvas, t: f64) -> String {
        let (held, start, a) = (self.held(), self.at(0.0), self.at(t));
        let frames = format!(
            "0%,{held:.2}%{{opacity:1}}{start:.2}%,{a:.2}%{{opacity:0}}\
             {:.2}%,100%{{opacity:1}}",
            a + 0.01
        );
        canvas.animate("s", &frames, self.cycle())
    }

    /// A cursor sweeping `width` px while the run replays.
    fn sweep(self, width: f64) -> String {
        let (held, start, end) = (self.held(), self.at(0.0), self.at(self.t_max));
        format!(
            "@keyframes now{{0%,{held:.2}%{{opacity:0}}\
             {start:.2}%{{transform:translateX(0);opacity:1}}\
             {end:.2}%{{transform:translateX({width:.1}px);opacity:1}}\
             {:.2}%,100%{{opacity:0}}}} \
             .now{{opacity:0;animation:now {:.3}s linear infinite}}",
            end + 0.01,
            self.cycle()
        )
    }
}

/// Draws `tasks` as an SVG: a row per task, labelled; pending (from 0 to
/// its start), running (with its worker) and finished-but-not-taken in
/// three colours; a tick and `result i` where the caller took result `i`.
/// Ticks show seconds, and also units of `unit` seconds when given. The
/// SVG replays the run with CSS animations at its real speed; where CSS
/// animation is off (or the reader prefers reduced motion) it is the still
/// last frame.
pub fn tasks_svg(title: &str, tasks: &[Task], unit: Option<f64>) -> String {
    let m = TASKS;
    let last = tasks
        .iter()
        .map(|t| t.taken.unwrap_or(t.ended).max(t.ended));
    let t_max = last.fold(0.0_f64, f64::max).max(1e-3);
    let replay = Replay { t_max };
    let row_height = if tasks.len() > 10 { 26.0 } else { 38.0 };
    let axis_y = m.above + row_height * tasks.len() as f64 + 6.0;
    // The second line of axis labels, in units, wants 18 px more.
    let unit_line = if unit.is_some() { 18.0 } else { 0.0 };
    let height = axis_y + m.below + unit_line;

    let mut canvas = Canvas::default();
    let bold = r#" class="label" font-weight="bold""#;
    canvas.text((m.left, TITLE_BASELINE), bold, title);
    let dashed = r#" class="now" stroke-dasharray="3 3""#;
    canvas.line((m.left, m.above), (m.left, axis_y), palette::CURSOR, dashed);

    // `result k` is the k-th result the caller took: input order for `map`,
    // completion order for `as_completed`.
    let mut by_taken: Vec<(f64, usize)> = tasks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.taken.map(|taken| (taken, i)))
        .collect();
    by_taken.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let rank = |i: usize| by_taken.iter().position(|&(_, j)| j == i);
    for (i, task) in tasks.iter().enumerate() {
        let row_top = m.above + row_height * i as f64;
        draw_task(&mut canvas, replay, task, row_top, row_height, rank(i));
    }

    // The time axis: seconds, and units of the run's --unit under them.
    let x = |t: f64| m.x(t, t_max);
    let step = unit.unwrap_or_else(|| nice_step(t_max));
    time_axis(&mut canvas, x, axis_y, t_max, step, unit.is_some());
    let end_small = r#" text-anchor="end" class="small""#;
    canvas.text(
        (m.left - 16.0, seconds_baseline(axis_y)),
        end_small,
        "seconds",
    );
    let mut legend_y = axis_y + TICK_LENGTH + FONT * 2.6;
    if let Some(unit) = unit {
        let end_unit = r#" text-anchor="end" class="small unit""#;
        let label = format!("units of {}", trim(unit, " s"));
        canvas.text((m.left - 16.0, units_baseline(axis_y)), end_unit, &label);
        legend_y += FONT * 1.2;
    }
    let raised = tasks.iter().any(|t| t.kind != Kind::Ok);
    draw_legend(&mut canvas, m.left, legend_y, raised);

    let style = format!(
        ".label {{ font-size: {label}px; fill: {title}; }}\n\
         .small {{ font-size: {FONT}px; fill: {ink}; }}\n\
         .unit {{ fill: {faint}; }}\n\
         .bar {{ transform-box: fill-box; transform-origin: left; }}\n\
         {sweep}\n\
         @media (prefers-reduced-motion: reduce) {{ .bar, .tick, .now \
         {{ animation: none !important; }} .now {{ display: none; }} }}\n",
        label = FONT + 1.0,
        title = palette::TITLE,
        ink = palette::INK,
        faint = palette::FAINT,
        sweep = replay.sweep(m.plot_width()),
    );
    canvas.finish(height, &style)
}

/// One task's row from `row_top`: its label, its pending, running and
/// finished bars (each growing as the replay reaches it), its worker, and
/// the tick where the caller took its result, the `rank`-th taken.
fn draw_task(
    canvas: &mut Canvas,
    replay: Replay,
    task: &Task,
    row_top: f64,
    row_height: f64,
    rank: Option<usize>,
) {
    let m = TASKS;
    let x = |t: f64| m.x(t, replay.t_max);
    let (bar_y, bar_h) = m.bar(row_top, row_height);
    let baseline = centred(bar_y, bar_h);
    let label = r#" text-anchor="end" class="label""#;
    canvas.text((m.left - 8.0, baseline), label, &task.label);
    let bar = |canvas: &mut Canvas, from: f64, to: f64, fill: &str, state: &str| {
        let class = replay.grow(canvas, from, to);
        let attrs = format!(r#" class="bar {class}" data-state="{state}""#);
        let w = (x(to) - x(from)).max(1.5);
        let tooltip = format!("{} {state}", task.label);
        canvas.rect((x(from), bar_y, w, bar_h), fill, &attrs, &tooltip);
    };
    bar(canvas, 0.0, task.started, palette::PENDING, "pending");
    let running = match task.kind {
        Kind::Ok => palette::RUNNING,
        _ => palette::FAILED,
    };
    bar(canvas, task.started, task.ended, running, "running");
    if let Some(taken) = task.taken.filter(|&t| t > task.ended) {
        bar(canvas, task.ended, taken, palette::DONE, "finished");
    }
    // The worker, inside its bar when the bar has room for `worker N` (the
    // bar's tooltip says it anyway).
    let room = 62.0;
    if let Some(worker) = task
        .worker
        .filter(|_| x(task.ended) - x(task.started) > room)
    {
        let white = format!(r#" class="small" style="fill:{}""#, palette::PAPER);
        let at = (x(task.started) + 5.0, baseline);
        canvas.text(at, &white, &format!("worker {worker}"));
    }
    if let (Some(taken), Some(rank)) = (task.taken, rank) {
        let class = replay.appear(canvas, taken);
        let tx = x(taken);
        canvas.group(&format!("tick {class}"), |canvas| {
            let (top, bottom) = (row_top + 2.0, bar_y + bar_h + 2.0);
            canvas.line(
                (tx, top),
                (tx, bottom),
                palette::TAKEN,
                r#" stroke-width="2.5""#,
            );
            let purple =
                format!(r#" class="small" style="fill:{}""#, palette::TAKEN);
            let at = (tx + PADDING, row_top + FONT * 0.95);
            canvas.text(at, &purple, &format!("result {rank}"));
        });
    }
}

/// The legend, so a reader need not guess what a colour means; `raised`
/// when a task raised, so that colour is on the picture.
fn draw_legend(canvas: &mut Canvas, left: f64, baseline: f64, raised: bool) {
    let mut legend = vec![
        (palette::PENDING, "pending"),
        (palette::RUNNING, "running"),
        (palette::DONE, "finished, not yet taken"),
        (palette::TAKEN, "result taken"),
    ];
    if raised {
        legend.insert(2, (palette::FAILED, "raised"));
    }
    // A 12 px square standing on the baseline (less the letters' descent).
    let (swatch, rise) = (12.0, 10.5);
    let mut x = left;
    for (fill, text) in legend {
        canvas.swatch((x, baseline - rise), swatch, fill);
        canvas.text((x + swatch + PADDING, baseline), r#" class="small""#, text);
        let text_width = FONT * CHAR_WIDTH * text.chars().count() as f64;
        x += swatch + PADDING + text_width + 8.0;
    }
}

/// A time axis along `axis_y`, from `x(0)` to `x(t_max)`: a tick every
/// `step` seconds, labelled in seconds, and (`numbered`) the tick's number,
/// in units of `step`, on a second line.
fn time_axis(
    canvas: &mut Canvas,
    x: impl Fn(f64) -> f64,
    axis_y: f64,
    t_max: f64,
    step: f64,
    numbered: bool,
) {
    canvas.line((x(0.0), axis_y), (x(t_max), axis_y), palette::INK, "");
    let middle_small = r#" text-anchor="middle" class="small""#;
    let middle_unit = r#" text-anchor="middle" class="small unit""#;
    let mut k = 0;
    while step * k as f64 <= t_max + 1e-9 {
        let t = step * k as f64;
        let tx = x(t);
        canvas.line((tx, axis_y), (tx, axis_y + TICK_LENGTH), palette::INK, "");
        canvas.text((tx, seconds_baseline(axis_y)), middle_small, &trim(t, " s"));
        if numbered {
            canvas.text((tx, units_baseline(axis_y)), middle_unit, &k.to_string());
        }
        k += 1;
    }
}

/// A round step giving 4 to 10 ticks over `t_max` seconds.
fn nice_step(t_max: f64) -> f64 {
    let rough = t_max / 5.0;
    let scale = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * scale)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * scale)
}

/// `0.5` -> `0.5 s`, `2` -> `2 s`.
fn trim(t: f64, suffix: &str) -> String {
    let text = format!("{t:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: f64, end: f64) -> Span {
        Span {
            label: "CN".into(),
            row: None,
            start,
            end,
            kind: Kind::Ok,
        }
    }

    #[test]
    fn rows_are_reused_as_workers_free_up() {
        // Two workers, three tasks: the third starts when the first ends.
        let mut spans = vec![span(0.0, 1.0), span(0.0, 2.0), span(1.0, 3.0)];
        assign_rows(&mut spans);
        let rows: Vec<usize> = spans.iter().map(|s| s.row.unwrap()).collect();
        assert_eq!(rows, [0, 1, 0]);
        // One after another: a single row.
        let mut seq = vec![span(0.0, 1.0), span(1.0, 2.0), span(2.0, 3.0)];
        assign_rows(&mut seq);
        assert!(seq.iter().all(|s| s.row == Some(0)));
    }

    #[test]
    fn the_svg_is_well_formed_with_one_bar_per_span() {
        let panels = vec![
            Panel {
                title: "two workers".into(),
                spans: vec![span(0.0, 1.0), span(0.0, 2.0)],
            },
            Panel {
                title: "errors".into(),
                spans: vec![Span {
                    label: "FR".into(),
                    row: Some(3),
                    start: 0.5,
                    end: 0.52,
                    kind: Kind::Error,
                }],
            },
        ];
        let path = std::env::temp_dir()
            .join(format!("timeline-{}.svg", std::process::id()));
        write_svg(&path, &panels).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let bars = |kind: Kind| {
            let fill = kind.svg_fill();
            doc.descendants()
                .filter(|n| {
                    n.has_tag_name("rect") && n.attribute("fill") == Some(fill)
                })
                .count()
        };
        assert_eq!(bars(Kind::Ok), 2);
        assert_eq!(bars(Kind::Error), 1);
        // Every bar is labelled (its tooltip), and the wide ones show it.
        let titles: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(titles[0].starts_with("CN "), "{titles:?}");
        let shown = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("in-bar"))
            .filter_map(|n| n.text())
            .collect::<Vec<_>>();
        assert_eq!(
            shown,
            ["CN", "CN"],
            "the 0.02 s bar has no room for its label"
        );
    }

    #[test]
    fn a_task_timeline_labels_every_bar_and_ticks_every_result() {
        let task = |n: usize, started: f64, ended: f64| Task {
            label: format!("loiter({n})"),
            worker: Some(n % 3),
            started,
            ended,
            taken: Some(ended + 0.01),
            kind: Kind::Ok,
        };
        let tasks = [task(0, 0.0, 0.0), task(1, 0.0, 0.5), task(2, 0.0, 1.0)];
        let svg = tasks_svg("three", &tasks, Some(0.5));
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for n in 0..3 {
            assert!(
                texts.contains(&format!("loiter({n})").as_str()),
                "{texts:?}"
            );
            assert!(texts.contains(&format!("result {n}").as_str()), "{texts:?}");
        }
        // Both scales: seconds and units of 0.5 s.
        assert!(
            texts.contains(&"1 s") && texts.contains(&"units of 0.5 s"),
            "{texts:?}"
        );
        let states = |state: &str| {
            doc.descendants()
                .filter(|n| n.attribute("data-state") == Some(state))
                .count()
        };
        assert_eq!((states("pending"), states("running")), (3, 3));
        assert!(svg.contains("@keyframes"), "the run replays");
    }
}
