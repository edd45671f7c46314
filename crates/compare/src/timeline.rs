//! Timelines as SVG. `compare --svg` draws the download strategies with
//! [`write_svg`]: one row per worker, one bar per task, one panel per run, all
//! panels on one time axis. `loiter_svg` draws a run recorded by `--watch`
//! with [`tasks_svg`]: one labelled row per task, pending, running and
//! finished in their own colours, a tick where the caller took each result,
//! and a CSS animation that replays the run at its real speed.

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
            Kind::Ok => "#2CA02C",
            Kind::NotFound => "#969696",
            Kind::Error => "#D62728",
        }
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
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 16.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let t_max = panels
        .iter()
        .flat_map(|p| p.spans.iter().map(|s| s.end))
        .fold(0.0_f64, f64::max)
        .max(0.001)
        * 1.02;
    let x = |t: f64| LEFT + t / t_max * plot_w;
    let step = nice_step(t_max);

    let mut svg = String::new();
    let mut y = 0.0;
    for panel in panels {
        let mut spans = panel.spans.clone();
        assign_rows(&mut spans);
        let n = spans
            .iter()
            .filter_map(|s| s.row)
            .max()
            .map_or(1, |r| r + 1);
        // 20 px a row up to 24 rows; beyond, the rows share 480 px, so 1000
        // async slots still fit on a page (their bars are tooltips only).
        let row_h = if n <= 24 { 20.0 } else { 480.0 / n as f64 };
        let top = y + 30.0;
        let plot_h = row_h * n as f64;
        let axis_y = top + plot_h + 4.0;
        let _ = writeln!(
            svg,
            r#"<text x="{LEFT}" y="{:.1}" class="title">{}</text>"#,
            y + 20.0,
            escape(&panel.title)
        );
        // Worker numbers: every row when they fit, else about ten.
        let every = n.div_ceil(10).max(1);
        for row in (0..n).step_by(every) {
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{row}</text>"#,
                LEFT - 6.0,
                top + row_h * (row as f64 + 0.5) + FONT * 0.35
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle">worker</text>"#,
            top + plot_h / 2.0,
            top + plot_h / 2.0
        );
        for span in &spans {
            let row = span.row.unwrap_or(0) as f64;
            let (bx, by) = (x(span.start), top + row_h * (row + 0.1));
            // Instant tasks stay visible.
            let (bw, bh) = ((x(span.end) - bx).max(1.0), row_h * 0.8);
            let _ = writeln!(
                svg,
                r##"<rect x="{bx:.1}" y="{by:.1}" width="{bw:.1}" height="{bh:.1}" fill="{}" stroke="#FFFFFF" stroke-width="0.5"><title>{} {:.2}–{:.2} s</title></rect>"##,
                span.kind.svg_fill(),
                escape(&span.label),
                span.start,
                span.end
            );
            let fits =
                bh >= FONT && bw >= 8.0 + FONT * 0.62 * span.label.len() as f64;
            if fits {
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" class="in-bar">{}</text>"#,
                    bx + 4.0,
                    by + bh / 2.0 + FONT * 0.35,
                    escape(&span.label)
                );
            }
        }
        time_axis(&mut svg, x, axis_y, t_max, step, false);
        y = axis_y + 5.0 + FONT * 1.1 + 12.0;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y:.0}" viewBox="0 0 {WIDTH} {y:.0}" font-family="sans-serif" font-size="{FONT}">
<style>
text {{ fill: #333; }}
.title {{ font-size: {title}px; fill: #222; }}
.in-bar {{ fill: #FFFFFF; pointer-events: none; }}
</style>
<rect width="100%" height="100%" fill="#FFFFFF"/>
{svg}</svg>
"##,
        title = FONT + 2.0,
    )
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

/// The colours of a task's life, shared by the bars and the legend.
const PENDING: &str = "#F2B134";
const RUNNING: &str = "#1F6FB4";
const WAITING: &str = "#2CA02C";
const RAISED: &str = "#D62728";
const TICK: &str = "#8E24AA";

/// The picture's width, and its text size: 13 px at 700 px wide, so the
/// book (which shows it at most this wide) keeps every label readable.
const WIDTH: f64 = 700.0;
const FONT: f64 = 13.0;
const LEFT: f64 = 110.0;
const RIGHT: f64 = 84.0;
/// Each cycle of the replay first holds the last frame this long (so a
/// picture caught at load is the whole run), then replays the run.
const HOLD: f64 = 3.0;

/// Draws `tasks` as an SVG: a row per task, labelled; pending (from 0 to
/// its start), running (with its worker) and finished-but-not-taken in
/// three colours; a tick and `result i` where the caller took result `i`.
/// Ticks show seconds, and also units of `unit` seconds when given. The
/// SVG replays the run with CSS animations at its real speed; where CSS
/// animation is off (or the reader prefers reduced motion) it is the still
/// last frame.
pub fn tasks_svg(title: &str, tasks: &[Task], unit: Option<f64>) -> String {
    let t_max = tasks
        .iter()
        .map(|t| t.taken.unwrap_or(t.ended).max(t.ended))
        .fold(0.0_f64, f64::max)
        .max(1e-3);
    let row_h = if tasks.len() > 10 { 26.0 } else { 38.0 };
    let top = 34.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |t: f64| LEFT + t / t_max * plot_w;
    let axis_y = top + row_h * tasks.len() as f64 + 6.0;
    let height = axis_y + if unit.is_some() { 82.0 } else { 64.0 };
    let cycle = t_max + HOLD;
    // The share of the replay's cycle at which time `t` of the run is
    // reached, and the end of the held last frame.
    let at = |t: f64| 100.0 * (HOLD + t) / cycle;
    let held = at(0.0) - 0.01;

    let mut svg = String::new();
    let mut css = String::new();
    let mut anim = 0;
    // A CSS animation growing `class` from the left between times a and b,
    // or (for a tick) showing it from time a.
    let mut animate = |css: &mut String, a: f64, b: Option<f64>| -> String {
        anim += 1;
        let (name, frames) = match b {
            Some(b) => (
                format!("g{anim}"),
                format!(
                    "0%,{held:.2}%{{transform:scaleX(1)}}{:.2}%,{:.2}%{{transform:scaleX(0)}}{:.2}%,100%{{transform:scaleX(1)}}",
                    at(0.0),
                    at(a),
                    at(b.max(a + 1e-4)),
                ),
            ),
            None => (
                format!("s{anim}"),
                format!(
                    "0%,{held:.2}%{{opacity:1}}{:.2}%,{:.2}%{{opacity:0}}{:.2}%,100%{{opacity:1}}",
                    at(0.0),
                    at(a),
                    at(a) + 0.01
                ),
            ),
        };
        let _ = writeln!(
            css,
            "@keyframes {name}{{{frames}}} .{name}{{animation:{name} {cycle:.3}s linear infinite}}"
        );
        name
    };

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
        let y = top + row_h * i as f64;
        let bar_y = y + row_h * 0.35;
        let bar_h = row_h * 0.55;
        let mid = bar_y + bar_h / 2.0 + FONT * 0.35;
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{mid:.1}" text-anchor="end" class="label">{}</text>"#,
            LEFT - 8.0,
            escape(&task.label)
        );
        let mut bar = |css: &mut String,
                       from: f64,
                       to: f64,
                       fill: &str,
                       what: &str| {
            let class = animate(css, from, Some(to));
            let w = (x(to) - x(from)).max(1.5);
            let _ = writeln!(
                svg,
                r#"<rect class="bar {class}" data-state="{what}" x="{:.1}" y="{bar_y:.1}" width="{w:.1}" height="{bar_h:.1}" fill="{fill}"><title>{} {what}</title></rect>"#,
                x(from),
                escape(&task.label)
            );
        };
        bar(&mut css, 0.0, task.started, PENDING, "pending");
        let running = if task.kind == Kind::Ok {
            RUNNING
        } else {
            RAISED
        };
        bar(&mut css, task.started, task.ended, running, "running");
        if let Some(taken) = task.taken.filter(|&t| t > task.ended) {
            bar(&mut css, task.ended, taken, WAITING, "finished");
        }
        // The worker, inside its bar when the bar is wide enough (the bar's
        // tooltip says it anyway).
        let wide = x(task.ended) - x(task.started) > 62.0;
        if let Some(worker) = task.worker.filter(|_| wide) {
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{mid:.1}" class="small" style="fill:#FFFFFF">worker {worker}</text>"#,
                x(task.started) + 5.0
            );
        }
        if let (Some(taken), Some(i)) = (task.taken, rank(i)) {
            let class = animate(&mut css, taken, None);
            let tx = x(taken);
            let _ = writeln!(
                svg,
                r#"<g class="tick {class}"><line x1="{tx:.1}" x2="{tx:.1}" y1="{:.1}" y2="{:.1}" stroke="{TICK}" stroke-width="2.5"/><text x="{:.1}" y="{:.1}" class="small" style="fill:{TICK}">result {i}</text></g>"#,
                y + 2.0,
                bar_y + bar_h + 2.0,
                tx + 4.0,
                y + FONT * 0.95,
            );
        }
    }

    // The time axis: seconds, and units of the run's --unit under them.
    let step = unit.unwrap_or_else(|| nice_step(t_max));
    time_axis(&mut svg, x, axis_y, t_max, step, unit.is_some());
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="small">seconds</text>"#,
        LEFT - 16.0,
        axis_y + 5.0 + FONT * 1.1
    );
    let mut legend_y = axis_y + 5.0 + FONT * 2.6;
    if let Some(unit) = unit {
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="small unit">units of {}</text>"#,
            LEFT - 16.0,
            axis_y + 5.0 + FONT * 2.3,
            trim(unit, " s"),
        );
        legend_y += FONT * 1.2;
    }
    // The legend, so a reader need not guess what a colour means.
    let mut lx = LEFT;
    let mut legend = vec![
        (PENDING, "pending"),
        (RUNNING, "running"),
        (WAITING, "finished, not yet taken"),
        (TICK, "result taken"),
    ];
    if tasks.iter().any(|t| t.kind != Kind::Ok) {
        legend.insert(2, (RAISED, "raised"));
    }
    for (fill, text) in legend {
        let _ = writeln!(
            svg,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{fill}"/><text x="{:.1}" y="{legend_y:.1}" class="small">{text}</text>"#,
            legend_y - 10.5,
            lx + 16.0
        );
        lx += 24.0 + text.len() as f64 * FONT * 0.56;
    }
    // A cursor sweeping the run as it replays.
    let sweep = format!(
        "@keyframes now{{0%,{held:.2}%{{opacity:0}}{:.2}%{{transform:translateX(0);opacity:1}}{:.2}%{{transform:translateX({plot_w:.1}px);opacity:1}}{:.2}%,100%{{opacity:0}}}} .now{{opacity:0;animation:now {cycle:.3}s linear infinite}}",
        at(0.0),
        at(t_max),
        at(t_max) + 0.01
    );

    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif" font-size="{FONT}">
<style>
.label {{ font-size: {label}px; fill: #222; }}
.small {{ font-size: {FONT}px; fill: #333; }}
.unit {{ fill: #666; }}
.bar {{ transform-box: fill-box; transform-origin: left; }}
{css}{sweep}
@media (prefers-reduced-motion: reduce) {{ .bar, .tick, .now {{ animation: none !important; }} .now {{ display: none; }} }}
</style>
<rect width="100%" height="100%" fill="#FFFFFF"/>
<text x="{LEFT}" y="20" class="label" font-weight="bold">{title}</text>
<line class="now" x1="{LEFT}" x2="{LEFT}" y1="{top}" y2="{axis_y:.1}" stroke="#999" stroke-dasharray="3 3"/>
{svg}</svg>
"##,
        label = FONT + 1.0,
        title = escape(title),
    )
}

/// A time axis along `axis_y`, from `x(0)` to `x(t_max)`: a tick every
/// `step` seconds, labelled in seconds, and (`numbered`) the tick's number,
/// in units of `step`, on a second line.
fn time_axis(
    svg: &mut String,
    x: impl Fn(f64) -> f64,
    axis_y: f64,
    t_max: f64,
    step: f64,
    numbered: bool,
) {
    let _ = writeln!(
        svg,
        r##"<line x1="{:.1}" x2="{:.1}" y1="{axis_y:.1}" y2="{axis_y:.1}" stroke="#333"/>"##,
        x(0.0),
        x(t_max)
    );
    let mut k = 0;
    while step * k as f64 <= t_max + 1e-9 {
        let t = step * k as f64;
        let tx = x(t);
        let _ = writeln!(
            svg,
            r##"<line x1="{tx:.1}" x2="{tx:.1}" y1="{axis_y:.1}" y2="{:.1}" stroke="#333"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" class="small">{}</text>"##,
            axis_y + 5.0,
            axis_y + 5.0 + FONT * 1.1,
            trim(t, " s"),
        );
        if numbered {
            let _ = writeln!(
                svg,
                r#"<text x="{tx:.1}" y="{:.1}" text-anchor="middle" class="small unit">{k}</text>"#,
                axis_y + 5.0 + FONT * 2.3,
            );
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
