#!/usr/bin/python3
"""interop/badcrc.py - send one SCTP INIT with a wrong CRC32c over UDP
and report whether anything answers.

    badcrc.py LOCAL_IP:UDP_PORT PEER_IP:UDP_PORT SRC_SCTP_PORT DST_SCTP_PORT

A conforming receiver silently discards a packet whose checksum is wrong
(RFC 9260 6.8), so the right outcome is "no answer".  Prints
"badcrc: sent INIT (checksum 0x... instead of 0x...)" then either
"badcrc: no answer" or "badcrc: answered with chunk type N"; exits 0
either way (the verdict is scripts/interop's), 2 on bad usage.
"""
import os
import socket
import struct
import sys


def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


def addr(s):
    host, port = s.rsplit(':', 1)
    return host, int(port)


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    local, peer = addr(argv[1]), addr(argv[2])
    sport, dport = int(argv[3]), int(argv[4])
    tag = struct.unpack('>I', os.urandom(4))[0] | 1
    init = struct.pack('>BBHIIHHI', 1, 0, 20, tag, 65536, 10, 10, tag)
    hdr = struct.pack('>HHII', sport, dport, 0, 0)
    good = crc32c(hdr + init)
    bad = good ^ 0x5a5a5a5a
    pkt = hdr[:8] + struct.pack('<I', bad) + init
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(local)
    s.settimeout(1.5)
    s.sendto(pkt, peer)
    print('badcrc: sent INIT (checksum 0x%08x instead of 0x%08x)' % (bad, good))
    try:
        data, _ = s.recvfrom(65536)
        kind = data[12] if len(data) > 12 else -1
        print('badcrc: answered with chunk type %d' % kind)
    except socket.timeout:
        print('badcrc: no answer')
    s.close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
