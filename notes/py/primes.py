"""GIL: CPU-bound work, sequentially, on threads, on processes. Rust twin: the
`primes` bin of crates/processes.

    python3 primes.py --strategy all
"""

import argparse
import math
import os
import time
from concurrent import futures

NUMBERS = [
    2, 999_997_874_844_049, 999_999_999_999_989, 1_000_000_000_000_000,
    2_718_281_828_458_993, 2_718_281_828_459_045, 2_718_281_828_459_051,
    3_141_592_653_589_771, 3_141_592_653_589_793, 3_141_592_653_589_861,
    4_999_999_841_798_329, 4_999_999_999_999_997, 5_000_000_000_000_023,
    7_777_777_777_777_777, 7_999_999_999_999_871, 8_000_000_000_000_011,
    9_999_997_800_000_121, 9_999_999_999_999_937, 9_999_999_999_999_999,
    9_999_999_999_999_991,
]


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    for i in range(3, math.isqrt(n) + 1, 2):
        if n % i == 0:
            return False
    return True


def check(n):
    t0 = time.perf_counter()
    prime = is_prime(n)
    return n, prime, time.perf_counter() - t0


def run(name, executor_class, workers, numbers):
    print(f'── {name}, {workers} worker{"s" if workers != 1 else ""} ──')
    t0 = time.perf_counter()
    if executor_class is None:
        results = map(check, numbers)
    else:
        executor = executor_class(workers)
        results = (f.result() for f in futures.as_completed(
            [executor.submit(check, n) for n in numbers]))
    for n, prime, elapsed in results:
        print(f'{"P" if prime else " "} {n:16}  {elapsed:.2f}s')
    total = time.perf_counter() - t0
    print(f'Total time: {total:.2f}s\n')
    return total


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-s', '--strategy', default='all',
                        choices=['seq', 'threads', 'processes', 'all'])
    parser.add_argument('-w', '--workers', type=int, default=os.cpu_count())
    parser.add_argument('--count', type=int, default=len(NUMBERS),
                        help='check only the first N numbers (Python is slow)')
    args = parser.parse_args()
    numbers = NUMBERS[:args.count]
    table = []
    for name, cls, n in [('sequential', None, 1),
                         ('threads', futures.ThreadPoolExecutor, args.workers),
                         ('processes', futures.ProcessPoolExecutor, args.workers)]:
        if args.strategy in ('all', name[:len(args.strategy)]):
            table.append((name, n, run(name, cls, n, numbers)))
    base = next((t for name, _, t in table if name == 'sequential'), None)
    print(f'{"strategy":<12}{"workers":>8}{"total":>10}{"speed-up":>10}')
    for name, n, total in table:
        speed_up = f'{base / total:.2f}x' if base else '-'
        print(f'{name:<12}{n:>8}{total:>9.2f}s{speed_up:>10}')
