#!/usr/bin/python3
"""The latency-bound endpoint of scenario 2: GET /delay/{ms} answers {"delayMs": ms} after ms milliseconds.

nginx-light has no echo module, so this small aiohttp server (Debian's python3-aiohttp) stands in.
Usage: delay_server.py PORT PARENT_PID. Binds 127.0.0.1:PORT only, prints "listening PORT" once
bound, and exits by itself within a second of PARENT_PID going away (or on SIGTERM).
"""
import asyncio
import json
import os
import sys

from aiohttp import web


async def delay(request):
    ms = min(int(request.match_info["ms"]), 10_000)
    await asyncio.sleep(ms / 1000)
    return web.Response(text=json.dumps({"delayMs": ms}), content_type="application/json")


async def watch_parent(parent_pid):
    while True:
        await asyncio.sleep(0.5)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)


async def main(port, parent_pid):
    app = web.Application()
    app.router.add_get("/delay/{ms:\\d+}", delay)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    print(f"listening {port}", flush=True)
    await watch_parent(parent_pid)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
