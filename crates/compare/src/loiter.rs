//! A run recorded by `--watch`, read back into timeline tasks.
//!
//! The listings record nothing themselves: piped, `--watch` prints a line
//! per state change (`[watch 0.601s] loiter(3): finished returned`), and
//! this tool reads them back, for `loiter_map` and for the download sections.

use std::collections::HashMap;

use crate::timeline::{Kind, Task};

/// Every task that ran, in the board's row order, from `output`.
pub fn tasks(output: &str) -> Vec<Task> {
    let mut order: Vec<String> = Vec::new();
    let mut seen: HashMap<String, Task> = HashMap::new();
    for (t, label, change) in output.lines().filter_map(board::parse_line) {
        let task = seen.entry(label.to_string()).or_insert_with(|| {
            order.push(label.to_string());
            Task {
                label: label.to_string(),
                worker: None,
                started: f64::NAN,
                ended: f64::NAN,
                taken: None,
                kind: Kind::Ok,
            }
        });
        if let Some(running) = change.strip_prefix("running") {
            task.started = t;
            task.worker = running
                .strip_prefix(" on worker ")
                .and_then(|k| k.parse().ok());
        } else if let Some(how) = change.strip_prefix("finished ") {
            task.ended = t;
            if how.starts_with("raised") {
                task.kind = Kind::Error;
            }
        } else if change == "result taken" {
            task.taken = Some(t);
        }
    }
    order
        .into_iter()
        .filter_map(|label| seen.remove(&label))
        .filter(|task| task.started.is_finite() && task.ended.is_finite())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chapter_s_schedule_reads_back() {
        let output = "\
[watch 0.000s] loiter(0): pending
[watch 0.000s] loiter(1): pending
[10:00:00.000] Script starting ...
[watch 0.001s] loiter(0): running on worker 0
[watch 0.001s] loiter(0): finished returned
[watch 0.002s] loiter(0): result taken
[watch 0.002s] loiter(1): running on worker 1
[watch 0.202s] loiter(1): finished raised FlagError
[watch 0.203s] loiter(1): result taken
[10:00:00.203] result 1: 10
";
        let tasks = tasks(output);
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].label, "loiter(0)");
        assert_eq!(tasks[1].worker, Some(1));
        assert_eq!(tasks[1].kind, Kind::Error);
        assert_eq!(tasks[1].taken, Some(0.203));
        assert!((tasks[1].ended - 0.202).abs() < 1e-9);
    }
}
