//! The Python exercises: the check runs the learner's file with python3
//! (a small driver imports it and reports), or says it is skipped.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use crate::bi;
use crate::check::{make, predict};
use crate::lab::{Plain, SKIPPED, fail, heading, whole_units};
use crate::must;

/// Imports the exercise, which runs nothing but its top level.
const IMPORT: &str = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("exercise", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
"#;

/// Says the prediction, without running anything.
const PREDICTION_DRIVER: &str = r#"print(f"PREDICTED {mod.PREDICTED_UNITS!r}")"#;

/// Times `main()`, and reports it in units.
const LOITER_DRIVER: &str = r#"
import time
t0 = time.perf_counter()
mod.main()
print(f"UNITS {(time.perf_counter() - t0) / mod.UNIT:.3f}")
"#;

/// Runs `main()` on a daemon thread and gives up after 2 s: a deadlock is
/// reported, never waited for (`os._exit` skips joining the stuck workers).
const DEADLOCK_DRIVER: &str = r#"
import os, threading
box = []
worker = threading.Thread(target=lambda: box.append(mod.main()), daemon=True)
worker.start()
worker.join(2.0)
if worker.is_alive():
    print("DEADLOCK", flush=True)
    os._exit(0)
print(f"RESULT {box[0]!r}" if box else "RESULT none", flush=True)
"#;

/// Checks the Python exercise `name` in `path`.
pub fn check(name: &str, path: &Path) -> ExitCode {
    let has_python = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !has_python {
        println!("skipped: no python3 (没有 python3，跳过)");
        return ExitCode::from(SKIPPED);
    }
    match name {
        "py-loiter-reversed" => loiter_units(path),
        "py-deadlock" => deadlock(path),
        _ => fail(bi!(
            "没有叫 {name} 的 Python 练习。",
            "There is no Python exercise called {name}."
        )),
    }
}

/// The driver's output (after importing the exercise): the program's own
/// lines are echoed, and its report lines (`UNITS 4`, `RESULT 25` ...) returned.
fn run_driver(driver: &str, path: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!("{IMPORT}{driver}"))
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .expect("python3 ran a moment ago");
    print!("{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (report, program): (Vec<&str>, Vec<&str>) = text
        .lines()
        .partition(|line| REPORTS.iter().any(|key| line.starts_with(key)));
    program.iter().for_each(|line| println!("{line}"));
    report.join("\n")
}

const REPORTS: [&str; 4] = ["UNITS ", "PREDICTED ", "RESULT ", "DEADLOCK"];

/// The value of the report line `KEY value`.
fn value<'a>(report: &'a str, key: &str) -> Option<&'a str> {
    report.lines().find_map(|line| line.strip_prefix(key))
}

fn loiter_units(path: &Path) -> ExitCode {
    let report = run_driver(PREDICTION_DRIVER, path);
    let Some(predicted) = value(&report, "PREDICTED ") else {
        return fail(bi!(
            "Python 读不了这个文件（见上面）。",
            "Python cannot read the file (see above)."
        ));
    };
    let question = bi!("main() 要几个单位？", "How many units does main() take?");
    let predicted = (predicted != "None").then(|| Plain(predicted.to_string()));
    predict(question, predicted, || {
        let report = run_driver(LOITER_DRIVER, path);
        let measured =
            value(&report, "UNITS ").and_then(|units| units.parse::<f64>().ok());
        match measured {
            Some(measured) => {
                println!("{measured:.2} units");
                Plain(whole_units(measured).to_string())
            }
            None => Plain("?".into()),
        }
    })
}

fn deadlock(path: &Path) -> ExitCode {
    heading(bi!("实际运行（python3）", "The real run (python3)"));
    let report = run_driver(DEADLOCK_DRIVER, path);
    let result = value(&report, "RESULT ");
    make(
        [
            must!(
                !report.contains("DEADLOCK"),
                "2 秒后还在等：死锁。唯一的工作线程在等排在它后面的任务。",
                "Still waiting after 2 s: a deadlock. The only worker waits for a task queued behind itself."
            ),
            must!(
                result.is_some(),
                "Python 程序没有运行完（见上面）。",
                "The Python program did not finish (see above)."
            ),
            must!(
                result == Some("25"),
                "main() 返回了 {result:?}，应该是 25。",
                "main() returned {result:?}, not 25."
            ),
        ],
        bi!(
            "得到 25：内层任务有一个空闲的工作线程来运行。",
            "25: the inner task found a free worker to run it."
        ),
    )
}
