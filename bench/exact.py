#!/usr/bin/env python3
"""bench/exact.py TRUTH FORMAT FILE: recall and precision of one scan's open (ip, port) pairs
against the lab's ground truth (TRUTH: the listeners' "ip:port" lines). FORMAT is "targets"
(an sd-scan http_sd JSON file) or "gnmap" (nmap -oG output). Prints
"recall R precision P expected E found F"; an empty truth and an empty find count as 1.0.
Exits 0 when both are exactly 1.0, 1 otherwise (and when FILE cannot be read)."""
import json
import re
import sys


def found_targets(path):
    pairs = set()
    for group in json.load(open(path)):
        labels = group["labels"]
        pairs.add("%s:%s" % (labels["__meta_sd_ip"], labels["__meta_sd_port"]))
    return pairs


def found_gnmap(path):
    pairs = set()
    for line in open(path):
        m = re.match(r"Host: (\S+) .*\tPorts: (.*)", line)
        if not m:
            continue
        for entry in m.group(2).split(", "):
            fields = entry.split("/")
            if len(fields) > 2 and fields[1] == "open":
                pairs.add("%s:%s" % (m.group(1), fields[0].strip()))
    return pairs


def main():
    truth_path, fmt, path = sys.argv[1:4]
    truth = set(open(truth_path).read().split())
    try:
        found = {"targets": found_targets, "gnmap": found_gnmap}[fmt](path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("recall 0 precision 0 expected %d found 0 (%s)" % (len(truth), e))
        return 1
    hit = len(truth & found)
    recall = hit / len(truth) if truth else (1.0 if not found else 0.0)
    precision = hit / len(found) if found else (1.0 if not truth else 0.0)
    print("recall %.6g precision %.6g expected %d found %d" % (recall, precision, len(truth),
                                                                len(found)))
    return 0 if recall == 1.0 and precision == 1.0 else 1


sys.exit(main())
