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

use exercises::catalogue::{CRATES, Exercise};
use exercises::lab::SKIPPED;

/// The variables Cargo sets for a program it runs, by name or prefix.
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
    dir: PathBuf,
    fresh: bool,
    /// Changes whenever the library is rebuilt: cached results then expire.
    library: u64,
    rustc_args: Vec<OsString>,
    /// Where this run compiles, its own folder: runners working at the same
    /// time (a test's, a `watch`) never build over each other's files.
    work: PathBuf,
    /// Cached verdicts, one file per exercise and exercises folder.
    cache: PathBuf,
}

impl Runner {
    /// Builds this library (a no-op when it is up to date) and notes where
    /// Cargo put it and its dependencies.
    pub fn new(dir: PathBuf, fresh: bool) -> Result<Runner, String> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        // What Cargo tells the program it runs (`cargo run`, `cargo test`)
        // must not reach this build: some build scripts rerun when
        // CARGO_MANIFEST_DIR changes, and the dependencies would be rebuilt.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if RUN_ENV.iter().any(|prefix| name.starts_with(prefix)) {
                command.env_remove(&*name);
            }
        }
        let out = command
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
                    let name =
                        message["target"]["name"].as_str().unwrap_or_default();
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
                    let paths =
                        message["linked_paths"].as_array().into_iter().flatten();
                    native
                        .extend(paths.filter_map(|p| p.as_str()).map(String::from));
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
        let mut rustc_args: Vec<OsString> =
            vec!["-L".into(), format!("dependency={}", deps.display()).into()];
        for path in native {
            rustc_args.extend(["-L".into(), path.into()]);
        }
        for name in CRATES {
            let rlib = libs
                .get(name)
                .ok_or(format!("cargo did not build {name}"))?;
            rustc_args.extend([
                "--extern".into(),
                format!("{name}={}", rlib.display()).into(),
            ]);
        }
        let scratch = deps.parent().ok_or("no target folder")?.join("exercises");
        let work = scratch.join(format!("run-{}", std::process::id()));
        let mut folder = DefaultHasher::new();
        std::fs::canonicalize(&dir)
            .unwrap_or(dir.clone())
            .hash(&mut folder);
        let cache = scratch
            .join("cache")
            .join(format!("{:016x}", folder.finish()));
        for path in [&work, &cache] {
            std::fs::create_dir_all(path)
                .map_err(|err| format!("{}: {err}", path.display()))?;
        }
        Ok(Runner {
            dir,
            fresh,
            library: key.finish(),
            rustc_args,
            work,
            cache,
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

    /// The verdict cached for the file as it is now, if any.
    fn cached(&self, exercise: &Exercise) -> Option<Outcome> {
        if self.fresh {
            return None;
        }
        let key = self.key(exercise)?;
        let text = std::fs::read_to_string(self.cache_file(exercise)).ok()?;
        let (stored, verdict) = text.split_once(' ')?;
        if stored != key {
            return None;
        }
        match verdict.trim() {
            "passed" => Some(Outcome::Passed(String::new())),
            "failed" => Some(Outcome::Failed(String::new())),
            "compile" => Some(Outcome::CompileError(String::new())),
            _ => None,
        }
    }

    /// The outcome, from the cache when the file has not changed since.
    pub fn status(&self, exercise: &Exercise) -> Outcome {
        self.cached(exercise)
            .unwrap_or_else(|| self.run(exercise, false))
    }

    /// The outcomes of many exercises, for `list`. Those not cached are
    /// compiled together into one program first (one link instead of one
    /// each); if that fails, one by one, so a broken file fails alone.
    pub fn statuses(&self, exercises: &[Exercise]) -> Vec<Outcome> {
        let todo: Vec<&Exercise> = exercises
            .iter()
            .filter(|e| !e.is_python() && self.cached(e).is_none())
            .collect();
        let bundle = if todo.len() > 1 {
            self.bundle(&todo)
        } else {
            None
        };
        exercises
            .iter()
            .map(|exercise| match (self.cached(exercise), &bundle) {
                (Some(outcome), _) => outcome,
                (None, Some(bundle)) if !exercise.is_python() => {
                    let mut command = Command::new(bundle);
                    command.arg(exercise.name);
                    self.remember(exercise, run_check(command))
                }
                (None, _) => self.run(exercise, false),
            })
            .collect()
    }

    fn cache_file(&self, exercise: &Exercise) -> PathBuf {
        self.cache.join(exercise.name)
    }

    fn remember(&self, exercise: &Exercise, outcome: Outcome) -> Outcome {
        let verdict = match outcome {
            Outcome::Passed(_) => Some("passed"),
            Outcome::Failed(_) => Some("failed"),
            Outcome::CompileError(_) => Some("compile"),
            Outcome::Skipped(_) => None,
        };
        if let (Some(key), Some(verdict)) = (self.key(exercise), verdict) {
            let _ = std::fs::write(
                self.cache_file(exercise),
                format!("{key} {verdict}\n"),
            );
        }
        outcome
    }

    /// Compiles (for Rust) and checks `exercise` now, and caches the verdict.
    pub fn run(&self, exercise: &Exercise, color: bool) -> Outcome {
        let outcome = self.check(exercise, color && std::io::stdout().is_terminal());
        self.remember(exercise, outcome)
    }

    /// `rustc` with this library and its dependencies to link against.
    fn rustc(
        &self,
        crate_name: &str,
        color: bool,
        output: &Path,
        source: &Path,
    ) -> Command {
        let mut command = Command::new("rustc");
        command
            .args([
                "--edition",
                "2024",
                "--crate-type",
                "bin",
                "-C",
                "debuginfo=0",
            ])
            .arg("--crate-name")
            .arg(crate_name)
            .arg(if color {
                "--color=always"
            } else {
                "--color=never"
            })
            .args(&self.rustc_args)
            .arg("-o")
            .arg(output)
            .arg(source);
        command
    }

    /// One program holding every exercise in `todo`, each a module, run as
    /// `bundle NAME`. The modules are copies whose `main` is made `pub`, so
    /// the dispatcher can call it; None if any of them does not compile.
    fn bundle(&self, todo: &[&Exercise]) -> Option<PathBuf> {
        let folder = self.work.join("bundle");
        std::fs::create_dir_all(&folder).ok()?;
        let mut source = String::from("#![allow(dead_code, unused)]\n");
        let mut arms = String::new();
        for (i, exercise) in todo.iter().enumerate() {
            let text = std::fs::read_to_string(self.path(exercise)).ok()?;
            let copy = folder.join(exercise.file);
            std::fs::write(&copy, text.replacen("\nfn main(", "\npub fn main(", 1))
                .ok()?;
            source.push_str(&format!(
                "#[path = {:?}]\nmod ex{i};\n",
                copy.display().to_string()
            ));
            arms.push_str(&format!(
                "        Some({:?}) => ex{i}::main(),\n",
                exercise.name
            ));
        }
        source.push_str(&format!(
            "fn main() -> std::process::ExitCode {{\n    \
             // Worker processes of the process-pool exercises start here too.\n    \
             procspawn::init();\n    \
             match std::env::args().nth(1).as_deref() {{\n{arms}        \
             _ => std::process::ExitCode::from(2),\n    }}\n}}\n"
        ));
        let main = folder.join("main.rs");
        std::fs::write(&main, source).ok()?;
        let binary = folder.join("exercises");
        let out = self.rustc("bundle", false, &binary, &main).output().ok()?;
        out.status.success().then_some(binary)
    }

    fn check(&self, exercise: &Exercise, color: bool) -> Outcome {
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
            command.arg("--check-python").arg(exercise.name).arg(&path);
            command
        } else {
            let crate_name = exercise.name.replace('-', "_");
            let binary = self.work.join(&crate_name);
            match self.rustc(&crate_name, color, &binary, &path).output() {
                Ok(out) if out.status.success() => Command::new(binary),
                Ok(out) => {
                    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
                    text.push_str(
                        "❌ 编译失败 · The exercise does not compile (see above).\n",
                    );
                    return Outcome::CompileError(text);
                }
                Err(err) => {
                    return Outcome::CompileError(format!(
                        "cannot run rustc: {err}\n"
                    ));
                }
            }
        };
        run_check(command)
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
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
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
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
            text.push_str(&format!(
                "❌ {} 秒后仍未结束，已停止。 · Still running after {} s: stopped.\n",
                TIMEOUT.as_secs(),
                TIMEOUT.as_secs()
            ));
            Outcome::Failed(text)
        }
    }
}
