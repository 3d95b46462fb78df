#!/usr/bin/env python3
"""make bench-traps' chart: monitor instructions per operation, from the
JSON tools/bench-traps.sh writes, beside a second run's (BEFORE) if given,
with the issue's targets for the fast paths.

usage: bench-traps-plot.py AFTER.json OUT.png [BEFORE.json]
"""
import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# issue 10's targets; the user syscall loop is a syscall and an eret
TARGETS = {"eret_shared": 60, "syscall_user": 60 + 60, "rdhwr_user": 40, "refill": 40}


def monitor_counts(path):
    with open(path) as f:
        data = json.load(f)
    return {op["key"]: op for op in data["operations"] if op["key"] != "empty"}


def label(text):
    return text.replace("$", r"\$")     # not matplotlib's math mode


def main():
    after = monitor_counts(sys.argv[1])
    before = monitor_counts(sys.argv[3]) if len(sys.argv) > 3 else {}
    keys = list(after)
    y = range(len(keys))
    height = 0.38 if before else 0.6
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(keys) + 1.5))
    if before:
        ax.barh([i + height / 2 for i in y], [before[k]["monitor"] if k in before else 0 for k in keys],
                height, label="before", color="#bbbbbb")
    bars = ax.barh([i - (height / 2 if before else 0) for i in y], [after[k]["monitor"] for k in keys],
                   height, label="after" if before else None, color="#3b75af")
    for bar, k in zip(bars, keys):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " %d" % after[k]["monitor"],
                va="center", fontsize=8)
    for i, k in enumerate(keys):
        if k in TARGETS:
            ax.plot([TARGETS[k]] * 2, [i - 0.45, i + 0.45], color="#c0392b", linewidth=2,
                    label="target" if k == "eret_shared" else None)
    ax.set_yticks(list(y))
    ax.set_yticklabels([label(after[k]["operation"]) for k in keys], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("monitor instructions per operation (log scale)")
    ax.set_title("make bench-traps: the monitor's share of each operation", fontsize=10)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=80)


if __name__ == "__main__":
    main()
