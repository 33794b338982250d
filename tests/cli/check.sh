#!/bin/sh
# evbgpd --check on configurations that load but would run no session:
# an empty file, comments only, processes only. Each is valid (exit 0,
# "ok") and warned about on stderr, so that a truncated file is noticed
# before it is deployed (issue 8, defect 10); a normal file is not.
#
# Usage: tests/cli/check.sh [BUILD_DIR]   (default: build)
set -u

BUILD=${1:-build}
EVBGPD=$BUILD/evbgpd
[ -x "$EVBGPD" ] || { echo "cli-check: $EVBGPD not built" >&2; exit 2; }
TMP=$(mktemp -d /tmp/evbgp-cli-check.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
FAILS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# check NAME CONTENT WARN(yes|no)
check() {
	printf '%s' "$2" >"$TMP/$1.conf"
	if ! "$EVBGPD" --check "$TMP/$1.conf" >"$TMP/out" 2>"$TMP/err"; then
		fail "$1: --check failed: $(cat "$TMP/err")"
		return
	fi
	grep -q ': ok (' "$TMP/out" || fail "$1: no ok line: $(cat "$TMP/out")"
	if grep -q 'warning: no neighbor' "$TMP/err"; then
		[ "$3" = yes ] || fail "$1: warned: $(cat "$TMP/err")"
	else
		[ "$3" = no ] || fail "$1: no warning: $(cat "$TMP/err")"
	fi
	[ "$FAILS" -gt 0 ] || echo "ok: $1"
}

check empty '' yes
check comments '# nothing here
   # not even this
' yes
check processes 'process p {
	run /bin/cat;
	encoder json;
}
' yes
check neighbor 'neighbor 127.0.0.2 {
	router-id 10.0.0.1;
	local-address 127.0.0.1;
	local-as 65001;
	peer-as 65002;
}
' no

# --metrics values are checked with --check (issue 11 point 5): a bad one
# is a usage error naming the value, a good one is accepted
printf 'neighbor 127.0.0.2 {\n\tlocal-address 127.0.0.1;\n\tlocal-as 1;\n\tpeer-as 2;\n\trouter-id 10.0.0.1;\n}\n' >"$TMP/m.conf"
for bad in 'banana' '127.0.0.1:70000' '127.0.0.1:' ':9179' '[::1' '[::1]x' '127.0.0.1:-1' '300.1.1.1:9179'; do
	"$BUILD/evbgpd" --check --metrics "$bad" "$TMP/m.conf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "evbgpd: --metrics '" "$TMP/err"; then
		echo "ok: --metrics $bad refused"
	else
		echo "FAIL: --metrics $bad: rc $rc $(cat "$TMP/err")"
		FAILS=$((FAILS + 1))
	fi
done
for good in '9179' '127.0.0.1:9179' '127.0.0.2' '[::1]:9179' '::1' '0.0.0.0:0'; do
	if "$BUILD/evbgpd" --check --metrics "$good" "$TMP/m.conf" >"$TMP/out" 2>"$TMP/err"; then
		echo "ok: --metrics $good accepted"
	else
		echo "FAIL: --metrics $good: $(cat "$TMP/err")"
		FAILS=$((FAILS + 1))
	fi
done

echo "cli-check: $FAILS failed"
[ "$FAILS" -eq 0 ]
