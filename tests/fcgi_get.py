#!/usr/bin/env python3
"""tests/fcgi_get.py ADDR URI: one FastCGI GET request (responder role) to ADDR -- a unix
socket path, HOST:PORT or [IPv6]:PORT -- for URI (path?query); prints the application's
stdout (CGI headers and body) and exits 0 once the request has ended, 1 otherwise. Stdlib
only: the tests' FastCGI client where no web server is wanted."""
import socket
import struct
import sys

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(rtype, content):
    return struct.pack('!BBHHBx', 1, rtype, 1, len(content), 0) + content


def pair(name, value):
    def size(n):
        return bytes([n]) if n < 128 else struct.pack('!I', n | 0x80000000)
    return size(len(name)) + size(len(value)) + name + value


def main():
    addr, uri = sys.argv[1:3]
    if addr.startswith('/') or ':' not in addr:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(addr)
    else:
        host, port = addr.rsplit(':', 1)
        host = host.strip('[]') or '127.0.0.1'
        s = socket.create_connection((host, int(port)), timeout=10)
    s.settimeout(10)
    path, _, query = uri.partition('?')
    env = {b'REQUEST_METHOD': b'GET', b'REQUEST_URI': uri.encode(), b'SCRIPT_NAME': b'',
           b'QUERY_STRING': query.encode(), b'SERVER_PROTOCOL': b'HTTP/1.1'}
    params = b''.join(pair(k, v) for k, v in env.items())
    s.sendall(record(BEGIN, struct.pack('!HB5x', 1, 0)) + record(PARAMS, params) +
              record(PARAMS, b'') + record(STDIN, b''))
    buf, out = b'', b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack('!BBHHB', buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == STDOUT:
                out += buf[8:8 + clen]
            elif rtype == END:
                sys.stdout.buffer.write(out)
                return 0
            buf = buf[8 + clen + plen:]
    sys.stdout.buffer.write(out)
    return 1


sys.exit(main())
