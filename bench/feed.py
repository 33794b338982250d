#!/usr/bin/env python3
"""Helper process for an ExaBGP-style injector (evbgpd, ExaBGP).

The daemon starts it from its `process` block. It waits until --trigger
exists (the harness creates it once the BGP session is Established), records
the wall-clock time of its first write in --stamp, copies the pre-generated
command file to stdout as fast as the daemon reads it, records the time of
its last write, then idles (reading and discarding stdin, e.g. acks) until
stdin reaches EOF (the daemon went away) or --max-life seconds pass.
"""
import argparse
import json
import os
import threading
import time


def stamp(path, data):
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f)
    os.replace(path + '.tmp', path)


def write_all(blob):
    """All of blob to stdout, in 1 MiB writes, as fast as the reader takes it."""
    view = memoryview(blob)
    off = 0
    while off < len(blob):
        off += os.write(1, view[off:off + (1 << 20)])


def drain_then_exit():
    try:
        while os.read(0, 1 << 16):
            pass
    except OSError:
        pass
    os._exit(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--file', required=True)
    ap.add_argument('--trigger', required=True)
    ap.add_argument('--stamp', required=True)
    ap.add_argument('--max-life', type=float, default=3600)
    a = ap.parse_args()
    end = time.time() + a.max_life
    threading.Thread(target=drain_then_exit, daemon=True).start()
    with open(a.file, 'rb') as f:
        blob = f.read()       # in memory before the clock starts
    while not os.path.exists(a.trigger):
        if time.time() > end:
            return
        time.sleep(0.002)
    t0 = time.time()
    stamp(a.stamp, {'t_first_write': t0, 'bytes': len(blob)})
    write_all(blob)
    t1 = time.time()
    stamp(a.stamp, {'t_first_write': t0, 't_last_write': t1, 'bytes': len(blob)})
    while time.time() < end:
        time.sleep(0.5)


if __name__ == '__main__':
    main()
