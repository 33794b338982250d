#!/bin/sh
# A short line, one 100 KiB line, another short line; then wait.
echo before
head -c 102400 /dev/zero | tr '\0' x
echo
echo after
cat >/dev/null
