#!/usr/bin/env python3
"""evbgp injection benchmark (issue 4): evbgpd against BIRD, GoBGP and ExaBGP.

Everything runs on loopback: receivers on 127.0.0.201, injectors on
127.0.0.202 (scale rows use 127.0.0.201-220), TCP ports 17900-17999.
Every process is started in its own process group and stopped by that
group's id when a row ends, and again at exit.

  bench.py matrix [--quick] [--with-slow-anchors] ...   the whole benchmark
  bench.py inject --injector evbgpd --receiver sink --n 100000 --attr-sets 1000
  bench.py receive --receiver evbgpd --n 100000
  bench.py scale --peers 100 --routes 10000
  bench.py idle --peers 1000 --seconds 60
  bench.py members --repeat 2      one update group: baseline, a stopped member, flapping members
  bench.py sinkcheck --n 1000000
  bench.py table RESULTS.jsonl

Route i: 10.a.b.c/32 (i = a<<16|b<<8|c) or 2001:db8:X:Y::/64 (X = i>>16,
Y = i & 0xffff); next hop 192.0.2.1 / 2001:db8::1 (never a loopback
address: GoBGP turns an IPv4 loopback NEXT_HOP into a withdraw). Attribute
sets K: 1 = identical attributes (no MED), K = MED i % K, N = unique MED.
"""
import argparse
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
CLK = os.sysconf('SC_CLK_TCK')

RECV_ADDR, INJ_ADDR = '127.0.0.201', '127.0.0.202'
RECV_PORT, INJ_PORT = 17900, 17901
GOBGP_API_RECV, GOBGP_API_INJ = 17950, 17951
RECV_AS, INJ_AS = 65001, 65002
NH4, NH6 = '192.0.2.1', '2001:db8::1'
SCALE_ADDRS = ['127.0.0.%d' % i for i in range(201, 221)]
PORT_MIN, PORT_MAX = 17900, 17999

TARGETS = [
    ('T1', '10^6 IPv4, 1,000 attr sets: evbgpd->BIRD wall within 1.2x of BIRD->BIRD'),
    ('T2', '10^5: evbgpd >= 100x ExaBGP and >= 50x GoBGP (routes/s, same BIRD receiver)'),
    ('T3', 'evbgpd->evbgp-sink >= 2,000,000 routes/s'),
    ('T4', '<= 100 B of evbgpd RSS per route held (Adj-RIB-Out)'),
    ('T5', 'receive (BIRD->evbgpd->JSON helper) >= 500,000 routes/s'),
    ('T6', 'no timer late > 50 ms (proxy: KEEPALIVE gap seen by the sink - interval), no session drop'),
    ('T7', '1,000 idle established peers: evbgpd < 2 % of a core'),
]

STARTED = []  # Popen objects, each the leader of its own process group


def log(*a):
    print('[bench %s]' % time.strftime('%H:%M:%S'), *a, file=sys.stderr, flush=True)


def check_loopback(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        raise SystemExit('refusing non-loopback address %s' % addr)
    return addr


def check_port(p):
    if not PORT_MIN <= p <= PORT_MAX:
        raise SystemExit('port %d outside %d-%d' % (p, PORT_MIN, PORT_MAX))
    return p


# ------------------------------------------------------------------ processes
def spawn(name, argv, logpath, env=None, stdin=subprocess.DEVNULL, stdout=None):
    out = open(logpath, 'ab')
    p = subprocess.Popen(argv, stdin=stdin, stdout=stdout if stdout is not None else out,
                         stderr=out, env=env, start_new_session=True)
    out.close()
    p.bench_name = name
    STARTED.append(p)
    log('started %s pid %d' % (name, p.pid))
    return p


def stop(p, grace=5.0):
    """SIGTERM the process group led by p, then SIGKILL what is left."""
    if p not in STARTED:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    STARTED.remove(p)


def stop_all():
    for p in list(reversed(STARTED)):
        stop(p)


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


def proc_cpu(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            s = f.read()
        v = s[s.rfind(')') + 2:].split()
        return (int(v[11]) + int(v[12])) / CLK
    except (OSError, ValueError, IndexError):
        return None


def proc_mem(pid):
    """(VmHWM, VmRSS) in bytes."""
    hwm = rss = None
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    hwm = int(line.split()[1]) * 1024
                elif line.startswith('VmRSS:'):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return hwm, rss


def descendants(pid):
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    s = f.read()
                kids.setdefault(int(s[s.rfind(')') + 2:].split()[1]), []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def machine_busy():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLK


def wait_quiet(max_wait, max_cores=0.3):
    t = time.time()
    while True:
        b = machine_busy()
        time.sleep(0.5)
        busy = (machine_busy() - b) / 0.5
        if busy < max_cores or time.time() - t >= max_wait:
            return round(busy, 2)


def self_cpu():
    """CPU seconds of this harness and of the short-lived commands it waited for (gobgp CLI polls)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def mib(b):
    return round(b / 1048576, 1) if b else None


# ------------------------------------------------------------------ inputs
# The address families of the issue-9 rows: flowspec rules and VPNv4 routes, each
# built on route i's IPv4 prefix.
FAMILY_FLOW4, FAMILY_VPN4 = 'flow4', 'vpn4'
V4_FAMILIES = ('ipv4', FAMILY_FLOW4, FAMILY_VPN4)
RD, LABEL, RT = '65002:1', 100, '65002:1'


def prefix(i, fam):
    if fam in V4_FAMILIES:
        return '10.%d.%d.%d/32' % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
    return '2001:db8:%x:%x::/64' % ((i >> 16) & 0xffff, i & 0xffff)


def med_of(i, k):
    return None if k <= 1 else i % k


def cached(cache, name, writer):
    path = os.path.join(cache, name)
    if not os.path.exists(path):
        log('generating', path)
        with open(path + '.tmp', 'w' if not name.endswith('.mrt') else 'wb') as f:
            writer(f)
        os.replace(path + '.tmp', path)
    return path


def commands_file(cache, n, k, fam, style='route', batch=1000):
    """Text API commands for an ExaBGP-style injector."""
    nh = NH4 if fam in V4_FAMILIES else NH6

    def write(f):
        if fam == FAMILY_FLOW4:  # a DDoS rule per prefix: TCP to port 80, discard
            for s in range(0, n, 65536):
                f.write(''.join('announce flow route { match { destination %s; protocol tcp; '
                                'destination-port =80; } then { discard; } }\n' % prefix(i, fam)
                                for i in range(s, min(n, s + 65536))))
        elif fam == FAMILY_VPN4:
            tail = ' rd %s label %d next-hop %s extended-community [ target:%s ]\n' % (RD, LABEL, nh, RT)
            for s in range(0, n, 65536):
                f.write(''.join('announce route ' + prefix(i, fam) + tail
                                for i in range(s, min(n, s + 65536))))
        elif style == 'route':
            if k <= 1:
                tail = ' next-hop %s\n' % nh
                for s in range(0, n, 65536):
                    f.write(''.join('announce route ' + prefix(i, fam) + tail
                                    for i in range(s, min(n, s + 65536))))
            else:
                for s in range(0, n, 65536):
                    f.write(''.join('announce route %s next-hop %s med %d\n' % (prefix(i, fam), nh, i % k)
                                    for i in range(s, min(n, s + 65536))))
        else:  # announce attributes ... nlri P1 P2 ..., grouped by MED
            groups = {}
            for i in range(n):
                groups.setdefault(med_of(i, k), []).append(prefix(i, fam))
            for med, pf in groups.items():
                attrs = 'next-hop %s' % nh + ('' if med is None else ' med %d' % med)
                for s in range(0, len(pf), batch):
                    f.write('announce attributes %s nlri %s\n' % (attrs, ' '.join(pf[s:s + batch])))
    tag = '' if style == 'route' else '-attrs%d' % batch
    return cached(cache, 'cmds-%s-n%d-k%d%s.txt' % (fam, n, k, tag), write)


def static_file(cache, n, k, fam):
    """BIRD static routes (include file)."""
    def write(f):
        for s in range(0, n, 65536):
            if fam == FAMILY_FLOW4:
                f.write(''.join('route flow4 { dst %s; proto 6; dport 80; };\n' % prefix(i, fam)
                                for i in range(s, min(n, s + 65536))))
            elif fam == FAMILY_VPN4:
                f.write(''.join('route %s %s blackhole { bgp_ext_community.add((rt, %s)); };\n'
                                % (RD, prefix(i, fam), RT.replace(':', ', '))
                                for i in range(s, min(n, s + 65536))))
            elif k <= 1:
                f.write(''.join('route %s blackhole;\n' % prefix(i, fam) for i in range(s, min(n, s + 65536))))
            else:
                f.write(''.join('route %s blackhole { bgp_med = %d; };\n' % (prefix(i, fam), i % k)
                                for i in range(s, min(n, s + 65536))))
    return cached(cache, 'static-%s-n%d-k%d.conf' % (fam, n, k), write)


def mrt_file(cache, n, k, extra=0, repeat_head=0):
    """MRT TABLE_DUMP_V2 (RFC 6396) with n + extra IPv4 routes, for `gobgp mrt inject`; then
    the first repeat_head routes once more (a tail the stock CLI may drop without loss)."""
    total = n + extra

    def write(f):
        ts = int(time.time())
        nh = socket.inet_aton(NH4)

        def rec(subtype, body):
            return struct.pack('!IHHI', ts, 13, subtype, len(body)) + body
        # PEER_INDEX_TABLE: collector id, empty view name, one peer (IPv4, 4-byte AS)
        f.write(rec(1, nh + struct.pack('!HH', 0, 1) + struct.pack('!B4s4sI', 2, nh, nh, INJ_AS)))
        common = bytes([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4]) + nh  # ORIGIN igp, empty AS_PATH, NEXT_HOP
        out = []
        for seq in range(total + repeat_head):
            i = seq if seq < total else seq - total
            attrs = common if k <= 1 else common + bytes([0x80, 4, 4]) + struct.pack('!I', i % k)
            body = struct.pack('!IB4sH', seq, 32, struct.pack('!I', 0x0a000000 | (i & 0xffffff)), 1)
            body += struct.pack('!HIH', 0, ts, len(attrs)) + attrs
            out.append(rec(2, body))  # RIB_IPV4_UNICAST
            if len(out) >= 65536:
                f.write(b''.join(out))
                out = []
        f.write(b''.join(out))
    return cached(cache, 'routes-n%d-k%d-x%d%s.mrt' % (n, k, extra, '-r%d' % repeat_head if repeat_head else ''),
                  write)


FAMILY_TABLE = 'table'  # the full-table replay: IPv4 + IPv6 from a generated MRT RIB dump


def table_mrt(a, tail=0, mp_full=False):
    """The generated full-table look-alike (bench/mrt.py), cached in the run's cache directory
    (never in the repository): a.table_v4 IPv4 + a.table_v6 IPv6 prefixes, seed a.table_seed,
    plus `tail` repeated records for the stock `gobgp mrt inject`."""
    sys.path.insert(0, HERE)
    import mrt
    name = 'table-v4_%d-v6_%d-s%d-t%d%s-f%d.mrt' % (a.table_v4, a.table_v6, a.table_seed, tail,
                                                   '-mpfull' if mp_full else '', mrt.FORMAT_VERSION)
    path = os.path.join(a.cache, name)
    if not os.path.exists(path):
        log('generating', path)
        info = mrt.generate(path, a.table_v4, a.table_v6, a.table_seed, tail, mp_full)
        with open(path + '.json', 'w') as f:
            json.dump(info, f)
    return path


def table_info(a):
    return read_json(table_mrt(a) + '.json') or {}


# ------------------------------------------------------------------ BIRD
class Bird:
    def __init__(self, name, rundir, conf):
        self.name = name
        self.conf = os.path.join(rundir, name + '.conf')
        self.sock = os.path.join(rundir, name + '.ctl')
        self.out = os.path.join(rundir, name + '.out')
        with open(self.conf, 'w') as f:
            f.write(conf)
        self.p = self.s = None
        self.buf = b''

    def start(self, timeout=60):
        r = subprocess.run(['bird', '-p', '-c', self.conf], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError('bird config %s: %s' % (self.conf, r.stderr.strip()))
        self.p = spawn('bird-' + self.name, ['bird', '-f', '-c', self.conf, '-s', self.sock], self.out)
        end = time.time() + timeout
        while True:
            if self.p.poll() is not None:
                raise RuntimeError('bird %s exited, see %s' % (self.name, self.out))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.sock)
                self.s = s
                self.reply()
                return
            except OSError:
                s.close()
                if time.time() > end:
                    raise RuntimeError('bird %s: no control socket' % self.name)
                time.sleep(0.05)

    def reply(self):
        lines = []
        while True:
            while b'\n' not in self.buf:
                d = self.s.recv(1 << 16)
                if not d:
                    raise RuntimeError('bird %s control socket closed' % self.name)
                self.buf += d
            line, self.buf = self.buf.split(b'\n', 1)
            line = line.decode(errors='replace')
            lines.append(line)
            if len(line) > 4 and line[:4].isdigit() and line[4] == ' ':
                return lines

    def cmd(self, c):
        self.s.sendall(c.encode() + b'\n')
        return [l[5:] if len(l) > 4 and l[:4].isdigit() else l[1:] for l in self.reply()]

    def proto(self, name):
        st = {'bgp_state': None, 'since': None, 'imported': 0, 'info': ''}
        for line in self.cmd('show protocols all %s' % name):
            m = re.match(r'^(\S+)\s+\S+\s+\S+\s+(\S+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\s*(.*)$', line)
            if m and m.group(1) == name:
                st['since'] = bird_time(m.group(3))
                st['info'] = m.group(4).strip()
            m = re.search(r'BGP state:\s+(\S+)', line)
            if m:
                st['bgp_state'] = m.group(1)
            m = re.search(r'Routes:\s+(\d+) imported', line)
            if m:
                st['imported'] += int(m.group(1))
        return st

    @property
    def pid(self):
        return self.p.pid


def bird_time(s):
    base, _, frac = s.partition('.')
    return time.mktime(time.strptime(base, '%Y-%m-%d %H:%M:%S')) + (float('0.' + frac) if frac else 0.0)


def bird_head(rundir, name, rid):
    return ('router id %s;\n'
            'log "%s/%s.log" { info, warning, error, fatal, bug };\n'
            'timeformat protocol iso long ms;\n'
            'timeformat log iso long ms;\n') % (rid, rundir, name)


def bird_channels(fam, imp, exp, nh=None):
    """The BGP channel (and its table) of a family: flow4 and vpn4 rows have their own."""
    tail = ' next hop address %s;' % nh if nh else ''
    if fam == FAMILY_FLOW4:
        return '  flow4 { table flowtab; import %s; export %s; };\n' % (imp, exp)
    if fam == FAMILY_VPN4:
        return '  vpn4 mpls { table vpntab; import %s; export %s;%s };\n' % (imp, exp, tail)
    return '  %s { import %s; export %s;%s };\n' % (fam, imp, exp, tail)


FAMILY_TABLES = 'flow4 table flowtab;\nvpn4 table vpntab;\n'


def bird_receiver_conf(rundir, peers, fam=None):
    """peers: [(local_addr, local_port, peer_addr, peer_as, proto_name)]"""
    extra = fam in (FAMILY_FLOW4, FAMILY_VPN4)
    out = [bird_head(rundir, 'recv', RECV_ADDR) + (FAMILY_TABLES if extra else ''),
           # the benchmark next hops resolve (recursively) to something
           'protocol static nh4 { ipv4; route 192.0.2.0/24 blackhole; }\n',
           'protocol static nh6 { ipv6; route 2001:db8::/64 blackhole; }\n']
    for la, lp, pa, pas, name in peers:
        out.append('protocol bgp %s {\n  local %s port %d as %d;\n  neighbor %s as %d;\n'
                   '  passive on;\n  multihop;\n  strict bind on;\n  hold time 240;\n'
                   '%s}\n'
                   % (name, la, lp, RECV_AS, pa, pas,
                      bird_channels(fam, 'all', 'none') if extra else
                      '  ipv4 { import all; export none; };\n  ipv6 { import all; export none; };\n'))
    return ''.join(out)


def bird_sender_conf(rundir, static, fam, local, lport, las, peer, pport, pas, passive, disabled):
    if fam in (FAMILY_FLOW4, FAMILY_VPN4):
        table = 'flowtab' if fam == FAMILY_FLOW4 else 'vpntab'
        return bird_head(rundir, 'send', local) + FAMILY_TABLES + (
            'protocol static st {\n  %s { table %s; };\n  include "%s";\n}\n'
            'protocol bgp feed {\n  local %s port %d as %d;\n  neighbor %s port %d as %d;\n'
            '  multihop;\n  strict bind on;\n  hold time 240;\n%s%s%s}\n') % (
            fam, table, static, local, lport, las, peer, pport, pas,
            '  passive on;\n' if passive else '', '  disabled;\n' if disabled else '',
            bird_channels(fam, 'none', 'all', NH4))
    return bird_head(rundir, 'send', local) + (
        'protocol static st {\n  %s;\n  include "%s";\n}\n'
        'protocol bgp feed {\n  local %s port %d as %d;\n  neighbor %s port %d as %d;\n'
        '  multihop;\n  strict bind on;\n  hold time 240;\n%s%s'
        '  %s { import none; export all;%s };\n}\n') % (
        fam, static, local, lport, las, peer, pport, pas,
        '  passive on;\n' if passive else '', '  disabled;\n' if disabled else '',
        fam, ' next hop address %s;' % NH6 if fam == 'ipv6' else ' next hop address %s;' % NH4)


# ------------------------------------------------------------------ ExaBGP-style daemons
def exastyle_conf(procname, run, encoder, api_extra, neighbors, families='ipv4 unicast; ipv6 unicast;'):
    """neighbors: [(peer_addr, local_addr, connect_port, hold)]"""
    out = ['process %s {\n    run %s;\n    encoder %s;\n}\n' % (procname, run, encoder)]
    for peer, local, port, hold in neighbors:
        out.append('neighbor %s {\n    router-id %s;\n    local-address %s;\n    local-as %d;\n'
                   '    peer-as %d;\n    connect %d;\n    hold-time %d;\n'
                   '    family { %s }\n'
                   '    api { processes [ %s ]; %s}\n}\n' % (
                       peer, INJ_ADDR, local, INJ_AS, RECV_AS, port, hold, families, procname, api_extra))
    return ''.join(out)


def exastyle_env(tool):
    env = dict(os.environ)
    env.update({'exabgp_api_ack': 'false', 'exabgp_log_level': 'WARNING', 'exabgp_api_cli': 'false',
                # Debian's /etc/exabgp/exabgp.env says user exabgp, which evbgpd honours too: its
                # helpers could then not write their stamps into the harness's (root's) run directory
                'exabgp_daemon_user': 'root', 'exabgp_daemon_drop': 'false'})
    if tool == 'evbgpd':  # its "event loop:" lines (a callback over 20 ms, the worst timer delay)
        env['exabgp_log_level'] = 'INFO'
    if tool == 'exabgp':
        env.update({'exabgp_daemon_daemonize': 'false', 'exabgp_api_respawn': 'false',
                    'exabgp_log_destination': 'stdout'})
    return env


def exastyle_argv(tool, conf, a):
    if tool == 'evbgpd':
        return [a.evbgpd, conf]
    return ['exabgp', conf]


# ------------------------------------------------------------------ GoBGP
GOBGP_AFI_SAFIS = {FAMILY_FLOW4: ('ipv4-flowspec',), FAMILY_VPN4: ('l3vpn-ipv4-unicast',)}


def gobgpd_conf(local, port, api_port, neighbors, passive, fam=None):
    """neighbors: [(addr, peer_as, remote_port)]"""
    afis = ''.join('  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "%s"\n' % n
                   for n in GOBGP_AFI_SAFIS.get(fam, ('ipv4-unicast', 'ipv6-unicast')))
    out = ['[global.config]\n  as = %d\n  router-id = "%s"\n  port = %d\n%s' % (
        RECV_AS if passive else INJ_AS, local, port if passive else -1,
        '  local-address-list = ["%s"]\n' % local if passive else '')]
    if fam == FAMILY_TABLE and not passive:
        # over an IPv4 session gobgpd's own IPv6 next hop is one BIRD refuses ("Missing next hop
        # address"): IPv6 routes go out with the dump's next hop, as evbgpd and ExaBGP send them
        out.append('[global.apply-policy.config]\n  export-policy-list = ["v6nh"]\n'
                   '  default-export-policy = "accept-route"\n'
                   '[[policy-definitions]]\n  name = "v6nh"\n  [[policy-definitions.statements]]\n'
                   '    name = "v6"\n    [policy-definitions.statements.conditions.bgp-conditions]\n'
                   '      afi-safi-in-list = ["ipv6-unicast"]\n    [policy-definitions.statements.actions]\n'
                   '      route-disposition = "accept-route"\n'
                   '      [policy-definitions.statements.actions.bgp-actions]\n'
                   '        set-next-hop = "%s"\n' % NH6)
    for addr, pas, rport in neighbors:
        out.append('[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "%s"\n    peer-as = %d\n'
                   '  [neighbors.transport.config]\n    local-address = "%s"\n%s'
                   '  [neighbors.timers.config]\n    connect-retry = 1\n    hold-time = 240\n    keepalive-interval = 80\n'
                   '%s'
                   % (addr, pas, local, '    passive-mode = true\n' if passive else '    remote-port = %d\n' % rport,
                      afis))
    return ''.join(out)


def start_gobgpd(rundir, name, conf, api_addr, api_port):
    path = os.path.join(rundir, name + '.toml')
    with open(path, 'w') as f:
        f.write(conf)
    return spawn(name, ['gobgpd', '-f', path, '-p', '-l', 'warn', '--pprof-disable',
                        '--api-hosts', '%s:%d' % (api_addr, api_port)], os.path.join(rundir, name + '.out'))


def gobgp_cli(api_addr, api_port, *args, timeout=10):
    r = subprocess.run(['gobgp', '-u', api_addr, '-p', str(api_port)] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    return r.stdout


# ------------------------------------------------------------------ receivers
class SinkReceiver:
    name = 'sink'

    def __init__(self, a, rundir, n, endpoints=None, hold=3, tag='', distinct=False):
        """tag names the stamp and log (several sinks in one row); distinct: the sink keeps
        which routes it holds (`held`: the table, each route once) and stamps t_done by it."""
        self.a, self.rundir, self.n, self.tag = a, rundir, n, tag
        self.stamp = os.path.join(rundir, 'sink%s.json' % tag)
        self.endpoints = endpoints or ['%s:%d' % (RECV_ADDR, RECV_PORT)]
        self.hold, self.distinct = hold, distinct

    def start(self):
        self.p = spawn('evbgp-sink' + self.tag,
                       [self.a.sink, '--expect', str(self.n), '--stamp', self.stamp, '--hold', str(self.hold),
                        '--max-life', '3600'] + (['--distinct'] if self.distinct else []) + self.endpoints,
                       os.path.join(self.rundir, 'sink%s.out' % self.tag))
        end = time.time() + 10
        while read_json(self.stamp) is None:
            if self.p.poll() is not None or time.time() > end:
                raise RuntimeError('evbgp-sink did not start, see %s/sink.out' % self.rundir)
            time.sleep(0.01)

    def state(self):
        s = read_json(self.stamp) or {}
        return {'established': s.get('established', 0) - s.get('closed', 0) > 0 and s.get('closed', 0) == 0,
                'count': s.get('held' if self.distinct else 'announced', 0), 't_done': s.get('t_done') or None,
                'dropped': s.get('closed', 0) > 0, 'raw': s}

    @property
    def pid(self):
        return self.p.pid

    def extra(self):
        s = read_json(self.stamp) or {}
        ka = s.get('max_keepalive_gap_s') or 0
        return {'sink_updates': s.get('updates'), 'sink_keepalives': s.get('keepalives'),
                'hold_time': s.get('hold_time'),
                'max_keepalive_gap_s': round(ka, 4), 'max_msg_gap_s': round(s.get('max_msg_gap_s') or 0, 4),
                'max_transfer_gap_s': round(s.get('max_transfer_gap_s') or 0, 4),
                'timer_late_ms': round(max(0.0, ka - (s.get('hold_time') or 0) / 3.0) * 1000, 1) if ka else None,
                'est_spread_s': round(s['t_last_est'] - s['t_first_est'], 3)
                if s.get('t_last_est') and s.get('t_first_est') else None,
                'sessions_closed': s.get('closed'), 'notification': s.get('last_notification') or None,
                **sink_own_share(s)}


class BirdReceiver:
    name = 'bird'

    def __init__(self, a, rundir, n, fam=None):
        self.rundir, self.n = rundir, n
        self.bird = Bird('recv', rundir, bird_receiver_conf(rundir, [(RECV_ADDR, RECV_PORT, INJ_ADDR, INJ_AS, 'inj')],
                                                            fam))

    def start(self):
        self.bird.start()

    def state(self):
        st = self.bird.proto('inj')
        return {'established': st['bgp_state'] == 'Established', 'count': st['imported'], 't_done': None,
                'dropped': None, 'raw': st}

    @property
    def pid(self):
        return self.bird.pid

    def extra(self):
        return {}


class GobgpReceiver:
    name = 'gobgp'

    def __init__(self, a, rundir, n):
        self.rundir, self.n = rundir, n

    def start(self):
        self.p = start_gobgpd(self.rundir, 'gobgpd-recv',
                              gobgpd_conf(RECV_ADDR, RECV_PORT, GOBGP_API_RECV, [(INJ_ADDR, INJ_AS, 0)], True),
                              RECV_ADDR, GOBGP_API_RECV)
        end = time.time() + 20
        while not gobgp_cli(RECV_ADDR, GOBGP_API_RECV, 'neighbor').strip():
            if self.p.poll() is not None or time.time() > end:
                raise RuntimeError('gobgpd receiver did not start')
            time.sleep(0.2)

    def state(self):
        try:
            out = gobgp_cli(RECV_ADDR, GOBGP_API_RECV, 'neighbor', INJ_ADDR, '-j')
            d = json.loads(out)
        except (ValueError, subprocess.TimeoutExpired):
            return {'established': False, 'count': 0, 't_done': None, 'dropped': None, 'raw': None}
        st = d.get('state', {})
        cnt = 0
        for af in d.get('afi_safis', []) or []:
            cnt += int(((af.get('state') or {}).get('received')) or 0)
        return {'established': st.get('session_state') in (6, 'established', 'ESTABLISHED'), 'count': cnt,
                't_done': None, 'dropped': None, 'raw': st.get('session_state')}

    @property
    def pid(self):
        return self.p.pid

    def extra(self):
        return {}


# ------------------------------------------------------------------ inject
def new_rundir(a, label):
    d = os.path.join(a.rundir, '%s-%s-%d' % (time.strftime('%H%M%S'), label, os.getpid()))
    os.makedirs(d, exist_ok=True)
    return d


def run_inject(a, injector, receiver, n, k, fam, style='route'):
    label = '%s-%s-%s-n%d-k%d' % (injector, receiver, fam, n, k)
    rundir = new_rundir(a, label)
    rec = {'kind': 'inject', 'injector': injector, 'receiver': receiver, 'family': fam, 'n': n,
           'attr_sets': k, 'style': style if injector in ('evbgpd', 'exabgp') else None, 'rundir': rundir}
    trigger, fstamp = os.path.join(rundir, 'go'), os.path.join(rundir, 'feed.json')
    extra_routes = 0
    if injector in ('evbgpd', 'exabgp'):
        if fam == FAMILY_TABLE:  # the replayer reads the MRT dump itself, before the clock starts
            helper = '%s %s/replay.py --mrt %s --style %s --batch %d --trigger %s --stamp %s' % (
                PY, HERE, table_mrt(a), a.replay_style, a.replay_batch, trigger, fstamp)
            rec['style'] = a.replay_style
        else:
            helper = '%s %s/feed.py --file %s --trigger %s --stamp %s' % (
                PY, HERE, commands_file(a.cache, n, k, fam, style, a.batch), trigger, fstamp)
        conf = os.path.join(rundir, 'inject.conf')
        hold = 240  # the sink offers 3 s: a KEEPALIVE from evbgpd every second (timer-health proxy)
        fams = {FAMILY_FLOW4: 'ipv4 flow;', FAMILY_VPN4: 'ipv4 mpls-vpn;'}.get(fam, 'ipv4 unicast; ipv6 unicast;')
        with open(conf, 'w') as f:
            f.write(exastyle_conf('feed', helper, 'text', '', [(RECV_ADDR, INJ_ADDR, RECV_PORT, hold)], fams))
    elif injector == 'gobgp' and fam in (FAMILY_FLOW4, FAMILY_VPN4):
        # `gobgp mrt inject` reads RIB_IPV4/IPV6_UNICAST records only (RIB_GENERIC: "unsupported
        # subType"): Debian's tools add a flowspec or VPN route with one CLI run each
        gobgp_script = os.path.join(rundir, 'gobgp-add.sh')
        base = 'gobgp -u %s -p %d global rib ' % (INJ_ADDR, GOBGP_API_INJ)
        with open(gobgp_script, 'w') as f:
            for i in range(n):
                if fam == FAMILY_FLOW4:
                    f.write(base + '-a ipv4-flowspec add match destination %s protocol tcp '
                            'destination-port ==80 then discard\n' % prefix(i, fam))
                else:
                    f.write(base + '-a vpnv4 add %s label %d rd %s rt %s nexthop %s\n'
                            % (prefix(i, fam), LABEL, RD, RT, NH4))
        rec['gobgp_cli'] = 'one `gobgp global rib add` per route'
    elif injector == 'gobgp' and fam == FAMILY_TABLE:
        cli = a.gobgp_cli_fixed
        # stock CLI drops the stream tail: the dump ends with repeats of its first records, which
        # change nothing at the receiver; the clock stops when BIRD holds every distinct route
        repeats = 0 if cli else max(5000, n // 10)
        mrt = table_mrt(a, repeats, mp_full=True)  # the same routes; the IPv6 next hop as GoBGP reads it
        rec['gobgp_cli'] = cli or 'gobgp (stock; +%d repeated records at the end)' % repeats
    elif injector == 'gobgp':
        cli = a.gobgp_cli_fixed
        if not cli:  # stock CLI drops the stream tail: send extra routes, stop the clock at n
            extra_routes = max(5000, n // 10)
        mrt = mrt_file(a.cache, n, k, extra_routes)
        rec['gobgp_cli'] = cli or 'gobgp (stock; +%d tail routes not timed)' % extra_routes
    elif injector == 'bird':
        sender = Bird('send', rundir, bird_sender_conf(rundir, static_file(a.cache, n, k, fam), fam,
                                                       INJ_ADDR, INJ_PORT, INJ_AS, RECV_ADDR, RECV_PORT,
                                                       RECV_AS, passive=False, disabled=True))
    if receiver == 'bird':
        R = BirdReceiver(a, rundir, n, fam)
    elif fam in (FAMILY_FLOW4, FAMILY_VPN4):
        raise RuntimeError('%s rows have a BIRD receiver only' % fam)
    else:
        R = {'sink': SinkReceiver, 'gobgp': GobgpReceiver}[receiver](a, rundir, n)
    R.start()
    if injector in ('evbgpd', 'exabgp'):
        inj = spawn(injector, exastyle_argv(injector, conf, a), os.path.join(rundir, 'inject.out'),
                    env=exastyle_env(injector))
        inj_pid = inj.pid
    elif injector == 'gobgp':
        inj = start_gobgpd(rundir, 'gobgpd-inj', gobgpd_conf(INJ_ADDR, 0, GOBGP_API_INJ,
                                                             [(RECV_ADDR, RECV_AS, RECV_PORT)], False, fam),
                           INJ_ADDR, GOBGP_API_INJ)
        inj_pid = inj.pid
    else:
        sender.start()
        inj, inj_pid = sender.p, sender.pid
        end = time.time() + a.setup_timeout
        while sender.proto('st')['imported'] < n:
            if time.time() > end:
                raise RuntimeError('BIRD sender: static routes not loaded')
            time.sleep(0.05)
        sender.cmd('enable feed')
    end = time.time() + a.setup_timeout
    while True:
        st = R.state()
        if st['established']:
            break
        if inj.poll() is not None:
            raise RuntimeError('%s exited rc=%s before Established, see %s' % (injector, inj.returncode, rundir))
        if time.time() > end:
            raise RuntimeError('session not Established within %ss' % a.setup_timeout)
        if injector == 'bird':
            sender.cmd('show protocols feed')  # BIRD can doze after Established; keep it awake
        time.sleep(0.02)
    if injector != 'bird':
        time.sleep(a.settle)
    busy, self0 = machine_busy(), self_cpu()
    b_cpu, (b_hwm, b_rss) = proc_cpu(inj_pid), proc_mem(inj_pid)
    r_cpu = proc_cpu(R.pid)
    cli = None
    if injector in ('evbgpd', 'exabgp') and fam == FAMILY_TABLE:
        end = time.time() + a.setup_timeout  # the replayer parses the dump before the clock starts
        while not read_json(fstamp + '.ready'):
            if time.time() > end or inj.poll() is not None:
                raise RuntimeError('replayer not ready (parsing the dump), see %s' % rundir)
            time.sleep(0.05)
        busy, self0 = machine_busy(), self_cpu()
        b_cpu, (b_hwm, b_rss) = proc_cpu(inj_pid), proc_mem(inj_pid)
        r_cpu = proc_cpu(R.pid)
        h_cpu0 = sum(proc_cpu(c) or 0 for c in descendants(inj_pid))
    if injector in ('evbgpd', 'exabgp'):
        open(trigger, 'w').close()
        end = time.time() + 30
        while not read_json(fstamp):
            if time.time() > end:
                raise RuntimeError('helper never wrote, see %s' % rundir)
            time.sleep(0.002)
        t0 = read_json(fstamp)['t_first_write']
    elif injector == 'gobgp' and fam in (FAMILY_FLOW4, FAMILY_VPN4):
        t0 = time.time()
        cli = spawn('gobgp-add', ['sh', gobgp_script], os.path.join(rundir, 'cli.out'))
    elif injector == 'gobgp':
        t0 = time.time()
        cli = spawn('gobgp-mrt-inject', [a.gobgp_cli_fixed or 'gobgp', '-u', INJ_ADDR, '-p', str(GOBGP_API_INJ),
                                         'mrt', 'inject', 'global', mrt], os.path.join(rundir, 'cli.out'))
    else:
        t0 = sender.proto('feed')['since']
    status, t_end, last = 'ok', None, 0
    deadline = time.time() + a.timeout
    last_seen, t_progress = -1, time.time()
    next_log = time.time() + 10
    cli_cpu = None
    while True:
        st = R.state()
        now = time.time()
        last = st['count']
        if last >= n:
            t_end = st['t_done'] or now
            break
        if st['dropped'] or not st['established']:
            status = 'session dropped'
            break
        if inj.poll() is not None:
            status = 'injector died rc=%s' % inj.returncode
            break
        if last != last_seen:
            last_seen, t_progress = last, now
        if now > deadline:
            status = 'timeout'
            break
        if now - t_progress > a.stall:
            status = 'stalled at %d (no progress for %.0fs)' % (last, a.stall)
            break
        if injector == 'bird':
            sender.cmd('show protocols feed')
        if cli is not None and cli_cpu is None:
            pid, wst, ru = os.wait4(cli.pid, os.WNOHANG)
            if pid:
                cli.returncode = os.waitstatus_to_exitcode(wst)
                cli_cpu = ru.ru_utime + ru.ru_stime
        if now > next_log:
            log('%s: %d/%d after %.1fs' % (label, last, n, now - t0))
            next_log = now + 10
        time.sleep(a.poll if receiver != 'gobgp' else max(a.poll, 0.05))
    t_stop = t_end or time.time()
    e_cpu, (e_hwm, e_rss) = proc_cpu(inj_pid), proc_mem(inj_pid)
    e_rcpu = proc_cpu(R.pid)
    helper_cpu = 0.0
    helper_hwm = 0
    for c in descendants(inj_pid):
        helper_cpu += proc_cpu(c) or 0
        helper_hwm += proc_mem(c)[0] or 0
    if fam == FAMILY_TABLE and injector in ('evbgpd', 'exabgp'):
        helper_cpu -= h_cpu0  # the replayer's parse ran before t0
    if cli is not None:
        end = time.time() + 30  # the CLI may still be streaming (tail routes): bounded wait
        while cli_cpu is None and time.time() < end:
            pid, wst, ru = os.wait4(cli.pid, os.WNOHANG)
            if pid:
                cli.returncode = os.waitstatus_to_exitcode(wst)
                cli_cpu = ru.ru_utime + ru.ru_stime
                break
            time.sleep(0.02)
        helper_cpu = cli_cpu  # whole CLI run (incl. tail routes, if any)
    wall = t_stop - t0
    busy = machine_busy() - busy
    if receiver == 'sink' and status == 'ok' and a.linger > 0:
        time.sleep(a.linger)  # let a keepalive or two through for the timer proxy
    rec.update({
        'status': status, 'received': last, 'wall_s': round(wall, 4),
        'routes_per_s': round(min(last, n) / wall) if wall > 0 else 0,
        'inj_cpu_s': round((e_cpu or 0) - (b_cpu or 0), 2),
        'inj_rss_peak_mib': mib(e_hwm), 'inj_rss_before_mib': mib(b_rss), 'inj_rss_after_mib': mib(e_rss),
        'rss_bytes_per_route': round(((e_rss or 0) - (b_rss or 0)) / n, 1) if e_rss and b_rss else None,
        'helper_cpu_s': round(helper_cpu, 2) if helper_cpu is not None else None,
        'recv_cpu_s': round((e_rcpu or 0) - (r_cpu or 0), 2),
        'machine_busy_s': round(busy, 2),
        'other_cpu_s': None,
    })
    rec['harness_cpu_s'] = round(self_cpu() - self0, 2)
    rec['other_cpu_s'] = round(max(0.0, busy - rec['inj_cpu_s'] - rec['recv_cpu_s'] - (rec['helper_cpu_s'] or 0)
                                   - rec['harness_cpu_s']), 2)
    if extra_routes:
        rec['extra_tail_routes'] = extra_routes
    rec.update(R.extra())
    if injector in ('evbgpd', 'exabgp'):
        fs = read_json(fstamp) or {}
        if fs.get('t_last_write'):
            rec['helper_write_s'] = round(fs['t_last_write'] - fs['t_first_write'], 3)
        if fam == FAMILY_TABLE:
            rec.update({'helper_parse_s': fs.get('parse_s'), 'helper_rss_peak_mib': mib(helper_hwm),
                        'replay_lines_bytes': fs.get('bytes'), 'replay_batch': a.replay_batch})
    if fam == FAMILY_TABLE:
        ti = table_info(a)
        rec.update({'table_v4': a.table_v4, 'table_v6': a.table_v6, 'table_seed': a.table_seed,
                    'table_attr_sets': ti.get('attr_sets')})
    return rec


# ------------------------------------------------------------------ receive
def run_receive(a, receiver, n, k, fam):
    label = 'recv-%s-%s-n%d-k%d' % (receiver, fam, n, k)
    rundir = new_rundir(a, label)
    rec = {'kind': 'receive', 'injector': 'bird', 'receiver': receiver, 'family': fam, 'n': n, 'attr_sets': k,
           'rundir': rundir}
    sender = Bird('send', rundir, bird_sender_conf(rundir, static_file(a.cache, n, k, fam), fam,
                                                   RECV_ADDR, RECV_PORT, RECV_AS, INJ_ADDR, INJ_PORT, INJ_AS,
                                                   passive=True, disabled=False))
    sender.start()
    end = time.time() + a.setup_timeout
    while sender.proto('st')['imported'] < n:
        if time.time() > end:
            raise RuntimeError('BIRD sender: static routes not loaded')
        time.sleep(0.05)
    cstamp = os.path.join(rundir, 'count.json')
    conf = os.path.join(rundir, 'receive.conf')
    with open(conf, 'w') as f:
        f.write(exastyle_conf('count', '%s %s/count.py --expect %d --stamp %s --sample %s/sample.json' % (
            PY, HERE, n, cstamp, rundir), 'json', 'receive { parsed; update; } ',
            [(RECV_ADDR, INJ_ADDR, RECV_PORT, 240)]))
    tool = spawn(receiver, exastyle_argv(receiver, conf, a), os.path.join(rundir, 'receiver.out'),
                 env=exastyle_env(receiver))
    end = time.time() + a.setup_timeout
    while True:
        st = sender.proto('feed')
        if st['bgp_state'] == 'Established':
            break
        if tool.poll() is not None:
            raise RuntimeError('%s exited before Established, see %s' % (receiver, rundir))
        if time.time() > end:
            raise RuntimeError('session not Established')
        time.sleep(0.01)
    t0 = st['since']
    b_cpu = proc_cpu(tool.pid)
    busy = machine_busy()
    status, t_end, cnt = 'ok', None, 0
    deadline = time.time() + a.timeout
    last_seen, t_progress = -1, time.time()
    next_log = time.time() + 10
    while True:
        sender.cmd('show protocols feed')  # keeps BIRD's loop awake
        s = read_json(cstamp) or {}
        cnt = s.get('count') or 0
        if s.get('t_done'):
            t_end = s['t_done']
            break
        if tool.poll() is not None:
            status = 'receiver died rc=%s' % tool.returncode
            break
        if cnt != last_seen:
            last_seen, t_progress = cnt, time.time()
        if time.time() > deadline:
            status = 'timeout'
            break
        if time.time() - t_progress > a.stall:
            status = 'stalled at %d (no progress for %.0fs)' % (cnt, a.stall)
            break
        if time.time() > next_log:
            log('%s: %d/%d' % (label, cnt, n))
            next_log = time.time() + 10
        time.sleep(a.poll)
    e_cpu, (e_hwm, e_rss) = proc_cpu(tool.pid), proc_mem(tool.pid)
    helper_cpu = sum(proc_cpu(c) or 0 for c in descendants(tool.pid))
    wall = (t_end or time.time()) - t0
    rec.update({'status': status, 'received': cnt, 'wall_s': round(wall, 4),
                'routes_per_s': round(min(cnt, n) / wall) if wall > 0 else 0,
                'inj_cpu_s': None, 'tool_cpu_s': round((e_cpu or 0) - (b_cpu or 0), 2),
                'tool_rss_peak_mib': mib(e_hwm), 'helper_cpu_s': round(helper_cpu, 2),
                'machine_busy_s': round(machine_busy() - busy, 2)})
    return rec


def listening(addr, port):
    """Is something listening on addr:port (IPv4, from /proc/net/tcp)?"""
    want = '%08X:%04X' % (struct.unpack('<I', socket.inet_aton(addr))[0], port)
    try:
        with open('/proc/net/tcp') as f:
            return any(l.split()[1] == want and l.split()[3] == '0A' for l in list(f)[1:])
    except OSError:
        return False


def run_receive_blast(a, receiver, n, k, fam):
    """The receive row with evbgp-sink's --blast speaker as the sender (issue 13 c): BIRD sends
    one route per UPDATE at ~100-300 k routes/s here, below what is measured. evbgpd listens on
    RECV_ADDR:RECV_PORT for the speaker (which connects from 127.0.0.1), and the clock runs from
    the speaker's first byte to the helper's count of N."""
    rib_in = getattr(a, 'adj_rib_in', 'true')
    label = 'recv-blast-%s-%s-n%d-k%d%s' % (receiver, fam, n, k, '' if rib_in == 'true' else '-norib')
    rundir = new_rundir(a, label)
    rec = {'kind': 'receive', 'injector': 'sink-blast', 'receiver': receiver, 'family': fam, 'n': n,
           'attr_sets': k, 'adj_rib_in': rib_in == 'true', 'rundir': rundir}
    if receiver != 'evbgpd':
        raise RuntimeError('the blast sender is wired for evbgpd only')
    cstamp = os.path.join(rundir, 'count.json')
    conf = os.path.join(rundir, 'receive.conf')
    text = exastyle_conf('count', '%s %s/count.py --expect %d --stamp %s --sample %s/sample.json' % (
        PY, HERE, n, cstamp, rundir), 'json', 'receive { parsed; update; } ',
        [('127.0.0.1', RECV_ADDR, RECV_PORT, 240)])
    with open(conf, 'w') as f:
        # the speaker is AS 65002 (INJ_AS) and we are RECV_AS, the other way round from exastyle_conf
        text = text.replace('local-as %d;' % INJ_AS, 'local-as @;').replace(
            'peer-as %d;' % RECV_AS, 'peer-as %d;' % INJ_AS).replace('local-as @;', 'local-as %d;' % RECV_AS)
        # adj-rib-in false: what the Adj-RIB-In costs, against the same row with it (the default)
        f.write(text.replace('    hold-time 240;\n', '    hold-time 240;\n    passive;\n%s' % (
            '' if rib_in == 'true' else '    adj-rib-in false;\n')))
    env = exastyle_env(receiver)
    # started as root with an exabgp.env naming a user, evbgpd would switch to it and its helper
    # could not write the stamp into the run directory
    env.update({'exabgp_tcp_bind': RECV_ADDR, 'exabgp_tcp_port': str(RECV_PORT), 'exabgp_daemon_user': 'root',
                # INFO: at its exit evbgpd logs its longest timer delay (evbgpd_max_late_ms below)
                'exabgp_log_level': 'INFO'})
    tool = spawn(receiver, exastyle_argv(receiver, conf, a), os.path.join(rundir, 'receiver.out'), env=env)
    end = time.time() + a.setup_timeout
    while not listening(RECV_ADDR, RECV_PORT):
        if tool.poll() is not None or time.time() > end:
            raise RuntimeError('%s is not listening on %s:%d, see %s' % (receiver, RECV_ADDR, RECV_PORT, rundir))
        time.sleep(0.02)
    b_cpu = proc_cpu(tool.pid)
    busy = machine_busy()
    bout = os.path.join(rundir, 'blast.json')
    with open(bout, 'wb') as f:
        b = spawn('sink-blast', [a.sink, '--blast', '%s:%d' % (RECV_ADDR, RECV_PORT), '--routes', str(n),
                                 '--attr-sets', str(k), '--max-life', str(int(a.timeout) + 60)] +
                  (['--ipv6'] if fam == 'ipv6' else []), os.path.join(rundir, 'blast.err'), stdout=f)
    status, t_end, cnt = 'ok', None, 0
    deadline = time.time() + a.timeout
    last_seen, t_progress = -1, time.time()
    while True:
        s = read_json(cstamp) or {}
        cnt = s.get('count') or 0
        if s.get('t_done'):
            t_end = s['t_done']
            break
        if tool.poll() is not None:
            status = 'receiver died rc=%s' % tool.returncode
            break
        if cnt != last_seen:
            last_seen, t_progress = cnt, time.time()
        if time.time() > deadline:
            status = 'timeout'
            break
        if time.time() - t_progress > a.stall:
            status = 'stalled at %d (no progress for %.0fs)' % (cnt, a.stall)
            break
        time.sleep(a.poll)
    e_cpu, (e_hwm, e_rss) = proc_cpu(tool.pid), proc_mem(tool.pid)
    helper_cpu = sum(proc_cpu(c) or 0 for c in descendants(tool.pid))
    end = time.time() + 10
    while read_json(bout) is None and time.time() < end:  # written once the stream is sent
        time.sleep(0.01)
    t0 = (read_json(bout) or {}).get('blast_t0')
    wall = (t_end - t0) if t_end and t0 else None
    rec.update({'status': status if wall else '%s (no blast stamp)' % status, 'received': cnt,
                'wall_s': round(wall, 4) if wall else None,
                'routes_per_s': round(min(cnt, n) / wall) if wall else 0,
                'us_per_update': round(wall * 1e6 / n, 2) if wall and k == n else None,
                'inj_cpu_s': None, 'tool_cpu_s': round((e_cpu or 0) - (b_cpu or 0), 2),
                'tool_cpu_us_per_route': round(((e_cpu or 0) - (b_cpu or 0)) * 1e6 / n, 2),
                'tool_rss_peak_mib': mib(e_hwm), 'helper_cpu_s': round(helper_cpu, 2),
                'machine_busy_s': round(machine_busy() - busy, 2)})
    stop(b)
    # the session goes down with the speaker and evbgpd drops its Adj-RIB-In: keep evbgpd up through
    # that, so that its longest timer delay covers it (the table is released a slice at a time)
    end = time.time() + max(a.linger, 1.0)
    while time.time() < end and tool.poll() is None:
        time.sleep(0.05)
    return rec


# ------------------------------------------------------------------ scale and idle
def scale_neighbors(peers):
    """(peer_addr, local_addr, port) triples, all distinct, loopback only."""
    out = []
    for i in range(peers):
        peer = SCALE_ADDRS[i % len(SCALE_ADDRS)]
        local = SCALE_ADDRS[(i // len(SCALE_ADDRS)) % len(SCALE_ADDRS)]
        port = check_port(RECV_PORT + i // (len(SCALE_ADDRS) ** 2))
        out.append((peer, local, port))
    return out


def wait_sink_total(a, R, total, proc, name, poke=None):
    """Until the sink holds `total` routes, a session drops, `proc` dies, the row times out or
    stalls: (status, the sink's done stamp or None)."""
    deadline = time.time() + a.timeout
    last_seen, t_progress = -1, time.time()
    while True:
        st = R.state()
        if st['count'] >= total:
            return 'ok', st['t_done'] or time.time()
        if st['dropped']:
            return 'session dropped', None
        if proc.poll() is not None:
            return '%s died' % name, None
        if st['count'] != last_seen:
            last_seen, t_progress = st['count'], time.time()
        if time.time() > deadline:
            return 'timeout', None
        if time.time() - t_progress > a.stall:
            return 'stalled at %d (no progress for %.0fs)' % (st['count'], a.stall), None
        if poke is not None:
            poke()
        time.sleep(a.poll)


def scale_start(a, kind, injector, peers, routes, hold):
    """What every scale row starts with: its run directory, P distinct neighbors, one sink
    listening on all their endpoints (expecting P x routes), and the record."""
    rundir = new_rundir(a, '%s-%s-p%d-r%d' % (kind, injector, peers, routes))
    nbrs = scale_neighbors(peers)
    ports = sorted({p for _, _, p in nbrs})
    endpoints = ['%s:%d' % (ad, p) for p in ports for ad in SCALE_ADDRS]
    total = peers * routes
    R = SinkReceiver(a, rundir, total, endpoints, hold=hold)
    rec = {'kind': kind, 'injector': injector, 'receiver': 'sink', 'family': 'ipv4', 'peers': peers,
           'n': routes, 'total_routes': total, 'attr_sets': 1, 'hold_time': hold, 'rundir': rundir}
    return rundir, nbrs, R, rec


def scale_finish(rec, R, status, t0, t_end, pid, b_cpu, b_rss, busy):
    """What every scale row ends with: wall from t0 to the sink's done stamp, the injector's
    CPU and memory, the sink's view (KEEPALIVE gaps, drops)."""
    e_cpu, (e_hwm, e_rss) = proc_cpu(pid), proc_mem(pid)
    total = rec['total_routes']
    wall = (t_end or time.time()) - t0 if t0 else None
    got = R.state()['count']
    rec.update({'status': status if wall else 'no Established stamp', 'received': got,
                'wall_s': round(wall, 4) if wall else None,
                'routes_per_s': round(min(got, total) / wall) if wall else 0,
                'inj_cpu_s': round(e_cpu - b_cpu, 2), 'inj_rss_peak_mib': mib(e_hwm),
                'inj_rss_before_mib': mib(b_rss), 'inj_rss_after_mib': mib(e_rss),
                'rss_bytes_per_route': round((e_rss - b_rss) / total, 1) if e_rss and b_rss and total else None,
                'machine_busy_s': round(machine_busy() - busy, 2)})
    rec.update(R.extra())
    return rec


def feed_go(trigger, fstamp):
    """Let the feed.py helper write (its trigger file) and return its first write's time (t0)."""
    open(trigger, 'w').close()
    end = time.time() + 30
    while not read_json(fstamp):
        if time.time() > end:
            raise RuntimeError('helper never wrote')
        time.sleep(0.002)
    return read_json(fstamp)['t_first_write']


def run_scale(a, peers, routes, idle_seconds=None, hold=90, injector='evbgpd'):
    """evbgpd (or ExaBGP, the same configuration and helper) with `peers` neighbors, all into
    one evbgp-sink; routes announced to every peer. With idle_seconds: no routes; measure the
    daemon's CPU over that many seconds once all are up."""
    rundir, nbrs, R, rec = scale_start(a, 'idle' if idle_seconds else 'scale', injector, peers, routes, hold)
    trigger, fstamp = os.path.join(rundir, 'go'), os.path.join(rundir, 'feed.json')
    cmds = commands_file(a.cache, max(routes, 1), 1, 'ipv4') if routes else os.devnull
    conf = os.path.join(rundir, 'scale.conf')
    with open(conf, 'w') as f:
        f.write(exastyle_conf('feed', '%s %s/feed.py --file %s --trigger %s --stamp %s' % (
            PY, HERE, cmds, trigger, fstamp), 'text', '', [(p, l, port, hold) for p, l, port in nbrs]))
    if injector == 'evbgpd':
        chk = subprocess.run([a.evbgpd, '--check', conf], capture_output=True, text=True, timeout=60)
        if chk.returncode != 0:
            raise RuntimeError('blocked: evbgpd refuses %d neighbors on %d loopback addresses: %s' % (
                peers, len(SCALE_ADDRS), (chk.stderr or chk.stdout).strip().splitlines()[-1][:200]))
    R.start()
    inj = spawn(injector, exastyle_argv(injector, conf, a), os.path.join(rundir, 'evbgpd.out'),
                env=exastyle_env(injector))
    end = time.time() + a.setup_timeout
    t_start = time.time()
    while True:
        s = R.state()['raw']
        if s.get('established', 0) >= peers:
            break
        if inj.poll() is not None:
            raise RuntimeError('%s exited rc=%s, see %s' % (injector, inj.returncode, rundir))
        if time.time() > end:
            raise RuntimeError('only %s of %d sessions Established' % (s.get('established'), peers))
        time.sleep(0.05)
    rec['all_established_s'] = round(time.time() - t_start, 2)
    time.sleep(a.settle)
    b_cpu, (b_hwm, b_rss) = proc_cpu(inj.pid), proc_mem(inj.pid)
    busy = machine_busy()
    if idle_seconds:
        t0 = time.time()
        time.sleep(idle_seconds)
        e_cpu = proc_cpu(inj.pid)
        s = R.state()['raw']
        wall = time.time() - t0
        rec.update({'status': 'ok' if s.get('closed', 0) == 0 else 'session dropped', 'wall_s': round(wall, 2),
                    'inj_cpu_s': round(e_cpu - b_cpu, 2),
                    'cpu_pct_of_core': round(100.0 * (e_cpu - b_cpu) / wall, 2),
                    'inj_rss_after_mib': mib(proc_mem(inj.pid)[1]),
                    'machine_busy_s': round(machine_busy() - busy, 2)})
        rec.update(R.extra())
        return rec
    t0 = feed_go(trigger, fstamp)
    status, t_end = wait_sink_total(a, R, rec['total_routes'], inj, injector)
    return scale_finish(rec, R, status, t0, t_end, inj.pid, b_cpu, b_rss, busy)


def run_scale_bird(a, peers, routes, hold=3):
    """The anchor of the scale rows: one BIRD with `routes` static routes exporting them on `peers`
    sessions into the same evbgp-sink endpoints evbgpd's scale rows use (BIRD shares the work
    across sessions with the same export). t0 = the first session's Established (BIRD's own
    stamp, as in the bird inject rows), end = the sink holds peers x routes."""
    rundir, nbrs, R, rec = scale_start(a, 'scale', 'bird', peers, routes, hold)
    conf = [bird_head(rundir, 'send', INJ_ADDR),
            'protocol static st {\n  ipv4;\n  include "%s";\n}\n' % static_file(a.cache, routes, 1, 'ipv4')]
    for i, (peer, local, port) in enumerate(nbrs):
        # BIRD listens on (local, port) as well: one port per local address, above the sink's
        conf.append('protocol bgp feed%d {\n  local %s port %d as %d;\n  neighbor %s port %d as %d;\n'
                    '  multihop;\n  strict bind on;\n  hold time %d;\n  disabled;\n'
                    '  ipv4 { import none; export all; next hop address %s; };\n}\n' % (
                        i, local, check_port(INJ_PORT + 50), INJ_AS, peer, port, RECV_AS, max(hold, 3), NH4))
    sender = Bird('send', rundir, ''.join(conf))
    R.start()
    sender.start()
    end = time.time() + a.setup_timeout
    while sender.proto('st')['imported'] < routes:
        if time.time() > end:
            raise RuntimeError('BIRD sender: static routes not loaded')
        time.sleep(0.05)
    busy = machine_busy()
    b_cpu, (b_hwm, b_rss) = proc_cpu(sender.pid), proc_mem(sender.pid)
    sender.cmd('enable "feed*"')
    # BIRD can doze after Established; keep it awake
    status, t_end = wait_sink_total(a, R, rec['total_routes'], sender.p, 'bird',
                                    poke=lambda: sender.cmd('show protocols feed0'))
    since = [sender.proto('feed%d' % i)['since'] for i in range(peers)]
    t0 = min(x for x in since if x) if any(since) else None
    return scale_finish(rec, R, status, t0, t_end, sender.pid, b_cpu, b_rss, busy)


def gobgp_rib_count(api_port, family='ipv4'):
    """Paths in gobgpd's global RIB (`gobgp global rib summary`), None if it does not answer."""
    try:
        out = gobgp_cli(INJ_ADDR, api_port, 'global', 'rib', 'summary', '-a', family, timeout=30)
    except subprocess.TimeoutExpired:
        return None
    m = re.search(r'Path:\s*(\d+)', out)
    return int(m.group(1)) if m else None


def run_scale_gobgp(a, peers, routes, hold=3):
    """GoBGP's anchor for the scale rows: one gobgpd with `peers` neighbors (configured
    admin-down) into the same evbgp-sink endpoints evbgpd uses. Its global RIB is loaded first
    with `gobgp mrt inject` (the stock CLI drops the stream's tail: the file ends with repeats of
    its first routes, and is injected again, at most 5 times, should the RIB still miss some),
    then all neighbors are enabled at once (one CLI run each, in parallel; starting the sink
    after the load instead, and leaving the sessions to gobgpd's connect retry, spread them as
    much and made the wall longer). t0 = the sink's first Established (as the BIRD anchor),
    end = the sink holds peers x routes. Untimed: the load."""
    rundir, nbrs, R, rec = scale_start(a, 'scale', 'gobgp', peers, routes, hold)
    conf = ['[global.config]\n  as = %d\n  router-id = "%s"\n  port = -1\n' % (INJ_AS, INJ_ADDR)]
    for peer, local, port in nbrs:
        conf.append('[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "%s"\n    peer-as = %d\n'
                    '    admin-down = true\n'
                    '  [neighbors.transport.config]\n    local-address = "%s"\n    remote-port = %d\n'
                    '  [neighbors.timers.config]\n    connect-retry = 1\n    hold-time = %d\n'
                    '    keepalive-interval = %d\n'
                    '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n'
                    '      afi-safi-name = "ipv4-unicast"\n' % (peer, RECV_AS, local, port, hold, max(1, hold // 3)))
    R.start()
    inj = start_gobgpd(rundir, 'gobgpd-scale', ''.join(conf), INJ_ADDR, GOBGP_API_INJ)
    end = time.time() + 20
    while gobgp_rib_count(GOBGP_API_INJ) is None:
        if inj.poll() is not None or time.time() > end:
            raise RuntimeError('gobgpd did not start, see %s' % rundir)
        time.sleep(0.2)
    # the stock CLI exits before gobgpd has taken the end of its stream: the file ends with
    # repeats of its first routes, so what is dropped is a repeat
    mrt = mrt_file(a.cache, routes, 1, 0, 0 if a.gobgp_cli_fixed else max(5000, routes // 10))
    cli = a.gobgp_cli_fixed or 'gobgp'
    t_load = time.time()
    for attempt in range(5):
        r = subprocess.run([cli, '-u', INJ_ADDR, '-p', str(GOBGP_API_INJ), 'mrt', 'inject', 'global', mrt],
                           capture_output=True, text=True, timeout=a.setup_timeout)
        if r.returncode:
            raise RuntimeError('gobgp mrt inject: %s' % (r.stderr.strip()[:200]))
        last, t_still = -1, time.time()
        while time.time() - t_still < 3:  # gobgpd may still be taking the stream: until it settles
            c = gobgp_rib_count(GOBGP_API_INJ) or 0
            if c != last:
                last, t_still = c, time.time()
            if c >= routes:
                break
            time.sleep(0.2)
        if last >= routes:
            break
        log('gobgpd holds %d of %d after inject %d: injecting again' % (last, routes, attempt + 1))
    else:
        raise RuntimeError('gobgpd holds %d of %d routes after 5 injects' % (last, routes))
    rec['load_s'] = round(time.time() - t_load, 2)
    rec['load_injects'] = attempt + 1
    time.sleep(a.settle)
    busy = machine_busy()
    b_cpu, (b_hwm, b_rss) = proc_cpu(inj.pid), proc_mem(inj.pid)
    enables = [subprocess.Popen(['gobgp', '-u', INJ_ADDR, '-p', str(GOBGP_API_INJ), 'neighbor', peer, 'enable'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for peer, _, _ in nbrs]
    for e in enables:
        try:
            e.wait(timeout=60)
        except subprocess.TimeoutExpired:
            e.kill()
            e.wait()
    status, t_end = wait_sink_total(a, R, rec['total_routes'], inj, 'gobgpd')
    t0 = R.state()['raw'].get('t_first_est') or None
    return scale_finish(rec, R, status, t0, t_end, inj.pid, b_cpu, b_rss, busy)


# ------------------------------------------------------------------ update group members
MEMBER_SCENARIOS = ('baseline', 'slow', 'flap')


def sink_own_share(st):
    """The sink's own share of its worst KEEPALIVE gap (evbgp-sink: how far into its poll round it
    read that KEEPALIVE, how long the round before took), its longest poll round, where and when
    (wall clock) the worst gap ended (to set beside evbgpd's log), and the worst KEEPALIVE lateness
    by the kernel's arrival stamps of the reads that held them (ka_arrival_late_ms: what the sink's
    socket received, the sink's own delays in reading it left out)."""
    ms = lambda k: round((st.get(k) or 0) * 1000, 1)
    arr, hold = st.get('max_keepalive_arrival_gap_s') or 0, st.get('hold_time') or 0
    return {'ka_arrival_late_ms': round(max(0.0, arr - hold / 3.0) * 1000, 1) if arr and hold else None,
            'sink_ka_in_round_ms': ms('max_keepalive_gap_in_round_s'),
            'sink_ka_prev_round_ms': ms('max_keepalive_gap_prev_round_s'),
            'sink_max_round_ms': ms('max_poll_round_s'),
            'ka_worst_peer': st.get('max_keepalive_gap_peer') or None,
            'ka_worst_at': st.get('max_keepalive_gap_at') or None}


def sink_late_ms(st):
    """KEEPALIVE lateness one sink saw: its largest gap between two KEEPALIVEs - hold/3."""
    ka, hold = st.get('max_keepalive_gap_s') or 0, st.get('hold_time') or 0
    return round(max(0.0, ka - hold / 3.0) * 1000, 1) if ka and hold else None


def run_members(a, scenario, peers, routes, k, hold, slow_hold, flappers, flaps, flap_at):
    """One update group of `peers` members (evbgpd's scale configuration), each member its own
    evbgp-sink (--distinct: it keeps which routes it holds), `routes` routes announced to all.
    baseline: every sink reads at full speed. slow: the last member's sink is SIGSTOPped before
    the routes go out and resumed (SIGCONT) once the others hold every route; its hold time is
    `slow_hold` so that the stop is not a hold timer expiry. flap: the last `flappers` members'
    sinks are killed by PID each time they hold flap_at x routes and started again on the same
    endpoint (a new session: evbgpd reconnects after its idle hold time), `flaps` times each.
    The wall is the steady members' (not slow, not flapped): t0 = the helper's first write,
    end = the last of them holding every route."""
    assert scenario in MEMBER_SCENARIOS
    rundir = new_rundir(a, 'members-%s-p%d-r%d' % (scenario, peers, routes))
    nbrs = scale_neighbors(peers)
    slow = {peers - 1} if scenario == 'slow' else set()
    flap = set(range(peers - flappers, peers)) if scenario == 'flap' else set()
    steady = [i for i in range(peers) if i not in slow and i not in flap]
    holds = [slow_hold if i in slow else hold for i in range(peers)]
    rec = {'kind': 'members', 'scenario': scenario, 'injector': 'evbgpd', 'receiver': 'sink', 'family': 'ipv4',
           'peers': peers, 'n': routes, 'total_routes': peers * routes, 'attr_sets': k, 'hold_time': hold,
           'steady_members': len(steady), 'rundir': rundir}
    if slow:
        rec['slow_hold_time'] = slow_hold
    trigger, fstamp = os.path.join(rundir, 'go'), os.path.join(rundir, 'feed.json')
    cmds = commands_file(a.cache, routes, k, 'ipv4')
    conf = os.path.join(rundir, 'members.conf')
    with open(conf, 'w') as f:
        f.write(exastyle_conf('feed', '%s %s/feed.py --file %s --trigger %s --stamp %s' % (
            PY, HERE, cmds, trigger, fstamp), 'text', '', [(p, l, port, holds[i]) for i, (p, l, port) in
                                                           enumerate(nbrs)]))
    chk = subprocess.run([a.evbgpd, '--check', conf], capture_output=True, text=True, timeout=60)
    if chk.returncode != 0:
        raise RuntimeError('evbgpd --check refuses the row: %s' % (chk.stderr or chk.stdout).strip()[-200:])

    def sink(i, gen=0):
        return SinkReceiver(a, rundir, routes, ['%s:%d' % (nbrs[i][0], nbrs[i][2])], hold=holds[i],
                            tag='-%02d' % i + ('-f%d' % gen if gen else ''), distinct=True)
    sinks = [sink(i) for i in range(peers)]
    for R in sinks:
        R.start()
    env = exastyle_env('evbgpd')
    env['exabgp_log_level'] = 'INFO'  # the update group's lines: a member catching up from the table
    inj = spawn('evbgpd', exastyle_argv('evbgpd', conf, a), os.path.join(rundir, 'evbgpd.out'), env=env)
    end = time.time() + a.setup_timeout
    while not all(R.state()['raw'].get('established', 0) >= 1 for R in sinks):
        if inj.poll() is not None:
            raise RuntimeError('evbgpd exited rc=%s, see %s' % (inj.returncode, rundir))
        if time.time() > end:
            raise RuntimeError('only %d of %d sessions Established' % (
                sum(R.state()['raw'].get('established', 0) >= 1 for R in sinks), peers))
        time.sleep(0.05)
    time.sleep(a.settle)
    b_cpu, (b_hwm, b_rss) = proc_cpu(inj.pid), proc_mem(inj.pid)
    busy = machine_busy()
    for i in slow:
        os.kill(sinks[i].pid, signal.SIGSTOP)
    t0 = feed_go(trigger, fstamp)
    flapped, flap_times = {i: 0 for i in flap}, []
    t_steady, t_resume, status, cpu_steady = None, None, None, None
    deadline, last_total, t_progress = time.time() + a.timeout, -1, time.time()
    while status is None:
        st = [R.state() for R in sinks]
        for i in flap:  # tear down and re-establish, a bounded number of times
            if flapped[i] < flaps and st[i]['count'] >= flap_at * routes:
                flap_times.append(round(time.time() - t0, 3))
                stop(sinks[i].p, grace=2.0)
                flapped[i] += 1
                sinks[i] = sink(i, flapped[i])
                sinks[i].start()
                st[i] = sinks[i].state()
        if t_steady is None and all(st[i]['count'] >= routes for i in steady):
            t_steady = max(st[i]['t_done'] or time.time() for i in steady)
            cpu_steady = proc_cpu(inj.pid)  # before the slow member's catch-up
            for i in slow:
                t_resume = time.time()
                os.kill(sinks[i].pid, signal.SIGCONT)
        total = sum(x['count'] for x in st)
        if t_steady is not None and all(x['count'] >= routes for x in st) and \
                all(v >= flaps for v in flapped.values()):
            status = 'ok'
        elif any(st[i]['dropped'] for i in range(peers) if i not in slow or t_resume):
            status = 'session dropped: %s' % ', '.join(
                str(nbrs[i][0]) for i in range(peers) if st[i]['dropped'])
        elif inj.poll() is not None:
            status = 'evbgpd died'
        elif time.time() > deadline:
            status = 'timeout'
        elif total != last_total:
            last_total, t_progress = total, time.time()
        elif time.time() - t_progress > a.stall:
            status = 'stalled at %d of %d (no progress for %.0fs)' % (total, peers * routes, a.stall)
        if status is None:
            time.sleep(a.poll)
    for i in slow:
        if t_resume is None:
            os.kill(sinks[i].pid, signal.SIGCONT)
    e_cpu = proc_cpu(inj.pid)
    if status == 'ok':
        time.sleep(max(a.linger, 1.5))  # a KEEPALIVE or two more; anything sent late shows in held
    e_hwm, e_rss = proc_mem(inj.pid)
    raw = [R.state()['raw'] for R in sinks]
    exact = [i for i in range(peers) if raw[i].get('held') == routes and raw[i].get('withdrawn') == 0]
    if status == 'ok' and len(exact) != peers:
        status = 'inexact: %d of %d members hold exactly %d routes' % (len(exact), peers, routes)
    late = [sink_late_ms(raw[i]) for i in steady]
    rec.update({'status': status, 'wall_s': round(t_steady - t0, 4) if t_steady else None,
                'received': sum(x.get('held', 0) for x in raw),
                'members_exact': len(exact), 'inj_cpu_s': round(e_cpu - b_cpu, 2),
                'inj_cpu_steady_s': round(cpu_steady - b_cpu, 2) if cpu_steady is not None else None,
                'inj_rss_peak_mib': mib(e_hwm), 'inj_rss_before_mib': mib(b_rss), 'inj_rss_after_mib': mib(e_rss),
                'timer_late_ms': max([x for x in late if x is not None], default=None),
                **sink_own_share(max((raw[i] for i in steady), key=lambda st: sink_late_ms(st) or 0)),
                'max_msg_gap_s': round(max(raw[i].get('max_msg_gap_s') or 0 for i in steady), 4),
                'sessions_closed': sum(raw[i].get('closed', 0) for i in steady),
                'reannounced': {str(i): raw[i]['reannounced'] for i in range(peers) if raw[i].get('reannounced')},
                'machine_busy_s': round(machine_busy() - busy, 2)})
    for i in slow:
        rec.update({'slow_catchup_s': round(raw[i]['t_done'] - t_resume, 4)
                    if raw[i].get('t_done') and t_resume else None,
                    'slow_stopped_s': round(t_resume - t0, 3) if t_resume else None,
                    'slow_held': raw[i].get('held'), 'slow_announced': raw[i].get('announced'),
                    'slow_sessions_closed': raw[i].get('closed')})
    if flap:
        done = [raw[i].get('t_done') for i in flap]
        rec.update({'flaps': sum(flapped.values()), 'flap_times_s': sorted(flap_times),
                    'flaps_before_steady_done': sum(1 for t in flap_times if t_steady and t <= t_steady - t0),
                    'flapped_done_s': round(max(done) - t0, 4) if all(done) else None,
                    'flapped_held': [raw[i].get('held') for i in sorted(flap)]})
    try:
        with open(os.path.join(rundir, 'evbgpd.out'), errors='replace') as f:
            lg = f.read()
        rec['log_catchups'] = lg.count('catching up from the table')
        rec['log_group_splits'] = lg.count('encoding differs')
    except OSError:
        pass
    return rec


def members_table(rows):
    """The update-group member rows: the steady members' wall and evbgpd's peak RSS against the
    baseline row of the same round, KEEPALIVE lateness to the steady members, what the slow
    member needed after its resume, the flaps, and how many members hold the exact table."""
    out = ['| round | row | peers | routes | attr sets | steady members | wall s | x baseline wall | peak RSS MiB | '
           'x baseline RSS | KEEPALIVE late ms | slow: s to all routes after resume | flaps (before steady done) '
           '| flapped: all routes at s | caught up from table (log) | members with exact table '
           '| evbgpd CPU s to steady done | status |',
           '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    for r in [r for r in rows if r.get('kind') == 'members']:
        base = _same_run(rows, kind='members', scenario='baseline', peers=r.get('peers'), n=r.get('n'),
                         attr_sets=r.get('attr_sets'), round=r.get('round'))
        w, m = r.get('wall_s'), r.get('inj_rss_peak_mib')
        bw = base[0]['wall_s'] if base and base[0].get('wall_s') else None
        bm = base[0]['inj_rss_peak_mib'] if base and base[0].get('inj_rss_peak_mib') else None
        out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r.get('round', ''), r.get('scenario'), r.get('peers'), fnum(r.get('n')),
            'N' if r.get('attr_sets') == r.get('n') and (r.get('n') or 0) > 1000 else r.get('attr_sets'),
            r.get('steady_members', ''), fnum(w, '{:.2f}'), fnum(w / bw, '{:.2f}') if w and bw else '',
            fnum(m, '{:.1f}'), fnum(m / bm, '{:.2f}') if m and bm else '', fnum(r.get('timer_late_ms'), '{:.1f}'),
            fnum(r.get('slow_catchup_s'), '{:.2f}'),
            '%s (%s)' % (r['flaps'], r.get('flaps_before_steady_done')) if r.get('flaps') is not None else '',
            fnum(r.get('flapped_done_s'), '{:.2f}'), fnum(r.get('log_catchups')),
            '%s/%s' % (r.get('members_exact'), r.get('peers')) if r.get('members_exact') is not None else '',
            fnum(r.get('inj_cpu_steady_s'), '{:.2f}'), r.get('status')))
    return '\n'.join(out)


def _same_run(rows, **kw):
    return [o for o in rows if o.get('status') == 'ok' and all(o.get(k) == v for k, v in kw.items())]


def peers_table(rows):
    """The many-peers rows (issue 13): wall and peak RSS against the 1-peer row of the same
    injector (same routes per peer, same round of the run), evbgpd's wall against each anchor at
    the same peer count and routes, the worst KEEPALIVE lateness the sink saw."""
    out = ['| round | injector | peers | routes/peer | wall s | x 1-peer wall | peak RSS MiB | x 1-peer RSS | '
           'evbgpd wall / this | sessions up over s | KEEPALIVE late ms | status |',
           '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    for r in [r for r in rows if r.get('kind') == 'scale']:
        one = _same_run(rows, kind='scale', injector=r['injector'], peers=1, n=r['n'], round=r.get('round'))
        ev = _same_run(rows, kind='scale', injector='evbgpd', peers=r.get('peers'), n=r['n'], round=r.get('round'))
        w, m = r.get('wall_s'), r.get('inj_rss_peak_mib')
        out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r.get('round', ''), r['injector'], r.get('peers'), fnum(r.get('n')), fnum(w, '{:.2f}'),
            fnum(w / one[0]['wall_s'], '{:.2f}') if one and w else '',
            fnum(m, '{:.1f}'), fnum(m / one[0]['inj_rss_peak_mib'], '{:.2f}') if one and m else '',
            fnum(ev[0]['wall_s'] / w, '{:.3f}') if ev and w and r['injector'] != 'evbgpd' else '',
            fnum(r.get('est_spread_s'), '{:.2f}'), fnum(r.get('timer_late_ms'), '{:.1f}'), r.get('status')))
    return '\n'.join(out)


def replay_table(rows):
    """The full-table replay rows: each injector into the same BIRD, evbgpd against each anchor
    of the same round."""
    out = ['| round | injector | routes | wall s | routes/s | peak RSS MiB | CPU s | helper CPU s | helper RSS MiB '
           '| BIRD CPU s | evbgpd wall / this | busy cores before | other CPU s | status |',
           '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    for r in [r for r in rows if r.get('family') == FAMILY_TABLE]:
        ev = _same_run(rows, family=FAMILY_TABLE, injector='evbgpd', round=r.get('round'))
        w = r.get('wall_s')
        out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r.get('round', ''), r['injector'], fnum(r.get('n')), fnum(w, '{:.2f}'), fnum(r.get('routes_per_s')),
            fnum(r.get('inj_rss_peak_mib'), '{:.1f}'), fnum(r.get('inj_cpu_s'), '{:.2f}'),
            fnum(r.get('helper_cpu_s'), '{:.2f}'), fnum(r.get('helper_rss_peak_mib'), '{:.1f}'),
            fnum(r.get('recv_cpu_s'), '{:.2f}'),
            fnum(ev[0]['wall_s'] / w, '{:.3f}') if ev and w and r['injector'] != 'evbgpd' else '',
            fnum(r.get('busy_cores_before'), '{:.1f}'), fnum(r.get('other_cpu_s'), '{:.1f}'), r.get('status')))
    return '\n'.join(out)


def run_sinkcheck(a, n, k, fam):
    """evbgp-sink fed by its own --blast speaker: the receiver's ceiling."""
    rundir = new_rundir(a, 'sinkcheck-n%d-k%d' % (n, k))
    rec = {'kind': 'sinkcheck', 'injector': 'sink-blast', 'receiver': 'sink', 'family': fam, 'n': n,
           'attr_sets': k, 'rundir': rundir}
    R = SinkReceiver(a, rundir, n)
    R.start()
    out = os.path.join(rundir, 'blast.json')
    with open(out, 'wb') as f:
        b = spawn('sink-blast', [a.sink, '--blast', '%s:%d' % (RECV_ADDR, RECV_PORT), '--routes', str(n),
                                 '--attr-sets', str(k), '--max-life', '60'] + (['--ipv6'] if fam == 'ipv6' else []),
                  os.path.join(rundir, 'blast.err'), stdout=f)
    end = time.time() + 60
    status = 'ok'
    while True:
        st = R.state()
        if st['t_done']:
            break
        if time.time() > end or b.poll() is not None:
            status = 'failed'
            break
        time.sleep(0.01)
    bl = read_json(out) or {}
    wall = (st['t_done'] or time.time()) - bl.get('blast_t0', time.time())
    rec.update({'status': status, 'received': st['count'], 'wall_s': round(wall, 4),
                'routes_per_s': round(n / wall) if wall > 0 and status == 'ok' else 0,
                'recv_cpu_s': proc_cpu(R.pid)})
    stop(b)
    return rec


# ------------------------------------------------------------------ table
def fmt_k(r):
    k = r.get('attr_sets')
    return 'N' if k == r.get('n') and k and k > 1000 else str(k)


def fnum(v, fmt='{:,.0f}'):
    return '' if v is None else fmt.format(v)


def table(rows):
    out = ['Targets (issue 4):'] + ['  %s %s' % t for t in TARGETS] + ['']
    inj = [r for r in rows if r['kind'] == 'inject']
    out += ['### Inject', '',
            '| injector | receiver | fam | N | attr sets | wall s | routes/s | evbgpd/inj. peak RSS MiB | RSS B/route '
            '| inj. CPU s | helper CPU s | recv CPU s | other CPU s | KA gap s | max silence ms | status |',
            '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|']
    order = {'evbgpd': 0, 'bird': 1, 'gobgp': 2, 'exabgp': 3}
    rorder = {'sink': 0, 'bird': 1, 'gobgp': 2}
    inj.sort(key=lambda r: (r['family'], r['n'], r['attr_sets'], rorder.get(r['receiver'], 9),
                            order.get(r['injector'], 9)))
    for r in inj:
        out.append('| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r['injector'] + (' (' + r['style'] + ')' if r.get('style') == 'attributes' else ''),
            r['receiver'], r['family'].replace('ipv', 'v'), r['n'], fmt_k(r),
            fnum(r.get('wall_s'), '{:.3f}'), fnum(r.get('routes_per_s')), fnum(r.get('inj_rss_peak_mib'), '{:.1f}'),
            fnum(r.get('rss_bytes_per_route'), '{:.0f}'), fnum(r.get('inj_cpu_s'), '{:.2f}'),
            fnum(r.get('helper_cpu_s'), '{:.2f}'), fnum(r.get('recv_cpu_s'), '{:.2f}'),
            fnum(r.get('other_cpu_s'), '{:.2f}'),
            fnum(r.get('max_keepalive_gap_s'), '{:.3f}'),
            fnum(r['max_transfer_gap_s'] * 1000 if r.get('max_transfer_gap_s') is not None else None, '{:.0f}'),
            r['status'] +
            (' (%d tail routes untimed)' % r['extra_tail_routes'] if r.get('extra_tail_routes') else '')))
    # ratios against the anchors on the BIRD receiver
    out += ['', '### evbgpd vs anchors (routes/s ratio, same routes, BIRD receiver)', '',
            '| fam | N | attr sets | evbgpd routes/s | vs BIRD->BIRD | vs GoBGP | vs ExaBGP |',
            '|---|---:|---:|---:|---:|---:|---:|']
    by = {}
    for r in inj:
        if r['receiver'] == 'bird' and r['status'] == 'ok' and r.get('style') in (None, 'route'):
            by[(r['injector'], r['family'], r['n'], r['attr_sets'] if r['attr_sets'] < r['n'] else 'N')] = r

    def anchor(tool, fam, n, k):
        r = by.get((tool, fam, n, k))
        if r is None and tool == 'exabgp':  # ExaBGP's 10^6 rows are opt-in: use its 10^5 rate
            cands = [x for (t, f, nn, kk), x in by.items() if t == tool and f == fam and kk == k and nn < n]
            if cands:
                best = max(cands, key=lambda x: x['n'])
                return best, ' (its 10^%d rate)' % (len(str(best['n'])) - 1)
        return r, ''
    for (t, fam, n, k), r in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][2], str(kv[0][3]))):
        if t != 'evbgpd':
            continue
        cells = []
        for tool in ('bird', 'gobgp', 'exabgp'):
            x, note = anchor(tool, fam, n, k)
            cells.append('%.1fx%s' % (r['routes_per_s'] / x['routes_per_s'], note) if x and x['routes_per_s'] else 'n/a')
        out.append('| %s | %d | %s | %s | %s |' % (fam.replace('ipv', 'v'), n, k, fnum(r['routes_per_s']),
                                                   ' | '.join(cells)))
    rcv = [r for r in rows if r['kind'] == 'receive']
    if rcv:
        out += ['', '### Receive (BIRD static -> daemon -> JSON helper counting NLRI)', '',
                '| receiver | fam | N | attr sets | wall s | routes/s | daemon CPU s | helper CPU s | peak RSS MiB | status |',
                '|---|---|---:|---:|---:|---:|---:|---:|---:|---|']
        for r in sorted(rcv, key=lambda r: (r['family'], r['n'], r['attr_sets'], r['receiver'])):
            out.append('| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |' % (
                r['receiver'], r['family'].replace('ipv', 'v'), r['n'], fmt_k(r), fnum(r.get('wall_s'), '{:.3f}'),
                fnum(r.get('routes_per_s')), fnum(r.get('tool_cpu_s'), '{:.2f}'), fnum(r.get('helper_cpu_s'), '{:.2f}'),
                fnum(r.get('tool_rss_peak_mib'), '{:.1f}'), r['status']))
    other = [r for r in rows if r['kind'] in ('scale', 'idle', 'sinkcheck')]
    if other:
        out += ['', '### Scale, idle peers, sink ceiling', '',
                '| what | peers | routes/peer | wall s | routes/s | evbgpd CPU s | CPU % of a core | RSS B/route | KA gap s | status |',
                '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|']
        for r in other:
            out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                r['kind'] + ('' if r['kind'] != 'sinkcheck' else ' (%s, k=%s)' % (r['family'], fmt_k(r))),
                r.get('peers', 1), r.get('n'), fnum(r.get('wall_s'), '{:.3f}'), fnum(r.get('routes_per_s')),
                fnum(r.get('inj_cpu_s'), '{:.2f}'), fnum(r.get('cpu_pct_of_core'), '{:.2f}'),
                fnum(r.get('rss_bytes_per_route'), '{:.0f}'), fnum(r.get('max_keepalive_gap_s'), '{:.3f}'),
                r['status']))
    out += ['', '### Targets', ''] + verdicts(rows)
    return '\n'.join(out)


def verdicts(rows):
    ok = [r for r in rows if r.get('status') == 'ok']

    def find(**kw):
        return [r for r in ok if all(r.get(k) == v for k, v in kw.items())]
    out = []
    e = find(kind='inject', injector='evbgpd', receiver='bird', family='ipv4', n=1000000, attr_sets=1000)
    b = find(kind='inject', injector='bird', receiver='bird', family='ipv4', n=1000000, attr_sets=1000)
    out.append('- T1: ' + ('evbgpd %.3fs vs BIRD %.3fs = %.2fx -> %s' % (
        e[0]['wall_s'], b[0]['wall_s'], e[0]['wall_s'] / b[0]['wall_s'],
        'PASS' if e[0]['wall_s'] <= 1.2 * b[0]['wall_s'] else 'FAIL') if e and b else 'not measured (needs the full run)'))
    parts = []
    for k in sorted({r['attr_sets'] for r in find(kind='inject', injector='evbgpd', receiver='bird', n=100000)}):
        ev = find(kind='inject', injector='evbgpd', receiver='bird', family='ipv4', n=100000, attr_sets=k)
        ex = find(kind='inject', injector='exabgp', receiver='bird', family='ipv4', n=100000, attr_sets=k, style='route')
        go = find(kind='inject', injector='gobgp', receiver='bird', family='ipv4', n=100000, attr_sets=k)
        if ev:
            s = 'k=%s: ' % ('N' if k == 100000 else k)
            s += ('%.0fx ExaBGP %s' % (ev[0]['routes_per_s'] / ex[0]['routes_per_s'],
                                       'PASS' if ev[0]['routes_per_s'] >= 100 * ex[0]['routes_per_s'] else 'FAIL')) if ex else 'ExaBGP n/a'
            s += (', %.0fx GoBGP %s' % (ev[0]['routes_per_s'] / go[0]['routes_per_s'],
                                        'PASS' if ev[0]['routes_per_s'] >= 50 * go[0]['routes_per_s'] else 'FAIL')) if go else ', GoBGP n/a'
            parts.append(s)
    out.append('- T2: ' + ('; '.join(parts) if parts else 'not measured'))
    ceil = []
    for k in sorted({r['attr_sets'] for r in find(kind='inject', injector='bird', receiver='bird', n=100000, family='ipv4')}):
        bb = find(kind='inject', injector='bird', receiver='bird', family='ipv4', n=100000, attr_sets=k)
        go = find(kind='inject', injector='gobgp', receiver='bird', family='ipv4', n=100000, attr_sets=k)
        ex = find(kind='inject', injector='exabgp', receiver='bird', family='ipv4', n=100000, attr_sets=k, style='route')
        if bb and (go or ex):
            ceil.append('k=%s: %s%s' % ('N' if k == 100000 else k,
                                        '%.0fx GoBGP' % (bb[0]['routes_per_s'] / go[0]['routes_per_s']) if go else '',
                                        ', %.0fx ExaBGP' % (bb[0]['routes_per_s'] / ex[0]['routes_per_s']) if ex else ''))
    if ceil:
        out.append('  (ceiling on this receiver: BIRD->BIRD itself is ' + '; '.join(ceil) + ')')
    s = find(kind='inject', injector='evbgpd', receiver='sink', style='route')
    out.append('- T3: ' + (', '.join('%s n=%d k=%s %s/s' % (r['family'], r['n'], fmt_k(r), fnum(r['routes_per_s']))
                                     for r in s) + (' -> %s' % ('PASS' if min(r['routes_per_s'] for r in s) >= 2e6 else 'FAIL'))
                           if s else 'not measured'))
    sa = find(kind='inject', injector='evbgpd', receiver='sink', style='attributes')
    if sa:
        out.append('  (batched `announce attributes ... nlri` x1000, grouped by MED: ' +
                   ', '.join('n=%d k=%s %s/s' % (r['n'], fmt_k(r), fnum(r['routes_per_s'])) for r in sa) + ')')
    m = [r for r in s if r.get('rss_bytes_per_route') is not None]
    if m:
        big = max(r['n'] for r in m)
        mm = [r for r in m if r['n'] == big]
        out.append('- T4: at N=%d: %s B/route -> %s' % (big, ', '.join('k=%s %.0f' % (fmt_k(r), r['rss_bytes_per_route']) for r in mm),
                                                        'PASS' if max(r['rss_bytes_per_route'] for r in mm) <= 100 else 'FAIL'))
    else:
        out.append('- T4: not measured')
    rv = [r for r in rows if r.get('kind') == 'receive' and r.get('receiver') == 'evbgpd']
    out.append('- T5: ' + (', '.join('%s n=%d k=%s %s/s%s' % (r['family'], r['n'], fmt_k(r), fnum(r.get('routes_per_s')),
                                                            '' if r['status'] == 'ok' else ' (%s)' % r['status'])
                                     for r in rv)
                           + ' -> %s' % ('PASS' if all(r['status'] == 'ok' and r['routes_per_s'] >= 5e5 for r in rv)
                                         else 'FAIL') if rv else 'not measured'))
    tl = [r for r in rows if r.get('injector') == 'evbgpd' and r.get('receiver') == 'sink']
    lates = [r['timer_late_ms'] for r in tl if r.get('timer_late_ms') is not None]
    drops = [r for r in tl if r.get('status') == 'session dropped' or (r.get('sessions_closed') or 0) > 0]
    sil = [r['max_transfer_gap_s'] * 1000 for r in tl if r.get('max_transfer_gap_s') is not None]
    out.append('- T6: %s keepalive gaps measured, worst late %s ms, %d session drops -> %s'
               ' (longest silence from evbgpd during a transfer: %s ms)' % (
        len(lates), max(lates) if lates else 'n/a', len(drops),
        'PASS' if lates and max(lates) <= 50 and not drops else ('FAIL' if lates or drops else 'n/a'),
        '%.0f' % max(sil) if sil else 'n/a'))
    idle = find(kind='idle')
    out.append('- T7: ' + ('%d peers: %.2f %% of a core -> %s' % (idle[0]['peers'], idle[0]['cpu_pct_of_core'],
                                                                 'PASS' if idle[0]['cpu_pct_of_core'] < 2 else 'FAIL')
                           if idle else 'not measured'))
    return out


# ------------------------------------------------------------------ matrix
def matrix_rows(a):
    ns = [100000] if a.quick else [100000, 1000000]
    rows = []
    for n in ns:
        if n == ns[0]:
            rows.append(('sinkcheck', dict(n=1000000, k=1, fam='ipv4')))
            rows.append(('sinkcheck', dict(n=1000000, k=1000000, fam='ipv4')))
        for k in (1, 1000, n):
            for inj, rcv in (('evbgpd', 'sink'), ('evbgpd', 'bird'), ('bird', 'bird'), ('gobgp', 'bird'),
                             ('exabgp', 'bird'), ('evbgpd', 'gobgp')):
                if inj == 'exabgp' and n > 100000 and not a.with_slow_anchors:
                    continue
                if rcv == 'gobgp' and n > 100000 and not a.with_slow_anchors:
                    continue
                rows.append(('inject', dict(injector=inj, receiver=rcv, n=n, k=k, fam='ipv4')))
        # the same routes as `announce attributes ... nlri` lines of 1,000 prefixes: shows how much
        # of evbgpd's time goes to parsing one command per route
        for k in (1, 1000):
            rows.append(('inject', dict(injector='evbgpd', receiver='sink', n=n, k=k, fam='ipv4', style='attributes')))
        for inj, rcv in (('evbgpd', 'sink'), ('evbgpd', 'bird'), ('bird', 'bird'), ('exabgp', 'bird')):
            if inj == 'exabgp' and n > 100000 and not a.with_slow_anchors:
                continue
            rows.append(('inject', dict(injector=inj, receiver=rcv, n=n, k=1000, fam='ipv6')))
        for rcv in ('evbgpd', 'exabgp'):
            for k in (1, n):
                if rcv == 'exabgp' and n > 100000 and not a.with_slow_anchors:
                    continue
                rows.append(('receive', dict(receiver=rcv, n=n, k=k, fam='ipv4')))
    # evbgpd keys neighbors by peer address and we may use only 20 (127.0.0.201-220): the 100 and
    # 1,000 peer rows are tried (they need evbgpd to accept one peer address on several
    # local-address/connect-port pairs, as ExaBGP does) and 20-peer rows stand in meanwhile.
    rows.append(('scale', dict(peers=100, routes=10000)))
    rows.append(('scale', dict(peers=20, routes=10000)))
    rows.append(('idle', dict(peers=1000, seconds=20 if a.quick else 60)))
    # 20 peers with hold 3 (a KEEPALIVE per peer per second each way) carry about the message
    # rate of 1,000 peers at hold 90 (33/s): a stand-in for the timer/IO load, not the fd count
    rows.append(('idle', dict(peers=20, seconds=20 if a.quick else 60, hold=3)))
    return rows


def row_label(what, kw):
    """e.g. 'inject evbgpd>bird ipv4 n=100000 k=1000 route' (what --only matches)."""
    if what == 'inject':
        return 'inject %s>%s %s n=%d k=%d %s' % (kw['injector'], kw['receiver'], kw['fam'], kw['n'], kw['k'],
                                                kw.get('style', 'route'))
    if what == 'receive':
        return 'receive bird>%s %s n=%d k=%d' % (kw['receiver'], kw['fam'], kw['n'], kw['k'])
    return '%s %s' % (what, ' '.join('%s=%s' % kv for kv in sorted(kw.items())))


def run_one(a, what, kw, retry=True):
    rec = run_one_try(a, what, kw)
    # a row whose receiver never got a single route (seen twice in ~100 rows: BIRD logged
    # 'Missing next hop address' and held nothing) is run once more; both records are kept
    if retry and str(rec.get('status', '')).startswith('stalled at 0 '):
        log('nothing arrived at all: running the row once more')
        rec = run_one_try(a, what, kw)
        rec['retry_of_failed_row'] = True
    return rec


def run_one_try(a, what, kw):
    log('=== %s %s' % (what, kw))
    quiet = wait_quiet(a.quiet_wait) if a.quiet_wait > 0 else None
    try:
        if what == 'inject':
            rec = run_inject(a, kw['injector'], kw['receiver'], kw['n'], kw['k'], kw['fam'], kw.get('style', 'route'))
        elif what == 'receive' and kw.get('sender') == 'blast':
            rec = run_receive_blast(a, kw['receiver'], kw['n'], kw['k'], kw['fam'])
        elif what == 'receive':
            rec = run_receive(a, kw['receiver'], kw['n'], kw['k'], kw['fam'])
        elif what == 'scale' and kw.get('injector') == 'bird':
            rec = run_scale_bird(a, kw['peers'], kw['routes'], hold=kw.get('hold', 3))
        elif what == 'scale' and kw.get('injector') == 'gobgp':
            rec = run_scale_gobgp(a, kw['peers'], kw['routes'], hold=kw.get('hold', 3))
        elif what == 'scale':
            rec = run_scale(a, kw['peers'], kw['routes'], hold=kw.get('hold', 90),
                            injector=kw.get('injector', 'evbgpd'))
        elif what == 'idle':
            rec = run_scale(a, kw['peers'], 0, idle_seconds=kw['seconds'], hold=kw.get('hold', 90))
        elif what == 'members':
            rec = run_members(a, kw['scenario'], kw['peers'], kw['routes'], kw['k'], kw['hold'], kw['slow_hold'],
                              kw['flappers'], kw['flaps'], kw['flap_at'])
        elif what == 'sinkcheck':
            rec = run_sinkcheck(a, kw['n'], kw['k'], kw['fam'])
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        log('ERROR', e)
        rec = {'kind': what, 'injector': kw.get('injector', 'evbgpd' if what in ('scale', 'idle') else 'bird'),
               'receiver': kw.get('receiver', 'sink'), 'family': kw.get('fam', 'ipv4'),
               'n': kw.get('n', kw.get('routes', 0)), 'attr_sets': kw.get('k', 1), 'peers': kw.get('peers'),
               'status': 'error: %s' % e}
        if what == 'members':
            rec.update({'scenario': kw['scenario'], 'attr_sets': kw['k']})
    finally:
        stop_all()
    rd = rec.get('rundir')
    if rd and os.path.isdir(rd):  # what the daemon under test complained about
        warn = []
        try:  # the BIRD receiver's complaints (e.g. 'Missing next hop address', seen on rare runs)
            with open(os.path.join(rd, 'recv.log'), errors='replace') as f:
                rw = [l.strip() for l in f if '<WARN>' in l or '<ERR>' in l]
            if rw:
                rec['receiver_warning'] = rw[0][:300]
        except OSError:
            pass
        for fn in ('inject.out', 'receiver.out', 'evbgpd.out'):
            try:
                with open(os.path.join(rd, fn), errors='replace') as f:
                    warn += [l.strip() for l in f if re.search(r'warn|error|crit', l, re.I)]
            except OSError:
                pass
        if warn:
            rec['daemon_warnings'] = len(warn)
            rec['daemon_warning_first'] = warn[0][:300]
        rec.update(evbgpd_stalls(rd))
    rec['busy_cores_before'] = quiet
    if kw.get('round'):
        rec['round'] = kw['round']
    rec['time'] = time.strftime('%Y-%m-%d %H:%M:%S')
    log('--> %s %s routes/s wall %s' % (rec.get('status'), rec.get('routes_per_s', rec.get('cpu_pct_of_core')),
                                          rec.get('wall_s')))
    if a.results:
        with open(a.results, 'a') as f:
            f.write(json.dumps(rec) + '\n')
    if rec.get('status') == 'ok' and not a.keep and rec.get('rundir'):
        shutil.rmtree(rec['rundir'], ignore_errors=True)
    return rec


STALL_CB = re.compile(r'event loop: ([0-9.]+) ms in one callback: (.*?)(?: \(and (\d+) more over \d+ ms\))?$')
STALL_TICK = re.compile(r'event loop: timers ran ([0-9.]+) ms late(?:; the longest callback since the last tick: '
                        r'([0-9.]+) ms, (.*))?$')  # (.*): "WHAT; the longest turn: N ms, K callbacks"
STALL_MAX = re.compile(r'event loop: the longest timer delay seen was ([0-9.]+) ms')


def evbgpd_stalls(rd):
    """What evbgpd's log says held its event loop (src/loop_watch.c, daemon.c health_cb): its
    callbacks over 20 ms (what they were), late ticks with their cause, the worst timer delay
    (evbgpd_max_late_ms: at INFO evbgpd logs it at its exit)."""
    out, cbs, ticks = {}, [], []
    try:
        name = next(fn for fn in ('evbgpd.out', 'inject.out', 'receiver.out', 'absent')
                    if fn == 'absent' or os.path.exists(os.path.join(rd, fn)))
        with open(os.path.join(rd, name), errors='replace') as f:
            for line in f:
                line = line.rstrip()
                m = STALL_CB.search(line)
                if m:
                    cbs.append('%s ms %s%s' % (m.group(1), m.group(2),
                                              ' (+%s held back)' % m.group(3) if m.group(3) else ''))
                    continue
                m = STALL_TICK.search(line)
                if m:
                    ticks.append('%s ms late%s' % (m.group(1), ' (%s ms %s)' % (m.group(2), m.group(3))
                                                   if m.group(2) else ''))
                    continue
                m = STALL_MAX.search(line)
                if m:
                    out['evbgpd_max_late_ms'] = float(m.group(1))
    except OSError:
        return out
    if cbs:
        out['evbgpd_slow_callbacks'] = len(cbs)
        out['evbgpd_slow_callback_list'] = cbs[:40]
    if ticks:
        out['evbgpd_late_ticks_logged'] = ticks[:20]
    return out


def run_rounds(a, what, plan):
    """Run the plan a.repeat times (round 1, 2, ...): the rows of one round run back to back, so
    evbgpd and its anchors see the same machine."""
    rows = []
    for rnd in range(1, max(1, a.repeat) + 1):
        for kw in plan:
            rows.append(run_one(a, what, dict(kw, round=rnd)))
    return rows


def versions(a):
    def first(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=20)
            return ((r.stdout + r.stderr).strip().splitlines() or [''])[0]
        except Exception as e:
            return 'n/a (%s)' % e
    return {'evbgpd': first([a.evbgpd, '--version']), 'bird': first(['bird', '--version']),
            'exabgp': first(['exabgp', '--version']), 'gobgpd': first(['gobgpd', '--version']),
            'python': sys.version.split()[0], 'kernel': os.uname().release, 'cpus': os.cpu_count()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)

    def common(p):
        p.add_argument('--evbgpd', default=os.path.join(ROOT, 'build-bench', 'evbgpd'))
        p.add_argument('--sink', default=None, help='evbgp-sink binary (default: beside --evbgpd)')
        p.add_argument('--rundir', default='/tmp/evbgp-bench')
        p.add_argument('--results', default=None, help='append JSONL records here')
        p.add_argument('--timeout', type=float, default=600, help='max s for one transfer')
        p.add_argument('--setup-timeout', type=float, default=120)
        p.add_argument('--stall', type=float, default=30, help='give a row up after this many s without progress')
        p.add_argument('--settle', type=float, default=0.5, help='idle s after Established before t0')
        p.add_argument('--poll', type=float, default=0.01)
        p.add_argument('--linger', type=float, default=0.0, help='s to keep a sink row up after done')
        p.add_argument('--batch', type=int, default=1000)
        p.add_argument('--quiet-wait', type=float, default=20, help='max s to wait for a quiet machine per row')
        p.add_argument('--gobgp-cli-fixed', default=None,
                       help='a gobgp CLI whose `mrt inject` waits for the server (bench/tools/gobgp-cli-fixed.sh)')
        p.add_argument('--keep', action='store_true', help='keep run directories')
        p.add_argument('--table-v4', type=int, default=1000000, help='full-table replay: IPv4 prefixes')
        p.add_argument('--table-v6', type=int, default=200000, help='full-table replay: IPv6 prefixes')
        p.add_argument('--table-seed', type=int, default=13, help='full-table replay: generator seed')
        p.add_argument('--replay-style', choices=['attributes', 'route'], default='attributes')
        p.add_argument('--replay-batch', type=int, default=200, help='prefixes per `announce attributes` line')
    p = sub.add_parser('matrix')
    common(p)
    p.add_argument('--quick', action='store_true')
    p.add_argument('--with-slow-anchors', action='store_true')
    p.add_argument('--only', default=None, help="regex on row labels, e.g. 'inject evbgpd>' or 'n=1000000 k=1000 '")
    p.add_argument('--out', default=os.path.join(HERE, 'results'))
    p = sub.add_parser('inject')
    common(p)
    p.add_argument('--injector', choices=['evbgpd', 'exabgp', 'gobgp', 'bird'], required=True)
    p.add_argument('--receiver', choices=['sink', 'bird', 'gobgp'], default='bird')
    p.add_argument('--n', type=int, default=100000)
    p.add_argument('--attr-sets', default='1', help="1, K or 'N' (unique MED)")
    p.add_argument('--family', choices=['ipv4', 'ipv6', FAMILY_FLOW4, FAMILY_VPN4], default='ipv4')
    p.add_argument('--style', choices=['route', 'attributes'], default='route')
    p = sub.add_parser('receive')
    common(p)
    p.add_argument('--receiver', choices=['evbgpd', 'exabgp'], default='evbgpd')
    p.add_argument('--sender', choices=['bird', 'blast'], default='bird',
                   help="blast: evbgp-sink's speaker, faster than BIRD (evbgpd only)")
    p.add_argument('--n', type=int, default=100000)
    p.add_argument('--attr-sets', default='1')
    p.add_argument('--family', choices=['ipv4', 'ipv6'], default='ipv4')
    p.add_argument('--adj-rib-in', choices=['true', 'false'], default='true',
                   help="the receiver's adj-rib-in (blast sender): false shows what it costs")
    p = sub.add_parser('scale')
    common(p)
    p.add_argument('--peers', type=int, default=100)
    p.add_argument('--routes', type=int, default=10000)
    p.add_argument('--hold', type=int, default=90)
    p.add_argument('--injector', choices=['evbgpd', 'bird'], default='evbgpd')
    p = sub.add_parser('peers', help='10^6 routes to 1/20/50 peers, BIRD anchor, ratio table')
    common(p)
    p.add_argument('--routes', type=int, default=1000000)
    p.add_argument('--peer-counts', default='1,20,50')
    p.add_argument('--bird-peer-counts', default='1,20')
    p.add_argument('--hold', type=int, default=3, help='offered by the sink: KEEPALIVE every hold/3 s')
    p.add_argument('--anchor-routes', type=int, default=100000)
    p.add_argument('--anchor-peer-counts', default='1,20')
    p.add_argument('--anchors', default='evbgpd,gobgp,exabgp',
                   help='injectors run at --anchor-routes (evbgpd too: its wall is compared with theirs)')
    p.add_argument('--repeat', type=int, default=1, help='run the whole set this many times')
    p = sub.add_parser('replay', help='full-table replay (generated MRT dump) into BIRD, GoBGP and ExaBGP anchors')
    common(p)
    p.add_argument('--injectors', default='evbgpd,gobgp,exabgp')
    p.add_argument('--repeat', type=int, default=1, help='run the whole set this many times')
    p = sub.add_parser('members', help='one update group: a slow member, flapping members, against a baseline')
    common(p)
    p.add_argument('--routes', type=int, default=1000000)
    p.add_argument('--peers', type=int, default=20)
    p.add_argument('--attr-sets', default='N', help="1, K or 'N' (unique MED: a log of ~60 MB, past the 8 MiB "
                   "a member may lag before it catches up from the table)")
    p.add_argument('--scenarios', default=','.join(MEMBER_SCENARIOS), help='baseline,slow,flap')
    p.add_argument('--hold', type=int, default=3, help='offered by the sinks: KEEPALIVE every hold/3 s')
    p.add_argument('--slow-hold', type=int, default=240, help="the stopped member's hold time (neighbor and sink)")
    p.add_argument('--flappers', type=int, default=5, help='members torn down and re-established (flap row)')
    p.add_argument('--flaps', type=int, default=2, help='times each flapper is torn down')
    p.add_argument('--flap-at', type=float, default=0.3, help='a flapper is torn down once it holds this share')
    p.add_argument('--repeat', type=int, default=1, help='run the whole set this many times')
    p = sub.add_parser('idle')
    common(p)
    p.add_argument('--peers', type=int, default=1000)
    p.add_argument('--seconds', type=float, default=60)
    p.add_argument('--hold', type=int, default=90)
    p = sub.add_parser('sinkcheck')
    common(p)
    p.add_argument('--n', type=int, default=1000000)
    p.add_argument('--attr-sets', default='1')
    p.add_argument('--family', choices=['ipv4', 'ipv6'], default='ipv4')
    p = sub.add_parser('table')
    p.add_argument('files', nargs='+')
    a = ap.parse_args()
    if a.cmd == 'members':  # before anything starts: one sink per member, on 127.0.0.201-220
        scen = [x for x in a.scenarios.split(',') if x]
        if not scen or set(scen) - set(MEMBER_SCENARIOS) or not 2 <= a.peers <= len(SCALE_ADDRS) or \
                not 0 < a.flap_at <= 1 or not 0 <= a.flappers < a.peers or not 0 <= a.flaps <= 10 or a.routes < 1:
            ap.error('members: --scenarios from %s, --peers 2-%d, --flap-at in (0, 1], fewer --flappers than '
                     'peers, --flaps 0-10, --routes >= 1' % (','.join(MEMBER_SCENARIOS), len(SCALE_ADDRS)))
    if a.cmd == 'table':
        rows = []
        for fn in a.files:
            with open(fn) as f:
                rows += [json.loads(l) for l in f if l.strip()]
        if any(r.get('kind') == 'members' for r in rows):
            print(members_table(rows))
        elif any(r.get('kind') == 'scale' and r.get('round') for r in rows):
            print(peers_table(rows))
        elif any(r.get('family') == FAMILY_TABLE for r in rows):
            print(replay_table(rows))
        else:
            print(table(rows))
        return
    for ad in (RECV_ADDR, INJ_ADDR) + tuple(SCALE_ADDRS):
        check_loopback(ad)
    a.evbgpd = os.path.abspath(a.evbgpd)
    a.sink = os.path.abspath(a.sink or os.path.join(os.path.dirname(a.evbgpd), 'evbgp-sink'))
    for b in (a.evbgpd, a.sink):
        if not os.access(b, os.X_OK):
            raise SystemExit('%s not built' % b)
    a.cache = os.path.join(a.rundir, 'cache')
    os.makedirs(a.cache, exist_ok=True)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        if a.cmd == 'matrix':
            stampname = time.strftime('%Y%m%d-%H%M%S') + ('-quick' if a.quick else '')
            os.makedirs(a.out, exist_ok=True)
            a.results = a.results or os.path.join(a.out, stampname + '.jsonl')
            a.linger = a.linger or 2.5
            with open(os.path.join(a.out, stampname + '.versions.json'), 'w') as f:
                json.dump(versions(a), f, indent=1)
            rows = []
            plan = matrix_rows(a)
            if a.only:
                plan = [(w, kw) for w, kw in plan if re.search(a.only, row_label(w, kw))]
            t_start = time.time()
            for i, (what, kw) in enumerate(plan):
                log('[%d/%d, %.0fs elapsed]' % (i + 1, len(plan), time.time() - t_start))
                rows.append(run_one(a, what, kw))
            try:
                md = table(rows)
            except Exception as e:  # keep the run: the JSONL is written; `bench.py table` can retry
                md = 'table failed: %r (records in %s)' % (e, a.results)
            hdr = '# evbgp benchmark %s\n\n%s\n\n' % (stampname, json.dumps(versions(a)))
            with open(os.path.join(a.out, stampname + '.md'), 'w') as f:
                f.write(hdr + md + '\n')
            print(md)
            shutil.copyfile(os.path.join(a.out, stampname + '.md'), os.path.join(a.out, 'latest.md'))
            log('results: %s and %s' % (a.results, os.path.join(a.out, stampname + '.md')))
            log('total %.0fs' % (time.time() - t_start))
            return
        if a.cmd in ('peers', 'replay', 'members') and not a.results:  # keep the records beside the matrix's
            os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
            a.results = os.path.join(HERE, 'results', '%s-%s.jsonl' % (time.strftime('%Y%m%d-%H%M%S'), a.cmd))
            log('records: %s' % a.results)
        k = None
        if hasattr(a, 'attr_sets'):
            k = getattr(a, 'n', None) or a.routes if a.attr_sets in ('N', 'unique') else int(a.attr_sets)
        if a.cmd == 'inject':
            rec = run_one(a, 'inject', dict(injector=a.injector, receiver=a.receiver, n=a.n, k=k, fam=a.family,
                                            style=a.style))
        elif a.cmd == 'receive':
            rec = run_one(a, 'receive', dict(receiver=a.receiver, n=a.n, k=k, fam=a.family, sender=a.sender))
        elif a.cmd == 'scale':
            rec = run_one(a, 'scale', dict(peers=a.peers, routes=a.routes, hold=a.hold, injector=a.injector))
        elif a.cmd == 'peers':
            plan = []
            for inj, counts in (('evbgpd', a.peer_counts), ('bird', a.bird_peer_counts)):
                for pc in [int(x) for x in counts.split(',') if x]:
                    plan.append(dict(peers=pc, routes=a.routes, hold=a.hold, injector=inj))
            for pc in [int(x) for x in a.anchor_peer_counts.split(',') if x]:
                for inj in [x for x in a.anchors.split(',') if x]:  # pairs: each anchor beside evbgpd
                    plan.append(dict(peers=pc, routes=a.anchor_routes, hold=a.hold, injector=inj))
            rows = run_rounds(a, 'scale', plan)
            print(peers_table(rows))
            sys.exit(0 if all(r.get('status') == 'ok' for r in rows) else 1)
        elif a.cmd == 'replay':
            n = a.table_v4 + a.table_v6
            log('full table: %s' % json.dumps(table_info(a)))  # generated once, before any clock
            if 'gobgp' in a.injectors:
                table_mrt(a, 0 if a.gobgp_cli_fixed else max(5000, n // 10), mp_full=True)
            plan = [dict(injector=inj, receiver='bird', n=n, k=0, fam=FAMILY_TABLE)
                    for inj in a.injectors.split(',') if inj]
            rows = run_rounds(a, 'inject', plan)
            print(replay_table(rows))
            sys.exit(0 if all(r.get('status') == 'ok' for r in rows) else 1)
        elif a.cmd == 'members':
            plan = [dict(scenario=x, peers=a.peers, routes=a.routes, k=k, hold=a.hold, slow_hold=a.slow_hold,
                         flappers=a.flappers, flaps=a.flaps, flap_at=a.flap_at) for x in a.scenarios.split(',') if x]
            rows = run_rounds(a, 'members', plan)
            print(members_table(rows))
            sys.exit(0 if all(r.get('status') == 'ok' for r in rows) else 1)
        elif a.cmd == 'idle':
            rec = run_one(a, 'idle', dict(peers=a.peers, seconds=a.seconds, hold=a.hold))
        else:
            rec = run_one(a, 'sinkcheck', dict(n=a.n, k=k, fam=a.family))
        print(json.dumps(rec))
        sys.exit(0 if rec.get('status') == 'ok' else 1)
    finally:
        stop_all()


if __name__ == '__main__':
    main()
