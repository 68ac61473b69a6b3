#!/usr/bin/python3
"""Runs a command in a pseudo-terminal, as a terminal emulator would, for the progress tests.

PowerShell's progress rendering asks the terminal for the cursor position (ESC[6n) and waits for
the answer (ESC[row;colR). A real terminal answers at once; `script`, some CI log capturers and some
editors' terminals never do, and then every Write-Progress stalls.

usage: pty_session.py [--no-answer] [--timeout SEC] [--log FILE] -- CMD [ARGS...]
  --no-answer   never answer ESC[6n (the stalling terminal); default: answer each query at once
  --timeout     kill the command after SEC seconds (exit status 124)
  --log         write everything the command printed to FILE
Prints one JSON line on stdout: {"exit": N, "seconds": S, "queries": Q, "answered": A}.
"""
import argparse
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

QUERY = b"\x1b[6n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-answer", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--log")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command")

    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        # The child: the pty is its controlling terminal, stdin, stdout and stderr; 120 x 40.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    queries = answered = 0
    tail = b""
    output = bytearray()
    timed_out = False
    deadline = started + args.timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        output += data
        seen = (tail + data).count(QUERY) - tail.count(QUERY)
        queries += seen
        if not args.no_answer:
            for _ in range(seen):
                os.write(fd, b"\x1b[1;1R")
                answered += 1
        tail = data[-(len(QUERY) - 1):]

    _, status = os.waitpid(pid, 0)
    os.close(fd)
    if args.log:
        with open(args.log, "wb") as log:
            log.write(output)
    code = 124 if timed_out else os.waitstatus_to_exitcode(status)
    print(json.dumps({"exit": code, "seconds": round(time.monotonic() - started, 3), "queries": queries, "answered": answered}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
