#!/bin/sh
# API helper for the daemon under test (`process recorder { run THIS FILE; encoder json; }`):
# appends every line the daemon writes to this process (ExaBGP JSON API messages) to FILE.
# The shell keeps its stdout (the daemon's command pipe) open and quiet until stdin closes.
[ $# -eq 1 ] || { echo "usage: $0 FILE" >&2; exit 2; }
cat >>"$1"
