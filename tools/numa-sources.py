#!/usr/bin/python3
"""How well each of the NUMA engine's sources of page touches finds the
pages the ccNUMA cost model says take the most remote misses.

Input: the monitor's log of a run with `numa_log` (its "numa-hot SOURCE
frame F node N" and "numa-frames FIRST COUNT" lines for one VM) and the
ccnuma plugin's JSON of the same run (its "pages": the pages with the most
remote misses). The run should not move pages (e.g. numa.moves_per_s=0),
so that a frame names the same page all along.

For the model's top N pages of the VM (by remote misses), the share each
source found hot (recall), and of the pages each source found hot, the
share among the model's top N (precision). Prints a markdown table and
writes JSON with --json.

    tools/numa-sources.py --log LOG --model CC.json --vm NAME [--top 64] [--json OUT]
"""
import argparse
import json
import re
import sys

SOURCES = ("refill", "fill", "hint")


def read_log(path, vm):
    """The VM's hot frames by source, and the frames it holds."""
    hot = {s: set() for s in SOURCES}
    held = set()
    hot_re = re.compile(r"^disco: vm %s: numa-hot (\w+) frame ([0-9a-f]+) node \d+" % re.escape(vm))
    frames_re = re.compile(r"^disco: vm %s: numa-frames ([0-9a-f]+) (\d+)" % re.escape(vm))
    with open(path, errors="replace") as f:
        for line in f:
            m = hot_re.match(line)
            if m and m.group(1) in hot:
                hot[m.group(1)].add(int(m.group(2), 16))
                continue
            m = frames_re.match(line)
            if m:
                first = int(m.group(1), 16)
                held.update(range(first, first + int(m.group(2))))
    return hot, held


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--vm", required=True)
    ap.add_argument("--top", type=int, default=64)
    ap.add_argument("--json")
    args = ap.parse_args()

    hot, held = read_log(args.log, args.vm)
    if not held:
        sys.exit("numa-sources: no numa-frames lines for vm %s in %s (run with numa_log)"
                 % (args.vm, args.log))
    with open(args.model) as f:
        model = json.load(f)
    pages = [p for p in model.get("pages", []) if p["offset"] >> 12 in held and p["remote"] > 0]
    pages.sort(key=lambda p: -p["remote"])
    top = [p["offset"] >> 12 for p in pages[:args.top]]
    if not top:
        sys.exit("numa-sources: the model lists none of the VM's pages with remote misses")
    if len(pages) >= len(model.get("pages", [])) and len(top) < args.top:
        print("numa-sources: warning: the model kept only %d of the VM's pages (raise its top=)"
              % len(top), file=sys.stderr)
    topset = set(top)
    rows = []
    any_hot = set().union(*hot.values())
    for name, found in list(hot.items()) + [("any", any_hot)]:
        hits = len(topset & found)
        rows.append({
            "source": name,
            "hot_pages": len(found),
            "found_of_top": hits,
            "recall": hits / len(top),
            "precision": (len(found & topset) / len(found)) if found else 0.0,
        })
    remote_top = sum(p["remote"] for p in pages[:args.top])
    remote_all = sum(p["remote"] for p in pages)
    print("The model's top %d pages of vm %s take %d of its listed pages' %d remote misses."
          % (len(top), args.vm, remote_top, remote_all))
    print()
    print("| source | pages found hot | of the top %d | recall | precision |" % len(top))
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s | %d | %d | %.0f%% | %.0f%% |" % (r["source"], r["hot_pages"], r["found_of_top"],
                                                   100 * r["recall"], 100 * r["precision"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"vm": args.vm, "top": len(top), "remote_top": remote_top,
                       "remote_listed": remote_all, "sources": rows}, f, indent=1)


if __name__ == "__main__":
    main()
