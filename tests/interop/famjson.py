#!/usr/bin/env python3
"""Compare the routes two daemons received, from their helpers' ExaBGP JSON.

    famjson.py EVBGPD.json EXABGP.json [--min N] [--show]
    famjson.py --count EVBGPD.json        the route records of a file

Every "update" event of each file is cut into one record per route:
(announce|withdraw, family, next hop, the route's object, the "attribute"
object), and the two multisets of records must be equal (an UPDATE packing
several routes in one event or in several does not matter; the envelope,
time, counters and addresses do not either). End-of-RIB markers count as
records too. --min N: each side must hold at least N route records (an
empty pair is no proof). Exit 0 when equal; else print the differences.
"""
import json
import sys


def records(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith('{'):
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                out.append(('unparsable', line))
                continue
            if msg.get('type') != 'update':
                continue
            m = msg.get('neighbor', {}).get('message', {})
            if 'eor' in m:
                out.append(('eor', json.dumps(m['eor'], sort_keys=True)))
                continue
            u = m.get('update', {})
            attrs = json.dumps(u.get('attribute', {}), sort_keys=True)
            for fam, byhop in u.get('announce', {}).items():
                for nh, routes in byhop.items():
                    for r in routes:
                        out.append(('announce', fam, nh,
                                    json.dumps(r, sort_keys=True), attrs))
            for fam, routes in u.get('withdraw', {}).items():
                for r in routes:
                    out.append(('withdraw', fam,
                                json.dumps(r, sort_keys=True), attrs))
    return out


def main(argv):
    need = 1
    if '--min' in argv:
        i = argv.index('--min')
        need = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    args = [a for a in argv[1:] if not a.startswith('--')]
    if '--count' in argv:
        print(sum(1 for r in records(args[0])
                  if r[0] in ('announce', 'withdraw')))
        return 0
    a, b = records(args[0]), records(args[1])
    ra = sorted(map(repr, a))
    rb = sorted(map(repr, b))
    routes = sum(1 for r in a if r[0] in ('announce', 'withdraw'))
    if ra == rb and routes >= need:
        if '--show' in argv:
            for r in ra:
                print(r)
        return 0
    if routes < need:
        print('only %d route record(s), %d expected' % (routes, need))
    only_a = [r for r in ra if r not in rb]
    only_b = [r for r in rb if r not in ra]
    for r in only_a:
        print('- evbgpd only: %s' % r)
    for r in only_b:
        print('+ exabgp only: %s' % r)
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
