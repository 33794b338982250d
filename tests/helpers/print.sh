#!/bin/sh
# Print each argument on its own line, then exit 0.
for a in "$@"; do
	echo "$a"
done
exit 0
