//! Building and running one exercise. Each Rust exercise is a program of this
//! package (`cargo build -p exercises --features learner --bin NAME`, its
//! solution `NAME-sol`); a Python exercise is checked by this runner's
//! `python` command. Either runs in a child process, its output captured
//! and stopped after [`TIMEOUT`], so a stuck exercise cannot hang the runner.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use exercises::catalogue::Exercise;
use exercises::lab::SKIPPED;

/// The variables Cargo sets for a program it runs (this runner), by name or
/// prefix. They must not reach the `cargo build` the runner starts: some
/// build scripts rerun when CARGO_MANIFEST_DIR changes, rebuilding the
/// dependencies each time.
const RUN_ENV: [&str; 10] = [
    "CARGO_MANIFEST_",
    "CARGO_PKG_",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
    "RUST_TEST_THREADS",
    "__CARGO",
];

/// A check that runs longer than this is stuck: it is stopped and fails.
const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed(String),
    Failed(String),
    CompileError(String),
    Skipped(String),
}

impl Outcome {
    pub fn output(&self) -> &str {
        match self {
            Outcome::Passed(out)
            | Outcome::Failed(out)
            | Outcome::CompileError(out)
            | Outcome::Skipped(out) => out,
        }
    }

    /// Passed, or cannot run here (no python3): `just exercise` moves on.
    pub fn is_done(&self) -> bool {
        matches!(self, Outcome::Passed(_) | Outcome::Skipped(_))
    }
}

#[derive(Debug)]
pub struct Runner {
    /// Check `solutions/` instead of the learner's `exercises/`.
    solutions: bool,
    /// Neither use remembered verdicts nor remember new ones (the tests'
    /// runs leave a learner's verdicts alone).
    fresh: bool,
    /// Where Cargo puts this package's programs: this runner's own folder.
    bin_dir: PathBuf,
    /// Remembered verdicts, one file per exercise.
    cache: PathBuf,
}

impl Runner {
    pub fn new(solutions: bool, fresh: bool) -> Result<Runner, String> {
        let exe = std::env::current_exe()
            .map_err(|err| format!("no runner path: {err}"))?;
        let bin_dir = exe
            .parent()
            .ok_or("the runner is in no folder")?
            .to_path_buf();
        let cache = bin_dir.join("exercise-cache").join(if solutions {
            "solutions"
        } else {
            "exercises"
        });
        std::fs::create_dir_all(&cache)
            .map_err(|err| format!("{}: {err}", cache.display()))?;
        Ok(Runner {
            solutions,
            fresh,
            bin_dir,
            cache,
        })
    }

    /// The file of `exercise` this runner checks.
    pub fn path(&self, exercise: &Exercise) -> PathBuf {
        let folder = if self.solutions {
            "solutions"
        } else {
            "exercises"
        };
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(folder)
            .join(exercise.file)
    }

    /// `crates/exercises/exercises/07_loiter_reverse.rs:19`: the marked line.
    pub fn edit_location(&self, exercise: &Exercise) -> String {
        let path = self.path(exercise);
        let line = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| text.lines().position(|l| l.contains("✏️")))
            .map_or(1, |i| i + 1);
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = path.strip_prefix(&cwd).unwrap_or(&path);
        format!("{}:{line}", shown.display())
    }

    /// The program Cargo builds from `exercise`'s file.
    fn bin(&self, exercise: &Exercise) -> String {
        let suffix = if self.solutions { "-sol" } else { "" };
        format!("{}{suffix}", exercise.name)
    }

    /// `cargo build -p exercises --features learner --bin ..`, in the profile
    /// this runner was built in; on failure, what Cargo said.
    fn build(&self, exercises: &[&Exercise], color: bool) -> Result<(), String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if RUN_ENV.iter().any(|prefix| name.starts_with(prefix)) {
                command.env_remove(&*name);
            }
        }
        let profile = if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        };
        command
            .args([
                "build",
                "--quiet",
                "-p",
                "exercises",
                "--features",
                "learner",
            ])
            .args(["--keep-going", "--profile", profile])
            .arg(if color {
                "--color=always"
            } else {
                "--color=never"
            })
            .arg("--manifest-path")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
        for exercise in exercises {
            command.arg("--bin").arg(self.bin(exercise));
        }
        let out = command
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("cannot run cargo: {err}\n"))?;
        match out.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        }
    }

    /// The cache key of the file as it is now, checked by this build of the
    /// runner (rebuilt whenever the checks or the crates they use change).
    fn key(&self, exercise: &Exercise) -> Option<String> {
        let text = std::fs::read(self.path(exercise)).ok()?;
        let exe = std::env::current_exe().ok()?;
        let built = std::fs::metadata(exe).and_then(|m| m.modified()).ok()?;
        let mut hasher = DefaultHasher::new();
        (exercise.name, text, built).hash(&mut hasher);
        Some(format!("{:016x}", hasher.finish()))
    }

    /// The verdict remembered for the file as it is now, if any.
    fn cached(&self, exercise: &Exercise) -> Option<Outcome> {
        if self.fresh {
            return None;
        }
        let text = std::fs::read_to_string(self.cache.join(exercise.name)).ok()?;
        let (stored, verdict) = text.split_once(' ')?;
        if stored != self.key(exercise)? {
            return None;
        }
        match verdict.trim() {
            "passed" => Some(Outcome::Passed(String::new())),
            "failed" => Some(Outcome::Failed(String::new())),
            "compile" => Some(Outcome::CompileError(String::new())),
            _ => None,
        }
    }

    fn remember(&self, exercise: &Exercise, outcome: Outcome) -> Outcome {
        if self.fresh {
            return outcome;
        }
        let verdict = match outcome {
            Outcome::Passed(_) => "passed",
            Outcome::Failed(_) => "failed",
            Outcome::CompileError(_) => "compile",
            Outcome::Skipped(_) => return outcome,
        };
        if let Some(key) = self.key(exercise) {
            let _ = std::fs::write(
                self.cache.join(exercise.name),
                format!("{key} {verdict}\n"),
            );
        }
        outcome
    }

    /// The outcome, remembered when the file has not changed since.
    pub fn status(&self, exercise: &Exercise) -> Outcome {
        self.cached(exercise)
            .unwrap_or_else(|| self.run(exercise, false))
    }

    /// The outcomes of many exercises, for `list`. The programs not known
    /// yet are built by one `cargo build` (Cargo builds them side by side);
    /// if that fails, each is built again alone, so a broken file fails alone.
    pub fn statuses(&self, exercises: &[Exercise]) -> Vec<Outcome> {
        let todo: Vec<&Exercise> = exercises
            .iter()
            .filter(|e| !e.is_python() && self.cached(e).is_none())
            .collect();
        let built = todo.len() > 1 && self.build(&todo, false).is_ok();
        exercises
            .iter()
            .map(|exercise| {
                self.cached(exercise).unwrap_or_else(|| {
                    let outcome = self.check(exercise, false, built);
                    self.remember(exercise, outcome)
                })
            })
            .collect()
    }

    /// Builds (for Rust) and checks `exercise` now, and remembers the verdict.
    pub fn run(&self, exercise: &Exercise, color: bool) -> Outcome {
        let outcome =
            self.check(exercise, color && std::io::stdout().is_terminal(), false);
        self.remember(exercise, outcome)
    }

    fn check(&self, exercise: &Exercise, color: bool, built: bool) -> Outcome {
        let path = self.path(exercise);
        if !path.exists() {
            return Outcome::CompileError(format!(
                "{}: no such file\n",
                path.display()
            ));
        }
        let command = if exercise.is_python() {
            let mut command =
                Command::new(std::env::current_exe().expect("the runner's path"));
            command.arg("python").arg(exercise.name).arg(&path);
            command
        } else {
            if !built && let Err(mut text) = self.build(&[exercise], color) {
                text.push_str(
                    "❌ 编译失败 · The exercise does not compile (see above).\n",
                );
                return Outcome::CompileError(text);
            }
            let bin = self.bin(exercise) + std::env::consts::EXE_SUFFIX;
            Command::new(self.bin_dir.join(bin))
        };
        run_check(command)
    }
}

/// Runs a check program and reads its verdict.
fn run_check(mut command: Command) -> Outcome {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match command.spawn() {
        Ok(child) => finish(child),
        Err(err) => Outcome::Failed(format!("cannot start the check: {err}\n")),
    }
}

/// Reads all of `pipe` on a thread of its own, so neither pipe fills up.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the check, at most [`TIMEOUT`], and reads what it printed.
fn finish(mut child: Child) -> Outcome {
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < TIMEOUT => {
                thread::sleep(Duration::from_millis(20))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let mut text = stdout.join().unwrap_or_default();
    text.push_str(&stderr.join().unwrap_or_default());
    match status {
        Some(status) if status.success() => Outcome::Passed(text),
        Some(status) if status.code() == Some(i32::from(SKIPPED)) => {
            Outcome::Skipped(text)
        }
        Some(status) => {
            if status.code() == Some(101) {
                text.push_str("❌ 练习代码 panic 了（见上面）。 · The exercise panicked (see above).\n");
            }
            Outcome::Failed(text)
        }
        None => {
            let secs = TIMEOUT.as_secs();
            text.push_str(&format!(
                "❌ {secs} 秒后仍未结束，已停止。 · Still running after {secs} s: stopped.\n"
            ));
            Outcome::Failed(text)
        }
    }
}
