"""顺序下载 · Sequential download. Rust twin: crates/sequential.

Download the 20 flags one after another. Stdlib only:

    python3 flags.py --server http://127.0.0.1:8000/flags --dest downloads
"""

import argparse
import os
import sys
import time
import urllib.request

POP20_CC = 'CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR'.split()

BASE_URL = 'http://localhost:8000/flags'
DEST_DIR = 'downloads'


def configure(base_url, dest_dir):
    """Set the module's globals (worker processes call this too)."""
    global BASE_URL, DEST_DIR
    BASE_URL, DEST_DIR = base_url.rstrip('/'), dest_dir


def save_flag(img, filename):
    path = os.path.join(DEST_DIR, filename)
    tmp = f'{path}.{os.getpid()}.tmp'  # write, then rename: never half a file
    with open(tmp, 'wb') as fp:
        fp.write(img)
    os.replace(tmp, path)


def get_flag(cc):
    url = f'{BASE_URL}/{cc.lower()}/{cc.lower()}.gif'
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read()


def show(text):
    print(text, end=' ', flush=True)


def download_many(cc_list):
    for cc in sorted(cc_list):
        image = get_flag(cc)
        show(cc)
        save_flag(image, cc.lower() + '.gif')
    return len(cc_list)  # the chapter's version forgot this: "None flags"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--server', default=BASE_URL, help='base URL of the flags')
    parser.add_argument('--dest', default=DEST_DIR, help='directory to save into')
    return parser.parse_args(argv)


def main(download_many):
    args = parse_args()
    configure(args.server, args.dest)
    os.makedirs(DEST_DIR, exist_ok=True)
    t0 = time.perf_counter()
    try:
        count = download_many(POP20_CC)
    except OSError as exc:  # URLError and HTTPError are OSErrors
        sys.exit(f'\nerror: {exc}')
    elapsed = time.perf_counter() - t0
    print(f'\n{count} flags downloaded in {elapsed:.2f}s')


if __name__ == '__main__':
    main(download_many)
