#!/bin/sh
# Close stdout first, exit later: EOF comes before the reap.
echo bye
exec >&-
sleep 0.3
exit 3
