"""ProcessPoolExecutor: the thread pool with processes. Rust twin: crates/processes.

    python3 flags_processpool.py --server http://127.0.0.1:8000/flags
"""

import os
from concurrent import futures

import flags
from flags import main
from flags_threadpool import download_one


def download_many(cc_list):
    # The one line that changes; `initializer` gives each worker the globals
    # that main() set in this process (a worker may not inherit them).
    with futures.ProcessPoolExecutor(
        initializer=flags.configure, initargs=(flags.BASE_URL, flags.DEST_DIR)
    ) as executor:
        res = executor.map(download_one, sorted(cc_list))
    return len(list(res))


if __name__ == '__main__':
    print(f'{os.cpu_count()} worker processes', flush=True)
    main(download_many)
