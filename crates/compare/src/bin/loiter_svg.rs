//! `just loiter-svg FILE`: runs `loiter_map --millis` (the binary next to
//! this one) and draws its schedule, a row per worker and a bar per loiter.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use compare::timeline::{self, Panel};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("loiter_svg: usage: loiter_svg FILE.svg");
        return ExitCode::from(2);
    };
    let exe = std::env::current_exe().expect("the program's own path");
    let loiter = exe.with_file_name("loiter_map");
    let output = match Command::new(&loiter).args(["--unit", "0.2"]).output() {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!("loiter_svg: {} failed: {}", loiter.display(), output.status);
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!(
                "loiter_svg: cannot run {} (build it first): {err}",
                loiter.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    let panel = Panel {
        title: "Executor.map: 3 workers, 5 tasks (unit 0.2 s)".to_string(),
        spans: compare::loiter::spans(&stdout),
    };
    let path = PathBuf::from(path);
    if let Err(err) = timeline::write_svg(&path, &[panel]) {
        eprintln!("loiter_svg: cannot write {}: {err}", path.display());
        return ExitCode::FAILURE;
    }
    eprintln!("loiter_svg: schedule written to {}", path.display());
    ExitCode::SUCCESS
}
