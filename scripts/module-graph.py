#!/usr/bin/env python3
"""Print the graph of `crate::` references between top-level modules of src/ and fail on a cycle."""
import os, re, sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else "src"
ref = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
use_group = re.compile(r"use\s+crate::\{([^;]*)\};", re.S)
top_of = lambda rel: rel.split(os.sep)[0].removesuffix(".rs")
edges = defaultdict(set)
mods = set()
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        m = top_of(rel)
        if m in ("lib", "main"):
            continue
        mods.add(m)
        text = open(path, encoding="utf-8").read()
        # Comments count too: a doc comment naming `crate::x` is a reference a reader follows.
        targets = set(ref.findall(text))
        for g in use_group.findall(text):
            for part in re.split(r",(?![^{]*\})", g):
                name = part.strip().split("::")[0].split("{")[0].strip()
                if name:
                    targets.add(name)
        for t in targets:
            if t != m and t not in ("self",):
                edges[m].add(t)
mods |= {t for ts in edges.values() for t in ts}
# Tarjan SCC
index, low, on, stack, sccs, i = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(sorted(comp))
for v in sorted(mods):
    if v not in index:
        strong(v)
for m in sorted(mods):
    print(f"{m} -> {', '.join(sorted(edges[m])) or '(none)'}")
cycles = [c for c in sccs if len(c) > 1]
print(f"\n{len(mods)} modules, {sum(len(v) for v in edges.values())} edges, {len(cycles)} cycle(s)")
for c in cycles:
    print(f"cycle of {len(c)}: {' '.join(c)}")
sys.exit(1 if cycles else 0)
