#!/bin/sh
# Ignore stdin and SIGTERM (inherited by sleep): only SIGKILL ends it.
trap '' TERM
echo ready
exec sleep 30
