//! Timelines as SVG: one row per worker, one bar per task, one panel per run,
//! all panels on one time axis. `compare --svg` draws the download strategies
//! with it, `loiter_svg` the chapter's loiter schedule.

use std::path::Path;

use plotters::prelude::*;

/// How a bar is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ok,
    NotFound,
    Error,
}

impl Kind {
    fn colour(self) -> RGBColor {
        match self {
            Kind::Ok => RGBColor(44, 160, 44),
            Kind::NotFound => RGBColor(150, 150, 150),
            Kind::Error => RGBColor(214, 39, 40),
        }
    }

    /// The fill colour as the SVG spells it, to find the bars again.
    pub fn svg_fill(self) -> String {
        let RGBColor(r, g, b) = self.colour();
        format!("#{r:02X}{g:02X}{b:02X}")
    }
}

/// One task: when it started and ended (seconds), on which row if known.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
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

/// Draws `panels` stacked, on a shared time axis, into an SVG file.
pub fn write_svg(path: &Path, panels: &[Panel]) -> std::io::Result<()> {
    let mut panels = panels.to_vec();
    for panel in &mut panels {
        assign_rows(&mut panel.spans);
    }
    let rows = |panel: &Panel| {
        panel
            .spans
            .iter()
            .filter_map(|s| s.row)
            .max()
            .map_or(1, |r| r + 1)
    };
    // Thin bars for many rows, so 1000 async slots still fit on a page.
    let height_of = |panel: &Panel| 90 + 12 * rows(panel).min(40) as u32;
    let t_max = panels
        .iter()
        .flat_map(|p| p.spans.iter().map(|s| s.end))
        .fold(0.0_f64, f64::max)
        .max(0.001);
    let total: u32 = panels.iter().map(height_of).sum();
    let root = SVGBackend::new(path, (1000, total.max(100))).into_drawing_area();
    let failed =
        |err: DrawingAreaErrorKind<_>| std::io::Error::other(err.to_string());
    root.fill(&WHITE).map_err(failed)?;
    let mut rest = root;
    for panel in &panels {
        let (area, below) = rest.split_vertically(height_of(panel));
        rest = below;
        let n = rows(panel);
        let mut chart = ChartBuilder::on(&area)
            .caption(&panel.title, ("sans-serif", 16))
            .margin(6)
            .x_label_area_size(24)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..t_max * 1.02, 0.0..n as f64)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("seconds")
            .y_desc("worker")
            .y_labels(n.min(10))
            .y_label_formatter(&|y| format!("{}", *y as usize))
            .draw()
            .map_err(failed)?;
        let corners = |span: &Span| {
            let row = span.row.unwrap_or(0) as f64;
            let end = span.end.max(span.start + t_max / 500.0); // keep instant tasks visible
            [(span.start, row + 0.15), (end, row + 0.85)]
        };
        let bars = panel
            .spans
            .iter()
            .map(|s| Rectangle::new(corners(s), s.kind.colour().filled()));
        chart.draw_series(bars).map_err(failed)?;
        // A white outline, so back-to-back tasks on one row stay apart.
        let outlines = panel
            .spans
            .iter()
            .map(|s| Rectangle::new(corners(s), WHITE.stroke_width(1)));
        chart.draw_series(outlines).map_err(failed)?;
    }
    rest.present().map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: f64, end: f64) -> Span {
        Span {
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
                    row: Some(3),
                    start: 0.5,
                    end: 0.7,
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
                    n.has_tag_name("rect") && n.attribute("fill") == Some(&fill)
                })
                .count()
        };
        assert_eq!(bars(Kind::Ok), 2);
        assert_eq!(bars(Kind::Error), 1);
    }
}
