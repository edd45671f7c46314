"""一个进程死，整个池坏 · One dead worker breaks Python's whole pool.

    python3 notes/py/broken_pool.py

When one worker of a ProcessPoolExecutor dies (os._exit, a signal, the OOM
killer), Python marks the pool broken: every future not yet done, even one
running fine in another worker, raises BrokenProcessPool, and so does every
later submit. The Rust twin, concurrent_futures::ProcessPoolExecutor, fails
only the dead worker's task (tests/process_pool.rs:
a_killed_worker_fails_only_its_task).
"""

import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def square(n):
    time.sleep(0.1)
    return n * n


def die(how):
    if how == 'os._exit':
        os._exit(3)
    os.kill(os.getpid(), signal.SIGKILL)


def main():
    for how in ('os._exit', 'os.kill'):
        print(f'a worker dies by {how}:')
        with ProcessPoolExecutor(max_workers=2) as executor:
            to_do = [executor.submit(square, n) for n in range(2)]
            to_do.append(executor.submit(die, how))
            to_do += [executor.submit(square, n) for n in range(2, 5)]
            for future in to_do:
                try:
                    print('   ', future.result())
                except BrokenProcessPool as exc:
                    print('    BrokenProcessPool:', exc)
            try:
                executor.submit(square, 5)
            except BrokenProcessPool as exc:
                print('    submit afterwards: BrokenProcessPool:', exc)


if __name__ == '__main__':
    main()
