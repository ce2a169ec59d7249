"""Posts reviews to 127.0.0.1:PORT from THREADS threads until SECONDS pass or the server has been gone
for 2 seconds. Half the threads keep their connection alive, half open a new one per review. For each
review it records when its last byte was written (wall clock) and whether a complete HTTP response
came back, with its status; the records go to OUT as JSON lines.
Usage: review_client.py PORT CAFILE REVIEW_FILE THREADS SECONDS OUT"""
import json
import socket
import ssl
import sys
import threading
import time

port, cafile, review_file, threads, seconds, out = (
    int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
body = open(review_file, "rb").read()
context = ssl.create_default_context(cafile=cafile)
context.set_alpn_protocols(["http/1.1"])
records = []
lock = threading.Lock()
deadline = time.monotonic() + seconds


def request(close):
    head = (f"POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n" + ("Connection: close\r\n" if close else "") + "\r\n").encode()
    return head + body


def read_response(sock):
    """Status code of one complete response, or None if the connection ended first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, True
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    closing = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "connection" and value.strip().lower() == "close":
            closing = True
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, True
        rest += chunk
    return status, closing


def worker(keep_alive):
    sock = None
    gone_since = None
    while time.monotonic() < deadline:
        if sock is None:
            try:
                raw = socket.create_connection(("127.0.0.1", port), timeout=15)
                sock = context.wrap_socket(raw, server_hostname="localhost")
                gone_since = None
            except OSError:
                sock = None
                gone_since = gone_since or time.monotonic()
                if time.monotonic() - gone_since > 2:
                    return
                time.sleep(0.05)
                continue
        record = {"keepAlive": keep_alive}
        try:
            sock.sendall(request(not keep_alive))
            record["written"] = time.time()
            status, closing = read_response(sock)
            record["status"] = status
        except (OSError, ValueError) as error:
            record.setdefault("written", None)
            record["status"] = None
            record["error"] = type(error).__name__
            closing = True
        record["answered"] = time.time()
        with lock:
            records.append(record)
        if closing or not keep_alive or record["status"] is None:
            try:
                sock.close()
            except OSError:
                pass
            sock = None


pool = [threading.Thread(target=worker, args=(i % 2 == 0,)) for i in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
with open(out, "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
