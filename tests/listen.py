#!/usr/bin/env python3
"""tests/listen.py READYFILE ADDR:PORT... | @FILE: listen on every ADDR:PORT ([V6ADDR]:PORT for
IPv6), accept and close connections until killed; creates READYFILE once every socket listens.
IPv6 sockets bind with IP_FREEBIND, so an address of a `local` route (ip -6 route add local
fd00::/112 dev lo) needs no address of its own on lo."""
import selectors
import socket
import sys

def main():
    ready, specs = sys.argv[1], []
    for arg in sys.argv[2:]:
        if arg.startswith("@"):
            specs += open(arg[1:]).read().split()
        else:
            specs.append(arg)
    sel = selectors.DefaultSelector()
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        if addr.startswith("["):
            s = socket.socket(socket.AF_INET6)
            s.setsockopt(socket.SOL_IP, 15, 1)  # IP_FREEBIND
            addr = addr[1:-1]
        else:
            s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(128)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            try:
                conn, _ = key.fileobj.accept()
                conn.close()
            except OSError:
                pass

main()
