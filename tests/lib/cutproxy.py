#!/usr/bin/python3
"""tests/lib/cutproxy.py - an IMAP server on loopback that relays a real
(plaintext) Dovecot but can break in the middle of a FETCH literal, as a
server or a middlebox that dies mid-transfer does.

    cutproxy.py PORTFILE UPSTREAM_PORT MODEFILE

Listens on a free port of 127.0.0.1 and writes it to PORTFILE.  For each
connection it reads MODEFILE: "pass" relays everything; "cut K" relays
until the K-th FETCH response literal of that connection has been
announced ("* n FETCH (... {size}") and half of its bytes sent, then
closes the connection, leaving the client inside the literal.  Each cut
is logged on stderr ("cut: literal K of N bytes after M bytes").  Runs
until killed.
"""
import re
import select
import socket
import sys
import threading

LIT = re.compile(rb'FETCH .*\{(\d+)\}\r\n$')


def relay(client, upstream_port, modefile):
    try:
        with open(modefile) as f:
            mode = f.read().split()
    except OSError:
        mode = ['pass']
    cut_at = int(mode[1]) if mode and mode[0] == 'cut' else 0
    up = socket.create_connection(('127.0.0.1', upstream_port))
    line = b''
    literal_left = 0
    nlit = 0
    try:
        while True:
            r, _, _ = select.select([client, up], [], [], 120)
            if not r:
                break
            if client in r:
                data = client.recv(65536)
                if not data:
                    break
                up.sendall(data)
            if up in r:
                data = up.recv(65536)
                if not data:
                    break
                out = bytearray()
                i = 0
                while i < len(data):
                    if literal_left:
                        n = min(literal_left, len(data) - i)
                        out += data[i:i + n]
                        literal_left -= n
                        i += n
                        continue
                    j = data.find(b'\n', i)
                    if j < 0:
                        line += data[i:]
                        out += data[i:]
                        break
                    line += data[i:j + 1]
                    out += data[i:j + 1]
                    i = j + 1
                    m = LIT.search(line)
                    line = b''
                    if not m:
                        continue
                    nlit += 1
                    size = int(m.group(1))
                    if cut_at and nlit == cut_at:
                        half = size // 2
                        rest = data[i:i + half]
                        out += rest
                        # Whatever the upstream has not sent yet of the
                        # first half, read it before cutting.
                        while len(rest) < half:
                            more = up.recv(half - len(rest))
                            if not more:
                                break
                            rest += more
                            out += more
                        client.sendall(bytes(out))
                        sys.stderr.write('cut: literal %d of %d bytes after '
                                         '%d bytes\n' % (nlit, size,
                                                         len(rest)))
                        sys.stderr.flush()
                        return
                    literal_left = size
                client.sendall(bytes(out))
    except OSError:
        pass
    finally:
        for s in (client, up):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def main():
    portfile, upstream_port, modefile = sys.argv[1], int(sys.argv[2]), \
        sys.argv[3]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(8)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % srv.getsockname()[1])
    import os
    os.rename(portfile + '.tmp', portfile)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=relay, args=(c, upstream_port, modefile),
                         daemon=True).start()


if __name__ == '__main__':
    main()
