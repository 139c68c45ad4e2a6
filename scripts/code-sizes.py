#!/usr/bin/env python3
"""File and function sizes of the application crate (src/), as distributions.

    python3 scripts/code-sizes.py [TREE]     # TREE defaults to the repository root

Lines are counted as they stand (comments and blank lines included). A function is every
`fn` item with a body, measured from its signature to its closing brace; closures and
`#[cfg(test)]` modules are counted like any other code, since a reader meets them too.
"""
import os
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def rust_files(root):
    for base, _, files in os.walk(os.path.join(root, "src")):
        for name in files:
            if name.endswith(".rs"):
                yield os.path.join(base, name)


def function_lengths(lines):
    """Lengths of functions, found by matching braces from each `fn` line."""
    out = []
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                out.append((j - i + 1, m.group(6)))
                break
            if not opened and code.rstrip().endswith(";"):
                break  # a declaration without a body
    return out


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def row(name, values):
    cells = [len(values)] + [percentile(values, p) for p in (50, 90, 99)] + [max(values)]
    return f"| {name} | " + " | ".join(str(c) for c in cells) + " |"


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files, fns = [], []
    for path in rust_files(root):
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        files.append((len(lines), os.path.relpath(path, root)))
        fns.extend((n, f"{os.path.relpath(path, root)}::{name}") for n, name in function_lengths(lines))
    print("| what | count | p50 | p90 | p99 | max |")
    print("|---|---|---|---|---|---|")
    print(row("lines per file", [n for n, _ in files]))
    print(row("lines per function", [n for n, _ in fns]))
    print()
    print("files over 400 lines:", sum(1 for n, _ in files if n > 400))
    print("functions over 60 lines:", sum(1 for n, _ in fns if n > 60))
    print("largest files:", ", ".join(f"{p} ({n})" for n, p in sorted(files, reverse=True)[:5]))
    print("largest functions:", ", ".join(f"{p} ({n})" for n, p in sorted(fns, reverse=True)[:5]))


if __name__ == "__main__":
    main()
