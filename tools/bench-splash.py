#!/usr/bin/python3
"""The tables, CSV, JSON and figure of make bench-splash (tools/bench-splash.sh).

Reads, in --dir: native.count/.log (the native kernel, 1 thread), vm1, vm2,
vm4 .count/.log (VMs of 1, 2, 4 vCPUs on 4 CPUs) and spin4on2[-noyield]
.functions/.log (4 vCPUs on 2 CPUs with and without the guest's directed
yield, instructions by guest-kernel function). Writes --out (markdown) and
beside it .csv, .json and .png.
"""
import argparse
import json
import re
import sys
from collections import OrderedDict

from pcprof_functions import read_functions

MARK = "0x0000000110000000"
VMS = [("vm1", 1), ("vm2", 2), ("vm4", 4)]
# guest-kernel functions where a vCPU waits for another: spin locks, the
# wait for a cross-call's answer, optimistic spinning on sleeping locks
SPIN_FUNCTIONS = re.compile(r"(spin_lock|spin_unlock_wait|cpu_relax|smp_call_function|csd_lock|"
                            r"osq_lock|_optimistic_spin|spin_on_owner|rwlock|multi_cpu_stop|"
                            r"stop_machine_yield|rcu_momentary)")


def read_count(path):
    """Snapshots of mark MARK in hit order: {all, monitor, kernel, user, cpus: {cpu: {...}}}."""
    snaps, by_seq = [], {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "mark" and len(w) > 3 and w[3] == MARK:
                kv = dict(zip(w[4::2], w[5::2]))
                s = {k: int(kv[k]) for k in ("all", "monitor", "kernel", "user")}
                s["cpus"] = {}
                by_seq[w[1]] = s
                snaps.append(s)
            elif w[0] == "markcpu" and w[1] in by_seq:
                kv = dict(zip(w[4::2], w[5::2]))
                by_seq[w[1]]["cpus"][int(w[3])] = {k: int(kv[k]) for k in ("all", "monitor", "kernel", "user")}
    return snaps


def console(path, prefix):
    """The splash lines of a console log (a VM's without its "[splash] ")."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if prefix:
                if not line.startswith(prefix):
                    continue
                line = line[len(prefix):]
            if re.match(r"^(splash|fft|lu|radix|ocean|barnes|water): ", line):
                out.append(line)
    return out


def programs(lines):
    names = [m.group(1) for l in lines for m in [re.match(r"^([a-z]+): threads \d", l)] if m and m.group(1) != "splash"]
    checks = {}
    for l in lines:
        m = re.match(r"^([a-z]+): (PASS|FAIL)\b", l)
        if m:
            checks[m.group(1)] = m.group(2)
    return names, checks


def monitor_marks(path):
    """The monitor's snapshots of the VM's counts at each bench mark, in the
    order they were taken (sorted by their total of traps, which only grows),
    each {kind: count}."""
    snaps = OrderedDict()
    pat = re.compile(r"^disco: vm splash mark (\d+) \(vcpu (\d+)\): (.*)$")
    with open(path, errors="replace") as f:
        for line in f:
            m = pat.match(line.rstrip("\n"))
            if not m:
                continue
            key = (int(m.group(2)), int(m.group(1)))
            d = snaps.setdefault(key, {})
            rest = m.group(3)
            label = ""
            if rest.split()[0].endswith(":"):
                label, rest = rest.split(" ", 1)
            for kv in rest.split():
                k, _, v = kv.partition("=")
                if v.isdigit():
                    d[(label + k) if label in ("reflected:",) else (("exc-" + k) if label == "traps:" else k)] = int(v)
    def total(d):
        return sum(v for k, v in d.items() if k.startswith("exc-"))
    return sorted(snaps.values(), key=total)


def delta(a, b):
    return {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}


def spin_profile(path):
    funcs, total = read_functions(path)
    spin = {k: v for k, v in funcs.items() if SPIN_FUNCTIONS.search(k)}
    return spin, total


def log_count(path, key):
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"^disco: vm splash: .*\b%s=(\d+)" % key, line)
            if m:
                return int(m.group(1))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", default="default")
    ap.add_argument("--qemu", default="?")
    a = ap.parse_args()
    d = a.dir
    base = a.out[:-4] if a.out.endswith(".txt") else a.out

    nlines = console(f"{d}/native.log", "")
    names, nchecks = programs(nlines)
    nsnaps = read_count(f"{d}/native.count")
    if len(nsnaps) < 2 * len(names):
        sys.exit(f"bench-splash: {len(nsnaps)} native marks for {len(names)} programs")
    rows = []
    for i, p in enumerate(names):
        a0, a1 = nsnaps[2 * i], nsnaps[2 * i + 1]
        # natively the kernel runs in kseg0, the plugin's "monitor" region
        rows.append({"program": p, "native": {"check": nchecks.get(p, "?"), "all": a1["all"] - a0["all"],
                                              "user": a1["user"] - a0["user"],
                                              "kernel": (a1["all"] - a0["all"]) - (a1["user"] - a0["user"])}})
    for vm, vcpus in VMS:
        lines = console(f"{d}/{vm}.log", "[splash] ")
        vnames, vchecks = programs(lines)
        if vnames != names:
            sys.exit(f"bench-splash: {vm} ran {vnames}, native {names}")
        snaps = read_count(f"{d}/{vm}.count")
        msnaps = monitor_marks(f"{d}/{vm}.log")
        if len(snaps) < 2 * len(names) or len(msnaps) < 2 * len(names):
            sys.exit(f"bench-splash: {vm}: {len(snaps)} plugin and {len(msnaps)} monitor marks for {len(names)} programs")
        for i, p in enumerate(names):
            a0, a1 = snaps[2 * i], snaps[2 * i + 1]
            cpus = {}
            for c in sorted(a1["cpus"]):
                cpus[c] = {k: a1["cpus"][c][k] - a0["cpus"].get(c, {}).get(k, 0) for k in ("all", "monitor", "kernel", "user")}
            users = sorted((v["user"] for v in cpus.values()), reverse=True)[:vcpus]
            mean = sum(users) / len(users) if users else 0
            traps = delta(msnaps[2 * i], msnaps[2 * i + 1])
            kinds = {k[len("exc-"):]: v for k, v in traps.items() if k.startswith("exc-") and v > 0}
            emulated = {k: v for k, v in traps.items() if not k.startswith("exc-") and "reflected" not in k
                        and k not in ("hypercalls",) and v > 0}
            rows[i][vm] = {
                "check": vchecks.get(p, "?"), "vcpus": vcpus,
                "all": a1["all"] - a0["all"], "monitor": a1["monitor"] - a0["monitor"],
                "kernel": a1["kernel"] - a0["kernel"], "user": a1["user"] - a0["user"],
                "per_cpu": cpus,
                "balance": (users[0] / mean) if mean else 0.0,
                "traps": sum(kinds.values()), "trap_kinds": kinds, "emulated": emulated,
            }
    for r in rows:
        r["ratio_vm1"] = r["vm1"]["all"] / r["native"]["all"]
        r["ratio_vm1_user"] = r["vm1"]["user"] / r["native"]["user"] if r["native"]["user"] else 0

    spin = {}
    for run in ("spin4on2", "spin4on2-noyield"):
        funcs, total = spin_profile(f"{d}/{run}.functions")
        snaps = read_count(f"{d}/{run}.count")
        phases = {}
        for i, p in enumerate(names):
            if len(snaps) >= 2 * i + 2:
                a0, a1 = snaps[2 * i], snaps[2 * i + 1]
                phases[p] = {k: a1[k] - a0[k] for k in ("all", "monitor", "kernel", "user")}
        spin[run] = {"spin_functions": funcs, "spin_total": sum(funcs.values()), "profiled_total": total,
                     "phases": phases,
                     "yields_to": log_count(f"{d}/{run}.log", "yields-to"),
                     "yields_to_none": log_count(f"{d}/{run}.log", "yields-to-none"),
                     "checks": programs(console(f"{d}/{run}.log", "[splash] "))[1]}

    # ---- markdown ----
    md = []
    md.append(f"# make bench-splash (QEMU {a.qemu}, -icount shift=0,sleep=off, size {a.size})")
    md.append("")
    md.append("Instructions of each program's parallel phase (between its bench marks), natively on the "
              "uniprocessor board with 1 thread and in VMs of 1, 2 and 4 vCPUs on a 4-CPU machine with as many "
              "threads. QEMU runs every CPU on one host thread: wall-clock speed-ups mean nothing here, "
              "instructions do. VM columns are monitor / guest kernel / guest user.")
    md.append("")
    md.append("| program | checks (native, 1, 2, 4 vCPUs) | native (kernel / user) | 1 vCPU: all (mon / kern / user) | ratio 1 vCPU / native | 2 vCPUs: all | 4 vCPUs: all (mon / kern / user) | balance 2, 4 vCPUs (max / mean user per vCPU) |")
    md.append("|---|---|---|---|---|---|---|---|")
    for r in rows:
        n, v1, v2, v4 = r["native"], r["vm1"], r["vm2"], r["vm4"]
        md.append(f"| {r['program']} | {n['check']}, {v1['check']}, {v2['check']}, {v4['check']} | "
                  f"{n['all']:,} ({n['kernel']:,} / {n['user']:,}) | "
                  f"{v1['all']:,} ({v1['monitor']:,} / {v1['kernel']:,} / {v1['user']:,}) | {r['ratio_vm1']:.3f} | "
                  f"{v2['all']:,} | {v4['all']:,} ({v4['monitor']:,} / {v4['kernel']:,} / {v4['user']:,}) | "
                  f"{v2['balance']:.2f}, {v4['balance']:.2f} |")
    md.append("")
    md.append("Per vCPU in the 4-vCPU VM (one vCPU per CPU), monitor / guest kernel / guest user:")
    md.append("")
    md.append("| program | " + " | ".join(f"cpu {c}" for c in range(4)) + " |")
    md.append("|---|" + "---|" * 4)
    for r in rows:
        cells = []
        for c in range(4):
            x = r["vm4"]["per_cpu"].get(c)
            cells.append(f"{x['monitor']:,} / {x['kernel']:,} / {x['user']:,}" if x else "-")
        md.append(f"| {r['program']} | " + " | ".join(cells) + " |")
    md.append("")
    md.append("Monitor traps in the parallel phase, by kind (largest first):")
    md.append("")
    md.append("| program | 1 vCPU | 4 vCPUs |")
    md.append("|---|---|---|")
    for r in rows:
        def kinds(x):
            k = sorted(x["trap_kinds"].items(), key=lambda kv: -kv[1])[:6]
            return f"{x['traps']:,}: " + " ".join(f"{n}={c:,}" for n, c in k)
        md.append(f"| {r['program']} | {kinds(r['vm1'])} | {kinds(r['vm4'])} |")
    md.append("")
    md.append("Lock-holder preemption: 4 vCPUs on 2 CPUs, 4 threads, the whole run (boot included), "
              "instructions in the guest kernel's spin and wait-for-another-CPU functions (pcprof):")
    md.append("")
    md.append("| run | spin instructions | of all instructions | directed yields that ran another vCPU / found none | checks |")
    md.append("|---|---|---|---|---|")
    for run, label in (("spin4on2", "with directed yield (default)"), ("spin4on2-noyield", "without (disco.spin_yield=0)")):
        s = spin[run]
        ok = sum(1 for c in s["checks"].values() if c == "PASS")
        md.append(f"| {label} | {s['spin_total']:,} | {s['profiled_total']:,} | {s['yields_to']:,} / {s['yields_to_none']:,} | {ok} of {len(s['checks'])} PASS |")
    md.append("")
    md.append("The same two runs, each program's parallel phase (all vCPUs), instructions with / without "
              "the directed yield, monitor + guest kernel + user:")
    md.append("")
    md.append("| program | with yield | without | with / without | guest kernel with / without |")
    md.append("|---|---|---|---|---|")
    for p in names:
        w, wo = spin["spin4on2"]["phases"].get(p), spin["spin4on2-noyield"]["phases"].get(p)
        if w and wo:
            md.append(f"| {p} | {w['all']:,} | {wo['all']:,} | {w['all'] / wo['all']:.3f} | {w['kernel']:,} / {wo['kernel']:,} |")
    md.append("")
    top = sorted(spin["spin4on2-noyield"]["spin_functions"].items(), key=lambda kv: -kv[1])[:8]
    md.append("Largest spin functions without the yield: " +
              ", ".join(f"{k} {v:,} (with: {spin['spin4on2']['spin_functions'].get(k, 0):,})" for k, v in top) + ".")
    open(a.out, "w").write("\n".join(md) + "\n")

    # ---- CSV and JSON ----
    with open(base + ".csv", "w") as f:
        f.write("program,config,vcpus,check,all,monitor,guest_kernel,guest_user,ratio_to_native,balance,traps\n")
        for r in rows:
            n = r["native"]
            f.write(f"{r['program']},native,1,{n['check']},{n['all']},0,{n['kernel']},{n['user']},1,1,0\n")
            for vm, vcpus in VMS:
                x = r[vm]
                f.write(f"{r['program']},{vm},{vcpus},{x['check']},{x['all']},{x['monitor']},{x['kernel']},"
                        f"{x['user']},{x['all'] / n['all']:.4f},{x['balance']:.3f},{x['traps']}\n")
    json.dump({"size": a.size, "qemu": a.qemu, "programs": rows, "lock_holder_preemption": spin},
              open(base + ".json", "w"), indent=1)

    # ---- figure ----
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 4.8), gridspec_kw={"width_ratios": [3, 1.3, 1.3]})
    width = 0.2
    configs = [("native", "native"), ("vm1", "1 vCPU"), ("vm2", "2 vCPUs"), ("vm4", "4 vCPUs")]
    colors = {"monitor": "#d62728", "kernel": "#1f77b4", "user": "#2ca02c"}
    for j, (cfg, label) in enumerate(configs):
        xs = [i + (j - 1.5) * width for i in range(len(rows))]
        bottom = [0.0] * len(rows)
        for part in ("monitor", "kernel", "user"):
            vals = [(r[cfg].get(part, 0) if cfg != "native" or part != "monitor" else 0) / r["native"]["all"] for r in rows]
            ax1.bar(xs, vals, width, bottom=bottom, color=colors[part], edgecolor="black", linewidth=0.3,
                    label=part if j == 1 else None)
            bottom = [b + v for b, v in zip(bottom, vals)]
        for x, b in zip(xs, bottom):
            ax1.text(x, b + 0.02, label.split()[0], ha="center", va="bottom", fontsize=6, rotation=90)
    ax1.set_xticks(range(len(rows)))
    ax1.set_xticklabels([r["program"] for r in rows])
    ax1.axhline(1.0, color="gray", linewidth=0.5)
    ax1.set_ylabel("instructions of the parallel phase / native (1 thread)")
    ax1.set_title("native, then VMs of 1, 2, 4 vCPUs (4 CPUs)")
    ax1.legend(title="VM: monitor / guest kernel / user", fontsize=7, loc="upper left")
    for vm, vcpus in VMS[1:]:
        ax2.plot([r["program"] for r in rows], [r[vm]["balance"] for r in rows], marker="o", label=f"{vcpus} vCPUs")
    ax2.axhline(1.0, color="gray", linewidth=0.5)
    ax2.set_title("load balance (max / mean user per vCPU)")
    ax2.legend(fontsize=7)
    ax2.tick_params(axis="x", rotation=45)
    labels = ["with yield", "without"]
    vals = [spin["spin4on2"]["spin_total"] / 1e6, spin["spin4on2-noyield"]["spin_total"] / 1e6]
    ax3.bar(labels, vals, color=["#2ca02c", "#d62728"])
    for i, v in enumerate(vals):
        ax3.text(i, v, f"{v:,.1f} M", ha="center", va="bottom", fontsize=8)
    ax3.set_title("4 vCPUs on 2 CPUs: guest spin instructions")
    ax3.set_ylabel("million instructions (whole run)")
    fig.tight_layout()
    fig.savefig(base + ".png", dpi=110)


if __name__ == "__main__":
    main()
