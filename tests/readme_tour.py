#!/usr/bin/env python3
"""tests/readme_tour.py README OUTDIR: the commands of the README's tour (between its
"<!-- tour -->" and "<!-- end tour -->" lines), one pair of files per command in OUTDIR:
NN.cmd (the command as written: a "$ " line, its "\\" continuation lines and any here-document
through its end word) and NN.want (the output lines the README shows under it, up to the next
command or the end of the block). Only fenced code blocks count; prints the number of commands."""
import os
import re
import sys

def main():
    readme, out = sys.argv[1], sys.argv[2]
    text = open(readme).read()
    m = re.search(r'(?ms)^<!-- tour -->\n(.*?)^<!-- end tour -->$', text)
    if not m:
        sys.exit("no <!-- tour --> ... <!-- end tour --> lines in " + readme)
    steps = []
    # per fenced block, so here-documents and continuations stay whole
    blocks = re.findall(r'(?ms)^```[a-z]*\n(.*?)^```$', m.group(1))
    for b in blocks:
        lines = b.rstrip('\n').split('\n')
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.startswith('$ '):
                if not steps:
                    sys.exit("output before the first command in a tour block: " + line)
                steps[-1][1].append(line)
                i += 1
                continue
            cmd = [line[2:]]
            here = re.search(r"<<-?'?([A-Za-z_]+)'?", line)
            while cmd[-1].endswith('\\') and i + 1 < len(lines):
                i += 1
                cmd.append(lines[i])
            if here:
                while i + 1 < len(lines):
                    i += 1
                    cmd.append(lines[i])
                    if lines[i] == here.group(1):
                        break
                else:
                    sys.exit("here-document without its end word: " + line)
            steps.append(('\n'.join(cmd), []))
            i += 1
    os.makedirs(out, exist_ok=True)
    for n, (cmd, want) in enumerate(steps, 1):
        with open(os.path.join(out, "%02d.cmd" % n), "w") as f:
            f.write(cmd + "\n")
        with open(os.path.join(out, "%02d.want" % n), "w") as f:
            f.write("".join(w + "\n" for w in want))
    print(len(steps))

main()
