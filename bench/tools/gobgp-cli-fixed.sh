#!/bin/bash
# Opt-in (bench/run.sh --gobgp-fixed): build GoBGP 3.10's `gobgp` CLI from
# Debian's source package with `mrt inject` waiting for gobgpd. The stock
# CLI returns right after its last stream Send() without CloseAndRecv(), so it
# exits with the tail of the gRPC stream unread and gobgpd drops those paths.
# Needs golang-go and golang-github-osrg-gobgp-dev (bench/setup.sh installs them
# with BENCH_GOBGP_FIXED=1). Output: $OUT (default build-bench/gobgp-fixed).
set -euo pipefail
OUT=${OUT:-$PWD/build-bench/gobgp-fixed}
SRC=/usr/share/gocode/src/github.com/osrg/gobgp
[ -d "$SRC" ] || { echo "$SRC missing: apt-get install golang-github-osrg-gobgp-dev" >&2; exit 1; }
work=$(mktemp -d /tmp/evbgp-gobgpcli.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src/github.com/osrg" "$(dirname "$OUT")"
cp -r "$SRC" "$work/src/github.com/osrg/gobgp"
mrt="$work/src/github.com/osrg/gobgp/cmd/gobgp/mrt.go"
python3 - "$mrt" <<'PY'
import re, sys
path = sys.argv[1]
src = open(path).read()
# The inject loop sends every path on `stream`; its function ends with the
# loop's closing brace and `return nil`. Wait for the server's reply there.
m = re.search(r'(stream\.Send\(.*?\n(?:.*\n)*?\t\}\n)(\treturn nil\n\})', src)
if not m or 'CloseAndRecv' in src:
    sys.exit('mrt.go: inject loop not found (or already patched)')
wait = ('\t// evbgp bench: let gobgpd take the whole stream before exiting. The\n'
        '\t// empty reply can panic in Debian\'s grpc/protobuf pairing; by then\n'
        '\t// the server has everything, so the panic is ignored.\n'
        '\tfunc() {\n\t\tdefer func() { _ = recover() }()\n\t\t_, _ = stream.CloseAndRecv()\n\t}()\n')
src = src[:m.start(2)] + wait + src[m.start(2):]
open(path, 'w').write(src)
PY
cd "$work/src/github.com/osrg/gobgp/cmd/gobgp"
GOPATH="$work:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="$work/cache" go build -o "$OUT" .
echo "built $OUT"
