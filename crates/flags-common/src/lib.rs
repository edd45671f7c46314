//! What every section of the chapter shares, written once.
//!
//! - [`POP20_CC`], [`show`] and [`save_flag`]: the helpers of `flags.py`.
//! - [`executor`]: `ThreadPoolExecutor`, `Future` ([`executor::Handle`]) and
//!   `as_completed`, on rayon.
//! - with the default `net` feature: [`Site`] (`get_flag` over one shared HTTP
//!   client), [`FlagError`], [`cli::main`] (the timed `main(download_many)`
//!   harness with the shared command line and the in-process flag server) and
//!   [`report`] (the flags2 accounting, report and progress bar).
//! - with the `timeline` feature: [`timeline`], SVG timelines of who ran when.
//!
//! `loiter_map` takes only the executor and the timeline, so the headline demo
//! builds without the HTTP stack.

pub mod executor;

#[cfg(feature = "net")]
pub mod cli;
#[cfg(feature = "net")]
mod net;
#[cfg(feature = "net")]
pub mod report;
#[cfg(feature = "timeline")]
pub mod timeline;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockWriteGuard};

#[cfg(feature = "net")]
pub use net::{FlagError, MAX_FLAG_BYTES, Site, count_flags, show_not_found};

/// The 20 most populous countries, in the chapter's order.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN",
    "ET", "EG", "DE", "IR", "TR", "CD", "FR",
];

/// Where flags are saved unless `--dest` says otherwise.
pub const DEST_DIR: &str = "./downloads";

/// Prints `text` and a space without a newline, and flushes so it shows at
/// once: Python's `print(text, end=' ', flush=True)`. Quiet while the flags2
/// report is on: its progress bar shows progress instead.
pub fn show(text: &str) {
    #[cfg(feature = "net")]
    if report::flags2() {
        return;
    }
    let mut out = io::stdout().lock();
    // A closed stdout (`| head`) is not worth crashing a download for.
    let _ = write!(out, "{text} ");
    let _ = out.flush();
}

/// Like [`show`], for a whole line.
pub fn show_line(text: &str) {
    #[cfg(feature = "net")]
    if report::flags2() {
        return;
    }
    println!("{text}");
}

/// True once saving has stopped for good (Ctrl-C). Saves hold it for reading.
static STOPPED: RwLock<bool> = RwLock::new(false);

/// Waits for the saves in progress, then refuses new ones; hold the guard until
/// the process exits, and no half-written file can appear.
pub fn stop_saving() -> RwLockWriteGuard<'static, bool> {
    let mut stopped = STOPPED
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *stopped = true;
    stopped
}

/// Saves `img` as `dest_dir/filename`, atomically: the bytes go to a
/// temporary file in the same directory, which is then renamed. A crash or a
/// Ctrl-C mid-write leaves no half-written GIF behind.
pub fn save_flag(img: &[u8], dest_dir: &Path, filename: &str) -> io::Result<()> {
    let stopped = STOPPED
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *stopped {
        return Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "the run was interrupted",
        ));
    }
    // Unique per process and per call, so concurrent saves never share a file.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = dest_dir.join(filename);
    let tmp = dest_dir.join(format!(".{filename}.{}.{n}.tmp", std::process::id()));
    let written = File::create(&tmp)
        .and_then(|mut file| file.write_all(img))
        .and_then(|()| fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    drop(stopped);
    written
}

/// Parses the command line, or exits: 0 after `--help`, 2 with one line
/// (`sequential: error: invalid country code 'C1' (see --help)`) on bad usage.
pub fn parse_args<A: clap::Parser>() -> A {
    match A::try_parse() {
        Ok(args) => args,
        Err(err) => usage_error(err),
    }
}

/// Exits as [`parse_args`] does for a clap error: the first line only.
pub fn usage_error(err: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        err.exit();
    }
    let text = err.to_string();
    let line = text.lines().next().unwrap_or("error: bad usage");
    eprintln!("{}: {line} (see --help)", program_name());
    std::process::exit(2);
}

/// The name the program was started as (`sequential`, `loiter_map` ...).
pub fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| {
            Path::new(&arg0)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "flags".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_flag_writes_the_file_and_leaves_no_temporary() {
        let dir =
            std::env::temp_dir().join(format!("save-flag-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        save_flag(b"GIF89a...", &dir, "cn.gif").unwrap();
        assert_eq!(fs::read(dir.join("cn.gif")).unwrap(), b"GIF89a...");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["cn.gif"]);
        // Into a directory that does not exist: an error, and still nothing left over.
        assert!(save_flag(b"x", &dir.join("missing"), "in.gif").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
