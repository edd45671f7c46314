//! `just side-by-side NAME [ARGS]`: e.g. `just side-by-side loiter --unit 0.2`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        eprintln!(
            "usage: side-by-side NAME [ARGS...]   (e.g. side-by-side loiter --unit 0.2)"
        );
        return ExitCode::from(2);
    };
    let extra: Vec<String> = args.collect();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let justfile =
        std::fs::read_to_string(workspace.join("justfile")).unwrap_or_default();
    let sections = side_by_side::sections(&justfile);
    let Some(section) = side_by_side::find(&sections, &name) else {
        let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "side-by-side: no section '{name}'; try one of: {}",
            names.join(" ")
        );
        return ExitCode::from(2);
    };
    let exe = std::env::current_exe().expect("the running program has a path");
    let bin_dir = exe.parent().expect("a binary lives in a directory");
    match side_by_side::run_pair(&section, &extra, &workspace, bin_dir) {
        Ok((python, rust)) => {
            let width: usize = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(160);
            print!(
                "{}",
                side_by_side::columns(
                    &python,
                    &rust,
                    (width / 2).saturating_sub(2).max(30)
                )
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("side-by-side: {err}");
            ExitCode::FAILURE
        }
    }
}
