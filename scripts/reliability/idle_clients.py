"""Holds COUNT connections open against 127.0.0.1:PORT for SECONDS and reports what the server did
with them: a third complete the TLS handshake and then say nothing (idle kept-alive clients), a third
open TCP and send nothing (the handshake never starts), a third complete the handshake and drip a
request header one byte every 2 seconds (slow loris). Prints one JSON object: how many of each were
opened and how many the server closed, and when.
Usage: idle_clients.py PORT COUNT SECONDS"""
import json
import select
import socket
import ssl
import sys
import time

port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
context.set_alpn_protocols(["http/1.1"])

kinds = ["idle-tls", "silent-tcp", "slow-loris"]
conns = []  # [kind, socket, opened_at, closed_at, sent]
opened = {k: 0 for k in kinds}
failed_to_open = {k: 0 for k in kinds}
start = time.monotonic()
for i in range(count):
    kind = kinds[i % 3]
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        if kind == "silent-tcp":
            sock = raw
        else:
            sock = context.wrap_socket(raw, server_hostname="localhost")
        sock.setblocking(False)
        conns.append([kind, sock, time.monotonic() - start, None, 0])
        opened[kind] += 1
    except OSError:
        failed_to_open[kind] += 1

header = b"POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 10000
next_drip = time.monotonic()
while time.monotonic() - start < seconds:
    now = time.monotonic()
    if now >= next_drip:
        next_drip = now + 2
        for c in conns:
            if c[0] == "slow-loris" and c[3] is None:
                try:
                    c[1].send(header[c[4]:c[4] + 1])
                    c[4] += 1
                except ssl.SSLWantWriteError:
                    pass
                except OSError:
                    c[3] = now - start
    live = [c for c in conns if c[3] is None]
    if not live:
        break
    socks = [c[1] for c in live]
    readable = []
    for i in range(0, len(socks), 500):
        r, _, _ = select.select(socks[i:i + 500], [], [], 0.2)
        readable += r
    for c in live:
        if c[1] in readable:
            try:
                data = c[1].recv(4096)
                if not data:
                    c[3] = time.monotonic() - start
            except (ssl.SSLWantReadError, BlockingIOError):
                pass
            except OSError:
                c[3] = time.monotonic() - start

report = {"opened": opened, "failed_to_open": failed_to_open, "closed_by_server": {}, "close_after_s": {}}
for k in kinds:
    closed = [c[3] - c[2] for c in conns if c[0] == k and c[3] is not None]
    report["closed_by_server"][k] = len(closed)
    if closed:
        report["close_after_s"][k] = [round(min(closed), 1), round(max(closed), 1)]
for c in conns:
    try:
        c[1].close()
    except OSError:
        pass
print(json.dumps(report))
