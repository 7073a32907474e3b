#!/usr/bin/env python3
"""tests/fcgi_whole.py ADDR ROUNDS DELAY_MS [METHOD:]URI...: ROUNDS times each FastCGI
request (GET unless METHOD: is given, e.g. HEAD:/targets.json) to ADDR -- a unix socket path
or HOST:PORT -- each on a new connection whose receive buffer is 1 KiB, read 512 bytes at a
time with DELAY_MS between reads: the application blocks in its writes over and over. Every
response must be whole: FCGI_END_REQUEST received, a Status header, a Content-Length equal
to the body's length (for HEAD: no body at all), and for /targets.json the same bytes each
round (other answers carry counters or times). Prints one line and exits 0 when all were
whole, 1 at the first that was not. With FCGI_WHOLE_STARTED set, that file is created once
the first bytes of an answer have arrived. Stdlib only; tests/fcgi_get.py's client."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fcgi_get import END, STDOUT, connect, read_records, send_request  # noqa: E402


def request(addr, method, uri, delay):
    """(stdout bytes, None) for a whole response, (partial bytes, why) otherwise."""
    started = os.environ.get('FCGI_WHOLE_STARTED')

    def after_recv():
        if started and not os.path.exists(started):
            open(started, 'w').close()
        if delay:
            time.sleep(delay)

    s = connect(addr, rcvbuf=1024)
    send_request(s, method, uri)
    out = b''
    try:
        for rtype, content in read_records(s, 512, after_recv):
            if rtype == STDOUT:
                out += content
            elif rtype == END:
                pstatus = struct.unpack('!IB', content[:5])[1]
                return out, None if pstatus == 0 else 'protocol status %d' % pstatus
        return out, 'connection closed before FCGI_END_REQUEST'
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
