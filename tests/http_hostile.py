#!/usr/bin/env python3
"""tests/http_hostile.py HOST PORT PREFIX CANARY...: sends malformed and hostile HTTP requests
over raw sockets (what curl refuses to send) to lighttpd + sd-serve mounted at PREFIX, and
checks every answer: an answer from sd-serve (Content-Type application/json) is a 4xx with
a complete {"error": "..."} body (or the 200 a case expects); an answer from lighttpd itself
(it rejects some requests before sd-serve sees them) is a 4xx, or 501 for a method it does
not know; never another 5xx; no payload (<script>, a quote, CR/LF, a header of ours)
reflected raw; no CANARY string (the content of files it must never serve) in any answer.
Prints one line per case; exits 1 when any case failed."""
import json
import socket
import sys

HOST, PORT, P = sys.argv[1], int(sys.argv[2]), sys.argv[3]
CANARIES = [c.encode() for c in sys.argv[4:]]
T = P + "/targets.json"
RAW_MARKERS = [b"<script", b"X-Injected", b"\"'\"'", b"\x00"]


def req(method, target, headers=b"", body=b"", version=b"HTTP/1.1"):
    """A request as bytes: method and target may hold any byte."""
    if isinstance(method, str):
        method = method.encode()
    if isinstance(target, str):
        target = target.encode("latin-1")
    h = b"Host: 127.0.0.1\r\nConnection: close\r\n" + headers
    if body:
        h += b"Content-Length: %d\r\n" % len(body)
    return method + b" " + target + b" " + version + b"\r\n" + h + b"\r\n" + body


# (name, request bytes, what may answer): "sd": sd-serve must answer 4xx; "ok": sd-serve
# must answer 200; "any": sd-serve 4xx or lighttpd's own 4xx; "method": as "any", and
# lighttpd may also say 501 or 505 (a method or HTTP version it does not know); "server":
# a request for the server itself (OPTIONS *), which lighttpd answers, never sd-serve.
CASES = [
    ("control: GET ?port=9100", req("GET", T + "?port=9100"), "ok"),
    ("query 2 KB + 1", req("GET", T + "?port=" + "9" * 2043), "sd"),
    ("query 4 KB", req("GET", T + "?port=" + "9100," * 819), "sd"),
    ("query 7.9 KB", req("GET", T + "?port=" + "1" * 7900), "any"),
    ("query 8 KB", req("GET", T + "?port=" + "1" * 8192), "any"),
    ("query 64 KB", req("GET", T + "?port=" + "1" * 65536), "any"),
    ("path 7.9 KB", req("GET", P + "/" + "a" * 7900), "any"),
    ("path 8 KB", req("GET", P + "/" + "a" * 8192), "any"),
    ("path 64 KB", req("GET", P + "/" + "a" * 65536), "any"),
    ("1025 distinct ports", req("GET", T + "?port=" + ",".join(str(1000 + i) for i in range(1025))), "sd"),
    ("?port=", req("GET", T + "?port="), "sd"),
    ("?port", req("GET", T + "?port"), "sd"),
    ("?port=9100&port=", req("GET", T + "?port=9100&port="), "sd"),
    ("?&&&", req("GET", T + "?&&&"), "sd"),
    ("?&", req("GET", T + "?&"), "sd"),
    ("?port=9100&", req("GET", T + "?port=9100&"), "sd"),
    ("?=9100", req("GET", T + "?=9100"), "sd"),
    ("?port==9100", req("GET", T + "?port==9100"), "sd"),
    ("?port=9100,,8080", req("GET", T + "?port=9100,,8080"), "sd"),
    ("?port=9100&port=8080", req("GET", T + "?port=9100&port=8080"), "ok"),
    ("?port=9100&port=9100", req("GET", T + "?port=9100&port=9100"), "ok"),
    ("?%70ort=9100", req("GET", T + "?%70ort=9100"), "ok"),
    ("?port=+9100", req("GET", T + "?port=+9100"), "sd"),
    ("?port=-1", req("GET", T + "?port=-1"), "sd"),
    ("?port=0x2384", req("GET", T + "?port=0x2384"), "sd"),
    ("?port=99999999999999999999", req("GET", T + "?port=99999999999999999999"), "sd"),
    ("?port=%zz", req("GET", T + "?port=%zz"), "sd"),
    ("?port=%", req("GET", T + "?port=%"), "sd"),
    ("?port=%9", req("GET", T + "?port=%9"), "sd"),
    ("?port=%00", req("GET", T + "?port=%00"), "any"),
    ("?port=9100%00", req("GET", T + "?port=9100%00"), "any"),
    ("?port%00=9100", req("GET", T + "?port%00=9100"), "any"),
    ("?port=%ff%fe", req("GET", T + "?port=%ff%fe"), "any"),
    ("?port=%C0%AF", req("GET", T + "?port=%C0%AF"), "any"),
    ("raw non-UTF-8 query", req("GET", (T + "?port=").encode() + b"\xff\xfe\xc0"), "any"),
    ("raw NUL in query", req("GET", (T + "?port=91").encode() + b"\x0000"), "any"),
    ("raw NUL in path", req("GET", (P + "/targets").encode() + b"\x00.json"), "any"),
    ("raw non-UTF-8 path", req("GET", (P + "/").encode() + b"\xff\xfe"), "any"),
    ("path %00", req("GET", T + "%00"), "any"),
    ("path %zz", req("GET", P + "/%zz"), "any"),
    ("path %", req("GET", P + "/%"), "any"),
    ("path %ff%fe", req("GET", P + "/%ff%fe"), "any"),
    ("PUT", req("PUT", T, body=b"[]"), "sd"),
    ("DELETE", req("DELETE", T), "sd"),
    ("PATCH", req("PATCH", T, body=b"x"), "sd"),
    ("OPTIONS", req("OPTIONS", T), "method"),
    ("OPTIONS *", req("OPTIONS", "*"), "server"),
    ("TRACE", req("TRACE", T), "method"),
    ("POST", req("POST", T, body=b"port=9100"), "sd"),
    ("made-up method FROB", req("FROB", T), "method"),
    ("lowercase get", req("get", T), "method"),
    ("method with a quote", req('G"ET', T), "method"),
    ("HEAD of a 404", req("HEAD", P + "/nope"), "sd"),
    ("/sd/../etc/passwd", req("GET", P + "/../etc/passwd"), "any"),
    ("/sd/%2e%2e/%2e%2e/etc/passwd", req("GET", P + "/%2e%2e/%2e%2e/etc/passwd"), "any"),
    ("/sd/..%2f..%2fetc/passwd", req("GET", P + "/..%2f..%2fetc/passwd"), "any"),
    ("/sd/targets.json/../../etc/passwd", req("GET", T + "/../../etc/passwd"), "any"),
    ("/sd/targets.json/../../state/canary", req("GET", T + "/../../state/canary"), "any"),
    ("/sd/%2e%2e%2fstate%2fcanary", req("GET", P + "/%2e%2e%2fstate%2fcanary"), "any"),
    ("/sd/targets.json%2f..%2f..%2fetc%2fpasswd", req("GET", T + "%2f..%2f..%2fetc%2fpasswd"), "any"),
    ("/sd/./targets.json", req("GET", P + "/./targets.json"), "any"),
    ("/sd//targets.json", req("GET", P + "//targets.json"), "any"),
    ("/sd/targets.json;x", req("GET", T + ";x"), "any"),
    ("/sd/targets.json/", req("GET", T + "/"), "any"),
    ("/sd/targets.json?port=9100#frag", req("GET", T + "?port=9100#frag"), "ok"),
    ("absolute-form URI", req("GET", "http://127.0.0.1" + T + "?port=9100"), "ok"),
    ("HTTP/1.0, no Host", b"GET " + T.encode() + b" HTTP/1.0\r\n\r\n", "ok"),
    ("HTTP/9.9", req("GET", T, version=b"HTTP/9.9"), "method"),
    ("%0d%0a header in query", req("GET", T + "?port=9100%0d%0aX-Injected:%201"), "any"),
    ("%0d%0a header as key", req("GET", T + "?%0d%0aX-Injected:%201=1"), "any"),
    ("raw CRLF in query", req("GET", (T + "?port=9100\r\nX-Injected: 1\r\nX:")), "any"),
    ("raw LF in query", req("GET", (T + "?port=9100\nX-Injected: 1")), "any"),
    ("<script> in query", req("GET", T + "?port=<script>alert(1)</script>"), "any"),
    ("%3Cscript%3E in query", req("GET", T + "?port=%3Cscript%3Ealert(1)%3C/script%3E"), "sd"),
    ("<script> as key", req("GET", T + "?%3Cscript%3E=1"), "sd"),
    ("quotes in query", req("GET", T + "?port=%22'%22'"), "sd"),
    ("quotes as key", req("GET", T + "?\"'\"'=1"), "any"),
    ("<script> in path", req("GET", P + "/%3Cscript%3Ealert(1)%3C/script%3E"), "any"),
    ("HTML root, <script> in path", req("GET", P + "/%3Cscript%3E/", b"Accept: text/html\r\n"), "any"),
    ("HTML root", req("GET", P + "/", b"Accept: text/html\r\n"), "ok"),
    ("Accept 7 KB", req("GET", P + "/", b"Accept: " + b"text/html," * 700 + b"\r\n"), "ok"),
    ("X-Prometheus header garbage", req("GET", T, b"X-Prometheus-Refresh-Interval-Seconds: \xff<script>\r\n"), "ok"),
    ("header with CR LF value", req("GET", T, b"Accept: a\rX-Injected: 1\r\n"), "any"),
    ("200 headers", req("GET", T, b"".join(b"X-H%d: %d\r\n" % (i, i) for i in range(200))), "ok"),
]


def send(raw):
    s = socket.create_connection((HOST, PORT), timeout=10)
    try:
        s.sendall(raw)
    except OSError:
        pass	# lighttpd may close before it has read everything
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    s.close()
    return data


def parse(data):
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers.setdefault(k.strip().lower().decode("latin-1"), []).append(v.strip())
    return status, headers, body


def check(name, raw, allowed):
    data = send(raw)
    r = parse(data)
    if r is None:
        return "no complete HTTP answer: %r" % data[:200], None, ""
    status, headers, body = r
    ctype = b"".join(headers.get("content-type", [b""])).decode("latin-1")
    # sd-serve marks every answer no-store; lighttpd's own error pages are not
    src = "sd-serve" if b"no-store" in headers.get("cache-control", []) else "lighttpd"
    for m in RAW_MARKERS:
        if m in data:
            return "raw %r reflected in the answer" % m, status, src
    for c in CANARIES:
        if c in data:
            return "a file it must never serve leaked (%r)" % c, status, src
    for k in headers:
        if k.startswith("x-injected") or k == "set-cookie":
            return "injected header %s" % k, status, src
    if src == "sd-serve":
        head = raw.startswith(b"HEAD ")
        cl = headers.get("content-length")
        if cl is None or (int(cl[0]) != len(body) and not head) or (head and body):
            return "Content-Length %s, body %d bytes" % (cl, len(body)), status, src
        if headers.get("x-content-type-options") != [b"nosniff"]:
            return "no X-Content-Type-Options: nosniff", status, src
        if status != 200 and ctype != "application/json":
            return "error with Content-Type %s" % ctype, status, src
        if ctype == "application/json" and not head:
            try:
                doc = json.loads(body.decode("utf-8"))
            except ValueError as e:
                return "body is not JSON (%s): %r" % (e, body[:200]), status, src
        if allowed == "ok":
            if status != 200:
                return "expected 200, got %d: %r" % (status, body[:200]), status, src
        elif not 400 <= status < 500:
            return "sd-serve answered %d: %r" % (status, body[:200]), status, src
        elif not head and not (isinstance(doc, dict) and
                                                    isinstance(doc.get("error"), str)):
            return "error body is not {\"error\": \"...\"}: %r" % body[:200], status, src
        return None, status, src
    if allowed in ("sd", "ok"):
        return "expected sd-serve to answer, got lighttpd's %d (%s)" % (status, ctype), status, src
    if 400 <= status < 500 or (allowed == "method" and status in (501, 505)) or \
            (allowed == "server" and status == 200):
        return None, status, src
    return "lighttpd answered %d" % status, status, src


def main():
    bad = 0
    for name, raw, allowed in CASES:
        err, status, src = check(name, raw, allowed)
        print("%-40s %s %s%s" % (name, status, src, "  FAIL: " + err if err else ""))
        bad += err is not None
    print("%d cases, %d failed" % (len(CASES), bad))
    sys.exit(1 if bad else 0)


main()
