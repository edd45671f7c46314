//! `flags-server`: serve the 194 flags on a port, like the book's local servers.
//!
//! ```text
//! $ flags-server --port 8001 --delay 0.1..0.5 --error-rate 0.25 --seed 7
//! Serving 194 flags at http://127.0.0.1:8001/flags (delay 0.1..0.5s, error rate 0.25, seed 7)
//! ```

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use flags_server::{COUNTRIES, Config, Delay, Stats};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Serve the 194 flags offline, with optional latency and faults"
)]
struct Args {
    /// Latency per request in seconds: fixed (0.2) or uniform (0.1..0.5)
    #[arg(long, default_value = "0")]
    delay: Delay,
    /// Share of requests answered with 418 I'm a teapot (0.0 to 1.0)
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    error_rate: f64,
    /// Seed for delays and faults: the same seed gives the same run
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to listen on
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a rate between 0.0 and 1.0")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        delay: args.delay,
        error_rate: args.error_rate,
        seed: args.seed,
        bind: args.bind,
        port: args.port,
    };
    let listener = match flags_server::bind(args.bind, args.port) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "flags-server: cannot listen on {}:{}: {err}",
                args.bind, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound socket has an address");
    println!(
        "Serving {} flags at http://{addr}/flags (delay {}, error rate {}, seed {})",
        COUNTRIES.len(),
        config.delay,
        config.error_rate,
        config.seed,
    );
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("\nflags-server: stopping");
    };
    let stats = Arc::new(Stats::default());
    match flags_server::serve(listener, config, Arc::clone(&stats), stop).await {
        Ok(()) => {
            let s = stats.snapshot();
            eprintln!(
                "flags-server: {} requests, {} flags, {} not found, {} teapots",
                s.requests, s.flags_served, s.not_found, s.teapots
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("flags-server: {err}");
            ExitCode::FAILURE
        }
    }
}
