#!/bin/sh
# Every shipped configuration must be valid, and the helpers the
# deployments run must be there and start:
#   * `evbgpd --check` and `evbgpd --print` succeed on every config/*.conf;
#   * a program a configuration runs by a relative path (helpers/...) is
#     beside it and executable;
#   * every config/helpers/* program is executable, compiles (Python) and
#     answers --help with exit status 0;
#   * a broken copy of a configuration is refused (the check can fail).
# Needs no root and no network. Prints PASS/FAIL lines and
# "N passed, M failed"; exit 0 only if all passed, 77 when evbgpd is not
# built.
#
# Usage: tests/deploy/check-configs.sh [BUILD_DIR]   (default: build)
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
evbgpd=$build/evbgpd
passed=0
failed=0

if [ ! -x "$evbgpd" ]; then
	echo "SKIP: $evbgpd not built"
	exit 77
fi
tmp=$(mktemp -d /tmp/evbgp-check-configs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# Make sure no /etc/exabgp/exabgp.env of this machine changes the result.
unset_env() { env -i PATH="$PATH" "$@"; }

nconf=0
for conf in "$repo"/config/*.conf "$repo"/config/*.conf.example; do
	[ -f "$conf" ] || continue
	nconf=$((nconf + 1))
	name=${conf#"$repo"/}
	if unset_env "$evbgpd" --env /dev/null --check "$conf" \
	    >"$tmp/out" 2>&1 && grep -q ": ok (" "$tmp/out"; then
		pass "--check $name: $(sed 's/.*: ok //' "$tmp/out")"
	else
		fail "--check $name"
		sed 's/^/    /' "$tmp/out"
	fi
	if unset_env "$evbgpd" --env /dev/null --print "$conf" \
	    >"$tmp/out" 2>&1 && [ -s "$tmp/out" ]; then
		pass "--print $name"
	else
		fail "--print $name"
		sed 's/^/    /' "$tmp/out"
	fi
	# run PROGRAM ...; with a relative PROGRAM under helpers/
	for prog in $(sed -n 's/^[[:space:]]*run[[:space:]]\{1,\}\(helpers\/[^[:space:];]*\).*/\1/p' "$conf"); do
		if [ -x "$(dirname "$conf")/$prog" ]; then
			pass "$name runs $prog: present and executable"
		else
			fail "$name runs $prog: missing or not executable"
		fi
	done
done
if [ "$nconf" -ge 3 ]; then
	pass "found $nconf configurations"
else
	fail "found only $nconf configurations in config/"
fi

for helper in "$repo"/config/helpers/*; do
	[ -f "$helper" ] || continue
	name=${helper#"$repo"/}
	if [ ! -x "$helper" ]; then
		fail "$name is executable"
		continue
	fi
	if head -n 1 "$helper" | grep -q python; then
		if python3 -c 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")' \
		    "$helper" 2>"$tmp/err"; then
			pass "$name compiles"
		else
			fail "$name compiles"
			sed 's/^/    /' "$tmp/err"
		fi
	fi
	if "$helper" --help </dev/null >"$tmp/out" 2>&1 &&
	    grep -qi usage "$tmp/out"; then
		pass "$name --help"
	else
		fail "$name --help"
		sed 's/^/    /' "$tmp/out"
	fi
done

# The shipped run lines, word for word, start and do their job once:
# option typos would only show when evbgpd runs them.
run_words() {	# run_words CONF PROGRAM: the arguments after PROGRAM
	sed -n "s|^[[:space:]]*run $2 \\(.*\\);\$|\\1|p" "$repo/config/$1"
}
hc=$build/evbgp-healthcheck
args=$(run_words anycast-healthcheck.conf /usr/local/bin/evbgp-healthcheck)
if [ -z "$args" ]; then
	fail "anycast-healthcheck.conf runs /usr/local/bin/evbgp-healthcheck"
elif [ -x "$hc" ]; then
	# its options, then: check once, no address setup, no acks
	eval "set -- $args"
	if "$hc" "$@" --cmd true --rise 1 --interval 0 --no-ip-setup \
	    --no-syslog --no-ack </dev/null >"$tmp/out" 2>&1 &&
	    grep -qx "neighbor \* announce route 192.0.2.10/32 next-hop self med 100" "$tmp/out"; then
		pass "shipped evbgp-healthcheck options accepted, VIP announced"
	else
		fail "shipped evbgp-healthcheck options accepted, VIP announced"
		sed 's/^/    /' "$tmp/out"
	fi
fi
args=$(run_words rtbh.conf helpers/rtbh-feeder)
printf '203.0.113.7\n' >"$tmp/blocklist"
eval "set -- $args"
if "$repo/config/helpers/rtbh-feeder" "$@" --file "$tmp/blocklist" \
    --state "$tmp/rtbh.state" --once --no-ack </dev/null >"$tmp/out" \
    2>"$tmp/err" && grep -qx "announce route 203.0.113.7/32 next-hop 192.0.2.1 community \[ 65535:666 no-export \]" "$tmp/out"; then
	pass "shipped rtbh-feeder options accepted, BLACKHOLE route printed"
else
	fail "shipped rtbh-feeder options accepted, BLACKHOLE route printed"
	sed 's/^/    /' "$tmp/out" "$tmp/err"
fi
args=$(run_words route-server-sidecar.conf helpers/json-collector)
eval "set -- $args"
echo '{"type":"update","neighbor":{"message":{"update":{}}}}' |
    "$repo/config/helpers/json-collector" "$@" --output "$tmp/updates.jsonl" \
    >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && [ "$(wc -l <"$tmp/updates.jsonl")" = 1 ] &&
    [ ! -s "$tmp/out" ]; then
	pass "shipped json-collector options accepted, an update written, nothing on stdout"
else
	fail "shipped json-collector options accepted, an update written, nothing on stdout"
	sed 's/^/    /' "$tmp/out" "$tmp/err"
fi

# The check must be able to fail: an unterminated statement, an unknown
# keyword, a process without run.
broken_check() {	# broken_check WHAT SED-EXPRESSION
	sed "$2" "$repo/config/anycast-healthcheck.conf" >"$tmp/broken.conf"
	if unset_env "$evbgpd" --env /dev/null --check "$tmp/broken.conf" \
	    >"$tmp/out" 2>&1; then
		fail "a configuration with $1 is refused"
	elif grep -q "broken.conf:[0-9]" "$tmp/out"; then
		pass "a configuration with $1 is refused with FILE:LINE"
	else
		fail "a configuration with $1 is refused with FILE:LINE"
		sed 's/^/    /' "$tmp/out"
	fi
}
broken_check "a statement without ';'" 's/peer-as \([0-9]*\);/peer-as \1/'
broken_check "an unknown keyword" 's/local-as /locall-as /'
broken_check "a process without run" 's/^[[:space:]]*run .*//'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
