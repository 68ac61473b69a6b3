#!/usr/bin/python3
"""aiohttp peer for the AsyncWeb benchmarks (run with Debian's /usr/bin/python3 and python3-aiohttp).

Modes (one JSON line on stdout: {"tool", "mode", "count", "errors", "seconds", "bytes"}):
  get URL COUNT CONCURRENCY [insecure]   COUNT GETs of URL, one ClientSession, Semaphore + TCPConnector(limit);
                                   https: certificates checked against the default trust (SSL_CERT_FILE / SSL_CERT_DIR)
                                   unless "insecure" (ssl=False, as curl -k)
  download URL PATH CHUNK          one GET streamed to PATH in CHUNK-byte pieces
  download-many LISTFILE DIR CONCURRENCY   every URL in LISTFILE (one a line) streamed into DIR
Seconds are measured around the requests only (interpreter start and imports excluded), as the
AsyncWeb figures are measured around the pipeline.
"""
import asyncio
import json
import os
import sys
import time

import aiohttp


async def get_many(url, count, concurrency, insecure=False):
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=False if insecure else None)
    errors = 0
    received = 0

    async with aiohttp.ClientSession(connector=connector) as session:
        async def one():
            nonlocal errors, received
            async with semaphore:
                try:
                    async with session.get(url) as response:
                        body = await response.read()
                        received += len(body)
                        if response.status >= 400:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1

        # Tasks are created in windows so 100k pending coroutines never sit in memory at once.
        started = time.perf_counter()
        window = max(concurrency * 16, 1024)
        for first in range(0, count, window):
            await asyncio.gather(*(one() for _ in range(min(window, count - first))))
        seconds = time.perf_counter() - started
    return {"count": count, "errors": errors, "seconds": seconds, "bytes": received}


async def download(url, path, chunk):
    started = time.perf_counter()
    written = 0
    errors = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
        async with session.get(url) as response:
            if response.status >= 400:
                errors = 1
            with open(path, "wb") as handle:
                async for piece in response.content.iter_chunked(chunk):
                    handle.write(piece)
                    written += len(piece)
    return {"count": 1, "errors": errors, "seconds": time.perf_counter() - started, "bytes": written}


async def download_many(list_file, directory, concurrency):
    with open(list_file, encoding="utf-8") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    errors = 0
    written = 0
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(url):
            nonlocal errors, written
            async with semaphore:
                name = url.rsplit("/", 1)[-1]
                try:
                    async with session.get(url) as response:
                        if response.status >= 400:
                            errors += 1
                            return
                        with open(os.path.join(directory, name), "wb") as out:
                            async for piece in response.content.iter_chunked(128 * 1024):
                                out.write(piece)
                                written += len(piece)
                except aiohttp.ClientError:
                    errors += 1

        await asyncio.gather(*(one(u) for u in urls))
    return {"count": len(urls), "errors": errors, "seconds": time.perf_counter() - started, "bytes": written}


def main(argv):
    mode = argv[1]
    if mode == "get":
        result = asyncio.run(get_many(argv[2], int(argv[3]), int(argv[4]), len(argv) > 5 and argv[5] == "insecure"))
    elif mode == "download":
        result = asyncio.run(download(argv[2], argv[3], int(argv[4])))
    elif mode == "download-many":
        result = asyncio.run(download_many(argv[2], argv[3], int(argv[4])))
    else:
        raise SystemExit(f"unknown mode {mode}")
    result.update({"tool": "aiohttp", "mode": mode, "version": aiohttp.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
