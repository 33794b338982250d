#!/usr/bin/env bash
# The layering check: arrows between evbgp's parts only point down.
#
#   scripts/check-layering.sh [BUILD-DIR]    check this tree (and, given
#                                            a build directory, its objects)
#   scripts/check-layering.sh --self-test [BUILD-DIR]
#                                            show that the check fails on
#                                            an upward or sideways arrow,
#                                            an unplaced module, and (with
#                                            BUILD-DIR) a hidden call
#
# Every module (src/NAME.c and/or include/evbgp/NAME.h, or a header
# private to src/) belongs to one part, and every part to a level (the
# table below, lowest first; ARCHITECTURE.md explains it). A file may use
# a module of its own part or of a part at a lower level; parts at the
# same level do not know each other. Two views are checked:
#   - the #include "evbgp/NAME.h" and "NAME.h" (src/ private headers)
#     lines of src/*.c, src/*.h, include/evbgp/*.h (and programs/*/*,
#     which are at the top);
#   - with BUILD-DIR, the symbols each object of the core library uses
#     (their ELF symbol tables, read by objdump), mapped to the object
#     that defines them: a function called through a hand-written
#     prototype, without the include, is caught.
# A module missing from the table is an error: a new file must be placed.
# There is no exception list.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

# level part: modules
read -r -d '' PARTS <<'EOF'
1 base: util log wire bgp_proto family prefix lexer sockopt tag_index loop_watch
2 codec: attrs msg update update_priv bgp_attr nlri flow evpn mvpn mup srpolicy bgpls
3 config: config config_print route_text flow_text
4 settings: env
4 rib: adj_rib rib_in rib_release
4 fsm: fsm
4 grammar: api
4 encoders: event_encode event_encode_priv event_json event_text
4 interfaces: line_handler
5 peer: peer update_group
5 supervisor: supervisor pipe_ring
5 control: control cli_pipe
6 events: events
7 daemon: daemon
8 commands: api_exec show_json metrics
9 main: main
EOF

declare -A part_of level_of
load_parts() {
	local line lvl part mods m
	while read -r line; do
		[ -n "$line" ] || continue
		lvl=${line%% *}
		line=${line#* }
		part=${line%%:*}
		mods=${line#*:}
		level_of[$part]=$lvl
		for m in $mods; do
			part_of[$m]=$part
		done
	done <<<"$PARTS"
}

# may module `from` (in part pf) use module `to`? prints the reason if not
violation() {
	local from=$1 to=$2 where=$3
	local pf=${part_of[$from]:-} pt=${part_of[$to]:-}
	if [ -z "$pt" ]; then
		echo "$where: $to is in no part (add it to scripts/check-layering.sh)"
		return 0
	fi
	[ "$pf" = "$pt" ] && return 1
	if [ "${level_of[$pt]}" -lt "${level_of[$pf]}" ]; then
		return 1
	fi
	if [ "${level_of[$pt]}" -eq "${level_of[$pf]}" ]; then
		echo "$where: $from ($pf) uses $to ($pt), a part at its own level"
	else
		echo "$where: $from ($pf) uses $to ($pt), a higher part"
	fi
	return 0
}

# the #include lines of every file under root
check_includes() {
	local root=$1 bad=0 f mod inc n local
	for f in "$root"/src/*.c "$root"/src/*.h "$root"/include/evbgp/*.h \
	    "$root"/programs/*/*.c "$root"/programs/*/*.h; do
		[ -e "$f" ] || continue
		# a program's own headers are its business: only evbgp/ counts
		case $f in
		"$root"/programs/*) mod=main local='' ;;
		*) mod=$(basename "$f"); mod=${mod%.*} local='\{0,1\}' ;;
		esac
		if [ -z "${part_of[$mod]:-}" ]; then
			echo "${f#"$root"/}: module $mod is in no part (add it to scripts/check-layering.sh)"
			bad=1
			continue
		fi
		n=0
		while IFS= read -r inc; do
			n=$((n + 1))
			[ "$inc" = "$mod" ] && continue
			if violation "$mod" "$inc" "${f#"$root"/}"; then
				bad=1
			fi
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(evbgp\/\)'"$local"'\([a-z0-9_]*\)\.h".*/\2/p' "$f")
	done
	return $bad
}

# The global symbols object o defines, or the ones it uses undefined, from
# its ELF symbol table. Not nm: with evbgpd's link-time optimisation the
# core's objects also carry GCC's IR, and nm (through the LTO plugin)
# lists the IR's symbols, missing code the IR does not have.
elf_symbols() {
	local o=$1 which=$2

	objdump -t "$o" | awk -v which="$which" '
	    NF >= 4 && $2 == "*UND*" { if (which == "undefined") print $NF; next }
	    NF >= 6 && $2 ~ /^[gu]$/ && $4 != "*UND*" {
		if (which == "defined") print $NF }'
}

# the symbols each object of the core library (and evbgpd's main) uses;
# src: the tree whose src/*.c name the objects (stale ones are ignored)
check_objects() {
	local build=$1 src=$2 bad=0 o mod sym def c
	local objdir=$build/CMakeFiles/evbgp_core.dir/src
	local -a objs=()
	local -A defined_by
	for c in "$src"/src/*.c; do
		mod=$(basename "$c" .c)
		if [ "$mod" = main ]; then
			o=$build/CMakeFiles/evbgpd.dir/src/main.c.o
		else
			o=$objdir/$mod.c.o
		fi
		if [ ! -e "$o" ]; then
			echo "no object $o (build first)"
			return 1
		fi
		objs+=("$o")
	done
	for o in "${objs[@]}"; do
		mod=$(basename "$o" .c.o)
		while read -r sym; do
			defined_by[$sym]=$mod
		done < <(elf_symbols "$o" defined)
	done
	for o in "${objs[@]}"; do
		mod=$(basename "$o" .c.o)
		while read -r sym; do
			def=${defined_by[$sym]:-}
			[ -n "$def" ] && [ "$def" != "$mod" ] || continue
			if violation "$mod" "$def" "$(basename "$o") ($sym)"; then
				bad=1
			fi
		done < <(elf_symbols "$o" undefined)
	done
	return $bad
}

# expect: the check of tree/build fails with a line matching pattern
expect_caught() {
	local what=$1 pattern=$2 out
	shift 2
	if out=$("$@"); then
		echo "self-test: $what passes the check"
		return 1
	fi
	if ! grep -q -- "$pattern" <<<"$out"; then
		echo "self-test: $what: not the expected reason:"
		echo "$out"
		return 1
	fi
	echo "self-test: $what caught: $(grep -- "$pattern" <<<"$out" | head -1)"
}

self_test() {
	local build=${1:-} tmp rc=0 out
	tmp=$(mktemp -d /tmp/evbgp-layering.XXXXXX) || return 1
	trap 'rm -rf "$tmp"' RETURN
	cp -r "$repo/src" "$repo/include" "$tmp/" || return 1
	if ! out=$(check_includes "$tmp"); then
		echo "self-test: the clean tree fails:"
		echo "$out"
		return 1
	fi
	# upward: the peer reaching for the daemon
	sed -i '0,/#include "evbgp\/peer.h"/s//&\n#include "evbgp\/daemon.h"/' \
	    "$tmp/src/peer.c"
	expect_caught "an upward include (peer -> daemon)" \
	    "peer (peer) uses daemon (daemon), a higher part" \
	    check_includes "$tmp" || rc=1
	# sideways: two parts at the same level
	cp "$repo/src/peer.c" "$tmp/src/peer.c"
	sed -i '0,/#include "evbgp\/peer.h"/s//&\n#include "evbgp\/supervisor.h"/' \
	    "$tmp/src/peer.c"
	expect_caught "a sideways include (peer -> supervisor)" \
	    "peer (peer) uses supervisor (supervisor), a part at its own level" \
	    check_includes "$tmp" || rc=1
	# a header reaching up
	cp "$repo/src/peer.c" "$tmp/src/peer.c"
	sed -i '0,/#include "evbgp\/wire.h"/s//&\n#include "evbgp\/api_exec.h"/' \
	    "$tmp/include/evbgp/prefix.h"
	expect_caught "an upward include in a header (prefix.h -> api_exec)" \
	    "prefix (base) uses api_exec (commands)" \
	    check_includes "$tmp" || rc=1
	cp "$repo/include/evbgp/prefix.h" "$tmp/include/evbgp/prefix.h"
	# a new module nobody placed
	echo '#include "evbgp/util.h"' >"$tmp/src/newpart.c"
	expect_caught "an unplaced module" "module newpart is in no part" \
	    check_includes "$tmp" || rc=1
	rm "$tmp/src/newpart.c"
	# a call without the include: only the objects show it
	if [ -n "$build" ]; then
		mkdir -p "$tmp/build/CMakeFiles/evbgp_core.dir/src" \
		    "$tmp/build/CMakeFiles/evbgpd.dir/src" || return 1
		cp "$build"/CMakeFiles/evbgp_core.dir/src/*.o \
		    "$tmp/build/CMakeFiles/evbgp_core.dir/src/" &&
		    cp "$build/CMakeFiles/evbgpd.dir/src/main.c.o" \
		    "$tmp/build/CMakeFiles/evbgpd.dir/src/" || return 1
		if ! out=$(check_objects "$tmp/build" "$tmp"); then
			echo "self-test: the clean objects fail:"
			echo "$out"
			return 1
		fi
		printf '%s\n' 'struct daemon;' \
		    'void daemon_request(struct daemon *, unsigned, const char *);' \
		    'void peer_hidden_call(struct daemon *d)' \
		    '{ daemon_request(d, 1, "x"); }' >"$tmp/hidden.c"
		cc -c -o "$tmp/hidden.o" "$tmp/hidden.c" &&
		    ld -r -o "$tmp/peer.o" \
		    "$tmp/build/CMakeFiles/evbgp_core.dir/src/peer.c.o" \
		    "$tmp/hidden.o" &&
		    mv "$tmp/peer.o" \
		    "$tmp/build/CMakeFiles/evbgp_core.dir/src/peer.c.o" ||
		    return 1
		expect_caught "a call through a hand-written prototype" \
		    "peer.c.o (daemon_request): peer (peer) uses daemon" \
		    check_objects "$tmp/build" "$tmp" || rc=1
	fi
	[ $rc -eq 0 ] && echo "layering self-test: ok"
	return $rc
}

load_parts
if [ "${1:-}" = "--self-test" ]; then
	self_test "${2:-}"
	exit
fi
rc=0
check_includes "$repo" || rc=1
if [ $# -gt 0 ]; then
	check_objects "$1" "$repo" || rc=1
fi
if [ $rc -eq 0 ]; then
	echo "layering: ok (${#part_of[@]} modules in $(echo "$PARTS" | wc -l) parts${1:+, objects in $1})"
else
	echo "layering: FAILED (see ARCHITECTURE.md for the parts and arrows)"
fi
exit $rc
