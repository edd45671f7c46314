"""实验Executor.map · The loiter experiment. Rust twin: crates/loiter_map.

    python3 demo_executor_map.py --unit 0.2
"""

import argparse
from concurrent import futures
from datetime import datetime
from time import sleep

UNIT = 1.0     # seconds in one "second" of loitering
MILLIS = False


def display(*args):
    stamp = datetime.now().strftime('%H:%M:%S.%f')[:-3 if MILLIS else -7]
    print(f'[{stamp}]', *args)


def loiter(n):
    tabs = '\t' * n
    display(f'{tabs} loiter({n}): doing nothing for {n}s ...')
    sleep(n * UNIT)
    display(f'{tabs} loiter({n}) done!')
    return n * 10


def main(workers=3, count=5):
    display('Script starting ...')
    executor = futures.ThreadPoolExecutor(max_workers=workers)
    results = executor.map(loiter, range(count))
    display('result: ', results)
    display('Waiting for individual results: ')
    for i, result in enumerate(results):
        display(f'result {i}: {result}')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--workers', type=int, default=3)
    parser.add_argument('--count', type=int, default=5)
    parser.add_argument('--unit', type=float, default=1.0)
    parser.add_argument('--millis', action='store_true')
    parser.add_argument('--server', help='ignored: the demo needs no server')
    parser.add_argument('--dest', help='ignored: the demo saves nothing')
    args = parser.parse_args()
    UNIT, MILLIS = args.unit, args.millis or args.unit < 1
    main(args.workers, args.count)
