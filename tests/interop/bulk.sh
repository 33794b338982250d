#!/usr/bin/env bash
# A 100,000-route injection from a helper arrives complete and exact in
# BIRD 2 and in GoBGP: every prefix present, each with the MED, community
# and large community its command gave it (1,000 attribute sets, and the
# lines interleave them, so the packer must regroup them).
#   evbgpd 127.0.0.65 (AS 65001) -> BIRD 127.0.0.66, GoBGP 127.0.0.67 (AS 65002)
set -euo pipefail
PEER_NAME=bulk
# shellcheck source=tests/interop/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BIRD=${BIRD:-bird}
BIRDC=${BIRDC:-birdc}
GOBGPD=${GOBGPD:-gobgpd}
GOBGP=${GOBGP:-gobgp}
N=${BULK_ROUTES:-100000}
DUT=127.0.0.65
BIRD_ADDR=127.0.0.66
GOBGP_ADDR=127.0.0.67

for b in "$BIRD" "$BIRDC" "$GOBGPD" "$GOBGP" python3; do
	if ! command -v "$b" >/dev/null 2>&1; then
		skip "$b not found"
		finish
		exit 0
	fi
done
make_tmp

# route i: 10.(i>>16).(i>>8 & 255).(i & 255)/32, med i % 1000,
# community 65001:(i % 1000), large-community 65001:1:(i % 1000)
python3 - "$N" >"$TMP/commands" <<'EOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    k = i % 1000
    print('announce route 10.%d.%d.%d/32 next-hop 192.0.2.1 med %d '
          'community [ 65001:%d ] large-community [ 65001:1:%d ]'
          % (i >> 16, (i >> 8) & 255, i & 255, k, k, k))
EOF
cat >"$TMP/feeder" <<EOF
#!/bin/sh
cat "$TMP/commands"
exec sleep 600
EOF
chmod +x "$TMP/feeder"

cat >"$TMP/evbgpd.conf" <<EOF
process feeder { run $TMP/feeder; encoder text; }
neighbor $BIRD_ADDR {
	router-id $DUT; local-address $DUT; local-as 65001; peer-as 65002;
	hold-time 30; family { ipv4 unicast; }
	api { processes [ feeder ]; }
}
neighbor $GOBGP_ADDR {
	router-id $DUT; local-address $DUT; local-as 65001; peer-as 65002;
	hold-time 30; family { ipv4 unicast; }
	api { processes [ feeder ]; }
}
EOF

cat >"$TMP/bird.conf" <<EOF
router id $BIRD_ADDR;
log "$TMP/bird.log" { warning, error, fatal };
protocol device { scan time 600; }
protocol bgp dut {
  local $BIRD_ADDR port 179 as 65002;
  neighbor $DUT as 65001;
  passive on; strict bind on; multihop; hold time 30;
  ipv4 { import all; export none; };
}
EOF

cat >"$TMP/gobgpd.toml" <<EOF
[global.config]
  as = 65002
  router-id = "$GOBGP_ADDR"
  port = 179
  local-address-list = ["$GOBGP_ADDR"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$DUT"
    peer-as = 65001
  [neighbors.transport.config]
    local-address = "$GOBGP_ADDR"
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF

birdc_() { timeout 30 "$BIRDC" -s "$TMP/bird.ctl" "$@"; }
gobgp_() { timeout 60 "$GOBGP" --target "unix://$TMP/gobgp.sock" "$@"; }

start_bg bird "$TMP/bird.out" "$BIRD" -f -c "$TMP/bird.conf" \
    -s "$TMP/bird.ctl" -P "$TMP/bird.pid"
start_bg gobgpd "$TMP/gobgpd.out" "$GOBGPD" -f "$TMP/gobgpd.toml" -p \
    -l warn --pprof-disable --api-hosts "unix://$TMP/gobgp.sock"
wait_until 60 birdc_ show status >/dev/null 2>&1 || true
wait_until 60 gobgp_ global >/dev/null 2>&1 || true
start_bg evbgpd "$TMP/evbgpd.log" env exabgp_api_ack=false \
    exabgp_daemon_user=root exabgp_api_cli=false exabgp_log_level=INFO "$EVBGPD" "$TMP/evbgpd.conf"
DUT_PID=$STARTED_PID

bird_has_all() { [ "$(bird_count)" = "$N" ]; }
gobgp_has_all() { [ "$(gobgp_count)" = "$N" ]; }

bird_count() {
	birdc_ show route count 2>/dev/null |
	    awk '/of [0-9]+ routes/ {print $1; exit}'
}
gobgp_count() {
	gobgp_ neighbor "$DUT" -j 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for a in d.get("afi_safis", []):
    if a.get("config", {}).get("family", {}).get("afi") == 1:
        print(a.get("state", {}).get("accepted", 0))' 2>/dev/null
}

t0=$(date +%s)
if wait_until 300 bird_has_all; then
	pass "BIRD holds all $N routes ($(($(date +%s) - t0)) s)"
else
	fail "BIRD holds $(bird_count) of $N routes"
fi
if wait_until 300 gobgp_has_all; then
	pass "GoBGP holds all $N routes ($(($(date +%s) - t0)) s)"
else
	fail "GoBGP holds $(gobgp_count) of $N routes"
fi

# exactness: every route, every attribute, against the formula
birdc_ show route all >"$TMP/bird.routes" 2>&1 || true
if python3 - "$N" "$TMP/bird.routes" <<'EOF'
import re, sys
n, path = int(sys.argv[1]), sys.argv[2]
want = {}
for i in range(n):
    want['10.%d.%d.%d/32' % (i >> 16, (i >> 8) & 255, i & 255)] = i % 1000
seen, bad, cur, attrs = 0, [], None, {}
def check():
    global seen
    if cur is None:
        return
    k = want.get(cur)
    exp = {'med': str(k), 'community': '(65001,%d)' % k,
           'large_community': '(65001, 1, %d)' % k,
           'next_hop': '192.0.2.1', 'as_path': '65001'}
    if k is None or any(attrs.get(a) != v for a, v in exp.items()):
        bad.append((cur, attrs))
    seen += 1
for line in open(path):
    m = re.match(r'^(\d+\.\d+\.\d+\.\d+/\d+)\s', line)
    if m:
        check()
        cur, attrs = m.group(1), {}
        continue
    m = re.match(r'^\s+BGP\.(\w+):\s*(.*?)\s*$', line)
    if m:
        attrs[m.group(1)] = m.group(2)
check()
if seen != n or bad:
    print('seen %d of %d, %d wrong, e.g. %s' % (seen, n, len(bad), bad[:2]))
    sys.exit(1)
EOF
then
	pass "BIRD: all $N routes carry exactly the attributes of their command"
else
	fail "BIRD: routes differ from their commands"
fi

gobgp_ global rib -a ipv4 -j >"$TMP/gobgp.rib" 2>&1 || true
if python3 - "$N" "$TMP/gobgp.rib" <<'EOF'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
rib = json.load(open(path))
bad, seen = [], 0
for pfx, paths in rib.items():
    a, b, c, d = (int(x) for x in pfx.split('/')[0].split('.'))
    i = (b << 16) | (c << 8) | d
    k = i % 1000
    p = paths[0]
    got = {}
    for at in p.get('attrs', []):
        t = at.get('type')
        if t == 4:
            got['med'] = at.get('metric')
        elif t == 8:
            got['community'] = at.get('communities')
        elif t == 32:
            got['large'] = [(v['ASN'], v['LocalData1'], v['LocalData2'])
                            for v in at.get('value', [])]
        elif t == 3:
            got['nh'] = at.get('nexthop')
    exp = {'med': k, 'community': [65001 << 16 | k],
           'large': [(65001, 1, k)], 'nh': '192.0.2.1'}
    if a != 10 or got != exp:
        bad.append((pfx, got))
    seen += 1
if seen != n or bad:
    print('seen %d of %d, %d wrong, e.g. %s' % (seen, n, len(bad), bad[:2]))
    sys.exit(1)
EOF
then
	pass "GoBGP: all $N routes carry exactly the attributes of their command"
else
	fail "GoBGP: routes differ from their commands"
fi
stop_pid "$DUT_PID" 5
finish
