//! The flag server: an offline stand-in for the book's flag sites.
//!
//! It serves the 194 flags of `data/countries.tsv` with the book's URL layout,
//! `GET /flags/{cc}/{cc}.gif` and `GET /flags/{cc}/metadata.json` (lower-case
//! `cc`), and can add the latency and the faults of the book's slow server:
//! a delay per request and a share of `418 I'm a teapot` answers. Delays and
//! faults are drawn from a seed, so a run can be repeated exactly.
//!
//! Every download section starts it in-process with [`FlagServer::start`] when
//! no `--server` is given, so the whole chapter runs on a machine without network.

mod art;
mod catalogue;
mod faults;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{oneshot, watch};

pub use catalogue::{
    COUNTRIES, Catalogue, Country, all_cc, flag_gif, metadata_json,
};
pub use faults::{Delay, MAX_DELAY, ParseDelayError};

/// How long a client may take to send a request's headers, counted from the
/// moment the server starts waiting for them (a new connection, or the end of
/// the previous answer on a kept-alive one): hyper's own default.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// The most header bytes a request may carry; more is answered with 431.
/// The book's clients send a few hundred.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How the server behaves: latency, faults, and where it listens.
#[derive(Debug, Clone)]
pub struct Config {
    /// Latency added to every request (fixed, or uniform in a range).
    pub delay: Delay,
    /// Share of requests (0.0..=1.0) answered with `418 I'm a teapot`.
    pub error_rate: f64,
    /// Seed for delays and faults: the same seed gives the same run.
    pub seed: u64,
    pub bind: IpAddr,
    /// 0 asks the operating system for a free port.
    pub port: u16,
    /// Keep a record of every request (for timelines); off by default, as a
    /// long-running server would grow it forever.
    pub log_requests: bool,
    /// A connection that sends no complete request head for this long is
    /// closed, so idle or stalled clients cannot hold sockets forever.
    pub header_timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            delay: Delay::ZERO,
            error_rate: 0.0,
            seed: 0,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            log_requests: false,
            header_timeout: HEADER_TIMEOUT,
        }
    }
}

/// One request, as the server saw it: times are since the server started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub path: String,
    pub start: Duration,
    pub end: Duration,
    pub status: u16,
}

/// Counters the tests and reports read while, or after, a run.
#[derive(Debug, Default)]
pub struct Stats {
    log: std::sync::Mutex<Vec<RequestRecord>>,
    requests: AtomicU64,
    flags_served: AtomicU64,
    not_found: AtomicU64,
    teapots: AtomicU64,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Every request received, whatever its answer.
    pub requests: u64,
    /// GIF answers with status 200.
    pub flags_served: u64,
    /// 404 answers.
    pub not_found: u64,
    /// 418 answers (injected faults).
    pub teapots: u64,
    /// The most requests that were being handled at the same time.
    pub max_in_flight: usize,
}

impl Stats {
    /// Every request so far, in the order they ended (with `log_requests`).
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.log.lock().expect("never poisoned").clone()
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            flags_served: self.flags_served.load(Ordering::Relaxed),
            not_found: self.not_found.load(Ordering::Relaxed),
            teapots: self.teapots.load(Ordering::Relaxed),
            max_in_flight: self.max_in_flight.load(Ordering::Relaxed),
        }
    }
}

/// A server running on a background thread with its own tokio runtime.
/// Dropping the handle stops the server and waits for its thread.
#[derive(Debug)]
pub struct FlagServer {
    addr: SocketAddr,
    stats: Arc<Stats>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl FlagServer {
    /// Paints the flags, binds the socket (so a busy port is an error here,
    /// not later), then serves on a background thread until the handle is
    /// dropped. It returns only when the server can answer at full speed.
    pub fn start(config: Config) -> std::io::Result<FlagServer> {
        // On the caller's thread: a caller's timer that starts after `start`
        // must not include the painting.
        let catalogue = Catalogue::shared();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("flags-server")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(async { bind(config.bind, config.port) })?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let server_stats = Arc::clone(&stats);
        let (shutdown, stop) = oneshot::channel::<()>();
        // An error from `stop` means the handle was dropped: stop as well.
        let stop = async { stop.await.unwrap_or(()) };
        let serve_until_stopped =
            serve(listener, config, catalogue, server_stats, stop);
        let thread = thread::Builder::new()
            .name("flags-server".into())
            .spawn(move || runtime.block_on(serve_until_stopped))?;
        Ok(FlagServer {
            addr,
            stats,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Where the flags are, e.g. `http://127.0.0.1:41234/flags`.
    pub fn base_url(&self) -> String {
        format!("http://{}/flags", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Every request so far (empty unless `Config::log_requests`).
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.stats.request_log()
    }
}

impl Drop for FlagServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic in the server thread was already reported; don't panic twice.
            let _ = thread.join();
        }
    }
}

/// Listens on `ip:port` with a deep accept queue: the usual 128 pending
/// connections would reset some of the 1000 clients of `-m 1000` at once.
/// Must be called inside a tokio runtime.
pub fn bind(ip: IpAddr, port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let addr = SocketAddr::new(ip, port);
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Shared by every request handler.
#[derive(Debug)]
struct AppState {
    catalogue: Arc<Catalogue>,
    stats: Arc<Stats>,
    /// When the server started, for the request log; `None`: no log.
    epoch: Option<std::time::Instant>,
    faults: faults::Faults,
}

/// Serves `catalogue` until `stop` completes, then lets the requests under way
/// finish. The `flags-server` binary and [`FlagServer`] both run this; the
/// catalogue comes in painted, so no request ever waits for a paint brush.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    catalogue: Arc<Catalogue>,
    stats: Arc<Stats>,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let state = Arc::new(AppState {
        catalogue,
        faults: faults::Faults::new(config.seed, config.delay, config.error_rate),
        epoch: config.log_requests.then(std::time::Instant::now),
        stats,
    });
    let app = Router::new()
        .route("/flags/{cc}/{file}", get(flag_file))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            latency_and_faults,
        ))
        .with_state(state);
    // hyper directly rather than `axum::serve`, which gives hyper no timer: with
    // no timer there is no header timeout, and a client that connects and sends
    // nothing (or half a request) keeps its socket open forever.
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_header_size(MAX_HEADER_BYTES);
    // Every connection holds a receiver; `closed()` tells when all are gone.
    let (closing, closing_rx) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let stream = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Usually out of file descriptors: wait for some to close
                // instead of spinning on the same error.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut closing_rx = closing_rx.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            tokio::select! {
                // An error here is one client's broken request: hyper has
                // already answered it (400, 431) or hung up; the server goes on.
                _ = connection.as_mut() => return,
                _ = closing_rx.wait_for(|&closing| closing) => {
                    connection.as_mut().graceful_shutdown();
                }
            }
            let _ = connection.await;
        });
    }
    // Refuse new connections, close idle ones, let answers under way finish.
    drop(listener);
    let _ = closing.send(true);
    drop(closing_rx);
    closing.closed().await;
}

/// Runs around every request: counts it, waits its delay, maybe answers 418.
async fn latency_and_faults(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let stats = &state.stats;
    stats.requests.fetch_add(1, Ordering::Relaxed);
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    // Decrements even if the client hangs up and this future is dropped.
    let _in_flight = InFlight(stats);
    let started = state.epoch.map(|epoch| epoch.elapsed());
    let path = request.uri().path().to_string();

    let fate = state.faults.draw(&path);
    if !fate.delay.is_zero() {
        tokio::time::sleep(fate.delay).await;
    }
    let response = if fate.teapot {
        (StatusCode::IM_A_TEAPOT, "I'm a teapot\n").into_response()
    } else {
        next.run(request).await
    };
    match response.status() {
        StatusCode::IM_A_TEAPOT => stats.teapots.fetch_add(1, Ordering::Relaxed),
        StatusCode::NOT_FOUND => stats.not_found.fetch_add(1, Ordering::Relaxed),
        _ => 0,
    };
    if let (Some(epoch), Some(start)) = (state.epoch, started) {
        let record = RequestRecord {
            path,
            start,
            end: epoch.elapsed(),
            status: response.status().as_u16(),
        };
        stats.log.lock().expect("never poisoned").push(record);
    }
    response
}

struct InFlight<'a>(&'a Stats);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `GET /flags/{cc}/{file}`: only lower-case known codes and the two file
/// names exist; anything else (upper case, `..`, encoded slashes) is 404.
async fn flag_file(
    State(state): State<Arc<AppState>>,
    Path((cc, file)): Path<(String, String)>,
) -> Response {
    let Some(flag) = state.catalogue.lookup(&cc) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if file == format!("{cc}.gif") {
        state.stats.flags_served.fetch_add(1, Ordering::Relaxed);
        ([(header::CONTENT_TYPE, "image/gif")], flag.gif.clone()).into_response()
    } else if file == "metadata.json" {
        let json = flag.metadata.clone();
        ([(header::CONTENT_TYPE, "application/json")], json).into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// The seed of the in-process server the download sections start when no
/// `--server` is given (and of `compare` and `side-by-side`): every run sees
/// the same delays.
pub const DEFAULT_SEED: u64 = 2017;

/// The latency of that in-process server: enough to make sequential visibly slow.
pub const DEFAULT_DELAY: Delay =
    Delay::uniform(Duration::from_millis(100), Duration::from_millis(500));
