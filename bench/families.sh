#!/bin/bash
# Issue 9 rows: 10^5 flowspec rules and 10^5 VPNv4 routes injected into BIRD, by evbgpd and,
# in the same run, by ExaBGP 4.2 (same config, same helper) and by a BIRD sender (static
# flow4 / vpn4 routes) and by GoBGP, whose Debian tools have no bulk path for these families
# (`gobgp mrt inject` is unicast only): one `gobgp global rib add` per route, GOBGP_N of them.
#   bench/families.sh [N]       (default 100000; GOBGP_N default 2000; run it under
#                                flock /tmp/evbgp-net.lock)
# Prints one line per row and evbgpd's speed-up over each anchor; appends the records to
# bench/results/families-<stamp>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
bench/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DEVBGP_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target evbgpd evbgp-sink >/dev/null
mkdir -p bench/results
out=bench/results/families-$(date +%Y%m%d-%H%M%S).jsonl
for fam in flow4 vpn4; do
	for inj in evbgpd exabgp bird gobgp; do
		n=$N
		[ "$inj" = gobgp ] && n=${GOBGP_N:-2000}
		python3 bench/bench.py inject --evbgpd build-bench/evbgpd --injector "$inj" --receiver bird \
			--family "$fam" --n "$n" --results "$out" >/dev/null 2>"$out.$inj-$fam.log" || true
	done
done
python3 - "$out" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by[(r.get('family'), r.get('injector'))] = r
for fam in ('flow4', 'vpn4'):
    print('%s into BIRD:' % fam)
    ev = by.get((fam, 'evbgpd'))
    for inj in ('evbgpd', 'exabgp', 'bird', 'gobgp'):
        r = by.get((fam, inj))
        if not r:
            print('  %-7s no record' % inj)
            continue
        if r.get('status') != 'ok':
            print('  %-7s %s' % (inj, r.get('status') or r.get('error')))
            continue
        line = '  %-7s %9s routes %7.2f s  %9s routes/s  injector CPU %.2f s  peak RSS %s MiB' % (
            inj, '{:,}'.format(r['n']), r['wall_s'], '{:,}'.format(r['routes_per_s']), r['inj_cpu_s'],
            r['inj_rss_peak_mib'])
        if inj != 'evbgpd' and ev and ev.get('status') == 'ok' and r['routes_per_s'] > 0:
            ratio = ev['routes_per_s'] / r['routes_per_s']
            line += ('  -> evbgpd %.1fx faster' % ratio if ratio >= 1 else
                     '  -> evbgpd takes %.1fx as long' % (1 / ratio))
        print(line)
EOF
echo "records: $out"
