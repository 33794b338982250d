#!/bin/sh
# Recording helper for the hostile suite: append everything evbgpd writes
# to this helper to the file named by $1. No exec: the shell keeps its
# stdout (evbgpd's command pipe from this helper) open while cat records,
# so evbgpd does not take the helper for gone.
cat >>"$1"
