#!/usr/bin/python3
"""websrv.py - the fixture company websites for the enrichment tests.

    websrv.py SITES_DIR CERT KEY STATE_DIR

Binds, on one pair of free ports chosen here (written to STATE_DIR/ports
as "HTTPS HTTP"):
  127.0.0.1  HTTPS (CERT/KEY) and HTTP: the fixture sites, by Host header;
  127.0.0.2, 127.0.0.3 and [::1], both ports: canaries.  The tests refuse
      these addresses; any connection to a canary is logged to
      STATE_DIR/canary.log, which must stay empty.
Every request to a site is logged to STATE_DIR/requests.log.

Hosts (see tests/data/enrich/sites/*/ and the dnsmasq records):
  *.test with a directory in SITES_DIR   that directory's index.html
  gbk.test          the page in GBK, charset only in the <meta>
  big.test          10 MB of HTML (the fetch must stop at its cap)
  slow.test         never answers (holds the connection)
  chain5.test       5 redirects before the page (more than allowed)
  chain3.test       3 redirects (allowed)
  toloop.test       redirects to http://127.0.0.2:HTTP/ (a canary)
  tolocal.test      redirects to https://loopa.test/ (resolves to a canary)
  toftp.test        redirects to ftp://chain3.test/
  dN-bench.test     a small phone shop (tests/bench/enrich.sh); when N
                    is a multiple of 20 it answers after 1 s
Stops on SIGTERM, or when the process that started it goes away.
"""
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sites, cert, key, state = sys.argv[1:5]
stop = threading.Event()
lock = threading.Lock()


def log(name, line):
    with lock:
        with open(os.path.join(state, name), "a") as f:
            f.write(line + "\n")


class Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle and the
    # client's delayed ACK add 40 ms to every page.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="text/html; charset=utf-8", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where):
        self.send(302, b"moved", extra=[("Location", where)])

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        log("requests.log", f"{scheme} {host} {self.path}")
        if host == "slow.test":
            stop.wait(60)
            return
        m = re.match(r"^d(\d+)-bench\.test$", host)
        if m:
            n = int(m.group(1))
            if n % 20 == 0:         # one site in twenty is slow
                stop.wait(1.0)
            self.send(200, (
                f"<html lang='en'><head><title>Bench Company {n}</title>"
                f"<meta name='description' content='Mobile phones and "
                f"accessories, shop {n}.'></head><body><p>We sell "
                f"smartphones.</p></body></html>").encode())
            return
        if host == "big.test":
            head = (b"<html><head><title>Big Page Trading</title></head>"
                    b"<body><p>mobile phones</p>")
            filler = b"<p>" + b"x" * 1000 + b"</p>\n"
            total = 10 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            try:
                self.wfile.write(head)
                sent = len(head)
                while sent < total and not stop.is_set():
                    chunk = filler[: total - sent]
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            return
        for name, n in (("chain5.test", 5), ("chain3.test", 3)):
            if host == name:
                step = int(self.path.strip("/r") or 0) if self.path.startswith("/r") else 0
                if step < n:
                    self.redirect(f"/r{step + 1}")
                    return
                self.send(200, b"<html><head><title>End of the chain</title>"
                          b"</head><body>promotional gifts</body></html>")
                return
        if host == "toloop.test":
            self.redirect(f"http://127.0.0.2:{ports[1]}/")
            return
        if host == "tolocal.test":
            self.redirect("https://loopa.test/")
            return
        if host == "toftp.test":
            self.redirect("ftp://chain3.test/")
            return
        d = os.path.join(sites, host.removesuffix(".test"))
        if not host.endswith(".test") or not os.path.isdir(d):
            self.send(404, b"no such site")
            return
        page = os.path.join(d, "index.html")
        with open(page, "rb") as f:
            body = f.read()
        ctype = "text/html; charset=utf-8"
        if os.path.exists(os.path.join(d, "content-type")):
            with open(os.path.join(d, "content-type")) as f:
                ctype = f.read().strip()
        self.send(200, body, ctype)


class Canary(BaseHTTPRequestHandler):
    def handle(self):
        log("canary.log", f"connection from {self.client_address} to "
            f"{self.server.server_address}")
        try:
            self.connection.recv(1024)
        except OSError:
            pass


class Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class QuietV6(Quiet):
    address_family = socket.AF_INET6


class QuietTLS(Quiet):
    """TLS handshakes in the request's thread, so that a client that
    stalls or fails one cannot hold up the accept loop."""

    def finish_request(self, request, client_address):
        request.settimeout(10)
        try:
            request = ctx.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        request.settimeout(None)
        super().finish_request(request, client_address)

    def shutdown_request(self, request):
        try:
            request.close()
        except OSError:
            pass


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)

# Per-name certificates (STATE_DIR/sni/NAME.pem with sni/key.pem), for
# the bench's thousand domains: one certificate with a thousand names
# would make every handshake slow on both sides.
sni_dir = os.path.join(state, "sni")
sni_ctx = {}


def pick_cert(sock, name, _ctx):
    if not name:
        return None
    c = sni_ctx.get(name)
    if c is None:
        pem = os.path.join(sni_dir, name + ".pem")
        if not os.path.exists(pem):
            return None
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        c.load_cert_chain(pem, os.path.join(sni_dir, "key.pem"))
        sni_ctx[name] = c
    sock.context = c
    return None


ctx.sni_callback = pick_cert


def bind_all(https, http):
    servers = []
    try:
        servers.append(QuietTLS(("127.0.0.1", https), Site,
                                bind_and_activate=False))
        servers.append(Quiet(("127.0.0.1", http), Site, bind_and_activate=False))
        for addr in ("127.0.0.2", "127.0.0.3"):
            for p in (https, http):
                servers.append(Quiet((addr, p), Canary, bind_and_activate=False))
        for p in (https, http):
            servers.append(QuietV6(("::1", p), Canary, bind_and_activate=False))
        for s in servers:
            s.allow_reuse_address = False
            s.server_bind()
            s.server_activate()
    except OSError:
        for s in servers:
            s.server_close()
        return None
    return servers


servers = None
for attempt in range(50):
    ports = (random.randint(20000, 60000), random.randint(20000, 60000))
    if ports[0] == ports[1]:
        continue
    servers = bind_all(*ports)
    if servers:
        break
if not servers:
    sys.exit("websrv: no free ports")
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
open(os.path.join(state, "canary.log"), "a").close()
with open(os.path.join(state, "ports.tmp"), "w") as f:
    f.write(f"{ports[0]} {ports[1]}\n")
os.rename(os.path.join(state, "ports.tmp"), os.path.join(state, "ports"))

import signal
signal.signal(signal.SIGTERM, lambda *a: stop.set())
parent = os.getppid()
while not stop.wait(0.5):
    if os.getppid() != parent:   # the test died without stopping us
        break
for s in servers:
    s.shutdown()
    s.server_close()
