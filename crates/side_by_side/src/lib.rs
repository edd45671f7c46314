//! `just side-by-side NAME`: the Python listing and the Rust section, run one
//! after the other, each against its own fresh flag server with the same
//! seed, printed in two columns.
//!
//! A fresh server each, not one shared: the server draws a path's delay from
//! the seed and from how many times that path was asked for, so on a shared
//! server the second side would get the second draw, a different schedule.
//!
//! The section names come from the justfile's `run` recipe (the one place the
//! short names are mapped); the Python listings live in `notes/py/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use flags_server::{Config, FlagServer, RequestRecord};

/// A section as `just run NAME` knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name given on the command line (`loiter`, `pool`, `sequential` ...).
    pub name: String,
    pub crate_name: String,
    /// The binary: the crate's own unless the justfile names another.
    pub bin: String,
}

/// Reads the short names of the justfile's `run` recipe: lines like
/// `        pool) crate=threadpool ;;` or `primes) crate=processes bin=primes ;;`.
pub fn sections(justfile: &str) -> Vec<Section> {
    justfile
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(") crate=")?;
            let rest = rest.strip_suffix(";;")?.trim();
            let (crate_name, bin) = match rest.split_once(" bin=") {
                Some((krate, bin)) => (krate, bin),
                None => (rest, rest),
            };
            let valid = |s: &str| {
                !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            };
            (valid(name) && valid(crate_name) && valid(bin)).then(|| Section {
                name: name.to_string(),
                crate_name: crate_name.to_string(),
                bin: bin.to_string(),
            })
        })
        .collect()
}

/// Finds a section by short name or crate name.
pub fn find(sections: &[Section], name: &str) -> Option<Section> {
    sections
        .iter()
        .find(|s| s.name == name)
        .cloned()
        .or_else(|| {
            sections
                .iter()
                .find(|s| s.crate_name == name && s.bin == name)
                .cloned()
        })
}

/// The Python listing of a section's binary, and whether it talks to a server.
pub fn python_listing(bin: &str) -> Option<(&'static str, bool)> {
    Some(match bin {
        "sequential" => ("flags.py", true),
        "threadpool" => ("flags_threadpool.py", true),
        "submit_as_completed" => ("flags_threadpool_futures.py", true),
        "loiter_map" => ("demo_executor_map.py", false),
        "processes" => ("flags_processpool.py", true),
        "primes" => ("primes.py", false),
        "async_flags" => ("flags_asyncio.py", true),
        _ => return None,
    })
}

/// One side's run: what it printed and how long it took.
#[derive(Debug, Clone)]
pub struct Run {
    pub title: String,
    pub lines: Vec<String>,
    pub elapsed: Duration,
    pub success: bool,
    /// What this side's server saw, when it keeps a log
    /// ([`Config::log_requests`]); empty for a section with no server.
    pub requests: Vec<RequestRecord>,
}

/// Runs a program and captures stdout, then stderr, as lines.
pub fn capture(
    title: &str,
    program: &Path,
    args: &[String],
) -> std::io::Result<Run> {
    let t0 = Instant::now();
    let out = Command::new(program).args(args).output()?;
    let elapsed = t0.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned()
        + &String::from_utf8_lossy(&out.stderr);
    Ok(Run {
        title: title.to_string(),
        lines: text.lines().map(str::to_string).collect(),
        elapsed,
        success: out.status.success(),
        requests: Vec::new(),
    })
}

/// Why a side-by-side run could not happen.
#[derive(Debug)]
pub enum Error {
    UnknownSection(String),
    NoPython,
    Io(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::UnknownSection(name) => {
                write!(f, "no Python listing for section '{name}'")
            }
            Error::NoPython => {
                write!(f, "python3 is not installed: install it to compare")
            }
            Error::Io(err) => write!(f, "{err}"),
        }
    }
}

/// The server of `just side-by-side`: the in-process default (seed 2017,
/// 0.1..0.5 s per request), the schedule the notes' sample runs show.
pub fn server_config() -> Config {
    Config {
        delay: flags_server::DEFAULT_DELAY,
        seed: flags_server::DEFAULT_SEED,
        ..Config::default()
    }
}

/// Runs the Python listing, then the Rust binary (from `bin_dir`), each
/// against a fresh in-process server started from [`server_config`].
pub fn run_pair(
    section: &Section,
    extra: &[String],
    workspace: &Path,
    bin_dir: &Path,
) -> Result<(Run, Run), Error> {
    run_pair_on(&server_config(), section, extra, workspace, bin_dir)
}

/// [`run_pair`] with each side's server started from `config`: the same
/// seed twice, so both sides meet the same delays and faults.
pub fn run_pair_on(
    config: &Config,
    section: &Section,
    extra: &[String],
    workspace: &Path,
    bin_dir: &Path,
) -> Result<(Run, Run), Error> {
    let (listing, needs_server) = python_listing(&section.bin)
        .ok_or_else(|| Error::UnknownSection(section.name.clone()))?;
    let python = PathBuf::from("python3");
    if Command::new(&python).arg("--version").output().is_err() {
        return Err(Error::NoPython);
    }
    // One scratch directory per pair: two pairs at once (tests) must not
    // delete each other's.
    static PAIRS: AtomicUsize = AtomicUsize::new(0);
    let pair = PAIRS.fetch_add(1, Ordering::Relaxed);
    let scratch = std::env::temp_dir()
        .join(format!("side-by-side-{}-{pair}", std::process::id()));
    let script = workspace.join("notes/py").join(listing);
    let python_run = run_side(
        &format!("Python: notes/py/{listing}"),
        &python,
        std::slice::from_ref(&script.display().to_string()),
        needs_server.then_some(config),
        &scratch.join("python"),
        extra,
    );
    let rust_run = run_side(
        &format!("Rust: {}", section.bin),
        &bin_dir.join(&section.bin),
        &[],
        needs_server.then_some(config),
        &scratch.join("rust"),
        extra,
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok((python_run?, rust_run?))
}

/// One side: `program first_args... [--server URL --dest DIR] extra...`,
/// with a server of its own started from `config`, if it needs one.
fn run_side(
    title: &str,
    program: &Path,
    first_args: &[String],
    config: Option<&Config>,
    dest: &Path,
    extra: &[String],
) -> Result<Run, Error> {
    let mut args = first_args.to_vec();
    let server = match config {
        Some(config) => {
            let server = FlagServer::start(config.clone()).map_err(Error::Io)?;
            args.extend(["--server".to_string(), server.base_url()]);
            args.extend(["--dest".to_string(), dest.display().to_string()]);
            Some(server)
        }
        None => None,
    };
    args.extend(extra.iter().cloned());
    let mut run = capture(title, program, &args).map_err(Error::Io)?;
    if let Some(server) = server {
        run.requests = server.request_log();
    }
    Ok(run)
}

/// Two runs in two columns of `width` characters each, long lines wrapped,
/// tabs as 4 spaces; a header and the elapsed time above each.
pub fn columns(left: &Run, right: &Run, width: usize) -> String {
    let wrap = |run: &Run| -> Vec<String> {
        let mut rows = vec![
            format!(
                "{} ({:.2}s{})",
                run.title,
                run.elapsed.as_secs_f64(),
                if run.success { "" } else { ", failed" }
            ),
            "─".repeat(width),
        ];
        for line in &run.lines {
            let line: Vec<char> = line.replace('\t', "    ").chars().collect();
            if line.is_empty() {
                rows.push(String::new());
            }
            rows.extend(line.chunks(width).map(|chunk| chunk.iter().collect()));
        }
        rows
    };
    let (left, right) = (wrap(left), wrap(right));
    let mut out = String::new();
    for i in 0..left.len().max(right.len()) {
        let l = left.get(i).map_or("", String::as_str);
        let r = right.get(i).map_or("", String::as_str);
        let pad = width.saturating_sub(l.chars().count());
        let _ = writeln!(out, "{l}{} │ {r}", " ".repeat(pad));
    }
    out
}
