#!/usr/bin/env python3
"""tests/dns_hostile.py READYFILE QUERYLOG ADDR [silent]: a tiny DNS responder (UDP, stdlib only) on
ADDR:53 that answers PTR queries for 127.0.4.N with the hostile names of NAMES below, raw
bytes and all, which no real DNS server would serve; SERVFAIL for 127.0.4.50; NXDOMAIN for
anything else. Each query
is appended to QUERYLOG as "TYPE NAME". With "silent" it logs and never answers: the DNS
server that is down without saying so. Creates READYFILE once it listens."""
import socket
import struct
import sys

# last octet of 127.0.4.N -> the labels of its PTR answer (bytes, sent as they are)
NAMES = {
    11: [b'quote"name', b'example'],
    12: [b'has space', b'example'],
    13: [b'ctl\x01\x07', b'example'],
    14: ['h\u00fcbsch'.encode(), b'example'],
    15: [b'a' * 70, b'example'],                       # label over 63: invalid wire format
    16: [b'b' * 63] * 5,                               # 319 characters: over 253
    17: [b'under_score', b'example'],
    18: [b'-lead', b'example'],
    19: [b'brace}', b'inject{x="1"', b'example'],
    20: [b'back\\slash', b'example'],
    21: [b'dot.inside', b'example'],                   # a '.' inside one label
    22: [b'tail-', b'example'],
    23: [b'127', b'0', b'4', b'30'],                   # an address written as a name
    30: [b'Good-Host', b'Example', b'ORG'],            # the control: valid, mixed case
}
SERVFAIL = {50}                                         # the server fails: rcode 2


def labels_wire(labels):
    out = b''
    for l in labels:
        out += bytes([len(l) & 0xff]) + l
    return out + b'\x00'


def parse_qname(pkt, off):
    labels = []
    while off < len(pkt):
        n = pkt[off]
        off += 1
        if n == 0:
            return labels, off
        labels.append(pkt[off:off + n])
        off += n
    raise ValueError('truncated name')


def answer(pkt, log):
    ident, flags, qd = struct.unpack('!HHH', pkt[:6])
    labels, off = parse_qname(pkt, 12)
    qtype, qclass = struct.unpack('!HH', pkt[off:off + 4])
    question = pkt[12:off + 4]
    name = b'.'.join(labels).decode('ascii', 'replace').lower()
    log.write('%s %s\n' % ({12: 'PTR', 1: 'A', 28: 'AAAA'}.get(qtype, str(qtype)), name))
    log.flush()
    rd = flags & 0x0100
    rr = b''
    parts = name.split('.')
    if qtype == 12 and len(parts) == 6 and parts[4:] == ['in-addr', 'arpa'] and \
            parts[1:4] == ['4', '0', '127'] and parts[0].isdigit() and \
            int(parts[0]) in NAMES:
        rdata = labels_wire(NAMES[int(parts[0])])
        rr = b'\xc0\x0c' + struct.pack('!HHIH', 12, 1, 60, len(rdata)) + rdata
        rcode = 0
    elif qtype == 12 and name == '50.4.0.127.in-addr.arpa' and 50 in SERVFAIL:
        rcode = 2
    else:
        rcode = 3
    hdr = struct.pack('!HHHHHH', ident, 0x8400 | rd | 0x0080 | rcode, 1, 1 if rr else 0, 0, 0)
    return hdr + question + rr


def main():
    ready, logpath, addr = sys.argv[1:4]
    silent = sys.argv[4:5] == ['silent']
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    log = open(logpath, 'a')
    open(ready, 'w').close()
    while True:
        pkt, peer = s.recvfrom(4096)
        try:
            reply = answer(pkt, log)
            if not silent:
                s.sendto(reply, peer)
        except (ValueError, struct.error, IndexError):
            pass


main()
