"""tests/promtext.py: the text exposition format read back for the shell tests (imported by
the python of tests/lib.sh's node_exporter_serves and tests/integration/scan_metrics.sh):
load(path) gives each family's type and each series' value, a series keyed by its name and
its sorted label pairs, so label order (node_exporter rewrites it) does not matter."""
import re


def load(path):
    vals, types = {}, {}
    for line in open(path):
        m = re.match(r'# TYPE (\S+) (\S+)$', line)
        if m:
            types[m.group(1)] = m.group(2)
        elif line.strip() and not line.startswith('#'):
            key, v = line.rsplit(' ', 1)
            name, _, labels = key.partition('{')
            pairs = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels)))
            vals[(name, pairs)] = float(v)
    return vals, types
