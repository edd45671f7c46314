"""concurrent.futures · Executor.map. Rust twin: crates/threadpool.

    python3 flags_threadpool.py --server http://127.0.0.1:8000/flags
"""

from concurrent import futures

from flags import get_flag, main, save_flag, show

MAX_WORKERS = 20


def download_one(cc):
    # The sequential loop body, as a function: now it can run on many threads.
    image = get_flag(cc)
    show(cc)
    save_flag(image, cc.lower() + '.gif')
    return cc


def download_many(cc_list):
    workers = min(MAX_WORKERS, len(cc_list))
    with futures.ThreadPoolExecutor(workers) as executor:
        res = executor.map(download_one, sorted(cc_list))
    return len(list(res))


if __name__ == '__main__':
    main(download_many)
