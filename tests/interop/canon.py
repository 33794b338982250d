#!/usr/bin/env python3
"""Turn a BGP peer's view of learned routes into canonical lines, one per route:

    PREFIX nh=NH path=A,B origin=igp|egp|incomplete med=N|- [lp=N] comm=A:B,..|- large=A:B:C,..|- ext=rt:A:N,..|-
           [extra=ATTR,..]   (attributes no route asks for: BIRD/GoBGP any other, FRR aggregator & co)

so that tests/interop/lib.sh can compare them with the configured routes (sorted, `cmp`).
Lists are sorted; `lp=` is printed only with --lp (iBGP sessions).

    canon.py bird  --neighbor ADDR [--lp] FILE...   birdc 'show route all protocol P' output
    canon.py gobgp --neighbor ADDR [--lp] FILE...   'gobgp global rib -a ipv4|ipv6 -j' output
    canon.py frr   --neighbor ADDR [--lp] FILE...   vtysh 'show bgp ipv4|ipv6 unicast json detail'
    canon.py received FILE PREFIX [LOCAL_ADDR]      exit 0 if the ExaBGP-JSON API stream in FILE
                                                    announces PREFIX (on the session from LOCAL_ADDR)

Only the standard library is used.
"""
import json
import re
import sys

ORIGINS = {0: 'igp', 1: 'egp', 2: 'incomplete', 'igp': 'igp', 'egp': 'egp', 'incomplete': 'incomplete',
           '?': 'incomplete'}


def fmt_list(items):
    items = sorted(set(items))
    return ','.join(items) if items else '-'


def line(pfx, r, with_lp):
    out = '%s nh=%s path=%s origin=%s med=%s' % (
        pfx, r.get('nh', '-'), ','.join(str(a) for a in r.get('path', [])), r.get('origin', '-'),
        r.get('med', '-'))
    if with_lp:
        out += ' lp=%s' % r.get('lp', '-')
    out += ' comm=%s large=%s ext=%s' % (fmt_list(r.get('comm', [])), fmt_list(r.get('large', [])),
                                         fmt_list(r.get('ext', [])))
    if r.get('extra'):
        # attributes the configuration did not ask for (ATOMIC_AGGREGATE, AGGREGATOR, ...)
        out += ' extra=%s' % fmt_list(r['extra'])
    return out


# ------------------------------------------------------------------ BIRD 2
BIRD_ROUTE = re.compile(r'^(\S+/\d+)\s+\S+.*\[(\S+) ')
BIRD_ALT = re.compile(r'^\s+(unreachable|unicast|blackhole|prohibit|via|dev)\b.*\[(\S+) ')
BIRD_ATTR = re.compile(r'^\s+BGP\.(\w+):\s*(.*?)\s*$')
PAREN = re.compile(r'\(([^)]*)\)')


def parse_bird(text):
    routes = []
    cur = None
    pfx = None
    for raw in text.splitlines():
        m = BIRD_ROUTE.match(raw)
        if m:
            pfx = m.group(1)
            cur = {'pfx': pfx}
            routes.append(cur)
            continue
        m = BIRD_ALT.match(raw)
        if m and pfx:
            cur = {'pfx': pfx}
            routes.append(cur)
            continue
        m = BIRD_ATTR.match(raw)
        if not m or cur is None:
            continue
        key, val = m.group(1), m.group(2)
        if key == 'origin':
            cur['origin'] = ORIGINS.get(val.lower(), val.lower())
        elif key == 'as_path':
            cur['path'] = [t for t in val.replace('{', ' { ').replace('}', ' } ').split()]
        elif key == 'next_hop':
            cur['nh'] = val.split()[0] if val else '-'
        elif key == 'med':
            cur['med'] = val
        elif key == 'local_pref':
            cur['lp'] = val
        elif key == 'community':
            cur['comm'] = [g.replace(' ', '').replace(',', ':') for g in PAREN.findall(val)]
        elif key == 'large_community':
            cur['large'] = [g.replace(' ', '').replace(',', ':') for g in PAREN.findall(val)]
        elif key == 'ext_community':
            cur['ext'] = [g.replace(' ', '').replace(',', ':') for g in PAREN.findall(val)]
        else:
            cur.setdefault('extra', []).append(key)
    return [(r['pfx'], r) for r in routes]


# ------------------------------------------------------------------ GoBGP 3
def gobgp_ext(v):
    sub = v.get('subtype')
    kind = {2: 'rt', 3: 'soo'}.get(sub, 'type%s-%s' % (v.get('type'), sub))
    return '%s:%s' % (kind, v.get('value'))


def parse_gobgp(text, neighbor):
    out = []
    data = json.loads(text) if text.strip() else {}
    for pfx, paths in data.items():
        for p in paths:
            if p.get('neighbor-ip') != neighbor:
                continue
            r = {}
            for a in p.get('attrs', []):
                t = a.get('type')
                if t == 1:
                    r['origin'] = ORIGINS.get(a.get('value'), str(a.get('value')))
                elif t == 2:
                    path = []
                    for seg in a.get('as_paths', []):
                        if seg.get('segment_type') == 1:
                            path.append('{' + ','.join(str(x) for x in seg.get('asns', [])) + '}')
                        else:
                            path.extend(str(x) for x in seg.get('asns', []))
                    r['path'] = path
                elif t == 3:
                    r['nh'] = a.get('nexthop')
                elif t == 4:
                    r['med'] = str(a.get('metric'))
                elif t == 5:
                    r['lp'] = str(a.get('value'))
                elif t == 8:
                    r['comm'] = ['%d:%d' % (c >> 16, c & 0xffff) for c in a.get('communities', [])]
                elif t == 14:
                    nh = a.get('nexthop')
                    if nh is None and a.get('nexthops'):
                        nh = a['nexthops'][0]
                    r['nh'] = nh
                elif t == 16:
                    r['ext'] = [gobgp_ext(v) for v in a.get('value', [])]
                elif t == 32:
                    r['large'] = ['%s:%s:%s' % (v.get('ASN'), v.get('LocalData1'), v.get('LocalData2'))
                                  for v in a.get('value', [])]
                else:
                    r.setdefault('extra', []).append('type%s' % t)
            out.append((pfx, r))
    return out


# ------------------------------------------------------------------ FRR 8
def parse_frr(text, neighbor):
    out = []
    data = json.loads(text) if text.strip() else {}
    for pfx, entries in data.get('routes', {}).items():
        for p in entries:
            if 'peer' not in p or p['peer'].get('peerId') != neighbor:
                continue
            r = {}
            path = []
            for seg in p.get('aspath', {}).get('segments', []):
                if seg.get('type') == 'as-set':
                    path.append('{' + ','.join(str(x) for x in seg.get('list', [])) + '}')
                else:
                    path.extend(str(x) for x in seg.get('list', []))
            r['path'] = path
            r['origin'] = ORIGINS.get(str(p.get('origin', '')).lower(), str(p.get('origin')).lower())
            if 'metric' in p:
                r['med'] = str(p['metric'])
            if 'locPrf' in p:
                r['lp'] = str(p['locPrf'])
            if 'community' in p:
                r['comm'] = p['community'].get('list') or p['community'].get('string', '').split()
            if 'largeCommunity' in p:
                r['large'] = p['largeCommunity'].get('list') or p['largeCommunity'].get('string', '').split()
            if 'extendedCommunity' in p:
                ext = []
                for e in p['extendedCommunity'].get('string', '').split():
                    kind, _, val = e.partition(':')
                    ext.append('%s:%s' % ({'RT': 'rt', 'SoO': 'soo'}.get(kind, kind), val))
                r['ext'] = ext
            for key in ('atomicAggregate', 'aggregatorAs', 'originatorId', 'clusterList'):
                if key in p:
                    r.setdefault('extra', []).append(key)
            nhs = [n for n in p.get('nexthops', []) if n.get('scope') != 'link-local']
            if nhs:
                r['nh'] = nhs[0].get('ip')
            out.append((pfx, r))
    return out


# ------------------------------------------------------------------ ExaBGP JSON API stream
def received(path, prefix, local):
    try:
        f = open(path, encoding='utf-8', errors='replace')
    except OSError:
        return 1
    with f:
        for raw in f:
            raw = raw.strip()
            if not raw.startswith('{'):
                continue
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if msg.get('type') != 'update':
                continue
            nb = msg.get('neighbor', {})
            if local and nb.get('address', {}).get('local') != local:
                continue
            ann = nb.get('message', {}).get('update', {}).get('announce', {})
            for fam in ann.values():
                for nlris in fam.values():
                    for n in nlris:
                        if (n.get('nlri') if isinstance(n, dict) else n) == prefix:
                            return 0
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == 'received':
        return received(argv[2], argv[3], argv[4] if len(argv) > 4 else '')
    if len(argv) < 2 or argv[1] not in ('bird', 'gobgp', 'frr'):
        sys.stderr.write(__doc__)
        return 2
    kind = argv[1]
    args = argv[2:]
    neighbor = None
    with_lp = False
    files = []
    i = 0
    while i < len(args):
        if args[i] == '--neighbor':
            neighbor = args[i + 1]
            i += 2
        elif args[i] == '--lp':
            with_lp = True
            i += 1
        else:
            files.append(args[i])
            i += 1
    rows = []
    for fn in files or ['-']:
        text = sys.stdin.read() if fn == '-' else open(fn, encoding='utf-8', errors='replace').read()
        if kind == 'bird':
            rows += parse_bird(text)
        elif kind == 'gobgp':
            rows += parse_gobgp(text, neighbor)
        else:
            rows += parse_frr(text, neighbor)
    for s in sorted(line(pfx, r, with_lp) for pfx, r in rows):
        print(s)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
