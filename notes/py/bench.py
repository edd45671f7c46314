"""The Python half of `just bench-python`: the same measurements as the Rust
example `bench_rust`, run now, on this machine, and one table of ratios.

    python3 notes/py/bench.py --rust-bin target/release
"""

import argparse
import contextlib
import functools
import io
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures

import flags
import flags_threadpool


def number(x):
    """Three significant digits, without an exponent: 0.281, 14.2, 61,100."""
    return f'{x:,.0f}' if x >= 100 else f'{x:#.3g}'


def nothing(n):
    return n


def executor_us(executor_class, workers, tasks, rounds=5):
    """Median of `rounds`, each on a new executor, as the Rust half does."""
    times = []
    for _ in range(rounds):
        with executor_class(workers) as executor:
            executor.submit(nothing, 0).result()  # the workers are up
            t0 = time.perf_counter()
            to_do = [executor.submit(nothing, i) for i in range(tasks)]
            for future in to_do:
                future.result()
            times.append((time.perf_counter() - t0) * 1e6 / tasks)
    return statistics.median(times)


def process_map_us(items, chunksize):
    with futures.ProcessPoolExecutor(2) as executor:
        executor.submit(nothing, 0).result()
        t0 = time.perf_counter()
        assert len(list(executor.map(nothing, range(items), chunksize=chunksize))) == items
        return (time.perf_counter() - t0) * 1e6 / items


def flags_per_second(download_many, rounds=5):
    """Median of `rounds` downloads of the 194 flags, as the Rust half does."""
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the codes `show` prints
            count = download_many(CODES)
        assert count == 194, count
        rates.append(194 / (time.perf_counter() - t0))
    return statistics.median(rates)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # The default listen queue of 5 refuses a 64-connection load outright;
    # 128 measures the server, not its queue.
    request_queue_size = 128


def start_python_server(directory):
    """Python's own http.server, serving the downloaded flags."""
    handler = functools.partial(QuietHandler, directory=directory)
    server = Server(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rust-bin', default='target/release', help='where the release binaries are')
    args = parser.parse_args()
    bin_dir = args.rust_bin

    # The Rust flag server, for the Python downloads.
    server = subprocess.Popen([os.path.join(bin_dir, 'flags-server'), '--port', '0'],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split(' at ')[1].split()[0]
        dest = tempfile.mkdtemp(prefix='bench-python-')
        flags.configure(url, dest)
        CODES = [line.split('\t')[0] for line in open(
            os.path.join(os.path.dirname(__file__), '../../crates/flags-server/data/countries.tsv'))][1:]
        python = {
            'executor_submit_result_us': executor_us(futures.ThreadPoolExecutor, 4, 20_000),
            'process_pool_task_us': executor_us(futures.ProcessPoolExecutor, 2, 2_000),
            'process_map_chunksize_1_us': process_map_us(5_000, 1),
            'process_map_chunksize_10_us': process_map_us(20_000, 10),
            'process_map_chunksize_100_us': process_map_us(100_000, 100),
        }
        print('python: executors measured', file=sys.stderr)
        python['download_194_sequential_flags_per_s'] = flags_per_second(flags.download_many)
        python['download_194_threadpool_flags_per_s'] = flags_per_second(flags_threadpool.download_many)
        print('python: downloads measured', file=sys.stderr)
    finally:
        server.terminate()

    # Python's http.server, loaded by the Rust load generator in the same run.
    py_server = start_python_server(dest)
    py_url = f'http://127.0.0.1:{py_server.server_address[1]}/cn.gif'
    rust_json = subprocess.run([os.path.join(bin_dir, 'examples', 'bench_rust'), '--python-server', py_url],
                               check=True, capture_output=True, text=True).stdout
    rust = json.loads(rust_json)
    python['server_requests_per_s'] = rust.pop('python_server_requests_per_s')
    py_server.shutdown()

    rows = [
        ('executor submit+result', 'executor_submit_result_us', 'µs/task', False),
        ('process pool task', 'process_pool_task_us', 'µs/task', False),
        ('process map, chunksize 1', 'process_map_chunksize_1_us', 'µs/item', False),
        ('process map, chunksize 10', 'process_map_chunksize_10_us', 'µs/item', False),
        ('process map, chunksize 100', 'process_map_chunksize_100_us', 'µs/item', False),
        ('flag server, 64 connections', 'server_requests_per_s', 'req/s', True),
        ('194 flags, sequential', 'download_194_sequential_flags_per_s', 'flags/s', True),
        ('194 flags, thread pool', 'download_194_threadpool_flags_per_s', 'flags/s', True),
    ]
    print(f'{"measurement":<30}{"unit":>9}{"Rust":>12}{"Python":>12}{"Rust/Python":>14}')
    for label, key, unit, higher_is_better in rows:
        r, p = rust[key], python[key]
        advantage = r / p if higher_is_better else p / r
        print(f'{label:<30}{unit:>9}{number(r):>12}{number(p):>12}{advantage:>13.1f}x')
    print('\n(Rust/Python: how many times better Rust is; for µs/task and µs/item, Python / Rust)')
