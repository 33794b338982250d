#!/usr/bin/env python3
"""A full-table look-alike as an MRT RIB dump (RFC 6396 TABLE_DUMP_V2), and its reader.

  mrt.py gen --out FILE [--v4 1000000] [--v6 200000] [--seed 13] [--tail K]
  mrt.py stats FILE                 # counts, families, lengths, paths, attribute sets (JSON)

The file is data for a loopback lab, never routed: every prefix comes from
ranges that are not routed on the Internet (IPv4: 10/8, 100.64/10, 172.16/12,
192.168/16, 198.18/15 and the reserved 240/4; IPv6: the ULA block fc00::/7),
and all prefixes are distinct. What
makes it look like a real full table, all drawn from one seeded PRNG (same
seed and sizes = the same bytes, whatever the machine):

* prefix lengths as in a 2025 table: IPv4 ~60 % /24, ~23 % /22-/23, the rest
  /8-/21 (the shorter the rarer; a length never fills more than half of what
  the ranges hold, the remainder goes to /24); IPv6 ~47 % /48, then /32, /44,
  /40, /36, /29 ... Nested prefixes (a /24 inside a /22) occur, as in real tables.
* origin ASes: heavy-tailed (Pareto, median ~2 prefixes per AS, a few with
  thousands), 16-bit and 32-bit ASNs (~30 % 4-byte), never 65001/65002 (the
  benchmark's own) or 23456.
* per origin AS a few attribute variants (multi-homing, TE): AS_PATH of 2-7
  distinct ASes (peer AS 64496 first, transit ASes from a Zipf-weighted pool),
  origin AS prepended on ~12 % of variants, MED on ~20 %, standard communities
  on ~45 % (1-8, from 16-bit ASes on the path), large communities on ~7 %,
  ORIGIN mostly IGP. ~1 attribute set per 4 routes: a few hundred thousand
  distinct sets for 1.2 M routes.

--mp-reach-full writes the IPv6 next hop as a whole MP_REACH_NLRI (AFI, SAFI,
next hop, reserved) instead of RFC 6396's short form (next hop only): GoBGP
3.10's `gobgp mrt inject` reads only that form (the short one ends it with
"unknown route family. AFI: 4128"). The reader takes both.

--tail K appends the first K RIB records again (new sequence numbers): GoBGP
3.10's stock `gobgp mrt inject` exits before gobgpd has taken the end of its
stream, so the bench feeds it a tail of repeats that changes nothing at the
receiver (same prefixes, same attributes) while every real route gets through.
"""
import argparse
import collections
import ipaddress
import json
import os
import random
import socket
import struct
import sys
import time

MRT_TABLE_DUMP_V2 = 13
PEER_INDEX_TABLE, RIB_IPV4_UNICAST, RIB_IPV6_UNICAST = 1, 2, 4
NH4, NH6 = '192.0.2.1', '2001:db8::1'
PEER_AS, PEER_ID = 64496, '192.0.2.1'     # the collector's peer: a documentation ASN
FORMAT_VERSION = 1                        # bump when the output for a seed changes

V4_POOLS = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', '198.18.0.0/15',
            '240.0.0.0/4']
V6_POOLS = ['fc00::/7']
# share of prefixes per length (what is left over goes to the most common length)
V4_LENGTHS = {8: 0.00002, 9: 0.00002, 10: 0.00004, 11: 0.0001, 12: 0.0003, 13: 0.0006, 14: 0.0011,
              15: 0.0019, 16: 0.013, 17: 0.008, 18: 0.013, 19: 0.025, 20: 0.043, 21: 0.05, 22: 0.12,
              23: 0.11}
V4_MAIN = 24
V6_LENGTHS = {28: 0.006, 29: 0.035, 30: 0.005, 31: 0.003, 32: 0.12, 33: 0.015, 34: 0.01, 35: 0.01,
              36: 0.035, 37: 0.003, 38: 0.01, 39: 0.003, 40: 0.06, 41: 0.005, 42: 0.015, 43: 0.005,
              44: 0.07, 45: 0.01, 46: 0.03, 47: 0.025}
V6_MAIN = 48
PATH_LEN = [(2, 0.08), (3, 0.33), (4, 0.32), (5, 0.17), (6, 0.07), (7, 0.03)]  # distinct ASes incl. peer
OWN_ASES = {65001, 65002, 23456}


def _safe_pools(pools):
    nets = [ipaddress.ip_network(p) for p in pools]
    for n in nets:
        if n.is_global:
            raise SystemExit('pool %s is globally routed' % n)
    return nets


def _slots(nets, plen):
    return sum(1 << (plen - n.prefixlen) for n in nets if n.prefixlen <= plen)


def _nth_prefix(nets, plen, idx):
    for n in nets:
        if n.prefixlen > plen:
            continue
        c = 1 << (plen - n.prefixlen)
        if idx < c:
            return int(n.network_address) + (idx << (n.max_prefixlen - plen))
        idx -= c
    raise IndexError(idx)


def draw_prefixes(rng, count, pools, shares, main_len):
    """count distinct (int address, length) pairs from the pools, lengths by share."""
    nets = _safe_pools(pools)
    want = {L: int(round(count * s)) for L, s in shares.items()}
    for L in want:
        want[L] = min(want[L], _slots(nets, L) // 2)
    want[main_len] = count - sum(want.values())
    if want[main_len] > _slots(nets, main_len) * 0.9:
        raise SystemExit('%d /%d prefixes do not fit in %s' % (want[main_len], main_len, pools))
    out = []
    for L in sorted(want):
        for idx in rng.sample(range(_slots(nets, L)), want[L]):
            out.append((_nth_prefix(nets, L, idx), L))
    out.sort()
    return out


def draw_asns(rng, count):
    """count distinct origin-looking ASNs: ~70 % 16-bit, ~30 % 32-bit (RIR ranges)."""
    got = set()
    while len(got) < count:
        a = rng.randint(1, 64495) if rng.random() < 0.7 else rng.randint(131072, 401308)
        if a not in OWN_ASES:
            got.add(a)
    out = sorted(got)
    rng.shuffle(out)
    return out


def origin_counts(rng, total):
    """prefixes per origin AS: Pareto(1.05), capped, until they add up to total."""
    cap = max(1, total // 150)
    counts = []
    left = total
    while left > 0:
        c = min(cap, left, int(rng.paretovariate(1.05)))
        counts.append(c)
        left -= c
    return counts


def _weighted(rng, items):
    r = rng.random()
    for v, w in items:
        r -= w
        if r < 0:
            return v
    return items[-1][0]


class World:
    """The ASes and their attribute variants shared by the IPv4 and IPv6 tables."""

    def __init__(self, rng, n_routes):
        self.rng = rng
        n_transit = max(20, min(3000, n_routes // 400))
        self.transit = draw_asns(rng, n_transit)
        self.transit_w = [1.0 / (i + 1) ** 1.1 for i in range(n_transit)]  # tier 1s carry most paths
        self.comm_codes = [100, 110, 120, 200, 300, 666, 1000, 1001, 1002, 2000, 2100, 3000, 3100, 3200,
                           4000, 5000, 9999] + [rng.randint(1, 65000) for _ in range(40)]

    def path(self, origin, hops):
        mids = []
        while len(mids) < hops - 2:
            t = self.rng.choices(self.transit, self.transit_w)[0]
            if t != origin and t not in mids:
                mids.append(t)
        return [PEER_AS] + mids + [origin]

    def variant(self, origin):
        rng = self.rng
        p = self.path(origin, _weighted(rng, PATH_LEN))
        if rng.random() < 0.12:           # origin prepends (traffic engineering)
            p += [origin] * min(6, 1 + int(rng.expovariate(0.8)))
        elif rng.random() < 0.03 and len(p) > 2:   # a transit prepends
            i = rng.randrange(1, len(p) - 1)
            p = p[:i + 1] + [p[i]] + p[i + 1:]
        v = {'origin': 0 if rng.random() < 0.88 else (2 if rng.random() < 0.9 else 1), 'as_path': p}
        if rng.random() < 0.2:
            v['med'] = rng.choice([0, 0, 0, 10, 20, 50, 100, 200, 1000, rng.randint(0, 5000)])
        if rng.random() < 0.45:
            small = [a for a in p if a < 65536] or [PEER_AS]
            k = min(8, 1 + int(rng.expovariate(0.6)))
            v['communities'] = sorted({(rng.choice(small), rng.choice(self.comm_codes)) for _ in range(k)})
        if rng.random() < 0.07:
            k = rng.randint(1, 3)
            v['large_communities'] = sorted({(rng.choice(p[1:]), rng.choice([1, 2, 3, 100]),
                                              rng.randint(0, 999)) for _ in range(k)})
        return v


def encode_attrs(v, afi, mp_full=False):
    def attr(flags, code, body):
        if len(body) > 255:
            return struct.pack('!BBH', flags | 0x10, code, len(body)) + body
        return struct.pack('!BBB', flags, code, len(body)) + body
    out = [attr(0x40, 1, bytes([v['origin']]))]
    path = v['as_path']
    segs = b''
    for s in range(0, len(path), 255):
        chunk = path[s:s + 255]
        segs += struct.pack('!BB', 2, len(chunk)) + b''.join(struct.pack('!I', a) for a in chunk)
    out.append(attr(0x40, 2, segs))
    if afi == 4:
        out.append(attr(0x40, 3, socket.inet_aton(NH4)))
    if 'med' in v:
        out.append(attr(0x80, 4, struct.pack('!I', v['med'])))
    if v.get('communities'):
        out.append(attr(0xc0, 8, b''.join(struct.pack('!HH', a, c) for a, c in v['communities'])))
    if afi == 6:  # RFC 6396 4.3.4: in a RIB entry MP_REACH_NLRI holds only the next hop
        nh = socket.inet_pton(socket.AF_INET6, NH6)
        # GoBGP 3.10's `mrt inject` reads only the full form (AFI, SAFI, length, next hop, reserved)
        out.append(attr(0x80, 14, struct.pack('!HBB', 2, 1, 16) + nh + b'\0' if mp_full else bytes([16]) + nh))
    if v.get('large_communities'):
        out.append(attr(0xc0, 32, b''.join(struct.pack('!III', *lc) for lc in v['large_communities'])))
    return b''.join(out)


def _variants_for(world, rng, counts, asns):
    """per route (in a shuffled order) its (origin index, variant index); variants per AS."""
    per_as = []
    routes = []
    for i, c in enumerate(counts):
        nv = max(1, min(c, int(round(c * rng.uniform(0.12, 0.3)))))
        per_as.append([world.variant(asns[i]) for _ in range(nv)])
        routes += [(i, rng.randrange(nv)) for _ in range(c)]
    rng.shuffle(routes)
    return per_as, routes


def generate(out, n4, n6, seed, tail=0, mp_full=False):
    """Write the dump; returns its stats (counts, attribute sets). mp_full: IPv6 next hops in a
    full MP_REACH_NLRI (AFI, SAFI, next hop, reserved) instead of RFC 6396's short form."""
    rng = random.Random('evbgp-mrt-%d-%d-%d-v%d' % (seed, n4, n6, FORMAT_VERSION))
    world = World(rng, n4 + n6)
    c4, c6 = origin_counts(rng, n4), origin_counts(rng, n6)
    asns = draw_asns(rng, max(len(c4), len(c6)))
    # most IPv6 origins also originate IPv4: the two tables share the first ASes
    pv4, r4 = _variants_for(world, rng, c4, asns)
    pv6, r6 = _variants_for(world, rng, c6, asns)
    p4 = draw_prefixes(rng, n4, V4_POOLS, V4_LENGTHS, V4_MAIN)
    p6 = draw_prefixes(rng, n6, V6_POOLS, V6_LENGTHS, V6_MAIN)
    ts = 1764720000  # fixed: the same seed gives the same bytes
    sets = set()

    def rec(subtype, body):
        return struct.pack('!IHHI', ts, MRT_TABLE_DUMP_V2, subtype, len(body)) + body
    pid = socket.inet_aton(PEER_ID)
    records = []
    with open(out + '.tmp', 'wb') as f:
        f.write(rec(PEER_INDEX_TABLE, pid + struct.pack('!HH', 0, 1) + struct.pack('!B4s4sI', 2, pid, pid, PEER_AS)))
        seq = 0
        for afi, prefixes, routes, pv, sub, width in ((4, p4, r4, pv4, RIB_IPV4_UNICAST, 4),
                                                       (6, p6, r6, pv6, RIB_IPV6_UNICAST, 16)):
            cache = {}
            buf = []
            for (addr, plen), key in zip(prefixes, routes):
                enc = cache.get(key)
                if enc is None:
                    enc = cache[key] = encode_attrs(pv[key[0]][key[1]], afi, mp_full)
                    sets.add(enc)
                nb = (plen + 7) // 8
                body = (struct.pack('!IB', seq, plen) + addr.to_bytes(width, 'big')[:nb] +
                        struct.pack('!HHIH', 1, 0, ts, len(enc)) + enc)
                r = rec(sub, body)
                buf.append(r)
                if len(records) < tail:
                    records.append((sub, body[4:]))
                seq += 1
                if len(buf) >= 65536:
                    f.write(b''.join(buf))
                    buf = []
            f.write(b''.join(buf))
        for sub, rest in records[:tail]:
            f.write(rec(sub, struct.pack('!I', seq) + rest))
            seq += 1
    os.replace(out + '.tmp', out)
    return {'ipv4': n4, 'ipv6': n6, 'tail': min(tail, len(records)), 'attr_sets': len(sets),
            'origin_ases': max(len(c4), len(c6)), 'seed': seed}


# ------------------------------------------------------------------ reader
class MrtError(ValueError):
    pass


def _need(buf, off, n, what):
    if off + n > len(buf):
        raise MrtError('truncated %s at byte %d (need %d, have %d)' % (what, off, n, len(buf) - off))


def decode_attrs(blob, afi):
    """The attributes of a RIB entry as a dict (the parts the replayer uses); raises MrtError."""
    out = {}
    off = 0
    while off < len(blob):
        _need(blob, off, 3, 'attribute header')
        flags, code = blob[off], blob[off + 1]
        if flags & 0x10:
            _need(blob, off, 4, 'attribute header')
            ln = struct.unpack_from('!H', blob, off + 2)[0]
            off += 4
        else:
            ln = blob[off + 2]
            off += 3
        _need(blob, off, ln, 'attribute %d' % code)
        body = blob[off:off + ln]
        off += ln
        if code == 1:
            if ln != 1:
                raise MrtError('ORIGIN length %d' % ln)
            out['origin'] = body[0]
        elif code == 2:
            path, o = [], 0
            while o < ln:
                _need(body, o, 2, 'AS_PATH segment')
                typ, cnt = body[o], body[o + 1]
                _need(body, o + 2, 4 * cnt, 'AS_PATH segment')
                asns = list(struct.unpack_from('!%dI' % cnt, body, o + 2))
                path += asns if typ == 2 else [asns]  # an AS_SET as a nested list
                o += 2 + 4 * cnt
            out['as_path'] = path
        elif code == 3:
            if ln != 4:
                raise MrtError('NEXT_HOP length %d' % ln)
            out['next_hop'] = socket.inet_ntoa(body)
        elif code == 4:
            if ln != 4:
                raise MrtError('MED length %d' % ln)
            out['med'] = struct.unpack('!I', body)[0]
        elif code == 8:
            if ln % 4:
                raise MrtError('COMMUNITIES length %d' % ln)
            out['communities'] = [struct.unpack_from('!HH', body, o) for o in range(0, ln, 4)]
        elif code == 32:
            if ln % 12:
                raise MrtError('LARGE_COMMUNITY length %d' % ln)
            out['large_communities'] = [struct.unpack_from('!III', body, o) for o in range(0, ln, 12)]
        elif code == 14:
            # RFC 6396 4.3.4: next hop length + next hop only; tolerate the full form too
            if ln >= 1 and ln == 1 + body[0]:
                nh = body[1:]
            elif ln >= 4 and ln >= 4 + body[3]:
                nh = body[4:4 + body[3]]
            else:
                raise MrtError('MP_REACH_NLRI length %d' % ln)
            if len(nh) not in (16, 32):
                raise MrtError('MP_REACH_NLRI next hop length %d' % len(nh))
            out['next_hop'] = socket.inet_ntop(socket.AF_INET6, nh[:16])
        else:
            out.setdefault('other', []).append((flags, code, body))
    return out


def read(path, limit=None):
    """Yield (afi, prefix text, raw attribute bytes) for every RIB entry (the first entry of
    each record: a dump of one peer). Unknown record types are skipped; damage raises MrtError."""
    with open(path, 'rb') as f:
        data = f.read()
    off, seen = 0, 0
    while off < len(data):
        _need(data, off, 12, 'MRT header')
        _ts, typ, sub, ln = struct.unpack_from('!IHHI', data, off)
        off += 12
        _need(data, off, ln, 'MRT record')
        body = data[off:off + ln]
        off += ln
        if typ != MRT_TABLE_DUMP_V2 or sub not in (RIB_IPV4_UNICAST, RIB_IPV6_UNICAST):
            continue
        afi, width = (4, 4) if sub == RIB_IPV4_UNICAST else (6, 16)
        _need(body, 0, 5, 'RIB header')
        plen = body[4]
        if plen > width * 8:
            raise MrtError('prefix length %d' % plen)
        nb = (plen + 7) // 8
        _need(body, 5, nb + 2, 'RIB prefix')
        addr = body[5:5 + nb] + bytes(width - nb)
        count = struct.unpack_from('!H', body, 5 + nb)[0]
        if count == 0:
            continue
        o = 7 + nb
        _need(body, o, 8, 'RIB entry')
        alen = struct.unpack_from('!H', body, o + 6)[0]
        _need(body, o + 8, alen, 'RIB entry attributes')
        net = (ipaddress.IPv4Network if afi == 4 else ipaddress.IPv6Network)((int.from_bytes(addr, 'big'), plen))
        yield afi, str(net), body[o + 8:o + 8 + alen]
        seen += 1
        if limit and seen >= limit:
            return


def stats(path):
    fam = collections.Counter()
    lengths = {4: collections.Counter(), 6: collections.Counter()}
    plen_hist = collections.Counter()
    prefixes, sets, origins = set(), set(), set()
    dup = with_comm = with_large = with_med = prepended = records = 0
    for afi, pfx, raw in read(path):
        records += 1
        if pfx in prefixes:
            dup += 1
            continue
        prefixes.add(pfx)
        fam[afi] += 1
        lengths[afi][int(pfx.rsplit('/', 1)[1])] += 1
        sets.add(raw)
        a = decode_attrs(raw, afi)
        p = a.get('as_path', [])
        plen_hist[len(set(x for x in p if isinstance(x, int)))] += 1
        if p:
            origins.add(p[-1])
        prepended += len(p) != len(set(x for x in p if isinstance(x, int)))
        with_comm += bool(a.get('communities'))
        with_large += bool(a.get('large_communities'))
        with_med += 'med' in a
    n = max(1, len(prefixes))
    return {'records': records, 'repeats': dup, 'ipv4': fam[4], 'ipv6': fam[6], 'attr_sets': len(sets),
            'origin_ases': len(origins),
            'v4_lengths': dict(sorted(lengths[4].items())), 'v6_lengths': dict(sorted(lengths[6].items())),
            'path_distinct_ases': dict(sorted(plen_hist.items())),
            'mean_path_ases': round(sum(k * v for k, v in plen_hist.items()) / n, 2),
            'share_communities': round(with_comm / n, 3), 'share_large_communities': round(with_large / n, 3),
            'share_med': round(with_med / n, 3), 'share_prepended': round(prepended / n, 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('gen')
    g.add_argument('--out', required=True)
    g.add_argument('--v4', type=int, default=1000000)
    g.add_argument('--v6', type=int, default=200000)
    g.add_argument('--seed', type=int, default=13)
    g.add_argument('--tail', type=int, default=0)
    g.add_argument('--mp-reach-full', action='store_true',
                   help="IPv6 next hop in a full MP_REACH_NLRI (what GoBGP 3.10's mrt inject reads)")
    s = sub.add_parser('stats')
    s.add_argument('file')
    a = ap.parse_args()
    if a.cmd == 'gen':
        t = time.time()
        st = generate(a.out, a.v4, a.v6, a.seed, a.tail, a.mp_reach_full)
        st['seconds'] = round(time.time() - t, 1)
        with open(a.out + '.json', 'w') as f:
            json.dump(st, f)
        print(json.dumps(st))
    else:
        print(json.dumps(stats(a.file), indent=1))


if __name__ == '__main__':
    sys.exit(main())
