#!/usr/bin/env python3
"""Check ExaBGP 4.x JSON API lines (tests/integration/json-shape.sh).

  json-shape.py check LINES PEER LOCAL PEER_AS LOCAL_AS PREFIX...
      every line parses as a JSON object; the update objects from PEER carry every PREFIX in
      neighbor.message.update.announce["ipv4 unicast"][<next-hop>][i].nlri, and the first
      one has ExaBGP 4.2's shape (keys and types listed below). Prints one line per problem;
      exit 0 when there is none. The first line printed on success describes the object.
  json-shape.py keys LINES
      the key trees of the first object of each kind (state/connected, state/up, update,
      update/eor, state/down, notification ...), one path per line
      ("KIND a.b[].c TYPE"); values that differ per run (time, pid, prefixes, next hops)
      are abstracted away.
"""
import json
import sys


def load(path):
    objs, bad = [], []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                o = json.loads(raw)
                if not isinstance(o, dict):
                    raise ValueError("not an object")
                objs.append(o)
            except ValueError as e:
                bad.append("line %d is not a JSON object (%s): %r" % (n, e, raw[:120]))
    return objs, bad


def tname(v):
    return {dict: "object", list: "array", str: "string", bool: "bool", int: "number",
            float: "number", type(None): "null"}[type(v)]


def tree(v, path, out):
    out.add("%s %s" % (path or ".", tname(v)))
    if isinstance(v, dict):
        for k, x in v.items():
            # next hops are data, not schema: announce.<family>.<next-hop>
            if path.rsplit(".", 2)[-2:-1] == ["announce"]:
                k = "<next-hop>"
            tree(x, path + "." + k, out)
    elif isinstance(v, list):
        for x in v:
            tree(x, path + "[]", out)


def first_update(objs, peer=None):
    for o in objs:
        if o.get("type") == "update" and (peer is None or
                                           o.get("neighbor", {}).get("address", {}).get("peer") == peer):
            return o
    return None


def check(path, peer, local, peer_as, local_as, prefixes):
    objs, errs = load(path)
    up = first_update(objs, peer)
    if up is None:
        errs.append("no update object from %s among %d objects" % (peer, len(objs)))
        return errs, None

    def get(o, *keys):
        for k in keys:
            if not isinstance(o, dict) or k not in o:
                return KeyError
            o = o[k]
        return o

    want = [
        (("exabgp",), "4.0.1"),
        (("type",), "update"),
        (("neighbor", "address", "peer"), peer),
        (("neighbor", "address", "local"), local),
        (("neighbor", "asn", "peer"), int(peer_as)),
        (("neighbor", "asn", "local"), int(local_as)),
        (("neighbor", "direction"), "receive"),
    ]
    for keys, val in want:
        got = get(up, *keys)
        if got != val:
            errs.append("%s: want %r, got %r" % (".".join(keys), val, None if got is KeyError else got))
    for keys, typ in [(("time",), (int, float)), (("host",), str), (("pid",), int), (("ppid",), int),
                      (("counter",), int), (("neighbor", "message", "update", "attribute", "origin"), str),
                      (("neighbor", "message", "update", "attribute", "as-path"), list)]:
        got = get(up, *keys)
        if got is KeyError or not isinstance(got, typ) or isinstance(got, bool):
            errs.append("%s: missing or of the wrong type (%r)" % (".".join(keys), None if got is KeyError else got))
    extra = set(up) - {"exabgp", "time", "host", "pid", "ppid", "counter", "type", "neighbor"}
    if extra:
        errs.append("unexpected top-level keys: %s" % ", ".join(sorted(extra)))
    fam = get(up, "neighbor", "message", "update", "announce", "ipv4 unicast")
    if not isinstance(fam, dict) or not fam:
        errs.append('neighbor.message.update.announce["ipv4 unicast"] missing or empty: %r' % (fam,))
    else:
        for nh, routes in fam.items():
            if not isinstance(routes, list) or not all(isinstance(r, dict) and "nlri" in r for r in routes):
                errs.append('announce["ipv4 unicast"][%r] is not a list of {"nlri": ...}: %r' % (nh, routes))
    got = set()
    for o in objs:
        if o.get("type") != "update" or get(o, "neighbor", "address", "peer") != peer:
            continue
        fam4 = get(o, "neighbor", "message", "update", "announce", "ipv4 unicast")
        for nh, routes in (fam4.items() if isinstance(fam4, dict) else []):
            for r in routes if isinstance(routes, list) else []:
                if isinstance(r, dict):
                    got.add(r.get("nlri"))
    missing = [p for p in prefixes if p not in got]
    if missing:
        errs.append("prefixes not announced in any update: %s" % " ".join(missing))
    nh = next(iter(fam)) if isinstance(fam, dict) and fam else "?"
    desc = ('%d lines, all JSON; update: exabgp %s, neighbor.address.peer %s, announce["ipv4 unicast"]["%s"] = '
            '%d nlri' % (len(objs), up.get("exabgp"), peer, nh, len(fam.get(nh, [])) if isinstance(fam, dict) else 0))
    return errs, desc


def main(argv):
    if len(argv) >= 2 and argv[0] == "keys":
        objs, _ = load(argv[1])
        kinds = {}
        for o in objs:
            kind = str(o.get("type"))
            nb = o.get("neighbor") if isinstance(o.get("neighbor"), dict) else {}
            if kind == "state":
                kind += "/" + str(nb.get("state"))
            elif kind == "update" and "eor" in (nb.get("message") or {}):
                kind += "/eor"
            if kind not in kinds:
                out = set()
                tree(o, "", out)
                kinds[kind] = out
        if "update" not in kinds:
            print("no update object")
            return 1
        for kind in sorted(kinds):
            for line in sorted(kinds[kind]):
                print(kind, line)
        return 0
    if len(argv) >= 7 and argv[0] == "check":
        errs, desc = check(argv[1], argv[2], argv[3], argv[4], argv[5], argv[6:])
        for e in errs:
            print(e)
        if not errs:
            print(desc)
        return 1 if errs else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
