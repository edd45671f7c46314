//! `--watch`: the live board on a terminal (driven through tmux), and a line
//! per state change anywhere else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

use support::{TempDir, built_bins, run_bin, skip, text};

/// The sections with `--watch` on their downloads: binary, and what it runs
/// with a flags2 option (`-l 12`; without one, futures runs its listing).
const DOWNLOADS: [(&str, &str); 3] = [
    ("submit_as_completed", "futures: flags2_threadpool.py"),
    ("threadpool", "pool: flags2_threadpool.py"),
    ("async_flags", "async: flags2_asyncio.py"),
];

fn bins() -> PathBuf {
    built_bins(&[
        "-p",
        "loiter_map",
        "-p",
        "threadpool",
        "-p",
        "submit_as_completed",
        "-p",
        "async_flags",
    ])
}

fn bin(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// Each row's changes, in the order they were printed: label -> texts.
fn transitions(stdout: &str) -> BTreeMap<String, Vec<String>> {
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, label, change) in stdout.lines().filter_map(board::parse_line) {
        rows.entry(label.to_string())
            .or_default()
            .push(change.to_string());
    }
    rows
}

/// One row's life as the chapter tells it: pending, running, finished, taken.
fn assert_life(label: &str, changes: &[String], running: &str) {
    let life: Vec<&str> = changes.iter().map(String::as_str).collect();
    assert_eq!(life.len(), 4, "{label}: {life:?}");
    assert_eq!(life[0], "pending", "{label}: {life:?}");
    assert!(life[1].starts_with(running), "{label}: {life:?}");
    assert_eq!(life[2], "finished returned", "{label}: {life:?}");
    assert_eq!(life[3], "result taken", "{label}: {life:?}");
}

/// A piped `--watch` run that succeeded, with `rows` tasks each living the
/// whole life (running shown as `running`); its stdout, for what else the
/// test checks.
fn assert_every_life(
    out: &Output,
    rows: usize,
    running: &str,
    what: &str,
) -> String {
    let (stdout, stderr) = text(out);
    assert!(out.status.success(), "{what}: {stderr}");
    let lives = transitions(&stdout);
    assert_eq!(lives.len(), rows, "{what}: {stdout}");
    for (label, changes) in &lives {
        assert_life(label, changes, running);
    }
    stdout
}

/// Piped, every download prints pending -> running -> finished -> taken, in
/// that order, and the run still ends with the flags2 report.
#[test]
fn piped_downloads_print_each_state_change_in_order() {
    let dir = bins();
    for (name, what) in DOWNLOADS {
        let dest = TempDir::new("watch-lines");
        let args = ["--watch", "-l", "12", "--delay", "0.01..0.05", "--dest"];
        let mut args: Vec<&str> = args.to_vec();
        args.push(dest.path().to_str().unwrap());
        let out = run_bin(&bin(&dir, name), &args, Duration::from_secs(60));
        // A tokio task has no numbered worker; a pool thread has.
        let running = if name == "async_flags" {
            "running"
        } else {
            "running on worker "
        };
        let stdout = assert_every_life(&out, 12, running, what);
        // The book's report: no line for zero not found or errors.
        let last: Vec<&str> = stdout.lines().rev().take(2).collect();
        assert!(last[0].starts_with("Elapsed time: "), "{what}: {stdout}");
        assert_eq!(last[1], " 12 flags downloaded.", "{what}: {stdout}");
    }
}

/// `futures --watch` without a flags2 option watches the listing itself:
/// its 10 workers run at most 10 downloads at once, the other 10 wait
/// pending, every row lives the chapter's life, and the run ends with the
/// listing's own last line.
#[test]
fn piped_futures_watch_the_listing_itself() {
    let dir = bins();
    let dest = TempDir::new("watch-futures");
    let args = ["--watch", "--delay", "0.01..0.05", "--dest"];
    let mut args: Vec<&str> = args.to_vec();
    args.push(dest.path().to_str().unwrap());
    let exe = bin(&dir, "submit_as_completed");
    let out = run_bin(&exe, &args, Duration::from_secs(60));
    let stdout =
        assert_every_life(&out, 20, "running on worker ", "futures --watch");
    let (mut running, mut most) = (0, 0);
    for (_, _, change) in stdout.lines().filter_map(board::parse_line) {
        if change.starts_with("running") {
            running += 1;
            most = most.max(running);
        } else if change.starts_with("finished") {
            running -= 1;
        }
    }
    assert_eq!(most, 10, "the listing's 10 workers, all busy:\n{stdout}");
    let pending = stdout.matches("state=pending>").count();
    assert_eq!(pending, 10, "{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("20 flags downloaded in "), "{stdout}");
}

/// The loiter schedule, seen on the board: loiter(3) starts on the worker
/// loiter(0) freed, loiter(4) once loiter(1) is done, and results are taken
/// in input order, each after its own task finished.
#[test]
fn piped_loiter_keeps_the_chapter_s_schedule() {
    let dir = bins();
    let loiter = bin(&dir, "loiter_map");
    let out = run_bin(
        &loiter,
        &["--watch", "--unit", "0.05"],
        Duration::from_secs(30),
    );
    let stdout = assert_every_life(&out, 5, "running on worker ", "loiter --watch");
    // Positions of the lines, which the board prints in the order of events.
    let at = |label: &str, change: &str| {
        stdout
            .lines()
            .filter_map(board::parse_line)
            .position(|(_, l, c)| l == label && c.starts_with(change))
            .unwrap_or_else(|| panic!("no {label}: {change} in\n{stdout}"))
    };
    assert!(
        at("loiter(3)", "running") > at("loiter(0)", "finished"),
        "{stdout}"
    );
    assert!(
        at("loiter(3)", "running") < at("loiter(1)", "finished"),
        "{stdout}"
    );
    assert!(
        at("loiter(4)", "running") > at("loiter(1)", "finished"),
        "{stdout}"
    );
    for n in 0..5 {
        let this = format!("loiter({n})");
        assert!(
            at(&this, "result taken") > at(&this, "finished"),
            "{stdout}"
        );
        if n > 0 {
            let before = format!("loiter({})", n - 1);
            assert!(at(&this, "result taken") > at(&before, "result taken"));
        }
    }
    // loiter(4) loiters longest, yet result 2 waits for nobody but loiter(2).
    assert!(
        at("loiter(2)", "result taken") < at("loiter(4)", "finished"),
        "{stdout}"
    );
    assert!(stdout.ends_with("result 4: 40\n"), "{stdout}");
}

/// A tmux server of this test's own, with one window of a known size.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// The session, or why there is none (the reason a test skips with).
    fn start(command: &str) -> Result<Tmux, &'static str> {
        let socket = format!(
            "watch-test-{}-{:?}",
            std::process::id(),
            thread::current().id()
        );
        let socket =
            socket.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "");
        // A tmux server starting while the machine is busy sometimes exits
        // before its client connects ("server exited unexpectedly"): that
        // is tmux's race, not the board's, so a start is tried three times.
        for _ in 0..3 {
            let started = Command::new("tmux")
                .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
                .args(["-x", "160", "-y", "50", command])
                .output();
            match started {
                Ok(out) if out.status.success() => return Ok(Tmux { socket }),
                Ok(out) => eprintln!(
                    "tmux new-session: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                Err(_) => return Err("needs tmux to give the board a terminal"),
            }
        }
        Err("tmux is installed but its server would not start, three times")
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen once `marker` shows, or a failure after `limit`.
    fn wait_for(&self, marker: &str, limit: Duration) -> String {
        let t0 = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(marker) {
                return screen;
            }
            assert!(
                t0.elapsed() < limit,
                "no {marker} after {limit:?}:\n{screen}"
            );
            // Polling another process's screen, not papering over a race.
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Runs `args` in a 160x50 tmux window; the screen after it exits.
fn screen_after(args: &[&str]) -> Option<String> {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    // The window stays open after the run, so its last screen can be read.
    let command = format!("{}; echo EXIT=$?; sleep 120", quoted.join(" "));
    let tmux = match Tmux::start(&command) {
        Ok(tmux) => tmux,
        Err(why) => {
            skip(why);
            return None;
        }
    };
    Some(tmux.wait_for("EXIT=", Duration::from_secs(60)))
}

/// On a terminal the board shows every code with its final state, and the
/// run ends with the report, below the board.
#[test]
fn on_a_terminal_the_board_shows_every_code_finished() {
    let dir = bins();
    for (name, what) in DOWNLOADS {
        let dest = TempDir::new("watch-screen");
        let exe = bin(&dir, name);
        let args = [&exe, "--watch", "--delay", "0.05..0.2", "--dest"];
        let mut args: Vec<&str> = args.to_vec();
        args.push(dest.path().to_str().unwrap());
        let Some(screen) = screen_after(&args) else {
            return;
        };
        assert!(screen.contains("EXIT=0"), "{what}:\n{screen}");
        for cc in flags_common::POP20_CC {
            let row = screen
                .lines()
                .find(|line| line.starts_with(&format!("{cc} ")))
                .unwrap_or_else(|| panic!("{what}: no row for {cc}:\n{screen}"));
            assert!(row.contains("returned"), "{what}: {row}\n{screen}");
        }
        // futures, with no flags2 option, runs its listing and ends as it does.
        let last = match name {
            "submit_as_completed" => "20 flags downloaded in ",
            _ => "Elapsed time: ",
        };
        let ends = screen.lines().any(|line| line.starts_with(last));
        assert!(ends, "{what}: no line {last:?}:\n{screen}");
    }
}

/// The loiter board on a terminal: five rows, all returned, after the
/// listing's own last line.
#[test]
fn on_a_terminal_the_loiter_board_ends_with_result_4() {
    let dir = bins();
    let exe = bin(&dir, "loiter_map");
    let Some(screen) = screen_after(&[&exe, "--watch", "--unit", "0.05"]) else {
        return;
    };
    assert!(screen.contains("EXIT=0"), "{screen}");
    for n in 0..5 {
        let row = screen
            .lines()
            .find(|line| line.starts_with(&format!("loiter({n}) ")))
            .unwrap_or_else(|| panic!("no row for loiter({n}):\n{screen}"));
        assert!(
            row.contains("returned") && row.contains('◆'),
            "{row}\n{screen}"
        );
    }
    assert!(screen.contains("result 4: 40"), "{screen}");
}
