//! The `flags-server` binary: no command-line value makes it panic, a bad one
//! is refused with exit code 2 and one line, and it prints its address only
//! once it can answer at full speed.
//!
//! Every child is killed when its handle drops and every wait has a deadline,
//! so a misbehaving binary fails the test instead of hanging it.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use support::{PATIENCE, get_status};

const BIN: &str = env!("CARGO_BIN_EXE_flags-server");

/// A running child, killed and reaped when dropped.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What one launch of the binary came to.
enum Launch {
    /// It printed its `Serving ...` line; it stops when this drops.
    Started { line: String, _child: KillOnDrop },
    /// It exited on its own.
    Exited { status: ExitStatus, stderr: String },
}

fn launch(args: &[&str]) -> Launch {
    let child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run flags-server");
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut stderr = child.0.stderr.take().unwrap();
    // Readers on their own threads, so waiting on them can have a deadline.
    let (first_line, line_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = first_line.send(line);
    });
    let (all_stderr, stderr_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = all_stderr.send(text);
    });
    let line = line_rx
        .recv_timeout(PATIENCE)
        .expect("flags-server neither printed its address nor exited");
    if !line.is_empty() {
        return Launch::Started {
            line,
            _child: child,
        };
    }
    // Standard output closed without a line: the process is ending.
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "flags-server did not exit");
        thread::sleep(Duration::from_millis(10));
    };
    let stderr = stderr_rx
        .recv_timeout(PATIENCE)
        .expect("stderr closes on exit");
    Launch::Exited { status, stderr }
}

/// The address in `Serving 194 flags at http://127.0.0.1:PORT/flags (...)`.
fn served_addr(line: &str) -> SocketAddr {
    let rest = line.split("http://").nth(1).expect(line);
    rest.split("/flags").next().unwrap().parse().expect(line)
}

/// The values the issue lists for every numeric option.
fn awkward_values() -> Vec<String> {
    let mut values: Vec<String> = ["0", "-1", "nan", "inf", "1e300", "1e-300", ""]
        .map(String::from)
        .into();
    values.push("9".repeat(10_000));
    values
}

/// Runs `option` with every awkward value, as `--opt=value` and as `--opt value`:
/// the values in `starts` start a server that serves a flag, every other one
/// exits 2 with one line on stderr. Never a panic (exit 101), never a hang.
fn check_option(option: &str, starts: &[&str]) {
    for value in awkward_values() {
        let joined = format!("{option}={value}");
        let forms: [Vec<&str>; 2] = [vec![&joined], vec![option, &value]];
        for mut args in forms {
            // A free port, so a server that starts never collides with another.
            if option != "--port" {
                args.push("--port=0");
            }
            let shown = format!("{:.60}", args.join(" "));
            let expect_start = starts.contains(&value.as_str())
                // Unquoted, `-1` reads as an unknown flag, not as a value.
                && !(args[0] == option && value.starts_with('-'));
            match launch(&args) {
                Launch::Started { line, _child } => {
                    assert!(expect_start, "{shown}: started: {line}");
                    let addr = served_addr(&line);
                    assert_eq!(get_status(addr, "/flags/cn/cn.gif"), 200, "{shown}");
                }
                Launch::Exited { status, stderr } => {
                    assert_ne!(
                        status.code(),
                        Some(101),
                        "{shown}: panicked: {stderr}"
                    );
                    assert!(!expect_start, "{shown}: {status}: {stderr}");
                    assert_eq!(status.code(), Some(2), "{shown}: {stderr}");
                    let lines: Vec<&str> = stderr.lines().collect();
                    assert_eq!(lines.len(), 1, "{shown}: {stderr}");
                    assert!(
                        lines[0].starts_with("flags-server: ")
                            && lines[0].ends_with(" (see --help)"),
                        "{shown}: {stderr}"
                    );
                }
            }
        }
    }
}

/// `--port` takes 0 (a free port) and refuses the rest with one line.
#[test]
fn port_accepts_zero_and_refuses_the_rest() {
    check_option("--port", &["0"]);
}

/// `--delay` takes 0 and 1e-300 (no delay); nan, inf, negative and 1e300
/// (which would panic in `Duration::from_secs_f64`) are refused with one line.
#[test]
fn delay_refuses_nan_infinite_negative_and_absurd_values() {
    check_option("--delay", &["0", "1e-300"]);
}

/// `--error-rate` takes rates in 0..=1 only: nan and inf are refused too.
#[test]
fn error_rate_accepts_only_rates_between_zero_and_one() {
    check_option("--error-rate", &["0", "1e-300"]);
}

/// `--seed` takes any u64 and refuses the rest with one line.
#[test]
fn seed_accepts_u64_only() {
    check_option("--seed", &["0"]);
}

/// `--bind` takes an IP address; none of these values is one.
#[test]
fn bind_refuses_values_that_are_not_addresses() {
    check_option("--bind", &[]);
}

/// `--help` and `--version` are not usage errors: they print and exit 0.
#[test]
fn help_and_version_exit_zero() {
    for flag in ["--help", "--version"] {
        let output = Command::new(BIN).arg(flag).output().unwrap();
        assert!(output.status.success(), "{flag}: {}", output.status);
        assert!(!output.stdout.is_empty(), "{flag}");
    }
}

/// The address line comes after the flags are painted: the first 20 requests
/// after it are no slower than 5 times the next 20 (issue #16).
#[test]
fn the_address_is_printed_only_when_the_flags_are_ready() {
    let Launch::Started { line, _child } = launch(&["--port", "0"]) else {
        panic!("flags-server --port 0 did not start");
    };
    assert!(
        line.starts_with("Serving 194 flags at http://127.0.0.1:"),
        "{line}"
    );
    support::assert_full_speed_from_the_start(served_addr(&line));
}
