"""asyncio · 异步下载. Rust twin: crates/async_flags.

HTTP by hand over asyncio.open_connection (stdlib has no async HTTP client),
so every wait is a real `await` on a socket, not a thread in disguise.

    python3 flags_asyncio.py --server http://127.0.0.1:8000/flags
"""

import asyncio
import urllib.parse

import flags
from flags import main, save_flag


async def get_flag(cc):
    url = urllib.parse.urlsplit(f'{flags.BASE_URL}/{cc.lower()}/{cc.lower()}.gif')
    reader, writer = await asyncio.open_connection(url.hostname, url.port or 80)
    request = f'GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n'
    writer.write(request.encode())
    await writer.drain()
    head = await reader.readuntil(b'\r\n\r\n')
    body = await reader.read()  # the server closes after the body
    writer.close()
    await writer.wait_closed()
    status = int(head.split()[1])
    if status != 200:
        raise OSError(f'{cc}: HTTP {status}')
    return body


async def download_one(cc):
    image = await get_flag(cc)
    await asyncio.to_thread(save_flag, image, cc.lower() + '.gif')
    print(cc, end=' ', flush=True)
    return cc


async def supervisor(cc_list):
    to_do = [asyncio.create_task(download_one(cc)) for cc in sorted(cc_list)]
    res = [await task for task in asyncio.as_completed(to_do)]
    return len(res)


def download_many(cc_list):
    return asyncio.run(supervisor(cc_list))


if __name__ == '__main__':
    main(download_many)
