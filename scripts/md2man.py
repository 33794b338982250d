#!/usr/bin/env python3
"""md2man.py: turn one of docs/*.md into a man page (roff, man macros).

    scripts/md2man.py [--version V] [--date YYYY-MM-DD] [--docdir DIR]
                      INPUT.md OUTPUT

The page is written in the Markdown subset our docs use, in the shape of
a man page (as ronn and go-md2man expect):

    # NAME(SECTION)            first line: the page's name and section
    ## NAME                    then "**name** — one-line description"
    ## SYNOPSIS ... ## SEE ALSO
    ### Subsection

    paragraphs, ```fenced code```, "* " / "- " / "1. " lists (indented
    continuation lines), | tables | (a header row and a |---| row),
    `code`, **bold**, *italic*, [links](target) and <https://...>

A table narrow enough for an 80-column terminal becomes a tbl(1) table;
a wider one a list of tagged paragraphs (first column as the tag, middle
columns as "Header: value" lines, the last as the text). Anything else
(raw HTML, nested lists, setext headings, a heading deeper than ###) is
an error, so the docs stay within what renders well. The output is
ASCII: other characters become groff's \\[uXXXX] escapes; '-' is \\-
everywhere, so options and commands copy and paste as typed.

Links: the link text is kept; a web address follows it in angle brackets;
a link to another doc whose text is its file name becomes the installed
path (DIR/name.md); an in-page link (#section) is its text.
Exit status 0, or 1 with "INPUT:LINE: reason" on standard error.
"""
import argparse
import re
import sys

WIDTH = 78		# a table wider than this becomes tagged paragraphs


class DocError(Exception):
    def __init__(self, line, msg):
        super().__init__(msg)
        self.line = line


def escape_text(s):
    """Plain text to roff: backslashes, hyphens, non-ASCII characters."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\e")
        elif ch == "-":
            out.append("\\-")
        elif ord(ch) > 126:
            out.append("\\[u%04X]" % ord(ch))
        elif ch == "\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def line_start_safe(s):
    """A roff text line must not start with a control character."""
    if s.startswith(".") or s.startswith("'"):
        return "\\&" + s
    return s


INLINE = re.compile(
    r"(?P<code>`+)(?P<codetext>.+?)(?P=code)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s][^*]*?)\*(?![\w*])"
    r"|\[(?P<ltext>[^\]]+)\]\((?P<ltarget>[^)\s]+)\)"
    r"|<(?P<url>https?://[^>\s]+)>")


class Converter:
    def __init__(self, docdir):
        self.docdir = docdir.rstrip("/") if docdir else ""

    def inline(self, s, lineno):
        """Markdown inline text to roff (fonts, links)."""
        out = []
        pos = 0
        for m in INLINE.finditer(s):
            out.append(self.plain(s[pos:m.start()], lineno))
            if m.group("code"):
                code = m.group("codetext").strip().replace("\\|", "|")
                out.append("\\fB" + escape_text(code) + "\\fR")
            elif m.group("bold") is not None:
                out.append("\\fB" + self.inline(m.group("bold"), lineno) +
                           "\\fR")
            elif m.group("em") is not None:
                out.append("\\fI" + self.inline(m.group("em"), lineno) +
                           "\\fR")
            elif m.group("ltext") is not None:
                out.append(self.link(m.group("ltext"), m.group("ltarget"),
                                     lineno))
            else:
                out.append("\\fI" + escape_text(m.group("url")) + "\\fR")
            pos = m.end()
        out.append(self.plain(s[pos:], lineno))
        return "".join(out)

    def plain(self, s, lineno):
        if re.search(r"<[a-zA-Z/!][^>]*>", s):
            raise DocError(lineno, "raw HTML is not supported: %r" % s)
        return escape_text(s.replace("\\|", "|").replace("\\*", "*"))

    def link(self, text, target, lineno):
        shown = self.inline(text, lineno)
        if re.match(r"https?://", target):
            return shown + " <\\fI" + escape_text(target) + "\\fR>"
        path = target.split("#", 1)[0]
        if path and path.endswith(".md") and text.strip("`") == \
                path.rsplit("/", 1)[-1] and self.docdir:
            return "\\fI" + escape_text(self.docdir + "/" +
                                        path.rsplit("/", 1)[-1]) + "\\fR"
        return shown

    # ---- blocks ----

    def table(self, rows, lineno):
        """rows: lists of cells (header first, no separator row)."""
        ncol = len(rows[0])
        for r in rows:
            if len(r) != ncol:
                raise DocError(lineno, "table row with %d cells, the "
                               "header has %d" % (len(r), ncol))
        plain = [[re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", c)
                  for c in r] for r in rows]
        widths = [max(len(r[i]) for r in plain) for i in range(ncol)]
        out = []
        if sum(widths) + 3 * (ncol - 1) <= WIDTH:
            out.append(".TS")
            out.append("tab(\t);")
            out.append(" ".join(["lb"] * ncol))
            out.append(" ".join(["l"] * ncol) + ".")
            for i, r in enumerate(rows):
                out.append("\t".join(line_start_safe(self.inline(c, lineno))
                                     for c in r))
                if i == 0:
                    out.append("_")
            out.append(".TE")
            return out
        head = rows[0]
        for r in rows[1:]:
            out.append(".TP")
            out.append(line_start_safe(self.inline(r[0], lineno)))
            for i in range(1, ncol - 1):
                if r[i].strip():
                    out.append(line_start_safe(
                        "\\fI" + self.inline(head[i], lineno) + ":\\fR " +
                        self.inline(r[i], lineno)))
                    out.append(".br")
            out.append(line_start_safe(self.inline(r[-1], lineno)))
        return out

    def convert(self, text, version, date, source):
        lines = text.split("\n")
        m = re.match(r"# ([a-z0-9][a-z0-9.-]*)\((\d)\)\s*$", lines[0])
        if not m:
            raise DocError(1, "the first line must be '# name(section)'")
        name, section = m.group(1), m.group(2)
        manual = {"1": "evbgp Manual", "5": "evbgp File Formats",
                  "8": "evbgp System Administration"}.get(section,
                                                          "evbgp Manual")
        out = ["'\\\" t",
               ".\\\" Generated by scripts/md2man.py from %s; do not edit."
               % source,
               '.TH "%s" "%s" "%s" "evbgp %s" "%s"' %
               (escape_text(name.upper()), section, date, version, manual),
               ".ad l", ".nh"]
        i = 1
        in_name = False
        saw_name = False
        while i < len(lines):
            line = lines[i]
            lineno = i + 1
            if not line.strip():
                i += 1
                continue
            if line.startswith("```"):
                j = i + 1
                while j < len(lines) and not lines[j].startswith("```"):
                    j += 1
                if j == len(lines):
                    raise DocError(lineno, "unterminated code block")
                out += [".PP", ".RS 4", ".nf"]
                for c in lines[i + 1:j]:
                    out.append(line_start_safe(escape_text(c.expandtabs(4))))
                out += [".fi", ".RE"]
                i = j + 1
                continue
            h = re.match(r"(#+)\s+(.*?)\s*$", line)
            if h:
                level = len(h.group(1))
                title = h.group(2)
                if level == 1:
                    raise DocError(lineno, "a second '#' title")
                if level > 3:
                    raise DocError(lineno, "headings go down to ### only")
                if level == 2:
                    out.append('.SH "%s"' % self.inline(title.upper(),
                                                        lineno))
                    in_name = title == "NAME"
                    saw_name |= in_name
                else:
                    out.append('.SS "%s"' % self.inline(title, lineno))
                i += 1
                continue
            if re.match(r"^(=+|-{3,})\s*$", line):
                raise DocError(lineno, "setext headings and rules are not "
                               "supported")
            if line.startswith("|"):
                rows = []
                j = i
                while j < len(lines) and lines[j].startswith("|"):
                    cells = split_row(lines[j])
                    if j == i + 1:
                        if not all(re.match(r"^:?-+:?$", c) for c in cells):
                            raise DocError(j + 1, "the second table row "
                                           "must be |---|")
                    else:
                        rows.append(cells)
                    j += 1
                if len(rows) < 2:
                    raise DocError(lineno, "a table needs a header, a "
                                   "|---| row and a body")
                out += self.table(rows, lineno)
                i = j
                continue
            lm = re.match(r"(\s*)([*-]|\d+\.)\s+(.*)", line)
            if lm and not in_name:
                if lm.group(1):
                    raise DocError(lineno, "nested lists are not supported")
                mark = lm.group(2)
                item = [lm.group(3)]
                j = i + 1
                while j < len(lines) and lines[j].startswith("  ") and \
                        lines[j].strip():
                    if re.match(r"\s+([*-]|\d+\.)\s", lines[j]):
                        raise DocError(j + 1, "nested lists are not "
                                       "supported")
                    item.append(lines[j].strip())
                    j += 1
                bullet = "\\(bu" if mark in ("*", "-") else mark
                out.append(".IP %s 4" % bullet)
                out.append(line_start_safe(self.inline(" ".join(item),
                                                       lineno)))
                i = j
                continue
            if line.startswith(">"):
                raise DocError(lineno, "block quotes are not supported")
            para = []
            j = i
            while j < len(lines) and lines[j].strip() and not \
                    lines[j].startswith(("```", "#", "|")) and not \
                    (j > i and re.match(r"([*-]|\d+\.)\s", lines[j])):
                para.append(lines[j].strip())
                j += 1
            text = " ".join(para)
            if in_name:
                nm = re.match(r"\*\*([^*]+)\*\*\s+(?:\u2014|-|--)\s+(.*)",
                              text)
                if not nm:
                    raise DocError(lineno, "NAME must be '**name** \u2014 "
                                   "description'")
                out.append("%s \\- %s" % (escape_text(nm.group(1)),
                                          self.inline(nm.group(2), lineno)))
            else:
                out.append(".PP")
                out.append(line_start_safe(self.inline(text, lineno)))
            i = j
        if not saw_name:
            raise DocError(1, "no '## NAME' section")
        return "\n".join(out) + "\n"


def split_row(line):
    """Cells of a table row: '|' inside `code` or escaped is kept."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells, cur, code = [], [], False
    k = 0
    while k < len(s):
        ch = s[k]
        if ch == "\\" and k + 1 < len(s) and s[k + 1] == "|":
            cur.append("\\|")
            k += 2
            continue
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        k += 1
    cells.append("".join(cur).strip())
    return cells


def main():
    ap = argparse.ArgumentParser(description="Markdown page to man page")
    ap.add_argument("--version", default="")
    ap.add_argument("--date", default="")
    ap.add_argument("--docdir", default="")
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8") as f:
        text = f.read()
    source = "docs/" + a.input.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        roff = Converter(a.docdir).convert(text, a.version, a.date, source)
    except DocError as e:
        print("%s:%d: %s" % (a.input, e.line, e), file=sys.stderr)
        return 1
    with open(a.output, "w", encoding="ascii") as f:
        f.write(roff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
