#!/bin/sh
# Minimal evbgpd helper (tests/integration/kill-helper.sh): reads and discards what evbgpd
# writes, sleeping in read(2) in between; leaves at end of input. One process only (shell
# builtins), so a SIGKILL leaves nothing behind. $1 is a name, to tell instances apart.
while IFS= read -r _line; do :; done
