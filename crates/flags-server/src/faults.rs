//! Latency and faults drawn from a seed.
//!
//! Each request's fate is a pure function of the seed, the path, and how many
//! times that path was asked for before. So two runs with the same seed see the
//! same delays and the same 418s per flag, however their requests interleave.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use crate::art::{fnv1a, splitmix64};

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
#[error("invalid delay {0:?}: expected seconds like 0.2 or a range like 0.1..0.5")]
pub struct ParseDelayError(String);

impl FromStr for Delay {
    type Err = ParseDelayError;

    fn from_str(text: &str) -> Result<Delay, ParseDelayError> {
        let error = || ParseDelayError(text.to_string());
        let seconds = |s: &str| {
            let secs: f64 = s.trim().parse().map_err(|_| error())?;
            Duration::try_from_secs_f64(secs).map_err(|_| error())
        };
        match text.split_once("..") {
            None => Ok(Delay::fixed(seconds(text)?)),
            Some((lo, hi)) => {
                let (min, max) = (seconds(lo)?, seconds(hi)?);
                if min > max {
                    return Err(error());
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
    /// How many times each path has been requested so far.
    seen: Mutex<HashMap<String, u64>>,
}

impl Faults {
    pub fn new(seed: u64, delay: Delay, error_rate: f64) -> Faults {
        Faults {
            seed,
            delay,
            error_rate,
            seen: Mutex::default(),
        }
    }

    pub fn draw(&self, path: &str) -> Fate {
        let nth = {
            let mut seen = self.seen.lock().expect("no panics while counting");
            let count = seen.entry(path.to_string()).or_default();
            *count += 1;
            *count
        };
        let key = splitmix64(self.seed ^ fnv1a(path.as_bytes())) ^ nth;
        let spread = self.delay.max - self.delay.min;
        let delay = self.delay.min + spread.mul_f64(unit_interval(splitmix64(key)));
        let teapot = unit_interval(splitmix64(key ^ 0x7ea_907)) < self.error_rate;
        Fate { delay, teapot }
    }
}

/// Maps 64 random bits to a float in [0, 1).
fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

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
