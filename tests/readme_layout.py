#!/usr/bin/env python3
"""tests/readme_layout.py: the README's "Source layout" list (between "<!-- layout" and
"<!-- end layout -->"), made from the top comment of every file under src/: one line per
.c file (and per header without a .c), its folder, its name and the first sentence of its
comment. Prints the list; tests/integration/readme_layout.sh compares it with the README."""
import glob
import os
import re

def first_sentence(path):
    m = re.match(r"/\*(.*?)\*/", open(path).read(), flags=re.S)
    if m is None:
        return "(no top comment)"
    text = " ".join(l.strip().lstrip("*").strip() for l in m.group(1).split("\n")).strip()
    text = re.sub(r"^\S+\.[ch]:\s*", "", text)
    text = re.sub(r"\s*\(see \S+\.h\)", "", text)
    m = re.match(r"(.*?\.)(\s|$)", text)
    return (m.group(1) if m else text).rstrip(".")

for folder in ("common", "scan", "serve"):
    srcs = sorted(glob.glob("src/%s/*.c" % folder))
    lone = [h for h in sorted(glob.glob("src/%s/*.h" % folder)) if not os.path.exists(h[:-2] + ".c")]
    for f in srcs + lone:
        print("- `%s` %s" % (f[len("src/"):], first_sentence(f)))
