//! `loiter_map::loiter`, with the moment each call starts noted, so a check
//! can compare the schedule with a prediction.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use loiter_map::Settings;

use crate::lab::UNIT;

static STARTS: Mutex<Vec<(u64, Instant)>> = Mutex::new(Vec::new());
static EPOCH: Mutex<Option<Instant>> = Mutex::new(None);

/// One unit per loiter "second", millisecond timestamps; the clock starts now.
pub fn configure() {
    loiter_map::configure(Settings {
        unit: UNIT,
        millis: true,
    });
    *EPOCH.lock().expect("never poisoned") = Some(Instant::now());
}

/// The chapter's `loiter(n)`, run for real, its start noted first.
pub fn loiter(n: u64) -> u64 {
    STARTS
        .lock()
        .expect("never poisoned")
        .push((n, Instant::now()));
    loiter_map::loiter(n)
}

/// Each loiter that started, and when, since [`configure`].
pub fn starts() -> Vec<(u64, Duration)> {
    let epoch = EPOCH
        .lock()
        .expect("never poisoned")
        .unwrap_or_else(Instant::now);
    let starts = STARTS.lock().expect("never poisoned");
    starts
        .iter()
        .map(|&(n, at)| (n, at.saturating_duration_since(epoch)))
        .collect()
}
