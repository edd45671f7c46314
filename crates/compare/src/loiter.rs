//! A run recorded by `--watch`, read back into timeline tasks.
//!
//! The listings record nothing themselves: under `--watch`, with
//! `WATCH_EVENTS=FILE` in the environment, the board writes every task
//! event to FILE, one JSON object per line (the format is
//! `concurrent_futures::events::Event`'s serde derive, its one definition).
//! This reads them back, for `loiter_map` and for the download sections.

use std::collections::HashMap;

use concurrent_futures::events::{Event, Phase};

use crate::timeline::{Kind, Task};

/// Every task that ran, from `events` (JSON lines): task `i`, in the order
/// tasks were made (submitted), is `labels[i]`, as on the board. Tasks
/// beyond the labels, and tasks that never ran, are left out.
pub fn tasks(events: &str, labels: &[String]) -> serde_json::Result<Vec<Task>> {
    let mut tasks: Vec<Task> = Vec::new();
    let mut row: HashMap<u64, usize> = HashMap::new();
    for line in events.lines().filter(|line| !line.trim().is_empty()) {
        let event: Event = serde_json::from_str(line)?;
        let next = row.len();
        let i = *row.entry(event.task).or_insert(next);
        let Some(label) = labels.get(i) else { continue };
        if tasks.len() <= i {
            tasks.push(Task {
                label: label.clone(),
                worker: None,
                started: f64::NAN,
                ended: f64::NAN,
                taken: None,
                kind: Kind::Ok,
            });
        }
        // In whole milliseconds, as the board prints them: a result taken
        // microseconds after its task finished has no finished bar to draw.
        let t = event.at.as_millis() as f64 / 1000.0;
        let task = &mut tasks[i];
        match event.phase {
            Phase::Running { worker } => (task.started, task.worker) = (t, worker),
            Phase::Finished { raised } => {
                task.ended = t;
                if raised.is_some() {
                    task.kind = Kind::Error;
                }
            }
            // The first time a caller takes the result is the one drawn.
            Phase::Taken => task.taken = task.taken.or(Some(t)),
            Phase::Pending | Phase::Cancelled => {}
        }
    }
    tasks.retain(|task| task.started.is_finite() && task.ended.is_finite());
    Ok(tasks)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Events written as the board writes them read back into the rows
    /// the timeline draws.
    #[test]
    fn the_chapter_s_schedule_reads_back() {
        let ms = Duration::from_millis;
        let events = [
            (4, Phase::Pending, ms(0)),
            (5, Phase::Pending, ms(0)),
            (4, Phase::Running { worker: Some(0) }, ms(1)),
            (4, Phase::Finished { raised: None }, ms(1)),
            (4, Phase::Taken, ms(2)),
            (5, Phase::Running { worker: Some(1) }, ms(2)),
            (
                5,
                Phase::Finished {
                    raised: Some("FlagError".into()),
                },
                ms(202),
            ),
            (5, Phase::Taken, ms(203)),
        ];
        let lines: Vec<String> = events
            .into_iter()
            .map(|(task, phase, at)| {
                serde_json::to_string(&Event { task, phase, at }).unwrap()
            })
            .collect();
        let labels = ["loiter(0)".to_string(), "loiter(1)".to_string()];
        let tasks = tasks(&lines.join("\n"), &labels).unwrap();
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].label, "loiter(0)");
        assert_eq!(tasks[1].worker, Some(1));
        assert_eq!(tasks[1].kind, Kind::Error);
        assert_eq!(tasks[1].taken, Some(0.203));
        assert!((tasks[1].ended - 0.202).abs() < 1e-9);
        assert!(super::tasks("not json", &labels).is_err());
    }
}
