"""Writes TLS ClientHellos as fuzz seeds: Python's ssl module over memory BIOs (no network) produces
the first flight a real client sends for TLS 1.3, TLS 1.2 only, with and without ALPN. The TLS fuzz
target reads the first byte of an input as its read size (times 8), so each hello is written twice:
as one read and in 8-byte reads."""
import os
import ssl
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
variants = {
    "tls13-alpn": (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_3, ["http/1.1"]),
    "tls12-only": (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_2, ["http/1.1"]),
    "tls12-13-no-alpn": (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3, None),
    "h2-only": (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3, ["h2"]),
}
for name, (low, high, alpn) in variants.items():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version, context.maximum_version = low, high
    if alpn:
        context.set_alpn_protocols(alpn)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    connection = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        connection.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    for prefix, label in ((b"\xff", "whole"), (b"\x01", "8-byte-reads")):
        with open(os.path.join(out, f"{name}-{label}.bin"), "wb") as f:
            f.write(prefix + hello)
