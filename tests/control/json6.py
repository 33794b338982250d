#!/usr/bin/env python3
"""ExaBGP main's JSON dialect per helper (issue 10), end to end.

evbgpd with one BGP session to evbgp-sink (loopback, a free port) and
recording helpers (tests/helpers/record.sh) subscribed to neighbor
changes and to the UPDATEs evbgpd sends:

1. no environment: a helper with `api-version 6;` gets "exabgp": "6.0.0",
   "router-id" in the neighbor object and main's as-path object, while a
   plain `encoder json` helper beside it keeps "4.0.1" and 4.2's shapes;
2. exabgp.api.version=6: a plain JSON helper gets "6.0.0", one with
   `api-version 4;` keeps "4.0.1", a text helper keeps the text encoder;
   evbgpd says at start-up what the setting does (and does not do);
3. --check refuses a bad api-version, and api-version 6 without
   encoder json, naming file:line.

Every process is stopped by its PID; every wait is bounded.
Usage: tests/control/json6.py [BUILD_DIR]
"""
import json
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402  (paths, check, wait_for, free_port)
from metrics import check, wait_for, free_port  # noqa: E402

RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                      "helpers", "record.sh")


def conf_text(helpers, sink_port, tmp):
    """helpers: (name, process-block body lines); all subscribed."""
    out = []
    for name, body in helpers:
        out.append("process %s {\n\trun %s %s;\n%s}\n" % (
            name, RECORD, os.path.join(tmp, name + ".out"),
            "".join("\t%s\n" % b for b in body)))
    out.append("""neighbor 127.0.0.1 {
	router-id 10.0.0.7;
	local-address 127.0.0.1;
	local-as 65001;
	peer-as 65002;
	hold-time 9;
	connect %d;
	family { ipv4 unicast; }
	api {
		processes [ %s ];
		neighbor-changes;
		send { parsed; update; }
	}
	static { route 192.0.2.0/24 next-hop 192.0.2.1; }
}
""" % (sink_port, " ".join(n for n, _ in helpers)))
    return "".join(out)


class Run:
    def __init__(self, helpers, env_extra):
        self.tmp = tempfile.mkdtemp(prefix="evbgp-json6.")
        self.sink_port = free_port()
        self.log = os.path.join(self.tmp, "evbgpd.log")
        self.conf = os.path.join(self.tmp, "evbgpd.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text(helpers, self.sink_port, self.tmp))
        self.sink = subprocess.Popen(
            [metrics.SINK, "--hold", "9", "--as", "65002", "--max-life",
             "300", "127.0.0.1:%d" % self.sink_port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ)
        env.update(env_extra)
        self.err = open(os.path.join(self.tmp, "evbgpd.err"), "w")
        self.evbgpd = subprocess.Popen(
            [metrics.EVBGPD, "--control", os.path.join(self.tmp, "sock"),
             "--log-dest", "file:" + self.log, self.conf],
            stdout=subprocess.DEVNULL, stderr=self.err, env=env)

    def lines(self, name):
        try:
            with open(os.path.join(self.tmp, name + ".out")) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def json_lines(self, name):
        out = []
        for l in self.lines(name):
            try:
                out.append(json.loads(l))
            except ValueError:
                out.append({"unparsable": l})
        return out

    def update_of(self, name):
        """the first sent UPDATE with routes (None until it comes)"""
        for o in self.json_lines(name):
            m = o.get("neighbor", {}).get("message", {})
            if o.get("type") == "update" and "update" in m:
                return o
        return None

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        for p in (self.evbgpd, self.sink):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.err.close()
        check("evbgpd exits 0 after SIGTERM", self.evbgpd.returncode == 0,
              open(os.path.join(self.tmp, "evbgpd.err")).read()[-3000:])


def states(r, name):
    return [o for o in r.json_lines(name) if o.get("type") == "state"]


def per_helper():
    r = Run([("j6", ["encoder json;", "api-version 6;"]),
             ("j4", ["encoder json;"])], {})
    try:
        got = wait_for(lambda: r.update_of("j6") and r.update_of("j4"),
                       limit=60)
        if not check("both helpers hear the UPDATE evbgpd sends", got,
                     r.lines("j6") + r.lines("j4") + [r.log_text()[-2000:]]):
            return
        j6, j4 = r.update_of("j6"), r.update_of("j4")
        check('api-version 6: "exabgp": "6.0.0"', j6["exabgp"] == "6.0.0", j6)
        check('plain encoder json beside it: "exabgp": "4.0.1"',
              j4["exabgp"] == "4.0.1", j4)
        check('6.0: "router-id" (ours) in the neighbor object',
              j6["neighbor"].get("router-id") == "10.0.0.7", j6)
        check("4.0.1: no router-id", "router-id" not in j4["neighbor"], j4)
        a6 = j6["neighbor"]["message"]["update"]["attribute"]
        a4 = j4["neighbor"]["message"]["update"]["attribute"]
        check("6.0: main's as-path object, no confederation-path",
              a6.get("as-path") == {"0": {"element": "as-sequence",
                                          "value": [65001]}} and
              "confederation-path" not in a6, a6)
        check("4.0.1: 4.2's as-path list and confederation-path",
              a4.get("as-path") == [65001] and
              a4.get("confederation-path") == [], a4)
        s6, s4 = states(r, "j6"), states(r, "j4")
        check("state events: 6.0.0 for one helper, 4.0.1 for the other",
              s6 and s4 and all(o["exabgp"] == "6.0.0" for o in s6) and
              all(o["exabgp"] == "4.0.1" for o in s4), (s6, s4))
        check("no start-up note without exabgp.api.version=6",
              "exabgp.api.version 6" not in r.log_text(), r.log_text())
    finally:
        r.stop()


def by_environment():
    r = Run([("jd", ["encoder json;"]),
             ("j4", ["encoder json;", "api-version 4;"]),
             ("tx", ["encoder text;"])], {"exabgp.api.version": "6"})
    try:
        got = wait_for(lambda: r.update_of("jd") and r.update_of("j4") and
                       any("192.0.2.0/24" in l for l in r.lines("tx")),
                       limit=60)
        if not check("the three helpers hear the UPDATE", got,
                     r.lines("jd") + r.lines("j4") + r.lines("tx") +
                     [r.log_text()[-2000:]]):
            return
        check('exabgp.api.version=6: a plain JSON helper gets "6.0.0"',
              r.update_of("jd")["exabgp"] == "6.0.0", r.update_of("jd"))
        check('api-version 4 keeps "4.0.1" under exabgp.api.version=6',
              r.update_of("j4")["exabgp"] == "4.0.1", r.update_of("j4"))
        tx = r.lines("tx")
        check("the text helper keeps the text encoder",
              tx and not tx[0].startswith("{") and
              any(l.startswith("neighbor 127.0.0.1 ") for l in tx), tx)
        check("evbgpd says what exabgp.api.version 6 does and does not",
              "exabgp.api.version 6: JSON helpers without an 'api-version'"
              in r.log_text() and "the text API (commands, answers) and "
              "the text encoder stay ExaBGP 4.x's" in r.log_text(),
              r.log_text()[-2000:])
    finally:
        r.stop()


def check_errors():
    tmp = tempfile.mkdtemp(prefix="evbgp-json6-check.")
    cases = [
        ("process a {\n\trun /bin/cat;\n\tencoder json;\n\tapi-version 5;\n}\n",
         ":4: invalid api-version '5' (expected 4, ExaBGP 4.x JSON, or 6, "
         "ExaBGP main's JSON)"),
        ("process a {\n\trun /bin/cat;\n\tapi-version 6;\n\tencoder text;\n}\n",
         ":3: process a: 'api-version 6' selects ExaBGP main's JSON dialect: "
         "it needs 'encoder json'"),
    ]
    for i, (text, want) in enumerate(cases):
        path = os.path.join(tmp, "bad%d.conf" % i)
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([metrics.EVBGPD, "--check", path],
                           capture_output=True, text=True, timeout=30)
        check("--check refuses: %s" % want.strip(":0123456789 "),
              p.returncode != 0 and (path + want) in p.stderr,
              (p.returncode, p.stderr))
        os.unlink(path)
    good = os.path.join(tmp, "good.conf")
    with open(good, "w") as f:
        f.write("process a {\n\trun /bin/cat;\n\tencoder json;\n"
                "\tapi-version 6;\n}\n")
    env = dict(os.environ)
    env["exabgp_api_version"] = "6"
    p = subprocess.run([metrics.EVBGPD, "--check", good], capture_output=True,
                       text=True, timeout=30, env=env)
    check("--check accepts api-version 6 and notes exabgp.api.version 6",
          p.returncode == 0 and "exabgp.api.version 6:" in p.stderr,
          (p.returncode, p.stderr))
    env["exabgp_api_version"] = "5"
    p = subprocess.run([metrics.EVBGPD, "--check", good], capture_output=True,
                       text=True, timeout=30, env=env)
    check("--check refuses exabgp_api_version=5", p.returncode != 0 and
          "exabgp_api_version: invalid value '5'" in p.stderr,
          (p.returncode, p.stderr))
    os.unlink(good)
    os.rmdir(tmp)


def main():
    check_errors()
    per_helper()
    by_environment()
    if metrics.FAILS:
        print("%d check(s) failed" % len(metrics.FAILS))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
