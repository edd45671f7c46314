//! Helpers shared by every test of the workspace: a flag server on a free port,
//! a throw-away directory, running a section's binary, checking saved flags,
//! making room for many sockets, and saying so when a test is skipped.
//!
//! This is the root package's library (`support`); section crates take it as a
//! dev-dependency, so no crate copies these helpers.

pub mod flags2;

/// The examples of `notes/concurrent_futures.md` (each begins
/// `use concurrent_futures::..`), compiled and run as doc tests so the note
/// cannot drift from the code. They live here, not in that crate: the published package does not
/// hold the notes.
#[cfg(doctest)]
#[doc = include_str!("../../notes/concurrent_futures.md")]
pub struct NotesConcurrentFutures;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

pub use flags_common::Site;
pub use flags_server::{Config, Delay, FlagServer, all_cc, flag_gif};

/// A flag server on 127.0.0.1, on a free port, with a fixed delay per request.
pub fn server_with_delay(delay: Duration) -> FlagServer {
    FlagServer::start(Config {
        delay: Delay::fixed(delay),
        ..Config::default()
    })
    .expect("start the flag server")
}

/// A flag server whose answers follow `seed`: a share `error_rate` of 418s.
pub fn server_with_errors(error_rate: f64, seed: u64) -> FlagServer {
    FlagServer::start(Config {
        error_rate,
        seed,
        ..Config::default()
    })
    .expect("start the flag server")
}

/// A client for `server` that saves into `dest`.
pub fn site(server: &FlagServer, dest: &TempDir) -> Site {
    Site::new(&server.base_url(), dest.path(), Duration::from_secs(10))
        .expect("client")
}

/// The codes as owned strings, as `download_many` takes them.
pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|cc| cc.to_string()).collect()
}

/// A directory under the system's temp dir, deleted when dropped.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "futures-chapter-{label}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Names of the files inside, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("read the temp dir")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Says that the running test was skipped, and why, in one line that shows
/// even though the test passes (libtest captures `println!`, not a direct
/// write to stderr), and lists it in [`SKIPPED_LOG`] under the target
/// directory, which `just test` counts in its summary. `why` reads
/// `reason: details`; the summary groups the skips by `reason`.
pub fn skip(why: &str) {
    let current = thread::current();
    let test = current.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
    if let Some(target) = target_dir() {
        record_skip(&target.join(SKIPPED_LOG), test, why);
    }
}

/// The file under the target directory where skipped tests are listed, one
/// `reason<TAB>test` line each; `just test` empties it first.
pub const SKIPPED_LOG: &str = "skipped-tests.txt";

/// Appends `reason<TAB>test` to `log`, the reason being `why` up to its
/// first `: `. One `write` per line, so that tests skipping at once in
/// several processes do not interleave their lines.
pub fn record_skip(log: &Path, test: &str, why: &str) {
    let reason = why.split(": ").next().unwrap_or(why);
    let line = format!("{reason}\t{test}\n");
    let file = fs::OpenOptions::new().create(true).append(true).open(log);
    if let Ok(mut file) = file {
        let _ = file.write_all(line.as_bytes());
    }
}

/// The target directory this test binary was built in:
/// `target/debug/deps/<test>` gives `target`.
fn target_dir() -> Option<PathBuf> {
    profile_dir().parent().map(Path::to_path_buf)
}

/// Where this test binary's profile puts binaries: `target/debug/deps/<test>`
/// gives `target/debug`.
fn profile_dir() -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test's own path");
    test_exe
        .ancestors()
        .nth(2)
        .expect("a target directory")
        .to_path_buf()
}

/// Connections the other tests of a binary may hold while one of them makes
/// room for its own (the busiest opens 50 at once, `-m 50`), with margin.
pub const BESIDE: usize = 256;

/// Makes room in this process for `connections` sockets, each with both ends
/// here (a test's own server and its client), plus the usual files: raises
/// the soft open-files limit, up to the hard limit. The ordinary limit is 1024
/// on Linux and 256 on macOS; a test of `-m 1000` needs more. Returns false,
/// after saying it was skipped, when the hard limit is too low: the test
/// then returns.
///
/// The other tests of the same binary run at the same time, in the same
/// process, with their own servers and clients: room is made for
/// [`BESIDE`] more connections than this test's, or their requests can fail
/// to open a socket while this one holds its many (`test-busy` saw a
/// teapot count four off).
pub fn room_for_connections(connections: usize) -> bool {
    let connections = connections + BESIDE;
    let wanted = 2 * connections as u64 + 256;
    match flags_common::cli::make_room_for_connections(connections) {
        Ok(limit) if limit >= wanted => true,
        Ok(limit) => {
            skip(&format!(
                "open-files limit too low: needs {wanted}, the hard limit is {limit}"
            ));
            false
        }
        Err(err) => {
            skip(&format!(
                "open-files limit too low: needs {wanted}, cannot raise it: {err}"
            ));
            false
        }
    }
}

/// True if `python3` can be started.
pub fn python3_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Files in `dir` that are not GIFs: a temporary or half-written file.
pub fn leftovers(dir: &TempDir) -> Vec<String> {
    dir.files()
        .into_iter()
        .filter(|name| !name.ends_with(".gif"))
        .collect()
}

/// Every file in `dir` is `cc.gif`, byte for byte what the server serves for
/// `cc`, and a GIF that decodes to a plausible flag size. Returns the codes.
pub fn assert_flags_match_server(dir: &TempDir) -> Vec<String> {
    let mut codes = Vec::new();
    for name in dir.files() {
        let cc = name
            .strip_suffix(".gif")
            .unwrap_or_else(|| panic!("stray file {name}"));
        let bytes = fs::read(dir.path().join(&name)).unwrap();
        let served = flag_gif(cc).unwrap_or_else(|| panic!("{cc} has no flag"));
        assert!(
            bytes == served,
            "{name} differs from the server's {cc} flag"
        );
        let decoder = gif::DecodeOptions::new()
            .read_info(&bytes[..])
            .expect("a GIF");
        let (w, h) = (decoder.width(), decoder.height());
        assert!(
            (100..=1000).contains(&w) && (60..=1000).contains(&h),
            "{name}: {w}x{h}"
        );
        codes.push(cc.to_uppercase());
    }
    codes
}

/// Runs a section binary with `args`, failing the test (not hanging it) if it
/// takes longer than `limit`.
pub fn run_bin(bin: &str, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {bin}: {err}"));
    let t0 = Instant::now();
    while child.try_wait().expect("wait for the child").is_none() {
        if t0.elapsed() > limit {
            let _ = child.kill();
            panic!("{bin} {args:?} still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(20)); // polling a child process, not a race
    }
    child.wait_with_output().expect("collect the output")
}

/// Runs a section binary against a server that answers every request with
/// 418, saving into a new directory named after `name`: the chapter's
/// listings stop at that first error. Returns the output as text, with the
/// directory, so the test can check that nothing was written.
pub fn run_against_teapots(
    bin: &str,
    name: &str,
) -> (Output, String, String, TempDir) {
    let server = server_with_errors(1.0, 0);
    let dest = TempDir::new(name);
    let url = server.base_url();
    let args = ["-s", &url, "--dest", dest.path().to_str().unwrap()];
    let out = run_bin(bin, &args, Duration::from_secs(60));
    let (stdout, stderr) = text(&out);
    (out, stdout, stderr, dest)
}

/// A bad command line: exit 2, one line on stderr naming `reason`, nothing
/// on stdout.
pub fn assert_usage_error(bin: &str, args: &[&str], reason: &str) {
    let out = run_bin(bin, args, Duration::from_secs(30));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(reason), "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?}: {stdout}");
}

/// Builds binaries of the workspace (`cargo build <args>`, a no-op when they
/// are fresh) and returns the directory they land in, next to the test's own.
pub fn built_bins(args: &[&str]) -> PathBuf {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--quiet"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    // The variables cargo set for this test (CARGO_MANIFEST_DIR ...) must not
    // reach the build: build scripts that watch one (ring's) would see it
    // change, and `cargo build` and `cargo test` would rebuild each other's
    // dependencies, the whole HTTP stack, every time.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_by_cargo = [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_BIN_",
            "CARGO_CRATE_",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
            || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"]
                .contains(&name.as_ref());
        if set_by_cargo {
            cargo.env_remove(name.as_ref());
        }
    }
    let status = cargo.status().expect("run cargo");
    assert!(status.success(), "cargo build {args:?} failed");
    profile_dir()
}

/// Standard output and error as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every `result N: M` the loiter demo printed, in order, wherever it stands
/// in a line. Python's `print` with several arguments is several writes, so
/// another thread's text can land before it (`[11:26:54.420][11:26:54.421]
/// result 1: 10 `) or after it: a result is read by its words, not by the
/// shape of the line around it.
pub fn loiter_results(lines: &[String]) -> Vec<(u32, u32)> {
    let number = |text: &str| -> Option<(u32, usize)> {
        let digits =
            text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        Some((text[..digits].parse().ok()?, digits))
    };
    let mut results = Vec::new();
    for line in lines {
        for (at, _) in line.match_indices("result ") {
            let rest = &line[at + "result ".len()..];
            let Some((i, width)) = number(rest) else {
                continue;
            };
            let Some(value) = rest[width..].strip_prefix(": ") else {
                continue;
            };
            if let Some((value, _)) = number(value) {
                results.push((i, value));
            }
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each skip is one `reason<TAB>test` line, appended: what `just test`
    /// counts and groups by reason.
    #[test]
    fn skips_are_appended_one_line_each_grouped_by_reason() {
        let dir = TempDir::new("skip-log");
        let log = dir.path().join(SKIPPED_LOG);
        record_skip(&log, "a::one", "no python3: nothing to compare against");
        record_skip(&log, "b::two", "open-files limit too low: needs 1608");
        record_skip(&log, "c::three", "no python3");
        let text = fs::read_to_string(&log).unwrap();
        assert_eq!(
            text,
            "no python3\ta::one\nopen-files limit too low\tb::two\nno python3\tc::three\n"
        );
    }

    /// The loiter results are read from the lines Python really prints,
    /// with another thread's stamp or tabs around them.
    #[test]
    fn loiter_results_are_found_wherever_python_put_them() {
        let lines: Vec<String> = [
            "[11:26:54.219] result:  <generator object ...>",
            "[11:26:54.220] result 0: 0",
            "[11:26:54.420][11:26:54.421] result 1: 10 ",
            "\t\t\t\t loiter(4): doing nothing for 4s ...",
            "[11:26:54.620] result 2: 20[11:26:54.621]\t\t loiter(2) done!",
            "result 3: 30",
            "[11:26:55.420] result 4: 40",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            loiter_results(&lines),
            [(0, 0), (1, 10), (2, 20), (3, 30), (4, 40)]
        );
    }
}
