//! Latency and faults drawn from a seed.
//!
//! Each request's fate is a pure function of the seed, the path, and how many
//! times that path was asked for before. So two runs with the same seed see the
//! same delays and the same 418s per flag, however their requests interleave.
//! Only the 388 paths with a file behind them are counted: a path with no file
//! is always drawn as a first request, so a client inventing paths cannot grow
//! the server's memory.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::art::{fnv1a, splitmix64};
use crate::catalogue;

/// The longest delay `--delay` accepts: beyond it no client would still be
/// waiting, so a bigger number is a typo, not a test of patience.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// A fixed delay (`0.2`) or a uniform range (`0.1..0.5`), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    pub min: Duration,
    pub max: Duration,
}

impl Delay {
    pub const ZERO: Delay = Delay::fixed(Duration::ZERO);

    pub const fn fixed(delay: Duration) -> Delay {
        Delay {
            min: delay,
            max: delay,
        }
    }

    pub const fn uniform(min: Duration, max: Duration) -> Delay {
        Delay { min, max }
    }

    /// The average delay, for "ideal time" estimates.
    pub fn mean(&self) -> Duration {
        (self.min + self.max) / 2
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}s", self.min.as_secs_f64())
        } else {
            write!(f, "{}..{}s", self.min.as_secs_f64(), self.max.as_secs_f64())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid delay {text:?}: {reason}")]
pub struct ParseDelayError {
    text: String,
    reason: &'static str,
}

impl FromStr for Delay {
    type Err = ParseDelayError;

    fn from_str(text: &str) -> Result<Delay, ParseDelayError> {
        let error = |reason| ParseDelayError {
            text: text.to_string(),
            reason,
        };
        let seconds = |s: &str| {
            let secs: f64 = s.trim().parse().map_err(|_| {
                error("expected seconds like 0.2 or a range like 0.1..0.5")
            })?;
            // Checked before Duration sees them: it would reject these too, but
            // only with a message about durations, not about the user's number.
            if !secs.is_finite() {
                return Err(error("not a finite number of seconds"));
            }
            if secs < 0.0 {
                return Err(error("a delay cannot be negative"));
            }
            if secs > MAX_DELAY.as_secs_f64() {
                return Err(error("longer than the 3600 s maximum"));
            }
            Duration::try_from_secs_f64(secs)
                .map_err(|_| error("not a number of seconds"))
        };
        match text.split_once("..") {
            None => Ok(Delay::fixed(seconds(text)?)),
            Some((lo, hi)) => {
                let (min, max) = (seconds(lo)?, seconds(hi)?);
                if min > max {
                    return Err(error("the range's start is after its end"));
                }
                Ok(Delay::uniform(min, max))
            }
        }
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fate {
    pub delay: Duration,
    pub teapot: bool,
}

#[derive(Debug)]
pub(crate) struct Faults {
    seed: u64,
    delay: Delay,
    error_rate: f64,
    /// How many times each flag path has been requested so far. The keys are
    /// fixed at construction, so the map never grows and needs no lock.
    seen: HashMap<String, AtomicU64>,
}

impl Faults {
    pub fn new(seed: u64, delay: Delay, error_rate: f64) -> Faults {
        Faults {
            seed,
            delay,
            error_rate,
            seen: catalogue::flag_paths()
                .map(|path| (path, AtomicU64::new(0)))
                .collect(),
        }
    }

    pub fn draw(&self, path: &str) -> Fate {
        let nth = match self.seen.get(path) {
            Some(count) => count.fetch_add(1, Ordering::Relaxed) + 1,
            // Not a flag: nothing to remember, every ask is a first ask.
            None => 1,
        };
        let key = splitmix64(self.seed ^ fnv1a(path.as_bytes())) ^ nth;
        let spread = self.delay.max - self.delay.min;
        let delay = self.delay.min + spread.mul_f64(unit_interval(splitmix64(key)));
        let teapot = unit_interval(splitmix64(key ^ 0x7ea_907)) < self.error_rate;
        Fate { delay, teapot }
    }

    /// How many paths the schedule keeps a count for: fixed, whatever is asked.
    #[cfg(test)]
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

/// Maps 64 random bits to a float in [0, 1).
fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--delay` takes seconds (`0.2`) or a uniform range (`0.1..0.5`).
    #[test]
    fn delays_parse_as_fixed_or_range() {
        assert_eq!("0.2".parse(), Ok(Delay::fixed(Duration::from_millis(200))));
        let range: Delay = "0.1..0.5".parse().unwrap();
        assert_eq!(range.min, Duration::from_millis(100));
        assert_eq!(range.max, Duration::from_millis(500));
        assert_eq!(range.mean(), Duration::from_millis(300));
        for bad in ["", "fast", "-1", "0.5..0.1", "1..x"] {
            assert!(bad.parse::<Delay>().is_err(), "{bad:?} should not parse");
        }
    }

    /// `--delay` refuses NaN, infinities, negative and absurd values with a
    /// reason, instead of letting `Duration` panic or sleep for centuries.
    #[test]
    fn delays_refuse_nan_infinity_negative_and_absurd_values() {
        let long = "9".repeat(10_000);
        for bad in [
            "nan", "NaN", "inf", "-inf", "-1", "-0.5", "1e300", "3601", &long,
            "nan..1", "0..inf", "-1..1", "0..1e300", "..", "0..", "1..2..3",
        ] {
            let err = bad.parse::<Delay>().expect_err(bad);
            assert_eq!(err.to_string().lines().count(), 1, "{err}");
        }
        let reason = |text: &str| text.parse::<Delay>().unwrap_err().reason;
        assert_eq!(reason("nan"), "not a finite number of seconds");
        assert_eq!(reason("-1"), "a delay cannot be negative");
        assert_eq!(reason("1e300"), "longer than the 3600 s maximum");
        // Tiny and zero delays are fine: they are just no delay.
        assert_eq!("1e-300".parse(), Ok(Delay::ZERO));
        assert_eq!("0".parse(), Ok(Delay::ZERO));
        assert_eq!("-0".parse(), Ok(Delay::ZERO));
        assert_eq!("3600".parse::<Delay>().unwrap().max, MAX_DELAY);
    }

    /// The same seed replays the same delays and 418s; a retry is a new draw.
    #[test]
    fn the_same_seed_gives_the_same_fates() {
        let range = "0.1..0.5".parse().unwrap();
        let fates = |seed| {
            let faults = Faults::new(seed, range, 0.25);
            let paths = ["/flags/cn/cn.gif", "/flags/in/in.gif", "/flags/cn/cn.gif"];
            paths.map(|p| faults.draw(p))
        };
        assert_eq!(fates(7), fates(7));
        assert_ne!(fates(7), fates(8));
        // A retry of the same path is a new draw, not a replay of the first.
        let [first, _, retry] = fates(7);
        assert_ne!(first, retry);
    }

    /// Paths with no flag behind them are not remembered: 100,000 invented
    /// paths leave the schedule's memory exactly as it was (issue #16).
    #[test]
    fn unknown_paths_are_never_remembered() {
        let faults = Faults::new(3, "0.1..0.5".parse().unwrap(), 0.25);
        let before = faults.remembered();
        assert_eq!(before, 2 * 194);
        for i in 0..100_000 {
            faults.draw(&format!("/flags/x{i}/x{i}.gif"));
        }
        assert_eq!(faults.remembered(), before);
        // Such a path has no count, so every ask draws the same fate.
        let unknown = || faults.draw("/flags/zz/zz.gif");
        assert_eq!(unknown(), unknown());
        // A flag is still counted: its retry is a fresh draw.
        let known = || faults.draw("/flags/cn/metadata.json");
        assert_ne!(known(), known());
    }

    /// Drawn delays stay inside the range, and about `error_rate` are 418s.
    #[test]
    fn delays_stay_in_range_and_errors_follow_the_rate() {
        let faults = Faults::new(1, "0.1..0.5".parse().unwrap(), 0.25);
        let fates: Vec<Fate> =
            (0..4000).map(|i| faults.draw(&format!("/{i}"))).collect();
        assert!(fates.iter().all(|f| {
            f.delay >= Duration::from_millis(100)
                && f.delay <= Duration::from_millis(500)
        }));
        let teapots = fates.iter().filter(|f| f.teapot).count();
        assert!(
            (800..1200).contains(&teapots),
            "{teapots} of 4000 at rate 0.25"
        );
    }
}
