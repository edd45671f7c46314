//! What the download sections share, written once: the helpers of the book's
//! `flags.py` and `flags2_common.py`.
//!
//! - [`POP20_CC`], [`DEST_DIR`], [`show`], [`gif_name`], [`save_flag`]: `flags.py`'s helpers.
//! - with the default `net` feature: [`Site`] (`BASE_URL` with its HTTP client
//!   and `get_flag`), [`FlagError`], [`cli`] (the command line and the timed
//!   `main(download_many)`) and [`flags2`] (`DownloadStatus`, the `Counter`
//!   and the report of `flags2_common.py`).
//!
//! The one process-wide state is Ctrl-C ([`interrupted`]), the twin of
//! Python's `KeyboardInterrupt`: once it is pressed, no new save starts.

#[cfg(feature = "net")]
pub mod cli;
#[cfg(feature = "net")]
pub mod flags2;
#[cfg(feature = "net")]
mod net;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[cfg(feature = "net")]
pub use net::{FlagError, MAX_FLAG_BYTES, Site, fetch, flag_url, metadata_url};

/// The 20 most populous countries, in the chapter's order.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN",
    "ET", "EG", "DE", "IR", "TR", "CD", "FR",
];

/// Where flags are saved unless `--dest` says otherwise.
pub const DEST_DIR: &str = "./downloads";

/// Prints `text` and a space without a newline, and flushes so it shows at
/// once: Python's `print(text, end=' ', flush=True)`.
pub fn show(text: &str) {
    let mut out = io::stdout().lock();
    // A closed stdout (`| head`) is not worth crashing a download for.
    let _ = write!(out, "{text} ");
    let _ = out.flush();
}

/// The file a flag is saved as: `cc.lower() + '.gif'`.
pub fn gif_name(cc: &str) -> String {
    format!("{}.gif", cc.to_lowercase())
}

/// Set by Ctrl-C. Saves hold the lock for reading, so setting it (for
/// writing) waits for the saves in progress.
static INTERRUPTED: RwLock<bool> = RwLock::new(false);
static INTERRUPTED_FAST: AtomicBool = AtomicBool::new(false);

/// True once Ctrl-C was pressed: Python's `KeyboardInterrupt`, as a flag
/// that loops check.
pub fn interrupted() -> bool {
    INTERRUPTED_FAST.load(Ordering::Relaxed)
}

/// Marks the run interrupted, once every save in progress has finished: from
/// then on [`save_flag`] refuses, so no half-written file can appear.
pub fn interrupt() {
    let mut stopped = INTERRUPTED
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    *stopped = true;
    INTERRUPTED_FAST.store(true, Ordering::Relaxed);
}

/// Saves `img` as `dest_dir/filename`, atomically: the bytes go to a
/// temporary file in the same directory, which is then renamed. A crash or a
/// Ctrl-C mid-write leaves no half-written GIF behind.
pub fn save_flag(img: &[u8], dest_dir: &Path, filename: &str) -> io::Result<()> {
    let stopped = INTERRUPTED
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *stopped {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
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
    // `--help` and `--version` are not errors: clap prints them to stdout, exit 0.
    if !err.use_stderr() {
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

    #[test]
    fn flags_are_saved_in_lower_case() {
        assert_eq!(gif_name("CN"), "cn.gif");
    }
}
