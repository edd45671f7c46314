//! `just compare`: every download strategy against one seeded in-process
//! server, with a table and (`--svg FILE`) a timeline.
//!
//! ```text
//! $ just compare --svg compare.svg
//! $ just compare --every --workers 1000 --delay 0.2   # 676 downloads at once
//! $ just compare --only rayon,rayon_sized,threadpool   # the rayon pitfall
//! $ just serve --port 8001 --delay 0.2 &               # a server of its own
//! $ just compare --every --workers 1000 --server http://127.0.0.1:8001/flags
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
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=194), conflicts_with = "every")]
    count: Option<u16>,
    /// Every code from AA to ZZ (676 requests, 482 of them 404), as `-e` does
    #[arg(long)]
    every: bool,
    /// Server latency per request: seconds (0.2) or a range (0.1..0.5);
    /// with --server, the latency that server was started with
    #[arg(long, default_value = "0.2")]
    delay: Delay,
    /// Share of requests answered with 418
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Seed for the server's delays and faults
    #[arg(long, default_value_t = flags_server::DEFAULT_SEED)]
    seed: u64,
    /// Download from this running server (`just serve`) instead of one in
    /// this process, so that server and clients do not share a process
    #[arg(long, value_name = "URL", value_parser = parse_url,
          conflicts_with_all = ["error_rate", "seed", "svg"])]
    server: Option<String>,
    /// Workers for every concurrent strategy (default: each its chapter's)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    workers: Option<u16>,
    /// Runs per strategy; the table shows the median
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
    repeat: u16,
    /// Run only these strategies (comma-separated), e.g. `--only threadpool,async_flags`
    #[arg(long, value_delimiter = ',', value_parser = parse_strategy)]
    only: Vec<String>,
    /// Print the rows as JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Draw the timeline of each strategy's median run into this SVG file
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

fn parse_strategy(text: &str) -> Result<String, String> {
    let names: Vec<&str> = compare::strategies().iter().map(|s| s.0).collect();
    if names.contains(&text) {
        Ok(text.to_string())
    } else {
        let text: String = text.chars().take(20).collect();
        Err(format!(
            "unknown strategy '{text}': use {}",
            names.join(", ")
        ))
    }
}

fn parse_url(text: &str) -> Result<String, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(text.trim_end_matches('/').to_string())
    } else {
        let text: String = text.chars().take(40).collect();
        Err(format!("'{text}' is not an http:// URL"))
    }
}

fn main() -> ExitCode {
    // The process strategy re-runs this program as its workers.
    procspawn::init();
    let args: Args = flags_common::parse_args();
    let letters = || 'A'..='Z';
    let codes: Vec<String> = match args.count {
        None if args.every => letters()
            .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
            .collect(),
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
        only: args.only,
        server: args.server,
    };
    if let Err(err) = flags_common::cli::make_room_for_connections(setup.codes.len())
    {
        eprintln!("compare: warning: cannot raise the open-files limit: {err}");
    }
    let rows = compare::compare(&setup);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("rows serialise")
        );
    } else {
        let server = match &setup.server {
            Some(url) => format!("server {url}"),
            None => format!("error rate {}, seed {}", setup.error_rate, setup.seed),
        };
        println!(
            "{} flags, delay {}, {server}, median of {}\n",
            setup.codes.len(),
            setup.delay,
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
