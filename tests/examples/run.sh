#!/usr/bin/env bash
# Every example configuration Debian's exabgp package ships (/usr/share/doc/exabgp/examples)
# that ExaBGP 4.2 itself accepts (`exabgp --test FILE`, run here on each file) must pass
# `evbgpd --check`. The kit's etc/ is walked by check_config (ctest).
#
#   tests/examples/run.sh [BUILD_DIR]     (default build/)
#
#   EXAMPLES_DIR=...   the examples (default /usr/share/doc/exabgp/examples)
#   EXABGP=...         ExaBGP 4.2 (default /usr/sbin/exabgp)
#   EXAMPLES_INSTALL=0 do not apt-get install exabgp when the examples are missing (as root)
#
# A differing file is listed as "FAIL file: reason"; a file 4.2 refuses is listed as "NOTE"
# with our verdict beside it. Exits 77 (ctest: skipped) when neither the examples nor a way
# to install them is there, 1 on any failure.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$REPO/build}
EVBGPD=$BUILD/evbgpd
EXAMPLES_DIR=${EXAMPLES_DIR:-/usr/share/doc/exabgp/examples}
EXABGP=${EXABGP:-/usr/sbin/exabgp}

if [ ! -d "$EXAMPLES_DIR" ] && [ "${EXAMPLES_INSTALL:-1}" = 1 ] && [ "$(id -u)" = 0 ] &&
	command -v apt-get >/dev/null 2>&1; then
	echo "examples: installing Debian's exabgp package for its examples"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends exabgp \
		>/dev/null 2>&1 || echo "examples: apt-get install exabgp failed"
fi
if [ ! -d "$EXAMPLES_DIR" ]; then
	echo "SKIP examples: $EXAMPLES_DIR not found (Debian's exabgp package is not installed)"
	exit 77
fi
[ -x "$EVBGPD" ] || { echo "FAIL examples: $EVBGPD not built"; exit 1; }
have_exabgp=1
[ -x "$EXABGP" ] || { have_exabgp=0; echo "note: $EXABGP not found: every example counts as accepted by 4.2"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evbgp-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ExaBGP's parser, without daemonising or dropping privileges, bounded in time
exa_accepts() {
	timeout 60 env exabgp_daemon_user="$(id -un)" exabgp_daemon_drop=false \
		exabgp_api_cli=false exabgp_log_destination=stdout \
		"$EXABGP" --test "$1" >"$tmp/exa.out" 2>&1
}

passed=0 failed=0 refused=0 total=0
for f in "$EXAMPLES_DIR"/*.conf "$EXAMPLES_DIR"/*.conf.gz; do
	[ -e "$f" ] || continue
	name=${f##*/}
	conf=$f
	case $f in
	*.gz)
		conf=$tmp/${name%.gz}
		gzip -dc "$f" >"$conf"
		;;
	esac
	total=$((total + 1))
	ours=ok
	timeout 30 "$EVBGPD" --check "$conf" >"$tmp/ev.out" 2>&1 || ours=refused
	if [ "$have_exabgp" = 1 ] && ! exa_accepts "$conf"; then
		refused=$((refused + 1))
		echo "NOTE $name: ExaBGP 4.2 refuses it ($(grep -v '^\s*$' "$tmp/exa.out" | tail -1 | cut -c1-120)); evbgpd: $ours"
		continue
	fi
	if [ "$ours" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: ExaBGP 4.2 accepts it, evbgpd --check refuses:"
		sed 's/^/      | /' "$tmp/ev.out" | head -5
	fi
done

# the walk can fail: a file both refuse is refused by both here
printf 'neighbor 127.0.0.1 {\n  router-id 127.0.0.2;\n  local-as 1;\n  peer-as 2;\n  no-such-keyword 5;\n}\n' >"$tmp/bad.conf"
if "$EVBGPD" --check "$tmp/bad.conf" >/dev/null 2>&1; then
	failed=$((failed + 1))
	echo "FAIL control: evbgpd --check accepts an unknown keyword"
fi
if [ "$have_exabgp" = 1 ] && exa_accepts "$tmp/bad.conf"; then
	failed=$((failed + 1))
	echo "FAIL control: exabgp --test accepts an unknown keyword (the walk cannot tell accepted files)"
fi

if [ "$total" -eq 0 ]; then
	echo "FAIL examples: no example configuration in $EXAMPLES_DIR"
	exit 1
fi
echo "examples: $total files in $EXAMPLES_DIR: $passed pass evbgpd --check, $failed fail, $refused refused by ExaBGP 4.2"
[ "$failed" -eq 0 ]
