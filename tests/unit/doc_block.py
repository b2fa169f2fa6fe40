#!/usr/bin/python3
"""Writes the C code block of a Markdown page whose first line is the
comment "/* NAME - ..." to OUT, with a #line directive, so that a test
compiles a documented example exactly as the page shows it (a compiler
error then names the page and its line).

usage: doc_block.py PAGE.md NAME OUT.c
"""
import os
import re
import sys


def main():
    page, name, out = sys.argv[1:4]
    text = open(page, encoding="utf-8").read()
    found = []
    for m in re.finditer(r"^```c\n(.*?)^```", text, re.S | re.M):
        if re.match(r"/\* %s( |\*/)" % re.escape(name), m.group(1)):
            found.append((text.count("\n", 0, m.start(1)) + 1, m.group(1)))
    if len(found) != 1:
        sys.exit("%s: %d C blocks start with /* %s (want 1)" % (page, len(found), name))
    line, code = found[0]
    with open(out, "w", encoding="utf-8") as f:
        f.write('#line %d "%s"\n%s' % (line, os.path.abspath(page), code))


if __name__ == "__main__":
    main()
