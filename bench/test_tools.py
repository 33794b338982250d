#!/usr/bin/env python3
"""Self-check of the full-table replay tools (bench/mrt.py, bench/replay.py): ctest bench_tools.

  bench/test_tools.py [BUILD_DIR]      # with BUILD_DIR/evbgpd: evbgpd --check takes the replay

Generates 1,000 prefixes (800 IPv4 + 200 IPv6), reads them back and checks the counts,
the families, that every prefix is distinct and from a range that is never routed, the
length, AS_PATH, community and attribute-set distributions, determinism per seed, the
GoBGP variant (full MP_REACH_NLRI) and the repeated tail, damaged files, and that the
replayer's commands carry every route with its attributes; with a build directory, that
evbgpd accepts those commands (as a static block, `evbgpd --check`) and refuses a broken one.
Also bench.py's readers of evbgpd's stall lines and of the sink's own share of its worst
KEEPALIVE gap. A few seconds, no network.
"""
import collections
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the tree
import bench  # noqa: E402
import mrt  # noqa: E402
import replay  # noqa: E402

FAILS = []


def check(cond, what):
    print('%s %s' % ('ok  ' if cond else 'FAIL', what))
    if not cond:
        FAILS.append(what)


def routes_of(path):
    return [(afi, pfx, mrt.decode_attrs(raw, afi)) for afi, pfx, raw in mrt.read(path)]


def parse_command(line):
    """`announce attributes ATTRS nlri P...` or `announce route P ATTRS` -> (prefixes, attrs)."""
    w = line.split()
    if w[:2] == ['announce', 'attributes']:
        i = w.index('nlri')
        pf, words = w[i + 1:], w[2:i]
    elif w[:2] == ['announce', 'route']:
        pf, words = [w[2]], w[3:]
    else:
        raise ValueError(line)
    a, k = {}, 0
    while k < len(words):
        key = words[k]
        if words[k + 1] == '[':
            end = words.index(']', k + 1)
            a[key] = words[k + 2:end]
            k = end + 1
        else:
            a[key] = words[k + 1]
            k += 2
    return pf, a


def members_checks(tmp):
    """bench.py members: its table (ratios against the baseline of the same round) and its
    argument checks; no network, no clock."""
    def row(rnd, scen, wall, rss, **kw):
        return dict(kind='members', scenario=scen, peers=20, n=1000000, attr_sets=1000000, round=rnd, status='ok',
                    wall_s=wall, inj_rss_peak_mib=rss, members_exact=20, **kw)
    rows = [row(1, 'baseline', 4.0, 100.0), row(1, 'slow', 8.0, 150.0, slow_catchup_s=0.5, log_catchups=1),
            row(2, 'baseline', 2.0, 50.0), row(2, 'flap', 3.0, 50.0, flaps=10, flaps_before_steady_done=7,
                                                flapped_done_s=9.25),
            dict(row(2, 'slow', None, None), status='error: boom', members_exact=None)]
    t = bench.members_table(rows).splitlines()
    cells = [[c.strip() for c in line.strip('|').split('|')] for line in t[2:]]
    check(len(cells) == 5 and all(len(c) == len(cells[0]) for c in cells), 'members table: one line per row')
    check(cells[1][7] == '2.00' and cells[1][9] == '1.50' and cells[1][11] == '0.50',
          'members table: slow row x2.00 wall, x1.50 RSS against its round\'s baseline, 0.50 s catch-up (%s)'
          % cells[1][7:12])
    check(cells[3][7] == '1.50' and cells[3][12] == '10 (7)' and cells[3][13] == '9.25' and cells[3][15] == '20/20',
          'members table: flap row x1.50 against round 2, 10 flaps (7 before), exact 20/20 (%s)' % cells[3][7:16])
    check(cells[4][7] == '' and cells[4][-1] == 'error: boom', 'members table: a failed row has no ratio')
    jl = os.path.join(tmp, 'members.jsonl')
    with open(jl, 'w') as f:
        f.write(''.join(json.dumps(r) + '\n' for r in rows))
    r = subprocess.run([sys.executable, os.path.join(HERE, 'bench.py'), 'table', jl], capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 0 and r.stdout.splitlines()[2:] == t[2:], 'bench.py table prints the members table')
    r = subprocess.run([sys.executable, os.path.join(HERE, 'bench.py'), 'members', '--flap-at', '2'],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and '--flap-at in (0, 1]' in r.stderr, 'bench.py members refuses --flap-at 2')
    r = subprocess.run([sys.executable, os.path.join(HERE, 'bench.py'), 'members', '--scenarios', 'slow,fast'],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and 'baseline,slow,flap' in r.stderr, 'bench.py members refuses an unknown scenario')


def stall_checks():
    """bench.py reads what held evbgpd's loop from its log (the lines src/loop_watch.c and
    daemon.c write) and the sink's own share of its worst KEEPALIVE gap from its stamp."""
    rd = tempfile.mkdtemp(prefix='evbgp-bench-stalls-')
    with open(os.path.join(rd, 'receiver.out'), 'w') as f:
        f.write('2026-12-03T14:31:19.100+00:00 evbgpd[1] info: event loop: 112.5 ms in one callback: '
                'peer 127.0.0.1 session\n'
                '2026-12-03T14:31:19.101+00:00 evbgpd[1] warning: event loop: timers ran 73 ms late; the '
                'longest callback since the last tick: 113 ms, peer 127.0.0.1 session; the longest turn: '
                '113 ms, 1 callbacks\n'
                '2026-12-03T14:31:19.200+00:00 evbgpd[1] info: event loop: 23.0 ms in one callback: helper '
                'feed (and 4 more over 20 ms)\n'
                '2026-12-03T14:31:19.300+00:00 evbgpd[1] info: event loop: timers ran 31 ms late\n'
                '2026-12-03T14:31:20.000+00:00 evbgpd[1] info: event loop: the longest timer delay seen '
                'was 73.4 ms\n')
    st = bench.evbgpd_stalls(rd)
    check(st.get('evbgpd_max_late_ms') == 73.4, 'stalls: the longest timer delay (%s)' % st.get('evbgpd_max_late_ms'))
    check(st.get('evbgpd_slow_callback_list') == ['112.5 ms peer 127.0.0.1 session',
                                                  '23.0 ms helper feed (+4 held back)'],
          'stalls: each slow callback with what it was (%s)' % st.get('evbgpd_slow_callback_list'))
    check(st.get('evbgpd_late_ticks_logged') == [
        '73 ms late (113 ms peer 127.0.0.1 session; the longest turn: 113 ms, 1 callbacks)', '31 ms late'],
        'stalls: late ticks with their cause (%s)' % st.get('evbgpd_late_ticks_logged'))
    os.unlink(os.path.join(rd, 'receiver.out'))
    check(bench.evbgpd_stalls(rd) == {}, 'stalls: no log, no figures')
    os.rmdir(rd)
    sh = bench.sink_own_share({'hold_time': 3, 'max_keepalive_arrival_gap_s': 1.0421,
                               'max_keepalive_gap_in_round_s': 0.0012, 'max_keepalive_gap_prev_round_s': 0.0051,
                               'max_poll_round_s': 0.0123, 'max_keepalive_gap_peer': '127.0.0.1:4242',
                               'max_keepalive_gap_at': 1796308152.5})
    check(sh['ka_arrival_late_ms'] == 42.1 and sh['sink_ka_in_round_ms'] == 1.2 and sh['sink_ka_prev_round_ms'] == 5.1
          and sh['sink_max_round_ms'] == 12.3 and sh['ka_worst_peer'] == '127.0.0.1:4242',
          'sink share: arrival lateness and the sink\'s own rounds (%s)' % sh)
    check(bench.sink_own_share({})['ka_arrival_late_ms'] is None, 'sink share: an old sink gives none')


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else None
    tmp = tempfile.mkdtemp(prefix='evbgp-bench-tools-')
    f1, f2, f3 = (os.path.join(tmp, n) for n in ('a.mrt', 'b.mrt', 'c.mrt'))
    info = mrt.generate(f1, 800, 200, 7)
    mrt.generate(f2, 800, 200, 7)
    mrt.generate(f3, 800, 200, 8)
    with open(f1, 'rb') as a, open(f2, 'rb') as b, open(f3, 'rb') as c:
        A, B, C = a.read(), b.read(), c.read()
    check(A == B, 'same seed, same bytes')
    check(A != C, 'another seed, another table')

    st = mrt.stats(f1)
    check(st['records'] == 1000 and st['repeats'] == 0, 'records 1000, no repeats (%d, %d)' % (
        st['records'], st['repeats']))
    check(st['ipv4'] == 800 and st['ipv6'] == 200, 'families: 800 IPv4, 200 IPv6 (%d, %d)' % (st['ipv4'], st['ipv6']))
    rs = routes_of(f1)
    pfx = [ipaddress.ip_network(p) for _, p, _ in rs]
    check(len(set(pfx)) == 1000, 'every prefix distinct')
    pools = [ipaddress.ip_network(p) for p in mrt.V4_POOLS + mrt.V6_POOLS]
    check(all(not p.is_global and any(p.version == q.version and p.subnet_of(q) for q in pools) for p in pfx),
          'every prefix inside a never-routed range (%s)' % ', '.join(mrt.V4_POOLS + mrt.V6_POOLS))
    check(all((a == 4) == (p.version == 4) for (a, _, _), p in zip(rs, pfx)), 'record type matches the family')
    v4, v6 = collections.Counter(st['v4_lengths']), collections.Counter(st['v6_lengths'])
    check(v4.most_common(1)[0][0] == 24 and v4[24] >= 0.45 * 800, 'IPv4: /24 the most common, >= 45 %% (%d)' % v4[24])
    check(v4[22] + v4[23] >= 0.15 * 800, 'IPv4: /22-/23 >= 15 %% (%d)' % (v4[22] + v4[23]))
    check(min(v4) >= 8 and max(v4) == 24 and len(v4) >= 6, 'IPv4 lengths /8-/24, at least 6 of them (%s)' % sorted(v4))
    check(v6.most_common(1)[0][0] == 48 and v6[48] >= 0.35 * 200, 'IPv6: /48 the most common (%d)' % v6[48])
    check(v6[32] > 0 and sum(v6[k] for k in range(33, 45)) > 0 and max(v6) == 48, 'IPv6: /32 and /33-/44 present')
    check(3.0 <= st['mean_path_ases'] <= 5.5, 'mean AS_PATH 3-5.5 distinct ASes (%.2f)' % st['mean_path_ases'])
    check(set(st['path_distinct_ases']) <= set(range(2, 8)), 'AS_PATH 2-7 distinct ASes')
    check(0.25 <= st['share_communities'] <= 0.65, 'communities on 25-65 %% (%.3f)' % st['share_communities'])
    check(0 < st['share_large_communities'] <= 0.2, 'large communities on 0-20 %% (%.3f)' % st['share_large_communities'])
    check(0.05 <= st['share_med'] <= 0.4, 'MED on 5-40 %% (%.3f)' % st['share_med'])
    check(st['share_prepended'] > 0, 'some paths prepended (%.3f)' % st['share_prepended'])
    check(200 <= st['attr_sets'] <= 950 and st['attr_sets'] == info['attr_sets'],
          'attribute sets 20-95 %% of routes, as the generator counted (%d)' % st['attr_sets'])
    check(st['origin_ases'] >= 100, 'origin ASes >= 100 (%d)' % st['origin_ases'])
    paths = [a['as_path'] for _, _, a in rs]
    check(all(p[0] == mrt.PEER_AS and not (set(p) & mrt.OWN_ASES) for p in paths),
          "paths start at the dump's peer AS, never hold 65001/65002/23456")
    check(any(x > 65535 for p in paths for x in p), 'some 4-byte ASNs')
    check(all(a['next_hop'] == (mrt.NH4 if afi == 4 else mrt.NH6) for afi, _, a in rs), 'next hops 192.0.2.1 / 2001:db8::1')

    # the GoBGP variant (full MP_REACH_NLRI) and the repeated tail: same routes
    f4 = os.path.join(tmp, 'gobgp.mrt')
    mrt.generate(f4, 800, 200, 7, tail=50, mp_full=True)
    r4 = routes_of(f4)
    check(len(r4) == 1050 and r4[:1000] == rs and r4[1000:] == rs[:50],
          'full MP_REACH_NLRI + tail 50: the same 1,000 routes, then the first 50 again')
    check(mrt.stats(f4)['repeats'] == 50, 'stats counts the 50 repeats')

    # damage: a cut file and a lying attribute length are errors, never a silent short read
    cut = os.path.join(tmp, 'cut.mrt')
    with open(cut, 'wb') as f:
        f.write(A[:len(A) - 7])
    try:
        list(mrt.read(cut))
        check(False, 'a truncated dump is an error')
    except mrt.MrtError as e:
        check('truncated' in str(e), 'a truncated dump is an error (%s)' % e)
    try:
        mrt.decode_attrs(bytes([0x40, 2, 6, 2, 3, 0, 0, 0, 1]), 4)  # 3 ASes announced, 1 present
        check(False, 'an AS_PATH segment longer than its attribute is an error')
    except mrt.MrtError as e:
        check('AS_PATH segment' in str(e), 'an AS_PATH segment longer than its attribute is an error (%s)' % e)

    # the replayer: every route once, with its own attributes, in both styles
    blob, n, sets = replay.commands(f1, 'attributes', 7)
    lines = blob.decode().splitlines()
    want = {p: a for _, p, a in rs}
    got, seen = {}, 0
    for line in lines:
        pf, a = parse_command(line)
        seen += len(pf)
        got.update((p, a) for p in pf)
    check(n == 1000 and sets == st['attr_sets'], 'replayer read 1,000 routes, %d attribute sets' % sets)
    check(all(len(parse_command(l)[0]) <= 7 for l in lines), 'at most --batch prefixes per line')
    check(seen == 1000 and set(got) == set(want), 'attributes style: every prefix once (%d)' % seen)
    bad = [p for p, a in want.items() if got.get(p, {}).get('as-path') != [str(x) for x in a['as_path']] or
           got[p].get('next-hop') != a['next_hop'] or got[p].get('med') != (str(a['med']) if 'med' in a else None) or
           got[p].get('community') != (['%d:%d' % c for c in a['communities']] if a.get('communities') else None) or
           got[p].get('large-community') != (['%d:%d:%d' % c for c in a['large_communities']]
                                             if a.get('large_communities') else None)]
    check(not bad, 'attributes style: next hop, AS_PATH, MED, communities as in the dump (%d differ)' % len(bad))
    rblob, rn, _ = replay.commands(f1, 'route')
    rlines = rblob.decode().splitlines()
    check(rn == 1000 and len(rlines) == 1000 and
          [parse_command(l)[0][0] for l in rlines] == [p for _, p, _ in rs], 'route style: 1,000 lines in dump order')

    if build and os.access(os.path.join(build, 'evbgpd'), os.X_OK):
        evbgpd = os.path.join(build, 'evbgpd')

        def conf(body):
            path = os.path.join(tmp, 'replay.conf')
            with open(path, 'w') as f:
                f.write('neighbor 127.0.0.201 {\n    router-id 127.0.0.202;\n    local-address 127.0.0.202;\n'
                        '    local-as 65002;\n    peer-as 65001;\n'
                        '    family { ipv4 unicast; ipv6 unicast; }\n    static {\n%s    }\n}\n' % body)
            return subprocess.run([evbgpd, '--check', path], capture_output=True, text=True, timeout=60)
        body = ''.join('        %s;\n' % re.sub(r'^announce ', '', l) for l in lines)
        r = conf(body)
        check(r.returncode == 0, 'evbgpd --check takes the replay (attributes style, %d lines)%s' % (
            len(lines), '' if r.returncode == 0 else ': ' + (r.stderr or r.stdout).strip()[-300:]))
        body = ''.join('        %s;\n' % re.sub(r'^announce ', '', l) for l in rlines)
        r = conf(body)
        check(r.returncode == 0, 'evbgpd --check takes the replay (route style)%s' % (
            '' if r.returncode == 0 else ': ' + (r.stderr or r.stdout).strip()[-300:]))
        r = conf('        %s;\n' % re.sub(r'^announce ', '', lines[0]).replace('next-hop', 'next-hoop'))
        check(r.returncode != 0, 'evbgpd --check refuses a damaged line (the check can fail)')
    else:
        print('skip evbgpd --check (no build directory given)')

    members_checks(tmp)
    stall_checks()

    for fn in os.listdir(tmp):
        os.unlink(os.path.join(tmp, fn))
    os.rmdir(tmp)
    print('%d failed' % len(FAILS) if FAILS else 'all passed')
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
