#!/usr/bin/env python3
"""
evbgpd's configuration reading checked against ExaBGP 4.2.21 itself
(Debian's exabgp package) on the points where 4.2 behaviour is the
contract (issue 10):

  * a name after a block keyword ("family NAME {", "capability NAME {",
    "static NAME {", ...): `exabgp --validate` and `evbgpd --check` must
    accept or refuse the same files;
  * the argv of a `run` line: ExaBGP's own file tokeniser
    (exabgp.configuration.core.tokeniser, run by Debian's python3) gives
    the words of the statement, evbgpd --print writes the argv it read;
    they must be equal, and both must accept or refuse the file.

  * the configurations ExaBGP ships (Debian's examples) and the
    conformance kit's (etc/): `evbgpd --check` must agree with
    `exabgp --validate` on each, except the files listed in MAIN_SYNTAX
    (ExaBGP 5/main syntax that 4.2 refuses; evbgpd reads main's grammar
    too). No file that 4.2 accepts is refused by evbgpd.

Usage: exabgp42.py BUILD_DIR. Exit 77 (skipped) when ExaBGP 4.2 is not
installed (scripts/setup.sh installs it).
"""
import os
import subprocess
import sys
import tempfile

EXABGP = "/usr/sbin/exabgp"
PY42 = "/usr/bin/python3"  # the interpreter Debian's exabgp module is for

TOKENISE = r"""
import json, sys
from exabgp.configuration.core.tokeniser import Tokeniser
class E:
    def set(self, m):
        return False
t = Tokeniser(None, E(), None)
out = None
try:
    if t.set_file(sys.argv[1]):
        while True:
            line = t()
            if not line:
                break
            if line[0] == 'run' and out is None:
                out = line[1:-1]
except Exception as exc:
    out = 'error: %s' % exc
print(json.dumps(out))
"""

# run lines: each is one process block's run statement (the program is
# ./x, an executable beside the file)
RUN_LINES = [
    r'run ./x --pattern ^rt:65520:(\d+)$;',
    r'run ./x a,b [c] "d e" ' + "'f;g';",
    r'run ./x "a#b" x"y z"w;',
    r'run ./x a\tb \n "" z;',
    r'run ./x \u0041;',
    r'run ./x   several   blanks	and	tabs;',
    r'run ./x a\\b "c\\d" \e;',
    r'run ./x -c "import sys; print(sys.argv[1:])" (x) {y};',
    "run ./x --json '{\"a\": 1}';",
    r'run ./x a\ b;',
    "run ./x 'single \"double\" inside';",
    "run ./x a \\\n    b;",
    r'run ./x c\;d;',
    r'run ./x a#b;',
    r'run ./x "unterminated;',
    r'run ./x a # a comment then no terminator',
]

NB = ("neighbor 127.0.0.1 {\n router-id 1.2.3.4;\n local-address 127.0.0.1;\n"
      " local-as 65001;\n peer-as 65002;\n")

# named blocks: (what, body inside the neighbor, or whole file)
NAMED = [
    ("family NAME", NB + " family fams {\n  ipv4 unicast;\n }\n}\n"),
    ("capability NAME", NB + " capability caps {\n  route-refresh;\n }\n}\n"),
    ("static NAME", NB + " static routes {\n  route 10.0.0.0/24 next-hop "
     "1.2.3.4;\n }\n}\n"),
    ("add-path NAME", NB + " add-path ap {\n  ipv4 unicast;\n }\n"
     " capability { add-path send; }\n}\n"),
    ("nexthop NAME", NB + " nexthop nh {\n  ipv4 unicast ipv6;\n }\n"
     " capability { nexthop; }\n}\n"),
    ("announce NAME / ipv4 NAME", NB + " announce a {\n  ipv4 v4 {\n"
     "   unicast 10.1.0.0/24 next-hop 1.2.3.4;\n  }\n }\n}\n"),
    ("flow NAME / match NAME / then NAME", NB + " family { ipv4 flow; }\n"
     " flow flows {\n  route r1 {\n   match m {\n    destination "
     "10.0.0.0/24;\n   }\n   then t {\n    discard;\n   }\n  }\n }\n}\n"),
    ("l2vpn NAME", NB + " family { l2vpn vpls; }\n l2vpn l {\n  vpls site5 {"
     " endpoint 5; base 10702; offset 1; size 8; rd 192.168.201.1:123;"
     " next-hop 192.168.201.1; }\n }\n}\n"),
    ("api NAME / receive NAME", "process p {\n run ./x;\n encoder json;\n}\n"
     + NB + " api speaking {\n  processes [ p ];\n  receive rx {\n"
     "   parsed;\n   update;\n  }\n }\n}\n"),
    ("template NAME", "template t {\n neighbor base {\n  local-as 65001;\n"
     " }\n}\nneighbor 127.0.0.1 {\n inherit base;\n router-id 1.2.3.4;\n"
     " local-address 127.0.0.1;\n peer-as 65002;\n}\n"),
    ("several words", NB + " family one two three {\n  ipv4 unicast;\n"
     " }\n}\n"),
    # refused by both: the name is no licence for an unknown keyword
    ("unknown keyword", NB + " family f {\n  ipv4 bogus;\n }\n}\n"),
]


EXAMPLES = "/usr/share/doc/exabgp/examples"
KIT_ETC = os.environ.get("EXAQA_KIT", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
    "shared", "exabgp-qa")) + "/etc"

# file -> why 4.2 refuses what evbgpd accepts (or may accept): main syntax
MAIN_SYNTAX = {
    "api-announce-processes-match.conf": "processes-match (main)",
    "conf-cap-link-local-nexthop.conf": "capability link-local-nexthop (main)",
    "conf-cap-software-version.conf": "capability software-version (main)",
    "conf-llnh-lla-only.conf": "capability link-local-nexthop (main)",
    "conf-llnh-update.conf": "local-link-local (main)",
}
# main's families, another branch's work (issue 10): evbgpd's verdict may
# be either while they land; 4.2 must refuse them
MAIN_FAMILIES = {
    "conf-sr-policy.conf", "conf-srv6-mup.conf", "api-ipv4.conf",
    "api-ipv6.conf", "api-mvpn.conf", "conf-mvpn.conf",
}


def exabgp_accepts(path):
    env = dict(os.environ)
    env["exabgp.log.destination"] = "stdout"
    r = subprocess.run([EXABGP, "--validate", path], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60, cwd=os.path.dirname(path))
    return r.returncode == 0


def exabgp_run_words(path):
    r = subprocess.run([PY42, "-c", TOKENISE, path], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise SystemExit("tokeniser failed: %s" % r.stderr)
    import json
    return json.loads(r.stdout)


def evbgpd(build, *args):
    return subprocess.run([os.path.join(build, "evbgpd"), *args],
                          capture_output=True, text=True, timeout=60)


def unquote_words(text):
    """The words of a line evbgpd --print wrote (lexer.c lex_quote)."""
    words, i = [], 0
    esc = {"n": "\n", "t": "\t", "r": "\r"}
    while i < len(text):
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == '"':
            w, i = "", i + 1
            while text[i] != '"':
                if text[i] == "\\":
                    i += 1
                    w += esc.get(text[i], text[i])
                else:
                    w += text[i]
                i += 1
            words.append(w)
            i += 1
            continue
        j = i
        while j < len(text) and text[j] not in " \t":
            j += 1
        words.append(text[i:j])
        i = j
    return words


def our_run_words(build, path):
    r = evbgpd(build, "--print", path)
    if r.returncode != 0:
        return None, r.stderr.strip()
    for line in r.stdout.splitlines():
        s = line.strip()
        if s.startswith("run ") and s.endswith(";"):
            return unquote_words(s[4:-1]), ""
    return None, "no run line printed"


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    build = sys.argv[1]
    if not os.access(EXABGP, os.X_OK) or subprocess.run(
            [PY42, "-c", "import exabgp"], capture_output=True).returncode:
        print("SKIP: ExaBGP 4.2 (Debian's exabgp) is not installed")
        return 77
    failures = 0
    with tempfile.TemporaryDirectory(prefix="evbgp-compat42-") as tmp:
        prog = os.path.join(tmp, "x")
        with open(prog, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(prog, 0o755)
        path = os.path.join(tmp, "test.conf")

        for line in RUN_LINES:
            with open(path, "w") as f:
                f.write("process p {\n\t%s\n\tencoder text;\n}\n" % line)
            theirs_ok = exabgp_accepts(path)
            ours_ok = evbgpd(build, "--check", path).returncode == 0
            theirs = exabgp_run_words(path)
            ours, why = our_run_words(build, path)
            shown = line.replace("\n", "\\n")
            if theirs_ok != ours_ok:
                print("FAIL run %s: ExaBGP 4.2 %s it, evbgpd %s it (%s)"
                      % (shown, "accepts" if theirs_ok else "refuses",
                         "accepts" if ours_ok else "refuses", why))
                failures += 1
            elif theirs_ok and ours != theirs:
                print("FAIL run %s: ExaBGP 4.2 argv %r, evbgpd %r"
                      % (shown, theirs, ours))
                failures += 1
            else:
                print("ok   run %s -> %s" % (shown, ours if ours_ok else
                                             "refused by both"))

        for what, text in NAMED:
            with open(path, "w") as f:
                f.write(text)
            theirs_ok = exabgp_accepts(path)
            r = evbgpd(build, "--check", path)
            ours_ok = r.returncode == 0
            if theirs_ok != ours_ok:
                print("FAIL %s: ExaBGP 4.2 %s it, evbgpd %s it: %s"
                      % (what, "accepts" if theirs_ok else "refuses",
                         "accepts" if ours_ok else "refuses",
                         (r.stderr or r.stdout).strip()))
                failures += 1
            else:
                print("ok   %s: %s by both" % (what, "accepted" if ours_ok
                                               else "refused"))
        # ExaBGP's own examples and the kit's configurations
        walked = 0
        for d in (EXAMPLES, KIT_ETC):
            if not os.path.isdir(d):
                print("SKIP %s: not found" % d)
                continue
            for name in sorted(os.listdir(d)):
                if not name.endswith(".conf"):
                    continue
                f = os.path.join(d, name)
                walked += 1
                theirs_ok = exabgp_accepts(f)
                ours_ok = evbgpd(build, "--check", f).returncode == 0
                where = "%s/%s" % (os.path.basename(d), name)
                if d == KIT_ETC and name in MAIN_FAMILIES:
                    ok = not theirs_ok
                    why = "main family, 4.2 refuses"
                elif d == KIT_ETC and name in MAIN_SYNTAX:
                    ok = not theirs_ok and ours_ok
                    why = "4.2 refuses %s" % MAIN_SYNTAX[name]
                else:
                    ok = theirs_ok == ours_ok
                    why = "accepted by both" if ours_ok else \
                        "refused by both"
                if ok:
                    print("ok   %s: %s" % (where, why))
                else:
                    print("FAIL %s: ExaBGP 4.2 %s it, evbgpd %s it" % (
                        where, "accepts" if theirs_ok else "refuses",
                        "accepts" if ours_ok else "refuses"))
                    failures += 1

        # the deliberate difference: no encoder (4.2 refuses the file;
        # evbgpd, as ExaBGP main, uses text and --check warns)
        with open(path, "w") as f:
            f.write("process p {\n\trun ./x;\n}\n")
        theirs_ok = exabgp_accepts(path)
        r = evbgpd(build, "--check", path)
        if theirs_ok or r.returncode != 0 or \
                "has no 'encoder'" not in r.stderr:
            print("FAIL no encoder: ExaBGP 4.2 %s, evbgpd rc %d: %s"
                  % ("accepts" if theirs_ok else "refuses", r.returncode,
                     r.stderr.strip()))
            failures += 1
        else:
            print("ok   no encoder: refused by 4.2, accepted by evbgpd "
                  "with a warning (deliberate, docs/evbgpd.conf.md)")
    total = len(RUN_LINES) + len(NAMED) + 1 + walked
    print("exabgp42: %d checks, %d failed" % (total, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
