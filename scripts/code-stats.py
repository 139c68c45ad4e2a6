#!/usr/bin/env python3
"""Size distributions of the Rust code under a directory (default: src).

Usage:
    python3 scripts/code-stats.py [DIR] [--no-tests]

Prints, as plain text meant to be pasted into a note:

  Files      count, median, p90 and max physical lines (blank and comment lines
             included), how many files exceed 300 and 500 lines, the 10 largest.
  Functions  every `fn` item with a body (free functions, `pub`/`pub(crate)`,
             `async`/`const`/`unsafe`, methods in impls and traits, nested fns),
             its length in lines from the line of the `fn` keyword to the line of
             its closing brace; count, median, p90, max, how many exceed 40 and 80
             lines, the 10 longest as path:line.

Test code is a module carrying a `#[cfg(test)]` attribute, inline
(`#[cfg(test)] mod tests { ... }`) or in its own file (`#[cfg(test)] mod tests;`).
By default everything is counted and the split between test and non-test code is
reported. With --no-tests, test code is left out: test lines are not counted in
a file's length, test functions are not listed, and files made only of test code
are dropped.

Braces are counted on a token stream that skips line and (nested) block
comments, string literals, byte and C strings, raw strings (r"..", r#".."#,
br#".."#), char and byte literals, and tells a char literal from a lifetime.
Items inside macro bodies are found like any other; a body-less `fn` (a trait
method declaration, an extern fn) is not a function here. p90 is the nearest-rank
90th percentile. Standard library only; the output depends only on the files.
"""

import argparse
import math
import os
import re
import statistics
import sys

FILE_THRESHOLDS = (300, 500)
FN_THRESHOLDS = (40, 80)
TOP = 10

RAW_STRING_START = re.compile(r'(?:b|c)?r(#*)"')


# ---------------------------------------------------------------- tokens

def tokenize(text):
    """Yield (kind, value, line) with kind in {'ident', 'punct'}.

    Comments, literals and whitespace yield nothing; only identifiers and single
    punctuation characters (with the line they start on) come out.
    """
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += text[i] == "\n"
                    i += 1
        elif c == '"':
            i, line = skip_string(text, i + 1, line)
        elif c == "'":
            i, line = skip_quote(text, i, line)
        elif c.isalpha() or c == "_":
            m = RAW_STRING_START.match(text, i)
            if m:
                close = '"' + m.group(1)
                j = text.find(close, m.end())
                j = n if j < 0 else j + len(close)
                line += text.count("\n", i, j)
                i = j
                continue
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if word in ("b", "c") and j < n and text[j] == '"':
                i, line = skip_string(text, j + 1, line)
            elif word == "b" and j < n and text[j] == "'":
                i, line = skip_quote(text, j, line)
            else:
                yield "ident", word, line
                i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"
                             or (text[j] == "." and j + 1 < n and text[j + 1].isdigit())):
                j += 1
            i = j
        else:
            yield "punct", c, line
            i += 1


def skip_string(text, i, line):
    """Skip a "..." body starting after the opening quote; return (index, line)."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            line += text[i + 1:i + 2] == "\n"
            i += 2
        elif c == '"':
            return i + 1, line
        else:
            line += c == "\n"
            i += 1
    return n, line


def skip_quote(text, i, line):
    """At a `'`: skip a char literal, or a lifetime / label; return (index, line)."""
    n = len(text)
    if i + 1 < n and text[i + 1] == "\\":          # '\n', '\'', '\u{1F600}'
        j = i + 3
        while j < n and text[j] != "'" and text[j] != "\n":
            j += 1
        return min(j + 1, n), line
    if i + 2 < n and text[i + 2] == "'":           # 'a', '{', '"'
        return i + 3, line + (text[i + 1] == "\n")
    j = i + 1                                      # 'a lifetime, 'label
    while j < n and (text[j].isalnum() or text[j] == "_"):
        j += 1
    return j, line


# ---------------------------------------------------------------- items

def matching(tokens, k, open_, close):
    """Index of the token closing tokens[k] (which is `open_`), or the last index."""
    depth = 0
    for j in range(k, len(tokens)):
        v = tokens[j][1]
        if v == open_:
            depth += 1
        elif v == close:
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def is_cfg_test(tokens, k):
    """tokens[k] is '#': is this `#[cfg(...)]` with `test` not under `not`?"""
    if k + 3 >= len(tokens) or tokens[k + 1][1] != "[" or tokens[k + 2][1] != "cfg":
        return False, k
    end = matching(tokens, k + 1, "[", "]")
    words = [t[1] for t in tokens[k + 3:end] if t[0] == "ident"]
    return ("test" in words and "not" not in words), end


def scan(text):
    """Return (functions, test_ranges, test_submodules) for one file.

    functions: list of (start_line, end_line); test_ranges: list of inclusive
    (first_line, last_line) of inline #[cfg(test)] modules; test_submodules:
    names of `#[cfg(test)] mod name;` declared in this file.
    """
    tokens = list(tokenize(text))
    functions, test_ranges, test_submodules = [], [], []
    k = 0
    while k < len(tokens):
        kind, value, line = tokens[k]
        if value == "#":
            cfg_test, end = is_cfg_test(tokens, k)
            if cfg_test:
                j = end + 1
                while j < len(tokens) and tokens[j][1] == "#":     # further attributes
                    j = matching(tokens, j + 1, "[", "]") + 1
                if j < len(tokens) and tokens[j][1] == "pub":
                    j += 1
                    if j < len(tokens) and tokens[j][1] == "(":
                        j = matching(tokens, j, "(", ")") + 1
                if (j + 2 < len(tokens) and tokens[j][1] == "mod"
                        and tokens[j + 1][0] == "ident"):
                    if tokens[j + 2][1] == "{":
                        close = matching(tokens, j + 2, "{", "}")
                        test_ranges.append((line, tokens[close][2]))
                    elif tokens[j + 2][1] == ";":
                        test_submodules.append(tokens[j + 1][1])
        elif (kind == "ident" and value == "fn" and k + 1 < len(tokens)
              and tokens[k + 1][0] == "ident"):
            # Find the body: the first `{` outside (), [] and <>, or `;` (no body).
            j, depth = k + 2, 0
            while j < len(tokens):
                v = tokens[j][1]
                if v in "([":
                    depth += 1
                elif v in ")]":
                    depth -= 1
                elif depth == 0 and v in "{;":
                    break
                j += 1
            if j < len(tokens) and tokens[j][1] == "{":
                close = matching(tokens, j, "{", "}")
                functions.append((line, tokens[close][2]))
        k += 1
    return functions, test_ranges, test_submodules


def in_ranges(line, ranges):
    return any(a <= line <= b for a, b in ranges)


def child_module_files(root, rel, name):
    """Where `mod name;` declared in file `rel` lives (both candidates)."""
    directory, base = os.path.split(rel)
    stem = os.path.splitext(base)[0]
    if stem not in ("mod", "lib", "main"):
        directory = os.path.join(directory, stem)
    return [os.path.normpath(os.path.join(directory, name + ".rs")),
            os.path.normpath(os.path.join(directory, name, "mod.rs"))]


# ---------------------------------------------------------------- figures

def p90(values):
    s = sorted(values)
    return s[max(0, math.ceil(0.9 * len(s)) - 1)] if s else 0


def fmt_num(x):
    return str(int(x)) if float(x).is_integer() else "%.1f" % x


def summary(values, thresholds):
    if not values:
        return ["  count 0"]
    out = ["  count   %d" % len(values),
           "  median  %s" % fmt_num(statistics.median(values)),
           "  p90     %d" % p90(values),
           "  max     %d" % max(values),
           "  total   %d" % sum(values)]
    for t in thresholds:
        over = sum(v > t for v in values)
        out.append("  > %-5d %d (%.1f%%)" % (t, over, 100.0 * over / len(values)))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", default="src", help="directory to scan (default: src)")
    ap.add_argument("--no-tests", action="store_true",
                    help="leave out #[cfg(test)] modules (default: count them, report the split)")
    args = ap.parse_args(argv)
    root = args.dir
    if not os.path.isdir(root):
        sys.exit("code-stats: not a directory: %s" % root)

    paths = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for name in names:
            if name.endswith(".rs"):
                paths.append(os.path.relpath(os.path.join(d, name), root).replace(os.sep, "/"))
    paths.sort()

    scanned = {}
    test_files = set()
    for rel in paths:
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        nlines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        fns, ranges, subs = scan(text)
        scanned[rel] = (nlines, fns, ranges)
        for name in subs:
            test_files.update(p.replace(os.sep, "/") for p in child_module_files(root, rel, name))
    # A test module's own submodules are test code too.
    changed = True
    while changed:
        changed = False
        for rel in paths:
            if rel in test_files:
                continue
            for t in list(test_files):
                tdir = t[:-len("/mod.rs")] if t.endswith("/mod.rs") else t[:-3]
                if rel.startswith(tdir + "/"):
                    test_files.add(rel)
                    changed = True
                    break

    files = []          # (lines counted, path)
    functions = []      # (length, path, line)
    test_lines = test_fns = 0
    all_lines = all_fns = 0
    for rel in paths:
        nlines, fns, ranges = scanned[rel]
        whole_test = rel in test_files
        tlines = nlines if whole_test else sum(b - a + 1 for a, b in ranges)
        all_lines += nlines
        test_lines += tlines
        for start, end in fns:
            is_test = whole_test or in_ranges(start, ranges)
            all_fns += 1
            test_fns += is_test
            if not (args.no_tests and is_test):
                functions.append((end - start + 1, rel, start))
        counted = nlines - tlines if args.no_tests else nlines
        if not (args.no_tests and whole_test):
            files.append((counted, rel))

    out = ["Rust code size: %s (%s)" % (root.rstrip("/") or "/",
                                          "tests excluded" if args.no_tests else "everything"),
           "",
           "Test code (#[cfg(test)] modules): %d of %d lines (%.1f%%), %d of %d fns (%.1f%%)%s"
           % (test_lines, all_lines, 100.0 * test_lines / max(all_lines, 1),
              test_fns, all_fns, 100.0 * test_fns / max(all_fns, 1),
              " -- left out below" if args.no_tests else " -- included below"),
           "",
           "Files (physical lines%s)" % (", test modules not counted" if args.no_tests else "")]
    out += summary([v for v, _ in files], FILE_THRESHOLDS)
    out.append("  largest:")
    for v, rel in sorted(files, key=lambda x: (-x[0], x[1]))[:TOP]:
        out.append("    %5d  %s" % (v, rel))
    out += ["", "Functions (lines from `fn` to its closing brace)"]
    out += summary([v for v, _, _ in functions], FN_THRESHOLDS)
    out.append("  longest:")
    for v, rel, line in sorted(functions, key=lambda x: (-x[0], x[1], x[2]))[:TOP]:
        out.append("    %5d  %s:%d" % (v, rel, line))
    print("\n".join(out))


if __name__ == "__main__":
    main()
