"""The per-function profile tools/pcprof-report.sh writes ("COUNT PERCENT
FUNCTION" lines and a "COUNT total" line), read by the bench scripts
(bench-splash.py, bench-numa.py), which import it from tools/."""


def read_functions(path):
    """The instructions of each function, and the total, of a profile."""
    funcs, total = {}, 0
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[1] == "total":
                total = int(float(w[0]))
            elif len(w) == 3:
                funcs[w[2]] = int(float(w[0]))
    return funcs, total
