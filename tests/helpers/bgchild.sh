#!/bin/sh
# Exit while a background child keeps stdout open: reap before EOF.
(sleep 0.3; echo late) &
echo early
exit 4
