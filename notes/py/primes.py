"""GIL: CPU-bound work, sequentially, on threads, on processes. Rust twin: the
`primes` bin of crates/processes.

    python3 primes.py --strategy all
"""

import argparse
import math
import os
import time
from concurrent import futures

# Fluent Python's PRIME_FIXTURE (its primes.py): each number and whether it is prime.
PRIME_FIXTURE = [
    (2, True), (142702110479723, True), (299593572317531, True),
    (3333333333333301, True), (3333333333333333, False), (3333335652092209, False),
    (4444444444444423, True), (4444444444444444, False), (4444444488888889, False),
    (5555553133149889, False), (5555555555555503, True), (5555555555555555, False),
    (6666666666666666, False), (6666666666666719, True), (6666667141414921, False),
    (7777777536340681, False), (7777777777777753, True), (7777777777777777, False),
    (9999999999999917, True), (9999999999999999, False),
]
NUMBERS = [n for n, _ in PRIME_FIXTURE]


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
