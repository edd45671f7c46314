//! The loiter experiment's schedule, read from what `loiter_map` prints.
//!
//! The listing records nothing: its millisecond timestamps already say when
//! each `loiter(n)` started and finished, so this tool runs the binary and
//! reads them back. Packing the spans into rows gives one row per worker.

use crate::timeline::{Kind, Span, assign_rows};

/// The spans of every `loiter(n)` in `output` (printed with `--millis`), in
/// seconds from the first line, each on the row of a worker.
pub fn spans(output: &str) -> Vec<Span> {
    let mut started: Vec<(u64, f64)> = Vec::new();
    let mut spans = Vec::new();
    let mut t0 = None;
    for line in output.lines() {
        let Some((stamp, text)) =
            line.strip_prefix('[').and_then(|l| l.split_once(']'))
        else {
            continue;
        };
        let Some(t) = seconds(stamp) else { continue };
        let t = t - *t0.get_or_insert(t);
        let text = text.trim();
        if let Some(n) = task(text, ": doing nothing") {
            started.push((n, t));
        } else if let Some(n) = task(text, " done!") {
            if let Some(&(_, start)) = started.iter().find(|(m, _)| *m == n) {
                spans.push(Span {
                    row: None,
                    start,
                    end: t,
                    kind: Kind::Ok,
                });
            }
        }
    }
    assign_rows(&mut spans);
    spans
}

/// `12:34:56.789` -> seconds since midnight.
fn seconds(stamp: &str) -> Option<f64> {
    let mut parts = stamp.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    Some(
        h.parse::<f64>().ok()? * 3600.0
            + m.parse::<f64>().ok()? * 60.0
            + s.parse::<f64>().ok()?,
    )
}

/// `loiter(3): doing nothing ...` with `suffix` ": doing nothing" -> 3.
fn task(text: &str, suffix: &str) -> Option<u64> {
    let rest = text.strip_prefix("loiter(")?;
    let (n, after) = rest.split_once(')')?;
    after.starts_with(suffix).then(|| n.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chapter_s_schedule_packs_into_three_rows() {
        let output = "\
[10:00:00.000] Script starting ...
[10:00:00.001]  loiter(0): doing nothing for 0s ...
[10:00:00.001] \t loiter(1): doing nothing for 1s ...
[10:00:00.001] \t\t loiter(2): doing nothing for 2s ...
[10:00:00.002]  loiter(0) done!
[10:00:00.002] \t\t\t loiter(3): doing nothing for 3s ...
[10:00:01.002] \t loiter(1) done!
[10:00:01.003] \t\t\t\t loiter(4): doing nothing for 4s ...
[10:00:02.002] \t\t loiter(2) done!
[10:00:03.003] \t\t\t loiter(3) done!
[10:00:05.003] \t\t\t\t loiter(4) done!
";
        let spans = spans(output);
        assert_eq!(spans.len(), 5);
        let rows: std::collections::BTreeSet<_> =
            spans.iter().filter_map(|s| s.row).collect();
        assert_eq!(rows.len(), 3, "{spans:?}");
        let last = spans.iter().map(|s| s.end).fold(0.0, f64::max);
        assert!((last - 5.003).abs() < 1e-6, "{last}");
    }
}
