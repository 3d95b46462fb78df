#!/usr/bin/env bash
# make bench-numa's last part: how well each source of page touches the
# NUMA engine has (real-TLB refills in the fast path, fills in C, hinting
# faults) finds the pages the ccNUMA cost model says take the most remote
# misses (tools/numa-sources.py). One 4-vCPU VM on CPUs 2-5 of an 8-CPU
# malta declared as 2 nodes, under `migrate` with its moves turned off
# (numa.moves_per_s=0: a frame names the same page all run long), hinting
# samples on, and `numa_log` (every hot page's frame); the plugin lists its
# 4096 pages with the most remote misses. Workloads: readshare (read-shared
# table) and the suite's fft and ocean.
#
#   tools/bench-numa-sources.sh     (DIR=build/bench-numa, TIMEOUT=1500)
# Writes build/bench-numa-sources.txt (markdown) and .json.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${DIR:-build/bench-numa}
TIMEOUT=${TIMEOUT:-1500}
out=build/bench-numa-sources
mkdir -p "$dir"
cp build/linux/splash.cpio "$dir/"
: > "$out.txt"
echo "[" > "$out.json"
first=1
for run in readshare fft ocean; do
	case $run in
	readshare) cmd="disco.run=numa-readshare readshare.p=4 readshare.t=4096 readshare.r=256" ;;
	*) cmd="disco.run=splash splash.p=4 splash.size=default splash.progs=$run" ;;
	esac
	conf=$dir/sources-$run.conf
	printf '[vm s]\nkernel = vmlinux\ninitrd = splash.cpio\nmemory = 256M\nvcpus = 4\ncpus = 2-5\nnuma_policy = migrate\nnuma.moves_per_s = 0\nnuma.trigger = 16\nnuma.sample = 1024\ncmdline = console=ttyS0 panic=1 rcupdate.rcu_cpu_stall_suppress=1 %s\n' \
		"$cmd" > "$conf"
	tools/mkbundle.sh "$conf" "$dir/sources-$run.cpio" build/linux/guest "$dir" > /dev/null
	echo "bench-numa-sources: $run"
	timeout -s KILL "$TIMEOUT" tools/qemu-malta.sh -smp 8 -m 1G -icount shift=0,sleep=off \
		-kernel build/disco.elf -initrd "$dir/sources-$run.cpio" -append "numa=2 numa_log" \
		-plugin "$PWD/build/ccnuma.so,out=$dir/sources-$run.json,ram=1G,numa=2,top=4096" \
		< /dev/null 2>&1 | tr -d '\r' > "$dir/sources-$run.log"
	if ! grep -q '^disco: vm s: powered off (exit status 0)' "$dir/sources-$run.log"; then
		echo "bench-numa-sources: $run did not power off cleanly; see $dir/sources-$run.log" >&2
		tail -5 "$dir/sources-$run.log" >&2
		exit 1
	fi
	{ echo "### $run"; echo
	  /usr/bin/python3 tools/numa-sources.py --log "$dir/sources-$run.log" \
		--model "$dir/sources-$run.json" --vm s --top 64 --json "$dir/sources-$run.out.json"
	  echo; } >> "$out.txt"
	[ $first = 1 ] || echo "," >> "$out.json"
	first=0
	printf '{"workload": "%s", "result": ' "$run" >> "$out.json"
	cat "$dir/sources-$run.out.json" >> "$out.json"
	echo "}" >> "$out.json"
done
echo "]" >> "$out.json"
# the CSV beside it, and the figure: recall of each source per workload
/usr/bin/python3 - "$out" <<'PY'
import csv, json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = sys.argv[1]
runs = json.load(open(out + ".json"))
with open(out + ".csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["workload", "source", "hot_pages", "found_of_top", "top", "recall", "precision"])
    for r in runs:
        for s in r["result"]["sources"]:
            w.writerow([r["workload"], s["source"], s["hot_pages"], s["found_of_top"],
                        r["result"]["top"], "%.3f" % s["recall"], "%.3f" % s["precision"]])
sources = [s["source"] for s in runs[0]["result"]["sources"]]
fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.8 / len(sources)
for i, src in enumerate(sources):
    vals = [100 * next(s["recall"] for s in r["result"]["sources"] if s["source"] == src) for r in runs]
    ax.bar([k + i * width for k in range(len(runs))], vals, width, label=src)
ax.set_xticks([k + width * (len(sources) - 1) / 2 for k in range(len(runs))])
ax.set_xticklabels([r["workload"] for r in runs])
ax.set_ylabel("% of the model's top 64 remote pages found hot")
ax.set_ylim(0, 100)
ax.legend(fontsize=8)
ax.set_title("Which touches find the pages with the most remote misses (2 nodes)")
fig.tight_layout()
fig.savefig(out + ".png", dpi=120)
PY
cp "$out.png" docs/img/bench-numa-sources.png
cat "$out.txt"
