"""期物 · Futures: submit + as_completed. Rust twin: crates/submit_as_completed.

    python3 flags_threadpool_futures.py --server http://127.0.0.1:8000/flags
"""

from concurrent import futures

from flags import main
from flags_threadpool import download_one

MAX_WORKERS = 10


def download_many(cc_list):
    with futures.ThreadPoolExecutor(max_workers=MAX_WORKERS) as executor:
        to_do = []
        for cc in sorted(cc_list):
            future = executor.submit(download_one, cc)
            to_do.append(future)
            print(f'Scheduled for {cc}: {future}')

        results = []
        for future in futures.as_completed(to_do):
            res = future.result()  # done already: never blocks here
            print(f'{future} result: {res}')
            results.append(res)
    return len(results)


if __name__ == '__main__':
    main(download_many)
