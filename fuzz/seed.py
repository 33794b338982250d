#!/usr/bin/env python3
"""Write seed inputs for the fuzz targets (see fuzz/README.md).

    fuzz/seed.py OUTDIR            seeds from this repository's own tests
    fuzz/seed.py OUTDIR --kit DIR  seeds from the ExaBGP conformance kit

OUTDIR gets one directory per target (decode, nlri, api, exec, config,
encode, healthcheck, env, metrics), one file per seed, named by content hash. The repository's
seeds are committed under fuzz/corpus/; the kit's are made at run time
(scripts/fuzz-smoke.sh) and never committed, as the kit's files may not be
copied into the repository.
"""
import hashlib
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(outdir, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def c_strings(path):
    """The string literals of a C file, adjacent ones joined."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    for m in re.finditer(r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(1))
        s = "".join(parts)
        try:
            s = bytes(s, "utf-8").decode("unicode_escape")
        except UnicodeDecodeError:
            continue
        out.append(s)
    return out


API_WORDS = ("announce", "withdraw", "neighbor", "show", "flush", "clear",
             "teardown", "shutdown", "reload", "restart", "version", "help",
             "reset", "enable-ack", "disable-ack", "silence-ack", "ping",
             "status", "#")


def api_line(s):
    return s.split(" ", 1)[0] in API_WORDS


def encode_seed(msg, sess=0x0B, rend=0x02):
    """Header stripped: [session][rendering][type][body]."""
    if len(msg) < 19:
        return None
    return bytes([sess, rend, (msg[18] - 1) % 5]) + msg[19:]


def repo_seeds(outdir):
    # decode: the committed message seeds are fuzz/corpus/decode itself
    dec = os.path.join(REPO, "fuzz", "corpus", "decode")
    msgs = []
    if os.path.isdir(dec):
        for n in sorted(os.listdir(dec)):
            data = open(os.path.join(dec, n), "rb").read()
            if len(data) > 1:
                msgs.append(data[1:])
    # api: the command lines of the API suites
    lines = []
    for suite in ("check_api.c", "check_supervisor.c", "check_control.c"):
        for s in c_strings(os.path.join(REPO, "tests", suite)):
            if api_line(s) and "\n" not in s:
                lines.append(s)
    for s in lines:
        write(outdir, "api", s)
    for i in range(0, len(lines), 8):
        write(outdir, "api", "\n".join(lines[i:i + 8]))
    # exec: the same lines in batches, run by evbgpctl's client (byte 0:
    # 0, or 2 for JSON answers) and a helper's (1)
    for i in range(0, len(lines), 8):
        batch = "\n".join(lines[i:i + 8]).encode()
        write(outdir, "exec", bytes([(i // 8) % 3]) + batch)
    # config: the golden files and the shipped examples
    for d in (os.path.join(REPO, "tests", "golden"),
              os.path.join(REPO, "config")):
        for n in sorted(os.listdir(d)):
            if n.endswith(".conf") or n.endswith(".example"):
                write(outdir, "config",
                      open(os.path.join(d, n), "rb").read())
    for s in c_strings(os.path.join(REPO, "tests", "check_config.c")):
        if "neighbor" in s or "process" in s or "template" in s:
            write(outdir, "config", s)
    # encode: every message seed, in each rendering and both encoders
    for m in msgs:
        for rend in (0x02, 0x03, 0x04, 0x0A, 0x0F, 0x1E):
            seed = encode_seed(m, 0x0B, rend)
            if seed:
                write(outdir, "encode", seed)
    # healthcheck: the option vectors of check_healthcheck, as argv
    text = open(os.path.join(REPO, "tests", "check_healthcheck.c"),
                encoding="utf-8").read()
    for m in re.finditer(r"\{\s*\{((?:\s*\"[^\"]*\"\s*,?)+)\}", text):
        words = re.findall(r'"([^"]*)"', m.group(1))
        write(outdir, "healthcheck", b"\x00" + "\n".join(words).encode())
    full = ["--ip", "192.0.2.1/32", "--ip", "2001:db8::1", "--cmd", "true",
            "--rise", "2", "--fall", "2", "--interval", "1",
            "--community", "65000:1", "--as-path", "65000 65001",
            "--neighbor", "127.0.0.1", "--withdraw-on-down",
            "--next-hop", "192.0.2.254", "--path-id", "7", "--label", "web",
            "--local-preference", "200", "--no-ip-setup"]
    write(outdir, "healthcheck", b"\x00" + "\n".join(full).encode())
    write(outdir, "healthcheck", b"\x01" + b"\n".join(
        w.lstrip("-").encode() + b"=" + v.encode()
        for w, v in zip(full[0::2], full[1::2])))
    write(outdir, "healthcheck", b"\x02" +
          b"1: lo    inet 127.0.0.1/8 scope host lo\n"
          b"1: lo    inet 192.0.2.1/32 scope global lo:web\n"
          b"1: lo    inet6 2001:db8::1/128 scope global\n")
    # env: the INI texts of check_env, alone, and the exabgp.* variables
    # it sets, as the environment after an empty file (byte 0 is NUL)
    strings = c_strings(os.path.join(REPO, "tests", "check_env.c"))
    for s in strings:
        if "[exabgp." in s:
            write(outdir, "env", s)
    variables = [s for s in strings if re.match(r"exabgp[._]\w+=", s)]
    for v in variables:
        write(outdir, "env", "\0" + v)
    write(outdir, "env", "[exabgp.tcp]\nport = 1790\n\0" +
          "\0".join(variables[:12]))
    # metrics: scrapes as Prometheus and curl send them, what the endpoint
    # refuses (other paths and methods, a body), and --metrics addresses
    # (byte 0 is 0x01)
    for req in (b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9179\r\n"
                b"User-Agent: Prometheus/2.45.0\r\nAccept: text/plain;"
                b"version=0.0.4;q=1,*/*;q=0.1\r\nAccept-Encoding: gzip"
                b"\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n",
                b"GET /metrics HTTP/1.0\r\n\r\n",
                b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET /other?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
                b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"):
        write(outdir, "metrics", req)
    for listen in ("9179", "127.0.0.1", "127.0.0.1:0", "[::1]:9179", "::1"):
        write(outdir, "metrics", b"\x01" + listen.encode())


# (AFI, SAFI) -> enum family_id, fuzz_nlri's byte 0: read from
# include/evbgp/family.h (the enum's order), src/family.c (each id's AFI
# and SAFI) and include/evbgp/bgp_proto.h (their numbers), so that the
# seeds follow the enum when families are added in AFI/SAFI order.
def family_ids():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    read = lambda p: open(os.path.join(root, p), encoding="utf-8").read()
    consts = {m.group(1): int(m.group(2)) for m in re.finditer(
        r"#define\s+(BGP_(?:AFI|SAFI)_\w+)\s+(\d+)",
        read("include/evbgp/bgp_proto.h"))}
    enum = re.search(r"enum family_id \{(.*?)\};", read(
        "include/evbgp/family.h"), re.S).group(1)
    order = re.findall(r"\b(FAM_\w+)\b", enum)
    defs = dict((m.group(1), (consts[m.group(2)], consts[m.group(3)]))
                for m in re.finditer(r"\[(FAM_\w+)\]\s*=\s*\{\s*(BGP_AFI_"
                                     r"\w+),\s*(BGP_SAFI_\w+)",
                                     read("src/family.c")))
    return {defs[f]: i for i, f in enumerate(order) if f in defs}


FAMILY_ID = family_ids()


def nlri_seeds(outdir, msg):
    """fuzz_nlri seeds from a BGP UPDATE: its withdrawn routes and NLRI
    (IPv4 unicast) and each MP_REACH / MP_UNREACH field, byte 0 the
    family (bit 7: withdrawal). Stops quietly at anything malformed."""
    if len(msg) < 23 or msg[18] != 2:
        return
    body = msg[19:]
    wlen = int.from_bytes(body[0:2], "big")
    if wlen:
        write(outdir, "nlri", bytes([0x80]) + body[2:2 + wlen])
    at = 2 + wlen
    alen = int.from_bytes(body[at:at + 2], "big")
    attrs = body[at + 2:at + 2 + alen]
    rest = body[at + 2 + alen:]
    if rest:
        write(outdir, "nlri", bytes([0]) + rest)
    i = 0
    while i + 3 <= len(attrs):
        flags, code = attrs[i], attrs[i + 1]
        if flags & 0x10:
            if i + 4 > len(attrs):
                return
            vlen, hdr = int.from_bytes(attrs[i + 2:i + 4], "big"), 4
        else:
            vlen, hdr = attrs[i + 2], 3
        v = attrs[i + hdr:i + hdr + vlen]
        i += hdr + vlen
        if code not in (14, 15) or len(v) < 3:
            continue
        fam = FAMILY_ID.get((int.from_bytes(v[0:2], "big"), v[2]))
        if fam is None:
            continue
        if code == 15:
            write(outdir, "nlri", bytes([fam | 0x80]) + v[3:])
        elif len(v) >= 5 and len(v) >= 5 + v[3]:
            write(outdir, "nlri", bytes([fam]) + v[5 + v[3]:])


def kit_seeds(outdir, kit):
    cases = os.path.join(kit, "cases")
    for root, _, files in os.walk(cases):
        for n in files:
            if not n.endswith(".ci"):
                continue
            cmds = []
            for line in open(os.path.join(root, n), encoding="utf-8",
                             errors="replace"):
                line = line.rstrip("\n")
                parts = line.split(":", 2)
                if len(parts) < 3:
                    continue
                if parts[1] == "cmd":
                    cmds.append(parts[2])
                    write(outdir, "api", parts[2])
                elif parts[1] == "raw":
                    hexs = parts[2].replace(":", "")
                    try:
                        msg = bytes.fromhex(hexs)
                    except ValueError:
                        continue
                    write(outdir, "decode", b"\x0b" + msg)
                    nlri_seeds(outdir, msg)
                    seed = encode_seed(msg)
                    if seed:
                        write(outdir, "encode", seed)
            if cmds:
                write(outdir, "api", "\n".join(cmds[:32]))
                write(outdir, "exec", b"\x00" + "\n".join(
                    cmds[:16]).encode())
    etc = os.path.join(kit, "etc")
    for n in sorted(os.listdir(etc)) if os.path.isdir(etc) else []:
        if n.endswith(".conf"):
            write(outdir, "config", open(os.path.join(etc, n), "rb").read())


def main():
    if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and
                                       sys.argv[2] != "--kit"):
        sys.exit(__doc__)
    outdir = sys.argv[1]
    if len(sys.argv) == 4:
        kit_seeds(outdir, sys.argv[3])
    else:
        repo_seeds(outdir)


if __name__ == "__main__":
    main()
