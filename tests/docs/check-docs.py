#!/usr/bin/env python3
"""The documentation agrees with itself and with the code.

  links    every link and cross-reference in README.md, ARCHITECTURE.md,
           docs/*.md, tests/README.md, bench/README.md (and the Markdown
           files they link to) resolves: [text](file) to a file of the
           tree, [text](file#section) and [text](#section) to a heading
           there, a `path/in/the/tree` in code to a file or directory,
           name(N) of our programs to a man page we ship, and
           "name(N), SECTION" to a section of that page;
  man      every page built from docs/*.md (BUILD/man) renders with no
           warning (man -l --warnings at 80 columns, groff -ww -z), and
           every docs/*.md shaped as a man page is built;
  options  for evbgpd, evbgpctl and evbgp-healthcheck the options in the
           code (getopt tables, the healthcheck's option table), in
           --help and in the man page's OPTIONS section are the same set,
           and each appears in the rendered man page;
  grammar  the COMMANDS of evbgpctl(8) are the daemon's grammar (the
           forms `evbgpctl --help` prints from api_help_lines);
  support  the address-family table of docs/support.md matches what
           `evbgpd --check` accepts (its "Keeping this page true").

Usage: tests/docs/check-docs.py BUILD_DIR [CHECK...]
Prints "ok: ..." / "FAIL: ..." lines and "N passed, M failed"; exit 0
only if all passed.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(REPO, "build"))
ONLY = set(sys.argv[2:])

ROOTS = ["README.md", "ARCHITECTURE.md", "tests/README.md",
         "bench/README.md"] + sorted(
             os.path.relpath(p, REPO)
             for p in glob.glob(os.path.join(REPO, "docs", "*.md")))
# build trees (build, build-asan, build-bench, build-fuzz ...) are local
# artefacts: a path into one is checked only if it names a source file
TOP = {n for n in os.listdir(REPO)
       if n != ".git" and not n.startswith("build")}
# our man pages: name -> section
PAGES = {}
for _p in glob.glob(os.path.join(REPO, "docs", "*.md")):
    with open(_p, encoding="utf-8") as _f:
        _m = re.match(r"# ([a-z0-9][a-z0-9.-]*)\((\d)\)\s*$", _f.readline())
    if _m:
        PAGES[_m.group(1)] = _m.group(2)

passed = 0
failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)
        if detail:
            print("    " + detail.rstrip().replace("\n", "\n    "))
    sys.stdout.flush()


def read(rel):
    with open(os.path.join(REPO, rel), encoding="utf-8") as f:
        return f.read()


def slug(heading):
    """GitHub's anchor for a heading."""
    s = heading.strip().lower()
    s = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def headings(rel):
    out = set()
    code = False
    for line in read(rel).splitlines():
        if line.startswith("```"):
            code = not code
        elif not code:
            m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                out.add(slug(m.group(1)))
    return out


def prose(text):
    """The text without fenced code blocks (links there are examples)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


# ---------------------------------------------------------------- links

def check_links():
    todo = list(ROOTS)
    seen = set()
    problems = []
    counts = {"links": 0, "paths": 0, "pages": 0, "sections": 0}
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        base = os.path.dirname(rel)
        text = read(rel)
        body = prose(text)
        for m in re.finditer(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", body):
            target = m.group(2)
            if re.match(r"[a-z]+:", target):
                continue	# web addresses are not checked offline
            counts["links"] += 1
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(base, path)) if path \
                else rel
            if not os.path.exists(os.path.join(REPO, dest)):
                problems.append("%s: link to %s: no such file" %
                                (rel, target))
                continue
            if dest.endswith(".md"):
                todo.append(dest)
            if anchor and anchor not in headings(dest):
                problems.append("%s: link to %s: no heading '%s' in %s" %
                                (rel, target, anchor, dest))
        for m in re.finditer(r"`([^`\s]+)`", body):
            span = m.group(1).rstrip("/.,;:")
            first = span.split("/", 1)[0]
            if re.search(r"[A-Z]{2,}|<", span):
                continue	# a placeholder: src/NAME.c, <stamp>.md
            if "/" in span and first in TOP and \
                    re.match(r"^[\w.*/+-]+$", span):
                counts["paths"] += 1
                if not glob.glob(os.path.join(REPO, span)):
                    problems.append("%s: `%s`: no such path in the tree" %
                                    (rel, span))
            elif "/" not in span and span.endswith(".md"):
                counts["paths"] += 1
                if not (os.path.exists(os.path.join(REPO, base, span)) or
                        os.path.exists(os.path.join(REPO, span))):
                    problems.append("%s: `%s`: no such document" %
                                    (rel, span))
        flat = re.sub(r"\s+", " ", text)
        for m in re.finditer(r"\b(evbgp[\w.-]*?)\((\d)\)(?:,\s+"
                             r"\"?([A-Z][A-Z ]*[A-Z])\b)?", flat):
            name, sect, section = m.group(1), m.group(2), m.group(3)
            counts["pages"] += 1
            if PAGES.get(name) != sect:
                problems.append("%s: %s(%s): no such man page (ours: %s)" %
                                (rel, name, sect, ", ".join(
                                    "%s(%s)" % kv for kv in
                                    sorted(PAGES.items()))))
            elif section and section not in ("SEE ALSO",):
                counts["sections"] += 1
                if slug(section) not in headings("docs/%s.md" % name):
                    problems.append("%s: %s(%s), %s: no such section" %
                                    (rel, name, sect, section))
    check("links: %d documents, %d links, %d paths, %d man page and %d "
          "section references resolve" % (len(seen), counts["links"],
                                           counts["paths"], counts["pages"],
                                           counts["sections"]),
          not problems and counts["links"] > 20, "\n".join(problems))


# ---------------------------------------------------------------- man

def man_page(name):
    return os.path.join(BUILD, "man", "man" + PAGES[name],
                        "%s.%s" % (name, PAGES[name]))


def render(page):
    env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8", MAN_KEEP_FORMATTING="")
    r = subprocess.run(["man", "--warnings", "-l", page], env=env,
                       capture_output=True, text=True, timeout=60)
    return r


def check_man():
    check("man: the man pages are docs/%s" % ", docs/".join(
        "%s.md" % n for n in sorted(PAGES)),
        sorted(PAGES) == ["evbgp-healthcheck", "evbgpctl", "evbgpd",
                          "evbgpd.conf"], str(PAGES))
    for name in sorted(PAGES):
        page = man_page(name)
        if not os.path.exists(page):
            check("man: %s built" % page, False)
            continue
        r = render(page)
        g = subprocess.run(["groff", "-t", "-man", "-ww", "-z", page],
                           capture_output=True, text=True, timeout=60)
        text = r.stdout
        check("man: %s(%s) renders without a warning (%d lines)" %
              (name, PAGES[name], len(text.splitlines())),
              r.returncode == 0 and not r.stderr.strip() and
              not g.stderr.strip() and len(text.splitlines()) > 40,
              r.stderr + g.stderr)
        m = re.search(r"^NAME\n\s+(\S+) - ", text, re.M)
        check("man: %s: NAME section names it" % name,
              m is not None and m.group(1) == name, text[:300])
        if os.path.exists(page + ".gz"):
            with open(page, "rb") as f:
                plain = f.read()
            z = subprocess.run(["gzip", "-dc", page + ".gz"],
                               capture_output=True, timeout=30)
            check("man: %s.gz (installed) is the same page" % name,
                  z.stdout == plain)


# ---------------------------------------------------------------- options

def code_options(prog):
    """Options the program's code accepts."""
    opts = set()
    if prog == "evbgp-healthcheck":
        src = read("programs/evbgp-healthcheck/core.c")
        table = src[src.index("hc_optdefs[] = {"):]
        table = table[:table.index("};")]
        for names in re.findall(r"\{\s*\{([^}]*)\}", table):
            opts |= set(re.findall(r'"(-[^"]+)"', names))
        return opts
    path = {"evbgpd": "src/main.c",
            "evbgpctl": "programs/evbgpctl/main.c"}[prog]
    src = read(path)
    opts |= {"--" + n for n in re.findall(
        r'\{\s*"([\w-]+)",\s*(?:no|required|optional)_argument', src)}
    m = re.search(r'getopt_long\([^"]*"\+?([^"]*)"', src)
    if m:
        opts |= {"-" + c for c in re.sub(r"[:+]", "", m.group(1))}
    return opts


OPT = r"--?[A-Za-z][\w-]*"
DEF = re.compile(r"^ {2,6}((?:%s)(?:[ =][^\s,]+)?(?:, (?:%s)(?:[ =][^\s,]+)?)*)"
                 r"(?: {2,}|$)" % (OPT, OPT))


def help_options(prog):
    r = subprocess.run([os.path.join(BUILD, prog), "--help"],
                       capture_output=True, text=True, timeout=30)
    opts = set()
    for line in r.stdout.splitlines():
        m = DEF.match(line)
        if m:
            opts |= set(re.findall(r"(?:^|, )(%s)" % OPT, m.group(1)))
    return opts


def doc_options(name):
    text = read("docs/%s.md" % name)
    m = re.search(r"^## OPTIONS\n(.*?)(?=^## )", text, re.S | re.M)
    opts = set()
    for row in (m.group(1) if m else "").splitlines():
        if row.startswith("|") and not row.startswith("|---"):
            first = row.strip("|").split("|")[0]
            opts |= set(re.findall(r"`(%s)`" % OPT, first))
    return opts


def check_options():
    for prog in ("evbgpd", "evbgpctl", "evbgp-healthcheck"):
        c, h, d = code_options(prog), help_options(prog), doc_options(prog)
        check("options: %s: code, --help and the man page agree (%d "
              "options)" % (prog, len(c)),
              len(c) >= 5 and c == h == d,
              "code only: %s\n--help only: %s\nman page only: %s\n"
              "not in --help: %s\nnot in the man page: %s" % (
                  sorted(c - h - d), sorted(h - c), sorted(d - c),
                  sorted(c - h), sorted(c - d)))
        page = man_page(prog)
        text = render(page).stdout if os.path.exists(page) else ""
        missing = sorted(o for o in c if not re.search(
            r"(?<![\w-])%s(?![\w-])" % re.escape(o), text))
        check("options: %s: every option is in the rendered page" % prog,
              text and not missing, "missing: %s" % missing)


# ---------------------------------------------------------------- grammar

def check_grammar():
    h = subprocess.run([os.path.join(BUILD, "evbgpctl"), "--help"],
                       capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"\nCOMMANDS[^\n]*\n(?:[^\n]*\n)?((?:    [^\n]*\n)+)", h)
    forms = [l[4:] for l in m.group(1).splitlines()
             if not l.startswith("    disable-ack and")] if m else []
    doc = read("docs/evbgpctl.md")
    d = re.search(r"^## COMMANDS\n.*?^```\n(.*?)^```", doc, re.S | re.M)
    block = d.group(1).splitlines() if d else []
    check("grammar: evbgpctl(8) COMMANDS is evbgpd's grammar (%d forms)" %
          len(forms), len(forms) > 20 and forms == block,
          "\n".join("- " + l for l in sorted(set(block) - set(forms))) +
          "\n" + "\n".join("+ " + l for l in sorted(set(forms) -
                                                   set(block))))


# ---------------------------------------------------------------- support

NEIGHBOR = """neighbor 127.0.0.2 {
	router-id 192.0.2.1;
	local-address 127.0.0.1;
	local-as 65000;
	peer-as 65001;
%s
}
"""

PREFIX = {"ipv4": "10.0.0.0/24", "ipv6": "2001:db8::/48",
          "l2vpn": "10.0.0.0/24", "bgp-ls": "10.0.0.0/24"}


def loads(body, tmp):
    path = os.path.join(tmp, "probe.conf")
    with open(path, "w") as f:
        f.write(NEIGHBOR % body)
    r = subprocess.run([os.path.join(BUILD, "evbgpd"), "--env", "/dev/null",
                        "--check", path], capture_output=True, text=True,
                       timeout=30, env={"PATH": os.environ["PATH"]})
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def check_support():
    text = read("docs/support.md")
    m = re.search(r"^## Address families\n(.*?)(?=^## )", text, re.S | re.M)
    rows = []
    for line in (m.group(1) if m else "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        fm = re.match(r"`(\S+) (\S+)`$", cells[0]) if cells else None
        if fm and len(cells) >= 5:
            rows.append((fm.group(1), fm.group(2), cells[2], cells[3]))
    check("support: the family table has rows", len(rows) >= 10,
          str(rows))
    wrong = []
    with tempfile.TemporaryDirectory() as tmp:
        for afi, safi, negotiated, announced in rows:
            ok, out = loads("\tfamily {\n\t\t%s %s;\n\t}" % (afi, safi), tmp)
            if ok != (negotiated == "yes"):
                wrong.append("%s %s: Negotiated says %s, --check: %s" %
                             (afi, safi, negotiated, out))
            ok, out = loads("\tannounce {\n\t\t%s {\n\t\t\t%s %s next-hop "
                            "192.0.2.1;\n\t\t}\n\t}" %
                            (afi, safi, PREFIX.get(afi, "10.0.0.0/24")), tmp)
            # refused as the family, not for the probe's route (a flow
            # or VPLS route is not a prefix and a next hop)
            refused = not ok and re.search(
                r"not supported|unknown keyword '(%s|%s)'" %
                (re.escape(afi), re.escape(safi)), out)
            if (not refused) != (announced == "yes"):
                wrong.append("%s %s: Announced says %s, --check: %s" %
                             (afi, safi, announced, out))
    check("support: %d families: Negotiated and Announced match "
          "evbgpd --check" % len(rows), rows and not wrong,
          "\n".join(wrong))


def main():
    for b in ("evbgpd", "evbgpctl", "evbgp-healthcheck"):
        if not os.access(os.path.join(BUILD, b), os.X_OK):
            print("check-docs: %s/%s not built" % (BUILD, b))
            return 2
    for name, fn in (("links", check_links), ("man", check_man),
                     ("options", check_options), ("grammar", check_grammar),
                     ("support", check_support)):
        if not ONLY or name in ONLY:
            fn()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
