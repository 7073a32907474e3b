#!/usr/bin/env python3
# tests/reload_client.py URL SECONDS THREADS OUT: GET URL over and over from THREADS
# keep-alive connections for SECONDS; one line per answer in OUT: "start end status size
# sha1" (start, end: time.time()). Used by the reload test and the size benchmark to see
# which version each request was answered from while the targets file is replaced.
import hashlib, http.client, sys, threading, time, urllib.parse

url, seconds, nthreads, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlsplit(url)
path = u.path + ("?" + u.query if u.query else "")
lines, lock = [], threading.Lock()
stop_at = time.time() + seconds

def run():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while time.time() < stop_at:
        t0 = time.time()
        try:
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            status = r.status
        except Exception as e:  # a broken answer is a result too
            body, status = repr(e).encode(), 0
            c.close()
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        t1 = time.time()
        with lock:
            lines.append("%.6f %.6f %d %d %s" % (t0, t1, status, len(body),
                                                  hashlib.sha1(body).hexdigest()))

ts = [threading.Thread(target=run) for _ in range(nthreads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
open(out, "w").write("".join(l + "\n" for l in sorted(lines)))
