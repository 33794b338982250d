#!/usr/bin/env python3
"""Replay an MRT RIB dump (RFC 6396 TABLE_DUMP_V2) as ExaBGP text API commands.

A helper for evbgpd or ExaBGP (their `process` block runs it), or a converter:

  replay.py --mrt FILE --print [--style attributes|route] [--batch 200]
  replay.py --mrt FILE --trigger PATH --stamp PATH        # as a benchmark helper

It reads the whole dump and renders the commands in memory first (parse time
and counts go to --stamp), then, once --trigger exists (the harness creates it
when the session is up), records the time of its first write and copies the
commands to stdout as fast as the daemon reads them; then it idles, draining
stdin, until stdin closes or --max-life passes. Style `attributes` (default)
groups the routes by attribute set, first-seen order, into
`announce attributes ATTRS nlri P1 P2 ...` lines of at most --batch prefixes;
style `route` writes one `announce route P ATTRS` per route, in dump order.
Every IPv4 route keeps the dump's NEXT_HOP, every IPv6 route the MP_REACH next
hop; ORIGIN, AS_PATH, MED, COMMUNITIES and LARGE_COMMUNITY are carried, and an
attribute the text API has no word for here ends the run with an error.
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mrt  # noqa: E402
from feed import drain_then_exit, stamp, write_all  # noqa: E402  (the same helper protocol)

ORIGINS = {0: 'igp', 1: 'egp', 2: 'incomplete'}


def render(a):
    if a.get('other'):
        raise mrt.MrtError('attribute type %d has no text form in the replayer' % a['other'][0][1])
    if 'next_hop' not in a:
        raise mrt.MrtError('route without a next hop')
    out = ['next-hop', a['next_hop']]
    if 'origin' in a:
        out += ['origin', ORIGINS.get(a['origin'], 'incomplete')]
    if 'as_path' in a:
        seg = []
        for x in a['as_path']:
            seg.append('( %s )' % ' '.join(map(str, x)) if isinstance(x, list) else str(x))
        out += ['as-path', '[', *seg, ']']
    if 'med' in a:
        out += ['med', str(a['med'])]
    if a.get('communities'):
        out += ['community', '[', *('%d:%d' % c for c in a['communities']), ']']
    if a.get('large_communities'):
        out += ['large-community', '[', *('%d:%d:%d' % c for c in a['large_communities']), ']']
    return ' '.join(out)


def commands(path, style='attributes', batch=200):
    """(the command text as bytes, routes, attribute sets)."""
    text = {}
    groups = {}
    lines = []
    routes = 0
    for afi, pfx, raw in mrt.read(path):
        t = text.get(raw)
        if t is None:
            t = text[raw] = render(mrt.decode_attrs(raw, afi))
        routes += 1
        if style == 'route':
            lines.append('announce route %s %s\n' % (pfx, t))
        else:
            groups.setdefault(t, []).append(pfx)
    for t, pf in groups.items():
        for s in range(0, len(pf), batch):
            lines.append('announce attributes %s nlri %s\n' % (t, ' '.join(pf[s:s + batch])))
    return ''.join(lines).encode(), routes, len(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--mrt', required=True)
    ap.add_argument('--style', choices=['attributes', 'route'], default='attributes')
    ap.add_argument('--batch', type=int, default=200, help='prefixes per `announce attributes` line')
    ap.add_argument('--print', action='store_true', help='write the commands now and exit')
    ap.add_argument('--trigger')
    ap.add_argument('--stamp')
    ap.add_argument('--max-life', type=float, default=3600)
    a = ap.parse_args()
    if not 1 <= a.batch <= 10000:
        ap.error('--batch must be 1-10000')
    t = time.time()
    try:
        blob, routes, sets = commands(a.mrt, a.style, a.batch)
    except (OSError, mrt.MrtError) as e:
        print('replay.py: %s: %s' % (a.mrt, e), file=sys.stderr)
        return 1
    info = {'routes': routes, 'attr_sets': sets, 'bytes': len(blob), 'parse_s': round(time.time() - t, 2)}
    if a.print:
        write_all(blob)
        return 0
    if not (a.trigger and a.stamp):
        ap.error('--trigger and --stamp, or --print')
    end = time.time() + a.max_life
    threading.Thread(target=drain_then_exit, daemon=True).start()
    stamp(a.stamp + '.ready', info)
    while not os.path.exists(a.trigger):
        if time.time() > end:
            return 0
        time.sleep(0.002)
    info['t_first_write'] = time.time()
    stamp(a.stamp, info)
    write_all(blob)
    info['t_last_write'] = time.time()
    stamp(a.stamp, info)
    while time.time() < end:
        time.sleep(0.5)
    return 0


if __name__ == '__main__':
    sys.exit(main())
