//! The command line every download section shares, and the timed
//! `main(download_many)` harness of the chapter's `flags.py`.
//!
//! ```text
//! sequential [CC ...] [-a | -e] [-l N] [-s URL] [--dest DIR] [--delay S] [--timeout S]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use flags_server::{Config, Delay, FlagServer};

use crate::{DEST_DIR, FlagError, POP20_CC, Site, program_name, report};

/// `download_many` as every section defines it: download the flags of
/// `cc_list` from `site` and return how many were saved.
pub type DownloadMany = fn(&Site, &[String]) -> Result<usize, FlagError>;

#[derive(Debug, Clone, Parser)]
#[command(about = "Download flags of countries, like the chapter's flags*.py")]
pub struct FlagArgs {
    /// Country codes (CN IN US), or one letter for every code it starts (A = AA..AZ).
    /// No codes: the chapter's 20 most populous countries.
    #[arg(value_name = "CC", value_parser = parse_cc)]
    pub cc: Vec<String>,
    /// All 194 countries the flag server knows
    #[arg(short, long, conflicts_with_all = ["cc", "every"])]
    pub all: bool,
    /// Every code from AA to ZZ (676 requests, most of them 404)
    #[arg(short, long, conflicts_with = "cc")]
    pub every: bool,
    /// Download at most N flags
    #[arg(short, long, value_name = "N")]
    pub limit: Option<usize>,
    /// Flag server: LOCAL, DELAY, ERROR (the book's local servers, see
    /// `flags-server --book`), REMOTE (the book's site) or a base URL.
    /// Without it, a server starts in-process.
    #[arg(short, long, value_name = "LABEL|URL", value_parser = parse_server)]
    pub server: Option<Server>,
    /// Directory to save flags into
    #[arg(long, value_name = "DIR", default_value = DEST_DIR)]
    pub dest: PathBuf,
    /// Print a line per flag instead of a progress bar (flags2 report)
    #[arg(short, long)]
    pub verbose: bool,
    /// At most N requests at a time (sections that take a limit)
    #[arg(short, long, value_name = "N", value_parser = parse_max_req)]
    pub max_req: Option<usize>,
    /// Latency of the in-process server: seconds (0.2) or a range (0.1..0.5)
    #[arg(long, value_name = "S", conflicts_with = "server")]
    pub delay: Option<Delay>,
    /// Seconds before a request is given up
    #[arg(long, value_name = "S", default_value_t = 10.0, value_parser = parse_seconds)]
    pub timeout: f64,
}

/// The servers of the book's flags2 examples, by label.
pub const SERVERS: [(&str, &str); 4] = [
    ("LOCAL", "http://localhost:8000/flags"),
    ("DELAY", "http://localhost:8001/flags"),
    ("ERROR", "http://localhost:8002/flags"),
    ("REMOTE", "https://www.fluentpython.com/data/flags"),
];

/// A `-s` argument: a label and the URL it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub label: String,
    pub url: String,
}

fn parse_server(text: &str) -> Result<Server, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        return Ok(Server {
            label: "URL".into(),
            url: text.trim_end_matches('/').into(),
        });
    }
    let label = text.to_uppercase();
    match SERVERS.iter().find(|(name, _)| *name == label) {
        Some((name, url)) => Ok(Server {
            label: name.to_string(),
            url: url.to_string(),
        }),
        None => Err(format!(
            "unknown server label '{text}': use LOCAL, DELAY, ERROR, REMOTE or an http:// URL"
        )),
    }
}

impl FlagArgs {
    /// Any flags2 option turns the chapter's listing into the flags2 tool:
    /// per-flag accounting, a progress bar or `-v` lines, and the report.
    pub fn flags2(&self) -> bool {
        self.verbose
            || self.all
            || self.every
            || self.limit.is_some()
            || !self.cc.is_empty()
    }

    /// The codes to download, as `flags2_common.expand_cc_args` computes them.
    pub fn cc_list(&self) -> Vec<String> {
        let mut codes: Vec<String> = if self.every {
            letters()
                .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
                .collect()
        } else if self.all {
            flags_server::all_cc()
        } else if self.cc.is_empty() {
            POP20_CC.iter().map(|cc| cc.to_string()).collect()
        } else {
            let mut codes: Vec<String> = self
                .cc
                .iter()
                .flat_map(|cc| match cc.len() {
                    1 => letters().map(|b| format!("{cc}{b}")).collect(),
                    _ => vec![cc.clone()],
                })
                .collect();
            codes.sort();
            codes.dedup();
            codes
        };
        if let Some(limit) = self.limit {
            codes.truncate(limit);
        }
        codes
    }
}

fn letters() -> impl Iterator<Item = char> + Clone {
    'A'..='Z'
}

/// `cn` -> `CN`; `C` stays a one-letter prefix; `C1` or `CHN` are errors.
fn parse_cc(text: &str) -> Result<String, String> {
    let valid = (1..=2).contains(&text.len())
        && text.chars().all(|c| c.is_ascii_alphabetic());
    if valid {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(format!(
            "invalid country code '{text}': use A to Z or AA to ZZ"
        ))
    }
}

fn parse_max_req(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("-m must be >= 1".to_string()),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() => Ok(secs),
        _ => Err(format!("'{text}' is not a positive number of seconds")),
    }
}

/// The chapter's `main(download_many)`, grown into the book's flags2
/// `main(download_many, default_concur_req, max_concur_req)`: parse the command
/// line, find or start a flag server, time `download_many`, report.
///
/// `default_concur_req` is the `-m` used by the flags2 tool when none is
/// given; any `-m` is capped at `max_concur_req`.
pub fn main(
    download_many: DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let args: FlagArgs = crate::parse_args();
    run(&args, download_many, default_concur_req, max_concur_req)
}

/// [`main`] for already-parsed arguments.
pub fn run(
    args: &FlagArgs,
    download_many: DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let name = program_name();
    let fail = |message: String| {
        eprintln!("{name}: error: {message}");
        ExitCode::FAILURE
    };

    // No --server: serve the flags from this process, so the chapter runs offline.
    let mut _server = None;
    let (label, base_url) = match &args.server {
        Some(server) => (server.label.clone(), server.url.clone()),
        None => {
            let delay = args.delay.unwrap_or(flags_server::DEFAULT_DELAY);
            let config = Config {
                delay,
                seed: flags_server::DEFAULT_SEED,
                ..Config::default()
            };
            let server = match FlagServer::start(config) {
                Ok(server) => server,
                Err(err) => {
                    return fail(format!("cannot start the flag server: {err}"));
                }
            };
            let url = server.base_url();
            eprintln!(
                "{name}: no --server given: serving flags in-process at {url} (delay {delay})"
            );
            _server = Some(server);
            ("IN-PROCESS".to_string(), url)
        }
    };

    let flags2 = args.flags2();
    let cc_list = args.cc_list();
    // flags2 always has a limit; the chapter's listings keep their own unless -m says.
    let concur_req = match args.max_req {
        Some(max_req) => Some(max_req.min(max_concur_req)),
        None => flags2.then_some(default_concur_req.min(max_concur_req)),
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let mut site = match Site::new(&base_url, &args.dest, timeout) {
        Ok(site) => site,
        Err(err) => return fail(format!("cannot create the HTTP client: {err}")),
    };
    if let Some(concur_req) = concur_req {
        site = site.with_max_req(concur_req);
        // Each request is a socket; the usual soft limit of 1024 is too few for -m 1000.
        if let Err(err) = raise_open_files_limit(concur_req) {
            eprintln!("{name}: warning: cannot raise the open-files limit: {err}");
        }
    }
    if let Err(err) = std::fs::create_dir_all(&args.dest) {
        return fail(format!("cannot create {}: {err}", args.dest.display()));
    }

    if flags2 {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (n, first, last) =
            (cc_list.len(), cc_list.iter().min(), cc_list.iter().max());
        let actual = concur_req.unwrap_or(1).min(n.max(1));
        println!("{label} site: {base_url}");
        match (first, last) {
            (Some(first), Some(last)) => {
                println!(
                    "Searching for {n} flag{}: from {first} to {last}",
                    plural(n)
                );
            }
            _ => println!("Searching for 0 flags"),
        }
        println!(
            "{actual} concurrent connection{} will be used.",
            plural(actual)
        );
    }
    let progress = flags2 && !args.verbose;
    report::start(
        report::Mode {
            flags2,
            verbose: args.verbose,
            progress,
        },
        cc_list.len(),
    );
    let t0 = Instant::now();
    let count = download_many(&site, &cc_list);
    let elapsed = t0.elapsed().as_secs_f64();
    match count {
        Ok(_) if flags2 => {
            report::print_report(false);
            ExitCode::SUCCESS
        }
        Ok(count) => {
            println!("\n{count} flags downloaded in {elapsed:.2}s");
            ExitCode::SUCCESS
        }
        Err(err) => {
            if flags2 {
                report::print_report(false);
            } else {
                println!();
            }
            fail(err.to_string())
        }
    }
}

/// Raises the soft limit on open files so `connections` sockets fit, with
/// room for the files being saved. Never lowers it.
pub fn raise_open_files_limit(connections: usize) -> std::io::Result<u64> {
    let wanted = 2 * connections as u64 + 256;
    rlimit::increase_nofile_limit(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<FlagArgs, clap::Error> {
        FlagArgs::try_parse_from(
            std::iter::once("flags").chain(args.iter().copied()),
        )
    }

    fn codes(args: &[&str]) -> Vec<String> {
        parse(args).unwrap().cc_list()
    }

    #[test]
    fn no_codes_means_the_chapter_s_pop20() {
        assert_eq!(codes(&[]), POP20_CC);
    }

    #[test]
    fn codes_are_upper_cased_expanded_sorted_and_limited() {
        assert_eq!(codes(&["us", "CN", "cn"]), ["CN", "US"]);
        let a = codes(&["A"]);
        assert_eq!(a.len(), 26);
        assert_eq!((a[0].as_str(), a[25].as_str()), ("AA", "AZ"));
        assert_eq!(codes(&["-e"]).len(), 676);
        assert_eq!(codes(&["--all"]).len(), 194);
        assert_eq!(codes(&["-a", "-l", "10"]).len(), 10);
    }

    #[test]
    fn malformed_codes_and_conflicting_options_are_usage_errors() {
        for bad in [
            &["C1"][..],
            &["CHN"],
            &["-a", "CN"],
            &["-s", "http://x", "--delay", "1"],
            &["-m", "0"],
        ] {
            let err = parse(bad).unwrap_err();
            assert_ne!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{bad:?}");
        }
        let err = parse(&["C1"]).unwrap_err().to_string();
        assert!(err.contains("invalid country code 'C1'"), "{err}");
        let err = parse(&["-m", "0"]).unwrap_err().to_string();
        assert!(err.contains("-m must be >= 1"), "{err}");
    }
}
