#!/usr/bin/env python3
# bench/gen_targets.py: a targets file of N targets exactly as sd-scan writes it (one group
# per line, sorted by port then address, the three __meta_sd_ labels), for the size
# benchmark of issue 14: N hosts in 10.0.0.0/8 named nodeNNNNNNN.lab.example, spread
# over ports 8080, 9100 and 9256. Usage: bench/gen_targets.py N > FILE; then
#   make bin/bench/targetset_load && /usr/bin/time -v bin/bench/targetset_load FILE
import sys

n = int(sys.argv[1])
ports = (8080, 9100, 9256)
out = sys.stdout
out.write("[")
i = 0
for k, port in enumerate(ports):
    count = n // len(ports) + (1 if k < n % len(ports) else 0)
    for h in range(count):
        a = h + 1
        ip = "10.%d.%d.%d" % (a >> 16 & 255, a >> 8 & 255, a & 255)
        name = "node%07d.lab.example" % a
        out.write('%s\n{"targets":["%s:%d"],"labels":{"__meta_sd_hostname":"%s",'
                  '"__meta_sd_ip":"%s","__meta_sd_port":"%d"}}' %
                  ("," if i else "", name, port, name, ip, port))
        i += 1
out.write("\n]\n" if i else "]\n")
