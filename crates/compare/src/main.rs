//! `just compare`: every download strategy against one seeded in-process
//! server, with a table and (`--svg FILE`) a timeline.
//!
//! ```text
//! $ just compare --svg compare.svg
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use compare::Setup;
use flags_server::{COUNTRIES, Delay};

#[derive(Debug, Parser)]
#[command(about = "Every download strategy against the same seeded flag server")]
struct Args {
    /// Flags to download: the first N of the 194 (default: the chapter's 20)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=194))]
    count: Option<u16>,
    /// Server latency per request: seconds (0.2) or a range (0.1..0.5)
    #[arg(long, default_value = "0.2")]
    delay: Delay,
    /// Share of requests answered with 418
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Seed for the server's delays and faults
    #[arg(long, default_value_t = flags_server::DEFAULT_SEED)]
    seed: u64,
    /// Workers for every concurrent strategy (default: each its chapter's)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    workers: Option<u16>,
    /// Runs per strategy; the table shows the median
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    repeat: u16,
    /// Print the rows as JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Draw the timeline of each strategy's median run into this SVG file
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

fn main() -> ExitCode {
    // The process strategy re-runs this program as its workers.
    procspawn::init();
    let args: Args = flags_common::parse_args();
    let codes: Vec<String> = match args.count {
        None => flags_common::POP20_CC
            .iter()
            .map(|cc| cc.to_string())
            .collect(),
        Some(n) => COUNTRIES
            .iter()
            .take(n.into())
            .map(|c| c.iso_cc.to_string())
            .collect(),
    };
    let setup = Setup {
        codes,
        delay: args.delay,
        error_rate: args.error_rate,
        seed: args.seed,
        workers: args.workers.map(usize::from),
        repeat: args.repeat.into(),
    };
    let rows = match compare::compare(&setup) {
        Ok(rows) => rows,
        Err(err) => {
            eprintln!("compare: error: {err}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("rows serialise")
        );
    } else {
        println!(
            "{} flags, delay {}, error rate {}, seed {}, median of {}\n",
            setup.codes.len(),
            setup.delay,
            setup.error_rate,
            setup.seed,
            setup.repeat
        );
        print!("{}", compare::table(&rows));
    }
    if let Some(path) = &args.svg {
        if let Err(err) = compare::write_svg(path, &rows) {
            eprintln!("compare: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("compare: timeline written to {}", path.display());
    }
    ExitCode::SUCCESS
}
