//! `flags-server`: serve the 194 flags on a port, like the book's local servers.
//!
//! ```text
//! $ flags-server --port 8001 --delay 0.1..0.5 --error-rate 0.25 --seed 7
//! Serving 194 flags at http://127.0.0.1:8001/flags (delay 0.1..0.5s, error rate 0.25, seed 7)
//!
//! $ flags-server --book        # LOCAL on 8000, DELAY on 8001, ERROR on 8002
//! ```

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use flags_server::{Catalogue, Config, Delay, Stats};
use tokio::sync::watch;

/// Latency of the book's DELAY and ERROR servers, like its slow server.
const BOOK_DELAY: Delay =
    Delay::uniform(Duration::from_millis(500), Duration::from_secs(5));
/// Share of 418 answers from the book's ERROR server.
const BOOK_ERROR_RATE: f64 = 0.25;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Serve the 194 flags offline, with optional latency and faults"
)]
struct Args {
    /// Latency per request in seconds: fixed (0.2) or uniform (0.1..0.5)
    #[arg(long)]
    delay: Option<Delay>,
    /// Share of requests answered with 418 I'm a teapot (0.0 to 1.0)
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    error_rate: f64,
    /// Seed for delays and faults: the same seed gives the same run
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 8000, conflicts_with = "book")]
    port: u16,
    /// Address to listen on
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// The three servers of the book's flags2 clients: LOCAL on 8000 (no
    /// delay), DELAY on 8001 (--delay, default 0.5..5) and ERROR on 8002
    /// (the same delay and 25% of 418s)
    #[arg(long, conflicts_with = "error_rate")]
    book: bool,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        // NaN fails `contains`, so it is refused with the rest.
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a rate between 0.0 and 1.0")),
    }
}

/// Parses the command line, or exits: 0 after `--help` and `--version`, 2 with
/// one line on bad usage, like flags-common's `parse_args` (this crate depends
/// on nothing of ours). clap's message goes on with usage and tips; only its
/// first paragraph is kept, joined into one line, because a conflict puts the
/// other option on a line of its own ("cannot be used with:\n  --error-rate").
fn parse_args() -> Args {
    use clap::error::ErrorKind;
    let err = match Args::try_parse() {
        Ok(args) => return args,
        Err(err) => err,
    };
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        err.exit();
    }
    let text = err.to_string();
    let reason: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect();
    eprintln!("flags-server: {} (see --help)", reason.join(" "));
    std::process::exit(2);
}

fn main() -> ExitCode {
    let args = parse_args();
    let base = Config {
        seed: args.seed,
        bind: args.bind,
        ..Config::default()
    };
    let servers: Vec<(&str, Config)> = if args.book {
        let delay = args.delay.unwrap_or(BOOK_DELAY);
        vec![
            (
                "LOCAL",
                Config {
                    port: 8000,
                    ..base.clone()
                },
            ),
            (
                "DELAY",
                Config {
                    port: 8001,
                    delay,
                    ..base.clone()
                },
            ),
            (
                "ERROR",
                Config {
                    port: 8002,
                    delay,
                    error_rate: BOOK_ERROR_RATE,
                    ..base
                },
            ),
        ]
    } else {
        let delay = args.delay.unwrap_or(Delay::ZERO);
        let config = Config {
            port: args.port,
            delay,
            error_rate: args.error_rate,
            ..base
        };
        vec![("", config)]
    };

    // Painted here, once, before any runtime thread exists: no server prints
    // its address before its flags exist, and the three of --book share them.
    let catalogue = Arc::new(Catalogue::paint());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("flags-server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve_all(servers, catalogue))
}

/// Binds every server, prints their addresses, serves until Ctrl-C.
async fn serve_all(
    servers: Vec<(&str, Config)>,
    catalogue: Arc<Catalogue>,
) -> ExitCode {
    // One Ctrl-C stops every server.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut running = Vec::new();
    for (label, config) in servers {
        let listener = match flags_server::bind(config.bind, config.port) {
            Ok(listener) => listener,
            Err(err) => {
                eprintln!(
                    "flags-server: cannot listen on {}:{}: {err}",
                    config.bind, config.port
                );
                return ExitCode::FAILURE;
            }
        };
        let addr = listener
            .local_addr()
            .expect("a bound socket has an address");
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("{label}: ")
        };
        println!(
            "{label}Serving {} flags at http://{addr}/flags (delay {}, error rate {}, seed {})",
            catalogue.len(),
            config.delay,
            config.error_rate,
            config.seed,
        );
        let stats = Arc::new(Stats::default());
        let mut stop_rx = stop_rx.clone();
        let stop = async move {
            let _ = stop_rx.changed().await;
        };
        let serving = flags_server::serve(
            listener,
            config,
            Arc::clone(&catalogue),
            Arc::clone(&stats),
            stop,
        );
        running.push((label, stats, tokio::spawn(serving)));
    }
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("\nflags-server: stopping");
    let _ = stop_tx.send(true);

    let mut code = ExitCode::SUCCESS;
    for (label, stats, serving) in running {
        if let Err(err) = serving.await {
            eprintln!("flags-server: {label}{err}");
            code = ExitCode::FAILURE;
        }
        let s = stats.snapshot();
        eprintln!(
            "flags-server: {label}{} requests, {} flags, {} not found, {} teapots",
            s.requests, s.flags_served, s.not_found, s.teapots
        );
    }
    code
}
