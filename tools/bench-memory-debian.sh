#!/usr/bin/env bash
# make bench-memory-debian: the machine memory N Debian VMs hold when they
# boot from one base image on the real disk (each VM's disk `debian cow`),
# for N = 1, 2, 4 and 8 (issue 13 item 4; docs/memory.md). Each run boots
# the monitor with N VMs of VM_MEM each (the guest kernel of make linux,
# root on /dev/vda, Debian's sysvinit and its autologin on the console),
# waits for every VM's bash prompt (root@debK:~#) and asks the monitor's
# prompt for `mem` (phase "shell"); then types the same workload into each
# VM's console (Ctrl-] K focuses VM K) and, when every VM printed
# WORKLOAD-DONE-debK, asks `mem` again (phase "workload"). Each N runs in
# two modes: "share" (the monitor's default: the buffer cache's pages and
# the kernel's image copy mapped copy-on-write into every VM) and
# "noshare" (the monitor's command line NOSHARE_APPEND, by default
# `noshare bufcache=0`: no page is shared and the monitor keeps no cache
# of the disk, every VM has its own copy of everything), and a third,
# "merge": sharing plus the merging of identical pages (MERGE_APPEND, by
# default `merge=64 merge_ticks=5`: mmu/page_merge.h), with MERGE_SETTLE
# seconds (default 30) more before each `mem` for the scans to go round
# (SETTLE, default 0, for the other modes: an idle Debian VM keeps backing
# pages it touches, so compare modes at the same SETTLE).
#
# "held" is the `mem` line's "held for VMs": the VMs' private pages + the
# cow disks' overlays + the image cache (kernel) + the buffer cache + the
# merged frames.
#
# Options (environment): COUNTS="1 2 4 8", MODES="share merge noshare",
# VM_MEM=128 (MiB), CPUS=2, QEMU_MEM=2G, APPEND="" (added to both modes'
# command lines), NOSHARE_APPEND="noshare bufcache=0", WORKLOAD (the
# command line typed; it must end by printing WORKLOAD-DONE-$(hostname)),
# OUT=build/bench-memory-debian (.md, .json, .csv, .png; each run's console
# in $OUT-MODE-N.log; REPORT_ONLY=1 makes the tables again from those logs
# without running anything), ROOTFS (the ext4 image; default tools/mkrootfs.sh's,
# built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNTS=${COUNTS:-1 2 4 8}
MODES=${MODES:-share merge noshare}
VM_MEM=${VM_MEM:-128}
CPUS=${CPUS:-2}
QEMU_MEM=${QEMU_MEM:-2G}
APPEND=${APPEND:-}
NOSHARE_APPEND=${NOSHARE_APPEND:-noshare bufcache=0}
MERGE_APPEND=${MERGE_APPEND:-merge=64 merge_ticks=5}
MERGE_SETTLE=${MERGE_SETTLE:-30}
SETTLE=${SETTLE:-0}
OUT=${OUT:-build/bench-memory-debian}
# Debian's own programs, reading the disk: perl and sqlite3 start (their
# libraries), gzip compresses perl's binary, and every file under /usr is
# read once (cat: 114 MB, about 88 MiB of disk blocks; a 128 MiB VM's page
# cache cannot keep all of it).
WORKLOAD=${WORKLOAD:-"perl -e 'print 6*7, \"\\n\"'; sqlite3 :memory: 'select 6*7'; gzip -9 < /usr/bin/perl | wc -c; find /usr -type f -print0 | xargs -0 cat | wc -c; echo WORKLOAD-DONE-\$(hostname)"}
TIMEOUT=${TIMEOUT:-3600}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "${REPORT_ONLY:-}" ]; then
	:
elif [ -z "${ROOTFS:-}" ]; then
	tools/mkrootfs.sh >&2
	ROOTFS=$(tools/mkrootfs.sh --path)
fi
[ -n "${REPORT_ONLY:-}" ] || tools/mkdisk.sh "$tmp/disk.img" debian="$ROOTFS":base > /dev/null

# count_distinct PATTERN LOG: how many different strings match PATTERN
count_distinct() {
	tr -d '\r' < "$2" | grep -ao "$1" | sort -u | wc -l
}

# wait_for PATTERN N LOG PID SECONDS: until N different matches (or QEMU ended)
wait_for() {
	local i
	for ((i = 0; i < $5 * 2; i++)); do
		[ "$(count_distinct "$1" "$3")" -ge "$2" ] && return 0
		kill -0 "$4" 2> /dev/null || return 1
		sleep 0.5
	done
	return 1
}

# mem LOG K: asks the prompt for `mem`, waits for its K-th answer, leaves
mem() {
	local i
	printf '\035:mem\r' >&3
	for ((i = 0; i < 150; i++)); do
		[ "$(grep -ac '^disco: mem node 0:' "$1")" -ge "$2" ] && break
		sleep 0.2
	done
	printf '\r' >&3         # an empty line leaves the prompt
	sleep 0.5
}

# type_slowly TEXT: into the focused VM, 16 bytes at a time (its UART's
# receive FIFO holds 64)
type_slowly() {
	local s=$1
	while [ -n "$s" ]; do
		printf '%s' "${s:0:16}" >&3
		s=${s:16}
		sleep 0.3
	done
}

# info K: VM 1's /proc/meminfo on one line (where its own memory went),
# typed after each `mem`; waits for its K-th answer
INFO="grep -E '^(MemFree|Buffers|Cached|AnonPages|Shmem|Slab|PageTables|KernelStack):' /proc/meminfo | tr -s ' ' | paste -sd ' '; echo INFO-\$((6*7))-DONE"
info() {
	local i
	printf '\035%d' 1 >&3
	sleep 0.3
	type_slowly "$INFO"
	printf '\r' >&3
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -ac '^\[deb1\] INFO-42-DONE' "$log")" -ge "$1" ] && break
		sleep 0.2
	done
}

# settle MODE: SETTLE more seconds before each `mem` (MERGE_SETTLE in merge
# mode: time for the scans to go over every VM)
settle() {
	if [ "$1" = merge ]; then sleep "$MERGE_SETTLE"; else sleep "$SETTLE"; fi
}

# run MODE N: boots N Debian VMs, both phases; the console in $OUT-MODE-N.log
run() {
	local mode=$1 n=$2 dir=$tmp/bundle-$1-$2 log=$tmp/run-$1-$2.log fifo=$tmp/in-$1-$2 pid k append=$APPEND ok=1
	[ "$mode" = noshare ] && append="$APPEND $NOSHARE_APPEND"
	[ "$mode" = merge ] && append="$APPEND $MERGE_APPEND"
	mkdir -p "$dir"
	cp build/linux/guest/vmlinux "$dir/"
	for ((k = 1; k <= n; k++)); do
		printf '[vm deb%d]\nkernel = vmlinux\nmemory = %dM\ndisk = debian cow\ncmdline = %s\n\n' \
			"$k" "$VM_MEM" \
			"console=ttyS0 panic=1 root=/dev/vda rw rootfstype=ext4 rdinit=/sbin/init disco.hostname=deb$k"
	done > "$dir/vms.conf"
	tools/mkbundle.sh "$dir/vms.conf" "$dir/bundle.cpio" "$dir" > /dev/null
	mkfifo "$fifo"
	DISK=$tmp/disk.img timeout -s KILL "$TIMEOUT" tools/qemu-malta.sh -smp "$CPUS" -m "$QEMU_MEM" \
		-kernel build/disco.elf -initrd "$dir/bundle.cpio" -append "$append" \
		< "$fifo" > "$log" 2>&1 &
	pid=$!
	exec 3> "$fifo"
	if wait_for 'root@deb[0-9]*:~#' "$n" "$log" "$pid" 1800; then
		sleep 3         # the last prompt is out; let the boots settle
		settle "$mode"
		mem "$log" 1
		info 1
		for ((k = 1; k <= n; k++)); do
			printf '\035%d' "$k" >&3
			sleep 0.3
			type_slowly "$WORKLOAD"
			printf '\r' >&3
			sleep 0.5
		done
		if wait_for 'WORKLOAD-DONE-deb[0-9]*' "$n" "$log" "$pid" 1800; then
			sleep 3
			settle "$mode"
			mem "$log" 2
			info 2
		else
			ok=0
		fi
	else
		ok=0
	fi
	# each VM stopped from the prompt prints its report (copies on write,
	# its disk's reads and pages shared); the last one's end powers off
	if kill -0 "$pid" 2> /dev/null; then
		printf '\035:' >&3
		for ((k = 1; k <= n; k++)); do
			printf 'stop deb%d\r' "$k" >&3
			sleep 0.5
		done
		for ((k = 0; k < 120 && $(grep -ac '^disco: vm deb[0-9]*: memory: ' "$log") < n; k++)); do
			sleep 0.5
		done
		sleep 2
		(printf 'poweroff\r' >&3) 2> /dev/null || true
	fi
	wait "$pid" || true
	exec 3>&-
	tr -d '\r' < "$log" > "$OUT-$mode-$n.log"
	if [ "$ok" = 0 ] || [ "$(grep -ac '^disco: mem node 0:' "$log")" -lt 2 ]; then
		echo "bench-memory-debian: $mode with $n VMs did not finish; see $OUT-$mode-$n.log" >&2
		exit 1
	fi
}

mkdir -p "$(dirname "$OUT")"
echo "mode,vms,vm_mib,phase,private_pages,shared_mapped_pages,image_cache_pages,bufcache_pages,overlay_pages,merged_pages,held_pages,held_mib,bufcache_hits,bufcache_misses" > "$OUT.csv"
for mode in $MODES; do
	for n in $COUNTS; do
		echo "bench-memory-debian: $mode, $n Debian VM(s) of $VM_MEM MiB" >&2
		[ -n "${REPORT_ONLY:-}" ] || run "$mode" "$n"
		awk -v mode="$mode" -v n="$n" -v mib="$VM_MEM" '
			BEGIN { split("shell workload", name, " ") }
			/^disco: mem deb[0-9]*: / {
				for (i = 1; i <= NF; i++) if ($i == "shared") s += $(i + 1) + 0
			}
			/^disco: mem: VMs. private / { priv = $5; img = $9 }
			/^disco: mem: merged frames / { mg = $5 }
			/^disco: mem: disk overlays / {
				ov = $5; bc = $9
				for (i = 1; i <= NF; i++) {
					if ($i == "hits,") hits = $(i - 1)
					if ($i == "misses),") miss = $(i - 1)
					if ($i == "VMs") held = $(i + 1)
				}
				sub(/^\(/, "", hits)
			}
			/^disco: mem node 0:/ {
				p++
				printf "%s,%d,%d,%s,%d,%d,%d,%d,%d,%d,%d,%.1f,%d,%d\n", mode, n, mib, name[p],
					priv, s, img, bc, ov, mg, held, held / 256, hits, miss
				s = 0; mg = 0
			}' "$OUT-$mode-$n.log" >> "$OUT.csv"
	done
done
column -s, -t < "$OUT.csv" >&2

# per VM, from its report at its stop: demand-zero fills, copies on write,
# its disk's reads, the pages of them mapped shared, writes and overlay;
# and VM 1's /proc/meminfo (KiB) at each phase
echo "mode,vms,vm,demand_fills,cow_copies,disk_reads,read_kib,read_pages_shared,disk_writes,write_kib,overlay_blocks" > "$OUT-vms.csv"
echo "mode,vms,phase,MemFree,Buffers,Cached,AnonPages,Shmem,Slab,KernelStack,PageTables" > "$OUT-meminfo.csv"
for mode in $MODES; do
	for n in $COUNTS; do
		awk -v mode="$mode" -v n="$n" '
			/^disco: vm deb[0-9]*: memory: / {
				vm = $3; sub(/:$/, "", vm)
				d[vm] = $10; sub(/^\(/, "", d[vm]); c[vm] = $13
			}
			/^disco: vm deb[0-9]*: disk vda / {
				vm = $3; sub(/:$/, "", vm)
				for (i = 1; i <= NF; i++) {
					if ($i == "reads") r[vm] = $(i - 1)
					if ($i == "pages" && $(i + 1) == "shared),") { sh[vm] = $(i - 1); rk[vm] = $(i - 3) }
					if ($i == "writes") { w[vm] = $(i - 1); wk[vm] = $(i + 1) }
					if ($i == "overlay") ov[vm] = $(i + 1)
				}
				sub(/^\(/, "", rk[vm]); sub(/^\(/, "", wk[vm])
			}
			END {
				for (k = 1; k <= n; k++) {
					vm = "deb" k
					printf "%s,%d,%s,%d,%d,%d,%d,%d,%d,%d,%d\n", mode, n, vm, d[vm], c[vm],
						r[vm], rk[vm], sh[vm], w[vm], wk[vm], ov[vm]
				}
			}' "$OUT-$mode-$n.log" >> "$OUT-vms.csv"
		awk -v mode="$mode" -v n="$n" '
			BEGIN { split("shell workload", name, " ") }
			/^\[deb1\] MemFree: / {
				p++
				printf "%s,%d,%s", mode, n, name[p]
				for (i = 3; i <= NF; i += 3) printf ",%d", $i
				printf "\n"
			}' "$OUT-$mode-$n.log" >> "$OUT-meminfo.csv"
	done
done

# Debian's python3 (with python3-matplotlib), not one first on a user's PATH
PYTHON=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
"$PYTHON" - "$OUT" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + ".csv")))
mib = lambda pages: int(pages) / 256
key = {(r["mode"], r["phase"], int(r["vms"])): r for r in rows}
for r in rows:
    one = key.get((r["mode"], r["phase"], 1))
    r["ratio_to_1"] = "%.2f" % (float(r["held_mib"]) / float(one["held_mib"])) if one else ""
    other = key.get(("noshare", r["phase"], int(r["vms"])))
    r["noshare_held_mib"] = other["held_mib"] if other else ""
json.dump(rows, open(out + ".json", "w"), indent=1)
md = ["| VMs | phase | mode | held (MiB) | private (MiB) | buffer cache (MiB) | image cache (MiB) | overlays (MiB) | merged (MiB) | ratio to 1 VM | without sharing (MiB) | sharing saves |",
      "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
order = {"share": 0, "merge": 1, "noshare": 2}
for r in sorted(rows, key=lambda r: (order.get(r["mode"], 3), r["phase"] != "shell", int(r["vms"]))):
    held = float(r["held_mib"])
    # only share's: merge runs settle longer (MERGE_SETTLE), not comparable
    ns = r["noshare_held_mib"] if r["mode"] == "share" else ""
    saves = "%.0f%%" % (100 * (1 - held / float(ns))) if ns else ""
    md.append("| %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |" % (
        r["vms"], r["phase"], r["mode"], held, mib(r["private_pages"]), mib(r["bufcache_pages"]),
        mib(r["image_cache_pages"]), mib(r["overlay_pages"]), mib(r.get("merged_pages") or 0),
        r["ratio_to_1"], ns, saves))
open(out + ".md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("bench-memory-debian: no matplotlib (python3-matplotlib): no PNG", file=sys.stderr)
    sys.exit(0)
fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
style = {("share", "shell"): "o-", ("share", "workload"): "s-",
         ("merge", "shell"): "o-.", ("merge", "workload"): "s-.",
         ("noshare", "shell"): "o--", ("noshare", "workload"): "s--"}
label = {"share": "sharing", "merge": "sharing + merging", "noshare": "no sharing"}
for (mode, phase), st in style.items():
    pts = sorted((int(r["vms"]), float(r["held_mib"])) for r in rows
                 if r["mode"] == mode and r["phase"] == phase)
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], st,
                label="%s, %s" % (label[mode],
                                  "at the shell" if phase == "shell" else "after the workload"))
one = key.get(("share", "workload", 1))
if one:
    ax.axhline(1.5 * float(one["held_mib"]), color="grey", lw=0.8, ls=":",
               label="1.5 x one VM after the workload (target for 8)")
ns = sorted({int(r["vms"]) for r in rows})
ax.set_xticks(ns)
ax.set_xlabel("Debian VMs on one cow base image (%s MiB each)" % rows[0]["vm_mib"])
ax.set_ylabel("machine memory held for the VMs (MiB)")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(out + ".png")
print("bench-memory-debian: wrote %s.{md,json,csv,png}" % out, file=sys.stderr)
PY
