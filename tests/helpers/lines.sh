#!/bin/sh
# Print N lines as fast as possible, then stay until stdin closes.
awk -v n="${1:-1000}" 'BEGIN { for (i = 0; i < n; i++) print "line " i }'
cat >/dev/null
