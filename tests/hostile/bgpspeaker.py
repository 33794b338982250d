"""A raw BGP speaker for hostile tests: builds any message, well formed
or not, byte for byte, and reads what the other side answers.

Standard library only. Nothing here checks what it sends: a test says
exactly which bytes go on the wire (a wrong length, a bad marker, an
attribute past its field) and reads the answer.
"""
import socket
import struct
import time

OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE_REFRESH = 1, 2, 3, 4, 5
MARKER = b"\xff" * 16

# attribute flags
OPTIONAL, TRANSITIVE, PARTIAL, EXTLEN = 0x80, 0x40, 0x20, 0x10

# capability codes
CAP_MP, CAP_RR, CAP_EXTNH, CAP_EXTMSG = 1, 2, 5, 6
CAP_ASN4, CAP_ADDPATH, CAP_ERR = 65, 69, 70


def header(mtype, body, length=None, marker=MARKER):
    """A header for body; length overrides the computed one."""
    if length is None:
        length = 19 + len(body)
    return marker + struct.pack("!HB", length, mtype)


def message(mtype, body=b"", length=None, marker=MARKER):
    return header(mtype, body, length, marker) + body


def keepalive():
    return message(KEEPALIVE)


def capability(code, value=b""):
    return bytes([code, len(value)]) + value


def cap_mp(afi, safi):
    return capability(CAP_MP, struct.pack("!HBB", afi, 0, safi))


def cap_asn4(asn):
    return capability(CAP_ASN4, struct.pack("!I", asn))


def opt_param_caps(caps):
    """One optional parameter (type 2) holding the capabilities."""
    value = b"".join(caps)
    return bytes([2, len(value)]) + value


def open_body(asn=65002, hold=90, bgp_id="10.0.0.2", caps=None,
              version=4, params=None, my_as=None):
    """An OPEN body. caps: capability TLVs (default 4-octet AS, IPv4 and
    IPv6 unicast, route refresh); params: raw optional parameters
    instead of the capabilities parameter."""
    if caps is None:
        caps = [cap_mp(1, 1), cap_mp(2, 1), capability(CAP_RR),
                cap_asn4(asn)]
    if params is None:
        params = opt_param_caps(caps) if caps else b""
    if my_as is None:
        my_as = asn if asn <= 0xFFFF else 23456
    return (struct.pack("!BHH", version, my_as, hold) +
            socket.inet_aton(bgp_id) + bytes([len(params)]) + params)


def open_msg(**kw):
    return message(OPEN, open_body(**kw))


def notification(code, subcode, data=b""):
    return message(NOTIFICATION, bytes([code, subcode]) + data)


def route_refresh(afi=1, safi=1, subtype=0):
    return message(ROUTE_REFRESH, struct.pack("!HBB", afi, subtype, safi))


# ---- UPDATE pieces ----

def attr(flags, code, value, extlen=None):
    """An attribute; the extended length flag is set when the value
    needs it (or when extlen says so)."""
    if extlen is None:
        extlen = len(value) > 255 or bool(flags & EXTLEN)
    if extlen:
        return struct.pack("!BBH", flags | EXTLEN, code, len(value)) + value
    return struct.pack("!BBB", flags & ~EXTLEN, code, len(value)) + value


def origin(value=0):
    return attr(TRANSITIVE, 1, bytes([value]))


def as_path(asns=(65002,), seg_type=2, asn4=True):
    if not asns:
        return attr(TRANSITIVE, 2, b"")
    fmt = "!I" if asn4 else "!H"
    value = b""
    for i in range(0, len(asns), 255):
        chunk = asns[i:i + 255]
        value += bytes([seg_type, len(chunk)])
        value += b"".join(struct.pack(fmt, a) for a in chunk)
    return attr(TRANSITIVE, 2, value)


def next_hop(addr="10.0.0.2"):
    return attr(TRANSITIVE, 3, socket.inet_aton(addr))


def local_pref(value=100):
    return attr(TRANSITIVE, 5, struct.pack("!I", value))


def communities(values):
    return attr(OPTIONAL | TRANSITIVE, 8,
                b"".join(struct.pack("!I", v) for v in values))


def aggregator(asn, router="10.0.0.2", asn4=True):
    fmt = "!I" if asn4 else "!H"
    return attr(OPTIONAL | TRANSITIVE, 7,
                struct.pack(fmt, asn) + socket.inet_aton(router))


def prefix(text):
    """NLRI encoding of "a.b.c.d/len" or an IPv6 prefix."""
    addr, plen = text.split("/")
    plen = int(plen)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    raw = socket.inet_pton(fam, addr)
    return bytes([plen]) + raw[:(plen + 7) // 8]


def mp_reach(afi, safi, nh, nlri, nh_raw=None):
    if nh_raw is None:
        fam = socket.AF_INET6 if afi == 2 else socket.AF_INET
        nh_raw = socket.inet_pton(fam, nh)
    value = (struct.pack("!HBB", afi, safi, len(nh_raw)) + nh_raw + b"\0" +
             b"".join(prefix(p) for p in nlri))
    return attr(OPTIONAL, 14, value)


def mp_unreach(afi, safi, nlri):
    value = struct.pack("!HB", afi, safi) + b"".join(prefix(p) for p in nlri)
    return attr(OPTIONAL, 15, value)


def update_body(withdrawn=b"", attrs=b"", nlri=b"", wlen=None, alen=None):
    if wlen is None:
        wlen = len(withdrawn)
    if alen is None:
        alen = len(attrs)
    return struct.pack("!H", wlen) + withdrawn + struct.pack("!H", alen) + \
        attrs + nlri


def update(withdrawn=(), attrs=b"", nlri=(), **kw):
    w = b"".join(prefix(p) for p in withdrawn)
    n = b"".join(prefix(p) for p in nlri)
    return message(UPDATE, update_body(w, attrs, n, **kw))


def ebgp_attrs(nh="10.0.0.2", asns=(65002,)):
    return origin() + as_path(asns) + next_hop(nh)


# ---- a connection ----

class Closed(Exception):
    """The other side closed the connection (or reset it)."""


class Speaker:
    """One TCP connection to the daemon under test."""

    def __init__(self, host, port=179, source=None, timeout=10.0,
                 rcvbuf=None):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if source is not None:
            self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.buf = b""
        self.closed = False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data, chunk=None, delay=0.0):
        """Send bytes, optionally in chunks with a delay between them."""
        try:
            if chunk is None:
                self.sock.sendall(data)
                return
            for i in range(0, len(data), chunk):
                self.sock.sendall(data[i:i + chunk])
                if delay:
                    time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e))

    def _fill(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                self.closed = True
                raise Closed("reset")
            if not data:
                self.closed = True
                raise Closed("eof")
            self.buf += data
            return True

    def recv(self, timeout=10.0):
        """The next whole message as (type, body), or None on timeout.
        Raises Closed when the connection ends first."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 19:
                length = struct.unpack("!H", self.buf[16:18])[0]
                if length < 19:
                    raise ValueError("daemon sent length %d" % length)
                if len(self.buf) >= length:
                    msg = self.buf[:length]
                    self.buf = self.buf[length:]
                    if msg[:16] != MARKER:
                        raise ValueError("daemon sent a bad marker")
                    return msg[18], msg[19:]
            if self.closed:
                raise Closed("eof")
            if not self._fill(deadline):
                return None

    def recv_type(self, want, timeout=10.0):
        """Skip KEEPALIVEs and UPDATEs until a message of type want."""
        deadline = time.monotonic() + timeout
        while True:
            m = self.recv(max(0.0, deadline - time.monotonic()))
            if m is None:
                return None
            if m[0] == want:
                return m
            if m[0] == NOTIFICATION:
                raise Closed("notification %d/%d" % (m[1][0], m[1][1]))

    def notification(self, timeout=10.0):
        """Read until a NOTIFICATION: (code, subcode, data), or None if
        the connection closed (or timed out) without one."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                m = self.recv(max(0.0, deadline - time.monotonic()))
                if m is None:
                    return None
                if m[0] == NOTIFICATION:
                    return m[1][0], m[1][1], m[1][2:]
        except Closed:
            return None

    def quiet_for(self, seconds):
        """True when nothing but KEEPALIVEs and UPDATEs arrives for that
        long and the connection stays open."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                m = self.recv(max(0.0, deadline - time.monotonic()))
                if m is None:
                    return True
                if m[0] == NOTIFICATION:
                    return False
        except Closed:
            return False

    def establish(self, timeout=15.0, **open_kw):
        """OPEN, KEEPALIVE both ways. Returns the daemon's OPEN body."""
        self.send(open_msg(**open_kw))
        m = self.recv_type(OPEN, timeout)
        if m is None:
            raise Closed("no OPEN from the daemon")
        self.send(keepalive())
        if self.recv_type(KEEPALIVE, timeout) is None:
            raise Closed("no KEEPALIVE from the daemon")
        return m[1]
