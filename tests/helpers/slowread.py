#!/usr/bin/env python3
"""A helper that reads its stdin slowly and records it.

  slowread.py OUT CHUNK PAUSE_US [noterm]

Reads at most CHUNK bytes at a time, pausing PAUSE_US microseconds after
each read, so that the pipe from evbgpd stays full and evbgpd's event ring
is reused while the pipe still holds parts of it. Everything read goes to
OUT.<pid> (one file per instance, so a respawned helper has its own) as it
is read, so a test can wait for its size. With "noterm" it ignores
SIGTERM and reads on until its stdin's end-of-file.
"""
import os
import signal
import sys
import time

out, chunk, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) / 1e6
if sys.argv[4:] == ["noterm"]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
fd = os.open("%s.%d" % (out, os.getpid()),
             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
while True:
    data = os.read(0, chunk)
    if not data:
        break
    os.write(fd, data)
    if pause > 0:
        time.sleep(pause)
os.close(fd)
