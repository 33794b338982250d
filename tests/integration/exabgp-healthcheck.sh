#!/usr/bin/env bash
# Integration test 4: ExaBGP's own healthcheck program runs unchanged as an evbgpd helper.
#
# evbgpd (127.0.0.51) runs Debian's /usr/bin/exabgp-healthcheck (exabgp 4.2.21; prints the
# 4.2.21 form "announce route 192.0.2.55/32 next-hop self med 100", without "neighbor *",
# and waits for evbgpd's "done" ack after each command) with
#   --cmd 'test -f FILE' --ip 192.0.2.55/32 --no-ip-setup --interval 1 --rise 1 --fall 1
#   --withdraw-on-down --no-syslog
# and has a session with BIRD on 127.0.0.55. Checks:
#   - with FILE present, the VIP 192.0.2.55/32 reaches BIRD (next hop 127.0.0.51, MED 100);
#   - FILE removed: BIRD loses the VIP within fall x interval + slack;
#   - FILE back: the VIP is announced again;
#   - the helper never died or errored (no respawn, no "error" answer, no traceback).
set -euo pipefail
PEER_NAME=exabgp-healthcheck
# shellcheck source=tests/integration/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BIRD_ADDR=${HC_BIRD_ADDR:-127.0.0.55}
EXABGP_HEALTHCHECK=${EXABGP_HEALTHCHECK:-/usr/bin/exabgp-healthcheck}
VIP=192.0.2.55/32

bird_vip() { birdc_ show route "$VIP" all protocol dut 2>/dev/null; }
vip_present() { bird_vip | grep -q "^${VIP//./\\.}"; }
vip_absent() { birdc_ show status >/dev/null 2>&1 && ! vip_present; }

main() {
	if [ ! -x "$EXABGP_HEALTHCHECK" ]; then
		fail "$EXABGP_HEALTHCHECK not found (Debian package exabgp; scripts/setup.sh installs it)"
		return 0
	fi
	integ_require || return 0
	: >"$TMP/routes.conf"
	integ_bird_conf "$TMP/routes.conf"
	integ_bird_start || { fail "BIRD did not start"; show_file "$TMP/bird.out"; return 0; }

	local upfile=$TMP/service-up
	touch "$upfile"
	{
		echo "process hc {"
		echo "    run $EXABGP_HEALTHCHECK --no-syslog --cmd \"test -f $upfile\" --ip $VIP --no-ip-setup --interval 1 --rise 1 --fall 1 --withdraw-on-down;"
		echo "    encoder text;"
		echo "}"
		integ_neighbor hc
	} >"$TMP/dut.conf"
	integ_dut_start "$TMP/dut.conf"

	if ! wait_dut 120 bird_established; then
		fail "session with BIRD not Established within 120s"
		integ_diag
		return 0
	fi
	session_mark

	# 1. up: announced
	if wait_dut 60 vip_present; then
		local attrs
		attrs=$(bird_vip | grep -Eo 'BGP.(next_hop|med): [^ ]*' | paste -sd' ' || true)
		pass "service up: VIP $VIP reached BIRD within ${WAITED}s ($attrs)"
	else
		fail "service up: VIP $VIP not at BIRD within 60s"
		integ_diag
		birdc_ show route protocol dut | show_file
		return 0
	fi

	# 2. down: withdrawn (--fall 1 --interval 1 --withdraw-on-down)
	rm -f "$upfile"
	if wait_dut 60 vip_absent; then
		pass "service down (check file removed): VIP withdrawn from BIRD within ${WAITED}s"
	else
		fail "service down: VIP still at BIRD 60s after the check file was removed"
		bird_vip | show_file
		integ_diag
	fi

	# 3. up again
	touch "$upfile"
	if wait_dut 60 vip_present; then
		pass "service up again: VIP back at BIRD within ${WAITED}s"
	else
		fail "service up again: VIP not back at BIRD within 60s"
		integ_diag
	fi

	# 4. the helper ran unchanged, without errors, and the session stayed up
	local bad
	bad=$(grep -Ei 'process hc: .*(respawn|exited|killed)|Traceback|error' "$DUT_LOG" | head -n 5 || true)
	if [ -z "$bad" ] && same_session; then
		pass "exabgp-healthcheck ran as a helper without a respawn, error answer or traceback; session stayed up ($(session_counters))"
	else
		fail "helper or session trouble: ${bad:-none in the evbgpd log}; $SESSION_MARK -> $(session_counters)"
		integ_diag
	fi
	integ_stop
}

main
finish
