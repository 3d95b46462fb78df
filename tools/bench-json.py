#!/usr/bin/python3
"""bench-json.py: a benchmark's CSV as JSON, for tools/plot-bench.py and
anyone who reads results with a program (make bench-boot, bench-linux,
bench-traps write CSV beside their markdown tables, then call this).

    tools/bench-json.py CSV JSON [KEY=VALUE ...]

CSV has a header row. In JSON it becomes
    {"meta": {KEY: VALUE, ...}, "columns": [header...], "rows": [{column: value}, ...]}
with each value typed: an integer, a number, empty as null, a field of
space-separated NAME=INTEGER words (trap counts by kind) as an object, and
anything else as a string. KEY=VALUE pairs (bench=, date=, qemu=,
commit=, ...) describe the run; their values stay strings (a commit
hash may be all digits).
"""
import csv
import json
import re
import sys


def typed(text):
    """The JSON value of one CSV field (see the module comment)."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", text):
        return float(text)
    words = text.split()
    if words and all(re.fullmatch(r"[^=\s]+=-?\d+", w) for w in words):
        return {k: int(v) for k, v in (w.split("=", 1) for w in words)}
    return text


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: bench-json.py CSV JSON [KEY=VALUE ...]")
    meta = {}
    for pair in argv[3:]:
        key, sep, value = pair.partition("=")
        if not sep:
            sys.exit(f"bench-json: {pair!r} is not KEY=VALUE")
        meta[key] = value
    with open(argv[1], newline="") as f:
        reader = csv.reader(f)
        columns = next(reader)
        rows = [dict(zip(columns, (typed(v) for v in row))) for row in reader if row]
    with open(argv[2], "w") as f:
        json.dump({"meta": meta, "columns": columns, "rows": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
