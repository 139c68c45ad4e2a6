#!/usr/bin/env python3
"""Bursts of concurrent sign-ins for login-flood.sh.

    login-burst.py PORT CONCURRENCY SECONDS REAL_USER COOKIE CSRF [spread]

Every PAUSE seconds (default 2) for SECONDS, opens CONCURRENCY connections, then sends one
POST /login on each at the same moment — every other one for REAL_USER, the rest for unknown
accounts, all with wrong passwords — and reads the answers. With `spread`, each request claims
an address of its own (X-Forwarded-For, which the server believes from loopback). Prints one
line of totals: answers by status and the slowest answer of each kind.
"""
import os
import random
import socket
import sys
import threading
import time

port, concurrency, seconds, real, cookie, token = sys.argv[1:7]
port, concurrency, seconds = int(port), int(concurrency), float(seconds)
spread = len(sys.argv) > 7 and sys.argv[7] == "spread"
pause = float(os.environ.get("PAUSE", "2"))

counts = {}
slowest = {}
lock = threading.Lock()


def request(i, burst):
    user = real if i % 2 == 0 else f"nobody{burst}x{i}"
    body = f"_csrf={token}&username={user}&password=wrong-guess-{burst}-{i}"
    lines = [
        "POST /login HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Cookie: {cookie}",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if spread:
        lines.append(f"X-Forwarded-For: 10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def one(i, burst, barrier):
    status = "error"
    took = 0.0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            payload = request(i, burst)
            barrier.wait()
            start = time.monotonic()
            s.sendall(payload)
            first = s.recv(64)
            took = time.monotonic() - start
            status = first.split(b" ", 2)[1].decode() if first.startswith(b"HTTP/") else "error"
            while s.recv(65536):
                pass
    except (OSError, threading.BrokenBarrierError):
        pass
    with lock:
        counts[status] = counts.get(status, 0) + 1
        slowest[status] = max(slowest.get(status, 0.0), took)


end = time.monotonic() + seconds
burst = 0
while time.monotonic() < end:
    burst += 1
    started = time.monotonic()
    barrier = threading.Barrier(concurrency, timeout=30)
    threads = [threading.Thread(target=one, args=(i, burst, barrier)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(max(0.0, pause - (time.monotonic() - started)))

summary = ", ".join(f"{k} {counts[k]} (slowest {slowest[k] * 1000:.0f} ms)" for k in sorted(counts))
print(f"bursts: {burst} of {concurrency}; answers: {summary}")
