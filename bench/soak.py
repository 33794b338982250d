#!/usr/bin/env python3
"""The soak driver (run by bench/soak.sh inside the peers' namespace; see
there for the picture). Starts BIRD and evbgpd, churns for --duration
seconds, samples, and prints a table and a verdict."""
import argparse
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

BIRD_ADDR = "10.0.0.4"
DUT = "10.0.0.1"
SPEAKERS = (("10.0.0.2", 65002), ("10.0.0.3", 65003))

ANNOUNCER = r'''#!/usr/bin/env python3
# soak helper: announce N routes to BIRD's session, hold, withdraw, again
import sys, time
n, hold = int(sys.argv[1]), float(sys.argv[2])
out = sys.stdout
while True:
    for verb in ("announce", "withdraw"):
        for i in range(n):
            out.write("neighbor %s %s route 10.%d.%d.%d/32 next-hop self "
                      "med %d\n" % (sys.argv[3], verb, 64 + (i >> 16),
                                    (i >> 8) & 255, i & 255, i % 1000))
        out.flush()
        time.sleep(hold)
'''

COLLECTOR = r'''#!/usr/bin/env python3
# soak helper: count the events, parse one in 100, save stats every 2 s
import json, sys, time
stats = {"lines": 0, "bad": 0, "types": {}}
last = 0.0
for raw in sys.stdin.buffer:
    stats["lines"] += 1
    if stats["lines"] % 100 == 1 or b'"type": "update"' not in raw[:200]:
        try:
            t = json.loads(raw).get("type", "?")
            stats["types"][t] = stats["types"].get(t, 0) + 1
        except ValueError:
            stats["bad"] += 1
    now = time.monotonic()
    if now - last > 2:
        last = now
        with open(sys.argv[1] + ".tmp", "w") as f:
            json.dump(stats, f)
        import os
        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
'''


def log(msg):
    print("soak: %s" % msg, flush=True)


class Soak:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        self.stop = threading.Event()
        self.flaps = [0] * len(SPEAKERS)
        self.speaker_errors = []
        self.samples = []
        self.reloads = 0
        self.kills = 0

    # ---- set-up ----
    def write_files(self):
        w = self.work
        for name, text in (("announcer", ANNOUNCER),
                           ("collector", COLLECTOR)):
            p = os.path.join(w, name + ".py")
            with open(p, "w") as f:
                f.write(text)
            os.chmod(p, 0o755)
        with open(os.path.join(w, "bird.conf"), "w") as f:
            f.write("""router id %(b)s;
log "%(w)s/bird.log" all;
protocol device { scan time 600; }
protocol bgp dut {
  local %(b)s port 179 as 65004;
  neighbor %(d)s as 65001;
  passive on; strict bind on; hold time 9;
  debug { states, events };
  ipv4 { import all; export none; };
}
""" % {"b": BIRD_ADDR, "d": DUT, "w": w})
        api = ("api { processes [ collector ]; neighbor-changes; "
               "receive { parsed; update; } }")
        conf = ["""process announcer {
	run %(w)s/announcer.py %(n)d %(hold)d %(b)s;
	encoder text;
}
process collector {
	run %(w)s/collector.py %(w)s/collector.json;
	encoder json;
}
neighbor %(b)s {
	router-id %(d)s; local-address %(d)s; local-as 65001; peer-as 65004;
	hold-time 9; family { ipv4 unicast; }
	api { processes [ announcer collector ]; neighbor-changes;
	      receive { parsed; update; } }
}
""" % {"w": w, "n": self.a.routes, "hold": self.a.hold, "b": BIRD_ADDR,
       "d": DUT}]
        for addr, asn in SPEAKERS:
            conf.append("""neighbor %s {
	router-id %s; local-address %s; local-as 65001; peer-as %d;
	hold-time 9; passive; family { ipv4 unicast; }
	%s
	static { route 192.0.2.0/24 next-hop self; }
}
""" % (addr, DUT, DUT, asn, api))
        self.conf = os.path.join(w, "evbgpd.conf")
        with open(self.conf, "w") as f:
            f.write("".join(conf))

    def start(self):
        self.bird = subprocess.Popen(
            ["bird", "-f", "-c", os.path.join(self.work, "bird.conf"),
             "-s", os.path.join(self.work, "bird.ctl"),
             "-P", os.path.join(self.work, "bird.pid")],
            stdout=open(os.path.join(self.work, "bird.out"), "w"),
            stderr=subprocess.STDOUT)
        env = dict(os.environ, exabgp_api_ack="false",
                   exabgp_daemon_user="root")
        if self.a.asan:
            env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:" \
                "log_path=%s/asan" % self.work
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:log_path=%s/ubsan" \
                % self.work
        self.ctl_path = os.path.join(self.work, "ctl.sock")
        self.log_path = os.path.join(self.work, "evbgpd.log")
        self.dut = subprocess.Popen(
            ["ip", "netns", "exec", self.a.netns, self.a.evbgpd,
             "--bind", DUT, "--control", self.ctl_path,
             "--log-level", "info", self.conf],
            stdout=open(self.log_path, "w"), stderr=subprocess.STDOUT,
            env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.dut.poll() is not None:
                raise SystemExit("soak: evbgpd exited at start")
            if self.ctl("status"):
                return
            time.sleep(0.2)
        raise SystemExit("soak: evbgpd does not answer")

    def ctl(self, *words, timeout=30):
        try:
            r = subprocess.run([self.a.evbgpctl, "--socket", self.ctl_path,
                                "--timeout", str(timeout)] + list(words),
                               capture_output=True, text=True,
                               timeout=timeout + 10)
        except subprocess.TimeoutExpired:
            return None
        return r.stdout if r.returncode == 0 else None

    # ---- probes ----
    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.dut.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return -1

    def nfds(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.dut.pid))
        except OSError:
            return -1

    def timer_delay_ms(self):
        out = self.ctl("status") or ""
        m = re.search(r"longest-timer-delay-ms ([0-9.]+)", out)
        return float(m.group(1)) if m else -1.0

    def count_in(self, path, needle):
        try:
            with open(path, errors="replace") as f:
                return sum(1 for l in f if needle in l)
        except OSError:
            return 0

    def bird_ups(self):
        return self.count_in(os.path.join(self.work, "bird.log"),
                             "dut: BGP session established")

    def dut_bird_downs(self):
        return self.count_in(self.log_path, "peer %s: session down" %
                             BIRD_ADDR)

    def bird_routes(self):
        try:
            r = subprocess.run(["birdc", "-s", os.path.join(self.work,
                                                            "bird.ctl"),
                                "show", "route", "count"],
                               capture_output=True, text=True, timeout=20)
            m = re.search(r"(\d+) of \d+ routes", r.stdout)
            return int(m.group(1)) if m else -1
        except (subprocess.TimeoutExpired, OSError):
            return -1

    def collector(self):
        try:
            with open(os.path.join(self.work, "collector.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def children(self, word):
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
                ppid = int(st[st.rindex(")") + 2:].split()[1])
                if ppid != self.dut.pid:
                    continue
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    if word.encode() in f.read():
                        out.append(int(d))
            except (OSError, ValueError):
                pass
        return out

    # ---- churn ----
    def speaker(self, idx, addr, asn):
        sys.path.insert(0, self.a.speaker)
        import bgpspeaker as bgp
        a = bgp.origin() + bgp.as_path((asn,)) + bgp.next_hop(addr)
        n = self.a.speaker_routes
        cycle = 0
        while not self.stop.is_set():
            cycle += 1
            try:
                s = bgp.Speaker(DUT, 179, source=addr, timeout=30)
                s.establish(asn=asn, hold=9, bgp_id=addr)
                base = (idx + 1) << 20
                msgs = b"".join(bgp.update(attrs=a, nlri=[
                    "100.%d.%d.0/24" % ((base + i) >> 8 & 255,
                                        (base + i) & 255)])
                    for i in range(n))
                s.send(msgs)
                end = time.monotonic() + self.a.speaker_hold
                while time.monotonic() < end and not self.stop.is_set():
                    s.send(bgp.keepalive())
                    s.quiet_for(min(3, max(0.1, end - time.monotonic())))
                if cycle % 3 == 0:
                    s.send(bgp.notification(6, 2))
                elif cycle % 3 == 1:
                    s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))  # RST
                s.close()
                self.flaps[idx] += 1
            except (bgp.Closed, OSError) as e:
                self.speaker_errors.append("%s cycle %d: %s" % (addr, cycle,
                                                               e))
            self.stop.wait(2)

    def sample(self, t0):
        c = self.collector()
        row = {
            "t": round(time.monotonic() - t0),
            "rss_kb": self.rss_kb(),
            "fds": self.nfds(),
            "late_ms": self.timer_delay_ms(),
            "bird_routes": self.bird_routes(),
            "bird_ups": self.bird_ups(),
            "dut_bird_downs": self.dut_bird_downs(),
            "events": c.get("lines", 0),
            "bad_json": c.get("bad", 0),
            "flaps": sum(self.flaps),
            "reloads": self.reloads,
            "kills": self.kills,
        }
        self.samples.append(row)
        print("%6ds rss %7d kB fds %3d late %6.1f ms bird %6d routes "
              "ups %d downs %d events %9d bad %d flaps %d reloads %d "
              "kills %d" % (row["t"], row["rss_kb"], row["fds"],
                            row["late_ms"], row["bird_routes"],
                            row["bird_ups"], row["dut_bird_downs"],
                            row["events"], row["bad_json"], row["flaps"],
                            row["reloads"], row["kills"]), flush=True)
        return row

    def run(self):
        self.write_files()
        self.start()
        log("evbgpd pid %d, %s for %d s, %d routes in loops, reload every "
            "%d s, helper kill every %d s" % (
                self.dut.pid, "ASan build" if self.a.asan else "build",
                self.a.duration, self.a.routes, self.a.reload, self.a.kill))
        # warm-up: the stable session up and the first table at BIRD, so
        # that the baselines hold what a loaded daemon holds
        t0 = time.monotonic()
        while self.bird_routes() < self.a.routes:
            if self.dut.poll() is not None or \
                    time.monotonic() - t0 > 300:
                log("warm-up failed: BIRD has %d routes" % self.bird_routes())
                break
            time.sleep(1)
        log("warm-up done in %.0f s" % (time.monotonic() - t0))
        self.base = self.sample(t0)
        t0 = time.monotonic()
        threads = [threading.Thread(target=self.speaker, args=(i, ad, asn),
                                    daemon=True)
                   for i, (ad, asn) in enumerate(SPEAKERS)]
        for t in threads:
            t.start()
        next_reload = t0 + self.a.reload
        next_kill = t0 + self.a.kill
        next_sample = t0
        end = t0 + self.a.duration
        while time.monotonic() < end:
            now = time.monotonic()
            if self.dut.poll() is not None:
                log("evbgpd died (status %s)" % self.dut.returncode)
                break
            if now >= next_sample:
                self.sample(t0)
                next_sample += self.a.sample
            if now >= next_reload:
                os.kill(self.dut.pid, signal.SIGUSR1)
                self.reloads += 1
                next_reload += self.a.reload
            if now >= next_kill:
                for p in self.children("announcer.py"):
                    os.kill(p, signal.SIGKILL)
                    self.kills += 1
                next_kill += self.a.kill
            time.sleep(0.2)
        self.stop.set()
        for t in threads:
            t.join(60)
        return self.finish(t0)

    def finish(self, t0):
        alive = self.dut.poll() is None
        final = None
        if alive:
            # the speakers are gone: wait for evbgpd to see their
            # sessions go (bounded), then the last sample
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                out = self.ctl("show", "neighbor", "summary") or ""
                if not any(ad in l and "stablished" in l
                           for l in out.splitlines() for ad, _ in SPEAKERS):
                    break
                time.sleep(0.5)
            final = self.sample(t0)
            self.dut.send_signal(signal.SIGTERM)
            try:
                self.dut.wait(60)
            except subprocess.TimeoutExpired:
                self.dut.kill()
                self.dut.wait()
        self.bird.send_signal(signal.SIGTERM)
        try:
            self.bird.wait(30)
        except subprocess.TimeoutExpired:
            self.bird.kill()
        return self.verdict(alive, final)

    def verdict(self, alive, final):
        ok = True
        print()
        rows = [r for r in self.samples[1:] if r["rss_kb"] > 0]

        def judge(good, what):
            nonlocal ok
            ok &= bool(good)
            print("%s %s" % ("ok  " if good else "FAIL", what))

        judge(alive, "evbgpd alive to the end")
        if alive:
            judge(self.dut.returncode == 0, "evbgpd exit status 0 after "
                  "SIGTERM (got %s)" % self.dut.returncode)
        if rows:
            q = max(1, len(rows) // 4)
            first = sum(r["rss_kb"] for r in rows[:q]) / q
            last = sum(r["rss_kb"] for r in rows[-q:]) / q
            what = ("RSS flat: first quarter %.0f kB, last quarter %.0f kB, "
                    "min %d, max %d" % (first, last,
                                       min(r["rss_kb"] for r in rows),
                                       max(r["rss_kb"] for r in rows)))
            if self.a.asan:
                # ASan keeps freed memory in quarantine (up to 256 MB):
                # its RSS says nothing; its leak check at exit does
                print("     (ASan build, not judged) %s" % what)
            else:
                judge(last <= first * 1.10 + 2048, what)
            fds = [r["fds"] for r in rows]
            judge(final is None or final["fds"] <= self.base["fds"],
                  "descriptors back: %d after the warm-up, %s at the end "
                  "(min %d, max %d while the speakers flapped)" % (
                      self.base["fds"], final["fds"] if final else "?",
                      min(fds), max(fds)))
            late = max(r["late_ms"] for r in rows)
            judge(late < 500, "longest timer delay %.1f ms" % late)
            judge(rows[-1]["bird_ups"] == 1 and
                  rows[-1]["dut_bird_downs"] == 0,
                  "the stable BIRD session never reset (ups %d, evbgpd "
                  "downs %d)" % (rows[-1]["bird_ups"],
                                 rows[-1]["dut_bird_downs"]))
            judge(rows[-1]["bad_json"] == 0, "every sampled JSON event "
                  "parses (%d events)" % rows[-1]["events"])
        print("     %d flaps of the raw speakers, %d reloads, %d helper "
              "kills" % (sum(self.flaps), self.reloads, self.kills))
        if self.speaker_errors:
            print("     speaker hiccups: %d (first: %s)" % (
                len(self.speaker_errors), self.speaker_errors[0]))
        if self.a.asan:
            reports = [f for f in os.listdir(self.work)
                       if f.startswith(("asan", "ubsan"))]
            text = ""
            for f in reports:
                with open(os.path.join(self.work, f), errors="replace") as h:
                    text += h.read()
            with open(self.log_path, errors="replace") as h:
                text += h.read()
            bad = [l for l in text.splitlines()
                   if "ERROR: AddressSanitizer" in l or
                   "ERROR: LeakSanitizer" in l or "runtime error:" in l]
            judge(not bad, "no sanitizer report (leaks checked at exit)%s"
                  % (": " + bad[0] if bad else ""))
        with open(os.path.join(self.work, "samples.jsonl"), "w") as f:
            for r in self.samples:
                f.write(json.dumps(r) + "\n")
        print("soak: %s" % ("PASS" if ok else "FAIL"))
        return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--evbgpd", required=True)
    ap.add_argument("--evbgpctl", required=True)
    ap.add_argument("--netns", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--speaker", required=True)
    ap.add_argument("--asan", type=int, default=0)
    ap.add_argument("--duration", type=int, default=3600)
    ap.add_argument("--routes", type=int, default=100000)
    ap.add_argument("--hold", type=int, default=20,
                    help="seconds between the announce and withdraw loops")
    ap.add_argument("--speaker-routes", type=int, default=10000)
    ap.add_argument("--speaker-hold", type=int, default=20)
    ap.add_argument("--reload", type=int, default=60)
    ap.add_argument("--kill", type=int, default=45)
    ap.add_argument("--sample", type=int, default=10)
    a = ap.parse_args()
    sys.exit(Soak(a).run())


if __name__ == "__main__":
    main()
