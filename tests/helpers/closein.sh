#!/bin/sh
# Close stdin but keep running: writing to it must give EPIPE, no spin.
exec <&-
echo ready
exec sleep 30
