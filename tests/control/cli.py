#!/usr/bin/env python3
"""evbgpctl end to end, against a real evbgpd (two passive neighbors on
loopback, no BGP peer, the socket in a temporary directory) and against a
scripted fake daemon for the answers evbgpd does not give yet:

  shell   the interactive shell in a pseudo-terminal: TAB completion of
          command words and of neighbor addresses (asked of evbgpd),
          history (arrow keys, kept across sessions in the history file),
          errors printed, quit;
  batch   commands from a file: each failure names its line number and
          the command, a summary counts done / errors / not answered,
          exit status 1 when anything failed, 0 otherwise;
  reason  an 'error: REASON' line before 'error' is printed with the
          command (and the next answer is still read in step); a refusal
          ('error: REASON' then close) too;
  json    --json gives one JSON document for every command that shows
          something (show neighbor in each form, show adj-rib, status,
          version, help, ping), and leaves other commands alone;
  grammar --help's COMMANDS are the daemon's 'help' answer, and every
          'evbgpctl ...' example of --help and docs/evbgpctl.md parses in
          evbgpd (its log has no 'refused' line for them).

Usage: tests/control/cli.py BUILD_DIR [TEST...]
Prints "ok: ..." / "FAIL: ..." lines, then "N passed, M failed"; exit 0
only if all passed. Every wait is bounded; every process started is
stopped by its PID.
"""
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(REPO, "build"))
ONLY = set(sys.argv[2:])
EVBGPD = os.path.join(BUILD, "evbgpd")
CTL = os.path.join(BUILD, "evbgpctl")

passed = 0
failed = 0


def check(what, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what + (("\n    " + detail.replace("\n", "\n    "))
                                 if detail else ""))
    sys.stdout.flush()


CONF = """
neighbor 127.0.0.71 {
	router-id 10.0.0.1;
	local-address 127.0.0.1;
	local-as 65001;
	peer-as 65002;
	passive;
}
neighbor 127.0.0.72 {
	router-id 10.0.0.1;
	local-address 127.0.0.1;
	local-as 65001;
	peer-as 65003;
	passive;
}
"""


class Daemon:
    def __init__(self, tmp):
        self.sock = os.path.join(tmp, "run", "evbgpd.sock")
        self.log = os.path.join(tmp, "evbgpd.log")
        conf = os.path.join(tmp, "evbgpd.conf")
        with open(conf, "w") as f:
            f.write(CONF)
        self.out = open(os.path.join(tmp, "evbgpd.out"), "w")
        self.p = subprocess.Popen(
            [EVBGPD, "--env", "/dev/null", "--control", self.sock,
             "--log-dest", "file:" + self.log, "--log-level", "debug", conf],
            stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60    # generous: a busy machine
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                break
            r = ctl(self, "version")
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("evbgpd does not answer on " + self.sock)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.out.close()

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()


def ctl(d, *args, stdin=None, env=None):
    return subprocess.run([CTL, "--socket", d.sock, "--timeout", "30"] +
                          list(args), input=stdin, capture_output=True,
                          text=True, timeout=60, env=env)


# ---------------------------------------------------------------- shell

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r|\x07")


class Pty:
    """A program on a pseudo-terminal, read with bounded waits."""

    def __init__(self, argv, env):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 40, 200, 0, 0))
        self.p = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                  stderr=slave, env=env,
                                  start_new_session=True)
        os.close(slave)
        self.seen = b""		# everything, escapes removed
        self.pos = 0		# expect() searches from here

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.seen += ANSI.sub(b"", data)
        return True

    def expect(self, pattern, timeout=30):
        """Wait for pattern after the last match; the match or None."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str)
                        else pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.seen, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self._read(min(left, 0.2))

    def send(self, s):
        os.write(self.master, s.encode())

    def tail(self):
        return self.seen[-600:].decode(errors="replace")

    def wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while self.p.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
            return None
        return self.p.returncode

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        os.close(self.master)


PROMPT = r"evbgpctl> "


def test_shell(d, tmp):
    env = dict(os.environ, TERM="xterm", HOME=tmp,
               EVBGPCTL_HISTORY=os.path.join(tmp, "history"))
    env.pop("EVBGPCTL_SOCKET", None)
    t = Pty([CTL, "--socket", d.sock], env)
    try:
        check("shell: banner and prompt",
              t.expect(r"'quit' or \^D leaves") and t.expect(PROMPT),
              t.tail())
        t.send("vers\t")
        check("shell: TAB completes a command word ('vers' -> 'version ')",
              t.expect(r"version "), t.tail())
        t.send("\r")
        check("shell: the command runs, its answer is printed",
              t.expect(r"exabgp 4\.2\.21 \(evbgpd ") and t.expect(PROMPT),
              t.tail())

        t.send("show adj-rib \t\t")
        check("shell: TAB TAB lists what may follow ('in', 'out')",
              t.expect(r"in\s+out"), t.tail())
        t.send("\x15")		# ^U: kill the line
        t.send("show neighbor extensive 12\t")
        check("shell: an address prefix completes from evbgpd's neighbors "
              "('12' -> '127.0.0.7')",
              t.expect(r"extensive 127\.0\.0\.7"), t.tail())
        t.send("\t")
        check("shell: ... TAB again lists them",
              t.expect(r"127\.0\.0\.71\s+127\.0\.0\.72"), t.tail())
        t.send("2\tjson\r")
        check("shell: a unique address completes with a space "
              "('show neighbor extensive 127.0.0.72 json' runs)",
              t.expect(r'\[\{"peer-address":"127\.0\.0\.72"') and
              t.expect(PROMPT), t.tail())
        t.send("show neighbor summary 127.0.0.72\r")
        check("shell: show neighbor summary 127.0.0.72 runs",
              t.expect(r"127\.0\.0\.72 +65003 ") and t.expect(PROMPT),
              t.tail())

        t.send("\x1b[A\r")	# up arrow: the same command again
        check("shell: history recalls the last command (up arrow)",
              t.expect(r"127\.0\.0\.72 +65003 ") and t.expect(PROMPT),
              t.tail())

        t.send("neighbor \t\t")
        check("shell: after 'neighbor' the addresses and '*' are offered",
              t.expect(r"\*\s+127\.0\.0\.71\s+127\.0\.0\.72"), t.tail())
        t.send("\x15")
        t.send("neighbor 127.0.0.99 withdraw route 10.1.0.0/24\r")
        check("shell: a failed command says so and the shell goes on",
              t.expect(r"evbgpd (answered error|says: )") and
              t.expect(PROMPT), t.tail())
        t.send("frobnicate\r")
        check("shell: an unknown command is an error too",
              t.expect(r"evbgpd (answered error|says: )") and
              t.expect(PROMPT), t.tail())
        t.send("quit\r")
        rc = t.wait()
        check("shell: quit leaves with status 0", rc == 0, "rc %s" % rc)
    finally:
        t.close()
    hist = ""
    try:
        with open(os.path.join(tmp, "history"), errors="replace") as f:
            hist = f.read()
        mode = os.stat(os.path.join(tmp, "history")).st_mode & 0o777
    except OSError:
        mode = None
    check("shell: history saved (mode 0600) with the commands",
          "frobnicate" in hist and "127.0.0.72" in hist and "quit" not in
          hist and mode == 0o600, "mode %s\n%s" % (mode, hist))

    t = Pty([CTL, "--socket", d.sock], env)
    try:
        t.expect(PROMPT)
        t.send("\x1b[A")
        check("shell: history kept across sessions (up arrow: frobnicate)",
              t.expect(r"frobnicate"), t.tail())
        t.send("\x15\x04")	# ^U, then ^D on the empty line
        rc = t.wait()
        check("shell: ^D leaves with status 0", rc == 0, "rc %s" % rc)
    finally:
        t.close()

    # the daemon gone: the shell says so and stays
    t = Pty([CTL, "--socket", os.path.join(tmp, "nothing.sock")], env)
    try:
        check("shell: no daemon: said at start, the prompt still comes",
              t.expect(r"evbgpd is not running") and t.expect(PROMPT),
              t.tail())
        t.send("version\r")
        check("shell: no daemon: a command says so",
              t.expect(r"evbgpd is not running") and t.expect(PROMPT),
              t.tail())
        t.send("exit\r")
        check("shell: exit leaves", t.wait() == 0)
    finally:
        t.close()


# ---------------------------------------------------------------- batch

def test_batch(d, tmp):
    text = ("version\n"
            "# a comment is skipped\n"
            "\n"
            "frobnicate the router\n"
            "announce route 10.9.0.0/24 next-hop 192.0.2.1\n"
            "neighbor 127.0.0.99 withdraw route 10.9.0.0/24\n"
            "status\n")
    r = ctl(d, stdin=text)
    err = r.stderr.splitlines()
    check("batch: exit status 1 when a command failed", r.returncode == 1,
          r.stderr)
    check("batch: the failure names line 4 and its command",
          any(re.match(r"evbgpctl: line 4: frobnicate the router: evbgpd "
                       r"(answered error|says: )", l) for l in err), r.stderr)
    check("batch: ... and line 6",
          any(l.startswith("evbgpctl: line 6: neighbor 127.0.0.99 withdraw "
                           "route 10.9.0.0/24: ") for l in err), r.stderr)
    check("batch: the summary counts them (5 commands: 3 done, 2 errors)",
          err[-1:] == ["evbgpctl: 5 commands: 3 done, 2 errors"], r.stderr)
    check("batch: the answers go to standard output",
          r.stdout.startswith("exabgp 4.2.21") and "neighbors 2 " in
          r.stdout, r.stdout)

    r = ctl(d, stdin="version\nshow neighbor summary\n")
    check("batch: all done: exit 0, summary '2 commands: 2 done, 0 errors'",
          r.returncode == 0 and r.stderr ==
          "evbgpctl: 2 commands: 2 done, 0 errors\n", r.stderr)

    long_cmd = "announce route 10.8.0.0/24 next-hop 192.0.2.1 " + \
        "community [ " + " ".join("65000:%d" % i for i in range(60)) + \
        " ] colour blue"
    r = ctl(d, stdin=long_cmd + "\n")
    line = r.stderr.splitlines()[0] if r.stderr else ""
    check("batch: a long command is shortened in the message",
          line.startswith("evbgpctl: line 1: announce route 10.8.0.0/24")
          and "...: evbgpd" in line
          and len(line.split("...: evbgpd")[0]) < 160, r.stderr)
    check("batch: the daemon's reason follows the command",
          "evbgpd says: announce route: unknown route keyword 'colour'"
          in line, r.stderr)

    r = ctl(d, "frobnicate")
    check("one command: an error says so on stderr, exit 1",
          r.returncode == 1 and re.match(
              r"evbgpctl: evbgpd (answered error|says: )", r.stderr),
          r.stderr)


# ---------------------------------------------------------------- reason

class FakeDaemon:
    """Answers like a future evbgpd that gives reasons: 'version' done,
    'fail' an 'error: REASON' then 'error', 'refuse' one 'error: REASON'
    then close."""

    def __init__(self, path):
        self.path = path
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(4)
        self.srv.settimeout(0.2)
        self.stop = False
        self.th = threading.Thread(target=self.run, daemon=True)
        self.th.start()

    def run(self):
        while not self.stop:
            try:
                c, _ = self.srv.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            c.settimeout(10)
            f = c.makefile("rwb")
            try:
                for raw in f:
                    cmd = raw.decode().strip()
                    if cmd == "version":
                        f.write(b"fake 1\ndone\n")
                    elif cmd.startswith("fail"):
                        f.write(b"error: no neighbor matches 192.0.2.9\n"
                                b"error: and a second reason\nerror\n")
                    elif cmd == "refuse":
                        f.write(b"error: too many clients\n")
                        f.flush()
                        break
                    else:
                        f.write(b"error\n")
                    f.flush()
            except OSError:
                pass
            finally:
                f.close()
                c.close()

    def close(self):
        self.stop = True
        self.srv.close()
        self.th.join(5)


def test_reason(tmp):
    fd = FakeDaemon(os.path.join(tmp, "fake.sock"))
    try:
        class D:
            sock = fd.path
        r = ctl(D, stdin="version\nfail now\nversion\nbogus\n")
        err = r.stderr.splitlines()
        check("reason: printed with the line and the command",
              "evbgpctl: line 2: fail now: evbgpd says: no neighbor matches "
              "192.0.2.9; and a second reason" in err, r.stderr)
        check("reason: the next answer is still read in step",
              r.stdout == "fake 1\nfake 1\n", r.stdout)
        check("reason: a bare error still says so",
              "evbgpctl: line 4: bogus: evbgpd answered error (no reason "
              "given: see its log)" in err, r.stderr)
        check("reason: summary and exit status",
              err[-1:] == ["evbgpctl: 4 commands: 2 done, 2 errors"] and
              r.returncode == 1, r.stderr)
        r = ctl(D, "fail")
        check("reason: one command: 'evbgpctl: evbgpd says: REASON', exit 1",
              r.returncode == 1 and r.stderr.startswith(
                  "evbgpctl: evbgpd says: no neighbor matches 192.0.2.9"),
              r.stderr)
        r = ctl(D, stdin="version\nrefuse\nversion\nversion\n")
        err = r.stderr.splitlines()
        check("reason: a refusal then close: reason printed, the rest not "
              "answered",
              "evbgpctl: line 2: refuse: evbgpd says: too many clients" in
              err and err[-1:] == ["evbgpctl: 4 commands: 1 done, 1 error, "
                                   "2 not answered"] and r.returncode == 1,
              r.stderr)
    finally:
        fd.close()


# ---------------------------------------------------------------- json

def test_json(d, tmp):
    r = ctl(d, "announce", "route", "10.7.0.0/24", "next-hop", "192.0.2.1")
    check("json: setup route announced", r.returncode == 0, r.stderr)
    forms = [
        ("show neighbor", list), ("show neighbor summary", list),
        ("show neighbor extensive 127.0.0.71", list),
        ("show neighbor configuration", list),
        ("show adj-rib out", list), ("show adj-rib out extensive", list),
        ("show adj-rib in", list), ("status", dict), ("version", dict),
        ("help", list), ("ping", dict),
        ("neighbor 127.0.0.72 show adj-rib out", list),
    ]
    for cmd, kind in forms:
        r = ctl(d, "--json", *cmd.split())
        lines = r.stdout.splitlines()
        try:
            v = json.loads(r.stdout) if len(lines) == 1 else None
        except ValueError:
            v = None
        check("json: --json %s: one %s" % (cmd, kind.__name__),
              r.returncode == 0 and isinstance(v, kind),
              r.stdout[:300] + r.stderr)
    r = ctl(d, "--json", "show", "neighbor", "configuration", "127.0.0.71")
    v = json.loads(r.stdout) if r.returncode == 0 else []
    check("json: show neighbor configuration has the configuration text",
          len(v) == 1 and v[0]["peer-address"] == "127.0.0.71" and
          "neighbor 127.0.0.71 {" in v[0]["configuration"], r.stdout)
    r = ctl(d, "--json", "withdraw", "route", "10.7.0.0/24")
    check("json: --json leaves commands without a JSON form alone",
          r.returncode == 0 and r.stdout == "", r.stdout + r.stderr)
    r = ctl(d, "--json", "show", "adj-rib", "out", "json")
    check("json: an explicit json is not doubled",
          r.returncode == 0 and isinstance(json.loads(r.stdout), list),
          r.stdout + r.stderr)


# ---------------------------------------------------------------- grammar

def examples(text):
    """'evbgpctl ...' command lines (no pipes or redirections), without
    evbgpctl's options."""
    out = []
    for line in text.splitlines():
        if not line.startswith("    "):
            continue		# --help's examples, the docs' code
        line = line.strip()
        if not line.startswith("evbgpctl ") or "<" in line or "|" in line:
            continue
        words = line.split()[1:]
        while words and words[0].startswith("-"):
            opt = words.pop(0)
            if opt in ("--socket", "-s", "--timeout", "-t") and words:
                words.pop(0)
        if words and words[0] not in ("shutdown", "reload", "restart") \
                and not words[0].startswith("[") \
                and not words[0][0].isdigit():	# the shell's banner
            out.append(" ".join(words))
    return out


def test_grammar(d, tmp):
    h = subprocess.run([CTL, "--help"], capture_output=True, text=True,
                       timeout=10).stdout
    m = re.search(r"\nCOMMANDS[^\n]*\n(?:[^\n]*\n)?((?:    [^\n]*\n)+)", h)
    forms = [l[4:] for l in m.group(1).splitlines()] if m else []
    forms = [f for f in forms if not f.startswith("disable-ack and")]
    r = ctl(d, "help")
    check("grammar: --help's COMMANDS are the daemon's help answer",
          forms and forms == r.stdout.splitlines(),
          "\n".join(forms) + "\n---\n" + r.stdout)
    check("grammar: teardown is 'teardown [SUBCODE [TEXT...]]' after a selector",
          "teardown [SUBCODE [TEXT...]]" in forms and "teardown IP" not in h, h)
    with open(os.path.join(REPO, "docs", "evbgpctl.md")) as f:
        doc = f.read()
    code = re.findall(r"^```[a-z]*\n(.*?)^```", doc, re.S | re.M)
    cmds = examples(h[h.index("\nEXAMPLES"):]) + examples(
        "".join("    " + l + "\n" for c in code for l in c.splitlines()))
    before = len(d.log_text())
    for c in cmds:
        ctl(d, *c.split())
    refused = [l for l in d.log_text()[before:].splitlines()
               if "refused:" in l]
    check("grammar: every example of --help and evbgpctl.md parses "
          "(%d commands)" % len(cmds), len(cmds) >= 8 and not refused,
          "\n".join(refused))


def main():
    for b in (EVBGPD, CTL):
        if not os.access(b, os.X_OK):
            print("cli: %s not built" % b)
            return 2
    tmp = tempfile.mkdtemp(prefix="evbgp-cli.")
    d = None
    try:
        d = Daemon(tmp)
        tests = [("shell", lambda: test_shell(d, tmp)),
                 ("batch", lambda: test_batch(d, tmp)),
                 ("reason", lambda: test_reason(tmp)),
                 ("json", lambda: test_json(d, tmp)),
                 ("grammar", lambda: test_grammar(d, tmp))]
        for name, fn in tests:
            if ONLY and name not in ONLY:
                continue
            fn()
    finally:
        if d is not None:
            d.stop()
        if failed and d is not None:
            print("evbgpd log (tail):")
            print("".join(d.log_text().splitlines(True)[-40:]))
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
