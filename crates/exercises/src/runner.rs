//! Compiling and running one exercise, outside Cargo's build of the
//! workspace: `cargo build -p exercises --lib` says where this library and
//! its dependencies are, and rustc compiles the exercise file against them
//! into target/debug/exercises/. A learner's broken file fails here, alone.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use exercises::catalogue::Exercise;
use exercises::lab::SKIPPED;

/// The crates an exercise file may `use` by name.
const EXTERNS: [&str; 13] = [
    "exercises",
    "concurrent_futures",
    "flags_common",
    "flags_server",
    "sequential",
    "threadpool",
    "submit_as_completed",
    "loiter_map",
    "processes",
    "async_flags",
    "tokio",
    "reqwest",
    "procspawn",
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
    dir: PathBuf,
    fresh: bool,
    /// Changes whenever the library is rebuilt: cached results then expire.
    library: u64,
    rustc_args: Vec<OsString>,
    scratch: PathBuf,
}

impl Runner {
    /// Builds this library (a no-op when it is up to date) and notes where
    /// Cargo put it and its dependencies.
    pub fn new(dir: PathBuf, fresh: bool) -> Result<Runner, String> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["build", "--quiet", "-p", "exercises", "--lib"])
            .arg("--message-format=json-render-diagnostics")
            .arg("--manifest-path")
            .arg(&manifest)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|err| format!("cannot run cargo: {err}"))?;
        if !out.status.success() {
            return Err("cargo could not build the exercises library".into());
        }
        let mut libs = BTreeMap::new();
        let mut native = Vec::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            match message["reason"].as_str() {
                Some("compiler-artifact") => {
                    let name = message["target"]["name"].as_str().unwrap_or_default();
                    let rlib = message["filenames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|f| f.as_str())
                        .find(|f| f.ends_with(".rlib"));
                    if let Some(rlib) = rlib {
                        libs.insert(name.to_string(), PathBuf::from(rlib));
                    }
                }
                Some("build-script-executed") => {
                    let paths = message["linked_paths"].as_array().into_iter().flatten();
                    native.extend(paths.filter_map(|p| p.as_str()).map(String::from));
                }
                _ => {}
            }
        }
        let library = libs
            .get("exercises")
            .ok_or("cargo did not report the exercises library")?;
        // The library itself is copied up to target/debug; its dependencies
        // stay in target/debug/deps.
        let deps = libs
            .get("concurrent_futures")
            .and_then(|rlib| rlib.parent())
            .ok_or("cargo did not report where the dependencies are")?;
        let mut key = DefaultHasher::new();
        library.hash(&mut key);
        std::fs::metadata(library)
            .and_then(|m| m.modified())
            .map_err(|err| format!("{}: {err}", library.display()))?
            .hash(&mut key);
        let mut rustc_args: Vec<OsString> = vec!["-L".into(), format!("dependency={}", deps.display()).into()];
        for path in native {
            rustc_args.extend(["-L".into(), path.into()]);
        }
        for name in EXTERNS {
            let rlib = libs.get(name).ok_or(format!("cargo did not build {name}"))?;
            rustc_args.extend(["--extern".into(), format!("{name}={}", rlib.display()).into()]);
        }
        let scratch = deps.parent().ok_or("no target folder")?.join("exercises");
        std::fs::create_dir_all(scratch.join("cache"))
            .map_err(|err| format!("{}: {err}", scratch.display()))?;
        Ok(Runner {
            dir,
            fresh,
            library: key.finish(),
            rustc_args,
            scratch,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, exercise: &Exercise) -> PathBuf {
        self.dir.join(exercise.file)
    }

    /// `crates/exercises/exercises/07_loiter_reverse.rs:31`: the marked line.
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

    /// The cache key of the file as it is now, with this build of the library.
    fn key(&self, exercise: &Exercise) -> Option<String> {
        let text = std::fs::read(self.path(exercise)).ok()?;
        let mut hasher = DefaultHasher::new();
        (self.library, exercise.name, text).hash(&mut hasher);
        Some(format!("{:016x}", hasher.finish()))
    }

    /// The outcome, from the cache when the file has not changed since.
    pub fn status(&self, exercise: &Exercise) -> Outcome {
        let cached = self.key(exercise).filter(|_| !self.fresh).and_then(|key| {
            let text = std::fs::read_to_string(self.cache_file(exercise)).ok()?;
            let (stored, verdict) = text.split_once(' ')?;
            (stored == key).then(|| verdict.trim().to_string())
        });
        match cached.as_deref() {
            Some("passed") => Outcome::Passed(String::new()),
            Some("failed") => Outcome::Failed(String::new()),
            Some("compile") => Outcome::CompileError(String::new()),
            _ => self.run(exercise, false),
        }
    }

    fn cache_file(&self, exercise: &Exercise) -> PathBuf {
        self.scratch.join("cache").join(exercise.name)
    }

    /// Compiles (for Rust) and checks `exercise` now, and caches the verdict.
    pub fn run(&self, exercise: &Exercise, color: bool) -> Outcome {
        let key = self.key(exercise);
        let outcome = self.check(exercise, color && std::io::stdout().is_terminal());
        let verdict = match outcome {
            Outcome::Passed(_) => Some("passed"),
            Outcome::Failed(_) => Some("failed"),
            Outcome::CompileError(_) => Some("compile"),
            Outcome::Skipped(_) => None,
        };
        if let (Some(key), Some(verdict)) = (key, verdict) {
            let _ = std::fs::write(self.cache_file(exercise), format!("{key} {verdict}\n"));
        }
        outcome
    }

    fn check(&self, exercise: &Exercise, color: bool) -> Outcome {
        let path = self.path(exercise);
        if !path.exists() {
            return Outcome::CompileError(format!("{}: no such file\n", path.display()));
        }
        let mut command = if exercise.is_python() {
            let mut command = Command::new(std::env::current_exe().expect("the runner's path"));
            command.arg("--check-python").arg(exercise.name).arg(&path);
            command
        } else {
            let binary = self.scratch.join(exercise.name.replace('-', "_"));
            let out = Command::new("rustc")
                .args(["--edition", "2024", "--crate-type", "bin", "-C", "debuginfo=0"])
                .arg("--crate-name")
                .arg(exercise.name.replace('-', "_"))
                .arg(if color { "--color=always" } else { "--color=never" })
                .args(&self.rustc_args)
                .arg("-o")
                .arg(&binary)
                .arg(&path)
                .output();
            match out {
                Ok(out) if out.status.success() => Command::new(binary),
                Ok(out) => {
                    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
                    text.push_str("❌ 编译失败 · The exercise does not compile (see above).\n");
                    return Outcome::CompileError(text);
                }
                Err(err) => return Outcome::CompileError(format!("cannot run rustc: {err}\n")),
            }
        };
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        match command.spawn() {
            Ok(child) => finish(child),
            Err(err) => Outcome::Failed(format!("cannot start the check: {err}\n")),
        }
    }
}

/// Waits for the check, at most [`TIMEOUT`], and reads what it printed.
fn finish(mut child: Child) -> Outcome {
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                text = String::from_utf8_lossy(&bytes).into_owned();
            }
            text
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < TIMEOUT => thread::sleep(Duration::from_millis(20)),
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
        Some(status) if status.code() == Some(i32::from(SKIPPED)) => Outcome::Skipped(text),
        Some(status) => {
            if status.code() == Some(101) {
                text.push_str("❌ 练习代码 panic 了（见上面）。 · The exercise panicked (see above).\n");
            }
            Outcome::Failed(text)
        }
        None => {
            text.push_str(&format!(
                "❌ {} 秒后仍未结束，已停止。 · Still running after {} s: stopped.\n",
                TIMEOUT.as_secs(),
                TIMEOUT.as_secs()
            ));
            Outcome::Failed(text)
        }
    }
}
