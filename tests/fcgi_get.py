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


def connect(addr, rcvbuf=0):
    """A socket connected to ADDR (unix path, HOST:PORT, [IPv6]:PORT); with rcvbuf, its
    receive buffer is set to that many bytes first."""
    if addr.startswith('/') or ':' not in addr:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = addr
    else:
        host, port = addr.rsplit(':', 1)
        host = host.strip('[]') or '127.0.0.1'
        s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(target)
    return s


def send_request(s, method, uri):
    """The records of one request without a body, as a web server sends them."""
    path, _, query = uri.partition('?')
    env = {b'REQUEST_METHOD': method.encode(), b'REQUEST_URI': uri.encode(),
           b'SCRIPT_NAME': b'', b'QUERY_STRING': query.encode(),
           b'SERVER_PROTOCOL': b'HTTP/1.1'}
    params = b''.join(pair(k, v) for k, v in env.items())
    s.sendall(record(BEGIN, struct.pack('!HB5x', 1, 0)) + record(PARAMS, params) +
              record(PARAMS, b'') + record(STDIN, b''))


def read_records(s, chunk=65536, each_recv=None):
    """Yield (type, content) of each record read from s until the peer closes; each_recv,
    when given, is called after every recv."""
    buf = b''
    while True:
        data = s.recv(chunk)
        if not data:
            return
        buf += data
        if each_recv:
            each_recv()
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack('!BBHHB', buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            yield rtype, buf[8:8 + clen]
            buf = buf[8 + clen + plen:]


def main():
    addr, uri = sys.argv[1:3]
    s = connect(addr)
    send_request(s, 'GET', uri)
    out = b''
    for rtype, content in read_records(s):
        if rtype == STDOUT:
            out += content
        elif rtype == END:
            sys.stdout.buffer.write(out)
            return 0
    sys.stdout.buffer.write(out)
    return 1


if __name__ == '__main__':
    sys.exit(main())
