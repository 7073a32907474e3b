#!/usr/bin/env python3
"""bench/lab.py TMP: the scan benchmarks' lab (bench/scan.sh, bench/order.sh). Writes each
network's ground truth, TMP/<name>.truth (the open "ip:port" lines), and TMP/listen.all,
every listener at once. Addresses are 127.x (all local on lo inside the namespace): a
closed port answers RST at once; the parts DROP the silent ranges themselves.
  b1   127.1.0.0/20 x 7000-7004: upper /21 silent (so the last probe waits the timeout)
  prof 127.2.0.0/24 x 7000,7001: upper /25 silent
  b2a  127.3.0.0/16 x 7000,7001: closed but for a few open
  b2b  127.4.0.0/21 x 7000-7004: all silent
  b3   127.5.0.0/16 and 127.16.0.0/12 x 7000: closed but for a few open"""
import ipaddress
import sys


def net(cidr):
    return [str(a) for a in ipaddress.ip_network(cidr)]


def pairs(addrs, every, ports):
    return ["%s:%d" % (a, ports[(k // every) % len(ports)])
            for k, a in enumerate(addrs) if k % every == 1]


def main():
    tmp = sys.argv[1]
    truth = {
        "b1": pairs(net("127.1.0.0/21"), 20, [7000, 7001, 7002, 7003, 7004]),
        "prof": pairs(net("127.2.0.0/25"), 16, [7000, 7001]),
        "b2a": pairs(net("127.3.0.0/16"), 4096, [7000, 7001]),
        "b2b": [],
        "b3s": pairs(net("127.5.0.0/16"), 16384, [7000]),
        "b3l": pairs(net("127.16.0.0/12"), 262144, [7000]),
    }
    everything = []
    for name, p in truth.items():
        open("%s/%s.truth" % (tmp, name), "w").write("".join(x + "\n" for x in p))
        everything += p
    open("%s/listen.all" % tmp, "w").write("\n".join(everything) + "\n")


main()
