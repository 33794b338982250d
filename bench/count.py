#!/usr/bin/env python3
"""Receive-direction helper: counts announced NLRI in ExaBGP-style JSON.

The daemon (evbgpd or ExaBGP, `encoder json`, `receive { parsed; update; }`)
writes one JSON object per line to our stdin. Every announced prefix appears
as an object with an "nlri" key; the benchmark never withdraws, so counting
the key in the raw byte stream (chunk by chunk, no JSON parsing) is exact and
cheap. --check-lines parses the first few update lines to make sure they are
announcements. Writes --stamp when the first prefix arrives, every ~0.5 s,
and when --expect prefixes have been counted; exits at EOF or --max-life.
"""
import argparse
import json
import os
import time

KEY = b'"nlri"'


def stamp(path, data):
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f)
    os.replace(path + '.tmp', path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--expect', type=int, required=True)
    ap.add_argument('--stamp', required=True)
    ap.add_argument('--sample', default=None, help='save the first 64 KiB of input here')
    ap.add_argument('--max-life', type=float, default=3600)
    a = ap.parse_args()
    end = time.time() + a.max_life
    total = 0
    nbytes = 0
    tail = b''
    t_first = t_done = None
    withdraw_seen = 0
    next_stamp = time.time() + 0.5
    sample = bytearray()
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        now = time.time()
        nbytes += len(chunk)
        if a.sample is not None and len(sample) < 65536:
            sample += chunk[:65536 - len(sample)]
            if len(sample) >= 65536:
                with open(a.sample, 'wb') as f:
                    f.write(sample)
        buf = tail + chunk
        c = buf.count(KEY)
        withdraw_seen += buf.count(b'"withdraw"')
        tail = buf[-(len(KEY) - 1):]
        total += c
        if c and t_first is None:
            t_first = now
        if t_done is None and total >= a.expect:
            t_done = now
            stamp(a.stamp, {'t_first': t_first, 't_done': t_done, 'count': total, 'bytes': nbytes})
        elif now >= next_stamp:
            stamp(a.stamp, {'t_first': t_first, 't_done': t_done, 'count': total, 'bytes': nbytes,
                            'withdraw_seen': withdraw_seen})
            next_stamp = now + 0.5
        if now > end:
            break
    if a.sample is not None and sample and len(sample) < 65536:
        with open(a.sample, 'wb') as f:
            f.write(sample)
    stamp(a.stamp, {'t_first': t_first, 't_done': t_done, 'count': total, 'bytes': nbytes,
                    'withdraw_seen': withdraw_seen, 'eof': True})


if __name__ == '__main__':
    main()
