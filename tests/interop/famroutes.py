#!/usr/bin/env python3
"""One canonical line per route from a peer's CLI output, for the family interop scripts.

    famroutes.py bird  < `birdc show route all table T ...`
        NET labels=L1/L2|- ext=(rt, A, N),...|-      (BIRD's own spelling of NET)
    famroutes.py gobgp < `gobgp global rib -a FAMILY` (text)
        NETWORK labels=[L1,L2] nh=NH ext=..|-        (GoBGP's own spelling)
    famroutes.py gobgp-log FAMILY < gobgpd's debug log
        NLRI nh=NH ext=..|-                          (each received UPDATE of FAMILY,
                                                      as GoBGP decoded it)

Lines are printed sorted; the scripts compare them with what they configured.
"""
import re
import sys


def bird(lines):
    out, cur = [], None

    def flush():
        if cur is not None:
            out.append('%s labels=%s ext=%s' % (
                cur['net'], '/'.join(cur['labels']) or '-',
                ','.join(sorted(cur['ext'])) or '-'))

    for line in lines:
        line = line.rstrip('\n')
        if not line or line.startswith('Table ') or line.startswith('BIRD '):
            continue
        m = re.match(r'^(\S.*?)\s+(unicast|unreachable|blackhole|prohibited)\s+\[', line)
        if m:
            flush()
            cur = {'net': m.group(1), 'labels': [], 'ext': []}
            continue
        if cur is None:
            continue
        if re.match(r'^\s+(unicast|unreachable|blackhole|prohibited)\s+\[', line):
            # a second route to the same net: not expected here, keep it visible
            flush()
            cur = {'net': cur['net'], 'labels': [], 'ext': []}
            continue
        m = re.search(r'\bmpls ([0-9/]+)', line)
        if m and not cur['labels']:
            cur['labels'] = m.group(1).split('/')
        m = re.match(r'^\s+BGP\.mpls_label_stack:\s*(.*)$', line)
        if m:
            cur['labels'] = m.group(1).replace('/', ' ').split()
        m = re.match(r'^\s+BGP\.ext_community:\s*(.*)$', line)
        if m:
            cur['ext'] = re.findall(r'\([^)]*\)', m.group(1))
    flush()
    return out


def gobgp(lines):
    out = []
    for line in lines:
        line = line.rstrip('\n')
        m = re.match(r'^[*> ]*(\S+)\s+(\[[^\]]*\])\s+(\S+)\s.*?(\[\{.*\}\])\s*$', line)
        if not m:
            continue
        # {Extcomms: [65001:2], [65001:3]}: one [] per community
        ext = re.search(r'\{Extcomms: ((?:\[[^\]]*\](?:, )?)+)\}', m.group(4))
        ext = re.findall(r'\[([^\]]*)\]', ext.group(1)) if ext else []
        labels = re.findall(r'\d+', m.group(2))
        out.append('%s labels=[%s] nh=%s ext=%s' % (
            m.group(1), ','.join(labels), m.group(3),
            ','.join(sorted(ext)) or '-'))
    return out


def gobgp_log(lines, family):
    out = []
    for line in lines:
        if 'msg="received update"' not in line or 'MpReach(%s)' % family not in line:
            continue
        ext = re.search(r'\{Extcomms: (.*?)\} \{MpReach', line)
        mp = re.search(r'MpReach\([^)]*\): \{Nexthop: (\S+), NLRIs: \[(.*)\]\}\}', line)
        if not mp:
            continue
        # NLRIs are "X (..{[..]})" items separated by ", " outside parentheses
        depth, cur, items = 0, '', []
        for ch in mp.group(2):
            depth += ch in '({['
            depth -= ch in ')}]'
            if ch == ',' and depth == 0:
                items.append(cur.strip())
                cur = ''
            else:
                cur += ch
        items.append(cur.strip())
        for n in items:
            out.append('%s nh=%s ext=%s' % (n, mp.group(1), ext.group(1) if ext else '-'))
    return out


if __name__ == '__main__':
    if sys.argv[1] == 'gobgp-log':
        rows = gobgp_log(sys.stdin, sys.argv[2])
    else:
        rows = {'bird': bird, 'gobgp': gobgp}[sys.argv[1]](sys.stdin)
    for r in sorted(rows):
        print(r)
