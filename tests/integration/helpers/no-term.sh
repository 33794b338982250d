#!/bin/sh
# Run a helper with SIGTERM ignored (the disposition survives exec): it then leaves only at
# end of input, after reading everything evbgpd wrote, including the last "down" state and
# the "shutdown" notification that precede the SIGTERM evbgpd sends at its own shutdown.
trap '' TERM
exec "$@"
