#!/usr/bin/env python3
"""evbgpd helper for the integration tests (`process X { run THIS OUTDIR; encoder json; }`).

Reads the daemon's lines from stdin and keeps counters in OUTDIR/stats.json (rewritten
atomically at most every 0.2 s, and at EOF):
  lines        lines read
  bad          lines that are not a JSON object (the first few are kept in OUTDIR/bad.txt)
  types        {"update": N, "state": N, "overflow": N, ...}
  announced    announced NLRI (sum over announce.<family>.<next-hop>[].nlri)
  withdrawn    withdrawn NLRI
  eor          End-of-RIB markers (update lines with neighbor.message.eor)
  dropped      sum of "dropped" of overflow events
  prefixes     distinct announced prefixes
  first_update_at / last_update_at   time.monotonic() of the first/last update line
The first update object is written to OUTDIR/first-update.json. With --save, every line
is appended to OUTDIR/lines.json as well. Writes nothing to stdout (the daemon's command pipe).
"""
import json
import os
import select
import sys
import time


def main():
    args = sys.argv[1:]
    save = False
    if args and args[0] == "--save":
        save = True
        args = args[1:]
    if len(args) != 1:
        sys.stderr.write("usage: json-counter.py [--save] OUTDIR\n")
        return 2
    outdir = args[0]
    st = {"lines": 0, "bad": 0, "types": {}, "announced": 0, "withdrawn": 0, "eor": 0,
          "dropped": 0, "prefixes": 0, "first_update_at": None, "last_update_at": None,
          "pid": os.getpid(), "eof": False}
    seen = set()
    first = None
    bad_kept = 0
    saved = open(os.path.join(outdir, "lines.json"), "a") if save else None
    last_dump = 0.0

    def dump():
        tmp = os.path.join(outdir, "stats.json.tmp")
        st["prefixes"] = len(seen)
        with open(tmp, "w") as f:
            json.dump(st, f)
        os.replace(tmp, os.path.join(outdir, "stats.json"))

    def handle(raw):
        nonlocal first, bad_kept
        st["lines"] += 1
        if saved is not None:
            saved.write(raw.decode("utf-8", "replace"))
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError:
            st["bad"] += 1
            if bad_kept < 5:
                bad_kept += 1
                with open(os.path.join(outdir, "bad.txt"), "ab") as f:
                    f.write(raw[:2000] + (b"" if raw.endswith(b"\n") else b"\n"))
            return
        t = obj.get("type", "?")
        st["types"][t] = st["types"].get(t, 0) + 1
        if t == "overflow":
            d = obj.get("dropped", 0)
            if isinstance(d, int):
                st["dropped"] += d
        if t == "update":
            now = time.monotonic()
            if st["first_update_at"] is None:
                st["first_update_at"] = now
            st["last_update_at"] = now
            msg = obj.get("neighbor", {}).get("message", {})
            if "eor" in msg:
                st["eor"] += 1
            upd = msg.get("update", {})
            for fam in (upd.get("announce") or {}).values():
                for routes in fam.values():
                    for r in routes:
                        st["announced"] += 1
                        seen.add(r.get("nlri"))
            for routes in (upd.get("withdraw") or {}).values():
                st["withdrawn"] += len(routes)
            if first is None:
                first = obj
                with open(os.path.join(outdir, "first-update.json"), "w") as f:
                    json.dump(first, f)

    dump()
    buf = b""
    while True:
        ready, _, _ = select.select([0], [], [], 0.2)
        if ready:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                break
            buf += chunk
            lines = buf.split(b"\n")
            buf = lines.pop()
            for raw in lines:
                handle(raw + b"\n")
            if saved is not None:
                saved.flush()
        now = time.monotonic()
        if not ready or now - last_dump >= 0.2:
            last_dump = now
            dump()
    if buf:
        handle(buf)
    st["eof"] = True
    if saved is not None:
        saved.close()
    dump()
    return 0


if __name__ == "__main__":
    sys.exit(main())
