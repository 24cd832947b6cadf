#!/usr/bin/python3
"""smtpsrv.py - real SMTP servers (aiosmtpd) for the send tests.

    smtpsrv.py CERT KEY STATE_DIR

On free loopback ports (written to STATE_DIR/smtp-ports as
"SMTPS STARTTLS PLAIN"):
  SMTPS     implicit TLS, AUTH required (user "rep", password "s3cret");
  STARTTLS  plaintext until STARTTLS, which it requires before AUTH/MAIL;
  PLAIN     offers no STARTTLS at all (a client must refuse to send).
Each accepted message is written to STATE_DIR/msg-N.eml exactly as
received (dot-stuffing removed, nothing added) with its envelope in
msg-N.env.  RCPT tempfail@... answers 451, permfail@... 550.
Stops on SIGTERM, or when the process that started it goes away.
"""
import asyncio
import os
import random
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, state = sys.argv[1:4]
count = 0
lock = threading.Lock()


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("tempfail@"):
            return "451 4.3.0 try again later"
        if address.startswith("permfail@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
            n = count
        base = os.path.join(state, f"msg-{n}")
        with open(base + ".env", "w") as f:
            f.write(f"from {envelope.mail_from}\n")
            for r in envelope.rcpt_tos:
                f.write(f"to {r}\n")
            f.write(f"auth {session.authenticated}\n")
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"rep"
          and auth_data.password == b"s3cret")
    # handled=False: aiosmtpd answers 535 itself.
    return AuthResult(success=ok, handled=False)


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)

controllers = []
for attempt in range(30):
    ports = random.sample(range(20000, 60000), 3)
    try:
        c1 = Controller(Handler(), hostname="127.0.0.1", port=ports[0],
                        ssl_context=ctx, authenticator=authenticator,
                        auth_require_tls=False, server_hostname="mail.test")
        c1.start()
        controllers.append(c1)
        c2 = Controller(Handler(), hostname="127.0.0.1", port=ports[1],
                        tls_context=ctx, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True,
                        server_hostname="mail.test")
        c2.start()
        controllers.append(c2)
        c3 = Controller(Handler(), hostname="127.0.0.1", port=ports[2],
                        authenticator=authenticator, auth_require_tls=False,
                        server_hostname="mail.test")
        c3.start()
        controllers.append(c3)
        break
    except Exception:
        for c in controllers:
            try:
                c.stop()
            except Exception:
                pass
        controllers = []
if not controllers:
    sys.exit("smtpsrv: no free ports")
with open(os.path.join(state, "smtp-ports.tmp"), "w") as f:
    f.write(" ".join(map(str, ports)) + "\n")
os.rename(os.path.join(state, "smtp-ports.tmp"), os.path.join(state, "smtp-ports"))

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
parent = os.getppid()
while not stop.wait(0.5):
    if os.getppid() != parent:
        break
for c in controllers:
    c.stop()
