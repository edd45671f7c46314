//! 分解 · Breakdown: where the time of 676 downloads at once goes, phase by
//! phase, for the thread pool (`threadpool -e -m N`) and for tokio tasks
//! (`async_flags -e -m N`).
//!
//! ```text
//! cargo run --release -p compare --example breakdown -- [--workers 1000] [--delay 0.2]
//!     [--repeat 5] [--dest DIR] [--section threadpool|async_flags]
//! ```
//!
//! The flag server runs in a child process, as `flags-server --port 8001`
//! would, with its request log on. Every timed run is a fresh process too,
//! as a run of the listing is: it does what the flags2 listing does (the
//! same `Site`, executor, client and saves, into `--dest`, which already
//! holds the flags, like `./downloads`), stamping each task as it starts,
//! gets its answer, saves and is collected. The server's log says when each
//! request arrived and left. The time above the ideal splits into:
//!
//! - send burst: until the last request reaches the server (starting the
//!   threads or tasks, connecting, waiting for the client's runtime thread);
//! - server: how late the last answer leaves, after its delay;
//! - receive burst: from that answer until the last outcome is collected
//!   (the answers' way back, saving files);
//! - shutdown: joining the pool's threads, or dropping the runtime.
//!
//! Four variants of the same run price four costs by difference: without
//! growing the table of file descriptors before the first thread starts (as
//! the listings do, through `make_room_for_connections`); without saving
//! files; after an untimed run in the same process (a warm heap, threads'
//! first costs paid); and after an untimed run on the same client (every
//! connection already open; for tasks the runtime is kept too).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use concurrent_futures::{ThreadPoolExecutor, as_completed};
use flags_common::{FlagError, Site, gif_name};
use flags_server::{Config, Delay, FlagServer};

/// When one task reached each point, in seconds since the run's start.
#[derive(Debug, Default, Clone, Copy)]
struct Stamps {
    start: f64,
    answered: f64,
    saved: f64,
    collected: f64,
    ok: bool,
}

concurrent_futures::never_raises!(Stamps);

/// One timed run: its elapsed time, when the last outcome was collected
/// (before shutdown), and every task's stamps, by country code.
#[derive(Debug, Default)]
struct Timed {
    elapsed: f64,
    collected: f64,
    tasks: HashMap<String, Stamps>,
}

/// How a run is done.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Variant {
    /// As the listing: a fresh process, a fresh client, saving every flag.
    Listing,
    NoSaves,
    /// After an untimed run with another client.
    WarmProcess,
    /// After an untimed run with the same client.
    OpenConnections,
    /// Without `make_room_for_connections`: the descriptor table grows as
    /// the sockets open, after the client's thread has started.
    TableGrows,
}

const VARIANTS: [(Variant, &str); 5] = [
    (Variant::Listing, "listing"),
    (Variant::TableGrows, "fd-table-grows"),
    (Variant::NoSaves, "no-saves"),
    (Variant::WarmProcess, "warm-process"),
    (Variant::OpenConnections, "open-connections"),
];

fn codes() -> Vec<String> {
    let letters = || 'A'..='Z';
    letters()
        .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
        .collect()
}

/// `threadpool::flags2::download_many`, stamped; the last round is timed.
fn threads(site: &Site, workers: usize, variant: Variant) -> Timed {
    let mut timed = Timed::default();
    if variant == Variant::WarmProcess {
        let other = Site::new(site.base_url(), site.dest_dir(), site.timeout())
            .expect("a client");
        threads(&other, workers, Variant::Listing);
    } else if variant == Variant::OpenConnections {
        threads(site, workers, Variant::Listing);
    }
    let t0 = Instant::now();
    let now = move || t0.elapsed().as_secs_f64();
    let executor = ThreadPoolExecutor::new(workers);
    let mut to_do_map = HashMap::new();
    for cc in codes() {
        let (site, code) = (site.clone(), cc.clone());
        let future = executor
            .submit(move || {
                let mut stamps = Stamps {
                    start: now(),
                    ..Stamps::default()
                };
                let image = site.get_flag(&code);
                stamps.answered = now();
                if let Ok(image) = image {
                    if variant != Variant::NoSaves {
                        site.save_flag(&image, &gif_name(&code))
                            .expect("the directory is writable");
                    }
                    stamps.ok = true;
                }
                stamps.saved = now();
                stamps
            })
            .expect("the executor is not shut down");
        to_do_map.insert(future, cc);
    }
    for future in as_completed(to_do_map.keys().cloned()) {
        let mut stamps = future.result().expect("no task panics");
        stamps.collected = now();
        timed.tasks.insert(to_do_map[&future].clone(), stamps);
    }
    timed.collected = now();
    drop(executor); // joins every worker thread, as leaving Python's `with` does
    timed.elapsed = now();
    timed
}

/// `async_flags::flags2::download_many`, stamped; the last round is timed.
fn tasks(site: &Site, concur_req: usize, variant: Variant) -> Timed {
    if variant == Variant::WarmProcess {
        let other = Site::new(site.base_url(), site.dest_dir(), site.timeout())
            .expect("a client");
        tasks(&other, concur_req, Variant::Listing);
    }
    let mut t0 = Instant::now();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut timed = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(site.timeout())
            .build()
            .expect("an HTTP client");
        if variant == Variant::OpenConnections {
            supervisor(site, &client, concur_req, true, Instant::now()).await;
            t0 = Instant::now();
        }
        supervisor(site, &client, concur_req, variant != Variant::NoSaves, t0).await
    });
    drop(runtime);
    timed.elapsed = t0.elapsed().as_secs_f64();
    timed
}

async fn supervisor(
    site: &Site,
    client: &reqwest::Client,
    concur_req: usize,
    save: bool,
    t0: Instant,
) -> Timed {
    let now = move || t0.elapsed().as_secs_f64();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concur_req));
    let mut to_do = tokio::task::JoinSet::new();
    for cc in codes() {
        let (client, site, semaphore) =
            (client.clone(), site.clone(), Arc::clone(&semaphore));
        to_do.spawn(async move {
            let mut stamps = Stamps::default();
            let image = {
                let _permit = semaphore.acquire().await.expect("never closed");
                stamps.start = now();
                async_flags::get_flag(&client, site.base_url(), &cc).await
            };
            stamps.answered = now();
            if let Ok(image) = image {
                if save {
                    let filename = gif_name(&cc);
                    tokio::task::spawn_blocking(move || {
                        site.save_flag(&image, &filename)
                    })
                    .await
                    .map_err(|err| FlagError::Task(err.to_string()))
                    .and_then(|saved| saved)
                    .expect("the directory is writable");
                }
                stamps.ok = true;
            }
            stamps.saved = now();
            (cc, stamps)
        });
    }
    let mut timed = Timed::default();
    while let Some(joined) = to_do.join_next().await {
        let (cc, mut stamps) = joined.expect("no task panics");
        stamps.collected = now();
        timed.tasks.insert(cc, stamps);
    }
    timed.collected = now();
    timed
}

/// `--run SECTION VARIANT URL DEST WORKERS`: one timed run, in this fresh
/// process. Prints, on this process's clock: `probe PATH SENT BACK` for
/// three requests the server will have logged (so the parent can set the
/// two clocks side by side), `run START ELAPSED COLLECTED`, then
/// `CC START ANSWERED SAVED COLLECTED OK` for every task.
fn run_child(args: &[String]) {
    let [section, variant, url, dest, workers] = args else {
        panic!("--run SECTION VARIANT URL DEST WORKERS");
    };
    let variant = VARIANTS
        .iter()
        .find(|v| v.1 == variant)
        .expect("a variant")
        .0;
    let workers: usize = workers.parse().expect("a number of workers");
    if variant != Variant::TableGrows {
        flags_common::cli::make_room_for_connections(workers.min(676))
            .expect("room for the connections");
    }
    let site = Site::new(url, dest, Duration::from_secs(30)).expect("a client");
    let clock = Instant::now();
    let mut out = std::io::stdout().lock();
    for i in 0..3 {
        let path = format!("/flags/probe-{}-{i}", std::process::id());
        let sent = clock.elapsed().as_secs_f64();
        let _ = site.get(
            "probe",
            &format!("{}{}", url.trim_end_matches("/flags"), path),
        );
        let back = clock.elapsed().as_secs_f64();
        writeln!(out, "probe {path} {sent} {back}").expect("stdout");
    }
    let start = clock.elapsed().as_secs_f64();
    let timed = match section.as_str() {
        "threadpool" => threads(&site, workers, variant),
        _ => tasks(&site, workers, variant),
    };
    writeln!(out, "run {start} {} {}", timed.elapsed, timed.collected)
        .expect("stdout");
    for (cc, t) in &timed.tasks {
        let (start, answered, saved, collected) =
            (t.start, t.answered, t.saved, t.collected);
        writeln!(out, "{cc} {start} {answered} {saved} {collected} {}", t.ok)
            .expect("stdout");
    }
}

/// The flag server in a child process, and its request log.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    base_url: String,
}

impl Server {
    fn start(delay: &str) -> Server {
        let exe = std::env::current_exe().expect("this program's path");
        let mut child = Command::new(exe)
            .args(["--serve", delay])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut base_url = String::new();
        stdout
            .read_line(&mut base_url)
            .expect("the server's address");
        let base_url = base_url.trim().to_string();
        Server {
            child,
            stdin,
            stdout,
            base_url,
        }
    }

    /// Every request logged since the last call: path -> (start, end), in
    /// seconds on the server's clock.
    fn log(&mut self) -> HashMap<String, (f64, f64)> {
        writeln!(self.stdin, "log").expect("the server process is running");
        (&mut self.stdout)
            .lines()
            .map(|line| line.expect("a log line"))
            .take_while(|line| line != "end")
            .map(|line| {
                let fields: Vec<&str> = line.split(' ').collect();
                let secs = |i: usize| fields[i].parse::<f64>().expect("seconds");
                (fields[0].to_string(), (secs(1), secs(2)))
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--serve DELAY`: the server process. Prints its base URL, then, for each
/// line on stdin, the requests logged since the last one and `end`.
fn serve(delay: &str) {
    let config = Config {
        delay: delay.parse::<Delay>().expect("a delay"),
        log_requests: true,
        ..Config::default()
    };
    let server = FlagServer::start(config).expect("a flag server");
    println!("{}", server.base_url());
    let mut seen = 0;
    for _ in std::io::stdin().lock().lines() {
        let log = server.request_log();
        let mut out = std::io::stdout().lock();
        for r in &log[seen..] {
            let (start, end) = (r.start.as_secs_f64(), r.end.as_secs_f64());
            writeln!(out, "{} {start:.6} {end:.6}", r.path).expect("stdout");
        }
        seen = log.len();
        writeln!(out, "end").expect("stdout");
        out.flush().expect("stdout");
    }
}

/// Runs one child and reads its run back, with the server's log of it, on
/// one clock: the run's start is 0.
fn run(
    server: &mut Server,
    section: &str,
    variant: &str,
    dest: &Path,
    workers: usize,
) -> (Timed, HashMap<String, (f64, f64)>) {
    // The flags the last run replaced are written to disk first: a save that
    // waits behind that writing would price the disk, not the run.
    let _ = Command::new("sync").status();
    let exe = std::env::current_exe().expect("this program's path");
    let output = Command::new(exe)
        .args(["--run", section, variant, &server.base_url])
        .arg(dest)
        .arg(workers.to_string())
        .output()
        .expect("run a child");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let log = server.log();
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let (mut timed, mut offset, mut best, mut start) =
        (Timed::default(), 0.0, f64::MAX, 0.0);
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let secs = |i: usize| fields[i].parse::<f64>().expect("seconds");
        match fields[0] {
            "probe" => {
                let (sent, back) = (secs(2), secs(3));
                let (s, e) = log[fields[1]];
                // Going and coming back are assumed to take as long: off by < 0.5 ms.
                let slack = back - sent - (e - s);
                if slack < best {
                    (best, offset) = (slack, sent + slack / 2.0 - s);
                }
            }
            "run" => {
                (start, timed.elapsed, timed.collected) = (secs(1), secs(2), secs(3))
            }
            cc => {
                let stamps = Stamps {
                    start: secs(1),
                    answered: secs(2),
                    saved: secs(3),
                    collected: secs(4),
                    ok: fields[5] == "true",
                };
                timed.tasks.insert(cc.to_string(), stamps);
            }
        }
    }
    // Server time + offset - start = time since the run started.
    let requests = log
        .into_iter()
        .filter(|(path, _)| path.ends_with(".gif"))
        .map(|(path, (s, e))| {
            let cc = path.split('/').nth(2).unwrap_or("").to_uppercase();
            (cc, (s + offset - start, e + offset - start))
        })
        .collect();
    (timed, requests)
}

/// The phases of one run, in ms.
fn phases(
    timed: &Timed,
    server: &HashMap<String, (f64, f64)>,
    ideal: f64,
) -> Vec<f64> {
    let last =
        |values: &mut dyn Iterator<Item = f64>| values.fold(f64::NAN, f64::max);
    let last_start = last(&mut timed.tasks.values().map(|t| t.start));
    let last_at_server = last(&mut server.values().map(|s| s.0));
    let last_left_server = last(&mut server.values().map(|s| s.1));
    let waiting = timed
        .tasks
        .iter()
        .filter_map(|(cc, t)| Some(server.get(cc)?.0 - t.start))
        .collect();
    let saves = timed
        .tasks
        .values()
        .filter(|t| t.ok)
        .map(|t| t.saved - t.answered)
        .collect();
    [
        timed.elapsed,
        timed.elapsed - ideal,
        last_at_server,
        last_start,
        last_left_server - last_at_server - ideal,
        timed.collected - last_left_server,
        timed.elapsed - timed.collected,
        median(waiting),
        median(saves),
    ]
    .iter()
    .map(|secs| secs * 1e3)
    .collect()
}

const PHASES: [&str; 9] = [
    "elapsed (as the listing)",
    "above the ideal",
    "  send burst: last request reaches the server",
    "    of which: the last task starts",
    "  server: last answer leaves late by",
    "  receive burst: last answer to last collected",
    "  shutdown: join threads / drop runtime",
    "per task, median: start -> at the server",
    "per task, median: save one flag",
];

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn summary(values: &[f64]) -> String {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{:>7.1}  [{low:.1}..{high:.1}]", median(values.to_vec()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|arg| arg == "--run") {
        return run_child(&args[i + 1..]);
    }
    let option = |name: &str, default: &str| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|i| args.get(i + 1))
            .map_or(default.to_string(), String::clone)
    };
    if args.iter().any(|arg| arg == "--serve") {
        return serve(&option("--serve", "0.2"));
    }
    let workers: usize = option("--workers", "1000").parse().expect("--workers N");
    let delay = option("--delay", "0.2");
    let repeat: usize = option("--repeat", "5").parse().expect("--repeat N");
    let scratch =
        std::env::temp_dir().join(format!("breakdown-{}", std::process::id()));
    let dest = option("--dest", &scratch.to_string_lossy());
    let dest = Path::new(&dest);
    std::fs::create_dir_all(dest).expect("the destination directory");
    if let Err(err) = flags_common::cli::make_room_for_connections(2 * 676) {
        eprintln!("breakdown: warning: cannot raise the open-files limit: {err}");
    }
    let mean = delay
        .parse::<Delay>()
        .expect("--delay S")
        .mean()
        .as_secs_f64();
    let ideal = mean * 676usize.div_ceil(workers) as f64;
    println!(
        "676 flags (-e), -m {workers}, delay {delay} s, ideal {:.0} ms, into {}; \
         median [min..max] of {repeat} runs, each in a fresh process, ms\n",
        ideal * 1e3,
        dest.display()
    );
    let mut server = Server::start(&delay);
    let only = option("--section", "");
    for section in ["threadpool", "async_flags"] {
        if !only.is_empty() && only != section {
            continue;
        }
        // Untimed: the directory then holds every flag, as ./downloads does.
        run(&mut server, section, "listing", dest, workers);
        let mut rows = Vec::new();
        let mut elapsed: HashMap<&str, Vec<f64>> = HashMap::new();
        for _ in 0..repeat {
            for (variant, name) in VARIANTS {
                let (timed, requests) =
                    run(&mut server, section, name, dest, workers);
                if variant == Variant::Listing {
                    rows.push(phases(&timed, &requests, ideal));
                }
                elapsed.entry(name).or_default().push(timed.elapsed * 1e3);
            }
        }
        println!("{section}");
        for (i, phase) in PHASES.iter().enumerate() {
            let values: Vec<f64> = rows.iter().map(|row| row[i]).collect();
            println!("  {phase:<48}{}", summary(&values));
        }
        for (name, label) in [
            (
                "fd-table-grows",
                "variant: descriptor table grows as it fills",
            ),
            ("no-saves", "variant: no files saved"),
            ("warm-process", "variant: warm process (a run before)"),
            ("open-connections", "variant: connections already open"),
        ] {
            println!("  {label:<48}{}", summary(&elapsed[name]));
        }
        println!();
    }
    drop(server);
    if dest == scratch {
        let _ = std::fs::remove_dir_all(dest);
    }
}
