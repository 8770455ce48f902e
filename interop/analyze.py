#!/usr/bin/python3
"""interop/analyze.py - read an interop capture and look for the evidence
of known peer bugs (docs/interop.md).

    analyze.py CAPTURE --ours UDPPORT BUG-ID...

CAPTURE is a pcap of SCTP over UDP (tcpdump -i lo, or gsctp --pcap on
"any"); UDPPORT is gsctp's UDP encapsulation port, so "ours" and "peer"
are told apart.  For each BUG-ID whose signature the capture holds, it
prints "BUG-ID: evidence..." (frame numbers are 1-based, as tshark's) and
exits 0; if none matches it exits 1.  The checksum and malformed-packet
checks are tshark's (scripts/interop); this only decodes what it needs.
"""
import struct
import sys

ETH, NULL, SLL, SLL2, RAW = 1, 0, 113, 276, 101


def packets(path):
    """Yields (frame, src_udp_port, dst_udp_port, sctp_bytes)."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise SystemExit('analyze: %s: not a pcap file' % path)
    linktype = struct.unpack(end + 'I', data[20:24])[0] & 0xffff
    off, frame = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        frame += 1
        if linktype == ETH:
            l3, proto = pkt[14:], struct.unpack('>H', pkt[12:14])[0]
        elif linktype == SLL:
            l3, proto = pkt[16:], struct.unpack('>H', pkt[14:16])[0]
        elif linktype == SLL2:
            l3, proto = pkt[20:], struct.unpack('>H', pkt[0:2])[0]
        elif linktype == NULL:
            l3, proto = pkt[4:], 0x0800
        elif linktype == RAW:
            l3, proto = pkt, 0x0800 if pkt and pkt[0] >> 4 == 4 else 0x86dd
        else:
            continue
        if proto == 0x0800 and len(l3) >= 20 and l3[9] == 17:
            udp = l3[(l3[0] & 15) * 4:]
        elif proto == 0x86dd and len(l3) >= 40 and l3[6] == 17:
            udp = l3[40:]
        else:
            continue
        if len(udp) < 8 + 12:
            continue
        sport, dport = struct.unpack('>HH', udp[:4])
        yield frame, sport, dport, udp[8:]


def chunks(sctp):
    """Yields (type, flags, value) of each chunk of an SCTP packet."""
    pos = 12
    while pos + 4 <= len(sctp):
        ctype, flags, length = struct.unpack('>BBH', sctp[pos:pos + 4])
        if length < 4:
            return
        yield ctype, flags, sctp[pos + 4:pos + length]
        pos += (length + 3) & ~3


DATA, INIT, INIT_ACK, SACK, ABORT, SHUTDOWN, SHUTDOWN_ACK = 0, 1, 2, 3, 6, 7, 8
SHUTDOWN_COMPLETE = 14


def decode(path, ours):
    """Returns a list of dicts, one per chunk, in capture order."""
    out = []
    for frame, sport, dport, sctp in packets(path):
        side = 'ours' if sport == ours else 'peer' if dport == ours else None
        if side is None:
            continue
        for ctype, flags, value in chunks(sctp):
            c = {'frame': frame, 'side': side, 'type': ctype, 'flags': flags,
                 'value': value, 'sport': sport, 'dport': dport}
            if ctype == DATA and len(value) >= 12:
                c['tsn'], c['sid'], c['ssn'], c['ppid'] = struct.unpack(
                    '>IHHI', value[:12])
                c['payload'] = value[12:]
            elif ctype in (SACK, SHUTDOWN) and len(value) >= 4:
                c['cumack'] = struct.unpack('>I', value[:4])[0]
            out.append(c)
    return out


def tsn_le(a, b):
    """Serial number arithmetic: a <= b."""
    return a == b or ((b - a) & 0xffffffff) < 0x80000000


def messages(cs, side):
    """Reassembles the ordered DATA of |side| (first transmission of each
    TSN): returns {(sid, ssn): (payload, first_frame)}."""
    seen, frags, msgs = set(), {}, {}
    for c in cs:
        if c['side'] != side or c['type'] != DATA or 'tsn' not in c:
            continue
        if c['tsn'] in seen:
            continue
        seen.add(c['tsn'])
        frags[c['tsn']] = c
    by_tsn = sorted(frags, key=lambda t: (t - min(frags)) & 0xffffffff) \
        if frags else []
    cur = None
    for t in by_tsn:
        c = frags[t]
        if c['flags'] & 4:  # unordered: not matched by SSN
            continue
        if c['flags'] & 2:  # B
            cur = [c]
        elif cur is not None:
            cur.append(c)
        if cur is not None and c['flags'] & 1:  # E
            key = (cur[0]['sid'], cur[0]['ssn'])
            msgs[key] = (b''.join(x['payload'] for x in cur), cur[0]['frame'])
            cur = None
    return msgs


def init_params(c):
    v = c['value'][16:]
    pos, types = 0, []
    while pos + 4 <= len(v):
        ptype, plen = struct.unpack('>HH', v[pos:pos + 4])
        types.append(ptype)
        if plen < 4:
            break
        pos += (plen + 3) & ~3
    return types


def bug_init_param(cs):
    inits = [c for c in cs if c['side'] == 'ours' and c['type'] == INIT
             and 0x000c in init_params(c)]
    acks = [c for c in cs if c['side'] == 'peer' and c['type'] == INIT_ACK]
    if len(inits) < 2 or acks:
        return None
    return ('our INIT (frame %d) carries Supported Address Types (0x000c); '
            'sent %d times (frames %s), never answered with an INIT ACK'
            % (inits[0]['frame'], len(inits),
               ','.join(str(c['frame']) for c in inits[:6])))


def bug_shutdown_cumack(cs):
    for i, c in enumerate(cs):
        if c['side'] != 'ours' or c['type'] != SHUTDOWN or 'cumack' not in c:
            continue
        acked = c['cumack']
        sacked = None
        for p in cs[:i]:
            if p['side'] == 'ours' and p['type'] == SACK:
                sacked = p['cumack']
        # Only DATA that our SHUTDOWN acked and no SACK of ours did.
        retx = [p for p in cs[i + 1:] if p['side'] == 'peer'
                and p['type'] == DATA and tsn_le(p['tsn'], acked)
                and (sacked is None or not tsn_le(p['tsn'], sacked))]
        frames = sorted(set(p['frame'] for p in retx))
        if len(retx) >= 2:
            return ('our SHUTDOWN (frame %d) acks TSN %d cumulatively (our '
                    'last SACK acked %s); after it the peer still sends %d '
                    'DATA chunks at or below that TSN (first TSN %d) in %d '
                    'packets (frames %s)'
                    % (c['frame'], acked, sacked, len(retx), retx[0]['tsn'],
                       len(frames), ','.join(str(f) for f in frames[:8])))
    return None


def bug_echo_mismatch(cs):
    """The peer echoes every message on its stream in delivery order, so
    its ordered message SSN k must be our SSN k.  Compares each of the
    peer's first fragments (B bit) with the start of our message."""
    ours = messages(cs, 'ours')
    seen = set()
    for c in cs:
        if c['side'] != 'peer' or c['type'] != DATA or 'tsn' not in c:
            continue
        if c['tsn'] in seen or not c['flags'] & 2 or c['flags'] & 4:
            continue
        seen.add(c['tsn'])
        key = (c['sid'], c['ssn'])
        if key not in ours:
            continue
        sent, sframe = ours[key]
        got = c['payload']
        if sent.startswith(got) or got.startswith(sent):
            continue
        other = [k for k, (p, _) in ours.items()
                 if k != key and (p.startswith(got) or got.startswith(p))]
        return ('stream %d SSN %d: we sent %d bytes starting %s (frame %d); '
                'the peer echoed as SSN %d a message starting %s (frame %d)%s'
                % (key[0], key[1], len(sent), sent[:6].hex(), sframe, key[1],
                   got[:6].hex(), c['frame'],
                   ', which is how our SSN %d starts' % other[0][1] if other
                   else ', which matches nothing we sent'))
    return None


def bug_no_shutdown(cs):
    """The peer was asked for a graceful shutdown and sent ABORT."""
    shut = [c for c in cs if c['side'] == 'peer' and c['type'] == SHUTDOWN]
    abort = [c for c in cs if c['side'] == 'peer' and c['type'] == ABORT]
    if shut or not abort:
        return None
    return ('the peer sent no SHUTDOWN, but an ABORT (frame %d)'
            % abort[0]['frame'])


def bug_shutdown_received(cs):
    """Our SHUTDOWN was answered with something other than the RFC 9260
    9.2 sequence (SHUTDOWN ACK, then our SHUTDOWN COMPLETE ends it)."""
    shut = [c for c in cs if c['side'] == 'ours' and c['type'] == SHUTDOWN]
    if not shut:
        return None
    after = [c for c in cs if c['frame'] > shut[0]['frame']]
    acks = [c for c in after if c['side'] == 'peer'
            and c['type'] == SHUTDOWN_ACK]
    comp = [c for c in after if c['side'] == 'ours'
            and c['type'] == SHUTDOWN_COMPLETE]
    if acks and comp:
        late = [c for c in after if c['side'] == 'peer'
                and c['frame'] > comp[0]['frame']
                and c['type'] in (SHUTDOWN_ACK, ABORT, DATA)]
        if not late:
            return None
        return ('after our SHUTDOWN COMPLETE (frame %d) the peer still sends '
                'chunk type %d (frame %d)'
                % (comp[0]['frame'], late[0]['type'], late[0]['frame']))
    return ('our SHUTDOWN (frame %d) got %s' % (
        shut[0]['frame'], 'no SHUTDOWN ACK' if not acks else
        'a SHUTDOWN ACK but the association did not complete'))


def bug_bad_crc_answered(cs):
    """A packet with a bad checksum (from the crafted sender's port, any
    port but ours) was answered."""
    return None


def bug_shutdown_tsn(cs):
    """The peer's SHUTDOWN acknowledges a TSN we never sent: its own."""
    ours = set(c['tsn'] for c in cs if c['side'] == 'ours'
               and c['type'] == DATA and 'tsn' in c)
    peer = set(c['tsn'] for c in cs if c['side'] == 'peer'
               and c['type'] == DATA and 'tsn' in c)
    for c in cs:
        if c['side'] == 'peer' and c['type'] == SHUTDOWN and 'cumack' in c \
                and c['cumack'] not in ours and c['cumack'] in peer:
            return ('the peer\'s SHUTDOWN (frame %d) carries Cumulative TSN '
                    'Ack %d, a TSN the peer itself sent, not one of ours '
                    '(%s)' % (c['frame'], c['cumack'],
                              '%d..%d' % (min(ours), max(ours)) if ours
                              else 'none'))
    return None


def bug_shutdown_pending(cs):
    """The peer sent SHUTDOWN before all the messages it echoes: its last
    ordered SSN on a stream is below ours."""
    ours, peer = messages(cs, 'ours'), messages(cs, 'peer')
    shut = [c for c in cs if c['side'] == 'peer' and c['type'] == SHUTDOWN]
    if not shut or not ours:
        return None
    late = [c for c in cs if c['side'] == 'peer' and c['type'] == DATA
            and c['frame'] > shut[0]['frame']]
    if late:
        return None
    missing = sorted(k for k in ours if k not in peer)
    if not missing:
        return None
    return ('the peer sent SHUTDOWN (frame %d) and no DATA after it, but '
            'never sent the echo of our stream %d SSN %d (%d echoes missing)'
            % (shut[0]['frame'], missing[0][0], missing[0][1], len(missing)))


DETECTORS = {
    'pion-shutdown-tsn': bug_shutdown_tsn,
    'pion-shutdown-pending': bug_shutdown_pending,
    'pion-init-param': bug_init_param,
    'shutdown-cumack': bug_shutdown_cumack,
    'npm-sctp-reassembly': bug_echo_mismatch,
    'werift-no-shutdown': bug_no_shutdown,
    'werift-shutdown': bug_shutdown_received,
}


def main(argv):
    if len(argv) < 4 or argv[2] != '--ours':
        sys.stderr.write(__doc__)
        return 2
    cs = decode(argv[1], int(argv[3]))
    found = 0
    for bug in argv[4:]:
        if bug not in DETECTORS:
            sys.stderr.write('analyze: unknown bug id %s\n' % bug)
            return 2
        ev = DETECTORS[bug](cs)
        if ev:
            print('%s: %s' % (bug, ev))
            found += 1
    return 0 if found else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
