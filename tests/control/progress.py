#!/usr/bin/env python3
"""Progress on a big injection (issue 11 point 6), end to end.

evbgpd with one neighbor, evbgp-sink, whose session is down at first:
100,000 routes piped into `evbgpctl --progress` queue up in the
Adj-RIB-Out (progress lines say so, and that nothing moves while the
session is down); then the sink starts, the session comes up, and
`show neighbor` (text and JSON) shows the backlog draining to 0 while
the routes sent and acknowledged by the peer's TCP reach 100,000; a
second injection with the session up shows evbgpctl's lines reaching
"acknowledged" for all of them before it exits.

Every process is stopped by its PID; every wait is bounded.
Usage: tests/control/progress.py [BUILD_DIR]
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics  # noqa: E402  (the daemons, check, wait_for)
from metrics import check, wait_for  # noqa: E402

N = 100000
LINE = re.compile(r"evbgpctl: progress: (\d+) commands? \((\d+) done, "
                  r"(\d+) errors?\); Adj-RIB-Out of 1 neighbor "
                  r"\((\d) established\): (\d+) queued, (\d+) sent, "
                  r"(\d+) acknowledged$")


def routes(first, n, med=False):
    """n announcements; med: each its own MED (one route per UPDATE)."""
    return "".join("announce route %d.%d.%d.0/24 next-hop 192.0.2.1%s\n" %
                   (20 + ((first + i) >> 16), ((first + i) >> 8) & 255,
                    (first + i) & 255, " med %d" % i if med else "")
                   for i in range(n))


def inject(d, text, timeout_s):
    return subprocess.run([metrics.CTL, "--socket", d.sock, "--timeout",
                           str(timeout_s), "--progress"], input=text,
                          capture_output=True, text=True, timeout=300)


def neighbor(d):
    r = d.ctl("show", "neighbor", "json")
    return json.loads(r.stdout.splitlines()[0])[0] if r.returncode == 0 \
        else {}


def progress_lines(stderr):
    return [tuple(int(x) for x in m.groups()) for m in
            (LINE.match(l) for l in stderr.splitlines()) if m]


def run(d):
    # the session is down: the routes queue up (evbgpctl stops following
    # the backlog once it has not moved for 3 s, whatever --timeout)
    r = inject(d, routes(0, N), 30)
    lines = progress_lines(r.stderr)
    check("evbgpctl exits 0 and counts %d done" % N, r.returncode == 0 and
          r.stderr.rstrip().endswith("%d commands: %d done, 0 errors" %
                                     (N, N)), r.stderr[-500:])
    check("progress lines come while the file is sent (%d)" % len(lines),
          len(lines) >= 2, r.stderr[-1500:])
    if lines:
        done = [l[1] for l in lines]
        check("the done count only grows", done == sorted(done), done)
        last = lines[-1]
        check("the last line: %d queued, 0 sent, the session down" % N,
              last[1] == N and last[4] == N and last[5] == 0 and
              last[3] == 0, last)
    check("evbgpctl says the backlog is not moving, and why",
          "the backlog is not moving: %d routes queued in the Adj-RIB-Out, "
          "0 sent but not acknowledged (0 of 1 neighbors established)" % N
          in r.stderr, r.stderr[-500:])
    n = neighbor(d)
    check("show neighbor json: %d queued, 0 sent" % N,
          n.get("adj-rib-out", {}).get("queued") == N and
          n["adj-rib-out"]["sent"] == 0, n.get("adj-rib-out"))

    # the session comes up: the backlog drains, seen by show neighbor
    d.start_sink()
    seen = []

    def drained():
        n = neighbor(d)
        ro = n.get("adj-rib-out", {})
        seen.append((n.get("state"), ro.get("queued"), ro.get("sent"),
                     ro.get("acknowledged")))
        return ro.get("queued") == 0 and ro.get("acknowledged") == N
    check("the backlog drains once the session is up",
          wait_for(drained, 90, 0.02), seen[-3:])
    queued = [s[1] for s in seen if s[0] == "established"]
    check("show neighbor saw it drain (queued only goes down: %s)" %
          queued[:8], queued == sorted(queued, reverse=True), queued)
    r = d.ctl("show", "neighbor", "extensive")
    check("show neighbor extensive: 0 queued, %d sent and acknowledged" % N,
          "   queued routes        0\n" in r.stdout and
          "   sent routes          %d\n" % N in r.stdout and
          "   acknowledged routes  %d\n" % N in r.stdout, r.stdout)

    # the peer stops reading: the backlog stays, part sent, part not yet
    # acknowledged, and evbgpctl and show neighbor say so
    base = neighbor(d)["adj-rib-out"]
    d.sink.send_signal(signal.SIGSTOP)
    try:
        r = inject(d, routes(N, N, med=True), 30)
        lines = progress_lines(r.stderr)
        check("stalled peer: evbgpctl exits 0", r.returncode == 0,
              r.stderr[-500:])
        mid = neighbor(d)
        ro = mid.get("adj-rib-out", {})
        sent = ro.get("sent", 0) - base["sent"]
        acked = ro.get("acknowledged", 0) - base["acknowledged"]
        # where the backlog waits depends on how fast the packer ran:
        # the Adj-RIB-Out queue, evbgpd's buffer, the socket; what is
        # sure is that not all of it is acknowledged
        check("stalled peer: show neighbor json has a backlog (%s queued, "
              "%d sent, %d acknowledged, %s bytes buffered, %s in the "
              "socket)" % (ro.get("queued"), sent, acked,
                           ro.get("buffered-bytes"), ro.get("unacked-bytes")),
              ro.get("queued", 0) + sent == N and acked < sent and
              ro.get("unacked-bytes", 0) > 0, ro)
        check("stalled peer: evbgpctl's last line agrees",
              lines and lines[-1][4] == ro.get("queued") and
              lines[-1][5] == sent and lines[-1][6] < lines[-1][5],
              lines[-2:])
        check("stalled peer: evbgpctl says the backlog is not moving",
              "the backlog is not moving: %d routes queued in the "
              "Adj-RIB-Out, %d sent but not acknowledged (1 of 1 neighbors "
              "established)" % (ro.get("queued", 0), lines[-1][5] -
                                lines[-1][6] if lines else -1) in r.stderr,
              r.stderr[-300:])
    finally:
        d.sink.send_signal(signal.SIGCONT)
    seen = []

    def drained2():
        ro = neighbor(d).get("adj-rib-out", {})
        seen.append(ro.get("queued"))
        return ro.get("queued") == 0 and \
            ro.get("acknowledged") == ro.get("sent") == base["sent"] + N
    check("the peer reads again: the backlog drains to 0, all %d "
          "acknowledged" % N, wait_for(drained2, 90, 0.02), seen[-3:])
    check("show neighbor saw it drain (%d samples, queued only goes down)"
          % len(seen), seen == sorted(seen, reverse=True), seen[:10])
    n = neighbor(d)
    check("the session never dropped", n.get("flaps") == 0 and
          n.get("state") == "established", n)


def main():
    # a long hold time: the peer is stopped (SIGSTOP) for seconds
    metrics.run_test("progress", metrics.Daemons(sink=False, hold=60), run)


if __name__ == "__main__":
    metrics.BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
    metrics.EVBGPD = os.path.join(metrics.BUILD, "evbgpd")
    metrics.CTL = os.path.join(metrics.BUILD, "evbgpctl")
    metrics.SINK = os.path.join(metrics.BUILD, "evbgp-sink")
    main()
