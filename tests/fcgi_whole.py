#!/usr/bin/env python3
"""tests/fcgi_whole.py ADDR ROUNDS DELAY_MS [METHOD:]URI...: ROUNDS times each FastCGI
request (GET unless METHOD: is given, e.g. HEAD:/targets.json) to ADDR -- a unix socket path
or HOST:PORT -- each on a new connection whose receive buffer is 1 KiB, read 512 bytes at a
time with DELAY_MS between reads: the application blocks in its writes over and over. Every
response must be whole: FCGI_END_REQUEST received, a Status header, a Content-Length equal
to the body's length (for HEAD: no body at all), and for /targets.json the same bytes each
round (other answers carry counters or times). Prints one
line and exits 0 when all were whole, 1 at the first that was not. With FCGI_WHOLE_STARTED
set, that file is created once the first bytes of an answer have arrived. Stdlib only."""
import os
import socket
import struct
import sys
import time

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(rtype, content):
    return struct.pack('!BBHHBx', 1, rtype, 1, len(content), 0) + content


def pair(name, value):
    def size(n):
        return bytes([n]) if n < 128 else struct.pack('!I', n | 0x80000000)
    return size(len(name)) + size(len(value)) + name + value


def connect(addr):
    if addr.startswith('/'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.connect(addr)
    else:
        host, port = addr.rsplit(':', 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.connect((host, int(port)))
    s.settimeout(10)
    return s


def request(addr, method, uri, delay):
    """(stdout bytes, None) for a whole response, (partial bytes, why) otherwise."""
    s = connect(addr)
    path, _, query = uri.partition('?')
    env = {b'REQUEST_METHOD': method.encode(), b'REQUEST_URI': uri.encode(),
           b'SCRIPT_NAME': b'', b'QUERY_STRING': query.encode(),
           b'SERVER_PROTOCOL': b'HTTP/1.1'}
    params = b''.join(pair(k, v) for k, v in env.items())
    s.sendall(record(BEGIN, struct.pack('!HB5x', 1, 0)) + record(PARAMS, params) +
              record(PARAMS, b'') + record(STDIN, b''))
    buf, out = b'', b''
    try:
        while True:
            chunk = s.recv(512)
            if not chunk:
                return out, 'connection closed before FCGI_END_REQUEST'
            buf += chunk
            started = os.environ.get('FCGI_WHOLE_STARTED')
            if started and not os.path.exists(started):
                open(started, 'w').close()
            while len(buf) >= 8:
                _, rtype, _, clen, plen = struct.unpack('!BBHHB', buf[:7])
                if len(buf) < 8 + clen + plen:
                    break
                if rtype == STDOUT:
                    out += buf[8:8 + clen]
                elif rtype == END:
                    _, pstatus = struct.unpack('!IB', buf[8:13])
                    return out, None if pstatus == 0 else 'protocol status %d' % pstatus
                buf = buf[8 + clen + plen:]
            if delay:
                time.sleep(delay)
    except OSError as e:
        return out, str(e)
    finally:
        s.close()


def check(method, out):
    head, sep, body = out.partition(b'\r\n\r\n')
    if not sep:
        return 'no end of headers'
    fields = dict(l.split(b': ', 1) for l in head.split(b'\r\n') if b': ' in l)
    if b'Status' not in fields:
        return 'no Status header'
    if b'Content-Length' not in fields:
        return 'no Content-Length'
    want = 0 if method == 'HEAD' else int(fields[b'Content-Length'])
    if len(body) != want:
        return 'body of %d bytes, expected %d' % (len(body), want)
    return None


def main():
    addr, rounds, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
    reqs = [(a.split(':', 1) if ':' in a else ('GET', a)) for a in sys.argv[4:]]
    first, n, size = {}, 0, 0
    for _ in range(rounds):
        for method, uri in reqs:
            out, why = request(addr, method, uri, delay)
            why = why or check(method, out)
            if why is None and uri.startswith('/targets.json') and \
                    first.setdefault((method, uri), out) != out:
                why = 'other bytes than the first time'
            if why:
                print('%s %s: cut after %d bytes: %s' % (method, uri, len(out), why))
                return 1
            n += 1
            size += len(out)
    print('%d responses whole (%d bytes)' % (n, size))
    return 0


sys.exit(main())
