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

use crate::flags2::{self, Counter};
use crate::{DEST_DIR, FlagError, POP20_CC, Site, program_name};

/// `download_many(cc_list)` as the chapter's listings define it: download
/// the flags of `cc_list` from `site`, return how many were saved, and stop
/// at the first error, as an uncaught exception would.
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
    #[arg(short, long, value_name = "N", value_parser = parse_at_least_one)]
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
    /// At most N requests at a time
    #[arg(short, long, value_name = "N", value_parser = parse_at_least_one)]
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
            || self.max_req.is_some()
            || self.all
            || self.every
            || self.limit.is_some()
            || !self.cc.is_empty()
    }

    /// The codes to download, as the book's `flags2_common.py` computes them:
    /// `sorted(set(codes))[:limit]`, and with no code `sorted(POP20_CC)[:limit]`
    /// (so `-l 5` takes BD BR CD CN DE, not the five most populous).
    pub fn cc_list(&self) -> Vec<String> {
        let mut codes: Vec<String> = if self.every {
            letters()
                .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
                .collect()
        } else if self.all {
            flags_server::all_cc()
        } else if self.cc.is_empty() {
            POP20_CC.map(String::from).into()
        } else {
            self.cc
                .iter()
                .flat_map(|cc| match cc.len() {
                    1 => letters().map(|b| format!("{cc}{b}")).collect(),
                    _ => vec![cc.clone()],
                })
                .collect()
        };
        codes.sort();
        codes.dedup();
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

fn parse_at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "'{}' is not a whole number >= 1",
            text.chars().take(20).collect::<String>()
        )),
    }
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if (0.001..=3600.0).contains(&secs) => Ok(secs),
        _ => Err(format!(
            "'{}' is not a number of seconds from 0.001 to 3600",
            text.chars().take(20).collect::<String>()
        )),
    }
}

/// The chapter's `main(download_many)` and the book's flags2
/// `main(download_many, default_concur_req, max_concur_req)` in one: parse the
/// command line, find or start a flag server, then run the chapter's listing
/// (no flags2 option) or its flags2 version, timed, and report.
pub fn main(
    download_many: DownloadMany,
    flags2_download_many: flags2::DownloadMany,
    default_concur_req: usize,
    max_concur_req: usize,
) -> ExitCode {
    let args: FlagArgs = crate::parse_args();
    let flags2 = Flags2 {
        download_many: flags2_download_many,
        default_concur_req,
        max_concur_req,
    };
    run(&args, download_many, &flags2, false)
}

/// A section's flags2 version and its `-m` limits.
#[derive(Debug, Clone, Copy)]
pub struct Flags2 {
    pub download_many: flags2::DownloadMany,
    /// The `-m` used when none is given.
    pub default_concur_req: usize,
    /// Any `-m` is capped here.
    pub max_concur_req: usize,
}

/// [`main`] for already-parsed arguments; `force_flags2` runs the flags2
/// version even without a flags2 option (flags3's `--metadata`).
pub fn run(
    args: &FlagArgs,
    download_many: DownloadMany,
    flags2: &Flags2,
    force_flags2: bool,
) -> ExitCode {
    let name = program_name();
    let fail = |message: String| {
        eprintln!("{name}: error: {message}");
        ExitCode::FAILURE
    };

    let cc_list = args.cc_list();
    let flags2_run = force_flags2 || args.flags2();
    let actual_req = args
        .max_req
        .unwrap_or(flags2.default_concur_req)
        .min(flags2.max_concur_req)
        .min(cc_list.len())
        .max(1);
    // Each request is a socket. First of all, while this is the only thread:
    // see `make_room_for_connections`.
    if flags2_run && let Err(err) = make_room_for_connections(actual_req) {
        eprintln!(
            "{name}: warning: cannot make room for {actual_req} connections: {err}"
        );
    }

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

    let timeout = Duration::from_secs_f64(args.timeout);
    let site = match Site::new(&base_url, &args.dest, timeout) {
        Ok(site) => site,
        Err(err) => return fail(format!("cannot create the HTTP client: {err}")),
    };
    if let Err(err) = std::fs::create_dir_all(&args.dest) {
        return fail(format!("cannot create {}: {err}", args.dest.display()));
    }
    // Ctrl-C: let saves in progress finish and start no new one; the run
    // then winds down and reports, as Python's KeyboardInterrupt would.
    if let Err(err) = ctrlc::set_handler(crate::interrupt) {
        eprintln!("{name}: warning: Ctrl-C will not stop the run cleanly: {err}");
    }

    let t0 = Instant::now();
    if flags2_run {
        flags2::initial_report(&label, &base_url, &cc_list, actual_req);
        let counter: Counter =
            (flags2.download_many)(&site, &cc_list, args.verbose, actual_req);
        flags2::final_report(&counter, t0.elapsed(), crate::interrupted());
        return exit_code();
    }
    match download_many(&site, &cc_list) {
        Ok(count) => {
            let elapsed = t0.elapsed().as_secs_f64();
            println!("\n{count} flags downloaded in {elapsed:.2}s");
            exit_code()
        }
        Err(_) if crate::interrupted() => {
            println!("\nInterrupted.");
            exit_code()
        }
        Err(err) => {
            println!();
            fail(err.to_string())
        }
    }
}

/// 130 after Ctrl-C, as a shell reports a run ended by SIGINT.
fn exit_code() -> ExitCode {
    if crate::interrupted() {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    }
}

/// Makes room for `connections` sockets open at once, twice over (both ends,
/// when the server runs in this process too), and the files being saved:
/// raises the soft limit on open files (never lowers it), then grows the
/// process's table of file descriptors to that size now.
///
/// Linux doubles the table as it fills and never shrinks it. Once a process
/// has a second thread, each doubling first waits until no core can still be
/// reading the old table (an RCU grace period: 8 to 23 ms here, at 256, 512
/// and 1024 files), and meanwhile no thread can open a file. Done before the
/// first extra thread starts, it waits for nothing.
/// (notes/deep/threadpool.md, "A wait we removed: the descriptor table")
pub fn make_room_for_connections(connections: usize) -> std::io::Result<u64> {
    let wanted = 2 * connections as u64 + 256;
    let limit = rlimit::increase_nofile_limit(wanted)?;
    let highest = wanted.min(limit) - 1;
    // A copy numbered `highest` or above needs a table that big; closing it
    // at once leaves the table grown.
    let any_file = std::fs::File::open("/dev/null")?;
    drop(rustix::io::fcntl_dupfd_cloexec(&any_file, highest as i32)?);
    Ok(limit)
}
