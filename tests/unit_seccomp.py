#!/usr/bin/python3
"""tests/unit_seccomp.py UNIT-FILE CMD...: execs CMD under the seccomp filter that a systemd
service's SystemCallFilter=, SystemCallErrorNumber=, RestrictAddressFamilies= and
MemoryDenyWriteExecute= lines describe, built the way systemd builds it (syscall groups
expanded with `systemd-analyze syscall-filter`; later ~lines remove from the allow list;
native architecture only), so a test can run a unit's command line where systemd is not PID 1.
Refused calls fail with the unit's errno (sockets of other families with EPERM too, where
systemd says EAFNOSUPPORT). Needs Debian's python3-seccomp (run with /usr/bin/python3)."""
import errno
import os
import socket
import subprocess
import sys

import seccomp

PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
WX_CALLS = ("mmap", "mprotect", "pkey_mprotect", "shmat")


def unit_settings(path):
    """The [Service] values of the settings this filter needs, each a list of lines."""
    keys = ("SystemCallFilter", "SystemCallErrorNumber", "RestrictAddressFamilies",
            "MemoryDenyWriteExecute")
    got = {k: [] for k in keys}
    for line in open(path):
        k, sep, v = line.strip().partition("=")
        if sep and k in got:
            got[k].append(v.strip())
    return got


def syscall_groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"],
                         capture_output=True, text=True, check=True).stdout
    groups, cur = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            cur = groups.setdefault(line.strip(), [])
        elif cur is not None and line.strip() and not line.strip().startswith("#"):
            cur.append(line.strip())
    return groups


def expand(names, groups, seen=None):
    seen = set() if seen is None else seen
    calls = set()
    for n in names:
        if n.startswith("@"):
            if n in seen:
                continue
            seen.add(n)
            if n not in groups:
                sys.exit("unit_seccomp: unknown syscall group %s" % n)
            calls |= expand(groups[n], groups, seen)
        else:
            calls.add(n)
    return calls


def build(settings):
    groups = syscall_groups()
    allow = None
    for line in settings["SystemCallFilter"]:
        deny = line.startswith("~")
        names = set(expand(line.lstrip("~").split(), groups))
        if allow is None:
            if deny:
                sys.exit("unit_seccomp: a deny-list filter is not handled here")
            allow = set()
        allow = allow - names if deny else allow | names
    if allow is None:
        sys.exit("unit_seccomp: the unit has no SystemCallFilter=")
    err = settings["SystemCallErrorNumber"][-1] if settings["SystemCallErrorNumber"] else ""
    action = seccomp.ERRNO(getattr(errno, err)) if err else seccomp.KILL_PROCESS
    f = seccomp.SyscallFilter(defaction=action)
    families = None
    if settings["RestrictAddressFamilies"]:
        families = set()
        for line in settings["RestrictAddressFamilies"]:
            families |= {getattr(socket, fam) for fam in line.split()}
    mdwe = settings["MemoryDenyWriteExecute"][-1:] == ["yes"]
    for call in sorted(allow):
        try:
            if seccomp.resolve_syscall(seccomp.Arch.NATIVE, call) < 0:
                continue	# not a call of this architecture
        except (ValueError, RuntimeError):
            continue
        if call == "socket" and families is not None:
            for fam in sorted(families):
                f.add_rule(seccomp.ALLOW, call, seccomp.Arg(0, seccomp.EQ, fam))
        elif mdwe and call == "mmap":
            for prot in (0, PROT_WRITE, PROT_EXEC):
                f.add_rule(seccomp.ALLOW, call,
                           seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, prot))
        elif mdwe and call in ("mprotect", "pkey_mprotect"):
            f.add_rule(seccomp.ALLOW, call, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, 0))
        elif mdwe and call == "shmat":
            f.add_rule(seccomp.ALLOW, call, seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, 0))
        else:
            f.add_rule(seccomp.ALLOW, call)
    return f


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    f = build(unit_settings(sys.argv[1]))
    f.load()	# sets no_new_privs first, as NoNewPrivileges=yes does
    os.execv(sys.argv[2], sys.argv[2:])


main()
