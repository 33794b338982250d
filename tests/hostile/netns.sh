# shellcheck shell=bash
# Two network namespaces of our own joined by a veth pair (sourced by
# tests/hostile/run.sh and bench/soak.sh). Nothing of the host is used.

# netns_pair NS_A NS_B VETH_A VETH_B : the namespaces, loopback up in
# both, VETH_A in NS_A linked to VETH_B in NS_B, both ends up; false
# (nothing left behind) when namespaces cannot be made here.
netns_pair() {
	ip netns add "$1" 2>/dev/null || return 1
	if ! ip netns add "$2" 2>/dev/null; then
		ip netns del "$1"
		return 1
	fi
	if ip -n "$1" link set lo up && ip -n "$2" link set lo up &&
	    ip link add "$3" netns "$1" type veth peer name "$4" netns "$2" &&
	    ip -n "$1" link set "$3" up && ip -n "$2" link set "$4" up; then
		return 0
	fi
	netns_pair_del "$1" "$2"
	return 1
}

# netns_pair_del NS_A NS_B : both gone (the veth goes with them)
netns_pair_del() {
	ip netns del "$1" 2>/dev/null
	ip netns del "$2" 2>/dev/null
	return 0
}
