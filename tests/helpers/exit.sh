#!/bin/sh
# Exit at once with the given status.
exit "${1:-0}"
