#!/usr/bin/env python3
"""share/demo/exporters.py READYFILE ADDR:PORT...: the demo's fake exporters. Every ADDR:PORT
answers GET /metrics with a few lines in the exposition format, like a tiny node_exporter;
READYFILE is created once every socket listens. Runs until killed (make demo stops it)."""
import selectors
import socket
import sys

BODY = ("# HELP demo_exporter_info A fake exporter of make demo.\n"
        "# TYPE demo_exporter_info gauge\n"
        "demo_exporter_info{listen=\"%s\"} 1\n")

def answer(conn, spec):
    conn.settimeout(2)
    try:
        req = conn.recv(4096).decode("latin-1")
        path = req.split(" ")[1] if req.count(" ") >= 2 else "/"
        body = (BODY % spec).encode() if path.startswith("/metrics") else b"see /metrics\n"
        status = "200 OK" if path.startswith("/metrics") else "404 Not Found"
        conn.sendall(("HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
                      "Content-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body))
                      ).encode() + body)
    except OSError:
        pass
    finally:
        conn.close()

def main():
    ready, specs = sys.argv[1], sys.argv[2:]
    sel = selectors.DefaultSelector()
    for spec in specs:
        addr, port = spec.rsplit(":", 1)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(128)
        sel.register(s, selectors.EVENT_READ, spec)
    open(ready, "w").close()
    while True:
        for key, _ in sel.select():
            try:
                conn, _ = key.fileobj.accept()
            except OSError:
                continue
            answer(conn, key.data)

main()
