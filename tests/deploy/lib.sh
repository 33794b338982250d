# Shared by tests/deploy/e2e-*.sh (bash): results, bounded waits,
# processes stopped by PID, BIRD 2 on loopback, evbgpd from a shipped
# configuration. Source it after setting:
#   name     short test name (scratch dir, namespace, messages)
#   build    directory holding evbgpd, evbgpctl, evbgp-healthcheck
#
# Every process started through here is recorded in pids[] and stopped
# by cleanup (SIGTERM, 5 s, SIGKILL), every wait is bounded, the scratch
# directory and the network namespace (if any) are removed on exit
# (KEEP=1 keeps the scratch directory).

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0
failed=0
pids=()
ns=
nsexec=()

pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() {	# check NAME COMMAND...: PASS when the command succeeds
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
	# with a sanitizer build (BUILD=build-asan): no report from evbgpd
	if [ -f "${work:-}/evbgpd.out" ]; then
		if grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
		    "$work/evbgpd.out"; then
			fail "no sanitizer report from evbgpd"
			grep -A12 "ERROR: \|runtime error:" "$work/evbgpd.out" |
			    head -n 40 | sed 's/^/    /'
		fi
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

skip() { echo "SKIP: $*"; exit 77; }

# need PROGRAM...: exit 77 unless each one is there
need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p not found"
	done
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (BIRD on 127.0.0.x, namespaces)"
}

# Poll COMMAND every 0.2 s for at most SECONDS; true if it succeeded.
wait_for() {
	local limit=$1 i=0
	shift
	while [ $i -lt $((limit * 5)) ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# Seconds (to 0.2 s) until COMMAND succeeds, or "timeout" after LIMIT.
time_until() {
	local limit=$1 t0 t1 i=0
	shift
	t0=$(date +%s.%N)
	while [ $i -lt $((limit * 5)) ]; do
		if "$@"; then
			t1=$(date +%s.%N)
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
			return 0
		fi
		sleep 0.2
		i=$((i + 1))
	done
	echo timeout
	return 1
}

# A killed process may linger as a zombie until its parent reaps it.
dead() {
	[ -n "$1" ] || return 1
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}
alive() { ! dead "$1"; }

# Stop one process we started: SIGTERM, up to 5 s, then SIGKILL.
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		wait_for 15 dead "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local p i
	# newest first: helpers' parents before BIRD
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		p=${pids[$i]}
		stop_pid "$p"
	done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then
		echo "scratch kept in $work"
	else
		rm -rf "$work"
	fi
}

# setup: scratch dir and traps.
setup() {
	work=$(mktemp -d "/tmp/evbgp-$name.XXXXXX")
	chmod 755 "$work"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
}

# use_netns: run BIRD and evbgpd in a network namespace of our own
# (lo up); false when namespaces are not available here (or NO_NETNS=1).
use_netns() {
	[ "${NO_NETNS:-0}" = 1 ] && return 1
	ns=evbgp-$name-$$
	if ip netns add "$ns" 2>/dev/null &&
	    ip -n "$ns" link set lo up 2>/dev/null; then
		nsexec=(ip netns exec "$ns")
		return 0
	fi
	ip netns del "$ns" 2>/dev/null
	ns=
	nsexec=()
	return 1
}

# A port per run: tests of other runs may use the same addresses.
port=$((20000 + $$ % 20000))

# start_bird ROUTER_IP PEER_IP LOCAL_AS PEER_AS EXTRA_BIRD_CONFIG [BGP_OPTIONS]
# BIRD passive on ROUTER_IP:$port, importing everything from PEER_IP (one
# protocol "evb"), any extra protocols / filters before it.
start_bird() {
	local rip=$1 pip=$2 las=$3 pas=$4 extra=$5 bgpopts=${6:-}
	cat >"$work/bird.conf" <<-EOF
	router id $rip;
	log "$work/bird.log" all;
	protocol device { scan time 600; }
	$extra
	protocol bgp evb {
	  local $rip port $port as $las;
	  neighbor $pip as $pas;
	  passive on;
	  multihop;          # loopback next hops: resolved recursively
	  strict bind on;
	  hold time 30;
	  debug { states, events };
	  $bgpopts
	}
	EOF
	"${nsexec[@]}" bird -c "$work/bird.conf" -s "$work/bird.ctl" \
	    -P "$work/bird.pid" -f >"$work/bird.out" 2>&1 &
	pids+=($!)
	bird_pid=$!
	wait_for 60 test -S "$work/bird.ctl"
}

birdc_() { birdc -s "$work/bird.ctl" "$@" 2>/dev/null; }
established() { birdc_ show protocols evb | grep -q Established; }
not_established() { ! established; }

# Routes BIRD holds for PREFIX, with their attributes ("" when none).
bird_route() {
	birdc_ show route for "$1" all | sed -n '2,$p' | grep -v '^Network not found'
}
# MED of the route BIRD has for a prefix, or "none" without a route.
bird_med() {
	local out
	out=$(bird_route "$1")
	case $out in
	*"BGP.med:"*) echo "$out" | sed -n 's/.*BGP\.med: *\([0-9]*\).*/\1/p' ;;
	"") echo none ;;
	*) echo "no-med" ;;
	esac
}
med_is() { [ "$(bird_med "$1")" = "$2" ]; }
has_route() { [ -n "$(bird_route "$1")" ]; }
no_route() { ! has_route "$1"; }
# Number of routes BIRD imported from evbgpd, all tables (BIRD prints
# one "N of M routes for K networks in table T" line per table).
bird_count() {
	birdc_ show route count protocol evb |
	    awk '/ routes .* in table / { n += $1 } END { print n + 0 }'
}

# deploy_config SHIPPED OUT ROUTER_IP LOCAL_IP RUN_LINE...
# The shipped configuration with its loopback walkthrough addresses
# (neighbor 127.0.0.2, local-address 127.0.0.1) moved to ours and each
# process's run line replaced (one RUN_LINE per process, in order).
deploy_config() {
	local src=$1 out=$2 rip=$3 lip=$4
	shift 4
	awk -v rip="$rip" -v lip="$lip" -v runs="$(printf '%s\n' "$@")" '
	BEGIN { n = split(runs, run, "\n"); i = 0 }
	/^neighbor 127\.0\.0\.2 / { sub(/127\.0\.0\.2/, rip) }
	/^[ \t]*local-address 127\.0\.0\.1;/ { sub(/127\.0\.0\.1/, lip) }
	/^[ \t]*run / { if (++i <= n) $0 = "\trun " run[i] ";" }
	{ print }' "$src" >"$out"
}

# start_evbgpd CONFIG [ENV=VALUE...]: evbgpd in the foreground, no control
# socket, connecting to BIRD's port, debug log in $work/evbgpd.log.
start_evbgpd() {
	local conf=$1
	shift
	"${nsexec[@]}" env exabgp_tcp_port="$port" exabgp_api_cli=false \
	    "$@" "$build/evbgpd" --env /dev/null --log-level debug \
	    --log-dest "file:$work/evbgpd.log" "$conf" \
	    >>"$work/evbgpd.out" 2>&1 &
	pids+=($!)
	evbgpd_pid=$!
}
