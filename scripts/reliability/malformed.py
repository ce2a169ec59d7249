"""Malformed-input barrage against a running dnsguard on 127.0.0.1:PORT (server PID for memory): each
case is sent, its answer (status and reason, or how the connection ended) is checked against what the
product promises, and after every case a normal review must still get its 200. Prints one line per
case and a summary; exits 1 if any case got an unexpected answer or the server stopped serving.
Usage: malformed.py PORT CAFILE REVIEW_FILE SERVER_PID"""
import json
import os
import socket
import ssl
import sys
import time

port, cafile, review_file, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
review = open(review_file, "rb").read()
context = ssl.create_default_context(cafile=cafile)
context.set_alpn_protocols(["http/1.1"])


def rss_mib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0


def connect(timeout=30):
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_response(sock):
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, None, data
            data += chunk
    except (OSError, ssl.SSLError) as error:
        return None, None, type(error).__name__.encode()
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    try:
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    except (OSError, ssl.SSLError):
        pass
    return status, dict(l.lower().split(":", 1) for l in lines[1:] if ":" in l), rest


def post(body, path="/mutate/pods?timeout=10s", content_type="application/json", extra=b"", method="POST"):
    sock = connect()
    try:
        head = (f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n").encode() + extra + b"\r\n"
        sock.sendall(head + body)
        return read_response(sock)
    finally:
        sock.close()


def reason_of(body):
    """The message of a metav1.Status error body, or of a review response's status; else the text."""
    try:
        document = json.loads(body)
    except Exception:
        return body[:160].decode("utf-8", "replace")
    if document.get("kind") == "Status":
        return f"{document.get('reason')}: {document.get('message')}"
    status = (document.get("response") or {}).get("status") or {}
    return status.get("message") or json.dumps(document)[:160]


def still_serving():
    status, _, body = post(review)
    return status == 200 and b'"uid"' in body


results = []
peak = rss_mib()


def case(name, expectation, run):
    """run() returns (ok: bool, observed: str)."""
    global peak
    started = time.monotonic()
    try:
        ok, observed = run()
    except Exception as error:  # the case itself broke: that is a failure to report, not to hide
        ok, observed = False, f"client error {type(error).__name__}: {error}"
    elapsed = time.monotonic() - started
    serving = still_serving()
    rss = rss_mib()
    peak = max(peak, rss)
    results.append((name, ok and serving))
    print(f"{'ok  ' if ok and serving else 'FAIL'} {name:<44} expect {expectation:<26} got {observed} "
          f"({elapsed:.1f} s; then serving: {'yes' if serving else 'NO'}; RSS {rss:.0f} MiB)", flush=True)


def expect_status(code, body, must_contain=None, **kw):
    def run():
        status, _, answer = post(body, **kw)
        reason = reason_of(answer) if answer else ""
        ok = status == code and (must_contain is None or must_contain in reason)
        return ok, f"{status} {reason[:110]!r}"
    return run


def review_with(obj_json: bytes) -> bytes:
    return (b'{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"barrage",'
            b'"kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},'
            b'"operation":"CREATE","namespace":"default","userInfo":{"username":"x"},"object":' + obj_json + b'}}')


def raw_tls_bytes(payload, close_after=True):
    """Sends bytes on a plain TCP connection to the TLS port; reports how the server ended it."""
    def run():
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        started = time.monotonic()
        got = b""
        try:
            sock.sendall(payload)
            if close_after:
                sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            # The server may refuse and close before the client has finished sending.
            got += f"[closed while sending: {type(error).__name__}]".encode()
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                got += chunk
        except OSError as error:
            got += f"[{type(error).__name__}]".encode()
        sock.close()
        alert = got[:1] == b"\x15"
        return True, f"closed after {time.monotonic() - started:.1f} s, {len(got)} bytes back{' (TLS alert)' if alert else ''}"
    return run


hello = None
try:
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    c = ssl.create_default_context()
    c.check_hostname, c.verify_mode = False, ssl.CERT_NONE
    conn = c.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
except Exception:
    hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"

# --- TLS layer
case("truncated ClientHello record", "connection closed", raw_tls_bytes(hello[: len(hello) // 2]))
case("record header claiming 16 KB, 100 bytes sent", "connection closed", raw_tls_bytes(b"\x16\x03\x01\x40\x00" + b"\x00" * 100))
case("record length over the TLS maximum", "alert, closed", raw_tls_bytes(b"\x16\x03\x01\xff\xff" + b"\x00" * 70000))
case("64 KB of random bytes", "alert, closed", raw_tls_bytes(os.urandom(65536)))
case("plain HTTP to the TLS port", "closed", raw_tls_bytes(b"POST /mutate/pods HTTP/1.1\r\nHost: x\r\n\r\n"))


def truncated_app_record():
    sock = connect()
    # A TLS record cut short after the handshake: write a request, then the first half of another record.
    sock.sendall(b"POST /mutate/pods HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
    # Reach under the TLS layer: send half a record's worth of ciphertext-looking bytes on the raw socket.
    fd = socket.socket(fileno=os.dup(sock.fileno()))
    fd.sendall(b"\x17\x03\x03\x00\x40" + b"\x00" * 20)
    fd.shutdown(socket.SHUT_WR)
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
        end = "closed"
    except (OSError, ssl.SSLError) as error:
        end = type(error).__name__
    fd.close()
    sock.close()
    return True, f"{end} after {time.monotonic() - started:.1f} s"


case("truncated application-data record mid-body", "connection closed", truncated_app_record)

# --- HTTP layer
case("header of 20 KB (limit 16 KB)", "431", expect_status(431, review, extra=b"X-Big: " + b"a" * 20000 + b"\r\n"))
case("4,000 small headers (32 KB in all)", "431", expect_status(431, review, extra=b"".join(b"X-H%d: v\r\n" % i for i in range(4000))))
case("wrong content type", "415", expect_status(415, review, content_type="text/plain"))
case("wrong method", "405", expect_status(405, b"", method="PUT"))
case("unknown path", "404", expect_status(404, review, path="/mutate/secrets"))


def huge_body(chunked):
    def run():
        sock = connect()
        size = 100 * 1024 * 1024
        if chunked:
            head = b"POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        else:
            head = (b"POST /mutate/pods?timeout=10s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % size)
        sock.sendall(head)
        block = b"[" + b" " * (1024 * 1024 - 1)
        sent = 0
        sock.settimeout(30)
        stopped = "all sent"
        try:
            while sent < size:
                piece = (b"%x\r\n" % len(block) + block + b"\r\n") if chunked else block
                sock.sendall(piece)
                sent += len(block)
        except (OSError, ssl.SSLError) as error:
            stopped = f"server stopped reading ({type(error).__name__})"
        status, _, answer = read_response(sock)
        sock.close()
        reason = reason_of(answer) if answer else ""
        return status == 413, f"{status} {reason[:80]!r} after {sent // (1024 * 1024)} MiB sent, {stopped}"
    return run


case("100 MB body, Content-Length", "413", huge_body(False))
case("100 MB body, chunked", "413", huge_body(True))

# --- JSON layer
case("invalid UTF-8 in a string", "400 parse reason", expect_status(400, review_with(b'{"metadata":{"name":"a\xff\xfe"}}'), "malformed"))
case("invalid UTF-8 outside strings", "400 parse reason", expect_status(400, b"\xff\xfe" + review, "malformed"))
case("UTF-16 body", "400 parse reason", expect_status(400, review.decode("utf-8").encode("utf-16"), "malformed"))
case("100,000 nested arrays", "400 depth reason", expect_status(400, review_with(b'{"spec":{"x":' + b"[" * 100000 + b"]" * 100000 + b"}}"), "deeper"))
case("100,000 nested objects", "400 depth reason", expect_status(400, review_with(b'{"a":' * 100000 + b"1" + b"}" * 100000), "deeper"))
case("100,000 unclosed brackets", "400 parse reason", expect_status(400, b"[" * 100000, "malformed"))
case("number 1e999999 in the Pod", "400 out of range", expect_status(400, review_with(b'{"spec":{"terminationGracePeriodSeconds":1e999999}}'), "number out of range"))
case("400-digit integer in the Pod", "400 out of range", expect_status(400, review_with(b'{"spec":{"priority":' + b"9" * 400 + b"}}"), "number out of range"))
case("300-digit integer in the Pod", "200 (fits a Double)", expect_status(200, review_with(b'{"spec":{"priority":' + b"9" * 300 + b"}}")))
case("number where hostNetwork is read", "400 type reason", expect_status(400, review_with(b'{"spec":{"hostNetwork":1e999999}}'), "hostNetwork"))
case("overflowing number as uid", "400 reason", expect_status(400, review.replace(b'"uid":', b'"uid":123456789012345678901234567890,"x":', 1)))
case("1 MB of digits as a number", "400 out of range", expect_status(400, review_with(b'{"spec":{"priority":1' + b"0" * 1_000_000 + b"}}"), "number out of range"))
case("NaN and Infinity literals", "400 parse reason", expect_status(400, review_with(b'{"spec":{"priority":NaN}}'), "malformed"))
case("body cut in the middle", "400 parse reason", expect_status(400, review[: len(review) // 2], "malformed"))
case("empty body", "400 reason", expect_status(400, b""))

failed = [name for name, ok in results if not ok]
print(f"\n{len(results)} malformed inputs; {len(results) - len(failed)} answered as promised; "
      f"server RSS peak during the barrage {peak:.0f} MiB, now {rss_mib():.0f} MiB")
if failed:
    print("FAILED: " + ", ".join(failed))
    sys.exit(1)
