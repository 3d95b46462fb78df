#!/usr/bin/python3
"""plot-bench.py: the benchmark figures (PNG, matplotlib; Debian's
python3-matplotlib, tools/install-deps.sh).

    tools/plot-bench.py bars  JSON PNG [options]   one bar a row of a result
    tools/plot-bench.py steps CSV  PNG [--title T] ratios per step and workload

bars: JSON as tools/bench-json.py writes it. Each row is a bar of its
--ratio column (default "ratio") on a log scale, labelled by --label
(default: the first column), its value written above it. --split A,B,C
stacks the bar from those columns, each divided by --base (default
"native"), bottom first: for make bench-linux, guest user / guest kernel /
monitor in units of the native count, so the stack adds up to the ratio.
--target COL (default "target", if the rows have it) draws each row's
target as a dashed line across its bar. --title, --ylabel name the figure.
make bench-linux draws its table so; make bench-traps can draw its own
(--label operation --split monitor --base native, say).

steps: the table of what each step did (docs/bench-steps.csv): columns
step, short, description, then one ratio column a workload (a, b, ...;
columns ending in _traps are not drawn); a row whose step is "target"
holds the targets, one whose step is "name" the workloads' names. One
line a workload across the steps (log scale), its target a dotted line of
the same colour (black if several share it). New steps are new rows.
"""
import argparse
import csv
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SPLIT_COLOURS = ["#4c72b0", "#55a868", "#c44e52", "#8172b2", "#ccb974"]


def number(value):
    """A float of a JSON/CSV value, None for empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plot_bars(args):
    with open(args.input) as f:
        data = json.load(f)
    rows = data["rows"]
    if not rows:
        sys.exit("plot-bench: no rows in " + args.input)
    columns = data.get("columns") or list(rows[0])
    label = args.label or columns[0]
    target = args.target if args.target is not None else ("target" if "target" in columns else "")
    split = [c for c in (args.split or "").split(",") if c]
    labels = [str(r[label]) for r in rows]
    ratios = [number(r.get(args.ratio)) for r in rows]
    xs = range(len(rows))

    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(rows) + 2), 4.8), dpi=100)
    ax.set_yscale("log")
    floor = min([r for r in ratios if r] + [1.0]) / 20
    if split:
        bottoms = [floor] * len(rows)
        for i, col in enumerate(split):
            heights = []
            for j, r in enumerate(rows):
                base = number(r.get(args.base))
                v = number(r.get(col))
                heights.append(v / base if base and v is not None else 0.0)
            tops = [b + h for b, h in zip(bottoms, heights)]
            ax.bar(xs, [t - b for t, b in zip(tops, bottoms)], bottom=bottoms, width=0.6,
                   color=SPLIT_COLOURS[i % len(SPLIT_COLOURS)], label=col.replace("_", " "))
            bottoms = tops
    else:
        ax.bar(xs, [(r or floor) - floor for r in ratios], bottom=floor, width=0.6,
               color=SPLIT_COLOURS[0], label=args.ratio)
    for x, r in zip(xs, ratios):
        if r:
            ax.annotate(short(r), (x, r), textcoords="offset points", xytext=(0, 3),
                        ha="center", va="bottom", fontsize=9)
    if target:
        first = True
        for x, r in zip(xs, rows):
            t = number(r.get(target))
            if t:
                ax.hlines(t, x - 0.42, x + 0.42, colors="black", linestyles="dashed",
                          label="target" if first else None)
                first = False
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([fill(s, 16) for s in labels], fontsize=8)
    ax.set_ylim(floor, max([r for r in ratios if r] + [1.0]) * 2.5)
    ax.set_ylabel(args.ylabel)
    ax.set_title(args.title or data.get("meta", {}).get("title", ""), fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.output)


def plot_steps(args):
    with open(args.input, newline="") as f:
        rows = list(csv.DictReader(f))
    targets = next((r for r in rows if r["step"] == "target"), {})
    names = next((r for r in rows if r["step"] == "name"), {})
    steps = [r for r in rows if r["step"] not in ("target", "name")]
    if not steps:
        sys.exit("plot-bench: no steps in " + args.input)
    workloads = [c for c in steps[0] if c not in ("step", "short", "description")
                 and not c.endswith("_traps")]
    xs = range(len(steps))
    fig, ax = plt.subplots(figsize=(max(7.0, 0.9 * len(steps) + 3), 5.0), dpi=100)
    ax.set_yscale("log")
    cmap = plt.get_cmap("tab10")
    placed = []             # log10 of the end labels so far, to keep them apart
    by_target = {}          # target value: the workloads that have it
    for i, w in enumerate(workloads):
        colour = cmap(i % 10)
        pts = [(x, number(r[w])) for x, r in zip(xs, steps) if number(r[w])]
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=colour,
                label=f"({w}) {names.get(w) or ''}")
        last = pts[-1][1]
        near = sum(1 for y in placed if abs(y - math.log10(last)) < 0.05)
        placed.append(math.log10(last))
        ax.annotate(short(last), pts[-1], textcoords="offset points",
                    xytext=(6, -9 * near), va="center", fontsize=8, color=colour)
        t = number(targets.get(w))
        if t:
            by_target.setdefault(t, []).append((w, colour))
    for t, ws in by_target.items():
        colour = ws[0][1] if len(ws) == 1 else "black"
        ax.axhline(t, color=colour, linestyle=":", linewidth=1.2)
        ax.annotate("target " + " ".join(f"({w})" for w, _ in ws), (0, t),
                    textcoords="offset points", xytext=(-40, 2), fontsize=7, color=colour)
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{r['step']}\n{fill(r.get('short') or '', 12)}" for r in steps],
                       fontsize=8)
    ax.set_xlim(-0.5, len(steps) - 0.1)
    ax.set_ylabel("instructions, VM / native (log)")
    ax.set_title(args.title or "What each step did: ratio per workload (dotted: target)",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.output)


def short(value):
    """A ratio as the tables write it: 1.002, 4.20, 12.1, 1029."""
    if value < 2:
        return f"{value:.3f}"
    return f"{value:#.3g}" if value < 100 else f"{value:.0f}"


def fill(text, width):
    """text broken into lines of at most about width characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=["bars", "steps"])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--label")
    p.add_argument("--ratio", default="ratio")
    p.add_argument("--target")
    p.add_argument("--split")
    p.add_argument("--base", default="native")
    p.add_argument("--title")
    p.add_argument("--ylabel", default="instructions, VM / native (log)")
    args = p.parse_args()
    (plot_bars if args.kind == "bars" else plot_steps)(args)


if __name__ == "__main__":
    main()
