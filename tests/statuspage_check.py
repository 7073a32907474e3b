#!/usr/bin/env python3
# tests/statuspage_check.py DOM TARGETS PROM PAGE-URL MOUNT: checks the status page as a
# browser built it (chromium --dump-dom, in DOM) against the targets file and the metrics
# textfile it was served from: health, the last scan, the counts, each port's row and
# examples, the source; that no value became markup; and that every link lies under MOUNT
# and answers 200 (each ?port= list with as many targets as the page says). Run it inside
# the test's namespace: it fetches the links. Prints one summary line; exits 1 on a mismatch.
import html.parser, json, sys, time, urllib.parse, urllib.request

dom_path, targets_path, prom_path, page_url, mount = sys.argv[1:6]


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.hrefs, self.tables = set(), {}, [], {}
        self.open_id, self.table, self.row, self.cell = None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "table" and a.get("id"):
            self.table = a["id"]
            self.tables[self.table] = []
        elif tag == "tr" and self.table:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = []
        if a.get("id") and tag != "table":
            self.open_id = (a["id"], [])

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.tables[self.table].append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None
        if self.open_id and tag in ("td", "small", "p"):
            self.ids[self.open_id[0]] = "".join(self.open_id[1])
            self.open_id = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.open_id:
            self.open_id[1].append(data)


def fail(msg):
    print("statuspage_check: " + msg)
    sys.exit(1)


def go_duration(s):
    s = int(s)
    h, m, sec = s // 3600, s // 60 % 60, s % 60
    return (("%dh%dm%ds" % (h, m, sec)) if h else ("%dm%ds" % (m, sec)) if m else "%ds" % sec)


def expect(what, want, got):
    if want != got:
        fail("%s: the page shows %r, expected %r" % (what, got, want))


p = Page()
p.feed(open(dom_path, encoding="utf-8").read())
if "table" not in p.tags or "ports" not in p.tables:
    fail("no status page in the DOM (JSON served to the browser?): " + open(dom_path).read()[:300])
for bad in ("script", "img", "iframe", "object", "embed", "b", "i"):
    if bad in p.tags:
        fail("a <%s> element in the page: a value became markup" % bad)

groups = json.load(open(targets_path))
targets = [t for g in groups for t in g["targets"]]
ports = {}
for t in targets:
    ports.setdefault(int(t.rsplit(":", 1)[1]), []).append(t)
gauges = {l.split()[0]: float(l.split()[1]) for l in open(prom_path)
          if l.strip() and not l.startswith("#")}
end = gauges["scanner_last_scan_end_timestamp_seconds"]

expect("health", "healthy", p.ids.get("health"))
expect("last scan", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)), p.ids.get("last-scan"))
age = p.ids.get("last-scan-age", "")
if not any(age == go_duration(time.time() - end - d) for d in range(0, 30)):
    fail("last scan age %r is not the time since %d" % (age, end))
expect("duration", go_duration(gauges["scanner_last_scan_duration_seconds"]),
       p.ids.get("last-scan-duration"))
expect("success", "yes" if gauges["scanner_last_scan_success"] == 1 else "no",
       p.ids.get("last-scan-success"))
expect("targets", str(len(targets)), p.ids.get("targets"))
expect("groups", str(len(groups)), p.ids.get("groups"))

rows = p.tables["ports"]
expect("ports", sorted(ports), [int(r[0]) for r in rows])
for port_s, count, link, examples in rows:
    ts = ports[int(port_s)]
    expect("targets on %s" % port_s, str(len(ts)), count)
    expect("link of %s" % port_s, "%s/targets.json?port=%s" % (mount, port_s), link)
    expect("examples of %s" % port_s, ", ".join(ts[:3]) + (", \u2026" if len(ts) > 3 else ""),
           examples)
src = p.tables["sources"]
expect("sources", 1, len(src))
expect("source", [targets_path, str(len(targets)), "ok"], [src[0][0], src[0][1], src[0][4]])

want = {"%s/targets.json" % mount, "%s/health" % mount, "%s/metrics" % mount}
want |= {"%s/targets.json?port=%d" % (mount, n) for n in ports}
if not want <= set(p.hrefs):
    fail("links missing: %s" % sorted(want - set(p.hrefs)))
for h in p.hrefs:
    if not h.startswith(mount + "/"):
        fail("link %r is not under the mount %r" % (h, mount))
    u = urllib.parse.urljoin(page_url, h)
    with urllib.request.urlopen(u, timeout=10) as r:
        body = r.read()
        if r.status != 200:
            fail("%s: status %d" % (u, r.status))
    q = urllib.parse.parse_qs(urllib.parse.urlparse(u).query)
    if "port" in q:
        n = sum(len(g["targets"]) for g in json.loads(body))
        expect("targets at " + h, len(ports[int(q["port"][0])]), n)
print("page at %s: %d targets on %d ports as in the file, %d links all 200 under %r"
      % (page_url, len(targets), len(ports), len(set(p.hrefs)), mount or "/"))
